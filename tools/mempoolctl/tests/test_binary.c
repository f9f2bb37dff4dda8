// SPDX-License-Identifier: GPL-2.0
/*
 * test_binary.c - host tests of ./mempoolctl run as a program: usage,
 * exit codes and messages without a device, bench against a fake
 * mempool_bench directory, and its JSON read by bench_report.py.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "cli.h"
#include "format.h"
#include "mpool_ioctl.h"
#include "tap.h"

#define MP_STR_(x) #x
#define MP_STR(x) MP_STR_(x)
#define MP_ABI_STR MP_STR(MPOOL_IOC_ABI_VERSION)

/* ---- the binary ---- */

static char out_path[] = "/tmp/test_cli_outXXXXXX";
static char err_path[] = "/tmp/test_cli_errXXXXXX";

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/*
 * Run ./mempoolctl with @args (a shell word list) and the environment
 * assignments @env (may be ""); return the exit code.
 */
static int run_env(const char *env, const char *args, char **out,
		   char **err)
{
	static char o[8192], e[8192];
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd), "%s ./mempoolctl %s >%s 2>%s </dev/null",
		 env, args, out_path, err_path);
	st = system(cmd);
	snprintf(o, sizeof(o), "%s", slurp(out_path));
	snprintf(e, sizeof(e), "%s", slurp(err_path));
	*out = o;
	*err = e;
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int run(const char *args, char **out, char **err)
{
	return run_env("", args, out, err);
}


void test_binary(void)
{
	static const char *const cmds[] = {
		"create", "destroy", "list", "stats", "alloc", "free",
		"write", "read", "reset", "bench", "version",
	};
	struct stat sb;
	char *o, *e, args[128];
	size_t i;
	int r, fd;

	fd = mkstemp(out_path);
	if (fd >= 0)
		close(fd);
	fd = mkstemp(err_path);
	if (fd >= 0)
		close(fd);

	if (access("./mempoolctl", X_OK)) {
		ok(0, "./mempoolctl exists (build it first)");
		return;
	}
	r = run("--help", &o, &e);
	ok(r == 0 && !strncmp(o, "Usage: mempoolctl", 17) && !*e,
	   "mempoolctl --help exits 0, usage on stdout");
	r = run("-h", &o, &e);
	ok(r == 0 && strstr(o, "Usage:"), "mempoolctl -h exits 0");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(args, sizeof(args), "%s --help", cmds[i]);
		r = run(args, &o, &e);
		ok(r == 0 && !strncmp(o, "Usage: mempoolctl ", 18) &&
		   !strncmp(o + 18, cmds[i], strlen(cmds[i])),
		   "mempoolctl %s exits 0 with its usage", args);
	}
	r = run("stats -h", &o, &e);
	ok(r == 0 && strstr(o, "Usage: mempoolctl stats"), "stats -h");
	r = run("help alloc", &o, &e);
	ok(r == 0 && strstr(o, "Usage: mempoolctl alloc"), "help alloc");

	r = run("", &o, &e);
	ok(r == 2 && strstr(e, "no command") && strstr(e, "--help"),
	   "no command: exit 2 with a hint to --help");
	r = run("frobnicate", &o, &e);
	ok(r == 2 && count_lines(e) == 2 &&
	   strstr(e, "mempoolctl: unknown command 'frobnicate'") &&
	   strstr(e, "--help") && !*o,
	   "unknown command: exit 2, message and hint on stderr");
	r = run("create rx --blocks 4", &o, &e);
	ok(r == 2 && strstr(e, "missing --block-size") &&
	   strstr(e, "mempoolctl create --help"),
	   "create without --block-size: exit 2");
	r = run("create rx --blocks 4 --block-size 1x", &o, &e);
	ok(r == 2 && strstr(e, "'1x'"), "malformed size: exit 2");
	r = run("stats 'a b'", &o, &e);
	ok(r == 2 && strstr(e, "invalid pool name"), "bad name: exit 2");
	r = run("free rx zz", &o, &e);
	ok(r == 2 && strstr(e, "invalid handle 'zz'"), "bad handle: exit 2");
	r = run("bench --allocator mempool,slab", &o, &e);
	ok(r == 2 && strstr(e, "mempoolctl: bench: unknown allocator 'slab'") &&
	   strstr(e, "mempoolctl bench --help") && !*o,
	   "bench with an unknown allocator: exit 2");
	r = run("list --frob", &o, &e);
	ok(r == 2 && strstr(e, "unknown option '--frob'"),
	   "unknown option: exit 2");
	r = run("top --help", &o, &e);
	ok(r == 0 && strstr(o, "Usage: mempoolctl top [--sort FIELD] [--once] [--delay SECONDS]\n") &&
	   strstr(o, "q quits"), "top --help");
	r = run("stats --help", &o, &e);
	ok(r == 0 && strstr(o, "Usage: mempoolctl stats NAME [--json]\n       mempoolctl stats [NAME] --prometheus\n"),
	   "stats --help: both forms");
	r = run("stats", &o, &e);
	ok(r == 2 && strstr(e, "mempoolctl: stats: missing NAME\n"),
	   "stats without NAME or --prometheus: exit 2, as before");
	r = run("--version extra", &o, &e);
	ok(r == 2 && strstr(e, "--version: unexpected argument 'extra'"),
	   "--version with an argument: exit 2");

	if (stat("/dev/mempool", &sb) == 0) {
		skip("/dev/mempool exists on this host");
	} else {
		static const char *const valid[] = {
			"list", "stats rx", "create rx --block-size 32 --blocks 10",
			"alloc rx", "free rx 0", "read rx 0", "version",
			"destroy rx --force", "reset rx", "write rx 0 x",
			"top --once", "top", "stats --prometheus",
			"stats rx --prometheus", "alloc rx --count 3000",
		};

		r = run("--version", &o, &e);
		ok(r == 0 && !*e &&
		   !strcmp(o, "mempoolctl " MP_VERSION " (ABI " MP_ABI_STR ")\nmodule not loaded (no /dev/mempool)\n"),
		   "--version without the device: the version, module not loaded, exit 0");
		r = run("version", &o, &e);
		ok(r == 1 && !strcmp(o, "mempoolctl " MP_VERSION " (ABI " MP_ABI_STR ")\n") &&
		   strstr(e, "the mempool module is not loaded"),
		   "version without the device: the version, exit 1 as before");
		for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
			r = run(valid[i], &o, &e);
			ok(r == 1 && strstr(e,
			   "mempoolctl: /dev/mempool not found: the mempool module is not loaded (load it with: insmod mempool.ko, or modprobe mempool)"),
			   "'%s' without the device: exit 1, module not loaded",
			   valid[i]);
		}
	}
	unlink(out_path);
	unlink(err_path);
}

/* The JSON of stats and list, read by python3's json module. */
void test_json_python(void)
{
	static const char *const names[] = {
		"rx", "a.b-c_9", "q\"uote", "back\\slash", "nl\nx", "\x01",
	};
	struct mpool_ioc_stats st;
	char path[] = "/tmp/test_cli_jsonXXXXXX", cmd[1024], buf[2048];
	const char *sep = "";
	size_t i;
	FILE *f;
	int fd, st_rc;

	if (system("python3 -c 'import json' >/dev/null 2>&1") != 0) {
		skip("python3 missing");
		return;
	}
	memset(&st, 0, sizeof(st));
	st.out_bytes_reserved = UINT64_MAX;
	st.out_allocs = 7;
	st.out_wait_us_hist[15] = 3;
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		ok(0, "a temporary file for the JSON");
		return;
	}
	/* line 1: list --json; then one stats --json per name */
	fputs("[", f);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (mp_format_list_json(names[i], &st, buf, sizeof(buf)) > 0)
			fprintf(f, "%s%s", sep, buf);
		sep = ", ";
	}
	fputs("]\n", f);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (mp_format_stats_json(names[i], &st, buf, sizeof(buf)) > 0)
			fputs(buf, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys\n"
		 "L=open(sys.argv[1]).read().splitlines()\n"
		 "l=json.loads(L[0]); s=[json.loads(x) for x in L[1:]]\n"
		 "want=[\"rx\",\"a.b-c_9\",\"q\\\"uote\",\"back\\\\slash\",\"nl\\nx\",\"\\x01\"]\n"
		 "assert [o[\"name\"] for o in l] == want, l\n"
		 "assert [o[\"name\"] for o in s] == want, s\n"
		 "assert all(list(o)[0] == \"name\" and len(o) == %d for o in l + s)\n"
		 "assert l == s and l[0][\"bytes_reserved\"] == 2**64 - 1 and l[0][\"allocs\"] == 7\n"
		 "h=l[0][\"wait_us_hist\"]; assert list(h) == [str(b and 2**b) for b in range(24)] and h[\"32768\"] == 3\n"
		 "' %s", 2 + (int)((sizeof(st) - sizeof(st.out_wait_us_hist) -
				    offsetof(struct mpool_ioc_stats,
					     out_block_size)) / 8), path);
	st_rc = system(cmd);
	ok(st_rc == 0,
	   "list --json and stats --json are valid JSON for any name: \"name\" first, every statistic");
	unlink(path);
}

/* Feed mempoolctl's JSON to tools/testing/vm/bench_report.py, its consumer. */
void test_bench_report(void)
{
	struct mp_bench_result res[6];
	char buf[8192], path[] = "/tmp/test_cli_benchXXXXXX", cmd[256];
	char opath[] = "/tmp/test_cli_reportXXXXXX";
	FILE *f;
	int fd, n, st;

	if (system("python3 -c 'import json' >/dev/null 2>&1") != 0 ||
	    access("../testing/vm/bench_report.py", R_OK)) {
		skip("python3 or bench_report.py missing");
		return;
	}
	fill_result(&res[0], "mempool", "pair", 1, 20000, 50000);
	fill_result(&res[1], "kmem_cache", "pair", 1, 50000, 20000);
	fill_result(&res[2], "naive", "pair", 1, 40000, 25000);
	fill_result(&res[3], "mempool", "pair", 2, 21000, 95000);
	fill_result(&res[4], "null", "pair", 1, 10000, 100000);
	fill_result(&res[5], "ideal", "pair", 1, 14000, 70000);
	n = mp_format_bench_json(res, 6, buf, sizeof(buf));
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f) {
		/* bench_report.py skips console lines before the array. */
		fprintf(f, "MPTEST-BENCH-BEGIN\n%s", n > 0 ? buf : "");
		fclose(f);
	}
	fd = mkstemp(opath);
	if (fd >= 0)
		close(fd);
	snprintf(cmd, sizeof(cmd),
		 "python3 ../testing/vm/bench_report.py %s --kernel stock-6.1 >%s 2>&1", path,
		 opath);
	st = system(cmd);
	{
		char *o = slurp(opath);

		ok(f && st == 0 &&
		   strstr(o, "| mempool | pair | 1 | 0 | 20.0 | - | - | 10.0 | 2.50 | 50.00 | - | - | 41 | 250 | 123456 |") &&
		   strstr(o, "| kmem_cache | pair | 1 | 0 | 50.0 | - | - | 40.0 | 10.00 | 20.00 | - | - |") &&
		   strstr(o, "| mempool | pair | 2 | 0 | 21.0 | - | - | - | - | 95.00 | 1.90 | - |") &&
		   strstr(o, "mempool / ideal, net of null: 2.50 (target <= 1.3: NOT met)") &&
		   strstr(o, "mempool / kmem_cache, net of null: 0.25 (target <= 0.35: met)") &&
		   strstr(o, "mempool / kmem_cache, ns/op as measured: 0.40\n") &&
		   strstr(o, "mempool / naive, net of null: 0.33") &&
		   strstr(o, "mempool: pair throughput at 2 CPUs / at 1 CPU: 1.90 (target >= 1.8: met)"),
		   "bench_report.py reads the bench JSON (table, net figures, targets)");
		if (st != 0 || !strstr(o, "2.50 (target"))
			printf("# %s", o);
	}
	unlink(path);
	unlink(opath);
}


/* ---- bench against a fake mempool_bench directory ---- */

static char fake[] = "/tmp/test_cli_benchdirXXXXXX";

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/*
 * Run "./mempoolctl bench @args" against @fake/mempool_bench, whose run
 * file is a regular file: the request overwrites its first bytes (filler
 * as long as @req), then mempoolctl reads @results after it.  Checks that
 * the request was @req.
 */
static int run_fake(const char *args, const char *req, const char *results,
		    char **out, char **err)
{
	char dir[128], env[256], filler[MP_BENCH_REQ_MAX + 1024];
	char path[256], args2[512], got[MP_BENCH_REQ_MAX];
	size_t n = strlen(req);
	FILE *f;
	int r;

	snprintf(dir, sizeof(dir), "%s/mempool_bench", fake);
	memset(filler, '#', n);
	snprintf(filler + n, sizeof(filler) - n, "%s", results);
	write_file(dir, "run", filler);
	snprintf(env, sizeof(env), "MEMPOOLCTL_BENCH_DIR=%s", dir);
	snprintf(args2, sizeof(args2), "bench %s", args);
	r = run_env(env, args2, out, err);
	snprintf(path, sizeof(path), "%s/run", dir);
	f = fopen(path, "r");
	got[0] = '\0';
	if (f) {
		if (fread(got, 1, n, f) != n)
			got[0] = '\0';
		got[n < sizeof(got) ? n : 0] = '\0';
		fclose(f);
	}
	if (strcmp(got, req)) {
		printf("# request was '%s', wanted '%s'\n", got, req);
		return -2;
	}
	return r;
}

#define LINE1 "allocator=mempool workload=pair cpus=1 ops=1000 elapsed_ns=20000 ps_per_op=12345 kops_per_sec=81004 p50_ns=41 p99_ns=250 max_ns=123456\n"
#define LINE2 "allocator=naive workload=pair cpus=1 ops=1000 elapsed_ns=50000 ps_per_op=50000 kops_per_sec=20000 p50_ns=45 p99_ns=300 max_ns=9999\n"

void test_bench_binary(void)
{
	char env[128], cmd[512], *o, *e;
	int r;

	if (!mkdtemp(fake)) {
		ok(0, "mkdtemp for the fake debugfs");
		return;
	}
	/* an empty "debugfs": not mounted */
	snprintf(env, sizeof(env), "MEMPOOLCTL_BENCH_DIR=%s/mempool_bench",
		 fake);
	r = run_env(env, "bench --ops 1000 --json", &o, &e);
	ok(r == 1 && !*o && count_lines(e) == 1 &&
	   strstr(e, "mempoolctl: bench: debugfs is not mounted") &&
	   strstr(e, "(mount it with: mount -t debugfs none /sys/kernel/debug)"),
	   "bench without debugfs: exit 1, how to mount it");
	/* mempool.ko's directory but not mempool_bench's: not loaded */
	snprintf(cmd, sizeof(cmd), "%s/mempool", fake);
	mkdir(cmd, 0700);
	r = run_env(env, "bench --ops 1000 --json", &o, &e);
	ok(r == 1 && !*o &&
	   !strcmp(e, "mempoolctl: bench: the benchmark module is not loaded (load it with: modprobe mempool_bench, or insmod bench/mempool_bench.ko)\n"),
	   "bench without mempool_bench: exit 1, how to load it");

	snprintf(cmd, sizeof(cmd), "%s/mempool_bench", fake);
	mkdir(cmd, 0700);
	write_file(cmd, "allocators", "mempool\nmempool-nocache\nnaive\n");
	r = run_fake("--ops 1000 --cpus 1 --allocator naive,mempool --workload pair --json",
		     "allocators=mempool,naive,null,ideal workloads=pair cpus=1 ops=1000\n",
		     LINE1 LINE2, &o, &e);
	ok(r == 0 && !*e &&
	   !strcmp(o, "[\n"
		   "{\"allocator\": \"mempool\", \"workload\": \"pair\", \"cpus\": 1, \"ops\": 1000, \"ns_per_op\": 12.345, \"mops\": 81.004, \"p50_ns\": 41, \"p99_ns\": 250, \"max_ns\": 123456, \"elapsed_ns\": 20000, \"block_size\": 0, \"net_ns_per_op\": null, \"x_ideal\": null, \"rounds\": 0, \"ns_per_op_min\": null, \"ns_per_op_median\": null, \"ns_per_op_max\": null, \"scaling\": null, \"scaling_x_ideal\": null},\n"
		   "{\"allocator\": \"naive\", \"workload\": \"pair\", \"cpus\": 1, \"ops\": 1000, \"ns_per_op\": 50.000, \"mops\": 20.000, \"p50_ns\": 45, \"p99_ns\": 300, \"max_ns\": 9999, \"elapsed_ns\": 50000, \"block_size\": 0, \"net_ns_per_op\": null, \"x_ideal\": null, \"rounds\": 0, \"ns_per_op_min\": null, \"ns_per_op_median\": null, \"ns_per_op_max\": null, \"scaling\": null, \"scaling_x_ideal\": null}\n"
		   "]\n"),
	   "bench --json: the request line, the results as JSON");
	r = run_fake("", "\n", LINE2, &o, &e);
	ok(r == 0 && !*e &&
	   !strcmp(o, "ALLOCATOR          WORKLOAD CPUS  BLOCK      NS/OP    NET_NS X_IDEAL     MOPS/S   P50_NS   P99_NS     MAX_NS  MEDIAN_NS SLOWEST_NS  SCALE X_IDEAL_SC\n"
		   "naive              pair        1      0       50.0         -       -      20.00       45      300       9999          -          -      -          -\n"),
	   "bench: no options, an empty request line; the table");
	r = run_fake("--block-size 64 --rounds 3 --ops 0", "block_size=64 rounds=3\n",
		     "", &o, &e);
	ok(r == 0 && !*e && count_lines(o) == 1,
	   "bench: --ops 0 is the kernel's default, not sent; no results");
	r = run_fake("--json", "\n", LINE1 "allocator=naive workload=pair\n",
		     &o, &e);
	ok(r == 1 && !*o &&
	   strstr(e, "mempoolctl: bench: cannot read the kernel's result line 2: a field is missing"),
	   "bench: a bad result line: exit 1, which line and why");
	r = run_fake("--json", "\n", LINE1 "allocator=naive", &o, &e);
	ok(r == 1 && strstr(e, "line 2: the last line has no newline"),
	   "bench: an unterminated result line");
	/* the kernel refuses: here a write error of /dev/full */
	snprintf(cmd, sizeof(cmd), "%s/mempool_bench/run", fake);
	unlink(cmd);
	if (symlink("/dev/full", cmd) == 0) {
		r = run_env(env, "bench --ops 1000", &o, &e);
		ok(r == 1 && !*o &&
		   !strcmp(e, "mempoolctl: bench: No space left on device\n"),
		   "bench: the write to run fails: exit 1, the reason");
	} else {
		skip("cannot link run to /dev/full");
	}
	/* run cannot be opened */
	unlink(cmd);
	mkdir(cmd, 0700);
	r = run_env(env, "bench", &o, &e);
	ok(r == 1 && strstr(e, "mempoolctl: bench: cannot open ") &&
	   strstr(e, "/mempool_bench/run: Is a directory"),
	   "bench: run cannot be opened: exit 1, which file and why");
	rmdir(cmd);
	/* the usage errors come first, whatever the directory */
	r = run_fake("--allocator slab", "", "", &o, &e);
	ok(r == 2 && strstr(e, "mempoolctl: bench: unknown allocator 'slab'"),
	   "bench --allocator slab: exit 2 before any I/O");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fake);
	if (system(cmd))
		printf("# could not remove %s\n", fake);
}
