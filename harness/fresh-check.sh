#!/bin/bash
# make fresh-check: prove that the README's commands work on a fresh Debian 12
# machine, where nothing of what the harness needs is installed.
#
# Builds a minimal Debian 12 root with debootstrap (from the archive apt
# uses here), gives it only what it takes to get the code (git, make: the
# README's prerequisites), clones this repository's HEAD into it and runs
# FRESH_TARGET (default: demo) there as root, in a chroot.  Everything
# else -- the cross compilers, QEMU, linux-source-6.12, busybox-static:arm64,
# the arm64 libc headers -- must be installed by the harness itself.
#
#   FRESH_TARGET=demo|check   what to run in the fresh root (default demo)
#   FRESH_CCACHE=1            share this machine's ccache (faster, and the
#                             packages are still installed from nothing)
#   FRESH_KEEP=1              keep build/fresh/root afterwards
. "$(dirname "$0")/lib.sh"

TARGET=${FRESH_TARGET:-demo}
FRESH=$BUILD/fresh
root=$FRESH/root
log=$FRESH/$TARGET.log
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

command -v debootstrap >/dev/null || {
	$SUDO apt-get update -q >&2
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
		debootstrap debian-archive-keyring >&2
}

# The archive and suites apt uses on this machine (deb822 or one-line form).
mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null ||
	true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null ||
	true)
mirror=${mirror:-http://deb.debian.org/debian}

cleanup() {
	for m in dev/pts dev proc sys; do
		mountpoint -q "$root/$m" && $SUDO umount -l "$root/$m"
	done
	[ "${FRESH_KEEP:-0}" = 1 ] || $SUDO rm -rf "$root"
}
trap cleanup EXIT
cleanup
mkdir -p "$FRESH"

start=$(date +%s)
msg "fresh-check: debootstrap bookworm (minbase) from $mirror into ${root#$ROOT/}"
$SUDO debootstrap --variant=minbase bookworm "$root" "$mirror" > "$FRESH/debootstrap.log" 2>&1 ||
	die "debootstrap failed (see ${FRESH#$ROOT/}/debootstrap.log)"
# The same Debian suites (updates, security) as this machine.
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
	$SUDO mkdir -p "$root/etc/apt/sources.list.d"
	$SUDO cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
	$SUDO rm -f "$root/etc/apt/sources.list"
elif [ -f /etc/apt/sources.list ]; then
	$SUDO cp /etc/apt/sources.list "$root/etc/apt/"
fi
$SUDO mount --bind /dev "$root/dev"
$SUDO mount --bind /dev/pts "$root/dev/pts"
$SUDO mount -t proc proc "$root/proc"
$SUDO mount -t sysfs sysfs "$root/sys"

# The code, as a fresh clone of HEAD (what CI gets).
$SUDO git clone -q "$ROOT" "$root/work/kprobes"
ccache_env=()
if [ "${FRESH_CCACHE:-0}" = 1 ]; then
	$SUDO mkdir -p "$root/ccache"
	$SUDO mount --bind "${CCACHE_DIR:-$HOME/.cache/ccache}" "$root/ccache" 2>/dev/null &&
		ccache_env=(CCACHE_DIR=/ccache)
fi
boot=$(( $(date +%s) - start ))
msg "fresh-check: root ready in ${boot}s; running 'make $TARGET' in it (log: ${log#$ROOT/})"
rc=0
$SUDO chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	LANG=C.UTF-8 "${ccache_env[@]}" /bin/bash -c '
		set -e
		apt-get update -q
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends git make
		cd /work/kprobes
		make '"$TARGET" > "$log" 2>&1 || rc=$?
mountpoint -q "$root/ccache" && $SUDO umount -l "$root/ccache"
total=$(( $(date +%s) - start ))
tail -n 25 "$log"
if [ $rc = 0 ]; then
	msg "fresh-check: PASS: 'make $TARGET' on a fresh Debian 12 root in ${total}s (root ${boot}s)"
else
	msg "fresh-check: FAIL: 'make $TARGET' exited $rc after ${total}s (log: ${log#$ROOT/})"
fi
exit $rc
