// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_fuzz: MPOOL_IOC_MAP and mmap() with hostile offsets, lengths,
 * protections and flags, on stable and volatile pools (which other
 * threads destroy meanwhile), through every kind of file.  A mapping that
 * succeeds is read end to end (it must never fault: SIGBUS or SIGSEGV
 * kills the worker, which the parent reports), written when the pool is
 * volatile and writable (stable pools' bytes are the workers' patterns),
 * then split, re-protected and unmapped.
 */
#include "fuzz.h"

/* The errors mmap() may give here, beyond the ABI's own. */
static bool mmap_errno_ok(int e, enum fdkind fk)
{
	switch (e) {
	case EINVAL:	/* not MAP_SHARED, past the region, misaligned */
	case ENXIO:	/* no pool has that offset, or it was destroyed */
	case EACCES:	/* PROT_WRITE on a read-only pool or file; a pool
			 * this file did not MAP */
	case ENOMEM:	/* no room in the address space */
	case EOVERFLOW:	/* offset plus length past what the VFS allows */
	case EPERM:	/* PROT_EXEC where /dev is mounted noexec */
		return true;
	case EBADF:	/* another thread closed the shared fd */
		return fk == FD_SHARED;
	}
	return false;
}

/* An offset to try: the pool's, moved by something plausible or not. */
static uint64_t hostile_offset(struct worker *w, uint64_t base, uint64_t len)
{
	switch (rn(w, 8)) {
	case 0:
		return base + PAGE * rn(w, len / PAGE + 2);
	case 1:
		return base + len;
	case 2:
		return base + 1 + rn(w, PAGE - 1);	/* misaligned */
	case 3:
		return (rnd(w) & ~(PAGE - 1)) >> rn(w, 64);
	case 4:
		return base + (1ULL << (12 + rn(w, 28)));
	case 5:
		return base - PAGE * (1 + rn(w, 4));	/* a range before */
	default:
		return base;
	}
}

static uint64_t hostile_length(struct worker *w, uint64_t len)
{
	switch (rn(w, 6)) {
	case 0:
		return 0;
	case 1:
		return len + PAGE * (1 + rn(w, 4));
	case 2:
		return 1 + rn(w, 2 * PAGE);
	case 3:
		return 1ULL << (rn(w, 48));
	default:
		return PAGE * (1 + rn(w, len / PAGE));
	}
}

void op_map(struct worker *w)
{
	struct mpool_ioc_map m = { .size = sizeof(m) };
	int v = rn(w, NVOL), prot, flags, fd, e, i;
	bool volatile_pool = chance(w, 50);
	enum fdkind fk = chance(w, 20) ? FD_RO :
			 chance(w, 50) ? FD_SHARED : FD_OWN;
	uint64_t off, len;
	bool in_range, bad_any, bad_here;
	unsigned char *p;
	volatile unsigned char sum = 0;

	w->what = "map a pool";
	set_name(m.name, volatile_pool ? vol_name(v) :
		 stable[rn(w, NSTABLE)].name);
	if (doio(w, fk, MPOOL_IOC_MAP, &m, -1))
		return;
	/* Few pools, small ones: every range fits below 2^44 bytes. */
	if (!m.out_length || m.out_length % PAGE || m.__reserved2 ||
	    !m.out_offset || m.out_offset % PAGE ||
	    m.out_offset + m.out_length > 1ULL << 44 ||
	    (m.out_flags & ~MPOOL_MAP_WRITABLE))
		wfail(w, "MAP gave offset %#llx length %llu flags %#x",
		      (unsigned long long)m.out_offset,
		      (unsigned long long)m.out_length, m.out_flags);

	w->what = "mmap a pool, hostile arguments";
	off = hostile_offset(w, m.out_offset, m.out_length);
	len = hostile_length(w, m.out_length);
	prot = rn(w, 8);	/* any of PROT_READ, PROT_WRITE, PROT_EXEC */
	flags = chance(w, 80) ? MAP_SHARED :
		chance(w, 50) ? MAP_PRIVATE : MAP_SHARED_VALIDATE;
	/* A stable pool is never writable: its patterns stay the workers'. */
	fd = fk == FD_RO ? w->rofd :
	     fk == FD_SHARED && !w->replay ?
		__atomic_load_n(&shared_fd, __ATOMIC_RELAXED) : w->fd;
	p = mmap(NULL, len, prot, flags, fd, (off_t)off);
	if (p == MAP_FAILED) {
		e = errno;
		if (!mmap_errno_ok(e, fk))
			wfail(w, "mmap(len %llu, prot %d, flags %#x, off %#llx) gave %s",
			      (unsigned long long)len, prot, flags,
			      (unsigned long long)off, ename(e));
		return;
	}
	/*
	 * An offset outside the pool's range may be another pool's that this
	 * file MAPped: mapping it is fine.  Within the range, a volatile pool
	 * may have gone, and its range gone to a new pool, since MAP.
	 */
	in_range = off >= m.out_offset && off - m.out_offset < m.out_length;
	bad_any = flags == MAP_PRIVATE || off % PAGE ||
		  ((prot & PROT_WRITE) && fk == FD_RO);
	bad_here = in_range &&
		   (off - m.out_offset + len > m.out_length ||
		    ((prot & PROT_WRITE) &&
		     !(m.out_flags & MPOOL_MAP_WRITABLE)));
	if (bad_any || (bad_here && !volatile_pool))
		wfail(w, "mmap(len %llu, prot %d, flags %#x, off %#llx) of a pool mapping %llu bytes at %#llx (flags %#x) succeeded",
		      (unsigned long long)len, prot, flags,
		      (unsigned long long)off,
		      (unsigned long long)m.out_length,
		      (unsigned long long)m.out_offset, m.out_flags);
	if (!in_range || bad_here) {
		munmap(p, len);
		return;
	}

	w->what = "use a mapping";
	if (prot & PROT_READ)
		for (i = 0; (uint64_t)i < len; i += PAGE)
			sum += p[i];
	if ((prot & PROT_WRITE) && volatile_pool)
		for (i = 0; (uint64_t)i < len; i += PAGE)
			p[i] = (unsigned char)rnd(w);
	/*
	 * PROT_WRITE cannot be added to what was refused it (a volatile
	 * pool's range may be a new, writable pool's now).
	 */
	if (!(prot & PROT_WRITE) &&
	    (fk == FD_RO ||
	     (!volatile_pool && !(m.out_flags & MPOOL_MAP_WRITABLE))) &&
	    !mprotect(p, len, PROT_READ | PROT_WRITE))
		wfail(w, "mprotect(PROT_WRITE) of a read-only mapping succeeded");
	/* Split it, then unmap the pieces, in either order. */
	if (len > PAGE && chance(w, 50)) {
		munmap(p + PAGE, len - PAGE);
		munmap(p, PAGE);
	} else {
		munmap(p, len);
	}
	(void)sum;
}
