// SPDX-License-Identifier: GPL-2.0
/*
 * mempool_alloc_free: allocation and free in one thread, block addressing
 * and the copies in and out of a block.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/string.h>

#include "mpool_test.h"

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
	mpt_expect_silent(test, "mpt_free_null");
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

struct kunit_suite mempool_alloc_free_suite = {
	.name = "mempool_alloc_free",
	.test_cases = mempool_alloc_free_cases,
	.suite_init = mpt_console_suite_init,
	.suite_exit = mpt_console_suite_exit,
	.init = mpt_console_init,
	.exit = mpt_console_exit,
};

