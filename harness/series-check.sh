#!/bin/bash
# make series-check: export the series, then on a fresh tree of the base
#   - git am every patch (build/series-am: the same commits as build/series,
#     with the removed code in full, since git am cannot apply an
#     --irreversible-delete patch),
#   - build after every patch (our config, ccache, incremental),
#   - scripts/checkpatch.pl --strict every patch as sent (build/series),
#   - sparse (C=2) and W=1 on our directories after the last one,
#   - and check that the final tree is the tree 'make check' tests.
# Any finding fails.  Report: build/series-check.txt
. "$(dirname "$0")/lib.sh"

"$ROOT/harness/series.sh"
"$ROOT/harness/tree.sh"		# build/src-ours, to compare with
G=$BUILD/series-git
T=$BUILD/series-check-tree
O=$BUILD/obj-series-check
R=$BUILD/series-check.txt
fail=0
note() { echo "$*" | tee -a "$R"; }
: > "$R"

git -C "$G" worktree remove --force "$T" >/dev/null 2>&1 || rm -rf "$T"
git -C "$G" worktree prune
git -C "$G" worktree add -q --detach "$T" base
mkdir -p "$O"
cat "$ROOT/harness/config/base.config" > "$O/.fragment"

build_step() {
	(SRC_DIR=$T OBJ_DIR=$O; export CCACHE_BASEDIR=$BUILD
	 make -s -C "$T" O="$O" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" \
		CC="ccache ${CROSS_COMPILE}gcc" KCONFIG_ALLCONFIG="$O/.fragment" allnoconfig >/dev/null &&
	 make -s -C "$T" O="$O" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" \
		CC="ccache ${CROSS_COMPILE}gcc" -j"$JOBS" Image modules 2>&1)
}

for p in "$BUILD"/series-am/0*.patch; do
	name=${p##*/}
	[ "${name#0000-}" != "$name" ] && continue
	sent=$BUILD/series/$name
	if ! git -C "$T" -c user.name=check -c user.email=check@localhost am -q "$p" >/dev/null 2>&1; then
		git -C "$T" am --abort >/dev/null 2>&1
		note "$name: does not apply"
		fail=1
		break
	fi
	cp=$(cd "$T" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --no-summary --terse "$sent" 2>&1 |
		grep -v 'FILE_PATH_CHANGES\|does MAINTAINERS need updating' || true)
	cpn=$(echo -n "$cp" | grep -c . || true)
	log=$O/build-${name%%-*}.log
	if build_step > "$log"; then
		warn=$(grep -c 'warning:' "$log" || true)
		b="builds ($warn warnings)"
		[ "$warn" = 0 ] || fail=1
	else
		b="BUILD FAILS (see ${log#$ROOT/})"
		fail=1
	fi
	[ "$cpn" = 0 ] || fail=1
	note "$name: applies, $b, checkpatch --strict: $cpn findings"
	[ -n "$cp" ] && echo "$cp" | sed 's/^/    /' | tee -a "$R"
done

# checkpatch asks "does MAINTAINERS need updating?" for every patch that adds
# files; the answer is checked instead: every file we add has our entry.
for f in $(cd "$ROOT" && git ls-files arch Documentation samples tools | grep -v '^harness/'); do
	m=$(cd "$T" && perl scripts/get_maintainer.pl --no-git --no-rolestats -f "$f" 2>/dev/null |
		grep -c 'kprobes@example.org' || true)
	if [ "$m" = 0 ]; then
		note "MAINTAINERS: $f is not covered by the ARM64 KPROBES AND UPROBES entry"
		fail=1
	fi
done

# sparse and W=1 on our code, after the last patch.
touch "$T"/arch/arm64/kernel/probes/*.c "$T"/samples/kprobes/kprobe_bench.c
out=$(make -s -C "$T" O="$O" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" C=2 W=1 \
	-j"$JOBS" arch/arm64/kernel/probes/ samples/kprobes/kprobe_bench.o 2>&1 |
	grep -v '^  [A-Z]' || true)
# The probes directory's prepare step also rebuilds the vDSO under C=2; what
# sparse says of base files is not ours: shown, not counted.
ours='arch/arm64/(kernel/probes|include/asm/(kprobes|probes|uprobes))|samples/kprobes/kprobe_bench|[Ee]rror'
others=$(echo -n "$out" | grep -v -E "$ours" || true)
out=$(echo -n "$out" | grep -E "$ours" || true)
[ -n "$others" ] && echo "$others" | sed 's/^/    (base, not counted) /' | tee -a "$R"

n=$(echo -n "$out" | grep -c . || true)
note "sparse (C=2) + W=1 on arch/arm64/kernel/probes and kprobe_bench: $n findings"
[ -n "$out" ] && echo "$out" | sed 's/^/    /' | tee -a "$R"
[ "$n" = 0 ] || fail=1

# The final tree is what make check tests (IMPL=ours).
d=$(diff -rq -x .git -x .pkg-version -x VERSION "$T" "$SRC_DIR" 2>&1 | head -n 20)
if [ -n "$d" ]; then
	note "final tree differs from build/src-ours:"
	echo "$d" | sed 's/^/    /' | tee -a "$R"
	fail=1
else
	note "final tree: identical to the tree make check tests"
fi
[ $fail = 0 ] && note "series-check: PASS" || note "series-check: FAIL"
exit $fail
