/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the KUnit test module mempool_kunit.ko share: the
 * suites (registered together in mpool_test.c), the pool helpers and the
 * console capture (console_capture.c).
 */
#ifndef _MPOOL_TEST_H
#define _MPOOL_TEST_H

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/sched.h>

#include "mpool.h"
#include "../mempool_core.h"
#include "../mempool_internal.h"

/* One file each: suite_<name>.c */
extern struct kunit_suite mempool_params_suite;
extern struct kunit_suite mempool_alloc_free_suite;
extern struct kunit_suite mempool_misuse_suite;
extern struct kunit_suite mempool_features_suite;
extern struct kunit_suite mempool_concurrency_suite;
extern struct kunit_suite mempool_percpu_suite;
extern struct kunit_suite mempool_trace_suite;
extern struct kunit_suite mempool_debug_suite;

/* ---- pools (mpool_test.c) ---------------------------------------------- */

void mpt_destroy_action(void *pool);
struct mpool *mpt_create(struct kunit *test, const char *name,
			 size_t block_size, unsigned int nr_blocks,
			 size_t align, unsigned int flags);
void mpt_adopt(struct kunit *test, struct mpool *pool);
void mpt_destroy(struct kunit *test, struct mpool *pool);
struct mpool_stats *mpt_stats(struct kunit *test, struct mpool *pool);
unsigned int mpt_drain(struct kunit *test, struct mpool *pool, void **out);

/* Bytes from the first block's start to the last one's stride end. */
static inline size_t mpt_region(struct mpool *pool)
{
	return pool->stride * pool->nr_blocks;
}

static inline void *mpt_block(struct mpool *pool, unsigned int idx)
{
	return pool->base + (size_t)idx * pool->stride;
}

/* A kthread sleeping in mpool_alloc_timeout() (concurrency and percpu). */
struct mpt_waiter {
	struct mpool *pool;
	long timeout;
	bool signals;
	void *block;
	struct completion done;
	struct task_struct *task;
};

void mpt_waiter_stop(void *waiter);
struct mpt_waiter *mpt_waiter_start(struct kunit *test, struct mpool *pool,
				    long timeout, bool signals, int cpu);
bool mpt_waiter_asleep(struct mpool *pool);

/* ---- console capture (console_capture.c) ------------------------------- */

/*
 * mempool.ko's pr_fmt: every line it logs starts with this.  The lines
 * captured are the records printk() stored, without their log level and
 * trailing newline.
 */
#define MPT_LOG		"mempool: "

/* Hooks for a suite whose tests look at the log. */
int mpt_console_suite_init(struct kunit_suite *suite);
void mpt_console_suite_exit(struct kunit_suite *suite);
int mpt_console_init(struct kunit *test);
void mpt_console_exit(struct kunit *test);

enum mpt_match {
	MPT_LINE,	/* the whole line */
	MPT_PREFIX,	/* the start of the line */
	MPT_SUBSTR,	/* anywhere in the line */
};

/*
 * The first line captured since the test started, from line @from on,
 * that matches @text; -1 if none.
 */
int mpt_console_find(unsigned int from, enum mpt_match how, const char *text);
/* How many lines captured since the test started match @text. */
unsigned int mpt_console_count(enum mpt_match how, const char *text);
/* A kunit-managed string, for the texts above. */
__printf(2, 3)
const char *mpt_fmt(struct kunit *test, const char *fmt, ...);

/* Exactly @n lines of the log since the test started match @text. */
#define MPT_EXPECT_LOGGED(test, n, how, text) do {			\
	const char *__mpt_text = (text);				\
									\
	KUNIT_EXPECT_EQ_MSG(test, mpt_console_count(how, __mpt_text),	\
			    (unsigned int)(n), "log lines matching \"%s\"", \
			    __mpt_text);				\
} while (0)

/* The reports of mempool.ko (mpool_test.c). */
const char *mpt_report_line(struct kunit *test, const char *name,
			    const char *why, long offset,
			    unsigned int nr_blocks, size_t stride);
void mpt_expect_report(struct kunit *test, const char *line,
		       const char *caller);
void mpt_expect_silent(struct kunit *test, const char *name);

#endif /* _MPOOL_TEST_H */
