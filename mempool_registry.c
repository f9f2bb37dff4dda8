// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of named pools: names are unique, listings and debugfs
 * find pools here, and the pools userspace creates (MPOOL_F_USER) are
 * capped together by the max_bytes and max_pools module parameters.
 * debugfs shows a pool through the view ops the module sets at init
 * (mpool_set_view_ops()): the engine never calls it by name.
 *
 * A pool is registered before its memory is allocated, so that a name or
 * budget it cannot have costs nothing, and published once it is built:
 * until then it holds its name but listings and lookups skip it.
 * Anonymous pools (NULL name) take no name, only budget if charged.
 *
 * A pool leaves in two steps.  mpool_unlist() gives back its name and
 * takes it out of listings (at DESTROY); mpool_uncharge() gives back its
 * budget once its memory is freed, which for a device pool still mapped
 * or holding owned blocks is later.  In between the pool still counts
 * against max_bytes and max_pools, and /sys/kernel/debug/mempool/budget
 * shows it among the destroyed ones: a region nobody can name cannot
 * take memory past the cap either.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include <uapi/mpool_ioctl.h>

#include "mempool_core.h"
#include "mempool_internal.h"

static unsigned long max_bytes = 256UL << 20;
module_param(max_bytes, ulong, 0644);
MODULE_PARM_DESC(max_bytes, "Most bytes the pools created through /dev/mempool may reserve together (default 256 MiB)");

static unsigned int max_pools = 1024;
module_param(max_pools, uint, 0644);
MODULE_PARM_DESC(max_pools, "Most pools that may exist through /dev/mempool at once (default 1024)");

static unsigned int max_batch = MPOOL_IOC_BATCH_MAX;

static int max_batch_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, MPOOL_IOC_BATCH_MAX);
}

static const struct kernel_param_ops max_batch_ops = {
	.set = max_batch_set,
	.get = param_get_uint,
};

module_param_cb(max_batch, &max_batch_ops, &max_batch, 0644);
MODULE_PARM_DESC(max_batch, "Most blocks one ALLOC or FREE through /dev/mempool handles, 1 to 1024 (default 1024)");

/* The most blocks one MPOOL_IOC_ALLOC or MPOOL_IOC_FREE may name. */
unsigned int mpool_max_batch(void)
{
	return READ_ONCE(max_batch);
}

/*
 * Protects mpool_list, every pool's ready and unlisted flags, and what
 * userspace's pools hold: mpool_reserved bytes in mpool_user_pools
 * pools, of which mpool_destroyed_bytes in mpool_destroyed_pools are
 * unlisted pools whose memory is not freed yet.
 */
static DEFINE_MUTEX(mpool_list_lock);
static LIST_HEAD(mpool_list);
static size_t mpool_reserved;
static unsigned int mpool_user_pools;
static size_t mpool_destroyed_bytes;
static unsigned int mpool_destroyed_pools;

/* [A-Za-z0-9_.-], in ASCII: isalnum() also takes Latin-1 letters. */
static bool mpool_name_char_valid(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

bool mpool_name_valid(const char *name)
{
	const char *p;

	/*
	 * debugfs has files called "pools" and "budget" beside the pools'
	 * directories, and cannot make a directory called "." or "..".
	 */
	if (!strcmp(name, "pools") || !strcmp(name, "budget") ||
	    !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (p = name; *p; p++)
		if (!mpool_name_char_valid(*p))
			return false;
	return p != name;
}

static struct mpool *mpool_find_locked(const char *name)
{
	struct mpool *pool;

	lockdep_assert_held(&mpool_list_lock);
	list_for_each_entry(pool, &mpool_list, node)
		if (!strcmp(pool->name, name))
			return pool;
	return NULL;
}

/**
 * mpool_register - claim a name and budget for a pool being created
 * @pool: the pool, not yet built
 * @name: its name, or NULL for an anonymous pool
 * @charge: bytes to count against max_bytes, and the pool against
 *	max_pools; 0 for a kernel user's pool, which counts against neither
 *
 * Context: process context; sleeps.
 * Return: 0; -EEXIST when a pool has that name; -ENOSPC when max_pools
 * of userspace's pools exist; -EDQUOT when @charge does not fit in what
 * is left of max_bytes.  Destroyed pools whose memory is not freed yet
 * count in both.
 */
int mpool_register(struct mpool *pool, const char *name, size_t charge)
{
	/* One read each: a concurrent write must not split a check. */
	size_t limit = READ_ONCE(max_bytes);
	unsigned int pools = READ_ONCE(max_pools);
	int ret = 0;

	mutex_lock(&mpool_list_lock);
	if (name && mpool_find_locked(name)) {
		ret = -EEXIST;
		goto out_unlock;
	}
	if (charge && mpool_user_pools >= pools) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	if (charge > limit || mpool_reserved > limit - charge) {
		ret = -EDQUOT;
		goto out_unlock;
	}
	pool->charged = charge;
	mpool_reserved += charge;
	mpool_user_pools += !!charge;
	if (name)
		list_add_tail(&pool->node, &mpool_list);
out_unlock:
	mutex_unlock(&mpool_list_lock);
	return ret;
}

/* The pool is built: listings and lookups show it from now on. */
void mpool_publish(struct mpool *pool)
{
	mutex_lock(&mpool_list_lock);
	pool->ready = true;
	mutex_unlock(&mpool_list_lock);
}

/**
 * mpool_charge_more - count more memory of a userspace pool against max_bytes
 * @pool: the pool, registered
 * @bytes: what it holds now beyond its charge (a debug mode's arrays)
 *
 * A kernel user's pool (charged nothing) counts against nothing.
 *
 * Context: process context; sleeps.
 * Return: 0; -EDQUOT when @bytes do not fit in what is left of max_bytes.
 */
int mpool_charge_more(struct mpool *pool, size_t bytes)
{
	size_t limit = READ_ONCE(max_bytes);
	int ret = 0;

	mutex_lock(&mpool_list_lock);
	if (!pool->charged)
		goto out_unlock;
	if (bytes > limit || mpool_reserved > limit - bytes) {
		ret = -EDQUOT;
		goto out_unlock;
	}
	pool->charged += bytes;
	mpool_reserved += bytes;
	if (pool->ready && pool->unlisted)
		mpool_destroyed_bytes += bytes;
out_unlock:
	mutex_unlock(&mpool_list_lock);
	return ret;
}

/**
 * mpool_unlist - give back a registered pool's name
 * @pool: the pool
 *
 * Lookups and listings no longer find it, and its name is free for a new
 * pool.  Its budget stays charged until mpool_uncharge(); a pool that was
 * published counts among the destroyed ones until then.  Calling it again
 * does nothing.
 *
 * Context: process context; sleeps.
 */
void mpool_unlist(struct mpool *pool)
{
	mutex_lock(&mpool_list_lock);
	list_del_init(&pool->node);
	if (pool->ready && !pool->unlisted) {
		mpool_destroyed_bytes += pool->charged;
		mpool_destroyed_pools += !!pool->charged;
	}
	pool->unlisted = true;
	mutex_unlock(&mpool_list_lock);
}

/*
 * How named pools are shown outside the engine (debugfs): set by the
 * module's init before any pool exists, cleared at its exit after the
 * last pool is gone, so read without a lock.  NULL: no views.
 */
static const struct mpool_view_ops *mpool_view_ops;

void mpool_set_view_ops(const struct mpool_view_ops *ops)
{
	mpool_view_ops = ops;
}

/* Gives a named pool its view; 0 and *@view NULL when there are none. */
int mpool_view_add(struct mpool *pool, const char *name, void **view)
{
	*view = NULL;
	return mpool_view_ops ? mpool_view_ops->add(pool, name, view) : 0;
}

void mpool_view_remove(void *view)
{
	if (mpool_view_ops && view)
		mpool_view_ops->remove(view);
}

/**
 * mpool_uncharge - give back a pool's budget: its memory is freed
 * @pool: the pool, unlisted
 *
 * Context: process context; sleeps.
 */
void mpool_uncharge(struct mpool *pool)
{
	mutex_lock(&mpool_list_lock);
	mpool_reserved -= pool->charged;
	mpool_user_pools -= !!pool->charged;
	if (pool->ready && pool->unlisted) {
		mpool_destroyed_bytes -= pool->charged;
		mpool_destroyed_pools -= !!pool->charged;
	}
	pool->charged = 0;
	mutex_unlock(&mpool_list_lock);
}

/**
 * mpool_budget_get - what userspace's pools hold against the budget now
 * @b: filled in, all from one moment
 *
 * Context: process context; sleeps.
 */
void mpool_budget_get(struct mpool_budget *b)
{
	b->max_bytes = READ_ONCE(max_bytes);
	b->max_pools = READ_ONCE(max_pools);
	mutex_lock(&mpool_list_lock);
	b->bytes = mpool_reserved;
	b->pools = mpool_user_pools;
	b->destroyed_bytes = mpool_destroyed_bytes;
	b->destroyed_pools = mpool_destroyed_pools;
	mutex_unlock(&mpool_list_lock);
}
EXPORT_SYMBOL_IF_KUNIT(mpool_budget_get);

/**
 * mpool_stats_by_name - statistics of the pool called @name
 * @name: the pool's name
 * @stats: filled in
 *
 * Context: process context; sleeps.
 * Return: 0, or -ENOENT when no pool has that name.
 */
int mpool_stats_by_name(const char *name, struct mpool_stats *stats)
{
	struct mpool *pool;
	int ret = -ENOENT;

	mutex_lock(&mpool_list_lock);
	pool = mpool_find_locked(name);
	if (pool && pool->ready) {
		mpool_get_stats(pool, stats);
		ret = 0;
	}
	mutex_unlock(&mpool_list_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mpool_stats_by_name);

/**
 * mpool_kernel_pool_exists - whether a kernel user's pool has this name
 * @name: the name
 *
 * For the device, to tell a pool it may not touch (-EPERM) from one that
 * is not there (-ENOENT), including one of userspace's pools being
 * created or destroyed at this moment.
 *
 * Context: process context; sleeps.
 */
bool mpool_kernel_pool_exists(const char *name)
{
	struct mpool *pool;
	bool ret;

	mutex_lock(&mpool_list_lock);
	pool = mpool_find_locked(name);
	ret = pool && pool->ready && !(pool->flags & MPOOL_F_USER);
	mutex_unlock(&mpool_list_lock);
	return ret;
}

/**
 * mpool_list_names - names of all pools, in creation order
 * @names: room for @max names, MPOOL_NAME_MAX bytes each
 * @max: how many names to copy at most
 *
 * Context: process context; sleeps.
 * Return: how many pools exist.
 */
unsigned int mpool_list_names(char *names, unsigned int max)
{
	struct mpool *pool;
	unsigned int n = 0;

	mutex_lock(&mpool_list_lock);
	list_for_each_entry(pool, &mpool_list, node) {
		if (!pool->ready)
			continue;
		if (n < max)
			strscpy(names + n * MPOOL_NAME_MAX, pool->name,
				MPOOL_NAME_MAX);
		n++;
	}
	mutex_unlock(&mpool_list_lock);
	return n;
}

/**
 * mpool_for_each - call @fn on a snapshot of every pool, in creation order
 * @fn: called with each pool's name and statistics; a non-zero return
 *	stops the walk and is returned
 * @arg: passed to @fn
 *
 * @fn runs under the pool list's mutex: it may sleep, but must not create
 * or destroy a pool.
 *
 * Context: process context; sleeps.
 * Return: 0, or what @fn returned.
 */
int mpool_for_each(int (*fn)(const char *name,
			     const struct mpool_stats *stats, void *arg),
		   void *arg)
{
	struct mpool_stats st;
	struct mpool *pool;
	int ret = 0;

	mutex_lock(&mpool_list_lock);
	list_for_each_entry(pool, &mpool_list, node) {
		if (!pool->ready)
			continue;
		mpool_get_stats(pool, &st);
		ret = fn(pool->name, &st, arg);
		if (ret)
			break;
	}
	mutex_unlock(&mpool_list_lock);
	return ret;
}
