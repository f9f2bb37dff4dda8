#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# libmpool checked against its documentation alone (issue 23):
# tools/testing/libconform/mpool_libconform, written from libmpool.h, the
# man pages, docs/libmpool.md and the ABI header, never from the library's
# sources; one libc-NAME check per promise, each quoting its sentence.
# As root every check; as the unprivileged user (uid 1000, proven first)
# the refusals of a 0600 device; then with module parameters max_pools,
# max_bytes and max_batch set low, their errnos; no pool left, no splat.
. /mptest/lib.sh

dmesg_before=$(dmesg | wc -l)
check libc-insmod load_module || exit 0
if [ -x /bin/mpool_libconform ]; then
	# A crash part-way would only leave checks unreported: it fails here.
	check libc-run-to-end /bin/mpool_libconform
	uid=$(su user -c 'id -u' 2>&1)
	if [ "$uid" = 1000 ]; then
		pass libc-su-user
		check libc-user-run-to-end su user -c "/bin/mpool_libconform user"
	else
		fail libc-su-user "id -u gave '$uid'"
	fi
else
	fail libc-binary "mpool_libconform is not in the initramfs"
fi
n=$(mempoolctl list | wc -l)
if [ "$n" = 1 ]; then pass libc-no-pool-left-ctl
else fail libc-no-pool-left-ctl "$n lines from mempoolctl list"; fi
check libc-rmmod unload_module
# The limits an administrator sets (module parameters): EDQUOT, ENOSPC and
# a max_batch below MPOOL_IOC_BATCH_MAX.
if check libc-limits-insmod load_module max_pools=2 max_bytes=1048576 max_batch=16; then
	[ ! -x /bin/mpool_libconform ] ||
		check libc-limits-run-to-end /bin/mpool_libconform limits
	check libc-limits-rmmod unload_module
fi
no_splat libc-no-splat "$dmesg_before"
