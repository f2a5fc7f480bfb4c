#!/bin/bash
# Configure $OBJ_DIR: allnoconfig + harness/config/base.config + the
# flavour's fragments (flavour_fragments in lib.sh).  Then verify every requested option made it into the
# final .config; a missing one fails unless listed in expected-failures.
. "$(dirname "$0")/lib.sh"

frags=("$ROOT/harness/config/base.config")
for f in $(flavour_fragments); do
	frags+=("$ROOT/harness/config/$f.config")
done
mkdir -p "$OBJ_DIR"
cat "${frags[@]}" > "$OBJ_DIR/.harness-fragment.new"
# Reconfigure only when the fragment or the Kconfig files changed, so that an
# unchanged tree keeps its .config timestamp (incremental builds).
if [ -f "$OBJ_DIR/.config" ] && cmp -s "$OBJ_DIR/.harness-fragment.new" "$OBJ_DIR/.harness-fragment" \
	&& [ -z "$(find "$SRC_DIR" -name 'Kconfig*' -newer "$OBJ_DIR/.config" -print -quit)" ]; then
	rm "$OBJ_DIR/.harness-fragment.new"
else
	mv "$OBJ_DIR/.harness-fragment.new" "$OBJ_DIR/.harness-fragment"
	KCONFIG_ALLCONFIG="$OBJ_DIR/.harness-fragment" kmake allnoconfig >/dev/null
fi

# Verify.
missing=0
while read -r line; do
	opt=${line%%=*}
	want=${line#*=}
	got=$(grep -E "^$opt=|^# $opt is not set" "$OBJ_DIR/.config" || true)
	if [ "$got" != "$opt=$want" ]; then
		if "$ROOT/harness/expected.sh" is-listed "config:$opt"; then
			msg "config: $opt is not $want (expected: $("$ROOT/harness/expected.sh" reason "config:$opt"))"
			echo "config:$opt FAIL" >> "$OBJ_DIR/.config-results.new"
		else
			echo "error: requested $opt=$want, .config has '${got:-nothing}'" >&2
			missing=1
		fi
	else
		echo "config:$opt PASS" >> "$OBJ_DIR/.config-results.new"
	fi
done < <(grep -hE '^CONFIG_[A-Za-z0-9_]+=' "${frags[@]}")
mv "$OBJ_DIR/.config-results.new" "$OBJ_DIR/.config-results"
[ $missing = 0 ] || die "configuration is missing requested options (see above)"
