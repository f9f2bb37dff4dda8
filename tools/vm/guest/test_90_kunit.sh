#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debug kernel only: load the KUnit modules (mempool_kunit.ko: the engine's
# suites; mempool_bench_test.ko: the benchmark's request parser), whose
# suites run as they load, and print every suite's KTAP results between
# markers; the host counts each test case as a check.
. /mptest/lib.sh
[ "$MPTEST_KERNEL" = debug ] || exit 0

# busybox modinfo wants modules.dep: read the .modinfo string instead.
depends() { strings "$1" | sed -n 's/^depends=//p'; }

# mempool.ko first, if a suite links against its exports rather than
# holding the core itself.
case ",$(depends "$MPTEST_KUNIT_MODULE" 2>/dev/null),$(depends "$MPTEST_BENCH_KUNIT_MODULE" 2>/dev/null)," in
*,mempool,*) check kunit-dep-load load_module ;;
esac
if [ -f "$MPTEST_KUNIT_MODULE" ]; then
	check kunit-load insmod "$MPTEST_KUNIT_MODULE"
else
	fail kunit-load "$MPTEST_KUNIT_MODULE not built"
fi
if [ -f "$MPTEST_BENCH_KUNIT_MODULE" ]; then
	check kunit-bench-dep-load load_bench_module &&
		check kunit-bench-load insmod "$MPTEST_BENCH_KUNIT_MODULE"
else
	fail kunit-bench-load "$MPTEST_BENCH_KUNIT_MODULE not built"
fi
echo "MPTEST-KUNIT-BEGIN"
for r in /sys/kernel/debug/kunit/*/results; do
	[ -f "$r" ] || continue
	d=${r%/results}
	echo "MPTEST-KUNIT-SUITE ${d##*/}"
	cat "$r"
done
echo "MPTEST-KUNIT-END"
if [ -f "$MPTEST_KUNIT_MODULE" ]; then
	check kunit-unload rmmod mempool_kunit
fi
if [ -f "$MPTEST_BENCH_KUNIT_MODULE" ]; then
	check kunit-bench-unload rmmod mempool_bench_test
	rmmod mempool_bench 2>/dev/null
fi
rmmod mempool 2>/dev/null
exit 0
