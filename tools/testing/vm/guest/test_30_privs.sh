#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Privileges and module pinning through mempoolctl: /dev/mempool is 0600
# root, so the unprivileged user is refused with a clear message; an open
# file of the device pins the module.
. "$(dirname "$0")/lib.sh"

T=/tmp/test_30_privs.$$
mkdir -p "$T"
chmod 0777 "$T"

# First prove the user can run commands at all, so a refusal below means
# the device refused, not su.
uid=$(su user -c 'id -u' 2>&1)
if [ "$uid" = 1000 ]; then pass privs-su-user
else fail privs-su-user "id -u gave '$uid'"; fi

check privs-insmod load_module || exit 0

mode=$(stat -c %a /dev/mempool 2>/dev/null)
if [ "$mode" = 600 ]; then pass privs-dev-mode
else fail privs-dev-mode "/dev/mempool mode '$mode', wanted 600"; fi

mempoolctl create root_pool --block-size 16 --blocks 2 >/dev/null 2>&1

su user -c "mempoolctl list >$T/out 2>$T/err"
rc=$?
if [ $rc -eq 1 ] &&
   grep -qF "mempoolctl: permission denied opening /dev/mempool (are you root?)" "$T/err"; then
	pass privs-user-list-refused
else
	fail privs-user-list-refused "exit $rc: $(tr '\n' ' ' <"$T/err")"
fi

su user -c "mempoolctl destroy root_pool --force >$T/out 2>$T/err"
rc=$?
if [ $rc -eq 1 ] && grep -qF "permission denied opening /dev/mempool" "$T/err"; then
	pass privs-user-destroy-refused
else
	fail privs-user-destroy-refused "exit $rc: $(tr '\n' ' ' <"$T/err")"
fi
# The pool survived the refused destroy.
check privs-pool-intact mempoolctl stats root_pool

# Usage errors and --help need no device, so they work for the user too.
su user -c "mempoolctl --help >/dev/null 2>&1"
rc=$?
if [ $rc -eq 0 ]; then pass privs-user-help
else fail privs-user-help "exit $rc"; fi

# Root, read-only tasks (list/stats) work.
check privs-root-list mempoolctl list
mempoolctl destroy root_pool --force >/dev/null 2>&1

# The table of "Permissions" (mpool_ioctl.h), every cell: O_RDONLY,
# O_WRONLY and O_RDWR files on a device pool and on a kernel user's pool,
# which mpool_client.ko keeps while loaded with keep=1.
client=/lib/mempool/mpool_client.ko
if [ ! -x /bin/mpool_perm ]; then
	fail privs-perm-binary "mpool_perm is not in the initramfs"
elif [ ! -f "$client" ]; then
	fail privs-perm-client "mpool_client.ko is not in the initramfs"
elif check privs-kpool-insmod insmod "$client" keep=1; then
	if mempoolctl stats mpool_client_kept >/dev/null 2>&1; then
		pass privs-kpool-exists
		# A crash part-way would only leave checks unreported.
		check privs-perm-run-to-end /bin/mpool_perm mpool_client_kept
	else
		fail privs-kpool-exists "no pool mpool_client_kept"
	fi
	check privs-kpool-rmmod rmmod mpool_client
fi

# Module pinning: an open file of /dev/mempool holds the module.
sleep 5 </dev/mempool &
holder=$!
sleep 1
if rmmod mempool 2>/dev/null; then
	fail privs-pinned-rmmod "rmmod succeeded while /dev/mempool was open"
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	exit 0
fi
pass privs-pinned-rmmod
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
check privs-rmmod-after-close unload_module
rm -rf "$T"
