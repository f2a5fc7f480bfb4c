#!/bin/bash
# Prepare the source tree for $IMPL.
#   upstream: the unpacked base, untouched (built with O=, never written to).
#   ours:     a copy of the base with upstream's arm64 probes removed
#             (patches/removal), our in-tree files overlaid, and the patches
#             named in patches/series.d applied in order.
# Files that do not change keep their timestamps, so rebuilds stay incremental.
. "$(dirname "$0")/lib.sh"

"$ROOT/harness/base.sh"
[ "$IMPL" = upstream ] && exit 0

# Directories of the repository that mirror the kernel tree.
OVERLAY_DIRS=(arch Documentation include kernel lib samples scripts tools)

mkdir -p "$SRC_DIR"
# 1. Start from the pristine base.  rsync's size+mtime check leaves files we
#    did not touch alone; files touched last time go back to the base first.
rsync -a --delete "$BASE_DIR/" "$SRC_DIR/"

# 2. Remove upstream's implementation and its hooks.
{ grep -v '^#' "$ROOT/patches/removal/files" || true; } | while read -r f; do
	[ -n "$f" ] && rm -rf "${SRC_DIR:?}/$f"
done
apply_patch() {
	local p=$1 f
	patch -s -p1 -d "$SRC_DIR" --no-backup-if-mismatch -r - < "$p" ||
		die "patch ${p#$ROOT/} does not apply"
	# Give touched files the patch's timestamp so an unchanged patch does not
	# force a rebuild.
	for f in $(grep -E '^\+\+\+ ' "$p" | sed -E 's,^\+\+\+ [^/]*/,,; s,\t.*,,'); do
		[ -e "$SRC_DIR/$f" ] && touch -r "$p" "$SRC_DIR/$f"
	done
	return 0
}
apply_patch "$ROOT/patches/removal/hooks.patch"

# 3. Overlay our files (tracked, or new and not ignored), keeping their mtimes.
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard -- "${OVERLAY_DIRS[@]}") |
	(cd "$ROOT" && xargs -0 -r cp -p --parents --remove-destination -t "$SRC_DIR")

# 4. Our patches to files of the base, in the order of the series
#    (patches/series.d/*.txt, "Patches:" lines; the removal was step 2).
for p in $(sed -n 's/^Patches: //p' "$ROOT"/patches/series.d/*.txt | tr ' ' '\n' | grep -v '^removal/'); do
	apply_patch "$ROOT/patches/$p"
done
