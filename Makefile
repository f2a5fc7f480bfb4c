# Harness for the arm64 kprobes series.  'make help' lists the targets.
#
# Knobs (environment or command line):
#   IMPL=ours|upstream   which arm64 probes code is built (default: ours)
#   FLAVOUR=default|debug|preempt|rt|llvm  the configurations (harness/lib.sh)
#   SMP=N                CPUs of the QEMU guest (default 2)
#   SUITE=...            for 'make boot': check, demo, bench, shell
#   CHECK_RUNS="flavour:smp[:kind] ..."  boots of 'make check' (harness/check.sh)
#   CHECK_JOBS=2         things 'make check' runs at once (the builder, boots)
#   FRESH_TARGET=demo|check  what 'make fresh-check' runs in a fresh Debian root

IMPL    ?= ours
FLAVOUR ?= default
SMP     ?= 2
export IMPL FLAVOUR SMP

H := harness

.PHONY: help deps base tree config build initramfs boot check demo shell \
	clients stress-compare bench trace-hit coverage series series-check fresh-check clean distclean

help: ## this list
	@echo "arm64 kprobes harness (IMPL=$(IMPL) FLAVOUR=$(FLAVOUR) SMP=$(SMP))"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		awk -F':.*## ' '{ printf "  %-14s %s\n", $$1, $$2 }'
	@echo
	@echo "Set-up on a fresh Debian 12 machine is just 'make demo' or 'make check'."

deps: ## install the Debian packages the harness needs (apt)
	@$(H)/deps.sh

base: ## install linux-source-6.12 and unpack it under build/base
	@$(H)/base.sh

tree: ## prepare the source tree for IMPL (removal, overlay, patches)
	@$(H)/tree.sh

config: tree ## configure IMPL/FLAVOUR (allnoconfig + harness/config fragments)
	@$(H)/config.sh

build: ## build Image + modules for IMPL/FLAVOUR (ccache, incremental)
	@$(H)/build.sh

initramfs: ## build the busybox initramfs with selftests, modules, guest scripts
	@$(H)/initramfs.sh

boot: ## boot IMPL/FLAVOUR and run SUITE (default: check) without judging
	@$(H)/boot.sh

check: ## build, boot and run every test (KUnit, ftracetest, samples, ours)
	@$(H)/check.sh

demo: ## the main job: boot our kernel, trace with kprobe_events, then with perf and trace-cmd
	@$(H)/demo.sh

shell: build initramfs ## boot IMPL to an interactive shell (Ctrl-A x quits)
	@SUITE=shell $(H)/boot.sh

clients: ## Debian's arm64 trace-cmd, perf, bpftrace and their libraries as a disk image (make check's clients boot, make demo)
	@$(H)/clients.sh

stress-compare: ## the stress suite on ours and upstream (debug, -smp 4), side by side
	@$(H)/stress-compare.sh

bench: ## probe-hit cost, ours against upstream (QEMU -icount and wall clock)
	@$(H)/bench.sh

trace-hit: build initramfs ## instructions of one hit per bench site, by function (icount TB log)
	@$(H)/trace-hit.sh

coverage: ## classify every instruction of vmlinux .text: ours vs upstream; optimizable (a boot)
	@$(H)/coverage.sh

series: ## export the patch series to build/series
	@$(H)/series.sh

series-check: ## git am the series on a fresh base; build, checkpatch, sparse
	@$(H)/series-check.sh

fresh-check: ## run 'make demo' (FRESH_TARGET) in a fresh debootstrapped Debian 12 root
	@$(H)/fresh-check.sh

clean: ## remove build trees and runs (keeps the unpacked base and caches)
	rm -rf build/obj-* build/src-* build/runs build/series

distclean: ## remove everything under build/
	rm -rf build
