// SPDX-License-Identifier: GPL-2.0
/*
 * Stand-ins for the parts of mempool.ko that an older engine calls but
 * that are no part of it: debugfs (mempool_debugfs.c makes files; nothing
 * here to make them in), for bench-compare.sh's BASE revisions from before
 * the engine called debugfs only through the view ops mempool_mod.c sets
 * (unset here: no views).  Today's engine calls none of these.
 */
#include "mempool_core.h"
#include "mempool_internal.h"

struct dentry;

int mpool_debugfs_add(struct mpool *pool, const char *name,
		      struct dentry **dir)
{
	(void)pool;
	(void)name;
	*dir = NULL;
	return 0;
}

void mpool_debugfs_remove(struct dentry *dir)
{
	(void)dir;
}
