// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_faults: systematic allocation-failure injection into mempool.ko,
 * run in the debug VM (static) as root with the module NOT loaded.
 *
 * For module load, pool creation (all 16 MPOOL_CREATE_* combinations),
 * every ioctl and mmap() of a pool, it fails the 1st, 2nd, ... allocation or user copy the call
 * makes through /proc/thread-self/fail-nth (failslab, fail_page_alloc and,
 * where the kernel has it, fail_usercopy, set up by the guest script), each time on a fresh valid setup, until a call
 * runs with nothing injected (fail-nth reads back non-zero).  After each
 * injected failure the call must have returned an errno and left no trace
 * (or, if the kernel recovered, done all its work); afterwards the module
 * must still unload.  Prints the guest protocol's lines:
 *     MPTEST ok NAME
 *     MPTEST not ok NAME: MSG
 * and one "faults: ..." summary per operation; exits 0.
 *
 * fail-nth is per thread and counts every fault site the thread reaches,
 * user page faults included, so the program is single-threaded, locks its
 * memory (mlockall) and touches its stack before it starts.
 *
 * Module load uses init_module(2), not finit_module(2): finit_module()
 * first reads the file with kernel_read_file(), whose vmalloc() has no
 * __GFP_NOWARN (fs/kernel_read_file.c) and prints an allocation-failure
 * splat that no module can prevent; init_module() copies the image with
 * __GFP_NOWARN (kernel/module/main.c) and runs the same load_module().
 * The loaded module is then reloaded once with finit_module(), uninjected.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mpool_ioctl.h"
#include "../mptest.h"

#define MODULE_PATH "/lib/mempool/mempool.ko"
#define DEVICE "/dev/mempool"
#define DEBUGFS "/sys/kernel/debug/mempool"
/* More sites than this in one operation is a failure, not a long loop. */
#define MAX_SITES 5000

static int dev = -1;
static int nth_fd = -1;
static void *image;
static size_t image_len;

/* Arms fail-nth: the @n-th fault site this thread reaches fails. */
static void inject(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (pwrite(nth_fd, buf, len, 0) != len) {
		perror("fail-nth write");
		exit(1);
	}
}

/*
 * Disarms fail-nth.  With fail_usercopy, the write's own copy from user is
 * a fault site: if the armed fault fires there, it is spent all the same.
 */
static void disarm(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		if (pwrite(nth_fd, "0", 1, 0) == 1)
			return;
		if (errno != EFAULT)
			break;
	}
	perror("fail-nth write");
	exit(1);
}

/*
 * Whether the armed fault fired in the call; disarms it if not.  With
 * fail_usercopy, reading fail-nth copies to user, a fault site too: a
 * fault that fires there (EFAULT) did not fire in the call.
 */
static bool fired(void)
{
	char buf[16] = "";
	int saved = errno;
	bool hit;

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0) {
		if (errno == EFAULT) {
			errno = saved;
			return false;
		}
		perror("fail-nth read");
		exit(1);
	}
	hit = atoi(buf) == 0;
	if (!hit)
		disarm();
	errno = saved;
	return hit;
}

/* ---- ioctl helpers (never injected) ---------------------------------- */

static int io(unsigned long req, void *arg)
{
	return ioctl(dev, req, arg) ? errno : 0;
}

static int create(const char *name, uint32_t bs, uint32_t n, uint32_t flags)
{
	struct mpool_ioc_create c = { .size = sizeof(c), .flags = flags,
				      .block_size = bs, .nr_blocks = n };

	set_name(c.name, name);
	return io(MPOOL_IOC_CREATE, &c);
}

static int destroy(const char *name, uint32_t flags)
{
	struct mpool_ioc_name d = { .size = sizeof(d), .flags = flags };

	set_name(d.name, name);
	return io(MPOOL_IOC_DESTROY, &d);
}

static int stats(const char *name, struct mpool_ioc_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	set_name(s->name, name);
	return io(MPOOL_IOC_STATS, s);
}

/* blocks_in_use of @name, or -errno. */
static long in_use(const char *name)
{
	struct mpool_ioc_stats s;
	int err = stats(name, &s);

	return err ? -err : (long)s.out_blocks_in_use;
}

static int alloc(const char *name, uint64_t *offs, uint32_t count)
{
	struct mpool_ioc_alloc a = { .size = sizeof(a), .count = count,
				     .handles = (uintptr_t)offs };
	int err;

	set_name(a.name, name);
	err = io(MPOOL_IOC_ALLOC, &a);
	return err ? -err : (int)a.out_allocated;
}

static int rw(unsigned long req, const char *name, uint64_t off, void *buf,
	      uint32_t len)
{
	struct mpool_ioc_rw r = { .size = sizeof(r), .handle = off,
				  .length = len, .buf = (uintptr_t)buf };

	set_name(r.name, name);
	return io(req, &r);
}

static char list_buf[16][MPOOL_IOC_NAME_MAX];

/* Whether LIST shows @name; -1 if LIST fails. */
static int listed(const char *name)
{
	struct mpool_ioc_list l = { .size = sizeof(l), .count = 16,
				    .names = (uintptr_t)list_buf };
	unsigned int i;

	if (io(MPOOL_IOC_LIST, &l))
		return -1;
	for (i = 0; i < l.count && i < 16; i++)
		if (!strcmp(list_buf[i], name))
			return 1;
	return 0;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static bool has_dir(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", DEBUGFS, name);
	return exists(path);
}

/*
 * A pool fully there (listed, STATS works, debugfs directory) or fully
 * gone (and its name free again); NULL when so, else what is wrong.
 */
static char msg[256];

static const char *pool_present(const char *name)
{
	if (listed(name) != 1)
		return "pool not listed";
	if (in_use(name) < 0)
		return "STATS fails on the pool";
	if (!has_dir(name))
		return "no debugfs directory";
	return NULL;
}

static const char *pool_absent(const char *name)
{
	if (listed(name) != 0)
		return "pool still listed (or LIST failed)";
	if (in_use(name) != -ENOENT)
		return "STATS does not say ENOENT";
	if (has_dir(name))
		return "debugfs directory left behind";
	return NULL;
}

/* ---- the loop ------------------------------------------------------- */

/*
 * One operation: setup() makes a fresh valid state (uninjected), call()
 * returns 0 or an errno, check(err, hit) says what is wrong with the state
 * afterwards (NULL: nothing), teardown() cleans up (uninjected).
 */
struct op {
	const char *name;
	const char *(*setup)(void);
	int (*call)(void);
	const char *(*check)(int err);
	void (*teardown)(void);
};

static unsigned long errnos_seen[4];

static void run_op(const struct op *op, const char *label)
{
	unsigned int n, sites = 0, failed = 0, recovered = 0;
	const char *bad = NULL;
	char tname[96], errs[256] = "";
	int err, e;
	bool hit;

	snprintf(tname, sizeof(tname), "faults-%s", label);
	memset(errnos_seen, 0, sizeof(errnos_seen));
	for (n = 1; n <= MAX_SITES; n++) {
		if (op->setup) {
			bad = op->setup();
			if (bad) {
				snprintf(msg, sizeof(msg), "setup before n=%u: %s", n, bad);
				bad = msg;
				break;
			}
		}
		inject(n);
		err = op->call();
		hit = fired();
		if (hit) {
			sites++;
			if (err) {
				failed++;
				if (err < 256)
					errnos_seen[err / 64] |= 1UL << (err % 64);
			} else {
				recovered++;
			}
		} else if (err) {
			snprintf(msg, sizeof(msg), "n=%u, nothing injected, failed: %s",
				 n, strerror(err));
			bad = msg;
		}
		if (!bad && op->check) {
			const char *c = op->check(err);

			if (c) {
				snprintf(msg, sizeof(msg), "n=%u (%s, %s): %s", n,
					 hit ? "injected" : "not injected",
					 err ? strerror(err) : "success", c);
				bad = msg;
			}
		}
		if (op->teardown)
			op->teardown();
		if (bad || !hit)
			break;
	}
	if (!bad && n > MAX_SITES) {
		snprintf(msg, sizeof(msg), "more than %d fault sites", MAX_SITES);
		bad = msg;
	}
	for (e = 1; e < 256; e++)
		if (errnos_seen[e / 64] & (1UL << (e % 64)))
			snprintf(errs + strlen(errs), sizeof(errs) - strlen(errs),
				 "%s%s", *errs ? "," : " errnos: ",
				 strerrorname_np(e) ?: "?");
	printf("faults: %s: %u sites, %u returned an errno, %u recovered%s%s%s\n",
	       label, sites, failed, recovered, errs,
	       bad ? ", FAILED: " : ", state consistent", bad ? bad : "");
	result(!bad, tname, "%s", bad);
}

/* ---- module load ----------------------------------------------------- */

static int mod_loaded(void)
{
	return exists("/sys/module/mempool");
}

static const char *load_setup(void)
{
	return mod_loaded() ? "module loaded" : NULL;
}

static int load_call(void)
{
	return syscall(SYS_init_module, image, image_len, "") ? errno : 0;
}

static const char *load_check(int err)
{
	if (err) {
		if (mod_loaded())
			return "/sys/module/mempool left behind";
		if (exists(DEVICE))
			return DEVICE " left behind";
		if (exists(DEBUGFS))
			return DEBUGFS " left behind";
		return NULL;
	}
	if (!exists(DEVICE))
		return "loaded, but no " DEVICE;
	if (!exists(DEBUGFS "/pools"))
		return "loaded, but no " DEBUGFS "/pools";
	if (syscall(SYS_delete_module, "mempool", O_NONBLOCK)) {
		snprintf(msg, sizeof(msg), "delete_module: %s", strerror(errno));
		return msg;
	}
	if (mod_loaded() || exists(DEVICE) || exists(DEBUGFS))
		return "unloaded, but traces are left";
	return NULL;
}

/* Module unload: delete_module() of a module loaded uninjected. */
static int finit(void)
{
	int fd = open(MODULE_PATH, O_RDONLY), err = 0;

	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		err = errno;
	close(fd);
	return err;
}

static const char *unload_setup(void)
{
	return finit() ? "finit_module" : NULL;
}

static int unload_call(void)
{
	return syscall(SYS_delete_module, "mempool", O_NONBLOCK) ? errno : 0;
}

static const char *unload_check(int err)
{
	if (!err)
		return mod_loaded() || exists(DEVICE) || exists(DEBUGFS) ?
		       "unloaded, but traces are left" : NULL;
	if (!mod_loaded() || !exists(DEVICE) || !exists(DEBUGFS "/pools"))
		return "failed unload left a half-unloaded module";
	return NULL;
}

static void unload_teardown(void)
{
	syscall(SYS_delete_module, "mempool", O_NONBLOCK);
}

/* ---- pool create ----------------------------------------------------- */

static uint32_t create_flags;

static int create_call(void)
{
	/* kvmalloc'd metadata larger than a page: both of its paths. */
	return create("fc", 100, 2000, create_flags);
}

static const char *create_check(int err)
{
	struct mpool_ioc_stats s;
	const char *bad;

	if (err) {
		bad = pool_absent("fc");
		if (bad)
			return bad;
		/* The name is free: it can be created now. */
		if (create("fc", 100, 2000, create_flags))
			return "the name cannot be created again";
	}
	bad = pool_present("fc");
	if (bad)
		return bad;
	if (stats("fc", &s) || s.out_flags != create_flags ||
	    s.out_blocks_total != 2000 || s.out_blocks_in_use)
		return "wrong STATS for the pool";
	return NULL;
}

static void destroy_teardown(void)
{
	destroy("fc", MPOOL_DESTROY_FORCE);
}

/* ---- the other ioctls ------------------------------------------------- */

static uint64_t offs[64];

/* VERSION */
static int version_call(void)
{
	struct mpool_ioc_version v = { .size = sizeof(v) };
	int err = io(MPOOL_IOC_VERSION, &v);

	return !err && v.out_abi_version != MPOOL_IOC_ABI_VERSION ? EPROTO : err;
}

/* DESTROY: a pool with blocks live, MPOOL_DESTROY_FORCE; or an idle one. */
static uint32_t destroy_flags;

static const char *destroy_setup(void)
{
	if (create("fc", 100, 64, MPOOL_CREATE_TRACK | MPOOL_CREATE_PERCPU |
		   MPOOL_CREATE_POISON))
		return "create";
	if (destroy_flags && alloc("fc", offs, 3) != 3)
		return "alloc";
	return NULL;
}

static int destroy_call(void)
{
	return destroy("fc", destroy_flags);
}

static const char *destroy_check(int err)
{
	const char *bad;

	if (!err)
		return pool_absent("fc");
	bad = pool_present("fc");
	if (bad)
		return bad;
	if (in_use("fc") != (destroy_flags ? 3 : 0))
		return "blocks_in_use changed by the failed DESTROY";
	return NULL;
}

/* LIST with three pools */
static char names[8][MPOOL_IOC_NAME_MAX];
static struct mpool_ioc_list list_arg;

static const char *list_setup(void)
{
	if (create("la", 8, 4, 0) || create("lb", 8, 4, MPOOL_CREATE_PERCPU) ||
	    create("lc", 8, 4, 0))
		return "create";
	return NULL;
}

static int list_call(void)
{
	memset(names, 0xff, sizeof(names));
	list_arg = (struct mpool_ioc_list){ .size = sizeof(list_arg), .count = 8,
					    .names = (uintptr_t)names };
	return io(MPOOL_IOC_LIST, &list_arg);
}

static const char *list_check(int err)
{
	if (!err && (list_arg.count != 3 || strcmp(names[0], "la") ||
		     strcmp(names[1], "lb") || strcmp(names[2], "lc")))
		return "wrong LIST answer";
	if (listed("la") != 1 || listed("lb") != 1 || listed("lc") != 1)
		return "pools missing afterwards";
	return NULL;
}

static void list_teardown(void)
{
	destroy("la", 0);
	destroy("lb", 0);
	destroy("lc", 0);
}

/* STATS */
static struct mpool_ioc_stats stats_arg;

static const char *pool2_setup(void)
{
	if (create("fc", 64, 16, MPOOL_CREATE_PERCPU | MPOOL_CREATE_TRACK))
		return "create";
	if (alloc("fc", offs, 2) != 2)
		return "alloc";
	return NULL;
}

static int stats_call(void)
{
	return stats("fc", &stats_arg);
}

static const char *stats_check(int err)
{
	if (!err && (stats_arg.out_blocks_in_use != 2 ||
		     stats_arg.out_blocks_total != 16))
		return "wrong STATS answer";
	return NULL;
}

/* ALLOC: a batch of 16 (shared stack or per-CPU caches), or WAIT */
static uint32_t alloc_pool_flags, alloc_flags;
static struct mpool_ioc_alloc alloc_arg;

static const char *alloc_setup(void)
{
	return create("fc", 64, 64, alloc_pool_flags) ? "create" : NULL;
}

static int alloc_call(void)
{
	alloc_arg = (struct mpool_ioc_alloc){
		.size = sizeof(alloc_arg), .flags = alloc_flags, .count = 16,
		.timeout_ms = alloc_flags ? 10000 : 0,
		.handles = (uintptr_t)offs,
	};
	set_name(alloc_arg.name, "fc");
	return io(MPOOL_IOC_ALLOC, &alloc_arg);
}

static const char *alloc_check(int err)
{
	long u = in_use("fc");

	if (err)
		return u ? "blocks_in_use changed by the failed ALLOC" : NULL;
	if (alloc_arg.out_allocated != 16 || u != 16)
		return "wrong number of blocks allocated";
	return NULL;
}

/* FREE: a batch with bad handles and per-handle results */
static uint64_t free_offs[6];
static int32_t free_res[6];
static struct mpool_ioc_free free_arg;

static const char *free_setup(void)
{
	if (create("fc", 64, 16, MPOOL_CREATE_POISON))
		return "create";
	if (alloc("fc", offs, 4) != 4)
		return "alloc";
	return NULL;
}

static int free_call(void)
{
	free_offs[0] = offs[0];
	free_offs[1] = offs[1];
	free_offs[2] = offs[1] + 1;		/* inside a block */
	free_offs[3] = MPOOL_HANDLE_OFFSET_MASK;	/* outside the region */
	free_offs[4] = offs[2];
	free_offs[5] = offs[0];			/* freed just before */
	memset(free_res, 0x55, sizeof(free_res));
	free_arg = (struct mpool_ioc_free){
		.size = sizeof(free_arg), .count = 6,
		.handles = (uintptr_t)free_offs, .results = (uintptr_t)free_res,
	};
	set_name(free_arg.name, "fc");
	return io(MPOOL_IOC_FREE, &free_arg);
}

static const char *free_check(int err)
{
	static const int32_t want[6] = { 0, 0, -EINVAL, -ERANGE, 0, -ENXIO };
	long u = in_use("fc");

	/*
	 * A failed copy of the handles frees nothing; a failed copy of the
	 * results back (EFAULT too) comes after the frees, which stand.
	 */
	if (err == EFAULT && u == 1)
		return NULL;
	if (err)
		return u != 4 ? "blocks freed by the failed FREE" : NULL;
	if (free_arg.out_freed != 3 || free_arg.out_invalid != 3 ||
	    memcmp(free_res, want, sizeof(want)))
		return "wrong FREE results";
	if (u != 1)
		return "blocks_in_use does not match the results";
	return NULL;
}

/* WRITE and READ of a block of three pages and a bit */
#define RW_LEN (3 * 4096 + 100)
static unsigned char pattern[RW_LEN], rwbuf[RW_LEN];

static const char *rw_setup(void)
{
	if (create("fc", RW_LEN, 4, MPOOL_CREATE_ZERO))
		return "create";
	if (alloc("fc", offs, 1) != 1)
		return "alloc";
	return NULL;
}

static const char *read_setup(void)
{
	const char *bad = rw_setup();

	if (!bad && rw(MPOOL_IOC_WRITE, "fc", offs[0], pattern, RW_LEN))
		bad = "write";
	return bad;
}

static int write_call(void)
{
	return rw(MPOOL_IOC_WRITE, "fc", offs[0], pattern, RW_LEN);
}

static int read_call(void)
{
	memset(rwbuf, 0, RW_LEN);
	return rw(MPOOL_IOC_READ, "fc", offs[0], rwbuf, RW_LEN);
}

static const char *write_check(int err)
{
	static unsigned char zero[RW_LEN];

	size_t done = 0;

	if (rw(MPOOL_IOC_READ, "fc", offs[0], rwbuf, RW_LEN))
		return "READ back fails";
	/*
	 * The bounce buffer is allocated before any byte is copied; a user
	 * copy that fails (EFAULT) leaves the pages before it written.
	 */
	if (err == EFAULT)
		while (done + 4096 <= RW_LEN &&
		       !memcmp(rwbuf + done, pattern + done, 4096))
			done += 4096;
	if (err && memcmp(rwbuf + done, zero, RW_LEN - done))
		return "failed WRITE changed the block past the copied pages";
	if (!err && memcmp(rwbuf, pattern, RW_LEN))
		return "block does not hold what was written";
	return NULL;
}

static const char *read_check(int err)
{
	if (!err && memcmp(rwbuf, pattern, RW_LEN))
		return "READ returned the wrong bytes";
	return NULL;
}

/*
 * RESET, on a pool without per-CPU caches: with them, the high watermark
 * counts the blocks the caches took from the shared stack too.
 */
static const char *reset_setup(void)
{
	struct mpool_ioc_free f = { .size = sizeof(f), .count = 1,
				    .handles = (uintptr_t)offs };

	if (create("fc", 64, 16, MPOOL_CREATE_TRACK))
		return "create";
	if (alloc("fc", offs, 2) != 2)
		return "alloc";
	set_name(f.name, "fc");
	if (io(MPOOL_IOC_FREE, &f))
		return "free";
	return NULL;
}

static int reset_call(void)
{
	struct mpool_ioc_name r = { .size = sizeof(r) };

	set_name(r.name, "fc");
	return io(MPOOL_IOC_RESET, &r);
}

static const char *reset_check(int err)
{
	struct mpool_ioc_stats s;

	if (stats("fc", &s))
		return "STATS fails";
	if (!err && (s.out_allocs || s.out_frees || s.out_high_watermark != 1))
		return "counters not reset";
	return NULL;
}

/* Reading the debugfs files of a pool with live blocks (whole file). */
static const char *debugfs_file;
static char dfs_buf[65536];

static int debugfs_call(void)
{
	int fd = open(debugfs_file, O_RDONLY), err = 0;
	ssize_t r;

	if (fd < 0)
		return errno;
	while ((r = read(fd, dfs_buf, sizeof(dfs_buf))) > 0)
		;
	if (r < 0)
		err = errno;
	close(fd);
	return err;
}

static const char *debugfs_check(int err)
{
	(void)err;
	return pool_present("fc") ?: in_use("fc") != 2 ?
	       "blocks_in_use changed" : NULL;
}

/* ---- ABI 4 and 5: DEBUG, GIVE and TAKE, WATCH, MAP and mmap() --------- */

/* Whatever the op opens in setup() (fresh files, so no state carries). */
static int fd_a = -1, fd_b = -1;
static struct mpool_ioc_stats stats_before;
static struct mpool_ioc_map map_arg;
static void *map_addr = MAP_FAILED;

static void close_files(void)
{
	if (fd_a >= 0)
		close(fd_a);
	if (fd_b >= 0)
		close(fd_b);
	fd_a = -1;
	fd_b = -1;
}

static void files_teardown(void)
{
	if (map_addr != MAP_FAILED)
		munmap(map_addr, map_arg.out_length);
	map_addr = MAP_FAILED;
	close_files();
	destroy("fa", MPOOL_DESTROY_FORCE);
	destroy("fc", MPOOL_DESTROY_FORCE);
}

/* free + in use + quarantined == total, and @want in use; NULL if so. */
static const char *blocks_add_up(const char *name, unsigned long long want)
{
	struct mpool_ioc_stats s;

	if (stats(name, &s))
		return "STATS fails";
	if (s.out_blocks_free + s.out_blocks_in_use + s.out_quarantined !=
	    s.out_blocks_total)
		return "free + in use + quarantined != total: a block lost";
	if (s.out_blocks_in_use != want)
		return "blocks_in_use changed";
	return NULL;
}

/* The pool still hands out and takes back a block (uninjected). */
static const char *pool_usable(const char *name)
{
	struct mpool_ioc_free f = { .size = sizeof(f), .count = 1,
				    .handles = (uintptr_t)offs };

	if (alloc(name, offs, 1) != 1)
		return "the pool no longer allocates";
	set_name(f.name, name);
	if (io(MPOOL_IOC_FREE, &f) || f.out_freed != 1)
		return "the pool no longer frees";
	return NULL;
}

/* DEBUG's report (uninjected): modes, quarantine, quarantined. */
static int debug_report(const char *name, struct mpool_ioc_debug *d)
{
	memset(d, 0, sizeof(*d));
	d->size = sizeof(*d);
	set_name(d->name, name);
	return io(MPOOL_IOC_DEBUG, d);
}

/*
 * DEBUG: from @dbg_from (modes/quarantine, set up with blocks out and,
 * for a quarantine, blocks in it) to @dbg_to.
 */
struct dbg_state {
	uint32_t create_flags, quarantine;	/* at setup */
	uint32_t on, off, set_q;		/* the call */
	uint32_t modes, qlen, quarantined;	/* before, then after */
	uint32_t to_modes, to_qlen;
};

static const struct dbg_state *dbg;
static struct mpool_ioc_debug dbg_arg;

static const char *debug_setup(void)
{
	struct mpool_ioc_debug d = { .size = sizeof(d) };
	struct mpool_ioc_free f = { .size = sizeof(f), .count = 3,
				    .handles = (uintptr_t)offs };

	if (create("fc", 64, 16, dbg->create_flags))
		return "create";
	set_name(d.name, "fc");
	if (dbg->quarantine) {
		d.flags = MPOOL_DEBUG_SET_QUARANTINE;
		d.quarantine = dbg->quarantine;
		if (io(MPOOL_IOC_DEBUG, &d))
			return "DEBUG quarantine";
	}
	/* 6 out, 3 back: with a quarantine of 2, 2 held and 1 free again. */
	if (alloc("fc", offs, 6) != 6)
		return "alloc";
	set_name(f.name, "fc");
	if (io(MPOOL_IOC_FREE, &f) || f.out_freed != 3)
		return "free";
	if (stats("fc", &stats_before))
		return "stats";
	return NULL;
}

static int debug_call(void)
{
	dbg_arg = (struct mpool_ioc_debug){
		.size = sizeof(dbg_arg), .on = dbg->on, .off = dbg->off,
		.flags = MPOOL_DEBUG_SET_QUARANTINE, .quarantine = dbg->set_q,
	};
	set_name(dbg_arg.name, "fc");
	return io(MPOOL_IOC_DEBUG, &dbg_arg);
}

static const char *debug_check(int err)
{
	struct mpool_ioc_stats s;
	struct mpool_ioc_debug d;
	bool was, now;

	/* Header: "ENOMEM, the arrays a mode needs could not be had". */
	if (err && err != ENOMEM && err != EFAULT)
		return "an errno other than ENOMEM or EFAULT";
	if (debug_report("fc", &d) || stats("fc", &s))
		return "DEBUG's report or STATS fails";
	was = d.out_modes == dbg->modes && d.out_quarantine == dbg->qlen;
	now = d.out_modes == dbg->to_modes && d.out_quarantine == dbg->to_qlen;
	/*
	 * Header: "All or nothing: a call that fails changed no mode, but
	 * for EFAULT on writing the answer back (the modes were changed)."
	 */
	if (err && !(err == EFAULT && now)) {
		if (!was)
			return "a failed DEBUG changed the modes";
		/* Nothing at all: the quarantine and every counter too. */
		if (memcmp(&s, &stats_before, sizeof(s)))
			return "a failed DEBUG changed the pool's STATS";
		return pool_usable("fc") ?: blocks_add_up("fc", 3);
	}
	if (!now)
		return "DEBUG succeeded but the modes are not the new ones";
	/* Header: "@out_modes: the MPOOL_DEBUG_* modes on after the call". */
	if (!err && (dbg_arg.out_modes != dbg->to_modes ||
		     dbg_arg.out_quarantine != dbg->to_qlen ||
		     dbg_arg.out_quarantined != dbg->quarantined))
		return "wrong DEBUG answer";
	/* Header: "out_flags of MPOOL_IOC_STATS shows ... as they are now". */
	if (((s.out_flags & MPOOL_CREATE_POISON) != 0) !=
	    ((dbg->to_modes & MPOOL_DEBUG_POISON) != 0) ||
	    ((s.out_flags & MPOOL_CREATE_TRACK) != 0) !=
	    ((dbg->to_modes & MPOOL_DEBUG_TRACK) != 0))
		return "STATS flags do not follow the new modes";
	/* A longer quarantine lets none go. */
	if (s.out_quarantined != dbg->quarantined)
		return "blocks left the quarantine";
	return pool_usable("fc") ?: blocks_add_up("fc", 3);
}

/*
 * GIVE and TAKE of 3 owned blocks between two open files: fd_a allocated
 * them (and, for TAKE, gave them), fd_b takes them.
 */
static uint64_t ho_handles[3];
static int32_t ho_res[3];
static struct mpool_ioc_handover ho_arg;

static const char *handover_setup(bool give)
{
	struct mpool_ioc_handover h = { .size = sizeof(h), .count = 3,
					.handles = (uintptr_t)ho_handles };
	struct mpool_ioc_alloc a = { .size = sizeof(a), .count = 3,
				     .flags = MPOOL_ALLOC_OWNED,
				     .handles = (uintptr_t)ho_handles };

	fd_a = open(DEVICE, O_RDWR);
	fd_b = open(DEVICE, O_RDWR);
	if (fd_a < 0 || fd_b < 0)
		return "open";
	if (create("fc", 64, 16, 0))
		return "create";
	set_name(a.name, "fc");
	if (mpt_io(fd_a, MPOOL_IOC_ALLOC, &a) || a.out_allocated != 3)
		return "owned alloc";
	set_name(h.name, "fc");
	if (give && (mpt_io(fd_a, MPOOL_IOC_GIVE, &h) || h.out_done != 3))
		return "give";
	return NULL;
}

static const char *give_setup(void)
{
	return handover_setup(false);
}

static const char *take_setup(void)
{
	return handover_setup(true);
}

static int handover_call(int fd, unsigned long req)
{
	memset(ho_res, 0x55, sizeof(ho_res));
	ho_arg = (struct mpool_ioc_handover){
		.size = sizeof(ho_arg), .count = 3,
		.handles = (uintptr_t)ho_handles, .results = (uintptr_t)ho_res,
	};
	set_name(ho_arg.name, "fc");
	return mpt_io(fd, req, &ho_arg);
}

static int give_call(void)
{
	return handover_call(fd_a, MPOOL_IOC_GIVE);
}

static int take_call(void)
{
	return handover_call(fd_b, MPOOL_IOC_TAKE);
}

/* How many of the 3 blocks @fd may read (others: EPERM); -1 on another errno. */
static int readable_by(int fd)
{
	struct mpool_ioc_rw r = { .size = sizeof(r), .length = 8,
				  .buf = (uintptr_t)rwbuf };
	int i, n = 0, err;

	set_name(r.name, "fc");
	for (i = 0; i < 3; i++) {
		r.handle = ho_handles[i];
		err = mpt_io(fd, MPOOL_IOC_READ, &r);
		if (err && err != EPERM)
			return -1;
		n += !err;
	}
	return n;
}

/* How many of the 3 blocks @fd could TAKE (uninjected; they move). */
static int takeable_by(int fd)
{
	struct mpool_ioc_handover h = { .size = sizeof(h), .count = 3,
					.handles = (uintptr_t)ho_handles };

	set_name(h.name, "fc");
	return mpt_io(fd, MPOOL_IOC_TAKE, &h) ? -1 : (int)h.out_done;
}

/*
 * After every GIVE or TAKE: no block lost, and closing both files gives
 * every block back (header: "every owned block has exactly one owner, an
 * open file, and goes back to the pool when that file is closed").
 */
static const char *handover_end(void)
{
	const char *bad = blocks_add_up("fc", 3);

	if (bad)
		return bad;
	close_files();
	if (in_use("fc") != 0)
		return "blocks still in use after both files closed";
	return pool_usable("fc");
}

static const char *give_check(int err)
{
	bool done = err == 0 || err == EFAULT;
	int taken;

	/*
	 * Header, errors common to every command: "EFAULT: a user address
	 * could not be read or written", "ENOMEM: the kernel could not
	 * allocate a temporary buffer".
	 */
	if (err && err != ENOMEM && err != EFAULT)
		return "an errno other than ENOMEM or EFAULT";
	if (!err && (ho_arg.out_done != 3 || ho_res[0] || ho_res[1] ||
		     ho_res[2]))
		return "wrong GIVE answer";
	/*
	 * Header: "GIVE does not change the owner: the block stays the
	 * giver's, and only the giver may free, read or write it".
	 */
	if (readable_by(fd_a) != 3 || readable_by(fd_b) != 0)
		return "GIVE changed who may read the blocks";
	/* Given (all: the failure was EFAULT after the work) or not at all. */
	taken = takeable_by(fd_b);
	if (taken != 0 && !(taken == 3 && done))
		return "a failed GIVE gave blocks";
	if (!err && taken != 3)
		return "GIVE succeeded but the blocks cannot be taken";
	return handover_end();
}

static const char *take_check(int err)
{
	int a = readable_by(fd_a), b = readable_by(fd_b);

	/* Header: "EFAULT: a user address ...", "ENOMEM: ... a temporary buffer". */
	if (err && err != ENOMEM && err != EFAULT)
		return "an errno other than ENOMEM or EFAULT";
	if (!err && (ho_arg.out_done != 3 || ho_res[0] || ho_res[1] ||
		     ho_res[2]))
		return "wrong TAKE answer";
	/*
	 * Header: TAKE makes the block "that file's, no longer given, as if
	 * that file had allocated it with MPOOL_ALLOC_OWNED"; a TAKE that
	 * fails before its work leaves them the giver's, still given.  The
	 * work is done before the results are copied back: EFAULT either way.
	 */
	if (a == 0 && b == 3) {
		if (err && err != EFAULT)
			return "a TAKE that failed with ENOMEM moved the blocks";
		if (takeable_by(fd_a) != 0)
			return "taken blocks still given";
	} else if (a == 3 && b == 0) {
		if (!err)
			return "TAKE succeeded but moved no block";
		if (takeable_by(fd_b) != 3)
			return "a failed TAKE left the blocks not given";
	} else {
		return "blocks split between the giver and the taker";
	}
	return handover_end();
}

/*
 * WATCH with SET on "fc" (10 of 16 out) from a file that watches "fa",
 * which has a LOW event queued.
 */
static struct mpool_ioc_watch watch_arg;

static int watch(int fd, const char *name, uint32_t flags, uint32_t below,
		 struct mpool_ioc_watch *w)
{
	*w = (struct mpool_ioc_watch){ .size = sizeof(*w), .flags = flags,
				       .below = below };
	set_name(w->name, name);
	return mpt_io(fd, MPOOL_IOC_WATCH, w);
}

static const char *watch_setup(void)
{
	struct mpool_ioc_watch w;

	fd_a = open(DEVICE, O_RDWR | O_NONBLOCK);
	if (fd_a < 0)
		return "open";
	if (create("fa", 64, 4, 0) || create("fc", 64, 16, 0))
		return "create";
	if (watch(fd_a, "fa", MPOOL_WATCH_SET, 2, &w))
		return "watch fa";
	if (alloc("fa", offs, 3) != 3 || alloc("fc", offs, 10) != 10)
		return "alloc";
	return NULL;
}

static int watch_call(void)
{
	return watch(fd_a, "fc", MPOOL_WATCH_SET, 8, &watch_arg);
}

/* The pool's watermark, through a file of its own (uninjected). */
static long watermark(const char *name)
{
	struct mpool_ioc_watch w;
	int fd = open(DEVICE, O_RDONLY), err;

	if (fd < 0)
		return -1;
	err = watch(fd, name, 0, 0, &w);
	close(fd);
	return err ? -1 : (long)w.out_below;
}

static const char *watch_check(int err)
{
	struct mpool_watch_event ev[2];
	ssize_t n = read(fd_a, ev, sizeof(ev));
	long below = watermark("fc");
	bool was, now;

	/* Header: "EFAULT: a user address could not be read or written". */
	if (err && err != EFAULT)
		return "an errno other than EFAULT (WATCH allocates nothing)";
	was = n == sizeof(ev[0]) && ev[0].type == MPOOL_WATCH_LOW &&
	      ev[0].below == 2 && below == 0;
	/*
	 * Header: "MPOOL_WATCH_SET looks at once: a pool already below the
	 * new watermark gives a LOW event", and the events of "fa" dropped.
	 */
	now = n == sizeof(ev[0]) && ev[0].type == MPOOL_WATCH_LOW &&
	      ev[0].below == 8 && ev[0].blocks_free == 6 && below == 8;
	/*
	 * Header: "one that fails, but for EFAULT on writing the answer
	 * back, leaves the file's watch as it was".
	 */
	if (err && !was && !now)
		return "a failed WATCH left the file's watch neither old nor new";
	if (!err && (!now || watch_arg.out_below != 8 ||
		     watch_arg.out_free != 6))
		return "WATCH succeeded but the file does not watch fc";
	return blocks_add_up("fc", 10) ?: pool_usable("fc");
}

/* MAP, from a fresh file, of a MAP_WRITE pool with a block written. */

static const char *map_setup(void)
{
	fd_a = open(DEVICE, O_RDWR);
	if (fd_a < 0)
		return "open";
	if (create("fc", 4096, 4, MPOOL_CREATE_MAP_WRITE))
		return "create";
	if (alloc("fc", offs, 1) != 1)
		return "alloc";
	if (rw(MPOOL_IOC_WRITE, "fc", offs[0], pattern, 4096))
		return "write";
	return NULL;
}

static int map_ioc(struct mpool_ioc_map *m)
{
	*m = (struct mpool_ioc_map){ .size = sizeof(*m) };
	set_name(m->name, "fc");
	return mpt_io(fd_a, MPOOL_IOC_MAP, m);
}

static int map_call(void)
{
	return map_ioc(&map_arg);
}

/*
 * The mapping shows the block written, and goes; then DESTROY without
 * FORCE works: no mapping or reference left behind.
 */
static const char *map_works(const struct mpool_ioc_map *m)
{
	struct mpool_ioc_free f = { .size = sizeof(f), .count = 1 };
	unsigned char *p;
	bool same;
	int err;

	p = mmap(NULL, m->out_length, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd_a, (off_t)m->out_offset);
	if (p == MAP_FAILED)
		return "mmap of MAP's range fails";
	same = !memcmp(p + MPOOL_HANDLE_OFFSET(offs[0]), pattern, 4096);
	munmap(p, m->out_length);
	if (!same)
		return "the mapping does not show the block";
	close_files();
	f.handles = (uintptr_t)offs;
	set_name(f.name, "fc");
	if (io(MPOOL_IOC_FREE, &f) || f.out_freed != 1)
		return "the block cannot be freed";
	err = destroy("fc", 0);
	if (err) {
		snprintf(msg, sizeof(msg),
			 "DESTROY: %s: a mapping or reference left behind",
			 strerror(err));
		return msg;
	}
	return NULL;
}

static const char *map_check(int err)
{
	struct mpool_ioc_map m;

	/* Header: "EFAULT: a user address ...", "ENOMEM: ... a temporary buffer". */
	if (err && err != ENOMEM && err != EFAULT)
		return "an errno other than ENOMEM or EFAULT";
	/*
	 * Header: "the first MPOOL_IOC_MAP ... for every later MAP of the
	 * pool": a later MAP gives the same range, failed call or not.
	 */
	if (map_ioc(&m))
		return "MAP fails after the call";
	if (!err && (m.out_offset != map_arg.out_offset ||
		     m.out_length != map_arg.out_length ||
		     m.out_flags != MPOOL_MAP_WRITABLE))
		return "a second MAP gives another range";
	return map_works(&m);
}

/* mmap() of the range an uninjected MAP gave. */
static const char *mmap_setup(void)
{
	const char *bad = map_setup();

	if (!bad && map_ioc(&map_arg))
		bad = "MAP";
	return bad;
}

static int mmap_call(void)
{
	map_addr = mmap(NULL, map_arg.out_length, PROT_READ | PROT_WRITE,
			MAP_SHARED, fd_a, (off_t)map_arg.out_offset);
	return map_addr == MAP_FAILED ? errno : 0;
}

static const char *mmap_check(int err)
{
	bool same = true;

	/* mmap(2): ENOMEM, no memory is available (the header adds none). */
	if (err && err != ENOMEM)
		return "an errno other than ENOMEM";
	if (!err) {
		same = !memcmp((unsigned char *)map_addr +
			       MPOOL_HANDLE_OFFSET(offs[0]), pattern, 4096);
		munmap(map_addr, map_arg.out_length);
		map_addr = MAP_FAILED;
	}
	if (!same)
		return "the mapping does not show the block";
	/* A failed mmap() must not hold the pool: the range maps again. */
	return map_works(&map_arg);
}

/* ---------------------------------------------------------------------- */

/* Faults the stack in so that a later call never grows it. */
static void __attribute__((noinline)) touch_stack(void)
{
	volatile char pad[256 * 1024];

	memset((char *)pad, 0, sizeof(pad));
}

static int load_image(void)
{
	int fd = open(MODULE_PATH, O_RDONLY);
	struct stat st;

	if (fd < 0 || fstat(fd, &st))
		return -1;
	image_len = st.st_size;
	image = malloc(image_len);
	if (!image || read(fd, image, image_len) != (ssize_t)image_len)
		return -1;
	close(fd);
	return 0;
}

int main(void)
{
	static const char *const flag_names[] = { "ZERO", "POISON", "TRACK",
						  "PERCPU" };
	const struct op load = { "load", load_setup, load_call, load_check, NULL };
	const struct op unload = { "unload", unload_setup, unload_call,
				   unload_check, unload_teardown };
	static const char *const dfs_files[] = { "fc/stats", "fc/blocks",
						 "pools" };
	const struct op dfs_op = { "debugfs", pool2_setup, debugfs_call,
				   debugfs_check, destroy_teardown };
	char path[128];
	const struct op ops[] = {
		{ "version", NULL, version_call, NULL, NULL },
		{ "destroy", destroy_setup, destroy_call, destroy_check,
		  destroy_teardown },
		{ "list", list_setup, list_call, list_check, list_teardown },
		{ "stats", pool2_setup, stats_call, stats_check,
		  destroy_teardown },
		{ "alloc", alloc_setup, alloc_call, alloc_check,
		  destroy_teardown },
		{ "free", free_setup, free_call, free_check, destroy_teardown },
		{ "write", rw_setup, write_call, write_check,
		  destroy_teardown },
		{ "read", read_setup, read_call, read_check, destroy_teardown },
		{ "reset", reset_setup, reset_call, reset_check,
		  destroy_teardown },
	};
	const struct op create_op = { "create", NULL, create_call, create_check,
				      destroy_teardown };
	/* Switched on with blocks out; a quarantine holding blocks grown. */
	static const struct dbg_state dbg_states[] = {
		{ .on = MPOOL_DEBUG_POISON | MPOOL_DEBUG_TRACK, .set_q = 4,
		  .to_modes = MPOOL_DEBUG_POISON | MPOOL_DEBUG_TRACK,
		  .to_qlen = 4 },
		{ .create_flags = MPOOL_CREATE_POISON | MPOOL_CREATE_TRACK,
		  .quarantine = 2, .off = MPOOL_DEBUG_TRACK, .set_q = 5,
		  .modes = MPOOL_DEBUG_POISON | MPOOL_DEBUG_TRACK, .qlen = 2,
		  .quarantined = 2, .to_modes = MPOOL_DEBUG_POISON,
		  .to_qlen = 5 },
	};
	static const char *const dbg_labels[] = {
		"debug +poison +track quarantine=4, blocks out",
		"debug -track quarantine 2 to 5, blocks quarantined",
	};
	const struct op debug_op = { "debug", debug_setup, debug_call,
				     debug_check, files_teardown };
	const struct op abi5_ops[] = {
		{ "give", give_setup, give_call, give_check, files_teardown },
		{ "take", take_setup, take_call, take_check, files_teardown },
		{ "watch set, another pool watched", watch_setup, watch_call,
		  watch_check, files_teardown },
		{ "map", map_setup, map_call, map_check, files_teardown },
		{ "mmap", mmap_setup, mmap_call, mmap_check, files_teardown },
	};
	char label[96];
	unsigned int i, f;
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < RW_LEN; i++)
		pattern[i] = (unsigned char)(i * 7 + 3);
	if (load_image()) {
		result(0, "faults-setup", "cannot read %s: %s", MODULE_PATH,
		       strerror(errno));
		return 0;
	}
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0) {
		result(0, "faults-setup", "/proc/thread-self/fail-nth: %s",
		       strerror(errno));
		return 0;
	}
	touch_stack();
	if (mlockall(MCL_CURRENT | MCL_FUTURE)) {
		result(0, "faults-setup", "mlockall: %s", strerror(errno));
		return 0;
	}
	if (mod_loaded()) {
		result(0, "faults-setup", "mempool is loaded already");
		return 0;
	}

	run_op(&load, "load");
	run_op(&unload, "unload");

	/* The ioctls, on a module loaded the usual way. */
	fd = finit();
	if (fd) {
		result(0, "faults-reload", "finit_module: %s", strerror(fd));
		return 0;
	}
	result(1, "faults-reload", NULL);
	dev = open(DEVICE, O_RDWR);
	if (dev < 0) {
		result(0, "faults-open", "%s: %s", DEVICE, strerror(errno));
		return 0;
	}

	for (create_flags = 0; create_flags < 16; create_flags++) {
		int len = snprintf(label, sizeof(label), "create flags=0x%x",
				   create_flags);

		for (f = 0; f < 4; f++)
			if (create_flags & (1U << f))
				len += snprintf(label + len, sizeof(label) - len,
						"%s%s", len > 18 ? "|" : " (",
						flag_names[f]);
		if (create_flags)
			snprintf(label + len, sizeof(label) - len, ")");
		run_op(&create_op, label);
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!strcmp(ops[i].name, "destroy")) {
			destroy_flags = 0;
			run_op(&ops[i], "destroy");
			destroy_flags = MPOOL_DESTROY_FORCE;
			run_op(&ops[i], "destroy FORCE, blocks live");
		} else if (!strcmp(ops[i].name, "alloc")) {
			alloc_pool_flags = MPOOL_CREATE_ZERO | MPOOL_CREATE_POISON |
					   MPOOL_CREATE_TRACK;
			alloc_flags = 0;
			run_op(&ops[i], "alloc batch");
			alloc_pool_flags = MPOOL_CREATE_PERCPU;
			run_op(&ops[i], "alloc batch PERCPU");
			alloc_flags = MPOOL_ALLOC_WAIT;
			run_op(&ops[i], "alloc WAIT, blocks free");
		} else {
			run_op(&ops[i], ops[i].name);
		}
	}

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), DEBUGFS "/%s", dfs_files[i]);
		debugfs_file = path;
		snprintf(label, sizeof(label), "debugfs read %s", dfs_files[i]);
		run_op(&dfs_op, label);
	}

	for (i = 0; i < sizeof(dbg_states) / sizeof(dbg_states[0]); i++) {
		dbg = &dbg_states[i];
		run_op(&debug_op, dbg_labels[i]);
	}
	for (i = 0; i < sizeof(abi5_ops) / sizeof(abi5_ops[0]); i++)
		run_op(&abi5_ops[i], abi5_ops[i].name);

	close(dev);
	if (syscall(SYS_delete_module, "mempool", O_NONBLOCK))
		result(0, "faults-unload", "delete_module: %s", strerror(errno));
	else
		result(!mod_loaded() && !exists(DEVICE), "faults-unload",
		       "traces left after unload");
	return 0;
}
