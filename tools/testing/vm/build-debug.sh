#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (or reuse) the debug kernel: Debian's linux-source-6.12, tinyconfig
# plus tools/testing/vm/debug.config, in $CACHE/debug-<key>.  Prints the build dir.
# --source-only: just extract the source tree (for checkpatch); print it.
set -eu
. "$(dirname "$0")/common.sh"

out=$(debug_dir)
src=$(src_dir)
is_done() {
	if [ "${1:-}" = --source-only ]; then [ -f "$src/.extracted" ]
	else [ -f "$out/.mempool-built" ]; fi
}
is_done "$@" && { [ "${1:-}" = --source-only ] && echo "$src" || echo "$out"; exit 0; }

# Two harness runs must not build the same tree at once.
exec 9>"$CACHE/debug.lock"
flock 9
is_done "$@" && { [ "${1:-}" = --source-only ] && echo "$src" || echo "$out"; exit 0; }

if [ ! -f "$src/.extracted" ]; then
	say "extracting $SRC_PKG $(src_version)"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf "/usr/src/$SRC_PKG.tar.xz" -C "$src.tmp" --strip-components=1
	touch "$src.tmp/.extracted"
	mv "$src.tmp" "$src"
fi
# checkpatch only needs the source tree.
[ "${1:-}" != --source-only ] || { echo "$src"; exit 0; }

t0=$(date +%s)
say "configuring debug kernel in $out"
mkdir -p "$out"
make -s -C "$src" O="$out" ARCH=x86_64 tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
	"$VM_DIR/debug.config" >/dev/null
make -s -C "$src" O="$out" ARCH=x86_64 olddefconfig >/dev/null

# Kconfig silently drops options whose dependencies are unmet; a debug
# kernel quietly missing KASAN would make every later check meaningless.
missing=
while IFS= read -r l; do
	case $l in
	CONFIG_*=*) grep -qxF "$l" "$out/.config" || missing="$missing ${l}" ;;
	"# CONFIG_"*" is not set")
		o=${l#\# }; o=${o%% *}
		! grep -q "^$o=" "$out/.config" || missing="$missing !$o" ;;
	esac
done <"$VM_DIR/debug.config"
if [ -n "$missing" ]; then
	echo "error: debug.config options lost in .config:$missing" >&2
	exit 1
fi

say "building debug kernel (several minutes)"
# modules also writes Module.symvers, which M= builds need.
make -s -C "$src" O="$out" ARCH=x86_64 -j"$(nproc)" bzImage modules >&2
make -s -C "$src" O="$out" ARCH=x86_64 modules_prepare >&2
touch "$out/.mempool-built"
say "debug kernel built in $(($(date +%s) - t0))s"
# Older extracted sources (~1.6 GB each) are superseded by this one:
# remove them.  Builds of other fragments (~225 MB each) stay: another
# checkout (a branch, a worktree) may be booting one right now, and would
# otherwise rebuild it for minutes.  Those older than a week go.
for d in "$CACHE"/src/*/; do
	d=${d%/}
	[ -d "$d" ] && [ "$d" != "$src" ] || continue
	say "removing superseded ${d#"$CACHE"/}"
	rm -rf "$d"
done
find "$CACHE" -maxdepth 1 -name 'debug-*' -type d -mtime +7 \
	! -path "$out" -exec rm -rf {} + 2>/dev/null || true
echo "$out"
