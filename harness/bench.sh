#!/bin/bash
# make bench: for each flavour of BENCH_FLAVOURS (default: "default preempt"),
# build IMPL=upstream and IMPL=ours with the same config, boot
# each under QEMU with -icount shift=0 (twice, to show it repeats) and once
# on the wall clock, run harness/guest/suite-bench.sh, and print one table.
# Results also go to build/bench/results-<flavour>.json and table-<flavour>.txt.
#   BENCH_N  calls per in-kernel scenario (default 10000)
#   BENCH_M  getppid() calls (default 100000)
. "$(dirname "$0")/lib.sh"

N=${BENCH_N:-10000}
M=${BENCH_M:-100000}
out=$BUILD/bench
mkdir -p "$out"
for flavour in ${BENCH_FLAVOURS:-default preempt}; do
runs=()
for impl in upstream ours; do
	IMPL=$impl FLAVOUR=$flavour "$ROOT/harness/build.sh"
	IMPL=$impl FLAVOUR=$flavour "$ROOT/harness/initramfs.sh"
	vmlinux=$BUILD/obj-$impl-$flavour/vmlinux
	sym=$(grep ' __arm64_sys_getppid$' "$BUILD/obj-$impl-$flavour/System.map" | cut -d' ' -f1)
	addr=$("${CROSS_COMPILE}objdump" -d "$vmlinux" --start-address=0x"$sym" \
		--stop-address=$(printf '0x%x' $((0x$sym + 256))) |
		awk '$3 == "bl" { sub(":", "", $1); print $1; exit }')
	[ -n "$addr" ] || die "no BL in __arm64_sys_getppid"
	bl=$(printf '0x%x' $((0x$addr - 0x$sym)))
	for mode in icount1 icount2 wall; do
		icount=1
		[ "$mode" = wall ] && icount=0
		RUN_NAME=bench-$flavour/bench-$impl-$mode IMPL=$impl FLAVOUR=$flavour SUITE=bench \
			ICOUNT=$icount ARGS="n=$N,m=$M,bl=$bl" EXTRA_CMDLINE=nokaslr TIMEOUT=1800 \
			"$ROOT/harness/boot.sh"
		runs+=("$RUN_DIR/bench-$flavour/bench-$impl-$mode")
	done
done
echo "== flavour: $flavour"
python3 "$ROOT/harness/bench_report.py" "$out/results-$flavour.json" "${runs[@]}" |
	tee "$out/table-$flavour.txt"
echo
done
