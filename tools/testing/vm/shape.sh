#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make shape: more vCPUs than the host has cores (SHAPE_CPUS, default
# "4 8", on 2 cores), for the shape of things under contention, not for
# speed, and never part of make check:
#  1. correctness: the load test (test_70, tools/testing/fuzz/mpool_load) on stock
#     6.1, and the KUnit suites (test_90, with the concurrency ones) on the
#     debug kernel when SHAPE_DEBUG=1 (8-20 min a boot), each with N vCPUs;
#  2. the benchmark (tools/testing/vm/bench.sh) with N vCPUs: pair and cross, the
#     baselines, mempool, the locked pool, naive and kmem_cache, plus the
#     batch file and the drain-IPI count.
# Prints check.sh's "N passed, N failed" for each, then each benchmark.
set -u
VM_DIR=$(cd "$(dirname "$0")" && pwd)
cpus=${SHAPE_CPUS:-4 8}
allocs=null,ideal,mempool,mempool-nocache,naive,kmem_cache
rc=0
for n in $cpus; do
	kernels="stock-6.1-smp$n"
	[ -z "${SHAPE_DEBUG:-}" ] || kernels="$kernels debug-smp$n"
	echo "== correctness with $n vCPUs: $kernels"
	KERNELS=$kernels SKIP_STYLE=1 SKIP_INSTALL=1 \
		GUEST_TESTS="test_00 test_70 test_90" "$VM_DIR/check.sh" | tail -n 1 ||
		rc=1
done
for n in $cpus; do
	echo "== benchmark with $n vCPUs (shape, not speed)"
	VM_KERNEL=stock-6.1-smp$n BENCH_ARGS="allocators=$allocs workloads=pair,cross ops=50000 rounds=3" \
		"$VM_DIR/bench.sh" || rc=1
done
exit $rc
