#!/bin/bash
# make coverage: classify every instruction of our vmlinux .text with our
# decode table (host build) and with a model of upstream's behaviour.
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
