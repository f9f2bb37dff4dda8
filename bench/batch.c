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
 * hold time per batch the scaling model of docs/api.md uses.
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

/* In an IPI: leave this CPU's cache holding blocks (a refill of a batch). */
static void bench_drain_seed(void *arg)
{
	struct mpool *pool = arg;
	void *block = mpool_alloc(pool);

	if (block)
		mpool_free(pool, block);
}

/*
 * BENCH_DRAIN_WAITS allocations that must wait, on @pool with no block
 * left to the caller: if @seed, each after every other CPU's cache was
 * left holding blocks, so that each wait interrupts those CPUs, drains
 * them and is served at once; else with every cache empty, so that each
 * times out after a jiffy.  Returns the drain IPIs per wait, in
 * hundredths, from the pool's own count; *@ns the time a wait took.
 */
static unsigned int bench_drain_round(struct mpool *pool, bool seed,
				      u64 *ns)
{
	struct mpool_stats before, after;
	unsigned int i, n = 0;
	void **held;
	void *block;
	u64 t, spent = 0;

	held = kvmalloc_array(4096, sizeof(void *), GFP_KERNEL);
	if (!held)
		return 0;
	mpool_get_stats(pool, &before);
	for (i = 0; i < BENCH_DRAIN_WAITS; i++) {
		if (seed)
			on_each_cpu(bench_drain_seed, pool, 1);
		/* Take what this CPU's cache and the shared stack hold. */
		while (n < 4096 && (block = mpool_alloc(pool)))
			held[n++] = block;
		t = local_clock();
		block = mpool_alloc_timeout(pool, 1);
		spent += local_clock() - t;
		if (!IS_ERR(block))
			held[n++] = block;	/* n < 4096: one left for it */
		while (n)
			mpool_free(pool, held[--n]);
	}
	mpool_get_stats(pool, &after);
	kvfree(held);
	*ns = div_u64(spent, BENCH_DRAIN_WAITS);
	return div_u64((after.drain_ipis - before.drain_ipis) * 100,
		       BENCH_DRAIN_WAITS);
}

/*
 * /sys/kernel/debug/mempool_bench/drain (0400): what a waiting allocation
 * costs the other CPUs, on a per-CPU pool of 64-byte blocks with
 * 16 blocks per online CPU and 32 more: the drain IPIs per wait when every other
 * CPU's cache holds blocks (cached_ipis, in hundredths as a decimal) and
 * when none does (empty_ipis), with the time a wait took in each case
 * (the empty one sleeps its jiffy).
 */
int bench_drain_show(struct seq_file *m, void *v)
{
	unsigned int cpus = num_online_cpus(), cached, empty;
	struct mpool *pool;
	u64 cached_ns, empty_ns;

	/*
	 * A batch for each CPU, and a full cache (32) more: the reader's
	 * frees at the end of a round may leave all of theirs in its cache,
	 * and the shared stack must still refill every other CPU.
	 */
	pool = mpool_create(NULL, 64, min(16 * cpus + 32, 4000U), 0,
			    MPOOL_F_PERCPU | MPOOL_F_QUIET);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	cached = bench_drain_round(pool, true, &cached_ns);
	empty = bench_drain_round(pool, false, &empty_ns);
	mpool_destroy(pool);
	seq_printf(m, "cpus=%u waits=%u cached_ipis=%u.%02u cached_ns=%llu empty_ipis=%u.%02u empty_ns=%llu\n",
		   cpus, BENCH_DRAIN_WAITS, cached / 100, cached % 100,
		   cached_ns, empty / 100, empty % 100, empty_ns);
	return 0;
}
