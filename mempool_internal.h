/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of mempool.ko share, and no other module sees. */
#ifndef _MEMPOOL_INTERNAL_H
#define _MEMPOOL_INTERNAL_H

#include "compat.h"
#include "mpool.h"

struct dentry;

/*
 * mempool_core.c: what the device and debugfs need beyond the exported
 * API.  Those used by the KUnit tests are EXPORT_SYMBOL_IF_KUNIT.
 */

/* A pool created for userspace: counts against max_bytes. */
#define MPOOL_F_USER		BIT(31)
struct mpool *mpool_create_user(const char *name, size_t block_size,
				unsigned int nr_blocks, size_t align,
				unsigned int flags);
bool mpool_name_valid(const char *name);
int mpool_stats_by_name(const char *name, struct mpool_stats *stats);
unsigned int mpool_list_names(char *names, unsigned int max);
int mpool_for_each(int (*fn)(const char *name,
			     const struct mpool_stats *stats, void *arg),
		   void *arg);
bool mpool_kernel_pool_exists(const char *name);
unsigned int mpool_max_batch(void);
void mpool_unpublish(struct mpool *pool);
const char *mpool_name(const struct mpool *pool);
size_t mpool_block_size(const struct mpool *pool);

/**
 * mpool_block_at - the block at an offset into the pool's region
 * @pool: the pool
 * @offset: bytes from the start of the region
 *
 * Context: any context.
 * Return: the address at @offset, or NULL when @offset is outside the
 * region.  It is not checked to be a block or to be allocated.
 */
void *mpool_block_at(struct mpool *pool, u64 offset);

/**
 * mpool_block_offset - a block's offset into the pool's region
 * @pool: the pool
 * @block: a block of @pool
 *
 * Context: any context.
 * Return: bytes from the start of the region to @block.
 */
u64 mpool_block_offset(struct mpool *pool, const void *block);

/**
 * mpool_copy_to_block - copy bytes into an allocated block
 * @pool: the pool
 * @block: the block
 * @pos: first byte of the block to write
 * @src: the bytes
 * @len: how many, at least 1
 *
 * Copies a page at a time under the pool lock and stops with -ENXIO if
 * the block is freed meanwhile.  Under MPOOL_F_PERCPU a free does not take
 * the pool lock, so a free racing with the copy is not seen: the caller
 * must own the block.
 *
 * Context: any context.
 * Return: 0, or -ERANGE, -EINVAL or -ENXIO as mpool_free_checked(); also
 * -EINVAL when [@pos, @pos + @len) passes the end of the block.
 */
int mpool_copy_to_block(struct mpool *pool, void *block, size_t pos,
			const void *src, size_t len);

/**
 * mpool_copy_from_block - copy bytes out of an allocated block
 * @pool: the pool
 * @block: the block
 * @pos: first byte of the block to read
 * @dst: where to
 * @len: how many, at least 1
 *
 * Context: any context.
 * Return: as mpool_copy_to_block().
 */
int mpool_copy_from_block(struct mpool *pool, const void *block, size_t pos,
			  void *dst, size_t len);

/**
 * mpool_next_live - find the next allocated block
 * @pool: the pool
 * @index: in: the first block index to look at; out: the index found
 * @caller: set to the allocating caller under MPOOL_F_TRACK, else to 0
 *
 * For walking the live blocks a little at a time (debugfs); the result is
 * already stale when it returns.
 *
 * Context: any context.
 * Return: 0 when a live block was found, -ENOENT when none is left.
 */
int mpool_next_live(struct mpool *pool, unsigned int *index,
		    unsigned long *caller);
int mpool_cpuhp_init(void);
void mpool_cpuhp_exit(void);

/* mempool_debugfs.c: /sys/kernel/debug/mempool/ */
int mpool_debugfs_init(void);
void mpool_debugfs_exit(void);
int mpool_debugfs_add(struct mpool *pool, const char *name,
		      struct dentry **dir);
void mpool_debugfs_remove(struct dentry *dir);

/* mempool_dev.c: /dev/mempool */
int mpool_dev_init(void);
void mpool_dev_exit(void);

#endif /* _MEMPOOL_INTERNAL_H */
