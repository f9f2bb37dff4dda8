/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of /dev/mempool share: mempool_dev.c (the device, the
 * ioctl table, pool lifetime), mempool_dev_blocks.c (ALLOC, FREE, READ,
 * WRITE: handles and owned blocks), mempool_dev_map.c (MAP and mmap) and
 * mempool_dev_watch.c (WATCH, poll and read).
 */
#ifndef _MEMPOOL_DEV_H
#define _MEMPOOL_DEV_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct file;
struct mpool;
struct vm_area_struct;

/**
 * struct mpool_dev_pool - a pool made through the device
 * @pool: the engine's pool
 * @ref: one for dev_pools while listed, one per ioctl in flight, one per
 *	mapping; the last put destroys @pool
 * @node: entry in dev_pools; empty once destroyed
 *
 * Blocks (mempool_dev_blocks.c), allocated at CREATE, freed with the pool:
 * @blocks_lock: protects @block_state and @block_owner, and orders every
 *	check of a handle with what it guards (a free, a chunk of a copy)
 * @block_state: per block, the generation of its current or last
 *	allocation (MPOOL_DEV_GEN_MASK) and MPOOL_DEV_HANDED_OUT while the
 *	device layer has handed it out
 * @block_owner: per block, the open file that owns it, or NULL
 * @nr_blocks: blocks of @pool
 *
 * @map_id: what mmap() offsets name the pool by (offset >> 40), never
 *	reused; 0 when the ids ran out and the pool cannot be mapped
 * @nr_maps: mappings of the pool, and mmap() calls on their way to be
 *	one (DESTROY is EBUSY while not 0); mmap() counts one in the same
 *	critical section in which it finds the pool by its map id
 * @release_work: frees the pool when a mapping dropped the last
 *	reference: munmap() holds the mmap lock, under which destroying a
 *	pool (debugfs, CPU hotplug state) must not run
 */
struct mpool_dev_pool {
	struct mpool *pool;
	struct kref ref;
	struct list_head node;
	spinlock_t blocks_lock;		/* see above */
	u32 *block_state;
	struct mpool_dev_file **block_owner;
	unsigned int nr_blocks;
	u64 map_id;
	atomic_t nr_maps;
	struct work_struct release_work;
};

/**
 * struct mpool_dev_file - an open file of /dev/mempool (file->private_data)
 * @file: the file
 *
 * Owned blocks (mempool_dev_blocks.c):
 * @owned_lock: protects @owned_pools
 * @owned_pools: struct mpool_dev_owned, one per pool this file owns
 *	blocks of, each holding a reference on its pool
 * @pid: thread group id of the opener, shown in debugfs for owned blocks
 * @comm: the opener's command name, likewise
 */
struct mpool_dev_file {
	struct file *file;
	struct mutex owned_lock;	/* see above */
	struct list_head owned_pools;
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

/*
 * One command in flight: the user's struct, copied in whole, where to
 * copy the answer back, and the file it came through.
 */
struct mpool_dev_ucmd {
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
	struct mpool_dev_file *df;
};

/* mempool_dev.c */
int mpool_dev_respond(struct mpool_dev_ucmd *ucmd, size_t cmd_len);
struct mpool_dev_pool *mpool_dev_pool_get(const __u8 *name);
void mpool_dev_pool_put(struct mpool_dev_pool *dp);
void mpool_dev_pool_free(struct mpool_dev_pool *dp);

/* mempool_dev_blocks.c */
int mpool_dev_alloc(struct mpool_dev_ucmd *ucmd);
int mpool_dev_free(struct mpool_dev_ucmd *ucmd);
int mpool_dev_read(struct mpool_dev_ucmd *ucmd);
int mpool_dev_write(struct mpool_dev_ucmd *ucmd);
int mpool_dev_blocks_init(struct mpool_dev_pool *dp, unsigned int nr_blocks);
void mpool_dev_blocks_exit(struct mpool_dev_pool *dp);
void mpool_dev_file_init(struct mpool_dev_file *df);
void mpool_dev_file_release(struct mpool_dev_file *df);

/* mempool_dev_map.c */
int mpool_dev_map_init(void);
void mpool_dev_map_exit(void);
void mpool_dev_map_pool_init(struct mpool_dev_pool *dp);
int mpool_dev_map_publish(struct mpool_dev_pool *dp);
int mpool_dev_map_unpublish(struct mpool_dev_pool *dp, bool force);
int mpool_dev_map(struct mpool_dev_ucmd *ucmd);
int mpool_dev_mmap(struct file *file, struct vm_area_struct *vma);

/* mempool_dev_watch.c */
void mpool_dev_watch_update(struct mpool_dev_pool *dp);
void mpool_dev_watch_destroyed(struct mpool_dev_pool *dp);

#endif /* _MEMPOOL_DEV_H */
