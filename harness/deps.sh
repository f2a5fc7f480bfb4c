#!/bin/bash
# Install what the harness needs from Debian's archive (idempotent).
set -euo pipefail
# libc6-dev-arm64-cross: the guest programs (harness/guest-src) are built
# static against the arm64 libc; it is only a Recommends of the cross gcc and
# apt runs with --no-install-recommends.  clang-19/lld-19/llvm-19: the llvm
# flavour (LLVM=-19, CFI_CLANG, BTI_KERNEL, SHADOW_CALL_STACK).  e2fsprogs
# (Priority: required, so always there on Debian): mke2fs for make clients.
PKGS=(linux-source-6.12 gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
      libc6-dev-arm64-cross clang-19 lld-19 llvm-19
      qemu-system-arm ccache bc bison flex libssl-dev libelf-dev cpio rsync
      sparse xz-utils kmod python3 python3-ply python3-git patch git make gcc
      e2fsprogs)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	$SUDO dpkg --add-architecture arm64
	updated=
else
	updated=
fi
if [ ${#missing[@]} -gt 0 ] || ! apt-cache show busybox-static:arm64 >/dev/null 2>&1; then
	echo "installing: ${missing[*]:-(package lists only)}" >&2
	$SUDO apt-get update -q >&2
	updated=1
fi
if [ ${#missing[@]} -gt 0 ]; then
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
: "$updated"
