#!/bin/bash
# Install Debian's linux-source-6.12 if missing and unpack it once under
# build/base (re-unpacked only when the package version changes).
. "$(dirname "$0")/lib.sh"

"$ROOT/harness/deps.sh"
ver=$(base_pkg_version)
[ -n "$ver" ] || die "$BASE_PKG not installed"
if [ "$(cat "$BASE_DIR/.pkg-version" 2>/dev/null)" = "$ver" ]; then
	exit 0
fi
msg "unpacking $BASE_PKG $ver"
rm -rf "$BASE_DIR" "$BASE_DIR.tmp"
mkdir -p "$BASE_DIR.tmp"
tar -C "$BASE_DIR.tmp" --strip-components=1 -xf /usr/src/$BASE_PKG.tar.xz
make -s -C "$BASE_DIR.tmp" kernelversion > "$BASE_DIR.tmp/VERSION"
echo "$ver" > "$BASE_DIR.tmp/.pkg-version"
mv "$BASE_DIR.tmp" "$BASE_DIR"
msg "base is Linux $(base_kernel_version) ($ver)"
