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
 * written back only up to @size bytes.  What they hold on input is
 * ignored, but for the counts of the batch commands: out_allocated of
 * MPOOL_IOC_ALLOC, out_freed/out_done and out_invalid of MPOOL_IOC_FREE,
 * GIVE and TAKE must be 0 (else EINVAL), so that a struct reused without
 * clearing them fails instead of reporting the last call's counts.
 *
 * MPOOL_IOC_MAGIC 0xB9: Documentation/userspace-api/ioctl/ioctl-number.rst
 * (Linux 6.12) lists no user of 0xB9, and no header under include/uapi
 * defines an ioctl of type 0xB9.  Commands use numbers 0x00-0x1f.
 *
 * Pools are named by a NUL-terminated string of 1 to 31 characters from
 * [A-Za-z0-9_.-], other than ".", "..", "pools" and "budget" (debugfs
 * files), in a __u8[MPOOL_IOC_NAME_MAX] field.
 * User buffers are passed as __aligned_u64 addresses.
 *
 * Blocks are named by handles (see "Block handles" below): the block's
 * byte offset from the start of the pool's region, which is also its
 * offset in a mapping of the pool, and the generation of its allocation.
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
 * - EPERM: the open file may not do this (see "Permissions" below).
 *
 * Further errors are listed with each command.
 */

/**
 * DOC: Permissions
 *
 * What an open file of /dev/mempool may do depends on two things only:
 * the access it was opened with (O_RDONLY, O_WRONLY, O_RDWR), and
 * whether the pool was made through /dev/mempool (a device pool) or by
 * a kernel module (a kernel pool).  Reading a pool's bytes needs read
 * access, changing anything needs write access, looking at counters and
 * names needs neither; a kernel pool can be listed and its statistics
 * read, nothing more (EPERM, whatever the access).
 *
 *   command or call, device pool     O_RDONLY   O_WRONLY   O_RDWR
 *   MPOOL_IOC_VERSION, LIST, STATS   yes        yes        yes
 *   MPOOL_IOC_WATCH without SET      yes        yes        yes
 *   poll(), read() of events         yes        yes (4)    yes
 *   MPOOL_IOC_READ                   yes (1)    EPERM      yes (1)
 *   MPOOL_IOC_MAP                    yes        EPERM      yes
 *   mmap() PROT_READ                 yes (2)    EACCES     yes (2)
 *   mmap() PROT_WRITE                EACCES     EACCES     yes (2, 3)
 *   MPOOL_IOC_CREATE, DESTROY, RESET EPERM      yes        yes
 *   MPOOL_IOC_ALLOC                  EPERM      yes        yes
 *   MPOOL_IOC_FREE, WRITE            EPERM      yes (1)    yes (1)
 *   MPOOL_IOC_WATCH with SET         EPERM      yes        yes
 *   MPOOL_IOC_DEBUG changing nothing yes        yes        yes
 *   MPOOL_IOC_DEBUG changing a mode  EPERM      yes        yes
 *   MPOOL_IOC_GIVE, TAKE             EPERM      yes (5)    yes (5)
 *
 *   kernel pool: MPOOL_IOC_STATS yes, and LIST lists it; every other
 *   command that names it EPERM, whatever the access (but CREATE:
 *   EEXIST, its name is taken).
 *
 * (1) Not a block another open file owns (MPOOL_ALLOC_OWNED): EPERM.
 * (2) Only at an offset that MPOOL_IOC_MAP gave this open file (or the
 *     open file it was dup()ed or inherited from): else EACCES.
 * (3) Only for a pool made with MPOOL_CREATE_MAP_WRITE: else EACCES.
 * (4) poll() only: read(2) of a file opened O_WRONLY is EBADF, from the
 *     VFS before the module sees it.
 * (5) GIVE: only blocks this open file owns; TAKE: only blocks their
 *     owner gave (else EPERM, per handle).
 *
 * Ownership guards handles, not bytes: a mapping shows the whole region,
 * blocks that other files own included, and a writable one can change
 * them.  Map only pools whose users trust each other.
 *
 * A command refused for the open file's access (a whole row's EPERM)
 * fails before it reads its struct; an EPERM for a kernel pool, an owned
 * block, MPOOL_WATCH_SET or a DEBUG that changes a mode comes once the
 * struct was read and found valid and its pool found (ENOENT first).
 */

#define MPOOL_IOC_MAGIC		0xB9
/*
 * 2: MPOOL_IOC_BENCH is gone (the benchmark is its own module, driven
 * through debugfs); the other commands are as in version 1.
 * 3: blocks are named by handles, not bare offsets (a version 2 caller's
 * offsets carry generation 0, which no block has: ESTALE); owned blocks
 * (MPOOL_ALLOC_OWNED), MPOOL_IOC_MAP and mmap(), MPOOL_IOC_WATCH with
 * poll() and read().
 * 4: the rules of "Permissions": MPOOL_IOC_READ and MPOOL_IOC_MAP need
 * read access, and no more; mmap() needs an offset that MPOOL_IOC_MAP gave the
 * same open file.  mmap() offsets are taken at the first MPOOL_IOC_MAP
 * of a pool, sized to its region, below 2^44 bytes while they last, and
 * given back with the pool's memory.  Generations are unique across all
 * device pools, so a handle never reaches a later pool of the same name.
 * A destroyed pool counts against max_bytes and max_pools until its
 * memory is freed.  An allocation that returns after its pool was
 * destroyed fails (ENOENT).  waits counts a sleeping allocation when it
 * wakes.
 * 5: MPOOL_IOC_DEBUG switches a pool's debug modes (poison, track,
 * quarantine) while it lives; STATS gains out_quarantined.  MPOOL_IOC_GIVE
 * and MPOOL_IOC_TAKE move owned blocks from one open file to another.
 * Nothing of version 4 changed.
 */
#define MPOOL_IOC_ABI_VERSION	5
#define MPOOL_IOC_NAME_MAX	32
/* Most blocks one MPOOL_IOC_ALLOC or MPOOL_IOC_FREE handles. */
#define MPOOL_IOC_BATCH_MAX	1024

/**
 * DOC: Block handles
 *
 * A handle is a __u64: bits 0-39 hold the block's offset in the pool's
 * region, bits 40-63 the generation of the allocation that returned it.
 * Generations come from one counter shared by every device pool, never
 * 0: each allocation gets one that no allocation of any device pool got
 * in the 2^24 - 2 allocations before it.  So a handle kept after its
 * block was freed, and perhaps allocated again by someone else, is
 * refused (ESTALE) instead of acting on the new holder's block; and so
 * is a handle of a destroyed pool used on a later pool of the same name
 * (ESTALE, or ENXIO where that pool has not allocated the block).  Only
 * after 2^24 - 1 further allocations through the device can a
 * generation come back.  A pool made through the device has a region of
 * at most 2^40 bytes.
 */
#define MPOOL_HANDLE_GEN_SHIFT	40
#define MPOOL_HANDLE_OFFSET_MASK ((1ULL << MPOOL_HANDLE_GEN_SHIFT) - 1)
#define MPOOL_HANDLE_OFFSET(h)	((__u64)(h) & MPOOL_HANDLE_OFFSET_MASK)
#define MPOOL_HANDLE_GEN(h)	((__u64)(h) >> MPOOL_HANDLE_GEN_SHIFT)

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

/*
 * What an allocated block holds, by the pool's flags:
 *   neither ZERO nor POISON: zeros the first time the block is
 *	allocated, then what its last holder left in it;
 *   ZERO (with or without POISON): zeros, at every allocation;
 *   POISON without ZERO: 0x6b in every byte, at every allocation (free
 *	blocks hold the poison, and an allocation checks it is intact).
 * Bytes of the region that are in no block (between blocks when the
 * stride is larger than the block size, and after the last block up to
 * the end of its page) are zero, unless a writable mapping wrote there.
 */
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
/* (1U << 4) is the engine's MPOOL_F_QUIET: never a create flag. */
/*
 * Processes may map the pool writable (MAP_SHARED, PROT_WRITE); without
 * it, mappings are read-only.
 */
#define MPOOL_CREATE_MAP_WRITE	(1U << 5)

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
 * Its region's bytes and the pool itself count against the module
 * parameters max_bytes and max_pools until its memory is freed: at
 * DESTROY, or for a forced destroy of a pool still mapped or holding
 * owned blocks, when the last mapping goes and the last file owning its
 * blocks is closed.  (The last munmap() leaves the freeing to a kernel
 * thread: a CREATE that would be refused for the budget waits for it, so
 * memory counts no more once the munmap() returned; debugfs's budget
 * file may show it a moment longer.)
 *
 * Errors: EEXIST, a pool with that name exists; ENAMETOOLONG, the name has
 * no NUL in its first 32 bytes; EOVERFLOW, @block_size * @nr_blocks
 * overflows or the region would pass 2^40 bytes; EDQUOT, the pool would
 * take the device pools' memory (destroyed ones whose memory is still
 * held included) past the module parameter max_bytes; ENOSPC, max_pools
 * such pools exist already, counted the same way; ENOMEM, the memory
 * could not be had.
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
 * are still allocated, or a process has the pool mapped, and
 * MPOOL_DESTROY_FORCE is not set.  A forced destroy frees the name at
 * once, and ends allocations in flight on the pool (ENOENT); the memory
 * stays, counted against max_bytes and max_pools, until the last mapping
 * of it is gone and the last open file owning blocks of it is closed.
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
 * Followed by one __u64 out_<name> per MPOOL_STAT line of
 * mpool_stat_list.h, and one __u64 out_<name>[n] per MPOOL_HIST line, in
 * its order: out_block_size, out_stride, ..., out_reclaimed_on_close,
 * out_wait_us_hist[24], out_quarantined.  The same numbers as
 * /sys/kernel/debug/mempool/<name>/stats.
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
#define MPOOL_HIST(name, n) __u64 out_##name[n]
#include "mpool_stat_list.h"
#undef MPOOL_HIST
#undef MPOOL_STAT
};

/* Sleep up to @timeout_ms for the first block when none is free. */
#define MPOOL_ALLOC_WAIT	(1U << 0)
/*
 * Charge the blocks to this open file: only it may free, read or write
 * them (others get EPERM) until another open file takes them
 * (MPOOL_IOC_GIVE, MPOOL_IOC_TAKE), and they are freed when it is closed
 * (counted
 * in reclaimed_on_close): at its last close, as the open file is shared
 * by dup() and fork() as flock() locks are, and kept open by mappings
 * made through it until they are unmapped.
 */
#define MPOOL_ALLOC_OWNED	(1U << 1)

/**
 * struct mpool_ioc_alloc - ioctl(MPOOL_IOC_ALLOC)
 * @size: sizeof(struct mpool_ioc_alloc)
 * @flags: MPOOL_ALLOC_* flags
 * @name: the pool's name
 * @count: most blocks to allocate, 1 to MPOOL_IOC_BATCH_MAX, or to the
 *	module parameter max_batch if an administrator set it lower
 * @timeout_ms: with MPOOL_ALLOC_WAIT, how long to wait, at least 1;
 *	else must be 0
 * @handles: address of @count __u64: the handles of the blocks allocated
 * @out_allocated: how many blocks were allocated, 1 to @count
 * @__reserved: must be 0
 *
 * Like read(2) on a pipe: takes what is free, up to @count, and with
 * MPOOL_ALLOC_WAIT first waits for one block when none is.  If the handles
 * cannot be written back, the blocks are freed again (EFAULT).
 *
 * Errors: ENOSPC, no block is free (without MPOOL_ALLOC_WAIT);
 * ETIMEDOUT, none became free within @timeout_ms; EINTR, a signal came
 * first; ENOENT also when the pool was destroyed while the call waited
 * or ran: no call returns a block of a pool after its DESTROY returned,
 * and blocks it had taken go back to the pool.
 */
struct mpool_ioc_alloc {
	__u32 size;
	__u32 flags;
	__u8 name[MPOOL_IOC_NAME_MAX];
	__u32 count;
	__u32 timeout_ms;
	__aligned_u64 handles;
	__u32 out_allocated;
	__u32 __reserved;
};

/**
 * struct mpool_ioc_free - ioctl(MPOOL_IOC_FREE)
 * @size: sizeof(struct mpool_ioc_free)
 * @count: number of handles, 1 to MPOOL_IOC_BATCH_MAX (or max_batch)
 * @name: the pool's name
 * @handles: address of @count __u64 block handles to free
 * @results: 0, or the address of @count __s32 that receive, for each
 *	handle, 0 when it was freed or a negative errno: -ERANGE, outside the
 *	region; -EINVAL, not the start of a block; -ENXIO, not allocated
 *	(a double free); -ESTALE, the block was freed since and allocated
 *	again; -EPERM, another open file owns the block (the first of these
 *	that applies, in this order)
 * @out_freed: handles freed
 * @out_invalid: handles refused; the pool is unchanged by them
 *
 * Frees every valid handle even when some are invalid; returns 0 unless
 * the arguments themselves are bad.  EFAULT on writing @results or the
 * answer back comes after the work: the valid handles were freed.
 */
struct mpool_ioc_free {
	__u32 size;
	__u32 count;
	__u8 name[MPOOL_IOC_NAME_MAX];
	__aligned_u64 handles;
	__aligned_u64 results;
	__u32 out_freed;
	__u32 out_invalid;
};

/**
 * struct mpool_ioc_rw - ioctl(MPOOL_IOC_WRITE), ioctl(MPOOL_IOC_READ)
 * @size: sizeof(struct mpool_ioc_rw)
 * @__reserved: must be 0
 * @name: the pool's name
 * @handle: handle of an allocated block
 * @pos: first byte within the block
 * @length: bytes to copy, 1 to block size - @pos
 * @buf: address of @length bytes: the source for MPOOL_IOC_WRITE, the
 *	destination for MPOOL_IOC_READ
 *
 * Errors: EINVAL, @length is 0 or @pos + @length passes the pool's block size
 * (an argument error: looked at before the handle); then, for the handle,
 * ERANGE, it is outside the region; EINVAL, it is not the start of a block;
 * ENXIO, the block is not allocated; ESTALE, the block was freed since @handle
 * was returned and allocated again; EPERM, another open file owns it (the first
 * that applies, in this order).  Bytes copied before a concurrent free are not
 * undone.  Like write(2), a WRITE that fails with EFAULT part-way may have
 * written a prefix: the block then holds the new bytes from @pos up to some
 * point, and its old bytes after it; likewise a READ that fails with EFAULT may
 * have filled a prefix of @buf.
 */
struct mpool_ioc_rw {
	__u32 size;
	__u32 __reserved;
	__u8 name[MPOOL_IOC_NAME_MAX];
	__u64 handle;
	__u32 pos;
	__u32 length;
	__aligned_u64 buf;
};

/* Set with the pool's mapping flags in out_flags of mpool_ioc_map. */
#define MPOOL_MAP_WRITABLE	(1U << 0)

/**
 * struct mpool_ioc_map - ioctl(MPOOL_IOC_MAP)
 * @size: sizeof(struct mpool_ioc_map)
 * @__reserved: must be 0
 * @name: the pool's name
 * @out_offset: the offset to pass to mmap() to map the pool's region
 * @out_length: bytes of the region, rounded up to whole pages
 * @out_flags: MPOOL_MAP_WRITABLE when the pool was created with
 *	MPOOL_CREATE_MAP_WRITE
 * @__reserved2: written as 0
 *
 * Needs read access only.  Then mmap(NULL, len, prot, MAP_SHARED, fd,
 * @out_offset + off) maps @len bytes of the region from @off (both
 * multiples of the page size): a block's offset (MPOOL_HANDLE_OFFSET of
 * its handle) indexes a mapping made with @off 0.
 *
 * The offset is taken when the pool is first asked for one, is the same
 * for every later MAP of the pool, spans the region's pages and no more,
 * and lies below 2^44 bytes (a 32-bit process's mmap2() reaches it) as
 * long as offsets there are free; only then does MAP hand out one above.
 * It is given back with the pool's memory (see MPOOL_IOC_DESTROY), and
 * may then be given to another pool.  MAP also allows this open file to
 * map the pool: mmap() of an offset in no range that MAP gave this open
 * file (or the one it was dup()ed or inherited from) fails with EACCES,
 * so an offset kept past its pool's end never maps a pool that this file
 * was not given.  (It can map one that it was: the later pool's range may
 * cover the old offset.)
 *
 * mmap() fails with EINVAL without MAP_SHARED or past the region's end;
 * ENXIO when no pool has that offset, or its pool was destroyed (before
 * the grant is looked at); EACCES as above, and for PROT_WRITE on a
 * pool without MPOOL_CREATE_MAP_WRITE (mprotect() cannot add it later
 * either) or on a file opened read-only.  mremap() cannot grow a mapping.
 * A mapping outlives the file and keeps the pool's memory until munmap().
 *
 * Errors: EPERM also for a kernel user's pool, which cannot be mapped;
 * EOVERFLOW, no range of offsets as large as the region is free.  EFAULT
 * on writing the answer back comes after the grant: the pool's offset is
 * taken and this open file may map it (a later MAP returns the same).
 */
struct mpool_ioc_map {
	__u32 size;
	__u32 __reserved;
	__u8 name[MPOOL_IOC_NAME_MAX];
	__aligned_u64 out_offset;
	__aligned_u64 out_length;
	__u32 out_flags;
	__u32 __reserved2;
};

/* Set the pool's low watermark to @below (needs write access). */
#define MPOOL_WATCH_SET		(1U << 0)

/**
 * struct mpool_ioc_watch - ioctl(MPOOL_IOC_WATCH)
 * @size: sizeof(struct mpool_ioc_watch)
 * @flags: MPOOL_WATCH_* flags
 * @name: the pool's name
 * @below: with MPOOL_WATCH_SET, the pool's new low watermark in free
 *	blocks (0: none); else must be 0
 * @out_below: the pool's low watermark
 * @out_free: blocks free now
 * @__reserved: must be 0
 *
 * The open file now watches the pool (a file watches one pool; a WATCH
 * of another pool replaces the first, and drops the events queued for
 * it; one of the same pool (to set its watermark, or read out_free)
 * keeps them; one that fails, but for EFAULT on writing the answer back, leaves
 * the file's watch, and the pool's watermark, as they were).  Each time the pool's free blocks fall
 * below its watermark, and each time they are back at or above it, an
 * event is queued on every
 * file that watches the pool.  MPOOL_WATCH_SET looks at once: a pool
 * already below the new watermark gives a LOW event, a low pool whose
 * watermark is removed (0) a RECOVERED one.  poll() says
 * EPOLLIN while events are queued and EPOLLHUP once the pool is destroyed;
 * read() returns whole struct mpool_watch_event, oldest first, waiting
 * for one unless the file is O_NONBLOCK (EAGAIN), and 0 (end of file)
 * after the pool was destroyed and its events read.  read() on a file
 * that watches nothing, or with a buffer smaller than one event: EINVAL.
 *
 * Errors: EPERM also for a kernel user's pool, which cannot be watched.
 */
struct mpool_ioc_watch {
	__u32 size;
	__u32 flags;
	__u8 name[MPOOL_IOC_NAME_MAX];
	__u32 below;
	__u32 out_below;
	__u32 out_free;
	__u32 __reserved;
};

/* Free blocks fell below the watermark. */
#define MPOOL_WATCH_LOW		1
/* Free blocks are back at or above the watermark. */
#define MPOOL_WATCH_RECOVERED	2

/**
 * struct mpool_watch_event - what read() returns on a watching file
 * @time_ns: when it happened, CLOCK_REALTIME nanoseconds
 * @type: MPOOL_WATCH_LOW or MPOOL_WATCH_RECOVERED
 * @blocks_free: free blocks then
 * @below: the watermark then
 * @lost: events dropped before this one because the file's queue was
 *	full (a file's queue holds 64)
 */
struct mpool_watch_event {
	__u64 time_ns;
	__u32 type;
	__u32 blocks_free;
	__u32 below;
	__u32 lost;
};

/* Debug modes of MPOOL_IOC_DEBUG (the bits of @on, @off, @out_modes). */
#define MPOOL_DEBUG_POISON	(1U << 0)
#define MPOOL_DEBUG_TRACK	(1U << 1)
/* Flag of MPOOL_IOC_DEBUG: set the quarantine's length to @quarantine. */
#define MPOOL_DEBUG_SET_QUARANTINE (1U << 0)
/* Longest quarantine (it must also be shorter than the pool). */
#define MPOOL_DEBUG_QUARANTINE_MAX 65536

/**
 * struct mpool_ioc_debug - ioctl(MPOOL_IOC_DEBUG)
 * @size: sizeof(struct mpool_ioc_debug)
 * @flags: MPOOL_DEBUG_SET_QUARANTINE or 0
 * @name: the pool's name
 * @on: MPOOL_DEBUG_* modes to switch on
 * @off: MPOOL_DEBUG_* modes to switch off
 * @quarantine: with MPOOL_DEBUG_SET_QUARANTINE, the quarantine's new
 *	length in blocks (0: no quarantine); else must be 0
 * @out_modes: the MPOOL_DEBUG_* modes on after the call
 * @out_quarantine: the quarantine's length after the call
 * @out_quarantined: blocks in the quarantine now
 *
 * Switches the debug checks of a live device pool, with blocks out or
 * not, as /sys/kernel/debug/mempool/<name>/debug does (which can also do
 * it for a kernel user's pool); with @on, @off and @flags all 0 it only
 * reports.
 * All or nothing: a call that fails changed no mode, but for EFAULT on
 * writing the answer back (the modes were changed).
 *
 * - MPOOL_DEBUG_POISON: as MPOOL_CREATE_POISON from now on.  Blocks freed
 *   from now on are poisoned, and checked when allocated again; blocks
 *   that were free when it was switched on are handed out as they are,
 *   unchecked.
 * - MPOOL_DEBUG_TRACK: as MPOOL_CREATE_TRACK from now on; blocks
 *   allocated before show an unknown caller.
 * - Quarantine: a freed block waits in a first-in first-out queue of
 *   @quarantine blocks before it can be allocated again, poisoned; when it
 *   leaves the queue (pushed out by a later free, when the quarantine shrinks,
 *   or when the pool is destroyed) a block written since its free is counted in
 *   out_poison_errors and reported in the kernel log (at notice level for a
 *   device pool) with the pool, the block's offset, the first changed byte and
 *   its freeing and allocating callers (a device pool logs its first such block
 *   only, and device pools together at most one every 5 seconds, so that no
 *   user floods the log).  Blocks in the quarantine are neither free nor in use
 *   (out_quarantined of MPOOL_IOC_STATS); shrinking it lets the oldest go.
 *
 * out_flags of MPOOL_IOC_STATS shows MPOOL_CREATE_POISON and
 * MPOOL_CREATE_TRACK as they are now, not as the pool was created.
 *
 * Errors: EINVAL, an unknown mode in @on or @off, a mode in both, or
 * @quarantine over MPOOL_DEBUG_QUARANTINE_MAX or not smaller than the
 * pool's blocks; EPERM, a change asked on a file without write access,
 * or any call (a report too) on a kernel user's pool; ENOMEM, the arrays
 * a mode needs could not be had; EDQUOT, they would take the device
 * pools' memory past max_bytes (a mode's arrays count against it, as the
 * region does, from when the mode is first switched on until the pool's
 * memory is freed: 1 byte a block for POISON or a quarantine, 8 for
 * TRACK, 8 more for a quarantine).
 */
struct mpool_ioc_debug {
	__u32 size;
	__u32 flags;
	__u8 name[MPOOL_IOC_NAME_MAX];
	__u32 on;
	__u32 off;
	__u32 quarantine;
	__u32 out_modes;
	__u32 out_quarantine;
	__u32 out_quarantined;
};

/**
 * struct mpool_ioc_handover - ioctl(MPOOL_IOC_GIVE), ioctl(MPOOL_IOC_TAKE)
 * @size: sizeof(struct mpool_ioc_handover)
 * @count: number of handles, 1 to MPOOL_IOC_BATCH_MAX (or max_batch)
 * @name: the pool's name
 * @handles: address of @count __u64 handles of owned blocks
 * @results: 0, or the address of @count __s32 that receive, for each
 *	handle, 0 when it was given (taken) or a negative errno: -ERANGE,
 *	-EINVAL, -ENXIO, -ESTALE as for MPOOL_IOC_FREE; -EPERM, for GIVE,
 *	this open file does not own the block (another one does, or nobody:
 *	it was not allocated with MPOOL_ALLOC_OWNED), and for TAKE, its owner
 *	has not given it (the first of these that applies, in this order)
 * @out_done: handles given (taken)
 * @out_invalid: handles refused; their blocks are unchanged
 *
 * How an owned block goes from a producer to a consumer: the producer
 * GIVEs the block's handle, passes the handle on (through shared memory,
 * a socket, anything), and the consumer TAKEs it.  The handle stays the
 * same.  GIVE does not change the owner: the block stays the giver's,
 * and only the giver may free, read or write it, until an open file of
 * the pool with write access TAKEs it; it is then that file's, no longer
 * given, as if that file had allocated it with MPOOL_ALLOC_OWNED.  Any
 * such file may take a given block, the giver too (which takes back its
 * offer).  GIVE of a block already given succeeds and changes nothing.
 *
 * So every owned block has exactly one owner, an open file, and goes back
 * to the pool when that file is closed, whoever dies when:
 *
 * - the producer dies before GIVE, or after GIVE and before the TAKE:
 *   the block is still its own, and freed with its other blocks (counted
 *   in reclaimed_on_close); the consumer's TAKE then fails (-ENXIO, or
 *   -ESTALE once the block was allocated again);
 * - the consumer dies before its TAKE: the block stays given and the
 *   producer's, until the producer takes it back, frees it or is closed;
 * - the consumer dies after its TAKE: the block is freed when its file is
 *   closed.
 *
 * Giving trusts every process that can open the device for writing: a
 * given block's handle is a name anyone who has it may TAKE.
 *
 * Gives (takes) every valid handle even when some are invalid; returns 0
 * unless the arguments themselves are bad.  EFAULT on writing @results or
 * the answer back comes after the work: the valid handles were given
 * (taken).
 *
 * Errors: ENOENT also for a TAKE that ran while the pool was destroyed:
 * no TAKE moves a block of a pool after its DESTROY returned (the blocks
 * stay their givers').
 */
struct mpool_ioc_handover {
	__u32 size;
	__u32 count;
	__u8 name[MPOOL_IOC_NAME_MAX];
	__aligned_u64 handles;
	__aligned_u64 results;
	__u32 out_done;
	__u32 out_invalid;
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
	MPOOL_CMD_MAP = 0x0b,
	MPOOL_CMD_WATCH = 0x0c,
	MPOOL_CMD_DEBUG = 0x0d,
	MPOOL_CMD_GIVE = 0x0e,
	MPOOL_CMD_TAKE = 0x0f,
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
#define MPOOL_IOC_MAP		_IO(MPOOL_IOC_MAGIC, MPOOL_CMD_MAP)
#define MPOOL_IOC_WATCH		_IO(MPOOL_IOC_MAGIC, MPOOL_CMD_WATCH)
#define MPOOL_IOC_DEBUG		_IO(MPOOL_IOC_MAGIC, MPOOL_CMD_DEBUG)
#define MPOOL_IOC_GIVE		_IO(MPOOL_IOC_MAGIC, MPOOL_CMD_GIVE)
#define MPOOL_IOC_TAKE		_IO(MPOOL_IOC_MAGIC, MPOOL_CMD_TAKE)

#endif /* _UAPI_MPOOL_IOCTL_H */
