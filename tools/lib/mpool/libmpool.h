/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libmpool.h - the userspace library of /dev/mempool.
 *
 * One function per command of the ioctl ABI (include/uapi/mpool_ioctl.h,
 * which this header includes: the structs, flags and command numbers are
 * spelled out there only), the handle helpers, a pool's mapping and a
 * per-thread cache of owned blocks (mpool_cache_*).
 *
 * Every function that can fail returns a negative errno (-ENOENT, ...),
 * its only report: errno is unspecified after any call.  The library
 * never prints and never exits.  Names are NUL-terminated
 * strings of 1 to MPOOL_IOC_NAME_MAX - 1 characters (longer:
 * -ENAMETOOLONG, before any call).  A call interrupted by a signal is
 * restarted, but for mpool_alloc() and mpool_read_events(), which wait
 * and return -EINTR.
 */
#ifndef LIBMPOOL_H
#define LIBMPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mpool_ioctl.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MPOOL_DEV_PATH "/dev/mempool"

/* The device. */
int mpool_open(int flags);
int mpool_open_path(const char *path, int flags);
int mpool_version(int fd);

/* Pools. */
int mpool_create(int fd, const char *name, uint32_t block_size,
		 uint32_t nr_blocks, uint32_t align, uint32_t flags);
int mpool_destroy(int fd, const char *name, uint32_t flags);
int mpool_reset(int fd, const char *name);
int mpool_list(int fd, char (*names)[MPOOL_IOC_NAME_MAX], uint32_t cap);
int mpool_stats(int fd, const char *name, struct mpool_ioc_stats *st);
int mpool_debug(int fd, const char *name, uint32_t on, uint32_t off,
		uint32_t flags, uint32_t quarantine,
		struct mpool_ioc_debug *out);

/* Blocks. */
int mpool_alloc(int fd, const char *name, uint64_t *handles, uint32_t count,
		uint32_t flags, uint32_t timeout_ms);
int mpool_free(int fd, const char *name, const uint64_t *handles,
	       uint32_t count, int32_t *results);
int mpool_write(int fd, const char *name, uint64_t handle, uint32_t pos,
		const void *buf, uint32_t length);
int mpool_read(int fd, const char *name, uint64_t handle, uint32_t pos,
	       void *buf, uint32_t length);
int mpool_give(int fd, const char *name, const uint64_t *handles,
	       uint32_t count, int32_t *results);
int mpool_take(int fd, const char *name, const uint64_t *handles,
	       uint32_t count, int32_t *results);

/* Handles: the block's offset in the region, the allocation's generation. */
static inline uint64_t mpool_handle_offset(uint64_t handle)
{
	return handle & MPOOL_HANDLE_OFFSET_MASK;
}

static inline uint32_t mpool_handle_gen(uint64_t handle)
{
	return (uint32_t)(handle >> MPOOL_HANDLE_GEN_SHIFT);
}

static inline uint64_t mpool_handle_make(uint64_t offset, uint32_t gen)
{
	return (offset & MPOOL_HANDLE_OFFSET_MASK) |
	       ((uint64_t)(gen & 0xffffff) << MPOOL_HANDLE_GEN_SHIFT);
}

/* A pool's region mapped into this process. */
struct mpool_map {
	void *base;		/* the region's first byte */
	size_t length;		/* bytes mapped (whole pages) */
	uint64_t offset;	/* MPOOL_IOC_MAP's out_offset */
	/*
	 * MPOOL_MAP_WRITABLE when this mapping is writable (PROT_WRITE), not
	 * MAP's out_flags (whether the pool allows it).
	 */
	uint32_t flags;
};

int mpool_map(int fd, const char *name, int prot, struct mpool_map *map);
/* Unmaps; base and length become NULL and 0, so mpool_ptr() says NULL. */
int mpool_unmap(struct mpool_map *map);

/* The block of @handle in @map, or NULL when it lies outside it. */
static inline void *mpool_ptr(const struct mpool_map *map, uint64_t handle)
{
	uint64_t off = mpool_handle_offset(handle);

	if (!map || !map->base || off >= map->length)
		return NULL;
	return (char *)map->base + off;
}

/* Watermark events. */
int mpool_watch(int fd, const char *name, uint32_t flags, uint32_t below,
		struct mpool_ioc_watch *out);
ssize_t mpool_read_events(int fd, struct mpool_watch_event *events,
			  size_t max);

/* Per-thread caches of owned blocks (see mpool_cache_create(3)). */
struct mpool_cache;

int mpool_cache_create(int fd, const char *name, uint32_t max_batch,
		       struct mpool_cache **cache);
int mpool_cache_alloc(struct mpool_cache *cache, uint64_t *handle);
int mpool_cache_free(struct mpool_cache *cache, uint64_t handle);
int mpool_cache_flush(struct mpool_cache *cache);
void *mpool_cache_ptr(const struct mpool_cache *cache, uint64_t handle);
int mpool_cache_destroy(struct mpool_cache *cache);

#ifdef __cplusplus
}
#endif

#endif /* LIBMPOOL_H */
