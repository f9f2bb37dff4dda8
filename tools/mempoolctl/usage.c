// SPDX-License-Identifier: GPL-2.0
/*
 * usage.c - the usage texts of mempoolctl, made from the command table
 * (cmdtab.c) and the bench name lists (bench.c).  Pure.
 */
#include <string.h>

#include "args.h"
#include "bench.h"
#include "format.h"

/* Room for any usage text; a longer one is cut (tested by test_cli). */
#define USAGE_MAX 4096
/* A line with the allocator names is wrapped at this width... */
#define WRAP_WIDTH 72
/* ...its continuation lines indented to the option's description. */
#define WRAP_INDENT 20

static const char usage_head[] =
	"Usage: mempoolctl COMMAND [ARGS...] [OPTIONS]\n"
	"\n"
	"Drive the pools of the mempool module through /dev/mempool.\n"
	"\n"
	"Commands:\n";

static const char usage_tail[] =
	"\n"
	"Sizes and counts take the suffixes k, m, g (powers of 1024);\n"
	"handles are 0x hex or decimal.  'mempoolctl COMMAND --help' for more;\n"
	"'mempoolctl --version' for the version.\n"
	"Exit status: 0 success, 1 refused by the kernel, 2 bad usage,\n"
	"3 the watched pool was destroyed (watch).\n";

/* Append @line (@n bytes, no newline) wrapped at WRAP_WIDTH, and '\n'. */
static void app_wrapped(struct mp_buf *b, const char *line, size_t n)
{
	size_t i = 0, col = 0, w;
	int first = 1;

	/* the leading part up to the description is kept as it is */
	while (i < n && i < WRAP_INDENT) {
		mp_app(b, "%c", line[i]);
		i++;
		col++;
	}
	while (i < n) {
		while (i < n && line[i] == ' ')
			i++;
		for (w = 0; i + w < n && line[i + w] != ' '; w++)
			;
		if (!w)
			break;
		if (!first && col + 1 + w > WRAP_WIDTH) {
			mp_app(b, "\n%*s", WRAP_INDENT, "");
			col = WRAP_INDENT;
		} else if (!first) {
			mp_app(b, " ");
			col++;
		}
		mp_app(b, "%.*s", (int)w, line + i);
		col += w;
		i += w;
		first = 0;
	}
	mp_app(b, "\n");
}

/* Append @text, expanding @A and @0..@9 (see struct mp_cmd_desc). */
static void app_template(struct mp_buf *b, const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		char line[512];
		struct mp_buf lb = MP_BUF_INIT(line, sizeof(line));
		int wrap = 0;
		size_t i;

		for (i = 0; i < n; i++) {
			const char *name = NULL;

			if (text[i] == '@' && i + 1 < n && text[i + 1] == 'A') {
				char names[256];

				if (mp_bench_names_joined(MP_BENCH_ALLOCATOR,
							  ", ", names,
							  sizeof(names)) >= 0)
					mp_app(&lb, "%s", names);
				wrap = 1;
				i++;
				continue;
			}
			if (text[i] == '@' && i + 1 < n && text[i + 1] >= '0' &&
			    text[i + 1] <= '9')
				name = mp_bench_name(MP_BENCH_WORKLOAD,
						     (unsigned int)(text[i + 1] - '0'));
			if (name) {
				mp_app(&lb, "%s", name);
				i++;
				continue;
			}
			mp_app(&lb, "%c", text[i]);
		}
		if (mp_buf_done(&lb) < 0)
			lb.off = 0;	/* cannot happen: the table's lines are short */
		if (wrap)
			app_wrapped(b, line, lb.off);
		else
			mp_app(b, "%.*s%s", (int)lb.off, line, nl ? "\n" : "");
		text += n + (nl ? 1 : 0);
	}
}

static char usage_top[USAGE_MAX];
static char usage_cmd[MP_CMD_COUNT][USAGE_MAX];

const char *mp_usage(enum mp_cmd cmd)
{
	const struct mp_cmd_desc *d;
	struct mp_buf b;
	int c;

	if ((int)cmd <= MP_CMD_NONE || cmd >= MP_CMD_COUNT) {
		if (!usage_top[0]) {
			b = (struct mp_buf)MP_BUF_INIT(usage_top,
						       sizeof(usage_top));
			mp_app(&b, "%s", usage_head);
			for (c = MP_CMD_NONE + 1; c < MP_CMD_COUNT; c++)
				mp_app(&b, "  %s%s", mp_cmds[c].name,
				       mp_cmds[c].synopsis);
			mp_app(&b, "%s", usage_tail);
		}
		return usage_top;
	}
	if (!usage_cmd[cmd][0]) {
		d = &mp_cmds[cmd];
		b = (struct mp_buf)MP_BUF_INIT(usage_cmd[cmd],
					       sizeof(usage_cmd[cmd]));
		mp_app(&b, "Usage: mempoolctl %s%s", d->name, d->args);
		app_template(&b, d->help);
	}
	return usage_cmd[cmd];
}
