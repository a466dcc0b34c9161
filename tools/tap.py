#!/usr/bin/env python3
"""Turns a kernel console log into test results.

Sources of results, in the order they are reported:
  * built-in checks: the run finished (no timeout, QEMU did not fail) and no line
    contains KERNEL PANIC;
  * `ok - name` / `not ok - name` lines printed by in-target tests (whole lines:
    the kernel never interleaves output mid-line);
  * the suite's expectation file (format below);
  * with a device tree: the boot banner compared with what QEMU says the machine is.

Expectation file, one directive per line (`#` comments and blank lines ignored):
    name: regex              some console line must match (Python re.search)
    !name: regex             no console line may match
    count name: regex >= N   at least N lines must match (also <=, ==)
The name ends at the first ": "; the regex is the rest of the line, unquoted.

Every result is printed as `ok - <suite>/<machine>: name` or
`not ok - <suite>/<machine>: name # reason`.

CLI (re-evaluate a saved log):
    tools/tap.py LOG --suite S --machine M [--expect FILE] [--dtb FILE] [--timed-out]
"""
import argparse
import re
import struct
import sys

RESULT_RE = re.compile(r'^(ok|not ok)(?: \d+)? - (.+)$')
COUNT_RE = re.compile(r'^(.*?)\s+(>=|<=|==)\s*(\d+)\s*$')


class Result:
    def __init__(self, ok, name, reason=''):
        self.ok, self.name, self.reason = bool(ok), name, reason

    def line(self, prefix):
        s = '%s - %s: %s' % ('ok' if self.ok else 'not ok', prefix, self.name)
        return s + (' # ' + self.reason if not self.ok and self.reason else '')


def console_lines(text):
    return [l.rstrip('\r') for l in text.split('\n')]


# ---------------------------------------------------------------- expectations

def parse_expect(text):
    """[(kind, name, regex, op, n)] with kind in 'must', 'mustnot', 'count'.
    Raises ValueError naming the offending line."""
    out = []
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        kind, op, n = 'must', None, None
        if line.startswith('!'):
            kind, line = 'mustnot', line[1:].lstrip()
        elif line.startswith('count '):
            kind, line = 'count', line[6:].lstrip()
        name, sep, regex = line.partition(': ')
        if not sep or not name.strip() or not regex.strip():
            raise ValueError('line %d: expected "name: regex", got %r' % (no, raw))
        regex = regex.strip()
        if kind == 'count':
            m = COUNT_RE.match(regex)
            if not m:
                raise ValueError('line %d: count needs a trailing ">= N": %r' % (no, raw))
            regex, op, n = m.group(1), m.group(2), int(m.group(3))
        try:
            re.compile(regex)
        except re.error as e:
            raise ValueError('line %d: bad regex %r: %s' % (no, regex, e))
        out.append((kind, name.strip(), regex, op, n))
    return out


def check_expectations(lines, directives):
    res = []
    for kind, name, regex, op, n in directives:
        rx = re.compile(regex)
        hits = [l for l in lines if rx.search(l)]
        if kind == 'must':
            res.append(Result(hits, name, 'no console line matches /%s/' % regex))
        elif kind == 'mustnot':
            res.append(Result(not hits, name, 'forbidden line: %r' % (hits[0] if hits else '')))
        else:
            ok = {'>=': len(hits) >= n, '<=': len(hits) <= n, '==': len(hits) == n}[op]
            res.append(Result(ok, name, '%d lines match /%s/, expected %s %d' % (len(hits), regex, op, n)))
    return res


# ---------------------------------------------------------------- device tree

class Node:
    def __init__(self, name, parent):
        self.name, self.parent, self.props, self.children = name, parent, {}, []

    def path(self):
        if self.parent is None:
            return '/'
        p = self.parent.path()
        return (p if p != '/' else '') + '/' + self.name

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def child(self, name):
        # A path component may omit the unit address ("memory" for "memory@80000000").
        for c in self.children:
            if c.name == name or c.name.split('@')[0] == name:
                return c
        return None

    def strings(self, prop):
        v = self.props.get(prop)
        return [s.decode('ascii', 'replace') for s in v.rstrip(b'\0').split(b'\0')] if v else []

    def string(self, prop):
        s = self.strings(prop)
        return s[0] if s else None

    def cells(self, prop):
        v = self.props.get(prop)
        return list(struct.unpack('>%dI' % (len(v) // 4), v[:len(v) // 4 * 4])) if v is not None else None

    def cell(self, prop, default=None):
        c = self.cells(prop)
        return c[0] if c else default

    def enabled(self):
        return self.string('status') in (None, 'okay', 'ok')


def parse_fdt(blob):
    """Root Node of a flattened device tree (the binary format QEMU dumps)."""
    if len(blob) < 40:
        raise ValueError('DTB too short')
    (magic, total, off_struct, off_strings, _rsv, version, _last, _boot, size_strings,
     size_struct) = struct.unpack('>10I', blob[:40])
    if magic != 0xd00dfeed:
        raise ValueError('bad DTB magic 0x%x' % magic)
    if total > len(blob) or off_struct + size_struct > total or off_strings + size_strings > total:
        raise ValueError('DTB header points outside the blob')
    strings = blob[off_strings:off_strings + size_strings]
    pos, end = off_struct, off_struct + size_struct
    root, cur = None, None

    def u32(p):
        if p + 4 > end:
            raise ValueError('DTB structure block truncated')
        return struct.unpack('>I', blob[p:p + 4])[0]

    while True:
        tok = u32(pos)
        pos += 4
        if tok == 1:                                   # FDT_BEGIN_NODE
            nul = blob.index(b'\0', pos, end)
            node = Node(blob[pos:nul].decode('ascii', 'replace'), cur)
            if cur is None:
                if root is not None:
                    raise ValueError('DTB has two root nodes')
                root = node
            else:
                cur.children.append(node)
            cur = node
            pos = (nul + 4) & ~3
        elif tok == 2:                                 # FDT_END_NODE
            if cur is None:
                raise ValueError('DTB: unbalanced END_NODE')
            cur = cur.parent
        elif tok == 3:                                 # FDT_PROP
            length, nameoff = u32(pos), u32(pos + 4)
            pos += 8
            if cur is None or pos + length > end or nameoff >= len(strings):
                raise ValueError('DTB: bad property')
            name = strings[nameoff:strings.index(b'\0', nameoff)].decode('ascii', 'replace')
            cur.props[name] = blob[pos:pos + length]
            pos = (pos + length + 3) & ~3
        elif tok == 4:                                 # FDT_NOP
            continue
        elif tok == 9:                                 # FDT_END
            break
        else:
            raise ValueError('DTB: unknown token %d' % tok)
    if root is None or cur is not None:
        raise ValueError('DTB structure block is unbalanced')
    return root


def find(root, path):
    node = root
    for comp in [c for c in path.split('/') if c]:
        node = node.child(comp)
        if node is None:
            return None
    return node


def _num(cells):
    v = 0
    for c in cells:
        v = (v << 32) | c
    return v


def reg(node):
    """[(address, size)] of a node's reg, addresses translated to the CPU's view."""
    p = node.parent
    if p is None:
        return []
    ac, sc = p.cell('#address-cells', 2), p.cell('#size-cells', 1)
    c = node.cells('reg') or []
    out, step = [], ac + sc
    for i in range(0, len(c) - step + 1, step):
        out.append((translate(node, _num(c[i:i + ac])), _num(c[i + ac:i + step])))
    return out


def translate(node, addr):
    """Maps a bus address up through the parents' `ranges` (empty = identity)."""
    bus = node.parent
    while bus is not None and bus.parent is not None:
        rng = bus.cells('ranges')
        if rng:
            cac, pac = bus.cell('#address-cells', 2), bus.parent.cell('#address-cells', 2)
            sc = bus.cell('#size-cells', 1)
            step = cac + pac + sc
            for i in range(0, len(rng) - step + 1, step):
                cb, pb = _num(rng[i:i + cac]), _num(rng[i + cac:i + cac + pac])
                size = _num(rng[i + cac + pac:i + step])
                if cb <= addr < cb + size:
                    addr = pb + (addr - cb)
                    break
        bus = bus.parent
    return addr


UART_COMPATIBLE = ('ns16550a', 'ns16550', 'sifive,uart0')
PLIC_COMPATIBLE = ('riscv,plic0', 'sifive,plic-1.0.0')


def machine_facts(root):
    """The few properties the boot banner reports, from the device tree."""
    f = {}
    f['memory'] = sorted((b, b + s) for n in root.walk()
                         if n.string('device_type') == 'memory' and n.enabled() for b, s in reg(n))

    uart = None
    chosen = find(root, '/chosen')
    sp = chosen.string('stdout-path') if chosen else None
    if sp:
        sp = sp.split(':')[0]
        if not sp.startswith('/'):
            aliases = find(root, '/aliases')
            sp = aliases.string(sp) if aliases else None
        uart = find(root, sp) if sp else None
    if uart is None:
        uart = next((n for n in root.walk() if n.enabled() and
                     any(c in UART_COMPATIBLE for c in n.strings('compatible'))), None)
    if uart is not None:
        irq = uart.cell('interrupts')
        if irq is None:
            ext = uart.cells('interrupts-extended')
            irq = ext[1] if ext and len(ext) > 1 else None
        r = reg(uart)
        f['uart'] = (uart.strings('compatible'), r[0][0] if r else None, irq, uart.path())

    cpus = find(root, '/cpus')
    harts = [n for n in (cpus.children if cpus else []) if n.string('device_type') == 'cpu']
    smode = [n for n in harts if n.enabled() and n.string('mmu-type') not in (None, 'riscv,none')]
    f['harts'] = (len(harts), len(smode))
    tb = cpus.cell('timebase-frequency') if cpus else None
    if tb is None and harts:
        tb = harts[0].cell('timebase-frequency')
    f['timebase'] = tb

    plic = next((n for n in root.walk() if any(c in PLIC_COMPATIBLE for c in n.strings('compatible'))), None)
    if plic is not None:
        r = reg(plic)
        f['plic'] = (r[0][0] if r else None, plic.cell('riscv,ndev'))
    return f


def check_banner(lines, root):
    """One result per banner line the device tree can confirm."""
    f = machine_facts(root)
    res = []

    def grab(rx):
        return [m for m in (re.match(rx, l) for l in lines) if m]

    mem = [(int(m.group(1), 16), int(m.group(2), 16)) for m in grab(r'memory: 0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+)')]
    res.append(Result(mem == f['memory'], 'banner memory matches DTB',
                      'banner %s, DTB %s' % (_ranges(mem), _ranges(f['memory']))))

    u = grab(r'uart: (\S+) @ 0x([0-9a-fA-F]+) irq (\d+)')
    if 'uart' not in f:
        res.append(Result(False, 'banner uart matches DTB', 'DTB has no UART'))
    elif not u:
        res.append(Result(False, 'banner uart matches DTB', 'no "uart: ... @ ... irq ..." banner line'))
    else:
        comp, base, irq, path = f['uart']
        got = (u[0].group(1), int(u[0].group(2), 16), int(u[0].group(3)))
        ok = got[0] in comp and got[1] == base and got[2] == irq
        res.append(Result(ok, 'banner uart matches DTB', 'banner %s @ 0x%x irq %d, DTB %s: %s @ %s irq %s' % (
            got + (path, '/'.join(comp), hex(base) if base is not None else '?', irq))))

    h = grab(r'harts: (\d+)(?: \((\d+) with S-mode\))?')
    want = f['harts']
    got = (int(h[0].group(1)), int(h[0].group(2)) if h[0].group(2) else want[1]) if h else None
    shown = '%d (%d with S-mode)' % got if got else 'has no "harts:" line'
    res.append(Result(got == want, 'banner harts match DTB',
                      'banner %s, DTB %d cpu nodes (%d with S-mode)' % ((shown,) + want)))

    # Every hart with S-mode runs the kernel (issue 13), up to the build's maximum.
    m = grab(r'smp: (\d+) harts? running the kernel.*at most (\d+)')
    if m:
        got, most = int(m[0].group(1)), int(m[0].group(2))
        res.append(Result(got == min(want[1], most), 'every S-mode hart runs the kernel',
                          'kernel started %d, DTB has %d S-mode harts (build maximum %d)' % (got, want[1], most)))
    else:
        res.append(Result(False, 'every S-mode hart runs the kernel', 'no "smp: N harts running" line'))

    t = grab(r'timebase: (\d+) Hz')
    got = int(t[0].group(1)) if t else None
    res.append(Result(got is not None and got == f['timebase'], 'banner timebase matches DTB',
                      'banner %s Hz, DTB %s Hz' % (got, f['timebase'])))

    if 'plic' in f:
        p = grab(r'plic: @ 0x([0-9a-fA-F]+), (\d+) sources')
        got = (int(p[0].group(1), 16), int(p[0].group(2))) if p else None
        res.append(Result(got == f['plic'], 'banner plic matches DTB', 'banner %s, DTB base %s ndev %s' % (
            '0x%x, %d sources' % got if got else 'has no "plic:" line',
            hex(f['plic'][0]) if f['plic'][0] is not None else '?', f['plic'][1])))
    return res


def _ranges(rs):
    return ', '.join('0x%x-0x%x' % r for r in rs) or 'none'


# ---------------------------------------------------------------- evaluation

def evaluate(text, expect_path=None, dtb=None, timed_out=False, timeout=None, qemu_error=None):
    """All results for one run. `dtb` is the dumped blob (bytes) or an exception
    explaining why it could not be dumped; None skips the banner checks."""
    lines = console_lines(text)
    res = []
    if timed_out:
        res.append(Result(False, 'run finished in time',
                          'timed out' + (' after %g s' % timeout if timeout else '')))
    else:
        res.append(Result(qemu_error is None, 'run finished in time', qemu_error or ''))
    panics = [l for l in lines if 'KERNEL PANIC' in l]
    res.append(Result(not panics, 'no kernel panic', panics[0].strip() if panics else ''))

    for l in lines:
        m = RESULT_RE.match(l)
        if m:
            res.append(Result(m.group(1) == 'ok', m.group(2), 'reported by the target'))

    if expect_path:
        try:
            with open(expect_path) as fh:
                res += check_expectations(lines, parse_expect(fh.read()))
        except (OSError, ValueError) as e:
            res.append(Result(False, 'expectation file %s' % expect_path, str(e)))

    if dtb is not None:
        if isinstance(dtb, Exception):
            res.append(Result(False, 'banner matches DTB', 'could not dump the DTB: %s' % dtb))
        else:
            try:
                res += check_banner(lines, parse_fdt(dtb))
            except ValueError as e:
                res.append(Result(False, 'banner matches DTB', 'bad DTB: %s' % e))
    return res


def report(results, prefix, out=sys.stdout):
    for r in results:
        print(r.line(prefix), file=out)
    out.flush()
    passed = sum(r.ok for r in results)
    return passed, len(results) - passed


def main(argv=None):
    ap = argparse.ArgumentParser(description='Evaluate a saved console log.')
    ap.add_argument('log')
    ap.add_argument('--suite', default='log')
    ap.add_argument('--machine', default='virt')
    ap.add_argument('--expect', help='expectation file')
    ap.add_argument('--dtb', help='device tree blob to check the boot banner against')
    ap.add_argument('--timed-out', action='store_true', help='the run was killed by its timeout')
    a = ap.parse_args(argv)
    with open(a.log, encoding='utf-8', errors='replace') as fh:
        text = fh.read()
    dtb = None
    if a.dtb:
        with open(a.dtb, 'rb') as fh:
            dtb = fh.read()
    passed, failed = report(evaluate(text, a.expect, dtb, a.timed_out), '%s/%s' % (a.suite, a.machine))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
