// SPDX-License-Identifier: GPL-2.0
/*
 * commands.c - the handlers of the pool commands: open /dev/mempool,
 * issue the commands through libmpool, print (see commands.h).  The bench handler is in
 * bench_run.c.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "errors.h"
#include "format.h"
#include "libmpool.h"
#include "top.h"

static char outbuf[4096];

int mp_fail(enum mp_cmd cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": %s: ", mp_cmd_name(cmd));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* "mempoolctl: CMD 'NAME': REASON" for an ioctl that failed with @err. */
static int kerr(const struct mp_args *a, int err)
{
	const char *cmd = mp_cmd_name(a->cmd);

	if (a->name)
		fprintf(stderr, PROG ": %s '%s': %s\n", cmd, a->name,
			mp_strerror(a->cmd, err));
	else
		fprintf(stderr, PROG ": %s: %s\n", cmd,
			mp_strerror(a->cmd, err));
	return 1;
}

/* Open the device and check the ABI version; -1 (message printed) on error. */
int mp_open_dev(int flags)
{
	int fd, err, abi;

	fd = open(MP_DEV_PATH, flags | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT)
			fprintf(stderr, PROG ": " MP_DEV_PATH " not found: the mempool module is not loaded (load it with: insmod mempool.ko, or modprobe mempool)\n");
		else if (err == EACCES)
			fprintf(stderr, PROG ": permission denied opening " MP_DEV_PATH " (are you root?)\n");
		else if (err == ENODEV || err == ENXIO)
			fprintf(stderr, PROG ": cannot open " MP_DEV_PATH ": %s (is the mempool module loaded?)\n",
				strerror(err));
		else
			fprintf(stderr, PROG ": cannot open " MP_DEV_PATH ": %s\n",
				strerror(err));
		return -1;
	}
	abi = mpool_version(fd);
	if (abi < 0) {
		fprintf(stderr, PROG ": " MP_DEV_PATH " did not answer the version query: %s (is it the mempool device?)\n",
			strerror(-abi));
		close(fd);
		return -1;
	}
	if (abi != MPOOL_IOC_ABI_VERSION) {
		fprintf(stderr, PROG ": the loaded mempool module speaks ABI version %d, this mempoolctl speaks %u; use the mempoolctl built with the module\n",
			abi, (unsigned int)MPOOL_IOC_ABI_VERSION);
		close(fd);
		return -1;
	}
	return fd;
}

/* 0, or -1 with errno set (callers report errno). */
static int get_stats(int fd, const char *name, struct mpool_ioc_stats *st)
{
	int r = mpool_stats(fd, name, st);

	if (r < 0)
		errno = -r;
	return r < 0 ? -1 : 0;
}

int mp_run_create(int fd, const struct mp_args *a)
{
	int r = mpool_create(fd, a->name, a->block_size, a->nr_blocks,
			     a->align, a->create_flags);

	return r < 0 ? kerr(a, -r) : 0;
}

/*
 * The names of every pool (@*names: @*count * MPOOL_IOC_NAME_MAX bytes,
 * each NUL-terminated; free() it).  Returns 0 or an errno.
 */
static int list_names(int fd, char **names_out, __u32 *count)
{
	char *names = NULL, *tmp;
	__u32 cap = 0;
	int n;

	for (;;) {
		n = mpool_list(fd, (char (*)[MPOOL_IOC_NAME_MAX])names, cap);
		if (n < 0) {
			free(names);
			return -n;
		}
		if ((__u32)n <= cap)
			break;
		/* pools were created in between: grow and ask again */
		cap = (__u32)n + 8;
		tmp = realloc(names, (size_t)cap * MPOOL_IOC_NAME_MAX);
		if (!tmp) {
			free(names);
			return ENOMEM;
		}
		names = tmp;
		memset(names, 0, (size_t)cap * MPOOL_IOC_NAME_MAX);
	}
	*names_out = names;
	*count = (__u32)n;
	return 0;
}

int mp_sample_pools(int fd, struct mp_top_snap *s, char *err, size_t errlen)
{
	struct mp_top_pool *p;
	char *names = NULL;
	__u32 count = 0, i;
	int e;

	s->pools = NULL;
	s->n = 0;
	e = list_names(fd, &names, &count);
	if (e) {
		snprintf(err, errlen, "listing the pools: %s",
			 e == ENOMEM ? "out of memory" : mp_strerror(MP_CMD_LIST, e));
		return -1;
	}
	p = calloc(count ? count : 1, sizeof(*p));
	if (!p) {
		free(names);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < count; i++) {
		const char *name = names + (size_t)i * MPOOL_IOC_NAME_MAX;

		if (get_stats(fd, name, &p[s->n].st) < 0) {
			if (errno == ENOENT)	/* destroyed meanwhile */
				continue;
			snprintf(err, errlen, "stats of '%s': %s", name,
				 mp_strerror(MP_CMD_STATS, errno));
			free(names);
			free(p);
			return -1;
		}
		memcpy(p[s->n].name, name, MPOOL_IOC_NAME_MAX);
		s->n++;
	}
	free(names);
	s->pools = p;
	return 0;
}

int mp_run_list(int fd, const struct mp_args *a)
{
	struct mp_top_snap s;
	const char *sep = "";
	char err[256];
	size_t i;
	int n;

	if (mp_sample_pools(fd, &s, err, sizeof(err)))
		return mp_fail(a->cmd, "%s", err);
	if (a->json) {
		printf("[");
	} else {
		mp_format_list_header(outbuf, sizeof(outbuf));
		fputs(outbuf, stdout);
	}
	for (i = 0; i < s.n; i++) {
		if (a->json) {
			n = mp_format_list_json(s.pools[i].name, &s.pools[i].st,
						outbuf, sizeof(outbuf));
			if (n >= 0)
				printf("%s%s", sep, outbuf);
			sep = ", ";
		} else {
			n = mp_format_list_line(s.pools[i].name,
						&s.pools[i].st, outbuf,
						sizeof(outbuf));
			if (n >= 0)
				fputs(outbuf, stdout);
		}
	}
	if (a->json)
		printf("]\n");
	free(s.pools);
	return 0;
}

/* stats [NAME] --prometheus */
static int run_prometheus(int fd, const struct mp_args *a)
{
	struct mp_top_snap s;
	const char **names;
	char err[256], *buf = NULL;
	size_t len = 1 << 16, i;
	int n = -1;

	if (a->name) {
		s.pools = calloc(1, sizeof(*s.pools));
		if (!s.pools)
			return mp_fail(a->cmd, "out of memory");
		s.n = 1;
		snprintf(s.pools[0].name, sizeof(s.pools[0].name), "%s",
			 a->name);
		if (get_stats(fd, a->name, &s.pools[0].st) < 0) {
			int e = errno;

			free(s.pools);
			return kerr(a, e);
		}
	} else if (mp_sample_pools(fd, &s, err, sizeof(err))) {
		return mp_fail(a->cmd, "%s", err);
	}
	names = calloc(s.n ? s.n : 1, sizeof(*names));
	for (i = 0; names && i < s.n; i++)
		names[i] = s.pools[i].name;
	/* the statistics of one pool each, in a buffer made to fit */
	{
		struct mpool_ioc_stats *st = calloc(s.n ? s.n : 1, sizeof(*st));

		for (i = 0; st && i < s.n; i++)
			st[i] = s.pools[i].st;
		while (names && st && len <= ((size_t)1 << 30)) {
			free(buf);
			buf = malloc(len);
			if (!buf)
				break;
			n = mp_format_prometheus(names, st, s.n, buf, len);
			if (n >= 0)
				break;
			len *= 4;
		}
		free(st);
	}
	if (n >= 0)
		fputs(buf, stdout);
	free(buf);
	free(names);
	free(s.pools);
	if (n < 0)
		return mp_fail(a->cmd, "out of memory");
	return 0;
}

int mp_run_stats(int fd, const struct mp_args *a)
{
	struct mpool_ioc_stats st;
	int n;

	if (a->prometheus)
		return run_prometheus(fd, a);
	if (get_stats(fd, a->name, &st) < 0)
		return kerr(a, errno);
	if (a->json)
		n = mp_format_stats_json(a->name, &st, outbuf, sizeof(outbuf));
	else
		n = mp_format_stats_text(&st, outbuf, sizeof(outbuf));
	if (n < 0) {
		mp_fail(a->cmd, "output too long");
		return 1;
	}
	fputs(outbuf, stdout);
	return 0;
}

/*
 * Blocks one ALLOC or FREE may name: the module parameter max_batch, which
 * an administrator may have set below MPOOL_IOC_BATCH_MAX.
 */
static __u32 batch_max(void)
{
	FILE *f = fopen("/sys/module/mempool/parameters/max_batch", "r");
	unsigned int v = MPOOL_IOC_BATCH_MAX;

	if (f) {
		if (fscanf(f, "%u", &v) != 1 || !v || v > MPOOL_IOC_BATCH_MAX)
			v = MPOOL_IOC_BATCH_MAX;
		fclose(f);
	}
	return v;
}

/*
 * Up to --count blocks, in calls of at most max_batch blocks; each
 * call's handles are printed (0x hex) as it returns.  The first call may wait
 * (--timeout) and its error is the command's; after it, a call that gets
 * fewer blocks than asked or finds the pool empty (ENOSPC) ends the
 * command as a partial allocation does: exit 0.  Any other error of a
 * later call is reported (exit 1) after the handles already allocated.
 *
 * With --owned the blocks belong to this process's open device; having
 * printed them, it holds them until stdin ends, and its exit closes the
 * device, which frees them (a signal that ends it does too).
 */
/* alloc --owned: hold the blocks until stdin ends; 0, or 1 on an error. */
static int hold_owned(const struct mp_args *a)
{
	char buf[512];
	ssize_t n;

	if (!a->owned)
		return 0;
	if (fflush(stdout))
		return mp_fail(a->cmd, "writing to stdout: %s", strerror(errno));
	do {
		n = read(STDIN_FILENO, buf, sizeof(buf));
	} while (n > 0 || (n < 0 && errno == EINTR));
	if (n < 0)
		return mp_fail(a->cmd, "reading stdin: %s", strerror(errno));
	return 0;
}

int mp_run_alloc(int fd, const struct mp_args *a)
{
	uint64_t *offs;
	__u32 done = 0, want, i, batch = batch_max(), flags;
	int first = 1, got;

	offs = calloc(MPOOL_IOC_BATCH_MAX, sizeof(*offs));
	if (!offs) {
		mp_fail(a->cmd, "out of memory");
		return 1;
	}
	while (done < a->count) {
		want = a->count - done;
		if (want > batch)
			want = batch;
		flags = a->owned ? MPOOL_ALLOC_OWNED : 0;
		if (a->have_timeout && first)
			flags |= MPOOL_ALLOC_WAIT;
		got = mpool_alloc(fd, a->name, offs, want, flags,
				  a->have_timeout && first ? a->timeout_ms : 0);
		if (got < 0) {
			int err = -got;

			free(offs);
			if (!first && err == ENOSPC)
				return hold_owned(a);
			if (!first)
				fflush(stdout);
			return kerr(a, err);
		}
		for (i = 0; i < (__u32)got && i < want; i++)
			printf("0x%llx\n", (unsigned long long)offs[i]);
		done += i;
		first = 0;
		if ((__u32)got < want)
			break;
	}
	free(offs);
	return hold_owned(a);
}

int mp_run_free(int fd, const struct mp_args *a)
{
	__s32 *res;
	size_t done = 0, n, i, batch = batch_max();
	int bad = 0, r;

	res = calloc(MPOOL_IOC_BATCH_MAX, sizeof(*res));
	if (!res) {
		mp_fail(a->cmd, "out of memory");
		return 1;
	}
	while (done < a->nr_offsets) {
		n = a->nr_offsets - done;
		if (n > batch)
			n = batch;
		memset(res, 0, MPOOL_IOC_BATCH_MAX * sizeof(*res));
		r = mpool_free(fd, a->name, a->offsets + done, (__u32)n, res);
		if (r < 0) {
			free(res);
			return kerr(a, -r);
		}
		for (i = 0; i < n; i++) {
			if (res[i] >= 0)
				continue;
			fprintf(stderr, PROG ": %s '%s': handle %s: %s\n",
				mp_cmd_name(a->cmd), a->name,
				a->offset_strs[done + i],
				mp_free_result_str(res[i]));
			bad = 1;
		}
		done += n;
	}
	free(res);
	return bad;
}

static int rw_err(const struct mp_args *a, int err)
{
	fprintf(stderr, PROG ": %s '%s': handle %s: %s\n",
		mp_cmd_name(a->cmd), a->name, a->offset_str,
		mp_strerror(a->cmd, err));
	return 1;
}

int mp_run_write(int fd, const struct mp_args *a)
{
	int r = mpool_write(fd, a->name, a->offset, a->pos, a->data,
			    (__u32)a->data_len);

	if (r < 0)
		return r == -ENOENT ? kerr(a, -r) : rw_err(a, -r);
	return 0;
}

int mp_run_read(int fd, const struct mp_args *a)
{
	struct mpool_ioc_stats st;
	__u32 length = a->length;
	char *buf;
	int err;

	if (!a->have_length) {
		if (get_stats(fd, a->name, &st) < 0)
			return kerr(a, errno);
		/* 0 when pos is past the end: the kernel refuses (EINVAL) */
		length = st.out_block_size > a->pos ?
			 (__u32)(st.out_block_size - a->pos) : 0;
	}
	buf = malloc(length ? length : 1);
	if (!buf) {
		mp_fail(a->cmd, "out of memory");
		return 1;
	}
	err = -mpool_read(fd, a->name, a->offset, a->pos, buf, length);
	if (err) {
		free(buf);
		return err == ENOENT ? kerr(a, err) : rw_err(a, err);
	}
	if (fwrite(buf, 1, length, stdout) != length || fflush(stdout)) {
		mp_fail(a->cmd, "writing to stdout: %s", strerror(errno));
		free(buf);
		return 1;
	}
	free(buf);
	return 0;
}

int mp_run_destroy(int fd, const struct mp_args *a)
{
	int r = mpool_destroy(fd, a->name, a->force ? MPOOL_DESTROY_FORCE : 0);

	return r < 0 ? kerr(a, -r) : 0;
}

int mp_run_reset(int fd, const struct mp_args *a)
{
	int r = mpool_reset(fd, a->name);

	return r < 0 ? kerr(a, -r) : 0;
}

/*
 * The device is opened for writing only to change a mode: anyone who may
 * read the counters may see the modes.
 */
int mp_run_debug(int fd, const struct mp_args *a)
{
	int change = a->debug_on || a->debug_off || a->debug_flags;
	struct mpool_ioc_debug d;
	int r;

	fd = mp_open_dev(change ? O_RDWR : O_RDONLY);
	if (fd < 0)
		return 1;
	r = mpool_debug(fd, a->name, a->debug_on, a->debug_off,
			a->debug_flags, a->debug_quarantine, &d);
	close(fd);
	if (r < 0)
		return kerr(a, -r);
	if (mp_format_debug_modes(d.out_modes, d.out_quarantine, outbuf,
				  sizeof(outbuf)) < 0)
		return mp_fail(a->cmd, "output too long");
	fputs(outbuf, stdout);
	return 0;
}

/* The module's ABI version, or -errno; no checks, no message. */
static int module_abi(void)
{
	int fd, abi;

	fd = open(MP_DEV_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	abi = mpool_version(fd);
	close(fd);
	return abi;
}

int mp_run_version(int fd, const struct mp_args *a)
{
	int abi;

	printf(PROG " " MP_VERSION " (ABI %u)\n",
	       (unsigned int)MPOOL_IOC_ABI_VERSION);
	if (a->version_opt) {
		/* --version: says what it finds, always exits 0 */
		abi = module_abi();
		if (abi >= 0)
			printf("module ABI version %d\n", abi);
		else if (abi == -ENOENT)
			printf("module not loaded (no " MP_DEV_PATH ")\n");
		else
			printf("module ABI version unknown: " MP_DEV_PATH ": %s\n",
			       strerror(-abi));
		return 0;
	}
	fflush(stdout);
	fd = mp_open_dev(O_RDONLY);
	if (fd < 0)
		return 1;
	abi = mpool_version(fd);
	if (abi < 0) {
		mp_fail(a->cmd, "%s", strerror(-abi));
		close(fd);
		return 1;
	}
	printf("module ABI version %d\n", abi);
	close(fd);
	return 0;
}
