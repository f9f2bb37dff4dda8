// SPDX-License-Identifier: GPL-2.0
/*
 * Stand-ins for the parts of mempool.ko that the engine calls but that are
 * no part of it: debugfs (mempool_debugfs.c makes files; nothing here to
 * make them in).  mempool_registry.c and mempool_inspect.c are compiled
 * as they are.
 */
#include "mempool_core.h"
#include "mempool_internal.h"

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
