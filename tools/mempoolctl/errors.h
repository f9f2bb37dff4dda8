/* SPDX-License-Identifier: GPL-2.0 */
/*
 * errors.h - the reasons, in words, for what the kernel refuses.  Pure:
 * tested on the host by test_cli.
 */
#ifndef MEMPOOLCTL_ERRORS_H
#define MEMPOOLCTL_ERRORS_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/*
 * The reason for @cmd failing with @err (a positive errno): an ioctl, or
 * for bench the write to mempool_bench's run file.  Never NULL.
 */
const char *mp_strerror(enum mp_cmd cmd, int err);

/* The reason for one offset refused by MPOOL_IOC_FREE (@res < 0). */
const char *mp_free_result_str(int res);

/*
 * The EOPNOTSUPP message of bench for the allocators in @mask: "allocator
 * X is not available in this kernel" (or "allocators X, Y are ...").
 * Returns the length, or -1 if @len is too small.
 */
int mp_format_bench_unavailable(uint32_t mask, char *buf, size_t len);

#endif /* MEMPOOLCTL_ERRORS_H */
