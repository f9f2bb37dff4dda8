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
# The length and seed reach the guest in a second archive appended to the first.
extra=$(mktemp -d)
mkdir -p "$extra/etc"
printf 'MPTEST_STRESS_SECONDS=%s\nMPTEST_STRESS_SEED=%s\n' "$secs" "$seed" \
	>"$extra/etc/mptest-stress.env"
(cd "$extra" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >>"$initrd"
rm -rf "$extra"

say "booting $k for ${secs}s of stress (log: $log)"
t=$(date +%s)
VM_TIMEOUT=${VM_TIMEOUT:-$((secs + 600))} run_qemu "$k" "$initrd" "$log"
say "boot + stress took $(($(date +%s) - t))s"
tr -d '\r' <"$log" | grep -a -e '^mpool_stress: ' -e '^VIOLATION ' -e '^st: ' || true
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
