// SPDX-License-Identifier: GPL-2.0
/*
 * engine_bench: the engine on the host CPU, next to the allocators that
 * bound it, with threads pinned one per CPU (shim/linux/percpu.h).
 *
 *   mempool          an MPOOL_F_PERCPU pool (the per-CPU path)
 *   mempool-nocache  a pool without flags (the shared path, pool lock)
 *   ideal            a per-thread stack of blocks: the least an
 *                    allocator of fixed blocks can do
 *   ideal-xchg       the ideal plus one xchg() on a per-block byte per
 *                    free: the least that refusing a double free across
 *                    CPUs costs
 *   global-lock      one stack under one spinlock (irqsave, as the pool's)
 *
 * Workloads, each op one alloc and one free: pair (alloc a block, free it,
 * repeat) and burst (alloc 64 blocks, free the 64, repeat), at 1 and 2
 * threads.  Blocks of 64 bytes, 1024 of them.  Each allocator calls its
 * own copy of the workloads directly.  Every round measures every
 * allocator, workload and thread count once, in an order that rotates
 * between rounds, after one warm-up pass of each; ns_per_op is the median
 * over rounds of the slowest thread's time per op, min_ns and max_ns the
 * extremes, mops the ops of all threads per microsecond at the median.
 *
 * --cpu-time: each thread's CPU time instead of the wall clock.  On a
 * host shared with busy guests the wall clock also counts the time a
 * thread waits for a CPU; the CPU time does not.  At 1 thread it is the
 * figure to trust on such a host; at 2 threads it misses the contention
 * of the moments one thread was not running.
 *
 * engine_bench [--rounds N] [--ops N] [--json FILE] [--quiet] [--cpu-time]
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mempool_core.h"
#include "mempool_internal.h"
#include "shim.h"

#define BLOCK_SIZE	64
#define NR_BLOCKS	1024
#define BURST		64
#define MAX_THREADS	2
#define MAX_ROUNDS	101

enum { A_MEMPOOL, A_NOCACHE, A_IDEAL, A_IDEAL_XCHG, A_GLOBAL, NR_ALLOC };
enum { W_PAIR, W_BURST, NR_WL };

static const char *const alloc_names[NR_ALLOC] = {
	"mempool", "mempool-nocache", "ideal", "ideal-xchg", "global-lock",
};
static const char *const wl_names[NR_WL] = { "pair", "burst" };

/* A per-thread stack of free blocks (ideal, ideal-xchg). */
struct stack {
	void **slot;
	unsigned int top;
	char *base;
	u8 *live;
} __attribute__((aligned(128)));

/* One stack for all threads under one lock (global-lock). */
static struct {
	raw_spinlock_t lock;
	struct stack s;
} global __attribute__((aligned(128)));

static struct mpool *pools[2];
static struct stack stacks[MAX_THREADS];

static void stack_init(struct stack *s)
{
	unsigned int i;

	s->slot = malloc(NR_BLOCKS * sizeof(void *));
	s->base = aligned_alloc(4096, NR_BLOCKS * BLOCK_SIZE);
	s->live = calloc(NR_BLOCKS, 1);
	if (!s->slot || !s->base || !s->live)
		exit(1);
	for (i = 0; i < NR_BLOCKS; i++)
		s->slot[i] = s->base + (size_t)(NR_BLOCKS - 1 - i) * BLOCK_SIZE;
	s->top = NR_BLOCKS;
}

static __always_inline void *ideal_alloc(struct stack *s)
{
	return likely(s->top) ? s->slot[--s->top] : NULL;
}

static __always_inline void ideal_free(struct stack *s, void *b)
{
	s->slot[s->top++] = b;
}

static __always_inline void *ideal_xchg_alloc(struct stack *s)
{
	char *b = ideal_alloc(s);

	if (likely(b))
		WRITE_ONCE(s->live[(b - s->base) / BLOCK_SIZE], 1);
	return b;
}

static __always_inline void ideal_xchg_free(struct stack *s, void *b)
{
	if (unlikely(xchg(&s->live[((char *)b - s->base) / BLOCK_SIZE], 0) != 1))
		abort();
	ideal_free(s, b);
}

static __always_inline void *global_alloc(void)
{
	unsigned long flags;
	void *b;

	raw_spin_lock_irqsave(&global.lock, flags);
	b = ideal_alloc(&global.s);
	raw_spin_unlock_irqrestore(&global.lock, flags);
	return b;
}

static __always_inline void global_free(void *b)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&global.lock, flags);
	ideal_free(&global.s, b);
	raw_spin_unlock_irqrestore(&global.lock, flags);
}

/*
 * The block is used: the compiler may neither fold an alloc into the free
 * that follows (the ideal's would vanish) nor keep memory in registers.
 */
#define used(b)	__asm__ __volatile__("" : : "r"(b) : "memory")

/* Each allocator's own copy of the workloads; 0, or -1 when it ran dry. */
#define WORKLOADS(name, ALLOC, FREE)					\
static noinline int name##_pair(struct stack *s, unsigned long ops)	\
{									\
	unsigned long i;						\
	void *b;							\
									\
	for (i = 0; i < ops; i++) {					\
		b = ALLOC;						\
		if (unlikely(!b))					\
			return -1;					\
		used(b);						\
		FREE;							\
	}								\
	return 0;							\
}									\
static noinline int name##_burst(struct stack *s, unsigned long ops)	\
{									\
	unsigned long i;						\
	void *blocks[BURST], *b;					\
	unsigned int j;							\
									\
	for (i = 0; i < ops; i += BURST) {				\
		for (j = 0; j < BURST; j++) {				\
			blocks[j] = ALLOC;				\
			if (unlikely(!blocks[j]))			\
				return -1;				\
			used(blocks[j]);				\
		}							\
		for (j = 0; j < BURST; j++) {				\
			b = blocks[j];					\
			FREE;						\
		}							\
	}								\
	return 0;							\
}

WORKLOADS(mempool, mpool_alloc(pools[0]), mpool_free(pools[0], b))
WORKLOADS(nocache, mpool_alloc(pools[1]), mpool_free(pools[1], b))
WORKLOADS(ideal, ideal_alloc(s), ideal_free(s, b))
WORKLOADS(ideal_xchg, ideal_xchg_alloc(s), ideal_xchg_free(s, b))
WORKLOADS(global, global_alloc(), global_free(b))

typedef int (*workload_fn)(struct stack *s, unsigned long ops);
static const workload_fn workloads[NR_ALLOC][NR_WL] = {
	{ mempool_pair, mempool_burst },
	{ nocache_pair, nocache_burst },
	{ ideal_pair, ideal_burst },
	{ ideal_xchg_pair, ideal_xchg_burst },
	{ global_pair, global_burst },
};

struct worker {
	workload_fn fn;
	int cpu;
	unsigned long ops;
	volatile int *go;
	s64 ns;
	int ret;
	pthread_t thread;
};

static int cpu_time;

static s64 now_ns(void)
{
	struct timespec ts;

	if (!cpu_time)
		return ktime_get();
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	s64 t0;

	shim_cpu_enter(w->cpu);
	__atomic_add_fetch(w->go, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(w->go, __ATOMIC_ACQUIRE) >= 0)
		;	/* all start together */
	t0 = now_ns();
	w->ret = w->fn(&stacks[w->cpu], w->ops);
	w->ns = now_ns() - t0;
	shim_cpu_exit();
	return NULL;
}

/* ns per op of the slowest thread. */
static double measure(int a, int wl, int threads, unsigned long ops)
{
	struct worker w[MAX_THREADS];
	volatile int go = 0;
	s64 ns = 0;
	int i;

	for (i = 0; i < threads; i++) {
		w[i] = (struct worker){ .fn = workloads[a][wl], .cpu = i,
					.ops = ops, .go = &go };
		pthread_create(&w[i].thread, NULL, worker_fn, &w[i]);
	}
	while (__atomic_load_n(&go, __ATOMIC_ACQUIRE) != threads)
		;
	__atomic_store_n(&go, -1, __ATOMIC_RELEASE);
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].ret) {
			fprintf(stderr, "%s %s: out of blocks\n",
				alloc_names[a], wl_names[wl]);
			exit(1);
		}
		ns = max(ns, w[i].ns);
	}
	return (double)ns / ops;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double results[NR_ALLOC][NR_WL][MAX_THREADS][MAX_ROUNDS];
static double med[NR_ALLOC][NR_WL][MAX_THREADS];

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256], *p;

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		p = strchr(line, ':');
		if (strncmp(line, "model name", 10) || !p)
			continue;
		p += 1 + (p[1] == ' ');
		p[strcspn(p, "\n")] = 0;
		snprintf(buf, len, "%s", p);
		break;
	}
	fclose(f);
}

static void ratio(const char *what, double r, const char *target)
{
	printf("  %-52s %5.2f  %s\n", what, r, target);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "ops", required_argument, NULL, 'o' },
		{ "json", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "cpu-time", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long ops = 2000000;
	int rounds = 5, quiet = 0, c, r, a, wl, t, i, first = 1;
	const char *json = NULL;
	char cpu[128];
	FILE *f = NULL;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'o':
			ops = strtoul(optarg, NULL, 0);
			break;
		case 'j':
			json = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'c':
			cpu_time = 1;
			break;
		default:
			fprintf(stderr, "usage: engine_bench [--rounds N] [--ops N] [--json FILE] [--quiet] [--cpu-time]\n");
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || ops < BURST) {
		fprintf(stderr, "engine_bench: 1 to %d rounds, at least %d ops\n",
			MAX_ROUNDS, BURST);
		return 2;
	}
	ops -= ops % BURST;
	if (mpool_cpuhp_init())
		return 1;
	pools[0] = mpool_create(NULL, BLOCK_SIZE, NR_BLOCKS, 0, MPOOL_F_PERCPU);
	pools[1] = mpool_create(NULL, BLOCK_SIZE, NR_BLOCKS, 0, 0);
	if (IS_ERR(pools[0]) || IS_ERR(pools[1]))
		return 1;
	for (i = 0; i < MAX_THREADS; i++)
		stack_init(&stacks[i]);
	stack_init(&global.s);
	raw_spin_lock_init(&global.lock);

	/* Warm-up: every allocator, workload and thread count once. */
	for (a = 0; a < NR_ALLOC; a++)
		for (wl = 0; wl < NR_WL; wl++)
			for (t = 1; t <= MAX_THREADS; t++)
				measure(a, wl, t, ops / 10 - ops / 10 % BURST);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < NR_ALLOC; i++) {
			a = (i + r) % NR_ALLOC;
			for (wl = 0; wl < NR_WL; wl++)
				for (t = 1; t <= MAX_THREADS; t++)
					results[a][wl][t - 1][r] =
						measure(a, wl, t, ops);
		}

	cpu_model(cpu, sizeof(cpu));
	if (json) {
		f = fopen(json, "w");
		if (!f) {
			perror(json);
			return 1;
		}
	}
	if (json)
		fprintf(f, "[\n");
	if (!quiet)
		printf("%s, %d host CPUs; %d rounds of %lu ops per thread (%s)\n"
		       "%-16s %-6s %7s %9s %17s %8s\n", cpu, shim_host_cpus(),
		       rounds, ops, cpu_time ? "CPU time" : "wall clock",
		       "allocator", "wl", "threads", "ns/op", "(min-max)",
		       "Mops");
	for (a = 0; a < NR_ALLOC; a++)
		for (wl = 0; wl < NR_WL; wl++)
			for (t = 0; t < MAX_THREADS; t++) {
				double *v = results[a][wl][t], m, mops;

				qsort(v, rounds, sizeof(*v), cmp_double);
				m = rounds % 2 ? v[rounds / 2] :
					(v[rounds / 2 - 1] + v[rounds / 2]) / 2;
				med[a][wl][t] = m;
				mops = (t + 1) * 1e3 / m;
				if (!quiet)
					printf("%-16s %-6s %7d %9.2f %8.2f-%-8.2f %8.1f\n",
					       alloc_names[a], wl_names[wl], t + 1,
					       m, v[0], v[rounds - 1], mops);
				if (!json)
					continue;
				fprintf(f, "%s  {\"allocator\": \"%s\", \"workload\": \"%s\", \"threads\": %d, \"ns_per_op\": %.3f, \"mops\": %.3f, \"rounds\": %d, \"min_ns\": %.3f, \"max_ns\": %.3f}",
					first ? "" : ",\n", alloc_names[a],
					wl_names[wl], t + 1, m, mops, rounds,
					v[0], v[rounds - 1]);
				first = 0;
			}
	if (json) {
		fprintf(f, "\n]\n");
		fclose(f);
	}
	if (quiet)
		return 0;
	printf("ratios of medians, this run (issue 20's targets):\n");
	for (wl = 0; wl < NR_WL; wl++) {
		char what[64];

		snprintf(what, sizeof(what), "%s 1T: mempool / ideal-xchg", wl_names[wl]);
		ratio(what, med[A_MEMPOOL][wl][0] / med[A_IDEAL_XCHG][wl][0],
		      wl == W_PAIR ? "target <= 1.3" : "");
		snprintf(what, sizeof(what), "%s 1T: mempool / ideal", wl_names[wl]);
		ratio(what, med[A_MEMPOOL][wl][0] / med[A_IDEAL][wl][0],
		      wl == W_PAIR ? "target <= 2" : "");
		snprintf(what, sizeof(what), "%s: mempool 2T / 1T throughput", wl_names[wl]);
		ratio(what, 2 * med[A_MEMPOOL][wl][0] / med[A_MEMPOOL][wl][1],
		      wl == W_PAIR ? "target >= 1.9" : "");
		snprintf(what, sizeof(what), "%s: ideal 2T / 1T throughput", wl_names[wl]);
		ratio(what, 2 * med[A_IDEAL][wl][0] / med[A_IDEAL][wl][1], "");
		/* The host's own noise: what 2 threads get over 1 at best. */
		snprintf(what, sizeof(what), "%s: mempool's scaling / ideal's", wl_names[wl]);
		ratio(what, med[A_MEMPOOL][wl][0] / med[A_MEMPOOL][wl][1] /
		      (med[A_IDEAL][wl][0] / med[A_IDEAL][wl][1]), "");
		snprintf(what, sizeof(what), "%s 1T: mempool-nocache / global-lock", wl_names[wl]);
		ratio(what, med[A_NOCACHE][wl][0] / med[A_GLOBAL][wl][0],
		      wl == W_PAIR ? "target <= 1.2" : "");
	}
	mpool_destroy(pools[0]);
	mpool_destroy(pools[1]);
	return 0;
}
