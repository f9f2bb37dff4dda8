/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for linux/compiler.h and linux/compiler_types.h: attributes,
 * barrier(), READ_ONCE()/WRITE_ONCE() as the kernel spells them (gcc).
 */
#ifndef _SHIM_LINUX_COMPILER_H
#define _SHIM_LINUX_COMPILER_H

#undef __always_inline
#define __always_inline	inline __attribute__((__always_inline__))
#define noinline	__attribute__((__noinline__))
#define __percpu
#define __user
#define __must_check	__attribute__((__warn_unused_result__))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define barrier()	__asm__ __volatile__("" : : : "memory")
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val) \
	do { *(volatile __typeof__(x) *)&(x) = (val); } while (0)
#define _RET_IP_	((unsigned long)__builtin_return_address(0))
#define fallthrough	__attribute__((__fallthrough__))

#endif
