// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_stress: a race stress of the shared-pool surface of /dev/mempool
 * (issue 19).
 *
 * Processes of threads, each thread with its own open file, loop for a set
 * time over random operations on a few pool names: ALLOC (owned, with and
 * without MPOOL_ALLOC_WAIT), FREE, READ/WRITE, DESTROY (plain and forced),
 * CREATE of the same name, MAP, mmap()/munmap() (whole and split),
 * MPOOL_IOC_WATCH and read() of its events, STATS, RESET, LIST, close and
 * reopen, and fork(): children that allocate owned blocks and map pools,
 * then exit or are SIGKILLed while holding them.
 *
 * CREATE and DESTROY of one name are serialized among themselves (a robust
 * mutex in shared memory) so that everyone knows what the name holds;
 * every other call races them freely.  Each name has a state word: a
 * version, bumped by the creator before CREATE starts and by the destroyer
 * once DESTROY returned, and flags "gone" (no pool) and "destroying" (a
 * DESTROY is in flight).  A call whose state word reads the same before
 * and after it ran, with neither flag, ran entirely on one pool instance,
 * the one of that version ("clean").
 *
 * What is checked, each a kind of violation counted and reported:
 *   errno       every call returns 0 or an errno the ABI 4 header lists
 *               for it (table in errno_ok());
 *   lifecycle   CREATE and DESTROY agree with what the name holds;
 *   gone-alloc  an ALLOC that ran entirely while the name had no pool
 *               returned no block;
 *   fresh       a block just allocated (owned) reads back what its owner
 *               wrote into it, unless the pool was destroyed meanwhile;
 *   stale       a handle of a pool instance destroyed before the call
 *               started is refused (ABI 4: one generation counter);
 *   foreign     a block another open file owns is never read or freed;
 *   fault       a mapping reads without SIGBUS/SIGSEGV in its length,
 *               before and after its pool is destroyed;
 *   ungranted   mmap() of an offset MAP never gave this open file fails
 *               (ABI 4: EACCES), and so does one of a destroyed pool;
 *   watch       events read are whole and well formed;
 *   stats       a STATS snapshot is in range;
 *   child       forked children end by exit(0) or our SIGKILL;
 *   budget      while this thread maps a destroyed pool, the budget file
 *               counts a destroyed pool and its bytes (ABI 4: charged
 *               until its memory is freed; only with the budget file);
 * and at the end, with every child reaped, every file closed and every
 * mapping gone: no block is in use (owned blocks come back at close), a
 * plain DESTROY of every pool succeeds, LIST is empty, and the budget
 * file (/sys/kernel/debug/mempool/budget, ABI 4) reads zero everywhere.
 *
 * Prints the guest protocol's lines (MPTEST ok NAME / MPTEST not ok NAME:
 * MSG), the first few violations of each kind, errno counts per call and
 * a summary; exits 1 on a violation.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libmpool.h"
#include "../mptest.h"

#ifndef BUDGET
#define BUDGET		"/sys/kernel/debug/mempool/budget"
#endif
#define PAGE		4096UL
#define NAMES_MAX	4
#define PROCS_MAX	8
#define THREADS_MAX	8
#define HELD_MAX	32
#define MAPS_MAX	4
#define GRANTS_MAX	32
#define RING		16
#define EVENTS_MAX	4	/* watch events read at once */
#define PRINT_MAX	3
#define NERR		160
#define BLOCKS_MAX	64	/* the most blocks of any name's pool */

/* One pool name: its geometry never changes, so handles stay in range. */
struct pool_kind {
	const char *name;
	uint32_t bs, n, flags;
};

static const struct pool_kind kinds[NAMES_MAX] = {
	{ "st0", 64, 16, 0 },
	{ "st1", 128, 64, MPOOL_CREATE_PERCPU },
	{ "st2", 200, 40, MPOOL_CREATE_ZERO | MPOOL_CREATE_POISON |
			  MPOOL_CREATE_TRACK },
	/* Writable mappings; 48 * 64 bytes leave a tail of the page in no block. */
	{ "st3", 64, 48, MPOOL_CREATE_MAP_WRITE },
};

static uint64_t region_len(int i)
{
	return ((uint64_t)kinds[i].bs * kinds[i].n + PAGE - 1) & ~(PAGE - 1);
}

/* ---- shared state -------------------------------------------------------------- */

#define ST_GONE		1ULL
#define ST_DESTROYING	2ULL
#define ST_VER(s)	((s) >> 2)

enum call {
	C_CREATE, C_DESTROY, C_DESTROY_FORCE, C_ALLOC, C_ALLOC_WAIT, C_FREE,
	C_READ, C_WRITE, C_MAP, C_MMAP, C_MUNMAP, C_WATCH, C_EVREAD, C_STATS,
	C_RESET, C_LIST, C_CLOSE, C_FORK, NCALL
};

static const char *const call_names[NCALL] = {
	"CREATE", "DESTROY", "DESTROY(FORCE)", "ALLOC", "ALLOC(WAIT)", "FREE",
	"READ", "WRITE", "MAP", "mmap", "munmap", "WATCH", "read(events)",
	"STATS", "RESET", "LIST", "close", "fork",
};

enum kind {
	V_ERRNO, V_LIFECYCLE, V_GONE_ALLOC, V_FRESH, V_STALE, V_FOREIGN,
	V_FAULT, V_UNGRANTED, V_WATCH, V_STATS, V_CHILD, V_BUDGET, NKIND
};

static const char *const kind_names[NKIND] = {
	"errno", "lifecycle", "gone-alloc", "fresh", "stale", "foreign",
	"fault", "ungranted", "watch", "stats", "child", "budget",
};

/* The MPTEST name of each kind's check. */
static const char *const kind_tests[NKIND] = {
	"stress-errnos-are-the-abis",
	"stress-create-destroy-agree-with-the-name",
	"stress-no-block-of-a-destroyed-pool",
	"stress-fresh-block-reads-back",
	"stress-stale-handle-refused",
	"stress-foreign-owned-block-refused",
	"stress-mappings-never-fault",
	"stress-ungranted-mmap-refused",
	"stress-watch-events-well-formed",
	"stress-stats-in-range",
	"stress-children-end-cleanly",
	"stress-destroyed-mapped-pool-still-charged",
};

struct name_state {
	uint64_t word;		/* version << 2 | ST_DESTROYING | ST_GONE */
	pthread_mutex_t lock;	/* serializes CREATE and DESTROY of the name */
	/* Handles others hold: handle | (owner thread + 1) << 24. */
	uint64_t ring[RING];
	uint32_t ring_pos;
	/* The last offset MAP gave anyone. */
	uint64_t map_off;
};

struct shm {
	struct name_state ns[NAMES_MAX];
	long viol[NKIND];
	int printed[NKIND];
	long calls[NCALL];
	long errs[NCALL][NERR];
	long children, killed, mapped, map_reads, stale_checked,
	     foreign_checked, ungranted_checked, gone_checked, fresh_checked,
	     budget_checked;
	/*
	 * FREEs of a stale or foreign handle that succeeded: each may have
	 * freed a block some thread holds, whose later "fresh" violations
	 * follow from it (counted in fresh_after_wrong_free).
	 */
	long wrong_frees, fresh_after_wrong_free;
};

static struct shm *shm;
static int nnames = NAMES_MAX, nprocs = 2, nthreads = 3, seconds = 600;
static uint64_t seed;
static bool have_budget;	/* the module has ABI 4's budget file */
static bool inject_foreign;	/* a thread's own blocks count as foreign */
static struct timespec deadline;

/* ---- per thread ----------------------------------------------------------------- */

struct hold {
	uint64_t h;
	uint64_t tag;		/* what the owner wrote at offset 0 */
	uint64_t ver;		/* the pool instance, when known */
	int name;
	bool known;
};

struct mapping {
	unsigned char *p;
	size_t len;
	int name;
	bool writable;
	uint64_t ver;		/* as a grant's: its pool is gone past it */
};

/*
 * An offset MAP gave this open file.  @ver: the name's version read after
 * the MAP returned; once the name's version is past it, the pool MAP
 * named is destroyed.  @clean: the MAP ran on the instance of @ver.
 */
struct grant {
	uint64_t off;
	uint64_t ver;
	int name;
	bool clean;
};

struct thr {
	int id;			/* proc * nthreads + thread */
	int fd;
	uint64_t rng;
	long opno;
	struct hold held[HELD_MAX];
	int nheld;
	struct mapping maps[MAPS_MAX];
	int nmaps;
	struct grant grants[GRANTS_MAX];
	int ngrants;
	bool grants_lost;	/* one was not recorded: no "ungranted" checks */
	int rofd;		/* O_RDONLY: MAP and mmap(PROT_READ) only */
	struct mpool_watch_event ev[EVENTS_MAX];
};

static __thread sigjmp_buf fault_jb;
static __thread volatile sig_atomic_t in_mapping;

/* ---- helpers ----------------------------------------------------------------------- */

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rn(struct thr *t, uint32_t n)
{
	return n ? (uint32_t)(splitmix(&t->rng) % n) : 0;
}

static bool chance(struct thr *t, unsigned int pct)
{
	return rn(t, 100) < pct;
}

static bool past_deadline(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline.tv_sec ||
	       (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

static const char *ename(int e)
{
	const char *s = e ? strerrorname_np(e) : "0";

	return s ? s : "E?";
}

static void add(long *p, long v)
{
	__atomic_add_fetch(p, v, __ATOMIC_RELAXED);
}

/* One write() per line: safe in a forked child, and lines never mix. */
static __attribute__((format(printf, 3, 4)))
void viol(struct thr *t, enum kind k, const char *fmt, ...)
{
	char msg[400], line[600];
	va_list ap;
	int n;

	add(&shm->viol[k], 1);
	if (k == V_FRESH && __atomic_load_n(&shm->wrong_frees, __ATOMIC_RELAXED))
		add(&shm->fresh_after_wrong_free, 1);
	if (__atomic_fetch_add(&shm->printed[k], 1, __ATOMIC_RELAXED) >=
	    PRINT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = snprintf(line, sizeof(line), "VIOLATION %s: thread %d op %ld: %s\n",
		     kind_names[k], t ? t->id : -1, t ? t->opno : 0, msg);
	if (n > (int)sizeof(line) - 1)
		n = sizeof(line) - 1;
	if (write(STDOUT_FILENO, line, n) < 0)
		return;
}

static uint64_t st_read(int i)
{
	return __atomic_load_n(&shm->ns[i].word, __ATOMIC_SEQ_CST);
}

static void st_write(int i, uint64_t w)
{
	__atomic_store_n(&shm->ns[i].word, w, __ATOMIC_SEQ_CST);
}

/* Ran entirely on the pool instance of one version. */
static bool clean(uint64_t s0, uint64_t s1)
{
	return s0 == s1 && !(s0 & (ST_GONE | ST_DESTROYING));
}

/* ---- the errno table ---------------------------------------------------------------- */

/*
 * What include/uapi/mpool_ioctl.h (ABI 4) lists for each call: the common
 * errors and the call's own.  Left out are the common errors whose stated
 * cause these calls never have: every struct here is valid (size, flags,
 * reserved fields, counts, names: no EINVAL, E2BIG, ENAMETOOLONG, ENOTTY),
 * every buffer is writable (no EFAULT), every file is O_RDWR and every
 * pool a device pool (EPERM only for a block another file owns), and a
 * name's geometry never changes (no ERANGE, and no EINVAL for a handle
 * that is not the start of a block).
 */
static bool errno_ok(enum call c, int e)
{
	if (!e)
		return true;
	switch (c) {
	case C_CREATE:
		return e == EEXIST || e == EDQUOT || e == ENOSPC || e == ENOMEM;
	case C_DESTROY:
		return e == ENOENT || e == EBUSY || e == ENOMEM;
	case C_DESTROY_FORCE:
	case C_STATS:
	case C_RESET:
	case C_WATCH:
		return e == ENOENT || e == ENOMEM;
	case C_ALLOC:
		return e == ENOENT || e == ENOMEM || e == ENOSPC;
	case C_ALLOC_WAIT:
		return e == ENOENT || e == ENOMEM || e == ETIMEDOUT ||
		       e == EINTR;
	case C_FREE:	/* the call; each handle's result is checked apart */
	case C_LIST:
		return e == ENOENT || e == ENOMEM;
	case C_READ:
	case C_WRITE:
		return e == ENOENT || e == ENOMEM || e == ENXIO ||
		       e == ESTALE || e == EPERM;
	case C_MAP:
		return e == ENOENT || e == ENOMEM || e == EOVERFLOW;
	case C_MMAP:
		/* ENOMEM: the process's address space, not the pool */
		return e == ENXIO || e == EACCES || e == ENOMEM;
	case C_EVREAD:
		return e == EAGAIN || e == EINVAL;
	case C_FORK:
		return e == EAGAIN || e == ENOMEM;
	case C_MUNMAP:
	case C_CLOSE:
	case NCALL:
		break;
	}
	return false;
}

/* FREE's per-handle results (negative errnos). */
static bool result_ok(int r)
{
	return r == 0 || r == -ENXIO || r == -ESTALE || r == -EPERM;
}

/* Counts the call and checks its errno; returns it. */
static int account(struct thr *t, enum call c, int e, const char *what,
		   int name)
{
	add(&shm->calls[c], 1);
	add(&shm->errs[c][e >= 0 && e < NERR ? e : NERR - 1], 1);
	if (!errno_ok(c, e))
		viol(t, V_ERRNO, "%s %s: %s, which the ABI does not list",
		     call_names[c], name >= 0 ? kinds[name].name : "-",
		     what ? what : ename(e));
	return e;
}

/* Accounts a library call's @ret (-errno on failure); returns the errno. */
static int lib(struct thr *t, enum call c, int ret, int name)
{
	int e = ret < 0 ? -ret : 0;

	return account(t, c, e, ename(e), name);
}

/*
 * MPOOL_IOC_MAP through @fd; returns the errno.  Raw: mpool_map() would
 * also mmap() the whole region, and these checks need MAP's own errno,
 * its out_flags and a mapping of part of the region.
 */
static int map_ioc(struct thr *t, int fd, int name, struct mpool_ioc_map *m)
{
	int e;

	memset(m, 0, sizeof(*m));
	m->size = sizeof(*m);
	set_name(m->name, kinds[name].name);
	e = ioctl(fd, MPOOL_IOC_MAP, m) ? errno : 0;
	return account(t, C_MAP, e, ename(e), name);
}

static int rw(struct thr *t, enum call c, int name, uint64_t h, void *buf,
	      uint32_t len)
{
	const char *pool = kinds[name].name;

	return lib(t, c, c == C_READ ? mpool_read(t->fd, pool, h, 0, buf, len) :
		   mpool_write(t->fd, pool, h, 0, buf, len), name);
}

/* ---- the budget file ------------------------------------------------------------- */

enum { B_BYTES, B_POOLS, B_DBYTES, B_DPOOLS, NBUDGET };

/*
 * Reads /sys/kernel/debug/mempool/budget into @v; returns the mask of the
 * four counts found, -1 without the file.  open() and read(), not stdio:
 * threads call it.
 */
static int budget_read(uint64_t v[NBUDGET])
{
	static const char *const keys[NBUDGET] = {
		"bytes", "pools", "destroyed_bytes", "destroyed_pools" };
	char buf[1024], key[64], *line, *save = NULL;
	unsigned long long x;
	int fd = open(BUDGET, O_RDONLY), seen = 0, i;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%63[^:]: %llu", key, &x) != 2)
			continue;
		for (i = 0; i < NBUDGET; i++) {
			if (!strcmp(key, keys[i])) {
				v[i] = x;
				seen |= 1 << i;
			}
		}
	}
	return seen;
}

/* ---- mappings ---------------------------------------------------------------------- */

static void on_fault(int sig)
{
	if (in_mapping)
		siglongjmp(fault_jb, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Reads every page of a mapping (and on a writable one writes zeros into
 * the page's tail that is in no block, which holds zeros already, so that
 * no owner's bytes change); a SIGBUS or SIGSEGV is a violation.
 */
static void touch(struct thr *t, struct mapping *m, const char *when)
{
	volatile unsigned char sum = 0;
	uint64_t tail = (uint64_t)kinds[m->name].bs * kinds[m->name].n;
	size_t i;
	int sig;

	in_mapping = 1;
	sig = sigsetjmp(fault_jb, 1);
	if (sig) {
		in_mapping = 0;
		viol(t, V_FAULT, "%s reading a %zu-byte mapping of %s %s",
		     strsignal(sig), m->len, kinds[m->name].name, when);
		return;
	}
	for (i = 0; i < m->len; i += PAGE)
		sum += m->p[i];
	if (m->writable && tail < m->len)
		m->p[tail] = 0;
	in_mapping = 0;
	add(&shm->map_reads, 1);
	(void)sum;
}

static void unmap(struct thr *t, int i)
{
	struct mapping *m = &t->maps[i];
	int e = 0;

	touch(t, m, "before munmap");
	if (m->len > PAGE && chance(t, 50)) {
		if (munmap(m->p + PAGE, m->len - PAGE))
			e = errno;
		if (munmap(m->p, PAGE))
			e = errno;
	} else if (munmap(m->p, m->len)) {
		e = errno;
	}
	account(t, C_MUNMAP, e, NULL, m->name);
	*m = t->maps[--t->nmaps];
}

/*
 * The grant whose range holds @off: a range given back may be covered by
 * a later pool's, which a file that MAPped that pool may map through any
 * of its offsets (struct mpool_ioc_map).
 */
static struct grant *grant_of(struct thr *t, uint64_t off)
{
	int i;

	for (i = 0; i < t->ngrants; i++)
		if (off - t->grants[i].off < region_len(t->grants[i].name))
			return &t->grants[i];
	return NULL;
}

/* A grant whose range holds @off, of a pool not destroyed since its MAP. */
static struct grant *live_grant_of(struct thr *t, uint64_t off)
{
	int i;

	for (i = 0; i < t->ngrants; i++)
		if (off - t->grants[i].off < region_len(t->grants[i].name) &&
		    ST_VER(st_read(t->grants[i].name)) == t->grants[i].ver)
			return &t->grants[i];
	return NULL;
}

/* A grant of a destroyed pool maps nothing: forgotten. */
static void prune_grants(struct thr *t)
{
	int i;

	for (i = t->ngrants - 1; i >= 0; i--)
		if (ST_VER(st_read(t->grants[i].name)) > t->grants[i].ver)
			t->grants[i] = t->grants[--t->ngrants];
}

static void add_grant(struct thr *t, int name, uint64_t off, uint64_t s0,
		      uint64_t s1)
{
	struct grant *g = grant_of(t, off);

	if (!g) {
		prune_grants(t);
		if (t->ngrants == GRANTS_MAX) {
			t->grants_lost = true;
			return;
		}
		g = &t->grants[t->ngrants++];
	}
	g->off = off;
	g->ver = ST_VER(s1);
	g->name = name;
	g->clean = clean(s0, s1);
}

/* ---- operations ----------------------------------------------------------------------- */

static void drop_hold(struct thr *t, int i)
{
	t->held[i] = t->held[--t->nheld];
}

/*
 * Ring entries: the handle (offsets here are below 2^24), the owner thread
 * + 1 in bits 24-30, bit 31 set when the pool instance is known, and the
 * low 8 bits of its version in bits 32-39.
 */
#define RING_OWNER(v)	((int)(((v) >> 24) & 0x7f) - 1)
#define RING_KNOWN	(1ULL << 31)
#define RING_VER8(v)	(((v) >> 32) & 0xff)
#define RING_HANDLE(v)	((v) & ~(0xffffULL << 24))

static void post_handle(struct thr *t, int name, struct hold *hd)
{
	struct name_state *ns = &shm->ns[name];
	uint32_t pos = __atomic_fetch_add(&ns->ring_pos, 1, __ATOMIC_RELAXED);
	uint64_t v = hd->h | (uint64_t)(t->id + 1) << 24;

	if (hd->known)
		v |= RING_KNOWN | (hd->ver & 0xff) << 32;
	/* One store: a reader never sees one thread's handle as another's. */
	__atomic_store_n(&ns->ring[pos % RING], v, __ATOMIC_RELAXED);
}

/* Writes a tag into a block just allocated, and reads it back. */
static void check_fresh(struct thr *t, struct hold *hd, uint64_t s0)
{
	uint64_t got = 0, s1;
	int e;

	e = rw(t, C_WRITE, hd->name, hd->h, &hd->tag, sizeof(hd->tag));
	if (!e)
		e = rw(t, C_READ, hd->name, hd->h, &got, sizeof(got));
	s1 = st_read(hd->name);
	if (!clean(s0, s1))
		return;
	add(&shm->fresh_checked, 1);
	if (e)
		viol(t, V_FRESH, "%s handle %#llx just allocated: %s",
		     kinds[hd->name].name, (unsigned long long)hd->h, ename(e));
	else if (got != hd->tag)
		viol(t, V_FRESH, "%s handle %#llx reads %#llx, its owner wrote %#llx",
		     kinds[hd->name].name, (unsigned long long)hd->h,
		     (unsigned long long)got, (unsigned long long)hd->tag);
}

static void op_alloc(struct thr *t)
{
	uint32_t count, flags = MPOOL_ALLOC_OWNED, timeout_ms = 0;
	int name = rn(t, nnames), e, i, got;
	uint64_t h[4], s0, s1;
	bool wait = chance(t, 60);

	while (t->nheld > HELD_MAX - 4)
		drop_hold(t, rn(t, t->nheld));	/* left to the close */
	count = 1 + rn(t, 4);
	if (wait) {
		flags |= MPOOL_ALLOC_WAIT;
		timeout_ms = 1 + rn(t, 100);
	}
	s0 = st_read(name);
	got = mpool_alloc(t->fd, kinds[name].name, h, count, flags,
			  timeout_ms);
	e = lib(t, wait ? C_ALLOC_WAIT : C_ALLOC, got, name);
	s1 = st_read(name);
	if (s0 == s1 && (s0 & ST_GONE))
		add(&shm->gone_checked, 1);
	if (e)
		return;
	if (s0 == s1 && (s0 & ST_GONE))
		viol(t, V_GONE_ALLOC, "ALLOC %s got %d blocks (first %#llx) while the name had no pool (version %llu)",
		     kinds[name].name, got,
		     (unsigned long long)h[0], (unsigned long long)ST_VER(s0));
	if (!got || (uint32_t)got > count) {
		viol(t, V_ERRNO, "ALLOC %s of %u gave out_allocated %d",
		     kinds[name].name, count, got);
		return;
	}
	for (i = 0; i < got; i++) {
		struct hold *hd = &t->held[t->nheld++];

		hd->h = h[i];
		hd->name = name;
		hd->tag = splitmix(&t->rng);
		/* Which instance gave it is known when the ALLOC was clean. */
		hd->known = clean(s0, s1);
		hd->ver = ST_VER(s0);
		check_fresh(t, hd, s0);
		post_handle(t, name, hd);
	}
}

/* READ of one of this file's blocks. */
static void op_read_own(struct thr *t)
{
	struct hold *hd;
	uint64_t got = 0, s0, s1;
	int i, e;

	if (!t->nheld)
		return;
	i = rn(t, t->nheld);
	hd = &t->held[i];
	s0 = st_read(hd->name);
	e = rw(t, C_READ, hd->name, hd->h, &got, sizeof(got));
	s1 = st_read(hd->name);
	if (hd->known && ST_VER(s0) != hd->ver) {
		/* Its pool was destroyed before the READ started. */
		add(&shm->stale_checked, 1);
		if (!e)
			viol(t, V_STALE, "READ %s handle %#llx of the pool of version %llu succeeded at version %llu",
			     kinds[hd->name].name, (unsigned long long)hd->h,
			     (unsigned long long)hd->ver,
			     (unsigned long long)ST_VER(s0));
		drop_hold(t, i);
		return;
	}
	if (hd->known && clean(s0, s1) && ST_VER(s0) == hd->ver) {
		if (e)
			viol(t, V_FRESH, "READ %s handle %#llx held by this file: %s",
			     kinds[hd->name].name, (unsigned long long)hd->h,
			     ename(e));
		else if (got != hd->tag)
			viol(t, V_FRESH, "%s handle %#llx reads %#llx, its owner wrote %#llx",
			     kinds[hd->name].name, (unsigned long long)hd->h,
			     (unsigned long long)got,
			     (unsigned long long)hd->tag);
	}
	if (e)
		drop_hold(t, i);
}

static void op_free(struct thr *t)
{
	uint64_t h[4], ver[4], s0, s1;
	bool known[4];
	int32_t res[4];
	int name, n = 0, i, e, freed, invalid = 0;

	if (!t->nheld)
		return;
	name = t->held[rn(t, t->nheld)].name;
	for (i = t->nheld - 1; i >= 0 && n < 4; i--) {
		if (t->held[i].name != name || (n && chance(t, 30)))
			continue;
		h[n] = t->held[i].h;
		ver[n] = t->held[i].ver;
		known[n++] = t->held[i].known;
		drop_hold(t, i);
	}
	memset(res, 0x5a, sizeof(res));
	s0 = st_read(name);
	freed = mpool_free(t->fd, kinds[name].name, h, n, res);
	e = lib(t, C_FREE, freed, name);
	s1 = st_read(name);
	if (e)
		return;
	for (i = 0; i < n; i++) {
		invalid += res[i] != 0;
		if (!result_ok(res[i]))
			viol(t, V_ERRNO, "FREE %s handle %#llx: result %d",
			     kinds[name].name, (unsigned long long)h[i], res[i]);
		if (known[i] && ST_VER(s0) != ver[i]) {
			add(&shm->stale_checked, 1);
			if (!res[i])
				add(&shm->wrong_frees, 1);
			if (!res[i])
				viol(t, V_STALE, "FREE %s handle %#llx of the pool of version %llu succeeded at version %llu",
				     kinds[name].name,
				     (unsigned long long)h[i],
				     (unsigned long long)ver[i],
				     (unsigned long long)ST_VER(s0));
		} else if (known[i] && clean(s0, s1) && res[i]) {
			viol(t, V_FRESH, "FREE %s handle %#llx held by this file: %s",
			     kinds[name].name, (unsigned long long)h[i],
			     ename(-res[i]));
		}
	}
	/* The library returns out_freed, not out_invalid: the results count. */
	if (freed + invalid != n)
		viol(t, V_ERRNO, "FREE %s of %d: freed %d + invalid %d",
		     kinds[name].name, n, freed, invalid);
}

/*
 * READ or FREE of a block another thread's file owns: never allowed.  A
 * success is counted as "stale" when the handle's pool was destroyed
 * before the call (a handle reaching a later pool), else as "foreign".
 */
static void op_foreign(struct thr *t)
{
	int name = rn(t, nnames), e;
	uint64_t v = __atomic_load_n(&shm->ns[name].ring[rn(t, RING)],
				     __ATOMIC_RELAXED);
	uint64_t h = RING_HANDLE(v), got, s0 = st_read(name);
	int owner = RING_OWNER(v);
	bool stale = (v & RING_KNOWN) && RING_VER8(v) != (ST_VER(s0) & 0xff);
	const char *how = "";

	if (inject_foreign && t->nheld) {
		/* A block this file holds, read as if another file held it. */
		struct hold *hd = &t->held[rn(t, t->nheld)];

		name = hd->name;
		h = hd->h;
		owner = t->id;
		stale = false;
	} else if (!v || owner == t->id) {
		return;
	}
	add(stale ? &shm->stale_checked : &shm->foreign_checked, 1);
	if (inject_foreign || chance(t, 50)) {
		how = "READ";
		e = rw(t, C_READ, name, h, &got, sizeof(got));
	} else {
		int32_t res = 1;

		how = "FREE";
		e = lib(t, C_FREE, mpool_free(t->fd, kinds[name].name, &h, 1,
					      &res), name);
		if (!e && !result_ok(res))
			viol(t, V_ERRNO, "FREE %s foreign handle %#llx: result %d",
			     kinds[name].name, (unsigned long long)h, res);
		if (!e)
			e = -res;
		if (!e)
			add(&shm->wrong_frees, 1);
	}
	if (e)
		return;
	if (stale)
		viol(t, V_STALE, "%s %s handle %#llx, owned by thread %d's file in a pool destroyed since, succeeded at version %llu",
		     how, kinds[name].name, (unsigned long long)h, owner,
		     (unsigned long long)ST_VER(s0));
	else
		viol(t, V_FOREIGN, "%s %s handle %#llx owned by thread %d's file succeeded",
		     how, kinds[name].name, (unsigned long long)h, owner);
}

static void lock_name(int name)
{
	if (pthread_mutex_lock(&shm->ns[name].lock) == EOWNERDEAD)
		pthread_mutex_consistent(&shm->ns[name].lock);
}

static void op_create(struct thr *t, int name)
{
	const struct pool_kind *k = &kinds[name];
	uint64_t s;
	int e;

	lock_name(name);
	s = st_read(name);
	if (!(s & ST_GONE)) {
		e = lib(t, C_CREATE, mpool_create(t->fd, k->name, k->bs, k->n,
						  0, k->flags), name);
		if (e != EEXIST)
			viol(t, V_LIFECYCLE, "CREATE %s over an existing pool: %s",
			     kinds[name].name, ename(e));
	} else {
		st_write(name, (ST_VER(s) + 1) << 2);
		e = lib(t, C_CREATE, mpool_create(t->fd, k->name, k->bs, k->n,
						  0, k->flags), name);
		if (e) {
			st_write(name, (ST_VER(s) + 2) << 2 | ST_GONE);
			if (e == EEXIST)
				viol(t, V_LIFECYCLE, "CREATE %s with no pool: EEXIST",
				     kinds[name].name);
		}
	}
	pthread_mutex_unlock(&shm->ns[name].lock);
}

static void op_destroy(struct thr *t, int name, bool force)
{
	enum call c = force ? C_DESTROY_FORCE : C_DESTROY;
	uint32_t flags = force ? MPOOL_DESTROY_FORCE : 0;
	uint64_t s;
	int e;

	lock_name(name);
	s = st_read(name);
	if (s & ST_GONE) {
		e = lib(t, c, mpool_destroy(t->fd, kinds[name].name, flags),
			name);
		if (e != ENOENT)
			viol(t, V_LIFECYCLE, "DESTROY %s with no pool: %s",
			     kinds[name].name, ename(e));
	} else {
		st_write(name, s | ST_DESTROYING);
		e = lib(t, c, mpool_destroy(t->fd, kinds[name].name, flags),
			name);
		if (!e)
			st_write(name, (ST_VER(s) + 1) << 2 | ST_GONE);
		else
			st_write(name, s);
		if (e && e != ENOMEM && (force || e != EBUSY))
			viol(t, V_LIFECYCLE, "DESTROY%s %s of an existing pool: %s",
			     force ? "(FORCE)" : "", kinds[name].name,
			     ename(e));
	}
	pthread_mutex_unlock(&shm->ns[name].lock);
}

/* mmap() of @off through @fd; returns the mapping or NULL (errno set). */
static void *map_at(int fd, uint64_t off, size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)off);

	return p == MAP_FAILED ? NULL : p;
}

static void keep_mapping(struct thr *t, void *p, size_t len, int name,
			 bool writable, uint64_t ver)
{
	struct mapping *m;

	if (t->nmaps == MAPS_MAX)
		unmap(t, rn(t, t->nmaps));
	m = &t->maps[t->nmaps++];
	m->p = p;
	m->len = len;
	m->name = name;
	m->writable = writable;
	m->ver = ver;
	add(&shm->mapped, 1);
	touch(t, m, "just mapped");
}

/*
 * A kept mapping read again; when its pool was destroyed since, the pool's
 * memory is still there (this mapping holds it), so ABI 4 still charges it.
 */
static void op_touch_later(struct thr *t)
{
	struct mapping *m = &t->maps[rn(t, t->nmaps)];
	uint64_t v[NBUDGET] = { 0 };

	if (have_budget && ST_VER(st_read(m->name)) > m->ver &&
	    budget_read(v) == (1 << NBUDGET) - 1) {
		add(&shm->budget_checked, 1);
		if (!v[B_DPOOLS] || !v[B_DBYTES])
			viol(t, V_BUDGET, "a mapping of %s's pool of version %llu is alive, the budget file says destroyed_pools %llu destroyed_bytes %llu",
			     kinds[m->name].name, (unsigned long long)m->ver,
			     (unsigned long long)v[B_DPOOLS],
			     (unsigned long long)v[B_DBYTES]);
	}
	touch(t, m, "later");
}

static void op_map(struct thr *t)
{
	struct mpool_ioc_map m;
	int name = rn(t, nnames), e, prot = PROT_READ;
	bool rw_pool = kinds[name].flags & MPOOL_CREATE_MAP_WRITE;
	uint64_t s0, s1, s2;
	size_t len;
	void *p;

	s0 = st_read(name);
	e = map_ioc(t, t->fd, name, &m);
	s1 = st_read(name);
	if (e)
		return;
	if (m.out_length != region_len(name) || m.out_offset % PAGE ||
	    (m.out_flags != (rw_pool ? MPOOL_MAP_WRITABLE : 0)))
		viol(t, V_ERRNO, "MAP %s gave offset %#llx length %llu flags %#x",
		     kinds[name].name, (unsigned long long)m.out_offset,
		     (unsigned long long)m.out_length, m.out_flags);
	add_grant(t, name, m.out_offset, s0, s1);
	__atomic_store_n(&shm->ns[name].map_off, m.out_offset,
			 __ATOMIC_RELAXED);
	if (chance(t, 30))
		prot |= PROT_WRITE;
	len = region_len(name);
	if (len > PAGE && chance(t, 30))
		len -= PAGE;
	p = map_at(t->fd, m.out_offset, len, prot);
	e = p ? 0 : errno;
	s2 = st_read(name);
	account(t, C_MMAP, e, NULL, name);
	if ((prot & PROT_WRITE) && !rw_pool) {
		if (!e)
			viol(t, V_ERRNO, "mmap(PROT_WRITE) of %s, a pool without MAP_WRITE, succeeded",
			     kinds[name].name);
	} else if (clean(s0, s2) && e && e != ENOMEM) {
		viol(t, V_ERRNO, "mmap of %s at the offset MAP just gave this file: %s",
		     kinds[name].name, ename(e));
	}
	if (p && (!(prot & PROT_WRITE) || rw_pool))
		keep_mapping(t, p, len, name, prot & PROT_WRITE, ST_VER(s1));
	else if (p)
		munmap(p, len);
}

/*
 * mmap() of the last offset MAP gave anyone: refused unless MAP gave it
 * this file, and refused when the pool MAP gave it for is destroyed.
 */
static void op_map_other(struct thr *t)
{
	int name = rn(t, nnames), e;
	uint64_t off = __atomic_load_n(&shm->ns[name].map_off,
				       __ATOMIC_RELAXED);
	struct grant *g;
	void *p;

	if (!off)
		return;
	/*
	 * Refused unless a range MAP gave this file, of a pool not destroyed
	 * before the mmap started, holds the offset.
	 */
	g = live_grant_of(t, off);
	p = map_at(t->fd, off, PAGE, PROT_READ);
	e = p ? 0 : errno;
	account(t, C_MMAP, e, NULL, name);
	if (!g && !t->grants_lost) {
		add(&shm->ungranted_checked, 1);
		if (!e)
			viol(t, V_UNGRANTED, "mmap of %s's offset %#llx, in no range MAP gave this file for a live pool, succeeded",
			     kinds[name].name, (unsigned long long)off);
	}
	if (p) {
		struct mapping m = { .p = p, .len = PAGE, .name = name };

		touch(t, &m, "mapped at another file's offset");
		munmap(p, PAGE);
	}
}

/*
 * Through the read-only file: MAP and mmap(PROT_READ) (ABI 4: read access
 * is enough), mmap(PROT_WRITE) (EACCES), READ of a block this thread's
 * other file owns (never succeeds).
 */
static void op_readonly(struct thr *t)
{
	struct mpool_ioc_map m;
	int name = rn(t, nnames), e, prot = PROT_READ;
	uint64_t s0, s1, got;
	void *p;

	if (t->nheld && chance(t, 30)) {
		struct hold *hd = &t->held[rn(t, t->nheld)];

		add(&shm->foreign_checked, 1);
		if (!lib(t, C_READ, mpool_read(t->rofd, kinds[hd->name].name,
					       hd->h, 0, &got, sizeof(got)),
			 hd->name))
			viol(t, V_FOREIGN, "READ %s handle %#llx, owned by this thread's O_RDWR file, through its O_RDONLY file succeeded",
			     kinds[hd->name].name, (unsigned long long)hd->h);
		return;
	}
	s0 = st_read(name);
	if (map_ioc(t, t->rofd, name, &m))
		return;
	if (chance(t, 30))
		prot |= PROT_WRITE;
	p = map_at(t->rofd, m.out_offset, PAGE, prot);
	e = p ? 0 : errno;
	s1 = st_read(name);
	account(t, C_MMAP, e, NULL, name);
	if ((prot & PROT_WRITE) && !e)
		viol(t, V_ERRNO, "mmap(PROT_WRITE) of %s through an O_RDONLY file succeeded",
		     kinds[name].name);
	else if (!(prot & PROT_WRITE) && clean(s0, s1) && e && e != ENOMEM)
		viol(t, V_ERRNO, "mmap of %s through an O_RDONLY file at the offset MAP just gave it: %s",
		     kinds[name].name, ename(e));
	if (p) {
		struct mapping mp = { .p = p, .len = PAGE, .name = name };

		touch(t, &mp, "through an O_RDONLY file");
		munmap(p, PAGE);
	}
}

static void op_watch(struct thr *t)
{
	struct mpool_ioc_watch w;
	struct mpool_watch_event *ev = t->ev;
	int name = rn(t, nnames), e, i;
	struct pollfd pfd = { .fd = t->fd, .events = POLLIN };
	uint32_t flags = 0, below = 0;
	ssize_t n;

	if (chance(t, 50)) {
		flags = MPOOL_WATCH_SET;
		below = rn(t, kinds[name].n + 1);
	}
	e = lib(t, C_WATCH, mpool_watch(t->fd, kinds[name].name, flags, below,
					&w), name);
	if (!e && (w.out_free > kinds[name].n || w.out_below > kinds[name].n))
		viol(t, V_WATCH, "WATCH %s: out_free %u out_below %u of %u blocks",
		     kinds[name].name, w.out_free, w.out_below, kinds[name].n);
	if (poll(&pfd, 1, 0) < 0)
		viol(t, V_WATCH, "poll: %s", ename(errno));
	n = mpool_read_events(t->fd, t->ev, EVENTS_MAX);
	/* -EIO: the library's word for a read of part of an event. */
	account(t, C_EVREAD, n < 0 && n != -EIO ? -n : 0, NULL, -1);
	if (n == -EIO) {
		viol(t, V_WATCH, "read of events gave part of an event");
		return;
	}
	if (n <= 0)
		return;
	for (i = 0; i < n; i++)
		if ((ev[i].type != MPOOL_WATCH_LOW &&
		     ev[i].type != MPOOL_WATCH_RECOVERED) ||
		    ev[i].blocks_free > BLOCKS_MAX)
			viol(t, V_WATCH, "event type %u free %u below %u",
			     ev[i].type, ev[i].blocks_free, ev[i].below);
}

static void op_stats(struct thr *t)
{
	struct mpool_ioc_stats s;
	char names[NAMES_MAX * 2][MPOOL_IOC_NAME_MAX];
	int name = rn(t, nnames), e, count;

	switch (rn(t, 3)) {
	case 0:
		e = lib(t, C_STATS, mpool_stats(t->fd, kinds[name].name, &s),
			name);
		if (!e && (s.out_blocks_total != kinds[name].n ||
			   s.out_blocks_in_use > s.out_blocks_total ||
			   s.out_blocks_free > s.out_blocks_total ||
			   s.out_block_size != kinds[name].bs))
			viol(t, V_STATS, "STATS %s: total %llu in use %llu free %llu block size %llu",
			     kinds[name].name,
			     (unsigned long long)s.out_blocks_total,
			     (unsigned long long)s.out_blocks_in_use,
			     (unsigned long long)s.out_blocks_free,
			     (unsigned long long)s.out_block_size);
		break;
	case 1:
		lib(t, C_RESET, mpool_reset(t->fd, kinds[name].name), name);
		break;
	default:
		count = mpool_list(t->fd, names, NAMES_MAX * 2);
		e = lib(t, C_LIST, count, -1);
		if (!e && count > nnames)
			viol(t, V_STATS, "LIST: %d pools of %d names",
			     count, nnames);
	}
}

/* The file, or -errno. */
static int open_dev(int mode)
{
	return mpool_open(mode | O_NONBLOCK);
}

/* Closing the file frees its owned blocks and ends its grants. */
static void op_reopen(struct thr *t)
{
	int e = close(t->fd) ? errno : 0;

	account(t, C_CLOSE, e, NULL, -1);
	t->fd = open_dev(O_RDWR);
	if (t->fd < 0) {
		fprintf(stderr, "mpool_stress: open %s: %s\n", MPOOL_DEV_PATH,
			strerror(-t->fd));
		_exit(2);
	}
	t->nheld = 0;
	t->ngrants = 0;
	t->grants_lost = false;
}

/*
 * A forked child: its own file's owned blocks and mappings, a mapping
 * through the file it inherited, then _exit() or a SIGKILL from its parent
 * at any point.  Only write() prints here (other threads of the parent may
 * have held stdio's locks at the fork).
 */
static void child(struct thr *t, bool wait_kill)
{
	struct mpool_ioc_map m;
	int name = rn(t, nnames), e, i, n, inherited = t->fd;
	uint64_t h[4], s0, s1, got;
	void *p;

	t->fd = open_dev(O_RDWR);
	if (t->fd < 0)
		_exit(3);
	n = 1 + rn(t, 4);
	s0 = st_read(name);
	n = mpool_alloc(t->fd, kinds[name].name, h, n,
			MPOOL_ALLOC_OWNED | MPOOL_ALLOC_WAIT, 20);
	e = lib(t, C_ALLOC_WAIT, n, name);
	for (i = 0; !e && i < n; i++) {
		e = rw(t, C_READ, name, h[i], &got, sizeof(got));
		s1 = st_read(name);
		if (e && clean(s0, s1))
			viol(t, V_FRESH, "child: READ %s handle %#llx just allocated: %s",
			     kinds[name].name, (unsigned long long)h[i],
			     ename(e));
	}
	if (!map_ioc(t, t->fd, name, &m)) {
		p = map_at(t->fd, m.out_offset, PAGE, PROT_READ);
		account(t, C_MMAP, p ? 0 : errno, NULL, name);
		if (p) {
			struct mapping mp = { .p = p, .len = PAGE, .name = name };

			touch(t, &mp, "in a child");
		}
	}
	/* The parent's grants hold for the file the child inherited. */
	for (i = 0; i < t->ngrants; i++) {
		struct grant *g = &t->grants[i];

		s0 = st_read(g->name);
		p = map_at(inherited, g->off, PAGE, PROT_READ);
		e = p ? 0 : errno;
		s1 = st_read(g->name);
		account(t, C_MMAP, e, NULL, g->name);
		if (e && e != ENOMEM && g->clean && clean(s0, s1) &&
		    ST_VER(s0) == g->ver)
			viol(t, V_UNGRANTED, "child: mmap of %s's offset %#llx that MAP gave the inherited file: %s",
			     kinds[g->name].name, (unsigned long long)g->off,
			     ename(e));
		break;
	}
	if (wait_kill)
		for (;;)
			pause();
	_exit(0);
}

static void op_fork(struct thr *t)
{
	bool kill_it = chance(t, 50);
	int status;
	pid_t pid;

	add(&shm->children, 1);
	pid = fork();
	if (pid == 0)
		child(t, kill_it);
	if (pid < 0) {
		account(t, C_FORK, errno, NULL, -1);
		return;
	}
	account(t, C_FORK, 0, NULL, -1);
	if (kill_it) {
		nap_us(rn(t, 20000));
		kill(pid, SIGKILL);
		add(&shm->killed, 1);
	}
	if (waitpid(pid, &status, 0) != pid) {
		viol(t, V_CHILD, "waitpid: %s", ename(errno));
		return;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	if (kill_it && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return;
	viol(t, V_CHILD, "child %d ended with status %#x", pid, status);
}

static void one_op(struct thr *t)
{
	uint32_t r = rn(t, 100);

	t->opno++;
	if (r < 24)
		op_alloc(t);
	else if (r < 36)
		op_free(t);
	else if (r < 44)
		op_read_own(t);
	else if (r < 49)
		op_foreign(t);
	else if (r < 53)
		op_create(t, rn(t, nnames));
	else if (r < 57)
		op_destroy(t, rn(t, nnames), chance(t, 50));
	else if (r < 67)
		op_map(t);
	else if (r < 70)
		op_map_other(t);
	else if (r < 72)
		op_readonly(t);
	else if (r < 75 && t->nmaps)
		unmap(t, rn(t, t->nmaps));
	else if (r < 78 && t->nmaps)
		op_touch_later(t);
	else if (r < 84)
		op_watch(t);
	else if (r < 92)
		op_stats(t);
	else if (r < 94)
		op_reopen(t);
	else if (r < 97)
		op_fork(t);
	else
		nap_us(rn(t, 2000));
}

static void *thread_main(void *arg)
{
	struct thr *t = arg;
	char line[160];
	int n;

	n = snprintf(line, sizeof(line), "mpool_stress: thread %d seed %#llx\n",
		     t->id, (unsigned long long)t->rng);
	if (write(STDOUT_FILENO, line, n) < 0)
		return NULL;
	t->fd = open_dev(O_RDWR);
	t->rofd = open_dev(O_RDONLY);
	if (t->fd < 0 || t->rofd < 0) {
		fprintf(stderr, "mpool_stress: open %s: %s\n", MPOOL_DEV_PATH,
			strerror(t->fd < 0 ? -t->fd : -t->rofd));
		exit(2);
	}
	while (!past_deadline())
		one_op(t);
	while (t->nmaps)
		unmap(t, 0);
	account(t, C_CLOSE, close(t->fd) ? errno : 0, NULL, -1);
	account(t, C_CLOSE, close(t->rofd) ? errno : 0, NULL, -1);
	return NULL;
}

static int worker_proc(int p)
{
	pthread_t th[THREADS_MAX];
	struct thr *t = calloc(nthreads, sizeof(*t));
	int i;

	if (!t)
		return 2;
	for (i = 0; i < nthreads; i++) {
		t[i].id = p * nthreads + i;
		t[i].rng = seed ^ ((uint64_t)(t[i].id + 1) << 48);
		splitmix(&t[i].rng);
		if (pthread_create(&th[i], NULL, thread_main, &t[i]))
			return 2;
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	free(t);
	return 0;
}

/* ---- the end ---------------------------------------------------------------------- */

/* 1 if the budget file's four counts are all 0, 0 if not, -1 if absent. */
static int budget_zero(char *out, size_t outlen)
{
	uint64_t v[NBUDGET] = { 0 };
	int seen = budget_read(v);

	if (seen < 0)
		return -1;
	snprintf(out, outlen, "bytes %llu pools %llu destroyed_bytes %llu destroyed_pools %llu%s",
		 (unsigned long long)v[B_BYTES], (unsigned long long)v[B_POOLS],
		 (unsigned long long)v[B_DBYTES],
		 (unsigned long long)v[B_DPOOLS],
		 seen == (1 << NBUDGET) - 1 ? "" : " (a line is missing)");
	return seen == (1 << NBUDGET) - 1 && !v[B_BYTES] && !v[B_POOLS] &&
	       !v[B_DBYTES] && !v[B_DPOOLS];
}

static bool final_checks(void)
{
	struct mpool_ioc_stats s;
	char msg[256] = "", buf[256];
	bool ok = true, all = true;
	int fd = mpool_open(O_RDWR), i, e, b = -1, count;

	if (fd < 0) {
		result(0, "stress-blocks-back", "open: %s", strerror(-fd));
		return false;
	}
	/* Every owner is gone: no block in use, and a plain DESTROY works. */
	for (i = 0; i < nnames; i++) {
		e = mpool_stats(fd, kinds[i].name, &s);
		if (!e && s.out_blocks_in_use) {
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
				 "%s: %llu blocks in use; ", kinds[i].name,
				 (unsigned long long)s.out_blocks_in_use);
			all = false;
		}
		e = mpool_destroy(fd, kinds[i].name, 0);
		if (e && e != -ENOENT) {
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
				 "DESTROY %s: %s; ", kinds[i].name, ename(-e));
			all = false;
			mpool_destroy(fd, kinds[i].name, MPOOL_DESTROY_FORCE);
		}
	}
	result(all, "stress-blocks-back", "%s", msg);
	ok &= all;
	count = mpool_list(fd, NULL, 0);
	result(!count, "stress-list-empty", "LIST: %s, %d pools",
	       ename(count < 0 ? -count : 0), count < 0 ? 0 : count);
	ok &= !count;
	close(fd);
	/* The last munmap frees the pool's memory from a workqueue. */
	for (i = 0; i < 50; i++) {
		b = budget_zero(buf, sizeof(buf));
		if (b != 0)
			break;
		nap_us(100000);
	}
	if (b < 0) {
		printf("MPTEST ok stress-budget-back-to-zero # SKIP %s does not exist (ABI 4's budget file not in this module yet)\n",
		       BUDGET);
	} else {
		result(b, "stress-budget-back-to-zero", "after 5 s: %s", buf);
		ok &= b;
	}
	return ok;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mpool_stress [--seconds N] [--seed S] [--procs N] [--threads N] [--names N]\n"
		"                    [--inject-foreign]\n"
		"  N processes of N threads each race for N seconds over N pool names\n"
		"  (defaults: 600 s, a random seed, 2 processes, 3 threads, 4 names);\n"
		"  --inject-foreign: a thread's own blocks count as another file's, so\n"
		"  that the \"foreign\" check must fire (a test of the checker);\n"
		"  exit 1 on a violation, 2 on a setup failure.\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seconds", 1, NULL, 's' }, { "seed", 1, NULL, 'S' },
		{ "procs", 1, NULL, 'p' }, { "threads", 1, NULL, 't' },
		{ "names", 1, NULL, 'n' },
		{ "inject-foreign", 0, NULL, 'i' }, { NULL, 0, NULL, 0 },
	};
	pthread_mutexattr_t ma;
	struct sigaction sa = { .sa_handler = on_fault };
	pid_t pids[PROCS_MAX];
	long total = 0, bad = 0;
	struct timespec t0;
	int c, i, j, status;
	bool ok = true;

	seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			seconds = atoi(optarg);
			break;
		case 'S':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			nprocs = atoi(optarg);
			break;
		case 't':
			nthreads = atoi(optarg);
			break;
		case 'n':
			nnames = atoi(optarg);
			break;
		case 'i':
			inject_foreign = true;
			break;
		default:
			usage();
		}
	}
	if (seconds < 1 || nprocs < 1 || nprocs > PROCS_MAX || nthreads < 1 ||
	    nthreads > THREADS_MAX || nnames < 1 || nnames > NAMES_MAX)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		return 2;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	for (i = 0; i < nnames; i++) {
		pthread_mutex_init(&shm->ns[i].lock, &ma);
		shm->ns[i].word = ST_GONE;
	}
	have_budget = !access(BUDGET, R_OK);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	printf("mpool_stress: seed %#llx, %d processes of %d threads, %d names, %d s\n",
	       (unsigned long long)seed, nprocs, nthreads, nnames, seconds);
	fflush(stdout);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	deadline = t0;
	deadline.tv_sec += seconds;
	for (i = 0; i < nprocs; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(worker_proc(i));
		if (pids[i] < 0) {
			perror("fork");
			return 2;
		}
	}
	for (i = 0; i < nprocs; i++) {
		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			viol(NULL, V_CHILD, "worker process %d ended with status %#x",
			     i, status);
			if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
				return 2;
		}
	}

	for (i = 0; i < NCALL; i++) {
		char line[1024];
		int n;

		total += shm->calls[i];
		n = snprintf(line, sizeof(line), "mpool_stress: %-14s %8ld:",
			     call_names[i], shm->calls[i]);
		for (j = 0; j < NERR; j++)
			if (shm->errs[i][j] && n < (int)sizeof(line) - 40)
				n += snprintf(line + n, sizeof(line) - n,
					      " %s %ld", ename(j),
					      shm->errs[i][j]);
		puts(line);
	}
	printf("mpool_stress: %ld children (%ld SIGKILLed), %ld mappings, %ld mapping reads\n",
	       shm->children, shm->killed, shm->mapped, shm->map_reads);
	printf("mpool_stress: checked %ld fresh blocks, %ld allocs while gone, %ld stale handles, %ld foreign handles, %ld ungranted mmaps, %ld budgets\n",
	       shm->fresh_checked, shm->gone_checked, shm->stale_checked,
	       shm->foreign_checked, shm->ungranted_checked,
	       shm->budget_checked);
	printf("mpool_stress: %ld FREEs of stale or foreign handles succeeded; %ld fresh violations came after one\n",
	       shm->wrong_frees, shm->fresh_after_wrong_free);
	printf("mpool_stress: violations:");
	for (i = 0; i < NKIND; i++) {
		printf(" %s %ld", kind_names[i], shm->viol[i]);
		bad += shm->viol[i];
	}
	printf("\n");
	for (i = 0; i < NKIND; i++)
		if (i == V_BUDGET && !have_budget)
			printf("MPTEST ok %s # SKIP %s does not exist (not in this module yet)\n",
			       kind_tests[i], BUDGET);
		else
			result(!shm->viol[i], kind_tests[i],
			       "%ld violations (first shown above as VIOLATION %s)",
			       shm->viol[i], kind_names[i]);
	ok = final_checks() && !bad;
	printf("mpool_stress: seed %#llx, %ld calls in %d s, %ld violations\n",
	       (unsigned long long)seed, total, seconds, bad);
	return ok ? 0 : 1;
}
