#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A short run of the race stress (tools/testing/stress/mpool_stress, issue 19):
# processes of threads race ALLOC (WAIT, owned), FREE, READ/WRITE,
# DESTROY (plain and forced), CREATE of the same name, MAP, mmap, munmap,
# WATCH and its events, close and fork (children exiting or SIGKILLed
# with owned blocks and mappings) on a few pool names.  The program prints
# one MPTEST line per kind of check and the end state's (blocks back, LIST
# empty, the budget file at zero); here, its exit and the kernel log.
# `make stress` runs it for minutes on the debug kernel (STRESS_SECONDS).
. /mptest/lib.sh
T=$(mktemp -d)

check st-insmod load_module || exit 0
if [ ! -x /bin/mpool_stress ]; then
	fail st-binary "mpool_stress is not in the initramfs"
	exit 0
fi

# First, the checker must fire: with --inject-foreign a thread's reads of
# its own blocks count as reads of another file's.
mpool_stress --seconds 3 --procs 1 --threads 1 --seed 1 --inject-foreign \
	>"$T/neg" 2>&1
rc=$?
if [ "$rc" = 1 ] &&
   grep -q '^MPTEST not ok stress-foreign-owned-block-refused' "$T/neg"; then
	pass st-checker-fires
else
	cat "$T/neg"
	fail st-checker-fires "exit $rc with --inject-foreign"
fi

# A bound for make check (<= 60 s a kernel with the end checks); 4 vCPUs
# on the 2 host cores (debug-smp4) get less.
secs=45
[ "${MPTEST_CPUS:-2}" -le 2 ] || secs=30
secs=${MPTEST_STRESS_SECONDS:-$secs}
before=$(dmesg | wc -l)
t0=$(date +%s)
mpool_stress --seconds "$secs" ${MPTEST_STRESS_SEED:+--seed "$MPTEST_STRESS_SEED"} \
	>"$T/out" 2>&1
rc=$?
t1=$(date +%s)
# The program's MPTEST lines, violations and summary go to the console.
cat "$T/out"
echo "st: exit $rc after $((t1 - t0)) s"
if grep -q '^mpool_stress: seed .* calls in' "$T/out"; then pass st-ran-to-end
else fail st-ran-to-end "no summary line (exit $rc)"; fi
check_exit st-exit 0 test "$rc" = 0

splat=$(dmesg | tail -n +"$((before + 1))" |
	grep -E 'BUG:|WARNING:|KASAN|UBSAN|lockdep|circular locking|Call Trace|Oops|unreferenced object')
if [ -z "$splat" ]; then pass st-dmesg-clean
else echo "$splat"; fail st-dmesg-clean "kernel log has splats"; fi
check st-rmmod unload_module
rm -rf "$T"
