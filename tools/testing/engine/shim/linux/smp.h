/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for linux/smp.h: see linux/percpu.h. */
#include <linux/percpu.h>
