/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the harness's programs call of the shim (shim.c) beyond the kernel's
 * API: taking a CPU number, pinning, and a CPU's death.
 */
#ifndef _SHIM_SHIM_H
#define _SHIM_SHIM_H

#include <linux/cpuhotplug.h>
#include <linux/atomic.h>
#include <linux/percpu.h>

/*
 * The calling thread becomes CPU @cpu (below NR_CPUS, held by no other
 * thread), pinned to host CPU @cpu modulo the host's CPUs, and receives
 * the IPIs sent to @cpu; shim_cpu_exit() gives the number back.
 */
int shim_cpu_enter(int cpu);
void shim_cpu_exit(void);
/* Host CPUs this process may run on. */
int shim_host_cpus(void);

#endif
