#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The install test of make check (host side, no VM): the man page and the
# bash completion against the built mempoolctl, the modprobe.d example
# against the module parameters, make install/uninstall into a scratch
# root, DKMS builds for the stock 6.1 and 6.12 headers, and the Debian
# package installed and purged.  One "ok NAME"/"not ok NAME: why" line per
# check, summary last.  Logs: build/logs/install-*.log.
#
# The DKMS and package checks change this machine (/usr/src, /var/lib/dkms,
# /lib/modules/*/updates/dkms, dpkg's database) and undo it; they need
# root and are skipped when mempool is already registered with DKMS or the
# mempool-dkms package is installed (a real installation is never touched).
#   SKIP_INSTALL_SYSTEM=1   only the checks that change nothing outside
#                           a scratch directory
set -eu
. "$(dirname "$0")/common.sh"

VERSION=$(cat "$REPO/VERSION")
K61=$MP_ABI_61
K612=$MP_ABI_612
LOG=$LOGS/install
tmp=$(mktemp -d)
# What this test made under /lib/modules for DKMS (see below): build
# links, and whole directories of kernels that had none (depmod writes
# its files there).
made_links=()
made_dirs=()
cleanup() {
	local l
	for l in "${made_links[@]}"; do rm -f "$l"; done
	for l in "${made_dirs[@]}"; do rm -rf "$l"; done
	rm -rf "$tmp"
}
trap cleanup EXIT
KDIR61=$(stock_headers "$K61")
KDIR612=$(stock_headers "$K612")

# A copy of the sources, so that the in-tree objects (of whatever KDIR the
# developer builds against) are neither used nor disturbed.
src=$tmp/src
rsync -a --exclude=/build --exclude=.git --exclude='*.o' --exclude='*.ko' \
	--exclude='*.mod' --exclude='*.mod.c' --exclude='.*.cmd' \
	--exclude='*.order' --exclude=Module.symvers "$REPO/" "$src/"
make -C "$src" clean >/dev/null 2>&1 || true

# ---- mempoolctl(8) ---------------------------------------------------------
man8=$src/tools/mempoolctl.8
if ! make -C "$src/tools" mempoolctl >"$LOG-tools.log" 2>&1; then
	record_fail install/tools-build "see $LOG-tools.log"
fi
ctl=$src/tools/mempoolctl

w=$( { groff -man -ww -z "$man8" 2>&1
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$man8" 2>&1 >/dev/null; } || true)
if [ -z "$w" ]; then record_ok install/man-renders
else record_fail install/man-renders "$(printf '%s' "$w" | head -n 3 | tr '\n' ' ')"
fi

# The rendered text, whitespace collapsed, for phrase searches.
text=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -E UTF-8 -l "$man8" 2>/dev/null |
	col -b | tr -s ' \n\t' '   ')
has() { case $text in *"$1"*) return 0 ;; esac; return 1; }

# Every command of the table: in the synopsis, and an entry of COMMANDS.
missing=
# shellcheck disable=SC2013 # the names are words
for c in $(sed -n 's/^[[:space:]]*\.name = "\([^"]*\)".*/\1/p' "$src/tools/cmdtab.c"); do
	grep -qx "\.B mempoolctl $c" "$man8" &&
		awk -v c="$c" 'p && $0 ~ "^\\.B[IR]? \"?" c "([ \"]|$)" { f = 1 }
			{ p = ($0 == ".TP") } END { exit !f }' "$man8" ||
		missing="$missing $c"
done
if [ -z "$missing" ]; then record_ok install/man-commands
else record_fail install/man-commands "not in tools/mempoolctl.8:$missing"
fi

# Every option of every command's --help, and of the top-level one.
missing=
if [ -x "$ctl" ]; then
	for c in "" $("$ctl" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p'); do
		# shellcheck disable=SC2086 # no command: the top-level help
		for o in $("$ctl" $c --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
			o=${o#--}
			grep -qF -- "\\-\\-${o//-/\\-}" "$man8" ||
				missing="$missing ${c:-mempoolctl} --$o,"
		done
	done
	if [ -z "$missing" ]; then record_ok install/man-options
	else record_fail install/man-options "not in tools/mempoolctl.8:$missing"
	fi
fi

# Every message of tools/errors.c (up to any parenthesis).
missing=
while IFS= read -r m; do
	m=${m%% (*}
	has "$m" || missing="$missing '$m'"
done < <(sed -n 's/.*return "\([^"%]*\)";.*/\1/p' "$src/tools/errors.c" | sort -u)
if [ -z "$missing" ]; then record_ok install/man-errors
else record_fail install/man-errors "not in tools/mempoolctl.8:$missing"
fi

# ---- bash completion ---------------------------------------------------------
# A stand-in mempoolctl: the built one, but "list --json" shows two pools.
mkdir -p "$tmp/bin"
cat >"$tmp/bin/mempoolctl" <<EOF
#!/bin/sh
if [ "\$1" = list ] && [ "\$2" = --json ]; then
	echo '[{"name": "rx", "block_size": 2048}, {"name": "tx-1", "block_size": 64}]'
	exit 0
fi
exec "$ctl" "\$@"
EOF
chmod 0755 "$tmp/bin/mempoolctl"
cmds=$(sed -n 's/^[[:space:]]*\.name = "\([^"]*\)".*/\1/p' "$src/tools/cmdtab.c" | sort | tr '\n' ' ')
# shellcheck disable=SC2016 # expanded by the inner bash
out=$(PATH="$tmp/bin:$PATH" bash -c '
	. "$1"
	t() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _mempoolctl
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "; echo; }
	t mempoolctl ""
	t mempoolctl cr
	t mempoolctl create --b
	t mempoolctl stats r
	t mempoolctl free rx ""
	t mempoolctl alloc ""
	t mempoolctl create ""
	t mempoolctl help de
	for c in $2; do t mempoolctl "$c" --; done
	' sh "$src/tools/mempoolctl.bash-completion" "$cmds" 2>&1) || true
want="$cmds
create 
--block-size --blocks 
rx 
 
rx tx-1 
 
destroy "
for c in $cmds; do
	want="$want
$({ "$ctl" "$c" --help | grep -o -- '--[a-z][a-z-]*'; echo --help; } | sort -u | tr '\n' ' ')"
done
if [ "$out" = "$want" ]; then record_ok install/bash-completion
else
	diff <(printf '%s\n' "$want") <(printf '%s\n' "$out") >"$LOG-completion.diff" || true
	record_fail install/bash-completion "see $LOG-completion.diff"
fi

# ---- modprobe.d example: every module parameter ----------------------------
missing=
for p in $(cd "$src" && sed -n 's/^[[:space:]]*module_param[a-z_]*(\([a-z_0-9]*\),.*/\1/p' ./*.c bench/*.c); do
	grep -q "^#options mempool.* $p=" "$src/packaging/mempool.conf.example" &&
		grep -q "^#   $p " "$src/packaging/mempool.conf.example" ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then record_ok install/modprobe-example
else record_fail install/modprobe-example "undocumented:$missing"
fi

# ---- make install / make uninstall into a scratch root ----------------------
files() { (cd "$1" && find . \( -type f -o -type l \) -printf '/%P\n' | sort); }
expect() {
	printf '%s\n' \
		"/lib/modules/$K61/extra/bench/mempool_bench.ko" \
		"/lib/modules/$K61/extra/mempool.ko" \
		/usr/local/sbin/mempoolctl \
		/usr/local/share/doc/mempool/mempool.conf.example \
		/usr/local/share/man/man8/mempoolctl.8 \
		/usr/local/share/mempool/install-manifest \
		/usr/share/bash-completion/completions/mempoolctl "$@" | sort
}
# try NAME [make variables]: install, compare, uninstall, compare.
try_install() {
	local name=$1 root=$tmp/root-$1 got
	shift
	local vars=(DESTDIR="$root" INSTALL_MOD_PATH="$root"
		KDIR="$KDIR61" "$@")
	if ! make -C "$src" install "${vars[@]}" >"$LOG-make-$name.log" 2>&1; then
		record_fail "install/make-install-$name" "see $LOG-make-$name.log"
		return 1
	fi
	got=$(files "$root")
	if [ "$got" != "$(expect_"$name")" ]; then
		diff <(expect_"$name") <(printf '%s\n' "$got") >"$LOG-make-$name.diff" || true
		record_fail "install/make-install-$name" "other files than expected, see $LOG-make-$name.diff"
	elif [ ! -x "$root/usr/local/sbin/mempoolctl" ] ||
		! cmp -s "$man8" "$root/usr/local/share/man/man8/mempoolctl.8"; then
		record_fail "install/make-install-$name" "mempoolctl not executable or man page differs"
	elif [ "$name" = udev ] && ! grep -qx \
		'KERNEL=="mempool", SUBSYSTEM=="misc", GROUP="mempool", MODE="0660"' \
		"$root/etc/udev/rules.d/60-mempool.rules"; then
		record_fail install/make-install-udev "no rule for group mempool, mode 0660"
	else
		record_ok "install/make-install-$name"
	fi
	if ! make -C "$src" uninstall "${vars[@]}" >>"$LOG-make-$name.log" 2>&1; then
		record_fail "install/make-uninstall-$name" "see $LOG-make-$name.log"
		return 1
	fi
	got=$(files "$root")
	if [ -z "$got" ]; then record_ok "install/make-uninstall-$name"
	else record_fail "install/make-uninstall-$name" "left: $(echo "$got" | tr '\n' ' ')"
	fi
}
expect_plain() { expect; }
expect_udev() { expect /etc/udev/rules.d/60-mempool.rules; }
try_install plain || true
try_install udev UDEV_GROUP=mempool || true

# ---- DKMS and the Debian package (change the machine, then undo it) -------
skip=
if [ -n "${SKIP_INSTALL_SYSTEM:-}" ]; then skip="SKIP_INSTALL_SYSTEM set"
elif [ "$(id -u)" != 0 ]; then skip="not root"
elif ! command -v dkms >/dev/null; then skip=
elif [ -n "$(dkms status -m mempool 2>/dev/null)" ] || [ -e "/usr/src/mempool-$VERSION" ]; then
	skip="mempool is installed with DKMS on this machine"
elif dpkg-query -W mempool-dkms >/dev/null 2>&1; then
	skip="the mempool-dkms package is installed on this machine"
fi
if [ -n "$skip" ]; then
	for n in dkms-build-6.1 dkms-build-6.12 dkms-uninstall deb-build deb-install deb-remove; do
		record_ok "install/$n # SKIP $skip"
	done
	summary
	exit
fi
if ! command -v dkms >/dev/null; then
	record_fail install/dkms "dkms is not installed (tools/vm/deps.sh installs it)"
	summary
	exit
fi

# DKMS (and the package's postinst) build for the kernels whose headers
# are at /lib/modules/ABI/build.  The headers are unpacked in the cache,
# never installed: link them there for this test only, and only where
# nothing is.
for k in "$K61:$KDIR61" "$K612:$KDIR612"; do
	l=/lib/modules/${k%%:*}/build
	if [ ! -e "$l" ] && [ ! -L "$l" ]; then
		[ -d "${l%/build}" ] || made_dirs+=("${l%/build}")
		mkdir -p "${l%/build}"
		ln -s "${k#*:}" "$l"
		made_links+=("$l")
	fi
done

# Every trace of mempool in DKMS's tree and the kernels' module dirs.
dkms_traces() {
	{
		dkms status -m mempool 2>/dev/null
		ls -d /usr/src/mempool-* /var/lib/dkms/mempool 2>/dev/null
		ls /lib/modules/*/updates/dkms/mempool* 2>/dev/null
	} || true
}

# make dkms-install for 6.1 (add, build, install); dkms build for 6.12.
dlog=$LOG-dkms.log
: >"$dlog"
ok61=
if make -C "$src" dkms-install DKMS_KERNELS="$K61" >>"$dlog" 2>&1 &&
	[ -f "/var/lib/dkms/mempool/$VERSION/$K61/x86_64/module/mempool.ko" ] &&
	[ -f "/var/lib/dkms/mempool/$VERSION/$K61/x86_64/module/mempool_bench.ko" ] &&
	[ -f "/lib/modules/$K61/updates/dkms/mempool.ko" ] &&
	[ -f "/lib/modules/$K61/updates/dkms/mempool_bench.ko" ]; then
	ok61=1
	record_ok install/dkms-build-6.1
else
	record_fail install/dkms-build-6.1 "see $dlog"
fi
if [ -n "$ok61" ] &&
	dkms build -m mempool -v "$VERSION" -k "$K612" >>"$dlog" 2>&1 &&
	ls "/var/lib/dkms/mempool/$VERSION/$K612/x86_64/module/mempool.ko"* \
		"/var/lib/dkms/mempool/$VERSION/$K612/x86_64/module/mempool_bench.ko"* \
		>/dev/null 2>&1; then
	record_ok install/dkms-build-6.12
else
	record_fail install/dkms-build-6.12 "see $dlog"
fi
dkms status -m mempool >>"$dlog" 2>&1 || true
make -C "$src" dkms-uninstall >>"$dlog" 2>&1 || true
left=$(dkms_traces)
if [ -z "$left" ]; then record_ok install/dkms-uninstall
else
	record_fail install/dkms-uninstall "left: $(echo "$left" | tr '\n' ' ')"
	dkms remove -m mempool -v "$VERSION" --all >/dev/null 2>&1 || true
	rm -rf "/usr/src/mempool-$VERSION"
fi

# The package: built, installed by apt (postinst builds for the kernels
# whose headers are installed), removed and purged.
plog=$LOG-deb.log
deb=$src/build/mempool-dkms_${VERSION}_all.deb
if make -C "$src" deb >"$plog" 2>&1 && [ -f "$deb" ] &&
	dpkg-deb -c "$deb" >"$tmp/deb.list" &&
	grep -q "/usr/src/mempool-$VERSION/dkms.conf" "$tmp/deb.list"; then
	record_ok install/deb-build
	if DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" >>"$plog" 2>&1; then
		st=$(dkms status -m mempool -v "$VERSION" 2>/dev/null)
		echo "$st" >>"$plog"
		bad=
		[ -f "/usr/src/mempool-$VERSION/dkms.conf" ] || bad="no /usr/src/mempool-$VERSION"
		[ -n "$st" ] || bad="$bad; dkms knows no mempool"
		! printf '%s\n' "$st" | grep -v ': installed$' | grep -q . ||
			bad="$bad; not installed for every kernel: $st"
		for k in $(printf '%s\n' "$st" | sed -n 's/^[^,]*, \([^,]*\),.*/\1/p'); do
			ls "/lib/modules/$k/updates/dkms/mempool.ko"* \
				"/lib/modules/$k/updates/dkms/mempool_bench.ko"* \
				>/dev/null 2>&1 || bad="$bad; no modules in /lib/modules/$k"
		done
		if [ -z "$bad" ]; then record_ok install/deb-install
		else record_fail install/deb-install "${bad#; } (see $plog)"
		fi
	else
		record_fail install/deb-install "see $plog"
	fi
	DEBIAN_FRONTEND=noninteractive apt-get remove -y -q mempool-dkms >>"$plog" 2>&1 || true
	dpkg --purge mempool-dkms >>"$plog" 2>&1 || true
	left=$(dkms_traces)
	if dpkg-query -W -f='${Status}' mempool-dkms 2>/dev/null | grep -q installed; then
		record_fail install/deb-remove "still installed (see $plog)"
	elif [ -n "$left" ]; then
		record_fail install/deb-remove "left: $(echo "$left" | tr '\n' ' ')"
	else
		record_ok install/deb-remove
	fi
else
	record_fail install/deb-build "see $plog"
fi
summary
