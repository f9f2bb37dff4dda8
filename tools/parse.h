/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse.h - the pure part of mempoolctl: argument parsing, number and name
 * validation, errno -> message mapping and output formatting.  Nothing
 * here does I/O, so all of it is tested on the host by test_cli.
 */
#ifndef MEMPOOLCTL_PARSE_H
#define MEMPOOLCTL_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "mpool_ioctl.h"

enum mp_cmd {
	MP_CMD_NONE = 0,
	MP_CMD_CREATE,
	MP_CMD_DESTROY,
	MP_CMD_LIST,
	MP_CMD_STATS,
	MP_CMD_ALLOC,
	MP_CMD_FREE,
	MP_CMD_WRITE,
	MP_CMD_READ,
	MP_CMD_RESET,
	MP_CMD_BENCH,
	MP_CMD_VERSION,
	MP_CMD_HELP,
	MP_CMD_COUNT
};

/* Results of mp_parse_args(); MP_PARSE_USAGE is also the exit code. */
#define MP_PARSE_OK	0
#define MP_PARSE_HELP	1
#define MP_PARSE_USAGE	2

/* Everything a command needs, filled in by mp_parse_args() without I/O. */
struct mp_args {
	enum mp_cmd cmd;
	const char *name;		/* pool name, validated */
	/* create, bench (0: the kernel's default) */
	uint32_t block_size;
	uint32_t nr_blocks;
	uint32_t align;
	uint32_t create_flags;		/* MPOOL_CREATE_* */
	/* destroy */
	int force;
	/* list, stats, bench */
	int json;
	/* alloc */
	uint32_t count;
	int have_timeout;
	uint32_t timeout_ms;
	/* free: offsets[nr_offsets], strs[] the arguments they came from */
	uint64_t *offsets;
	const char **offset_strs;
	size_t nr_offsets;
	/* read, write */
	uint64_t offset;
	const char *offset_str;
	const char *data;
	size_t data_len;
	uint32_t pos;
	int have_length;
	uint32_t length;
	/* bench: 0 in each means the kernel's default */
	uint32_t bench_allocators;	/* bits of enum mpool_bench_allocator */
	uint32_t bench_workloads;	/* bits of enum mpool_bench_workload */
	uint32_t cpus;
	uint32_t ops;
	uint32_t rounds;
	/* help: the command whose usage to print (MP_CMD_NONE: top level) */
	enum mp_cmd help_cmd;
};

/*
 * Parse a size or count: decimal (or 0x hex) digits with an optional
 * suffix k/K, m/M, g/G (powers of 1024).  Rejects empty strings, signs,
 * whitespace, trailing junk and values above @max.  Returns 0 or -1.
 */
int mp_parse_size(const char *s, uint64_t max, uint64_t *out);

/* Parse a block offset: decimal or 0x hex, no suffix.  Returns 0 or -1. */
int mp_parse_offset(const char *s, uint64_t *out);

/* 1 if @s is a valid pool name: 1..31 chars from [A-Za-z0-9_.-]. */
int mp_valid_name(const char *s);

/* "create", "destroy", ... ; NULL for MP_CMD_NONE. */
const char *mp_cmd_name(enum mp_cmd cmd);
enum mp_cmd mp_cmd_lookup(const char *s);

/* Usage text of @cmd (MP_CMD_NONE: the top-level usage). */
const char *mp_usage(enum mp_cmd cmd);

/*
 * Parse argv (argv[0] is the program) into @a.  On MP_PARSE_USAGE @err
 * holds a one-line message (without "mempoolctl: " prefix or newline).
 * The caller frees @a with mp_args_free() whatever the result.
 */
int mp_parse_args(int argc, char *const argv[], struct mp_args *a,
		  char *err, size_t errlen);
void mp_args_free(struct mp_args *a);

/*
 * The reason, in words, for an ioctl of @cmd failing with @err (a positive
 * errno).  Never NULL.
 */
const char *mp_strerror(enum mp_cmd cmd, int err);

/* The reason for one offset refused by MPOOL_IOC_FREE (@res < 0). */
const char *mp_free_result_str(int res);

/*
 * Write the stats in the debugfs format ("key: value" lines) or as one
 * JSON object (with a trailing newline).  Return the length, or -1 if
 * @len is too small.
 */
int mp_format_stats_text(const struct mpool_ioc_stats *st, char *buf,
			 size_t len);
int mp_format_stats_json(const struct mpool_ioc_stats *st, char *buf,
			 size_t len);

/* bench: names of the bits of enum mpool_bench_allocator/_workload */
enum mp_bench_kind {
	MP_BENCH_ALLOCATOR,
	MP_BENCH_WORKLOAD,
};

/*
 * The name of allocator or workload @id ("mempool", "pair", ...); NULL if
 * @id is not one this mempoolctl knows.
 */
const char *mp_bench_name(enum mp_bench_kind kind, unsigned int id);

/*
 * Parse a comma-separated list of names of @kind into a bit mask.  Returns
 * 0, or -1 if an item is empty or unknown; then @bad (if not NULL) holds
 * that item, truncated to @badlen.
 */
int mp_bench_parse_list(enum mp_bench_kind kind, const char *list,
			uint32_t *mask, char *bad, size_t badlen);

/*
 * The EOPNOTSUPP message of bench when @mask was asked for: "allocator X is
 * not available in this kernel" (or "allocators X, Y are ...").  Returns
 * the length, or -1 if @len is too small.
 */
int mp_format_bench_unavailable(uint32_t mask, char *buf, size_t len);

/*
 * bench results: a table with a header line, or a JSON array of one object
 * per result (the format tools/bench_report.py reads), one object per
 * line.  Both end in a newline.  Returns the length, or -1 if @len is too
 * small; MP_BENCH_FMT_MAX(n) is always enough for @n results.
 */
#define MP_BENCH_FMT_MAX(n)	(256 + (size_t)(n) * 512)
int mp_format_bench_text(const struct mpool_ioc_bench_result *res, size_t n,
			 char *buf, size_t len);
int mp_format_bench_json(const struct mpool_ioc_bench_result *res, size_t n,
			 char *buf, size_t len);

/* list: the header line and one line per pool (both end in newline). */
int mp_format_list_header(char *buf, size_t len);
int mp_format_list_line(const char *name, const struct mpool_ioc_stats *st,
			char *buf, size_t len);
/* list --json: one object (no newline, no comma). */
int mp_format_list_json(const char *name, const struct mpool_ioc_stats *st,
			char *buf, size_t len);

#endif /* MEMPOOLCTL_PARSE_H */
