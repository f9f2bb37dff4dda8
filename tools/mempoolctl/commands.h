/* SPDX-License-Identifier: GPL-2.0 */
/*
 * commands.h - the handlers of mempoolctl's commands: they do the I/O
 * (ioctls on /dev/mempool, the debugfs files of mempool_bench) and print.
 * Each returns the exit status: 0 success, 1 refused by the kernel.
 * @fd is /dev/mempool as the command table asks (MP_DEV_*), else -1.
 */
#ifndef MEMPOOLCTL_COMMANDS_H
#define MEMPOOLCTL_COMMANDS_H

#include <stddef.h>

#include "cli.h"

#define MP_DEV_PATH "/dev/mempool"

/* "mempoolctl: CMD: MESSAGE" on stderr; returns 1, the exit status. */
int mp_fail(enum mp_cmd cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Open the device and check the ABI version; -1 (message printed) on error. */
int mp_open_dev(int flags);

struct mp_top_snap;
/*
 * Sample every pool's statistics (pools destroyed meanwhile are left
 * out); @s->pools is malloc'd, @s->t_ns left alone.  Returns 0, or -1
 * with the reason in @err.
 */
int mp_sample_pools(int fd, struct mp_top_snap *s, char *err, size_t errlen);

int mp_run_create(int fd, const struct mp_args *a);
int mp_run_destroy(int fd, const struct mp_args *a);
int mp_run_list(int fd, const struct mp_args *a);
int mp_run_stats(int fd, const struct mp_args *a);
int mp_run_alloc(int fd, const struct mp_args *a);
int mp_run_free(int fd, const struct mp_args *a);
int mp_run_write(int fd, const struct mp_args *a);
int mp_run_read(int fd, const struct mp_args *a);
int mp_run_reset(int fd, const struct mp_args *a);
int mp_run_version(int fd, const struct mp_args *a);
int mp_run_debug(int fd, const struct mp_args *a);
/* watch_run.c */
int mp_run_watch(int fd, const struct mp_args *a);
/* top_run.c */
int mp_run_top(int fd, const struct mp_args *a);
/* bench_run.c */
int mp_run_bench(int fd, const struct mp_args *a);

#endif /* MEMPOOLCTL_COMMANDS_H */
