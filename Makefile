# SPDX-License-Identifier: GPL-2.0
#
# make              build mempool.ko, bench/mempool_bench.ko (the benchmark)
#                   against KDIR, and tools/mempoolctl
# make check        install what is missing, run every suite in QEMU
# make demo         boot a stock kernel, load the module, show it working
# make vm           boot a stock kernel with the modules, leave a shell
# make bench        boot stock 6.1 (VM_KERNEL), load mempool_bench.ko, run
#                   the benchmark, print the table (build/bench-KERNEL.json,
#                   .png); BENCH_ARGS is the request, key=value pairs of
#                   /sys/kernel/debug/mempool_bench/run; BENCH_RUNS=5 for
#                   five boots and their spread
# make bench-host   the engine compiled for userspace (tools/testing/engine)
#                   on the host CPU: pair and burst at 1 and 2 threads
#                   against ideal, ideal-xchg and global-lock; prints the
#                   table and writes build/bench-host.json (HOST_BENCH_ARGS:
#                   engine_bench's options, e.g. --rounds 9)
# make lib-bench   libmpool's per-thread cache against a thread-local free
#                   list, malloc, a robust-mutex shared pool and one ioctl
#                   per call, 1 and 2 threads: on the host (what needs no
#                   device) and in a stock-6.12 guest (VM_KERNEL); prints
#                   the tables, writes build/lib-bench.json (LIB_BENCH_ARGS:
#                   --ops N --rounds N)
# make bench-compare BASE=REV  the hot path's instruction and locked-op
#                   counts and bench-host's timings, REV against the
#                   working tree
# make bench-size   the engine on the host CPU against the pool's size:
#                   pair cost and create time for regions of 4 KiB to 1 GiB
#                   (allocates 1 GiB); writes build/bench-size.json
#                   (SIZE_BENCH_ARGS: engine_size's options)
# make shape        4 and 8 vCPUs on the host's 2 cores: load test, KUnit
#                   (SHAPE_DEBUG=1) and the benchmark, shape not speed
# make style        checkpatch --strict; make sparse: sparse (C=2)
# make fuzz         long ioctl fuzz + load test, debug kernel (FUZZ_OPS, FUZZ_SECONDS)
# make trace-tools  boot stock 6.12 (TT_KERNELS) with perf, trace-cmd and
#                   bpftrace, run each on the mempool:* tracepoints over a
#                   small workload, print and check their output
# make stress       long race stress, debug kernel, 2 vCPUs (STRESS_SECONDS,
#                   default 600; STRESS_SEED)
#
# Installing (docs/install.md):
# make install      the modules (modules_install, INSTALL_MOD_PATH), depmod,
#                   mempoolctl, its man page and bash completion, the
#                   modprobe.d example (DESTDIR, PREFIX); UDEV_GROUP=GROUP
#                   also installs a udev rule giving /dev/mempool to GROUP
# make uninstall    remove what install put there (its manifest)
# make dkms-source  the DKMS sources into DKMS_DIR (default
#                   /usr/src/mempool-VERSION; debian/rules uses it)
# make dkms-install copy the sources to /usr/src/mempool-VERSION, dkms add,
#                   build and install (DKMS_KERNELS, default the running one)
# make dkms-uninstall  dkms remove --all, remove /usr/src/mempool-VERSION
# make deb          build/mempool-dkms_VERSION_all.deb and mempool-utils_VERSION_ARCH.deb
#                   (dpkg-buildpackage of debian/; lintian when installed)

KDIR ?= /lib/modules/$(shell uname -r)/build
PWD := $(shell pwd)

all: module tools

module:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

tools:
	$(MAKE) -C tools/lib/mpool
	$(MAKE) -C tools/mempoolctl
	$(MAKE) -C tools/testing/ptyrun

include packaging/install.mk

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null || \
		rm -f *.o *.ko *.mod *.mod.c .*.cmd modules.order Module.symvers \
			kunit/*.o kunit/*.ko bench/*.o bench/*.ko bench/*.mod bench/*.mod.c
	$(MAKE) -C tools/lib/mpool clean
	$(MAKE) -C tools/mempoolctl clean
	for d in tools/testing/*/Makefile; do $(MAKE) -C $${d%/Makefile} clean; done

check:
	tools/testing/vm/check.sh

demo:
	tools/testing/vm/demo.sh

vm:
	tools/testing/vm/shell.sh

bench:
	tools/testing/vm/bench.sh

trace-tools:
	tools/testing/vm/trace-tools.sh

bench-host:
	$(MAKE) -C tools/testing/engine bench

lib-bench:
	tools/testing/vm/lib-bench.sh

bench-compare:
	BASE=$(BASE) tools/testing/engine/bench-compare.sh

bench-size:
	$(MAKE) -C tools/testing/engine size

shape:
	tools/testing/vm/shape.sh

style:
	tools/testing/vm/style.sh

fuzz:
	tools/testing/vm/fuzz.sh

stress:
	tools/testing/vm/stress.sh

.PHONY: all module tools install clean check demo vm bench trace-tools bench-host \
	lib-bench bench-compare bench-size shape style fuzz stress
