/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for linux/overflow.h: see linux/kernel.h. */
#include <linux/kernel.h>
