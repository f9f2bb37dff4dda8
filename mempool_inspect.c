// SPDX-License-Identifier: GPL-2.0
/*
 * Looking into a pool without allocating or freeing: its statistics, a
 * walk of its live blocks (debugfs), copies into and out of a live block,
 * and what the device needs beside the engine (block indices, the counts
 * of frees it refuses or reclaims itself, its per-pool pointer).  All of it takes the pool lock for
 * short stretches only, so that it may be called from any context.
 */
#include <linux/minmax.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "mempool_core.h"
#include "mempool_internal.h"

void *mpool_block_at(struct mpool *pool, u64 offset)
{
	if (offset >= pool->region_size)
		return NULL;
	return pool->base + offset;
}
EXPORT_SYMBOL_IF_KUNIT(mpool_block_at);

long mpool_block_index(struct mpool *pool, u64 offset)
{
	if (offset >= pool->region_size)
		return -ERANGE;
	return mpool_index(pool, pool->base + offset);
}

void *mpool_block_by_index(struct mpool *pool, unsigned int index)
{
	return pool->base + (size_t)index * pool->stride;
}

void mpool_count_invalid_frees(struct mpool *pool, unsigned int n)
{
	unsigned long irqflags;

	raw_spin_lock_irqsave(&pool->lock, irqflags);
	pool->stats.invalid_frees += n;
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
}

void mpool_count_reclaimed(struct mpool *pool, u64 n)
{
	unsigned long irqflags;

	raw_spin_lock_irqsave(&pool->lock, irqflags);
	pool->stats.reclaimed_on_close += n;
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
}

/* Set once, before the pool is in use; read by debugfs meanwhile. */
void mpool_set_dev_data(struct mpool *pool, void *data)
{
	/* Pairs with mpool_dev_data(): the data is ready when seen. */
	smp_store_release(&pool->dev_data, data);
}

static void *mpool_dev_data(const struct mpool *pool)
{
	/* Pairs with mpool_set_dev_data(). */
	return smp_load_acquire(&pool->dev_data);
}

/*
 * The device's owner lookup: set by the module's init before any pool
 * exists, cleared at its exit after the last pool is gone, so read
 * without a lock.  NULL: no owners.
 */
static bool (*mpool_block_owner_fn)(void *dev_data, unsigned int index,
				    pid_t *pid, char *comm, bool *given);

void mpool_set_block_owner_fn(bool (*fn)(void *dev_data, unsigned int index,
					 pid_t *pid, char *comm, bool *given))
{
	mpool_block_owner_fn = fn;
}

bool mpool_block_owner(struct mpool *pool, unsigned int index, pid_t *pid,
		       char *comm, bool *given)
{
	void *dev_data = mpool_dev_data(pool);

	return dev_data && mpool_block_owner_fn &&
	       mpool_block_owner_fn(dev_data, index, pid, comm, given);
}

u64 mpool_block_offset(struct mpool *pool, const void *block)
{
	return (unsigned long)block - (unsigned long)pool->base;
}
EXPORT_SYMBOL_IF_KUNIT(mpool_block_offset);

/*
 * Copies between @buf and [pos, pos + len) of an allocated block, under the
 * pool lock, so that without MPOOL_F_PERCPU the block cannot be freed and
 * reused meanwhile; a free between two pages ends the copy with -ENXIO.
 */
static int mpool_copy_block(struct mpool *pool, void *block, size_t pos,
			    void *buf, size_t len, bool to_block)
{
	unsigned long irqflags;
	long idx = mpool_index(pool, block);
	size_t done, n;

	if (idx < 0)
		return idx;
	if (!len || pos > pool->block_size || len > pool->block_size - pos)
		return -EINVAL;
	/* A page at a time, so that interrupts are never off for long. */
	for (done = 0; done < len; done += n) {
		n = min_t(size_t, len - done, PAGE_SIZE);
		raw_spin_lock_irqsave(&pool->lock, irqflags);
		if (!*mpool_live(pool, idx)) {
			raw_spin_unlock_irqrestore(&pool->lock, irqflags);
			return -ENXIO;
		}
		if (to_block)
			memcpy(block + pos + done, buf + done, n);
		else
			memcpy(buf + done, block + pos + done, n);
		raw_spin_unlock_irqrestore(&pool->lock, irqflags);
	}
	return 0;
}

int mpool_copy_to_block(struct mpool *pool, void *block, size_t pos,
			const void *src, size_t len)
{
	return mpool_copy_block(pool, block, pos, (void *)src, len, true);
}
EXPORT_SYMBOL_IF_KUNIT(mpool_copy_to_block);

int mpool_copy_from_block(struct mpool *pool, const void *block, size_t pos,
			  void *dst, size_t len)
{
	return mpool_copy_block(pool, (void *)block, pos, dst, len, false);
}
EXPORT_SYMBOL_IF_KUNIT(mpool_copy_from_block);

void mpool_get_stats(struct mpool *pool, struct mpool_stats *stats)
{
	unsigned int cpu, quarantined;
	unsigned long irqflags;

	/*
	 * Refills and drains move blocks between the shared stack and the
	 * caches under the lock: summing under it counts each batch once.
	 */
	raw_spin_lock_irqsave(&pool->lock, irqflags);
	*stats = pool->stats;
	stats->blocks_free = pool->nr_free;
	quarantined = pool->qlen;
	for_each_possible_cpu(cpu) {
		struct mpool_pcp *pcp;

		if (!pool->pcp)
			break;
		pcp = per_cpu_ptr(pool->pcp, cpu);
		stats->blocks_free += mpool_pcp_count(pcp);
		stats->allocs += READ_ONCE(pcp->allocs);
		stats->frees += READ_ONCE(pcp->frees);
	}
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);

	stats->block_size = pool->block_size;
	stats->stride = pool->stride;
	stats->align = pool->align;
	stats->flags = pool->flags &
		       ~(MPOOL_F_QUIET | MPOOL_F_USER | MPOOL_F_QUARANTINE);
	stats->blocks_total = pool->nr_blocks;
	/*
	 * A CPU between taking a block from its cache and storing the count
	 * back still shows the block as cached, so blocks_free may exceed the
	 * truth by one per CPU allocating at this instant.  It never exceeds
	 * the pool: free + in use + in quarantine is always the total.
	 * Blocks in quarantine (mempool_debug.c) are neither.
	 */
	stats->blocks_free = min(stats->blocks_free,
				 stats->blocks_total - quarantined);
	stats->blocks_in_use = stats->blocks_total - stats->blocks_free -
			       quarantined;
	stats->quarantined = quarantined;
}
EXPORT_SYMBOL_GPL(mpool_get_stats);

unsigned int mpool_blocks_free(struct mpool *pool)
{
	struct mpool_stats st;

	/* One word: a plain pool needs no lock (the low watermark's path). */
	if (!pool->pcp)
		return READ_ONCE(pool->nr_free);
	mpool_get_stats(pool, &st);
	return st.blocks_free;
}

void mpool_reset_stats(struct mpool *pool)
{
	unsigned long irqflags;
	unsigned int cpu;
	u64 reserved;

	raw_spin_lock_irqsave(&pool->lock, irqflags);
	/* Under the lock: a debug mode switched on adds to it there. */
	reserved = pool->stats.bytes_reserved;
	memset(&pool->stats, 0, sizeof(pool->stats));
	pool->stats.bytes_reserved = reserved;
	pool->stats.high_watermark = pool->nr_blocks - pool->nr_free -
				     pool->qlen;
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
	/* Other CPUs may be counting meanwhile: exact only when idle. */
	for_each_possible_cpu(cpu) {
		if (!pool->pcp)
			break;
		WRITE_ONCE(per_cpu_ptr(pool->pcp, cpu)->allocs, 0);
		WRITE_ONCE(per_cpu_ptr(pool->pcp, cpu)->frees, 0);
	}
}
EXPORT_SYMBOL_GPL(mpool_reset_stats);

int mpool_next_live(struct mpool *pool, unsigned int *index,
		    unsigned long *caller)
{
	unsigned long irqflags, *callers;
	unsigned int i;

	/* Scan without the lock: a long walk must not keep interrupts off. */
	for (i = *index; i < pool->nr_blocks; i++)
		if (READ_ONCE(*mpool_live(pool, i)))
			break;
	if (i >= pool->nr_blocks)
		return -ENOENT;

	raw_spin_lock_irqsave(&pool->lock, irqflags);
	*index = i;
	callers = READ_ONCE(pool->callers);
	*caller = callers ? callers[i] : 0;
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mpool_next_live);

const char *mpool_name(const struct mpool *pool)
{
	return pool->name;
}

size_t mpool_block_size(const struct mpool *pool)
{
	return pool->block_size;
}

/*
 * The region's first byte, for mapping it into userspace; the pages it
 * spans run to PAGE_ALIGN(mpool_region_size()), zero past the last block.
 */
void *mpool_region_base(const struct mpool *pool)
{
	return pool->base;
}

size_t mpool_region_size(const struct mpool *pool)
{
	return pool->region_size;
}

unsigned int mpool_flags(const struct mpool *pool)
{
	return pool->flags;
}
