// SPDX-License-Identifier: GPL-2.0
/*
 * test_bench.c - host tests of bench.c: the name lists, the request line,
 * the result lines, and the bench messages and formats.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "bench.h"
#include "errors.h"
#include "format.h"
#include "tap.h"

/* ---- bench: names, lists, messages, formats ---- */

static void list_ok(enum mp_bench_kind kind, const char *list, uint32_t want)
{
	uint32_t m = 0xdeadbeef;
	char bad[32] = "x";
	int r = mp_bench_parse_list(kind, list, &m, bad, sizeof(bad));

	ok(r == 0 && m == want && !*bad, "bench list '%s' -> 0x%x (got r=%d 0x%x)",
	   list, want, r, m);
}

static void list_bad(enum mp_bench_kind kind, const char *list,
		     const char *want_bad)
{
	uint32_t m = 12345;
	char bad[32] = "";
	int r = mp_bench_parse_list(kind, list, &m, bad, sizeof(bad));

	ok(r == -1 && m == 12345 && !strcmp(bad, want_bad),
	   "bench list '%s' is rejected at '%s' (got r=%d bad='%s')", list,
	   want_bad, r, bad);
}

/* A result whose numbers all differ, for the formatters. */
void fill_result(struct mp_bench_result *r, const char *a,
			const char *w, unsigned int cpus, unsigned long long ps,
			unsigned long long kops)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->allocator, sizeof(r->allocator), "%s", a);
	snprintf(r->workload, sizeof(r->workload), "%s", w);
	r->cpus = cpus;
	r->ops = 200000;
	r->elapsed_ns = 987654321;
	r->ps_per_op = ps;
	r->kops_per_sec = kops;
	r->p50_ns = 41;
	r->p99_ns = 250;
	r->max_ns = 123456;
}

/* The figures net of null's and over ideal's, in the table and the JSON. */
static void test_bench_net(char *buf, size_t len)
{
	struct mp_bench_result res[6];
	int64_t v;
	int n;

	fill_result(&res[0], "null", "pair", 1, 50000, 1);
	fill_result(&res[1], "ideal", "pair", 1, 70000, 1);
	fill_result(&res[2], "mempool", "pair", 1, 96000, 1);
	/* Another block size: no baseline of its own. */
	fill_result(&res[3], "mempool", "pair", 1, 90000, 1);
	res[3].block_size = 1024;
	/* Faster than null (noise): a negative net. */
	fill_result(&res[4], "naive", "pair", 1, 49950, 1);
	/* Another CPU count, whose baselines are the same: a net of 0. */
	fill_result(&res[5], "null", "pair", 2, 50000, 1);
	ok(mp_bench_net_ps(res, 6, &res[2], &v) == 0 && v == 46000 &&
	   mp_bench_ideal_milli(res, 6, &res[2], &v) == 0 && v == 2300 &&
	   mp_bench_net_ps(res, 6, &res[3], &v) == -1 &&
	   mp_bench_ideal_milli(res, 6, &res[5], &v) == -1 &&
	   mp_bench_net_ps(res, 6, &res[4], &v) == 0 && v == -50 &&
	   mp_bench_like(res, 6, "null", &res[5]) == &res[5],
	   "bench net: less null's of the same workload, CPUs and block size");
	n = mp_format_bench_text(res, 6, buf, len);
	ok(n > 0 &&
	   strstr(buf, "\nnull               pair        1      0       50.0       0.0    0.00 ") &&
	   strstr(buf, "\nideal              pair        1      0       70.0      20.0    1.00 ") &&
	   strstr(buf, "\nmempool            pair        1      0       96.0      46.0    2.30 ") &&
	   strstr(buf, "\nmempool            pair        1   1024       90.0         -       - ") &&
	   strstr(buf, "\nnaive              pair        1      0       50.0      -0.1    0.00 ") &&
	   strstr(buf, "\nnull               pair        2      0       50.0       0.0       - "),
	   "bench table: NET_NS and X_IDEAL, - without the baselines");
	if (n > 0 && !strstr(buf, "  46.0    2.30 "))
		printf("# got:\n%s", buf);
	n = mp_format_bench_json(res, 6, buf, len);
	ok(n > 0 &&
	   strstr(buf, "\"block_size\": 0, \"net_ns_per_op\": 46.000, \"x_ideal\": 2.300, \"rounds\"") &&
	   strstr(buf, "\"block_size\": 1024, \"net_ns_per_op\": null, \"x_ideal\": null, \"rounds\"") &&
	   strstr(buf, "\"net_ns_per_op\": -0.050, \"x_ideal\": -0.002, \"rounds\"") &&
	   strstr(buf, "\"net_ns_per_op\": 0.000, \"x_ideal\": null, \"rounds\""),
	   "bench JSON: net_ns_per_op and x_ideal exact, null without them");
}

/* The spread over rounds, and the scaling over ideal's. */
static void test_bench_spread(char *buf, size_t len)
{
	struct mp_bench_result res[6];
	int64_t v;
	int n;

	fill_result(&res[0], "ideal", "pair", 1, 10000, 100000);
	fill_result(&res[1], "mempool", "pair", 1, 20000, 50000);
	fill_result(&res[2], "ideal", "pair", 2, 12500, 160000);
	fill_result(&res[3], "mempool", "pair", 2, 21000, 95000);
	/* No 1-CPU figure of its own: no scaling. */
	fill_result(&res[4], "naive", "pair", 2, 30000, 60000);
	/* Another block size: neither its 1-CPU figure nor ideal's. */
	fill_result(&res[5], "mempool", "pair", 2, 21000, 95000);
	res[5].block_size = 1024;
	res[1].rounds = 5;
	res[1].ps_min = 20000;
	res[1].ps_median = 20450;
	res[1].ps_max = 31999;
	ok(mp_bench_scaling_milli(res, 6, &res[3], &v) == 0 && v == 1900 &&
	   mp_bench_scaling_milli(res, 6, &res[2], &v) == 0 && v == 1600 &&
	   mp_bench_scaling_x_ideal_milli(res, 6, &res[3], &v) == 0 &&
	   v == 1187 &&
	   mp_bench_scaling_x_ideal_milli(res, 6, &res[2], &v) == 0 &&
	   v == 1000 &&
	   mp_bench_scaling_milli(res, 6, &res[1], &v) == -1 &&
	   mp_bench_scaling_milli(res, 6, &res[4], &v) == -1 &&
	   mp_bench_scaling_x_ideal_milli(res, 6, &res[4], &v) == -1 &&
	   mp_bench_scaling_milli(res, 6, &res[5], &v) == -1,
	   "bench scaling: all CPUs over 1, over ideal's; - without them");
	n = mp_format_bench_text(res, 6, buf, len);
	ok(n > 0 &&
	   strstr(buf, "\nmempool            pair        1      0       20.0 ") &&
	   strstr(buf, " 123456       20.5       32.0      -          -\n") &&
	   strstr(buf, " 123456          -          -   1.90       1.19\n") &&
	   strstr(buf, " 123456          -          -   1.60       1.00\n"),
	   "bench table: MEDIAN_NS and SLOWEST_NS, SCALE and X_IDEAL_SC");
	if (n > 0 && !strstr(buf, "1.19\n"))
		printf("# got:\n%s", buf);
	n = mp_format_bench_json(res, 6, buf, len);
	ok(n > 0 &&
	   strstr(buf, "\"rounds\": 5, \"ns_per_op_min\": 20.000, \"ns_per_op_median\": 20.450, \"ns_per_op_max\": 31.999, \"scaling\": null, \"scaling_x_ideal\": null}") &&
	   strstr(buf, "\"rounds\": 0, \"ns_per_op_min\": null, \"ns_per_op_median\": null, \"ns_per_op_max\": null, \"scaling\": 1.900, \"scaling_x_ideal\": 1.187}") &&
	   strstr(buf, "\"scaling\": 1.600, \"scaling_x_ideal\": 1.000}"),
	   "bench JSON: the spread over rounds, the scaling, exact");
}

/*
 * A coarse clock (refined-jiffies: debug-smp4's): the 1-CPU runs end
 * within a tick, their elapsed clamped to 1 ns, while the 4-CPU ones
 * cross a tick.  Each scaling is below 1/1000, yet ideal's over its own
 * is 1 and mempool's over ideal's is the ratio of the throughputs.
 */
static void test_bench_scaling_coarse_clock(void)
{
	struct mp_bench_result res[4];
	int64_t v;

	fill_result(&res[0], "ideal", "pair", 1, 0, 1000000000);
	fill_result(&res[1], "mempool", "pair", 1, 0, 1000000000);
	fill_result(&res[2], "ideal", "pair", 4, 1000000, 1000);
	fill_result(&res[3], "mempool", "pair", 4, 1000000, 1500);
	ok(mp_bench_scaling_milli(res, 4, &res[2], &v) == 0 && v == 0 &&
	   mp_bench_scaling_x_ideal_milli(res, 4, &res[2], &v) == 0 &&
	   v == 1000 &&
	   mp_bench_scaling_x_ideal_milli(res, 4, &res[3], &v) == 0 &&
	   v == 1500,
	   "bench scaling over ideal's: 1.00 for ideal, 1.50 for mempool when both scalings are below 1/1000");
}

void test_bench(void)
{
	static const char *const allocs[] = {
		"mempool", "mempool-nocache", "naive", "kmem_cache", "kmalloc",
		"mempool_t", "gen_pool", "objpool", "null", "ideal", "memset",
		"mempool-poison", "mempool-zero", "mempool-track",
		"mempool-quarantine",
	};
	static const char *const works[] = { "pair", "burst", "cross" };
	struct mp_bench_result res[3];
	char buf[4096], small[40];
	unsigned int i;
	int n, all;

	/* The names in the kernel's order: bit i is allocs[i]. */
	all = MP_BENCH_NR_ALLOCATORS == 15;
	for (i = 0; i < 15; i++) {
		const char *got = mp_bench_name(MP_BENCH_ALLOCATOR, i);

		all &= got && !strcmp(got, allocs[i]);
	}
	ok(all && !mp_bench_name(MP_BENCH_ALLOCATOR, 15) &&
	   MP_BENCH_BASELINES == ((1u << 8) | (1u << 9)),
	   "allocator names in the kernel's order");
	all = MP_BENCH_NR_WORKLOADS == 3;
	for (i = 0; i < 3; i++) {
		const char *got = mp_bench_name(MP_BENCH_WORKLOAD, i);

		all &= got && !strcmp(got, works[i]) &&
		       mp_bench_workload_desc(i);
	}
	ok(all && !mp_bench_name(MP_BENCH_WORKLOAD, 3) &&
	   !mp_bench_workload_desc(3), "workload names, each described");
	ok(mp_bench_lookup(MP_BENCH_ALLOCATOR, "objpoolx", 7) == 7 &&
	   mp_bench_lookup(MP_BENCH_ALLOCATOR, "objpool", 6) == -1 &&
	   mp_bench_lookup(MP_BENCH_WORKLOAD, "cross", 5) == 2,
	   "name lookup takes a length");
	n = mp_bench_names_joined(MP_BENCH_ALLOCATOR, ", ", buf, sizeof(buf));
	ok(n > 0 && !strcmp(buf, "mempool, mempool-nocache, naive, kmem_cache, kmalloc, mempool_t, gen_pool, objpool, null, ideal, memset, mempool-poison, mempool-zero, mempool-track, mempool-quarantine"),
	   "allocator names joined");
	ok(mp_bench_names_joined(MP_BENCH_WORKLOAD, ", ", small, 5) == -1,
	   "names joined: a short buffer");

	for (i = 0; i < 8; i++)
		list_ok(MP_BENCH_ALLOCATOR, allocs[i], 1u << i);
	list_ok(MP_BENCH_ALLOCATOR, "mempool,naive", 0x5);
	list_ok(MP_BENCH_ALLOCATOR, "objpool,mempool-nocache,objpool", 0x82);
	list_ok(MP_BENCH_ALLOCATOR,
		"mempool,mempool-nocache,naive,kmem_cache,kmalloc,mempool_t,gen_pool,objpool",
		0xff);
	list_ok(MP_BENCH_WORKLOAD, "pair", 0x1);
	list_ok(MP_BENCH_WORKLOAD, "cross,burst", 0x6);
	list_ok(MP_BENCH_WORKLOAD, "pair,burst,cross", 0x7);
	list_bad(MP_BENCH_ALLOCATOR, "slab", "slab");
	list_bad(MP_BENCH_ALLOCATOR, "mempool,slub,naive", "slub");
	list_bad(MP_BENCH_ALLOCATOR, "Mempool", "Mempool");
	list_bad(MP_BENCH_ALLOCATOR, "mem", "mem");
	list_bad(MP_BENCH_ALLOCATOR, "mempool-nocachex", "mempool-nocachex");
	list_bad(MP_BENCH_ALLOCATOR, "pair", "pair");
	list_bad(MP_BENCH_WORKLOAD, "mempool", "mempool");
	list_bad(MP_BENCH_ALLOCATOR, "", "");
	list_bad(MP_BENCH_ALLOCATOR, "mempool,", "");
	list_bad(MP_BENCH_WORKLOAD, ",pair", "");
	list_bad(MP_BENCH_WORKLOAD, "pair,,cross", "");
	list_bad(MP_BENCH_WORKLOAD, "pair cross", "pair cross");

	/* EOPNOTSUPP: which asked-for allocators the allocators file lacks */
	ok(mp_bench_missing(0x81, "mempool\nmempool-nocache\nnaive\nkmem_cache\nkmalloc\nmempool_t\ngen_pool\n") == 0x80,
	   "missing: objpool, not in the allocators file of 6.1");
	ok(mp_bench_missing(0xff, "mempool\nnaive\n") == 0xfa &&
	   mp_bench_missing(0x05, "  naive \n\nmempool") == 0 &&
	   mp_bench_missing(0x01, "mempoolx\nmempoo\n") == 0x01 &&
	   mp_bench_missing(0x03, "") == 0x03 &&
	   mp_bench_missing(0x03, NULL) == 0x03,
	   "missing: whole names only, any spacing, empty file");
	n = mp_format_bench_unavailable(1u << 7, buf, sizeof(buf));
	ok(n > 0 && !strcmp(buf, "allocator objpool is not available in this kernel"),
	   "EOPNOTSUPP names the one allocator ('%s')", buf);
	n = mp_format_bench_unavailable((1u << 6) | (1u << 7), buf,
					sizeof(buf));
	ok(n > 0 && !strcmp(buf, "allocators gen_pool, objpool are not available in this kernel"),
	   "EOPNOTSUPP names two allocators ('%s')", buf);
	ok(mp_format_bench_unavailable(0x80, small, 10) == -1,
	   "EOPNOTSUPP message reports a short buffer");
	ok(strstr(mp_strerror(MP_CMD_BENCH, EPERM), "needs CAP_SYS_ADMIN") &&
	   !strcmp(mp_strerror(MP_CMD_BENCH, EACCES),
		   mp_strerror(MP_CMD_BENCH, EPERM)) &&
	   !strstr(mp_strerror(MP_CMD_CREATE, EPERM), "CAP_SYS_ADMIN"),
	   "bench EPERM, EACCES: needs CAP_SYS_ADMIN");
	ok(!strncmp(mp_strerror(MP_CMD_BENCH, EINVAL), "invalid argument (", 18) &&
	   strstr(mp_strerror(MP_CMD_BENCH, EINVAL), "--cpus") &&
	   strstr(mp_strerror(MP_CMD_BENCH, EINVAL), "--ops") &&
	   strstr(mp_strerror(MP_CMD_BENCH, EINVAL), "--block-size") &&
	   strstr(mp_strerror(MP_CMD_BENCH, EINVAL), "cross"),
	   "bench EINVAL names --cpus, --block-size, --ops, cross");
	ok(strstr(mp_strerror(MP_CMD_READ, ESTALE), "stale handle") &&
	   strstr(mp_strerror(MP_CMD_WRITE, ESTALE), "stale handle") &&
	   strstr(mp_free_result_str(-ESTALE), "stale handle"),
	   "ESTALE: a stale handle, in words");
	ok(strstr(mp_strerror(MP_CMD_READ, EPERM), "owns the block") &&
	   strstr(mp_strerror(MP_CMD_WRITE, EPERM), "owns the block") &&
	   strstr(mp_free_result_str(-EPERM), "owns the block") &&
	   !strstr(mp_strerror(MP_CMD_FREE, EPERM), "owns the block") &&
	   !strstr(mp_strerror(MP_CMD_CREATE, EPERM), "owns the block"),
	   "EPERM on a block: its owner, in words; elsewhere not");
	ok(!strcmp(mp_strerror(MP_CMD_BENCH, EINTR), "interrupted by a signal"),
	   "bench EINTR");
	ok(strstr(mp_strerror(MP_CMD_BENCH, EOPNOTSUPP), "not available in this kernel") != NULL,
	   "bench EOPNOTSUPP without names");
	ok(strcmp(mp_strerror(MP_CMD_BENCH, ENOSPC),
		  mp_strerror(MP_CMD_ALLOC, ENOSPC)) != 0 &&
	   strcmp(mp_strerror(MP_CMD_BENCH, ENOENT), "no such pool") != 0,
	   "bench errors are not the pool commands' ('the pool is exhausted')");
	ok(!strcmp(mp_strerror(MP_CMD_BENCH, EEXIST), strerror(EEXIST)),
	   "bench EEXIST: no pool name is the benchmark's any more");

	fill_result(&res[0], "mempool", "pair", 1, 12345, 81004);
	fill_result(&res[1], "objpool", "cross", 2, 12350, 1234567);
	fill_result(&res[2], "mempool-nocache", "burst", 16, 999, 5);
	n = mp_format_bench_text(res, 3, buf, sizeof(buf));
	{
		static const char want[] =
			"ALLOCATOR          WORKLOAD CPUS  BLOCK      NS/OP    NET_NS X_IDEAL     MOPS/S   P50_NS   P99_NS     MAX_NS  MEDIAN_NS SLOWEST_NS  SCALE X_IDEAL_SC\n"
			"mempool            pair        1      0       12.3         -       -      81.00       41      250     123456          -          -      -          -\n"
			"objpool            cross       2      0       12.4         -       -    1234.57       41      250     123456          -          -      -          -\n"
			"mempool-nocache    burst      16      0        1.0         -       -       0.01       41      250     123456          -          -      -          -\n";

		ok(n == (int)strlen(want) && !strcmp(buf, want),
		   "bench table: header, ns/op to 0.1, Mops/s to 0.01, no baselines: -");
		if (strcmp(buf, want))
			printf("# got:\n%s", buf);
	}
	ok(mp_format_bench_text(res, 3, small, sizeof(small)) == -1,
	   "bench table reports a short buffer");
	n = mp_format_bench_text(res, 0, buf, sizeof(buf));
	ok(n > 0 && count_lines(buf) == 1 && !strncmp(buf, "ALLOCATOR ", 10),
	   "bench table without results: the header only");

	n = mp_format_bench_json(res, 2, buf, sizeof(buf));
	{
		static const char want[] =
			"[\n"
			"{\"allocator\": \"mempool\", \"workload\": \"pair\", \"cpus\": 1, \"ops\": 200000, \"ns_per_op\": 12.345, \"mops\": 81.004, \"p50_ns\": 41, \"p99_ns\": 250, \"max_ns\": 123456, \"elapsed_ns\": 987654321, \"block_size\": 0, \"net_ns_per_op\": null, \"x_ideal\": null, \"rounds\": 0, \"ns_per_op_min\": null, \"ns_per_op_median\": null, \"ns_per_op_max\": null, \"scaling\": null, \"scaling_x_ideal\": null},\n"
			"{\"allocator\": \"objpool\", \"workload\": \"cross\", \"cpus\": 2, \"ops\": 200000, \"ns_per_op\": 12.350, \"mops\": 1234.567, \"p50_ns\": 41, \"p99_ns\": 250, \"max_ns\": 123456, \"elapsed_ns\": 987654321, \"block_size\": 0, \"net_ns_per_op\": null, \"x_ideal\": null, \"rounds\": 0, \"ns_per_op_min\": null, \"ns_per_op_median\": null, \"ns_per_op_max\": null, \"scaling\": null, \"scaling_x_ideal\": null}\n"
			"]\n";

		ok(n == (int)strlen(want) && !strcmp(buf, want),
		   "bench JSON: keys in order, ns_per_op and mops exact");
		if (strcmp(buf, want))
			printf("# got:\n%s", buf);
	}
	test_bench_net(buf, sizeof(buf));
	test_bench_spread(buf, sizeof(buf));
	test_bench_scaling_coarse_clock();
	n = mp_format_bench_json(res, 0, buf, sizeof(buf));
	ok(n == 4 && !strcmp(buf, "[\n]\n"), "bench JSON without results");
	ok(mp_format_bench_json(res, 3, small, sizeof(small)) == -1,
	   "bench JSON reports a short buffer");
	fill_result(&res[0], "slab2", "zigzag", 1, 5, 5);
	n = mp_format_bench_json(res, 1, buf, sizeof(buf));
	ok(n > 0 && strstr(buf, "\"allocator\": \"slab2\", \"workload\": \"zigzag\"") &&
	   strstr(buf, "\"ns_per_op\": 0.005, \"mops\": 0.005"),
	   "bench JSON: names a newer module added, small values");
	fill_result(&res[0], "a\"b\\", "w", 1, 5, 5);
	n = mp_format_bench_json(res, 1, buf, sizeof(buf));
	ok(n > 0 && strstr(buf, "\"allocator\": \"a\\\"b\\\\\""),
	   "bench JSON escapes a name");
	{
		struct mp_bench_result big[MP_BENCH_NR_ALLOCATORS *
					   MP_BENCH_NR_WORKLOADS * 2];
		size_t len = MP_BENCH_FMT_MAX(sizeof(big) / sizeof(big[0]));
		char *p = malloc(len), name[MP_BENCH_NAME_MAX];

		memset(name, 'x', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		for (i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
			fill_result(&big[i], name, name, 4294967295u,
				    UINT64_MAX, UINT64_MAX);
			big[i].ops = big[i].elapsed_ns = big[i].p50_ns =
				big[i].p99_ns = big[i].max_ns = UINT64_MAX;
			big[i].rounds = UINT32_MAX;
			big[i].ps_min = big[i].ps_median = big[i].ps_max =
				UINT64_MAX;
			/* 1 CPU then 2: every scaling column filled. */
			big[i].cpus = 1 + i % 2;
		}
		ok(p && mp_format_bench_json(big, i, p, len) > 0 &&
		   mp_format_bench_text(big, i, p, len) > 0,
		   "MP_BENCH_FMT_MAX holds %u results of the longest names and numbers", i);
		free(p);
	}
}

/* ---- the request line and the result lines ---- */

static void req_is(const struct mp_args *a, const char *want)
{
	char buf[MP_BENCH_REQ_MAX];
	int n = mp_bench_request(a, buf, sizeof(buf));

	ok(n == (int)strlen(want) && !strcmp(buf, want),
	   "request line '%.*s'", (int)strlen(want) - 1, want);
}

#define GOOD "allocator=mempool workload=pair cpus=2 ops=400000 elapsed_ns=987654321 ps_per_op=12345 kops_per_sec=81004 p50_ns=41 p99_ns=250 max_ns=123456"

static void result_bad(const char *line, const char *want_why)
{
	struct mp_bench_result r;
	const char *why = NULL;
	int ret = mp_bench_parse_result(line, strlen(line), &r, &why);

	ok(ret == -1 && why && strstr(why, want_why),
	   "result line refused (%s): '%.60s'", want_why, line);
}

void test_bench_results(void)
{
	struct mp_bench_result r, res[4];
	struct mp_args a;
	const char *why = NULL;
	char buf[1024];
	size_t count = 99, bad = 0;

	memset(&a, 0, sizeof(a));
	req_is(&a, "\n");
	a.bench_allocators = 0x81;
	req_is(&a, "allocators=mempool,objpool,null,ideal\n");
	a.bench_workloads = 0x6;
	a.cpus = 2;
	a.block_size = 4096;
	a.ops = 1048576;
	a.rounds = 15;
	req_is(&a, "allocators=mempool,objpool,null,ideal workloads=burst,cross cpus=2 block_size=4096 ops=1048576 rounds=15\n");
	memset(&a, 0, sizeof(a));
	a.ops = 1000;
	a.cpus = 1;
	req_is(&a, "cpus=1 ops=1000\n");
	memset(&a, 0, sizeof(a));
	a.bench_allocators = 0xff;
	a.bench_workloads = 0x7;
	a.cpus = a.block_size = a.ops = a.rounds = UINT32_MAX;
	req_is(&a, "allocators=mempool,mempool-nocache,naive,kmem_cache,kmalloc,mempool_t,gen_pool,objpool,null,ideal workloads=pair,burst,cross cpus=4294967295 block_size=4294967295 ops=4294967295 rounds=4294967295\n");
	ok(mp_bench_request(&a, buf, 20) == -1, "request line: a short buffer");

	ok(mp_bench_parse_result(GOOD, strlen(GOOD), &r, &why) == 0 &&
	   !strcmp(r.allocator, "mempool") && !strcmp(r.workload, "pair") &&
	   r.cpus == 2 && r.ops == 400000 && r.elapsed_ns == 987654321 &&
	   r.ps_per_op == 12345 && r.kops_per_sec == 81004 &&
	   r.p50_ns == 41 && r.p99_ns == 250 && r.max_ns == 123456,
	   "result line: every field");
	snprintf(buf, sizeof(buf), "%s", "max_ns=3 p99_ns=2 p50_ns=1 kops_per_sec=0 ps_per_op=0 elapsed_ns=0 ops=0 cpus=1 workload=cross allocator=objpool");
	ok(mp_bench_parse_result(buf, strlen(buf), &r, NULL) == 0 &&
	   !strcmp(r.allocator, "objpool") && r.max_ns == 3 && r.cpus == 1,
	   "result line: fields in any order");
	snprintf(buf, sizeof(buf), "%s new_field=x  ", GOOD);
	ok(mp_bench_parse_result(buf, strlen(buf), &r, NULL) == 0,
	   "result line: a newer module's field and spaces are ignored");
	snprintf(buf, sizeof(buf), "%s", "allocator=slab_v2 workload=zig.zag cpus=4294967295 ops=18446744073709551615 elapsed_ns=0 ps_per_op=0 kops_per_sec=0 p50_ns=0 p99_ns=0 max_ns=18446744073709551615");
	ok(mp_bench_parse_result(buf, strlen(buf), &r, NULL) == 0 &&
	   !strcmp(r.allocator, "slab_v2") && !strcmp(r.workload, "zig.zag") &&
	   r.cpus == UINT32_MAX && r.ops == UINT64_MAX &&
	   r.max_ns == UINT64_MAX,
	   "result line: unknown names kept, largest values");
	snprintf(buf, sizeof(buf), "%s block_size=64 rounds=15 ps_min=12345 ps_median=13000 ps_max=18446744073709551615", GOOD);
	ok(mp_bench_parse_result(buf, strlen(buf), &r, NULL) == 0 &&
	   r.block_size == 64 && r.rounds == 15 && r.ps_min == 12345 &&
	   r.ps_median == 13000 && r.ps_max == UINT64_MAX,
	   "result line: the spread over rounds");
	ok(mp_bench_parse_result(GOOD, strlen(GOOD), &r, NULL) == 0 &&
	   !r.rounds && !r.ps_min && !r.ps_median && !r.ps_max,
	   "result line: an older module's, without the spread: 0");
	snprintf(buf, sizeof(buf), "%s rounds=4294967296", GOOD);
	ok(mp_bench_parse_result(buf, strlen(buf), &r, NULL) == -1,
	   "result line: rounds over 2^32-1 refused");
	snprintf(buf, sizeof(buf), "%s ps_median=1 ps_median=2", GOOD);
	ok(mp_bench_parse_result(buf, strlen(buf), &r, NULL) == -1,
	   "result line: ps_median twice refused");
	/* the line need not be NUL-terminated at n */
	ok(mp_bench_parse_result(GOOD "9", strlen(GOOD), &r, NULL) == 0 &&
	   r.max_ns == 123456, "result line: parsed up to n only");

	result_bad("", "missing");
	result_bad("allocator=mempool workload=pair cpus=2 ops=400000 elapsed_ns=987654321 ps_per_op=12345 kops_per_sec=81004 p50_ns=41 p99_ns=250",
		   "missing");
	result_bad(GOOD " cpus=2", "twice");
	result_bad(GOOD " junk", "without '='");
	result_bad("hello world", "without '='");
	result_bad("allocator=mempool workload=pair cpus=2 ops=4e5 elapsed_ns=1 ps_per_op=1 kops_per_sec=1 p50_ns=1 p99_ns=1 max_ns=1",
		   "decimal");
	result_bad("allocator=mempool workload=pair cpus=-2 ops=4 elapsed_ns=1 ps_per_op=1 kops_per_sec=1 p50_ns=1 p99_ns=1 max_ns=1",
		   "decimal");
	result_bad("allocator=mempool workload=pair cpus=4294967296 ops=4 elapsed_ns=1 ps_per_op=1 kops_per_sec=1 p50_ns=1 p99_ns=1 max_ns=1",
		   "decimal");
	result_bad("allocator=mempool workload=pair cpus=1 ops=18446744073709551616 elapsed_ns=1 ps_per_op=1 kops_per_sec=1 p50_ns=1 p99_ns=1 max_ns=1",
		   "decimal");
	result_bad("allocator=mempool workload=pair cpus=1 ops=99999999999999999999999 elapsed_ns=1 ps_per_op=1 kops_per_sec=1 p50_ns=1 p99_ns=1 max_ns=1",
		   "decimal");
	result_bad("allocator=mempool workload=pair cpus= ops=1 elapsed_ns=1 ps_per_op=1 kops_per_sec=1 p50_ns=1 p99_ns=1 max_ns=1",
		   "decimal");
	result_bad("allocator= workload=pair cpus=1 ops=1 elapsed_ns=1 ps_per_op=1 kops_per_sec=1 p50_ns=1 p99_ns=1 max_ns=1",
		   "name");
	result_bad("allocator=mem\"pool workload=pair cpus=1 ops=1 elapsed_ns=1 ps_per_op=1 kops_per_sec=1 p50_ns=1 p99_ns=1 max_ns=1",
		   "name");
	result_bad("allocator=abcdefghijabcdefghijabcdefghijab workload=pair cpus=1 ops=1 elapsed_ns=1 ps_per_op=1 kops_per_sec=1 p50_ns=1 p99_ns=1 max_ns=1",
		   "name");
	result_bad("allocator=mempool\tworkload=pair cpus=1 ops=1 elapsed_ns=1 ps_per_op=1 kops_per_sec=1 p50_ns=1 p99_ns=1 max_ns=1",
		   "name");

	snprintf(buf, sizeof(buf), "%s\n%s\n", GOOD, GOOD);
	ok(mp_bench_count_lines(buf, strlen(buf)) == 2 &&
	   mp_bench_parse_results(buf, strlen(buf), res, 4, &count, &bad,
				  &why) == 0 && count == 2,
	   "results: two lines");
	ok(mp_bench_parse_results("", 0, res, 0, &count, &bad, &why) == 0 &&
	   count == 0, "results: none");
	snprintf(buf, sizeof(buf), "%s\n%s", GOOD, GOOD);
	ok(mp_bench_parse_results(buf, strlen(buf), res, 4, &count, &bad,
				  &why) == -1 && bad == 2 &&
	   strstr(why, "newline"), "results: the last line unterminated");
	snprintf(buf, sizeof(buf), "%s\ngarbage\n", GOOD);
	ok(mp_bench_parse_results(buf, strlen(buf), res, 4, &count, &bad,
				  &why) == -1 && bad == 2,
	   "results: junk on line 2");
	snprintf(buf, sizeof(buf), "%s\n%s\n", GOOD, GOOD);
	ok(mp_bench_parse_results(buf, strlen(buf), res, 1, &count, &bad,
				  &why) == -1 && count == 1,
	   "results: never more than the room given");
}
