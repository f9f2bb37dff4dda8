/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for linux/wait.h and linux/sched/signal.h: a wait queue is a
 * condition variable with a count of wake-ups.  The condition is evaluated
 * without the queue's mutex, as the kernel evaluates it outside the queue's
 * lock (it may itself wake the queue); the count read before it closes the
 * window in which a wake-up could be lost.  Time is in jiffies, HZ 1000.
 * No signal interrupts a wait: the shim's IPIs are not signals to the task.
 */
#ifndef _SHIM_LINUX_WAIT_H
#define _SHIM_LINUX_WAIT_H

#include <pthread.h>
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/sched.h>

#define HZ			1000
#define MAX_SCHEDULE_TIMEOUT	LONG_MAX
#define msecs_to_jiffies(ms)	((unsigned long)(ms))
#define jiffies_to_msecs(j)	((unsigned int)(j))

typedef struct wait_queue_head {
	pthread_mutex_t mutex;
	pthread_cond_t cond;
	unsigned int wakeups;
} wait_queue_head_t;

void init_waitqueue_head(wait_queue_head_t *wq);
void wake_up(wait_queue_head_t *wq);
#define wake_up_all(wq)		wake_up(wq)
#define wake_up_interruptible(wq) wake_up(wq)
/* Sleeps until a wake-up after @seen, or until @deadline (ns). */
void shim_wait(wait_queue_head_t *wq, unsigned int seen, s64 deadline);

#define wait_event_interruptible_timeout(wq, condition, timeout) ({	\
	long __left = (timeout);					\
	s64 __deadline = __left >= LONG_MAX / 2 / 1000000 ? S64_MAX :	\
		ktime_get() + __left * 1000000;				\
	for (;;) {							\
		unsigned int __seen = __atomic_load_n(&(wq).wakeups,	\
						      __ATOMIC_ACQUIRE);\
		if (condition) {					\
			if (!__left)					\
				__left = 1;				\
			break;						\
		}							\
		if (!__left)						\
			break;						\
		shim_wait(&(wq), __seen, __deadline);			\
		if (__deadline != S64_MAX)				\
			__left = max(0L, (long)((__deadline - ktime_get()) / 1000000));\
	}								\
	__left;								\
})
#define wait_event_timeout(wq, condition, timeout) \
	wait_event_interruptible_timeout(wq, condition, timeout)

#define signal_pending(t)	0
#define current			NULL

#endif
