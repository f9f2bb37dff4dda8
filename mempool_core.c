// SPDX-License-Identifier: GPL-2.0
/*
 * mpool engine: named pools of fixed-size blocks.
 *
 * A pool is one vmalloc'd region cut into nr_blocks blocks, stride bytes
 * apart, and a stack of the indices of the free blocks.  Allocation pops an
 * index, free pushes one: O(1) either way, under pool->lock, which disables
 * interrupts so that the pool can be used from hardirq context.
 *
 * Nothing about a block is stored inside it.  The free stack, a byte per
 * block saying whether it is live, and (with MPOOL_F_TRACK) the allocating
 * caller of each block live in separate arrays, so a write into a free
 * block cannot corrupt the pool, and every free is checked against the live
 * bytes: a pointer outside the region, inside a block, or to a block that
 * is not allocated is refused and counted, and the pool is left as it was.
 *
 * Named pools are registered (mempool_registry.c), so that names are
 * unique, userspace's pools are capped by max_bytes, and debugfs and the
 * device can list them.
 *
 * Reading a pool without changing it (statistics, the live-block walk,
 * copies into and out of live blocks) is in mempool_inspect.c.  The
 * exported functions are documented (kernel-doc) in include/mpool.h.
 */
#include <linux/align.h>
#include <linux/bitops.h>
#include <linux/cpuhotplug.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include "mempool_core.h"
#include "mempool_internal.h"
#include "trace/events/mempool.h"

static enum cpuhp_state mpool_cpuhp_state;

/*
 * Under MPOOL_F_PERCPU, CPUs write the live bytes of their own blocks
 * without a lock.  Blocks move in batches of MPOOL_PCP_BATCH (16)
 * consecutive indices at first, so one live byte every 8 bytes gives each
 * batch 128 bytes of its own: a pair of cache lines, which is what
 * adjacent-line prefetchers fetch together.  Two CPUs then do not bounce a
 * line between them on every alloc and free.  The benchmark measured it:
 * pair throughput at 2 CPUs over 1 CPU was about 1.05 with a byte per
 * block, 1.1 with 4 bytes, 1.85 with 8.
 */
static unsigned int mpool_live_shift(unsigned int flags)
{
	return flags & MPOOL_F_PERCPU ? 3 : 0;
}

/* Saturates at SIZE_MAX, which the caller's overflow check refuses. */
static size_t mpool_metadata_bytes(unsigned int nr_blocks, unsigned int flags)
{
	size_t per_block = sizeof(u32) + (1 << mpool_live_shift(flags));
	size_t fixed = sizeof(struct mpool);

	if (flags & MPOOL_F_TRACK)
		per_block += sizeof(unsigned long);
	if (flags & MPOOL_F_POISON)
		per_block += 1;
	/* The device layer's generation and owner of each block. */
	if (flags & MPOOL_F_USER)
		per_block += MPOOL_DEV_BLOCK_BYTES;
	if (flags & MPOOL_F_PERCPU)
		fixed = size_add(fixed, array_size(num_possible_cpus(),
						   sizeof(struct mpool_pcp)));
	return size_add(fixed, array_size(per_block, nr_blocks));
}

/*
 * Frees whatever a pool has; copes with a half-built one.  The budget goes
 * with the memory, and not before it: until then the pool counts against
 * max_bytes, however long ago it was unlisted.
 */
static void mpool_free_memory(struct mpool *pool)
{
	free_percpu(pool->pcp);
	mpool_debug_free(pool);
	kvfree(pool->callers_mem);
	kvfree(pool->live);
	kvfree(pool->free_stack);
	vfree(pool->base);
	mpool_uncharge(pool);
	kfree(pool);
}

/*
 * User-sized allocations must not warn when they fail: an unprivileged
 * request is not a kernel bug.
 */
#define MPOOL_GFP (GFP_KERNEL | __GFP_NOWARN)

/* Userspace's pools are charged to the creator's memory cgroup too. */
static gfp_t mpool_gfp(unsigned int flags)
{
	return flags & MPOOL_F_USER ? MPOOL_GFP | __GFP_ACCOUNT : MPOOL_GFP;
}

/*
 * Fills each block of a poisoning pool with poison, and nothing else: the
 * bytes between blocks and after the last one stay zero.
 */
static void mpool_poison_all(struct mpool *pool)
{
	unsigned int i;

	if (pool->stride == pool->block_size) {
		memset(pool->base, MPOOL_POISON_BYTE, pool->region_size);
		return;
	}
	for (i = 0; i < pool->nr_blocks; i++) {
		memset(pool->base + (size_t)i * pool->stride, MPOOL_POISON_BYTE,
		       pool->block_size);
		if (!(i % 1024))
			cond_resched();
	}
}

static int mpool_alloc_memory(struct mpool *pool, size_t region)
{
	unsigned int i, n = pool->nr_blocks;
	gfp_t gfp = mpool_gfp(pool->flags);

	/*
	 * Zeroed: the pages may hold anything their last user left there,
	 * and neither READ of a fresh block nor a mapping of the region may
	 * show it to userspace.  Whole pages, all of them asked for, so that
	 * the tail after the last block is cleared too (KASAN would flag a
	 * memset past the size asked for).
	 */
	pool->base = __vmalloc(PAGE_ALIGN(region), gfp | __GFP_ZERO);
	pool->free_stack = kvmalloc_array(n, sizeof(u32), gfp);
	pool->live = kvcalloc(n, 1 << pool->live_shift, gfp);
	if (pool->flags & MPOOL_F_TRACK)
		pool->callers = kvcalloc(n, sizeof(unsigned long), gfp);
	pool->callers_mem = pool->callers;
	if (pool->flags & MPOOL_F_POISON)
		pool->poisoned = kvmalloc_array(n, 1, gfp);
	if (pool->flags & MPOOL_F_PERCPU)
		pool->pcp = alloc_percpu_gfp(struct mpool_pcp, gfp);
	if (!pool->base || !pool->free_stack || !pool->live ||
	    ((pool->flags & MPOOL_F_TRACK) && !pool->callers) ||
	    ((pool->flags & MPOOL_F_POISON) && !pool->poisoned) ||
	    ((pool->flags & MPOOL_F_PERCPU) && !pool->pcp))
		return -ENOMEM;

	/* Hand out block 0 first: the stack's top is its last entry. */
	for (i = 0; i < n; i++)
		pool->free_stack[i] = n - 1 - i;
	pool->nr_free = n;
	/* A free block of a poisoning pool holds poison, a fresh one too. */
	if (pool->flags & MPOOL_F_POISON) {
		mpool_poison_all(pool);
		memset(pool->poisoned, 1, n);
	}
	return 0;
}

/*
 * Creates a pool; @flags may hold MPOOL_F_USER, which charges the pool to
 * max_bytes.  A NULL @name makes an anonymous pool: in no name space, no
 * listing and no debugfs directory.
 */
static struct mpool *__mpool_create(const char *name, size_t block_size,
				    unsigned int nr_blocks, size_t align,
				    unsigned int flags)
{
	size_t stride, region, metadata, total;
	struct mpool *pool;
	int ret;

	if (!align)
		align = MPOOL_DEFAULT_ALIGN;
	if (!block_size || !nr_blocks || !is_power_of_2(align) ||
	    align > PAGE_SIZE)
		return ERR_PTR(-EINVAL);
	if (name && strnlen(name, MPOOL_NAME_MAX) >= MPOOL_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	if (name && !mpool_name_valid(name))
		return ERR_PTR(-EINVAL);
	if (check_add_overflow(block_size, align - 1, &stride))
		return ERR_PTR(-EOVERFLOW);
	stride = ALIGN_DOWN(stride, align);
	/*
	 * Charge what the pool really holds: whole pages of region, and of
	 * metadata, which is never smaller than a page of bookkeeping.
	 */
	metadata = mpool_metadata_bytes(nr_blocks, flags);
	if (check_mul_overflow(stride, (size_t)nr_blocks, &region) ||
	    region > SIZE_MAX - PAGE_SIZE ||
	    metadata > SIZE_MAX - PAGE_SIZE ||
	    check_add_overflow(PAGE_ALIGN(region), PAGE_ALIGN(metadata),
			       &total))
		return ERR_PTR(-EOVERFLOW);
	if ((flags & MPOOL_F_USER) && region > MPOOL_USER_REGION_MAX)
		return ERR_PTR(-EOVERFLOW);

	pool = kzalloc(sizeof(*pool), mpool_gfp(flags));
	if (!pool)
		return ERR_PTR(-ENOMEM);
	raw_spin_lock_init(&pool->lock);
	init_waitqueue_head(&pool->wait);
	INIT_LIST_HEAD(&pool->node);
	/* Not a valid name: for the kernel log only, never looked up. */
	strscpy(pool->name, name ?: "(anonymous)", sizeof(pool->name));
	pool->block_size = block_size;
	pool->stride = stride;
	pool->stride_shift = is_power_of_2(stride) ? ilog2(stride) : -1;
	pool->live_shift = mpool_live_shift(flags);
	pool->region_size = region;
	pool->align = align;
	pool->nr_blocks = nr_blocks;
	pool->flags = flags;
	pool->stats.bytes_reserved = total;

	/* Claim the name and the budget first, so no memory is spent on a
	 * pool that cannot exist.
	 */
	ret = mpool_register(pool, name, flags & MPOOL_F_USER ? total : 0);
	if (ret)
		goto err_free;

	ret = mpool_alloc_memory(pool, region);
	if (ret)
		goto err_unlist;
	if (pool->pcp) {
		ret = cpuhp_state_add_instance_nocalls(mpool_cpuhp_state,
						       &pool->cpuhp);
		if (ret)
			goto err_unlist;
	}
	if (name) {
		ret = mpool_view_add(pool, name, &pool->view);
		if (ret)
			goto err_cpuhp;
	}
	mpool_publish(pool);
	trace_pool_create(pool);
	return pool;

err_cpuhp:
	if (pool->pcp)
		cpuhp_state_remove_instance_nocalls(mpool_cpuhp_state,
						    &pool->cpuhp);
err_unlist:
	mpool_unlist(pool);
err_free:
	mpool_free_memory(pool);
	return ERR_PTR(ret);
}

struct mpool *mpool_create(const char *name, size_t block_size,
			   unsigned int nr_blocks, size_t align,
			   unsigned int flags)
{
	if (flags & ~MPOOL_F_ALL)
		return ERR_PTR(-EINVAL);
	return __mpool_create(name, block_size, nr_blocks, align, flags);
}
EXPORT_SYMBOL_GPL(mpool_create);

/**
 * mpool_create_user - create a pool on behalf of userspace
 * @name: as mpool_create(), but not NULL
 * @block_size: as mpool_create()
 * @nr_blocks: as mpool_create()
 * @align: as mpool_create()
 * @flags: as mpool_create(), and MPOOL_F_MAP_WRITE
 *
 * Like mpool_create(), but the pool counts against the max_bytes and
 * max_pools module parameters, so that userspace cannot take the memory kernel users of the
 * module need.
 *
 * Context: process context; sleeps.
 * Return: as mpool_create(); -EDQUOT when the pools created through this
 * function would reserve more than max_bytes together; -ENOSPC when
 * max_pools of them exist; -EOVERFLOW when the region would pass
 * MPOOL_USER_REGION_MAX.
 */
struct mpool *mpool_create_user(const char *name, size_t block_size,
				unsigned int nr_blocks, size_t align,
				unsigned int flags)
{
	if (!name || (flags & ~(MPOOL_F_ALL | MPOOL_F_MAP_WRITE)))
		return ERR_PTR(-EINVAL);
	return __mpool_create(name, block_size, nr_blocks, align,
			      flags | MPOOL_F_USER);
}
EXPORT_SYMBOL_IF_KUNIT(mpool_create_user);

/*
 * Per-CPU caches (MPOOL_F_PERCPU).  A cache is only touched by its own CPU
 * with preemption off and MPOOL_PCP_BUSY set, so its fast path needs
 * neither lock nor atomic; the pool lock is taken to move MPOOL_PCP_BATCH
 * blocks between a cache and the shared stack.  Blocks keep LIFO order
 * both ways.
 */

static void *mpool_take(struct mpool *pool, unsigned long caller);
static void mpool_push(struct mpool *pool, u32 idx);

/* A sleeping allocation's round of drain IPIs. */
struct mpool_drain_req {
	struct mpool *pool;
	unsigned int ipis;	/* CPUs sent the IPI */
};

/*
 * Fills the empty cache @pcp with up to MPOOL_PCP_BATCH blocks from the
 * shared stack; returns how many.  The count changes under the lock, so
 * mpool_get_stats() sees no batch twice or not at all.
 */
static noinline unsigned int mpool_refill(struct mpool *pool,
					  struct mpool_pcp *pcp)
{
	unsigned int taken, n = MPOOL_PCP_BATCH;
	unsigned long irqflags;

	raw_spin_lock_irqsave(&pool->lock, irqflags);
	/* Leave the rest to the sleepers: they cannot see this cache. */
	if (atomic_read(&pool->nr_waiters))
		n = 1;
	n = min(n, pool->nr_free);
	pool->nr_free -= n;
	memcpy(pcp->idx, &pool->free_stack[pool->nr_free], n * sizeof(u32));
	WRITE_ONCE(pcp->state, pcp->state + n);
	/* Blocks in quarantine (mempool_debug.c) are not in use. */
	taken = pool->nr_blocks - pool->nr_free - pool->qlen;
	if (taken > pool->stats.high_watermark)
		pool->stats.high_watermark = taken;
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
	return n;
}

/*
 * Moves the @n blocks at the bottom of @pcp to the shared stack; returns
 * how many stay.  The busy flag, if set, stays set.
 */
static noinline unsigned int mpool_drain(struct mpool *pool,
					 struct mpool_pcp *pcp, unsigned int n)
{
	unsigned long irqflags;
	unsigned int left;

	raw_spin_lock_irqsave(&pool->lock, irqflags);
	memcpy(&pool->free_stack[pool->nr_free], pcp->idx, n * sizeof(u32));
	pool->nr_free += n;
	left = mpool_pcp_count(pcp) - n;
	memmove(pcp->idx, &pcp->idx[n], left * sizeof(u32));
	WRITE_ONCE(pcp->state, pcp->state - n);
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
	return left;
}

/*
 * Whether a sleeping allocation must send @cpu the drain IPI: its cache
 * holds blocks, or its CPU is using it.  A CPU whose cache is empty and
 * idle is skipped, so a caller that sleeps again and again on an
 * exhausted pool (a 1 ms timeout in a loop) interrupts nobody.
 *
 * Skipping is safe: a CPU that starts using its cache after this look
 * sees nr_waiters when it leaves, and drains.  Both sides store, then
 * load the other's word, with a full barrier between: the sleeper's
 * smp_mb__after_atomic() after raising nr_waiters; a free's xchg() of the
 * live byte, or smp_mb() on a poisoning pool, after claiming the cache
 * (mpool_put_cached()); a refill's pool lock.
 * So either this look sees the cache busy or full, or that CPU sees the
 * sleeper.
 */
static bool mpool_drain_needed(int cpu, void *arg)
{
	struct mpool_drain_req *req = arg;

	if (!READ_ONCE(per_cpu_ptr(req->pool->pcp, cpu)->state))
		return false;
	req->ipis++;
	return true;
}

/*
 * IPI handler: empties this CPU's cache, for a sleeping allocation.  If it
 * interrupted this CPU's own use of the cache, the owner drains the cache
 * as it leaves: it sees nr_waiters by then.
 */
static void mpool_drain_local(void *arg)
{
	struct mpool *pool = ((struct mpool_drain_req *)arg)->pool;
	struct mpool_pcp *pcp = this_cpu_ptr(pool->pcp);
	unsigned int state = READ_ONCE(pcp->state);

	if (!(state & MPOOL_PCP_BUSY))
		mpool_drain(pool, pcp, state);
}

/* The CPU is dead: nobody else can touch its cache. */
static int mpool_cpu_dead(unsigned int cpu, struct hlist_node *node)
{
	struct mpool *pool = hlist_entry_safe(node, struct mpool, cpuhp);
	struct mpool_pcp *pcp = per_cpu_ptr(pool->pcp, cpu);

	mpool_drain(pool, pcp, mpool_pcp_count(pcp));
	/* A sleeper's drain IPI no longer reached this CPU. */
	if (atomic_read(&pool->nr_waiters))
		wake_up(&pool->wait);
	return 0;
}

/* Blocks sitting in per-CPU caches; a snapshot while the pool is busy. */
static unsigned int mpool_cached(struct mpool *pool)
{
	unsigned int cpu, n = 0;

	if (!pool->pcp)
		return 0;
	for_each_possible_cpu(cpu)
		n += mpool_pcp_count(per_cpu_ptr(pool->pcp, cpu));
	return n;
}

int mpool_cpuhp_init(void)
{
	int ret = cpuhp_setup_state_multi(CPUHP_BP_PREPARE_DYN, "mempool:dead",
					  NULL, mpool_cpu_dead);

	if (ret < 0)
		return ret;
	mpool_cpuhp_state = ret;
	return 0;
}

void mpool_cpuhp_exit(void)
{
	cpuhp_remove_multi_state(mpool_cpuhp_state);
}

/* How many live blocks destroy names before it summarises. */
#define MPOOL_REPORT_MAX 16

static void mpool_report_leaks(struct mpool *pool, unsigned int in_use)
{
	unsigned int i, shown = 0;

	pr_warn("pool %s destroyed with %u of %u blocks still allocated\n",
		pool->name, in_use, pool->nr_blocks);
	for (i = 0; i < pool->nr_blocks && shown < MPOOL_REPORT_MAX; i++) {
		if (!*mpool_live(pool, i))
			continue;
		shown++;
		/* 0: allocated before "+track" */
		if (pool->callers && pool->callers[i])
			pr_warn("pool %s: block at offset %zu allocated by %pS\n",
				pool->name, (size_t)i * pool->stride,
				(void *)pool->callers[i]);
		else
			pr_warn("pool %s: block at offset %zu still allocated\n",
				pool->name, (size_t)i * pool->stride);
	}
	if (in_use > shown)
		pr_warn("pool %s: %u more blocks not shown\n", pool->name,
			in_use - shown);
}

/**
 * mpool_unpublish - take a pool out of every view before it is freed
 * @pool: the pool
 *
 * Its debugfs directory goes, its name is free for a new pool, and
 * listings and lookups no longer find it.  Its memory stays until
 * mpool_destroy(), for users still holding it, and so does its charge
 * against max_bytes and max_pools: /sys/kernel/debug/mempool/budget
 * counts it among the destroyed pools meanwhile.  Called again by
 * mpool_destroy(), where it does nothing more.
 *
 * Context: process context; sleeps.
 */
void mpool_unpublish(struct mpool *pool)
{
	mpool_view_remove(pool->view);
	pool->view = NULL;
	mpool_unlist(pool);
}
EXPORT_SYMBOL_IF_KUNIT(mpool_unpublish);

void mpool_destroy(struct mpool *pool)
{
	unsigned int in_use;

	if (!pool)
		return;
	mpool_unpublish(pool);
	if (pool->pcp)
		cpuhp_state_remove_instance_nocalls(mpool_cpuhp_state,
						    &pool->cpuhp);

	/* Its blocks are checked and freed: they are not leaks. */
	mpool_debug_flush(pool);
	in_use = pool->nr_blocks - pool->nr_free - mpool_cached(pool);
	trace_pool_destroy(pool, in_use);
	if (in_use && !(pool->flags & MPOOL_F_QUIET))
		mpool_report_leaks(pool, in_use);
	/* Gives back the budget too. */
	mpool_free_memory(pool);
}
EXPORT_SYMBOL_GPL(mpool_destroy);

/* Reports the first misuse of a pool, with a stack trace, and no other. */
static void mpool_report_once(struct mpool *pool, const char *what,
			      const void *addr)
{
	if (pool->flags & MPOOL_F_QUIET)
		return;
	if (test_and_set_bit(0, &pool->reported))
		return;
	pr_err("pool %s: %s: offset %ld from the region's start (%u blocks, %zu bytes apart); further errors are only counted\n",
	       pool->name, what, (long)(addr - pool->base), pool->nr_blocks,
	       pool->stride);
	dump_stack();
}

/* Marks a block just taken off a free list as allocated. */
static void *mpool_mark_live(struct mpool *pool, u32 idx, unsigned long caller)
{
	unsigned long *callers;

	WRITE_ONCE(*mpool_live(pool, idx), 1);
	/* Once: "-track" may clear it meanwhile (the array stays). */
	callers = READ_ONCE(pool->callers);
	if (callers)
		callers[idx] = caller;
	return pool->base + (size_t)idx * pool->stride;
}

/*
 * Claims this CPU's cache and returns its count, or returns MPOOL_PCP_BUSY
 * when this code interrupted the CPU's own use of it: the interrupted code
 * resumes only after we return, so a flag is enough, and interrupts stay
 * on.  The caller has disabled preemption.  The fast path keeps the count
 * in a register; mpool_pcp_put() stores it back.
 *
 * The claim is cmpxchg_local(), safe against interrupts on this CPU (no
 * lock prefix on x86): an interrupt between reading the count and setting
 * the flag may have used the cache and changed the count, and then the
 * claim fails and the caller uses the shared stack, as the interrupt did.
 */
static __always_inline unsigned int mpool_pcp_get(struct mpool_pcp *pcp)
{
	unsigned int count = READ_ONCE(pcp->state);

	if (unlikely(count & MPOOL_PCP_BUSY) ||
	    unlikely(cmpxchg_local(&pcp->state, count,
				   count | MPOOL_PCP_BUSY) != count))
		return MPOOL_PCP_BUSY;
	/* The cache's updates stay after the flag is set... */
	barrier();
	return count;
}

static __always_inline void mpool_pcp_put(struct mpool *pool,
					  struct mpool_pcp *pcp,
					  unsigned int count)
{
	/*
	 * A sleeper's drain IPI may have found the cache busy: drain it, and
	 * wake the sleepers, who may have looked at the shared stack before
	 * these blocks reached it.
	 */
	if (unlikely(atomic_read(&pool->nr_waiters)) && count) {
		WRITE_ONCE(pcp->state, count | MPOOL_PCP_BUSY);
		count = mpool_drain(pool, pcp, count);
		wake_up(&pool->wait);
	}
	/* ...and before it is cleared. */
	barrier();
	WRITE_ONCE(pcp->state, count);
}

static __always_inline void *mpool_take_cached(struct mpool *pool,
					       unsigned long caller)
{
	struct mpool_pcp __percpu *caches = pool->pcp;
	struct mpool_pcp *pcp;
	unsigned int count;
	void *block = NULL;

	preempt_disable();
	pcp = this_cpu_ptr(caches);
	count = mpool_pcp_get(pcp);
	if (unlikely(count == MPOOL_PCP_BUSY)) {
		/* An interrupt handler: the shared stack, under the lock. */
		block = mpool_take(pool, caller);
	} else {
		if (unlikely(!count))
			count = mpool_refill(pool, pcp);
		if (likely(count)) {
			WRITE_ONCE(pcp->allocs, pcp->allocs + 1);
			block = mpool_mark_live(pool, pcp->idx[--count],
						caller);
			trace_alloc(pool, block, caller, true);
		}
		mpool_pcp_put(pool, pcp, count);
	}
	preempt_enable();
	return block;
}

/* Pops a free block off the shared stack, or returns NULL; counts no failure. */
static void *mpool_take(struct mpool *pool, unsigned long caller)
{
	unsigned long irqflags;
	unsigned int in_use;
	void *block;

	raw_spin_lock_irqsave(&pool->lock, irqflags);
	if (!pool->nr_free) {
		raw_spin_unlock_irqrestore(&pool->lock, irqflags);
		return NULL;
	}
	block = mpool_mark_live(pool, pool->free_stack[--pool->nr_free], caller);
	pool->stats.allocs++;
	in_use = pool->nr_blocks - pool->nr_free - pool->qlen;
	if (in_use > pool->stats.high_watermark)
		pool->stats.high_watermark = in_use;
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
	/* Ours alone until we return it: no free of it can come first. */
	trace_alloc(pool, block, caller, false);
	return block;
}

static void *mpool_take_any(struct mpool *pool, unsigned long caller)
{
	if (pool->pcp)
		return mpool_take_cached(pool, caller);
	return mpool_take(pool, caller);
}

/*
 * Whether @block was poisoned when freed, which only the first check
 * after its free asks.
 */
static bool mpool_take_poisoned(struct mpool *pool, void *block)
{
	u8 *poisoned = READ_ONCE(pool->poisoned);
	long idx = mpool_index(pool, block);

	/* Pairs with the pool lock's release after "+poison" zeroed them. */
	smp_rmb();
	if (!poisoned || !READ_ONCE(poisoned[idx]))
		return false;
	WRITE_ONCE(poisoned[idx], 0);
	return true;
}

/* The block is ours now: no lock needed to check or clear it. */
static void mpool_prepare(struct mpool *pool, void *block)
{
	unsigned long irqflags;

	if ((pool->flags & MPOOL_F_POISON) &&
	    mpool_take_poisoned(pool, block) &&
	    memchr_inv(block, MPOOL_POISON_BYTE, pool->block_size)) {
		raw_spin_lock_irqsave(&pool->lock, irqflags);
		pool->stats.poison_errors++;
		raw_spin_unlock_irqrestore(&pool->lock, irqflags);
		mpool_report_once(pool,
				  "poison overwritten: a freed block was written to",
				  block);
	}
	if (pool->flags & MPOOL_F_ZERO)
		memset(block, 0, pool->block_size);
}

static noinline void *mpool_alloc_failed(struct mpool *pool,
					 unsigned long caller)
{
	unsigned long irqflags;

	trace_alloc_fail(pool, caller);

	raw_spin_lock_irqsave(&pool->lock, irqflags);
	pool->stats.alloc_failures++;
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
	return NULL;
}

void *mpool_alloc(struct mpool *pool)
{
	void *block;

	/* The fast path is inline here: every call and return costs. */
	if (pool->pcp)
		block = mpool_take_cached(pool, _RET_IP_);
	else
		block = mpool_take(pool, _RET_IP_);
	if (unlikely(!block))
		return mpool_alloc_failed(pool, _RET_IP_);
	if (unlikely(pool->flags & (MPOOL_F_POISON | MPOOL_F_ZERO)))
		mpool_prepare(pool, block);
	return block;
}
EXPORT_SYMBOL_GPL(mpool_alloc);

/*
 * Counts a wait that ended after @us microseconds: in waits, in its
 * bucket of wait_us_hist (bucket 0 holds waits under 2 us, bucket i those
 * in [2^i, 2^(i + 1)) us, the last one all longer waits too) and, if it
 * gave up, in timeouts.  All three in one hold of the lock, as
 * mpool_reset_stats() zeroes them in one: every snapshot has the buckets
 * summing to waits and timeouts no more than waits, whenever a reset
 * comes.
 */
static void mpool_count_wait(struct mpool *pool, s64 us, bool gave_up)
{
	unsigned int nr = ARRAY_SIZE(pool->stats.wait_us_hist);
	unsigned int bucket = us > 1 ? min_t(unsigned int, ilog2(us), nr - 1) : 0;
	unsigned long irqflags;

	raw_spin_lock_irqsave(&pool->lock, irqflags);
	pool->stats.waits++;
	pool->stats.wait_us_hist[bucket]++;
	if (gave_up)
		pool->stats.timeouts++;
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
}

void *mpool_alloc_timeout(struct mpool *pool, long timeout)
{
	struct mpool_drain_req req = { .pool = pool };
	unsigned long caller = _RET_IP_;
	unsigned long irqflags;
	ktime_t start;
	void *block;
	s64 waited;
	int err = 0;
	long left;

	might_sleep();
	block = mpool_take_any(pool, caller);
	if (block)
		goto out;

	/*
	 * From here on, every free wakes us.  The pool lock orders a free's
	 * push before its look at nr_waiters, and our count before our next
	 * attempt: either that attempt finds the block or the free wakes us.
	 */
	atomic_inc(&pool->nr_waiters);
	/* Orders the count before the attempts in wait_event below. */
	smp_mb__after_atomic();
	/*
	 * Free blocks may sit in other CPUs' caches.  Once a CPU has run the
	 * drain it also sees nr_waiters, and its frees go to the shared
	 * stack until we are done.
	 */
	if (pool->pcp)
		on_each_cpu_cond(mpool_drain_needed, mpool_drain_local, &req,
				 true);
	/* The wait itself is counted when it ends: mpool_count_wait(). */
	if (req.ipis) {
		raw_spin_lock_irqsave(&pool->lock, irqflags);
		pool->stats.drain_ipis += req.ipis;
		raw_spin_unlock_irqrestore(&pool->lock, irqflags);
	}
	trace_wait_begin(pool, timeout, caller);
	start = ktime_get();
	left = wait_event_interruptible_timeout(pool->wait,
						(block = mpool_take_any(pool, caller)) ||
						READ_ONCE(pool->cancelled),
						timeout);
	atomic_dec(&pool->nr_waiters);
	waited = ktime_us_delta(ktime_get(), start);
	mpool_count_wait(pool, waited, !block);
	if (!block)
		err = left < 0 ? -EINTR : left ? -ECANCELED : -ETIMEDOUT;
	trace_wait_end(pool, block, waited, err, caller);
	if (err)
		return ERR_PTR(err);
out:
	if (pool->flags & (MPOOL_F_POISON | MPOOL_F_ZERO))
		mpool_prepare(pool, block);
	return block;
}
EXPORT_SYMBOL_GPL(mpool_alloc_timeout);

void mpool_cancel_waits(struct mpool *pool)
{
	WRITE_ONCE(pool->cancelled, true);
	wake_up_all(&pool->wait);
}
EXPORT_SYMBOL_GPL(mpool_cancel_waits);

/* Pushes block @idx, already marked free, on the shared stack. */
static void mpool_push(struct mpool *pool, u32 idx)
{
	unsigned long irqflags;

	raw_spin_lock_irqsave(&pool->lock, irqflags);
	pool->free_stack[pool->nr_free++] = idx;
	pool->stats.frees++;
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
}

/*
 * The answer of mpool_put() and mpool_put_cached() for a block they took
 * off the live ones but leave to __mpool_free()'s slow path, which
 * poisons it or puts it in the quarantine, with interrupts on however
 * large it is, and knows the caller: the fast path need not keep it.
 */
#define MPOOL_FREE_DEBUG	(-EINPROGRESS)

/*
 * GCC inlines mpool_put() into the frees in a kernel build without
 * tracepoints, but not with them: the call then cost the shared pair 8%
 * under TCG (tools/testing/vm/bench-trace.sh).  Forced where tracepoints are
 * compiled in; elsewhere (the host harness too) GCC chooses, as before.
 */
#if defined(CONFIG_TRACEPOINTS) && !defined(NOTRACE)
#define mpool_put_inline	__always_inline
#else
#define mpool_put_inline
#endif

/* Pushes block @idx on the shared stack, if it is live. */
static mpool_put_inline long mpool_put(struct mpool *pool, void *block,
				       long idx, unsigned long caller)
{
	unsigned long irqflags;

	raw_spin_lock_irqsave(&pool->lock, irqflags);
	if (!*mpool_live(pool, idx)) {
		raw_spin_unlock_irqrestore(&pool->lock, irqflags);
		return -ENXIO;
	}
	WRITE_ONCE(*mpool_live(pool, idx), 0);
	if (unlikely(pool->flags & (MPOOL_F_POISON | MPOOL_F_QUARANTINE))) {
		raw_spin_unlock_irqrestore(&pool->lock, irqflags);
		return MPOOL_FREE_DEBUG;
	}
	/* Before the push: no alloc of the block can be traced first. */
	trace_free(pool, block, caller, false);
	pool->free_stack[pool->nr_free++] = idx;
	pool->stats.frees++;
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
	return idx;
}

/*
 * mpool_put_cached()'s first step for a poisoning pool or one with a
 * quarantine: takes block @idx off the live ones, then poisons it for the
 * cache, or leaves it to the slow path (MPOOL_FREE_DEBUG).  Not inlined:
 * the fast path keeps fewer registers.
 */
static noinline long mpool_take_debug(struct mpool *pool, void *block,
				      long idx)
{
	if (xchg(mpool_live(pool, idx), 0) != 1)
		return -ENXIO;
	if (pool->flags & MPOOL_F_QUARANTINE)
		return MPOOL_FREE_DEBUG;
	mpool_poison_block(pool, block, idx);
	return idx;
}

/* Pushes block @idx on this CPU's cache, if it is live. */
static __always_inline long mpool_put_cached(struct mpool *pool, void *block,
					     long idx, unsigned long caller)
{
	struct mpool_pcp __percpu *caches = pool->pcp;
	bool debug = pool->flags & (MPOOL_F_POISON | MPOOL_F_QUARANTINE);
	struct mpool_pcp *pcp;
	unsigned int count;

	/*
	 * Of two CPUs freeing one block at once, exactly one sees it live.
	 * A poisoning pool takes the block first, to poison it with
	 * preemption on however large it is, as mpool_put() does; a
	 * quarantine takes it to the shared stack's lock.
	 */
	if (unlikely(debug)) {
		long ret = mpool_take_debug(pool, block, idx);

		if (ret < 0)
			return ret;
	}
	preempt_disable();
	pcp = this_cpu_ptr(caches);
	/*
	 * A full barrier after claiming the cache, before mpool_pcp_put()
	 * looks at nr_waiters: a sleeper that skips this CPU's drain IPI
	 * (mpool_drain_needed()) relies on it.  The xchg() is that barrier;
	 * a poisoning pool, whose xchg() came first, pays for an smp_mb().
	 */
	count = mpool_pcp_get(pcp);
	if (unlikely(debug)) {
		smp_mb();	/* see above: stands in for the xchg() */
	} else if (xchg(mpool_live(pool, idx), 0) != 1) {
		if (count != MPOOL_PCP_BUSY)
			mpool_pcp_put(pool, pcp, count);
		preempt_enable();
		return -ENXIO;
	}

	/* Before the push: no alloc of the block can be traced first. */
	trace_free(pool, block, caller, count != MPOOL_PCP_BUSY);
	if (unlikely(count == MPOOL_PCP_BUSY)) {
		/* An interrupt handler: the shared stack, under the lock. */
		mpool_push(pool, idx);
	} else {
		if (unlikely(count == MPOOL_PCP_SIZE))
			count = mpool_drain(pool, pcp, MPOOL_PCP_BATCH);
		pcp->idx[count++] = idx;
		WRITE_ONCE(pcp->frees, pcp->frees + 1);
		mpool_pcp_put(pool, pcp, count);
	}
	preempt_enable();
	return idx;
}

/*
 * A free that did not end on a free list: refused (@err, counted), or
 * left to this slow path (MPOOL_FREE_DEBUG: 0), the block ours alone.
 */
static noinline long mpool_free_slow(struct mpool *pool, void *block,
				     long err, unsigned long caller)
{
	unsigned long irqflags;
	long idx;

	if (err == MPOOL_FREE_DEBUG) {
		idx = mpool_index(pool, block);
		trace_free(pool, block, caller, false);
		if (pool->flags & MPOOL_F_QUARANTINE) {
			mpool_quarantine(pool, block, idx, caller);
		} else {
			/* Poisoning, or the quarantine just went. */
			mpool_poison_block(pool, block, idx);
			mpool_push(pool, idx);
		}
		if (atomic_read(&pool->nr_waiters))
			wake_up(&pool->wait);
		return 0;
	}

	trace_free_refused(pool, block, err, caller);

	raw_spin_lock_irqsave(&pool->lock, irqflags);
	pool->stats.invalid_frees++;
	raw_spin_unlock_irqrestore(&pool->lock, irqflags);
	return err;
}

/*
 * The free fast path, inlined into both exported frees: @caller is their
 * caller.
 */
static __always_inline int __mpool_free(struct mpool *pool, void *block,
					unsigned long caller)
{
	long idx = mpool_index(pool, block);

	if (likely(idx >= 0)) {
		if (pool->pcp)
			idx = mpool_put_cached(pool, block, idx, caller);
		else
			idx = mpool_put(pool, block, idx, caller);
	}
	/*
	 * _RET_IP_ is @caller (this function is always inlined), taken
	 * here so that the fast path need not keep it.
	 */
	if (unlikely(idx < 0))
		return mpool_free_slow(pool, block, idx, _RET_IP_);
	if (unlikely(atomic_read(&pool->nr_waiters)))
		wake_up(&pool->wait);
	return 0;
}

int mpool_free_checked(struct mpool *pool, void *block)
{
	return __mpool_free(pool, block, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mpool_free_checked);

void mpool_free(struct mpool *pool, void *block)
{
	static const char * const why[] = {
		[ERANGE] = "invalid free of a pointer outside the pool",
		[EINVAL] = "invalid free of a pointer inside a block",
		[ENXIO] = "invalid free of a block that is not allocated (double free?)",
	};
	int ret;

	if (!block)
		return;
	ret = __mpool_free(pool, block, _RET_IP_);
	if (unlikely(ret))
		mpool_report_once(pool, why[-ret], block);
}
EXPORT_SYMBOL_GPL(mpool_free);
