#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debug kernel only: run the KUnit suite and print its KTAP results between
# markers; the host counts each test case as a check.
. /mptest/lib.sh
[ "$MPTEST_KERNEL" = debug ] || exit 0

if [ ! -f "$MPTEST_KUNIT_MODULE" ]; then
	fail kunit-load "$MPTEST_KUNIT_MODULE not built"
	exit 0
fi
# The suite may link the core itself or use mempool.ko's exports.
# (busybox modinfo wants modules.dep: read the .modinfo string instead)
case ",$(strings "$MPTEST_KUNIT_MODULE" | sed -n 's/^depends=//p')," in
*,mempool,*) check kunit-dep-load load_module ;;
esac
check kunit-load insmod "$MPTEST_KUNIT_MODULE" || exit 0
echo "MPTEST-KUNIT-BEGIN"
for r in /sys/kernel/debug/kunit/*/results; do
	d=${r%/results}
	echo "MPTEST-KUNIT-SUITE ${d##*/}"
	cat "$r"
done
echo "MPTEST-KUNIT-END"
check kunit-unload rmmod mempool_kunit
rmmod mempool 2>/dev/null
exit 0
