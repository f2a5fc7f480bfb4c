#!/usr/bin/env python3
"""Make the benchmark table from the bench boots of harness/bench.sh.

usage: bench_report.py RESULTS_JSON RUN_DIR...

Run directories are named bench-<impl>-<mode> (mode: icount1, icount2,
wall).  Each holds results/bench.txt with "BENCH <scenario> <value> ..."
lines from harness/guest/suite-bench.sh.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# scenario: (label, baseline scenario, how the exceptions per hit come about)
SCENARIOS = [
    ('entry', 'kprobe at function entry (mov x9, x30)', 'baseline'),
    ('xol', 'kprobe mid-function, out of line (ldr)', 'baseline'),
    ('post', 'kprobe with a post_handler (ldr)', 'baseline'),
    ('bcond', 'kprobe on b.cond (simulated)', 'baseline'),
    ('bl', 'kprobe on bl (simulated)', 'baseline'),
    ('ret', 'kprobe on ret (simulated)', 'baseline'),
    ('kretprobe', 'kretprobe', 'baseline'),
    ('kev', 'kprobe_events, %x0 and +0(%x1):u64', 'kev-base'),
    ('getppid-entry', 'getppid(), kprobe_events p: on sym+0', 'getppid-base'),
    ('getppid-bl', 'getppid(), kprobe_events p: on the bl', 'getppid-base'),
    ('getppid-ret', 'getppid(), kprobe_events r:', 'getppid-base'),
]

# Jump-optimized probes (ours only): compared with upstream's breakpoint
# probe on the same site, and with ours unoptimized (the scenario named).
OPT_SCENARIOS = [
    ('opt-entry', 'optimized: kprobe at function entry', 'baseline', 'entry'),
    ('opt-xol', 'optimized: kprobe mid-function (ldr)', 'baseline', 'xol'),
    ('opt-bcond', 'optimized: kprobe on b.cond (relocated)', 'baseline', 'bcond'),
    ('opt-bl', 'optimized: kprobe on bl (relocated)', 'baseline', 'bl'),
    ('opt-ret', 'optimized: kprobe on ret', 'baseline', 'ret'),
    ('opt-kretprobe', 'optimized: kretprobe', 'baseline', 'kretprobe'),
    ('opt-kev', 'optimized: kprobe_events, %x0 and +0(%x1):u64', 'kev-base', 'kev'),
    ('opt-getppid-entry', 'optimized: getppid(), p: on sym+0', 'getppid-base', 'getppid-entry'),
    ('opt-getppid-bl', 'optimized: getppid(), p: on the bl', 'getppid-base', 'getppid-bl'),
    ('opt-getppid-ret', 'optimized: getppid(), r:', 'getppid-base', 'getppid-ret'),
]

# Exceptions taken per hit, from each implementation's mechanism (see
# Documentation/arch/arm64/kprobes.rst and shared/REFERENCE.md).
EXCEPTIONS = {
    'upstream': {'entry': 2, 'xol': 2, 'post': 2, 'bcond': 1, 'bl': 1, 'ret': 1,
                 'kretprobe': 3, 'kev': 2, 'getppid-entry': 2, 'getppid-bl': 1,
                 'getppid-ret': 3},
    'ours': {'entry': 1, 'xol': 1, 'post': 2, 'bcond': 1, 'bl': 1, 'ret': 1,
             'kretprobe': 1, 'kev': 1, 'getppid-entry': 1, 'getppid-bl': 1,
             'getppid-ret': 1},
}


def parse(run):
    vals = {}
    p = os.path.join(run, 'results', 'bench.txt')
    if not os.path.exists(p):
        return vals
    for line in open(p, errors='replace'):
        m = re.match(r'^BENCH (\S+) (\d+)', line)
        if m:
            vals[m.group(1)] = int(m.group(2))
        m = re.match(r'^BENCH (lifecycle-\w+) (\d+) probes: register\+arm (\d+) ns, '
                     r'disarm\+unregister (\d+) ns', line)
        if m:
            # several rounds per boot: every sample is kept, the row shows the median
            vals.setdefault(m.group(1) + '-samples', []).append(int(m.group(3)) + int(m.group(4)))
            vals.setdefault(m.group(1) + '-register', []).append(int(m.group(3)))
    for sc in ('lifecycle-nop', 'lifecycle-xol'):
        if sc + '-samples' in vals:
            vals[sc] = median(vals[sc + '-samples'])
    return vals


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) // 2


def info(run, key):
    p = os.path.join(run, 'info')
    if os.path.exists(p):
        for line in open(p):
            if line.startswith(key + ':'):
                return line.split(':', 1)[1].strip()
    return ''


def main():
    out_json, runs = sys.argv[1], sys.argv[2:]
    data = {}
    for run in runs:
        m = re.match(r'bench-(\w+)-(\w+)$', os.path.basename(run.rstrip('/')))
        if m:
            data.setdefault(m.group(1), {})[m.group(2)] = parse(run)

    def cost(impl, mode, sc, base):
        v = data.get(impl, {}).get(mode, {})
        if sc not in v or base not in v:
            return None
        return v[sc] - v[base]

    rows = []
    for sc, label, base in SCENARIOS:
        row = {'scenario': sc, 'label': label}
        for mode in ('icount1', 'icount2', 'wall'):
            for impl in ('upstream', 'ours'):
                row[f'{impl}_{mode}'] = cost(impl, mode, sc, base)
        for impl in ('upstream', 'ours'):
            row[f'{impl}_exceptions'] = EXCEPTIONS[impl].get(sc)
        rows.append(row)
    for sc, label, base, unopt in OPT_SCENARIOS:
        row = {'scenario': sc, 'label': label, 'unoptimized': unopt}
        for mode in ('icount1', 'icount2', 'wall'):
            # upstream has no optimized probes: its breakpoint probe on the site
            row[f'upstream_{mode}'] = cost('upstream', mode, unopt, base)
            row[f'ours_{mode}'] = cost('ours', mode, sc, base)
            row[f'ours_unoptimized_{mode}'] = cost('ours', mode, unopt, base)
        row['upstream_exceptions'] = EXCEPTIONS['upstream'].get(unopt)
        row['ours_exceptions'] = 0
        rows.append(row)
    for sc, label in (('lifecycle-nop', 'register+arm+disarm+unregister 1000 probes on NOPs'),
                      ('lifecycle-xol', 'register+arm+disarm+unregister 1000 probes on ADDs')):
        row = {'scenario': sc, 'label': label}
        for mode in ('icount1', 'icount2', 'wall'):
            for impl in ('upstream', 'ours'):
                row[f'{impl}_{mode}'] = data.get(impl, {}).get(mode, {}).get(sc)
        for impl in ('upstream', 'ours'):
            # both icount boots together: the spread is what the acceptance asks for
            for what in ('samples', 'register'):
                xs = [x for mode in ('icount1', 'icount2')
                      for x in data.get(impl, {}).get(mode, {}).get(f'{sc}-{what}', [])]
                row[f'{impl}_icount_{what}'] = xs
                row[f'{impl}_icount_{what}_median'] = median(xs) if xs else None
        rows.append(row)

    def ratio(a, b):
        return f'{b / a:.2f}' if a and b is not None and a > 0 else '-'

    def fmt(v):
        return '-' if v is None else str(v)

    print('Cost per probe hit (probe run minus the same run without the probe).')
    print('icount: QEMU -icount shift=0, 1 ns = 1 guest instruction, repeatable;')
    print('wall: QEMU TCG wall clock, noisy.  Lifecycle rows are totals in ns.\n')
    hdr = (f'{"scenario":<52} {"upstream":>9} {"ours":>9} {"ratio":>6} | '
           f'{"upstream":>9} {"ours":>9} {"ratio":>6} | {"exc up/ours":>11}')
    print(f'{"":<52} {"---- icount (ns = insns) ----":>26} | {"---- wall clock (ns) ----":>26} |')
    print(hdr)
    print('-' * len(hdr))
    worst_rep = 0.0
    for r in rows:
        a, b = r['upstream_icount1'], r['ours_icount1']
        c, d = r['upstream_wall'], r['ours_wall']
        exc = ''
        if r.get('upstream_exceptions') is not None:
            exc = f'{r["upstream_exceptions"]} / {r["ours_exceptions"]}'
        if r['scenario'].startswith('lifecycle'):
            a, b = r['upstream_icount_samples_median'], r['ours_icount_samples_median']
        print(f'{r["label"]:<52} {fmt(a):>9} {fmt(b):>9} {ratio(a, b):>6} | '
              f'{fmt(c):>9} {fmt(d):>9} {ratio(c, d):>6} | {exc:>11}')
        if 'unoptimized' in r:
            u = r['ours_unoptimized_icount1']
            print(f'  ours optimized / ours unoptimized ({r["unoptimized"]}): '
                  f'{fmt(b)} / {fmt(u)} = {ratio(u, b)}')
        if r['scenario'].startswith('lifecycle'):
            up, ours = r['upstream_icount_samples'], r['ours_icount_samples']
            ru, ro = r['upstream_icount_register_median'], r['ours_icount_register_median']
            spread = (f'  icount median of {len(up)}/{len(ours)} rounds; '
                      f'range upstream {min(up) if up else "-"}..{max(up) if up else "-"}, '
                      f'ours {min(ours) if ours else "-"}..{max(ours) if ours else "-"}; '
                      f'ratio worst..best '
                      f'{ratio(min(up), max(ours)) if up and ours else "-"}..'
                      f'{ratio(max(up), min(ours)) if up and ours else "-"}; '
                      f'register+arm median {fmt(ru)} / {fmt(ro)} ({ratio(ru, ro)})')
            print(spread)
        for impl in ('upstream', 'ours'):
            x, y = r[f'{impl}_icount1'], r[f'{impl}_icount2']
            if x and y and not r['scenario'].startswith('lifecycle'):
                worst_rep = max(worst_rep, abs(x - y) / max(x, y))
    slots = {impl: data.get(impl, {}).get('icount1', {}).get('slotpages')
             for impl in ('upstream', 'ours')}
    print('\nslot memory for 1000 out-of-line probes: ' +
          ', '.join(f'{impl} {fmt(v)} pages ({v * 4096 / 1000:.1f} bytes/probe)' if v is not None
                    else f'{impl} -' for impl, v in slots.items()))
    print(f'icount repeatability (per-hit rows): largest difference between the two icount runs '
          f'{worst_rep * 100:.2f}%')
    print('(lifecycle rows wait for RCU grace periods, which end on timer ticks: not per-instruction)')
    print('exceptions per hit: derived from each implementation\'s mechanism, not counted')

    meta = {}
    for impl in ('upstream', 'ours'):
        run = next((r for r in runs if os.path.basename(r.rstrip('/')) == f'bench-{impl}-icount1'), None)
        if run:
            meta[impl] = {'base': info(run, 'base'), 'git': info(run, 'git')}
    try:
        qemu = subprocess.run(['qemu-system-aarch64', '--version'], capture_output=True,
                              text=True).stdout.splitlines()[0]
    except OSError:
        qemu = ''
    cfg = subprocess.run(['sha256sum', os.path.join(ROOT, 'harness/config/base.config')],
                         capture_output=True, text=True).stdout.split()[0]
    with open(out_json, 'w') as f:
        json.dump({'meta': meta, 'qemu': qemu, 'config_sha256': cfg,
                   'icount_repeatability': worst_rep, 'slot_pages_per_1000': slots,
                   'rows': rows, 'raw': data}, f, indent=1)
    print(f'\nresults: {os.path.relpath(out_json, ROOT)}')


if __name__ == '__main__':
    main()
