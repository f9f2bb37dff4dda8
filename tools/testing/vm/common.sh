# SPDX-License-Identifier: GPL-2.0
# Shared pieces of the VM harness; sourced, never run.  Holds the paths,
# the kernel resolution, module builds, initramfs packing, the QEMU run,
# the console-log scan and the check accounting.

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$VM_DIR/../../.." && pwd)
# The debug kernel and downloaded images live outside the repo so a clean
# clone or `git clean` does not throw away a 5-minute kernel build.
CACHE=${MEMPOOL_CACHE:-$HOME/.cache/mempool}
BUILD=$REPO/build		# gitignored (/build/)
# Module sources; overridable to try the harness on another module.
MODULE_SRC=${MODULE_SRC:-$REPO}
LOGS=$BUILD/logs
# debug-smp4: the debug kernel again, with more vCPUs (4) than the host has
# cores (2), for the concurrency tests' sake, not for speed.  Any kernel
# takes a -smpN suffix (make shape: stock-6.1-smp8).
KERNELS=${KERNELS:-stock-6.1 stock-6.12 debug debug-smp4}
SRC_PKG=linux-source-6.12

mkdir -p "$CACHE" "$LOGS"

say() { echo "==> $*" >&2; }
die() { echo "error: $*" >&2; exit 1; }

# ---- check accounting -----------------------------------------------------
# Every check prints one line; the caller prints the summary last.
NPASS=0
NFAIL=0
FAILED=()
SKIPPED=()
# A "NAME # SKIP reason" check counts as passed and is listed at the end.
record_ok() {
	NPASS=$((NPASS + 1))
	case $1 in *"# SKIP"*) SKIPPED+=("$1") ;; esac
	echo "ok $1"
}
record_fail() {
	NFAIL=$((NFAIL + 1)); FAILED+=("$1")
	echo "not ok $1${2:+: $2}"
}
summary() {
	local f
	if [ ${#SKIPPED[@]} -gt 0 ]; then
		echo "skipped checks (counted as passed):"
		for f in "${SKIPPED[@]}"; do echo "  $f"; done
	fi
	if [ "$NFAIL" -gt 0 ]; then
		echo "failed checks:"
		for f in "${FAILED[@]}"; do echo "  $f"; done
	fi
	echo "$NPASS passed, $NFAIL failed"
	[ "$NFAIL" -eq 0 ]
}

# ---- kernels ----------------------------------------------------------------
# Stock ABIs come from Debian's metapackages so a point release never needs
# an edit here.
meta_abi() {
	apt-cache depends "$1" 2>/dev/null |
		sed -n 's/.*Depends: linux-headers-\(.*-amd64\)$/\1/p' | head -n1
}
# apt-cache is slow (~1s): resolve once, export to the scripts we run.
: "${MP_ABI_61:=$(meta_abi linux-headers-amd64)}"
: "${MP_ABI_612:=$(meta_abi linux-headers-6.12-amd64)}"
export MP_ABI_61 MP_ABI_612
kernel_abi() {
	case $(kernel_base "$1") in
	stock-6.1) echo "$MP_ABI_61" ;;
	stock-6.12) echo "$MP_ABI_612" ;;
	*) die "no ABI for kernel $1" ;;
	esac
}

src_version() { dpkg-query -W -f='${Version}' "$SRC_PKG"; }
# Extracted once per source package version; shared by every debug config.
src_dir() { echo "$CACHE/src/$SRC_PKG-$(src_version)"; }
# Key = fragment + source version: editing the fragment or an apt upgrade of
# linux-source rebuilds, nothing else does.
debug_key() {
	{ cat "$VM_DIR/debug.config"; src_version; } | sha256sum | cut -c1-16
}
debug_dir() { echo "$CACHE/debug-$(debug_key)"; }

# A variant boots the kernel of its base name: debug-smp4 is debug.
kernel_base() { echo "${1%-smp[0-9]*}"; }
kernel_cpus() { case $1 in *-smp[0-9]*) echo "${1##*-smp}" ;; *) echo 2 ;; esac; }

kernel_kdir() {
	case $(kernel_base "$1") in
	debug) debug_dir ;;
	*) stock_headers "$(kernel_abi "$1")" ;;
	esac
}

# Debian's headers for a stock ABI, downloaded and unpacked into the cache,
# never installed: linux-headers-6.12-* depends on the kernel image, and
# installing that would change what the host boots.  The -amd64 package's
# one-line Makefile includes the -common one by its absolute /usr/src
# path: pointed at the unpacked copy instead.  Prints the M= build dir.
stock_headers() {
	local abi=$1 dir=$CACHE/headers/$1 p pkgs common kbuild
	if [ ! -f "$dir/.unpacked" ]; then
		common=linux-headers-${abi%-amd64}-common
		kbuild=$(apt-cache depends "linux-headers-$abi" 2>/dev/null |
			sed -n 's/.*Depends: \(linux-kbuild-[^ ]*\)$/\1/p' | head -n1)
		[ -n "$kbuild" ] || die "no linux-kbuild package for $abi"
		pkgs=("linux-headers-$abi" "$common" "$kbuild")
		rm -rf "$dir" && mkdir -p "$dir/deb"
		(cd "$dir/deb" && apt-get download -q -o APT::Sandbox::User=root \
			"${pkgs[@]}") >&2 || die "cannot download ${pkgs[*]}"
		for p in "$dir"/deb/*.deb; do dpkg-deb -x "$p" "$dir/root"; done
		echo "include $dir/root/usr/src/$common/Makefile" \
			>"$dir/root/usr/src/linux-headers-$abi/Makefile"
		rm -rf "$dir/deb"
		touch "$dir/.unpacked"
	fi
	echo "$dir/root/usr/src/linux-headers-$abi"
}

# Boot image: the stock ones are unpacked from the -unsigned image package
# (never installed), the debug one comes from build-debug.sh.
kernel_image() {
	local abi dir
	case $(kernel_base "$1") in
	debug)
		echo "$(debug_dir)/arch/x86/boot/bzImage"
		return
		;;
	esac
	abi=$(kernel_abi "$1")
	dir=$CACHE/stock/$abi
	if [ ! -f "$dir/boot/vmlinuz-$abi" ]; then
		mkdir -p "$dir/deb"
		# root downloads: no _apt sandbox user warning
		(cd "$dir/deb" && apt-get download -q -o APT::Sandbox::User=root \
			"linux-image-$abi-unsigned") >&2
		dpkg-deb -x "$dir"/deb/linux-image-"$abi"-unsigned_*.deb "$dir/x"
		mv "$dir/x/boot" "$dir/boot" && rm -rf "$dir/x"
	fi
	echo "$dir/boot/vmlinuz-$abi"
}

# ---- module build -----------------------------------------------------------
# One copy of the sources per kernel so builds for different kernels never
# share objects.  Usage: build_module KERNEL LOGFILE [make args...]
mod_dir() { echo "$BUILD/mod-$(kernel_base "$1")"; }
build_module() { build_module_in "$(mod_dir "$1")" "$@"; }
# The out-of-tree client (examples/mpool_client), copied to a directory
# outside the repository and built against the module's Module.symvers.
client_dir() { echo "$BUILD/client-$(kernel_base "$1")"; }
# Usage: build_client KERNEL LOGFILE
build_client() {
	local k=$1 log=$2 tmp out ret=0
	tmp=$(mktemp -d)
	out=$(client_dir "$k")
	rm -rf "$out"
	cp -r "$REPO/examples/mpool_client/." "$tmp/"
	make -C "$(kernel_kdir "$k")" M="$tmp" MEMPOOL="$REPO" W=1 \
		KBUILD_EXTRA_SYMBOLS="$(mod_dir "$k")/Module.symvers" modules \
		>"$log" 2>&1 || ret=1
	[ $ret -ne 0 ] || { mkdir -p "$out" && cp "$tmp/mpool_client.ko" "$out/"; }
	rm -rf "$tmp"
	return $ret
}
# build_module_in DIR KERNEL LOGFILE [make args...]
build_module_in() {
	local d=$1 k=$2 log=$3 kdir
	shift 3
	kdir=$(kernel_kdir "$k")
	[ -f "$kdir/Makefile" ] || { echo "no kernel tree at $kdir" >"$log"; return 1; }
	# A copy made from another source tree may hold objects newer than
	# these sources: start over rather than trust make's mtimes.
	[ "$(cat "$d/.mempool-src" 2>/dev/null)" = "$MODULE_SRC" ] || rm -rf "$d"
	mkdir -p "$d"
	echo "$MODULE_SRC" >"$d/.mempool-src"
	# No -t: a changed file gets a new mtime, so make always sees it as newer
	# than its object, even when switching MODULE_SRC.  Build products are
	# excluded, so --delete neither copies stray objects
	# from an in-repo `make` nor deletes the ones built here.
	rsync -rlp --checksum --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='*.order' \
		--exclude='Module.symvers' --exclude='*.o.d' \
		--include='/Kbuild' --include='/*.[ch]' \
		--include='/include/***' --include='/kunit/***' --include='/bench/***' \
		--exclude='*' "$MODULE_SRC/" "$d/"
	make -C "$kdir" M="$d" "$@" modules >"$log" 2>&1
}

# prepare_boot KERNEL: what make vm, demo and bench need before a boot:
# packages, the kernel, mempoolctl and the module.
prepare_boot() {
	local k=$1
	"$VM_DIR/deps.sh" >&2
	[ "$(kernel_base "$k")" != debug ] || "$VM_DIR/build-debug.sh" >/dev/null
	make -s -C "$REPO/tools/mempoolctl" >&2
	make -s -C "$REPO/tools/testing/ptyrun" >&2
	build_module "$k" "$LOGS/build-$k.log" ||
		{ tail -n 20 "$LOGS/build-$k.log"; die "module build failed"; }
}

# ---- initramfs ----------------------------------------------------------------
# Usage: make_initramfs KERNEL MODE OUT   (MODE: tests | demo | shell)
make_initramfs() {
	local k=$1 mode=$2 out=$3 root a d ctl keep t
	d=$(mod_dir "$k")
	root=$(mktemp -d)
	# mktemp -d is 0700; uid 1000 in the guest must be able to reach /bin/sh.
	chmod 0755 "$root"
	mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,root,home/user,lib/mempool,mptest}
	chmod 1777 "$root/tmp"
	chown 1000:1000 "$root/home/user"
	cp /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
	done
	cat >"$root/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		user:x:1000:1000:user:/home/user:/bin/sh
	EOF
	cat >"$root/etc/group" <<-'EOF'
		root:x:0:
		user:x:1000:
	EOF
	echo /bin/sh >"$root/etc/shells"
	cp "$d/mempool.ko" "$d/bench/mempool_bench.ko" "$root/lib/mempool/"
	# The KUnit modules exist only for a kernel with KUnit (debug).
	for a in kunit/mempool_kunit.ko bench/mempool_bench_test.ko; do
		[ ! -f "$d/$a" ] || cp "$d/$a" "$root/lib/mempool/"
	done
	a=$(client_dir "$k")/mpool_client.ko
	[ ! -f "$a" ] || cp "$a" "$root/lib/mempool/"
	ctl=$REPO/tools/mempoolctl/mempoolctl.static
	[ ! -x "$ctl" ] || cp "$ctl" "$root/bin/mempoolctl"
	a=$REPO/tools/testing/ptyrun/ptyrun	# a pty for test_25_obs.sh's "top"
	[ ! -x "$a" ] || cp "$a" "$root/bin/"
	# The guest test programs: tools/testing/<dir>/mpool_<name>, static
	# binaries.
	for a in "$REPO"/tools/testing/*/mpool_*; do
		case $a in *.*) continue ;; esac
		[ ! -f "$a" ] || [ ! -x "$a" ] || cp "$a" "$root/bin/"
	done
	# The tracing tools test_38_trace.sh drives, when the host has them
	# (deps.sh installs them).  Measured on stock 6.12 (test_38's boot,
	# 5 s without them): trace-cmd, 2 MB with its libraries, adds 8 s,
	# on every kernel; perf, 33 MB (12 MB packed), 4.6 s more on a quiet
	# host and 20 s on a busy one, so only stock 6.12's tests have it.
	# make trace-tools runs both on any kernel, with bpftrace (LLVM:
	# 200 MB).
	case $mode in tests | trace-tools)
		a=/usr/bin/trace-cmd
		[ ! -x $a ] || pack_binaries "$root" $a
		a=/usr/bin/perf
		if [ -x $a ] && { [ "$mode" = trace-tools ] || [ "$k" = stock-6.12 ]; }; then
			pack_binaries "$root" $a
		fi ;;
	esac
	cp "$VM_DIR"/guest/* "$root/mptest/"
	# GUEST_TESTS="test_20 test_55": only the scripts with those prefixes.
	if [ -n "${GUEST_TESTS:-}" ]; then
		for a in "$root"/mptest/test_*.sh; do
			keep=
			for t in $GUEST_TESTS; do
				case ${a##*/} in "$t"*) keep=1 ;; esac
			done
			[ -n "$keep" ] || rm -f "$a"
		done
	fi
	mv "$root/mptest/init" "$root/init"
	chmod 0755 "$root/init" "$root"/mptest/*
	# MPTEST_ABI: the ABI version of the header the module and the tools
	# were built from, for checks of what they print.
	# MPOOL_CONFORM_ABI5=1: test_38_conform.sh checks ABI 5 too.
	printf 'MPTEST_KERNEL=%s\nMPTEST_MODE=%s\nMPTEST_CPUS=%s\nMPOOL_CONFORM_ABI5=%s\nMPTEST_ABI=%s\n' \
		"$(kernel_base "$k")" "$mode" "$(kernel_cpus "$k")" \
		"${MPOOL_CONFORM_ABI5:-1}" \
		"$(sed -n 's/^#define MPOOL_IOC_ABI_VERSION[[:space:]]*\([0-9]*\).*/\1/p' \
			"$REPO/include/uapi/mpool_ioctl.h")" \
		>"$root/etc/mptest.env"
	(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$out"
	rm -rf "$root"
}

# pack_binaries ROOT BIN...: the host's dynamically linked programs BIN
# (paths) into the initramfs tree ROOT at the same paths, with every
# shared library ldd names, also at its path: the guest's loader finds
# them in the multiarch directories as on the host.
pack_binaries() {
	local root=$1 b l
	shift
	for b in "$@"; do
		mkdir -p "$root${b%/*}"
		cp -L "$b" "$root$b"
		for l in $(ldd "$b" | grep -o '/[^ ]*'); do
			[ -e "$root$l" ] || { mkdir -p "$root${l%/*}" && cp -L "$l" "$root$l"; }
		done
	done
}

# ---- QEMU -------------------------------------------------------------------
kernel_mem() { [ "$(kernel_base "$1")" = debug ] && echo 2G || echo 1G; }
kernel_append() {
	local a="console=ttyS0 panic=-1"
	[ "$(kernel_base "$1")" = debug ] && a="$a kmemleak=on"
	echo "$a"
}
# Usage: run_qemu KERNEL INITRD LOG [interactive]
run_qemu() {
	local k=$1 initrd=$2 log=$3 tmo n
	n=$(kernel_cpus "$k")
	# sockets=N: QEMU 7.2 makes "-smp N" one socket with N cores, and
	# SeaBIOS's MP table lists one CPU per socket; the debug kernel has no
	# ACPI, so without this it would boot with a single CPU.
	local cmd=(qemu-system-x86_64 -accel tcg,thread=multi
		-smp "$n,sockets=$n,cores=1,threads=1"
		-m "$(kernel_mem "$k")" -nographic -no-reboot
		-kernel "$(kernel_image "$k")" -initrd "$initrd"
		-append "$(kernel_append "$k")")
	if [ "${4:-}" = interactive ]; then
		# The serial console is the terminal; ctrl-a x quits.
		exec "${cmd[@]}"
	fi
	# Hard bound: a hung guest must not hang CI.
	tmo=${VM_TIMEOUT:-$([ "$(kernel_base "$k")" = debug ] && echo 1500 || echo 600)}
	local rc=0
	timeout -k 10 "$tmo" "${cmd[@]}" </dev/null >"$log" 2>&1 || rc=$?
	[ "$rc" -ne 124 ] || echo "MPTEST-HOST: killed after ${tmo}s timeout" >>"$log"
	return 0
}

# ---- console log scan ---------------------------------------------------------
# Prints the offending lines of LOG, if any.  Call Trace is always bad
# except in one narrow case: the KUnit suite provokes misuse reports
# on purpose and the module logs those as "mempool: ... invalid free" (or
# "... poison") followed by dump_stack().  On the debug kernel, while the
# KUnit script runs (from its MPTEST-SCRIPT line to MPTEST-KUNIT-END), a
# Call Trace block that directly follows such a line (only "CPU:",
# "Hardware name:" header lines in between) is allowed, frames and all;
# everything else is reported.
scan_log() {
	local k=$1 log=$2
	tr -d '\r' <"$log" | awk -v k="$(kernel_base "$k")" '
	function bad(l) { print l; nbad++ }
	{
		line = $0
		sub(/^\[ *[0-9.]+\] /, "", line)
		if (line ~ /^MPTEST-SCRIPT .*test_90_kunit\.sh/) inkunit = 1
		if (line ~ /^MPTEST-KUNIT-END/) inkunit = 0
		if (inkunit && line ~ /mempool/ && line ~ /(invalid free|poison)/) {
			misuse = 1; next
		}
		if (misuse && line ~ /^(CPU: |Hardware name: |Tainted: )/) next
		if (line ~ /Call Trace/) {
			if (k == "debug" && misuse) { intrace = 1; misuse = 0; next }
			bad($0); misuse = 0; next
		}
		misuse = 0
		# The one boot banner of a PROVE_LOCKING kernel that says lockdep.
		if (line ~ /^rcu:[ \t]+RCU lockdep checking is enabled\.$/) next
		if (intrace) {
			# a stack frame or the trace terminator
			if (line ~ /^ *(<\/?TASK>|<\/?IRQ>|\? |[A-Za-z_.0-9]+\+0x)/) next
			intrace = 0
		}
		# A stack frame named after lockdep is part of a splat whose
		# header line is reported already.
		if (line ~ /^ *(\? )?[A-Za-z_.0-9]+\+0x[0-9a-f]+\/0x[0-9a-f]+/) next
		if (line ~ /BUG:|WARNING:|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|INFO: lockdep|lockdep|unreferenced object|Kernel panic|Oops|Call Trace/)
			bad($0)
	}'
}

# ---- result collection -----------------------------------------------------------
# absorb PREFIX: fold "ok X" / "not ok X" lines (our own, TAP "ok N - x",
# or guest "MPTEST ok X") from stdin into the counters as PREFIX/X.
absorb() {
	local p=$1 l
	while IFS= read -r l; do
		l=${l%$'\r'}
		l=${l#MPTEST }
		case $l in
		"ok "*) record_ok "$p${l#ok }" ;;
		"not ok "*)
			l=${l#not ok }
			case $l in
			*": "*) record_fail "$p${l%%: *}" "${l#*: }" ;;
			*) record_fail "$p$l" ;;
			esac ;;
		esac
	done
}

# kunit_cases LOG: one "ok suite/case" / "not ok suite/case" line per KUnit
# test case found between the guest's MPTEST-KUNIT markers.  In each
# suite's debugfs results the least-indented result line is the suite's
# own; the next indentation level holds the cases; deeper lines are the
# parameters of a parameterised case, which counts once, as its case line.
kunit_cases() {
	tr -d '\r' <"$1" | awk '
	function flush(   i, c) {
		c = -1
		for (i = 1; i <= n; i++)
			if (ind[i] > smin && (c < 0 || ind[i] < c)) c = ind[i]
		for (i = 1; i <= n; i++)
			if (ind[i] == c) print res[i] " " suite "/" name[i]
		n = 0; smin = -1
	}
	/^MPTEST-KUNIT-BEGIN/ { on = 1; n = 0; smin = -1; next }
	/^MPTEST-KUNIT-END/ { if (suite != "") flush(); on = 0; suite = ""; next }
	!on { next }
	/^MPTEST-KUNIT-SUITE / { if (suite != "") flush(); suite = $2; next }
	/^ *(not )?ok [0-9]+ / {
		match($0, /^ */); i = RLENGTH
		l = substr($0, i + 1)
		r = "ok"; if (l ~ /^not /) { r = "not ok"; l = substr(l, 5) }
		sub(/^ok [0-9]+ /, "", l)
		if (r == "not ok") l = l ": failed"
		n++; ind[n] = i; res[n] = r; name[n] = l
		if (smin < 0 || i < smin) smin = i
	}'
}

# append_etc INITRD FILE TEXT: appends an archive holding /etc/FILE with
# TEXT to INITRD; the kernel unpacks concatenated archives in turn, so a
# run's parameters reach the guest without rebuilding the first archive.
append_etc() {
	local extra
	extra=$(mktemp -d)
	mkdir -p "$extra/etc"
	printf '%s\n' "$3" >"$extra/etc/$2"
	(cd "$extra" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >>"$1"
	rm -rf "$extra"
}

# judge_end K LOG [WHY]: records K/completed (the guest's final marker is in
# LOG; WHY is added to the failure) and K/clean-log (no BUG, WARNING, KASAN,
# lockdep or kmemleak report: scan_log).
judge_end() {
	local k=$1 log=$2 why=${3:-} bad
	if grep -aq "MPTEST-DONE $(kernel_base "$k")" "$log"; then record_ok "$k/completed"
	else record_fail "$k/completed" "no final marker$why, see $log"; fi
	bad=$(scan_log "$k" "$log")
	if [ -z "$bad" ]; then record_ok "$k/clean-log"
	else
		printf '%s\n' "$bad" | head -n 20 >&2
		record_fail "$k/clean-log" "$(printf '%s\n' "$bad" | wc -l) bad lines in $log"
	fi
}
