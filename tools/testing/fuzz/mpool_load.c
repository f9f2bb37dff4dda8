// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_load: the clients of the load test (tools/testing/vm/guest/test_70_load.sh).
 *
 *   mpool_load churn --seconds N --cpu C --pool NAME [--pool NAME]
 *       pinned to CPU C: allocate 1-16 blocks, write this holder's id into
 *       each, read it back, read again before freeing; a block that holds
 *       another id was given to two holders (--inject-mismatch: a
 *       deliberate wrong id, to see the check fire).
 *   mpool_load cd --seconds N
 *       create pools, allocate from some, destroy them (forced or not).
 *   mpool_load client --seconds N
 *       open /dev/mempool, VERSION, a pool's life, close; over and over,
 *       while the module comes and goes: open fails only with ENOENT,
 *       ENODEV or ENXIO, and once open every ioctl works.
 *   mpool_load killwait
 *       a child sleeps in a blocking ALLOC (60 s timeout) on an empty
 *       pool; SIGKILL must end it within 5 s.
 *
 * Prints "load: MODE key=value..." and exits 1 on a failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mpool_ioctl.h"
#include "../mptest.h"

#define DEV "/dev/mempool"
#define BATCH 16

static int seconds = 10, cpu = -1, npools, inject;
static const char *pools[4];

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int do_create(int fd, const char *name, uint32_t bs, uint32_t n,
		     uint32_t flags)
{
	struct mpool_ioc_create c = { .size = sizeof(c), .block_size = bs,
				      .nr_blocks = n, .flags = flags };

	set_name(c.name, name);
	return mpt_io(fd, MPOOL_IOC_CREATE, &c);
}

static int do_destroy(int fd, const char *name, uint32_t flags)
{
	struct mpool_ioc_name d = { .size = sizeof(d), .flags = flags };

	set_name(d.name, name);
	return mpt_io(fd, MPOOL_IOC_DESTROY, &d);
}

/* Returns blocks allocated, or -errno. */
static int do_alloc(int fd, const char *name, uint64_t *offs, uint32_t n,
		    uint32_t tmo)
{
	struct mpool_ioc_alloc a = { .size = sizeof(a), .count = n,
				     .timeout_ms = tmo,
				     .flags = tmo ? MPOOL_ALLOC_WAIT : 0,
				     .handles = (uintptr_t)offs };
	int e;

	set_name(a.name, name);
	e = mpt_io(fd, MPOOL_IOC_ALLOC, &a);
	return e ? -e : (int)a.out_allocated;
}

static int do_free(int fd, const char *name, uint64_t *offs, uint32_t n,
		   int32_t *res)
{
	struct mpool_ioc_free f = { .size = sizeof(f), .count = n,
				    .handles = (uintptr_t)offs,
				    .results = (uintptr_t)res };

	set_name(f.name, name);
	return mpt_io(fd, MPOOL_IOC_FREE, &f);
}

static int do_rw(int fd, unsigned long req, const char *name, uint64_t off,
		 void *buf, uint32_t len)
{
	struct mpool_ioc_rw r = { .size = sizeof(r), .handle = off,
				  .length = len, .buf = (uintptr_t)buf };

	set_name(r.name, name);
	return mpt_io(fd, req, &r);
}

static int churn(void)
{
	uint64_t offs[BATCH], id[2], got[2];
	int32_t res[BATCH];
	long ops = 0, blocks = 0, mismatches = 0, errors = 0, empty = 0;
	uint64_t seq = 0;
	double end = now() + seconds;
	int fd = open(DEV, O_RDWR), n, i, e;

	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			perror("sched_setaffinity");
	}
	if (fd < 0 || !npools) {
		perror(DEV);
		return 1;
	}
	while (now() < end) {
		const char *pool = pools[ops % npools];

		n = do_alloc(fd, pool, offs, 1 + ops % BATCH, 0);
		ops++;
		if (n == -ENOSPC) {
			empty++;
			continue;
		}
		if (n < 0) {
			if (errors++ < 5)
				printf("load: churn: ALLOC %s: %s\n", pool,
				       strerror(-n));
			continue;
		}
		for (i = 0; i < n; i++) {
			/* Holder id: this process, this allocation. */
			id[0] = ((uint64_t)getpid() << 32) | seq++;
			id[1] = ~id[0];
			e = do_rw(fd, MPOOL_IOC_WRITE, pool, offs[i], id,
				  sizeof(id));
			if (e && errors++ < 5)
				printf("load: churn: WRITE: %s\n", strerror(e));
		}
		for (int pass = 0; pass < 2; pass++) {
			for (i = 0; i < n; i++) {
				memset(got, 0, sizeof(got));
				e = do_rw(fd, MPOOL_IOC_READ, pool, offs[i], got,
					  sizeof(got));
				if (e) {
					errors++;
					continue;
				}
				/* --inject: expect another id (the check must fire). */
				if ((got[0] >> 32) != (uint64_t)getpid() + inject ||
				    got[1] != ~got[0]) {
					if (mismatches++ < 5)
						printf("load: churn: %s+%llu holds 0x%llx/0x%llx, not ours (pid %d)\n",
						       pool,
						       (unsigned long long)offs[i],
						       (unsigned long long)got[0],
						       (unsigned long long)got[1],
						       getpid());
				}
			}
			sched_yield();
		}
		e = do_free(fd, pool, offs, n, res);
		if (e)
			errors++;
		for (i = 0; !e && i < n; i++)
			if (res[i]) {
				errors++;
				printf("load: churn: FREE %s+%llu: %d\n", pool,
				       (unsigned long long)offs[i], res[i]);
			}
		blocks += n;
	}
	printf("load: churn cpu=%d ops=%ld blocks=%ld empty=%ld mismatches=%ld errors=%ld\n",
	       cpu, ops, blocks, empty, mismatches, errors);
	return mismatches || errors;
}

static int cd(void)
{
	double end = now() + seconds;
	long cycles = 0, errors = 0;
	uint64_t offs[4];
	int fd = open(DEV, O_RDWR), e;
	char name[32];

	if (fd < 0) {
		perror(DEV);
		return 1;
	}
	while (now() < end) {
		snprintf(name, sizeof(name), "ld_cd%ld", cycles % 4);
		e = do_create(fd, name, 16 + cycles % 4000, 1 + cycles % 100,
			      cycles % 16);
		if (e && e != EEXIST && errors++ < 5)
			printf("load: cd: create %s: %s\n", name, strerror(e));
		if (cycles % 2)
			do_alloc(fd, name, offs, 4, 0);
		e = do_destroy(fd, name, cycles % 3 ? MPOOL_DESTROY_FORCE : 0);
		if (e && e != EBUSY && e != ENOENT && errors++ < 5)
			printf("load: cd: destroy %s: %s\n", name, strerror(e));
		cycles++;
	}
	for (e = 0; e < 4; e++) {
		snprintf(name, sizeof(name), "ld_cd%d", e);
		do_destroy(fd, name, MPOOL_DESTROY_FORCE);
	}
	printf("load: cd cycles=%ld errors=%ld\n", cycles, errors);
	return errors != 0;
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int client(void)
{
	double end = now() + seconds;
	long opens = 0, refused = 0, bad = 0, calls = 0;
	struct mpool_ioc_version v;
	uint64_t off;
	char name[32];
	int fd, e;

	snprintf(name, sizeof(name), "ld_cl%d", getpid() % 100000);
	/* SIGTERM ends the run with the figures printed. */
	signal(SIGTERM, on_term);
	while (!stop && now() < end) {
		fd = open(DEV, O_RDWR);
		if (fd < 0) {
			if (errno != ENOENT && errno != ENODEV && errno != ENXIO &&
			    bad++ < 5)
				printf("load: client: open: %s\n", strerror(errno));
			refused++;
			usleep(10000);
			continue;
		}
		opens++;
		/* Open, the module is pinned: everything works. */
		memset(&v, 0, sizeof(v));
		v.size = sizeof(v);
		e = mpt_io(fd, MPOOL_IOC_VERSION, &v);
		if (!e)
			e = do_create(fd, name, 64, 4, 0);
		if (!e)
			e = do_alloc(fd, name, &off, 1, 0) == 1 ? 0 : EIO;
		if (!e)
			e = do_destroy(fd, name, MPOOL_DESTROY_FORCE);
		calls += 4;
		if (e) {
			if (bad++ < 5)
				printf("load: client: with the file open: %s\n",
				       strerror(e));
			do_destroy(fd, name, MPOOL_DESTROY_FORCE);
		}
		close(fd);
		/* Room for rmmod between two sessions, even on the debug kernel. */
		usleep(20000);
	}
	printf("load: client opens=%ld refused=%ld calls=%ld bad=%ld\n", opens,
	       refused, calls, bad);
	return bad != 0;
}

static int killwait(void)
{
	uint64_t off;
	int fd = open(DEV, O_RDWR), st, i;
	double t0, t;
	pid_t pid;

	if (fd < 0 || do_create(fd, "ld_kw", 64, 1, 0) ||
	    do_alloc(fd, "ld_kw", &off, 1, 0) != 1) {
		printf("load: killwait: setup failed\n");
		return 1;
	}
	pid = fork();
	if (!pid) {
		do_alloc(fd, "ld_kw", &off, 1, 60000);
		_exit(0);
	}
	/* Asleep in the allocation: waits would move only as it ends. */
	for (i = 0; i < 1000; i++) {
		if (mpt_alloc_asleep(pid))
			break;
		usleep(10000);
	}
	t0 = now();
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	t = now() - t0;
	do_destroy(fd, "ld_kw", MPOOL_DESTROY_FORCE);
	printf("load: killwait slept=%d killed=%d after %.3f s\n", i < 1000,
	       WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, t);
	/* Liveness, not performance: a wide margin. */
	return !(i < 1000 && WIFSIGNALED(st) && t < 5.0);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seconds", 1, NULL, 's' }, { "cpu", 1, NULL, 'c' },
		{ "pool", 1, NULL, 'p' }, { "inject-mismatch", 0, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	const char *mode;
	int c;

	if (argc < 2)
		goto usage;
	mode = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "s:c:p:i", lo, NULL)) != -1) {
		switch (c) {
		case 's': seconds = atoi(optarg); break;
		case 'c': cpu = atoi(optarg); break;
		case 'i': inject = 1; break;
		case 'p':
			if (npools < 4)
				pools[npools++] = optarg;
			break;
		default: goto usage;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "churn"))
		return churn();
	if (!strcmp(mode, "cd"))
		return cd();
	if (!strcmp(mode, "client"))
		return client();
	if (!strcmp(mode, "killwait"))
		return killwait();
usage:
	fprintf(stderr, "usage: mpool_load churn|cd|client|killwait [--seconds N] [--cpu C] [--pool NAME]...\n");
	return 2;
}
