// SPDX-License-Identifier: GPL-2.0
/*
 * mempool_debug: the debug modes switched on live pools (mempool_debug.c,
 * debugfs "debug"): tracking from the switch on, poisoning that checks
 * only blocks freed since, the quarantine catching a write after free
 * with its report, and refused settings changing nothing.  Every write
 * "after free" lands in the pool's own region: no real use after free.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "mpool_test.h"

static void mpt_set(struct kunit *test, struct mpool *pool, int poison,
		    int track, int quarantine)
{
	struct mpool_debug_modes m = { poison, track, quarantine };

	KUNIT_ASSERT_EQ(test, mpool_debug_set(pool, &m), 0);
}

static void mpt_expect_modes(struct kunit *test, struct mpool *pool,
			     int poison, int track, int quarantine)
{
	struct mpool_debug_modes m;

	mpool_debug_get(pool, &m);
	KUNIT_EXPECT_EQ(test, m.poison, poison);
	KUNIT_EXPECT_EQ(test, m.track, track);
	KUNIT_EXPECT_EQ(test, m.quarantine, quarantine);
}

/* The caller mpool_next_live() gives for the live block @block. */
static unsigned long mpt_caller_of(struct kunit *test, struct mpool *pool,
				   void *block)
{
	unsigned int idx = (block - pool->base) / pool->stride;
	unsigned long caller = 1;

	KUNIT_EXPECT_EQ(test, mpool_next_live(pool, &idx, &caller), 0);
	KUNIT_EXPECT_PTR_EQ(test, mpt_block(pool, idx), block);
	return caller;
}

/* +track on a live pool: callers from then on; -track: none again. */
static void mpool_test_debug_track(struct kunit *test)
{
	struct mpool *pool;
	void *before, *during, *after;

	pool = mpt_create(test, "mpt_dbg_track", 32, 4, 0, MPOOL_F_QUIET);
	mpt_expect_modes(test, pool, 0, 0, 0);
	before = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, before);
	mpt_set(test, pool, -1, 1, -1);
	mpt_expect_modes(test, pool, 0, 1, 0);
	KUNIT_EXPECT_TRUE(test, pool->flags & MPOOL_F_TRACK);
	during = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, during);
	/* Allocated before tracking: an unknown caller. */
	KUNIT_EXPECT_EQ(test, mpt_caller_of(test, pool, before), 0UL);
	KUNIT_EXPECT_GT(test, mpt_caller_of(test, pool, during),
			(unsigned long)mpool_test_debug_track);
	KUNIT_EXPECT_LT(test, mpt_caller_of(test, pool, during),
			(unsigned long)mpool_test_debug_track + SZ_16K);

	mpt_set(test, pool, -1, 0, -1);
	mpt_expect_modes(test, pool, 0, 0, 0);
	after = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, after);
	KUNIT_EXPECT_EQ(test, mpt_caller_of(test, pool, after), 0UL);
	/* On again: the earlier callers are forgotten, not shown as now. */
	mpt_set(test, pool, -1, 1, -1);
	KUNIT_EXPECT_EQ(test, mpt_caller_of(test, pool, during), 0UL);
}

/*
 * +poison on a live pool: a block freed before is not checked, one freed
 * after is; -poison stops both.  On both paths.
 */
static void mpt_debug_poison(struct kunit *test, unsigned int flags)
{
	struct mpool_stats *st;
	struct mpool *pool;
	u8 *block;

	pool = mpt_create(test, "mpt_dbg_poison", 64, 4, 0,
			  flags | MPOOL_F_QUIET);
	block = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, block);
	memset(block, 0x5a, 64);
	mpool_free(pool, block);
	mpt_set(test, pool, 1, -1, -1);
	mpt_expect_modes(test, pool, 1, 0, 0);
	/* Freed before poisoning, full of 0x5a: not checked. */
	KUNIT_ASSERT_PTR_EQ(test, mpool_alloc(pool), (void *)block);
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->poison_errors, 0ULL);

	mpool_free(pool, block);
	KUNIT_EXPECT_NULL(test, memchr_inv(block, MPOOL_POISON_BYTE, 64));
	block[7] = 0;
	KUNIT_ASSERT_PTR_EQ(test, mpool_alloc(pool), (void *)block);
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->poison_errors, 1ULL);

	mpt_set(test, pool, 0, -1, -1);
	mpt_expect_modes(test, pool, 0, 0, 0);
	mpool_free(pool, block);
	block[7] = 0;
	KUNIT_ASSERT_PTR_EQ(test, mpool_alloc(pool), (void *)block);
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->poison_errors, 1ULL);
	/* And on again: the block freed while off is not checked. */
	mpool_free(pool, block);
	mpt_set(test, pool, 1, -1, -1);
	KUNIT_ASSERT_PTR_EQ(test, mpool_alloc(pool), (void *)block);
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->poison_errors, 1ULL);
	mpool_free(pool, block);
}

static void mpool_test_debug_poison(struct kunit *test)
{
	mpt_debug_poison(test, 0);
}

static void mpool_test_debug_poison_percpu(struct kunit *test)
{
	mpt_debug_poison(test, MPOOL_F_PERCPU);
}

/*
 * The quarantine holds freed blocks in a FIFO: a block comes back only
 * after N more frees; a free of a quarantined block is a double free.
 */
static void mpt_debug_fifo(struct kunit *test, unsigned int flags)
{
	struct mpool_stats *st;
	struct mpool *pool;
	void *b[8];
	int i;

	pool = mpt_create(test, "mpt_dbg_fifo", 32, 8, 0,
			  flags | MPOOL_F_QUIET);
	mpt_set(test, pool, -1, -1, 3);
	mpt_expect_modes(test, pool, 0, 0, 3);
	for (i = 0; i < 8; i++) {
		b[i] = mpool_alloc(pool);
		KUNIT_ASSERT_NOT_NULL(test, b[i]);
	}
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, b[i]), 0);
	/* All three wait in quarantine: none is free. */
	KUNIT_EXPECT_NULL(test, mpool_alloc(pool));
	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, b[1]), -ENXIO);
	/* A fourth free pushes the oldest, b[0], out. */
	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, b[3]), 0);
	KUNIT_EXPECT_PTR_EQ(test, mpool_alloc(pool), b[0]);
	KUNIT_EXPECT_NULL(test, mpool_alloc(pool));
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->poison_errors, 0ULL);
	KUNIT_EXPECT_EQ(test, st->frees, 4ULL);
	KUNIT_EXPECT_EQ(test, st->invalid_frees, 1ULL);

	/* Shorter: the oldest (b[1], b[2]) leave, the newest stays. */
	mpt_set(test, pool, -1, -1, 1);
	b[1] = mpool_alloc(pool);
	b[2] = mpool_alloc(pool);
	KUNIT_EXPECT_TRUE(test, b[1] == mpt_block(pool, 1) ||
			  b[1] == mpt_block(pool, 2));
	KUNIT_EXPECT_TRUE(test, b[2] == mpt_block(pool, 1) ||
			  b[2] == mpt_block(pool, 2));
	KUNIT_EXPECT_PTR_NE(test, b[1], b[2]);
	KUNIT_EXPECT_NULL(test, mpool_alloc(pool));
	/* Off: every block leaves. */
	mpt_set(test, pool, -1, -1, 0);
	mpt_expect_modes(test, pool, 0, 0, 0);
	KUNIT_EXPECT_PTR_EQ(test, mpool_alloc(pool), b[3]);
	KUNIT_EXPECT_NULL(test, mpool_alloc(pool));
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, b[i]), 0);
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 0ULL);
}

static void mpool_test_debug_fifo(struct kunit *test)
{
	mpt_debug_fifo(test, 0);
}

static void mpool_test_debug_fifo_percpu(struct kunit *test)
{
	mpt_debug_fifo(test, MPOOL_F_PERCPU);
}

/* Frees @block: the freeing caller the report names. */
static noinline void mpt_uaf_free(struct mpool *pool, void *block)
{
	mpool_free(pool, block);
	barrier();	/* no tail call: we are the caller */
}

/* Allocates: the allocating caller the report names. */
static noinline void *mpt_uaf_alloc(struct mpool *pool)
{
	void *block = mpool_alloc(pool);

	OPTIMIZER_HIDE_VAR(block);	/* no tail call: we are the caller */
	return block;
}

/*
 * A write after free caught by the quarantine: when the block leaves it,
 * pushed out by a newer one or at destroy, the report names the pool,
 * the offset, the byte, the freeing and the allocating caller.
 */
static void mpt_debug_uaf(struct kunit *test, bool at_destroy)
{
	struct mpool_stats *st;
	struct mpool *pool;
	const char *line;
	u8 *block, *other;

	pool = mpt_create(test, "mpt_dbg_uaf", 48, 4, 16, 0);
	mpt_set(test, pool, 1, 1, 1);
	other = mpt_uaf_alloc(pool);
	block = mpt_uaf_alloc(pool);
	KUNIT_ASSERT_PTR_EQ(test, block, (u8 *)mpt_block(pool, 1));
	/* Before: it goes through the quarantine, clean, first. */
	if (at_destroy)
		mpool_free(pool, other);
	mpt_uaf_free(pool, block);
	KUNIT_EXPECT_NULL(test, memchr_inv(block, MPOOL_POISON_BYTE, 48));
	block[5] = 0x11;	/* the use after free */
	MPT_EXPECT_LOGGED(test, 0, MPT_PREFIX, MPT_LOG "pool mpt_dbg_uaf");
	line = mpt_fmt(test, MPT_LOG "pool mpt_dbg_uaf: use after free: block at offset %zu %s",
		       pool->stride,
		       "written in quarantine at byte 5 (0x11); freed by mpt_uaf_free+");
	if (at_destroy) {
		/* In quarantine: checked at destroy, and not a leak. */
		mpt_destroy(test, pool);
		MPT_EXPECT_LOGGED(test, 1, MPT_PREFIX, line);
		MPT_EXPECT_LOGGED(test, 0, MPT_SUBSTR, "destroyed with");
		return;
	}
	mpt_uaf_free(pool, other);
	MPT_EXPECT_LOGGED(test, 1, MPT_PREFIX, line);
	MPT_EXPECT_LOGGED(test, 1, MPT_SUBSTR,
			  ", allocated by mpt_uaf_alloc+");
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->poison_errors, 1ULL);
	/* Reported once: not again when allocated by a poisoning pool. */
	KUNIT_EXPECT_PTR_EQ(test, mpool_alloc(pool), (void *)block);
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->poison_errors, 1ULL);
	mpool_free(pool, block);
}

static void mpool_test_debug_uaf(struct kunit *test)
{
	mpt_debug_uaf(test, false);
}

static void mpool_test_debug_uaf_destroy(struct kunit *test)
{
	mpt_debug_uaf(test, true);
}

/* Refused settings change nothing. */
static void mpool_test_debug_refused(struct kunit *test)
{
	static const struct mpool_debug_modes bad[] = {
		{ 1, 1, 8 },			/* as long as the pool */
		{ 1, 1, MPOOL_QUARANTINE_MAX + 1 },
		{ 2, -1, -1 },
		{ -1, -2, -1 },
		{ -1, -1, -2 },
	};
	struct mpool *pool;
	int i;

	pool = mpt_create(test, "mpt_dbg_bad", 32, 8, 0, MPOOL_F_QUIET);
	mpt_set(test, pool, -1, 1, 2);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, mpool_debug_set(pool, &bad[i]),
				    -EINVAL, "setting %d", i);
		mpt_expect_modes(test, pool, 0, 1, 2);
	}
}

#define MPT_SWITCH_THREADS	4
#define MPT_SWITCH_OPS		4000
#define MPT_SWITCH_HOLD		4

struct mpt_switch {
	struct mpool *pool;
	unsigned int id;
	unsigned int ops;
	unsigned int bad;	/* held blocks found changed */
	struct completion done;
	struct task_struct *task;
};

/* Allocates, stamps, holds a few, checks the stamps, frees: over and over. */
static int mpt_switch_fn(void *data)
{
	struct mpt_switch *t = data;
	u32 *held[MPT_SWITCH_HOLD] = { };
	unsigned int i, j;

	for (i = 0; i < MPT_SWITCH_OPS; i++) {
		j = i % MPT_SWITCH_HOLD;
		if (held[j]) {
			if (READ_ONCE(*held[j]) != t->id)
				t->bad++;
			mpool_free(t->pool, held[j]);
		}
		held[j] = mpool_alloc(t->pool);
		if (held[j]) {
			WRITE_ONCE(*held[j], t->id);
			t->ops++;
		}
		if (!(i % 64))
			cond_resched();
	}
	for (j = 0; j < MPT_SWITCH_HOLD; j++)
		if (held[j])
			mpool_free(t->pool, held[j]);
	complete(&t->done);
	return 0;
}

/*
 * Modes switched over and over while threads on every CPU allocate and
 * free: no block lost or handed out twice, nothing refused, no poison
 * error (no thread writes after its free), counts that add up.
 */
static void mpt_debug_switch(struct kunit *test, unsigned int flags)
{
	static const struct mpool_debug_modes steps[] = {
		{ 1, -1, -1 }, { -1, 1, -1 }, { -1, -1, 8 }, { 0, -1, -1 },
		{ -1, 0, 2 }, { 1, 1, -1 }, { -1, -1, 0 }, { 0, 0, 5 },
	};
	unsigned int i, n = 0, nr = min(num_online_cpus(), MPT_SWITCH_THREADS);
	struct mpt_switch *t;
	struct mpool_stats *st;
	struct mpool *pool;
	u64 allocs = 0;
	int cpu;

	t = kunit_kcalloc(test, nr, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	/* Room for every thread's blocks, a cache each and the quarantine. */
	pool = mpt_create(test, "mpt_dbg_switch", 64,
			  nr * (MPT_SWITCH_HOLD + MPOOL_PCP_SIZE) + 8, 0,
			  flags | MPOOL_F_QUIET);
	for_each_online_cpu(cpu) {
		if (n == nr)
			break;
		t[n].pool = pool;
		t[n].id = n + 1;
		init_completion(&t[n].done);
		t[n].task = kthread_create_on_cpu(mpt_switch_fn, &t[n], cpu,
						  "mpt_switch/%u");
		if (IS_ERR(t[n].task))
			break;
		get_task_struct(t[n].task);
		n++;
	}
	for (i = 0; i < n; i++)
		wake_up_process(t[i].task);
	for (i = 0; n == nr && !completion_done(&t[0].done); i++) {
		KUNIT_EXPECT_EQ(test, mpool_debug_set(pool,
						      &steps[i % ARRAY_SIZE(steps)]),
				0);
		usleep_range(200, 400);
	}
	for (i = 0; i < n; i++) {
		wait_for_completion(&t[i].done);
		kthread_stop_put(t[i].task);
		KUNIT_EXPECT_EQ(test, t[i].bad, 0U);
		allocs += t[i].ops;
	}
	KUNIT_ASSERT_EQ_MSG(test, n, nr, "could not start thread %u", n);
	mpt_set(test, pool, 0, 0, 0);
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->allocs, allocs);
	KUNIT_EXPECT_EQ(test, st->frees, allocs);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 0ULL);
	KUNIT_EXPECT_EQ(test, st->invalid_frees, 0ULL);
	KUNIT_EXPECT_EQ(test, st->poison_errors, 0ULL);
	if (!(flags & MPOOL_F_PERCPU))
		KUNIT_EXPECT_EQ(test, mpt_drain(test, pool, NULL),
				pool->nr_blocks);
}

static void mpool_test_debug_switch(struct kunit *test)
{
	mpt_debug_switch(test, 0);
}

static void mpool_test_debug_switch_percpu(struct kunit *test)
{
	mpt_debug_switch(test, MPOOL_F_PERCPU);
}

static struct kunit_case mempool_debug_cases[] = {
	KUNIT_CASE(mpool_test_debug_track),
	KUNIT_CASE(mpool_test_debug_poison),
	KUNIT_CASE(mpool_test_debug_poison_percpu),
	KUNIT_CASE(mpool_test_debug_fifo),
	KUNIT_CASE(mpool_test_debug_fifo_percpu),
	KUNIT_CASE(mpool_test_debug_uaf),
	KUNIT_CASE(mpool_test_debug_uaf_destroy),
	KUNIT_CASE(mpool_test_debug_refused),
	KUNIT_CASE(mpool_test_debug_switch),
	KUNIT_CASE(mpool_test_debug_switch_percpu),
	{}
};

struct kunit_suite mempool_debug_suite = {
	.name = "mempool_debug",
	.test_cases = mempool_debug_cases,
	.suite_init = mpt_console_suite_init,
	.suite_exit = mpt_console_suite_exit,
	.init = mpt_console_init,
	.exit = mpt_console_exit,
};
