#!/usr/bin/env python3
"""Power cuts in QEMU (docs/fs0.md "Power cuts"): boots kernel-fscut.elf (test/fs/
cutload.c as init) on a virtio-blk disk and kills QEMU (SIGKILL) at random points of
its write-heavy workload, then repairs and checks the image on the host:

  - `e2fsck -fy` must end with status 0 or 1 (nothing left uncorrected), and a second
    `e2fsck -fn` must find the image clean;
  - every file the workload printed as fsync'ed (`cutload: fsynced PATH size N fnv
    H`, printed after fsync returned), in this boot or an earlier one, must be whole:
    debugfs dumps it, its size and FNV-1a 32 must match.

Boots that outran their cut (killed after the workload's done line) do not count;
boots go on until N cuts landed during the workload (at most 2N boots).

The boots form a chain on one image (a fresh copy of the build's fscut.img): each
starts on what e2fsck repaired after the cut before, so fs0 must also mount and
write repaired images. Boot 0 runs uncut, to time the workload; cut k waits, after
the workload's start line, a delay drawn from random.Random(seed) uniform over that
time (the shortest one seen: a boot that outran its cut shortens it). The seed is printed first (`powercut: seed S`); `--seed S` repeats the same
delays (QEMU's own timing varies a little, so the same cut points only roughly).

  powercut.py [--cuts N] [--seed S] [--logdir DIR]
Prints `ok - powercut: ...` or `not ok - powercut: ...` lines (tools/test counts
them); the console of each boot goes to DIR/powercut-K.log."""
import argparse
import os
import random
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
sys.dont_write_bytecode = True   # keep test/ free of __pycache__
import diskimg  # noqa: E402

sys.path.insert(0, os.path.join(diskimg.REPO, 'tools'))
import qemu  # noqa: E402

FSYNCED = re.compile(r'^cutload: fsynced (\S+) size (\d+) fnv 0x([0-9a-f]{8})$')


def fnv(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h


def boot(kernel, img, log, cut_after=None, timeout=30):
    """One boot; with cut_after (seconds after `cutload: start`), SIGKILL then.
    Returns (lines, how): how is 'done' (the workload finished and QEMU exited),
    'cut' (killed before the workload's done line), 'late' (killed after it) or an
    error text."""
    cmd = qemu.command(kernel, machine='virt', smp=1, mem='128M', drive=img)
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    out, partial, lines = open(log, 'wb'), b'', []
    start = kill_at = None
    boot.span = None
    deadline = time.monotonic() + timeout
    how = None
    try:
        fd = proc.stdout.fileno()
        while True:
            now = time.monotonic()
            if kill_at is not None and now >= kill_at:
                proc.send_signal(signal.SIGKILL)
                how = 'late' if any(l.startswith('cutload: round') and l.endswith('done') for l in lines) \
                    else 'cut'
                break
            if now >= deadline:
                how = 'timed out after %d s' % timeout
                break
            wait = min(deadline, kill_at if kill_at is not None else deadline) - now
            ready, _, _ = select.select([fd], [], [], max(0.0, wait))
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                how = 'done' if any(re.match(r'^cutload: round \d+ done$', l) for l in lines) else \
                    'QEMU exited before the workload was done'
                break
            out.write(chunk)
            *whole, partial = (partial + chunk.replace(b'\r', b'')).split(b'\n')
            for raw in whole:
                text = raw.decode('utf-8', 'replace')
                lines.append(text)
                if text.startswith('cutload: start'):
                    start = time.monotonic()
                    if cut_after is not None:
                        kill_at = start + cut_after
                if re.match(r'^cutload: round \d+ done$', text) and start is not None:
                    boot.span = time.monotonic() - start
                if 'KERNEL PANIC' in text or text.startswith(('cutload: write', 'cutload: fsync ', 'cutload: short',
                                                                'cutload: unlink',
                                                                'cutload: mkdir', 'cutload: rename',
                                                                'cutload: truncate', 'cutload: append',
                                                                'mm0: fs0 exited', 'root: mm0 FAULTED')):
                    how = 'the boot failed: %s' % text
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        out.write(proc.stdout.read())
        out.close()
        proc.stdout.close()
    if how in ('done', 'cut', 'late'):
        bad = [l for l in lines if 'KERNEL PANIC' in l or l.startswith(('cutload: write', 'cutload: fsync ',
                                                                          'cutload: short', 'cutload: unlink',
                                                                          'cutload: mkdir', 'mm0: fs0 exited',
                                                                          'root: mm0 FAULTED'))]
        if bad:
            how = 'the boot failed: %s' % bad[0]
    return lines, how


def check_files(img, files, scratch):
    """Problems with the fsync'ed files {path: (size, fnv)}: each dumped by debugfs."""
    cmds = os.path.join(scratch, 'dump.cmds')
    outs = {}
    with open(cmds, 'w') as fh:
        for i, path in enumerate(sorted(files)):
            outs[path] = os.path.join(scratch, 'f%d' % i)
            if os.path.exists(outs[path]):
                os.unlink(outs[path])
            fh.write('dump "%s" "%s"\n' % (path, outs[path]))
    subprocess.run([diskimg.tool('debugfs'), '-f', cmds, img], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    bad = []
    for path, (size, h) in sorted(files.items()):
        if not os.path.exists(outs[path]):
            bad.append('%s is missing' % path)
            continue
        data = open(outs[path], 'rb').read()
        if len(data) != size or fnv(data) != h:
            bad.append('%s: %d bytes, fnv 0x%08x; fsync had returned for %d bytes, fnv 0x%08x' % (
                path, len(data), fnv(data), size, h))
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--cuts', type=int, default=20, help='cuts during the workload (default 20)')
    ap.add_argument('--seed', type=int)
    ap.add_argument('--logdir', default=os.path.join(diskimg.REPO, 'build', 'test-logs'))
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.SystemRandom().randrange(1 << 32)
    print('powercut: seed %d (repeat with test/fs/powercut.py --seed %d)' % (seed, seed))
    sys.stdout.flush()
    rng = random.Random(seed)
    os.makedirs(a.logdir, exist_ok=True)
    kernel = os.path.join(diskimg.IMAGES, 'kernel-fscut.elf')
    img = os.path.join(a.logdir, 'powercut.img')
    t0 = time.monotonic()
    results = []

    def result(ok, what):
        results.append(ok)
        print('%s - powercut: %s' % ('ok' if ok else 'not ok', what))
        sys.stdout.flush()

    try:
        diskimg.fresh_copy('fscut', img)
    except RuntimeError as e:
        result(False, str(e))
        return 1
    files = {}   # every fsync'ed file so far: path -> (size, fnv)
    scratch = tempfile.mkdtemp(prefix='powercut-')
    # Boot 0: uncut, to time the workload and see it end cleanly.
    log = os.path.join(a.logdir, 'powercut-0.log')
    lines, how = boot(kernel, img, log)
    span = boot.span
    if how != 'done' or not span:
        result(False, 'the uncut boot: %s (log %s)' % (how, log))
        return 1
    for l in lines:
        m = FSYNCED.match(l)
        if m:
            files[m.group(1)] = (int(m.group(2)), int(m.group(3), 16))
    rc, text = diskimg.fsck(img)
    bad = check_files(img, files, scratch)
    result(rc == 0 and not bad, 'the uncut boot leaves a clean image with its %d fsync\'ed files whole%s' % (
        len(files), '' if rc == 0 and not bad else ': e2fsck -fn status %d; %s\n%s' % (rc, bad[:5], text)))
    if rc or bad:
        return 1
    # Cuts: a delay within the time the uncut workload took from its start line to
    # its done line.
    cuts = late = repaired = 0
    problems = []
    k = 0
    while cuts < a.cuts and k < 2 * a.cuts:   # a boot that outran its cut does not count
        k += 1
        delay = rng.uniform(0.0, span)
        log = os.path.join(a.logdir, 'powercut-%d.log' % k)
        lines, how = boot(kernel, img, log, cut_after=delay)
        if how not in ('cut', 'late', 'done'):
            problems.append('boot %d (cut at %.3f s): %s (log %s)' % (k, delay, how, log))
            break
        cuts += how == 'cut'
        late += how != 'cut'
        if boot.span:   # it outran the cut: the workload is quicker now (a loaded host
            span = min(span, boot.span)   # timed boot 0 slowly); aim within the quicker time
        for l in lines:
            m = FSYNCED.match(l)
            if m:
                files[m.group(1)] = (int(m.group(2)), int(m.group(3), 16))
        rc, text = diskimg.fsck(img, repair=True)
        if rc not in (0, 1):
            problems.append('cut %d at %.3f s: e2fsck -fy status %d (log %s):\n%s' % (k, delay, rc, log, text))
            break
        repaired += rc == 1
        rc, text = diskimg.fsck(img)
        if rc != 0:
            problems.append('cut %d at %.3f s: e2fsck -fn after -fy: status %d:\n%s' % (k, delay, rc, text))
            break
        bad = check_files(img, files, scratch)
        if bad:
            problems.append('cut %d at %.3f s (log %s): %s' % (k, delay, log, '; '.join(bad[:5])))
            break
    secs = time.monotonic() - t0
    result(not problems and cuts >= a.cuts,
           'workload %.0f ms uncut; %d cuts during the workload (%d boots ended after it), e2fsck -fy repaired %d, every image '
           'clean after, all %d fsync\'ed files whole; seed %d, %.0f s%s' % (
               span * 1000, cuts, late, repaired, len(files), seed, secs,
               '' if not problems else ': ' + problems[0] if problems else ''))
    if not problems and cuts < a.cuts:
        print('# only %d of %d boots were cut during the workload (%d needed)' % (cuts, k, a.cuts))
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main())
