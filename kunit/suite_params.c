// SPDX-License-Identifier: GPL-2.0
/*
 * mempool_params: what mpool_create() accepts and refuses, names, and the
 * byte budget of userspace's pools.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/sizes.h>

#include "mpool_test.h"

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
	{ "reserved name budget", "budget", 16, 4, 0, 0, -EINVAL },
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
	mpt_adopt(test, pool);
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
	mpt_adopt(test, dup);
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
		mpt_adopt(test, pool);
		KUNIT_ASSERT_TRUE(test, IS_ERR(pool));
		KUNIT_EXPECT_EQ(test, PTR_ERR(pool), (long)-EDQUOT);
	}

	pool = mpool_create_user("mpt_quota", SZ_1M, 2, 0, MPOOL_F_QUIET);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(pool));
	mpt_adopt(test, pool);
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
	mpt_adopt(test, user);
	kern = mpt_create(test, "mpt_budget_k", SZ_1M, 100, 0, MPOOL_F_QUIET);
	KUNIT_EXPECT_EQ(test, mpt_drain(test, kern, NULL), 100U);

	anon = mpool_create(NULL, 64, 4, 0, MPOOL_F_QUIET);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(anon));
	mpt_adopt(test, anon);
	anon2 = mpool_create(NULL, 64, 4, 0, MPOOL_F_QUIET);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(anon2));
	mpt_adopt(test, anon2);
	KUNIT_EXPECT_EQ(test, mpt_drain(test, anon, NULL), 4U);
	KUNIT_EXPECT_EQ(test, mpool_stats_by_name("(anonymous)", &st),
			-ENOENT);
}

/*
 * An unpublished pool (a forced DESTROY of a device pool that is still
 * mapped or holds owned blocks) gives its name back at once and its
 * budget only with its memory: meanwhile the budget counts it among the
 * destroyed pools, and a pool that does not fit beside it gets -EDQUOT.
 */
static void mpool_test_budget_unpublished(struct kunit *test)
{
	struct mpool_budget before, b;
	struct mpool *pool, *again;
	struct mpool_stats st;
	unsigned int nr;
	u64 charge;

	mpool_budget_get(&before);
	KUNIT_ASSERT_GT(test, before.max_bytes, before.bytes);
	/* More than half of what is left: two such pools do not fit. */
	nr = (before.max_bytes - before.bytes) / 2 / SZ_1M + 1;
	if (nr > 512)
		kunit_skip(test, "max_bytes was raised: %u MiB pools", nr);
	pool = mpool_create_user("mpt_unpub", SZ_1M, nr, 0, MPOOL_F_QUIET);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(pool));
	mpt_adopt(test, pool);
	mpool_budget_get(&b);
	charge = b.bytes - before.bytes;
	KUNIT_EXPECT_EQ(test, charge, (u64)pool->charged);
	KUNIT_EXPECT_GE(test, charge, (u64)nr * SZ_1M);
	KUNIT_EXPECT_EQ(test, b.pools, before.pools + 1);
	KUNIT_EXPECT_EQ(test, b.destroyed_bytes, before.destroyed_bytes);
	KUNIT_EXPECT_EQ(test, b.destroyed_pools, before.destroyed_pools);

	mpool_unpublish(pool);
	KUNIT_EXPECT_EQ(test, mpool_stats_by_name("mpt_unpub", &st), -ENOENT);
	mpool_budget_get(&b);
	KUNIT_EXPECT_EQ(test, b.bytes, before.bytes + charge);
	KUNIT_EXPECT_EQ(test, b.pools, before.pools + 1);
	KUNIT_EXPECT_EQ(test, b.destroyed_bytes,
			before.destroyed_bytes + charge);
	KUNIT_EXPECT_EQ(test, b.destroyed_pools, before.destroyed_pools + 1);

	/* The name is free; the budget is not. */
	again = mpool_create_user("mpt_unpub", SZ_1M, nr, 0, MPOOL_F_QUIET);
	mpt_adopt(test, again);
	KUNIT_ASSERT_TRUE(test, IS_ERR(again));
	KUNIT_EXPECT_EQ(test, PTR_ERR(again), (long)-EDQUOT);

	/* A second unpublish counts nothing twice. */
	mpool_unpublish(pool);
	mpool_budget_get(&b);
	KUNIT_EXPECT_EQ(test, b.bytes, before.bytes + charge);
	KUNIT_EXPECT_EQ(test, b.destroyed_pools, before.destroyed_pools + 1);

	/* Its memory freed, the pool no longer counts anywhere. */
	mpt_destroy(test, pool);
	mpool_budget_get(&b);
	KUNIT_EXPECT_EQ(test, b.bytes, before.bytes);
	KUNIT_EXPECT_EQ(test, b.pools, before.pools);
	KUNIT_EXPECT_EQ(test, b.destroyed_bytes, before.destroyed_bytes);
	KUNIT_EXPECT_EQ(test, b.destroyed_pools, before.destroyed_pools);
	again = mpool_create_user("mpt_unpub", SZ_1M, nr, 0, MPOOL_F_QUIET);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(again));
	mpt_adopt(test, again);
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
	KUNIT_CASE(mpool_test_budget_unpublished),
	KUNIT_CASE(mpool_test_destroy_null),
	{}
};

struct kunit_suite mempool_params_suite = {
	.name = "mempool_params",
	.test_cases = mempool_params_cases,
};

