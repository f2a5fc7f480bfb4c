# shellcheck shell=bash
# Common settings for the harness scripts.  Sourced, never run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
IMPL=${IMPL:-ours}
FLAVOUR=${FLAVOUR:-default}		# see flavour_* below
SMP=${SMP:-2}
BASE_PKG=linux-source-6.12
ARCH=arm64
CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
JOBS=${JOBS:-$(nproc)}
export ARCH CROSS_COMPILE

case "$IMPL" in ours|upstream) ;; *) echo "IMPL must be ours or upstream" >&2; exit 2;; esac
# The flavours: the configurations arm64 users run.
#   default  GCC, PREEMPT_NONE, 4K pages, BPF and a virtio-blk drive (clients)
#   debug    GCC, PREEMPT_DYNAMIC booted preempt=full, lockdep, KASAN
#   preempt  GCC, PREEMPT_DYNAMIC booted preempt=full, DEBUG_PREEMPT
#   rt       GCC, PREEMPT_RT, 64K pages, pseudo-NMI on GICv3, no KPTI
#   llvm     clang-19/lld-19, BTI kernel, shadow call stack, kCFI, preempt=full
FLAVOURS="default debug preempt rt llvm"
case " $FLAVOURS " in *" $FLAVOUR "*) ;; *) echo "FLAVOUR must be one of: $FLAVOURS" >&2; exit 2;; esac

# Config fragments (harness/config/*.config) on top of base.config.
flavour_fragments() {
	case "$FLAVOUR" in
	default) echo clients ;;
	debug) echo preempt debug ;;
	preempt) echo preempt ;;
	rt) echo rt ;;
	llvm) echo preempt llvm ;;
	esac
}
# Kernel command line and QEMU machine of the flavour.
flavour_cmdline() {
	case "$FLAVOUR" in
	debug|preempt|llvm) echo preempt=full ;;
	rt) echo irqchip.gicv3_pseudo_nmi=1 ;;
	esac
}
# Seconds a 'check' boot of the flavour may take.  The debug kernel (lockdep,
# KASAN) runs the same tests several times slower under TCG: about 20 min
# on 2 host cores beside another boot, ftracetest most of it (KUnit's
# instruction suite, at 500 encodings per class there, a few minutes).
flavour_check_timeout() {
	case "$FLAVOUR" in
	debug) echo 2400 ;;
	*) echo 1200 ;;
	esac
}
flavour_machine() {
	case "$FLAVOUR" in
	rt) echo virt,gic-version=3 ;;
	*) echo virt ;;
	esac
}
LLVM_SUFFIX=-19		# Debian's clang-19, lld-19, llvm-19

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
	local ccache=() cc=${CROSS_COMPILE}gcc llvm=()
	if [ "$FLAVOUR" = llvm ]; then
		cc=clang$LLVM_SUFFIX
		llvm=(LLVM=$LLVM_SUFFIX)
	fi
	command -v ccache >/dev/null && ccache=(CC="ccache $cc")
	# ccache's depend mode: on a miss, the compiler's own -MMD list of
	# headers keys the result, so the preprocessor does not run a second
	# time (a cold build of the default flavour: 704 s without, 587 s
	# with); hits are looked up as before, so a warm cache stays warm.
	# CCACHE_NODEPEND=1 turns it off (ccache takes any CCACHE_DEPEND
	# value, even 0, for "on").
	if [ -z "${CCACHE_DEPEND+set}${CCACHE_NODEPEND+set}" ]; then
		export CCACHE_DEPEND=1
	fi
	export CCACHE_BASEDIR=$BUILD KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
	export KBUILD_BUILD_USER=kprobes KBUILD_BUILD_HOST=harness
	make -s -C "$SRC_DIR" O="$OBJ_DIR" ARCH=$ARCH CROSS_COMPILE="$CROSS_COMPILE" \
		"${llvm[@]}" "${ccache[@]}" -j"$JOBS" "$@"
}
