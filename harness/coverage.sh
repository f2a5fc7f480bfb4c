#!/bin/bash
# make coverage: classify every instruction of our vmlinux .text with our
# decode table (host build) and with a model of upstream's behaviour; then
# boot ours (KASLR on) for how many of the probe-able words a probe would
# be jump-optimized on (KUnit test_optimizable_sites, alone).
. "$(dirname "$0")/lib.sh"

IMPL=ours FLAVOUR=default "$ROOT/harness/build.sh"
obj=$BUILD/obj-ours-default
mkdir -p "$BUILD/host"
gcc -O2 -Wall -I "$ROOT/harness/host/shim" -I "$ROOT/arch/arm64/include" \
	-o "$BUILD/host/decode_host" "$ROOT/harness/host/decode_host.c" \
	"$ROOT/arch/arm64/kernel/probes/decode.c"
"${CROSS_COMPILE}objcopy" -O binary -j .text "$obj/vmlinux" "$BUILD/host/text.bin"
python3 "$ROOT/harness/coverage.py" "$BUILD/host/decode_host" "$obj/vmlinux" \
	"$BUILD/host/text.bin" "$obj/System.map" | tee "$BUILD/host/coverage.txt"

IMPL=ours FLAVOUR=default "$ROOT/harness/initramfs.sh"
RUN_NAME=coverage-opt IMPL=ours FLAVOUR=default SUITE=kunit TIMEOUT=900 \
	EXTRA_CMDLINE="kunit.filter_glob=arm64_kprobes.test_optimizable_sites" \
	"$ROOT/harness/boot.sh"
log=$RUN_DIR/coverage-opt/console.log
grep -qE "^\s*ok [0-9]+ test_optimizable_sites" "$log" ||
	die "test_optimizable_sites did not pass (see $log)"
{
	echo
	echo "Jump-optimized probes (a boot of ours with KASLR, KUnit test_optimizable_sites):"
	grep -h "optimizable: " "$log" | sed 's/.*optimizable: /  /'
} | tee -a "$BUILD/host/coverage.txt"
