/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of mempool.ko share, and no other module sees. */
#ifndef _MEMPOOL_INTERNAL_H
#define _MEMPOOL_INTERNAL_H

#include <linux/mutex.h>
#include "mpool.h"

/* mempool_core.c: every pool, under mpool_list_lock */
extern struct mutex mpool_list_lock;
extern struct list_head mpool_list;
/* A pool created for userspace: counts against max_bytes. */
#define MPOOL_F_USER		BIT(31)
struct mpool *mpool_create_user(const char *name, size_t block_size,
				unsigned int nr_blocks, size_t align,
				unsigned int flags);
bool mpool_name_valid(const char *name);
int mpool_stats_by_name(const char *name, struct mpool_stats *stats);
unsigned int mpool_list_names(char *names, unsigned int max);
int mpool_cpuhp_init(void);
void mpool_cpuhp_exit(void);

/* mempool_debugfs.c: /sys/kernel/debug/mempool/ */
void mpool_debugfs_init(void);
void mpool_debugfs_exit(void);
void mpool_debugfs_add(struct mpool *pool);
void mpool_debugfs_remove(struct mpool *pool);

/* mempool_dev.c: /dev/mempool */
int mpool_dev_init(void);
void mpool_dev_exit(void);

#endif /* _MEMPOOL_INTERNAL_H */
