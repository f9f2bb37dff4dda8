// SPDX-License-Identifier: GPL-2.0
/*
 * pair.c - a producer and a consumer process sharing a pool through
 * libmpool, built outside the tree with pkg-config's flags only:
 *
 *     cc pair.c -o pair $(pkg-config --cflags --libs libmpool)
 *
 * The producer allocates blocks through its per-thread cache, writes a
 * sequence number into each through its mapping, gives them away
 * (mpool_give) and sends their handles down a pipe; the consumer, with an
 * open file of its own, takes them (mpool_take), checks the numbers
 * through its own mapping and frees them through its cache.  A block is
 * always owned by one of the two open files, so whichever process dies,
 * its close gives back what it held.  Prints the handovers per second and
 * exits 0 when every block arrived intact and the pool is empty at the
 * end.
 *
 *     pair [BLOCKS]     (default 100000)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmpool.h>

#define POOL	"pair_example"
#define BATCH	32

static int die(const char *what, int err)
{
	fprintf(stderr, "pair: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

/* Takes what comes down @in, checks it, frees it; the errors found. */
static int consume(int in, unsigned long nr)
{
	uint64_t h[BATCH], *p;
	unsigned long got = 0, bad = 0, want = 0;
	struct mpool_cache *c;
	int32_t res[BATCH];
	int fd, r, i, n;

	fd = mpool_open(O_RDWR);
	if (fd < 0)
		return die("consumer: open", fd);
	r = mpool_cache_create(fd, POOL, BATCH, &c);
	if (r)
		return die("consumer: mpool_cache_create", r);
	while ((n = read(in, h, sizeof(h))) > 0) {
		n /= sizeof(h[0]);
		r = mpool_take(fd, POOL, h, n, res);
		if (r < 0)
			return die("consumer: mpool_take", r);
		for (i = 0; i < n; i++) {
			if (res[i]) {
				bad++;
				continue;
			}
			p = mpool_cache_ptr(c, h[i]);
			bad += !p || *p != want;
			want++;
			got++;
			mpool_cache_free(c, h[i]);
		}
	}
	mpool_cache_flush(c);
	mpool_cache_destroy(c);
	close(fd);
	if (got != nr)
		fprintf(stderr, "pair: consumer got %lu of %lu blocks\n", got, nr);
	return got != nr || bad;
}

int main(int argc, char **argv)
{
	unsigned long nr = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000, i;
	struct mpool_ioc_stats st;
	struct mpool_cache *c;
	struct timespec t0, t1;
	uint64_t h[BATCH];
	int fd, pfd[2], r, status, n = 0;
	double s;
	pid_t pid;

	fd = mpool_open(O_RDWR);
	if (fd < 0)
		return die("open", fd);
	r = mpool_create(fd, POOL, 64, 1024, 0, MPOOL_CREATE_MAP_WRITE);
	if (r)
		return die("mpool_create", r);
	if (pipe(pfd))
		return die("pipe", errno);
	pid = fork();
	if (pid == 0) {
		close(pfd[1]);
		_exit(consume(pfd[0], nr));
	}
	close(pfd[0]);
	r = mpool_cache_create(fd, POOL, BATCH, &c);
	if (r)
		return die("mpool_cache_create", r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nr; i++) {
		/* The pool may be briefly empty: the consumer frees in batches. */
		while ((r = mpool_cache_alloc(c, &h[n])) == -ENOSPC)
			usleep(100);
		if (r)
			return die("mpool_cache_alloc", r);
		*(uint64_t *)mpool_cache_ptr(c, h[n]) = i;
		if (++n < BATCH && i + 1 < nr)
			continue;
		r = mpool_give(fd, POOL, h, n, NULL);
		if (r != n)
			return die("mpool_give", r < 0 ? r : EIO);
		if (write(pfd[1], h, n * sizeof(h[0])) != (ssize_t)(n * sizeof(h[0])))
			return die("write", errno);
		n = 0;
	}
	close(pfd[1]);
	waitpid(pid, &status, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	mpool_cache_flush(c);
	mpool_cache_destroy(c);
	s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* Each: alloc, write, give, take, check, free. */
	printf("pair: %lu blocks handed over in %.3f s: %.0f a second, %.0f ns each\n",
	       nr, s, nr / s, s * 1e9 / nr);
	r = mpool_stats(fd, POOL, &st);
	if (r)
		return die("mpool_stats", r);
	if (st.out_blocks_in_use)
		fprintf(stderr, "pair: %llu blocks still in use\n",
			(unsigned long long)st.out_blocks_in_use);
	mpool_destroy(fd, POOL, 0);
	return !WIFEXITED(status) || WEXITSTATUS(status) || st.out_blocks_in_use;
}
