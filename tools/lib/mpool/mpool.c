// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * mpool.c - libmpool's commands: one function per ioctl of
 * include/uapi/mpool_ioctl.h, and the mapping of a pool.
 *
 * Each fills the command's struct (size, name, fields), issues the ioctl
 * and turns its failure into a negative errno.  The kernel checks every
 * field; the library checks only what it must to build the struct (a
 * name that fits, the pointers it dereferences itself).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libmpool.h"

#define MPOOL_EXPORT __attribute__((visibility("default")))

/* ioctl() as 0 or -errno; EINTR restarts but for ALLOC, which may wait. */
static int mp_ioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do {
		r = ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR && req != MPOOL_IOC_ALLOC);
	return r < 0 ? -errno : 0;
}

/* Copies @name into the NUL-padded field @dst; 0 or -errno. */
static int mp_name(__u8 *dst, const char *name)
{
	size_t len;

	if (!name)
		return -EINVAL;
	len = strnlen(name, MPOOL_IOC_NAME_MAX);
	if (len >= MPOOL_IOC_NAME_MAX)
		return -ENAMETOOLONG;
	memset(dst, 0, MPOOL_IOC_NAME_MAX);
	memcpy(dst, name, len);
	return 0;
}

MPOOL_EXPORT int mpool_version(int fd)
{
	struct mpool_ioc_version v = { .size = sizeof(v) };
	int err = mp_ioctl(fd, MPOOL_IOC_VERSION, &v);

	if (err)
		return err;
	return v.out_abi_version > INT32_MAX ? -ERANGE : (int)v.out_abi_version;
}

MPOOL_EXPORT int mpool_open_path(const char *path, int flags)
{
	int fd, v;

	if (!path)
		return -EINVAL;
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	v = mpool_version(fd);
	if (v < 0)
		goto fail;
	if (v != MPOOL_IOC_ABI_VERSION) {
		v = -EPROTO;
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return v;
}

MPOOL_EXPORT int mpool_open(int flags)
{
	return mpool_open_path(MPOOL_DEV_PATH, flags);
}

MPOOL_EXPORT int mpool_create(int fd, const char *name, uint32_t block_size,
			      uint32_t nr_blocks, uint32_t align,
			      uint32_t flags)
{
	struct mpool_ioc_create c = {
		.size = sizeof(c), .flags = flags, .block_size = block_size,
		.nr_blocks = nr_blocks, .align = align,
	};
	int err = mp_name(c.name, name);

	return err ? err : mp_ioctl(fd, MPOOL_IOC_CREATE, &c);
}

static int mp_name_cmd(int fd, unsigned long req, const char *name,
		       uint32_t flags)
{
	struct mpool_ioc_name n = { .size = sizeof(n), .flags = flags };
	int err = mp_name(n.name, name);

	return err ? err : mp_ioctl(fd, req, &n);
}

MPOOL_EXPORT int mpool_destroy(int fd, const char *name, uint32_t flags)
{
	return mp_name_cmd(fd, MPOOL_IOC_DESTROY, name, flags);
}

MPOOL_EXPORT int mpool_reset(int fd, const char *name)
{
	return mp_name_cmd(fd, MPOOL_IOC_RESET, name, 0);
}

MPOOL_EXPORT int mpool_list(int fd, char (*names)[MPOOL_IOC_NAME_MAX],
			    uint32_t cap)
{
	struct mpool_ioc_list l = {
		.size = sizeof(l), .count = cap,
		.names = (__u64)(uintptr_t)names,
	};
	uint32_t i;
	int err;

	if (cap && !names)
		return -EINVAL;
	err = mp_ioctl(fd, MPOOL_IOC_LIST, &l);
	if (err)
		return err;
	for (i = 0; i < cap && i < l.count; i++)
		names[i][MPOOL_IOC_NAME_MAX - 1] = 0;
	return l.count > INT32_MAX ? -ERANGE : (int)l.count;
}

MPOOL_EXPORT int mpool_stats(int fd, const char *name,
			     struct mpool_ioc_stats *st)
{
	int err;

	if (!st)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	err = mp_name(st->name, name);
	return err ? err : mp_ioctl(fd, MPOOL_IOC_STATS, st);
}

MPOOL_EXPORT int mpool_debug(int fd, const char *name, uint32_t on,
			     uint32_t off, uint32_t flags,
			     uint32_t quarantine, struct mpool_ioc_debug *out)
{
	struct mpool_ioc_debug d = {
		.size = sizeof(d), .flags = flags, .on = on, .off = off,
		.quarantine = quarantine,
	};
	int err = mp_name(d.name, name);

	if (!err)
		err = mp_ioctl(fd, MPOOL_IOC_DEBUG, &d);
	if (!err && out)
		*out = d;
	return err;
}

MPOOL_EXPORT int mpool_alloc(int fd, const char *name, uint64_t *handles,
			     uint32_t count, uint32_t flags,
			     uint32_t timeout_ms)
{
	struct mpool_ioc_alloc a = {
		.size = sizeof(a), .flags = flags, .count = count,
		.timeout_ms = timeout_ms, .handles = (__u64)(uintptr_t)handles,
	};
	int err = mp_name(a.name, name);

	if (!err && !handles)
		err = -EINVAL;
	if (!err)
		err = mp_ioctl(fd, MPOOL_IOC_ALLOC, &a);
	return err ? err : (int)a.out_allocated;
}

MPOOL_EXPORT int mpool_free(int fd, const char *name, const uint64_t *handles,
			    uint32_t count, int32_t *results)
{
	struct mpool_ioc_free f = {
		.size = sizeof(f), .count = count,
		.handles = (__u64)(uintptr_t)handles,
		.results = (__u64)(uintptr_t)results,
	};
	int err = mp_name(f.name, name);

	if (!err && !handles)
		err = -EINVAL;
	if (!err)
		err = mp_ioctl(fd, MPOOL_IOC_FREE, &f);
	return err ? err : (int)f.out_freed;
}

static int mp_rw(int fd, unsigned long req, const char *name,
		 uint64_t handle, uint32_t pos, const void *buf,
		 uint32_t length)
{
	struct mpool_ioc_rw rw = {
		.size = sizeof(rw), .handle = handle, .pos = pos,
		.length = length, .buf = (__u64)(uintptr_t)buf,
	};
	int err = mp_name(rw.name, name);

	if (!err && !buf)
		err = -EINVAL;
	return err ? err : mp_ioctl(fd, req, &rw);
}

MPOOL_EXPORT int mpool_write(int fd, const char *name, uint64_t handle,
			     uint32_t pos, const void *buf, uint32_t length)
{
	return mp_rw(fd, MPOOL_IOC_WRITE, name, handle, pos, buf, length);
}

MPOOL_EXPORT int mpool_read(int fd, const char *name, uint64_t handle,
			    uint32_t pos, void *buf, uint32_t length)
{
	return mp_rw(fd, MPOOL_IOC_READ, name, handle, pos, buf, length);
}

static int mp_handover(int fd, unsigned long req, const char *name,
		       const uint64_t *handles, uint32_t count,
		       int32_t *results)
{
	struct mpool_ioc_handover h = {
		.size = sizeof(h), .count = count,
		.handles = (__u64)(uintptr_t)handles,
		.results = (__u64)(uintptr_t)results,
	};
	int err = mp_name(h.name, name);

	if (!err && !handles)
		err = -EINVAL;
	if (!err)
		err = mp_ioctl(fd, req, &h);
	return err ? err : (int)h.out_done;
}

MPOOL_EXPORT int mpool_give(int fd, const char *name, const uint64_t *handles,
			    uint32_t count, int32_t *results)
{
	return mp_handover(fd, MPOOL_IOC_GIVE, name, handles, count, results);
}

MPOOL_EXPORT int mpool_take(int fd, const char *name, const uint64_t *handles,
			    uint32_t count, int32_t *results)
{
	return mp_handover(fd, MPOOL_IOC_TAKE, name, handles, count, results);
}

MPOOL_EXPORT int mpool_map(int fd, const char *name, int prot,
			   struct mpool_map *map)
{
	struct mpool_ioc_map m = { .size = sizeof(m) };
	void *p;
	int err;

	if (!map)
		return -EINVAL;
	err = mp_name(m.name, name);
	if (!err)
		err = mp_ioctl(fd, MPOOL_IOC_MAP, &m);
	if (err)
		return err;
	if (m.out_length > SIZE_MAX || m.out_offset > INT64_MAX)
		return -EOVERFLOW;
	p = mmap(NULL, (size_t)m.out_length, prot, MAP_SHARED, fd,
		 (off_t)m.out_offset);
	if (p == MAP_FAILED)
		return -errno;
	map->base = p;
	map->length = (size_t)m.out_length;
	map->offset = m.out_offset;
	map->flags = (prot & PROT_WRITE) ? MPOOL_MAP_WRITABLE : 0;
	return 0;
}

MPOOL_EXPORT int mpool_unmap(struct mpool_map *map)
{
	if (!map || !map->base)
		return -EINVAL;
	if (munmap(map->base, map->length))
		return -errno;
	map->base = NULL;
	map->length = 0;
	return 0;
}

MPOOL_EXPORT int mpool_watch(int fd, const char *name, uint32_t flags,
			     uint32_t below, struct mpool_ioc_watch *out)
{
	struct mpool_ioc_watch w = {
		.size = sizeof(w), .flags = flags, .below = below,
	};
	int err = mp_name(w.name, name);

	if (!err)
		err = mp_ioctl(fd, MPOOL_IOC_WATCH, &w);
	if (!err && out)
		*out = w;
	return err;
}

MPOOL_EXPORT ssize_t mpool_read_events(int fd, struct mpool_watch_event *events,
				       size_t max)
{
	ssize_t n;

	if (!events || !max)
		return -EINVAL;
	if (max > SSIZE_MAX / sizeof(*events))
		max = SSIZE_MAX / sizeof(*events);
	/* Not restarted: a signal must be able to end the wait. */
	n = read(fd, events, max * sizeof(*events));
	if (n < 0)
		return -errno;
	if (n % sizeof(*events))
		return -EIO;
	return n / (ssize_t)sizeof(*events);
}
