/* SPDX-License-Identifier: GPL-2.0 */
/*
 * top.h - the pure part of "mempoolctl top": a frame made from two
 * samples of every pool's statistics (rates, sorting, the text).  Tested
 * on the host by test_cli; top_run.c samples and draws.
 */
#ifndef MEMPOOLCTL_TOP_H
#define MEMPOOLCTL_TOP_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "mpool_ioctl.h"

/* One pool in a sample. */
struct mp_top_pool {
	char name[MPOOL_IOC_NAME_MAX];
	struct mpool_ioc_stats st;
};

/* A sample of every pool, taken at @t_ns (CLOCK_MONOTONIC). */
struct mp_top_snap {
	struct mp_top_pool *pools;
	size_t n;
	uint64_t t_ns;
};

/* One line of a frame. */
struct mp_top_row {
	const char *name;		/* points into the newer sample */
	uint64_t blocks, in_use, free, hwm;
	double alloc_rate, fail_rate;	/* per second, never negative */
};

/* "name", "blocks", "in-use", ...; NULL out of range. */
const char *mp_top_sort_name(enum mp_top_sort s);
/* The field named @s, or -1. */
int mp_top_sort_lookup(const char *s);

/*
 * How much a counter grew from @prev to @cur.  A counter that went down
 * was reset (or its pool destroyed and made again) in between: it counts
 * from zero, so the growth is @cur.
 */
uint64_t mp_counter_delta(uint64_t prev, uint64_t cur);
/* Growth per second over @ns nanoseconds; 0 for an empty interval. */
double mp_counter_rate(uint64_t prev, uint64_t cur, uint64_t ns);

/*
 * The rows of the pools of @cur, with their rates since @prev (a pool
 * not in @prev counts from zero: it was made in between), sorted by
 * @sort: numbers largest first, names alphabetically; ties by name.
 * @rows has room for @cur->n.  Returns the number of rows.
 */
size_t mp_top_rows(const struct mp_top_snap *prev,
		   const struct mp_top_snap *cur, enum mp_top_sort sort,
		   struct mp_top_row *rows);

/*
 * A frame: a line of totals, the column header, then a line per pool
 * (at most @max_rows, 0: all; the rest summed up in one line).  Returns
 * the length, or -1 if @len is too small (or out of memory).
 */
int mp_format_top(const struct mp_top_snap *prev,
		  const struct mp_top_snap *cur, enum mp_top_sort sort,
		  size_t max_rows, char *buf, size_t len);

#endif /* MEMPOOLCTL_TOP_H */
