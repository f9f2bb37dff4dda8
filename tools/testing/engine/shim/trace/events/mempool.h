/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's tracepoints (include/trace/events/mempool.h) compiled out:
 * each call is an empty inline, so the harness counts the engine's own
 * instructions, as a kernel with the events disabled runs them (a nop
 * where each call is).  Same prototypes as the events'.
 */
#ifndef _SHIM_TRACE_EVENTS_MEMPOOL_H
#define _SHIM_TRACE_EVENTS_MEMPOOL_H

#include <linux/types.h>

struct mpool;

static inline void trace_pool_create(const struct mpool *pool) { }
static inline void trace_pool_destroy(const struct mpool *pool,
				      unsigned int in_use) { }
static inline void trace_alloc(const struct mpool *pool, const void *block,
			       unsigned long caller, bool cached) { }
static inline void trace_free(const struct mpool *pool, const void *block,
			      unsigned long caller, bool cached) { }
static inline void trace_alloc_fail(const struct mpool *pool,
				    unsigned long caller) { }
static inline void trace_wait_begin(const struct mpool *pool, long timeout,
				    unsigned long caller) { }
static inline void trace_wait_end(const struct mpool *pool, const void *block,
				  s64 us, int err, unsigned long caller) { }
static inline void trace_free_refused(const struct mpool *pool,
				      const void *addr, int err,
				      unsigned long caller) { }
static inline void trace_watermark(const struct mpool *pool, unsigned int free,
				   unsigned int below, bool low) { }

#endif
