/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mptest.h: what the raw-ioctl test programs (tools/regress, tools/faults,
 * tools/fuzz) share: the guest protocol's result lines and a name field.
 */
#ifndef MPTEST_H
#define MPTEST_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mpool_ioctl.h"

/* MPTEST ok NAME, or MPTEST not ok NAME: MSG; flushed at once. */
static inline __attribute__((format(printf, 3, 4)))
void result(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("MPTEST ok %s\n", name);
	} else {
		printf("MPTEST not ok %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	fflush(stdout);
}

/* A name field: NUL-padded, as the ABI wants. */
static inline void set_name(__u8 *dst, const char *name)
{
	memset(dst, 0, MPOOL_IOC_NAME_MAX);
	memcpy(dst, name, strnlen(name, MPOOL_IOC_NAME_MAX - 1));
}

#endif /* MPTEST_H */
