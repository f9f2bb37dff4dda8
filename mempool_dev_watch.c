// SPDX-License-Identifier: GPL-2.0
/*
 * MPOOL_IOC_WATCH, poll() and read(): low-watermark events of device
 * pools.  Every change to a device pool's free blocks goes through
 * mempool_dev_blocks.c, which calls mpool_dev_watch_update() after it.
 *
 * A pool has a watermark and a list of watching files; a file watches at
 * most one pool and holds a reference on it while it does.  Each update
 * compares the free blocks with the watermark and, when they crossed it
 * since the last look, queues an event on every watching file, and fires
 * the mempool:watermark tracepoint: the watermark is the device's, so
 * only device pools with one set fire it.
 *
 * Locks, outermost first: watch_lock, a mutex, serializes every change of
 * who watches what (WATCH, close, destroy); a pool's watch.lock guards its
 * watermark and file list; a file's watch.lock guards its queue.  No user
 * copy happens under any of them.
 */
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "mempool_dev.h"
#include "mempool_internal.h"
#include "trace/events/mempool.h"

static DEFINE_MUTEX(watch_lock);

void mpool_dev_watch_pool_init(struct mpool_dev_pool *dp)
{
	spin_lock_init(&dp->watch.lock);
	INIT_LIST_HEAD(&dp->watch.files);
}

void mpool_dev_watch_file_init(struct mpool_dev_file *df)
{
	spin_lock_init(&df->watch.lock);
	INIT_LIST_HEAD(&df->watch.node);
	init_waitqueue_head(&df->watch.wait);
}

/*
 * Queues @ev on @w.  A full queue drops its oldest event and counts it,
 * with those it had counted, in the lost of the new oldest: the newest
 * event always says where the pool is now.
 */
static void mpool_dev_watch_push(struct mpool_dev_watcher *w,
				 const struct mpool_watch_event *ev)
{
	spin_lock(&w->lock);
	if (w->count == MPOOL_DEV_WATCH_QUEUE) {
		u32 lost = w->queue[w->head].lost;
		struct mpool_watch_event *oldest;

		w->head = (w->head + 1) % MPOOL_DEV_WATCH_QUEUE;
		w->count--;
		oldest = &w->queue[w->head];
		oldest->lost = min_t(u64, (u64)oldest->lost + lost + 1, U32_MAX);
	}
	w->queue[(w->head + w->count) % MPOOL_DEV_WATCH_QUEUE] = *ev;
	WRITE_ONCE(w->count, w->count + 1);
	spin_unlock(&w->lock);
	wake_up_interruptible_poll(&w->wait, EPOLLIN | EPOLLRDNORM);
}

/* Looks at the free blocks: on a crossing, tells every watching file. */
static void mpool_dev_watch_eval(struct mpool_dev_pool *dp)
{
	struct mpool_dev_watch_pool *wp = &dp->watch;
	struct mpool_watch_event ev = { };
	struct mpool_dev_watcher *w;
	u32 free;

	lockdep_assert_held(&wp->lock);
	/*
	 * Under the pool's watch.lock: each look sees at least what the one
	 * before it saw, so the last update after a change sees the change.
	 */
	free = mpool_blocks_free(dp->pool);
	if (!wp->low && free < wp->below)
		ev.type = MPOOL_WATCH_LOW;
	else if (wp->low && free >= wp->below)
		ev.type = MPOOL_WATCH_RECOVERED;
	else
		return;
	WRITE_ONCE(wp->low, ev.type == MPOOL_WATCH_LOW);
	trace_watermark(dp->pool, free, wp->below, wp->low);
	ev.time_ns = ktime_get_real_ns();
	ev.blocks_free = free;
	ev.below = wp->below;
	list_for_each_entry(w, &wp->files, node)
		mpool_dev_watch_push(w, &ev);
}

/* Called after every ALLOC, FREE and reclaim on @dp. */
void mpool_dev_watch_update(struct mpool_dev_pool *dp)
{
	struct mpool_dev_watch_pool *wp = &dp->watch;

	/*
	 * Most pools have no watermark: no lock for them.  A watermark set
	 * meanwhile is evaluated by the setter after this change (the pool
	 * lock orders the change before the setter's look at free blocks).
	 */
	if (!READ_ONCE(wp->below) && !READ_ONCE(wp->low))
		return;
	spin_lock(&wp->lock);
	mpool_dev_watch_eval(dp);
	spin_unlock(&wp->lock);
}

/*
 * Takes @w off its pool's list: no more events come.  Returns the pool,
 * whose reference the caller puts once it holds no lock, or NULL.
 */
static struct mpool_dev_pool *mpool_dev_watch_unlist(struct mpool_dev_watcher *w)
{
	struct mpool_dev_pool *dp = w->pool;

	lockdep_assert_held(&watch_lock);
	if (!dp)
		return NULL;
	spin_lock(&dp->watch.lock);
	list_del_init(&w->node);
	spin_unlock(&dp->watch.lock);
	return dp;
}

/* Called once when @dp is destroyed, once it left mpool_dev_pools. */
void mpool_dev_watch_destroyed(struct mpool_dev_pool *dp)
{
	struct mpool_dev_watch_pool *wp = &dp->watch;
	struct mpool_dev_watcher *w, *tmp;
	unsigned int refs = 0;

	mutex_lock(&watch_lock);
	spin_lock(&wp->lock);
	wp->dead = true;
	list_for_each_entry_safe(w, tmp, &wp->files, node) {
		list_del_init(&w->node);
		spin_lock(&w->lock);
		WRITE_ONCE(w->pool, NULL);
		WRITE_ONCE(w->hup, true);
		spin_unlock(&w->lock);
		wake_up_interruptible_poll(&w->wait, EPOLLHUP);
		refs++;
	}
	spin_unlock(&wp->lock);
	mutex_unlock(&watch_lock);
	/* The destroyer holds a reference too: none of these is the last. */
	while (refs--)
		mpool_dev_pool_put(dp);
}

/* The file is closing: it stops watching. */
void mpool_dev_watch_release(struct mpool_dev_file *df)
{
	struct mpool_dev_pool *dp;

	mutex_lock(&watch_lock);
	dp = mpool_dev_watch_unlist(&df->watch);
	mutex_unlock(&watch_lock);
	if (dp)
		mpool_dev_pool_put(dp);
}

/*
 * Makes @w watch @dp (the caller's reference stays the caller's), and
 * with @set gives @dp the watermark @below.  Returns the pool @w watched
 * before, for the caller to put, in *@old.
 */
static int mpool_dev_watch_attach(struct mpool_dev_watcher *w,
				  struct mpool_dev_pool *dp, bool set,
				  struct mpool_ioc_watch *wa,
				  struct mpool_dev_pool **old)
{
	struct mpool_dev_watch_pool *wp = &dp->watch;

	*old = NULL;
	mutex_lock(&watch_lock);
	if (wp->dead) {
		/* A racing destroy won. */
		mutex_unlock(&watch_lock);
		return -ENOENT;
	}
	if (w->pool != dp) {
		*old = mpool_dev_watch_unlist(w);
		kref_get(&dp->ref);
		spin_lock(&wp->lock);
		list_add_tail(&w->node, &wp->files);
		/*
		 * In one step, so that a reader never sees the file watch
		 * nothing; events of the pool watched before mean nothing now.
		 */
		spin_lock(&w->lock);
		WRITE_ONCE(w->pool, dp);
		WRITE_ONCE(w->hup, false);
		w->head = 0;
		WRITE_ONCE(w->count, 0);
		spin_unlock(&w->lock);
		spin_unlock(&wp->lock);
	}
	spin_lock(&wp->lock);
	if (set) {
		WRITE_ONCE(wp->below, wa->below);
		mpool_dev_watch_eval(dp);
	}
	wa->out_below = wp->below;
	wa->out_free = mpool_blocks_free(dp->pool);
	spin_unlock(&wp->lock);
	mutex_unlock(&watch_lock);
	return 0;
}

int mpool_dev_watch(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_watch *wa = ucmd->cmd;
	bool set = wa->flags & MPOOL_WATCH_SET;
	struct mpool_dev_pool *dp, *old;
	int ret;

	if ((wa->flags & ~MPOOL_WATCH_SET) || wa->__reserved ||
	    (!set && wa->below))
		return -EINVAL;
	dp = mpool_dev_pool_get(wa->name);
	if (IS_ERR(dp))
		return PTR_ERR(dp);
	/*
	 * Watching needs no write access; changing the watermark does,
	 * checked once the whole struct, name and pool included, is found
	 * good, as the header's Permissions say.
	 */
	if (set && !(ucmd->df->file->f_mode & FMODE_WRITE)) {
		mpool_dev_pool_put(dp);
		return -EPERM;
	}
	ret = mpool_dev_watch_attach(&ucmd->df->watch, dp, set, wa, &old);
	mpool_dev_pool_put(dp);
	if (old)
		mpool_dev_pool_put(old);
	if (ret)
		return ret;
	return mpool_dev_respond(ucmd, sizeof(*wa));
}

__poll_t mpool_dev_watch_poll(struct file *file, poll_table *pt)
{
	struct mpool_dev_file *df = file->private_data;
	struct mpool_dev_watcher *w = &df->watch;
	__poll_t mask = 0;

	poll_wait(file, &w->wait, pt);
	spin_lock(&w->lock);
	if (w->count)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (w->hup)
		mask |= EPOLLHUP;
	spin_unlock(&w->lock);
	return mask;
}

/* Something for read(): events, end of file, or nothing watched. */
static bool mpool_dev_watch_ready(struct mpool_dev_watcher *w)
{
	return READ_ONCE(w->count) || READ_ONCE(w->hup) || !READ_ONCE(w->pool);
}

/* Events moved to userspace per round: a small stack buffer. */
#define MPOOL_DEV_WATCH_BATCH	8

/*
 * Returns whole events, oldest first.  Events are taken off the queue
 * before they are copied: those a bad buffer could not take are gone, as
 * with inotify.
 */
ssize_t mpool_dev_watch_read(struct file *file, char __user *buf,
			     size_t len, loff_t *ppos)
{
	struct mpool_dev_file *df = file->private_data;
	struct mpool_dev_watcher *w = &df->watch;
	struct mpool_watch_event ev[MPOOL_DEV_WATCH_BATCH];
	size_t done = 0;
	unsigned int n, i;
	bool hup, none;
	int ret;

	if (len < sizeof(ev[0]))
		return -EINVAL;
	for (;;) {
		spin_lock(&w->lock);
		hup = w->hup;
		none = !w->pool && !hup;
		n = min_t(size_t, min_t(size_t, w->count, ARRAY_SIZE(ev)),
			  (len - done) / sizeof(ev[0]));
		for (i = 0; i < n; i++) {
			ev[i] = w->queue[w->head];
			w->head = (w->head + 1) % MPOOL_DEV_WATCH_QUEUE;
		}
		WRITE_ONCE(w->count, w->count - n);
		spin_unlock(&w->lock);

		if (n) {
			if (copy_to_user(buf + done, ev, n * sizeof(ev[0])))
				return done ? done : -EFAULT;
			done += n * sizeof(ev[0]);
			continue;
		}
		if (done)
			return done;
		if (none)
			return -EINVAL;
		if (hup)
			return 0;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(w->wait,
					       mpool_dev_watch_ready(w));
		if (ret)
			return ret;
	}
}
