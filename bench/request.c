// SPDX-License-Identifier: GPL-2.0
/*
 * The run file's request: one line of space-separated key=value pairs
 * (see main.c), parsed into a struct bench_request, and the list of runs
 * it asks for.
 */
#include <linux/bitops.h>
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "bench.h"

enum bench_key {
	BENCH_KEY_ALLOCATORS,
	BENCH_KEY_WORKLOADS,
	BENCH_KEY_CPUS,
	BENCH_KEY_BLOCK_SIZE,
	BENCH_KEY_OPS,
	BENCH_KEY_ROUNDS,
	BENCH_KEY_FIRST,
	BENCH_KEY_ROTATE,
	BENCH_NR_KEYS
};

static const char *const bench_keys[BENCH_NR_KEYS] = {
	[BENCH_KEY_ALLOCATORS] = "allocators",
	[BENCH_KEY_WORKLOADS] = "workloads",
	[BENCH_KEY_CPUS] = "cpus",
	[BENCH_KEY_BLOCK_SIZE] = "block_size",
	[BENCH_KEY_OPS] = "ops",
	[BENCH_KEY_ROUNDS] = "rounds",
	[BENCH_KEY_FIRST] = "first",
	[BENCH_KEY_ROTATE] = "rotate",
};

/**
 * mpool_bench_cases - list the runs a request asks for
 * @req: the request
 * @cases: room for BENCH_MAX_CASES runs, or NULL just to count them
 *
 * The order is the one results are reported in: by CPU count (1, then all
 * online CPUs when @req->cpus is 0), then allocator, then workload.  The
 * cross workload needs two CPUs or more and is left out on one.
 *
 * Return: the number of runs.
 */
unsigned int mpool_bench_cases(const struct bench_request *req,
			       struct bench_case *cases)
{
	unsigned int online = num_online_cpus();
	unsigned int cpus[2] = { req->cpus ? req->cpus : 1, online };
	unsigned int c, a, w, n = 0;

	for (c = 0; c < (req->cpus || online == 1 ? 1 : 2); c++)
		for (a = 0; a < BENCH_NR_ALLOCATORS; a++)
			for (w = 0; w < BENCH_NR_WORKLOADS; w++) {
				if (!(req->allocators & BIT(a)) ||
				    !(req->workloads & BIT(w)) ||
				    (w == BENCH_WL_CROSS && cpus[c] < 2))
					continue;
				if (cases)
					cases[n] = (struct bench_case){
						a, w, cpus[c] };
				n++;
			}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(mpool_bench_cases);

/**
 * mpool_bench_round_order - the order in which a round runs the cases
 * @req: the request
 * @cases: its @n runs, from mpool_bench_cases()
 * @n: their number
 * @round: the round, from 0
 * @order: set to the @n indices into @cases, in the order to run them
 *
 * By CPU count as reported (1 CPU first), then by allocator starting at
 * @req->first, or with @req->rotate at the allocator @round places after
 * it in the request's list (wrapping around), so that over the rounds each
 * allocator is measured first as often as any other; then by workload.
 */
void mpool_bench_round_order(const struct bench_request *req,
			     const struct bench_case *cases, unsigned int n,
			     unsigned int round, unsigned int *order)
{
	unsigned int list[BENCH_NR_ALLOCATORS];
	unsigned int a, i, j, g, nr = 0, start = 0, k = 0;

	for (a = 0; a < BENCH_NR_ALLOCATORS; a++) {
		if (!(req->allocators & BIT(a)))
			continue;
		if (a == req->first)
			start = nr;
		list[nr++] = a;
	}
	if (!nr)
		return;
	if (req->rotate)
		start = (start + round) % nr;
	/* The cases of one CPU count are together: i is a group's first. */
	for (g = 0; g < n; g = i) {
		for (i = g; i < n && cases[i].cpus == cases[g].cpus; i++)
			;
		for (a = 0; a < nr; a++)
			for (j = g; j < i; j++)
				if (cases[j].allocator == list[(start + a) % nr])
					order[k++] = j;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mpool_bench_round_order);

/* A comma-separated list of @names into a bit mask; each must be known. */
static int bench_parse_names(char *val, const char *const *names,
			     unsigned int nr, u32 *mask)
{
	char *name;
	int i;

	*mask = 0;
	while ((name = strsep(&val, ","))) {
		i = match_string(names, nr, name);
		if (i < 0)
			return -EINVAL;
		*mask |= BIT(i);
	}
	return 0;
}

/* A decimal number from @min to @max. */
static int bench_parse_uint(const char *val, unsigned int min,
			    unsigned int max, unsigned int *out)
{
	unsigned int n;

	if (kstrtouint(val, 10, &n) || n < min || n > max)
		return -EINVAL;
	*out = n;
	return 0;
}

static int bench_parse_pair(int key, char *val, struct bench_request *req)
{
	unsigned int n = 0;
	int ret;

	switch (key) {
	case BENCH_KEY_ALLOCATORS:
		return bench_parse_names(val, bench_allocator_names,
					 BENCH_NR_ALLOCATORS, &req->allocators);
	case BENCH_KEY_WORKLOADS:
		return bench_parse_names(val, bench_workload_names,
					 BENCH_NR_WORKLOADS, &req->workloads);
	case BENCH_KEY_CPUS:
		return bench_parse_uint(val, 0, num_online_cpus(), &req->cpus);
	case BENCH_KEY_BLOCK_SIZE:
		return bench_parse_uint(val, BENCH_MIN_SIZE, BENCH_MAX_SIZE,
					&req->block_size);
	case BENCH_KEY_OPS:
		return bench_parse_uint(val, BENCH_MIN_OPS, BENCH_MAX_OPS,
					&req->ops);
	case BENCH_KEY_ROUNDS:
		return bench_parse_uint(val, 1, BENCH_MAX_ROUNDS, &req->rounds);
	case BENCH_KEY_FIRST:
		ret = match_string(bench_allocator_names, BENCH_NR_ALLOCATORS,
				   val);
		if (ret < 0)
			return -EINVAL;
		req->first = ret;
		return 0;
	case BENCH_KEY_ROTATE:
		ret = bench_parse_uint(val, 0, 1, &n);
		req->rotate = n;
		return ret;
	default:
		return -EINVAL;
	}
}

/**
 * mpool_bench_parse - parse a request and fill in its defaults
 * @line: one line of space-separated key=value pairs, NUL-terminated,
 *	optionally ending in a newline; cut up in place
 * @available: bit mask of the allocators this kernel has (bench_available(),
 *	a parameter so that a test can take some away)
 * @req: set to the request
 *
 * Keys: allocators and workloads (comma-separated names), cpus, block_size,
 * ops and rounds (decimal numbers), first (an allocator's name), rotate (0
 * or 1).  An omitted key takes its default: every available allocator,
 * every workload, cpus 0 (1 CPU and all online CPUs), block_size
 * BENCH_DEFAULT_SIZE, ops BENCH_DEFAULT_OPS, rounds BENCH_DEFAULT_ROUNDS,
 * first the first allocator of the request in table order, rotate 1.
 *
 * Return: 0; -EINVAL for an unknown or repeated key, a pair without '=',
 * a bad number, an unknown name, a value out of range, a newline before
 * the end, a first allocator the request does not run, or a request that
 * yields no run (cross on one CPU only); -EOPNOTSUPP when the line is
 * otherwise valid but names an allocator not in @available.
 */
int mpool_bench_parse(char *line, u32 available, struct bench_request *req)
{
	unsigned long seen = 0;
	size_t len = strlen(line);
	char *pair, *val;
	int key, ret;

	*req = (struct bench_request){
		.allocators = available,
		.workloads = BENCH_ALL_WORKLOADS,
		.block_size = BENCH_DEFAULT_SIZE,
		.ops = BENCH_DEFAULT_OPS,
		.rounds = BENCH_DEFAULT_ROUNDS,
		.first = BENCH_NR_ALLOCATORS,	/* none given */
		.rotate = true,
	};
	if (len && line[len - 1] == '\n')
		line[len - 1] = '\0';
	/* kstrtouint() would take "ops=1000\n" from the middle of a line. */
	if (strchr(line, '\n'))
		return -EINVAL;
	while ((pair = strsep(&line, " "))) {
		if (!*pair)
			continue;	/* runs of spaces */
		val = strchr(pair, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		key = match_string(bench_keys, BENCH_NR_KEYS, pair);
		if (key < 0 || __test_and_set_bit(key, &seen))
			return -EINVAL;
		ret = bench_parse_pair(key, val, req);
		if (ret)
			return ret;
	}
	if ((req->allocators | (req->first < BENCH_NR_ALLOCATORS ?
				BIT(req->first) : 0)) & ~available)
		return -EOPNOTSUPP;
	if (!mpool_bench_cases(req, NULL))
		return -EINVAL;
	if (req->first == BENCH_NR_ALLOCATORS)
		req->first = __ffs(req->allocators);
	else if (!(req->allocators & BIT(req->first)))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mpool_bench_parse);
