// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/mempool: pools for userspace, driven by the ioctls of
 * include/uapi/mpool_ioctl.h.  This file has the device, the ioctl table
 * and the commands that make, list and end pools; it is the top of the
 * device's files, and mempool_dev.h says where the others are.
 *
 * Every argument is checked here before it reaches the engine, and the
 * pools made here are MPOOL_F_QUIET: a bad request from userspace is
 * answered with an errno, never with a line in the kernel log.
 *
 * A pool made here is on mpool_dev_pools, and lives as long as its
 * references, as mempool_dev_pool.c says.
 */
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <uapi/mpool_ioctl.h>
#include "mempool_dev.h"
#include "mempool_internal.h"

#define MPOOL_CREATE_ALL (MPOOL_CREATE_ZERO | MPOOL_CREATE_POISON | \
			  MPOOL_CREATE_TRACK | MPOOL_CREATE_PERCPU | \
			  MPOOL_CREATE_MAP_WRITE)

/* The ABI's pool flags are the engine's: they pass through unchanged. */
static_assert(MPOOL_CREATE_ZERO == MPOOL_F_ZERO);
static_assert(MPOOL_CREATE_POISON == MPOOL_F_POISON);
static_assert(MPOOL_CREATE_TRACK == MPOOL_F_TRACK);
static_assert(MPOOL_CREATE_PERCPU == MPOOL_F_PERCPU);
static_assert(MPOOL_CREATE_MAP_WRITE == MPOOL_F_MAP_WRITE);
static_assert(!(MPOOL_CREATE_ALL & MPOOL_F_QUIET));

static int mpool_dev_version(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_version *v = ucmd->cmd;

	v->out_abi_version = MPOOL_IOC_ABI_VERSION;
	return mpool_dev_respond(ucmd, sizeof(*v));
}

/* A handle's offset bits span the largest region the engine makes for us. */
static_assert(MPOOL_HANDLE_OFFSET_MASK + 1 == MPOOL_USER_REGION_MAX);

/*
 * The engine's pool for CREATE.  A pool whose last mapping went is freed
 * by a work item after munmap() returned (see mempool_dev_map.c): before
 * refusing for the budget, wait for those, so that the memory a munmap()
 * gave back counts no more once it returned.
 */
static struct mpool *mpool_dev_create_pool(const struct mpool_ioc_create *c)
{
	/* The same bits as the engine's flags: see the static_asserts. */
	unsigned int flags = c->flags | MPOOL_F_QUIET;
	struct mpool *pool;

	pool = mpool_create_user(c->name, c->block_size, c->nr_blocks,
				 c->align, flags);
	if (pool != ERR_PTR(-EDQUOT) && pool != ERR_PTR(-ENOSPC))
		return pool;
	mpool_dev_map_flush();
	return mpool_create_user(c->name, c->block_size, c->nr_blocks,
				 c->align, flags);
}

static int mpool_dev_create(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_create *c = ucmd->cmd;
	struct mpool_dev_pool *dp;
	int ret;

	if ((c->flags & ~MPOOL_CREATE_ALL) || c->__reserved)
		return -EINVAL;
	ret = mpool_dev_check_name(c->name);
	if (ret)
		return ret;

	dp = kzalloc(sizeof(*dp), GFP_KERNEL);
	if (!dp)
		return -ENOMEM;
	kref_init(&dp->ref);
	mpool_dev_offsets_pool_init(dp);
	mpool_dev_map_pool_init(dp);
	mpool_dev_watch_pool_init(dp);
	dp->pool = mpool_dev_create_pool(c);
	if (IS_ERR(dp->pool)) {
		ret = PTR_ERR(dp->pool);
		kfree(dp);
		return ret;
	}
	ret = mpool_dev_pool_blocks_init(dp, c->nr_blocks);
	if (ret) {
		mpool_dev_pool_put(dp);
		return ret;
	}
	mutex_lock(&mpool_dev_lock);
	list_add_tail(&dp->node, &mpool_dev_pools);
	mutex_unlock(&mpool_dev_lock);
	return 0;
}

static int mpool_dev_destroy(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_name *d = ucmd->cmd;
	struct mpool_dev_pool *dp;
	struct mpool_stats st;
	int ret = 0;

	if (d->flags & ~MPOOL_DESTROY_FORCE)
		return -EINVAL;
	dp = mpool_dev_pool_get(d->name);
	if (IS_ERR(dp))
		return PTR_ERR(dp);

	mutex_lock(&mpool_dev_lock);
	/*
	 * No ALLOC hands out blocks from our look at the blocks in use until
	 * @dead is set: an ALLOC that took blocks before counts (EBUSY
	 * unless forced), one that takes them after gives them back.
	 */
	mutex_lock(&dp->hand_out_lock);
	mpool_get_stats(dp->pool, &st);
	if (list_empty(&dp->node))
		ret = -ENOENT;		/* a racing destroy won */
	else if (st.blocks_in_use && !(d->flags & MPOOL_DESTROY_FORCE))
		ret = -EBUSY;
	else if (mpool_dev_offsets_unpublish(dp,
					     d->flags & MPOOL_DESTROY_FORCE))
		ret = -EBUSY;		/* mapped */
	else
		dp->dead = true;
	mutex_unlock(&dp->hand_out_lock);
	if (!ret) {
		list_del_init(&dp->node);
		/*
		 * Gone from every view now and its name free; its memory
		 * stays charged to the budget until the last reference (calls
		 * in flight, mappings, owning files) goes: end the sleeping
		 * allocations among them.
		 */
		mpool_unpublish(dp->pool);
		mpool_cancel_waits(dp->pool);
		mpool_dev_watch_destroyed(dp);
		mpool_dev_pool_put(dp);	/* the list's reference */
	}
	mutex_unlock(&mpool_dev_lock);
	mpool_dev_pool_put(dp);
	return ret;
}

static int mpool_dev_reset(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_name *r = ucmd->cmd;
	struct mpool_dev_pool *dp;

	if (r->flags)
		return -EINVAL;
	dp = mpool_dev_pool_get(r->name);
	if (IS_ERR(dp))
		return PTR_ERR(dp);
	mpool_reset_stats(dp->pool);
	mpool_dev_pool_put(dp);
	return 0;
}

static int mpool_dev_list(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_list *l = ucmd->cmd;
	char *names = NULL;
	unsigned int total, n;
	int ret = 0;

	/* Room for no more names than there are pools, however large @count. */
	n = min(l->count, mpool_list_names(NULL, 0));
	if (n) {
		names = kvcalloc(n, MPOOL_NAME_MAX, GFP_KERNEL | __GFP_NOWARN);
		if (!names)
			return -ENOMEM;
	}
	total = mpool_list_names(names, n);
	n = min(n, total);
	if (n && copy_to_user(u64_to_user_ptr(l->names), names,
			      (size_t)n * MPOOL_NAME_MAX))
		ret = -EFAULT;
	kvfree(names);
	if (ret)
		return ret;
	l->count = total;
	return mpool_dev_respond(ucmd, sizeof(*l));
}

static int mpool_dev_stats(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_stats *s = ucmd->cmd;
	struct mpool_stats st;
	int ret;

	if (s->__reserved)
		return -EINVAL;
	ret = mpool_dev_check_name(s->name);
	if (ret)
		return ret;
	ret = mpool_stats_by_name(s->name, &st);
	if (ret)
		return ret;
#define MPOOL_STAT(name) (s->out_##name = st.name)
#define MPOOL_HIST(name, n) memcpy(s->out_##name, st.name, (n) * sizeof(u64))
#include <uapi/mpool_stat_list.h>
#undef MPOOL_HIST
#undef MPOOL_STAT
	return mpool_dev_respond(ucmd, sizeof(*s));
}

/* Big enough for the struct of any command. */
union mpool_dev_buffer {
	struct mpool_ioc_version version;
	struct mpool_ioc_create create;
	struct mpool_ioc_name name;
	struct mpool_ioc_list list;
	struct mpool_ioc_stats stats;
	struct mpool_ioc_alloc alloc;
	struct mpool_ioc_free free;
	struct mpool_ioc_rw rw;
	struct mpool_ioc_map map;
	struct mpool_ioc_watch watch;
	struct mpool_ioc_debug debug;
};

/* The access a command needs, by the header's "Permissions". */
enum mpool_dev_access {
	MPOOL_DEV_ACCESS_NONE,	/* counters and names */
	MPOOL_DEV_ACCESS_READ,	/* a pool's bytes: FMODE_READ */
	MPOOL_DEV_ACCESS_WRITE,	/* any change: FMODE_WRITE */
};

/**
 * struct mpool_dev_op - one ioctl command
 * @size: the struct as this kernel knows it
 * @min_size: the smallest struct accepted: up to the last field of the
 *	command's first version (offsetofend), so that a struct that grows
 *	keeps old callers working
 * @ioctl_num: the full command number, checked against the caller's
 * @access: what the open file needs for it: the table of "Permissions"
 * @execute: the handler; the struct is in ucmd->cmd, copied in whole
 */
struct mpool_dev_op {
	unsigned int size;
	unsigned int min_size;
	unsigned int ioctl_num;
	enum mpool_dev_access access;
	int (*execute)(struct mpool_dev_ucmd *ucmd);
};

/* MPOOL_DEV_OP(CREATE, ...) is the entry of MPOOL_IOC_CREATE, at its nr. */
#define MPOOL_DEV_OP(_cmd, _fn, _struct, _last, _access)		\
	[MPOOL_CMD_##_cmd] = {						\
		.size = sizeof(_struct) +				\
			BUILD_BUG_ON_ZERO(sizeof(union mpool_dev_buffer) < \
					  sizeof(_struct)),		\
		.min_size = offsetofend(_struct, _last),		\
		.ioctl_num = MPOOL_IOC_##_cmd,				\
		.access = MPOOL_DEV_ACCESS_##_access,			\
		.execute = _fn,						\
	}

static const struct mpool_dev_op mpool_dev_ops[] = {
	MPOOL_DEV_OP(VERSION, mpool_dev_version, struct mpool_ioc_version,
		     out_abi_version, NONE),
	MPOOL_DEV_OP(CREATE, mpool_dev_create, struct mpool_ioc_create,
		     name, WRITE),
	MPOOL_DEV_OP(DESTROY, mpool_dev_destroy, struct mpool_ioc_name,
		     name, WRITE),
	MPOOL_DEV_OP(LIST, mpool_dev_list, struct mpool_ioc_list,
		     names, NONE),
	MPOOL_DEV_OP(STATS, mpool_dev_stats, struct mpool_ioc_stats,
		     out_bytes_reserved, NONE),
	MPOOL_DEV_OP(ALLOC, mpool_dev_alloc, struct mpool_ioc_alloc,
		     __reserved, WRITE),
	MPOOL_DEV_OP(FREE, mpool_dev_free, struct mpool_ioc_free,
		     out_invalid, WRITE),
	MPOOL_DEV_OP(GIVE, mpool_dev_give, struct mpool_ioc_handover,
		     out_invalid, WRITE),
	MPOOL_DEV_OP(TAKE, mpool_dev_take, struct mpool_ioc_handover,
		     out_invalid, WRITE),
	MPOOL_DEV_OP(WRITE, mpool_dev_write, struct mpool_ioc_rw,
		     buf, WRITE),
	MPOOL_DEV_OP(READ, mpool_dev_read, struct mpool_ioc_rw,
		     buf, READ),
	MPOOL_DEV_OP(RESET, mpool_dev_reset, struct mpool_ioc_name,
		     name, WRITE),
	MPOOL_DEV_OP(MAP, mpool_dev_map, struct mpool_ioc_map,
		     __reserved2, READ),
	/* MPOOL_WATCH_SET needs write access: checked by the handler. */
	MPOOL_DEV_OP(WATCH, mpool_dev_watch, struct mpool_ioc_watch,
		     __reserved, NONE),
	/* A change of mode needs write access: checked by the handler. */
	MPOOL_DEV_OP(DEBUG, mpool_dev_debug, struct mpool_ioc_debug,
		     out_quarantined, NONE),
};

/*
 * Every command: look it up, check access, then copy in its struct, which
 * starts with its __u32 size, as the header's "General ioctl format" says:
 * shorter than the first version is -EINVAL, bytes past what we know must
 * be zero (-E2BIG, from copy_struct_from_user()).
 */
static long mpool_dev_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct mpool_dev_ucmd ucmd = {
		.ubuffer = (void __user *)arg,
		.df = file->private_data,
	};
	const struct mpool_dev_op *op;
	union mpool_dev_buffer buf;
	unsigned int nr = _IOC_NR(cmd);
	int ret;

	if (nr >= ARRAY_SIZE(mpool_dev_ops))
		return -ENOTTY;
	op = &mpool_dev_ops[nr];
	if (!op->execute || op->ioctl_num != cmd)
		return -ENOTTY;
	if ((op->access == MPOOL_DEV_ACCESS_READ &&
	     !(file->f_mode & FMODE_READ)) ||
	    (op->access == MPOOL_DEV_ACCESS_WRITE &&
	     !(file->f_mode & FMODE_WRITE)))
		return -EPERM;
	if (get_user(ucmd.user_size, (u32 __user *)ucmd.ubuffer))
		return -EFAULT;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;
	/* Bounds the zero check of the tail, as openat2() and clone3() do. */
	if (ucmd.user_size > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(&buf, op->size, ucmd.ubuffer,
				    ucmd.user_size);
	if (ret)
		return ret;
	ucmd.cmd = &buf;
	return op->execute(&ucmd);
}

static int mpool_dev_open(struct inode *inode, struct file *file)
{
	struct mpool_dev_file *df;

	df = kzalloc(sizeof(*df), GFP_KERNEL_ACCOUNT);
	if (!df)
		return -ENOMEM;
	df->file = file;
	mpool_dev_file_init(df);
	mpool_dev_offsets_file_init(df);
	mpool_dev_watch_file_init(df);
	file->private_data = df;
	return 0;
}

static int mpool_dev_release(struct inode *inode, struct file *file)
{
	struct mpool_dev_file *df = file->private_data;

	mpool_dev_file_release(df);
	mpool_dev_offsets_file_release(df);
	mpool_dev_watch_release(df);
	kfree(df);
	return 0;
}

static const struct file_operations mpool_dev_fops = {
	.owner = THIS_MODULE,	/* an open file pins the module */
	.open = mpool_dev_open,
	.release = mpool_dev_release,
	.unlocked_ioctl = mpool_dev_ioctl,
	.poll = mpool_dev_watch_poll,
	.read = mpool_dev_watch_read,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = mpool_dev_mmap,
	.llseek = noop_llseek,
};

static struct miscdevice mpool_dev_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mempool",
	.fops = &mpool_dev_fops,
	.mode = 0600,
};

int mpool_dev_init(void)
{
	int ret = mpool_dev_map_init();

	if (ret)
		return ret;
	ret = misc_register(&mpool_dev_misc);
	if (ret)
		mpool_dev_map_exit();
	return ret;
}

/*
 * No file is open (each pins the module, and each mapping its file), so
 * no pool has other users; a pool whose last mapping went may still be
 * waiting on mpool_dev_map_exit() to be freed.
 */
void mpool_dev_exit(void)
{
	struct mpool_dev_pool *dp, *tmp;

	misc_deregister(&mpool_dev_misc);
	list_for_each_entry_safe(dp, tmp, &mpool_dev_pools, node) {
		list_del(&dp->node);
		mpool_dev_offsets_unpublish(dp, true);
		mpool_dev_pool_put(dp);
	}
	mpool_dev_map_exit();
}
