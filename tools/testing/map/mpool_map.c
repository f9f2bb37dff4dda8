// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_map: tests of MPOOL_IOC_MAP and mmap() of /dev/mempool, through
 * libmpool but for MAP alone (raw: mpool_map() always maps) and mmap()s
 * the library would not make.  Runs in the test VM as root with mempool.ko
 * loaded; prints the guest protocol's lines (MPTEST ok NAME / MPTEST not
 * ok NAME: MSG) and exits 0.  Errors are negative errnos throughout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libmpool.h"
#include "../mptest.h"

#define DEBUGFS "/sys/kernel/debug/mempool"
/* Offsets below this a 32-bit process's mmap2() reaches. */
#define LOW_LIMIT (1ULL << 44)

static int dev;
static long page;

/*
 * MPOOL_IOC_MAP alone (0 or -errno): the grant without a mapping, and the
 * answer's out_flags, which mpool_map() (MAP, then mmap()) does not give.
 */
static int map_info(int fd, const char *name, struct mpool_ioc_map *m)
{
	memset(m, 0, sizeof(*m));
	m->size = sizeof(*m);
	set_name(m->name, name);
	/* Raw: libmpool has no MAP without the mmap() after it. */
	return ioctl(fd, MPOOL_IOC_MAP, m) ? -errno : 0;
}

/*
 * mmap() of @len bytes at @off (0 or -errno, *p set on success): the
 * mappings mpool_map() would not make (a piece, bad arguments, a file
 * that did not MAP here).
 */
static int do_map(int fd, size_t len, int prot, int flags, uint64_t off,
		  unsigned char **p)
{
	void *m = mmap(NULL, len, prot, flags, fd, (off_t)off);

	if (m == MAP_FAILED)
		return -errno;
	*p = m;
	return 0;
}

static int mmap_errno(int fd, size_t len, int prot, int flags, uint64_t off)
{
	unsigned char *p;
	int err = do_map(fd, len, prot, flags, off, &p);

	if (!err)
		munmap(p, len);
	return err;
}

static int listed(const char *name)
{
	static char names[64][MPOOL_IOC_NAME_MAX];
	int i, n = mpool_list(dev, names, 64);

	if (n < 0)
		return -1;
	for (i = 0; i < n && i < 64; i++)
		if (!strcmp(names[i], name))
			return 1;
	return 0;
}

static int in_debugfs(const char *name)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), DEBUGFS "/%s", name);
	return stat(path, &st) == 0;
}

/* VmallocUsed of /proc/meminfo in kB, or -1. */
static long vmalloc_used_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmallocUsed: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * Bytes written through the mapping are what READ returns, and bytes
 * written with WRITE are what the mapping shows: a block's offset in the
 * handle indexes the mapping.
 */
static void test_rw_both_ways(void)
{
	enum { BS = 100, N = 90 };
	unsigned char buf[BS], pat[BS], *p, *b1, *b2;
	struct mpool_ioc_stats s;
	struct mpool_ioc_map m;
	struct mpool_map map;
	uint64_t h1, h2;
	int err, i;

	err = mpool_create(dev, "mp_rw", BS, N, 0, MPOOL_CREATE_MAP_WRITE);
	result(!err, "map-create-map-write", "errno %d", -err);
	err = mpool_stats(dev, "mp_rw", &s);
	result(!err && (s.out_flags & MPOOL_CREATE_MAP_WRITE),
	       "map-stats-flag", "errno %d, flags %#llx", -err,
	       (unsigned long long)s.out_flags);
	err = map_info(dev, "mp_rw", &m);
	/* 90 blocks of 100 bytes, 8-byte aligned: 104 apart, 9360 bytes. */
	result(!err && m.out_offset && !(m.out_offset % page) &&
	       m.out_offset + m.out_length <= LOW_LIMIT &&
	       m.out_length == (uint64_t)((9360 + page - 1) / page * page) &&
	       m.out_flags == MPOOL_MAP_WRITABLE,
	       "map-ioctl", "errno %d, offset %#llx length %llu flags %u", -err,
	       (unsigned long long)m.out_offset,
	       (unsigned long long)m.out_length, m.out_flags);
	if (err)
		goto out;
	err = mpool_map(dev, "mp_rw", PROT_READ | PROT_WRITE, &map);
	result(!err && map.offset == m.out_offset &&
	       map.length == m.out_length, "map-mmap-rw", "errno %d", -err);
	if (err)
		goto out;
	p = map.base;
	/* Past the last block, the region's pages are zero. */
	for (i = 9360; i < (int)map.length && !p[i]; i++)
		;
	result(i == (int)map.length, "map-tail-zero", "byte %d is %#x", i,
	       i < (int)map.length ? p[i] : 0);
	err = mpool_alloc(dev, "mp_rw", &h1, 1, 0, 0);
	if (err == 1)
		err = mpool_alloc(dev, "mp_rw", &h2, 1, 0, 0);
	b1 = err == 1 ? mpool_ptr(&map, h1) : NULL;
	b2 = err == 1 ? mpool_ptr(&map, h2) : NULL;
	result(err == 1 && b1 && b2 && b1 != b2, "map-alloc", "got %d", err);
	if (err != 1 || !b1 || !b2)
		goto out_unmap;

	for (i = 0; i < BS; i++)
		pat[i] = (unsigned char)(i * 7 + 3);
	memcpy(b1, pat, BS);
	memset(buf, 0, BS);
	err = mpool_read(dev, "mp_rw", h1, 0, buf, BS);
	result(!err && !memcmp(buf, pat, BS), "map-write-map-read-ioctl",
	       "errno %d, first byte %#x", -err, buf[0]);

	for (i = 0; i < BS; i++)
		pat[i] = (unsigned char)(0xC0 ^ i);
	err = mpool_write(dev, "mp_rw", h2, 0, pat, BS);
	result(!err && !memcmp(b2, pat, BS), "map-write-ioctl-read-map",
	       "errno %d, first byte %#x", -err, b2[0]);

	/* The pages come back after MADV_DONTNEED, with the same bytes. */
	err = madvise(p, map.length, MADV_DONTNEED) ? errno : 0;
	if (err == ENOSYS)	/* a kernel without CONFIG_ADVISE_SYSCALLS */
		printf("MPTEST ok map-dontneed-refault # SKIP no madvise()\n");
	else
		result(!err && !memcmp(b2, pat, BS),
		       "map-dontneed-refault", "errno %d", err);

	mpool_free(dev, "mp_rw", &h1, 1, NULL);
	mpool_free(dev, "mp_rw", &h2, 1, NULL);
out_unmap:
	mpool_unmap(&map);
out:
	mpool_destroy(dev, "mp_rw", MPOOL_DESTROY_FORCE);
}

/*
 * Two processes share the pool's bytes: a forked child, and a second
 * open of the device mapped on its own; a mapping outlives its file.
 */
static void test_two_processes(void)
{
	enum { BS = 4096, N = 4 };
	struct mpool_map m, m2;
	unsigned char *p, *q;
	int err, status = 0, fd2 = -1;
	uint64_t h;
	pid_t pid;

	mpool_create(dev, "mp_share", BS, N, 0, MPOOL_CREATE_MAP_WRITE);
	err = mpool_map(dev, "mp_share", PROT_READ | PROT_WRITE, &m);
	if (err) {
		result(0, "map-share-setup", "errno %d", -err);
		goto out;
	}
	err = mpool_alloc(dev, "mp_share", &h, 1, 0, 0);
	p = err == 1 ? mpool_ptr(&m, h) : NULL;
	if (!p) {
		result(0, "map-share-alloc", "got %d", err);
		mpool_unmap(&m);
		goto out;
	}
	memset(p, 0x11, BS);

	pid = fork();
	if (pid == 0) {
		/* The child sees the parent's bytes, then writes its own. */
		int ok = p[0] == 0x11 && p[BS - 1] == 0x11;

		memset(p, 0x22, BS);
		_exit(ok ? 0 : 1);
	}
	err = pid < 0 || waitpid(pid, &status, 0) != pid;
	result(!err && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "map-fork-child-sees-parent", "status %#x", status);
	result(p[0] == 0x22 && p[BS - 1] == 0x22,
	       "map-fork-parent-sees-child", "byte %#x", p[0]);

	/* A second, independent open and mapping. */
	fd2 = mpool_open(O_RDWR);
	err = fd2 < 0 ? fd2 : mpool_map(fd2, "mp_share",
					PROT_READ | PROT_WRITE, &m2);
	q = err ? NULL : mpool_ptr(&m2, h);
	result(!err && m2.offset == m.offset && q, "map-second-open",
	       "errno %d", -err);
	if (!err && !q)
		mpool_unmap(&m2);
	if (err || !q)
		goto out_unmap;
	result(q[0] == 0x22, "map-second-sees-first", "byte %#x", q[0]);
	q[5] = 0x33;
	result(p[5] == 0x33, "map-first-sees-second", "byte %#x", p[5]);

	/* Closing the file leaves the mapping working. */
	close(fd2);
	fd2 = -1;
	q[6] = 0x44;
	{
		unsigned char b[2] = { 0 };

		err = mpool_read(dev, "mp_share", h, 0, b, 2);
		result(!err && q[5] == 0x33 && p[6] == 0x44 &&
		       b[0] == 0x22, "map-survives-close",
		       "errno %d, bytes %#x %#x", -err, q[5], p[6]);
	}
	mpool_unmap(&m2);
out_unmap:
	if (fd2 >= 0)
		close(fd2);
	mpool_free(dev, "mp_share", &h, 1, NULL);
	mpool_unmap(&m);
out:
	mpool_destroy(dev, "mp_share", MPOOL_DESTROY_FORCE);
}

/*
 * DESTROY of a mapped pool with no block allocated is EBUSY; each piece
 * of a split mapping keeps it so; after the last munmap it succeeds.
 */
static void test_destroy_busy(void)
{
	struct mpool_ioc_stats s;
	struct mpool_map m;
	unsigned char *p;
	int err;

	mpool_create(dev, "mp_busy", 4096, 3, 0, 0);
	err = mpool_map(dev, "mp_busy", PROT_READ, &m);
	if (err) {
		result(0, "map-busy-setup", "errno %d", -err);
		mpool_destroy(dev, "mp_busy", MPOOL_DESTROY_FORCE);
		return;
	}
	/* The pieces below are munmap()s of parts: mpool_unmap() is all. */
	p = m.base;
	/* The setup: no block is allocated, so only the mapping stops it. */
	err = mpool_stats(dev, "mp_busy", &s);
	result(!err && s.out_blocks_in_use == 0, "map-busy-no-blocks",
	       "errno %d, %llu in use", -err,
	       (unsigned long long)s.out_blocks_in_use);
	err = mpool_destroy(dev, "mp_busy", 0);
	result(err == -EBUSY, "map-destroy-mapped-ebusy", "errno %d", -err);
	/* Split the VMA: the first page goes, two stay mapped. */
	munmap(p, page);
	err = mpool_destroy(dev, "mp_busy", 0);
	result(err == -EBUSY, "map-destroy-split-ebusy", "errno %d", -err);
	/* A child's copy of the mapping counts too. */
	{
		int pfd[2], status = 0;
		char c = 0;
		pid_t pid;

		if (pipe(pfd) == 0) {
			pid = fork();
			if (pid == 0) {
				close(pfd[1]);
				/* Keep the copy until told to let it go. */
				if (read(pfd[0], &c, 1) < 0)
					_exit(2);
				munmap(p + page, 2 * page);
				_exit(0);
			}
			close(pfd[0]);
			munmap(p + page, 2 * page);
			err = mpool_destroy(dev, "mp_busy", 0);
			result(err == -EBUSY, "map-destroy-child-copy-ebusy",
			       "errno %d", -err);
			if (write(pfd[1], &c, 1) < 0)
				result(0, "map-busy-pipe", "errno %d", errno);
			close(pfd[1]);
			waitpid(pid, &status, 0);
			err = mpool_destroy(dev, "mp_busy", 0);
			result(err == 0, "map-destroy-after-munmap",
			       "errno %d", -err);
			mpool_destroy(dev, "mp_busy", MPOOL_DESTROY_FORCE);
			return;
		}
	}
	munmap(p + page, 2 * page);
	err = mpool_destroy(dev, "mp_busy", 0);
	result(err == 0, "map-destroy-after-munmap", "errno %d", -err);
}

/*
 * A forced DESTROY of a mapped pool: the name is free at once and no view
 * shows it, the mapping still holds the old bytes, its offset maps
 * nothing more, and the memory goes with the last munmap.
 */
static void test_destroy_force(void)
{
	enum { BS = 1 << 20, N = 16 };
	long before, after = -1;
	struct mpool_ioc_map m2;
	struct mpool_map m;
	unsigned char *p;
	int err, i, ok;
	uint64_t h;

	err = mpool_create(dev, "mp_force", BS, N, 0, MPOOL_CREATE_MAP_WRITE);
	if (!err)
		err = mpool_map(dev, "mp_force", PROT_READ | PROT_WRITE, &m);
	if (err) {
		result(0, "map-force-setup", "errno %d", -err);
		mpool_destroy(dev, "mp_force", MPOOL_DESTROY_FORCE);
		return;
	}
	p = m.base;
	/* A block allocated: the forced destroy has both reasons to refuse. */
	mpool_alloc(dev, "mp_force", &h, 1, 0, 0);
	for (i = 0; i < N * BS; i += 4096)
		p[i] = (unsigned char)(i >> 12);
	/* The setup: listed and in debugfs before. */
	result(listed("mp_force") == 1 && in_debugfs("mp_force"),
	       "map-force-listed-before", "listed %d", listed("mp_force"));
	err = mpool_destroy(dev, "mp_force", 0);
	result(err == -EBUSY, "map-force-unforced-ebusy", "errno %d", -err);
	err = mpool_destroy(dev, "mp_force", MPOOL_DESTROY_FORCE);
	result(!err, "map-force-destroy", "errno %d", -err);
	result(listed("mp_force") == 0 && !in_debugfs("mp_force"),
	       "map-force-gone-from-views", "listed %d, debugfs %d",
	       listed("mp_force"), in_debugfs("mp_force"));
	for (ok = 1, i = 0; i < N * BS; i += 4096)
		ok &= p[i] == (unsigned char)(i >> 12);
	result(ok, "map-force-old-bytes", "the mapping changed");
	/* Still writable, and nobody else's memory. */
	p[1] = 0x5A;
	result(p[1] == 0x5A, "map-force-still-writable", "byte %#x", p[1]);

	/* The name is free again; the new pool has another offset. */
	err = mpool_create(dev, "mp_force", 64, 2, 0, 0);
	if (!err)
		err = map_info(dev, "mp_force", &m2);
	result(!err && m2.out_offset != m.offset, "map-force-name-reused",
	       "errno %d", -err);
	err = mmap_errno(dev, page, PROT_READ, MAP_SHARED, m.offset);
	result(err == -ENXIO, "map-destroyed-offset-enxio", "errno %d", -err);
	mpool_destroy(dev, "mp_force", MPOOL_DESTROY_FORCE);
	(void)h;

	before = vmalloc_used_kb();
	mpool_unmap(&m);
	/* The pool is freed by a work item the munmap queued: wait for it. */
	for (i = 0; i < 100; i++) {
		after = vmalloc_used_kb();
		if (before - after >= (long)N * BS / 1024 / 2)
			break;
		usleep(50000);
	}
	result(before > 0 && before - after >= (long)N * BS / 1024 / 2,
	       "map-force-freed-after-munmap",
	       "VmallocUsed %ld kB before munmap, %ld kB after", before,
	       after);
}

/* What mmap() refuses. */
static void test_refusals(void)
{
	struct mpool_ioc_map m, mw;
	unsigned char *p;
	int err, ro;

	mpool_create(dev, "mp_ro", 4096, 2, 0, 0);
	mpool_create(dev, "mp_wr", 4096, 2, 0, MPOOL_CREATE_MAP_WRITE);
	if (map_info(dev, "mp_ro", &m) || map_info(dev, "mp_wr", &mw)) {
		result(0, "map-refuse-setup", "errno %d", errno);
		goto out;
	}
	result(m.out_flags == 0 && m.out_length == 2 * 4096,
	       "map-ioctl-read-only", "flags %u length %llu", m.out_flags,
	       (unsigned long long)m.out_length);

	/* The setup of each refusal: the same call, allowed, works. */
	err = mmap_errno(dev, m.out_length, PROT_READ, MAP_SHARED,
			 m.out_offset);
	result(!err, "map-ro-read", "errno %d", -err);
	err = mmap_errno(dev, m.out_length, PROT_READ | PROT_WRITE,
			 MAP_SHARED, m.out_offset);
	result(err == -EACCES, "map-ro-write-eacces", "errno %d", -err);
	err = do_map(dev, m.out_length, PROT_READ, MAP_SHARED, m.out_offset,
		     &p);
	if (!err) {
		err = mprotect(p, m.out_length, PROT_READ | PROT_WRITE) ?
		      -errno : 0;
		munmap(p, m.out_length);
		result(err == -EACCES, "map-ro-mprotect-eacces", "errno %d",
		       -err);
	} else {
		result(0, "map-ro-mprotect-eacces", "mmap: errno %d", -err);
	}
	err = mmap_errno(dev, m.out_length, PROT_READ, MAP_PRIVATE,
			 m.out_offset);
	result(err == -EINVAL, "map-private-einval", "errno %d", -err);
	err = mmap_errno(dev, m.out_length + page, PROT_READ, MAP_SHARED,
			 m.out_offset);
	result(err == -EINVAL, "map-length-past-einval", "errno %d", -err);
	err = mmap_errno(dev, page, PROT_READ, MAP_SHARED,
			 m.out_offset + page);
	result(!err, "map-second-page", "errno %d", -err);
	/*
	 * Past the region is another pool's range or none: a file that
	 * MAPped only this pool maps nothing there.
	 */
	ro = mpool_open(O_RDWR);
	err = ro < 0 ? ro : map_info(ro, "mp_ro", &m);
	if (!err)
		err = mmap_errno(ro, page, PROT_READ, MAP_SHARED,
				 m.out_offset + m.out_length);
	result(err == -EACCES || err == -ENXIO, "map-offset-past-refused",
	       "errno %d", -err);
	if (ro >= 0)
		close(ro);
	err = mmap_errno(dev, page, PROT_READ, MAP_SHARED,
			 m.out_offset + (1ULL << 39));
	result(err == -ENXIO, "map-offset-far-enxio", "errno %d", -err);
	err = mmap_errno(dev, page, PROT_READ, MAP_SHARED, 0);
	result(err == -ENXIO, "map-offset-zero-enxio", "errno %d", -err);
	err = mmap_errno(dev, page, PROT_READ, MAP_SHARED, 4000ULL << 40);
	result(err == -ENXIO, "map-offset-unknown-enxio", "errno %d", -err);
	/* mremap() cannot grow a mapping past what mmap() checked. */
	err = do_map(dev, page, PROT_READ, MAP_SHARED, m.out_offset, &p);
	if (!err) {
		void *r = mremap(p, page, 2 * page, MREMAP_MAYMOVE);

		result(r == MAP_FAILED, "map-mremap-grow-refused",
		       "mremap succeeded");
		munmap(r == MAP_FAILED ? p : r, r == MAP_FAILED ? page :
		       2 * page);
	}

	/* A read-only open: MAP and read mappings, never write ones. */
	ro = mpool_open(O_RDONLY);
	err = ro < 0 ? ro : map_info(ro, "mp_wr", &mw);
	result(!err && mw.out_flags == MPOOL_MAP_WRITABLE,
	       "map-ioctl-rdonly-file", "errno %d", -err);
	if (ro >= 0) {
		err = mmap_errno(ro, mw.out_length, PROT_READ, MAP_SHARED,
				 mw.out_offset);
		result(!err, "map-rdonly-file-read", "errno %d", -err);
		err = mmap_errno(ro, mw.out_length, PROT_READ | PROT_WRITE,
				 MAP_SHARED, mw.out_offset);
		result(err == -EACCES, "map-rdonly-file-write-eacces",
		       "errno %d", -err);
		close(ro);
	}
	/* The writable pool maps writable through a writable open. */
	err = mmap_errno(dev, mw.out_length, PROT_READ | PROT_WRITE,
			 MAP_SHARED, mw.out_offset);
	result(!err, "map-wr-write", "errno %d", -err);

	err = map_info(dev, "mp_nosuch", &m);
	result(err == -ENOENT, "map-ioctl-enoent", "errno %d", -err);
	m.__reserved = 1;
	/* Raw: a non-zero __reserved, which libmpool never sends. */
	err = ioctl(dev, MPOOL_IOC_MAP, &m) ? -errno : 0;
	result(err == -EINVAL, "map-ioctl-reserved-einval", "errno %d", -err);
	err = mpool_create(dev, "mp_badflag", 64, 2, 0, 1U << 6);
	result(err == -EINVAL, "map-create-unknown-flag", "errno %d", -err);
out:
	mpool_destroy(dev, "mp_ro", MPOOL_DESTROY_FORCE);
	mpool_destroy(dev, "mp_wr", MPOOL_DESTROY_FORCE);
}

/* A process that exits with a mapping, no munmap, releases it. */
static void test_exit_releases(void)
{
	struct mpool_ioc_map m;
	int status = 0, err;
	unsigned char *p;
	pid_t pid;

	mpool_create(dev, "mp_exit", 4096, 1, 0, 0);
	if (map_info(dev, "mp_exit", &m)) {
		result(0, "map-exit-setup", "errno %d", errno);
		goto out;
	}
	pid = fork();
	if (pid == 0)
		_exit(do_map(dev, page, PROT_READ, MAP_SHARED, m.out_offset,
			     &p) ? 1 : 0);
	waitpid(pid, &status, 0);
	err = mpool_destroy(dev, "mp_exit", 0);
	result(WIFEXITED(status) && WEXITSTATUS(status) == 0 && !err,
	       "map-exit-releases", "status %#x, destroy errno %d", status,
	       -err);
out:
	mpool_destroy(dev, "mp_exit", MPOOL_DESTROY_FORCE);
}

/*
 * Offsets are taken at the first MAP, not at CREATE, and given back with
 * the pool: refused CREATEs and create-map-destroy cycles use none up,
 * so a pool MAPped after them gets an offset no higher than the first.
 */
static void test_offset_cycles(void)
{
	enum { CYCLES = 1000 };
	struct mpool_ioc_map m;
	int i, err, refused = 0, bad = 0;
	uint64_t first, worst = 0;

	err = mpool_create(dev, "mp_cyc", 4096, 1, 0, 0);
	if (!err)
		err = map_info(dev, "mp_cyc", &m);
	mpool_destroy(dev, "mp_cyc", MPOOL_DESTROY_FORCE);
	result(!err, "map-cycle-setup", "errno %d", -err);
	if (err)
		return;
	first = m.out_offset;
	for (i = 0; i < CYCLES; i++) {
		/* Refused: an unknown flag, no blocks, a name in use. */
		refused += mpool_create(dev, "mp_cyc", 4096, 1, 0,
					1U << 6) == -EINVAL;
		refused += mpool_create(dev, "mp_cyc", 4096, 0, 0, 0) ==
			   -EINVAL;
		err = mpool_create(dev, "mp_cyc", 4096, 1, 0, 0);
		refused += mpool_create(dev, "mp_cyc", 4096, 1, 0, 0) ==
			   -EEXIST;
		if (!err)
			err = map_info(dev, "mp_cyc", &m);
		if (err || m.out_offset > first)
			bad++;
		if (!err && m.out_offset > worst)
			worst = m.out_offset;
		mpool_destroy(dev, "mp_cyc", MPOOL_DESTROY_FORCE);
	}
	result(refused == 3 * CYCLES, "map-cycle-refused-creates",
	       "%d of %d refused", refused, 3 * CYCLES);
	result(!bad, "map-offsets-not-used-up",
	       "%d of %d MAPs failed or went past the first offset %#llx (highest %#llx)",
	       bad, CYCLES, (unsigned long long)first,
	       (unsigned long long)worst);
}

/*
 * 64 pools of different sizes mapped at once: every range below 2^44
 * bytes, none overlapping another, the same offset at every MAP, and
 * each mapping shows its own pool's bytes.
 */
static void test_many_pools(void)
{
	enum { N = 64 };
	static struct mpool_map m[N];
	static uint64_t h[N];
	struct mpool_ioc_map again;
	int i, j, err, low = 0, stable = 0, apart = 1, own = 0, fd2;
	char name[32];
	void *mark;

	fd2 = mpool_open(O_RDWR);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "mp_many%d", i);
		m[i].base = NULL;
		err = mpool_create(dev, name, 4096, 1 + i % 8, 0, 0);
		if (!err)
			err = mpool_map(dev, name, PROT_READ, &m[i]);
		if (err) {
			result(0, "map-many-setup", "%s: errno %d", name, -err);
			goto out;
		}
		low += m[i].offset + m[i].length <= LOW_LIMIT;
		/* A mark at the start of a block, through WRITE. */
		if (mpool_alloc(dev, name, &h[i], 1, 0, 0) == 1 &&
		    !mpool_write(dev, name, h[i], 0, &i, sizeof(i)))
			own++;
	}
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "mp_many%d", i);
		err = map_info(dev, name, &again);
		stable += !err && again.out_offset == m[i].offset;
		err = fd2 < 0 ? -EBADF : map_info(fd2, name, &again);
		stable += !err && again.out_offset == m[i].offset;
		for (j = 0; j < i; j++)
			if (m[i].offset < m[j].offset + m[j].length &&
			    m[j].offset < m[i].offset + m[i].length)
				apart = 0;
		mark = mpool_ptr(&m[i], h[i]);
		if (!mark || memcmp(mark, &i, sizeof(i)))
			own--;
	}
	result(low == N, "map-many-below-2^44", "%d of %d below", low, N);
	result(apart, "map-many-ranges-apart", "two ranges overlap");
	result(stable == 2 * N, "map-offset-same-every-map",
	       "%d of %d MAPs gave the first offset", stable, 2 * N);
	result(own == N, "map-many-own-bytes",
	       "%d of %d mappings show their pool's mark", own, N);
out:
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "mp_many%d", i);
		if (m[i].base)
			mpool_unmap(&m[i]);
		mpool_destroy(dev, name, MPOOL_DESTROY_FORCE);
	}
	if (fd2 >= 0)
		close(fd2);
}

/*
 * mmap() needs a grant from MAP on the same open file, or the one it was
 * dup()ed or inherited from.
 */
static void test_grants(void)
{
	struct mpool_ioc_map m, m2;
	int err, fd, d, status = 0;
	pid_t pid;

	mpool_create(dev, "mp_grant", 4096, 2, 0, 0);
	err = map_info(dev, "mp_grant", &m);
	if (!err)
		err = mmap_errno(dev, m.out_length, PROT_READ, MAP_SHARED,
				 m.out_offset);
	result(!err, "map-grant-setup", "errno %d", -err);
	fd = mpool_open(O_RDWR);
	err = fd < 0 ? 0 : mmap_errno(fd, m.out_length, PROT_READ, MAP_SHARED,
				      m.out_offset);
	result(err == -EACCES, "map-without-map-eacces", "errno %d", -err);
	err = fd < 0 ? fd : map_info(fd, "mp_grant", &m2);
	if (!err)
		err = mmap_errno(fd, m.out_length, PROT_READ, MAP_SHARED,
				 m.out_offset);
	result(!err && m2.out_offset == m.out_offset, "map-after-map-maps",
	       "errno %d", -err);
	if (fd >= 0)
		close(fd);

	d = dup(dev);
	err = d < 0 ? -errno : mmap_errno(d, m.out_length, PROT_READ,
					 MAP_SHARED, m.out_offset);
	result(!err, "map-dup-fd-maps", "errno %d", -err);
	if (d >= 0)
		close(d);
	pid = fork();
	if (pid == 0)
		_exit(-mmap_errno(dev, m.out_length, PROT_READ, MAP_SHARED,
				  m.out_offset));
	err = pid < 0 || waitpid(pid, &status, 0) != pid;
	result(!err && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "map-fork-child-maps", "status %#x (an errno)", status);
	mpool_destroy(dev, "mp_grant", MPOOL_DESTROY_FORCE);
}

/*
 * A forced DESTROY of a mapped pool: its offset maps nothing (ENXIO) even
 * for the file MAP granted it, while the memory stays; the last munmap
 * gives the range back, a new pool may get it, and then the old file
 * (whose grant was for the old pool, and kept nothing alive) gets EACCES
 * while a file that MAPped the new pool maps it.
 */
static void test_offset_reuse(void)
{
	enum { N = 64, PAGES = 3 };
	struct mpool_ioc_map mn = { 0 };
	int f1, f2, err, k = 0, round, found = -1;
	uint64_t old = 0;
	unsigned char *p, mark = 0xA5;
	struct mpool_map mo, mnew;
	char name[32];
	uint64_t h;

	f1 = mpool_open(O_RDWR);
	f2 = mpool_open(O_RDWR);
	err = f1 < 0 ? f1 : f2 < 0 ? f2 :
	      mpool_create(dev, "mp_old", 4096, PAGES, 0, 0);
	if (!err)
		err = mpool_map(f1, "mp_old", PROT_READ, &mo);
	if (err) {
		result(0, "map-reuse-setup", "errno %d", -err);
		goto out;
	}
	err = mpool_destroy(dev, "mp_old", MPOOL_DESTROY_FORCE);
	result(!err, "map-reuse-force-destroy", "errno %d", -err);
	old = mo.offset;
	err = mmap_errno(f1, page, PROT_READ, MAP_SHARED, old);
	result(err == -ENXIO, "map-destroyed-mapped-enxio", "errno %d", -err);
	mpool_unmap(&mo);

	/*
	 * The memory is freed by a work item: until then the range is
	 * taken.  Pools of the same size fill the lower gaps in order; one
	 * gets the old range once it is free.
	 */
	for (round = 0; round < 100 && found < 0; round++) {
		for (k = 0; k < N; k++) {
			snprintf(name, sizeof(name), "mp_new%d", k);
			if (mpool_create(dev, name, 4096, PAGES, 0, 0) ||
			    map_info(f2, name, &mn) ||
			    mn.out_offset >= old)
				break;
		}
		if (k < N && mn.out_offset == old) {
			found = k;
			break;
		}
		while (k >= 0) {
			snprintf(name, sizeof(name), "mp_new%d", k--);
			mpool_destroy(dev, name, MPOOL_DESTROY_FORCE);
		}
		usleep(50000);
	}
	result(found >= 0, "map-offset-reused", "no new pool got %#llx",
	       (unsigned long long)old);
	if (found < 0)
		goto out;
	snprintf(name, sizeof(name), "mp_new%d", found);
	err = mmap_errno(f1, mn.out_length, PROT_READ, MAP_SHARED,
			 mn.out_offset);
	result(err == -EACCES, "map-reused-old-file-eacces", "errno %d", -err);
	err = mpool_alloc(dev, name, &h, 1, 0, 0);
	if (err == 1)
		err = mpool_write(dev, name, h, 0, &mark, 1);
	if (!err)
		err = mpool_map(f2, name, PROT_READ, &mnew);
	p = err ? NULL : mpool_ptr(&mnew, h);
	result(!err && mnew.offset == mn.out_offset && p && *p == mark,
	       "map-reused-new-file-maps", "errno %d", -err);
	if (!err)
		mpool_unmap(&mnew);
out:
	for (; k >= 0; k--) {
		snprintf(name, sizeof(name), "mp_new%d", k);
		mpool_destroy(dev, name, MPOOL_DESTROY_FORCE);
	}
	mpool_destroy(dev, "mp_old", MPOOL_DESTROY_FORCE);
	if (f1 >= 0)
		close(f1);
	if (f2 >= 0)
		close(f2);
}

/*
 * The 32-bit client (mpool_map32, its own checks): run it, or, where the
 * kernel cannot (a kernel without IA32 emulation refuses the exec with
 * ENOEXEC) and @enoexec_ok, say why it was skipped.
 */
static void run_32bit(const char *path, int enoexec_ok)
{
	int pfd[2], status = 0, err = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC)) {
		result(0, "map32-run", "pipe: errno %d", errno);
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl(path, path, (char *)NULL);
		err = errno;
		if (write(pfd[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(127);
	}
	close(pfd[1]);
	if (pid < 0 || read(pfd[0], &err, sizeof(err)) != sizeof(err))
		err = 0;	/* the exec closed the pipe: it ran */
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (err == ENOEXEC && enoexec_ok)
		printf("MPTEST ok map32-run # SKIP exec of the 32-bit %s failed with ENOEXEC: this kernel has no IA32 emulation\n",
		       path);
	else
		result(!err && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		       "map32-run", "exec errno %d, status %#x", err, status);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *path32 = NULL;
	int i, enoexec_ok = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--enoexec-ok"))
			enoexec_ok = 1;
		else if (!strcmp(argv[i], "--map32") && i + 1 < argc)
			path32 = argv[++i];
	}
	page = sysconf(_SC_PAGESIZE);
	dev = mpool_open(O_RDWR);
	if (dev < 0) {
		result(0, "map-open", "/dev/mempool: errno %d", -dev);
		return 0;
	}
	test_rw_both_ways();
	test_two_processes();
	test_destroy_busy();
	test_destroy_force();
	test_refusals();
	test_exit_releases();
	test_grants();
	test_offset_cycles();
	test_many_pools();
	test_offset_reuse();
	if (path32)
		run_32bit(path32, enoexec_ok);
	close(dev);
	return 0;
}
