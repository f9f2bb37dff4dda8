#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# libmpool (tools/lib/mpool) against the module: tools/testing/lib/mpool_lib
# calls every function of libmpool.h and checks the per-thread cache (one
# ALLOC a batch, batches given back, thread exit, fork, a SIGKILLed
# holder); tools/testing/lib/mpool_lib_crash, worker processes SIGKILLed
# at random while they allocate and free through caches, fork and end
# threads with full caches: no block handed out twice (stamps), and
# blocks_in_use is what the live ones hold; then no pool is left and no
# kernel splat.
. /mptest/lib.sh
T=$(mktemp -d)

dmesg_before=$(dmesg | wc -l)
check lib-insmod load_module || exit 0
if [ -x /bin/mpool_lib ]; then
	# A crash part-way would only leave checks unreported: it fails here.
	check lib-run-to-end /bin/mpool_lib
else
	fail lib-binary "mpool_lib is not in the initramfs"
fi
if [ -x /bin/mpool_lib_crash ]; then
	check lib-crash-run-to-end /bin/mpool_lib_crash "${MPTEST_LIB_CRASH_SECONDS:-10}"
else
	fail lib-crash-binary "mpool_lib_crash is not in the initramfs"
fi
# examples/libmpool_pair, built outside the tree with pkg-config's flags
# (tools/testing/pkgconfig): a producer and a consumer process hand 20000
# blocks over through their caches, GIVE and TAKE; it checks every block's
# bytes and an empty pool at the end, and prints the handovers a second.
if [ -x /bin/mpool_pair ]; then
	check lib-pkgconfig-pair /bin/mpool_pair 20000
else
	fail lib-pkgconfig-pair "mpool_pair is not in the initramfs"
fi
n=$(mempoolctl list | wc -l)
if [ "$n" = 1 ]; then pass lib-no-pool-left
else fail lib-no-pool-left "$n lines from mempoolctl list"; fi
no_splat lib-no-splat "$dmesg_before"
check lib-rmmod unload_module
rm -rf "$T"
