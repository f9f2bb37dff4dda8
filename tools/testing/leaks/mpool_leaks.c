// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_leaks: nothing the module hands back may show kernel memory or a
 * kernel address.  Run as root in the test VM with mempool loaded and no
 * pools.
 *
 * - Each command's struct, and every array it writes, is prefilled with
 *   0xA5 (struct padding, fields and bytes the kernel must not write) and
 *   sent with a size past the kernel's struct, the tail zero: afterwards
 *   every byte the kernel had no business writing still holds what we put
 *   there, and no 8-byte word of the answer looks like a kernel address.
 * - Every block of fresh pools of every flag combination reads back as
 *   zeros (or as the poison byte under MPOOL_CREATE_POISON).
 * - No debugfs file of the module shows a kernel address in hex.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "mpool_ioctl.h"
#include "../mptest.h"

#define FILL 0xA5
/* Extra zero bytes after each struct: the kernel must not write them. */
#define TAIL 64

static int dev;

/* x86-64 kernel addresses (direct map, vmalloc, modules, text) */
static bool kernel_addr(uint64_t v)
{
	return v >= 0xffff800000000000ULL && v != UINT64_MAX &&
	       v != 0xa5a5a5a5a5a5a5a5ULL;
}

/* The first kernel-address-shaped word in @p, or -1. */
static long scan_words(const void *p, size_t len)
{
	size_t i;
	uint64_t v;

	for (i = 0; i + 8 <= len; i += 4) {
		memcpy(&v, (const char *)p + i, 8);
		if (kernel_addr(v))
			return (long)i;
	}
	return -1;
}

static bool all(const void *p, size_t len, unsigned char c)
{
	const unsigned char *b = p;

	while (len--)
		if (*b++ != c)
			return false;
	return true;
}

/*
 * A command struct of @len bytes, FILL everywhere but the TAIL zero
 * bytes after it; the caller sets the fields.
 */
struct cmd {
	unsigned char b[512 + TAIL] __attribute__((aligned(8)));
};

static void *cmd_init(struct cmd *c, size_t len)
{
	memset(c->b, FILL, len);
	memset(c->b + len, 0, TAIL);
	*(uint32_t *)c->b = len + TAIL;
	return c->b;
}

/*
 * After a command: the tail is still zero, and no word of the struct
 * looks like a kernel address.
 */
static void cmd_check(const char *name, struct cmd *c, size_t len)
{
	long at = scan_words(c->b, len + TAIL);

	result(all(c->b + len, TAIL, 0) && at < 0, name,
	       "tail %s, kernel-address word at %ld",
	       all(c->b + len, TAIL, 0) ? "intact" : "written", at);
}

static int create(const char *name, uint32_t bs, uint32_t n, uint32_t flags)
{
	struct mpool_ioc_create c = { .size = sizeof(c), .flags = flags,
				      .block_size = bs, .nr_blocks = n };

	set_name(c.name, name);
	return ioctl(dev, MPOOL_IOC_CREATE, &c) ? errno : 0;
}

static int destroy(const char *name)
{
	struct mpool_ioc_name d = { .size = sizeof(d),
				    .flags = MPOOL_DESTROY_FORCE };

	set_name(d.name, name);
	return ioctl(dev, MPOOL_IOC_DESTROY, &d) ? errno : 0;
}

static void structs(void)
{
	struct mpool_ioc_version *v;
	struct mpool_ioc_list *l;
	struct mpool_ioc_stats *s;
	struct mpool_ioc_alloc *a;
	struct mpool_ioc_free *f;
	struct mpool_ioc_map *m;
	struct mpool_ioc_watch *w;
	uint64_t handles[8];
	char names[4][MPOOL_IOC_NAME_MAX];
	int32_t res[8];
	struct cmd c;
	int r;

	if (create("lk", 64, 4, MPOOL_CREATE_TRACK)) {
		result(0, "leaks-setup", "create: %s", strerror(errno));
		return;
	}

	v = cmd_init(&c, sizeof(*v));
	r = ioctl(dev, MPOOL_IOC_VERSION, v);
	result(!r && v->out_abi_version == MPOOL_IOC_ABI_VERSION,
	       "leaks-version-call", "%s", strerror(errno));
	cmd_check("leaks-version", &c, sizeof(*v));

	/* LIST with room for 4 names: one pool, 3 entries untouched. */
	memset(names, FILL, sizeof(names));
	l = cmd_init(&c, sizeof(*l));
	l->count = 4;
	l->names = (uintptr_t)names;
	r = ioctl(dev, MPOOL_IOC_LIST, l);
	result(!r && l->count == 1 && !strcmp(names[0], "lk") &&
	       all(names[0] + 3, MPOOL_IOC_NAME_MAX - 3, 0) &&
	       all(names[1], 3 * MPOOL_IOC_NAME_MAX, FILL),
	       "leaks-list-names", "the name is NUL-padded, the rest untouched");
	cmd_check("leaks-list", &c, sizeof(*l));

	s = cmd_init(&c, sizeof(*s));
	s->__reserved = 0;
	set_name(s->name, "lk");
	r = ioctl(dev, MPOOL_IOC_STATS, s);
	result(!r && s->out_blocks_total == 4 && !s->__reserved,
	       "leaks-stats-call", "%s, reserved %u", strerror(errno),
	       s->__reserved);
	cmd_check("leaks-stats", &c, sizeof(*s));

	/* ALLOC of up to 8 from a pool of 4: handles[4..7] untouched. */
	memset(handles, FILL, sizeof(handles));
	a = cmd_init(&c, sizeof(*a));
	a->flags = 0;
	set_name(a->name, "lk");
	a->count = 8;
	a->timeout_ms = 0;
	a->handles = (uintptr_t)handles;
	a->out_allocated = 0;
	a->__reserved = 0;
	r = ioctl(dev, MPOOL_IOC_ALLOC, a);
	result(!r && a->out_allocated == 4 && !a->__reserved &&
	       scan_words(handles, 32) < 0 &&
	       all(&handles[4], 32, FILL), "leaks-alloc-handles",
	       "%s, %u allocated", r ? strerror(errno) : "ok",
	       a->out_allocated);
	cmd_check("leaks-alloc", &c, sizeof(*a));

	/* FREE of 2: results[2..7] untouched. */
	memset(res, FILL, sizeof(res));
	f = cmd_init(&c, sizeof(*f));
	f->count = 2;
	set_name(f->name, "lk");
	f->handles = (uintptr_t)handles;
	f->results = (uintptr_t)res;
	f->out_freed = 0;
	f->out_invalid = 0;
	r = ioctl(dev, MPOOL_IOC_FREE, f);
	result(!r && f->out_freed == 2 && !res[0] && !res[1] &&
	       all(&res[2], 6 * sizeof(res[0]), FILL), "leaks-free-results",
	       "%s", r ? strerror(errno) : "results written past count");
	cmd_check("leaks-free", &c, sizeof(*f));

	/* MAP: __reserved2 is written as 0, like every output field. */
	m = cmd_init(&c, sizeof(*m));
	m->__reserved = 0;
	set_name(m->name, "lk");
	r = ioctl(dev, MPOOL_IOC_MAP, m);
	result(!r && !m->__reserved2 && m->out_length >= 4 * 64 &&
	       !(m->out_flags & ~MPOOL_MAP_WRITABLE), "leaks-map-call",
	       "%s, reserved2 %#x", r ? strerror(errno) : "ok",
	       m->__reserved2);
	cmd_check("leaks-map", &c, sizeof(*m));

	w = cmd_init(&c, sizeof(*w));
	w->flags = MPOOL_WATCH_SET;
	set_name(w->name, "lk");
	w->below = 1;
	w->__reserved = 0;
	r = ioctl(dev, MPOOL_IOC_WATCH, w);
	result(!r && w->out_below == 1 && w->out_free <= 4 && !w->__reserved,
	       "leaks-watch-call", "%s", r ? strerror(errno) : "ok");
	cmd_check("leaks-watch", &c, sizeof(*w));
	destroy("lk");
}

/* Every block of a fresh pool reads back as what the pool was given. */
static void fresh_blocks(void)
{
	static unsigned char buf[4096];
	unsigned int flags, bad = 0, blocks = 0, got;
	uint64_t h[64];

	for (flags = 0; flags < 16; flags++) {
		struct mpool_ioc_alloc a = { .size = sizeof(a), .count = 64,
					     .handles = (uintptr_t)h };
		unsigned char want = flags & MPOOL_CREATE_POISON &&
				     !(flags & MPOOL_CREATE_ZERO) ? 0x6b : 0;
		unsigned int i;

		if (create("lkf", 4096, 64, flags)) {
			result(0, "leaks-fresh-setup", "create flags %u: %s",
			       flags, strerror(errno));
			return;
		}
		set_name(a.name, "lkf");
		/*
		 * WAIT drains other CPUs' caches: a per-CPU pool gives all
		 * 64 blocks within a few calls, wherever this thread runs.
		 */
		for (i = 0, got = 0; got < 64 && i < 16; i++) {
			a.flags = MPOOL_ALLOC_WAIT;
			a.timeout_ms = 100;
			a.count = 64 - got;
			a.handles = (uintptr_t)&h[got];
			a.out_allocated = 0;
			if (ioctl(dev, MPOOL_IOC_ALLOC, &a))
				break;
			got += a.out_allocated;
		}
		for (i = 0; i < got; i++) {
			struct mpool_ioc_rw r = { .size = sizeof(r),
						  .handle = h[i],
						  .length = sizeof(buf),
						  .buf = (uintptr_t)buf };

			set_name(r.name, "lkf");
			memset(buf, FILL, sizeof(buf));
			if (ioctl(dev, MPOOL_IOC_READ, &r) ||
			    !all(buf, sizeof(buf), want))
				bad++;
			blocks++;
		}
		destroy("lkf");
	}
	result(!bad && blocks == 16 * 64, "leaks-fresh-blocks",
	       "%u of %u blocks of fresh pools held bytes they were not given",
	       bad, blocks);
}

/*
 * Hex words of 16 digits that are kernel addresses, in a debugfs file; a
 * file that cannot be read counts as one, since it was not looked at.
 */
static unsigned int scan_file(const char *path)
{
	char line[1024];
	unsigned int hits = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line;

		while ((p = strpbrk(p, "0123456789abcdefABCDEF"))) {
			size_t n = strspn(p, "0123456789abcdefABCDEFx");
			char *end;
			uint64_t v = strtoull(p, &end, 16);

			if (n >= 16 && kernel_addr(v)) {
				fprintf(stderr, "%s: %s", path, line);
				hits++;
			}
			p += n;
		}
	}
	fclose(f);
	return hits;
}

static void debugfs(void)
{
	static const char *const top = "/sys/kernel/debug/mempool";
	unsigned int hits = 0, files = 0;
	char path[1024];
	struct dirent *e, *e2;
	DIR *d, *d2;

	if (create("lkd", 128, 8, MPOOL_CREATE_TRACK | MPOOL_CREATE_PERCPU)) {
		result(0, "leaks-debugfs-setup", "create: %s", strerror(errno));
		return;
	} else {
		uint64_t h[4];
		struct mpool_ioc_alloc a = { .size = sizeof(a), .count = 4,
					     .handles = (uintptr_t)h };

		set_name(a.name, "lkd");
		ioctl(dev, MPOOL_IOC_ALLOC, &a);
	}
	d = opendir(top);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", top, e->d_name);
		d2 = opendir(path);
		if (!d2) {
			hits += scan_file(path);
			files++;
			continue;
		}
		while ((e2 = readdir(d2))) {
			if (e2->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s", top,
				 e->d_name, e2->d_name);
			hits += scan_file(path);
			files++;
		}
		closedir(d2);
	}
	if (d)
		closedir(d);
	result(files >= 3 && !hits, "leaks-debugfs",
	       "%u files read, %u kernel addresses shown", files, hits);
	destroy("lkd");
}

int main(void)
{
	dev = open("/dev/mempool", O_RDWR);
	if (dev < 0) {
		result(0, "leaks-open", "/dev/mempool: %s", strerror(errno));
		return 0;
	}
	structs();
	fresh_blocks();
	debugfs();
	close(dev);
	return 0;
}
