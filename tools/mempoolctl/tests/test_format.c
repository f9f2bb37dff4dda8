// SPDX-License-Identifier: GPL-2.0
/*
 * test_format.c - host tests of errors.c and format.c: errno -> message,
 * and the stats, list and bench output formats.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "bench.h"
#include "errors.h"
#include "format.h"
#include "mpool_ioctl.h"
#include "tap.h"

/* ---- errno -> message ---- */

static void msg_is(enum mp_cmd c, int err, const char *want)
{
	const char *got = mp_strerror(c, err);

	ok(got && !strcmp(got, want), "%s errno %d -> '%s' (got '%s')",
	   mp_cmd_name(c), err, want, got ? got : "(null)");
}

void test_errors(void)
{
	msg_is(MP_CMD_CREATE, EEXIST, "a pool with that name exists");
	msg_is(MP_CMD_DESTROY, EBUSY, "blocks are still allocated or the pool is mapped (use --force)");
	msg_is(MP_CMD_STATS, ENOENT, "no such pool");
	msg_is(MP_CMD_DESTROY, ENOENT, "no such pool");
	msg_is(MP_CMD_ALLOC, ENOSPC, "the pool is exhausted");
	msg_is(MP_CMD_ALLOC, ETIMEDOUT, "no block became free within the timeout");
	msg_is(MP_CMD_CREATE, EDQUOT, "the module's max_bytes limit would be exceeded");
	msg_is(MP_CMD_CREATE, EOVERFLOW, "block size times block count overflows");
	msg_is(MP_CMD_READ, ERANGE, "the handle is outside the pool");
	msg_is(MP_CMD_WRITE, ENXIO, "the block is not allocated");
	msg_is(MP_CMD_READ, EINVAL,
	       "the handle is not the start of a block, or the range passes the block's end");
	ok(strstr(mp_strerror(MP_CMD_CREATE, EPERM),
		  "permission denied: the device was not opened for writing") != NULL,
	   "EPERM names the read-only open");
	ok(strstr(mp_strerror(MP_CMD_DEBUG, EINVAL), "fewer blocks than the pool") != NULL,
	   "debug: EINVAL names the quarantine's length");
	ok(strstr(mp_strerror(MP_CMD_DEBUG, EPERM), "kernel user") &&
	   strstr(mp_strerror(MP_CMD_DEBUG, EPERM), "/sys/kernel/debug/mempool/"),
	   "debug: EPERM names the kernel pool and debugfs");
	ok(strstr(mp_strerror(MP_CMD_DEBUG, ENOMEM), "no mode changed") != NULL,
	   "debug: ENOMEM says nothing changed");
	msg_is(MP_CMD_DEBUG, ENOENT, "no such pool");
	ok(strstr(mp_strerror(MP_CMD_CREATE, ENAMETOOLONG), "too long") != NULL,
	   "ENAMETOOLONG says too long");
	ok(strcmp(mp_strerror(MP_CMD_CREATE, EINVAL),
		  mp_strerror(MP_CMD_WRITE, EINVAL)) != 0 &&
	   strstr(mp_strerror(MP_CMD_CREATE, EINVAL), "alignment"),
	   "EINVAL is mapped per command (create mentions the alignment)");
	ok(strcmp(mp_strerror(MP_CMD_DESTROY, EBUSY),
		  mp_strerror(MP_CMD_CREATE, EBUSY)) != 0,
	   "EBUSY is mapped per command (--force only for destroy)");
	ok(mp_strerror(MP_CMD_LIST, 9999) != NULL, "unknown errno gives a message");
	ok(!strcmp(mp_free_result_str(-ERANGE), "outside the pool"),
	   "free result -ERANGE");
	ok(!strcmp(mp_free_result_str(-EINVAL), "not the start of a block"),
	   "free result -EINVAL");
	ok(strstr(mp_free_result_str(-ENXIO), "not allocated") != NULL,
	   "free result -ENXIO");
}

/* ---- formatting ---- */

static void fill_stats(struct mpool_ioc_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->out_block_size = 32;
	st->out_stride = 40;
	st->out_align = 8;
	st->out_flags = 5;
	st->out_blocks_total = 10;
	st->out_blocks_free = 7;
	st->out_blocks_in_use = 3;
	st->out_high_watermark = 4;
	st->out_allocs = 11;
	st->out_alloc_failures = 12;
	st->out_frees = 13;
	st->out_invalid_frees = 14;
	st->out_waits = 15;
	st->out_timeouts = 16;
	st->out_poison_errors = 17;
	st->out_bytes_reserved = 18446744073709551615ULL;
	st->out_drain_ipis = 19;
	st->out_reclaimed_on_close = 18;
	st->out_wait_us_hist[0] = 21;
	st->out_wait_us_hist[15] = 22;
	st->out_wait_us_hist[23] = 23;
	st->out_quarantined = 24;
}

void test_format(void)
{
	struct mpool_ioc_stats st;
	char buf[2048], small[64];
	int n;
	static const char text[] =
		"block_size: 32\nstride: 40\nalign: 8\nflags: 5\n"
		"blocks_total: 10\nblocks_free: 7\nblocks_in_use: 3\n"
		"high_watermark: 4\nallocs: 11\nalloc_failures: 12\n"
		"frees: 13\ninvalid_frees: 14\nwaits: 15\ntimeouts: 16\n"
		"poison_errors: 17\nbytes_reserved: 18446744073709551615\n"
		"drain_ipis: 19\nreclaimed_on_close: 18\n"
		"wait_us_hist: 21 0 0 0 0 0 0 0 0 0 0 0 0 0 0 22 0 0 0 0 0 0 0 23\n"
		"quarantined: 24\n";
	static const char json[] =
		"{\"name\": \"rx\", \"block_size\": 32, \"stride\": 40, \"align\": 8, "
		"\"flags\": 5, \"blocks_total\": 10, \"blocks_free\": 7, "
		"\"blocks_in_use\": 3, \"high_watermark\": 4, \"allocs\": 11, "
		"\"alloc_failures\": 12, \"frees\": 13, \"invalid_frees\": 14, "
		"\"waits\": 15, \"timeouts\": 16, \"poison_errors\": 17, "
		"\"bytes_reserved\": 18446744073709551615, \"drain_ipis\": 19, "
		"\"reclaimed_on_close\": 18, "
		"\"wait_us_hist\": {"
		"\"0\": 21, \"2\": 0, \"4\": 0, \"8\": 0, \"16\": 0, \"32\": 0, "
		"\"64\": 0, \"128\": 0, \"256\": 0, \"512\": 0, \"1024\": 0, "
		"\"2048\": 0, \"4096\": 0, \"8192\": 0, \"16384\": 0, "
		"\"32768\": 22, \"65536\": 0, \"131072\": 0, \"262144\": 0, "
		"\"524288\": 0, \"1048576\": 0, \"2097152\": 0, \"4194304\": 0, "
		"\"8388608\": 23}, \"quarantined\": 24}\n";

	fill_stats(&st);
	n = mp_format_stats_text(&st, buf, sizeof(buf));
	ok(n == (int)strlen(text) && !strcmp(buf, text),
	   "stats text matches the debugfs format");
	if (strcmp(buf, text))
		printf("# got:\n%s", buf);
	n = mp_format_stats_json("rx", &st, buf, sizeof(buf));
	ok(n == (int)strlen(json) && !strcmp(buf, json),
	   "stats JSON: the pool's name first, then every statistic");
	if (strcmp(buf, json))
		printf("# got: %s", buf);
	ok(mp_format_stats_text(&st, small, sizeof(small)) == -1,
	   "stats text reports a short buffer");
	ok(mp_format_stats_json("rx", &st, small, sizeof(small)) == -1,
	   "stats JSON reports a short buffer");

	{
		struct mpool_watch_event ev = {
			.time_ns = 1796212800ULL * 1000000000 + 123456789,
			.type = MPOOL_WATCH_LOW, .blocks_free = 3, .below = 4,
		};

		n = mp_format_watch_event(&ev, buf, sizeof(buf));
		ok(n > 0 && !strcmp(buf, "2026-12-02T12:00:00.123456Z low free=3 below=4\n"),
		   "watch: a LOW event's line, UTC to the microsecond");
		ev.type = MPOOL_WATCH_RECOVERED;
		ev.blocks_free = 4;
		ev.lost = 7;
		ev.time_ns = 5000;
		n = mp_format_watch_event(&ev, buf, sizeof(buf));
		ok(n > 0 && !strcmp(buf, "1970-01-01T00:00:00.000005Z recovered free=4 below=4 lost=7\n"),
		   "watch: a RECOVERED event's line, with the events lost");
		ok(mp_format_watch_event(&ev, small, 10) == -1,
		   "watch: a short buffer is reported");
	}

	n = mp_format_list_header(buf, sizeof(buf));
	ok(n > 0 && !strncmp(buf, "NAME ", 5) && strstr(buf, "BLOCK_SIZE") &&
	   strstr(buf, "TOTAL") && strstr(buf, "IN_USE") &&
	   strstr(buf, "FREE") && strstr(buf, "HIGH_WATERMARK") &&
	   buf[n - 1] == '\n', "list header names the columns");
	n = mp_format_list_line("rx", &st, buf, sizeof(buf));
	{
		char name[32];
		unsigned long long v[5];
		int k = sscanf(buf, "%31s %llu %llu %llu %llu %llu", name,
			       &v[0], &v[1], &v[2], &v[3], &v[4]);

		ok(n > 0 && k == 6 && !strcmp(name, "rx") && v[0] == 32 &&
		   v[1] == 10 && v[2] == 3 && v[3] == 7 && v[4] == 4,
		   "list line: name block_size total in_use free high_watermark");
	}
	n = mp_format_list_json("rx", &st, buf, sizeof(buf));
	ok(n > 0 && n == (int)strlen(json) - 1 &&
	   !strncmp(buf, json, strlen(json) - 1),
	   "list JSON object: the name and every statistic, as stats --json");
	n = mp_format_list_json("a\"b\\c\n", &st, buf, sizeof(buf));
	ok(n > 0 && !strncmp(buf, "{\"name\": \"a\\\"b\\\\c\\u000a\", \"block_size\": 32", 38),
	   "list JSON escapes the name (quote, backslash, control)");

	n = mp_format_debug_modes(0, 0, buf, sizeof(buf));
	ok(n == 5 && !strcmp(buf, "none\n"), "debug modes: none");
	n = mp_format_debug_modes(MPOOL_DEBUG_POISON | MPOOL_DEBUG_TRACK, 64,
				  buf, sizeof(buf));
	ok(n > 0 && !strcmp(buf, "poison track quarantine=64\n"),
	   "debug modes: all, as the debugfs file writes them");
	n = mp_format_debug_modes(MPOOL_DEBUG_TRACK, 0, buf, sizeof(buf));
	ok(n > 0 && !strcmp(buf, "track\n"), "debug modes: track alone");
	n = mp_format_debug_modes(0, 3, buf, sizeof(buf));
	ok(n > 0 && !strcmp(buf, "quarantine=3\n"),
	   "debug modes: the quarantine alone");
	ok(mp_format_debug_modes(MPOOL_DEBUG_POISON, 65536, small, 8) == -1,
	   "debug modes: a short buffer is reported");
}

