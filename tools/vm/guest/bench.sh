#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, guest side: the full default benchmark through
# mempool_bench.ko's run file, with the host's BENCH_ARGS (key=value pairs
# of that file, in /etc/mptest-bench-args, from an archive
# tools/vm/bench.sh appends to the initramfs) as the request.  Prints, for
# the host:
#   MPTEST-BENCH-KERNEL <uname -r>
#   MPTEST-BENCH-CPUS <online CPUs>
#   MPTEST-BENCH-ARGS <the request written>
#   MPTEST-BENCH-SECONDS <wall time of the run>
#   MPTEST-BENCH-RC <the write's exit status>
# then the write's error, if any, and the result lines
# (allocator=NAME workload=NAME cpus=N ...).
args=$(cat /etc/mptest-bench-args 2>/dev/null)
echo "MPTEST-BENCH-KERNEL $(uname -r)"
echo "MPTEST-BENCH-CPUS $(grep -c '^processor' /proc/cpuinfo)"
echo "MPTEST-BENCH-ARGS '$args' > /sys/kernel/debug/mempool_bench/run"
t0=$(date +%s)
# One open file: the results are read from the file the request went to.
exec 3<>/sys/kernel/debug/mempool_bench/run
echo "$args" >&3 2>/tmp/bench.err
rc=$?
[ "$rc" != 0 ] || cat <&3 >/tmp/bench.out
exec 3>&-
echo "MPTEST-BENCH-SECONDS $(($(date +%s) - t0))"
echo "MPTEST-BENCH-RC $rc"
cat /tmp/bench.err
cat /tmp/bench.out 2>/dev/null
