#!/bin/bash
# make check: build $IMPL in every flavour of CHECK_RUNS ("flavour:smp ...",
# flavours in harness/lib.sh), boot each, run the 'check' suite in the guest
# and judge all results with harness/report.py.  A run "flavour:smp:cmodx"
# boots only the KUnit suite arm64_cmodx, under single-threaded TCG; a run
# "flavour:smp:stress" the stress suite (harness/guest/suite-stress.sh); a
# run "flavour:smp:events" only its kprobe_events case, on thousands of
# functions (fast in a flavour without KASAN and lockdep); a run
# "flavour:smp:clients" Debian's trace-cmd, perf and bpftrace (make
# clients; harness/guest/suite-clients.sh).
. "$(dirname "$0")/lib.sh"

CHECK_RUNS=${CHECK_RUNS:-"default:2 debug:4 preempt:4 rt:2 llvm:2 debug:4:cmodx debug:4:stress default:2:events default:2:clients"}
start=$(date +%s)
flavours=$(for r in $CHECK_RUNS; do echo "${r%%:*}"; done | sort -u)
for f in $flavours; do
	FLAVOUR=$f "$ROOT/harness/build.sh"
	FLAVOUR=$f "$ROOT/harness/initramfs.sh"
done
"$ROOT/harness/hosttests.sh"
case " $CHECK_RUNS " in *:clients\ *) "$ROOT/harness/clients.sh" || msg "clients: no image" ;; esac
runs=()
for r in $CHECK_RUNS; do
	IFS=: read -r f n what <<< "$r"
	case "$what" in
	"")	# the whole 'check' suite; of the built-in KUnit suites, ours
		# and the core's (all named *kprobes*), not arm64_cmodx
		FLAVOUR=$f SMP=$n SUITE=check TIMEOUT=$(FLAVOUR=$f flavour_check_timeout) \
			EXTRA_CMDLINE="kunit.filter_glob=*kprobes*" "$ROOT/harness/boot.sh"
		runs+=("$RUN_DIR/$IMPL-$f-check-smp$n") ;;
	cmodx)	# only the KUnit suite arm64_cmodx, under single-threaded TCG,
		# which models code changed while other vCPUs run it
		[ "$IMPL" = ours ] || continue
		FLAVOUR=$f SMP=$n SUITE=kunit TCG_THREAD=single TIMEOUT=900 \
			RUN_NAME=$IMPL-$f-cmodx-smp$n EXTRA_CMDLINE="kunit.filter_glob=arm64_cmodx" \
			"$ROOT/harness/boot.sh"
		runs+=("$RUN_DIR/$IMPL-$f-cmodx-smp$n") ;;
	stress)	# probes on every function under load, without KUnit
		FLAVOUR=$f SMP=$n SUITE=stress TIMEOUT=1500 \
			RUN_NAME=$IMPL-$f-stress-smp$n EXTRA_CMDLINE="kunit.enable=0 kmemleak=on" \
			ARGS="seed=$((0x$(git -C "$ROOT" rev-parse --short=7 HEAD 2>/dev/null || echo 1)))" \
			"$ROOT/harness/boot.sh"
		runs+=("$RUN_DIR/$IMPL-$f-stress-smp$n") ;;
	events)	# kprobe_events by the thousand: the first 3,000 candidate
		# functions, at least 2,900 defined (the debug boot's stress suite
		# defines what 50 s allow: KASAN and lockdep make each definition
		# cost some 30 ms there)
		FLAVOUR=$f SMP=$n SUITE=stress TIMEOUT=900 \
			RUN_NAME=$IMPL-$f-events-smp$n EXTRA_CMDLINE="kunit.enable=0" \
			ARGS="seed=$((0x$(git -C "$ROOT" rev-parse --short=7 HEAD 2>/dev/null || echo 1))),cases=events,evreg=90,evmin=2900,evmax=3000" \
			"$ROOT/harness/boot.sh"
		runs+=("$RUN_DIR/$IMPL-$f-events-smp$n") ;;
	clients) # the tools people trace with, from the clients image
		FLAVOUR=$f SMP=$n SUITE=clients TIMEOUT=900 DRIVE="$BUILD/clients/clients.img" \
			RUN_NAME=$IMPL-$f-clients-smp$n EXTRA_CMDLINE="kunit.enable=0" \
			"$ROOT/harness/boot.sh"
		runs+=("$RUN_DIR/$IMPL-$f-clients-smp$n") ;;
	*)	die "CHECK_RUNS: unknown run '$r'" ;;
	esac
done
report=$RUN_DIR/check-$IMPL.txt
rc=0
confs=$(for f in $flavours; do printf '%s,' "$BUILD/obj-$IMPL-$f/.config-results"; done)
python3 "$ROOT/harness/report.py" "$IMPL" "${confs%,}" \
	--host "$RUN_DIR/host-results.txt" "${runs[@]}" |
	tee "$report" || rc=$?
msg "check ($IMPL) took $(( $(date +%s) - start ))s; report in ${report#$ROOT/}"
exit $rc
