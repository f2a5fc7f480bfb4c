#!/bin/sh
# The 'stress' suite (make check's "debug:4:stress" boot): a kprobe, then a
# kretprobe, on every probe-able function entry of vmlinux at once while a
# workload runs on every CPU and CPUs go offline and back; the same through
# kprobe_events; fetch arguments that fault; every allocation of a probe's
# registration failed in turn; a module unloaded and reloaded under armed
# probes; concurrent register/unregister churn; kmemleak over all of it.
# Each case stops registering at its deadline and reports how far it got.
# harness.args: seed=<n>,reg=<s>,hold=<s>,rounds=<n>,churn=<s>,evreg=<s>,
#   evmin=<n> (kprobe_events defined at least; 99% of evmax by default),
#   evmax=<n> (candidates tried; evreg= bounds the time that may take, it
#   is not the measure),
#   cases=<case>+<case>... (fetch cpudown faults modules churn kprobe kretprobe
#   events kmemleak: all by default; kmemleak, which needs kmemleak=on, checks
#   for leaks after the others), fiverbose=1 (a stack for each failure the
#   register case injects)
# Results: /results/stress.txt, "<case>.<check> PASS|FAIL detail" (also on
# the console as STRESSRES lines, so that a crash keeps what came before).
SEED=1 REG=40 HOLD=15 ROUNDS=100 CHURN=120 EVREG=300 EVMIN= EVMAX=600
CASES="fetch cpudown faults modules churn kprobe kretprobe events kmemleak"
for a in $HARNESS_ARGS; do
	case "$a" in
	seed=*) SEED=${a#*=} ;;
	reg=*) REG=${a#*=} ;;
	hold=*) HOLD=${a#*=} ;;
	rounds=*) ROUNDS=${a#*=} ;;
	churn=*) CHURN=${a#*=} ;;
	evreg=*) EVREG=${a#*=} ;;
	evmin=*) EVMIN=${a#*=} ;;
	evmax=*) EVMAX=${a#*=} ;;
	cases=*) CASES=$(echo "${a#*=}" | tr + ' ') ;;
	fiverbose=*) FIVERBOSE=1 ;;
	esac
done
EVMIN=${EVMIN:-$((EVMAX * 99 / 100))}
R=/results/stress.txt
# The optimizer is off but in the churn case and the cpu-down case's second
# pass (one probe, on text only a dying CPU runs): the boot runs under QEMU's
# multi-threaded TCG (see every()), and each optimizer pass holds
# kprobe_mutex across an RCU Tasks grace period, which would serialize
# the module rounds and the mass enabling behind it.
OPTSYS=/proc/sys/debug/kprobes-optimization
opt() { [ -e $OPTSYS ] && echo "$1" > $OPTSYS; }
S=/sys/kernel/debug/kprobe_stress
T=/sys/kernel/tracing
ST=/tmp/stress
WL=/tmp/wl
mkdir -p $ST $WL
now() { cut -d. -f1 /proc/uptime; }
res() { echo "$CASE.$1 $2 $3" >> $R; echo "STRESSRES $CASE.$1 $2 $3"; }
scmd() { echo "$*" > $S/cmd && cat $S/status > $ST/status; }
st() { sed -n "s/^$1=//p" $ST/status; }

# ---- the workload: one worker per CPU, every result checked ----
wl_worker() { # id
	d=$WL/w$1
	mkdir -p $d
	it=0 bad=0 why=
	while [ ! -e $WL/stop ]; do
		[ "$(sh -c 'echo $((6 * 7))')" = 42 ] || { bad=$((bad + 1)); why=exec; }
		cp $WL/ref $d/f
		[ "$(md5sum < $d/f | cut -d' ' -f1)" = "$REFMD5" ] || { bad=$((bad + 1)); why=copy; }
		[ "$(gzip -c $d/f | gunzip -c | md5sum | cut -d' ' -f1)" = "$REFMD5" ] ||
			{ bad=$((bad + 1)); why=pipe; }
		[ "$(seq 1 500 | sort -r | sort -n | md5sum | cut -d' ' -f1)" = "$SEQMD5" ] ||
			{ bad=$((bad + 1)); why=sort; }
		sh -c 'trap "exit 3" USR1; kill -USR1 $$; sleep 5; exit 0'
		[ $? = 3 ] || { bad=$((bad + 1)); why=signal; }
		usleep 20000
		it=$((it + 1))
	done
	echo "$it $bad $why" > $WL/res$1
}
wl_start() {
	rm -f $WL/stop $WL/res*
	n=$(nproc)
	i=0
	while [ $i -lt "$n" ]; do
		busybox taskset -c $i sh /harness/suite-stress.sh --worker $i &
		i=$((i + 1))
	done
}
wl_stop() { # -> check line "workload"
	touch $WL/stop
	t=0
	while [ $t -lt 60 ] && [ "$(ls $WL | grep -c '^res')" -lt "$(nproc)" ]; do
		sleep 1
		t=$((t + 1))
	done
	its=0 bad=0 why= miss=0
	i=0
	while [ $i -lt "$(nproc)" ]; do
		if [ -f $WL/res$i ]; then
			read -r a b c < $WL/res$i
			its=$((its + a))
			bad=$((bad + b))
			[ -n "$c" ] && why="$why w$i:$c"
			[ "$a" -gt 0 ] || miss=$((miss + 1))
		else
			miss=$((miss + 1))
		fi
		i=$((i + 1))
	done
	if [ $bad = 0 ] && [ $miss = 0 ]; then
		res workload PASS "$its iterations on $(nproc) workers, 0 bad"
	else
		res workload FAIL "$its iterations, $bad bad ($why), $miss workers without a result"
	fi
}

# ---- CPU hotplug: every CPU but 0 offline and back, in turn ----
hp_loop() {
	n=0 bad=0 why=
	while [ ! -e $ST/hpstop ]; do
		for c in /sys/devices/system/cpu/cpu[1-9]*; do
			[ -e $ST/hpstop ] && break
			if [ ! -e $c/online ]; then
				echo "0 1 no $c/online: no CPU hotplug in this kernel (CONFIG_HOTPLUG_CPU)" > $ST/hpres
				return
			fi
			echo 0 > $c/online || { bad=$((bad + 1)); [ $bad -le 4 ] && why="$why ${c##*/}:off"; }
			sleep 1
			echo 1 > $c/online || { bad=$((bad + 1)); [ $bad -le 4 ] && why="$why ${c##*/}:on"; }
			n=$((n + 1))
			sleep 1
		done
	done
	echo "$n $bad $why" > $ST/hpres
}
hp_start() {
	rm -f $ST/hpstop $ST/hpres
	sh /harness/suite-stress.sh --hotplug &
	HP_PID=$!
}
hp_stop() { # -> check line "hotplug"
	touch $ST/hpstop
	t=0
	while [ $t -lt 30 ] && [ ! -e $ST/hpres ]; do
		sleep 1
		t=$((t + 1))
	done
	# a loop stuck in a hotplug write has no result: fail (not with the
	# last round's), kill it, and do not wait for it
	if [ -e $ST/hpres ]; then
		wait "$HP_PID" 2>/dev/null
	else
		kill "$HP_PID" 2>/dev/null
	fi
	n= bad= why=
	read -r n bad why < $ST/hpres 2>/dev/null
	off=$(cat /sys/devices/system/cpu/offline)
	if [ "${n:-0}" -gt 0 ] && [ "$bad" = 0 ] && [ -z "$off" ]; then
		res hotplug PASS "$n offline/online cycles while probes were registered and hit"
	else
		res hotplug FAIL "${n:-no} cycles, $bad failed writes ($why), offline now: '$off'"
	fi
}


# ---- the "every function" list ----
# vmlinux functions ftrace can trace (one name, one address), minus the
# kprobe blacklist (by start address and by name), in an order from SEED.
# (vmlinux's lists are read once: they do not change, and reading them
# takes most of a minute in this boot)
candidates() {
	[ -s $ST/ftr ] || awk 'NF == 1 { c[$1]++ } END { for (n in c) print n, c[n] }' \
		$T/available_filter_functions > $ST/ftr
	[ -s $ST/bl ] || sed -n 's/^0x\([0-9a-f]*\)-0x[0-9a-f]*[[:space:]]*\([^ []*\).*/\1 \2/p' \
		/sys/kernel/debug/kprobes/blacklist > $ST/bl
	[ -s $ST/ksym ] || awk 'NF == 3 && ($2 == "t" || $2 == "T") && !seen[$1]++ { print $1, $3 }' \
		/proc/kallsyms > $ST/ksym
	awk -v seed="$SEED" -v round="$1" '
	FILENAME == ARGV[1] { fc[$1] = $2; next }
	FILENAME == ARGV[2] { ba[$1] = 1; bn[$2] = 1; next }
	FILENAME == ARGV[3] { if ($1 == round || $1 == "all") ex[$2] = 1; next }
	{ kc[$2]++; ka[$2, kc[$2]] = $1 }
	END {
		srand(seed)
		for (n in kc) {
			if (!(n in fc) || fc[n] != kc[n] || (n in ex)) continue
			b = n; sub(/\..*/, "", b)
			if ((n in bn) || (b in bn)) continue
			for (i = 1; i <= kc[n]; i++)
				if (!(ka[n, i] in ba))
					printf "%09d %s %s\n", int(rand() * 1e9), ka[n, i], n
		}
	}' $ST/ftr $ST/bl /harness/stress-exclude $ST/ksym | sort | cut -d' ' -f2-
}

# ---- every-kprobe / every-kretprobe ----
# The optimizer is off in these rounds: the boot runs under QEMU's
# multi-threaded TCG (single-threaded, one stop_machine() per probe took
# most of a second), which does not model a B or BRK written while other
# vCPUs run the word (see arm64_cmodx, which tests that under
# single-threaded TCG).  A function entry is armed and disarmed with
# stop_machine(), which QEMU models.
every() { # kprobe|kretprobe
	CASE=every-$1
	t0=$(now)
	m0=$(mcd)
	candidates "$1" > $ST/cand
	cp $ST/cand $ST/cand-$1
	echo clear > $S/targets
	cat $ST/cand > $S/targets || { res setup FAIL "targets not taken"; return; }
	wl_start
	hp_start
	if ! scmd register "$1" 256 "$REG"; then
		res register FAIL "register command failed"
		hp_stop
		wl_stop
		return
	fi
	cp $ST/status $ST/reg
	tried=$(st tried) acc=$(st accepted) einval=$(st refused_einval) other=$(st refused_other)
	detail="$acc of $tried accepted ($(st candidates) candidates) in $(st secs) s, deadline $(st deadline_hit); refused $einval -EINVAL, $other other: $(st first_refused)"
	if [ "$other" = 0 ] && [ $((acc * 100)) -ge $((tried * 99)) ] && [ "$acc" -ge 256 ]; then
		res register PASS "$detail"
	else
		res register FAIL "$detail"
	fi
	# hold: the workload runs through every probe; the calibrated target
	# must count exactly its calls three times
	calok=0 caldet=
	k=0
	while [ $k -lt 3 ]; do
		sleep $((HOLD / 3))
		scmd calibrate 1000
		if [ "$1" = kretprobe ]; then
			want="cal_calls=1000 cal_hits=1000 cal_entries=1000 cal_bad=0"
		else
			want="cal_calls=1000 cal_hits=1000 cal_bad=0"
		fi
		got=$(for w in $want; do echo -n "${w%%=*}=$(st "${w%%=*}") "; done)
		[ "$got" = "$want " ] && calok=$((calok + 1))
		caldet="$caldet[$got]"
		k=$((k + 1))
	done
	[ $calok = 3 ] && res calibrate PASS "3 x 1000 calls counted exactly" ||
		res calibrate FAIL "$caldet"
	hp_stop
	wl_stop
	# A kprobe's handler runs with interrupts masked and calls nothing,
	# and the probe paths are blacklisted: a kprobe can only miss a hit if
	# a probed function runs inside a hit, or on a CPU going down (see
	# cpudown(); kprobes/missed_cpu_down counts those).  The same holds
	# for a kretprobe's entry: its return handler runs with interrupts
	# masked too (rethook.c; with them enabled, an interrupt there missed
	# every probe it hit: 300 to 1,900 a round).  Its instances may run
	# out (rp_nmissed): reported, not judged.
	scmd stats
	m=$(( $(mcd) - m0 ))
	detail="hits $(st hits) on $(st probes_hit) probes, nmissed $(st nmissed) (most: $(st worst_missed); $m hits on CPUs going down), kretprobe entries $(st entries), instances missed $(st rp_nmissed)"
	missed=$(st nmissed)
	if [ "$missed" -le "$m" ] && [ "$(st hits)" -gt 0 ]; then
		res counts PASS "$detail"
	else
		res counts FAIL "$detail"
	fi
	t1=$(now)
	if scmd unregister 256 && [ "$(st unregistered)" = "$acc" ]; then
		res unregister PASS "$acc in $(( $(now) - t1 )) s"
	else
		res unregister FAIL "unregistered $(st unregistered) of $acc"
	fi
	echo "STRESS: $CASE took $(( $(now) - t0 )) s"
}

# ---- probes on a CPU that is not online, where RCU does not watch it ----
# A dying CPU's idle task reports it dead to RCU, then calls
# smp_call_function_single() (to tell the CPU taking it down) and
# cpu_die().  A hit there must run no handler (a kretprobe's rethook reads
# under RCU: lockdep's "RCU used illegally from offline CPU", which the
# console check catches) and count as missed: cpu_die() runs once per
# offline, on the dying CPU only, so its p: and r: probes miss exactly that
# often and never hit.  kprobes/missed_cpu_down counts at least those and
# smp_call_function_single()'s.  A CPU coming up runs
# rcutree_report_cpu_starting() before RCU watches it: a probe there must be
# refused.  Second pass: cpu_die() jump-optimized.
MCD=/sys/kernel/debug/kprobes/missed_cpu_down
mcd() { cat $MCD 2>/dev/null || echo 0; }
cpudown() {
	CASE=cpu-down
	c=/sys/devices/system/cpu/cpu1/online
	[ -e $c ] || { res brk FAIL "no $c: no CPU hotplug in this kernel (CONFIG_HOTPLUG_CPU)"; return; }
	[ -e $MCD ] || { res brk FAIL "no $MCD"; return; }
	for pass in brk optimized; do
		defs='p:cd/die cpu_die
r:cd/dier cpu_die'
		[ $pass = brk ] && defs="$defs
p:cd/scfs smp_call_function_single
r:cd/scfsr smp_call_function_single"
		rm -f $ST/cdref
		echo "$defs" | while read -r d; do
			echo "$d" >> $T/kprobe_events || echo "'$d' refused: $(tail -n 2 $T/error_log)" > $ST/cdref
		done
		[ -s $ST/cdref ] && { res $pass FAIL "$(cat $ST/cdref)"; echo > $T/kprobe_events; continue; }
		if [ $pass = brk ] && echo 'r:cd/rcs rcutree_report_cpu_starting' >> $T/kprobe_events 2>/dev/null; then
			res starting FAIL "a kretprobe on rcutree_report_cpu_starting was accepted"
		elif [ $pass = brk ]; then
			res starting PASS "a kretprobe on rcutree_report_cpu_starting refused: $(grep 'error:' $T/error_log | tail -n 1 | sed 's/^\[[^]]*\] //')"
		fi
		echo 1 > $T/events/cd/enable
		how=
		if [ $pass = optimized ]; then
			opt 1
			a=$(awk '$3 == "cpu_die" { print $1; exit }' /proc/kallsyms)
			scmd "branchwait $a"
			[ "$(st branch)" = 1 ] || how=" (cpu_die+0 is not a B after 20 s: $(st word))"
		fi
		m0=$(mcd) n=3 i=0 bad=0
		while [ $i -lt $n ]; do
			echo 0 > $c || bad=$((bad + 1))
			echo 1 > $c || bad=$((bad + 1))
			i=$((i + 1))
		done
		echo 0 > $T/events/cd/enable
		opt 0
		m=$(( $(mcd) - m0 ))
		# kprobe_profile: event, hits (an r: event's: returns), missed
		die=$(prof die) dier=$(prof dier)
		echo > $T/kprobe_events
		detail="$n offline/online cycles ($bad failed writes)$how: cpu_die p: '$die' r: '$dier'"
		ok=1
		[ "$die" = "0/$n" ] && [ "$dier" = "0/$n" ] || ok=0
		wantm=$n
		[ $pass = brk ] && wantm=$((2 * n))
		detail="$detail (hits/missed); missed_cpu_down +$m, at least $wantm"
		[ "$m" -ge $wantm ] || ok=0
		if [ $bad = 0 ] && [ -z "$how" ] && [ $ok = 1 ]; then
			res $pass PASS "$detail"
		else
			res $pass FAIL "$detail"
		fi
	done
}

# ---- fetch arguments that fault ----
# do_sys_openat2(dfd, filename, how): dfd is AT_FDCWD (-100), an address no
# fetch can read; filename a user pointer, read as a user string, and by the
# kernel-memory syntax too (below TASK_SIZE the core reads user memory).
fetch() {
	CASE=fault
	echo 'p:sf/open do_sys_openat2 bad=+0(%x0):u64 bads=+0(%x0):string ustr=+u0(%x1):ustring kstr=+0(%x1):string' \
		>> $T/kprobe_events || { res fetch-args FAIL "event refused: $(tail -n 2 $T/error_log)"; return; }
	echo > $T/trace
	echo 1 > $T/events/sf/open/enable
	i=0
	while [ $i -lt 200 ]; do
		read -r l < /proc/version
		i=$((i + 1))
	done
	echo 0 > $T/events/sf/open/enable
	n=$(grep -c 'bads=(fault) ustr="/proc/version" kstr="/proc/version"' $T/trace)
	all=$(grep -c 'ustr="/proc/version"' $T/trace)
	echo '-:sf/open' >> $T/kprobe_events
	if [ "$n" = 200 ] && [ "$all" = 200 ]; then
		res fetch-args PASS "200 opens, 200 events: the user string read both ways, the reads of a bad address faulted cleanly"
	else
		res fetch-args FAIL "200 opens: $all events with the path, $n as expected; first: $(grep -m1 'ustr=' $T/trace)"
	fi
}

# ---- allocation failures: every allocation of a registration, in turn ----
# failnth fails the Nth fault-injection point of the write (failslab and
# fail_page_alloc, GFP_KERNEL and order 0 included), N = 1, 2, ... until the
# write no longer reaches it.  A failed write must return -ENOMEM and leave
# nothing registered; the last one succeeds.  A failure the path recovers
# from lets its write succeed ("tolerated": the optimizer's aggregate,
# objpool's vmalloc, which falls back to kmalloc, kmemleak's own objects).  kmemleak (below) then checks
# that the failed ones freed what they had taken.
FI=/sys/kernel/debug
faults() {
	CASE=alloc-fail
	t0=$(now)
	if [ ! -e /proc/self/fail-nth ] || [ ! -d $FI/failslab ] || [ ! -d $FI/fail_page_alloc ]; then
		res setup FAIL "no fault injection in this kernel (CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC)"
		return
	fi
	for a in failslab fail_page_alloc; do
		echo N > $FI/$a/ignore-gfp-wait
		echo 0 > $FI/$a/verbose
	done
	echo N > $FI/fail_page_alloc/ignore-gfp-highmem
	echo 0 > $FI/fail_page_alloc/min-order
	# A sweep can pass over an allocation: which point is the Nth moves
	# when a slab needs a new page or kmemleak its own object.  Up to three
	# sweeps, until one has seen a failed write.
	fi_one() { # name file spec undo-file undo check-file left
		name=$1 a1=$2 a2=$3 a3=$4 a4=$5 a5=$6 a6=$7
		sw=0
		while [ $sw -lt 3 ]; do
			sw=$((sw + 1))
			out=$(FAILNTH_LOG=/results/failnth.log /stress/failnth "$a1" "$a2" "$a3" "$a4" "$a5" "$a6" 2000)
			echo "STRESS: failnth $name sweep $sw: $out"
			set -- $out
			f=${2#failed=} m=${3#enomem=} o=${4#other=} l=${6#left_behind=} c=${7#completed=}
			if [ "$c" != 1 ] || [ "$f" != "$m" ] || [ "$o" != none ] || [ "$l" != 0 ]; then
				res "$name" FAIL "sweep $sw: $out"
				return
			fi
			[ "${f:-0}" -gt 0 ] && { res "$name" PASS "sweep $sw: $out"; return; }
		done
		res "$name" FAIL "no write failed in 3 sweeps: $out"
	}
	fi_one kprobe_events $T/kprobe_events 'p:sfi/ev vfs_read a=%x0 b=+0(%x1):u64' \
		$T/kprobe_events '-:sfi/ev' $T/kprobe_events 'sfi/ev'
	fi_one kretprobe_events $T/kprobe_events 'r:sfi/rv vfs_read v=$retval' \
		$T/kprobe_events '-:sfi/rv' $T/kprobe_events 'sfi/rv'
	[ -n "$FIVERBOSE" ] && { echo 2 > $FI/failslab/verbose; echo 2 > $FI/fail_page_alloc/verbose; }
	fi_one register $S/cmd 'symreg vfs_write' $S/cmd symunreg - -
	for a in failslab fail_page_alloc; do
		echo Y > $FI/$a/ignore-gfp-wait
	done
	echo Y > $FI/fail_page_alloc/ignore-gfp-highmem
	echo 1 > $FI/fail_page_alloc/min-order
	echo "STRESS: $CASE took $(( $(now) - t0 )) s"
}

# ---- a module unloaded and reloaded under armed probes ----
# kprobe_events probes defined on ks_target before it is loaded (re-armed by
# every load); a kprobe and a kretprobe of the module API registered on each
# load (gone with the module, then unregistered).  Every tenth round a
# kretprobe is pending in kst_block() when the module goes (its exit wakes
# the sleeper).  Then the probes' owner goes while its kretprobe is pending.
KT=/sys/kernel/debug/ks_target
# (the rounds use shell builtins where they can: a process costs tens of
# milliseconds in the debug boot)
prof() { # event -> "hits/missed"
	while read -r pe ph pm; do
		[ "$pe" = "$1" ] && { echo "$ph/$pm"; return; }
	done < $T/kprobe_profile
}
symline() { # N -> line N of the module's status
	k=0
	while read -r sl; do
		k=$((k + 1))
		[ $k = "$1" ] && { echo "$sl"; return; }
	done < $S/status
}
wait_blocked() {
	t=0
	while [ $t -lt 100 ]; do
		read -r kl < $KT/status
		case "$kl" in *" blocked=1 "*) return 0 ;; esac
		usleep 100000
		t=$((t + 1))
	done
	return 1
}
modules() {
	CASE=modules
	t0=$(now)
	if ! { echo 'p:ksm/ksm_fn ks_target:kst_fn a=%x0' >> $T/kprobe_events &&
	       echo 'r:ksm/ksm_ret ks_target:kst_fn rv=$retval' >> $T/kprobe_events &&
	       echo 'r:ksm/ksm_blk ks_target:kst_block rv=$retval' >> $T/kprobe_events &&
	       echo 1 > $T/events/ksm/enable; }; then
		res events FAIL "$(tail -n 2 $T/error_log)"
		return
	fi
	r=0 bad=0 why= pend=0
	want="sym0=kst_fn hits=100 entries=100 rets=100 gone=0 missed=0 rp_missed=0"
	gone="sym0=kst_fn hits=100 entries=100 rets=100 gone=1 missed=0 rp_missed=0"
	while [ $r -lt "$ROUNDS" ] && [ $bad = 0 ]; do
		r=$((r + 1))
		insmod /stress/ks_target.ko || { bad=1; why="round $r: insmod"; break; }
		echo "symreg kst_fn" > $S/cmd || { bad=1; why="round $r: symreg kst_fn"; }
		echo "call 100" > $KT/cmd
		echo symstat > $S/cmd
		l=$(symline 1)
		[ "$l" = "$want" ] || { bad=1; why="round $r: $l"; }
		read -r kl < $KT/status
		case "$kl" in "calls=100 bad=0 "*) ;; *) bad=1; why="round $r: target $kl" ;; esac
		p1=$(prof ksm_fn) p2=$(prof ksm_ret)
		[ "$p1" = "$((r * 100))/0" ] && [ "$p2" = "$((r * 100))/0" ] ||
			{ bad=1; why="round $r: kprobe_profile fn $p1 ret $p2"; }
		if [ $((r % 10)) = 0 ]; then
			pend=$((pend + 1))
			echo "symreg kst_block" > $S/cmd || { bad=1; why="round $r: symreg kst_block"; }
			rm -f $ST/blockrc
			(echo block > $KT/cmd; echo $? > $ST/blockrc) &
			bp=$!
			wait_blocked || { bad=1; why="round $r: kst_block() not entered"; }
			rmmod ks_target || { bad=1; why="round $r: rmmod (pending)"; }
			wait $bp
			read -r brc < $ST/blockrc
			[ "$brc" = 0 ] || { bad=1; why="round $r: the pending call returned '$brc'"; }
			echo symstat > $S/cmd
			l=$(symline 2)
			[ "$l" = "sym1=kst_block hits=1 entries=1 rets=1 gone=1 missed=0 rp_missed=0" ] ||
				{ bad=1; why="round $r: $l"; }
		else
			rmmod ks_target || { bad=1; why="round $r: rmmod"; }
			echo symstat > $S/cmd
		fi
		l=$(symline 1)
		[ "$l" = "$gone" ] || { bad=1; why="round $r: after unload: $l"; }
		echo symunreg > $S/cmd
	done
	grep -q 'ksm/ksm_fn' $T/kprobe_events || { bad=1; why="$why; the event is gone"; }
	b=$(prof ksm_blk)
	if [ $bad = 0 ] && [ "$b" = "$pend/0" ]; then
		res rounds PASS "$r load/unload rounds, 100 calls each counted exactly by kprobe_events and the module API; $pend unloads with a kretprobe pending"
	else
		res rounds FAIL "$why (kst_block returns $b)"
	fi
	echo 0 > $T/events/ksm/enable
	for e in ksm_fn ksm_ret ksm_blk; do echo "-:ksm/$e" >> $T/kprobe_events; done
	# the owner of a pending kretprobe goes
	CASE=modules
	insmod /stress/ks_target.ko
	scmd symreg kst_block
	rm -f $ST/blockrc
	(echo block > $KT/cmd; echo $? > $ST/blockrc) &
	bp=$!
	wait_blocked
	if rmmod kprobe_stress && echo release > $KT/cmd && wait $bp && [ "$(cat $ST/blockrc)" = 0 ] &&
	   insmod /stress/kprobe_stress.ko && rmmod ks_target; then
		res owner-gone PASS "kprobe_stress unloaded with a kretprobe pending in kst_block(), which then returned"
	else
		res owner-gone FAIL "blockrc $(cat $ST/blockrc 2>/dev/null), $(cat $KT/status 2>/dev/null)"
		# no writer may stay blocked (the module's exit wakes it even if
		# it blocked after the release)
		echo release > $KT/cmd 2>/dev/null
		rmmod ks_target 2>/dev/null
		wait $bp
		lsmod | grep -q kprobe_stress || insmod /stress/kprobe_stress.ko
	fi
	echo "STRESS: $CASE took $(( $(now) - t0 )) s"
}

# ---- churn: register/disable/enable/unregister while others run them ----
# In the module: a caller and a churner per CPU on ks_churn_fn's first four
# instructions (checked by bounds, see churn_once()).  Beside it, one shell
# per CPU adds, enables, disables and removes kprobe_events on the same
# addresses, each event on its own; and five perfkp processes open,
# enable, disable and close perf kprobe PMU events there (by symbol and by
# address, kprobes and kretprobes, each on one CPU in turn), their counts
# checked against the calls of the caller bound to that CPU.
churn_ev() { # id deadline
	id=$1 dl=$2 n=0 bad=0
	while [ "$(now)" -lt "$dl" ]; do
		case $(( (id + n) % 4 )) in
		0) o=0 ;; 1) o=8 ;; 2) o=12 ;; *) o=16 ;;
		esac
		if echo "p:ksc/c$id kprobe_stress:ks_churn_fn+$o" >> $T/kprobe_events; then
			echo 1 > $T/events/ksc/c$id/enable || bad=$((bad + 1))
			echo 0 > $T/events/ksc/c$id/enable || bad=$((bad + 1))
			echo "-:ksc/c$id" >> $T/kprobe_events || bad=$((bad + 1))
		else
			bad=$((bad + 1))
		fi
		n=$((n + 1))
	done
	echo "$n $bad" > $ST/churn$id
}
churn() {
	CASE=churn
	t0=$(now)
	opt 1
	rm -f $ST/churn* $ST/perfchurn*
	echo 0 > $T/tracing_on
	i=0 pids=
	while [ $i -lt "$(nproc)" ]; do
		sh /harness/suite-stress.sh --churn-events $i $(( $(now) + CHURN )) &
		pids="$pids $!"
		i=$((i + 1))
	done
	kc=$(awk '$3 == "ks_churn_fn" { print $1; exit }' /proc/kallsyms)
	m=kprobe_stress:ks_churn_fn
	# few specs: opening and closing an event takes a second or more here
	# (its probe is registered and unregistered under kprobe_mutex, which
	# the module's churners and the optimizer hold too), and every spec
	# must have run while the callers did (they stop after CHURN s): one
	# process per spec, each from its own CPU
	i=0
	for sp in $m+0 0x$kc+8 $m+12 ret:$m+0 ret:0x$kc; do
		/stress/perfkp churn $((CHURN > 15 ? CHURN - 10 : CHURN / 2)) $S/calls \
			$i "$sp" > $ST/perfchurn$i 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	np=$i
	if scmd churn "$CHURN"; then
		detail="$(st armed) armed periods by $(st churners) threads ($(st refused) refused, errno $(st first_errno)), $(st calls) calls by $(st callers) threads ($(st wrong) wrong results)"
		if [ "$(st inconsistent)" = 0 ] && [ "$(st wrong)" = 0 ] && [ "$(st armed)" -gt 0 ] &&
		   [ "$(st refused)" = 0 ]; then
			res module-api PASS "$detail; every count within its bounds"
		else
			res module-api FAIL "$detail; $(st inconsistent) out of bounds: $(st first_inconsistent)"
		fi
	else
		res module-api FAIL "churn command failed"
	fi
	wait $pids
	pc=0 po=0 pf=0 ph=0 pb=0 pe= pfirst=
	for f in $ST/perfchurn*; do
		c= o= fl= e= h= b= fb=
		eval "$(sed -n 's/^cycles=\([0-9]*\) opened=\([0-9]*\) failed=\([0-9]*\) first_errno=\([^ ]*\) hits=\([0-9]*\) bad=\([0-9]*\) first_bad=\(.*\)$/c=\1 o=\2 fl=\3 e=\4 h=\5 b=\6 fb="\7"/p' $f)"
		if [ -z "$c" ]; then
			pf=$((pf + 1))
			pfirst="${f##*/}: $(head -c 200 $f)"
			continue
		fi
		pc=$((pc + c)) po=$((po + o)) pf=$((pf + fl)) ph=$((ph + h)) pb=$((pb + b))
		[ "$e" != - ] && [ -z "$pe" ] && pe=$e
		[ "$fb" != - ] && [ -z "$pfirst" ] && pfirst=$fb
	done
	# every spec opened, had a window that tested its lower bound (calls
	# completed in it) and counted hits, summed over the processes
	cat $ST/perfchurn* | awk '$1 == "spec" { sub("opened=", "", $3); sub("tested=", "", $4)
		sub("hits=", "", $5); o[$2] += $3; t[$2] += $4; h[$2] += $5 }
		END { for (s in o) { n++; printf "%s:%d/%d/%d%s ", s, o[s], t[s], h[s],
					 (t[s] && h[s]) ? "" : "(!)" }
		      printf "\n%d\n", n }' > $ST/perfspecs
	idle=$(head -n 1 $ST/perfspecs | grep -o '[^ ]*(!)' | head -n 1)
	[ "$(tail -n 1 $ST/perfspecs)" = $np ] || idle="${idle:-not every spec reported}"
	detail="$po of $pc open/enable/disable/close cycles by $np processes (failed $pf${pe:+, $pe}), $ph hits, $pb windows out of bounds${pfirst:+: $pfirst}; spec:opens/tested windows/hits $(head -n 1 $ST/perfspecs)"
	if [ "$po" -gt 0 ] && [ "$pf" = 0 ] && [ "$pb" = 0 ] && [ -z "$idle" ]; then
		res perf-pmu PASS "$detail"
	else
		res perf-pmu FAIL "$detail"
	fi
	evs=0 evbad=0
	i=0
	while [ $i -lt "$(nproc)" ]; do
		a= b=
		read -r a b < $ST/churn$i 2>/dev/null
		# a shell that wrote no result failed
		evs=$((evs + ${a:-0}))
		evbad=$((evbad + ${b:-1}))
		i=$((i + 1))
	done
	left=$(grep -c ksc/ $T/kprobe_events)
	if [ "$evs" -gt 0 ] && [ "$evbad" = 0 ] && [ "$left" = 0 ]; then
		res kprobe_events PASS "$evs add/enable/disable/remove cycles, none failed, none left"
	else
		res kprobe_events FAIL "$evs cycles, $evbad failed writes, $left events left"
	fi
	left=$(grep -c 'ks_churn_fn' /sys/kernel/debug/kprobes/list)
	if [ "$left" = 0 ]; then
		res none-left PASS "no probe on ks_churn_fn left in kprobes/list"
	else
		res none-left FAIL "$left probes on ks_churn_fn left in kprobes/list"
	fi
	echo 1 > $T/tracing_on
	opt 0
	echo "STRESS: $CASE took $(( $(now) - t0 )) s"
}

# ---- kprobe_events on hundreds to thousands of functions ----
# The first EVMAX candidates defined (600 by default: 30 to 40 a second in
# the debug boot, where KASAN and lockdep make creating the trace event
# cost more than the probe; make check's default-flavour 'events' boot
# defines 3,000 in well under a minute, with evmin=2900,evmax=3000), at
# most for EVREG s, a bound on a stuck boot, not a rate to meet (a boot
# may share the host with another), each on its function's first
# instruction after the ftrace call site (+8): arming it is one BRK written
# under stop_machine() (some 40 ms here), where arming an entry also
# updates ftrace's call site (a tenth of a second and more, which the
# module rounds above pay).  Then enabled all at once, HOLD s under the
# workload, disabled (each disable waits for a grace period), and all
# removed with one write.
ev_send() { # batch -> kprobe_events; a refused line ends its write, so
	# after a failure each line not defined yet is sent alone
	echo -n "$1" >> $T/kprobe_events 2>/dev/null && return
	cat $T/kprobe_events > $ST/ke
	echo -n "$1" > $ST/kb
	while read -r line; do
		grep -q "^${line%% *} " $ST/ke && continue
		echo "$line" >> $T/kprobe_events 2>/dev/null && continue
		[ -z "$first" ] && first="${line#* }: $(tail -n 3 $T/error_log | sed -n '1s/.*error: //p')"
	done < $ST/kb
}
events_many() {
	CASE=events-many
	t0=$(now)
	# names without a suffix, each naming one function
	[ -s $ST/cand-kprobe ] || candidates kprobe > $ST/cand-kprobe
	awk '$2 !~ /[.]/ { c[$2]++; o[NR] = $2 }
		END { for (i = 1; i <= NR; i++) if (c[o[i]] == 1) print o[i] }' $ST/cand-kprobe |
		head -n "$EVMAX" > $ST/evc
	# 32 definitions per write (one write of the shell's echo, under the
	# 4 KiB a kprobe_events write parses at once)
	end=$(( $(now) + EVREG ))
	n=0 batch= first= k=0
	while read -r f; do
		n=$((n + 1))
		batch="${batch}p:kse/e$n $f+8
"
		k=$((k + 1))
		[ $k -lt 32 ] && continue
		ev_send "$batch"
		batch= k=0
		[ "$(now)" -lt $end ] || break
	done < $ST/evc
	[ -n "$batch" ] && ev_send "$batch"
	acc=$(grep -c '^p:kse/' $T/kprobe_events)
	ref=$((n - acc))
	detail="$acc of $n events accepted in $(( $(now) - t0 )) s ($(wc -l < $ST/evc) candidates); refused $ref${first:+, first: $first}"
	if [ $acc -ge "$EVMIN" ] && [ $((acc * 100)) -ge $((n * 99)) ]; then
		res register PASS "$detail"
	else
		res register FAIL "$detail"
	fi
	wl_start
	t1=$(now)
	echo 1 > $T/events/kse/enable
	t2=$(now)
	sleep "$HOLD"
	echo 0 > $T/events/kse/enable
	echo "STRESS: enabled $acc events in $((t2 - t1)) s, disabled in $(( $(now) - t2 - HOLD )) s"
	wl_stop
	hits=$(awk '$1 ~ /^e[0-9]+$/ { h += $2; m += $3; if ($2) p++ } END { print h + 0, m + 0, p + 0 }' $T/kprobe_profile)
	# the events that missed, by function (event eN probes line N of evc)
	worst=$(awk 'FILENAME == ARGV[1] { f[FNR] = $1; next }
		$1 ~ /^e[0-9]+$/ && $3 > 0 { printf "%s:%s ", f[substr($1, 2)], $3 }' $ST/evc $T/kprobe_profile |
		head -c 300)
	set -- $hits
	if [ "$1" -gt 0 ] && [ "$2" = 0 ]; then
		res counts PASS "hits $1 on $3 events, missed $2"
	else
		res counts FAIL "hits $1 on $3 events, missed $2${worst:+ (}$worst${worst:+)}"
	fi
	t1=$(now)
	if echo > $T/kprobe_events && [ ! -s $T/kprobe_events ]; then
		res unregister PASS "$acc removed in $(( $(now) - t1 )) s"
	else
		res unregister FAIL "$(wc -l < $T/kprobe_events) events left"
	fi
	echo "STRESS: $CASE took $(( $(now) - t0 )) s"
}

# ---- kmemleak over the whole suite ----
KML=/sys/kernel/debug/kmemleak
kml_start() {
	[ -e $KML ] || return 0
	echo scan=off > $KML
	echo scan > $KML
	echo clear > $KML
}
kml_check() {
	CASE=kmemleak
	if [ ! -e $KML ] || ! echo scan > $KML 2>/dev/null; then
		res scan FAIL "kmemleak is not running (CONFIG_DEBUG_KMEMLEAK, kmemleak=on)"
		return
	fi
	sleep 6	# an object must be 5 s old to be reported
	echo scan > $KML
	echo scan > $KML
	cat $KML > $ST/kml
	n=$(grep -c '^unreferenced object' $ST/kml)
	if [ "$n" = 0 ]; then
		res scan PASS "no leak"
	else
		cat $ST/kml
		res scan FAIL "$n unreferenced objects, first: $(grep -m1 -A12 '^unreferenced' $ST/kml | sed -n 's/^ *\[<[0-9a-f]*>\] //p' | head -n 6 | tr '\n' ' ')"
	fi
}

if [ "$1" = --worker ]; then
	. $WL/env
	wl_worker "$2"
	exit 0
fi
if [ "$1" = --hotplug ]; then
	hp_loop
	exit 0
fi
if [ "$1" = --churn-events ]; then
	churn_ev "$2" "$3"
	exit 0
fi

: > $R
insmod /stress/kprobe_stress.ko || { CASE=setup; res insmod FAIL "insmod kprobe_stress"; exit 0; }
dd if=/dev/urandom of=$WL/ref bs=64k count=2 2>/dev/null
REFMD5=$(md5sum < $WL/ref | cut -d' ' -f1)
SEQMD5=$(seq 1 500 | sort -r | sort -n | md5sum | cut -d' ' -f1)
echo "REFMD5=$REFMD5 SEQMD5=$SEQMD5 WL=$WL" > $WL/env

case " $CASES " in *" kmemleak "*) kml_start ;; esac
opt 0
for c in $CASES; do
	echo "HARNESS: t=$(cut -d' ' -f1 /proc/uptime) stress: $c"
	case $c in
	fetch) fetch ;;
	cpudown) cpudown ;;
	faults) faults ;;
	modules) modules ;;
	churn) churn ;;
	kprobe|kretprobe) every $c ;;
	events) events_many ;;
	esac
done
rmmod kprobe_stress
opt 1
case " $CASES " in *" kmemleak "*) kml_check ;; esac
echo "HARNESS: t=$(cut -d' ' -f1 /proc/uptime) stress: done"
true
