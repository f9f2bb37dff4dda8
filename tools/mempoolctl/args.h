/* SPDX-License-Identifier: GPL-2.0 */
/*
 * args.h - argument parsing of mempoolctl: numbers, pool names, the
 * command line (getopt_long over the command table) and usage texts.
 * Pure: no I/O, tested on the host by test_cli.
 */
#ifndef MEMPOOLCTL_ARGS_H
#define MEMPOOLCTL_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* Results of mp_parse_args(); MP_PARSE_USAGE is also the exit code. */
#define MP_PARSE_OK	0
#define MP_PARSE_HELP	1
#define MP_PARSE_USAGE	2

/*
 * Parse a size or count: decimal (or 0x hex) digits with an optional
 * suffix k/K, m/M, g/G (powers of 1024).  Rejects empty strings, signs,
 * whitespace, trailing junk and values above @max.  Returns 0 or -1.
 */
int mp_parse_size(const char *s, uint64_t max, uint64_t *out);

/* Parse a block offset: decimal or 0x hex, no suffix.  Returns 0 or -1. */
int mp_parse_offset(const char *s, uint64_t *out);

/*
 * Parse top's --delay: seconds with up to three decimals ("1", "0.25"),
 * MP_DELAY_MIN_MS to MP_DELAY_MAX_MS.  Returns 0 (*@ms set) or -1.
 */
#define MP_DELAY_MIN_MS	100
#define MP_DELAY_MAX_MS	3600000
int mp_parse_delay(const char *s, uint32_t *ms);

/* 1 if @s is a valid pool name: 1..31 chars from [A-Za-z0-9_.-]. */
int mp_valid_name(const char *s);

/* "create", "destroy", ... ; NULL for MP_CMD_NONE. */
const char *mp_cmd_name(enum mp_cmd cmd);
enum mp_cmd mp_cmd_lookup(const char *s);

/* Usage text of @cmd (MP_CMD_NONE: the top-level usage).  Never NULL. */
const char *mp_usage(enum mp_cmd cmd);

/*
 * Parse argv (argv[0] is the program) into @a.  On MP_PARSE_USAGE @err
 * holds a one-line message (without "mempoolctl: " prefix or newline).
 * The caller frees @a with mp_args_free() whatever the result.
 */
int mp_parse_args(int argc, char *const argv[], struct mp_args *a,
		  char *err, size_t errlen);
void mp_args_free(struct mp_args *a);

#endif /* MEMPOOLCTL_ARGS_H */
