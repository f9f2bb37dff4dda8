// SPDX-License-Identifier: GPL-2.0
/*
 * MPOOL_IOC_ALLOC, FREE, READ and WRITE: the blocks of a device pool, as
 * userspace holds them.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <uapi/mpool_ioctl.h>
#include "mempool_dev.h"
#include "mempool_internal.h"

/* Frees blocks this ioctl allocated but could not hand over. */
static void mpool_dev_free_blocks(struct mpool *pool, const u64 *offsets,
				  unsigned int n)
{
	while (n--)
		mpool_free_checked(pool, mpool_block_at(pool, offsets[n]));
}

int mpool_dev_alloc(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_alloc *a = ucmd->cmd;
	struct mpool_dev_pool *dp;
	unsigned int n = 0;
	u64 *offsets;
	void *block;
	int ret = 0;

	if ((a->flags & ~MPOOL_ALLOC_WAIT) || a->__reserved ||
	    a->out_allocated || !a->count || a->count > mpool_max_batch() ||
	    !(a->flags & MPOOL_ALLOC_WAIT) != !a->timeout_ms)
		return -EINVAL;
	offsets = kcalloc(a->count, sizeof(*offsets), GFP_KERNEL);
	if (!offsets)
		return -ENOMEM;
	dp = mpool_dev_pool_get(a->name);
	if (IS_ERR(dp)) {
		ret = PTR_ERR(dp);
		goto out_free;
	}

	if (a->flags & MPOOL_ALLOC_WAIT) {
		block = mpool_alloc_timeout(dp->pool,
					    msecs_to_jiffies(a->timeout_ms));
		if (IS_ERR(block)) {
			ret = PTR_ERR(block);
			/* Destroyed while we slept: as if it never was. */
			if (ret == -ECANCELED)
				ret = -ENOENT;
			goto out_put;
		}
		offsets[n++] = mpool_block_offset(dp->pool, block);
	}
	while (n < a->count && (block = mpool_alloc(dp->pool)))
		offsets[n++] = mpool_block_offset(dp->pool, block);
	if (!n) {
		ret = -ENOSPC;
		goto out_put;
	}

	a->out_allocated = n;
	if (copy_to_user(u64_to_user_ptr(a->handles), offsets,
			 n * sizeof(*offsets)) ||
	    mpool_dev_respond(ucmd, sizeof(*a))) {
		/* The caller cannot learn of the blocks: give them back. */
		mpool_dev_free_blocks(dp->pool, offsets, n);
		ret = -EFAULT;
	}
	mpool_dev_watch_update(dp);
out_put:
	mpool_dev_pool_put(dp);
out_free:
	kfree(offsets);
	return ret;
}

int mpool_dev_free(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_free *f = ucmd->cmd;
	struct mpool_dev_pool *dp;
	u64 *offsets;
	s32 *results;
	unsigned int i;
	int ret;

	if (!f->count || f->count > mpool_max_batch() || f->out_freed ||
	    f->out_invalid)
		return -EINVAL;
	offsets = kcalloc(f->count, sizeof(*offsets), GFP_KERNEL);
	results = kcalloc(f->count, sizeof(*results), GFP_KERNEL);
	if (!offsets || !results) {
		ret = -ENOMEM;
		goto out_free;
	}
	if (copy_from_user(offsets, u64_to_user_ptr(f->handles),
			   f->count * sizeof(*offsets))) {
		ret = -EFAULT;
		goto out_free;
	}
	dp = mpool_dev_pool_get(f->name);
	if (IS_ERR(dp)) {
		ret = PTR_ERR(dp);
		goto out_free;
	}
	for (i = 0; i < f->count; i++) {
		/* Outside the region is NULL, which the engine refuses. */
		results[i] = mpool_free_checked(dp->pool,
						mpool_block_at(dp->pool,
							       offsets[i]));
		if (results[i])
			f->out_invalid++;
		else
			f->out_freed++;
	}
	mpool_dev_watch_update(dp);
	mpool_dev_pool_put(dp);

	/* The frees are done; a bad results address loses only the report. */
	if (f->results && copy_to_user(u64_to_user_ptr(f->results), results,
				       f->count * sizeof(*results)))
		ret = -EFAULT;
	else
		ret = mpool_dev_respond(ucmd, sizeof(*f));
out_free:
	kfree(results);
	kfree(offsets);
	return ret;
}

/*
 * Copies between the user's buffer and a block a page at a time through
 * a page of bounce buffer, so that a READ or WRITE of a huge block holds
 * no more kernel memory than that, however many run at once.  The engine
 * copies under the pool lock, which user copies must not take, hence the
 * bounce.
 */
static int mpool_dev_rw(struct mpool_dev_ucmd *ucmd, bool write)
{
	struct mpool_ioc_rw *rw = ucmd->cmd;
	struct mpool_dev_pool *dp;
	void __user *ubuf = u64_to_user_ptr(rw->buf);
	size_t block_size, done, n;
	void *buf, *block;
	int ret = 0;

	if (rw->__reserved || !rw->length)
		return -EINVAL;
	dp = mpool_dev_pool_get(rw->name);
	if (IS_ERR(dp))
		return PTR_ERR(dp);
	block_size = mpool_block_size(dp->pool);
	if (rw->pos > block_size || rw->length > block_size - rw->pos) {
		ret = -EINVAL;
		goto out_put;
	}
	buf = kmalloc(min_t(size_t, rw->length, PAGE_SIZE), GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out_put;
	}
	block = mpool_block_at(dp->pool, rw->handle);
	for (done = 0; done < rw->length && !ret; done += n) {
		n = min_t(size_t, rw->length - done, PAGE_SIZE);
		if (write) {
			if (copy_from_user(buf, ubuf + done, n))
				ret = -EFAULT;
			else
				ret = mpool_copy_to_block(dp->pool, block,
							  rw->pos + done, buf,
							  n);
		} else {
			ret = mpool_copy_from_block(dp->pool, block,
						    rw->pos + done, buf, n);
			if (!ret && copy_to_user(ubuf + done, buf, n))
				ret = -EFAULT;
		}
	}
	kfree(buf);
out_put:
	mpool_dev_pool_put(dp);
	return ret;
}

int mpool_dev_write(struct mpool_dev_ucmd *ucmd)
{
	return mpool_dev_rw(ucmd, true);
}

int mpool_dev_read(struct mpool_dev_ucmd *ucmd)
{
	return mpool_dev_rw(ucmd, false);
}
