// SPDX-License-Identifier: GPL-2.0
/* mpool_fuzz: mutated and random operations, bad pointers and names. */
#include "fuzz.h"

/* FREE, GIVE and TAKE are mutated as one: the same fields, the same places. */
_Static_assert(sizeof(struct mpool_ioc_free) ==
	       sizeof(struct mpool_ioc_handover) &&
	       offsetof(struct mpool_ioc_free, results) ==
	       offsetof(struct mpool_ioc_handover, results) &&
	       offsetof(struct mpool_ioc_free, out_invalid) ==
	       offsetof(struct mpool_ioc_handover, out_invalid),
	       "mpool_ioc_handover is laid out as mpool_ioc_free");

/* ---- mutated and random operations ------------------------------------------------- */

static const char *const bad_names[] = {
	"", ".", "..", "\xe9t\xe9", "a/b", "%n%n%n", "pools", "a b", "\x01",
	"fz_s0/../x",
};

/* A name field mutated; returns the errno that must follow. */
static int mutate_name(struct worker *w, __u8 *name)
{
	int i = rn(w, sizeof(bad_names) / sizeof(bad_names[0]) + 1);

	if (i == sizeof(bad_names) / sizeof(bad_names[0])) {
		/* No NUL in the 32 bytes. */
		memset(name, 'a', MPOOL_IOC_NAME_MAX);
		return ENAMETOOLONG;
	}
	set_name(name, bad_names[i]);
	return EINVAL;
}

static unsigned char *struct_area(struct worker *w)
{
	return w->arena;	/* 2 RW pages, then PROT_NONE */
}

static unsigned char *guard(struct worker *w)
{
	return w->arena + 2 * PAGE;
}

/*
 * The valid struct of command @nr at @p (in the arena), naming @pool;
 * @offs is an array of HELD_MAX for ALLOC and FREE.  Returns its size and
 * sets *expect to what it gives unchanged (-1 when unknown).
 */
static size_t build(struct worker *w, unsigned int nr, void *p, int pool,
		    uint64_t *offs, uint64_t *rwbuf, int *expect)
{
	const char *name = stable[pool].name;

	*expect = -1;
	switch (nr) {
	case MPOOL_CMD_VERSION: {
		struct mpool_ioc_version *v = p;

		memset(v, 0, sizeof(*v));
		v->size = sizeof(*v);
		*expect = 0;
		return sizeof(*v);
	}
	case MPOOL_CMD_CREATE: {
		struct mpool_ioc_create *c = p;
		char n[MPOOL_IOC_NAME_MAX];

		memset(c, 0, sizeof(*c));
		c->size = sizeof(*c);
		c->block_size = 1 + rn(w, 256);
		c->nr_blocks = 1 + rn(w, 16);
		/* The worker's own scratch name: it destroys it again. */
		snprintf(n, sizeof(n), "fz_m%d", w->id);
		set_name(c->name, n);
		return sizeof(*c);
	}
	case MPOOL_CMD_DESTROY:
	case MPOOL_CMD_RESET: {
		struct mpool_ioc_name *d = p;

		memset(d, 0, sizeof(*d));
		d->size = sizeof(*d);
		/* A DESTROY that succeeds would take a pool from under others. */
		if (nr == MPOOL_CMD_RESET) {
			set_name(d->name, name);
			*expect = 0;
		} else {
			set_name(d->name, "fz_never");
			d->flags = MPOOL_DESTROY_FORCE;
			*expect = ENOENT;
		}
		return sizeof(*d);
	}
	case MPOOL_CMD_LIST: {
		struct mpool_ioc_list *l = p;

		memset(l, 0, sizeof(*l));
		l->size = sizeof(*l);
		l->count = HELD_MAX * 8 / MPOOL_IOC_NAME_MAX;
		l->names = (uintptr_t)offs;
		*expect = 0;
		return sizeof(*l);
	}
	case MPOOL_CMD_STATS: {
		struct mpool_ioc_stats *s = p;

		memset(s, 0, sizeof(*s));
		s->size = sizeof(*s);
		set_name(s->name, name);
		*expect = 0;
		return sizeof(*s);
	}
	case MPOOL_CMD_ALLOC: {
		struct mpool_ioc_alloc *a = p;

		memset(a, 0, sizeof(*a));
		a->size = sizeof(*a);
		a->count = 1 + rn(w, 4);
		a->handles = (uintptr_t)offs;
		set_name(a->name, name);
		return sizeof(*a);
	}
	case MPOOL_CMD_FREE: {
		struct mpool_ioc_free *f = p;

		memset(f, 0, sizeof(*f));
		f->size = sizeof(*f);
		f->count = 1;
		/* Never a block start: frees nothing, in any pool. */
		offs[0] = 1;
		f->handles = (uintptr_t)offs;
		set_name(f->name, name);
		*expect = 0;
		return sizeof(*f);
	}
	case MPOOL_CMD_DEBUG: {
		struct mpool_ioc_debug *d = p;

		memset(d, 0, sizeof(*d));
		d->size = sizeof(*d);
		set_name(d->name, name);
		/* A report, or a mode switched off (changes nothing held). */
		if (chance(w, 30))
			d->off = 1u << rn(w, 2);
		*expect = d->off ? -1 : 0;
		return sizeof(*d);
	}
	case MPOOL_CMD_GIVE:
	case MPOOL_CMD_TAKE: {
		struct mpool_ioc_handover *g = p;

		memset(g, 0, sizeof(*g));
		g->size = sizeof(*g);
		g->count = 1;
		/* Never a block start: moves nothing, in any pool. */
		offs[0] = 1;
		g->handles = (uintptr_t)offs;
		set_name(g->name, name);
		*expect = 0;
		return sizeof(*g);
	}
	case MPOOL_CMD_WRITE:
	case MPOOL_CMD_READ: {
		struct mpool_ioc_rw *r = p;

		memset(r, 0, sizeof(*r));
		r->size = sizeof(*r);
		set_name(r->name, name);
		r->buf = (uintptr_t)rwbuf;
		r->length = 1;
		/* WRITE cannot keep off a block's 8-byte pattern if that's all. */
		if (w->s[pool].n && (nr == MPOOL_CMD_READ || stable[pool].bs > 8)) {
			/* Past the pattern: nobody else's bytes either. */
			r->handle = w->s[pool].off[rn(w, w->s[pool].n)];
			r->pos = stable[pool].bs > 8 ? 8 : 0;
			r->length = stable[pool].bs - r->pos;
			if (r->length > 64)
				r->length = 64;
			*expect = 0;
		} else {
			r->handle = 1;	/* not a block start */
			*expect = EINVAL;
		}
		return sizeof(*r);
	}
	}
	return 0;
}

/* Bad user addresses: none of them may be read or written. */
static uintptr_t bad_ptr(struct worker *w)
{
	static const uintptr_t p[] = {
		0, 0x1000, 0xffff888000000000ULL, 0x0000800000000000ULL,
		(uintptr_t)-4096,
	};
	uint32_t i = rn(w, sizeof(p) / sizeof(p[0]) + 1);

	return i < sizeof(p) / sizeof(p[0]) ? p[i] : (uintptr_t)guard(w);
}

/*
 * One valid struct with one field mutated, on a stable pool (whose blocks
 * cannot be freed by any of these) or the worker's scratch names.
 */
void op_mutate(struct worker *w)
{
	unsigned int nr = rn(w, MPOOL_CMD_RESET + 4);
	int pool, expect, i;
	static __thread uint64_t offs[HELD_MAX];
	static __thread uint64_t rwbuf[64];
	unsigned char *p = struct_area(w);
	size_t sz;
	unsigned long cmd;
	enum fdkind fk = FD_OWN;
	void *arg = p;
	uint32_t *u32 = (uint32_t *)p;
	int m;
	char msg[96];

	/* The commands up to RESET, then DEBUG, GIVE and TAKE. */
	if (nr > MPOOL_CMD_RESET)
		nr += MPOOL_CMD_DEBUG - MPOOL_CMD_RESET - 1;
	pool = rn(w, NSTABLE);
	sz = build(w, nr, p, pool, offs, rwbuf, &expect);
	cmd = _IO(MPOOL_IOC_MAGIC, nr);
	m = rn(w, 16);
	memset(p + sz, 0, 2 * PAGE - sz);
	switch (m) {
	case 0:		/* size: too small, too big, bigger with a tail */
		switch (rn(w, 6)) {
		case 0:	/* below the first version's size (STATS grew) */
			u32[0] = rn(w, nr == MPOOL_CMD_STATS ?
				 offsetof(struct mpool_ioc_stats,
					  out_bytes_reserved) + 8 : sz);
			expect = EINVAL;
			break;
		case 1:
			u32[0] = 4097 + rn(w, 3) * (rn(w, 1u << 30));
			expect = E2BIG;
			break;
		case 2:
			u32[0] = 0xffffffffu;
			expect = E2BIG;
			break;
		case 3:
			u32[0] = sz + 1 + rn(w, 4096 - sz);
			p[sz + rn(w, u32[0] - sz)] = 1 + rn(w, 255);
			expect = E2BIG;
			break;
		default:	/* bigger, zero tail: as the plain struct */
			u32[0] = chance(w, 50) ? 4096 : sz + 8 * rn(w, 64);
			break;
		}
		w->what = "mutated size";
		break;
	case 1:		/* the struct's own address */
		arg = (void *)bad_ptr(w);
		expect = EFAULT;
		w->what = "bad struct address";
		break;
	case 2:		/* the struct's tail in a PROT_NONE page */
		arg = guard(w) - sz + 4 + 4 * rn(w, (sz - 4) / 4);
		memmove(arg, p, guard(w) - (unsigned char *)arg);
		expect = EFAULT;
		w->what = "struct straddling PROT_NONE";
		break;
	case 3:		/* the struct in a read-only page: no copy-out */
		if (nr == MPOOL_CMD_CREATE || nr == MPOOL_CMD_DESTROY ||
		    nr == MPOOL_CMD_RESET || nr == MPOOL_CMD_FREE ||
		    nr == MPOOL_CMD_WRITE || nr == MPOOL_CMD_READ)
			return;	/* those write nothing back, or free first */
		arg = w->arena + 3 * PAGE;
		if (mprotect(arg, PAGE, PROT_READ | PROT_WRITE))
			return;
		memcpy(arg, p, sz);
		mprotect(arg, PAGE, PROT_READ);
		if (nr != MPOOL_CMD_ALLOC)
			expect = EFAULT;
		w->what = "struct in a read-only page";
		break;
	case 4:		/* wrong direction or size bits, unknown nr */
		switch (rn(w, 3)) {
		case 0:
			cmd = _IOC(1 + rn(w, 3), MPOOL_IOC_MAGIC, nr, sz);
			break;
		case 1:
			cmd = _IOC(_IOC_NONE, MPOOL_IOC_MAGIC, nr, 1 + rn(w, 255));
			break;
		default: {
			unsigned int bad = MPOOL_CMD_RESET + 1 + rn(w, 245);

			/* Not a command added since RESET. */
			if (cmd_known(bad))
				bad = MPOOL_CMD_TAKE + 1 + rn(w, 240);
			cmd = _IO(MPOOL_IOC_MAGIC, bad);
			break;
		}
		}
		expect = ENOTTY;
		w->what = "mutated command number";
		break;
	case 5:		/* read-only file */
		fk = FD_RO;
		expect = needs_write(nr) ? EPERM : expect;
		/* DEBUG needs write access only to change a mode. */
		if (nr == MPOOL_CMD_DEBUG && ((struct mpool_ioc_debug *)p)->off)
			expect = EPERM;
		/* READ may: but not of a block the worker's own file owns. */
		if (nr == MPOOL_CMD_READ && !expect)
			for (i = 0; i < w->s[pool].n; i++)
				if (w->s[pool].off[i] ==
				    ((struct mpool_ioc_rw *)p)->handle &&
				    w->s[pool].owned[i])
					expect = EPERM;
		w->what = "read-only file";
		break;
	default:	/* one field of the command */
		w->what = msg;
		snprintf(msg, sizeof(msg), "mutated field of %s", cmdname(nr));
		switch (nr) {
		case MPOOL_CMD_VERSION:
			((struct mpool_ioc_version *)p)->out_abi_version = rnd(w);
			break;	/* an out field: ignored */
		case MPOOL_CMD_CREATE: {
			struct mpool_ioc_create *c = (void *)p;
			static const uint32_t sizes[] = { 0, 1, 1u << 31,
							  0xffffffffu };

			switch (rn(w, 8)) {
			case 0:
				c->block_size = sizes[rn(w, 4)];
				expect = c->block_size ? -1 : EINVAL;
				break;
			case 1:
				c->nr_blocks = sizes[rn(w, 4)];
				expect = c->nr_blocks ? -1 : EINVAL;
				break;
			case 2:	/* stride * nr_blocks past 2^64 */
				c->block_size = 0xffffffffu;
				c->nr_blocks = 0xffffffffu;
				c->align = PAGE;
				expect = EOVERFLOW;
				break;
			case 3:
				c->align = rn(w, 2) ? 3 + 2 * rn(w, 1000) :
					  PAGE << (1 + rn(w, 19));
				expect = EINVAL;
				break;
			case 4:	/* bit 4 (the engine's QUIET), 6 to 31 */
				c->flags = 1u << (4 + rn(w, 27));
				if (c->flags == MPOOL_CREATE_MAP_WRITE)
					c->flags = 1u << 31;
				expect = EINVAL;
				break;
			case 5:
				c->__reserved = 1 + rn(w, 0xffff);
				expect = EINVAL;
				break;
			case 6:	/* duplicate */
				set_name(c->name, stable[pool].name);
				expect = EEXIST;
				break;
			default:
				expect = mutate_name(w, c->name);
				break;
			}
			/* Over max_bytes, without overflow: EDQUOT. */
			if (expect == -1 && (uint64_t)c->block_size *
			    c->nr_blocks > opt.max_bytes)
				expect = EDQUOT;
			break;
		}
		case MPOOL_CMD_DESTROY: {
			struct mpool_ioc_name *d = (void *)p;

			switch (rn(w, 3)) {
			case 0:
				d->flags = 2u << rn(w, 31);
				expect = EINVAL;
				break;
			case 1:	/* never existed, or destroyed */
				set_name(d->name, "fz_never");
				expect = ENOENT;
				break;
			default:
				expect = mutate_name(w, d->name);
				break;
			}
			break;
		}
		case MPOOL_CMD_RESET: {
			struct mpool_ioc_name *d = (void *)p;

			if (chance(w, 50)) {
				d->flags = 1u << rn(w, 32);
				expect = EINVAL;
			} else {
				expect = mutate_name(w, d->name);
			}
			break;
		}
		case MPOOL_CMD_LIST: {
			struct mpool_ioc_list *l = (void *)p;

			switch (rn(w, 4)) {
			case 0:
				l->count = 0;
				l->names = bad_ptr(w);
				break;	/* nothing copied: 0 */
			case 1:	/* fewer entries than pools */
				l->count = 1;
				break;
			case 2:
				l->names = bad_ptr(w);
				expect = EFAULT;	/* there are pools */
				break;
			default:	/* count past the buffer, into PROT_NONE */
				l->names = (uintptr_t)(guard(w) - MPOOL_IOC_NAME_MAX);
				l->count = 2 + rn(w, 0xffff);
				expect = -1;	/* EFAULT if two pools */
				break;
			}
			break;
		}
		case MPOOL_CMD_STATS: {
			struct mpool_ioc_stats *s = (void *)p;

			switch (rn(w, 3)) {
			case 0:
				s->__reserved = 1 + rn(w, 1000);
				expect = EINVAL;
				break;
			case 1:
				s->out_blocks_free = rnd(w);	/* out: ignored */
				break;
			default:
				expect = mutate_name(w, s->name);
				break;
			}
			break;
		}
		case MPOOL_CMD_ALLOC: {
			struct mpool_ioc_alloc *a = (void *)p;
			static const uint32_t counts[] = { 0, 1025, 0xffffffffu,
							   1u << 31 };

			switch (rn(w, 10)) {
			case 0:
				a->count = counts[rn(w, 4)];
				expect = EINVAL;
				break;
			case 1:	/* past MPOOL_ALLOC_WAIT and _OWNED */
				a->flags = 4u << rn(w, 30);
				expect = EINVAL;
				break;
			case 2:	/* timeout without WAIT, WAIT without one */
				if (rn(w, 2))
					a->timeout_ms = 1 + rn(w, 100);
				else
					a->flags = MPOOL_ALLOC_WAIT;
				expect = EINVAL;
				break;
			case 3:
				a->out_allocated = 1 + rn(w, 10);
				expect = EINVAL;
				break;
			case 4:
				a->__reserved = 1;
				expect = EINVAL;
				break;
			case 5:	/* the blocks come back: EFAULT or ENOSPC */
				a->handles = bad_ptr(w);
				break;
			case 6:	/* offsets straddling PROT_NONE */
				a->handles = (uintptr_t)(guard(w) - 8 * (1 + rn(w, 3)));
				a->count = 4 + rn(w, 60);
				break;
			case 7:	/* a short wait */
				a->flags = MPOOL_ALLOC_WAIT;
				a->timeout_ms = 1 + rn(w, 2);
				break;
			case 8:
				set_name(a->name, "fz_never");
				expect = ENOENT;
				break;
			default:
				expect = mutate_name(w, a->name);
				break;
			}
			break;
		}
		case MPOOL_CMD_FREE:
		case MPOOL_CMD_GIVE:
		case MPOOL_CMD_TAKE: {
			/* GIVE's and TAKE's struct is FREE's (asserted above). */
			struct mpool_ioc_free *f = (void *)p;
			uint64_t total = (uint64_t)stable[pool].n *
				((stable[pool].bs + 7) & ~7u);

			if (pool == 2)
				total = (uint64_t)stable[pool].n * 4096;
			switch (rn(w, 10)) {
			case 0:
				f->count = rn(w, 2) ? 0 : 1025 + rn(w, 1u << 30);
				expect = EINVAL;
				break;
			case 1:
				if (rn(w, 2))
					f->out_freed = 1;
				else
					f->out_invalid = 1;
				expect = EINVAL;
				break;
			case 2:
				f->handles = bad_ptr(w);
				expect = EFAULT;
				break;
			case 3:	/* offsets straddling: nothing is done */
				f->handles = (uintptr_t)(guard(w) - 8);
				offs[0] = 1;
				memcpy(guard(w) - 8, &offs[0], 8);
				f->count = 2 + rn(w, 100);
				expect = EFAULT;
				break;
			case 4:	/* results unwritable: frees nothing here */
				while (!(f->results = bad_ptr(w)))
					;	/* NULL: no results wanted */
				expect = EFAULT;
				break;
			case 5:	/* at the end of the region, near 2^64 */
				offs[0] = rn(w, 2) ? total : (uint64_t)-1 - rn(w, 4096);
				break;
			case 6:	/* unaligned */
				offs[0] = 1 + rn(w, 7);
				break;
			case 7:
				set_name(f->name, "fz_never");
				expect = ENOENT;
				break;
			default:
				expect = mutate_name(w, f->name);
				break;
			}
			break;
		}
		case MPOOL_CMD_DEBUG: {
			struct mpool_ioc_debug *d = (void *)p;

			switch (rn(w, 9)) {
			case 0:
				d->flags = 2u << rn(w, 31);
				expect = EINVAL;
				break;
			case 1:	/* past POISON and TRACK */
				if (rn(w, 2))
					d->on = 4u << rn(w, 30);
				else
					d->off = 4u << rn(w, 30);
				expect = EINVAL;
				break;
			case 2:	/* one mode both on and off */
				d->on = 1u << rn(w, 2);
				d->off = d->on;
				expect = EINVAL;
				break;
			case 3:	/* a length without SET_QUARANTINE */
				d->quarantine = 1 + rn(w, 4);
				expect = EINVAL;
				break;
			case 4:	/* as long as the pool, or past the most */
				d->flags = MPOOL_DEBUG_SET_QUARANTINE;
				d->quarantine = rn(w, 2) ?
					stable[pool].n + rn(w, 64) :
					MPOOL_DEBUG_QUARANTINE_MAX + 1 +
					rn(w, 1u << 30);
				expect = EINVAL;
				break;
			case 5:	/* out fields: ignored */
				d->out_modes = rnd(w);
				d->out_quarantine = rnd(w);
				d->out_quarantined = rnd(w);
				break;
			case 6:
				set_name(d->name, "fz_never");
				expect = ENOENT;
				break;
			default:
				expect = mutate_name(w, d->name);
				break;
			}
			break;
		}
		case MPOOL_CMD_WRITE:
		case MPOOL_CMD_READ: {
			struct mpool_ioc_rw *r = (void *)p;
			uint64_t bs = stable[pool].bs;

			switch (rn(w, 9)) {
			case 0:
				r->__reserved = 1;
				expect = EINVAL;
				break;
			case 1:
				r->length = 0;
				expect = EINVAL;
				break;
			case 2:	/* past the block */
				r->pos = bs - r->length + 1 + rn(w, 100);
				expect = EINVAL;
				break;
			case 3:	/* pos + length wraps */
				r->pos = 0xffffffffu;
				r->length = 2;
				expect = EINVAL;
				break;
			case 4:
				r->handle = rn(w, 2) ? (uint64_t)-1 - rn(w, 64) :
					    (uint64_t)stable[pool].n *
					    (pool == 2 ? 4096 : (bs + 7) & ~7ULL);
				expect = ERANGE;
				break;
			case 5:
				r->buf = bad_ptr(w);
				/* WRITE copies in before it looks at the block. */
				expect = expect == 0 ? EFAULT : -1;
				break;
			case 6:	/* buffer straddling PROT_NONE */
				r->buf = (uintptr_t)(guard(w) - (r->length > 1 ?
						r->length / 2 : 0));
				expect = expect == 0 ? EFAULT : -1;
				break;
			case 7:
				set_name(r->name, "fz_never");
				expect = ENOENT;
				break;
			default:
				expect = mutate_name(w, r->name);
				break;
			}
			break;
		}
		}
	}
	/* Successful ALLOCs hand over blocks: keep them. */
	i = doio(w, fk, cmd, arg, expect);
	if (!i && nr == MPOOL_CMD_ALLOC && cmd == MPOOL_IOC_ALLOC) {
		struct mpool_ioc_alloc *a = arg;
		uint64_t *o = (uint64_t *)(uintptr_t)a->handles;
		uint32_t k;
		int before = w->s[pool].n;

		for (k = 0; k < a->out_allocated; k++)
			held_add(&w->s[pool], o[k], false);
		for (k = before; k < (uint32_t)w->s[pool].n; k++)
			write_pattern(w, pool, w->s[pool].off[k]);
	} else if (i == EFAULT && nr == MPOOL_CMD_ALLOC && w->id < MAXW) {
		shm->lost_efault[w->id]++;
	}
	if (!i && nr == MPOOL_CMD_CREATE) {
		struct mpool_ioc_name d = { .size = sizeof(d) };

		memcpy(d.name, ((struct mpool_ioc_create *)arg)->name,
		       MPOOL_IOC_NAME_MAX);
		w->what = "destroy a pool the mutated create made";
		doio(w, FD_OWN, MPOOL_IOC_DESTROY, &d, 0);
	}
	if (arg == w->arena + 3 * PAGE)
		mprotect(arg, PAGE, PROT_READ | PROT_WRITE);
}

/* Random bytes as the struct of a command; random size field often valid. */
void op_random(struct worker *w)
{
	unsigned int nr = rn(w, MPOOL_CMD_RESET + 2);
	uint64_t *q = (uint64_t *)struct_area(w);
	unsigned int i;

	/* GIVE and TAKE could move others' blocks, as ALLOC and FREE. */
	if (nr > MPOOL_CMD_RESET)
		nr = MPOOL_CMD_DEBUG;
	if (nr == MPOOL_CMD_ALLOC || nr == MPOOL_CMD_FREE ||
	    nr == MPOOL_CMD_DESTROY)
		nr = MPOOL_CMD_STATS;	/* could take or free others' blocks */
	for (i = 0; i < 256 / 8; i++)
		q[i] = rnd(w);
	if (chance(w, 70))
		*(uint32_t *)q = 8 * (1 + rn(w, 24));
	w->what = "random bytes";
	i = doio(w, FD_OWN, _IO(MPOOL_IOC_MAGIC, nr), q, -1);
	if (!i && nr == MPOOL_CMD_CREATE) {
		struct mpool_ioc_name d = { .size = sizeof(d),
					    .flags = MPOOL_DESTROY_FORCE };

		memcpy(d.name, ((struct mpool_ioc_create *)q)->name,
		       MPOOL_IOC_NAME_MAX);
		doio(w, FD_OWN, MPOOL_IOC_DESTROY, &d, 0);
	}
}
