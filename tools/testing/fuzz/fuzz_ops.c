// SPDX-License-Identifier: GPL-2.0
/* mpool_fuzz: the valid operations, and one_op() choosing among all. */
#include "fuzz.h"

/* ---- valid operations ------------------------------------------------------------ */

const char *vol_name(int i)
{
	static const char *const n[NVOL] = { "fz_v0", "fz_v1", "fz_v2",
					     "fz_v3", "fz_v4", "fz_v5" };
	return n[i];
}

static void op_stable_alloc(struct worker *w, int pool)
{
	struct held *h = &w->s[pool];
	int before = h->n, i;
	uint32_t count = chance(w, 10) ? 64 + rn(w, 256) : 1 + rn(w, 8);
	uint32_t tmo = chance(w, 10) ? 1 + rn(w, 3) : 0;
	bool shared = chance(w, 30);

	/*
	 * Owned only by the worker's own file: the shared one is closed
	 * under the workers, which would free the blocks they count.
	 */
	w->what = "alloc from a stable pool";
	alloc_into(w, shared ? FD_SHARED : FD_OWN, stable[pool].name, h,
		   count, tmo, !shared && chance(w, 30));
	for (i = before; i < h->n; i++)
		write_pattern(w, pool, h->off[i]);
}

static void op_stable_free(struct worker *w, int pool)
{
	struct held *h = &w->s[pool];
	uint64_t offs[HELD_MAX];
	int n, i;

	if (!h->n)
		return;
	n = 1 + rn(w, h->n < 16 || chance(w, 80) ? (h->n < 8 ? h->n : 8) : h->n);
	for (i = 0; i < n; i++) {
		int j = rn(w, h->n);

		offs[i] = h->off[j];
		if (chance(w, 30))
			verify_pattern(w, pool, offs[i]);
		held_del(h, j);
	}
	w->what = "free own blocks of a stable pool";
	free_offsets(w, stable[pool].name, offs, n, 0, 0);
}

/*
 * What a freed handle @h of the private pool gets now: ENXIO, or ESTALE
 * once its block is held again (under a new handle); 0 when the worker
 * holds @h itself, which cannot be.
 */
static int freed_handle_err(struct worker *w, uint64_t h)
{
	int i, err = ENXIO;

	for (i = 0; i < w->p.n; i++) {
		if (w->p.off[i] == h)
			return 0;
		if (MPOOL_HANDLE_OFFSET(w->p.off[i]) == MPOOL_HANDLE_OFFSET(h))
			err = ESTALE;
	}
	return err;
}

static void op_private(struct worker *w)
{
	struct mpool_ioc_stats s;
	uint64_t offs[PRIV_BLOCKS + 1];
	uint64_t buf;
	int n, i;

	switch (rn(w, 6)) {
	case 0:
	case 1:
		w->what = "alloc from the private pool";
		/* Per-CPU caches may hold free blocks on other CPUs. */
		if (alloc_into(w, FD_OWN, w->priv, &w->p, 1 + rn(w, 16), 0,
			       chance(w, 50)) ==
		    ENOSPC && w->p.n != PRIV_BLOCKS && !(w->id % 2))
			wfail(w, "private pool: ENOSPC holding %d of %d",
			      w->p.n, PRIV_BLOCKS);
		break;
	case 2:
		if (!w->p.n)
			break;
		n = 1 + rn(w, w->p.n);
		for (i = 0; i < n; i++) {
			int j = rn(w, w->p.n);

			offs[i] = w->p.off[j];
			held_del(&w->p, j);
			if (w->npfreed < PRIV_BLOCKS)
				w->pfreed[w->npfreed++] = offs[i];
			else
				w->pfreed[rn(w, PRIV_BLOCKS)] = offs[i];
		}
		w->what = "free in the private pool";
		free_offsets(w, w->priv, offs, n, 0, 0);
		break;
	case 3: {
		/*
		 * Double free: -ENXIO, or -ESTALE once the block is allocated
		 * again (a new handle); the pool is unchanged either way.
		 */
		bool again = false;

		if (!w->npfreed)
			break;
		offs[0] = w->pfreed[rn(w, w->npfreed)];
		int err = freed_handle_err(w, offs[0]);

		if (!err)
			return;	/* held again under the same handle: a bug */
		again = err == ESTALE;
		w->what = again ? "free of a stale handle in the private pool" :
				  "double free in the private pool";
		free_offsets(w, w->priv, offs, 1, again ? -ESTALE : -ENXIO, 0);
		w->what = "read a freed block of the private pool";
		rw_block(w, FD_OWN, MPOOL_IOC_READ, w->priv, offs[0], &buf, 8, 0,
			 again ? ESTALE : ENXIO);
		/* Only the owning file: another gets EPERM, then nothing. */
		for (i = 0; i < w->p.n && !w->p.owned[i]; i++)
			;
		if (i == w->p.n)
			break;
		w->what = "read another file's owned block";
		rw_block(w, FD_SHARED, MPOOL_IOC_READ, w->priv, w->p.off[i], &buf,
			 8, 0, w->replay ? -1 : EPERM);
		w->what = "free another file's owned block";
		offs[0] = w->p.off[i];
		if (!w->replay) {
			struct mpool_ioc_free f = {
				.size = sizeof(f), .count = 1,
				.handles = (uintptr_t)offs,
			};
			int32_t res = 0;

			f.results = (uintptr_t)&res;
			set_name(f.name, w->priv);
			if (!doio(w, FD_SHARED, MPOOL_IOC_FREE, &f, -1) &&
			    (res != -EPERM || f.out_freed))
				wfail(w, "FREE of another file's owned block: result %d, %u freed",
				      res, f.out_freed);
		}
		break;
	}
	case 4:
		w->what = "stats of the private pool";
		if (!stats_of(w, FD_OWN, w->priv, &s, 0) &&
		    s.out_blocks_in_use != (uint64_t)w->p.n)
			wfail(w, "private pool: %llu in use, worker holds %d",
			      (unsigned long long)s.out_blocks_in_use, w->p.n);
		break;
	case 5:
		if (!w->p.n)
			break;
		buf = rnd(w);
		i = rn(w, w->p.n);
		w->what = "write+read a private block";
		if (!rw_block(w, FD_OWN, MPOOL_IOC_WRITE, w->priv, w->p.off[i],
			      &buf, 8, 56, 0)) {
			uint64_t got = 0;

			if (!rw_block(w, FD_OWN, MPOOL_IOC_READ, w->priv,
				      w->p.off[i], &got, 8, 56, 0) && got != buf)
				wfail(w, "private block read back 0x%llx, wrote 0x%llx",
				      (unsigned long long)got,
				      (unsigned long long)buf);
		}
		break;
	}
}

static void op_volatile(struct worker *w)
{
	int v = rn(w, NVOL);
	struct held *h = &w->v[v];
	struct mpool_ioc_create c = { .size = sizeof(c) };
	struct mpool_ioc_name d = { .size = sizeof(d) };
	unsigned char buf[64];
	int i;

	switch (rn(w, 7)) {
	case 0:
		w->what = "create a volatile pool";
		c.block_size = 1 + rn(w, 2048);
		c.nr_blocks = 1 + rn(w, 64);
		c.align = chance(w, 50) ? 0 : 1U << rn(w, 13);
		c.flags = rn(w, 16) | (chance(w, 50) ? MPOOL_CREATE_MAP_WRITE : 0);
		set_name(c.name, vol_name(v));
		doio(w, FD_SHARED, MPOOL_IOC_CREATE, &c, -1);
		break;
	case 1:
		w->what = "destroy a volatile pool";
		d.flags = chance(w, 70) ? MPOOL_DESTROY_FORCE : 0;
		set_name(d.name, vol_name(v));
		doio(w, FD_SHARED, MPOOL_IOC_DESTROY, &d, -1);
		h->n = 0;
		break;
	case 2:
	case 3:
		w->what = "sleeping alloc from a volatile pool";
		alloc_into(w, FD_SHARED, vol_name(v), h, 1 + rn(w, 4),
			   chance(w, 60) ? 1 + rn(w, 10) : 0, chance(w, 30));
		break;
	case 4:
		if (!h->n)
			break;
		w->what = "free in a volatile pool";
		i = rn(w, h->n);
		/*
		 * Any result: the pool may be another incarnation by now,
		 * the shared file that owned the block closed and another
		 * opened under the same number.
		 */
		free_offsets(w, vol_name(v), &h->off[i], 1, 1, -1);
		held_del(h, i);
		break;
	case 5:
		/* Read or write racing a destroy: a block or ENOENT/ENXIO/... */
		w->what = "read/write a volatile pool's block";
		rw_block(w, FD_SHARED, chance(w, 50) ? MPOOL_IOC_READ :
			 MPOOL_IOC_WRITE, vol_name(v), h->n ? h->off[0] : 0,
			 buf, 1 + rn(w, sizeof(buf)), 0, -1);
		break;
	case 6:
		w->what = "reset a volatile pool";
		set_name(d.name, vol_name(v));
		doio(w, FD_SHARED, MPOOL_IOC_RESET, &d, -1);
		break;
	}
}

static void op_misc(struct worker *w)
{
	struct mpool_ioc_version ver = { .size = sizeof(ver) };
	struct mpool_ioc_list l = { .size = sizeof(l) };
	struct mpool_ioc_name r = { .size = sizeof(r) };
	struct mpool_ioc_stats s;
	static __thread char names[64][MPOOL_IOC_NAME_MAX];
	struct mpool_ioc_watch wa = { .size = sizeof(wa) };
	struct mpool_watch_event ev[4];
	int e;

	switch (rn(w, 6)) {
	case 0:
		w->what = "version";
		if (!doio(w, FD_SHARED, MPOOL_IOC_VERSION, &ver, -1) &&
		    ver.out_abi_version != MPOOL_IOC_ABI_VERSION)
			wfail(w, "ABI version %u", ver.out_abi_version);
		break;
	case 1:
		w->what = "list (buffer maybe smaller than the pool count)";
		l.count = rn(w, 64);
		l.names = (uintptr_t)names;
		doio(w, FD_SHARED, MPOOL_IOC_LIST, &l, -1);
		break;
	case 2:
	case 3:
		w->what = "stats of a stable pool";
		stats_of(w, FD_SHARED, stable[rn(w, NSTABLE)].name, &s, -1);
		break;
	case 4:
		w->what = "reset a stable pool";
		set_name(r.name, stable[rn(w, NSTABLE)].name);
		doio(w, FD_OWN, MPOOL_IOC_RESET, &r, 0);
		break;
	case 5:
		/*
		 * Watch a stable or volatile pool, maybe moving its low
		 * watermark (then every ALLOC and FREE on it checks it), and
		 * drain what this file queued: whole events or nothing.
		 */
		w->what = "watch a pool, read its events";
		if (chance(w, 50)) {
			wa.flags = MPOOL_WATCH_SET;
			wa.below = rn(w, 80);
		}
		set_name(wa.name, chance(w, 70) ? stable[rn(w, NSTABLE)].name :
			 vol_name(rn(w, NVOL)));
		e = doio(w, chance(w, 10) ? FD_RO : FD_OWN, MPOOL_IOC_WATCH,
			 &wa, -1);
		if (!e && wa.out_below > 1000)
			wfail(w, "WATCH: out_below %u", wa.out_below);
		if (fcntl(w->fd, F_SETFL, O_NONBLOCK) == 0) {
			ssize_t n = read(w->fd, ev, sizeof(ev));

			if (n > 0 && n % sizeof(ev[0]))
				wfail(w, "read of events: %zd bytes", n);
			if (n < 0 && errno != EAGAIN && errno != EINVAL)
				wfail(w, "read of events: %s", ename(errno));
			fcntl(w->fd, F_SETFL, 0);
		}
		break;
	}
}

/*
 * Owned blocks of a stable pool handed over: GIVE (twice changes
 * nothing), then TAKEn back by the giver or by the worker's second file,
 * which must then own them (the first gets EPERM) and GIVE them back; or
 * left given, for the giver to free, read or leave to its close.
 */
static void op_give_stable(struct worker *w, int pool)
{
	struct held *h = &w->s[pool];
	const char *name = stable[pool].name;
	uint64_t offs[8], buf;
	int32_t want[8] = { 0 };
	int idx[8], n = 0, i;

	for (i = 0; i < h->n && n < 8; i++)
		if (h->owned[i] && (n < 1 || chance(w, 50)))
			idx[n++] = i;
	if (!n)
		return;
	for (i = 0; i < n; i++)
		offs[i] = h->off[idx[i]];
	w->what = "give own blocks of a stable pool";
	if (handover(w, FD_OWN, MPOOL_IOC_GIVE, name, offs, n, want, 0) != n)
		return;
	for (i = 0; i < n; i++)
		h->given[idx[i]] = true;
	if (chance(w, 20)) {
		w->what = "give given blocks again";
		handover(w, FD_OWN, MPOOL_IOC_GIVE, name, offs, n, want, 0);
	}
	if (chance(w, 30))
		return;		/* stays given: the giver frees it, or its close */
	if (chance(w, 50)) {
		w->what = "take own given blocks back";
		handover(w, FD_OWN, MPOOL_IOC_TAKE, name, offs, n, want, 0);
	} else {
		w->what = "take given blocks with a second file";
		if (handover(w, FD_OWN2, MPOOL_IOC_TAKE, name, offs, n, want,
			     0) != n)
			return;
		w->what = "read a block given away";
		rw_block(w, FD_OWN, MPOOL_IOC_READ, name, offs[0], &buf, 1, 0,
			 EPERM);
		w->what = "read a block taken";
		rw_block(w, FD_OWN2, MPOOL_IOC_READ, name, offs[0], &buf, 1, 0,
			 0);
		w->what = "take a block taken, not given again";
		want[0] = -EPERM;
		handover(w, FD_OWN, MPOOL_IOC_TAKE, name, offs, 1, want, 0);
		want[0] = 0;
		w->what = "give the taken blocks back";
		handover(w, FD_OWN2, MPOOL_IOC_GIVE, name, offs, n, want, 0);
		w->what = "take them back";
		handover(w, FD_OWN, MPOOL_IOC_TAKE, name, offs, n, want, 0);
	}
	for (i = 0; i < n; i++)
		h->given[idx[i]] = false;
}

/*
 * What GIVE and TAKE refuse, per handle, in one batch: a block the file
 * does not own (-EPERM), not the start of a block (-EINVAL), past the
 * region (-ERANGE); TAKE of a block nobody gave (-EPERM); a freed handle
 * of the private pool (-ENXIO, or -ESTALE once allocated again).
 */
static void op_give_refused(struct worker *w, int pool)
{
	struct held *h = &w->s[pool];
	const char *name = stable[pool].name;
	uint64_t offs[4];
	int32_t want[4];
	int n = 0, i;
	bool again = false;

	switch (rn(w, 3)) {
	case 0:
		for (i = 0; i < h->n && n < 2; i++) {
			if (h->given[i])
				continue;
			offs[n] = h->off[i];
			want[n++] = -EPERM;
		}
		offs[n] = 1 + rn(w, 7);
		want[n++] = -EINVAL;
		offs[n] = (uint64_t)-1 - rn(w, 4096);
		want[n++] = -ERANGE;
		/*
		 * GIVE: not owned by the calling file (the shared file, or a
		 * block nobody owns); TAKE: nothing here was given.
		 */
		if (chance(w, 50)) {
			/* A replay has no shared file: the second one. */
			w->what = "give blocks another file does not own";
			handover(w, chance(w, 50) && !w->replay ? FD_SHARED :
				 FD_OWN2, MPOOL_IOC_GIVE, name, offs, n, want,
				 0);
		} else {
			w->what = "take blocks nobody gave";
			handover(w, chance(w, 50) ? FD_OWN : FD_OWN2,
				 MPOOL_IOC_TAKE, name, offs, n, want, 0);
		}
		break;
	case 1:
		for (i = 0; i < h->n && n < 3; i++) {
			if (h->owned[i])
				continue;
			offs[n] = h->off[i];
			want[n++] = -EPERM;
		}
		w->what = "give blocks allocated without MPOOL_ALLOC_OWNED";
		handover(w, FD_OWN, MPOOL_IOC_GIVE, name, offs, n, want, 0);
		break;
	case 2:
		if (!w->npfreed)
			break;
		offs[0] = w->pfreed[rn(w, w->npfreed)];
		int err = freed_handle_err(w, offs[0]);

		if (!err)
			return;	/* held again under the same handle: a bug */
		again = err == ESTALE;
		want[0] = again ? -ESTALE : -ENXIO;
		w->what = again ? "give/take a stale handle of the private pool" :
				  "give/take a freed handle of the private pool";
		handover(w, FD_OWN, chance(w, 50) ? MPOOL_IOC_GIVE :
			 MPOOL_IOC_TAKE, w->priv, offs, 1, want, 0);
		break;
	}
}

/*
 * A volatile pool's owned blocks, given by the shared file and taken by
 * the worker's own: any documented result, as the pool and the shared
 * file may be others by now.
 */
static void op_give_volatile(struct worker *w)
{
	int v = rn(w, NVOL);
	struct held *h = &w->v[v];
	int n = h->n < 4 ? h->n : 4;

	if (!n)
		return;
	w->what = "give a volatile pool's blocks";
	handover(w, FD_SHARED, MPOOL_IOC_GIVE, vol_name(v), h->off, n, NULL,
		 -1);
	w->what = "take a volatile pool's blocks";
	handover(w, chance(w, 80) ? FD_OWN : FD_SHARED, MPOOL_IOC_TAKE,
		 vol_name(v), h->off, n, NULL, -1);
}

static void op_handover(struct worker *w)
{
	int pool = rn(w, NSTABLE);

	switch (rn(w, 4)) {
	case 0:
	case 1:
		op_give_stable(w, pool);
		break;
	case 2:
		op_give_refused(w, pool);
		break;
	default:
		op_give_volatile(w);
		break;
	}
}

/*
 * Debug modes switched on and off while blocks are out: a stable or
 * volatile pool's poison, track and a short quarantine (shorter than any
 * stable pool, so that blocks stay to hand out), often off again; the
 * private pool's modes only (its ENOSPC check counts every block); a
 * report through the read-only file, or a change there (EPERM).
 */
static void op_debug(struct worker *w)
{
	static const uint32_t m[] = { 0, MPOOL_DEBUG_POISON, MPOOL_DEBUG_TRACK,
				      MPOOL_DEBUG_POISON | MPOOL_DEBUG_TRACK };
	uint32_t on = m[rn(w, 4)], off = m[rn(w, 4)] & ~on;
	int pool = rn(w, NSTABLE), q = -1;

	/* Mostly off again: a quarantine holds blocks back. */
	if (chance(w, 60)) {
		off |= on;
		on = 0;
		q = chance(w, 70) ? 0 : -1;
	} else if (chance(w, 50)) {
		q = rn(w, 5);
	}
	switch (rn(w, 5)) {
	case 0:
	case 1:
		/* EDQUOT or ENOMEM when a mode first needs its arrays. */
		w->what = "switch a stable pool's debug modes";
		if (debug_modes(w, FD_OWN, stable[pool].name, on, off, q, -1) ==
		    EINVAL)
			wfail(w, "DEBUG of %s: EINVAL for on %#x off %#x quarantine %d",
			      stable[pool].name, on, off, q);
		break;
	case 2:
		w->what = "switch a volatile pool's debug modes";
		/* Its blocks may be fewer than q: EINVAL. */
		debug_modes(w, FD_SHARED, vol_name(rn(w, NVOL)), on, off, q, -1);
		break;
	case 3:
		w->what = "switch the private pool's debug modes";
		debug_modes(w, FD_OWN, w->priv, on, off, -1, -1);
		break;
	default:
		if (chance(w, 50)) {
			w->what = "debug report through the read-only file";
			debug_modes(w, FD_RO, stable[pool].name, 0, 0, -1, 0);
		} else {
			w->what = "debug change through the read-only file";
			debug_modes(w, FD_RO, stable[pool].name,
				    MPOOL_DEBUG_TRACK, 0, -1, EPERM);
		}
		break;
	}
}

void one_op(struct worker *w)
{
	uint32_t r = rn(w, 100);
	int pool = rn(w, NSTABLE);

	w->what = NULL;
	if (r < 22)
		op_stable_alloc(w, pool);
	else if (r < 38)
		op_stable_free(w, pool);
	else if (r < 44 && w->s[pool].n)
		verify_pattern(w, pool, w->s[pool].off[rn(w, w->s[pool].n)]);
	else if (r < 44)
		op_stable_alloc(w, pool);
	else if (r < 54)
		op_private(w);
	else if (r < 61)
		op_volatile(w);
	else if (r < 64)
		op_misc(w);
	else if (r < 67)
		op_handover(w);
	else if (r < 69)
		op_debug(w);
	else if (r < 72)
		op_map(w);
	else if (r < 95)
		op_mutate(w);
	else
		op_random(w);
}
