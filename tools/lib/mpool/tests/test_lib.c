// SPDX-License-Identifier: GPL-2.0
/*
 * test_lib.c - host unit test of libmpool: what needs no device.  The
 * handle helpers, mpool_ptr(), and the argument checks each function
 * makes before (or instead of) its ioctl; TAP output.  The guest test
 * (tools/testing/lib/, test_59_lib) runs the functions against the module.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libmpool.h"

static int nr;
static int failed;

static void ok(int cond, const char *name, long got, long want)
{
	nr++;
	if (cond) {
		printf("ok %d - lib-%s\n", nr, name);
	} else {
		failed = 1;
		printf("not ok %d - lib-%s: got %ld, wanted %ld\n", nr, name,
		       got, want);
	}
}

#define EQ(name, got, want) do {					\
	long _g = (long)(got), _w = (long)(want);			\
	ok(_g == _w, name, _g, _w);					\
} while (0)

static const char long_name[] = "abcdefghijklmnopqrstuvwxyz012345"; /* 32 */
static const char max_name[] = "abcdefghijklmnopqrstuvwxyz01234";   /* 31 */

static void test_handles(void)
{
	uint64_t h = mpool_handle_make(0x12345678abULL, 0xfedcba);
	char region[256];
	struct mpool_map m = { .base = region, .length = sizeof(region) };

	EQ("handle-offset", mpool_handle_offset(h) == 0x12345678abULL, 1);
	EQ("handle-gen", mpool_handle_gen(h), 0xfedcba);
	EQ("handle-matches-uapi-macros",
	   MPOOL_HANDLE_OFFSET(h) == mpool_handle_offset(h) &&
	   MPOOL_HANDLE_GEN(h) == mpool_handle_gen(h), 1);
	EQ("handle-make-masks-offset",
	   mpool_handle_offset(mpool_handle_make(1ULL << 40 | 8, 1)), 8);
	EQ("handle-make-masks-gen", mpool_handle_gen(mpool_handle_make(0, 0x1000001)), 1);
	EQ("handle-gen-max", mpool_handle_gen(~0ULL), 0xffffff);
	EQ("ptr-in-map", mpool_ptr(&m, mpool_handle_make(64, 5)) == region + 64, 1);
	EQ("ptr-last-byte", mpool_ptr(&m, 255) == region + 255, 1);
	EQ("ptr-past-map-null", mpool_ptr(&m, 256) == NULL, 1);
	EQ("ptr-null-map", mpool_ptr(NULL, 0) == NULL, 1);
	m.base = NULL;
	EQ("ptr-unmapped-null", mpool_ptr(&m, 0) == NULL, 1);
}

static void test_names(void)
{
	struct mpool_ioc_stats st;
	uint64_t h = 0;
	char buf[8];

	EQ("create-null-name", mpool_create(-1, NULL, 8, 8, 0, 0), -EINVAL);
	EQ("create-long-name", mpool_create(-1, long_name, 8, 8, 0, 0), -ENAMETOOLONG);
	/* 31 characters fit: the ioctl is tried, on no file */
	EQ("create-31-chars-reaches-ioctl", mpool_create(-1, max_name, 8, 8, 0, 0), -EBADF);
	EQ("destroy-long-name", mpool_destroy(-1, long_name, 0), -ENAMETOOLONG);
	EQ("reset-null-name", mpool_reset(-1, NULL), -EINVAL);
	EQ("stats-long-name", mpool_stats(-1, long_name, &st), -ENAMETOOLONG);
	EQ("stats-null-out", mpool_stats(-1, "p", NULL), -EINVAL);
	EQ("debug-long-name", mpool_debug(-1, long_name, 0, 0, 0, 0, NULL), -ENAMETOOLONG);
	EQ("alloc-long-name", mpool_alloc(-1, long_name, &h, 1, 0, 0), -ENAMETOOLONG);
	EQ("alloc-null-handles", mpool_alloc(-1, "p", NULL, 1, 0, 0), -EINVAL);
	EQ("free-null-handles", mpool_free(-1, "p", NULL, 1, NULL), -EINVAL);
	EQ("free-long-name", mpool_free(-1, long_name, &h, 1, NULL), -ENAMETOOLONG);
	EQ("write-null-buf", mpool_write(-1, "p", h, 0, NULL, 1), -EINVAL);
	EQ("read-long-name", mpool_read(-1, long_name, h, 0, buf, 1), -ENAMETOOLONG);
	EQ("give-null-handles", mpool_give(-1, "p", NULL, 1, NULL), -EINVAL);
	EQ("take-long-name", mpool_take(-1, long_name, &h, 1, NULL), -ENAMETOOLONG);
	EQ("watch-null-name", mpool_watch(-1, NULL, 0, 0, NULL), -EINVAL);
	EQ("list-null-names", mpool_list(-1, NULL, 2), -EINVAL);
	EQ("list-count-only-reaches-ioctl", mpool_list(-1, NULL, 0), -EBADF);
}

static void test_device(void)
{
	struct mpool_watch_event ev;
	struct mpool_map m = { 0 };
	int fd;

	EQ("open-missing-path", mpool_open_path("/nonexistent/mempool", O_RDWR), -ENOENT);
	EQ("open-null-path", mpool_open_path(NULL, O_RDWR), -EINVAL);
	/* a file that is not the device: its VERSION fails, nothing stays open */
	fd = open("/dev/null", O_RDONLY);
	EQ("open-not-the-device", mpool_open_path("/dev/null", O_RDONLY), -ENOTTY);
	EQ("open-not-the-device-closes", fcntl(fd + 1, F_GETFD), -1);
	close(fd);
	EQ("version-bad-fd", mpool_version(-1), -EBADF);
	EQ("map-null", mpool_map(-1, "p", 0, NULL), -EINVAL);
	EQ("map-long-name", mpool_map(-1, long_name, 0, &m), -ENAMETOOLONG);
	EQ("map-bad-fd", mpool_map(-1, "p", 0, &m), -EBADF);
	EQ("unmap-null", mpool_unmap(NULL), -EINVAL);
	EQ("unmap-unmapped", mpool_unmap(&m), -EINVAL);
	EQ("events-null", mpool_read_events(-1, NULL, 1), -EINVAL);
	EQ("events-zero", mpool_read_events(-1, &ev, 0), -EINVAL);
	EQ("events-bad-fd", mpool_read_events(-1, &ev, 1), -EBADF);
}

static void test_cache(void)
{
	struct mpool_cache *c = NULL;
	uint64_t h;

	EQ("cache-create-null-out", mpool_cache_create(-1, "p", 8, NULL), -EINVAL);
	EQ("cache-create-batch-0", mpool_cache_create(-1, "p", 0, &c), -EINVAL);
	EQ("cache-create-batch-over-max",
	   mpool_cache_create(-1, "p", MPOOL_IOC_BATCH_MAX + 1, &c), -EINVAL);
	EQ("cache-create-long-name", mpool_cache_create(-1, long_name, 8, &c), -ENAMETOOLONG);
	EQ("cache-create-bad-fd", mpool_cache_create(-1, "p", 8, &c), -EBADF);
	EQ("cache-create-failed-leaves-null", c == NULL, 1);
	EQ("cache-alloc-null", mpool_cache_alloc(NULL, &h), -EINVAL);
	EQ("cache-free-null", mpool_cache_free(NULL, 0), -EINVAL);
	EQ("cache-flush-null", mpool_cache_flush(NULL), -EINVAL);
	EQ("cache-ptr-null", mpool_cache_ptr(NULL, 0) == NULL, 1);
	EQ("cache-destroy-null", mpool_cache_destroy(NULL), -EINVAL);
}


int main(void)
{
	test_handles();
	test_names();
	test_device();
	test_cache();
	/* the plan last, as TAP allows: no count to keep by hand */
	printf("1..%d\n", nr);
	return failed;
}
