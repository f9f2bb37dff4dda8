/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - the pure part of `mempoolctl bench`: the allocator and
 * workload names, the request line written to
 * /sys/kernel/debug/mempool_bench/run and the result lines read back.
 * No I/O: tested on the host by test_cli.
 *
 * The kernel side is mempool_bench.ko:
 *   allocators  one name per line, those this kernel has
 *   run         write "key=value ...\n" (allocators=, workloads=, cpus=,
 *               block_size=, ops=, rounds=; an omitted key is the
 *               kernel's default), then read one line per result:
 *               "allocator=A workload=W cpus=N ops=N elapsed_ns=N
 *               ps_per_op=N kops_per_sec=N p50_ns=N p99_ns=N max_ns=N
 *               block_size=N rounds=N ps_min=N ps_median=N ps_max=N"
 *               (block_size since the baselines came; the last four, the
 *               spread over rounds, since the rounds rotate)
 */
#ifndef MEMPOOLCTL_BENCH_H
#define MEMPOOLCTL_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* The debugfs directory of mempool_bench.ko. */
#define MP_BENCH_DEBUGFS	"/sys/kernel/debug"
#define MP_BENCH_DIR		MP_BENCH_DEBUGFS "/mempool_bench"

enum mp_bench_kind {
	MP_BENCH_ALLOCATOR,
	MP_BENCH_WORKLOAD,
};

#define MP_BENCH_NR_ALLOCATORS	15
/*
 * The baselines, null and ideal (bits 8 and 9): added to any allocator
 * list the user gives, so that every figure can be given net of null's
 * and mempool's against the ideal's.
 */
#define MP_BENCH_BASELINES	((1u << 8) | (1u << 9))
#define MP_BENCH_NR_WORKLOADS	3

/*
 * The name of allocator or workload @id ("mempool", "pair", ...), in the
 * order the kernel lists them; NULL past the last.  Bit @id of the masks
 * below stands for this name.
 */
const char *mp_bench_name(enum mp_bench_kind kind, unsigned int id);

/* What workload @id does, "(alloc, free)"...; NULL past the last. */
const char *mp_bench_workload_desc(unsigned int id);

/* The index of the name @s[0..n) of @kind, or -1. */
int mp_bench_lookup(enum mp_bench_kind kind, const char *s, size_t n);

/*
 * Parse a comma-separated list of names of @kind into a bit mask.  Returns
 * 0, or -1 if an item is empty or unknown; then @bad (if not NULL) holds
 * that item, truncated to @badlen.
 */
int mp_bench_parse_list(enum mp_bench_kind kind, const char *list,
			uint32_t *mask, char *bad, size_t badlen);

/*
 * The names of @kind joined by @sep ("mempool, mempool-nocache, ...").
 * Returns the length, or -1 if @len is too small.
 */
int mp_bench_names_joined(enum mp_bench_kind kind, const char *sep,
			  char *buf, size_t len);

/*
 * The request line for @a: only the keys the user gave (a zero value
 * means the kernel's default, as the options say), names in table order,
 * ending in '\n'.  Returns the length, or -1 if @len is too small.
 */
#define MP_BENCH_REQ_MAX	512
int mp_bench_request(const struct mp_args *a, char *buf, size_t len);

/*
 * Of the allocators in @mask, those not named in @list (the contents of
 * the allocators file: names separated by newlines or spaces).
 */
uint32_t mp_bench_missing(uint32_t mask, const char *list);

/* One result line of the run file. */
#define MP_BENCH_NAME_MAX	32	/* with the NUL */
struct mp_bench_result {
	char allocator[MP_BENCH_NAME_MAX];
	char workload[MP_BENCH_NAME_MAX];
	uint32_t cpus;
	uint64_t ops;
	uint64_t elapsed_ns;	/* wall time, common start to last end */
	uint64_t ps_per_op;	/* picoseconds per alloc+free pair, per CPU */
	uint64_t kops_per_sec;	/* thousands of pairs/s, all CPUs together */
	uint64_t p50_ns;	/* latency of one sampled alloc or free */
	uint64_t p99_ns;
	uint64_t max_ns;
	uint32_t block_size;	/* 0: a module that did not say */
	/* The spread of ps_per_op over the rounds; all 0: not given. */
	uint32_t rounds;
	uint64_t ps_min;
	uint64_t ps_median;
	uint64_t ps_max;
};

/*
 * Parse one result line (without its '\n'; @n bytes, no NUL needed).
 * Every key but block_size, rounds, ps_min, ps_median and ps_max must
 * appear once, in any order, with a decimal value (cpus, block_size and
 * rounds up to 2^32-1, the others up to 2^64-1); a missing optional one is
 * 0 (an older module); names are 1 to 31 characters
 * from [A-Za-z0-9_.-], and may be ones this mempoolctl does not know (a
 * newer module's).  Unknown keys are ignored.  Returns 0, or -1 with a
 * reason in @why (if not NULL).
 */
int mp_bench_parse_result(const char *line, size_t n,
			  struct mp_bench_result *r, const char **why);

/*
 * Parse the whole output of the run file: @n bytes of lines, each ending
 * in '\n'.  Fills up to @max results in @res and sets *@count.  Returns
 * 0, or -1 with the line number (1-based) in *@bad_line and the reason in
 * *@why.
 */
int mp_bench_parse_results(const char *buf, size_t n,
			   struct mp_bench_result *res, size_t max,
			   size_t *count, size_t *bad_line, const char **why);

/*
 * The result of @allocator in @res[0..n) run as @r was (same workload,
 * CPUs and block size), or NULL.
 */
const struct mp_bench_result *mp_bench_like(const struct mp_bench_result *res,
					    size_t n, const char *allocator,
					    const struct mp_bench_result *r);

/*
 * @r's picoseconds per pair minus those of the null allocator run as @r
 * was: what the allocator costs beyond the harness.  0, or -1 if @res
 * holds no such null result.
 */
int mp_bench_net_ps(const struct mp_bench_result *res, size_t n,
		    const struct mp_bench_result *r, int64_t *net);

/*
 * @r's net picoseconds over the ideal allocator's (run as @r was), in
 * thousandths, truncated.  0, or -1 without null or ideal results or
 * when the ideal's net is not above 0.
 */
int mp_bench_ideal_milli(const struct mp_bench_result *res, size_t n,
			 const struct mp_bench_result *r, int64_t *milli);

/*
 * @r's throughput (kops_per_sec) over that of the same allocator run as
 * @r was but on 1 CPU, in thousandths, truncated: its scaling.  0, or -1
 * when @r ran on 1 CPU or there is no such 1-CPU result.
 */
int mp_bench_scaling_milli(const struct mp_bench_result *res, size_t n,
			   const struct mp_bench_result *r, int64_t *milli);

/*
 * @r's scaling over the ideal allocator's (run as @r was), in thousandths,
 * truncated: how far the host let any allocator scale is taken out.  0, or
 * -1 without the results it needs (or a throughput of 0).  Computed from
 * the four throughputs at once, so ideal's own is 1000 however small its
 * scaling.
 */
int mp_bench_scaling_x_ideal_milli(const struct mp_bench_result *res,
				   size_t n, const struct mp_bench_result *r,
				   int64_t *milli);

/* Lines (results) in @buf[0..n): an upper bound for the above. */
size_t mp_bench_count_lines(const char *buf, size_t n);

#endif /* MEMPOOLCTL_BENCH_H */
