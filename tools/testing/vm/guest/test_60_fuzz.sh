#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A short run of the ioctl fuzzer (tools/testing/fuzz/mpool_fuzz): processes of
# threads sending valid, mutated and random ioctls to shared pools; every
# errno must be one the ABI documents, and the blocks in use at the end
# must be exactly those the workers hold.  First, the checker must fire
# when a worker misreports what it holds.  The kernel log must stay free
# of splats (the host scans the console too).
. /mptest/lib.sh
T=$(mktemp -d)
# At least 1e5 ioctls on every kernel, the debug one included.
OPS=${MPTEST_FUZZ_OPS:-100000}

check fz-insmod load_module max_bytes=16777216 || exit 0
if [ ! -x /bin/mpool_fuzz ]; then
	fail fz-binary "mpool_fuzz is not in the initramfs"
	exit 0
fi

mpool_fuzz --ops 3000 --procs 1 --threads 2 --seed 1 --inject-miscount \
	>"$T/neg" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q '^MPTEST not ok fuzz-in-use-is-what-workers-hold' "$T/neg"; then
	pass fz-checker-fires
else
	cat "$T/neg"
	fail fz-checker-fires "exit $rc with a deliberate miscount"
fi

before=$(dmesg | wc -l)
# A bound, not a target: 4 vCPUs on the 2 host cores (debug-smp4) run the
# same 1e5 ioctls at about half the rate.
secs=110
[ "${MPTEST_CPUS:-2}" -le 2 ] || secs=300
t0=$(date +%s)
mpool_fuzz --ops "$OPS" --procs 3 --threads 4 \
	--seconds "${MPTEST_FUZZ_SECONDS:-$secs}" >"$T/out" 2>&1
rc=$?
t1=$(date +%s)
# The fuzzer's own MPTEST lines and summary go to the console as they are.
cat "$T/out"
echo "fz: exit $rc after $((t1 - t0)) s"
ops=$(sed -n 's/^mpool_fuzz: seed [0-9]*, \([0-9]*\) ioctls.*/\1/p' "$T/out")
if [ "${ops:-0}" -ge 100000 ]; then pass fz-ops-at-least-1e5
else fail fz-ops-at-least-1e5 "${ops:-no} ioctls"; fi
check_exit fz-exit 0 test "$rc" = 0

splat=$(dmesg | tail -n +"$((before + 1))" |
	grep -E 'BUG:|WARNING:|KASAN|UBSAN|lockdep|circular locking|Call Trace|Oops|unreferenced object')
if [ -z "$splat" ]; then pass fz-dmesg-clean
else echo "$splat"; fail fz-dmesg-clean "kernel log has splats"; fi
# A failure's replay line works: one worker's first ops, one thread.
mpool_fuzz --seed 5 --worker 1 --replay-op 500 >"$T/replay" 2>&1
rc=$?
tail -n 2 "$T/replay"
check_exit fz-replay 0 test $rc = 0
check fz-rmmod unload_module
rm -rf "$T"
