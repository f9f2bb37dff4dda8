/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for what the engine takes from linux/kernel.h, linux/bits.h,
 * linux/align.h, linux/minmax.h, linux/err.h, linux/log2.h,
 * linux/overflow.h, linux/printk.h and linux/mm.h's PAGE_* : plain C, and
 * printk() to stderr (counted, so that tests can assert a report).
 */
#ifndef _SHIM_LINUX_KERNEL_H
#define _SHIM_LINUX_KERNEL_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <linux/types.h>

#ifndef SIZE_MAX
#define SIZE_MAX	(~(size_t)0)
#endif
#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define BIT(n)		(1UL << (n))
#define BIT_ULL(n)	(1ULL << (n))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN(x, a)	(((x) + ((__typeof__(x))(a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define PAGE_ALIGN(x)	ALIGN(x, PAGE_SIZE)
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define min_t(t, a, b)	((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)	((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define BUILD_BUG_ON(c)	_Static_assert(!(c), #c)

#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x)	((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE(ptr); }
static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR_VALUE(ptr);
}

static inline bool is_power_of_2(unsigned long n)
{
	return n && !(n & (n - 1));
}
#define ilog2(n)	((int)(63 - __builtin_clzll((unsigned long long)(n))))

#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)
static inline size_t size_add(size_t a, size_t b)
{
	size_t r;

	return __builtin_add_overflow(a, b, &r) ? SIZE_MAX : r;
}
static inline size_t array_size(size_t a, size_t b)
{
	size_t r;

	return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

/* printk: to stderr, each line counted (shim.c). */
extern unsigned long shim_printk_lines, shim_dump_stacks;
void shim_printk(const char *fmt, ...);
#define pr_err(fmt, ...)	shim_printk(fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	shim_printk(fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...)	shim_printk(fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	shim_printk(fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	do { } while (0)
#define dump_stack()		(shim_dump_stacks++)
#define might_sleep()		do { } while (0)
#define lockdep_assert_held(l)	do { (void)(l); } while (0)

#endif
