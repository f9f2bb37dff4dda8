// SPDX-License-Identifier: GPL-2.0
/*
 * commands.c - the handlers of the pool commands: open /dev/mempool,
 * issue the ioctls, print (see commands.h).  The bench handler is in
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
#include <sys/ioctl.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "errors.h"
#include "format.h"
#include "mpool_ioctl.h"
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

static void set_name(__u8 *dst, const char *name)
{
	/* name is validated: at most MPOOL_IOC_NAME_MAX - 1 chars */
	memset(dst, 0, MPOOL_IOC_NAME_MAX);
	memcpy(dst, name, strlen(name));
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do {
		r = ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR && req != MPOOL_IOC_ALLOC);
	return r;
}

/* Open the device and check the ABI version; -1 (message printed) on error. */
int mp_open_dev(int flags)
{
	struct mpool_ioc_version v;
	int fd, err;

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
	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	if (xioctl(fd, MPOOL_IOC_VERSION, &v) < 0) {
		err = errno;
		fprintf(stderr, PROG ": " MP_DEV_PATH " did not answer the version query: %s (is it the mempool device?)\n",
			strerror(err));
		close(fd);
		return -1;
	}
	if (v.out_abi_version != MPOOL_IOC_ABI_VERSION) {
		fprintf(stderr, PROG ": the loaded mempool module speaks ABI version %u, this mempoolctl speaks %u; use the mempoolctl built with the module\n",
			v.out_abi_version, (unsigned int)MPOOL_IOC_ABI_VERSION);
		close(fd);
		return -1;
	}
	return fd;
}

static int get_stats(int fd, const char *name, struct mpool_ioc_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	set_name(st->name, name);
	return xioctl(fd, MPOOL_IOC_STATS, st);
}

int mp_run_create(int fd, const struct mp_args *a)
{
	struct mpool_ioc_create c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.flags = a->create_flags;
	c.block_size = a->block_size;
	c.nr_blocks = a->nr_blocks;
	c.align = a->align;
	set_name(c.name, a->name);
	if (xioctl(fd, MPOOL_IOC_CREATE, &c) < 0)
		return kerr(a, errno);
	return 0;
}

static int cmd_name(int fd, const struct mp_args *a, unsigned long req,
		    __u32 flags)
{
	struct mpool_ioc_name n;

	memset(&n, 0, sizeof(n));
	n.size = sizeof(n);
	n.flags = flags;
	set_name(n.name, a->name);
	if (xioctl(fd, req, &n) < 0)
		return kerr(a, errno);
	return 0;
}

/*
 * The names of every pool (@*names: @*count * MPOOL_IOC_NAME_MAX bytes,
 * each NUL-terminated; free() it).  Returns 0 or an errno.
 */
static int list_names(int fd, char **names_out, __u32 *count)
{
	struct mpool_ioc_list l;
	char *names = NULL, *tmp;
	__u32 cap = 0, i;
	int err;

	for (;;) {
		memset(&l, 0, sizeof(l));
		l.size = sizeof(l);
		l.count = cap;
		l.names = (__u64)(uintptr_t)names;
		if (xioctl(fd, MPOOL_IOC_LIST, &l) < 0) {
			err = errno;
			free(names);
			return err;
		}
		if (l.count <= cap || (cap == 0 && l.count == 0))
			break;
		/* pools were created in between: grow and ask again */
		cap = l.count + 8;
		tmp = realloc(names, (size_t)cap * MPOOL_IOC_NAME_MAX);
		if (!tmp) {
			free(names);
			return ENOMEM;
		}
		names = tmp;
		memset(names, 0, (size_t)cap * MPOOL_IOC_NAME_MAX);
	}
	for (i = 0; i < l.count; i++)
		names[(size_t)i * MPOOL_IOC_NAME_MAX + MPOOL_IOC_NAME_MAX - 1] = 0;
	*names_out = names;
	*count = l.count;
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
	struct mpool_ioc_alloc al;
	__u64 *offs;
	__u32 done = 0, want, i, batch = batch_max();
	int first = 1;

	offs = calloc(MPOOL_IOC_BATCH_MAX, sizeof(*offs));
	if (!offs) {
		mp_fail(a->cmd, "out of memory");
		return 1;
	}
	while (done < a->count) {
		want = a->count - done;
		if (want > batch)
			want = batch;
		memset(&al, 0, sizeof(al));
		al.size = sizeof(al);
		set_name(al.name, a->name);
		al.count = want;
		if (a->have_timeout && first) {
			al.flags = MPOOL_ALLOC_WAIT;
			al.timeout_ms = a->timeout_ms;
		}
		al.handles = (__u64)(uintptr_t)offs;
		if (a->owned)
			al.flags |= MPOOL_ALLOC_OWNED;
		if (xioctl(fd, MPOOL_IOC_ALLOC, &al) < 0) {
			int err = errno;

			free(offs);
			if (!first && err == ENOSPC)
				return hold_owned(a);
			if (!first)
				fflush(stdout);
			return kerr(a, err);
		}
		for (i = 0; i < al.out_allocated && i < want; i++)
			printf("0x%llx\n", (unsigned long long)offs[i]);
		done += i;
		first = 0;
		if (al.out_allocated < want)
			break;
	}
	free(offs);
	return hold_owned(a);
}

int mp_run_free(int fd, const struct mp_args *a)
{
	struct mpool_ioc_free f;
	__s32 *res;
	size_t done = 0, n, i, batch = batch_max();
	int bad = 0;

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
		memset(&f, 0, sizeof(f));
		f.size = sizeof(f);
		f.count = (__u32)n;
		set_name(f.name, a->name);
		f.handles = (__u64)(uintptr_t)(a->offsets + done);
		f.results = (__u64)(uintptr_t)res;
		if (xioctl(fd, MPOOL_IOC_FREE, &f) < 0) {
			int err = errno;

			free(res);
			return kerr(a, err);
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
	struct mpool_ioc_rw rw;

	memset(&rw, 0, sizeof(rw));
	rw.size = sizeof(rw);
	set_name(rw.name, a->name);
	rw.handle = a->offset;
	rw.pos = a->pos;
	rw.length = (__u32)a->data_len;
	rw.buf = (__u64)(uintptr_t)a->data;
	if (xioctl(fd, MPOOL_IOC_WRITE, &rw) < 0)
		return errno == ENOENT ? kerr(a, errno) : rw_err(a, errno);
	return 0;
}

int mp_run_read(int fd, const struct mp_args *a)
{
	struct mpool_ioc_rw rw;
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
	memset(&rw, 0, sizeof(rw));
	rw.size = sizeof(rw);
	set_name(rw.name, a->name);
	rw.handle = a->offset;
	rw.pos = a->pos;
	rw.length = length;
	rw.buf = (__u64)(uintptr_t)buf;
	if (xioctl(fd, MPOOL_IOC_READ, &rw) < 0) {
		err = errno;
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
	return cmd_name(fd, a, MPOOL_IOC_DESTROY,
			a->force ? MPOOL_DESTROY_FORCE : 0);
}

int mp_run_reset(int fd, const struct mp_args *a)
{
	return cmd_name(fd, a, MPOOL_IOC_RESET, 0);
}

/*
 * The device is opened for writing only to change a mode: anyone who may
 * read the counters may see the modes.
 */
int mp_run_debug(int fd, const struct mp_args *a)
{
	int change = a->debug_on || a->debug_off || a->debug_flags;
	struct mpool_ioc_debug d;
	int r, err;

	fd = mp_open_dev(change ? O_RDWR : O_RDONLY);
	if (fd < 0)
		return 1;
	memset(&d, 0, sizeof(d));
	d.size = sizeof(d);
	d.flags = a->debug_flags;
	d.on = a->debug_on;
	d.off = a->debug_off;
	d.quarantine = a->debug_quarantine;
	set_name(d.name, a->name);
	r = xioctl(fd, MPOOL_IOC_DEBUG, &d);
	err = errno;
	close(fd);
	if (r < 0)
		return kerr(a, err);
	if (mp_format_debug_modes(d.out_modes, d.out_quarantine, outbuf,
				  sizeof(outbuf)) < 0)
		return mp_fail(a->cmd, "output too long");
	fputs(outbuf, stdout);
	return 0;
}

/* The module's ABI version, or -errno; no checks, no message. */
static int module_abi(void)
{
	struct mpool_ioc_version v;
	int fd, err;

	fd = open(MP_DEV_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	if (xioctl(fd, MPOOL_IOC_VERSION, &v) < 0) {
		err = errno;
		close(fd);
		return -err;
	}
	close(fd);
	return v.out_abi_version <= INT32_MAX ? (int)v.out_abi_version : -ERANGE;
}

int mp_run_version(int fd, const struct mp_args *a)
{
	struct mpool_ioc_version v;
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
	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	if (xioctl(fd, MPOOL_IOC_VERSION, &v) < 0) {
		mp_fail(a->cmd, "%s", strerror(errno));
		close(fd);
		return 1;
	}
	printf("module ABI version %u\n", v.out_abi_version);
	close(fd);
	return 0;
}
