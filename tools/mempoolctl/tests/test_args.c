// SPDX-License-Identifier: GPL-2.0
/*
 * test_args.c - host tests of args.c and usage.c: sizes, offsets, pool
 * names, the command line (getopt_long and the quirks it must keep) and
 * the usage texts.
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
#include "mpool_ioctl.h"
#include "tap.h"
#include "top.h"

/* ---- sizes, offsets, names ---- */

static void size_ok(const char *s, uint64_t max, uint64_t want)
{
	uint64_t v = 0xdeadbeef;
	int r = mp_parse_size(s, max, &v);

	ok(r == 0 && v == want, "size '%s' parses to %llu (got r=%d v=%llu)",
	   s, (unsigned long long)want, r, (unsigned long long)v);
}

static void size_bad(const char *s, uint64_t max)
{
	uint64_t v = 12345;
	int r = mp_parse_size(s, max, &v);

	ok(r == -1 && v == 12345, "size '%s' is rejected (max %llu)", s,
	   (unsigned long long)max);
}

void test_sizes(void)
{
	size_ok("0", UINT32_MAX, 0);
	size_ok("32", UINT32_MAX, 32);
	size_ok("4k", UINT32_MAX, 4096);
	size_ok("4K", UINT32_MAX, 4096);
	size_ok("1m", UINT32_MAX, 1048576);
	size_ok("1M", UINT32_MAX, 1048576);
	size_ok("3g", UINT32_MAX, 3ULL << 30);
	size_ok("3G", UINT32_MAX, 3ULL << 30);
	size_ok("0x10", UINT32_MAX, 16);
	size_ok("0xffffffff", UINT32_MAX, 0xffffffffULL);
	size_ok("4294967295", UINT32_MAX, 4294967295ULL);
	size_ok("4194303k", UINT32_MAX, 4194303ULL * 1024);
	size_ok("18446744073709551615", UINT64_MAX, UINT64_MAX);
	size_ok("16777215G", UINT64_MAX, 16777215ULL << 30);
	size_bad("", UINT32_MAX);
	size_bad("-1", UINT32_MAX);
	size_bad("+1", UINT32_MAX);
	size_bad(" 1", UINT32_MAX);
	size_bad("1 ", UINT32_MAX);
	size_bad("4kb", UINT32_MAX);
	size_bad("4x", UINT32_MAX);
	size_bad("k", UINT32_MAX);
	size_bad("0x", UINT32_MAX);
	size_bad("1.5k", UINT32_MAX);
	size_bad("4294967296", UINT32_MAX);
	size_bad("4194304k", UINT32_MAX);
	size_bad("4g", UINT32_MAX);
	size_bad("18446744073709551616", UINT64_MAX);
	size_bad("99999999999999999999999", UINT64_MAX);
	size_bad("17179869184G", UINT64_MAX);
	size_bad("0x1g", 100);
}

static void delay_is(const char *s, int want_ok, uint32_t want)
{
	uint32_t ms = 4242;
	int r = mp_parse_delay(s, &ms);

	if (want_ok)
		ok(r == 0 && ms == want, "delay '%s' is %u ms (got r=%d %u)", s,
		   want, r, ms);
	else
		ok(r == -1 && ms == 4242, "delay '%s' is rejected", s);
}

void test_delays(void)
{
	delay_is("1", 1, 1000);
	delay_is("0.1", 1, 100);
	delay_is("0.25", 1, 250);
	delay_is("2.5", 1, 2500);
	delay_is("1.000", 1, 1000);
	delay_is("3600", 1, 3600000);
	delay_is("007", 1, 7000);
	delay_is("0.099", 0, 0);
	delay_is("0", 0, 0);
	delay_is("3600.001", 0, 0);
	delay_is("99999999999999999999", 0, 0);
	delay_is("1.0001", 0, 0);
	delay_is(".5", 0, 0);
	delay_is("1.", 0, 0);
	delay_is("1..0", 0, 0);
	delay_is("", 0, 0);
	delay_is("-1", 0, 0);
	delay_is("1s", 0, 0);
	delay_is("1e3", 0, 0);
	delay_is(" 1", 0, 0);
}

void test_offsets(void)
{
	static const struct { const char *s; uint64_t v; } good[] = {
		{ "0", 0 }, { "4096", 4096 }, { "0x1000", 4096 },
		{ "0X1f", 31 }, { "0xFFFFFFFFFFFFFFFF", UINT64_MAX },
	};
	static const char *const bad[] = {
		"", "-1", "4k", "0x", "12a", "0x1g", " 1", "0x10000000000000000",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint64_t v = 1;

		ok(!mp_parse_offset(good[i].s, &v) && v == good[i].v,
		   "offset '%s' parses", good[i].s);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v;

		ok(mp_parse_offset(bad[i], &v) == -1,
		   "offset '%s' is rejected", bad[i]);
	}
}

void test_names(void)
{
	static const char *const good[] = {
		"rx", "a", "A-Z_a.z-09", "0123456789012345678901234567890",
	};
	static const char *const bad[] = {
		"", "01234567890123456789012345678901", "a b", "a/b", "rx\n",
		"caf\xc3\xa9", "x*", "-\t", ".", "..", "\xe9",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(mp_valid_name(good[i]), "name '%s' (len %zu) is valid",
		   good[i], strlen(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(!mp_valid_name(bad[i]), "name #%zu (len %zu) is invalid",
		   i, strlen(bad[i]));
	ok(!mp_valid_name(NULL), "NULL name is invalid");
}


/* ---- argument parsing ---- */

static int parse(struct mp_args *a, char *err, size_t errlen, ...)
{
	char *argv[32];
	int argc = 0, r;
	va_list ap;

	argv[argc++] = "mempoolctl";
	va_start(ap, errlen);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	r = mp_parse_args(argc, argv, a, err, errlen);
	return r;
}

#define P(a, ...) parse(a, err, sizeof(err), __VA_ARGS__, (char *)NULL)

static void usage_case(const char *what, int r, const char *err,
		       const char *needle)
{
	ok(r == MP_PARSE_USAGE && strstr(err, needle),
	   "usage error: %s ('%s')", what, err);
}

void test_args(void)
{
	struct mp_args a;
	char err[256];
	int r;

	r = P(&a, "create", "rx", "--block-size", "4k", "--blocks", "16");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_CREATE &&
	   !strcmp(a.name, "rx") && a.block_size == 4096 &&
	   a.nr_blocks == 16 && a.align == 0 && a.create_flags == 0,
	   "create with options after NAME");
	mp_args_free(&a);

	r = P(&a, "create", "--zero", "--align=64", "--blocks=1k",
	      "--block-size", "0x20", "--poison", "pool.1", "--track");
	ok(r == MP_PARSE_OK && !strcmp(a.name, "pool.1") &&
	   a.block_size == 32 && a.nr_blocks == 1024 && a.align == 64 &&
	   a.create_flags == (MPOOL_CREATE_ZERO | MPOOL_CREATE_POISON |
			      MPOOL_CREATE_TRACK),
	   "create with options before NAME, --opt=value, flags");
	mp_args_free(&a);

#ifdef MPOOL_CREATE_PERCPU
	r = P(&a, "create", "rx", "--block-size", "8", "--blocks", "2",
	      "--percpu");
	ok(r == MP_PARSE_OK && a.create_flags == MPOOL_CREATE_PERCPU,
	   "create --percpu");
	mp_args_free(&a);
#endif
	r = P(&a, "create", "rx", "--block-size", "8", "--blocks", "2",
	      "--map-write", "--zero");
	ok(r == MP_PARSE_OK && a.create_flags == (MPOOL_CREATE_MAP_WRITE |
						  MPOOL_CREATE_ZERO),
	   "create --map-write");
	mp_args_free(&a);
	r = P(&a, "destroy", "rx", "--map-write");
	usage_case("destroy --map-write", r, err, "--map-write");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--block-size", "4k");
	usage_case("create without --blocks", r, err, "missing --blocks");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "4");
	usage_case("create without --block-size", r, err, "missing --block-size");
	mp_args_free(&a);
	r = P(&a, "create", "--blocks", "4", "--block-size", "8");
	usage_case("create without NAME", r, err, "missing NAME");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "4", "--block-size", "4kb");
	usage_case("create with junk size", r, err, "invalid value '4kb'");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "-4", "--block-size", "8");
	usage_case("create with negative count", r, err, "'-4'");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "4g", "--block-size", "8");
	usage_case("create with count overflowing u32", r, err, "'4g'");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "0", "--block-size", "8");
	usage_case("create with zero blocks", r, err, "at least 1");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "1", "--block-size", "8",
	      "--json");
	usage_case("create --json", r, err, "unknown option '--json'");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks");
	usage_case("option without value", r, err, "needs a value");
	mp_args_free(&a);
	r = P(&a, "create", "bad name", "--blocks", "1", "--block-size", "8");
	usage_case("invalid name characters", r, err, "invalid pool name");
	mp_args_free(&a);
	r = P(&a, "create", "01234567890123456789012345678901", "--blocks",
	      "1", "--block-size", "8");
	usage_case("32-character name", r, err, "longer than 31");
	mp_args_free(&a);
	r = P(&a, "create", "a", "b", "--blocks", "1", "--block-size", "8");
	usage_case("extra argument", r, err, "unexpected argument 'b'");
	mp_args_free(&a);

	r = P(&a, "destroy", "--force", "rx");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_DESTROY && a.force &&
	   !strcmp(a.name, "rx"), "destroy --force NAME");
	mp_args_free(&a);
	r = P(&a, "destroy", "rx");
	ok(r == MP_PARSE_OK && !a.force, "destroy NAME");
	mp_args_free(&a);

	r = P(&a, "list", "--json");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_LIST && a.json, "list --json");
	mp_args_free(&a);
	r = P(&a, "list", "rx");
	usage_case("list with an argument", r, err, "unexpected argument");
	mp_args_free(&a);
	r = P(&a, "stats", "rx", "--json");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_STATS && a.json &&
	   !strcmp(a.name, "rx"), "stats NAME --json");
	mp_args_free(&a);
	r = P(&a, "stats");
	usage_case("stats without NAME", r, err, "missing NAME");
	mp_args_free(&a);

	r = P(&a, "alloc", "rx");
	ok(r == MP_PARSE_OK && a.count == 1 && !a.have_timeout,
	   "alloc defaults to one block, no wait");
	mp_args_free(&a);
	r = P(&a, "alloc", "--timeout", "100", "rx", "--count", "1k");
	ok(r == MP_PARSE_OK && a.count == 1024 && a.have_timeout &&
	   a.timeout_ms == 100, "alloc --count 1k --timeout 100");
	mp_args_free(&a);
	r = P(&a, "alloc", "rx", "--count", "1025");
	ok(r == MP_PARSE_OK && a.count == 1025,
	   "alloc --count above the batch size is batched, not refused");
	mp_args_free(&a);
	r = P(&a, "alloc", "rx", "--count", "16m");
	ok(r == MP_PARSE_OK && a.count == 16777216, "alloc --count 16m");
	mp_args_free(&a);
	r = P(&a, "alloc", "rx", "--count", "16777217");
	usage_case("alloc --count above 16m", r, err,
		   "alloc: --count must be from 1 to 16777216 (16m)");
	mp_args_free(&a);
	r = P(&a, "alloc", "rx", "--count", "0");
	usage_case("alloc --count 0", r, err, "--count");
	mp_args_free(&a);
	r = P(&a, "alloc", "rx", "--timeout", "0");
	usage_case("alloc --timeout 0", r, err, "--timeout");
	mp_args_free(&a);
	r = P(&a, "alloc", "rx", "--count", "3");
	ok(r == MP_PARSE_OK && !a.owned, "alloc: not owned by default");
	mp_args_free(&a);
	r = P(&a, "alloc", "--owned", "rx", "--count", "3");
	ok(r == MP_PARSE_OK && a.owned && a.count == 3, "alloc --owned");
	mp_args_free(&a);
	r = P(&a, "alloc", "rx", "--owned=1");
	usage_case("alloc --owned takes no value", r, err,
		   "option --owned takes no value");
	mp_args_free(&a);
	r = P(&a, "free", "rx", "--owned", "0");
	usage_case("free --owned is unknown", r, err, "unknown option '--owned'");
	mp_args_free(&a);
	/* a handle as alloc prints it: generation in bits 40-63 */
	r = P(&a, "free", "rx", "0x1000000000028", "0x10000000000");
	ok(r == MP_PARSE_OK && a.nr_offsets == 2 &&
	   a.offsets[0] == 0x1000000000028ULL &&
	   a.offsets[1] == 0x10000000000ULL, "free: handles as alloc prints them");
	mp_args_free(&a);

	r = P(&a, "free", "rx", "0", "0x28", "4096");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_FREE && a.nr_offsets == 3 &&
	   a.offsets[0] == 0 && a.offsets[1] == 40 && a.offsets[2] == 4096 &&
	   !strcmp(a.offset_strs[1], "0x28"), "free NAME OFFSET...");
	mp_args_free(&a);
	r = P(&a, "free", "rx");
	usage_case("free without HANDLE", r, err, "missing HANDLE");
	mp_args_free(&a);
	r = P(&a, "free", "rx", "12", "4k");
	usage_case("free with a suffixed offset", r, err, "invalid handle '4k'");
	mp_args_free(&a);

	r = P(&a, "write", "rx", "0x40", "hello", "--pos", "3");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_WRITE && a.offset == 64 &&
	   !strcmp(a.data, "hello") && a.data_len == 5 && a.pos == 3,
	   "write NAME OFFSET DATA --pos");
	mp_args_free(&a);
	r = P(&a, "write", "rx", "0", "--", "--data-");
	ok(r == MP_PARSE_OK && !strcmp(a.data, "--data-") && a.data_len == 7,
	   "write: DATA after -- may begin with -");
	mp_args_free(&a);
	r = P(&a, "write", "rx", "0", "");
	usage_case("write with empty DATA", r, err, "empty");
	mp_args_free(&a);
	r = P(&a, "write", "rx", "0");
	usage_case("write without DATA", r, err, "missing DATA");
	mp_args_free(&a);
	r = P(&a, "read", "rx", "40");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_READ && a.offset == 40 &&
	   !a.have_length && a.pos == 0, "read NAME OFFSET");
	mp_args_free(&a);
	r = P(&a, "read", "--length", "5", "--pos=2", "rx", "40");
	ok(r == MP_PARSE_OK && a.have_length && a.length == 5 && a.pos == 2,
	   "read --length --pos");
	mp_args_free(&a);
	r = P(&a, "read", "rx", "40", "--count", "1");
	usage_case("read --count", r, err, "unknown option '--count'");
	mp_args_free(&a);
	r = P(&a, "reset", "rx");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_RESET, "reset NAME");
	mp_args_free(&a);
	r = P(&a, "watch", "rx", "--below", "4", "--count=2");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_WATCH && !strcmp(a.name, "rx") &&
	   a.below == 4 && a.count == 2, "watch NAME --below N --count K");
	mp_args_free(&a);
	r = P(&a, "watch", "--below", "1k", "rx");
	ok(r == MP_PARSE_OK && a.below == 1024 && a.count == 0,
	   "watch: --below takes suffixes; no --count: no limit");
	mp_args_free(&a);
	r = P(&a, "watch", "rx");
	usage_case("watch without --below", r, err, "watch: missing --below");
	mp_args_free(&a);
	r = P(&a, "watch", "rx", "--below", "0");
	usage_case("watch --below 0", r, err, "--below must be at least 1");
	mp_args_free(&a);
	r = P(&a, "watch", "rx", "--below", "2", "--count", "0");
	usage_case("watch --count 0", r, err, "--count must be at least 1");
	mp_args_free(&a);
	r = P(&a, "watch", "--below", "2");
	usage_case("watch without NAME", r, err, "missing NAME");
	mp_args_free(&a);
	r = P(&a, "watch", "rx", "--below", "2", "--json");
	usage_case("watch --json", r, err, "unknown option '--json'");
	mp_args_free(&a);
	r = P(&a, "debug", "rx");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_DEBUG && !strcmp(a.name, "rx") &&
	   !a.debug_on && !a.debug_off && !a.debug_flags,
	   "debug NAME: only reports");
	mp_args_free(&a);
	r = P(&a, "debug", "rx", "+poison", "-track", "quarantine=64");
	ok(r == MP_PARSE_OK && a.debug_on == MPOOL_DEBUG_POISON &&
	   a.debug_off == MPOOL_DEBUG_TRACK &&
	   a.debug_flags == MPOOL_DEBUG_SET_QUARANTINE &&
	   a.debug_quarantine == 64,
	   "debug: -track is a mode word, not an option");
	mp_args_free(&a);
	r = P(&a, "debug", "rx", "-poison", "+track", "quarantine=0");
	ok(r == MP_PARSE_OK && a.debug_on == MPOOL_DEBUG_TRACK &&
	   a.debug_off == MPOOL_DEBUG_POISON &&
	   a.debug_flags == MPOOL_DEBUG_SET_QUARANTINE &&
	   a.debug_quarantine == 0, "debug: -poison, quarantine=0 (off)");
	mp_args_free(&a);
	r = P(&a, "debug", "rx", "quarantine=64k");
	ok(r == MP_PARSE_OK && a.debug_quarantine == 65536 && !a.debug_on,
	   "debug: quarantine=64k, the longest");
	mp_args_free(&a);
	r = P(&a, "debug", "--", "rx", "-poison");
	ok(r == MP_PARSE_OK && !strcmp(a.name, "rx") &&
	   a.debug_off == MPOOL_DEBUG_POISON, "debug: a leading -- is skipped");
	mp_args_free(&a);
	r = P(&a, "debug", "rx", "--", "-poison");
	ok(r == MP_PARSE_OK && a.debug_off == MPOOL_DEBUG_POISON &&
	   !a.debug_on, "debug: -- before the modes is skipped");
	mp_args_free(&a);
	r = P(&a, "debug", "rx", "--", "--");
	usage_case("debug -- --", r, err, "unknown mode '--'");
	mp_args_free(&a);
	r = P(&a, "debug", "rx", "quarantine=65537");
	usage_case("debug quarantine too long", r, err, "from 0 to 65536");
	mp_args_free(&a);
	r = P(&a, "debug", "rx", "quarantine=");
	usage_case("debug quarantine= empty", r, err, "invalid 'quarantine='");
	mp_args_free(&a);
	r = P(&a, "debug", "rx", "quarantine=-1");
	usage_case("debug quarantine=-1", r, err, "invalid 'quarantine=-1'");
	mp_args_free(&a);
	r = P(&a, "debug", "rx", "quarantine=1", "quarantine=2");
	usage_case("debug quarantine twice", r, err, "quarantine= given twice");
	mp_args_free(&a);
	r = P(&a, "debug", "rx", "+poison", "-poison");
	usage_case("debug +poison -poison", r, err, "poison given twice");
	mp_args_free(&a);
	r = P(&a, "debug", "rx", "+track", "+track");
	usage_case("debug +track twice", r, err, "track given twice");
	mp_args_free(&a);
	r = P(&a, "debug", "rx", "poison");
	usage_case("debug poison without a sign", r, err,
		   "unknown mode 'poison'");
	mp_args_free(&a);
	r = P(&a, "debug", "rx", "--poison");
	usage_case("debug --poison", r, err, "unknown mode '--poison'");
	mp_args_free(&a);
	r = P(&a, "debug", "rx", "+quarantine");
	usage_case("debug +quarantine", r, err, "unknown mode '+quarantine'");
	mp_args_free(&a);
	/* A valid pool name: the first word is always NAME. */
	r = P(&a, "debug", "-poison");
	ok(r == MP_PARSE_OK && !strcmp(a.name, "-poison") && !a.debug_off,
	   "debug: the first word is the pool's name, even '-poison'");
	mp_args_free(&a);
	r = P(&a, "debug");
	usage_case("debug with nothing", r, err, "debug: missing NAME");
	mp_args_free(&a);
	r = P(&a, "debug", "rx", "--help");
	ok(r == MP_PARSE_HELP && a.help_cmd == MP_CMD_DEBUG, "debug --help");
	mp_args_free(&a);
	r = P(&a, "version");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_VERSION && !a.version_opt,
	   "version");
	mp_args_free(&a);
	r = P(&a, "--version");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_VERSION && a.version_opt,
	   "--version: the version command, as the option");
	mp_args_free(&a);
	r = P(&a, "--version", "x");
	usage_case("--version with an argument", r, err,
		   "--version: unexpected argument 'x'");
	mp_args_free(&a);
	r = P(&a, "version", "--version");
	usage_case("version --version", r, err, "unknown option '--version'");
	mp_args_free(&a);

	/* stats: NAME is optional for --prometheus only */
	r = P(&a, "stats", "--prometheus");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_STATS && a.prometheus &&
	   !a.name, "stats --prometheus: every pool");
	mp_args_free(&a);
	r = P(&a, "stats", "--prometheus", "rx");
	ok(r == MP_PARSE_OK && a.prometheus && a.name && !strcmp(a.name, "rx"),
	   "stats --prometheus NAME");
	mp_args_free(&a);
	r = P(&a, "stats");
	usage_case("stats without NAME", r, err, "stats: missing NAME");
	mp_args_free(&a);
	r = P(&a, "stats", "--json");
	usage_case("stats --json without NAME", r, err, "stats: missing NAME");
	mp_args_free(&a);
	r = P(&a, "stats", "rx", "--json", "--prometheus");
	usage_case("stats --json --prometheus", r, err,
		   "--json and --prometheus exclude each other");
	mp_args_free(&a);
	r = P(&a, "stats", "a/b", "--prometheus");
	usage_case("stats --prometheus with a bad name", r, err,
		   "invalid pool name 'a/b'");
	mp_args_free(&a);
	r = P(&a, "stats", "a", "b", "--prometheus");
	usage_case("stats --prometheus with two names", r, err,
		   "unexpected argument 'b'");
	mp_args_free(&a);

	/* top */
	r = P(&a, "top");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_TOP &&
	   a.sort == MP_TOP_SORT_IN_USE && !a.once && a.delay_ms == 1000,
	   "top: sorted by in-use, every second, until q");
	mp_args_free(&a);
	r = P(&a, "top", "--sort", "name", "--once", "--delay=0.25");
	ok(r == MP_PARSE_OK && a.sort == MP_TOP_SORT_NAME && a.once &&
	   a.delay_ms == 250, "top --sort name --once --delay=0.25");
	mp_args_free(&a);
	r = P(&a, "top", "--sort", "failures");
	ok(r == MP_PARSE_OK && a.sort == MP_TOP_SORT_FAILURES,
	   "top --sort failures");
	mp_args_free(&a);
	r = P(&a, "top", "--sort", "in_use");
	usage_case("top --sort in_use", r, err,
		   "top: unknown sort field 'in_use' (known: name, blocks, in-use, free, hwm, allocs, failures)");
	mp_args_free(&a);
	r = P(&a, "top", "--delay", "0");
	usage_case("top --delay 0", r, err,
		   "top: invalid value '0' for --delay");
	mp_args_free(&a);
	r = P(&a, "top", "rx");
	usage_case("top with an argument", r, err, "unexpected argument 'rx'");
	mp_args_free(&a);
	mp_args_free(&a);

	r = P(&a, "bench");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_BENCH && !a.bench_allocators &&
	   !a.bench_workloads && !a.cpus && !a.block_size && !a.ops &&
	   !a.rounds && !a.json && !a.name,
	   "bench: every parameter left to the kernel");
	mp_args_free(&a);
	r = P(&a, "bench", "--allocator", "mempool,objpool", "--workload=cross",
	      "--cpus", "2", "--block-size", "4k", "--ops", "1m", "--rounds",
	      "5", "--json");
	ok(r == MP_PARSE_OK && a.cmd == MP_CMD_BENCH &&
	   a.bench_allocators == 0x81 && a.bench_workloads == 0x4 &&
	   a.cpus == 2 && a.block_size == 4096 && a.ops == 1048576 &&
	   a.rounds == 5 && a.json, "bench with every option");
	mp_args_free(&a);
	r = P(&a, "bench", "--allocator", "naive", "--workload", "pair",
	      "--allocator", "kmalloc,naive", "--workload", "burst");
	ok(r == MP_PARSE_OK && a.bench_allocators == 0x14 &&
	   a.bench_workloads == 0x3, "bench: repeated lists add up");
	mp_args_free(&a);
	r = P(&a, "bench", "--cpus", "99", "--ops", "10", "--block-size", "4");
	ok(r == MP_PARSE_OK && a.cpus == 99 && a.ops == 10 &&
	   a.block_size == 4, "bench: ranges are the kernel's to check");
	mp_args_free(&a);
	r = P(&a, "bench", "--allocator", "slab");
	usage_case("bench unknown allocator", r, err,
		   "bench: unknown allocator 'slab' (known: mempool, mempool-nocache,");
	mp_args_free(&a);
	r = P(&a, "bench", "--allocator", "naive,slub");
	usage_case("bench unknown allocator in a list", r, err,
		   "unknown allocator 'slub'");
	mp_args_free(&a);
	r = P(&a, "bench", "--workload", "mempool");
	usage_case("bench allocator name as workload", r, err,
		   "unknown workload 'mempool' (known: pair, burst, cross)");
	mp_args_free(&a);
	r = P(&a, "bench", "--allocator=");
	usage_case("bench empty allocator list", r, err, "empty allocator name");
	mp_args_free(&a);
	r = P(&a, "bench", "--workload", "pair,");
	usage_case("bench trailing comma", r, err, "empty workload name in 'pair,'");
	mp_args_free(&a);
	r = P(&a, "bench", "--allocator");
	usage_case("bench --allocator without value", r, err, "needs a value");
	mp_args_free(&a);
	r = P(&a, "bench", "--cpus", "two");
	usage_case("bench --cpus not a number", r, err, "invalid value 'two' for --cpus");
	mp_args_free(&a);
	r = P(&a, "bench", "--ops", "-5");
	usage_case("bench --ops negative", r, err, "invalid value '-5' for --ops");
	mp_args_free(&a);
	r = P(&a, "bench", "mempool");
	usage_case("bench with a positional argument", r, err,
		   "unexpected argument 'mempool'");
	mp_args_free(&a);
	r = P(&a, "bench", "--blocks", "4");
	usage_case("bench --blocks", r, err, "bench: unknown option '--blocks'");
	mp_args_free(&a);
	r = P(&a, "list", "--ops", "4");
	usage_case("list --ops", r, err, "list: unknown option '--ops'");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "4", "--cpus", "1");
	usage_case("create --cpus", r, err, "create: unknown option '--cpus'");
	mp_args_free(&a);
	r = P(&a, "help", "bench");
	ok(r == MP_PARSE_HELP && a.help_cmd == MP_CMD_BENCH &&
	   strstr(mp_usage(MP_CMD_BENCH), "--allocator LIST") &&
	   strstr(mp_usage(MP_CMD_NONE), "  bench [--allocator LIST]"),
	   "help bench; bench in the top-level usage");
	mp_args_free(&a);

	r = P(&a, "--help");
	ok(r == MP_PARSE_HELP && a.help_cmd == MP_CMD_NONE, "--help");
	mp_args_free(&a);
	r = P(&a, "-h");
	ok(r == MP_PARSE_HELP && a.help_cmd == MP_CMD_NONE, "-h");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "x", "-h");
	ok(r == MP_PARSE_HELP && a.help_cmd == MP_CMD_CREATE,
	   "-h after a bad value still prints the usage");
	mp_args_free(&a);
	r = P(&a, "write", "rx", "0", "--", "-h");
	ok(r == MP_PARSE_OK && !strcmp(a.data, "-h"),
	   "-h after -- is DATA, not a help request");
	mp_args_free(&a);
	r = P(&a, "create", "-h", "--blocks", "x");
	ok(r == MP_PARSE_HELP && a.help_cmd == MP_CMD_CREATE,
	   "create -h wins over later errors");
	mp_args_free(&a);
	r = P(&a, "free", "--help");
	ok(r == MP_PARSE_HELP && a.help_cmd == MP_CMD_FREE, "free --help");
	mp_args_free(&a);
	r = P(&a, "help", "stats");
	ok(r == MP_PARSE_HELP && a.help_cmd == MP_CMD_STATS, "help stats");
	mp_args_free(&a);
	r = P(&a, "bogus");
	usage_case("unknown command", r, err, "unknown command 'bogus'");
	mp_args_free(&a);
	r = P(&a, "--bogus");
	usage_case("unknown top-level option", r, err, "unknown option");
	mp_args_free(&a);
	{
		char *argv[] = { "mempoolctl", NULL };

		r = mp_parse_args(1, argv, &a, err, sizeof(err));
		usage_case("no command", r, err, "no command");
		mp_args_free(&a);
	}
	{
		int c, all = 1;

		for (c = MP_CMD_NONE; c < MP_CMD_COUNT; c++)
			if (!mp_usage((enum mp_cmd)c) ||
			    strncmp(mp_usage((enum mp_cmd)c), "Usage: ", 7))
				all = 0;
		ok(all, "every command has a usage text");
	}
}


/* ---- what getopt_long must not change ---- */

void test_getopt_quirks(void)
{
	struct mp_args a;
	char err[256];
	int r;

	r = P(&a, "create", "rx", "--blocks", "4", "--block-s", "8");
	usage_case("an unambiguous abbreviation is refused", r, err,
		   "create: unknown option '--block-s'");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--block", "8", "--blocks", "4");
	usage_case("an ambiguous abbreviation", r, err,
		   "create: unknown option '--block'");
	mp_args_free(&a);
	r = P(&a, "alloc", "rx", "--cou");
	usage_case("an abbreviation without its value", r, err,
		   "alloc: unknown option '--cou'");
	mp_args_free(&a);
	r = P(&a, "destroy", "rx", "--forc");
	usage_case("an abbreviated flag", r, err,
		   "destroy: unknown option '--forc'");
	mp_args_free(&a);
	r = P(&a, "list", "--json=1");
	usage_case("a flag with =value", r, err,
		   "list: option --json takes no value");
	mp_args_free(&a);
	r = P(&a, "list", "--js=1");
	usage_case("an abbreviated flag with =value", r, err,
		   "list: unknown option '--js'");
	mp_args_free(&a);
	r = P(&a, "destroy", "rx", "--force=");
	usage_case("a flag with an empty =value", r, err,
		   "option --force takes no value");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "4", "--block-size=");
	usage_case("--opt= is an empty value", r, err,
		   "invalid value '' for --block-size");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "4", "--block-size");
	usage_case("a value missing at the end", r, err,
		   "create: option --block-size needs a value");
	mp_args_free(&a);
	r = P(&a, "write", "rx", "0", "x", "--pos", "--");
	usage_case("the next word is the value, even --", r, err,
		   "invalid value '--' for --pos");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "-z");
	usage_case("no short options", r, err, "create: unknown option '-z'");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "-zero=1");
	usage_case("a single-dash word, up to '='", r, err,
		   "create: unknown option '-zero'");
	mp_args_free(&a);
	r = P(&a, "free", "rx", "-5");
	usage_case("a negative offset is an unknown option", r, err,
		   "free: unknown option '-5'");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "---zero");
	usage_case("three dashes", r, err, "create: unknown option '---zero'");
	mp_args_free(&a);
	r = P(&a, "destroy", "rx", "--=x");
	usage_case("an empty option name", r, err,
		   "destroy: unknown option '--'");
	mp_args_free(&a);
	r = P(&a, "reset", "rx", "-:");
	usage_case("-: (getopt's own character)", r, err,
		   "reset: unknown option '-:'");
	mp_args_free(&a);
	/* after the errors above, getopt starts afresh */
	r = P(&a, "create", "-", "--blocks", "4", "--block-size", "8");
	ok(r == MP_PARSE_OK && !strcmp(a.name, "-"),
	   "'-' alone is an argument (here the pool name)");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "x", "--frob");
	usage_case("the first bad word wins (a value)", r, err,
		   "invalid value 'x' for --blocks");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--frob", "--blocks", "x");
	usage_case("the first bad word wins (an option)", r, err,
		   "unknown option '--frob'");
	mp_args_free(&a);
	r = P(&a, "free", "rx", "1", "--", "-5", "--force");
	usage_case("after --, words are arguments", r, err,
		   "invalid handle '-5'");
	mp_args_free(&a);
	r = P(&a, "write", "rx", "--pos", "2", "0", "--", "--pos");
	ok(r == MP_PARSE_OK && a.pos == 2 && a.offset == 0 &&
	   !strcmp(a.data, "--pos"), "options before, DATA after --");
	mp_args_free(&a);
	r = P(&a, "write", "rx", "0", "x", "--pos", "-0");
	usage_case("a value may begin with '-'", r, err,
		   "invalid value '-0' for --pos");
	mp_args_free(&a);
	r = P(&a, "create", "rx", "--blocks", "-h", "--block-size", "8");
	ok(r == MP_PARSE_HELP && a.help_cmd == MP_CMD_CREATE,
	   "-h as an option's value still asks for help");
	mp_args_free(&a);
	r = P(&a, "list", "--help=1");
	usage_case("--help=1 is not --help", r, err,
		   "list: unknown option '--help'");
	mp_args_free(&a);
	r = P(&a, "list", "--he");
	usage_case("--he is not --help", r, err, "list: unknown option '--he'");
	mp_args_free(&a);
	r = P(&a, "bench", "--allocators", "naive");
	usage_case("bench --allocators (the option is --allocator)", r, err,
		   "bench: unknown option '--allocators'");
	mp_args_free(&a);
	r = P(&a, "create", "--blocks=2", "rx", "--block-size", "8",
	      "--blocks", "3");
	ok(r == MP_PARSE_OK && a.nr_blocks == 3, "a repeated option: the last wins");
	mp_args_free(&a);
	setenv("POSIXLY_CORRECT", "1", 1);
	r = P(&a, "create", "--blocks", "2", "rx", "--block-size", "8");
	ok(r == MP_PARSE_OK && !strcmp(a.name, "rx") && a.block_size == 8,
	   "POSIXLY_CORRECT does not stop options at the first argument");
	mp_args_free(&a);
	unsetenv("POSIXLY_CORRECT");
}

/* ---- usage texts ---- */

void test_usage(void)
{
	static const char alloc_lines[] =
		"  --allocator LIST  comma-separated, from: mempool, mempool-nocache,\n"
		"                    naive, kmem_cache, kmalloc, mempool_t, gen_pool,\n"
		"                    objpool, null, ideal, memset, mempool-poison,\n"
		"                    mempool-zero, mempool-track, mempool-quarantine\n"
		"                    (default: every one this kernel has)\n"
		"  --workload LIST   comma-separated, from: pair (alloc, free), burst\n"
		"                    (64 allocs, 64 frees), cross (alloc on one CPU, free\n"
		"                    on the next) (default: all; cross needs 2 CPUs)\n";
	const char *top = mp_usage(MP_CMD_NONE), *u, *p, *nl;
	char want[128];
	int c, all = 1, listed = 1, short_lines = 1;

	for (c = MP_CMD_NONE; c < MP_CMD_COUNT; c++) {
		u = mp_usage((enum mp_cmd)c);
		if (c != MP_CMD_NONE) {
			snprintf(want, sizeof(want), "Usage: mempoolctl %s",
				 mp_cmd_name((enum mp_cmd)c));
			if (strncmp(u, want, strlen(want)))
				all = 0;
			snprintf(want, sizeof(want), "\n  %s",
				 mp_cmd_name((enum mp_cmd)c));
			if (!strstr(top, want))
				listed = 0;
		}
		if (!*u || u[strlen(u) - 1] != '\n' || strlen(u) >= 4000)
			all = 0;
		for (p = u; (nl = strchr(p, '\n')); p = nl + 1)
			if (nl - p > 79)
				short_lines = 0;
	}
	ok(all, "every command has a whole usage text, 'Usage: mempoolctl NAME'");
	ok(listed, "the top-level usage lists every command");
	ok(short_lines, "no usage line is wider than 79 columns");
	ok(!strncmp(top, "Usage: mempoolctl COMMAND [ARGS...] [OPTIONS]\n\n", 47) &&
	   strstr(top, "\n  create NAME --block-size N --blocks N [--align N] [--zero] [--poison]\n         [--track] [--percpu] [--map-write]\n  destroy NAME [--force]\n") &&
	   strstr(top, "\n  version\n  help [COMMAND]\n\nSizes"),
	   "top-level usage: command synopses in table order");
	ok(strstr(mp_usage(MP_CMD_BENCH), alloc_lines) != NULL,
	   "bench usage: the allocator and workload names, wrapped as before");
	ok(strstr(mp_usage(MP_CMD_BENCH), "mempool_bench") != NULL &&
	   !strstr(mp_usage(MP_CMD_BENCH), "@"),
	   "bench usage: names mempool_bench.ko, no template left");
	ok(mp_usage(MP_CMD_CREATE) == mp_usage(MP_CMD_CREATE) &&
	   mp_usage((enum mp_cmd)-1) == top &&
	   mp_usage(MP_CMD_COUNT) == top,
	   "usage texts are made once; out-of-range commands get the top one");
}
