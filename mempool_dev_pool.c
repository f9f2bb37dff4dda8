// SPDX-License-Identifier: GPL-2.0
/*
 * A device pool's life: the list of the pools made through /dev/mempool,
 * their lookup by name, their references and the memory the device keeps
 * per block.  It calls the engine and mempool_dev_offsets.c only; every
 * other device file is above it.
 *
 * A pool made by CREATE is on mpool_dev_pools until MPOOL_IOC_DESTROY or
 * module unload.  Each ioctl, and each mapping, holds a reference on the
 * pool it works on, so a destroy that races with, say, a blocking
 * allocation only unlists the pool; the last reference frees it: its
 * range of mmap() offsets, its per-block state and the engine's pool.
 */
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <uapi/mpool_ioctl.h>
#include "mempool_dev.h"
#include "mempool_internal.h"

/* Protects mpool_dev_pools: CREATE, DESTROY and lookups by name. */
DEFINE_MUTEX(mpool_dev_lock);
LIST_HEAD(mpool_dev_pools);

/* What the engine charges the pool for @block_state and @block_owner. */
static_assert(sizeof(*((struct mpool_dev_pool *)0)->block_state) +
	      sizeof(*((struct mpool_dev_pool *)0)->block_owner) ==
	      MPOOL_DEV_BLOCK_BYTES);

/* After the pool left debugfs (mpool_unpublish()): no reader is left. */
static void mpool_dev_pool_blocks_exit(struct mpool_dev_pool *dp)
{
	kvfree(dp->block_owner);
	kvfree(dp->block_state);
	dp->block_owner = NULL;
	dp->block_state = NULL;
	mutex_destroy(&dp->hand_out_lock);
}

int mpool_dev_pool_blocks_init(struct mpool_dev_pool *dp,
			       unsigned int nr_blocks)
{
	spin_lock_init(&dp->blocks_lock);
	mutex_init(&dp->hand_out_lock);
	dp->nr_blocks = nr_blocks;
	dp->block_state = kvcalloc(nr_blocks, sizeof(*dp->block_state),
				   GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	dp->block_owner = kvcalloc(nr_blocks, sizeof(*dp->block_owner),
				   GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!dp->block_state || !dp->block_owner) {
		mpool_dev_pool_blocks_exit(dp);
		return -ENOMEM;
	}
	mpool_set_dev_data(dp->pool, dp);
	return 0;
}

/* Frees a pool nobody holds any more. */
void mpool_dev_pool_free(struct mpool_dev_pool *dp)
{
	/* First: no mmap() may find the pool by its offset any more. */
	mpool_dev_offsets_pool_exit(dp);
	/*
	 * Out of debugfs (a no-op after DESTROY), so that no reader of the
	 * blocks file sees the block state go; then all the memory the
	 * pool is charged for, block state included, before
	 * mpool_destroy() gives the charge back.
	 */
	mpool_unpublish(dp->pool);
	mpool_dev_pool_blocks_exit(dp);
	mpool_destroy(dp->pool);
	kfree(dp);
}

static void mpool_dev_pool_release(struct kref *ref)
{
	mpool_dev_pool_free(container_of(ref, struct mpool_dev_pool, ref));
}

void mpool_dev_pool_put(struct mpool_dev_pool *dp)
{
	kref_put(&dp->ref, mpool_dev_pool_release);
}

static struct mpool_dev_pool *mpool_dev_pool_find_locked(const char *name)
{
	struct mpool_dev_pool *dp;

	lockdep_assert_held(&mpool_dev_lock);
	list_for_each_entry(dp, &mpool_dev_pools, node)
		if (!strcmp(mpool_name(dp->pool), name))
			return dp;
	return NULL;
}

/* Checks a name field from userspace: NUL-terminated, valid characters. */
int mpool_dev_check_name(const __u8 *name)
{
	if (strnlen(name, MPOOL_IOC_NAME_MAX) == MPOOL_IOC_NAME_MAX)
		return -ENAMETOOLONG;
	return mpool_name_valid(name) ? 0 : -EINVAL;
}

/*
 * Takes a reference on the device pool called @name.  A pool that exists
 * but was made by a kernel user is not ours to change: -EPERM.
 */
struct mpool_dev_pool *mpool_dev_pool_get(const __u8 *name)
{
	struct mpool_dev_pool *dp;
	int ret = mpool_dev_check_name(name);

	if (ret)
		return ERR_PTR(ret);
	mutex_lock(&mpool_dev_lock);
	dp = mpool_dev_pool_find_locked(name);
	if (dp)
		kref_get(&dp->ref);
	mutex_unlock(&mpool_dev_lock);
	if (dp)
		return dp;
	return ERR_PTR(mpool_kernel_pool_exists(name) ? -EPERM : -ENOENT);
}
