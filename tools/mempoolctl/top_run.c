// SPDX-License-Identifier: GPL-2.0
/*
 * top_run.c - the handler of "mempoolctl top": samples every pool's
 * statistics each --delay and draws the frames of top.c.  On a terminal
 * (without --once) it redraws in place and reads keys without echo; the
 * terminal's modes are restored on exit and on SIGINT/SIGTERM (which then
 * end the program as they would have), and around a stop (SIGTSTP, ^Z).
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "top.h"

static volatile sig_atomic_t got_signal, got_tstp;
static struct termios saved_tio, raw_tio;
static int tio_saved;

static void on_signal(int sig)
{
	if (sig == SIGTSTP)
		got_tstp = 1;
	else
		got_signal = sig;
}

static void restore_tty(void)
{
	if (tio_saved) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
		tio_saved = 0;
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int sample(int fd, struct mp_top_snap *s)
{
	char err[256];

	if (mp_sample_pools(fd, s, err, sizeof(err)))
		return mp_fail(MP_CMD_TOP, "%s", err);
	s->t_ns = now_ns();
	return 0;
}

/* Print one frame (@clear: home the cursor and clear the screen first). */
static int draw(const struct mp_top_snap *prev, const struct mp_top_snap *cur,
		enum mp_top_sort sort, size_t max_rows, int clear)
{
	/* a line is at most 31 + 4 * 21 + 2 * 40 characters; doubles fit */
	size_t len = 1024 + cur->n * 512;
	char *buf = malloc(len);
	int n;

	if (!buf)
		return mp_fail(MP_CMD_TOP, "out of memory");
	n = mp_format_top(prev, cur, sort, max_rows, buf, len);
	if (n < 0) {
		free(buf);
		return mp_fail(MP_CMD_TOP, "out of memory");
	}
	if (clear)
		fputs("\033[H\033[2J", stdout);
	fputs(buf, stdout);
	fflush(stdout);
	free(buf);
	return 0;
}

/* Rows of pools the terminal has room for (0: all). */
static size_t term_rows(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 3)
		return (size_t)ws.ws_row - 3;
	return 0;
}

/* --once, or stdout is not a terminal: one frame over one interval. */
static int run_once(int fd, const struct mp_args *a)
{
	struct mp_top_snap prev, cur;
	struct timespec ts = {
		.tv_sec = a->delay_ms / 1000,
		.tv_nsec = (long)(a->delay_ms % 1000) * 1000000L,
	};
	int r;

	if (sample(fd, &prev))
		return 1;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	if (sample(fd, &cur)) {
		free(prev.pools);
		return 1;
	}
	r = draw(&prev, &cur, a->sort, 0, 0);
	free(prev.pools);
	free(cur.pools);
	return r;
}

int mp_run_top(int fd, const struct mp_args *a)
{
	struct mp_top_snap prev = { 0 }, cur;
	enum mp_top_sort sort = a->sort;
	struct sigaction sa;
	int keys, r = 0, have_prev = 0;
	uint64_t next;

	if (a->once || !isatty(STDOUT_FILENO))
		return run_once(fd, a);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	keys = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tio) == 0;
	if (keys) {
		raw_tio = saved_tio;
		raw_tio.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw_tio.c_cc[VMIN] = 1;
		raw_tio.c_cc[VTIME] = 0;
		tio_saved = 1;
		atexit(restore_tty);
		if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw_tio) < 0)
			keys = 0;
		sigaction(SIGTSTP, &sa, NULL);
	}

	if (sample(fd, &cur)) {
		restore_tty();
		return 1;
	}
	/* the first frame at once, its rates 0: there is no interval yet */
	draw(NULL, &cur, sort, term_rows(), 1);
	next = cur.t_ns + (uint64_t)a->delay_ms * 1000000u;
	while (!got_signal) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		uint64_t now = now_ns();
		int timeout = now >= next ? 0 : (int)((next - now + 999999) / 1000000);
		char c;

		if (got_tstp) {
			/* ^Z: stop with the terminal as it was, then go on */
			got_tstp = 0;
			restore_tty();
			signal(SIGTSTP, SIG_DFL);
			raise(SIGTSTP);
			/* continued (or never stopped: an orphaned group) */
			sigaction(SIGTSTP, &sa, NULL);
			if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw_tio) == 0)
				tio_saved = 1;
			else
				keys = 0;
			draw(have_prev ? &prev : NULL, &cur, sort, term_rows(), 1);
			continue;
		}
		if (poll(&pfd, keys ? 1 : 0, timeout) > 0) {
			if (read(STDIN_FILENO, &c, 1) != 1) {
				keys = 0;	/* end of input: no more keys */
				continue;
			}
			if (c == 'q' || c == 'Q')
				break;
			if (c == 's' || c == 'S') {
				sort = (enum mp_top_sort)((sort + 1) % MP_TOP_SORT_NR);
				draw(have_prev ? &prev : NULL, &cur, sort,
				     term_rows(), 1);
			}
			continue;
		}
		if (got_signal || now_ns() < next)
			continue;
		free(prev.pools);
		prev = cur;
		have_prev = 1;
		if (sample(fd, &cur)) {
			cur.pools = NULL;
			r = 1;
			break;
		}
		draw(&prev, &cur, sort, term_rows(), 1);
		next += (uint64_t)a->delay_ms * 1000000u;
		if (next < cur.t_ns)	/* fell behind: no burst of frames */
			next = cur.t_ns + (uint64_t)a->delay_ms * 1000000u;
	}
	free(prev.pools);
	free(cur.pools);
	restore_tty();
	if (got_signal) {
		fflush(stdout);
		signal(got_signal, SIG_DFL);
		raise(got_signal);
	}
	return r;
}
