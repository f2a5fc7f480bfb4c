#!/bin/bash
# make demo: build IMPL (ours by default), boot it, and trace with
# kprobe_events on the console (harness/guest/suite-demo.sh), then with
# Debian's perf and trace-cmd from the clients image (make clients).
. "$(dirname "$0")/lib.sh"

"$ROOT/harness/build.sh"
"$ROOT/harness/initramfs.sh"
"$ROOT/harness/clients.sh"
# (KUnit is make check's: not run at boot here)
SUITE=demo TIMEOUT=${TIMEOUT:-600} DRIVE="$BUILD/clients/clients.img" EXTRA_CMDLINE="kunit.enable=0" \
	"$ROOT/harness/boot.sh"
out=$RUN_DIR/$IMPL-$FLAVOUR-demo-smp$SMP
sed -n '/^=== kprobe_events demo/,/^DEMO: /p' "$out/console.log" | tr -d '\r'
grep -q '^DEMO: PASS' "$out/console.log" || die "demo failed; console log in ${out#$ROOT/}/console.log"
