// SPDX-License-Identifier: GPL-2.0
/*
 * mempool_features: zeroing, poisoning, caller tracking, the live-block
 * walk and the statistics.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "mpool_test.h"

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
	mpt_expect_silent(test, "mpt_poison_ok");
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
	/* A quiet pool: counted, never logged. */
	mpt_expect_silent(test, name);
}

/*
 * Poison and zero together: the check sees poison, the user sees zeros.
 * The pool is not quiet: the poison is reported, with a stack trace.
 */
static void mpool_test_poison_zero(struct kunit *test)
{
	struct mpool_stats *st;
	struct mpool *pool;
	u8 *block;

	pool = mpt_create(test, "mpt_poison_zero", 33, 3, 1,
			  MPOOL_F_POISON | MPOOL_F_ZERO);
	block = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_EXPECT_NULL(test, memchr_inv(block, 0, 33));
	memset(block, 0x11, 33);
	mpool_free(pool, block);
	KUNIT_EXPECT_NULL(test, memchr_inv(block, MPOOL_POISON_BYTE, 33));
	KUNIT_ASSERT_PTR_EQ(test, mpool_alloc(pool), (void *)block);
	KUNIT_EXPECT_NULL(test, memchr_inv(block, 0, 33));
	mpool_free(pool, block);
	mpt_expect_silent(test, "mpt_poison_zero");
	block[32] = 0x6c;
	kunit_info(test, "expect one mempool report of poison overwritten\n");
	KUNIT_ASSERT_PTR_EQ(test, mpool_alloc(pool), (void *)block);
	KUNIT_EXPECT_NULL(test, memchr_inv(block, 0, 33));
	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->poison_errors, 1ULL);
	mpt_expect_report(test,
			  mpt_report_line(test, "mpt_poison_zero",
					  "poison overwritten: a freed block was written to",
					  block - (u8 *)pool->base, 3, 33),
			  mpt_fmt(test, "%s+", __func__));
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

static const unsigned int mpt_fresh_flags[] = {
	0, MPOOL_F_ZERO, MPOOL_F_POISON, MPOOL_F_ZERO | MPOOL_F_POISON,
	MPOOL_F_PERCPU, MPOOL_F_POISON | MPOOL_F_PERCPU,
};

static void mpt_fresh_desc(const unsigned int *flags, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "flags %#x", *flags);
}

KUNIT_ARRAY_PARAM(mpt_fresh, mpt_fresh_flags, mpt_fresh_desc);

/*
 * What an allocated block holds (the comment above MPOOL_CREATE_ZERO):
 * zeros the first time without ZERO or POISON, what its last holder left
 * after; zeros at every allocation with ZERO; poison at every allocation
 * with POISON alone.  The bytes in no block, between blocks and after the
 * last one to the end of its page, are zero whatever the flags.
 */
static void mpool_test_fresh_contents(struct kunit *test)
{
	const unsigned int flags = *(const unsigned int *)test->param_value;
	enum { BS = 24, ALIGN = 64, NR = 5 };
	bool poison = (flags & MPOOL_F_POISON) && !(flags & MPOOL_F_ZERO);
	u8 fresh = poison ? MPOOL_POISON_BYTE : 0;
	u8 reused = flags & (MPOOL_F_ZERO | MPOOL_F_POISON) ? fresh : 0x5a;
	void *blocks[NR];
	struct mpool *pool;
	size_t region;
	unsigned int i;
	u8 *block;

	pool = mpt_create(test, "mpt_fresh", BS, NR, ALIGN,
			  flags | MPOOL_F_QUIET);
	KUNIT_ASSERT_EQ(test, pool->stride, (size_t)ALIGN);
	KUNIT_ASSERT_EQ(test, mpt_drain(test, pool, blocks), (unsigned int)NR);
	for (i = 0; i < NR; i++)
		KUNIT_EXPECT_NULL_MSG(test, memchr_inv(blocks[i], fresh, BS),
				      "fresh block %u", i);

	memset(blocks[2], 0x5a, BS);
	mpool_free(pool, blocks[2]);
	block = mpool_alloc(pool);
	KUNIT_ASSERT_PTR_EQ(test, (void *)block, blocks[2]);
	KUNIT_EXPECT_NULL(test, memchr_inv(block, reused, BS));

	for (i = 0; i < NR; i++)
		KUNIT_EXPECT_NULL_MSG(test,
				      memchr_inv(mpt_block(pool, i) + BS, 0,
						 ALIGN - BS),
				      "padding after block %u", i);
	region = mpt_region(pool);
	KUNIT_EXPECT_NULL(test, memchr_inv(pool->base + region, 0,
					   PAGE_ALIGN(region) - region));
	for (i = 0; i < NR; i++)
		KUNIT_EXPECT_EQ(test, mpool_free_checked(pool, blocks[i]), 0);
	KUNIT_EXPECT_EQ(test, mpt_stats(test, pool)->poison_errors, 0ULL);
}

static struct kunit_case mempool_features_cases[] = {
	KUNIT_CASE(mpool_test_zero),
	KUNIT_CASE(mpool_test_no_zero),
	KUNIT_CASE(mpool_test_poison_untouched),
	KUNIT_CASE_PARAM(mpool_test_poison_detect, mpt_poison_gen_params),
	KUNIT_CASE(mpool_test_poison_zero),
	KUNIT_CASE_PARAM(mpool_test_fresh_contents, mpt_fresh_gen_params),
	KUNIT_CASE(mpool_test_track_caller),
	KUNIT_CASE(mpool_test_track_off),
	KUNIT_CASE(mpool_test_next_live_walk),
	KUNIT_CASE(mpool_test_stats_script),
	KUNIT_CASE(mpool_test_high_watermark),
	KUNIT_CASE(mpool_test_reset_stats),
	{}
};

struct kunit_suite mempool_features_suite = {
	.name = "mempool_features",
	.test_cases = mempool_features_cases,
	.suite_init = mpt_console_suite_init,
	.suite_exit = mpt_console_suite_exit,
	.init = mpt_console_init,
	.exit = mpt_console_exit,
};

