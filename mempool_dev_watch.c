// SPDX-License-Identifier: GPL-2.0
/*
 * MPOOL_IOC_WATCH, poll() and read(): low-watermark events of device
 * pools.  Every change to a device pool's free blocks goes through
 * mempool_dev_blocks.c, which calls mpool_dev_watch_update() after it.
 */
#include "mempool_dev.h"

/* Called after every ALLOC, FREE and reclaim on @dp. */
void mpool_dev_watch_update(struct mpool_dev_pool *dp)
{
}

/* Called once when @dp is destroyed, after it left dev_pools. */
void mpool_dev_watch_destroyed(struct mpool_dev_pool *dp)
{
}
