#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: every suite.  Host CLI tests, module builds, style checks,
# then the guest suite on each kernel in QEMU.  Prints one line per check and
# "N passed, N failed" last; exits 1 if anything failed.
#   KERNELS="debug" tools/testing/vm/check.sh     only some kernels
#   SKIP_STYLE=1 tools/testing/vm/check.sh        no W=1/sparse/checkpatch
#   SKIP_INSTALL=1 tools/testing/vm/check.sh      no install test (install-test.sh)
set -eu
T0=$(date +%s)
# What the host boots, before anything is installed: checked at the end.
host_boot() {
	dpkg-query -W -f='${Package} ${Status}\n' 'linux-image-*' 2>/dev/null |
		grep ' installed$' || true
	ls -l --time-style=+%s /boot/ 2>/dev/null || true
	readlink /vmlinuz /vmlinuz.old /initrd.img 2>/dev/null || true
}
BOOT0=$(host_boot)
# First, so that common.sh resolves the ABIs against fresh package lists.
"$(dirname "$0")/deps.sh" >&2
export MP_DEPS_DONE=1
. "$(dirname "$0")/common.sh"

# --- userspace tool and its host tests -----------------------------------------
CLI=$REPO/tools/mempoolctl
if [ -f "$CLI/Makefile" ]; then
	if make -C "$CLI" >"$LOGS/tools-build.log" 2>&1; then
		record_ok host/tools-build
		if [ -x "$CLI/test_cli" ]; then
			# TAP lines are the checks; the exit code adds nothing.
			(cd "$CLI" && ./test_cli) >"$LOGS/test_cli.log" 2>&1 || true
			absorb host/ <"$LOGS/test_cli.log"
			# A crash mid-run leaves fewer results than the plan.
			plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$LOGS/test_cli.log" | head -n1)
			got=$(grep -cE '^(not )?ok ' "$LOGS/test_cli.log" || true)
			if [ -n "$plan" ] && [ "$plan" != "$got" ]; then
				record_fail host/test_cli-plan "planned $plan, ran $got"
			fi
		fi
		# The guest test programs, one directory each (regress, faults,
		# fuzz, ...): every tools/testing/<dir>/Makefile but the host
		# engine harness's (below).
		for d in "$REPO"/tools/testing/*/Makefile; do
			d=${d%/Makefile} && d=${d##*/}
			[ "$d" != engine ] || continue
			if make -C "$REPO/tools/testing/$d" >"$LOGS/$d-build.log" 2>&1; then
				record_ok "host/$d-build"
			else
				record_fail "host/$d-build" "see $LOGS/$d-build.log"
			fi
		done
	else
		record_fail host/tools-build "see $LOGS/tools-build.log"
	fi
fi

# --- libmpool (tools/lib/mpool) and its host unit test ----------------------
# The shared and static library, then what needs no device (argument
# checks, handle helpers; TAP) and the cache's instruction budget; the
# guest half is test_59_lib.
LIBMPOOL=$REPO/tools/lib/mpool
if make -C "$LIBMPOOL" >"$LOGS/libmpool-build.log" 2>&1; then
	record_ok host/libmpool-build
	"$LIBMPOOL/tests/test_lib" >"$LOGS/test_lib.log" 2>&1 || true
	absorb host/ < <(sed -E 's/^(not )?ok [0-9]+ - /\1ok /' "$LOGS/test_lib.log")
	plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$LOGS/test_lib.log" | head -n1)
	got=$(grep -cE '^(not )?ok ' "$LOGS/test_lib.log" || true)
	if [ -z "$plan" ] || [ "$plan" != "$got" ]; then
		record_fail host/test_lib-plan "planned ${plan:-nothing}, ran $got"
	fi
	# The cache's pair, counted: instructions against its budget.
	"$LIBMPOOL/tests/cache_budget.sh" check >"$LOGS/cache-budget.log" 2>&1 || true
	absorb host/ <"$LOGS/cache-budget.log"
	grep -qE '^(not )?ok lib-cache-budget-insns' "$LOGS/cache-budget.log" ||
		record_fail host/lib-cache-budget-insns "see $LOGS/cache-budget.log"
else
	record_fail host/libmpool-build "see $LOGS/libmpool-build.log"
fi

# --- the engine on the host CPU (tools/testing/engine) ----------------------
# mempool_core.c compiled unchanged for userspace: its checks (engine_test,
# TAP), then the hot path's budget: instructions and locked operations per
# alloc+free pair against tools/testing/engine/budget.txt (budget.sh); then
# the metadata bytes per block of each flag (engine_size --metadata).
ENGINE=$REPO/tools/testing/engine
if [ -f "$ENGINE/Makefile" ]; then
	if make -C "$ENGINE" >"$LOGS/engine-build.log" 2>&1; then
		record_ok host/engine-build
		"$ENGINE/engine_test" >"$LOGS/engine_test.log" 2>&1 || true
		absorb host/ < <(sed -E 's/^(not )?ok [0-9]+ - /\1ok engine-/' \
			"$LOGS/engine_test.log")
		plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$LOGS/engine_test.log" | head -n1)
		got=$(grep -cE '^(not )?ok ' "$LOGS/engine_test.log" || true)
		if [ -z "$plan" ] || [ "$plan" != "$got" ]; then
			record_fail host/engine-plan "planned ${plan:-nothing}, ran $got"
		fi
		"$ENGINE/budget.sh" check >"$LOGS/engine-budget.log" 2>&1 || true
		absorb host/ <"$LOGS/engine-budget.log"
		# A crash before the counts leaves no line to absorb.
		grep -qE '^(not )?ok engine-budget-shared-locked' "$LOGS/engine-budget.log" ||
			record_fail host/engine-budget "see $LOGS/engine-budget.log"
		# Metadata bytes per block of each flag against their bounds.
		"$ENGINE/engine_size" --metadata >"$LOGS/engine-size.log" 2>&1 || true
		absorb host/ < <(sed -E 's/^(not )?ok [0-9]+ - /\1ok /' \
			"$LOGS/engine-size.log")
		grep -qE '^(not )?ok [0-9]+ - engine-size-metadata-all' "$LOGS/engine-size.log" ||
			record_fail host/engine-size "see $LOGS/engine-size.log"
	else
		record_fail host/engine-build "see $LOGS/engine-build.log"
	fi
fi

# --- the docs: every relative link of README.md and docs/*.md resolves --------
"$REPO/tools/testing/doclinks.py" "$REPO" >"$LOGS/doclinks.log" 2>&1 || true
absorb host/ <"$LOGS/doclinks.log"
grep -qE '^(not )?ok docs-links' "$LOGS/doclinks.log" ||
	record_fail host/docs-links "see $LOGS/doclinks.log"

# --- install: make install/uninstall, DKMS, the .deb, man page, completion ---
# (tools/testing/vm/install-test.sh; host only, ~3-4 min: four DKMS builds)
if [ -z "${SKIP_INSTALL:-}" ]; then
	"$VM_DIR/install-test.sh" 2>"$LOGS/install-test.log" |
		grep -E '^(not )?ok ' >"$LOGS/install.checks" || true
	absorb "" <"$LOGS/install.checks"
fi

# --- the debug kernel (cached) ----------------------------------------------------
case " $KERNELS " in *" debug "* | *" debug-smp4 "*)
	[ -f "$(debug_dir)/.mempool-built" ] ||
		say "building the debug kernel into $(debug_dir), 3-8 min (log: $LOGS/debug-kernel.log)"
	if ! "$VM_DIR/build-debug.sh" >/dev/null 2>"$LOGS/debug-kernel.log"; then
		tail -n 30 "$LOGS/debug-kernel.log" >&2
		record_fail debug/kernel-build "see $LOGS/debug-kernel.log"
	fi ;;
esac

# --- style --------------------------------------------------------------------------
if [ -z "${SKIP_STYLE:-}" ]; then
	"$VM_DIR/style.sh" | grep -E '^(not )?ok ' >"$LOGS/style.checks" || true
	absorb "" <"$LOGS/style.checks"
fi

# --- per kernel: build, boot, collect ---------------------------------------------
for k in $KERNELS; do
	base=$(kernel_base "$k")
	if [ "$base" = debug ] && [ ! -f "$(debug_dir)/.mempool-built" ]; then
		record_fail debug/completed "no debug kernel"
		continue
	fi
	# A variant shares its base kernel's build.
	if ! build_module "$base" "$LOGS/build-$base.log" W=1; then
		tail -n 20 "$LOGS/build-$base.log" >&2
		record_fail "$k/build" "see $LOGS/build-$base.log"
		continue
	fi
	record_ok "$k/build"
	# Which file of mempool.ko calls which, from the objects just built:
	# the layers are one-way, so a call that closes a cycle fails here.
	if [ "$k" = stock-6.12 ]; then
		if "$REPO/tools/testing/layers.py" "$(mod_dir "$k")" \
			>"$LOGS/layers.log" 2>&1; then
			record_ok host/layers
		else
			record_fail host/layers "$(grep -m1 '^cycle: ' "$LOGS/layers.log" ||
				echo "see $LOGS/layers.log")"
		fi
	fi
	# A module of someone else's: built outside this tree against
	# include/mpool.h and mempool.ko's Module.symvers alone.
	if [ "$base" = "$k" ]; then
		if build_client "$base" "$LOGS/client-$base.log" &&
			! grep -q 'warning:' "$LOGS/client-$base.log"; then
			record_ok "$k/client-build"
		else
			tail -n 20 "$LOGS/client-$base.log" >&2
			record_fail "$k/client-build" "see $LOGS/client-$base.log"
		fi
	fi
	initrd=$BUILD/initrd-$k.cpio.gz
	log=$LOGS/console-$k.log
	make_initramfs "$k" tests "$initrd"
	t=$(date +%s)
	say "booting $k (log: $log)"
	run_qemu "$k" "$initrd" "$log"
	say "$k: boot + suite took $(($(date +%s) - t))s"
	tr -d '\r' <"$log" | grep -ao 'MPTEST \(not \)\?ok .*' >"$LOGS/guest-$k.checks" || true
	absorb "$k/" <"$LOGS/guest-$k.checks"
	if [ "$base" = debug ]; then
		kunit_cases "$log" >"$LOGS/kunit-$k.checks"
		absorb "$k/kunit/" <"$LOGS/kunit-$k.checks"
	fi
	judge_end "$k" "$log" "$(grep -a '^MPTEST-HOST:' "$log" | sed 's/^MPTEST-HOST:/,/')"
done

# --- the host: kernels are unpacked into the cache, never installed ------------
# (deps.sh, common.sh's stock_headers): no kernel image came with this run,
# and what the host boots is as it was.
if [ "$(host_boot)" = "$BOOT0" ]; then record_ok host/boot-unchanged
else
	diff <(printf '%s\n' "$BOOT0") <(host_boot) >&2 || true
	record_fail host/boot-unchanged "/boot, /vmlinuz or the linux-image packages changed"
fi

say "make check took $(($(date +%s) - T0))s"
summary
