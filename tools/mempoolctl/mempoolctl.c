// SPDX-License-Identifier: GPL-2.0
/*
 * mempoolctl - drive the pools of the mempool module through /dev/mempool,
 * and its benchmark through mempool_bench's debugfs files.
 *
 * The files, by concern: cmdtab.c the command table; args.c the command
 * line; usage.c the usage texts; errors.c errno -> message; format.c the
 * output formats; bench.c the benchmark's requests and results (all pure,
 * tested on the host by test_cli); commands.c and bench_run.c the
 * handlers, which do the I/O; this file main().
 *
 * Exit status: 0 success; 1 the kernel refused (or free had invalid
 * offsets); 2 bad usage; 3 watch: the pool was destroyed.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"

int main(int argc, char **argv)
{
	const struct mp_cmd_desc *d;
	struct mp_args a;
	char err[512];
	int r, fd = -1;

	r = mp_parse_args(argc, argv, &a, err, sizeof(err));
	if (r == MP_PARSE_HELP) {
		fputs(mp_usage(a.help_cmd), stdout);
		mp_args_free(&a);
		return 0;
	}
	if (r != MP_PARSE_OK) {
		const char *c = mp_cmd_name(a.cmd);

		fprintf(stderr, PROG ": %s\n", err);
		if (c && a.cmd != MP_CMD_HELP)
			fprintf(stderr, "Try '" PROG " %s --help' for more information.\n", c);
		else
			fprintf(stderr, "Try '" PROG " --help' for more information.\n");
		mp_args_free(&a);
		return MP_PARSE_USAGE;
	}

	d = &mp_cmds[a.cmd];
	if (d->dev != MP_DEV_NONE) {
		fd = mp_open_dev(d->dev == MP_DEV_RW ? O_RDWR : O_RDONLY);
		if (fd < 0) {
			mp_args_free(&a);
			return 1;
		}
	}
	r = d->run ? d->run(fd, &a) : 1;
	if (fd >= 0)
		close(fd);
	mp_args_free(&a);
	if (fflush(stdout) && !r) {
		fprintf(stderr, PROG ": writing output: %s\n", strerror(errno));
		r = 1;
	}
	return r;
}
