#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, guest side: mempool_bench.ko's run file, one request per
# line of /etc/mptest-bench-args (key=value pairs of that file, from an
# archive tools/vm/bench.sh appends to the initramfs; an empty line is the
# full default benchmark).  Prints, for the host:
#   MPTEST-BENCH-KERNEL <uname -r>
#   MPTEST-BENCH-CPUS <online CPUs>
#   MPTEST-BENCH-ARGS <a request written>   (one per request, then its
#   result lines (allocator=NAME workload=NAME cpus=N ...) as it ends, and
#   MPTEST-BENCH-TOOK <its seconds>)
#   MPTEST-BENCH-SECONDS <wall time of all the requests>
#   MPTEST-BENCH-RC <the first failed write's exit status, or 0>
#   MPTEST-BENCH-BATCH <the batch file's line: what moving a batch adds>
#   MPTEST-BENCH-IPI <function-call IPIs per blocking allocation>
# then the failed write's error, if any.
echo "MPTEST-BENCH-KERNEL $(uname -r)"
echo "MPTEST-BENCH-CPUS $(grep -c '^processor' /proc/cpuinfo)"
t0=$(date +%s)
rc=0
: >/tmp/bench.err
while IFS= read -r args; do
	echo "MPTEST-BENCH-ARGS '$args' > /sys/kernel/debug/mempool_bench/run"
	t1=$(date +%s)
	# One open file: the results are read from the file the request went to.
	exec 3<>/sys/kernel/debug/mempool_bench/run
	echo "$args" >&3 2>>/tmp/bench.err
	r=$?
	[ "$r" != 0 ] || cat <&3
	exec 3>&-
	echo "MPTEST-BENCH-TOOK $(($(date +%s) - t1))"
	[ "$r" = 0 ] || { rc=$r; break; }
done </etc/mptest-bench-args
echo "MPTEST-BENCH-SECONDS $(($(date +%s) - t0))"
echo "MPTEST-BENCH-RC $rc"
echo "MPTEST-BENCH-BATCH $(cat /sys/kernel/debug/mempool_bench/batch 2>&1)"

# The drain IPI: function-call interrupts (CAL, all CPUs) per allocation
# that has to wait, on a per-CPU pool whose one block is taken, less those
# of as many allocations that do not wait (the background).
cal() { awk '$1 == "CAL:" { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; print s }' /proc/interrupts; }
mempoolctl create ipi_full --block-size 64 --blocks 1 --percpu >/dev/null &&
	mempoolctl create ipi_free --block-size 64 --blocks 64 --percpu >/dev/null &&
	mempoolctl alloc ipi_full >/dev/null
n=20
c0=$(cal)
i=0; while [ $i -lt $n ]; do mempoolctl alloc ipi_free >/dev/null; i=$((i + 1)); done
c1=$(cal)
i=0; while [ $i -lt $n ]; do mempoolctl alloc ipi_full --timeout 1 >/dev/null 2>&1; i=$((i + 1)); done
c2=$(cal)
echo "MPTEST-BENCH-IPI cpus=$(grep -c '^processor' /proc/cpuinfo) waits=$n cal_waiting=$((c2 - c1)) cal_background=$((c1 - c0)) per_wait=$(awk -v w=$((c2 - c1)) -v b=$((c1 - c0)) -v n=$n 'BEGIN { printf "%.2f", (w - b) / n }')"
mempoolctl destroy ipi_full --force >/dev/null 2>&1
mempoolctl destroy ipi_free --force >/dev/null 2>&1
cat /tmp/bench.err
