// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/mempool_bench/batch (0400): what moving one batch
 * between a CPU's cache and the shared stack adds to a call, measured on
 * this pool through its exported API.
 *
 * A per-CPU pool of 64-byte blocks; BENCH_BATCH_BURSTS bursts of 64 allocs
 * then 64 frees on the reader's CPU, every call timed with local_clock().
 * One call in BENCH_PCP_BATCH moves a batch: an alloc that finds its cache
 * empty refills BENCH_PCP_BATCH blocks from the shared stack, a free that
 * finds it full drains as many to it, each under the pool lock.  So the
 * slowest 1/16 of the calls are those, and the middle of that slowest
 * sixteenth (the 97th percentile) less the median (a call that stays in
 * the cache) is what a batch adds: the lock taken with interrupts off,
 * the indices copied, the lock released, uncontended.  That is the lock
 * hold time per batch the README's scaling model uses.
 *
 * Reading runs it (about a second under QEMU TCG) and gives one line:
 * calls=N alloc_p50_ns=N alloc_batch_ns=N free_p50_ns=N free_batch_ns=N
 * batch_ns=N (the mean of the two differences).
 */
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>

#include "bench.h"

#define BENCH_BATCH_BURSTS	2000
#define BENCH_PCP_BATCH		16	/* mempool_core.h's MPOOL_PCP_BATCH */

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

static u32 bench_elapsed(u64 t0)
{
	return min_t(u64, local_clock() - t0, U32_MAX);
}

/* The median, and the middle of the slowest 1/BENCH_PCP_BATCH. */
static void bench_batch_split(u32 *t, unsigned int n, u32 *p50, u32 *batch)
{
	sort(t, n, sizeof(*t), cmp_u32, NULL);
	*p50 = t[n / 2];
	*batch = t[n - n / (2 * BENCH_PCP_BATCH)];
}

int bench_batch_show(struct seq_file *m, void *v)
{
	unsigned int n = BENCH_BATCH_BURSTS * BENCH_BURST, na = 0, nf = 0, i, j;
	u32 *alloc_ns, *free_ns, ap50, abatch, fp50, fbatch;
	void *blocks[BENCH_BURST];
	struct mpool *pool;
	int ret = 0;
	u64 t0;

	alloc_ns = vmalloc(array_size(n, sizeof(u32)));
	free_ns = vmalloc(array_size(n, sizeof(u32)));
	pool = mpool_create(NULL, 64, 4 * BENCH_BURST, 0,
			    MPOOL_F_PERCPU | MPOOL_F_QUIET);
	if (!alloc_ns || !free_ns || IS_ERR(pool)) {
		ret = IS_ERR(pool) ? PTR_ERR(pool) : -ENOMEM;
		goto out;
	}
	for (i = 0; i < BENCH_BATCH_BURSTS; i++) {
		for (j = 0; j < BENCH_BURST; j++) {
			t0 = local_clock();
			blocks[j] = mpool_alloc(pool);
			alloc_ns[na++] = bench_elapsed(t0);
			if (!blocks[j])
				break;
		}
		while (j--) {
			t0 = local_clock();
			mpool_free(pool, blocks[j]);
			free_ns[nf++] = bench_elapsed(t0);
		}
		cond_resched();
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto out;
		}
	}
	if (!nf) {
		ret = -ENOMEM;
		goto out;
	}
	bench_batch_split(alloc_ns, na, &ap50, &abatch);
	bench_batch_split(free_ns, nf, &fp50, &fbatch);
	seq_printf(m, "calls=%u alloc_p50_ns=%u alloc_batch_ns=%u free_p50_ns=%u free_batch_ns=%u batch_ns=%u\n",
		   na + nf, ap50, abatch, fp50, fbatch,
		   ((abatch - ap50) + (fbatch - fp50)) / 2);
out:
	if (!IS_ERR_OR_NULL(pool))
		mpool_destroy(pool);
	vfree(free_ns);
	vfree(alloc_ns);
	return ret;
}

#define BENCH_DRAIN_WAITS	100

/*
 * /sys/kernel/debug/mempool_bench/drain (0400): BENCH_DRAIN_WAITS
 * allocations that must wait, each for one jiffy, on a per-CPU pool whose
 * one block is taken: each sends the drain IPI to the other CPUs before
 * it sleeps.  The guest counts the function-call interrupts (CAL in
 * /proc/interrupts) around the read; the line says how many waits there
 * were and the time each took, its sleep included.
 */
int bench_drain_show(struct seq_file *m, void *v)
{
	struct mpool *pool;
	unsigned int i, waited = 0;
	void *held, *block;
	u64 t0, ns;

	pool = mpool_create(NULL, 64, 1, 0, MPOOL_F_PERCPU | MPOOL_F_QUIET);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	held = mpool_alloc(pool);
	t0 = local_clock();
	for (i = 0; held && i < BENCH_DRAIN_WAITS; i++) {
		block = mpool_alloc_timeout(pool, 1);
		if (!IS_ERR(block)) {
			mpool_free(pool, block);	/* cannot be: held */
			continue;
		}
		if (PTR_ERR(block) != -ETIMEDOUT)
			break;
		waited++;
	}
	ns = local_clock() - t0;
	if (held)
		mpool_free(pool, held);
	mpool_destroy(pool);
	seq_printf(m, "waits=%u cpus=%u ns_per_wait=%llu\n", waited,
		   num_online_cpus(), waited ? div_u64(ns, waited) : 0);
	return 0;
}
