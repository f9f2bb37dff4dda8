// SPDX-License-Identifier: GPL-2.0
/*
 * format.c - the output formats of mempoolctl (see format.h).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

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

int mp_format_stats_text(const struct mpool_ioc_stats *st, char *buf,
			 size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);

#define MPOOL_STAT(f) mp_app(&b, "%s: %llu\n", #f,			\
			     (unsigned long long)st->out_##f)
#include "mpool_stat_list.h"
#undef MPOOL_STAT
	return mp_buf_done(&b);
}

int mp_format_stats_json(const struct mpool_ioc_stats *st, char *buf,
			 size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);
	const char *sep = "";

	mp_app(&b, "{");
#define MPOOL_STAT(f) do {						\
		mp_app(&b, "%s\"%s\": %llu", sep, #f,			\
		       (unsigned long long)st->out_##f);		\
		sep = ", ";						\
	} while (0)
#include "mpool_stat_list.h"
#undef MPOOL_STAT
	mp_app(&b, "}\n");
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

	mp_app(&b, "{\"name\": ");
	app_json_str(&b, name);
	mp_app(&b,
	       ", \"block_size\": %llu, \"blocks_total\": %llu, \"blocks_in_use\": %llu, \"blocks_free\": %llu, \"high_watermark\": %llu}",
	       (unsigned long long)st->out_block_size,
	       (unsigned long long)st->out_blocks_total,
	       (unsigned long long)st->out_blocks_in_use,
	       (unsigned long long)st->out_blocks_free,
	       (unsigned long long)st->out_high_watermark);
	return mp_buf_done(&b);
}

#define BENCH_FMT "%-16s %-8s %4s %10s %10s %8s %8s %10s\n"
#define BENCH_NFMT "%-16s %-8s %4u %10s %10s %8llu %8llu %10llu\n"

int mp_format_bench_text(const struct mp_bench_result *res, size_t n,
			 char *buf, size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);
	char ns[32], mops[32];
	size_t i;

	mp_app(&b, BENCH_FMT, "ALLOCATOR", "WORKLOAD", "CPUS", "NS/OP",
	       "MOPS/S", "P50_NS", "P99_NS", "MAX_NS");
	for (i = 0; i < n; i++) {
		const struct mp_bench_result *r = &res[i];
		/* Rounded (half up) to 0.1 ns and to 0.01 Mops/s, in integers. */
		unsigned long long tenths = r->ps_per_op / 100 +
					    (r->ps_per_op % 100 >= 50);
		unsigned long long hundredths = r->kops_per_sec / 10 +
						(r->kops_per_sec % 10 >= 5);

		snprintf(ns, sizeof(ns), "%llu.%llu", tenths / 10,
			 tenths % 10);
		snprintf(mops, sizeof(mops), "%llu.%02llu", hundredths / 100,
			 hundredths % 100);
		mp_app(&b, BENCH_NFMT, r->allocator, r->workload, r->cpus, ns,
		       mops, (unsigned long long)r->p50_ns,
		       (unsigned long long)r->p99_ns,
		       (unsigned long long)r->max_ns);
	}
	return mp_buf_done(&b);
}

int mp_format_bench_json(const struct mp_bench_result *res, size_t n,
			 char *buf, size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);
	size_t i;

	mp_app(&b, "[\n");
	for (i = 0; i < n; i++) {
		const struct mp_bench_result *r = &res[i];

		mp_app(&b, "{\"allocator\": ");
		app_json_str(&b, r->allocator);
		mp_app(&b, ", \"workload\": ");
		app_json_str(&b, r->workload);
		/* ps and kops / 1000, exactly: three decimals. */
		mp_app(&b,
		       ", \"cpus\": %u, \"ops\": %llu, \"ns_per_op\": %llu.%03llu, \"mops\": %llu.%03llu, \"p50_ns\": %llu, \"p99_ns\": %llu, \"max_ns\": %llu, \"elapsed_ns\": %llu}%s\n",
		       r->cpus, (unsigned long long)r->ops,
		       (unsigned long long)(r->ps_per_op / 1000),
		       (unsigned long long)(r->ps_per_op % 1000),
		       (unsigned long long)(r->kops_per_sec / 1000),
		       (unsigned long long)(r->kops_per_sec % 1000),
		       (unsigned long long)r->p50_ns,
		       (unsigned long long)r->p99_ns,
		       (unsigned long long)r->max_ns,
		       (unsigned long long)r->elapsed_ns, i + 1 < n ? "," : "");
	}
	mp_app(&b, "]\n");
	return mp_buf_done(&b);
}
