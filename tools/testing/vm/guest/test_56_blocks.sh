#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Blocks of destroyed pools and handles across pool instances (issue 19):
# tools/testing/blocks/mpool_blocks (an ALLOC woken after its pool's DESTROY
# fails with ENOENT, plain and forced, owned or not; an old pool's handle
# names nothing in a new pool of the same name; generations never repeat
# across pools, and go round 2^24 skipping 0 (stock kernels); READ and
# WRITE that fault part-way leave a prefix), and no kernel splat.
. /mptest/lib.sh
T=$(mktemp -d)

dmesg_before=$(dmesg | wc -l)
check bl-insmod load_module || exit 0
if [ -x /bin/mpool_blocks ]; then
	# A crash part-way would only leave checks unreported: it fails here.
	check bl-run-to-end /bin/mpool_blocks
else
	fail bl-binary "mpool_blocks is not in the initramfs"
fi
# 2^24 allocations: a minute or two on a stock kernel, far longer under
# KASAN and lockdep, where the counter logic is the same.
case $MPTEST_KERNEL in
debug*) skip bl-gen-wrap "2^24 allocations: stock kernels only" ;;
*) check bl-wrap-run-to-end /bin/mpool_blocks --wrap ;;
esac
n=$(mempoolctl list | wc -l)
if [ "$n" = 1 ]; then pass bl-no-pool-left
else fail bl-no-pool-left "$n lines from mempoolctl list"; fi
no_splat bl-no-splat "$dmesg_before"
check bl-rmmod unload_module
rm -rf "$T"
