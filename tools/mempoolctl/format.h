/* SPDX-License-Identifier: GPL-2.0 */
/*
 * format.h - the output formats of mempoolctl: stats (text, JSON), list,
 * bench (table, JSON).  Pure: they write into a caller's buffer and
 * return the length, or -1 if it is too small.  Tested by test_cli.
 */
#ifndef MEMPOOLCTL_FORMAT_H
#define MEMPOOLCTL_FORMAT_H

#include <stddef.h>

#include "mpool_ioctl.h"

struct mp_bench_result;

/* An output buffer: appends past @len are counted, not written. */
struct mp_buf {
	char *buf;
	size_t len;
	size_t off;
};
#define MP_BUF_INIT(b, l)	{ .buf = (b), .len = (l), .off = 0 }

void mp_app(struct mp_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The length written, or -1 if it did not all fit (with its NUL). */
int mp_buf_done(const struct mp_buf *b);

/*
 * The stats in the debugfs format ("key: value" lines) or as one JSON
 * object (with a trailing newline): "name" first, then every statistic
 * of mpool_stat_list.h in its order.
 */
int mp_format_stats_text(const struct mpool_ioc_stats *st, char *buf,
			 size_t len);
int mp_format_stats_json(const char *name, const struct mpool_ioc_stats *st,
			 char *buf, size_t len);

/* list: the header line and one line per pool (both end in newline). */
int mp_format_list_header(char *buf, size_t len);
int mp_format_list_line(const char *name, const struct mpool_ioc_stats *st,
			char *buf, size_t len);
/* list --json: one object as stats --json's (no newline, no comma). */
int mp_format_list_json(const char *name, const struct mpool_ioc_stats *st,
			char *buf, size_t len);

/*
 * The Prometheus text format (node_exporter's textfile collector) of the
 * pools @names[i] with statistics @st[i], i < @n: per statistic a HELP
 * and a TYPE line, then one sample per pool, mempool_<stat>{pool="NAME"};
 * counters (MPOOL_COUNTER) are mempool_<stat>_total of TYPE counter, the
 * others gauges.
 */
int mp_format_prometheus(const char *const *names,
			 const struct mpool_ioc_stats *st, size_t n, char *buf,
			 size_t len);
/* The HELP text of statistic @stat (a generic one, in @buf, if unknown). */
const char *mp_prom_help(const char *stat, char *buf, size_t len);

/*
 * One event of "mempoolctl watch", with its newline:
 * "2026-12-02T12:00:00.123456Z low free=3 below=4", "recovered" for
 * MPOOL_WATCH_RECOVERED, " lost=N" appended when events were lost.
 */
/*
 * A pool's debug modes (MPOOL_DEBUG_* in @modes, the quarantine's length)
 * as its debugfs file "debug" shows them: "poison track quarantine=N" or
 * "none", and a newline.
 */
int mp_format_debug_modes(unsigned int modes, unsigned int quarantine,
			  char *buf, size_t len);

int mp_format_watch_event(const struct mpool_watch_event *ev, char *buf,
			  size_t len);

/*
 * bench results: a table with a header line, or a JSON array of one object
 * per result (the format tools/testing/vm/bench_report.py reads), one object per
 * line.  Both end in a newline.  MP_BENCH_FMT_MAX(n) is always enough for
 * @n results.
 */
#define MP_BENCH_FMT_MAX(n)	(256 + (size_t)(n) * 1024)
int mp_format_bench_text(const struct mp_bench_result *res, size_t n,
			 char *buf, size_t len);
int mp_format_bench_json(const struct mp_bench_result *res, size_t n,
			 char *buf, size_t len);

#endif /* MEMPOOLCTL_FORMAT_H */
