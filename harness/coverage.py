#!/usr/bin/env python3
"""make coverage: classify every instruction of our vmlinux's .text.

usage: coverage.py DECODE_HOST VMLINUX TEXT_BIN SYSTEM_MAP

"ours" is the host build of our decode table plus our exclusive-window
rule (only LDXR/STXR open and close a window).  "upstream (model)" is
upstream 6.12's behaviour as shared/REFERENCE.md describes it, written
here as an independent model (not from upstream's code): simulated B.cond,
CBZ/CBNZ, TBZ/TBNZ, ADR/ADRP, B/BL, BR/BLR/RET, LDR/LDRSW (literal, GPR);
rejected MSR, MRS other than DAIF, exception generation, ERET*, hints
other than NOP/BTI/PACIASP/PACIBSP, PAC branches, PRFM (literal),
LDXR/STXR, MOPS, SVE/SME/unallocated; an exclusive window that LDAR,
STLR and CAS also open; everything else stepped out of line.  Place-based
refusals (ftrace sites, blacklist, BUG sites) are the same for both and
not counted here.
"""
import collections
import subprocess
import sys

WINDOW = 32


def upstream_model(w):
    """(action, category) for upstream 6.12 as REFERENCE.md describes it."""
    op0 = (w >> 25) & 0xf
    if (w & 0x18000000) == 0:
        return 'reject', 'SVE/SME/unallocated'
    if (w & 0xff000010) == 0x54000000:
        return 'simulate', 'B.cond'
    if (w & 0x7c000000) == 0x14000000:
        return 'simulate', 'B/BL'
    if (w & 0x7e000000) in (0x34000000, 0x36000000):
        return 'simulate', 'CBZ/TBZ'
    if (w & 0x1f000000) == 0x10000000:
        return 'simulate', 'ADR/ADRP'
    if (w & 0xfffffc1f) in (0xd61f0000, 0xd63f0000, 0xd65f0000):
        return 'simulate', 'BR/BLR/RET'
    if (w & 0xff000000) in (0x18000000, 0x58000000, 0x98000000):
        return 'simulate', 'LDR (literal)'
    if (w & 0xff000000) == 0xd8000000:
        return 'reject', 'PRFM (literal)'
    if (w & 0xff000000) in (0x1c000000, 0x5c000000, 0x9c000000):
        return 'xol', 'SIMD&FP LDR (literal), stepped from the slot'
    if (w & 0xff000000) == 0xd4000000:
        return 'reject', 'exception generating'
    if (w & 0xfe000000) == 0xd6000000:
        return 'reject', 'ERET / PAC branches'
    if (w & 0xfffff01f) == 0xd503201f:
        h = (w >> 5) & 0x7f
        if h in (0, 25, 27, 32, 34, 36, 38):
            return 'xol', 'hint (whitelisted)'
        return 'reject', 'hint (not whitelisted)'
    if (w & 0xfff00000) == 0xd5300000:
        if (w & 0xffffffe0) == 0xd53b4220:
            return 'xol', 'MRS DAIF'
        return 'reject', 'MRS'
    if (w & 0xfff00000) == 0xd5100000 or (w & 0xfff8f01f) == 0xd500401f:
        return 'reject', 'MSR'
    if (w & 0xffc00000) == 0xd5000000:
        return 'xol', 'system (barriers, DC/IC/TLBI)'
    if (w & 0x1c000000) == 0x14000000:
        return 'reject', 'unallocated branch/system'
    if (w & 0x3f000000) == 0x08000000 and not (w & 0x00800000):
        return 'reject', 'LDXR/STXR family'
    if (w & 0x3b200c00) == 0x19000400:
        return 'reject', 'MOPS'
    return 'xol', 'other (stepped)'


def model_opens(w):
    # LDXR/STXR class, LDAR/STLR and CAS all look "exclusive" to upstream's masks
    return (w & 0x3f000000) == 0x08000000 and (w & 0x00400000) != 0


def model_closes(w):
    return (w & 0x3f000000) == 0x08000000 and (w & 0x00400000) == 0


def main():
    decode_host, vmlinux, text_bin, sysmap = sys.argv[1:5]
    hdr = subprocess.run(['aarch64-linux-gnu-objdump', '-h', vmlinux], capture_output=True,
                         text=True, check=True).stdout
    text_vma = None
    for line in hdr.splitlines():
        f = line.split()
        if len(f) > 3 and f[1] == '.text':
            text_vma = int(f[3], 16)
    data = open(text_bin, 'rb').read()
    n = len(data) // 4
    words = [int.from_bytes(data[4 * i:4 * i + 4], 'little') for i in range(n)]

    # Function starts in .text, from System.map.
    starts = set()
    for line in open(sysmap):
        f = line.split()
        if len(f) == 3 and f[1] in 'tTwW':
            a = int(f[0], 16)
            if text_vma <= a < text_vma + 4 * n:
                starts.add((a - text_vma) // 4)

    out = subprocess.run([decode_host, 'classify'], input=data[:4 * n], capture_output=True,
                         check=True).stdout.decode().splitlines()
    rows = {}
    for line in subprocess.run([decode_host, 'table'], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        idx, rest = line.split(None, 1)
        name, why = rest.split(None, 4)[4].split(' | ', 1)
        rows[int(idx)] = (name.strip(), why.strip())

    ours = collections.Counter()
    ups = collections.Counter()
    ours_rej = collections.Counter()
    ups_rej = collections.Counter()
    ours_excl = ups_excl = 0
    ours_flag = {}
    for i, line in enumerate(out):
        _, act, row = line.split()
        ours_flag[i] = (act, int(row))
    fstart = 0
    for i in range(n):
        if i in starts:
            fstart = i
        w = words[i]
        act, row = ours_flag[i]
        name, why = rows[row]
        lo = max(fstart, i - WINDOW)
        # ours: only the LDXR family opens a window, the STXR family closes it
        in_win = False
        if act != 'reject':
            for j in range(i - 1, lo - 1, -1):
                wj = words[j]
                if (wj & 0x3fe00000) == 0x08000000 or (wj & 0xbfe00000) == 0x88200000:
                    break
                if (wj & 0x3fe00000) == 0x08400000 or (wj & 0xbfe00000) == 0x88600000:
                    in_win = True
                    break
        if in_win:
            act, name, why = 'reject', 'inside an LDXR/STXR window', 'the probe would clear the monitor'
            ours_excl += 1
        ours[act] += 1
        if act == 'reject':
            ours_rej[(name, why)] += 1

        uact, ucat = upstream_model(w)
        win_up = False
        if uact != 'reject':
            for j in range(i - 1, lo - 1, -1):
                if model_closes(words[j]):
                    break
                if model_opens(words[j]):
                    win_up = True
                    break
        if win_up:
            uact, ucat = 'reject', 'inside an "exclusive" window (LDAR/STLR/CAS count)'
            ups_excl += 1
        ups[uact] += 1
        if uact == 'reject':
            ups_rej[ucat] += 1

    def pct(c, k):
        return f'{100.0 * c[k] / n:6.2f}%'

    print(f'vmlinux .text: {n} instructions, {len(starts)} functions')
    print(f'{"":<12}{"simulated":>12}{"out of line":>14}{"rejected":>12}')
    for label, c in (('ours', ours), ('upstream*', ups)):
        print(f'{label:<12}{pct(c, "simulate"):>12}{pct(c, "xol"):>14}{pct(c, "reject"):>12}')
    print('* upstream 6.12 as modelled from shared/REFERENCE.md (see harness/coverage.py)')
    print(f'\nexclusive-window refusals: ours {ours_excl}, upstream* {ups_excl}')
    print('\ntop rejected classes, ours (every one with its reason):')
    for (name, why), c in ours_rej.most_common(12):
        print(f'  {c:8}  {name}: {why}')
    print('\ntop rejected classes, upstream*:')
    for cat, c in ups_rej.most_common(8):
        print(f'  {c:8}  {cat}')
    ok = ours['reject'] < ups['reject'] and all(w for (_, w) in ours_rej)
    print(f'\nours rejects less: {"yes" if ours["reject"] < ups["reject"] else "NO"}; '
          f'every rejection has a reason: {"yes" if all(w for (_, w) in ours_rej) else "NO"}')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
