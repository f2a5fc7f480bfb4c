#!/bin/bash
# Host-side tests of make check: the decode table built for the host and
# cross-checked against binutils' disassembler.  One line per test:
# "<name> PASS|FAIL <detail>", in build/runs/host-results.txt.
. "$(dirname "$0")/lib.sh"

out=$RUN_DIR/host-results.txt
mkdir -p "$RUN_DIR" "$BUILD/host"
: > "$out"
host=$BUILD/host/decode_host
gcc -O2 -Wall -Wextra -Wno-unused-parameter -Werror -I "$ROOT/harness/host/shim" \
	-I "$ROOT/arch/arm64/include" -o "$host" "$ROOT/harness/host/decode_host.c" \
	"$ROOT/arch/arm64/kernel/probes/decode.c" || { echo "decode-host-build FAIL" >> "$out"; exit 0; }
echo "decode-host-build PASS" >> "$out"
if r=$("$host" excl-group); then
	echo "decode-excl-group PASS $r" >> "$out"
else
	echo "decode-excl-group FAIL $r" >> "$out"
fi

if r=$("$host" index 1000000 0x1dec0de); then
	echo "decode-index PASS $r" >> "$out"
else
	echo "decode-index FAIL $r" >> "$out"
fi

log=$RUN_DIR/decoder-safety.txt
seed=${DECODER_SEED:-0x5eed2026}
if python3 "$ROOT/harness/decoder_safety.py" "$host" 1000000 "$seed" > "$log" 2>&1; then
	echo "decoder-safety PASS $(tail -n 1 "$log") (seed $seed)" >> "$out"
else
	echo "decoder-safety FAIL $(grep -m1 -E 'unsafe|error' "$log") (seed $seed)" >> "$out"
fi
cat "$log" >&2
