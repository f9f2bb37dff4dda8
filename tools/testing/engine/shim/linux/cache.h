/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for linux/cache.h: x86's 64-byte lines. */
#ifndef _SHIM_LINUX_CACHE_H
#define _SHIM_LINUX_CACHE_H

#include <linux/compiler.h>

#ifndef __aligned
#define __aligned(x)			__attribute__((__aligned__(x)))
#endif
#define L1_CACHE_BYTES			64
#define SMP_CACHE_BYTES			L1_CACHE_BYTES
#define ____cacheline_aligned		__aligned(SMP_CACHE_BYTES)
#define ____cacheline_aligned_in_smp	____cacheline_aligned

#endif
