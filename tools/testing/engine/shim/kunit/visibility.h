/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for kunit/visibility.h: everything is visible to the tests. */
#include <linux/module.h>
#define EXPORT_SYMBOL_IF_KUNIT(sym)	extern int __shim_export_##sym
#define VISIBLE_IF_KUNIT
