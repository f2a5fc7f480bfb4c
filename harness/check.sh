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
#
# CHECK_JOBS (default 2) things run at once: the builder (every flavour's
# build and initramfs one after the other, in the order the flavours first
# appear in CHECK_RUNS, then the host tests and the clients image) holds one
# place while it runs, boots the others.  A boot starts as soon as its
# flavour is built and a place is free, in CHECK_RUNS order (so the longest
# come first).  A boot of TCG keeps a little over one host core busy (KUnit
# and ftracetest run one thing at a time), so two at once use the machine's
# two cores; CHECK_JOBS=1 runs everything one after the other.  No test
# depends on how fast a boot runs; each boot's time limit allows for its
# neighbour.
. "$(dirname "$0")/lib.sh"

CHECK_RUNS=${CHECK_RUNS:-"debug:4:stress debug:4 default:2 default:2:events rt:2 preempt:4 llvm:2 debug:4:cmodx default:2:clients"}
CHECK_JOBS=${CHECK_JOBS:-2}
case "$CHECK_JOBS" in [1-9]) ;; *) die "CHECK_JOBS must be 1 to 9" ;; esac
start=$(date +%s)
flavours=$(for r in $CHECK_RUNS; do echo "${r%%:*}"; done | awk '!seen[$0]++')
[ -n "${CHECK_RUNS// /}" ] || die "CHECK_RUNS names no run"
for r in $CHECK_RUNS; do
	[[ $r =~ ^[a-z]+:[1-9][0-9]*(:(cmodx|stress|events|clients))?$ ]] ||
		die "CHECK_RUNS: '$r' is not flavour:smp[:cmodx|stress|events|clients]"
done
[ -z "$(printf '%s\n' $CHECK_RUNS | sort | uniq -d)" ] || die "CHECK_RUNS: a run is named twice"
q=$BUILD/check-queue-$IMPL
rm -rf "$q"
mkdir -p "$q" "$RUN_DIR"

# Time limits of a boot when others run beside it.
slow() { echo $(( $1 * (CHECK_JOBS > 1 ? 3 : 2) / 2 )); }

# One boot of CHECK_RUNS: its results land in $RUN_DIR/<name>.
boot_run() {
	local f=$1 n=$2 what=$3
	case "$what" in
	"")	# the whole 'check' suite; of the built-in KUnit suites, ours
		# and the core's (all named *kprobes*), not arm64_cmodx
		FLAVOUR=$f SMP=$n SUITE=check TIMEOUT=$(slow "$(FLAVOUR=$f flavour_check_timeout)") \
			EXTRA_CMDLINE="kunit.filter_glob=*kprobes*$(insn_args "$f")" "$ROOT/harness/boot.sh" ;;
	cmodx)	# only the KUnit suite arm64_cmodx, under single-threaded TCG,
		# which models code changed while other vCPUs run it
		FLAVOUR=$f SMP=$n SUITE=kunit TCG_THREAD=single TIMEOUT=$(slow 900) \
			RUN_NAME=$IMPL-$f-cmodx-smp$n EXTRA_CMDLINE="kunit.filter_glob=arm64_cmodx" \
			"$ROOT/harness/boot.sh" ;;
	stress)	# probes on every function under load, without KUnit
		FLAVOUR=$f SMP=$n SUITE=stress TIMEOUT=$(slow 1800) \
			RUN_NAME=$IMPL-$f-stress-smp$n EXTRA_CMDLINE="kunit.enable=0 kmemleak=on" \
			ARGS="seed=$(seed)" "$ROOT/harness/boot.sh" ;;
	events)	# kprobe_events by the thousand: the first 3,000 candidate
		# functions, at least 2,900 defined (evreg= only bounds the time
		# the definitions may take; the debug boot's stress suite
		# defines 600, as KASAN and lockdep make each cost some 30 ms)
		FLAVOUR=$f SMP=$n SUITE=stress TIMEOUT=$(slow 900) \
			RUN_NAME=$IMPL-$f-events-smp$n EXTRA_CMDLINE="kunit.enable=0" \
			ARGS="seed=$(seed),cases=events,evreg=400,evmin=2900,evmax=3000" \
			"$ROOT/harness/boot.sh" ;;
	clients) # the tools people trace with, from the clients image
		FLAVOUR=$f SMP=$n SUITE=clients TIMEOUT=$(slow 900) DRIVE="$BUILD/clients/clients.img" \
			RUN_NAME=$IMPL-$f-clients-smp$n EXTRA_CMDLINE="kunit.enable=0" \
			"$ROOT/harness/boot.sh" ;;
	esac
}
# The instruction suite's random encodings (insn_kunit.c): 10,000 per
# class from the suite's own seed in the default flavour, 2,000 from a seed
# of its own in each other one (500 in the debug flavour, where KASAN and
# lockdep make each one cost as much as eight elsewhere), so that every
# flavour checks encodings the others do not, the same ones at every
# commit.
insn_args() {
	[ "$IMPL" = ours ] || return 0
	local p=kprobes_kunit_test
	case "$1" in
	debug) echo " $p.per_class=500 $p.seed=1000" ;;
	preempt) echo " $p.per_class=2000 $p.seed=2000" ;;
	rt) echo " $p.per_class=2000 $p.seed=3000" ;;
	llvm) echo " $p.per_class=2000 $p.seed=4000" ;;
	esac
}
# A process and all its descendants (from /proc: procps may be missing).
# Each is stopped before its children are looked for, so that it starts
# none after.
killtree() {
	local f st ppid
	kill -STOP "$1" 2>/dev/null || return 0
	for f in /proc/[0-9]*/stat; do
		{ read -r st < "$f"; } 2>/dev/null || continue
		read -r _ ppid _ <<< "${st##*) }"
		[ "$ppid" = "$1" ] && killtree "${f//[^0-9]/}"
	done
	kill "$1" 2>/dev/null || true
	kill -CONT "$1" 2>/dev/null || true
}
# Whether a background job of this shell still runs (not kill -0: the
# number of one that ended may be another process's by now).
running() { [[ " $(jobs -rp | tr '\n' ' ') " == *" $1 "* ]]; }
# Background jobs ignore SIGINT: stop the builder and the boots with us.
cleanup() {
	local p
	trap - EXIT INT TERM
	for p in $(jobs -rp); do killtree "$p"; done
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
seed() { echo $((0x$(git -C "$ROOT" rev-parse --short=7 HEAD 2>/dev/null || echo 1))); }
run_name() {
	case "$3" in
	"") echo "$IMPL-$1-check-smp$2" ;;
	*) echo "$IMPL-$1-$3-smp$2" ;;
	esac
}

# The builder: each flavour's build and initramfs, then the host tests and
# the clients image.  It leaves built-<flavour>, then done (or failed).
(
	trap '[ -e "$q/done" ] || touch "$q/failed"' EXIT
	for f in $flavours; do
		FLAVOUR=$f "$ROOT/harness/build.sh"
		FLAVOUR=$f "$ROOT/harness/initramfs.sh"
		touch "$q/built-$f"
	done
	"$ROOT/harness/hosttests.sh"
	case " $CHECK_RUNS " in *:clients\ *) "$ROOT/harness/clients.sh" || msg "clients: no image" ;; esac
	touch "$q/done"
) &
builder=$!

pending=() runs=()
for r in $CHECK_RUNS; do
	IFS=: read -r f n what <<< "$r"
	[ "$what" = cmodx ] && [ "$IMPL" != ours ] && continue
	pending+=("$r")
	runs+=("$RUN_DIR/$(run_name "$f" "$n" "$what")")
	rm -rf "${runs[-1]}"	# a boot that fails to start must not leave old results
done
declare -A booting=()
while :; do
	# a builder killed outside its trap (OOM) leaves neither mark
	running "$builder" || [ -e "$q/done" ] || touch "$q/failed"
	[ -e "$q/failed" ] && break
	for p in "${!booting[@]}"; do
		running "$p" && continue
		wait "$p" || msg "check: the boot ${booting[$p]} failed"
		unset "booting[$p]"
	done
	[ ${#pending[@]} = 0 ] && [ ${#booting[@]} = 0 ] && [ -e "$q/done" ] && break
	free=$(( CHECK_JOBS - ${#booting[@]} ))
	[ -e "$q/done" ] || free=$((free - 1))
	left=()
	for r in "${pending[@]}"; do
		IFS=: read -r f n what <<< "$r"
		if [ "$free" -gt 0 ] && [ -e "$q/built-$f" ] &&
			{ [ "$what" != clients ] || [ -e "$q/done" ]; }; then
			boot_run "$f" "$n" "$what" &
			booting[$!]=$r
			free=$((free - 1))
		else
			left+=("$r")
		fi
	done
	pending=("${left[@]}")
	sleep 2
done
if [ -e "$q/failed" ]; then
	msg "check: the builder failed; stopping the boots"
	cleanup
	wait
	die "check ($IMPL): a build failed (see above)"
fi
wait "$builder"
trap - EXIT INT TERM

report=$RUN_DIR/check-$IMPL.txt
rc=0
confs=$(for f in $flavours; do printf '%s,' "$BUILD/obj-$IMPL-$f/.config-results"; done)
python3 "$ROOT/harness/report.py" "$IMPL" "${confs%,}" \
	--host "$RUN_DIR/host-results.txt" "${runs[@]}" |
	tee "$report" || rc=$?
msg "check ($IMPL) took $(( $(date +%s) - start ))s with CHECK_JOBS=$CHECK_JOBS; report in ${report#$ROOT/}"
exit $rc
