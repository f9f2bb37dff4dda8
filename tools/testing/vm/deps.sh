#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install whatever the harness needs that is missing.  Quick when all is
# present: one dpkg-query, no apt-get update.
set -eu
. "$(dirname "$0")/common.sh"

want=(qemu-system-x86 busybox-static sparse cpio bc bison flex libelf-dev
	libssl-dev xz-utils kmod rsync gcc make libc6-dev python3
	linux-source-6.12 dwarves
	dkms openssl groff-base man-db bsdextrautils valgrind gcc-multilib
	debhelper dh-dkms lintian
	trace-cmd linux-perf pkg-config)
installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
for p in "${want[@]}"; do installed "$p" || missing+=("$p"); done
# The metapackages name the ABI; its headers are what M= builds use.  An
# empty answer means apt has no package lists yet (fresh container).
updated=
if [ -z "$MP_ABI_61" ] || [ -z "$MP_ABI_612" ]; then
	apt-get update -q >&2
	updated=1
	MP_ABI_61=$(meta_abi linux-headers-amd64)
	MP_ABI_612=$(meta_abi linux-headers-6.12-amd64)
fi
# Their headers are unpacked into the cache (common.sh: stock_headers),
# never installed: no kernel package is ever installed on this host.
for abi in "$MP_ABI_61" "$MP_ABI_612"; do
	[ -n "$abi" ] || die "cannot resolve the stock kernel ABIs"
done

if [ ${#missing[@]} -gt 0 ]; then
	say "installing: ${missing[*]}"
	[ -n "$updated" ] || apt-get update -q >&2
	DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
