/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ideal_list.h: the ideal that libmpool's cache is measured against, one
 * copy for make lib-bench (mpool_lib_bench.c) and the host's
 * make -C tools/lib/mpool cost (tools/lib/mpool/tests/cache_cost.c): the
 * same loop, the same free list.  The includer defines BLOCK.
 */
#ifndef IDEAL_LIST_H
#define IDEAL_LIST_H

#include <errno.h>
#include <stdint.h>

/*
 * The ideal: a free list of this thread's own, behind calls as the
 * cache's are (not inlined, so the compiler cannot fold a pair away).
 */
struct ideal_block {
	struct ideal_block *next;
	unsigned char bytes[BLOCK - sizeof(void *)];
};

static __thread struct ideal_block *ideal_head;

static __attribute__((noinline)) void *ideal_alloc(void)
{
	struct ideal_block *b = ideal_head;

	if (b)
		ideal_head = b->next;
	return b;
}

static __attribute__((noinline)) void ideal_free(void *p)
{
	struct ideal_block *b = p;

	b->next = ideal_head;
	ideal_head = b;
}

/* @n pairs: 0, or -ENOSPC. */
static int run_ideal(unsigned long n)
{
	static __thread struct ideal_block mem[64];
	unsigned long i;
	int k;

	for (k = 0; k < 64; k++)
		ideal_free(&mem[k]);
	for (i = 0; i < n; i++) {
		uint64_t *p = ideal_alloc();

		if (!p)
			return -ENOSPC;
		p[1] = i;
		ideal_free(p);
	}
	ideal_head = NULL;
	return 0;
}

#endif /* IDEAL_LIST_H */
