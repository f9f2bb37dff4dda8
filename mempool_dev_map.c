// SPDX-License-Identifier: GPL-2.0
/*
 * MPOOL_IOC_MAP and mmap(): a device pool's region mapped into processes,
 * so that they use their blocks in place.
 *
 * MAP gives the pool a range of mmap() offsets and grants the open file
 * the mapping of it; the offsets and the grants are mempool_dev_offsets.c's.
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
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include <uapi/mpool_ioctl.h>
#include "mempool_dev.h"
#include "mempool_internal.h"

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
	INIT_WORK(&dp->release_work, mpool_dev_map_release_work);
}

int mpool_dev_map(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_map *m = ucmd->cmd;
	unsigned long start, pages;
	struct mpool_dev_pool *dp;
	int ret;

	/* The out_ fields and __reserved2 are only written. */
	if (m->__reserved)
		return -EINVAL;
	dp = mpool_dev_pool_get(m->name);
	if (IS_ERR(dp))
		return PTR_ERR(dp);
	ret = mpool_dev_offsets_grant(ucmd->df, dp, &start, &pages);
	if (ret)
		goto out_put;

	m->out_offset = (u64)start << PAGE_SHIFT;
	m->out_length = (u64)pages << PAGE_SHIFT;
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
	dp = mpool_dev_offsets_get(file->private_data, vma->vm_pgoff,
				   vma_pages(vma));
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
