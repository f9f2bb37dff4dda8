// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of mempool_bench.ko's request parser: each key, name and
 * range of the run file's line, the defaults of omitted keys, and the
 * errors of everything else.  Runs no benchmark.
 */
#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <kunit/test.h>

#include "bench.h"

/* Every allocator but objpool: as on a kernel without it. */
#define NO_OBJPOOL	((BIT(BENCH_NR_ALLOCATORS) - 1) & ~BIT(BENCH_OBJPOOL))
#define ALL		(BIT(BENCH_NR_ALLOCATORS) - 1)

struct bench_parse_case {
	const char *desc;
	const char *line;
	u32 available;
	int err;
	/* On success: the request expected, and its number of runs if not 0. */
	struct bench_request req;
	unsigned int runs;
};

#define DEFAULTS(avail) \
	.allocators = (avail), .workloads = BENCH_ALL_WORKLOADS, \
	.block_size = BENCH_DEFAULT_SIZE, .ops = BENCH_DEFAULT_OPS, \
	.rounds = BENCH_DEFAULT_ROUNDS

static const struct bench_parse_case bench_parse_cases[] = {
	{ "empty line: defaults", "", ALL, 0, { DEFAULTS(ALL) } },
	{ "newline only: defaults", "\n", NO_OBJPOOL, 0,
	  { DEFAULTS(NO_OBJPOOL) } },
	{ "every key",
	"allocators=naive,mempool workloads=burst,pair cpus=1 block_size=128 ops=1000 rounds=1\n",
	  ALL, 0, { BIT(BENCH_MEMPOOL) | BIT(BENCH_NAIVE),
		    BIT(BENCH_WL_PAIR) | BIT(BENCH_WL_BURST), 1, 128, 1000, 1 },
	  4 },
	{ "runs of spaces", "  ops=1000   rounds=2 ", ALL, 0,
	  { ALL, BENCH_ALL_WORKLOADS, 0, BENCH_DEFAULT_SIZE, 1000, 2 } },
	{ "one run", "allocators=mempool-nocache workloads=pair cpus=1", ALL,
	  0, { BIT(BENCH_MEMPOOL_NOCACHE), BIT(BENCH_WL_PAIR), 1,
	       BENCH_DEFAULT_SIZE, BENCH_DEFAULT_OPS, BENCH_DEFAULT_ROUNDS },
	  1 },
	{ "all allocator names",
	"allocators=mempool,mempool-nocache,naive,kmem_cache,kmalloc,mempool_t,gen_pool,objpool,null,ideal,memset,mempool-poison,mempool-zero,mempool-track,mempool-quarantine",
	  ALL, 0, { DEFAULTS(ALL) } },
	{ "all workload names", "workloads=cross,burst,pair", NO_OBJPOOL, 0,
	  { DEFAULTS(NO_OBJPOOL) } },
	{ "bounds low", "block_size=8 ops=1000 rounds=1 cpus=0", ALL, 0,
	  { ALL, BENCH_ALL_WORKLOADS, 0, 8, 1000, 1 } },
	{ "bounds high", "ops=10000000 rounds=15", ALL, 0,
	  { ALL, BENCH_ALL_WORKLOADS, 0, BENCH_DEFAULT_SIZE, 10000000, 15 } },
	{ "unknown key", "opz=1000", ALL, -EINVAL },
	{ "key in capitals", "OPS=1000", ALL, -EINVAL },
	{ "no value", "ops", ALL, -EINVAL },
	{ "duplicate key", "ops=1000 rounds=1 ops=2000", ALL, -EINVAL },
	{ "empty number", "ops=", ALL, -EINVAL },
	{ "not a number", "ops=many", ALL, -EINVAL },
	{ "trailing junk", "ops=1000x", ALL, -EINVAL },
	{ "negative", "cpus=-1", ALL, -EINVAL },
	{ "hex", "ops=0x1000", ALL, -EINVAL },
	{ "overflow", "ops=99999999999999999999", ALL, -EINVAL },
	{ "inner newline", "ops=1000\nrounds=1", ALL, -EINVAL },
	{ "newline before pair", "ops=1000\n rounds=1", ALL, -EINVAL },
	{ "tab separator", "ops=1000\trounds=1", ALL, -EINVAL },
	{ "unknown allocator", "allocators=slab", ALL, -EINVAL },
	{ "allocator in capitals", "allocators=NAIVE", ALL, -EINVAL },
	{ "empty allocator list", "allocators=", ALL, -EINVAL },
	{ "empty allocator name", "allocators=naive,", ALL, -EINVAL },
	{ "unknown workload", "workloads=zigzag", ALL, -EINVAL },
	{ "empty workload list", "workloads=", ALL, -EINVAL },
	{ "too few ops", "ops=999", ALL, -EINVAL },
	{ "too many ops", "ops=10000001", ALL, -EINVAL },
	{ "no rounds", "rounds=0", ALL, -EINVAL },
	{ "too many rounds", "rounds=16", ALL, -EINVAL },
	{ "block too small", "block_size=7", ALL, -EINVAL },
	{ "block zero", "block_size=0", ALL, -EINVAL },
	{ "too many cpus", "cpus=100000", ALL, -EINVAL },
	{ "cross on one cpu only", "workloads=cross cpus=1", ALL, -EINVAL },
	{ "missing allocator", "allocators=objpool", NO_OBJPOOL, -EOPNOTSUPP },
	{ "missing among others", "allocators=naive,objpool ops=1000",
	  NO_OBJPOOL, -EOPNOTSUPP },
	{ "unknown before missing", "allocators=objpool,slab", NO_OBJPOOL,
	  -EINVAL },
	{ "bad value before missing", "allocators=objpool ops=1", NO_OBJPOOL,
	  -EINVAL },
	{ "first and rotate", "allocators=naive,mempool first=naive rotate=0",
	  ALL, 0, { BIT(BENCH_MEMPOOL) | BIT(BENCH_NAIVE), BENCH_ALL_WORKLOADS,
		    0, BENCH_DEFAULT_SIZE, BENCH_DEFAULT_OPS,
		    BENCH_DEFAULT_ROUNDS } },
	{ "unknown first", "first=slab", ALL, -EINVAL },
	{ "first not run", "allocators=naive first=mempool", ALL, -EINVAL },
	{ "first missing", "first=objpool", NO_OBJPOOL, -EOPNOTSUPP },
	{ "empty first", "first=", ALL, -EINVAL },
	{ "rotate 2", "rotate=2", ALL, -EINVAL },
	{ "rotate word", "rotate=yes", ALL, -EINVAL },
	{ "duplicate rotate", "rotate=1 rotate=0", ALL, -EINVAL },
};

static void bench_parse_desc(const struct bench_parse_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bench_parse, bench_parse_cases, bench_parse_desc);

/* Parses a copy of @line, as the run file does. */
static int parse(struct kunit *test, const char *line, u32 available,
		 struct bench_request *req)
{
	char *buf = kunit_kstrdup(test, line, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	return mpool_bench_parse(buf, available, req);
}

static void bench_test_parse(struct kunit *test)
{
	const struct bench_parse_case *c = test->param_value;
	struct bench_request req;

	KUNIT_ASSERT_EQ(test, parse(test, c->line, c->available, &req), c->err);
	if (c->err)
		return;
	KUNIT_EXPECT_EQ(test, req.allocators, c->req.allocators);
	KUNIT_EXPECT_EQ(test, req.workloads, c->req.workloads);
	KUNIT_EXPECT_EQ(test, req.cpus, c->req.cpus);
	KUNIT_EXPECT_EQ(test, req.block_size, c->req.block_size);
	KUNIT_EXPECT_EQ(test, req.ops, c->req.ops);
	KUNIT_EXPECT_EQ(test, req.rounds, c->req.rounds);
	if (c->runs)
		KUNIT_EXPECT_EQ(test, mpool_bench_cases(&req, NULL), c->runs);
}

/* Bounds that depend on the machine: the online CPUs. */
static void bench_test_parse_machine(struct kunit *test)
{
	unsigned int online = num_online_cpus();
	struct bench_request req;
	char line[32];

	snprintf(line, sizeof(line), "block_size=%u", BENCH_MAX_SIZE);
	KUNIT_EXPECT_EQ(test, mpool_bench_parse(line, ALL, &req), 0);
	KUNIT_EXPECT_EQ(test, req.block_size, (unsigned int)BENCH_MAX_SIZE);
	snprintf(line, sizeof(line), "block_size=%u", BENCH_MAX_SIZE + 1);
	KUNIT_EXPECT_EQ(test, mpool_bench_parse(line, ALL, &req), -EINVAL);

	snprintf(line, sizeof(line), "cpus=%u", online);
	KUNIT_EXPECT_EQ(test, mpool_bench_parse(line, ALL, &req), 0);
	KUNIT_EXPECT_EQ(test, req.cpus, online);
	snprintf(line, sizeof(line), "cpus=%u", online + 1);
	KUNIT_EXPECT_EQ(test, mpool_bench_parse(line, ALL, &req), -EINVAL);
}

/*
 * The runs of the defaults: every allocator and workload on 1 CPU, and
 * again on all online CPUs with cross, 1 CPU first.
 */
static void bench_test_cases(struct kunit *test)
{
	unsigned int online = num_online_cpus();
	struct bench_case *cases;
	struct bench_request req;
	unsigned int n, want;

	cases = kunit_kcalloc(test, BENCH_MAX_CASES, sizeof(*cases),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cases);
	KUNIT_ASSERT_EQ(test, parse(test, "", ALL, &req), 0);
	n = mpool_bench_cases(&req, cases);
	want = BENCH_NR_ALLOCATORS * (BENCH_NR_WORKLOADS - 1);
	if (online > 1)
		want += BENCH_NR_ALLOCATORS * BENCH_NR_WORKLOADS;
	KUNIT_EXPECT_EQ(test, n, want);
	KUNIT_EXPECT_EQ(test, cases[0].allocator, (unsigned int)BENCH_MEMPOOL);
	KUNIT_EXPECT_EQ(test, cases[0].workload, (unsigned int)BENCH_WL_PAIR);
	KUNIT_EXPECT_EQ(test, cases[0].cpus, 1U);
	KUNIT_EXPECT_EQ(test, cases[n - 1].cpus, online);
	if (online > 1)
		KUNIT_EXPECT_EQ(test, cases[n - 1].workload,
				(unsigned int)BENCH_WL_CROSS);
}

/* The allocator of @cases[@order[@k]]. */
static unsigned int nth(const struct bench_case *cases,
			const unsigned int *order, unsigned int k)
{
	return cases[order[k]].allocator;
}

/*
 * first= and rotate=: which allocator each round measures first, and that
 * every round runs every case once, 1 CPU before all CPUs.
 */
static void bench_test_round_order(struct kunit *test)
{
	static const unsigned int list[] = {
		BENCH_MEMPOOL, BENCH_NAIVE, BENCH_NULL, BENCH_IDEAL,
	};
	unsigned int online = num_online_cpus();
	unsigned int n, r, k, nr = ARRAY_SIZE(list);
	DECLARE_BITMAP(seen, BENCH_MAX_CASES);
	unsigned int *order;
	struct bench_case *cases;
	struct bench_request req;
	const char *line;

	cases = kunit_kcalloc(test, BENCH_MAX_CASES, sizeof(*cases),
			      GFP_KERNEL);
	order = kunit_kcalloc(test, BENCH_MAX_CASES, sizeof(*order),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cases);
	KUNIT_ASSERT_NOT_NULL(test, order);

	/* Defaults: the first allocator in table order, rotating. */
	line = "allocators=ideal,null,naive,mempool workloads=pair,burst";
	KUNIT_ASSERT_EQ(test, parse(test, line, ALL, &req), 0);
	KUNIT_EXPECT_EQ(test, req.first, (unsigned int)BENCH_MEMPOOL);
	KUNIT_EXPECT_TRUE(test, req.rotate);
	n = mpool_bench_cases(&req, cases);
	KUNIT_ASSERT_EQ(test, n, nr * 2 * (online > 1 ? 2 : 1));
	for (r = 0; r < 2 * nr; r++) {
		mpool_bench_round_order(&req, cases, n, r, order);
		/* Round r starts at allocator r mod N, both workloads. */
		KUNIT_EXPECT_EQ(test, nth(cases, order, 0), list[r % nr]);
		KUNIT_EXPECT_EQ(test, nth(cases, order, 1), list[r % nr]);
		KUNIT_EXPECT_EQ(test, nth(cases, order, 2 * nr - 1),
				list[(r + nr - 1) % nr]);
		KUNIT_EXPECT_EQ(test, cases[order[0]].cpus, 1U);
		KUNIT_EXPECT_EQ(test, cases[order[n - 1]].cpus, online);
		bitmap_zero(seen, BENCH_MAX_CASES);
		for (k = 0; k < n; k++) {
			KUNIT_ASSERT_LT(test, order[k], n);
			KUNIT_EXPECT_FALSE(test, test_bit(order[k], seen));
			__set_bit(order[k], seen);
		}
	}

	/* first=, rotate=0: every round starts there, wrapping around. */
	line = "allocators=ideal,null,naive,mempool workloads=pair cpus=1 first=naive rotate=0";
	KUNIT_ASSERT_EQ(test, parse(test, line, ALL, &req), 0);
	KUNIT_EXPECT_EQ(test, req.first, (unsigned int)BENCH_NAIVE);
	KUNIT_EXPECT_FALSE(test, req.rotate);
	n = mpool_bench_cases(&req, cases);
	KUNIT_ASSERT_EQ(test, n, nr);
	for (r = 0; r < 3; r++) {
		mpool_bench_round_order(&req, cases, n, r, order);
		for (k = 0; k < nr; k++)
			KUNIT_EXPECT_EQ(test, nth(cases, order, k),
					list[(1 + k) % nr]);
	}
}

static struct kunit_case mempool_bench_cases[] = {
	KUNIT_CASE_PARAM(bench_test_parse, bench_parse_gen_params),
	KUNIT_CASE(bench_test_parse_machine),
	KUNIT_CASE(bench_test_cases),
	KUNIT_CASE(bench_test_round_order),
	{}
};

static struct kunit_suite mempool_bench_suite = {
	.name = "mempool_bench",
	.test_cases = mempool_bench_cases,
};

kunit_test_suite(mempool_bench_suite);

MODULE_AUTHOR("Seed 4a5493b9 maintainers <maintainers@users.noreply.b-seed-4a5493b9.example>");
MODULE_DESCRIPTION("KUnit tests of mempool_bench.ko's request parser");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_LICENSE("GPL");
MODULE_VERSION(MPOOL_VERSION);
