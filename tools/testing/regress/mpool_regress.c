// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_regress: regression tests of /dev/mempool through raw ioctls, for
 * what mempoolctl cannot express (names it refuses, races between calls,
 * output structs pre-filled with junk).  Runs in the test VM as root with
 * mempool.ko loaded; prints the guest protocol's lines:
 *     MPTEST ok NAME
 *     MPTEST not ok NAME: MSG
 * and exits 0 (the lines are the result).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mpool_ioctl.h"
#include "../mptest.h"

#define DEBUGFS "/sys/kernel/debug/mempool"

static int dev;

static int create(const char *name, uint32_t bs, uint32_t n, uint32_t flags)
{
	return mpt_create(dev, name, bs, n, flags);
}

/* Allocates up to @count blocks; returns how many, or -errno. */
static int alloc(int fd, const char *name, uint64_t *offs, uint32_t count,
		 uint32_t timeout_ms)
{
	struct mpool_ioc_alloc a = {
		.size = sizeof(a), .count = count, .timeout_ms = timeout_ms,
		.flags = timeout_ms ? MPOOL_ALLOC_WAIT : 0,
		.handles = (uintptr_t)offs,
	};
	int err;

	set_name(a.name, name);
	err = mpt_io(fd, MPOOL_IOC_ALLOC, &a);
	return err ? -err : (int)a.out_allocated;
}

static int rw(unsigned long req, const char *name, uint64_t off, void *buf,
	      uint32_t len)
{
	struct mpool_ioc_rw r = { .size = sizeof(r), .handle = off,
				  .length = len, .buf = (uintptr_t)buf };

	set_name(r.name, name);
	return mpt_io(dev, req, &r);
}

/* A fresh pool reads as zeroes, whatever the pages held before. */
static void test_fresh_zero(void)
{
	static const uint32_t flags[] = { 0, MPOOL_CREATE_PERCPU,
					  MPOOL_CREATE_TRACK };
	enum { BS = 4096, N = 256 };
	static uint64_t offs[N];
	static unsigned char buf[BS];
	unsigned int f, i, j;
	long nonzero = 0;
	int got = 0, err = 0;

	for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
		err = create("rg_zero", BS, N, flags[f]);
		if (err)
			break;
		got = alloc(dev, "rg_zero", offs, N, 0);
		for (i = 0; i < (unsigned int)(got > 0 ? got : 0); i++) {
			memset(buf, 0xA5, sizeof(buf));
			err = rw(MPOOL_IOC_READ, "rg_zero", offs[i], buf, BS);
			if (err)
				break;
			for (j = 0; j < BS; j++)
				nonzero += buf[j] != 0;
		}
		mpt_destroy(dev, "rg_zero", MPOOL_DESTROY_FORCE);
		if (err || got != N)
			break;
	}
	result(!err && got == N && !nonzero, "regress-fresh-pool-zero",
	       "errno %d, %d of %d blocks, %ld non-zero bytes", err, got, N,
	       nonzero);
}

/* Names the ABI does not admit are refused, whatever the CLI allows. */
static void test_names(void)
{
	static const char *const bad[] = {
		".", "..", "\xe9t\xe9", "a/b", "%n", "a b", "pools", "",
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = create(bad[i], 64, 1, 0);
		char name[64];

		snprintf(name, sizeof(name), "regress-name-refused-%u", i);
		if (!err)
			mpt_destroy(dev, bad[i], MPOOL_DESTROY_FORCE);
		result(err == EINVAL, name, "create of name #%u gave errno %d",
		       i, err);
	}
}

struct waiter {
	const char *name;
	int err;
	int tid;	/* __atomic: set by the waiter, read by the main thread */
};

static void *wait_alloc(void *arg)
{
	struct waiter *w = arg;
	uint64_t off;
	int n;

	__atomic_store_n(&w->tid, (int)syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	n = alloc(dev, w->name, &off, 1, 20000);
	w->err = n < 0 ? -n : 0;
	return NULL;
}

static int debugfs_has(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), DEBUGFS "/%s", name);
	return access(path, F_OK) == 0;
}

static int listed(const char *name)
{
	static char names[256][MPOOL_IOC_NAME_MAX];
	struct mpool_ioc_list l = { .size = sizeof(l), .count = 256,
				    .names = (uintptr_t)names };
	unsigned int i, n = 0;

	if (mpt_io(dev, MPOOL_IOC_LIST, &l))
		return -1;
	for (i = 0; i < l.count && i < 256; i++)
		n += !strncmp(names[i], name, MPOOL_IOC_NAME_MAX);
	return n;
}

/*
 * After DESTROY returns, the pool is gone from every view although an
 * allocation still sleeps on it: STATS, DESTROY, LIST and debugfs do not
 * see it, and its name is free.
 */
static void test_destroy_views(void)
{
	struct waiter w = { .name = "rg_dv" };
	struct mpool_ioc_stats s;
	pthread_t t;
	uint64_t off;
	int i, e_stats, e_destroy, n_listed, in_debugfs, e_create;

	if (create("rg_dv", 64, 1, 0) || alloc(dev, "rg_dv", &off, 1, 0) != 1) {
		result(0, "regress-destroy-views", "setup failed");
		return;
	}
	pthread_create(&t, NULL, wait_alloc, &w);
	for (i = 0; i < 500; i++) {
		int tid = __atomic_load_n(&w.tid, __ATOMIC_SEQ_CST);

		if (tid && mpt_alloc_asleep(tid))
			break;
		usleep(10000);
	}
	if (mpt_destroy(dev, "rg_dv", MPOOL_DESTROY_FORCE)) {
		result(0, "regress-destroy-views", "destroy failed");
		pthread_join(t, NULL);
		return;
	}
	e_stats = mpt_stats(dev, "rg_dv", &s);
	e_destroy = mpt_destroy(dev, "rg_dv", 0);
	n_listed = listed("rg_dv");
	in_debugfs = debugfs_has("rg_dv");
	e_create = create("rg_dv", 64, 1, 0);
	pthread_join(t, NULL);
	result(i < 500, "regress-destroy-views-waiter-slept",
	       "the waiter never slept in the allocation");
	result(e_stats == ENOENT && e_destroy == ENOENT && n_listed == 0 &&
	       !in_debugfs && e_create == 0, "regress-destroy-views",
	       "after destroy: stats %d, destroy %d, listed %d, debugfs %d, create %d",
	       e_stats, e_destroy, n_listed, in_debugfs, e_create);
	result(w.err == ENOENT, "regress-destroy-views-waiter-enoent",
	       "the sleeping allocation gave errno %d", w.err);
	mpt_destroy(dev, "rg_dv", MPOOL_DESTROY_FORCE);
}

static volatile int stop;

static void *create_destroy_loop(void *arg)
{
	(void)arg;
	while (!stop) {
		create("rg_race", 64, 4, 0);
		mpt_destroy(dev, "rg_race", MPOOL_DESTROY_FORCE);
	}
	return NULL;
}

/*
 * A pool being created or destroyed by one thread is never "a kernel
 * user's pool" (EPERM) to another thread's calls.
 */
static void test_no_eperm_race(void)
{
	struct mpool_ioc_stats s;
	struct mpool_ioc_name r = { .size = sizeof(r) };
	pthread_t t;
	long calls = 0, eperm = 0;
	uint64_t off;
	time_t end = time(NULL) + 3;

	strcpy((char *)r.name, "rg_race");
	pthread_create(&t, NULL, create_destroy_loop, NULL);
	while (time(NULL) < end) {
		eperm += mpt_stats(dev, "rg_race", &s) == EPERM;
		eperm += mpt_io(dev, MPOOL_IOC_RESET, &r) == EPERM;
		eperm += alloc(dev, "rg_race", &off, 1, 0) == -EPERM;
		calls += 3;
	}
	stop = 1;
	pthread_join(t, NULL);
	mpt_destroy(dev, "rg_race", MPOOL_DESTROY_FORCE);
	result(!eperm, "regress-no-eperm-while-created",
	       "%ld of %ld calls said EPERM", eperm, calls);
}

static void *churn(void *arg)
{
	uint64_t offs[8];
	struct mpool_ioc_free f = { .size = sizeof(f),
				    .handles = (uintptr_t)offs };

	(void)arg;
	strcpy((char *)f.name, "rg_stats");
	while (!stop) {
		int n = alloc(dev, "rg_stats", offs, 8, 0);

		if (n > 0) {
			f.count = n;
			f.out_freed = f.out_invalid = 0;
			mpt_io(dev, MPOOL_IOC_FREE, &f);
		}
	}
	return NULL;
}

/* Under load, a snapshot is in range: free + in use = total. */
static void test_stats_in_range(void)
{
	enum { THREADS = 8 };
	struct mpool_ioc_stats s;
	pthread_t t[THREADS];
	long reads = 0, bad = 0;
	unsigned int i;
	time_t end;

	if (create("rg_stats", 64, 48, MPOOL_CREATE_PERCPU)) {
		result(0, "regress-stats-in-range", "create failed");
		return;
	}
	stop = 0;
	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, churn, NULL);
	end = time(NULL) + 3;
	while (time(NULL) < end) {
		if (mpt_stats(dev, "rg_stats", &s))
			break;
		reads++;
		bad += s.out_blocks_free + s.out_blocks_in_use !=
			s.out_blocks_total ||
		       s.out_blocks_free > s.out_blocks_total ||
		       s.out_blocks_in_use > s.out_blocks_total;
	}
	stop = 1;
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	mpt_stats(dev, "rg_stats", &s);
	result(!bad && reads > 0, "regress-stats-in-range",
	       "%ld of %ld snapshots out of range", bad, reads);
	result(s.out_blocks_in_use == 0, "regress-stats-nothing-lost",
	       "%llu blocks in use after every thread freed its own",
	       (unsigned long long)s.out_blocks_in_use);
	mpt_destroy(dev, "rg_stats", MPOOL_DESTROY_FORCE);
}

/* Output structs come back with no junk: reserved fields stay zero. */
static void test_no_junk(void)
{
	struct mpool_ioc_stats s;
	struct mpool_ioc_version v;
	const uint64_t junk = 0xA5A5A5A5A5A5A5A5ULL;
	const __u64 *out = &s.out_block_size;
	unsigned int i, n = (sizeof(s) - offsetof(struct mpool_ioc_stats,
						  out_block_size)) / 8;
	int err, left = 0;

	create("rg_junk", 64, 4, 0);
	memset(&s, 0xA5, sizeof(s));
	s.size = sizeof(s);
	s.__reserved = 0;
	memset(s.name, 0, sizeof(s.name));
	strcpy((char *)s.name, "rg_junk");
	err = mpt_io(dev, MPOOL_IOC_STATS, &s);
	for (i = 0; i < n; i++)
		left += out[i] == junk;
	result(!err && !left && s.__reserved == 0, "regress-stats-no-junk",
	       "errno %d, %d fields left as the caller's junk", err, left);
	memset(&v, 0xA5, sizeof(v));
	v.size = sizeof(v);
	err = mpt_io(dev, MPOOL_IOC_VERSION, &v);
	result(!err && v.out_abi_version == MPOOL_IOC_ABI_VERSION,
	       "regress-version-no-junk", "errno %d, version %u", err,
	       v.out_abi_version);
	mpt_destroy(dev, "rg_junk", MPOOL_DESTROY_FORCE);
}

static int read_param(const char *path, unsigned long *v)
{
	FILE *f = fopen(path, "r");
	int ok = f && fscanf(f, "%lu", v) == 1;

	if (f)
		fclose(f);
	return ok ? 0 : -1;
}

static int write_param(const char *path, unsigned long v)
{
	FILE *f = fopen(path, "w");
	int ok = f && fprintf(f, "%lu\n", v) > 0;

	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

/*
 * max_pools caps the pools userspace makes: one more is ENOSPC, and the
 * refusal spends nothing (a destroy makes room again).
 */
static void test_max_pools(void)
{
	static const char param[] = "/sys/module/mempool/parameters/max_pools";
	unsigned long old;
	int e1, e2, e3, e4;

	if (read_param(param, &old) || write_param(param, 2)) {
		result(0, "regress-max-pools", "cannot set %s", param);
		return;
	}
	e1 = create("rg_mp1", 64, 1, 0);
	e2 = create("rg_mp2", 64, 1, 0);
	e3 = create("rg_mp3", 64, 1, 0);
	mpt_destroy(dev, "rg_mp1", 0);
	e4 = create("rg_mp3", 64, 1, 0);
	mpt_destroy(dev, "rg_mp2", 0);
	mpt_destroy(dev, "rg_mp3", 0);
	write_param(param, old);
	result(!e1 && !e2 && e3 == ENOSPC && !e4, "regress-max-pools",
	       "creates gave %d, %d, then %d (want ENOSPC), then %d", e1, e2,
	       e3, e4);
}

/*
 * max_batch caps the blocks one ALLOC or FREE names: one more is EINVAL
 * and changes nothing; the parameter takes 1 to MPOOL_IOC_BATCH_MAX only.
 */
static void test_max_batch(void)
{
	static const char param[] = "/sys/module/mempool/parameters/max_batch";
	struct mpool_ioc_alloc a = { .size = sizeof(a) };
	struct mpool_ioc_stats s;
	unsigned long old, now;
	uint64_t h[5];
	int e_over, e_at, e_zero, e_big;

	if (read_param(param, &old) || old != MPOOL_IOC_BATCH_MAX ||
	    write_param(param, 4)) {
		result(0, "regress-max-batch", "cannot use %s", param);
		return;
	}
	if (create("rg_mb", 64, 8, 0)) {
		write_param(param, old);
		result(0, "regress-max-batch", "create: %s", strerror(errno));
		return;
	}
	set_name(a.name, "rg_mb");
	a.handles = (uintptr_t)h;
	a.count = 5;
	e_over = ioctl(dev, MPOOL_IOC_ALLOC, &a) ? errno : 0;
	/* A STATS that fails must not read as "nothing in use". */
	if (mpt_stats(dev, "rg_mb", &s))
		memset(&s, 0xff, sizeof(s));
	a.count = 4;
	e_at = ioctl(dev, MPOOL_IOC_ALLOC, &a) ? errno : 0;
	e_zero = write_param(param, 0) ? 0 : -1;
	e_big = write_param(param, MPOOL_IOC_BATCH_MAX + 1) ? 0 : -1;
	read_param(param, &now);
	mpt_destroy(dev, "rg_mb", MPOOL_DESTROY_FORCE);
	write_param(param, old);
	result(e_over == EINVAL && s.out_blocks_in_use == 0 && !e_at &&
	       a.out_allocated == 4 && !e_zero && !e_big && now == 4,
	       "regress-max-batch",
	       "count 5 over 4: %d (want EINVAL), in use %llu; count 4: %d, %u blocks; 0 and 1025 %s; now %lu",
	       e_over, (unsigned long long)s.out_blocks_in_use, e_at,
	       a.out_allocated, e_zero || e_big ? "accepted" : "refused",
	       now);
}

int main(void)
{
	dev = open("/dev/mempool", O_RDWR);
	if (dev < 0) {
		result(0, "regress-open", "/dev/mempool: %s", strerror(errno));
		return 0;
	}
	test_fresh_zero();
	test_names();
	test_destroy_views();
	test_no_eperm_race();
	test_stats_in_range();
	test_no_junk();
	test_max_pools();
	test_max_batch();
	close(dev);
	return 0;
}
