// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_lib.c - libmpool against the module, in the test VM (test_59_lib):
 * every function of libmpool.h once with the answer the header promises,
 * and the per-thread cache: one ALLOC per batch, no syscall in between,
 * batches given back, a thread's blocks back at its exit, a forked
 * child that does not hand out its parent's cached blocks, a SIGKILLed
 * holder's blocks reclaimed.  Prints MPTEST lines.
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
#include <unistd.h>

#include "libmpool.h"
#include "../mptest.h"

#define EQ(name, got, want) do {					\
	long long _g = (long long)(got), _w = (long long)(want);	\
	result(_g == _w, name, "got %lld, wanted %lld", _g, _w);	\
} while (0)

static int fd;

static long long stat_of(const char *name, int which)
{
	struct mpool_ioc_stats st;

	if (mpool_stats(fd, name, &st))
		return -1;
	switch (which) {
	case 0: return (long long)st.out_blocks_in_use;
	case 1: return (long long)st.out_allocs;
	default: return (long long)st.out_frees;
	}
}

#define IN_USE(n) stat_of(n, 0)
#define ALLOCS(n) stat_of(n, 1)

static void test_commands(void)
{
	char names[4][MPOOL_IOC_NAME_MAX];
	struct mpool_ioc_stats st, none;
	struct mpool_ioc_debug dbg;
	struct mpool_ioc_watch w;
	struct mpool_watch_event ev[4];
	struct mpool_map m = { 0 };
	uint64_t h[12];
	int32_t res[12];
	char buf[16];
	int i, n, wfd, found = 0;

	EQ("lib-version", mpool_version(fd), MPOOL_IOC_ABI_VERSION);
	EQ("lib-create", mpool_create(fd, "lib_a", 64, 16, 0, MPOOL_CREATE_MAP_WRITE), 0);
	EQ("lib-create-exists", mpool_create(fd, "lib_a", 64, 16, 0, 0), -EEXIST);
	EQ("lib-create-bad-name", mpool_create(fd, "a/b", 64, 16, 0, 0), -EINVAL);
	n = mpool_list(fd, NULL, 0);
	result(n >= 1, "lib-list-count", "got %d", n);
	n = mpool_list(fd, names, 4);
	for (i = 0; i < n && i < 4; i++)
		found |= !strcmp(names[i], "lib_a");
	result(found, "lib-list-names", "lib_a not among %d", n);
	EQ("lib-stats", mpool_stats(fd, "lib_a", &st), 0);
	EQ("lib-stats-block-size", st.out_block_size, 64);
	EQ("lib-stats-blocks", st.out_blocks_total, 16);
	EQ("lib-stats-missing", mpool_stats(fd, "lib_none", &none), -ENOENT);

	EQ("lib-alloc", mpool_alloc(fd, "lib_a", h, 4, 0, 0), 4);
	result(mpool_handle_gen(h[0]) != 0, "lib-alloc-gen", "generation 0");
	EQ("lib-alloc-offset-stride", mpool_handle_offset(h[1]) % st.out_stride, 0);
	EQ("lib-write", mpool_write(fd, "lib_a", h[0], 0, "hello", 6), 0);
	EQ("lib-read", mpool_read(fd, "lib_a", h[0], 0, buf, 6), 0);
	EQ("lib-read-bytes", strcmp(buf, "hello"), 0);
	EQ("lib-write-past-block", mpool_write(fd, "lib_a", h[0], 60, "hello", 6), -EINVAL);

	EQ("lib-map", mpool_map(fd, "lib_a", PROT_READ | PROT_WRITE, &m), 0);
	result(m.length >= 16 * st.out_stride && m.flags == MPOOL_MAP_WRITABLE,
	       "lib-map-fields", "length %zu flags %u", m.length, m.flags);
	result(mpool_ptr(&m, h[0]) && !strcmp(mpool_ptr(&m, h[0]), "hello"),
	       "lib-ptr-shows-write", "mapping does not show the bytes");
	if (mpool_ptr(&m, h[1]))
		memcpy(mpool_ptr(&m, h[1]), "mapped", 7);
	EQ("lib-ptr-write-read", mpool_read(fd, "lib_a", h[1], 0, buf, 7) ||
	   strcmp(buf, "mapped"), 0);
	EQ("lib-ptr-outside", mpool_ptr(&m, m.length) == NULL, 1);
	EQ("lib-unmap", mpool_unmap(&m), 0);
	EQ("lib-unmap-twice", mpool_unmap(&m), -EINVAL);

	/* the watch, on a file of its own that does not block */
	wfd = mpool_open(O_RDWR | O_NONBLOCK);
	result(wfd >= 0, "lib-open-nonblock", "%d", wfd);
	EQ("lib-watch", mpool_watch(wfd, "lib_a", MPOOL_WATCH_SET, 10, &w), 0);
	EQ("lib-watch-out", w.out_below * 100 + w.out_free, 10 * 100 + 12);
	EQ("lib-events-none", mpool_read_events(wfd, ev, 4), -EAGAIN);
	EQ("lib-alloc-more", mpool_alloc(fd, "lib_a", h + 4, 8, 0, 0), 8);
	n = (int)mpool_read_events(wfd, ev, 4);
	result(n == 1 && ev[0].type == MPOOL_WATCH_LOW && ev[0].below == 10,
	       "lib-events-low", "%d events, type %u", n, n > 0 ? ev[0].type : 0);

	EQ("lib-destroy-busy", mpool_destroy(fd, "lib_a", 0), -EBUSY);
	EQ("lib-free", mpool_free(fd, "lib_a", h, 12, res), 12);
	EQ("lib-free-again", mpool_free(fd, "lib_a", h, 1, res), 0);
	EQ("lib-free-again-result", res[0], -ENXIO);
	EQ("lib-reset", mpool_reset(fd, "lib_a"), 0);
	EQ("lib-reset-zeroes", ALLOCS("lib_a"), 0);

	n = mpool_debug(fd, "lib_a", 0, 0, 0, 0, &dbg);
	if (n == -ENOTTY)
		printf("MPTEST ok lib-debug # SKIP MPOOL_IOC_DEBUG not in this module yet\n");
	else
		EQ("lib-debug", n, 0);
	EQ("lib-debug-unknown-mode", mpool_debug(fd, "lib_a", 1U << 30, 0, 0, 0, NULL) == -EINVAL ||
	   n == -ENOTTY, 1);
	EQ("lib-alloc-owned", mpool_alloc(fd, "lib_a", h, 1, MPOOL_ALLOC_OWNED, 0), 1);
	n = mpool_give(fd, "lib_a", h, 1, res);
	if (n == -ENOTTY) {
		printf("MPTEST ok lib-give # SKIP MPOOL_IOC_GIVE not in this module yet\n");
		printf("MPTEST ok lib-take # SKIP MPOOL_IOC_TAKE not in this module yet\n");
		EQ("lib-free-owned", mpool_free(fd, "lib_a", h, 1, NULL), 1);
	} else {
		/* the other open file takes it: then it is that file's */
		EQ("lib-give", n, 1);
		EQ("lib-take", mpool_take(wfd, "lib_a", h, 1, res), 1);
		EQ("lib-free-taken-by-giver", mpool_free(fd, "lib_a", h, 1, res) == 0 &&
		   res[0] == -EPERM, 1);
		EQ("lib-free-owned", mpool_free(wfd, "lib_a", h, 1, NULL), 1);
	}
	EQ("lib-destroy", mpool_destroy(fd, "lib_a", 0), 0);
	EQ("lib-destroy-gone", mpool_destroy(fd, "lib_a", 0), -ENOENT);
	/* the frees brought the pool back: RECOVERED, then the end */
	n = (int)mpool_read_events(wfd, ev, 4);
	result(n == 1 && ev[0].type == MPOOL_WATCH_RECOVERED,
	       "lib-events-recovered", "%d events, type %u", n, n > 0 ? ev[0].type : 0);
	EQ("lib-events-end", mpool_read_events(wfd, ev, 4), 0);
	close(wfd);
}

static struct mpool_cache *cache;

static void *thread_allocs(void *arg)
{
	uint64_t h[3];
	int i;

	(void)arg;
	for (i = 0; i < 3; i++)
		if (mpool_cache_alloc(cache, &h[i]))
			return (void *)1;
	for (i = 0; i < 3; i++)
		if (mpool_cache_free(cache, h[i]))
			return (void *)2;
	/* the array holds a batch: the thread's exit gives it back */
	return NULL;
}

static void test_cache(void)
{
	uint64_t h[40], held[8];
	pthread_t th;
	void *ret;
	pid_t pid;
	int i, st, r, okay;

	EQ("cache-pool", mpool_create(fd, "lib_c", 64, 32, 0, MPOOL_CREATE_MAP_WRITE), 0);
	EQ("cache-create", mpool_cache_create(fd, "lib_c", 8, &cache), 0);
	EQ("cache-create-missing", mpool_cache_create(fd, "lib_none", 8, &cache) == -ENOENT, 1);
	EQ("cache-first-alloc", mpool_cache_alloc(cache, &h[0]), 0);
	EQ("cache-one-alloc-a-batch", ALLOCS("lib_c"), 8);
	for (i = 1, okay = 1; i < 8; i++)
		okay &= !mpool_cache_alloc(cache, &h[i]);
	EQ("cache-batch-served", okay, 1);
	EQ("cache-no-syscall-in-batch", ALLOCS("lib_c"), 8);
	for (i = 0, okay = 1; i < 8; i++) {
		char *p = mpool_cache_ptr(cache, h[i]);

		if (p)
			snprintf(p, 64, "blk%d", i);
		okay &= p && !mpool_read(fd, "lib_c", h[i], 0, held, 5) &&
			!memcmp(held, p, 5);
	}
	EQ("cache-ptr-is-block", okay, 1);
	EQ("cache-block-freeable-by-its-file", mpool_free(fd, "lib_c", h, 1, NULL) == 1, 1);
	h[0] = h[7];
	EQ("cache-free-bad-offset", mpool_cache_free(cache, h[1] + 1), -EINVAL);
	for (i = 0, okay = 1; i < 7; i++)
		okay &= !mpool_cache_free(cache, h[i]);
	EQ("cache-free", okay, 1);
	EQ("cache-free-holds", IN_USE("lib_c"), 7);
	EQ("cache-flush", mpool_cache_flush(cache), 7);
	EQ("cache-flush-gave-back", IN_USE("lib_c"), 0);

	/* 24 out, 24 back: the array holds 16, one FREE gives back 8 */
	for (i = 0, okay = 1; i < 24; i++)
		okay &= !mpool_cache_alloc(cache, &h[i]);
	for (i = 0; i < 24; i++)
		okay &= !mpool_cache_free(cache, h[i]);
	EQ("cache-24-pairs", okay, 1);
	EQ("cache-overflow-gives-back", IN_USE("lib_c"), 16);
	mpool_cache_flush(cache);
	for (i = 0; i < 33; i++) {
		r = mpool_cache_alloc(cache, &h[i]);
		if (r)
			break;
	}
	EQ("cache-empty-enospc", r, -ENOSPC);
	EQ("cache-empty-after-all", i, 32);
	while (i--)
		mpool_cache_free(cache, h[i]);
	mpool_cache_flush(cache);

	EQ("cache-thread", pthread_create(&th, NULL, thread_allocs, NULL), 0);
	pthread_join(th, &ret);
	EQ("cache-thread-allocated", ret == NULL, 1);
	EQ("cache-thread-exit-gives-back", IN_USE("lib_c"), 0);

	/* fork: the child gets a copy of the array, the blocks stay ours */
	mpool_cache_alloc(cache, &h[0]);
	r = ALLOCS("lib_c");
	pid = fork();
	if (pid == 0) {
		uint64_t c;

		/* a fresh ALLOC, none of the parent's seven */
		if (mpool_cache_alloc(cache, &c))
			_exit(2);
		if (mpool_cache_flush(cache) != 7)
			_exit(3);
		_exit(mpool_free(fd, "lib_c", &c, 1, NULL) == 1 ? 0 : 4);
	}
	waitpid(pid, &st, 0);
	EQ("cache-fork-child", WIFEXITED(st) ? WEXITSTATUS(st) : 100, 0);
	EQ("cache-fork-child-allocated-own", ALLOCS("lib_c") - r, 8);
	for (i = 0, okay = 1; i < 7; i++)
		okay &= !mpool_cache_alloc(cache, &held[i]);
	EQ("cache-fork-parent-keeps", ALLOCS("lib_c") - r, 8);
	EQ("cache-destroy", mpool_cache_destroy(cache), 0);
	/* the destroy gave back what the arrays held, not what we hold */
	EQ("cache-destroy-gives-back", IN_USE("lib_c"), 8);
	mpool_free(fd, "lib_c", held, 7, NULL);
	mpool_free(fd, "lib_c", h, 1, NULL);
	EQ("cache-all-back", IN_USE("lib_c"), 0);

	/* a holder SIGKILLed with a full cache: its close gives all back */
	pid = fork();
	if (pid == 0) {
		int cfd = mpool_open(O_RDWR);
		struct mpool_cache *c;
		uint64_t x;

		if (cfd < 0 || mpool_cache_create(cfd, "lib_c", 8, &c) ||
		    mpool_cache_alloc(c, &x))
			_exit(2);
		kill(getpid(), SIGKILL);
		_exit(3);
	}
	waitpid(pid, &st, 0);
	EQ("cache-killed-holder", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, 1);
	EQ("cache-killed-holder-reclaimed", IN_USE("lib_c"), 0);
	EQ("cache-pool-destroy", mpool_destroy(fd, "lib_c", 0), 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = mpool_open(O_RDWR);
	result(fd >= 0, "lib-open", "%s", strerror(-fd));
	if (fd < 0)
		return 1;
	EQ("lib-open-missing", mpool_open_path("/dev/mempool-none", O_RDWR), -ENOENT);
	test_commands();
	test_cache();
	close(fd);
	return 0;
}
