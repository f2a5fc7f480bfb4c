#!/bin/sh
# The 'bench' suite: cost of probe hits (harness/bench.sh boots it).
# harness.args: n=<calls per kernel scenario>,m=<getppid calls>,bl=<offset
# of the first BL in __arm64_sys_getppid>,l=<life-cycle rounds>.
# Results: /results/bench.txt, lines "BENCH <scenario> <value> ...".
N=10000 M=100000 BL= L=5
for a in $HARNESS_ARGS; do
	case "$a" in
	n=*) N=${a#n=} ;;
	m=*) M=${a#m=} ;;
	bl=*) BL=${a#bl=} ;;
	l=*) L=${a#l=} ;;
	esac
done
B=/bench
T=/sys/kernel/tracing
RUN=/sys/kernel/debug/kprobe_bench/run
R=/results/bench.txt
out() { echo "BENCH $*" >> $R; }

insmod $B/kprobe_bench.ko || { out "error insmod"; exit 1; }

# Where the kernel has jump-optimized kprobes, every row but the opt-* ones
# measures breakpoint probes: the optimizer is off until the opt-* rows.
OPTSYS=/proc/sys/debug/kprobes-optimization
[ -e $OPTSYS ] && echo 0 > $OPTSYS
# Wait (at most 5 s) until the probe of kprobe_events at symbol $1 + $2
# (hex) is optimized: its BRK replaced by a jump.  debugfs kprobes/list says
# [OPTIMIZED] as soon as the probe is queued for it, before the jump is there.
wait_opt() {
	[ -e $OPTSYS ] && [ "$(cat $OPTSYS)" = 1 ] || return 0
	a=$(awk -v s="$1" '$3 == s { print $1; exit }' /proc/kallsyms)
	[ -n "$a" ] && echo "optwait $a ${2#0x}" > $RUN
}

# Slot memory: pages of out-of-line slots for 1000 more probes, after a
# first 1000 filled whatever page was already there.
pages() { grep -c ' kprobe_insn_page' /proc/kallsyms; }
echo "hold 1000" > $RUN
p0=$(pages)
echo "hold 1000" > $RUN
p1=$(pages)
echo "release 1" > $RUN
out "slotpages $((p1 - p0)) pages for 1000 probes"

# In-kernel scenarios (baseline, entry, xol, post, bcond, bl, ret, kretprobe).
echo "all $N" > $RUN
# The life cycle waits for RCU grace periods, which end on ticks: L rounds
# (each on NOPs, then ADDs), so that the report can give the spread.  It
# runs on CPU 0 for both IMPLs: under -icount, a stop_machine() costs more
# virtual time when CPU 0 calls it than when CPU 1 does (QEMU runs the
# vCPUs in turn), 54 against 38 ms for the 1000 disarms of ADDs, the
# same for both IMPLs; left to the scheduler, a boot got either.
i=0
while [ $i -lt "$L" ]; do
	busybox taskset -c 0 sh -c "echo 'lifecycle 1000' > $RUN"
	i=$((i + 1))
done

# A kprobe_events event with two fetch args on the same function.
kev() { # name spec
	echo "$2" > $T/kprobe_events || { out "$1 error $(cat $T/error_log)"; return; }
	echo 1 > $T/events/bench/enable
	wait_opt bench_kev_fn 0 || out "$1 error not optimized"
	echo "calls $N" > $RUN
	echo 0 > $T/events/bench/enable
	echo "$1 $(dmesg | grep 'kprobe_bench: calls ' | tail -n 1 | sed 's/.*calls //')" >> /tmp/kev
	echo > $T/kprobe_events
	echo > $T/trace
}
echo "calls $N" > $RUN
echo "kev-base $(dmesg | grep 'kprobe_bench: calls ' | tail -n 1 | sed 's/.*calls //')" > /tmp/kev
kev kev 'p:bench/kev kprobe_bench:bench_kev_fn x=%x0 y=+0(%x1):u64'
while read -r l; do out "$l"; done < /tmp/kev

# getppid() from user space, with kprobe_events events on the syscall.
gp() { # name spec [offset]
	if [ -n "$2" ]; then
		echo "$2" > $T/kprobe_events || { out "$1 error"; return; }
		echo 1 > $T/events/bench/enable
		wait_opt __arm64_sys_getppid "${3:-0}" || out "$1 error not optimized"
	fi
	v=$($B/getppid_bench "$M")
	if [ -n "$2" ]; then
		echo 0 > $T/events/bench/enable
		echo > $T/kprobe_events
		echo > $T/trace
	fi
	out "$1 ${v#getppid } ns/call"
}
gp getppid-base ""
gp getppid-entry 'p:bench/gp __arm64_sys_getppid'
[ -n "$BL" ] && gp getppid-bl "p:bench/gp __arm64_sys_getppid+$BL"
gp getppid-ret 'r:bench/gp __arm64_sys_getppid'

# The same probes once optimized (jump-optimized kprobes only).
if [ -e $OPTSYS ]; then
	echo 1 > $OPTSYS
	echo "opt $N" > $RUN
	kev opt-kev 'p:bench/kev kprobe_bench:bench_kev_fn x=%x0 y=+0(%x1):u64'
	tail -n 1 /tmp/kev | while read -r l; do out "$l"; done
	gp opt-getppid-entry 'p:bench/gp __arm64_sys_getppid'
	[ -n "$BL" ] && gp opt-getppid-bl "p:bench/gp __arm64_sys_getppid+$BL" "$BL"
	gp opt-getppid-ret 'r:bench/gp __arm64_sys_getppid'
fi

rmmod kprobe_bench
dmesg | grep 'kprobe_bench: ' | grep -v 'kprobe_bench: calls ' |
	sed 's/^.*kprobe_bench: /BENCH /' >> $R
cat $R
