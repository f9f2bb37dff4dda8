// SPDX-License-Identifier: GPL-2.0
/*
 * test_cli - host tests of mempoolctl: the pure functions of parse.c, and
 * the device-free behaviour of the ./mempoolctl binary.  Output is TAP.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parse.h"

static int n_pass, n_fail;

static void ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", cond ? "ok" : "not ok", n_pass + n_fail + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (cond)
		n_pass++;
	else
		n_fail++;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* ---- sizes, offsets, names ---- */

static void size_ok(const char *s, uint64_t max, uint64_t want)
{
	uint64_t v = 0xdeadbeef;
	int r = mp_parse_size(s, max, &v);

	ok(r == 0 && v == want, "size '%s' parses to %llu (got r=%d v=%llu)",
	   s, (unsigned long long)want, r, (unsigned long long)v);
}

static void size_bad(const char *s, uint64_t max)
{
	uint64_t v = 12345;
	int r = mp_parse_size(s, max, &v);

	ok(r == -1 && v == 12345, "size '%s' is rejected (max %llu)", s,
	   (unsigned long long)max);
}

static void test_sizes(void)
{
	size_ok("0", UINT32_MAX, 0);
	size_ok("32", UINT32_MAX, 32);
	size_ok("4k", UINT32_MAX, 4096);
	size_ok("4K", UINT32_MAX, 4096);
	size_ok("1m", UINT32_MAX, 1048576);
	size_ok("1M", UINT32_MAX, 1048576);
	size_ok("3g", UINT32_MAX, 3ULL << 30);
	size_ok("3G", UINT32_MAX, 3ULL << 30);
	size_ok("0x10", UINT32_MAX, 16);
	size_ok("0xffffffff", UINT32_MAX, 0xffffffffULL);
	size_ok("4294967295", UINT32_MAX, 4294967295ULL);
	size_ok("4194303k", UINT32_MAX, 4194303ULL * 1024);
	size_ok("18446744073709551615", UINT64_MAX, UINT64_MAX);
	size_ok("16777215G", UINT64_MAX, 16777215ULL << 30);
	size_bad("", UINT32_MAX);
	size_bad("-1", UINT32_MAX);
	size_bad("+1", UINT32_MAX);
	size_bad(" 1", UINT32_MAX);
	size_bad("1 ", UINT32_MAX);
	size_bad("4kb", UINT32_MAX);
	size_bad("4x", UINT32_MAX);
	size_bad("k", UINT32_MAX);
	size_bad("0x", UINT32_MAX);
	size_bad("1.5k", UINT32_MAX);
	size_bad("4294967296", UINT32_MAX);
	size_bad("4194304k", UINT32_MAX);
	size_bad("4g", UINT32_MAX);
	size_bad("18446744073709551616", UINT64_MAX);
	size_bad("99999999999999999999999", UINT64_MAX);
	size_bad("17179869184G", UINT64_MAX);
	size_bad("0x1g", 100);
}

static void test_offsets(void)
{
	static const struct { const char *s; uint64_t v; } good[] = {
		{ "0", 0 }, { "4096", 4096 }, { "0x1000", 4096 },
		{ "0X1f", 31 }, { "0xFFFFFFFFFFFFFFFF", UINT64_MAX },
	};
	static const char *const bad[] = {
		"", "-1", "4k", "0x", "12a", "0x1g", " 1", "0x10000000000000000",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint64_t v = 1;

		ok(!mp_parse_offset(good[i].s, &v) && v == good[i].v,
		   "offset '%s' parses", good[i].s);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v;

		ok(mp_parse_offset(bad[i], &v) == -1,
		   "offset '%s' is rejected", bad[i]);
	}
}

static void test_names(void)
{
	static const char *const good[] = {
		"rx", "a", "A-Z_a.z-09", "0123456789012345678901234567890",
	};
	static const char *const bad[] = {
		"", "01234567890123456789012345678901", "a b", "a/b", "rx\n",
		"caf\xc3\xa9", "x*", "-\t",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(mp_valid_name(good[i]), "name '%s' (len %zu) is valid",
		   good[i], strlen(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(!mp_valid_name(bad[i]), "name #%zu (len %zu) is invalid",
		   i, strlen(bad[i]));
	ok(!mp_valid_name(NULL), "NULL name is invalid");
}

/* ---- errno -> message ---- */

static void msg_is(enum mp_cmd c, int err, const char *want)
{
	const char *got = mp_strerror(c, err);

	ok(got && !strcmp(got, want), "%s errno %d -> '%s' (got '%s')",
	   mp_cmd_name(c), err, want, got ? got : "(null)");
}

static void test_errors(void)
{
	msg_is(MP_CMD_CREATE, EEXIST, "a pool with that name exists");
	msg_is(MP_CMD_DESTROY, EBUSY, "blocks are still allocated (use --force)");
	msg_is(MP_CMD_STATS, ENOENT, "no such pool");
	msg_is(MP_CMD_DESTROY, ENOENT, "no such pool");
	msg_is(MP_CMD_ALLOC, ENOSPC, "the pool is exhausted");
	msg_is(MP_CMD_ALLOC, ETIMEDOUT, "no block became free within the timeout");
	msg_is(MP_CMD_CREATE, EDQUOT, "the module's max_bytes limit would be exceeded");
	msg_is(MP_CMD_CREATE, EOVERFLOW, "block size times block count overflows");
	msg_is(MP_CMD_READ, ERANGE, "the offset is outside the pool");
	msg_is(MP_CMD_WRITE, ENXIO, "the block is not allocated");
	msg_is(MP_CMD_READ, EINVAL,
	       "the offset is not the start of a block, or the range passes the block's end");
	ok(strstr(mp_strerror(MP_CMD_CREATE, EPERM),
		  "permission denied: the device was not opened for writing") != NULL,
	   "EPERM names the read-only open");
	ok(strstr(mp_strerror(MP_CMD_CREATE, ENAMETOOLONG), "too long") != NULL,
	   "ENAMETOOLONG says too long");
	ok(strcmp(mp_strerror(MP_CMD_CREATE, EINVAL),
		  mp_strerror(MP_CMD_WRITE, EINVAL)) != 0 &&
	   strstr(mp_strerror(MP_CMD_CREATE, EINVAL), "alignment"),
	   "EINVAL is mapped per command (create mentions the alignment)");
	ok(strcmp(mp_strerror(MP_CMD_DESTROY, EBUSY),
		  mp_strerror(MP_CMD_CREATE, EBUSY)) != 0,
	   "EBUSY is mapped per command (--force only for destroy)");
	ok(mp_strerror(MP_CMD_LIST, 9999) != NULL, "unknown errno gives a message");
	ok(!strcmp(mp_free_result_str(-ERANGE), "outside the pool"),
	   "free result -ERANGE");
	ok(!strcmp(mp_free_result_str(-EINVAL), "not the start of a block"),
	   "free result -EINVAL");
	ok(strstr(mp_free_result_str(-ENXIO), "not allocated") != NULL,
	   "free result -ENXIO");
}

/* ---- formatting ---- */

static void fill_stats(struct mpool_ioc_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->out_block_size = 32;
	st->out_stride = 40;
	st->out_align = 8;
	st->out_flags = 5;
	st->out_blocks_total = 10;
	st->out_blocks_free = 7;
	st->out_blocks_in_use = 3;
	st->out_high_watermark = 4;
	st->out_allocs = 11;
	st->out_alloc_failures = 12;
	st->out_frees = 13;
	st->out_invalid_frees = 14;
	st->out_waits = 15;
	st->out_timeouts = 16;
	st->out_poison_errors = 17;
	st->out_bytes_reserved = 18446744073709551615ULL;
}

static void test_format(void)
{
	struct mpool_ioc_stats st;
	char buf[2048], small[64];
	int n;
	static const char text[] =
		"block_size: 32\nstride: 40\nalign: 8\nflags: 5\n"
		"blocks_total: 10\nblocks_free: 7\nblocks_in_use: 3\n"
		"high_watermark: 4\nallocs: 11\nalloc_failures: 12\n"
		"frees: 13\ninvalid_frees: 14\nwaits: 15\ntimeouts: 16\n"
		"poison_errors: 17\nbytes_reserved: 18446744073709551615\n";
	static const char json[] =
		"{\"block_size\": 32, \"stride\": 40, \"align\": 8, "
		"\"flags\": 5, \"blocks_total\": 10, \"blocks_free\": 7, "
		"\"blocks_in_use\": 3, \"high_watermark\": 4, \"allocs\": 11, "
		"\"alloc_failures\": 12, \"frees\": 13, \"invalid_frees\": 14, "
		"\"waits\": 15, \"timeouts\": 16, \"poison_errors\": 17, "
		"\"bytes_reserved\": 18446744073709551615}\n";

	fill_stats(&st);
	n = mp_format_stats_text(&st, buf, sizeof(buf));
	ok(n == (int)strlen(text) && !strcmp(buf, text),
	   "stats text matches the debugfs format");
	if (strcmp(buf, text))
		printf("# got:\n%s", buf);
	n = mp_format_stats_json(&st, buf, sizeof(buf));
	ok(n == (int)strlen(json) && !strcmp(buf, json), "stats JSON");
	if (strcmp(buf, json))
		printf("# got: %s", buf);
	ok(mp_format_stats_text(&st, small, sizeof(small)) == -1,
	   "stats text reports a short buffer");
	ok(mp_format_stats_json(&st, small, sizeof(small)) == -1,
	   "stats JSON reports a short buffer");

	n = mp_format_list_header(buf, sizeof(buf));
	ok(n > 0 && !strncmp(buf, "NAME ", 5) && strstr(buf, "BLOCK_SIZE") &&
	   strstr(buf, "TOTAL") && strstr(buf, "IN_USE") &&
	   strstr(buf, "FREE") && strstr(buf, "HIGH_WATERMARK") &&
	   buf[n - 1] == '\n', "list header names the columns");
	n = mp_format_list_line("rx", &st, buf, sizeof(buf));
	{
		char name[32];
		unsigned long long v[5];
		int k = sscanf(buf, "%31s %llu %llu %llu %llu %llu", name,
			       &v[0], &v[1], &v[2], &v[3], &v[4]);

		ok(n > 0 && k == 6 && !strcmp(name, "rx") && v[0] == 32 &&
		   v[1] == 10 && v[2] == 3 && v[3] == 7 && v[4] == 4,
		   "list line: name block_size total in_use free high_watermark");
	}
	n = mp_format_list_json("rx", &st, buf, sizeof(buf));
	ok(n > 0 && !strcmp(buf,
	   "{\"name\": \"rx\", \"block_size\": 32, \"blocks_total\": 10, "
	   "\"blocks_in_use\": 3, \"blocks_free\": 7, \"high_watermark\": 4}"),
	   "list JSON object");
}

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
static void fill_result(struct mpool_ioc_bench_result *r, unsigned int a,
			unsigned int w, unsigned int cpus, unsigned long long ps,
			unsigned long long kops)
{
	memset(r, 0, sizeof(*r));
	r->allocator = a;
	r->workload = w;
	r->cpus = cpus;
	r->ops = 200000;
	r->elapsed_ns = 987654321;
	r->ps_per_op = ps;
	r->kops_per_sec = kops;
	r->p50_ns = 41;
	r->p99_ns = 250;
	r->max_ns = 123456;
}

static void test_bench(void)
{
	static const char *const allocs[] = {
		"mempool", "mempool-nocache", "naive", "kmem_cache", "kmalloc",
		"mempool_t", "gen_pool", "objpool",
	};
	static const char *const works[] = { "pair", "burst", "cross" };
	struct mpool_ioc_bench_result res[3];
	char buf[4096], small[40];
	unsigned int i;
	int n, all;

	/* The names are the enum's: bit i is allocs[i]. */
	all = MPOOL_BENCH_NR_ALLOCATORS == 8;
	for (i = 0; i < 8; i++) {
		const char *got = mp_bench_name(MP_BENCH_ALLOCATOR, i);

		all &= got && !strcmp(got, allocs[i]);
	}
	ok(all && !mp_bench_name(MP_BENCH_ALLOCATOR, 8),
	   "allocator names follow enum mpool_bench_allocator");
	all = MPOOL_BENCH_NR_WORKLOADS == 3;
	for (i = 0; i < 3; i++) {
		const char *got = mp_bench_name(MP_BENCH_WORKLOAD, i);

		all &= got && !strcmp(got, works[i]);
	}
	ok(all && !mp_bench_name(MP_BENCH_WORKLOAD, 3),
	   "workload names follow enum mpool_bench_workload");
	ok(MPOOL_BENCH_OBJPOOL == 7 && MPOOL_BENCH_GEN_POOL == 6 &&
	   MPOOL_BENCH_MEMPOOL_NOCACHE == 1 && MPOOL_BENCH_CROSS == 2,
	   "bench enum values as the ABI fixes them");

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

	n = mp_format_bench_unavailable(1u << MPOOL_BENCH_OBJPOOL, buf,
					sizeof(buf));
	ok(n > 0 && !strcmp(buf, "allocator objpool is not available in this kernel"),
	   "EOPNOTSUPP names the one allocator ('%s')", buf);
	n = mp_format_bench_unavailable((1u << MPOOL_BENCH_GEN_POOL) |
					(1u << MPOOL_BENCH_OBJPOOL), buf,
					sizeof(buf));
	ok(n > 0 && !strcmp(buf, "allocators gen_pool, objpool are not available in this kernel"),
	   "EOPNOTSUPP names two allocators ('%s')", buf);
	ok(mp_format_bench_unavailable(0x80, small, 10) == -1,
	   "EOPNOTSUPP message reports a short buffer");
	ok(strstr(mp_strerror(MP_CMD_BENCH, EPERM), "needs CAP_SYS_ADMIN") &&
	   !strstr(mp_strerror(MP_CMD_CREATE, EPERM), "CAP_SYS_ADMIN"),
	   "bench EPERM: needs CAP_SYS_ADMIN");
	ok(strstr(mp_strerror(MP_CMD_BENCH, EINVAL), "--cpus") &&
	   strstr(mp_strerror(MP_CMD_BENCH, EINVAL), "--ops") &&
	   strstr(mp_strerror(MP_CMD_BENCH, EINVAL), "--block-size"),
	   "bench EINVAL names --cpus, --block-size, --ops");
	ok(strstr(mp_strerror(MP_CMD_BENCH, EOPNOTSUPP), "not available in this kernel") != NULL,
	   "bench EOPNOTSUPP without names");
	ok(strcmp(mp_strerror(MP_CMD_BENCH, ENOSPC),
		  mp_strerror(MP_CMD_ALLOC, ENOSPC)) != 0,
	   "bench ENOSPC is not 'the pool is exhausted'");
	ok(strstr(mp_strerror(MP_CMD_BENCH, EEXIST), "'mempool-bench' exists") != NULL,
	   "bench EEXIST names the pool the benchmark needs");

	fill_result(&res[0], MPOOL_BENCH_MEMPOOL, MPOOL_BENCH_PAIR, 1, 12345,
		    81004);
	fill_result(&res[1], MPOOL_BENCH_OBJPOOL, MPOOL_BENCH_CROSS, 2, 12350,
		    1234567);
	fill_result(&res[2], MPOOL_BENCH_MEMPOOL_NOCACHE, MPOOL_BENCH_BURST,
		    16, 999, 5);
	n = mp_format_bench_text(res, 3, buf, sizeof(buf));
	{
		static const char want[] =
			"ALLOCATOR        WORKLOAD CPUS      NS/OP     MOPS/S   P50_NS   P99_NS     MAX_NS\n"
			"mempool          pair        1       12.3      81.00       41      250     123456\n"
			"objpool          cross       2       12.4    1234.57       41      250     123456\n"
			"mempool-nocache  burst      16        1.0       0.01       41      250     123456\n";

		ok(n == (int)strlen(want) && !strcmp(buf, want),
		   "bench table: header, ns/op to 0.1, Mops/s to 0.01");
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
			"{\"allocator\": \"mempool\", \"workload\": \"pair\", \"cpus\": 1, \"ops\": 200000, \"ns_per_op\": 12.345, \"mops\": 81.004, \"p50_ns\": 41, \"p99_ns\": 250, \"max_ns\": 123456, \"elapsed_ns\": 987654321},\n"
			"{\"allocator\": \"objpool\", \"workload\": \"cross\", \"cpus\": 2, \"ops\": 200000, \"ns_per_op\": 12.350, \"mops\": 1234.567, \"p50_ns\": 41, \"p99_ns\": 250, \"max_ns\": 123456, \"elapsed_ns\": 987654321}\n"
			"]\n";

		ok(n == (int)strlen(want) && !strcmp(buf, want),
		   "bench JSON: keys in order, ns_per_op and mops exact");
		if (strcmp(buf, want))
			printf("# got:\n%s", buf);
	}
	n = mp_format_bench_json(res, 0, buf, sizeof(buf));
	ok(n == 4 && !strcmp(buf, "[\n]\n"), "bench JSON without results");
	ok(mp_format_bench_json(res, 3, small, sizeof(small)) == -1,
	   "bench JSON reports a short buffer");
	fill_result(&res[0], 8, 3, 1, 5, 5);
	n = mp_format_bench_json(res, 1, buf, sizeof(buf));
	ok(n > 0 && strstr(buf, "\"allocator\": \"#8\", \"workload\": \"#3\"") &&
	   strstr(buf, "\"ns_per_op\": 0.005, \"mops\": 0.005"),
	   "bench JSON: ids a newer module added, small values");
	{
		struct mpool_ioc_bench_result big[MPOOL_BENCH_NR_ALLOCATORS *
						  MPOOL_BENCH_NR_WORKLOADS * 2];
		size_t len = MP_BENCH_FMT_MAX(sizeof(big) / sizeof(big[0]));
		char *p = malloc(len);

		for (i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
			fill_result(&big[i], 4294967295u, 4294967295u,
				    4294967295u, UINT64_MAX, UINT64_MAX);
			big[i].ops = big[i].elapsed_ns = big[i].p50_ns =
				big[i].p99_ns = big[i].max_ns = UINT64_MAX;
		}
		ok(p && mp_format_bench_json(big, i, p, len) > 0 &&
		   mp_format_bench_text(big, i, p, len) > 0,
		   "MP_BENCH_FMT_MAX holds %u results of the longest numbers", i);
		free(p);
	}
}

/* ---- argument parsing ---- */

static int parse(struct mp_args *a, char *err, size_t errlen, ...)
{
	char *argv[32];
	int argc = 0, r;
	va_list ap;

	argv[argc++] = "mempoolctl";
	va_start(ap, errlen);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	r = mp_parse_args(argc, argv, a, err, errlen);
	return r;
}

#define P(a, ...) parse(a, err, sizeof(err), __VA_ARGS__, (char *)NULL)

static void usage_case(const char *what, int r, const char *err,
		       const char *needle)
{
	ok(r == MP_PARSE_USAGE && strstr(err, needle),
	   "usage error: %s ('%s')", what, err);
}

static void test_args(void)
{
	struct mp_args a;
	char err[256];
	int r;

	r = P(&a, "create", "rx", "--block-size", "4k", "--blocks", "16");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_CREATE &&
	   !strcmp(a.name, "rx") && a.block_size == 4096 &&
	   a.nr_blocks == 16 && a.align == 0 && a.create_flags == 0,
	   "create with options after NAME");
	mp_args_free(&a);

	r = P(&a, "create", "--zero", "--align=64", "--blocks=1k",
	      "--block-size", "0x20", "--poison", "pool.1", "--track");
	ok(r == MP_PARSE_OK && !strcmp(a.name, "pool.1") &&
	   a.block_size == 32 && a.nr_blocks == 1024 && a.align == 64 &&
	   a.create_flags == (MPOOL_CREATE_ZERO | MPOOL_CREATE_POISON |
			      MPOOL_CREATE_TRACK),
	   "create with options before NAME, --opt=value, flags");
	mp_args_free(&a);

#ifdef MPOOL_CREATE_PERCPU
	r = P(&a, "create", "rx", "--block-size", "8", "--blocks", "2",
	      "--percpu");
	ok(r == MP_PARSE_OK && a.create_flags == MPOOL_CREATE_PERCPU,
	   "create --percpu");
	mp_args_free(&a);
#endif
	r = P(&a, "create", "rx", "--block-size", "4k");
	usage_case("create without --blocks", r, err, "missing --blocks");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "4");
	usage_case("create without --block-size", r, err, "missing --block-size");
	mp_args_free(&a);
	r = P(&a, "create", "--blocks", "4", "--block-size", "8");
	usage_case("create without NAME", r, err, "missing NAME");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "4", "--block-size", "4kb");
	usage_case("create with junk size", r, err, "invalid value '4kb'");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "-4", "--block-size", "8");
	usage_case("create with negative count", r, err, "'-4'");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "4g", "--block-size", "8");
	usage_case("create with count overflowing u32", r, err, "'4g'");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "0", "--block-size", "8");
	usage_case("create with zero blocks", r, err, "at least 1");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "1", "--block-size", "8",
	      "--json");
	usage_case("create --json", r, err, "unknown option '--json'");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks");
	usage_case("option without value", r, err, "needs a value");
	mp_args_free(&a);
	r = P(&a, "create", "bad name", "--blocks", "1", "--block-size", "8");
	usage_case("invalid name characters", r, err, "invalid pool name");
	mp_args_free(&a);
	r = P(&a, "create", "01234567890123456789012345678901", "--blocks",
	      "1", "--block-size", "8");
	usage_case("32-character name", r, err, "longer than 31");
	mp_args_free(&a);
	r = P(&a, "create", "a", "b", "--blocks", "1", "--block-size", "8");
	usage_case("extra argument", r, err, "unexpected argument 'b'");
	mp_args_free(&a);

	r = P(&a, "destroy", "--force", "rx");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_DESTROY && a.force &&
	   !strcmp(a.name, "rx"), "destroy --force NAME");
	mp_args_free(&a);
	r = P(&a, "destroy", "rx");
	ok(r == MP_PARSE_OK && !a.force, "destroy NAME");
	mp_args_free(&a);

	r = P(&a, "list", "--json");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_LIST && a.json, "list --json");
	mp_args_free(&a);
	r = P(&a, "list", "rx");
	usage_case("list with an argument", r, err, "unexpected argument");
	mp_args_free(&a);
	r = P(&a, "stats", "rx", "--json");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_STATS && a.json &&
	   !strcmp(a.name, "rx"), "stats NAME --json");
	mp_args_free(&a);
	r = P(&a, "stats");
	usage_case("stats without NAME", r, err, "missing NAME");
	mp_args_free(&a);

	r = P(&a, "alloc", "rx");
	ok(r == MP_PARSE_OK && a.count == 1 && !a.have_timeout,
	   "alloc defaults to one block, no wait");
	mp_args_free(&a);
	r = P(&a, "alloc", "--timeout", "100", "rx", "--count", "1k");
	ok(r == MP_PARSE_OK && a.count == 1024 && a.have_timeout &&
	   a.timeout_ms == 100, "alloc --count 1k --timeout 100");
	mp_args_free(&a);
	r = P(&a, "alloc", "rx", "--count", "1025");
	usage_case("alloc --count above the batch limit", r, err, "--count");
	mp_args_free(&a);
	r = P(&a, "alloc", "rx", "--count", "0");
	usage_case("alloc --count 0", r, err, "--count");
	mp_args_free(&a);
	r = P(&a, "alloc", "rx", "--timeout", "0");
	usage_case("alloc --timeout 0", r, err, "--timeout");
	mp_args_free(&a);

	r = P(&a, "free", "rx", "0", "0x28", "4096");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_FREE && a.nr_offsets == 3 &&
	   a.offsets[0] == 0 && a.offsets[1] == 40 && a.offsets[2] == 4096 &&
	   !strcmp(a.offset_strs[1], "0x28"), "free NAME OFFSET...");
	mp_args_free(&a);
	r = P(&a, "free", "rx");
	usage_case("free without OFFSET", r, err, "missing OFFSET");
	mp_args_free(&a);
	r = P(&a, "free", "rx", "12", "4k");
	usage_case("free with a suffixed offset", r, err, "invalid offset '4k'");
	mp_args_free(&a);

	r = P(&a, "write", "rx", "0x40", "hello", "--pos", "3");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_WRITE && a.offset == 64 &&
	   !strcmp(a.data, "hello") && a.data_len == 5 && a.pos == 3,
	   "write NAME OFFSET DATA --pos");
	mp_args_free(&a);
	r = P(&a, "write", "rx", "0", "--", "--data-");
	ok(r == MP_PARSE_OK && !strcmp(a.data, "--data-") && a.data_len == 7,
	   "write: DATA after -- may begin with -");
	mp_args_free(&a);
	r = P(&a, "write", "rx", "0", "");
	usage_case("write with empty DATA", r, err, "empty");
	mp_args_free(&a);
	r = P(&a, "write", "rx", "0");
	usage_case("write without DATA", r, err, "missing DATA");
	mp_args_free(&a);
	r = P(&a, "read", "rx", "40");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_READ && a.offset == 40 &&
	   !a.have_length && a.pos == 0, "read NAME OFFSET");
	mp_args_free(&a);
	r = P(&a, "read", "--length", "5", "--pos=2", "rx", "40");
	ok(r == MP_PARSE_OK && a.have_length && a.length == 5 && a.pos == 2,
	   "read --length --pos");
	mp_args_free(&a);
	r = P(&a, "read", "rx", "40", "--count", "1");
	usage_case("read --count", r, err, "unknown option '--count'");
	mp_args_free(&a);
	r = P(&a, "reset", "rx");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_RESET, "reset NAME");
	mp_args_free(&a);
	r = P(&a, "version");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_VERSION, "version");
	mp_args_free(&a);

	r = P(&a, "bench");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_BENCH && !a.bench_allocators &&
	   !a.bench_workloads && !a.cpus && !a.block_size && !a.ops &&
	   !a.rounds && !a.json && !a.name,
	   "bench: every parameter left to the kernel");
	mp_args_free(&a);
	r = P(&a, "bench", "--allocator", "mempool,objpool", "--workload=cross",
	      "--cpus", "2", "--block-size", "4k", "--ops", "1m", "--rounds",
	      "5", "--json");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_BENCH &&
	   a.bench_allocators == 0x81 && a.bench_workloads == 0x4 &&
	   a.cpus == 2 && a.block_size == 4096 && a.ops == 1048576 &&
	   a.rounds == 5 && a.json, "bench with every option");
	mp_args_free(&a);
	r = P(&a, "bench", "--allocator", "naive", "--workload", "pair",
	      "--allocator", "kmalloc,naive", "--workload", "burst");
	ok(r == MP_PARSE_OK && a.bench_allocators == 0x14 &&
	   a.bench_workloads == 0x3, "bench: repeated lists add up");
	mp_args_free(&a);
	r = P(&a, "bench", "--cpus", "99", "--ops", "10", "--block-size", "4");
	ok(r == MP_PARSE_OK && a.cpus == 99 && a.ops == 10 &&
	   a.block_size == 4, "bench: ranges are the kernel's to check");
	mp_args_free(&a);
	r = P(&a, "bench", "--allocator", "slab");
	usage_case("bench unknown allocator", r, err,
		   "bench: unknown allocator 'slab' (known: mempool, mempool-nocache,");
	mp_args_free(&a);
	r = P(&a, "bench", "--allocator", "naive,slub");
	usage_case("bench unknown allocator in a list", r, err,
		   "unknown allocator 'slub'");
	mp_args_free(&a);
	r = P(&a, "bench", "--workload", "mempool");
	usage_case("bench allocator name as workload", r, err,
		   "unknown workload 'mempool' (known: pair, burst, cross)");
	mp_args_free(&a);
	r = P(&a, "bench", "--allocator=");
	usage_case("bench empty allocator list", r, err, "empty allocator name");
	mp_args_free(&a);
	r = P(&a, "bench", "--workload", "pair,");
	usage_case("bench trailing comma", r, err, "empty workload name in 'pair,'");
	mp_args_free(&a);
	r = P(&a, "bench", "--allocator");
	usage_case("bench --allocator without value", r, err, "needs a value");
	mp_args_free(&a);
	r = P(&a, "bench", "--cpus", "two");
	usage_case("bench --cpus not a number", r, err, "invalid value 'two' for --cpus");
	mp_args_free(&a);
	r = P(&a, "bench", "--ops", "-5");
	usage_case("bench --ops negative", r, err, "invalid value '-5' for --ops");
	mp_args_free(&a);
	r = P(&a, "bench", "mempool");
	usage_case("bench with a positional argument", r, err,
		   "unexpected argument 'mempool'");
	mp_args_free(&a);
	r = P(&a, "bench", "--blocks", "4");
	usage_case("bench --blocks", r, err, "bench: unknown option '--blocks'");
	mp_args_free(&a);
	r = P(&a, "list", "--ops", "4");
	usage_case("list --ops", r, err, "list: unknown option '--ops'");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "4", "--cpus", "1");
	usage_case("create --cpus", r, err, "create: unknown option '--cpus'");
	mp_args_free(&a);
	r = P(&a, "help", "bench");
	ok(r == MP_PARSE_HELP && a.help_cmd == MP_CMD_BENCH &&
	   strstr(mp_usage(MP_CMD_BENCH), "--allocator LIST") &&
	   strstr(mp_usage(MP_CMD_NONE), "  bench [--allocator LIST]"),
	   "help bench; bench in the top-level usage");
	mp_args_free(&a);

	r = P(&a, "--help");
	ok(r == MP_PARSE_HELP && a.help_cmd == MP_CMD_NONE, "--help");
	mp_args_free(&a);
	r = P(&a, "-h");
	ok(r == MP_PARSE_HELP && a.help_cmd == MP_CMD_NONE, "-h");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "x", "-h");
	ok(r == MP_PARSE_HELP && a.help_cmd == MP_CMD_CREATE,
	   "-h after a bad value still prints the usage");
	mp_args_free(&a);
	r = P(&a, "write", "rx", "0", "--", "-h");
	ok(r == MP_PARSE_OK && !strcmp(a.data, "-h"),
	   "-h after -- is DATA, not a help request");
	mp_args_free(&a);
	r = P(&a, "create", "-h", "--blocks", "x");
	ok(r == MP_PARSE_HELP && a.help_cmd == MP_CMD_CREATE,
	   "create -h wins over later errors");
	mp_args_free(&a);
	r = P(&a, "free", "--help");
	ok(r == MP_PARSE_HELP && a.help_cmd == MP_CMD_FREE, "free --help");
	mp_args_free(&a);
	r = P(&a, "help", "stats");
	ok(r == MP_PARSE_HELP && a.help_cmd == MP_CMD_STATS, "help stats");
	mp_args_free(&a);
	r = P(&a, "bogus");
	usage_case("unknown command", r, err, "unknown command 'bogus'");
	mp_args_free(&a);
	r = P(&a, "--bogus");
	usage_case("unknown top-level option", r, err, "unknown option");
	mp_args_free(&a);
	{
		char *argv[] = { "mempoolctl", NULL };

		r = mp_parse_args(1, argv, &a, err, sizeof(err));
		usage_case("no command", r, err, "no command");
		mp_args_free(&a);
	}
	{
		int c, all = 1;

		for (c = MP_CMD_NONE; c < MP_CMD_COUNT; c++)
			if (!mp_usage((enum mp_cmd)c) ||
			    strncmp(mp_usage((enum mp_cmd)c), "Usage: ", 7))
				all = 0;
		ok(all, "every command has a usage text");
	}
}

/* ---- the binary ---- */

static char out_path[] = "/tmp/test_cli_outXXXXXX";
static char err_path[] = "/tmp/test_cli_errXXXXXX";

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* Run ./mempoolctl with @args (a shell word list); return the exit code. */
static int run(const char *args, char **out, char **err)
{
	static char o[8192], e[8192];
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd), "./mempoolctl %s >%s 2>%s </dev/null",
		 args, out_path, err_path);
	st = system(cmd);
	snprintf(o, sizeof(o), "%s", slurp(out_path));
	snprintf(e, sizeof(e), "%s", slurp(err_path));
	*out = o;
	*err = e;
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}


static void test_binary(void)
{
	static const char *const cmds[] = {
		"create", "destroy", "list", "stats", "alloc", "free",
		"write", "read", "reset", "bench", "version",
	};
	struct stat sb;
	char *o, *e, args[128];
	size_t i;
	int r, fd;

	fd = mkstemp(out_path);
	if (fd >= 0)
		close(fd);
	fd = mkstemp(err_path);
	if (fd >= 0)
		close(fd);

	if (access("./mempoolctl", X_OK)) {
		ok(0, "./mempoolctl exists (build it first)");
		return;
	}
	r = run("--help", &o, &e);
	ok(r == 0 && !strncmp(o, "Usage: mempoolctl", 17) && !*e,
	   "mempoolctl --help exits 0, usage on stdout");
	r = run("-h", &o, &e);
	ok(r == 0 && strstr(o, "Usage:"), "mempoolctl -h exits 0");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(args, sizeof(args), "%s --help", cmds[i]);
		r = run(args, &o, &e);
		ok(r == 0 && !strncmp(o, "Usage: mempoolctl ", 18) &&
		   !strncmp(o + 18, cmds[i], strlen(cmds[i])),
		   "mempoolctl %s exits 0 with its usage", args);
	}
	r = run("stats -h", &o, &e);
	ok(r == 0 && strstr(o, "Usage: mempoolctl stats"), "stats -h");
	r = run("help alloc", &o, &e);
	ok(r == 0 && strstr(o, "Usage: mempoolctl alloc"), "help alloc");

	r = run("", &o, &e);
	ok(r == 2 && strstr(e, "no command") && strstr(e, "--help"),
	   "no command: exit 2 with a hint to --help");
	r = run("frobnicate", &o, &e);
	ok(r == 2 && count_lines(e) == 2 &&
	   strstr(e, "mempoolctl: unknown command 'frobnicate'") &&
	   strstr(e, "--help") && !*o,
	   "unknown command: exit 2, message and hint on stderr");
	r = run("create rx --blocks 4", &o, &e);
	ok(r == 2 && strstr(e, "missing --block-size") &&
	   strstr(e, "mempoolctl create --help"),
	   "create without --block-size: exit 2");
	r = run("create rx --blocks 4 --block-size 1x", &o, &e);
	ok(r == 2 && strstr(e, "'1x'"), "malformed size: exit 2");
	r = run("stats 'a b'", &o, &e);
	ok(r == 2 && strstr(e, "invalid pool name"), "bad name: exit 2");
	r = run("free rx zz", &o, &e);
	ok(r == 2 && strstr(e, "invalid offset 'zz'"), "bad offset: exit 2");
	r = run("bench --allocator mempool,slab", &o, &e);
	ok(r == 2 && strstr(e, "mempoolctl: bench: unknown allocator 'slab'") &&
	   strstr(e, "mempoolctl bench --help") && !*o,
	   "bench with an unknown allocator: exit 2");
	r = run("list --frob", &o, &e);
	ok(r == 2 && strstr(e, "unknown option '--frob'"),
	   "unknown option: exit 2");

	if (stat("/dev/mempool", &sb) == 0) {
		printf("ok %d - # SKIP /dev/mempool exists on this host\n",
		       n_pass + n_fail + 1);
		n_pass++;
	} else {
		static const char *const valid[] = {
			"list", "stats rx", "create rx --block-size 32 --blocks 10",
			"alloc rx", "free rx 0", "read rx 0", "version",
			"bench --ops 1000 --json",
		};

		for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
			r = run(valid[i], &o, &e);
			ok(r == 1 && strstr(e,
			   "mempoolctl: /dev/mempool not found: the mempool module is not loaded (load it with: insmod mempool.ko, or modprobe mempool)"),
			   "'%s' without the device: exit 1, module not loaded",
			   valid[i]);
		}
	}
	unlink(out_path);
	unlink(err_path);
}

/* Feed mempoolctl's JSON to tools/bench_report.py, its consumer. */
static void test_bench_report(void)
{
	struct mpool_ioc_bench_result res[4];
	char buf[4096], path[] = "/tmp/test_cli_benchXXXXXX", cmd[256];
	char opath[] = "/tmp/test_cli_reportXXXXXX";
	FILE *f;
	int fd, n, st;

	if (system("python3 -c 'import json' >/dev/null 2>&1") != 0 ||
	    access("bench_report.py", R_OK)) {
		printf("ok %d - # SKIP python3 or bench_report.py missing\n",
		       n_pass + n_fail + 1);
		n_pass++;
		return;
	}
	fill_result(&res[0], MPOOL_BENCH_MEMPOOL, MPOOL_BENCH_PAIR, 1, 20000,
		    50000);
	fill_result(&res[1], MPOOL_BENCH_KMEM_CACHE, MPOOL_BENCH_PAIR, 1,
		    50000, 20000);
	fill_result(&res[2], MPOOL_BENCH_NAIVE, MPOOL_BENCH_PAIR, 1, 40000,
		    25000);
	fill_result(&res[3], MPOOL_BENCH_MEMPOOL, MPOOL_BENCH_PAIR, 2, 21000,
		    95000);
	n = mp_format_bench_json(res, 4, buf, sizeof(buf));
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f) {
		/* bench_report.py skips console lines before the array. */
		fprintf(f, "MPTEST-BENCH-BEGIN\n%s", n > 0 ? buf : "");
		fclose(f);
	}
	fd = mkstemp(opath);
	if (fd >= 0)
		close(fd);
	snprintf(cmd, sizeof(cmd), "python3 bench_report.py %s >%s 2>&1", path,
		 opath);
	st = system(cmd);
	{
		char *o = slurp(opath);

		ok(f && st == 0 &&
		   strstr(o, "| mempool | pair | 1 | 20.0 | 50.00 | 41 | 250 | 123456 |") &&
		   strstr(o, "| kmem_cache | pair | 1 | 50.0 | 20.00 |") &&
		   strstr(o, "mempool / kmem_cache (target <= 0.5): 0.40") &&
		   strstr(o, "mempool / naive (target <= 0.8): 0.50") &&
		   strstr(o, "pair throughput at 2 CPUs / at 1 CPU (target >= 1.7): 1.90"),
		   "bench_report.py reads the bench JSON (table and ratios)");
		if (st != 0)
			printf("# %s", o);
	}
	unlink(path);
	unlink(opath);
}

int main(void)
{
	test_sizes();
	test_offsets();
	test_names();
	test_errors();
	test_format();
	test_bench();
	test_args();
	test_binary();
	test_bench_report();
	printf("1..%d\n", n_pass + n_fail);
	printf("# %d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
