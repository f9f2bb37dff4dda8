// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_map32: a 32-bit client of /dev/mempool (built -m32, static), run
 * by mpool_map: the ioctls through the kernel's compat path
 * (compat_ptr_ioctl), and a mapping at the offset MAP gave, which a
 * 32-bit mmap2() reaches only below 2^44 bytes.  Prints the guest
 * protocol's lines; exits 0 when it ran to the end.
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mpool_ioctl.h"
#include "../mptest.h"

#define NAME "mp_map32"
enum { BS = 256, NB = 16 };

static int dev;

static int rw(unsigned long req, uint64_t h, void *buf, uint32_t len)
{
	struct mpool_ioc_rw r = { .size = sizeof(r), .handle = h,
				  .length = len, .buf = (uintptr_t)buf };

	set_name(r.name, NAME);
	return mpt_io(dev, req, &r);
}

int main(void)
{
	struct mpool_ioc_version v = { .size = sizeof(v) };
	struct mpool_ioc_map m = { .size = sizeof(m) };
	struct mpool_ioc_alloc a = { .size = sizeof(a), .count = 1 };
	unsigned char pat[BS], buf[BS], *p;
	uint64_t h = 0, off;
	int err, i;

	result(sizeof(void *) == 4, "map32-is-32-bit", "pointers of %zu bytes",
	       sizeof(void *));
	dev = open("/dev/mempool", O_RDWR);
	if (dev < 0) {
		result(0, "map32-open", "errno %d", errno);
		return 1;
	}
	err = mpt_io(dev, MPOOL_IOC_VERSION, &v);
	result(!err && v.out_abi_version == MPOOL_IOC_ABI_VERSION,
	       "map32-version", "errno %d, ABI %u", err, v.out_abi_version);
	err = mpt_create(dev, NAME, BS, NB, MPOOL_CREATE_MAP_WRITE);
	result(!err, "map32-create", "errno %d", err);
	if (err)
		return 1;

	set_name(m.name, NAME);
	err = mpt_io(dev, MPOOL_IOC_MAP, &m);
	result(!err && m.out_offset + m.out_length <= 1ULL << 44 &&
	       m.out_flags == MPOOL_MAP_WRITABLE, "map32-map-below-2^44",
	       "errno %d, offset %#llx length %llu", err,
	       (unsigned long long)m.out_offset,
	       (unsigned long long)m.out_length);
	p = err ? MAP_FAILED : mmap(NULL, m.out_length, PROT_READ | PROT_WRITE,
				    MAP_SHARED, dev, (off_t)m.out_offset);
	result(p != MAP_FAILED, "map32-mmap", "errno %d", errno);
	if (p == MAP_FAILED)
		goto out;

	set_name(a.name, NAME);
	a.handles = (uintptr_t)&h;
	err = mpt_io(dev, MPOOL_IOC_ALLOC, &a);
	result(!err && a.out_allocated == 1, "map32-alloc", "errno %d", err);
	if (err)
		goto out_unmap;
	off = MPOOL_HANDLE_OFFSET(h);
	for (i = 0; i < BS; i++)
		pat[i] = (unsigned char)(i * 13 + 1);
	err = rw(MPOOL_IOC_WRITE, h, pat, BS);
	result(!err && off + BS <= m.out_length && !memcmp(p + off, pat, BS),
	       "map32-block-through-mapping", "errno %d, offset %llu", err,
	       (unsigned long long)off);
	memset(p + off, 0x5c, BS);
	memset(buf, 0, BS);
	err = rw(MPOOL_IOC_READ, h, buf, BS);
	result(!err && buf[0] == 0x5c && buf[BS - 1] == 0x5c,
	       "map32-read-what-mapping-wrote", "errno %d, byte %#x", err,
	       buf[0]);
out_unmap:
	munmap(p, m.out_length);
out:
	err = mpt_destroy(dev, NAME, MPOOL_DESTROY_FORCE);
	result(!err, "map32-destroy", "errno %d", err);
	close(dev);
	return 0;
}
