// SPDX-License-Identifier: GPL-2.0
/*
 * format.c - the output formats of mempoolctl (see format.h).
 */
#define _DEFAULT_SOURCE	/* gmtime_r */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "format.h"

void mp_app(struct mp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->off < b->len ? b->buf + b->off : NULL,
		      b->off < b->len ? b->len - b->off : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->off += (size_t)n;
}

int mp_buf_done(const struct mp_buf *b)
{
	return b->off < b->len && b->off <= INT32_MAX ? (int)b->off : -1;
}

/*
 * The lower bound in microseconds of bucket @i of a log2 histogram:
 * bucket 0 is [0, 2), bucket i [2^i, 2^(i + 1)).
 */
static unsigned long long hist_lower(size_t i)
{
	return i ? 1ULL << i : 0;
}

/* A histogram in the debugfs format: "name: v0 v1 ...", one line. */
static void app_hist_text(struct mp_buf *b, const char *name,
			  const __u64 *v, size_t n)
{
	size_t i;

	mp_app(b, "%s:", name);
	for (i = 0; i < n; i++)
		mp_app(b, " %llu", (unsigned long long)v[i]);
	mp_app(b, "\n");
}

int mp_format_stats_text(const struct mpool_ioc_stats *st, char *buf,
			 size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);

#define MPOOL_STAT(f) mp_app(&b, "%s: %llu\n", #f,			\
			     (unsigned long long)st->out_##f)
#define MPOOL_HIST(f, n) app_hist_text(&b, #f, st->out_##f, n)
#include "mpool_stat_list.h"
#undef MPOOL_HIST
#undef MPOOL_STAT
	return mp_buf_done(&b);
}

/* @s as a JSON string, quotes included. */
static void app_json_str(struct mp_buf *b, const char *s)
{
	mp_app(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			mp_app(b, "\\%c", c);
		else if (c < 0x20)
			mp_app(b, "\\u%04x", c);
		else
			mp_app(b, "%c", c);
	}
	mp_app(b, "\"");
}

/* ", \"name\": {\"LOWER\": value, ...}": a histogram by bucket lower bound */
static void app_hist_json(struct mp_buf *b, const char *name,
			  const __u64 *v, size_t n)
{
	size_t i;

	mp_app(b, ", \"%s\": {", name);
	for (i = 0; i < n; i++)
		mp_app(b, "%s\"%llu\": %llu", i ? ", " : "", hist_lower(i),
		       (unsigned long long)v[i]);
	mp_app(b, "}");
}

/* ", \"key\": value" for every statistic, in the stat list's order */
static void app_json_stats(struct mp_buf *b, const struct mpool_ioc_stats *st)
{
#define MPOOL_STAT(f) mp_app(b, ", \"%s\": %llu", #f,			\
			     (unsigned long long)st->out_##f)
#define MPOOL_HIST(f, n) app_hist_json(b, #f, st->out_##f, n)
#include "mpool_stat_list.h"
#undef MPOOL_HIST
#undef MPOOL_STAT
}

/* {"name": ..., then every statistic} */
static void app_json_pool(struct mp_buf *b, const char *name,
			  const struct mpool_ioc_stats *st)
{
	mp_app(b, "{\"name\": ");
	app_json_str(b, name);
	app_json_stats(b, st);
	mp_app(b, "}");
}

int mp_format_stats_json(const char *name, const struct mpool_ioc_stats *st,
			 char *buf, size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);

	app_json_pool(&b, name, st);
	mp_app(&b, "\n");
	return mp_buf_done(&b);
}

#define LIST_FMT "%-31s %10s %10s %10s %10s %14s\n"
#define LIST_NFMT "%-31s %10llu %10llu %10llu %10llu %14llu\n"

int mp_format_list_header(char *buf, size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);

	mp_app(&b, LIST_FMT, "NAME", "BLOCK_SIZE", "TOTAL", "IN_USE", "FREE",
	       "HIGH_WATERMARK");
	return mp_buf_done(&b);
}

int mp_format_list_line(const char *name, const struct mpool_ioc_stats *st,
			char *buf, size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);

	mp_app(&b, LIST_NFMT, name,
	       (unsigned long long)st->out_block_size,
	       (unsigned long long)st->out_blocks_total,
	       (unsigned long long)st->out_blocks_in_use,
	       (unsigned long long)st->out_blocks_free,
	       (unsigned long long)st->out_high_watermark);
	return mp_buf_done(&b);
}

int mp_format_list_json(const char *name, const struct mpool_ioc_stats *st,
			char *buf, size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);

	app_json_pool(&b, name, st);
	return mp_buf_done(&b);
}

/* ---- the Prometheus text format ---- */

struct stat_desc {
	const char *name;
	int counter;
	size_t off;		/* of the __u64 in struct mpool_ioc_stats */
};

/* The statistics of mpool_stat_list.h; returns how many (at most @max). */
static size_t stat_descs(struct stat_desc *d, size_t max)
{
	size_t n = 0;

#define ADD(f, c) do {							\
		if (n < max)						\
			d[n] = (struct stat_desc){ #f, (c),		\
				offsetof(struct mpool_ioc_stats, out_##f) }; \
		n++;							\
	} while (0)
#define MPOOL_STAT(f) ADD(f, 0)
#define MPOOL_COUNTER(f) ADD(f, 1)
/* Histograms are not single samples: hist_descs() has them. */
#define MPOOL_HIST(f, nr)
#include "mpool_stat_list.h"
#undef MPOOL_HIST
#undef MPOOL_COUNTER
#undef MPOOL_STAT
#undef ADD
	return n < max ? n : max;
}

struct hist_desc {
	const char *name;
	size_t off;		/* of the __u64 array in struct mpool_ioc_stats */
	size_t n;		/* its buckets */
};

/* The histograms of mpool_stat_list.h; returns how many (at most @max). */
static size_t hist_descs(struct hist_desc *d, size_t max)
{
	size_t n = 0;

#define MPOOL_STAT(f)
#define MPOOL_HIST(f, nr) do {						\
		if (n < max)						\
			d[n] = (struct hist_desc){ #f,			\
				offsetof(struct mpool_ioc_stats, out_##f), (nr) }; \
		n++;							\
	} while (0)
#include "mpool_stat_list.h"
#undef MPOOL_HIST
#undef MPOOL_STAT
	return n < max ? n : max;
}

static void app_label(struct mp_buf *b, const char *s);

/*
 * A histogram as a Prometheus histogram: cumulative buckets whose le is
 * the upper bound (the last one, open-ended, is only in +Inf) and _count.
 * There is no _sum: the pool counts waits, not their total time.
 */
static void app_prom_hist(struct mp_buf *b, const struct hist_desc *d,
			  const char *const *names,
			  const struct mpool_ioc_stats *st, size_t npools)
{
	size_t i, j;

	mp_app(b, "# HELP mempool_%s %s\n", d->name,
	       !strcmp(d->name, "wait_us_hist") ?
	       "Blocking allocations that slept, by microseconds slept." :
	       "mempool histogram");
	mp_app(b, "# TYPE mempool_%s histogram\n", d->name);
	for (j = 0; j < npools; j++) {
		unsigned long long cum = 0;
		__u64 v;

		for (i = 0; i < d->n; i++) {
			memcpy(&v, (const char *)&st[j] + d->off + i * sizeof(v),
			       sizeof(v));
			cum += v;
			mp_app(b, "mempool_%s_bucket{pool=\"", d->name);
			app_label(b, names[j]);
			if (i + 1 < d->n)
				mp_app(b, "\",le=\"%llu\"} %llu\n",
				       hist_lower(i + 1), cum);
			else
				mp_app(b, "\",le=\"+Inf\"} %llu\n", cum);
		}
		mp_app(b, "mempool_%s_count{pool=\"", d->name);
		app_label(b, names[j]);
		mp_app(b, "\"} %llu\n", cum);
	}
}

/*
 * HELP texts of the statistics known when this was written; a newer one
 * gets "mempool statistic NAME" (mp_prom_help()).
 */
static const struct {
	const char *name, *help;
} stat_help[] = {
	{ "block_size", "Usable bytes per block." },
	{ "stride", "Distance in bytes between two blocks." },
	{ "align", "Alignment of each block in bytes." },
	{ "flags", "MPOOL_CREATE_* flags of the pool: 1 zero, 2 poison, 4 track, 8 percpu, 32 map-write." },
	{ "blocks_total", "Blocks in the pool." },
	{ "blocks_free", "Blocks that can be allocated now." },
	{ "blocks_in_use", "Blocks allocated and not yet freed." },
	{ "high_watermark", "Most blocks in use at once since the last reset." },
	{ "allocs", "Successful allocations." },
	{ "alloc_failures", "Allocations that found the pool empty." },
	{ "frees", "Successful frees." },
	{ "invalid_frees", "Refused frees." },
	{ "waits", "Blocking allocations that slept." },
	{ "timeouts", "Blocking allocations that gave up." },
	{ "poison_errors", "Allocations that found a freed block written." },
	{ "bytes_reserved", "Memory the pool holds in bytes, region plus metadata." },
	{ "drain_ipis", "CPUs interrupted to drain their caches for a sleeping allocation." },
	{ "reclaimed_on_close", "Owned blocks freed when their open file was closed." },
};

const char *mp_prom_help(const char *stat, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(stat_help) / sizeof(stat_help[0]); i++)
		if (!strcmp(stat, stat_help[i].name))
			return stat_help[i].help;
	snprintf(buf, len, "mempool statistic %s", stat);
	return buf;
}

/* A label value: backslash, double quote and newline escaped. */
static void app_label(struct mp_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			mp_app(b, "\\%c", *s);
		else if (*s == '\n')
			mp_app(b, "\\n");
		else
			mp_app(b, "%c", *s);
	}
}

int mp_format_prometheus(const char *const *names,
			 const struct mpool_ioc_stats *st, size_t n, char *buf,
			 size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);
	struct stat_desc d[64];
	size_t nd = stat_descs(d, sizeof(d) / sizeof(d[0])), i, j;
	struct hist_desc h[8];
	size_t nh = hist_descs(h, sizeof(h) / sizeof(h[0]));
	char help[96];

	for (i = 0; i < nd; i++) {
		const char *suffix = d[i].counter ? "_total" : "";

		mp_app(&b, "# HELP mempool_%s%s %s\n", d[i].name, suffix,
		       mp_prom_help(d[i].name, help, sizeof(help)));
		mp_app(&b, "# TYPE mempool_%s%s %s\n", d[i].name, suffix,
		       d[i].counter ? "counter" : "gauge");
		for (j = 0; j < n; j++) {
			uint64_t v;

			memcpy(&v, (const char *)&st[j] + d[i].off, sizeof(v));
			mp_app(&b, "mempool_%s%s{pool=\"", d[i].name, suffix);
			app_label(&b, names[j]);
			mp_app(&b, "\"} %llu\n", (unsigned long long)v);
		}
	}
	for (i = 0; i < nh; i++)
		app_prom_hist(&b, &h[i], names, st, n);
	return mp_buf_done(&b);
}

int mp_format_debug_modes(unsigned int modes, unsigned int quarantine,
			  char *buf, size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);
	const char *sep = "";

	if (modes & MPOOL_DEBUG_POISON) {
		mp_app(&b, "poison");
		sep = " ";
	}
	if (modes & MPOOL_DEBUG_TRACK) {
		mp_app(&b, "%strack", sep);
		sep = " ";
	}
	if (quarantine) {
		mp_app(&b, "%squarantine=%u", sep, quarantine);
		sep = " ";
	}
	mp_app(&b, "%s\n", *sep ? "" : "none");
	return mp_buf_done(&b);
}

int mp_format_watch_event(const struct mpool_watch_event *ev, char *buf,
			  size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);
	time_t sec = (time_t)(ev->time_ns / 1000000000);
	char when[32];
	struct tm tm;

	if (!gmtime_r(&sec, &tm) ||
	    !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(when, sizeof(when), "@%llu",
			 (unsigned long long)sec);
	mp_app(&b, "%s.%06uZ ", when,
	       (unsigned int)(ev->time_ns % 1000000000 / 1000));
	if (ev->type == MPOOL_WATCH_LOW)
		mp_app(&b, "low");
	else if (ev->type == MPOOL_WATCH_RECOVERED)
		mp_app(&b, "recovered");
	else
		mp_app(&b, "event%u", ev->type);
	mp_app(&b, " free=%u below=%u", ev->blocks_free, ev->below);
	if (ev->lost)
		mp_app(&b, " lost=%u", ev->lost);
	mp_app(&b, "\n");
	return mp_buf_done(&b);
}

#define BENCH_FMT "%-18s %-8s %4s %6s %10s %9s %7s %10s %8s %8s %10s %10s %10s %6s %10s\n"
#define BENCH_NFMT "%-18s %-8s %4u %6u %10s %9s %7s %10s %8llu %8llu %10llu %10s %10s %6s %10s\n"

/* @v as an int64_t, the greatest one if it is greater. */
static int64_t clamp_s64(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

/* @v thousandths as "[-]N.D", to @digits (1 to 3) decimals, half away from 0. */
static void fixed(char *out, size_t len, int64_t v, int digits)
{
	uint64_t m = v < 0 ? -(uint64_t)v : (uint64_t)v;
	uint64_t div = digits == 1 ? 100 : digits == 2 ? 10 : 1;
	uint64_t unit = digits == 1 ? 10 : digits == 2 ? 100 : 1000;

	m = m / div + (div > 1 && m % div >= div / 2);
	snprintf(out, len, "%s%llu.%0*llu", v < 0 && m ? "-" : "",
		 (unsigned long long)(m / unit), digits,
		 (unsigned long long)(m % unit));
}

int mp_format_bench_text(const struct mp_bench_result *res, size_t n,
			 char *buf, size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);
	char ns[32], net[32], ideal[32], mops[32];
	char med[32], slow[32], scale[32], xscale[32];
	int64_t v;
	size_t i;

	mp_app(&b, BENCH_FMT, "ALLOCATOR", "WORKLOAD", "CPUS", "BLOCK",
	       "NS/OP", "NET_NS", "X_IDEAL", "MOPS/S", "P50_NS", "P99_NS",
	       "MAX_NS", "MEDIAN_NS", "SLOWEST_NS", "SCALE", "X_IDEAL_SC");
	for (i = 0; i < n; i++) {
		const struct mp_bench_result *r = &res[i];

		/* Rounded (half up) to 0.1 ns and to 0.01 Mops/s. */
		fixed(ns, sizeof(ns), r->ps_per_op > INT64_MAX ? INT64_MAX :
		      (int64_t)r->ps_per_op, 1);
		fixed(mops, sizeof(mops), r->kops_per_sec > INT64_MAX ?
		      INT64_MAX : (int64_t)r->kops_per_sec, 2);
		/* Net of null's, and over ideal's net: "-" without them. */
		if (mp_bench_net_ps(res, n, r, &v))
			strcpy(net, "-");
		else
			fixed(net, sizeof(net), v, 1);
		if (mp_bench_ideal_milli(res, n, r, &v))
			strcpy(ideal, "-");
		else
			fixed(ideal, sizeof(ideal), v, 2);
		/* The spread over rounds: "-" from a module without it. */
		if (!r->rounds) {
			strcpy(med, "-");
			strcpy(slow, "-");
		} else {
			fixed(med, sizeof(med), clamp_s64(r->ps_median), 1);
			fixed(slow, sizeof(slow), clamp_s64(r->ps_max), 1);
		}
		/* All CPUs over 1, and that over ideal's: "-" on 1 CPU. */
		if (mp_bench_scaling_milli(res, n, r, &v))
			strcpy(scale, "-");
		else
			fixed(scale, sizeof(scale), v, 2);
		if (mp_bench_scaling_x_ideal_milli(res, n, r, &v))
			strcpy(xscale, "-");
		else
			fixed(xscale, sizeof(xscale), v, 2);
		mp_app(&b, BENCH_NFMT, r->allocator, r->workload, r->cpus,
		       r->block_size, ns, net, ideal, mops,
		       (unsigned long long)r->p50_ns,
		       (unsigned long long)r->p99_ns,
		       (unsigned long long)r->max_ns, med, slow, scale, xscale);
	}
	return mp_buf_done(&b);
}

/* @v thousandths, exactly, as a JSON number; null if @missing. */
static void app_json_milli(struct mp_buf *b, int missing, int64_t v)
{
	uint64_t m = v < 0 ? -(uint64_t)v : (uint64_t)v;

	if (missing)
		mp_app(b, "null");
	else
		mp_app(b, "%s%llu.%03llu", v < 0 ? "-" : "",
		       (unsigned long long)(m / 1000),
		       (unsigned long long)(m % 1000));
}

int mp_format_bench_json(const struct mp_bench_result *res, size_t n,
			 char *buf, size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);
	int64_t v;
	size_t i;
	int miss;

	mp_app(&b, "[\n");
	for (i = 0; i < n; i++) {
		const struct mp_bench_result *r = &res[i];

		mp_app(&b, "{\"allocator\": ");
		app_json_str(&b, r->allocator);
		mp_app(&b, ", \"workload\": ");
		app_json_str(&b, r->workload);
		/* ps and kops / 1000, exactly: three decimals. */
		mp_app(&b,
		       ", \"cpus\": %u, \"ops\": %llu, \"ns_per_op\": %llu.%03llu, \"mops\": %llu.%03llu, \"p50_ns\": %llu, \"p99_ns\": %llu, \"max_ns\": %llu, \"elapsed_ns\": %llu",
		       r->cpus, (unsigned long long)r->ops,
		       (unsigned long long)(r->ps_per_op / 1000),
		       (unsigned long long)(r->ps_per_op % 1000),
		       (unsigned long long)(r->kops_per_sec / 1000),
		       (unsigned long long)(r->kops_per_sec % 1000),
		       (unsigned long long)r->p50_ns,
		       (unsigned long long)r->p99_ns,
		       (unsigned long long)r->max_ns,
		       (unsigned long long)r->elapsed_ns);
		/* Since the baselines: null where the run lacks them. */
		mp_app(&b, ", \"block_size\": %u, \"net_ns_per_op\": ",
		       r->block_size);
		miss = mp_bench_net_ps(res, n, r, &v);
		app_json_milli(&b, miss, v);
		mp_app(&b, ", \"x_ideal\": ");
		miss = mp_bench_ideal_milli(res, n, r, &v);
		app_json_milli(&b, miss, v);
		/* Since the rounds rotate: the spread, the scaling. */
		mp_app(&b, ", \"rounds\": %u, \"ns_per_op_min\": ", r->rounds);
		app_json_milli(&b, !r->rounds, clamp_s64(r->ps_min));
		mp_app(&b, ", \"ns_per_op_median\": ");
		app_json_milli(&b, !r->rounds, clamp_s64(r->ps_median));
		mp_app(&b, ", \"ns_per_op_max\": ");
		app_json_milli(&b, !r->rounds, clamp_s64(r->ps_max));
		mp_app(&b, ", \"scaling\": ");
		miss = mp_bench_scaling_milli(res, n, r, &v);
		app_json_milli(&b, miss, v);
		mp_app(&b, ", \"scaling_x_ideal\": ");
		miss = mp_bench_scaling_x_ideal_milli(res, n, r, &v);
		app_json_milli(&b, miss, v);
		mp_app(&b, "}%s\n", i + 1 < n ? "," : "");
	}
	mp_app(&b, "]\n");
	return mp_buf_done(&b);
}
