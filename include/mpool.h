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
 *   - all pools together may reserve at most the module parameter
 *     max_bytes;
 *   - pool metadata lives outside the blocks, so a stray write into a freed
 *     block cannot corrupt the pool, but it is only detected (on the next
 *     allocation of that block) when the pool poisons freed blocks.
 *
 * Context: mpool_alloc(), mpool_free(), mpool_free_checked(),
 * mpool_block_offset(), mpool_block_at(), mpool_copy_to_block(),
 * mpool_copy_from_block(), mpool_get_stats() and mpool_reset_stats() may be
 * called from any context, hardirq included.  mpool_create(),
 * mpool_destroy() and mpool_alloc_timeout() sleep: process context only.
 */
#ifndef _MPOOL_H
#define _MPOOL_H

#include <linux/bits.h>
#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "uapi/mpool_ioctl.h"

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
 * Count misuse but log nothing: for pools driven from userspace, where a
 * bad request is the user's error, not a kernel bug.
 */
#define MPOOL_F_QUIET		BIT(4)
/*
 * Keep up to MPOOL_PCP_SIZE free blocks per CPU in front of the shared free
 * stack, so that most allocations and frees take no lock: for pools used
 * on many CPUs at once.  The price: a non-sleeping allocation may fail
 * while other CPUs' caches still hold free blocks (mpool_alloc_timeout()
 * drains them before it sleeps), and the high watermark counts cached
 * blocks as taken.
 */
#define MPOOL_F_PERCPU		BIT(3)
#define MPOOL_F_ALL		(MPOOL_F_ZERO | MPOOL_F_POISON | \
				 MPOOL_F_TRACK | MPOOL_F_QUIET | \
				 MPOOL_F_PERCPU)

/* Most free blocks a CPU's cache holds, and how many move at once. */
#define MPOOL_PCP_SIZE		32
#define MPOOL_PCP_BATCH		16

#define MPOOL_POISON_BYTE	0x6b

#define __MPOOL_STAT_MEMBER(name, desc) u64 name;

/**
 * struct mpool_stats - a snapshot of a pool's state and counters
 *
 * One u64 per line of MPOOL_STATS_FIELDS() (include/uapi/mpool_ioctl.h),
 * named as there and in that order: the numbers of the ioctl and of
 * debugfs.  Notes on some of them:
 *
 * - flags: the MPOOL_F_* flags the pool was created with, but
 *   MPOOL_F_QUIET, which governs only logging; the bits equal the ioctl's
 *   MPOOL_CREATE_*;
 * - stride: block_size rounded up to align;
 * - high_watermark: under MPOOL_F_PERCPU, counts blocks in use or in
 *   per-CPU caches;
 * - invalid_frees: frees refused (outside the region, not on a block
 *   boundary, or of a block that was not allocated);
 * - bytes_reserved: region plus metadata, each in whole pages.
 */
struct mpool_stats {
	MPOOL_STATS_FIELDS(__MPOOL_STAT_MEMBER)
};

/* Set in mpool_pcp.state while its CPU uses the cache. */
#define MPOOL_PCP_BUSY		0x80000000u

/**
 * struct mpool_pcp - one CPU's cache of free blocks (MPOOL_F_PERCPU)
 * @state: the number of blocks in @idx, plus MPOOL_PCP_BUSY while this
 *	CPU uses the cache; an interrupt handler that finds it busy uses
 *	the shared stack instead.  One word, so that one cmpxchg_local()
 *	claims the cache and reads its count, and one store releases it.
 * @idx: indices of the cached free blocks; the top is the last of them
 * @allocs: allocations served on this CPU, summed by mpool_get_stats()
 *	from other CPUs: written with WRITE_ONCE, read with READ_ONCE
 * @frees: frees done on this CPU, summed likewise
 *
 * Touched only by its own CPU with preemption off and MPOOL_PCP_BUSY set,
 * except when the CPU is dead, or from an IPI (mpool_alloc_timeout()) that
 * did not interrupt a busy cache; blocks move to and from the shared stack
 * under the pool lock.
 */
struct mpool_pcp {
	unsigned int state;
	u32 idx[MPOOL_PCP_SIZE];
	u64 allocs;
	u64 frees;
};

/**
 * struct mpool - a pool of fixed-size blocks
 * @lock: protects @free_stack, @nr_free, @live, @callers and @stats; raw,
 *	because the pool is used from hardirq context, on PREEMPT_RT too
 * @base: the region: @nr_blocks blocks, @stride bytes apart
 * @stride: distance between blocks; a multiple of @align
 * @stride_shift: log2(@stride) when @stride is a power of two, else -1
 * @region_size: @nr_blocks * @stride
 * @block_size: usable bytes of a block
 * @align: alignment of every block (power of two, at most PAGE_SIZE)
 * @nr_blocks: number of blocks
 * @nr_free: number of indices on @free_stack
 * @free_stack: indices of the free blocks; the top is @free_stack[@nr_free - 1]
 * @live: a byte per block, non-zero while the block is allocated; block
 *	i's byte is @live[i << @live_shift]
 * @live_shift: spreads the live bytes under MPOOL_F_PERCPU (see .c)
 * @callers: with MPOOL_F_TRACK, the allocating caller of each live block
 * @flags: MPOOL_F_* flags
 * @reported: set once the first misuse of this pool has been logged
 * @wait: blocking allocations sleep here until a block is freed
 * @stats: counters; the state fields are filled in by mpool_get_stats()
 * @pcp: the per-CPU caches under MPOOL_F_PERCPU, else NULL
 * @nr_waiters: sleepers in mpool_alloc_timeout(): frees then skip the cache
 * @cancelled: set by mpool_cancel_waits(): sleepers give up
 * @cpuhp: entry in the CPU hotplug state that drains a dead CPU's cache
 * @charged: bytes this pool counts against max_bytes (MPOOL_F_USER)
 * @ready: set once mpool_create() has built the pool: until then it only
 *	holds its name on the list, and listings and lookups skip it
 * @node: entry in the list of all pools
 * @debugfs: this pool's debugfs directory
 * @name: the pool's unique name
 *
 * Memory layout: the blocks live in one vmalloc'd region at @base; all
 * metadata (@free_stack, @live, @callers) is allocated separately, so that
 * writes into a free block, even a stray one, cannot corrupt the pool.
 */
struct mpool {
	raw_spinlock_t lock;	/* see the kernel-doc above */
	void *base;
	size_t stride;
	int stride_shift;
	size_t region_size;
	size_t block_size;
	size_t align;
	unsigned int nr_blocks;
	unsigned int nr_free;
	u32 *free_stack;
	u8 *live;
	unsigned int live_shift;
	unsigned long *callers;
	unsigned int flags;
	unsigned long reported;
	wait_queue_head_t wait;
	struct mpool_stats stats;
	struct mpool_pcp __percpu *pcp;
	atomic_t nr_waiters;
	bool cancelled;
	struct hlist_node cpuhp;
	size_t charged;
	bool ready;
	struct list_head node;
	struct dentry *debugfs;
	char name[MPOOL_NAME_MAX];
};

/**
 * mpool_create - create a pool of fixed-size blocks
 * @name: unique name of 1 to MPOOL_NAME_MAX - 1 characters [A-Za-z0-9_.-],
 *	but not "pools" (a debugfs file has that name); or NULL for an
 *	anonymous pool, which is in no listing and has no debugfs directory
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
 * kernel log (with their callers under MPOOL_F_TRACK), unless the pool is
 * MPOOL_F_QUIET.  The caller guarantees that nobody uses the pool any more,
 * that nobody sleeps in mpool_alloc_timeout() on it, and that no pointer
 * into it is dereferenced afterwards.
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
 * created, zeroed under MPOOL_F_ZERO; NULL when no block is free.
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
 * mpool_block_at - the block at an offset into the pool's region
 * @pool: the pool
 * @offset: bytes from the start of the region
 *
 * Context: any context.
 * Return: the address at @offset, or NULL when @offset is outside the
 * region.  It is not checked to be a block or to be allocated.
 */
void *mpool_block_at(struct mpool *pool, u64 offset);

/**
 * mpool_block_offset - a block's offset into the pool's region
 * @pool: the pool
 * @block: a block of @pool
 *
 * Context: any context.
 * Return: bytes from the start of the region to @block.
 */
u64 mpool_block_offset(struct mpool *pool, const void *block);

/**
 * mpool_copy_to_block - copy bytes into an allocated block
 * @pool: the pool
 * @block: the block
 * @pos: first byte of the block to write
 * @src: the bytes
 * @len: how many, at least 1
 *
 * Copies a page at a time under the pool lock and stops with -ENXIO if
 * the block is freed meanwhile.  Under MPOOL_F_PERCPU a free does not take
 * the pool lock, so a free racing with the copy is not seen: the caller
 * must own the block.
 *
 * Context: any context.
 * Return: 0, or -ERANGE, -EINVAL or -ENXIO as mpool_free_checked(); also
 * -EINVAL when [@pos, @pos + @len) passes the end of the block.
 */
int mpool_copy_to_block(struct mpool *pool, void *block, size_t pos,
			const void *src, size_t len);

/**
 * mpool_copy_from_block - copy bytes out of an allocated block
 * @pool: the pool
 * @block: the block
 * @pos: first byte of the block to read
 * @dst: where to
 * @len: how many, at least 1
 *
 * Context: any context.
 * Return: as mpool_copy_to_block().
 */
int mpool_copy_from_block(struct mpool *pool, const void *block, size_t pos,
			  void *dst, size_t len);

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
 * be counted or not.
 *
 * Context: any context.
 */
void mpool_reset_stats(struct mpool *pool);

/**
 * mpool_next_live - find the next allocated block
 * @pool: the pool
 * @index: in: the first block index to look at; out: the index found
 * @caller: set to the allocating caller under MPOOL_F_TRACK, else to 0
 *
 * For walking the live blocks a little at a time (debugfs); the result is
 * already stale when it returns.
 *
 * Context: any context.
 * Return: 0 when a live block was found, -ENOENT when none is left.
 */
int mpool_next_live(struct mpool *pool, unsigned int *index,
		    unsigned long *caller);

#endif /* _MPOOL_H */
