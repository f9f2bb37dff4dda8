// SPDX-License-Identifier: GPL-2.0
/*
 * The runs of mempool_bench.ko: this pool against the kernel's own
 * allocators, in one run, on the same block size and the same workloads.
 *
 * Each run starts one kthread pinned to each of the first @cpus online
 * CPUs; they wait on one completion so that they start together, do @ops
 * alloc+free pairs each, and time every 128th call for the latency
 * percentiles (as lib/test_objpool.c does, with a fixed count rather than
 * a fixed duration, so every allocator does the same work).  The timed
 * loops are in allocators.c.
 */
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>

#include "bench.h"

static DEFINE_MUTEX(bench_lock);

/*
 * BENCH_WARM_UP untimed pairs before the start, through the very loop that
 * is then timed, so that no allocator is timed filling its caches or its
 * slabs for the first time, nor (under QEMU TCG) running its loop before
 * it has been translated: whichever allocator a round measures first
 * finds its code and its data as warm as the others do.
 */
static int bench_warm_up(struct bench_thread *t)
{
	int ret;

	t->ops = BENCH_WARM_UP;
	ret = t->run->allocator->run(t);
	t->nr_samples = 0;	/* the warm-up's are not the run's */
	t->ops = t->run->ops;
	return ret;
}

static int bench_thread_fn(void *arg)
{
	struct bench_thread *t = arg;
	struct bench_run *run = t->run;
	int warm;

	warm = bench_warm_up(t);
	wait_for_completion(&run->start);
	if (READ_ONCE(run->abort)) {
		t->err = -EINTR;
		goto done;
	}
	/*
	 * The wake-ups reach the CPUs at different times (a halted vCPU
	 * takes long to wake under QEMU): line up, so that the threads run
	 * side by side rather than partly one after another.
	 */
	atomic_inc(&run->arrived);
	while (atomic_read(&run->arrived) < run->cpus) {
		/* A thread whose CPU went offline may need ours to run on. */
		cond_resched();
		if (kthread_should_stop()) {
			t->err = -EINTR;
			goto done;
		}
		cpu_relax();
	}
	t->start_ns = ktime_get_ns();
	/* A failed warm-up still lines up: the others wait for everyone. */
	t->err = warm ? warm : run->allocator->run(t);
done:
	t->end_ns = ktime_get_ns();
	if (atomic_dec_and_test(&run->running))
		complete(&run->done);
	/* Wait to be stopped, so that the caller may read t safely. */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* Sums up the threads' numbers into one result. */
static void bench_summarise(struct bench_run *run,
			    struct bench_result *res)
{
	u64 first = U64_MAX, last = 0, ps = 0;
	unsigned int i, n = 0;
	u32 *all;

	for (i = 0; i < run->cpus; i++) {
		struct bench_thread *t = &run->threads[i];

		first = min(first, t->start_ns);
		last = max(last, t->end_ns);
		ps += div64_u64((t->end_ns - t->start_ns) * 1000, run->ops);
		/* Gather the samples in the first thread's array... */
		if (i)
			memcpy(run->threads[0].samples + n, t->samples,
			       t->nr_samples * sizeof(u32));
		n += t->nr_samples;
	}
	all = run->threads[0].samples;
	sort(all, n, sizeof(u32), cmp_u32, NULL);

	res->ops = run->ops * run->cpus;
	res->elapsed_ns = max(last - first, 1ULL);
	res->ps_per_op = div_u64(ps, run->cpus);
	res->kops_per_sec = div64_u64(res->ops * NSEC_PER_MSEC,
				      res->elapsed_ns);
	res->p50_ns = n ? all[n / 2] : 0;
	res->p99_ns = n ? all[n - 1 - n / 100] : 0;
	res->max_ns = n ? all[n - 1] : 0;
}

static void bench_free_threads(struct bench_run *run)
{
	unsigned int i;

	for (i = 0; run->threads && i < run->cpus; i++)
		vfree(run->threads[i].samples);
	kvfree(run->threads);
}

static int bench_alloc_threads(struct bench_run *run)
{
	/* Each thread's samples, and room to gather everyone's in the first. */
	unsigned int per = div_u64(2 * run->ops, BENCH_SAMPLE_MASK + 1) + 2;
	unsigned int i;

	run->threads = kvcalloc(run->cpus, sizeof(*run->threads), GFP_KERNEL);
	if (!run->threads)
		return -ENOMEM;
	for (i = 0; i < run->cpus; i++) {
		struct bench_thread *t = &run->threads[i];

		t->run = run;
		t->max_samples = per;
		t->samples = __vmalloc(array3_size(per, i ? 1 : run->cpus,
						   sizeof(u32)),
				       GFP_KERNEL | __GFP_NOWARN);
		if (!t->samples)
			return -ENOMEM;
		t->in = &run->threads[(i + run->cpus - 1) % run->cpus].ring;
	}
	return 0;
}

static int bench_one(struct bench_run *run, struct bench_result *res)
{
	struct task_struct **tasks;
	unsigned int i, cpu;
	int ret;

	init_completion(&run->start);
	init_completion(&run->done);
	atomic_set(&run->running, run->cpus);
	atomic_set(&run->arrived, 0);
	ret = bench_alloc_threads(run);
	if (ret)
		goto out_threads;
	tasks = kcalloc(run->cpus, sizeof(*tasks), GFP_KERNEL);
	if (!tasks) {
		ret = -ENOMEM;
		goto out_threads;
	}
	ret = run->allocator->init(run);
	if (ret)
		goto out_tasks;

	i = 0;
	for_each_online_cpu(cpu) {
		if (i == run->cpus)
			break;
		tasks[i] = kthread_create_on_cpu(bench_thread_fn,
						 &run->threads[i], cpu,
						 "mempool_bench/%u");
		if (IS_ERR(tasks[i])) {
			ret = PTR_ERR(tasks[i]);
			tasks[i] = NULL;
			break;
		}
		wake_up_process(tasks[i]);
		i++;
	}
	if (i < run->cpus && !ret)
		ret = -EAGAIN;	/* a CPU went offline meanwhile */
	run->abort = ret;
	complete_all(&run->start);
	if (!ret && wait_for_completion_interruptible(&run->done))
		ret = -EINTR;

	/* A thread that has not finished returns at its next stop check. */
	for (i = 0; i < run->cpus; i++)
		if (tasks[i])
			kthread_stop(tasks[i]);
	for (i = 0; !ret && i < run->cpus; i++)
		ret = run->threads[i].err;
	if (!ret)
		bench_summarise(run, res);
	bench_drain_rings(run);
	run->allocator->exit(run);
out_tasks:
	kfree(tasks);
out_threads:
	bench_free_threads(run);
	return ret;
}

static int cmp_result(const void *a, const void *b)
{
	u64 x = ((const struct bench_result *)a)->ps_per_op;
	u64 y = ((const struct bench_result *)b)->ps_per_op;

	return x < y ? -1 : x > y;
}

/*
 * A case's @rounds results into one, in place at @res[0]: the fastest
 * round's, with the spread of ps_per_op over all of them.
 */
static void bench_spread(struct bench_result *res, unsigned int rounds)
{
	u64 median;

	sort(res, rounds, sizeof(*res), cmp_result, NULL);
	median = (res[(rounds - 1) / 2].ps_per_op +
		  res[rounds / 2].ps_per_op) / 2;
	res[0].rounds = rounds;
	res[0].ps_min = res[0].ps_per_op;
	res[0].ps_median = median;
	res[0].ps_max = res[rounds - 1].ps_per_op;
}

/**
 * bench_run_all - run a parsed benchmark request
 * @req: the request, from mpool_bench_parse()
 * @results: set to a kcalloc'd array of the results, for the caller to
 *	kfree(), in the order mpool_bench_cases() lists the runs
 * @nr_results: set to their number
 *
 * Runs every case @req->rounds times, round by round, each round in the
 * order of mpool_bench_round_order() (by default rotating which allocator
 * goes first), and reports for each the round with the fewest ns per op:
 * other work on the machine (on a shared host, other machines) only ever
 * adds time, so the fastest round is the one closest to the allocator's
 * own cost.  The median and the slowest round come with it: the spread.
 *
 * Context: process context; sleeps for seconds.
 * Return: 0, or a negative errno: -EINTR when a signal stopped it.
 */
int bench_run_all(const struct bench_request *req,
		  struct bench_result **results, unsigned int *nr_results)
{
	struct bench_result *res;
	struct bench_case *cases;
	unsigned int i, k, r, n, rounds = req->rounds;
	unsigned int *order;
	int ret = 0;

	cases = kcalloc(BENCH_MAX_CASES, sizeof(*cases), GFP_KERNEL);
	order = kcalloc(BENCH_MAX_CASES, sizeof(*order), GFP_KERNEL);
	if (!cases || !order) {
		ret = -ENOMEM;
		goto out;
	}
	/* One run at a time: runs side by side would skew each other. */
	if (mutex_lock_interruptible(&bench_lock)) {
		ret = -EINTR;
		goto out;
	}
	/* CPUs may have come or gone since mpool_bench_parse() counted them. */
	n = mpool_bench_cases(req, cases);
	if (!n) {
		ret = -EINVAL;
		goto out_unlock;
	}
	res = kcalloc(n * rounds, sizeof(*res), GFP_KERNEL);
	if (!res) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	for (r = 0; r < rounds && !ret; r++) {
		mpool_bench_round_order(req, cases, n, r, order);
		for (k = 0; k < n && !ret; k++) {
			unsigned int c = order[k];
			struct bench_result *one = &res[c * rounds + r];
			struct bench_run run = {
				.allocator = &bench_allocators[cases[c].allocator],
				.workload = cases[c].workload,
				.cpus = cases[c].cpus,
				.block_size = req->block_size,
				.nr_blocks = num_online_cpus() * 512,
				.ops = req->ops,
			};

			one->allocator = cases[c].allocator;
			one->workload = cases[c].workload;
			one->cpus = cases[c].cpus;
			one->block_size = req->block_size;
			ret = bench_one(&run, one);
		}
	}
	if (ret) {
		kfree(res);
		goto out_unlock;
	}
	/* Each case's fastest round, moved to the front: i * rounds >= i. */
	for (i = 0; i < n; i++) {
		bench_spread(&res[i * rounds], rounds);
		res[i] = res[i * rounds];
	}
	*results = res;
	*nr_results = n;
out_unlock:
	mutex_unlock(&bench_lock);
out:
	kfree(order);
	kfree(cases);
	return ret;
}
