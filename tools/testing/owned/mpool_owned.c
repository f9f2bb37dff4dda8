// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_owned: tests of block handles and owned blocks through libmpool
 * (include/uapi/mpool_ioctl.h, "Block handles" and MPOOL_ALLOC_OWNED).
 * Runs in the test VM as root with mempool.ko loaded and prints the guest
 * protocol's lines:
 *     MPTEST ok NAME
 *     MPTEST not ok NAME: MSG
 * exiting 0 (the lines are the result).
 *
 *     mpool_owned               every test
 *     mpool_owned --bench [N]   ns per ALLOC+FREE ioctl pair of one block,
 *                               unowned and owned (N pairs, default
 *                               20000, best of 5, three times): figures,
 *                               no verdict
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
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libmpool.h"
#include "../mptest.h"

#define DEBUGFS "/sys/kernel/debug/mempool"
#define BS 64

static int open_dev(void)
{
	int fd = mpool_open(O_RDWR);

	if (fd < 0) {
		result(0, "owned-open", MPOOL_DEV_PATH ": %s", strerror(-fd));
		exit(0);
	}
	return fd;
}

/*
 * All @count blocks, for a test's setup: "an allocation may fail while
 * other CPUs' caches hold free blocks (MPOOL_ALLOC_WAIT drains them)", so
 * a process that moved CPU part-way through filling a per-CPU pool asks
 * again for the rest, waiting.  @count, or what the last call gave.
 */
static int alloc_all(int fd, const char *name, uint64_t *h, uint32_t count,
		     uint32_t flags)
{
	int done = 0, k;

	while (done < (int)count) {
		/* Waiting only for blocks another CPU's cache holds: not long. */
		k = mpool_alloc(fd, name, h + done, count - done,
				done ? flags | MPOOL_ALLOC_WAIT : flags,
				done ? 2000 : 0);
		if (k <= 0)
			return done ? done : k;
		done += k;
	}
	return done;
}

/* Frees one handle: its per-handle result (0 or -errno), or the call's. */
static int free1(int fd, const char *name, uint64_t h)
{
	int32_t res = 1;
	int freed = mpool_free(fd, name, &h, 1, &res);

	if (freed < 0)
		return freed;
	if ((res == 0) != (freed == 1))
		return -EPROTO;	/* the count disagrees with the result */
	return res;
}

static int64_t in_use(int fd, const char *name)
{
	struct mpool_ioc_stats s;

	return mpool_stats(fd, name, &s) ? -1 : (int64_t)s.out_blocks_in_use;
}

static int64_t reclaimed(int fd, const char *name)
{
	struct mpool_ioc_stats s;

	return mpool_stats(fd, name, &s) ? -1 :
	       (int64_t)s.out_reclaimed_on_close;
}

static const char *ename(int e)
{
	static char buf[4][32];
	static int i;

	if (e < 0)
		e = -e;
	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ESTALE: return "ESTALE";
	case ENXIO: return "ENXIO";
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case ENOENT: return "ENOENT";
	case EOVERFLOW: return "EOVERFLOW";
	case EDQUOT: return "EDQUOT";
	}
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "errno %d", e);
	return buf[i];
}

/* A child's report through a pipe: its handles, then it waits. */
struct child {
	pid_t pid;
	int to_child;		/* write a byte: the child exits */
	int from_child;
	uint64_t h[64];
	int n;
};

/*
 * Forks a child that sets its comm to @comm, opens the device, allocates
 * @n blocks of @pool, and @n2 of @pool2 if not NULL (@flags), through that
 * one open file, writes their handles to the pipe and waits for a byte
 * (or a signal).  Returns 0 with @c filled (the handles of @pool first),
 * or -1.
 */
static int spawn2(struct child *c, const char *comm, const char *pool,
		  int n, const char *pool2, int n2, uint32_t flags)
{
	int up[2], down[2];
	ssize_t got;

	memset(c, 0, sizeof(*c));
	if (pipe(up) || pipe(down))
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (!c->pid) {
		uint64_t h[64];
		int fd, k;
		char b;

		close(up[0]);
		close(down[1]);
		prctl(PR_SET_NAME, comm);
		fd = mpool_open(O_RDWR);
		k = fd < 0 ? -1 : alloc_all(fd, pool, h, n, flags);
		if (k == n && pool2)
			k += alloc_all(fd, pool2, h + n, n2, flags) == n2 ?
			     n2 : -n;
		if (k != n + (pool2 ? n2 : 0))
			k = -1;
		if (write(up[1], &k, sizeof(k)) != sizeof(k) ||
		    (k > 0 && write(up[1], h, k * sizeof(h[0])) !=
		     (ssize_t)(k * sizeof(h[0]))))
			_exit(1);
		if (read(down[0], &b, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	c->to_child = down[1];
	c->from_child = up[0];
	if (pool2)
		n += n2;
	got = read(c->from_child, &c->n, sizeof(c->n));
	if (got != sizeof(c->n) || c->n != n ||
	    read(c->from_child, c->h, n * sizeof(c->h[0])) !=
	    (ssize_t)(n * sizeof(c->h[0]))) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		return -1;
	}
	return 0;
}

static int spawn(struct child *c, const char *comm, const char *pool, int n,
		 uint32_t flags)
{
	return spawn2(c, comm, pool, n, NULL, 0, flags);
}

/* Lets the child exit (or kills it) and reaps it. */
static void reap(struct child *c, int sig)
{
	if (sig)
		kill(c->pid, sig);
	else if (write(c->to_child, "x", 1) != 1)
		kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	close(c->to_child);
	close(c->from_child);
}

/*
 * A process holding owned blocks in two pools is SIGKILLed: every block
 * comes back, and reclaimed_on_close counts exactly them.
 */
static void test_sigkill(int fd)
{
	struct child c1, c2;
	int64_t u0a, u0b, r0a, r0b, u1a, u1b;
	int ok;

	if (mpool_create(fd, "ow_ka", BS, 32, 0, 0) ||
	    mpool_create(fd, "ow_kb", BS, 16, 0, MPOOL_CREATE_PERCPU)) {
		result(0, "owned-sigkill", "create failed");
		return;
	}
	/* Unowned blocks of another process stay: the count is per file. */
	if (spawn(&c2, "ow_plain", "ow_ka", 3, 0)) {
		result(0, "owned-sigkill", "setup: unowned child");
		return;
	}
	u0a = in_use(fd, "ow_ka");
	u0b = in_use(fd, "ow_kb");
	r0a = reclaimed(fd, "ow_ka");
	r0b = reclaimed(fd, "ow_kb");
	/* One open file owning blocks of two pools (one per-CPU). */
	if (spawn2(&c1, "ow_kill", "ow_ka", 10, "ow_kb", 16,
		   MPOOL_ALLOC_OWNED)) {
		result(0, "owned-sigkill", "setup: owning child");
		return;
	}
	u1a = in_use(fd, "ow_ka");
	u1b = in_use(fd, "ow_kb");
	result(u1a == u0a + 10 && u1b == u0b + 16, "owned-sigkill-setup",
	       "in use %lld and %lld, wanted %lld + 10 and %lld + 16",
	       (long long)u1a, (long long)u1b, (long long)u0a, (long long)u0b);
	reap(&c1, SIGKILL);
	ok = in_use(fd, "ow_ka") == u0a && reclaimed(fd, "ow_ka") == r0a + 10 &&
	     in_use(fd, "ow_kb") == u0b && reclaimed(fd, "ow_kb") == r0b + 16;
	result(ok, "owned-sigkill-gives-back",
	       "in use %lld, %lld (were %lld, %lld), reclaimed %lld, %lld (were %lld, %lld)",
	       (long long)in_use(fd, "ow_ka"), (long long)in_use(fd, "ow_kb"),
	       (long long)u0a, (long long)u0b,
	       (long long)reclaimed(fd, "ow_ka"),
	       (long long)reclaimed(fd, "ow_kb"), (long long)r0a,
	       (long long)r0b);
	/* The unowned child's blocks were not taken with the others. */
	ok = in_use(fd, "ow_ka") == 3;
	reap(&c2, 0);
	result(ok && in_use(fd, "ow_ka") == 3 &&
	       reclaimed(fd, "ow_ka") == r0a + 10,
	       "owned-unowned-outlive-their-process",
	       "in use %lld, reclaimed %lld", (long long)in_use(fd, "ow_ka"),
	       (long long)reclaimed(fd, "ow_ka"));
	mpool_destroy(fd, "ow_ka", MPOOL_DESTROY_FORCE);
	mpool_destroy(fd, "ow_kb", MPOOL_DESTROY_FORCE);
}

/*
 * Blocks a child owns: another process, and another open file of the
 * child's, get EPERM on FREE, READ and WRITE; the owner succeeds.  The
 * child's unowned blocks work from anywhere (proving the setup).
 */
static void test_eperm(int fd)
{
	unsigned char buf[BS], back[BS];
	struct child c, u;
	int e_free, e_read, e_write, fd2, ok;
	int64_t u0;

	if (mpool_create(fd, "ow_p", BS, 16, 0, 0)) {
		result(0, "owned-eperm", "create failed");
		return;
	}
	if (spawn(&u, "ow_unowned", "ow_p", 2, 0) ||
	    spawn(&c, "ow_owner", "ow_p", 2, MPOOL_ALLOC_OWNED)) {
		result(0, "owned-eperm", "setup: children");
		return;
	}
	/* Unowned: as before, any process. */
	memset(buf, 0x11, sizeof(buf));
	ok = !mpool_write(fd, "ow_p", u.h[0], 0, buf, BS) &&
	     !mpool_read(fd, "ow_p", u.h[0], 0, back, BS) &&
	     !memcmp(buf, back, BS) && !free1(fd, "ow_p", u.h[0]);
	result(ok, "owned-unowned-any-process",
	       "another process could not use an unowned block");

	u0 = in_use(fd, "ow_p");
	e_free = free1(fd, "ow_p", c.h[0]);
	e_read = mpool_read(fd, "ow_p", c.h[0], 0, back, BS);
	e_write = mpool_write(fd, "ow_p", c.h[0], 0, buf, BS);
	result(e_free == -EPERM && e_read == -EPERM && e_write == -EPERM &&
	       in_use(fd, "ow_p") == u0,
	       "owned-other-process-eperm", "FREE %s, READ %s, WRITE %s",
	       ename(e_free), ename(e_read), ename(e_write));
	reap(&c, 0);
	reap(&u, 0);

	/* Same process, two open files: the second is refused. */
	fd2 = open_dev();
	if (mpool_alloc(fd2, "ow_p", c.h, 1, MPOOL_ALLOC_OWNED, 0) != 1) {
		result(0, "owned-other-file-eperm", "setup: alloc");
	} else {
		e_free = free1(fd, "ow_p", c.h[0]);
		e_read = mpool_read(fd, "ow_p", c.h[0], 0, back, BS);
		e_write = mpool_write(fd, "ow_p", c.h[0], 0, buf, BS);
		result(e_free == -EPERM && e_read == -EPERM && e_write == -EPERM,
		       "owned-other-file-eperm", "FREE %s, READ %s, WRITE %s",
		       ename(e_free), ename(e_read), ename(e_write));
		/* The owner may. */
		memset(buf, 0x22, sizeof(buf));
		ok = !mpool_write(fd2, "ow_p", c.h[0], 0, buf, BS) &&
		     !mpool_read(fd2, "ow_p", c.h[0], 0, back, BS) &&
		     !memcmp(buf, back, BS);
		result(ok, "owned-owner-reads-writes", "the owner was refused");
		result(!free1(fd2, "ow_p", c.h[0]) &&
		       reclaimed(fd, "ow_p") == 2,
		       "owned-owner-frees", "reclaimed %lld, wanted 2 (the child's)",
		       (long long)reclaimed(fd, "ow_p"));
		/* Freed by its owner: nothing left for the close. */
		close(fd2);
		result(reclaimed(fd, "ow_p") == 2 && in_use(fd, "ow_p") == 1,
		       "owned-freed-not-reclaimed",
		       "reclaimed %lld, in use %lld", (long long)reclaimed(fd, "ow_p"),
		       (long long)in_use(fd, "ow_p"));
	}
	mpool_destroy(fd, "ow_p", MPOOL_DESTROY_FORCE);
}

/*
 * The open file owns the blocks, shared by fork() and dup() as flock()
 * locks: a child with the inherited fd may use them; the blocks stay
 * until the last close.
 */
static void test_shared_file(int fd)
{
	unsigned char buf[BS];
	uint64_t h;
	int fd2, st = -1, dupfd;
	pid_t pid;

	if (mpool_create(fd, "ow_f", BS, 4, 0, 0)) {
		result(0, "owned-fork-shares", "create failed");
		return;
	}
	fd2 = open_dev();
	if (mpool_alloc(fd2, "ow_f", &h, 1, MPOOL_ALLOC_OWNED, 0) != 1) {
		result(0, "owned-fork-shares", "setup: alloc");
		goto out;
	}
	pid = fork();
	if (!pid)
		_exit(mpool_read(fd2, "ow_f", h, 0, buf, BS) ? 1 : 0);
	waitpid(pid, &st, 0);
	result(WIFEXITED(st) && !WEXITSTATUS(st) && in_use(fd, "ow_f") == 1,
	       "owned-fork-shares", "the child's READ through the inherited fd failed, or its exit freed the block");
	dupfd = dup(fd2);
	close(fd2);
	result(in_use(fd, "ow_f") == 1 &&
	       !mpool_read(dupfd, "ow_f", h, 0, buf, BS),
	       "owned-dup-keeps", "closing one of two fds freed the block");
	close(dupfd);
	result(in_use(fd, "ow_f") == 0 && reclaimed(fd, "ow_f") == 1,
	       "owned-last-close-frees", "in use %lld, reclaimed %lld",
	       (long long)in_use(fd, "ow_f"), (long long)reclaimed(fd, "ow_f"));
out:
	mpool_destroy(fd, "ow_f", MPOOL_DESTROY_FORCE);
}

/*
 * A handle whose block was freed and allocated again by someone else:
 * ESTALE on FREE, READ and WRITE, and the new holder's bytes untouched.
 * A live block's bare offset (generation 0): ESTALE.  Double free: ENXIO.
 */
static void test_stale(int fd)
{
	unsigned char mine[BS], theirs[BS], back[BS];
	uint64_t h1, h2;
	int fd2, e_free, e_read, e_write;

	if (mpool_create(fd, "ow_s", BS, 4, 0, 0)) {
		result(0, "owned-stale", "create failed");
		return;
	}
	fd2 = open_dev();
	if (mpool_alloc(fd, "ow_s", &h1, 1, 0, 0) != 1 ||
	    free1(fd, "ow_s", h1) ||
	    mpool_alloc(fd2, "ow_s", &h2, 1, 0, 0) != 1) {
		result(0, "owned-stale", "setup: alloc/free/alloc");
		goto out;
	}
	/* The free list is LIFO: the same block, a new generation. */
	result(mpool_handle_offset(h1) == mpool_handle_offset(h2) && h1 != h2 &&
	       mpool_handle_gen(h1) && mpool_handle_gen(h2),
	       "owned-stale-setup", "handles 0x%llx then 0x%llx",
	       (unsigned long long)h1, (unsigned long long)h2);
	memset(theirs, 0x5a, sizeof(theirs));
	memset(mine, 0xa5, sizeof(mine));
	mpool_write(fd2, "ow_s", h2, 0, theirs, BS);
	e_write = mpool_write(fd, "ow_s", h1, 0, mine, BS);
	e_read = mpool_read(fd, "ow_s", h1, 0, back, BS);
	e_free = free1(fd, "ow_s", h1);
	result(e_free == -ESTALE && e_read == -ESTALE && e_write == -ESTALE,
	       "owned-stale-estale", "FREE %s, READ %s, WRITE %s",
	       ename(e_free), ename(e_read), ename(e_write));
	memset(back, 0, sizeof(back));
	result(!mpool_read(fd2, "ow_s", h2, 0, back, BS) &&
	       !memcmp(back, theirs, BS) && in_use(fd, "ow_s") == 1,
	       "owned-stale-new-holder-untouched",
	       "the new holder's block changed or was freed");

	e_free = free1(fd, "ow_s", mpool_handle_offset(h2));
	e_read = mpool_read(fd, "ow_s", mpool_handle_offset(h2), 0, back,
			    BS);
	e_write = mpool_write(fd, "ow_s", mpool_handle_offset(h2), 0, mine,
			      BS);
	result(e_free == -ESTALE && e_read == -ESTALE && e_write == -ESTALE &&
	       in_use(fd, "ow_s") == 1,
	       "owned-gen0-estale", "FREE %s, READ %s, WRITE %s",
	       ename(e_free), ename(e_read), ename(e_write));

	result(!free1(fd2, "ow_s", h2), "owned-holder-frees", "refused");
	e_free = free1(fd2, "ow_s", h2);
	e_read = mpool_read(fd2, "ow_s", h2, 0, back, BS);
	result(e_free == -ENXIO && e_read == -ENXIO, "owned-double-free-enxio",
	       "FREE %s, READ %s", ename(e_free), ename(e_read));
out:
	close(fd2);
	mpool_destroy(fd, "ow_s", MPOOL_DESTROY_FORCE);
}

/* Several threads free one handle at once: exactly one succeeds. */
#define RACERS 4
#define ROUNDS 300
static pthread_barrier_t race_bar;
static uint64_t race_handle;
static int race_res[RACERS];
static int race_fd;

static void *racer(void *arg)
{
	int id = (int)(intptr_t)arg, r;

	for (r = 0; r < ROUNDS; r++) {
		pthread_barrier_wait(&race_bar);
		race_res[id] = free1(race_fd, "ow_r", race_handle);
		pthread_barrier_wait(&race_bar);
		pthread_barrier_wait(&race_bar);	/* the main thread checks */
	}
	return NULL;
}

static void test_free_race(int fd, uint32_t flags, const char *name)
{
	pthread_t t[RACERS];
	int i, r, wins, bad = 0, other = 0;
	uint32_t cflags = flags & MPOOL_ALLOC_OWNED ? MPOOL_CREATE_PERCPU : 0;

	/*
	 * Per-CPU: freed blocks stay in the racers' CPUs' caches, where a
	 * non-waiting ALLOC on this CPU does not look; enough blocks that
	 * the shared stack never runs dry.
	 */
	if (mpool_create(fd, "ow_r", BS, cflags ? ROUNDS + 128 : 8, 0,
			 cflags)) {
		result(0, name, "create failed");
		return;
	}
	race_fd = fd;
	pthread_barrier_init(&race_bar, NULL, RACERS + 1);
	for (i = 0; i < RACERS; i++)
		pthread_create(&t[i], NULL, racer, (void *)(intptr_t)i);
	for (r = 0; r < ROUNDS; r++) {
		if (mpool_alloc(fd, "ow_r", &race_handle, 1, flags, 0) != 1)
			bad++;
		pthread_barrier_wait(&race_bar);
		pthread_barrier_wait(&race_bar);
		for (i = 0, wins = 0; i < RACERS; i++) {
			wins += race_res[i] == 0;
			other += race_res[i] && race_res[i] != -ENXIO;
		}
		bad += wins != 1;
		pthread_barrier_wait(&race_bar);
	}
	for (i = 0; i < RACERS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&race_bar);
	result(!bad && !other && in_use(fd, "ow_r") == 0, name,
	       "%d of %d rounds without exactly one winner or failed ALLOCs, %d results neither 0 nor ENXIO, %lld in use",
	       bad, ROUNDS, other, (long long)in_use(fd, "ow_r"));
	mpool_destroy(fd, "ow_r", MPOOL_DESTROY_FORCE);
}

/* debugfs <name>/blocks shows each owned block's owner pid and comm. */
static void test_debugfs(int fd)
{
	char line[512], comm[64], path[128], *own;
	unsigned long long off;
	int found = 0, unowned_ok = 0, k, pid;
	struct child c;
	uint64_t plain;
	FILE *f;

	if (mpool_create(fd, "ow_d", BS, 8, 0, MPOOL_CREATE_TRACK)) {
		result(0, "owned-debugfs", "create failed");
		return;
	}
	if (mpool_alloc(fd, "ow_d", &plain, 1, 0, 0) != 1 ||
	    spawn(&c, "ow_dbg owner", "ow_d", 3, MPOOL_ALLOC_OWNED)) {
		result(0, "owned-debugfs", "setup");
		return;
	}
	snprintf(path, sizeof(path), DEBUGFS "/ow_d/blocks");
	f = fopen(path, "r");
	if (!f) {
		result(0, "owned-debugfs", "%s: %s", path, strerror(errno));
		reap(&c, 0);
		mpool_destroy(fd, "ow_d", MPOOL_DESTROY_FORCE);
		return;
	}
	/* "offset caller", then " owner=PID:COMM" for owned blocks, last */
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] == '#' || sscanf(line, "%llu", &off) != 1)
			continue;
		own = strstr(line, " owner=");
		comm[0] = 0;
		pid = -1;
		if (!own) {
			unowned_ok |= off == mpool_handle_offset(plain);
			continue;
		}
		if (sscanf(own, " owner=%d:%63[^\n]", &pid, comm) != 2)
			continue;
		for (k = 0; k < c.n; k++)
			found += off == mpool_handle_offset(c.h[k]) &&
				 pid == c.pid && !strcmp(comm, "ow_dbg owner");
	}
	fclose(f);
	result(found == 3, "owned-debugfs-owner",
	       "%d of 3 owned blocks shown with pid %d and comm 'ow_dbg owner'",
	       found, c.pid);
	result(unowned_ok, "owned-debugfs-unowned",
	       "the unowned block is missing or shown with an owner");
	reap(&c, 0);
	mpool_destroy(fd, "ow_d", MPOOL_DESTROY_FORCE);
}

/*
 * A forced DESTROY of a pool with owned blocks, then the owner closes:
 * nothing happens to the new pool of the same name.
 */
static void test_destroy_owned(int fd)
{
	uint64_t h[4], h2[4];
	unsigned char buf[BS];
	int fd2, e, n2;

	fd2 = open_dev();
	if (mpool_create(fd, "ow_x", BS, 4, 0, MPOOL_CREATE_POISON) ||
	    mpool_alloc(fd2, "ow_x", h, 4, MPOOL_ALLOC_OWNED, 0) != 4) {
		result(0, "owned-destroy-forced", "setup");
		close(fd2);
		return;
	}
	e = mpool_destroy(fd, "ow_x", 0);
	result(e == -EBUSY, "owned-destroy-busy", "DESTROY gave %s", ename(e));
	e = mpool_destroy(fd, "ow_x", MPOOL_DESTROY_FORCE);
	result(!e && !mpool_create(fd, "ow_x", BS, 4, 0, 0) &&
	       mpool_read(fd2, "ow_x", h[0], 0, buf, BS) == -ENXIO,
	       "owned-destroy-forced", "DESTROY gave %s, or the new pool took the old handle", ename(e));
	/*
	 * The new pool's blocks, at the offsets fd2 owned in the old one:
	 * a close that freed by offset in the wrong pool would free these.
	 */
	n2 = mpool_alloc(fd, "ow_x", h2, 4, 0, 0);
	close(fd2);
	result(n2 == 4 && in_use(fd, "ow_x") == 4 &&
	       reclaimed(fd, "ow_x") == 0,
	       "owned-close-after-destroy",
	       "the new pool: %d allocated, in use %lld, reclaimed %lld", n2,
	       (long long)in_use(fd, "ow_x"), (long long)reclaimed(fd, "ow_x"));
	mpool_destroy(fd, "ow_x", MPOOL_DESTROY_FORCE);
}

/* Flags the ABI does not know are refused; a region past 2^40: EOVERFLOW. */
static void test_abi(int fd)
{
	uint64_t h;
	int e1, e2;

	if (mpool_create(fd, "ow_a", BS, 4, 0, 0)) {
		result(0, "owned-abi", "create failed");
		return;
	}
	e1 = mpool_alloc(fd, "ow_a", &h, 1, 1U << 2, 0);
	result(e1 == -EINVAL, "owned-unknown-alloc-flag", "ALLOC gave %s",
	       ename(e1));
	mpool_destroy(fd, "ow_a", MPOOL_DESTROY_FORCE);
	/* 2^20 * 2^20 = 2^40 fits a handle (max_bytes refuses it); 2^41 not. */
	e1 = mpool_create(fd, "ow_big", 1U << 20, 1U << 20, 0, 0);
	e2 = mpool_create(fd, "ow_big", 1U << 20, 1U << 21, 0, 0);
	if (!e1)
		mpool_destroy(fd, "ow_big", MPOOL_DESTROY_FORCE);
	result(e1 != -EOVERFLOW && e2 == -EOVERFLOW, "owned-region-2-40",
	       "2^40 bytes gave %s, 2^41 gave %s", ename(e1), ename(e2));
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

/* ns per ALLOC+FREE pair of one block, over @n pairs; -1 on an error. */
static double bench_pairs(int fd, long n, uint32_t flags)
{
	double t = now_ns();
	uint64_t h;
	long i;

	for (i = 0; i < n; i++)
		if (mpool_alloc(fd, "ow_bench", &h, 1, flags, 0) != 1 ||
		    free1(fd, "ow_bench", h))
			return -1;
	return (now_ns() - t) / n;
}

/*
 * Unowned and owned runs alternate, so that a change in the machine's
 * load shows in both; the best of five of each is printed, three times.
 */
static int bench(long n)
{
	int fd = open_dev(), r, k;
	double plain, owned, t;

	if (mpool_create(fd, "ow_bench", BS, 64, 0, 0)) {
		printf("mpool_owned: bench: create failed\n");
		return 1;
	}
	bench_pairs(fd, n / 10 + 1, 0);	/* warm up */
	for (r = 0; r < 3; r++) {
		plain = owned = 0;
		for (k = 0; k < 5; k++) {
			t = bench_pairs(fd, n, 0);
			if (t < 0)
				return 1;
			plain = !k || t < plain ? t : plain;
			t = bench_pairs(fd, n, MPOOL_ALLOC_OWNED);
			if (t < 0)
				return 1;
			owned = !k || t < owned ? t : owned;
		}
		printf("mpool_owned: bench: ALLOC+FREE ioctl pair of 1 block, %ld pairs x best of 5: unowned %.0f ns/pair, owned %.0f ns/pair\n",
		       n, plain, owned);
	}
	mpool_destroy(fd, "ow_bench", MPOOL_DESTROY_FORCE);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "--bench"))
		return bench(argc > 2 ? atol(argv[2]) : 20000);
	if (argc > 1) {
		fprintf(stderr, "usage: mpool_owned [--bench [PAIRS]]\n");
		return 2;
	}
	fd = open_dev();
	test_sigkill(fd);
	test_eperm(fd);
	test_shared_file(fd);
	test_stale(fd);
	test_free_race(fd, 0, "owned-free-race-unowned");
	test_free_race(fd, MPOOL_ALLOC_OWNED, "owned-free-race-owned");
	test_debugfs(fd);
	test_destroy_owned(fd);
	test_abi(fd);
	close(fd);
	return 0;
}
