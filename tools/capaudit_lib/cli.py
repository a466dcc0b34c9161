"""Command line of tools/capaudit."""
import argparse
import os
import re
import subprocess
import sys
import tempfile

from . import snapshot, model, render, policy, flow

USAGE = """capaudit [LOG|-] [--live IMAGE] [selection] [outputs]
Reads the kernel's audit snapshot (docs/audit.md) from a console log (a file, or - for
stdin) or from a live run of a kernel image (--live, through tools/qemu.py)."""


def main(argv=None):
    ap = argparse.ArgumentParser(prog="capaudit", usage=USAGE,
                                 description="Audit a running system's capabilities.")
    ap.add_argument("log", nargs="?", help="console log file, or - for standard input")
    ap.add_argument("--live", metavar="IMAGE", help="boot IMAGE (kernel ELF) under QEMU and read its console")
    ap.add_argument("--machine", default="virt", help="with --live: virt or sifive_u")
    ap.add_argument("--timeout", type=float, default=60, help="with --live: seconds (default 60)")
    ap.add_argument("--snap", default="last", help="which complete snapshot: a number (1 = first) or last")
    ap.add_argument("--after", metavar="REGEX", help="take the first complete snapshot after a console line matching REGEX")
    ap.add_argument("--json", metavar="FILE", help="write JSON (- for stdout)")
    ap.add_argument("--dot", metavar="FILE", help="write a Graphviz graph (- for stdout)")
    ap.add_argument("--svg", metavar="FILE", help="write the graph as SVG (runs dot -Tsvg)")
    ap.add_argument("--table", action="store_true", help="print a text table (the default output)")
    ap.add_argument("--check", metavar="POLICY", help="check against a policy file; exit 1 on violations")
    ap.add_argument("--can", nargs=2, metavar=("TASK", "OBJECT"),
                    help="could TASK come to hold a cap to OBJECT? prints a path or 'no' (exit 1)")
    ap.add_argument("--task", metavar="NAME", help="the table shows only this task's capabilities (as a shell's caps would)")
    ap.add_argument("--count", action="store_true", help="print the number of snapshots in the log")
    a = ap.parse_args(argv)

    def die(msg, code=2):
        print("capaudit: " + msg, file=sys.stderr)
        return code

    if a.live:
        lines, err = live(a.live, a.machine, a.timeout)
        if err:
            return die(err)
        src = a.live
    elif a.log in (None, "-"):
        if a.log is None and sys.stdin.isatty():
            return die("give a console log, - for standard input, or --live IMAGE")
        lines, src = sys.stdin.read().splitlines(), "<stdin>"
    else:
        try:
            with open(a.log, encoding="utf-8", errors="replace") as f:
                lines = f.read().splitlines()
        except OSError as e:
            return die("%s: %s" % (a.log, e.strerror))
        src = a.log
    try:
        snaps, warnings = snapshot.parse_log(lines)
    except snapshot.FormatError as e:
        return die("%s:%d: %s" % (src, e.line, e.msg))
    for w in warnings:
        print("capaudit: %s: warning: %s" % (src, w), file=sys.stderr)
    if a.count:
        print(len(snaps))
        return 0
    if not snaps:
        return die("%s: no complete snapshot (no '@cap v1 begin' ... '@cap v1 end')" % src)
    if a.after:
        try:
            rx = re.compile(a.after)
        except re.error as e:
            return die("--after: %s" % e)
        at = next((n for n, l in enumerate(lines, 1) if rx.search(l) and not l.startswith("@cap ")), None)
        if at is None:
            return die("%s: no line matches --after %r" % (src, a.after))
        chosen = next((s for s in snaps if s.line > at), None)
        if chosen is None:
            return die("%s: no complete snapshot after line %d" % (src, at))
    elif a.snap == "last":
        chosen = snaps[-1]
    else:
        if not a.snap.isdigit() or not 1 <= int(a.snap) <= len(snaps):
            return die("--snap: %r: the log has %d complete snapshot(s)" % (a.snap, len(snaps)))
        chosen = snaps[int(a.snap) - 1]
    m = model.Model(chosen)

    rc = 0
    wrote = False
    for opt, fn in ((a.json, render.to_json), (a.dot, render.to_dot)):
        if opt:
            wrote = True
            text = fn(m)
            if opt == "-":
                sys.stdout.write(text)
            else:
                try:
                    with open(opt, "w") as f:
                        f.write(text)
                except OSError as e:
                    return die("%s: %s" % (opt, e.strerror))
    if a.svg:
        wrote = True
        try:
            r = subprocess.run(["dot", "-Tsvg", "-o", a.svg], input=render.to_dot(m), universal_newlines=True)
        except OSError as e:
            return die("cannot run dot (Debian package graphviz): %s" % e.strerror)
        if r.returncode:
            return die("dot failed with status %d" % r.returncode)
    if a.check:
        wrote = True
        try:
            with open(a.check, encoding="utf-8", errors="replace") as f:
                trusted, rules = policy.parse(f.read(), a.check)
        except OSError as e:
            return die("%s: %s" % (a.check, e.strerror))
        except policy.PolicyError as e:
            return die(str(e))
        bad = policy.check(m, trusted, rules, a.check)
        for v in bad:
            print(v)
        print("capaudit: snapshot %d (line %d): %d task(s), %d violation(s) of %s" % (
            chosen.number, chosen.line, len(m.tasks), len(bad), a.check))
        if bad:
            rc = 1
    if a.can:
        wrote = True
        task = m.find_task(a.can[0])
        if task is None:
            return die("no task %r in the snapshot (tasks: %s)" % (a.can[0], ", ".join(t.name for t in m.tasks)))
        obj = m.resolve_object(a.can[1])
        if obj is None:
            return die("no object %r in the snapshot (give 0xADDR or a name as the table shows it)" % a.can[1])
        ans = flow.Flow(m).can(task.name, obj)
        if ans is None:
            print("no")
            rc = rc or 1
        else:
            key, steps = ans
            print("yes: %s can come to hold %s" % (task.name, flow.key_text(m, key)))
            for i, s in enumerate(steps, 1):
                print("  %d. %s" % (i, s))
    if a.table or not wrote:
        only = None
        if a.task:
            only = m.find_task(a.task)
            if only is None:
                return die("no task %r in the snapshot (tasks: %s)" % (a.task, ", ".join(t.name for t in m.tasks)))
        sys.stdout.write(render.to_table(m, only))
    return rc


def live(image, machine, timeout):
    """Boot image under QEMU (tools/qemu.py) and return its console lines."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, here)
    try:
        import qemu
    except ImportError as e:
        return None, "cannot load tools/qemu.py: %s" % e
    if not os.path.exists(image):
        return None, "%s: no such kernel image (tools/build makes build/riscv/images/kernel-*.elf)" % image
    with tempfile.NamedTemporaryFile(prefix="capaudit-", suffix=".log", delete=False) as f:
        log = f.name
    try:
        r = qemu.run(qemu.command(image, machine=machine), timeout=timeout, log=log)
    except Exception as e:     # QEMU missing or failing to start: say so, no traceback
        return None, "running QEMU failed: %s" % e
    finally:
        if os.path.exists(log):
            os.unlink(log)
    return r.output.splitlines(), None
