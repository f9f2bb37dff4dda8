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
append_etc "$initrd" mptest-fuzz.env "$(printf \
	'MPTEST_FUZZ_OPS=%s\nMPTEST_FUZZ_SECONDS=%s\nMPTEST_LOAD_SECONDS=%s\nMPTEST_LOAD_CYCLES=%s' \
	"$ops" "$secs" "$load" "$cycles")"

say "booting $k for $ops fuzzed ioctls (at most ${secs}s) and ${load}s of load (log: $log)"
t=$(date +%s)
VM_TIMEOUT=${VM_TIMEOUT:-$((secs + load + 900))} run_qemu "$k" "$initrd" "$log"
say "boot + fuzz + load took $(($(date +%s) - t))s"
tr -d '\r' <"$log" | grep -a -e '^mpool_fuzz: ' -e '^ld: ' -e '^load: ' -e '^FAIL ' || true
# Not in a pipeline: absorb must count in this shell.
absorb "$k/" < <(tr -d '\r' <"$log" | grep -ao 'MPTEST \(not \)\?ok .*' || true)
judge_end "$k" "$log"
summary
