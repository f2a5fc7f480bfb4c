#!/bin/bash
# make series: export the patch series to build/series/ (to send: the
# removal patch uses --irreversible-delete) and build/series-am/ (the same
# commits with the removed code in full, which git am can apply).
#
# A git tree of the base (build/series-git, made once per base version) gets
# one commit per patches/series.d/*.txt, in order:
#   Subject:  the commit subject
#   Remove:   a file listing paths to delete (the first patch)
#   Files:    files of this repository the commit adds, as they are here
#   Patches:  patches/ files the commit applies to files of the base
#   (blank line, then the commit message body)
# and git format-patch writes the series with a cover letter
# (patches/cover-letter.txt, with the base version, the benchmark table
# and the test results filled in).
. "$(dirname "$0")/lib.sh"

"$ROOT/harness/base.sh"
W=$BUILD/series-git
OUT=$BUILD/series
AUTHOR=${SERIES_AUTHOR:-"arm64 kprobes team <kprobes@example.org>"}
AUTHOR_EMAIL=${AUTHOR##*<}
AUTHOR_EMAIL=${AUTHOR_EMAIL%>}
git_() {
	git -C "$W" -c user.name="${AUTHOR% <*}" -c user.email="$AUTHOR_EMAIL" \
		-c core.autocrlf=false -c advice.detachedHead=false "$@"
}

ver=$(base_kernel_version)
if [ "$(cat "$W/.base-version" 2>/dev/null)" != "$(cat "$BASE_DIR/.pkg-version")" ]; then
	msg "making the base git tree (once per base version)"
	rm -rf "$W"
	rsync -a --exclude=.pkg-version --exclude=VERSION "$BASE_DIR/" "$W/"
	git_ init -q
	git_ add -f -A .
	git_ commit -q -m "Linux $ver (Debian linux-source-6.12 $(cat "$BASE_DIR/.pkg-version"))"
	git_ tag -f base >/dev/null
	cp "$BASE_DIR/.pkg-version" "$W/.base-version"
fi

git_ checkout -q -f -B series base
git_ clean -q -f -d -x -e .base-version
for f in "$ROOT"/patches/series.d/*.txt; do
	subject=$(sed -n 's/^Subject: //p' "$f")
	for p in $(sed -n 's/^Remove: //p' "$f"); do
		grep -vE '^(#|$)' "$ROOT/$p" | while read -r path; do
			git_ rm -r -q -- "$path"
		done
	done
	for p in $(sed -n 's/^Files: //p' "$f"); do
		mkdir -p "$W/$(dirname "$p")"
		cp "$ROOT/$p" "$W/$p"
		git_ add -f -- "$p"
	done
	for p in $(sed -n 's/^Patches: //p' "$f"); do
		patch -s -p1 -d "$W" --no-backup-if-mismatch < "$ROOT/patches/$p" ||
			die "${f##*/}: patches/$p does not apply"
		grep -E '^\+\+\+ ' "$ROOT/patches/$p" | sed -E 's,^\+\+\+ [^/]*/,,; s,\t.*,,' |
			while read -r path; do git_ add -f -- "$path"; done
	done
	{
		echo "$subject"
		echo
		awk 'body { print } /^$/ && !body { body = 1 }' "$f"
		echo
		echo "Signed-off-by: $AUTHOR"
	} > "$BUILD/.series-msg"
	git_ commit -q -F "$BUILD/.series-msg" || die "${f##*/}: nothing to commit"
done

rm -rf "$OUT" "$OUT-am"
git_ format-patch -q --irreversible-delete --cover-letter --base=base \
	-o "$OUT" base..series
# git am cannot apply an --irreversible-delete patch: the same commits in
# full, for applying (make series-check uses these).
git_ format-patch -q --base=base -o "$OUT-am" base..series

# The cover letter: our text, the base version, benchmark and test results.
cover=$(ls "$OUT"/0000-*.patch)
python3 - "$cover" "$ROOT/patches/cover-letter.txt" "$ver ($(cat "$BASE_DIR/.pkg-version"))" \
	"$BUILD/bench/table.txt" "$RUN_DIR/check-ours.txt" <<'EOF'
import sys
cover, tmpl, base, bench, check = sys.argv[1:6]
text = open(tmpl).read()
def read(p, what):
    try:
        return open(p).read().rstrip()
    except OSError:
        return f'(no {what} yet: run make {what.split()[0]})'
text = text.replace('@BASE@', base)
text = text.replace('@BENCH@', read(bench, 'bench results'))
res = read(check, 'check results').splitlines()
text = text.replace('@CHECK@', '\n'.join(res[-2:]) if len(res) > 1 else '\n'.join(res))
subject, body = text.split('\n', 1)
c = open(cover).read()
c = c.replace('*** SUBJECT HERE ***', subject.replace('Subject: ', ''))
c = c.replace('*** BLURB HERE ***', body.strip())
open(cover, 'w').write(c)
EOF
msg "series: $(ls "$OUT" | wc -l) files in ${OUT#$ROOT/} (base $ver)"
