// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_libconform: libmpool checked against its documentation alone
 * (issue 23).  Written from tools/lib/mpool/libmpool.h, the man pages in
 * tools/lib/mpool/man/, docs/libmpool.md, README.md and
 * include/uapi/mpool_ioctl.h, never from the library's sources or the other
 * tests.  Every check prints "MPTEST ok libc-NAME" or "MPTEST not ok
 * libc-NAME: why" and quotes, above it, the sentence it derives from.
 *
 *   mpool_libconform          as root: every check
 *   mpool_libconform user     as an unprivileged user: the refusals
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libmpool.h"
#include "../mptest.h"

#define ERRNO_SENTINEL 4242

static int nfail;

/* One check: result() of mptest.h, counted. */
#define check(ok, name, ...) do {					\
		int _ok = !!(ok);					\
									\
		nfail += !_ok;						\
		result(_ok, name, __VA_ARGS__);				\
	} while (0)

/*
 * libmpool.h: "the library never prints and never exits".
 * docs/libmpool.md: "the library never prints, never exits and never sets
 * errno for its callers".
 * Every failing call below runs inside QUIET(): stdout and stderr go to a
 * scratch file, errno is set to a sentinel; the bytes written and any errno
 * change are counted and checked at the end (libc-never-prints;
 * libc-errno-untouched-before-syscall for the calls that fail before any
 * system call, the others' count only printed: see t_end()).
 */
static int quiet_out = -1, saved_out = -1, saved_err = -1;
static long quiet_calls, quiet_bytes, errno_changed;
static long nosys_calls, nosys_errno_changed;
static int quiet_nosys;		/* the call fails before any system call */
static char quiet_first_print[160], errno_first[160], nosys_errno_first[160];

static void quiet_begin(void)
{
	fflush(stdout);
	fflush(stderr);
	if (quiet_out < 0) {
		char path[] = "/tmp/libconform.XXXXXX";

		quiet_out = mkstemp(path);
		unlink(path);
	}
	ftruncate(quiet_out, 0);
	lseek(quiet_out, 0, SEEK_SET);
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(quiet_out, 1);
	dup2(quiet_out, 2);
}

static void quiet_end(const char *what, int err_after)
{
	struct stat st;

	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	quiet_calls++;
	if (!fstat(quiet_out, &st) && st.st_size > 0) {
		if (!quiet_bytes)
			snprintf(quiet_first_print, sizeof(quiet_first_print),
				 "%s", what);
		quiet_bytes += st.st_size;
	}
	nosys_calls += quiet_nosys;
	if (err_after != ERRNO_SENTINEL && quiet_nosys) {
		if (!nosys_errno_changed)
			snprintf(nosys_errno_first, sizeof(nosys_errno_first),
				 "%s set errno to %d", what, err_after);
		nosys_errno_changed++;
	}
	if (err_after != ERRNO_SENTINEL) {
		if (!errno_changed)
			snprintf(errno_first, sizeof(errno_first),
				 "%s set errno to %d", what, err_after);
		errno_changed++;
	}
}

#define QUIET(expr) ({						\
	long _v;						\
	int _e;							\
	quiet_begin();						\
	errno = ERRNO_SENTINEL;					\
	_v = (long)(expr);					\
	_e = errno;						\
	quiet_end(#expr, _e);					\
	_v;							\
})

/* "-ENOENT" or "3"; eight buffers in turn, for several in one printf(). */
static const char *errname(long e)
{
	static char bufs[8][32];
	static unsigned int next;
	char *buf = bufs[next++ % 8];

	if (e >= 0) {
		snprintf(buf, 32, "%ld", e);
		return buf;
	}
	snprintf(buf, 32, "-%s", strerrorname_np((int)-e) ?: "?");
	return buf;
}

/* Checks that a call returned exactly @want. */
static void want(const char *name, long got, long want_v)
{
	char g[32];

	snprintf(g, sizeof(g), "%s", errname(got));
	check(got == want_v, name, "got %s, wanted %s", g, errname(want_v));
}

static int fd = -1;		/* O_RDWR, the main open file */

static struct mpool_ioc_stats stats_of(int f, const char *name)
{
	struct mpool_ioc_stats st;
	int r;

	memset(&st, 0, sizeof(st));
	r = mpool_stats(f, name, &st);
	if (r)
		memset(&st, 0xff, sizeof(st));
	return st;
}

static long in_use(const char *name)
{
	struct mpool_ioc_stats st;

	if (mpool_stats(fd, name, &st))
		return -1;
	return (long)st.out_blocks_in_use;
}

static int pool_exists(const char *name)
{
	struct mpool_ioc_stats st;

	return mpool_stats(fd, name, &st) == 0;
}

/* A fresh pool; any old one of the name is force-destroyed first. */
static int fresh(const char *name, uint32_t bs, uint32_t n, uint32_t flags)
{
	mpool_destroy(fd, name, MPOOL_DESTROY_FORCE);
	return mpool_create(fd, name, bs, n, 0, flags);
}

static int fd_open(int f)
{
	return fcntl(f, F_GETFD) >= 0;
}

static int open_fds(void)
{
	int n = 0, i;

	for (i = 0; i < 1024; i++)
		n += fd_open(i);
	return n;
}

static void on_signal(int sig)
{
	(void)sig;
}

/* SIGUSR1 with a handler and without SA_RESTART. */
static void install_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

/* ---- the device ------------------------------------------------------ */

static void t_device(void)
{
	int f, n, r;

	/*
	 * mpool_open(3): "opens /dev/mempool with flags (O_RDONLY, O_WRONLY or
	 * O_RDWR, optionally O_NONBLOCK; O_CLOEXEC is always added)";
	 * "RETURN VALUE A file descriptor".
	 */
	check(fd >= 0, "libc-open-rdwr", "mpool_open(O_RDWR) gave %s",
	      errname(fd));
	check(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "libc-open-cloexec",
	      "FD_CLOEXEC not set on the file mpool_open() returned");
	check(fd >= 0 && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR,
	      "libc-open-accmode", "F_GETFL access mode is not O_RDWR");
	f = mpool_open(O_RDONLY | O_NONBLOCK);
	check(f >= 0 && (fcntl(f, F_GETFL) & O_NONBLOCK) &&
	      (fcntl(f, F_GETFL) & O_ACCMODE) == O_RDONLY, "libc-open-nonblock",
	      "mpool_open(O_RDONLY | O_NONBLOCK) gave %s, flags %#x", errname(f),
	      f >= 0 ? fcntl(f, F_GETFL) : 0);
	if (f >= 0)
		close(f);

	/*
	 * mpool_open(3): "mpool_version() returns the ABI version of the
	 * module behind fd"; "checks that the module speaks the ABI version
	 * the library was built with (MPOOL_IOC_ABI_VERSION)".
	 */
	want("libc-version", mpool_version(fd), MPOOL_IOC_ABI_VERSION);
	/* mpool_open(3): "a negative errno on error". */
	want("libc-version-ebadf", QUIET(mpool_version(-1)), -EBADF);

	/* mpool_open(3): "mpool_open_path() does the same for another path". */
	f = mpool_open_path(MPOOL_DEV_PATH, O_WRONLY);
	check(f >= 0 && (fcntl(f, F_GETFD) & FD_CLOEXEC) &&
	      (fcntl(f, F_GETFL) & O_ACCMODE) == O_WRONLY && mpool_version(f) ==
	      MPOOL_IOC_ABI_VERSION, "libc-open-path", "mpool_open_path(%s, O_WRONLY): %s",
	      MPOOL_DEV_PATH, errname(f));
	if (f >= 0)
		close(f);

	/* mpool_open(3): "the errors of open(2)". */
	want("libc-open-path-enoent",
	     QUIET(mpool_open_path("/nonexistent/mempool", O_RDWR)), -ENOENT);

	/*
	 * mpool_open(3): "-ENOTTY when the file is not the mempool device"
	 * (/dev/null answers every ioctl with ENOTTY).  An error returns no
	 * file descriptor, so the one it opened must be closed again.
	 */
	n = open_fds();
	r = QUIET(mpool_open_path("/dev/null", O_RDWR));
	want("libc-open-path-enotty", r, -ENOTTY);
	check(open_fds() == n, "libc-open-path-enotty-no-fd-leak",
	      "%d open files before, %d after the failed mpool_open_path()",
	      n, open_fds());

	f = open("/dev/null", O_RDWR);
	want("libc-version-enotty", QUIET(mpool_version(f)), -ENOTTY);
	close(f);

	/* libmpool(3): "a NULL pointer the function needs -EINVAL". */
	want("libc-open-path-null", QUIET(mpool_open_path(NULL, O_RDWR)),
	     -EINVAL);
}

/* ---- names and NULL pointers ----------------------------------------- */

#define NAME31 "lc_abcdefghijklmnopqrstuvwxyz01"
#define NAME32 NAME31 "x"

static void t_names(void)
{
	struct mpool_ioc_stats st;
	struct mpool_ioc_debug dbg;
	struct mpool_ioc_watch w;
	struct mpool_map map;
	struct mpool_cache *c = NULL;
	uint64_t h = 0;
	int32_t res[1];
	char buf[8] = "";
	int r;

	/*
	 * libmpool.h: "Names are NUL-terminated strings of 1 to
	 * MPOOL_IOC_NAME_MAX - 1 characters".
	 */
	r = fresh(NAME31, 16, 4, 0);
	check(r == 0 && strlen(NAME31) == MPOOL_IOC_NAME_MAX - 1,
	      "libc-name-31-chars", "got %s", errname(r));

	/*
	 * libmpool.h: "(longer: -ENAMETOOLONG, before any call)".  fd -1:
	 * a call made would answer -EBADF.  Then with the real file: a name
	 * whose first 31 characters name an existing pool is still refused,
	 * and the pool is untouched.
	 */
#define TOOLONG(fn, call) do {						\
		const int fd_saved = fd;				\
		int _r[2], _i;						\
		quiet_nosys = 1;					\
		for (_i = 0; _i < 2; _i++) {				\
			fd = _i ? -1 : fd_saved;			\
			_r[_i] = QUIET(call);				\
		}							\
		fd = fd_saved;						\
		quiet_nosys = 0;					\
		check(_r[0] == -ENAMETOOLONG && _r[1] == -ENAMETOOLONG,	\
		      "libc-name-toolong-" fn,				\
		      "fd open: %d, fd -1: %d, wanted %d", _r[0], _r[1],	\
		      -ENAMETOOLONG);					\
	} while (0)
	TOOLONG("create", mpool_create(fd, NAME32, 16, 4, 0, 0));
	TOOLONG("destroy", mpool_destroy(fd, NAME32, MPOOL_DESTROY_FORCE));
	TOOLONG("reset", mpool_reset(fd, NAME32));
	TOOLONG("stats", mpool_stats(fd, NAME32, &st));
	TOOLONG("debug", mpool_debug(fd, NAME32, 0, 0, 0, 0, &dbg));
	TOOLONG("alloc", mpool_alloc(fd, NAME32, &h, 1, 0, 0));
	TOOLONG("free", mpool_free(fd, NAME32, &h, 1, res));
	TOOLONG("write", mpool_write(fd, NAME32, h, 0, buf, 1));
	TOOLONG("read", mpool_read(fd, NAME32, h, 0, buf, 1));
	TOOLONG("give", mpool_give(fd, NAME32, &h, 1, res));
	TOOLONG("take", mpool_take(fd, NAME32, &h, 1, res));
	TOOLONG("map", mpool_map(fd, NAME32, PROT_READ, &map));
	TOOLONG("watch", mpool_watch(fd, NAME32, 0, 0, &w));
	TOOLONG("cache-create", mpool_cache_create(fd, NAME32, 4, &c));
	check(pool_exists(NAME31) && in_use(NAME31) == 0 &&
	      stats_of(fd, NAME31).out_allocs == 0, "libc-name-toolong-untouched",
	      "the pool named by the first 31 characters changed or is gone");
	mpool_destroy(fd, NAME31, 0);

	/*
	 * mpool_ioctl.h: "Pools are named by a NUL-terminated string of 1 to
	 * 31 characters"; "EINVAL: ... a name is not a valid pool name".
	 */
	want("libc-name-empty", QUIET(mpool_create(fd, "", 16, 4, 0, 0)),
	     -EINVAL);
	/*
	 * mpool_ioctl.h: "from [A-Za-z0-9_.-], other than ".", "..", "pools"
	 * and "budget"": the kernel's EINVAL, passed on.
	 */
	{
		static const char * const bad[] = { "a/b", "..", "pools", "budget",
						    "sp ace" };
		int i, ok = 1;

		for (i = 0; i < 5; i++) {
			r = QUIET(mpool_create(fd, bad[i], 16, 4, 0, 0));
			if (r != -EINVAL) {
				ok = 0;
				break;
			}
		}
		check(ok, "libc-name-invalid", "'%s': %s", i < 5 ? bad[i] : "",
		      errname(r));
	}

	/*
	 * docs/libmpool.md: "a NULL pointer it needs -EINVAL, before any
	 * system call" (fd -1: a system call would answer -EBADF).
	 */
#define NULLPTR(fn, call) do {						\
		int _r;							\
		quiet_nosys = 1;					\
		_r = QUIET(call);					\
		quiet_nosys = 0;					\
		check(_r == -EINVAL, "libc-null-" fn,			\
		      "got %s, wanted -EINVAL", errname(_r));		\
	} while (0)
	NULLPTR("name-create", mpool_create(-1, NULL, 16, 4, 0, 0));
	NULLPTR("name-destroy", mpool_destroy(-1, NULL, 0));
	NULLPTR("name-reset", mpool_reset(-1, NULL));
	NULLPTR("name-stats", mpool_stats(-1, NULL, &st));
	NULLPTR("name-debug", mpool_debug(-1, NULL, 0, 0, 0, 0, &dbg));
	NULLPTR("name-alloc", mpool_alloc(-1, NULL, &h, 1, 0, 0));
	NULLPTR("name-free", mpool_free(-1, NULL, &h, 1, res));
	NULLPTR("name-write", mpool_write(-1, NULL, h, 0, buf, 1));
	NULLPTR("name-read", mpool_read(-1, NULL, h, 0, buf, 1));
	NULLPTR("name-give", mpool_give(-1, NULL, &h, 1, res));
	NULLPTR("name-take", mpool_take(-1, NULL, &h, 1, res));
	NULLPTR("name-map", mpool_map(-1, NULL, PROT_READ, &map));
	NULLPTR("name-watch", mpool_watch(-1, NULL, 0, 0, &w));
	NULLPTR("name-cache-create", mpool_cache_create(-1, NULL, 4, &c));
	NULLPTR("stats-st", mpool_stats(-1, "lc_x", NULL));
	NULLPTR("alloc-handles", mpool_alloc(-1, "lc_x", NULL, 1, 0, 0));
	NULLPTR("free-handles", mpool_free(-1, "lc_x", NULL, 1, res));
	NULLPTR("write-buf", mpool_write(-1, "lc_x", h, 0, NULL, 1));
	NULLPTR("read-buf", mpool_read(-1, "lc_x", h, 0, NULL, 1));
	NULLPTR("give-handles", mpool_give(-1, "lc_x", NULL, 1, res));
	NULLPTR("take-handles", mpool_take(-1, "lc_x", NULL, 1, res));
	NULLPTR("map-map", mpool_map(-1, "lc_x", PROT_READ, NULL));
	NULLPTR("unmap", mpool_unmap(NULL));
	NULLPTR("read-events", mpool_read_events(-1, NULL, 1));
	NULLPTR("cache-create-out", mpool_cache_create(-1, "lc_x", 4, NULL));
	NULLPTR("cache-alloc-cache", mpool_cache_alloc(NULL, &h));
	NULLPTR("cache-free-cache", mpool_cache_free(NULL, h));
	NULLPTR("cache-flush", mpool_cache_flush(NULL));
	NULLPTR("cache-destroy", mpool_cache_destroy(NULL));
	/* mpool_list(3): "cap 0 with names NULL only counts them". */
	NULLPTR("list-names-cap", mpool_list(-1, NULL, 4));
	/* mpool_cache_create(3): "NULL when the handle lies outside". */
	check(!mpool_cache_ptr(NULL, h), "libc-null-cache-ptr",
	      "mpool_cache_ptr(NULL, h) is not NULL");
}

/* ---- pools ------------------------------------------------------------ */

static void t_pools(void)
{
	char names[64][MPOOL_IOC_NAME_MAX];
	struct mpool_ioc_stats st;
	int ro, n, n0, i, r, a = -1, b = -1;
	uint64_t h[4];

	/*
	 * mpool_create(3): "mpool_create() makes the pool name of nr_blocks
	 * blocks of block_size bytes, aligned to align (0: 8 bytes), with
	 * MPOOL_CREATE_* flags"; "RETURN VALUE 0".
	 */
	r = fresh("lc_pool", 24, 5, MPOOL_CREATE_ZERO);
	st = stats_of(fd, "lc_pool");
	check(r == 0 && st.out_block_size == 24 && st.out_blocks_total == 5 &&
	      st.out_align == 8 && st.out_flags == MPOOL_CREATE_ZERO,
	      "libc-create", "got %s; block_size %llu blocks %llu align %llu flags %#llx",
	      errname(r), (unsigned long long)st.out_block_size,
	      (unsigned long long)st.out_blocks_total,
	      (unsigned long long)st.out_align, (unsigned long long)st.out_flags);
	r = fresh("lc_align", 24, 5, 0);
	mpool_destroy(fd, "lc_align", 0);
	r = mpool_create(fd, "lc_align", 24, 5, 64, 0);
	st = stats_of(fd, "lc_align");
	check(r == 0 && st.out_align == 64, "libc-create-align",
	      "got %s, align %llu", errname(r), (unsigned long long)st.out_align);
	mpool_destroy(fd, "lc_align", 0);

	/* mpool_create(3): "-EEXIST (create)". */
	want("libc-create-eexist",
	     QUIET(mpool_create(fd, "lc_pool", 24, 5, 0, 0)), -EEXIST);
	/*
	 * mpool_ioctl.h: "@block_size: bytes per block, at least 1";
	 * "@align: ... 0 (8 bytes) or a power of two"; "EINVAL: ... an unknown
	 * flag is set"; "EOVERFLOW, @block_size * @nr_blocks overflows".
	 */
	want("libc-create-einval-size0",
	     QUIET(mpool_create(fd, "lc_bad", 0, 5, 0, 0)), -EINVAL);
	want("libc-create-einval-align",
	     QUIET(mpool_create(fd, "lc_bad", 16, 5, 3, 0)), -EINVAL);
	want("libc-create-einval-flag",
	     QUIET(mpool_create(fd, "lc_bad", 16, 5, 0, 1U << 30)), -EINVAL);
	want("libc-create-eoverflow",
	     QUIET(mpool_create(fd, "lc_bad", 0x80000000U, 0x80000000U, 0, 0)),
	     -EOVERFLOW);
	check(!pool_exists("lc_bad"), "libc-create-refused-makes-nothing",
	      "a refused create left a pool lc_bad");

	/* mpool_create(3): "-EPERM"; mpool_ioctl.h: CREATE O_RDONLY EPERM. */
	ro = mpool_open(O_RDONLY);
	want("libc-create-eperm-rdonly",
	     QUIET(mpool_create(ro, "lc_ro", 16, 4, 0, 0)), -EPERM);
	want("libc-destroy-eperm-rdonly",
	     QUIET(mpool_destroy(ro, "lc_pool", 0)), -EPERM);
	want("libc-reset-eperm-rdonly", QUIET(mpool_reset(ro, "lc_pool")),
	     -EPERM);
	close(ro);

	/* mpool_create(3): "-EBUSY (destroy), -ENOENT". */
	check(!pool_exists("lc_none"), "libc-destroy-enoent-setup",
	      "lc_none exists");
	want("libc-destroy-enoent", QUIET(mpool_destroy(fd, "lc_none", 0)),
	     -ENOENT);
	want("libc-reset-enoent", QUIET(mpool_reset(fd, "lc_none")), -ENOENT);
	r = mpool_alloc(fd, "lc_pool", h, 2, 0, 0);
	check(r == 2, "libc-destroy-ebusy-setup", "alloc gave %s", errname(r));
	want("libc-destroy-ebusy", QUIET(mpool_destroy(fd, "lc_pool", 0)),
	     -EBUSY);

	/*
	 * mpool_create(3): "mpool_reset() zeroes its counters";
	 * mpool_ioctl.h: "sets its high watermark to the blocks in use now".
	 */
	mpool_free(fd, "lc_pool", h, 1, NULL);
	r = mpool_reset(fd, "lc_pool");
	st = stats_of(fd, "lc_pool");
	check(r == 0 && st.out_allocs == 0 && st.out_frees == 0 &&
	      st.out_high_watermark == 1 && st.out_blocks_in_use == 1,
	      "libc-reset", "got %s: allocs %llu frees %llu hwm %llu", errname(r),
	      (unsigned long long)st.out_allocs,
	      (unsigned long long)st.out_frees,
	      (unsigned long long)st.out_high_watermark);

	/* mpool_create(3): "MPOOL_DESTROY_FORCE even with blocks out". */
	want("libc-destroy-force",
	     mpool_destroy(fd, "lc_pool", MPOOL_DESTROY_FORCE), 0);
	check(!pool_exists("lc_pool"), "libc-destroy-force-gone",
	      "lc_pool still answers STATS");

	/*
	 * mpool_list(3): "fills names with the names of the first cap pools,
	 * in creation order, each NUL-terminated"; "cap 0 with names NULL
	 * only counts them"; "the number of pools that exist (which may be
	 * more than cap)".
	 */
	n0 = mpool_list(fd, NULL, 0);
	fresh("lc_list_a", 8, 2, 0);
	fresh("lc_list_b", 8, 2, 0);
	n = mpool_list(fd, NULL, 0);
	check(n0 >= 0 && n == n0 + 2, "libc-list-count",
	      "count %d before, %d after two creates", n0, n);
	memset(names, 0x5a, sizeof(names));
	r = mpool_list(fd, names, 64);
	for (i = 0; i < r && i < 64; i++) {
		if (!memchr(names[i], 0, MPOOL_IOC_NAME_MAX))
			break;
		if (!strcmp(names[i], "lc_list_a"))
			a = i;
		if (!strcmp(names[i], "lc_list_b"))
			b = i;
	}
	check(r == n && i == r && a >= 0 && b == a + 1 && b == r - 1,
	      "libc-list-order", "returned %d, positions a %d b %d, %d terminated",
	      r, a, b, i);
	memset(names, 0x5a, sizeof(names));
	r = mpool_list(fd, names, 1);
	check(r == n && memchr(names[0], 0, MPOOL_IOC_NAME_MAX) &&
	      names[1][0] == 0x5a && names[1][MPOOL_IOC_NAME_MAX - 1] == 0x5a,
	      "libc-list-cap", "cap 1: returned %d (wanted %d), names[1] %s", r,
	      n, names[1][0] == 0x5a ? "untouched" : "written");
	mpool_destroy(fd, "lc_list_a", 0);
	mpool_destroy(fd, "lc_list_b", 0);

	/*
	 * mpool_list(3): "mpool_stats() fills st with the pool's counters";
	 * the caller hands storage, here full of junk.
	 */
	fresh("lc_stats", 32, 7, 0);
	memset(&st, 0xa5, sizeof(st));
	r = mpool_stats(fd, "lc_stats", &st);
	check(r == 0 && st.out_block_size == 32 && st.out_blocks_total == 7 &&
	      st.out_blocks_free == 7 && st.out_blocks_in_use == 0,
	      "libc-stats-junk-filled", "got %s, block_size %llu total %llu",
	      errname(r), (unsigned long long)st.out_block_size,
	      (unsigned long long)st.out_blocks_total);
	mpool_destroy(fd, "lc_stats", 0);
	/* mpool_list(3): "-ENOENT, no such pool". */
	want("libc-stats-enoent", QUIET(mpool_stats(fd, "lc_none", &st)),
	     -ENOENT);
}

/* ---- debug ------------------------------------------------------------ */

static void t_debug(void)
{
	struct mpool_ioc_debug out;
	int r, ro;

	fresh("lc_dbg", 16, 8, 0);
	/* mpool_debug(3): "All zero only reports"; "out ... receives the answer". */
	memset(&out, 0xa5, sizeof(out));
	r = mpool_debug(fd, "lc_dbg", 0, 0, 0, 0, &out);
	check(r == 0 && out.out_modes == 0 && out.out_quarantine == 0 &&
	      out.out_quarantined == 0, "libc-debug-report",
	      "got %s, modes %#x quarantine %u", errname(r), out.out_modes,
	      out.out_quarantine);
	/* mpool_debug(3): "Switches the MPOOL_DEBUG_* modes in on on". */
	r = mpool_debug(fd, "lc_dbg", MPOOL_DEBUG_POISON | MPOOL_DEBUG_TRACK,
			0, 0, 0, &out);
	check(r == 0 && out.out_modes == (MPOOL_DEBUG_POISON | MPOOL_DEBUG_TRACK),
	      "libc-debug-on", "got %s, modes %#x", errname(r), out.out_modes);
	/* "and those in off off"; "When out is not NULL": NULL is allowed. */
	r = mpool_debug(fd, "lc_dbg", 0, MPOOL_DEBUG_TRACK, 0, 0, NULL);
	memset(&out, 0, sizeof(out));
	mpool_debug(fd, "lc_dbg", 0, 0, 0, 0, &out);
	check(r == 0 && out.out_modes == MPOOL_DEBUG_POISON,
	      "libc-debug-off-out-null", "got %s, modes %#x", errname(r),
	      out.out_modes);
	/*
	 * "with flags MPOOL_DEBUG_SET_QUARANTINE sets the quarantine to
	 * quarantine blocks".
	 */
	r = mpool_debug(fd, "lc_dbg", 0, 0, MPOOL_DEBUG_SET_QUARANTINE, 3, &out);
	check(r == 0 && out.out_quarantine == 3, "libc-debug-quarantine",
	      "got %s, quarantine %u", errname(r), out.out_quarantine);
	/*
	 * mpool_debug(3): "-EINVAL (unknown or contradictory modes,
	 * quarantine too long)"; mpool_ioctl.h: "not smaller than the pool's
	 * blocks"; "All or nothing: a call that fails changed no mode".
	 */
	want("libc-debug-einval-unknown",
	     QUIET(mpool_debug(fd, "lc_dbg", 1U << 7, 0, 0, 0, NULL)), -EINVAL);
	want("libc-debug-einval-both",
	     QUIET(mpool_debug(fd, "lc_dbg", MPOOL_DEBUG_TRACK,
			       MPOOL_DEBUG_TRACK, 0, 0, NULL)), -EINVAL);
	want("libc-debug-einval-quarantine",
	     QUIET(mpool_debug(fd, "lc_dbg", MPOOL_DEBUG_TRACK, 0,
			       MPOOL_DEBUG_SET_QUARANTINE, 8, NULL)), -EINVAL);
	memset(&out, 0, sizeof(out));
	mpool_debug(fd, "lc_dbg", 0, 0, 0, 0, &out);
	check(out.out_modes == MPOOL_DEBUG_POISON && out.out_quarantine == 3,
	      "libc-debug-einval-changed-nothing", "modes %#x quarantine %u",
	      out.out_modes, out.out_quarantine);
	/* mpool_debug(3): "-EPERM"; mpool_ioctl.h: a change on O_RDONLY. */
	ro = mpool_open(O_RDONLY);
	r = mpool_debug(ro, "lc_dbg", 0, 0, 0, 0, NULL);
	check(r == 0, "libc-debug-rdonly-report", "got %s", errname(r));
	want("libc-debug-eperm-rdonly",
	     QUIET(mpool_debug(ro, "lc_dbg", MPOOL_DEBUG_TRACK, 0, 0, 0, NULL)),
	     -EPERM);
	close(ro);
	/* mpool_debug(3): "-ENOENT". */
	want("libc-debug-enoent",
	     QUIET(mpool_debug(fd, "lc_none", 0, 0, 0, 0, NULL)), -ENOENT);
	mpool_destroy(fd, "lc_dbg", MPOOL_DESTROY_FORCE);
}

/* ---- blocks ----------------------------------------------------------- */

struct waiter {
	int f;
	const char *name;
	int ret;
	uint32_t timeout_ms;
	int tid;		/* both set by the thread, read with __atomic */
	int done;
	uint64_t h;
};

static void *alloc_waiter(void *arg)
{
	struct waiter *w = arg;

	__atomic_store_n(&w->tid, gettid(), __ATOMIC_RELEASE);
	w->ret = mpool_alloc(w->f, w->name, &w->h, 1, MPOOL_ALLOC_WAIT,
			     w->timeout_ms ?: 20000);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Signals @t with SIGUSR1 every 50 ms until it is done (at most 10 s). */
static void poke_until_done(pthread_t t, struct waiter *w)
{
	int i;

	for (i = 0; i < 200 && !__atomic_load_n(&w->done, __ATOMIC_ACQUIRE); i++) {
		usleep(50000);
		if (!__atomic_load_n(&w->done, __ATOMIC_ACQUIRE))
			pthread_kill(t, SIGUSR1);
	}
}

static void t_alloc(void)
{
	uint64_t h[8], one;
	struct waiter w = { .f = fd, .name = "lc_alloc" };
	pthread_t t;
	int r, ro, i;

	fresh("lc_alloc", 16, 4, 0);
	/*
	 * mpool_alloc(3): "takes up to count blocks ... and writes their
	 * handles to handles"; "the number of blocks allocated (at least 1)".
	 */
	r = mpool_alloc(fd, "lc_alloc", h, 3, 0, 0);
	check(r == 3 && in_use("lc_alloc") == 3, "libc-alloc-count",
	      "got %s, %ld in use", errname(r), in_use("lc_alloc"));
	/* mpool_ioctl.h: "Like read(2) on a pipe: takes what is free". */
	r = mpool_alloc(fd, "lc_alloc", h + 3, 3, 0, 0);
	check(r == 1, "libc-alloc-partial", "3 asked, 1 free: got %s",
	      errname(r));
	/* mpool_alloc(3): "-ENOSPC". */
	want("libc-alloc-enospc",
	     QUIET(mpool_alloc(fd, "lc_alloc", &one, 1, 0, 0)), -ENOSPC);
	/* mpool_alloc(3): "-ETIMEDOUT". */
	want("libc-alloc-etimedout",
	     QUIET(mpool_alloc(fd, "lc_alloc", &one, 1, MPOOL_ALLOC_WAIT, 10)),
	     -ETIMEDOUT);
	/*
	 * libmpool.h: "A call interrupted by a signal is restarted, but for
	 * mpool_alloc() and mpool_read_events(), which wait and return
	 * -EINTR"; mpool_alloc(3): "-EINTR (not restarted)".
	 */
	install_handler();
	pthread_create(&t, NULL, alloc_waiter, &w);
	poke_until_done(t, &w);
	pthread_join(t, NULL);
	want("libc-alloc-eintr", w.ret, -EINTR);
	/*
	 * mpool_alloc(3): "-EINTR (not restarted, even for a handler
	 * installed with SA_RESTART)".
	 */
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sa.sa_flags = SA_RESTART;
		sigaction(SIGUSR1, &sa, NULL);
		memset(&w, 0, sizeof(w));
		w.f = fd;
		w.name = "lc_alloc";
		w.timeout_ms = 1500;
		pthread_create(&t, NULL, alloc_waiter, &w);
		poke_until_done(t, &w);
		pthread_join(t, NULL);
		want("libc-alloc-eintr-sa-restart", w.ret, -EINTR);
		install_handler();
	}
	/*
	 * mpool_alloc(3): "-ENOENT"; mpool_ioctl.h: "ENOENT also when the
	 * pool was destroyed while the call waited".
	 */
	memset(&w, 0, sizeof(w));
	w.f = fd;
	w.name = "lc_alloc";
	pthread_create(&t, NULL, alloc_waiter, &w);
	/* until it sleeps in the ALLOC (its wait channel), at most 10 s */
	for (i = 0; i < 1000; i++) {
		if (mpt_alloc_asleep(__atomic_load_n(&w.tid, __ATOMIC_ACQUIRE)))
			break;
		usleep(10000);
	}
	r = mpool_destroy(fd, "lc_alloc", MPOOL_DESTROY_FORCE);
	pthread_join(t, NULL);
	check(r == 0 && w.ret == -ENOENT, "libc-alloc-enoent-destroyed",
	      "destroy %s, the waiting alloc %s", errname(r), errname(w.ret));

	fresh("lc_alloc", 16, 4, 0);
	/* mpool_alloc(3): "count blocks (1 to MPOOL_IOC_BATCH_MAX)". */
	want("libc-alloc-einval-count0",
	     QUIET(mpool_alloc(fd, "lc_alloc", h, 0, 0, 0)), -EINVAL);
	{
		static uint64_t big[MPOOL_IOC_BATCH_MAX + 1];

		want("libc-alloc-einval-count-big",
		     QUIET(mpool_alloc(fd, "lc_alloc", big,
				       MPOOL_IOC_BATCH_MAX + 1, 0, 0)), -EINVAL);
	}
	want("libc-alloc-enoent", QUIET(mpool_alloc(fd, "lc_none", h, 1, 0, 0)),
	     -ENOENT);
	/*
	 * docs/libmpool.md: "everything else is the kernel's answer";
	 * mpool_ioctl.h: "If the handles cannot be written back, the blocks
	 * are freed again (EFAULT)".
	 */
	want("libc-alloc-efault",
	     QUIET(mpool_alloc(fd, "lc_alloc", (uint64_t *)8, 2, 0, 0)), -EFAULT);
	check(in_use("lc_alloc") == 0, "libc-alloc-efault-freed",
	      "%ld in use after the EFAULT", in_use("lc_alloc"));
	/* mpool_ioctl.h (FREE): "@count: number of handles, 1 to ...". */
	want("libc-free-einval-count0",
	     QUIET(mpool_free(fd, "lc_alloc", h, 0, NULL)), -EINVAL);
	{
		static uint64_t big[MPOOL_IOC_BATCH_MAX + 1];

		want("libc-free-einval-count-big",
		     QUIET(mpool_free(fd, "lc_alloc", big,
				      MPOOL_IOC_BATCH_MAX + 1, NULL)), -EINVAL);
	}
	/*
	 * mpool_alloc(3): "MPOOL_ALLOC_OWNED charges the blocks to the open
	 * file, which gives them back when it is closed".
	 */
	{
		long rec = (long)stats_of(fd, "lc_alloc").out_reclaimed_on_close;
		int f = mpool_open(O_RDWR);
		long u;

		r = mpool_alloc(f, "lc_alloc", h, 3, MPOOL_ALLOC_OWNED, 0);
		u = in_use("lc_alloc");
		close(f);
		check(r == 3 && u == 3 && in_use("lc_alloc") == 0 &&
		      (long)stats_of(fd, "lc_alloc").out_reclaimed_on_close == rec + 3,
		      "libc-alloc-owned-close", "alloc %s, %ld in use, %ld after close",
		      errname(r), u, in_use("lc_alloc"));
	}
	ro = mpool_open(O_RDONLY);
	want("libc-alloc-eperm-rdonly",
	     QUIET(mpool_alloc(ro, "lc_alloc", h, 1, 0, 0)), -EPERM);
	close(ro);
	mpool_destroy(fd, "lc_alloc", MPOOL_DESTROY_FORCE);
}

static void t_free_rw(void)
{
	uint64_t a[4], again, bad[6], o, stale, gone;
	int32_t res[6];
	char buf[64], back[64];
	struct mpool_ioc_stats st;
	int f2, r, wo, ro;

	/*
	 * 5 blocks: 4 here, 1 owned by a second file; then 2 freed and 1
	 * allocated again, so one old handle is stale and one names a free
	 * block.
	 */
	fresh("lc_rw", 64, 5, 0);
	f2 = mpool_open(O_RDWR);
	r = mpool_alloc(fd, "lc_rw", a, 4, 0, 0);
	check(r == 4 && mpool_alloc(f2, "lc_rw", &bad[4], 1, MPOOL_ALLOC_OWNED,
				    0) == 1 && in_use("lc_rw") == 5,
	      "libc-free-setup", "alloc gave %s", errname(r));
	/*
	 * mpool_alloc(3): "mpool_free() frees count handles"; "the number of
	 * handles freed"; results NULL allowed ("if results is not NULL").
	 */
	r = mpool_free(fd, "lc_rw", a, 2, NULL);
	check(r == 2 && in_use("lc_rw") == 3, "libc-free-count",
	      "got %s, %ld in use", errname(r), in_use("lc_rw"));
	r = mpool_alloc(fd, "lc_rw", &again, 1, 0, 0);
	if (mpool_handle_offset(again) == mpool_handle_offset(a[0])) {
		stale = a[0];
		gone = a[1];
	} else {
		stale = a[1];
		gone = a[0];
	}
	/*
	 * mpool_alloc(3): "invalid ones are counted in results"; mpool_ioctl.h:
	 * "-ERANGE, outside the region; -EINVAL, not the start of a block;
	 * -ENXIO, not allocated (a double free); -ESTALE, the block was freed
	 * since and allocated again; -EPERM, another open file owns the block".
	 */
	bad[0] = mpool_handle_make(1ULL << 39, mpool_handle_gen(a[2]));
	bad[1] = a[2] + 1;
	bad[2] = gone;
	bad[3] = stale;
	bad[5] = a[3];
	memset(res, 0x5a, sizeof(res));
	r = QUIET(mpool_free(fd, "lc_rw", bad, 6, res));
	check(r == 1 && res[0] == -ERANGE && res[1] == -EINVAL &&
	      res[2] == -ENXIO && res[3] == -ESTALE && res[4] == -EPERM &&
	      res[5] == 0, "libc-free-results",
	      "returned %d, results %d %d %d %d %d %d", r, res[0], res[1],
	      res[2], res[3], res[4], res[5]);
	st = stats_of(fd, "lc_rw");
	/* "-EPERM, another open file owns the block": still in use. */
	check(st.out_blocks_in_use == 3, "libc-free-invalid-unchanged",
	      "%llu in use, wanted 3 (a[2], again, the other file's)",
	      (unsigned long long)st.out_blocks_in_use);

	/*
	 * mpool_write(3): "Copy length bytes between buf and the block of
	 * handle from byte pos"; "RETURN VALUE 0".
	 */
	for (r = 0; r < 64; r++)
		buf[r] = (char)(r * 7 + 1);
	r = mpool_write(fd, "lc_rw", a[2], 8, buf, 40);
	memset(back, 0, sizeof(back));
	o = mpool_read(fd, "lc_rw", a[2], 8, back, 40);
	check(r == 0 && o == 0 && !memcmp(buf, back, 40), "libc-rw-roundtrip",
	      "write %s, read %s, bytes %s", errname(r), errname((long)o),
	      memcmp(buf, back, 40) ? "differ" : "equal");
	r = mpool_read(fd, "lc_rw", a[2], 63, back, 1);
	check(r == 0, "libc-rw-last-byte", "pos 63 length 1 of 64: %s",
	      errname(r));
	/*
	 * mpool_write(3): "-ERANGE, -EINVAL, -ENXIO, -ESTALE, -EPERM";
	 * mpool_ioctl.h: "EINVAL, @length is 0 or @pos + @length passes the
	 * pool's block size ... ERANGE, it is outside the region; EINVAL, it
	 * is not the start of a block; ENXIO, the block is not allocated;
	 * ESTALE ...; EPERM, another open file owns it".
	 */
	want("libc-rw-einval-length0",
	     QUIET(mpool_write(fd, "lc_rw", a[2], 0, buf, 0)), -EINVAL);
	want("libc-rw-einval-past-block",
	     QUIET(mpool_write(fd, "lc_rw", a[2], 60, buf, 5)), -EINVAL);
	/* the same, @pos + @length wrapping round 2^32 */
	want("libc-rw-einval-wrap",
	     QUIET(mpool_read(fd, "lc_rw", a[2], 0xfffffff0U, back, 0x20)),
	     -EINVAL);
	want("libc-rw-erange", QUIET(mpool_read(fd, "lc_rw", bad[0], 0, back, 1)),
	     -ERANGE);
	want("libc-rw-einval-not-start",
	     QUIET(mpool_read(fd, "lc_rw", bad[1], 0, back, 1)), -EINVAL);
	want("libc-rw-enxio", QUIET(mpool_read(fd, "lc_rw", gone, 0, back, 1)),
	     -ENXIO);
	want("libc-rw-estale", QUIET(mpool_write(fd, "lc_rw", stale, 0, buf, 1)),
	     -ESTALE);
	want("libc-rw-eperm-owned",
	     QUIET(mpool_write(fd, "lc_rw", bad[4], 0, buf, 1)), -EPERM);
	/* mpool_ioctl.h: READ O_WRONLY EPERM; WRITE O_RDONLY EPERM. */
	wo = mpool_open(O_WRONLY);
	ro = mpool_open(O_RDONLY);
	check(wo >= 0 && ro >= 0 &&
	      mpool_read(ro, "lc_rw", a[2], 8, back, 1) == 0,
	      "libc-rw-access-setup", "opens %d %d", wo, ro);
	want("libc-read-eperm-wronly",
	     QUIET(mpool_read(wo, "lc_rw", a[2], 0, back, 1)), -EPERM);
	want("libc-write-eperm-rdonly",
	     QUIET(mpool_write(ro, "lc_rw", a[2], 0, buf, 1)), -EPERM);
	want("libc-free-eperm-rdonly",
	     QUIET(mpool_free(ro, "lc_rw", &a[2], 1, NULL)), -EPERM);
	/*
	 * docs/libmpool.md: "everything else is the kernel's answer";
	 * mpool_ioctl.h: "EFAULT: a user address could not be read".
	 */
	want("libc-write-efault",
	     QUIET(mpool_write(fd, "lc_rw", a[2], 0, (void *)8, 4)), -EFAULT);
	want("libc-rw-enoent", QUIET(mpool_read(fd, "lc_none", a[2], 0, back, 1)),
	     -ENOENT);
	close(wo);
	close(ro);

	/*
	 * libmpool.h: "Handles: the block's offset in the region, the
	 * allocation's generation"; mpool_handle_offset(3): "(bits 40-63,
	 * never 0 for a block the module handed out)"; "mpool_handle_make()
	 * keeps the low 40 bits of offset and the low 24 of gen".
	 */
	r = mpool_handle_make(mpool_handle_offset(a[2]),
			      mpool_handle_gen(a[2])) == a[2] &&
	    mpool_handle_gen(a[2]) != 0 && mpool_handle_gen(again) != 0 &&
	    mpool_handle_gen(a[3]) != 0 &&
	    mpool_handle_offset(a[2]) % stats_of(fd, "lc_rw").out_stride == 0;
	check(r, "libc-handle-roundtrip", "handle %#llx offset %#llx gen %u",
	      (unsigned long long)a[2],
	      (unsigned long long)mpool_handle_offset(a[2]),
	      mpool_handle_gen(a[2]));
	o = mpool_handle_make(0xABCDE123456789ULL, 0x7f123456);
	check(mpool_handle_offset(o) == 0x23456789ULL + (0xE1ULL << 32) &&
	      mpool_handle_gen(o) == 0x123456 &&
	      o == ((0x123456ULL << 40) | 0xE123456789ULL) &&
	      mpool_handle_offset(~0ULL) == MPOOL_HANDLE_OFFSET_MASK &&
	      mpool_handle_gen(~0ULL) == 0xffffff &&
	      mpool_handle_make(0, 0) == 0,
	      "libc-handle-masks", "make(0xABCDE123456789, 0x7f123456) = %#llx",
	      (unsigned long long)o);
	check(MPOOL_HANDLE_OFFSET(a[2]) == mpool_handle_offset(a[2]) &&
	      MPOOL_HANDLE_GEN(a[2]) == mpool_handle_gen(a[2]),
	      "libc-handle-abi-macros", "the helpers disagree with the ABI's macros");

	close(f2);
	mpool_destroy(fd, "lc_rw", MPOOL_DESTROY_FORCE);
}

/* ---- mapping ---------------------------------------------------------- */

static int mapped(void *p)
{
	unsigned char v;

	return mincore((void *)((uintptr_t)p & ~(uintptr_t)(getpagesize() - 1)),
		       1, &v) == 0;
}

static void t_map(void)
{
	struct mpool_map m, mr;
	struct mpool_ioc_stats st;
	uint64_t h[3], outside;
	char buf[32], back[32];
	int r, ro, wo;
	char *p;
	void *base;

	fresh("lc_map", 100, 50, MPOOL_CREATE_MAP_WRITE);
	st = stats_of(fd, "lc_map");
	/*
	 * mpool_map(3): "maps its whole region shared with prot (PROT_READ, or
	 * PROT_READ | PROT_WRITE for a pool made with MPOOL_CREATE_MAP_WRITE);
	 * map receives base, length, offset and flags"; libmpool.h: "bytes
	 * mapped (whole pages)"; "MPOOL_MAP_WRITABLE when mapped writable".
	 */
	memset(&m, 0xa5, sizeof(m));
	r = mpool_map(fd, "lc_map", PROT_READ | PROT_WRITE, &m);
	check(r == 0 && m.base && m.length % getpagesize() == 0 &&
	      m.length >= st.out_stride * st.out_blocks_total &&
	      m.length < st.out_stride * st.out_blocks_total + getpagesize() &&
	      (m.flags & MPOOL_MAP_WRITABLE) && mapped(m.base) &&
	      mapped((char *)m.base + m.length - 1), "libc-map",
	      "got %s, base %p length %zu flags %#x", errname(r), m.base,
	      m.length, m.flags);
	/* libmpool.h: "uint64_t offset;	 MPOOL_IOC_MAP's out_offset". */
	{
		void *again = mmap(NULL, m.length, PROT_READ, MAP_SHARED, fd, m.offset);

		check(again != MAP_FAILED, "libc-map-offset",
		      "mmap() of the offset mpool_map() returned: %s", strerror(errno));
		if (again != MAP_FAILED)
			munmap(again, m.length);
	}
	r = mpool_alloc(fd, "lc_map", h, 3, 0, 0);
	/*
	 * mpool_map(3): "mpool_ptr() is the first byte of the handle's block
	 * in the mapping".
	 */
	memset(buf, 'w', sizeof(buf));
	mpool_write(fd, "lc_map", h[1], 0, buf, sizeof(buf));
	p = mpool_ptr(&m, h[1]);
	check(r == 3 && p == (char *)m.base + mpool_handle_offset(h[1]) &&
	      !memcmp(p, buf, sizeof(buf)), "libc-map-ptr-read",
	      "ptr %p base %p, bytes %s", (void *)p, m.base,
	      p && !memcmp(p, buf, sizeof(buf)) ? "equal" : "differ");
	if (p)
		memcpy(p, "through-the-mapping", 20);
	memset(back, 0, sizeof(back));
	mpool_read(fd, "lc_map", h[1], 0, back, 20);
	check(p && !memcmp(back, "through-the-mapping", 20), "libc-map-ptr-write",
	      "READ after a write through mpool_ptr gave '%.20s'", back);
	/*
	 * libmpool.h: "The block of @handle in @map, or NULL when it lies
	 * outside it"; mpool_map(3): "NULL when the offset lies outside the
	 * mapping".
	 */
	outside = mpool_handle_make(m.length, mpool_handle_gen(h[0]));
	check(!mpool_ptr(&m, outside) &&
	      mpool_ptr(&m, mpool_handle_make(m.length - 1, 1)) ==
	      (char *)m.base + m.length - 1 &&
	      !mpool_ptr(&m, mpool_handle_make(1ULL << 39, 1)),
	      "libc-ptr-bounds", "offset length: %p, length - 1: %p",
	      mpool_ptr(&m, outside),
	      mpool_ptr(&m, mpool_handle_make(m.length - 1, 1)));
	check(!mpool_ptr(NULL, h[0]), "libc-ptr-null-map",
	      "mpool_ptr(NULL, h) is not NULL");
	{
		struct mpool_map nomap = { .base = NULL, .length = m.length };

		check(!mpool_ptr(&nomap, h[0]), "libc-ptr-null-base",
		      "a map without base gives %p", mpool_ptr(&nomap, h[0]));
	}
	/*
	 * mpool_map(3): "The mapping shows every block, others' too; the
	 * handle's generation is not checked": a stale handle still points at
	 * its block.
	 */
	mpool_free(fd, "lc_map", &h[2], 1, NULL);
	check(mpool_ptr(&m, h[2]) == (char *)m.base + mpool_handle_offset(h[2]) &&
	      mpool_ptr(&m, mpool_handle_make(mpool_handle_offset(h[2]), 0)) ==
	      mpool_ptr(&m, h[2]), "libc-ptr-stale",
	      "a freed handle's pointer is %p", mpool_ptr(&m, h[2]));

	/* mpool_map(3): PROT_READ of the same pool; read-only pool flags. */
	memset(&mr, 0, sizeof(mr));
	r = mpool_map(fd, "lc_map", PROT_READ, &mr);
	check(r == 0 && mr.length == m.length && mr.offset == m.offset &&
	      !memcmp(mpool_ptr(&mr, h[1]), "through-the-mapping", 20),
	      "libc-map-second-readonly", "got %s, length %zu offset %llu",
	      errname(r), mr.length, (unsigned long long)mr.offset);
	/* libmpool.h: "MPOOL_MAP_WRITABLE when mapped writable". */
	check(r == 0 && !(mr.flags & MPOOL_MAP_WRITABLE),
	      "libc-map-readonly-flags", "a PROT_READ mapping has flags %#x",
	      mr.flags);
	mpool_unmap(&mr);

	/*
	 * mpool_map(3): "mpool_unmap() unmaps it"; "0, or a negative errno".
	 * libmpool.h: "Unmaps; base and length become NULL and 0, so
	 * mpool_ptr() says NULL."
	 */
	base = m.base;
	r = mpool_unmap(&m);
	check(r == 0 && !mapped(base), "libc-unmap", "got %s, %s", errname(r),
	      mapped(base) ? "still mapped" : "unmapped");
	check(!m.base && !m.length && !mpool_ptr(&m, h[1]),
	      "libc-unmap-clears", "base %p length %zu ptr %p", m.base,
	      m.length, mpool_ptr(&m, h[1]));
	/* the pool is not mapped any more: a plain destroy works */
	mpool_free(fd, "lc_map", h, 2, NULL);
	want("libc-unmap-destroy", mpool_destroy(fd, "lc_map", 0), 0);

	/*
	 * mpool_map(3): "-EPERM, -EACCES, -ENOENT, the errors of mmap(2)";
	 * mpool_ioctl.h: MAP on O_WRONLY EPERM; mmap() PROT_WRITE on O_RDONLY
	 * EACCES, and "for PROT_WRITE on a pool without
	 * MPOOL_CREATE_MAP_WRITE".
	 */
	fresh("lc_map", 100, 50, MPOOL_CREATE_MAP_WRITE);
	fresh("lc_map_ro", 100, 50, 0);
	wo = mpool_open(O_WRONLY);
	ro = mpool_open(O_RDONLY);
	r = mpool_map(ro, "lc_map", PROT_READ, &mr);
	check(r == 0, "libc-map-rdonly-read", "PROT_READ on O_RDONLY: %s",
	      errname(r));
	if (!r)
		mpool_unmap(&mr);
	want("libc-map-eperm-wronly",
	     QUIET(mpool_map(wo, "lc_map", PROT_READ, &mr)), -EPERM);
	want("libc-map-eacces-rdonly-write",
	     QUIET(mpool_map(ro, "lc_map", PROT_READ | PROT_WRITE, &mr)),
	     -EACCES);
	want("libc-map-eacces-pool-not-writable",
	     QUIET(mpool_map(fd, "lc_map_ro", PROT_READ | PROT_WRITE, &mr)),
	     -EACCES);
	want("libc-map-enoent", QUIET(mpool_map(fd, "lc_none", PROT_READ, &mr)),
	     -ENOENT);
	r = mpool_map(fd, "lc_map_ro", PROT_READ, &mr);
	check(r == 0 && !(mr.flags & MPOOL_MAP_WRITABLE), "libc-map-pool-not-writable",
	      "PROT_READ of a pool without MAP_WRITE: %s, flags %#x", errname(r),
	      mr.flags);
	if (!r)
		mpool_unmap(&mr);
	/* a refused map leaves nothing mapped: the plain destroy works */
	want("libc-map-refused-leaves-nothing", mpool_destroy(fd, "lc_map", 0), 0);
	mpool_destroy(fd, "lc_map_ro", 0);
	close(wo);
	close(ro);
}

/* ---- watch ------------------------------------------------------------ */

struct reader {
	int f;
	ssize_t ret;
	int done;		/* set by the thread, read with __atomic */
};

static void *events_reader(void *arg)
{
	struct reader *rd = arg;
	struct mpool_watch_event ev[2];

	rd->ret = mpool_read_events(rd->f, ev, 2);
	__atomic_store_n(&rd->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void t_watch(void)
{
	struct mpool_watch_event ev[8];
	struct mpool_ioc_watch out;
	struct reader rd = { 0 };
	uint64_t h[8];
	pthread_t t;
	ssize_t n;
	int w, r, ro, i;

	fresh("lc_watch", 16, 8, 0);
	w = mpool_open(O_RDWR | O_NONBLOCK);
	/*
	 * mpool_watch(3): "mpool_watch() makes the open file watch the pool;
	 * with MPOOL_WATCH_SET it sets the low watermark to below free blocks.
	 * out (may be NULL) receives the answer".
	 */
	memset(&out, 0xa5, sizeof(out));
	r = mpool_watch(w, "lc_watch", MPOOL_WATCH_SET, 3, &out);
	check(r == 0 && out.out_below == 3 && out.out_free == 8,
	      "libc-watch-set", "got %s, below %u free %u", errname(r),
	      out.out_below, out.out_free);
	/* "-EAGAIN (O_NONBLOCK, none queued)". */
	want("libc-watch-eagain", QUIET(mpool_read_events(w, ev, 8)), -EAGAIN);
	/*
	 * mpool_watch(3): "mpool_read_events() reads up to max events, oldest
	 * first"; "the number of events".
	 */
	mpool_alloc(fd, "lc_watch", h, 6, 0, 0);
	/* mpool_watch(3): "poll(2) on the file says when some are queued". */
	{
		struct pollfd pfd = { .fd = w, .events = POLLIN };

		r = poll(&pfd, 1, 0);
		check(r == 1 && (pfd.revents & POLLIN), "libc-watch-poll",
		      "poll() gave %d, revents %#x", r, pfd.revents);
	}
	n = mpool_read_events(w, ev, 8);
	check(n == 1 && ev[0].type == MPOOL_WATCH_LOW && ev[0].below == 3 &&
	      ev[0].blocks_free == 2, "libc-watch-low-event",
	      "got %s, type %u free %u below %u", errname(n), ev[0].type,
	      ev[0].blocks_free, ev[0].below);
	mpool_free(fd, "lc_watch", h, 6, NULL);
	mpool_alloc(fd, "lc_watch", h, 6, 0, 0);
	mpool_free(fd, "lc_watch", h, 6, NULL);
	n = mpool_read_events(w, ev, 1);
	check(n == 1 && ev[0].type == MPOOL_WATCH_RECOVERED, "libc-watch-max",
	      "max 1 of 3 queued: got %s, type %u", errname(n), ev[0].type);
	n = mpool_read_events(w, ev, 8);
	check(n == 2 && ev[0].type == MPOOL_WATCH_LOW &&
	      ev[1].type == MPOOL_WATCH_RECOVERED && ev[1].blocks_free == 8,
	      "libc-watch-oldest-first", "got %s, types %u %u", errname(n),
	      ev[0].type, ev[1].type);
	/* mpool_watch(3): "out (may be NULL)"; without SET: "0". */
	r = mpool_watch(w, "lc_watch", 0, 0, NULL);
	check(r == 0, "libc-watch-out-null", "got %s", errname(r));
	/* mpool_ioctl.h: "MPOOL_WATCH_SET ... (needs write access)". */
	ro = mpool_open(O_RDONLY);
	r = mpool_watch(ro, "lc_watch", 0, 0, &out);
	check(r == 0 && out.out_below == 3, "libc-watch-rdonly",
	      "without SET on O_RDONLY: %s, below %u", errname(r), out.out_below);
	want("libc-watch-eperm-rdonly-set",
	     QUIET(mpool_watch(ro, "lc_watch", MPOOL_WATCH_SET, 1, NULL)), -EPERM);
	want("libc-watch-enoent", QUIET(mpool_watch(ro, "lc_none", 0, 0, NULL)),
	     -ENOENT);
	want("libc-watch-einval-below",
	     QUIET(mpool_watch(fd, "lc_watch", 0, 2, NULL)), -EINVAL);
	close(ro);
	/*
	 * mpool_watch(3): "-EINVAL"; mpool_ioctl.h: "read() on a file that
	 * watches nothing, or with a buffer smaller than one event: EINVAL".
	 */
	ro = mpool_open(O_RDONLY | O_NONBLOCK);
	want("libc-read-events-einval-unwatched",
	     QUIET(mpool_read_events(ro, ev, 8)), -EINVAL);
	close(ro);
	want("libc-read-events-einval-max0", QUIET(mpool_read_events(w, ev, 0)),
	     -EINVAL);
	/*
	 * libmpool.h: "but for mpool_alloc() and mpool_read_events(), which
	 * wait and return -EINTR"; mpool_watch(3): "-EINTR (not restarted)".
	 */
	rd.f = mpool_open(O_RDONLY);
	mpool_watch(rd.f, "lc_watch", 0, 0, NULL);
	pthread_create(&t, NULL, events_reader, &rd);
	for (i = 0; i < 200 && !__atomic_load_n(&rd.done, __ATOMIC_ACQUIRE); i++) {
		usleep(50000);
		if (!__atomic_load_n(&rd.done, __ATOMIC_ACQUIRE))
			pthread_kill(t, SIGUSR1);
	}
	if (!__atomic_load_n(&rd.done, __ATOMIC_ACQUIRE)) {		/* wake it with an event */
		mpool_alloc(fd, "lc_watch", h, 6, 0, 0);
		mpool_free(fd, "lc_watch", h, 6, NULL);
	}
	pthread_join(t, NULL);
	want("libc-read-events-eintr", rd.ret, -EINTR);
	close(rd.f);
	/*
	 * mpool_watch(3): "0 once the pool was destroyed and its events
	 * read".
	 */
	mpool_alloc(fd, "lc_watch", h, 6, 0, 0);
	mpool_destroy(fd, "lc_watch", MPOOL_DESTROY_FORCE);
	n = mpool_read_events(w, ev, 8);
	r = mpool_read_events(w, ev, 8);
	check(n == 1 && ev[0].type == MPOOL_WATCH_LOW && r == 0,
	      "libc-read-events-eof", "after destroy: %s then %d", errname(n), r);
	close(w);
}

/* ---- give and take ---------------------------------------------------- */

static void t_give_take(void)
{
	uint64_t h[4], plain, freed;
	int32_t res[4];
	char byte = 'g';
	int a, b, ro, r;

	fresh("lc_give", 16, 8, 0);
	a = mpool_open(O_RDWR);
	b = mpool_open(O_RDWR);
	r = mpool_alloc(a, "lc_give", h, 3, MPOOL_ALLOC_OWNED, 0);
	mpool_alloc(fd, "lc_give", &plain, 1, 0, 0);
	mpool_alloc(a, "lc_give", &freed, 1, MPOOL_ALLOC_OWNED, 0);
	mpool_free(a, "lc_give", &freed, 1, NULL);
	check(r == 3 && mpool_read(b, "lc_give", h[0], 0, &byte, 1) == -EPERM,
	      "libc-give-setup", "owned alloc %s; another file may read it",
	      errname(r));
	/*
	 * mpool_give(3): "mpool_give() offers owned blocks of this open file";
	 * "The number of handles given (taken)".
	 */
	r = mpool_give(a, "lc_give", h, 2, res);
	check(r == 2 && res[0] == 0 && res[1] == 0, "libc-give-count",
	      "got %s, results %d %d", errname(r), res[0], res[1]);
	/* mpool_ioctl.h: "GIVE of a block already given succeeds". */
	r = mpool_give(a, "lc_give", h, 1, NULL);
	want("libc-give-again", r, 1);
	/* mpool_ioctl.h: "GIVE does not change the owner". */
	r = mpool_read(a, "lc_give", h[0], 0, &byte, 1);
	want("libc-give-still-owner-reads", r, 0);
	/*
	 * mpool_give(3): "mpool_take() makes given blocks this open file's";
	 * "The handle stays the same".
	 */
	r = mpool_take(b, "lc_give", h, 2, res);
	check(r == 2 && mpool_write(b, "lc_give", h[0], 0, "t", 1) == 0,
	      "libc-take-count", "got %s, results %d %d", errname(r), res[0],
	      res[1]);
	want("libc-take-old-owner-eperm",
	     QUIET(mpool_read(a, "lc_give", h[0], 0, &byte, 1)), -EPERM);
	/*
	 * mpool_give(3): "If results is not NULL it receives 0 or a negative
	 * errno per handle"; mpool_ioctl.h: "-EPERM, for GIVE, this open file
	 * does not own the block (another one does, or nobody ...)", "for
	 * TAKE, its owner has not given it"; "-ENXIO ... as for MPOOL_IOC_FREE".
	 */
	{
		uint64_t g[3] = { h[0], plain, h[2] };

		memset(res, 0x5a, sizeof(res));
		r = QUIET(mpool_give(a, "lc_give", g, 3, res));
		check(r == 1 && res[0] == -EPERM && res[1] == -EPERM && res[2] == 0,
		      "libc-give-results", "returned %d, results %d %d %d", r,
		      res[0], res[1], res[2]);
	}
	{
		uint64_t g[3] = { h[1], freed, h[2] };

		memset(res, 0x5a, sizeof(res));
		/* h[1] is b's already: b has not given it */
		r = QUIET(mpool_take(a, "lc_give", g, 3, res));
		check(r == 1 && res[0] == -EPERM && res[1] == -ENXIO && res[2] == 0,
		      "libc-take-results", "returned %d, results %d %d %d", r,
		      res[0], res[1], res[2]);
	}
	/* mpool_ioctl.h: GIVE, TAKE on O_RDONLY: EPERM. */
	ro = mpool_open(O_RDONLY);
	want("libc-give-eperm-rdonly", QUIET(mpool_give(ro, "lc_give", h, 1, NULL)),
	     -EPERM);
	want("libc-take-eperm-rdonly", QUIET(mpool_take(ro, "lc_give", h, 1, NULL)),
	     -EPERM);
	want("libc-give-enoent", QUIET(mpool_give(a, "lc_none", h, 1, NULL)),
	     -ENOENT);
	want("libc-give-einval-count0", QUIET(mpool_give(a, "lc_give", h, 0, NULL)),
	     -EINVAL);
	close(ro);
	/*
	 * mpool_ioctl.h: "the consumer dies after its TAKE: the block is freed
	 * when its file is closed".
	 */
	close(b);
	check(in_use("lc_give") == 2, "libc-take-close-reclaims",
	      "%ld in use after the taker closed, wanted 2 (h[2], plain)",
	      in_use("lc_give"));
	close(a);
	mpool_destroy(fd, "lc_give", MPOOL_DESTROY_FORCE);
}

/* ---- the per-thread cache --------------------------------------------- */

static int cache_pool(const char *name, uint32_t n)
{
	return fresh(name, 64, n, MPOOL_CREATE_MAP_WRITE);
}

static void t_cache_basic(void)
{
	enum { B = 4 };
	struct mpool_cache *c = NULL;
	uint64_t h[3 * B], x, y;
	struct mpool_ioc_stats st;
	long u1, u2, u3;
	int r, i, ok;
	char *p, back[8];

	cache_pool("lc_cache", 64);
	/*
	 * mpool_cache_create(3): "A cache serves the pool name through the
	 * open file fd (O_RDWR), which it maps"; "The others: 0".
	 */
	r = mpool_cache_create(fd, "lc_cache", B, &c);
	check(r == 0 && c && in_use("lc_cache") == 0, "libc-cache-create",
	      "got %s, cache %p, %ld in use", errname(r), (void *)c,
	      in_use("lc_cache"));
	if (r)
		return;
	/*
	 * mpool_cache_create(3): "mpool_cache_alloc() pops one, refilling the
	 * empty array with one MPOOL_IOC_ALLOC of max_batch owned blocks";
	 * "In between, no system call".
	 */
	r = mpool_cache_alloc(c, &h[0]);
	st = stats_of(fd, "lc_cache");
	check(r == 0 && st.out_blocks_in_use == B && st.out_allocs == B,
	      "libc-cache-alloc-one-batch", "got %s, %llu in use, %llu allocs",
	      errname(r), (unsigned long long)st.out_blocks_in_use,
	      (unsigned long long)st.out_allocs);
	for (i = 1, ok = 1; i < B; i++)
		ok &= mpool_cache_alloc(c, &h[i]) == 0;
	u1 = in_use("lc_cache");
	check(ok && u1 == B && stats_of(fd, "lc_cache").out_allocs == B,
	      "libc-cache-alloc-within-batch", "%ld in use after %d allocs", u1, B);
	ok &= mpool_cache_alloc(c, &h[B]) == 0;
	u2 = in_use("lc_cache");
	check(ok && u2 == 2 * B, "libc-cache-alloc-refill",
	      "%ld in use after %d allocs, wanted %d", u2, B + 1, 2 * B);
	for (i = B + 1; i < 3 * B; i++)
		ok &= mpool_cache_alloc(c, &h[i]) == 0;
	/* owned by the open file: READ through it works, through another not */
	{
		int other = mpool_open(O_RDWR);

		check(ok && in_use("lc_cache") == 3 * B &&
		      mpool_read(fd, "lc_cache", h[0], 0, back, 1) == 0 &&
		      mpool_read(other, "lc_cache", h[0], 0, back, 1) == -EPERM,
		      "libc-cache-blocks-owned", "%ld in use; owned by fd?",
		      in_use("lc_cache"));
		close(other);
	}
	/*
	 * mpool_cache_create(3): "mpool_cache_ptr() is the block's first byte
	 * in the mapping" (mapped "writable if the pool allows").
	 */
	for (i = 0, ok = 1; i < 3 * B; i++) {
		p = mpool_cache_ptr(c, h[i]);
		ok &= !!p;
		if (p)
			snprintf(p, 8, "blk%02d", i);
	}
	for (i = 0; i < 3 * B && ok; i++) {
		char want_s[8];

		snprintf(want_s, sizeof(want_s), "blk%02d", i);
		ok &= mpool_read(fd, "lc_cache", h[i], 0, back, 6) == 0 &&
		      !memcmp(back, want_s, 6);
	}
	check(ok, "libc-cache-ptr",
	      "bytes written through mpool_cache_ptr() do not read back through mpool_read()");
	/*
	 * mpool_cache_create(3): "mpool_cache_ptr(): NULL when the handle lies
	 * outside the pool's region".
	 */
	x = mpool_handle_make(1ULL << 39, mpool_handle_gen(h[0]));
	y = mpool_handle_make(64 * 64 + 2 * getpagesize(), mpool_handle_gen(h[0]));
	check(!mpool_cache_ptr(c, x) && !mpool_cache_ptr(c, y),
	      "libc-cache-ptr-outside", "%p, %p", mpool_cache_ptr(c, x),
	      mpool_cache_ptr(c, y));
	/*
	 * docs/libmpool.md: "one outside the region or not at a block's start
	 * is -EINVAL"; mpool_cache_create(3): "-EINVAL (bad argument, a handle
	 * outside the region)".
	 */
	want("libc-cache-free-einval-outside", QUIET(mpool_cache_free(c, x)),
	     -EINVAL);
	want("libc-cache-free-einval-not-start",
	     QUIET(mpool_cache_free(c, h[0] + 1)), -EINVAL);
	NULLPTR("cache-alloc-handle", mpool_cache_alloc(c, NULL));
	check(in_use("lc_cache") == 3 * B, "libc-cache-free-einval-unchanged",
	      "%ld in use", in_use("lc_cache"));

	/*
	 * mpool_cache_create(3): "mpool_cache_free() pushes one, giving the
	 * oldest max_batch back with one MPOOL_IOC_FREE when the array is
	 * full"; docs/libmpool.md: "an array of up to 2 * max_batch handles".
	 */
	for (i = 0, ok = 1; i < 2 * B; i++)
		ok &= mpool_cache_free(c, h[i]) == 0;
	u1 = in_use("lc_cache");
	ok &= mpool_cache_free(c, h[2 * B]) == 0;
	u2 = in_use("lc_cache");
	{
		int oldest = 1, kept = 1;

		for (i = 0; i < B; i++)
			oldest &= mpool_read(fd, "lc_cache", h[i], 0, back, 1) == -ENXIO;
		for (i = B; i <= 2 * B; i++)
			kept &= mpool_read(fd, "lc_cache", h[i], 0, back, 1) == 0;
		check(oldest && kept, "libc-cache-free-gives-oldest",
		      "the %d first pushed %s, the others %s", B,
		      oldest ? "freed" : "not all freed",
		      kept ? "kept" : "not all kept");
	}
	for (i = 2 * B + 1; i < 3 * B; i++)
		ok &= mpool_cache_free(c, h[i]) == 0;
	u3 = in_use("lc_cache");
	check(ok && u1 == 3 * B && u2 == 2 * B && u3 == 2 * B,
	      "libc-cache-free-full-gives-batch",
	      "in use after %d frees %ld, after one more %ld, after all %ld",
	      2 * B, u1, u2, u3);
	/*
	 * mpool_cache_create(3): "mpool_cache_flush() gives back what this
	 * thread's array holds"; "mpool_cache_flush(): the number of blocks
	 * given back".
	 */
	r = mpool_cache_flush(c);
	check(r == 2 * B && in_use("lc_cache") == 0, "libc-cache-flush",
	      "got %s, %ld in use", errname(r), in_use("lc_cache"));
	want("libc-cache-flush-empty", mpool_cache_flush(c), 0);
	/* mpool_cache_create(3): "mpool_cache_alloc() pops one": the last pushed. */
	ok = mpool_cache_alloc(c, &x) == 0 && mpool_cache_alloc(c, &y) == 0 &&
	     mpool_cache_free(c, x) == 0 && mpool_cache_free(c, y) == 0;
	ok &= mpool_cache_alloc(c, &h[0]) == 0 && mpool_cache_alloc(c, &h[1]) == 0;
	check(ok && h[0] == y && h[1] == x, "libc-cache-alloc-pops",
	      "pushed %#llx then %#llx, popped %#llx then %#llx",
	      (unsigned long long)x, (unsigned long long)y,
	      (unsigned long long)h[0], (unsigned long long)h[1]);
	mpool_cache_free(c, h[1]);
	mpool_cache_free(c, h[0]);
	mpool_cache_flush(c);

	/*
	 * mpool_cache_create(3): "Like free(3), mpool_cache_free() trusts the
	 * handle: ... a block freed twice is handed out twice".
	 */
	r = mpool_cache_alloc(c, &x);
	ok = r == 0 && mpool_cache_free(c, x) == 0 && mpool_cache_free(c, x) == 0;
	ok &= mpool_cache_alloc(c, &h[0]) == 0 && mpool_cache_alloc(c, &h[1]) == 0;
	check(ok && h[0] == x && h[1] == x, "libc-cache-double-free-twice",
	      "freed %#llx twice, then got %#llx and %#llx",
	      (unsigned long long)x, (unsigned long long)h[0],
	      (unsigned long long)h[1]);
	/*
	 * "the kernel sees it only when the batch goes back" (docs/libmpool.md):
	 * x twice in the array, a flush gives every block back;
	 * mpool_cache_create(3): flush returns "the number of handles given
	 * back (a handle freed twice counts twice)": B + 1.
	 */
	ok = mpool_cache_free(c, x) == 0 && mpool_cache_free(c, x) == 0;
	r = mpool_cache_flush(c);
	check(ok && r == B + 1 && in_use("lc_cache") == 0,
	      "libc-cache-flush-after-double-free",
	      "flush %s (want %d), %ld in use", errname(r), B + 1,
	      in_use("lc_cache"));

	/*
	 * mpool_cache_create(3): "mpool_cache_destroy() gives back every
	 * thread's array, unmaps and frees the cache".
	 */
	mpool_cache_alloc(c, &x);
	p = mpool_cache_ptr(c, x);
	mpool_cache_free(c, x);
	r = mpool_cache_destroy(c);
	check(r == 0 && in_use("lc_cache") == 0, "libc-cache-destroy",
	      "got %s, %ld in use", errname(r), in_use("lc_cache"));
	check(p && !mapped(p), "libc-cache-destroy-unmaps",
	      "the block's page %p is still mapped", (void *)p);
	want("libc-cache-destroy-plain-destroy", mpool_destroy(fd, "lc_cache", 0),
	     0);
}

struct cache_thread {
	struct mpool_cache *c;
	int nalloc, nfree;
	uint64_t h[16];
	int ret;
	int ready;		/* when >= 0: write a byte there when done, */
	int go;			/* then wait for a byte 'x' from there */
};

static void *cache_worker(void *arg)
{
	struct cache_thread *t = arg;
	int i;
	char b;

	t->ret = 0;
	for (i = 0; i < t->nalloc && !t->ret; i++)
		t->ret = mpool_cache_alloc(t->c, &t->h[i]);
	for (i = 0; i < t->nfree && !t->ret; i++)
		t->ret = mpool_cache_free(t->c, t->h[i]);
	if (t->ready >= 0) {
		write(t->ready, "r", 1);
		while (read(t->go, &b, 1) == 1 && b != 'x')
			;
	}
	return NULL;
}

/* The permissions of the mapping that holds @p, from /proc/self/maps. */
static int map_perms(const void *p, char perms[5])
{
	unsigned long lo, hi;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 &&
			(uintptr_t)p >= lo && (uintptr_t)p < hi;
	if (f)
		fclose(f);
	return found;
}

/*
 * mpool_cache_create(3): "which it maps (writable if the pool allows)";
 * "mpool_cache_ptr(): NULL when the handle lies outside the pool's
 * region"; docs/libmpool.md: "one outside the region ... is -EINVAL".  A
 * region of 10 blocks of 64 bytes ends at 640, inside the mapping's page.
 */
static void t_cache_region(void)
{
	char pw[5] = "", pr[5] = "";
	struct mpool_cache *c, *cr;
	uint64_t h, hr, end;
	int r, ok;

	fresh("lc_reg", 64, 10, MPOOL_CREATE_MAP_WRITE);
	fresh("lc_reg_ro", 64, 10, 0);
	ok = !mpool_cache_create(fd, "lc_reg", 2, &c) && !mpool_cache_alloc(c, &h) &&
	     !mpool_cache_create(fd, "lc_reg_ro", 2, &cr) &&
	     !mpool_cache_alloc(cr, &hr);
	if (!ok) {
		check(0, "libc-cache-region-setup", "a cache of lc_reg failed");
		return;
	}
	ok = map_perms(mpool_cache_ptr(c, h), pw) && map_perms(mpool_cache_ptr(cr, hr), pr);
	check(ok && pw[0] == 'r' && pw[1] == 'w' && pr[0] == 'r' && pr[1] == '-',
	      "libc-cache-map-writable-if-allowed",
	      "MAP_WRITE pool mapped %s, the other %s", pw, pr);
	end = mpool_handle_make(stats_of(fd, "lc_reg").out_stride * 10,
				mpool_handle_gen(h));
	check(!mpool_cache_ptr(c, end), "libc-cache-ptr-region-end",
	      "offset %llu (the region's end, inside the mapped page): %p",
	      (unsigned long long)mpool_handle_offset(end), mpool_cache_ptr(c, end));
	r = QUIET(mpool_cache_free(c, end));
	want("libc-cache-free-region-end", r, -EINVAL);
	mpool_cache_free(c, h);
	mpool_cache_free(cr, hr);
	mpool_cache_destroy(c);
	mpool_cache_destroy(cr);
	mpool_destroy(fd, "lc_reg", 0);
	mpool_destroy(fd, "lc_reg_ro", 0);
}

static void t_cache_threads(void)
{
	enum { B = 4 };
	struct cache_thread t = { .ready = -1, .go = -1 };
	int ready[2], go[2];
	struct mpool_cache *c = NULL, *c2 = NULL, *c3 = NULL;
	uint64_t h[8], x;
	pthread_t th;
	long u;
	int r, ok, i;
	char b;

	/*
	 * mpool_cache_create(3): "A thread's array is given back when the
	 * thread exits"; docs/libmpool.md: "A thread's exit gives its array
	 * back (a pthread key destructor)".
	 */
	cache_pool("lc_thr", 64);
	mpool_cache_create(fd, "lc_thr", B, &c);
	t.c = c;
	t.nalloc = 3;
	t.nfree = 1;
	pthread_create(&th, NULL, cache_worker, &t);
	pthread_join(th, NULL);
	u = in_use("lc_thr");
	check(t.ret == 0 && u == 2, "libc-cache-thread-exit",
	      "thread %s, %ld in use after it exited holding 2 (wanted 2)",
	      errname(t.ret), u);
	/* the blocks it kept are still good: freed and flushed here */
	ok = mpool_cache_free(c, t.h[1]) == 0 && mpool_cache_free(c, t.h[2]) == 0;
	r = mpool_cache_flush(c);
	check(ok && r == 2 && in_use("lc_thr") == 0,
	      "libc-cache-thread-exit-blocks-usable", "flush %s, %ld in use",
	      errname(r), in_use("lc_thr"));

	/*
	 * docs/libmpool.md: "the thread finds its array through a thread-local
	 * pointer (a key lookup only when it switches caches)": one thread
	 * alternating between two caches keeps two arrays.
	 */
	cache_pool("lc_thr2", 64);
	mpool_cache_create(fd, "lc_thr2", B + 2, &c2);
	ok = 1;
	for (i = 0; i < 8; i++)
		ok &= mpool_cache_alloc(i % 2 ? c2 : c, &h[i]) == 0;
	ok &= in_use("lc_thr") == B && in_use("lc_thr2") == B + 2;
	for (i = 0; i < 8; i++)
		ok &= mpool_read(fd, i % 2 ? "lc_thr2" : "lc_thr", h[i], 0, &b, 1) == 0;
	for (i = 0; i < 8; i++)
		ok &= mpool_cache_free(i % 2 ? c2 : c, h[i]) == 0;
	r = mpool_cache_flush(c);
	i = mpool_cache_flush(c2);
	check(ok && r == B && i == B + 2 && in_use("lc_thr") == 0 &&
	      in_use("lc_thr2") == 0, "libc-cache-switch",
	      "flushes %s and %d, in use %ld and %ld", errname(r), i,
	      in_use("lc_thr"), in_use("lc_thr2"));
	mpool_cache_destroy(c2);
	mpool_destroy(fd, "lc_thr2", 0);

	/*
	 * mpool_cache_create(3): "mpool_cache_destroy() gives back every
	 * thread's array ...; call it when no other thread uses the cache or
	 * is exiting".  A thread that used the cache and now only waits is
	 * neither: destroy is allowed, and the thread's later exit must not
	 * give back the array again (a second cache made in between).
	 */
	pipe(ready);
	pipe(go);
	t.ready = ready[1];
	t.go = go[0];
	t.nalloc = 1;
	t.nfree = 1;
	pthread_create(&th, NULL, cache_worker, &t);
	read(ready[0], &b, 1);
	u = in_use("lc_thr");
	r = mpool_cache_destroy(c);
	check(t.ret == 0 && u == B && r == 0 && in_use("lc_thr") == 0,
	      "libc-cache-destroy-other-thread-array",
	      "thread %s; %ld in use before destroy, %ld after", errname(t.ret),
	      u, in_use("lc_thr"));
	mpool_cache_create(fd, "lc_thr", B, &c3);
	mpool_cache_alloc(c3, &x);
	write(go[1], "x", 1);
	pthread_join(th, NULL);
	u = in_use("lc_thr");
	i = (int)stats_of(fd, "lc_thr").out_invalid_frees;
	ok = mpool_cache_free(c3, x) == 0;
	r = mpool_cache_flush(c3);
	check(u == B && i == 0 && ok && r == B && in_use("lc_thr") == 0,
	      "libc-cache-destroy-then-thread-exit",
	      "after the thread's exit %ld in use (wanted %d), %d invalid frees, flush %s",
	      u, B, i, errname(r));
	mpool_cache_destroy(c3);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
	mpool_destroy(fd, "lc_thr", 0);

	/*
	 * mpool_cache_create(3): "-ENOSPC (no block free)"; "An allocation can
	 * fail while other threads' arrays hold free blocks".
	 */
	cache_pool("lc_full", 4);
	mpool_cache_create(fd, "lc_full", 8, &c);
	for (i = 0, ok = 1; i < 4; i++)
		ok &= mpool_cache_alloc(c, &h[i]) == 0;
	r = QUIET(mpool_cache_alloc(c, &x));
	check(ok && r == -ENOSPC, "libc-cache-enospc",
	      "4 allocs of a 4-block pool %s, the fifth %s",
	      ok ? "worked" : "failed", errname(r));
	for (i = 0; i < 4; i++)
		mpool_cache_free(c, h[i]);
	t.c = c;
	t.nalloc = 1;
	t.nfree = 0;
	t.ready = -1;
	pthread_create(&th, NULL, cache_worker, &t);
	pthread_join(th, NULL);
	check(t.ret == -ENOSPC && in_use("lc_full") == 4,
	      "libc-cache-enospc-other-thread",
	      "another thread's alloc %s, %ld in use", errname(t.ret),
	      in_use("lc_full"));
	mpool_cache_destroy(c);
	check(in_use("lc_full") == 0, "libc-cache-enospc-destroy",
	      "%ld in use after destroy", in_use("lc_full"));
	mpool_destroy(fd, "lc_full", 0);
}

static void t_cache_args(void)
{
	struct mpool_cache *c = NULL;
	uint64_t x;
	int r, r2, ro;

	cache_pool("lc_args", 2048);
	/*
	 * mpool_cache_create(3): "-EINVAL (bad argument ...)"; a batch is "one
	 * MPOOL_IOC_ALLOC of max_batch owned blocks", and one ALLOC takes
	 * "1 to MPOOL_IOC_BATCH_MAX".  The docs do not say where max_batch is
	 * refused: create, or the first alloc; either is taken.
	 */
	r = QUIET(mpool_cache_create(fd, "lc_args", 0, &c));
	r2 = r ? r : QUIET(mpool_cache_alloc(c, &x));
	if (!r)
		mpool_cache_destroy(c);
	check(r2 == -EINVAL && in_use("lc_args") == 0, "libc-cache-max-batch-0",
	      "create %s, alloc %s", errname(r), errname(r2));
	printf("# max_batch 0: create %s\n", errname(r));
	r = QUIET(mpool_cache_create(fd, "lc_args", MPOOL_IOC_BATCH_MAX + 1, &c));
	r2 = r ? r : QUIET(mpool_cache_alloc(c, &x));
	if (!r)
		mpool_cache_destroy(c);
	check(r2 == -EINVAL && in_use("lc_args") == 0,
	      "libc-cache-max-batch-over", "max_batch %d: create %s, alloc %s",
	      MPOOL_IOC_BATCH_MAX + 1, errname(r), errname(r2));
	printf("# max_batch %d: create %s\n", MPOOL_IOC_BATCH_MAX + 1, errname(r));
	/* the same far out: 2 * max_batch handles must not wrap */
	{
		static const uint32_t huge[] = { 0x80000000U, 0xffffffffU };
		int i;

		for (i = 0; i < 2; i++) {
			r = QUIET(mpool_cache_create(fd, "lc_args", huge[i], &c));
			r2 = r ? r : QUIET(mpool_cache_alloc(c, &x));
			if (!r)
				mpool_cache_destroy(c);
			check((r2 == -EINVAL || r == -ENOMEM) &&
			      in_use("lc_args") == 0, i ? "libc-cache-max-batch-u32max" :
			      "libc-cache-max-batch-2-31", "max_batch %#x: create %s, alloc %s",
			      huge[i], errname(r), errname(r2));
		}
	}
	r = mpool_cache_create(fd, "lc_args", MPOOL_IOC_BATCH_MAX, &c);
	r2 = r ? r : mpool_cache_alloc(c, &x);
	check(r2 == 0 && in_use("lc_args") == MPOOL_IOC_BATCH_MAX,
	      "libc-cache-max-batch-max", "create %s, alloc %s, %ld in use",
	      errname(r), errname(r2), in_use("lc_args"));
	if (!r) {
		mpool_cache_free(c, x);
		r = mpool_cache_flush(c);
		check(r == MPOOL_IOC_BATCH_MAX, "libc-cache-max-batch-max-flush",
		      "flush gave %s", errname(r));
		mpool_cache_destroy(c);
	}
	/* mpool_cache_create(3): "those of mpool_alloc(3) and mpool_map(3)". */
	want("libc-cache-create-enoent",
	     QUIET(mpool_cache_create(fd, "lc_none", 4, &c)), -ENOENT);
	/*
	 * mpool_cache_create(3): "which it maps"; mpool_map(3): "-EPERM";
	 * mpool_ioctl.h: MAP on O_WRONLY: EPERM.
	 */
	ro = mpool_open(O_WRONLY);
	want("libc-cache-wronly-eperm",
	     QUIET(mpool_cache_create(ro, "lc_args", 4, &c)), -EPERM);
	close(ro);
	/*
	 * mpool_cache_create(3): "through the open file fd (O_RDWR), which it
	 * maps (writable if the pool allows)"; errors "those of mpool_alloc(3)
	 * and mpool_map(3)".  On an O_RDONLY file: the writable mapping of a
	 * MAP_WRITE pool is EACCES, the ALLOC EPERM, at create or at the first
	 * alloc (the docs say neither which nor when).
	 */
	ro = mpool_open(O_RDONLY);
	r = QUIET(mpool_cache_create(ro, "lc_args", 4, &c));
	r2 = r ? r : QUIET(mpool_cache_alloc(c, &x));
	if (!r)
		mpool_cache_destroy(c);
	check((r2 == -EPERM || r2 == -EACCES) && in_use("lc_args") == 0,
	      "libc-cache-rdonly-refused", "create %s, alloc %s", errname(r),
	      errname(r2));
	fresh("lc_args_ro", 64, 16, 0);
	r = QUIET(mpool_cache_create(ro, "lc_args_ro", 4, &c));
	r2 = r ? r : QUIET(mpool_cache_alloc(c, &x));
	if (!r)
		mpool_cache_destroy(c);
	check(r2 == -EPERM && in_use("lc_args_ro") == 0,
	      "libc-cache-rdonly-eperm", "pool without MAP_WRITE: create %s, alloc %s",
	      errname(r), errname(r2));
	printf("# O_RDONLY cache of a pool without MAP_WRITE: create %s, alloc %s\n",
	       errname(r), errname(r2));
	close(ro);
	mpool_destroy(fd, "lc_args", 0);
	mpool_destroy(fd, "lc_args_ro", 0);
}

static int maps_lines(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

static void *two_caches_worker(void *arg)
{
	struct mpool_cache **c = arg;
	uint64_t h;

	mpool_cache_alloc(c[0], &h);
	mpool_cache_free(c[0], h);
	mpool_cache_alloc(c[1], &h);
	mpool_cache_free(c[1], h);
	return NULL;
}

static void t_cache_many(void)
{
	enum { B = 2, THREADS = 50, CYCLES = 1100 };
	static struct cache_thread t[THREADS];
	static pthread_t th[THREADS];
	struct mpool_cache *c[2] = { NULL, NULL };
	int ready[2], go[2], i, ok, m0, m1;
	long u0, u1;
	uint64_t h;
	pthread_t one;
	char b;

	cache_pool("lc_many", 256);
	cache_pool("lc_many2", 256);
	mpool_cache_create(fd, "lc_many", B, &c[0]);
	mpool_cache_create(fd, "lc_many2", B + 1, &c[1]);
	/* docs/libmpool.md: "A thread's exit gives its array back", each. */
	pthread_create(&one, NULL, two_caches_worker, c);
	pthread_join(one, NULL);
	check(in_use("lc_many") == 0 && in_use("lc_many2") == 0,
	      "libc-cache-thread-exit-two-caches", "%ld and %ld in use",
	      in_use("lc_many"), in_use("lc_many2"));
	mpool_cache_destroy(c[1]);

	/*
	 * mpool_cache_create(3): "mpool_cache_destroy() gives back every
	 * thread's array": 50 threads, each holding a full batch, parked.
	 */
	pipe(ready);
	pipe(go);
	for (i = 0; i < THREADS; i++) {
		t[i] = (struct cache_thread){ .c = c[0], .nalloc = 1, .nfree = 1,
					      .ready = ready[1], .go = go[0] };
		pthread_create(&th[i], NULL, cache_worker, &t[i]);
	}
	for (i = 0; i < THREADS; i++)
		read(ready[0], &b, 1);
	u0 = in_use("lc_many");
	i = mpool_cache_destroy(c[0]);
	u1 = in_use("lc_many");
	for (i = 0; i < THREADS; i++)
		write(go[1], "x", 1);
	for (i = 0, ok = 1; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		ok &= t[i].ret == 0;
	}
	check(ok && u0 == THREADS * B && u1 == 0 && in_use("lc_many") == 0 &&
	      stats_of(fd, "lc_many").out_invalid_frees == 0,
	      "libc-cache-destroy-50-threads",
	      "%ld in use before destroy (wanted %d), %ld after, %ld after the threads' exit",
	      u0, THREADS * B, u1, in_use("lc_many"));
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);

	/*
	 * mpool_cache_create(3): "mpool_cache_destroy() ... unmaps and frees
	 * the cache": 1100 caches made and destroyed one after another (more
	 * than the 1024 pthread keys a process has), each used once, leave no
	 * mapping and no block behind.
	 */
	m0 = maps_lines();
	for (i = 0, ok = 1; i < CYCLES && ok; i++) {
		ok = mpool_cache_create(fd, "lc_many", B, &c[0]) == 0;
		ok = ok && mpool_cache_alloc(c[0], &h) == 0 &&
		     mpool_cache_free(c[0], h) == 0 &&
		     mpool_cache_destroy(c[0]) == 0;
	}
	m1 = maps_lines();
	check(ok && m1 == m0 && in_use("lc_many") == 0,
	      "libc-cache-create-destroy-1100",
	      "stopped at cycle %d of %d; %d mappings before, %d after, %ld in use",
	      i, CYCLES, m0, m1,
	      in_use("lc_many"));
	mpool_destroy(fd, "lc_many", 0);
	mpool_destroy(fd, "lc_many2", 0);
}

struct reuse_thread {
	struct mpool_cache **c;	/* the cache to use, changed between rounds */
	const char *const *pool; /* its pool */
	int ready, go;
	int bad;
};

/* Each round: alloc and free through *c, check the block's pool, wait. */
static void *reuse_worker(void *arg)
{
	struct reuse_thread *t = arg;
	char b = 0;
	uint64_t h;

	while (b != 'x') {
		if (mpool_cache_alloc(*t->c, &h) ||
		    mpool_read(fd, *t->pool, h, 0, &b, 1) ||
		    mpool_cache_free(*t->c, h))
			t->bad++;
		write(t->ready, "r", 1);
		if (read(t->go, &b, 1) != 1)
			break;
	}
	return NULL;
}

/*
 * docs/libmpool.md: "the thread finds its array through a thread-local
 * pointer (a key lookup only when it switches caches)";
 * mpool_cache_create(3): "mpool_cache_destroy() gives back every thread's
 * array, unmaps and frees the cache".  A cache made after another's
 * destroy may get its address: 40 rounds of destroy and create,
 * alternating two pools, used by this thread and by another that used the
 * old one; every block must come from the new cache's pool.
 */
static void t_cache_reuse(void)
{
	static const char *const pools[2] = { "lc_reuse_a", "lc_reuse_b" };
	struct reuse_thread t;
	int ready[2], go[2], i, ok = 1, same = 0;
	struct mpool_cache *c, *old;
	const char *pool;
	pthread_t th;
	uint64_t h;
	char b;

	fresh(pools[0], 64, 256, MPOOL_CREATE_MAP_WRITE);
	fresh(pools[1], 64, 256, MPOOL_CREATE_MAP_WRITE);
	pipe(ready);
	pipe(go);
	pool = pools[0];
	if (mpool_cache_create(fd, pool, 4, &c))
		return;
	t = (struct reuse_thread){ .c = &c, .pool = &pool, .ready = ready[1],
				   .go = go[0] };
	pthread_create(&th, NULL, reuse_worker, &t);
	read(ready[0], &b, 1);
	for (i = 1; i <= 40; i++) {
		ok &= !mpool_cache_alloc(c, &h) &&
		      !mpool_read(fd, pool, h, 0, &b, 1) && !mpool_cache_free(c, h);
		old = c;
		ok &= !mpool_cache_destroy(c);
		ok &= in_use(pools[0]) == 0 && in_use(pools[1]) == 0;
		pool = pools[i % 2];
		ok &= !mpool_cache_create(fd, pool, 4 + i % 2, &c);
		same += c == old;
		write(go[1], "n", 1);
		read(ready[0], &b, 1);
	}
	write(go[1], "x", 1);
	pthread_join(th, NULL);
	ok &= !mpool_cache_alloc(c, &h) && !mpool_read(fd, pool, h, 0, &b, 1) &&
	      !mpool_cache_free(c, h);
	mpool_cache_destroy(c);
	check(ok && !t.bad && in_use(pools[0]) == 0 && in_use(pools[1]) == 0,
	      "libc-cache-destroy-create-reuse",
	      "this thread %s, the other %d bad rounds, %ld and %ld in use (%d of 40 new caches at the old address)",
	      ok ? "ok" : "failed", t.bad, in_use(pools[0]), in_use(pools[1]), same);
	printf("# %d of 40 caches made after a destroy had the destroyed one's address\n",
	       same);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
	mpool_destroy(fd, pools[0], 0);
	mpool_destroy(fd, pools[1], 0);
}

/* ---- the cache across processes --------------------------------------- */

static int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/*
 * mpool_cache_create(3): "After fork(2), the child's copies of the arrays
 * are emptied without freeing (the blocks are the parent's)": every
 * thread's array, so a child's mpool_cache_destroy() (which "gives back
 * every thread's array") gives back none of the parent's blocks, through
 * the file they share.
 */
static void t_cache_fork_destroy(void)
{
	enum { B = 4 };
	struct cache_thread t = { .nalloc = 1, .nfree = 1 };
	int ready[2], go[2], r;
	struct mpool_cache *c;
	long u0, u1;
	pthread_t th;
	uint64_t h;
	pid_t pid;
	char b;

	cache_pool("lc_forkd", 64);
	mpool_cache_create(fd, "lc_forkd", B, &c);
	pipe(ready);
	pipe(go);
	t.c = c;
	t.ready = ready[1];
	t.go = go[0];
	pthread_create(&th, NULL, cache_worker, &t);
	read(ready[0], &b, 1);
	mpool_cache_alloc(c, &h);	/* main: B - 1 in its array, h held */
	u0 = in_use("lc_forkd");
	pid = fork();
	if (pid == 0)
		_exit(mpool_cache_destroy(c) ? 1 : 0);
	r = wait_child(pid);
	u1 = in_use("lc_forkd");
	check(r == 0 && u0 == 2 * B && u1 == 2 * B &&
	      stats_of(fd, "lc_forkd").out_invalid_frees == 0,
	      "libc-cache-fork-child-destroy",
	      "child's destroy: status %#x; %ld in use before (wanted %d), %ld after",
	      r, u0, 2 * B, u1);
	write(go[1], "x", 1);
	pthread_join(th, NULL);
	mpool_cache_free(c, h);
	mpool_cache_destroy(c);
	check(in_use("lc_forkd") == 0 && stats_of(fd, "lc_forkd").out_invalid_frees == 0,
	      "libc-cache-fork-child-destroy-parent-intact",
	      "%ld in use after the parent's destroy, %llu invalid frees",
	      in_use("lc_forkd"),
	      (unsigned long long)stats_of(fd, "lc_forkd").out_invalid_frees);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
	mpool_destroy(fd, "lc_forkd", 0);
}

static void t_cache_fork(void)
{
	enum { B = 4 };
	struct mpool_cache *c = NULL;
	uint64_t mine[B], child[4];
	struct mpool_ioc_stats st0, st1;
	int p2c[2], pf, i, ok, status, overlap;
	long u, reclaimed;
	pid_t pid;
	char b;

	cache_pool("lc_fork", 128);
	pf = mpool_open(O_RDWR);
	mpool_cache_create(pf, "lc_fork", B, &c);
	mpool_cache_alloc(c, &mine[0]);
	st0 = stats_of(fd, "lc_fork");
	/*
	 * mpool_cache_create(3): "After fork(2), the child's copies of the
	 * arrays are emptied without freeing (the blocks are the parent's);
	 * the child allocates afresh, through the shared open file".
	 */
	pipe(p2c);
	pid = fork();
	if (pid == 0) {
		child[0] = mpool_cache_alloc(c, &child[1]);
		child[2] = mpool_cache_flush(c);
		child[3] = mpool_cache_free(c, child[1]);
		child[0] |= (uint64_t)mpool_cache_flush(c) << 32;
		write(p2c[1], child, sizeof(child));
		_exit(0);
	}
	memset(child, 0xff, sizeof(child));
	read(p2c[0], child, sizeof(child));
	status = wait_child(pid);
	st1 = stats_of(fd, "lc_fork");
	u = in_use("lc_fork");
	for (i = 1, ok = 1; i < B; i++)
		ok &= mpool_cache_alloc(c, &mine[i]) == 0;
	for (i = 0, overlap = 0; i < B; i++)
		overlap |= mine[i] == child[1];
	check(status == 0 && (int32_t)child[0] == 0 && overlap == 0 &&
	      st1.out_allocs == st0.out_allocs + B,
	      "libc-cache-fork-child-allocates-afresh",
	      "child alloc %d, its handle %s the parent's, ALLOCs %llu -> %llu",
	      (int32_t)child[0], overlap ? "among" : "not among",
	      (unsigned long long)st0.out_allocs,
	      (unsigned long long)st1.out_allocs);
	check((int)child[2] == B - 1 && (int)child[3] == 0 &&
	      (int)(child[0] >> 32) == 1 && u == B,
	      "libc-cache-fork-child-flush",
	      "child's flushes %d and %d (wanted %d and 1), %ld in use after it (wanted %d)",
	      (int)child[2],
	      (int)(child[0] >> 32), B - 1, u, B);
	check(ok && in_use("lc_fork") == B && stats_of(fd, "lc_fork").out_allocs ==
	      st1.out_allocs, "libc-cache-fork-parent-keeps-array",
	      "the parent's next %d allocs: %s, %ld in use", B - 1,
	      ok ? "ok" : "failed", in_use("lc_fork"));

	/*
	 * docs/libmpool.md: the child "allocates afresh through the inherited
	 * file, which it shares with the parent, so its blocks come back when
	 * both have closed it".  A SIGKILLed child's batch stays in use.
	 */
	reclaimed = (long)stats_of(fd, "lc_fork").out_reclaimed_on_close;
	pid = fork();
	if (pid == 0) {
		uint64_t h;

		if (mpool_cache_alloc(c, &h) == 0)
			write(p2c[1], "r", 1);
		pause();
		_exit(0);
	}
	read(p2c[0], &b, 1);
	kill(pid, SIGKILL);
	wait_child(pid);
	check(in_use("lc_fork") == 2 * B, "libc-cache-fork-killed-child-shared-file",
	      "%ld in use after the child's SIGKILL, wanted %d (the file is shared)",
	      in_use("lc_fork"), 2 * B);
	for (i = 0; i < B; i++)
		mpool_cache_free(c, mine[i]);
	mpool_cache_destroy(c);
	u = in_use("lc_fork");
	close(pf);
	st1 = stats_of(fd, "lc_fork");
	check(u == B && st1.out_blocks_in_use == 0 &&
	      (long)st1.out_reclaimed_on_close == reclaimed + B,
	      "libc-cache-fork-shared-file-close",
	      "%ld in use after destroy (wanted %d), %llu after close, reclaimed %ld -> %llu", u, B,
	      (unsigned long long)st1.out_blocks_in_use, reclaimed,
	      (unsigned long long)st1.out_reclaimed_on_close);

	/*
	 * mpool_cache_create(3): "The blocks are owned by the open file: when
	 * a process dies, the last close of its file gives back every block
	 * its caches held"; "A child that should not share its parent's fate
	 * opens the device itself".  Two threads' arrays, then SIGKILL.
	 */
	reclaimed = (long)st1.out_reclaimed_on_close;
	pid = fork();
	if (pid == 0) {
		struct cache_thread t = { .nalloc = 2, .nfree = 0 };
		struct mpool_cache *own;
		int f = mpool_open(O_RDWR), never[2];
		pthread_t th;
		uint64_t h;

		if (mpool_cache_create(f, "lc_fork", B, &own) ||
		    mpool_cache_alloc(own, &h))
			_exit(1);
		t.c = own;
		pipe(never);	/* the thread waits on it until the SIGKILL */
		t.ready = p2c[1];
		t.go = never[0];
		pthread_create(&th, NULL, cache_worker, &t);
		pause();
		_exit(0);
	}
	read(p2c[0], &b, 1);
	u = in_use("lc_fork");
	kill(pid, SIGKILL);
	wait_child(pid);
	st1 = stats_of(fd, "lc_fork");
	check(u == 2 * B && st1.out_blocks_in_use == 0 &&
	      (long)st1.out_reclaimed_on_close == reclaimed + 2 * B,
	      "libc-cache-sigkill-reclaimed",
	      "%ld in use before SIGKILL (wanted %d), %llu after, reclaimed %ld -> %llu",
	      u, 2 * B, (unsigned long long)st1.out_blocks_in_use,
	      reclaimed, (unsigned long long)st1.out_reclaimed_on_close);
	close(p2c[0]);
	close(p2c[1]);
	mpool_destroy(fd, "lc_fork", 0);
	t_cache_fork_destroy();
}

/*
 * Two processes, each with its own open file and cache, allocate and free
 * 20000 blocks of one pool; each block carries its holder's stamp, set
 * from 0 and cleared by compare-and-swap through the mapping, so a block
 * handed to both at once is seen.
 */
/*
 * @rounds allocations and frees through @c, up to 24 blocks held, each
 * stamped: 0 when every stamp was found as left, 1 when a block was
 * someone else's, 3 or 4 when an alloc or free failed.
 */
static int stamp_loop(struct mpool_cache *c, uint64_t stamp, int rounds)
{
	enum { HOLD = 24 };
	uint64_t h[HOLD];
	uint64_t *p;
	int i, n = 0, bad = 0;

	for (i = 0; i < rounds && !bad; i++) {
		if (n < HOLD && (n == 0 || (i * 7 + (int)stamp) % 3)) {
			if (mpool_cache_alloc(c, &h[n]))
				return 3;
			p = mpool_cache_ptr(c, h[n]);
			if (!p || !__sync_bool_compare_and_swap(p, 0, stamp))
				bad = 1;
			n++;
		} else {
			n--;
			p = mpool_cache_ptr(c, h[n]);
			if (!p || !__sync_bool_compare_and_swap(p, stamp, 0))
				bad = 1;
			if (mpool_cache_free(c, h[n]))
				return 4;
		}
	}
	while (n > 0) {
		n--;
		p = mpool_cache_ptr(c, h[n]);
		if (!p || !__sync_bool_compare_and_swap(p, stamp, 0))
			bad = 1;
		mpool_cache_free(c, h[n]);
	}
	return bad;
}

static int two_procs_child(uint64_t stamp)
{
	struct mpool_cache *c;
	int f, bad;

	f = mpool_open(O_RDWR);
	if (f < 0 || mpool_cache_create(f, "lc_two", 8, &c))
		return 2;
	bad = stamp_loop(c, stamp, 20000);
	if (mpool_cache_destroy(c))
		return 5;
	close(f);
	return bad;
}

struct stamper {
	struct mpool_cache *c;
	uint64_t stamp;
	int rounds;
	int ret;
};

static void *stamper_thread(void *arg)
{
	struct stamper *s = arg;

	s->ret = stamp_loop(s->c, s->stamp, s->rounds);
	return NULL;
}

/* Short-lived stampers, one after another, 100 of them. */
static void *spawner_thread(void *arg)
{
	struct stamper *s = arg, one;
	pthread_t t;
	int i;

	s->ret = 0;
	for (i = 0; i < 100 && !s->ret; i++) {
		one = (struct stamper){ .c = s->c, .stamp = s->stamp + i,
					.rounds = 200 };
		pthread_create(&t, NULL, stamper_thread, &one);
		pthread_join(t, NULL);
		s->ret = one.ret;
	}
	return NULL;
}

/*
 * docs/libmpool.md: "Each thread that uses c gets an array"; "A thread's
 * exit gives its array back"; "After fork() the child's copies of the
 * arrays are emptied without freeing ...; the child allocates afresh".
 * Two long-lived threads, a stream of short-lived ones (arrays made and
 * given back all the time) and 30 children forked meanwhile, each using
 * the cache at once (a child stuck on a lock copied held fails by
 * SIGALRM); every block stamped; at the end no block in use.
 */
static void t_cache_concurrent(void)
{
	struct stamper st[3];
	struct mpool_cache *c;
	struct mpool_ioc_stats s;
	int i, ok = 1, status, stuck = 0;
	pthread_t t[3];
	pid_t pid;

	fresh("lc_conc", 64, 1024, MPOOL_CREATE_MAP_WRITE | MPOOL_CREATE_ZERO);
	if (mpool_cache_create(fd, "lc_conc", 8, &c))
		return;
	for (i = 0; i < 3; i++) {
		st[i] = (struct stamper){ .c = c, .rounds = 30000,
					  .stamp = 0x4c4f4e4700000000ULL + (i << 16) };
		pthread_create(&t[i], NULL, i < 2 ? stamper_thread : spawner_thread,
			       &st[i]);
	}
	for (i = 0; i < 30; i++) {
		pid = fork();
		if (pid == 0) {
			int bad;

			alarm(30);
			bad = stamp_loop(c, 0x4348494c00000000ULL + i, 300);
			if (mpool_cache_flush(c) < 0)
				bad = 6;
			_exit(bad);
		}
		status = wait_child(pid);
		if (WIFSIGNALED(status))
			stuck++;
		ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	for (i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		ok &= st[i].ret == 0;
	}
	s = stats_of(fd, "lc_conc");
	check(ok && s.out_blocks_in_use == 0 && s.out_invalid_frees == 0,
	      "libc-cache-concurrent-threads-fork",
	      "threads %d %d %d, %d children killed, %llu in use, %llu invalid frees",
	      st[0].ret, st[1].ret, st[2].ret, stuck,
	      (unsigned long long)s.out_blocks_in_use,
	      (unsigned long long)s.out_invalid_frees);
	mpool_cache_destroy(c);
	mpool_destroy(fd, "lc_conc", 0);
}

static void t_cache_two_procs(void)
{
	pid_t pid[2];
	int st[2], i;
	struct mpool_ioc_stats s;

	/*
	 * docs/libmpool.md: "a block freed twice is handed out twice" is the
	 * caller's doing only; two processes through one pool, each with "its
	 * own open file and cache", never share a block, and the pool is empty
	 * once both destroyed their caches.
	 */
	fresh("lc_two", 64, 96, MPOOL_CREATE_MAP_WRITE | MPOOL_CREATE_ZERO);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] == 0)
			_exit(two_procs_child(0x5354414d50000000ULL + i + 1));
	}
	for (i = 0; i < 2; i++)
		st[i] = wait_child(pid[i]);
	s = stats_of(fd, "lc_two");
	check(WIFEXITED(st[0]) && WEXITSTATUS(st[0]) == 0 && WIFEXITED(st[1]) &&
	      WEXITSTATUS(st[1]) == 0 && s.out_blocks_in_use == 0 &&
	      s.out_allocs == s.out_frees && s.out_invalid_frees == 0,
	      "libc-cache-two-procs",
	      "exits %#x %#x (1: a block held by both), %llu in use, allocs %llu frees %llu invalid %llu",
	      st[0], st[1],
	      (unsigned long long)s.out_blocks_in_use,
	      (unsigned long long)s.out_allocs, (unsigned long long)s.out_frees,
	      (unsigned long long)s.out_invalid_frees);
	mpool_destroy(fd, "lc_two", 0);
}

/*
 * README.md, "The library in ten lines", as written there (but for the
 * checks of each answer and the cleanup).
 */
static void t_readme(void)
{
	int f = mpool_open(O_RDWR);                 /* checks the ABI version */
	int r0, r1, r2, r3;
	struct mpool_cache *c;
	uint64_t h;
	char *p;

	mpool_destroy(f, "rx", MPOOL_DESTROY_FORCE);
	r0 = mpool_create(f, "rx", 2048, 1024, 0, MPOOL_CREATE_MAP_WRITE);
	r1 = mpool_cache_create(f, "rx", 32, &c);        /* maps the pool */
	r2 = r1 ? r1 : mpool_cache_alloc(c, &h);         /* -ENOSPC, ... on error */
	p = r2 ? NULL : mpool_cache_ptr(c, h);
	if (p)
		memcpy(p, "hello", 6);                   /* the block, in place */
	r3 = r2 ? r2 : mpool_cache_free(c, h);
	check(f >= 0 && !r0 && !r1 && !r2 && p && !r3, "libc-readme-example",
	      "open %d, create %s, cache %s, alloc %s, free %s", f, errname(r0),
	      errname(r1), errname(r2), errname(r3));
	if (!r1)
		mpool_cache_destroy(c);
	mpool_destroy(f, "rx", 0);
	close(f);
}

/*
 * With the module loaded max_pools=2 max_bytes=1048576 max_batch=16 (the
 * guest script does it): mpool_create(3): "-EDQUOT, -ENOSPC";
 * mpool_ioctl.h: "ENOSPC, max_pools such pools exist already"; "EDQUOT,
 * the pool would take the device pools' memory ... past the module
 * parameter max_bytes"; ALLOC's count "1 to MPOOL_IOC_BATCH_MAX, or to the
 * module parameter max_batch if an administrator set it lower".
 */
static void t_limits(void)
{
	static uint64_t h[32];
	struct mpool_cache *c;
	int r, r2;

	r = fresh("lc_lim1", 64, 64, 0);
	r2 = fresh("lc_lim2", 64, 64, 0);
	check(!r && !r2, "libc-limits-setup", "creates %s, %s", errname(r),
	      errname(r2));
	want("libc-create-enospc-max-pools",
	     QUIET(mpool_create(fd, "lc_lim3", 64, 64, 0, 0)), -ENOSPC);
	mpool_destroy(fd, "lc_lim2", 0);
	want("libc-create-edquot",
	     QUIET(mpool_create(fd, "lc_lim2", 4096, 512, 0, 0)), -EDQUOT);
	want("libc-alloc-module-max-batch",
	     QUIET(mpool_alloc(fd, "lc_lim1", h, 17, 0, 0)), -EINVAL);
	r = mpool_alloc(fd, "lc_lim1", h, 16, 0, 0);
	want("libc-alloc-module-max-batch-16", r, 16);
	if (r > 0)
		mpool_free(fd, "lc_lim1", h, r, NULL);
	/*
	 * A cache of a max_batch above the module's: the docs do not say what
	 * happens; only that nothing is lost.
	 */
	r = mpool_cache_create(fd, "lc_lim1", 32, &c);
	r2 = r ? r : QUIET(mpool_cache_alloc(c, &h[0]));
	if (!r2)
		mpool_cache_free(c, h[0]);
	if (!r)
		mpool_cache_destroy(c);
	check(in_use("lc_lim1") == 0, "libc-cache-over-module-max-batch",
	      "create %s, alloc %s, %ld in use after destroy", errname(r),
	      errname(r2), in_use("lc_lim1"));
	printf("# cache of max_batch 32, module max_batch 16: create %s, alloc %s\n",
	       errname(r), errname(r2));
	mpool_destroy(fd, "lc_lim1", 0);
}

/* ---- an unprivileged user --------------------------------------------- */

static int t_user(void)
{
	struct stat st;
	int r;

	/*
	 * mpool_ioctl.h: "The device is /dev/mempool, a misc device, mode
	 * 0600"; mpool_open(3): "a negative errno on error: the errors of
	 * open(2)".  Proven first: not root, and the device is there.
	 */
	check(getuid() != 0 && getuid() == geteuid() && !stat(MPOOL_DEV_PATH, &st) &&
	      S_ISCHR(st.st_mode) && st.st_uid == 0, "libc-user-setup",
	      "uid %d, device %s", (int)getuid(),
	      stat(MPOOL_DEV_PATH, &st) ? "missing" : "present");
	want("libc-user-open-rdwr-eacces", QUIET(mpool_open(O_RDWR)), -EACCES);
	want("libc-user-open-rdonly-eacces", QUIET(mpool_open(O_RDONLY)), -EACCES);
	want("libc-user-open-path-eacces",
	     QUIET(mpool_open_path(MPOOL_DEV_PATH, O_WRONLY)), -EACCES);
	r = QUIET(mpool_open_path("/dev/null", O_RDONLY));
	want("libc-user-open-path-enotty", r, -ENOTTY);
	return 0;
}

static void t_end(const char *prefix)
{
	char names[256][MPOOL_IOC_NAME_MAX], name[64];
	int n, i, left = 0;

	snprintf(name, sizeof(name), "%s-never-prints", prefix);
	check(quiet_calls > 0 && quiet_bytes == 0, name,
	      "%ld bytes on stdout/stderr from %ld failing calls, first from %s",
	      quiet_bytes, quiet_calls, quiet_first_print);
	/*
	 * libmpool(3): "they do not set errno"; docs/libmpool.md: "never sets
	 * errno for its callers".  Ambiguous: errno left as it was, or errno
	 * not the channel of the error?  The weakest reading that can be
	 * checked: a call that fails before any system call leaves it alone.
	 * How many others changed it is printed, not judged.
	 */
	if (!strcmp(prefix, "libc"))
		check(nosys_calls > 0 && nosys_errno_changed == 0,
		      "libc-errno-untouched-before-syscall",
		      "%ld of %ld calls failing before any system call changed errno; first: %s",
		      nosys_errno_changed, nosys_calls, nosys_errno_first);
	printf("# errno: %ld of %ld failing calls changed it%s%s\n",
	       errno_changed, quiet_calls, errno_changed ? "; first: " : "",
	       errno_first);
	if (fd < 0)
		return;
	n = mpool_list(fd, names, 256);
	for (i = 0; i < n && i < 256; i++)
		left += !strncmp(names[i], "lc_", 3);
	snprintf(name, sizeof(name), "%s-no-pool-left", prefix);
	check(n >= 0 && left == 0, name, "%d lc_ pools left", left);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "user")) {
		t_user();
		t_end("libc-user");
		return nfail ? 1 : 0;
	}
	if (argc > 1 && !strcmp(argv[1], "limits")) {
		fd = mpool_open(O_RDWR);
		t_limits();
		t_end("libc-limits");
		return nfail ? 1 : 0;
	}
	fd = mpool_open(O_RDWR);
	t_device();
	if (fd < 0)
		return 1;
	t_names();
	t_pools();
	t_debug();
	t_alloc();
	t_free_rw();
	t_map();
	t_watch();
	t_give_take();
	t_cache_basic();
	t_cache_region();
	t_cache_threads();
	t_cache_args();
	t_cache_fork();
	t_cache_two_procs();
	t_cache_many();
	t_cache_reuse();
	t_cache_concurrent();
	t_readme();
	t_end("libc");
	printf("# %d checks failed\n", nfail);
	return nfail ? 1 : 0;
}
