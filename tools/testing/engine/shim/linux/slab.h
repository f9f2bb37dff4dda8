/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for linux/slab.h, linux/vmalloc.h, linux/mm.h and linux/gfp.h:
 * malloc().  The flags matter only for __GFP_ZERO.  shim_fail_allocs, when
 * set, makes the next allocations fail (tests of the error paths).
 * kmalloc() aligns to a cache line, as the kernel's kmalloc caches of 64
 * bytes and more do (power-of-two sizes are naturally aligned), so that
 * ____cacheline_aligned_in_smp members of a kmalloc'd struct are.
 */
#ifndef _SHIM_LINUX_SLAB_H
#define _SHIM_LINUX_SLAB_H

#include <stdlib.h>
#include <linux/kernel.h>

#define GFP_KERNEL	0x1u
#define GFP_ATOMIC	0x2u
#define __GFP_NOWARN	0x4u
#define __GFP_ACCOUNT	0x8u
#define __GFP_ZERO	0x10u

extern int shim_fail_allocs;
extern size_t shim_alloc_bytes;
void *shim_malloc(size_t size, gfp_t gfp, size_t align);

#define kmalloc(n, gfp)			shim_malloc(n, gfp, 64)
#define kzalloc(n, gfp)			shim_malloc(n, (gfp) | __GFP_ZERO, 64)
#define kvmalloc_array(n, s, gfp) \
	shim_malloc(array_size(n, s), gfp, 0)
#define kvcalloc(n, s, gfp) \
	shim_malloc(array_size(n, s), (gfp) | __GFP_ZERO, 0)
#define __vmalloc(n, gfp)		shim_malloc(n, gfp, PAGE_SIZE)
#define vmalloc(n)			shim_malloc(n, GFP_KERNEL, PAGE_SIZE)
#define vzalloc(n)			shim_malloc(n, __GFP_ZERO, PAGE_SIZE)
#define kfree(p)			free((void *)(p))
#define kvfree(p)			free((void *)(p))
#define vfree(p)			free((void *)(p))

#endif
