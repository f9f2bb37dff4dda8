// SPDX-License-Identifier: GPL-2.0
/*
 * watch_run.c - "mempoolctl watch": set a pool's low watermark and print
 * its events (MPOOL_IOC_WATCH, then poll() and read() on the device).
 */
#define _GNU_SOURCE	/* ppoll */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "errors.h"
#include "format.h"
#include "libmpool.h"

/* Exit status when the pool is destroyed while watched. */
#define MP_WATCH_DESTROYED	3

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static int watch_err(const struct mp_args *a, int err)
{
	fprintf(stderr, PROG ": %s '%s': %s\n", mp_cmd_name(a->cmd), a->name,
		mp_strerror(a->cmd, err));
	return 1;
}

/*
 * SIGINT and SIGTERM are blocked but inside ppoll(), so one that comes
 * between the check of @stop and the wait still ends the wait.
 */
int mp_run_watch(int fd, const struct mp_args *a)
{
	struct sigaction sa;
	sigset_t block, orig;
	uint32_t seen = 0;
	char line[160];
	int r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	r = mpool_watch(fd, a->name, MPOOL_WATCH_SET, a->below, NULL);
	if (r < 0)
		return watch_err(a, -r);
	while (!stop && (!a->count || seen < a->count)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct mpool_watch_event ev;
		ssize_t n;

		if (ppoll(&p, 1, NULL, &orig) < 0) {
			if (errno == EINTR)
				continue;
			return mp_fail(a->cmd, "poll: %s", strerror(errno));
		}
		n = mpool_read_events(fd, &ev, 1);
		if (n < 0) {
			if (n == -EINTR || n == -EAGAIN)
				continue;
			return watch_err(a, (int)-n);
		}
		if (n == 0) {
			fprintf(stderr, PROG ": %s '%s': the pool was destroyed\n",
				mp_cmd_name(a->cmd), a->name);
			return MP_WATCH_DESTROYED;
		}
		if (mp_format_watch_event(&ev, line, sizeof(line)) >= 0)
			fputs(line, stdout);
		/* Each line as it happens, also into a pipe or a file. */
		fflush(stdout);
		seen++;
	}
	return 0;
}
