#!/bin/sh
# Jump-optimized probes in a module that goes away and comes back: a
# kprobe_events probe on kprobe_bench's bench_kev_fn is optimized, the
# module is unloaded with the jump in its text, then loaded again (the
# event re-arms the probe), ROUNDS times.  Each round the probe must become
# a jump again and count exactly the calls made; report.py fails the boot
# on any splat meanwhile.  The probe goes at +0, or at +4 where +0 is a
# BTI landing pad (never optimized); +4 is ftrace's call site otherwise.
T=/sys/kernel/tracing
B=/bench
RUN=/sys/kernel/debug/kprobe_bench/run
OPTSYS=/proc/sys/debug/kprobes-optimization
ROUNDS=20
CALLS=1000
name=optprobes.module

cleanup() {
	echo 0 > $T/events/kprobes/optmod/enable 2>/dev/null
	echo '-:kprobes/optmod' >> $T/kprobe_events 2>/dev/null
	rmmod kprobe_bench 2>/dev/null
}
fail() {
	echo "$name FAIL $*"
	cleanup
	exit 0
}
hits() { awk '$1 == "optmod" { print $2 }' $T/kprobe_profile; }
# the text at bench_kev_fn + $1 becomes a jump (the module waits, 5 s at most)
optwait() {
	a=$(awk '$3 == "bench_kev_fn" { print $1; exit }' /proc/kallsyms)
	case "$a" in
	*[1-9a-f]*) echo "optwait $a $1" > $RUN 2>/dev/null ;;
	*) fail "no address of bench_kev_fn in /proc/kallsyms" ;;
	esac
}

[ -e $OPTSYS ] || fail "no jump-optimized kprobes ($OPTSYS)"
[ "$(cat $OPTSYS)" = 1 ] || fail "$OPTSYS is $(cat $OPTSYS)"
insmod $B/kprobe_bench.ko || fail "insmod"
off=
for o in 0 4; do
	echo "p:kprobes/optmod kprobe_bench:bench_kev_fn+$o" >> $T/kprobe_events ||
		fail "kprobe_events +$o: $(tail -n 1 $T/error_log)"
	echo 1 > $T/events/kprobes/optmod/enable || fail "enable"
	if optwait $o; then
		off=$o
		break
	fi
	echo 0 > $T/events/kprobes/optmod/enable
	echo '-:kprobes/optmod' >> $T/kprobe_events
done
[ -n "$off" ] || fail "a probe at bench_kev_fn+0 or +4 is not optimized"
r=0
while [ $r -lt $ROUNDS ]; do
	[ $r = 0 ] || optwait $off || fail "round $r: the probe did not become a jump again"
	echo "calls $CALLS" > $RUN || fail "round $r: calls"
	r=$((r + 1))
	h=$(hits)
	[ "$h" = $((r * CALLS)) ] || fail "round $r: $h hits after $((r * CALLS)) calls"
	rmmod kprobe_bench || fail "round $r: rmmod with an optimized probe in the module"
	insmod $B/kprobe_bench.ko || fail "round $r: insmod again"
done
cleanup
echo "$name PASS $ROUNDS rounds at bench_kev_fn+$off, $((ROUNDS * CALLS)) calls, $h hits"
