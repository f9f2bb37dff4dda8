/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for linux/log2.h: see linux/kernel.h. */
#include <linux/kernel.h>
