/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for linux/percpu.h, linux/preempt.h, linux/irqflags.h,
 * linux/smp.h and linux/cpumask.h.
 *
 * A "CPU" is a thread: each thread that uses the engine takes a CPU number
 * of its own (shim_cpu_enter(), shim.c), which no other thread has while it
 * holds it, and is pinned to a host CPU when there are enough of them.  So:
 * - per-CPU data is an array indexed by the thread's CPU number, one unit of
 *   SHIM_PCPU_UNIT bytes per CPU (no false sharing between CPUs);
 * - preempt_disable() is a compiler barrier: no other thread runs on this
 *   CPU, whether the host preempts us or not;
 * - interrupts are signals (an IPI is SIGUSR1 to the CPU's thread), and
 *   local_irq_save() sets a per-thread flag that makes the signal handler
 *   leave the work pending until local_irq_restore(), which runs it: the
 *   cheapest correct equivalent (sigprocmask() would be a system call).
 */
#ifndef _SHIM_LINUX_PERCPU_H
#define _SHIM_LINUX_PERCPU_H

#include <stdlib.h>
#include <linux/kernel.h>

#define NR_CPUS			8
#define SHIM_PCPU_UNIT		1024

extern __thread int shim_cpu;
extern __thread volatile int shim_irqs_off;
extern __thread volatile int shim_irq_pending;
void shim_run_pending_irq(void);

#define smp_processor_id()	shim_cpu
#define raw_smp_processor_id()	shim_cpu
#define num_possible_cpus()	NR_CPUS
#define for_each_possible_cpu(cpu) for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++)

#define preempt_disable()	barrier()
#define preempt_enable()	barrier()
#define migrate_disable()	barrier()
#define migrate_enable()	barrier()

#define local_irq_save(flags) do {					\
	(flags) = shim_irqs_off;					\
	shim_irqs_off = 1;						\
	barrier();							\
} while (0)
#define local_irq_restore(flags) do {					\
	barrier();							\
	shim_irqs_off = (flags);					\
	barrier();							\
	if (unlikely(shim_irq_pending) && !(flags))			\
		shim_run_pending_irq();					\
} while (0)
#define local_irq_disable()	do { shim_irqs_off = 1; barrier(); } while (0)
#define local_irq_enable()	do { unsigned long __f = 0; local_irq_restore(__f); } while (0)
#define irqs_disabled()		(shim_irqs_off != 0)
#define in_interrupt()		(shim_irqs_off != 0)

void *shim_alloc_percpu(size_t size);
#define alloc_percpu_gfp(type, gfp) ({					\
	_Static_assert(sizeof(type) <= SHIM_PCPU_UNIT, "per-CPU unit");	\
	(type *)shim_alloc_percpu(sizeof(type));			\
})
#define alloc_percpu(type)	alloc_percpu_gfp(type, 0)
#define free_percpu(p)		free(p)
#define per_cpu_ptr(p, cpu) \
	((__typeof__(p))((char *)(p) + (size_t)(cpu) * SHIM_PCPU_UNIT))
#define this_cpu_ptr(p)		per_cpu_ptr(p, shim_cpu)
#define raw_cpu_ptr(p)		per_cpu_ptr(p, shim_cpu)

/* An IPI: @func runs on each CPU for which @cond says so (shim.c). */
typedef bool (*smp_cond_func_t)(int cpu, void *info);
typedef void (*smp_call_func_t)(void *info);
void on_each_cpu_cond(smp_cond_func_t cond, smp_call_func_t func, void *info,
		      bool wait);

#endif
