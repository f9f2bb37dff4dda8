#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, guest side: the full default benchmark as JSON, with the
# host's BENCH_ARGS (a word list in /etc/mptest-bench-args, from an archive
# tools/vm/bench.sh appends to the initramfs) added.  Prints, for the host:
#   MPTEST-BENCH-KERNEL <uname -r>
#   MPTEST-BENCH-CPUS <online CPUs>
#   MPTEST-BENCH-ARGS <the arguments mempoolctl got>
#   MPTEST-BENCH-SECONDS <wall time of the run>
#   MPTEST-BENCH-RC <mempoolctl's exit status>
# then mempoolctl's stderr and its stdout, the JSON array.
args=$(cat /etc/mptest-bench-args 2>/dev/null)
echo "MPTEST-BENCH-KERNEL $(uname -r)"
echo "MPTEST-BENCH-CPUS $(grep -c '^processor' /proc/cpuinfo)"
echo "MPTEST-BENCH-ARGS mempoolctl bench --json${args:+ $args}"
t0=$(date +%s)
# shellcheck disable=SC2086  # a word list on purpose
mempoolctl bench --json $args >/tmp/bench.json 2>/tmp/bench.err
rc=$?
echo "MPTEST-BENCH-SECONDS $(($(date +%s) - t0))"
echo "MPTEST-BENCH-RC $rc"
cat /tmp/bench.err
cat /tmp/bench.json
