// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_lib_crash.c - crash safety of libmpool's caches (test_59_lib):
 * worker processes of two threads each allocate and free blocks through
 * per-thread caches (mpool_cache_*) while the parent SIGKILLs one at a
 * random moment every few tens of milliseconds and starts another in its
 * place.  Workers also fork children that allocate through the inherited
 * file and cache, and start threads that exit with a full cache.
 *
 * Every block a thread holds carries its holder's stamp, set with a
 * compare-and-swap through the mapping when it gets the block and
 * cleared the same way before it frees it.  A stamp names a worker slot,
 * the slot's incarnation and the thread; the parent marks an incarnation
 * dying before it kills it.  Getting a block whose stamp names a live
 * holder, or finding one's own stamp changed, is a block handed out
 * twice.  (Stamps of dying or dead holders are overwritten: their blocks
 * come back when their file is closed.)  At the end the workers stop,
 * flush their caches and report what they hold: blocks_in_use must equal
 * it, and so must the number of blocks stamped by live holders; once all
 * are killed, blocks_in_use must be 0.
 *
 *   mpool_lib_crash [SECONDS] [SEED]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libmpool.h"
#include "../mptest.h"

#define POOL		"lib_crash"
#define BLOCK		64
#define NR_BLOCKS	512
#define BATCH		8
#define WORKERS		4
#define THREADS		2
#define HOLD_MAX	16
#define TID_CHILD	2	/* a forked child's stamps */
#define TID_EXITER	3	/* a thread that exits with a full cache */

/*
 * Whether a stamp's holder lives is read from one word, live: it names
 * the incarnation alive, or none (0) from the moment it is marked dying.
 * Read from two words (the slot's latest incarnation, then an alive
 * state), a check could see the old incarnation before the parent's kill
 * and the new one's alive state after its spawn, and take the killed
 * holder's stamp on a reclaimed block for a live holder's.
 */
struct slot {
	uint32_t gen;		/* the last incarnation started (parent only) */
	uint32_t live;		/* the incarnation alive, 0 if none */
	uint32_t ready;		/* stopped, caches flushed, held counted */
	uint32_t held;
	pid_t pid;
};

struct shared {
	struct slot slot[WORKERS];
	uint32_t stop;
	uint32_t violations;
	uint64_t ops;
	char first[160];
};

static struct shared *sh;
static struct mpool_map map;
static int fd;

/* stamp: gen << 16 | slot << 8 | tid; 0: nobody */
static inline uint64_t stamp_of(uint32_t gen, int slot, int tid)
{
	return (uint64_t)gen << 16 | (uint64_t)slot << 8 | (uint64_t)tid;
}

static int stamp_live(uint64_t st)
{
	struct slot *s = &sh->slot[(st >> 8) & 0xff];

	/* incarnations start at 1: a live 0 matches no stamp */
	return __atomic_load_n(&s->live, __ATOMIC_ACQUIRE) == (uint32_t)(st >> 16);
}

static void violation(const char *what, uint64_t h, uint64_t st)
{
	if (__atomic_fetch_add(&sh->violations, 1, __ATOMIC_RELAXED) == 0)
		snprintf(sh->first, sizeof(sh->first),
			 "%s: handle 0x%llx stamp 0x%llx", what,
			 (unsigned long long)h, (unsigned long long)st);
}

static uint64_t *stamp_at(struct mpool_cache *c, uint64_t h)
{
	return mpool_cache_ptr(c, h);
}

/* A block got: stamp it ours, unless a live holder has it. */
static void take(struct mpool_cache *c, uint64_t h, uint64_t me)
{
	uint64_t *p = stamp_at(c, h), old;

	if (!p) {
		violation("handle outside the mapping", h, 0);
		return;
	}
	old = __atomic_load_n(p, __ATOMIC_ACQUIRE);
	do {
		if (old && stamp_live(old)) {
			violation("got a block a live holder has", h, old);
			return;
		}
	} while (!__atomic_compare_exchange_n(p, &old, me, 0, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
}

/* A block to free: our stamp must still be there. */
static void release(struct mpool_cache *c, uint64_t h, uint64_t me)
{
	uint64_t *p = stamp_at(c, h), want = me;

	if (p && !__atomic_compare_exchange_n(p, &want, 0, 0, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE))
		violation("own stamp changed", h, want);
}

struct wctx {
	struct mpool_cache *cache;
	int slot, tid;
	uint32_t gen;
	unsigned int seed;
};

/* A thread that fills its cache's array and exits holding it. */
static void *exiter(void *arg)
{
	struct wctx *w = arg;
	uint64_t me = stamp_of(w->gen, w->slot, TID_EXITER), h[2 * BATCH];
	int i, n;

	for (n = 0; n < 2 * BATCH; n++) {
		if (mpool_cache_alloc(w->cache, &h[n]))
			break;
		take(w->cache, h[n], me);
	}
	for (i = 0; i < n; i++) {
		release(w->cache, h[i], me);
		mpool_cache_free(w->cache, h[i]);
	}
	return NULL;
}

/* A forked child: allocates through the inherited file and cache. */
static void child(struct wctx *w)
{
	uint64_t me = stamp_of(w->gen, w->slot, TID_CHILD), h[BATCH];
	int i, n;

	for (n = 0; n < BATCH; n++) {
		if (mpool_cache_alloc(w->cache, &h[n]))
			break;
		take(w->cache, h[n], me);
	}
	for (i = 0; i < n; i++) {
		release(w->cache, h[i], me);
		mpool_cache_free(w->cache, h[i]);
	}
	mpool_cache_flush(w->cache);
	_exit(0);
}

static void *work(void *arg)
{
	struct wctx *w = arg;
	uint64_t me = stamp_of(w->gen, w->slot, w->tid), held[HOLD_MAX], h;
	struct slot *s = &sh->slot[w->slot];
	unsigned long op;
	pthread_t th;
	int n = 0, i;
	pid_t pid;

	for (op = 1; !__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE); op++) {
		i = rand_r(&w->seed);
		if (n < HOLD_MAX && (n == 0 || i % 2)) {
			if (!mpool_cache_alloc(w->cache, &h)) {
				take(w->cache, h, me);
				held[n++] = h;
			}
		} else {
			i = (i >> 8) % n;
			release(w->cache, held[i], me);
			mpool_cache_free(w->cache, held[i]);
			held[i] = held[--n];
		}
		if (w->tid == 0 && op % 3000 == 0) {
			pid = fork();
			if (pid == 0)
				child(w);
			if (pid > 0)
				waitpid(pid, NULL, 0);
		}
		if (w->tid == 1 && op % 3000 == 0 &&
		    !pthread_create(&th, NULL, exiter, w))
			pthread_join(th, NULL);
		if (op % 256 == 0)
			__atomic_fetch_add(&sh->ops, 256, __ATOMIC_RELAXED);
	}
	/* stop: what the caches hold goes back, what we hold stays */
	mpool_cache_flush(w->cache);
	for (i = 0; i < n; i++)
		if (__atomic_load_n(stamp_at(w->cache, held[i]), __ATOMIC_ACQUIRE) != me)
			violation("own stamp changed at the end", held[i], me);
	__atomic_fetch_add(&s->held, n, __ATOMIC_RELEASE);
	return NULL;
}

static void worker(int slot, uint32_t gen, unsigned int seed)
{
	struct wctx w[THREADS];
	pthread_t th[THREADS];
	struct mpool_cache *c;
	int wfd, i;

	/* a file of its own: its death closes it and frees its blocks */
	wfd = mpool_open(O_RDWR);
	if (wfd < 0 || mpool_cache_create(wfd, POOL, BATCH, &c))
		_exit(2);
	for (i = 0; i < THREADS; i++) {
		w[i] = (struct wctx){ .cache = c, .slot = slot, .tid = i,
				      .gen = gen, .seed = seed + i };
		if (pthread_create(&th[i], NULL, work, &w[i]))
			_exit(3);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	__atomic_store_n(&sh->slot[slot].ready, 1, __ATOMIC_RELEASE);
	for (;;)
		pause();
}

static void spawn(int slot, unsigned int seed)
{
	struct slot *s = &sh->slot[slot];
	uint32_t gen = s->gen + 1;
	pid_t pid;

	s->held = 0;
	s->ready = 0;
	s->gen = gen;
	__atomic_store_n(&s->live, gen, __ATOMIC_RELEASE);
	pid = fork();
	if (pid == 0)
		worker(slot, gen, seed);
	s->pid = pid;
}

static void kill_slot(int slot)
{
	struct slot *s = &sh->slot[slot];

	/* dying before the kill: its blocks may come back from now on */
	__atomic_store_n(&s->live, 0, __ATOMIC_RELEASE);
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
}

static long long in_use(void)
{
	struct mpool_ioc_stats st;

	return mpool_stats(fd, POOL, &st) ? -1 : (long long)st.out_blocks_in_use;
}

int main(int argc, char **argv)
{
	unsigned int secs = argc > 1 ? (unsigned int)atoi(argv[1]) : 10;
	unsigned int seed = argc > 2 ? (unsigned int)atoi(argv[2]) : (unsigned int)time(NULL);
	struct timespec nap;
	unsigned long kills = 0;
	long long held = 0, stamped = 0, iu;
	time_t end;
	uint64_t *p, st;
	int i, r, waited;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("mpool_lib_crash: %u s, seed %u\n", secs, seed);
	srand(seed);
	fd = mpool_open(O_RDWR);
	if (fd < 0) {
		result(0, "crash-open", "%s", strerror(-fd));
		return 1;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	r = mpool_create(fd, POOL, BLOCK, NR_BLOCKS, 0, MPOOL_CREATE_MAP_WRITE);
	if (sh == MAP_FAILED || r ||
	    mpool_map(fd, POOL, PROT_READ, &map)) {
		result(0, "crash-setup", "pool: %d", r);
		return 1;
	}
	for (i = 0; i < WORKERS; i++)
		spawn(i, (unsigned int)rand());
	end = time(NULL) + secs;
	while (time(NULL) < end) {
		nap.tv_sec = 0;
		nap.tv_nsec = (10 + rand() % 60) * 1000000L;
		nanosleep(&nap, NULL);
		i = rand() % WORKERS;
		kill_slot(i);
		kills++;
		spawn(i, (unsigned int)rand());
	}
	/* stop: every worker flushes its caches and says what it holds */
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	for (waited = 0; waited < 3000; waited++) {
		for (i = 0; i < WORKERS; i++)
			if (!__atomic_load_n(&sh->slot[i].ready, __ATOMIC_ACQUIRE))
				break;
		if (i == WORKERS)
			break;
		usleep(10000);
	}
	result(waited < 3000, "crash-workers-stopped", "not all within 30 s");
	for (i = 0; i < WORKERS; i++)
		held += __atomic_load_n(&sh->slot[i].held, __ATOMIC_ACQUIRE);
	for (i = 0; i < NR_BLOCKS; i++) {
		p = mpool_ptr(&map, (uint64_t)i * BLOCK);
		st = p ? __atomic_load_n(p, __ATOMIC_ACQUIRE) : 0;
		stamped += st && stamp_live(st);
	}
	iu = in_use();
	printf("mpool_lib_crash: %lu kills, %llu ops, %lld held at the end, %u violations\n",
	       kills, (unsigned long long)sh->ops, held, sh->violations);
	result(kills > 0 && sh->ops > 0, "crash-ran", "%lu kills, %llu ops", kills,
	       (unsigned long long)sh->ops);
	result(!sh->violations, "crash-no-block-handed-out-twice", "%u: %s",
	       sh->violations, sh->first);
	result(iu == held, "crash-in-use-equals-held", "blocks_in_use %lld, live holders %lld",
	       iu, held);
	result(stamped == held, "crash-stamps-equal-held", "%lld stamped by live holders, %lld held",
	       stamped, held);
	for (i = 0; i < WORKERS; i++)
		kill_slot(i);
	iu = in_use();
	result(iu == 0, "crash-all-killed-none-in-use", "blocks_in_use %lld", iu);
	mpool_unmap(&map);
	r = mpool_destroy(fd, POOL, 0);
	result(r == 0, "crash-destroy", "%s", strerror(-r));
	return 0;
}
