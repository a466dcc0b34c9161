#!/usr/bin/env python3
"""QEMU runner for the kernel images: builds the command line, runs QEMU with the
console captured, dumps the machine's device tree, and runs test suites.

  qemu.py cmd    [machine options] KERNEL [-- QEMU-ARGS]   print the command line
  qemu.py exec   [machine options] KERNEL [-- QEMU-ARGS]   QEMU on this terminal (Ctrl-A X quits)
  qemu.py run    [machine options] [run options] KERNEL [-- QEMU-ARGS]
  qemu.py dtb    [machine options] [-o FILE] [--dts] [KERNEL] [-- QEMU-ARGS]
KERNEL is an ELF, or `none` to boot only the firmware (it then idles in OpenSBI);
it must come before `--` when extra QEMU arguments follow.
  qemu.py test   [machine options] [run options] --suite NAME [--expect FILE] [--dtb-check]
                 [--disk SCRIPT] [--logdir DIR] KERNEL [-- QEMU-ARGS]
  qemu.py suites [--images DIR] [--logdir DIR] [-j N] [--echo] [MANIFEST]

Machine options: --machine virt|sifive_u, --smp N, -m/--mem SIZE,
  --bios default|debian|PATH (default: QEMU's bundled OpenSBI; debian: the opensbi
  package's fw_dynamic.bin), --icount (-icount shift=0: deterministic instruction counts),
  --drive IMG (a virtio-blk disk, modern virtio-mmio; the image itself, not a copy;
  initrd:IMG loads it as the initrd instead, the RAM disk of sifive_u).
Run options: --timeout S, --log FILE, --echo, --input STRING [--input-after REGEX],
  --no-stop-markers.

A run ends when QEMU exits (virt powers off through SBI SRST), on the timeout, or
1 s after a marker line (sifive_u cannot power off): `kernel: all threads finished`,
`kernel: halted`, `KERNEL PANIC`, `kernel: DebugHalt`.

Manifest lines (test/suites.txt):
  <suite> <image-name> <machine> <timeout-seconds> <expect-file> [test options]
e.g. `foundation test virt 60 test/kernel/foundation.expect --dtb-check`; the image is
<images>/kernel-<image-name>.elf and the options are those of `qemu.py test`.
"""
import argparse
import concurrent.futures
import fcntl
import io
import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True   # keep tools/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402

QEMU = 'qemu-system-riscv64'
DEBIAN_FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin'
# sifive_u: hart 0 is the E51 (M-mode only, OpenSBI parks it); QEMU accepts 2..5 harts.
MACHINES = {'virt': {'smp': 4}, 'sifive_u': {'smp': 2}}
STOP_MARKERS = re.compile(r'kernel: all threads finished|kernel: halted|KERNEL PANIC|kernel: DebugHalt')
GRACE_S = 1.0
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------- command lines

def drive_args(drive):
    """QEMU arguments attaching drive (a -drive file= value: an image path, or e.g. a
    blkdebug: wrapper of one) as a virtio-blk device on virtio-mmio, modern interface."""
    return ['-global', 'virtio-mmio.force-legacy=false',   # the modern (virtio 1.x) interface
            '-drive', 'file=%s,if=none,format=raw,id=d0' % drive,
            '-device', 'virtio-blk-device,drive=d0']


def command(kernel=None, machine='virt', smp=None, mem='256M', bios='default', icount=False,
            extra=(), machine_opts=None, drive=None):
    """The QEMU argv. machine_opts is appended to -machine (e.g. 'dumpdtb=FILE'); drive
    attaches a virtio-blk disk (drive_args), or with 'initrd:IMG' loads IMG as the
    initrd (-initrd: /chosen linux,initrd-start/-end), the disk of machines without
    virtio."""
    if machine not in MACHINES:
        raise ValueError('unknown machine %r (known: %s)' % (machine, ', '.join(MACHINES)))
    bios = DEBIAN_FW if bios == 'debian' else bios
    cmd = [QEMU, '-machine', machine + (',' + machine_opts if machine_opts else ''),
           '-smp', str(smp or MACHINES[machine]['smp']), '-m', mem, '-nographic', '-bios', bios]
    if icount:
        cmd += ['-icount', 'shift=0']
    if kernel and kernel != 'none':
        cmd += ['-kernel', kernel]
    if drive and drive.startswith('initrd:'):   # a RAM disk from the initrd (/chosen)
        cmd += ['-initrd', drive[len('initrd:'):]]
    elif drive:
        cmd += drive_args(drive)
    return cmd + list(extra)


def dump_dtb(out, **machine):
    """Writes the DTB QEMU would give the guest for these arguments; returns its bytes."""
    cmd = command(machine_opts='dumpdtb=' + out, **machine)
    if os.path.exists(out):
        os.unlink(out)          # QEMU's only sign of success is the file appearing
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    if not os.path.exists(out):
        raise RuntimeError('%s: %s' % (' '.join(cmd), p.stdout.decode(errors='replace').strip()))
    with open(out, 'rb') as fh:
        return fh.read()


def decode_dtb(path):
    """The DTB as DTS source text, via dtc."""
    return subprocess.run(['dtc', '-q', '-I', 'dtb', '-O', 'dts', path], check=True,
                          stdout=subprocess.PIPE, universal_newlines=True).stdout


# ---------------------------------------------------------------- running

class Run:
    """Outcome of one QEMU run. how: 'exit', 'marker', 'timeout' or 'error'."""
    def __init__(self):
        self.output, self.how, self.exit_code, self.marker, self.error = '', None, None, None, None
        self.seconds = 0.0


def run(cmd, timeout=60, log=None, echo=False, inputs=(), stop_markers=True, grace=GRACE_S,
        script=None):
    """Runs QEMU with stdin on a pipe and the console (stdout+stderr) captured.
    inputs: [(regex or None, text)] -- text is written to the UART once a console
    line (or the unfinished last line, e.g. a prompt) matches; None sends at once.
    script: (prompt regex, [text, ...]) -- a typed session: each text in turn, once
    the prompt appears in the output that came after the previous text was typed."""
    r, t0 = Run(), time.monotonic()
    pending = [(re.compile(rx) if rx else None, text.encode()) for rx, text in inputs]
    logf = open(log, 'wb') if log else None
    try:
        # Own session: a Ctrl-C meant for us does not reach QEMU; we clean it up below.
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as e:
        r.how, r.error = 'error', 'cannot start %s: %s' % (cmd[0], e)
        if logf:
            logf.close()
        return r

    captured, partial = io.BytesIO(), b''
    stop_at, deadline = None, t0 + timeout
    fd = proc.stdout.fileno()
    # QEMU's SiFive UART drops a character the console pipe has no room for (its model
    # does not retry, unlike the 16550's), and the audit snapshot is ~1 MB in one go:
    # on a loaded host a 64 KiB pipe lost characters of it. Room for all of it.
    try:
        fcntl.fcntl(fd, getattr(fcntl, 'F_SETPIPE_SZ', 1031), 1 << 20)
    except OSError:
        pass

    steps = list(script[1]) if script else []
    prompt_rx = re.compile(script[0], re.M) if script else None
    since = ['']

    def step(chunk_text):
        since[0] += chunk_text
        if steps and prompt_rx.search(since[0]):
            try:
                proc.stdin.write(steps.pop(0).encode())
                proc.stdin.flush()
            except OSError:
                pass
            since[0] = ''

    def feed(line_text):
        for i, (rx, data) in enumerate(pending):
            if rx is None or rx.search(line_text):
                try:
                    proc.stdin.write(data)
                    proc.stdin.flush()
                except OSError:
                    pass
                pending[i] = (None, None)
        pending[:] = [p for p in pending if p[1] is not None]

    try:
        if any(rx is None for rx, _ in pending):
            feed('')
        while True:
            now = time.monotonic()
            limit = min(deadline, stop_at) if stop_at else deadline
            if now >= limit:
                r.how = 'marker' if stop_at and now >= stop_at else 'timeout'
                break
            ready, _, _ = select.select([fd], [], [], limit - now)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                r.how = 'exit'
                break
            chunk = chunk.replace(b'\r', b'')
            captured.write(chunk)
            if logf:
                logf.write(chunk)
                logf.flush()
            if echo:
                sys.stdout.buffer.write(chunk)
                sys.stdout.flush()
            if steps:
                step(chunk.decode('utf-8', 'replace'))
            *lines, partial = (partial + chunk).split(b'\n')
            for raw in lines:
                text = raw.decode('utf-8', 'replace')
                if stop_markers and stop_at is None and STOP_MARKERS.search(text):
                    r.marker, stop_at = text, time.monotonic() + grace
                if pending:
                    feed(text)
            if pending and partial:
                feed(partial.decode('utf-8', 'replace'))
    finally:
        if proc.poll() is None:
            if r.how != 'exit':
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        # Whatever QEMU wrote while dying still belongs to the log.
        rest = proc.stdout.read().replace(b'\r', b'')
        captured.write(rest)
        if logf:
            logf.write(rest)
            logf.close()
        if echo and rest:
            sys.stdout.buffer.write(rest)
            sys.stdout.flush()
        for f in (proc.stdin, proc.stdout):
            try:
                f.close()
            except OSError:
                pass
    r.exit_code = proc.returncode
    r.output = captured.getvalue().decode('utf-8', 'replace')
    r.seconds = time.monotonic() - t0
    if r.how == 'exit' and r.exit_code != 0:
        r.error = 'QEMU exited with status %d' % r.exit_code
    return r


# ---------------------------------------------------------------- tests

def run_test(kernel, suite, machine_args, timeout=60, expect=None, dtb_check=False, logdir=None,
             echo=False, inputs=(), stop_markers=True, out=sys.stdout, disk=None, script=None):
    """Boots one suite, prints its results, returns (passed, failed). With disk (a
    script: `SCRIPT make IMG`, `SCRIPT check IMG`), a fresh image in the log folder is
    the machine's virtio-blk disk, checked after the run; what `make` prints, if
    anything, is the -drive file= value (e.g. a blkdebug: wrapper of IMG)."""
    label = '%s/%s' % (suite, machine_args['machine'])
    logdir = logdir or os.path.join(REPO, 'build', 'test-logs')
    os.makedirs(logdir, exist_ok=True)
    base = os.path.join(logdir, '%s-%s' % (suite, machine_args['machine']))
    if not (kernel and os.path.isfile(kernel)):
        return tap.report([tap.Result(False, 'kernel image', '%s does not exist (build failed?)' % kernel)],
                          label, out)
    disk_results = []
    if disk:
        img = base + '.img'
        mk = subprocess.run([sys.executable, disk, 'make', img], capture_output=True, text=True)
        if mk.returncode != 0:
            return tap.report([tap.Result(False, 'disk image', (mk.stdout + mk.stderr).strip())], label, out)
        machine_args = dict(machine_args, drive=mk.stdout.strip() or img)
    r = run(command(kernel, **machine_args), timeout, base + '.log', echo, inputs, stop_markers,
            script=script)
    if disk:
        ck = subprocess.run([sys.executable, disk, 'check', img], capture_output=True, text=True)
        disk_results.append(tap.Result(ck.returncode == 0, 'disk image after the run',
                                       (ck.stdout + ck.stderr).strip()))
    dtb = None
    if dtb_check:
        try:
            dtb = dump_dtb(base + '.dtb', kernel=kernel, **machine_args)
            if shutil.which('dtc'):
                with open(base + '.dts', 'w') as fh:
                    fh.write(decode_dtb(base + '.dtb'))
        except (OSError, RuntimeError, subprocess.SubprocessError) as e:
            dtb = dtb if isinstance(dtb, bytes) else e
    results = tap.evaluate(r.output, expect, dtb, r.how == 'timeout', timeout, r.error)
    return tap.report(results + disk_results, label, out)


def read_manifest(path):
    """[(suite, image, machine, timeout, expect, [options])], comments skipped."""
    suites = []
    with open(path) as fh:
        for no, line in enumerate(fh, 1):
            words = shlex.split(line, comments=True)
            if not words:
                continue
            if len(words) < 5 or not words[3].isdigit():
                raise ValueError('%s:%d: expected "<suite> <image> <machine> <timeout> <expect> '
                                 '[options]"' % (path, no))
            suites.append((words[0], words[1], words[2], int(words[3]), words[4], words[5:]))
    return suites


def run_suites(manifest, images, logdir, jobs, echo=False):
    """Runs every suite of the manifest (jobs at a time); prints results in manifest order."""
    def one(entry):
        suite, image, machine, timeout, expect, opts = entry
        buf = io.StringIO()
        try:
            args = ['test', '--suite', suite, '--machine', machine, '--timeout', str(timeout),
                    '--logdir', logdir] + (['--echo'] if echo else [])
            if expect != '-':
                args += ['--expect', os.path.join(REPO, expect)]
            # The kernel is the first positional: it must precede a `--` in the options.
            cut = opts.index('--') if '--' in opts else len(opts)
            kernel = os.path.join(images, 'kernel-%s.elf' % image)
            a = parser().parse_args(args + opts[:cut] + [kernel] + opts[cut:])
            passed, failed = cmd_test(a, buf)
        except SystemExit:          # argparse rejected the options
            passed, failed = tap.report([tap.Result(False, 'manifest options', ' '.join(opts))],
                                        '%s/%s' % (suite, machine), buf)
        with open(os.path.join(logdir, '%s-%s.results' % (suite, machine)), 'w') as fh:
            fh.write(buf.getvalue())
        return buf.getvalue(), passed, failed

    os.makedirs(logdir, exist_ok=True)
    entries = read_manifest(manifest)
    total_p = total_f = 0
    with concurrent.futures.ThreadPoolExecutor(max(1, jobs)) as pool:
        for text, p, f in pool.map(one, entries):
            sys.stdout.write(text)
            sys.stdout.flush()
            total_p, total_f = total_p + p, total_f + f
    return total_p, total_f


# ---------------------------------------------------------------- CLI

def machine_args(a):
    return dict(machine=a.machine, smp=a.smp, mem=a.mem, bios=a.bios, icount=a.icount, extra=a.extra,
                drive=a.drive)


def cmd_test(a, out=sys.stdout):
    inputs = [(a.input_after, a.input)] if a.input is not None else []
    return run_test(a.kernel, a.suite, machine_args(a), a.timeout, a.expect, a.dtb_check, a.logdir,
                    a.echo, inputs, not a.no_stop_markers, out,
                    os.path.join(REPO, a.disk) if a.disk else None, script=load_script(a))


def load_script(a):
    """--script FILE: one line typed per prompt (--prompt REGEX); Python escapes
    (\\n, \\x7f) allowed; a line gets '\\r' (Enter) unless it ends in '\\c'."""
    if not getattr(a, 'script', None):
        return None
    texts = []
    with open(a.script) as f:
        for line in f.read().splitlines():
            if line.startswith('#') or not line:
                continue
            enter = not line.endswith('\\c')
            t = (line if enter else line[:-2]).encode().decode('unicode_escape')
            texts.append(t + '\r' if enter else t)
    return (a.prompt, texts)


def parser():
    ap = argparse.ArgumentParser(prog='qemu.py', description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)

    def machine_opts(p):
        p.add_argument('--machine', default='virt', choices=sorted(MACHINES))
        p.add_argument('--smp', type=int, help='harts (default: virt 4, sifive_u 2)')
        p.add_argument('-m', '--mem', default='256M')
        p.add_argument('--bios', default='default', help='default | debian | PATH')
        p.add_argument('--icount', action='store_true', help='-icount shift=0')
        p.add_argument('--drive', metavar='IMG', help='attach IMG as a virtio-blk disk (used as it is)')
        p.add_argument('kernel', nargs='?', help='ELF to boot ("none": just the firmware)')
        p.add_argument('extra', nargs='*', help='extra QEMU arguments (after --)')

    def run_opts(p):
        p.add_argument('--timeout', type=float, default=60)
        p.add_argument('--echo', action='store_true', help='copy the console to stdout')
        p.add_argument('--input', help='text to type into the UART (\\n, \\r escapes allowed)')
        p.add_argument('--input-after', metavar='REGEX', help='send --input once a line matches')
        p.add_argument('--no-stop-markers', action='store_true', help='only stop on exit or timeout')
        p.add_argument('--script', metavar='FILE', help='type FILE\'s lines, one per --prompt')
        p.add_argument('--prompt', metavar='REGEX', default=r'^\$ ', help='for --script (default: ^\$ )')

    machine_opts(sub.add_parser('cmd', help='print the QEMU command line'))
    machine_opts(sub.add_parser('exec', help='run QEMU interactively on this terminal'))
    p = sub.add_parser('run', help='run with the console captured')
    machine_opts(p)
    run_opts(p)
    p.add_argument('--log', help='console log file')
    p = sub.add_parser('dtb', help='dump (and decode) the machine\'s device tree')
    machine_opts(p)
    p.add_argument('-o', '--out', help='DTB file (default: a temporary file)')
    p.add_argument('--dts', action='store_true', help='print the tree decoded by dtc')
    p = sub.add_parser('test', help='run one suite and print its results')
    machine_opts(p)
    run_opts(p)
    p.add_argument('--suite', required=True)
    p.add_argument('--expect', help='expectation file')
    p.add_argument('--dtb-check', action='store_true', help='compare the boot banner with the DTB')
    p.add_argument('--disk', metavar='SCRIPT', help='a virtio-blk disk: SCRIPT make IMG before, check IMG after')
    p.add_argument('--logdir', help='default: build/test-logs')
    p = sub.add_parser('suites', help='run every suite of a manifest')
    p.add_argument('manifest', nargs='?', default=os.path.join(REPO, 'test', 'suites.txt'))
    p.add_argument('--images', default=os.path.join(REPO, 'build', 'riscv', 'images'))
    p.add_argument('--logdir', default=os.path.join(REPO, 'build', 'test-logs'))
    p.add_argument('-j', '--jobs', type=int, default=os.cpu_count() or 1)
    p.add_argument('--echo', action='store_true')
    return ap


def main(argv=None):
    a = parser().parse_args(argv)
    if getattr(a, 'input', None) is not None:
        a.input = a.input.encode().decode('unicode_escape')
    if a.cmd == 'cmd':
        print(' '.join(shlex.quote(w) for w in command(a.kernel, **machine_args(a))))
    elif a.cmd == 'exec':
        cmd = command(a.kernel, **machine_args(a))
        os.execvp(cmd[0], cmd)
    elif a.cmd == 'run':
        inputs = [(a.input_after, a.input)] if a.input is not None else []
        r = run(command(a.kernel, **machine_args(a)), a.timeout, a.log, a.echo, inputs,
                not a.no_stop_markers)
        if not a.echo:
            sys.stdout.write(r.output)
        note = {'exit': 'QEMU exited with status %s' % r.exit_code, 'marker': 'stopped after %r' % r.marker,
                'timeout': 'timed out after %s s' % a.timeout, 'error': r.error}[r.how]
        print('qemu.py: %s (%.1f s)' % (note, r.seconds), file=sys.stderr)
        if r.how == 'timeout':
            return 124
        if r.how == 'error' or 'KERNEL PANIC' in r.output:
            return 1
        return r.exit_code if r.how == 'exit' else 0
    elif a.cmd == 'dtb':
        out = a.out or tempfile.mkstemp(suffix='.dtb')[1]
        dump_dtb(out, kernel=a.kernel, **machine_args(a))
        if a.dts:
            sys.stdout.write(decode_dtb(out))
        else:
            print(out)
        if not a.out and a.dts:
            os.unlink(out)
    elif a.cmd == 'test':
        return 1 if cmd_test(a)[1] else 0
    elif a.cmd == 'suites':
        passed, failed = run_suites(a.manifest, a.images, a.logdir, a.jobs, a.echo)
        return 1 if failed or not passed else 0
    return 0


if __name__ == '__main__':
    sys.exit(main())
