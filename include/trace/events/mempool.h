/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of mempool.ko: the "mempool" system, a pool's life as perf,
 * trace-cmd, bpftrace and tracefs see it (docs/tracing.md).
 *
 * Defined once, in mempool_trace.c (CREATE_TRACE_POINTS), which includes
 * mempool_core.h first: the events read struct mpool.  Elsewhere this
 * header only declares trace_mempool_*(), nops behind a static key until
 * an event is enabled.  The engine harness on the host
 * (tools/testing/engine) has a shim of this header whose calls are empty.
 *
 * The events' names are the (tracepoint:mempool:alloc), so the C
 * names are the kernel's usual trace_<event>(): trace_alloc(),
 * register_trace_alloc() and so on, exported for the KUnit probes.
 *
 * Offsets are bytes from the pool region's start, as in every report of
 * the module; the pool's name is a fixed array, so the events need no
 * __assign_str(), whose arguments changed in 6.10.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mempool

#if !defined(_TRACE_MEMPOOL_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_MEMPOOL_H

#include <linux/errno.h>
#include <linux/tracepoint.h>

#include "mpool.h"

struct mpool;

/* Which free list an alloc took its block from, or a free put it on. */
#define mpool_trace_path(cached)					\
	__print_symbolic(cached, { 1, "cpu_cache" }, { 0, "shared" })
/* How a wait ended: the errno mpool_alloc_timeout() returns, positive. */
#define mpool_trace_outcome(err)					\
	__print_symbolic(err, { 0, "block" }, { ETIMEDOUT, "timeout" },	\
			 { EINTR, "signal" }, { ECANCELED, "destroyed" })
/* Why a free was refused: the errno of mpool_free_checked(), positive. */
#define mpool_trace_reason(err)						\
	__print_symbolic(err, { ENXIO, "double" }, { ERANGE, "foreign" },	\
			 { EINVAL, "misaligned" })

TRACE_EVENT(pool_create,
	    TP_PROTO(const struct mpool *pool),
	    TP_ARGS(pool),
	    TP_STRUCT__entry(__array(char, name, MPOOL_NAME_MAX)
			     __field(size_t, block_size)
			     __field(size_t, stride)
			     __field(size_t, align)
			     __field(unsigned int, nr_blocks)
			     __field(unsigned int, flags)
	    ),
	    TP_fast_assign(memcpy(__entry->name, pool->name, MPOOL_NAME_MAX);
			   __entry->block_size = pool->block_size;
			   __entry->stride = pool->stride;
			   __entry->align = pool->align;
			   __entry->nr_blocks = pool->nr_blocks;
			   __entry->flags = pool->flags;
	    ),
	    TP_printk("pool=%s block_size=%zu blocks=%u align=%zu stride=%zu flags=0x%x",
		      __entry->name, __entry->block_size, __entry->nr_blocks,
		      __entry->align, __entry->stride, __entry->flags)
);

TRACE_EVENT(pool_destroy,
	    TP_PROTO(const struct mpool *pool, unsigned int in_use),
	    TP_ARGS(pool, in_use),
	    TP_STRUCT__entry(__array(char, name, MPOOL_NAME_MAX)
			     __field(size_t, block_size)
			     __field(unsigned int, nr_blocks)
			     __field(unsigned int, flags)
			     __field(unsigned int, in_use)
	    ),
	    TP_fast_assign(memcpy(__entry->name, pool->name, MPOOL_NAME_MAX);
			   __entry->block_size = pool->block_size;
			   __entry->nr_blocks = pool->nr_blocks;
			   __entry->flags = pool->flags;
			   __entry->in_use = in_use;
	    ),
	    TP_printk("pool=%s block_size=%zu blocks=%u flags=0x%x in_use=%u",
		      __entry->name, __entry->block_size, __entry->nr_blocks,
		      __entry->flags, __entry->in_use)
);

/* An allocated or freed block: alloc and free. */
DECLARE_EVENT_CLASS(mpool_block,
		    TP_PROTO(const struct mpool *pool, const void *block,
			     unsigned long caller, bool cached),
		    TP_ARGS(pool, block, caller, cached),
		    TP_STRUCT__entry(__array(char, name, MPOOL_NAME_MAX)
				     __field(unsigned long, offset)
				     __field(unsigned long, caller)
				     __field(bool, cached)
		    ),
		    TP_fast_assign(memcpy(__entry->name, pool->name,
					  MPOOL_NAME_MAX);
				   __entry->offset = block - pool->base;
				   __entry->caller = caller;
				   __entry->cached = cached;
		    ),
		    TP_printk("pool=%s offset=%lu caller=%pS path=%s",
			      __entry->name, __entry->offset,
			      (void *)__entry->caller,
			      mpool_trace_path(__entry->cached))
);

DEFINE_EVENT(mpool_block, alloc,
	     TP_PROTO(const struct mpool *pool, const void *block,
		      unsigned long caller, bool cached),
	     TP_ARGS(pool, block, caller, cached)
);

DEFINE_EVENT(mpool_block, free,
	     TP_PROTO(const struct mpool *pool, const void *block,
		      unsigned long caller, bool cached),
	     TP_ARGS(pool, block, caller, cached)
);

/* mpool_alloc() found no free block (stats: alloc_failures). */
TRACE_EVENT(alloc_fail,
	    TP_PROTO(const struct mpool *pool, unsigned long caller),
	    TP_ARGS(pool, caller),
	    TP_STRUCT__entry(__array(char, name, MPOOL_NAME_MAX)
			     __field(unsigned long, caller)
			     __field(unsigned int, nr_blocks)
	    ),
	    TP_fast_assign(memcpy(__entry->name, pool->name, MPOOL_NAME_MAX);
			   __entry->caller = caller;
			   __entry->nr_blocks = pool->nr_blocks;
	    ),
	    TP_printk("pool=%s caller=%pS blocks=%u exhausted",
		      __entry->name, (void *)__entry->caller, __entry->nr_blocks)
);

/*
 * mpool_alloc_timeout() found no free block and sleeps; timeout_us is -1
 * for MAX_SCHEDULE_TIMEOUT.
 */
TRACE_EVENT(wait_begin,
	    TP_PROTO(const struct mpool *pool, long timeout, unsigned long caller),
	    TP_ARGS(pool, timeout, caller),
	    TP_STRUCT__entry(__array(char, name, MPOOL_NAME_MAX)
			     __field(s64, timeout_us)
			     __field(unsigned long, caller)
	    ),
	    TP_fast_assign(memcpy(__entry->name, pool->name, MPOOL_NAME_MAX);
			   __entry->timeout_us =
				timeout == MAX_SCHEDULE_TIMEOUT ? -1 :
				jiffies_to_usecs(timeout);
			   __entry->caller = caller;
	    ),
	    TP_printk("pool=%s timeout_us=%lld caller=%pS", __entry->name,
		      __entry->timeout_us, (void *)__entry->caller)
);

/*
 * The sleep is over: @err is 0 with a block (@block), -ETIMEDOUT, -EINTR
 * (a signal) or -ECANCELED (the pool is being destroyed); offset is -1
 * without a block.
 */
TRACE_EVENT(wait_end,
	    TP_PROTO(const struct mpool *pool, const void *block, s64 us, int err,
		     unsigned long caller),
	    TP_ARGS(pool, block, us, err, caller),
	    TP_STRUCT__entry(__array(char, name, MPOOL_NAME_MAX)
			     __field(long, offset)
			     __field(s64, us)
			     __field(int, outcome)
			     __field(unsigned long, caller)
	    ),
	    TP_fast_assign(memcpy(__entry->name, pool->name, MPOOL_NAME_MAX);
			   __entry->offset = block ? block - pool->base : -1;
			   __entry->us = us;
			   __entry->outcome = -err;
			   __entry->caller = caller;
	    ),
	    TP_printk("pool=%s us=%lld outcome=%s offset=%ld caller=%pS",
		      __entry->name, __entry->us,
		      mpool_trace_outcome(__entry->outcome),
		      __entry->offset, (void *)__entry->caller)
);

/*
 * A free the pool refused (stats: invalid_frees): @err is -ENXIO (the
 * block is not allocated: a double free), -ERANGE (outside the region:
 * foreign) or -EINVAL (inside a block: misaligned).  offset may be
 * negative or past the region.
 */
TRACE_EVENT(free_refused,
	    TP_PROTO(const struct mpool *pool, const void *addr, int err,
		     unsigned long caller),
	    TP_ARGS(pool, addr, err, caller),
	    TP_STRUCT__entry(__array(char, name, MPOOL_NAME_MAX)
			     __field(long, offset)
			     __field(int, reason)
			     __field(unsigned long, caller)
	    ),
	    TP_fast_assign(memcpy(__entry->name, pool->name, MPOOL_NAME_MAX);
			   __entry->offset = addr - pool->base;
			   __entry->reason = -err;
			   __entry->caller = caller;
	    ),
	    TP_printk("pool=%s offset=%ld reason=%s caller=%pS", __entry->name,
		      __entry->offset,
		      mpool_trace_reason(__entry->reason),
		      (void *)__entry->caller)
);

/*
 * A device pool's free blocks crossed its low watermark (MPOOL_IOC_WATCH):
 * fell below it (low) or came back to it (recovered), as the watch events
 * say.
 */
TRACE_EVENT(watermark,
	    TP_PROTO(const struct mpool *pool, unsigned int free,
		     unsigned int below, bool low),
	    TP_ARGS(pool, free, below, low),
	    TP_STRUCT__entry(__array(char, name, MPOOL_NAME_MAX)
			     __field(unsigned int, free)
			     __field(unsigned int, below)
			     __field(bool, low)
	    ),
	    TP_fast_assign(memcpy(__entry->name, pool->name, MPOOL_NAME_MAX);
			   __entry->free = free;
			   __entry->below = below;
			   __entry->low = low;
	    ),
	    TP_printk("pool=%s free=%u below=%u %s", __entry->name,
		      __entry->free, __entry->below,
		      __entry->low ? "low" : "recovered")
);

#endif /* _TRACE_MEMPOOL_H */

/*
 * Out of the kernel's tree: define_trace.h includes this file again as
 * <TRACE_INCLUDE_PATH/TRACE_INCLUDE_FILE.h>, here <./mempool.h>, found
 * through Kbuild's -I$(src)/include/trace/events (the kernel's include
 * directories, searched first, have no mempool.h at their top).
 */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE mempool

#include <trace/define_trace.h>
