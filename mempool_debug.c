// SPDX-License-Identifier: GPL-2.0
/*
 * A pool's debug modes, switched on a live pool (debugfs "debug", root
 * only): poisoning (MPOOL_F_POISON), caller tracking (MPOOL_F_TRACK) and
 * the quarantine, for kernel users' pools and the device's alike.
 *
 * Switching is safe with blocks out and frees in flight.  Tracking starts
 * with every caller unknown (0): blocks allocated before it have none.
 * Poisoning checks only blocks poisoned at their free (the pool's
 * poisoned bytes), so blocks freed before it are not checked.  The
 * arrays a mode needs are allocated when it is first switched on and
 * kept, counted in bytes_reserved, until the pool is freed; a userspace
 * pool's count against max_bytes too (any writer of the device may
 * switch modes), all but the quarantine's ring (4 bytes a quarantined
 * block, fewer than the pool's blocks).
 *
 * The quarantine: a freed block waits, poisoned, in a FIFO of N blocks
 * before it goes back on the shared stack; when it leaves (pushed out by
 * a newer one, the quarantine shortened or switched off, or the pool
 * destroyed), any byte changed since its free is reported with the pool,
 * the offset, the freeing caller and, while tracking, the allocating
 * one, as slab's quarantine and KFENCE do (a quiet pool, whose user may
 * not flood the kernel log, reports its first only).  Blocks in the quarantine are
 * neither free nor allocated (nor counted either way in the statistics),
 * the pool has up to N blocks fewer to hand out, and a free of one is a
 * double free.  Frees go through the pool lock while it is on, per-CPU caches
 * or not.
 */
#include <linux/minmax.h>
#include <linux/bitops.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "mempool_core.h"
#include "mempool_internal.h"

/* Serializes mode changes: one writer at a time, on any pool. */
static DEFINE_MUTEX(mpool_debug_lock);

/* Bit of pool->reported: a quiet pool logged its one use after free. */
#define MPOOL_REPORTED_QUARANTINE	1
/*
 * And quiet pools together log at most one every 5 s: anyone who may
 * write to the device can make new pools, each with its first report.
 */
static DEFINE_RATELIMIT_STATE(mpool_quiet_reports, 5 * HZ, 1);

/*
 * The report of a block written in quarantine: @byte of it holds @value;
 * @alloc_caller is 0 when not tracking, or allocated before tracking.
 * A quiet pool reports too, since the quarantine was switched on to get
 * this report, but only its first: its user may write into freed blocks
 * through a writable mapping as often as it likes; the others are only
 * counted (poison_errors).
 */
static void mpool_quarantine_report(struct mpool *pool, u32 idx, size_t byte,
				    u8 value, unsigned long alloc_caller)
{
	size_t off = (size_t)idx * pool->stride;
	void *freer = (void *)pool->freers[idx];

	if (!(pool->flags & MPOOL_F_QUIET)) {
		/* An error, as slab's and KFENCE's reports are. */
		if (alloc_caller)
			pr_err("pool %s: use after free: block at offset %zu written in quarantine at byte %zu (0x%02x); freed by %pS, allocated by %pS\n",
			       pool->name, off, byte, value, freer,
			       (void *)alloc_caller);
		else
			pr_err("pool %s: use after free: block at offset %zu written in quarantine at byte %zu (0x%02x); freed by %pS, allocated by an unknown caller (not tracked)\n",
			       pool->name, off, byte, value, freer);
		return;
	}
	/*
	 * A notice: what a user did to its own blocks, nothing wrong with
	 * the kernel (no user's action may log a warning).
	 */
	if (test_and_set_bit(MPOOL_REPORTED_QUARANTINE, &pool->reported) ||
	    !__ratelimit(&mpool_quiet_reports))
		return;
	if (alloc_caller)
		pr_notice("pool %s: use after free: block at offset %zu written in quarantine at byte %zu (0x%02x); freed by %pS, allocated by %pS\n",
			  pool->name, off, byte, value, freer,
			  (void *)alloc_caller);
	else
		pr_notice("pool %s: use after free: block at offset %zu written in quarantine at byte %zu (0x%02x); freed by %pS, allocated by an unknown caller (not tracked)\n",
			  pool->name, off, byte, value, freer);
}

/*
 * Block @idx leaves the quarantine: reports any byte changed since its
 * free, then pushes it on the shared stack.  Ours alone meanwhile.
 */
static void mpool_quarantine_release(struct mpool *pool, u32 idx)
{
	void *block = pool->base + (size_t)idx * pool->stride;
	u8 *bad = memchr_inv(block, MPOOL_POISON_BYTE, pool->block_size);
	unsigned long *callers = READ_ONCE(pool->callers);
	unsigned long irqflags;

	if (bad) {
		/* Reported once here: not again when it is allocated. */
		if (pool->poisoned)
			WRITE_ONCE(pool->poisoned[idx], 0);
		mpool_quarantine_report(pool, idx, bad - (u8 *)block, *bad,
					callers ? callers[idx] : 0);
	}
	raw_spin_lock_irqsave(&pool->lock, irqflags);
	if (bad)
		pool->stats.poison_errors++;
	pool->free_stack[pool->nr_free++] = idx;
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
}

long mpool_quarantine(struct mpool *pool, void *block, long idx,
		      unsigned long caller)
{
	unsigned long irqflags;
	long out = -1;

	mpool_poison_block(pool, block, idx);
	raw_spin_lock_irqsave(&pool->lock, irqflags);
	pool->stats.frees++;
	pool->freers[idx] = caller;
	if (!(pool->flags & MPOOL_F_QUARANTINE)) {
		/* Switched off since the caller looked. */
		pool->free_stack[pool->nr_free++] = idx;
	} else {
		if (pool->qlen == pool->qsize) {
			out = pool->qring[pool->qhead];
			pool->qhead = (pool->qhead + 1) % pool->qsize;
			pool->qlen--;
		}
		pool->qring[(pool->qhead + pool->qlen) % pool->qsize] = idx;
		pool->qlen++;
	}
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
	if (out >= 0)
		mpool_quarantine_release(pool, out);
	return idx;
}

/*
 * Makes the quarantine @n long (@ring, @n entries, or NULL for none), its
 * newest blocks staying; the others leave it, checked.
 */
static void mpool_quarantine_resize(struct mpool *pool, u32 *ring,
				    unsigned int n)
{
	unsigned int i, keep, excess, head, size;
	unsigned long irqflags;
	u32 *old;

	raw_spin_lock_irqsave(&pool->lock, irqflags);
	old = pool->qring;
	size = pool->qsize;
	head = pool->qhead;
	keep = min(pool->qlen, n);
	excess = pool->qlen - keep;
	if (keep) {
		/* Interrupts are off: two spans, not an index per entry. */
		unsigned int from = (head + excess) % size;
		unsigned int span = min(keep, size - from);

		memcpy(ring, old + from, span * sizeof(*ring));
		memcpy(ring + span, old, (keep - span) * sizeof(*ring));
	}
	pool->qring = ring;
	pool->qsize = n;
	pool->qhead = 0;
	pool->qlen = keep;
	WRITE_ONCE(pool->flags, n ? pool->flags | MPOOL_F_QUARANTINE :
			 pool->flags & ~MPOOL_F_QUARANTINE);
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
	/* Out of every list, the excess is ours until released. */
	for (i = 0; i < excess; i++)
		mpool_quarantine_release(pool, old[(head + i) % size]);
	/* As a free does: those blocks are free now. */
	if (excess && atomic_read(&pool->nr_waiters))
		wake_up(&pool->wait);
	kvfree(old);
}

void mpool_debug_flush(struct mpool *pool)
{
	if (pool->qring)
		mpool_quarantine_resize(pool, NULL, 0);
}

void mpool_debug_free(struct mpool *pool)
{
	kvfree(pool->qring);
	kvfree(pool->freers);
	kvfree(pool->poisoned);
}

void mpool_debug_get(struct mpool *pool, struct mpool_debug_modes *m)
{
	unsigned int flags = READ_ONCE(pool->flags);

	m->poison = !!(flags & MPOOL_F_POISON);
	m->track = !!(flags & MPOOL_F_TRACK);
	m->quarantine = READ_ONCE(pool->qsize);
}
EXPORT_SYMBOL_IF_KUNIT(mpool_debug_get);

/* Sets or clears @flag in the pool's flags, ordered by the pool lock. */
static void mpool_debug_flag(struct mpool *pool, unsigned int flag, bool on)
{
	unsigned long irqflags;

	raw_spin_lock_irqsave(&pool->lock, irqflags);
	WRITE_ONCE(pool->flags, on ? pool->flags | flag : pool->flags & ~flag);
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
}

static void mpool_debug_reserve(struct mpool *pool, size_t bytes)
{
	unsigned long irqflags;

	raw_spin_lock_irqsave(&pool->lock, irqflags);
	pool->stats.bytes_reserved += bytes;
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
}

/*
 * mpool_debug_set - switch a live pool's debug modes
 * @pool: the pool
 * @m: the modes to change; -1 leaves one as it is
 *
 * All or nothing: -EINVAL for a value out of range (a quarantine of
 * @pool's blocks or more, or over MPOOL_QUARANTINE_MAX), -ENOMEM when an
 * array a mode needs cannot be had, -EDQUOT when a userspace pool's
 * arrays would pass max_bytes; either way nothing changed.
 *
 * Context: process context; sleeps.
 */
int mpool_debug_set(struct mpool *pool, const struct mpool_debug_modes *m)
{
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN |
		    (pool->flags & MPOOL_F_USER ? __GFP_ACCOUNT : 0);
	unsigned int n = pool->nr_blocks;
	unsigned long *callers = NULL, *freers = NULL;
	size_t reserved = 0;
	u8 *poisoned = NULL;
	u32 *ring = NULL;
	int ret = 0;

	if (m->poison > 1 || m->poison < -1 || m->track > 1 ||
	    m->track < -1 || m->quarantine < -1 ||
	    m->quarantine > MPOOL_QUARANTINE_MAX ||
	    (m->quarantine > 0 && m->quarantine >= n))
		return -EINVAL;

	mutex_lock(&mpool_debug_lock);
	/* Every array first, so that a failure changes nothing. */
	if ((m->poison == 1 || m->quarantine > 0) && !pool->poisoned) {
		poisoned = kvcalloc(n, 1, gfp);
		reserved += n;
	}
	if (m->track == 1 && !pool->callers_mem) {
		callers = kvcalloc(n, sizeof(*callers), gfp);
		reserved += array_size(n, sizeof(*callers));
	}
	if (m->quarantine > 0) {
		ring = kvmalloc_array(m->quarantine, sizeof(*ring), gfp);
		if (!pool->freers) {
			freers = kvcalloc(n, sizeof(*freers), gfp);
			reserved += array_size(n, sizeof(*freers));
		}
	}
	if ((m->poison == 1 || m->quarantine > 0) && !pool->poisoned &&
	    !poisoned)
		goto nomem;
	if (m->track == 1 && !pool->callers_mem && !callers)
		goto nomem;
	if (m->quarantine > 0 && (!ring || (!pool->freers && !freers)))
		goto nomem;
	/* A userspace pool's arrays count against max_bytes, as its region. */
	ret = mpool_charge_more(pool, reserved);
	if (ret)
		goto undo;

	if (poisoned)
		WRITE_ONCE(pool->poisoned, poisoned);
	if (freers)
		pool->freers = freers;
	if (reserved)
		mpool_debug_reserve(pool, reserved);

	if (m->poison == 1 && !(pool->flags & MPOOL_F_POISON)) {
		/* Off until now: no block is known to hold poison. */
		memset(pool->poisoned, 0, n);
		mpool_debug_flag(pool, MPOOL_F_POISON, true);
	} else if (!m->poison) {
		mpool_debug_flag(pool, MPOOL_F_POISON, false);
	}

	if (m->track == 1 && !(pool->flags & MPOOL_F_TRACK)) {
		if (callers)
			pool->callers_mem = callers;
		else	/* callers of an earlier tracking: not these blocks' */
			memset(pool->callers_mem, 0, n * sizeof(*callers));
		WRITE_ONCE(pool->callers, pool->callers_mem);
		mpool_debug_flag(pool, MPOOL_F_TRACK, true);
	} else if (!m->track) {
		mpool_debug_flag(pool, MPOOL_F_TRACK, false);
		WRITE_ONCE(pool->callers, NULL);
	}

	if (m->quarantine >= 0 && m->quarantine != pool->qsize)
		mpool_quarantine_resize(pool, ring, m->quarantine);
	else
		kvfree(ring);
	goto out;

nomem:
	ret = -ENOMEM;
undo:
	kvfree(ring);
	kvfree(freers);
	kvfree(callers);
	kvfree(poisoned);
out:
	mutex_unlock(&mpool_debug_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(mpool_debug_set);
