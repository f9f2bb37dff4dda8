// SPDX-License-Identifier: GPL-2.0
/*
 * mempool_trace: the engine's tracepoints (include/trace/events/mempool.h)
 * fire where they should, with the right arguments.  Each test attaches
 * probes to every event of the engine (register_trace_<event>(), exported
 * by mempool_trace.c) and records what the probes saw of its own pool,
 * by name: other pools, if any, may fire the events meanwhile.  The
 * device's watermark event is tested in the guest (test_38_trace.sh).
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kallsyms.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "mpool_test.h"
#include "trace/events/mempool.h"

enum {
	MPT_EV_CREATE,
	MPT_EV_DESTROY,
	MPT_EV_ALLOC,
	MPT_EV_FREE,
	MPT_EV_FAIL,
	MPT_EV_WAIT_BEGIN,
	MPT_EV_WAIT_END,
	MPT_EV_REFUSED,
	MPT_EV_NR
};

/* A block event's arguments: alloc and free. */
struct mpt_trace_block {
	const void *block;
	unsigned long caller;
	bool cached;
};

/*
 * What the probes saw of the pool named @name: how often each event fired,
 * and the arguments of its last firing.  Probes run in any context, under
 * the pool's raw lock too: a raw lock here.
 */
struct mpt_trace {
	const char *name;
	raw_spinlock_t lock;
	unsigned int count[MPT_EV_NR];
	const struct mpool *created;
	const struct mpool *destroyed;
	unsigned int in_use;
	struct mpt_trace_block alloc;
	struct mpt_trace_block free;
	unsigned long fail_caller;
	long timeout;
	unsigned long wait_caller;
	const void *wait_block;
	s64 wait_us;
	int wait_err;
	unsigned long wait_end_caller;
	const void *refused_addr;
	int refused_err;
	unsigned long refused_caller;
};

/* Locks @t if the event is about its pool; counts it. */
static bool mpt_trace_begin(struct mpt_trace *t, const struct mpool *pool,
			    int ev, unsigned long *flags)
{
	if (strcmp(pool->name, t->name))
		return false;
	raw_spin_lock_irqsave(&t->lock, *flags);
	t->count[ev]++;
	return true;
}

static void mpt_probe_create(void *data, const struct mpool *pool)
{
	struct mpt_trace *t = data;
	unsigned long flags;

	if (!mpt_trace_begin(t, pool, MPT_EV_CREATE, &flags))
		return;
	t->created = pool;
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

static void mpt_probe_destroy(void *data, const struct mpool *pool,
			      unsigned int in_use)
{
	struct mpt_trace *t = data;
	unsigned long flags;

	if (!mpt_trace_begin(t, pool, MPT_EV_DESTROY, &flags))
		return;
	t->destroyed = pool;
	t->in_use = in_use;
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

static void mpt_probe_alloc(void *data, const struct mpool *pool,
			    const void *block, unsigned long caller,
			    bool cached)
{
	struct mpt_trace *t = data;
	unsigned long flags;

	if (!mpt_trace_begin(t, pool, MPT_EV_ALLOC, &flags))
		return;
	t->alloc = (struct mpt_trace_block){ block, caller, cached };
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

static void mpt_probe_free(void *data, const struct mpool *pool,
			   const void *block, unsigned long caller,
			   bool cached)
{
	struct mpt_trace *t = data;
	unsigned long flags;

	if (!mpt_trace_begin(t, pool, MPT_EV_FREE, &flags))
		return;
	t->free = (struct mpt_trace_block){ block, caller, cached };
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

static void mpt_probe_fail(void *data, const struct mpool *pool,
			   unsigned long caller)
{
	struct mpt_trace *t = data;
	unsigned long flags;

	if (!mpt_trace_begin(t, pool, MPT_EV_FAIL, &flags))
		return;
	t->fail_caller = caller;
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

static void mpt_probe_wait_begin(void *data, const struct mpool *pool,
				 long timeout, unsigned long caller)
{
	struct mpt_trace *t = data;
	unsigned long flags;

	if (!mpt_trace_begin(t, pool, MPT_EV_WAIT_BEGIN, &flags))
		return;
	t->timeout = timeout;
	t->wait_caller = caller;
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

static void mpt_probe_wait_end(void *data, const struct mpool *pool,
			       const void *block, s64 us, int err,
			       unsigned long caller)
{
	struct mpt_trace *t = data;
	unsigned long flags;

	if (!mpt_trace_begin(t, pool, MPT_EV_WAIT_END, &flags))
		return;
	t->wait_block = block;
	t->wait_us = us;
	t->wait_err = err;
	t->wait_end_caller = caller;
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

static void mpt_probe_refused(void *data, const struct mpool *pool,
			      const void *addr, int err, unsigned long caller)
{
	struct mpt_trace *t = data;
	unsigned long flags;

	if (!mpt_trace_begin(t, pool, MPT_EV_REFUSED, &flags))
		return;
	t->refused_addr = addr;
	t->refused_err = err;
	t->refused_caller = caller;
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

static void mpt_trace_unregister(struct mpt_trace *t, unsigned int n)
{
	/* In the order of mpt_trace_start(): the first @n are registered. */
	if (n > 7)
		unregister_trace_free_refused(mpt_probe_refused, t);
	if (n > 6)
		unregister_trace_wait_end(mpt_probe_wait_end, t);
	if (n > 5)
		unregister_trace_wait_begin(mpt_probe_wait_begin, t);
	if (n > 4)
		unregister_trace_alloc_fail(mpt_probe_fail, t);
	if (n > 3)
		unregister_trace_free(mpt_probe_free, t);
	if (n > 2)
		unregister_trace_alloc(mpt_probe_alloc, t);
	if (n > 1)
		unregister_trace_pool_destroy(mpt_probe_destroy, t);
	if (n > 0)
		unregister_trace_pool_create(mpt_probe_create, t);
	/* No probe runs on @t any more once this returns: it can go. */
	tracepoint_synchronize_unregister();
}

static void mpt_trace_stop(void *data)
{
	mpt_trace_unregister(data, MPT_EV_NR);
}

/*
 * Attaches the probes, recording the events of the pool named @name,
 * until the test ends.  Call it before creating the pool: the probes then
 * go after the pool at the test's end (actions run in reverse).
 */
static struct mpt_trace *mpt_trace_start(struct kunit *test, const char *name)
{
	struct mpt_trace *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	unsigned int n = 0;
	int ret;

#ifdef NOTRACE
	kunit_skip(test, "built without tracepoints (MPOOL_NO_TRACE)");
#endif
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->name = name;
	raw_spin_lock_init(&t->lock);
	ret = register_trace_pool_create(mpt_probe_create, t);
	if (ret)
		goto fail;
	n++;
	ret = register_trace_pool_destroy(mpt_probe_destroy, t);
	if (ret)
		goto fail;
	n++;
	ret = register_trace_alloc(mpt_probe_alloc, t);
	if (ret)
		goto fail;
	n++;
	ret = register_trace_free(mpt_probe_free, t);
	if (ret)
		goto fail;
	n++;
	ret = register_trace_alloc_fail(mpt_probe_fail, t);
	if (ret)
		goto fail;
	n++;
	ret = register_trace_wait_begin(mpt_probe_wait_begin, t);
	if (ret)
		goto fail;
	n++;
	ret = register_trace_wait_end(mpt_probe_wait_end, t);
	if (ret)
		goto fail;
	n++;
	ret = register_trace_free_refused(mpt_probe_refused, t);
	if (ret)
		goto fail;
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, mpt_trace_stop, t));
	return t;

fail:
	mpt_trace_unregister(t, n);
	KUNIT_FAIL_AND_ABORT(test, "registering probe %u: %d", n, ret);
	return NULL;
}

/* Each event fired as often as @want says (MPT_EV_* order). */
static void mpt_expect_counts(struct kunit *test, struct mpt_trace *t,
			      const unsigned int want[MPT_EV_NR])
{
	static const char * const names[MPT_EV_NR] = {
		"pool_create", "pool_destroy", "alloc", "free", "alloc_fail",
		"wait_begin", "wait_end", "free_refused",
	};
	int i;

	for (i = 0; i < MPT_EV_NR; i++)
		KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(t->count[i]), want[i],
				    "%s fired %u times", names[i],
				    READ_ONCE(t->count[i]));
}

/*
 * @caller is a return address inside the function @name, at @func unless
 * that is NULL (a static function of another file).
 */
static void mpt_expect_in(struct kunit *test, unsigned long caller,
			  const void *func, const char *name)
{
	char *buf = kunit_kzalloc(test, KSYM_SYMBOL_LEN, GFP_KERNEL);
	const char *want = mpt_fmt(test, "%s+", name);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	if (func) {
		KUNIT_EXPECT_GT(test, caller, (unsigned long)func);
		KUNIT_EXPECT_LT(test, caller, (unsigned long)func + SZ_16K);
	}
	snprintf(buf, KSYM_SYMBOL_LEN, "%pS", (void *)caller);
	KUNIT_EXPECT_TRUE_MSG(test, str_has_prefix(buf, want),
			      "caller %s is not in %s", buf, name);
}

/* pool_create and pool_destroy: once each, with the pool and its blocks out. */
static void mpt_trace_test_create_destroy(struct kunit *test)
{
	static const unsigned int want[MPT_EV_NR] = { 1, 1, 1 };
	struct mpt_trace *t = mpt_trace_start(test, "mpt_tr_life");
	struct mpool *pool;

	pool = mpt_create(test, "mpt_tr_life", 48, 5, 16,
			  MPOOL_F_ZERO | MPOOL_F_QUIET);
	KUNIT_EXPECT_PTR_EQ(test, t->created, (const struct mpool *)pool);
	KUNIT_ASSERT_NOT_NULL(test, mpool_alloc(pool));
	mpt_destroy(test, pool);
	KUNIT_EXPECT_PTR_EQ(test, t->destroyed, (const struct mpool *)pool);
	KUNIT_EXPECT_EQ(test, t->in_use, 1U);
	mpt_expect_counts(test, t, want);
}

/* A pool that cannot be created fires nothing. */
static void mpt_trace_test_create_failed(struct kunit *test)
{
	static const unsigned int want[MPT_EV_NR];
	struct mpt_trace *t = mpt_trace_start(test, "mpt_tr_bad");

	KUNIT_EXPECT_TRUE(test, IS_ERR(mpool_create("mpt_tr_bad", 0, 1, 0, 0)));
	mpt_expect_counts(test, t, want);
}

/*
 * alloc and free on the shared stack (@flags 0) or a CPU's cache.  Not
 * inlined: the events' caller is this function.
 */
static noinline void mpt_trace_alloc_free(struct kunit *test, unsigned int flags)
{
	static const unsigned int want[MPT_EV_NR] = { 1, 0, 2, 1 };
	struct mpt_trace *t = mpt_trace_start(test, "mpt_tr_af");
	bool cached = flags & MPOOL_F_PERCPU;
	struct mpool *pool;
	void *a, *b;

	pool = mpt_create(test, "mpt_tr_af", 64, 4, 0, flags);
	a = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_PTR_EQ(test, t->alloc.block, (const void *)a);
	KUNIT_EXPECT_EQ(test, t->alloc.cached, cached);
	mpt_expect_in(test, t->alloc.caller, mpt_trace_alloc_free,
		      "mpt_trace_alloc_free");
	b = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_PTR_EQ(test, t->alloc.block, (const void *)b);
	mpool_free(pool, a);
	KUNIT_EXPECT_PTR_EQ(test, t->free.block, (const void *)a);
	KUNIT_EXPECT_EQ(test, t->free.cached, cached);
	mpt_expect_in(test, t->free.caller, mpt_trace_alloc_free,
		      "mpt_trace_alloc_free");
	mpt_expect_counts(test, t, want);
	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, b), 0);
}

static void mpt_trace_test_shared(struct kunit *test)
{
	mpt_trace_alloc_free(test, 0);
}

static void mpt_trace_test_percpu(struct kunit *test)
{
	mpt_trace_alloc_free(test, MPOOL_F_PERCPU);
}

/* An exhausted pool: alloc_fail with the caller, no alloc. */
static void mpt_trace_test_alloc_fail(struct kunit *test)
{
	static const unsigned int want[MPT_EV_NR] = { 1, 0, 1, 0, 1 };
	struct mpt_trace *t = mpt_trace_start(test, "mpt_tr_fail");
	struct mpool *pool;

	pool = mpt_create(test, "mpt_tr_fail", 32, 1, 0, MPOOL_F_QUIET);
	KUNIT_ASSERT_NOT_NULL(test, mpool_alloc(pool));
	KUNIT_EXPECT_NULL(test, mpool_alloc(pool));
	mpt_expect_in(test, t->fail_caller, mpt_trace_test_alloc_fail,
		      __func__);
	mpt_expect_counts(test, t, want);
}

/* A wait that times out: wait_begin with the timeout, wait_end timeout. */
static void mpt_trace_test_wait_timeout(struct kunit *test)
{
	static const unsigned int want[MPT_EV_NR] = { 1, 0, 1, 0, 0, 1, 1 };
	struct mpt_trace *t = mpt_trace_start(test, "mpt_tr_wto");
	struct mpool *pool;
	void *block;

	pool = mpt_create(test, "mpt_tr_wto", 32, 1, 0, MPOOL_F_QUIET);
	KUNIT_ASSERT_NOT_NULL(test, mpool_alloc(pool));
	block = mpool_alloc_timeout(pool, 2);
	KUNIT_EXPECT_EQ(test, PTR_ERR(block), (long)-ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, t->timeout, 2L);
	mpt_expect_in(test, t->wait_caller, mpt_trace_test_wait_timeout,
		      __func__);
	KUNIT_EXPECT_EQ(test, t->wait_err, -ETIMEDOUT);
	KUNIT_EXPECT_NULL(test, t->wait_block);
	KUNIT_EXPECT_GE(test, t->wait_us, 0LL);
	KUNIT_EXPECT_EQ(test, t->wait_end_caller, t->wait_caller);
	mpt_expect_counts(test, t, want);
}

/* A block allocated at once: no wait events. */
static void mpt_trace_test_no_wait(struct kunit *test)
{
	static const unsigned int want[MPT_EV_NR] = { 1, 0, 1 };
	struct mpt_trace *t = mpt_trace_start(test, "mpt_tr_nw");
	struct mpool *pool;
	void *block;

	pool = mpt_create(test, "mpt_tr_nw", 32, 1, 0, MPOOL_F_QUIET);
	block = mpool_alloc_timeout(pool, HZ);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(block));
	KUNIT_EXPECT_PTR_EQ(test, t->alloc.block, (const void *)block);
	mpt_expect_counts(test, t, want);
}

/*
 * A sleeper woken by a free (outcome block), by a signal or by a destroy
 * (mpool_cancel_waits()): wait_end says which.
 */
enum { MPT_WAKE_FREE, MPT_WAKE_SIGNAL, MPT_WAKE_CANCEL };

static void mpt_trace_wait_woken(struct kunit *test, int how)
{
	static const unsigned int want_block[MPT_EV_NR] = {
		1, 0, 2, 1, 0, 1, 1 };
	static const unsigned int want_none[MPT_EV_NR] = {
		1, 0, 1, 0, 0, 1, 1 };
	struct mpt_trace *t = mpt_trace_start(test, "mpt_tr_ww");
	struct mpt_waiter *w;
	struct mpool *pool;
	void *held;

	pool = mpt_create(test, "mpt_tr_ww", 32, 1, 0, MPOOL_F_QUIET);
	held = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, held);
	w = mpt_waiter_start(test, pool, 60 * HZ, how == MPT_WAKE_SIGNAL, -1);
	KUNIT_ASSERT_TRUE_MSG(test, mpt_waiter_asleep(pool),
			      "the waiter never went to sleep");
	KUNIT_EXPECT_EQ(test, READ_ONCE(t->count[MPT_EV_WAIT_BEGIN]), 1U);
	KUNIT_EXPECT_EQ(test, READ_ONCE(t->count[MPT_EV_WAIT_END]), 0U);
	KUNIT_EXPECT_EQ(test, t->timeout, 60L * HZ);
	if (how == MPT_WAKE_FREE)
		mpool_free(pool, held);
	else if (how == MPT_WAKE_SIGNAL)
		send_sig(SIGUSR1, w->task, 1);
	else
		mpool_cancel_waits(pool);
	KUNIT_ASSERT_TRUE_MSG(test,
			      wait_for_completion_timeout(&w->done, 30 * HZ),
			      "the waiter never woke");
	mpt_expect_in(test, t->wait_caller, NULL, "mpt_waiter_fn");
	KUNIT_EXPECT_EQ(test, t->wait_end_caller, t->wait_caller);
	if (how == MPT_WAKE_FREE) {
		KUNIT_EXPECT_PTR_EQ(test, w->block, held);
		KUNIT_EXPECT_PTR_EQ(test, t->wait_block, (const void *)held);
		KUNIT_EXPECT_EQ(test, t->wait_err, 0);
		KUNIT_EXPECT_EQ(test, t->alloc.caller, t->wait_caller);
		mpt_expect_counts(test, t, want_block);
	} else {
		KUNIT_EXPECT_NULL(test, t->wait_block);
		KUNIT_EXPECT_EQ(test, t->wait_err,
				how == MPT_WAKE_SIGNAL ? -EINTR : -ECANCELED);
		KUNIT_EXPECT_EQ(test, PTR_ERR(w->block), (long)t->wait_err);
		mpt_expect_counts(test, t, want_none);
	}
	kunit_release_action(test, mpt_waiter_stop, w);
}

static void mpt_trace_test_wait_block(struct kunit *test)
{
	mpt_trace_wait_woken(test, MPT_WAKE_FREE);
}

static void mpt_trace_test_wait_signal(struct kunit *test)
{
	mpt_trace_wait_woken(test, MPT_WAKE_SIGNAL);
}

static void mpt_trace_test_wait_destroyed(struct kunit *test)
{
	mpt_trace_wait_woken(test, MPT_WAKE_CANCEL);
}

/*
 * Refused frees: double, foreign and misaligned, each with its address,
 * errno and caller (this function: not inlined), and no free event; on
 * both paths.
 */
static noinline void mpt_trace_refused(struct kunit *test, unsigned int flags)
{
	static const unsigned int want[MPT_EV_NR] = { 1, 0, 1, 1, 0, 0, 0, 3 };
	struct mpt_trace *t = mpt_trace_start(test, "mpt_tr_ref");
	struct mpool *pool;
	void *block;

	pool = mpt_create(test, "mpt_tr_ref", 64, 2, 0, flags | MPOOL_F_QUIET);
	block = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_ASSERT_EQ(test, mpool_free_checked(pool, block), 0);

	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, block), -ENXIO);
	KUNIT_EXPECT_PTR_EQ(test, t->refused_addr, (const void *)block);
	KUNIT_EXPECT_EQ(test, t->refused_err, -ENXIO);
	mpt_expect_in(test, t->refused_caller, mpt_trace_refused,
		      "mpt_trace_refused");

	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, block + 8), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, t->refused_addr, (const void *)(block + 8));
	KUNIT_EXPECT_EQ(test, t->refused_err, -EINVAL);

	/* mpool_free() too, past the region's end. */
	mpool_free(pool, pool->base + mpt_region(pool));
	KUNIT_EXPECT_PTR_EQ(test, t->refused_addr,
			    (const void *)(pool->base + mpt_region(pool)));
	KUNIT_EXPECT_EQ(test, t->refused_err, -ERANGE);
	mpt_expect_in(test, t->refused_caller, mpt_trace_refused,
		      "mpt_trace_refused");
	mpt_expect_counts(test, t, want);
}

static void mpt_trace_test_refused_shared(struct kunit *test)
{
	mpt_trace_refused(test, 0);
}

static void mpt_trace_test_refused_percpu(struct kunit *test)
{
	mpt_trace_refused(test, MPOOL_F_PERCPU);
}

static struct kunit_case mempool_trace_cases[] = {
	KUNIT_CASE(mpt_trace_test_create_destroy),
	KUNIT_CASE(mpt_trace_test_create_failed),
	KUNIT_CASE(mpt_trace_test_shared),
	KUNIT_CASE(mpt_trace_test_percpu),
	KUNIT_CASE(mpt_trace_test_alloc_fail),
	KUNIT_CASE(mpt_trace_test_wait_timeout),
	KUNIT_CASE(mpt_trace_test_no_wait),
	KUNIT_CASE(mpt_trace_test_wait_block),
	KUNIT_CASE(mpt_trace_test_wait_signal),
	KUNIT_CASE(mpt_trace_test_wait_destroyed),
	KUNIT_CASE(mpt_trace_test_refused_shared),
	KUNIT_CASE(mpt_trace_test_refused_percpu),
	{}
};

struct kunit_suite mempool_trace_suite = {
	.name = "mempool_trace",
	.test_cases = mempool_trace_cases,
};
