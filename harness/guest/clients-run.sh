#!/bin/sh
# The tests of the 'clients' suite, run by suite-clients.sh under dash,
# chrooted into the clients image (Debian's trace-cmd, perf, bpftrace).
# Every count is checked exactly against /stress/clientload, which makes
# N getppid() and M openat() calls and prints what the probes must see:
# "ppid=P fd=F getppid=N opened=M".  Bad input through each tool must get
# an error from the tool and leave no probe behind.
# Prints "<tool>.<check> PASS|FAIL <detail>" to /results/clients.txt.
T=/sys/kernel/tracing
KL=/sys/kernel/debug/kprobes/list
L=/stress/clientload
N=1000
M=200
FILE=/tmp/clients-file
F=__arm64_sys_getppid
O=do_sys_openat2
OUT=/results/clients.txt
W=/tmp/clients
mkdir -p $W
echo data > $FILE
# (the detail, which quotes the tools' own messages, "WARNING: ..." among
# them, goes to the results file only: the console is judged for splats)
res() { printf '%s %s %s\n' "$1" "$2" "$3" >> $OUT; echo "clients: $1 $2"; }
stamp() { echo "HARNESS: t=$(cut -d' ' -f1 /proc/uptime) clients: $*"; }
# the workload's own report: sets ppid and fd
workload() { # file with the workload's stdout
	ppid= fd=
	eval "$(sed -n "s/^ppid=\([0-9]*\) fd=\([0-9]*\) getppid=$N opened=$M\$/ppid=\1 fd=\2/p" "$1")"
	[ -n "$ppid" ] && [ -n "$fd" ]
}
probes() { grep -c -e $F -e $O -e get_kprobe $KL; }
# no probe of ours left in the kernel, and kprobe_events empty
none_left() { # check
	n=$(probes) e=$(grep -c . $T/kprobe_events)
	if [ "$n" = 0 ] && [ "$e" = 0 ]; then
		res "$1" PASS "no probe left in kprobes/list, kprobe_events empty"
	else
		res "$1" FAIL "$n probes in kprobes/list, $e lines in kprobe_events: $(head -n 3 $KL $T/kprobe_events | tr '\n' ' ')"
	fi
}
# the first instruction after the ftrace call site (after a BTI, if any)
fa=$(awk -v f=$F '$3 == f { print $1; exit }' /proc/kallsyms)
ip=$(awk -v f=$F '$2 == f { print $1; exit }' $T/available_filter_functions_addrs)
case "$fa$ip" in
*[!0-9a-f]* | "" | 0000000000000000*)
	res setup FAIL "$F: address '$fa', ftrace site '$ip'"
	exit 0 ;;
esac
# (dash's arithmetic is signed 64-bit: kernel addresses do not fit; the
# low 32 bits of both do)
mid=$(( ((0x${ip#????????} - 0x${fa#????????}) & 0xffffffff) + 4 ))
echo "clients: $F at $fa, ftrace site $ip: mid-function probes at +$mid"
case $mid in
8|12|16) ;;
*)	res setup FAIL "$F at $fa, ftrace site $ip: +$mid is not after a call site"
	exit 0 ;;
esac

for t in trace-cmd perf bpftrace; do
	echo "$t: $($t --version 2>&1 | head -n 1)"
done | tee $W/versions

# --- trace-cmd: record kprobe and kretprobe events with arguments ---------
stamp trace-cmd
echo > $T/kprobe_events
{
	echo "p:clients/getppid $F"
	echo "r:clients/getppid_ret $F ret=\$retval:s32"
	echo "p:clients/open $O dfd=%x0:s32 path=+0(%x1):ustring"
	echo "r:clients/open_ret $O ret=\$retval:s32"
} > $W/defs
ok=1
while read -r d; do
	echo "$d" >> $T/kprobe_events || ok=0
done < $W/defs
if [ $ok = 1 ]; then
	(cd $W && trace-cmd record -q -o $W/tc.dat -e clients -F $L $N $M $FILE) > $W/tc.out 2> $W/tc.err
	rc=$?
	trace-cmd report -i $W/tc.dat > $W/tc.txt 2> $W/tc.rerr
	if [ $rc = 0 ] && workload $W/tc.out; then
		# only the workload's own events: its comm
		c() { grep -c "clientload-.* $1: " $W/tc.txt; }
		v() { grep "clientload-.* $1: " $W/tc.txt | grep -c -- "$2"; }
		g=$(c getppid) gr=$(c getppid_ret) grv=$(v getppid_ret " ret=$ppid\$")
		o=$(c open) ov=$(v open " dfd=-100 path=\"$FILE\"\$") orr=$(c open_ret) orv=$(v open_ret " ret=$fd\$")
		if [ "$g" = $N ] && [ "$gr" = $N ] && [ "$grv" = $N ]; then
			res trace-cmd.getppid PASS "$N calls: $g kprobe events, $gr kretprobe events with ret=$ppid"
		else
			res trace-cmd.getppid FAIL "$N calls: $g kprobe events, $gr kretprobe events, $grv with ret=$ppid"
		fi
		if [ "$o" = $M ] && [ "$ov" = $M ] && [ "$orr" = $M ] && [ "$orv" = $M ]; then
			res trace-cmd.open PASS "$M opens: $o events with dfd=-100 path=\"$FILE\", $orr returns with ret=$fd"
		else
			res trace-cmd.open FAIL "$M opens: $o events, $ov with dfd=-100 path=\"$FILE\", $orr returns, $orv with ret=$fd; $(grep -m 1 "clientload-.* open: " $W/tc.txt)"
		fi
	else
		res trace-cmd.record FAIL "rc=$rc: $(head -c 300 $W/tc.err $W/tc.out | tr '\n' ' ')"
	fi
else
	res trace-cmd.define FAIL "kprobe_events refused: $(cat $W/defs | tr '\n' ';')"
fi
# bad input: trace-cmd defines no probes itself; an event the kernel
# refused to define does not exist, and recording it must fail
if echo "p:clients/bad get_kprobe" >> $T/kprobe_events 2> /dev/null; then
	res trace-cmd.bad FAIL "kprobe_events accepted a probe on get_kprobe (blacklisted)"
elif trace-cmd record -q -o $W/bad.dat -e clients:bad true > $W/bad.out 2>&1; then
	res trace-cmd.bad FAIL "trace-cmd record -e clients:bad succeeded"
else
	res trace-cmd.bad PASS "get_kprobe refused by kprobe_events; trace-cmd record: $(grep -v '^$' $W/bad.out | head -n 1)"
fi
echo > $T/kprobe_events
none_left trace-cmd.cleared

# --- perf probe, stat, record, script ------------------------------------
stamp perf
ok=1
# perf names a return probe NAME__return
for d in "clients_getppid=$F" "clients_getppid_ret=$F%return ret=\$retval:s32" \
	 "clients_open=$O dfd=%x0:s32 path=+0(%x1):ustring" "clients_open_ret=$O%return ret=\$retval:s32"; do
	if ! perf probe -q -a "$d" > $W/pp.out 2>&1; then
		ok=0
		res perf.probe FAIL "perf probe -a '$d': $(head -c 300 $W/pp.out | tr '\n' ' ')"
	fi
done
if [ $ok = 1 ]; then
	res perf.probe PASS "4 events defined: $(perf probe -l 2>/dev/null | awk '{ print $1 }' | tr '\n' ' ')"
	ev="-e probe:clients_getppid -e probe:clients_getppid_ret__return -e probe:clients_open -e probe:clients_open_ret__return"
	perf stat -x, -o $W/stat.txt $ev -- $L $N $M $FILE > $W/stat.out 2> $W/stat.err
	rc=$?
	cnt() { awk -F, -v e="probe:$1" '$3 == e { print $1 }' $W/stat.txt; }
	g=$(cnt clients_getppid) gr=$(cnt clients_getppid_ret__return) o=$(cnt clients_open) orr=$(cnt clients_open_ret__return)
	if [ $rc = 0 ] && [ "$g" = $N ] && [ "$gr" = $N ] && [ "$o" = $M ] && [ "$orr" = $M ]; then
		res perf.stat PASS "$N getppid, $M opens: counted $g, $gr, $o, $orr"
	else
		res perf.stat FAIL "$N getppid, $M opens: counted '$g' '$gr' '$o' '$orr' (rc=$rc) $(head -c 300 $W/stat.err $W/stat.txt | tr '\n' ' ')"
	fi
	perf record -q -o $W/perf.data $ev -- $L $N $M $FILE > $W/rec.out 2> $W/rec.err
	rc=$?
	perf script -i $W/perf.data > $W/script.txt 2> $W/script.err
	if [ $rc = 0 ] && workload $W/rec.out; then
		c() { grep -c "^ *clientload .* probe:$1: " $W/script.txt; }
		v() { grep "^ *clientload .* probe:$1: " $W/script.txt | grep -c -- "$2"; }
		g=$(c clients_getppid) gr=$(c clients_getppid_ret__return) grv=$(v clients_getppid_ret__return " ret=$ppid\$")
		o=$(c clients_open) ov=$(v clients_open " dfd=-100 path=\"$FILE\"\$")
		orr=$(c clients_open_ret__return) orv=$(v clients_open_ret__return " ret=$fd\$")
		if [ "$g" = $N ] && [ "$gr" = $N ] && [ "$grv" = $N ] &&
		   [ "$o" = $M ] && [ "$ov" = $M ] && [ "$orr" = $M ] && [ "$orv" = $M ]; then
			res perf.script PASS "$g getppid, $gr returns with ret=$ppid, $o opens with dfd=-100 path=\"$FILE\", $orr returns with ret=$fd"
		else
			res perf.script FAIL "$N getppid: $g events, $gr returns, $grv with ret=$ppid; $M opens: $o events, $ov with dfd=-100 path=\"$FILE\", $orr returns, $orv with ret=$fd; $(grep -m 1 clients_open: $W/script.txt)"
		fi
	else
		res perf.record FAIL "rc=$rc: $(head -c 300 $W/rec.err $W/rec.out | tr '\n' ' ')"
	fi
fi
perf probe -q -d 'probe:clients_*' > $W/del.out 2>&1
left=$(perf probe -l 2>/dev/null | grep -c clients_)
if [ "$left" = 0 ] && ! grep -q clients_ $T/kprobe_events; then
	res perf.delete PASS "perf probe -d removed every event"
else
	res perf.delete FAIL "$left left after perf probe -d: $(cat $W/del.out $T/kprobe_events | head -n 3 | tr '\n' ' ')"
fi
# bad input
refused() { # check tool-command... ; the command must fail and add nothing
	chk=$1
	shift
	before="$(probes) $(grep -c . $T/kprobe_events)"
	if "$@" > $W/bad.out 2>&1; then
		res "$chk" FAIL "'$*' succeeded"
	elif [ "$(probes) $(grep -c . $T/kprobe_events)" != "$before" ]; then
		res "$chk" FAIL "'$*' failed but left a probe: $(grep -e $F -e get_kprobe $KL | head -n 1) $(head -n 1 $T/kprobe_events)"
	else
		res "$chk" PASS "'$*': $(grep -v '^ *$' $W/bad.out | sed -n '1p;$p' | uniq | tr '\n' ' ' | head -c 240)"
	fi
}
refused perf.bad-blacklisted perf probe -a get_kprobe
refused perf.bad-unaligned perf probe -a "$F+$((mid + 2))"
refused perf.bad-no-symbol perf probe -a kp_no_such_function
none_left perf.none-left

# --- bpftrace --------------------------------------------------------------
stamp bpftrace
bt() { # check expect program: the map line bpftrace prints must be $expect
	chk=$1 want=$2 prog=$3
	timeout 300 bpftrace -e "$prog" -c "$L $N $M $FILE" > $W/bt.out 2> $W/bt.err
	rc=$?
	if [ $rc = 0 ] && workload $W/bt.out; then
		# the expected line, with the workload's values put in
		want=$(echo "$want" | sed "s/PPID/$ppid/; s/FD/$fd/")
		got=$(grep '^@' $W/bt.out | tr '\n' ' ')
		if [ "$got" = "$want " ]; then
			res "bpftrace.$chk" PASS "$got"
		else
			res "bpftrace.$chk" FAIL "expected '$want', got '$got'"
		fi
	else
		res "bpftrace.$chk" FAIL "rc=$rc: $(head -c 300 $W/bt.err $W/bt.out | tr '\n' ' ')"
	fi
}
bt kprobe "@: $N" "kprobe:$F /pid == cpid/ { @ = count(); }"
bt kretprobe "@[PPID]: $N" "kretprobe:$F /pid == cpid/ { @[retval] = count(); }"
bt offset "@: $N" "kprobe:$F+$mid /pid == cpid/ { @ = count(); }"
# (no casts: without BTF or kernel headers, bpftrace cannot parse them)
bt args "@[$FILE]: $M" "kprobe:$O /pid == cpid/ { @[str(uptr(arg1))] = count(); }"
bt kretprobe-open "@[FD]: $M" "kretprobe:$O /pid == cpid/ { @[retval] = count(); }"
# (bounded: a probe wrongly accepted would wait for a hit to exit)
refused bpftrace.bad-blacklisted timeout 120 bpftrace -e 'kprobe:get_kprobe { @ = count(); exit(); }'
refused bpftrace.bad-unaligned timeout 120 bpftrace -e "kprobe:$F+$((mid + 2)) { @ = count(); exit(); }"
refused bpftrace.bad-no-symbol timeout 120 bpftrace -e 'kprobe:kp_no_such_function { @ = count(); exit(); }'
none_left bpftrace.none-left

# the tools' output, for the report's reader
mkdir -p /results/clients
cp $W/*.txt $W/*.out $W/*.err $W/versions /results/clients/ 2> /dev/null

# --- ftracetest under dash --------------------------------------------------
stamp ftracetest
cd /selftests/ftrace || { res ftracetest FAIL "no /selftests/ftrace"; exit 0; }
{ ./ftracetest -k -l /results/ftrace-logs test.d/dynevent/add_remove_uprobe.tc 2>&1; echo "ftracetest: exit $?"; } |
	tee /results/ftracetest.txt
stamp done
# the last line: suite-clients.sh fails the suite without it
res completed PASS "every case ran"
