/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for linux/spinlock.h: raw spinlocks as spinlocks.  Uncontended,
 * a lock is one locked cmpxchg and an unlock one release store, as the
 * kernel's queued spinlock on x86; the _irqsave forms add the shim's
 * interrupt flag (linux/percpu.h).
 */
#ifndef _SHIM_LINUX_SPINLOCK_H
#define _SHIM_LINUX_SPINLOCK_H

#include <sched.h>
#include <linux/atomic.h>
#include <linux/percpu.h>

typedef struct {
	int locked;
} raw_spinlock_t, spinlock_t;

#define __RAW_SPIN_LOCK_UNLOCKED(name)	{ 0 }
#define DEFINE_RAW_SPINLOCK(name)	raw_spinlock_t name = { 0 }
#define raw_spin_lock_init(l)		((l)->locked = 0)
#define spin_lock_init(l)		raw_spin_lock_init(l)

static __always_inline bool shim_spin_trylock(raw_spinlock_t *l)
{
	int unlocked = 0;

	shim_locked();
	return __atomic_compare_exchange_n(&l->locked, &unlocked, 1, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void shim_spin_lock_slow(raw_spinlock_t *l);

static __always_inline void raw_spin_lock(raw_spinlock_t *l)
{
	if (unlikely(!shim_spin_trylock(l)))
		shim_spin_lock_slow(l);
}

static __always_inline void raw_spin_unlock(raw_spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#define raw_spin_trylock(l)	shim_spin_trylock(l)
#define raw_spin_lock_irqsave(l, flags) do {				\
	local_irq_save(flags);						\
	raw_spin_lock(l);						\
} while (0)
#define raw_spin_unlock_irqrestore(l, flags) do {			\
	raw_spin_unlock(l);						\
	local_irq_restore(flags);					\
} while (0)
#define raw_spin_lock_irq(l)	do { local_irq_disable(); raw_spin_lock(l); } while (0)
#define raw_spin_unlock_irq(l)	do { raw_spin_unlock(l); local_irq_enable(); } while (0)
#define spin_lock(l)		raw_spin_lock(l)
#define spin_unlock(l)		raw_spin_unlock(l)
#define spin_lock_irqsave(l, f)	raw_spin_lock_irqsave(l, f)
#define spin_unlock_irqrestore(l, f) raw_spin_unlock_irqrestore(l, f)

#endif
