#!/bin/bash
# make trace-hit: where the instructions of one probe hit go, per function,
# for IMPL/FLAVOUR (harness/trace_hit.py).  Needs 'make build initramfs'.
# TRACE_RUN is what is written to the bench module's run file: "all 1"
# (default), "opt 1" (the sites once their probes are jumps) or
# "lifecycle N" (every instruction of a life-cycle run, per function).
# Output: build/trace/<impl>-<flavour>[-opt].txt
. "$(dirname "$0")/lib.sh"

kernel=$OBJ_DIR/arch/arm64/boot/Image
[ -f "$kernel" ] || die "no kernel at $kernel (make build IMPL=$IMPL FLAVOUR=$FLAVOUR)"
[ -f "$OBJ_DIR/initramfs.cpio" ] || die "no initramfs (make initramfs IMPL=$IMPL FLAVOUR=$FLAVOUR)"
mkdir -p "$BUILD/trace"
run=${TRACE_RUN:-all 1}
out=$BUILD/trace/$IMPL-$FLAVOUR
[ "${run%% *}" = all ] || out=$out-${run%% *}
msg "tracing one hit per bench site on $IMPL/$FLAVOUR ($run)"
python3 "$ROOT/harness/trace_hit.py" "$OBJ_DIR" "$out" \
	"$(flavour_machine)" "$(flavour_cmdline)" "$run"
