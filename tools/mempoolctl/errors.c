// SPDX-License-Identifier: GPL-2.0
/*
 * errors.c - errno -> message for mempoolctl (see errors.h).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "bench.h"
#include "errors.h"
#include "format.h"

/* bench: errors of the write to mempool_bench's run file. */
static const char *bench_strerror(int err)
{
	switch (err) {
	case EOPNOTSUPP:
		return "an allocator asked for is not available in this kernel";
	case EINVAL:
		return "invalid argument (--cpus must be at most the number of online CPUs; --block-size 8 to 65536; --ops 1000 to 10000000; --rounds at most 15; the cross workload needs 2 CPUs or more)";
	case EPERM:
	case EACCES:
		return "permission denied: the benchmark needs CAP_SYS_ADMIN";
	case EINTR:
		return "interrupted by a signal";
	case ENOMEM:
		return "out of memory in the kernel";
	case EAGAIN:
		return "a CPU went offline during the run; try again";
	case ENOENT:
		return "the benchmark module went away (was mempool_bench unloaded?)";
	default:
		return strerror(err);
	}
}

static const char *einval_str(enum mp_cmd cmd)
{
	switch (cmd) {
	case MP_CMD_CREATE:
		return "invalid argument (the alignment must be 0 or a power of two up to the page size; block size and count at least 1; valid name)";
	case MP_CMD_READ:
	case MP_CMD_WRITE:
		return "the handle is not the start of a block, or the range passes the block's end";
	case MP_CMD_FREE:
		return "invalid argument (bad count or name)";
	case MP_CMD_ALLOC:
		return "invalid argument (bad count, timeout or name)";
	case MP_CMD_DEBUG:
		return "invalid argument: the quarantine must hold fewer blocks than the pool has";
	default:
		return "invalid argument";
	}
}

const char *mp_strerror(enum mp_cmd cmd, int err)
{
	if (cmd == MP_CMD_BENCH)
		return bench_strerror(err);
	switch (err) {
	case ENOENT:
		return "no such pool";
	case EEXIST:
		return "a pool with that name exists";
	case EBUSY:
		if (cmd == MP_CMD_DESTROY)
			return "blocks are still allocated or the pool is mapped (use --force)";
		return "the device or pool is busy";
	case ENOSPC:
		if (cmd == MP_CMD_CREATE)
			return "the module's max_pools limit is reached: destroy a pool first";
		return "the pool is exhausted";
	case ETIMEDOUT:
		return "no block became free within the timeout";
	case EINTR:
		return "interrupted by a signal while waiting for a block";
	case EDQUOT:
		return "the module's max_bytes limit would be exceeded";
	case EOVERFLOW:
		return "block size times block count overflows";
	case ENAMETOOLONG:
		return "the pool name is too long (at most 31 characters)";
	case EPERM:
		if (cmd == MP_CMD_DEBUG)
			return "permission denied: the pool belongs to a kernel user (root can switch its modes in /sys/kernel/debug/mempool/NAME/debug), or the device was not opened for writing";
		if (cmd == MP_CMD_READ || cmd == MP_CMD_WRITE)
			return "permission denied: another process's open device owns the block (alloc --owned), or the pool belongs to a kernel user";
		return "permission denied: the device was not opened for writing (or the pool belongs to a kernel user)";
	case ESTALE:
		return "stale handle: the block was freed since (and allocated again)";
	case EACCES:
		return "permission denied";
	case ENOMEM:
		if (cmd == MP_CMD_CREATE)
			return "out of memory: the kernel could not reserve the pool";
		if (cmd == MP_CMD_DEBUG)
			return "out of memory: the kernel could not allocate what the modes need; no mode changed";
		return "out of memory in the kernel";
	case ERANGE:
		return "the handle is outside the pool";
	case ENXIO:
		return "the block is not allocated";
	case EINVAL:
		return einval_str(cmd);
	case E2BIG:
		return "the module does not know this request's layout (mempoolctl newer than the module?)";
	case ENOTTY:
		return "the device does not know this command (mempoolctl newer than the module?)";
	case EFAULT:
		return "bad address passed to the kernel";
	default:
		return strerror(err);
	}
}

const char *mp_free_result_str(int res)
{
	switch (res) {
	case -ERANGE:
		return "outside the pool";
	case -EINVAL:
		return "not the start of a block";
	case -ENXIO:
		return "not allocated (double free?)";
	case -ESTALE:
		return "stale handle: the block was freed since (and allocated again)";
	case -EPERM:
		return "permission denied: another process's open device owns the block";
	default:
		/* -INT_MIN would overflow */
		return res > INT_MIN ? strerror(-res) : "unknown error";
	}
}

int mp_format_bench_unavailable(uint32_t mask, char *buf, size_t len)
{
	struct mp_buf b = MP_BUF_INIT(buf, len);
	const char *sep = "";
	unsigned int id, n = 0;

	for (id = 0; id < 32; id++)
		n += (mask >> id) & 1;
	mp_app(&b, "allocator%s ", n == 1 ? "" : "s");
	for (id = 0; id < 32; id++) {
		const char *name = mp_bench_name(MP_BENCH_ALLOCATOR, id);

		if (!(mask & (1u << id)))
			continue;
		if (name)
			mp_app(&b, "%s%s", sep, name);
		else
			mp_app(&b, "%s#%u", sep, id);
		sep = ", ";
	}
	mp_app(&b, " %s not available in this kernel", n == 1 ? "is" : "are");
	return mp_buf_done(&b);
}
