// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_fuzz: an ioctl fuzzer of /dev/mempool.
 *
 * Several processes, each with several threads ("workers"), issue valid,
 * mutated (one field of a valid struct changed) and random ioctls against
 * a handful of pools:
 *
 *   fz_s0..fz_s3  shared and stable: created by the parent, never
 *                 destroyed while the workers run; every worker tracks
 *                 the blocks it holds in them, writes its id into each
 *                 and verifies it before freeing.
 *   fz_p<W>       private to worker W: double frees, frees of blocks
 *                 never allocated, reads of freed blocks are exact there.
 *   fz_v0..fz_v5  volatile: created and destroyed by anyone, allocated
 *                 from with MPOOL_ALLOC_WAIT while others destroy them.
 *
 * Every errno must be one the ABI documents for the command (errno_ok());
 * where the mutation decides the outcome it must be exactly that errno.
 * At the end the parent checks, through MPOOL_IOC_STATS, that each stable
 * pool's blocks in use are exactly those the workers say they hold, then,
 * after the workers freed them, none.  Prints the guest protocol's lines
 * (MPTEST ok NAME / MPTEST not ok NAME: MSG) and a summary; exits 1 on a
 * failure.  Each operation is a function of the seed, the worker and its
 * index: `--seed S --worker W --replay-op N` replays worker W's first N+1
 * operations in one thread, printing each.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mpool_ioctl.h"

#define DEV "/dev/mempool"
#define PAGE 4096UL
#define NSTABLE 4
#define NVOL 6
#define MAXW 256		/* most workers */
#define HELD_MAX 1024		/* most blocks a worker holds per pool */
#define PRIV_BLOCKS 64
#define MAXERR 256
#define NCMD 16			/* command nrs counted: 0..0x0f, rest in 15 */
#define FAIL_PRINT_MAX 10

static const struct {
	const char *name;
	uint32_t bs, n, align, flags;
} stable[NSTABLE] = {
	{ "fz_s0", 64, 256, 0, 0 },
	{ "fz_s1", 100, 128, 0, MPOOL_CREATE_PERCPU | MPOOL_CREATE_POISON },
	{ "fz_s2", 4096, 64, 4096, MPOOL_CREATE_ZERO | MPOOL_CREATE_TRACK },
	{ "fz_s3", 1, 512, 0, MPOOL_CREATE_PERCPU },
};

/* Shared between the parent and every worker process. */
struct shm {
	int arrived;		/* workers done with their operations */
	int phase;		/* 1: the parent has checked, free and exit */
	int capped;		/* a worker stopped at the time cap */
	long ops[MAXW];
	long fails[MAXW];
	long held[MAXW][NSTABLE];
	long hist[MAXW][MAXERR];
	long cmdhist[MAXW][NCMD];
	long lost_efault[MAXW];	/* ALLOCs refused with EFAULT (undone) */
	long verified[MAXW];	/* blocks whose pattern was checked */
};

static struct {
	long ops;
	int procs, threads, seconds;
	uint64_t seed;
	long replay_op;
	int worker;
	int verbose;
	int miscount;
	uint64_t max_bytes;
} opt = { .ops = 100000, .procs = 4, .threads = 4, .seconds = 600,
	  .replay_op = -1 };

static struct shm *shm;
static int shared_fd = -1;	/* closed and reopened under the workers */
static volatile int stop_closer;
static struct timespec deadline;
static int nworkers;

struct held {
	uint64_t off[HELD_MAX];
	int n;
};

struct worker {
	int id;
	int fd, rofd;
	char priv[MPOOL_IOC_NAME_MAX];
	struct held s[NSTABLE];
	struct held p;			/* blocks held in the private pool */
	uint64_t pfreed[PRIV_BLOCKS];	/* offsets freed in it, for double frees */
	int npfreed;
	struct held v[NVOL];		/* not counted: the pool may be recreated */
	unsigned char *arena;		/* RW RW NONE RO pages */
	uint64_t rng;
	long opno;
	int printed;
	const char *what;		/* the operation, for messages */
	bool replay;
};

/* ---- helpers ------------------------------------------------------------ */

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(struct worker *w)
{
	return splitmix(&w->rng);
}

/* 0..n-1 */
static uint32_t rn(struct worker *w, uint32_t n)
{
	return n ? (uint32_t)(rnd(w) % n) : 0;
}

static bool chance(struct worker *w, unsigned int pct)
{
	return rn(w, 100) < pct;
}

static void set_name(__u8 *dst, const char *name)
{
	memset(dst, 0, MPOOL_IOC_NAME_MAX);
	memcpy(dst, name, strnlen(name, MPOOL_IOC_NAME_MAX - 1));
}

static bool past_deadline(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline.tv_sec ||
	       (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}

static const char *ename(int e)
{
	const char *s = e ? strerrorname_np(e) : "OK";

	return s ? s : "E?";
}

static void wfail(struct worker *w, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	if (w->id < MAXW)
		shm->fails[w->id]++;
	if (w->printed++ >= FAIL_PRINT_MAX && !w->replay)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One write per line: lines of concurrent workers do not mix. */
	{
		char line[900];

		n = snprintf(line, sizeof(line),
			     "FAIL worker %d op %ld (%s): %s; replay: mpool_fuzz --seed %llu --worker %d --replay-op %ld\n",
			     w->id, w->opno, w->what ? w->what : "?", msg,
			     (unsigned long long)opt.seed, w->id, w->opno);
		if (n > (int)sizeof(line) - 1)
			n = sizeof(line) - 1;
		if (write(STDOUT_FILENO, line, n) < 0)
			return;
	}
}

/* ---- the errno table -------------------------------------------------------- */

/*
 * Errors include/uapi/mpool_ioctl.h documents for each command nr: the
 * common ones (ENOTTY, EFAULT, EINVAL, E2BIG, ENOENT, ENOMEM; EPERM only
 * on a read-only file, as no kernel user's pool is named here), then the
 * command's own.  EBADF is the VFS's, for the fd another thread closes.
 */
static bool errno_ok(unsigned int nr, int e, bool rofd, bool racy_fd)
{
	switch (e) {
	case 0:
		return nr <= MPOOL_CMD_RESET;
	case ENOTTY:
	case EFAULT:
	case EINVAL:
	case E2BIG:
	case ENOENT:
	case ENOMEM:
		return true;
	case EPERM:
		return rofd;
	case EBADF:
		return racy_fd;
	case ENAMETOOLONG:
		/* A name field without a NUL: every command with a name. */
		return nr != MPOOL_CMD_VERSION && nr != MPOOL_CMD_LIST;
	}
	switch (nr) {
	case MPOOL_CMD_CREATE:
		return e == EEXIST || e == ENAMETOOLONG || e == EOVERFLOW ||
		       e == EDQUOT;
	case MPOOL_CMD_DESTROY:
		return e == EBUSY;
	case MPOOL_CMD_ALLOC:
		return e == ENOSPC || e == ETIMEDOUT || e == EINTR;
	case MPOOL_CMD_WRITE:
	case MPOOL_CMD_READ:
		return e == ERANGE || e == ENXIO;
	}
	return false;
}

/* Write commands need a writable file. */
static bool needs_write(unsigned int nr)
{
	return nr != MPOOL_CMD_VERSION && nr != MPOOL_CMD_LIST &&
	       nr != MPOOL_CMD_STATS;
}

static const char *cmdname(unsigned int nr)
{
	static const char *const n[] = { "VERSION", "CREATE", "DESTROY", "LIST",
		"STATS", "ALLOC", "FREE", "WRITE", "READ", "RESET" };

	return nr < sizeof(n) / sizeof(n[0]) ? n[nr] : "UNKNOWN";
}

enum fdkind { FD_OWN, FD_SHARED, FD_RO };

/*
 * Issues one ioctl and checks its errno: in the command's table, and equal
 * to @expect unless @expect is -1.  Returns the errno (0 on success).
 */
static int doio(struct worker *w, enum fdkind fk, unsigned long cmd, void *arg,
		int expect)
{
	unsigned int nr = _IOC_NR(cmd);
	int fd = fk == FD_RO ? w->rofd :
		 fk == FD_SHARED && !w->replay ?
			__atomic_load_n(&shared_fd, __ATOMIC_RELAXED) : w->fd;
	int e;

	/* A mutated command number is checked against ENOTTY alone. */
	if (_IOC_TYPE(cmd) != MPOOL_IOC_MAGIC || _IOC_DIR(cmd) || _IOC_SIZE(cmd))
		nr = 0xff;
	e = ioctl(fd, cmd, arg) ? errno : 0;
	if (w->id < MAXW) {
		shm->ops[w->id]++;
		shm->hist[w->id][e < MAXERR ? e : MAXERR - 1]++;
		shm->cmdhist[w->id][nr <= MPOOL_CMD_RESET ? nr : NCMD - 1]++;
	}
	if (opt.verbose)
		printf("worker %d op %ld %s: %s %s\n", w->id, w->opno,
		       w->what ? w->what : "?", cmdname(nr), ename(e));
	if (nr == 0xff || nr > MPOOL_CMD_RESET) {
		if (e != ENOTTY && !(fk == FD_SHARED && e == EBADF))
			wfail(w, "cmd 0x%lx gave %s, wanted ENOTTY", cmd, ename(e));
		return e;
	}
	if (fk == FD_SHARED && e == EBADF)
		return e;
	if (!errno_ok(nr, e, fk == FD_RO, false))
		wfail(w, "%s gave %s, which the ABI does not document for it",
		      cmdname(nr), ename(e));
	else if (expect >= 0 && e != expect)
		wfail(w, "%s gave %s, wanted %s", cmdname(nr), ename(e),
		      ename(expect));
	return e;
}

/* ---- holding blocks ----------------------------------------------------------- */

static void held_add(struct held *h, uint64_t off)
{
	if (h->n < HELD_MAX)
		h->off[h->n++] = off;
}

static void held_del(struct held *h, int i)
{
	h->off[i] = h->off[--h->n];
}

/* The 8 bytes each holder writes into its block: who and where. */
static uint64_t pattern(struct worker *w, uint64_t off)
{
	return ((uint64_t)w->id << 48) ^ off ^ 0x5a5a000000000000ULL;
}

static int rw_block(struct worker *w, enum fdkind fk, unsigned long cmd,
		    const char *pool, uint64_t off, void *buf, uint32_t len,
		    uint32_t pos, int expect)
{
	struct mpool_ioc_rw r = { .size = sizeof(r), .offset = off, .pos = pos,
				  .length = len, .buf = (uintptr_t)buf };

	set_name(r.name, pool);
	return doio(w, fk, cmd, &r, expect);
}

static uint32_t pattern_len(int pool)
{
	return stable[pool].bs < 8 ? stable[pool].bs : 8;
}

static void write_pattern(struct worker *w, int pool, uint64_t off)
{
	uint64_t p = pattern(w, off);

	w->what = "write own pattern";
	rw_block(w, FD_OWN, MPOOL_IOC_WRITE, stable[pool].name, off, &p,
		 pattern_len(pool), 0, 0);
}

static void verify_pattern(struct worker *w, int pool, uint64_t off)
{
	uint64_t p = pattern(w, off), got = 0;
	uint32_t len = pattern_len(pool);

	w->what = "verify own pattern";
	if (rw_block(w, FD_OWN, MPOOL_IOC_READ, stable[pool].name, off, &got,
		     len, 0, 0))
		return;
	if (memcmp(&p, &got, len))
		wfail(w, "block %s+%llu holds 0x%llx, not this holder's 0x%llx: given to two holders?",
		      stable[pool].name, (unsigned long long)off,
		      (unsigned long long)got, (unsigned long long)p);
	if (w->id < MAXW)
		shm->verified[w->id]++;
}

/*
 * Frees @n offsets with a valid call; checks each result against
 * @want_result (1: any of 0/-ENXIO).  Returns how many were freed.
 */
static int free_offsets(struct worker *w, const char *pool, const uint64_t *offs,
			int n, int want_result, int expect)
{
	int32_t res[HELD_MAX];
	struct mpool_ioc_free f = { .size = sizeof(f), .count = n,
				    .offsets = (uintptr_t)offs,
				    .results = (uintptr_t)res };
	int i;

	if (!n)
		return 0;
	set_name(f.name, pool);
	if (doio(w, FD_OWN, MPOOL_IOC_FREE, &f, expect))
		return 0;
	if ((int)(f.out_freed + f.out_invalid) != n)
		wfail(w, "FREE of %d: %u freed + %u invalid", n, f.out_freed,
		      f.out_invalid);
	for (i = 0; i < n; i++) {
		if (res[i] != 0 && res[i] != -ERANGE && res[i] != -EINVAL &&
		    res[i] != -ENXIO)
			wfail(w, "FREE result %d for offset %llu", res[i],
			      (unsigned long long)offs[i]);
		else if (want_result != 1 && res[i] != want_result)
			wfail(w, "FREE of %s+%llu: result %s, wanted %s", pool,
			      (unsigned long long)offs[i], ename(-res[i]),
			      ename(-want_result));
	}
	return f.out_freed;
}

/* Allocates up to @count blocks into @h; returns the errno. */
static int alloc_into(struct worker *w, enum fdkind fk, const char *pool,
		      struct held *h, uint32_t count, uint32_t timeout_ms)
{
	uint64_t offs[HELD_MAX];
	struct mpool_ioc_alloc a = { .size = sizeof(a), .count = count,
				     .timeout_ms = timeout_ms,
				     .flags = timeout_ms ? MPOOL_ALLOC_WAIT : 0,
				     .offsets = (uintptr_t)offs };
	uint32_t i;
	int e;

	if (count > (uint32_t)(HELD_MAX - h->n))
		a.count = count = HELD_MAX - h->n;
	if (!count)
		return 0;
	set_name(a.name, pool);
	e = doio(w, fk, MPOOL_IOC_ALLOC, &a, -1);
	if (e)
		return e;
	if (!a.out_allocated || a.out_allocated > count)
		wfail(w, "ALLOC of %u gave out_allocated %u", count,
		      a.out_allocated);
	for (i = 0; i < a.out_allocated && i < count; i++)
		held_add(h, offs[i]);
	return 0;
}

static int stats_of(struct worker *w, enum fdkind fk, const char *pool,
		    struct mpool_ioc_stats *s, int expect)
{
	int e;

	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	set_name(s->name, pool);
	e = doio(w, fk, MPOOL_IOC_STATS, s, expect);
	if (!e && (s->out_blocks_free + s->out_blocks_in_use !=
		   s->out_blocks_total ||
		   s->out_blocks_in_use > s->out_blocks_total))
		wfail(w, "STATS %s: free %llu + in use %llu != total %llu",
		      pool, (unsigned long long)s->out_blocks_free,
		      (unsigned long long)s->out_blocks_in_use,
		      (unsigned long long)s->out_blocks_total);
	return e;
}

/* ---- valid operations ------------------------------------------------------------ */

static const char *vol_name(int i)
{
	static const char *const n[NVOL] = { "fz_v0", "fz_v1", "fz_v2",
					     "fz_v3", "fz_v4", "fz_v5" };
	return n[i];
}

static void op_stable_alloc(struct worker *w, int pool)
{
	struct held *h = &w->s[pool];
	int before = h->n, i;
	uint32_t count = chance(w, 10) ? 64 + rn(w, 256) : 1 + rn(w, 8);
	uint32_t tmo = chance(w, 10) ? 1 + rn(w, 3) : 0;

	w->what = "alloc from a stable pool";
	alloc_into(w, chance(w, 30) ? FD_SHARED : FD_OWN, stable[pool].name, h,
		   count, tmo);
	for (i = before; i < h->n; i++)
		write_pattern(w, pool, h->off[i]);
}

static void op_stable_free(struct worker *w, int pool)
{
	struct held *h = &w->s[pool];
	uint64_t offs[HELD_MAX];
	int n, i;

	if (!h->n)
		return;
	n = 1 + rn(w, h->n < 16 || chance(w, 80) ? (h->n < 8 ? h->n : 8) : h->n);
	for (i = 0; i < n; i++) {
		int j = rn(w, h->n);

		offs[i] = h->off[j];
		if (chance(w, 30))
			verify_pattern(w, pool, offs[i]);
		held_del(h, j);
	}
	w->what = "free own blocks of a stable pool";
	free_offsets(w, stable[pool].name, offs, n, 0, 0);
}

static void op_private(struct worker *w)
{
	struct mpool_ioc_stats s;
	uint64_t offs[PRIV_BLOCKS + 1];
	uint64_t buf;
	int n, i;

	switch (rn(w, 6)) {
	case 0:
	case 1:
		w->what = "alloc from the private pool";
		/* Per-CPU caches may hold free blocks on other CPUs. */
		if (alloc_into(w, FD_OWN, w->priv, &w->p, 1 + rn(w, 16), 0) ==
		    ENOSPC && w->p.n != PRIV_BLOCKS && !(w->id % 2))
			wfail(w, "private pool: ENOSPC holding %d of %d",
			      w->p.n, PRIV_BLOCKS);
		break;
	case 2:
		if (!w->p.n)
			break;
		n = 1 + rn(w, w->p.n);
		for (i = 0; i < n; i++) {
			int j = rn(w, w->p.n);

			offs[i] = w->p.off[j];
			held_del(&w->p, j);
			if (w->npfreed < PRIV_BLOCKS)
				w->pfreed[w->npfreed++] = offs[i];
			else
				w->pfreed[rn(w, PRIV_BLOCKS)] = offs[i];
		}
		w->what = "free in the private pool";
		free_offsets(w, w->priv, offs, n, 0, 0);
		break;
	case 3:
		/* Double free, or never allocated: -ENXIO, pool unchanged. */
		if (!w->npfreed)
			break;
		offs[0] = w->pfreed[rn(w, w->npfreed)];
		for (i = 0; i < w->p.n; i++)
			if (w->p.off[i] == offs[0])
				return;	/* allocated again since */
		w->what = "double free in the private pool";
		free_offsets(w, w->priv, offs, 1, -ENXIO, 0);
		w->what = "read a freed block of the private pool";
		rw_block(w, FD_OWN, MPOOL_IOC_READ, w->priv, offs[0], &buf, 8, 0,
			 ENXIO);
		break;
	case 4:
		w->what = "stats of the private pool";
		if (!stats_of(w, FD_OWN, w->priv, &s, 0) &&
		    s.out_blocks_in_use != (uint64_t)w->p.n)
			wfail(w, "private pool: %llu in use, worker holds %d",
			      (unsigned long long)s.out_blocks_in_use, w->p.n);
		break;
	case 5:
		if (!w->p.n)
			break;
		buf = rnd(w);
		i = rn(w, w->p.n);
		w->what = "write+read a private block";
		if (!rw_block(w, FD_OWN, MPOOL_IOC_WRITE, w->priv, w->p.off[i],
			      &buf, 8, 56, 0)) {
			uint64_t got = 0;

			if (!rw_block(w, FD_OWN, MPOOL_IOC_READ, w->priv,
				      w->p.off[i], &got, 8, 56, 0) && got != buf)
				wfail(w, "private block read back 0x%llx, wrote 0x%llx",
				      (unsigned long long)got,
				      (unsigned long long)buf);
		}
		break;
	}
}

static void op_volatile(struct worker *w)
{
	int v = rn(w, NVOL);
	struct held *h = &w->v[v];
	struct mpool_ioc_create c = { .size = sizeof(c) };
	struct mpool_ioc_name d = { .size = sizeof(d) };
	unsigned char buf[64];
	int i;

	switch (rn(w, 7)) {
	case 0:
		w->what = "create a volatile pool";
		c.block_size = 1 + rn(w, 2048);
		c.nr_blocks = 1 + rn(w, 64);
		c.align = chance(w, 50) ? 0 : 1U << rn(w, 13);
		c.flags = rn(w, 16);
		set_name(c.name, vol_name(v));
		doio(w, FD_SHARED, MPOOL_IOC_CREATE, &c, -1);
		break;
	case 1:
		w->what = "destroy a volatile pool";
		d.flags = chance(w, 70) ? MPOOL_DESTROY_FORCE : 0;
		set_name(d.name, vol_name(v));
		doio(w, FD_SHARED, MPOOL_IOC_DESTROY, &d, -1);
		h->n = 0;
		break;
	case 2:
	case 3:
		w->what = "sleeping alloc from a volatile pool";
		alloc_into(w, FD_SHARED, vol_name(v), h, 1 + rn(w, 4),
			   chance(w, 60) ? 1 + rn(w, 10) : 0);
		break;
	case 4:
		if (!h->n)
			break;
		w->what = "free in a volatile pool";
		i = rn(w, h->n);
		/* Any result: the pool may be another incarnation by now. */
		free_offsets(w, vol_name(v), &h->off[i], 1, 1, -1);
		held_del(h, i);
		break;
	case 5:
		/* Read or write racing a destroy: a block or ENOENT/ENXIO/... */
		w->what = "read/write a volatile pool's block";
		rw_block(w, FD_SHARED, chance(w, 50) ? MPOOL_IOC_READ :
			 MPOOL_IOC_WRITE, vol_name(v), h->n ? h->off[0] : 0,
			 buf, 1 + rn(w, sizeof(buf)), 0, -1);
		break;
	case 6:
		w->what = "reset a volatile pool";
		set_name(d.name, vol_name(v));
		doio(w, FD_SHARED, MPOOL_IOC_RESET, &d, -1);
		break;
	}
}

static void op_misc(struct worker *w)
{
	struct mpool_ioc_version ver = { .size = sizeof(ver) };
	struct mpool_ioc_list l = { .size = sizeof(l) };
	struct mpool_ioc_name r = { .size = sizeof(r) };
	struct mpool_ioc_stats s;
	static __thread char names[64][MPOOL_IOC_NAME_MAX];

	switch (rn(w, 5)) {
	case 0:
		w->what = "version";
		if (!doio(w, FD_SHARED, MPOOL_IOC_VERSION, &ver, -1) &&
		    ver.out_abi_version != MPOOL_IOC_ABI_VERSION)
			wfail(w, "ABI version %u", ver.out_abi_version);
		break;
	case 1:
		w->what = "list (buffer maybe smaller than the pool count)";
		l.count = rn(w, 64);
		l.names = (uintptr_t)names;
		doio(w, FD_SHARED, MPOOL_IOC_LIST, &l, -1);
		break;
	case 2:
	case 3:
		w->what = "stats of a stable pool";
		stats_of(w, FD_SHARED, stable[rn(w, NSTABLE)].name, &s, -1);
		break;
	case 4:
		w->what = "reset a stable pool";
		set_name(r.name, stable[rn(w, NSTABLE)].name);
		doio(w, FD_OWN, MPOOL_IOC_RESET, &r, 0);
		break;
	}
}

/* ---- mutated and random operations ------------------------------------------------- */

static const char *const bad_names[] = {
	"", ".", "..", "\xe9t\xe9", "a/b", "%n%n%n", "pools", "a b", "\x01",
	"fz_s0/../x",
};

/* A name field mutated; returns the errno that must follow. */
static int mutate_name(struct worker *w, __u8 *name)
{
	int i = rn(w, sizeof(bad_names) / sizeof(bad_names[0]) + 1);

	if (i == sizeof(bad_names) / sizeof(bad_names[0])) {
		/* No NUL in the 32 bytes. */
		memset(name, 'a', MPOOL_IOC_NAME_MAX);
		return ENAMETOOLONG;
	}
	set_name(name, bad_names[i]);
	return EINVAL;
}

static unsigned char *struct_area(struct worker *w)
{
	return w->arena;	/* 2 RW pages, then PROT_NONE */
}

static unsigned char *guard(struct worker *w)
{
	return w->arena + 2 * PAGE;
}

/*
 * The valid struct of command @nr at @p (in the arena), naming @pool;
 * @offs is an array of HELD_MAX for ALLOC and FREE.  Returns its size and
 * sets *expect to what it gives unchanged (-1 when unknown).
 */
static size_t build(struct worker *w, unsigned int nr, void *p, int pool,
		    uint64_t *offs, uint64_t *rwbuf, int *expect)
{
	const char *name = stable[pool].name;

	*expect = -1;
	switch (nr) {
	case MPOOL_CMD_VERSION: {
		struct mpool_ioc_version *v = p;

		memset(v, 0, sizeof(*v));
		v->size = sizeof(*v);
		*expect = 0;
		return sizeof(*v);
	}
	case MPOOL_CMD_CREATE: {
		struct mpool_ioc_create *c = p;
		char n[MPOOL_IOC_NAME_MAX];

		memset(c, 0, sizeof(*c));
		c->size = sizeof(*c);
		c->block_size = 1 + rn(w, 256);
		c->nr_blocks = 1 + rn(w, 16);
		/* The worker's own scratch name: it destroys it again. */
		snprintf(n, sizeof(n), "fz_m%d", w->id);
		set_name(c->name, n);
		return sizeof(*c);
	}
	case MPOOL_CMD_DESTROY:
	case MPOOL_CMD_RESET: {
		struct mpool_ioc_name *d = p;

		memset(d, 0, sizeof(*d));
		d->size = sizeof(*d);
		/* A DESTROY that succeeds would take a pool from under others. */
		if (nr == MPOOL_CMD_RESET) {
			set_name(d->name, name);
			*expect = 0;
		} else {
			set_name(d->name, "fz_never");
			d->flags = MPOOL_DESTROY_FORCE;
			*expect = ENOENT;
		}
		return sizeof(*d);
	}
	case MPOOL_CMD_LIST: {
		struct mpool_ioc_list *l = p;

		memset(l, 0, sizeof(*l));
		l->size = sizeof(*l);
		l->count = HELD_MAX * 8 / MPOOL_IOC_NAME_MAX;
		l->names = (uintptr_t)offs;
		*expect = 0;
		return sizeof(*l);
	}
	case MPOOL_CMD_STATS: {
		struct mpool_ioc_stats *s = p;

		memset(s, 0, sizeof(*s));
		s->size = sizeof(*s);
		set_name(s->name, name);
		*expect = 0;
		return sizeof(*s);
	}
	case MPOOL_CMD_ALLOC: {
		struct mpool_ioc_alloc *a = p;

		memset(a, 0, sizeof(*a));
		a->size = sizeof(*a);
		a->count = 1 + rn(w, 4);
		a->offsets = (uintptr_t)offs;
		set_name(a->name, name);
		return sizeof(*a);
	}
	case MPOOL_CMD_FREE: {
		struct mpool_ioc_free *f = p;

		memset(f, 0, sizeof(*f));
		f->size = sizeof(*f);
		f->count = 1;
		/* Never a block start: frees nothing, in any pool. */
		offs[0] = 1;
		f->offsets = (uintptr_t)offs;
		set_name(f->name, name);
		*expect = 0;
		return sizeof(*f);
	}
	case MPOOL_CMD_WRITE:
	case MPOOL_CMD_READ: {
		struct mpool_ioc_rw *r = p;

		memset(r, 0, sizeof(*r));
		r->size = sizeof(*r);
		set_name(r->name, name);
		r->buf = (uintptr_t)rwbuf;
		r->length = 1;
		/* WRITE cannot keep off a block's 8-byte pattern if that's all. */
		if (w->s[pool].n && (nr == MPOOL_CMD_READ || stable[pool].bs > 8)) {
			/* Past the pattern: nobody else's bytes either. */
			r->offset = w->s[pool].off[rn(w, w->s[pool].n)];
			r->pos = stable[pool].bs > 8 ? 8 : 0;
			r->length = stable[pool].bs - r->pos;
			if (r->length > 64)
				r->length = 64;
			*expect = 0;
		} else {
			r->offset = 1;	/* not a block start */
			*expect = EINVAL;
		}
		return sizeof(*r);
	}
	}
	return 0;
}

/* Bad user addresses: none of them may be read or written. */
static uintptr_t bad_ptr(struct worker *w)
{
	static const uintptr_t p[] = {
		0, 0x1000, 0xffff888000000000ULL, 0x0000800000000000ULL,
		(uintptr_t)-4096,
	};
	uint32_t i = rn(w, sizeof(p) / sizeof(p[0]) + 1);

	return i < sizeof(p) / sizeof(p[0]) ? p[i] : (uintptr_t)guard(w);
}

/*
 * One valid struct with one field mutated, on a stable pool (whose blocks
 * cannot be freed by any of these) or the worker's scratch names.
 */
static void op_mutate(struct worker *w)
{
	unsigned int nr = rn(w, MPOOL_CMD_RESET + 1);
	int pool = rn(w, NSTABLE), expect, i;
	static __thread uint64_t offs[HELD_MAX];
	static __thread uint64_t rwbuf[64];
	unsigned char *p = struct_area(w);
	size_t sz = build(w, nr, p, pool, offs, rwbuf, &expect);
	unsigned long cmd = _IO(MPOOL_IOC_MAGIC, nr);
	enum fdkind fk = FD_OWN;
	void *arg = p;
	uint32_t *u32 = (uint32_t *)p;
	int m = rn(w, 16);
	char msg[96];

	memset(p + sz, 0, 2 * PAGE - sz);
	switch (m) {
	case 0:		/* size: too small, too big, bigger with a tail */
		switch (rn(w, 6)) {
		case 0:
			u32[0] = rn(w, sz);
			expect = EINVAL;
			break;
		case 1:
			u32[0] = 4097 + rn(w, 3) * (rn(w, 1u << 30));
			expect = E2BIG;
			break;
		case 2:
			u32[0] = 0xffffffffu;
			expect = E2BIG;
			break;
		case 3:
			u32[0] = sz + 1 + rn(w, 4096 - sz);
			p[sz + rn(w, u32[0] - sz)] = 1 + rn(w, 255);
			expect = E2BIG;
			break;
		default:	/* bigger, zero tail: as the plain struct */
			u32[0] = chance(w, 50) ? 4096 : sz + 8 * rn(w, 64);
			break;
		}
		w->what = "mutated size";
		break;
	case 1:		/* the struct's own address */
		arg = (void *)bad_ptr(w);
		expect = EFAULT;
		w->what = "bad struct address";
		break;
	case 2:		/* the struct's tail in a PROT_NONE page */
		arg = guard(w) - sz + 4 + 4 * rn(w, (sz - 4) / 4);
		memmove(arg, p, guard(w) - (unsigned char *)arg);
		expect = EFAULT;
		w->what = "struct straddling PROT_NONE";
		break;
	case 3:		/* the struct in a read-only page: no copy-out */
		if (nr == MPOOL_CMD_CREATE || nr == MPOOL_CMD_DESTROY ||
		    nr == MPOOL_CMD_RESET || nr == MPOOL_CMD_FREE ||
		    nr == MPOOL_CMD_WRITE || nr == MPOOL_CMD_READ)
			return;	/* those write nothing back, or free first */
		arg = w->arena + 3 * PAGE;
		if (mprotect(arg, PAGE, PROT_READ | PROT_WRITE))
			return;
		memcpy(arg, p, sz);
		mprotect(arg, PAGE, PROT_READ);
		if (nr != MPOOL_CMD_ALLOC)
			expect = EFAULT;
		w->what = "struct in a read-only page";
		break;
	case 4:		/* wrong direction or size bits, unknown nr */
		switch (rn(w, 3)) {
		case 0:
			cmd = _IOC(1 + rn(w, 3), MPOOL_IOC_MAGIC, nr, sz);
			break;
		case 1:
			cmd = _IOC(_IOC_NONE, MPOOL_IOC_MAGIC, nr, 1 + rn(w, 255));
			break;
		default:
			cmd = _IO(MPOOL_IOC_MAGIC, MPOOL_CMD_RESET + 1 + rn(w, 245));
			break;
		}
		expect = ENOTTY;
		w->what = "mutated command number";
		break;
	case 5:		/* read-only file */
		fk = FD_RO;
		expect = needs_write(nr) ? EPERM : expect;
		w->what = "read-only file";
		break;
	default:	/* one field of the command */
		w->what = msg;
		snprintf(msg, sizeof(msg), "mutated field of %s", cmdname(nr));
		switch (nr) {
		case MPOOL_CMD_VERSION:
			((struct mpool_ioc_version *)p)->out_abi_version = rnd(w);
			break;	/* an out field: ignored */
		case MPOOL_CMD_CREATE: {
			struct mpool_ioc_create *c = (void *)p;
			static const uint32_t sizes[] = { 0, 1, 1u << 31,
							  0xffffffffu };

			switch (rn(w, 8)) {
			case 0:
				c->block_size = sizes[rn(w, 4)];
				expect = c->block_size ? -1 : EINVAL;
				break;
			case 1:
				c->nr_blocks = sizes[rn(w, 4)];
				expect = c->nr_blocks ? -1 : EINVAL;
				break;
			case 2:	/* stride * nr_blocks past 2^64 */
				c->block_size = 0xffffffffu;
				c->nr_blocks = 0xffffffffu;
				c->align = PAGE;
				expect = EOVERFLOW;
				break;
			case 3:
				c->align = rn(w, 2) ? 3 + 2 * rn(w, 1000) :
					  PAGE << (1 + rn(w, 19));
				expect = EINVAL;
				break;
			case 4:
				c->flags = 1u << (4 + rn(w, 28));
				expect = EINVAL;
				break;
			case 5:
				c->__reserved = 1 + rn(w, 0xffff);
				expect = EINVAL;
				break;
			case 6:	/* duplicate */
				set_name(c->name, stable[pool].name);
				expect = EEXIST;
				break;
			default:
				expect = mutate_name(w, c->name);
				break;
			}
			/* Over max_bytes, without overflow: EDQUOT. */
			if (expect == -1 && (uint64_t)c->block_size *
			    c->nr_blocks > opt.max_bytes)
				expect = EDQUOT;
			break;
		}
		case MPOOL_CMD_DESTROY: {
			struct mpool_ioc_name *d = (void *)p;

			switch (rn(w, 3)) {
			case 0:
				d->flags = 2u << rn(w, 31);
				expect = EINVAL;
				break;
			case 1:	/* never existed, or destroyed */
				set_name(d->name, "fz_never");
				expect = ENOENT;
				break;
			default:
				expect = mutate_name(w, d->name);
				break;
			}
			break;
		}
		case MPOOL_CMD_RESET: {
			struct mpool_ioc_name *d = (void *)p;

			if (chance(w, 50)) {
				d->flags = 1u << rn(w, 32);
				expect = EINVAL;
			} else {
				expect = mutate_name(w, d->name);
			}
			break;
		}
		case MPOOL_CMD_LIST: {
			struct mpool_ioc_list *l = (void *)p;

			switch (rn(w, 4)) {
			case 0:
				l->count = 0;
				l->names = bad_ptr(w);
				break;	/* nothing copied: 0 */
			case 1:	/* fewer entries than pools */
				l->count = 1;
				break;
			case 2:
				l->names = bad_ptr(w);
				expect = EFAULT;	/* there are pools */
				break;
			default:	/* count past the buffer, into PROT_NONE */
				l->names = (uintptr_t)(guard(w) - MPOOL_IOC_NAME_MAX);
				l->count = 2 + rn(w, 0xffff);
				expect = -1;	/* EFAULT if two pools */
				break;
			}
			break;
		}
		case MPOOL_CMD_STATS: {
			struct mpool_ioc_stats *s = (void *)p;

			switch (rn(w, 3)) {
			case 0:
				s->__reserved = 1 + rn(w, 1000);
				expect = EINVAL;
				break;
			case 1:
				s->out_blocks_free = rnd(w);	/* out: ignored */
				break;
			default:
				expect = mutate_name(w, s->name);
				break;
			}
			break;
		}
		case MPOOL_CMD_ALLOC: {
			struct mpool_ioc_alloc *a = (void *)p;
			static const uint32_t counts[] = { 0, 1025, 0xffffffffu,
							   1u << 31 };

			switch (rn(w, 10)) {
			case 0:
				a->count = counts[rn(w, 4)];
				expect = EINVAL;
				break;
			case 1:
				a->flags = 2u << rn(w, 31);
				expect = EINVAL;
				break;
			case 2:	/* timeout without WAIT, WAIT without one */
				if (rn(w, 2))
					a->timeout_ms = 1 + rn(w, 100);
				else
					a->flags = MPOOL_ALLOC_WAIT;
				expect = EINVAL;
				break;
			case 3:
				a->out_allocated = 1 + rn(w, 10);
				expect = EINVAL;
				break;
			case 4:
				a->__reserved = 1;
				expect = EINVAL;
				break;
			case 5:	/* the blocks come back: EFAULT or ENOSPC */
				a->offsets = bad_ptr(w);
				break;
			case 6:	/* offsets straddling PROT_NONE */
				a->offsets = (uintptr_t)(guard(w) - 8 * (1 + rn(w, 3)));
				a->count = 4 + rn(w, 60);
				break;
			case 7:	/* a short wait */
				a->flags = MPOOL_ALLOC_WAIT;
				a->timeout_ms = 1 + rn(w, 2);
				break;
			case 8:
				set_name(a->name, "fz_never");
				expect = ENOENT;
				break;
			default:
				expect = mutate_name(w, a->name);
				break;
			}
			break;
		}
		case MPOOL_CMD_FREE: {
			struct mpool_ioc_free *f = (void *)p;
			uint64_t total = (uint64_t)stable[pool].n *
				((stable[pool].bs + 7) & ~7u);

			if (pool == 2)
				total = (uint64_t)stable[pool].n * 4096;
			switch (rn(w, 10)) {
			case 0:
				f->count = rn(w, 2) ? 0 : 1025 + rn(w, 1u << 30);
				expect = EINVAL;
				break;
			case 1:
				if (rn(w, 2))
					f->out_freed = 1;
				else
					f->out_invalid = 1;
				expect = EINVAL;
				break;
			case 2:
				f->offsets = bad_ptr(w);
				expect = EFAULT;
				break;
			case 3:	/* offsets straddling: nothing is freed */
				f->offsets = (uintptr_t)(guard(w) - 8);
				offs[0] = 1;
				memcpy(guard(w) - 8, &offs[0], 8);
				f->count = 2 + rn(w, 100);
				expect = EFAULT;
				break;
			case 4:	/* results unwritable: frees nothing here */
				while (!(f->results = bad_ptr(w)))
					;	/* NULL: no results wanted */
				expect = EFAULT;
				break;
			case 5:	/* at the end of the region, near 2^64 */
				offs[0] = rn(w, 2) ? total : (uint64_t)-1 - rn(w, 4096);
				break;
			case 6:	/* unaligned */
				offs[0] = 1 + rn(w, 7);
				break;
			case 7:
				set_name(f->name, "fz_never");
				expect = ENOENT;
				break;
			default:
				expect = mutate_name(w, f->name);
				break;
			}
			break;
		}
		case MPOOL_CMD_WRITE:
		case MPOOL_CMD_READ: {
			struct mpool_ioc_rw *r = (void *)p;
			uint64_t bs = stable[pool].bs;

			switch (rn(w, 9)) {
			case 0:
				r->__reserved = 1;
				expect = EINVAL;
				break;
			case 1:
				r->length = 0;
				expect = EINVAL;
				break;
			case 2:	/* past the block */
				r->pos = bs - r->length + 1 + rn(w, 100);
				expect = EINVAL;
				break;
			case 3:	/* pos + length wraps */
				r->pos = 0xffffffffu;
				r->length = 2;
				expect = EINVAL;
				break;
			case 4:
				r->offset = rn(w, 2) ? (uint64_t)-1 - rn(w, 64) :
					    (uint64_t)stable[pool].n *
					    (pool == 2 ? 4096 : (bs + 7) & ~7ULL);
				expect = ERANGE;
				break;
			case 5:
				r->buf = bad_ptr(w);
				/* WRITE copies in before it looks at the block. */
				expect = expect == 0 ? EFAULT : -1;
				break;
			case 6:	/* buffer straddling PROT_NONE */
				r->buf = (uintptr_t)(guard(w) - (r->length > 1 ?
						r->length / 2 : 0));
				expect = expect == 0 ? EFAULT : -1;
				break;
			case 7:
				set_name(r->name, "fz_never");
				expect = ENOENT;
				break;
			default:
				expect = mutate_name(w, r->name);
				break;
			}
			break;
		}
		}
	}
	/* Successful ALLOCs hand over blocks: keep them. */
	i = doio(w, fk, cmd, arg, expect);
	if (!i && nr == MPOOL_CMD_ALLOC && cmd == MPOOL_IOC_ALLOC) {
		struct mpool_ioc_alloc *a = arg;
		uint64_t *o = (uint64_t *)(uintptr_t)a->offsets;
		uint32_t k;
		int before = w->s[pool].n;

		for (k = 0; k < a->out_allocated; k++)
			held_add(&w->s[pool], o[k]);
		for (k = before; k < (uint32_t)w->s[pool].n; k++)
			write_pattern(w, pool, w->s[pool].off[k]);
	} else if (i == EFAULT && nr == MPOOL_CMD_ALLOC && w->id < MAXW) {
		shm->lost_efault[w->id]++;
	}
	if (!i && nr == MPOOL_CMD_CREATE) {
		struct mpool_ioc_name d = { .size = sizeof(d) };

		memcpy(d.name, ((struct mpool_ioc_create *)arg)->name,
		       MPOOL_IOC_NAME_MAX);
		w->what = "destroy a pool the mutated create made";
		doio(w, FD_OWN, MPOOL_IOC_DESTROY, &d, 0);
	}
	if (arg == w->arena + 3 * PAGE)
		mprotect(arg, PAGE, PROT_READ | PROT_WRITE);
}

/* Random bytes as the struct of a command; random size field often valid. */
static void op_random(struct worker *w)
{
	unsigned int nr = rn(w, MPOOL_CMD_RESET + 1);
	uint64_t *q = (uint64_t *)struct_area(w);
	unsigned int i;

	if (nr == MPOOL_CMD_ALLOC || nr == MPOOL_CMD_FREE ||
	    nr == MPOOL_CMD_DESTROY)
		nr = MPOOL_CMD_STATS;	/* could take or free others' blocks */
	for (i = 0; i < 256 / 8; i++)
		q[i] = rnd(w);
	if (chance(w, 70))
		*(uint32_t *)q = 8 * (1 + rn(w, 24));
	w->what = "random bytes";
	i = doio(w, FD_OWN, _IO(MPOOL_IOC_MAGIC, nr), q, -1);
	if (!i && nr == MPOOL_CMD_CREATE) {
		struct mpool_ioc_name d = { .size = sizeof(d),
					    .flags = MPOOL_DESTROY_FORCE };

		memcpy(d.name, ((struct mpool_ioc_create *)q)->name,
		       MPOOL_IOC_NAME_MAX);
		doio(w, FD_OWN, MPOOL_IOC_DESTROY, &d, 0);
	}
}

static void one_op(struct worker *w)
{
	uint32_t r = rn(w, 100);
	int pool = rn(w, NSTABLE);

	w->what = NULL;
	if (r < 22)
		op_stable_alloc(w, pool);
	else if (r < 40)
		op_stable_free(w, pool);
	else if (r < 46 && w->s[pool].n)
		verify_pattern(w, pool, w->s[pool].off[rn(w, w->s[pool].n)]);
	else if (r < 46)
		op_stable_alloc(w, pool);
	else if (r < 56)
		op_private(w);
	else if (r < 64)
		op_volatile(w);
	else if (r < 70)
		op_misc(w);
	else if (r < 95)
		op_mutate(w);
	else
		op_random(w);
}

/* ---- workers ------------------------------------------------------------------------ */

static void worker_setup(struct worker *w, int id)
{
	struct mpool_ioc_create c = { .size = sizeof(c), .block_size = 64,
				      .nr_blocks = PRIV_BLOCKS };
	int e;

	w->id = id;
	w->fd = open(DEV, O_RDWR);
	w->rofd = open(DEV, O_RDONLY);
	w->arena = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w->fd < 0 || w->rofd < 0 || w->arena == MAP_FAILED) {
		fprintf(stderr, "worker %d: setup: %s\n", id, strerror(errno));
		exit(2);
	}
	mprotect(w->arena + 2 * PAGE, PAGE, PROT_NONE);
	snprintf(w->priv, sizeof(w->priv), "fz_p%d", id);
	set_name(c.name, w->priv);
	c.flags = id % 2 ? MPOOL_CREATE_PERCPU : MPOOL_CREATE_POISON;
	w->what = "create the private pool";
	e = doio(w, FD_OWN, MPOOL_IOC_CREATE, &c, -1);
	if (e && e != EEXIST)
		wfail(w, "private pool: %s", ename(e));
}

/* Frees everything the worker holds; its private pool must empty. */
static void worker_teardown(struct worker *w)
{
	struct mpool_ioc_stats s;
	struct mpool_ioc_name d = { .size = sizeof(d) };
	int i, j;

	for (i = 0; i < NSTABLE; i++) {
		for (j = 0; j < w->s[i].n; j++)
			if (j < 8)
				verify_pattern(w, i, w->s[i].off[j]);
		w->what = "final free of own blocks";
		free_offsets(w, stable[i].name, w->s[i].off, w->s[i].n, 0, 0);
		w->s[i].n = 0;
	}
	w->what = "final free in the private pool";
	free_offsets(w, w->priv, w->p.off, w->p.n, 0, 0);
	w->p.n = 0;
	if (!stats_of(w, FD_OWN, w->priv, &s, 0) && s.out_blocks_in_use)
		wfail(w, "private pool: %llu in use after freeing all",
		      (unsigned long long)s.out_blocks_in_use);
	set_name(d.name, w->priv);
	w->what = "destroy the private pool";
	doio(w, FD_OWN, MPOOL_IOC_DESTROY, &d, 0);
	for (i = 0; i < NVOL; i++) {
		w->what = "final free in a volatile pool";
		free_offsets(w, vol_name(i), w->v[i].off, w->v[i].n, 1, -1);
		w->v[i].n = 0;
	}
}

static bool hit_cap;

/* @n operations in a replay, else until the worker's share of ioctls. */
static void run_ops(struct worker *w, long n)
{
	long quota = (opt.ops + nworkers - 1) / nworkers;

	for (w->opno = 0; w->replay ? w->opno < n : shm->ops[w->id] < quota;
	     w->opno++) {
		if (!(w->opno & 63) && !w->replay && past_deadline()) {
			hit_cap = true;
			__atomic_store_n(&shm->capped, 1, __ATOMIC_RELAXED);
			break;
		}
		w->rng = opt.seed ^ ((uint64_t)w->id << 40) ^ (uint64_t)w->opno;
		splitmix(&w->rng);
		if (w->replay && w->opno == n - 1)
			opt.verbose = 1;
		one_op(w);
	}
}

static void *worker_thread(void *arg)
{
	struct worker *w = arg;
	int i;

	run_ops(w, 0);
	for (i = 0; i < NSTABLE; i++)
		shm->held[w->id][i] = w->s[i].n + (opt.miscount && i == 0);
	__atomic_add_fetch(&shm->arrived, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&shm->phase, __ATOMIC_SEQ_CST))
		usleep(1000);
	worker_teardown(w);
	return NULL;
}

/* Closes and reopens the fd the workers share, under them. */
static void *closer_thread(void *arg)
{
	(void)arg;
	while (!stop_closer) {
		int fd = open(DEV, O_RDWR), old;

		if (fd < 0)
			break;
		old = __atomic_load_n(&shared_fd, __ATOMIC_RELAXED);
		if (rand() % 2) {
			/* Atomically replaced: the number stays a mempool file. */
			dup2(fd, old);
			close(fd);
		} else {
			/* A window of EBADF, then the lowest number again. */
			__atomic_store_n(&shared_fd, fd, __ATOMIC_RELAXED);
			close(old);
		}
		usleep(500);
	}
	return NULL;
}

static void worker_process(int p)
{
	pthread_t t[MAXW], closer;
	struct worker *w = calloc(opt.threads, sizeof(*w));
	int i;

	if (!w)
		exit(2);
	shared_fd = open(DEV, O_RDWR);
	srand(opt.seed + p);
	/* Every fd opened first: a reused number is always RDWR mempool. */
	for (i = 0; i < opt.threads; i++)
		worker_setup(&w[i], p * opt.threads + i);
	pthread_create(&closer, NULL, closer_thread, NULL);
	for (i = 0; i < opt.threads; i++)
		pthread_create(&t[i], NULL, worker_thread, &w[i]);
	for (i = 0; i < opt.threads; i++)
		pthread_join(t[i], NULL);
	stop_closer = 1;
	pthread_join(closer, NULL);
	exit(0);
}

/* ---- the parent ------------------------------------------------------------------------ */

static int nfail;

static void result(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("MPTEST ok %s\n", name);
		return;
	}
	nfail++;
	printf("MPTEST not ok %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static int pio(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static int pstats(int fd, const char *name, struct mpool_ioc_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	set_name(s->name, name);
	return pio(fd, MPOOL_IOC_STATS, s);
}

static int create_stable(int fd)
{
	int i, e;

	for (i = 0; i < NSTABLE; i++) {
		struct mpool_ioc_create c = { .size = sizeof(c),
					      .flags = stable[i].flags,
					      .block_size = stable[i].bs,
					      .nr_blocks = stable[i].n,
					      .align = stable[i].align };

		set_name(c.name, stable[i].name);
		e = pio(fd, MPOOL_IOC_CREATE, &c);
		if (e) {
			fprintf(stderr, "create %s: %s\n", stable[i].name,
				strerror(e));
			return e;
		}
	}
	return 0;
}

/* Every pool that exists: free + in use == total; destroys them all. */
static void check_all_pools(int fd, bool destroy)
{
	static char names[4096][MPOOL_IOC_NAME_MAX];
	struct mpool_ioc_list l = { .size = sizeof(l), .count = 4096,
				    .names = (uintptr_t)names };
	struct mpool_ioc_stats s;
	unsigned int i, bad = 0, left;
	char first[128] = "";

	if (pio(fd, MPOOL_IOC_LIST, &l)) {
		result(false, "fuzz-final-all-pools", "LIST: %s", strerror(errno));
		return;
	}
	for (i = 0; i < l.count && i < 4096; i++) {
		names[i][MPOOL_IOC_NAME_MAX - 1] = 0;
		if (pstats(fd, names[i], &s))
			continue;
		if (s.out_blocks_free + s.out_blocks_in_use != s.out_blocks_total ||
		    s.out_blocks_free > s.out_blocks_total ||
		    s.out_blocks_in_use > s.out_blocks_total) {
			if (!bad++)
				snprintf(first, sizeof(first),
					 "%s: free %llu in use %llu total %llu",
					 names[i],
					 (unsigned long long)s.out_blocks_free,
					 (unsigned long long)s.out_blocks_in_use,
					 (unsigned long long)s.out_blocks_total);
		}
	}
	result(!bad, "fuzz-final-all-pools-consistent", "%u of %u pools, first %s",
	       bad, l.count, first);
	if (!destroy)
		return;
	for (i = 0; i < l.count && i < 4096; i++) {
		struct mpool_ioc_name d = { .size = sizeof(d),
					    .flags = MPOOL_DESTROY_FORCE };

		memcpy(d.name, names[i], MPOOL_IOC_NAME_MAX);
		pio(fd, MPOOL_IOC_DESTROY, &d);
	}
	l.count = 0;
	pio(fd, MPOOL_IOC_LIST, &l);
	left = l.count;
	result(!left, "fuzz-final-all-destroyed", "%u pools left", left);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void summary(double secs)
{
	long ops = 0, fails = 0, efault = 0, verified = 0;
	long hist[MAXERR] = { 0 }, cmds[NCMD] = { 0 };
	int w, e;

	for (w = 0; w < nworkers; w++) {
		ops += shm->ops[w];
		fails += shm->fails[w];
		efault += shm->lost_efault[w];
		verified += shm->verified[w];
		for (e = 0; e < MAXERR; e++)
			hist[e] += shm->hist[w][e];
		for (e = 0; e < NCMD; e++)
			cmds[e] += shm->cmdhist[w][e];
	}
	printf("mpool_fuzz: seed %llu, %ld ioctls, %d processes x %d threads, %.1f s (%.0f ioctls/s), %ld failures\n",
	       (unsigned long long)opt.seed, ops, opt.procs, opt.threads, secs,
	       secs > 0 ? ops / secs : 0.0, fails);
	printf("mpool_fuzz: errnos:");
	for (e = 0; e < MAXERR; e++)
		if (hist[e])
			printf(" %s=%ld", ename(e), hist[e]);
	printf("\nmpool_fuzz: commands:");
	for (e = 0; e < NCMD; e++)
		if (cmds[e])
			printf(" %s=%ld", e == NCMD - 1 ? "bad-nr" : cmdname(e),
			       cmds[e]);
	printf("\nmpool_fuzz: %ld blocks' holder patterns verified, %ld ALLOCs refused with EFAULT (undone by the kernel)\n",
	       verified, efault);
	if (shm->capped)
		printf("mpool_fuzz: stopped at the time cap (--seconds %d) after %ld of %ld ioctls\n",
		       opt.seconds, ops, opt.ops);
	result(ops >= opt.ops || shm->capped, "fuzz-ran", "%ld of %ld ioctls",
	       ops, opt.ops);
	result(!fails, "fuzz-errnos-and-invariants",
	       "%ld failures (see FAIL lines)", fails);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mpool_fuzz [--ops N] [--procs N] [--threads N] [--seed S]\n"
		"                  [--seconds N] [--verbose]\n"
		"       mpool_fuzz --seed S --worker W --replay-op N   (one thread)\n"
		"       --inject-miscount: a worker misreports what it holds (the\n"
		"       final check must fail)\n");
	exit(2);
}

static uint64_t read_max_bytes(void)
{
	FILE *f = fopen("/sys/module/mempool/parameters/max_bytes", "r");
	unsigned long long v = 256ULL << 20;

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 256ULL << 20;
		fclose(f);
	}
	return v;
}

static int replay(void)
{
	struct worker *w = calloc(1, sizeof(*w));
	int fd = open(DEV, O_RDWR);

	if (!w || fd < 0)
		return 2;
	nworkers = opt.worker + 1;
	create_stable(fd);
	w->replay = true;
	worker_setup(w, opt.worker);
	run_ops(w, opt.replay_op + 1);
	printf("replayed worker %d ops 0..%ld of seed %llu: %ld failures\n",
	       opt.worker, opt.replay_op, (unsigned long long)opt.seed,
	       shm->fails[opt.worker]);
	return shm->fails[opt.worker] ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "ops", 1, NULL, 'n' }, { "procs", 1, NULL, 'p' },
		{ "threads", 1, NULL, 't' }, { "seed", 1, NULL, 's' },
		{ "seconds", 1, NULL, 'd' }, { "replay-op", 1, NULL, 'r' },
		{ "worker", 1, NULL, 'w' }, { "verbose", 0, NULL, 'v' },
		{ "inject-miscount", 0, NULL, 'M' }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mpool_ioc_stats s;
	pid_t pids[MAXW];
	int c, fd, i, j, alive, bad = 0;
	double t0, t1;
	bool seeded = false;

	while ((c = getopt_long(argc, argv, "n:p:t:s:d:r:w:vMh", lo, NULL)) != -1) {
		switch (c) {
		case 'n': opt.ops = strtol(optarg, NULL, 0); break;
		case 'p': opt.procs = atoi(optarg); break;
		case 't': opt.threads = atoi(optarg); break;
		case 's': opt.seed = strtoull(optarg, NULL, 0); seeded = true; break;
		case 'd': opt.seconds = atoi(optarg); break;
		case 'r': opt.replay_op = strtol(optarg, NULL, 0); break;
		case 'w': opt.worker = atoi(optarg); break;
		case 'v': opt.verbose = 1; break;
		case 'M': opt.miscount = 1; break;
		default: usage();
		}
	}
	if (opt.procs < 1 || opt.threads < 1 || opt.procs * opt.threads > MAXW ||
	    opt.ops < 1 || opt.worker < 0 || opt.worker >= MAXW)
		usage();
	if (!seeded) {
		struct timespec t;

		clock_gettime(CLOCK_REALTIME, &t);
		opt.seed = (uint64_t)t.tv_sec * 1000003u ^ t.tv_nsec ^ getpid();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	opt.max_bytes = read_max_bytes();
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		return 2;
	printf("mpool_fuzz: seed %llu (replay a failure: --seed %llu --worker W --replay-op N)\n",
	       (unsigned long long)opt.seed, (unsigned long long)opt.seed);
	if (opt.replay_op >= 0)
		return replay();

	fd = open(DEV, O_RDWR);
	if (fd < 0) {
		result(false, "fuzz-open", DEV ": %s", strerror(errno));
		return 1;
	}
	if (create_stable(fd)) {
		result(false, "fuzz-setup", "could not create the stable pools");
		return 1;
	}
	nworkers = opt.procs * opt.threads;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += opt.seconds;
	t0 = now_s();
	for (i = 0; i < opt.procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fork");
			return 2;
		}
		if (!pids[i])
			worker_process(i);
	}
	/* Every worker done with its operations, each still holding its blocks. */
	for (;;) {
		if (__atomic_load_n(&shm->arrived, __ATOMIC_SEQ_CST) == nworkers)
			break;
		for (i = 0, alive = 0; i < opt.procs; i++)
			alive += pids[i] > 0 && waitpid(pids[i], NULL, WNOHANG) == 0;
		if (alive < opt.procs)
			break;
		usleep(10000);
	}
	t1 = now_s();
	if (__atomic_load_n(&shm->arrived, __ATOMIC_SEQ_CST) != nworkers) {
		result(false, "fuzz-workers", "a worker process died");
		for (i = 0; i < opt.procs; i++)
			kill(pids[i], SIGKILL);
		return 1;
	}
	for (i = 0; i < NSTABLE; i++) {
		long held = 0;

		for (j = 0; j < nworkers; j++)
			held += shm->held[j][i];
		if (pstats(fd, stable[i].name, &s)) {
			result(false, "fuzz-stable-pools-survive", "STATS %s: %s",
			       stable[i].name, strerror(errno));
			bad++;
			continue;
		}
		if (s.out_blocks_free + s.out_blocks_in_use != s.out_blocks_total ||
		    s.out_blocks_in_use != (uint64_t)held) {
			printf("fuzz: %s: free %llu + in use %llu, total %llu; workers hold %ld\n",
			       stable[i].name,
			       (unsigned long long)s.out_blocks_free,
			       (unsigned long long)s.out_blocks_in_use,
			       (unsigned long long)s.out_blocks_total, held);
			bad++;
		}
	}
	result(!bad, "fuzz-in-use-is-what-workers-hold",
	       "%d stable pools differ (see above)", bad);
	__atomic_store_n(&shm->phase, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < opt.procs; i++) {
		int st;

		if (waitpid(pids[i], &st, 0) != pids[i] || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			bad = -1;
	}
	result(bad != -1, "fuzz-workers-exit", "a worker process failed");
	bad = 0;
	for (i = 0; i < NSTABLE; i++) {
		if (pstats(fd, stable[i].name, &s) || s.out_blocks_in_use ||
		    s.out_blocks_free != s.out_blocks_total) {
			printf("fuzz: %s after the workers freed theirs: in use %llu, free %llu of %llu\n",
			       stable[i].name,
			       (unsigned long long)s.out_blocks_in_use,
			       (unsigned long long)s.out_blocks_free,
			       (unsigned long long)s.out_blocks_total);
			bad++;
		}
	}
	result(!bad, "fuzz-no-block-lost", "%d stable pools not empty", bad);
	check_all_pools(fd, true);
	summary(t1 - t0);
	close(fd);
	return nfail ? 1 : 0;
}
