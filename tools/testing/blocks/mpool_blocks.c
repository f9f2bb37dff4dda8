// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_blocks: the blocks of destroyed pools and what a faulting user
 * buffer leaves (issue 19, defects 1, 2 and 7b), through libmpool.  Runs
 * in the test VM as root with mempool.ko loaded; prints the guest
 * protocol's lines (MPTEST ok NAME / MPTEST not ok NAME: MSG) and exits 0
 * once every check ran.
 *
 * - A sleeping MPOOL_ALLOC_WAIT woken by a FREE, that runs only after a
 *   DESTROY (plain or forced) of its pool returned: ENOENT, and the pool's
 *   memory goes.  Made deterministic by pinning both threads to CPU 0 and
 *   running the freeing and destroying thread at SCHED_FIFO, so the woken
 *   sleeper cannot run before the DESTROY returned.
 * - A handle kept across DESTROY FORCE and CREATE of the same name names
 *   nothing in the new pool; generations of device pools never repeat.
 * - WRITE and READ that fault part-way leave a prefix of new bytes and the
 *   old bytes after it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libmpool.h"
#include "../mptest.h"

#define BUDGET "/sys/kernel/debug/mempool/budget"

static int dev;
static long page;

/* Frees @n handles: 0 when all were freed, the errno, or -1. */
static int free_all(const char *name, const uint64_t *h, uint32_t n)
{
	int freed = mpool_free(dev, name, h, n, NULL);

	return freed < 0 ? -freed : freed == (int)n ? 0 : -1;
}

static int stale(int err)
{
	return err == -ESTALE || err == -ENXIO;
}

/* ---- 1: an ALLOC sleeping on a pool that is destroyed ------------------- */

static int pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static int set_fifo(int on)
{
	struct sched_param sp = { .sched_priority = on ? 1 : 0 };

	return sched_setscheduler(0, on ? SCHED_FIFO : SCHED_OTHER, &sp);
}

struct sleeper {
	int fd;
	const char *name;
	uint32_t flags;
	volatile pid_t tid;
	int ret;		/* blocks allocated, or -errno */
	uint64_t h;
};

static void *sleeper_run(void *arg)
{
	struct sleeper *s = arg;

	if (pin_cpu0()) {
		s->ret = -1000 - errno;
		s->tid = -1;
		return NULL;
	}
	s->tid = syscall(SYS_gettid);
	s->ret = mpool_alloc(s->fd, s->name, &s->h, 1,
			     MPOOL_ALLOC_WAIT | s->flags, 60000);
	return NULL;
}

/* The thread sleeps (S) inside ioctl(): in MPOOL_IOC_ALLOC's wait. */
static int asleep_in_ioctl(pid_t tid)
{
	char path[64], buf[512], *p;
	long nr = -1;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fscanf(f, "%ld", &nr);
	fclose(f);
	if (n != 1 || nr != SYS_ioctl)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p && p[1] == ' ' && p[2] == 'S';
}

/* Bytes the kernel's vmalloc area uses now, from /proc/meminfo. */
static long vmalloc_used_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmallocUsed: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* The engine's budget file, when there is one: destroyed_pools. */
static long destroyed_pools(void)
{
	char line[128];
	long n = -1;
	FILE *f = fopen(BUDGET, "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "destroyed_pools: %ld", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

#define RACE_POOL	"bl_race"
/* One block, large enough that its region shows in VmallocUsed. */
#define RACE_BS		(16u << 20)

/*
 * The pool's only block is taken; a second thread (its own open file,
 * @alloc_flags) sleeps for one; this thread, at SCHED_FIFO on the same
 * CPU, FREEs the block (blocks_in_use is 0 then) and DESTROYs the pool
 * with @destroy_flags before the woken sleeper can run.  The sleeper's
 * ALLOC must fail with ENOENT; the name is free, a new pool of it holds
 * nothing of the old one, and the old pool's memory is gone while the
 * sleeper's file is still open (its owned count let go of the pool).
 */
static void test_destroy_waiter(const char *tname, uint32_t destroy_flags,
				uint32_t alloc_flags)
{
	struct sleeper s = { .name = RACE_POOL, .flags = alloc_flags };
	static unsigned char blk[4096];
	struct mpool_ioc_stats st;
	char name[96];
	pthread_t t;
	uint64_t h, hn;
	long kb0, kb1, kb2, dead = -1;
	int err, e_free, e_stats, e_destroy, i, nonzero = 0;
	uint64_t in_use = ~0ULL;

	s.fd = mpool_open(O_RDWR);
	kb0 = vmalloc_used_kb();
	if (s.fd < 0 || mpool_create(dev, RACE_POOL, RACE_BS, 1, 0, 0) ||
	    mpool_alloc(dev, RACE_POOL, &h, 1, 0, 0) != 1) {
		result(0, tname, "setup: %s", strerror(errno));
		goto out_close;
	}
	kb1 = vmalloc_used_kb();
	memset(blk, 0x5a, sizeof(blk));
	mpool_write(dev, RACE_POOL, h, 0, blk, sizeof(blk));
	if (pin_cpu0()) {
		result(0, tname, "sched_setaffinity: %s", strerror(errno));
		goto out_destroy;
	}
	if (pthread_create(&t, NULL, sleeper_run, &s)) {
		result(0, tname, "pthread_create failed");
		goto out_destroy;
	}
	/* Bounded: a sleeper that never sleeps fails the check below. */
	for (i = 0; i < 20000; i++) {
		if (s.tid && (s.tid < 0 || asleep_in_ioctl(s.tid)))
			break;
		usleep(1000);
	}
	snprintf(name, sizeof(name), "%s-slept", tname);
	result(s.tid > 0 && i < 20000, name,
	       "the sleeper never slept in its ALLOC (tid %d, ret %d)",
	       (int)s.tid, s.ret);
	if (set_fifo(1)) {
		result(0, tname, "SCHED_FIFO: %s", strerror(errno));
		pthread_join(t, NULL);
		goto out_destroy;
	}
	/* From here until set_fifo(0) the sleeper cannot run. */
	e_free = free_all(RACE_POOL, &h, 1);
	e_stats = mpool_stats(dev, RACE_POOL, &st);
	if (!e_stats)
		in_use = st.out_blocks_in_use;
	e_destroy = mpool_destroy(dev, RACE_POOL, destroy_flags);
	set_fifo(0);
	pthread_join(t, NULL);

	snprintf(name, sizeof(name), "%s-free-destroy", tname);
	result(!e_free && !e_stats && in_use == 0 && !e_destroy, name,
	       "free %d, stats %d (in use %llu), destroy %d", e_free, e_stats,
	       (unsigned long long)in_use, e_destroy);
	snprintf(name, sizeof(name), "%s-alloc-enoent", tname);
	result(s.ret == -ENOENT, name,
	       "the woken ALLOC gave %d (handle 0x%llx) after DESTROY returned",
	       s.ret, (unsigned long long)s.h);
	/* The pool's memory went with the ALLOC; the sleeper's file is open. */
	kb2 = vmalloc_used_kb();
	dead = destroyed_pools();
	snprintf(name, sizeof(name), "%s-memory-freed", tname);
	result(dead == 0 || (dead < 0 && kb1 - kb0 >= RACE_BS / 2048 &&
			     kb2 - kb0 < RACE_BS / 2048), name,
	       "VmallocUsed %ld, %ld with the pool, %ld after (kB); destroyed_pools %ld",
	       kb0, kb1, kb2, dead);

	/* The name is free again, and the new pool is new. */
	err = mpool_create(dev, RACE_POOL, RACE_BS, 1, 0, 0);
	e_stats = err ? err : mpool_stats(dev, RACE_POOL, &st);
	snprintf(name, sizeof(name), "%s-recreate", tname);
	result(!err && !e_stats && st.out_blocks_in_use == 0 &&
	       st.out_allocs == 0 && st.out_blocks_total == 1, name,
	       "create %d, stats %d: in use %llu, allocs %llu, total %llu",
	       err, e_stats, (unsigned long long)st.out_blocks_in_use,
	       (unsigned long long)st.out_allocs,
	       (unsigned long long)st.out_blocks_total);
	if (!err) {
		err = mpool_read(dev, RACE_POOL, h, 0, blk, sizeof(blk));
		if (mpool_alloc(dev, RACE_POOL, &hn, 1, 0, 0) == 1 &&
		    !mpool_read(dev, RACE_POOL, hn, 0, blk, sizeof(blk)))
			for (i = 0; i < (int)sizeof(blk); i++)
				nonzero += blk[i] != 0;
		else
			nonzero = -1;
		snprintf(name, sizeof(name), "%s-new-pool-fresh", tname);
		result(stale(err) && nonzero == 0, name,
		       "old handle read: %d; new block: %d non-zero bytes",
		       err, nonzero);
	}
out_destroy:
	mpool_destroy(dev, RACE_POOL, MPOOL_DESTROY_FORCE);
out_close:
	if (s.fd >= 0)
		close(s.fd);
}

/* ---- 2: handles across pool instances ------------------------------------ */

#define GEN_POOL	"bl_gen"

/*
 * A handle kept across DESTROY FORCE and CREATE of the same name, where
 * the new pool's holder has the block at the same offset: READ, WRITE and
 * FREE of the old handle are refused, the holder's bytes and handle stay.
 */
static void test_handle_across_instances(void)
{
	unsigned char old[64], mine[64], got[64];
	uint64_t h_old, h_new;
	int e_read, e_write, e_free, e_mine, e_keep;
	int32_t res = 1;

	memset(old, 0x11, sizeof(old));
	memset(mine, 0x22, sizeof(mine));
	memset(got, 0, sizeof(got));
	if (mpool_create(dev, GEN_POOL, 64, 1, 0, 0) ||
	    mpool_alloc(dev, GEN_POOL, &h_old, 1, 0, 0) != 1 ||
	    mpool_write(dev, GEN_POOL, h_old, 0, old, sizeof(old)) ||
	    mpool_destroy(dev, GEN_POOL, MPOOL_DESTROY_FORCE) ||
	    mpool_create(dev, GEN_POOL, 64, 1, 0, 0) ||
	    mpool_alloc(dev, GEN_POOL, &h_new, 1, 0, 0) != 1 ||
	    mpool_write(dev, GEN_POOL, h_new, 0, mine, sizeof(mine))) {
		result(0, "bl-gen-across-instances", "setup: %s",
		       strerror(errno));
		mpool_destroy(dev, GEN_POOL, MPOOL_DESTROY_FORCE);
		return;
	}
	result(mpool_handle_offset(h_old) == mpool_handle_offset(h_new),
	       "bl-gen-across-same-offset", "old 0x%llx, new 0x%llx",
	       (unsigned long long)h_old, (unsigned long long)h_new);
	e_read = mpool_read(dev, GEN_POOL, h_old, 0, got, sizeof(got));
	e_write = mpool_write(dev, GEN_POOL, h_old, 0, old, sizeof(old));
	e_free = mpool_free(dev, GEN_POOL, &h_old, 1, &res);
	result(stale(e_read), "bl-gen-old-read-refused",
	       "READ of the old pool's handle 0x%llx: errno %d",
	       (unsigned long long)h_old, e_read);
	result(stale(e_write), "bl-gen-old-write-refused",
	       "WRITE of the old pool's handle: errno %d", e_write);
	result(e_free == 0 && stale(res), "bl-gen-old-free-refused",
	       "FREE of the old pool's handle: %d, result %d", e_free,
	       (int)res);
	memset(got, 0, sizeof(got));
	e_mine = mpool_read(dev, GEN_POOL, h_new, 0, got, sizeof(got));
	result(!e_mine && !memcmp(got, mine, sizeof(mine)),
	       "bl-gen-holder-bytes-intact", "READ %d, first byte 0x%02x",
	       e_mine, got[0]);
	e_keep = mpool_free(dev, GEN_POOL, &h_new, 1, &res);
	result(e_keep == 1, "bl-gen-holder-handle-valid",
	       "FREE of the holder's handle: %d, result %d", e_keep, (int)res);
	mpool_destroy(dev, GEN_POOL, MPOOL_DESTROY_FORCE);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Two pools allocating in turn, in batches of 1 to 64 and freeing again:
 * no generation is 0 and none repeats, within a pool or across the two
 * (far fewer than 2^24 allocations: the counter never comes round).
 */
static void test_gens_unique(void)
{
	enum { NB = 64, ROUNDS = 200 };
	static const char *const pools[2] = { "bl_ga", "bl_gb" };
	static uint32_t gens[2][NB * ROUNDS];
	static uint32_t all[2 * NB * ROUNDS];
	unsigned int n[2] = { 0, 0 }, i, k, r, dup = 0, across = 0, zero = 0;
	uint64_t h[NB];
	int got, err = 0;

	if (mpool_create(dev, pools[0], 64, NB, 0, 0) ||
	    mpool_create(dev, pools[1], 64, NB, 0, 0)) {
		result(0, "bl-gen-unique", "create: %s", strerror(errno));
		goto out;
	}
	for (r = 0; r < ROUNDS && !err; r++) {
		for (k = 0; k < 2 && !err; k++) {
			got = mpool_alloc(dev, pools[k], h, 1 + (r * 7 + k) % NB,
					  0, 0);
			if (got <= 0) {
				err = -got;
				break;
			}
			for (i = 0; i < (unsigned int)got; i++)
				gens[k][n[k]++] = mpool_handle_gen(h[i]);
			err = free_all(pools[k], h, got);
		}
	}
	for (k = 0; k < 2; k++) {
		for (i = 0; i < n[k]; i++) {
			zero += !gens[k][i];
			all[(k ? n[0] : 0) + i] = gens[k][i];
		}
		qsort(gens[k], n[k], sizeof(gens[k][0]), cmp_u32);
	}
	/* Equal generations in the two pools: a merge of the sorted lists. */
	for (i = 0, k = 0; i < n[0] && k < n[1];) {
		if (gens[0][i] == gens[1][k]) {
			across++;
			i++;
			k++;
		} else if (gens[0][i] < gens[1][k]) {
			i++;
		} else {
			k++;
		}
	}
	qsort(all, n[0] + n[1], sizeof(all[0]), cmp_u32);
	for (i = 1; i < n[0] + n[1]; i++)
		dup += all[i] == all[i - 1];
	result(!err && n[0] > NB && n[1] > NB && !zero, "bl-gen-nonzero",
	       "errno %d, %u and %u allocations, %u generation 0", err, n[0],
	       n[1], zero);
	result(!err && !across, "bl-gen-pools-disjoint",
	       "%u generations of %s also in %s (%u and %u allocations)",
	       across, pools[0], pools[1], n[0], n[1]);
	result(!err && !dup, "bl-gen-unique",
	       "%u repeated generations in %u allocations", dup,
	       n[0] + n[1]);
out:
	mpool_destroy(dev, pools[0], MPOOL_DESTROY_FORCE);
	mpool_destroy(dev, pools[1], MPOOL_DESTROY_FORCE);
}

/*
 * Through 2^24 generations (mpool_blocks --wrap, alone: ~16.8 million
 * allocations): with nothing else allocating, each allocation's
 * generation is the one before it plus 1, skipping 0, including across
 * 0xffffff and in the batch that spans the counter's 0 in 24 bits.
 */
static void test_gen_wrap(void)
{
	enum { NB = MPOOL_IOC_BATCH_MAX };
	static uint64_t h[NB];
	uint32_t prev = 0, gen, want, left, n, wraps = 0, straddled = 0;
	unsigned long long allocs = 0, bad = 0;
	int got, err = 0, round = 0;
	unsigned int i;

	if (mpool_create(dev, "bl_wrap", 8, NB, 0, 0)) {
		result(0, "bl-gen-wrap", "create: %s", strerror(errno));
		return;
	}
	while (!err && wraps < 1) {
		/*
		 * Generations left before 0xffffff: near the end, a batch
		 * that spans the skipped 0 and goes past it.
		 */
		left = 0xffffff - prev;
		n = left > 2 * NB ? NB : left > NB - 5 ? left / 2 : left + 5;
		got = mpool_alloc(dev, "bl_wrap", h, n, 0, 0);
		if (got <= 0) {
			err = -got;
			break;
		}
		for (i = 0; i < (unsigned int)got; i++) {
			gen = mpool_handle_gen(h[i]);
			want = prev == 0xffffff ? 1 : prev + 1;
			if (allocs++ && gen != want && bad++ < 5)
				printf("# allocation %llu: generation 0x%x after 0x%x\n",
				       allocs, gen, prev);
			if (allocs > 1 && gen < prev) {
				wraps++;
				straddled += i > 0;
			}
			prev = gen;
		}
		err = free_all("bl_wrap", h, got);
		if (!(++round % 2048))
			printf("# %llu allocations, generation 0x%x\n", allocs,
			       prev);
	}
	result(!err && wraps == 1 && straddled == 1 && !bad, "bl-gen-wrap",
	       "errno %d after %llu allocations: %u wraps, %u batches across 0, %llu out of sequence",
	       err, allocs, wraps, straddled, bad);
	mpool_destroy(dev, "bl_wrap", MPOOL_DESTROY_FORCE);
}

/* ---- 7b: READ and WRITE that fault part-way -------------------------------- */

#define RW_POOL		"bl_rw"
#define RW_POS		100u

/* What the block holds at @p before, and what a WRITE brings there. */
static unsigned char old_at(uint32_t p)
{
	return (unsigned char)(p * 3 + 1);
}

static unsigned char new_at(uint32_t p)
{
	return old_at(p) ^ 0x80;
}

/* Two pages of buffer with the second unmapped; NULL on failure. */
static unsigned char *half_mapped(void)
{
	unsigned char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (munmap(p + page, page)) {
		munmap(p, 2 * page);
		return NULL;
	}
	return p;
}

/* Sets the whole block to old_at(); 0 or -errno. */
static int set_old(uint64_t h, unsigned char *blk, uint32_t bs)
{
	uint32_t p;

	for (p = 0; p < bs; p++)
		blk[p] = old_at(p);
	return mpool_write(dev, RW_POOL, h, 0, blk, bs);
}

/*
 * A WRITE from @skew bytes into a buffer whose second page is unmapped,
 * of two pages' length at RW_POS: EFAULT, and the block holds new bytes
 * from RW_POS up to some point no further than the first unreadable
 * byte, its old bytes everywhere else.
 */
static void check_write_prefix(uint64_t h, unsigned char *blk, uint32_t bs,
			       uint32_t skew, const char *tname)
{
	unsigned char *buf = half_mapped();
	uint32_t p, end, readable = page - skew, bad = 0;
	int err, e_read;

	if (!buf || set_old(h, blk, bs)) {
		result(0, tname, "setup: %s", strerror(errno));
		goto out;
	}
	for (p = 0; p < readable; p++)
		buf[skew + p] = new_at(RW_POS + p);
	err = mpool_write(dev, RW_POOL, h, RW_POS, buf + skew, 2 * page);
	memset(blk, 0, bs);
	e_read = mpool_read(dev, RW_POOL, h, 0, blk, bs);
	/* The prefix: new bytes from RW_POS on. */
	for (end = RW_POS; end < bs && blk[end] == new_at(end); end++)
		;
	for (p = 0; p < bs; p++)
		bad += (p < RW_POS || p >= end) && blk[p] != old_at(p);
	result(err == -EFAULT && !e_read && !bad &&
	       end - RW_POS <= readable, tname,
	       "WRITE %d (want EFAULT), READ %d; new bytes [%u, %u) (at most %u), %u other bytes changed",
	       err, e_read, RW_POS, end, RW_POS + readable, bad);
out:
	if (buf)
		munmap(buf, page);
}

/*
 * A READ into such a buffer: EFAULT, the buffer holds a prefix of the
 * block's bytes from RW_POS and its own bytes after it, the block is
 * unchanged.
 */
static void check_read_prefix(uint64_t h, unsigned char *blk, uint32_t bs,
			      uint32_t skew, const char *tname)
{
	unsigned char *buf = half_mapped();
	uint32_t i, k, readable = page - skew, bad = 0, changed = 0;
	int err, e_read;

	if (!buf || set_old(h, blk, bs)) {
		result(0, tname, "setup: %s", strerror(errno));
		goto out;
	}
	/* Never what the block has at that place. */
	for (i = 0; i < readable; i++)
		buf[skew + i] = new_at(RW_POS + i);
	err = mpool_read(dev, RW_POOL, h, RW_POS, buf + skew, 2 * page);
	for (k = 0; k < readable && buf[skew + k] == old_at(RW_POS + k); k++)
		;
	for (i = k; i < readable; i++)
		bad += buf[skew + i] != new_at(RW_POS + i);
	memset(blk, 0, bs);
	e_read = mpool_read(dev, RW_POOL, h, 0, blk, bs);
	for (i = 0; i < bs; i++)
		changed += blk[i] != old_at(i);
	result(err == -EFAULT && !bad && !e_read && !changed, tname,
	       "READ %d (want EFAULT): %u bytes of the block, then %u bytes not the buffer's own; block READ %d, %u bytes changed",
	       err, k, bad, e_read, changed);
out:
	if (buf)
		munmap(buf, page);
}

static void test_fault_prefix(void)
{
	uint32_t bs = 3 * page, p, changed = 0;
	unsigned char *blk = malloc(bs), *gone;
	uint64_t h;
	int err = 0, e_read;

	if (!blk || mpool_create(dev, RW_POOL, bs, 1, 0, 0) ||
	    mpool_alloc(dev, RW_POOL, &h, 1, 0, 0) != 1) {
		result(0, "bl-fault-setup", "%s", strerror(errno));
		goto out;
	}
	check_write_prefix(h, blk, bs, 0, "bl-fault-write-prefix");
	check_write_prefix(h, blk, bs, 1000, "bl-fault-write-prefix-unaligned");
	check_read_prefix(h, blk, bs, 0, "bl-fault-read-prefix");
	check_read_prefix(h, blk, bs, 1000, "bl-fault-read-prefix-unaligned");

	/* A buffer no byte of which can be read changes nothing. */
	gone = half_mapped();
	if (!gone || set_old(h, blk, bs)) {
		result(0, "bl-fault-write-unreadable", "setup: %s",
		       strerror(errno));
	} else {
		err = mpool_write(dev, RW_POOL, h, 0, gone + page, 2 * page);
		memset(blk, 0, bs);
		e_read = mpool_read(dev, RW_POOL, h, 0, blk, bs);
		for (p = 0; p < bs; p++)
			changed += blk[p] != old_at(p);
		result(err == -EFAULT && !e_read && !changed,
		       "bl-fault-write-unreadable",
		       "WRITE %d (want EFAULT), READ %d, %u bytes changed",
		       err, e_read, changed);
	}
	if (gone)
		munmap(gone, page);
	/* The handle still names the block. */
	err = free_all(RW_POOL, &h, 1);
	result(!err, "bl-fault-handle-valid", "FREE after the faults: %d",
	       err);
out:
	mpool_destroy(dev, RW_POOL, MPOOL_DESTROY_FORCE);
	free(blk);
}

int main(int argc, char **argv)
{
	page = sysconf(_SC_PAGESIZE);
	if (argc > 1 && strcmp(argv[1], "--wrap")) {
		fprintf(stderr, "usage: mpool_blocks [--wrap]\n");
		return 2;
	}
	dev = mpool_open(O_RDWR);
	if (dev < 0) {
		result(0, "bl-open", "/dev/mempool: %s", strerror(-dev));
		return 0;
	}
	if (argc > 1) {
		test_gen_wrap();
		close(dev);
		return 0;
	}
	test_destroy_waiter("bl-waiter-plain", 0, 0);
	test_destroy_waiter("bl-waiter-force", MPOOL_DESTROY_FORCE, 0);
	test_destroy_waiter("bl-waiter-plain-owned", 0, MPOOL_ALLOC_OWNED);
	test_destroy_waiter("bl-waiter-force-owned", MPOOL_DESTROY_FORCE,
			    MPOOL_ALLOC_OWNED);
	test_handle_across_instances();
	test_gens_unique();
	test_fault_prefix();
	close(dev);
	return 0;
}
