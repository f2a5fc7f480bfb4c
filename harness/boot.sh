#!/bin/bash
# Boot the $IMPL/$FLAVOUR kernel under qemu-system-aarch64 and run one suite.
#   SUITE=check|demo|bench|shell  (passed as harness.suite=)
#   SMP=2 (default), TIMEOUT (s), ICOUNT=1 for -icount shift=0 (deterministic
#   guest time, single-threaded TCG), ARGS=a,b,c (harness.args= for the suite),
#   TCG_THREAD=multi (default) or single: single-threaded TCG models
#   concurrent modification of code that other vCPUs run (multi-threaded
#   TCG in QEMU 7.2 can keep running a stale translation of it)
#   DRIVE=image: a virtio-blk drive (/dev/vda in the guest) whose writes go
#   to QEMU's temporary overlay (snapshot=on): the image is never changed
# Console log and results land in build/runs/<run>/ (RUN_NAME to override).
. "$(dirname "$0")/lib.sh"

SUITE=${SUITE:-check}
TIMEOUT=${TIMEOUT:-1200}
ICOUNT=${ICOUNT:-0}
run=${RUN_NAME:-$IMPL-$FLAVOUR-$SUITE-smp$SMP}
out=$RUN_DIR/$run
kernel=$OBJ_DIR/arch/arm64/boot/Image
initrd=$OBJ_DIR/initramfs.cpio
[ -f "$kernel" ] || die "no kernel at $kernel (make build IMPL=$IMPL)"
[ -f "$initrd" ] || die "no initramfs at $initrd (make initramfs IMPL=$IMPL)"

rm -rf "$out"
mkdir -p "$out"
cmdline="console=ttyAMA0 panic=-1 loglevel=7 log_buf_len=8M harness.suite=$SUITE"
[ -n "${ARGS:-}" ] && cmdline="$cmdline harness.args=$ARGS"
fc=$(flavour_cmdline)
[ -n "$fc" ] && cmdline="$cmdline $fc"
[ -n "${EXTRA_CMDLINE:-}" ] && cmdline="$cmdline $EXTRA_CMDLINE"
accel=(-accel "tcg,thread=${TCG_THREAD:-multi}")
[ "$ICOUNT" = 1 ] && accel=(-accel tcg,thread=single -icount shift=0,sleep=off)
qemu=(qemu-system-aarch64 -M "$(flavour_machine)" -cpu max,pauth-impdef=on -smp "$SMP" -m 1G
	"${accel[@]}" -nographic -nic none -no-reboot
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline"
	-device virtio-serial-device
	-chardev file,id=results,path="$out/results.tar"
	-device virtserialport,chardev=results,name=results)
if [ -n "${DRIVE:-}" ] && [ ! -f "$DRIVE" ]; then
	msg "no drive image at $DRIVE: booting without it"
elif [ -n "${DRIVE:-}" ]; then
	qemu+=(-drive "file=$DRIVE,if=none,format=raw,snapshot=on,id=drive0"
		-device virtio-blk-device,drive=drive0)
fi
echo "${qemu[*]}" > "$out/qemu-cmdline"
{
	echo "base: Linux $(base_kernel_version) ($(cat "$BASE_DIR/.pkg-version"))"
	echo "impl: $IMPL flavour: $FLAVOUR smp: $SMP suite: $SUITE icount: $ICOUNT"
	echo "git: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo none)"
	qemu-system-aarch64 --version | head -n1
} > "$out/info"

msg "booting $run (timeout ${TIMEOUT}s)"
start=$(date +%s)
rc=0
if [ "$SUITE" = shell ]; then
	"${qemu[@]}" || rc=$?
else
	timeout -k 10 "$TIMEOUT" "${qemu[@]}" < /dev/null > "$out/console.log" 2>&1 || rc=$?
fi
echo "$rc" > "$out/qemu-rc"
echo "$(( $(date +%s) - start ))" > "$out/seconds"
[ "$rc" = 124 ] && msg "$run: TIMEOUT after ${TIMEOUT}s"
mkdir -p "$out/results"
if [ -s "$out/results.tar" ]; then
	tar -C "$out/results" -xf "$out/results.tar" 2>/dev/null || msg "$run: results stream truncated"
fi
msg "$run: finished in $(cat "$out/seconds")s (qemu exit $rc)"
exit 0
