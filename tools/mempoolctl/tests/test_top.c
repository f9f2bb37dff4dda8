// SPDX-License-Identifier: GPL-2.0
/*
 * test_top.c - host tests of top.c (rates, sorting, frames) and of the
 * Prometheus format of format.c, with a checker of the exposition format.
 */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "mpool_ioctl.h"
#include "tap.h"
#include "top.h"

/* Statistics in the list: the __u64 fields after the name. */
#define NSTATS ((int)((sizeof(struct mpool_ioc_stats) - \
		       offsetof(struct mpool_ioc_stats, out_block_size)) / 8))
/* Of them, the buckets of the histogram (one metric of its own). */
#define NBUCKETS ((int)(sizeof(((struct mpool_ioc_stats *)0)->out_wait_us_hist) / 8))

/* ---- the Prometheus text format ---- */

#define MAX_METRICS 64

static int metric_char(int c, int first)
{
	return isalpha(c) || c == '_' || c == ':' || (!first && isdigit(c));
}

/* Length of the metric name at @s (0: none). */
static size_t metric_len(const char *s)
{
	size_t n = 0;

	while (s[n] && metric_char((unsigned char)s[n], n == 0))
		n++;
	return n;
}

/*
 * Check @text: every line a HELP, a TYPE or a sample
 * "NAME{pool="VALUE"} DIGITS" (VALUE with \\, \" and \n escapes only);
 * each metric's HELP then TYPE before its samples, all in one block; a
 * TYPE counter exactly for names ending in _total; a TYPE histogram's
 * samples are NAME_bucket{pool="VALUE",le="BOUND"} and NAME_count{...}.
 * Counts the samples in @nsamples.  Returns 0, or -1 with the reason in
 * @why.
 */
static int prom_check(const char *text, int *nsamples, char *why,
		      size_t whylen)
{
	char seen[MAX_METRICS][64], cur[64] = "";
	int nseen = 0, state = 0, lineno = 0, i;	/* 1 HELP, 2 TYPE seen */
	int histogram = 0;	/* the current metric is of TYPE histogram */
	const char *p = text, *nl;

	*nsamples = 0;
	for (; *p; p = nl + 1) {
		char line[512];
		size_t n, m;
		const char *q;

		lineno++;
		nl = strchr(p, '\n');
		if (!nl) {
			snprintf(why, whylen, "line %d: no newline", lineno);
			return -1;
		}
		n = (size_t)(nl - p);
		if (n >= sizeof(line)) {
			snprintf(why, whylen, "line %d: too long", lineno);
			return -1;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (!strncmp(line, "# HELP ", 7)) {
			m = metric_len(line + 7);
			if (!m || m >= sizeof(cur) || line[7 + m] != ' ' ||
			    !line[8 + m]) {
				snprintf(why, whylen, "line %d: bad HELP", lineno);
				return -1;
			}
			snprintf(cur, sizeof(cur), "%.*s", (int)m, line + 7);
			for (i = 0; i < nseen; i++)
				if (!strcmp(seen[i], cur)) {
					snprintf(why, whylen,
						 "line %d: %s in two blocks",
						 lineno, cur);
					return -1;
				}
			if (nseen == MAX_METRICS) {
				snprintf(why, whylen, "too many metrics");
				return -1;
			}
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", cur);
			state = 1;
		} else if (!strncmp(line, "# TYPE ", 7)) {
			int counter;

			m = metric_len(line + 7);
			if (state != 1 || strncmp(line + 7, cur, m) ||
			    m != strlen(cur) || line[7 + m] != ' ') {
				snprintf(why, whylen,
					 "line %d: TYPE not right after its HELP",
					 lineno);
				return -1;
			}
			counter = !strcmp(line + 8 + m, "counter");
			histogram = !strcmp(line + 8 + m, "histogram");
			if (!counter && !histogram &&
			    strcmp(line + 8 + m, "gauge")) {
				snprintf(why, whylen, "line %d: bad type", lineno);
				return -1;
			}
			if (counter && !(m > 6 && !strcmp(cur + m - 6, "_total"))) {
				snprintf(why, whylen,
					 "line %d: a counter's name ends in _total",
					 lineno);
				return -1;
			}
			state = 2;
		} else {
			size_t c = strlen(cur);
			int bucket = 0;

			/* A histogram's samples: NAME_bucket{..,le=".."}, NAME_count */
			m = metric_len(line);
			if (histogram && m == c + 7 && !strncmp(line, cur, c) &&
			    !strncmp(line + c, "_bucket", 7))
				bucket = 1;
			else if (histogram && m == c + 6 &&
				 !strncmp(line, cur, c) &&
				 !strncmp(line + c, "_count", 6))
				;
			else if (histogram || !m || state != 2 || m != c ||
				 strncmp(line, cur, m)) {
				snprintf(why, whylen,
					 "line %d: a sample outside its metric's block",
					 lineno);
				return -1;
			}
			q = line + m;
			if (strncmp(q, "{pool=\"", 7)) {
				snprintf(why, whylen, "line %d: no pool label", lineno);
				return -1;
			}
			for (q += 7; *q && *q != '"'; q++)
				if (*q == '\\' && !strchr("\\\"n", *++q)) {
					snprintf(why, whylen,
						 "line %d: bad escape", lineno);
					return -1;
				}
			if (bucket) {
				if (strncmp(q, "\",le=\"", 6)) {
					snprintf(why, whylen,
						 "line %d: a bucket without le", lineno);
					return -1;
				}
				q += 6;
				if (!strncmp(q, "+Inf", 4))
					q += 4;
				else
					while (isdigit((unsigned char)*q))
						q++;
			}
			if (strncmp(q, "\"} ", 3) || !isdigit((unsigned char)q[3])) {
				snprintf(why, whylen, "line %d: bad sample", lineno);
				return -1;
			}
			for (q += 3; isdigit((unsigned char)*q); q++)
				;
			if (*q) {
				snprintf(why, whylen, "line %d: junk after the value",
					 lineno);
				return -1;
			}
			(*nsamples)++;
		}
	}
	return 0;
}

static void prom_bad(const char *what, const char *text)
{
	char why[128];
	int n;

	ok(prom_check(text, &n, why, sizeof(why)) == -1,
	   "the checker refuses %s (%s)", what, why);
	(void)n;
}

static void stats_of(struct mpool_ioc_stats *st, uint64_t base)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->out_block_size = 32;
	st->out_blocks_total = base;
	st->out_allocs = base + 1;
	st->out_bytes_reserved = UINT64_MAX;
	st->out_wait_us_hist[0] = 1;
	st->out_wait_us_hist[15] = 2;
	st->out_wait_us_hist[23] = 4;
}

void test_prometheus(void)
{
	struct mpool_ioc_stats st[3];
	const char *names[3] = { "rx", "tx.0", "we\"ird\\na\nme" };
	char buf[16384], why[128], help[96];
	int n, ns;

	stats_of(&st[0], 10);
	stats_of(&st[1], 20);
	stats_of(&st[2], 30);

	/* the checker itself must be able to fail */
	prom_bad("a sample before HELP",
		 "mempool_x{pool=\"a\"} 1\n");
	prom_bad("TYPE without HELP",
		 "# TYPE mempool_x gauge\nmempool_x{pool=\"a\"} 1\n");
	prom_bad("a metric in two blocks",
		 "# HELP mempool_x h\n# TYPE mempool_x gauge\nmempool_x{pool=\"a\"} 1\n"
		 "# HELP mempool_y h\n# TYPE mempool_y gauge\nmempool_y{pool=\"a\"} 1\n"
		 "# HELP mempool_x h\n# TYPE mempool_x gauge\nmempool_x{pool=\"b\"} 1\n");
	prom_bad("a negative value",
		 "# HELP mempool_x h\n# TYPE mempool_x gauge\nmempool_x{pool=\"a\"} -1\n");
	prom_bad("an unescaped quote",
		 "# HELP mempool_x h\n# TYPE mempool_x gauge\nmempool_x{pool=\"a\"b\"} 1\n");
	prom_bad("a counter without _total",
		 "# HELP mempool_x h\n# TYPE mempool_x counter\nmempool_x{pool=\"a\"} 1\n");
	prom_bad("a bucket without le",
		 "# HELP mempool_h h\n# TYPE mempool_h histogram\nmempool_h_bucket{pool=\"a\"} 1\n");
	prom_bad("a histogram's bare sample",
		 "# HELP mempool_h h\n# TYPE mempool_h histogram\nmempool_h{pool=\"a\"} 1\n");
	prom_bad("another metric's sample in a block",
		 "# HELP mempool_x h\n# TYPE mempool_x gauge\nmempool_y{pool=\"a\"} 1\n");

	n = mp_format_prometheus(names, st, 1, buf, sizeof(buf));
	ok(n > 0 && prom_check(buf, &ns, why, sizeof(why)) == 0 && ns == NSTATS + 1,
	   "prometheus, one pool: valid, one sample per statistic, per bucket and the histogram's count (%s)",
	   n > 0 ? why : "no output");
	ok(strstr(buf, "# HELP mempool_blocks_in_use Blocks allocated and not yet freed.\n"
		  "# TYPE mempool_blocks_in_use gauge\n"
		  "mempool_blocks_in_use{pool=\"rx\"} 0\n") != NULL,
	   "prometheus: a gauge, its HELP, TYPE and sample");
	ok(strstr(buf, "# HELP mempool_allocs_total Successful allocations.\n"
		  "# TYPE mempool_allocs_total counter\n"
		  "mempool_allocs_total{pool=\"rx\"} 11\n") != NULL,
	   "prometheus: a counter is mempool_<stat>_total, TYPE counter");
	ok(strstr(buf, "mempool_bytes_reserved{pool=\"rx\"} 18446744073709551615\n") &&
	   strstr(buf, "mempool_poison_errors_total{pool=\"rx\"} 0\n") &&
	   !strstr(buf, "mempool_allocs{") && !strstr(buf, "mempool_block_size_total"),
	   "prometheus: every counter of the stat list and only those get _total");
	ok(strstr(buf, "# HELP mempool_wait_us_hist Blocking allocations that slept, by microseconds slept.\n"
		  "# TYPE mempool_wait_us_hist histogram\n"
		  "mempool_wait_us_hist_bucket{pool=\"rx\",le=\"2\"} 1\n"
		  "mempool_wait_us_hist_bucket{pool=\"rx\",le=\"4\"} 1\n") &&
	   strstr(buf, "mempool_wait_us_hist_bucket{pool=\"rx\",le=\"65536\"} 3\n"
		  "mempool_wait_us_hist_bucket{pool=\"rx\",le=\"131072\"} 3\n") &&
	   strstr(buf, "mempool_wait_us_hist_bucket{pool=\"rx\",le=\"8388608\"} 3\n"
		  "mempool_wait_us_hist_bucket{pool=\"rx\",le=\"+Inf\"} 7\n"
		  "mempool_wait_us_hist_count{pool=\"rx\"} 7\n"),
	   "prometheus: the histogram's buckets are cumulative, le the upper bound");

	n = mp_format_prometheus(names, st, 3, buf, sizeof(buf));
	ok(n > 0 && prom_check(buf, &ns, why, sizeof(why)) == 0 && ns == 3 * (NSTATS + 1),
	   "prometheus, three pools: valid, every metric x 3 pools (%s)",
	   n > 0 ? why : "no output");
	ok(strstr(buf, "mempool_blocks_total{pool=\"rx\"} 10\n"
		  "mempool_blocks_total{pool=\"tx.0\"} 20\n"
		  "mempool_blocks_total{pool=\"we\\\"ird\\\\na\\nme\"} 30\n") != NULL,
	   "prometheus: the pools' samples together; label values escaped");
	n = mp_format_prometheus(names, st, 0, buf, sizeof(buf));
	ok(n > 0 && prom_check(buf, &ns, why, sizeof(why)) == 0 && ns == 0 &&
	   count_lines(buf) == 2 * (NSTATS - NBUCKETS + 1),
	   "prometheus, no pools: HELP and TYPE only, still valid");
	ok(mp_format_prometheus(names, st, 3, buf, 100) == -1,
	   "prometheus reports a short buffer");
	ok(!strcmp(mp_prom_help("frobs", help, sizeof(help)),
		   "mempool statistic frobs") &&
	   !strcmp(mp_prom_help("waits", help, sizeof(help)),
		   "Blocking allocations that slept."),
	   "a statistic without a HELP text gets a generic one");
}

/* ---- top ---- */

static struct mp_top_pool pool(const char *name, uint64_t total,
			       uint64_t in_use, uint64_t hwm, uint64_t allocs,
			       uint64_t fails)
{
	struct mp_top_pool p;

	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "%s", name);
	p.st.out_blocks_total = total;
	p.st.out_blocks_in_use = in_use;
	p.st.out_blocks_free = total - in_use;
	p.st.out_high_watermark = hwm;
	p.st.out_allocs = allocs;
	p.st.out_alloc_failures = fails;
	return p;
}

static void order_is(const struct mp_top_snap *prev,
		     const struct mp_top_snap *cur, enum mp_top_sort s,
		     const char *want)
{
	struct mp_top_row rows[8];
	char got[128] = "";
	size_t n = mp_top_rows(prev, cur, s, rows), i;

	for (i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s",
			 i ? " " : "", rows[i].name);
	ok(!strcmp(got, want), "top --sort %s: %s (got %s)",
	   mp_top_sort_name(s), want, got);
}

void test_top(void)
{
	struct mp_top_pool p0[3], p1[4];
	struct mp_top_snap prev = { p0, 3, 1000000000ull };
	struct mp_top_snap cur = { p1, 4, 3000000000ull };	/* 2 s later */
	struct mp_top_row rows[4];
	char buf[4096], *l;
	size_t n;
	int i, len, bad;

	/* names and fields */
	for (i = 0, bad = 0; i < MP_TOP_SORT_NR; i++)
		bad |= mp_top_sort_lookup(mp_top_sort_name((enum mp_top_sort)i)) != i;
	ok(!bad && mp_top_sort_lookup("in-use") == MP_TOP_SORT_IN_USE &&
	   mp_top_sort_lookup("IN-USE") == -1 && mp_top_sort_lookup("") == -1 &&
	   mp_top_sort_lookup(NULL) == -1 &&
	   mp_top_sort_name(MP_TOP_SORT_NR) == NULL,
	   "top sort fields: names and lookups agree");

	/* rate math */
	ok(mp_counter_delta(10, 25) == 15 && mp_counter_delta(25, 10) == 10 &&
	   mp_counter_delta(UINT64_MAX, 0) == 0 &&
	   mp_counter_delta(0, UINT64_MAX) == UINT64_MAX,
	   "counter delta; a counter that went down was reset: it counts from 0");
	ok(mp_counter_rate(10, 30, 2000000000ull) == 10.0 &&
	   mp_counter_rate(10, 30, 500000000ull) == 40.0,
	   "rate: the growth per second of the interval");
	ok(mp_counter_rate(1000000, 4, 1000000000ull) == 4.0,
	   "rate after a reset: not negative, not huge");
	ok(mp_counter_rate(1, 5, 0) == 0.0, "rate over an empty interval: 0");

	p0[0] = pool("rx", 100, 10, 50, 1000, 0);
	p0[1] = pool("tx", 200, 5, 5, 100, 7);
	p0[2] = pool("gone", 10, 0, 0, 5, 0);
	p1[0] = pool("rx", 100, 40, 60, 1200, 2);	/* 100/s, 1/s */
	p1[1] = pool("tx", 200, 5, 5, 40, 1);		/* reset: 20/s, 0.5/s */
	p1[2] = pool("new", 300, 20, 90, 60, 0);	/* made: 30/s */
	p1[3] = pool("alpha", 50, 20, 20, 0, 0);

	n = mp_top_rows(&prev, &cur, MP_TOP_SORT_IN_USE, rows);
	ok(n == 4 && !strcmp(rows[0].name, "rx") && rows[0].in_use == 40 &&
	   rows[0].free == 60 && rows[0].hwm == 60 && rows[0].blocks == 100 &&
	   rows[0].alloc_rate == 100.0 && rows[0].fail_rate == 1.0,
	   "top rows: the numbers of a pool, its rates over the 2 s");
	for (i = 0, bad = 0; i < 4; i++)
		bad |= rows[i].alloc_rate < 0 || rows[i].fail_rate < 0 ||
		       rows[i].alloc_rate > 1000;
	ok(!bad, "top rows: no rate is negative or huge (reset, new pool)");
	for (i = 0; i < 4 && strcmp(rows[i].name, "tx"); i++)
		;
	ok(i < 4 && rows[i].alloc_rate == 20.0 && rows[i].fail_rate == 0.5,
	   "top rows: a reset pool's rate counts from zero");
	for (i = 0; i < 4 && strcmp(rows[i].name, "new"); i++)
		;
	ok(i < 4 && rows[i].alloc_rate == 30.0,
	   "top rows: a pool made in the interval counts from zero");

	order_is(&prev, &cur, MP_TOP_SORT_NAME, "alpha new rx tx");
	order_is(&prev, &cur, MP_TOP_SORT_BLOCKS, "new tx rx alpha");
	order_is(&prev, &cur, MP_TOP_SORT_IN_USE, "rx alpha new tx");
	order_is(&prev, &cur, MP_TOP_SORT_FREE, "new tx rx alpha");
	order_is(&prev, &cur, MP_TOP_SORT_HWM, "new rx alpha tx");
	order_is(&prev, &cur, MP_TOP_SORT_ALLOCS, "rx new tx alpha");
	order_is(&prev, &cur, MP_TOP_SORT_FAILURES, "rx tx alpha new");
	order_is(NULL, &cur, MP_TOP_SORT_ALLOCS, "alpha new rx tx");

	len = mp_format_top(&prev, &cur, MP_TOP_SORT_IN_USE, 0, buf,
			    sizeof(buf));
	ok(len > 0 && count_lines(buf) == 6 &&
	   !strncmp(buf, "mempool: 4 pools, 650 blocks, 85 in use, 565 free; 150.0 allocs/s, 1.5 failures/s over 2.00 s; sort: in-use\n", 108),
	   "top frame: the line of totals");
	l = strchr(buf, '\n');
	ok(l && !strncmp(l + 1,
	   "NAME                                BLOCKS     IN_USE       FREE        HWM    ALLOC/S     FAIL/S\n"
	   "rx                                     100         40         60         60      100.0        1.0\n"
	   "alpha                                   50         20         30         20        0.0        0.0\n", 3 * 98),
	   "top frame: the column header, then a line per pool, sorted");
	len = mp_format_top(&prev, &cur, MP_TOP_SORT_NAME, 3, buf, sizeof(buf));
	ok(len > 0 && count_lines(buf) == 5 && strstr(buf, "\nalpha ") &&
	   strstr(buf, "\nnew ") && strstr(buf, "\n(2 more pools)\n") &&
	   strstr(buf, "sort: name\n"),
	   "top frame: at most the rows that fit, the rest counted");
	cur.n = 0;
	len = mp_format_top(&prev, &cur, MP_TOP_SORT_NAME, 0, buf, sizeof(buf));
	ok(len > 0 && count_lines(buf) == 2 &&
	   !strncmp(buf, "mempool: 0 pools, 0 blocks", 26),
	   "top frame without pools: the totals and the header");
	cur.n = 4;
	ok(mp_format_top(&prev, &cur, MP_TOP_SORT_NAME, 0, buf, 64) == -1,
	   "top frame reports a short buffer");
	/* the largest numbers over 1 ns fit top_run.c's 1024 + 512 a pool */
	p1[0] = pool("abcdefghijabcdefghijabcdefghija", UINT64_MAX, UINT64_MAX,
		     UINT64_MAX, UINT64_MAX, UINT64_MAX);
	p1[0].st.out_blocks_free = UINT64_MAX;
	cur.n = 1;
	cur.t_ns = prev.t_ns + 1;
	len = mp_format_top(NULL, &cur, MP_TOP_SORT_ALLOCS, 0, buf, 1024 + 512);
	ok(len > 0 && len < 1024 + 512, "top frame of the largest numbers: %d bytes",
	   len);
	len = mp_format_top(&prev, &cur, MP_TOP_SORT_ALLOCS, 0, buf, 1024 + 512);
	ok(len > 0 && strstr(buf, " 18446744073709551615 ") &&
	   strstr(buf, " 184467440737095516") && strstr(buf, ".0\n"),
	   "top frame: u64 counters, a rate over 1 ns (%d bytes)", len);
}
