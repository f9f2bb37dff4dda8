/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for linux/ktime.h: ktime_t in ns from CLOCK_MONOTONIC. */
#ifndef _SHIM_LINUX_KTIME_H
#define _SHIM_LINUX_KTIME_H

#include <time.h>
#include <linux/kernel.h>

#define S64_MAX		INT64_MAX
typedef s64 ktime_t;

static inline ktime_t ktime_get(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (s64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
#define ktime_get_ns()		((u64)ktime_get())
#define ktime_us_delta(a, b)	(((a) - (b)) / 1000)
#define ktime_to_ns(t)		(t)

#endif
