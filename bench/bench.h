/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of mempool_bench.ko share.  The module compares this
 * pool with the kernel's allocators through mpool.h's exported API only;
 * its interface is debugfs (bench/main.c), which promises no ABI, so
 * these definitions are its own and not part of the uapi header.
 */
#ifndef _MEMPOOL_BENCH_H
#define _MEMPOOL_BENCH_H

#include <linux/completion.h>
#include <linux/mempool.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#ifdef MPOOL_HAVE_OBJPOOL
#include <linux/objpool.h>
#endif

#include "mpool.h"

/* The allocators compared, in the order they are listed and reported. */
enum bench_allocator_id {
	BENCH_MEMPOOL,		/* this pool, with per-CPU caches */
	BENCH_MEMPOOL_NOCACHE,	/* the same without them */
	BENCH_NAIVE,		/* spinlock around a pointer stack */
	BENCH_KMEM_CACHE,	/* kmem_cache_alloc() */
	BENCH_KMALLOC,		/* kmalloc() */
	BENCH_MEMPOOL_T,	/* mempool_t over a kmem_cache */
	BENCH_GEN_POOL,		/* gen_pool over a vmalloc'd region */
	BENCH_OBJPOOL,		/* lib/objpool (Linux 6.7 and later) */
	BENCH_NULL,		/* no allocator: the harness's own cost */
	BENCH_IDEAL,		/* per-CPU stack of pointers, nothing else */
	BENCH_MEMSET,		/* null, plus a memset of the block size */
	BENCH_MEMPOOL_POISON,	/* mempool with MPOOL_F_POISON */
	BENCH_MEMPOOL_ZERO,	/* mempool with MPOOL_F_ZERO */
	BENCH_MEMPOOL_TRACK,	/* mempool with MPOOL_F_TRACK */
	BENCH_MEMPOOL_QUARANTINE, /* mempool with a quarantine switched on */
	BENCH_NR_ALLOCATORS
};

enum bench_workload_id {
	BENCH_WL_PAIR,		/* alloc, free, repeat */
	BENCH_WL_BURST,		/* alloc 64, free those 64, repeat */
	BENCH_WL_CROSS,		/* alloc on one CPU, free on the next */
	BENCH_NR_WORKLOADS
};

#define BENCH_ALL_WORKLOADS	(BIT(BENCH_NR_WORKLOADS) - 1)

#define BENCH_BURST		64
#define BENCH_RING		256	/* power of two */
#define BENCH_SAMPLE_MASK	127	/* time one call in 128 */
#define BENCH_WARM_UP		1000	/* untimed pairs per thread */
#define BENCH_QUARANTINE	64	/* mempool-quarantine's length */

#define BENCH_DEFAULT_OPS	200000
#define BENCH_MIN_OPS		1000
#define BENCH_MAX_OPS		10000000
#define BENCH_DEFAULT_SIZE	64
#define BENCH_MIN_SIZE		8
#define BENCH_MAX_SIZE		SZ_64K	/* the flag table's 16 KiB, and more */
#define BENCH_DEFAULT_ROUNDS	5
#define BENCH_MAX_ROUNDS	15

/**
 * struct bench_request - what a write to the run file asks for
 * @allocators: bit mask of enum bench_allocator_id
 * @workloads: bit mask of enum bench_workload_id
 * @cpus: 0 to run each case on 1 CPU and on all online CPUs, else the
 *	number of CPUs
 * @block_size: bytes per block
 * @ops: alloc+free pairs per thread per run
 * @rounds: how often each run is repeated; the fastest round is reported,
 *	and the spread over all of them
 * @first: the allocator (enum bench_allocator_id) that round 0 starts at
 * @rotate: round r starts at the allocator r places after @first in the
 *	request's list, wrapping around; false: every round starts at @first
 */
struct bench_request {
	u32 allocators;
	u32 workloads;
	unsigned int cpus;
	unsigned int block_size;
	unsigned int ops;
	unsigned int rounds;
	unsigned int first;
	bool rotate;
};

/**
 * struct bench_result - one (allocator, workload, cpus) run
 * @allocator: enum bench_allocator_id
 * @workload: enum bench_workload_id
 * @cpus: kthreads that ran at once, one pinned to each CPU
 * @block_size: bytes per block
 * @ops: alloc+free pairs done, all threads together
 * @elapsed_ns: wall time from the common start to the last thread's end
 * @ps_per_op: picoseconds per alloc+free pair, per thread (its elapsed
 *	time over its pairs, averaged over the threads)
 * @kops_per_sec: thousands of pairs per second, all threads together
 * @p50_ns: median latency of one sampled alloc or free call
 * @p99_ns: 99th percentile of the same samples
 * @max_ns: longest sampled call
 * @rounds: rounds run; the fields above are the fastest one's
 * @ps_min: of the rounds' ps_per_op, the least (the fastest's)
 * @ps_median: their median (of an even number, the mean of the middle two)
 * @ps_max: the greatest
 */
struct bench_result {
	u32 allocator;
	u32 workload;
	u32 cpus;
	u32 block_size;
	u64 ops;
	u64 elapsed_ns;
	u64 ps_per_op;
	u64 kops_per_sec;
	u64 p50_ns;
	u64 p99_ns;
	u64 max_ns;
	u32 rounds;
	u64 ps_min;
	u64 ps_median;
	u64 ps_max;
};

/* One (allocator, workload, cpus) run; at most two CPU counts. */
struct bench_case {
	unsigned int allocator;
	unsigned int workload;
	unsigned int cpus;
};

#define BENCH_MAX_CASES		(2 * BENCH_NR_ALLOCATORS * BENCH_NR_WORKLOADS)

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
	u64 ops;		/* pairs the loop does: warm-up's, then run's */
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

/* A CPU's stack of free pointers, for the ideal allocator. */
struct bench_stack {
	unsigned int top;
	void **slot;
};

/*
 * The baselines: null hands out @region itself; memset one block of
 * @region per CPU; ideal the blocks of @region, from per-CPU @stacks.
 */
struct bench_baseline {
	void *region;
	struct bench_stack __percpu *stacks;
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
		struct bench_baseline base;
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
 * A NULL @name: the allocator is not in this kernel.
 */
struct bench_allocator {
	const char *name;
	int (*init)(struct bench_run *run);
	bench_alloc_fn alloc;
	bench_free_fn free;
	void (*exit)(struct bench_run *run);
	int (*run)(struct bench_thread *t);
};

/* allocators.c: the allocators and their copies of the workloads */
extern const struct bench_allocator bench_allocators[BENCH_NR_ALLOCATORS];
extern const char *const bench_allocator_names[BENCH_NR_ALLOCATORS];
extern const char *const bench_workload_names[BENCH_NR_WORKLOADS];
u32 bench_available(void);
void bench_drain_rings(struct bench_run *run);

/* request.c: the run file's line, and the runs it asks for */
int mpool_bench_parse(char *line, u32 available, struct bench_request *req);
unsigned int mpool_bench_cases(const struct bench_request *req,
			       struct bench_case *cases);
void mpool_bench_round_order(const struct bench_request *req,
			     const struct bench_case *cases, unsigned int n,
			     unsigned int round, unsigned int *order);

/* batch.c: the batch file, the cost of moving one batch */
struct seq_file;
int bench_batch_show(struct seq_file *m, void *v);
int bench_drain_show(struct seq_file *m, void *v);

/* run.c: the threads */
int bench_run_all(const struct bench_request *req,
		  struct bench_result **results, unsigned int *nr_results);

#endif /* _MEMPOOL_BENCH_H */
