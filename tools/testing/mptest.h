/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mptest.h: what the test programs share: the guest protocol's result lines,
 * a name field, and for the raw-ioctl ones (tools/testing/regress,
 * tools/testing/faults, tools/testing/fuzz, ...) the plainest ioctl calls;
 * the others speak through libmpool.
 */
#ifndef MPTEST_H
#define MPTEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

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

/* ioctl() as an errno: 0 on success. */
static inline int mpt_io(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? errno : 0;
}

static inline int mpt_create(int fd, const char *name, __u32 bs, __u32 n,
			     __u32 flags)
{
	struct mpool_ioc_create c = { .size = sizeof(c), .flags = flags,
				      .block_size = bs, .nr_blocks = n };

	set_name(c.name, name);
	return mpt_io(fd, MPOOL_IOC_CREATE, &c);
}

/* Allocates up to @count blocks into @handles; returns how many, or -errno. */
static inline int mpt_alloc(int fd, const char *name, __u64 *handles,
			    __u32 count, __u32 flags, __u32 timeout_ms)
{
	struct mpool_ioc_alloc a = {
		.size = sizeof(a), .count = count, .flags = flags,
		.timeout_ms = timeout_ms, .handles = (uintptr_t)handles,
	};
	int err;

	set_name(a.name, name);
	err = mpt_io(fd, MPOOL_IOC_ALLOC, &a);
	return err ? -err : (int)a.out_allocated;
}

static inline int mpt_destroy(int fd, const char *name, __u32 flags)
{
	struct mpool_ioc_name d = { .size = sizeof(d), .flags = flags };

	set_name(d.name, name);
	return mpt_io(fd, MPOOL_IOC_DESTROY, &d);
}

static inline int mpt_stats(int fd, const char *name,
			    struct mpool_ioc_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	set_name(s->name, name);
	return mpt_io(fd, MPOOL_IOC_STATS, s);
}

/*
 * Whether task @tid (a process or a thread) sleeps in a blocking
 * MPOOL_IOC_ALLOC: its wait channel is the engine's mpool_alloc_timeout().
 * The counters cannot tell: waits counts a sleep only when it ends.
 */
static inline int mpt_alloc_asleep(int tid)
{
	char path[64], wchan[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/wchan", tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(wchan, sizeof(wchan), f))
		wchan[0] = 0;
	fclose(f);
	return !strcmp(wchan, "mpool_alloc_timeout");
}

#endif /* MPTEST_H */
