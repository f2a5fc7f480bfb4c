#!/bin/bash
# Query harness/expected-failures: tests (and config options) that are known
# not to pass for an IMPL, each with its reason.
#   expected.sh is-listed TEST   -> exit 0 when TEST is listed for $IMPL
#   expected.sh reason TEST      -> print the reason
#   expected.sh list             -> "TEST<TAB>reason" for every entry of $IMPL
# File format: "<impl|all> <test> <reason...>", '#' comments.
. "$(dirname "$0")/lib.sh"
FILE=$ROOT/harness/expected-failures

entries() {
	awk -v impl="$IMPL" '!/^[[:space:]]*(#|$)/ && ($1 == impl || $1 == "all") {
		t = $2; $1 = ""; $2 = ""; sub(/^[[:space:]]+/, ""); print t "\t" $0 }' "$FILE"
}
case "${1:-}" in
is-listed) entries | cut -f1 | grep -qxF -- "$2" ;;
reason) entries | awk -F'\t' -v t="$2" '$1 == t { print $2; exit }' ;;
list) entries ;;
*) echo "usage: $0 is-listed|reason TEST | list" >&2; exit 2 ;;
esac
