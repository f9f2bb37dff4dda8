// SPDX-License-Identifier: GPL-2.0
/*
 * MPOOL_IOC_BENCH: this pool against the kernel's own allocators, in one
 * run, on the same block size and the same workloads.
 *
 * Each run starts one kthread pinned to each of the first @cpus online
 * CPUs; they wait on one completion so that they start together, do @ops
 * alloc+free pairs each, and time every 128th call for the latency
 * percentiles (as lib/test_objpool.c does, with a fixed count rather than
 * a fixed duration, so every allocator does the same work).
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
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/genalloc.h>
#include <linux/kthread.h>
#include <linux/mempool.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>
#ifdef MPOOL_HAVE_OBJPOOL
#include <linux/objpool.h>
#endif

#include <uapi/mpool_ioctl.h>
#include "mempool_internal.h"

#define BENCH_BURST		64
#define BENCH_RING		256	/* power of two */
#define BENCH_SAMPLE_MASK	127	/* time one call in 128 */
#define BENCH_DEFAULT_OPS	200000
#define BENCH_DEFAULT_SIZE	64
#define BENCH_WARM_UP		1000	/* untimed pairs per thread */

static DEFINE_MUTEX(bench_lock);
#define BENCH_DEFAULT_ROUNDS	5
#define BENCH_MAX_ROUNDS	15

/* A single-producer single-consumer ring from one thread to the next. */
struct bench_ring {
	void *slot[BENCH_RING];
	unsigned int head;	/* written by the producer */
	unsigned int tail;	/* written by the consumer */
};

struct bench_run;

struct bench_thread {
	struct bench_run *run;
	struct bench_ring ring;	/* blocks for the next thread */
	struct bench_ring *in;	/* blocks from the previous thread */
	u64 start_ns;
	u64 end_ns;
	u32 *samples;
	unsigned int nr_samples;
	unsigned int max_samples;
	int err;
};

/* The naive design: one spinlock around a stack of free pointers. */
struct bench_naive {
	spinlock_t lock;	/* protects top and stack */
	unsigned int top;
	void **stack;
	void *region;
};

struct bench_run {
	const struct bench_allocator *allocator;
	unsigned int workload;
	unsigned int cpus;
	unsigned int block_size;
	unsigned int nr_blocks;
	u64 ops;
	union {
		struct mpool *mpool;
		struct kmem_cache *cache;
#ifdef MPOOL_HAVE_GEN_POOL
		struct {
			struct gen_pool *gen_pool;
			void *gen_region;
		};
#endif
		struct bench_naive naive;
#ifdef MPOOL_HAVE_OBJPOOL
		struct objpool_head objpool;
#endif
	};
	mempool_t *mempool;
	bool abort;		/* set before start: threads do nothing */
	struct completion start;
	struct completion done;
	atomic_t running;
	atomic_t arrived;
	struct bench_thread *threads;
};

typedef void *(*bench_alloc_fn)(struct bench_run *run);
typedef void (*bench_free_fn)(struct bench_run *run, void *block);

/*
 * @alloc and @free serve the untimed calls (warm-up, clean-up); the timed
 * workloads are @run, BENCH_WORKLOADS()'s copy, which calls the two directly.
 */
struct bench_allocator {
	const char *name;
	int (*init)(struct bench_run *run);
	bench_alloc_fn alloc;
	bench_free_fn free;
	void (*exit)(struct bench_run *run);
	int (*run)(struct bench_thread *t);
};

/* this pool, with and without per-CPU caches */

static int bench_mpool_create(struct bench_run *run, unsigned int flags)
{
	run->mpool = mpool_create(MPOOL_BENCH_POOL_NAME, run->block_size,
				  run->nr_blocks, 0, MPOOL_F_QUIET | flags);
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
	struct bench_run *run = t->run;
	void *block;
	u64 i;

	for (i = 0; i < run->ops; i++) {
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
	struct bench_run *run = t->run;
	void *blocks[BENCH_BURST];
	unsigned int j, n = 0;
	int ret = 0;
	u64 i;

	for (i = 0; i < run->ops && !ret; i += BENCH_BURST) {
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
	struct bench_run *run = t->run;
	u64 made = 0, freed = 0;
	void *block;

	while (made < run->ops || freed < run->ops) {
		bool idle = true;

		if (made < run->ops &&
		    t->ring.head - READ_ONCE(t->ring.tail) < BENCH_RING) {
			block = bench_alloc(t, made, alloc);
			if (block) {
				bench_ring_push(&t->ring, block);
				made++;
				idle = false;
			}
		}
		if (freed < run->ops) {
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

/*
 * Untimed pairs before the start, so that no allocator is timed filling
 * its caches or its slabs for the first time.
 */
static void bench_warm_up(struct bench_thread *t)
{
	struct bench_run *run = t->run;
	void *block;
	int i;

	for (i = 0; i < BENCH_WARM_UP; i++) {
		block = run->allocator->alloc(run);
		if (!block)
			return;
		run->allocator->free(run, block);
	}
}

static __always_inline int bench_workload(struct bench_thread *t,
					  bench_alloc_fn alloc,
					  bench_free_fn free)
{
	switch (t->run->workload) {
	case MPOOL_BENCH_PAIR:
		return bench_pair(t, alloc, free);
	case MPOOL_BENCH_BURST:
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
 * functions the loops call lie where the build puts them (tools/vm/bench.sh
 * reports those of this module that straddle a page).
 */
#define BENCH_WORKLOADS(prefix) \
static int __section(".text..mpool_bench_" #prefix) __aligned(SZ_4K) \
prefix##_run(struct bench_thread *t) \
{ \
	return bench_workload(t, prefix##_alloc, prefix##_free); \
}

BENCH_WORKLOADS(bench_mpool)
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

static const struct bench_allocator bench_allocators[] = {
	BENCH_ALLOCATOR(MPOOL_BENCH_MEMPOOL, "mempool", bench_mpool),
	[MPOOL_BENCH_MEMPOOL_NOCACHE] = {
		.name = "mempool-nocache",
		.init = bench_mpool_nocache_init,
		.alloc = bench_mpool_alloc,
		.free = bench_mpool_free,
		.exit = bench_mpool_exit,
		.run = bench_mpool_run,
	},
	BENCH_ALLOCATOR(MPOOL_BENCH_NAIVE, "naive", bench_naive),
	BENCH_ALLOCATOR(MPOOL_BENCH_KMEM_CACHE, "kmem_cache", bench_cache),
	BENCH_ALLOCATOR(MPOOL_BENCH_KMALLOC, "kmalloc", bench_kmalloc),
	BENCH_ALLOCATOR(MPOOL_BENCH_MEMPOOL_T, "mempool_t", bench_mempool_t),
#ifdef MPOOL_HAVE_GEN_POOL
	BENCH_ALLOCATOR(MPOOL_BENCH_GEN_POOL, "gen_pool", bench_gen_pool),
#endif
#ifdef MPOOL_HAVE_OBJPOOL
	BENCH_ALLOCATOR(MPOOL_BENCH_OBJPOOL, "objpool", bench_objpool),
#endif
};

#define BENCH_ALL_WORKLOADS (BIT(MPOOL_BENCH_NR_WORKLOADS) - 1)

static u32 bench_available(void)
{
	u32 mask = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bench_allocators); i++)
		if (bench_allocators[i].name)
			mask |= BIT(i);
	return mask;
}

static int bench_thread_fn(void *arg)
{
	struct bench_thread *t = arg;
	struct bench_run *run = t->run;

	bench_warm_up(t);
	wait_for_completion(&run->start);
	if (READ_ONCE(run->abort)) {
		t->err = -EINTR;
		goto done;
	}
	/*
	 * The wake-ups reach the CPUs at different times (a halted vCPU
	 * takes long to wake under QEMU): line up, so that the threads run
	 * side by side rather than partly one after another.
	 */
	atomic_inc(&run->arrived);
	while (atomic_read(&run->arrived) < run->cpus) {
		/* A thread whose CPU went offline may need ours to run on. */
		cond_resched();
		if (kthread_should_stop()) {
			t->err = -EINTR;
			goto done;
		}
		cpu_relax();
	}
	t->start_ns = ktime_get_ns();
	t->err = run->allocator->run(t);
done:
	t->end_ns = ktime_get_ns();
	if (atomic_dec_and_test(&run->running))
		complete(&run->done);
	/* Wait to be stopped, so that the caller may read t safely. */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* Sums up the threads' numbers into one result. */
static void bench_summarise(struct bench_run *run,
			    struct mpool_ioc_bench_result *res)
{
	u64 first = U64_MAX, last = 0, ps = 0;
	unsigned int i, n = 0;
	u32 *all;

	for (i = 0; i < run->cpus; i++) {
		struct bench_thread *t = &run->threads[i];

		first = min(first, t->start_ns);
		last = max(last, t->end_ns);
		ps += div64_u64((t->end_ns - t->start_ns) * 1000, run->ops);
		/* Gather the samples in the first thread's array... */
		if (i)
			memcpy(run->threads[0].samples + n, t->samples,
			       t->nr_samples * sizeof(u32));
		n += t->nr_samples;
	}
	all = run->threads[0].samples;
	sort(all, n, sizeof(u32), cmp_u32, NULL);

	res->ops = run->ops * run->cpus;
	res->elapsed_ns = max(last - first, 1ULL);
	res->ps_per_op = div_u64(ps, run->cpus);
	res->kops_per_sec = div64_u64(res->ops * NSEC_PER_MSEC,
				      res->elapsed_ns);
	res->p50_ns = n ? all[n / 2] : 0;
	res->p99_ns = n ? all[n - 1 - n / 100] : 0;
	res->max_ns = n ? all[n - 1] : 0;
}

static void bench_free_threads(struct bench_run *run)
{
	unsigned int i;

	for (i = 0; run->threads && i < run->cpus; i++)
		vfree(run->threads[i].samples);
	kvfree(run->threads);
}

static int bench_alloc_threads(struct bench_run *run)
{
	/* Each thread's samples, and room to gather everyone's in the first. */
	unsigned int per = div_u64(2 * run->ops, BENCH_SAMPLE_MASK + 1) + 2;
	unsigned int i;

	run->threads = kvcalloc(run->cpus, sizeof(*run->threads), GFP_KERNEL);
	if (!run->threads)
		return -ENOMEM;
	for (i = 0; i < run->cpus; i++) {
		struct bench_thread *t = &run->threads[i];

		t->run = run;
		t->max_samples = per;
		t->samples = __vmalloc(array3_size(per, i ? 1 : run->cpus,
						   sizeof(u32)),
				       GFP_KERNEL | __GFP_NOWARN);
		if (!t->samples)
			return -ENOMEM;
		t->in = &run->threads[(i + run->cpus - 1) % run->cpus].ring;
	}
	return 0;
}

/* Frees what a stopped cross run left in its rings. */
static void bench_drain_rings(struct bench_run *run)
{
	unsigned int i;
	void *block;

	for (i = 0; i < run->cpus; i++)
		while ((block = bench_ring_pop(&run->threads[i].ring)))
			run->allocator->free(run, block);
}

static int bench_one(struct bench_run *run, struct mpool_ioc_bench_result *res)
{
	struct task_struct **tasks;
	unsigned int i, cpu;
	int ret;

	init_completion(&run->start);
	init_completion(&run->done);
	atomic_set(&run->running, run->cpus);
	atomic_set(&run->arrived, 0);
	ret = bench_alloc_threads(run);
	if (ret)
		goto out_threads;
	tasks = kcalloc(run->cpus, sizeof(*tasks), GFP_KERNEL);
	if (!tasks) {
		ret = -ENOMEM;
		goto out_threads;
	}
	ret = run->allocator->init(run);
	if (ret)
		goto out_tasks;

	i = 0;
	for_each_online_cpu(cpu) {
		if (i == run->cpus)
			break;
		tasks[i] = kthread_create_on_cpu(bench_thread_fn,
						 &run->threads[i], cpu,
						 "mempool_bench/%u");
		if (IS_ERR(tasks[i])) {
			ret = PTR_ERR(tasks[i]);
			tasks[i] = NULL;
			break;
		}
		wake_up_process(tasks[i]);
		i++;
	}
	if (i < run->cpus && !ret)
		ret = -EAGAIN;	/* a CPU went offline meanwhile */
	run->abort = ret;
	complete_all(&run->start);
	if (!ret && wait_for_completion_interruptible(&run->done))
		ret = -EINTR;

	/* A thread that has not finished returns at its next stop check. */
	for (i = 0; i < run->cpus; i++)
		if (tasks[i])
			kthread_stop(tasks[i]);
	for (i = 0; !ret && i < run->cpus; i++)
		ret = run->threads[i].err;
	if (!ret)
		bench_summarise(run, res);
	bench_drain_rings(run);
	run->allocator->exit(run);
out_tasks:
	kfree(tasks);
out_threads:
	bench_free_threads(run);
	return ret;
}

/* One (allocator, workload, cpus) run; at most two CPU counts. */
struct bench_case {
	unsigned int allocator;
	unsigned int workload;
	unsigned int cpus;
};

#define BENCH_MAX_CASES \
	(2 * MPOOL_BENCH_NR_ALLOCATORS * MPOOL_BENCH_NR_WORKLOADS)

/* Lists the runs @b asks for, in the order they are reported. */
static unsigned int bench_cases(const struct mpool_ioc_bench *b,
				struct bench_case *cases)
{
	unsigned int online = num_online_cpus();
	unsigned int cpus[2] = { b->cpus ? b->cpus : 1, online };
	unsigned int c, a, w, n = 0;

	for (c = 0; c < (b->cpus || online == 1 ? 1 : 2); c++)
		for (a = 0; a < MPOOL_BENCH_NR_ALLOCATORS; a++)
			for (w = 0; w < MPOOL_BENCH_NR_WORKLOADS; w++)
				if ((b->allocators & BIT(a)) &&
				    (b->workloads & BIT(w)) &&
				    (w != MPOOL_BENCH_CROSS || cpus[c] > 1))
					cases[n++] = (struct bench_case){
						a, w, cpus[c] };
	return n;
}

/**
 * mpool_bench_check - validate a benchmark request and fill in defaults
 * @b: the request, as copied from userspace
 *
 * Return: 0, or the errno the ioctl returns.
 */
int mpool_bench_check(struct mpool_ioc_bench *b)
{
	struct bench_case cases[BENCH_MAX_CASES];
	unsigned int online = num_online_cpus();
	unsigned int runs;

	if (b->flags || b->out_count || b->rounds > BENCH_MAX_ROUNDS)
		return -EINVAL;
	if (!b->rounds)
		b->rounds = BENCH_DEFAULT_ROUNDS;
	if (b->allocators & ~(BIT(MPOOL_BENCH_NR_ALLOCATORS) - 1) ||
	    b->workloads & ~BENCH_ALL_WORKLOADS)
		return -EINVAL;
	if (b->allocators & ~bench_available())
		return -EOPNOTSUPP;
	if (!b->allocators)
		b->allocators = bench_available();
	if (!b->workloads)
		b->workloads = BENCH_ALL_WORKLOADS;
	if (b->cpus > online)
		return -EINVAL;
	if (!b->block_size)
		b->block_size = BENCH_DEFAULT_SIZE;
	if (b->block_size < 8 || b->block_size > PAGE_SIZE)
		return -EINVAL;
	if (!b->ops)
		b->ops = BENCH_DEFAULT_OPS;
	if (b->ops < 1000 || b->ops > 10000000)
		return -EINVAL;

	runs = bench_cases(b, cases);
	if (!runs)
		return -EINVAL;	/* only cross, on one CPU */
	return runs > b->max_results ? -ENOSPC : 0;
}
EXPORT_SYMBOL_IF_KUNIT(mpool_bench_check);

static int cmp_result(const void *a, const void *b)
{
	u64 x = ((const struct mpool_ioc_bench_result *)a)->ps_per_op;
	u64 y = ((const struct mpool_ioc_bench_result *)b)->ps_per_op;

	return x < y ? -1 : x > y;
}

/**
 * mpool_bench - run a checked benchmark request
 * @b: the request, after mpool_bench_check(); @b->out_count is set
 *
 * Runs every case @b->rounds times, round by round, and reports for each
 * the round with the fewest ns per op: other work on the machine (on a
 * shared host, other machines) only ever adds time, so the fastest round
 * is the one closest to the allocator's own cost.
 *
 * Context: process context; sleeps for seconds.
 * Return: 0, or a negative errno.
 */
int mpool_bench(struct mpool_ioc_bench *b)
{
	struct mpool_ioc_bench_result __user *out = u64_to_user_ptr(b->results);
	struct mpool_ioc_bench_result *res;
	struct bench_case *cases;
	unsigned int i, r, n, rounds = b->rounds;
	int ret = 0;

	cases = kcalloc(BENCH_MAX_CASES, sizeof(*cases), GFP_KERNEL);
	if (!cases)
		return -ENOMEM;
	/* One run at a time: runs share names, and would skew each other. */
	if (mutex_lock_interruptible(&bench_lock)) {
		ret = -EINTR;
		goto out;
	}
	/* A CPU may have come online since mpool_bench_check() counted. */
	n = bench_cases(b, cases);
	if (n > b->max_results) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	res = kcalloc(n * rounds, sizeof(*res), GFP_KERNEL);
	if (!res) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	for (r = 0; r < rounds && !ret; r++) {
		for (i = 0; i < n && !ret; i++) {
			struct mpool_ioc_bench_result *one = &res[i * rounds + r];
			struct bench_run run = {
				.allocator = &bench_allocators[cases[i].allocator],
				.workload = cases[i].workload,
				.cpus = cases[i].cpus,
				.block_size = b->block_size,
				.nr_blocks = num_online_cpus() * 512,
				.ops = b->ops,
			};

			one->allocator = cases[i].allocator;
			one->workload = cases[i].workload;
			one->cpus = cases[i].cpus;
			ret = bench_one(&run, one);
		}
	}
	for (i = 0; i < n && !ret; i++) {
		sort(&res[i * rounds], rounds, sizeof(*res), cmp_result, NULL);
		if (copy_to_user(out + i, &res[i * rounds], sizeof(*res)))
			ret = -EFAULT;
	}
	if (!ret)
		b->out_count = n;
	kfree(res);
out_unlock:
	mutex_unlock(&bench_lock);
out:
	kfree(cases);
	return ret;
}
