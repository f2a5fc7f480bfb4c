#!/bin/bash
# make trace-hit: where the instructions of one probe hit go, per function,
# for IMPL/FLAVOUR (harness/trace_hit.py).  Needs 'make build initramfs'.
# Output: build/trace/<impl>-<flavour>.txt
. "$(dirname "$0")/lib.sh"

kernel=$OBJ_DIR/arch/arm64/boot/Image
[ -f "$kernel" ] || die "no kernel at $kernel (make build IMPL=$IMPL FLAVOUR=$FLAVOUR)"
[ -f "$OBJ_DIR/initramfs.cpio" ] || die "no initramfs (make initramfs IMPL=$IMPL FLAVOUR=$FLAVOUR)"
mkdir -p "$BUILD/trace"
msg "tracing one hit per bench site on $IMPL/$FLAVOUR"
python3 "$ROOT/harness/trace_hit.py" "$OBJ_DIR" "$BUILD/trace/$IMPL-$FLAVOUR" \
	"$(flavour_machine)" "$(flavour_cmdline)"
