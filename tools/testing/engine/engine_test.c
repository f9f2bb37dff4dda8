// SPDX-License-Identifier: GPL-2.0
/*
 * engine_test: the engine's own checks on the host, a subset of the KUnit
 * suites (kunit/) under the same names where there is one, run against
 * mempool_core.c compiled unchanged.  TAP: "ok N - name" or
 * "not ok N - name: why", and the plan "1..N" last.
 *
 * Threads stand for CPUs (shim/linux/percpu.h): each takes a CPU number
 * of its own, and IPIs reach it as signals.
 */
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mempool_core.h"
#include "mempool_internal.h"
#include "shim.h"

static int tests, failures;
static char why[256];

/* Records the first failed expectation of a test, with its line. */
#define EXPECT(cond) do {						\
	if (!(cond) && !why[0])						\
		snprintf(why, sizeof(why), "line %d: %s", __LINE__, #cond); \
} while (0)

static void run(const char *name, void (*fn)(void))
{
	why[0] = 0;
	fn();
	tests++;
	if (why[0]) {
		failures++;
		printf("not ok %d - %s: %s\n", tests, name, why);
	} else {
		printf("ok %d - %s\n", tests, name);
	}
	fflush(stdout);
}

static struct mpool *create(const char *name, size_t size, unsigned int n,
			    size_t align, unsigned int flags)
{
	struct mpool *pool = mpool_create(name, size, n, align, flags);

	if (IS_ERR(pool)) {
		fprintf(stderr, "mpool_create: %ld\n", PTR_ERR(pool));
		exit(1);
	}
	return pool;
}

static struct mpool_stats stats(struct mpool *pool)
{
	struct mpool_stats st;

	mpool_get_stats(pool, &st);
	return st;
}

/* Allocates every block; returns how many, all distinct and aligned. */
static unsigned int drain(struct mpool *pool, void **out)
{
	unsigned int n = 0, i;
	void *b;

	while ((b = mpool_alloc(pool))) {
		for (i = 0; i < n; i++)
			EXPECT(out[i] != b);
		EXPECT(mpool_block_offset(pool, b) % pool->stride == 0);
		EXPECT(mpool_block_offset(pool, b) < pool->region_size);
		out[n++] = b;
	}
	return n;
}

static void test_lifo(void)
{
	struct mpool *pool = create(NULL, 64, 16, 0, 0);
	void *a = mpool_alloc(pool), *b = mpool_alloc(pool);

	EXPECT(a && b && a != b);
	mpool_free(pool, a);
	EXPECT(mpool_alloc(pool) == a);
	mpool_free(pool, a);
	mpool_free(pool, b);
	mpool_destroy(pool);
}

static void exhaust(unsigned int flags)
{
	struct mpool *pool = create(NULL, 48, 100, 16, flags);
	void *blocks[100];
	struct mpool_stats st;
	unsigned int i, n = drain(pool, blocks);

	EXPECT(n == 100);
	st = stats(pool);
	EXPECT(st.alloc_failures == 1);
	EXPECT(st.blocks_free == 0 && st.blocks_in_use == 100);
	EXPECT(st.high_watermark == 100);
	for (i = 0; i < n; i++)
		EXPECT(mpool_free_checked(pool, blocks[i]) == 0);
	st = stats(pool);
	EXPECT(st.allocs == 100 && st.frees == 100);
	EXPECT(st.blocks_free == 100 && st.blocks_in_use == 0);
	/* Every block comes back. */
	EXPECT(drain(pool, blocks) == 100);
	for (i = 0; i < 100; i++)
		mpool_free(pool, blocks[i]);
	mpool_destroy(pool);
}

static void test_exhausted_null(void)
{
	exhaust(0);
}

static void test_percpu_exhaust(void)
{
	exhaust(MPOOL_F_PERCPU);
}

static void bad_frees(unsigned int flags)
{
	/* 24-byte blocks: a stride that is not a power of two. */
	struct mpool *pool = create(NULL, 24, 8, 8, flags | MPOOL_F_QUIET);
	char *a = mpool_alloc(pool), *b = mpool_alloc(pool);
	char outside;

	EXPECT(pool->stride == 24);
	EXPECT(mpool_free_checked(pool, &outside) == -ERANGE);
	EXPECT(mpool_free_checked(pool, a + 8) == -EINVAL);
	EXPECT(mpool_free_checked(pool, a + pool->region_size) == -ERANGE);
	EXPECT(mpool_free_checked(pool, a) == 0);
	EXPECT(mpool_free_checked(pool, a) == -ENXIO);
	/* The bad frees left b allocated, and a free. */
	EXPECT(stats(pool).invalid_frees == 4);
	EXPECT(stats(pool).blocks_in_use == 1);
	EXPECT(mpool_free_checked(pool, b) == 0);
	EXPECT(mpool_free_checked(pool, b) == -ENXIO);
	mpool_destroy(pool);
}

static void test_bad_free_keeps_live(void)
{
	bad_frees(0);
}

static void test_percpu_double_free(void)
{
	bad_frees(MPOOL_F_PERCPU);
}

static void test_zero(void)
{
	struct mpool *pool = create(NULL, 100, 4, 0, MPOOL_F_ZERO);
	unsigned char *a = mpool_alloc(pool), zero[100] = { 0 };

	memset(a, 0xa5, 100);
	mpool_free(pool, a);
	a = mpool_alloc(pool);
	EXPECT(!memcmp(a, zero, 100));
	mpool_free(pool, a);
	mpool_destroy(pool);
}

static void poison(unsigned int flags)
{
	struct mpool *pool = create(NULL, 64, 4, 0, flags | MPOOL_F_POISON);
	unsigned long lines;
	char *a = mpool_alloc(pool);

	EXPECT(a && a[0] == MPOOL_POISON_BYTE && a[63] == MPOOL_POISON_BYTE);
	memset(a, 1, 64);
	mpool_free(pool, a);
	EXPECT(a[10] == MPOOL_POISON_BYTE);
	EXPECT(mpool_alloc(pool) == a);
	EXPECT(stats(pool).poison_errors == 0);
	mpool_free(pool, a);
	/* A write after free is found by the next allocation of the block. */
	a[5] = 0;
	lines = shim_printk_lines;
	EXPECT(mpool_alloc(pool) == a);
	EXPECT(stats(pool).poison_errors == 1);
	EXPECT(shim_printk_lines == lines + 1);
	mpool_free(pool, a);
	mpool_destroy(pool);
}

static void test_poison_untouched(void)
{
	poison(0);
}

static void test_percpu_poison(void)
{
	poison(MPOOL_F_PERCPU);
}

static void test_track_caller(void)
{
	struct mpool *pool = create(NULL, 32, 4, 0, MPOOL_F_TRACK);
	unsigned long caller = 0;
	unsigned int idx = 0;
	void *a = mpool_alloc(pool);

	EXPECT(mpool_next_live(pool, &idx, &caller) == 0);
	EXPECT(idx == 0 && caller != 0);
	idx++;
	EXPECT(mpool_next_live(pool, &idx, &caller) == -ENOENT);
	mpool_free(pool, a);
	mpool_destroy(pool);
}

static void test_copy_roundtrip(void)
{
	struct mpool *pool = create(NULL, 32, 4, 0, 0);
	char *a = mpool_alloc(pool), buf[8];

	EXPECT(mpool_copy_to_block(pool, a, 4, "abcdefg", 8) == 0);
	EXPECT(mpool_copy_from_block(pool, a, 4, buf, 8) == 0 &&
	       !strcmp(buf, "abcdefg"));
	EXPECT(mpool_copy_to_block(pool, a, 30, "abc", 3) == -EINVAL);
	mpool_free(pool, a);
	EXPECT(mpool_copy_from_block(pool, a, 0, buf, 1) == -ENXIO);
	mpool_destroy(pool);
}

static void test_destroy_live(void)
{
	struct mpool *pool = create(NULL, 32, 4, 0, 0);
	unsigned long lines = shim_printk_lines;

	mpool_alloc(pool);
	mpool_destroy(pool);
	EXPECT(shim_printk_lines > lines);
	pool = create(NULL, 32, 4, 0, MPOOL_F_QUIET);
	lines = shim_printk_lines;
	mpool_alloc(pool);
	mpool_destroy(pool);
	EXPECT(shim_printk_lines == lines);
}

static void test_name_exists(void)
{
	struct mpool *a = create("engine-test", 32, 4, 0, 0), *b;

	b = mpool_create("engine-test", 32, 4, 0, 0);
	EXPECT(PTR_ERR(b) == -EEXIST);
	EXPECT(PTR_ERR(mpool_create("bad/name", 32, 4, 0, 0)) == -EINVAL);
	mpool_destroy(a);
	b = mpool_create("engine-test", 32, 4, 0, 0);
	EXPECT(!IS_ERR(b));
	if (!IS_ERR(b))
		mpool_destroy(b);
}

static void test_max_bytes(void)
{
	/* 512 MiB against the default 256 MiB: refused before any memory. */
	struct mpool *p = mpool_create_user("engine-big", 1 << 20, 512, 0, 0);

	EXPECT(PTR_ERR(p) == -EDQUOT);
}

static void test_timeout_expires(void)
{
	struct mpool *pool = create(NULL, 32, 1, 0, 0);
	void *a = mpool_alloc(pool);
	ktime_t t0 = ktime_get();

	EXPECT(PTR_ERR(mpool_alloc_timeout(pool, 20)) == -ETIMEDOUT);
	EXPECT(ktime_get() - t0 >= 20 * 1000000LL);
	EXPECT(stats(pool).waits == 1 && stats(pool).timeouts == 1);
	mpool_free(pool, a);
	mpool_destroy(pool);
}

/* ---- threads as CPUs ---- */

struct waiter {
	struct mpool *pool;
	int cpu;
	void *block;
	volatile int started;
};

static void *waiter_fn(void *arg)
{
	struct waiter *w = arg;

	shim_cpu_enter(w->cpu);
	w->started = 1;
	w->block = mpool_alloc_timeout(w->pool, 5000);
	shim_cpu_exit();
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void test_waiter_woken(void)
{
	struct mpool *pool = create(NULL, 32, 1, 0, 0);
	struct waiter w = { .pool = pool, .cpu = 1 };
	void *a = mpool_alloc(pool);
	pthread_t t;

	pthread_create(&t, NULL, waiter_fn, &w);
	while (!w.started)
		sleep_ms(1);
	sleep_ms(20);
	mpool_free(pool, a);
	pthread_join(t, NULL);
	EXPECT(w.block == a);
	EXPECT(stats(pool).waits == 1 && stats(pool).timeouts == 0);
	mpool_free(pool, a);
	mpool_destroy(pool);
}

/* A CPU that fills its cache, then idles until told to stop. */
struct cpu_thread {
	struct mpool *pool;
	int cpu;
	unsigned int n;
	volatile int ready, stop;
};

static void *cacher_fn(void *arg)
{
	struct cpu_thread *c = arg;
	void *blocks[MPOOL_PCP_SIZE];
	unsigned int i;

	shim_cpu_enter(c->cpu);
	for (i = 0; i < c->n; i++)
		blocks[i] = mpool_alloc(c->pool);
	for (i = 0; i < c->n; i++)
		mpool_free(c->pool, blocks[i]);
	c->ready = 1;
	while (!c->stop)
		sleep_ms(1);	/* an IPI interrupts this */
	shim_cpu_exit();
	return NULL;
}

static void test_percpu_wait_drains(void)
{
	struct mpool *pool = create(NULL, 32, MPOOL_PCP_SIZE, 0, MPOOL_F_PERCPU);
	struct cpu_thread c = { .pool = pool, .cpu = 1, .n = MPOOL_PCP_SIZE };
	pthread_t t;
	void *a;

	pthread_create(&t, NULL, cacher_fn, &c);
	while (!c.ready)
		sleep_ms(1);
	/* Every block sits in CPU 1's cache. */
	EXPECT(mpool_alloc(pool) == NULL);
	a = mpool_alloc_timeout(pool, 2000);
	EXPECT(!IS_ERR_OR_NULL(a));
	EXPECT(stats(pool).drain_ipis == 1);
	EXPECT(stats(pool).blocks_free == MPOOL_PCP_SIZE - 1);
	c.stop = 1;
	pthread_join(t, NULL);
	if (!IS_ERR_OR_NULL(a))
		mpool_free(pool, a);
	mpool_destroy(pool);
}

static void test_percpu_cpu_offline(void)
{
	struct mpool *pool = create(NULL, 32, 64, 0, MPOOL_F_PERCPU);
	struct cpu_thread c = { .pool = pool, .cpu = 2, .n = 20, .stop = 1 };
	void *blocks[64];
	pthread_t t;
	unsigned int i, n;

	pthread_create(&t, NULL, cacher_fn, &c);
	pthread_join(t, NULL);
	EXPECT(per_cpu_ptr(pool->pcp, 2)->state != 0);
	shim_cpu_dead(2);
	EXPECT(per_cpu_ptr(pool->pcp, 2)->state == 0);
	n = drain(pool, blocks);
	EXPECT(n == 64);
	for (i = 0; i < n; i++)
		mpool_free(pool, blocks[i]);
	mpool_destroy(pool);
}

/*
 * Two threads meet here, spinning, so that what follows starts on both as
 * nearly at once as it can; a thread the host deschedules yields.
 */
struct spin_barrier {
	unsigned int arrived, generation;
};

static void spin_barrier_wait(struct spin_barrier *b)
{
	unsigned int gen = __atomic_load_n(&b->generation, __ATOMIC_ACQUIRE);
	unsigned int spins = 0;

	if (__atomic_add_fetch(&b->arrived, 1, __ATOMIC_ACQ_REL) == 2) {
		__atomic_store_n(&b->arrived, 0, __ATOMIC_RELAXED);
		__atomic_add_fetch(&b->generation, 1, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&b->generation, __ATOMIC_ACQUIRE) == gen)
		if (!(++spins & 4095))
			sched_yield();
}

/* Two CPUs free the same block at once: exactly one succeeds. */
struct racer {
	struct mpool *pool;
	struct spin_barrier *bar;
	void **block;
	int cpu, wins, rounds;
};

static void *racer_fn(void *arg)
{
	struct racer *r = arg;
	int i;

	shim_cpu_enter(r->cpu);
	for (i = 0; i < r->rounds; i++) {
		if (r->cpu == 0)
			*r->block = mpool_alloc(r->pool);
		spin_barrier_wait(r->bar);
		r->wins += mpool_free_checked(r->pool, *r->block) == 0;
		spin_barrier_wait(r->bar);
	}
	shim_cpu_exit();
	return NULL;
}

static void test_percpu_double_free_race(void)
{
	enum { ROUNDS = 100000 };
	struct mpool *pool = create(NULL, 64, 64, 0,
				    MPOOL_F_PERCPU | MPOOL_F_QUIET);
	struct spin_barrier bar = { 0 };
	void *block = NULL;
	struct racer r[2];
	pthread_t t[2];
	int i;

	shim_cpu_exit();	/* the main thread's CPU 0 goes to a racer */
	for (i = 0; i < 2; i++) {
		r[i] = (struct racer){ .pool = pool, .bar = &bar,
				       .block = &block, .cpu = i,
				       .rounds = ROUNDS };
		pthread_create(&t[i], NULL, racer_fn, &r[i]);
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	shim_cpu_enter(0);
	EXPECT(r[0].wins + r[1].wins == ROUNDS);
	EXPECT(stats(pool).invalid_frees == ROUNDS);
	EXPECT(stats(pool).blocks_in_use == 0);
	mpool_destroy(pool);
}

/*
 * Two CPUs allocate and free at random, each writing its mark into the
 * blocks it holds: a block handed to both would show the other's mark.
 */
struct churner {
	struct mpool *pool;
	int cpu;
	unsigned long ops, bad, failed;
};

static void *churn_fn(void *arg)
{
	struct churner *c = arg;
	unsigned int seed = c->cpu + 1, n = 0, j;
	unsigned long *held[96], i;

	shim_cpu_enter(c->cpu);
	for (i = 0; i < c->ops; i++) {
		if (n < 96 && (!n || rand_r(&seed) % 2)) {
			held[n] = mpool_alloc(c->pool);
			if (!held[n]) {
				c->failed++;
				continue;
			}
			*held[n++] = c->cpu + 1;
		} else {
			j = rand_r(&seed) % n;
			c->bad += *held[j] != (unsigned long)c->cpu + 1;
			c->bad += mpool_free_checked(c->pool, held[j]) != 0;
			held[j] = held[--n];
		}
	}
	while (n)
		c->bad += mpool_free_checked(c->pool, held[--n]) != 0;
	shim_cpu_exit();
	return NULL;
}

static void churn(unsigned int flags)
{
	struct mpool *pool = create(NULL, 64, 160, 0, flags);
	struct churner c[2];
	struct mpool_stats st;
	pthread_t t[2];
	int i;

	shim_cpu_exit();
	for (i = 0; i < 2; i++) {
		c[i] = (struct churner){ .pool = pool, .cpu = i,
					 .ops = 400000 };
		pthread_create(&t[i], NULL, churn_fn, &c[i]);
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	shim_cpu_enter(0);
	EXPECT(c[0].bad == 0 && c[1].bad == 0);
	st = stats(pool);
	EXPECT(st.blocks_in_use == 0 && st.blocks_free == 160);
	EXPECT(st.allocs == st.frees);
	EXPECT(st.invalid_frees == 0);
	EXPECT(st.alloc_failures == c[0].failed + c[1].failed);
	mpool_destroy(pool);
}

static void test_concurrent_churn(void)
{
	churn(0);
}

static void test_percpu_churn(void)
{
	churn(MPOOL_F_PERCPU);
}

/* ---- the budget and the debug modes (mutants the suites let live) ---- */

/* What userspace's pools hold now, and what is left of max_bytes. */
static struct mpool_budget budget(void)
{
	struct mpool_budget b;

	mpool_budget_get(&b);
	return b;
}

/*
 * mpool_create_user(): "-EOVERFLOW when the region would pass
 * MPOOL_USER_REGION_MAX": a region of exactly 2^40 bytes does not pass
 * it, and is refused for the budget instead (-EDQUOT), one block more is
 * refused for its size.  Neither costs memory.
 */
static void test_user_region_max(void)
{
	struct mpool *p;

	p = mpool_create_user("engine-2e40", 1 << 20, 1 << 20, 0, 0);
	EXPECT(PTR_ERR(p) == -EDQUOT);
	p = mpool_create_user("engine-2e40", 1 << 20, (1 << 20) + 1, 0, 0);
	EXPECT(PTR_ERR(p) == -EOVERFLOW);
}

/*
 * "-EDQUOT when the pools created through this function would reserve
 * more than max_bytes together" (mpool_create_user()): reserving exactly
 * max_bytes is allowed, a page more is not.  bytes_reserved is "region
 * plus metadata, each in whole pages", so a one-block pool whose block
 * is a page larger reserves a page more.
 */
static void test_max_bytes_exact(void)
{
	struct mpool_budget b = budget();
	struct mpool *probe, *full, *over;
	u64 left, probe_bytes;

	probe = mpool_create_user("engine-probe", PAGE_SIZE, 1, 0, 0);
	EXPECT(!IS_ERR(probe));
	if (IS_ERR(probe))
		return;
	probe_bytes = stats(probe).bytes_reserved;
	mpool_destroy(probe);
	EXPECT(budget().bytes == b.bytes);

	left = b.max_bytes - b.bytes;
	full = mpool_create_user("engine-full", PAGE_SIZE + left - probe_bytes,
				 1, 0, 0);
	EXPECT(!IS_ERR(full));
	if (IS_ERR(full))
		return;
	EXPECT(stats(full).bytes_reserved == left);
	EXPECT(budget().bytes == b.max_bytes);
	/* Nothing is left: not even the smallest pool. */
	over = mpool_create_user("engine-over", 1, 1, 0, 0);
	EXPECT(PTR_ERR(over) == -EDQUOT);
	mpool_destroy(full);
	full = mpool_create_user("engine-full",
				 2 * PAGE_SIZE + left - probe_bytes, 1, 0, 0);
	EXPECT(PTR_ERR(full) == -EDQUOT);
	EXPECT(budget().bytes == b.bytes);
}

/*
 * mpool_create_user(): "-ENOSPC when max_pools of them exist": exactly
 * max_pools may exist at once, and one destroyed makes room again.
 */
static void test_max_pools(void)
{
	struct mpool_budget b = budget();
	unsigned int i, n = 0, want = b.max_pools - b.pools;
	struct mpool **pools = calloc(want + 1, sizeof(*pools));
	char name[MPOOL_NAME_MAX];
	struct mpool *p;

	for (i = 0; i <= want; i++) {
		snprintf(name, sizeof(name), "engine-pool-%u", i);
		p = mpool_create_user(name, 8, 1, 0, 0);
		if (IS_ERR(p)) {
			EXPECT(PTR_ERR(p) == -ENOSPC);
			break;
		}
		pools[n++] = p;
	}
	EXPECT(n == want);
	EXPECT(budget().pools == b.max_pools);
	if (n) {
		mpool_destroy(pools[--n]);
		p = mpool_create_user("engine-pool-again", 8, 1, 0, 0);
		EXPECT(!IS_ERR(p));
		if (!IS_ERR(p))
			pools[n++] = p;
	}
	while (n)
		mpool_destroy(pools[--n]);
	free(pools);
	EXPECT(budget().pools == b.pools);
}

/*
 * mpool_debug_set(): "-EDQUOT when a device pool's arrays would pass the
 * module's max_bytes (a kernel user's pool is never charged)", and "All
 * or nothing": the modes stay as they were.
 */
static void test_debug_charged(void)
{
	struct mpool_debug_modes track = { -1, 1, -1 }, m;
	struct mpool_budget b = budget();
	struct mpool *user, *fill, *kern;
	u64 left = b.max_bytes - b.bytes;

	/* 4096 blocks, all of what is left of the budget but a page. */
	user = mpool_create_user("engine-dbg-quota", 8, 4096, 0, 0);
	EXPECT(!IS_ERR(user));
	if (IS_ERR(user))
		return;
	left -= stats(user).bytes_reserved;
	fill = mpool_create_user("engine-dbg-fill", left - 2 * PAGE_SIZE, 1,
				 PAGE_SIZE, 0);
	EXPECT(!IS_ERR(fill));
	/* Tracking 4096 blocks takes 32 KiB: more than the page left. */
	EXPECT(mpool_debug_set(user, &track) == -EDQUOT);
	mpool_debug_get(user, &m);
	EXPECT(m.track == 0);
	EXPECT(budget().bytes == b.max_bytes - PAGE_SIZE);
	if (!IS_ERR(fill))
		mpool_destroy(fill);
	/* With room, it works and is charged. */
	EXPECT(mpool_debug_set(user, &track) == 0);
	EXPECT(budget().bytes - b.bytes == stats(user).bytes_reserved);
	mpool_destroy(user);
	/* A kernel user's pool is not charged, budget full or not. */
	kern = create(NULL, 8, 4096, 0, 0);
	EXPECT(mpool_debug_set(kern, &track) == 0);
	EXPECT(budget().bytes == b.bytes);
	mpool_destroy(kern);
}

/*
 * The quarantine's blocks are "neither free nor in use" (the stats'
 * quarantined); high_watermark is the "most blocks in use at once since
 * reset", and a reset restarts it "at the blocks in use now".
 */
static void test_quarantine_stats(void)
{
	struct mpool_debug_modes q = { -1, -1, 2 };
	struct mpool *pool = create(NULL, 32, 8, 0, MPOOL_F_QUIET);
	struct mpool_stats st;
	void *b[4];
	int i;

	EXPECT(mpool_debug_set(pool, &q) == 0);
	for (i = 0; i < 4; i++)
		b[i] = mpool_alloc(pool);
	mpool_free(pool, b[0]);
	mpool_free(pool, b[1]);
	st = stats(pool);
	EXPECT(st.quarantined == 2);
	EXPECT(st.blocks_in_use == 2 && st.blocks_free == 4);
	mpool_reset_stats(pool);
	EXPECT(stats(pool).high_watermark == 2);
	b[0] = mpool_alloc(pool);
	EXPECT(stats(pool).high_watermark == 3);
	mpool_free(pool, b[0]);
	mpool_free(pool, b[2]);
	mpool_free(pool, b[3]);
	mpool_destroy(pool);
}

/* frees: "successful frees", on a poisoning pool too, on both paths. */
static void poison_frees(unsigned int flags)
{
	struct mpool *pool = create(NULL, 32, 4, 0, flags | MPOOL_F_POISON);
	void *a = mpool_alloc(pool);

	mpool_free(pool, a);
	EXPECT(stats(pool).frees == 1 && stats(pool).allocs == 1);
	EXPECT(stats(pool).blocks_free == 4);
	mpool_destroy(pool);
}

static void test_poison_frees(void)
{
	poison_frees(0);
	poison_frees(MPOOL_F_PERCPU);
}

/*
 * mpool_debug_set(): "-EINVAL for a value out of range (a quarantine of
 * the pool's blocks or more, or over 65536)", and -1 is the only
 * negative value ("-1 leaves one as it is"): a quarantine of 65536 is in
 * range, poison -2 is not.
 */
static void test_debug_range(void)
{
	struct mpool_debug_modes bad = { -2, -1, -1 }, max = { -1, -1, 65536 };
	struct mpool_debug_modes off = { -1, -1, 0 }, m;
	struct mpool *pool = create(NULL, 8, 65537, 0, MPOOL_F_QUIET);

	EXPECT(mpool_debug_set(pool, &bad) == -EINVAL);
	EXPECT(mpool_debug_set(pool, &max) == 0);
	mpool_debug_get(pool, &m);
	EXPECT(m.poison == 0 && m.track == 0 && m.quarantine == 65536);
	EXPECT(mpool_debug_set(pool, &off) == 0);
	mpool_destroy(pool);
}

/*
 * mpool_debug_set(): "blocks freed before poisoning are not checked",
 * even one that was poisoned by an earlier poisoning and allocated while
 * poisoning was off.
 */
static void test_poison_switched_again(void)
{
	struct mpool_debug_modes on = { 1, -1, -1 }, off = { 0, -1, -1 };
	struct mpool *pool = create(NULL, 64, 4, 0, MPOOL_F_QUIET);
	char *a = mpool_alloc(pool);

	EXPECT(mpool_debug_set(pool, &on) == 0);
	mpool_free(pool, a);		/* poisoned */
	EXPECT(mpool_debug_set(pool, &off) == 0);
	EXPECT(mpool_alloc(pool) == a);	/* not checked: poisoning is off */
	memset(a, 1, 64);
	mpool_free(pool, a);		/* not poisoned */
	EXPECT(mpool_debug_set(pool, &on) == 0);
	EXPECT(mpool_alloc(pool) == a);
	EXPECT(stats(pool).poison_errors == 0);
	mpool_free(pool, a);
	mpool_destroy(pool);
}

/*
 * The quarantine "reports any byte changed meanwhile" (mpool_debug_set()):
 * every such block on a pool that is not MPOOL_F_QUIET, not only the
 * first (only a quiet pool stops at one).
 */
static void test_quarantine_reports_each(void)
{
	struct mpool_debug_modes q = { -1, -1, 1 };
	struct mpool *pool = create(NULL, 32, 4, 0, 0);
	char *a = mpool_alloc(pool), *b = mpool_alloc(pool);
	char *c = mpool_alloc(pool);
	unsigned long lines;

	EXPECT(mpool_debug_set(pool, &q) == 0);
	lines = shim_printk_lines;
	mpool_free(pool, a);
	a[1] = 0;
	mpool_free(pool, b);		/* pushes a out: reported */
	b[2] = 0;
	mpool_free(pool, c);		/* pushes b out: reported */
	EXPECT(shim_printk_lines == lines + 2);
	EXPECT(stats(pool).poison_errors == 2);
	mpool_destroy(pool);
}

/* mpool_reset_stats() zeroes "a pool's counters": the per-CPU ones too. */
static void test_percpu_reset(void)
{
	struct mpool *pool = create(NULL, 32, 64, 0, MPOOL_F_PERCPU);
	void *a = mpool_alloc(pool);

	mpool_free(pool, a);
	a = mpool_alloc(pool);
	mpool_reset_stats(pool);
	EXPECT(stats(pool).allocs == 0 && stats(pool).frees == 0);
	mpool_free(pool, a);
	mpool_destroy(pool);
}

/*
 * MPOOL_DEV_BLOCK_BYTES (mempool_internal.h): what the device keeps per
 * block of a pool it made is "charged to the pool with the engine's
 * metadata": in bytes_reserved and in the budget.
 */
static void test_user_metadata(void)
{
	enum { N = 8192 };
	struct mpool *kern = create(NULL, 8, N, 0, 0);
	struct mpool *user = mpool_create_user("engine-meta", 8, N, 0, 0);

	EXPECT(!IS_ERR(user));
	if (IS_ERR(user))
		goto out;
	EXPECT(stats(user).bytes_reserved >=
	       stats(kern).bytes_reserved + N * MPOOL_DEV_BLOCK_BYTES);
	mpool_destroy(user);
out:
	mpool_destroy(kern);
}

/*
 * struct mpool_budget: destroyed_bytes are "of @bytes, those of destroyed
 * pools": a debug mode's arrays charged to an unpublished pool count
 * there too, and all of it goes with its memory.
 */
static void test_unpublished_debug_charge(void)
{
	struct mpool_debug_modes track = { -1, 1, -1 };
	struct mpool_budget b = budget(), now;
	struct mpool *user = mpool_create_user("engine-unpub", 8, 4096, 0, 0);

	EXPECT(!IS_ERR(user));
	if (IS_ERR(user))
		return;
	mpool_unpublish(user);
	EXPECT(mpool_debug_set(user, &track) == 0);
	now = budget();
	EXPECT(now.bytes - b.bytes == stats(user).bytes_reserved);
	EXPECT(now.destroyed_bytes - b.destroyed_bytes ==
	       stats(user).bytes_reserved);
	mpool_destroy(user);
	now = budget();
	EXPECT(now.bytes == b.bytes && now.destroyed_bytes == b.destroyed_bytes);
	EXPECT(now.destroyed_pools == b.destroyed_pools);
}

/*
 * mpool_destroy(): "Blocks still allocated are freed with the region and
 * reported in the kernel log": on a per-CPU pool, blocks freed into a
 * CPU's cache are not allocated, and are not reported.
 */
static void test_percpu_destroy_freed(void)
{
	struct mpool *pool = create(NULL, 32, 64, 0, MPOOL_F_PERCPU);
	unsigned long lines = shim_printk_lines;
	void *a = mpool_alloc(pool), *b = mpool_alloc(pool);

	mpool_free(pool, a);
	mpool_free(pool, b);
	mpool_destroy(pool);
	EXPECT(shim_printk_lines == lines);
	/* One live block: the summary and that block, nothing more. */
	pool = create(NULL, 32, 64, 0, MPOOL_F_PERCPU);
	a = mpool_alloc(pool);
	b = mpool_alloc(pool);
	mpool_free(pool, a);
	lines = shim_printk_lines;
	mpool_destroy(pool);
	EXPECT(shim_printk_lines == lines + 2);
}

int main(void)
{
	setenv("SHIM_QUIET", "1", 0);
	shim_cpu_enter(0);
	if (mpool_cpuhp_init()) {
		printf("Bail out! mpool_cpuhp_init\n");
		return 1;
	}
	run("lifo", test_lifo);
	run("exhausted_null", test_exhausted_null);
	run("percpu_exhaust", test_percpu_exhaust);
	run("bad_free_keeps_live", test_bad_free_keeps_live);
	run("percpu_double_free", test_percpu_double_free);
	run("zero", test_zero);
	run("poison_untouched", test_poison_untouched);
	run("percpu_poison", test_percpu_poison);
	run("track_caller", test_track_caller);
	run("copy_roundtrip", test_copy_roundtrip);
	run("destroy_live", test_destroy_live);
	run("name_exists", test_name_exists);
	run("max_bytes", test_max_bytes);
	run("timeout_expires", test_timeout_expires);
	run("waiter_woken", test_waiter_woken);
	run("percpu_wait_drains", test_percpu_wait_drains);
	run("percpu_cpu_offline", test_percpu_cpu_offline);
	run("percpu_double_free_race", test_percpu_double_free_race);
	run("concurrent_churn", test_concurrent_churn);
	run("percpu_churn", test_percpu_churn);
	run("user_region_max", test_user_region_max);
	run("max_bytes_exact", test_max_bytes_exact);
	run("max_pools", test_max_pools);
	run("debug_charged", test_debug_charged);
	run("quarantine_stats", test_quarantine_stats);
	run("poison_frees", test_poison_frees);
	run("debug_range", test_debug_range);
	run("poison_switched_again", test_poison_switched_again);
	run("quarantine_reports_each", test_quarantine_reports_each);
	run("percpu_reset", test_percpu_reset);
	run("user_metadata", test_user_metadata);
	run("unpublished_debug_charge", test_unpublished_debug_charge);
	run("percpu_destroy_freed", test_percpu_destroy_freed);
	printf("1..%d\n", tests);
	mpool_cpuhp_exit();
	return failures != 0;
}
