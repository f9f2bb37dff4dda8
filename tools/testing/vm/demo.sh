#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot stock 6.12 (VM_KERNEL to change), load the module, run
# tools/testing/vm/guest/demo.sh and show its output only, not the boot log.
set -eu
. "$(dirname "$0")/common.sh"
k=${VM_KERNEL:-stock-6.12}

prepare_boot "$k"
initrd=$BUILD/initrd-$k-demo.cpio.gz
log=$LOGS/demo-$k.log
make_initramfs "$k" demo "$initrd"
say "booting $k for the demo (full console log: $log)"
run_qemu "$k" "$initrd" "$log"
tr -d '\r' <"$log" | sed -n '/^MPTEST-DEMO-BEGIN/,/^MPTEST-DEMO-END/p' |
	sed '1d;$d' | grep -v '^\[ *[0-9]*\.[0-9]*\] ' || true
grep -aq '^MPTEST-DEMO-END' "$log" || die "the demo did not finish, see $log"
