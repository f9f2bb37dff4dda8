// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_engine: what the engine promises through /dev/mempool (issue 19):
 *
 * - budget: a pool destroyed with DESTROY FORCE while mapped, or while an
 *   open file owns one of its blocks, counts against max_bytes and
 *   max_pools until its memory is freed (EDQUOT, ENOSPC), and
 *   /sys/kernel/debug/mempool/budget shows it among the destroyed pools;
 *   after munmap() or close() the budget is back and CREATE works.
 * - fresh: what a block holds at allocation for each of the four
 *   combinations of MPOOL_CREATE_ZERO and MPOOL_CREATE_POISON, read
 *   through READ and through a mapping, and the bytes in no block
 *   (padding between blocks, the tail of the last page) always zero.
 * - waits: a RESET while an allocation sleeps (mpt_alloc_asleep()): once
 *   it times out, the wait histogram sums to waits and timeouts is no
 *   more than waits.
 *
 * Runs in the test VM as root with mempool.ko loaded and no other device
 * pool; prints the guest protocol's lines (MPTEST ok NAME, MPTEST not ok
 * NAME: MSG) and exits 0 (the lines are the result).  It changes the
 * max_bytes and max_pools parameters and puts them back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mpool_ioctl.h"
#include "../mptest.h"

#define BUDGET	"/sys/kernel/debug/mempool/budget"
#define PARAMS	"/sys/module/mempool/parameters/"
#define MIB	(1024UL * 1024)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int dev;

/* ---- small helpers ------------------------------------------------------ */

static int create(const char *name, __u32 bs, __u32 n, __u32 align,
		  __u32 flags)
{
	struct mpool_ioc_create c = { .size = sizeof(c), .flags = flags,
				      .block_size = bs, .nr_blocks = n,
				      .align = align };

	set_name(c.name, name);
	return mpt_io(dev, MPOOL_IOC_CREATE, &c);
}

static int free_one(const char *name, __u64 handle)
{
	struct mpool_ioc_free f = { .size = sizeof(f), .count = 1,
				    .handles = (uintptr_t)&handle };
	int err;

	set_name(f.name, name);
	err = mpt_io(dev, MPOOL_IOC_FREE, &f);
	return err ? err : (f.out_freed == 1 ? 0 : EINVAL);
}

static int rw(unsigned long req, const char *name, __u64 handle, void *buf,
	      __u32 len)
{
	struct mpool_ioc_rw r = { .size = sizeof(r), .handle = handle,
				  .length = len, .buf = (uintptr_t)buf };

	set_name(r.name, name);
	return mpt_io(dev, req, &r);
}

/* MAP then mmap() PROT_READ of the whole region; NULL and errno on failure. */
static void *map_pool(int fd, const char *name, size_t *len)
{
	struct mpool_ioc_map m = { .size = sizeof(m) };
	void *p;

	set_name(m.name, name);
	errno = mpt_io(fd, MPOOL_IOC_MAP, &m);
	if (errno)
		return NULL;
	*len = m.out_length;
	p = mmap(NULL, m.out_length, PROT_READ, MAP_SHARED, fd, m.out_offset);
	return p == MAP_FAILED ? NULL : p;
}

/* Writes @val to a module parameter; 0 or errno. */
static int param_set(const char *param, unsigned long val)
{
	char path[128], buf[32];
	int fd, n, err = 0;

	snprintf(path, sizeof(path), PARAMS "%s", param);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	n = snprintf(buf, sizeof(buf), "%lu\n", val);
	if (write(fd, buf, n) != n)
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

static int param_get(const char *param, unsigned long *val)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), PARAMS "%s", param);
	f = fopen(path, "r");
	if (!f)
		return errno;
	ok = fscanf(f, "%lu", val) == 1;
	fclose(f);
	return ok ? 0 : EINVAL;
}

struct budget {
	unsigned long long max_bytes, max_pools, bytes, pools;
	unsigned long long destroyed_bytes, destroyed_pools;
};

/*
 * Reads the budget file, which must have exactly its six lines in order;
 * 0, or -1 with @why set.
 */
static int budget_read(struct budget *b, char *why, size_t whylen)
{
	static const char * const keys[] = {
		"max_bytes", "max_pools", "bytes", "pools",
		"destroyed_bytes", "destroyed_pools",
	};
	unsigned long long *vals[] = {
		&b->max_bytes, &b->max_pools, &b->bytes, &b->pools,
		&b->destroyed_bytes, &b->destroyed_pools,
	};
	char line[128], key[64];
	unsigned int i = 0;
	FILE *f = fopen(BUDGET, "r");

	if (!f) {
		snprintf(why, whylen, "%s: %s", BUDGET, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char tail;

		if (i == 6 ||
		    sscanf(line, "%63[^:]: %llu%c", key, vals[i], &tail) != 3 ||
		    tail != '\n' || strcmp(key, keys[i])) {
			snprintf(why, whylen, "line %u is '%.60s'", i + 1, line);
			fclose(f);
			return -1;
		}
		i++;
	}
	fclose(f);
	if (i != 6) {
		snprintf(why, whylen, "%u lines, wanted 6", i);
		return -1;
	}
	return 0;
}

/*
 * The budget once no pool holds memory any more.  A mapping's last
 * reference may be dropped by a workqueue after munmap() returns: wait
 * for it, up to 20 s (never a verdict on speed: only a budget that stays
 * held that long fails).
 */
static int budget_read_empty(struct budget *b, char *why, size_t whylen)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < 2000; i++) {
		if (budget_read(b, why, whylen))
			return -1;
		if (!b->bytes && !b->pools)
			return 0;
		nanosleep(&nap, NULL);
	}
	return 0;
}

/* ---- budget ------------------------------------------------------------- */

enum hold { HOLD_MAP, HOLD_OWNED };

/*
 * max_bytes 32 MiB: a 16 MiB pool held by a mapping or an owned block
 * and force-destroyed still counts, so a second 16 MiB pool is EDQUOT,
 * while its name is free; once let go, the budget is empty again and
 * the second pool fits.  Test names start with @pfx.
 */
static void test_budget(enum hold hold, const char *pfx)
{
	char name[64], why[160];
	struct budget b;
	size_t len = 0;
	void *map = NULL;
	__u64 handle;
	int fd = -1, err;

	/* 16 blocks of 1 MiB: 16 MiB of region, and a page of metadata. */
	err = create("eng_budget", MIB, 16, 0, 0);
	snprintf(name, sizeof(name), "%s-create", pfx);
	result(!err, name, "CREATE: %s", strerror(err));
	if (err)
		return;
	fd = open("/dev/mempool", O_RDWR);
	if (hold == HOLD_MAP) {
		map = map_pool(fd, "eng_budget", &len);
		err = map ? 0 : errno;
	} else {
		err = mpt_alloc(fd, "eng_budget", &handle, 1, MPOOL_ALLOC_OWNED, 0);
		err = err == 1 ? 0 : (err < 0 ? -err : EIO);
	}
	snprintf(name, sizeof(name), "%s-hold", pfx);
	result(fd >= 0 && !err, name, "%s",
	       fd < 0 ? "open failed" : strerror(err));
	if (fd < 0 || err)
		goto out;
	err = mpt_destroy(dev, "eng_budget", MPOOL_DESTROY_FORCE);
	snprintf(name, sizeof(name), "%s-force-destroy", pfx);
	result(!err, name, "DESTROY FORCE: %s", strerror(err));

	/* Still held: the budget has it, among the destroyed. */
	snprintf(name, sizeof(name), "%s-budget-held", pfx);
	if (budget_read(&b, why, sizeof(why)))
		result(0, name, "%s", why);
	else
		result(b.bytes > 16 * MIB && b.pools == 1 &&
		       b.destroyed_bytes == b.bytes && b.destroyed_pools == 1 &&
		       b.max_bytes == 32 * MIB, name,
		       "bytes %llu pools %llu destroyed_bytes %llu destroyed_pools %llu max_bytes %llu",
		       b.bytes, b.pools, b.destroyed_bytes, b.destroyed_pools,
		       b.max_bytes);
	err = create("eng_budget2", MIB, 16, 0, 0);
	snprintf(name, sizeof(name), "%s-edquot", pfx);
	result(err == EDQUOT, name, "second 16 MiB CREATE: %s, wanted EDQUOT",
	       err ? strerror(err) : "success");
	if (!err)
		mpt_destroy(dev, "eng_budget2", MPOOL_DESTROY_FORCE);
	/* The name is free at once, and a small pool fits beside. */
	err = create("eng_budget", 4096, 1, 0, 0);
	snprintf(name, sizeof(name), "%s-name-free", pfx);
	result(!err, name, "CREATE of the name again: %s", strerror(err));
	if (!err)
		mpt_destroy(dev, "eng_budget", 0);

	if (map)
		munmap(map, len);
	map = NULL;
	close(fd);
	fd = -1;
	snprintf(name, sizeof(name), "%s-budget-freed", pfx);
	if (budget_read_empty(&b, why, sizeof(why)))
		result(0, name, "%s", why);
	else
		result(!b.bytes && !b.pools && !b.destroyed_bytes &&
		       !b.destroyed_pools, name,
		       "bytes %llu pools %llu destroyed_bytes %llu destroyed_pools %llu",
		       b.bytes, b.pools, b.destroyed_bytes, b.destroyed_pools);
	err = create("eng_budget2", MIB, 16, 0, 0);
	snprintf(name, sizeof(name), "%s-create-after", pfx);
	result(!err, name, "16 MiB CREATE once let go: %s", strerror(err));
	if (!err)
		mpt_destroy(dev, "eng_budget2", 0);
	return;
out:
	if (map)
		munmap(map, len);
	if (fd >= 0)
		close(fd);
	mpt_destroy(dev, "eng_budget", MPOOL_DESTROY_FORCE);
}

/* max_pools 1: a destroyed pool whose owned block is held is that one. */
static void test_max_pools(void)
{
	struct budget b;
	char why[160];
	__u64 handle;
	int fd, err;

	err = create("eng_pools", 64, 1, 0, 0);
	result(!err, "eng-pools-create", "CREATE: %s", strerror(err));
	if (err)
		return;
	fd = open("/dev/mempool", O_RDWR);
	err = fd < 0 ? errno : -mpt_alloc(fd, "eng_pools", &handle, 1,
				      MPOOL_ALLOC_OWNED, 0);
	result(err == -1, "eng-pools-hold", "owned ALLOC: %s",
	       err < 0 ? "short" : strerror(err));
	err = mpt_destroy(dev, "eng_pools", MPOOL_DESTROY_FORCE);
	result(!err, "eng-pools-force-destroy", "%s", strerror(err));
	err = create("eng_pools2", 64, 1, 0, 0);
	result(err == ENOSPC, "eng-pools-enospc",
	       "CREATE beside a held destroyed pool: %s, wanted ENOSPC",
	       err ? strerror(err) : "success");
	if (!err)
		mpt_destroy(dev, "eng_pools2", 0);
	if (fd >= 0)
		close(fd);
	if (budget_read_empty(&b, why, sizeof(why)))
		result(0, "eng-pools-budget-freed", "%s", why);
	else
		result(!b.pools && !b.destroyed_pools, "eng-pools-budget-freed",
		       "pools %llu destroyed_pools %llu", b.pools,
		       b.destroyed_pools);
	err = create("eng_pools2", 64, 1, 0, 0);
	result(!err, "eng-pools-create-after", "CREATE once closed: %s",
	       strerror(err));
	if (!err)
		mpt_destroy(dev, "eng_pools2", 0);
}

static void test_budget_all(void)
{
	unsigned long max_bytes, max_pools;
	struct budget b = { 0 };
	char why[160];
	int err;

	err = param_get("max_bytes", &max_bytes) ?:
	      param_get("max_pools", &max_pools);
	result(!err, "eng-budget-params", "reading the parameters: %s",
	       strerror(err));
	if (err)
		return;
	/* No pool yet: an empty budget under the parameters' values. */
	if (budget_read(&b, why, sizeof(why)))
		result(0, "eng-budget-file", "%s", why);
	else
		result(b.max_bytes == max_bytes && b.max_pools == max_pools &&
		       !b.bytes && !b.pools && !b.destroyed_bytes &&
		       !b.destroyed_pools, "eng-budget-file",
		       "max_bytes %llu (param %lu) max_pools %llu (param %lu) bytes %llu pools %llu destroyed %llu/%llu",
		       b.max_bytes, max_bytes, b.max_pools, max_pools,
		       b.bytes, b.pools, b.destroyed_bytes,
		       b.destroyed_pools);

	err = param_set("max_bytes", 32 * MIB);
	result(!err, "eng-budget-set-max-bytes", "%s", strerror(err));
	if (!err) {
		test_budget(HOLD_MAP, "eng-budget-map");
		test_budget(HOLD_OWNED, "eng-budget-owned");
	}
	param_set("max_bytes", max_bytes);

	err = param_set("max_pools", 1);
	result(!err, "eng-budget-set-max-pools", "%s", strerror(err));
	if (!err)
		test_max_pools();
	param_set("max_pools", max_pools);
}

/* ---- fresh block contents ---------------------------------------------- */

/* The first byte of @p[0, @n) that is not @c, or -1. */
static long first_not(const unsigned char *p, size_t n, unsigned char c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != c)
			return i;
	return -1;
}

enum { FR_NR = 5 };

/*
 * One pool: every block fresh, then block 2 written, freed and allocated
 * again; checked through READ and through a mapping, padding and tail
 * included.
 */
static void test_fresh_one(__u32 flags, __u32 bs, __u32 align)
{
	const char *pool = "eng_fresh";
	int poison = (flags & MPOOL_CREATE_POISON) &&
		     !(flags & MPOOL_CREATE_ZERO);
	unsigned char fresh = poison ? 0x6b : 0;
	unsigned char reused = flags & (MPOOL_CREATE_ZERO | MPOOL_CREATE_POISON) ?
			       fresh : 0x5a;
	unsigned char buf[256], want;
	__u64 h[FR_NR], stride, off;
	const unsigned char *map;
	char name[96], msg[160] = "";
	size_t len = 0;
	long bad;
	int err, i, n;

	snprintf(name, sizeof(name), "eng-fresh-f%u-bs%u-a%u", flags, bs, align);
	err = create(pool, bs, FR_NR, align, flags);
	if (err) {
		result(0, name, "CREATE: %s", strerror(err));
		return;
	}
	n = mpt_alloc(dev, pool, h, FR_NR, 0, 0);
	if (n != FR_NR) {
		snprintf(msg, sizeof(msg), "ALLOC got %d", n);
		goto out;
	}
	for (i = 0; i < FR_NR && !msg[0]; i++) {
		err = rw(MPOOL_IOC_READ, pool, h[i], buf, bs);
		bad = err ? 0 : first_not(buf, bs, fresh);
		if (err || bad >= 0)
			snprintf(msg, sizeof(msg),
				 "READ of fresh block %d: %s byte %ld is %#x, wanted %#x",
				 i, strerror(err), bad, bad >= 0 ? buf[bad] : 0,
				 fresh);
	}
	if (msg[0])
		goto out;
	memset(buf, 0x5a, bs);
	err = rw(MPOOL_IOC_WRITE, pool, h[2], buf, bs) ?:
	      free_one(pool, h[2]);
	n = err ? -err : mpt_alloc(dev, pool, &h[2], 1, 0, 0);
	if (n != 1) {
		snprintf(msg, sizeof(msg), "WRITE, FREE, ALLOC: %d", n);
		goto out;
	}
	err = rw(MPOOL_IOC_READ, pool, h[2], buf, bs);
	bad = err ? 0 : first_not(buf, bs, reused);
	if (err || bad >= 0) {
		snprintf(msg, sizeof(msg),
			 "READ of the reused block: %s byte %ld is %#x, wanted %#x",
			 strerror(err), bad, bad >= 0 ? buf[bad] : 0, reused);
		goto out;
	}

	/* The same bytes, and the ones in no block, through a mapping. */
	map = map_pool(dev, pool, &len);
	if (!map) {
		snprintf(msg, sizeof(msg), "MAP and mmap: %s", strerror(errno));
		goto out;
	}
	stride = align > bs ? align : bs;
	for (i = 0; i < FR_NR && !msg[0]; i++) {
		off = MPOOL_HANDLE_OFFSET(h[i]);
		want = i == 2 ? reused : fresh;
		if (off != i * stride) {
			snprintf(msg, sizeof(msg), "block %d at offset %llu",
				 i, (unsigned long long)off);
			break;
		}
		bad = first_not(map + off, bs, want);
		if (bad >= 0)
			snprintf(msg, sizeof(msg),
				 "mapped block %d: byte %ld is %#x, wanted %#x",
				 i, bad, map[off + bad], want);
		bad = first_not(map + off + bs, stride - bs, 0);
		if (!msg[0] && bad >= 0)
			snprintf(msg, sizeof(msg),
				 "padding after block %d: byte %ld is %#x, wanted 0",
				 i, bs + bad, map[off + bs + bad]);
	}
	off = FR_NR * stride;
	bad = first_not(map + off, len - off, 0);
	if (!msg[0] && bad >= 0)
		snprintf(msg, sizeof(msg),
			 "tail: byte %llu of the region is %#x, wanted 0",
			 (unsigned long long)(off + bad), map[off + bad]);
	munmap((void *)map, len);
out:
	result(!msg[0], name, "%s", msg);
	mpt_destroy(dev, pool, MPOOL_DESTROY_FORCE);
}

static void test_fresh(void)
{
	static const __u32 flags[] = {
		0, MPOOL_CREATE_ZERO, MPOOL_CREATE_POISON,
		MPOOL_CREATE_ZERO | MPOOL_CREATE_POISON,
	};
	unsigned int f;

	for (f = 0; f < ARRAY_SIZE(flags); f++) {
		/* Padding: 24-byte blocks 64 bytes apart. */
		test_fresh_one(flags[f], 24, 64);
		/* No padding: the region ends mid-page. */
		test_fresh_one(flags[f], 100, 4);
	}
}

/* ---- wait counters under RESET ----------------------------------------- */

struct waiter {
	pid_t tid;
	int entering;	/* __atomic: read by the main thread */
	int ret;
};

static void *waiter_fn(void *arg)
{
	struct waiter *w = arg;
	__u64 handle;

	w->tid = syscall(SYS_gettid);
	__atomic_store_n(&w->entering, 1, __ATOMIC_SEQ_CST);
	w->ret = mpt_alloc(dev, "eng_wait", &handle, 1, MPOOL_ALLOC_WAIT, 5000);
	return NULL;
}

/*
 * An allocation sleeps on an empty pool; RESET while it sleeps; it times
 * out.  The wait is counted as it ends, all at once: waits 1, one bucket,
 * timeouts 1.
 */
static void test_waits_reset(void)
{
	struct timespec nap = { 0, 1000 * 1000 };
	struct mpool_ioc_name r = { .size = sizeof(r) };
	struct mpool_ioc_stats st;
	struct waiter w = { 0 };
	unsigned long long sum = 0;
	pthread_t t;
	__u64 handle;
	int i, err, asleep = 0;

	err = create("eng_wait", 64, 1, 0, 0);
	if (!err)
		err = mpt_alloc(dev, "eng_wait", &handle, 1, 0, 0) == 1 ? 0 : EIO;
	result(!err, "eng-waits-setup", "%s", strerror(err));
	if (err)
		goto out;
	if (pthread_create(&t, NULL, waiter_fn, &w)) {
		result(0, "eng-waits-asleep", "pthread_create failed");
		goto out;
	}
	while (!__atomic_load_n(&w.entering, __ATOMIC_SEQ_CST))
		nanosleep(&nap, NULL);
	/* Asleep in the allocation: look for up to 4 s of its 5. */
	for (i = 0; i < 4000 && !asleep; i++) {
		asleep = mpt_alloc_asleep(w.tid);
		if (!asleep)
			nanosleep(&nap, NULL);
	}
	result(asleep, "eng-waits-asleep", "the waiter never slept");
	set_name(r.name, "eng_wait");
	err = mpt_io(dev, MPOOL_IOC_RESET, &r);
	result(!err, "eng-waits-reset", "RESET: %s", strerror(err));
	pthread_join(t, NULL);
	result(w.ret == -ETIMEDOUT, "eng-waits-timed-out",
	       "ALLOC WAIT: %s, wanted ETIMEDOUT",
	       w.ret < 0 ? strerror(-w.ret) : "a block");
	err = mpt_stats(dev, "eng_wait", &st);
	for (i = 0; i < 24; i++)
		sum += st.out_wait_us_hist[i];
	result(!err && sum == st.out_waits && st.out_timeouts <= st.out_waits,
	       "eng-waits-hist-sums", "STATS %s; waits %llu, histogram sums to %llu, timeouts %llu",
	       err ? strerror(err) : "ok", (unsigned long long)st.out_waits, sum,
	       (unsigned long long)st.out_timeouts);
	/* RESET came while it slept: the wait is counted as it ended. */
	if (asleep)
		result(st.out_waits == 1 && st.out_timeouts == 1,
		       "eng-waits-counted-on-waking", "waits %llu timeouts %llu, wanted 1 1",
		       (unsigned long long)st.out_waits,
		       (unsigned long long)st.out_timeouts);
out:
	mpt_destroy(dev, "eng_wait", MPOOL_DESTROY_FORCE);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	dev = open("/dev/mempool", O_RDWR);
	if (dev < 0) {
		result(0, "eng-open", "/dev/mempool: %s", strerror(errno));
		return 0;
	}
	test_budget_all();
	test_fresh();
	test_waits_reset();
	close(dev);
	return 0;
}
