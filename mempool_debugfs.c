// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/mempool/: statistics of every pool, whoever made it.
 *
 *   pools          one line per pool, like /proc/slabinfo
 *   budget         what the device's pools hold against max_bytes and
 *                  max_pools, destroyed pools whose memory is still held
 *                  included, and those apart
 *   <name>/stats   "key: value" per line; the numbers MPOOL_IOC_STATS gives;
 *                  a histogram is "key: v0 v1 ..." on one line
 *   <name>/blocks  the live blocks: offset, the caller under MPOOL_F_TRACK,
 *                  and for an owned block of a device pool
 *                  "owner=PID:COMM" (of the process that opened the file),
 *                  after "given" while its owner offers it (MPOOL_IOC_GIVE)
 *   <name>/debug   the debug modes on ("poison track quarantine=N", or
 *                  "none"); root writes "+poison", "-poison", "+track",
 *                  "-track", "quarantine=N" or "quarantine=0", several
 *                  separated by spaces, all or nothing (mempool_debug.c)
 *
 * All numbers come from mpool_get_stats(), the function the ioctl uses too.
 * debugfs_remove() waits for readers in flight, so a file never sees its
 * pool freed under it.
 */
#include <linux/debugfs.h>
#include <linux/kstrtox.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "mempool_internal.h"

static struct dentry *mpool_debugfs_root;

static int pools_show_one(const char *name, const struct mpool_stats *st,
			  void *m)
{
	seq_printf(m, "%-32s %10llu %7llu %7llu %7llu %7llu %8llu %11llu %9llu %8llu\n",
		   name, st->block_size, st->stride, st->blocks_total,
		   st->blocks_in_use, st->blocks_free, st->high_watermark,
		   st->allocs, st->alloc_failures, st->invalid_frees);
	return 0;
}

static int pools_show(struct seq_file *m, void *unused)
{
	seq_puts(m, "# name                             block_size  stride   total  in_use    free  high_wm      allocs  failures  invalid\n");
	return mpool_for_each(pools_show_one, m);
}
DEFINE_SHOW_ATTRIBUTE(pools);

/*
 * Exactly these lines, in this order: tests and tools read them by name.
 * Every number is from one moment (mpool_budget_get()).
 */
static int budget_show(struct seq_file *m, void *unused)
{
	struct mpool_budget b;

	mpool_budget_get(&b);
	seq_printf(m, "max_bytes: %llu\n", b.max_bytes);
	seq_printf(m, "max_pools: %llu\n", b.max_pools);
	seq_printf(m, "bytes: %llu\n", b.bytes);
	seq_printf(m, "pools: %llu\n", b.pools);
	seq_printf(m, "destroyed_bytes: %llu\n", b.destroyed_bytes);
	seq_printf(m, "destroyed_pools: %llu\n", b.destroyed_pools);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(budget);

/* A histogram on one line: "name: " and its buckets, lowest first. */
static void stats_show_hist(struct seq_file *m, const char *name,
			    const u64 *bucket, unsigned int n)
{
	unsigned int i;

	seq_printf(m, "%s:", name);
	for (i = 0; i < n; i++)
		seq_printf(m, " %llu", bucket[i]);
	seq_putc(m, '\n');
}

static int stats_show(struct seq_file *m, void *unused)
{
	struct mpool_stats st;

	mpool_get_stats(m->private, &st);
#define MPOOL_STAT(name) seq_printf(m, #name ": %llu\n", st.name)
#define MPOOL_HIST(name, n) stats_show_hist(m, #name, st.name, n)
#include <uapi/mpool_stat_list.h>
#undef MPOOL_HIST
#undef MPOOL_STAT
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/*
 * <name>/blocks walks the live blocks as a seq_file iterator rather than
 * one show(): when the output outgrows seq_file's buffer, a single show()
 * would be rerun from the first block each time the buffer grows, which
 * is slow for millions of blocks.  *pos is 0 for the header, else one
 * more than the index to look for the next live block from.
 */
struct blocks_iter {
	struct mpool *pool;
	u64 nr_blocks;
	u64 stride;
	unsigned int index;	/* of the live block to show */
	unsigned long caller;
};

static void *blocks_find(struct blocks_iter *it, loff_t *pos)
{
	unsigned int i;

	if (*pos > it->nr_blocks)
		return NULL;
	i = *pos - 1;
	if (mpool_next_live(it->pool, &i, &it->caller)) {
		*pos = (loff_t)it->nr_blocks + 1;
		return NULL;
	}
	it->index = i;
	*pos = (loff_t)i + 1;
	return it;
}

static void *blocks_start(struct seq_file *m, loff_t *pos)
{
	return *pos ? blocks_find(m->private, pos) : SEQ_START_TOKEN;
}

static void *blocks_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct blocks_iter *it = m->private;

	/* After the header, look from block 0; after a block, past it. */
	*pos = v == SEQ_START_TOKEN ? 1 : (loff_t)it->index + 2;
	return blocks_find(it, pos);
}

static void blocks_stop(struct seq_file *m, void *v)
{
}

static int blocks_show(struct seq_file *m, void *v)
{
	struct blocks_iter *it = m->private;
	char comm[TASK_COMM_LEN];
	bool given = false;
	u64 offset;
	pid_t pid;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "# offset caller owner\n");
		return 0;
	}
	offset = (u64)it->index * it->stride;
	if (it->caller)
		seq_printf(m, "%llu %pS", offset, (void *)it->caller);
	else
		seq_printf(m, "%llu -", offset);
	/*
	 * Only on owned blocks, and last: a comm may have spaces, as a
	 * caller in a module has ("sym+0x1/0x2 [mod]").
	 */
	if (mpool_block_owner(it->pool, it->index, &pid, comm, &given))
		seq_printf(m, "%s owner=%d:%s\n", given ? " given" : "", pid,
			   comm);
	else
		seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations blocks_sops = {
	.start = blocks_start,
	.next = blocks_next,
	.stop = blocks_stop,
	.show = blocks_show,
};

static int blocks_open(struct inode *inode, struct file *file)
{
	struct mpool_stats st;
	struct blocks_iter *it;

	it = __seq_open_private(file, &blocks_sops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->pool = inode->i_private;
	mpool_get_stats(it->pool, &st);
	it->nr_blocks = st.blocks_total;
	it->stride = st.stride;
	return 0;
}

static const struct file_operations blocks_fops = {
	.owner = THIS_MODULE,
	.open = blocks_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};

static int debug_show(struct seq_file *m, void *unused)
{
	struct mpool_debug_modes modes;

	mpool_debug_get(m->private, &modes);
	if (!modes.poison && !modes.track && !modes.quarantine) {
		seq_puts(m, "none\n");
		return 0;
	}
	seq_printf(m, "%s%s", modes.poison ? "poison" : "",
		   modes.poison && (modes.track || modes.quarantine) ? " " : "");
	seq_printf(m, "%s%s", modes.track ? "track" : "",
		   modes.track && modes.quarantine ? " " : "");
	if (modes.quarantine)
		seq_printf(m, "quarantine=%d", modes.quarantine);
	seq_putc(m, '\n');
	return 0;
}

static int debug_open(struct inode *inode, struct file *file)
{
	return single_open(file, debug_show, inode->i_private);
}

/* Sets *@mode to @value, once: a mode given twice is refused. */
static int debug_set_mode(int *mode, int value)
{
	if (*mode != -1)
		return -EINVAL;
	*mode = value;
	return 0;
}

/* Parses @buf into @modes; -EINVAL for any word it does not know. */
static int debug_parse(char *buf, struct mpool_debug_modes *modes)
{
	unsigned int n;
	char *word;
	int ret;

	modes->poison = -1;
	modes->track = -1;
	modes->quarantine = -1;
	ret = -EINVAL;	/* nothing at all is an error too */
	while ((word = strsep(&buf, " \t\n"))) {
		if (!*word)
			continue;
		if (!strcmp(word, "+poison"))
			ret = debug_set_mode(&modes->poison, 1);
		else if (!strcmp(word, "-poison"))
			ret = debug_set_mode(&modes->poison, 0);
		else if (!strcmp(word, "+track"))
			ret = debug_set_mode(&modes->track, 1);
		else if (!strcmp(word, "-track"))
			ret = debug_set_mode(&modes->track, 0);
		else if (str_has_prefix(word, "quarantine=") &&
			 !kstrtouint(word + strlen("quarantine="), 10, &n) &&
			 n <= MPOOL_QUARANTINE_MAX)
			ret = debug_set_mode(&modes->quarantine, n);
		else
			ret = -EINVAL;
		if (ret)
			return ret;
	}
	return ret;
}

static ssize_t debug_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct mpool_debug_modes modes;
	char buf[64];
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	ret = debug_parse(buf, &modes);
	if (!ret)
		ret = mpool_debug_set(m->private, &modes);
	return ret ? ret : len;
}

static const struct file_operations debug_fops = {
	.owner = THIS_MODULE,
	.open = debug_open,
	.read = seq_read,
	.write = debug_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/*
 * A kernel without debugfs, or booted with debugfs=off, answers -ENODEV or
 * -EPERM: pools work without it.  Any other failure is reported.
 */
static int mpool_debugfs_err(struct dentry *d)
{
	long err = PTR_ERR_OR_ZERO(d);

	return err == -ENODEV || err == -EPERM ? 0 : err;
}

/**
 * mpool_debugfs_add - give a pool its directory
 * @pool: the pool
 * @name: its name
 * @dir: set to the directory, or to NULL without debugfs
 *
 * Return: 0, or the errno that debugfs gave (the pool must not be
 * created without its directory where debugfs exists).
 */
static int mpool_debugfs_add(struct mpool *pool, const char *name,
			     void **dir)
{
	struct dentry *d;
	int ret;

	*dir = NULL;
	d = debugfs_create_dir(name, mpool_debugfs_root);
	ret = mpool_debugfs_err(d);
	if (ret || IS_ERR(d))
		return ret;
	/* Files in a directory just made fail only for want of memory. */
	if (IS_ERR(debugfs_create_file("stats", 0400, d, pool, &stats_fops)) ||
	    IS_ERR(debugfs_create_file("blocks", 0400, d, pool,
				       &blocks_fops)) ||
	    IS_ERR(debugfs_create_file("debug", 0600, d, pool, &debug_fops))) {
		debugfs_remove(d);
		return -ENOMEM;
	}
	*dir = d;
	return 0;
}

static void mpool_debugfs_remove(void *dir)
{
	debugfs_remove(dir);
}

/* The engine's view of a pool: its directory (mempool_mod.c sets it). */
const struct mpool_view_ops mpool_debugfs_view_ops = {
	.add = mpool_debugfs_add,
	.remove = mpool_debugfs_remove,
};

int mpool_debugfs_init(void)
{
	struct dentry *pools, *budget;
	int ret;

	mpool_debugfs_root = debugfs_create_dir("mempool", NULL);
	ret = mpool_debugfs_err(mpool_debugfs_root);
	if (ret || IS_ERR(mpool_debugfs_root))
		return ret;
	pools = debugfs_create_file("pools", 0400, mpool_debugfs_root, NULL,
				    &pools_fops);
	if (IS_ERR(pools)) {
		ret = PTR_ERR(pools);
		goto err_root;
	}
	budget = debugfs_create_file("budget", 0400, mpool_debugfs_root, NULL,
				     &budget_fops);
	if (IS_ERR(budget)) {
		ret = PTR_ERR(budget);
		goto err_root;
	}
	return 0;

err_root:
	debugfs_remove(mpool_debugfs_root);
	return ret;
}

void mpool_debugfs_exit(void)
{
	debugfs_remove(mpool_debugfs_root);
}
