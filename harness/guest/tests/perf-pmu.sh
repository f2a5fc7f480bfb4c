#!/bin/sh
# kprobes through the perf "kprobe" PMU, the path of libbpf and of every BPF
# kprobe program (perf_event_open() -> create_local_trace_kprobe()), with
# /stress/perfkp (harness/guest-src/perfkp.c): an event on the program's
# own task, enabled around exactly N getppid() calls, must count exactly N,
# by symbol at the entry and after the ftrace call site, by address, and as
# a kretprobe; bad input must be refused with the core's errno and leave
# no probe behind.
# Prints "perf-pmu.<check> PASS|FAIL <detail>" lines.
T=/sys/kernel/tracing
P=/stress/perfkp
F=__arm64_sys_getppid
N=1000
res() { echo "perf-pmu.$1 $2 $3"; }

if [ ! -e /sys/bus/event_source/devices/kprobe/type ]; then
	res pmu FAIL "no /sys/bus/event_source/devices/kprobe (CONFIG_PERF_EVENTS, CONFIG_KPROBE_EVENTS)"
	exit 0
fi
fa=$(awk -v f=$F '$3 == f { print $1; exit }' /proc/kallsyms)
ip=$(awk -v f=$F '$2 == f { print $1; exit }' $T/available_filter_functions_addrs)
if [ -z "$fa" ] || [ -z "$ip" ]; then
	res setup FAIL "$F: address '$fa', ftrace site '$ip'"
	exit 0
fi
# the first instruction after the ftrace call site (after a BTI, if any)
mid=$((0x$ip - 0x$fa + 4))

count() { # check spec
	out=$($P count "$2" $N)
	if [ "$out" = "count=$N" ]; then
		res "$1" PASS "$2: $N calls, $N hits"
	else
		res "$1" FAIL "$2: $N calls, got '$out'"
	fi
}
count entry "$F+0"
count after-ftrace-site "$F+$mid"
count address "0x$fa+$mid"
count kretprobe "ret:$F+0"
count kretprobe-address "ret:0x$fa"

refused() { # check spec errno why
	out=$($P open "$2")
	if [ "$out" = "errno=$3" ]; then
		res "$1" PASS "$2 ($4): $3"
	else
		res "$1" FAIL "$2 ($4): expected errno=$3, got '$out'"
	fi
}
refused blacklisted get_kprobe+0 EINVAL "NOKPROBE_SYMBOL"
refused unaligned "$F+$((mid + 2))" EINVAL "not an instruction boundary"
refused no-symbol kp_no_such_function+0 ENOENT "no such symbol"
refused kretprobe-offset "ret:$F+$mid" EINVAL "a kretprobe must be on the entry"

left=$(grep -c -e "$F" -e get_kprobe /sys/kernel/debug/kprobes/list)
if [ "$left" = 0 ]; then
	res none-left PASS "no probe left in kprobes/list after the events closed"
else
	res none-left FAIL "$left probes left in kprobes/list: $(grep -e "$F" -e get_kprobe /sys/kernel/debug/kprobes/list | head -n 3 | tr '\n' ' ')"
fi
