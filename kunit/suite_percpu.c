// SPDX-License-Identifier: GPL-2.0
/*
 * mempool_percpu: the per-CPU caches of MPOOL_F_PERCPU pools, CPU hotplug,
 * cross-CPU wakeups and races with interrupts.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/percpu.h>
#include <linux/smp.h>

#include "mpool_test.h"

/*
 * Per-CPU caches (MPOOL_F_PERCPU).  Work that must happen on one CPU runs
 * there through smp_call_on_cpu(), in a bound kworker, and only records
 * what it saw: the checks happen back in the test's own thread.
 */
#define MPT_PCP_BLOCKS	64

struct mpt_pcp_work {
	struct mpool *pool;
	unsigned int n;		/* in: blocks to allocate; 0 for all */
	unsigned int got;	/* out: blocks allocated */
	bool dup;		/* out: a block was handed out twice */
	void *wait_block;	/* out: from mpool_alloc_timeout() */
	int ret[3];		/* out: from mpool_free_checked() */
	void *blocks[MPT_PCP_BLOCKS];
};

/* Allocates n blocks (or until NULL) on this CPU, then frees them all. */
static int mpt_pcp_cycle(void *data)
{
	struct mpt_pcp_work *w = data;
	unsigned int i, j, limit = w->n ? w->n : MPT_PCP_BLOCKS;

	w->got = 0;
	w->dup = false;
	while (w->got < limit && (w->blocks[w->got] = mpool_alloc(w->pool))) {
		for (j = 0; j < w->got; j++)
			w->dup |= w->blocks[j] == w->blocks[w->got];
		w->got++;
	}
	for (i = 0; i < w->got; i++)
		mpool_free(w->pool, w->blocks[i]);
	return 0;
}

/* On this CPU: a plain allocation, then a sleeping one if that failed. */
static int mpt_pcp_wait(void *data)
{
	struct mpt_pcp_work *w = data;

	w->blocks[0] = mpool_alloc(w->pool);
	w->wait_block = mpool_alloc_timeout(w->pool, HZ);
	if (w->blocks[0])
		mpool_free(w->pool, w->blocks[0]);
	if (!IS_ERR(w->wait_block))
		mpool_free(w->pool, w->wait_block);
	return 0;
}

static struct mpt_pcp_work *mpt_pcp_run(struct kunit *test, struct mpool *pool,
					unsigned int cpu, int (*fn)(void *),
					unsigned int n)
{
	struct mpt_pcp_work *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, w);
	w->pool = pool;
	w->n = n;
	KUNIT_ASSERT_EQ(test, smp_call_on_cpu(cpu, fn, w, false), 0);
	return w;
}

/* A second online CPU, or skip: caches are only interesting with two. */
static unsigned int mpt_other_cpu(struct kunit *test)
{
	unsigned int cpu = cpumask_next(cpumask_first(cpu_online_mask),
					cpu_online_mask);

	if (cpu >= nr_cpu_ids)
		kunit_skip(test, "needs two online CPUs");
	return cpu;
}

static unsigned int mpt_cached(struct mpool *pool, unsigned int cpu)
{
	return READ_ONCE(per_cpu_ptr(pool->pcp, cpu)->state) & ~MPOOL_PCP_BUSY;
}

/* On one CPU, every block comes out once, then the pool is empty. */
static void mpool_test_percpu_exhaust(struct kunit *test)
{
	struct mpool *pool = mpt_create(test, "mpt_pcp_exhaust", 48,
					MPT_PCP_BLOCKS, 16, MPOOL_F_PERCPU);
	unsigned int cpu = cpumask_first(cpu_online_mask);
	struct mpt_pcp_work *w;
	struct mpool_stats *st;

	w = mpt_pcp_run(test, pool, cpu, mpt_pcp_cycle, 0);
	KUNIT_EXPECT_EQ(test, w->got, MPT_PCP_BLOCKS);
	KUNIT_EXPECT_FALSE(test, w->dup);
	/* Run it again: the blocks came back through the cache. */
	w = mpt_pcp_run(test, pool, cpu, mpt_pcp_cycle, 0);
	KUNIT_EXPECT_EQ(test, w->got, MPT_PCP_BLOCKS);
	KUNIT_EXPECT_FALSE(test, w->dup);

	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->allocs, 2ULL * MPT_PCP_BLOCKS);
	KUNIT_EXPECT_EQ(test, st->frees, 2ULL * MPT_PCP_BLOCKS);
	KUNIT_EXPECT_EQ(test, st->alloc_failures, 0ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 0ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_free, (u64)MPT_PCP_BLOCKS);
	KUNIT_EXPECT_EQ(test, st->high_watermark, (u64)MPT_PCP_BLOCKS);
	/* The last frees stayed in that CPU's cache, counted as free. */
	KUNIT_EXPECT_GT(test, mpt_cached(pool, cpu), 0U);
	KUNIT_EXPECT_LE(test, mpt_cached(pool, cpu), (unsigned int)MPOOL_PCP_SIZE);
}

/* On this CPU: free a block twice, then take every block once. */
static int mpt_pcp_double(void *data)
{
	struct mpt_pcp_work *w = data;
	void *block = mpool_alloc(w->pool);

	w->ret[0] = mpool_free_checked(w->pool, block);
	w->ret[1] = mpool_free_checked(w->pool, block);
	w->ret[2] = mpool_free_checked(w->pool, block + 1);
	return mpt_pcp_cycle(data);
}

/* A double free is refused even though the cache takes no lock. */
static void mpool_test_percpu_double_free(struct kunit *test)
{
	struct mpool *pool = mpt_create(test, "mpt_pcp_double", 32,
					MPT_PCP_BLOCKS, 0,
					MPOOL_F_PERCPU | MPOOL_F_QUIET);
	struct mpt_pcp_work *w;

	w = mpt_pcp_run(test, pool, cpumask_first(cpu_online_mask),
			mpt_pcp_double, 0);
	KUNIT_EXPECT_EQ(test, w->ret[0], 0);
	KUNIT_EXPECT_EQ(test, w->ret[1], -ENXIO);
	KUNIT_EXPECT_EQ(test, w->ret[2], -EINVAL);
	KUNIT_EXPECT_EQ(test, mpt_stats(test, pool)->invalid_frees, 2ULL);
	/* The block went into the cache once: every block came out once. */
	KUNIT_EXPECT_EQ(test, w->got, MPT_PCP_BLOCKS);
	KUNIT_EXPECT_FALSE(test, w->dup);
}

static void mpt_add_cpu(void *cpu)
{
	add_cpu((long)cpu);
}

/* A CPU that goes offline hands its cache back. */
static void mpool_test_percpu_cpu_offline(struct kunit *test)
{
	struct mpool *pool = mpt_create(test, "mpt_pcp_offline", 64,
					MPT_PCP_BLOCKS, 0, MPOOL_F_PERCPU);
	unsigned int boot = cpumask_first(cpu_online_mask);
	unsigned int cpu = mpt_other_cpu(test);
	struct mpt_pcp_work *w;
	int ret;

	w = mpt_pcp_run(test, pool, cpu, mpt_pcp_cycle, 20);
	KUNIT_ASSERT_EQ(test, w->got, 20U);
	KUNIT_ASSERT_GT(test, mpt_cached(pool, cpu), 0U);

	ret = remove_cpu(cpu);
	if (ret)
		kunit_skip(test, "cannot offline CPU %u: %d", cpu, ret);
	/* Back online however the test ends; later tests want it. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, mpt_add_cpu,
							(void *)(long)cpu), 0);
	KUNIT_EXPECT_EQ(test, mpt_cached(pool, cpu), 0U);
	w = mpt_pcp_run(test, pool, boot, mpt_pcp_cycle, 0);
	kunit_release_action(test, mpt_add_cpu, (void *)(long)cpu);
	KUNIT_EXPECT_TRUE(test, cpu_online(cpu));
	KUNIT_EXPECT_EQ(test, w->got, MPT_PCP_BLOCKS);
	KUNIT_EXPECT_FALSE(test, w->dup);
	KUNIT_EXPECT_EQ(test, mpt_stats(test, pool)->blocks_in_use, 0ULL);
}

/* A sleeping allocation drains the caches of other CPUs. */
static void mpool_test_percpu_wait_drains(struct kunit *test)
{
	struct mpool *pool = mpt_create(test, "mpt_pcp_wait", 64,
					MPOOL_PCP_SIZE, 0, MPOOL_F_PERCPU);
	unsigned int boot = cpumask_first(cpu_online_mask);
	unsigned int cpu = mpt_other_cpu(test);
	struct mpt_pcp_work *w;
	struct mpool_stats *st;

	/* Every block ends up in @cpu's cache: exactly one cache's worth. */
	w = mpt_pcp_run(test, pool, cpu, mpt_pcp_cycle, 0);
	KUNIT_ASSERT_EQ(test, w->got, (unsigned int)MPOOL_PCP_SIZE);
	KUNIT_ASSERT_EQ(test, mpt_cached(pool, cpu), (unsigned int)MPOOL_PCP_SIZE);

	w = mpt_pcp_run(test, pool, boot, mpt_pcp_wait, 0);
	KUNIT_EXPECT_NULL_MSG(test, w->blocks[0],
			      "the other CPU's cache is not ours to take");
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, w->wait_block);
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->waits, 1ULL);
	KUNIT_EXPECT_EQ(test, st->timeouts, 0ULL);
	/* The NULL that ended the first cycle, and the plain allocation. */
	KUNIT_EXPECT_EQ(test, st->alloc_failures, 2ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 0ULL);
	/* Only the CPU whose cache held blocks was interrupted. */
	KUNIT_EXPECT_EQ(test, st->drain_ipis, 1ULL);
}

/*
 * A caller that sleeps again and again on an exhausted pool (a short
 * timeout in a loop) must not interrupt every CPU each time: all caches
 * are empty, so no CPU has anything to drain.
 */
static void mpool_test_percpu_wait_no_ipis(struct kunit *test)
{
	struct mpool *pool = mpt_create(test, "mpt_pcp_noipi", 64, 8, 0,
					MPOOL_F_PERCPU | MPOOL_F_QUIET);
	struct mpool_stats *st;
	unsigned int cpu;
	void *b[8], *p;
	int i;

	/* On one CPU, so that its cache takes, and hands out, all 8. */
	migrate_disable();
	for (i = 0; i < 8; i++)
		b[i] = mpool_alloc(pool);
	migrate_enable();
	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_NOT_NULL(test, b[i]);
	for_each_possible_cpu(cpu)
		KUNIT_ASSERT_EQ(test, mpt_cached(pool, cpu), 0U);
	for (i = 0; i < 10; i++) {
		p = mpool_alloc_timeout(pool, 1);
		KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(p), -ETIMEDOUT);
	}
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->waits, 10ULL);
	KUNIT_EXPECT_EQ(test, st->timeouts, 10ULL);
	KUNIT_EXPECT_EQ_MSG(test, st->drain_ipis, 0ULL,
			    "CPUs with empty caches were interrupted");
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, b[i]), 0);
}

static int mpt_pcp_free_first(void *data)
{
	struct mpt_pcp_work *w = data;

	w->ret[0] = mpool_free_checked(w->pool, w->blocks[0]);
	return 0;
}

/*
 * A sleeper on one CPU gets a block freed later on another: the free must
 * not leave it in that CPU's cache, which the sleeper cannot see.
 */
static void mpool_test_percpu_waiter_cross(struct kunit *test)
{
	struct mpool *pool = mpt_create(test, "mpt_pcp_waiter", 64, 4, 0,
					MPOOL_F_PERCPU);
	unsigned int boot = cpumask_first(cpu_online_mask);
	unsigned int cpu = mpt_other_cpu(test);
	struct mpt_pcp_work *w;
	struct mpt_waiter *waiter;
	void *b[4];
	int i;

	for (i = 0; i < 4; i++)
		b[i] = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, b[3]);
	waiter = mpt_waiter_start(test, pool, 30 * HZ, false, boot);
	KUNIT_ASSERT_TRUE_MSG(test, mpt_waiter_asleep(pool),
			      "the waiter never went to sleep");

	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	w->pool = pool;
	w->blocks[0] = b[1];
	KUNIT_ASSERT_EQ(test, smp_call_on_cpu(cpu, mpt_pcp_free_first, w,
					      false), 0);
	KUNIT_EXPECT_EQ(test, w->ret[0], 0);
	KUNIT_ASSERT_TRUE_MSG(test,
			      wait_for_completion_timeout(&waiter->done,
							  20 * HZ),
			      "the waiter did not get the block");
	KUNIT_EXPECT_PTR_EQ(test, waiter->block, b[1]);
	kunit_release_action(test, mpt_waiter_stop, waiter);
	KUNIT_EXPECT_EQ(test, mpt_stats(test, pool)->timeouts, 0ULL);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, b[i]), 0);
}

/*
 * Two CPUs free the same block at the same moment, many times over: the
 * per-CPU free takes no lock, so only its atomic claim of the live byte
 * keeps the block from entering two caches.
 */
#define MPT_RACE_ROUNDS	2000

struct mpt_race {
	struct mpool *pool;
	void *block;
	atomic_t round;
	atomic_t arrived;
	atomic_t freed;
	atomic_t refused;
	struct completion done[2];
};

struct mpt_race_thread {
	struct mpt_race *r;
	int id;
};

static int mpt_race_fn(void *data)
{
	struct mpt_race_thread *t = data;
	struct mpt_race *r = t->r;
	int round, ret;

	for (round = 1; round <= MPT_RACE_ROUNDS; round++) {
		if (!t->id) {
			/* The leader allocates the block of the round. */
			WRITE_ONCE(r->block, mpool_alloc(r->pool));
			atomic_set_release(&r->round, round);
		}
		while (atomic_read_acquire(&r->round) != round)
			cpu_relax();
		ret = mpool_free_checked(r->pool, READ_ONCE(r->block));
		atomic_inc(ret ? &r->refused : &r->freed);
		atomic_inc(&r->arrived);
		/* Nobody starts the next round before both are done. */
		while (atomic_read(&r->arrived) < 2 * round)
			cpu_relax();
	}
	complete(&r->done[t->id]);
	return 0;
}

static void mpool_test_percpu_double_free_race(struct kunit *test)
{
	struct task_struct *task[2];
	struct mpt_race_thread *t;
	unsigned int cpus[2];
	struct mpt_race *r;
	int i;

	cpus[0] = cpumask_first(cpu_online_mask);
	cpus[1] = mpt_other_cpu(test);
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	t = kunit_kcalloc(test, 2, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, t);
	r->pool = mpt_create(test, "mpt_pcp_race", 64, MPT_PCP_BLOCKS, 0,
			     MPOOL_F_PERCPU | MPOOL_F_QUIET);
	for (i = 0; i < 2; i++) {
		init_completion(&r->done[i]);
		t[i].r = r;
		t[i].id = i;
	}
	for (i = 0; i < 2; i++)
		task[i] = kthread_create_on_cpu(mpt_race_fn, &t[i], cpus[i],
						"mpt_race/%u");
	if (IS_ERR(task[0]) || IS_ERR(task[1])) {
		/* Never woken, a thread exits unrun when stopped. */
		for (i = 0; i < 2; i++)
			if (!IS_ERR(task[i]))
				kthread_stop(task[i]);
		KUNIT_FAIL(test, "could not start the racing threads");
		return;
	}
	for (i = 0; i < 2; i++)
		wake_up_process(task[i]);
	for (i = 0; i < 2; i++)
		wait_for_completion(&r->done[i]);

	KUNIT_EXPECT_EQ(test, atomic_read(&r->freed), MPT_RACE_ROUNDS);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->refused), MPT_RACE_ROUNDS);
	KUNIT_EXPECT_EQ(test, mpt_stats(test, r->pool)->invalid_frees,
			(u64)MPT_RACE_ROUNDS);
	KUNIT_EXPECT_EQ(test, mpt_stats(test, r->pool)->blocks_in_use, 0ULL);
}

/*
 * A hard-irq timer allocates on one tick and frees on the next, on the CPU
 * that churns the same pool, every 20 us: some ticks land inside the CPU's
 * use of its cache, or between its look at the cache and its claim, and
 * must take the shared stack instead without breaking either side.  Each
 * tick changes the cache's count, so a claim that missed the interrupt's
 * change would hand the timer's block out again (a stamp changes, a free
 * is refused) or lose the block the timer freed.
 */
/* Until the timer has run this often (1 s at HZ=250), or this many ops. */
#define MPT_CHURN_TICKS	250
#define MPT_CHURN_MAX_OPS	20000000UL
#define MPT_CHURN_IRQ_STAMP	0x5a5a5a5a5a5a5a5aULL

struct mpt_churn {
	struct mpool *pool;
	struct hrtimer timer;
	bool stop;
	u64 *held;		/* the timer's block, between two ticks */
	unsigned long ops, nulls, stamps;
	unsigned long ticks, irq_ops, irq_nulls, irq_stamps;
};

static enum hrtimer_restart mpt_churn_tick(struct hrtimer *timer)
{
	struct mpt_churn *c = container_of(timer, struct mpt_churn, timer);

	if (c->held) {
		if (READ_ONCE(*c->held) != MPT_CHURN_IRQ_STAMP)
			c->irq_stamps++;
		mpool_free(c->pool, c->held);
		c->held = NULL;
	} else {
		c->held = mpool_alloc(c->pool);
		if (c->held) {
			WRITE_ONCE(*c->held, MPT_CHURN_IRQ_STAMP);
			c->irq_ops++;
		} else {
			c->irq_nulls++;
		}
	}
	WRITE_ONCE(c->ticks, c->ticks + 1);
	if (READ_ONCE(c->stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime(20 * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static int mpt_churn_fn(void *data)
{
	struct mpt_churn *c = data;
	unsigned long i;
	u64 *block;

	hrtimer_init(&c->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	c->timer.function = mpt_churn_tick;
	hrtimer_start(&c->timer, ns_to_ktime(20 * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_PINNED_HARD);
	for (i = 0; i < MPT_CHURN_MAX_OPS; i++) {
		if (READ_ONCE(c->ticks) >= MPT_CHURN_TICKS)
			break;
		block = mpool_alloc(c->pool);
		if (!block) {
			c->nulls++;
			continue;
		}
		WRITE_ONCE(*block, i);
		if (READ_ONCE(*block) != i)
			c->stamps++;
		mpool_free(c->pool, block);
		c->ops++;
	}
	WRITE_ONCE(c->stop, true);
	hrtimer_cancel(&c->timer);
	if (c->held) {
		if (READ_ONCE(*c->held) != MPT_CHURN_IRQ_STAMP)
			c->irq_stamps++;
		mpool_free(c->pool, c->held);
	}
	return 0;
}

static void mpool_test_percpu_irq_churn(struct kunit *test)
{
	struct mpt_churn *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct mpool_stats *st;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->pool = mpt_create(test, "mpt_pcp_churn", 64, MPT_PCP_BLOCKS, 0,
			     MPOOL_F_PERCPU);
	KUNIT_ASSERT_EQ(test, smp_call_on_cpu(cpumask_first(cpu_online_mask),
					      mpt_churn_fn, c, false), 0);
	/* What the shared stack served: only interrupted caches use it. */
	kunit_info(test, "%lu ops, %lu from the timer, %llu of them on the shared stack\n",
		   c->ops, c->irq_ops, c->pool->stats.allocs);

	KUNIT_EXPECT_GE(test, c->ticks, (unsigned long)MPT_CHURN_TICKS);
	KUNIT_EXPECT_GE(test, c->irq_ops, (unsigned long)MPT_CHURN_TICKS / 2);
	KUNIT_EXPECT_EQ(test, c->nulls, 0UL);
	KUNIT_EXPECT_EQ(test, c->irq_nulls, 0UL);
	KUNIT_EXPECT_EQ(test, c->stamps, 0UL);
	KUNIT_EXPECT_EQ(test, c->irq_stamps, 0UL);
	/* About half the ticks land in a busy cache (121 of 200 seen). */
	KUNIT_EXPECT_GT_MSG(test, c->pool->stats.allocs, 0ULL,
			    "no tick ever found the cache busy");
	st = mpt_stats(test, c->pool);
	KUNIT_EXPECT_EQ(test, st->allocs, (u64)(c->ops + c->irq_ops));
	KUNIT_EXPECT_EQ(test, st->frees, (u64)(c->ops + c->irq_ops));
	KUNIT_EXPECT_EQ(test, st->invalid_frees, 0ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 0ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_free, (u64)MPT_PCP_BLOCKS);
	/* Every block is still handed out once, on the CPU that churned. */
	KUNIT_EXPECT_EQ(test, mpt_pcp_run(test, c->pool,
					  cpumask_first(cpu_online_mask),
					  mpt_pcp_cycle, 0)->got,
			(unsigned int)MPT_PCP_BLOCKS);
}

/* Destroy with blocks live and cached on every CPU: nothing leaks. */
static void mpool_test_percpu_destroy_cached(struct kunit *test)
{
	/* Each CPU's cycle leaves up to a cache's worth behind. */
	struct mpool *pool = mpt_create(test, "mpt_pcp_destroy", 128,
					(num_online_cpus() + 1) *
					MPOOL_PCP_SIZE, 0,
					MPOOL_F_PERCPU | MPOOL_F_QUIET);
	struct mpool_stats *st;
	unsigned int cpu;
	void *live[3];
	int i;

	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ(test, mpt_pcp_run(test, pool, cpu,
						  mpt_pcp_cycle, 24)->got, 24U);
	for (i = 0; i < ARRAY_SIZE(live); i++)
		live[i] = mpool_alloc(pool);
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, (u64)ARRAY_SIZE(live));
	KUNIT_EXPECT_EQ(test, st->blocks_free,
			st->blocks_total - ARRAY_SIZE(live));
	mpt_destroy(test, pool);	/* kmemleak, run after the suite, checks */
}

/* On this CPU: the block that fills its cache from the shared stack. */
static int mpt_lw_fill(void *data)
{
	struct mpt_pcp_work *w = data;

	w->blocks[0] = mpool_alloc(w->pool);
	return 0;
}

/* Leaves this CPU's cache as its owner's fast path does: claimed. */
static int mpt_lw_claim(void *data)
{
	struct mpt_pcp_work *w = data;
	struct mpool_pcp *pcp = per_cpu_ptr(w->pool->pcp, smp_processor_id());

	WRITE_ONCE(pcp->state, READ_ONCE(pcp->state) | MPOOL_PCP_BUSY);
	return 0;
}

/* The owner's fast path goes on: releases the claim, allocates once more. */
static int mpt_lw_leave(void *data)
{
	struct mpt_pcp_work *w = data;
	struct mpool_pcp *pcp = per_cpu_ptr(w->pool->pcp, smp_processor_id());

	WRITE_ONCE(pcp->state, READ_ONCE(pcp->state) & ~MPOOL_PCP_BUSY);
	w->blocks[1] = mpool_alloc(w->pool);
	return 0;
}

/*
 * A sleeper's drain IPI that finds another CPU's cache busy leaves that
 * CPU to drain the cache on its way out; that CPU must then wake the
 * sleeper, which would otherwise sleep to its timeout while free blocks
 * sit on the shared stack.  The cache is claimed by hand, exactly as its
 * owner's fast path claims it, while the sleeper's IPI arrives.
 */
static void mpool_test_percpu_busy_drain_wakes(struct kunit *test)
{
	unsigned int other = mpt_other_cpu(test);
	unsigned int cpu = cpumask_first(cpu_online_mask);
	/* Quiet: the blocks this test holds are freed with the pool. */
	struct mpool *pool = mpt_create(test, "mpt_pcp_busywake", 64, 4, 0,
					MPOOL_F_PERCPU | MPOOL_F_QUIET);
	struct mpt_pcp_work *w;
	struct mpt_waiter *waiter;
	bool woken;

	/* All 4 blocks go to the other CPU's cache; one is held there. */
	w = mpt_pcp_run(test, pool, other, mpt_lw_fill, 0);
	KUNIT_ASSERT_NOT_NULL(test, w->blocks[0]);
	KUNIT_ASSERT_EQ(test, mpt_cached(pool, other), 3U);
	KUNIT_ASSERT_EQ(test, smp_call_on_cpu(other, mpt_lw_claim, w, false),
			0);

	waiter = mpt_waiter_start(test, pool, 60 * HZ, false, cpu);
	KUNIT_ASSERT_TRUE(test, mpt_waiter_asleep(pool));
	/* Its IPI found the cache busy and left the blocks there. */
	KUNIT_EXPECT_EQ(test, mpt_cached(pool, other), 3U);

	KUNIT_ASSERT_EQ(test, smp_call_on_cpu(other, mpt_lw_leave, w, false),
			0);
	KUNIT_ASSERT_NOT_NULL(test, w->blocks[1]);
	/* Woken at once, not at the end of its 60 s. */
	woken = wait_for_completion_timeout(&waiter->done, 20 * HZ);
	KUNIT_EXPECT_TRUE_MSG(test, woken,
			      "the sleeper was not woken when the busy cache was drained");
	if (woken)
		KUNIT_EXPECT_FALSE(test, IS_ERR_OR_NULL(waiter->block));
}

static struct kunit_case mempool_percpu_cases[] = {
	KUNIT_CASE(mpool_test_percpu_exhaust),
	KUNIT_CASE(mpool_test_percpu_double_free),
	KUNIT_CASE(mpool_test_percpu_cpu_offline),
	KUNIT_CASE(mpool_test_percpu_wait_drains),
	KUNIT_CASE(mpool_test_percpu_wait_no_ipis),
	KUNIT_CASE(mpool_test_percpu_waiter_cross),
	KUNIT_CASE(mpool_test_percpu_double_free_race),
	KUNIT_CASE(mpool_test_percpu_irq_churn),
	KUNIT_CASE(mpool_test_percpu_destroy_cached),
	KUNIT_CASE(mpool_test_percpu_busy_drain_wakes),
	{}
};

struct kunit_suite mempool_percpu_suite = {
	.name = "mempool_percpu",
	.test_cases = mempool_percpu_cases,
};

