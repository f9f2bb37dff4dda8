// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_watch: the semantics of MPOOL_IOC_WATCH, poll() and read() on
 * /dev/mempool, through libmpool.  Runs in the test VM as root with
 * mempool.ko loaded; prints the guest protocol's lines:
 *     MPTEST ok NAME
 *     MPTEST not ok NAME: MSG
 * and exits 0 (the lines are the result).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libmpool.h"
#include "../mptest.h"

/* The pools' blocks: 16 bytes. */
#define BS 16

static int dev;

static int open_dev(int flags)
{
	int fd = mpool_open(flags);

	if (fd < 0) {
		result(0, "wt-open", "open %s: %s", MPOOL_DEV_PATH,
		       strerror(-fd));
		exit(0);
	}
	return fd;
}

/*
 * In another process, through its own open file: allocate @n blocks of
 * @name, then free them.  Returns 0 when both worked.
 */
static int other_process_alloc_free(const char *name, uint32_t n)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (!pid) {
		int fd = mpool_open(O_RDWR);
		uint64_t h[64];

		if (fd < 0 || n > 64 ||
		    mpool_alloc(fd, name, h, n, 0, 0) != (int)n ||
		    mpool_free(fd, name, h, n, NULL) != (int)n)
			_exit(1);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : EIO;
}

/* poll() with timeout 0: the revents of @fd. */
static short poll_now(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDNORM };

	if (poll(&p, 1, 0) < 0)
		return -1;
	return p.revents;
}

/* Reads what is queued (without blocking); returns events read or -errno. */
static int read_events(int fd, struct mpool_watch_event *ev, size_t max)
{
	int fl = fcntl(fd, F_GETFL);
	ssize_t n;

	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	n = mpool_read_events(fd, ev, max);
	fcntl(fd, F_SETFL, fl);
	return n == -EAGAIN ? 0 : (int)n;
}

static int is_event(const struct mpool_watch_event *e, uint32_t type,
		    uint32_t free, uint32_t below)
{
	return e->type == type && e->blocks_free == free &&
	       e->below == below && e->lost == 0 && e->time_ns;
}

/* "type/free/below/lost" of up to 4 events, for messages. */
static const char *show(const struct mpool_watch_event *ev, int n)
{
	static char buf[160];
	size_t off = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < n && i < 4; i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%u/%u/%u/%u ",
				ev[i].type, ev[i].blocks_free, ev[i].below,
				ev[i].lost);
	return buf;
}

static void test_errors(void)
{
	struct mpool_ioc_watch w = { .size = sizeof(w) };
	struct mpool_watch_event ev[2];
	char small[sizeof(ev[0]) - 1];
	int ro, fd, err;

	mpool_create(dev, "wt_err", BS, 4, 0, 0);
	fd = open_dev(O_RDWR);
	/* A nonexistent pool, once a real one was watched through the fd. */
	err = mpool_watch(fd, "wt_err", 0, 0, NULL);
	result(!err, "wt-watch-plain", "WATCH of an existing pool: %s",
	       strerror(-err));
	err = mpool_watch(fd, "wt_nonexistent", 0, 0, NULL);
	result(err == -ENOENT, "wt-watch-enoent", "got %s", strerror(-err));
	err = mpool_watch(fd, "bad/name", 0, 0, NULL);
	result(err == -EINVAL, "wt-watch-badname", "got %s", strerror(-err));

	/* Bad fields, each on a call that is valid without it. */
	err = mpool_watch(fd, "wt_err", MPOOL_WATCH_SET, 2, NULL);
	result(!err, "wt-set-valid", "got %s", strerror(-err));
	err = mpool_watch(fd, "wt_err", 1u << 7, 0, NULL);
	result(err == -EINVAL, "wt-einval-flag", "got %s", strerror(-err));
	err = mpool_watch(fd, "wt_err", 0, 2, NULL);
	result(err == -EINVAL, "wt-einval-below-without-set", "got %s",
	       strerror(-err));
	set_name(w.name, "wt_err");
	w.__reserved = 1;
	/* Raw: a non-zero __reserved, which libmpool never sends. */
	err = ioctl(fd, MPOOL_IOC_WATCH, &w) ? -errno : 0;
	result(err == -EINVAL, "wt-einval-reserved", "got %s", strerror(-err));
	w.__reserved = 0;
	w.size = offsetof(struct mpool_ioc_watch, __reserved);
	/* Raw: a short struct, which libmpool never sends. */
	err = ioctl(fd, MPOOL_IOC_WATCH, &w) ? -errno : 0;
	result(err == -EINVAL, "wt-einval-size", "got %s", strerror(-err));

	/* read(): too small a buffer, on a file with an event queued */
	{
		uint64_t h[4];
		/* free 1 < 2: LOW */
		int n = mpool_alloc(dev, "wt_err", h, 3, 0, 0);
		/* Raw: less than one event; mpool_read_events() asks whole ones. */
		ssize_t r = read(fd, small, sizeof(small));

		result(n == 3 && r < 0 && errno == EINVAL, "wt-read-small-einval",
		       "alloc %d, read %zd (%s)", n, r, strerror(errno));
		n = read_events(fd, ev, 2);
		result(n == 1 && is_event(&ev[0], MPOOL_WATCH_LOW, 1, 2),
		       "wt-read-after-small", "%d events: %s", n, show(ev, n));
		mpool_free(dev, "wt_err", h, 3, NULL);
	}
	close(fd);

	/* read() and poll() on a file that watches nothing */
	fd = open_dev(O_RDWR | O_NONBLOCK);
	err = (int)mpool_read_events(fd, ev, 2);
	result(err == -EINVAL, "wt-read-nothing-einval", "%s", strerror(-err));
	result(poll_now(fd) == 0, "wt-poll-nothing", "revents %#x",
	       poll_now(fd));
	close(fd);

	/* A read-only open may watch, not set the watermark. */
	ro = open_dev(O_RDONLY);
	err = mpool_watch(ro, "wt_err", 0, 0, &w);
	result(!err && w.out_below == 2 && w.out_free == 4, "wt-ro-watch",
	       "%s, below %u free %u", strerror(-err), w.out_below, w.out_free);
	err = mpool_watch(ro, "wt_err", MPOOL_WATCH_SET, 3, NULL);
	result(err == -EPERM, "wt-ro-set-eperm", "got %s", strerror(-err));
	close(ro);
	mpool_destroy(dev, "wt_err", MPOOL_DESTROY_FORCE);
}

/* LOW then RECOVERED, made by another process, seen by two files. */
static void test_events(void)
{
	struct mpool_watch_event ev[4], ev2[4];
	struct mpool_ioc_watch w;
	int a, b, n, n2, err;

	mpool_create(dev, "wt_ev", BS, 8, 0, 0);
	a = open_dev(O_RDWR);
	b = open_dev(O_RDONLY);
	err = mpool_watch(a, "wt_ev", MPOOL_WATCH_SET, 4, &w);
	result(!err && w.out_below == 4 && w.out_free == 8, "wt-set",
	       "%s, below %u free %u", strerror(-err), w.out_below, w.out_free);
	err = mpool_watch(b, "wt_ev", 0, 0, NULL);
	result(!err, "wt-second-file", "%s", strerror(-err));

	/* Nothing queued: poll says nothing, a non-blocking read EAGAIN. */
	result(poll_now(a) == 0, "wt-poll-empty", "revents %#x", poll_now(a));
	fcntl(a, F_SETFL, O_NONBLOCK);
	n = (int)mpool_read_events(a, ev, 4);
	result(n == -EAGAIN, "wt-nonblock-eagain", "%s", strerror(-n));
	fcntl(a, F_SETFL, 0);

	/* Above the watermark and back, in between: no event. */
	err = other_process_alloc_free("wt_ev", 4);
	result(!err && poll_now(a) == 0, "wt-no-crossing-no-event",
	       "%s, revents %#x", strerror(err), poll_now(a));

	/* 5 of 8 taken: free 3 < 4, LOW; given back: free 8, RECOVERED. */
	err = other_process_alloc_free("wt_ev", 5);
	result(!err && (poll_now(a) & (POLLIN | POLLRDNORM)) ==
	       (POLLIN | POLLRDNORM) && !(poll_now(a) & POLLHUP),
	       "wt-poll-in", "%s, revents %#x", strerror(err), poll_now(a));
	n = read_events(a, ev, 4);
	result(n == 2 && is_event(&ev[0], MPOOL_WATCH_LOW, 3, 4) &&
	       is_event(&ev[1], MPOOL_WATCH_RECOVERED, 8, 4) &&
	       ev[0].time_ns <= ev[1].time_ns, "wt-low-recovered",
	       "%d events: %s", n, show(ev, n));
	n2 = read_events(b, ev2, 4);
	result(n2 == 2 && !memcmp(ev, ev2, sizeof(ev[0]) * 2),
	       "wt-both-files", "%d events: %s", n2, show(ev2, n2));
	result(poll_now(a) == 0, "wt-poll-drained", "revents %#x", poll_now(a));

	/* One event per read() of exactly one event's size. */
	err = other_process_alloc_free("wt_ev", 6);
	n = (int)mpool_read_events(a, ev, 1);
	n2 = (int)mpool_read_events(a, ev + 1, 1);
	result(!err && n == 1 && n2 == 1 &&
	       ev[0].type == MPOOL_WATCH_LOW &&
	       ev[1].type == MPOOL_WATCH_RECOVERED, "wt-read-one-each",
	       "%s, reads %d %d", strerror(err), n, n2);
	read_events(b, ev2, 4);

	/* A watermark set on a pool already below it: LOW at once. */
	{
		uint64_t h[8];

		/* No watermark while it is taken: no event. */
		err = mpool_watch(a, "wt_ev", MPOOL_WATCH_SET, 0, NULL);
		n = mpool_alloc(dev, "wt_ev", h, 6, 0, 0);	/* free 2 */
		n2 = read_events(a, ev, 4);
		result(!err && n == 6 && n2 == 0, "wt-unset-no-event",
		       "%s, alloc %d, %d events", strerror(-err), n, n2);
		err = mpool_watch(a, "wt_ev", MPOOL_WATCH_SET, 3, &w);
		n2 = read_events(a, ev, 4);
		result(n == 6 && !err && w.out_free == 2 && n2 == 1 &&
		       is_event(&ev[0], MPOOL_WATCH_LOW, 2, 3),
		       "wt-set-already-low", "alloc %d, %s, %d events: %s", n,
		       strerror(-err), n2, show(ev, n2));
		/* Removing the watermark ends the alarm. */
		err = mpool_watch(a, "wt_ev", MPOOL_WATCH_SET, 0, NULL);
		n2 = read_events(a, ev, 4);
		result(!err && n2 == 1 &&
		       is_event(&ev[0], MPOOL_WATCH_RECOVERED, 2, 0),
		       "wt-unset-recovered", "%s, %d events: %s",
		       strerror(-err), n2, show(ev, n2));
		mpool_free(dev, "wt_ev", h, 6, NULL);
		n2 = read_events(a, ev, 4);
		result(n2 == 0, "wt-no-watermark-no-event", "%d events: %s",
		       n2, show(ev, n2));
	}
	close(a);
	close(b);
	mpool_destroy(dev, "wt_ev", MPOOL_DESTROY_FORCE);
}

struct reader {
	int fd;
	pid_t tid;
	ssize_t n;
	int err;
	struct mpool_watch_event ev[4];
};

static void *blocking_read(void *arg)
{
	struct reader *r = arg;

	__atomic_store_n(&r->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	r->n = mpool_read_events(r->fd, r->ev, 4);
	r->err = r->n < 0 ? (int)-r->n : 0;
	return NULL;
}

/* 1 once thread @tid of this process sleeps (state S), within ~10 s. */
static int asleep(pid_t tid)
{
	char path[64], buf[256], *p;
	int i;

	for (i = 0; i < 1000; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
		f = fopen(path, "r");
		if (f) {
			size_t n = fread(buf, 1, sizeof(buf) - 1, f);

			fclose(f);
			buf[n] = 0;
			p = strrchr(buf, ')');
			if (p && p[1] == ' ' && p[2] == 'S')
				return 1;
		}
		usleep(10000);
	}
	return 0;
}

/* A blocking read sleeps until a crossing, then returns it. */
static void test_blocking_read(void)
{
	struct reader r = { 0 };
	pthread_t t;
	uint64_t h[2];
	int slept, n;

	mpool_create(dev, "wt_blk", BS, 2, 0, 0);
	r.fd = open_dev(O_RDWR);
	mpool_watch(r.fd, "wt_blk", MPOOL_WATCH_SET, 1, NULL);
	pthread_create(&t, NULL, blocking_read, &r);
	while (!__atomic_load_n(&r.tid, __ATOMIC_SEQ_CST))
		usleep(1000);
	slept = asleep(r.tid);
	result(slept && r.n == 0, "wt-read-blocks",
	       "the reader %s", slept ? "returned early" : "never slept");
	n = mpool_alloc(dev, "wt_blk", h, 2, 0, 0);	/* free 0 < 1: LOW */
	pthread_join(t, NULL);
	result(n == 2 && r.n == 1 &&
	       is_event(&r.ev[0], MPOOL_WATCH_LOW, 0, 1), "wt-read-woken",
	       "alloc %d, read %zd (%s): %s", n, r.n, strerror(r.err),
	       show(r.ev, 1));
	mpool_free(dev, "wt_blk", h, 2, NULL);

	/* And a destroy wakes it with end of file. */
	read_events(r.fd, r.ev, 4);
	memset(&r.tid, 0, sizeof(r.tid));
	pthread_create(&t, NULL, blocking_read, &r);
	while (!__atomic_load_n(&r.tid, __ATOMIC_SEQ_CST))
		usleep(1000);
	slept = asleep(r.tid);
	n = mpool_destroy(dev, "wt_blk", MPOOL_DESTROY_FORCE);
	pthread_join(t, NULL);
	result(slept && !n && r.n == 0 && !r.err, "wt-read-woken-by-destroy",
	       "slept %d, destroy %s, read %zd (%s)", slept, strerror(-n), r.n,
	       strerror(r.err));
	close(r.fd);
}

/* 70 crossings unread: 64 queued, the oldest says 6 were lost. */
static void test_overflow(void)
{
	struct mpool_watch_event ev[80];
	uint64_t h[2];
	int fd, i, n, ok = 1;

	mpool_create(dev, "wt_ovf", BS, 2, 0, 0);
	fd = open_dev(O_RDWR);
	mpool_watch(fd, "wt_ovf", MPOOL_WATCH_SET, 1, NULL);
	for (i = 0; i < 35 && ok; i++)
		ok = mpool_alloc(dev, "wt_ovf", h, 2, 0, 0) == 2 &&
		     mpool_free(dev, "wt_ovf", h, 2, NULL) == 2;
	n = read_events(fd, ev, 80);
	result(ok && n == 64 && ev[0].lost == 6 &&
	       ev[0].type == MPOOL_WATCH_LOW &&
	       ev[63].type == MPOOL_WATCH_RECOVERED && !ev[1].lost &&
	       !ev[63].lost, "wt-overflow-lost", "ok %d, %d events: %s", ok,
	       n, show(ev, n));
	close(fd);
	mpool_destroy(dev, "wt_ovf", MPOOL_DESTROY_FORCE);
}

/* Destroy: EPOLLHUP, the queued events, then end of file. */
static void test_destroy(void)
{
	struct mpool_watch_event ev[4];
	uint64_t h[2];
	int fd, err, n;
	short rev;

	mpool_create(dev, "wt_d", BS, 2, 0, 0);
	fd = open_dev(O_RDWR);
	mpool_watch(fd, "wt_d", MPOOL_WATCH_SET, 1, NULL);
	n = mpool_alloc(dev, "wt_d", h, 2, 0, 0);
	rev = poll_now(fd);
	result(n == 2 && rev == (POLLIN | POLLRDNORM), "wt-before-destroy",
	       "alloc %d, revents %#x", n, rev);
	err = mpool_destroy(dev, "wt_d", MPOOL_DESTROY_FORCE);
	rev = poll_now(fd);
	result(!err && (rev & POLLHUP) && (rev & POLLIN), "wt-destroy-hup",
	       "%s, revents %#x", strerror(-err), rev);
	n = (int)mpool_read_events(fd, ev, 4);
	result(n == 1 && ev[0].type == MPOOL_WATCH_LOW,
	       "wt-destroy-events-kept", "read %d", n);
	n = (int)mpool_read_events(fd, ev, 4);
	rev = poll_now(fd);
	result(n == 0 && rev == POLLHUP, "wt-destroy-eof",
	       "read %d, revents %#x", n, rev);
	/* The name is free again, and the new pool is not watched. */
	err = mpool_create(dev, "wt_d", BS, 2, 0, 0);
	n = mpool_alloc(dev, "wt_d", h, 2, 0, 0);
	result(!err && n == 2 && mpool_read_events(fd, ev, 4) == 0,
	       "wt-destroy-new-pool-unwatched", "%s, alloc %d",
	       strerror(-err), n);
	/* Watching it again starts over. */
	err = mpool_watch(fd, "wt_d", MPOOL_WATCH_SET, 3, NULL);
	n = read_events(fd, ev, 4);
	rev = poll_now(fd);
	result(!err && n == 1 && is_event(&ev[0], MPOOL_WATCH_LOW, 0, 3) &&
	       rev == 0, "wt-rewatch-after-destroy", "%s, %d events, revents %#x",
	       strerror(-err), n, rev);
	mpool_destroy(dev, "wt_d", MPOOL_DESTROY_FORCE);
	close(fd);
}

/* A second WATCH moves the file: the first pool's events stop. */
static void test_rewatch(void)
{
	struct mpool_watch_event ev[4];
	uint64_t h[2];
	int fd, n, a;

	mpool_create(dev, "wt_r1", BS, 2, 0, 0);
	mpool_create(dev, "wt_r2", BS, 2, 0, 0);
	fd = open_dev(O_RDWR);
	mpool_watch(fd, "wt_r1", MPOOL_WATCH_SET, 1, NULL);
	mpool_watch(fd, "wt_r2", MPOOL_WATCH_SET, 1, NULL);
	a = mpool_alloc(dev, "wt_r1", h, 2, 0, 0);
	n = read_events(fd, ev, 4);
	result(a == 2 && n == 0, "wt-rewatch-old-silent", "alloc %d, %d events",
	       a, n);
	mpool_free(dev, "wt_r1", h, 2, NULL);
	a = mpool_alloc(dev, "wt_r2", h, 2, 0, 0);
	n = read_events(fd, ev, 4);
	result(a == 2 && n == 1 && is_event(&ev[0], MPOOL_WATCH_LOW, 0, 1),
	       "wt-rewatch-new", "alloc %d, %d events: %s", a, n, show(ev, n));
	mpool_free(dev, "wt_r2", h, 2, NULL);
	/* Closing the watcher leaves both pools free to destroy. */
	close(fd);
	result(!mpool_destroy(dev, "wt_r1", MPOOL_DESTROY_FORCE) &&
	       !mpool_destroy(dev, "wt_r2", MPOOL_DESTROY_FORCE) &&
	       !mpool_create(dev, "wt_r1", BS, 1, 0, 0) &&
	       !mpool_destroy(dev, "wt_r1", MPOOL_DESTROY_FORCE),
	       "wt-close-unhooks", "destroy/create failed");
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

/* ns per ALLOC + FREE pair of one block on "wt_cost", over @n pairs. */
static double pair_ns(int n)
{
	double t0 = now_ns();
	uint64_t h;
	int i;

	for (i = 0; i < n; i++)
		if (mpool_alloc(dev, "wt_cost", &h, 1, 0, 0) != 1 ||
		    mpool_free(dev, "wt_cost", &h, 1, NULL) != 1)
			return -1;
	return (now_ns() - t0) / n;
}

/*
 * --cost: what a watermark adds to ALLOC + FREE, as a "#" line (figures,
 * not checks): none set; set, never crossed; set to the pool's size with
 * 8 watching files, so that every pair crosses it twice.  The three are
 * interleaved over 7 rounds and the fastest round of each is kept, so
 * that a busy machine skews them alike.
 */
static void cost(void)
{
	static const uint32_t below[3] = { 0, 2, 64 };
	double best[3] = { 0, 0, 0 };
	int fds[8], i, r, c;

	mpool_create(dev, "wt_cost", BS, 64, 0, 0);
	for (i = 0; i < 8; i++) {
		fds[i] = open_dev(O_RDWR);
		mpool_watch(fds[i], "wt_cost", 0, 0, NULL);
	}
	for (r = 0; r < 7; r++)
		for (c = 0; c < 3; c++) {
			double t;

			mpool_watch(dev, "wt_cost", MPOOL_WATCH_SET, below[c], NULL);
			t = pair_ns(4000);
			if (!r || t < best[c])
				best[c] = t;
		}
	printf("# ALLOC+FREE ns/pair: no watermark %.0f, watermark never crossed %.0f, crossed twice per pair with 8 watchers %.0f\n",
	       best[0], best[1], best[2]);
	for (i = 0; i < 8; i++)
		close(fds[i]);
	mpool_destroy(dev, "wt_cost", MPOOL_DESTROY_FORCE);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	dev = open_dev(O_RDWR);
	if (argc > 1 && !strcmp(argv[1], "--cost")) {
		cost();
		return 0;
	}
	test_errors();
	test_events();
	test_blocking_read();
	test_overflow();
	test_destroy();
	test_rewatch();
	close(dev);
	return 0;
}
