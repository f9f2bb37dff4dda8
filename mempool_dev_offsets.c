// SPDX-License-Identifier: GPL-2.0
/*
 * mmap() offsets of device pools, and which open file may map which pool:
 * the lowest layer of the device, calling no other device file.
 * mempool_dev_map.c's MAP and mmap() take and look up offsets here.
 *
 * Offsets, as DRM hands out GEM offsets (drm_vma_manager.c): a pool gets
 * a range of page offsets, as many pages as its region has, at its first
 * MAP, first fit from a sorted list.  Ranges are taken below page offset
 * 2^32 (2^44 bytes: what a 32-bit process's mmap2() reaches) while one
 * fits there, and above only then; page offset 0 is never given, so
 * offset 0 maps nothing.  A range stays with its pool until the pool's
 * memory is freed (the last reference, after DESTROY and the last
 * munmap()), and only then may another pool get it: so the offsets in use
 * are bounded by the pools that exist, however many were made before.
 *
 * MAP also grants the open file the right to map that pool; mmap() of an
 * offset whose pool this file (shared by dup() and fork()) was not
 * granted fails with EACCES, so an offset kept past its pool's end never
 * maps the pool that got the range next.  A grant is keyed by the pool's
 * serial, which no other pool ever has, and is on two lists: its file's,
 * freed at the file's release, and its pool's, freed with the pool's
 * memory.  It holds no reference: a file that mapped a pool once does
 * not keep the pool's memory.
 */
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "mempool_dev.h"
#include "mempool_internal.h"

/*
 * The last page offset a range may reach: mmap() takes an offset plus
 * length up to MAX_LFS_FILESIZE (2^63 - 1 on 64-bit kernels) as userspace
 * sees it in an off_t.
 */
#define MPOOL_MAP_PGOFF_LAST	((unsigned long)(MAX_LFS_FILESIZE >> PAGE_SHIFT) - 1)
/* The last page offset a 32-bit process's mmap2() can pass. */
#define MPOOL_MAP_PGOFF_LOW_LAST \
	((unsigned long)min_t(u64, U32_MAX, MPOOL_MAP_PGOFF_LAST))

/**
 * struct mpool_dev_map_grant - an open file may map a pool
 * @file_node: entry in the file's map_grants
 * @pool_node: entry in the pool's map_grants
 * @serial: the pool's map_serial
 */
struct mpool_dev_map_grant {
	struct list_head file_node;
	struct list_head pool_node;
	u64 serial;
};

/*
 * Protects the range list, each pool's map_start, map_pages, map_dead and
 * grant list, and each file's grant list.  Its own lock, not
 * mpool_dev_lock: mmap() runs under the mmap lock, and mpool_dev_lock is
 * held across waits (debugfs removal waits for readers, whose copies to
 * userspace may fault) that must not be under it.  Nothing under it
 * sleeps but for the lock itself: taken after mpool_dev_lock (a pool
 * freed by DESTROY's last put) and after the mmap lock, never before
 * either.
 */
static DEFINE_MUTEX(mpool_map_lock);
/* Pools with a range of offsets, by map_start: the ranges do not overlap. */
static LIST_HEAD(mpool_map_ranges);

/* Serials of device pools: the next one; never 0, never reused. */
static atomic64_t mpool_map_last_serial = ATOMIC64_INIT(0);

/* Called at CREATE, before the pool is listed. */
void mpool_dev_offsets_pool_init(struct mpool_dev_pool *dp)
{
	dp->map_serial = atomic64_inc_return(&mpool_map_last_serial);
	INIT_LIST_HEAD(&dp->map_node);
	INIT_LIST_HEAD(&dp->map_grants);
	atomic_set(&dp->nr_maps, 0);
}

/*
 * Called when the pool's memory is freed: its range of offsets may go to
 * another pool now, and its grants are dropped from the files holding
 * them.  No VMA of the pool is left.
 */
void mpool_dev_offsets_pool_exit(struct mpool_dev_pool *dp)
{
	struct mpool_dev_map_grant *g, *tmp;

	mutex_lock(&mpool_map_lock);
	list_del_init(&dp->map_node);
	list_for_each_entry_safe(g, tmp, &dp->map_grants, pool_node) {
		list_del(&g->file_node);
		list_del(&g->pool_node);
		kfree(g);
	}
	mutex_unlock(&mpool_map_lock);
}

/*
 * Called at DESTROY: -EBUSY if the pool is mapped (or being mapped) and
 * not @force; else no mmap() maps the pool any more (ENXIO) and no MAP
 * grants it.  Mappings made before keep their references.
 */
int mpool_dev_offsets_unpublish(struct mpool_dev_pool *dp, bool force)
{
	int ret = 0;

	mutex_lock(&mpool_map_lock);
	if (!force && atomic_read(&dp->nr_maps))
		ret = -EBUSY;
	else
		dp->map_dead = true;
	mutex_unlock(&mpool_map_lock);
	return ret;
}

void mpool_dev_offsets_file_init(struct mpool_dev_file *df)
{
	INIT_LIST_HEAD(&df->map_grants);
}

/* The file's last close: its grants go; mappings it made stay. */
void mpool_dev_offsets_file_release(struct mpool_dev_file *df)
{
	struct mpool_dev_map_grant *g, *tmp;

	mutex_lock(&mpool_map_lock);
	list_for_each_entry_safe(g, tmp, &df->map_grants, file_node) {
		list_del(&g->file_node);
		list_del(&g->pool_node);
		kfree(g);
	}
	mutex_unlock(&mpool_map_lock);
}

static bool mpool_dev_map_granted(struct mpool_dev_file *df, u64 serial)
{
	struct mpool_dev_map_grant *g;

	lockdep_assert_held(&mpool_map_lock);
	list_for_each_entry(g, &df->map_grants, file_node)
		if (g->serial == serial)
			return true;
	return false;
}

/*
 * First fit for @pages page offsets within [@first, @last], in the sorted
 * range list: the place to insert before in *@next (the list head to
 * append).  Return: the start, or 0 when no gap is large enough.
 */
static unsigned long mpool_dev_map_fit(unsigned long pages,
				       unsigned long first,
				       unsigned long last,
				       struct list_head **next)
{
	struct mpool_dev_pool *dp;
	unsigned long start = first;

	lockdep_assert_held(&mpool_map_lock);
	list_for_each_entry(dp, &mpool_map_ranges, map_node) {
		if (dp->map_start > last)
			break;
		if (dp->map_start >= start && dp->map_start - start >= pages) {
			*next = &dp->map_node;
			return start;
		}
		start = max(start, dp->map_start + dp->map_pages);
	}
	if (start > last || last - start < pages - 1)
		return 0;
	*next = &dp->map_node;
	return start;
}

/* Gives @dp a range of offsets, below 2^44 bytes if one fits there. */
static int mpool_dev_map_take_range(struct mpool_dev_pool *dp)
{
	unsigned long pages = PAGE_ALIGN(mpool_region_size(dp->pool)) >>
			      PAGE_SHIFT;
	struct list_head *next;
	unsigned long start;

	lockdep_assert_held(&mpool_map_lock);
	start = mpool_dev_map_fit(pages, 1, MPOOL_MAP_PGOFF_LOW_LAST, &next);
	if (!start && MPOOL_MAP_PGOFF_LOW_LAST < MPOOL_MAP_PGOFF_LAST)
		start = mpool_dev_map_fit(pages, MPOOL_MAP_PGOFF_LOW_LAST + 1,
					  MPOOL_MAP_PGOFF_LAST, &next);
	if (!start)
		return -EOVERFLOW;
	dp->map_start = start;
	dp->map_pages = pages;
	list_add_tail(&dp->map_node, next);
	return 0;
}

/*
 * The pool whose range holds page offset @pgoff, or NULL.  The list is
 * sorted and its ranges do not overlap: the first range that ends past
 * @pgoff is the only candidate.
 */
static struct mpool_dev_pool *mpool_dev_map_lookup(unsigned long pgoff)
{
	struct mpool_dev_pool *dp;

	lockdep_assert_held(&mpool_map_lock);
	list_for_each_entry(dp, &mpool_map_ranges, map_node) {
		if (pgoff - dp->map_start < dp->map_pages)
			return dp;
		if (dp->map_start > pgoff)
			break;
	}
	return NULL;
}

/*
 * MAP: gives @dp its range of offsets if it has none yet and grants @df
 * the mapping of it.  Returns 0 and the range in *@start and *@pages, or
 * -ENOMEM, -ENOENT (a racing DESTROY won) or -EOVERFLOW (no range left).
 */
int mpool_dev_offsets_grant(struct mpool_dev_file *df,
			    struct mpool_dev_pool *dp,
			    unsigned long *start, unsigned long *pages)
{
	struct mpool_dev_map_grant *grant;
	int ret = 0;

	/* Allocated ahead: nothing under mpool_map_lock waits for memory. */
	grant = kzalloc(sizeof(*grant), GFP_KERNEL_ACCOUNT);
	if (!grant)
		return -ENOMEM;

	mutex_lock(&mpool_map_lock);
	if (dp->map_dead)
		ret = -ENOENT;		/* a racing DESTROY won */
	else if (!dp->map_pages)
		ret = mpool_dev_map_take_range(dp);
	if (!ret && !mpool_dev_map_granted(df, dp->map_serial)) {
		grant->serial = dp->map_serial;
		list_add(&grant->file_node, &df->map_grants);
		list_add(&grant->pool_node, &dp->map_grants);
		grant = NULL;
	}
	*start = dp->map_start;
	*pages = dp->map_pages;
	mutex_unlock(&mpool_map_lock);
	kfree(grant);
	return ret;
}

/*
 * mmap(): finds the pool of page offset @pgoff for @df, takes a reference
 * on it and counts the mapping of @pages pages about to be made in its
 * nr_maps, in one critical section with DESTROY's check: either DESTROY
 * sees the mapping (EBUSY) or this sees the pool destroyed.  An ERR_PTR:
 * -ENXIO when no live pool has the offset, -EACCES when MAP did not grant
 * it to the file, -EINVAL when the mapping passes the region's end.
 */
struct mpool_dev_pool *mpool_dev_offsets_get(struct mpool_dev_file *df,
					     unsigned long pgoff,
					     unsigned long pages)
{
	struct mpool_dev_pool *dp;
	int ret = 0;

	mutex_lock(&mpool_map_lock);
	dp = mpool_dev_map_lookup(pgoff);
	if (!dp || dp->map_dead)
		ret = -ENXIO;
	else if (!mpool_dev_map_granted(df, dp->map_serial))
		ret = -EACCES;
	else if (pages > dp->map_pages - (pgoff - dp->map_start))
		ret = -EINVAL;
	if (!ret) {
		kref_get(&dp->ref);
		atomic_inc(&dp->nr_maps);
	}
	mutex_unlock(&mpool_map_lock);
	return ret ? ERR_PTR(ret) : dp;
}
