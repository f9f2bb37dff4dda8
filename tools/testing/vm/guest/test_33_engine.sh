#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The engine's promises of issue 19 through the device
# (tools/testing/engine-abi/mpool_engine): a force-destroyed pool still mapped or
# owning blocks counts against max_bytes and max_pools until its memory
# is freed, and debugfs's budget file shows it; fresh blocks hold zeros
# or poison by the pool's flags, and bytes in no block are zero; a RESET
# while an allocation sleeps keeps the wait counters' arithmetic.
. /mptest/lib.sh

T=/tmp/test_33_engine.$$
mkdir -p "$T"
dmesg_before=$(dmesg | wc -l)
check eng-insmod load_module || exit 0

# The budget file: root's only, and its six lines by name.
b=/sys/kernel/debug/mempool/budget
m=$(stat -c %a "$b" 2>/dev/null)
if [ "$m" = 400 ]; then pass eng-budget-mode
else fail eng-budget-mode "mode '$m', wanted 400"; fi
keys=$(sed 's/:.*//' "$b" | tr '\n' ' ')
if [ "$keys" = "max_bytes max_pools bytes pools destroyed_bytes destroyed_pools " ]; then
	pass eng-budget-keys
else
	fail eng-budget-keys "keys '$keys'"
fi
# A pool may not take the file's name.
expect eng-budget-name-refused 1 "" mempoolctl create budget --block-size 8 --blocks 1 ||
	mempoolctl destroy budget >/dev/null 2>&1

if [ -x /bin/mpool_engine ]; then
	# A crash part-way would only leave checks unreported: it fails here.
	check eng-run-to-end /bin/mpool_engine
else
	fail eng-binary "mpool_engine is not in the initramfs"
fi

# Nothing left behind: no pool, no budget.
n=$(mempoolctl list | wc -l)
if [ "$n" = 1 ]; then pass eng-no-pool-left
else fail eng-no-pool-left "$(mempoolctl list | tr '\n' '|')"; fi
held=$(sed -n 's/^bytes: //p' "$b")
if [ "$held" = 0 ]; then pass eng-budget-empty
else fail eng-budget-empty "bytes: '$held'"; fi

no_splat eng-no-splat "$dmesg_before"
check eng-rmmod unload_module
rm -rf "$T"
