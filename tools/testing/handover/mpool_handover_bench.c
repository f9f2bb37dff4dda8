// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_handover_bench: what handing an owned block over costs, against
 * allocating and freeing it, in one run.  Not a test: it prints figures
 * and asserts nothing about them.
 *
 *     mpool_handover_bench [N]   N blocks per phase (default 20000)
 *
 * One process, two open files (a producer's and a consumer's): N times
 * one block each, ns per ALLOC (owned), GIVE, TAKE and FREE, each phase
 * timed apart; then N ALLOC+FREE pairs in the same file (holding one
 * block, so its file keeps its entry for the pool); then the same
 * with batches of 64 handles.  Best of 3 runs of each.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libmpool.h"

#define P "ho_bench"
#define BATCH 64

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* GIVE, TAKE or FREE of @n handles: nonzero unless all @n were done. */
static int batch_op(int fd, int (*op)(int, const char *, const uint64_t *,
				      uint32_t, int32_t *),
		    uint64_t *h, uint32_t n)
{
	return op(fd, P, h, n, NULL) != (int)n;
}

/* ns per block of each phase for @n blocks, @b per call. */
static int run(int pa, int pc, uint64_t *h, int n, int b, double ns[5])
{
	double t[7];
	uint64_t anchor = 0;
	int i, err = 0;

	t[0] = now_ns();
	for (i = 0; i < n; i += b)
		err |= mpool_alloc(pa, P, h + i, b, MPOOL_ALLOC_OWNED, 0) != b;
	t[1] = now_ns();
	for (i = 0; i < n; i += b)
		err |= batch_op(pa, mpool_give, h + i, b);
	t[2] = now_ns();
	for (i = 0; i < n; i += b)
		err |= batch_op(pc, mpool_take, h + i, b);
	t[3] = now_ns();
	for (i = 0; i < n; i += b)
		err |= batch_op(pc, mpool_free, h + i, b);
	/*
	 * A producer holds blocks as it goes: one held through the pairs
	 * keeps its file's entry for the pool, as in the phases above.
	 */
	err |= mpool_alloc(pa, P, &anchor, 1, MPOOL_ALLOC_OWNED, 0) != 1;
	t[4] = now_ns();
	for (i = 0; i < n; i += b) {
		err |= mpool_alloc(pa, P, h, b, MPOOL_ALLOC_OWNED, 0) != b;
		err |= batch_op(pa, mpool_free, h, b);
	}
	t[5] = now_ns();
	err |= batch_op(pa, mpool_free, &anchor, 1);
	for (i = 0; i < 5; i++)
		ns[i] = (t[i + 1] - t[i]) / n;
	return err;
}

static void report(int pa, int pc, uint64_t *h, int n, int b)
{
	double best[5], ns[5], handover, pair;
	int r, i;

	for (i = 0; i < 5; i++)
		best[i] = 1e18;
	for (r = 0; r < 3; r++) {
		if (run(pa, pc, h, n, b, ns)) {
			printf("handover-bench: a call failed (batch %d)\n", b);
			return;
		}
		for (i = 0; i < 5; i++)
			if (ns[i] < best[i])
				best[i] = ns[i];
	}
	handover = best[1] + best[2];
	pair = best[4];
	printf("batch %2d: ns/block alloc %.0f give %.0f take %.0f free %.0f\n",
	       b, best[0], best[1], best[2], best[3]);
	printf("batch %2d: give+take+free %.0f ns, alloc+free %.0f ns (%.2fx);"
	       " %.0f handovers/s\n", b, handover + best[3], pair,
	       (handover + best[3]) / pair, 1e9 / handover);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20000;
	int pa = mpool_open(O_RDWR), pc = mpool_open(O_RDWR);
	uint64_t *h;

	if (n < BATCH * 2)
		n = BATCH * 2;
	n -= n % BATCH;
	h = calloc(n, sizeof(*h));
	if (pa < 0 || pc < 0 || !h || mpool_create(pa, P, 64, n + 1, 0, 0)) {
		printf("handover-bench: setup failed\n");
		return 1;
	}
	printf("handover-bench: %d blocks per phase, best of 3\n", n);
	report(pa, pc, h, n, 1);
	report(pa, pc, h, n, BATCH);
	mpool_destroy(pa, P, MPOOL_DESTROY_FORCE);
	return 0;
}
