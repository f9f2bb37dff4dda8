// SPDX-License-Identifier: GPL-2.0
/*
 * bench_run.c - `mempoolctl bench`: drive mempool_bench.ko through its
 * debugfs files (see bench.h) and print the results.  No /dev/mempool.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "bench.h"
#include "commands.h"
#include "errors.h"
#include "format.h"

#define DEBUGFS_MAGIC 0x64626720

/* The most output the run file may give: ~200 bytes per result. */
#define OUT_MAX (1u << 20)
/* The allocators file: a few names. */
#define LIST_MAX 4096

/*
 * The directory of mempool_bench's files.  MEMPOOLCTL_BENCH_DIR replaces
 * it: a test hook only (test_cli points it at a fake directory), not an
 * interface.
 */
static const char *bench_dir(void)
{
	const char *d = getenv("MEMPOOLCTL_BENCH_DIR");

	return d && *d ? d : MP_BENCH_DIR;
}

static int bench_fail(const char *msg)
{
	return mp_fail(MP_CMD_BENCH, "%s", msg);
}

/*
 * Is debugfs mounted where the bench directory should be?  Yes if the
 * parent directory is a debugfs, or if mempool.ko's directory is there.
 */
static int debugfs_mounted(const char *dir)
{
	char parent[4096], sub[4200];
	const char *slash = strrchr(dir, '/');
	struct statfs fs;
	struct stat sb;
	size_t n;

	if (!slash)
		return 1;	/* a relative name: nothing to tell */
	n = (size_t)(slash - dir);
	if (n >= sizeof(parent))
		return 1;
	memcpy(parent, dir, n);
	parent[n] = '\0';
	if (!n)
		strcpy(parent, "/");
	if (statfs(parent, &fs) == 0 && (unsigned long)fs.f_type == DEBUGFS_MAGIC)
		return 1;
	snprintf(sub, sizeof(sub), "%s/mempool", parent);
	return stat(sub, &sb) == 0;
}

/* Check the directory; print why it cannot be used.  0 or 1. */
static int check_dir(const char *dir)
{
	struct stat sb;
	int err;

	if (stat(dir, &sb) == 0)
		return S_ISDIR(sb.st_mode) ? 0 :
		       mp_fail(MP_CMD_BENCH, "%s is not a directory", dir);
	err = errno;
	if (err == EACCES || err == EPERM)
		return bench_fail(mp_strerror(MP_CMD_BENCH, EACCES));
	if (!debugfs_mounted(dir))
		return bench_fail("debugfs is not mounted, so the benchmark module's files cannot be reached (mount it with: mount -t debugfs none /sys/kernel/debug)");
	return bench_fail("the benchmark module is not loaded (load it with: modprobe mempool_bench, or insmod bench/mempool_bench.ko)");
}

/* Read all of @fd into a new NUL-terminated buffer; NULL, errno set. */
static char *read_all(int fd, size_t max, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), *tmp;
	ssize_t r;

	if (!buf)
		return NULL;
	for (;;) {
		if (cap - n < 2) {
			if (cap >= max) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			tmp = realloc(buf, cap * 2);
			if (!tmp) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = tmp;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;

			free(buf);
			errno = err;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * The allocators of @mask the kernel lacks, from its allocators file: all
 * of @mask if the file says nothing (then the message names them all, as
 * the kernel refused them together).
 */
static uint32_t missing_allocators(const char *dir, uint32_t mask)
{
	char path[4200];
	uint32_t missing = 0;
	size_t len;
	char *list;
	int fd;

	snprintf(path, sizeof(path), "%s/allocators", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		list = read_all(fd, LIST_MAX, &len);
		if (list)
			missing = mp_bench_missing(mask, list);
		free(list);
		close(fd);
	}
	return missing ? missing : mask;
}

/* The write to the run file failed with @err: say why. */
static int run_failed(const char *dir, const struct mp_args *a, int err)
{
	char msg[256];

	if (err == EOPNOTSUPP && a->bench_allocators &&
	    mp_format_bench_unavailable(missing_allocators(dir, a->bench_allocators),
					msg, sizeof(msg)) >= 0)
		return bench_fail(msg);
	return bench_fail(mp_strerror(MP_CMD_BENCH, err));
}

static int print_results(const char *out, size_t len, int json)
{
	struct mp_bench_result *res;
	size_t n, count, bad_line, flen;
	const char *why;
	char *buf, msg[256];
	int r;

	n = mp_bench_count_lines(out, len);
	res = calloc(n ? n : 1, sizeof(*res));
	if (!res)
		return bench_fail("out of memory");
	if (mp_bench_parse_results(out, len, res, n, &count, &bad_line, &why)) {
		free(res);
		snprintf(msg, sizeof(msg),
			 "cannot read the kernel's result line %zu: %s (mempoolctl older than the module?)",
			 bad_line, why);
		return bench_fail(msg);
	}
	flen = MP_BENCH_FMT_MAX(count);
	buf = malloc(flen);
	if (!buf) {
		free(res);
		return bench_fail("out of memory");
	}
	if (json)
		r = mp_format_bench_json(res, count, buf, flen);
	else
		r = mp_format_bench_text(res, count, buf, flen);
	if (r >= 0)
		fputs(buf, stdout);
	else
		bench_fail("output too long");
	free(buf);
	free(res);
	return r < 0;
}

int mp_run_bench(int fd, const struct mp_args *a)
{
	const char *dir = bench_dir();
	char path[4200], req[MP_BENCH_REQ_MAX], msg[4400];
	size_t len;
	ssize_t w;
	char *out;
	int n, err, r;

	(void)fd;
	if (check_dir(dir))
		return 1;
	n = mp_bench_request(a, req, sizeof(req));
	if (n < 0)
		return bench_fail("request too long");

	snprintf(path, sizeof(path), "%s/run", dir);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == EACCES || err == EPERM)
			return bench_fail(mp_strerror(MP_CMD_BENCH, err));
		snprintf(msg, sizeof(msg), "cannot open %s: %s", path,
			 strerror(err));
		return bench_fail(msg);
	}
	/* Runs the benchmark: seconds.  A signal stops it (EINTR). */
	w = write(fd, req, (size_t)n);
	if (w < 0) {
		err = errno;
		close(fd);
		return run_failed(dir, a, err);
	}
	if (w != n) {
		close(fd);
		return bench_fail("the kernel took only part of the request");
	}
	out = read_all(fd, OUT_MAX, &len);
	err = errno;
	close(fd);
	if (!out) {
		snprintf(msg, sizeof(msg), "reading the results: %s",
			 strerror(err));
		return bench_fail(msg);
	}
	r = print_results(out, len, a->json);
	free(out);
	return r;
}
