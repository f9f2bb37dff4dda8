#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make style: W=1 warning-free builds for every kernel, sparse (C=2) for the
# stock kernels, checkpatch --strict on the kernel-side sources.  One
# "ok"/"not ok" line per check, summary last, exit 1 on failure.
set -eu
# check.sh has installed everything already; `make style` alone has not.
[ -n "${MP_DEPS_DONE:-}" ] || "$(dirname "$0")/deps.sh" >&2
. "$(dirname "$0")/common.sh"

# Debug tree: its build for W=1, its source tree for checkpatch; without
# the debug kernel in KERNELS only the source is needed.
only=--source-only
case " $KERNELS " in *" debug "*) only= ;; esac
if ! "$VM_DIR/build-debug.sh" $only >/dev/null 2>"$LOGS/debug-kernel.log"; then
	tail -n 30 "$LOGS/debug-kernel.log" >&2
	record_fail debug/kernel-build "see $LOGS/debug-kernel.log"
fi

for k in $KERNELS; do
	# A variant (debug-smp4) builds exactly as its base kernel does.
	[ "$(kernel_base "$k")" = "$k" ] || continue
	[ -f "$(kernel_kdir "$k")/Makefile" ] || continue
	# A fresh copy each time: warnings show only when files compile.
	d=$(mod_dir "style-$k")
	rm -rf "$d"
	log=$LOGS/w1-$k.log
	if build_module_in "$d" "$k" "$log" W=1 &&
		! grep -q 'warning:' "$log"; then
		record_ok "$k/w1-clean"
	else
		grep -E 'warning:|error:' "$log" | head -n 10 >&2 || true
		record_fail "$k/w1-clean" "see $log"
	fi
	[ "$k" != debug ] || continue
	# C=2 re-checks every file; only diagnostics in our copy count, not
	# the ones sparse has about the kernel's own headers.
	log=$LOGS/sparse-$k.log
	make -C "$(kernel_kdir "$k")" M="$d" C=2 W=1 modules >"$log" 2>&1 || true
	bad=$(grep -E "^$d/.*: (warning|error):" "$log" || true)
	if [ -z "$bad" ] && grep -q CHECK "$log"; then record_ok "$k/sparse"
	else
		printf '%s\n' "$bad" | head -n 10 >&2
		record_fail "$k/sparse" "see $log"
	fi
done

cp=$(src_dir)/scripts/checkpatch.pl
cd "$MODULE_SRC"
# Kernel code only: tools/ and examples/libmpool_pair are userspace.
for f in $(find . -path ./tools -prune -o -path ./build -prune -o \
	-path ./examples/libmpool_pair -prune -o \
	-path ./.git -prune -o -name '*.[ch]' -print | sed 's|^\./||' | sort); do
	log=$LOGS/checkpatch-${f//\//_}.log
	if "$cp" --strict --no-tree --quiet -f "$f" >"$log" 2>&1; then
		record_ok "style/checkpatch/$f"
	else
		head -n 12 "$log" >&2
		record_fail "style/checkpatch/$f" "see $log"
	fi
done
summary
