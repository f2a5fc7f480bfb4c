#!/bin/sh
# The 'stress' suite (make check's "debug:4:stress" boot): a kprobe, then a
# kretprobe, on every probe-able function entry of vmlinux at once while a
# workload runs on every CPU; fetch arguments that fault.  Each case stops
# registering at its deadline and reports how far it got.
# harness.args: seed=<n>,reg=<s>,hold=<s>
# Results: /results/stress.txt, "<case>.<check> PASS|FAIL detail" (also on
# the console as STRESSRES lines, so that a crash keeps what came before).
SEED=1 REG=60 HOLD=15
for a in $HARNESS_ARGS; do
	case "$a" in
	seed=*) SEED=${a#*=} ;;
	reg=*) REG=${a#*=} ;;
	hold=*) HOLD=${a#*=} ;;
	esac
done
R=/results/stress.txt
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

if [ "$1" = --worker ]; then
	. $WL/env
	wl_worker "$2"
	exit 0
fi

# ---- the "every function" list ----
# vmlinux functions ftrace can trace (one name, one address), minus the
# kprobe blacklist (by start address and by name), in an order from SEED.
candidates() {
	awk 'NF == 1 { c[$1]++ } END { for (n in c) print n, c[n] }' \
		$T/available_filter_functions > $ST/ftr
	sed -n 's/^0x\([0-9a-f]*\)-0x[0-9a-f]*[[:space:]]*\([^ []*\).*/\1 \2/p' \
		/sys/kernel/debug/kprobes/blacklist > $ST/bl
	awk 'NF == 3 && ($2 == "t" || $2 == "T") && !seen[$1]++ { print $1, $3 }' \
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
OPTSYS=/proc/sys/debug/kprobes-optimization
every() { # kprobe|kretprobe
	CASE=every-$1
	t0=$(now)
	[ -e $OPTSYS ] && echo 0 > $OPTSYS
	candidates "$1" > $ST/cand
	echo clear > $S/targets
	cat $ST/cand > $S/targets || { res setup FAIL "targets not taken"; return; }
	wl_start
	if ! scmd register "$1" 256 "$REG"; then
		res register FAIL "register command failed"
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
	wl_stop
	# A kprobe's handler runs with interrupts masked and calls nothing,
	# and the probe paths are blacklisted: a kprobe can only miss a hit if
	# a probed function runs inside a hit.  A kretprobe's return handler
	# runs with interrupts as the function left them, so
	# an interrupt there that hits a probe finds one running and misses
	# it, by the core's design; its instances may also run out
	# (rp_nmissed).  Those are reported, not judged.
	scmd stats
	detail="hits $(st hits) on $(st probes_hit) probes, nmissed $(st nmissed) (most: $(st worst_missed)), kretprobe entries $(st entries), instances missed $(st rp_nmissed)"
	missed=$(st nmissed)
	[ "$1" = kretprobe ] && missed=0
	if [ "$missed" = 0 ] && [ "$(st hits)" -gt 0 ]; then
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
	[ -e $OPTSYS ] && echo 1 > $OPTSYS
	echo "STRESS: $CASE took $(( $(now) - t0 )) s"
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

: > $R
insmod /stress/kprobe_stress.ko || { CASE=setup; res insmod FAIL "insmod kprobe_stress"; exit 0; }
dd if=/dev/urandom of=$WL/ref bs=64k count=2 2>/dev/null
REFMD5=$(md5sum < $WL/ref | cut -d' ' -f1)
SEQMD5=$(seq 1 500 | sort -r | sort -n | md5sum | cut -d' ' -f1)
echo "REFMD5=$REFMD5 SEQMD5=$SEQMD5 WL=$WL" > $WL/env

fetch
every kprobe
every kretprobe
rmmod kprobe_stress
true
