/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mpool_ioctl.h - the ioctl ABI of /dev/mempool.
 *
 * Shared by the mempool module and by userspace (C and C++) as is.
 */
#ifndef _UAPI_MPOOL_IOCTL_H
#define _UAPI_MPOOL_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * DOC: General ioctl format
 *
 * The device is /dev/mempool, a misc device, mode 0600.
 *
 * Every command is _IO(MPOOL_IOC_MAGIC, nr) and takes a pointer to a
 * struct that begins with "__u32 size": the size of the struct as the
 * caller knows it.  The kernel accepts any size from the struct's size in
 * ABI version 1 (smaller: EINVAL) up to 4096 (larger: E2BIG).  When a
 * struct grows, an older caller's shorter struct is taken as if the new
 * fields were zero; a caller's longer struct must have zeros in every
 * byte the kernel does not know (else E2BIG).  Output fields (out_*) are
 * written back only up to @size bytes.
 *
 * MPOOL_IOC_MAGIC 0xB9: Documentation/userspace-api/ioctl/ioctl-number.rst
 * (Linux 6.12) lists no user of 0xB9, and no header under include/uapi
 * defines an ioctl of type 0xB9.  Commands use numbers 0x00-0x1f.
 *
 * Pools are named by a NUL-terminated string of 1 to 31 characters from
 * [A-Za-z0-9_.-], other than "pools", in a __u8[MPOOL_IOC_NAME_MAX] field.  Blocks are named by
 * their byte offset from the start of the pool's region.  User buffers are
 * passed as __aligned_u64 addresses.
 *
 * Errors common to every command:
 *
 * - ENOTTY: unknown command.
 * - EFAULT: a user address could not be read or written.
 * - EINVAL: @size is smaller than the struct's first version; an unknown
 *   flag is set; a __reserved field is not zero; a count or length is
 *   zero or too large; a name is not a valid pool name.
 * - E2BIG: @size is larger than the kernel knows and the extra bytes are
 *   not all zero.
 * - ENOENT: no pool has that name.
 * - ENAMETOOLONG: a name field has no NUL in its MPOOL_IOC_NAME_MAX bytes
 *   (every command that takes a name).
 * - ENOMEM: the kernel could not allocate a temporary buffer.
 * - EPERM: the file was opened without write access (all but
 *   MPOOL_IOC_VERSION, MPOOL_IOC_LIST and MPOOL_IOC_STATS need it); or
 *   the pool was created by a kernel user, not through /dev/mempool:
 *   such pools can be listed and inspected, not changed.
 *
 * Further errors are listed with each command.
 */

#define MPOOL_IOC_MAGIC		0xB9
/*
 * 2: MPOOL_IOC_BENCH is gone (the benchmark is its own module, driven
 * through debugfs); the other commands are as in version 1.
 */
#define MPOOL_IOC_ABI_VERSION	2
#define MPOOL_IOC_NAME_MAX	32
/* Most blocks one MPOOL_IOC_ALLOC or MPOOL_IOC_FREE handles. */
#define MPOOL_IOC_BATCH_MAX	1024

/**
 * struct mpool_ioc_version - ioctl(MPOOL_IOC_VERSION)
 * @size: sizeof(struct mpool_ioc_version)
 * @out_abi_version: MPOOL_IOC_ABI_VERSION of the running module
 *
 * Userspace checks this before any other command.
 */
struct mpool_ioc_version {
	__u32 size;
	__u32 out_abi_version;
};

/* Zero each block on allocation. */
#define MPOOL_CREATE_ZERO	(1U << 0)
/* Poison freed blocks; report writes to them on the next allocation. */
#define MPOOL_CREATE_POISON	(1U << 1)
/* Record the allocating caller of each block (shown in debugfs). */
#define MPOOL_CREATE_TRACK	(1U << 2)
/*
 * Per-CPU caches of free blocks: scales across CPUs, but an allocation
 * may fail while other CPUs' caches hold free blocks (MPOOL_ALLOC_WAIT
 * drains them).
 */
#define MPOOL_CREATE_PERCPU	(1U << 3)

/**
 * struct mpool_ioc_create - ioctl(MPOOL_IOC_CREATE)
 * @size: sizeof(struct mpool_ioc_create)
 * @flags: MPOOL_CREATE_* flags
 * @block_size: bytes per block, at least 1
 * @nr_blocks: number of blocks, at least 1
 * @align: alignment of each block: 0 (8 bytes) or a power of two up to
 *	the page size
 * @__reserved: must be 0
 * @name: the new pool's name
 *
 * The pool lives until MPOOL_IOC_DESTROY or until the module is unloaded.
 *
 * Errors: EEXIST, a pool with that name exists; ENAMETOOLONG, the name has
 * no NUL in its first 32 bytes; EOVERFLOW, @block_size * @nr_blocks
 * overflows; EDQUOT, the pool would take the pools made through the
 * device past the module parameter max_bytes; ENOSPC, max_pools such
 * pools exist already (module parameter); ENOMEM, the memory could not
 * be had.
 */
struct mpool_ioc_create {
	__u32 size;
	__u32 flags;
	__u32 block_size;
	__u32 nr_blocks;
	__u32 align;
	__u32 __reserved;
	__u8 name[MPOOL_IOC_NAME_MAX];
};

/* Destroy the pool even though blocks are still allocated. */
#define MPOOL_DESTROY_FORCE	(1U << 0)

/**
 * struct mpool_ioc_name - ioctl(MPOOL_IOC_DESTROY), ioctl(MPOOL_IOC_RESET)
 * @size: sizeof(struct mpool_ioc_name)
 * @flags: MPOOL_DESTROY_* for MPOOL_IOC_DESTROY; 0 for MPOOL_IOC_RESET
 * @name: the pool's name
 *
 * MPOOL_IOC_DESTROY frees the pool and its region.  Errors: EBUSY, blocks
 * are still allocated and MPOOL_DESTROY_FORCE is not set.
 *
 * MPOOL_IOC_RESET zeroes the pool's counters and sets its high watermark
 * to the blocks in use now.
 */
struct mpool_ioc_name {
	__u32 size;
	__u32 flags;
	__u8 name[MPOOL_IOC_NAME_MAX];
};

/**
 * struct mpool_ioc_list - ioctl(MPOOL_IOC_LIST)
 * @size: sizeof(struct mpool_ioc_list)
 * @count: in: entries @names has room for (may be 0);
 *	out: number of pools that exist
 * @names: address of @count * MPOOL_IOC_NAME_MAX bytes; filled with the
 *	names of the first min(in @count, out @count) pools, in creation order
 *
 * Call with @count 0 to learn how many pools there are.
 */
struct mpool_ioc_list {
	__u32 size;
	__u32 count;
	__aligned_u64 names;
};

/**
 * struct mpool_ioc_stats - ioctl(MPOOL_IOC_STATS)
 * @size: sizeof(struct mpool_ioc_stats)
 * @__reserved: must be 0
 * @name: the pool's name
 *
 * Followed by one __u64 out_<name> per line of mpool_stat_list.h, in its
 * order: out_block_size, out_stride, ..., out_bytes_reserved.  The same
 * numbers as /sys/kernel/debug/mempool/<name>/stats.
 *
 * out_alloc_failures counts allocation attempts that found the pool
 * empty: an MPOOL_IOC_ALLOC that gets fewer blocks than @count counts
 * one; a waiting allocation that gives up counts in out_timeouts instead.
 */
struct mpool_ioc_stats {
	__u32 size;
	__u32 __reserved;
	__u8 name[MPOOL_IOC_NAME_MAX];
#define MPOOL_STAT(name) __u64 out_##name
#include "mpool_stat_list.h"
#undef MPOOL_STAT
};

/* Sleep up to @timeout_ms for the first block when none is free. */
#define MPOOL_ALLOC_WAIT	(1U << 0)

/**
 * struct mpool_ioc_alloc - ioctl(MPOOL_IOC_ALLOC)
 * @size: sizeof(struct mpool_ioc_alloc)
 * @flags: MPOOL_ALLOC_* flags
 * @name: the pool's name
 * @count: most blocks to allocate, 1 to MPOOL_IOC_BATCH_MAX
 * @timeout_ms: with MPOOL_ALLOC_WAIT, how long to wait, at least 1;
 *	else must be 0
 * @offsets: address of @count __u64: the offsets of the blocks allocated
 * @out_allocated: how many blocks were allocated, 1 to @count
 * @__reserved: must be 0
 *
 * Like read(2) on a pipe: takes what is free, up to @count, and with
 * MPOOL_ALLOC_WAIT first waits for one block when none is.  If the offsets
 * cannot be written back, the blocks are freed again (EFAULT).
 *
 * Errors: ENOSPC, no block is free (without MPOOL_ALLOC_WAIT);
 * ETIMEDOUT, none became free within @timeout_ms; EINTR, a signal came
 * first; ENOENT also when the pool was destroyed while the call waited.
 */
struct mpool_ioc_alloc {
	__u32 size;
	__u32 flags;
	__u8 name[MPOOL_IOC_NAME_MAX];
	__u32 count;
	__u32 timeout_ms;
	__aligned_u64 offsets;
	__u32 out_allocated;
	__u32 __reserved;
};

/**
 * struct mpool_ioc_free - ioctl(MPOOL_IOC_FREE)
 * @size: sizeof(struct mpool_ioc_free)
 * @count: number of offsets, 1 to MPOOL_IOC_BATCH_MAX
 * @name: the pool's name
 * @offsets: address of @count __u64 block offsets to free
 * @results: 0, or the address of @count __s32 that receive, for each
 *	offset, 0 when it was freed or a negative errno: -ERANGE, outside the
 *	region; -EINVAL, not the start of a block; -ENXIO, not allocated
 *	(a double free)
 * @out_freed: offsets freed
 * @out_invalid: offsets refused; the pool is unchanged by them
 *
 * Frees every valid offset even when some are invalid; returns 0 unless
 * the arguments themselves are bad.
 */
struct mpool_ioc_free {
	__u32 size;
	__u32 count;
	__u8 name[MPOOL_IOC_NAME_MAX];
	__aligned_u64 offsets;
	__aligned_u64 results;
	__u32 out_freed;
	__u32 out_invalid;
};

/**
 * struct mpool_ioc_rw - ioctl(MPOOL_IOC_WRITE), ioctl(MPOOL_IOC_READ)
 * @size: sizeof(struct mpool_ioc_rw)
 * @__reserved: must be 0
 * @name: the pool's name
 * @offset: offset of an allocated block
 * @pos: first byte within the block
 * @length: bytes to copy, 1 to block size - @pos
 * @buf: address of @length bytes: the source for MPOOL_IOC_WRITE, the
 *	destination for MPOOL_IOC_READ
 *
 * Errors: ERANGE, @offset is outside the region; EINVAL, @offset is not
 * the start of a block or @pos + @length passes the block's end; ENXIO,
 * the block is not allocated.
 */
struct mpool_ioc_rw {
	__u32 size;
	__u32 __reserved;
	__u8 name[MPOOL_IOC_NAME_MAX];
	__u64 offset;
	__u32 pos;
	__u32 length;
	__aligned_u64 buf;
};

/* Command numbers: the nr of each command's _IO(MPOOL_IOC_MAGIC, nr). */
enum mpool_ioc_cmd {
	MPOOL_CMD_VERSION = 0x00,
	MPOOL_CMD_CREATE = 0x01,
	MPOOL_CMD_DESTROY = 0x02,
	MPOOL_CMD_LIST = 0x03,
	MPOOL_CMD_STATS = 0x04,
	MPOOL_CMD_ALLOC = 0x05,
	MPOOL_CMD_FREE = 0x06,
	MPOOL_CMD_WRITE = 0x07,
	MPOOL_CMD_READ = 0x08,
	MPOOL_CMD_RESET = 0x09,
	/* 0x0a was MPOOL_IOC_BENCH in ABI version 1: never reused. */
};

#define MPOOL_IOC_VERSION	_IO(MPOOL_IOC_MAGIC, MPOOL_CMD_VERSION)
#define MPOOL_IOC_CREATE	_IO(MPOOL_IOC_MAGIC, MPOOL_CMD_CREATE)
#define MPOOL_IOC_DESTROY	_IO(MPOOL_IOC_MAGIC, MPOOL_CMD_DESTROY)
#define MPOOL_IOC_LIST		_IO(MPOOL_IOC_MAGIC, MPOOL_CMD_LIST)
#define MPOOL_IOC_STATS		_IO(MPOOL_IOC_MAGIC, MPOOL_CMD_STATS)
#define MPOOL_IOC_ALLOC		_IO(MPOOL_IOC_MAGIC, MPOOL_CMD_ALLOC)
#define MPOOL_IOC_FREE		_IO(MPOOL_IOC_MAGIC, MPOOL_CMD_FREE)
#define MPOOL_IOC_WRITE		_IO(MPOOL_IOC_MAGIC, MPOOL_CMD_WRITE)
#define MPOOL_IOC_READ		_IO(MPOOL_IOC_MAGIC, MPOOL_CMD_READ)
#define MPOOL_IOC_RESET		_IO(MPOOL_IOC_MAGIC, MPOOL_CMD_RESET)

#endif /* _UAPI_MPOOL_IOCTL_H */
