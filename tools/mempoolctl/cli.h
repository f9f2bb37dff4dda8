/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - the commands of mempoolctl: their one table, and the arguments
 * the parser (args.c) fills in for the handlers (commands.c, bench_run.c).
 */
#ifndef MEMPOOLCTL_CLI_H
#define MEMPOOLCTL_CLI_H

#include <stddef.h>
#include <stdint.h>

#define PROG "mempoolctl"

/*
 * The version of mempoolctl, printed by "mempoolctl --version".  The
 * Makefile passes the top-level VERSION file's (the one DKMS packages
 * use) as -DMP_VERSION when there is one; this is the fallback.
 */
#ifndef MP_VERSION
#define MP_VERSION "1.0.0"
#endif

/* alloc --count: the most blocks one command allocates (in batches). */
#define MP_ALLOC_COUNT_MAX	(1u << 24)

/* top --sort: the fields (mp_top_sort_name() spells them). */
enum mp_top_sort {
	MP_TOP_SORT_NAME,
	MP_TOP_SORT_BLOCKS,
	MP_TOP_SORT_IN_USE,
	MP_TOP_SORT_FREE,
	MP_TOP_SORT_HWM,
	MP_TOP_SORT_ALLOCS,	/* allocations per second */
	MP_TOP_SORT_FAILURES,	/* failed allocations per second */
	MP_TOP_SORT_NR
};

enum mp_cmd {
	MP_CMD_NONE = 0,
	MP_CMD_CREATE,
	MP_CMD_DESTROY,
	MP_CMD_LIST,
	MP_CMD_STATS,
	MP_CMD_TOP,
	MP_CMD_ALLOC,
	MP_CMD_FREE,
	MP_CMD_WRITE,
	MP_CMD_READ,
	MP_CMD_RESET,
	MP_CMD_WATCH,
	MP_CMD_DEBUG,
	MP_CMD_BENCH,
	MP_CMD_VERSION,
	MP_CMD_HELP,
	MP_CMD_COUNT
};

/* Everything a command needs, filled in by mp_parse_args() without I/O. */
struct mp_args {
	enum mp_cmd cmd;
	const char *name;		/* pool name, validated */
	/* create, bench (0: the kernel's default) */
	uint32_t block_size;
	uint32_t nr_blocks;
	uint32_t align;
	uint32_t create_flags;		/* MPOOL_CREATE_* */
	/* destroy */
	int force;
	/* list, stats, bench */
	int json;
	/* stats */
	int prometheus;
	/* version: 1 for "mempoolctl --version" (never fails) */
	int version_opt;
	/* top */
	enum mp_top_sort sort;
	int once;
	uint32_t delay_ms;
	/* alloc; watch: events before it exits (0: no limit) */
	uint32_t count;
	/* watch: the low watermark to set */
	uint32_t below;
	int have_timeout;
	uint32_t timeout_ms;
	int owned;			/* --owned: MPOOL_ALLOC_OWNED, then hold */
	/* free: handles (offsets[nr_offsets]), strs[] the arguments */
	uint64_t *offsets;
	const char **offset_strs;
	size_t nr_offsets;
	/* read, write: the block's handle */
	uint64_t offset;
	const char *offset_str;
	const char *data;
	size_t data_len;
	uint32_t pos;
	int have_length;
	uint32_t length;
	/*
	 * debug: the MPOOL_IOC_DEBUG request of the mode words (all 0: only
	 * report); debug_quarantine counts with MPOOL_DEBUG_SET_QUARANTINE
	 */
	uint32_t debug_on;
	uint32_t debug_off;
	uint32_t debug_flags;
	uint32_t debug_quarantine;
	/* bench: 0 in each means the kernel's default */
	uint32_t bench_allocators;	/* bit i: mp_bench_name(ALLOCATOR, i) */
	uint32_t bench_workloads;	/* bit i: mp_bench_name(WORKLOAD, i) */
	uint32_t cpus;
	uint32_t ops;
	uint32_t rounds;
	/* help: the command whose usage to print (MP_CMD_NONE: top level) */
	enum mp_cmd help_cmd;
};

/* The options; a command accepts a set of them (MP_OPT(x) bits). */
enum mp_opt {
	MP_OPT_BLOCK_SIZE, MP_OPT_BLOCKS, MP_OPT_ALIGN, MP_OPT_ZERO,
	MP_OPT_POISON, MP_OPT_TRACK, MP_OPT_PERCPU, MP_OPT_FORCE, MP_OPT_JSON,
	MP_OPT_COUNT, MP_OPT_TIMEOUT, MP_OPT_POS, MP_OPT_LENGTH,
	MP_OPT_ALLOCATOR, MP_OPT_WORKLOAD, MP_OPT_CPUS, MP_OPT_OPS,
	MP_OPT_ROUNDS, MP_OPT_PROMETHEUS, MP_OPT_SORT, MP_OPT_ONCE,
	MP_OPT_DELAY,
	MP_OPT_OWNED,
	MP_OPT_MAP_WRITE,
	MP_OPT_BELOW,
	MP_OPT_NR
};
#define MP_OPT(x)	(1u << MP_OPT_##x)

/* What a command's handler is given: no device, or an fd of /dev/mempool. */
enum mp_dev {
	MP_DEV_NONE,		/* the handler opens what it needs */
	MP_DEV_RO,		/* /dev/mempool opened O_RDONLY */
	MP_DEV_RW,		/* /dev/mempool opened O_RDWR */
};

/*
 * One command.  Its usage is "Usage: mempoolctl NAME" + @args + @help;
 * the top-level usage lists "  NAME" + @synopsis of each.  In @help, "@A"
 * expands to the allocator names (wrapped) and "@0".."@9" to workload i's
 * name (see usage.c).
 */
struct mp_cmd_desc {
	const char *name;
	const char *synopsis;
	const char *args;
	const char *help;
	unsigned int opts;		/* MP_OPT() bits accepted */
	int npos_min, npos_max;		/* positional arguments; max -1: any */
	const char *pos_names[3];	/* for "missing NAME" */
	enum mp_dev dev;
	/* Returns the exit status; NULL for help (handled by main). */
	int (*run)(int fd, const struct mp_args *a);
};

/* The table, indexed by enum mp_cmd (entry MP_CMD_NONE is empty). */
extern const struct mp_cmd_desc mp_cmds[MP_CMD_COUNT];

#endif /* MEMPOOLCTL_CLI_H */
