#!/bin/sh
# clients-chroot.sh up|down: mount the clients image (build/clients/
# clients.img, Debian's trace-cmd, perf and bpftrace: make clients) from
# the virtio-blk drive /dev/vda at /clients, with the kernel file systems
# and the harness's directories inside, ready for
#   chroot /clients /bin/busybox env -i PATH=$CLIENTS_PATH HOME=/tmp CMD...
# Its writes go to QEMU's temporary overlay (boot.sh DRIVE=, snapshot=on):
# it is mounted read-write, the image stays as built.
C=/clients
case "$1" in
up)
	mkdir -p $C
	mount -t ext2 /dev/vda $C || exit 1
	mkdir -p $C/harness $C/selftests $C/stress $C/results $C/opt/bb
	mount -t proc proc $C/proc
	mount -t sysfs sysfs $C/sys
	mount -t devtmpfs devtmpfs $C/dev
	mount -t tmpfs tmpfs $C/tmp
	mount -t tracefs tracefs $C/sys/kernel/tracing
	mount -t debugfs debugfs $C/sys/kernel/debug
	for d in harness selftests stress results; do
		mount -o bind /$d $C/$d
	done
	# the small tools (grep, awk, ...) are Debian's busybox's, last in PATH
	chroot $C /bin/busybox --install -s /opt/bb
	;;
down)
	for d in results stress selftests harness sys/kernel/debug sys/kernel/tracing tmp dev sys proc ""; do
		umount $C/$d || echo "clients-chroot: $C/$d stays mounted"
	done
	;;
esac
