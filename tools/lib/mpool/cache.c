// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * cache.c - per-thread caches of owned blocks (mpool_cache_*).
 *
 * A cache serves one pool through one open file.  Each thread that uses
 * it gets an array of up to 2 * batch handles: an allocation pops one,
 * refilling the array with one MPOOL_IOC_ALLOC of @batch owned blocks
 * when it is empty; a free pushes one, giving the oldest @batch back with
 * one MPOOL_IOC_FREE when it is full.  So a pair costs no syscall in the
 * steady state.  The blocks are owned (MPOOL_ALLOC_OWNED) by the open
 * file: a process killed with full caches loses nothing, the last close
 * of its file gives them all back.  A thread's array goes back to the
 * pool when the thread exits (the key's destructor), or at
 * mpool_cache_flush() and mpool_cache_destroy().
 *
 * After fork() the child's copies of the arrays hold the parent's blocks:
 * the child must not hand them out too.  Every array carries the fork
 * generation it was filled in; the child bumps the generation
 * (pthread_atfork), and an array of an older generation is emptied
 * without freeing anything, as its blocks are still the parent's.  The
 * child's handler also forgets its thread's last cache (tl_id), so the
 * fast path, which compares tl_id only, never sees an old array.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "libmpool.h"

#define MPOOL_EXPORT __attribute__((visibility("default")))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

struct mpool_tcache {
	struct mpool_tcache *next;	/* the cache's threads (mp_lock) */
	struct mpool_cache *cache;
	unsigned long fork_gen;		/* mp_fork_gen when it was filled */
	uint32_t n;			/* handles held */
	uint64_t handles[];		/* 2 * cache->batch */
};

struct mpool_cache {
	int fd;
	uint32_t batch;
	uint32_t cap;			/* 2 * batch: an array's size */
	uint64_t id;			/* never reused: tl_id compares it */
	uint64_t stride;
	uint64_t stride_mask;		/* stride - 1 if a power of two, else 0 */
	uint64_t region;		/* blocks_total * stride */
	pthread_key_t key;
	struct mpool_map map;
	struct mpool_tcache *threads;	/* under mp_lock */
	char name[MPOOL_IOC_NAME_MAX];
};

/* Taken to create, unlink and walk arrays, never on the hot path. */
static pthread_mutex_t mp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t mp_once = PTHREAD_ONCE_INIT;
static unsigned long mp_fork_gen;
static uint64_t mp_next_id = 1;

/* The last cache this thread used and its array: no key lookup. */
static __thread uint64_t tl_id __attribute__((tls_model("initial-exec")));
static __thread struct mpool_tcache *tl_t
	__attribute__((tls_model("initial-exec")));

static void mp_atfork_prepare(void)
{
	pthread_mutex_lock(&mp_lock);
}

static void mp_atfork_parent(void)
{
	pthread_mutex_unlock(&mp_lock);
}

static void mp_atfork_child(void)
{
	mp_fork_gen++;
	tl_id = 0;	/* the child's only thread: the one that forked */
	pthread_mutex_unlock(&mp_lock);
}

static void mp_init_once(void)
{
	pthread_atfork(mp_atfork_prepare, mp_atfork_parent, mp_atfork_child);
}

/* Gives back @n handles of @h in calls of at most one batch. */
static int mp_give_back(struct mpool_cache *c, const uint64_t *h, uint32_t n)
{
	uint32_t k;
	int r;

	while (n) {
		k = n < c->batch ? n : c->batch;
		r = mpool_free(c->fd, c->name, h, k, NULL);
		if (r < 0)
			return r;
		h += k;
		n -= k;
	}
	return 0;
}

/* Unlinks @t from its cache's list; mp_lock held. */
static void mp_unlink(struct mpool_tcache *t)
{
	struct mpool_tcache **pp = &t->cache->threads;

	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp)
		*pp = t->next;
}

/* The key's destructor: the thread exits, its blocks go back. */
static void mp_thread_exit(void *arg)
{
	struct mpool_tcache *t = arg;

	pthread_mutex_lock(&mp_lock);
	if (t->fork_gen == mp_fork_gen)
		mp_give_back(t->cache, t->handles, t->n);
	mp_unlink(t);
	pthread_mutex_unlock(&mp_lock);
	tl_id = 0;
	free(t);
}

/* This thread's array of @c, made on first use; emptied if forked. */
static struct mpool_tcache *mp_tcache_slow(struct mpool_cache *c)
{
	struct mpool_tcache *t = pthread_getspecific(c->key);

	if (!t) {
		t = calloc(1, sizeof(*t) + 2 * c->batch * sizeof(t->handles[0]));
		if (!t)
			return NULL;
		t->cache = c;
		if (pthread_setspecific(c->key, t)) {
			free(t);
			return NULL;
		}
		pthread_mutex_lock(&mp_lock);
		t->fork_gen = mp_fork_gen;
		t->next = c->threads;
		c->threads = t;
		pthread_mutex_unlock(&mp_lock);
	}
	if (unlikely(t->fork_gen != mp_fork_gen)) {
		/* the parent's blocks: its own copy hands them out */
		t->n = 0;
		t->fork_gen = mp_fork_gen;
	}
	tl_id = c->id;
	tl_t = t;
	return t;
}

static inline struct mpool_tcache *mp_tcache(struct mpool_cache *c)
{
	if (tl_id == c->id)
		return tl_t;
	return mp_tcache_slow(c);
}

MPOOL_EXPORT int mpool_cache_create(int fd, const char *name,
				    uint32_t max_batch,
				    struct mpool_cache **cache)
{
	struct mpool_ioc_stats st;
	struct mpool_cache *c;
	int err, prot;

	if (!cache || !max_batch || max_batch > MPOOL_IOC_BATCH_MAX)
		return -EINVAL;
	err = mpool_stats(fd, name, &st);
	if (err)
		return err;
	if (!st.out_stride)
		return -EINVAL;
	pthread_once(&mp_once, mp_init_once);
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->fd = fd;
	c->batch = max_batch;
	c->cap = 2 * max_batch;
	c->stride = st.out_stride;
	if (!(c->stride & (c->stride - 1)))
		c->stride_mask = c->stride - 1;
	c->region = st.out_blocks_total * st.out_stride;
	/* mpool_stats() checked that it fits, NUL included */
	memcpy(c->name, name, strnlen(name, MPOOL_IOC_NAME_MAX - 1));
	prot = PROT_READ;
	if (st.out_flags & MPOOL_CREATE_MAP_WRITE)
		prot |= PROT_WRITE;
	err = mpool_map(fd, name, prot, &c->map);
	if (err)
		goto free_cache;
	err = -pthread_key_create(&c->key, mp_thread_exit);
	if (err)
		goto unmap;
	pthread_mutex_lock(&mp_lock);
	c->id = mp_next_id++;
	pthread_mutex_unlock(&mp_lock);
	*cache = c;
	return 0;
unmap:
	mpool_unmap(&c->map);
free_cache:
	free(c);
	return err;
}

/* mpool_cache_alloc() when the fast path cannot: checks, refill. */
static __attribute__((noinline)) int mp_alloc_slow(struct mpool_cache *c,
						   uint64_t *handle)
{
	struct mpool_tcache *t;
	int r;

	if (!c || !handle)
		return -EINVAL;
	t = mp_tcache(c);
	if (!t)
		return -ENOMEM;
	if (!t->n) {
		r = mpool_alloc(c->fd, c->name, t->handles, c->batch,
				MPOOL_ALLOC_OWNED, 0);
		if (r < 0)
			return r;
		t->n = (uint32_t)r;
	}
	*handle = t->handles[--t->n];
	return 0;
}

/*
 * The fast paths do no more than they must and call out for the rest
 * (a tail call), so that they save no register: an array of this
 * thread's last cache with a handle (or room) in it.
 */
MPOOL_EXPORT int mpool_cache_alloc(struct mpool_cache *c, uint64_t *handle)
{
	struct mpool_tcache *t;

	if (likely(c && handle && tl_id == c->id)) {
		t = tl_t;
		if (likely(t->n)) {
			*handle = t->handles[--t->n];
			return 0;
		}
	}
	return mp_alloc_slow(c, handle);
}

/* mpool_cache_free() when the fast path cannot: checks, give back. */
static __attribute__((noinline)) int mp_free_slow(struct mpool_cache *c,
						  uint64_t handle)
{
	uint64_t off = mpool_handle_offset(handle);
	struct mpool_tcache *t;
	int r;

	if (!c || off >= c->region || off % c->stride)
		return -EINVAL;
	t = mp_tcache(c);
	if (!t)
		return -ENOMEM;
	if (t->n == 2 * c->batch) {
		/* the oldest half goes: the newest are likelier in cache */
		r = mp_give_back(c, t->handles, c->batch);
		if (r < 0)
			return r;
		memmove(t->handles, t->handles + c->batch,
			c->batch * sizeof(t->handles[0]));
		t->n -= c->batch;
	}
	t->handles[t->n++] = handle;
	return 0;
}

MPOOL_EXPORT int mpool_cache_free(struct mpool_cache *c, uint64_t handle)
{
	uint64_t off = mpool_handle_offset(handle);
	struct mpool_tcache *t;

	/* a stride that is not a power of two (no mask) takes the division */
	if (likely(c && off < c->region && c->stride_mask &&
		   !(off & c->stride_mask) && tl_id == c->id)) {
		t = tl_t;
		if (likely(t->n < c->cap)) {
			t->handles[t->n++] = handle;
			return 0;
		}
	}
	return mp_free_slow(c, handle);
}

MPOOL_EXPORT int mpool_cache_flush(struct mpool_cache *c)
{
	struct mpool_tcache *t;
	uint32_t n, k;
	int r;

	if (!c)
		return -EINVAL;
	t = mp_tcache(c);
	if (!t)
		return -ENOMEM;
	/*
	 * A batch at a time from the top, the array shrinking with each, so
	 * that when one fails the array holds none of the handles given back
	 * before it: they would be handed out twice.
	 */
	n = t->n;
	while (t->n) {
		k = t->n < c->batch ? t->n : c->batch;
		r = mpool_free(c->fd, c->name, t->handles + t->n - k, k, NULL);
		if (r < 0)
			return r;
		t->n -= k;
	}
	return (int)n;
}

MPOOL_EXPORT void *mpool_cache_ptr(const struct mpool_cache *c,
				   uint64_t handle)
{
	uint64_t off = mpool_handle_offset(handle);

	/* the mapping covers the region (whole pages of it) */
	if (unlikely(!c || off >= c->region))
		return NULL;
	return (char *)c->map.base + off;
}

MPOOL_EXPORT int mpool_cache_destroy(struct mpool_cache *c)
{
	struct mpool_tcache *t, *next;
	int r, err = 0;

	if (!c)
		return -EINVAL;
	pthread_key_delete(c->key);
	pthread_mutex_lock(&mp_lock);
	for (t = c->threads; t; t = next) {
		next = t->next;
		if (t->fork_gen == mp_fork_gen) {
			r = mp_give_back(c, t->handles, t->n);
			if (r < 0 && !err)
				err = r;
		}
		free(t);
	}
	c->threads = NULL;
	pthread_mutex_unlock(&mp_lock);
	if (tl_id == c->id)
		tl_id = 0;
	mpool_unmap(&c->map);
	free(c);
	return err;
}
