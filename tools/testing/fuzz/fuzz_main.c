// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_fuzz: an ioctl fuzzer of /dev/mempool.
 *
 * Several processes, each with several threads ("workers"), issue valid,
 * mutated (one field of a valid struct changed) and random ioctls against
 * a handful of pools:
 *
 *   fz_s0..fz_s3  shared and stable: created by the parent, never
 *                 destroyed while the workers run; every worker tracks
 *                 the blocks it holds in them, writes its id into each
 *                 and verifies it before freeing.
 *   fz_p<W>       private to worker W: double frees, frees of blocks
 *                 never allocated, reads of freed blocks are exact there.
 *   fz_v0..fz_v5  volatile: created and destroyed by anyone, allocated
 *                 from with MPOOL_ALLOC_WAIT while others destroy them.
 *
 * Workers switch the pools' debug modes and short quarantines on and off
 * (MPOOL_IOC_DEBUG) while blocks are out, and GIVE their owned blocks, to
 * TAKE them back or with a second file of their own (which gives them
 * back), or leave them given for their free or their close.  The parent
 * ends the stable pools' quarantines before it counts their free blocks.
 *
 * Every errno must be one the ABI documents for the command (errno_ok());
 * where the mutation decides the outcome it must be exactly that errno.
 * At the end the parent checks, through MPOOL_IOC_STATS, that each stable
 * pool's blocks in use are exactly those the workers say they hold, then,
 * after the workers freed them, none; half the workers leave their owned
 * blocks of stable pools to their files' close, and each stable pool's
 * reclaimed_on_close must count exactly those.  Prints the guest protocol's lines
 * (MPTEST ok NAME / MPTEST not ok NAME: MSG) and a summary; exits 1 on a
 * failure.  Each operation is a function of the seed, the worker and its
 * index: `--seed S --worker W --replay-op N` replays worker W's first N+1
 * operations in one thread, printing each.
 */
#include "fuzz.h"

const struct stable_pool stable[NSTABLE] = {
	{ "fz_s0", 64, 256, 0, 0 },
	{ "fz_s1", 100, 128, 0, MPOOL_CREATE_PERCPU | MPOOL_CREATE_POISON },
	{ "fz_s2", 4096, 64, 4096, MPOOL_CREATE_ZERO | MPOOL_CREATE_TRACK },
	{ "fz_s3", 1, 512, 0, MPOOL_CREATE_PERCPU },
};

struct fuzz_opt opt = { .ops = 100000, .procs = 4, .threads = 4,
			.seconds = 600, .replay_op = -1 };

struct shm *shm;
int shared_fd = -1;	/* closed and reopened under the workers */
static volatile int stop_closer;
struct timespec deadline;
int nworkers;

/* ---- workers ------------------------------------------------------------------------ */

static void worker_setup(struct worker *w, int id)
{
	struct mpool_ioc_create c = { .size = sizeof(c), .block_size = 64,
				      .nr_blocks = PRIV_BLOCKS };
	int e;

	w->id = id;
	w->fd = open(DEV, O_RDWR);
	w->rofd = open(DEV, O_RDONLY);
	w->fd2 = open(DEV, O_RDWR);
	w->arena = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w->fd < 0 || w->rofd < 0 || w->fd2 < 0 || w->arena == MAP_FAILED) {
		fprintf(stderr, "worker %d: setup: %s\n", id, strerror(errno));
		exit(2);
	}
	mprotect(w->arena + 2 * PAGE, PAGE, PROT_NONE);
	snprintf(w->priv, sizeof(w->priv), "fz_p%d", id);
	set_name(c.name, w->priv);
	c.flags = id % 2 ? MPOOL_CREATE_PERCPU : MPOOL_CREATE_POISON;
	w->what = "create the private pool";
	e = doio(w, FD_OWN, MPOOL_IOC_CREATE, &c, -1);
	if (e && e != EEXIST)
		wfail(w, "private pool: %s", ename(e));
}

/* Frees everything the worker holds; its private pool must empty. */
static void worker_teardown(struct worker *w)
{
	struct mpool_ioc_stats s;
	struct mpool_ioc_name d = { .size = sizeof(d) };
	int i, j;

	for (i = 0; i < NSTABLE; i++) {
		for (j = 0; j < w->s[i].n; j++)
			if (j < 8)
				verify_pattern(w, i, w->s[i].off[j]);
		/* Even workers leave their owned blocks to the close. */
		for (j = 0; !(w->id % 2) && j < w->s[i].n; j++) {
			if (!w->s[i].owned[j])
				continue;
			if (w->id < MAXW)
				shm->left_owned[w->id][i]++;
			held_del(&w->s[i], j--);
		}
		w->what = "final free of own blocks";
		free_offsets(w, stable[i].name, w->s[i].off, w->s[i].n, 0, 0);
		w->s[i].n = 0;
	}
	w->what = "final free in the private pool";
	free_offsets(w, w->priv, w->p.off, w->p.n, 0, 0);
	w->p.n = 0;
	if (!stats_of(w, FD_OWN, w->priv, &s, 0) && s.out_blocks_in_use)
		wfail(w, "private pool: %llu in use after freeing all",
		      (unsigned long long)s.out_blocks_in_use);
	set_name(d.name, w->priv);
	w->what = "destroy the private pool";
	doio(w, FD_OWN, MPOOL_IOC_DESTROY, &d, 0);
	for (i = 0; i < NVOL; i++) {
		w->what = "final free in a volatile pool";
		free_offsets(w, vol_name(i), w->v[i].off, w->v[i].n, 1, -1);
		w->v[i].n = 0;
	}
}

static bool hit_cap;

/* @n operations in a replay, else until the worker's share of ioctls. */
static void run_ops(struct worker *w, long n)
{
	long quota = (opt.ops + nworkers - 1) / nworkers;

	for (w->opno = 0; w->replay ? w->opno < n : shm->ops[w->id] < quota;
	     w->opno++) {
		if (!(w->opno & 63) && !w->replay && past_deadline()) {
			hit_cap = true;
			__atomic_store_n(&shm->capped, 1, __ATOMIC_RELAXED);
			break;
		}
		w->rng = opt.seed ^ ((uint64_t)w->id << 40) ^ (uint64_t)w->opno;
		splitmix(&w->rng);
		if (w->replay && w->opno == n - 1)
			opt.verbose = 1;
		one_op(w);
	}
}

static void *worker_thread(void *arg)
{
	struct worker *w = arg;
	int i;

	run_ops(w, 0);
	for (i = 0; i < NSTABLE; i++)
		shm->held[w->id][i] = w->s[i].n + (opt.miscount && i == 0);
	__atomic_add_fetch(&shm->arrived, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&shm->phase, __ATOMIC_SEQ_CST))
		usleep(1000);
	worker_teardown(w);
	return NULL;
}

/* Closes and reopens the fd the workers share, under them. */
static void *closer_thread(void *arg)
{
	(void)arg;
	while (!stop_closer) {
		int fd = open(DEV, O_RDWR), old;

		if (fd < 0)
			break;
		old = __atomic_load_n(&shared_fd, __ATOMIC_RELAXED);
		if (rand() % 2) {
			/* Atomically replaced: the number stays a mempool file. */
			dup2(fd, old);
			close(fd);
		} else {
			/* A window of EBADF, then the lowest number again. */
			__atomic_store_n(&shared_fd, fd, __ATOMIC_RELAXED);
			close(old);
		}
		usleep(500);
	}
	return NULL;
}

static void worker_process(int p)
{
	pthread_t t[MAXW], closer;
	struct worker *w = calloc(opt.threads, sizeof(*w));
	int i;

	if (!w)
		exit(2);
	shared_fd = open(DEV, O_RDWR);
	srand(opt.seed + p);
	/* Every fd opened first: a reused number is always RDWR mempool. */
	for (i = 0; i < opt.threads; i++)
		worker_setup(&w[i], p * opt.threads + i);
	pthread_create(&closer, NULL, closer_thread, NULL);
	for (i = 0; i < opt.threads; i++)
		pthread_create(&t[i], NULL, worker_thread, &w[i]);
	for (i = 0; i < opt.threads; i++)
		pthread_join(t[i], NULL);
	stop_closer = 1;
	pthread_join(closer, NULL);
	exit(0);
}

/* ---- the parent ------------------------------------------------------------------------ */

static int nfail;

/* mptest.h's result(), but counting the failures for the exit code. */
static void fuzz_result(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("MPTEST ok %s\n", name);
		return;
	}
	nfail++;
	printf("MPTEST not ok %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static int pio(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static int pstats(int fd, const char *name, struct mpool_ioc_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	set_name(s->name, name);
	return pio(fd, MPOOL_IOC_STATS, s);
}

static int create_stable(int fd)
{
	int i, e;

	for (i = 0; i < NSTABLE; i++) {
		struct mpool_ioc_create c = { .size = sizeof(c),
					      .flags = stable[i].flags,
					      .block_size = stable[i].bs,
					      .nr_blocks = stable[i].n,
					      .align = stable[i].align };

		set_name(c.name, stable[i].name);
		e = pio(fd, MPOOL_IOC_CREATE, &c);
		if (e) {
			fprintf(stderr, "create %s: %s\n", stable[i].name,
				strerror(e));
			return e;
		}
	}
	return 0;
}

/* Every pool that exists: free + in use == total; destroys them all. */
static void check_all_pools(int fd, bool destroy)
{
	static char names[4096][MPOOL_IOC_NAME_MAX];
	struct mpool_ioc_list l = { .size = sizeof(l), .count = 4096,
				    .names = (uintptr_t)names };
	struct mpool_ioc_stats s;
	unsigned int i, bad = 0, left;
	char first[128] = "";

	if (pio(fd, MPOOL_IOC_LIST, &l)) {
		fuzz_result(false, "fuzz-final-all-pools", "LIST: %s",
			    strerror(errno));
		return;
	}
	for (i = 0; i < l.count && i < 4096; i++) {
		names[i][MPOOL_IOC_NAME_MAX - 1] = 0;
		if (pstats(fd, names[i], &s))
			continue;
		if (s.out_blocks_free + s.out_blocks_in_use +
		    s.out_quarantined != s.out_blocks_total ||
		    s.out_blocks_free > s.out_blocks_total ||
		    s.out_blocks_in_use > s.out_blocks_total) {
			if (!bad++)
				snprintf(first, sizeof(first),
					 "%.31s: free %llu in use %llu total %llu",
					 names[i],
					 (unsigned long long)s.out_blocks_free,
					 (unsigned long long)s.out_blocks_in_use,
					 (unsigned long long)s.out_blocks_total);
		}
	}
	fuzz_result(!bad, "fuzz-final-all-pools-consistent",
		    "%u of %u pools, first %s", bad, l.count, first);
	if (!destroy)
		return;
	for (i = 0; i < l.count && i < 4096; i++) {
		struct mpool_ioc_name d = { .size = sizeof(d),
					    .flags = MPOOL_DESTROY_FORCE };

		memcpy(d.name, names[i], MPOOL_IOC_NAME_MAX);
		pio(fd, MPOOL_IOC_DESTROY, &d);
	}
	l.count = 0;
	pio(fd, MPOOL_IOC_LIST, &l);
	left = l.count;
	fuzz_result(!left, "fuzz-final-all-destroyed", "%u pools left", left);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void summary(double secs)
{
	long ops = 0, fails = 0, efault = 0, verified = 0;
	long hist[MAXERR] = { 0 }, cmds[NCMD] = { 0 };
	int w, e;

	for (w = 0; w < nworkers; w++) {
		ops += shm->ops[w];
		fails += shm->fails[w];
		efault += shm->lost_efault[w];
		verified += shm->verified[w];
		for (e = 0; e < MAXERR; e++)
			hist[e] += shm->hist[w][e];
		for (e = 0; e < NCMD; e++)
			cmds[e] += shm->cmdhist[w][e];
	}
	printf("mpool_fuzz: seed %llu, %ld ioctls, %d processes x %d threads, %.1f s (%.0f ioctls/s), %ld failures\n",
	       (unsigned long long)opt.seed, ops, opt.procs, opt.threads, secs,
	       secs > 0 ? ops / secs : 0.0, fails);
	printf("mpool_fuzz: errnos:");
	for (e = 0; e < MAXERR; e++)
		if (hist[e])
			printf(" %s=%ld", ename(e), hist[e]);
	printf("\nmpool_fuzz: commands:");
	for (e = 0; e < NCMD; e++)
		if (cmds[e])
			printf(" %s=%ld", e == NCMD - 1 ? "bad-nr" : cmdname(e),
			       cmds[e]);
	printf("\nmpool_fuzz: %ld blocks' holder patterns verified, %ld ALLOCs refused with EFAULT (undone by the kernel)\n",
	       verified, efault);
	if (shm->capped)
		printf("mpool_fuzz: stopped at the time cap (--seconds %d) after %ld of %ld ioctls\n",
		       opt.seconds, ops, opt.ops);
	fuzz_result(ops >= opt.ops || shm->capped, "fuzz-ran",
		    "%ld of %ld ioctls", ops, opt.ops);
	fuzz_result(!fails, "fuzz-errnos-and-invariants",
		    "%ld failures (see FAIL lines)", fails);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mpool_fuzz [--ops N] [--procs N] [--threads N] [--seed S]\n"
		"                  [--seconds N] [--verbose]\n"
		"       mpool_fuzz --seed S --worker W --replay-op N   (one thread)\n"
		"       --inject-miscount: a worker misreports what it holds (the\n"
		"       final check must fail)\n");
	exit(2);
}

static uint64_t read_max_bytes(void)
{
	FILE *f = fopen("/sys/module/mempool/parameters/max_bytes", "r");
	unsigned long long v = 256ULL << 20;

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 256ULL << 20;
		fclose(f);
	}
	return v;
}

static int replay(void)
{
	struct worker *w = calloc(1, sizeof(*w));
	int fd = open(DEV, O_RDWR);

	if (!w || fd < 0)
		return 2;
	nworkers = opt.worker + 1;
	create_stable(fd);
	w->replay = true;
	worker_setup(w, opt.worker);
	run_ops(w, opt.replay_op + 1);
	printf("replayed worker %d ops 0..%ld of seed %llu: %ld failures\n",
	       opt.worker, opt.replay_op, (unsigned long long)opt.seed,
	       shm->fails[opt.worker]);
	return shm->fails[opt.worker] ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "ops", 1, NULL, 'n' }, { "procs", 1, NULL, 'p' },
		{ "threads", 1, NULL, 't' }, { "seed", 1, NULL, 's' },
		{ "seconds", 1, NULL, 'd' }, { "replay-op", 1, NULL, 'r' },
		{ "worker", 1, NULL, 'w' }, { "verbose", 0, NULL, 'v' },
		{ "inject-miscount", 0, NULL, 'M' }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mpool_ioc_stats s;
	pid_t pids[MAXW];
	int c, fd, i, j, alive, bad = 0;
	double t0, t1;
	bool seeded = false;

	while ((c = getopt_long(argc, argv, "n:p:t:s:d:r:w:vMh", lo, NULL)) != -1) {
		switch (c) {
		case 'n': opt.ops = strtol(optarg, NULL, 0); break;
		case 'p': opt.procs = atoi(optarg); break;
		case 't': opt.threads = atoi(optarg); break;
		case 's': opt.seed = strtoull(optarg, NULL, 0); seeded = true; break;
		case 'd': opt.seconds = atoi(optarg); break;
		case 'r': opt.replay_op = strtol(optarg, NULL, 0); break;
		case 'w': opt.worker = atoi(optarg); break;
		case 'v': opt.verbose = 1; break;
		case 'M': opt.miscount = 1; break;
		default: usage();
		}
	}
	if (opt.procs < 1 || opt.threads < 1 || opt.procs * opt.threads > MAXW ||
	    opt.ops < 1 || opt.worker < 0 || opt.worker >= MAXW)
		usage();
	if (!seeded) {
		struct timespec t;

		clock_gettime(CLOCK_REALTIME, &t);
		opt.seed = (uint64_t)t.tv_sec * 1000003u ^ t.tv_nsec ^ getpid();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	opt.max_bytes = read_max_bytes();
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		return 2;
	printf("mpool_fuzz: seed %llu (replay a failure: --seed %llu --worker W --replay-op N)\n",
	       (unsigned long long)opt.seed, (unsigned long long)opt.seed);
	if (opt.replay_op >= 0)
		return replay();

	fd = open(DEV, O_RDWR);
	if (fd < 0) {
		fuzz_result(false, "fuzz-open", DEV ": %s", strerror(errno));
		return 1;
	}
	if (create_stable(fd)) {
		fuzz_result(false, "fuzz-setup", "could not create the stable pools");
		return 1;
	}
	nworkers = opt.procs * opt.threads;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += opt.seconds;
	t0 = now_s();
	for (i = 0; i < opt.procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fork");
			return 2;
		}
		if (!pids[i])
			worker_process(i);
	}
	/* Every worker done with its operations, each still holding its blocks. */
	for (;;) {
		if (__atomic_load_n(&shm->arrived, __ATOMIC_SEQ_CST) == nworkers)
			break;
		for (i = 0, alive = 0; i < opt.procs; i++)
			alive += pids[i] > 0 && waitpid(pids[i], NULL, WNOHANG) == 0;
		if (alive < opt.procs)
			break;
		usleep(10000);
	}
	t1 = now_s();
	if (__atomic_load_n(&shm->arrived, __ATOMIC_SEQ_CST) != nworkers) {
		fuzz_result(false, "fuzz-workers", "a worker process died");
		for (i = 0; i < opt.procs; i++)
			kill(pids[i], SIGKILL);
		return 1;
	}
	for (i = 0; i < NSTABLE; i++) {
		long held = 0;

		for (j = 0; j < nworkers; j++)
			held += shm->held[j][i];
		if (pstats(fd, stable[i].name, &s)) {
			fuzz_result(false, "fuzz-stable-pools-survive",
				    "STATS %s: %s", stable[i].name,
				    strerror(errno));
			bad++;
			continue;
		}
		if (s.out_blocks_free + s.out_blocks_in_use +
		    s.out_quarantined != s.out_blocks_total ||
		    s.out_blocks_in_use != (uint64_t)held) {
			printf("fuzz: %s: free %llu + in use %llu + quarantined %llu, total %llu; workers hold %ld\n",
			       stable[i].name,
			       (unsigned long long)s.out_blocks_free,
			       (unsigned long long)s.out_blocks_in_use,
			       (unsigned long long)s.out_quarantined,
			       (unsigned long long)s.out_blocks_total, held);
			bad++;
		}
	}
	fuzz_result(!bad, "fuzz-in-use-is-what-workers-hold",
		    "%d stable pools differ (see above)", bad);
	__atomic_store_n(&shm->phase, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < opt.procs; i++) {
		int st;

		if (waitpid(pids[i], &st, 0) != pids[i] || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			bad = -1;
	}
	fuzz_result(bad != -1, "fuzz-workers-exit", "a worker process failed");
	bad = 0;
	for (i = 0; i < NSTABLE; i++) {
		/* Workers may have left a quarantine: it lets its blocks go. */
		struct mpool_ioc_debug q = {
			.size = sizeof(q), .flags = MPOOL_DEBUG_SET_QUARANTINE,
		};
		int e;

		set_name(q.name, stable[i].name);
		e = pio(fd, MPOOL_IOC_DEBUG, &q);
		if (e || q.out_quarantined) {
			printf("fuzz: %s: quarantine off: %s, %u left in it\n",
			       stable[i].name, ename(e), q.out_quarantined);
			bad++;
		}
		if (pstats(fd, stable[i].name, &s) || s.out_blocks_in_use ||
		    s.out_blocks_free != s.out_blocks_total) {
			printf("fuzz: %s after the workers freed theirs: in use %llu, free %llu of %llu\n",
			       stable[i].name,
			       (unsigned long long)s.out_blocks_in_use,
			       (unsigned long long)s.out_blocks_free,
			       (unsigned long long)s.out_blocks_total);
			bad++;
		}
	}
	fuzz_result(!bad, "fuzz-no-block-lost", "%d stable pools not empty", bad);
	bad = 0;
	for (i = 0; i < NSTABLE; i++) {
		long left = 0;

		for (j = 0; j < nworkers; j++)
			left += shm->left_owned[j][i];
		if (pstats(fd, stable[i].name, &s) ||
		    s.out_reclaimed_on_close != (uint64_t)left) {
			printf("fuzz: %s: reclaimed_on_close %llu, workers left %ld owned blocks to their close\n",
			       stable[i].name,
			       (unsigned long long)s.out_reclaimed_on_close,
			       left);
			bad++;
		}
	}
	fuzz_result(!bad, "fuzz-owned-reclaimed-on-close",
		    "%d stable pools miscounted (see above)", bad);
	check_all_pools(fd, true);
	summary(t1 - t0);
	close(fd);
	return nfail ? 1 : 0;
}
