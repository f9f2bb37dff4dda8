// SPDX-License-Identifier: GPL-2.0
/*
 * mpool_client: a module built outside mempool's tree, against
 * include/mpool.h and mempool.ko's Module.symvers alone, that calls every
 * function the header documents.  Each check prints "mpool_client: ok
 * <what>" or "mpool_client: FAIL <what>"; loading fails if any check
 * failed, so `insmod mpool_client.ko` is the whole test.
 */
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/string.h>

#include <mpool.h>

static int failed;

/*
 * keep=1: also keep a named pool, "mpool_client_kept", until the module
 * is unloaded: a kernel user's pool for the tests of /dev/mempool's
 * permissions (what the device may do to a pool it did not make).
 */
static bool keep;
module_param(keep, bool, 0444);
MODULE_PARM_DESC(keep, "Keep the pool mpool_client_kept until unload");
static struct mpool *kept;

static void check(bool ok, const char *what)
{
	if (!ok)
		failed++;
	pr_info("mpool_client: %s %s\n", ok ? "ok" : "FAIL", what);
}

/* Checks that a create failed with @err; a pool made by mistake is freed. */
static void check_refused(struct mpool *pool, int err, const char *what)
{
	check(pool == ERR_PTR(err), what);
	if (!IS_ERR(pool))
		mpool_destroy(pool);
}

static void client_stats(struct mpool *pool)
{
	struct mpool_stats st;
	void *a, *b;

	a = mpool_alloc(pool);
	b = mpool_alloc(pool);
	check(a && b && a != b, "mpool_alloc gives two blocks");
	check(!mpool_alloc(pool), "mpool_alloc gives NULL when empty");
	mpool_get_stats(pool, &st);
	check(st.blocks_total == 2 && st.blocks_in_use == 2 &&
	      st.blocks_free == 0 && st.allocs == 2 && st.alloc_failures == 1,
	      "mpool_get_stats counts the allocations");
	check(!((unsigned long)a & 63), "blocks are aligned as asked");

	check(mpool_free_checked(pool, a) == 0, "mpool_free_checked frees");
	check(mpool_free_checked(pool, a) == -ENXIO,
	      "mpool_free_checked refuses a double free (-ENXIO)");
	check(mpool_free_checked(pool, (char *)b + 1) == -EINVAL,
	      "mpool_free_checked refuses a pointer inside a block (-EINVAL)");
	check(mpool_free_checked(pool, &failed) == -ERANGE,
	      "mpool_free_checked refuses a foreign pointer (-ERANGE)");
	mpool_free(pool, b);
	mpool_free(pool, NULL);
	mpool_get_stats(pool, &st);
	check(st.blocks_in_use == 0 && st.frees == 2 && st.invalid_frees == 3,
	      "mpool_free frees, refused frees are counted");

	mpool_reset_stats(pool);
	mpool_get_stats(pool, &st);
	check(st.allocs == 0 && st.frees == 0 && st.invalid_frees == 0 &&
	      st.blocks_total == 2, "mpool_reset_stats zeroes the counters");
}

static void client_timeout(struct mpool *pool)
{
	void *a, *b, *c;

	a = mpool_alloc_timeout(pool, HZ);
	b = mpool_alloc_timeout(pool, HZ);
	check(!IS_ERR(a) && !IS_ERR(b), "mpool_alloc_timeout gives free blocks");
	c = mpool_alloc_timeout(pool, 1);
	check(c == ERR_PTR(-ETIMEDOUT),
	      "mpool_alloc_timeout times out on an empty pool");
	mpool_cancel_waits(pool);
	c = mpool_alloc_timeout(pool, HZ);
	check(c == ERR_PTR(-ECANCELED),
	      "mpool_alloc_timeout gives up after mpool_cancel_waits");
	mpool_free(pool, a);
	mpool_free(pool, b);
}

static int __init mpool_client_init(void)
{
	struct mpool *pool, *anon;

	check_refused(mpool_create("mpool_client", 48, 0, 0, 0), -EINVAL,
		      "mpool_create refuses zero blocks");
	check_refused(mpool_create("mpool/client", 48, 2, 0, 0), -EINVAL,
		      "mpool_create refuses a bad name");
	pool = mpool_create("mpool_client", 48, 2, 64,
			    MPOOL_F_ZERO | MPOOL_F_POISON | MPOOL_F_QUIET);
	check(!IS_ERR(pool), "mpool_create makes a named pool");
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	check_refused(mpool_create("mpool_client", 48, 2, 0, 0), -EEXIST,
		      "mpool_create refuses a name in use");
	client_stats(pool);
	client_timeout(pool);
	mpool_destroy(pool);

	anon = mpool_create(NULL, 16, 4, 0, MPOOL_F_PERCPU);
	check(!IS_ERR(anon), "mpool_create makes an anonymous pool");
	if (!IS_ERR(anon)) {
		void *blk = mpool_alloc(anon);

		check(blk, "an anonymous pool allocates");
		mpool_free(anon, blk);
		mpool_destroy(anon);
	}
	mpool_destroy(NULL);

	if (keep) {
		kept = mpool_create("mpool_client_kept", 64, 4, 0, 0);
		check(!IS_ERR(kept), "mpool_create makes the kept pool");
		if (IS_ERR(kept))
			kept = NULL;
	}

	pr_info("mpool_client: %d failed\n", failed);
	if (failed)
		mpool_destroy(kept);
	return failed ? -EINVAL : 0;
}

static void __exit mpool_client_exit(void)
{
	mpool_destroy(kept);
}

module_init(mpool_client_init);
module_exit(mpool_client_exit);

MODULE_DESCRIPTION("An out-of-tree user of the mpool API");
MODULE_LICENSE("GPL");
