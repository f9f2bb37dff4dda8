// SPDX-License-Identifier: GPL-2.0
/*
 * MPOOL_IOC_DEBUG: a device pool's debug modes (poison, track, the
 * quarantine) switched while it lives, through the engine's
 * mpool_debug_set(), as debugfs's <pool>/debug does for any pool.
 *
 * Only the device's own pools: mpool_dev_pool_get() refuses a kernel
 * user's (-EPERM), even for a call that changes nothing, as the header's
 * Permissions say.  Blocks the quarantine holds are not handed out by the
 * device (mempool_dev_blocks.c cleared them at their FREE), so no handle
 * reaches them: a second FREE is -ENXIO, as for any freed block.
 */
#include <linux/fs.h>

#include <uapi/mpool_ioctl.h>
#include "mempool_dev.h"
#include "mempool_internal.h"

#define MPOOL_DEBUG_ALL (MPOOL_DEBUG_POISON | MPOOL_DEBUG_TRACK)

static_assert(MPOOL_DEBUG_QUARANTINE_MAX == MPOOL_QUARANTINE_MAX);

/* A mode's new value for the engine: on (1), off (0) or as it is (-1). */
static int mpool_dev_debug_mode(const struct mpool_ioc_debug *d, u32 mode)
{
	if (d->on & mode)
		return 1;
	return d->off & mode ? 0 : -1;
}

int mpool_dev_debug(struct mpool_dev_ucmd *ucmd)
{
	struct mpool_ioc_debug *d = ucmd->cmd;
	struct mpool_debug_modes m;
	struct mpool_dev_pool *dp;
	struct mpool_stats st;
	bool set_q = d->flags & MPOOL_DEBUG_SET_QUARANTINE;
	int ret = 0;

	if ((d->flags & ~MPOOL_DEBUG_SET_QUARANTINE) ||
	    ((d->on | d->off) & ~MPOOL_DEBUG_ALL) || (d->on & d->off) ||
	    (!set_q && d->quarantine) ||
	    d->quarantine > MPOOL_DEBUG_QUARANTINE_MAX)
		return -EINVAL;
	dp = mpool_dev_pool_get(d->name);
	if (IS_ERR(dp))
		return PTR_ERR(dp);
	/* A quarantine must leave the pool a block to hand out. */
	if (d->quarantine >= dp->nr_blocks) {
		ret = -EINVAL;
		goto out;
	}
	/*
	 * Reporting needs no access; any change needs write access, checked
	 * once the struct and its pool are found good (header: Permissions).
	 */
	if ((d->on || d->off || d->flags) &&
	    !(ucmd->df->file->f_mode & FMODE_WRITE)) {
		ret = -EPERM;
		goto out;
	}
	if (d->on || d->off || d->flags) {
		m.poison = mpool_dev_debug_mode(d, MPOOL_DEBUG_POISON);
		m.track = mpool_dev_debug_mode(d, MPOOL_DEBUG_TRACK);
		m.quarantine = set_q ? d->quarantine : -1;
		ret = mpool_debug_set(dp->pool, &m);
		if (ret)
			goto out;
		/* A shorter quarantine frees blocks: watchers may recover. */
		mpool_dev_watch_update(dp);
	}
	mpool_debug_get(dp->pool, &m);
	d->out_modes = (m.poison ? MPOOL_DEBUG_POISON : 0) |
		       (m.track ? MPOOL_DEBUG_TRACK : 0);
	d->out_quarantine = m.quarantine;
	mpool_get_stats(dp->pool, &st);
	d->out_quarantined = st.quarantined;
	ret = mpool_dev_respond(ucmd, sizeof(*d));
out:
	mpool_dev_pool_put(dp);
	return ret;
}
