// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_conform - does /dev/mempool keep the promises of its ABI (version 4,
 * and with --abi5 those version 5 added)?
 *
 * Written as an outside user would: from include/uapi/mpool_ioctl.h,
 * include/uapi/mpool_stat_list.h, README.md and docs/ alone, never from the
 * module's sources or the project's other tests.  Each check quotes the
 * sentence it verifies and names its DOC section or struct; each prints
 * one line, "MPTEST ok conform-NAME" or "MPTEST not ok conform-NAME: why".
 * A negative check first proves its setup (the file really is read-only,
 * the block really is allocated, ...).
 *
 * Run as root in the test VM on a freshly loaded module (it changes the
 * module parameters max_bytes, max_pools and max_batch, and restores
 * them).  Its pools are named cf_*.  Exit status: 0 if every check
 * passed, 1 otherwise.
 *
 * Usage: mpool_conform [--abi5] [KERNEL_POOL]
 *   --abi5: also check MPOOL_IOC_DEBUG, MPOOL_IOC_GIVE and MPOOL_IOC_TAKE.
 *   KERNEL_POOL: a kernel user's pool for the permission table's kernel
 *   pool rows (docs/abi.md: mpool_client.ko keep=1 keeps
 *   "mpool_client_kept").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mpool_ioctl.h"

#define DEV		"/dev/mempool"
#define PARAMS		"/sys/module/mempool/parameters/"
#define BUDGET		"/sys/kernel/debug/mempool/budget"
#define DEBUGFS		"/sys/kernel/debug/mempool/"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static long page_size;
static int rw;			/* the O_RDWR file most checks use */
static bool abi5;		/* --abi5: check what ABI version 5 added */

/* ---- checks ------------------------------------------------------------ */

static char cur_name[96];
static char cur_why[900];
static bool cur_bad;
static int nfailed;

static void begin(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cur_name, sizeof(cur_name), fmt, ap);
	va_end(ap);
	cur_why[0] = 0;
	cur_bad = false;
}

/* Records a failed expectation (all of them, "; " apart); returns @c. */
static bool want_(bool c, const char *fmt, ...)
{
	size_t n = strlen(cur_why);
	va_list ap;

	if (c)
		return true;
	if (cur_bad && n + 3 < sizeof(cur_why)) {
		memcpy(cur_why + n, "; ", 3);
		n += 2;
	}
	cur_bad = true;
	va_start(ap, fmt);
	if (n < sizeof(cur_why))
		vsnprintf(cur_why + n, sizeof(cur_why) - n, fmt, ap);
	va_end(ap);
	return false;
}

#define want(c, ...) want_(!!(c), __VA_ARGS__)

static const char *en(int e)
{
	const char *s;

	if (!e)
		return "0";
	s = strerrorname_np(e);
	return s ? s : "?";
}

static bool want_err(int got, int exp, const char *what)
{
	return want(got == exp, "%s: %s, wanted %s", what, en(got), en(exp));
}

static void end(void)
{
	if (cur_bad) {
		printf("MPTEST not ok conform-%s: %s\n", cur_name, cur_why);
		nfailed++;
	} else {
		printf("MPTEST ok conform-%s\n", cur_name);
	}
	fflush(stdout);
}

static void skip(const char *name, const char *why)
{
	printf("MPTEST ok conform-%s # SKIP %s\n", name, why);
	fflush(stdout);
}

/* ---- ioctl helpers ----------------------------------------------------------- */

static __u64 ptr(const void *p)
{
	return (__u64)(uintptr_t)p;
}

static int io(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static void setname(__u8 *field, const char *name)
{
	size_t n = strlen(name);

	memset(field, 0, MPOOL_IOC_NAME_MAX);
	memcpy(field, name, n < MPOOL_IOC_NAME_MAX ? n : MPOOL_IOC_NAME_MAX);
}

static int pcreate(int fd, const char *name, __u32 bs, __u32 n, __u32 align,
		   __u32 flags)
{
	struct mpool_ioc_create c = {
		.size = sizeof(c), .flags = flags, .block_size = bs,
		.nr_blocks = n, .align = align,
	};

	setname(c.name, name);
	return io(fd, MPOOL_IOC_CREATE, &c);
}

static int pdestroy(int fd, const char *name, __u32 flags)
{
	struct mpool_ioc_name d = { .size = sizeof(d), .flags = flags };

	setname(d.name, name);
	return io(fd, MPOOL_IOC_DESTROY, &d);
}

static int preset(int fd, const char *name)
{
	struct mpool_ioc_name d = { .size = sizeof(d) };

	setname(d.name, name);
	return io(fd, MPOOL_IOC_RESET, &d);
}

static int palloc(int fd, const char *name, __u32 count, __u32 flags,
		  __u32 tmo, __u64 *h, __u32 *got)
{
	struct mpool_ioc_alloc a = {
		.size = sizeof(a), .flags = flags, .count = count,
		.timeout_ms = tmo, .handles = ptr(h),
	};
	int e;

	setname(a.name, name);
	e = io(fd, MPOOL_IOC_ALLOC, &a);
	if (got)
		*got = e ? 0 : a.out_allocated;
	return e;
}

/* One block, or 0 (and the errno in *err if given). */
static __u64 alloc1(int fd, const char *name, __u32 flags)
{
	__u64 h = 0;
	__u32 got;

	if (palloc(fd, name, 1, flags, 0, &h, &got) || got != 1)
		return 0;
	return h;
}

static int pfree(int fd, const char *name, __u32 count, const __u64 *h,
		 __s32 *res, __u32 *freed, __u32 *invalid)
{
	struct mpool_ioc_free f = {
		.size = sizeof(f), .count = count, .handles = ptr(h),
		.results = ptr(res),
	};
	int e;

	setname(f.name, name);
	e = io(fd, MPOOL_IOC_FREE, &f);
	if (freed)
		*freed = f.out_freed;
	if (invalid)
		*invalid = f.out_invalid;
	return e;
}

/* Frees one handle: 0 or the per-handle negative errno, as a positive one. */
static int free1(int fd, const char *name, __u64 h)
{
	__s32 res = 1;
	int e = pfree(fd, name, 1, &h, &res, NULL, NULL);

	return e ? e : -res;
}

static int prw(int fd, unsigned long cmd, const char *name, __u64 h,
	       __u32 pos, __u32 len, void *buf)
{
	struct mpool_ioc_rw r = {
		.size = sizeof(r), .handle = h, .pos = pos, .length = len,
		.buf = ptr(buf),
	};

	setname(r.name, name);
	return io(fd, cmd, &r);
}

static int pstats(int fd, const char *name, struct mpool_ioc_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	setname(s->name, name);
	return io(fd, MPOOL_IOC_STATS, s);
}

static int pmap(int fd, const char *name, struct mpool_ioc_map *m)
{
	memset(m, 0, sizeof(*m));
	m->size = sizeof(*m);
	setname(m->name, name);
	return io(fd, MPOOL_IOC_MAP, m);
}

static int pwatch(int fd, const char *name, __u32 flags, __u32 below,
		  struct mpool_ioc_watch *w)
{
	struct mpool_ioc_watch tmp;

	if (!w)
		w = &tmp;
	memset(w, 0, sizeof(*w));
	w->size = sizeof(*w);
	w->flags = flags;
	w->below = below;
	setname(w->name, name);
	return io(fd, MPOOL_IOC_WATCH, w);
}

static int pdebug(int fd, const char *name, __u32 flags, __u32 on, __u32 off,
		  __u32 quarantine, struct mpool_ioc_debug *d)
{
	struct mpool_ioc_debug tmp;

	if (!d)
		d = &tmp;
	memset(d, 0, sizeof(*d));
	d->size = sizeof(*d);
	d->flags = flags;
	d->on = on;
	d->off = off;
	d->quarantine = quarantine;
	setname(d->name, name);
	return io(fd, MPOOL_IOC_DEBUG, d);
}

/* MPOOL_IOC_GIVE or MPOOL_IOC_TAKE of @count handles. */
static int phand(int fd, unsigned long cmd, const char *name, __u32 count,
		 const __u64 *h, __s32 *res, __u32 *done, __u32 *invalid)
{
	struct mpool_ioc_handover g = {
		.size = sizeof(g), .count = count, .handles = ptr(h),
		.results = ptr(res),
	};
	int e;

	setname(g.name, name);
	e = io(fd, cmd, &g);
	if (done)
		*done = g.out_done;
	if (invalid)
		*invalid = g.out_invalid;
	return e;
}

/* GIVE or TAKE of one handle: 0 or the per-handle errno, made positive. */
static int hand1(int fd, unsigned long cmd, const char *name, __u64 h)
{
	__s32 res = 1;
	int e = phand(fd, cmd, name, 1, &h, &res, NULL, NULL);

	return e ? e : -res;
}

/* mmap() of the device: 0 and the address in *p, or the errno. */
static int dmap(int fd, size_t len, int prot, int flags, __u64 off, void **p)
{
	void *a = mmap(NULL, len, prot, flags, fd, (off_t)off);

	if (a == MAP_FAILED) {
		if (p)
			*p = NULL;
		return errno;
	}
	if (p)
		*p = a;
	else
		munmap(a, len);
	return 0;
}

static int dev_open(int flags)
{
	int fd = open(DEV, flags | O_CLOEXEC);

	if (fd < 0) {
		printf("MPTEST not ok conform-open: %s: %s\n", DEV, strerror(errno));
		exit(1);
	}
	return fd;
}

static __u64 hist_sum(const struct mpool_ioc_stats *s)
{
	__u64 sum = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(s->out_wait_us_hist); i++)
		sum += s->out_wait_us_hist[i];
	return sum;
}

/* Names of every pool, in LIST order; returns the count or -errno. */
static int list_names(char (*names)[MPOOL_IOC_NAME_MAX], __u32 room)
{
	struct mpool_ioc_list l = { .size = sizeof(l), .count = room,
				    .names = ptr(names) };
	int e = io(rw, MPOOL_IOC_LIST, &l);

	return e ? -e : (int)l.count;
}

static bool pool_listed(const char *name)
{
	static char names[256][MPOOL_IOC_NAME_MAX];
	int i, n = list_names(names, 256);

	for (i = 0; i < n && i < 256; i++)
		if (!strncmp(names[i], name, MPOOL_IOC_NAME_MAX))
			return true;
	return false;
}

/* ---- module parameters and the budget file ------------------------------------- */

static long long param_get(const char *p)
{
	char path[128], buf[64];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), PARAMS "%s", p);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtoll(buf, NULL, 0);
	fclose(f);
	return v;
}

static int param_set(const char *p, long long v)
{
	char path[128], buf[32];
	int fd, n, e = 0;

	snprintf(path, sizeof(path), PARAMS "%s", p);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	n = snprintf(buf, sizeof(buf), "%lld\n", v);
	if (write(fd, buf, n) != n)
		e = errno ? errno : EIO;
	close(fd);
	return e;
}

/*
 * The value of @key in a "key: value" / "key value" / "key=value" line of
 * @path, or -1.
 */
static long long file_key(const char *path, const char *key)
{
	char line[256];
	size_t kl = strlen(key);
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *p = line;

		while (*p == ' ')
			p++;
		if (strncmp(p, key, kl) || !strchr(":= \t", p[kl]))
			continue;
		p += kl;
		while (*p && strchr(":= \t", *p))
			p++;
		v = strtoll(p, NULL, 0);
		break;
	}
	fclose(f);
	return v;
}

static long long budget(const char *key)
{
	return file_key(BUDGET, key);
}

/*
 * The budget file's @key once it reads @want, or its last value after 5 s:
 * struct mpool_ioc_create: "The last munmap() leaves the freeing to a
 * kernel thread ... debugfs's budget file may show it a moment longer."
 */
static long long budget_settles(const char *key, long long want)
{
	long long v;
	int i;

	for (i = 0; i < 500 && (v = budget(key)) != want; i++)
		usleep(10000);
	return v;
}

/* ---- small utilities --------------------------------------------------------------- */

static bool all_bytes(const void *p, int c, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != (unsigned char)c)
			return false;
	return true;
}

static __u64 now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Runs @fn in a child process; true if it exited 0. */
static bool in_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return false;
	if (!pid)
		_exit(fn(arg));
	if (waitpid(pid, &st, 0) != pid)
		return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Force-destroys every cf_* pool a failed check may have left. */
static void cleanup_pools(void)
{
	static char names[256][MPOOL_IOC_NAME_MAX];
	int i, n = list_names(names, 256);

	for (i = 0; i < n && i < 256; i++)
		if (!strncmp(names[i], "cf_", 3))
			pdestroy(rw, names[i], MPOOL_DESTROY_FORCE);
}

/* ---- DOC: General ioctl format ------------------------------------------------------ */

/* C_DEBUG and on: ABI version 5, checked with --abi5 only (see ncmds). */
enum { C_VERSION, C_CREATE, C_DESTROY, C_LIST, C_STATS, C_ALLOC, C_FREE,
	C_WRITE, C_READ, C_RESET, C_MAP, C_WATCH, C_DEBUG, C_GIVE, C_TAKE, C_N };
static int ncmds = C_DEBUG;

static const struct cmdinfo {
	const char *name;
	unsigned long cmd;
	size_t size;
	long name_off, resv_off, flags_off;	/* -1: no such field */
} cmds[C_N] = {
#define OFF(s, f) ((long)offsetof(struct s, f))
	[C_VERSION] = { "VERSION", MPOOL_IOC_VERSION,
		sizeof(struct mpool_ioc_version), -1, -1, -1 },
	[C_CREATE] = { "CREATE", MPOOL_IOC_CREATE, sizeof(struct mpool_ioc_create),
		OFF(mpool_ioc_create, name), OFF(mpool_ioc_create, __reserved),
		OFF(mpool_ioc_create, flags) },
	[C_DESTROY] = { "DESTROY", MPOOL_IOC_DESTROY, sizeof(struct mpool_ioc_name),
		OFF(mpool_ioc_name, name), -1, OFF(mpool_ioc_name, flags) },
	[C_LIST] = { "LIST", MPOOL_IOC_LIST, sizeof(struct mpool_ioc_list),
		-1, -1, -1 },
	[C_STATS] = { "STATS", MPOOL_IOC_STATS, sizeof(struct mpool_ioc_stats),
		OFF(mpool_ioc_stats, name), OFF(mpool_ioc_stats, __reserved), -1 },
	[C_ALLOC] = { "ALLOC", MPOOL_IOC_ALLOC, sizeof(struct mpool_ioc_alloc),
		OFF(mpool_ioc_alloc, name), OFF(mpool_ioc_alloc, __reserved),
		OFF(mpool_ioc_alloc, flags) },
	[C_FREE] = { "FREE", MPOOL_IOC_FREE, sizeof(struct mpool_ioc_free),
		OFF(mpool_ioc_free, name), -1, -1 },
	[C_WRITE] = { "WRITE", MPOOL_IOC_WRITE, sizeof(struct mpool_ioc_rw),
		OFF(mpool_ioc_rw, name), OFF(mpool_ioc_rw, __reserved), -1 },
	[C_READ] = { "READ", MPOOL_IOC_READ, sizeof(struct mpool_ioc_rw),
		OFF(mpool_ioc_rw, name), OFF(mpool_ioc_rw, __reserved), -1 },
	[C_RESET] = { "RESET", MPOOL_IOC_RESET, sizeof(struct mpool_ioc_name),
		OFF(mpool_ioc_name, name), -1, OFF(mpool_ioc_name, flags) },
	[C_MAP] = { "MAP", MPOOL_IOC_MAP, sizeof(struct mpool_ioc_map),
		OFF(mpool_ioc_map, name), OFF(mpool_ioc_map, __reserved), -1 },
	[C_WATCH] = { "WATCH", MPOOL_IOC_WATCH, sizeof(struct mpool_ioc_watch),
		OFF(mpool_ioc_watch, name), OFF(mpool_ioc_watch, __reserved),
		OFF(mpool_ioc_watch, flags) },
	[C_DEBUG] = { "DEBUG", MPOOL_IOC_DEBUG, sizeof(struct mpool_ioc_debug),
		OFF(mpool_ioc_debug, name), -1, OFF(mpool_ioc_debug, flags) },
	[C_GIVE] = { "GIVE", MPOOL_IOC_GIVE, sizeof(struct mpool_ioc_handover),
		OFF(mpool_ioc_handover, name), -1, -1 },
	[C_TAKE] = { "TAKE", MPOOL_IOC_TAKE, sizeof(struct mpool_ioc_handover),
		OFF(mpool_ioc_handover, name), -1, -1 },
#undef OFF
};

#define BASE	"cf_base"	/* a pool that lives through the generic checks */
#define SCRATCH	"cf_sz"
static __u64 base_h;		/* a block of BASE, held throughout */
static __u64 tmp_h;		/* a block ALLOC / FREE checks take and give back */
static __u8 iobuf[64];
/* userspace: no __aligned() */
static __u8 big[2 * 4096 + 64] __attribute__((aligned(8)));

/* Fills @p with a struct for command @c that succeeds on the fd rw. */
static void prep(int c, void *p)
{
	memset(p, 0, cmds[c].size);
	*(__u32 *)p = cmds[c].size;
	switch (c) {
	case C_CREATE: {
		struct mpool_ioc_create *a = p;

		a->block_size = 64;
		a->nr_blocks = 4;
		break;
	}
	case C_DESTROY:
		pcreate(rw, SCRATCH, 64, 4, 0, 0);
		break;
	case C_ALLOC: {
		struct mpool_ioc_alloc *a = p;

		tmp_h = 0;
		a->count = 1;
		a->handles = ptr(&tmp_h);
		break;
	}
	case C_FREE: {
		struct mpool_ioc_free *f = p;

		tmp_h = alloc1(rw, BASE, 0);
		f->count = 1;
		f->handles = ptr(&tmp_h);
		break;
	}
	case C_GIVE:
	case C_TAKE: {
		struct mpool_ioc_handover *g = p;

		/* a block of this file's: GIVE works, and TAKE once given */
		tmp_h = alloc1(rw, BASE, MPOOL_ALLOC_OWNED);
		if (c == C_TAKE)
			hand1(rw, MPOOL_IOC_GIVE, BASE, tmp_h);
		g->count = 1;
		g->handles = ptr(&tmp_h);
		break;
	}
	case C_WRITE:
	case C_READ: {
		struct mpool_ioc_rw *r = p;

		r->handle = base_h;
		r->length = 8;
		r->buf = ptr(iobuf);
		break;
	}
	}
	if (cmds[c].name_off >= 0)
		setname((__u8 *)p + cmds[c].name_off,
			c == C_CREATE || c == C_DESTROY ? SCRATCH : BASE);
}

static void unprep(int c)
{
	if (c == C_CREATE || c == C_DESTROY)
		pdestroy(rw, SCRATCH, MPOOL_DESTROY_FORCE);
	if ((c == C_ALLOC || c == C_FREE || c == C_GIVE || c == C_TAKE) && tmp_h)
		free1(rw, BASE, tmp_h);
	tmp_h = 0;
}

/* Command @c with the struct prep() made, @size and @tail bytes after it. */
static int try_size(int c, __u32 size, int tail_byte, size_t tail_at)
{
	int e;

	memset(big, 0, sizeof(big));
	prep(c, big);
	*(__u32 *)big = size;
	if (tail_byte >= 0)
		big[tail_at] = tail_byte;
	e = io(rw, cmds[c].cmd, big);
	unprep(c);
	return e;
}

static void check_version(void)
{
	struct mpool_ioc_version v = { .size = sizeof(v), .out_abi_version = 0xdead };

	/*
	 * struct mpool_ioc_version: "@out_abi_version: MPOOL_IOC_ABI_VERSION
	 * of the running module"
	 */
	begin("version");
	if (want_err(io(rw, MPOOL_IOC_VERSION, &v), 0, "VERSION"))
		want(v.out_abi_version == MPOOL_IOC_ABI_VERSION,
		     "out_abi_version %u, wanted %u", v.out_abi_version,
		     MPOOL_IOC_ABI_VERSION);
	end();
}

static void check_sizes(void)
{
	char what[64];
	int c;

	/*
	 * DOC: General ioctl format: "The kernel accepts any size from the
	 * struct's size in ABI version 1 (smaller: EINVAL)"; no struct's
	 * version 1 was 0 or 4 bytes (each has more than @size), and
	 * VERSION's was its 8.
	 */
	begin("size-smaller");
	for (c = 0; c < ncmds; c++) {
		snprintf(what, sizeof(what), "%s size 0", cmds[c].name);
		want_err(try_size(c, 0, -1, 0), EINVAL, what);
		snprintf(what, sizeof(what), "%s size 4", cmds[c].name);
		want_err(try_size(c, 4, -1, 0), EINVAL, what);
	}
	want_err(try_size(C_VERSION, 7, -1, 0), EINVAL, "VERSION size 7");
	end();

	/* DOC: General ioctl format: the struct as this header has it works. */
	begin("size-exact");
	for (c = 0; c < ncmds; c++)
		want_err(try_size(c, cmds[c].size, -1, 0), 0, cmds[c].name);
	end();

	/*
	 * DOC: General ioctl format: "Output fields (out_*) are written back
	 * only up to @size bytes."
	 */
	begin("size-writes-within");
	for (c = 0; c < ncmds; c++) {
		size_t s = cmds[c].size;

		memset(big, 0, sizeof(big));
		prep(c, big);
		memset(big + s, 0xa5, 64);
		want_err(io(rw, cmds[c].cmd, big), 0, cmds[c].name);
		want(all_bytes(big + s, 0xa5, 64),
		     "%s wrote past its @size", cmds[c].name);
		unprep(c);
	}
	end();

	/*
	 * DOC: General ioctl format: "a caller's longer struct must have
	 * zeros in every byte the kernel does not know (else E2BIG)" and
	 * "up to 4096 (larger: E2BIG)".
	 */
	begin("size-larger-zeros");
	for (c = 0; c < ncmds; c++) {
		snprintf(what, sizeof(what), "%s size %zu", cmds[c].name,
			 cmds[c].size + 8);
		want_err(try_size(c, cmds[c].size + 8, -1, 0), 0, what);
		snprintf(what, sizeof(what), "%s size 4096", cmds[c].name);
		want_err(try_size(c, 4096, -1, 0), 0, what);
	}
	end();
	begin("size-larger-nonzero-e2big");
	for (c = 0; c < ncmds; c++) {
		snprintf(what, sizeof(what), "%s size %zu, last byte 1",
			 cmds[c].name, cmds[c].size + 8);
		want_err(try_size(c, cmds[c].size + 8, 1, cmds[c].size + 7),
			 E2BIG, what);
		snprintf(what, sizeof(what), "%s size 4096, byte 4095 0x80",
			 cmds[c].name);
		want_err(try_size(c, 4096, 0x80, 4095), E2BIG, what);
	}
	end();
	begin("size-over-4096-e2big");
	for (c = 0; c < ncmds; c++) {
		snprintf(what, sizeof(what), "%s size 4097, zeros", cmds[c].name);
		want_err(try_size(c, 4097, -1, 0), E2BIG, what);
		snprintf(what, sizeof(what), "%s size 0xffffffff", cmds[c].name);
		want_err(try_size(c, 0xffffffff, -1, 0), E2BIG, what);
	}
	end();

	/*
	 * DOC: General ioctl format: "When a struct grows, an older caller's
	 * shorter struct is taken as if the new fields were zero": STATS one
	 * counter short is either below version 1 (EINVAL) or taken, and
	 * then nothing is written past @size.
	 */
	begin("size-shorter-stats");
	{
		struct mpool_ioc_stats *s = (void *)big;
		size_t sz = sizeof(*s) - 8;
		int e;

		memset(big, 0, sizeof(big));
		prep(C_STATS, big);
		s->size = sz;
		memset(big + sz, 0xa5, 8);
		e = io(rw, MPOOL_IOC_STATS, big);
		want(e == 0 || e == EINVAL, "STATS size %zu: %s", sz, en(e));
		want(all_bytes(big + sz, 0xa5, 8), "STATS wrote past its @size");
	}
	end();
}

static void check_unknown_cmds(void)
{
	static const unsigned int nrs[] = { 0x0a, 0x10, 0x11, 0x1f, 0x20,
					    0x7f, 0xff };
	char what[64];
	size_t i;

	/*
	 * DOC: General ioctl format: "ENOTTY: unknown command."; 0x0a "was
	 * MPOOL_IOC_BENCH in ABI version 1: never reused".
	 */
	begin("unknown-cmd-enotty");
	for (i = 0; i < ARRAY_SIZE(nrs); i++) {
		memset(big, 0, sizeof(big));
		*(__u32 *)big = 8;
		snprintf(what, sizeof(what), "_IO(0xB9, 0x%02x)", nrs[i]);
		want_err(io(rw, _IO(MPOOL_IOC_MAGIC, nrs[i]), big), ENOTTY, what);
	}
	*(__u32 *)big = 8;
	want_err(io(rw, _IO(0xBA, MPOOL_CMD_VERSION), big), ENOTTY,
		 "_IO(0xBA, 0)");
	end();

	/*
	 * DOC: General ioctl format: "Every command is _IO(MPOOL_IOC_MAGIC,
	 * nr)": the same nr with a direction and size is another number,
	 * so an unknown command.
	 */
	begin("unknown-cmd-direction-enotty");
	memset(big, 0, sizeof(big));
	*(__u32 *)big = sizeof(struct mpool_ioc_version);
	want_err(io(rw, _IOR(MPOOL_IOC_MAGIC, MPOOL_CMD_VERSION,
			     struct mpool_ioc_version), big),
		 ENOTTY, "_IOR(0xB9, VERSION)");
	want_err(io(rw, _IOWR(MPOOL_IOC_MAGIC, MPOOL_CMD_VERSION,
			      struct mpool_ioc_version), big),
		 ENOTTY, "_IOWR(0xB9, VERSION)");
	end();
}

static void check_reserved_and_flags(void)
{
	static const struct { int c; __u32 v; } bad_flags[] = {
		/* "(1U << 4) is the engine's MPOOL_F_QUIET: never a create flag." */
		{ C_CREATE, 1U << 4 }, { C_CREATE, 1U << 6 }, { C_CREATE, 1U << 31 },
		{ C_DESTROY, 1U << 1 }, { C_DESTROY, 1U << 31 },
		/* struct mpool_ioc_name: "@flags: ... 0 for MPOOL_IOC_RESET" */
		{ C_RESET, MPOOL_DESTROY_FORCE }, { C_RESET, 1U << 31 },
		{ C_ALLOC, 1U << 2 }, { C_ALLOC, 1U << 31 },
		{ C_WATCH, 1U << 1 }, { C_WATCH, 1U << 31 },
		/* "@flags: MPOOL_DEBUG_SET_QUARANTINE or 0" */
		{ C_DEBUG, 1U << 1 }, { C_DEBUG, 1U << 31 },
	};
	char what[64];
	size_t i;
	int c;

	/* DOC: General ioctl format: "EINVAL: ... a __reserved field is not zero" */
	begin("reserved-einval");
	for (c = 0; c < ncmds; c++) {
		static const __u32 vals[] = { 1, 1U << 31 };

		if (cmds[c].resv_off < 0)
			continue;
		for (i = 0; i < ARRAY_SIZE(vals); i++) {
			memset(big, 0, sizeof(big));
			prep(c, big);
			*(__u32 *)(big + cmds[c].resv_off) = vals[i];
			snprintf(what, sizeof(what), "%s __reserved 0x%x",
				 cmds[c].name, vals[i]);
			want_err(io(rw, cmds[c].cmd, big), EINVAL, what);
			unprep(c);
		}
	}
	end();

	/* DOC: General ioctl format: "EINVAL: ... an unknown flag is set" */
	begin("unknown-flag-einval");
	for (i = 0; i < ARRAY_SIZE(bad_flags); i++) {
		c = bad_flags[i].c;
		if (c >= ncmds)
			continue;
		memset(big, 0, sizeof(big));
		prep(c, big);
		*(__u32 *)(big + cmds[c].flags_off) = bad_flags[i].v;
		snprintf(what, sizeof(what), "%s flags 0x%x", cmds[c].name,
			 bad_flags[i].v);
		want_err(io(rw, cmds[c].cmd, big), EINVAL, what);
		unprep(c);
	}
	end();
}

/* Command @c with its name field set to the @len bytes of @name. */
static int try_name(int c, const char *name, size_t len)
{
	int e;

	memset(big, 0, sizeof(big));
	prep(c, big);
	memset(big + cmds[c].name_off, 0, MPOOL_IOC_NAME_MAX);
	memcpy(big + cmds[c].name_off, name, len);
	e = io(rw, cmds[c].cmd, big);
	unprep(c);
	return e;
}

static void check_names(void)
{
	static const char *const bad[] = {
		"a b", "a/b", "a:b", "a*", "a\n", "\xc3\xa9t\xc3\xa9", "\xe9",
		"a\\b", "%s", "pools",
	};
	char what[96], name32[MPOOL_IOC_NAME_MAX];
	size_t i;
	int c;

	/*
	 * DOC: General ioctl format: "Pools are named by a NUL-terminated
	 * string of 1 to 31 characters from [A-Za-z0-9_.-], other than
	 * "pools"" and "EINVAL: ... a name is not a valid pool name" (an
	 * error common to every command).
	 */
	begin("name-invalid-einval");
	for (c = 0; c < ncmds; c++) {
		if (cmds[c].name_off < 0)
			continue;
		snprintf(what, sizeof(what), "%s name \"\"", cmds[c].name);
		want_err(try_name(c, "", 0), EINVAL, what);
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			snprintf(what, sizeof(what), "%s name \"%s\"",
				 cmds[c].name, bad[i]);
			want_err(try_name(c, bad[i], strlen(bad[i])), EINVAL, what);
		}
	}
	end();

	/*
	 * DOC: General ioctl format: "ENAMETOOLONG: a name field has no NUL
	 * in its MPOOL_IOC_NAME_MAX bytes (every command that takes a name)."
	 */
	begin("name-no-nul-enametoolong");
	memset(name32, 'a', sizeof(name32));
	for (c = 0; c < ncmds; c++) {
		if (cmds[c].name_off < 0)
			continue;
		want_err(try_name(c, name32, sizeof(name32)), ENAMETOOLONG,
			 cmds[c].name);
	}
	end();

	/* DOC: General ioctl format: "ENOENT: no pool has that name." */
	begin("name-missing-enoent");
	for (c = 0; c < ncmds; c++) {
		if (cmds[c].name_off < 0 || c == C_CREATE)
			continue;
		want_err(try_name(c, "cf_nosuch", 9), ENOENT, cmds[c].name);
	}
	end();

	/* DOC: General ioctl format: "1 to 31 characters from [A-Za-z0-9_.-]" */
	begin("name-valid");
	{
		static const char *const good[] = {
			"cf_Az09_.-", "cf_abcdefghijklmnopqrstuvwxyz01",
			"-", "_", "cf.pools",
		};
		struct mpool_ioc_stats s;

		for (i = 0; i < ARRAY_SIZE(good); i++) {
			int e = pcreate(rw, good[i], 8, 1, 0, 0);

			snprintf(what, sizeof(what), "CREATE \"%s\"", good[i]);
			if (!want_err(e, 0, what))
				continue;
			snprintf(what, sizeof(what), "STATS \"%s\"", good[i]);
			want_err(pstats(rw, good[i], &s), 0, what);
			want(pool_listed(good[i]), "\"%s\" not listed", good[i]);
			snprintf(what, sizeof(what), "DESTROY \"%s\"", good[i]);
			want_err(pdestroy(rw, good[i], 0), 0, what);
		}
	}
	end();

	/*
	 * The same sentence: "other than ".", "..", "pools" and "budget"":
	 * refused like any invalid name (EINVAL).
	 */
	begin("name-dots");
	for (i = 0; i < 4; i++) {
		static const char *const n[] = { ".", "..", "pools", "budget" };

		snprintf(what, sizeof(what), "CREATE \"%s\"", n[i]);
		if (!want_err(pcreate(rw, n[i], 8, 1, 0, 0), EINVAL, what))
			pdestroy(rw, n[i], MPOOL_DESTROY_FORCE);
	}
	end();
}

/* ---- the commands' own fields and errors ------------------------------------------ */

static void check_create(void)
{
	struct mpool_ioc_stats s;
	int e;

	/*
	 * struct mpool_ioc_create: "@block_size: bytes per block, at least
	 * 1", "@nr_blocks: number of blocks, at least 1", "@align: ... 0 (8
	 * bytes) or a power of two up to the page size"; DOC: General ioctl
	 * format: "EINVAL: ... a count or length is zero or too large".
	 */
	begin("create-einval");
	want_err(pcreate(rw, "cf_c", 0, 4, 0, 0), EINVAL, "block_size 0");
	want_err(pcreate(rw, "cf_c", 8, 0, 0, 0), EINVAL, "nr_blocks 0");
	want_err(pcreate(rw, "cf_c", 8, 4, 3, 0), EINVAL, "align 3");
	want_err(pcreate(rw, "cf_c", 8, 4, 12, 0), EINVAL, "align 12");
	want_err(pcreate(rw, "cf_c", 8, 4, 2 * page_size, 0), EINVAL,
		 "align 2 pages");
	want_err(pcreate(rw, "cf_c", 8, 4, 1U << 31, 0), EINVAL, "align 2^31");
	want(!pool_listed("cf_c"), "a refused CREATE left a pool");
	end();

	/*
	 * struct mpool_ioc_create: "@align: alignment of each block: 0 (8
	 * bytes) or a power of two up to the page size"; mpool_stat_list.h:
	 * the geometry STATS reports.
	 */
	begin("create-geometry");
	e = pcreate(rw, "cf_c", 1, 3, 0, MPOOL_CREATE_ZERO);
	if (want_err(e, 0, "CREATE bs 1 align 0") &&
	    want_err(pstats(rw, "cf_c", &s), 0, "STATS")) {
		want(s.out_block_size == 1, "block_size %llu", s.out_block_size);
		want(s.out_align == 8, "align 0 gave align %llu", s.out_align);
		want(s.out_stride == 8, "stride %llu, wanted 8", s.out_stride);
		want(s.out_flags == MPOOL_CREATE_ZERO, "flags %llu", s.out_flags);
		want(s.out_blocks_total == 3 && s.out_blocks_free == 3 &&
		     s.out_blocks_in_use == 0 && s.out_high_watermark == 0,
		     "total %llu free %llu in_use %llu hwm %llu",
		     s.out_blocks_total, s.out_blocks_free,
		     s.out_blocks_in_use, s.out_high_watermark);
		want(s.out_bytes_reserved >= 24, "bytes_reserved %llu",
		     s.out_bytes_reserved);
	}
	pdestroy(rw, "cf_c", 0);
	e = pcreate(rw, "cf_c", 100, 2, page_size, 0);
	if (want_err(e, 0, "CREATE align page") &&
	    want_err(pstats(rw, "cf_c", &s), 0, "STATS"))
		want(s.out_stride == (__u64)page_size && s.out_align == (__u64)page_size,
		     "align page: stride %llu align %llu", s.out_stride, s.out_align);
	pdestroy(rw, "cf_c", 0);
	e = pcreate(rw, "cf_c", 24, 2, 16, 0);
	if (want_err(e, 0, "CREATE bs 24 align 16") &&
	    want_err(pstats(rw, "cf_c", &s), 0, "STATS"))
		want(s.out_stride == 32, "bs 24 align 16: stride %llu", s.out_stride);
	pdestroy(rw, "cf_c", 0);
	end();

	/* struct mpool_ioc_create: "Errors: EEXIST, a pool with that name exists" */
	begin("create-eexist");
	if (want_err(pcreate(rw, "cf_c", 8, 1, 0, 0), 0, "first CREATE")) {
		want_err(pcreate(rw, "cf_c", 16, 2, 0, 0), EEXIST, "second CREATE");
		want_err(pstats(rw, "cf_c", &s), 0, "STATS");
		want(s.out_block_size == 8, "the second CREATE changed the pool");
		pdestroy(rw, "cf_c", 0);
	}
	end();

	/*
	 * struct mpool_ioc_create: "EOVERFLOW, @block_size * @nr_blocks
	 * overflows or the region would pass 2^40 bytes"; DOC: Block
	 * handles: "A pool made through the device has a region of at most
	 * 2^40 bytes."  A region of exactly 2^40 is allowed by that rule and
	 * then refused by max_bytes (EDQUOT).
	 */
	begin("create-eoverflow");
	want_err(pcreate(rw, "cf_c", 0xffffffff, 0xffffffff, 0, 0), EOVERFLOW,
		 "0xffffffff * 0xffffffff");
	want_err(pcreate(rw, "cf_c", 1U << 20, (1U << 20) + 1, 0, 0), EOVERFLOW,
		 "2^20 * (2^20 + 1) bytes");
	want_err(pcreate(rw, "cf_c", 1U << 16, (1U << 24) + 1, 0, 0), EOVERFLOW,
		 "2^16 * (2^24 + 1) bytes");
	want_err(pcreate(rw, "cf_c", 0xfffffff9, 1, 0, 0), EDQUOT,
		 "one block of 2^32 - 7 (stride 2^32, no overflow past 2^40)");
	want_err(pcreate(rw, "cf_c", 1U << 20, 1U << 20, 0, 0), EDQUOT,
		 "a region of exactly 2^40 (over max_bytes)");
	want(!pool_listed("cf_c"), "a refused CREATE left a pool");
	pdestroy(rw, "cf_c", MPOOL_DESTROY_FORCE);
	end();
}

static void check_destroy(void)
{
	struct mpool_ioc_stats s;
	__u64 h;

	/*
	 * struct mpool_ioc_name: "Errors: EBUSY, blocks are still allocated
	 * ... and MPOOL_DESTROY_FORCE is not set.  A forced destroy frees
	 * the name at once".
	 */
	begin("destroy-ebusy-force");
	if (!want_err(pcreate(rw, "cf_d", 8, 4, 0, 0), 0, "CREATE"))
		goto out;
	h = alloc1(rw, "cf_d", 0);
	want(h, "ALLOC");
	want_err(pdestroy(rw, "cf_d", 0), EBUSY, "DESTROY with a live block");
	want_err(pstats(rw, "cf_d", &s), 0, "STATS after EBUSY");
	want(s.out_blocks_in_use == 1, "EBUSY changed the pool");
	want_err(pdestroy(rw, "cf_d", MPOOL_DESTROY_FORCE), 0, "forced DESTROY");
	want_err(pstats(rw, "cf_d", &s), ENOENT, "STATS after DESTROY");
	want(!pool_listed("cf_d"), "listed after DESTROY");
	want_err(pdestroy(rw, "cf_d", 0), ENOENT, "second DESTROY");
	want_err(pcreate(rw, "cf_d", 8, 4, 0, 0), 0, "CREATE of the name again");
	want_err(pdestroy(rw, "cf_d", 0), 0, "DESTROY of an idle pool");
out:
	pdestroy(rw, "cf_d", MPOOL_DESTROY_FORCE);
	end();
}

static void check_list(void)
{
	static char names[300][MPOOL_IOC_NAME_MAX];
	struct mpool_ioc_list l = { .size = sizeof(l) };
	int i, n, p[3] = { -1, -1, -1 };
	const char *mine[3] = { "cf_l2", "cf_l0", "cf_l1" };

	/*
	 * struct mpool_ioc_list: "@count: in: entries @names has room for
	 * (may be 0); out: number of pools that exist"; "@names: ... filled
	 * with the names of the first min(in @count, out @count) pools, in
	 * creation order".
	 */
	begin("list");
	for (i = 0; i < 3; i++)
		want_err(pcreate(rw, mine[i], 8, 1, 0, 0), 0, mine[i]);
	want_err(io(rw, MPOOL_IOC_LIST, &l), 0, "LIST count 0, names 0");
	n = list_names(names, 300);
	want(n >= 3 && n <= 300 && (__u32)n == l.count,
	     "count 0 said %u, a full LIST %d", l.count, n);
	for (i = 0; i < n && i < 300; i++) {
		int j;

		for (j = 0; j < 3; j++)
			if (!strncmp(names[i], mine[j], MPOOL_IOC_NAME_MAX))
				p[j] = i;
	}
	want(p[0] >= 0 && p[0] < p[1] && p[1] < p[2],
	     "not in creation order: cf_l2 at %d, cf_l0 at %d, cf_l1 at %d",
	     p[0], p[1], p[2]);
	memset(names, 0xa5, sizeof(names));
	l.count = 1;
	l.names = ptr(names);
	want_err(io(rw, MPOOL_IOC_LIST, &l), 0, "LIST count 1");
	want(l.count == (__u32)n, "count 1: out count %u, wanted %d", l.count, n);
	want(memchr(names[0], 0, MPOOL_IOC_NAME_MAX) &&
	     all_bytes(names[1], 0xa5, sizeof(names) - sizeof(names[0])),
	     "count 1: wrote past the first name");
	/* DOC: General ioctl format: "EFAULT: a user address could not be ... written." */
	l.count = 4;
	l.names = 8;
	want_err(io(rw, MPOOL_IOC_LIST, &l), EFAULT, "LIST names at address 8");
	for (i = 0; i < 3; i++)
		pdestroy(rw, mine[i], 0);
	end();
}

static void check_alloc(void)
{
	__u64 h[8] = { 0 };
	struct mpool_ioc_stats s0, s1;
	__u32 got = 0;
	long long mb;

	if (pcreate(rw, "cf_a", 8, 4, 0, 0)) {
		begin("alloc");
		want(0, "CREATE cf_a failed");
		end();
		return;
	}
	/*
	 * struct mpool_ioc_alloc: "@count: most blocks to allocate, 1 to
	 * MPOOL_IOC_BATCH_MAX"; "@timeout_ms: with MPOOL_ALLOC_WAIT, how
	 * long to wait, at least 1; else must be 0".
	 */
	begin("alloc-einval");
	want_err(palloc(rw, "cf_a", 0, 0, 0, h, NULL), EINVAL, "count 0");
	want_err(palloc(rw, "cf_a", MPOOL_IOC_BATCH_MAX + 1, 0, 0, h, NULL),
		 EINVAL, "count 1025");
	want_err(palloc(rw, "cf_a", 1, 0, 5, h, NULL), EINVAL,
		 "timeout_ms 5 without WAIT");
	want_err(palloc(rw, "cf_a", 1, MPOOL_ALLOC_WAIT, 0, h, NULL), EINVAL,
		 "WAIT with timeout_ms 0");
	want_err(pstats(rw, "cf_a", &s0), 0, "STATS");
	want(s0.out_blocks_in_use == 0 && s0.out_allocs == 0,
	     "a refused ALLOC allocated");
	end();

	/*
	 * docs/install.md, module parameters: "max_batch (1 to 1024, default 1024),
	 * the most blocks one ALLOC or FREE names (more: EINVAL)";
	 * struct mpool_ioc_alloc: "or to the module parameter max_batch if an
	 * administrator set it lower".
	 */
	begin("alloc-max-batch");
	mb = param_get("max_batch");
	if (want(mb == MPOOL_IOC_BATCH_MAX, "max_batch reads %lld", mb) &&
	    want_err(param_set("max_batch", 2), 0, "max_batch=2")) {
		want_err(palloc(rw, "cf_a", 3, 0, 0, h, NULL), EINVAL, "ALLOC 3");
		want_err(palloc(rw, "cf_a", 2, 0, 0, h, &got), 0, "ALLOC 2");
		want(got == 2, "ALLOC 2 got %u", got);
		want_err(pfree(rw, "cf_a", 3, h, NULL, NULL, NULL), EINVAL,
			 "FREE 3");
		want_err(pfree(rw, "cf_a", 2, h, NULL, NULL, NULL), 0, "FREE 2");
		want(param_set("max_batch", 0) != 0, "max_batch=0 accepted");
		want(param_set("max_batch", 1025) != 0, "max_batch=1025 accepted");
	}
	param_set("max_batch", mb > 0 ? mb : MPOOL_IOC_BATCH_MAX);
	end();

	/*
	 * struct mpool_ioc_alloc: "Like read(2) on a pipe: takes what is
	 * free, up to @count"; "@out_allocated: how many blocks were
	 * allocated, 1 to @count"; "Errors: ENOSPC, no block is free";
	 * struct mpool_ioc_stats: "an MPOOL_IOC_ALLOC that gets fewer blocks
	 * than @count counts one" in out_alloc_failures.
	 */
	begin("alloc-partial-enospc");
	pstats(rw, "cf_a", &s0);
	want_err(palloc(rw, "cf_a", 1, 0, 0, h, &got), 0, "ALLOC 1");
	want_err(palloc(rw, "cf_a", 8, 0, 0, h + 1, &got), 0, "ALLOC 8 of 3 free");
	want(got == 3, "ALLOC 8 of 3 free: out_allocated %u", got);
	want_err(palloc(rw, "cf_a", 1, 0, 0, h + 4, &got), ENOSPC, "ALLOC empty");
	pstats(rw, "cf_a", &s1);
	want(s1.out_allocs == s0.out_allocs + 4, "allocs +%llu, wanted +4",
	     s1.out_allocs - s0.out_allocs);
	want(s1.out_alloc_failures == s0.out_alloc_failures + 2,
	     "alloc_failures +%llu, wanted +2 (one partial, one empty)",
	     s1.out_alloc_failures - s0.out_alloc_failures);
	want(s1.out_blocks_in_use == 4 && s1.out_blocks_free == 0 &&
	     s1.out_high_watermark == 4, "in_use %llu free %llu hwm %llu",
	     s1.out_blocks_in_use, s1.out_blocks_free, s1.out_high_watermark);
	want(MPOOL_HANDLE_GEN(h[0]) && MPOOL_HANDLE_GEN(h[1]) &&
	     MPOOL_HANDLE_GEN(h[2]) && MPOOL_HANDLE_GEN(h[3]),
	     "a handle with generation 0");
	pfree(rw, "cf_a", 4, h, NULL, NULL, NULL);
	end();

	/*
	 * struct mpool_ioc_alloc: "If the handles cannot be written back,
	 * the blocks are freed again (EFAULT)."
	 */
	begin("alloc-efault-gives-back");
	{
		void *ro = mmap(NULL, page_size, PROT_READ,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		pstats(rw, "cf_a", &s0);
		want_err(palloc(rw, "cf_a", 2, 0, 0, ro, NULL), EFAULT,
			 "handles read-only");
		want_err(palloc(rw, "cf_a", 2, 0, 0, NULL, NULL), EFAULT,
			 "handles NULL");
		pstats(rw, "cf_a", &s1);
		want(s1.out_blocks_in_use == s0.out_blocks_in_use &&
		     s1.out_blocks_free == s0.out_blocks_free,
		     "in_use %llu -> %llu", s0.out_blocks_in_use,
		     s1.out_blocks_in_use);
		munmap(ro, page_size);
	}
	end();
	pdestroy(rw, "cf_a", MPOOL_DESTROY_FORCE);
}

static void check_free(void)
{
	struct mpool_ioc_stats s0, s1;
	__u64 h[4], hs, hn[8];
	__s32 res[8];
	__u32 freed = 99, invalid = 99;
	int o = dev_open(O_RDWR);
	size_t i;

	begin("free-results");
	if (!want_err(pcreate(rw, "cf_f", 64, 8, 0, 0), 0, "CREATE") ||
	    !want_err(palloc(rw, "cf_f", 4, 0, 0, h, NULL), 0, "ALLOC 4")) {
		end();
		goto out;
	}
	/* a stale handle: freed, and its block allocated again */
	hs = h[3];
	free1(rw, "cf_f", hs);
	h[3] = alloc1(rw, "cf_f", 0);
	want(MPOOL_HANDLE_OFFSET(h[3]) == MPOOL_HANDLE_OFFSET(hs) && h[3] != hs,
	     "setup: the block freed last did not come back with a new generation");
	/*
	 * struct mpool_ioc_free: "@results: ... 0 when it was freed or a
	 * negative errno: -ERANGE, outside the region; -EINVAL, not the
	 * start of a block; -ENXIO, not allocated (a double free); -ESTALE,
	 * the block was freed since and allocated again; -EPERM, another
	 * open file owns the block"; "@out_freed: handles freed";
	 * "@out_invalid: handles refused; the pool is unchanged by them";
	 * "Frees every valid handle even when some are invalid; returns 0
	 * unless the arguments themselves are bad."
	 */
	hn[0] = h[0];					/* 0 */
	hn[1] = (h[1] & ~MPOOL_HANDLE_OFFSET_MASK) | (8 * 64);	/* -ERANGE */
	hn[2] = h[1] + 1;				/* -EINVAL */
	hn[3] = h[2];					/* 0 */
	hn[4] = h[0];					/* -ENXIO: freed just before */
	hn[5] = hs;					/* -ESTALE */
	hn[6] = alloc1(o, "cf_f", MPOOL_ALLOC_OWNED);	/* -EPERM */
	hn[7] = (h[1] & ~MPOOL_HANDLE_OFFSET_MASK) | (7 * 64);	/* -ENXIO: never allocated */
	pstats(rw, "cf_f", &s0);
	for (i = 0; i < 8; i++)
		res[i] = 12345;
	want_err(pfree(rw, "cf_f", 8, hn, res, &freed, &invalid), 0, "FREE");
	{
		static const int exp[8] = { 0, -ERANGE, -EINVAL, 0, -ENXIO,
					    -ESTALE, -EPERM, -ENXIO };
		for (i = 0; i < 8; i++)
			want(res[i] == exp[i], "results[%zu] %d (%s), wanted %d (%s)",
			     i, res[i], en(-res[i]), exp[i], en(-exp[i]));
	}
	want(freed == 2 && invalid == 6, "out_freed %u out_invalid %u, wanted 2 6",
	     freed, invalid);
	pstats(rw, "cf_f", &s1);
	want(s1.out_blocks_in_use == s0.out_blocks_in_use - 2,
	     "in_use %llu -> %llu", s0.out_blocks_in_use, s1.out_blocks_in_use);
	want(s1.out_frees == s0.out_frees + 2, "frees +%llu",
	     s1.out_frees - s0.out_frees);
	/* mpool_stat_list.h: "invalid_frees ... refused frees" */
	want(s1.out_invalid_frees == s0.out_invalid_frees + 6,
	     "invalid_frees +%llu, wanted +6",
	     s1.out_invalid_frees - s0.out_invalid_frees);
	/* the owned block and the stale handle's new holder are untouched */
	want(free1(o, "cf_f", hn[6]) == 0, "the owned block was not left allocated");
	want(free1(rw, "cf_f", h[3]) == 0, "a stale handle freed the new holder's block");
	end();

	/*
	 * struct mpool_ioc_free: "@results: 0, or the address ..."; "@count:
	 * number of handles, 1 to MPOOL_IOC_BATCH_MAX"; "EFAULT: a user
	 * address could not be read or written".
	 */
	begin("free-args");
	h[0] = alloc1(rw, "cf_f", 0);
	want_err(pfree(rw, "cf_f", 1, h, NULL, &freed, &invalid), 0,
		 "FREE with results 0");
	want(freed == 1 && invalid == 0, "results 0: out_freed %u out_invalid %u",
	     freed, invalid);
	want_err(pfree(rw, "cf_f", 0, h, NULL, NULL, NULL), EINVAL, "count 0");
	want_err(pfree(rw, "cf_f", MPOOL_IOC_BATCH_MAX + 1, h, NULL, NULL, NULL),
		 EINVAL, "count 1025");
	want_err(pfree(rw, "cf_f", 1, NULL, NULL, NULL, NULL), EFAULT,
		 "handles NULL");
	h[0] = alloc1(rw, "cf_f", 0);
	want_err(pfree(rw, "cf_f", 1, h, (__s32 *)8, NULL, NULL), EFAULT,
		 "results at address 8");
	free1(rw, "cf_f", h[0]);
	end();
out:
	close(o);
	pdestroy(rw, "cf_f", MPOOL_DESTROY_FORCE);
}

/*
 * DOC: General ioctl format: "out_allocated of MPOOL_IOC_ALLOC,
 * out_freed/out_done and out_invalid of MPOOL_IOC_FREE, GIVE and TAKE
 * must be 0 (else EINVAL), so that a struct reused without clearing them
 * fails instead of reporting the last call's counts."  A refused call
 * changes nothing: the pool keeps its blocks as they were.
 */
static void check_batch_counts_in(void)
{
	struct mpool_ioc_stats s;
	__u64 h = 0;
	int e;

	begin("batch-counts-in-einval");
	if (!want_err(pcreate(rw, "cf_bc", 8, 4, 0, 0), 0, "CREATE"))
		goto out;
	{
		struct mpool_ioc_alloc a = {
			.size = sizeof(a), .count = 1, .handles = ptr(&h),
			.out_allocated = 1,
		};

		setname(a.name, "cf_bc");
		want_err(io(rw, MPOOL_IOC_ALLOC, &a), EINVAL,
			 "ALLOC, out_allocated 1");
		want_err(pstats(rw, "cf_bc", &s), 0, "STATS");
		want(s.out_blocks_in_use == 0 && s.out_allocs == 0,
		     "the refused ALLOC allocated: in use %llu, allocs %llu",
		     s.out_blocks_in_use, s.out_allocs);
		/* The struct as a successful call left it: reused, refused. */
		a.out_allocated = 0;
		e = io(rw, MPOOL_IOC_ALLOC, &a);
		want(!e && a.out_allocated == 1,
		     "setup: ALLOC 1 with out_allocated 0: %s, out_allocated %u",
		     en(e), a.out_allocated);
		want_err(io(rw, MPOOL_IOC_ALLOC, &a), EINVAL,
			 "ALLOC reused without clearing out_allocated");
		want_err(pstats(rw, "cf_bc", &s), 0, "STATS");
		want(s.out_blocks_in_use == 1, "in use %llu, wanted 1",
		     s.out_blocks_in_use);
	}
	{
		struct mpool_ioc_free f = {
			.size = sizeof(f), .count = 1, .handles = ptr(&h),
			.out_freed = 1,
		};

		setname(f.name, "cf_bc");
		want_err(io(rw, MPOOL_IOC_FREE, &f), EINVAL, "FREE, out_freed 1");
		f.out_freed = 0;
		f.out_invalid = 1;
		want_err(io(rw, MPOOL_IOC_FREE, &f), EINVAL,
			 "FREE, out_invalid 1");
		want_err(pstats(rw, "cf_bc", &s), 0, "STATS");
		want(s.out_blocks_in_use == 1 && s.out_frees == 0,
		     "a refused FREE freed: in use %llu, frees %llu",
		     s.out_blocks_in_use, s.out_frees);
		want_err(free1(rw, "cf_bc", h), 0, "the block is still allocated");
	}
out:
	pdestroy(rw, "cf_bc", MPOOL_DESTROY_FORCE);
	end();
}

/* ---- READ and WRITE ------------------------------------------------------------------ */

static void check_rw(void)
{
	__u8 buf[128], back[128];
	__u64 h, hfree, gen;
	int e;

	begin("rw-bounds");
	if (!want_err(pcreate(rw, "cf_rw", 100, 4, 0, 0), 0, "CREATE bs 100 x4"))
		goto out;
	h = alloc1(rw, "cf_rw", 0);
	hfree = alloc1(rw, "cf_rw", 0);
	if (!want(h && hfree, "ALLOC"))
		goto out;
	free1(rw, "cf_rw", hfree);
	gen = h & ~MPOOL_HANDLE_OFFSET_MASK;
	memset(buf, 0x3c, sizeof(buf));
	/*
	 * struct mpool_ioc_rw: "@length: bytes to copy, 1 to block size -
	 * @pos"; "EINVAL, @handle is not the start of a block or @pos +
	 * @length passes the block's end".
	 */
	want_err(prw(rw, MPOOL_IOC_WRITE, "cf_rw", h, 0, 100, buf), 0,
		 "WRITE pos 0 len 100");
	want_err(prw(rw, MPOOL_IOC_READ, "cf_rw", h, 0, 100, back), 0,
		 "READ pos 0 len 100");
	want(!memcmp(buf, back, 100), "READ did not give back what WRITE wrote");
	want_err(prw(rw, MPOOL_IOC_WRITE, "cf_rw", h, 99, 1, buf), 0,
		 "WRITE pos 99 len 1");
	want_err(prw(rw, MPOOL_IOC_READ, "cf_rw", h, 99, 1, back), 0,
		 "READ pos 99 len 1");
	for (e = 0; e < 2; e++) {
		unsigned long cmd = e ? MPOOL_IOC_READ : MPOOL_IOC_WRITE;
		const char *c = e ? "READ" : "WRITE";
		char what[64];

		snprintf(what, sizeof(what), "%s pos 99 len 2", c);
		want_err(prw(rw, cmd, "cf_rw", h, 99, 2, buf), EINVAL, what);
		snprintf(what, sizeof(what), "%s pos 100 len 1", c);
		want_err(prw(rw, cmd, "cf_rw", h, 100, 1, buf), EINVAL, what);
		snprintf(what, sizeof(what), "%s len 0", c);
		want_err(prw(rw, cmd, "cf_rw", h, 0, 0, buf), EINVAL, what);
		snprintf(what, sizeof(what), "%s pos 2^32-1 len 2", c);
		want_err(prw(rw, cmd, "cf_rw", h, 0xffffffff, 2, buf), EINVAL, what);
		snprintf(what, sizeof(what), "%s pos 1 len 2^32-1", c);
		want_err(prw(rw, cmd, "cf_rw", h, 1, 0xffffffff, buf), EINVAL, what);
		/* "ERANGE, @handle is outside the region" */
		snprintf(what, sizeof(what), "%s offset 416 (region end)", c);
		want_err(prw(rw, cmd, "cf_rw", gen | 416, 0, 1, buf), ERANGE, what);
		snprintf(what, sizeof(what), "%s offset 2^40 - 8", c);
		want_err(prw(rw, cmd, "cf_rw", gen | (MPOOL_HANDLE_OFFSET_MASK - 7),
			     0, 1, buf), ERANGE, what);
		snprintf(what, sizeof(what), "%s offset inside a block", c);
		want_err(prw(rw, cmd, "cf_rw", h + 8, 0, 1, buf), EINVAL, what);
		/* "ENXIO, the block is not allocated" */
		snprintf(what, sizeof(what), "%s a free block", c);
		want_err(prw(rw, cmd, "cf_rw", hfree, 0, 1, buf), ENXIO, what);
		/* DOC: General ioctl format: "EFAULT: a user address could not be read" */
		snprintf(what, sizeof(what), "%s buf NULL", c);
		want_err(prw(rw, cmd, "cf_rw", h, 0, 8, NULL), EFAULT, what);
	}
	want_err(prw(rw, MPOOL_IOC_READ, "cf_rw", h, 0, 100, back), 0, "READ");
	want(!memcmp(buf, back, 100), "a refused WRITE changed the block");
out:
	end();
	pdestroy(rw, "cf_rw", MPOOL_DESTROY_FORCE);
}

/*
 * struct mpool_ioc_rw: "a WRITE that fails with EFAULT part-way may have
 * written a prefix: the block then holds the new bytes from @pos up to
 * some point, and its old bytes after it; likewise a READ that fails with
 * EFAULT may have filled a prefix of @buf."
 */
static void check_rw_efault_prefix(void)
{
	size_t bs = 4 * page_size, pos = 16, len = 2 * page_size, k;
	__u8 *blk = malloc(bs), *two;
	__u64 h;

	begin("rw-efault-prefix");
	two = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!want(blk && two != MAP_FAILED, "setup memory"))
		goto out;
	/* the second page of @two faults */
	mprotect(two + page_size, page_size, PROT_NONE);
	if (!want_err(pcreate(rw, "cf_ef", bs, 1, 0, 0), 0, "CREATE"))
		goto out;
	h = alloc1(rw, "cf_ef", 0);
	memset(blk, 0xaa, bs);
	if (!want_err(prw(rw, MPOOL_IOC_WRITE, "cf_ef", h, 0, bs, blk), 0,
		      "WRITE old bytes"))
		goto out;
	memset(two, 0x55, page_size);
	want_err(prw(rw, MPOOL_IOC_WRITE, "cf_ef", h, pos, len, two), EFAULT,
		 "WRITE from a buffer whose second page faults");
	want_err(prw(rw, MPOOL_IOC_READ, "cf_ef", h, 0, bs, blk), 0, "READ back");
	for (k = pos; k < pos + page_size && blk[k] == 0x55; k++)
		;
	want(all_bytes(blk, 0xaa, pos), "bytes before @pos changed");
	want(all_bytes(blk + k, 0xaa, bs - k),
	     "not a prefix: new bytes up to %zu, then not all old", k);

	/* READ: a prefix of @buf, the rest of its readable page untouched */
	memset(two, 0x11, page_size);
	want_err(prw(rw, MPOOL_IOC_READ, "cf_ef", h, 0, len, two), EFAULT,
		 "READ into a buffer whose second page faults");
	for (k = 0; k < (size_t)page_size && two[k] == blk[k]; k++)
		;
	want(all_bytes(two + k, 0x11, page_size - k),
	     "READ: not a prefix: block bytes up to %zu, then not the old ones", k);
	/* DOC: General ioctl format: EFAULT, a read-only destination */
	mprotect(two, page_size, PROT_READ);
	want_err(prw(rw, MPOOL_IOC_READ, "cf_ef", h, 0, 8, two), EFAULT,
		 "READ into read-only memory");
out:
	end();
	pdestroy(rw, "cf_ef", MPOOL_DESTROY_FORCE);
	if (two != MAP_FAILED)
		munmap(two, 2 * page_size);
	free(blk);
}

/* ---- DOC: Block handles -------------------------------------------------------------- */

static void check_handles(void)
{
	struct mpool_ioc_stats s;
	__u8 buf[16] = "new holder", back[16];
	__u64 h1, h2, ha, hb, gens[40];
	size_t i, j;

	/*
	 * DOC: Block handles: "bits 0-39 hold the block's offset in the
	 * pool's region, bits 40-63 the generation"; "never 0"; the offset
	 * is a block's, so a multiple of the stride.
	 */
	begin("handle-layout");
	if (!want_err(pcreate(rw, "cf_h", 16, 8, 0, 0), 0, "CREATE") ||
	    !want_err(pcreate(rw, "cf_h2", 16, 8, 0, 0), 0, "CREATE")) {
		end();
		goto out;
	}
	for (i = 0; i < 40; i++) {
		gens[i] = alloc1(rw, i & 1 ? "cf_h2" : "cf_h", 0);
		want(gens[i] && MPOOL_HANDLE_GEN(gens[i]) &&
		     MPOOL_HANDLE_OFFSET(gens[i]) % 16 == 0 &&
		     MPOOL_HANDLE_OFFSET(gens[i]) < 8 * 16,
		     "handle 0x%llx", (unsigned long long)gens[i]);
		free1(rw, i & 1 ? "cf_h2" : "cf_h", gens[i]);
	}
	end();

	/*
	 * DOC: Block handles: "Generations come from one counter shared by
	 * every device pool ... each allocation gets one that no allocation
	 * of any device pool got in the 2^24 - 2 allocations before it."
	 */
	begin("handle-gen-unique");
	for (i = 0; i < 40 && !cur_bad; i++)
		for (j = 0; j < i; j++)
			if (!want(MPOOL_HANDLE_GEN(gens[i]) != MPOOL_HANDLE_GEN(gens[j]),
				  "allocation %zu (%s) and %zu (%s) got generation %llu",
				  j, j & 1 ? "cf_h2" : "cf_h", i, i & 1 ? "cf_h2" : "cf_h",
				  MPOOL_HANDLE_GEN(gens[i])))
				break;
	end();

	/*
	 * DOC: Block handles: "a handle kept after its block was freed, and
	 * perhaps allocated again by someone else, is refused (ESTALE)
	 * instead of acting on the new holder's block".
	 */
	begin("handle-stale");
	h1 = alloc1(rw, "cf_h", 0);
	free1(rw, "cf_h", h1);
	h2 = alloc1(rw, "cf_h", 0);
	if (want(MPOOL_HANDLE_OFFSET(h1) == MPOOL_HANDLE_OFFSET(h2),
		 "setup: the block freed last was not allocated next")) {
		prw(rw, MPOOL_IOC_WRITE, "cf_h", h2, 0, 16, buf);
		want_err(prw(rw, MPOOL_IOC_READ, "cf_h", h1, 0, 16, back), ESTALE,
			 "READ stale");
		want_err(prw(rw, MPOOL_IOC_WRITE, "cf_h", h1, 0, 4, "old!"),
			 ESTALE, "WRITE stale");
		want_err(free1(rw, "cf_h", h1), ESTALE, "FREE stale");
		want_err(prw(rw, MPOOL_IOC_READ, "cf_h", h2, 0, 16, back), 0,
			 "READ by the new holder");
		want(!memcmp(buf, back, 16), "the new holder's bytes changed");
		/*
		 * ABI version 3 note: "a version 2 caller's offsets carry
		 * generation 0, which no block has: ESTALE"
		 */
		want_err(prw(rw, MPOOL_IOC_READ, "cf_h", MPOOL_HANDLE_OFFSET(h2),
			     0, 1, back), ESTALE, "READ with generation 0");
		want_err(free1(rw, "cf_h", MPOOL_HANDLE_OFFSET(h2)), ESTALE,
			 "FREE with generation 0");
		want_err(pstats(rw, "cf_h", &s), 0, "STATS");
		want(s.out_blocks_in_use == 1, "in_use %llu, wanted 1",
		     s.out_blocks_in_use);
	}
	free1(rw, "cf_h", h2);
	end();

	/*
	 * DOC: Block handles: "Generations are unique across all device
	 * pools": a handle of one pool, used on another of the same
	 * geometry whose block at that offset is allocated, is stale.
	 */
	begin("handle-other-pool-estale");
	want_err(pcreate(rw, "cf_hx", 16, 8, 0, 0), 0, "CREATE cf_hx");
	want_err(pcreate(rw, "cf_hy", 16, 8, 0, 0), 0, "CREATE cf_hy");
	ha = alloc1(rw, "cf_hx", 0);	/* two fresh pools, one allocation each */
	hb = alloc1(rw, "cf_hy", 0);
	if (want(ha && hb && MPOOL_HANDLE_OFFSET(ha) == MPOOL_HANDLE_OFFSET(hb),
		 "setup: offsets differ")) {
		want(ha != hb, "both pools' first blocks have handle 0x%llx",
		     (unsigned long long)ha);
		want_err(prw(rw, MPOOL_IOC_READ, "cf_hy", ha, 0, 1, back), ESTALE,
			 "READ of cf_hx's handle on cf_hy");
		want_err(free1(rw, "cf_hy", ha), ESTALE, "FREE of it on cf_hy");
	}
	pdestroy(rw, "cf_hx", MPOOL_DESTROY_FORCE);
	pdestroy(rw, "cf_hy", MPOOL_DESTROY_FORCE);
	end();

	/*
	 * DOC: Block handles: "and so is a handle of a destroyed pool used on
	 * a later pool of the same name (ESTALE, or ENXIO where that pool
	 * has not allocated the block)".
	 */
	begin("handle-destroyed-pool");
	/* the same history in both pools of the name: */
	want_err(pcreate(rw, "cf_hd", 16, 8, 0, 0), 0, "CREATE");
	ha = alloc1(rw, "cf_hd", 0);
	hb = alloc1(rw, "cf_hd", 0);
	pdestroy(rw, "cf_hd", MPOOL_DESTROY_FORCE);
	if (!want_err(pcreate(rw, "cf_hd", 16, 8, 0, 0), 0, "CREATE again")) {
		end();
		goto out;
	}
	h1 = alloc1(rw, "cf_hd", 0);
	if (want(MPOOL_HANDLE_OFFSET(h1) == MPOOL_HANDLE_OFFSET(ha) ||
		 MPOOL_HANDLE_OFFSET(h1) == MPOOL_HANDLE_OFFSET(hb),
		 "setup: the new pool's first block is neither old block")) {
		__u64 same = MPOOL_HANDLE_OFFSET(h1) == MPOOL_HANDLE_OFFSET(ha) ? ha : hb;
		__u64 other = same == ha ? hb : ha;

		want(h1 != same, "the new pool's first block has the old handle 0x%llx",
		     (unsigned long long)h1);
		want_err(prw(rw, MPOOL_IOC_READ, "cf_hd", same, 0, 1, back), ESTALE,
			 "READ, the new pool has the block allocated");
		want_err(prw(rw, MPOOL_IOC_READ, "cf_hd", other, 0, 1, back), ENXIO,
			 "READ, the new pool has not allocated the block");
		want_err(free1(rw, "cf_hd", same), ESTALE, "FREE, allocated");
		want_err(free1(rw, "cf_hd", other), ENXIO, "FREE, not allocated");
	}
	end();
out:
	pdestroy(rw, "cf_h", MPOOL_DESTROY_FORCE);
	pdestroy(rw, "cf_h2", MPOOL_DESTROY_FORCE);
	pdestroy(rw, "cf_hd", MPOOL_DESTROY_FORCE);
}

/* ---- owned blocks (MPOOL_ALLOC_OWNED) -------------------------------------------------- */

static int owned_fd;
static __u64 owned_h;

static int child_reads_owned(void *arg)
{
	__u8 b[8];

	(void)arg;
	return prw(owned_fd, MPOOL_IOC_READ, "cf_o", owned_h, 0, 8, b) ? 1 : 0;
}

static void check_owned(void)
{
	struct mpool_ioc_stats s0, s1;
	__u8 b[8] = "owned!!";
	__u64 h[3];
	int o, o2, other, d;
	__u32 got;

	/*
	 * MPOOL_ALLOC_OWNED: "Charge the blocks to this open file: only it
	 * may free, read or write them (others get EPERM)"; DOC: Permissions
	 * (1).
	 */
	begin("owned-others-eperm");
	if (!want_err(pcreate(rw, "cf_o", 8, 8, 0, 0), 0, "CREATE")) {
		end();
		return;
	}
	o = dev_open(O_RDWR);
	other = dev_open(O_RDWR);
	want_err(palloc(o, "cf_o", 3, MPOOL_ALLOC_OWNED, 0, h, &got), 0, "ALLOC owned");
	want_err(prw(o, MPOOL_IOC_WRITE, "cf_o", h[0], 0, 8, b), 0,
		 "WRITE by the owner");
	want_err(prw(o, MPOOL_IOC_READ, "cf_o", h[0], 0, 8, b), 0,
		 "READ by the owner");
	want_err(prw(other, MPOOL_IOC_READ, "cf_o", h[0], 0, 8, b), EPERM,
		 "READ by another file");
	want_err(prw(other, MPOOL_IOC_WRITE, "cf_o", h[0], 0, 8, b), EPERM,
		 "WRITE by another file");
	want_err(free1(other, "cf_o", h[0]), EPERM, "FREE by another file");
	/* an owned block's EPERM "comes once the struct was read and found valid" */
	want_err(prw(other, MPOOL_IOC_READ, "cf_o", h[0], 0, 0, b), EINVAL,
		 "READ by another file, length 0");
	want_err(prw(other, MPOOL_IOC_READ, "cf_o", h[0] + 1, 0, 1, b), EINVAL,
		 "READ by another file, inside the block");
	end();

	/*
	 * MPOOL_ALLOC_OWNED: "they are freed when it is closed (counted in
	 * reclaimed_on_close): at its last close, as the open file is shared
	 * by dup() and fork() as flock() locks are."
	 */
	begin("owned-dup-fork-close");
	pstats(rw, "cf_o", &s0);
	d = dup(o);
	want_err(prw(d, MPOOL_IOC_READ, "cf_o", h[1], 0, 8, b), 0, "READ by a dup");
	want_err(free1(d, "cf_o", h[2]), 0, "FREE by a dup");
	owned_fd = o;
	owned_h = h[1];
	want(in_child(child_reads_owned, NULL), "READ by a forked child failed");
	o2 = dup(o);
	close(o);
	close(d);
	pstats(rw, "cf_o", &s1);
	want(s1.out_blocks_in_use == 2 && s1.out_reclaimed_on_close ==
	     s0.out_reclaimed_on_close,
	     "a close that was not the last reclaimed: in_use %llu reclaimed %llu",
	     s1.out_blocks_in_use, s1.out_reclaimed_on_close);
	owned_fd = o2;
	want(in_child(child_reads_owned, NULL),
	     "READ by a child of the remaining dup failed");
	close(o2);
	pstats(rw, "cf_o", &s1);
	want(s1.out_blocks_in_use == 0 && s1.out_blocks_free == 8,
	     "the last close left in_use %llu free %llu", s1.out_blocks_in_use,
	     s1.out_blocks_free);
	want(s1.out_reclaimed_on_close == s0.out_reclaimed_on_close + 2,
	     "reclaimed_on_close +%llu, wanted +2",
	     s1.out_reclaimed_on_close - s0.out_reclaimed_on_close);
	want(s1.out_frees >= s0.out_frees + 1, "frees went back");
	end();

	/* the same, when the last holder is a child that exits */
	begin("owned-child-last-close");
	o = dev_open(O_RDWR);
	pstats(rw, "cf_o", &s0);
	want_err(palloc(o, "cf_o", 2, MPOOL_ALLOC_OWNED, 0, h, &got), 0,
		 "ALLOC owned");
	{
		pid_t pid;
		int p[2], st;
		char c;

		if (!want(pipe(p) == 0, "pipe"))
			goto out2;
		pid = fork();
		if (!pid) {
			close(p[1]);
			if (read(p[0], &c, 1) != 1)
				_exit(2);
			_exit(prw(o, MPOOL_IOC_READ, "cf_o", h[0], 0, 8, b) ? 1 : 0);
		}
		close(p[0]);
		close(o);
		pstats(rw, "cf_o", &s1);
		want(s1.out_blocks_in_use == 2,
		     "parent's close reclaimed while the child holds the file");
		want(write(p[1], "g", 1) == 1, "pipe write");
		close(p[1]);
		want(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
		     !WEXITSTATUS(st), "the child could not READ its inherited block");
		pstats(rw, "cf_o", &s1);
		want(s1.out_blocks_in_use == 0 &&
		     s1.out_reclaimed_on_close == s0.out_reclaimed_on_close + 2,
		     "after the child exited: in_use %llu reclaimed +%llu",
		     s1.out_blocks_in_use,
		     s1.out_reclaimed_on_close - s0.out_reclaimed_on_close);
	}
out2:
	end();
	close(other);
	pdestroy(rw, "cf_o", MPOOL_DESTROY_FORCE);
}

/* ---- DOC: Permissions ---------------------------------------------------------------- */

static const char *const acc_name[3] = { "rdonly", "wronly", "rdwr" };
static const int acc_flag[3] = { O_RDONLY, O_WRONLY, O_RDWR };
static char kpool[MPOOL_IOC_NAME_MAX];	/* a kernel user's pool, if one exists */

static void cell(const char *row, int a, int got, int exp)
{
	begin("perm-%s-%s", row, acc_name[a]);
	want_err(got, exp, row);
	end();
}

/* poll() for EPOLLIN now: 0 if set, else ENODATA. */
static int poll_in(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, 0) < 0)
		return errno;
	return p.revents & POLLIN ? 0 : ENODATA;
}

/* read() of one event of @type: 0, the errno, or EBADMSG for another one. */
static int read_event(int fd, __u32 type, struct mpool_watch_event *out)
{
	struct mpool_watch_event ev;
	ssize_t n = read(fd, &ev, sizeof(ev));

	if (n < 0)
		return errno;
	if (n != sizeof(ev) || (type && ev.type != type))
		return EBADMSG;
	if (out)
		*out = ev;
	return 0;
}

/*
 * DOC: Permissions, the rows of ABI version 5 (--abi5):
 *   "MPOOL_IOC_DEBUG changing nothing yes        yes        yes"
 *   "MPOOL_IOC_DEBUG changing a mode  EPERM      yes        yes"
 *   "MPOOL_IOC_GIVE, TAKE             EPERM      yes (5)    yes (5)"
 * on the device pool cf_p, with @fd the O_RDONLY, O_WRONLY, O_RDWR files.
 */
static void check_permissions_abi5(const int *fd)
{
	static const int yes[3] = { 0, 0, 0 };
	static const int writers[3] = { EPERM, 0, 0 };
	struct mpool_ioc_debug d;
	__u64 h;
	int a;

	for (a = 0; a < 3; a++) {
		cell("DEBUG-report", a, pdebug(fd[a], "cf_p", 0, 0, 0, 0, NULL), yes[a]);
		cell("DEBUG-change", a, pdebug(fd[a], "cf_p", 0, MPOOL_DEBUG_TRACK, 0,
					       0, NULL), writers[a]);
		pdebug(rw, "cf_p", 0, 0, MPOOL_DEBUG_TRACK, 0, NULL);
		cell("DEBUG-quarantine", a, pdebug(fd[a], "cf_p",
						   MPOOL_DEBUG_SET_QUARANTINE, 0, 0,
						   1, NULL), writers[a]);
		pdebug(rw, "cf_p", MPOOL_DEBUG_SET_QUARANTINE, 0, 0, 0, NULL);
		/* (5) "GIVE: only blocks this open file owns" */
		h = a ? alloc1(fd[a], "cf_p", MPOOL_ALLOC_OWNED) :
			alloc1(rw, "cf_p", MPOOL_ALLOC_OWNED);
		cell("GIVE", a, hand1(fd[a], MPOOL_IOC_GIVE, "cf_p", h), writers[a]);
		/* (5) "TAKE: only blocks their owner gave" */
		if (!a)
			hand1(rw, MPOOL_IOC_GIVE, "cf_p", h);
		cell("TAKE", a, hand1(fd[a], MPOOL_IOC_TAKE, "cf_p", h), writers[a]);
		free1(a ? fd[a] : rw, "cf_p", h);
	}

	/*
	 * "A command refused for the open file's access (a whole row's EPERM)
	 * fails before it reads its struct; an EPERM for ... a DEBUG that
	 * changes a mode comes once the struct was read and found valid and
	 * its pool found (ENOENT first)."
	 */
	begin("perm-abi5-order");
	want_err(io(fd[0], MPOOL_IOC_GIVE, NULL), EPERM, "O_RDONLY GIVE NULL");
	want_err(io(fd[0], MPOOL_IOC_TAKE, NULL), EPERM, "O_RDONLY TAKE NULL");
	memset(big, 0, sizeof(big));	/* size 0 */
	want_err(io(fd[0], MPOOL_IOC_GIVE, big), EPERM, "O_RDONLY GIVE size 0");
	want_err(io(fd[0], MPOOL_IOC_DEBUG, NULL), EFAULT, "O_RDONLY DEBUG NULL");
	want_err(pdebug(fd[0], "cf_nosuch", 0, MPOOL_DEBUG_POISON, 0, 0, NULL),
		 ENOENT, "O_RDONLY DEBUG +poison, no such pool");
	want_err(pdebug(fd[0], "cf_p", 0, 1U << 5, 0, 0, NULL), EINVAL,
		 "O_RDONLY DEBUG, an unknown mode");
	want_err(pdebug(fd[0], "cf_p", 0, MPOOL_DEBUG_POISON, MPOOL_DEBUG_POISON,
			0, NULL), EINVAL, "O_RDONLY DEBUG, a mode on and off");
	want_err(pdebug(fd[0], "cf_p", 0, 0, 0, 1, NULL), EINVAL,
		 "O_RDONLY DEBUG, quarantine without SET_QUARANTINE");
	memset(&d, 0, sizeof(d));
	d.size = 4;
	d.on = MPOOL_DEBUG_POISON;
	setname(d.name, "cf_p");
	want_err(io(fd[0], MPOOL_IOC_DEBUG, &d), EINVAL, "O_RDONLY DEBUG, size 4");
	end();
}

static void check_permissions(void)
{
	/* the table of DOC: Permissions, per access: RDONLY, WRONLY, RDWR */
	static const int yes[3] = { 0, 0, 0 };
	static const int readers[3] = { 0, EPERM, 0 };
	static const int writers[3] = { EPERM, 0, 0 };
	static const int mmap_read[3] = { 0, EACCES, 0 };
	static const int mmap_write[3] = { EACCES, EACCES, 0 };
	struct mpool_ioc_version v;
	struct mpool_ioc_list l;
	struct mpool_ioc_stats s;
	struct mpool_ioc_map m, mrw;
	__u8 b[8] = "perm";
	__u64 hp, h;
	int fd[3], a, e;

	/*
	 * DOC: Permissions: "What an open file of /dev/mempool may do
	 * depends on two things only: the access it was opened with
	 * (O_RDONLY, O_WRONLY, O_RDWR), and whether the pool was made through
	 * /dev/mempool (a device pool) or by a kernel module".  First, the
	 * three files are what they claim.
	 */
	begin("perm-setup");
	for (a = 0; a < 3; a++) {
		fd[a] = dev_open(acc_flag[a]);
		want((fcntl(fd[a], F_GETFL) & O_ACCMODE) == acc_flag[a],
		     "%s: access mode %d", acc_name[a], fcntl(fd[a], F_GETFL) & O_ACCMODE);
	}
	want(write(fd[0], "x", 1) < 0 && errno == EBADF,
	     "the O_RDONLY file can be written");
	want(read(fd[1], b, 1) < 0 && errno == EBADF,
	     "the O_WRONLY file can be read");
	e = pcreate(rw, "cf_p", 64, 8, 0, MPOOL_CREATE_MAP_WRITE);
	want_err(e, 0, "CREATE cf_p");
	hp = alloc1(rw, "cf_p", 0);
	want(hp, "ALLOC");
	want_err(pmap(rw, "cf_p", &mrw), 0, "MAP by the O_RDWR fixture");
	end();
	if (e || !hp)
		goto out;

	/* "MPOOL_IOC_VERSION, LIST, STATS": yes for all three */
	for (a = 0; a < 3; a++) {
		v = (struct mpool_ioc_version){ .size = sizeof(v) };
		cell("VERSION", a, io(fd[a], MPOOL_IOC_VERSION, &v), yes[a]);
		l = (struct mpool_ioc_list){ .size = sizeof(l) };
		cell("LIST", a, io(fd[a], MPOOL_IOC_LIST, &l), yes[a]);
		cell("STATS", a, pstats(fd[a], "cf_p", &s), yes[a]);
	}
	/* "MPOOL_IOC_WATCH without SET": yes for all three */
	for (a = 0; a < 3; a++)
		cell("WATCH-noset", a, pwatch(fd[a], "cf_p", 0, 0, NULL), yes[a]);
	/*
	 * "poll(), read() of events     yes   yes (4)   yes", and "(4) ...
	 * read() on an O_WRONLY file is EBADF"; a watermark above the free
	 * blocks queues a LOW event on every watching file.
	 */
	pwatch(rw, "cf_p", MPOOL_WATCH_SET, 8, NULL);
	for (a = 0; a < 3; a++) {
		cell("poll-events", a, poll_in(fd[a]), yes[a]);
		cell("read-events", a, read_event(fd[a], MPOOL_WATCH_LOW, NULL),
		     acc_flag[a] == O_WRONLY ? EBADF : yes[a]);
	}
	pwatch(rw, "cf_p", MPOOL_WATCH_SET, 0, NULL);
	/* "MPOOL_IOC_READ                   yes (1)    EPERM      yes (1)" */
	for (a = 0; a < 3; a++)
		cell("READ", a, prw(fd[a], MPOOL_IOC_READ, "cf_p", hp, 0, 8, b),
		     readers[a]);
	/* "MPOOL_IOC_MAP                    yes        EPERM      yes" */
	for (a = 0; a < 3; a++) {
		e = pmap(fd[a], "cf_p", &m);
		cell("MAP", a, e, readers[a]);
		if (e)
			m = mrw;
		/*
		 * "mmap() PROT_READ                 yes (2)    EACCES     yes (2)"
		 * "mmap() PROT_WRITE                EACCES     EACCES     yes (2, 3)"
		 * (on a pool made with MPOOL_CREATE_MAP_WRITE)
		 */
		cell("mmap-read", a, dmap(fd[a], page_size, PROT_READ, MAP_SHARED,
					  m.out_offset, NULL), mmap_read[a]);
		cell("mmap-write", a, dmap(fd[a], page_size, PROT_READ | PROT_WRITE,
					   MAP_SHARED, m.out_offset, NULL),
		     mmap_write[a]);
	}
	/* "MPOOL_IOC_CREATE, DESTROY, RESET EPERM      yes        yes" */
	for (a = 0; a < 3; a++) {
		cell("CREATE", a, pcreate(fd[a], "cf_pc", 8, 1, 0, 0), writers[a]);
		pdestroy(rw, "cf_pc", MPOOL_DESTROY_FORCE);
		pcreate(rw, "cf_pd", 8, 1, 0, 0);
		cell("DESTROY", a, pdestroy(fd[a], "cf_pd", 0), writers[a]);
		pdestroy(rw, "cf_pd", MPOOL_DESTROY_FORCE);
		cell("RESET", a, preset(fd[a], "cf_p"), writers[a]);
	}
	/* "MPOOL_IOC_ALLOC                  EPERM      yes        yes" */
	for (a = 0; a < 3; a++) {
		h = 0;
		cell("ALLOC", a, palloc(fd[a], "cf_p", 1, 0, 0, &h, NULL), writers[a]);
		if (h)
			free1(rw, "cf_p", h);
	}
	/* "MPOOL_IOC_FREE, WRITE            EPERM      yes (1)    yes (1)" */
	for (a = 0; a < 3; a++) {
		h = alloc1(rw, "cf_p", 0);
		cell("FREE", a, free1(fd[a], "cf_p", h), writers[a]);
		free1(rw, "cf_p", h);
		cell("WRITE", a, prw(fd[a], MPOOL_IOC_WRITE, "cf_p", hp, 0, 8, b),
		     writers[a]);
	}
	/* "MPOOL_IOC_WATCH with SET         EPERM      yes        yes" */
	for (a = 0; a < 3; a++)
		cell("WATCH-set", a, pwatch(fd[a], "cf_p", MPOOL_WATCH_SET, 2, NULL),
		     writers[a]);

	/*
	 * DOC: Permissions: "A command refused for the open file's access (a
	 * whole row's EPERM) fails before it reads its struct".
	 */
	begin("perm-refused-before-struct");
	want_err(io(fd[0], MPOOL_IOC_CREATE, NULL), EPERM, "O_RDONLY CREATE NULL");
	want_err(io(fd[0], MPOOL_IOC_DESTROY, (void *)8), EPERM,
		 "O_RDONLY DESTROY at address 8");
	want_err(io(fd[0], MPOOL_IOC_RESET, NULL), EPERM, "O_RDONLY RESET NULL");
	want_err(io(fd[0], MPOOL_IOC_ALLOC, NULL), EPERM, "O_RDONLY ALLOC NULL");
	want_err(io(fd[0], MPOOL_IOC_FREE, NULL), EPERM, "O_RDONLY FREE NULL");
	want_err(io(fd[0], MPOOL_IOC_WRITE, NULL), EPERM, "O_RDONLY WRITE NULL");
	memset(big, 0, sizeof(big));	/* size 0 */
	want_err(io(fd[0], MPOOL_IOC_ALLOC, big), EPERM, "O_RDONLY ALLOC size 0");
	want_err(io(fd[1], MPOOL_IOC_READ, NULL), EPERM, "O_WRONLY READ NULL");
	want_err(io(fd[1], MPOOL_IOC_MAP, NULL), EPERM, "O_WRONLY MAP NULL");
	want_err(io(fd[1], MPOOL_IOC_MAP, big), EPERM, "O_WRONLY MAP size 0");
	end();

	/*
	 * DOC: Permissions: "an EPERM for a kernel pool, an owned block or
	 * MPOOL_WATCH_SET comes once the struct was read and found valid."
	 */
	begin("perm-watch-set-after-struct");
	{
		struct mpool_ioc_watch w = { .size = sizeof(w),
					     .flags = MPOOL_WATCH_SET, .below = 1,
					     .__reserved = 1 };

		setname(w.name, "cf_p");
		want_err(io(fd[0], MPOOL_IOC_WATCH, NULL), EFAULT,
			 "O_RDONLY WATCH NULL");
		want_err(io(fd[0], MPOOL_IOC_WATCH, &w), EINVAL,
			 "O_RDONLY WATCH SET, __reserved 1");
		w.__reserved = 0;
		setname(w.name, "a b");
		want_err(io(fd[0], MPOOL_IOC_WATCH, &w), EINVAL,
			 "O_RDONLY WATCH SET, name \"a b\"");
		w.size = 0;
		want_err(io(fd[0], MPOOL_IOC_WATCH, &w), EINVAL,
			 "O_RDONLY WATCH SET, size 0");
		/* "and its pool found (ENOENT first)" */
		w.size = sizeof(w);
		setname(w.name, "cf_nosuch");
		want_err(io(fd[0], MPOOL_IOC_WATCH, &w), ENOENT,
			 "O_RDONLY WATCH SET, no such pool");
		/* an owned block's EPERM: ENOENT first too */
		h = alloc1(fd[2], "cf_p", MPOOL_ALLOC_OWNED);
		want_err(prw(fd[1], MPOOL_IOC_WRITE, "cf_nosuch", h, 0, 1, b), ENOENT,
			 "WRITE of another file's owned block, no such pool");
		free1(fd[2], "cf_p", h);
	}
	end();

	if (abi5)
		check_permissions_abi5(fd);

	/*
	 * kernel pool: "MPOOL_IOC_STATS yes, and LIST lists it; every other
	 * command that names it EPERM, whatever the access."
	 */
	if (!kpool[0]) {
		skip("perm-kernel-pool",
		     "no kernel user's named pool exists in the guest (the docs name no module that keeps one)");
		goto out;
	}
	for (a = 0; a < 3; a++) {
		begin("perm-kernel-pool-%s", acc_name[a]);
		want_err(pstats(fd[a], kpool, &s), 0, "STATS");
		want(pool_listed(kpool), "not listed");
		want_err(prw(fd[a], MPOOL_IOC_READ, kpool, 1ULL << 40, 0, 1, b),
			 EPERM, "READ");
		want_err(prw(fd[a], MPOOL_IOC_WRITE, kpool, 1ULL << 40, 0, 1, b),
			 EPERM, "WRITE");
		want_err(pmap(fd[a], kpool, &m), EPERM, "MAP");
		want_err(palloc(fd[a], kpool, 1, 0, 0, &h, NULL), EPERM, "ALLOC");
		h = 1ULL << 40;
		want_err(pfree(fd[a], kpool, 1, &h, NULL, NULL, NULL), EPERM, "FREE");
		want_err(preset(fd[a], kpool), EPERM, "RESET");
		want_err(pdestroy(fd[a], kpool, 0), EPERM, "DESTROY");
		want_err(pdestroy(fd[a], kpool, MPOOL_DESTROY_FORCE), EPERM,
			 "DESTROY FORCE");
		want_err(pwatch(fd[a], kpool, 0, 0, NULL), EPERM, "WATCH");
		want_err(pwatch(fd[a], kpool, MPOOL_WATCH_SET, 1, NULL), EPERM,
			 "WATCH SET");
		/* "(but CREATE: EEXIST, its name is taken)"; O_RDONLY: its row */
		want_err(pcreate(fd[a], kpool, 8, 1, 0, 0),
			 acc_flag[a] == O_RDONLY ? EPERM : EEXIST, "CREATE of its name");
		if (abi5) {
			int r = pdebug(fd[a], kpool, 0, 0, 0, 0, NULL);

			/*
			 * The table: "every other command that names it
			 * EPERM, whatever the access", a DEBUG that changes
			 * nothing too; DEBUG: "EPERM, a change asked ... on a
			 * kernel user's pool".
			 */
			want_err(r, EPERM, "DEBUG changing nothing");
			want_err(pdebug(fd[a], kpool, 0, MPOOL_DEBUG_TRACK, 0, 0, NULL),
				 EPERM, "DEBUG +track");
			want_err(pdebug(fd[a], kpool, MPOOL_DEBUG_SET_QUARANTINE, 0, 0,
					0, NULL), EPERM, "DEBUG quarantine 0");
			h = 1ULL << 40;
			want_err(phand(fd[a], MPOOL_IOC_GIVE, kpool, 1, &h, NULL, NULL,
				       NULL), EPERM, "GIVE");
			want_err(phand(fd[a], MPOOL_IOC_TAKE, kpool, 1, &h, NULL, NULL,
				       NULL), EPERM, "TAKE");
		}
		end();
	}
out:
	for (a = 0; a < 3; a++)
		close(fd[a]);
	pdestroy(rw, "cf_p", MPOOL_DESTROY_FORCE);
}

/* ---- fresh block contents ----------------------------------------------------------------- */

/*
 * Comment above MPOOL_CREATE_ZERO: "What an allocated block holds, by the
 * pool's flags: neither ZERO nor POISON: zeros the first time the block
 * is allocated, then what its last holder left in it; ZERO (with or
 * without POISON): zeros, at every allocation; POISON without ZERO: 0x6b
 * in every byte, at every allocation (free blocks hold the poison ...).
 * Bytes of the region that are in no block (between blocks when the
 * stride is larger than the block size, and after the last block up to
 * the end of its page) are always zero."  For every combination of the
 * five create flags.
 */
static void check_fresh_contents(void)
{
	const __u32 bs = 24, stride = 32, n = 4;
	__u8 blk[24], *map;
	struct mpool_ioc_stats s;
	struct mpool_ioc_map m;
	__u32 flags;

	for (flags = 0; flags < 64; flags++) {
		bool zero = flags & MPOOL_CREATE_ZERO;
		bool poison = flags & MPOOL_CREATE_POISON;
		int first = zero || !poison ? 0 : 0x6b;
		__u64 h1, h2;
		__u32 i;

		if (flags & (1U << 4))	/* not a create flag */
			continue;
		begin("fresh-flags-0x%02x", flags);
		if (!want_err(pcreate(rw, "cf_fr", bs, n, 16, flags), 0, "CREATE") ||
		    !want_err(pmap(rw, "cf_fr", &m), 0, "MAP") ||
		    !want_err(dmap(rw, m.out_length, PROT_READ, MAP_SHARED,
				   m.out_offset, (void **)&map), 0, "mmap")) {
			end();
			pdestroy(rw, "cf_fr", MPOOL_DESTROY_FORCE);
			continue;
		}
		if (poison && !zero)
			for (i = 0; i < n; i++)
				want(all_bytes(map + i * stride, 0x6b, bs),
				     "free block %u does not hold the poison", i);
		h1 = alloc1(rw, "cf_fr", 0);
		want(h1, "ALLOC");
		want_err(prw(rw, MPOOL_IOC_READ, "cf_fr", h1, 0, bs, blk), 0, "READ");
		want(all_bytes(blk, first, bs), "first allocation: not all 0x%02x",
		     first);
		memset(blk, 0x11, bs);
		want_err(prw(rw, MPOOL_IOC_WRITE, "cf_fr", h1, 0, bs, blk), 0, "WRITE");
		free1(rw, "cf_fr", h1);
		if (poison && !zero)
			want(all_bytes(map + MPOOL_HANDLE_OFFSET(h1), 0x6b, bs),
			     "a freed block does not hold the poison");
		h2 = alloc1(rw, "cf_fr", 0);
		want_err(prw(rw, MPOOL_IOC_READ, "cf_fr", h2, 0, bs, blk), 0, "READ");
		if (MPOOL_HANDLE_OFFSET(h2) == MPOOL_HANDLE_OFFSET(h1))
			want(all_bytes(blk, zero ? 0 : poison ? 0x6b : 0x11, bs),
			     "second allocation of the block: not all 0x%02x",
			     zero ? 0 : poison ? 0x6b : 0x11);
		else
			want(all_bytes(blk, first, bs),
			     "another block's first allocation: not all 0x%02x", first);
		/* fill every block, then look at the bytes in no block */
		for (i = 0; i < n - 1; i++)
			alloc1(rw, "cf_fr", 0);
		for (i = 0; i < n; i++) {
			want(all_bytes(map + i * stride + bs, 0, stride - bs),
			     "bytes %u-%u between blocks are not zero (0x%02x)",
			     i * stride + bs, (i + 1) * stride - 1,
			     map[i * stride + bs]);
		}
		for (i = n * stride; i < page_size && !map[i]; i++)
			;
		want(i == page_size,
		     "bytes after the last block are not zero (0x%02x at %u)",
		     i < page_size ? map[i] : 0, i);
		want_err(pstats(rw, "cf_fr", &s), 0, "STATS");
		want(s.out_poison_errors == 0, "poison_errors %llu", s.out_poison_errors);
		want(s.out_flags == flags, "STATS flags 0x%llx", s.out_flags);
		end();
		munmap(map, m.out_length);
		pdestroy(rw, "cf_fr", MPOOL_DESTROY_FORCE);
	}
}

/* ---- MAP and mmap() ----------------------------------------------------------------------- */

static int grant_fd;
static __u64 grant_off;

static int child_maps(void *arg)
{
	(void)arg;
	return dmap(grant_fd, page_size, PROT_READ, MAP_SHARED, grant_off, NULL);
}

static void check_map(void)
{
	struct mpool_ioc_map m, m2, mw;
	__u8 b[100], *p;
	__u64 h;
	int fd2, d, e;

	if (pcreate(rw, "cf_m", 100, 50, 0, 0) ||
	    pcreate(rw, "cf_mw", 64, 100, 0, MPOOL_CREATE_MAP_WRITE)) {
		begin("map-fields");
		want(0, "CREATE cf_m or cf_mw failed");
		end();
		goto out;
	}
	/*
	 * struct mpool_ioc_map: "@out_offset: the offset to pass to mmap()";
	 * "@out_length: bytes of the region, rounded up to whole pages";
	 * "@out_flags: MPOOL_MAP_WRITABLE when the pool was created with
	 * MPOOL_CREATE_MAP_WRITE"; "lies below 2^44 bytes ... as long as
	 * offsets there are free"; offsets are page multiples ("both
	 * multiples of the page size").
	 */
	begin("map-fields");
	memset(&m, 0xff, sizeof(m));
	m.size = sizeof(m);
	m.__reserved = 0;
	m.__reserved2 = 0;
	setname(m.name, "cf_m");
	want_err(io(rw, MPOOL_IOC_MAP, &m), 0, "MAP cf_m");
	want(m.out_length == (__u64)((5200 + page_size - 1) / page_size * page_size),
	     "out_length %llu for 50 blocks of stride 104", m.out_length);
	want(m.out_flags == 0, "out_flags 0x%x without MAP_WRITE", m.out_flags);
	want(m.out_offset % page_size == 0, "out_offset 0x%llx", m.out_offset);
	want(m.out_offset + m.out_length <= 1ULL << 44,
	     "out_offset 0x%llx is not below 2^44", m.out_offset);
	want_err(pmap(rw, "cf_mw", &mw), 0, "MAP cf_mw");
	want(mw.out_flags == MPOOL_MAP_WRITABLE, "out_flags 0x%x with MAP_WRITE",
	     mw.out_flags);
	want(mw.out_length == (__u64)((6400 + page_size - 1) / page_size * page_size),
	     "out_length %llu for 100 blocks of 64", mw.out_length);
	want(mw.out_offset + mw.out_length <= 1ULL << 44,
	     "out_offset 0x%llx is not below 2^44", mw.out_offset);
	/* "spans the region's pages and no more": two pools' ranges are apart */
	want(m.out_offset + m.out_length <= mw.out_offset ||
	     mw.out_offset + mw.out_length <= m.out_offset,
	     "ranges overlap: 0x%llx+%llu and 0x%llx+%llu", m.out_offset,
	     m.out_length, mw.out_offset, mw.out_length);
	want(m.__reserved2 == 0, "__reserved2 %u", m.__reserved2);
	end();

	/* "is the same for every later MAP of the pool" */
	begin("map-same-offset");
	fd2 = dev_open(O_RDONLY);
	want_err(pmap(rw, "cf_m", &m2), 0, "second MAP");
	want(m2.out_offset == m.out_offset, "second MAP: 0x%llx, first 0x%llx",
	     m2.out_offset, m.out_offset);
	want_err(pmap(fd2, "cf_m", &m2), 0, "MAP by another file");
	want(m2.out_offset == m.out_offset, "another file's MAP: 0x%llx, first 0x%llx",
	     m2.out_offset, m.out_offset);
	end();

	/*
	 * "a block's offset (MPOOL_HANDLE_OFFSET of its handle) indexes a
	 * mapping made with @off 0"; with "@out_offset + off", @off a page
	 * multiple.
	 */
	begin("map-shows-blocks");
	memset(b, 0x42, sizeof(b));
	h = 0;
	if (want_err(dmap(rw, m.out_length, PROT_READ, MAP_SHARED, m.out_offset,
			  (void **)&p), 0, "mmap cf_m")) {
		int i;

		for (i = 0; i < 45; i++)
			h = alloc1(rw, "cf_m", 0);	/* the last one past page 1 */
		memset(b, 0x42, sizeof(b));
		want_err(prw(rw, MPOOL_IOC_WRITE, "cf_m", h, 0, 100, b), 0, "WRITE");
		want(!memcmp(p + MPOOL_HANDLE_OFFSET(h), b, 100),
		     "the mapping does not show the WRITE at the handle's offset");
		munmap(p, m.out_length);
		if (MPOOL_HANDLE_OFFSET(h) >= (__u64)page_size &&
		    want_err(dmap(rw, page_size, PROT_READ, MAP_SHARED,
				  m.out_offset + page_size, (void **)&p), 0,
			     "mmap from the second page")) {
			want(!memcmp(p + MPOOL_HANDLE_OFFSET(h) - page_size, b, 100),
			     "the mapping from @off 1 page does not show the block");
			munmap(p, page_size);
		}
	}
	end();

	/*
	 * DOC: Permissions: "Ownership guards handles, not bytes: a mapping
	 * shows the whole region, blocks that other files own included".
	 */
	begin("map-shows-owned-blocks");
	{
		int o = dev_open(O_RDWR);

		h = alloc1(o, "cf_mw", MPOOL_ALLOC_OWNED);
		want(h, "ALLOC owned");
		want_err(prw(o, MPOOL_IOC_WRITE, "cf_mw", h, 0, 6, "mine!"), 0,
			 "WRITE by the owner");
		if (want_err(dmap(rw, mw.out_length, PROT_READ, MAP_SHARED,
				  mw.out_offset, (void **)&p), 0, "mmap by another file")) {
			want(!memcmp(p + MPOOL_HANDLE_OFFSET(h), "mine!", 6),
			     "another file's mapping does not show the owned block");
			munmap(p, mw.out_length);
		}
		close(o);
	}
	end();

	/* MAP_WRITE: bytes written through the mapping, READ sees them */
	begin("map-write-shared");
	h = alloc1(rw, "cf_mw", 0);
	if (want_err(dmap(rw, mw.out_length, PROT_READ | PROT_WRITE, MAP_SHARED,
			  mw.out_offset, (void **)&p), 0, "mmap PROT_WRITE")) {
		memcpy(p + MPOOL_HANDLE_OFFSET(h), "through the mapping", 20);
		want_err(prw(rw, MPOOL_IOC_READ, "cf_mw", h, 0, 20, b), 0, "READ");
		want(!memcmp(b, "through the mapping", 20),
		     "READ does not see the mapping's write");
		munmap(p, mw.out_length);
	}
	free1(rw, "cf_mw", h);
	end();

	/*
	 * "mmap() fails with EINVAL without MAP_SHARED or past the region's
	 * end; ENXIO when no pool has that offset, or its pool was
	 * destroyed; EACCES ... for PROT_WRITE on a pool without
	 * MPOOL_CREATE_MAP_WRITE (mprotect() cannot add it later either)".
	 */
	begin("mmap-errors");
	want_err(dmap(rw, page_size, PROT_READ, MAP_PRIVATE, m.out_offset, NULL),
		 EINVAL, "MAP_PRIVATE");
	want_err(dmap(rw, m.out_length + page_size, PROT_READ, MAP_SHARED,
		      m.out_offset, NULL), EINVAL, "length one page past the end");
	want_err(dmap(rw, m.out_length, PROT_READ, MAP_SHARED,
		      m.out_offset + page_size, NULL), EINVAL,
		 "from page 1, the region's length");
	want_err(dmap(rw, page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      m.out_offset, NULL), EACCES,
		 "PROT_WRITE without MAP_WRITE");
	want_err(dmap(rw, page_size, PROT_READ, MAP_SHARED, 1ULL << 46, NULL),
		 ENXIO, "offset 2^46 (no pool)");
	if (want_err(dmap(rw, page_size, PROT_READ, MAP_SHARED, m.out_offset,
			  (void **)&p), 0, "mmap PROT_READ")) {
		want(mprotect(p, page_size, PROT_READ | PROT_WRITE) < 0 &&
		     errno == EACCES, "mprotect added PROT_WRITE: %s",
		     en(errno));
		munmap(p, page_size);
	}
	end();

	/*
	 * "MAP also allows this open file to map the pool: mmap() of an
	 * offset that MAP did not give this open file (or the one it was
	 * dup()ed or inherited from) fails with EACCES"; DOC: Permissions (2).
	 */
	begin("mmap-grant");
	{
		int o = dev_open(O_RDWR);

		want_err(dmap(o, page_size, PROT_READ, MAP_SHARED, m.out_offset,
			      NULL), EACCES, "mmap without MAP on this file");
		d = dup(o);
		grant_fd = o;
		grant_off = m.out_offset;
		want(!in_child(child_maps, NULL),
		     "a child of a file without MAP could mmap");
		want_err(pmap(o, "cf_m", &m2), 0, "MAP");
		want_err(dmap(o, page_size, PROT_READ, MAP_SHARED, m.out_offset,
			      NULL), 0, "mmap after MAP");
		want_err(dmap(d, page_size, PROT_READ, MAP_SHARED, m.out_offset,
			      NULL), 0, "mmap by a dup of the file");
		want(in_child(child_maps, NULL), "mmap by a forked child failed");
		/* MAP of one pool grants that pool only */
		want_err(dmap(o, page_size, PROT_READ, MAP_SHARED, mw.out_offset,
			      NULL), EACCES, "mmap of another pool's offset");
		close(d);
		close(o);
	}
	end();

	/*
	 * "A mapping outlives the file and keeps the pool's memory until
	 * munmap()"; struct mpool_ioc_name: "EBUSY, ... a process has the
	 * pool mapped, and MPOOL_DESTROY_FORCE is not set."
	 */
	begin("mmap-outlives-file-and-pool");
	{
		int o = dev_open(O_RDONLY);

		h = alloc1(rw, "cf_m", 0);
		memset(b, 0x77, sizeof(b));
		prw(rw, MPOOL_IOC_WRITE, "cf_m", h, 0, 100, b);
		free1(rw, "cf_m", h);
		pmap(o, "cf_m", &m2);
		e = dmap(o, m.out_length, PROT_READ, MAP_SHARED, m.out_offset,
			 (void **)&p);
		close(o);
		if (want_err(e, 0, "mmap")) {
			want(!memcmp(p + MPOOL_HANDLE_OFFSET(h), b, 100),
			     "after close: bytes differ");
			/* free every block: only the mapping holds the pool */
			pdestroy(rw, "cf_m", MPOOL_DESTROY_FORCE);
			want_err(pcreate(rw, "cf_m", 100, 50, 0, 0), 0, "re-CREATE");
			want_err(pdestroy(rw, "cf_m", 0), 0, "DESTROY idle");
			pcreate(rw, "cf_m", 100, 50, 0, 0);
			pmap(rw, "cf_m", &m);
			pdestroy(rw, "cf_m", MPOOL_DESTROY_FORCE);
			want(!memcmp(p + MPOOL_HANDLE_OFFSET(h), b, 100),
			     "the first pool's mapping changed");
			munmap(p, m2.out_length);
		}
		/* a mapped pool without blocks: EBUSY unless forced */
		pcreate(rw, "cf_m", 100, 50, 0, 0);
		pmap(rw, "cf_m", &m);
		if (want_err(dmap(rw, page_size, PROT_READ, MAP_SHARED, m.out_offset,
				  (void **)&p), 0, "mmap")) {
			want_err(pdestroy(rw, "cf_m", 0), EBUSY,
				 "DESTROY of a mapped pool");
			want_err(pdestroy(rw, "cf_m", MPOOL_DESTROY_FORCE), 0,
				 "forced DESTROY of a mapped pool");
			want(!pool_listed("cf_m"), "listed after a forced DESTROY");
			want(p[0] == 0, "the mapping is unreadable");
			/* "ENXIO when ... its pool was destroyed", memory held or not */
			want_err(dmap(rw, page_size, PROT_READ, MAP_SHARED,
				      m.out_offset, NULL), ENXIO,
				 "mmap of the destroyed pool's offset while it is still mapped");
			munmap(p, page_size);
		}
	}
	end();

	/*
	 * "It is given back with the pool's memory (see MPOOL_IOC_DESTROY),
	 * and may then be given to another pool"; "so an offset kept past its
	 * pool's end never maps another pool"; "ENXIO when ... its pool was
	 * destroyed".
	 */
	begin("mmap-stale-offset");
	{
		int o = dev_open(O_RDWR);
		__u64 old;

		pcreate(rw, "cf_ms", 100, 50, 0, 0);
		want_err(pmap(o, "cf_ms", &m2), 0, "MAP");
		old = m2.out_offset;
		want_err(pdestroy(rw, "cf_ms", 0), 0, "DESTROY");
		want_err(dmap(o, page_size, PROT_READ, MAP_SHARED, old, NULL), ENXIO,
			 "mmap of a destroyed pool's offset");
		pcreate(rw, "cf_ms", 100, 50, 0, 0);
		want_err(pmap(rw, "cf_ms", &m2), 0, "MAP of the new pool");
		want_err(dmap(o, page_size, PROT_READ, MAP_SHARED, old, NULL),
			 m2.out_offset == old ? EACCES : ENXIO,
			 m2.out_offset == old ?
			 "the old grant on the new pool at the same offset" :
			 "the old offset, now no pool's");
		pdestroy(rw, "cf_ms", MPOOL_DESTROY_FORCE);
		close(o);
	}
	end();
	close(fd2);
	/*
	 * struct mpool_ioc_map: "EOVERFLOW, no range of offsets as large as
	 * the region is free": it takes regions summing to 2^44 bytes and
	 * more, far past max_bytes and the guest's memory.
	 */
	skip("map-eoverflow", "needs 2^44 bytes of mapped regions");
out:
	pdestroy(rw, "cf_m", MPOOL_DESTROY_FORCE);
	pdestroy(rw, "cf_mw", MPOOL_DESTROY_FORCE);
}

/* ---- the budget: max_bytes, max_pools, and the debugfs budget file ------------------------ */

static void check_budget(void)
{
	static const char *const keys[] = { "max_bytes", "max_pools", "bytes",
		"pools", "destroyed_bytes", "destroyed_pools" };
	long long mb = param_get("max_bytes"), mp = param_get("max_pools");
	long long lo, hi, need = -1;
	struct mpool_ioc_map m;
	void *p = NULL;
	size_t i;
	int o, e, n0;

	/*
	 * docs/install.md: "max_bytes (default 256 MiB) ... and max_pools (default
	 * 1024)", writable at run time; the budget file has the lines
	 * max_bytes, max_pools, bytes, pools, destroyed_bytes,
	 * destroyed_pools.
	 */
	begin("budget-file");
	want(mb == 256LL << 20 && mp == 1024, "max_bytes %lld max_pools %lld",
	     mb, mp);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		want(budget(keys[i]) >= 0, "no line %s in " BUDGET, keys[i]);
	want(budget("max_bytes") == mb && budget("max_pools") == mp,
	     "budget says max_bytes %lld max_pools %lld", budget("max_bytes"),
	     budget("max_pools"));
	end();
	if (mb <= 0 || mp <= 0) {
		skip("budget", "no module parameters");
		return;
	}
	/* max_pools counts device pools only: a kernel user's may be listed */
	n0 = (int)budget("pools");

	/*
	 * struct mpool_ioc_create: "ENOSPC, max_pools such pools exist
	 * already, counted the same way" (destroyed ones whose memory is
	 * still held included); "Its region's bytes and the pool itself
	 * count against the module parameters max_bytes and max_pools until
	 * its memory is freed: ... for a forced destroy of a pool still
	 * mapped or holding owned blocks, when the last mapping goes and the
	 * last file owning its blocks is closed."
	 */
	begin("budget-max-pools");
	if (!want_err(param_set("max_pools", n0 + 1), 0, "max_pools=n+1"))
		goto pools_done;
	want_err(pcreate(rw, "cf_b1", 64, 16, 0, 0), 0, "CREATE up to max_pools");
	want_err(pcreate(rw, "cf_b2", 64, 16, 0, 0), ENOSPC, "CREATE past max_pools");
	want(budget("pools") == n0 + 1, "budget pools %lld, wanted %d",
	     budget("pools"), n0 + 1);
	/* mapped, then destroyed: still counted */
	pmap(rw, "cf_b1", &m);
	e = dmap(rw, page_size, PROT_READ, MAP_SHARED, m.out_offset, &p);
	want_err(e, 0, "mmap");
	want_err(pdestroy(rw, "cf_b1", MPOOL_DESTROY_FORCE), 0, "forced DESTROY");
	if (!want_err(pcreate(rw, "cf_b2", 64, 16, 0, 0), ENOSPC,
		      "CREATE while the destroyed pool is still mapped"))
		pdestroy(rw, "cf_b2", MPOOL_DESTROY_FORCE);
	want(budget("destroyed_pools") == 1, "destroyed_pools %lld while mapped",
	     budget("destroyed_pools"));
	if (p)
		munmap(p, page_size);
	/* "memory counts no more once the munmap() returned" */
	want_err(pcreate(rw, "cf_b2", 64, 16, 0, 0), 0, "CREATE after munmap");
	want(budget_settles("destroyed_pools", 0) == 0,
	     "destroyed_pools %lld after munmap", budget("destroyed_pools"));
	/* owned blocks of a destroyed pool: counted until their file closes */
	o = dev_open(O_RDWR);
	want(alloc1(o, "cf_b2", MPOOL_ALLOC_OWNED), "ALLOC owned");
	want_err(pdestroy(rw, "cf_b2", MPOOL_DESTROY_FORCE), 0, "forced DESTROY");
	if (!want_err(pcreate(rw, "cf_b3", 64, 16, 0, 0), ENOSPC,
		      "CREATE while a file owns blocks of the destroyed pool"))
		pdestroy(rw, "cf_b3", MPOOL_DESTROY_FORCE);
	want(budget("destroyed_pools") == 1, "destroyed_pools %lld while owned",
	     budget("destroyed_pools"));
	close(o);
	want_err(pcreate(rw, "cf_b3", 64, 16, 0, 0), 0,
		 "CREATE after the owner closed");
	pdestroy(rw, "cf_b3", MPOOL_DESTROY_FORCE);
pools_done:
	param_set("max_pools", mp);
	end();

	/*
	 * struct mpool_ioc_create: "EDQUOT, the pool would take the device
	 * pools' memory (destroyed ones whose memory is still held included)
	 * past the module parameter max_bytes".  The bytes a pool counts
	 * are found as the least max_bytes that lets it be made (no other
	 * device pool exists now).
	 */
	begin("budget-max-bytes");
	if (n0 != 0) {
		want(0, "setup: %d device pools exist", n0);
		goto bytes_done;
	}
	lo = 0;
	hi = 1 << 20;
	while (lo < hi) {
		long long mid = (lo + hi) / 2;

		param_set("max_bytes", mid);
		e = pcreate(rw, "cf_bb", 4096, 16, 0, 0);
		if (!e) {
			hi = mid;
			pdestroy(rw, "cf_bb", 0);
		} else {
			lo = mid + 1;
		}
	}
	need = lo;
	if (!want(need >= 16 * 4096 && need < 1 << 20,
		  "a 64 KiB pool needs max_bytes %lld", need))
		goto bytes_done;
	param_set("max_bytes", need - 1);
	want_err(pcreate(rw, "cf_bb", 4096, 16, 0, 0), EDQUOT,
		 "CREATE one byte over max_bytes");
	param_set("max_bytes", need);
	want_err(pcreate(rw, "cf_bb", 4096, 16, 0, 0), 0, "CREATE at max_bytes");
	want(budget("bytes") == need, "budget bytes %lld with one pool of %lld",
	     budget("bytes"), need);
	want_err(pcreate(rw, "cf_bc", 4096, 16, 0, 0), EDQUOT, "a second one");
	p = NULL;
	pmap(rw, "cf_bb", &m);
	e = dmap(rw, page_size, PROT_READ, MAP_SHARED, m.out_offset, &p);
	want_err(e, 0, "mmap");
	want_err(pdestroy(rw, "cf_bb", MPOOL_DESTROY_FORCE), 0, "forced DESTROY");
	if (!want_err(pcreate(rw, "cf_bc", 4096, 16, 0, 0), EDQUOT,
		      "CREATE while the destroyed pool is mapped"))
		pdestroy(rw, "cf_bc", MPOOL_DESTROY_FORCE);
	want(budget("destroyed_bytes") == need, "destroyed_bytes %lld, wanted %lld",
	     budget("destroyed_bytes"), need);
	if (p)
		munmap(p, page_size);
	/* "memory counts no more once the munmap() returned" */
	want_err(pcreate(rw, "cf_bc", 4096, 16, 0, 0), 0, "CREATE after munmap");
	want(budget_settles("destroyed_bytes", 0) == 0,
	     "destroyed_bytes %lld after munmap", budget("destroyed_bytes"));
	/* "A refusal changes nothing." (docs/security.md) */
	param_set("max_bytes", 0);
	want_err(pcreate(rw, "cf_bd", 8, 1, 0, 0), EDQUOT, "max_bytes 0");
	want(!pool_listed("cf_bd"), "EDQUOT left a pool");
bytes_done:
	param_set("max_bytes", mb);
	pdestroy(rw, "cf_bc", MPOOL_DESTROY_FORCE);
	end();
}

/* ---- MPOOL_ALLOC_WAIT ------------------------------------------------------------------- */

static void on_alarm(int sig)
{
	(void)sig;
}

static int waiter_armed;
static pid_t waiter_tid;
static int waiter_err;
static __u32 waiter_got;
static __u64 waiter_h;

static void *waiter(void *arg)
{
	(void)arg;
	waiter_tid = gettid();
	__atomic_store_n(&waiter_armed, 1, __ATOMIC_SEQ_CST);
	waiter_err = palloc(rw, "cf_dw", 1, MPOOL_ALLOC_WAIT, 60000, &waiter_h,
			    &waiter_got);
	return NULL;
}

/* Waits (sleeping) until the waiter thread sleeps in its ALLOC. */
static bool waiter_sleeps(void)
{
	char path[64], buf[256], *p;
	int i;

	for (i = 0; i < 20000; i++) {
		FILE *f;

		sleep_ms(1);
		if (!__atomic_load_n(&waiter_armed, __ATOMIC_SEQ_CST))
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%d/stat", waiter_tid);
		f = fopen(path, "r");
		if (!f)
			return false;
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		p = p ? strrchr(buf, ')') : NULL;
		if (p && p[1] == ' ' && p[2] == 'S')
			return true;
	}
	return false;
}

/*
 * Destroys cf_dw while an allocation sleeps on it; with @free_first, the
 * block it waits for is freed first (waking it), then the pool
 * destroyed before the waiter can run: this thread is SCHED_FIFO on the
 * waiter's only CPU.
 */
static void destroy_under_waiter(const char *name, bool free_first)
{
	struct sched_param sp = { .sched_priority = 10 }, sp0 = { 0 };
	cpu_set_t one, all;
	pthread_t t;
	__u64 h;
	int e;

	begin("%s", name);
	sched_getaffinity(0, sizeof(all), &all);
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (!want_err(pcreate(rw, "cf_dw", 64, 1, 0, 0), 0, "CREATE"))
		goto out;
	h = alloc1(rw, "cf_dw", 0);
	if (!want(h, "ALLOC the only block"))
		goto out;
	if (!want(sched_setaffinity(0, sizeof(one), &one) == 0, "pin to CPU 0"))
		goto out;
	waiter_armed = 0;
	waiter_err = -1;
	if (!want(pthread_create(&t, NULL, waiter, NULL) == 0, "pthread_create"))
		goto unpin;
	if (!want(waiter_sleeps(), "the waiter never slept")) {
		pdestroy(rw, "cf_dw", MPOOL_DESTROY_FORCE);
		pthread_join(t, NULL);
		goto unpin;
	}
	e = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	want(!e, "SCHED_FIFO: %s", en(e));
	if (free_first)
		want_err(free1(rw, "cf_dw", h), 0, "FREE the block it waits for");
	want_err(pdestroy(rw, "cf_dw", MPOOL_DESTROY_FORCE), 0, "forced DESTROY");
	pthread_setschedparam(pthread_self(), SCHED_OTHER, &sp0);
	pthread_join(t, NULL);
	/*
	 * struct mpool_ioc_alloc: "ENOENT also when the pool was destroyed
	 * while the call waited or ran: no call returns a block of a pool
	 * after its DESTROY returned"; struct mpool_ioc_name: "A forced
	 * destroy ... ends allocations in flight on the pool (ENOENT)".
	 */
	want(waiter_err == ENOENT, "the waiter's ALLOC: %s (%u blocks), wanted ENOENT",
	     waiter_err < 0 ? "none" : en(waiter_err), waiter_got);
unpin:
	sched_setaffinity(0, sizeof(all), &all);
out:
	pdestroy(rw, "cf_dw", MPOOL_DESTROY_FORCE);
	end();
}

static bool hist_ok(const struct mpool_ioc_stats *s)
{
	return hist_sum(s) == s->out_waits && s->out_timeouts <= s->out_waits;
}

static int freer_go;

static void *freer(void *arg)
{
	__u64 h = *(__u64 *)arg;

	while (!__atomic_load_n(&freer_go, __ATOMIC_SEQ_CST))
		sleep_ms(1);
	sleep_ms(20);
	free1(rw, "cf_w", h);
	return NULL;
}

static void check_wait(void)
{
	struct mpool_ioc_stats s0, s1;
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval it = { .it_value = { 0, 50000 } };
	__u64 h, h2;
	pthread_t t;
	int e;

	h = pcreate(rw, "cf_w", 64, 1, 0, 0) ? 0 : alloc1(rw, "cf_w", 0);
	if (!h) {
		begin("wait");
		want(0, "setup");
		end();
		goto out;
	}
	/*
	 * struct mpool_ioc_alloc: "ETIMEDOUT, none became free within
	 * @timeout_ms"; mpool_stat_list.h: "waits: blocking allocations
	 * that slept, counted on waking"; "timeouts: of those, the ones that
	 * gave up"; struct mpool_ioc_stats: "a waiting allocation that gives
	 * up counts in out_timeouts instead" of out_alloc_failures.
	 */
	begin("wait-timeout");
	pstats(rw, "cf_w", &s0);
	want_err(palloc(rw, "cf_w", 1, MPOOL_ALLOC_WAIT, 20, &h2, NULL), ETIMEDOUT,
		 "WAIT 20 ms on an empty pool");
	pstats(rw, "cf_w", &s1);
	want(s1.out_waits == s0.out_waits + 1, "waits +%llu",
	     s1.out_waits - s0.out_waits);
	want(s1.out_timeouts == s0.out_timeouts + 1, "timeouts +%llu",
	     s1.out_timeouts - s0.out_timeouts);
	want(s1.out_alloc_failures == s0.out_alloc_failures,
	     "alloc_failures +%llu", s1.out_alloc_failures - s0.out_alloc_failures);
	want(hist_ok(&s1), "hist sums to %llu, waits %llu, timeouts %llu",
	     hist_sum(&s1), s1.out_waits, s1.out_timeouts);
	end();

	/* struct mpool_ioc_alloc: "EINTR, a signal came first" */
	begin("wait-eintr");
	sigaction(SIGALRM, &sa, &old);	/* no SA_RESTART */
	setitimer(ITIMER_REAL, &it, NULL);
	e = palloc(rw, "cf_w", 1, MPOOL_ALLOC_WAIT, 30000, &h2, NULL);
	want(e == EINTR, "WAIT 30 s, SIGALRM after 50 ms: %s, wanted EINTR", en(e));
	sigaction(SIGALRM, &old, NULL);
	pstats(rw, "cf_w", &s1);
	want(hist_ok(&s1), "hist sums to %llu, waits %llu, timeouts %llu",
	     hist_sum(&s1), s1.out_waits, s1.out_timeouts);
	end();

	/*
	 * MPOOL_ALLOC_WAIT: "Sleep up to @timeout_ms for the first block when
	 * none is free."
	 */
	begin("wait-woken-by-free");
	pstats(rw, "cf_w", &s0);
	freer_go = 0;
	if (want(pthread_create(&t, NULL, freer, &h) == 0, "pthread_create")) {
		__u32 got = 0;

		__atomic_store_n(&freer_go, 1, __ATOMIC_SEQ_CST);
		e = palloc(rw, "cf_w", 4, MPOOL_ALLOC_WAIT, 60000, &h2, &got);
		pthread_join(t, NULL);
		want(e == 0 && got == 1, "WAIT: %s, %u blocks", en(e), got);
		pstats(rw, "cf_w", &s1);
		want(s1.out_waits == s0.out_waits + 1 &&
		     s1.out_timeouts == s0.out_timeouts,
		     "waits +%llu timeouts +%llu", s1.out_waits - s0.out_waits,
		     s1.out_timeouts - s0.out_timeouts);
		want(hist_ok(&s1), "hist sums to %llu, waits %llu",
		     hist_sum(&s1), s1.out_waits);
		h = h2;
	}
	end();

	/*
	 * "takes what is free, up to @count, and with MPOOL_ALLOC_WAIT first
	 * waits for one block when none is": a free block, no wait
	 */
	begin("wait-not-when-free");
	free1(rw, "cf_w", h);
	pstats(rw, "cf_w", &s0);
	want_err(palloc(rw, "cf_w", 1, MPOOL_ALLOC_WAIT, 60000, &h, NULL), 0,
		 "WAIT with a free block");
	pstats(rw, "cf_w", &s1);
	want(s1.out_waits == s0.out_waits, "counted a wait");
	end();
out:
	pdestroy(rw, "cf_w", MPOOL_DESTROY_FORCE);
	destroy_under_waiter("wait-destroyed-while-sleeping-enoent", false);
	destroy_under_waiter("wait-destroyed-after-wakeup-enoent", true);
}

/* ---- MPOOL_IOC_WATCH, poll() and read() --------------------------------------------------- */

static int blocking_fd, blocking_err;

static void *blocking_reader(void *arg)
{
	(void)arg;
	blocking_err = read_event(blocking_fd, MPOOL_WATCH_LOW, NULL);
	return NULL;
}

static void check_watch(void)
{
	struct mpool_ioc_watch w;
	struct mpool_watch_event ev[70];
	__u64 h[8], t0, t1;
	int a, b, c, e, i, n;
	ssize_t r;
	__u32 lost;

	if (pcreate(rw, "cf_wt", 8, 8, 0, 0) || pcreate(rw, "cf_wt2", 8, 8, 0, 0)) {
		begin("watch");
		want(0, "CREATE");
		end();
		goto out;
	}
	a = dev_open(O_RDONLY | O_NONBLOCK);
	b = dev_open(O_RDWR | O_NONBLOCK);
	c = dev_open(O_RDONLY | O_NONBLOCK);

	/*
	 * struct mpool_ioc_watch: "@below: with MPOOL_WATCH_SET, the pool's
	 * new low watermark in free blocks (0: none); else must be 0";
	 * "@out_below: the pool's low watermark"; "@out_free: blocks free
	 * now"; "read() on a file that watches nothing, or with a buffer
	 * smaller than one event: EINVAL."
	 */
	begin("watch-fields");
	want_err(pwatch(a, "cf_wt", 0, 3, &w), EINVAL, "below 3 without SET");
	r = read(a, ev, sizeof(ev[0]));
	want(r < 0 && errno == EINVAL, "read() watching nothing: %zd %s", r,
	     en(r < 0 ? errno : 0));
	want_err(pwatch(b, "cf_wt", MPOOL_WATCH_SET, 4, &w), 0, "SET below 4");
	want(w.out_below == 4 && w.out_free == 8, "out_below %u out_free %u",
	     w.out_below, w.out_free);
	want_err(pwatch(a, "cf_wt", 0, 0, &w), 0, "WATCH");
	want(w.out_below == 4 && w.out_free == 8, "WATCH: out_below %u out_free %u",
	     w.out_below, w.out_free);
	r = read(a, ev, sizeof(ev[0]) - 1);
	want(r < 0 && errno == EINVAL, "read() of %zu bytes: %zd %s",
	     sizeof(ev[0]) - 1, r, en(r < 0 ? errno : 0));
	r = read(a, ev, sizeof(ev[0]));
	want(r < 0 && errno == EAGAIN, "O_NONBLOCK read() with nothing queued: %zd %s",
	     r, en(r < 0 ? errno : 0));
	want(poll_in(a) == ENODATA, "EPOLLIN with nothing queued");
	end();

	/*
	 * "Each time the pool's free blocks fall below its watermark, and
	 * each time they are back at or above it, an event is queued on
	 * every file that watches the pool."; struct mpool_watch_event.
	 */
	begin("watch-low-recovered");
	want_err(pwatch(c, "cf_wt", 0, 0, NULL), 0, "second watcher");
	t0 = now_ns(CLOCK_REALTIME);
	for (i = 0; i < 5; i++)
		h[i] = alloc1(rw, "cf_wt", 0);	/* free 7, 6, 5, 4, 3 */
	t1 = now_ns(CLOCK_REALTIME);
	for (i = 0; i < 2; i++) {
		int fd = i ? c : a;

		want(poll_in(fd) == 0, "watcher %d: no EPOLLIN after LOW", i);
		e = read_event(fd, 0, &ev[0]);
		if (want_err(e, 0, "read LOW")) {
			want(ev[0].type == MPOOL_WATCH_LOW && ev[0].blocks_free == 3 &&
			     ev[0].below == 4 && ev[0].lost == 0,
			     "watcher %d: type %u free %u below %u lost %u", i,
			     ev[0].type, ev[0].blocks_free, ev[0].below, ev[0].lost);
			want(ev[0].time_ns >= t0 - 1000000000ULL &&
			     ev[0].time_ns <= t1 + 1000000000ULL,
			     "time_ns %llu is not CLOCK_REALTIME of the allocation",
			     ev[0].time_ns);
		}
		want(read_event(fd, 0, NULL) == EAGAIN, "watcher %d: a second event", i);
	}
	free1(rw, "cf_wt", h[4]);		/* free 4: recovered */
	for (i = 0; i < 2; i++) {
		int fd = i ? c : a;

		e = read_event(fd, 0, &ev[0]);
		if (want_err(e, 0, "read RECOVERED"))
			want(ev[0].type == MPOOL_WATCH_RECOVERED &&
			     ev[0].blocks_free == 4 && ev[0].below == 4,
			     "watcher %d: type %u free %u below %u", i, ev[0].type,
			     ev[0].blocks_free, ev[0].below);
	}
	end();

	/*
	 * "MPOOL_WATCH_SET looks at once: a pool already below the new
	 * watermark gives a LOW event, a low pool whose watermark is removed
	 * (0) a RECOVERED one."; "read() returns whole struct
	 * mpool_watch_event, oldest first".
	 */
	begin("watch-set-looks-at-once");
	want_err(pwatch(b, "cf_wt", MPOOL_WATCH_SET, 6, NULL), 0, "SET 6 at free 4");
	want_err(pwatch(b, "cf_wt", MPOOL_WATCH_SET, 0, NULL), 0, "SET 0 while low");
	r = read(a, ev, 2 * sizeof(ev[0]) + sizeof(ev[0]) / 2);
	want(r == 2 * (ssize_t)sizeof(ev[0]), "read() of 2.5 events' room: %zd", r);
	if (r == 2 * (ssize_t)sizeof(ev[0]))
		want(ev[0].type == MPOOL_WATCH_LOW && ev[0].below == 6 &&
		     ev[1].type == MPOOL_WATCH_RECOVERED,
		     "events %u (below %u), %u", ev[0].type, ev[0].below, ev[1].type);
	end();

	/*
	 * "a file watches one pool; a WATCH of another pool replaces the
	 * first, and drops the events queued for it".
	 */
	begin("watch-replace-drops");
	pwatch(b, "cf_wt", MPOOL_WATCH_SET, 6, NULL);	/* LOW queued */
	want(poll_in(c) == 0, "setup: no event queued");
	want_err(pwatch(c, "cf_wt2", 0, 0, NULL), 0, "WATCH another pool");
	want(poll_in(c) == ENODATA, "the first pool's events are still queued");
	pwatch(b, "cf_wt", MPOOL_WATCH_SET, 4, NULL);	/* free 4: RECOVERED */
	want(poll_in(c) == ENODATA, "events of the pool it no longer watches");
	end();

	/*
	 * struct mpool_watch_event: "@lost: events dropped before this one
	 * because the file's queue was full (a file's queue holds 64)".
	 */
	/*
	 * "read() returns whole struct mpool_watch_event, oldest first,
	 * waiting for one unless the file is O_NONBLOCK"
	 */
	begin("watch-read-waits");
	{
		pthread_t t;
		int bl = dev_open(O_RDONLY);

		while (read_event(a, 0, NULL) == 0)
			;
		want_err(pwatch(bl, "cf_wt", 0, 0, NULL), 0, "WATCH");
		blocking_fd = bl;
		blocking_err = -1;
		if (want(pthread_create(&t, NULL, blocking_reader, NULL) == 0,
			 "pthread_create")) {
			sleep_ms(50);
			h[4] = alloc1(rw, "cf_wt", 0);	/* free 3: LOW */
			pthread_join(t, NULL);
			want_err(blocking_err, 0, "the blocking read()");
			free1(rw, "cf_wt", h[4]);
		}
		close(bl);
	}
	end();

	begin("watch-lost");
	while (read_event(a, 0, NULL) == 0)
		;
	for (i = 0; i < 35; i++) {		/* 70 events: LOW, RECOVERED, ... */
		h[4] = alloc1(rw, "cf_wt", 0);
		free1(rw, "cf_wt", h[4]);
	}
	n = 0;
	lost = 0;
	while (n < 70 && read_event(a, 0, &ev[n]) == 0)
		lost += ev[n++].lost;
	want(n <= 64, "%d events queued", n);
	want(n + lost == 70, "%d events read, %u lost: not the 70 that happened",
	     n, lost);
	want(n > 0 && ev[n - 1].type == MPOOL_WATCH_RECOVERED,
	     "the newest event is not the last RECOVERED");
	end();

	/*
	 * "poll() says EPOLLIN while events are queued and EPOLLHUP once the
	 * pool is destroyed; read() returns ... 0 (end of file) after the
	 * pool was destroyed and its events read."
	 */
	begin("watch-destroy-eof");
	h[4] = alloc1(rw, "cf_wt", 0);	/* LOW queued on a */
	for (i = 0; i < 5; i++)
		free1(rw, "cf_wt", h[i]);
	while (read_event(a, 0, NULL) == 0)
		;
	h[0] = alloc1(rw, "cf_wt", 0);
	for (i = 1; i < 5; i++)
		h[i] = alloc1(rw, "cf_wt", 0);	/* free 3: LOW */
	want_err(pdestroy(rw, "cf_wt", MPOOL_DESTROY_FORCE), 0, "DESTROY");
	{
		struct pollfd p = { .fd = a, .events = POLLIN };

		want(poll(&p, 1, 0) == 1 && (p.revents & POLLHUP),
		     "no EPOLLHUP after DESTROY (revents 0x%x)", p.revents);
	}
	e = read_event(a, MPOOL_WATCH_LOW, NULL);
	want_err(e, 0, "the event queued before DESTROY");
	r = read(a, ev, sizeof(ev[0]));
	want(r == 0, "read() after the events: %zd %s, wanted 0", r,
	     en(r < 0 ? errno : 0));
	end();
	close(a);
	close(b);
	close(c);
out:
	pdestroy(rw, "cf_wt", MPOOL_DESTROY_FORCE);
	pdestroy(rw, "cf_wt2", MPOOL_DESTROY_FORCE);
}

/* ---- STATS arithmetic -------------------------------------------------------------------- */

static int churn_stop;

static void *churn(void *arg)
{
	__u64 h;

	(void)arg;
	while (!__atomic_load_n(&churn_stop, __ATOMIC_SEQ_CST))
		palloc(rw, "cf_s", 1, MPOOL_ALLOC_WAIT, 1, &h, NULL);
	return NULL;
}

static void check_stats(void)
{
	struct mpool_ioc_stats s;
	__u64 h[4];
	pthread_t t;
	int i;

	/*
	 * MPOOL_IOC_RESET: "zeroes the pool's counters and sets its high
	 * watermark to the blocks in use now"; mpool_stat_list.h marks the
	 * counters with MPOOL_COUNTER().
	 */
	begin("stats-reset");
	if (!want_err(pcreate(rw, "cf_s", 8, 4, 0, 0), 0, "CREATE")) {
		end();
		return;
	}
	palloc(rw, "cf_s", 4, 0, 0, h, NULL);
	free1(rw, "cf_s", h[3]);
	free1(rw, "cf_s", h[3]);			/* a refused free */
	palloc(rw, "cf_s", 1, MPOOL_ALLOC_WAIT, 1, h + 3, NULL);	/* a wait */
	palloc(rw, "cf_s", 2, 0, 0, h + 3, NULL);
	free1(rw, "cf_s", h[3]);
	want_err(preset(rw, "cf_s"), 0, "RESET");
	want_err(pstats(rw, "cf_s", &s), 0, "STATS");
#define MPOOL_STAT(n)
#define MPOOL_COUNTER(n) want(s.out_##n == 0, #n " %llu after RESET", s.out_##n)
#define MPOOL_HIST(n, k) want(hist_sum(&s) == 0, #n " not zero after RESET")
#include "mpool_stat_list.h"
#undef MPOOL_STAT
#undef MPOOL_COUNTER
#undef MPOOL_HIST
	want(s.out_high_watermark == 3 && s.out_blocks_in_use == 3,
	     "high_watermark %llu in_use %llu, wanted 3 3", s.out_high_watermark,
	     s.out_blocks_in_use);
	want(s.out_block_size == 8 && s.out_blocks_total == 4,
	     "RESET changed the geometry");
	end();

	/*
	 * mpool_stat_list.h: "A waking allocation counts in waits, in one
	 * bucket and, if it gave up, in timeouts, all at once: in every
	 * snapshot, RESET or not, the buckets sum to waits and timeouts <=
	 * waits."  One thread waits (1 ms) again and again on the empty
	 * pool; this one takes snapshots and resets.
	 */
	begin("stats-hist-every-snapshot");
	palloc(rw, "cf_s", 1, 0, 0, h + 3, NULL);	/* empty now */
	churn_stop = 0;
	if (want(pthread_create(&t, NULL, churn, NULL) == 0, "pthread_create")) {
		__u64 maxw = 0;

		for (i = 0; i < 600; i++) {
			if (i % 50 == 25)
				preset(rw, "cf_s");
			if (!want_err(pstats(rw, "cf_s", &s), 0, "STATS"))
				break;
			if (s.out_waits > maxw)
				maxw = s.out_waits;
			if (!want(hist_ok(&s),
				  "snapshot %d: buckets sum to %llu, waits %llu, timeouts %llu",
				  i, hist_sum(&s), s.out_waits, s.out_timeouts))
				break;
			if (!want(s.out_blocks_free + s.out_blocks_in_use ==
				  s.out_blocks_total, "snapshot %d: free + in_use != total", i))
				break;
			if (i % 10 == 9)
				sleep_ms(1);
		}
		__atomic_store_n(&churn_stop, 1, __ATOMIC_SEQ_CST);
		pthread_join(t, NULL);
		want(maxw > 0, "setup: no wait was ever counted");
	}
	end();

	/*
	 * struct mpool_ioc_stats: "The same numbers as
	 * /sys/kernel/debug/mempool/<name>/stats."
	 */
	begin("stats-debugfs");
	pstats(rw, "cf_s", &s);
#define MPOOL_STAT(n) \
	want(file_key(DEBUGFS "cf_s/stats", #n) == (long long)s.out_##n, \
	     #n ": debugfs %lld, ioctl %llu", \
	     file_key(DEBUGFS "cf_s/stats", #n), s.out_##n)
#define MPOOL_HIST(n, k)
#include "mpool_stat_list.h"
#undef MPOOL_STAT
#undef MPOOL_HIST
	end();
	pdestroy(rw, "cf_s", MPOOL_DESTROY_FORCE);
}

/* ---- ABI 4 sentences the checks above do not name ---------------------------------------- */

/*
 * struct mpool_ioc_watch: "a file watches one pool; a WATCH of another
 * pool replaces the first, and drops the events queued for it; ... one
 * that fails, but for EFAULT on writing the answer back, leaves the
 * file's watch as it was".  Each failure below comes before or instead of
 * a watch: the file still watches cf_wk, its queued LOW is still there,
 * and cf_wk2's events never reach it.
 */
static void check_watch_failed_keeps(void)
{
	struct mpool_ioc_watch w;
	char what[64];
	__u64 h[8];
	int a, i;

	begin("watch-failed-keeps");
	if (!want_err(pcreate(rw, "cf_wk", 8, 8, 0, 0), 0, "CREATE cf_wk") ||
	    !want_err(pcreate(rw, "cf_wk2", 8, 8, 0, 0), 0, "CREATE cf_wk2")) {
		end();
		goto out;
	}
	a = dev_open(O_RDONLY | O_NONBLOCK);
	want_err(pwatch(a, "cf_wk", 0, 0, NULL), 0, "WATCH cf_wk");
	want_err(pwatch(rw, "cf_wk", MPOOL_WATCH_SET, 4, NULL), 0, "SET 4");
	for (i = 0; i < 5; i++)
		h[i] = alloc1(rw, "cf_wk", 0);		/* free 3: LOW */
	want(poll_in(a) == 0, "setup: no LOW queued");
	/* the failures, each with its own errno */
	want_err(pwatch(a, "cf_nosuch", 0, 0, NULL), ENOENT, "WATCH of no pool");
	want_err(pwatch(a, "cf_wk2", 0, 3, NULL), EINVAL, "below 3 without SET");
	want_err(pwatch(a, "cf_wk2", MPOOL_WATCH_SET, 8, NULL), EPERM,
		 "SET on the O_RDONLY file");
	want_err(pwatch(a, "cf_wk2", 1U << 1, 0, NULL), EINVAL, "unknown flag");
	memset(&w, 0, sizeof(w));
	w.size = sizeof(w);
	w.__reserved = 1;
	setname(w.name, "cf_wk2");
	want_err(io(a, MPOOL_IOC_WATCH, &w), EINVAL, "__reserved 1");
	w.__reserved = 0;
	w.size = 4;
	want_err(io(a, MPOOL_IOC_WATCH, &w), EINVAL, "size 4");
	w.size = sizeof(w);
	memset(w.name, 'a', sizeof(w.name));
	want_err(io(a, MPOOL_IOC_WATCH, &w), ENAMETOOLONG, "no NUL in the name");
	/* EFAULT on reading the struct, not on writing the answer back */
	want_err(io(a, MPOOL_IOC_WATCH, NULL), EFAULT, "WATCH NULL");
	if (kpool[0]) {
		snprintf(what, sizeof(what), "WATCH of the kernel pool %s", kpool);
		want_err(pwatch(a, kpool, 0, 0, NULL), EPERM, what);
	}
	/* the LOW queued before is still there, and cf_wk still watched */
	want(poll_in(a) == 0, "a failed WATCH dropped the queued event");
	want_err(read_event(a, MPOOL_WATCH_LOW, NULL), 0, "read the LOW");
	free1(rw, "cf_wk", h[4]);			/* free 4: RECOVERED */
	want_err(read_event(a, MPOOL_WATCH_RECOVERED, NULL), 0,
		 "cf_wk's RECOVERED after the failed WATCHes");
	want_err(pwatch(rw, "cf_wk2", MPOOL_WATCH_SET, 9, NULL), 0,
		 "SET 9 on cf_wk2 (LOW there)");
	want(poll_in(a) == ENODATA, "an event of cf_wk2, which a failed WATCH named");
	end();

	/*
	 * "a WATCH of another pool replaces the first, and drops the events
	 * queued for it; one of the same pool ... keeps them".
	 */
	begin("watch-same-pool-keeps");
	h[4] = alloc1(rw, "cf_wk", 0);			/* free 3: LOW */
	want(poll_in(a) == 0, "setup: no LOW queued");
	want_err(pwatch(a, "cf_wk", 0, 0, NULL), 0, "WATCH cf_wk again");
	want_err(read_event(a, MPOOL_WATCH_LOW, NULL), 0,
		 "the LOW queued before the second WATCH of cf_wk");
	close(a);
	end();
out:
	pdestroy(rw, "cf_wk", MPOOL_DESTROY_FORCE);
	pdestroy(rw, "cf_wk2", MPOOL_DESTROY_FORCE);
}

/*
 * MPOOL_ALLOC_OWNED: "they are freed when it is closed (counted in
 * reclaimed_on_close): at its last close, as the open file is shared by
 * dup() and fork() as flock() locks are, and kept open by mappings made
 * through it until they are unmapped."
 */
static void check_owned_kept_by_mapping(void)
{
	struct mpool_ioc_stats s0, s1;
	struct mpool_ioc_map m;
	void *p;
	__u64 h[2];
	int o, e, i;

	if (pcreate(rw, "cf_ok", 64, 8, 0, 0) || pcreate(rw, "cf_ok2", 64, 8, 0, 0)) {
		begin("owned-kept-by-mapping");
		want(0, "CREATE");
		end();
		goto out;
	}
	/* i 0: the mapping is of the owned blocks' pool; 1: of another pool */
	for (i = 0; i < 2; i++) {
		const char *mp = i ? "cf_ok2" : "cf_ok";

		begin(i ? "owned-kept-by-mapping-other-pool" : "owned-kept-by-mapping");
		o = dev_open(O_RDWR);
		pstats(rw, "cf_ok", &s0);
		want_err(palloc(o, "cf_ok", 2, MPOOL_ALLOC_OWNED, 0, h, NULL), 0,
			 "ALLOC 2 owned");
		want_err(pmap(o, mp, &m), 0, "MAP through the owner");
		e = dmap(o, page_size, PROT_READ, MAP_SHARED, m.out_offset, &p);
		close(o);
		if (!want_err(e, 0, "mmap through the owner")) {
			end();
			continue;
		}
		pstats(rw, "cf_ok", &s1);
		want(s1.out_blocks_in_use == s0.out_blocks_in_use + 2 &&
		     s1.out_reclaimed_on_close == s0.out_reclaimed_on_close,
		     "closed, still mapped: in_use +%lld, reclaimed +%llu, wanted +2 +0",
		     (long long)(s1.out_blocks_in_use - s0.out_blocks_in_use),
		     s1.out_reclaimed_on_close - s0.out_reclaimed_on_close);
		munmap(p, page_size);
		pstats(rw, "cf_ok", &s1);
		want(s1.out_blocks_in_use == s0.out_blocks_in_use &&
		     s1.out_reclaimed_on_close == s0.out_reclaimed_on_close + 2,
		     "after munmap: in_use +%lld, reclaimed +%llu, wanted +0 +2",
		     (long long)(s1.out_blocks_in_use - s0.out_blocks_in_use),
		     s1.out_reclaimed_on_close - s0.out_reclaimed_on_close);
		end();
	}

	/* a mapping made through another file keeps the owner's file not open */
	begin("owned-not-kept-by-others-mapping");
	o = dev_open(O_RDWR);
	pstats(rw, "cf_ok", &s0);
	want_err(palloc(o, "cf_ok", 2, MPOOL_ALLOC_OWNED, 0, h, NULL), 0,
		 "ALLOC 2 owned");
	want_err(pmap(rw, "cf_ok", &m), 0, "MAP by another file");
	e = dmap(rw, page_size, PROT_READ, MAP_SHARED, m.out_offset, &p);
	want_err(e, 0, "mmap by another file");
	close(o);
	pstats(rw, "cf_ok", &s1);
	want(s1.out_blocks_in_use == s0.out_blocks_in_use &&
	     s1.out_reclaimed_on_close == s0.out_reclaimed_on_close + 2,
	     "the owner's last close: in_use +%lld, reclaimed +%llu, wanted +0 +2",
	     (long long)(s1.out_blocks_in_use - s0.out_blocks_in_use),
	     s1.out_reclaimed_on_close - s0.out_reclaimed_on_close);
	if (!e)
		munmap(p, page_size);
	end();
out:
	pdestroy(rw, "cf_ok", MPOOL_DESTROY_FORCE);
	pdestroy(rw, "cf_ok2", MPOOL_DESTROY_FORCE);
}

/*
 * The order of the per-handle errors.  struct mpool_ioc_free: "-ERANGE,
 * outside the region; -EINVAL, not the start of a block; -ENXIO, not
 * allocated (a double free); -ESTALE, the block was freed since and
 * allocated again; -EPERM, another open file owns the block (the first of
 * these that applies, in this order)"; struct mpool_ioc_rw: "ERANGE ...;
 * EINVAL, @handle is not the start of a block or @pos + @length passes the
 * block's end; ENXIO ...; ESTALE ...; EPERM ... (the first that applies,
 * in this order)".  Each handle below fits two or more of them.
 */
static void check_error_order(void)
{
	enum { BS = 64, NB = 8 };
	struct {
		const char *what;
		__u64 h;
		__u32 pos, len;		/* for READ and WRITE */
		int exp;
	} t[12];	/* room for more than the cases below */
	__u64 ho, hstale, hfree, hs[12];
	__s32 res[12];
	__u8 buf[2 * BS];
	char what[128];
	int o, n = 0, i, k;

	begin("error-order");
	if (!want_err(pcreate(rw, "cf_eo", BS, NB, 0, 0), 0, "CREATE")) {
		end();
		return;
	}
	o = dev_open(O_RDWR);
	/* an owned block of o's, and a stale handle of another one of o's */
	hstale = alloc1(o, "cf_eo", MPOOL_ALLOC_OWNED);
	free1(o, "cf_eo", hstale);
	ho = alloc1(o, "cf_eo", MPOOL_ALLOC_OWNED);
	/* a block allocated once and free now */
	hfree = alloc1(rw, "cf_eo", 0);
	free1(rw, "cf_eo", hfree);
	if (!want(ho && hstale && MPOOL_HANDLE_OFFSET(ho) == MPOOL_HANDLE_OFFSET(hstale) &&
		  ho != hstale, "setup: the freed owned block did not come back") ||
	    !want(MPOOL_HANDLE_OFFSET(hfree) != MPOOL_HANDLE_OFFSET(ho),
		  "setup: the free block is the owned one"))
		goto done;
#define T(w, hh, p, l, e) do { \
		t[n].what = (w); t[n].h = (hh); t[n].pos = (p); t[n].len = (l); \
		t[n].exp = (e); n++; } while (0)
	T("past the region, not a block's start (ERANGE, EINVAL)",
	  (ho & ~MPOOL_HANDLE_OFFSET_MASK) | (NB * BS + 1), 0, 1, ERANGE);
	T("past the region, generation 0 (ERANGE, ESTALE)", NB * BS, 0, 1, ERANGE);
	/*
	 * Not asserted: past the region with @pos + @length past a block's
	 * end.  The list puts ERANGE first, but a @pos + @length past any
	 * block is also "a count or length ... too large" (EINVAL, an error
	 * of the arguments); the module answers EINVAL (see the report).
	 */
	T("inside a free block (EINVAL, ENXIO)", hfree + 1, 0, 1, EINVAL);
	T("inside another file's owned block, stale (EINVAL, ESTALE, EPERM)",
	  hstale + 1, 0, 1, EINVAL);
	T("inside another file's owned block (EINVAL, EPERM)", ho + 8, 0, 1, EINVAL);
	T("a free block's earlier handle (ENXIO, ESTALE)", hfree, 0, 1, ENXIO);
	T("a free block, generation 0 (ENXIO, ESTALE)",
	  MPOOL_HANDLE_OFFSET(hfree), 0, 1, ENXIO);
	T("another file's owned block, stale (ESTALE, EPERM)", hstale, 0, 1, ESTALE);
	T("another file's owned block, generation 0 (ESTALE, EPERM)",
	  MPOOL_HANDLE_OFFSET(ho), 0, 1, ESTALE);
#undef T
	/* FREE: each handle's result, in one call and one by one */
	for (i = 0; i < n; i++) {
		hs[i] = t[i].h;
		res[i] = 12345;
	}
	want_err(pfree(rw, "cf_eo", n, hs, res, NULL, NULL), 0, "FREE of them all");
	for (i = 0; i < n; i++) {
		want(res[i] == -t[i].exp, "FREE results[%d], %s: %s", i, t[i].what,
		     en(-res[i]));
		snprintf(what, sizeof(what), "FREE of one, %s", t[i].what);
		want_err(free1(rw, "cf_eo", t[i].h), t[i].exp, what);
	}
	/* READ and WRITE, with a length that fits and with one past the block */
	for (k = 0; k < 2; k++) {
		unsigned long cmd = k ? MPOOL_IOC_READ : MPOOL_IOC_WRITE;

		for (i = 0; i < n; i++) {
			snprintf(what, sizeof(what), "%s, %s", k ? "READ" : "WRITE",
				 t[i].what);
			want_err(prw(rw, cmd, "cf_eo", t[i].h, t[i].pos, t[i].len, buf),
				 t[i].exp, what);
			if (t[i].exp == EINVAL)
				continue;
			/*
			 * "EINVAL, @length is 0 or @pos + @length passes the
			 * pool's block size (an argument error: looked at
			 * before the handle)": before ERANGE too.
			 */
			snprintf(what, sizeof(what), "%s pos %d length 2, %s",
				 k ? "READ" : "WRITE", BS - 1, t[i].what);
			want_err(prw(rw, cmd, "cf_eo", t[i].h, BS - 1, 2, buf),
				 EINVAL, what);
		}
	}
	/* nothing changed: o's block is still o's */
	want_err(prw(o, MPOOL_IOC_READ, "cf_eo", ho, 0, 8, buf), 0,
		 "the owner's READ after the refusals");
done:
	close(o);
	end();
	pdestroy(rw, "cf_eo", MPOOL_DESTROY_FORCE);
}

/*
 * struct mpool_ioc_map: "mmap() fails with ... ENXIO when no pool has that
 * offset, or its pool was destroyed (before the grant is looked at);
 * EACCES as above": a file that MAP never granted anything gets ENXIO,
 * not EACCES, for a destroyed pool's offset (its memory held by a mapping
 * or freed) and for an offset of no pool.
 */
static void check_mmap_enxio_before_grant(void)
{
	struct mpool_ioc_map m;
	void *p = NULL;
	int f, e;

	begin("mmap-enxio-before-grant");
	f = dev_open(O_RDWR);
	if (!want_err(pcreate(rw, "cf_mg", 64, 64, 0, 0), 0, "CREATE") ||
	    !want_err(pmap(rw, "cf_mg", &m), 0, "MAP by another file"))
		goto out;
	want_err(dmap(f, page_size, PROT_READ, MAP_SHARED, m.out_offset, NULL),
		 EACCES, "setup: mmap of a live pool without MAP");
	e = dmap(rw, page_size, PROT_READ, MAP_SHARED, m.out_offset, &p);
	want_err(e, 0, "mmap by the granted file");
	want_err(pdestroy(rw, "cf_mg", MPOOL_DESTROY_FORCE), 0, "forced DESTROY");
	want_err(dmap(f, page_size, PROT_READ, MAP_SHARED, m.out_offset, NULL),
		 ENXIO, "the destroyed pool's offset, its memory still mapped");
	if (!e)
		munmap(p, page_size);
	want_err(dmap(f, page_size, PROT_READ, MAP_SHARED, m.out_offset, NULL),
		 ENXIO, "the destroyed pool's offset, its memory freed");
	want_err(dmap(f, page_size, PROT_READ, MAP_SHARED, 1ULL << 46, NULL),
		 ENXIO, "offset 2^46 (no pool)");
out:
	close(f);
	pdestroy(rw, "cf_mg", MPOOL_DESTROY_FORCE);
	end();
}

/*
 * struct mpool_ioc_watch: "Each time the pool's free blocks fall below
 * its watermark, and each time they are back at or above it, an event is
 * queued on every file that watches the pool", whatever frees them: here
 * MPOOL_ALLOC_OWNED's "they are freed when it is closed".
 */
static void check_watch_owner_close(void)
{
	__u64 h[2];
	__u32 got = 0;
	int w = dev_open(O_RDONLY | O_NONBLOCK), o = dev_open(O_RDWR);

	begin("watch-recovered-at-owner-close");
	if (!want_err(pcreate(rw, "cf_wc", 8, 4, 0, 0), 0, "CREATE") ||
	    !want_err(pwatch(w, "cf_wc", 0, 0, NULL), 0, "WATCH") ||
	    !want_err(pwatch(rw, "cf_wc", MPOOL_WATCH_SET, 3, NULL), 0,
		      "SET below 3"))
		goto out;
	want_err(palloc(o, "cf_wc", 2, MPOOL_ALLOC_OWNED, 0, h, &got), 0,
		 "owned ALLOC 2");
	want(got == 2, "owned ALLOC 2 got %u", got);
	want_err(read_event(w, MPOOL_WATCH_LOW, NULL), 0, "LOW at 2 free");
	close(o);
	o = -1;
	want_err(read_event(w, MPOOL_WATCH_RECOVERED, NULL), 0,
		 "RECOVERED once the owner's close freed its blocks");
out:
	if (o >= 0)
		close(o);
	close(w);
	pdestroy(rw, "cf_wc", MPOOL_DESTROY_FORCE);
	end();
}

/* ---- ABI version 5: MPOOL_IOC_DEBUG (--abi5) --------------------------------------------- */

/* How often @needle is in the kernel log now. */
static int klog_count(const char *needle)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0), n = 0;
	char *buf, *p;

	if (len <= 0 || !(buf = malloc(len + 1)))
		return -1;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	if (len < 0) {
		free(buf);
		return -1;
	}
	buf[len] = 0;
	for (p = buf; (p = strstr(p, needle)); p++)
		n++;
	free(buf);
	return n;
}

/* The caller field of the line for @off in <pool>/blocks, or "" if none. */
static const char *blocks_caller(const char *pool, __u64 off)
{
	static char line[256], caller[128];
	char path[128], first[64];
	FILE *f;

	snprintf(path, sizeof(path), DEBUGFS "%s/blocks", pool);
	caller[0] = 0;
	f = fopen(path, "r");
	if (!f)
		return caller;
	while (fgets(line, sizeof(line), f)) {
		/* the header line, and any other that is not a block's */
		if (sscanf(line, "%63s %127s", first, caller) != 2 ||
		    first[0] < '0' || first[0] > '9') {
			caller[0] = 0;
			continue;
		}
		/* decimal or hex: the offsets here (multiples of 64) cannot clash */
		if (strtoull(first, NULL, 0) == off || strtoull(first, NULL, 16) == off)
			break;
		caller[0] = 0;
	}
	fclose(f);
	return caller;
}

static bool stats_add_up(const struct mpool_ioc_stats *s)
{
	return s->out_blocks_free + s->out_blocks_in_use + s->out_quarantined ==
	       s->out_blocks_total;
}

static void check_debug(void)
{
	struct mpool_ioc_debug d;
	struct mpool_ioc_stats s, s0;
	struct mpool_ioc_map m;
	__u8 *map = MAP_FAILED, blk[64];
	__u64 h[8], a, b;
	int i, e, k0;

	/*
	 * struct mpool_ioc_debug: "with @on, @off and @flags all 0 it only
	 * reports"; "@out_modes: the MPOOL_DEBUG_* modes on after the call";
	 * "@out_quarantine: the quarantine's length after the call";
	 * "@out_quarantined: blocks in the quarantine now".
	 */
	begin("debug-report");
	if (!want_err(pcreate(rw, "cf_dr", 64, 8, 0,
			      MPOOL_CREATE_POISON | MPOOL_CREATE_TRACK), 0, "CREATE")) {
		end();
		return;
	}
	memset(&d, 0xff, sizeof(d));
	if (want_err(pdebug(rw, "cf_dr", 0, 0, 0, 0, &d), 0, "DEBUG"))
		want(d.out_modes == (MPOOL_DEBUG_POISON | MPOOL_DEBUG_TRACK) &&
		     d.out_quarantine == 0 && d.out_quarantined == 0,
		     "created POISON|TRACK: out_modes 0x%x quarantine %u quarantined %u",
		     d.out_modes, d.out_quarantine, d.out_quarantined);
	/*
	 * "out_flags of MPOOL_IOC_STATS shows MPOOL_CREATE_POISON and
	 * MPOOL_CREATE_TRACK as they are now, not as the pool was created."
	 */
	want_err(pdebug(rw, "cf_dr", 0, 0, MPOOL_DEBUG_POISON | MPOOL_DEBUG_TRACK,
			0, &d), 0, "DEBUG -poison -track");
	want(d.out_modes == 0, "out_modes 0x%x after -poison -track", d.out_modes);
	pstats(rw, "cf_dr", &s);
	want(!(s.out_flags & (MPOOL_CREATE_POISON | MPOOL_CREATE_TRACK)),
	     "STATS out_flags 0x%llx after -poison -track", s.out_flags);
	end();

	/*
	 * "Errors: EINVAL, an unknown mode in @on or @off, a mode in both, or
	 * @quarantine over MPOOL_DEBUG_QUARANTINE_MAX or not smaller than the
	 * pool's blocks"; "@quarantine: with MPOOL_DEBUG_SET_QUARANTINE ...;
	 * else must be 0"; "All or nothing: a call that fails changed no
	 * mode."
	 */
	begin("debug-einval-all-or-nothing");
	want_err(pdebug(rw, "cf_dr", 0, 1U << 2, 0, 0, NULL), EINVAL, "on 1<<2");
	want_err(pdebug(rw, "cf_dr", 0, 0, 1U << 31, 0, NULL), EINVAL, "off 1<<31");
	want_err(pdebug(rw, "cf_dr", 0, MPOOL_DEBUG_TRACK, MPOOL_DEBUG_TRACK, 0,
			NULL), EINVAL, "TRACK on and off");
	want_err(pdebug(rw, "cf_dr", 0, 0, 0, 2, NULL), EINVAL,
		 "quarantine 2 without SET_QUARANTINE");
	want_err(pdebug(rw, "cf_dr", MPOOL_DEBUG_SET_QUARANTINE, 0, 0, 8, NULL),
		 EINVAL, "quarantine 8 of 8 blocks");
	want_err(pdebug(rw, "cf_dr", MPOOL_DEBUG_SET_QUARANTINE,
			MPOOL_DEBUG_POISON | MPOOL_DEBUG_TRACK, 0, 9, NULL),
		 EINVAL, "+poison +track with quarantine 9 of 8");
	want_err(pdebug(rw, "cf_dr", 0, MPOOL_DEBUG_POISON | (1U << 3), 0, 0, NULL),
		 EINVAL, "+poison with an unknown mode");
	want_err(pdebug(rw, "cf_dr", 0, 0, 0, 0, &d), 0, "DEBUG");
	want(d.out_modes == 0 && d.out_quarantine == 0,
	     "failed calls changed the modes: 0x%x quarantine %u", d.out_modes,
	     d.out_quarantine);
	want_err(pdebug(rw, "cf_dr", MPOOL_DEBUG_SET_QUARANTINE, 0, 0, 7, &d), 0,
		 "quarantine 7 of 8");
	want(d.out_quarantine == 7, "out_quarantine %u, wanted 7", d.out_quarantine);
	pdebug(rw, "cf_dr", MPOOL_DEBUG_SET_QUARANTINE, 0, 0, 0, NULL);
	pdestroy(rw, "cf_dr", MPOOL_DESTROY_FORCE);
	/* "Longest quarantine (it must also be shorter than the pool)" */
	if (want_err(pcreate(rw, "cf_dr", 8, MPOOL_DEBUG_QUARANTINE_MAX + 2, 0, 0),
		     0, "CREATE 65538 blocks")) {
		want_err(pdebug(rw, "cf_dr", MPOOL_DEBUG_SET_QUARANTINE, 0, 0,
				MPOOL_DEBUG_QUARANTINE_MAX + 1, NULL), EINVAL,
			 "quarantine 65537");
		want_err(pdebug(rw, "cf_dr", MPOOL_DEBUG_SET_QUARANTINE, 0, 0,
				MPOOL_DEBUG_QUARANTINE_MAX, &d), 0, "quarantine 65536");
		want(d.out_quarantine == MPOOL_DEBUG_QUARANTINE_MAX,
		     "out_quarantine %u", d.out_quarantine);
	}
	pdestroy(rw, "cf_dr", MPOOL_DESTROY_FORCE);
	end();

	/*
	 * "MPOOL_DEBUG_POISON: as MPOOL_CREATE_POISON from now on.  Blocks
	 * freed from now on are poisoned, and checked when allocated again;
	 * blocks that were free when it was switched on are handed out as
	 * they are, unchecked."  "Switches the debug checks of a live pool,
	 * with blocks out or not".  Seen through a writable mapping.
	 */
	begin("debug-poison-live");
	if (!want_err(pcreate(rw, "cf_dp", 64, 4, 0, MPOOL_CREATE_MAP_WRITE), 0,
		      "CREATE") ||
	    !want_err(pmap(rw, "cf_dp", &m), 0, "MAP") ||
	    !want_err(dmap(rw, m.out_length, PROT_READ | PROT_WRITE, MAP_SHARED,
			   m.out_offset, (void **)&map), 0, "mmap")) {
		end();
		goto poison_done;
	}
	a = alloc1(rw, "cf_dp", 0);
	for (i = 0; i < 4; i++)		/* the free blocks hold 0x22 */
		if ((__u64)i * 64 != MPOOL_HANDLE_OFFSET(a))
			memset(map + i * 64, 0x22, 64);
	want_err(pdebug(rw, "cf_dp", 0, MPOOL_DEBUG_POISON, 0, 0, &d), 0,
		 "+poison with a block out");
	want(d.out_modes == MPOOL_DEBUG_POISON, "out_modes 0x%x", d.out_modes);
	pstats(rw, "cf_dp", &s0);
	want(s0.out_flags == (MPOOL_CREATE_MAP_WRITE | MPOOL_CREATE_POISON),
	     "STATS out_flags 0x%llx after +poison", s0.out_flags);
	b = alloc1(rw, "cf_dp", 0);
	want_err(prw(rw, MPOOL_IOC_READ, "cf_dp", b, 0, 64, blk), 0, "READ");
	want(all_bytes(blk, 0x22, 64), "a block free at +poison was not handed out as it was");
	free1(rw, "cf_dp", a);
	want(all_bytes(map + MPOOL_HANDLE_OFFSET(a), 0x6b, 64),
	     "a block freed after +poison does not hold 0x6b");
	map[MPOOL_HANDLE_OFFSET(a) + 3] = 0x33;		/* a write after free */
	for (i = 0; i < 3; i++)
		h[i] = alloc1(rw, "cf_dp", 0);
	want(h[0] && h[1] && h[2], "setup: ALLOC the other blocks");
	pstats(rw, "cf_dp", &s);
	want(s.out_poison_errors == s0.out_poison_errors + 1,
	     "poison_errors +%llu, wanted +1 (the block written after its free; "
	     "none for the blocks free at +poison)",
	     s.out_poison_errors - s0.out_poison_errors);
	for (i = 0; i < 3; i++)
		free1(rw, "cf_dp", h[i]);
	/* off: freed blocks keep their bytes, and out_flags loses POISON */
	want_err(pdebug(rw, "cf_dp", 0, 0, MPOOL_DEBUG_POISON, 0, &d), 0, "-poison");
	memset(blk, 0x44, 64);
	prw(rw, MPOOL_IOC_WRITE, "cf_dp", b, 0, 64, blk);
	free1(rw, "cf_dp", b);
	want(all_bytes(map + MPOOL_HANDLE_OFFSET(b), 0x44, 64),
	     "-poison: a freed block was still poisoned");
	pstats(rw, "cf_dp", &s);
	want(s.out_flags == MPOOL_CREATE_MAP_WRITE, "STATS out_flags 0x%llx after -poison",
	     s.out_flags);
	end();
poison_done:
	if (map != MAP_FAILED)
		munmap(map, m.out_length);
	map = MAP_FAILED;
	pdestroy(rw, "cf_dp", MPOOL_DESTROY_FORCE);

	/*
	 * "MPOOL_DEBUG_TRACK: as MPOOL_CREATE_TRACK from now on; blocks
	 * allocated before show an unknown caller"; docs/abi.md, <name>/blocks:
	 * "its allocating caller under MPOOL_F_TRACK (- otherwise)".
	 */
	begin("debug-track-live");
	if (want_err(pcreate(rw, "cf_dt", 64, 4, 0, 0), 0, "CREATE")) {
		a = alloc1(rw, "cf_dt", 0);
		want_err(pdebug(rw, "cf_dt", 0, MPOOL_DEBUG_TRACK, 0, 0, &d), 0, "+track");
		want(d.out_modes == MPOOL_DEBUG_TRACK, "out_modes 0x%x", d.out_modes);
		b = alloc1(rw, "cf_dt", 0);
		pstats(rw, "cf_dt", &s);
		want(s.out_flags == MPOOL_CREATE_TRACK, "STATS out_flags 0x%llx",
		     s.out_flags);
		want(!strcmp(blocks_caller("cf_dt", MPOOL_HANDLE_OFFSET(a)), "-"),
		     "the block allocated before +track shows \"%s\", wanted -",
		     blocks_caller("cf_dt", MPOOL_HANDLE_OFFSET(a)));
		want(blocks_caller("cf_dt", MPOOL_HANDLE_OFFSET(b))[0] &&
		     strcmp(blocks_caller("cf_dt", MPOOL_HANDLE_OFFSET(b)), "-"),
		     "the block allocated after +track shows no caller (\"%s\")",
		     blocks_caller("cf_dt", MPOOL_HANDLE_OFFSET(b)));
		want_err(pdebug(rw, "cf_dt", 0, 0, MPOOL_DEBUG_TRACK, 0, &d), 0, "-track");
		pstats(rw, "cf_dt", &s);
		want(s.out_flags == 0, "STATS out_flags 0x%llx after -track", s.out_flags);
	}
	pdestroy(rw, "cf_dt", MPOOL_DESTROY_FORCE);
	end();

	/*
	 * "Quarantine: a freed block waits in a first-in first-out queue of
	 * @quarantine blocks before it can be allocated again, poisoned; when
	 * it leaves the queue (pushed out by a later free, when the quarantine
	 * shrinks, or when the pool is destroyed) a block written since its
	 * free is counted in out_poison_errors and reported in the kernel log
	 * with the pool, the block's offset, ...  Blocks in the
	 * quarantine are neither free nor in use (out_quarantined of
	 * MPOOL_IOC_STATS); shrinking it lets the oldest go."
	 */
	begin("debug-quarantine");
	if (!want_err(pcreate(rw, "cf_dq", 64, 8, 0, MPOOL_CREATE_MAP_WRITE), 0,
		      "CREATE") ||
	    !want_err(pmap(rw, "cf_dq", &m), 0, "MAP") ||
	    !want_err(dmap(rw, m.out_length, PROT_READ | PROT_WRITE, MAP_SHARED,
			   m.out_offset, (void **)&map), 0, "mmap") ||
	    !want_err(palloc(rw, "cf_dq", 4, 0, 0, h, NULL), 0, "ALLOC 4")) {
		end();
		goto q_done;
	}
	want_err(pdebug(rw, "cf_dq", MPOOL_DEBUG_SET_QUARANTINE, 0, 0, 2, &d), 0,
		 "quarantine 2");
	want(d.out_quarantine == 2 && d.out_quarantined == 0 && d.out_modes == 0,
	     "out_quarantine %u out_quarantined %u out_modes 0x%x",
	     d.out_quarantine, d.out_quarantined, d.out_modes);
	free1(rw, "cf_dq", h[0]);
	pstats(rw, "cf_dq", &s0);
	want(s0.out_quarantined == 1 && s0.out_blocks_in_use == 3 &&
	     s0.out_blocks_free == 4 && stats_add_up(&s0),
	     "one freed: quarantined %llu in_use %llu free %llu total %llu",
	     s0.out_quarantined, s0.out_blocks_in_use, s0.out_blocks_free,
	     s0.out_blocks_total);
	pdebug(rw, "cf_dq", 0, 0, 0, 0, &d);
	want(d.out_quarantined == 1, "DEBUG out_quarantined %u", d.out_quarantined);
	want(all_bytes(map + MPOOL_HANDLE_OFFSET(h[0]), 0x6b, 64),
	     "a quarantined block is not poisoned");
	/* docs/tracing.md: "A free of a quarantined block is a double free." */
	want_err(free1(rw, "cf_dq", h[0]), ENXIO, "FREE of the quarantined block");
	h[4] = alloc1(rw, "cf_dq", 0);
	want(h[4] && MPOOL_HANDLE_OFFSET(h[4]) != MPOOL_HANDLE_OFFSET(h[0]),
	     "the quarantined block was allocated");
	/* a write after free, caught when h[0] is pushed out */
	k0 = klog_count("cf_dq");
	map[MPOOL_HANDLE_OFFSET(h[0]) + 5] = 0x11;
	free1(rw, "cf_dq", h[1]);		/* queue: h0 h1 */
	free1(rw, "cf_dq", h[2]);		/* h0 pushed out: h1 h2 */
	pstats(rw, "cf_dq", &s);
	want(s.out_poison_errors == s0.out_poison_errors + 1,
	     "pushed out: poison_errors +%llu, wanted +1",
	     s.out_poison_errors - s0.out_poison_errors);
	want(s.out_quarantined == 2 && stats_add_up(&s), "quarantined %llu",
	     s.out_quarantined);
	e = klog_count("cf_dq");
	want(k0 >= 0 && e > k0, "no report naming cf_dq in the kernel log (%d, %d)",
	     k0, e);
	/* shrinking lets the oldest (h1) go: h2 stays, its write caught later */
	map[MPOOL_HANDLE_OFFSET(h[2]) + 1] = 0x12;
	s0 = s;
	want_err(pdebug(rw, "cf_dq", MPOOL_DEBUG_SET_QUARANTINE, 0, 0, 1, &d), 0,
		 "quarantine 1");
	pstats(rw, "cf_dq", &s);
	want(s.out_quarantined == 1 && d.out_quarantined == 1 && stats_add_up(&s) &&
	     s.out_poison_errors == s0.out_poison_errors,
	     "shrunk to 1: quarantined %llu (DEBUG %u), poison_errors +%llu",
	     s.out_quarantined, d.out_quarantined,
	     s.out_poison_errors - s0.out_poison_errors);
	want_err(pdebug(rw, "cf_dq", MPOOL_DEBUG_SET_QUARANTINE, 0, 0, 0, &d), 0,
		 "quarantine 0");
	pstats(rw, "cf_dq", &s);
	want(s.out_quarantined == 0 && s.out_poison_errors == s0.out_poison_errors + 1,
	     "quarantine 0: quarantined %llu, poison_errors +%llu (the newest, h2, "
	     "written)", s.out_quarantined, s.out_poison_errors - s0.out_poison_errors);
	/* destroyed with blocks in the quarantine: reported too */
	pdebug(rw, "cf_dq", MPOOL_DEBUG_SET_QUARANTINE, 0, 0, 2, NULL);
	free1(rw, "cf_dq", h[3]);
	free1(rw, "cf_dq", h[4]);
	map[MPOOL_HANDLE_OFFSET(h[4]) + 2] = 0x13;
	munmap(map, m.out_length);
	map = MAP_FAILED;
	k0 = klog_count("cf_dq");
	/* docs/tracing.md: "DESTROY does not count them as busy" */
	want_err(pdestroy(rw, "cf_dq", 0), 0,
		 "DESTROY with blocks only in the quarantine");
	/*
	 * "(a device pool logs its first such block only, so that no user
	 * floods the log)": h0's report was cf_dq's first.
	 */
	e = klog_count("cf_dq");
	want(e == k0, "a second report of device pool cf_dq (%d, %d)", k0, e);
	end();
q_done:
	if (map != MAP_FAILED)
		munmap(map, m.out_length);
	pdestroy(rw, "cf_dq", MPOOL_DESTROY_FORCE);
}

/* ---- ABI version 5: MPOOL_IOC_GIVE and MPOOL_IOC_TAKE (--abi5) --------------------------- */

static void check_handover(void)
{
	struct mpool_ioc_stats s0, s1;
	__u8 b[8] = "given";
	__u64 h, h2, hn[8], hfree, hstale;
	__s32 res[8];
	__u32 done, invalid;
	int p, c, x, d;
	size_t i;

	if (pcreate(rw, "cf_g", 64, 16, 0, 0)) {
		begin("handover");
		want(0, "CREATE");
		end();
		return;
	}
	p = dev_open(O_RDWR);
	c = dev_open(O_WRONLY);
	x = dev_open(O_RDWR);

	/*
	 * struct mpool_ioc_handover: "the producer GIVEs the block's handle
	 * ... and the consumer TAKEs it.  The handle stays the same.  GIVE
	 * does not change the owner: the block stays the giver's, and only
	 * the giver may free, read or write it, until an open file of the
	 * pool with write access TAKEs it; it is then that file's, no longer
	 * given, as if that file had allocated it with MPOOL_ALLOC_OWNED."
	 * "@out_done: handles given (taken)"; "GIVE of a block already given
	 * succeeds and changes nothing."
	 */
	begin("give-take");
	h = alloc1(p, "cf_g", MPOOL_ALLOC_OWNED);
	res[0] = 12345;
	want_err(phand(p, MPOOL_IOC_GIVE, "cf_g", 1, &h, res, &done, &invalid), 0,
		 "GIVE");
	want(res[0] == 0 && done == 1 && invalid == 0,
	     "GIVE: result %d out_done %u out_invalid %u", res[0], done, invalid);
	want_err(prw(p, MPOOL_IOC_WRITE, "cf_g", h, 0, 8, b), 0,
		 "WRITE by the giver after GIVE");
	want_err(prw(c, MPOOL_IOC_WRITE, "cf_g", h, 0, 8, b), EPERM,
		 "WRITE by another file before TAKE");
	want_err(free1(c, "cf_g", h), EPERM, "FREE by another file before TAKE");
	want_err(hand1(p, MPOOL_IOC_GIVE, "cf_g", h), 0, "GIVE again");
	want_err(hand1(c, MPOOL_IOC_TAKE, "cf_g", h), 0, "TAKE by an O_WRONLY file");
	want_err(prw(c, MPOOL_IOC_WRITE, "cf_g", h, 0, 8, b), 0,
		 "WRITE by the taker, same handle");
	want_err(prw(p, MPOOL_IOC_WRITE, "cf_g", h, 0, 8, b), EPERM,
		 "WRITE by the giver after TAKE");
	want_err(prw(p, MPOOL_IOC_READ, "cf_g", h, 0, 8, b), EPERM,
		 "READ by the giver after TAKE");
	want_err(free1(p, "cf_g", h), EPERM, "FREE by the giver after TAKE");
	want_err(hand1(x, MPOOL_IOC_TAKE, "cf_g", h), EPERM,
		 "TAKE of a taken block (no longer given)");
	/* as if c had allocated it owned: a dup of c may use it */
	d = dup(c);
	want_err(prw(d, MPOOL_IOC_WRITE, "cf_g", h, 0, 8, b), 0, "WRITE by a dup of the taker");
	close(d);
	want_err(free1(c, "cf_g", h), 0, "FREE by the taker");
	end();

	/*
	 * "Any such file may take a given block, the giver too (which takes
	 * back its offer)"; (5) "TAKE: only blocks their owner gave (else
	 * EPERM, per handle)"; "-EPERM, for GIVE, this open file does not own
	 * the block (another one does, or nobody: it was not allocated with
	 * MPOOL_ALLOC_OWNED)"; "@out_invalid: handles refused; their blocks
	 * are unchanged".
	 */
	begin("give-take-refused");
	h = alloc1(p, "cf_g", MPOOL_ALLOC_OWNED);
	h2 = alloc1(rw, "cf_g", 0);
	want_err(hand1(x, MPOOL_IOC_TAKE, "cf_g", h), EPERM, "TAKE, never given");
	want_err(hand1(x, MPOOL_IOC_GIVE, "cf_g", h), EPERM, "GIVE of another's block");
	want_err(hand1(rw, MPOOL_IOC_GIVE, "cf_g", h2), EPERM,
		 "GIVE of a block nobody owns");
	want_err(hand1(x, MPOOL_IOC_TAKE, "cf_g", h2), EPERM,
		 "TAKE of a block nobody owns");
	want_err(prw(p, MPOOL_IOC_WRITE, "cf_g", h, 0, 8, b), 0,
		 "WRITE by the owner after the refusals");
	want_err(prw(x, MPOOL_IOC_WRITE, "cf_g", h, 0, 8, b), EPERM,
		 "WRITE by the refused taker");
	want_err(free1(rw, "cf_g", h2), 0, "FREE of the unowned block");
	want_err(hand1(p, MPOOL_IOC_GIVE, "cf_g", h), 0, "GIVE");
	want_err(hand1(p, MPOOL_IOC_TAKE, "cf_g", h), 0, "the giver takes it back");
	want_err(hand1(x, MPOOL_IOC_TAKE, "cf_g", h), EPERM,
		 "TAKE after the offer was taken back");
	want_err(free1(p, "cf_g", h), 0, "FREE by the owner");
	end();

	/*
	 * "@results: ... -ERANGE, -EINVAL, -ENXIO, -ESTALE as for
	 * MPOOL_IOC_FREE; -EPERM ... (the first of these that applies, in
	 * this order)"; "Takes every valid handle even when some are invalid;
	 * returns 0 unless the arguments themselves are bad."
	 */
	begin("give-take-results");
	hstale = alloc1(x, "cf_g", MPOOL_ALLOC_OWNED);
	free1(x, "cf_g", hstale);
	h2 = alloc1(x, "cf_g", MPOOL_ALLOC_OWNED);	/* hstale's block again */
	h = alloc1(p, "cf_g", MPOOL_ALLOC_OWNED);
	hfree = alloc1(rw, "cf_g", 0);		/* last: nobody takes it again */
	free1(rw, "cf_g", hfree);
	want(MPOOL_HANDLE_OFFSET(h2) == MPOOL_HANDLE_OFFSET(hstale) && h2 != hstale,
	     "setup: the freed block did not come back");
	for (i = 0; i < 2; i++) {
		unsigned long cmd = i ? MPOOL_IOC_TAKE : MPOOL_IOC_GIVE;
		const char *cn = i ? "TAKE" : "GIVE";
		static const int exp[7] = { 0, -ERANGE, -ERANGE, -EINVAL, -ENXIO,
					    -ESTALE, -EPERM };
		size_t j;

		hn[0] = h;					/* 0 */
		hn[1] = (h & ~MPOOL_HANDLE_OFFSET_MASK) | (16 * 64 + 1);
		hn[2] = 16 * 64;				/* gen 0, past */
		hn[3] = h2 + 1;					/* inside x's */
		hn[4] = hfree;					/* not allocated */
		hn[5] = hstale;					/* x's, stale */
		hn[6] = h2;					/* x's */
		for (j = 0; j < 7; j++)
			res[j] = 12345;
		want_err(phand(p, cmd, "cf_g", 7, hn, res, &done, &invalid), 0, cn);
		for (j = 0; j < 7; j++)
			want(res[j] == exp[j], "%s results[%zu] %d (%s), wanted %d (%s)",
			     cn, j, res[j], en(-res[j]), exp[j], en(-exp[j]));
		want(done == 1 && invalid == 6, "%s out_done %u out_invalid %u", cn,
		     done, invalid);
	}
	want_err(prw(x, MPOOL_IOC_WRITE, "cf_g", h2, 0, 8, b), 0,
		 "x's block is still x's");
	want_err(prw(p, MPOOL_IOC_WRITE, "cf_g", h, 0, 8, b), 0,
		 "p's block, given and taken back, is p's");
	want_err(hand1(x, MPOOL_IOC_TAKE, "cf_g", h), EPERM,
		 "p's block is no longer given");
	/*
	 * "the out_ counts of MPOOL_IOC_ALLOC, FREE, GIVE and TAKE must be
	 * 0 on input (EINVAL)"
	 */
	{
		struct mpool_ioc_handover g = {
			.size = sizeof(g), .count = 1, .handles = ptr(&h),
			.out_done = 12345, .out_invalid = 12345,
		};

		setname(g.name, "cf_g");
		want_err(io(p, MPOOL_IOC_GIVE, &g), EINVAL, "GIVE, junk in out_*");
		g.out_done = 0;
		want_err(io(p, MPOOL_IOC_TAKE, &g), EINVAL,
			 "TAKE, junk in out_invalid");
		g.out_invalid = 0;
		want_err(io(p, MPOOL_IOC_GIVE, &g), 0, "GIVE, out_* zero");
		want(g.out_done == 1 && g.out_invalid == 0,
		     "GIVE: out_done %u out_invalid %u", g.out_done, g.out_invalid);
	}
	/* "@count: number of handles, 1 to MPOOL_IOC_BATCH_MAX" */
	want_err(phand(p, MPOOL_IOC_GIVE, "cf_g", 0, &h, NULL, NULL, NULL), EINVAL,
		 "GIVE count 0");
	want_err(phand(p, MPOOL_IOC_TAKE, "cf_g", MPOOL_IOC_BATCH_MAX + 1, &h, NULL,
		       NULL, NULL), EINVAL, "TAKE count 1025");
	want_err(phand(p, MPOOL_IOC_GIVE, "cf_g", 1, NULL, NULL, NULL, NULL), EFAULT,
		 "GIVE handles NULL");
	want_err(phand(p, MPOOL_IOC_GIVE, "cf_g", 1, &h, (__s32 *)8, NULL, NULL),
		 EFAULT, "GIVE results at address 8");
	free1(p, "cf_g", h);
	free1(x, "cf_g", h2);
	end();

	/*
	 * "the producer dies ... after GIVE and before the TAKE: the block is
	 * still its own, and freed with its other blocks (counted in
	 * reclaimed_on_close); the consumer's TAKE then fails (-ENXIO, or
	 * -ESTALE once the block was allocated again)"
	 */
	begin("give-producer-dies");
	{
		int q = dev_open(O_RDWR);

		pstats(rw, "cf_g", &s0);
		h = alloc1(q, "cf_g", MPOOL_ALLOC_OWNED);
		want_err(hand1(q, MPOOL_IOC_GIVE, "cf_g", h), 0, "GIVE");
		close(q);
		pstats(rw, "cf_g", &s1);
		want(s1.out_blocks_in_use == s0.out_blocks_in_use &&
		     s1.out_reclaimed_on_close == s0.out_reclaimed_on_close + 1,
		     "the giver's close: in_use +%lld reclaimed +%llu, wanted +0 +1",
		     (long long)(s1.out_blocks_in_use - s0.out_blocks_in_use),
		     s1.out_reclaimed_on_close - s0.out_reclaimed_on_close);
		want_err(hand1(c, MPOOL_IOC_TAKE, "cf_g", h), ENXIO, "TAKE after");
		h2 = alloc1(rw, "cf_g", 0);
		if (want(MPOOL_HANDLE_OFFSET(h2) == MPOOL_HANDLE_OFFSET(h),
			 "setup: the block was not allocated again"))
			want_err(hand1(c, MPOOL_IOC_TAKE, "cf_g", h), ESTALE,
				 "TAKE once it was allocated again");
		free1(rw, "cf_g", h2);
	}
	end();

	/*
	 * "the consumer dies before its TAKE: the block stays given and the
	 * producer's, until the producer takes it back, frees it or is
	 * closed; the consumer dies after its TAKE: the block is freed when
	 * its file is closed."
	 */
	begin("give-consumer-dies");
	{
		int q = dev_open(O_RDWR);

		h = alloc1(p, "cf_g", MPOOL_ALLOC_OWNED);
		want_err(hand1(p, MPOOL_IOC_GIVE, "cf_g", h), 0, "GIVE");
		close(q);				/* a consumer that never took */
		want_err(hand1(x, MPOOL_IOC_TAKE, "cf_g", h), 0,
			 "still given: TAKE by another consumer");
		pstats(rw, "cf_g", &s0);
		close(x);				/* the taker dies */
		x = -1;
		pstats(rw, "cf_g", &s1);
		want(s1.out_blocks_in_use == s0.out_blocks_in_use - 1 &&
		     s1.out_reclaimed_on_close == s0.out_reclaimed_on_close + 1,
		     "the taker's close: in_use %lld reclaimed +%llu, wanted -1 +1",
		     (long long)(s1.out_blocks_in_use - s0.out_blocks_in_use),
		     s1.out_reclaimed_on_close - s0.out_reclaimed_on_close);
		h = alloc1(p, "cf_g", MPOOL_ALLOC_OWNED);
		want_err(hand1(p, MPOOL_IOC_GIVE, "cf_g", h), 0, "GIVE");
		want_err(free1(p, "cf_g", h), 0, "the giver frees a given block");
	}
	end();
	close(p);
	close(c);
	if (x >= 0)
		close(x);
	pdestroy(rw, "cf_g", MPOOL_DESTROY_FORCE);
}

/* ---- main ----------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	struct mpool_ioc_version v = { .size = sizeof(v) };
	char (*names)[MPOOL_IOC_NAME_MAX] = calloc(256, MPOOL_IOC_NAME_MAX);
	int i, n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	rw = dev_open(O_RDWR);
	if (io(rw, MPOOL_IOC_VERSION, &v) || v.out_abi_version != MPOOL_IOC_ABI_VERSION)
		printf("# module ABI %u, this test %u\n", v.out_abi_version,
		       MPOOL_IOC_ABI_VERSION);
	/* Any pool there before us that is not ours is a kernel user's. */
	cleanup_pools();
	n = list_names(names, 256);
	for (i = 0; i < n && i < 256; i++)
		if (strncmp(names[i], "cf_", 3)) {
			memcpy(kpool, names[i], sizeof(kpool));
			break;
		}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--abi5"))
			abi5 = true;
		else
			snprintf(kpool, sizeof(kpool), "%s", argv[i]);
	}
	if (abi5)
		ncmds = C_N;
	if (kpool[0])
		printf("# kernel pool: %s\n", kpool);

	check_version();
	base_h = pcreate(rw, BASE, 64, 64, 0, 0) ? 0 : alloc1(rw, BASE, 0);
	if (!base_h) {
		printf("MPTEST not ok conform-setup: cannot create " BASE "\n");
		return 1;
	}
	check_sizes();
	check_unknown_cmds();
	check_reserved_and_flags();
	check_names();
	pdestroy(rw, BASE, MPOOL_DESTROY_FORCE);

	check_create();
	check_destroy();
	check_list();
	check_alloc();
	check_free();
	check_batch_counts_in();
	check_rw();
	check_rw_efault_prefix();
	check_handles();
	check_owned();
	check_permissions();
	check_fresh_contents();
	check_map();
	check_wait();
	check_watch();
	check_stats();
	check_watch_failed_keeps();
	check_owned_kept_by_mapping();
	check_error_order();
	check_mmap_enxio_before_grant();
	check_watch_owner_close();
	if (abi5) {
		check_debug();
		check_handover();
	} else {
		skip("abi5", "MPOOL_IOC_DEBUG, GIVE and TAKE not checked (run with --abi5)");
	}
	cleanup_pools();
	check_budget();
	cleanup_pools();
	free(names);
	close(rw);
	printf("# conform: %d failed\n", nfailed);
	return nfailed ? 1 : 0;
}
