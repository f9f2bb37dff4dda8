/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for linux/sched/signal.h: the wait queue is all it brings. */
#include <linux/wait.h>
