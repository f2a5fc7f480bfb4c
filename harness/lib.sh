# shellcheck shell=bash
# Common settings for the harness scripts.  Sourced, never run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
IMPL=${IMPL:-ours}
FLAVOUR=${FLAVOUR:-default}		# default | debug
SMP=${SMP:-2}
BASE_PKG=linux-source-6.12
ARCH=arm64
CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
JOBS=${JOBS:-$(nproc)}
export ARCH CROSS_COMPILE

case "$IMPL" in ours|upstream) ;; *) echo "IMPL must be ours or upstream" >&2; exit 2;; esac
case "$FLAVOUR" in default|debug) ;; *) echo "FLAVOUR must be default or debug" >&2; exit 2;; esac

BASE_DIR=$BUILD/base			# pristine unpacked base
SRC_DIR=$BUILD/src-$IMPL		# tree that gets built
[ "$IMPL" = upstream ] && SRC_DIR=$BASE_DIR
OBJ_DIR=$BUILD/obj-$IMPL-$FLAVOUR	# O= build directory
RUN_DIR=$BUILD/runs			# console logs and results

msg() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Version of the installed base package (e.g. 6.12.117-1~deb12u1).
base_pkg_version() {
	dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || true
}

# Kernel version of the unpacked base (e.g. 6.12.117).
base_kernel_version() {
	cat "$BASE_DIR/VERSION" 2>/dev/null || echo unknown
}

kmake() {
	local ccache=()
	command -v ccache >/dev/null && ccache=(CC="ccache ${CROSS_COMPILE}gcc")
	export CCACHE_BASEDIR=$BUILD KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
	export KBUILD_BUILD_USER=kprobes KBUILD_BUILD_HOST=harness
	make -s -C "$SRC_DIR" O="$OBJ_DIR" ARCH=$ARCH CROSS_COMPILE="$CROSS_COMPILE" \
		"${ccache[@]}" -j"$JOBS" "$@"
}
