// SPDX-License-Identifier: GPL-2.0
/*
 * args.c - argument parsing of mempoolctl (see args.h).
 *
 * The command line is "mempoolctl COMMAND [ARGS and OPTIONS in any
 * order] [-- ARGS]", parsed by getopt_long over the options the command
 * table (cmdtab.c) gives the command.  What this parser has always done,
 * and getopt_long on its own would not:
 * - "-h" or "--help" anywhere before "--", even as an option's value,
 *   asks for the usage: that wins over any error (checked first).
 * - Options and arguments mix in any order, and are seen in that order
 *   (the leading '-' of the optstring: non-options are returned as 1, so
 *   the first error is the first bad word, and nothing is permuted).
 * - Only whole option names: getopt_long's unambiguous abbreviations
 *   ("--blo" for --blocks) are refused as unknown options.
 * - Our messages, not getopt's (opterr = 0): "unknown option '--x'"
 *   (the word up to any '='), "option --x needs a value", "option --x
 *   takes no value".  A value is "--opt=value" or "--opt value", the
 *   next word whatever it begins with ("--pos -1" is value "-1").
 * - There are no short options: "-x" is an unknown option, "-5" too
 *   (free's offsets cannot be negative), and "-" alone is an argument.
 */
#define _GNU_SOURCE	/* getopt_long */
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "bench.h"
#include "mpool_ioctl.h"
#include "top.h"

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

int mp_parse_delay(const char *s, uint32_t *ms)
{
	uint64_t v = 0;
	int digits = 0, frac = -1;

	if (!s)
		return -1;
	for (; *s; s++) {
		if (*s == '.' && frac < 0 && digits) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || frac >= 3)
			return -1;
		if (v > 3600000)	/* far above the limit: stop counting */
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
		digits++;
		if (frac >= 0)
			frac++;
	}
	if (!digits || frac == 0)
		return -1;
	for (frac = frac < 0 ? 0 : frac; frac < 3; frac++)
		v *= 10;
	if (v < MP_DELAY_MIN_MS || v > MP_DELAY_MAX_MS)
		return -1;
	*ms = (uint32_t)v;
	return 0;
}

int mp_valid_name(const char *s)
{
	size_t n = 0;

	/* debugfs cannot make a directory of either name. */
	if (!s || !strcmp(s, ".") || !strcmp(s, ".."))
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

const char *mp_cmd_name(enum mp_cmd cmd)
{
	if ((int)cmd <= MP_CMD_NONE || cmd >= MP_CMD_COUNT)
		return NULL;
	return mp_cmds[cmd].name;
}

enum mp_cmd mp_cmd_lookup(const char *s)
{
	int i;

	for (i = MP_CMD_NONE + 1; i < MP_CMD_COUNT; i++)
		if (!strcmp(s, mp_cmds[i].name))
			return (enum mp_cmd)i;
	return MP_CMD_NONE;
}

/* A number option's field: its offset in struct mp_args, plus one. */
#define U32(field) (offsetof(struct mp_args, field) + 1)

/* The options, by enum mp_opt: spelling, value, where a number goes. */
static const struct {
	const char *name;	/* without the leading "--" */
	int has_arg;
	size_t u32;		/* U32(field) for a number option, else 0 */
} opts[MP_OPT_NR] = {
	[MP_OPT_BLOCK_SIZE] = { "block-size", 1, U32(block_size) },
	[MP_OPT_BLOCKS] = { "blocks", 1, U32(nr_blocks) },
	[MP_OPT_ALIGN] = { "align", 1, U32(align) },
	[MP_OPT_ZERO] = { "zero", 0, 0 },
	[MP_OPT_POISON] = { "poison", 0, 0 },
	[MP_OPT_TRACK] = { "track", 0, 0 },
	[MP_OPT_PERCPU] = { "percpu", 0, 0 },
	[MP_OPT_MAP_WRITE] = { "map-write", 0, 0 },
	[MP_OPT_FORCE] = { "force", 0, 0 },
	[MP_OPT_JSON] = { "json", 0, 0 },
	[MP_OPT_COUNT] = { "count", 1, U32(count) },
	[MP_OPT_TIMEOUT] = { "timeout", 1, U32(timeout_ms) },
	[MP_OPT_POS] = { "pos", 1, U32(pos) },
	[MP_OPT_LENGTH] = { "length", 1, U32(length) },
	[MP_OPT_ALLOCATOR] = { "allocator", 1, 0 },
	[MP_OPT_WORKLOAD] = { "workload", 1, 0 },
	[MP_OPT_CPUS] = { "cpus", 1, U32(cpus) },
	[MP_OPT_OPS] = { "ops", 1, U32(ops) },
	[MP_OPT_ROUNDS] = { "rounds", 1, U32(rounds) },
	[MP_OPT_PROMETHEUS] = { "prometheus", 0, 0 },
	[MP_OPT_SORT] = { "sort", 1, 0 },
	[MP_OPT_ONCE] = { "once", 0, 0 },
	[MP_OPT_DELAY] = { "delay", 1, 0 },
	[MP_OPT_OWNED] = { "owned", 0, 0 },
	[MP_OPT_BELOW] = { "below", 1, U32(below) },
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
				 "%s: invalid value '%s' for --%s: expected a number from 0 to 4294967295 (suffixes k, m, g)",
				 cmd, val, opt);
	*out = (uint32_t)v;
	return 0;
}

/* --allocator LIST / --workload LIST: the bits add up over repeats. */
static int parse_bench_list_opt(const char *cmd, enum mp_opt id,
				const char *val, struct mp_args *a, char *err,
				size_t errlen)
{
	enum mp_bench_kind kind = id == MP_OPT_ALLOCATOR ? MP_BENCH_ALLOCATOR
							 : MP_BENCH_WORKLOAD;
	const char *what = opts[id].name;
	char bad[64], known[256];
	uint32_t mask;

	if (mp_bench_parse_list(kind, val, &mask, bad, sizeof(bad))) {
		if (!*bad)
			return usage_err(err, errlen,
					 "%s: empty %s name in '%s'", cmd,
					 what, val);
		if (mp_bench_names_joined(kind, ", ", known, sizeof(known)) < 0)
			known[0] = '\0';
		return usage_err(err, errlen, "%s: unknown %s '%s' (known: %s)",
				 cmd, what, bad, known);
	}
	if (kind == MP_BENCH_ALLOCATOR)
		a->bench_allocators |= mask;
	else
		a->bench_workloads |= mask;
	return 0;
}

static int is_help(const char *s)
{
	return !strcmp(s, "-h") || !strcmp(s, "--help");
}

/* The option @cmd accepts whose whole name is @s[0..n) ("--name"). */
static int find_opt(enum mp_cmd cmd, const char *s, size_t n)
{
	int id;

	if (n < 2 || s[0] != '-' || s[1] != '-')
		return -1;
	for (id = 0; id < MP_OPT_NR; id++)
		if ((mp_cmds[cmd].opts & (1u << id)) &&
		    strlen(opts[id].name) == n - 2 &&
		    !strncmp(opts[id].name, s + 2, n - 2))
			return id;
	return -1;
}

/* Set the field of option @id from @val (NULL for a flag). */
static int apply_opt(enum mp_opt id, const char *val, struct mp_args *a,
		     int *have, char *err, size_t errlen)
{
	const char *cmd = mp_cmds[a->cmd].name;

	*have |= 1 << id;
	if (opts[id].u32)
		return parse_u32_opt(cmd, opts[id].name, val,
				     (uint32_t *)((char *)a + opts[id].u32 - 1),
				     err, errlen);
	switch (id) {
	case MP_OPT_ZERO:
		a->create_flags |= MPOOL_CREATE_ZERO;
		break;
	case MP_OPT_POISON:
		a->create_flags |= MPOOL_CREATE_POISON;
		break;
	case MP_OPT_TRACK:
		a->create_flags |= MPOOL_CREATE_TRACK;
		break;
	case MP_OPT_PERCPU:
		a->create_flags |= MPOOL_CREATE_PERCPU;
		break;
	case MP_OPT_MAP_WRITE:
		a->create_flags |= MPOOL_CREATE_MAP_WRITE;
		break;
	case MP_OPT_FORCE:
		a->force = 1;
		break;
	case MP_OPT_JSON:
		a->json = 1;
		break;
	case MP_OPT_PROMETHEUS:
		a->prometheus = 1;
		break;
	case MP_OPT_ONCE:
		a->once = 1;
		break;
	case MP_OPT_OWNED:
		a->owned = 1;
		break;
	case MP_OPT_SORT: {
		int f = mp_top_sort_lookup(val);

		if (f < 0)
			return usage_err(err, errlen,
					 "%s: unknown sort field '%s' (known: name, blocks, in-use, free, hwm, allocs, failures)",
					 cmd, val);
		a->sort = (enum mp_top_sort)f;
		break;
	}
	case MP_OPT_DELAY:
		if (mp_parse_delay(val, &a->delay_ms))
			return usage_err(err, errlen,
					 "%s: invalid value '%s' for --delay: expected seconds from 0.1 to 3600 (up to three decimals)",
					 cmd, val);
		break;
	case MP_OPT_ALLOCATOR:
	case MP_OPT_WORKLOAD:
		return parse_bench_list_opt(cmd, id, val, a, err, errlen);
	default:
		break;
	}
	return 0;
}

/*
 * Options and positional arguments of @a->cmd from argv[2..]: the
 * positional ones go to @pos[*npos].  @have gets the MP_OPT() bits seen.
 */
static int parse_words(int argc, char *const argv[], struct mp_args *a,
		       const char **pos, int *npos, int *have, char *err,
		       size_t errlen)
{
	struct option longopts[MP_OPT_NR + 1];
	const char *cmd = mp_cmds[a->cmd].name;
	/* getopt sees the command as its argv[0]: options start at 1 */
	int sargc = argc - 1, n = 0, id, c, cur, r;
	char *const *sargv = argv + 1;
	const char *word;
	size_t olen;

	/*
	 * debug takes no option, and its mode words "-poison" and "-track"
	 * look like options to getopt: every word is positional.
	 */
	if (a->cmd == MP_CMD_DEBUG) {
		/* n: the first "--" was seen, and skipped */
		for (cur = 1; cur < sargc; cur++) {
			if (!n && !strcmp(sargv[cur], "--"))
				n = 1;
			else
				pos[(*npos)++] = sargv[cur];
		}
		return MP_PARSE_OK;
	}
	for (id = 0; id < MP_OPT_NR; id++) {
		if (!(mp_cmds[a->cmd].opts & (1u << id)))
			continue;
		longopts[n] = (struct option){
			.name = opts[id].name,
			.has_arg = opts[id].has_arg ? required_argument
						    : no_argument,
			.flag = NULL,
			.val = 256 + id,
		};
		n++;
	}
	longopts[n] = (struct option){ 0 };

	opterr = 0;
	optind = 0;		/* a fresh start: mp_parse_args may run again */
	for (;;) {
		/* the word getopt_long looks at next, for our messages */
		cur = optind ? optind : 1;
		word = cur < sargc ? sargv[cur] : "";
		c = getopt_long(sargc, sargv, "-:", longopts, NULL);
		if (c == -1)
			break;
		if (c == 1) {		/* a positional argument, in order */
			pos[(*npos)++] = optarg;
			continue;
		}
		olen = strcspn(word, "=");
		id = find_opt(a->cmd, word, olen);
		if (id < 0)		/* also getopt's abbreviations */
			return usage_err(err, errlen,
					 "%s: unknown option '%.*s'", cmd,
					 (int)olen, word);
		if (c == ':')
			return usage_err(err, errlen,
					 "%s: option --%s needs a value", cmd,
					 opts[id].name);
		if (c == '?')		/* a whole name: "--flag=value" */
			return usage_err(err, errlen,
					 "%s: option --%s takes no value", cmd,
					 opts[id].name);
		r = apply_opt((enum mp_opt)id, opts[id].has_arg ? optarg : NULL,
			      a, have, err, errlen);
		if (r)
			return r;
	}
	/* after "--": arguments only */
	for (cur = optind ? optind : 1; cur < sargc; cur++)
		pos[(*npos)++] = sargv[cur];
	return MP_PARSE_OK;
}

/* The pool name: its own message for each way it is invalid. */
static int check_name(const char *cmd, const char *name, char *err,
		      size_t errlen)
{
	if (mp_valid_name(name))
		return MP_PARSE_OK;
	if (!*name)
		return usage_err(err, errlen, "%s: the pool name is empty", cmd);
	if (strlen(name) >= MPOOL_IOC_NAME_MAX)
		return usage_err(err, errlen,
				 "%s: invalid pool name '%s': longer than %d characters",
				 cmd, name, MPOOL_IOC_NAME_MAX - 1);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return usage_err(err, errlen,
				 "%s: invalid pool name '%s': '.' and '..' are reserved",
				 cmd, name);
	return usage_err(err, errlen,
			 "%s: invalid pool name '%s': use only A-Z a-z 0-9 _ . -",
			 cmd, name);
}

static int parse_offset_arg(const char *cmd, const char *s, uint64_t *out,
			    char *err, size_t errlen)
{
	if (mp_parse_offset(s, out))
		return usage_err(err, errlen,
				 "%s: invalid handle '%s': expected a decimal or 0x hex number",
				 cmd, s);
	return MP_PARSE_OK;
}

/*
 * debug's mode words into @a's MPOOL_IOC_DEBUG request: each mode once,
 * as the debugfs file wants them.
 */
static int parse_debug_words(struct mp_args *a, const char **pos, int npos,
			     char *err, size_t errlen)
{
	const char *cmd = mp_cmds[a->cmd].name;
	uint32_t mode, seen = 0;
	uint64_t n;
	int i;

	for (i = 1; i < npos; i++) {
		const char *w = pos[i];

		if (!strncmp(w, "quarantine=", 11)) {
			if (mp_parse_size(w + 11, MPOOL_DEBUG_QUARANTINE_MAX, &n))
				return usage_err(err, errlen,
						 "%s: invalid '%s': the quarantine's length must be a number from 0 to %u",
						 cmd, w, MPOOL_DEBUG_QUARANTINE_MAX);
			if (a->debug_flags & MPOOL_DEBUG_SET_QUARANTINE)
				return usage_err(err, errlen,
						 "%s: quarantine= given twice",
						 cmd);
			a->debug_flags |= MPOOL_DEBUG_SET_QUARANTINE;
			a->debug_quarantine = (uint32_t)n;
			continue;
		}
		if (!strcmp(w + (*w == '+' || *w == '-'), "poison"))
			mode = MPOOL_DEBUG_POISON;
		else if (!strcmp(w + (*w == '+' || *w == '-'), "track"))
			mode = MPOOL_DEBUG_TRACK;
		else
			mode = 0;
		if (!mode || (*w != '+' && *w != '-'))
			return usage_err(err, errlen,
					 "%s: unknown mode '%s' (expected +poison, -poison, +track, -track or quarantine=N)",
					 cmd, w);
		if (seen & mode)
			return usage_err(err, errlen,
					 "%s: %s given twice (switch a mode on or off, once)",
					 cmd, w + 1);
		seen |= mode;
		if (*w == '+')
			a->debug_on |= mode;
		else
			a->debug_off |= mode;
	}
	return MP_PARSE_OK;
}

/* The checks of each command once every word is parsed. */
static int check_cmd(struct mp_args *a, const char **pos, int npos,
		     int have, char *err, size_t errlen)
{
	const char *cmd = mp_cmds[a->cmd].name;
	size_t j;

	switch (a->cmd) {
	case MP_CMD_CREATE:
		if (!(have & MP_OPT(BLOCK_SIZE)))
			return usage_err(err, errlen, "%s: missing --block-size",
					 cmd);
		if (!(have & MP_OPT(BLOCKS)))
			return usage_err(err, errlen, "%s: missing --blocks",
					 cmd);
		if (a->block_size == 0)
			return usage_err(err, errlen,
					 "%s: --block-size must be at least 1",
					 cmd);
		if (a->nr_blocks == 0)
			return usage_err(err, errlen,
					 "%s: --blocks must be at least 1", cmd);
		break;
	case MP_CMD_ALLOC:
		if ((have & MP_OPT(COUNT)) &&
		    (a->count < 1 || a->count > MP_ALLOC_COUNT_MAX))
			return usage_err(err, errlen,
					 "%s: --count must be from 1 to %u (16m)",
					 cmd, MP_ALLOC_COUNT_MAX);
		if (a->have_timeout && a->timeout_ms == 0)
			return usage_err(err, errlen,
					 "%s: --timeout must be at least 1 (milliseconds)",
					 cmd);
		break;
	case MP_CMD_WATCH:
		if (!(have & MP_OPT(BELOW)))
			return usage_err(err, errlen, "%s: missing --below", cmd);
		if (a->below == 0)
			return usage_err(err, errlen,
					 "%s: --below must be at least 1", cmd);
		if ((have & MP_OPT(COUNT)) && a->count == 0)
			return usage_err(err, errlen,
					 "%s: --count must be at least 1", cmd);
		/* without --count: no limit */
		if (!(have & MP_OPT(COUNT)))
			a->count = 0;
		break;
	case MP_CMD_DEBUG:
		return parse_debug_words(a, pos, npos, err, errlen);
	case MP_CMD_STATS:
		if (a->json && a->prometheus)
			return usage_err(err, errlen,
					 "%s: --json and --prometheus exclude each other",
					 cmd);
		/* only --prometheus can do without NAME */
		if (!a->name && !a->prometheus)
			return usage_err(err, errlen, "%s: missing NAME", cmd);
		break;
	case MP_CMD_FREE:
		a->nr_offsets = (size_t)(npos - 1);
		a->offsets = calloc(a->nr_offsets, sizeof(*a->offsets));
		a->offset_strs = calloc(a->nr_offsets,
					sizeof(*a->offset_strs));
		if (!a->offsets || !a->offset_strs)
			return usage_err(err, errlen, "out of memory");
		for (j = 0; j < a->nr_offsets; j++) {
			a->offset_strs[j] = pos[j + 1];
			if (parse_offset_arg(cmd, pos[j + 1], &a->offsets[j],
					     err, errlen))
				return MP_PARSE_USAGE;
		}
		break;
	case MP_CMD_WRITE:
	case MP_CMD_READ:
		a->offset_str = pos[1];
		if (parse_offset_arg(cmd, pos[1], &a->offset, err, errlen))
			return MP_PARSE_USAGE;
		if (a->cmd == MP_CMD_WRITE) {
			a->data = pos[2];
			a->data_len = strlen(pos[2]);
			if (a->data_len == 0)
				return usage_err(err, errlen,
						 "%s: DATA is empty", cmd);
			if (a->data_len > UINT32_MAX)
				return usage_err(err, errlen,
						 "%s: DATA is too long", cmd);
		} else if (a->have_length && a->length == 0) {
			return usage_err(err, errlen,
					 "%s: --length must be at least 1", cmd);
		}
		break;
	default:
		break;
	}
	return MP_PARSE_OK;
}

int mp_parse_args(int argc, char *const argv[], struct mp_args *a,
		  char *err, size_t errlen)
{
	const struct mp_cmd_desc *d;
	const char **pos = NULL;
	const char *cmd;
	int npos = 0, i, have = 0, ret;

	memset(a, 0, sizeof(*a));
	if (err && errlen)
		err[0] = '\0';
	a->count = 1;
	a->sort = MP_TOP_SORT_IN_USE;
	a->delay_ms = 1000;

	if (argc < 2)
		return usage_err(err, errlen, "no command given");
	if (!strcmp(argv[1], "--version")) {
		a->cmd = MP_CMD_VERSION;
		a->version_opt = 1;
		if (argc > 2)
			return usage_err(err, errlen,
					 "--version: unexpected argument '%s'",
					 argv[2]);
		return MP_PARSE_OK;
	}
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
	d = &mp_cmds[a->cmd];
	cmd = d->name;

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
	ret = parse_words(argc, argv, a, pos, &npos, &have, err, errlen);
	if (ret)
		goto out;
	a->have_timeout = !!(have & MP_OPT(TIMEOUT));
	a->have_length = !!(have & MP_OPT(LENGTH));

	if (a->cmd == MP_CMD_HELP) {
		/* "help [COMMAND]" */
		a->help_cmd = MP_CMD_NONE;
		if (npos > d->npos_max) {
			ret = usage_err(err, errlen,
					"%s: unexpected argument '%s'", cmd,
					pos[d->npos_max]);
			goto out;
		}
		if (npos == 1) {
			a->help_cmd = mp_cmd_lookup(pos[0]);
			if (a->help_cmd == MP_CMD_NONE) {
				ret = usage_err(err, errlen,
						"%s: unknown command '%s'",
						cmd, pos[0]);
				goto out;
			}
		}
		ret = MP_PARSE_HELP;
		goto out;
	}

	if (npos < d->npos_min) {
		ret = usage_err(err, errlen, "%s: missing %s", cmd,
				d->pos_names[npos]);
		goto out;
	}
	if (d->npos_max >= 0 && npos > d->npos_max) {
		ret = usage_err(err, errlen, "%s: unexpected argument '%s'",
				cmd, pos[d->npos_max]);
		goto out;
	}
	if (npos >= 1 && d->pos_names[0] && !strcmp(d->pos_names[0], "NAME")) {
		a->name = pos[0];
		ret = check_name(cmd, a->name, err, errlen);
		if (ret)
			goto out;
	}
	ret = check_cmd(a, pos, npos, have, err, errlen);
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
