#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, guest side: mempool_bench.ko's run file, one request per
# line of /etc/mptest-bench-args (key=value pairs of that file, from an
# archive tools/testing/vm/bench.sh appends to the initramfs; an empty line is the
# full default benchmark).  Prints, for the host:
#   MPTEST-BENCH-KERNEL <uname -r>
#   MPTEST-BENCH-CPUS <online CPUs>
#   MPTEST-BENCH-ARGS <a request written>   (one per request, then its
#   result lines (allocator=NAME workload=NAME cpus=N ...) as it ends, and
#   MPTEST-BENCH-TOOK <its seconds>)
#   MPTEST-BENCH-SECONDS <wall time of all the requests>
#   MPTEST-BENCH-RC <the first failed write's exit status, or 0>
#   MPTEST-BENCH-BATCH <the batch file's line: what moving a batch adds>
#   MPTEST-BENCH-IPI <the drain file's line: drain IPIs per waiting
#   allocation>
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

# The drain IPIs per waiting allocation, by the pool's own count.
echo "MPTEST-BENCH-IPI $(cat /sys/kernel/debug/mempool_bench/drain 2>&1)"
cat /tmp/bench.err
