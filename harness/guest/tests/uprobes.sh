#!/bin/sh
# The arm64 uprobe selftest: a uprobe (with %x0) on every marked instruction
# of /uprobe/uprobe_target and a uprobe + uretprobe (with $retval) on each
# function; the program's output must not change, every site must record
# its hits and values, and refused sites must fail to enable.
# Prints "uprobes.<check> PASS|FAIL <detail>" lines.
T=/sys/kernel/tracing
P=/uprobe/uprobe_target
S=/uprobe/sites
res() { echo "uprobes.$1 $2 $3"; }

if [ ! -e $T/uprobe_events ]; then
	res events FAIL "no uprobe_events"
	exit 0
fi
ref=$($P)
echo > $T/trace
while read -r kind name off; do
	case $kind in
	site|refused) echo "p:ut/$name $P:$off x0=%x0" >> $T/uprobe_events ;;
	func)
		echo "p:ut/e_$name $P:$off x0=%x0" >> $T/uprobe_events
		echo "r:ut/r_$name $P:$off ret=\$retval" >> $T/uprobe_events ;;
	esac
done < $S

# Enable while the program is mapped, so that refusals show at enable time.
$P wait > /tmp/ut.out &
pid=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
	grep -q ready /tmp/ut.out 2>/dev/null && break
	sleep 1
done
failed=
for e in $T/events/ut/*/enable; do
	n=${e%/enable}; n=${n##*/}
	echo 1 > "$e" 2>/dev/null || failed="$failed $n"
done
# A refused place that enabled anyway must not run: a uprobe inside an
# LDXR..STXR window would make the program loop forever.
while read -r kind name off; do
	[ "$kind" = refused ] || continue
	case " $failed " in *" $name "*) ;; *) echo 0 > $T/events/ut/$name/enable ;; esac
done < $S
kill -USR1 $pid
wait $pid
for e in $T/events/ut/*/enable; do echo 0 > "$e"; done
out=$(grep -v ready /tmp/ut.out)

if [ "$out" = "$ref" ]; then
	res output PASS
else
	res output FAIL "with probes: $(echo $out) / without: $(echo $ref)"
fi

hits() { grep -c " $1: (" $T/trace; }
bad_hits= bad_refused= bad_enable=
nsite=0
while read -r kind name off; do
	want=1
	[ "$name" = leaf_add ] && want=3
	# called twice: once on good memory, once on NULL (SIGSEGV in the step)
	[ "$name" = ldr_fault ] && want=2
	case $kind in
	site)
		nsite=$((nsite + 1))
		case " $failed " in *" $name "*) bad_enable="$bad_enable $name"; continue ;; esac
		h=$(hits $name)
		[ "$h" = "$want" ] || bad_hits="$bad_hits $name=$h/$want" ;;
	refused)
		case " $failed " in *" $name "*) ;; *) bad_refused="$bad_refused $name" ;; esac ;;
	esac
done < $S
[ -z "$bad_enable" ] && res sites-enable PASS "$nsite sites" || res sites-enable FAIL "refused:$bad_enable"
[ -z "$bad_hits" ] && res sites-hits PASS || res sites-hits FAIL "$bad_hits"
[ -z "$bad_refused" ] && res refused PASS || res refused FAIL "accepted:$bad_refused"

# Values: x0 at function entry, $retval at return.
vals_ok=1 detail=
check() { # event field expected
	v=$(grep " $1: (" $T/trace | head -n 1 | sed -n "s/.* $2=\([^ ]*\).*/\1/p")
	if [ -z "$v" ] || [ $((v)) -ne $(($3)) ]; then
		vals_ok=0
		detail="$detail $1.$2=$v(want $3)"
	fi
}
check e_f_branch x0 7
check e_f_calls x0 10
check e_f_sys x0 42
check r_f_branch ret "$(echo "$ref" | sed -n 's/^f_branch //p')"
check r_f_literal ret "$(echo "$ref" | sed -n 's/^f_literal //p')"
check r_f_calls ret "$(echo "$ref" | sed -n 's/^f_calls //p')"
check r_f_sys ret "$(echo "$ref" | sed -n 's/^f_sys //p')"
check r_f_memory ret "$(echo "$ref" | sed -n 's/^f_memory \([0-9]*\) .*/\1/p')"
check r_f_leaf ret 13
# The SVE case: the reference run (no probes) is the CPU's answer; it needs
# SVE with a VL above 128 bits, or there is nothing above bit 127 to zero.
sve=$(echo "$ref" | sed -n 's/^f_sve vl \([0-9]*\) q \(.*\) upper-nonzero \([0-9]*\)$/\1 \2 \3/p')
set -- $sve
if [ -z "$sve" ]; then
	res sve FAIL "no SVE in the guest: $(echo "$ref" | grep f_sve)"
elif [ "$1" -le 16 ] || [ "$3" != 0 ] || [ "$2" != 0xa0b0c0d0e0f1011:0x102030405060708 ]; then
	res sve FAIL "reference run: vl $1 q $2 upper-nonzero $3"
else
	# The probed run is compared with the reference in uprobes.output.
	res sve PASS "vl $1"
	check r_f_sve ret "$1"
fi

[ $vals_ok = 1 ] && res values PASS || res values FAIL "$detail"

echo > $T/uprobe_events
