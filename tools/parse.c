// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c - the pure part of mempoolctl (see parse.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static int digit_val(char c, int base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return v < base ? v : -1;
}

/* Parse digits at *sp; leave *sp after them.  Returns 0 or -1. */
static int parse_digits(const char **sp, uint64_t *out)
{
	const char *s = *sp;
	uint64_t v = 0;
	int base = 10, n = 0, d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	while ((d = digit_val(*s, base)) >= 0) {
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return -1;
		v = v * (uint64_t)base + (uint64_t)d;
		s++;
		n++;
	}
	if (n == 0)
		return -1;
	*sp = s;
	*out = v;
	return 0;
}

int mp_parse_size(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v, mul = 1;

	if (!s || !*s)
		return -1;
	if (parse_digits(&s, &v))
		return -1;
	switch (*s) {
	case '\0':
		break;
	case 'k': case 'K':
		mul = 1ULL << 10;
		s++;
		break;
	case 'm': case 'M':
		mul = 1ULL << 20;
		s++;
		break;
	case 'g': case 'G':
		mul = 1ULL << 30;
		s++;
		break;
	default:
		return -1;
	}
	if (*s)
		return -1;
	if (v > UINT64_MAX / mul)
		return -1;
	v *= mul;
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int mp_parse_offset(const char *s, uint64_t *out)
{
	uint64_t v;

	if (!s || !*s)
		return -1;
	if (parse_digits(&s, &v) || *s)
		return -1;
	*out = v;
	return 0;
}

int mp_valid_name(const char *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	for (; s[n]; n++) {
		char c = s[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return 0;
		if (n + 1 >= MPOOL_IOC_NAME_MAX)
			return 0;
	}
	return n >= 1;
}

static const char *const cmd_names[MP_CMD_COUNT] = {
	[MP_CMD_CREATE] = "create",
	[MP_CMD_DESTROY] = "destroy",
	[MP_CMD_LIST] = "list",
	[MP_CMD_STATS] = "stats",
	[MP_CMD_ALLOC] = "alloc",
	[MP_CMD_FREE] = "free",
	[MP_CMD_WRITE] = "write",
	[MP_CMD_READ] = "read",
	[MP_CMD_RESET] = "reset",
	[MP_CMD_BENCH] = "bench",
	[MP_CMD_VERSION] = "version",
	[MP_CMD_HELP] = "help",
};

const char *mp_cmd_name(enum mp_cmd cmd)
{
	if ((int)cmd <= MP_CMD_NONE || cmd >= MP_CMD_COUNT)
		return NULL;
	return cmd_names[cmd];
}

enum mp_cmd mp_cmd_lookup(const char *s)
{
	int i;

	for (i = MP_CMD_NONE + 1; i < MP_CMD_COUNT; i++)
		if (!strcmp(s, cmd_names[i]))
			return (enum mp_cmd)i;
	return MP_CMD_NONE;
}

static const char usage_top[] =
	"Usage: mempoolctl COMMAND [ARGS...] [OPTIONS]\n"
	"\n"
	"Drive the pools of the mempool module through /dev/mempool.\n"
	"\n"
	"Commands:\n"
	"  create NAME --block-size N --blocks N [--align N] [--zero] [--poison]\n"
	"         [--track] [--percpu]\n"
	"  destroy NAME [--force]\n"
	"  list [--json]\n"
	"  stats NAME [--json]\n"
	"  alloc NAME [--count N] [--timeout MS]\n"
	"  free NAME OFFSET...\n"
	"  write NAME OFFSET DATA [--pos N]\n"
	"  read NAME OFFSET [--length N] [--pos N]\n"
	"  reset NAME\n"
	"  bench [--allocator LIST] [--workload LIST] [--cpus N] [--block-size N]\n"
	"        [--ops N] [--rounds N] [--json]\n"
	"  version\n"
	"  help [COMMAND]\n"
	"\n"
	"Sizes and counts take the suffixes k, m, g (powers of 1024);\n"
	"offsets are decimal or 0x hex.  'mempoolctl COMMAND --help' for more.\n"
	"Exit status: 0 success, 1 refused by the kernel, 2 bad usage.\n";

static const char *const usage_cmd[MP_CMD_COUNT] = {
	[MP_CMD_CREATE] =
	"Usage: mempoolctl create NAME --block-size N --blocks N [--align N]\n"
	"                         [--zero] [--poison] [--track] [--percpu]\n"
	"\n"
	"Create a pool of N blocks of --block-size bytes each.\n"
	"NAME: 1 to 31 characters from [A-Za-z0-9_.-].\n"
	"  --block-size N  bytes per block (at least 1; suffixes k, m, g)\n"
	"  --blocks N      number of blocks (at least 1)\n"
	"  --align N       block alignment: a power of two up to the page size\n"
	"                  (default 8)\n"
	"  --zero          zero each block on allocation\n"
	"  --poison        poison freed blocks, report writes to them\n"
	"  --track         record the allocating caller (shown in debugfs)\n"
	"  --percpu        per-CPU caches of free blocks (if the module has them)\n",
	[MP_CMD_DESTROY] =
	"Usage: mempoolctl destroy NAME [--force]\n"
	"\n"
	"Destroy a pool.\n"
	"  --force  destroy it even though blocks are still allocated\n",
	[MP_CMD_LIST] =
	"Usage: mempoolctl list [--json]\n"
	"\n"
	"List the pools with their headline numbers.\n"
	"  --json  print a JSON array\n",
	[MP_CMD_STATS] =
	"Usage: mempoolctl stats NAME [--json]\n"
	"\n"
	"Print a pool's statistics as 'key: value' lines, the format of\n"
	"/sys/kernel/debug/mempool/NAME/stats.\n"
	"  --json  print a JSON object\n",
	[MP_CMD_ALLOC] =
	"Usage: mempoolctl alloc NAME [--count N] [--timeout MS]\n"
	"\n"
	"Allocate up to --count blocks (default 1, at most 1024) and print\n"
	"their offsets, one per line.  Fewer may be allocated if fewer are free.\n"
	"  --count N     most blocks to allocate\n"
	"  --timeout MS  when no block is free, wait up to MS milliseconds\n"
	"                (at least 1) for one\n",
	[MP_CMD_FREE] =
	"Usage: mempoolctl free NAME OFFSET...\n"
	"\n"
	"Free blocks by offset (decimal or 0x hex).  Every valid offset is\n"
	"freed; each invalid one is reported and makes the exit status 1.\n",
	[MP_CMD_WRITE] =
	"Usage: mempoolctl write NAME OFFSET DATA [--pos N]\n"
	"\n"
	"Copy the bytes of the string DATA (without a NUL) into the allocated\n"
	"block at OFFSET.  Put '--' before DATA if it begins with '-'.\n"
	"  --pos N  first byte within the block (default 0)\n",
	[MP_CMD_READ] =
	"Usage: mempoolctl read NAME OFFSET [--length N] [--pos N]\n"
	"\n"
	"Write the raw bytes of the allocated block at OFFSET to stdout.\n"
	"  --length N  bytes to read (default: to the end of the block)\n"
	"  --pos N     first byte within the block (default 0)\n",
	[MP_CMD_RESET] =
	"Usage: mempoolctl reset NAME\n"
	"\n"
	"Zero a pool's counters; its high watermark becomes the blocks in use.\n",
	[MP_CMD_BENCH] =
	"Usage: mempoolctl bench [--allocator LIST] [--workload LIST] [--cpus N]\n"
	"                        [--block-size N] [--ops N] [--rounds N] [--json]\n"
	"\n"
	"Run the in-kernel benchmark: each allocator on each workload, in\n"
	"kthreads pinned one per CPU, and print one line per run (needs\n"
	"CAP_SYS_ADMIN; keeps the CPUs busy for seconds).\n"
	"  --allocator LIST  comma-separated, from: mempool, mempool-nocache,\n"
	"                    naive, kmem_cache, kmalloc, mempool_t, gen_pool,\n"
	"                    objpool (default: every one this kernel has)\n"
	"  --workload LIST   comma-separated, from: pair (alloc, free), burst\n"
	"                    (64 allocs, 64 frees), cross (alloc on one CPU, free\n"
	"                    on the next) (default: all; cross needs 2 CPUs)\n"
	"  --cpus N          run on N CPUs (default: on 1 and on all online)\n"
	"  --block-size N    bytes per block, 8 to the page size (default 64)\n"
	"  --ops N           alloc+free pairs per CPU per run, 1000 to 10000000\n"
	"                    (default 200000)\n"
	"  --rounds N        repeat each run N times, 1 to 15, interleaved with the\n"
	"                    other allocators; report the fastest (default 5)\n"
	"  --json            print a JSON array, one object per run\n"
	"Both options taking a LIST may be repeated.  Columns: ns/op is the time\n"
	"of one alloc+free pair on one CPU; Mops/s the pairs per second of all\n"
	"CPUs together (millions); p50, p99, max the latency of one sampled\n"
	"alloc or free call, in ns.\n",
	[MP_CMD_VERSION] =
	"Usage: mempoolctl version\n"
	"\n"
	"Print the ABI version of mempoolctl and of the loaded module.\n",
	[MP_CMD_HELP] =
	"Usage: mempoolctl help [COMMAND]\n"
	"\n"
	"Print the usage of mempoolctl or of COMMAND.\n",
};

const char *mp_usage(enum mp_cmd cmd)
{
	if ((int)cmd <= MP_CMD_NONE || cmd >= MP_CMD_COUNT)
		return usage_top;
	return usage_cmd[cmd];
}

/* Options: which commands take them and whether they take a value. */
enum mp_opt {
	OPT_BLOCK_SIZE, OPT_BLOCKS, OPT_ALIGN, OPT_ZERO, OPT_POISON,
	OPT_TRACK, OPT_FORCE, OPT_JSON, OPT_COUNT, OPT_TIMEOUT, OPT_POS,
	OPT_LENGTH, OPT_PERCPU, OPT_ALLOCATOR, OPT_WORKLOAD, OPT_CPUS,
	OPT_OPS, OPT_ROUNDS,
};

#define C(x) (1u << (x))

/* A number option's field: its offset in struct mp_args, plus one. */
#define U32(field) (offsetof(struct mp_args, field) + 1)

static const struct {
	const char *name;
	enum mp_opt id;
	int has_arg;
	unsigned int cmds;
	size_t u32;		/* U32(field) for a number option, else 0 */
} opts[] = {
	{ "--block-size", OPT_BLOCK_SIZE, 1, C(MP_CMD_CREATE) | C(MP_CMD_BENCH),
	  U32(block_size) },
	{ "--blocks", OPT_BLOCKS, 1, C(MP_CMD_CREATE), U32(nr_blocks) },
	{ "--align", OPT_ALIGN, 1, C(MP_CMD_CREATE), U32(align) },
	{ "--zero", OPT_ZERO, 0, C(MP_CMD_CREATE), 0 },
	{ "--poison", OPT_POISON, 0, C(MP_CMD_CREATE), 0 },
	{ "--track", OPT_TRACK, 0, C(MP_CMD_CREATE), 0 },
	{ "--percpu", OPT_PERCPU, 0, C(MP_CMD_CREATE), 0 },
	{ "--force", OPT_FORCE, 0, C(MP_CMD_DESTROY), 0 },
	{ "--json", OPT_JSON, 0,
	  C(MP_CMD_LIST) | C(MP_CMD_STATS) | C(MP_CMD_BENCH), 0 },
	{ "--count", OPT_COUNT, 1, C(MP_CMD_ALLOC), U32(count) },
	{ "--timeout", OPT_TIMEOUT, 1, C(MP_CMD_ALLOC), U32(timeout_ms) },
	{ "--pos", OPT_POS, 1, C(MP_CMD_WRITE) | C(MP_CMD_READ), U32(pos) },
	{ "--length", OPT_LENGTH, 1, C(MP_CMD_READ), U32(length) },
	{ "--allocator", OPT_ALLOCATOR, 1, C(MP_CMD_BENCH), 0 },
	{ "--workload", OPT_WORKLOAD, 1, C(MP_CMD_BENCH), 0 },
	{ "--cpus", OPT_CPUS, 1, C(MP_CMD_BENCH), U32(cpus) },
	{ "--ops", OPT_OPS, 1, C(MP_CMD_BENCH), U32(ops) },
	{ "--rounds", OPT_ROUNDS, 1, C(MP_CMD_BENCH), U32(rounds) },
};

static int usage_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int usage_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return MP_PARSE_USAGE;
}

static int parse_u32_opt(const char *cmd, const char *opt, const char *val,
			 uint32_t *out, char *err, size_t errlen)
{
	uint64_t v;

	if (mp_parse_size(val, UINT32_MAX, &v))
		return usage_err(err, errlen,
				 "%s: invalid value '%s' for %s: expected a number from 0 to 4294967295 (suffixes k, m, g)",
				 cmd, val, opt);
	*out = (uint32_t)v;
	return 0;
}

/* --allocator LIST / --workload LIST: the bits add up over repeats. */
static int parse_bench_list_opt(const char *cmd, enum mp_opt id,
				const char *val, struct mp_args *a, char *err,
				size_t errlen)
{
	enum mp_bench_kind kind = id == OPT_ALLOCATOR ? MP_BENCH_ALLOCATOR
						      : MP_BENCH_WORKLOAD;
	const char *what = kind == MP_BENCH_ALLOCATOR ? "allocator"
						      : "workload";
	uint32_t mask;
	char bad[64];

	if (mp_bench_parse_list(kind, val, &mask, bad, sizeof(bad))) {
		if (!*bad)
			return usage_err(err, errlen,
					 "%s: empty %s name in '%s'", cmd,
					 what, val);
		return usage_err(err, errlen, "%s: unknown %s '%s' (known: %s)",
				 cmd, what, bad, kind == MP_BENCH_ALLOCATOR ?
				 "mempool, mempool-nocache, naive, kmem_cache, kmalloc, mempool_t, gen_pool, objpool" :
				 "pair, burst, cross");
	}
	if (kind == MP_BENCH_ALLOCATOR)
		a->bench_allocators |= mask;
	else
		a->bench_workloads |= mask;
	return 0;
}

/* Positional arguments each command takes: min, max (-1: unbounded). */
static const int npos_min[MP_CMD_COUNT] = {
	[MP_CMD_CREATE] = 1, [MP_CMD_DESTROY] = 1, [MP_CMD_LIST] = 0,
	[MP_CMD_STATS] = 1, [MP_CMD_ALLOC] = 1, [MP_CMD_FREE] = 2,
	[MP_CMD_WRITE] = 3, [MP_CMD_READ] = 2, [MP_CMD_RESET] = 1,
	[MP_CMD_BENCH] = 0, [MP_CMD_VERSION] = 0, [MP_CMD_HELP] = 0,
};
static const int npos_max[MP_CMD_COUNT] = {
	[MP_CMD_CREATE] = 1, [MP_CMD_DESTROY] = 1, [MP_CMD_LIST] = 0,
	[MP_CMD_STATS] = 1, [MP_CMD_ALLOC] = 1, [MP_CMD_FREE] = -1,
	[MP_CMD_WRITE] = 3, [MP_CMD_READ] = 2, [MP_CMD_RESET] = 1,
	[MP_CMD_BENCH] = 0, [MP_CMD_VERSION] = 0, [MP_CMD_HELP] = 1,
};

static const char *const pos_missing[MP_CMD_COUNT][3] = {
	[MP_CMD_CREATE] = { "NAME" },
	[MP_CMD_DESTROY] = { "NAME" },
	[MP_CMD_STATS] = { "NAME" },
	[MP_CMD_ALLOC] = { "NAME" },
	[MP_CMD_FREE] = { "NAME", "OFFSET" },
	[MP_CMD_WRITE] = { "NAME", "OFFSET", "DATA" },
	[MP_CMD_READ] = { "NAME", "OFFSET" },
	[MP_CMD_RESET] = { "NAME" },
};

static int is_help(const char *s)
{
	return !strcmp(s, "-h") || !strcmp(s, "--help");
}

int mp_parse_args(int argc, char *const argv[], struct mp_args *a,
		  char *err, size_t errlen)
{
	const char **pos = NULL;
	const char *cmd;
	int npos = 0, i, j, opts_done = 0, ret = MP_PARSE_OK;
	int have_bs = 0, have_blocks = 0, have_count = 0;

	memset(a, 0, sizeof(*a));
	if (err && errlen)
		err[0] = '\0';
	a->count = 1;

	if (argc < 2)
		return usage_err(err, errlen, "no command given");
	if (is_help(argv[1])) {
		a->cmd = MP_CMD_HELP;
		a->help_cmd = MP_CMD_NONE;
		return MP_PARSE_HELP;
	}
	a->cmd = mp_cmd_lookup(argv[1]);
	if (a->cmd == MP_CMD_NONE) {
		if (argv[1][0] == '-')
			return usage_err(err, errlen, "unknown option '%s'",
					 argv[1]);
		return usage_err(err, errlen, "unknown command '%s'", argv[1]);
	}
	cmd = argv[1];

	/* -h/--help anywhere before "--" wins over any error. */
	for (i = 2; i < argc && strcmp(argv[i], "--"); i++) {
		if (is_help(argv[i])) {
			a->help_cmd = a->cmd == MP_CMD_HELP ? MP_CMD_NONE
							     : a->cmd;
			a->cmd = MP_CMD_HELP;
			return MP_PARSE_HELP;
		}
	}

	pos = calloc((size_t)argc, sizeof(*pos));
	if (!pos)
		return usage_err(err, errlen, "out of memory");

	for (i = 2; i < argc; i++) {
		const char *arg = argv[i], *val = NULL, *eq;
		size_t olen;
		int found = -1;

		if (opts_done || arg[0] != '-' || arg[1] == '\0') {
			pos[npos++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			opts_done = 1;
			continue;
		}
		if (is_help(arg)) {
			a->help_cmd = a->cmd;
			a->cmd = MP_CMD_HELP;
			ret = MP_PARSE_HELP;
			goto out;
		}
		eq = strchr(arg, '=');
		olen = eq ? (size_t)(eq - arg) : strlen(arg);
		for (j = 0; j < (int)(sizeof(opts) / sizeof(opts[0])); j++) {
			if (strlen(opts[j].name) == olen &&
			    !strncmp(opts[j].name, arg, olen) &&
			    (opts[j].cmds & C(a->cmd))) {
				found = j;
				break;
			}
		}
		if (found < 0) {
			ret = usage_err(err, errlen, "%s: unknown option '%.*s'",
					cmd, (int)olen, arg);
			goto out;
		}
		if (opts[found].has_arg) {
			if (eq) {
				val = eq + 1;
			} else if (i + 1 < argc) {
				val = argv[++i];
			} else {
				ret = usage_err(err, errlen,
						"%s: option %s needs a value",
						cmd, opts[found].name);
				goto out;
			}
		} else if (eq) {
			ret = usage_err(err, errlen,
					"%s: option %s takes no value",
					cmd, opts[found].name);
			goto out;
		}

		if (opts[found].u32)
			ret = parse_u32_opt(cmd, opts[found].name, val,
					    (uint32_t *)((char *)a +
							 opts[found].u32 - 1),
					    err, errlen);
		switch (opts[found].id) {
		case OPT_BLOCK_SIZE:
			have_bs = 1;
			break;
		case OPT_BLOCKS:
			have_blocks = 1;
			break;
		case OPT_ZERO:
			a->create_flags |= MPOOL_CREATE_ZERO;
			break;
		case OPT_POISON:
			a->create_flags |= MPOOL_CREATE_POISON;
			break;
		case OPT_TRACK:
			a->create_flags |= MPOOL_CREATE_TRACK;
			break;
		case OPT_PERCPU:
			a->create_flags |= MPOOL_CREATE_PERCPU;
			break;
		case OPT_FORCE:
			a->force = 1;
			break;
		case OPT_JSON:
			a->json = 1;
			break;
		case OPT_COUNT:
			have_count = 1;
			break;
		case OPT_TIMEOUT:
			a->have_timeout = 1;
			break;
		case OPT_LENGTH:
			a->have_length = 1;
			break;
		case OPT_ALLOCATOR:
		case OPT_WORKLOAD:
			ret = parse_bench_list_opt(cmd, opts[found].id, val, a,
						   err, errlen);
			break;
		default:	/* a number option, parsed above */
			break;
		}
		if (ret)
			goto out;
	}

	if (a->cmd == MP_CMD_HELP) {
		/* "help [COMMAND]" */
		a->help_cmd = MP_CMD_NONE;
		if (npos > 1) {
			ret = usage_err(err, errlen,
					"help: unexpected argument '%s'",
					pos[1]);
			goto out;
		}
		if (npos == 1) {
			a->help_cmd = mp_cmd_lookup(pos[0]);
			if (a->help_cmd == MP_CMD_NONE) {
				ret = usage_err(err, errlen,
						"help: unknown command '%s'",
						pos[0]);
				goto out;
			}
		}
		ret = MP_PARSE_HELP;
		goto out;
	}

	if (npos < npos_min[a->cmd]) {
		ret = usage_err(err, errlen, "%s: missing %s", cmd,
				pos_missing[a->cmd][npos]);
		goto out;
	}
	if (npos_max[a->cmd] >= 0 && npos > npos_max[a->cmd]) {
		ret = usage_err(err, errlen, "%s: unexpected argument '%s'",
				cmd, pos[npos_max[a->cmd]]);
		goto out;
	}

	if (npos_min[a->cmd] >= 1) {
		a->name = pos[0];
		if (!mp_valid_name(a->name)) {
			if (!*a->name)
				ret = usage_err(err, errlen,
						"%s: the pool name is empty",
						cmd);
			else if (strlen(a->name) >= MPOOL_IOC_NAME_MAX)
				ret = usage_err(err, errlen,
						"%s: invalid pool name '%s': longer than %d characters",
						cmd, a->name,
						MPOOL_IOC_NAME_MAX - 1);
			else
				ret = usage_err(err, errlen,
						"%s: invalid pool name '%s': use only A-Z a-z 0-9 _ . -",
						cmd, a->name);
			goto out;
		}
	}

	switch (a->cmd) {
	case MP_CMD_CREATE:
		if (!have_bs) {
			ret = usage_err(err, errlen, "%s: missing --block-size",
					cmd);
			goto out;
		}
		if (!have_blocks) {
			ret = usage_err(err, errlen, "%s: missing --blocks",
					cmd);
			goto out;
		}
		if (a->block_size == 0) {
			ret = usage_err(err, errlen,
					"%s: --block-size must be at least 1",
					cmd);
			goto out;
		}
		if (a->nr_blocks == 0) {
			ret = usage_err(err, errlen,
					"%s: --blocks must be at least 1", cmd);
			goto out;
		}
		break;
	case MP_CMD_ALLOC:
		if (have_count &&
		    (a->count < 1 || a->count > MPOOL_IOC_BATCH_MAX)) {
			ret = usage_err(err, errlen,
					"%s: --count must be from 1 to %d",
					cmd, MPOOL_IOC_BATCH_MAX);
			goto out;
		}
		if (a->have_timeout && a->timeout_ms == 0) {
			ret = usage_err(err, errlen,
					"%s: --timeout must be at least 1 (milliseconds)",
					cmd);
			goto out;
		}
		break;
	case MP_CMD_FREE:
		a->nr_offsets = (size_t)(npos - 1);
		a->offsets = calloc(a->nr_offsets, sizeof(*a->offsets));
		a->offset_strs = calloc(a->nr_offsets,
					sizeof(*a->offset_strs));
		if (!a->offsets || !a->offset_strs) {
			ret = usage_err(err, errlen, "out of memory");
			goto out;
		}
		for (j = 0; j < (int)a->nr_offsets; j++) {
			a->offset_strs[j] = pos[j + 1];
			if (mp_parse_offset(pos[j + 1], &a->offsets[j])) {
				ret = usage_err(err, errlen,
						"%s: invalid offset '%s': expected a decimal or 0x hex number",
						cmd, pos[j + 1]);
				goto out;
			}
		}
		break;
	case MP_CMD_WRITE:
	case MP_CMD_READ:
		a->offset_str = pos[1];
		if (mp_parse_offset(pos[1], &a->offset)) {
			ret = usage_err(err, errlen,
					"%s: invalid offset '%s': expected a decimal or 0x hex number",
					cmd, pos[1]);
			goto out;
		}
		if (a->cmd == MP_CMD_WRITE) {
			a->data = pos[2];
			a->data_len = strlen(pos[2]);
			if (a->data_len == 0) {
				ret = usage_err(err, errlen,
						"%s: DATA is empty", cmd);
				goto out;
			}
			if (a->data_len > UINT32_MAX) {
				ret = usage_err(err, errlen,
						"%s: DATA is too long", cmd);
				goto out;
			}
		} else if (a->have_length && a->length == 0) {
			ret = usage_err(err, errlen,
					"%s: --length must be at least 1", cmd);
			goto out;
		}
		break;
	default:
		break;
	}
out:
	free(pos);
	return ret;
}

void mp_args_free(struct mp_args *a)
{
	free(a->offsets);
	free(a->offset_strs);
	a->offsets = NULL;
	a->offset_strs = NULL;
	a->nr_offsets = 0;
}

const char *mp_strerror(enum mp_cmd cmd, int err)
{
	if (cmd == MP_CMD_BENCH) {
		switch (err) {
		case EOPNOTSUPP:
			return "an allocator asked for is not available in this kernel";
		case EINVAL:
			return "invalid argument (--cpus must be at most the number of online CPUs; --block-size 8 to the page size; --ops 1000 to 10000000; --rounds at most 15; the cross workload needs 2 CPUs or more)";
		case EPERM:
			return "permission denied: the benchmark needs CAP_SYS_ADMIN";
		case ENOSPC:
			return "the kernel has more results than mempoolctl made room for (mempoolctl older than the module?)";
		case EINTR:
			return "interrupted by a signal";
		case ENOMEM:
			return "out of memory in the kernel";
		case EAGAIN:
			return "a CPU went offline during the run; try again";
		case EEXIST:
			return "a pool named '" MPOOL_BENCH_POOL_NAME "' exists, and the benchmark needs that name: destroy the pool first";
		default:
			break;
		}
	}
	switch (err) {
	case ENOENT:
		return "no such pool";
	case EEXIST:
		return "a pool with that name exists";
	case EBUSY:
		if (cmd == MP_CMD_DESTROY)
			return "blocks are still allocated (use --force)";
		return "the device or pool is busy";
	case ENOSPC:
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
		return "permission denied: the device was not opened for writing (or the pool belongs to a kernel user)";
	case EACCES:
		return "permission denied";
	case ENOMEM:
		if (cmd == MP_CMD_CREATE)
			return "out of memory: the kernel could not reserve the pool";
		return "out of memory in the kernel";
	case ERANGE:
		return "the offset is outside the pool";
	case ENXIO:
		return "the block is not allocated";
	case EINVAL:
		switch (cmd) {
		case MP_CMD_CREATE:
			return "invalid argument (the alignment must be 0 or a power of two up to the page size; block size and count at least 1; valid name)";
		case MP_CMD_READ:
		case MP_CMD_WRITE:
			return "the offset is not the start of a block, or the range passes the block's end";
		case MP_CMD_FREE:
			return "invalid argument (bad count or name)";
		case MP_CMD_ALLOC:
			return "invalid argument (bad count, timeout or name)";
		default:
			return "invalid argument";
		}
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
	switch (-res) {
	case ERANGE:
		return "outside the pool";
	case EINVAL:
		return "not the start of a block";
	case ENXIO:
		return "not allocated (double free?)";
	default:
		return strerror(-res);
	}
}

/* snprintf into buf+*off; track the total; -1 on truncation at the end. */
static void app(char *buf, size_t len, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void app(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*off < len ? buf + *off : NULL,
		      *off < len ? len - *off : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n;
}

static int app_done(size_t len, size_t off)
{
	return off < len && off <= INT32_MAX ? (int)off : -1;
}

int mp_format_stats_text(const struct mpool_ioc_stats *st, char *buf,
			 size_t len)
{
	size_t off = 0;

#define MPOOL_STAT(f) app(buf, len, &off, "%s: %llu\n", #f,		\
			  (unsigned long long)st->out_##f)
#include "mpool_stat_list.h"
#undef MPOOL_STAT
	return app_done(len, off);
}

int mp_format_stats_json(const struct mpool_ioc_stats *st, char *buf,
			 size_t len)
{
	size_t off = 0;
	const char *sep = "";

	app(buf, len, &off, "{");
#define MPOOL_STAT(f) do {						\
		app(buf, len, &off, "%s\"%s\": %llu", sep, #f,		\
		    (unsigned long long)st->out_##f);			\
		sep = ", ";						\
	} while (0)
#include "mpool_stat_list.h"
#undef MPOOL_STAT
	app(buf, len, &off, "}\n");
	return app_done(len, off);
}

#define LIST_FMT "%-31s %10s %10s %10s %10s %14s\n"
#define LIST_NFMT "%-31s %10llu %10llu %10llu %10llu %14llu\n"

int mp_format_list_header(char *buf, size_t len)
{
	size_t off = 0;

	app(buf, len, &off, LIST_FMT, "NAME", "BLOCK_SIZE", "TOTAL",
	    "IN_USE", "FREE", "HIGH_WATERMARK");
	return app_done(len, off);
}

int mp_format_list_line(const char *name, const struct mpool_ioc_stats *st,
			char *buf, size_t len)
{
	size_t off = 0;

	app(buf, len, &off, LIST_NFMT, name,
	    (unsigned long long)st->out_block_size,
	    (unsigned long long)st->out_blocks_total,
	    (unsigned long long)st->out_blocks_in_use,
	    (unsigned long long)st->out_blocks_free,
	    (unsigned long long)st->out_high_watermark);
	return app_done(len, off);
}

int mp_format_list_json(const char *name, const struct mpool_ioc_stats *st,
			char *buf, size_t len)
{
	size_t off = 0;
	const char *p;

	app(buf, len, &off, "{\"name\": \"");
	for (p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\')
			app(buf, len, &off, "\\%c", c);
		else if (c < 0x20)
			app(buf, len, &off, "\\u%04x", c);
		else
			app(buf, len, &off, "%c", c);
	}
	app(buf, len, &off,
	    "\", \"block_size\": %llu, \"blocks_total\": %llu, \"blocks_in_use\": %llu, \"blocks_free\": %llu, \"high_watermark\": %llu}",
	    (unsigned long long)st->out_block_size,
	    (unsigned long long)st->out_blocks_total,
	    (unsigned long long)st->out_blocks_in_use,
	    (unsigned long long)st->out_blocks_free,
	    (unsigned long long)st->out_high_watermark);
	return app_done(len, off);
}

/* ---- bench ---- */

static const char *const bench_allocator_names[] = {
	[MPOOL_BENCH_MEMPOOL] = "mempool",
	[MPOOL_BENCH_MEMPOOL_NOCACHE] = "mempool-nocache",
	[MPOOL_BENCH_NAIVE] = "naive",
	[MPOOL_BENCH_KMEM_CACHE] = "kmem_cache",
	[MPOOL_BENCH_KMALLOC] = "kmalloc",
	[MPOOL_BENCH_MEMPOOL_T] = "mempool_t",
	[MPOOL_BENCH_GEN_POOL] = "gen_pool",
	[MPOOL_BENCH_OBJPOOL] = "objpool",
};

static const char *const bench_workload_names[] = {
	[MPOOL_BENCH_PAIR] = "pair",
	[MPOOL_BENCH_BURST] = "burst",
	[MPOOL_BENCH_CROSS] = "cross",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *mp_bench_name(enum mp_bench_kind kind, unsigned int id)
{
	if (kind == MP_BENCH_ALLOCATOR)
		return id < NELEM(bench_allocator_names) ?
		       bench_allocator_names[id] : NULL;
	return id < NELEM(bench_workload_names) ? bench_workload_names[id]
						 : NULL;
}

int mp_bench_parse_list(enum mp_bench_kind kind, const char *list,
			uint32_t *mask, char *bad, size_t badlen)
{
	const char *p = list, *end, *name;
	uint32_t m = 0;
	unsigned int id;
	size_t n;

	if (bad && badlen)
		bad[0] = '\0';
	if (!list)
		return -1;
	for (;;) {
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		for (id = 0; (name = mp_bench_name(kind, id)); id++)
			if (strlen(name) == n && !strncmp(name, p, n))
				break;
		if (!name) {
			if (bad && badlen)
				snprintf(bad, badlen, "%.*s", (int)n, p);
			return -1;
		}
		m |= 1u << id;
		if (!end)
			break;
		p = end + 1;
	}
	*mask = m;
	return 0;
}

int mp_format_bench_unavailable(uint32_t mask, char *buf, size_t len)
{
	const char *sep = "";
	size_t off = 0;
	unsigned int id, n = 0;

	for (id = 0; id < 32; id++)
		n += (mask >> id) & 1;
	app(buf, len, &off, "allocator%s ", n == 1 ? "" : "s");
	for (id = 0; id < 32; id++) {
		const char *name = mp_bench_name(MP_BENCH_ALLOCATOR, id);

		if (!(mask & (1u << id)))
			continue;
		if (name)
			app(buf, len, &off, "%s%s", sep, name);
		else
			app(buf, len, &off, "%s#%u", sep, id);
		sep = ", ";
	}
	app(buf, len, &off, " %s not available in this kernel",
	    n == 1 ? "is" : "are");
	return app_done(len, off);
}

/* The name of @id, or "#ID" (in @tmp) for one a newer module added. */
static const char *bench_name(enum mp_bench_kind kind, unsigned int id,
			      char *tmp, size_t len)
{
	const char *name = mp_bench_name(kind, id);

	if (name)
		return name;
	snprintf(tmp, len, "#%u", id);
	return tmp;
}

#define BENCH_FMT "%-16s %-8s %4s %10s %10s %8s %8s %10s\n"
#define BENCH_NFMT "%-16s %-8s %4u %10s %10s %8llu %8llu %10llu\n"

int mp_format_bench_text(const struct mpool_ioc_bench_result *res, size_t n,
			 char *buf, size_t len)
{
	char a[16], w[16], ns[32], mops[32];
	size_t off = 0, i;

	app(buf, len, &off, BENCH_FMT, "ALLOCATOR", "WORKLOAD", "CPUS",
	    "NS/OP", "MOPS/S", "P50_NS", "P99_NS", "MAX_NS");
	for (i = 0; i < n; i++) {
		const struct mpool_ioc_bench_result *r = &res[i];
		/* Rounded (half up) to 0.1 ns and to 0.01 Mops/s, in integers. */
		unsigned long long tenths = r->ps_per_op / 100 +
					    (r->ps_per_op % 100 >= 50);
		unsigned long long hundredths = r->kops_per_sec / 10 +
						(r->kops_per_sec % 10 >= 5);

		snprintf(ns, sizeof(ns), "%llu.%llu", tenths / 10,
			 tenths % 10);
		snprintf(mops, sizeof(mops), "%llu.%02llu", hundredths / 100,
			 hundredths % 100);
		app(buf, len, &off, BENCH_NFMT,
		    bench_name(MP_BENCH_ALLOCATOR, r->allocator, a, sizeof(a)),
		    bench_name(MP_BENCH_WORKLOAD, r->workload, w, sizeof(w)),
		    r->cpus, ns, mops, (unsigned long long)r->p50_ns,
		    (unsigned long long)r->p99_ns,
		    (unsigned long long)r->max_ns);
	}
	return app_done(len, off);
}

int mp_format_bench_json(const struct mpool_ioc_bench_result *res, size_t n,
			 char *buf, size_t len)
{
	char a[16], w[16];
	size_t off = 0, i;

	app(buf, len, &off, "[\n");
	for (i = 0; i < n; i++) {
		const struct mpool_ioc_bench_result *r = &res[i];

		/* ps and kops / 1000, exactly: three decimals. */
		app(buf, len, &off,
		    "{\"allocator\": \"%s\", \"workload\": \"%s\", \"cpus\": %u, \"ops\": %llu, \"ns_per_op\": %llu.%03llu, \"mops\": %llu.%03llu, \"p50_ns\": %llu, \"p99_ns\": %llu, \"max_ns\": %llu, \"elapsed_ns\": %llu}%s\n",
		    bench_name(MP_BENCH_ALLOCATOR, r->allocator, a, sizeof(a)),
		    bench_name(MP_BENCH_WORKLOAD, r->workload, w, sizeof(w)),
		    r->cpus, (unsigned long long)r->ops,
		    (unsigned long long)(r->ps_per_op / 1000),
		    (unsigned long long)(r->ps_per_op % 1000),
		    (unsigned long long)(r->kops_per_sec / 1000),
		    (unsigned long long)(r->kops_per_sec % 1000),
		    (unsigned long long)r->p50_ns,
		    (unsigned long long)r->p99_ns,
		    (unsigned long long)r->max_ns,
		    (unsigned long long)r->elapsed_ns, i + 1 < n ? "," : "");
	}
	app(buf, len, &off, "]\n");
	return app_done(len, off);
}
