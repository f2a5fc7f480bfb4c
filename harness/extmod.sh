#!/bin/bash
# Build the guest payloads that are not part of the kernel tree, for
# $IMPL/$FLAVOUR, into $OBJ_DIR/guest-extra (initramfs.sh copies it to /):
#   /bench/kprobe_bench.ko   samples/kprobes/kprobe_bench.c, built as an
#                            external module so the same source runs on
#                            IMPL=upstream's untouched tree too
#   /bench/getppid_bench     a static user program timing getppid()
#   /uprobe/uprobe_target    the program of the uprobe selftest, and
#   /uprobe/sites            its probe sites: "<site|refused|func> name offset"
#   /stress/kprobe_stress.ko the stress suite's probe owner, and
#   /stress/ks_target.ko     a module it unloads under armed probes
#   /stress/failnth          a writer that fails its Nth allocation
#   /stress/clientload       the clients suite's workload (known calls)
#   /stress/perfkp           kprobes through the perf kprobe PMU (the
#                            check suite's perf-pmu test and the churn case)
. "$(dirname "$0")/lib.sh"

extra=$OBJ_DIR/guest-extra/bench
mod=$OBJ_DIR/extmod
mkdir -p "$extra" "$mod"
cp -p "$ROOT"/samples/kprobes/kprobe_bench.[ch] "$mod/"
echo 'obj-m := kprobe_bench.o' > "$mod/Makefile"
kmake M="$mod" modules >/dev/null
cp "$mod/kprobe_bench.ko" "$extra/"
"${CROSS_COMPILE}strip" --strip-debug "$extra/kprobe_bench.ko"
prog=$extra/getppid_bench
if [ ! -x "$prog" ] || [ "$ROOT/harness/guest-src/getppid_bench.c" -nt "$prog" ]; then
	"${CROSS_COMPILE}gcc" -O2 -static -o "$prog" "$ROOT/harness/guest-src/getppid_bench.c"
fi

ut=$OBJ_DIR/guest-extra/uprobe
mkdir -p "$ut"
src=$ROOT/harness/guest-src
if [ ! -x "$ut/uprobe_target" ] || [ "$src/uprobe_target.c" -nt "$ut/uprobe_target" ] ||
   [ "$src/uprobe_target_asm.S" -nt "$ut/uprobe_target" ]; then
	"${CROSS_COMPILE}gcc" -O2 -static -mbranch-protection=standard -o "$ut/uprobe_target" \
		"$src/uprobe_target.c" "$src/uprobe_target_asm.S"
fi
# Static, not PIE: the text segment maps file offset 0 at 0x400000.
"${CROSS_COMPILE}nm" "$ut/uprobe_target" | python3 -c '
import sys
for line in sys.stdin:
    f = line.split()
    if len(f) != 3:
        continue
    off = int(f[0], 16) - 0x400000
    if f[2].startswith("us_"):
        print("site", f[2][3:], hex(off))
    elif f[2].startswith("ur_"):
        print("refused", f[2][3:], hex(off))
    elif f[2].startswith("f_") and f[1] == "T":
        print("func", f[2], hex(off))
' > "$ut/sites"

# The stress suite's probe owner (harness/guest-src/kprobe_stress), built
# outside the tree as kprobe_bench is, so that both IMPLs run the same.
sx=$OBJ_DIR/guest-extra/stress
smod=$OBJ_DIR/extmod-stress
mkdir -p "$sx" "$smod"
cp -p "$ROOT"/harness/guest-src/kprobe_stress/*.c "$smod/"
echo 'obj-m := kprobe_stress.o ks_target.o' > "$smod/Makefile"
kmake M="$smod" modules >/dev/null
for m in kprobe_stress ks_target; do
	cp "$smod/$m.ko" "$sx/"
	"${CROSS_COMPILE}strip" --strip-debug "$sx/$m.ko"
done
prog=$sx/failnth
if [ ! -x "$prog" ] || [ "$ROOT/harness/guest-src/failnth.c" -nt "$prog" ]; then
	"${CROSS_COMPILE}gcc" -O2 -static -Wall -o "$prog" "$ROOT/harness/guest-src/failnth.c"
fi
prog=$sx/perfkp
if [ ! -x "$prog" ] || [ "$ROOT/harness/guest-src/perfkp.c" -nt "$prog" ]; then
	"${CROSS_COMPILE}gcc" -O2 -static -Wall -o "$prog" "$ROOT/harness/guest-src/perfkp.c"
fi
prog=$sx/clientload
if [ ! -x "$prog" ] || [ "$ROOT/harness/guest-src/clientload.c" -nt "$prog" ]; then
	"${CROSS_COMPILE}gcc" -O2 -static -Wall -o "$prog" "$ROOT/harness/guest-src/clientload.c"
fi
