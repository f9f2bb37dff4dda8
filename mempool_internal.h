/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of mempool.ko share, and no other module sees. */
#ifndef _MEMPOOL_INTERNAL_H
#define _MEMPOOL_INTERNAL_H

#include "compat.h"
#include "mpool.h"

/*
 * mempool_core.c: what the device and debugfs need beyond the exported
 * API.  Those used by the KUnit tests are EXPORT_SYMBOL_IF_KUNIT.
 */

/* A pool created for userspace: counts against max_bytes. */
#define MPOOL_F_USER		BIT(31)
/*
 * What the device keeps per block of a pool it made (generation and
 * owner: mempool_dev_pool.c allocates it, mempool_dev_blocks.c keeps it),
 * charged to the pool with the engine's metadata.
 */
#define MPOOL_DEV_BLOCK_BYTES	(sizeof(u32) + sizeof(void *))
/*
 * Userspace may map the pool writable (MPOOL_CREATE_MAP_WRITE): only
 * mpool_create_user() takes it; mpool_get_stats() reports it.
 */
#define MPOOL_F_MAP_WRITE	BIT(5)
/*
 * Most bytes of a userspace pool's region: offsets in handles and in
 * mmap() have 40 bits (MPOOL_HANDLE_GEN_SHIFT).
 */
#define MPOOL_USER_REGION_MAX	BIT_ULL(40)
/*
 * Set while the pool has a quarantine (mempool_debug.c): frees go there.
 * Internal: mpool_get_stats() does not report it.
 */
#define MPOOL_F_QUARANTINE	BIT(30)
/* The longest quarantine; shorter than the pool, too. */
#define MPOOL_QUARANTINE_MAX	65536

/* mpool_debug_set() and its struct mpool_debug_modes are in mpool.h. */
void mpool_debug_get(struct mpool *pool, struct mpool_debug_modes *m);
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

/**
 * struct mpool_budget - what userspace's pools hold (debugfs "budget")
 * @max_bytes: the module parameter max_bytes
 * @max_pools: the module parameter max_pools
 * @bytes: bytes charged to device pools, destroyed ones whose memory is
 *	still held included
 * @pools: device pools charged, counted the same way
 * @destroyed_bytes: of @bytes, those of destroyed pools
 * @destroyed_pools: of @pools, the destroyed ones
 */
struct mpool_budget {
	u64 max_bytes;
	u64 max_pools;
	u64 bytes;
	u64 pools;
	u64 destroyed_bytes;
	u64 destroyed_pools;
};

/* mempool_registry.c: one snapshot, under the registry's lock. */
void mpool_budget_get(struct mpool_budget *b);
const char *mpool_name(const struct mpool *pool);
size_t mpool_block_size(const struct mpool *pool);
void *mpool_region_base(const struct mpool *pool);
size_t mpool_region_size(const struct mpool *pool);
unsigned int mpool_flags(const struct mpool *pool);

/**
 * mpool_blocks_free - the pool's free blocks now, as mpool_get_stats()
 *	counts them, without the rest of the snapshot
 * @pool: the pool
 *
 * Context: any context.
 */
unsigned int mpool_blocks_free(struct mpool *pool);

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
 * mpool_block_index - the index of the block at an offset into the region
 * @pool: the pool
 * @offset: bytes from the start of the region
 *
 * Context: any context.
 * Return: the block's index, -ERANGE when @offset is outside the region,
 * -EINVAL when it is not the start of a block.  Whether the block is
 * allocated is not looked at.
 */
long mpool_block_index(struct mpool *pool, u64 offset);

/**
 * mpool_block_by_index - the address of block @index
 * @pool: the pool
 * @index: below the pool's number of blocks
 *
 * Context: any context.
 */
void *mpool_block_by_index(struct mpool *pool, unsigned int index);

/**
 * mpool_count_invalid_frees - count frees refused before the engine
 * @pool: the pool
 * @n: how many
 *
 * For the device, which refuses stale and foreign handles itself, so
 * that invalid_frees counts every refused free.
 *
 * Context: any context.
 */
void mpool_count_invalid_frees(struct mpool *pool, unsigned int n);

/**
 * mpool_count_reclaimed - count blocks freed because their owner closed
 * @pool: the pool
 * @n: how many (already freed with mpool_free_checked())
 *
 * Context: any context.
 */
void mpool_count_reclaimed(struct mpool *pool, u64 n);

/*
 * An opaque pointer the device layer sets on its pools (its struct
 * mpool_dev_pool), which mpool_block_owner() passes to the device's
 * owner lookup.
 */
void mpool_set_dev_data(struct mpool *pool, void *data);

/**
 * mpool_set_block_owner_fn - the device's owner lookup, for debugfs
 * @fn: returns true and fills @pid, @comm (TASK_COMM_LEN bytes) and
 *	@given when an open file owns block @index of the device pool
 *	@dev_data; NULL: no owners
 *
 * Set by the module's init before any pool exists, cleared at its exit,
 * so that the engine asks the device without knowing it.
 */
void mpool_set_block_owner_fn(bool (*fn)(void *dev_data, unsigned int index,
					 pid_t *pid, char *comm, bool *given));

/**
 * mpool_block_owner - who owns a block of a device pool
 * @pool: the pool
 * @index: the block's index
 * @pid: set to the owner's thread group id
 * @comm: set to its command name, TASK_COMM_LEN bytes
 * @given: set when the owner gave the block (MPOOL_IOC_GIVE)
 *
 * Context: process context (the lookup takes a spinlock).
 * Return: true when an open file of the device owns the block; false for
 * any other block, and for a pool the device did not make.
 */
bool mpool_block_owner(struct mpool *pool, unsigned int index, pid_t *pid,
		       char *comm, bool *given);

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

/**
 * struct mpool_view_ops - how named pools are shown outside the engine
 * @add: gives @pool, called @name, its view (debugfs: a directory), in
 *	*@view; an errno fails the pool's creation
 * @remove: takes a view away, before the pool is freed; never NULL
 *
 * Set with mpool_set_view_ops() by the module's init before any pool
 * exists, and cleared (NULL: no views) at its exit, so that the engine
 * calls up into debugfs without knowing it.
 */
struct mpool_view_ops {
	int (*add)(struct mpool *pool, const char *name, void **view);
	void (*remove)(void *view);
};

/* mempool_registry.c */
void mpool_set_view_ops(const struct mpool_view_ops *ops);

/* mempool_debugfs.c: /sys/kernel/debug/mempool/ */
int mpool_debugfs_init(void);
void mpool_debugfs_exit(void);
extern const struct mpool_view_ops mpool_debugfs_view_ops;

/* mempool_dev.c: /dev/mempool */
int mpool_dev_init(void);
void mpool_dev_exit(void);

/*
 * mempool_dev_blocks.c: the owner of block @index of the device pool
 * @dev_data, for debugfs through mpool_block_owner() (mempool_mod.c
 * sets it).  Returns true and fills @pid, @comm (TASK_COMM_LEN bytes) and
 * @given (its owner gave it, MPOOL_IOC_GIVE) when an open file owns it.
 */
bool mpool_dev_block_owner(void *dev_data, unsigned int index, pid_t *pid,
			   char *comm, bool *given);

#endif /* _MEMPOOL_INTERNAL_H */
