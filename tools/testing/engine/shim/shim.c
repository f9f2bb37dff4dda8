// SPDX-License-Identifier: GPL-2.0
/*
 * The shim's functions: printk, memory, per-CPU areas, the slow path of a
 * spinlock, wait queues, IPIs (signals), CPU hotplug and module parameters.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include <linux/cpuhotplug.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "shim.h"

unsigned long shim_printk_lines, shim_dump_stacks;
__thread unsigned long shim_locked_ops;
__thread int shim_cpu;
__thread volatile int shim_irqs_off;
__thread volatile int shim_irq_pending;
int shim_fail_allocs;

void shim_printk(const char *fmt, ...)
{
	va_list ap;

	__atomic_add_fetch(&shim_printk_lines, 1, __ATOMIC_RELAXED);
	if (getenv("SHIM_QUIET"))
		return;
	va_start(ap, fmt);
	fputs("printk: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* Bytes ever allocated, per-CPU units included: engine_size's metadata. */
size_t shim_alloc_bytes;

void *shim_malloc(size_t size, gfp_t gfp, size_t align)
{
	void *p;

	if (shim_fail_allocs || size == SIZE_MAX)
		return NULL;
	__atomic_add_fetch(&shim_alloc_bytes, size, __ATOMIC_RELAXED);
	if (align) {
		if (posix_memalign(&p, align, size ? size : 1))
			return NULL;
	} else {
		p = malloc(size ? size : 1);
	}
	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, size);
	return p;
}

void *shim_alloc_percpu(size_t size)
{
	void *p;

	(void)size;
	if (shim_fail_allocs ||
	    posix_memalign(&p, SHIM_PCPU_UNIT, (size_t)NR_CPUS * SHIM_PCPU_UNIT))
		return NULL;
	__atomic_add_fetch(&shim_alloc_bytes, (size_t)NR_CPUS * size,
			   __ATOMIC_RELAXED);
	/* alloc_percpu() memory is zeroed. */
	memset(p, 0, (size_t)NR_CPUS * SHIM_PCPU_UNIT);
	return p;
}

ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t len = strnlen(src, size);

	if (!size)
		return -E2BIG;
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = 0;
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}

void *memchr_inv(const void *start, int c, size_t bytes)
{
	const unsigned char *p = start;
	size_t i;

	for (i = 0; i < bytes; i++)
		if (p[i] != (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}

void shim_spin_lock_slow(raw_spinlock_t *l)
{
	unsigned int spins = 0;

	for (;;) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
			/* The holder may be preempted by the host: yield. */
			if (++spins & 1023)
				__builtin_ia32_pause();
			else
				sched_yield();
		}
		if (shim_spin_trylock(l))
			return;
	}
}

/* ---- wait queues ---- */

void init_waitqueue_head(wait_queue_head_t *wq)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&wq->mutex, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wq->cond, &attr);
	pthread_condattr_destroy(&attr);
	wq->wakeups = 0;
}

void wake_up(wait_queue_head_t *wq)
{
	pthread_mutex_lock(&wq->mutex);
	__atomic_add_fetch(&wq->wakeups, 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&wq->cond);
	pthread_mutex_unlock(&wq->mutex);
}

void shim_wait(wait_queue_head_t *wq, unsigned int seen, s64 deadline)
{
	struct timespec ts = {
		.tv_sec = deadline / 1000000000,
		.tv_nsec = deadline % 1000000000,
	};

	pthread_mutex_lock(&wq->mutex);
	while (wq->wakeups == seen && ktime_get() < deadline)
		pthread_cond_timedwait(&wq->cond, &wq->mutex, &ts);
	pthread_mutex_unlock(&wq->mutex);
}

/* ---- CPUs and IPIs ---- */

struct shim_cpu_slot {
	pthread_t thread;
	int used;			/* a thread is this CPU */
	pthread_mutex_t ipi_lock;	/* one IPI at a time to this CPU */
	smp_call_func_t func;
	void *info;
	int done;
};

static struct shim_cpu_slot shim_cpus[NR_CPUS] = {
	[0 ... NR_CPUS - 1] = { .ipi_lock = PTHREAD_MUTEX_INITIALIZER },
};
static pthread_mutex_t shim_cpus_lock = PTHREAD_MUTEX_INITIALIZER;

/* The IPI's work, with "interrupts" off as in a handler. */
static void shim_do_ipi(void)
{
	struct shim_cpu_slot *s = &shim_cpus[shim_cpu];
	int was_off = shim_irqs_off;

	shim_irqs_off = 1;
	shim_irq_pending = 0;
	barrier();
	if (s->func && !__atomic_load_n(&s->done, __ATOMIC_ACQUIRE)) {
		s->func(s->info);
		__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	}
	barrier();
	shim_irqs_off = was_off;
}

static void shim_ipi_handler(int sig)
{
	(void)sig;
	if (shim_irqs_off)
		shim_irq_pending = 1;	/* local_irq_restore() runs it */
	else
		shim_do_ipi();
}

void shim_run_pending_irq(void)
{
	shim_do_ipi();
}

int shim_host_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set);
}

int shim_cpu_enter(int cpu)
{
	static int host_cpus[CPU_SETSIZE], nr_host;
	struct sigaction sa = { .sa_handler = shim_ipi_handler };
	cpu_set_t set;
	int i;

	if (cpu < 0 || cpu >= NR_CPUS)
		return -EINVAL;
	pthread_mutex_lock(&shim_cpus_lock);
	if (shim_cpus[cpu].used) {
		pthread_mutex_unlock(&shim_cpus_lock);
		return -EBUSY;
	}
	if (!nr_host) {
		sched_getaffinity(0, sizeof(set), &set);
		for (i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &set))
				host_cpus[nr_host++] = i;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESTART;
		sigaction(SIGUSR1, &sa, NULL);
	}
	shim_cpus[cpu].used = 1;
	shim_cpus[cpu].thread = pthread_self();
	shim_cpu = cpu;
	pthread_mutex_unlock(&shim_cpus_lock);
	if (nr_host > 1) {
		CPU_ZERO(&set);
		CPU_SET(host_cpus[cpu % nr_host], &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	return 0;
}

void shim_cpu_exit(void)
{
	pthread_mutex_lock(&shim_cpus_lock);
	/* An IPI in flight to this CPU finishes first. */
	pthread_mutex_lock(&shim_cpus[shim_cpu].ipi_lock);
	shim_cpus[shim_cpu].used = 0;
	pthread_mutex_unlock(&shim_cpus[shim_cpu].ipi_lock);
	pthread_mutex_unlock(&shim_cpus_lock);
}

/*
 * To this CPU, the call is made here with "interrupts" off; to a CPU that
 * a thread holds, by a signal to that thread, waiting for it; to a CPU no
 * thread holds, here, as that CPU: nothing else runs on it (an idle CPU).
 */
void on_each_cpu_cond(smp_cond_func_t cond, smp_call_func_t func, void *info,
		      bool wait)
{
	int cpu, self = shim_cpu;
	unsigned long flags;

	(void)wait;	/* always waits: the callers here all do */
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct shim_cpu_slot *s = &shim_cpus[cpu];

		if (!cond(cpu, info))
			continue;
		if (cpu == self) {
			local_irq_save(flags);
			func(info);
			local_irq_restore(flags);
			continue;
		}
		pthread_mutex_lock(&s->ipi_lock);
		if (!s->used) {
			shim_cpu = cpu;
			local_irq_save(flags);
			func(info);
			local_irq_restore(flags);
			shim_cpu = self;
		} else {
			s->func = func;
			s->info = info;
			__atomic_store_n(&s->done, 0, __ATOMIC_RELEASE);
			pthread_kill(s->thread, SIGUSR1);
			while (!__atomic_load_n(&s->done, __ATOMIC_ACQUIRE))
				sched_yield();
			s->func = NULL;
		}
		pthread_mutex_unlock(&s->ipi_lock);
	}
}

/* ---- CPU hotplug: one multi-instance state ---- */

static int (*shim_teardown)(unsigned int cpu, struct hlist_node *node);
static struct hlist_node *shim_instances;	/* linked through ->next */
static pthread_mutex_t shim_cpuhp_lock = PTHREAD_MUTEX_INITIALIZER;

int cpuhp_setup_state_multi(enum cpuhp_state state, const char *name,
			    int (*startup)(unsigned int cpu,
					   struct hlist_node *node),
			    int (*teardown)(unsigned int cpu,
					    struct hlist_node *node))
{
	(void)state;
	(void)name;
	(void)startup;
	shim_teardown = teardown;
	return 2;
}

void cpuhp_remove_multi_state(enum cpuhp_state state)
{
	(void)state;
	shim_teardown = NULL;
}

int cpuhp_state_add_instance_nocalls(enum cpuhp_state state,
				     struct hlist_node *node)
{
	(void)state;
	pthread_mutex_lock(&shim_cpuhp_lock);
	node->next = shim_instances;
	node->pprev = &shim_instances;
	if (shim_instances)
		shim_instances->pprev = &node->next;
	shim_instances = node;
	pthread_mutex_unlock(&shim_cpuhp_lock);
	return 0;
}

int cpuhp_state_remove_instance_nocalls(enum cpuhp_state state,
					struct hlist_node *node)
{
	(void)state;
	pthread_mutex_lock(&shim_cpuhp_lock);
	*node->pprev = node->next;
	if (node->next)
		node->next->pprev = node->pprev;
	pthread_mutex_unlock(&shim_cpuhp_lock);
	return 0;
}

/* CPU @cpu has gone (its thread no longer runs): the teardown callbacks. */
void shim_cpu_dead(unsigned int cpu)
{
	struct hlist_node *n;

	pthread_mutex_lock(&shim_cpuhp_lock);
	for (n = shim_instances; n && shim_teardown; n = n->next)
		shim_teardown(cpu, n);
	pthread_mutex_unlock(&shim_cpuhp_lock);
}

/* ---- module parameters ---- */

int param_set_uint_minmax(const char *val, const struct kernel_param *kp,
			  unsigned int min, unsigned int max)
{
	char *end;
	unsigned long v = strtoul(val, &end, 0);

	if (end == val || v < min || v > max)
		return -EINVAL;
	*(unsigned int *)kp->arg = v;
	return 0;
}

int param_get_uint(char *buffer, const struct kernel_param *kp)
{
	return sprintf(buffer, "%u\n", *(unsigned int *)kp->arg);
}
