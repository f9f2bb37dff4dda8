#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make stress: the long run of the race stress (tools/testing/stress/mpool_stress,
# tools/testing/vm/guest/test_62_stress.sh) on the debug kernel (KASAN, lockdep,
# kmemleak; VM_KERNEL to change) with 2 vCPUs in QEMU, then a kmemleak
# scan.  Prints the stress's violations and summary and "N passed, N failed".
#   make stress                              10 minutes
#   STRESS_SECONDS=1800 STRESS_SEED=0x1234 make stress
set -eu
. "$(dirname "$0")/common.sh"
k=${VM_KERNEL:-debug}
secs=${STRESS_SECONDS:-600}
seed=${STRESS_SEED:-}

prepare_boot "$k"
make -s -C "$REPO/tools/testing/stress" >&2
initrd=$BUILD/initrd-$k-stress.cpio.gz
log=$LOGS/stress-$k.log
make_initramfs "$k" stress "$initrd"
append_etc "$initrd" mptest-stress.env \
	"$(printf 'MPTEST_STRESS_SECONDS=%s\nMPTEST_STRESS_SEED=%s' "$secs" "$seed")"

say "booting $k for ${secs}s of stress (log: $log)"
t=$(date +%s)
VM_TIMEOUT=${VM_TIMEOUT:-$((secs + 600))} run_qemu "$k" "$initrd" "$log"
say "boot + stress took $(($(date +%s) - t))s"
tr -d '\r' <"$log" | grep -a -e '^mpool_stress: ' -e '^VIOLATION ' -e '^st: ' || true
# Not in a pipeline: absorb must count in this shell.
absorb "$k/" < <(tr -d '\r' <"$log" | grep -ao 'MPTEST \(not \)\?ok .*' || true)
judge_end "$k" "$log"
summary
