// SPDX-License-Identifier: GPL-2.0
/*
 * test_cli - host tests of mempoolctl: the pure part (args.c, usage.c,
 * errors.c, format.c, bench.c) and the device-free behaviour of the
 * ./mempoolctl binary.  Output is TAP; the groups are in tap.h.
 */
#include <stdarg.h>
#include <stdio.h>

#include "tap.h"

int tap_pass, tap_fail;

void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", cond ? "ok" : "not ok", tap_pass + tap_fail + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (cond)
		tap_pass++;
	else
		tap_fail++;
}

void skip(const char *why)
{
	printf("ok %d - # SKIP %s\n", tap_pass + tap_fail + 1, why);
	tap_pass++;
}

int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

int main(void)
{
	test_sizes();
	test_offsets();
	test_delays();
	test_names();
	test_errors();
	test_format();
	test_prometheus();
	test_top();
	test_bench();
	test_bench_results();
	test_args();
	test_getopt_quirks();
	test_usage();
	test_binary();
	test_bench_binary();
	test_bench_report();
	test_json_python();
	printf("1..%d\n", tap_pass + tap_fail);
	printf("# %d passed, %d failed\n", tap_pass, tap_fail);
	return tap_fail ? 1 : 0;
}
