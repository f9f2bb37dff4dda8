// SPDX-License-Identifier: GPL-2.0
/*
 * ptyrun - run a command on a pseudo-terminal, for the VM's tests of
 * "mempoolctl top" (busybox has no script(1)).
 *
 *   ptyrun [-d MS] [-k KEYS | -s SIGNUM] [-t SECONDS] CMD [ARGS...]
 *
 * CMD gets a new session whose controlling terminal (24 rows, 80
 * columns) is its stdin, stdout and stderr.  Everything it writes is
 * copied to ptyrun's stdout.  After -d MS (default 1500) ptyrun types
 * KEYS (default "q"), or sends signal SIGNUM instead; with both -s and
 * -k, the signal after MS and the keys after twice MS.  Exit status: the
 * command's (128 + N if signal N ended it); 124 if it had not ended -t
 * SECONDS (default 10) after the start (it is then killed); 125 if it
 * ended leaving the terminal's echo or canonical mode changed; 126 if
 * ptyrun itself failed.
 */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int die(const char *what)
{
	fprintf(stderr, "ptyrun: %s: %s\n", what, strerror(errno));
	return 126;
}

/* Copy what the command wrote; returns the bytes read (0: nothing). */
static ssize_t pump(int m, int wait_ms)
{
	struct pollfd p = { .fd = m, .events = POLLIN };
	char buf[4096];
	ssize_t n;

	if (poll(&p, 1, wait_ms) <= 0 || !(p.revents & POLLIN))
		return 0;
	n = read(m, buf, sizeof(buf));
	if (n > 0 && fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
		return -1;
	return n;
}

int main(int argc, char **argv)
{
	const char *keys = NULL;
	long delay = 1500, limit = 10, t0;
	struct termios before, after;
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	int sig = 0, c, m, s, st, sent = 0, typed = 0;
	pid_t pid;

	while ((c = getopt(argc, argv, "+d:k:s:t:")) != -1) {
		switch (c) {
		case 'd':
			delay = atol(optarg);
			break;
		case 'k':
			keys = optarg;
			break;
		case 's':
			sig = atoi(optarg);
			break;
		case 't':
			limit = atol(optarg);
			break;
		default:
			fprintf(stderr, "usage: ptyrun [-d MS] [-k KEYS | -s SIGNUM] [-t SECONDS] CMD [ARGS...]\n");
			return 126;
		}
	}
	if (!keys && !sig)
		keys = "q";
	if (!keys)
		typed = 1;	/* nothing to type */
	if (!sig)
		sent = 1;	/* nothing to send */
	if (optind >= argc) {
		fprintf(stderr, "ptyrun: no command\n");
		return 126;
	}
	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0)
		return die("posix_openpt");
	if (grantpt(m) || unlockpt(m))
		return die("grantpt/unlockpt");
	s = open(ptsname(m), O_RDWR | O_NOCTTY);
	if (s < 0)
		return die("open the pty");
	ioctl(s, TIOCSWINSZ, &ws);
	if (tcgetattr(s, &before))
		return die("tcgetattr");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return die("fork");
	if (pid == 0) {
		setsid();
		if (ioctl(s, TIOCSCTTY, 0) < 0)
			_exit(die("TIOCSCTTY"));
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		close(m);
		if (s > 2)
			close(s);
		execvp(argv[optind], argv + optind);
		_exit(die(argv[optind]));
	}
	/* s stays open: the terminal outlives the command, to be checked */
	t0 = now_ms();
	for (;;) {
		if (pump(m, 50) < 0)
			return die("writing stdout");
		if (!sent && now_ms() - t0 >= delay) {
			kill(pid, sig);
			sent = 1;
		}
		if (!typed && now_ms() - t0 >= (sig ? 2 * delay : delay)) {
			if (write(m, keys, strlen(keys)) < 0)
				return die("typing the keys");
			typed = 1;
		}
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		if (now_ms() - t0 > limit * 1000) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			while (pump(m, 0) > 0)
				;
			fflush(stdout);
			fprintf(stderr, "ptyrun: %s still ran after %ld s: killed\n",
				argv[optind], limit);
			return 124;
		}
	}
	while (pump(m, 0) > 0)
		;
	fflush(stdout);
	if (tcgetattr(s, &after))
		return die("tcgetattr after");
	if ((before.c_lflag ^ after.c_lflag) & (ECHO | ICANON)) {
		fprintf(stderr, "ptyrun: %s left the terminal's modes changed (echo %s, canonical %s)\n",
			argv[optind], after.c_lflag & ECHO ? "on" : "off",
			after.c_lflag & ICANON ? "on" : "off");
		return 125;
	}
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
