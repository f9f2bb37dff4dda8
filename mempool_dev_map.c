// SPDX-License-Identifier: GPL-2.0
/*
 * MPOOL_IOC_MAP and mmap(): a device pool's region mapped into processes,
 * so that they use their blocks in place.
 *
 * mmap() offsets, as DRM hands out GEM offsets (drm_vma_manager.c): a
 * pool gets a range of page offsets, as many pages as its region has, at
 * its first MAP, first fit from a sorted list.  Ranges are taken below
 * page offset 2^32 (2^44 bytes: what a 32-bit process's mmap2() reaches)
 * while one fits there, and above only then; page offset 0 is never
 * given, so offset 0 maps nothing.  A range stays with its pool until the
 * pool's memory is freed (the last reference, after DESTROY and the last
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
 *
 * Every VMA holds a reference on its pool (taken at mmap(), and again by
 * ->open() when fork() copies a VMA or munmap() splits one), so a pool's
 * memory stays until its last mapping goes, however it was destroyed.
 * The pool's nr_maps counts the VMAs: DESTROY without MPOOL_DESTROY_FORCE
 * refuses a mapped pool (EBUSY).  From DESTROY on, mmap() of the pool's
 * range fails with ENXIO, though the range stays taken until the memory
 * goes.
 *
 * Pages are supplied by ->fault(): the region is vmalloc'd, so each page
 * is found with vmalloc_to_page() at the VMA's page offset minus the
 * start of the pool's range, and a VMA never reaches past the region's
 * pages (checked at mmap(), and VM_DONTEXPAND stops mremap() from growing
 * it).  The pool's metadata is never in the region, so a process writing
 * through its mapping can change blocks' bytes, never the pool.
 */
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include <uapi/mpool_ioctl.h>
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
 * grant list, and each file's grant list.  Its own lock, not dev_lock:
 * mmap() runs under the mmap lock, and dev_lock is held across waits
 * (debugfs removal waits for readers, whose copies to userspace may
 * fault) that must not be under it.  Nothing under it sleeps but for the
 * lock itself: taken after dev_lock (a pool freed by DESTROY's last put)
 * and after the mmap lock, never before either.
 */
static DEFINE_MUTEX(mpool_map_lock);
/* Pools with a range of offsets, by map_start: the ranges do not overlap. */
static LIST_HEAD(mpool_map_ranges);

/* Serials of device pools: the next one; never 0, never reused. */
static atomic64_t mpool_map_last_serial = ATOMIC64_INIT(0);

/* Frees pools whose last reference a mapping dropped (see mempool_dev.h). */
static struct workqueue_struct *mpool_map_wq;

static void mpool_dev_map_release_work(struct work_struct *work)
{
	mpool_dev_pool_free(container_of(work, struct mpool_dev_pool,
					 release_work));
}

static void mpool_dev_map_release(struct kref *ref)
{
	struct mpool_dev_pool *dp = container_of(ref, struct mpool_dev_pool,
						 ref);

	queue_work(mpool_map_wq, &dp->release_work);
}

/* Drops a mapping's count and reference; under the mmap lock. */
static void mpool_dev_map_put(struct mpool_dev_pool *dp)
{
	atomic_dec(&dp->nr_maps);
	kref_put(&dp->ref, mpool_dev_map_release);
}

/* Called at CREATE, before the pool is listed. */
void mpool_dev_map_pool_init(struct mpool_dev_pool *dp)
{
	dp->map_serial = atomic64_inc_return(&mpool_map_last_serial);
	INIT_LIST_HEAD(&dp->map_node);
	INIT_LIST_HEAD(&dp->map_grants);
	atomic_set(&dp->nr_maps, 0);
	INIT_WORK(&dp->release_work, mpool_dev_map_release_work);
}

/*
 * Called when the pool's memory is freed: its range of offsets may go to
 * another pool now, and its grants are dropped from the files holding
 * them.  No VMA of the pool is left.
 */
void mpool_dev_map_pool_exit(struct mpool_dev_pool *dp)
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
int mpool_dev_map_unpublish(struct mpool_dev_pool *dp, bool force)
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

void mpool_dev_map_file_init(struct mpool_dev_file *df)
{
	INIT_LIST_HEAD(&df->map_grants);
}

/* The file's last close: its grants go; mappings it made stay. */
void mpool_dev_map_file_release(struct mpool_dev_file *df)
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

int mpool_dev_map(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_map *m = ucmd->cmd;
	struct mpool_dev_map_grant *grant;
	struct mpool_dev_pool *dp;
	int ret = 0;

	/* The out_ fields and __reserved2 are only written. */
	if (m->__reserved)
		return -EINVAL;
	dp = mpool_dev_pool_get(m->name);
	if (IS_ERR(dp))
		return PTR_ERR(dp);
	/* Allocated ahead: nothing under mpool_map_lock waits for memory. */
	grant = kzalloc(sizeof(*grant), GFP_KERNEL_ACCOUNT);
	if (!grant) {
		ret = -ENOMEM;
		goto out_put;
	}

	mutex_lock(&mpool_map_lock);
	if (dp->map_dead)
		ret = -ENOENT;		/* a racing DESTROY won */
	else if (!dp->map_pages)
		ret = mpool_dev_map_take_range(dp);
	if (!ret && !mpool_dev_map_granted(ucmd->df, dp->map_serial)) {
		grant->serial = dp->map_serial;
		list_add(&grant->file_node, &ucmd->df->map_grants);
		list_add(&grant->pool_node, &dp->map_grants);
		grant = NULL;
	}
	m->out_offset = (u64)dp->map_start << PAGE_SHIFT;
	m->out_length = (u64)dp->map_pages << PAGE_SHIFT;
	mutex_unlock(&mpool_map_lock);
	kfree(grant);
	if (ret)
		goto out_put;

	m->out_flags = mpool_flags(dp->pool) & MPOOL_F_MAP_WRITE ?
		       MPOOL_MAP_WRITABLE : 0;
	m->__reserved2 = 0;
	ret = mpool_dev_respond(ucmd, sizeof(*m));
out_put:
	mpool_dev_pool_put(dp);
	return ret;
}

/* fork() copied the VMA, or munmap() or mprotect() split it. */
static void mpool_dev_vm_open(struct vm_area_struct *vma)
{
	struct mpool_dev_pool *dp = vma->vm_private_data;

	kref_get(&dp->ref);
	atomic_inc(&dp->nr_maps);
}

static void mpool_dev_vm_close(struct vm_area_struct *vma)
{
	mpool_dev_map_put(vma->vm_private_data);
}

/*
 * A page of the region, the first time a process touches it (or again
 * after madvise(MADV_DONTNEED)).  mmap() checked that the VMA lies within
 * the pool's range, whose start stays until the pool's memory goes; the
 * check here is for what nothing else stops.
 */
static vm_fault_t mpool_dev_vm_fault(struct vm_fault *vmf)
{
	struct mpool_dev_pool *dp = vmf->vma->vm_private_data;
	unsigned long idx = vmf->pgoff - dp->map_start;
	struct page *page;

	if (idx >= dp->map_pages)
		return VM_FAULT_SIGBUS;
	page = vmalloc_to_page(mpool_region_base(dp->pool) +
			       ((size_t)idx << PAGE_SHIFT));
	if (!page)
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct mpool_dev_vm_ops = {
	.open = mpool_dev_vm_open,
	.close = mpool_dev_vm_close,
	.fault = mpool_dev_vm_fault,
};

/*
 * Finds the pool of the VMA's offset for the file, takes a reference on
 * it and counts the mapping about to be made in its nr_maps, in one
 * critical section with DESTROY's check: either DESTROY sees the mapping
 * (EBUSY) or this sees the pool destroyed.  An ERR_PTR: -ENXIO when no
 * live pool has the offset, -EACCES when MAP did not grant it to the
 * file, -EINVAL when the VMA passes the region's end.
 */
static struct mpool_dev_pool *mpool_dev_map_get(struct mpool_dev_file *df,
						struct vm_area_struct *vma)
{
	struct mpool_dev_pool *dp;
	int ret = 0;

	mutex_lock(&mpool_map_lock);
	dp = mpool_dev_map_lookup(vma->vm_pgoff);
	if (!dp || dp->map_dead)
		ret = -ENXIO;
	else if (!mpool_dev_map_granted(df, dp->map_serial))
		ret = -EACCES;
	else if (vma_pages(vma) > dp->map_pages -
				  (vma->vm_pgoff - dp->map_start))
		ret = -EINVAL;
	if (!ret) {
		kref_get(&dp->ref);
		atomic_inc(&dp->nr_maps);
	}
	mutex_unlock(&mpool_map_lock);
	return ret ? ERR_PTR(ret) : dp;
}

/*
 * mmap() of the offset MAP returned, plus a page-aligned place in the
 * region.  A file opened read-only never gets here with PROT_WRITE and
 * MAP_SHARED: do_mmap() refuses it (EACCES) and takes VM_MAYWRITE away;
 * nor does a file opened write-only, which do_mmap() refuses any
 * mapping.  A read-only file's shared mapping also lacks VM_SHARED, so
 * MAP_SHARED is told by VM_MAYSHARE.
 */
int mpool_dev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct mpool_dev_pool *dp;
	int ret;

	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	dp = mpool_dev_map_get(file->private_data, vma);
	if (IS_ERR(dp))
		return PTR_ERR(dp);
	if (!(mpool_flags(dp->pool) & MPOOL_F_MAP_WRITE)) {
		if (vma->vm_flags & VM_WRITE) {
			ret = -EACCES;
			goto err_put;
		}
		/* Nor may mprotect() add PROT_WRITE later. */
		vm_flags_clear(vma, VM_MAYWRITE);
	}
	/* Not past the region, and not in core dumps: it is not the process's. */
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = dp;
	vma->vm_ops = &mpool_dev_vm_ops;
	/* The reference and the count taken for this VMA are its own now. */
	return 0;

err_put:
	mpool_dev_map_put(dp);
	return ret;
}

int mpool_dev_map_init(void)
{
	mpool_map_wq = alloc_workqueue("mempool_map", 0, 0);
	return mpool_map_wq ? 0 : -ENOMEM;
}

/* Waits until the pools whose last mapping went are freed. */
void mpool_dev_map_flush(void)
{
	flush_workqueue(mpool_map_wq);
}

/*
 * Frees what the last munmap()s left to the workqueue; no pool is left,
 * so neither is a range.
 */
void mpool_dev_map_exit(void)
{
	destroy_workqueue(mpool_map_wq);
}
