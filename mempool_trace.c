// SPDX-License-Identifier: GPL-2.0
/*
 * The "mempool" tracepoints (include/trace/events/mempool.h), defined
 * here once.  The events read struct mpool, hence mempool_core.h first.
 * Exported for modules that attach probes to them: the KUnit suite
 * (kunit/suite_trace.c) does.
 */
#include <linux/module.h>

#include "mempool_core.h"

#define CREATE_TRACE_POINTS
#include "trace/events/mempool.h"

EXPORT_TRACEPOINT_SYMBOL_GPL(pool_create);
EXPORT_TRACEPOINT_SYMBOL_GPL(pool_destroy);
EXPORT_TRACEPOINT_SYMBOL_GPL(alloc);
EXPORT_TRACEPOINT_SYMBOL_GPL(free);
EXPORT_TRACEPOINT_SYMBOL_GPL(alloc_fail);
EXPORT_TRACEPOINT_SYMBOL_GPL(wait_begin);
EXPORT_TRACEPOINT_SYMBOL_GPL(wait_end);
EXPORT_TRACEPOINT_SYMBOL_GPL(free_refused);
EXPORT_TRACEPOINT_SYMBOL_GPL(watermark);
