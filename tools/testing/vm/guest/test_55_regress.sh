#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Raw-ioctl regression tests (tools/testing/regress/mpool_regress: what mempoolctl
# cannot send), and a module built outside this tree that calls every
# function include/mpool.h documents (examples/mpool_client).
. /mptest/lib.sh

check rg-insmod load_module || exit 0
if [ -x /bin/mpool_regress ]; then
	/bin/mpool_regress
else
	fail rg-binary "mpool_regress is not in the initramfs"
fi

client=/lib/mempool/mpool_client.ko
if [ -f "$client" ]; then
	before=$(dmesg | grep -c 'mpool_client: ok ')
	check rg-client-insmod insmod "$client"
	oks=$(($(dmesg | grep -c 'mpool_client: ok ') - before))
	fails=$(dmesg | grep 'mpool_client: FAIL ' | sed 's/.*FAIL //')
	# Every check it makes printed "ok": 19 of them.
	if [ "$oks" -ge 19 ] && [ -z "$fails" ]; then
		pass rg-client-api
	else
		fail rg-client-api "$oks ok; failed: $fails"
	fi
	check rg-client-rmmod rmmod mpool_client
	# It destroyed what it made: no pool left.
	n=$(mempoolctl list | wc -l)
	if [ "$n" = 1 ]; then pass rg-client-no-pool
	else fail rg-client-no-pool "$n lines from mempoolctl list"; fi
else
	fail rg-client "mpool_client.ko is not in the initramfs"
fi
check rg-rmmod unload_module
