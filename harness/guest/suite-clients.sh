#!/bin/sh
# The 'clients' suite (issue 13): the tools people trace with, as Debian
# builds them, on our kernel.  The clients image (clients-chroot.sh) holds
# trace-cmd, perf, bpftrace, their libraries, and dash as /bin/sh; the
# tests (clients-run.sh) run chrooted into it under dash and write
# /results/clients.txt and /results/ftracetest.txt.
stamp() { echo "HARNESS: t=$(cut -d' ' -f1 /proc/uptime) $*"; }

stamp clients
if ! sh /harness/clients-chroot.sh up; then
	echo "mount FAIL no clients image on /dev/vda (make clients; CONFIG_VIRTIO_BLK, CONFIG_EXT2_FS)" |
		tee -a /results/clients.txt
	exit 0
fi
chroot /clients /bin/busybox env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin:/opt/bb HOME=/tmp \
	/bin/sh /harness/clients-run.sh
rc=$?
# clients-run.sh's last line says it got to the end
if [ $rc != 0 ] || ! tail -n 1 /results/clients.txt | grep -q '^completed PASS'; then
	echo "run FAIL clients-run.sh ended early (exit $rc) after: $(tail -n 1 /results/clients.txt)" |
		tee -a /results/clients.txt
fi
sh /harness/clients-chroot.sh down
stamp clients done
true
