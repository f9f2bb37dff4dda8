#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make lib-bench, in the guest (mode libbench of init): libmpool's
# benchmark (tools/testing/lib/mpool_lib_bench), its table, then its JSON
# between markers for the host (tools/testing/vm/lib-bench.sh).
MPTEST_LIBBENCH_ARGS=
[ ! -f /etc/mptest-libbench.env ] || . /etc/mptest-libbench.env
echo "MPTEST-LIBBENCH-KERNEL $(uname -r)"
echo "MPTEST-LIBBENCH-CPUS $(nproc)"
# shellcheck disable=SC2086 # the options are words
/bin/mpool_lib_bench --json /tmp/lib-bench.json ${MPTEST_LIBBENCH_ARGS:-}
echo "MPTEST-LIBBENCH-RC $?"
echo "MPTEST-LIBBENCH-JSON-BEGIN"
cat /tmp/lib-bench.json 2>/dev/null
echo "MPTEST-LIBBENCH-JSON-END"
