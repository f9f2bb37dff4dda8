// SPDX-License-Identifier: GPL-2.0
/*
 * MPOOL_IOC_ALLOC, FREE, READ, WRITE, GIVE and TAKE: the blocks of a
 * device pool, as userspace holds them, by handle (see "Block handles" in
 * mpool_ioctl.h).
 *
 * Only this file allocates and frees the blocks of device pools, so it
 * keeps, per block, the generation of its current or last allocation,
 * whether it is handed out, and its owner, under the pool's blocks_lock.
 * A handle is checked under that lock together with what it guards: a
 * free marks the block no longer handed out before the lock is dropped,
 * and READ and WRITE copy each chunk under it.  So a stale handle never
 * touches the block's next holder, not even for one chunk, and of two
 * frees of one handle exactly one succeeds.
 *
 * An ALLOC hands its blocks out under the pool's hand_out_lock, which
 * DESTROY holds while it decides: once a DESTROY succeeded, an ALLOC
 * still in flight gives back what it took and fails (ENOENT), so no
 * call returns a block of a destroyed pool.
 *
 * Owned blocks (MPOOL_ALLOC_OWNED) belong to the open file, shared by
 * fork() and dup() as flock() locks are; its last close frees them.
 * GIVE marks an owned block given, its owner unchanged; TAKE makes a
 * given block the taker's (see struct mpool_ioc_handover).
 */
#include <linux/bits.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <uapi/mpool_ioctl.h>
#include "mempool_dev.h"
#include "mempool_internal.h"

/*
 * block_state: the generation, whether the block is handed out, and
 * whether its owner gave it (MPOOL_IOC_GIVE) and nobody took it yet.
 */
#define MPOOL_DEV_GEN_MASK	((1U << (64 - MPOOL_HANDLE_GEN_SHIFT)) - 1)
#define MPOOL_DEV_HANDED_OUT	BIT(31)
#define MPOOL_DEV_GIVEN		BIT(30)
static_assert(!(MPOOL_DEV_GEN_MASK &
		(MPOOL_DEV_HANDED_OUT | MPOOL_DEV_GIVEN)));

/*
 * The last generation value handed out, for every device pool: so that a
 * handle of one pool never names a block of another, not even a later
 * pool of the same name at the same offset.  Taken modulo 2^24 (2^32 is a
 * multiple, so the wrap of the counter changes nothing), skipping 0.
 */
static atomic_t mpool_dev_last_gen = ATOMIC_INIT(0);

/*
 * The next generation of a batch: [*@next, *@end) are the counter values
 * it reserved and has not used yet.  A batch (at most MPOOL_IOC_BATCH_MAX
 * blocks, far fewer than 2^24) spans at most one value that is 0 in 24
 * bits; when it skipped one, its last block takes a value of its own.
 * Every value goes to one allocation or is 0, so a generation comes back
 * only after 2^24 - 1 further ones.
 */
static u32 mpool_dev_next_gen(u32 *next, u32 *end)
{
	u32 gen;

	do {
		if (*next == *end) {
			*next = atomic_inc_return(&mpool_dev_last_gen);
			*end = *next + 1;
		}
		gen = (*next)++ & MPOOL_DEV_GEN_MASK;
	} while (!gen);
	return gen;
}

/* Blocks a close looks at per hold of blocks_lock. */
#define MPOOL_DEV_RECLAIM_CHUNK	128

/**
 * struct mpool_dev_owned - a pool an open file owns blocks of
 * @node: entry in mpool_dev_file.owned_pools
 * @dp: the pool, referenced: its memory stays until the file lets go
 * @nr_owned: blocks of @dp the file owns, plus those an owned ALLOC or a
 *	TAKE in flight may take; the entry goes when it drops to 0
 */
struct mpool_dev_owned {
	struct list_head node;
	struct mpool_dev_pool *dp;
	unsigned long nr_owned;
};

bool mpool_dev_block_owner(void *dev_data, unsigned int index, pid_t *pid,
			   char *comm, bool *given)
{
	struct mpool_dev_pool *dp = dev_data;
	struct mpool_dev_file *owner;

	if (index >= dp->nr_blocks)
		return false;
	/* The owner's close clears this under the lock before it is freed. */
	spin_lock(&dp->blocks_lock);
	owner = dp->block_owner[index];
	if (owner) {
		*pid = owner->pid;
		memcpy(comm, owner->comm, TASK_COMM_LEN);
		*given = dp->block_state[index] & MPOOL_DEV_GIVEN;
	}
	spin_unlock(&dp->blocks_lock);
	return owner;
}

void mpool_dev_file_init(struct mpool_dev_file *df)
{
	mutex_init(&df->owned_lock);
	INIT_LIST_HEAD(&df->owned_pools);
	df->pid = task_tgid_nr(current);
	get_task_comm(df->comm, current);
}

/* The file's entry for @dp, or NULL.  Called with owned_lock held. */
static struct mpool_dev_owned *mpool_dev_owned_find(struct mpool_dev_file *df,
						    struct mpool_dev_pool *dp)
{
	struct mpool_dev_owned *o;

	lockdep_assert_held(&df->owned_lock);
	list_for_each_entry(o, &df->owned_pools, node)
		if (o->dp == dp)
			return o;
	return NULL;
}

/*
 * Before an owned ALLOC of up to @n blocks: makes sure the file has an
 * entry for @dp, counting the @n, so that no failure can follow the
 * allocation.  mpool_dev_unown() gives back what was not taken.
 */
static int mpool_dev_own(struct mpool_dev_file *df, struct mpool_dev_pool *dp,
			 unsigned int n)
{
	struct mpool_dev_owned *o;
	int ret = 0;

	mutex_lock(&df->owned_lock);
	o = mpool_dev_owned_find(df, dp);
	if (!o) {
		o = kzalloc(sizeof(*o), GFP_KERNEL_ACCOUNT);
		if (!o) {
			ret = -ENOMEM;
			goto out;
		}
		kref_get(&dp->ref);
		o->dp = dp;
		list_add(&o->node, &df->owned_pools);
	}
	o->nr_owned += n;
out:
	mutex_unlock(&df->owned_lock);
	return ret;
}

/* @n blocks of @dp the file no longer owns (or never took). */
static void mpool_dev_unown(struct mpool_dev_file *df,
			    struct mpool_dev_pool *dp, unsigned int n)
{
	struct mpool_dev_owned *o;

	if (!n)
		return;
	mutex_lock(&df->owned_lock);
	o = mpool_dev_owned_find(df, dp);
	if (o)
		o->nr_owned -= n;
	if (o && !o->nr_owned) {
		list_del(&o->node);
		/* The caller holds a reference too: never the last put. */
		mpool_dev_pool_put(dp);
		kfree(o);
	}
	mutex_unlock(&df->owned_lock);
}

/*
 * Checks @handle against block state with blocks_lock held: the block's
 * index, or -ERANGE (outside the region), -EINVAL (not a block's start),
 * -ENXIO (not handed out), -ESTALE (another allocation's handle).
 */
static long mpool_dev_check_handle(struct mpool_dev_pool *dp, u64 handle)
{
	long idx = mpool_block_index(dp->pool, MPOOL_HANDLE_OFFSET(handle));
	u32 state;

	lockdep_assert_held(&dp->blocks_lock);
	if (idx < 0)
		return idx;
	state = dp->block_state[idx];
	if (!(state & MPOOL_DEV_HANDED_OUT))
		return -ENXIO;
	if ((state & MPOOL_DEV_GEN_MASK) != MPOOL_HANDLE_GEN(handle))
		return -ESTALE;
	return idx;
}

/*
 * As mpool_dev_check_handle(), and then -EPERM when another file owns the
 * block: what FREE, READ and WRITE may act on.
 */
static long mpool_dev_check(struct mpool_dev_pool *dp,
			    struct mpool_dev_file *df, u64 handle)
{
	long idx = mpool_dev_check_handle(dp, handle);

	if (idx >= 0 && dp->block_owner[idx] && dp->block_owner[idx] != df)
		return -EPERM;
	return idx;
}

/*
 * Frees the block of @handle if @df may: 0, or the errno of
 * mpool_dev_check().  Sets *@owned when the block was the file's own.
 */
static int mpool_dev_free_one(struct mpool_dev_pool *dp,
			      struct mpool_dev_file *df, u64 handle,
			      bool *owned)
{
	long idx;

	spin_lock(&dp->blocks_lock);
	idx = mpool_dev_check(dp, df, handle);
	if (idx < 0) {
		spin_unlock(&dp->blocks_lock);
		return idx;
	}
	*owned = dp->block_owner[idx];
	dp->block_state[idx] &= ~(MPOOL_DEV_HANDED_OUT | MPOOL_DEV_GIVEN);
	dp->block_owner[idx] = NULL;
	spin_unlock(&dp->blocks_lock);
	/*
	 * No handle reaches the block any more, and the engine keeps it
	 * allocated until here: the free is ours alone.  Out of the lock,
	 * because poisoning a large block takes long.
	 */
	return mpool_free_checked(dp->pool,
				  mpool_block_at(dp->pool,
						 MPOOL_HANDLE_OFFSET(handle)));
}

/*
 * Frees @n handles for @df, each result in @results (may be NULL);
 * returns how many were freed.  Updates the file's count of owned blocks
 * and the pool's counters, and tells the watchers.
 */
static unsigned int mpool_dev_free_handles(struct mpool_dev_pool *dp,
					   struct mpool_dev_file *df,
					   const u64 *handles, s32 *results,
					   unsigned int n)
{
	unsigned int i, freed = 0, owned = 0;
	bool own;
	int ret;

	for (i = 0; i < n; i++) {
		own = false;
		ret = mpool_dev_free_one(dp, df, handles[i], &own);
		if (results)
			results[i] = ret;
		if (ret)
			continue;
		freed++;
		owned += own;
	}
	/* The engine counted none of the refused. */
	if (freed < n)
		mpool_count_invalid_frees(dp->pool, n - freed);
	mpool_dev_unown(df, dp, owned);
	mpool_dev_watch_update(dp);
	return freed;
}

/*
 * Makes handles of the @n blocks at @handles' offsets, now handed out;
 * -ENOENT, and nothing handed out, once the pool was destroyed.
 */
static int mpool_dev_hand_out(struct mpool_dev_pool *dp,
			      struct mpool_dev_file *owner, u64 *handles,
			      unsigned int n)
{
	unsigned int i;
	u32 gen, next, end;
	long idx;

	/* Against DESTROY: see hand_out_lock in mempool_dev.h. */
	mutex_lock(&dp->hand_out_lock);
	if (dp->dead) {
		mutex_unlock(&dp->hand_out_lock);
		return -ENOENT;
	}
	/* One atomic add reserves the batch's generations. */
	end = (u32)atomic_add_return(n, &mpool_dev_last_gen) + 1;
	next = end - n;
	spin_lock(&dp->blocks_lock);
	for (i = 0; i < n; i++) {
		/* Offsets of blocks the engine just gave: always valid. */
		idx = mpool_block_index(dp->pool, handles[i]);
		if (WARN_ON_ONCE(idx < 0))
			continue;
		/* Never 0: a version 2 caller's bare offsets name no block. */
		gen = mpool_dev_next_gen(&next, &end);
		dp->block_state[idx] = gen | MPOOL_DEV_HANDED_OUT;
		dp->block_owner[idx] = owner;
		handles[i] |= (u64)gen << MPOOL_HANDLE_GEN_SHIFT;
	}
	spin_unlock(&dp->blocks_lock);
	mutex_unlock(&dp->hand_out_lock);
	return 0;
}

/* Gives the engine back @n blocks taken but never handed out. */
static void mpool_dev_give_back(struct mpool_dev_pool *dp, const u64 *offsets,
				unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		mpool_free_checked(dp->pool,
				   mpool_block_at(dp->pool, offsets[i]));
}

int mpool_dev_alloc(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_alloc *a = ucmd->cmd;
	struct mpool_dev_file *df = ucmd->df;
	bool owned = a->flags & MPOOL_ALLOC_OWNED;
	struct mpool_dev_pool *dp;
	unsigned int n = 0;
	u64 *handles;
	void *block;
	int ret = 0;

	if ((a->flags & ~(MPOOL_ALLOC_WAIT | MPOOL_ALLOC_OWNED)) ||
	    a->__reserved || a->out_allocated || !a->count ||
	    a->count > mpool_max_batch() ||
	    !(a->flags & MPOOL_ALLOC_WAIT) != !a->timeout_ms)
		return -EINVAL;
	handles = kcalloc(a->count, sizeof(*handles), GFP_KERNEL);
	if (!handles)
		return -ENOMEM;
	dp = mpool_dev_pool_get(a->name);
	if (IS_ERR(dp)) {
		ret = PTR_ERR(dp);
		goto out_free;
	}
	if (owned) {
		ret = mpool_dev_own(df, dp, a->count);
		if (ret)
			goto out_put;
	}

	if (a->flags & MPOOL_ALLOC_WAIT) {
		block = mpool_alloc_timeout(dp->pool,
					    msecs_to_jiffies(a->timeout_ms));
		if (IS_ERR(block)) {
			ret = PTR_ERR(block);
			/* Destroyed while we slept: as if it never was. */
			if (ret == -ECANCELED)
				ret = -ENOENT;
			goto out_unown;
		}
		handles[n++] = mpool_block_offset(dp->pool, block);
	}
	while (n < a->count && (block = mpool_alloc(dp->pool)))
		handles[n++] = mpool_block_offset(dp->pool, block);
	if (!n) {
		ret = -ENOSPC;
		goto out_unown;
	}
	ret = mpool_dev_hand_out(dp, owned ? df : NULL, handles, n);
	if (ret) {
		/* Destroyed meanwhile: the blocks are nobody's. */
		mpool_dev_give_back(dp, handles, n);
		n = 0;
		goto out_unown;
	}

	a->out_allocated = n;
	if (copy_to_user(u64_to_user_ptr(a->handles), handles,
			 n * sizeof(*handles)) ||
	    mpool_dev_respond(ucmd, sizeof(*a))) {
		/*
		 * The caller cannot learn of the blocks: give them back (a
		 * racing FREE of an unowned one that guessed its handle
		 * may have been first; then ours is refused, which is fine).
		 */
		if (owned)
			mpool_dev_unown(df, dp, a->count - n);
		mpool_dev_free_handles(dp, df, handles, NULL, n);
		ret = -EFAULT;
		goto out_put;
	}
	mpool_dev_watch_update(dp);
	if (owned)
		mpool_dev_unown(df, dp, a->count - n);
	goto out_put;

out_unown:
	if (owned)
		mpool_dev_unown(df, dp, a->count - n);
out_put:
	mpool_dev_pool_put(dp);
out_free:
	kfree(handles);
	return ret;
}

/*
 * One of FREE, GIVE and TAKE on @n handles of @dp for @df, each handle's
 * result (0 or a negative errno) in @results: how many it did, or a
 * negative errno when the call fails as a whole, having done nothing.
 */
typedef int (*mpool_dev_batch_fn)(struct mpool_dev_pool *dp,
				  struct mpool_dev_file *df,
				  const u64 *handles, s32 *results,
				  unsigned int n);

/*
 * FREE, GIVE and TAKE take the same arguments (struct mpool_ioc_free and
 * struct mpool_ioc_handover): @count handles at the user address
 * @uhandles for the pool @name, a result per handle written to the user
 * address @uresults unless it is 0, and @out_done and @out_invalid back
 * in the struct of @cmd_len bytes.
 */
static int mpool_dev_batch(struct mpool_dev_ucmd *ucmd, const __u8 *name,
			   u32 count, u64 uhandles, u64 uresults,
			   u32 *out_done, u32 *out_invalid, size_t cmd_len,
			   mpool_dev_batch_fn fn)
{
	struct mpool_dev_pool *dp;
	u64 *handles;
	s32 *results;
	int ret;

	if (!count || count > mpool_max_batch() || *out_done || *out_invalid)
		return -EINVAL;
	handles = kcalloc(count, sizeof(*handles), GFP_KERNEL);
	results = kcalloc(count, sizeof(*results), GFP_KERNEL);
	if (!handles || !results) {
		ret = -ENOMEM;
		goto out_free;
	}
	if (copy_from_user(handles, u64_to_user_ptr(uhandles),
			   count * sizeof(*handles))) {
		ret = -EFAULT;
		goto out_free;
	}
	dp = mpool_dev_pool_get(name);
	if (IS_ERR(dp)) {
		ret = PTR_ERR(dp);
		goto out_free;
	}
	ret = fn(dp, ucmd->df, handles, results, count);
	mpool_dev_pool_put(dp);
	if (ret < 0)
		goto out_free;
	*out_done = ret;
	*out_invalid = count - ret;

	/* The work is done; a bad results address loses only the report. */
	if (uresults && copy_to_user(u64_to_user_ptr(uresults), results,
				     count * sizeof(*results)))
		ret = -EFAULT;
	else
		ret = mpool_dev_respond(ucmd, cmd_len);
out_free:
	kfree(results);
	kfree(handles);
	return ret;
}

static int mpool_dev_free_batch(struct mpool_dev_pool *dp,
				struct mpool_dev_file *df, const u64 *handles,
				s32 *results, unsigned int n)
{
	return mpool_dev_free_handles(dp, df, handles, results, n);
}

int mpool_dev_free(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_free *f = ucmd->cmd;

	return mpool_dev_batch(ucmd, f->name, f->count, f->handles,
			       f->results, &f->out_freed, &f->out_invalid,
			       sizeof(*f), mpool_dev_free_batch);
}

/* Marks the block of @handle given, if @df owns it: 0 or a -errno. */
static int mpool_dev_give_one(struct mpool_dev_pool *dp,
			      struct mpool_dev_file *df, u64 handle)
{
	long idx;

	spin_lock(&dp->blocks_lock);
	idx = mpool_dev_check(dp, df, handle);
	/* An unowned block is nobody's to give. */
	if (idx >= 0 && dp->block_owner[idx] != df)
		idx = -EPERM;
	if (idx >= 0)
		dp->block_state[idx] |= MPOOL_DEV_GIVEN;
	spin_unlock(&dp->blocks_lock);
	return idx < 0 ? idx : 0;
}

static int mpool_dev_give_batch(struct mpool_dev_pool *dp,
				struct mpool_dev_file *df, const u64 *handles,
				s32 *results, unsigned int n)
{
	unsigned int i, given = 0;

	for (i = 0; i < n; i++) {
		results[i] = mpool_dev_give_one(dp, df, handles[i]);
		given += !results[i];
	}
	return given;
}

int mpool_dev_give(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_handover *h = ucmd->cmd;

	return mpool_dev_batch(ucmd, h->name, h->count, h->handles,
			       h->results, &h->out_done, &h->out_invalid,
			       sizeof(*h), mpool_dev_give_batch);
}

/*
 * Makes the given block of @handle @df's, if it is given: 0 and its
 * giver in *@giver, or a -errno.  Check and move under one hold of
 * blocks_lock, so of two TAKEs of a block exactly one finds it given, and
 * the giver's FREE or close either comes first (the TAKE finds the block
 * not handed out) or finds the block another file's.
 */
static int mpool_dev_take_one(struct mpool_dev_pool *dp,
			      struct mpool_dev_file *df, u64 handle,
			      struct mpool_dev_file **giver)
{
	long idx;

	spin_lock(&dp->blocks_lock);
	idx = mpool_dev_check_handle(dp, handle);
	/*
	 * Only an owner sets GIVEN, and every change of owner clears it;
	 * the owner is checked all the same, as we count the block off it.
	 */
	if (idx >= 0 && (!(dp->block_state[idx] & MPOOL_DEV_GIVEN) ||
			 !dp->block_owner[idx]))
		idx = -EPERM;
	if (idx >= 0) {
		*giver = dp->block_owner[idx];
		dp->block_owner[idx] = df;
		dp->block_state[idx] &= ~MPOOL_DEV_GIVEN;
	}
	spin_unlock(&dp->blocks_lock);
	return idx < 0 ? idx : 0;
}

/*
 * The blocks move under hand_out_lock, held until each giver's count is
 * down: a giver's close waits for that lock after freeing what it still
 * owns, so a giver found as a block's owner stays until we are done with
 * it.  The lock also orders TAKE with DESTROY: once DESTROY succeeded,
 * no TAKE gives a file a block of the pool (-ENOENT), as no ALLOC does.
 */
static int mpool_dev_take_batch(struct mpool_dev_pool *dp,
				struct mpool_dev_file *df, const u64 *handles,
				s32 *results, unsigned int n)
{
	struct mpool_dev_file *giver, *prev = NULL;
	unsigned int i, taken = 0, from_prev = 0;
	int ret;

	/* Room in our count first, so that nothing fails after a move. */
	ret = mpool_dev_own(df, dp, n);
	if (ret)
		return ret;
	mutex_lock(&dp->hand_out_lock);
	if (dp->dead) {
		ret = -ENOENT;
		goto out_unlock;
	}
	for (i = 0; i < n; i++) {
		results[i] = mpool_dev_take_one(dp, df, handles[i], &giver);
		if (results[i])
			continue;
		taken++;
		/* Runs of one giver's blocks count off at once. */
		if (giver != prev) {
			mpool_dev_unown(prev, dp, from_prev);
			prev = giver;
			from_prev = 0;
		}
		from_prev++;
	}
	mpool_dev_unown(prev, dp, from_prev);
	ret = taken;
out_unlock:
	mutex_unlock(&dp->hand_out_lock);
	mpool_dev_unown(df, dp, n - taken);
	return ret;
}

int mpool_dev_take(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_handover *h = ucmd->cmd;

	return mpool_dev_batch(ucmd, h->name, h->count, h->handles,
			       h->results, &h->out_done, &h->out_invalid,
			       sizeof(*h), mpool_dev_take_batch);
}

/*
 * Copies @n bytes between @buf and the block of @handle from @pos, if
 * @df may: the check and the copy under one hold of blocks_lock.
 */
static int mpool_dev_copy_chunk(struct mpool_dev_pool *dp,
				struct mpool_dev_file *df, u64 handle,
				size_t pos, void *buf, size_t n, bool write)
{
	void *block;
	long idx;

	spin_lock(&dp->blocks_lock);
	idx = mpool_dev_check(dp, df, handle);
	if (idx >= 0) {
		block = mpool_block_at(dp->pool, MPOOL_HANDLE_OFFSET(handle));
		if (write)
			memcpy(block + pos, buf, n);
		else
			memcpy(buf, block + pos, n);
	}
	spin_unlock(&dp->blocks_lock);
	return idx < 0 ? idx : 0;
}

/*
 * Copies between the user's buffer and a block a page at a time through
 * a page of bounce buffer, so that a READ or WRITE of a huge block holds
 * no more kernel memory than that, however many run at once.  Each page
 * is copied under blocks_lock, which user copies must not take, hence
 * the bounce.
 */
static int mpool_dev_rw(struct mpool_dev_ucmd *ucmd, bool write)
{
	struct mpool_ioc_rw *rw = ucmd->cmd;
	struct mpool_dev_pool *dp;
	void __user *ubuf = u64_to_user_ptr(rw->buf);
	size_t block_size, done, n;
	void *buf;
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
	for (done = 0; done < rw->length && !ret; done += n) {
		n = min_t(size_t, rw->length - done, PAGE_SIZE);
		if (write) {
			if (copy_from_user(buf, ubuf + done, n))
				ret = -EFAULT;
			else
				ret = mpool_dev_copy_chunk(dp, ucmd->df,
							   rw->handle,
							   rw->pos + done,
							   buf, n, true);
		} else {
			ret = mpool_dev_copy_chunk(dp, ucmd->df, rw->handle,
						   rw->pos + done, buf, n,
						   false);
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

/*
 * Frees every block of @dp that @df owns, a chunk of blocks_lock at a
 * time; returns how many.
 */
static u64 mpool_dev_reclaim(struct mpool_dev_pool *dp,
			     struct mpool_dev_file *df)
{
	unsigned int idx[MPOOL_DEV_RECLAIM_CHUNK];
	unsigned int start, end, i, n;
	u64 freed = 0;

	for (start = 0; start < dp->nr_blocks; start = end) {
		end = start + min_t(unsigned int, dp->nr_blocks - start,
				    MPOOL_DEV_RECLAIM_CHUNK);
		n = 0;
		spin_lock(&dp->blocks_lock);
		for (i = start; i < end; i++) {
			if (dp->block_owner[i] != df)
				continue;
			dp->block_owner[i] = NULL;
			dp->block_state[i] &= ~(MPOOL_DEV_HANDED_OUT |
						MPOOL_DEV_GIVEN);
			idx[n++] = i;
		}
		spin_unlock(&dp->blocks_lock);
		for (i = 0; i < n; i++)
			if (!mpool_free_checked(dp->pool,
						mpool_block_by_index(dp->pool,
								     idx[i])))
				freed++;
		cond_resched();
	}
	return freed;
}

/*
 * The last close of @df: frees the blocks it owns, in every pool, and
 * drops its references on those pools.  No ioctl on @df is in flight, but
 * a TAKE on another file may be counting off a block it took from @df,
 * and even drop @df's entry for the pool: one pool at a time, with the
 * entry looked up again under owned_lock.
 */
void mpool_dev_file_release(struct mpool_dev_file *df)
{
	struct mpool_dev_owned *o;
	struct mpool_dev_pool *dp;
	u64 freed;

	for (;;) {
		mutex_lock(&df->owned_lock);
		o = list_first_entry_or_null(&df->owned_pools,
					     struct mpool_dev_owned, node);
		if (o) {
			dp = o->dp;
			kref_get(&dp->ref);
		}
		mutex_unlock(&df->owned_lock);
		if (!o)
			break;

		freed = mpool_dev_reclaim(dp, df);
		if (freed) {
			mpool_count_reclaimed(dp->pool, freed);
			mpool_dev_watch_update(dp);
		}
		/*
		 * @df owns no block of @dp now, and cannot own one again; a
		 * TAKE that found it the owner of one before holds
		 * hand_out_lock until it counted the block off: wait for it.
		 */
		mutex_lock(&dp->hand_out_lock);
		mutex_unlock(&dp->hand_out_lock);

		mutex_lock(&df->owned_lock);
		o = mpool_dev_owned_find(df, dp);
		if (o) {
			list_del(&o->node);
			mpool_dev_pool_put(dp);	/* we hold one too */
			kfree(o);
		}
		mutex_unlock(&df->owned_lock);
		mpool_dev_pool_put(dp);
	}
	mutex_destroy(&df->owned_lock);
}
