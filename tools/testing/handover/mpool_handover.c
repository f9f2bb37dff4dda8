// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_handover: tests of MPOOL_IOC_GIVE and MPOOL_IOC_TAKE (struct
 * mpool_ioc_handover in include/uapi/mpool_ioctl.h) through libmpool.
 * Each check names the sentence of the header it verifies.  Runs in the
 * test VM as root with mempool.ko loaded, prints the guest protocol's
 * lines and exits 0 (the lines are the result).
 *
 *     mpool_handover [ROUNDS]   every test; ROUNDS for the races
 *                               (default 2000)
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
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libmpool.h"
#include "../mptest.h"

#define DEBUGFS "/sys/kernel/debug/mempool"
#define BS 64
#define NB 64
#define OWNED MPOOL_ALLOC_OWNED

static int open_mode(int mode)
{
	int fd = mpool_open(mode);

	if (fd < 0) {
		result(0, "ho-open", MPOOL_DEV_PATH ": %s", strerror(-fd));
		exit(0);
	}
	return fd;
}

static int open_dev(void)
{
	return open_mode(O_RDWR);
}

/* mpool_give() or mpool_take(). */
typedef int handover_fn(int fd, const char *name, const uint64_t *handles,
			uint32_t count, int32_t *results);

/*
 * GIVE or TAKE of @n handles: the call's -errno, else 0 with each
 * handle's result in @res (may be NULL) and *@done set; -EPROTO when the
 * count disagrees with the results.
 */
static int handover(int fd, handover_fn *op, const char *name,
		    const uint64_t *h, uint32_t n, int32_t *res,
		    uint32_t *done)
{
	int got = op(fd, name, h, n, res);
	uint32_t i, ok = 0;

	if (got < 0)
		return got;
	for (i = 0; res && i < n; i++)
		ok += !res[i];
	if ((res && ok != (uint32_t)got) || (uint32_t)got > n)
		return -EPROTO;
	if (done)
		*done = got;
	return 0;
}

/* One handle: its result (0 or -errno), or the call's -errno. */
static int one(int fd, handover_fn *op, const char *name, uint64_t h)
{
	int32_t res = 1;
	int err = handover(fd, op, name, &h, 1, &res, NULL);

	return err ? err : res;
}

static int give1(int fd, const char *name, uint64_t h)
{
	return one(fd, mpool_give, name, h);
}

static int take1(int fd, const char *name, uint64_t h)
{
	return one(fd, mpool_take, name, h);
}

static int free1(int fd, const char *name, uint64_t h)
{
	int32_t res = 1;
	int err = mpool_free(fd, name, &h, 1, &res);

	return err < 0 ? err : res;
}

static int read1(int fd, const char *name, uint64_t h)
{
	char b[8];

	return mpool_read(fd, name, h, 0, b, sizeof(b));
}

static uint64_t stat_of(int fd, const char *name, int reclaimed)
{
	struct mpool_ioc_stats s;

	if (mpool_stats(fd, name, &s))
		return ~0ULL;
	return reclaimed ? s.out_reclaimed_on_close : s.out_blocks_in_use;
}

static uint64_t in_use(int fd, const char *name)
{
	return stat_of(fd, name, 0);
}

static uint64_t reclaimed(int fd, const char *name)
{
	return stat_of(fd, name, 1);
}

static uint64_t alloc1(int fd, const char *name, uint32_t flags)
{
	uint64_t h = 0;

	return mpool_alloc(fd, name, &h, 1, flags, 0) == 1 ? h : 0;
}

/*
 * The debugfs line of @h's block, or "" (no such line): "OFF CALLER
 * [given] owner=PID:COMM".
 */
static const char *blocks_line(const char *name, uint64_t h)
{
	static char line[256];
	char path[128], want[32];
	FILE *f;

	snprintf(path, sizeof(path), DEBUGFS "/%s/blocks", name);
	snprintf(want, sizeof(want), "%llu ",
		 (unsigned long long)mpool_handle_offset(h));
	f = fopen(path, "r");
	if (!f)
		return "";
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, want, strlen(want))) {
			line[strcspn(line, "\n")] = 0;
			fclose(f);
			return line;
		}
	fclose(f);
	return "";
}

/* Whether @h's debugfs line says given and owner=@pid:. */
static int shows(const char *name, uint64_t h, int given, pid_t pid)
{
	const char *l = blocks_line(name, h);
	char own[32];

	snprintf(own, sizeof(own), " owner=%d:", pid);
	return strstr(l, own) && !strstr(l, " given owner=") == !given;
}

/* Reads a uint64_t from @fd, for handles passed through pipes. */
static int get_u64(int fd, uint64_t *v)
{
	return read(fd, v, sizeof(*v)) == sizeof(*v) ? 0 : -1;
}

static void put_u64(int fd, uint64_t v)
{
	if (write(fd, &v, sizeof(v)) != sizeof(v))
		_exit(3);
}

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* ---- each sentence of struct mpool_ioc_handover's comment ------------- */

/*
 * handover() through a raw ioctl, which also checks that out_done +
 * out_invalid is @n: the library returns out_done only.
 */
static int handover_raw(int fd, unsigned long req, const char *name,
			const uint64_t *h, uint32_t n, int32_t *res,
			uint32_t *done)
{
	struct mpool_ioc_handover o = { .size = sizeof(o), .count = n,
					.handles = (uintptr_t)h,
					.results = (uintptr_t)res };
	uint32_t i, ok = 0;
	int err;

	set_name(o.name, name);
	err = mpt_io(fd, req, &o);
	if (err)
		return -err;
	for (i = 0; i < n; i++)
		ok += !res[i];
	if (ok != o.out_done || o.out_done + o.out_invalid != n)
		return -EPROTO;
	*done = o.out_done;
	return 0;
}

/*
 * "@results: ... -ERANGE, -EINVAL, -ENXIO, -ESTALE as for MPOOL_IOC_FREE;
 * -EPERM, for GIVE, this open file does not own the block (another one
 * does, or nobody ...), and for TAKE, its owner has not given it (the
 * first of these that applies, in this order)"; "@out_done ...
 * @out_invalid ..."; "Takes every valid handle even when some are
 * invalid; returns 0 unless the arguments themselves are bad."
 */
static void test_errnos(int a, int b)
{
	const char *P = "ho_err";
	uint64_t mine = 0, other = 0, plain = 0, freed = 0, stale, nx, h[12];
	int32_t res[12], want[12];
	uint32_t done = 0;
	int i, err, n = 0, bad;

	mpool_create(a, P, BS, NB, 0, 0);
	mine = alloc1(a, P, OWNED);
	other = alloc1(b, P, OWNED);
	plain = alloc1(a, P, 0);
	freed = alloc1(a, P, 0);
	free1(a, P, freed);
	stale = alloc1(a, P, 0);	/* the block of @freed again */
	nx = alloc1(a, P, 0);
	free1(a, P, nx);		/* a free block */
	if (!mine || !other || !plain || !stale || !nx ||
	    mpool_handle_offset(stale) != mpool_handle_offset(freed)) {
		result(0, "ho-give-errnos", "setup failed");
		return;
	}
	/* Each errno, then the order: ERANGE before ESTALE, ... */
#define H(v, e) do { h[n] = (v); want[n] = (e); n++; } while (0)
	H(mpool_handle_make((uint64_t)BS * NB * 4, mpool_handle_gen(mine)),
	  -ERANGE);
	H(mine + 1, -EINVAL);
	H(nx, -ENXIO);
	H(freed, -ESTALE);
	H(other, -EPERM);		/* another file owns it */
	H(plain, -EPERM);		/* nobody owns it */
	H(mine, 0);
	/* stale beats EPERM */
	H(mpool_handle_make(mpool_handle_offset(mine), mpool_handle_gen(mine) ^ 3),
	  -ESTALE);
	/* ENXIO before ESTALE */
	H(mpool_handle_make(mpool_handle_offset(nx), mpool_handle_gen(nx) ^ 3),
	  -ENXIO);
	H((uint64_t)BS * NB * 4 + 1, -ERANGE); /* ERANGE before EINVAL */
	memset(res, 0x55, sizeof(res));
	err = handover_raw(a, MPOOL_IOC_GIVE, P, h, n, res, &done);
	for (i = 0, bad = -1; i < n; i++)
		if (res[i] != want[i] && bad < 0)
			bad = i;
	if (!err && bad < 0 && done == 1)
		result(1, "ho-give-errnos", NULL);
	else
		result(0, "ho-give-errnos", "call %d, done %u, handle %d: %d, wanted %d",
		       err, done, bad, bad < 0 ? 0 : res[bad],
		       bad < 0 ? 0 : want[bad]);

	/* TAKE: the same, and EPERM for every block not given. */
	want[4] = -EPERM;	/* another file's, not given */
	want[5] = -EPERM;	/* nobody's, never given */
	want[6] = 0;		/* given just now */
	memset(res, 0x55, sizeof(res));
	err = handover_raw(b, MPOOL_IOC_TAKE, P, h, n, res, &done);
	for (i = 0, bad = -1; i < n; i++)
		if (res[i] != want[i] && bad < 0)
			bad = i;
	if (!err && bad < 0 && done == 1)
		result(1, "ho-take-errnos", NULL);
	else
		result(0, "ho-take-errnos", "call %d, done %u, handle %d: %d, wanted %d",
		       err, done, bad, bad < 0 ? 0 : res[bad],
		       bad < 0 ? 0 : want[bad]);
	/* A's own block, owned and not given: TAKE refuses it to A too. */
	/* Its owner has not given it: refused to the owner too. */
	result(take1(b, P, mine) == -EPERM && take1(b, P, other) == -EPERM,
	       "ho-take-not-given", "taken");
	/*
	 * "@out_invalid: handles refused; their blocks are unchanged": the
	 * refused blocks are still their owners' (b frees other, a plain).
	 */
	result(free1(a, P, other) == -EPERM && free1(b, P, other) == 0 &&
	       free1(a, P, plain) == 0 && free1(b, P, mine) == 0,
	       "ho-refused-unchanged", "owners changed");
#undef H

	/* The arguments: EINVAL, EFAULT, ENOENT for the whole call. */
	{
		static handover_fn *const ops[2] = { mpool_give, mpool_take };
		static const unsigned long reqs[2] = { MPOOL_IOC_GIVE,
						       MPOOL_IOC_TAKE };
		struct mpool_ioc_handover o = { .size = sizeof(o), .count = 1,
						.handles = (uintptr_t)&mine };
		int k, e[6];

		for (k = 0; k < 2; k++) {
			e[0] = ops[k](a, P, &mine, 0, NULL);
			e[1] = ops[k](a, P, &mine, MPOOL_IOC_BATCH_MAX + 1,
				      NULL);
			/* Raw: the library sends out_done and out_invalid 0. */
			set_name(o.name, P);
			o.out_done = 1;
			e[2] = -mpt_io(a, reqs[k], &o);
			o.out_done = 0;
			o.out_invalid = 1;
			e[3] = -mpt_io(a, reqs[k], &o);
			o.out_invalid = 0;
			e[4] = ops[k](a, P, (const uint64_t *)8, 1, NULL);
			e[5] = ops[k](a, "ho_nosuch", &mine, 1, NULL);
			result(e[0] == -EINVAL && e[1] == -EINVAL &&
			       e[2] == -EINVAL && e[3] == -EINVAL &&
			       e[4] == -EFAULT && e[5] == -ENOENT,
			       k ? "ho-take-args" : "ho-give-args",
			       "%d %d %d %d %d %d", e[0], e[1], e[2], e[3],
			       e[4], e[5]);
		}
	}
	/* A bad @results address: the work is done, the report lost. */
	mine = alloc1(a, P, OWNED);
	err = mpool_give(a, P, &mine, 1, (int32_t *)8);
	result(err == -EFAULT && take1(b, P, mine) == 0 &&
	       free1(b, P, mine) == 0, "ho-results-efault-done",
	       "give %d", err);
	mpool_destroy(a, P, MPOOL_DESTROY_FORCE);
}

/*
 * Permissions row "MPOOL_IOC_GIVE, TAKE: EPERM yes (5) yes (5)": an
 * O_RDONLY file gets EPERM for both, an O_WRONLY one may.
 */
static void test_permissions(int a)
{
	const char *P = "ho_perm";
	int ro = open_mode(O_RDONLY), wo = open_mode(O_WRONLY);
	uint64_t h;
	int g, t, setup;

	mpool_create(a, P, BS, NB, 0, 0);
	h = alloc1(a, P, OWNED);
	/* Setup first: the file works, the pool is there, the block given. */
	setup = h && in_use(ro, P) == 1 && read1(ro, P, alloc1(a, P, 0)) == 0 &&
		give1(a, P, h) == 0;
	g = give1(ro, P, h);
	t = take1(ro, P, h);
	result(setup && g == -EPERM && t == -EPERM, "ho-rdonly-eperm",
	       "setup %d, give %d, take %d", setup, g, t);
	t = take1(wo, P, h);
	g = give1(wo, P, h);
	result(t == 0 && g == 0 && take1(a, P, h) == 0 &&
	       free1(a, P, h) == 0, "ho-wronly-may", "take %d, give %d", t, g);
	close(ro);
	close(wo);
	mpool_destroy(a, P, MPOOL_DESTROY_FORCE);
}

/*
 * "the producer GIVEs the block's handle, passes the handle on ..., and
 * the consumer TAKEs it.  The handle stays the same."; "GIVE does not
 * change the owner: the block stays the giver's, and only the giver may
 * free, read or write it, until an open file of the pool with write
 * access TAKEs it; it is then that file's, no longer given, as if that
 * file had allocated it with MPOOL_ALLOC_OWNED."
 */
static void test_semantics(int a)
{
	const char *P = "ho_sem";
	int b = open_dev(), c = open_dev();
	uint64_t h, before;
	int e1, e2, e3, e4;

	mpool_create(a, P, BS, NB, 0, 0);
	h = alloc1(a, P, OWNED);
	e1 = give1(a, P, h);
	e2 = read1(b, P, h);
	e3 = free1(b, P, h);
	e4 = read1(a, P, h);
	result(!e1 && e2 == -EPERM && e3 == -EPERM && !e4,
	       "ho-give-keeps-owner", "give %d, other read %d free %d, own read %d",
	       e1, e2, e3, e4);
	e1 = take1(b, P, h);
	e2 = read1(b, P, h);	/* the same handle */
	result(!e1 && !e2, "ho-handle-same", "take %d, read %d", e1, e2);
	e1 = read1(a, P, h);
	e2 = free1(a, P, h);
	e3 = take1(c, P, h);	/* no longer given */
	e4 = give1(a, P, h);	/* no longer a's to give */
	result(e1 == -EPERM && e2 == -EPERM && e3 == -EPERM && e4 == -EPERM,
	       "ho-take-owns", "giver read %d free %d, take again %d, give %d",
	       e1, e2, e3, e4);
	/* ... as if b had allocated it owned: b's close frees it. */
	before = reclaimed(a, P);
	close(b);
	result(in_use(a, P) == 0 && reclaimed(a, P) == before + 1,
	       "ho-take-as-owned", "in use %llu, reclaimed %llu -> %llu",
	       (unsigned long long)in_use(a, P), (unsigned long long)before,
	       (unsigned long long)reclaimed(a, P));

	/* "Any such file may take a given block, the giver too (which takes back its offer)." */
	h = alloc1(a, P, OWNED);
	e1 = give1(a, P, h);
	e2 = take1(a, P, h);
	e3 = take1(c, P, h);
	result(!e1 && !e2 && e3 == -EPERM && free1(a, P, h) == 0,
	       "ho-take-back", "give %d, take back %d, other's take %d",
	       e1, e2, e3);
	/* "GIVE of a block already given succeeds and changes nothing." */
	h = alloc1(a, P, OWNED);
	e1 = give1(a, P, h);
	e2 = give1(a, P, h);
	e3 = shows(P, h, 1, getpid());
	e4 = take1(c, P, h);
	result(!e1 && !e2 && e3 && !e4 && take1(a, P, h) == -EPERM,
	       "ho-give-twice", "give %d, again %d, debugfs %d, take %d",
	       e1, e2, e3, e4);
	/*
	 * "Giving trusts every process that can open the device for
	 * writing: a given block's handle is a name anyone who has it may
	 * TAKE." (c took it above without being told by a.)
	 */
	result(!e4 && free1(c, P, h) == 0, "ho-anyone-takes", "take %d", e4);
	close(c);
	mpool_destroy(a, P, 0);
}

/*
 * debugfs: "given" while offered, the owner column the new owner's after
 * a TAKE by another process; and the taker's close reclaims exactly what
 * it holds (reclaimed_on_close).
 */
static void test_debugfs_and_counts(int a)
{
	const char *P = "ho_dbg";
	uint64_t h[5], r0;
	int p2c[2], c2p[2], i, s1, s2, s3, ok;
	uint32_t done = 0;
	pid_t pid;
	char x;

	mpool_create(a, P, BS, NB, 0, 0);
	if (mpool_alloc(a, P, h, 5, OWNED, 0) != 5 ||
	    handover(a, mpool_give, P, h, 5, NULL, &done) || done != 5) {
		result(0, "ho-debugfs-given", "setup");
		return;
	}
	s1 = shows(P, h[0], 1, getpid());
	take1(a, P, h[4]);	/* taken back: no longer given */
	s2 = shows(P, h[4], 0, getpid());
	result(s1 && s2, "ho-debugfs-given", "given %d, taken back %d: %s",
	       s1, s2, blocks_line(P, h[4]));
	if (pipe(p2c) || pipe(c2p))
		return;
	pid = fork();
	if (pid == 0) {
		int b = open_dev();

		close(p2c[1]);
		/* Takes 3 of the 5, then waits to be told to go. */
		if (handover(b, mpool_take, P, h, 3, NULL, &done) ||
		    done != 3)
			_exit(1);
		put_u64(c2p[1], 1);
		if (read(p2c[0], &x, 1) < 0)
			_exit(2);
		_exit(0);	/* the close reclaims */
	}
	ok = read(c2p[0], &r0, sizeof(r0)) == sizeof(r0);
	s1 = ok && shows(P, h[0], 0, pid) && shows(P, h[2], 0, pid);
	s2 = shows(P, h[3], 1, getpid());
	result(s1 && s2, "ho-debugfs-new-owner", "taker %d, giver's %d: %s",
	       s1, s2, blocks_line(P, h[0]));
	r0 = reclaimed(a, P);
	s3 = in_use(a, P) == 5;
	close(p2c[1]);
	reap(pid);
	result(s3 && in_use(a, P) == 2 && reclaimed(a, P) == r0 + 3,
	       "ho-taker-close-reclaims", "in use %llu, reclaimed +%llu",
	       (unsigned long long)in_use(a, P),
	       (unsigned long long)(reclaimed(a, P) - r0));
	for (i = 3; i < 5; i++)
		free1(a, P, h[i]);
	result(in_use(a, P) == 0, "ho-giver-frees-rest", "in use %llu",
	       (unsigned long long)in_use(a, P));
	close(p2c[0]);
	close(c2p[0]);
	close(c2p[1]);
	mpool_destroy(a, P, 0);
}

/* ---- deaths: "whoever dies when" --------------------------------------- */

/*
 * A producer: opens its own file, allocates 1 owned block, GIVEs it if
 * @give, sends the handle, then waits for SIGKILL.
 */
static pid_t producer(const char *P, int give, uint64_t *h)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		int fd = open_dev();
		uint64_t v = alloc1(fd, P, OWNED);

		if (give && give1(fd, P, v))
			v = 0;
		put_u64(p[1], v);
		for (;;)
			pause();
	}
	close(p[1]);
	if (get_u64(p[0], h))
		*h = 0;
	close(p[0]);
	return pid;
}

static void kill_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	reap(pid);
}

static void test_deaths(int a)
{
	const char *P = "ho_die";
	uint64_t h, r0, h2[NB];
	int e, e2, n;
	pid_t pid;

	mpool_create(a, P, BS, NB, 0, 0);
	/* "the producer dies before GIVE ...: freed with its other blocks" */
	r0 = reclaimed(a, P);
	pid = producer(P, 0, &h);
	e = in_use(a, P) == 1;
	kill_reap(pid);
	e2 = take1(a, P, h);
	result(h && e && in_use(a, P) == 0 && reclaimed(a, P) == r0 + 1 &&
	       e2 == -ENXIO, "ho-producer-dies-before-give", "take %d", e2);

	/*
	 * "... or after GIVE and before the TAKE: the block is still its
	 * own, and freed ...; the consumer's TAKE then fails (-ENXIO, or
	 * -ESTALE once the block was allocated again)"
	 */
	r0 = reclaimed(a, P);
	pid = producer(P, 1, &h);
	e = shows(P, h, 1, pid);
	kill_reap(pid);
	e2 = take1(a, P, h);
	result(h && e && in_use(a, P) == 0 && reclaimed(a, P) == r0 + 1 &&
	       e2 == -ENXIO, "ho-producer-dies-after-give",
	       "debugfs %d, take %d", e, e2);
	n = mpool_alloc(a, P, h2, NB, 0, 0);	/* every block, h's too */
	e2 = take1(a, P, h);
	result(n == NB && e2 == -ESTALE, "ho-producer-dies-take-estale",
	       "allocated %d, take %d", n, e2);
	mpool_free(a, P, h2, n, NULL);

	/*
	 * "the consumer dies before its TAKE: the block stays given and the
	 * producer's, until the producer takes it back, frees it or is
	 * closed"
	 */
	h = alloc1(a, P, OWNED);
	give1(a, P, h);
	pid = fork();
	if (pid == 0) {
		int fd = open_dev();

		(void)fd;
		for (;;)
			pause();	/* would take, but is killed first */
	}
	kill_reap(pid);
	e = shows(P, h, 1, getpid());
	e2 = take1(a, P, h);
	result(e && in_use(a, P) == 1 && !e2 && free1(a, P, h) == 0,
	       "ho-consumer-dies-before-take", "debugfs %d, take back %d",
	       e, e2);

	/* "the consumer dies after its TAKE: the block is freed when its file is closed" */
	h = alloc1(a, P, OWNED);
	give1(a, P, h);
	r0 = reclaimed(a, P);
	{
		int p[2];

		if (pipe(p))
			return;
		pid = fork();
		if (pid == 0) {
			int fd = open_dev();

			put_u64(p[1], take1(fd, P, h) == 0);
			for (;;)
				pause();
		}
		if (get_u64(p[0], &h2[0]))
			h2[0] = 0;
		close(p[0]);
		close(p[1]);
	}
	e = h2[0] == 1 && in_use(a, P) == 1 && free1(a, P, h) == -EPERM;
	kill_reap(pid);
	result(e && in_use(a, P) == 0 && reclaimed(a, P) == r0 + 1,
	       "ho-consumer-dies-after-take", "before kill %d, in use %llu",
	       e, (unsigned long long)in_use(a, P));
	mpool_destroy(a, P, 0);
}

/* ---- races ------------------------------------------------------------- */

struct racer {
	int fd;
	const char *pool;
	const uint64_t *h;
	pthread_barrier_t *bar;
	int rounds;
	int (*op)(int fd, const char *name, uint64_t h);
	int *res;
};

static void *racer_main(void *arg)
{
	struct racer *r = arg;
	int i;

	for (i = 0; i < r->rounds; i++) {
		pthread_barrier_wait(r->bar);
		r->res[i] = r->op(r->fd, r->pool, r->h[i]);
	}
	return NULL;
}

/*
 * Two operations on @rounds given blocks at once, from two threads each
 * with its own open file: @check says whether the pair of results is
 * allowed.
 */
static void race(int a, const char *name, int rounds,
		 int (*op1)(int, const char *, uint64_t), int fd1,
		 int (*op2)(int, const char *, uint64_t), int fd2,
		 int (*check)(int r1, int r2), int *wins1)
{
	const char *P = "ho_race";
	uint64_t *h = calloc(rounds, sizeof(*h));
	int *r1 = calloc(rounds, sizeof(int)), *r2 = calloc(rounds, sizeof(int));
	struct racer x1, x2;
	pthread_barrier_t bar;
	pthread_t t1, t2;
	int i, bad = -1, setup = 1, batch;

	mpool_create(a, P, BS, NB, 0, 0);
	pthread_barrier_init(&bar, NULL, 2);
	/* The blocks, NB at a time, given by a; the racers end each batch. */
	for (i = 0; i < rounds && setup; i += batch) {
		int j;

		batch = rounds - i < NB / 2 ? rounds - i : NB / 2;
		for (j = 0; j < batch; j++) {
			h[i + j] = alloc1(a, P, OWNED);
			setup &= h[i + j] && !give1(a, P, h[i + j]);
		}
		x1 = (struct racer){ fd1, P, h + i, &bar, batch, op1, r1 + i };
		x2 = (struct racer){ fd2, P, h + i, &bar, batch, op2, r2 + i };
		pthread_create(&t1, NULL, racer_main, &x1);
		pthread_create(&t2, NULL, racer_main, &x2);
		pthread_join(t1, NULL);
		pthread_join(t2, NULL);
		/* Whoever holds each block frees it. */
		for (j = 0; j < batch; j++)
			if (free1(fd1, P, h[i + j]) && free1(fd2, P, h[i + j]))
				free1(a, P, h[i + j]);
	}
	*wins1 = 0;
	for (i = 0; i < rounds && setup; i++) {
		if (!check(r1[i], r2[i]) && bad < 0)
			bad = i;
		*wins1 += !r1[i];
	}
	result(setup && bad < 0 && in_use(a, P) == 0, name,
	       "setup %d, round %d: %d and %d, in use %llu", setup, bad,
	       bad < 0 ? 0 : r1[bad], bad < 0 ? 0 : r2[bad],
	       (unsigned long long)in_use(a, P));
	pthread_barrier_destroy(&bar);
	mpool_destroy(a, P, MPOOL_DESTROY_FORCE);
	free(h);
	free(r1);
	free(r2);
}

static int one_wins_eperm(int r1, int r2)
{
	return (!r1 && r2 == -EPERM) || (r1 == -EPERM && !r2);
}

/* FREE by the owner against TAKE: one wins, the other ENXIO or EPERM. */
static int free_or_take(int rf, int rt)
{
	return (!rf && rt == -ENXIO) || (rf == -EPERM && !rt);
}

static void test_races(int a, int rounds)
{
	int b = open_dev(), c = open_dev(), w;

	/* "every owned block has exactly one owner": two takers, one wins. */
	race(a, "ho-race-two-takers", rounds, take1, b, take1, c,
	     one_wins_eperm, &w);
	printf("# two takers: first won %d of %d\n", w, rounds);
	race(a, "ho-race-free-vs-take", rounds, free1, a, take1, b,
	     free_or_take, &w);
	printf("# free vs take: free won %d of %d\n", w, rounds);
	close(b);
	close(c);
}

/*
 * TAKE racing the giver's close: either the taker owns the block (and
 * the giver's close did not free it) or the close freed it and TAKE
 * failed (-ENXIO).  Afterwards blocks_in_use is what live files hold.
 */
static void test_race_close(int a, int rounds)
{
	const char *P = "ho_rclose";
	int i, b = open_dev(), bad = 0, won = 0, e;
	uint64_t h, held = 0, r0;

	mpool_create(a, P, BS, NB, 0, 0);
	r0 = reclaimed(a, P);
	for (i = 0; i < rounds / 10 + 1 && !bad; i++) {
		int p[2];
		pid_t pid;

		if (pipe(p))
			break;
		pid = fork();
		if (pid == 0) {
			int fd = open_dev();
			uint64_t v = alloc1(fd, P, OWNED);

			give1(fd, P, v);
			put_u64(p[1], v);
			_exit(0);	/* closes while the parent takes */
		}
		close(p[1]);
		if (get_u64(p[0], &h))
			h = 0;
		close(p[0]);
		e = take1(b, P, h);
		reap(pid);
		if (!e) {
			won++;
			held++;
			/* Room for the next producers; the rest for close. */
			if (held > NB / 2 && !free1(b, P, h))
				held--;
		} else if (e != -ENXIO) {
			bad = e;
		}
		if (in_use(a, P) != held)
			bad = 1000;
	}
	result(!bad && reclaimed(a, P) == r0 + i - won,
	       "ho-race-take-vs-close", "err %d, taken %d of %d, in use %llu",
	       bad, won, i, (unsigned long long)in_use(a, P));
	printf("# take vs giver's close: taken %d of %d\n", won, i);
	close(b);
	result(in_use(a, P) == 0, "ho-race-close-taker-reclaims",
	       "in use %llu", (unsigned long long)in_use(a, P));
	mpool_destroy(a, P, 0);
}

/* GIVE and TAKE racing a forced DESTROY: only ENOENT or a result. */
struct churn {
	int fd[2];
	int stop;	/* __atomic: the churn thread polls it */
	int bad;
};

static void *churn_main(void *arg)
{
	struct churn *c = arg;
	uint64_t h;
	int e, i = 0;

	while (!__atomic_load_n(&c->stop, __ATOMIC_RELAXED)) {
		h = 0;
		e = mpool_alloc(c->fd[0], "ho_rdes", &h, 1, OWNED, 0);
		if (e != 1) {
			if (e != -ENOENT && e != -ENOSPC)
				c->bad = e;
			continue;
		}
		e = give1(c->fd[0], "ho_rdes", h);
		if (e && e != -ENOENT)
			c->bad = 1000 + e;
		e = take1(c->fd[i++ & 1], "ho_rdes", h);
		if (e && e != -ENOENT)
			c->bad = 2000 + e;
	}
	return NULL;
}

/* A line "KEY: N" of debugfs's budget file, or -1. */
static long long budget(const char *key)
{
	FILE *f = fopen(DEBUGFS "/budget", "r");
	char line[128];
	long long v = -1;
	size_t k = strlen(key);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, k) && line[k] == ':')
			v = atoll(line + k + 1);
	fclose(f);
	return v;
}

static void test_race_destroy(int a, int rounds)
{
	struct churn c;
	pthread_t t;
	int i, e, bad = 0, held = 0;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < rounds / 20 + 1; i++) {
		/* Fresh files: each holds blocks of the destroyed pool. */
		c.fd[0] = open_dev();
		c.fd[1] = open_dev();
		mpool_create(a, "ho_rdes", BS, NB, 0, 0);
		c.stop = 0;
		pthread_create(&t, NULL, churn_main, &c);
		usleep(2000);
		e = mpool_destroy(a, "ho_rdes", MPOOL_DESTROY_FORCE);
		if (e)
			bad = e;
		usleep(500);
		__atomic_store_n(&c.stop, 1, __ATOMIC_RELAXED);
		pthread_join(t, NULL);
		/* The destroyed pool's memory is held by its owners ... */
		held += budget("destroyed_pools") == 1;
		close(c.fd[0]);
		close(c.fd[1]);
	}
	/* ... and goes with their last close. */
	e = budget("destroyed_pools");
	result(!bad && !c.bad && !e, "ho-race-destroy",
	       "destroy %d, churn %d, destroyed pools left %d", bad, c.bad, e);
	printf("# destroy vs give/take: owners held the memory %d of %d\n",
	       held, i);
}

/*
 * A producer and a consumer process passing handles through a pipe, with
 * the bytes through their mappings: the consumer frees.
 */
static void test_pipe_pair(int a, int n)
{
	const char *P = "ho_pipe";
	int p[2], done[2], res[2], i, status, bad;
	pid_t pid[2];
	char x;

	mpool_create(a, P, BS, NB, 0, MPOOL_CREATE_MAP_WRITE);
	/* @done: the producer stays until the consumer is gone (EOF). */
	if (pipe(p) || pipe(done))
		return;
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i])
			continue;
		{
			int fd = open_dev(), k;
			struct mpool_map map;
			unsigned char *b;
			uint64_t h, stamp;

			/* Only the consumer keeps @done's write end. */
			if (i == 0)
				close(done[1]);
			if (mpool_map(fd, P, PROT_READ | PROT_WRITE, &map))
				_exit(10);
			for (k = 0; k < n; k++) {
				if (i == 0) {	/* producer */
					h = 0;
					if (mpool_alloc(fd, P, &h, 1,
							OWNED | MPOOL_ALLOC_WAIT,
							10000) != 1)
						_exit(12);
					b = mpool_ptr(&map, h);
					if (!b)
						_exit(11);
					stamp = 0x5eed0000ULL + k;
					memset(b, k & 0xff, BS);
					memcpy(b, &stamp, sizeof(stamp));
					if (give1(fd, P, h))
						_exit(13);
					put_u64(p[1], h);
				} else {	/* consumer */
					int j;

					if (get_u64(p[0], &h))
						_exit(20);
					if (take1(fd, P, h))
						_exit(21);
					b = mpool_ptr(&map, h);
					if (!b)
						_exit(25);
					memcpy(&stamp, b, sizeof(stamp));
					if (stamp != 0x5eed0000ULL + k)
						_exit(22);
					for (j = sizeof(stamp); j < BS; j++)
						if (b[j] != (k & 0xff))
							_exit(23);
					if (free1(fd, P, h))
						_exit(24);
				}
			}
			/*
			 * The producer's close would free what it gave and
			 * the consumer has not taken yet.
			 */
			if (i == 0 && read(done[0], &x, 1) < 0)
				_exit(14);
			_exit(0);
		}
	}
	close(p[0]);
	close(p[1]);
	close(done[0]);
	close(done[1]);
	for (i = 0, bad = 0; i < 2; i++) {
		waitpid(pid[i], &status, 0);
		res[i] = WIFEXITED(status) ? WEXITSTATUS(status) : 100;
		bad |= res[i];
	}
	result(!bad && in_use(a, P) == 0, "ho-pipe-pair-bytes",
	       "producer %d, consumer %d, in use %llu", res[0], res[1],
	       (unsigned long long)in_use(a, P));
	mpool_destroy(a, P, 0);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 2000;
	int a = open_dev(), b = open_dev();

	if (rounds < 1)
		rounds = 1;
	test_errnos(a, b);
	close(b);
	test_permissions(a);
	test_semantics(a);
	test_debugfs_and_counts(a);
	test_deaths(a);
	test_races(a, rounds);
	test_race_close(a, rounds);
	test_race_destroy(a, rounds);
	test_pipe_pair(a, rounds);
	close(a);
	return 0;
}
