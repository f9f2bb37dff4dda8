#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tools/testing/vm/bench-trace.sh, guest side: what disabled tracepoints cost.
# Two builds of mempool.ko and mempool_bench.ko are in the initramfs: with
# the tracepoints (/lib/mempool, loaded by init) and without them
# (/lib/mempool/notrace, MPOOL_NO_TRACE=1).  Each round loads one build,
# runs the request of /etc/mptest-bench-args, then the other: the builds
# alternate, so drift over the boot falls on both.  Prints, for the host:
#   MPTEST-TC BUILD ROUND <a result line of the run file>
#   MPTEST-TC-EVENTS BUILD <events under /sys/kernel/tracing/events/mempool>
#   MPTEST-BENCH-RC <0, or the first failure's exit status>
TR=/sys/kernel/tracing
[ -d $TR/events ] || mount -t tracefs nodev $TR 2>/dev/null
req=$(head -n1 /etc/mptest-bench-args)
rounds=${MPTEST_TC_ROUNDS:-3}
rc=0

# use DIR: mempool.ko and mempool_bench.ko of DIR, nothing else loaded
use() {
	rmmod mempool_bench 2>/dev/null
	rmmod mempool 2>/dev/null
	insmod "$1/mempool.ko" && insmod "$1/mempool_bench.ko"
}

# run BUILD ROUND
run() {
	exec 3<>/sys/kernel/debug/mempool_bench/run
	if echo "$req" >&3; then
		sed "s/^/MPTEST-TC $1 $2 /" <&3
	else
		rc=1
	fi
	exec 3>&-
}

echo "MPTEST-BENCH-ARGS $req"
for b in traced notrace; do
	d=/lib/mempool
	[ $b = traced ] || d=/lib/mempool/notrace
	use $d || rc=1
	echo "MPTEST-TC-EVENTS $b $(ls $TR/events/mempool 2>/dev/null | grep -vc -e '^enable$' -e '^filter$')"
done
r=1
while [ $r -le "$rounds" ] && [ $rc = 0 ]; do
	for b in traced notrace; do
		d=/lib/mempool
		[ $b = traced ] || d=/lib/mempool/notrace
		use $d || rc=1
		run $b $r
	done
	r=$((r + 1))
done
echo "MPTEST-BENCH-RC $rc"
