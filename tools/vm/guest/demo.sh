#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Placeholder demo (the real exercise is written separately): show what
# the loaded module exposes.
echo "# ls -l /sys/kernel/debug/mempool"
ls -l /sys/kernel/debug/mempool
if [ -f /sys/kernel/debug/mempool/pools ]; then
	echo "# cat /sys/kernel/debug/mempool/pools"
	cat /sys/kernel/debug/mempool/pools
fi
