#!/usr/bin/env python3
"""Turn the results of one or more test boots into a verdict.

usage: report.py IMPL CONFIG_RESULTS[,CONFIG_RESULTS...] [--host HOST_RESULTS] RUN_DIR...

Each RUN_DIR is what harness/boot.sh left: console.log, results/ (the tar
stream from the guest) and info.  Test ids are <suite>:<name>.  Rules:

  * FAIL/UNRESOLVED (or a missing result) fails, unless the test is listed in
    harness/expected-failures for IMPL (as TEST, or TEST@FLAVOUR for the
    boots of one flavour);
  * UNSUPPORTED/UNTESTED fails unless listed in harness/expected-unsupported;
  * a listed test that passes fails too (remove it from the list);
  * a required suite with no results fails;
  * an Oops, BUG, WARNING, lockdep report, RCU stall, soft lockup, CFI
    failure or "Failed to populate blacklist" in a console log fails that
    boot, and so does any error-level kernel message about k/u/optprobes.

Prints a table per suite, then the line "N passed, N failed".  Exit status 0
only when nothing failed.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CONSOLE_BAD = [
    (re.compile(r'Internal error: Oops|\bOops\b[ :-]'), 'Oops'),
    (re.compile(r'\bBUG: |kernel BUG at'), 'BUG'),
    (re.compile(r'WARNING: (CPU|at|possible|suspicious|inconsistent|bad)'), 'WARNING'),
    (re.compile(r'possible recursive locking|possible circular locking|'
                r'inconsistent lock state|suspicious RCU usage|bad unlock balance|'
                r'held lock freed|possible irq lock inversion|'
                r'INFO: lockdep is turned off|lock held when returning'), 'lockdep'),
    (re.compile(r'rcu: INFO: rcu_\w+ (self-)?detected stall|RCU Stall'), 'RCU stall'),
    (re.compile(r'soft lockup|hard LOCKUP|hung_task|blocked for more than'),
     'lockup'),
    (re.compile(r'Kernel panic|Unable to handle kernel'), 'panic'),
    # the core's complaint when the arch blacklist cannot be built: probes
    # would then be allowed where they crash the machine
    (re.compile(r'Failed to populate blacklist'), 'kprobes blacklist'),
    (re.compile(r'CFI failure at'), 'CFI'),
    (re.compile(r'kmemleak: \d+ new suspected memory leaks'), 'kmemleak'),
]

# An error-level (or worse) kernel message from the probes code.  Read from
# 'dmesg -r' (the guest keeps it as dmesg-raw.txt), where each line carries
# its log level: '<3>kprobes: ...' (or '<3>[    0.123456] kprobes: ...').
KPROBES_ERROR = re.compile(r'^<([0-3])>(?:\[[^]]*\] ?)?(.*\b(k|u|opt|kret)probes?\b.*)$', re.I)


def read_list(name, impl):
    """Entries '<impl|all> <test> <reason...>' of a list file, for impl."""
    entries = {}
    path = os.path.join(ROOT, 'harness', name)
    if not os.path.exists(path):
        return entries
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = line.split(None, 2)
            if len(parts) < 3:
                sys.exit(f'{name}: entry without a reason: {line}')
            if parts[0] in (impl, 'all'):
                entries[parts[1]] = parts[2]
    return entries


def parse_ktap(text):
    """Case results of one KUnit suite's debugfs 'results' file."""
    out = {}
    suite_line = None
    for line in text.splitlines():
        m = re.match(r'^( *)(not ok|ok) \d+ (\S+)(?:\s+#\s*(\w+)(.*))?', line)
        if not m:
            continue
        indent, ok, name, directive, rest = m.groups()
        if directive and directive.upper() == 'SKIP':
            res = 'UNSUPPORTED'
        else:
            res = 'PASS' if ok == 'ok' else 'FAIL'
        if len(indent) == 0:
            suite_line = (name, res)
        elif len(indent) == 4:
            out[name] = (res, (rest or '').strip())
    return out, suite_line


def collect(run):
    """All (test id -> (result, note)) of one boot."""
    res = {}
    rdir = os.path.join(run, 'results')

    # KUnit
    kdir = os.path.join(rdir, 'kunit')
    if os.path.isdir(kdir):
        for fn in sorted(os.listdir(kdir)):
            suite = fn[:-len('.ktap')]
            with open(os.path.join(kdir, fn), errors='replace') as f:
                cases, suite_line = parse_ktap(f.read())
            res[f'kunit-suite:{suite}'] = (suite_line[1] if suite_line else 'FAIL',
                                           '' if suite_line else 'no suite result')
            for case, r in cases.items():
                res[f'kunit:{suite}.{case}'] = r

    # ftracetest: "[N] description\t[RESULT]"; names from the kept log files.
    ft = os.path.join(rdir, 'ftracetest.txt')
    if os.path.exists(ft):
        names = {}
        for dirpath, _, files in os.walk(os.path.join(rdir, 'ftrace-logs')):
            for fn in files:
                m = re.match(r'^(\d+)-(.+)\.tc-log\.', fn)
                if m:
                    names[int(m.group(1))] = (m.group(2), os.path.join(dirpath, fn))
        with open(ft, errors='replace') as f:
            for line in f:
                m = re.match(r'^\[(\d+)\](.*?)\s*\[(\w+)\]\s*$', line.rstrip('\n'))
                if not m:
                    continue
                n = int(m.group(1))
                name, log = names.get(n, (f'case{n}', None))
                note = m.group(2).strip()
                if m.group(3) in ('UNSUPPORTED', 'UNTESTED', 'UNRESOLVED', 'FAIL') and log:
                    note = why_ftrace(log) or note
                res[f'ftrace:{name}'] = (m.group(3), note)

    # Samples, our guest selftests, the stress and clients suites:
    # "<name> PASS|FAIL|SKIP detail"
    for fname, suite in (('samples.txt', 'sample'), ('selftests.txt', 'selftest'),
                         ('stress.txt', 'stress'), ('clients.txt', 'clients')):
        p = os.path.join(rdir, fname)
        if not os.path.exists(p):
            continue
        with open(p, errors='replace') as f:
            for line in f:
                m = re.match(r'^(\S+) (PASS|FAIL|SKIP)\b ?(.*)', line.rstrip('\n'))
                if m:
                    r = 'UNSUPPORTED' if m.group(2) == 'SKIP' else m.group(2)
                    res[f'{suite}:{m.group(1)}'] = (r, m.group(3))

    # Console: the suite finished, and nothing bad was printed.
    con = os.path.join(run, 'console.log')
    text = open(con, errors='replace').read() if os.path.exists(con) else ''
    done = re.search(r'HARNESS: suite \S+ done', text)
    res['boot:completed'] = ('PASS', '') if done else (
        'FAIL', 'no "suite done" on the console (crash, hang or timeout)')
    bad = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        for rx, what in CONSOLE_BAD:
            if rx.search(line):
                bad.append(f'{what}: {line.strip()[:120]}')
                if len(bad) == 1:
                    EXCERPTS[run] = splat_excerpt(lines, i)
                break
    res['boot:clean-console'] = ('FAIL', bad[0] + (f' (+{len(bad) - 1} more)' if len(bad) > 1 else '')) \
        if bad else ('PASS', '')

    # No error-level message from kprobes/uprobes in the whole kernel log.
    raw = os.path.join(rdir, 'dmesg-raw.txt')
    if os.path.exists(raw):
        errs = [m.group(2).strip()[:120] for m in
                (KPROBES_ERROR.match(x) for x in open(raw, errors='replace')) if m]
        res['boot:no-kprobes-errors'] = ('FAIL', errs[0] + (
            f' (+{len(errs) - 1} more)' if len(errs) > 1 else '')) if errs else ('PASS', '')
    else:
        res['boot:no-kprobes-errors'] = ('FAIL', 'no dmesg-raw.txt from the guest')
    return res


# The first splat of each failing boot, a few lines of it: what CI prints
# last is often all anyone sees of a run (the console log stays behind).
EXCERPTS = {}
STAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?(\[\s*[TC]\d+\]\s?)?')


def splat_excerpt(lines, i, n=24):
    """Lines i.. of a console log, time stamps dropped, blank lines and
    the general-purpose register dump left out (pc and lr kept), at most n."""
    out = []
    for x in lines[i:i + 4 * n]:
        x = STAMP.sub('', x.rstrip())
        if not x.strip() or re.match(r'^\s*(x\d+ ?: |sp ?: |pstate)', x):
            continue
        out.append(x[:150])
        if len(out) >= n:
            break
    return out


def why_ftrace(log):
    """A short reason from a kept ftracetest log: its last meaningful line."""
    try:
        lines = [x.strip() for x in open(log, errors='replace') if x.strip()]
    except OSError:
        return ''
    skip = re.compile(r'^\+ (kill|exit\b|exit_\w+|echo$|:$)')
    for x in reversed(lines):
        if not skip.match(x):
            return x[:100]
    return lines[-1][:100] if lines else ''


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    impl, config_results, runs = sys.argv[1], sys.argv[2], sys.argv[3:]
    host_results = None
    if runs and runs[0] == '--host':
        host_results, runs = runs[1], runs[2:]
    xfail = read_list('expected-failures', impl)
    xskip = read_list('expected-unsupported', impl)
    required = read_list('required-suites', impl)

    # A 'check' boot is labelled FLAVOUR/smpN; any other boot (make check's
    # cmodx run) FLAVOUR-SUITE/smpN, and is partial: it judges only the
    # tests it ran, and its own tests are not expected of the other boots.
    cols = {}
    runlabel = {}
    partial = set()
    for run in runs:
        name = os.path.basename(run.rstrip('/'))
        m = re.match(r'^[a-z]+-(\w+)-(\w+)-smp(\d+)$', name)
        if not m:
            label = name
        elif m.group(2) == 'check':
            label = f'{m.group(1)}/smp{m.group(3)}'
        else:
            label = f'{m.group(1)}-{m.group(2)}/smp{m.group(3)}'
            partial.add(label)
        cols[label] = collect(run)
        runlabel[run] = label
    # Config is per build, reported once; so are the host-side tests.
    # One .config-results per flavour built (comma-separated); an option
    # requested by several flavours fails if it fails in any of them.
    conf = {}
    for path in config_results.split(','):
        flav = os.path.basename(os.path.dirname(path))
        if not os.path.exists(path):
            continue
        for line in open(path):
            t, r = line.split()
            if t not in conf or r != 'PASS':
                conf[t] = (r, '' if r == 'PASS' else flav)
    if host_results:
        lines = open(host_results).read().splitlines() if os.path.exists(host_results) else []
        for line in lines:
            m = re.match(r'^(\S+) (PASS|FAIL)\b ?(.*)', line)
            if m:
                conf[f'host:{m.group(1)}'] = (m.group(2), m.group(3))
    labels = list(cols)

    tests = set(conf)
    for c in cols.values():
        tests |= set(c)
    tests |= {t.split('@')[0] for t in xfail if not t.startswith('config:')}
    tests |= {t.split('@')[0] for t in xskip}

    full = [lb for lb in labels if lb not in partial]
    partial_only = {t for t in tests
                    if any(t in cols[lb] for lb in partial) and not any(t in cols[lb] for lb in full)}

    passed = failed = xfailed = skipped = 0
    problems = []
    rows = {}
    for t in sorted(tests):
        suite = t.split(':', 1)[0]
        once = suite in ('config', 'host')
        results = [conf.get(t)] if once else [cols[lb].get(t) for lb in labels]
        cells = []
        for i, r in enumerate(results):
            where = suite if once else labels[i]
            if not once and r is None and (where in partial or t in partial_only):
                cells.append('-')	# not a test of this boot
                continue
            res, note = r if r else ('MISSING', 'no result')
            # an entry 'TEST@FLAVOUR' applies to that flavour's boots only
            flav = where.split('/')[0]
            listed_here = t in xfail or f'{t}@{flav}' in xfail
            if listed_here:
                if res == 'PASS':
                    verdict = 'FAIL'
                    problems.append(f'{t} [{where}] passes but is listed in expected-failures: remove it')
                else:
                    verdict = 'XFAIL'
            elif t in xskip:
                if res in ('UNSUPPORTED', 'UNTESTED'):
                    verdict = 'SKIP'
                elif res == 'PASS':
                    verdict = 'FAIL'
                    problems.append(f'{t} [{where}] passes but is listed in expected-unsupported: remove it')
                else:
                    verdict = 'FAIL'
                    problems.append(f'{t} [{where}]: {res} {note}')
            elif res == 'PASS':
                verdict = 'PASS'
            elif res in ('UNSUPPORTED', 'UNTESTED'):
                verdict = 'FAIL'
                problems.append(f'{t} [{where}]: {res} and not in expected-unsupported ({note})')
            else:
                verdict = 'FAIL'
                problems.append(f'{t} [{where}]: {res} {note}')
            if verdict == 'PASS':
                passed += 1
            elif verdict == 'XFAIL':
                xfailed += 1
            elif verdict == 'SKIP':
                skipped += 1
            else:
                failed += 1
            cells.append(res if verdict in ('PASS', 'FAIL') or res == verdict else f'{res}*')
        rows.setdefault(suite, []).append((t.split(':', 1)[1], cells))

    # Required suites present in every run: an entry is a test id, or a
    # suite name that needs at least one result.
    # 'ID@WHERE': required in the boots labelled WHERE/smpN only (and in
    # every one of them); a plain ID in every boot but the partial ones.
    for s in required:
        if s in xfail:
            continue
        sid, _, at = s.partition('@')
        for lb in labels:
            if (lb.split('/')[0] != at) if at else (lb in partial):
                continue
            if not any(k == sid or k.startswith(sid + ':') for k in list(cols[lb]) + list(conf)):
                failed += 1
                problems.append(f'{sid} [{lb}]: required suite has no results ({required[s]})')

    w = max([len(n) for r in rows.values() for n, _ in r] + [20])
    for suite in sorted(rows):
        heads = [suite] if suite in ('config', 'host') else labels
        print(f'\n== {suite} ' + '=' * (w + 16 * len(heads) - len(suite) - 4))
        cw = max([16] + [len(h) + 1 for h in heads])
        print(f'{"test":<{w}}  ' + ''.join(f'{h:<{cw}}' for h in heads))
        for name, cells in rows[suite]:
            print(f'{name:<{w}}  ' + ''.join(f'{c:<{cw}}' for c in cells))
    # The stress suite's numbers, per boot that ran it (issue 14's table).
    for lb in labels:
        st = sorted((t, r) for t, r in cols[lb].items() if t.startswith('stress:'))
        if not st:
            continue
        print(f'\n== stress summary: {impl} {lb} ' + '=' * max(4, w - len(impl) - len(lb)))
        for t, (r, note) in st:
            print(f'  {t[7:]:<26} {r:<5} {note}')
        con = cols[lb].get('boot:clean-console', ('MISSING', ''))
        print(f'  {"splats (console)":<26} {con[0]:<5} {con[1] or "none: no Oops, WARNING, lockdep, KASAN or kmemleak report"}')
    print('\n(* = expected: listed in harness/expected-failures or expected-unsupported)')
    notes = [(t, r) for t, r in list(xfail.items()) + list(xskip.items())]
    if notes:
        print('\nListed, with reasons:')
        for t, r in sorted(notes):
            print(f'  {t}: {r}')
    if problems:
        print('\nProblems:')
        for p in problems:
            print('  ' + p)
        for run, ex in EXCERPTS.items():
            # only where the console check failed (not an expected failure)
            if not any(p.startswith(f'boot:clean-console [{runlabel.get(run)}]') for p in problems):
                continue
            print(f'\nFirst splat in {run}/console.log:')
            for x in ex:
                print('  | ' + x)
    print(f'\n{xfailed} expected failures, {skipped} listed unsupported')
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
