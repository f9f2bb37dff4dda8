// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - the pure part of `mempoolctl bench` (see bench.h).
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "format.h"

/* The one list of the allocators, in the order the kernel lists them. */
static const char *const allocator_names[MP_BENCH_NR_ALLOCATORS] = {
	"mempool",		/* this module's pool */
	"mempool-nocache",	/* the same without per-CPU caches */
	"naive",		/* spinlock around a pointer stack */
	"kmem_cache",		/* kmem_cache_alloc() */
	"kmalloc",		/* kmalloc() */
	"mempool_t",		/* mempool_t over a kmem_cache */
	"gen_pool",		/* gen_pool over a vmalloc'd region */
	"objpool",		/* lib/objpool (Linux 6.7 and later) */
	"null",			/* no allocator: the harness's own cost */
	"ideal",		/* per-CPU stack of pointers, nothing else */
	"memset",		/* null plus a memset of the block */
	"mempool-poison",	/* mempool with --poison */
	"mempool-zero",		/* mempool with --zero */
	"mempool-track",	/* mempool with --track */
	"mempool-quarantine",	/* mempool with a quarantine of 64 */
};

/* The one list of the workloads, with what each does. */
static const struct {
	const char *name;
	const char *desc;
} workloads[MP_BENCH_NR_WORKLOADS] = {
	{ "pair", "(alloc, free)" },
	{ "burst", "(64 allocs, 64 frees)" },
	{ "cross", "(alloc on one CPU, free on the next)" },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *mp_bench_name(enum mp_bench_kind kind, unsigned int id)
{
	if (kind == MP_BENCH_ALLOCATOR)
		return id < NELEM(allocator_names) ? allocator_names[id] : NULL;
	return id < NELEM(workloads) ? workloads[id].name : NULL;
}

const char *mp_bench_workload_desc(unsigned int id)
{
	return id < NELEM(workloads) ? workloads[id].desc : NULL;
}

int mp_bench_lookup(enum mp_bench_kind kind, const char *s, size_t n)
{
	const char *name;
	unsigned int id;

	for (id = 0; (name = mp_bench_name(kind, id)); id++)
		if (strlen(name) == n && !strncmp(name, s, n))
			return (int)id;
	return -1;
}

int mp_bench_parse_list(enum mp_bench_kind kind, const char *list,
			uint32_t *mask, char *bad, size_t badlen)
{
	const char *p = list, *end;
	uint32_t m = 0;
	size_t n;
	int id;

	if (bad && badlen)
		bad[0] = '\0';
	if (!list)
		return -1;
	for (;;) {
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		id = mp_bench_lookup(kind, p, n);
		if (id < 0) {
			if (bad && badlen)
				snprintf(bad, badlen, "%.*s",
					 n > 1024 ? 1024 : (int)n, p);
			return -1;
		}
		m |= 1u << id;
		if (!end)
			break;
		p = end + 1;
	}
	*mask = m;
	return 0;
}

int mp_bench_names_joined(enum mp_bench_kind kind, const char *sep,
			  char *buf, size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);
	const char *name;
	unsigned int id;

	for (id = 0; (name = mp_bench_name(kind, id)); id++)
		mp_app(&b, "%s%s", id ? sep : "", name);
	return mp_buf_done(&b);
}

/* " key=name1,name2" for the bits of @mask. */
static void app_names(struct mp_buf *b, const char *key,
		      enum mp_bench_kind kind, uint32_t mask)
{
	const char *name, *sep = "";
	unsigned int id;

	if (!mask)
		return;
	mp_app(b, "%s%s=", b->off ? " " : "", key);
	for (id = 0; (name = mp_bench_name(kind, id)); id++) {
		if (!(mask & (1u << id)))
			continue;
		mp_app(b, "%s%s", sep, name);
		sep = ",";
	}
}

static void app_u32(struct mp_buf *b, const char *key, uint32_t v)
{
	if (v)
		mp_app(b, "%s%s=%u", b->off ? " " : "", key, (unsigned int)v);
}

int mp_bench_request(const struct mp_args *a, char *buf, size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);
	uint32_t allocators = a->bench_allocators;

	/* The baselines run with any choice: every figure is net of null's. */
	if (allocators)
		allocators |= MP_BENCH_BASELINES;
	app_names(&b, "allocators", MP_BENCH_ALLOCATOR, allocators);
	app_names(&b, "workloads", MP_BENCH_WORKLOAD, a->bench_workloads);
	app_u32(&b, "cpus", a->cpus);
	app_u32(&b, "block_size", a->block_size);
	app_u32(&b, "ops", a->ops);
	app_u32(&b, "rounds", a->rounds);
	mp_app(&b, "\n");
	return mp_buf_done(&b);
}

static int is_sep(char c)
{
	return c == '\n' || c == ' ' || c == '\t' || c == '\r';
}

uint32_t mp_bench_missing(uint32_t mask, const char *list)
{
	uint32_t have = 0;
	const char *p = list ? list : "";
	size_t n;
	int id;

	while (*p) {
		while (is_sep(*p))
			p++;
		for (n = 0; p[n] && !is_sep(p[n]); n++)
			;
		if (n) {
			id = mp_bench_lookup(MP_BENCH_ALLOCATOR, p, n);
			if (id >= 0)
				have |= 1u << id;
		}
		p += n;
	}
	return mask & ~have;
}

/* ---- result lines ---- */

enum {
	K_ALLOCATOR, K_WORKLOAD, K_CPUS, K_OPS, K_ELAPSED, K_PS, K_KOPS,
	K_P50, K_P99, K_MAX, K_NR,
	K_BLOCK = K_NR,	/* optional: a module before it left it out */
	K_ROUNDS,	/* optional, as the three after it: the spread */
	K_PS_MIN, K_PS_MEDIAN, K_PS_MAX,
	K_ALL
};

static const char *const result_keys[K_ALL] = {
	[K_ALLOCATOR] = "allocator", [K_WORKLOAD] = "workload",
	[K_CPUS] = "cpus", [K_OPS] = "ops", [K_ELAPSED] = "elapsed_ns",
	[K_PS] = "ps_per_op", [K_KOPS] = "kops_per_sec", [K_P50] = "p50_ns",
	[K_P99] = "p99_ns", [K_MAX] = "max_ns", [K_BLOCK] = "block_size",
	[K_ROUNDS] = "rounds", [K_PS_MIN] = "ps_min",
	[K_PS_MEDIAN] = "ps_median", [K_PS_MAX] = "ps_max",
};

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static int parse_name(const char *v, size_t n, char *out)
{
	size_t i;

	if (n == 0 || n >= MP_BENCH_NAME_MAX)
		return -1;
	for (i = 0; i < n; i++)
		if (!name_char(v[i]))
			return -1;
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

static int parse_dec(const char *v, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned int d = (unsigned char)v[i] - '0';

		if (d > 9 || x > (max - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*out = x;
	return 0;
}

int mp_bench_parse_result(const char *line, size_t n,
			  struct mp_bench_result *r, const char **why)
{
	const char *dummy;
	unsigned int seen = 0;
	size_t i = 0;

	if (!why)
		why = &dummy;
	memset(r, 0, sizeof(*r));
	while (i < n) {
		size_t ks, kn, vs, vn;
		uint64_t v;
		int k;

		if (line[i] == ' ') {
			i++;
			continue;
		}
		ks = i;
		while (i < n && line[i] != ' ' && line[i] != '=')
			i++;
		kn = i - ks;
		if (i >= n || line[i] != '=') {
			*why = "a field without '='";
			return -1;
		}
		vs = ++i;
		while (i < n && line[i] != ' ')
			i++;
		vn = i - vs;
		for (k = 0; k < K_ALL; k++)
			if (strlen(result_keys[k]) == kn &&
			    !strncmp(result_keys[k], line + ks, kn))
				break;
		if (k == K_ALL)
			continue;	/* a newer module's field */
		if (seen & (1u << k)) {
			*why = "a field given twice";
			return -1;
		}
		seen |= 1u << k;
		if (k == K_ALLOCATOR || k == K_WORKLOAD) {
			if (parse_name(line + vs, vn, k == K_ALLOCATOR ?
				       r->allocator : r->workload)) {
				*why = "an invalid allocator or workload name";
				return -1;
			}
			continue;
		}
		if (parse_dec(line + vs, vn, k == K_CPUS || k == K_BLOCK ||
			      k == K_ROUNDS ? UINT32_MAX : UINT64_MAX, &v)) {
			*why = "a value that is not a decimal number in range";
			return -1;
		}
		switch (k) {
		case K_CPUS: r->cpus = (uint32_t)v; break;
		case K_OPS: r->ops = v; break;
		case K_ELAPSED: r->elapsed_ns = v; break;
		case K_PS: r->ps_per_op = v; break;
		case K_KOPS: r->kops_per_sec = v; break;
		case K_P50: r->p50_ns = v; break;
		case K_P99: r->p99_ns = v; break;
		case K_BLOCK: r->block_size = (uint32_t)v; break;
		case K_ROUNDS: r->rounds = (uint32_t)v; break;
		case K_PS_MIN: r->ps_min = v; break;
		case K_PS_MEDIAN: r->ps_median = v; break;
		case K_PS_MAX: r->ps_max = v; break;
		default: r->max_ns = v; break;
		}
	}
	if ((seen & ((1u << K_NR) - 1)) != (1u << K_NR) - 1) {
		*why = "a field is missing";
		return -1;
	}
	return 0;
}

/* ---- figures net of the baselines ---- */

const struct mp_bench_result *mp_bench_like(const struct mp_bench_result *res,
					    size_t n, const char *allocator,
					    const struct mp_bench_result *r)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(res[i].allocator, allocator) &&
		    !strcmp(res[i].workload, r->workload) &&
		    res[i].cpus == r->cpus && res[i].block_size == r->block_size)
			return &res[i];
	return NULL;
}

int mp_bench_net_ps(const struct mp_bench_result *res, size_t n,
		    const struct mp_bench_result *r, int64_t *net)
{
	const struct mp_bench_result *null = mp_bench_like(res, n, "null", r);

	if (!null || r->ps_per_op > INT64_MAX || null->ps_per_op > INT64_MAX)
		return -1;
	*net = (int64_t)r->ps_per_op - (int64_t)null->ps_per_op;
	return 0;
}

int mp_bench_ideal_milli(const struct mp_bench_result *res, size_t n,
			 const struct mp_bench_result *r, int64_t *milli)
{
	const struct mp_bench_result *ideal = mp_bench_like(res, n, "ideal", r);
	int64_t net, inet;

	if (!ideal || mp_bench_net_ps(res, n, r, &net) ||
	    mp_bench_net_ps(res, n, ideal, &inet) || inet <= 0 ||
	    net > INT64_MAX / 1000 || net < INT64_MIN / 1000)
		return -1;
	*milli = net * 1000 / inet;
	return 0;
}

/* The result of @allocator run as @r was, but on @cpus CPUs. */
static const struct mp_bench_result *
like_on(const struct mp_bench_result *res, size_t n, const char *allocator,
	const struct mp_bench_result *r, uint32_t cpus)
{
	struct mp_bench_result on = *r;

	on.cpus = cpus;
	return mp_bench_like(res, n, allocator, &on);
}

int mp_bench_scaling_milli(const struct mp_bench_result *res, size_t n,
			   const struct mp_bench_result *r, int64_t *milli)
{
	const struct mp_bench_result *one;

	if (r->cpus < 2)
		return -1;
	one = like_on(res, n, r->allocator, r, 1);
	if (!one || !one->kops_per_sec || r->kops_per_sec > INT64_MAX / 1000)
		return -1;
	*milli = (int64_t)(r->kops_per_sec * 1000 / one->kops_per_sec);
	return 0;
}

int mp_bench_scaling_x_ideal_milli(const struct mp_bench_result *res,
				   size_t n, const struct mp_bench_result *r,
				   int64_t *milli)
{
	const struct mp_bench_result *ideal = mp_bench_like(res, n, "ideal", r);
	const struct mp_bench_result *one, *ideal_one;
	double num, den, x;

	if (!ideal || r->cpus < 2)
		return -1;
	one = like_on(res, n, r->allocator, r, 1);
	ideal_one = like_on(res, n, "ideal", r, 1);
	if (!one || !ideal_one)
		return -1;
	/*
	 * (r / one) / (ideal / ideal_one) from the four throughputs, not
	 * from the two truncated scalings: on a coarse clock a scaling can
	 * be below 1/1000, and ideal's own must still come out as 1.
	 */
	num = (double)r->kops_per_sec * (double)ideal_one->kops_per_sec;
	den = (double)one->kops_per_sec * (double)ideal->kops_per_sec;
	if (!(den > 0))
		return -1;
	x = num * 1000 / den;
	if (!(x < 9e18))
		return -1;
	*milli = (int64_t)x;
	return 0;
}

size_t mp_bench_count_lines(const char *buf, size_t n)
{
	size_t i, lines = 0;

	for (i = 0; i < n; i++)
		lines += buf[i] == '\n';
	return lines;
}

int mp_bench_parse_results(const char *buf, size_t n,
			   struct mp_bench_result *res, size_t max,
			   size_t *count, size_t *bad_line, const char **why)
{
	size_t i = 0, line = 0;

	*count = 0;
	while (i < n) {
		const char *nl = memchr(buf + i, '\n', n - i);

		line++;
		if (!nl) {
			*bad_line = line;
			*why = "the last line has no newline";
			return -1;
		}
		if (*count >= max) {
			*bad_line = line;
			*why = "more results than lines counted";
			return -1;
		}
		if (mp_bench_parse_result(buf + i, (size_t)(nl - (buf + i)),
					  &res[*count], why)) {
			*bad_line = line;
			return -1;
		}
		(*count)++;
		i = (size_t)(nl - buf) + 1;
	}
	return 0;
}
