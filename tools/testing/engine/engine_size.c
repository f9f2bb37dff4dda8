// SPDX-License-Identifier: GPL-2.0
/*
 * engine_size: what a pool costs against its size (issue 20, item 5).
 *
 * engine_size --metadata
 *	The metadata bytes per block each flag costs, as the engine really
 *	allocates them (the shim counts every byte) and as bytes_reserved
 *	charges them, from pools of 4096 and 8192 blocks of 64 bytes (the
 *	difference over 4096 blocks: no fixed cost, no page rounding).
 *	One TAP line per flag: not ok when a block costs more than its
 *	bound below, or more than bytes_reserved charges for it.  No
 *	timings: part of make check.
 *
 * engine_size [--ops N] [--rounds N] [--max-region BYTES] [--json FILE]
 *	Pair cost and create time for regions of 4 KiB to 1 GiB, blocks of
 *	16 B to 64 KiB (1 to 16M blocks), without flags (the shared path)
 *	and with MPOOL_F_PERCPU, on one thread pinned to CPU 0.  Every
 *	block is allocated first; then each pair frees a block chosen at
 *	random and allocates, which hands the same block back (LIFO): the
 *	pair's working set is the metadata of every block, not one block's.
 *	Times are the thread's CPU time (the host is shared: waiting for a
 *	CPU is not the pool's cost); ns_per_pair is the median over rounds,
 *	min_ns the least; ratio is
 *	ns_per_pair over the same path's and block size's smallest region.
 *	make bench-size (allocates 1 GiB: not in make check).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/slab.h>

#include "mempool_core.h"
#include "mempool_internal.h"
#include "shim.h"

/*
 * Metadata bytes per block, the documented bounds (docs/benchmarks.md):
 * the free stack's u32 and the live byte; under MPOOL_F_PERCPU the live
 * byte spread to 8 (mempool_core.c: mpool_live_shift()); the poisoned
 * byte; the allocating caller; a quarantine's freeing caller, and the
 * poisoned byte, as a quarantine poisons (mempool_debug.c).
 */
static const struct {
	const char *name;
	unsigned int flags;
	int quarantine;
	size_t bound;
} meta[] = {
	{ "none", 0, 0, 4 + 1 },
	{ "zero", MPOOL_F_ZERO, 0, 4 + 1 },
	{ "poison", MPOOL_F_POISON, 0, 4 + 1 + 1 },
	{ "track", MPOOL_F_TRACK, 0, 4 + 1 + 8 },
	{ "percpu", MPOOL_F_PERCPU, 0, 4 + 8 },
	{ "quarantine", 0, 16, 4 + 1 + 1 + 8 },
	{ "all", MPOOL_F_ZERO | MPOOL_F_POISON | MPOOL_F_TRACK |
		 MPOOL_F_PERCPU, 16, 4 + 8 + 1 + 8 + 8 },
};

struct cost {
	size_t real;		/* bytes allocated, the region's excluded */
	size_t charged;		/* bytes_reserved, the region's excluded */
};

static int pool_cost(unsigned int flags, int quarantine, unsigned int n,
		     struct cost *c)
{
	struct mpool_debug_modes m = { -1, -1, quarantine };
	size_t before = shim_alloc_bytes, region = PAGE_ALIGN((size_t)n * 64);
	struct mpool_stats st;
	struct mpool *pool;

	pool = mpool_create(NULL, 64, n, 0, flags | MPOOL_F_QUIET);
	if (IS_ERR(pool))
		return -1;
	if (quarantine && mpool_debug_set(pool, &m)) {
		mpool_destroy(pool);
		return -1;
	}
	c->real = shim_alloc_bytes - before - region;
	mpool_get_stats(pool, &st);
	c->charged = st.bytes_reserved - region;
	mpool_destroy(pool);
	return 0;
}

static int check_metadata(void)
{
	enum { N1 = 4096, N2 = 8192 };
	unsigned int i, fail = 0;
	struct cost a, b;

	printf("1..%zu\n", ARRAY_SIZE(meta));
	printf("# metadata bytes per block (pools of %u and %u blocks of 64 B)\n"
	       "# %-10s %6s %8s %6s %12s\n", N1, N2, "flags", "real",
	       "charged", "bound", "fixed bytes");
	for (i = 0; i < ARRAY_SIZE(meta); i++) {
		size_t real, charged;

		if (pool_cost(meta[i].flags, meta[i].quarantine, N1, &a) ||
		    pool_cost(meta[i].flags, meta[i].quarantine, N2, &b)) {
			printf("not ok %u - engine-size-metadata-%s: cannot create the pools\n",
			       i + 1, meta[i].name);
			fail = 1;
			continue;
		}
		real = (b.real - a.real) / (N2 - N1);
		charged = (b.charged - a.charged) / (N2 - N1);
		printf("# %-10s %6zu %8zu %6zu %12zu\n", meta[i].name, real,
		       charged, meta[i].bound, a.real - real * N1);
		if (real > meta[i].bound || real > charged) {
			printf("not ok %u - engine-size-metadata-%s: %zu bytes per block, bound %zu, charged %zu\n",
			       i + 1, meta[i].name, real, meta[i].bound, charged);
			fail = 1;
		} else {
			printf("ok %u - engine-size-metadata-%s\n", i + 1,
			       meta[i].name);
		}
	}
	return fail;
}

#define used(b)	__asm__ __volatile__("" : : "r"(b) : "memory")

static u64 rng = 0x9e3779b97f4a7c15ull;

static __always_inline unsigned int rand_below(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((rng >> 32) * n) >> 32;
}

/*
 * The thread's CPU time, not the wall clock: on a host shared with busy
 * guests the thread waits for a CPU, and that wait is not the pool's.
 */
static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ns per pair: free a random block, allocate it back. */
static noinline double random_pairs(struct mpool *pool, unsigned int n,
				    unsigned long ops)
{
	double t0 = cpu_ns();
	unsigned long i;

	for (i = 0; i < ops; i++) {
		void *b = mpool_block_by_index(pool, rand_below(n));

		mpool_free(pool, b);
		if (unlikely(mpool_alloc(pool) != b)) {
			fprintf(stderr, "engine_size: another block came back\n");
			exit(1);
		}
		used(b);
	}
	return (cpu_ns() - t0) / ops;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static const char *fits(size_t bytes)
{
	long l1 = sysconf(_SC_LEVEL1_DCACHE_SIZE);
	long l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
	long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);

	if (l1 > 0 && bytes <= (size_t)l1)
		return "L1d";
	if (l2 > 0 && bytes <= (size_t)l2)
		return "L2";
	if (l3 > 0 && bytes <= (size_t)l3)
		return "L3";
	return "memory";
}

static int sweep(unsigned long ops, int rounds, size_t max_region,
		 const char *json)
{
	static const size_t block_sizes[] = { 16, 64, 256, 4096, 65536 };
	static const size_t regions[] = { 4096, 65536, 1 << 20, 16 << 20,
					  256 << 20, 1 << 30 };
	static const unsigned int paths[] = { 0, MPOOL_F_PERCPU };
	double v[16];
	FILE *f = NULL;
	unsigned int p, s, g;
	int first = 1;

	if (json) {
		f = fopen(json, "w");
		if (!f) {
			perror(json);
			return 1;
		}
		fprintf(f, "[\n");
	}
	printf("%d rounds of %lu random pairs; caches: L1d %ld, L2 %ld, L3 %ld bytes\n",
	       rounds, ops, sysconf(_SC_LEVEL1_DCACHE_SIZE),
	       sysconf(_SC_LEVEL2_CACHE_SIZE), sysconf(_SC_LEVEL3_CACHE_SIZE));
	printf("%-7s %6s %10s %9s %10s %-6s %9s %8s %6s %11s\n", "path",
	       "block", "blocks", "region", "live B", "fits", "ns/pair",
	       "min", "ratio", "create ms");
	for (p = 0; p < ARRAY_SIZE(paths); p++) {
		for (s = 0; s < ARRAY_SIZE(block_sizes); s++) {
			size_t bs = block_sizes[s];
			double base = 0;

			for (g = 0; g < ARRAY_SIZE(regions); g++) {
				size_t region = regions[g], n = region / bs, live;
				struct mpool *pool;
				double create_ms, m, t0;
				unsigned int i;
				int r;

				if (!n || n > (16u << 20) || region > max_region)
					continue;
				t0 = cpu_ns();
				pool = mpool_create(NULL, bs, n, 0, paths[p]);
				create_ms = (cpu_ns() - t0) / 1e6;
				if (IS_ERR(pool)) {
					fprintf(stderr, "engine_size: cannot create %zu x %zu\n",
						n, bs);
					return 1;
				}
				for (i = 0; i < n; i++)
					if (mpool_alloc(pool) != mpool_block_by_index(pool, i))
						break;
				if (i != n) {
					fprintf(stderr, "engine_size: block %u of %zu not handed out in order\n",
						i, n);
					return 1;
				}
				random_pairs(pool, n, ops / 10);	/* warm-up */
				for (r = 0; r < rounds; r++)
					v[r] = random_pairs(pool, n, ops);
				for (i = 0; i < n; i++)
					mpool_free(pool, mpool_block_by_index(pool, i));
				mpool_destroy(pool);
				qsort(v, rounds, sizeof(*v), cmp_double);
				m = rounds % 2 ? v[rounds / 2] :
					(v[rounds / 2 - 1] + v[rounds / 2]) / 2;
				if (!base)
					base = m;
				/* mpool_live_shift(): 8 bytes apart per CPU */
				live = paths[p] ? n << 3 : n;
				printf("%-7s %6zu %10zu %9zu %10zu %-6s %9.2f %8.2f %6.2f %11.2f\n",
				       paths[p] ? "percpu" : "shared", bs, n,
				       region, live, fits(live), m, v[0],
				       m / base, create_ms);
				if (!f)
					continue;
				fprintf(f, "%s  {\"path\": \"%s\", \"block_size\": %zu, \"blocks\": %zu, \"region\": %zu, \"live_bytes\": %zu, \"fits\": \"%s\", \"ns_per_pair\": %.3f, \"min_ns\": %.3f, \"ratio\": %.3f, \"rounds\": %d, \"create_ms\": %.3f}",
					first ? "" : ",\n",
					paths[p] ? "percpu" : "shared", bs, n,
					region, live, fits(live), m, v[0],
					m / base, rounds, create_ms);
				first = 0;
			}
		}
	}
	if (f) {
		fprintf(f, "\n]\n");
		fclose(f);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "metadata", no_argument, NULL, 'm' },
		{ "ops", required_argument, NULL, 'o' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "max-region", required_argument, NULL, 'x' },
		{ "json", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	size_t max_region = 1ul << 30;
	unsigned long ops = 1000000;
	const char *json = NULL;
	int rounds = 5, meta_only = 0, c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			meta_only = 1;
			break;
		case 'o':
			ops = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'x':
			max_region = strtoull(optarg, NULL, 0);
			break;
		case 'j':
			json = optarg;
			break;
		default:
			fprintf(stderr, "usage: engine_size --metadata | [--ops N] [--rounds N] [--max-region BYTES] [--json FILE]\n");
			return 2;
		}
	}
	if (rounds < 1 || rounds > 15 || !ops) {
		fprintf(stderr, "engine_size: 1 to 15 rounds, ops > 0\n");
		return 2;
	}
	shim_cpu_enter(0);
	if (mpool_cpuhp_init())
		return 1;
	if (meta_only)
		return check_metadata();
	return sweep(ops, rounds, max_region, json);
}
