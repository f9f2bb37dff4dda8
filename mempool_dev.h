/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of /dev/mempool share.  Each calls the engine and the
 * files listed before it only, never one listed after:
 *
 *   mempool_dev_offsets.c  mmap() offsets of pools, grants to open files
 *   mempool_dev_pool.c     a device pool's life: the list of pools, lookup
 *                          by name, references, its per-block memory
 *   mempool_dev_watch.c    WATCH, poll() and read(): low watermarks
 *   mempool_dev_blocks.c   ALLOC, FREE, READ, WRITE, GIVE, TAKE: handles
 *                          and owned blocks
 *   mempool_dev_map.c      MAP and mmap(): a pool's region in processes
 *   mempool_dev_debug.c    DEBUG: a pool's debug modes, switched live
 *   mempool_dev.c          the device, the ioctl table, CREATE, DESTROY,
 *                          LIST, STATS, RESET
 */
#ifndef _MEMPOOL_DEV_H
#define _MEMPOOL_DEV_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <uapi/mpool_ioctl.h>

struct file;
struct mpool;
struct vm_area_struct;

/**
 * struct mpool_dev_watch_pool - a device pool's low watermark (watch.c)
 * @lock: protects the rest; taken before a watcher's lock
 * @below: the low watermark in free blocks; 0: none
 * @low: free blocks were below @below when last looked at
 * @dead: the pool was destroyed: no file may start watching it
 * @files: the struct mpool_dev_watcher of every file watching the pool
 */
struct mpool_dev_watch_pool {
	spinlock_t lock;	/* see the kernel-doc above */
	u32 below;
	bool low;
	bool dead;
	struct list_head files;
};

/* Events a file queues before the oldest are dropped (counted in lost). */
#define MPOOL_DEV_WATCH_QUEUE	64

/**
 * struct mpool_dev_watcher - what an open file watches (watch.c)
 * @lock: protects @pool, @hup and the queue
 * @pool: the watched pool, with a reference; NULL when none
 * @hup: the watched pool was destroyed (@pool is NULL then)
 * @node: entry in @pool's watch.files
 * @wait: poll() and read() wait here for events
 * @head: index of the oldest event in @queue
 * @count: events queued
 * @queue: the events, a ring
 */
struct mpool_dev_watcher {
	spinlock_t lock;	/* see the kernel-doc above */
	struct mpool_dev_pool *pool;
	bool hup;
	struct list_head node;
	wait_queue_head_t wait;
	unsigned int head;
	unsigned int count;
	struct mpool_watch_event queue[MPOOL_DEV_WATCH_QUEUE];
};

/**
 * struct mpool_dev_pool - a pool made through the device
 * @pool: the engine's pool
 * @ref: one for mpool_dev_pools while listed, one per ioctl in flight,
 *	one per mapping; the last put destroys @pool
 * @node: entry in mpool_dev_pools; empty once destroyed
 *
 * Blocks (mempool_dev_blocks.c), allocated at CREATE and freed with the
 * pool (mempool_dev_pool.c):
 * @blocks_lock: protects @block_state and @block_owner, and orders every
 *	check of a handle with what it guards (a free, a chunk of a copy)
 * @block_state: per block, the generation of its current or last
 *	allocation (MPOOL_DEV_GEN_MASK) and MPOOL_DEV_HANDED_OUT while the
 *	device layer has handed it out
 * @block_owner: per block, the open file that owns it, or NULL
 * @nr_blocks: blocks of @pool
 * @hand_out_lock: held by every hand-out of blocks and by DESTROY from its
 *	look at the blocks in use until it sets @dead: either DESTROY sees
 *	an ALLOC's blocks in use or that ALLOC sees @dead and gives them back;
 *	held by TAKE while it moves blocks and counts them off their givers,
 *	which a giver's close waits for
 * @dead: DESTROY succeeded; no block is handed out any more (-ENOENT)
 *
 * mmap() offsets and grants (mempool_dev_offsets.c), under its
 * mpool_map_lock but for @nr_maps; @map_start and @map_pages are set
 * once, at the first MAP, and read without the lock by the pool's VMAs
 * (mempool_dev_map.c):
 * @map_serial: names the pool in the grants of files, never reused
 * @map_node: entry in the sorted list of pools with a range of offsets
 * @map_start: the first page offset of the pool's range; 0 before MAP
 * @map_pages: pages of the range, the region's; 0 before MAP
 * @map_grants: the grants of files that MAPped the pool
 * @map_dead: DESTROYed: mmap() of the range is ENXIO, MAP grants nothing
 * @nr_maps: mappings of the pool, and mmap() calls on their way to be
 *	one (DESTROY is EBUSY while not 0); mmap() counts one in the same
 *	critical section in which it finds the pool by its offset
 * @release_work: frees the pool when a mapping dropped the last
 *	reference: munmap() holds the mmap lock, under which destroying a
 *	pool (debugfs, CPU hotplug state) must not run
 *
 * @watch: the low watermark and the files watching (mempool_dev_watch.c)
 */
struct mpool_dev_pool {
	struct mpool *pool;
	struct kref ref;
	struct list_head node;
	spinlock_t blocks_lock;		/* see above */
	u32 *block_state;
	struct mpool_dev_file **block_owner;
	unsigned int nr_blocks;
	struct mutex hand_out_lock;	/* see above */
	bool dead;
	u64 map_serial;
	struct list_head map_node;
	unsigned long map_start;
	unsigned long map_pages;
	struct list_head map_grants;
	bool map_dead;
	atomic_t nr_maps;
	struct work_struct release_work;
	struct mpool_dev_watch_pool watch;
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
 * @map_grants: the pools MAP granted it the mapping of, by their serials
 *	(mempool_dev_offsets.c, under its mpool_map_lock)
 * @watch: the pool it watches and its events (mempool_dev_watch.c)
 */
struct mpool_dev_file {
	struct file *file;
	struct mutex owned_lock;	/* see above */
	struct list_head owned_pools;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	struct list_head map_grants;
	struct mpool_dev_watcher watch;
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

/* Copies the command's struct back, no further than the caller's size. */
static inline int mpool_dev_respond(struct mpool_dev_ucmd *ucmd,
				    size_t cmd_len)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd,
			 min_t(size_t, ucmd->user_size, cmd_len)))
		return -EFAULT;
	return 0;
}

/* mempool_dev_pool.c; mpool_dev_lock protects mpool_dev_pools. */
extern struct mutex mpool_dev_lock;
extern struct list_head mpool_dev_pools;
int mpool_dev_pool_blocks_init(struct mpool_dev_pool *dp,
			       unsigned int nr_blocks);
void mpool_dev_pool_free(struct mpool_dev_pool *dp);
void mpool_dev_pool_put(struct mpool_dev_pool *dp);
int mpool_dev_check_name(const __u8 *name);
struct mpool_dev_pool *mpool_dev_pool_get(const __u8 *name);

/* mempool_dev_blocks.c */
int mpool_dev_alloc(struct mpool_dev_ucmd *ucmd);
int mpool_dev_free(struct mpool_dev_ucmd *ucmd);
int mpool_dev_read(struct mpool_dev_ucmd *ucmd);
int mpool_dev_write(struct mpool_dev_ucmd *ucmd);
int mpool_dev_give(struct mpool_dev_ucmd *ucmd);
int mpool_dev_take(struct mpool_dev_ucmd *ucmd);
void mpool_dev_file_init(struct mpool_dev_file *df);
void mpool_dev_file_release(struct mpool_dev_file *df);

/* mempool_dev_offsets.c */
void mpool_dev_offsets_pool_init(struct mpool_dev_pool *dp);
void mpool_dev_offsets_pool_exit(struct mpool_dev_pool *dp);
int mpool_dev_offsets_unpublish(struct mpool_dev_pool *dp, bool force);
void mpool_dev_offsets_file_init(struct mpool_dev_file *df);
void mpool_dev_offsets_file_release(struct mpool_dev_file *df);
int mpool_dev_offsets_grant(struct mpool_dev_file *df,
			    struct mpool_dev_pool *dp,
			    unsigned long *start, unsigned long *pages);
struct mpool_dev_pool *mpool_dev_offsets_get(struct mpool_dev_file *df,
					     unsigned long pgoff,
					     unsigned long pages);

/* mempool_dev_map.c */
int mpool_dev_map_init(void);
void mpool_dev_map_exit(void);
void mpool_dev_map_pool_init(struct mpool_dev_pool *dp);
int mpool_dev_map(struct mpool_dev_ucmd *ucmd);
int mpool_dev_mmap(struct file *file, struct vm_area_struct *vma);
void mpool_dev_map_flush(void);

/* mempool_dev_debug.c */
int mpool_dev_debug(struct mpool_dev_ucmd *ucmd);

/* mempool_dev_watch.c */
void mpool_dev_watch_update(struct mpool_dev_pool *dp);
void mpool_dev_watch_destroyed(struct mpool_dev_pool *dp);
void mpool_dev_watch_pool_init(struct mpool_dev_pool *dp);
void mpool_dev_watch_file_init(struct mpool_dev_file *df);
void mpool_dev_watch_release(struct mpool_dev_file *df);
int mpool_dev_watch(struct mpool_dev_ucmd *ucmd);
__poll_t mpool_dev_watch_poll(struct file *file, poll_table *pt);
ssize_t mpool_dev_watch_read(struct file *file, char __user *buf,
			     size_t len, loff_t *ppos);

#endif /* _MEMPOOL_DEV_H */
