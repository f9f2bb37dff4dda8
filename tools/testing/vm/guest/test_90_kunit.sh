#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debug kernel only: load the KUnit modules, whose suites run as they
# load, one after the other: mempool_kunit.ko (the engine's suites), then
# mempool_bench_test.ko (the benchmark's request parser, over
# mempool_bench.ko over mempool.ko).  After each, print every loaded
# suite's KTAP results between markers; the host counts each test case as
# a check.
. /mptest/lib.sh
[ "$MPTEST_KERNEL" = debug ] || exit 0

kunit_dump() {
	echo "MPTEST-KUNIT-BEGIN"
	for r in /sys/kernel/debug/kunit/*/results; do
		[ -f "$r" ] || continue
		d=${r%/results}
		echo "MPTEST-KUNIT-SUITE ${d##*/}"
		cat "$r"
	done
	echo "MPTEST-KUNIT-END"
}

if [ ! -f "$MPTEST_KUNIT_MODULE" ]; then
	fail kunit-load "$MPTEST_KUNIT_MODULE not built"
else
	# The suites may link the core themselves or use mempool.ko's
	# exports.  (busybox modinfo wants modules.dep: read the .modinfo
	# string instead.)
	case ",$(strings "$MPTEST_KUNIT_MODULE" | sed -n 's/^depends=//p')," in
	*,mempool,*) check kunit-dep-load load_module ;;
	esac
	if check kunit-load insmod "$MPTEST_KUNIT_MODULE"; then
		kunit_dump
		check kunit-unload rmmod mempool_kunit
	fi
	rmmod mempool 2>/dev/null
fi

if [ ! -f "$MPTEST_BENCH_KUNIT_MODULE" ]; then
	fail kunit-bench-load "$MPTEST_BENCH_KUNIT_MODULE not built"
else
	check kunit-bench-dep-load load_module &&
		check kunit-bench-dep-load-bench load_bench_module &&
		check kunit-bench-load insmod "$MPTEST_BENCH_KUNIT_MODULE" &&
		kunit_dump &&
		check kunit-bench-unload rmmod mempool_bench_test
	rmmod mempool_bench 2>/dev/null
	rmmod mempool 2>/dev/null
fi
exit 0
