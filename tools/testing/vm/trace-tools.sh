#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make trace-tools: the mempool:* tracepoints through the usual tools.
# Boots each kernel of TT_KERNELS (default stock-6.12) with perf, trace-cmd
# and bpftrace and their shared libraries in the initramfs, loads the
# module and runs tools/testing/vm/guest/trace_tools.sh: perf record -e
# 'mempool:*' + perf script, trace-cmd record -e mempool + report, and
# bpftrace one-liners on tracepoint:mempool:alloc, wait_end and alloc_fail,
# each over a small mempoolctl workload, printed and checked.  bpftrace
# brings LLVM (~200 MB unpacked): this is why it is a target of its own,
# not part of make check's guests.  On the debug kernel (BPF without BTF,
# tools/testing/vm/debug.config) bpftrace reads the kernel's headers from
# CONFIG_IKHEADERS, and perf also counts the callers of the KUnit suites'
# failed allocs.
# Installs linux-perf, trace-cmd and bpftrace on the host when missing.
#   make trace-tools
#   TT_KERNELS="stock-6.1 stock-6.12 debug" tools/testing/vm/trace-tools.sh
set -eu
. "$(dirname "$0")/common.sh"
kernels=${TT_KERNELS:-stock-6.12}
# The tools' libraries unpack into the guest's RAM next to the module's.
kernel_mem() { echo 2G; }

missing=()
for p in linux-perf trace-cmd bpftrace; do
	[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "installing: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

for k in $kernels; do
	prepare_boot "$k"
	base=$(kernel_base "$k")
	initrd=$BUILD/initrd-$k-trace-tools.cpio.gz
	make_initramfs "$k" trace-tools "$initrd"
	extra=$(mktemp -d)
	bt=1
	if [ "$base" = debug ] &&
		! grep -q '^CONFIG_BPF_SYSCALL=y' "$(debug_dir)/.config"; then
		bt="the debug kernel has no CONFIG_BPF_SYSCALL"
	fi
	# make_initramfs packed perf and trace-cmd.
	[ "$bt" != 1 ] || pack_binaries "$extra" /usr/bin/bpftrace
	mkdir -p "$extra/etc"
	echo "TT_BPFTRACE='$bt'" >"$extra/etc/mptest-tt.env"
	(cd "$extra" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >>"$initrd"
	rm -rf "$extra"
	log=$LOGS/trace-tools-$k.log
	t=$(date +%s)
	say "booting $k with perf, trace-cmd$([ "$bt" != 1 ] || echo ", bpftrace") (log: $log)"
	run_qemu "$k" "$initrd" "$log"
	say "$k: boot + tools took $(($(date +%s) - t))s"
	out=$(tr -d '\r' <"$log" | sed -n '/^MPTEST-TT-BEGIN/,/^MPTEST-TT-END/p' |
		grep -v '^\[ *[0-9]*\.[0-9]*\] ' || true)
	printf '%s\n' "$out" | grep '^# ' || true
	absorb "$k/" < <(printf '%s\n' "$out" | grep -ao 'MPTEST \(not \)\?ok .*')
	bad=$(scan_log "$k" "$log")
	if [ -n "$bad" ]; then
		record_fail "$k/tt-console" "$(printf '%s\n' "$bad" | head -n 3 | tr '\n' '|')"
	else
		record_ok "$k/tt-console"
	fi
	grep -aq '^MPTEST-TT-END' "$log" || record_fail "$k/tt-completed" "see $log"
done
summary
