/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for linux/string.h: libc's, and the kernel's own additions. */
#ifndef _SHIM_LINUX_STRING_H
#define _SHIM_LINUX_STRING_H

#include <string.h>
#include <linux/kernel.h>

ssize_t strscpy(char *dst, const char *src, size_t size);
void *memchr_inv(const void *start, int c, size_t bytes);

#endif
