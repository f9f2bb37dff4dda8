#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Basic life cycle: the unprivileged user works, the module loads and
# unloads twice cleanly, leaves no taint beyond O/E and logs no warnings.
. /mptest/lib.sh

uid=$(su user -c 'id -u' 2>&1)
if [ "$uid" = 1000 ]; then pass su-user; else fail su-user "id -u gave '$uid'"; fi

check insmod load_module
check debugfs-dir test -d /sys/kernel/debug/mempool
check dev-node test -c /dev/mempool
check rmmod unload_module
check debugfs-gone test ! -e /sys/kernel/debug/mempool
check insmod-again load_module
check rmmod-again unload_module

# Only O (out-of-tree, 4096) may taint; E (unsigned, 8192) too on the stock
# kernels, whose module signing the debug kernel does not have.
allowed=12288
[ "$MPTEST_KERNEL" != debug ] || allowed=4096
t=$(cat /proc/sys/kernel/tainted)
if [ $((t & ~allowed)) -eq 0 ]; then pass tainted
else fail tainted "tainted=$t, allowed mask $allowed"; fi

# Busybox dmesg has no -l: the raw "<N>" prefix carries the level.  The
# kernel's own notes about the O and E taints are checked above, not here.
warn=$(dmesg -r | awk -F'[<>]' '$2 % 8 <= 4' | grep -i mempool |
	grep -v -e 'loading out-of-tree module taints kernel' \
		-e 'module verification failed: signature and/or required key missing')
if [ -z "$warn" ]; then pass dmesg-clean
else echo "$warn"; fail dmesg-clean "warnings mention mempool"; fi
