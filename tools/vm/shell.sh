#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make vm: boot stock 6.12 (VM_KERNEL=stock-6.1|debug to change) with
# mempool.ko loaded and mempoolctl in PATH; shell on the serial console.
# Leave with `exit` (clean reboot) or ctrl-a x.
set -eu
. "$(dirname "$0")/common.sh"
k=${VM_KERNEL:-stock-6.12}

"$VM_DIR/deps.sh" >&2
[ "$k" != debug ] || "$VM_DIR/build-debug.sh" >/dev/null
[ ! -f "$REPO/tools/Makefile" ] || make -s -C "$REPO/tools" >&2
build_module "$k" "$LOGS/build-$k.log" ||
	{ tail -n 20 "$LOGS/build-$k.log"; die "module build failed"; }
make_initramfs "$k" shell "$BUILD/initrd-$k-shell.cpio.gz"
run_qemu "$k" "$BUILD/initrd-$k-shell.cpio.gz" "$LOGS/shell-$k.log" interactive
