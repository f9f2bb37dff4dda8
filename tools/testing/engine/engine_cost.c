// SPDX-License-Identifier: GPL-2.0
/*
 * engine_cost PATH N: N alloc+free pairs on one thread, after a warm-up,
 * in cost_pairs(), the function valgrind counts the instructions of
 * (budget.sh).  PATH is "percpu" (an MPOOL_F_PERCPU pool: the per-CPU
 * cache), "shared" (no flags: the shared stack under the pool lock) or
 * "burst" (the per-CPU pool, in bursts of BURST allocs then as many frees,
 * engine_bench's burst: N rounded down to a multiple of BURST).
 * Prints the locked operations the pairs did: exact in the counting build
 * (engine_cost_locked), 0 in the other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mempool_internal.h"
#include "shim.h"

static noinline int cost_pairs(struct mpool *pool, unsigned long n)
{
	unsigned long i;
	void *block;

	for (i = 0; i < n; i++) {
		block = mpool_alloc(pool);
		if (!block)
			return -1;
		mpool_free(pool, block);
	}
	return 0;
}

/* As many blocks as a NAPI poll's budget, or engine_bench's burst. */
#define BURST	64

static noinline int cost_burst(struct mpool *pool, unsigned long n)
{
	void *blocks[BURST];
	unsigned long i;
	unsigned int j;

	for (i = 0; i + BURST <= n; i += BURST) {
		for (j = 0; j < BURST; j++) {
			blocks[j] = mpool_alloc(pool);
			if (!blocks[j])
				return -1;
		}
		for (j = 0; j < BURST; j++)
			mpool_free(pool, blocks[j]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int (*cost)(struct mpool *pool, unsigned long n) = cost_pairs;
	unsigned int flags = MPOOL_F_PERCPU;
	unsigned long n, locked;
	struct mpool *pool;

	if (argc != 3 || (strcmp(argv[1], "percpu") && strcmp(argv[1], "shared") &&
			  strcmp(argv[1], "burst"))) {
		fprintf(stderr, "usage: engine_cost percpu|shared|burst PAIRS\n");
		return 2;
	}
	if (!strcmp(argv[1], "shared"))
		flags = 0;
	if (!strcmp(argv[1], "burst"))
		cost = cost_burst;
	n = strtoul(argv[2], NULL, 0);
	shim_cpu_enter(0);
	if (mpool_cpuhp_init())
		return 1;
	pool = mpool_create(NULL, 64, 1024, 0, flags);
	if (IS_ERR(pool))
		return 1;
	/* Warm-up: the cache filled, every line touched once. */
	if (cost(pool, 1024))
		return 1;
	locked = shim_locked_ops;
	if (cost(pool, n))
		return 1;
	printf("pairs %lu locked %lu\n", n, shim_locked_ops - locked);
	mpool_destroy(pool);
	return 0;
}
