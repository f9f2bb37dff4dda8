/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for linux/bits.h: see linux/kernel.h. */
#include <linux/kernel.h>
