// SPDX-License-Identifier: GPL-2.0
/*
 * mempool_misuse: bad frees are refused and counted; the first misuse of
 * a pool is logged with a stack trace, later ones and quiet pools' never;
 * destroying a pool with live blocks names them.  The log is read back
 * through console_capture.c.
 */
#include <kunit/test.h>
#include <linux/kernel.h>

#include "mpool_test.h"

/*
 * What mpool_free() says of each refused free, as mpool_free_checked()'s
 * errno tells them apart.
 */
#define MPT_WHY_OUTSIDE	"invalid free of a pointer outside the pool"
#define MPT_WHY_INSIDE	"invalid free of a pointer inside a block"
#define MPT_WHY_FREE	"invalid free of a block that is not allocated (double free?)"

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
	mpt_expect_silent(test, name);

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
	mpt_expect_silent(test, "mpt_keep_live");
}

/*
 * mpool_free() reports only the first misuse of a non-quiet pool, with a
 * stack trace, and counts every one.  The first report of each pool reads
 * what the misuse was: a double free for this one, a pointer outside the
 * pool and one inside a block for two more pools, which are reported
 * although the first pool was already.
 */
static void mpool_test_report_once(struct kunit *test)
{
	const char *caller = mpt_fmt(test, "%s+", __func__);
	struct mpool *out, *in, *pool;
	struct mpool_stats *st;
	const char *line;
	void *block;

	pool = mpt_create(test, "mpt_report_once", 32, 4, 0, 0);
	block = mpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, block);
	mpool_free(pool, block);
	KUNIT_EXPECT_EQ(test, pool->reported, 0UL);
	mpt_expect_silent(test, "mpt_report_once");

	kunit_info(test, "expect three mempool reports of an invalid free\n");
	mpool_free(pool, block);
	KUNIT_EXPECT_NE(test, pool->reported, 0UL);
	line = mpt_report_line(test, "mpt_report_once", MPT_WHY_FREE,
			       block - pool->base, 4, 32);
	mpt_expect_report(test, line, caller);
	mpool_free(pool, block + 1);
	/* The second misuse is counted, not logged: still one line, one trace. */
	MPT_EXPECT_LOGGED(test, 1, MPT_PREFIX, MPT_LOG "pool mpt_report_once");
	MPT_EXPECT_LOGGED(test, 1, MPT_SUBSTR, "Call Trace:");

	st = mpt_stats(test, pool);
	KUNIT_EXPECT_EQ(test, st->invalid_frees, 2ULL);
	KUNIT_EXPECT_EQ(test, st->frees, 1ULL);
	KUNIT_EXPECT_EQ(test, st->blocks_free, 4ULL);
	KUNIT_EXPECT_EQ(test, mpt_drain(test, pool, NULL), 4U);

	/* 24-byte blocks 24 bytes apart: the first pointer past the end. */
	out = mpt_create(test, "mpt_report_out", 24, 2, 8, 0);
	mpool_free(out, out->base + mpt_region(out));
	mpt_expect_report(test,
			  mpt_report_line(test, "mpt_report_out",
					  MPT_WHY_OUTSIDE, 48, 2, 24),
			  caller);
	mpool_free(out, out->base - 1);
	MPT_EXPECT_LOGGED(test, 1, MPT_PREFIX, MPT_LOG "pool mpt_report_out");

	in = mpt_create(test, "mpt_report_in", 24, 2, 8, 0);
	block = mpool_alloc(in);
	KUNIT_ASSERT_PTR_EQ(test, block, mpt_block(in, 0));
	mpool_free(in, block + 5);
	mpt_expect_report(test,
			  mpt_report_line(test, "mpt_report_in", MPT_WHY_INSIDE,
					  5, 2, 24),
			  caller);
	mpool_free(in, block);
	mpool_free(in, block);
	MPT_EXPECT_LOGGED(test, 1, MPT_PREFIX, MPT_LOG "pool mpt_report_in");
	KUNIT_EXPECT_EQ(test, mpt_stats(test, out)->invalid_frees, 2ULL);
	KUNIT_EXPECT_EQ(test, mpt_stats(test, in)->invalid_frees, 2ULL);
	/* One report each, one stack trace each. */
	MPT_EXPECT_LOGGED(test, 3, MPT_SUBSTR, "Call Trace:");
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
	mpt_expect_silent(test, "mpt_quiet");
	MPT_EXPECT_LOGGED(test, 0, MPT_SUBSTR, "Call Trace:");
}

/*
 * Destroying a pool with live blocks frees everything: silently if the pool
 * is quiet, else naming the blocks left, up to 16 of them, and who
 * allocated them if the pool tracks that.
 */
static void mpool_test_destroy_live(struct kunit *test)
{
	const char *line;
	struct mpool *pool;
	unsigned int off;
	int i;

	pool = mpt_create(test, "mpt_destroy_live", 100, 16, 0, MPOOL_F_QUIET);
	for (i = 0; i < 5; i++)
		KUNIT_ASSERT_NOT_NULL(test, mpool_alloc(pool));
	mpt_destroy(test, pool);
	mpt_expect_silent(test, "mpt_destroy_live");

	pool = mpt_create(test, "mpt_destroy_live", 100, 16, 0, MPOOL_F_QUIET);
	KUNIT_EXPECT_EQ(test, mpt_drain(test, pool, NULL), 16U);
	mpt_destroy(test, pool);
	mpt_expect_silent(test, "mpt_destroy_live");

	/* Blocks 0 and 2 to 17 live, 8 bytes apart: 17, one not shown. */
	pool = mpt_create(test, "mpt_destroy_loud", 8, 20, 0, MPOOL_F_TRACK);
	for (i = 0; i < 18; i++)
		KUNIT_ASSERT_PTR_EQ(test, mpool_alloc(pool), mpt_block(pool, i));
	mpool_free(pool, mpt_block(pool, 1));
	mpt_destroy(test, pool);
	MPT_EXPECT_LOGGED(test, 1, MPT_LINE, MPT_LOG
			  "pool mpt_destroy_loud destroyed with 17 of 20 blocks still allocated");
	for (off = 0; off <= 128; off += 8) {
		line = mpt_fmt(test, MPT_LOG
			       "pool mpt_destroy_loud: block at offset %u allocated by %s+",
			       off, __func__);
		MPT_EXPECT_LOGGED(test, off != 8, MPT_PREFIX, line);
	}
	MPT_EXPECT_LOGGED(test, 16, MPT_PREFIX,
			  MPT_LOG "pool mpt_destroy_loud: block at offset ");
	MPT_EXPECT_LOGGED(test, 1, MPT_LINE,
			  MPT_LOG "pool mpt_destroy_loud: 1 more blocks not shown");

	/* Untracked, the blocks are only named. */
	pool = mpt_create(test, "mpt_destroy_plain", 16, 4, 0, 0);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_NOT_NULL(test, mpool_alloc(pool));
	mpool_free(pool, mpt_block(pool, 0));
	mpool_free(pool, mpt_block(pool, 1));
	mpt_destroy(test, pool);
	MPT_EXPECT_LOGGED(test, 1, MPT_LINE, MPT_LOG
			  "pool mpt_destroy_plain destroyed with 1 of 4 blocks still allocated");
	MPT_EXPECT_LOGGED(test, 1, MPT_LINE,
			  MPT_LOG "pool mpt_destroy_plain: block at offset 32 still allocated");
	MPT_EXPECT_LOGGED(test, 2, MPT_PREFIX, MPT_LOG "pool mpt_destroy_plain");
	/* Leaks are not misuse: no stack trace. */
	MPT_EXPECT_LOGGED(test, 0, MPT_SUBSTR, "Call Trace:");
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
	mpt_expect_silent(test, "mpt_destroy_flags");
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

struct kunit_suite mempool_misuse_suite = {
	.name = "mempool_misuse",
	.test_cases = mempool_misuse_cases,
	.suite_init = mpt_console_suite_init,
	.suite_exit = mpt_console_suite_exit,
	.init = mpt_console_init,
	.exit = mpt_console_exit,
};

