// SPDX-License-Identifier: GPL-2.0
/*
 * mempool.ko: fixed-size block pools for the kernel (the mpool_* API) and
 * for userspace (/dev/mempool), observable under /sys/kernel/debug/mempool.
 *
 * The top layer: the engine knows neither debugfs nor the device, so this
 * init hands it debugfs's view ops and the device's owner lookup, before
 * any pool exists, and the exit takes them back after the last is gone.
 */
#include <linux/module.h>

#include "mempool_internal.h"

static int __init mempool_init(void)
{
	int ret;

	ret = mpool_cpuhp_init();
	if (ret)
		return ret;
	ret = mpool_debugfs_init();
	if (ret)
		goto err_cpuhp;
	/* Before any pool exists: every named pool gets its directory. */
	mpool_set_view_ops(&mpool_debugfs_view_ops);
	/* ... and debugfs asks the device who owns a block of its pools. */
	mpool_set_block_owner_fn(mpool_dev_block_owner);
	ret = mpool_dev_init();
	if (ret)
		goto err_debugfs;
	return 0;

err_debugfs:
	mpool_set_block_owner_fn(NULL);
	mpool_set_view_ops(NULL);
	mpool_debugfs_exit();
err_cpuhp:
	mpool_cpuhp_exit();
	return ret;
}

static void __exit mempool_exit(void)
{
	mpool_dev_exit();
	/*
	 * No pool is left: the device's went with it, and the modules
	 * that use the API (which pin this one) are gone.
	 */
	mpool_set_block_owner_fn(NULL);
	mpool_set_view_ops(NULL);
	mpool_debugfs_exit();
	mpool_cpuhp_exit();
}

module_init(mempool_init);
module_exit(mempool_exit);

MODULE_AUTHOR("Seed 4a5493b9 maintainers <maintainers@users.noreply.b-seed-4a5493b9.example>");
MODULE_DESCRIPTION("Named fixed-size block pools with O(1) alloc and free");
MODULE_LICENSE("GPL");
MODULE_VERSION(MPOOL_VERSION);
