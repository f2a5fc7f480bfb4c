#!/bin/bash
# make check: build $IMPL in every flavour of CHECK_RUNS ("flavour:smp ...",
# flavours in harness/lib.sh), boot each, run the 'check' suite in the guest
# and judge all results with harness/report.py.
. "$(dirname "$0")/lib.sh"

CHECK_RUNS=${CHECK_RUNS:-"default:2 debug:4 preempt:4 rt:2 llvm:2"}
start=$(date +%s)
flavours=$(for r in $CHECK_RUNS; do echo "${r%%:*}"; done | sort -u)
for f in $flavours; do
	FLAVOUR=$f "$ROOT/harness/build.sh"
	FLAVOUR=$f "$ROOT/harness/initramfs.sh"
done
"$ROOT/harness/hosttests.sh"
runs=()
for r in $CHECK_RUNS; do
	f=${r%%:*} n=${r##*:}
	FLAVOUR=$f SMP=$n SUITE=check TIMEOUT=$(FLAVOUR=$f flavour_check_timeout) \
		"$ROOT/harness/boot.sh"
	runs+=("$RUN_DIR/$IMPL-$f-check-smp$n")
done
report=$RUN_DIR/check-$IMPL.txt
rc=0
confs=$(for f in $flavours; do printf '%s,' "$BUILD/obj-$IMPL-$f/.config-results"; done)
python3 "$ROOT/harness/report.py" "$IMPL" "${confs%,}" \
	--host "$RUN_DIR/host-results.txt" "${runs[@]}" |
	tee "$report" || rc=$?
msg "check ($IMPL) took $(( $(date +%s) - start ))s; report in ${report#$ROOT/}"
exit $rc
