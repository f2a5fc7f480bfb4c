#!/usr/bin/env python3
"""Count, function by function, the guest instructions of one probe hit.

usage: trace_hit.py OBJ_DIR OUT_PREFIX [MACHINE] [APPEND] [RUN]

Boots OBJ_DIR's Image and initramfs under -icount (one vCPU), loads the
benchmark module, turns QEMU's TB log on through the monitor only around
one RUN (default "all 1"; "opt 1" for jump-optimized probes) written to
/sys/kernel/debug/kprobe_bench/run, and then follows, for each bench site
hit through its BRK or through its branch to a detour, every translation
block executed from the site to the first block at the next instruction.  Instructions are
counted per TB as translated (in_asm), attributed to symbols from
System.map (KASLR offset from /proc/kallsyms) and the module's kallsyms.
A RUN "lifecycle N" has no site to follow: every instruction the guest ran
during it is counted, per function.

This is a development tool for `make bench` rows: it says where a hit's
instructions go; the benchmark, not this, is what is compared.
"""
import bisect
import collections
import os
import re
import select
import socket
import subprocess
import sys
import time


class Console:
    """The guest's serial console on the QEMU process's stdin/stdout."""

    def __init__(self, proc, log):
        self.proc, self.buf, self.log = proc, '', log

    def expect(self, what, timeout=600):
        end = time.time() + timeout
        while what not in self.buf:
            if time.time() > end or self.proc.poll() is not None:
                raise SystemExit(f'trace_hit: no "{what}" on the console (see {self.log.name})')
            r, _, _ = select.select([self.proc.stdout], [], [], 1)
            if r:
                data = os.read(self.proc.stdout.fileno(), 65536).decode(errors='replace')
                self.log.write(data)
                self.buf += data
        before, self.buf = self.buf.split(what, 1)
        return before

    def send(self, line):
        self.proc.stdin.write((line + '\n').encode())
        self.proc.stdin.flush()


def boot_and_log(obj, out, machine, append, run):
    mon = out + '.mon'
    if os.path.exists(mon):
        os.unlink(mon)
    cmd = ['qemu-system-aarch64', '-M', machine, '-cpu', 'max,pauth-impdef=on', '-smp', '1',
           '-m', '1G', '-accel', 'tcg,thread=single', '-icount', 'shift=0,sleep=off',
           '-display', 'none', '-nic', 'none', '-no-reboot',
           '-kernel', f'{obj}/arch/arm64/boot/Image', '-initrd', f'{obj}/initramfs.cpio',
           '-append', f'console=ttyAMA0 panic=-1 harness.suite=shell {append}'.strip(),
           '-serial', 'stdio', '-monitor', f'unix:{mon},server,nowait',
           '-D', out + '.log', '-dfilter', '0xffff000000000000..0xfffffffffffffffe']
    with open(out + '.console', 'w') as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        con = Console(proc, log)
        try:
            con.expect('interactive shell')
            # as in the bench suite: the life cycle measures breakpoint probes
            opt = ('echo 0 > /proc/sys/debug/kprobes-optimization 2>/dev/null; '
                   if run.startswith('lifecycle') else '')
            con.send(opt + 'insmod /bench/kprobe_bench.ko; echo RE""ADY')
            con.expect('READY')
            m = socket.socket(socket.AF_UNIX)
            m.connect(mon)
            time.sleep(0.5)
            m.recv(4096)
            m.send(b'log in_asm,exec,nochain\n')
            time.sleep(1)
            con.send(f'echo "{run}" > /sys/kernel/debug/kprobe_bench/run; echo DO""NE')
            con.expect('DONE')
            m.send(b'log none\n')
            time.sleep(1)
            con.send('echo SY""MS; grep -E " _text$|\\[" /proc/kallsyms; echo EN""D')
            con.expect('SYMS')
            syms = con.expect('END')
            con.send('poweroff -f')
            proc.wait(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
    return syms


def symbols(kallsyms, system_map):
    syms, sites, runtime_text = [], {}, None
    for line in kallsyms.splitlines():
        f = line.split()
        if len(f) < 3:
            continue
        addr = int(f[0], 16)
        if f[2] == '_text':
            runtime_text = addr
        elif len(f) >= 4 and f[1] in 'tT':
            syms.append((addr, f[2] + f[3]))
            if f[2].startswith('bench_site_'):
                sites[addr] = f[2]
    link = []
    text = None
    for line in open(system_map):
        f = line.split()
        if len(f) == 3 and f[1] in 'tTwW':
            link.append((int(f[0], 16), f[2]))
            if f[2] == '_text':
                text = int(f[0], 16)
    off = runtime_text - text
    syms += [(a + off, n) for a, n in link]
    syms.sort()
    return syms, sites


TRACE = re.compile(r'Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/')
INSN = re.compile(r'^0x([0-9a-f]+):\s')
# a probed site: a BRK, or an optimized probe's B to its detour
PROBE = re.compile(r'\s(brk|b)\s')


def executions(log):
    """(pc, instructions of the TB as translated then: (address, is a BRK or B))"""
    tbs, cur = {}, None
    for line in open(log, errors='replace'):
        if line.startswith('IN:'):
            cur = []
            continue
        m = INSN.match(line)
        if m and cur is not None:
            if not cur:
                tbs[int(m.group(1), 16)] = cur
            cur.append((int(m.group(1), 16), bool(PROBE.search(line))))
            continue
        if cur is not None and not line.strip():
            cur = None
            continue
        m = TRACE.search(line)
        if m:
            pc = int(m.group(1), 16)
            yield pc, tbs.get(pc, [(pc, False)])


def main():
    obj, out = sys.argv[1], sys.argv[2]
    machine = sys.argv[3] if len(sys.argv) > 3 else 'virt'
    append = sys.argv[4] if len(sys.argv) > 4 else ''
    run = sys.argv[5] if len(sys.argv) > 5 else 'all 1'
    syms, sites = symbols(boot_and_log(obj, out, machine, append, run), f'{obj}/System.map')
    keys = [a for a, _ in syms]

    def name(pc):
        i = bisect.bisect_right(keys, pc) - 1
        return syms[i][1] if i >= 0 else hex(pc)

    execs = list(executions(out + '.log'))
    report = []
    if run.startswith('lifecycle'):
        # no site to follow: every instruction of the run, per function
        by = collections.Counter()
        for pc, tb in execs:
            by[name(pc)] += len(tb)
        report.append(f'== {run}: {sum(by.values())} instructions')
        report += [f'   {n:9d} {f}' for f, n in by.most_common()]
        execs = []
    i = 0
    while i < len(execs):
        tb = execs[i][1]
        last, is_brk = tb[-1]
        if last in sites and is_brk:
            by = collections.Counter({'(the BRK or B)': 1})
            j = i + 1
            while j < len(execs) and execs[j][0] != last + 4 and j - i < 5000:
                by[name(execs[j][0])] += len(execs[j][1])
                j += 1
            if j < len(execs) and execs[j][0] == last + 4:
                report.append(f'== {sites[last]}: {sum(by.values())} instructions, '
                              f'{j - i} blocks')
                report += [f'   {n:5d} {f}' for f, n in by.most_common()]
            i = j
        i += 1
    text = '\n'.join(report) + '\n'
    with open(out + '.txt', 'w') as f:
        f.write(text)
    sys.stdout.write(text)
    os.unlink(out + '.log')


if __name__ == '__main__':
    main()
