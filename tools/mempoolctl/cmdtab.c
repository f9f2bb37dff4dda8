// SPDX-License-Identifier: GPL-2.0
/*
 * cmdtab.c - the one table of mempoolctl's commands: name, usage, the
 * options and positional arguments each takes, what it needs opened and
 * its handler.  Everything else (the parser, the usage texts, main) reads
 * it; a command name is spelled only here.
 */
#include "cli.h"
#include "commands.h"

const struct mp_cmd_desc mp_cmds[MP_CMD_COUNT] = {
	[MP_CMD_CREATE] = {
		.name = "create",
		.synopsis =
		" NAME --block-size N --blocks N [--align N] [--zero] [--poison]\n"
		"         [--track] [--percpu] [--map-write]\n",
		.args =
		" NAME --block-size N --blocks N [--align N]\n"
		"                         [--zero] [--poison] [--track] [--percpu]\n"
		"                         [--map-write]\n",
		.help =
		"\n"
		"Create a pool of N blocks of --block-size bytes each.\n"
		"NAME: 1 to 31 characters from [A-Za-z0-9_.-].\n"
		"  --block-size N  bytes per block (at least 1; suffixes k, m, g)\n"
		"  --blocks N      number of blocks (at least 1)\n"
		"  --align N       block alignment: a power of two up to the page size\n"
		"                  (default 8)\n"
		"  --zero          zero each block on allocation\n"
		"  --poison        poison freed blocks, report writes to them\n"
		"  --track         record the allocating caller (shown in debugfs)\n"
		"  --percpu        per-CPU caches of free blocks (if the module has them)\n"
		"  --map-write     processes may map the pool writable (else read-only)\n",
		.opts = MP_OPT(BLOCK_SIZE) | MP_OPT(BLOCKS) | MP_OPT(ALIGN) |
			MP_OPT(ZERO) | MP_OPT(POISON) | MP_OPT(TRACK) |
			MP_OPT(PERCPU) | MP_OPT(MAP_WRITE),
		.npos_min = 1, .npos_max = 1, .pos_names = { "NAME" },
		.dev = MP_DEV_RW, .run = mp_run_create,
	},
	[MP_CMD_DESTROY] = {
		.name = "destroy",
		.synopsis = " NAME [--force]\n",
		.args = " NAME [--force]\n",
		.help =
		"\n"
		"Destroy a pool.\n"
		"  --force  destroy it even though blocks are still allocated\n",
		.opts = MP_OPT(FORCE),
		.npos_min = 1, .npos_max = 1, .pos_names = { "NAME" },
		.dev = MP_DEV_RW, .run = mp_run_destroy,
	},
	[MP_CMD_LIST] = {
		.name = "list",
		.synopsis = " [--json]\n",
		.args = " [--json]\n",
		.help =
		"\n"
		"List the pools with their headline numbers.\n"
		"  --json  print a JSON array\n",
		.opts = MP_OPT(JSON),
		.npos_min = 0, .npos_max = 0,
		.dev = MP_DEV_RO, .run = mp_run_list,
	},
	[MP_CMD_STATS] = {
		.name = "stats",
		.synopsis = " NAME [--json]\n  stats [NAME] --prometheus\n",
		.args = " NAME [--json]\n"
		"       mempoolctl stats [NAME] --prometheus\n",
		.help =
		"\n"
		"Print a pool's statistics as 'key: value' lines, the format of\n"
		"/sys/kernel/debug/mempool/NAME/stats.\n"
		"  --json        print a JSON object, the pool's \"name\" first\n"
		"  --prometheus  print the Prometheus text format (for node_exporter's\n"
		"                textfile collector) of NAME, or of every pool without\n"
		"                NAME: metrics mempool_<stat>{pool=\"NAME\"}, counters\n"
		"                as mempool_<stat>_total\n",
		.opts = MP_OPT(JSON) | MP_OPT(PROMETHEUS),
		/* NAME is optional for --prometheus only (args.c) */
		.npos_min = 0, .npos_max = 1, .pos_names = { "NAME" },
		.dev = MP_DEV_RO, .run = mp_run_stats,
	},
	[MP_CMD_TOP] = {
		.name = "top",
		.synopsis = " [--sort FIELD] [--once] [--delay SECONDS]\n",
		.args = " [--sort FIELD] [--once] [--delay SECONDS]\n",
		.help =
		"\n"
		"Show every pool, refreshed every --delay seconds, like slabtop: a line\n"
		"of totals, then NAME BLOCKS IN_USE FREE HWM ALLOC/S FAIL/S (the rates\n"
		"of allocations and of failed ones over the last interval).  On a\n"
		"terminal the view is redrawn in place; keys: q quits, s changes the\n"
		"sort field.  Otherwise, or with --once, one frame is printed (after\n"
		"one interval, so that its rates are measured).\n"
		"  --sort FIELD     name, blocks, in-use, free, hwm, allocs (ALLOC/S)\n"
		"                   or failures (FAIL/S); default in-use.  Numbers sort\n"
		"                   largest first, names alphabetically\n"
		"  --once           print one frame and exit\n"
		"  --delay SECONDS  the interval, 0.1 to 3600 (default 1; up to three\n"
		"                   decimals)\n",
		.opts = MP_OPT(SORT) | MP_OPT(ONCE) | MP_OPT(DELAY),
		.npos_min = 0, .npos_max = 0,
		.dev = MP_DEV_RO, .run = mp_run_top,
	},
	[MP_CMD_ALLOC] = {
		.name = "alloc",
		.synopsis = " NAME [--count N] [--timeout MS] [--owned]\n",
		.args = " NAME [--count N] [--timeout MS] [--owned]\n",
		.help =
		"\n"
		"Allocate up to --count blocks (default 1) and print their handles\n"
		"(0x hex), one per line.  Fewer may be allocated if fewer are free\n"
		"(exit 0).\n"
		"  --count N     most blocks to allocate, 1 to 16m; above 1024 they are\n"
		"                asked for 1024 at a time\n"
		"  --timeout MS  when no block is free, wait up to MS milliseconds\n"
		"                (at least 1) for one (the first 1024 only)\n"
		"  --owned       the blocks belong to this command's open device: no\n"
		"                other may free, read or write them.  After printing\n"
		"                the handles it holds them until stdin reaches end of\n"
		"                file or a signal ends it; then they are freed\n",
		.opts = MP_OPT(COUNT) | MP_OPT(TIMEOUT) | MP_OPT(OWNED),
		.npos_min = 1, .npos_max = 1, .pos_names = { "NAME" },
		.dev = MP_DEV_RW, .run = mp_run_alloc,
	},
	[MP_CMD_FREE] = {
		.name = "free",
		.synopsis = " NAME HANDLE...\n",
		.args = " NAME HANDLE...\n",
		.help =
		"\n"
		"Free blocks by the handles alloc printed (0x hex or decimal).  Every\n"
		"valid handle is freed; each invalid one is reported and makes the\n"
		"exit status 1.\n",
		.opts = 0,
		.npos_min = 2, .npos_max = -1, .pos_names = { "NAME", "HANDLE" },
		.dev = MP_DEV_RW, .run = mp_run_free,
	},
	[MP_CMD_WRITE] = {
		.name = "write",
		.synopsis = " NAME HANDLE DATA [--pos N]\n",
		.args = " NAME HANDLE DATA [--pos N]\n",
		.help =
		"\n"
		"Copy the bytes of the string DATA (without a NUL) into the allocated\n"
		"block of HANDLE.  Put '--' before DATA if it begins with '-'.\n"
		"  --pos N  first byte within the block (default 0)\n",
		.opts = MP_OPT(POS),
		.npos_min = 3, .npos_max = 3,
		.pos_names = { "NAME", "HANDLE", "DATA" },
		.dev = MP_DEV_RW, .run = mp_run_write,
	},
	[MP_CMD_READ] = {
		.name = "read",
		.synopsis = " NAME HANDLE [--length N] [--pos N]\n",
		.args = " NAME HANDLE [--length N] [--pos N]\n",
		.help =
		"\n"
		"Write the raw bytes of the allocated block of HANDLE to stdout.\n"
		"  --length N  bytes to read (default: to the end of the block)\n"
		"  --pos N     first byte within the block (default 0)\n",
		.opts = MP_OPT(LENGTH) | MP_OPT(POS),
		.npos_min = 2, .npos_max = 2, .pos_names = { "NAME", "HANDLE" },
		.dev = MP_DEV_RO, .run = mp_run_read,
	},
	[MP_CMD_RESET] = {
		.name = "reset",
		.synopsis = " NAME\n",
		.args = " NAME\n",
		.help =
		"\n"
		"Zero a pool's counters; its high watermark becomes the blocks in use.\n",
		.opts = 0,
		.npos_min = 1, .npos_max = 1, .pos_names = { "NAME" },
		.dev = MP_DEV_RW, .run = mp_run_reset,
	},
	[MP_CMD_WATCH] = {
		.name = "watch",
		.synopsis = " NAME --below N [--count K]\n",
		.args = " NAME --below N [--count K]\n",
		.help =
		"\n"
		"Set the pool's low watermark to N free blocks and print a line per\n"
		"event, with its UTC time: 'low' when the free blocks fall below N,\n"
		"'recovered' when they are back at N or more, e.g.\n"
		"  2026-12-02T12:00:00.123456Z low free=3 below=4\n"
		"(and ' lost=L' when L earlier events were dropped, unread).  A pool\n"
		"already below N gives a 'low' line at once.  Runs until --count\n"
		"events, SIGINT or SIGTERM (exit 0), or until the pool is destroyed\n"
		"(exit 3).  The watermark stays set when it exits.\n"
		"  --below N  the low watermark, at least 1\n"
		"  --count K  exit after K events (at least 1)\n",
		.opts = MP_OPT(BELOW) | MP_OPT(COUNT),
		.npos_min = 1, .npos_max = 1, .pos_names = { "NAME" },
		.dev = MP_DEV_RW, .run = mp_run_watch,
	},
	[MP_CMD_DEBUG] = {
		.name = "debug",
		.synopsis = " NAME [+poison|-poison|+track|-track|quarantine=N]...\n",
		.args = " NAME [+poison|-poison|+track|-track|quarantine=N]...\n",
		.help =
		"\n"
		"Switch the debug modes of a live pool, with blocks allocated or not, and\n"
		"print the modes on afterwards, as /sys/kernel/debug/mempool/NAME/debug\n"
		"shows them (e.g. 'poison track quarantine=64', or 'none').  Without a\n"
		"mode word it only prints them (the device opened read-only).  All or\n"
		"nothing: a refused command changed no mode.\n"
		"  +poison, -poison  poison freed blocks and check them when allocated\n"
		"                    again (blocks free before it are not checked)\n"
		"  +track, -track    record each block's allocating caller (blocks\n"
		"                    allocated before it show none)\n"
		"  quarantine=N      freed blocks wait, poisoned, in a queue of N (0: no\n"
		"                    queue, at most 65536 and fewer than the pool's\n"
		"                    blocks) before they can be allocated again; a block\n"
		"                    written meanwhile (a use after free) is reported in\n"
		"                    the kernel log when it leaves, with the pool, its\n"
		"                    offset and its callers, and counted in poison_errors\n"
		"Each mode may be given once.  A kernel user's pool is refused: its\n"
		"modes are root's, through debugfs.\n",
		.opts = 0,
		/* the mode words are positional: args.c reads them */
		.npos_min = 1, .npos_max = -1, .pos_names = { "NAME" },
		.dev = MP_DEV_NONE, .run = mp_run_debug,
	},
	[MP_CMD_BENCH] = {
		.name = "bench",
		.synopsis =
		" [--allocator LIST] [--workload LIST] [--cpus N] [--block-size N]\n"
		"        [--ops N] [--rounds N] [--json]\n",
		.args =
		" [--allocator LIST] [--workload LIST] [--cpus N]\n"
		"                        [--block-size N] [--ops N] [--rounds N] [--json]\n",
		/*
		 * @A: the allocators, the line wrapped; @0, @1, @2: the
		 * workloads (usage.c)
		 */
		.help =
		"\n"
		"Run the in-kernel benchmark of mempool_bench.ko (load it first:\n"
		"modprobe mempool_bench): each allocator on each workload, in\n"
		"kthreads pinned one per CPU, and print one line per run (needs\n"
		"CAP_SYS_ADMIN; keeps the CPUs busy for seconds).\n"
		"  --allocator LIST  comma-separated, from: @A (default: every one this kernel has)\n"
		"  --workload LIST   comma-separated, from: @0 (alloc, free), @1\n"
		"                    (64 allocs, 64 frees), @2 (alloc on one CPU, free\n"
		"                    on the next) (default: all; @2 needs 2 CPUs)\n"
		"  --cpus N          run on N CPUs (default: on 1 and on all online)\n"
		"  --block-size N    bytes per block, 8 to 65536 (default 64)\n"
		"  --ops N           alloc+free pairs per CPU per run, 1000 to 10000000\n"
		"                    (default 200000)\n"
		"  --rounds N        repeat each run N times, 1 to 15, interleaved with the\n"
		"                    other allocators, which go first in turn; report\n"
		"                    the fastest, the median and the slowest (default 5)\n"
		"  --json            print a JSON array, one object per run\n"
		"Both options taking a LIST may be repeated; null and ideal run with any\n"
		"LIST.  Columns: ns/op is the time of one alloc+free pair on one CPU;\n"
		"net_ns that less null's (the harness's own cost); x_ideal that over\n"
		"ideal's net_ns (a per-CPU stack of pointers, nothing else); Mops/s\n"
		"the pairs per second of all CPUs together (millions); p50, p99, max\n"
		"the latency of one sampled alloc or free call, in ns; median_ns and\n"
		"slowest_ns the ns/op of those rounds; scale the Mops/s on all CPUs\n"
		"over those on 1, and x_ideal_sc that over ideal's, in the same run.\n",
		.opts = MP_OPT(ALLOCATOR) | MP_OPT(WORKLOAD) | MP_OPT(CPUS) |
			MP_OPT(BLOCK_SIZE) | MP_OPT(OPS) | MP_OPT(ROUNDS) |
			MP_OPT(JSON),
		.npos_min = 0, .npos_max = 0,
		.dev = MP_DEV_NONE, .run = mp_run_bench,
	},
	[MP_CMD_VERSION] = {
		.name = "version",
		.synopsis = "\n",
		.args = "\n",
		.help =
		"\n"
		"Print the version and ABI version of mempoolctl, and the ABI version\n"
		"of the loaded module.  'mempoolctl --version' prints the same, and\n"
		"exits 0 when the module is not loaded.\n",
		.opts = 0,
		.npos_min = 0, .npos_max = 0,
		.dev = MP_DEV_NONE, .run = mp_run_version,
	},
	[MP_CMD_HELP] = {
		.name = "help",
		.synopsis = " [COMMAND]\n",
		.args = " [COMMAND]\n",
		.help =
		"\n"
		"Print the usage of mempoolctl or of COMMAND.\n",
		.opts = 0,
		.npos_min = 0, .npos_max = 1,
		.dev = MP_DEV_NONE, .run = NULL,
	},
};
