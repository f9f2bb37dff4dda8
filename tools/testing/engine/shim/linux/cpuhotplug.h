/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for linux/cpuhotplug.h: one multi-instance state with a
 * teardown callback, which shim_cpu_dead() (shim.c) runs for every
 * instance, as the kernel does when a CPU has gone.
 */
#ifndef _SHIM_LINUX_CPUHOTPLUG_H
#define _SHIM_LINUX_CPUHOTPLUG_H

#include <linux/list.h>

enum cpuhp_state {
	CPUHP_INVALID = -1,
	CPUHP_BP_PREPARE_DYN = 1,
};

int cpuhp_setup_state_multi(enum cpuhp_state state, const char *name,
			    int (*startup)(unsigned int cpu,
					   struct hlist_node *node),
			    int (*teardown)(unsigned int cpu,
					    struct hlist_node *node));
void cpuhp_remove_multi_state(enum cpuhp_state state);
int cpuhp_state_add_instance_nocalls(enum cpuhp_state state,
				     struct hlist_node *node);
int cpuhp_state_remove_instance_nocalls(enum cpuhp_state state,
					struct hlist_node *node);
void shim_cpu_dead(unsigned int cpu);

#endif
