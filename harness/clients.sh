#!/bin/bash
# make clients: a guest user space of Debian's own arm64 builds of the
# tracing tools people use (issue 13): trace-cmd, linux-perf, bpftrace, with
# every library they need, plus dash (a dynamically linked /bin/sh) and
# busybox.  Packages come from Debian's archive (dpkg --add-architecture
# arm64, done by deps.sh), are unpacked with dpkg-deb -x (no maintainer
# scripts run, no root needed) and made into a read-only ext2 image:
#   build/clients/debs/      the downloaded .debs (the cache)
#   build/clients/root/      the unpacked tree
#   build/clients/clients.img  the image, for a virtio-blk drive
#   build/clients/versions   "package version" of every package in it
# Built once and reused: done again only when CLIENTS below changes.
# Not used by make check yet: the kernel configuration and the guest suite
# that mount and run it are the next steps of issue 13.
. "$(dirname "$0")/lib.sh"

CLIENTS="trace-cmd linux-perf bpftrace dash busybox"
out=$BUILD/clients
stamp=$out/.done
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$CLIENTS" ] && [ -s "$out/clients.img" ]; then
	msg "clients: up to date (${out#$ROOT/}/clients.img)"
	exit 0
fi
"$ROOT/harness/deps.sh"
mkdir -p "$out/debs"

# The closure of Depends and Pre-Depends (no Recommends).  apt-cache shows
# an Architecture: all package as "<name:arm64>", as it does a virtual one:
# those that are real Architecture: all packages are taken too.
apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
	--no-breaks --no-replaces --no-enhances $(printf '%s:arm64 ' $CLIENTS) > "$out/depends"
arch=$(sed -n 's/^\([a-z0-9][^ <>]*\):arm64$/\1/p' "$out/depends" | sort -u)
virt=$(sed -n 's/^<\([a-z0-9][^ <>]*\):arm64>$/\1/p' "$out/depends" | sort -u)
all=$( [ -z "$virt" ] || apt-cache show --no-all-versions $virt 2>/dev/null |
	awk '/^Package:/ { p = $2 } /^Architecture: all/ { print p }' | sort -u)
pkgs=$(printf '%s\n' $arch $all | sort -u)
[ -n "$arch" ] || die "clients: no package closure (is arm64 added? apt-get update?)"
msg "clients: $(echo "$pkgs" | wc -l) packages"
deb_of() { # package -> its .deb in debs/, or nothing
	for d in "$out/debs/$1"_*_arm64.deb "$out/debs/$1"_*_all.deb; do
		[ -f "$d" ] && echo "$d" && return
	done
	true
}
need=$(for p in $arch; do [ -n "$(deb_of "$p")" ] || echo "$p:arm64"; done
	for p in $all; do [ -n "$(deb_of "$p")" ] || echo "$p"; done)
[ -z "$need" ] || (cd "$out/debs" && chmod 777 . && apt-get download -q $need >&2)

rm -rf "$out/root"
mkdir -p "$out/root"
: > "$out/versions"
for p in $pkgs; do
	deb=$(deb_of "$p")
	[ -n "$deb" ] || die "clients: $p was not downloaded"
	dpkg-deb -x "$deb" "$out/root"
	echo "$p $(dpkg-deb -f "$deb" Version)" >> "$out/versions"
done
# Mount points for the chroot the guest runs the tools in, and /bin/sh.
mkdir -p "$out/root"/{proc,sys,dev,tmp,results,stress}
ln -sf dash "$out/root/bin/sh"
[ -x "$out/root/usr/bin/trace-cmd" ] || die "clients: no trace-cmd in the tree"

size=$(du -sm "$out/root" | cut -f1)
rm -f "$out/clients.img"
mke2fs -q -t ext2 -L clients -d "$out/root" "$out/clients.img" "$((size * 12 / 10 + 64))M"
echo "$CLIENTS" > "$stamp"
msg "clients: ${out#$ROOT/}/clients.img ($((size * 12 / 10 + 64)) MiB): $(grep -E '^(trace-cmd|linux-perf|bpftrace) ' "$out/versions" | tr '\n' ' ')"
