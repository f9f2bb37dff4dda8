/* SPDX-License-Identifier: GPL-2.0 */
/* linux/ratelimit.h: every event passes; the harness has no log to flood. */
#ifndef _SHIM_LINUX_RATELIMIT_H
#define _SHIM_LINUX_RATELIMIT_H

struct ratelimit_state {
	int unused;
};

#define DEFINE_RATELIMIT_STATE(name, interval, burst)	\
	struct ratelimit_state name
#define __ratelimit(rs)	((void)(rs), 1)

#endif
