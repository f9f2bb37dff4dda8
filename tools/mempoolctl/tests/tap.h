/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h - the TAP helpers of test_cli and the test groups, one file per
 * concern: test_args.c (numbers, names, command line, usage),
 * test_format.c (messages, output formats), test_bench.c (bench's pure
 * part), test_binary.c (./mempoolctl run as a program).
 */
#ifndef MEMPOOLCTL_TAP_H
#define MEMPOOLCTL_TAP_H

extern int tap_pass, tap_fail;

void ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A test skipped, counted as passed. */
void skip(const char *why);
int count_lines(const char *s);

struct mp_bench_result;
/* A result with these names and numbers (test_bench.c). */
void fill_result(struct mp_bench_result *r, const char *a, const char *w,
		 unsigned int cpus, unsigned long long ps,
		 unsigned long long kops);

void test_sizes(void);
void test_offsets(void);
void test_delays(void);
void test_top(void);
void test_prometheus(void);
void test_names(void);
void test_args(void);
void test_getopt_quirks(void);
void test_usage(void);
void test_errors(void);
void test_format(void);
void test_bench(void);
void test_bench_results(void);
void test_binary(void);
void test_bench_binary(void);
void test_bench_report(void);
void test_json_python(void);

#endif /* MEMPOOLCTL_TAP_H */
