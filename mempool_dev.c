// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/mempool: pools for userspace, driven by the ioctls of
 * include/uapi/mpool_ioctl.h.
 *
 * Every argument is checked here before it reaches the engine, and the
 * pools made here are MPOOL_F_QUIET: a bad request from userspace is
 * answered with an errno, never with a line in the kernel log.
 *
 * A pool made here is on dev_pools until MPOOL_IOC_DESTROY or module
 * unload.  Each ioctl holds a reference on the pool it works on, so a
 * destroy that races with, say, a blocking allocation only unlists the
 * pool; the last reference frees it.
 */
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <uapi/mpool_ioctl.h>
#include "mempool_internal.h"

struct dev_pool {
	struct mpool *pool;
	struct kref ref;
	struct list_head node;
};

/* Protects dev_pools. */
static DEFINE_MUTEX(dev_lock);
static LIST_HEAD(dev_pools);

#define MPOOL_CREATE_ALL (MPOOL_CREATE_ZERO | MPOOL_CREATE_POISON | \
			  MPOOL_CREATE_TRACK | MPOOL_CREATE_PERCPU)

/* The ABI's pool flags are the engine's: they pass through unchanged. */
static_assert(MPOOL_CREATE_ZERO == MPOOL_F_ZERO);
static_assert(MPOOL_CREATE_POISON == MPOOL_F_POISON);
static_assert(MPOOL_CREATE_TRACK == MPOOL_F_TRACK);
static_assert(MPOOL_CREATE_PERCPU == MPOOL_F_PERCPU);
static_assert(!(MPOOL_CREATE_ALL & MPOOL_F_QUIET));

static void dev_pool_release(struct kref *ref)
{
	struct dev_pool *dp = container_of(ref, struct dev_pool, ref);

	mpool_destroy(dp->pool);
	kfree(dp);
}

static void dev_pool_put(struct dev_pool *dp)
{
	kref_put(&dp->ref, dev_pool_release);
}

static struct dev_pool *dev_pool_find_locked(const char *name)
{
	struct dev_pool *dp;

	lockdep_assert_held(&dev_lock);
	list_for_each_entry(dp, &dev_pools, node)
		if (!strcmp(dp->pool->name, name))
			return dp;
	return NULL;
}

/* Checks a name field from userspace: NUL-terminated, valid characters. */
static int dev_check_name(const __u8 *name)
{
	if (strnlen(name, MPOOL_IOC_NAME_MAX) == MPOOL_IOC_NAME_MAX)
		return -ENAMETOOLONG;
	return mpool_name_valid(name) ? 0 : -EINVAL;
}

/*
 * Takes a reference on the device pool called @name.  A pool that exists
 * but was made by a kernel user is not ours to change: -EPERM.
 */
static struct dev_pool *dev_pool_get(const __u8 *name)
{
	struct mpool_stats unused;
	struct dev_pool *dp;
	int ret = dev_check_name(name);

	if (ret)
		return ERR_PTR(ret);
	mutex_lock(&dev_lock);
	dp = dev_pool_find_locked(name);
	if (dp)
		kref_get(&dp->ref);
	mutex_unlock(&dev_lock);
	if (dp)
		return dp;
	return ERR_PTR(mpool_stats_by_name(name, &unused) ? -ENOENT : -EPERM);
}

/*
 * Copies in a struct that starts with its __u32 size, as the header's
 * "General ioctl format" says: shorter than @min is -EINVAL, bytes past
 * what we know must be zero (-E2BIG, from copy_struct_from_user()).
 */
static int dev_copy_in(void *karg, size_t ksize, size_t min,
		       void __user *uarg, u32 *usize)
{
	if (get_user(*usize, (u32 __user *)uarg))
		return -EFAULT;
	if (*usize < min)
		return -EINVAL;
	/* Bounds the zero check of the tail, as openat2() and clone3() do. */
	if (*usize > PAGE_SIZE)
		return -E2BIG;
	return copy_struct_from_user(karg, ksize, uarg, *usize);
}

/* Copies a struct back, no further than the caller's size. */
static int dev_copy_out(void __user *uarg, const void *karg, size_t ksize,
			u32 usize)
{
	return copy_to_user(uarg, karg, min_t(size_t, ksize, usize)) ?
		-EFAULT : 0;
}

#define COPY_IN(karg, uarg, usize) \
	dev_copy_in(&(karg), sizeof(karg), sizeof(karg), uarg, usize)

static long dev_version(void __user *uarg)
{
	struct mpool_ioc_version v;
	u32 usize;
	int ret = COPY_IN(v, uarg, &usize);

	if (ret)
		return ret;
	v.out_abi_version = MPOOL_IOC_ABI_VERSION;
	return dev_copy_out(uarg, &v, sizeof(v), usize);
}

static long dev_create(void __user *uarg)
{
	struct mpool_ioc_create c;
	struct dev_pool *dp;
	unsigned int flags = MPOOL_F_QUIET;
	u32 usize;
	int ret = COPY_IN(c, uarg, &usize);

	if (ret)
		return ret;
	if ((c.flags & ~MPOOL_CREATE_ALL) || c.__reserved)
		return -EINVAL;
	ret = dev_check_name(c.name);
	if (ret)
		return ret;
	flags |= c.flags;	/* the same bits: see the static_asserts */

	dp = kzalloc(sizeof(*dp), GFP_KERNEL);
	if (!dp)
		return -ENOMEM;
	kref_init(&dp->ref);
	dp->pool = mpool_create_user(c.name, c.block_size, c.nr_blocks, c.align,
				flags);
	if (IS_ERR(dp->pool)) {
		ret = PTR_ERR(dp->pool);
		kfree(dp);
		return ret;
	}
	mutex_lock(&dev_lock);
	list_add_tail(&dp->node, &dev_pools);
	mutex_unlock(&dev_lock);
	return 0;
}

static long dev_destroy(void __user *uarg)
{
	struct mpool_ioc_name d;
	struct mpool_stats st;
	struct dev_pool *dp;
	u32 usize;
	int ret = COPY_IN(d, uarg, &usize);

	if (ret)
		return ret;
	if (d.flags & ~MPOOL_DESTROY_FORCE)
		return -EINVAL;
	dp = dev_pool_get(d.name);
	if (IS_ERR(dp))
		return PTR_ERR(dp);

	mutex_lock(&dev_lock);
	mpool_get_stats(dp->pool, &st);
	if (list_empty(&dp->node)) {
		ret = -ENOENT;		/* a racing destroy won */
	} else if (st.blocks_in_use && !(d.flags & MPOOL_DESTROY_FORCE)) {
		ret = -EBUSY;
	} else {
		list_del_init(&dp->node);
		/* Sleeping allocations hold references: end them now. */
		mpool_cancel_waits(dp->pool);
		dev_pool_put(dp);	/* the list's reference */
	}
	mutex_unlock(&dev_lock);
	dev_pool_put(dp);
	return ret;
}

static long dev_reset(void __user *uarg)
{
	struct mpool_ioc_name r;
	struct dev_pool *dp;
	u32 usize;
	int ret = COPY_IN(r, uarg, &usize);

	if (ret)
		return ret;
	if (r.flags)
		return -EINVAL;
	dp = dev_pool_get(r.name);
	if (IS_ERR(dp))
		return PTR_ERR(dp);
	mpool_reset_stats(dp->pool);
	dev_pool_put(dp);
	return 0;
}

static long dev_list(void __user *uarg)
{
	struct mpool_ioc_list l;
	char *names = NULL;
	unsigned int total, n;
	u32 usize;
	int ret = COPY_IN(l, uarg, &usize);

	if (ret)
		return ret;
	/* Room for no more names than there are pools, however large @count. */
	n = min(l.count, mpool_list_names(NULL, 0));
	if (n) {
		names = kvcalloc(n, MPOOL_NAME_MAX, GFP_KERNEL | __GFP_NOWARN);
		if (!names)
			return -ENOMEM;
	}
	total = mpool_list_names(names, n);
	n = min(n, total);
	if (n && copy_to_user(u64_to_user_ptr(l.names), names,
			      (size_t)n * MPOOL_NAME_MAX))
		ret = -EFAULT;
	kvfree(names);
	if (ret)
		return ret;
	l.count = total;
	return dev_copy_out(uarg, &l, sizeof(l), usize);
}

static long dev_stats(void __user *uarg)
{
	struct mpool_ioc_stats s;
	struct mpool_stats st;
	u32 usize;
	int ret = COPY_IN(s, uarg, &usize);

	if (ret)
		return ret;
	if (s.__reserved)
		return -EINVAL;
	ret = dev_check_name(s.name);
	if (ret)
		return ret;
	ret = mpool_stats_by_name(s.name, &st);
	if (ret)
		return ret;
#define MPOOL_STAT_COPY(name, desc) s.out_##name = st.name;
	MPOOL_STATS_FIELDS(MPOOL_STAT_COPY)
#undef MPOOL_STAT_COPY
	return dev_copy_out(uarg, &s, sizeof(s), usize);
}

/* Frees blocks this ioctl allocated but could not hand over. */
static void dev_free_blocks(struct mpool *pool, const u64 *offsets,
			    unsigned int n)
{
	while (n--)
		mpool_free_checked(pool, mpool_block_at(pool, offsets[n]));
}

static long dev_alloc(void __user *uarg)
{
	struct mpool_ioc_alloc a;
	struct dev_pool *dp;
	unsigned int n = 0;
	u64 *offsets;
	void *block;
	u32 usize;
	int ret = COPY_IN(a, uarg, &usize);

	if (ret)
		return ret;
	if ((a.flags & ~MPOOL_ALLOC_WAIT) || a.__reserved || a.out_allocated ||
	    !a.count || a.count > MPOOL_IOC_BATCH_MAX ||
	    !(a.flags & MPOOL_ALLOC_WAIT) != !a.timeout_ms)
		return -EINVAL;
	offsets = kcalloc(a.count, sizeof(*offsets), GFP_KERNEL);
	if (!offsets)
		return -ENOMEM;
	dp = dev_pool_get(a.name);
	if (IS_ERR(dp)) {
		ret = PTR_ERR(dp);
		goto out_free;
	}

	if (a.flags & MPOOL_ALLOC_WAIT) {
		block = mpool_alloc_timeout(dp->pool,
					    msecs_to_jiffies(a.timeout_ms));
		if (IS_ERR(block)) {
			ret = PTR_ERR(block);
			/* Destroyed while we slept: as if it never was. */
			if (ret == -ECANCELED)
				ret = -ENOENT;
			goto out_put;
		}
		offsets[n++] = mpool_block_offset(dp->pool, block);
	}
	while (n < a.count && (block = mpool_alloc(dp->pool)))
		offsets[n++] = mpool_block_offset(dp->pool, block);
	if (!n) {
		ret = -ENOSPC;
		goto out_put;
	}

	a.out_allocated = n;
	if (copy_to_user(u64_to_user_ptr(a.offsets), offsets,
			 n * sizeof(*offsets)) ||
	    dev_copy_out(uarg, &a, sizeof(a), usize)) {
		/* The caller cannot learn of the blocks: give them back. */
		dev_free_blocks(dp->pool, offsets, n);
		ret = -EFAULT;
	}
out_put:
	dev_pool_put(dp);
out_free:
	kfree(offsets);
	return ret;
}

static long dev_free(void __user *uarg)
{
	struct mpool_ioc_free f;
	struct dev_pool *dp;
	u64 *offsets;
	s32 *results;
	unsigned int i;
	u32 usize;
	int ret = COPY_IN(f, uarg, &usize);

	if (ret)
		return ret;
	if (!f.count || f.count > MPOOL_IOC_BATCH_MAX || f.out_freed ||
	    f.out_invalid)
		return -EINVAL;
	offsets = kcalloc(f.count, sizeof(*offsets), GFP_KERNEL);
	results = kcalloc(f.count, sizeof(*results), GFP_KERNEL);
	if (!offsets || !results) {
		ret = -ENOMEM;
		goto out_free;
	}
	if (copy_from_user(offsets, u64_to_user_ptr(f.offsets),
			   f.count * sizeof(*offsets))) {
		ret = -EFAULT;
		goto out_free;
	}
	dp = dev_pool_get(f.name);
	if (IS_ERR(dp)) {
		ret = PTR_ERR(dp);
		goto out_free;
	}
	for (i = 0; i < f.count; i++) {
		/* Outside the region is NULL, which the engine refuses. */
		results[i] = mpool_free_checked(dp->pool,
						mpool_block_at(dp->pool,
							       offsets[i]));
		if (results[i])
			f.out_invalid++;
		else
			f.out_freed++;
	}
	dev_pool_put(dp);

	/* The frees are done; a bad results address loses only the report. */
	if (f.results && copy_to_user(u64_to_user_ptr(f.results), results,
				      f.count * sizeof(*results)))
		ret = -EFAULT;
	else
		ret = dev_copy_out(uarg, &f, sizeof(f), usize);
out_free:
	kfree(results);
	kfree(offsets);
	return ret;
}

static long dev_rw(void __user *uarg, bool write)
{
	struct mpool_ioc_rw rw;
	struct dev_pool *dp;
	void __user *ubuf;
	void *buf, *block;
	u32 usize;
	int ret = COPY_IN(rw, uarg, &usize);

	if (ret)
		return ret;
	if (rw.__reserved || !rw.length)
		return -EINVAL;
	dp = dev_pool_get(rw.name);
	if (IS_ERR(dp))
		return PTR_ERR(dp);
	if (rw.pos > dp->pool->block_size ||
	    rw.length > dp->pool->block_size - rw.pos) {
		ret = -EINVAL;
		goto out_put;
	}
	buf = kvmalloc(rw.length, GFP_KERNEL | __GFP_NOWARN);
	if (!buf) {
		ret = -ENOMEM;
		goto out_put;
	}
	ubuf = u64_to_user_ptr(rw.buf);
	block = mpool_block_at(dp->pool, rw.offset);
	/* The engine copies under the pool lock, so user copies happen here. */
	if (write) {
		if (copy_from_user(buf, ubuf, rw.length))
			ret = -EFAULT;
		else
			ret = mpool_copy_to_block(dp->pool, block, rw.pos, buf,
						  rw.length);
	} else {
		ret = mpool_copy_from_block(dp->pool, block, rw.pos, buf,
					    rw.length);
		if (!ret && copy_to_user(ubuf, buf, rw.length))
			ret = -EFAULT;
	}
	kvfree(buf);
out_put:
	dev_pool_put(dp);
	return ret;
}

static long dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case MPOOL_IOC_VERSION:
		return dev_version(uarg);
	case MPOOL_IOC_LIST:
		return dev_list(uarg);
	case MPOOL_IOC_STATS:
		return dev_stats(uarg);
	case MPOOL_IOC_CREATE:
	case MPOOL_IOC_DESTROY:
	case MPOOL_IOC_ALLOC:
	case MPOOL_IOC_FREE:
	case MPOOL_IOC_WRITE:
	case MPOOL_IOC_READ:
	case MPOOL_IOC_RESET:
		break;
	default:
		return -ENOTTY;
	}

	/* Everything else changes a pool: only for a writable open. */
	if (!(file->f_mode & FMODE_WRITE))
		return -EPERM;
	switch (cmd) {
	case MPOOL_IOC_CREATE:
		return dev_create(uarg);
	case MPOOL_IOC_DESTROY:
		return dev_destroy(uarg);
	case MPOOL_IOC_ALLOC:
		return dev_alloc(uarg);
	case MPOOL_IOC_FREE:
		return dev_free(uarg);
	case MPOOL_IOC_WRITE:
		return dev_rw(uarg, true);
	case MPOOL_IOC_READ:
		return dev_rw(uarg, false);
	default:
		return dev_reset(uarg);
	}
}

static const struct file_operations dev_fops = {
	.owner = THIS_MODULE,	/* an open file pins the module */
	.unlocked_ioctl = dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice dev_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mempool",
	.fops = &dev_fops,
	.mode = 0600,
};

int mpool_dev_init(void)
{
	return misc_register(&dev_misc);
}

/* No file is open (each pins the module), so no pool has other users. */
void mpool_dev_exit(void)
{
	struct dev_pool *dp, *tmp;

	misc_deregister(&dev_misc);
	list_for_each_entry_safe(dp, tmp, &dev_pools, node) {
		list_del(&dp->node);
		dev_pool_put(dp);
	}
}
