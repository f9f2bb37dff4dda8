// SPDX-License-Identifier: GPL-2.0
/*
 * MPOOL_IOC_MAP and mmap(): a device pool's region mapped into processes,
 * so that they use their blocks in place.
 *
 * Each device pool gets a map id when it is created, from a counter that
 * never goes back, and MAP tells userspace the mmap() offset id << 40: the
 * offset names the pool, and a destroyed pool's offset never maps a newer
 * pool.  Regions of device pools are at most 2^40 bytes, so the low 40
 * bits of the offset are the place in the region.
 *
 * Every VMA holds a reference on its pool (taken at mmap(), and again by
 * ->open() when fork() copies a VMA or munmap() splits one), so a pool's
 * memory stays until its last mapping goes, however it was destroyed.
 * The pool's nr_maps counts the VMAs: DESTROY without MPOOL_DESTROY_FORCE
 * refuses a mapped pool (EBUSY).
 *
 * Pages are supplied by ->fault(): the region is vmalloc'd, so each page
 * is found with vmalloc_to_page(), and a VMA never reaches past the
 * region's pages (checked at mmap(), and VM_DONTEXPAND stops mremap() from
 * growing it).  The pool's metadata is never in the region, so a process
 * writing through its mapping can change blocks' bytes, never the pool.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <uapi/mpool_ioctl.h>
#include "mempool_dev.h"
#include "mempool_internal.h"

/* Pages of the offset that are the place in the region; the rest is the id. */
#define MPOOL_MAP_PGOFF_BITS	(MPOOL_HANDLE_GEN_SHIFT - PAGE_SHIFT)
#define MPOOL_MAP_PGOFF_MASK	((1UL << MPOOL_MAP_PGOFF_BITS) - 1)

/*
 * The largest id whose whole 2^40 bytes of offsets mmap() accepts: a
 * mapping's offset plus length must not pass MAX_LFS_FILESIZE (2^63 - 1 on
 * 64-bit kernels: ids up to 2^23 - 2).
 */
#define MPOOL_MAP_ID_MAX	((u64)(MAX_LFS_FILESIZE >> MPOOL_HANDLE_GEN_SHIFT) - 1)

/* The last map id given out; ids start at 1, so offset 0 maps nothing. */
static atomic64_t mpool_map_last_id = ATOMIC64_INIT(0);

/*
 * Map id -> device pool, for the pools that may be mapped: from CREATE
 * until DESTROY.  Its own lock, not dev_lock: mmap() runs under the mmap
 * lock, and dev_lock is held across waits (debugfs removal waits for
 * readers, whose copies to userspace may fault) that must not be under it.
 */
static DEFINE_XARRAY(mpool_map_ids);

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
	u64 id = atomic64_inc_return(&mpool_map_last_id);

	/* Out of ids: the pool works, but cannot be mapped (EOVERFLOW). */
	dp->map_id = id <= MPOOL_MAP_ID_MAX ? id : 0;
	atomic_set(&dp->nr_maps, 0);
	INIT_WORK(&dp->release_work, mpool_dev_map_release_work);
}

/* Called at CREATE: the pool can be mapped from now on. */
int mpool_dev_map_publish(struct mpool_dev_pool *dp)
{
	if (!dp->map_id)
		return 0;
	return xa_insert(&mpool_map_ids, dp->map_id, dp,
			 GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
}

/*
 * Called at DESTROY: -EBUSY if the pool is mapped (or being mapped) and
 * not @force; else no mmap() finds the pool any more.  Mappings made
 * before keep their references.
 */
int mpool_dev_map_unpublish(struct mpool_dev_pool *dp, bool force)
{
	int ret = 0;

	if (!dp->map_id)
		return 0;
	xa_lock(&mpool_map_ids);
	if (!force && atomic_read(&dp->nr_maps))
		ret = -EBUSY;
	else
		__xa_erase(&mpool_map_ids, dp->map_id);
	xa_unlock(&mpool_map_ids);
	return ret;
}

/*
 * Takes a reference on the pool whose map id is @map_id, and counts the
 * mapping about to be made in its nr_maps, in one critical section with
 * DESTROY's check: either DESTROY sees the mapping (EBUSY) or this does
 * not see the pool.  NULL when no pool has that id.
 */
static struct mpool_dev_pool *mpool_dev_map_get(unsigned long map_id)
{
	struct mpool_dev_pool *dp;

	xa_lock(&mpool_map_ids);
	dp = xa_load(&mpool_map_ids, map_id);
	if (dp) {
		kref_get(&dp->ref);
		atomic_inc(&dp->nr_maps);
	}
	xa_unlock(&mpool_map_ids);
	return dp;
}

int mpool_dev_map(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_map *m = ucmd->cmd;
	struct mpool_dev_pool *dp;
	int ret;

	/* The out_ fields and __reserved2 are only written. */
	if (m->__reserved)
		return -EINVAL;
	dp = mpool_dev_pool_get(m->name);
	if (IS_ERR(dp))
		return PTR_ERR(dp);
	if (!dp->map_id) {
		ret = -EOVERFLOW;
		goto out_put;
	}
	m->out_offset = dp->map_id << MPOOL_HANDLE_GEN_SHIFT;
	m->out_length = PAGE_ALIGN(mpool_region_size(dp->pool));
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
 * the region's pages; the check here is for what nothing else stops.
 */
static vm_fault_t mpool_dev_vm_fault(struct vm_fault *vmf)
{
	struct mpool_dev_pool *dp = vmf->vma->vm_private_data;
	u64 off = (u64)(vmf->pgoff & MPOOL_MAP_PGOFF_MASK) << PAGE_SHIFT;
	struct page *page;

	if (off >= PAGE_ALIGN(mpool_region_size(dp->pool)))
		return VM_FAULT_SIGBUS;
	page = vmalloc_to_page(mpool_region_base(dp->pool) + off);
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
 * mmap() of the offset MAP returned, plus a page-aligned place in the
 * region.  A file opened read-only never gets here with PROT_WRITE and
 * MAP_SHARED: do_mmap() refuses it (EACCES) and takes VM_MAYWRITE away.
 * Such a file's shared mapping also lacks VM_SHARED, so MAP_SHARED is
 * told by VM_MAYSHARE.
 */
int mpool_dev_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long map_id = vma->vm_pgoff >> MPOOL_MAP_PGOFF_BITS;
	u64 off = (u64)(vma->vm_pgoff & MPOOL_MAP_PGOFF_MASK) << PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start;
	struct mpool_dev_pool *dp;
	u64 size;
	int ret;

	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	dp = mpool_dev_map_get(map_id);
	if (!dp)
		return -ENXIO;
	size = PAGE_ALIGN(mpool_region_size(dp->pool));
	if (off > size || len > size - off) {
		ret = -EINVAL;
		goto err_put;
	}
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

/* Frees what the last munmap()s left to the workqueue; no pool is left. */
void mpool_dev_map_exit(void)
{
	destroy_workqueue(mpool_map_wq);
	xa_destroy(&mpool_map_ids);
}
