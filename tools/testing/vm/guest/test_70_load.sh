#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load: a churning client per CPU (allocate, write its id, verify, free:
# no block ever held by two), one creating and destroying pools, one
# reading debugfs, for LOAD_SECONDS.  Then a blocking ALLOC dies promptly
# on SIGKILL, and the module is removed and loaded again CYCLES times
# while clients open and use /dev/mempool: rmmod is refused while a file
# of the device or of debugfs is open, opens between rmmod and insmod fail
# cleanly (ENOENT/ENODEV/ENXIO), nothing splats.
. /mptest/lib.sh
T=$(mktemp -d)
# The debug kernel takes ~1.7 s a cycle: less churn there, ~60 s in all.
LOAD_SECONDS=15
[ "$MPTEST_KERNEL" != debug ] || LOAD_SECONDS=8
LOAD_SECONDS=${MPTEST_LOAD_SECONDS:-$LOAD_SECONDS}
CYCLES=${MPTEST_LOAD_CYCLES:-30}
D=/sys/kernel/debug/mempool

if [ ! -x /bin/mpool_load ]; then
	fail ld-binary "mpool_load is not in the initramfs"
	exit 0
fi
check ld-insmod load_module || exit 0
before=$(dmesg | wc -l)
check ld-create-percpu mempoolctl create ld_pcp --block-size 64 --blocks 96 --percpu --poison
check ld-create-locked mempoolctl create ld_lock --block-size 32 --blocks 64 --track

# The holder check can fail: a churn that expects another id.
mpool_load churn --seconds 1 --pool ld_lock --inject-mismatch >"$T/neg" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q 'mismatches=[1-9]' "$T/neg"; then pass ld-holder-check-fires
else cat "$T/neg"; fail ld-holder-check-fires "exit $rc with a deliberate mismatch"; fi

ncpu=$(grep -c '^processor' /proc/cpuinfo)
t0=$(date +%s)
pids=
c=0
while [ $c -lt "$ncpu" ]; do
	for j in 1 2; do
		mpool_load churn --seconds "$LOAD_SECONDS" --cpu $c --pool ld_pcp \
			--pool ld_lock >"$T/churn-$c-$j" 2>&1 &
		pids="$pids $!"
	done
	c=$((c + 1))
done
mpool_load cd --seconds "$LOAD_SECONDS" >"$T/cd" 2>&1 &
cdpid=$!
# The debugfs reader, bounded by the same clock.
(
	n=0
	end=$(($(date +%s) + LOAD_SECONDS))
	while [ "$(date +%s)" -lt $end ]; do
		cat $D/pools $D/*/stats $D/*/blocks >/dev/null 2>&1
		n=$((n + 1))
	done
	echo "$n" >"$T/reads"
) &
rdpid=$!
rc=0
for p in $pids; do wait "$p" || rc=1; done
wait $cdpid
cdrc=$?
wait $rdpid
t1=$(date +%s)
cat "$T"/churn-* "$T/cd"
ops=$(cat "$T"/churn-* | sed -n 's/.* ops=\([0-9]*\).*/\1/p' | awk '{s += $1} END {print s + 0}')
blocks=$(cat "$T"/churn-* | sed -n 's/.* blocks=\([0-9]*\).*/\1/p' | awk '{s += $1} END {print s + 0}')
echo "ld: $((t1 - t0)) s, $ncpu CPUs, churn ALLOCs $ops, blocks $blocks, $(sed -n 's/.*cycles=\([0-9]*\).*/\1/p' "$T/cd") create/destroy cycles, $(cat "$T/reads") debugfs passes"
if [ $rc = 0 ] && [ "$ops" -gt 0 ]; then pass ld-churn-no-double-holder
else fail ld-churn-no-double-holder "a churn client failed (mismatch or error, see above)"; fi
check_exit ld-create-destroy 0 test $cdrc = 0
in_use=$(mempoolctl stats ld_pcp | sed -n 's/^blocks_in_use: //p')$(mempoolctl stats ld_lock | sed -n 's/^blocks_in_use: //p')
if [ "$in_use" = 00 ]; then pass ld-nothing-in-use
else fail ld-nothing-in-use "blocks_in_use '$in_use' after every client freed its own"; fi

mpool_load killwait >"$T/kw" 2>&1
kwrc=$?
cat "$T/kw"
check_exit ld-sigkill-ends-blocking-alloc 0 test $kwrc = 0

# --- rmmod/insmod cycles under clients ---------------------------------------
mpool_load client --seconds 600 >"$T/cl1" 2>&1 &
cl1=$!
mpool_load client --seconds 600 >"$T/cl2" 2>&1 &
cl2=$!
t2=$(date +%s)
ok=0
refused=0
held_refused=0
held_cycles=0
dbg_refused=0
i=0
while [ $i -lt "$CYCLES" ]; do
	i=$((i + 1))
	# Every tenth cycle, a file held open must keep the module in.
	if [ $((i % 10)) = 1 ]; then
		held_cycles=$((held_cycles + 1))
		sleep 30 </dev/mempool &
		h=$!
		sleep 30 <$D/pools &
		hd=$!
		sleep 0.2
		rmmod mempool 2>/dev/null || held_refused=$((held_refused + 1))
		kill $h
		wait $h 2>/dev/null
		rmmod mempool 2>/dev/null || dbg_refused=$((dbg_refused + 1))
		kill $hd
		wait $hd 2>/dev/null
	fi
	# The clients hold the file for a moment at a time: retry.
	n=0
	while ! rmmod mempool 2>/dev/null; do
		refused=$((refused + 1))
		n=$((n + 1))
		[ $n -lt 500 ] || break
		sleep 0.01
	done
	[ $n -lt 500 ] || { fail ld-rmmod-cycles "rmmod refused 500 times in cycle $i"; break; }
	sleep 0.05
	load_module || { fail ld-rmmod-cycles "insmod failed in cycle $i"; break; }
	ok=$((ok + 1))
	[ $((i % 10)) != 0 ] || echo "ld: $i cycles, $(($(date +%s) - t2)) s"
done
kill $cl1 $cl2
wait $cl1
clrc=$?
wait $cl2
clrc=$((clrc + $?))
cat "$T/cl1" "$T/cl2"
echo "ld: $ok rmmod/insmod cycles in $(($(date +%s) - t2)) s, $refused rmmods refused while clients had the file open"
[ $ok -lt "$CYCLES" ] || pass ld-rmmod-cycles
if [ "$held_refused" = "$held_cycles" ]; then pass ld-rmmod-refused-while-dev-open
else fail ld-rmmod-refused-while-dev-open "refused $held_refused of $held_cycles"; fi
if [ "$dbg_refused" = "$held_cycles" ]; then pass ld-rmmod-refused-while-debugfs-open
else fail ld-rmmod-refused-while-debugfs-open "refused $dbg_refused of $held_cycles"; fi
# SIGTERM ends the clients, which print their figures; a line of
# "load: client: " is a bad open errno or a failed call with the file open.
if [ $clrc != 0 ] || grep -q 'load: client: ' "$T/cl1" "$T/cl2"; then
	fail ld-open-fails-cleanly "$(grep -h 'load: client: ' "$T/cl1" "$T/cl2" | head -n 3 | tr '\n' ' ')"
else
	pass ld-open-fails-cleanly
fi

splat=$(dmesg | tail -n +"$((before + 1))" |
	grep -E 'BUG:|WARNING:|KASAN|UBSAN|lockdep|circular locking|Call Trace|Oops|unreferenced object')
if [ -z "$splat" ]; then pass ld-dmesg-clean
else echo "$splat"; fail ld-dmesg-clean "kernel log has splats"; fi
lsmod | grep -q '^mempool ' && unload_module
rm -rf "$T"
