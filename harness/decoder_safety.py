#!/usr/bin/env python3
"""Decoder safety, cross-checked against binutils (an independent decoder).

usage: decoder_safety.py DECODE_HOST N SEED

N random 32-bit words (xorshift64* from SEED, printed) go through the host
build of our decode table and through GNU objdump's AArch64 disassembler.
From objdump's mnemonic alone -- not from our table -- each word is put in
the categories the Arm ARM gives as unsafe to run out of line:
exception-generating, system-writing, exclusive, PC-dependent, MOPS.
No word in any of them may get the table's "xol" action.  Exit 1 otherwise.

Then the encodings this binutils (Debian 12: 2.40) does not know yet but the
Arm ARM lists as PC-dependent are swept exhaustively over their operand
fields (KNOWN_PC_DEPENDENT): none may be run out of line either.
"""
import struct
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


# (name, fixed bits, operand field masks) from the Arm ARM (FEAT_PAuth_LR,
# 2023): each signs, authenticates or returns with the instruction's own
# address as a modifier, which out of line is the slot's address.  Every
# combination of the operand fields is checked.
KNOWN_PC_DEPENDENT = [
    # AUTIASPPC/AUTIBSPPC <label>: 1111 0011 1 0 B imm16 11111
    ('AUTIASPPC/AUTIBSPPC (imm16)', 0xf380001f, [0x1fffe0, 0x200000]),
    # RETAASPPC/RETABSPPC <label>: 0101 0101 0 0 B imm16 11111
    ('RETAASPPC/RETABSPPC (imm16)', 0x5500001f, [0x1fffe0, 0x200000]),
    # data processing (1 source), opcode2 = 00001, opcode = 1xxxxx:
    # PACIASPPC, PACIBSPPC, PACNBIASPPC, PACNBIBSPPC, AUTIASPPCR, AUTIBSPPCR
    ('PAC*SPPC/AUT*SPPCR (1 source, opcode 1xxxxx)', 0xdac18000, [0x7c00, 0x3e0, 0x1f]),
    # RETAASPPCR/RETABSPPCR <Xm>: branch (register) space
    ('RETAASPPCR/RETABSPPCR', 0xd65f0000, [0x7c00, 0x3e0, 0x1f]),
]


def sweep(fixed, fields):
    """Every word with the fixed bits and any value of each field."""
    words = [fixed]
    for m in fields:
        bits = [b for b in range(32) if m >> b & 1]
        nxt = []
        for w in words:
            for v in range(1 << len(bits)):
                x = w
                for i, b in enumerate(bits):
                    if v >> i & 1:
                        x |= 1 << b
                nxt.append(x)
        words = nxt
    return words


def known_pc_dependent(decode_host):
    """Exhaustive sweeps of KNOWN_PC_DEPENDENT: how many were run out of line."""
    bad = 0
    for name, fixed, fields in KNOWN_PC_DEPENDENT:
        words = sweep(fixed, fields)
        data = b''.join(struct.pack('<I', w) for w in words)
        out = subprocess.run([decode_host, 'classify'], input=data, check=True,
                             capture_output=True).stdout.decode().split()
        xol = [out[i] for i in range(0, len(out), 3) if out[i + 1] == 'xol']
        print(f'{name}: {len(words)} words, {len(xol)} run out of line'
              + (f' (e.g. {xol[0]})' if xol else ''))
        if xol:
            print(f'unsafe: {name} {xol[0]} accepted out of line')
        bad += len(xol)
    return bad


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
    if known_pc_dependent(decode_host):
        return 1
    if unsafe:
        print(f'{len(unsafe)} unsafe acceptances:')
        for u in unsafe[:50]:
            print('  ' + u)
        return 1
    print(f'0 unsafe acceptances in {n} words')
    return 0


if __name__ == '__main__':
    sys.exit(main())
