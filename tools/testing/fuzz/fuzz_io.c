// SPDX-License-Identifier: GPL-2.0
/* mpool_fuzz: random numbers, the errno table, doio(), holding blocks. */
#include "fuzz.h"

/* ---- helpers ------------------------------------------------------------ */

uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t rnd(struct worker *w)
{
	return splitmix(&w->rng);
}

/* 0..n-1 */
uint32_t rn(struct worker *w, uint32_t n)
{
	return n ? (uint32_t)(rnd(w) % n) : 0;
}

bool chance(struct worker *w, unsigned int pct)
{
	return rn(w, 100) < pct;
}

bool past_deadline(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline.tv_sec ||
	       (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}

const char *ename(int e)
{
	const char *s = e ? strerrorname_np(e) : "OK";

	return s ? s : "E?";
}

void wfail(struct worker *w, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	if (w->id < MAXW)
		shm->fails[w->id]++;
	if (w->printed++ >= FAIL_PRINT_MAX && !w->replay)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One write per line: lines of concurrent workers do not mix. */
	{
		char line[900];

		n = snprintf(line, sizeof(line),
			     "FAIL worker %d op %ld (%s): %s; replay: mpool_fuzz --seed %llu --worker %d --replay-op %ld\n",
			     w->id, w->opno, w->what ? w->what : "?", msg,
			     (unsigned long long)opt.seed, w->id, w->opno);
		if (n > (int)sizeof(line) - 1)
			n = sizeof(line) - 1;
		if (write(STDOUT_FILENO, line, n) < 0)
			return;
	}
}

/* ---- the errno table -------------------------------------------------------- */

/*
 * Errors include/uapi/mpool_ioctl.h documents for each command nr: the
 * common ones (ENOTTY, EFAULT, EINVAL, E2BIG, ENOENT, ENOMEM; EPERM on a
 * read-only file, as no kernel user's pool is named here), then the
 * command's own: EPERM also for READ and WRITE of a block another file
 * owns.  EBADF is the VFS's, for the fd another thread closes.
 */
static bool errno_ok(unsigned int nr, int e, bool rofd, bool racy_fd)
{
	switch (e) {
	case 0:
		return cmd_known(nr);
	case ENOTTY:
	case EFAULT:
	case EINVAL:
	case E2BIG:
	case ENOENT:
	case ENOMEM:
		return true;
	case EPERM:
		if (rofd)
			return true;
		break;
	case EBADF:
		return racy_fd;
	case ENAMETOOLONG:
		/* A name field without a NUL: every command with a name. */
		return nr != MPOOL_CMD_VERSION && nr != MPOOL_CMD_LIST;
	}
	switch (nr) {
	case MPOOL_CMD_CREATE:
		return e == EEXIST || e == ENAMETOOLONG || e == EOVERFLOW ||
		       e == EDQUOT;
	case MPOOL_CMD_DESTROY:
		return e == EBUSY;
	case MPOOL_CMD_ALLOC:
		return e == ENOSPC || e == ETIMEDOUT || e == EINTR;
	case MPOOL_CMD_WRITE:
	case MPOOL_CMD_READ:
		return e == ERANGE || e == ENXIO || e == ESTALE || e == EPERM;
	case MPOOL_CMD_MAP:
		return e == EOVERFLOW;
	case MPOOL_CMD_DEBUG:
		return e == EDQUOT;
	}
	return false;
}

/* Write commands need a writable file ("Permissions"). */
bool needs_write(unsigned int nr)
{
	/*
	 * WATCH needs it only with MPOOL_WATCH_SET, DEBUG only to change a
	 * mode; READ and MAP need read.
	 */
	return nr != MPOOL_CMD_VERSION && nr != MPOOL_CMD_LIST &&
	       nr != MPOOL_CMD_STATS && nr != MPOOL_CMD_READ &&
	       nr != MPOOL_CMD_MAP && nr != MPOOL_CMD_WATCH &&
	       nr != MPOOL_CMD_DEBUG;
}

/* The command nrs the ABI has; any other is ENOTTY. */
bool cmd_known(unsigned int nr)
{
	return nr <= MPOOL_CMD_RESET ||
	       (nr >= MPOOL_CMD_MAP && nr <= MPOOL_CMD_TAKE);
}

const char *cmdname(unsigned int nr)
{
	static const char *const n[] = { "VERSION", "CREATE", "DESTROY", "LIST",
		"STATS", "ALLOC", "FREE", "WRITE", "READ", "RESET",
		[MPOOL_CMD_MAP] = "MAP", [MPOOL_CMD_WATCH] = "WATCH",
		[MPOOL_CMD_DEBUG] = "DEBUG", [MPOOL_CMD_GIVE] = "GIVE",
		[MPOOL_CMD_TAKE] = "TAKE" };

	return nr < sizeof(n) / sizeof(n[0]) && n[nr] ? n[nr] : "UNKNOWN";
}

/*
 * Issues one ioctl and checks its errno: in the command's table, and equal
 * to @expect unless @expect is -1.  Returns the errno (0 on success).
 */
int doio(struct worker *w, enum fdkind fk, unsigned long cmd, void *arg,
	 int expect)
{
	unsigned int nr = _IOC_NR(cmd);
	int fd = fk == FD_RO ? w->rofd : fk == FD_OWN2 ? w->fd2 :
		 fk == FD_SHARED && !w->replay ?
			__atomic_load_n(&shared_fd, __ATOMIC_RELAXED) : w->fd;
	int e;

	/* A mutated command number is checked against ENOTTY alone. */
	if (_IOC_TYPE(cmd) != MPOOL_IOC_MAGIC || _IOC_DIR(cmd) || _IOC_SIZE(cmd))
		nr = 0xff;
	e = ioctl(fd, cmd, arg) ? errno : 0;
	if (w->id < MAXW) {
		shm->ops[w->id]++;
		shm->hist[w->id][e < MAXERR ? e : MAXERR - 1]++;
		shm->cmdhist[w->id][cmd_known(nr) ? nr : NCMD - 1]++;
	}
	if (opt.verbose)
		printf("worker %d op %ld %s: %s %s\n", w->id, w->opno,
		       w->what ? w->what : "?", cmdname(nr), ename(e));
	if (nr == 0xff || !cmd_known(nr)) {
		if (e != ENOTTY && !(fk == FD_SHARED && e == EBADF))
			wfail(w, "cmd 0x%lx gave %s, wanted ENOTTY", cmd, ename(e));
		return e;
	}
	if (fk == FD_SHARED && e == EBADF)
		return e;
	if (!errno_ok(nr, e, fk == FD_RO, false))
		wfail(w, "%s gave %s, which the ABI does not document for it",
		      cmdname(nr), ename(e));
	else if (expect >= 0 && e != expect)
		wfail(w, "%s gave %s, wanted %s", cmdname(nr), ename(e),
		      ename(expect));
	return e;
}

/* ---- holding blocks ----------------------------------------------------------- */

void held_add(struct held *h, uint64_t off, bool owned)
{
	if (h->n < HELD_MAX) {
		h->owned[h->n] = owned;
		h->given[h->n] = false;
		h->off[h->n++] = off;
	}
}

void held_del(struct held *h, int i)
{
	h->n--;
	h->off[i] = h->off[h->n];
	h->owned[i] = h->owned[h->n];
	h->given[i] = h->given[h->n];
}

/* The 8 bytes each holder writes into its block: who and where. */
static uint64_t pattern(struct worker *w, uint64_t off)
{
	return ((uint64_t)w->id << 48) ^ off ^ 0x5a5a000000000000ULL;
}

int rw_block(struct worker *w, enum fdkind fk, unsigned long cmd,
	     const char *pool, uint64_t off, void *buf, uint32_t len,
	     uint32_t pos, int expect)
{
	struct mpool_ioc_rw r = { .size = sizeof(r), .handle = off, .pos = pos,
				  .length = len, .buf = (uintptr_t)buf };

	set_name(r.name, pool);
	return doio(w, fk, cmd, &r, expect);
}

static uint32_t pattern_len(int pool)
{
	return stable[pool].bs < 8 ? stable[pool].bs : 8;
}

void write_pattern(struct worker *w, int pool, uint64_t off)
{
	uint64_t p = pattern(w, off);

	w->what = "write own pattern";
	rw_block(w, FD_OWN, MPOOL_IOC_WRITE, stable[pool].name, off, &p,
		 pattern_len(pool), 0, 0);
}

void verify_pattern(struct worker *w, int pool, uint64_t off)
{
	uint64_t p = pattern(w, off), got = 0;
	uint32_t len = pattern_len(pool);

	w->what = "verify own pattern";
	if (rw_block(w, FD_OWN, MPOOL_IOC_READ, stable[pool].name, off, &got,
		     len, 0, 0))
		return;
	if (memcmp(&p, &got, len))
		wfail(w, "block %s+%llu holds 0x%llx, not this holder's 0x%llx: given to two holders?",
		      stable[pool].name, (unsigned long long)off,
		      (unsigned long long)got, (unsigned long long)p);
	if (w->id < MAXW)
		shm->verified[w->id]++;
}

/*
 * Frees @n handles with a valid call; checks each result against
 * @want_result (1: any the ABI documents).  Returns how many were freed.
 */
int free_offsets(struct worker *w, const char *pool, const uint64_t *offs,
		 int n, int want_result, int expect)
{
	int32_t res[HELD_MAX];
	struct mpool_ioc_free f = { .size = sizeof(f), .count = n,
				    .handles = (uintptr_t)offs,
				    .results = (uintptr_t)res };
	int i;

	if (!n)
		return 0;
	set_name(f.name, pool);
	if (doio(w, FD_OWN, MPOOL_IOC_FREE, &f, expect))
		return 0;
	if ((int)(f.out_freed + f.out_invalid) != n)
		wfail(w, "FREE of %d: %u freed + %u invalid", n, f.out_freed,
		      f.out_invalid);
	for (i = 0; i < n; i++) {
		if (res[i] != 0 && res[i] != -ERANGE && res[i] != -EINVAL &&
		    res[i] != -ENXIO && res[i] != -ESTALE && res[i] != -EPERM)
			wfail(w, "FREE result %d for offset %llu", res[i],
			      (unsigned long long)offs[i]);
		else if (want_result != 1 && res[i] != want_result)
			wfail(w, "FREE of %s+%llu: result %s, wanted %s", pool,
			      (unsigned long long)offs[i], ename(-res[i]),
			      ename(-want_result));
	}
	return f.out_freed;
}

/*
 * Allocates up to @count blocks into @h, owned by the file with @owned;
 * returns the errno.
 */
int alloc_into(struct worker *w, enum fdkind fk, const char *pool,
	       struct held *h, uint32_t count, uint32_t timeout_ms,
	       bool owned)
{
	uint64_t offs[HELD_MAX];
	struct mpool_ioc_alloc a = { .size = sizeof(a), .count = count,
				     .timeout_ms = timeout_ms,
				     .flags = (timeout_ms ? MPOOL_ALLOC_WAIT : 0) |
					      (owned ? MPOOL_ALLOC_OWNED : 0),
				     .handles = (uintptr_t)offs };
	uint32_t i;
	int e;

	if (count > (uint32_t)(HELD_MAX - h->n))
		a.count = count = HELD_MAX - h->n;
	if (!count)
		return 0;
	set_name(a.name, pool);
	e = doio(w, fk, MPOOL_IOC_ALLOC, &a, -1);
	if (e)
		return e;
	if (!a.out_allocated || a.out_allocated > count)
		wfail(w, "ALLOC of %u gave out_allocated %u", count,
		      a.out_allocated);
	for (i = 0; i < a.out_allocated && i < count; i++)
		held_add(h, offs[i], owned);
	return 0;
}

int stats_of(struct worker *w, enum fdkind fk, const char *pool,
	     struct mpool_ioc_stats *s, int expect)
{
	int e;

	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	set_name(s->name, pool);
	e = doio(w, fk, MPOOL_IOC_STATS, s, expect);
	if (!e && (s->out_blocks_free + s->out_blocks_in_use +
		   s->out_quarantined != s->out_blocks_total ||
		   s->out_blocks_in_use > s->out_blocks_total))
		wfail(w, "STATS %s: free %llu + in use %llu + quarantined %llu != total %llu",
		      pool, (unsigned long long)s->out_blocks_free,
		      (unsigned long long)s->out_blocks_in_use,
		      (unsigned long long)s->out_quarantined,
		      (unsigned long long)s->out_blocks_total);
	return e;
}

/*
 * GIVE or TAKE (@cmd) of @n handles with a valid call; checks each result
 * against @want[i] (1: any the ABI documents; @want NULL: all 1).  Returns
 * how many were given (taken).
 */
int handover(struct worker *w, enum fdkind fk, unsigned long cmd,
	     const char *pool, const uint64_t *offs, int n,
	     const int32_t *want, int expect)
{
	int32_t res[HELD_MAX];
	struct mpool_ioc_handover g = { .size = sizeof(g), .count = n,
					.handles = (uintptr_t)offs,
					.results = (uintptr_t)res };
	const char *c = cmdname(_IOC_NR(cmd));
	int i, bad = 0;

	if (!n)
		return 0;
	set_name(g.name, pool);
	if (doio(w, fk, cmd, &g, expect))
		return 0;
	for (i = 0; i < n; i++) {
		int wr = want ? want[i] : 1;

		if (res[i])
			bad++;
		if (res[i] != 0 && res[i] != -ERANGE && res[i] != -EINVAL &&
		    res[i] != -ENXIO && res[i] != -ESTALE && res[i] != -EPERM)
			wfail(w, "%s result %d for handle %#llx", c, res[i],
			      (unsigned long long)offs[i]);
		else if (wr != 1 && res[i] != wr)
			wfail(w, "%s of %s+%#llx: result %s, wanted %s", c, pool,
			      (unsigned long long)offs[i], ename(-res[i]),
			      ename(-wr));
	}
	if ((int)(g.out_done + g.out_invalid) != n ||
	    (int)g.out_invalid != bad)
		wfail(w, "%s of %d: %u done + %u invalid, %d results not 0",
		      c, n, g.out_done, g.out_invalid, bad);
	return g.out_done;
}

/*
 * MPOOL_IOC_DEBUG switching @on and @off, the quarantine to @quarantine
 * (-1: not); checks the answer on success.  Returns the errno.
 */
int debug_modes(struct worker *w, enum fdkind fk, const char *pool,
		uint32_t on, uint32_t off, int quarantine, int expect)
{
	struct mpool_ioc_debug d = { .size = sizeof(d), .on = on, .off = off };
	bool alone;
	int e;

	if (quarantine >= 0) {
		d.flags = MPOOL_DEBUG_SET_QUARANTINE;
		d.quarantine = quarantine;
	}
	set_name(d.name, pool);
	e = doio(w, fk, MPOOL_IOC_DEBUG, &d, expect);
	if (e)
		return e;
	/*
	 * Other workers switch the shared pools' modes too, between this
	 * call's change and its answer: only the private pool's answer is
	 * this call's alone.
	 */
	alone = !strcmp(pool, w->priv);
	if ((d.out_modes & ~(MPOOL_DEBUG_POISON | MPOOL_DEBUG_TRACK)) ||
	    d.out_quarantine > MPOOL_DEBUG_QUARANTINE_MAX ||
	    (alone && ((d.out_modes & on) != on || (d.out_modes & off) ||
		       (quarantine >= 0 &&
			d.out_quarantine != (uint32_t)quarantine) ||
		       d.out_quarantined > d.out_quarantine)))
		wfail(w, "DEBUG %s on %#x off %#x q %d: modes %#x, quarantine %u holding %u",
		      pool, on, off, quarantine, d.out_modes,
		      d.out_quarantine, d.out_quarantined);
	return 0;
}
