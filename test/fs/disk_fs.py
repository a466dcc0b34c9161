#!/usr/bin/env python3
"""The fs suite's disk on virt: a fresh copy of the build's fs.img (4 KiB blocks;
disk_fs1k.py: fs1k.img, 1 KiB blocks), and afterwards the host's reading of it:

  1. e2fsck -fn finds it clean;
  2. debugfs reads back every file of persist.h (the table the suite's t_persist
     wrote from) and it matches byte for byte, holes as zeros; the sparse file takes
     fewer blocks than its size; the unlinked and renamed-away names are gone;
  3. a second boot of the same image (kernel-fsverify.elf, test/fs/verify.c as init)
     reads the same files through fs0 and finds them whole;
  4. e2fsck -fn finds it clean again.

  disk_fs.py make IMG | check IMG"""
import os
import re
import subprocess
import sys
sys.dont_write_bytecode = True   # keep test/ free of __pycache__
import diskimg  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PIECE = re.compile(r'^\s*\{"([^"]+)", (\d+), (\d+), (\d+)\},\s*$')


def pieces():
    """persist.h's table: {path: [(off, len, seed), ...]}, in order."""
    files = {}
    with open(os.path.join(HERE, 'persist.h')) as fh:
        for line in fh:
            m = PIECE.match(line)
            if m:
                files.setdefault(m.group(1), []).append(tuple(int(x) for x in m.groups()[1:]))
    gone = re.findall(r'#define PERSIST_(?:GONE|OLD_NAME) "([^"]+)"', open(os.path.join(HERE, 'persist.h')).read())
    return files, gone


def expected(parts):
    size = max(off + n for off, n, _ in parts)
    data = bytearray(size)
    for off, n, seed in parts:
        data[off:off + n] = diskimg.pattern(n, seed)
    return bytes(data)


NAME = 'fs'   # the build's archives/<NAME>.img


def make(img):
    diskimg.fresh_copy(NAME, img)
    return 0


def check(img):
    bad = []
    rc, out = diskimg.fsck(img)
    if rc != 0:
        print('e2fsck -fn after the suite: status %d\n%s' % (rc, out))
        return 1
    files, gone = pieces()
    if len(files) < 4 or len(gone) != 2:
        print('persist.h: parsed %d files, %d removed names' % (len(files), len(gone)))
        return 1
    for path, parts in files.items():
        want, got = expected(parts), diskimg.cat(img, path)
        if got is None:
            bad.append('%s: missing' % path)
        elif got != want:
            at = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), min(len(got), len(want)))
            bad.append('%s: %d bytes, want %d, first difference at %d' % (path, len(got), len(want), at))
    st = diskimg.stat_blocks(img, '/keep/sparse')
    if not st or st[1] * 512 >= st[0]:
        bad.append('/keep/sparse: size and blocks %r: the hole took blocks' % (st,))
    for path in gone:
        if diskimg.cat(img, path) is not None:
            bad.append('%s: still there' % path)
    if bad:
        print('debugfs read back: ' + '; '.join(bad))
        return 1
    kernel = os.path.join(diskimg.IMAGES, 'kernel-fsverify.elf')
    log = img + '.second-boot.log'
    p = subprocess.run([sys.executable, os.path.join(diskimg.REPO, 'tools', 'qemu.py'), 'run', '--smp', '1',
                        '--mem', '128M', '--timeout', '60', '--drive', img, '--log', log, kernel],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    n = len(files) + len(gone) + 1
    if not re.search(r'^fs0: disk: virtio-blk', p.stdout, re.M) or \
            not re.search(r'^fsverify: %d files, 0 wrong$' % n, p.stdout, re.M):
        lines = [l for l in p.stdout.splitlines() if l.startswith(('fsverify', 'fs0', 'mm0', 'qemu.py'))]
        print('second boot (%s): not %d files whole on the virtio disk:\n%s' % (log, n, '\n'.join(lines)))
        return 1
    rc, out = diskimg.fsck(img)
    if rc != 0:
        print('e2fsck -fn after the second boot: status %d\n%s' % (rc, out))
        return 1
    print('e2fsck -fn clean; debugfs read back %d files as written (%d removed names gone); '
          'a second boot found all %d whole; clean again' % (len(files), len(gone), n))
    return 0


if __name__ == '__main__':
    sys.exit(diskimg.script_main(sys.argv, make, check, __doc__))
