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
MPOOL_COUNTER(waits);		/* blocking allocations that slept */
MPOOL_COUNTER(timeouts);	/* blocking allocations that gave up */
MPOOL_COUNTER(poison_errors);	/* allocations that found a freed block written */
MPOOL_STAT(bytes_reserved);	/* memory the pool holds, region plus metadata */
MPOOL_COUNTER(drain_ipis);	/* CPUs interrupted to drain their caches */

#ifdef __MPOOL_COUNTER_IS_STAT
#undef MPOOL_COUNTER
#undef __MPOOL_COUNTER_IS_STAT
#endif
