/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mpool - named pools of fixed-size blocks over one vmalloc'd region.
 *
 * A pool reserves all of its memory when it is created and never touches
 * the page allocator again: allocation and free pop and push a block index
 * on a free stack, in O(1), under a spinlock that disables interrupts.
 *
 * Best suited for:
 *   - many allocations of one size whose worst-case count is known;
 *   - callers that must not fail or sleep in the page allocator at run time
 *     (interrupt handlers, the I/O path);
 *   - code that wants misuse caught: frees of foreign pointers, of pointers
 *     inside a block, and double frees are refused and counted, and the pool
 *     stays intact.
 *
 * Limitations:
 *   - the block count is fixed at creation;
 *   - blocks are aligned to at most PAGE_SIZE;
 *   - the pools userspace creates through /dev/mempool may reserve at
 *     most the module parameter max_bytes together (kernel users' pools
 *     are not counted);
 *   - pool metadata lives outside the blocks, so a stray write into a freed
 *     block cannot corrupt the pool, but it is only detected (on the next
 *     allocation of that block) when the pool poisons freed blocks.
 *
 * Context: mpool_alloc(), mpool_free(), mpool_free_checked(),
 * mpool_cancel_waits(), mpool_get_stats() and mpool_reset_stats() may be
 * called from any context, hardirq included.  mpool_create(),
 * mpool_destroy() and mpool_alloc_timeout() sleep: process context only.
 */
#ifndef _MPOOL_H
#define _MPOOL_H

#include <linux/bits.h>
#include <linux/types.h>

/* Longest pool name, terminating NUL included. */
#define MPOOL_NAME_MAX		32
/* Alignment used when the caller passes 0. */
#define MPOOL_DEFAULT_ALIGN	8

/* Zero each block on allocation. */
#define MPOOL_F_ZERO		BIT(0)
/* Fill freed blocks with MPOOL_POISON_BYTE and check it on allocation. */
#define MPOOL_F_POISON		BIT(1)
/* Record the caller that allocated each live block. */
#define MPOOL_F_TRACK		BIT(2)
/*
 * Keep a few dozen free blocks per CPU in front of the shared free stack,
 * so that most allocations and frees take no lock: for pools used on many
 * CPUs at once.  The price: a non-sleeping allocation may fail
 * while other CPUs' caches still hold free blocks (mpool_alloc_timeout()
 * drains them before it sleeps), and the high watermark counts cached
 * blocks as taken.
 */
#define MPOOL_F_PERCPU		BIT(3)
/*
 * Count misuse but log nothing: for pools driven from userspace, where a
 * bad request is the user's error, not a kernel bug.
 */
#define MPOOL_F_QUIET		BIT(4)
#define MPOOL_F_ALL		(MPOOL_F_ZERO | MPOOL_F_POISON | \
				 MPOOL_F_TRACK | MPOOL_F_PERCPU | \
				 MPOOL_F_QUIET)

#define MPOOL_POISON_BYTE	0x6b

/**
 * struct mpool_stats - a snapshot of a pool's state and counters
 *
 * One u64 per line of include/uapi/mpool_stat_list.h, named as there and
 * in that order: the numbers of the ioctl and of debugfs.  Notes on some of them:
 *
 * - flags: the MPOOL_F_* flags the pool was created with, but
 *   MPOOL_F_QUIET, which governs only logging, and with MPOOL_F_POISON and
 *   MPOOL_F_TRACK as mpool_debug_set() has since switched them; the bits
 *   equal the ioctl's MPOOL_CREATE_*;
 * - stride: block_size rounded up to align;
 * - high_watermark: under MPOOL_F_PERCPU, counts blocks in use or in
 *   per-CPU caches;
 * - invalid_frees: frees refused (outside the region, not on a block
 *   boundary, or of a block that was not allocated);
 * - bytes_reserved: region plus metadata, each in whole pages, plus the
 *   exact bytes of the arrays that debug modes switched on later added;
 * - wait_us_hist: the waits counted in waits, by how long each slept, in
 *   log2 buckets of microseconds; it sums to waits once no allocation is
 *   sleeping (one that sleeps across a reset is counted after it).
 */
struct mpool_stats {
#define MPOOL_STAT(name) u64 name
#define MPOOL_HIST(name, n) u64 name[n]
#include "uapi/mpool_stat_list.h"
#undef MPOOL_HIST
#undef MPOOL_STAT
};

/* A pool: its layout is private to the engine. */
struct mpool;

/**
 * mpool_create - create a pool of fixed-size blocks
 * @name: unique name of 1 to MPOOL_NAME_MAX - 1 characters [A-Za-z0-9_.-],
 *	but not "pools" or "budget" (debugfs files have those names); or
 *	NULL for an anonymous pool, which is in no listing and has no
 *	debugfs directory
 * @block_size: bytes per block, at least 1
 * @nr_blocks: number of blocks, at least 1
 * @align: alignment of each block: 0 for MPOOL_DEFAULT_ALIGN, else a power
 *	of two no larger than PAGE_SIZE
 * @flags: MPOOL_F_* flags
 *
 * Reserves the whole region and all metadata now; the pool never allocates
 * memory again.  A named pool appears under /sys/kernel/debug/mempool/@name.
 * Pools of kernel users are limited only by the memory there is; the
 * max_bytes module parameter caps the pools userspace creates.
 *
 * Context: process context; sleeps.
 * Return: the pool, or an ERR_PTR(): -EINVAL for a zero size or count, a
 * bad alignment, unknown flags or a bad name; -ENAMETOOLONG for a name
 * too long; -EOVERFLOW when the region's size overflows; -EEXIST when a
 * pool of that name exists; -ENOMEM.
 */
struct mpool *mpool_create(const char *name, size_t block_size,
			   unsigned int nr_blocks, size_t align,
			   unsigned int flags);

/**
 * mpool_destroy - free a pool and all of its memory
 * @pool: the pool, or NULL
 *
 * Blocks still allocated are freed with the region and reported in the
 * kernel log (with their callers under MPOOL_F_TRACK; the first 16 by
 * offset, then how many more), unless the pool is MPOOL_F_QUIET.  The
 * caller guarantees that nobody uses the pool any more, that nobody sleeps
 * in mpool_alloc_timeout() on it, and that no pointer into it is
 * dereferenced afterwards.
 *
 * Context: process context; sleeps.
 */
void mpool_destroy(struct mpool *pool);

/**
 * mpool_alloc - allocate a block without sleeping
 * @pool: the pool
 *
 * Context: any context, hardirq included.
 * Return: a block of at least block_size bytes, aligned as the pool was
 * created; NULL when no block is free.  It holds zeros under MPOOL_F_ZERO,
 * MPOOL_POISON_BYTE under MPOOL_F_POISON alone, else zeros the first time
 * it is allocated and then what its last holder left.
 */
void *mpool_alloc(struct mpool *pool);

/**
 * mpool_alloc_timeout - allocate a block, sleeping until one is freed
 * @pool: the pool
 * @timeout: most jiffies to sleep; MAX_SCHEDULE_TIMEOUT for no limit
 *
 * Context: process context; sleeps, interruptibly.
 * Return: a block, or ERR_PTR(-ETIMEDOUT) when none was freed in time,
 * ERR_PTR(-EINTR) when a signal came first, or ERR_PTR(-ECANCELED) after
 * mpool_cancel_waits().  Never NULL.
 */
void *mpool_alloc_timeout(struct mpool *pool, long timeout);

/**
 * mpool_cancel_waits - make every sleeping allocation give up, for good
 * @pool: the pool
 *
 * For a pool about to be destroyed while others may still sleep in
 * mpool_alloc_timeout() on it: they return ERR_PTR(-ECANCELED) (unless
 * they got a block first), and so does every later sleeping allocation
 * that finds the pool empty.  The caller still waits for them to return
 * before mpool_destroy().
 *
 * Context: any context.
 */
void mpool_cancel_waits(struct mpool *pool);

/**
 * mpool_free - return a block to its pool
 * @pool: the pool
 * @block: a block from mpool_alloc() or mpool_alloc_timeout(), or NULL
 *
 * A pointer outside the pool's region, not at the start of a block, or to a
 * block that is not allocated is refused: counted in invalid_frees, and
 * the pool is unchanged.  The first such misuse of each pool is logged with
 * a stack trace.
 *
 * Context: any context, hardirq included.
 */
void mpool_free(struct mpool *pool, void *block);

/**
 * mpool_free_checked - return a block to its pool, or say why not
 * @pool: the pool
 * @block: the block
 *
 * Like mpool_free(), but logs nothing: for callers that pass the error on,
 * such as the ioctl path.  A refused free is counted in invalid_frees and
 * changes nothing else.
 *
 * Context: any context, hardirq included.
 * Return: 0; -ERANGE when @block is outside the region; -EINVAL when it is
 * not the start of a block; -ENXIO when the block is not allocated.
 */
int mpool_free_checked(struct mpool *pool, void *block);

/**
 * mpool_get_stats - take a consistent snapshot of a pool's statistics
 * @pool: the pool
 * @stats: filled in
 *
 * Context: any context.
 */
void mpool_get_stats(struct mpool *pool, struct mpool_stats *stats);

/**
 * mpool_reset_stats - zero a pool's counters
 * @pool: the pool
 *
 * The high watermark restarts at the blocks in use now.  Under
 * MPOOL_F_PERCPU, allocations and frees on other CPUs while it runs may
 * be counted or not.  A sleeping allocation is counted when it wakes, in
 * waits, wait_us_hist and timeouts at once, so those keep their sums
 * whenever a reset comes.
 *
 * Context: any context.
 */
void mpool_reset_stats(struct mpool *pool);

/**
 * struct mpool_debug_modes - a pool's debug modes (debugfs "debug")
 * @poison: MPOOL_F_POISON on (1) or off (0); -1 to leave it
 * @track: MPOOL_F_TRACK likewise
 * @quarantine: the quarantine's length, 0 for none; -1 to leave it
 */
struct mpool_debug_modes {
	int poison;
	int track;
	int quarantine;
};

/**
 * mpool_debug_set - switch a live pool's debug modes
 * @pool: the pool
 * @m: the modes to change; -1 leaves one as it is
 *
 * What the pool's debugfs "debug" file and MPOOL_IOC_DEBUG do, for a
 * kernel user's own pool (an anonymous one included), such as the
 * benchmark's.  Safe with blocks out and calls on other CPUs: blocks
 * allocated before tracking report an unknown caller, blocks freed before
 * poisoning are not checked.  A quarantine of N holds each freed block,
 * poisoned, until N later frees have come, and reports any byte changed
 * meanwhile.
 *
 * All or nothing: either every mode asked for is on, or nothing changed.
 *
 * Context: process context; sleeps.
 * Return: 0; -EINVAL for a value out of range (a quarantine of the pool's
 * blocks or more, or over 65536); -ENOMEM when an array a mode needs
 * cannot be had; -EDQUOT when a device pool's arrays would pass the
 * module's max_bytes (a kernel user's pool is never charged).
 */
int mpool_debug_set(struct mpool *pool, const struct mpool_debug_modes *m);

#endif /* _MPOOL_H */
