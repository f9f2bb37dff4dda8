#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The install test of make check (host side, no VM): the man page and the
# bash completion against the built mempoolctl, the modprobe.d example
# against the module parameters, make install/uninstall into a scratch
# root, make dkms-install for the stock 6.1 headers, and the Debian
# packages (debian/): built (lintian-clean), installed with apt (DKMS
# builds for 6.1 and 6.12), checked, upgraded to a newer version, removed
# and purged.  One "ok NAME"/"not ok NAME: why" line per check, summary
# last.  Logs: build/logs/install-*.log.
#
# The DKMS and package checks change this machine (/usr/src, /var/lib/dkms,
# /lib/modules/*/updates/dkms, dpkg's database, the group mempool) and
# undo it; they need root and are skipped when mempool is already
# registered with DKMS or a mempool package is installed (a real
# installation is never touched).
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
# Set once the packages may be installed, and when the group mempool is
# this test's (the packages keep it on purge).
pkgs_tried=
group_made=
# DKMS makes its signing key on its first build: removed when it is ours.
mok_made=()
for l in /var/lib/dkms/mok.key /var/lib/dkms/mok.pub; do
	[ -e "$l" ] || mok_made+=("$l")
done
cleanup() {
	local l
	for l in "${mok_made[@]}"; do rm -f "$l"; done
	if [ -n "$pkgs_tried" ]; then
		dpkg --purge mempool-utils mempool-dkms >/dev/null 2>&1 || true
	fi
	[ -z "$group_made" ] || groupdel mempool 2>/dev/null || true
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
man8=$src/tools/mempoolctl/mempoolctl.8
if ! make -C "$src/tools/mempoolctl" mempoolctl >"$LOG-tools.log" 2>&1; then
	record_fail install/tools-build "see $LOG-tools.log"
fi
ctl=$src/tools/mempoolctl/mempoolctl

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
for c in $(sed -n 's/^[[:space:]]*\.name = "\([^"]*\)".*/\1/p' "$src/tools/mempoolctl/cmdtab.c"); do
	grep -qx "\.B mempoolctl $c" "$man8" &&
		awk -v c="$c" 'p && $0 ~ "^\\.B[IR]? \"?" c "([ \"]|$)" { f = 1 }
			{ p = ($0 == ".TP") } END { exit !f }' "$man8" ||
		missing="$missing $c"
done
if [ -z "$missing" ]; then record_ok install/man-commands
else record_fail install/man-commands "not in tools/mempoolctl/mempoolctl.8:$missing"
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
	else record_fail install/man-options "not in tools/mempoolctl/mempoolctl.8:$missing"
	fi
fi

# Every message of tools/mempoolctl/errors.c (up to any parenthesis).
missing=
while IFS= read -r m; do
	m=${m%% (*}
	has "$m" || missing="$missing '$m'"
done < <(sed -n 's/.*return "\([^"%]*\)";.*/\1/p' "$src/tools/mempoolctl/errors.c" | sort -u)
if [ -z "$missing" ]; then record_ok install/man-errors
else record_fail install/man-errors "not in tools/mempoolctl/mempoolctl.8:$missing"
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
cmds=$(sed -n 's/^[[:space:]]*\.name = "\([^"]*\)".*/\1/p' "$src/tools/mempoolctl/cmdtab.c" | sort | tr '\n' ' ')
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
	t mempoolctl debug t
	t mempoolctl debug rx -
	t mempoolctl debug rx +poison q
	for c in $2; do t mempoolctl "$c" --; done
	' sh "$src/tools/mempoolctl/mempoolctl.bash-completion" "$cmds" 2>&1) || true
want="$cmds
create 
--block-size --blocks 
rx 
 
rx tx-1 
 
debug destroy 
tx-1 
-poison -track 
quarantine= "
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
	{ expect_lib /usr/local; printf '%s\n' \
		"/lib/modules/$K61/extra/bench/mempool_bench.ko" \
		"/lib/modules/$K61/extra/mempool.ko" \
		/usr/local/sbin/mempoolctl \
		/usr/local/share/doc/mempool/mempool.conf.example \
		/usr/local/share/man/man8/mempoolctl.8 \
		/usr/local/share/mempool/install-manifest \
		/usr/share/bash-completion/completions/mempoolctl "$@"; } | sort
}
# expect_lib PREFIX: libmpool's files, as tools/lib/mpool installs them.
expect_lib() {
	local p
	printf '%s\n' "$1/lib/libmpool.so.1.0.0" "$1/lib/libmpool.so.1" \
		"$1/lib/libmpool.so" "$1/lib/libmpool.a" \
		"$1/lib/pkgconfig/libmpool.pc" "$1/include/mpool/libmpool.h" \
		"$1/include/mpool/mpool_ioctl.h" "$1/include/mpool/mpool_stat_list.h"
	for p in "$src"/tools/lib/mpool/man/*.3; do
		echo "$1/share/man/man3/${p##*/}"
	done
}
# A program outside the tree, built with pkg-config's flags for libmpool.
cat >"$tmp/libmpool-user.c" <<'EOF2'
#include <fcntl.h>
#include <libmpool.h>

int main(void)
{
	struct mpool_cache *c;
	int fd = mpool_open(O_RDWR);

	return fd >= 0 && !mpool_cache_create(fd, "p", 8, &c) ? 0 : 1;
}
EOF2
# pkgconfig_ok ROOT PREFIX: pkg-config names ROOT's headers and library,
# and a program builds and links with them, shared and static; prints
# what is wrong.
pkgconfig_ok() {
	local f
	f=$(PKG_CONFIG_SYSROOT_DIR=$1 PKG_CONFIG_LIBDIR=$1$2 \
		pkg-config --cflags --libs libmpool 2>&1) ||
		{ echo "pkg-config --cflags --libs libmpool: $f"; return; }
	# shellcheck disable=SC2086 # the flags are words
	gcc -o "$tmp/libmpool-user" "$tmp/libmpool-user.c" $f >"$tmp/cc.log" 2>&1 ||
		{ echo "cc with '$f': $(head -n 2 "$tmp/cc.log" | tr '\n' ' ')"; return; }
	readelf -d "$tmp/libmpool-user" | grep -q 'NEEDED.*\[libmpool\.so\.1\]' ||
		echo "the program does not need libmpool.so.1"
	f=$(PKG_CONFIG_SYSROOT_DIR=$1 PKG_CONFIG_LIBDIR=$1$2 \
		pkg-config --static --cflags --libs libmpool 2>&1)
	# shellcheck disable=SC2086 # the flags are words
	gcc -static -o "$tmp/libmpool-user" "$tmp/libmpool-user.c" $f >"$tmp/cc.log" 2>&1 ||
		echo "static cc with '$f': $(head -n 2 "$tmp/cc.log" | tr '\n' ' ')"
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
	if [ "$name" = plain ]; then
		pc=$(pkgconfig_ok "$root" /usr/local/lib/pkgconfig)
		if [ -z "$pc" ]; then record_ok install/make-install-pkg-config
		else record_fail install/make-install-pkg-config "$pc"
		fi
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

# ---- DKMS and the Debian packages (change the machine, then undo it) -------
skip=
if [ -n "${SKIP_INSTALL_SYSTEM:-}" ]; then skip="SKIP_INSTALL_SYSTEM set"
elif [ "$(id -u)" != 0 ]; then skip="not root"
elif ! command -v dkms >/dev/null; then skip=
elif [ -n "$(dkms status -m mempool 2>/dev/null)" ] || [ -e "/usr/src/mempool-$VERSION" ]; then
	skip="mempool is installed with DKMS on this machine"
elif dpkg-query -W -f='${db:Status-Abbrev}\n' mempool-dkms mempool-utils libmpool1 libmpool-dev 2>/dev/null |
	grep -q '^.[^n]'; then
	skip="a mempool package is installed on this machine"
fi
DEB_CHECKS="deb-build deb-libmpool deb-lintian deb-install deb-modinfo deb-mempoolctl-version
	deb-man deb-completion deb-udev deb-upgrade deb-remove deb-purge"
if [ -n "$skip" ]; then
	for n in dkms-build-6.1 dkms-uninstall $DEB_CHECKS; do
		record_ok "install/$n # SKIP $skip"
	done
	summary
	exit
fi
if ! command -v dkms >/dev/null; then
	record_fail install/dkms "dkms is not installed (tools/testing/vm/deps.sh installs it)"
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

# make dkms-install for 6.1 (add, build, install), then dkms-uninstall.
# The package below has DKMS build for both kernels.
dlog=$LOG-dkms.log
: >"$dlog"
if make -C "$src" dkms-install DKMS_KERNELS="$K61" >>"$dlog" 2>&1 &&
	[ -f "/var/lib/dkms/mempool/$VERSION/$K61/x86_64/module/mempool.ko" ] &&
	[ -f "/var/lib/dkms/mempool/$VERSION/$K61/x86_64/module/mempool_bench.ko" ] &&
	[ -f "/lib/modules/$K61/updates/dkms/mempool.ko" ] &&
	[ -f "/lib/modules/$K61/updates/dkms/mempool_bench.ko" ]; then
	record_ok install/dkms-build-6.1
else
	record_fail install/dkms-build-6.1 "see $dlog"
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

# ---- the Debian packages ----------------------------------------------------
plog=$LOG-deb.log
: >"$plog"
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
# debs TREE VERSION: the packages make deb left in TREE/build.
debs() {
	echo "$1/build/mempool-dkms_${2}_all.deb" "$1/build/mempool-utils_${2}_$arch.deb" \
		"$1/build/libmpool1_${2}_$arch.deb" "$1/build/libmpool-dev_${2}_$arch.deb"
}
PKGS=(mempool-dkms mempool-utils libmpool1 libmpool-dev)
# build TREE VERSION: make deb (dpkg-buildpackage, then lintian); prints
# why it failed, nothing when it did not.
build() {
	local d
	if ! make -C "$1" deb >"$tmp/make-deb.log" 2>&1; then
		cat "$tmp/make-deb.log" >>"$plog"
		if grep -q '^[EW]: ' "$tmp/make-deb.log"; then
			echo "lintian: $(grep '^[EW]: ' "$tmp/make-deb.log" | head -n 3 | tr '\n' ' ')"
		else
			echo "make deb failed (see $plog)"
		fi
		return
	fi
	cat "$tmp/make-deb.log" >>"$plog"
	for d in $(debs "$1" "$2"); do
		[ -f "$d" ] || { echo "no $d"; return; }
	done
}
apt_get() {
	DEBIAN_FRONTEND=noninteractive apt-get -y -q -o APT::Sandbox::User=root "$@" >>"$plog" 2>&1
}
# installed_ok VERSION: what an installation of VERSION must be; prints
# what is wrong, one problem a line, prefixed with its check's name.
installed_ok() {
	local v=$1 k m f st ver
	for p in "${PKGS[@]}"; do
		ver=$(dpkg-query -W -f='${Status} ${Version}' "$p" 2>/dev/null)
		[ "$ver" = "install ok installed $v" ] ||
			echo "deb-install: $p is '$ver', not $v installed"
	done
	[ -f "/usr/src/mempool-$v/dkms.conf" ] ||
		echo "deb-install: no /usr/src/mempool-$v/dkms.conf"
	for k in "$K61" "$K612"; do
		st=$(dkms status -m mempool -v "$v" -k "$k" 2>/dev/null)
		case $st in *": installed"*) ;;
		*) echo "deb-install: DKMS did not install $v for $k: '$st'" ;;
		esac
		for m in mempool mempool_bench; do
			set -- "/lib/modules/$k/updates/dkms/$m.ko"*
			f=$1
			if [ ! -f "$f" ]; then
				echo "deb-install: no $m.ko in /lib/modules/$k/updates/dkms"
				continue
			fi
			ver=$(modinfo -F version "$f" 2>&1)
			[ "$ver" = "$v" ] || echo "deb-modinfo: $f: version '$ver', not $v"
			[ -n "$(modinfo -F author "$f" 2>/dev/null)" ] ||
				echo "deb-modinfo: $f: no author"
			[ -n "$(modinfo -F description "$f" 2>/dev/null)" ] ||
				echo "deb-modinfo: $f: no description"
			echo "$f: version $ver, signer '$(modinfo -F signer "$f" 2>/dev/null)'" >>"$plog"
		done
	done
	ver=$(/usr/sbin/mempoolctl --version 2>/dev/null | head -n 1 || true)
	case $ver in "mempoolctl $v (ABI "*) ;;
	*) echo "deb-mempoolctl-version: mempoolctl --version says '$ver', not $v" ;;
	esac
	set -- /usr/src/mempool-*
	[ "$*" = "/usr/src/mempool-$v" ] ||
		echo "deb-install: not one mempool in /usr/src: $*"
}
# problems CHECK: the lines of installed_ok's answer for CHECK
problems() { sed -n "s/^$1: //p" "$tmp/problems" | tr '\n' ';' | sed 's/;$//'; }
report() {
	local why
	why=$(problems "$1")
	if [ -z "$why" ]; then record_ok "install/$1"
	else record_fail "install/$1" "$why"
	fi
}

why=$(build "$src" "$VERSION")
if [ -n "$why" ]; then
	case $why in
	lintian:*) record_ok install/deb-build; record_fail install/deb-lintian "$why" ;;
	*) record_fail install/deb-build "$why" ;;
	esac
	summary
	exit
fi
record_ok install/deb-build
if command -v lintian >/dev/null; then record_ok install/deb-lintian
else record_fail install/deb-lintian "lintian is not installed (tools/testing/vm/deps.sh installs it)"
fi

getent group mempool >/dev/null || group_made=1
pkgs_tried=1
# shellcheck disable=SC2046 # two file names
if ! apt_get install $(debs "$src" "$VERSION"); then
	record_fail install/deb-install "apt-get install failed (see $plog)"
	summary
	exit
fi
installed_ok "$VERSION" >"$tmp/problems"
if ! getent group mempool >/dev/null; then
	echo "deb-install: no group mempool after the install" >>"$tmp/problems"
elif [ -n "$group_made" ] && [ "$(getent group mempool | cut -d: -f3)" -ge 1000 ]; then
	echo "deb-install: the group mempool is not a system group" >>"$tmp/problems"
fi
grep -qvE '^(#|$)' /etc/modules-load.d/mempool.conf 2>/dev/null &&
	echo "deb-install: /etc/modules-load.d/mempool.conf loads something" >>"$tmp/problems"
grep -qx '#mempool' /etc/modules-load.d/mempool.conf 2>/dev/null ||
	echo "deb-install: no '#mempool' line in /etc/modules-load.d/mempool.conf" >>"$tmp/problems"
cat "$tmp/problems" >>"$plog"
report deb-install
report deb-modinfo
report deb-mempoolctl-version

# The manual page where man finds it, rendered without a warning.
{
	page=$(man -w mempoolctl 2>&1)
	[ "$(dpkg-query -S "$page" 2>/dev/null | cut -d: -f1)" = mempool-utils ] ||
		echo "deb-man: man -w mempoolctl says '$page', not mempool-utils's page"
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 mempoolctl 2>&1 >/dev/null)
	[ -z "$w" ] || echo "deb-man: $(printf '%s' "$w" | head -n 2 | tr '\n' ' ')"
	LC_ALL=C.UTF-8 MANWIDTH=80 man mempoolctl 2>/dev/null | col -b |
		grep -q '^NAME' || echo "deb-man: man mempoolctl shows no NAME section"
} >"$tmp/problems"
report deb-man

# The completion where bash-completion looks for it (by the command's
# name), loaded into a shell, completing a command name.
{
	c=/usr/share/bash-completion/completions/mempoolctl
	[ "$(dpkg-query -S "$c" 2>/dev/null | cut -d: -f1)" = mempool-utils ] ||
		echo "deb-completion: $c is not mempool-utils's"
	# shellcheck disable=SC2016 # expanded by the inner bash
	out=$(bash -c '. "$1" && complete -p mempoolctl >/dev/null &&
		COMP_WORDS=(mempoolctl cr) && COMP_CWORD=1 && _mempoolctl &&
		echo "${COMPREPLY[*]}"' sh "$c" 2>&1)
	[ "$out" = create ] || echo "deb-completion: 'mempoolctl cr<TAB>' gives '$out'"
} >"$tmp/problems"
report deb-completion

# libmpool-dev: pkg-config finds the library, a program builds with it.
pkgconfig_ok / "/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/pkgconfig" |
	sed 's/^/deb-libmpool: /' >"$tmp/problems"
report deb-libmpool

# The udev rule in a directory udev reads rules from (/lib is /usr/lib on
# a merged-/usr system), giving the device to the group.
{
	r=$(dpkg -L mempool-utils | grep '/udev/rules\.d/60-mempool\.rules$')
	case $(readlink -f "$r") in
	/usr/lib/udev/rules.d/* | /lib/udev/rules.d/* | /etc/udev/rules.d/*) ;;
	*) echo "deb-udev: the rule is at '$r', not where udev reads rules" ;;
	esac
	grep -qx 'KERNEL=="mempool", SUBSYSTEM=="misc", GROUP="mempool", MODE="0660"' "$r" ||
		echo "deb-udev: $r does not give /dev/mempool to group mempool, mode 0660"
	if command -v udevadm >/dev/null && udevadm verify --help >/dev/null 2>&1; then
		udevadm verify "$r" >>"$plog" 2>&1 || echo "deb-udev: udevadm verify $r failed"
	fi
} >"$tmp/problems"
report deb-udev

# Every file of the packages, to check that purge leaves none.
dpkg -L "${PKGS[@]}" 2>/dev/null | while read -r f; do
	[ -d "$f" ] || echo "$f"
done >"$tmp/files"

# An upgrade to a newer version: a copy with VERSION bumped and a
# changelog entry for it.
next=$VERSION.1
nsrc=$tmp/src-next
cp -a "$src" "$nsrc"
rm -rf "$nsrc/build"
echo "$next" >"$nsrc/VERSION"
{
	printf 'mempool (%s) unstable; urgency=medium\n\n' "$next"
	printf '  * The upgrade of the install test (tools/testing/vm/install-test.sh).\n\n'
	# a second after the last entry (lintian wants each entry newer)
	printf ' -- %s  %s\n\n' "$(cd "$src" && dpkg-parsechangelog -S Maintainer)" \
		"$(date -R -d "@$(($(cd "$src" && dpkg-parsechangelog -S Timestamp) + 1))")"
	cat "$src/debian/changelog"
} >"$nsrc/debian/changelog"
why=$(build "$nsrc" "$next")
if [ -n "$why" ]; then
	record_fail install/deb-upgrade "building $next: $why"
else
	# shellcheck disable=SC2046 # two file names
	if apt_get install $(debs "$nsrc" "$next"); then
		installed_ok "$next" | sed 's/^[^:]*: //' >"$tmp/problems"
		[ ! -e "/usr/src/mempool-$VERSION" ] ||
			echo "/usr/src/mempool-$VERSION is left" >>"$tmp/problems"
		[ -z "$(dkms status -m mempool -v "$VERSION" 2>/dev/null)" ] ||
			echo "DKMS still has $VERSION" >>"$tmp/problems"
		sed 's/^/deb-upgrade: /' "$tmp/problems" >"$tmp/p" && mv "$tmp/p" "$tmp/problems"
		cat "$tmp/problems" >>"$plog"
		report deb-upgrade
	else
		record_fail install/deb-upgrade "apt-get install of $next failed (see $plog)"
	fi
	dpkg -L "${PKGS[@]}" 2>/dev/null | while read -r f; do
		[ -d "$f" ] || echo "$f"
	done >>"$tmp/files"
fi

# Remove: the modules, the sources and the programs go, the conffile
# (/etc/modules-load.d/mempool.conf) stays until the purge.
{
	apt_get remove "${PKGS[@]}" ||
		echo "deb-remove: apt-get remove failed (see $plog)"
	for p in "${PKGS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$' &&
			echo "deb-remove: $p is still installed"
	done
	left=$(dkms_traces)
	[ -z "$left" ] || echo "deb-remove: left: $(echo "$left" | tr '\n' ' ')"
	[ ! -e /usr/sbin/mempoolctl ] || echo "deb-remove: /usr/sbin/mempoolctl is left"
} >"$tmp/problems"
report deb-remove

# Purge: nothing of either package is left (dpkg -L knows neither, none of
# their files exists), nor in DKMS's tree or the kernels' module dirs.  The
# group mempool stays (mempool-utils's postinst says why); this test
# removes it when it made it.
{
	# apt knows only the packages dpkg still has (the libraries, with no
	# conffile, went entirely with the remove)
	# shellcheck disable=SC2046 # package names
	apt_get purge $(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' \
		"${PKGS[@]}" 2>/dev/null | awk '$1 != "un" {print $2}') ||
		echo "deb-purge: apt-get purge failed (see $plog)"
	for p in "${PKGS[@]}"; do
		! dpkg -L "$p" >/dev/null 2>&1 || echo "deb-purge: dpkg -L $p still lists files"
	done
	left=$(sort -u "$tmp/files" | while read -r f; do
		[ ! -e "$f" ] && [ ! -L "$f" ] || echo "$f"
	done)
	[ -z "$left" ] || echo "deb-purge: left: $(echo "$left" | tr '\n' ' ')"
	left=$(dkms_traces)
	[ -z "$left" ] || echo "deb-purge: left: $(echo "$left" | tr '\n' ' ')"
	getent group mempool >/dev/null || echo "deb-purge: the group mempool went with the purge"
} >"$tmp/problems"
report deb-purge
pkgs_tried=
summary
