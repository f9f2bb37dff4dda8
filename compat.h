/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place for the differences between the kernels that mempool
 * builds against (Debian's 6.1 and 6.12 today).
 *
 * The policy:
 * - Ask the target kernel what it has, never which version it is:
 *   distributions backport features, so LINUX_VERSION_CODE tells little.
 *   A Kbuild file probes the target's headers or its configuration and
 *   defines MPOOL_HAVE_<FEATURE> (bench/Kbuild: MPOOL_HAVE_OBJPOOL when
 *   include/linux/objpool.h exists, MPOOL_HAVE_GEN_POOL with
 *   CONFIG_GENERIC_ALLOCATOR).
 * - A fallback for a feature some target lacks goes here, under its
 *   MPOOL_HAVE_ macro, so that the .c files spell each call one way and
 *   hold no #if of their own.  The benchmark's optional allocators are the
 *   exception: one the kernel lacks is left out, not emulated, so bench/
 *   tests those macros where it lists the allocators.
 * - Nothing here reaches include/mpool.h or include/uapi/: the exported
 *   API and the ABI are the same on every kernel.
 */
#ifndef _MEMPOOL_COMPAT_H
#define _MEMPOOL_COMPAT_H

/*
 * vm_flags_set() and vm_flags_clear() arrived in Linux 6.3 (Kbuild probes
 * include/linux/mm.h); before, vma->vm_flags was a plain field, written
 * under the mmap lock held for writing, as ->mmap() is called.
 */
#ifndef MPOOL_HAVE_VM_FLAGS_SET
#include <linux/mm_types.h>

static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma,
				  vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

#endif /* _MEMPOOL_COMPAT_H */
