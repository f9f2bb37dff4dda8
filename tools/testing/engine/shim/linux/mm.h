/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for linux/mm.h: see linux/slab.h. */
#include <linux/slab.h>
