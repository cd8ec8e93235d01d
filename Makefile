# SPDX-License-Identifier: GPL-2.0
#
# fscache-iter: fscache.ko and cachefiles.ko for Linux 6.1, built out of tree.
#
#   make                      modules against KDIR (default: Debian 12's current 6.1 headers)
#   make KDIR=/path/to/tree   modules against another configured 6.1 tree
#   make deps                 install everything the build, tests and demo need (Debian packages)
#   make check                KUnit + host checks + VM integration suite on Debian's kernel
#   make check-debug          the VM integration suite on the debug kernel
#   make check-baseline       stock-module baseline runs too flaky to gate CI
#   make kunit                KUnit suites under UML
#   make debug-kernel         build the debug kernel (KASAN, lockdep, kmemleak)
#   make demo                 boot a VM, bind a cache, mount a share with caching, show it working
#   make bench [WORKLOAD=x]   A/B benchmarks, ours against stock: seq-read, rand-read, small-files, cull
#                             (WORKLOAD= one or more of them; BENCH_ARGS= e.g. --runs 5)
#
# Objects are built in a copy of the sources under build/<kernel release>/, so builds for different
# kernels never share stale objects.

SHELL := /bin/bash
TOP := $(CURDIR)

ifeq ($(KDIR),)
ABI := $(shell . scripts/lib.sh && kernel_abi)
KDIR := /usr/src/linux-headers-$(ABI)
endif
KRELEASE = $(shell sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
BUILD = $(TOP)/build/$(KRELEASE)

SOURCES := Kbuild $(shell find $(wildcard fs include) -type f \( -name '*.[ch]' -o -name Makefile -o -name Kconfig \))

.PHONY: all modules deps clean check check-host check-vm check-baseline check-debug kunit debug-kernel demo bench help

all: modules

modules: $(SOURCES)
	@test -n "$(KRELEASE)" || { echo "KDIR=$(KDIR) is not a configured kernel tree (run: make deps)" >&2; exit 1; }
	@mkdir -p $(BUILD)
	@rsync -a Kbuild $(BUILD)/
	@rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='modules.order' --exclude='*.a' $(wildcard fs include) $(BUILD)/
	$(MAKE) -C $(KDIR) M=$(BUILD) modules

deps:
	@bash scripts/deps.sh >/dev/null

clean:
	rm -rf build

check: deps
	@bash tests/check.sh

check-host: deps modules
	@bash tests/host/run.sh

check-vm: deps modules
	@bash tests/vm/run.sh --matrix tests/vm/matrix

check-baseline: deps modules
	@bash tests/vm/run.sh --matrix tests/vm/matrix-baseline

check-debug: deps
	@bash tests/check.sh --debug

kunit: deps
	@bash tests/kunit.sh

debug-kernel: deps
	@bash scripts/debug-kernel.sh

demo: deps modules
	@bash scripts/demo.sh

# All workloads unless WORKLOAD names some; ours binds its cache with fscachectl, so build that too.
WORKLOAD ?=
BENCH_ARGS ?=
bench: deps modules
	@$(MAKE) --no-print-directory -C tools/fscachectl fscachectl >/dev/null
	@bash tests/bench/run.sh $(WORKLOAD) $(BENCH_ARGS)

help:
	@sed -n '3,19p' Makefile | sed 's/^# \{0,1\}//'
