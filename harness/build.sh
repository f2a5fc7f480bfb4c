#!/bin/bash
# Build Image + modules for $IMPL/$FLAVOUR (incremental, ccache).
. "$(dirname "$0")/lib.sh"

"$ROOT/harness/tree.sh"
"$ROOT/harness/config.sh"
msg "building $IMPL/$FLAVOUR in ${OBJ_DIR#$ROOT/}"
start=$(date +%s)
kmake Image modules
rm -rf "$OBJ_DIR/modinst"
kmake INSTALL_MOD_PATH="$OBJ_DIR/modinst" INSTALL_MOD_STRIP=1 modules_install >/dev/null
"$ROOT/harness/extmod.sh"
msg "built $IMPL/$FLAVOUR in $(( $(date +%s) - start ))s"
