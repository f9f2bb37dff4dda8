// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the mpool engine (mempool.ko's exported mpool_* API):
 * the helpers every suite uses, and the one registration of all suites,
 * which lists them in the order they run.  (On 6.12 each suite file could
 * register itself: kunit_test_suites() puts a uniquely named array in the
 * .kunit_test_suites section, which the linker concatenates and the module
 * loader reads whole; one list keeps the order in one place.)
 *
 * Every pool a test creates is handed to a KUnit deferred action right
 * away, so it is destroyed even when an assertion aborts the test; tests
 * that destroy a pool themselves release that action.  Threads and timers
 * a test starts are always stopped before its pools go away.  Pools that
 * are misused on purpose are MPOOL_F_QUIET, except where a test checks
 * the report the misuse logs (suite_misuse.c, suite_features.c).
 *
 * Nothing outside a pool's region is ever touched after a free: the poison
 * tests write into free blocks of the pool, which the pool keeps mapped.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/wait.h>

#include "mpool_test.h"

void mpt_destroy_action(void *pool)
{
	mpool_destroy(pool);
}

/*
 * Hands @pool, if mpool_create() made one, to a deferred action that
 * destroys it when the test ends; an error or NULL is left alone.
 */
void mpt_adopt(struct kunit *test, struct mpool *pool)
{
	if (IS_ERR_OR_NULL(pool))
		return;
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, mpt_destroy_action,
						  pool));
}

/* Creates a pool that is destroyed when the test ends, however it ends. */
struct mpool *mpt_create(struct kunit *test, const char *name,
			 size_t block_size, unsigned int nr_blocks,
			 size_t align, unsigned int flags)
{
	struct mpool *pool;

	pool = mpool_create(name, block_size, nr_blocks, align, flags);
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, pool, "mpool_create(%s)", name);
	mpt_adopt(test, pool);
	return pool;
}

/* Destroys a pool from mpt_create() now, instead of at the test's end. */
void mpt_destroy(struct kunit *test, struct mpool *pool)
{
	kunit_release_action(test, mpt_destroy_action, pool);
}

struct mpool_stats *mpt_stats(struct kunit *test, struct mpool *pool)
{
	struct mpool_stats *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, st);
	mpool_get_stats(pool, st);
	return st;
}

/*
 * Allocates every free block of @pool, asserting that each is a distinct,
 * aligned block start inside the region and that the pool is empty
 * afterwards.  Returns how many blocks it got; @out (nr_blocks entries,
 * optional) receives them.
 */
unsigned int mpt_drain(struct kunit *test, struct mpool *pool, void **out)
{
	unsigned long *seen;
	unsigned int n = 0;
	void *block;

	seen = kunit_kcalloc(test, BITS_TO_LONGS(pool->nr_blocks),
			     sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	while ((block = mpool_alloc(pool))) {
		unsigned long off = block - pool->base;

		KUNIT_ASSERT_LT_MSG(test, off, mpt_region(pool),
				    "block at offset %lu outside the region",
				    off);
		KUNIT_ASSERT_EQ_MSG(test, off % pool->stride, 0UL,
				    "block at offset %lu not a block start",
				    off);
		KUNIT_ASSERT_TRUE_MSG(test,
				      IS_ALIGNED((unsigned long)block,
						 pool->align),
				      "block at offset %lu not aligned to %zu",
				      off, pool->align);
		KUNIT_ASSERT_FALSE_MSG(test,
				       __test_and_set_bit(off / pool->stride,
							  seen),
				       "block %lu handed out twice",
				       off / pool->stride);
		KUNIT_ASSERT_LT(test, n, pool->nr_blocks);
		if (out)
			out[n] = block;
		n++;
	}
	return n;
}

static int mpt_waiter_fn(void *data)
{
	struct mpt_waiter *w = data;

	if (w->signals)
		allow_signal(SIGUSR1);
	w->block = mpool_alloc_timeout(w->pool, w->timeout);
	if (w->signals)
		flush_signals(current);
	complete(&w->done);
	return 0;
}

void mpt_waiter_stop(void *waiter)
{
	struct mpt_waiter *w = waiter;

	kthread_stop_put(w->task);
}

/*
 * Starts a kthread sleeping in mpool_alloc_timeout(), bound to @cpu unless
 * it is negative; stopped at the end.
 */
struct mpt_waiter *mpt_waiter_start(struct kunit *test, struct mpool *pool,
				    long timeout, bool signals, int cpu)
{
	struct mpt_waiter *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct task_struct *task;

	KUNIT_ASSERT_NOT_NULL(test, w);
	w->pool = pool;
	w->timeout = timeout;
	w->signals = signals;
	init_completion(&w->done);
	task = kthread_create(mpt_waiter_fn, w, "mpt_waiter");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, task);
	if (cpu >= 0)
		kthread_bind(task, cpu);
	get_task_struct(task);
	w->task = task;
	/* Before any pool it waits on is destroyed: actions run LIFO. */
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, mpt_waiter_stop, w));
	wake_up_process(task);
	return w;
}

/*
 * Waits until a waiter sleeps on the pool's queue.  (Its wait is counted
 * in waits only when it ends.)
 */
bool mpt_waiter_asleep(struct mpool *pool)
{
	unsigned long deadline = jiffies + 20 * HZ;

	while (time_before(jiffies, deadline)) {
		if (atomic_read(&pool->nr_waiters) &&
		    wq_has_sleeper(&pool->wait))
			return true;
		usleep_range(1000, 2000);
	}
	return false;
}

/* The line mempool.ko logs for the first misuse of a pool. */
const char *mpt_report_line(struct kunit *test, const char *name,
			    const char *why, long offset,
			    unsigned int nr_blocks, size_t stride)
{
	return mpt_fmt(test, MPT_LOG
		       "pool %s: %s: offset %ld from the region's start (%u blocks, %zu bytes apart); further errors are only counted",
		       name, why, offset, nr_blocks, stride);
}

/* A pool named @name logged nothing since the test started. */
void mpt_expect_silent(struct kunit *test, const char *name)
{
	MPT_EXPECT_LOGGED(test, 0, MPT_PREFIX,
			  mpt_fmt(test, MPT_LOG "pool %s", name));
}

/*
 * @line was logged once since the test started, followed by a stack trace
 * with a frame of @caller ("function+"): where the misuse happened.
 */
void mpt_expect_report(struct kunit *test, const char *line,
		       const char *caller)
{
	int at, trace, frame;

	MPT_EXPECT_LOGGED(test, 1, MPT_LINE, line);
	at = mpt_console_find(0, MPT_LINE, line);
	if (at < 0)
		return;
	trace = mpt_console_find(at + 1, MPT_SUBSTR, "Call Trace:");
	KUNIT_EXPECT_GT_MSG(test, trace, at, "no stack trace after \"%s\"",
			    line);
	if (trace < 0)
		return;
	frame = mpt_console_find(trace + 1, MPT_SUBSTR, caller);
	KUNIT_EXPECT_GT_MSG(test, frame, trace,
			    "the stack trace has no frame of %s", caller);
}

kunit_test_suites(&mempool_params_suite, &mempool_alloc_free_suite,
		  &mempool_misuse_suite, &mempool_features_suite,
		  &mempool_concurrency_suite, &mempool_percpu_suite,
		  &mempool_trace_suite, &mempool_debug_suite);

MODULE_AUTHOR("Seed 4a5493b9 maintainers <maintainers@users.noreply.b-seed-4a5493b9.example>");
MODULE_DESCRIPTION("KUnit tests for the mpool engine");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_LICENSE("GPL");
MODULE_VERSION(MPOOL_VERSION);
