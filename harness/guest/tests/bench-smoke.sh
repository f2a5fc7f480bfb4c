#!/bin/sh
# The benchmark module works (make bench uses it; timing is not judged here).
RUN=/sys/kernel/debug/kprobe_bench/run
if ! insmod /bench/kprobe_bench.ko; then
	echo "bench.module FAIL insmod"
	exit 0
fi
echo "all 10" > $RUN && echo "lifecycle 10" > $RUN
rmmod kprobe_bench
missing= badhits=
for s in baseline entry xol post bcond bl ret kretprobe lifecycle-nop lifecycle-xol; do
	line=$(dmesg | grep "kprobe_bench: $s " | tail -n 1)
	if [ -z "$line" ]; then
		missing="$missing $s"
	elif [ "$s" != baseline ] && [ "${s#lifecycle}" = "$s" ] &&
	     ! echo "$line" | grep -q 'hits=10/10$'; then
		badhits="$badhits $s"
	fi
done
if [ -n "$missing" ]; then
	echo "bench.module FAIL no result for:$missing"
elif dmesg | grep -q 'kprobe_bench: .*error'; then
	echo "bench.module FAIL $(dmesg | grep 'kprobe_bench: .*error' | head -n 1)"
elif [ -n "$badhits" ]; then
	echo "bench.module FAIL wrong hit count for:$badhits"
else
	echo "bench.module PASS"
fi
