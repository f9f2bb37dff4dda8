#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unloading with pools and live blocks frees everything (kmemleak checks it
# on the debug kernel, at the end of the run), and nothing any user did
# through the device so far (the scripts before this one) logged a warning.
. /mptest/lib.sh

check unload-insmod load_module
check unload-create-plain mempoolctl create plain --block-size 100 --blocks 50
check unload-create-flags mempoolctl create flagged --block-size 4k --blocks 20 \
	--zero --poison --track --percpu
check unload-alloc-plain mempoolctl alloc plain --count 7
check unload-alloc-flags mempoolctl alloc flagged --count 5
off=$(mempoolctl alloc flagged | head -n 1)
check unload-write mempoolctl write flagged "$off" "still here at unload"
# Blocks freed on this CPU sit in its per-CPU cache at unload.
check unload-free-cached mempoolctl free flagged "$off"
in_use=$(mempoolctl stats flagged | sed -n 's/^blocks_in_use: //p')
if [ "$in_use" = 5 ]; then pass unload-in-use
else fail unload-in-use "blocks_in_use '$in_use', expected 5"; fi

check unload-rmmod unload_module
check unload-debugfs-gone test ! -e /sys/kernel/debug/mempool
check unload-dev-gone test ! -e /dev/mempool

# Everything so far came from userspace: not one line at warning level or
# above may name the module, besides the kernel's notes on the O/E taints.
warn=$(dmesg -r | awk -F'[<>]' '$2 % 8 <= 4' | grep -i mempool |
	grep -v -e 'loading out-of-tree module taints kernel' \
		-e 'module verification failed: signature and/or required key missing')
if [ -z "$warn" ]; then pass user-actions-log-nothing
else echo "$warn"; fail user-actions-log-nothing "warnings mention mempool"; fi
