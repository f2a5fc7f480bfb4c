#!/bin/bash
# Build the test initramfs for $IMPL/$FLAVOUR:
#   static busybox (Debian's busybox-static:arm64), /init and the guest
#   scripts (harness/guest), the tree's tools/testing/selftests/ftrace, and
#   the modules of the build.  Output: $OBJ_DIR/initramfs.cpio
. "$(dirname "$0")/lib.sh"

CACHE=$BUILD/cache
mkdir -p "$CACHE"
bb=$CACHE/busybox/bin/busybox
if [ ! -x "$bb" ]; then
	"$ROOT/harness/deps.sh"
	msg "fetching busybox-static:arm64"
	rm -rf "$CACHE/busybox" "$CACHE"/busybox-static_*.deb
	(cd "$CACHE" && apt-get download busybox-static:arm64 2>/dev/null) ||
		die "apt-get download busybox-static:arm64 failed (is arm64 added with dpkg --add-architecture?)"
	dpkg-deb -x "$CACHE"/busybox-static_*_arm64.deb "$CACHE/busybox"
	[ -x "$bb" ] || die "no busybox in the package"
fi

root=$OBJ_DIR/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,results,etc,root,lib/modules,harness,selftests}
cp "$bb" "$root/bin/busybox"
# /bin/sh must be a real file: the uprobe tests look for */bin/*sh in maps.
cp "$bb" "$root/bin/sh"
cp "$ROOT/harness/guest/init" "$root/init"
cp -r "$ROOT"/harness/guest/. "$root/harness/"
rm -f "$root/harness/init"
cp -r "$SRC_DIR/tools/testing/selftests/ftrace" "$root/selftests/ftrace"
rm -rf "$root/selftests/ftrace/logs"
if [ -d "$OBJ_DIR/modinst/lib/modules" ]; then
	cp -r "$OBJ_DIR/modinst/lib/modules/." "$root/lib/modules/"
fi
# Extra guest payloads (our test programs), if any were built.
if [ -d "$OBJ_DIR/guest-extra" ]; then
	cp -r "$OBJ_DIR/guest-extra/." "$root/"
fi
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
chmod +x "$root/init" "$root"/harness/*.sh
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc -R 0:0 --quiet) > "$OBJ_DIR/initramfs.cpio"
msg "initramfs: $(du -h "$OBJ_DIR/initramfs.cpio" | cut -f1)"
