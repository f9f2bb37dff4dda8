// SPDX-License-Identifier: GPL-2.0
/*
 * mempool_bench.ko: this pool (mempool.ko's exported mpool_* API) against
 * the kernel's own allocators, driven through debugfs, which promises no
 * ABI:
 *
 * /sys/kernel/debug/mempool_bench/allocators (0400)
 *	the allocators this kernel has, one name a line.
 * /sys/kernel/debug/mempool_bench/run (0600)
 *	a write of one line of space-separated key=value pairs (see
 *	mpool_bench_parse()) runs the benchmark inside write(); then read()
 *	on the same open file gives one line per result:
 *	allocator=NAME workload=NAME cpus=N ops=N elapsed_ns=N ps_per_op=N
 *	kops_per_sec=N p50_ns=N p99_ns=N max_ns=N block_size=N rounds=N
 *	ps_min=N ps_median=N ps_max=N (the fastest round's figures, then
 *	the spread of ps_per_op over the rounds; a reader skips keys it does
 *	not know, as later versions may add more at the end)
 *
 * /sys/kernel/debug/mempool_bench/batch (0400)
 *	reading it measures what moving one batch between a CPU's cache and
 *	the shared stack adds to a call (bench/batch.c).
 * /sys/kernel/debug/mempool_bench/drain (0400)
 *	reading it counts the drain IPIs of allocations that wait.
 *
 * Access is debugfs's (root only); the benchmark keeps CPUs busy for
 * seconds, in the writer's own time.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "bench.h"

/* Longest request line: all keys with every name fit in a third of it. */
#define BENCH_MAX_LINE		512
/* Longest result line: two names and thirteen numbers of up to 20 digits. */
#define BENCH_RESULT_LINE	480

static struct dentry *bench_dir;

/* An open run file: the results of its last successful write. */
struct bench_file {
	struct mutex lock;	/* protects out and len */
	char *out;
	size_t len;
};

static int bench_allocators_show(struct seq_file *m, void *v)
{
	u32 available = bench_available();
	unsigned int i;

	for (i = 0; i < BENCH_NR_ALLOCATORS; i++)
		if (available & BIT(i))
			seq_printf(m, "%s\n", bench_allocator_names[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bench_allocators);
DEFINE_SHOW_ATTRIBUTE(bench_batch);
DEFINE_SHOW_ATTRIBUTE(bench_drain);

/* The text of @n results, into a buffer for kvfree(). */
static char *bench_format(const struct bench_result *res, unsigned int n,
			  size_t *len)
{
	size_t size = (size_t)n * BENCH_RESULT_LINE, pos = 0;
	unsigned int i;
	char *out;

	out = kvmalloc(size, GFP_KERNEL);
	if (!out)
		return NULL;
	for (i = 0; i < n; i++, res++)
		pos += scnprintf(out + pos, size - pos,
				 "allocator=%s workload=%s cpus=%u ops=%llu elapsed_ns=%llu ps_per_op=%llu kops_per_sec=%llu p50_ns=%llu p99_ns=%llu max_ns=%llu block_size=%u rounds=%u ps_min=%llu ps_median=%llu ps_max=%llu\n",
				 bench_allocator_names[res->allocator],
				 bench_workload_names[res->workload],
				 res->cpus, res->ops, res->elapsed_ns,
				 res->ps_per_op, res->kops_per_sec,
				 res->p50_ns, res->p99_ns, res->max_ns,
				 res->block_size, res->rounds, res->ps_min,
				 res->ps_median, res->ps_max);
	*len = pos;
	return out;
}

static int bench_run_open(struct inode *inode, struct file *file)
{
	struct bench_file *bf;

	bf = kzalloc(sizeof(*bf), GFP_KERNEL);
	if (!bf)
		return -ENOMEM;
	mutex_init(&bf->lock);
	file->private_data = bf;
	return nonseekable_open(inode, file);
}

static int bench_run_release(struct inode *inode, struct file *file)
{
	struct bench_file *bf = file->private_data;

	kvfree(bf->out);
	mutex_destroy(&bf->lock);
	kfree(bf);
	return 0;
}

/*
 * The whole request in one write(): the benchmark runs inside it, and its
 * results replace the file's earlier ones and are read from the top.
 */
static ssize_t bench_run_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct bench_file *bf = file->private_data;
	struct bench_request req;
	struct bench_result *res;
	unsigned int n;
	size_t len;
	char *line, *out;
	int ret;

	/* Nothing written is no request: only a line, empty or not, runs. */
	if (!count)
		return 0;
	if (count > BENCH_MAX_LINE)
		return -EINVAL;
	line = memdup_user_nul(ubuf, count);
	if (IS_ERR(line))
		return PTR_ERR(line);
	/* A NUL inside would hide what follows it from the parser. */
	if (strlen(line) != count) {
		ret = -EINVAL;
		goto out_line;
	}
	ret = mpool_bench_parse(line, bench_available(), &req);
	if (ret)
		goto out_line;
	ret = bench_run_all(&req, &res, &n);
	if (ret)
		goto out_line;
	out = bench_format(res, n, &len);
	kfree(res);
	if (!out) {
		ret = -ENOMEM;
		goto out_line;
	}
	mutex_lock(&bf->lock);
	swap(bf->out, out);
	bf->len = len;
	*ppos = 0;
	mutex_unlock(&bf->lock);
	kvfree(out);
out_line:
	kfree(line);
	if (ret)
		return ret;
	return count;
}

static ssize_t bench_run_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct bench_file *bf = file->private_data;
	ssize_t ret;

	if (mutex_lock_interruptible(&bf->lock))
		return -EINTR;
	ret = simple_read_from_buffer(ubuf, count, ppos, bf->out, bf->len);
	mutex_unlock(&bf->lock);
	return ret;
}

static const struct file_operations bench_run_fops = {
	.owner = THIS_MODULE,	/* an open file pins the module */
	.open = bench_run_open,
	.release = bench_run_release,
	.read = bench_run_read,
	.write = bench_run_write,
};

static int __init mempool_bench_init(void)
{
	/* debugfs is the only interface: without it there is no module. */
	bench_dir = debugfs_create_dir("mempool_bench", NULL);
	if (IS_ERR(bench_dir))
		return PTR_ERR(bench_dir);
	debugfs_create_file("allocators", 0400, bench_dir, NULL,
			    &bench_allocators_fops);
	debugfs_create_file("run", 0600, bench_dir, NULL, &bench_run_fops);
	debugfs_create_file("batch", 0400, bench_dir, NULL, &bench_batch_fops);
	debugfs_create_file("drain", 0400, bench_dir, NULL, &bench_drain_fops);
	return 0;
}

/* Removal waits for the file operations in flight; none can start after. */
static void __exit mempool_bench_exit(void)
{
	debugfs_remove(bench_dir);
}

module_init(mempool_bench_init);
module_exit(mempool_bench_exit);

MODULE_AUTHOR("Seed 4a5493b9 maintainers <maintainers@users.noreply.b-seed-4a5493b9.example>");
MODULE_DESCRIPTION("mempool's pools against the kernel's allocators, via debugfs");
MODULE_LICENSE("GPL");
MODULE_VERSION(MPOOL_VERSION);
