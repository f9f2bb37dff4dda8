// SPDX-License-Identifier: GPL-2.0
/*
 * top.c - the frames of "mempoolctl top" (see top.h).  Pure.
 */
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "top.h"

static const char *const sort_names[MP_TOP_SORT_NR] = {
	[MP_TOP_SORT_NAME] = "name",
	[MP_TOP_SORT_BLOCKS] = "blocks",
	[MP_TOP_SORT_IN_USE] = "in-use",
	[MP_TOP_SORT_FREE] = "free",
	[MP_TOP_SORT_HWM] = "hwm",
	[MP_TOP_SORT_ALLOCS] = "allocs",
	[MP_TOP_SORT_FAILURES] = "failures",
};

const char *mp_top_sort_name(enum mp_top_sort s)
{
	if ((int)s < 0 || s >= MP_TOP_SORT_NR)
		return NULL;
	return sort_names[s];
}

int mp_top_sort_lookup(const char *s)
{
	int i;

	for (i = 0; s && i < MP_TOP_SORT_NR; i++)
		if (!strcmp(s, sort_names[i]))
			return i;
	return -1;
}

uint64_t mp_counter_delta(uint64_t prev, uint64_t cur)
{
	return cur >= prev ? cur - prev : cur;
}

double mp_counter_rate(uint64_t prev, uint64_t cur, uint64_t ns)
{
	if (!ns)
		return 0.0;
	return (double)mp_counter_delta(prev, cur) * 1e9 / (double)ns;
}

static const struct mp_top_pool *find_pool(const struct mp_top_snap *s,
					   const char *name)
{
	size_t i;

	for (i = 0; s && i < s->n; i++)
		if (!strncmp(s->pools[i].name, name, MPOOL_IOC_NAME_MAX))
			return &s->pools[i];
	return NULL;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;	/* largest first */
}

static int cmp_dbl(double a, double b)
{
	return a > b ? -1 : a < b;
}

/* qsort has no context argument: the field, for one sort at a time */
static enum mp_top_sort sort_by;

static int cmp_rows(const void *pa, const void *pb)
{
	const struct mp_top_row *a = pa, *b = pb;
	int r = 0;

	switch (sort_by) {
	case MP_TOP_SORT_BLOCKS:
		r = cmp_u64(a->blocks, b->blocks);
		break;
	case MP_TOP_SORT_IN_USE:
		r = cmp_u64(a->in_use, b->in_use);
		break;
	case MP_TOP_SORT_FREE:
		r = cmp_u64(a->free, b->free);
		break;
	case MP_TOP_SORT_HWM:
		r = cmp_u64(a->hwm, b->hwm);
		break;
	case MP_TOP_SORT_ALLOCS:
		r = cmp_dbl(a->alloc_rate, b->alloc_rate);
		break;
	case MP_TOP_SORT_FAILURES:
		r = cmp_dbl(a->fail_rate, b->fail_rate);
		break;
	default:
		break;
	}
	return r ? r : strcmp(a->name, b->name);
}

size_t mp_top_rows(const struct mp_top_snap *prev,
		   const struct mp_top_snap *cur, enum mp_top_sort sort,
		   struct mp_top_row *rows)
{
	uint64_t ns = 0;
	size_t i;

	if (prev && cur->t_ns > prev->t_ns)
		ns = cur->t_ns - prev->t_ns;
	for (i = 0; i < cur->n; i++) {
		const struct mp_top_pool *c = &cur->pools[i];
		const struct mp_top_pool *p = find_pool(prev, c->name);
		uint64_t pa = p ? p->st.out_allocs : 0;
		uint64_t pf = p ? p->st.out_alloc_failures : 0;

		rows[i] = (struct mp_top_row){
			.name = c->name,
			.blocks = c->st.out_blocks_total,
			.in_use = c->st.out_blocks_in_use,
			.free = c->st.out_blocks_free,
			.hwm = c->st.out_high_watermark,
			.alloc_rate = mp_counter_rate(pa, c->st.out_allocs, ns),
			.fail_rate = mp_counter_rate(pf,
						     c->st.out_alloc_failures,
						     ns),
		};
	}
	sort_by = (int)sort >= 0 && sort < MP_TOP_SORT_NR ? sort
							  : MP_TOP_SORT_NAME;
	if (cur->n > 1)
		qsort(rows, cur->n, sizeof(*rows), cmp_rows);
	return cur->n;
}

#define TOP_FMT "%-31s %10s %10s %10s %10s %10s %10s\n"
#define TOP_NFMT "%-31s %10llu %10llu %10llu %10llu %10.1f %10.1f\n"

int mp_format_top(const struct mp_top_snap *prev,
		  const struct mp_top_snap *cur, enum mp_top_sort sort,
		  size_t max_rows, char *buf, size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);
	struct mp_top_row *rows, sum = { .name = "" };
	uint64_t ns = 0;
	size_t n, i, shown;

	rows = calloc(cur->n ? cur->n : 1, sizeof(*rows));
	if (!rows)
		return -1;
	n = mp_top_rows(prev, cur, sort, rows);
	for (i = 0; i < n; i++) {
		sum.blocks += rows[i].blocks;
		sum.in_use += rows[i].in_use;
		sum.free += rows[i].free;
		sum.alloc_rate += rows[i].alloc_rate;
		sum.fail_rate += rows[i].fail_rate;
	}
	if (prev && cur->t_ns > prev->t_ns)
		ns = cur->t_ns - prev->t_ns;
	mp_app(&b,
	       "mempool: %zu pool%s, %llu blocks, %llu in use, %llu free; %.1f allocs/s, %.1f failures/s over %.2f s; sort: %s\n",
	       n, n == 1 ? "" : "s", (unsigned long long)sum.blocks,
	       (unsigned long long)sum.in_use, (unsigned long long)sum.free,
	       sum.alloc_rate, sum.fail_rate, (double)ns / 1e9,
	       mp_top_sort_name(sort_by));
	mp_app(&b, TOP_FMT, "NAME", "BLOCKS", "IN_USE", "FREE", "HWM",
	       "ALLOC/S", "FAIL/S");
	shown = max_rows && n > max_rows ? max_rows - 1 : n;
	for (i = 0; i < shown; i++)
		mp_app(&b, TOP_NFMT, rows[i].name,
		       (unsigned long long)rows[i].blocks,
		       (unsigned long long)rows[i].in_use,
		       (unsigned long long)rows[i].free,
		       (unsigned long long)rows[i].hwm, rows[i].alloc_rate,
		       rows[i].fail_rate);
	if (shown < n)
		mp_app(&b, "(%zu more pools)\n", n - shown);
	free(rows);
	return mp_buf_done(&b);
}
