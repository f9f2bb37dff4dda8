/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for linux/atomic.h, asm/cmpxchg.h, asm/barrier.h and the
 * atomic bit operations of linux/bitops.h, as x86-64 has them: every
 * read-modify-write is a locked instruction (gcc's __atomic builtins emit
 * lock-prefixed ones, or xchg, locked by itself), cmpxchg_local() is a
 * cmpxchg without the lock prefix, smp_mb() is a locked add to the stack
 * (as the kernel's), smp_mb__after_atomic() and smp_rmb()/smp_wmb() are
 * compiler barriers (x86 keeps loads and stores in order but for
 * store-load, which locked operations order).
 *
 * In the counting build (-DSHIM_COUNT_LOCKED) each locked operation adds 1
 * to shim_locked_ops, a per-thread counter: the budget counts them exactly.
 */
#ifndef _SHIM_LINUX_ATOMIC_H
#define _SHIM_LINUX_ATOMIC_H

#include <linux/types.h>

extern __thread unsigned long shim_locked_ops;
#ifdef SHIM_COUNT_LOCKED
#define shim_locked()	(shim_locked_ops++)
#else
#define shim_locked()	((void)0)
#endif

typedef struct {
	int counter;
} atomic_t;

#define ATOMIC_INIT(i)	{ (i) }
#define atomic_read(v)	READ_ONCE((v)->counter)
#define atomic_set(v, i) WRITE_ONCE((v)->counter, (i))
#define atomic_add_return(i, v) \
	(shim_locked(), __atomic_add_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST))
#define atomic_sub_return(i, v)	atomic_add_return(-(i), v)
#define atomic_inc_return(v)	atomic_add_return(1, v)
#define atomic_dec_return(v)	atomic_add_return(-1, v)
#define atomic_inc(v)		((void)atomic_add_return(1, v))
#define atomic_dec(v)		((void)atomic_add_return(-1, v))
#define atomic_add(i, v)	((void)atomic_add_return(i, v))
#define atomic_sub(i, v)	((void)atomic_add_return(-(i), v))
#define atomic_dec_and_test(v)	(atomic_add_return(-1, v) == 0)

#define xchg(ptr, v) \
	(shim_locked(), __atomic_exchange_n((ptr), (v), __ATOMIC_SEQ_CST))
#define cmpxchg(ptr, old, new) ({					\
	__typeof__(*(ptr)) __old = (old);				\
	shim_locked();							\
	__atomic_compare_exchange_n((ptr), &__old, (new), false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	__old;								\
})

#if defined(__x86_64__)
/* Safe against interrupts (signals) on this thread only, as the kernel's. */
#define cmpxchg_local(ptr, old, new) ({					\
	__typeof__(*(ptr)) __ret, __o = (old), __n = (new);		\
	_Static_assert(sizeof(*(ptr)) == 4, "32-bit cmpxchg_local only"); \
	__asm__ __volatile__("cmpxchgl %2, %1"				\
			     : "=a"(__ret), "+m"(*(ptr))		\
			     : "r"(__n), "0"(__o)			\
			     : "memory");				\
	__ret;								\
})
#define smp_mb() do {							\
	shim_locked();							\
	__asm__ __volatile__("lock; addl $0,-4(%%rsp)" : : : "memory", "cc"); \
} while (0)
#else
/* Elsewhere, a full atomic: correct, and not what the budget measures. */
#define cmpxchg_local(ptr, old, new) ({					\
	__typeof__(*(ptr)) __old = (old);				\
	__atomic_compare_exchange_n((ptr), &__old, (new), false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	__old;								\
})
#define smp_mb() (shim_locked(), __atomic_thread_fence(__ATOMIC_SEQ_CST))
#endif
#define smp_rmb()		barrier()
#define smp_wmb()		barrier()
#define smp_mb__after_atomic()	barrier()
#define smp_mb__before_atomic()	barrier()
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)

#define BITS_PER_LONG	64
static inline bool test_and_set_bit(long nr, volatile unsigned long *addr)
{
	unsigned long mask = 1UL << (nr % BITS_PER_LONG);

	shim_locked();
	return __atomic_fetch_or(addr + nr / BITS_PER_LONG, mask,
				 __ATOMIC_SEQ_CST) & mask;
}
static inline void set_bit(long nr, volatile unsigned long *addr)
{
	(void)test_and_set_bit(nr, addr);
}
static inline void clear_bit(long nr, volatile unsigned long *addr)
{
	shim_locked();
	__atomic_fetch_and(addr + nr / BITS_PER_LONG,
			   ~(1UL << (nr % BITS_PER_LONG)), __ATOMIC_SEQ_CST);
}
static inline bool test_bit(long nr, const volatile unsigned long *addr)
{
	return (addr[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1;
}

#endif
