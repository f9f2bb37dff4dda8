#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz: the long run of the ioctl fuzzer (tools/testing/fuzz/mpool_fuzz) and
# of the load test (tools/testing/vm/guest/test_70_load.sh) on the debug kernel
# (KASAN, lockdep, kmemleak; VM_KERNEL to change) in QEMU.  Prints the
# fuzzer's summary, the load figures and "N passed, N failed".
#   make fuzz                                  1e6 ioctls, 60 s of load
#   FUZZ_OPS=3000000 FUZZ_SECONDS=1800 make fuzz
# FUZZ_SECONDS caps the fuzzer's run (it stops there, and says so);
# FUZZ_LOAD_SECONDS and FUZZ_CYCLES size the load test.
set -eu
. "$(dirname "$0")/common.sh"
k=${VM_KERNEL:-debug}
ops=${FUZZ_OPS:-1000000}
secs=${FUZZ_SECONDS:-1200}
load=${FUZZ_LOAD_SECONDS:-60}
cycles=${FUZZ_CYCLES:-100}

prepare_boot "$k"
make -s -C "$REPO/tools/testing/fuzz" >&2
initrd=$BUILD/initrd-$k-fuzz.cpio.gz
log=$LOGS/fuzz-$k.log
make_initramfs "$k" fuzz "$initrd"
# The sizes reach the guest in a second archive appended to the first.
extra=$(mktemp -d)
mkdir -p "$extra/etc"
printf 'MPTEST_FUZZ_OPS=%s\nMPTEST_FUZZ_SECONDS=%s\nMPTEST_LOAD_SECONDS=%s\nMPTEST_LOAD_CYCLES=%s\n' \
	"$ops" "$secs" "$load" "$cycles" >"$extra/etc/mptest-fuzz.env"
(cd "$extra" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >>"$initrd"
rm -rf "$extra"

say "booting $k for $ops fuzzed ioctls (at most ${secs}s) and ${load}s of load (log: $log)"
t=$(date +%s)
VM_TIMEOUT=${VM_TIMEOUT:-$((secs + load + 900))} run_qemu "$k" "$initrd" "$log"
say "boot + fuzz + load took $(($(date +%s) - t))s"
tr -d '\r' <"$log" | grep -a -e '^mpool_fuzz: ' -e '^ld: ' -e '^load: ' -e '^FAIL ' || true
# Not in a pipeline: absorb must count in this shell.
absorb "$k/" < <(tr -d '\r' <"$log" | grep -ao 'MPTEST \(not \)\?ok .*' || true)
if grep -aq "MPTEST-DONE $(kernel_base "$k")" "$log"; then record_ok "$k/completed"
else record_fail "$k/completed" "no final marker, see $log"; fi
bad=$(scan_log "$k" "$log")
if [ -z "$bad" ]; then record_ok "$k/clean-log"
else
	printf '%s\n' "$bad" | head -n 20 >&2
	record_fail "$k/clean-log" "$(printf '%s\n' "$bad" | wc -l) bad lines in $log"
fi
summary
