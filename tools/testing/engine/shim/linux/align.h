/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for linux/align.h: see linux/kernel.h. */
#include <linux/kernel.h>
