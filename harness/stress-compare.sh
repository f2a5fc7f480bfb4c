#!/bin/bash
# make stress-compare: the stress suite (harness/guest/suite-stress.sh) on
# both IMPLs, debug flavour, -smp 4, the same seed and cases, and one table
# of their results side by side (issue 14: upstream in the same suite).
# Not part of make check (a second debug build and boot would not fit its
# time budget); it judges nothing, it reports: the stress boot of make
# check judges ours.
#   STRESS_ARGS  harness.args of both boots (default: seed from HEAD)
#   STRESS_IMPLS which IMPLs to (re)run (default: "ours upstream"); the
#                table shows every IMPL that has a run on record
. "$(dirname "$0")/lib.sh"

seed=$((0x$(git -C "$ROOT" rev-parse --short=7 HEAD 2>/dev/null || echo 1)))
args=${STRESS_ARGS:-seed=$seed}
for impl in ${STRESS_IMPLS:-ours upstream}; do
	# a failed build leaves that IMPL's column as it was (or out)
	if ! (IMPL=$impl FLAVOUR=debug "$ROOT/harness/build.sh" &&
	      IMPL=$impl FLAVOUR=debug "$ROOT/harness/initramfs.sh"); then
		msg "stress-compare: $impl did not build"
		continue
	fi
	IMPL=$impl FLAVOUR=debug SMP=4 SUITE=stress TIMEOUT=1800 \
		RUN_NAME=compare-$impl-debug-stress-smp4 \
		EXTRA_CMDLINE="kunit.enable=0 kmemleak=on" ARGS="$args" \
		"$ROOT/harness/boot.sh" || true
done
python3 - "$ROOT/harness" "$RUN_DIR" "$args" <<'EOF' | tee "$RUN_DIR/stress-compare.txt"
import os, sys
sys.path.insert(0, sys.argv[1])
import report  # noqa: E402  (its collect() reads a run as make check does)
runs, args = sys.argv[2], sys.argv[3]
cols, res, heads = [], {}, []
for impl in ('ours', 'upstream'):
    d = os.path.join(runs, f'compare-{impl}-debug-stress-smp4')
    if not os.path.isdir(d):
        continue
    cols.append(impl)
    # what each column ran: a column can be older than the other
    info = os.path.join(d, 'info')
    desc = ' '.join(x.strip() for x in open(info, errors='replace')) if os.path.exists(info) else ''
    cmd = os.path.join(d, 'qemu-cmdline')
    args_run = ''
    if os.path.exists(cmd):
        m = [w for w in open(cmd, errors='replace').read().split() if w.startswith('harness.args=')]
        args_run = m[0] if m else ''
    heads.append(f'  {impl}: {desc[:160]} {args_run}')
    for t, rn in report.collect(d).items():
        if t.startswith(('stress:', 'boot:')):
            res.setdefault(t, {})[impl] = rn
print(f'stress suite side by side (debug, -smp 4); this run asked for harness.args {args}')
for h in heads:
    print(h)
for name in sorted(res, key=lambda n: (n.startswith('boot:'), n)):
    print(f'\n{name}')
    for impl in cols:
        r, note = res[name].get(impl, ('-', 'no result'))
        print(f'  {impl:<9} {r:<5} {note}')
EOF
