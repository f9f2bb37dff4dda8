#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fault injection (tools/testing/faults/mpool_faults): every allocation and user
# copy inside module load, pool creation, each ioctl (DEBUG, GIVE, TAKE,
# WATCH and MAP included) and mmap() is failed in turn
# through /proc/thread-self/fail-nth (failslab + fail_page_alloc +
# fail_usercopy).  Debug kernel
# only: the stock kernels have no CONFIG_FAULT_INJECTION.
. /mptest/lib.sh

D=/sys/kernel/debug
if [ "$MPTEST_KERNEL" != debug ] || [ ! -e /proc/thread-self/fail-nth ]; then
	skip faults "no fail-nth on $MPTEST_KERNEL"
	exit 0
fi
# fail-nth is per thread and the program single-threaded: a second run on
# the 4-CPU debug guest would find nothing new.
if [ "${MPTEST_CPUS:-2}" != 2 ]; then
	skip faults "single-threaded: run on the 2-CPU debug guest"
	exit 0
fi
if [ ! -x /bin/mpool_faults ]; then
	fail faults "mpool_faults is not in the initramfs"
	exit 0
fi
rmmod mempool 2>/dev/null

# fail-nth alone decides (lib/fault-inject.c should_fail_ex(): a task's
# fail_nth counts down every site regardless of probability, interval,
# times, space and task-filter), but the per-type filters below apply
# before it: by default sleeping allocations, highmem pages and order-0
# pages are never failed, and verbose would print a stack per fault.
# The stack-trace filter (require-start/-end, reject-*) is left open.
set_knob() {
	old=$(cat "$D/$1")
	echo "$2" >"$D/$1" || { fail faults-setup "cannot set $1"; exit 0; }
	restore="$restore echo '$old' >$D/$1;"
}
restore=
set_knob failslab/ignore-gfp-wait N
set_knob failslab/verbose 0
set_knob fail_page_alloc/ignore-gfp-wait N
set_knob fail_page_alloc/ignore-gfp-highmem N
set_knob fail_page_alloc/min-order 0
set_knob fail_page_alloc/verbose 0
# cache-filter Y would limit failslab to caches marked for it: off.
set_knob failslab/cache-filter N
# copy_from_user()/copy_to_user() fail on fail-nth too
# (CONFIG_FAULT_INJECTION_USERCOPY, in tools/testing/vm/debug.config).
if [ -d "$D/fail_usercopy" ]; then
	pass faults-usercopy-available
	set_knob fail_usercopy/verbose 0
else
	fail faults-usercopy-available "no $D/fail_usercopy on the debug kernel"
fi

t0=$(date +%s)
/bin/mpool_faults
echo "faults: took $(($(date +%s) - t0))s"
eval "$restore"
