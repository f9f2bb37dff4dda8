// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_lib_bench.c - what an alloc+free pair costs a process (make
 * lib-bench): libmpool's per-thread cache against a thread-local free
 * list (the ideal), malloc/free, a pool in a shared mapping guarded by a
 * robust process-shared mutex, and one ioctl per call; at 1 and 2
 * threads, in one run.  Each pair also writes 8 bytes into its block.
 *
 *   mpool_lib_bench [--no-device] [--ops N] [--rounds N] [--json FILE]
 *
 * --no-device: only the allocators that need no /dev/mempool (the host).
 * A round runs N pairs in each thread; its figure is the mean of the
 * threads' ns per pair.  ns_per_op is the median round, min_ns and
 * max_ns the fastest and slowest.  Prints a table; --json writes one
 * object per allocator and thread count.  No figure is checked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "libmpool.h"

#define BLOCK		64
#define NR_BLOCKS	4096
#define BATCH		32
#define MAX_THREADS	2
#define POOL		"lib_bench"

struct shared_pool {			/* robust-mutex: all in one mapping */
	pthread_mutex_t lock;
	uint32_t top;
	uint32_t free[NR_BLOCKS];
	unsigned char region[NR_BLOCKS][BLOCK];
};

static int fd = -1;
static struct mpool_cache *cache;
static struct mpool_map map;
static struct shared_pool *shp;
static unsigned long ops = 200000;

static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#include "ideal_list.h"

/* Each returns 0 or -errno; @n pairs. */
static int run_malloc(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		uint64_t *p = malloc(BLOCK);

		if (!p)
			return -ENOMEM;
		*(volatile uint64_t *)p = i;
		free(p);
	}
	return 0;
}

static int shp_lock(void)
{
	int r = pthread_mutex_lock(&shp->lock);

	/* its holder died: the stack is as the holder's last store left it */
	if (r == EOWNERDEAD)
		r = pthread_mutex_consistent(&shp->lock);
	return -r;
}

static int run_robust(unsigned long n)
{
	unsigned long i;
	uint32_t b;
	int r;

	for (i = 0; i < n; i++) {
		r = shp_lock();
		if (r)
			return r;
		if (!shp->top) {
			pthread_mutex_unlock(&shp->lock);
			return -ENOSPC;
		}
		b = shp->free[--shp->top];
		pthread_mutex_unlock(&shp->lock);
		*(volatile uint64_t *)shp->region[b] = i;
		r = shp_lock();
		if (r)
			return r;
		shp->free[shp->top++] = b;
		pthread_mutex_unlock(&shp->lock);
	}
	return 0;
}

static int run_cache(unsigned long n)
{
	unsigned long i;
	uint64_t h;
	int r;

	for (i = 0; i < n; i++) {
		r = mpool_cache_alloc(cache, &h);
		if (r)
			return r;
		*(volatile uint64_t *)mpool_cache_ptr(cache, h) = i;
		r = mpool_cache_free(cache, h);
		if (r)
			return r;
	}
	return mpool_cache_flush(cache) < 0 ? -EIO : 0;
}

static int run_ioctl(unsigned long n)
{
	unsigned long i;
	uint64_t h;
	int r;

	for (i = 0; i < n; i++) {
		r = mpool_alloc(fd, POOL, &h, 1, MPOOL_ALLOC_OWNED, 0);
		if (r < 0)
			return r;
		*(volatile uint64_t *)mpool_ptr(&map, h) = i;
		r = mpool_free(fd, POOL, &h, 1, NULL);
		if (r != 1)
			return r < 0 ? r : -EIO;
	}
	return 0;
}

struct allocator {
	const char *name;
	int (*run)(unsigned long n);
	int device;
	unsigned int ops_div;		/* a syscall a call: fewer pairs */
};

static const struct allocator allocators[] = {
	{ "libmpool-cache", run_cache, 1, 1 },
	{ "ideal", run_ideal, 0, 1 },
	{ "malloc", run_malloc, 0, 1 },
	{ "robust-mutex", run_robust, 0, 1 },
	{ "ioctl", run_ioctl, 1, 50 },
};

struct worker {
	pthread_t th;
	const struct allocator *a;
	unsigned long n;
	pthread_barrier_t *start;
	double ns;
	int err;
};

static void *worker(void *arg)
{
	struct worker *w = arg;
	double t;

	pthread_barrier_wait(w->start);
	t = now_ns();
	w->err = w->a->run(w->n);
	w->ns = now_ns() - t;
	return NULL;
}

/* One round at @threads threads: mean ns per pair, or -1. */
static double round_ns(const struct allocator *a, int threads)
{
	struct worker w[MAX_THREADS];
	pthread_barrier_t start;
	double sum = 0;
	int i;

	pthread_barrier_init(&start, NULL, threads);
	for (i = 0; i < threads; i++) {
		w[i] = (struct worker){ .a = a, .start = &start,
					.n = ops / a->ops_div ? ops / a->ops_div : 1 };
		if (pthread_create(&w[i].th, NULL, worker, &w[i]))
			return -1;
	}
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].th, NULL);
		if (w[i].err) {
			fprintf(stderr, "%s: %s\n", a->name, strerror(-w[i].err));
			return -1;
		}
		sum += w[i].ns / w[i].n;
	}
	pthread_barrier_destroy(&start);
	return sum / threads;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int setup_shared(void)
{
	pthread_mutexattr_t at;
	uint32_t i;

	shp = mmap(NULL, sizeof(*shp), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shp == MAP_FAILED)
		return -errno;
	pthread_mutexattr_init(&at);
	pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&shp->lock, &at);
	for (i = 0; i < NR_BLOCKS; i++)
		shp->free[i] = i;
	shp->top = NR_BLOCKS;
	return 0;
}

static int setup_device(void)
{
	int r;

	fd = mpool_open(O_RDWR);
	if (fd < 0)
		return fd;
	mpool_destroy(fd, POOL, MPOOL_DESTROY_FORCE);
	r = mpool_create(fd, POOL, BLOCK, NR_BLOCKS, 0, MPOOL_CREATE_MAP_WRITE);
	if (!r)
		r = mpool_map(fd, POOL, PROT_READ | PROT_WRITE, &map);
	if (!r)
		r = mpool_cache_create(fd, POOL, BATCH, &cache);
	return r;
}

int main(int argc, char **argv)
{
	unsigned int rounds = 5, r, i;
	const char *json = NULL, *sep = "";
	int no_device = 0, t, err;
	double ns[64];
	FILE *f = NULL;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--no-device"))
			no_device = 1;
		else if (!strcmp(argv[i], "--ops") && i + 1 < (unsigned int)argc)
			ops = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--rounds") && i + 1 < (unsigned int)argc)
			rounds = (unsigned int)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--json") && i + 1 < (unsigned int)argc)
			json = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--no-device] [--ops N] [--rounds N] [--json FILE]\n",
				argv[0]);
			return 2;
		}
	}
	if (!ops || !rounds || rounds > 64) {
		fprintf(stderr, "--ops at least 1, --rounds 1 to 64\n");
		return 2;
	}
	err = setup_shared();
	if (!err && !no_device)
		err = setup_device();
	if (err) {
		fprintf(stderr, "setup: %s\n", strerror(-err));
		return 1;
	}
	if (json) {
		f = fopen(json, "w");
		if (!f) {
			perror(json);
			return 1;
		}
		fprintf(f, "[");
	}
	printf("%-15s %7s %10s %10s %10s\n", "allocator", "threads",
	       "ns/pair", "min", "max");
	for (i = 0; i < sizeof(allocators) / sizeof(allocators[0]); i++) {
		const struct allocator *a = &allocators[i];

		if (a->device && no_device)
			continue;
		for (t = 1; t <= MAX_THREADS; t++) {
			for (r = 0; r < rounds; r++) {
				ns[r] = round_ns(a, t);
				if (ns[r] < 0)
					return 1;
			}
			qsort(ns, rounds, sizeof(ns[0]), cmp_double);
			printf("%-15s %7d %10.1f %10.1f %10.1f\n", a->name, t,
			       ns[rounds / 2], ns[0], ns[rounds - 1]);
			if (f)
				fprintf(f, "%s\n  {\"allocator\": \"%s\", \"threads\": %d, \"ns_per_op\": %.1f, \"min_ns\": %.1f, \"max_ns\": %.1f}",
					sep, a->name, t, ns[rounds / 2], ns[0],
					ns[rounds - 1]);
			sep = ",";
		}
	}
	if (f) {
		fprintf(f, "\n]\n");
		fclose(f);
	}
	if (cache) {
		mpool_cache_destroy(cache);
		mpool_unmap(&map);
		mpool_destroy(fd, POOL, 0);
	}
	return 0;
}
