// SPDX-License-Identifier: GPL-2.0
/*
 * engine_cost PATH N: N alloc+free pairs on one thread, after a warm-up,
 * in cost_pairs(), the function valgrind counts the instructions of
 * (budget.sh).  PATH is "percpu" (an MPOOL_F_PERCPU pool: the per-CPU
 * cache) or "shared" (no flags: the shared stack under the pool lock).
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

int main(int argc, char **argv)
{
	unsigned long n, locked;
	unsigned int flags;
	struct mpool *pool;

	if (argc != 3 || (strcmp(argv[1], "percpu") && strcmp(argv[1], "shared"))) {
		fprintf(stderr, "usage: engine_cost percpu|shared PAIRS\n");
		return 2;
	}
	flags = strcmp(argv[1], "percpu") ? 0 : MPOOL_F_PERCPU;
	n = strtoul(argv[2], NULL, 0);
	shim_cpu_enter(0);
	if (mpool_cpuhp_init())
		return 1;
	pool = mpool_create(NULL, 64, 1024, 0, flags);
	if (IS_ERR(pool))
		return 1;
	/* Warm-up: the cache filled, every line touched once. */
	if (cost_pairs(pool, 1000))
		return 1;
	locked = shim_locked_ops;
	if (cost_pairs(pool, n))
		return 1;
	printf("pairs %lu locked %lu\n", n, shim_locked_ops - locked);
	mpool_destroy(pool);
	return 0;
}
