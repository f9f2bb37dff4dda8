// SPDX-License-Identifier: GPL-2.0
/*
 * cache_cost.c - the per-thread cache's fast path on the host CPU, where
 * the guest's TCG cannot time it (issue 23's goal: a pair through the
 * cache within 3x a thread-local free list).  cache.c is linked with a
 * stand-in for the device (the five calls it makes to mpool.c, below), so
 * a refill is a memcpy under a mutex instead of an ioctl; the steady
 * state, which makes no call at all, is the library's own code.
 *
 *   cache_cost [--pairs N] [--threads T] [--rounds R]
 *	ns per pair of the cache and of the ideal at T threads (median
 *	over R rounds) and their ratio; this is a timing, never asserted.
 *   cache_cost --count cache|ideal --pairs N
 *	runs N pairs of one of them in one thread, for valgrind to count
 *	(tests/cache_budget.sh: instructions per pair, asserted against
 *	its budget by make -C tools/lib/mpool test).
 *
 * Both loops are those of make lib-bench (tools/testing/lib/
 * mpool_lib_bench.c): alloc, write a word of the block, free.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libmpool.h"

#define BLOCK		64
#define NR_BLOCKS	4096
#define BATCH		32
#define MAX_THREADS	8
#define MAX_ROUNDS	15

/* ---- the device, stood in for ----------------------------------------- */

static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t dev_free[NR_BLOCKS];
static uint32_t dev_nr_free;
static void *dev_region;

int mpool_stats(int fd, const char *name, struct mpool_ioc_stats *st)
{
	(void)fd;
	(void)name;
	memset(st, 0, sizeof(*st));
	st->out_stride = BLOCK;
	st->out_blocks_total = NR_BLOCKS;
	st->out_flags = MPOOL_CREATE_MAP_WRITE;
	return 0;
}

int mpool_map(int fd, const char *name, int prot, struct mpool_map *map)
{
	uint32_t i;

	(void)fd;
	(void)name;
	(void)prot;
	if (posix_memalign(&dev_region, 4096, (size_t)NR_BLOCKS * BLOCK))
		return -ENOMEM;
	for (i = 0; i < NR_BLOCKS; i++)
		dev_free[i] = mpool_handle_make((uint64_t)i * BLOCK, 1);
	dev_nr_free = NR_BLOCKS;
	memset(map, 0, sizeof(*map));
	map->base = dev_region;
	map->length = (size_t)NR_BLOCKS * BLOCK;
	return 0;
}

int mpool_unmap(struct mpool_map *map)
{
	free(map->base);
	map->base = NULL;
	map->length = 0;
	return 0;
}

int mpool_alloc(int fd, const char *name, uint64_t *handles, uint32_t count,
		uint32_t flags, uint32_t timeout_ms)
{
	uint32_t n;

	(void)fd;
	(void)name;
	(void)flags;
	(void)timeout_ms;
	pthread_mutex_lock(&dev_lock);
	n = count < dev_nr_free ? count : dev_nr_free;
	dev_nr_free -= n;
	memcpy(handles, &dev_free[dev_nr_free], n * sizeof(*handles));
	pthread_mutex_unlock(&dev_lock);
	return n ? (int)n : -ENOSPC;
}

int mpool_free(int fd, const char *name, const uint64_t *handles,
	       uint32_t count, int32_t *results)
{
	(void)fd;
	(void)name;
	(void)results;
	pthread_mutex_lock(&dev_lock);
	memcpy(&dev_free[dev_nr_free], handles, count * sizeof(*handles));
	dev_nr_free += count;
	pthread_mutex_unlock(&dev_lock);
	return (int)count;
}

/* ---- the two loops ------------------------------------------------------ */

static struct mpool_cache *cache;

static int run_cache(unsigned long n)
{
	unsigned long i;
	uint64_t h;

	for (i = 0; i < n; i++) {
		if (mpool_cache_alloc(cache, &h))
			return -1;
		*(volatile uint64_t *)mpool_cache_ptr(cache, h) = i;
		if (mpool_cache_free(cache, h))
			return -1;
	}
	return mpool_cache_flush(cache) < 0 ? -1 : 0;
}

/* The ideal: make lib-bench's, a free list of this thread's own. */
#include "../../../testing/lib/ideal_list.h"

/* ---- timing ------------------------------------------------------------- */

struct job {
	int (*run)(unsigned long n);
	unsigned long pairs;
	pthread_barrier_t *start;
	double ns;
	int err;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	double t0;

	/* untimed warm-up: the thread's array, the code in the caches */
	j->err = j->run(j->pairs / 10 + 1);
	pthread_barrier_wait(j->start);
	t0 = now_ns();
	j->err |= j->run(j->pairs);
	j->ns = (now_ns() - t0) / j->pairs;
	return NULL;
}

/* ns per pair of the slowest of @threads threads, or -1. */
static double one_round(int (*run)(unsigned long), unsigned long pairs,
			int threads)
{
	pthread_t t[MAX_THREADS];
	struct job j[MAX_THREADS];
	pthread_barrier_t start;
	double worst = 0;
	int i;

	pthread_barrier_init(&start, NULL, threads);
	for (i = 0; i < threads; i++) {
		j[i] = (struct job){ .run = run, .pairs = pairs, .start = &start };
		pthread_create(&t[i], NULL, worker, &j[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		if (j[i].err)
			worst = -1;
		else if (worst >= 0 && j[i].ns > worst)
			worst = j[i].ns;
	}
	pthread_barrier_destroy(&start);
	return worst;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pairs", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "count", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long pairs = 20000000;
	int threads = 1, rounds = 5, c, r, k;
	const char *count = NULL;
	double t[2][MAX_ROUNDS];

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pairs = strtoul(optarg, NULL, 0);
			break;
		case 't':
			threads = atoi(optarg);
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'c':
			count = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (!pairs || threads < 1 || threads > MAX_THREADS || rounds < 1 ||
	    rounds > MAX_ROUNDS)
		goto usage;
	r = mpool_cache_create(-1, "cost", BATCH, &cache);
	if (r) {
		fprintf(stderr, "cache_cost: mpool_cache_create: %s\n",
			strerror(-r));
		return 1;
	}
	if (count) {
		if (!strcmp(count, "cache"))
			r = run_cache(pairs);
		else if (!strcmp(count, "ideal"))
			r = run_ideal(pairs);
		else
			goto usage;
		return r ? 1 : 0;
	}
	/* the two alternate, round by round */
	for (k = 0; k < rounds; k++) {
		t[0][k] = one_round(run_cache, pairs, threads);
		t[1][k] = one_round(run_ideal, pairs, threads);
		if (t[0][k] < 0 || t[1][k] < 0) {
			fprintf(stderr, "cache_cost: a run failed\n");
			return 1;
		}
	}
	qsort(t[0], rounds, sizeof(double), cmp_dbl);
	qsort(t[1], rounds, sizeof(double), cmp_dbl);
	printf("%d thread(s), %lu pairs a thread, median of %d rounds (wall clock)\n",
	       threads, pairs, rounds);
	printf("libmpool-cache %8.2f ns/pair (%.2f-%.2f)\n", t[0][rounds / 2],
	       t[0][0], t[0][rounds - 1]);
	printf("ideal          %8.2f ns/pair (%.2f-%.2f)\n", t[1][rounds / 2],
	       t[1][0], t[1][rounds - 1]);
	printf("cache / ideal  %8.2f (issue 23's goal: <= 3)\n",
	       t[0][rounds / 2] / t[1][rounds / 2]);
	mpool_cache_destroy(cache);
	return 0;
usage:
	fprintf(stderr, "usage: cache_cost [--pairs N] [--threads T] [--rounds R] [--count cache|ideal]\n");
	return 2;
}
