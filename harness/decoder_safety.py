#!/usr/bin/env python3
"""Decoder safety, cross-checked against binutils (an independent decoder).

usage: decoder_safety.py DECODE_HOST N SEED

N random 32-bit words (xorshift64* from SEED, printed) go through the host
build of our decode table and through GNU objdump's AArch64 disassembler.
From objdump's mnemonic alone -- not from our table -- each word is put in
the categories the Arm ARM gives as unsafe to run out of line:
exception-generating, system-writing, exclusive, PC-dependent, MOPS.
No word in any of them may get the table's "xol" action.  Exit 1 otherwise.
"""
import collections
import os
import re
import subprocess
import sys
import tempfile

EXC = {'svc', 'hvc', 'smc', 'brk', 'hlt', 'dcps1', 'dcps2', 'dcps3', 'udf', 'eret',
       'eretaa', 'eretab', 'drps', 'tcancel', 'tstart', 'tcommit', 'ttest'}
SYSW = {'msr', 'msrr', 'sys', 'sysl', 'sysp', 'at', 'cfinv', 'axflag', 'xaflag',
        'wfet', 'wfit', 'wfi', 'wfe', 'smstart', 'smstop', 'brb', 'trcit', 'tlbip'}
EXCL = re.compile(r'^(ld|st)(a|l)?x(r[bh]?|p)$')
BRANCH = re.compile(r'^(b|bl|br|blr|ret|cbz|cbnz|tbz|tbnz|b\.\w+|bc\.\w+|'
                    r'bra[ab]z?|blra[ab]z?|reta[ab]|cb(gt|ge|hi|hs|eq|ne|lt|lo|le|ls)[bh]?)$')
LIT = re.compile(r'^(ldr|ldrsw|prfm)$')
MOPS = re.compile(r'^(cpyf?[pme]\w*|setg?[pme](n|t|nt)?)$')


def category(mn, ops):
    if mn in EXC:
        return 'exception-generating'
    if mn in SYSW or mn.startswith('gcs'):
        return 'system-writing'
    if EXCL.match(mn):
        return 'exclusive'
    if BRANCH.match(mn) or mn in ('adr', 'adrp'):
        return 'pc-dependent'
    if LIT.match(mn) and '[' not in ops:
        return 'pc-dependent'
    if MOPS.match(mn):
        return 'mops'
    return None


def main():
    decode_host, n, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    print(f'decoder safety: {n} random words, seed {seed}')
    with tempfile.TemporaryDirectory() as d:
        words = os.path.join(d, 'w.bin')
        subprocess.run([decode_host, 'random', str(n), seed, words], check=True)
        with open(words, 'rb') as f:
            ours = subprocess.run([decode_host, 'classify'], stdin=f, check=True,
                                  capture_output=True, text=True).stdout.split('\n')
        dis = subprocess.run(['aarch64-linux-gnu-objdump', '-D', '-b', 'binary', '-m', 'aarch64',
                              words], check=True, capture_output=True, text=True).stdout
    table = {}
    for line in ours:
        if line:
            w, act, row = line.split()
            table.setdefault(w, (act, int(row)))
    stats = collections.Counter()
    unsafe = []
    undefined_xol = 0
    seen = 0
    for line in dis.split('\n'):
        m = re.match(r'^\s*[0-9a-f]+:\s+([0-9a-f]{8})\s+(\S+)\s*(.*)$', line)
        if not m:
            continue
        w, mn, ops = m.group(1), m.group(2).lower(), m.group(3)
        seen += 1
        act, row = table[w]
        if mn == '.inst':
            stats[('undefined', act)] += 1
            if act == 'xol':
                undefined_xol += 1
            continue
        cat = category(mn, ops)
        stats[(cat or 'other', act)] += 1
        if cat and act == 'xol':
            unsafe.append(f'{w} {mn} {ops} -> {cat}, table row {row} says xol')
    if seen != n:
        print(f'error: objdump listed {seen} words, expected {n}')
        return 1
    cats = sorted({c for c, _ in stats})
    print(f'{"objdump category":<22}{"reject":>10}{"simulate":>10}{"xol":>10}')
    for c in cats:
        print(f'{c:<22}' + ''.join(f'{stats[(c, a)]:>10}' for a in ('reject', 'simulate', 'xol')))
    print(f'unallocated words run out of line (they fault as they would in place): {undefined_xol}')
    if unsafe:
        print(f'{len(unsafe)} unsafe acceptances:')
        for u in unsafe[:50]:
            print('  ' + u)
        return 1
    print(f'0 unsafe acceptances in {n} words')
    return 0


if __name__ == '__main__':
    sys.exit(main())
