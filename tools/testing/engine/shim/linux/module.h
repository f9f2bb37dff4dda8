/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for linux/module.h and linux/moduleparam.h: exports vanish,
 * parameters are plain variables (tests set them directly).
 */
#ifndef _SHIM_LINUX_MODULE_H
#define _SHIM_LINUX_MODULE_H

#include <linux/kernel.h>

#define EXPORT_SYMBOL(sym)		extern int __shim_export_##sym
#define EXPORT_SYMBOL_GPL(sym)		extern int __shim_export_##sym
#define MODULE_PARM_DESC(name, desc)	extern int __shim_parmdesc_##name
#define module_param(name, type, perm)	extern int __shim_param_##name

struct kernel_param {
	void *arg;
};

struct kernel_param_ops {
	int (*set)(const char *val, const struct kernel_param *kp);
	int (*get)(char *buffer, const struct kernel_param *kp);
};

#define module_param_cb(name, ops, argp, perm)				\
	const struct kernel_param_ops *__shim_param_ops_##name = (ops);	\
	void *__shim_param_arg_##name = (argp)

int param_set_uint_minmax(const char *val, const struct kernel_param *kp,
			  unsigned int min, unsigned int max);
int param_get_uint(char *buffer, const struct kernel_param *kp);

#endif
