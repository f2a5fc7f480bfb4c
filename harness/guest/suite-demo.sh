#!/bin/sh
# The main job: trace with kprobe_events, as a tracing user would.
# Every command is echoed so the console reads like a terminal session.
T=/sys/kernel/tracing
run() { echo "# $*"; eval "$@"; }
cd $T || exit 1
echo "=== kprobe_events demo on $(uname -m) $(uname -r)"
run "echo 'p:myopen do_sys_openat2 dfd=%x0 path=+0(%x1):string flags=+0(%x2):x64' > kprobe_events"
run "echo 'r:myopen_ret do_sys_openat2 ret=\$retval' >> kprobe_events"
run "echo 'p:myclone kernel_clone args=\$arg1 sp=\$stack ret_addr=%x30:x64' >> kprobe_events"
run "echo 'r:myclone_ret kernel_clone pid=\$retval:s32' >> kprobe_events"
run "cat kprobe_events"
run "echo 1 > events/kprobes/enable"
run "cat /etc/passwd > /dev/null"
run "/bin/true"
run "echo 0 > events/kprobes/enable"
run "cat trace | grep -v '^#' > /tmp/demo-trace"
run "cat /tmp/demo-trace"
ok=1
for ev in myopen myopen_ret myclone myclone_ret; do
	n=$(grep -c " $ev: " /tmp/demo-trace)
	echo "event $ev: $n hits"
	[ "$n" -gt 0 ] || ok=0
done
grep -q 'myopen: .*path="/etc/passwd"' /tmp/demo-trace || { echo "no open of /etc/passwd traced"; ok=0; }
run "echo > kprobe_events"
run "cat kprobe_events"
cp /tmp/demo-trace /results/demo-trace.txt

# The same, the way most users do it: Debian's perf and trace-cmd, from the
# clients image (make clients), chrooted into it.
cd /
echo "=== perf and trace-cmd demo (Debian's builds, from the clients image)"
if [ ! -b /dev/vda ]; then
	# the default flavour has virtio-blk and BPF (harness/config/clients.config)
	echo "no clients drive: this kernel has no virtio-blk (FLAVOUR=default has it)"
elif sh /harness/clients-chroot.sh up; then
	chroot /clients /bin/busybox env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin:/opt/bb HOME=/tmp \
		/bin/sh /harness/demo-tools.sh || ok=0
	sh /harness/clients-chroot.sh down
else
	echo "could not mount the clients image from /dev/vda"
	ok=0
fi
if [ $ok = 1 ]; then echo "DEMO: PASS"; else echo "DEMO: FAIL"; fi
