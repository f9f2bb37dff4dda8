/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for linux/bitops.h: see linux/atomic.h. */
#include <linux/atomic.h>
