/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mpool_stat_list.h - every statistic of a pool, in ABI order, once.
 *
 * No include guard: it is included wherever the statistics are spelled
 * out, each time with MPOOL_STAT(name) defined to what that place needs
 * (a struct member, a line of output, a copy), as KVM does with
 * kvm-x86-ops.h.  struct mpool_ioc_stats has a __u64 out_<name> for each,
 * in this order.  A new statistic is one more line at the end: the ioctl
 * struct grows (see "General ioctl format" in mpool_ioctl.h), and the
 * engine, debugfs and mempoolctl follow.
 *
 * MPOOL_COUNTER() marks the counters, which only grow (until a reset);
 * the others are sizes and levels.  Unless the includer defines it too,
 * it is MPOOL_STAT().
 *
 * MPOOL_HIST(name, n) is an array of n counters (__u64 out_<name>[n] in
 * the ioctl struct).  It has no default: every includer defines it, to
 * handle the array or to skip it on purpose.
 */
#ifndef MPOOL_COUNTER
#define MPOOL_COUNTER(name) MPOOL_STAT(name)
#define __MPOOL_COUNTER_IS_STAT
#endif

MPOOL_STAT(block_size);		/* usable bytes per block */
MPOOL_STAT(stride);		/* distance between two blocks */
MPOOL_STAT(align);		/* alignment of each block */
MPOOL_STAT(flags);		/* MPOOL_CREATE_* flags of the pool */
MPOOL_STAT(blocks_total);	/* blocks in the pool */
MPOOL_STAT(blocks_free);	/* blocks that can be allocated now */
MPOOL_STAT(blocks_in_use);	/* blocks allocated and not yet freed */
MPOOL_STAT(high_watermark);	/* most blocks in use at once since reset */
MPOOL_COUNTER(allocs);		/* successful allocations */
MPOOL_COUNTER(alloc_failures);	/* allocations that found the pool empty */
MPOOL_COUNTER(frees);		/* successful frees */
MPOOL_COUNTER(invalid_frees);	/* refused frees */
MPOOL_COUNTER(waits);		/* blocking allocations that slept, counted on waking */
MPOOL_COUNTER(timeouts);	/* of those, the ones that gave up */
MPOOL_COUNTER(poison_errors);	/* allocations that found a freed block written */
MPOOL_STAT(bytes_reserved);	/* memory the pool holds, region plus metadata */
MPOOL_COUNTER(drain_ipis);	/* CPUs interrupted to drain their caches */
MPOOL_COUNTER(reclaimed_on_close); /* owned blocks freed when their file closed */
/*
 * Blocking allocations that slept (each one counted in waits) by how long
 * they slept: bucket 0 under 2 us, bucket i [2^i, 2^(i + 1)) us, the last
 * one also everything longer.  A waking allocation counts in waits, in
 * one bucket and, if it gave up, in timeouts, all at once: in every
 * snapshot, RESET or not, the buckets sum to waits and timeouts <= waits.
 */
MPOOL_HIST(wait_us_hist, 24);
/* Freed blocks in the quarantine, neither free nor in use (ABI 5). */
MPOOL_STAT(quarantined);

#ifdef __MPOOL_COUNTER_IS_STAT
#undef MPOOL_COUNTER
#undef __MPOOL_COUNTER_IS_STAT
#endif
