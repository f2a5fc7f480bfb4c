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
# make check's 'clients' boot and make demo attach it (boot.sh DRIVE=);
# the guest mounts it with harness/guest/clients-chroot.sh.
. "$(dirname "$0")/lib.sh"

CLIENTS="trace-cmd linux-perf bpftrace dash busybox"
out=$BUILD/clients
stamp=$out/.done
want="$CLIENTS $(sha1sum < "$0" | cut -c1-12)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -s "$out/clients.img" ]; then
	msg "clients: up to date (${out#$ROOT/}/clients.img)"
	exit 0
fi
"$ROOT/harness/deps.sh"
mkdir -p "$out/debs"

# The closure of Depends and Pre-Depends (no Recommends), as "name arch
# version" lines: apt-cache depends follows an arm64 package's
# dependencies as arm64 ones, but an Architecture: all package's under
# their native names (which it shows as "<name:arm64>", like virtual
# packages): so those are followed again, until nothing new comes.
python3 - "$out/pkglist" $CLIENTS <<'EOF'
import re, subprocess, sys

def run(args):
    return subprocess.run(args, capture_output=True, text=True)

def depends(names):
    r = run(['apt-cache', 'depends', '--recurse', '--no-recommends', '--no-suggests',
             '--no-conflicts', '--no-breaks', '--no-replaces', '--no-enhances'] + names)
    if r.returncode:
        sys.exit('clients: apt-cache depends failed: ' + r.stderr[:300])
    return set(re.findall(r'^<?([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9]+)?>?$', r.stdout, re.M))

def real(names):
    """name -> (arch, version) of the real arm64 or all packages among names"""
    res = {}
    for suffix in (':arm64', ''):
        # unknown names only make apt-cache complain: the others are shown
        text = run(['apt-cache', 'show', '--no-all-versions'] + [n + suffix for n in names]).stdout
        for blk in text.split('\n\n'):
            f = dict(re.findall(r'^(Package|Architecture|Version): (\S+)', blk, re.M))
            if f.get('Architecture') in ('arm64', 'all'):
                res.setdefault(f['Package'], (f['Architecture'], f['Version']))
    return res

names, done_all, todo = set(), set(), [c + ':arm64' for c in sys.argv[2:]]
while todo:
    names |= depends(todo)
    info = real(sorted(names))
    alls = sorted(n for n, (a, v) in info.items() if a == 'all' and n not in done_all)
    done_all |= set(alls)
    new = (depends(alls) - names) if alls else set()
    names |= new
    todo = [n + ':arm64' for n in sorted(new)]
info = real(sorted(names))
if not info:
    sys.exit('clients: no package closure (is arm64 added? apt-get update?)')
with open(sys.argv[1], 'w') as f:
    for n in sorted(info):
        f.write('%s %s %s\n' % (n, *info[n]))
EOF
msg "clients: $(wc -l < "$out/pkglist") packages"
deb_of() { # name arch version -> the .deb apt-get download writes
	echo "$out/debs/${1}_${3//:/%3a}_$2.deb"
}
need=$(while read -r n a v; do
	[ -f "$(deb_of "$n" "$a" "$v")" ] && continue
	if [ "$a" = all ]; then echo "$n=$v"; else echo "$n:arm64=$v"; fi
done < "$out/pkglist")
if [ -n "$need" ]; then
	# the lists may be older than the archive: one update, then fail
	(cd "$out/debs" && chmod 777 . && apt-get download -q $need >&2) ||
		{ apt-get update -q >&2 && (cd "$out/debs" && apt-get download -q $need >&2); } ||
		die "clients: apt-get download failed"
fi

rm -rf "$out/root"
mkdir -p "$out/root"
: > "$out/versions"
while read -r n a v; do
	deb=$(deb_of "$n" "$a" "$v")
	[ -f "$deb" ] || die "clients: $n $v was not downloaded"
	dpkg-deb -x "$deb" "$out/root"
	echo "$n $v" >> "$out/versions"
done < "$out/pkglist"
# Mount points for the chroot the guest runs the tools in, and /bin/sh.
mkdir -p "$out/root"/{proc,sys,dev,tmp,results,stress,harness,selftests,opt/bb}
ln -sf dash "$out/root/bin/sh"
for t in trace-cmd perf bpftrace dash busybox; do
	[ -x "$out/root/usr/bin/$t" ] || [ -x "$out/root/bin/$t" ] || die "clients: no $t in the tree"
done

size=$(du -sm "$out/root" | cut -f1)
rm -f "$out/clients.img"
mke2fs -q -t ext2 -I 256 -L clients -d "$out/root" "$out/clients.img" "$((size * 12 / 10 + 64))M"
echo "$want" > "$stamp"
msg "clients: ${out#$ROOT/}/clients.img ($((size * 12 / 10 + 64)) MiB): $(grep -E '^(trace-cmd|linux-perf|bpftrace) ' "$out/versions" | tr '\n' ' ')"
