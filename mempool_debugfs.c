// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/mempool/: statistics of every pool, whoever made it.
 *
 *   pools          one line per pool, like /proc/slabinfo
 *   <name>/stats   "key: value" per line; the numbers MPOOL_IOC_STATS gives
 *   <name>/blocks  the live blocks: offset, and the caller under MPOOL_F_TRACK
 *
 * All numbers come from mpool_get_stats(), the function the ioctl uses too.
 * debugfs_remove() waits for readers in flight, so a file never sees its
 * pool freed under it.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "mempool_internal.h"

static struct dentry *mpool_debugfs_root;

static int pools_show(struct seq_file *m, void *unused)
{
	struct mpool_stats st;
	struct mpool *pool;

	seq_puts(m, "# name                             block_size  stride   total  in_use    free  high_wm      allocs  failures  invalid\n");
	mutex_lock(&mpool_list_lock);
	list_for_each_entry(pool, &mpool_list, node) {
		if (!pool->ready)
			continue;
		mpool_get_stats(pool, &st);
		seq_printf(m, "%-32s %10llu %7llu %7llu %7llu %7llu %8llu %11llu %9llu %8llu\n",
			   pool->name, st.block_size, st.stride,
			   st.blocks_total, st.blocks_in_use, st.blocks_free,
			   st.high_watermark, st.allocs, st.alloc_failures,
			   st.invalid_frees);
	}
	mutex_unlock(&mpool_list_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pools);

static int stats_show(struct seq_file *m, void *unused)
{
	struct mpool_stats st;

	mpool_get_stats(m->private, &st);
	seq_printf(m, "block_size: %llu\n", st.block_size);
	seq_printf(m, "stride: %llu\n", st.stride);
	seq_printf(m, "align: %llu\n", st.align);
	seq_printf(m, "flags: %llu\n", st.flags);
	seq_printf(m, "blocks_total: %llu\n", st.blocks_total);
	seq_printf(m, "blocks_free: %llu\n", st.blocks_free);
	seq_printf(m, "blocks_in_use: %llu\n", st.blocks_in_use);
	seq_printf(m, "high_watermark: %llu\n", st.high_watermark);
	seq_printf(m, "allocs: %llu\n", st.allocs);
	seq_printf(m, "alloc_failures: %llu\n", st.alloc_failures);
	seq_printf(m, "frees: %llu\n", st.frees);
	seq_printf(m, "invalid_frees: %llu\n", st.invalid_frees);
	seq_printf(m, "waits: %llu\n", st.waits);
	seq_printf(m, "timeouts: %llu\n", st.timeouts);
	seq_printf(m, "poison_errors: %llu\n", st.poison_errors);
	seq_printf(m, "bytes_reserved: %llu\n", st.bytes_reserved);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int blocks_show(struct seq_file *m, void *unused)
{
	struct mpool *pool = m->private;
	unsigned long caller;
	unsigned int i;

	seq_puts(m, "# offset caller\n");
	for (i = 0; !mpool_next_live(pool, &i, &caller); i++) {
		if (caller)
			seq_printf(m, "%llu %pS\n", (u64)i * pool->stride,
				   (void *)caller);
		else
			seq_printf(m, "%llu -\n", (u64)i * pool->stride);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(blocks);

void mpool_debugfs_add(struct mpool *pool)
{
	struct dentry *dir;

	/* debugfs is for looking, never a reason to fail: errors are ignored. */
	dir = debugfs_create_dir(pool->name, mpool_debugfs_root);
	debugfs_create_file("stats", 0400, dir, pool, &stats_fops);
	debugfs_create_file("blocks", 0400, dir, pool, &blocks_fops);
	pool->debugfs = dir;
}

void mpool_debugfs_remove(struct mpool *pool)
{
	debugfs_remove(pool->debugfs);
	pool->debugfs = NULL;
}

void mpool_debugfs_init(void)
{
	mpool_debugfs_root = debugfs_create_dir("mempool", NULL);
	debugfs_create_file("pools", 0400, mpool_debugfs_root, NULL,
			    &pools_fops);
}

void mpool_debugfs_exit(void)
{
	debugfs_remove(mpool_debugfs_root);
}
