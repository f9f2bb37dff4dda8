// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the mpool engine (mempool.ko's exported mpool_* API).
 *
 * Every pool a test creates is handed to a KUnit deferred action right
 * away, so it is destroyed even when an assertion aborts the test; tests
 * that destroy a pool themselves release that action.  Threads and timers
 * a test starts are always stopped before its pools go away.  Pools that
 * are misused on purpose are MPOOL_F_QUIET, except in the one test of
 * mpool_free()'s report-once behaviour.
 *
 * Nothing outside a pool's region is ever touched after a free: the poison
 * tests write into free blocks of the pool, which the pool keeps mapped.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kallsyms.h>
#include <linux/kthread.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/smp.h>
#include <linux/signal.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "mpool.h"
#include "uapi/mpool_ioctl.h"
#include "../mempool_core.h"
#include "../mempool_internal.h"

KUNIT_DEFINE_ACTION_WRAPPER(mpt_destroy_action, mpool_destroy, struct mpool *);

/* Creates a pool that is destroyed when the test ends, however it ends. */
static struct mpool *mpt_create(struct kunit *test, const char *name,
				size_t block_size, unsigned int nr_blocks,
				size_t align, unsigned int flags)
{
	struct mpool *pool;
	int ret;

	pool = mpool_create(name, block_size, nr_blocks, align, flags);
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, pool, "mpool_create(%s)", name);
	ret = kunit_add_action_or_reset(test, mpt_destroy_action, pool);
	KUNIT_ASSERT_EQ(test, ret, 0);
	return pool;
}

/* Destroys a pool from mpt_create() now, instead of at the test's end. */
static void mpt_destroy(struct kunit *test, struct mpool *pool)
{
	kunit_release_action(test, mpt_destroy_action, pool);
}

static struct mpool_stats *mpt_stats(struct kunit *test, struct mpool *pool)
{
	struct mpool_stats *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, st);
	mpool_get_stats(pool, st);
	return st;
}

static size_t mpt_region(struct mpool *pool)
{
	return pool->stride * pool->nr_blocks;
}

static void *mpt_block(struct mpool *pool, unsigned int idx)
{
	return pool->base + (size_t)idx * pool->stride;
}

/*
 * Allocates every free block of @pool, asserting that each is a distinct,
 * aligned block start inside the region and that the pool is empty
 * afterwards.  Returns how many blocks it got; @out (nr_blocks entries,
 * optional) receives them.
 */
static unsigned int mpt_drain(struct kunit *test, struct mpool *pool,
			      void **out)
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

/* ---- mempool_params ------------------------------------------------- */

struct mpt_create_case {
	const char *desc;
	const char *name;
	size_t block_size;
	unsigned int nr_blocks;
	size_t align;
	unsigned int flags;
	int err;
};

static const struct mpt_create_case mpt_create_cases[] = {
	{ "ok minimal", "mpt_c_min", 1, 1, 0, 0, 0 },
	{ "ok align 1", "mpt_c_a1", 3, 5, 1, 0, 0 },
	{ "ok align PAGE_SIZE", "mpt_c_apage", 100, 3, PAGE_SIZE, 0, 0 },
	{ "ok all flags", "mpt_c_flags", 64, 8, 64, MPOOL_F_ALL, 0 },
	{ "ok name charset", "mpt.C-9_z", 16, 2, 0, 0, 0 },
	{ "ok 31-char name", "mpt_c_0123456789abcdef012345678", 8, 1, 0, 0, 0 },
	{ "zero block_size", "mpt_c_bs0", 0, 4, 0, 0, -EINVAL },
	{ "zero nr_blocks", "mpt_c_nr0", 16, 0, 0, 0, -EINVAL },
	{ "align 3", "mpt_c_a3", 16, 4, 3, 0, -EINVAL },
	{ "align 24", "mpt_c_a24", 16, 4, 24, 0, -EINVAL },
	{ "align 2*PAGE_SIZE", "mpt_c_a2p", 16, 4, 2 * PAGE_SIZE, 0, -EINVAL },
	{ "unknown flag", "mpt_c_flag", 16, 4, 0, MPOOL_F_ALL + 1, -EINVAL },
	{ "high flag", "mpt_c_flag31", 16, 4, 0, BIT(31), -EINVAL },
	{ "empty name", "", 16, 4, 0, 0, -EINVAL },
	{ "name with space", "mpt c", 16, 4, 0, 0, -EINVAL },
	{ "name with slash", "mpt/c", 16, 4, 0, 0, -EINVAL },
	{ "name with newline", "mpt_c\n", 16, 4, 0, 0, -EINVAL },
	{ "reserved name pools", "pools", 16, 4, 0, 0, -EINVAL },
	{ "32-char name", "mpt_c_0123456789abcdef0123456789", 8, 1, 0, 0,
	  -ENAMETOOLONG },
	{ "long name", "mpt_c_0123456789abcdef0123456789abcdef", 8, 1, 0, 0,
	  -ENAMETOOLONG },
	{ "size overflow SIZE_MAX/2 x 4", "mpt_c_ovf1", SIZE_MAX / 2, 4, 0, 0,
	  -EOVERFLOW },
	{ "stride overflow SIZE_MAX", "mpt_c_ovf2", SIZE_MAX, 1, 8, 0,
	  -EOVERFLOW },
};

static void mpt_create_desc(const struct mpt_create_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(mpt_create, mpt_create_cases, mpt_create_desc);

/* Each bad parameter gets its errno; good ones give the geometry asked. */
static void mpool_test_create_params(struct kunit *test)
{
	const struct mpt_create_case *c = test->param_value;
	size_t align = c->align ? c->align : MPOOL_DEFAULT_ALIGN;
	struct mpool_stats *st;
	struct mpool *pool;

	pool = mpool_create(c->name, c->block_size, c->nr_blocks, c->align,
			    c->flags);
	if (!IS_ERR_OR_NULL(pool))
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test,
							  mpt_destroy_action,
							  pool));
	if (c->err) {
		KUNIT_EXPECT_TRUE_MSG(test, IS_ERR(pool),
				      "created a pool, expected %d", c->err);
		if (IS_ERR(pool))
			KUNIT_EXPECT_EQ(test, PTR_ERR(pool), (long)c->err);
		return;
	}
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	KUNIT_EXPECT_STREQ(test, pool->name, c->name);
	KUNIT_EXPECT_EQ(test, pool->align, align);
	KUNIT_EXPECT_EQ(test, pool->stride, ALIGN(c->block_size, align));
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)pool->base, align));
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->block_size, (u64)c->block_size);
	KUNIT_EXPECT_EQ(test, st->stride, (u64)ALIGN(c->block_size, align));
	KUNIT_EXPECT_EQ(test, st->align, (u64)align);
	/* The stats leave out MPOOL_F_QUIET, which only governs logging. */
	KUNIT_EXPECT_EQ(test, st->flags, (u64)(c->flags & ~MPOOL_F_QUIET));
	KUNIT_EXPECT_EQ(test, st->blocks_total, (u64)c->nr_blocks);
	KUNIT_EXPECT_EQ(test, st->blocks_free, (u64)c->nr_blocks);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 0ULL);
	KUNIT_EXPECT_EQ(test, st->allocs, 0ULL);
	KUNIT_EXPECT_GT(test, st->bytes_reserved, (u64)mpt_region(pool));
}

/* A duplicate name is refused and leaves the first pool alone. */
static void mpool_test_name_exists(struct kunit *test)
{
	struct mpool_stats *st;
	struct mpool *pool, *dup;
	void *block;

	pool = mpt_create(test, "mpt_dup", 32, 4, 0, MPOOL_F_QUIET);
	block = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, block);

	dup = mpool_create("mpt_dup", 64, 8, 16, 0);
	if (!IS_ERR_OR_NULL(dup))
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test,
							  mpt_destroy_action,
							  dup));
	KUNIT_ASSERT_TRUE(test, IS_ERR(dup));
	KUNIT_EXPECT_EQ(test, PTR_ERR(dup), (long)-EEXIST);

	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->block_size, 32ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_total, 4ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 1ULL);
	KUNIT_EXPECT_EQ(test, st->allocs, 1ULL);
	KUNIT_EXPECT_STREQ(test, pool->name, "mpt_dup");
	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, block), 0);
	KUNIT_EXPECT_EQ(test, mpt_drain(test, pool, NULL), 4U);
}

/* Once a pool is destroyed, even with live blocks, its name is free. */
static void mpool_test_name_reuse(struct kunit *test)
{
	struct mpool *pool;

	pool = mpt_create(test, "mpt_reuse", 16, 8, 0, MPOOL_F_QUIET);
	KUNIT_ASSERT_NOT_NULL(test, mpool_alloc(pool));
	KUNIT_ASSERT_NOT_NULL(test, mpool_alloc(pool));
	mpt_destroy(test, pool);

	pool = mpt_create(test, "mpt_reuse", 128, 2, 64, 0);
	KUNIT_EXPECT_EQ(test, pool->block_size, (size_t)128);
	KUNIT_EXPECT_EQ(test, mpt_drain(test, pool, NULL), 2U);
}

/*
 * Userspace's pools count against max_bytes (256 MiB by default); -EDQUOT
 * spends nothing: the name stays free and small pools still fit.
 */
static void mpool_test_max_bytes(struct kunit *test)
{
	static const struct {
		size_t block_size;
		unsigned int nr_blocks;
	} over[] = {
		{ SZ_1M, 300 },			/* 300 MiB in blocks */
		{ SZ_256M + SZ_1M, 1 },		/* one 257 MiB block */
	};
	struct mpool *pool;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(over); i++) {
		pool = mpool_create_user("mpt_quota", over[i].block_size,
					 over[i].nr_blocks, 0, MPOOL_F_QUIET);
		if (!IS_ERR_OR_NULL(pool))
			KUNIT_ASSERT_EQ(test, 0,
					kunit_add_action_or_reset(test,
								  mpt_destroy_action,
								  pool));
		KUNIT_ASSERT_TRUE(test, IS_ERR(pool));
		KUNIT_EXPECT_EQ(test, PTR_ERR(pool), (long)-EDQUOT);
	}

	pool = mpool_create_user("mpt_quota", SZ_1M, 2, 0, MPOOL_F_QUIET);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(pool));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   mpt_destroy_action,
							   pool));
	KUNIT_EXPECT_EQ(test, mpt_drain(test, pool, NULL), 2U);
}

/*
 * A kernel user's pool is not charged to max_bytes, so userspace filling
 * its budget cannot starve kernel users; an anonymous pool holds no name.
 */
static void mpool_test_kernel_budget(struct kunit *test)
{
	struct mpool *user, *kern, *anon, *anon2;
	struct mpool_stats st;

	/* 200 MiB + 100 MiB would exceed the 256 MiB budget if both counted. */
	user = mpool_create_user("mpt_budget_u", SZ_1M, 200, 0, MPOOL_F_QUIET);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(user));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   mpt_destroy_action,
							   user));
	kern = mpt_create(test, "mpt_budget_k", SZ_1M, 100, 0, MPOOL_F_QUIET);
	KUNIT_EXPECT_EQ(test, mpt_drain(test, kern, NULL), 100U);

	anon = mpool_create(NULL, 64, 4, 0, MPOOL_F_QUIET);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(anon));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   mpt_destroy_action,
							   anon));
	anon2 = mpool_create(NULL, 64, 4, 0, MPOOL_F_QUIET);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(anon2));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   mpt_destroy_action,
							   anon2));
	KUNIT_EXPECT_EQ(test, mpt_drain(test, anon, NULL), 4U);
	KUNIT_EXPECT_EQ(test, mpool_stats_by_name("(anonymous)", &st),
			-ENOENT);
}

static void mpool_test_destroy_null(struct kunit *test)
{
	mpool_destroy(NULL);
	KUNIT_SUCCEED(test);
}

static struct kunit_case mempool_params_cases[] = {
	KUNIT_CASE_PARAM(mpool_test_create_params, mpt_create_gen_params),
	KUNIT_CASE(mpool_test_name_exists),
	KUNIT_CASE(mpool_test_name_reuse),
	KUNIT_CASE(mpool_test_max_bytes),
	KUNIT_CASE(mpool_test_kernel_budget),
	KUNIT_CASE(mpool_test_destroy_null),
	{}
};

static struct kunit_suite mempool_params_suite = {
	.name = "mempool_params",
	.test_cases = mempool_params_cases,
};

/* ---- mempool_alloc_free --------------------------------------------- */

struct mpt_geom {
	size_t block_size;
	unsigned int nr_blocks;
	size_t align;
};

static const struct mpt_geom mpt_geoms[] = {
	{ 1, 64, 1 },
	{ 24, 32, 0 },
	{ 8, 100, 8 },
	{ 33, 20, 32 },
	{ 100, 16, 64 },
	{ 3000, 9, 16 },
	{ 1, 4, PAGE_SIZE },
	{ PAGE_SIZE, 3, PAGE_SIZE },
};

static void mpt_geom_desc(const struct mpt_geom *g, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "size %zu x %u align %zu",
		 g->block_size, g->nr_blocks, g->align);
}

KUNIT_ARRAY_PARAM(mpt_geom, mpt_geoms, mpt_geom_desc);

/*
 * Allocate until exhausted: distinct aligned blocks inside the region,
 * block 0 first, that do not overlap; then NULL, counted; then free all
 * and get every block back, most recently freed first.
 */
static void mpool_test_exhaust(struct kunit *test)
{
	const struct mpt_geom *g = test->param_value;
	size_t align = g->align ? g->align : MPOOL_DEFAULT_ALIGN;
	struct mpool_stats *st;
	struct mpool *pool;
	char name[MPOOL_NAME_MAX];
	unsigned int i, n = g->nr_blocks;
	void **blocks;

	snprintf(name, sizeof(name), "mpt_exh_%zu_%u_%zu", g->block_size, n,
		 g->align);
	pool = mpt_create(test, name, g->block_size, n, g->align,
			  MPOOL_F_QUIET);
	KUNIT_ASSERT_EQ(test, pool->stride, ALIGN(g->block_size, align));
	blocks = kunit_kcalloc(test, n, sizeof(*blocks), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, blocks);

	KUNIT_ASSERT_EQ(test, mpt_drain(test, pool, blocks), n);
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_PTR_EQ_MSG(test, blocks[i], mpt_block(pool, i),
					"allocation %u", i);
		KUNIT_ASSERT_TRUE(test,
				  IS_ALIGNED((unsigned long)blocks[i], align));
		memset(blocks[i], i & 0xff, g->block_size);
	}
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_NULL_MSG(test,
				      memchr_inv(blocks[i], i & 0xff,
						 g->block_size),
				      "block %u overwritten by a neighbour", i);

	KUNIT_EXPECT_NULL(test, mpool_alloc(pool));
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->allocs, (u64)n);
	KUNIT_EXPECT_EQ(test, st->alloc_failures, 2ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_free, 0ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, (u64)n);
	KUNIT_EXPECT_EQ(test, st->high_watermark, (u64)n);

	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, mpool_free_checked(pool, blocks[i]), 0);
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->blocks_free, (u64)n);
	KUNIT_EXPECT_EQ(test, st->frees, (u64)n);

	KUNIT_ASSERT_EQ(test, mpt_drain(test, pool, blocks), n);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_PTR_EQ(test, blocks[i], mpt_block(pool, n - 1 - i));
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->allocs, 2ULL * n);
	KUNIT_EXPECT_EQ(test, st->alloc_failures, 3ULL);
	KUNIT_EXPECT_EQ(test, st->invalid_frees, 0ULL);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, mpool_free_checked(pool, blocks[i]), 0);
}

/* Blocks come back last freed, first allocated. */
static void mpool_test_lifo(struct kunit *test)
{
	struct mpool *pool;
	void *a, *b, *c;

	pool = mpt_create(test, "mpt_lifo", 40, 8, 0, MPOOL_F_QUIET);
	a = mpool_alloc(pool);
	b = mpool_alloc(pool);
	c = mpool_alloc(pool);
	KUNIT_ASSERT_PTR_EQ(test, a, mpt_block(pool, 0));
	KUNIT_ASSERT_PTR_EQ(test, b, mpt_block(pool, 1));
	KUNIT_ASSERT_PTR_EQ(test, c, mpt_block(pool, 2));

	mpool_free(pool, b);
	KUNIT_EXPECT_PTR_EQ(test, mpool_alloc(pool), b);
	mpool_free(pool, a);
	mpool_free(pool, c);
	KUNIT_EXPECT_PTR_EQ(test, mpool_alloc(pool), c);
	KUNIT_EXPECT_PTR_EQ(test, mpool_alloc(pool), a);
	KUNIT_EXPECT_PTR_EQ(test, mpool_alloc(pool), mpt_block(pool, 3));
}

/* An empty pool returns NULL, counts each failure, and recovers. */
static void mpool_test_exhausted_null(struct kunit *test)
{
	struct mpool_stats *st;
	struct mpool *pool;
	void *a, *b;
	int i;

	pool = mpt_create(test, "mpt_empty", 64, 2, 0, MPOOL_F_QUIET);
	a = mpool_alloc(pool);
	b = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_NULL(test, mpool_alloc(pool));
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->alloc_failures, 5ULL);
	KUNIT_EXPECT_EQ(test, st->allocs, 2ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_free, 0ULL);

	mpool_free(pool, a);
	KUNIT_EXPECT_PTR_EQ(test, mpool_alloc(pool), a);
	KUNIT_EXPECT_NULL(test, mpool_alloc(pool));
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->alloc_failures, 6ULL);
	KUNIT_EXPECT_EQ(test, st->allocs, 3ULL);
	KUNIT_EXPECT_EQ(test, st->frees, 1ULL);
}

/* Free everything in a scrambled order and allocate it all again. */
static void mpool_test_refill(struct kunit *test)
{
	const unsigned int n = 37;
	struct mpool_stats *st;
	struct mpool *pool;
	unsigned int i, round;
	void **blocks;

	pool = mpt_create(test, "mpt_refill", 56, n, 8, MPOOL_F_QUIET);
	blocks = kunit_kcalloc(test, n, sizeof(*blocks), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, blocks);
	for (round = 0; round < 4; round++) {
		KUNIT_ASSERT_EQ(test, mpt_drain(test, pool, blocks), n);
		/* 7 is coprime with 37: every block, in a scrambled order. */
		for (i = 0; i < n; i++)
			KUNIT_ASSERT_EQ(test,
					mpool_free_checked(pool,
							   blocks[(i * 7) % n]),
					0);
	}
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->allocs, 4ULL * n);
	KUNIT_EXPECT_EQ(test, st->frees, 4ULL * n);
	KUNIT_EXPECT_EQ(test, st->alloc_failures, 4ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_free, (u64)n);
	KUNIT_EXPECT_EQ(test, st->invalid_frees, 0ULL);
}

/* Free blocks hold no metadata: scribbling over them breaks nothing. */
static void mpool_test_scribble_free_blocks(struct kunit *test)
{
	struct mpool *pool;
	void *a, *b;

	pool = mpt_create(test, "mpt_scribble", 40, 16, 0, MPOOL_F_QUIET);
	a = mpool_alloc(pool);
	b = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, b);
	mpool_free(pool, a);
	/* Every block but b is free: trash them all. */
	memset(pool->base, 0xff, pool->stride);
	memset(pool->base + 2 * pool->stride, 0xa5,
	       mpt_region(pool) - 2 * pool->stride);
	KUNIT_EXPECT_EQ(test, mpt_drain(test, pool, NULL), 15U);
	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, b), 0);
	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, b), -ENXIO);
}

/* mpool_free(NULL) is a no-op, like kfree(NULL). */
static void mpool_test_free_null(struct kunit *test)
{
	struct mpool_stats *st;
	struct mpool *pool;

	pool = mpt_create(test, "mpt_free_null", 16, 2, 0, 0);
	mpool_free(pool, NULL);
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->invalid_frees, 0ULL);
	KUNIT_EXPECT_EQ(test, st->frees, 0ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_free, 2ULL);
	KUNIT_EXPECT_EQ(test, pool->reported, 0UL);
}

/* mpool_block_at() and mpool_block_offset() invert each other. */
static void mpool_test_block_at_offset(struct kunit *test)
{
	struct mpool *pool;
	unsigned int i;
	u64 off, end;
	void *block;

	pool = mpt_create(test, "mpt_offsets", 48, 5, 16, MPOOL_F_QUIET);
	KUNIT_ASSERT_EQ(test, pool->stride, (size_t)48);
	end = mpt_region(pool);
	for (i = 0; i < pool->nr_blocks; i++) {
		off = (u64)i * pool->stride;
		block = mpool_block_at(pool, off);
		KUNIT_EXPECT_PTR_EQ(test, block, mpt_block(pool, i));
		KUNIT_EXPECT_EQ(test, mpool_block_offset(pool, block), off);
		KUNIT_EXPECT_PTR_EQ(test, mpool_block_at(pool, off + 1),
				    pool->base + off + 1);
	}
	KUNIT_EXPECT_PTR_EQ(test, mpool_block_at(pool, end - 1),
			    pool->base + end - 1);
	KUNIT_EXPECT_NULL(test, mpool_block_at(pool, end));
	KUNIT_EXPECT_NULL(test, mpool_block_at(pool, end + 1));
	KUNIT_EXPECT_NULL(test, mpool_block_at(pool, U64_MAX));
	KUNIT_EXPECT_NULL(test, mpool_block_at(pool, 1ULL << 32));

	block = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_EXPECT_PTR_EQ(test,
			    mpool_block_at(pool,
					   mpool_block_offset(pool, block)),
			    block);
}

static const char mpt_pattern[] = "0123456789abcdefghij";

/* What goes in with mpool_copy_to_block() comes out the same. */
static void mpool_test_copy_roundtrip(struct kunit *test)
{
	struct mpool *pool;
	char *buf;
	void *block;

	/* 20-byte blocks, 24 bytes apart. */
	pool = mpt_create(test, "mpt_copy_rt", 20, 3, 8, MPOOL_F_QUIET);
	buf = kunit_kzalloc(test, 32, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	mpool_alloc(pool);
	block = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, block);

	KUNIT_EXPECT_EQ(test, mpool_copy_to_block(pool, block, 0, mpt_pattern,
						  20), 0);
	KUNIT_EXPECT_MEMEQ(test, block, mpt_pattern, 20);
	KUNIT_EXPECT_EQ(test, mpool_copy_from_block(pool, block, 0, buf, 20),
			0);
	KUNIT_EXPECT_MEMEQ(test, buf, mpt_pattern, 20);

	KUNIT_EXPECT_EQ(test, mpool_copy_to_block(pool, block, 5, "XYZ", 3),
			0);
	KUNIT_EXPECT_MEMEQ(test, block, "01234XYZ89abcdefghij", 20);
	memset(buf, 0, 32);
	KUNIT_EXPECT_EQ(test, mpool_copy_from_block(pool, block, 4, buf, 5),
			0);
	KUNIT_EXPECT_STREQ(test, buf, "4XYZ8");
	KUNIT_EXPECT_EQ(test, mpool_copy_from_block(pool, block, 19, buf, 1),
			0);
	KUNIT_EXPECT_EQ(test, buf[0], 'j');
	/* The neighbours were not touched. */
	KUNIT_EXPECT_EQ(test, mpool_copy_to_block(pool, block, 19, "!", 1), 0);
	KUNIT_EXPECT_EQ(test, ((char *)block)[19], '!');
}

struct mpt_range {
	size_t pos;
	size_t len;
};

/* Bounds are the block's size, not its stride; nothing moves on refusal. */
static void mpool_test_copy_bounds(struct kunit *test)
{
	static const struct mpt_range bad[] = {
		{ 0, 0 }, { 5, 0 }, { 20, 0 }, { 0, 21 }, { 18, 3 },
		{ 19, 2 }, { 20, 1 }, { 21, 1 }, { 23, 1 }, { 24, 1 },
		{ SIZE_MAX, 2 }, { 1, SIZE_MAX }, { SIZE_MAX, SIZE_MAX },
	};
	struct mpool *pool;
	unsigned int i;
	char *buf;
	void *block;

	pool = mpt_create(test, "mpt_copy_bounds", 20, 2, 8, MPOOL_F_QUIET);
	KUNIT_ASSERT_EQ(test, pool->stride, (size_t)24);
	buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	block = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, block);
	memset(block, 0x5a, pool->stride);
	memset(buf, 0x3c, 64);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    mpool_copy_to_block(pool, block, bad[i].pos,
							buf, bad[i].len),
				    -EINVAL, "to pos %zu len %zu", bad[i].pos,
				    bad[i].len);
		KUNIT_EXPECT_EQ_MSG(test,
				    mpool_copy_from_block(pool, block,
							  bad[i].pos, buf,
							  bad[i].len),
				    -EINVAL, "from pos %zu len %zu", bad[i].pos,
				    bad[i].len);
	}
	KUNIT_EXPECT_NULL(test, memchr_inv(block, 0x5a, pool->stride));
	KUNIT_EXPECT_NULL(test, memchr_inv(buf, 0x3c, 64));
	/* The exact edges are fine. */
	KUNIT_EXPECT_EQ(test, mpool_copy_to_block(pool, block, 0, buf, 20), 0);
	KUNIT_EXPECT_EQ(test, mpool_copy_to_block(pool, block, 19, buf, 1), 0);
	KUNIT_EXPECT_EQ(test, mpool_copy_from_block(pool, block, 0, buf, 20),
			0);
	KUNIT_EXPECT_EQ(test, ((u8 *)block)[20], 0x5a);
}

/* Copies need an allocated block start: -ERANGE, -EINVAL, -ENXIO. */
static void mpool_test_copy_states(struct kunit *test)
{
	struct mpool *pool;
	void *block, *freed;
	char buf[8] = "abcdefg";

	pool = mpt_create(test, "mpt_copy_states", 32, 4, 0, MPOOL_F_QUIET);
	block = mpool_alloc(pool);
	freed = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, freed);
	KUNIT_ASSERT_EQ(test, mpool_free_checked(pool, freed), 0);

	KUNIT_EXPECT_EQ(test, mpool_copy_to_block(pool, freed, 0, buf, 4),
			-ENXIO);
	KUNIT_EXPECT_EQ(test, mpool_copy_from_block(pool, freed, 0, buf, 4),
			-ENXIO);
	KUNIT_EXPECT_EQ(test,
			mpool_copy_to_block(pool, mpt_block(pool, 3), 0, buf,
					    4),
			-ENXIO);
	KUNIT_EXPECT_EQ(test, mpool_copy_to_block(pool, block + 1, 0, buf, 4),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mpool_copy_from_block(pool, block + 8, 0, buf,
						    4), -EINVAL);
	KUNIT_EXPECT_EQ(test, mpool_copy_to_block(pool, NULL, 0, buf, 4),
			-ERANGE);
	KUNIT_EXPECT_EQ(test,
			mpool_copy_from_block(pool,
					      pool->base + mpt_region(pool), 0,
					      buf, 4),
			-ERANGE);
	KUNIT_EXPECT_EQ(test,
			mpool_copy_to_block(pool, pool->base - pool->stride, 0,
					    buf, 4),
			-ERANGE);
	KUNIT_EXPECT_STREQ(test, buf, "abcdefg");
	KUNIT_EXPECT_EQ(test, mpool_copy_to_block(pool, block, 0, buf, 8), 0);
}

static struct kunit_case mempool_alloc_free_cases[] = {
	KUNIT_CASE_PARAM(mpool_test_exhaust, mpt_geom_gen_params),
	KUNIT_CASE(mpool_test_lifo),
	KUNIT_CASE(mpool_test_exhausted_null),
	KUNIT_CASE(mpool_test_refill),
	KUNIT_CASE(mpool_test_scribble_free_blocks),
	KUNIT_CASE(mpool_test_free_null),
	KUNIT_CASE(mpool_test_block_at_offset),
	KUNIT_CASE(mpool_test_copy_roundtrip),
	KUNIT_CASE(mpool_test_copy_bounds),
	KUNIT_CASE(mpool_test_copy_states),
	{}
};

static struct kunit_suite mempool_alloc_free_suite = {
	.name = "mempool_alloc_free",
	.test_cases = mempool_alloc_free_cases,
};

/* ---- mempool_misuse ------------------------------------------------- */

enum mpt_bad_kind {
	MPT_BAD_BELOW,
	MPT_BAD_JUST_BELOW,
	MPT_BAD_ABOVE,
	MPT_BAD_FAR_ABOVE,
	MPT_BAD_NULL,
	MPT_BAD_INSIDE,
	MPT_BAD_INSIDE_END,
	MPT_BAD_DOUBLE,
	MPT_BAD_NEVER,
};

struct mpt_bad_free {
	const char *desc;
	enum mpt_bad_kind kind;
	int err;
};

static const struct mpt_bad_free mpt_bad_frees[] = {
	{ "outside below", MPT_BAD_BELOW, -ERANGE },
	{ "one byte below", MPT_BAD_JUST_BELOW, -ERANGE },
	{ "outside above", MPT_BAD_ABOVE, -ERANGE },
	{ "far above", MPT_BAD_FAR_ABOVE, -ERANGE },
	{ "NULL", MPT_BAD_NULL, -ERANGE },
	{ "inside a block", MPT_BAD_INSIDE, -EINVAL },
	{ "last byte of a block", MPT_BAD_INSIDE_END, -EINVAL },
	{ "double free", MPT_BAD_DOUBLE, -ENXIO },
	{ "never allocated", MPT_BAD_NEVER, -ENXIO },
};

static void mpt_bad_free_desc(const struct mpt_bad_free *b, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", b->desc);
}

KUNIT_ARRAY_PARAM(mpt_bad_free, mpt_bad_frees, mpt_bad_free_desc);

#define MPT_BAD_NR	8

/*
 * Shared by the checked and unchecked variants: a pool with blocks 0 and
 * 2 live and 1 freed gets one bad free, which must change nothing but
 * invalid_frees; afterwards exactly the six free blocks can be allocated.
 */
static void mpt_bad_free_run(struct kunit *test, bool checked)
{
	const struct mpt_bad_free *b = test->param_value;
	struct mpool_stats *st;
	struct mpool *pool;
	char name[MPOOL_NAME_MAX];
	void *blocks[MPT_BAD_NR + 1];
	void *ptr = NULL;
	unsigned int i;
	u64 bad;

	snprintf(name, sizeof(name), "mpt_bad_%c%d", checked ? 'c' : 'u',
		 b->kind);
	pool = mpt_create(test, name, 48, MPT_BAD_NR, 16, MPOOL_F_QUIET);
	for (i = 0; i < 3; i++) {
		blocks[i] = mpool_alloc(pool);
		KUNIT_ASSERT_PTR_EQ(test, blocks[i], mpt_block(pool, i));
	}
	KUNIT_ASSERT_EQ(test, mpool_free_checked(pool, blocks[1]), 0);

	switch (b->kind) {
	case MPT_BAD_BELOW:
		ptr = (void *)((unsigned long)pool->base - pool->stride);
		break;
	case MPT_BAD_JUST_BELOW:
		ptr = (void *)((unsigned long)pool->base - 1);
		break;
	case MPT_BAD_ABOVE:
		ptr = pool->base + mpt_region(pool);
		break;
	case MPT_BAD_FAR_ABOVE:
		ptr = pool->base + 64 * mpt_region(pool);
		break;
	case MPT_BAD_NULL:
		ptr = NULL;
		break;
	case MPT_BAD_INSIDE:
		ptr = blocks[0] + 1;
		break;
	case MPT_BAD_INSIDE_END:
		ptr = blocks[2] + pool->stride - 1;
		break;
	case MPT_BAD_DOUBLE:
		ptr = blocks[1];
		break;
	case MPT_BAD_NEVER:
		ptr = mpt_block(pool, MPT_BAD_NR - 1);
		break;
	}

	/* mpool_free(NULL) is documented as a no-op, not a misuse. */
	bad = 1;
	if (checked)
		KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, ptr), b->err);
	else if (ptr)
		mpool_free(pool, ptr);
	else
		bad = 0;

	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->invalid_frees, bad);
	KUNIT_EXPECT_EQ(test, st->allocs, 3ULL);
	KUNIT_EXPECT_EQ(test, st->frees, 1ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_free, (u64)MPT_BAD_NR - 2);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 2ULL);
	KUNIT_EXPECT_EQ(test, pool->reported, 0UL);

	/* Exactly the free blocks come out, once each, and nothing more. */
	KUNIT_ASSERT_EQ(test, mpt_drain(test, pool, blocks + 3),
			MPT_BAD_NR - 2U);
	for (i = 3; i < MPT_BAD_NR + 1; i++) {
		KUNIT_EXPECT_PTR_NE(test, blocks[i], blocks[0]);
		KUNIT_EXPECT_PTR_NE(test, blocks[i], blocks[2]);
	}
	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, blocks[0]), 0);
	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, blocks[2]), 0);
	for (i = 3; i < MPT_BAD_NR + 1; i++)
		KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, blocks[i]), 0);
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->blocks_free, (u64)MPT_BAD_NR);
	KUNIT_EXPECT_EQ(test, st->invalid_frees, bad);
}

static void mpool_test_bad_free_checked(struct kunit *test)
{
	mpt_bad_free_run(test, true);
}

static void mpool_test_bad_free_unchecked(struct kunit *test)
{
	mpt_bad_free_run(test, false);
}

/* A refused free of a live block leaves it allocated and freeable. */
static void mpool_test_bad_free_keeps_live(struct kunit *test)
{
	unsigned int idx = 0;
	unsigned long caller;
	struct mpool *pool;
	void *a, *b;

	pool = mpt_create(test, "mpt_keep_live", 64, 4, 0, MPOOL_F_QUIET);
	a = mpool_alloc(pool);
	b = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, a + 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, b + 63), -EINVAL);
	KUNIT_EXPECT_EQ(test, mpool_next_live(pool, &idx, &caller), 0);
	KUNIT_EXPECT_EQ(test, idx, 0U);
	idx = 1;
	KUNIT_EXPECT_EQ(test, mpool_next_live(pool, &idx, &caller), 0);
	KUNIT_EXPECT_EQ(test, idx, 1U);
	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, a), 0);
	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, a), -ENXIO);
	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, b), 0);
	KUNIT_EXPECT_EQ(test, mpt_drain(test, pool, NULL), 4U);
}

/*
 * mpool_free() reports only the first misuse of a non-quiet pool and
 * counts every one.  The report (with a stack trace) is expected in the
 * log; it is a double free so that it reads "invalid free".
 */
static void mpool_test_report_once(struct kunit *test)
{
	struct mpool_stats *st;
	struct mpool *pool;
	void *block;

	pool = mpt_create(test, "mpt_report_once", 32, 4, 0, 0);
	block = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, block);
	mpool_free(pool, block);
	KUNIT_EXPECT_EQ(test, pool->reported, 0UL);

	kunit_info(test, "expect one mempool report of an invalid free\n");
	mpool_free(pool, block);
	KUNIT_EXPECT_NE(test, pool->reported, 0UL);
	mpool_free(pool, block + 1);

	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->invalid_frees, 2ULL);
	KUNIT_EXPECT_EQ(test, st->frees, 1ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_free, 4ULL);
	KUNIT_EXPECT_EQ(test, mpt_drain(test, pool, NULL), 4U);
}

/* A quiet pool never reports, not even its first misuse. */
static void mpool_test_quiet_never_reports(struct kunit *test)
{
	struct mpool *pool;
	void *block;

	pool = mpt_create(test, "mpt_quiet", 32, 2, 0, MPOOL_F_QUIET);
	block = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, block);
	mpool_free(pool, block);
	mpool_free(pool, block);
	mpool_free(pool, block + 4);
	mpool_free(pool, pool->base + mpt_region(pool));
	KUNIT_EXPECT_EQ(test, pool->reported, 0UL);
	KUNIT_EXPECT_EQ(test, mpt_stats(test, pool)->invalid_frees, 3ULL);
}

/* Destroying a quiet pool with live blocks frees everything, silently. */
static void mpool_test_destroy_live(struct kunit *test)
{
	struct mpool *pool;
	int i;

	pool = mpt_create(test, "mpt_destroy_live", 100, 16, 0, MPOOL_F_QUIET);
	for (i = 0; i < 5; i++)
		KUNIT_ASSERT_NOT_NULL(test, mpool_alloc(pool));
	mpt_destroy(test, pool);

	pool = mpt_create(test, "mpt_destroy_live", 100, 16, 0, MPOOL_F_QUIET);
	KUNIT_EXPECT_EQ(test, mpt_drain(test, pool, NULL), 16U);
	mpt_destroy(test, pool);
}

/* The same with every debug flag, so the callers array goes too. */
static void mpool_test_destroy_live_all_flags(struct kunit *test)
{
	struct mpool *pool;
	int i;

	pool = mpt_create(test, "mpt_destroy_flags", 24, 8, 8,
			  MPOOL_F_ZERO | MPOOL_F_POISON | MPOOL_F_TRACK |
			  MPOOL_F_QUIET);
	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_NOT_NULL(test, mpool_alloc(pool));
	mpool_free(pool, mpt_block(pool, 3));
	mpt_destroy(test, pool);
	KUNIT_SUCCEED(test);
}

static struct kunit_case mempool_misuse_cases[] = {
	KUNIT_CASE_PARAM(mpool_test_bad_free_checked, mpt_bad_free_gen_params),
	KUNIT_CASE_PARAM(mpool_test_bad_free_unchecked,
			 mpt_bad_free_gen_params),
	KUNIT_CASE(mpool_test_bad_free_keeps_live),
	KUNIT_CASE(mpool_test_report_once),
	KUNIT_CASE(mpool_test_quiet_never_reports),
	KUNIT_CASE(mpool_test_destroy_live),
	KUNIT_CASE(mpool_test_destroy_live_all_flags),
	{}
};

static struct kunit_suite mempool_misuse_suite = {
	.name = "mempool_misuse",
	.test_cases = mempool_misuse_cases,
};

/* ---- mempool_features ----------------------------------------------- */

/* MPOOL_F_ZERO: every allocation is zeroed, first or reused. */
static void mpool_test_zero(struct kunit *test)
{
	struct mpool *pool;
	void *blocks[4];
	int i;

	pool = mpt_create(test, "mpt_zero", 100, 4, 4, MPOOL_F_ZERO);
	for (i = 0; i < 4; i++) {
		blocks[i] = mpool_alloc(pool);
		KUNIT_ASSERT_NOT_NULL(test, blocks[i]);
		KUNIT_EXPECT_NULL(test, memchr_inv(blocks[i], 0, 100));
		memset(blocks[i], 0xa5, 100);
	}
	mpool_free(pool, blocks[1]);
	KUNIT_ASSERT_PTR_EQ(test, mpool_alloc(pool), blocks[1]);
	KUNIT_EXPECT_NULL(test, memchr_inv(blocks[1], 0, 100));
	mpool_free(pool, blocks[2]);
	blocks[2] = mpool_alloc_timeout(pool, HZ);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(blocks[2]));
	KUNIT_EXPECT_NULL(test, memchr_inv(blocks[2], 0, 100));
	/* The neighbours kept their bytes. */
	KUNIT_EXPECT_NULL(test, memchr_inv(blocks[0], 0xa5, 100));
	KUNIT_EXPECT_NULL(test, memchr_inv(blocks[3], 0xa5, 100));
}

/* Without MPOOL_F_ZERO, a reused block keeps what was written to it. */
static void mpool_test_no_zero(struct kunit *test)
{
	struct mpool *pool;
	void *block;

	pool = mpt_create(test, "mpt_no_zero", 64, 2, 0, 0);
	block = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, block);
	memset(block, 0x77, 64);
	mpool_free(pool, block);
	KUNIT_ASSERT_PTR_EQ(test, mpool_alloc(pool), block);
	KUNIT_EXPECT_NULL(test, memchr_inv(block, 0x77, 64));
}

/* Freed blocks are filled with poison; untouched ones raise nothing. */
static void mpool_test_poison_untouched(struct kunit *test)
{
	struct mpool_stats *st;
	struct mpool *pool;
	void *blocks[6];
	int i, round;

	pool = mpt_create(test, "mpt_poison_ok", 60, 6, 4,
			  MPOOL_F_POISON | MPOOL_F_QUIET);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 6; i++) {
			blocks[i] = mpool_alloc(pool);
			KUNIT_ASSERT_NOT_NULL(test, blocks[i]);
			memset(blocks[i], i, 60);
		}
		for (i = 0; i < 6; i++) {
			mpool_free(pool, blocks[i]);
			KUNIT_EXPECT_NULL_MSG(test,
					      memchr_inv(blocks[i],
							 MPOOL_POISON_BYTE,
							 60),
					      "freed block %d not poisoned", i);
		}
	}
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->poison_errors, 0ULL);
	KUNIT_EXPECT_EQ(test, st->allocs, 12ULL);
	KUNIT_EXPECT_EQ(test, pool->reported, 0UL);
}

static const size_t mpt_poison_offsets[] = { 0, 1, 31, 63 };

static void mpt_poison_desc(const size_t *off, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "write at byte %zu", *off);
}

KUNIT_ARRAY_PARAM(mpt_poison, mpt_poison_offsets, mpt_poison_desc);

/*
 * A write into a freed block is found when the block is next allocated,
 * by either allocator, and counted once per allocation that finds it.
 */
static void mpool_test_poison_detect(struct kunit *test)
{
	const size_t off = *(const size_t *)test->param_value;
	struct mpool_stats *st;
	struct mpool *pool;
	char name[MPOOL_NAME_MAX];
	u8 *block;

	snprintf(name, sizeof(name), "mpt_poison_%zu", off);
	pool = mpt_create(test, name, 64, 4, 0,
			  MPOOL_F_POISON | MPOOL_F_QUIET);
	block = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, block);
	mpool_free(pool, block);
	block[off] = 0;		/* the pool's own memory: no real UAF */

	KUNIT_ASSERT_PTR_EQ(test, mpool_alloc(pool), (void *)block);
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->poison_errors, 1ULL);
	KUNIT_EXPECT_EQ(test, st->allocs, 2ULL);

	/* Freed again, it is poisoned again: no new error. */
	mpool_free(pool, block);
	KUNIT_ASSERT_PTR_EQ(test, mpool_alloc(pool), (void *)block);
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->poison_errors, 1ULL);

	/* The sleeping allocator checks too. */
	mpool_free(pool, block);
	block[off] ^= 0xff;
	KUNIT_ASSERT_PTR_EQ(test, mpool_alloc_timeout(pool, HZ), (void *)block);
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->poison_errors, 2ULL);
	KUNIT_EXPECT_EQ(test, st->waits, 0ULL);
	KUNIT_EXPECT_EQ(test, pool->reported, 0UL);
}

/* Poison and zero together: the check sees poison, the user sees zeros. */
static void mpool_test_poison_zero(struct kunit *test)
{
	struct mpool_stats *st;
	struct mpool *pool;
	u8 *block;

	pool = mpt_create(test, "mpt_poison_zero", 33, 3, 1,
			  MPOOL_F_POISON | MPOOL_F_ZERO | MPOOL_F_QUIET);
	block = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_EXPECT_NULL(test, memchr_inv(block, 0, 33));
	memset(block, 0x11, 33);
	mpool_free(pool, block);
	KUNIT_EXPECT_NULL(test, memchr_inv(block, MPOOL_POISON_BYTE, 33));
	KUNIT_ASSERT_PTR_EQ(test, mpool_alloc(pool), (void *)block);
	KUNIT_EXPECT_NULL(test, memchr_inv(block, 0, 33));
	mpool_free(pool, block);
	block[32] = 0x6c;
	KUNIT_ASSERT_PTR_EQ(test, mpool_alloc(pool), (void *)block);
	KUNIT_EXPECT_NULL(test, memchr_inv(block, 0, 33));
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->poison_errors, 1ULL);
}

/* Allocates from a different function, for the caller tracking test. */
static noinline void *mpt_track_helper(struct mpool *pool)
{
	void *block = mpool_alloc_timeout(pool, HZ);

	OPTIMIZER_HIDE_VAR(block);	/* no tail call: we are the caller */
	return block;
}

static void mpt_expect_caller(struct kunit *test, unsigned long caller,
			      const void *func, const char *name)
{
	char *buf = kunit_kzalloc(test, KSYM_SYMBOL_LEN, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_NE(test, caller, 0UL);
	KUNIT_EXPECT_GT(test, caller, (unsigned long)func);
	KUNIT_EXPECT_LT(test, caller, (unsigned long)func + SZ_16K);
	snprintf(buf, KSYM_SYMBOL_LEN, "%pS", (void *)caller);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, name),
				  "caller %s is not in %s", buf, name);
}

/* MPOOL_F_TRACK records who allocated each live block. */
static void mpool_test_track_caller(struct kunit *test)
{
	unsigned long caller = 0;
	unsigned int idx = 0;
	struct mpool *pool;
	void *a, *b;

	pool = mpt_create(test, "mpt_track", 32, 4, 0,
			  MPOOL_F_TRACK | MPOOL_F_QUIET);
	a = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, a);
	b = mpt_track_helper(pool);
	KUNIT_ASSERT_PTR_EQ(test, b, mpt_block(pool, 1));

	KUNIT_ASSERT_EQ(test, mpool_next_live(pool, &idx, &caller), 0);
	KUNIT_EXPECT_EQ(test, idx, 0U);
	mpt_expect_caller(test, caller, mpool_test_track_caller, __func__);

	idx = 1;
	caller = 0;
	KUNIT_ASSERT_EQ(test, mpool_next_live(pool, &idx, &caller), 0);
	KUNIT_EXPECT_EQ(test, idx, 1U);
	mpt_expect_caller(test, caller, mpt_track_helper, "mpt_track_helper");

	/* Reallocated elsewhere, block 1 gets its new caller. */
	mpool_free(pool, b);
	b = mpool_alloc(pool);
	KUNIT_ASSERT_PTR_EQ(test, b, mpt_block(pool, 1));
	idx = 1;
	KUNIT_ASSERT_EQ(test, mpool_next_live(pool, &idx, &caller), 0);
	mpt_expect_caller(test, caller, mpool_test_track_caller, __func__);
}

/* Without MPOOL_F_TRACK the caller reads 0. */
static void mpool_test_track_off(struct kunit *test)
{
	unsigned long caller = 0xdead;
	unsigned int idx = 0;
	struct mpool *pool;

	pool = mpt_create(test, "mpt_track_off", 32, 4, 0, MPOOL_F_QUIET);
	KUNIT_ASSERT_NOT_NULL(test, mpool_alloc(pool));
	KUNIT_ASSERT_EQ(test, mpool_next_live(pool, &idx, &caller), 0);
	KUNIT_EXPECT_EQ(test, idx, 0U);
	KUNIT_EXPECT_EQ(test, caller, 0UL);
}

/* mpool_next_live() visits exactly the live blocks, in order. */
static void mpool_test_next_live_walk(struct kunit *test)
{
	static const unsigned int expect[] = { 0, 2, 5, 6 };
	unsigned long caller;
	unsigned int idx, i;
	struct mpool *pool;

	pool = mpt_create(test, "mpt_walk", 16, 8, 0,
			  MPOOL_F_TRACK | MPOOL_F_QUIET);
	idx = 0;
	KUNIT_EXPECT_EQ(test, mpool_next_live(pool, &idx, &caller), -ENOENT);
	KUNIT_ASSERT_EQ(test, mpt_drain(test, pool, NULL), 8U);
	mpool_free(pool, mpt_block(pool, 1));
	mpool_free(pool, mpt_block(pool, 3));
	mpool_free(pool, mpt_block(pool, 4));
	mpool_free(pool, mpt_block(pool, 7));

	idx = 0;
	for (i = 0; i < ARRAY_SIZE(expect); i++) {
		caller = 0;
		KUNIT_ASSERT_EQ(test, mpool_next_live(pool, &idx, &caller), 0);
		KUNIT_EXPECT_EQ(test, idx, expect[i]);
		KUNIT_EXPECT_NE(test, caller, 0UL);
		idx++;
	}
	KUNIT_EXPECT_EQ(test, mpool_next_live(pool, &idx, &caller), -ENOENT);
	idx = 8;
	KUNIT_EXPECT_EQ(test, mpool_next_live(pool, &idx, &caller), -ENOENT);
	idx = UINT_MAX;
	KUNIT_EXPECT_EQ(test, mpool_next_live(pool, &idx, &caller), -ENOENT);
}

/* Every counter is exact after a scripted sequence. */
static void mpool_test_stats_script(struct kunit *test)
{
	struct mpool_stats *st;
	struct mpool *pool;
	void *b[8];
	int i;

	pool = mpt_create(test, "mpt_stats", 64, 8, 0, MPOOL_F_QUIET);
	for (i = 0; i < 5; i++)
		b[i] = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, b[4]);
	mpool_free(pool, b[1]);
	mpool_free(pool, b[3]);
	KUNIT_ASSERT_PTR_EQ(test, mpool_alloc(pool), b[3]);
	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, b[1]), -ENXIO);

	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->allocs, 6ULL);
	KUNIT_EXPECT_EQ(test, st->frees, 2ULL);
	KUNIT_EXPECT_EQ(test, st->invalid_frees, 2ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 4ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_free, 4ULL);
	KUNIT_EXPECT_EQ(test, st->high_watermark, 5ULL);

	b[1] = mpool_alloc(pool);
	for (i = 5; i < 8; i++)
		b[i] = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, b[7]);
	KUNIT_EXPECT_NULL(test, mpool_alloc(pool));
	KUNIT_EXPECT_NULL(test, mpool_alloc(pool));
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, b[i]), 0);

	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->block_size, 64ULL);
	KUNIT_EXPECT_EQ(test, st->stride, 64ULL);
	KUNIT_EXPECT_EQ(test, st->align, (u64)MPOOL_DEFAULT_ALIGN);
	KUNIT_EXPECT_EQ(test, st->flags, 0ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_total, 8ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_free, 8ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 0ULL);
	KUNIT_EXPECT_EQ(test, st->high_watermark, 8ULL);
	KUNIT_EXPECT_EQ(test, st->allocs, 10ULL);
	KUNIT_EXPECT_EQ(test, st->alloc_failures, 2ULL);
	KUNIT_EXPECT_EQ(test, st->frees, 10ULL);
	KUNIT_EXPECT_EQ(test, st->invalid_frees, 2ULL);
	KUNIT_EXPECT_EQ(test, st->waits, 0ULL);
	KUNIT_EXPECT_EQ(test, st->timeouts, 0ULL);
	KUNIT_EXPECT_EQ(test, st->poison_errors, 0ULL);
	KUNIT_EXPECT_GT(test, st->bytes_reserved, 8ULL * 64);
}

/* The high watermark rises with use and never falls on a free. */
static void mpool_test_high_watermark(struct kunit *test)
{
	struct mpool_stats *st;
	struct mpool *pool;
	void *b[6];
	int i;

	pool = mpt_create(test, "mpt_hwm", 16, 6, 0, MPOOL_F_QUIET);
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->high_watermark, 0ULL);
	for (i = 0; i < 3; i++)
		b[i] = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, b[2]);
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->high_watermark, 3ULL);

	mpool_free(pool, b[0]);
	mpool_free(pool, b[1]);
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->high_watermark, 3ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 1ULL);

	b[0] = mpool_alloc(pool);
	b[1] = mpool_alloc(pool);
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->high_watermark, 3ULL);
	b[3] = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, b[3]);
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->high_watermark, 4ULL);

	/* Failures and bad frees do not move it. */
	mpool_free(pool, b[0] + 1);
	for (i = 4; i < 6; i++)
		b[i] = mpool_alloc(pool);
	KUNIT_EXPECT_NULL(test, mpool_alloc(pool));
	for (i = 0; i < 6; i++)
		mpool_free(pool, b[i]);
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->high_watermark, 6ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 0ULL);
}

/* Reset zeroes the counters and restarts the watermark at in_use. */
static void mpool_test_reset_stats(struct kunit *test)
{
	struct mpool_stats *st;
	struct mpool *pool;
	u64 reserved;
	void *b[4];
	int i;

	pool = mpt_create(test, "mpt_reset", 16, 4, 0, MPOOL_F_QUIET);
	for (i = 0; i < 4; i++)
		b[i] = mpool_alloc(pool);
	KUNIT_EXPECT_NULL(test, mpool_alloc(pool));
	mpool_free(pool, b[3]);
	mpool_free(pool, b[3]);
	KUNIT_EXPECT_PTR_EQ(test, mpool_alloc_timeout(pool, 1), b[3]);
	mpool_free(pool, b[3]);
	mpool_free(pool, b[2]);
	st = mpt_stats(test, pool);
	reserved = st->bytes_reserved;
	KUNIT_EXPECT_EQ(test, st->high_watermark, 4ULL);

	mpool_reset_stats(pool);
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->allocs, 0ULL);
	KUNIT_EXPECT_EQ(test, st->frees, 0ULL);
	KUNIT_EXPECT_EQ(test, st->alloc_failures, 0ULL);
	KUNIT_EXPECT_EQ(test, st->invalid_frees, 0ULL);
	KUNIT_EXPECT_EQ(test, st->waits, 0ULL);
	KUNIT_EXPECT_EQ(test, st->timeouts, 0ULL);
	KUNIT_EXPECT_EQ(test, st->poison_errors, 0ULL);
	KUNIT_EXPECT_EQ(test, st->high_watermark, 2ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, 2ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_free, 2ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_total, 4ULL);
	KUNIT_EXPECT_EQ(test, st->bytes_reserved, reserved);

	/* The pool itself is untouched and counting resumes. */
	mpool_free(pool, b[0]);
	KUNIT_EXPECT_PTR_EQ(test, mpool_alloc(pool), b[0]);
	KUNIT_EXPECT_PTR_EQ(test, mpool_alloc(pool), b[2]);
	KUNIT_EXPECT_PTR_EQ(test, mpool_alloc(pool), b[3]);
	mpool_get_stats(pool, st);
	KUNIT_EXPECT_EQ(test, st->allocs, 3ULL);
	KUNIT_EXPECT_EQ(test, st->frees, 1ULL);
	KUNIT_EXPECT_EQ(test, st->high_watermark, 4ULL);
}

static struct kunit_case mempool_features_cases[] = {
	KUNIT_CASE(mpool_test_zero),
	KUNIT_CASE(mpool_test_no_zero),
	KUNIT_CASE(mpool_test_poison_untouched),
	KUNIT_CASE_PARAM(mpool_test_poison_detect, mpt_poison_gen_params),
	KUNIT_CASE(mpool_test_poison_zero),
	KUNIT_CASE(mpool_test_track_caller),
	KUNIT_CASE(mpool_test_track_off),
	KUNIT_CASE(mpool_test_next_live_walk),
	KUNIT_CASE(mpool_test_stats_script),
	KUNIT_CASE(mpool_test_high_watermark),
	KUNIT_CASE(mpool_test_reset_stats),
	{}
};

static struct kunit_suite mempool_features_suite = {
	.name = "mempool_features",
	.test_cases = mempool_features_cases,
};

/* ---- mempool_concurrency -------------------------------------------- */

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

struct mpt_waiter {
	struct mpool *pool;
	long timeout;
	bool signals;
	void *block;
	struct completion done;
	struct task_struct *task;
};

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

static void mpt_waiter_stop(void *data)
{
	struct mpt_waiter *w = data;

	kthread_stop_put(w->task);
}

/*
 * Starts a kthread sleeping in mpool_alloc_timeout(), bound to @cpu unless
 * it is negative; stopped at the end.
 */
static struct mpt_waiter *mpt_waiter_start(struct kunit *test,
					   struct mpool *pool, long timeout,
					   bool signals, int cpu)
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

/* Waits until the waiter counted its wait and sleeps on the queue. */
static bool mpt_waiter_asleep(struct mpool *pool)
{
	unsigned long deadline = jiffies + 20 * HZ;

	while (time_before(jiffies, deadline)) {
		if (READ_ONCE(pool->stats.waits) && wq_has_sleeper(&pool->wait))
			return true;
		usleep_range(1000, 2000);
	}
	return false;
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
	KUNIT_EXPECT_EQ(test, c->softirq, !m->hard);
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
	KUNIT_CASE(mpool_test_waiter_woken),
	KUNIT_CASE(mpool_test_waiter_signal),
	KUNIT_CASE_PARAM(mpool_test_irq_context, mpt_irq_gen_params),
	KUNIT_CASE_PARAM_ATTR(mpool_test_stress, mpt_stress_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	{}
};

static struct kunit_suite mempool_concurrency_suite = {
	.name = "mempool_concurrency",
	.test_cases = mempool_concurrency_cases,
};

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
	struct mpool *pool = mpool_create("mpt_pcp_destroy", 128,
					  (num_online_cpus() + 1) *
					  MPOOL_PCP_SIZE, 0,
					  MPOOL_F_PERCPU | MPOOL_F_QUIET);
	struct mpool_stats *st;
	unsigned int cpu;
	void *live[3];
	int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ(test, mpt_pcp_run(test, pool, cpu,
						  mpt_pcp_cycle, 24)->got, 24U);
	for (i = 0; i < ARRAY_SIZE(live); i++)
		live[i] = mpool_alloc(pool);
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->blocks_in_use, (u64)ARRAY_SIZE(live));
	KUNIT_EXPECT_EQ(test, st->blocks_free,
			st->blocks_total - ARRAY_SIZE(live));
	mpool_destroy(pool);	/* kmemleak, run after the suite, checks */
}

static struct kunit_case mempool_percpu_cases[] = {
	KUNIT_CASE(mpool_test_percpu_exhaust),
	KUNIT_CASE(mpool_test_percpu_double_free),
	KUNIT_CASE(mpool_test_percpu_cpu_offline),
	KUNIT_CASE(mpool_test_percpu_wait_drains),
	KUNIT_CASE(mpool_test_percpu_waiter_cross),
	KUNIT_CASE(mpool_test_percpu_double_free_race),
	KUNIT_CASE(mpool_test_percpu_irq_churn),
	KUNIT_CASE(mpool_test_percpu_destroy_cached),
	{}
};

static struct kunit_suite mempool_percpu_suite = {
	.name = "mempool_percpu",
	.test_cases = mempool_percpu_cases,
};

/* MPOOL_IOC_BENCH's argument check: each bad field is refused. */
struct mpt_bench_case {
	const char *desc;
	struct mpool_ioc_bench b;
	int err;
};

static const struct mpt_bench_case mpt_bench_cases[] = {
	{ "defaults", { .max_results = 64 }, 0 },
	{ "flags", { .flags = 1, .max_results = 64 }, -EINVAL },
	{ "too many rounds", { .rounds = 16, .max_results = 64 }, -EINVAL },
	{ "out_count set", { .out_count = 1, .max_results = 64 }, -EINVAL },
	{ "unknown allocator", { .allocators = BIT(MPOOL_BENCH_NR_ALLOCATORS),
				 .max_results = 64 }, -EINVAL },
	{ "unknown workload", { .workloads = BIT(MPOOL_BENCH_NR_WORKLOADS),
				.max_results = 64 }, -EINVAL },
	{ "too many cpus", { .cpus = U32_MAX, .max_results = 64 },
	  -EINVAL },
	{ "block too small", { .block_size = 4, .max_results = 64 }, -EINVAL },
	{ "block too big", { .block_size = PAGE_SIZE + 1, .max_results = 64 },
	  -EINVAL },
	{ "too few ops", { .ops = 999, .max_results = 64 }, -EINVAL },
	{ "too many ops", { .ops = 10000001, .max_results = 64 }, -EINVAL },
	{ "no room for results", { .max_results = 0 }, -ENOSPC },
	{ "one run, room for one", { .allocators = BIT(MPOOL_BENCH_NAIVE),
				     .workloads = BIT(MPOOL_BENCH_PAIR),
				     .cpus = 1, .max_results = 1 }, 0 },
	{ "cross on one cpu only", { .workloads = BIT(MPOOL_BENCH_CROSS),
				     .cpus = 1, .max_results = 64 }, -EINVAL },
};

static void mpt_bench_desc(const struct mpt_bench_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mpt_bench, mpt_bench_cases, mpt_bench_desc);

static void mpool_test_bench_check(struct kunit *test)
{
	const struct mpt_bench_case *c = test->param_value;
	struct mpool_ioc_bench b = c->b;

	b.size = sizeof(b);
	KUNIT_EXPECT_EQ(test, mpool_bench_check(&b), c->err);
	if (c->err)
		return;
	/* The defaults the header promises were filled in. */
	KUNIT_EXPECT_NE(test, b.allocators, 0U);
	KUNIT_EXPECT_NE(test, b.workloads, 0U);
	KUNIT_EXPECT_EQ(test, b.block_size, c->b.block_size ?: 64U);
	KUNIT_EXPECT_EQ(test, b.ops, c->b.ops ?: 200000U);
	KUNIT_EXPECT_EQ(test, b.rounds, c->b.rounds ?: 5U);
	if (!c->b.allocators)
		KUNIT_EXPECT_TRUE(test, b.allocators & BIT(MPOOL_BENCH_MEMPOOL));
	else
		KUNIT_EXPECT_EQ(test, b.allocators, c->b.allocators);
}

static struct kunit_case mempool_bench_cases[] = {
	KUNIT_CASE_PARAM(mpool_test_bench_check, mpt_bench_gen_params),
	{}
};

static struct kunit_suite mempool_bench_suite = {
	.name = "mempool_bench",
	.test_cases = mempool_bench_cases,
};

kunit_test_suites(&mempool_params_suite, &mempool_alloc_free_suite,
		  &mempool_misuse_suite, &mempool_features_suite,
		  &mempool_concurrency_suite, &mempool_percpu_suite,
		  &mempool_bench_suite);

MODULE_DESCRIPTION("KUnit tests for the mpool engine");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_LICENSE("GPL");
