/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for linux/sched.h: the host's scheduler preempts a thread
 * whenever it likes, so a voluntary reschedule point is nothing.
 */
#ifndef _SHIM_LINUX_SCHED_H
#define _SHIM_LINUX_SCHED_H

static inline int cond_resched(void)
{
	return 0;
}
#define might_resched()		do { } while (0)

#endif
