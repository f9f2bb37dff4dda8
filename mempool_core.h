/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's private layout of a pool: for mempool_core.c and its KUnit
 * tests only.  Other modules, and the rest of mempool.ko, see struct mpool
 * as opaque (include/mpool.h) and use the engine's functions.
 */
#ifndef _MEMPOOL_CORE_H
#define _MEMPOOL_CORE_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "mpool.h"

/*
 * Most free blocks a CPU's cache holds, and how many move at once.  A CPU
 * whose allocs and frees stay within SIZE - BATCH (32) of each other never
 * takes the pool lock; a burst of 64 (a NAPI poll's budget) takes it twice,
 * once to refill and once to drain, where a cache of 32 took it four to six
 * times (tools/testing/engine: engine-budget-burst-locked).  Under 64, so
 * that one CPU cannot strand every block of a 64-block pool.
 */
#define MPOOL_PCP_SIZE		48
#define MPOOL_PCP_BATCH		16

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
 * @lock: protects @free_stack, @nr_free, @live, @callers, @stats and the
 *	quarantine, and orders changes of @flags after creation; raw,
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
 * @callers: with MPOOL_F_TRACK, the allocating caller of each live block;
 *	NULL while tracking is off (the debug mode "-track")
 * @callers_mem: the array @callers points to while tracking, kept until
 *	the pool's memory is freed once allocated (a stale writer may
 *	still write into it after "-track")
 * @poisoned: a byte per block, set when the block was poisoned at its
 *	free: only those are checked when allocated, so that blocks freed
 *	before "+poison" are not; NULL until the pool first poisons
 * @freers: with a quarantine, each block's last freeing caller
 * @qring: the quarantine, a FIFO of @qsize block indices: @qlen of them
 *	from @qhead on; under @lock
 * @qsize: the quarantine's length N (MPOOL_F_QUARANTINE is set when
 *	non-zero)
 * @qlen: blocks in the quarantine
 * @qhead: the oldest one's place in @qring
 * @flags: MPOOL_F_* flags
 * @reported: bit 0 set once the first misuse of this pool has been
 *	logged; bit 1 once a quiet pool's first use after free in quarantine
 *	has been (mempool_debug.c)
 * @wait: blocking allocations sleep here until a block is freed
 * @stats: counters; the state fields are filled in by mpool_get_stats()
 * @pcp: the per-CPU caches under MPOOL_F_PERCPU, else NULL
 * @nr_waiters: sleepers in mpool_alloc_timeout(): frees then skip the cache
 * @cancelled: set by mpool_cancel_waits(): sleepers give up
 * @cpuhp: entry in the CPU hotplug state that drains a dead CPU's cache
 * @charged: bytes this pool counts against max_bytes (MPOOL_F_USER),
 *	until its memory is freed
 * @ready: set once mpool_create() has built the pool: until then it only
 *	holds its name on the list, and listings and lookups skip it
 * @unlisted: set by mpool_unpublish(): the name is given back, the
 *	budget not yet
 * @node: entry in the list of all pools
 * @view: how the pool is shown (its debugfs directory): mpool_view_add()
 * @dev_data: the device layer's data on its pools (mpool_set_dev_data())
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
	unsigned long *callers_mem;
	u8 *poisoned;
	unsigned long *freers;
	u32 *qring;
	unsigned int qsize;
	unsigned int qlen;
	unsigned int qhead;
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
	bool unlisted;
	struct list_head node;
	void *view;
	void *dev_data;
	char name[MPOOL_NAME_MAX];
};

/*
 * Helpers the engine's files share, inline because the alloc and free
 * fast paths use them.
 */

/* The byte that says whether block @idx is allocated. */
static __always_inline u8 *mpool_live(const struct mpool *pool,
				      unsigned long idx)
{
	return &pool->live[idx << pool->live_shift];
}

static inline unsigned int mpool_pcp_count(const struct mpool_pcp *pcp)
{
	return READ_ONCE(pcp->state) & ~MPOOL_PCP_BUSY;
}

/* Index of @block, or a negative errno saying why it is not a block. */
static __always_inline long mpool_index(struct mpool *pool, const void *block)
{
	unsigned long off = (unsigned long)block - (unsigned long)pool->base;

	/* Below base, off wraps to a huge value: one test covers both ends. */
	if (off >= pool->region_size)
		return -ERANGE;
	/* A division costs more than all the rest of a free: avoid it. */
	if (likely(pool->stride_shift >= 0)) {
		if (off & (pool->stride - 1))
			return -EINVAL;
		return off >> pool->stride_shift;
	}
	if (off % pool->stride)
		return -EINVAL;
	return off / pool->stride;
}

/*
 * Poisons a block just freed, ours alone, and says so in @poisoned: its
 * allocation checks the poison.
 */
static inline void mpool_poison_block(struct mpool *pool, void *block,
				      long idx)
{
	u8 *poisoned = READ_ONCE(pool->poisoned);

	memset(block, MPOOL_POISON_BYTE, pool->block_size);
	if (poisoned)
		WRITE_ONCE(poisoned[idx], 1);
}

/* mempool_debug.c: the debug modes of a live pool */
long mpool_quarantine(struct mpool *pool, void *block, long idx,
		      unsigned long caller);
void mpool_debug_flush(struct mpool *pool);
void mpool_debug_free(struct mpool *pool);

/* mempool_registry.c: names, listings and the max_bytes budget */
int mpool_register(struct mpool *pool, const char *name, size_t charge);
void mpool_publish(struct mpool *pool);
int mpool_charge_more(struct mpool *pool, size_t bytes);
void mpool_unlist(struct mpool *pool);
void mpool_uncharge(struct mpool *pool);
int mpool_view_add(struct mpool *pool, const char *name, void **view);
void mpool_view_remove(void *view);

#endif /* _MEMPOOL_CORE_H */
