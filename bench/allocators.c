// SPDX-License-Identifier: GPL-2.0
/*
 * The allocators mempool_bench.ko compares, and each one's copy of the
 * timed workloads.
 *
 * What is measured is the allocator, not the loop around it: each
 * allocator gets its own copy of the workloads, which call it directly,
 * and a clock read is paid on one call in 128.  That read is local_clock(),
 * not ktime_get_ns(): under QEMU the guest finds its TSCs unsynchronized
 * and makes the HPET its clocksource, and an HPET read is a trip through
 * QEMU's device emulation under its global lock, on which the threads of
 * a run queued.  local_clock() is built on the TSC, which QEMU reads far
 * more cheaply, and a sample compares two reads on the same CPU.
 *
 * Workloads:
 *   pair   alloc one block, free it, repeat;
 *   burst  alloc 64 blocks, free the 64, repeat;
 *   cross  alloc and pass the block to the next CPU's thread through a
 *          ring; free what the previous CPU's thread passed on.
 */
#include <linux/genalloc.h>
#include <linux/kthread.h>
#include <linux/mempool.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "bench.h"

/* this pool, with and without per-CPU caches */

static int bench_mpool_create(struct bench_run *run, unsigned int flags)
{
	/*
	 * Anonymous: in no name space, so no user's pool can take its name
	 * and no user can see, block or destroy it.
	 */
	run->mpool = mpool_create(NULL, run->block_size, run->nr_blocks, 0,
				  MPOOL_F_QUIET | flags);
	return PTR_ERR_OR_ZERO(run->mpool);
}

static int bench_mpool_init(struct bench_run *run)
{
	return bench_mpool_create(run, MPOOL_F_PERCPU);
}

static int bench_mpool_nocache_init(struct bench_run *run)
{
	return bench_mpool_create(run, 0);
}

/* The flag table's pools: the default (per-CPU) one with one flag more. */
static int bench_mpool_poison_init(struct bench_run *run)
{
	return bench_mpool_create(run, MPOOL_F_PERCPU | MPOOL_F_POISON);
}

static int bench_mpool_zero_init(struct bench_run *run)
{
	return bench_mpool_create(run, MPOOL_F_PERCPU | MPOOL_F_ZERO);
}

static int bench_mpool_track_init(struct bench_run *run)
{
	return bench_mpool_create(run, MPOOL_F_PERCPU | MPOOL_F_TRACK);
}

/*
 * The runtime debug mode that has no create flag: a quarantine of
 * BENCH_QUARANTINE blocks, switched on through mpool_debug_set() as
 * debugfs and MPOOL_IOC_DEBUG switch it on a live pool (+poison and
 * +track set the flags that mempool-poison and mempool-track create with).
 */
static int bench_mpool_quarantine_init(struct bench_run *run)
{
	struct mpool_debug_modes modes = {
		.poison = -1, .track = -1, .quarantine = BENCH_QUARANTINE,
	};
	int ret;

	ret = bench_mpool_create(run, MPOOL_F_PERCPU);
	if (ret)
		return ret;
	ret = mpool_debug_set(run->mpool, &modes);
	if (ret)
		mpool_destroy(run->mpool);
	return ret;
}

static void *bench_mpool_alloc(struct bench_run *run)
{
	return mpool_alloc(run->mpool);
}

static void bench_mpool_free(struct bench_run *run, void *block)
{
	mpool_free(run->mpool, block);
}

static void bench_mpool_exit(struct bench_run *run)
{
	mpool_destroy(run->mpool);
}

/*
 * The baselines.  Each is called, not inlined, like every allocator; the
 * empty asm (barrier()) keeps GCC from dropping a call that does nothing.
 *
 * null: no allocator at all, a pair costs the loop, the two calls and the
 * sampling.  Every allocator's figure minus null's is its own cost.
 */
static int bench_null_init(struct bench_run *run)
{
	run->base.region = run;	/* any pointer but NULL: never written */
	return 0;
}

static noinline void *bench_null_alloc(struct bench_run *run)
{
	barrier();
	return run->base.region;
}

static noinline void bench_null_free(struct bench_run *run, void *block)
{
	barrier();
}

static void bench_null_exit(struct bench_run *run)
{
}

/*
 * memset: null, plus a memset() of one block on every alloc, in a block of
 * the running CPU's own: what zeroing (one pass) costs at best, in the
 * same run as the pools that zero or poison.
 */
static int bench_memset_init(struct bench_run *run)
{
	run->base.region = vzalloc(array_size(nr_cpu_ids, run->block_size));
	return run->base.region ? 0 : -ENOMEM;
}

static noinline void *bench_memset_alloc(struct bench_run *run)
{
	void *block = run->base.region +
		      (size_t)raw_smp_processor_id() * run->block_size;

	memset(block, 0, run->block_size);
	return block;
}

static void bench_memset_exit(struct bench_run *run)
{
	vfree(run->base.region);
}

/*
 * ideal: a per-CPU stack of free pointers and nothing else: no lock, no
 * interrupt safety, no validation, no statistics.  What any pool could at
 * best reach on this machine.  Each online CPU starts with an equal share
 * of the blocks and has room for all of them, so frees never overflow.
 */
static void bench_ideal_exit(struct bench_run *run)
{
	unsigned int cpu;

	if (run->base.stacks)
		for_each_possible_cpu(cpu)
			kvfree(per_cpu_ptr(run->base.stacks, cpu)->slot);
	free_percpu(run->base.stacks);
	vfree(run->base.region);
}

static int bench_ideal_init(struct bench_run *run)
{
	unsigned int cpu, i = 0;

	run->base.stacks = alloc_percpu(struct bench_stack);
	run->base.region = vmalloc(array_size(run->nr_blocks, run->block_size));
	if (!run->base.stacks || !run->base.region)
		goto fail;
	for_each_possible_cpu(cpu) {
		struct bench_stack *s = per_cpu_ptr(run->base.stacks, cpu);

		s->slot = kvmalloc_array(run->nr_blocks, sizeof(void *),
					 GFP_KERNEL);
		if (!s->slot)
			goto fail;
	}
	/* Dealt out in turn to the CPUs online now. */
	while (i < run->nr_blocks) {
		for_each_online_cpu(cpu) {
			struct bench_stack *s = per_cpu_ptr(run->base.stacks,
							    cpu);

			if (i == run->nr_blocks)
				break;
			s->slot[s->top++] = run->base.region +
					    (size_t)i++ * run->block_size;
		}
	}
	return 0;
fail:
	bench_ideal_exit(run);
	return -ENOMEM;
}

static noinline void *bench_ideal_alloc(struct bench_run *run)
{
	struct bench_stack *s;
	void *block = NULL;

	preempt_disable();
	s = this_cpu_ptr(run->base.stacks);
	if (s->top)
		block = s->slot[--s->top];
	preempt_enable();
	return block;
}

static noinline void bench_ideal_free(struct bench_run *run, void *block)
{
	struct bench_stack *s;

	preempt_disable();
	s = this_cpu_ptr(run->base.stacks);
	s->slot[s->top++] = block;
	preempt_enable();
}

/* naive */

static int bench_naive_init(struct bench_run *run)
{
	struct bench_naive *n = &run->naive;
	unsigned int i;

	spin_lock_init(&n->lock);
	n->region = vmalloc(array_size(run->nr_blocks, run->block_size));
	n->stack = kvmalloc_array(run->nr_blocks, sizeof(void *), GFP_KERNEL);
	if (!n->region || !n->stack) {
		vfree(n->region);
		kvfree(n->stack);
		return -ENOMEM;
	}
	for (i = 0; i < run->nr_blocks; i++)
		n->stack[i] = n->region + (size_t)i * run->block_size;
	n->top = run->nr_blocks;
	return 0;
}

/*
 * Called, not inlined into its loops, like this pool and the kernel's
 * allocators: its users would call it too.
 */
static noinline void *bench_naive_alloc(struct bench_run *run)
{
	struct bench_naive *n = &run->naive;
	unsigned long flags;
	void *block = NULL;

	spin_lock_irqsave(&n->lock, flags);
	if (n->top)
		block = n->stack[--n->top];
	spin_unlock_irqrestore(&n->lock, flags);
	return block;
}

static noinline void bench_naive_free(struct bench_run *run, void *block)
{
	struct bench_naive *n = &run->naive;
	unsigned long flags;

	spin_lock_irqsave(&n->lock, flags);
	n->stack[n->top++] = block;
	spin_unlock_irqrestore(&n->lock, flags);
}

static void bench_naive_exit(struct bench_run *run)
{
	kvfree(run->naive.stack);
	vfree(run->naive.region);
}

/* kmem_cache, and mempool_t over one */

static int bench_cache_init(struct bench_run *run)
{
	run->cache = kmem_cache_create("mempool_bench", run->block_size, 0, 0,
				       NULL);
	return run->cache ? 0 : -ENOMEM;
}

static void *bench_cache_alloc(struct bench_run *run)
{
	return kmem_cache_alloc(run->cache, GFP_KERNEL);
}

static void bench_cache_free(struct bench_run *run, void *block)
{
	kmem_cache_free(run->cache, block);
}

static void bench_cache_exit(struct bench_run *run)
{
	kmem_cache_destroy(run->cache);
}

static int bench_mempool_t_init(struct bench_run *run)
{
	int ret = bench_cache_init(run);

	if (ret)
		return ret;
	run->mempool = mempool_create_slab_pool(BENCH_BURST, run->cache);
	if (!run->mempool) {
		kmem_cache_destroy(run->cache);
		return -ENOMEM;
	}
	return 0;
}

static void *bench_mempool_t_alloc(struct bench_run *run)
{
	return mempool_alloc(run->mempool, GFP_KERNEL);
}

static void bench_mempool_t_free(struct bench_run *run, void *block)
{
	mempool_free(block, run->mempool);
}

static void bench_mempool_t_exit(struct bench_run *run)
{
	mempool_destroy(run->mempool);
	kmem_cache_destroy(run->cache);
}

/* kmalloc */

static int bench_kmalloc_init(struct bench_run *run)
{
	return 0;
}

static void *bench_kmalloc_alloc(struct bench_run *run)
{
	return kmalloc(run->block_size, GFP_KERNEL);
}

static void bench_kmalloc_free(struct bench_run *run, void *block)
{
	kfree(block);
}

static void bench_kmalloc_exit(struct bench_run *run)
{
}

#ifdef MPOOL_HAVE_GEN_POOL
/* gen_pool over a vmalloc'd region */

static int bench_gen_pool_init(struct bench_run *run)
{
	/* gen_pool hands out whole granules: make one granule one block. */
	size_t len = (size_t)run->nr_blocks << order_base_2(run->block_size);

	run->gen_pool = gen_pool_create(order_base_2(run->block_size),
					NUMA_NO_NODE);
	if (!run->gen_pool)
		return -ENOMEM;
	run->gen_region = vmalloc(len);
	if (!run->gen_region ||
	    gen_pool_add(run->gen_pool, (unsigned long)run->gen_region, len,
			 NUMA_NO_NODE)) {
		vfree(run->gen_region);
		gen_pool_destroy(run->gen_pool);
		return -ENOMEM;
	}
	return 0;
}

static void *bench_gen_pool_alloc(struct bench_run *run)
{
	return (void *)gen_pool_alloc(run->gen_pool, run->block_size);
}

static void bench_gen_pool_free(struct bench_run *run, void *block)
{
	gen_pool_free(run->gen_pool, (unsigned long)block, run->block_size);
}

static void bench_gen_pool_exit(struct bench_run *run)
{
	gen_pool_destroy(run->gen_pool);
	vfree(run->gen_region);
}
#endif

#ifdef MPOOL_HAVE_OBJPOOL
static int bench_objpool_init(struct bench_run *run)
{
	return objpool_init(&run->objpool, run->nr_blocks, run->block_size,
			    GFP_KERNEL, NULL, NULL, NULL);
}

static void *bench_objpool_alloc(struct bench_run *run)
{
	return objpool_pop(&run->objpool);
}

static void bench_objpool_free(struct bench_run *run, void *block)
{
	objpool_push(block, &run->objpool);
}

static void bench_objpool_exit(struct bench_run *run)
{
	objpool_fini(&run->objpool);
}
#endif

/*
 * Nanoseconds since @t0, read on this CPU.  Clamped, as the two reads may
 * come from two CPUs' clocks: a thread is moved when its CPU goes offline.
 */
static u32 bench_ns_since(u64 t0)
{
	s64 ns = local_clock() - t0;

	return clamp_t(s64, ns, 0, U32_MAX);
}

/* Whether call @n of a thread is one of the timed samples. */
static __always_inline bool bench_sampled(struct bench_thread *t, u64 n)
{
	return !(n & BENCH_SAMPLE_MASK) && t->nr_samples < t->max_samples;
}

static __always_inline void *bench_alloc(struct bench_thread *t, u64 n,
					 bench_alloc_fn alloc)
{
	struct bench_run *run = t->run;
	void *block;
	u64 t0;

	if (likely(!bench_sampled(t, n)))
		return alloc(run);
	t0 = local_clock();
	block = alloc(run);
	t->samples[t->nr_samples++] = bench_ns_since(t0);
	return block;
}

static __always_inline void bench_free(struct bench_thread *t, u64 n,
				       bench_free_fn free, void *block)
{
	struct bench_run *run = t->run;
	u64 t0;

	if (likely(!bench_sampled(t, n))) {
		free(run, block);
		return;
	}
	t0 = local_clock();
	free(run, block);
	t->samples[t->nr_samples++] = bench_ns_since(t0);
}

static __always_inline int bench_pair(struct bench_thread *t,
				      bench_alloc_fn alloc, bench_free_fn free)
{
	void *block;
	u64 i;

	for (i = 0; i < t->ops; i++) {
		/* Half a sampling period apart: frees are timed as often. */
		block = bench_alloc(t, i, alloc);
		if (!block)
			return -ENOMEM;
		bench_free(t, i + BENCH_SAMPLE_MASK / 2 + 1, free, block);
		if (!(i & 255)) {
			cond_resched();
			if (kthread_should_stop())
				return -EINTR;
		}
	}
	return 0;
}

static __always_inline int bench_burst(struct bench_thread *t,
				       bench_alloc_fn alloc, bench_free_fn free)
{
	void *blocks[BENCH_BURST];
	unsigned int j, n = 0;
	int ret = 0;
	u64 i;

	for (i = 0; i < t->ops && !ret; i += BENCH_BURST) {
		for (n = 0; n < BENCH_BURST; n++) {
			blocks[n] = bench_alloc(t, i + n, alloc);
			if (!blocks[n]) {
				ret = -ENOMEM;
				break;
			}
		}
		for (j = 0; j < n; j++)
			bench_free(t, i + j + 1, free, blocks[j]);
		cond_resched();
		if (kthread_should_stop())
			ret = -EINTR;
	}
	return ret;
}

static bool bench_ring_push(struct bench_ring *r, void *block)
{
	unsigned int head = r->head;

	/* Pairs with the release in bench_ring_pop(): the slot is free. */
	if (head - smp_load_acquire(&r->tail) == BENCH_RING)
		return false;
	r->slot[head % BENCH_RING] = block;
	/* Pairs with the acquire in bench_ring_pop(): the slot is written. */
	smp_store_release(&r->head, head + 1);
	return true;
}

static void *bench_ring_pop(struct bench_ring *r)
{
	unsigned int tail = r->tail;
	void *block;

	/* Pairs with the release in bench_ring_push(): the slot is written. */
	if (smp_load_acquire(&r->head) == tail)
		return NULL;
	block = r->slot[tail % BENCH_RING];
	/* Pairs with the acquire in bench_ring_push(): the slot is free. */
	smp_store_release(&r->tail, tail + 1);
	return block;
}

static __always_inline int bench_cross(struct bench_thread *t,
				       bench_alloc_fn alloc, bench_free_fn free)
{
	u64 made = 0, freed = 0;
	void *block;

	while (made < t->ops || freed < t->ops) {
		bool idle = true;

		if (made < t->ops &&
		    t->ring.head - READ_ONCE(t->ring.tail) < BENCH_RING) {
			block = bench_alloc(t, made, alloc);
			if (block) {
				bench_ring_push(&t->ring, block);
				made++;
				idle = false;
			}
		}
		if (freed < t->ops) {
			block = bench_ring_pop(t->in);
			if (block) {
				bench_free(t, freed + 1, free, block);
				freed++;
				idle = false;
			}
		}
		if (idle || !(made & 255)) {
			cond_resched();
			if (kthread_should_stop())
				return -EINTR;
		}
	}
	return 0;
}

static __always_inline int bench_workload(struct bench_thread *t,
					  bench_alloc_fn alloc,
					  bench_free_fn free)
{
	switch (t->run->workload) {
	case BENCH_WL_PAIR:
		return bench_pair(t, alloc, free);
	case BENCH_WL_BURST:
		return bench_burst(t, alloc, free);
	default:
		return bench_cross(t, alloc, free);
	}
}

/*
 * @prefix's copy of the workloads, calling its alloc and free directly
 * rather than through the pointers (retpolines under this guest).
 *
 * Each copy starts a page of its own (4 KB, TCG's page), so that none
 * straddles two: under QEMU TCG a jump to another page is not chained and
 * costs a lookup, and which allocator's loop paid for that depended on
 * the layout of the module.  Each is in a section of its own: aligned in
 * .text, it would be padded with a jump that objtool rejects.  The
 * functions the loops call lie where the build puts them (tools/testing/vm/bench.sh
 * reports those of this module that straddle a page).
 */
#define BENCH_WORKLOADS(prefix) \
static int __section(".text..mpool_bench_" #prefix) __aligned(SZ_4K) \
prefix##_run(struct bench_thread *t) \
{ \
	return bench_workload(t, prefix##_alloc, prefix##_free); \
}

BENCH_WORKLOADS(bench_mpool)
BENCH_WORKLOADS(bench_null)
BENCH_WORKLOADS(bench_ideal)
BENCH_WORKLOADS(bench_naive)
BENCH_WORKLOADS(bench_cache)
BENCH_WORKLOADS(bench_kmalloc)
BENCH_WORKLOADS(bench_mempool_t)
#ifdef MPOOL_HAVE_GEN_POOL
BENCH_WORKLOADS(bench_gen_pool)
#endif
#ifdef MPOOL_HAVE_OBJPOOL
BENCH_WORKLOADS(bench_objpool)
#endif

#define BENCH_ALLOCATOR(id, str, prefix) \
	[id] = { \
		.name = str, \
		.init = prefix##_init, \
		.alloc = prefix##_alloc, \
		.free = prefix##_free, \
		.exit = prefix##_exit, \
		.run = prefix##_run, \
	}

/* The memset baseline's free is null's, and so is its copy of the loops'. */
#define bench_memset_free bench_null_free
BENCH_WORKLOADS(bench_memset)

/* The default pool with one flag more: the same calls, the same loops. */
#define BENCH_MPOOL_FLAG(id, str, prefix) \
	[id] = { \
		.name = str, \
		.init = prefix##_init, \
		.alloc = bench_mpool_alloc, \
		.free = bench_mpool_free, \
		.exit = bench_mpool_exit, \
		.run = bench_mpool_run, \
	}

const struct bench_allocator bench_allocators[BENCH_NR_ALLOCATORS] = {
	BENCH_ALLOCATOR(BENCH_MEMPOOL, "mempool", bench_mpool),
	BENCH_MPOOL_FLAG(BENCH_MEMPOOL_NOCACHE, "mempool-nocache",
			 bench_mpool_nocache),
	BENCH_ALLOCATOR(BENCH_NAIVE, "naive", bench_naive),
	BENCH_ALLOCATOR(BENCH_KMEM_CACHE, "kmem_cache", bench_cache),
	BENCH_ALLOCATOR(BENCH_KMALLOC, "kmalloc", bench_kmalloc),
	BENCH_ALLOCATOR(BENCH_MEMPOOL_T, "mempool_t", bench_mempool_t),
#ifdef MPOOL_HAVE_GEN_POOL
	BENCH_ALLOCATOR(BENCH_GEN_POOL, "gen_pool", bench_gen_pool),
#endif
#ifdef MPOOL_HAVE_OBJPOOL
	BENCH_ALLOCATOR(BENCH_OBJPOOL, "objpool", bench_objpool),
#endif
	BENCH_ALLOCATOR(BENCH_NULL, "null", bench_null),
	BENCH_ALLOCATOR(BENCH_IDEAL, "ideal", bench_ideal),
	BENCH_ALLOCATOR(BENCH_MEMSET, "memset", bench_memset),
	BENCH_MPOOL_FLAG(BENCH_MEMPOOL_POISON, "mempool-poison",
			 bench_mpool_poison),
	BENCH_MPOOL_FLAG(BENCH_MEMPOOL_ZERO, "mempool-zero", bench_mpool_zero),
	BENCH_MPOOL_FLAG(BENCH_MEMPOOL_TRACK, "mempool-track",
			 bench_mpool_track),
	BENCH_MPOOL_FLAG(BENCH_MEMPOOL_QUARANTINE, "mempool-quarantine",
			 bench_mpool_quarantine),
};

/* Every allocator's name, whether or not this kernel has it. */
const char *const bench_allocator_names[BENCH_NR_ALLOCATORS] = {
	[BENCH_MEMPOOL] = "mempool",
	[BENCH_MEMPOOL_NOCACHE] = "mempool-nocache",
	[BENCH_NAIVE] = "naive",
	[BENCH_KMEM_CACHE] = "kmem_cache",
	[BENCH_KMALLOC] = "kmalloc",
	[BENCH_MEMPOOL_T] = "mempool_t",
	[BENCH_GEN_POOL] = "gen_pool",
	[BENCH_OBJPOOL] = "objpool",
	[BENCH_NULL] = "null",
	[BENCH_IDEAL] = "ideal",
	[BENCH_MEMSET] = "memset",
	[BENCH_MEMPOOL_POISON] = "mempool-poison",
	[BENCH_MEMPOOL_ZERO] = "mempool-zero",
	[BENCH_MEMPOOL_TRACK] = "mempool-track",
	[BENCH_MEMPOOL_QUARANTINE] = "mempool-quarantine",
};

const char *const bench_workload_names[BENCH_NR_WORKLOADS] = {
	[BENCH_WL_PAIR] = "pair",
	[BENCH_WL_BURST] = "burst",
	[BENCH_WL_CROSS] = "cross",
};

u32 bench_available(void)
{
	u32 mask = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bench_allocators); i++)
		if (bench_allocators[i].name)
			mask |= BIT(i);
	return mask;
}

/* Frees what a stopped cross run left in its rings. */
void bench_drain_rings(struct bench_run *run)
{
	unsigned int i;
	void *block;

	for (i = 0; i < run->cpus; i++)
		while ((block = bench_ring_pop(&run->threads[i].ring)))
			run->allocator->free(run, block);
}
