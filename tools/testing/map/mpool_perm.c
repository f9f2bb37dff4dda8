// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_perm: every cell of the table in mpool_ioctl.h's "Permissions":
 * each command and call through an open file of each access (O_RDONLY,
 * O_WRONLY, O_RDWR), on a device pool and, given its name as argv[1], on
 * a kernel user's pool.  Runs in the test VM as root with mempool.ko
 * loaded; prints the guest protocol's lines and exits 0.
 *
 * The O_RDWR file runs first: a refusal elsewhere counts only when the
 * same call worked there (else "setup").  A refusal for the file's access
 * must come before the struct is read: the same command with a bad
 * address is EPERM, where the O_RDWR file gets EFAULT.
 *
 * The calls go through libmpool; a cell's answer is the positive errno
 * (0: allowed), as the table gives it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libmpool.h"
#include "../mptest.h"

#define POOL "pm_dev"
enum { BS = 64, NB = 8 };
enum { RW, RO, WO, NMODES };	/* RW first: the others' setup */
static const int modes[NMODES] = { O_RDWR, O_RDONLY, O_WRONLY };
static const char *const mname[NMODES] = { "rdwr", "rdonly", "wronly" };

static int adm;			/* O_RDWR: makes what the cells use */
static uint64_t h_adm;		/* a block adm allocated */
static uint64_t h_owned;	/* a block adm owns */
static uint64_t h_mine[NMODES];	/* the block each file allocated */
static uint64_t off_adm;	/* the pool's offset, from adm */
static int fd_of[NMODES];
static const char *pool = POOL;	/* the pool the cells name */
static long page;

/* A libmpool answer (a count, 0 or -errno) as the cells' errno. */
static int errno_of(int ret)
{
	return ret < 0 ? -ret : 0;
}

/* READ or WRITE of a whole block. */
static int rw_io(int fd, int write, uint64_t h)
{
	unsigned char buf[BS] = { 0 };

	return errno_of(write ? mpool_write(fd, pool, h, 0, buf, BS) :
				mpool_read(fd, pool, h, 0, buf, BS));
}

static int alloc1(int fd, uint32_t flags, uint64_t *h)
{
	return errno_of(mpool_alloc(fd, pool, h, 1, flags, 0));
}

/* FREE as an errno: the call's, else the handle's result. */
static int free1(int fd, uint64_t h)
{
	int32_t res = 0;
	int err = mpool_free(fd, pool, &h, 1, &res);

	return err < 0 ? -err : -res;
}

/* mmap() of one page alone: the grant is the "map" cell's MAP. */
static int mmap_errno(int fd, int prot, uint64_t off)
{
	void *p = mmap(NULL, page, prot, MAP_SHARED, fd, (off_t)off);

	if (p == MAP_FAILED)
		return errno;
	munmap(p, page);
	return 0;
}

static int listed(int fd, const char *name)
{
	static char names[64][MPOOL_IOC_NAME_MAX];
	int i, n = mpool_list(fd, names, 64);

	if (n < 0)
		return -n;
	for (i = 0; i < n && i < 64; i++)
		if (!strcmp(names[i], name))
			return 0;
	return ENOENT;
}

/* One cell: what the call gave, what the table says, by mode. */
struct cell {
	const char *name;
	int (*call)(int mode);
	int want[NMODES];
	unsigned long cmd;	/* for the bad-address check; 0: none */
};

static int c_version(int mode)
{
	return errno_of(mpool_version(fd_of[mode]));
}

static int c_list(int mode)
{
	return listed(fd_of[mode], pool);
}

static int c_stats(int mode)
{
	struct mpool_ioc_stats s;

	return errno_of(mpool_stats(fd_of[mode], pool, &s));
}

static int c_watch(int mode)
{
	return errno_of(mpool_watch(fd_of[mode], pool, 0, 0, NULL));
}

/* poll() of the watching file, after adm set a watermark it is below. */
static int c_poll(int mode)
{
	struct pollfd p = { .fd = fd_of[mode], .events = POLLIN };
	int err = errno_of(mpool_watch(adm, pool, MPOOL_WATCH_SET, NB + 1,
				       NULL));

	if (err)
		return err;
	if (poll(&p, 1, 0) < 0)
		return errno;
	return p.revents & POLLIN ? 0 : EAGAIN;
}

static int c_read_event(int mode)
{
	struct mpool_watch_event ev;
	ssize_t n = mpool_read_events(fd_of[mode], &ev, 1);

	mpool_watch(adm, pool, MPOOL_WATCH_SET, 0, NULL);
	if (n < 0)
		return (int)-n;
	return n == 1 && ev.type == MPOOL_WATCH_LOW ? 0 : EIO;
}

static int c_read(int mode)
{
	return rw_io(fd_of[mode], 0, h_adm);
}

static int c_read_owned(int mode)
{
	return rw_io(fd_of[mode], 0, h_owned);
}

/* MAP (and the mmap() of the whole pool mpool_map() adds to it). */
static int c_map(int mode)
{
	struct mpool_map m;
	int err = mpool_map(fd_of[mode], pool, PROT_READ, &m);
	uint64_t off;

	if (err)
		return -err;
	off = m.offset;
	mpool_unmap(&m);
	return off == off_adm ? 0 : EIO;
}

static int c_mmap_read(int mode)
{
	return mmap_errno(fd_of[mode], PROT_READ, off_adm);
}

static int c_mmap_write(int mode)
{
	return mmap_errno(fd_of[mode], PROT_READ | PROT_WRITE,
			  off_adm);
}

static char *new_name(int mode)
{
	static char name[32];

	snprintf(name, sizeof(name), "pm_new_%s", mname[mode]);
	return name;
}

static int c_create(int mode)
{
	return errno_of(mpool_create(fd_of[mode], new_name(mode), BS, 1, 0, 0));
}

static int c_reset(int mode)
{
	return errno_of(mpool_reset(fd_of[mode], pool));
}

static int c_alloc(int mode)
{
	return alloc1(fd_of[mode], 0, &h_mine[mode]);
}

static int c_write(int mode)
{
	return rw_io(fd_of[mode], 1, h_mine[mode] ? h_mine[mode] : h_adm);
}

static int c_write_owned(int mode)
{
	return rw_io(fd_of[mode], 1, h_owned);
}

static int c_free(int mode)
{
	return free1(fd_of[mode], h_mine[mode] ? h_mine[mode] : h_adm);
}

static int c_free_owned(int mode)
{
	return free1(fd_of[mode], h_owned);
}

static int c_watch_set(int mode)
{
	return errno_of(mpool_watch(fd_of[mode], pool, MPOOL_WATCH_SET, 0,
				    NULL));
}

static int c_destroy(int mode)
{
	/* Its own new pool; the read-only file tries the shared one. */
	return errno_of(mpool_destroy(fd_of[mode],
				      mode == RO ? pool : new_name(mode), 0));
}

/* The device pool's rows, in an order in which each call has its setup. */
static const struct cell dev_cells[] = {
	{ "version", c_version, { 0, 0, 0 }, 0 },
	{ "list", c_list, { 0, 0, 0 }, 0 },
	{ "stats", c_stats, { 0, 0, 0 }, 0 },
	{ "watch", c_watch, { 0, 0, 0 }, 0 },
	{ "poll", c_poll, { 0, 0, 0 }, 0 },
	/* read(2) of an O_WRONLY file: the VFS refuses it (EBADF). */
	{ "read-event", c_read_event, { 0, 0, EBADF }, 0 },
	{ "read", c_read, { 0, 0, EPERM }, MPOOL_IOC_READ },
	{ "read-owned", c_read_owned, { EPERM, EPERM, EPERM }, 0 },
	{ "map", c_map, { 0, 0, EPERM }, MPOOL_IOC_MAP },
	{ "mmap-read", c_mmap_read, { 0, 0, EACCES }, 0 },
	{ "mmap-write", c_mmap_write, { 0, EACCES, EACCES }, 0 },
	{ "create", c_create, { 0, EPERM, 0 }, MPOOL_IOC_CREATE },
	{ "reset", c_reset, { 0, EPERM, 0 }, MPOOL_IOC_RESET },
	{ "alloc", c_alloc, { 0, EPERM, 0 }, MPOOL_IOC_ALLOC },
	{ "write", c_write, { 0, EPERM, 0 }, MPOOL_IOC_WRITE },
	{ "write-owned", c_write_owned, { EPERM, EPERM, EPERM }, 0 },
	{ "free", c_free, { 0, EPERM, 0 }, MPOOL_IOC_FREE },
	{ "free-owned", c_free_owned, { EPERM, EPERM, EPERM }, 0 },
	{ "watch-set", c_watch_set, { 0, EPERM, 0 }, 0 },
	{ "destroy", c_destroy, { 0, EPERM, 0 }, MPOOL_IOC_DESTROY },
};
#define NCELLS (sizeof(dev_cells) / sizeof(dev_cells[0]))

static void dev_pool_table(void)
{
	int got[NCELLS][NMODES];
	unsigned int c;
	int mode, err;

	/* The owned rows' setup: the owner may use its block. */
	err = rw_io(adm, 0, h_owned);
	result(!err, "perm-owned-setup", "the owner's READ: %s",
	       strerror(err));
	for (mode = 0; mode < NMODES; mode++) {
		for (c = 0; c < NCELLS; c++) {
			const struct cell *cl = &dev_cells[c];
			int want = cl->want[mode];
			char name[64];

			snprintf(name, sizeof(name), "perm-%s-%s", mname[mode],
				 cl->name);
			got[c][mode] = cl->call(mode);
			/* A refusal needs the call to work where allowed. */
			if (want && mode != RW && cl->want[RW] == 0 &&
			    got[c][RW] != 0) {
				result(0, name, "setup: the O_RDWR file got %s",
				       strerror(got[c][RW]));
				continue;
			}
			result(got[c][mode] == want, name, "got %s, wanted %s",
			       strerror(got[c][mode]), strerror(want));
			if (!cl->cmd || (want != EPERM && mode != RW))
				continue;
			/* Refused for access before the struct is read. */
			snprintf(name, sizeof(name), "perm-%s-%s-%s",
				 mname[mode], cl->name,
				 want == EPERM ? "eperm-unread" : "efault");
			/* Raw: a bad struct address, which libmpool never sends. */
			err = ioctl(fd_of[mode], cl->cmd, (void *)16) ? errno : 0;
			result(err == (want == EPERM ? EPERM : EFAULT), name,
			       "bad address: got %s", strerror(err));
		}
	}
	/* The refused frees left the owned block where it was. */
	err = rw_io(adm, 0, h_owned);
	result(!err, "perm-owned-block-intact", "the owner's READ: %s",
	       strerror(err));
}

/* A kernel user's pool: STATS and LIST only, whatever the access. */
static void kernel_pool_table(const char *kpool)
{
	unsigned int i;
	int mode, err;
	char name[64];
	static const struct {
		const char *name;
		int (*call)(int mode);
	} refused[] = {
		{ "read", c_read }, { "map", c_map }, { "watch", c_watch },
		{ "watch-set", c_watch_set }, { "reset", c_reset },
		{ "alloc", c_alloc }, { "write", c_write }, { "free", c_free },
		{ "destroy", c_destroy },
	};

	pool = kpool;
	for (mode = 0; mode < NMODES; mode++) {
		/* The setup: the pool is there, for this file too. */
		snprintf(name, sizeof(name), "perm-kpool-%s-stats", mname[mode]);
		err = c_stats(mode);
		result(!err, name, "got %s", strerror(err));
		snprintf(name, sizeof(name), "perm-kpool-%s-list", mname[mode]);
		err = c_list(mode);
		result(!err, name, "got %s", strerror(err));
		h_mine[mode] = 0;
		for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
			snprintf(name, sizeof(name), "perm-kpool-%s-%s",
				 mname[mode], refused[i].name);
			/* Its own name for destroy: the kernel pool's. */
			err = refused[i].call == c_destroy ?
			      errno_of(mpool_destroy(fd_of[mode], kpool, 0)) :
			      refused[i].call(mode);
			result(err == EPERM, name, "got %s", strerror(err));
		}
	}
	snprintf(name, sizeof(name), "perm-kpool-survives");
	err = errno_of(mpool_stats(adm, kpool, &(struct mpool_ioc_stats){ 0 }));
	result(!err, name, "STATS after it all: %s", strerror(err));
	pool = POOL;
}

int main(int argc, char **argv)
{
	struct mpool_map m;
	int mode, err;

	page = sysconf(_SC_PAGESIZE);
	adm = mpool_open(O_RDWR);
	err = adm < 0 ? -adm : 0;
	for (mode = 0; mode < NMODES; mode++) {
		fd_of[mode] = mpool_open(modes[mode]);
		if (fd_of[mode] < 0)
			err = -fd_of[mode];
	}
	if (err) {
		result(0, "perm-open", "errno %d", err);
		return 0;
	}
	err = errno_of(mpool_create(adm, POOL, BS, NB, 0,
				    MPOOL_CREATE_MAP_WRITE));
	if (!err)
		err = alloc1(adm, 0, &h_adm);
	if (!err)
		err = alloc1(adm, MPOOL_ALLOC_OWNED, &h_owned);
	/* The pool's offset: the mapping itself is not needed. */
	if (!err)
		err = errno_of(mpool_map(adm, POOL, PROT_READ, &m));
	if (!err) {
		off_adm = m.offset;
		mpool_unmap(&m);
	}
	result(!err, "perm-setup", "errno %d", err);
	if (err)
		return 0;
	dev_pool_table();
	mpool_destroy(adm, POOL, MPOOL_DESTROY_FORCE);
	for (mode = 0; mode < NMODES; mode++)
		mpool_destroy(adm, new_name(mode), MPOOL_DESTROY_FORCE);
	if (argc > 1)
		kernel_pool_table(argv[1]);
	for (mode = 0; mode < NMODES; mode++)
		close(fd_of[mode]);
	close(adm);
	return 0;
}
