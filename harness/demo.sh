#!/bin/bash
# make demo: build IMPL (ours by default), boot it, and trace with
# kprobe_events on the console (harness/guest/suite-demo.sh).
. "$(dirname "$0")/lib.sh"

"$ROOT/harness/build.sh"
"$ROOT/harness/initramfs.sh"
SUITE=demo TIMEOUT=${TIMEOUT:-600} "$ROOT/harness/boot.sh"
out=$RUN_DIR/$IMPL-$FLAVOUR-demo-smp$SMP
sed -n '/^=== kprobe_events demo/,/^DEMO: /p' "$out/console.log" | tr -d '\r'
grep -q '^DEMO: PASS' "$out/console.log" || die "demo failed; console log in ${out#$ROOT/}/console.log"
