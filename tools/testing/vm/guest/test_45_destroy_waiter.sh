#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Destroying a pool ends the allocations sleeping on it (ENOENT), and its
# name is free again at once, not when their timeouts run out.
. /mptest/lib.sh
T=$(mktemp -d)

check dw-insmod load_module
check dw-create mempoolctl create dw --block-size 64 --blocks 1
check dw-take-only-block mempoolctl alloc dw
mempoolctl alloc dw --timeout 60000 >"$T/out" 2>"$T/err" &
waiter=$!
i=0
while ! alloc_asleep $waiter && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
check dw-waiter-asleep test "$i" -lt 100
check dw-destroy-force mempoolctl destroy dw --force
wait "$waiter"
rc=$?
# Had it slept its 60 s out, it would say the timeout expired instead.
if [ "$rc" = 1 ] && grep -q "no such pool" "$T/err"; then pass dw-waiter-enoent
else fail dw-waiter-enoent "exit $rc: $(cat "$T/err")"; fi
check dw-name-free-again mempoolctl create dw --block-size 64 --blocks 1
check dw-destroy mempoolctl destroy dw
check dw-rmmod unload_module
rm -rf "$T"
