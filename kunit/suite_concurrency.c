// SPDX-License-Identifier: GPL-2.0
/*
 * mempool_concurrency: sleeping allocations, interrupt context, and every
 * CPU at once on one pool.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>

#include "mpool_test.h"

/* A free pool does not make mpool_alloc_timeout() sleep or count a wait. */
static void mpool_test_timeout_no_wait(struct kunit *test)
{
	struct mpool_stats *st;
	struct mpool *pool;
	void *a, *b;

	pool = mpt_create(test, "mpt_nowait", 32, 2, 0, MPOOL_F_QUIET);
	a = mpool_alloc_timeout(pool, MAX_SCHEDULE_TIMEOUT);
	KUNIT_ASSERT_PTR_EQ(test, a, mpt_block(pool, 0));
	b = mpool_alloc_timeout(pool, 0);
	KUNIT_ASSERT_PTR_EQ(test, b, mpt_block(pool, 1));
	mpool_free(pool, a);
	KUNIT_EXPECT_PTR_EQ(test, mpool_alloc_timeout(pool, HZ), a);
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->waits, 0ULL);
	KUNIT_EXPECT_EQ(test, st->timeouts, 0ULL);
	KUNIT_EXPECT_EQ(test, st->allocs, 3ULL);
	KUNIT_EXPECT_EQ(test, st->alloc_failures, 0ULL);
}

/* An empty pool times out: ERR_PTR(-ETIMEDOUT), a wait and a timeout. */
static void mpool_test_timeout_expires(struct kunit *test)
{
	long timeout = msecs_to_jiffies(50);
	struct mpool_stats *st;
	struct mpool *pool;
	unsigned long start;
	void *block;

	pool = mpt_create(test, "mpt_timeout", 32, 1, 0, MPOOL_F_QUIET);
	KUNIT_ASSERT_NOT_NULL(test, mpool_alloc(pool));
	start = jiffies;
	block = mpool_alloc_timeout(pool, timeout);
	KUNIT_ASSERT_TRUE_MSG(test, IS_ERR(block), "got a block");
	KUNIT_EXPECT_EQ(test, PTR_ERR(block), (long)-ETIMEDOUT);
	KUNIT_EXPECT_GE(test, (long)(jiffies - start), timeout / 2);
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->waits, 1ULL);
	KUNIT_EXPECT_EQ(test, st->timeouts, 1ULL);
	KUNIT_EXPECT_EQ(test, st->allocs, 1ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 1ULL);

	/* A zero timeout on an empty pool gives up at once. */
	block = mpool_alloc_timeout(pool, 0);
	KUNIT_EXPECT_TRUE(test, IS_ERR(block));
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->timeouts, 2ULL);
}

/*
 * A sleeping allocation is counted once in wait_us_hist, in the bucket of
 * the time it slept: no less than its timeout but one jiffy, no more than
 * the time measured around the call.  The buckets sum to waits; a reset
 * zeroes them.
 */
static void mpool_test_wait_histogram(struct kunit *test)
{
	long timeout = msecs_to_jiffies(50);
	struct mpool_stats *st;
	struct mpool *pool;
	u64 outer_us, sum = 0;
	unsigned int i, nr;
	int bucket = -1;
	ktime_t start;
	void *block;

	pool = mpt_create(test, "mpt_wait_hist", 32, 1, 0, MPOOL_F_QUIET);
	KUNIT_ASSERT_NOT_NULL(test, mpool_alloc(pool));
	st = mpt_stats(test, pool);
	nr = ARRAY_SIZE(st->wait_us_hist);
	KUNIT_EXPECT_EQ(test, nr, 24U);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ(test, st->wait_us_hist[i], 0ULL);

	start = ktime_get();
	block = mpool_alloc_timeout(pool, timeout);
	outer_us = ktime_us_delta(ktime_get(), start);
	KUNIT_ASSERT_TRUE(test, IS_ERR(block));

	mpool_get_stats(pool, st);
	for (i = 0; i < nr; i++) {
		sum += st->wait_us_hist[i];
		if (st->wait_us_hist[i])
			bucket = i;
	}
	KUNIT_EXPECT_EQ(test, st->waits, 1ULL);
	KUNIT_EXPECT_EQ(test, sum, st->waits);
	KUNIT_ASSERT_GE(test, bucket, 1);
	/* Bucket i is [2^i, 2^(i + 1)) us. */
	KUNIT_EXPECT_LE(test, 1ULL << bucket, outer_us);
	KUNIT_EXPECT_GT(test, 2ULL << bucket,
			(u64)jiffies_to_usecs(timeout - 1));

	mpool_reset_stats(pool);
	mpool_get_stats(pool, st);
	for (i = 0, sum = 0; i < nr; i++)
		sum += st->wait_us_hist[i];
	KUNIT_EXPECT_EQ(test, sum, 0ULL);
}

/*
 * A wait is counted when it ends, in waits, its bucket and (if it gave
 * up) timeouts at once: a reset while it sleeps leaves the buckets
 * summing to waits and timeouts within waits.  Once woken by a free, once
 * cancelled.
 */
static void mpool_test_wait_reset(struct kunit *test)
{
	struct mpool_stats *st;
	struct mpt_waiter *w;
	struct mpool *pool;
	unsigned int i, round;
	void *held;
	u64 sum;

	pool = mpt_create(test, "mpt_wait_reset", 64, 1, 0, MPOOL_F_QUIET);
	held = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, held);
	st = mpt_stats(test, pool);
	for (round = 0; round < 2; round++) {
		w = mpt_waiter_start(test, pool, 60 * HZ, false, -1);
		KUNIT_ASSERT_TRUE_MSG(test, mpt_waiter_asleep(pool),
				      "the waiter never went to sleep");
		mpool_reset_stats(pool);
		mpool_get_stats(pool, st);
		KUNIT_EXPECT_EQ(test, st->waits, 0ULL);
		if (round)
			mpool_cancel_waits(pool);
		else
			mpool_free(pool, held);
		KUNIT_ASSERT_TRUE_MSG(test,
				      wait_for_completion_timeout(&w->done,
								  30 * HZ),
				      "the waiter was not woken");
		if (round) {
			KUNIT_EXPECT_EQ(test, PTR_ERR(w->block),
					(long)-ECANCELED);
		} else {
			KUNIT_EXPECT_PTR_EQ(test, w->block, held);
		}
		kunit_release_action(test, mpt_waiter_stop, w);

		mpool_get_stats(pool, st);
		for (i = 0, sum = 0; i < ARRAY_SIZE(st->wait_us_hist); i++)
			sum += st->wait_us_hist[i];
		KUNIT_EXPECT_EQ(test, st->waits, 1ULL);
		KUNIT_EXPECT_EQ(test, sum, st->waits);
		KUNIT_EXPECT_EQ(test, st->timeouts, (u64)round);
	}
}

/* A sleeping allocation is woken by a free and gets exactly that block. */
static void mpool_test_waiter_woken(struct kunit *test)
{
	struct mpool_stats *st;
	struct mpt_waiter *w;
	struct mpool *pool;
	void *b[4];
	int i;

	pool = mpt_create(test, "mpt_waiter", 64, 4, 0, MPOOL_F_QUIET);
	for (i = 0; i < 4; i++)
		b[i] = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, b[3]);
	w = mpt_waiter_start(test, pool, 60 * HZ, false, -1);
	KUNIT_ASSERT_TRUE_MSG(test, mpt_waiter_asleep(pool),
			      "the waiter never went to sleep");
	KUNIT_EXPECT_FALSE(test, completion_done(&w->done));

	mpool_free(pool, b[2]);
	KUNIT_ASSERT_TRUE_MSG(test,
			      wait_for_completion_timeout(&w->done, 30 * HZ),
			      "the waiter was not woken by the free");
	KUNIT_EXPECT_PTR_EQ(test, w->block, b[2]);
	kunit_release_action(test, mpt_waiter_stop, w);

	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->waits, 1ULL);
	KUNIT_EXPECT_EQ(test, st->timeouts, 0ULL);
	KUNIT_EXPECT_EQ(test, st->allocs, 5ULL);
	KUNIT_EXPECT_EQ(test, st->frees, 1ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 4ULL);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, b[i]), 0);
}

/*
 * "mpool_alloc_timeout - allocate a block, sleeping until one is freed":
 * also when the free poisons the block, and when blocks leave a
 * quarantine that is switched off ("Safe with blocks out and calls on
 * other CPUs", mpool_debug_set()): either way a block became free.
 */
static void mpt_waiter_freed_debug(struct kunit *test, bool quarantine)
{
	struct mpool_debug_modes off = { -1, -1, 0 }, q = { -1, -1, 2 };
	struct mpool_stats *st;
	struct mpt_waiter *w;
	struct mpool *pool;
	void *b[4];
	int i;

	pool = mpt_create(test, "mpt_waiter_dbg", 64, 4, 0,
			  MPOOL_F_QUIET | (quarantine ? 0 : MPOOL_F_POISON));
	if (quarantine)
		KUNIT_ASSERT_EQ(test, mpool_debug_set(pool, &q), 0);
	for (i = 0; i < 4; i++)
		b[i] = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, b[3]);
	if (quarantine) {
		/* Both wait in the quarantine: no block is free. */
		KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, b[0]), 0);
		KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, b[1]), 0);
	}
	w = mpt_waiter_start(test, pool, 60 * HZ, false, -1);
	KUNIT_ASSERT_TRUE_MSG(test, mpt_waiter_asleep(pool),
			      "the waiter never went to sleep");
	KUNIT_EXPECT_FALSE(test, completion_done(&w->done));

	if (quarantine)
		KUNIT_EXPECT_EQ(test, mpool_debug_set(pool, &off), 0);
	else
		mpool_free(pool, b[2]);
	KUNIT_ASSERT_TRUE_MSG(test,
			      wait_for_completion_timeout(&w->done, 30 * HZ),
			      "the waiter was not woken");
	KUNIT_EXPECT_FALSE(test, IS_ERR_OR_NULL(w->block));
	if (quarantine)
		KUNIT_EXPECT_TRUE(test, w->block == b[0] || w->block == b[1]);
	else
		KUNIT_EXPECT_PTR_EQ(test, w->block, b[2]);
	kunit_release_action(test, mpt_waiter_stop, w);
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->waits, 1ULL);
	KUNIT_EXPECT_EQ(test, st->timeouts, 0ULL);
}

static void mpool_test_waiter_woken_poison(struct kunit *test)
{
	mpt_waiter_freed_debug(test, false);
}

static void mpool_test_waiter_woken_quarantine_off(struct kunit *test)
{
	mpt_waiter_freed_debug(test, true);
}

/* A sleeping allocation interrupted by a signal gives ERR_PTR(-EINTR). */
static void mpool_test_waiter_signal(struct kunit *test)
{
	struct mpool_stats *st;
	struct mpt_waiter *w;
	struct mpool *pool;

	pool = mpt_create(test, "mpt_waiter_sig", 64, 1, 0, MPOOL_F_QUIET);
	KUNIT_ASSERT_NOT_NULL(test, mpool_alloc(pool));
	w = mpt_waiter_start(test, pool, 60 * HZ, true, -1);
	KUNIT_ASSERT_TRUE_MSG(test, mpt_waiter_asleep(pool),
			      "the waiter never went to sleep");
	send_sig(SIGUSR1, w->task, 1);
	KUNIT_ASSERT_TRUE_MSG(test,
			      wait_for_completion_timeout(&w->done, 30 * HZ),
			      "the waiter ignored the signal");
	KUNIT_EXPECT_TRUE(test, IS_ERR(w->block));
	KUNIT_EXPECT_EQ(test, PTR_ERR(w->block), (long)-EINTR);
	kunit_release_action(test, mpt_waiter_stop, w);

	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->waits, 1ULL);
	KUNIT_EXPECT_EQ(test, st->timeouts, 1ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 1ULL);
}

#define MPT_IRQ_BLOCKS	4

struct mpt_irq {
	struct hrtimer timer;
	struct completion done;
	struct mpool *pool;
	bool hardirq;
	bool softirq;
	void *blocks[MPT_IRQ_BLOCKS];
	void *extra;
	void *kept;
	int copy_ret;
	u64 copied;
	int free_ret[MPT_IRQ_BLOCKS];
	int double_ret;
	struct mpool_stats stats;
};

static enum hrtimer_restart mpt_irq_fn(struct hrtimer *timer)
{
	struct mpt_irq *c = container_of(timer, struct mpt_irq, timer);
	u64 magic = 0x1122334455667788ULL;
	int i;

	c->hardirq = in_hardirq();
	c->softirq = in_serving_softirq();
	for (i = 0; i < MPT_IRQ_BLOCKS; i++)
		c->blocks[i] = mpool_alloc(c->pool);
	c->extra = mpool_alloc(c->pool);
	c->copy_ret = mpool_copy_to_block(c->pool, c->blocks[1], 0, &magic,
					  sizeof(magic));
	if (!c->copy_ret)
		c->copy_ret = mpool_copy_from_block(c->pool, c->blocks[1], 0,
						    &c->copied,
						    sizeof(c->copied));
	for (i = 0; i < MPT_IRQ_BLOCKS; i++)
		c->free_ret[i] = mpool_free_checked(c->pool, c->blocks[i]);
	c->double_ret = mpool_free_checked(c->pool, c->blocks[0]);
	mpool_free(c->pool, c->blocks[0]);
	mpool_get_stats(c->pool, &c->stats);
	c->kept = mpool_alloc(c->pool);
	complete(&c->done);
	return HRTIMER_NORESTART;
}

struct mpt_irq_mode {
	const char *desc;
	enum hrtimer_mode mode;
	bool hard;
};

static const struct mpt_irq_mode mpt_irq_modes[] = {
	{ "hardirq", HRTIMER_MODE_REL_HARD, true },
	{ "softirq", HRTIMER_MODE_REL_SOFT, false },
};

static void mpt_irq_desc(const struct mpt_irq_mode *m, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", m->desc);
}

KUNIT_ARRAY_PARAM(mpt_irq, mpt_irq_modes, mpt_irq_desc);

/*
 * Alloc, copy, free and misuse from an hrtimer callback, in hardirq or
 * softirq context; a block allocated there is freed here.
 */
static void mpool_test_irq_context(struct kunit *test)
{
	const struct mpt_irq_mode *m = test->param_value;
	struct mpool *pool;
	struct mpt_irq *c;
	char name[MPOOL_NAME_MAX];
	unsigned long left;
	int i;

	snprintf(name, sizeof(name), "mpt_irq_%s", m->desc);
	pool = mpt_create(test, name, 32, MPT_IRQ_BLOCKS, 0, MPOOL_F_QUIET);
	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	c->pool = pool;
	init_completion(&c->done);
	hrtimer_init(&c->timer, CLOCK_MONOTONIC, m->mode);
	c->timer.function = mpt_irq_fn;
	hrtimer_start(&c->timer, ms_to_ktime(1), m->mode);
	left = wait_for_completion_timeout(&c->done, 30 * HZ);
	hrtimer_cancel(&c->timer);
	KUNIT_ASSERT_NE_MSG(test, left, 0UL, "the timer never fired");

	KUNIT_EXPECT_EQ(test, c->hardirq, m->hard);
	/*
	 * A hard timer may interrupt this CPU while it serves a softirq, so
	 * only the soft timer's context says anything about softirqs.
	 */
	if (!m->hard)
		KUNIT_EXPECT_TRUE(test, c->softirq);
	for (i = 0; i < MPT_IRQ_BLOCKS; i++) {
		KUNIT_EXPECT_PTR_EQ(test, c->blocks[i], mpt_block(pool, i));
		KUNIT_EXPECT_EQ(test, c->free_ret[i], 0);
	}
	KUNIT_EXPECT_NULL(test, c->extra);
	KUNIT_EXPECT_EQ(test, c->copy_ret, 0);
	KUNIT_EXPECT_EQ(test, c->copied, 0x1122334455667788ULL);
	KUNIT_EXPECT_EQ(test, c->double_ret, -ENXIO);
	KUNIT_EXPECT_EQ(test, c->stats.allocs, (u64)MPT_IRQ_BLOCKS);
	KUNIT_EXPECT_EQ(test, c->stats.alloc_failures, 1ULL);
	KUNIT_EXPECT_EQ(test, c->stats.frees, (u64)MPT_IRQ_BLOCKS);
	KUNIT_EXPECT_EQ(test, c->stats.invalid_frees, 2ULL);
	KUNIT_EXPECT_EQ(test, c->stats.blocks_free, (u64)MPT_IRQ_BLOCKS);
	KUNIT_EXPECT_PTR_EQ(test, c->kept, c->blocks[MPT_IRQ_BLOCKS - 1]);
	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, c->kept), 0);
	KUNIT_EXPECT_EQ(test, mpt_drain(test, pool, NULL), MPT_IRQ_BLOCKS);
}

/*
 * The stress: one kthread per online CPU, bound to it, each allocating and
 * freeing MPT_STRESS_OPS blocks while holding up to MPT_STRESS_HOLD at a
 * time.  A test-side owner per block, claimed with cmpxchg, proves that no
 * block is ever held twice; a stamp in the block's first 8 bytes proves
 * that nobody else writes to a block we hold.  The pool has exactly as
 * many blocks as the threads can hold, so an allocation never fails and
 * blocks are reused as fast as possible.
 */
#define MPT_STRESS_OPS	100000
#define MPT_STRESS_HOLD	4

/* The stress runs on the locked pool and on the per-CPU caches. */
static const unsigned int mpt_stress_flags[] = { 0, MPOOL_F_PERCPU };

static void mpt_stress_desc(const unsigned int *flags, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s",
		 *flags & MPOOL_F_PERCPU ? "percpu" : "locked");
}

KUNIT_ARRAY_PARAM(mpt_stress, mpt_stress_flags, mpt_stress_desc);

struct mpt_stress {
	struct mpool *pool;
	atomic_t *owner;
	atomic_t nulls;
	atomic_t outside;
	atomic_t owned;
	atomic_t stamps;
	atomic_t bad_frees;
};

struct mpt_stress_thread {
	struct mpt_stress *s;
	struct task_struct *task;
	struct completion done;
	unsigned int id;
	unsigned long ops;
};

static void mpt_stress_put(struct mpt_stress *s, unsigned int id, u64 *block)
{
	struct mpool *pool = s->pool;
	unsigned long idx = ((void *)block - pool->base) / pool->stride;

	if (READ_ONCE(*block) != id)
		atomic_inc(&s->stamps);
	WRITE_ONCE(*block, 0);
	atomic_set_release(&s->owner[idx], 0);
	if (mpool_free_checked(pool, block))
		atomic_inc(&s->bad_frees);
}

static int mpt_stress_fn(void *data)
{
	struct mpt_stress_thread *t = data;
	struct mpt_stress *s = t->s;
	struct mpool *pool = s->pool;
	u64 *held[MPT_STRESS_HOLD];
	unsigned int head = 0, nheld = 0, target;
	unsigned long i, off;
	u64 *block;

	for (i = 0; i < MPT_STRESS_OPS; i++) {
		/* Hold 1 to MPT_STRESS_HOLD blocks, changing every 16 ops. */
		target = 1 + (i / 16) % MPT_STRESS_HOLD;
		while (nheld >= target) {
			mpt_stress_put(s, t->id, held[head]);
			head = (head + 1) % MPT_STRESS_HOLD;
			nheld--;
		}
		block = mpool_alloc(pool);
		if (!block) {
			atomic_inc(&s->nulls);
			continue;
		}
		off = (void *)block - pool->base;
		if (off >= pool->stride * pool->nr_blocks ||
		    off % pool->stride) {
			atomic_inc(&s->outside);
			continue;
		}
		if (atomic_cmpxchg_acquire(&s->owner[off / pool->stride], 0,
					   t->id)) {
			/* Someone holds it: leave it to them. */
			atomic_inc(&s->owned);
			continue;
		}
		if (READ_ONCE(*block))
			atomic_inc(&s->stamps);
		WRITE_ONCE(*block, t->id);
		held[(head + nheld) % MPT_STRESS_HOLD] = block;
		nheld++;
		t->ops++;
		if (!(i % 1024))
			cond_resched();
	}
	while (nheld) {
		mpt_stress_put(s, t->id, held[head]);
		head = (head + 1) % MPT_STRESS_HOLD;
		nheld--;
	}
	complete(&t->done);
	return 0;
}

static void mpool_test_stress(struct kunit *test)
{
	struct mpt_stress_thread *threads;
	unsigned int cpu, i, n = 0, nr_threads;
	struct task_struct *task;
	struct mpool_stats *st;
	const unsigned int *flags = test->param_value;
	struct mpt_stress *s;
	unsigned int per_thread = MPT_STRESS_HOLD;
	u64 total = 0;

	/*
	 * Under MPOOL_F_PERCPU an allocation fails when the other CPUs'
	 * caches hold the rest: give each thread room for a full cache.
	 */
	if (*flags & MPOOL_F_PERCPU)
		per_thread += MPOOL_PCP_SIZE;
	nr_threads = num_online_cpus();
	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	threads = kunit_kcalloc(test, nr_cpu_ids, sizeof(*threads),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, threads);
	s->pool = mpt_create(test, "mpt_stress", 64, nr_threads * per_thread,
			     64, MPOOL_F_QUIET | *flags);
	s->owner = kunit_kcalloc(test, s->pool->nr_blocks, sizeof(*s->owner),
				 GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s->owner);
	kunit_info(test, "%u threads x %d operations\n", nr_threads,
		   MPT_STRESS_OPS);

	for_each_online_cpu(cpu) {
		if (n == nr_threads)
			break;
		threads[n].s = s;
		threads[n].id = n + 1;
		init_completion(&threads[n].done);
		task = kthread_create_on_cpu(mpt_stress_fn, &threads[n], cpu,
					     "mpt_stress/%u");
		if (IS_ERR(task))
			break;
		get_task_struct(task);
		threads[n].task = task;
		n++;
	}
	if (n < nr_threads) {
		/* Never woken: kthread_stop() makes them exit unrun. */
		for (i = 0; i < n; i++)
			kthread_stop_put(threads[i].task);
		KUNIT_FAIL(test, "could not start thread %u", n);
		return;
	}
	for (i = 0; i < n; i++)
		wake_up_process(threads[i].task);
	for (i = 0; i < n; i++) {
		wait_for_completion(&threads[i].done);
		kthread_stop_put(threads[i].task);
		total += threads[i].ops;
		KUNIT_EXPECT_EQ(test, threads[i].ops,
				(unsigned long)MPT_STRESS_OPS);
	}

	KUNIT_EXPECT_EQ(test, atomic_read(&s->nulls), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->outside), 0);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&s->owned), 0,
			    "blocks handed out while held");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&s->stamps), 0,
			    "held blocks written by someone else");
	KUNIT_EXPECT_EQ(test, atomic_read(&s->bad_frees), 0);
	st = mpt_stats(test, s->pool);
	KUNIT_EXPECT_EQ(test, total, (u64)n * MPT_STRESS_OPS);
	KUNIT_EXPECT_EQ(test, st->allocs, total);
	KUNIT_EXPECT_EQ(test, st->frees, total);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 0ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_free, st->blocks_total);
	KUNIT_EXPECT_EQ(test, st->invalid_frees, 0ULL);
	KUNIT_EXPECT_EQ(test, st->alloc_failures, 0ULL);
	KUNIT_EXPECT_LE(test, st->high_watermark, st->blocks_total);
	/* Cached blocks of other CPUs are free but not ours to take. */
	if (!(*flags & MPOOL_F_PERCPU))
		KUNIT_EXPECT_EQ(test, mpt_drain(test, s->pool, NULL),
				s->pool->nr_blocks);
}

static struct kunit_case mempool_concurrency_cases[] = {
	KUNIT_CASE(mpool_test_timeout_no_wait),
	KUNIT_CASE(mpool_test_timeout_expires),
	KUNIT_CASE(mpool_test_wait_histogram),
	KUNIT_CASE(mpool_test_waiter_woken),
	KUNIT_CASE(mpool_test_waiter_woken_poison),
	KUNIT_CASE(mpool_test_waiter_woken_quarantine_off),
	KUNIT_CASE(mpool_test_waiter_signal),
	KUNIT_CASE(mpool_test_wait_reset),
	KUNIT_CASE_PARAM(mpool_test_irq_context, mpt_irq_gen_params),
	KUNIT_CASE_PARAM_ATTR(mpool_test_stress, mpt_stress_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	{}
};

struct kunit_suite mempool_concurrency_suite = {
	.name = "mempool_concurrency",
	.test_cases = mempool_concurrency_cases,
};

