#!/bin/sh
# Load each kprobes sample module, trigger the probed function (kernel_clone,
# by forking), and check the sample's own message appears in the kernel log.
# Prints "<module> PASS|FAIL <detail>".
moddir=/lib/modules/$(uname -r)
sample() { # name module pattern
	n=$1 m=$2 pat=$3
	ko=$(find "$moddir" -name "$m.ko" | head -n1)
	if [ -z "$ko" ]; then echo "$n FAIL module not found"; return; fi
	before=$(dmesg | grep -c "$pat")
	if ! insmod "$ko"; then echo "$n FAIL insmod: $(dmesg | tail -n 3 | tr '\n' ' ')"; return; fi
	for i in 1 2 3; do /bin/true; done
	hits=$(( $(dmesg | grep -c "$pat") - before ))
	if ! rmmod "$m"; then echo "$n FAIL rmmod"; return; fi
	if [ "$hits" -gt 0 ]; then
		echo "$n PASS $hits messages"
	else
		echo "$n FAIL no '$pat' in the kernel log: $(dmesg | tail -n 3 | tr '\n' ' ')"
	fi
}
sample kprobe_example.pre kprobe_example "<kernel_clone> p->addr = 0x[0-9a-f]*, pc = "
sample kprobe_example.post kprobe_example "<kernel_clone> p->addr = 0x[0-9a-f]*, pstate = "
sample kretprobe_example kretprobe_example "kernel_clone returned"
