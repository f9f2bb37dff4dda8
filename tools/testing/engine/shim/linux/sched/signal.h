/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for linux/sched/signal.h: the scheduler and the wait queue. */
#include <linux/sched.h>
#include <linux/wait.h>
