#!/usr/bin/env python3
"""The fsio suite's disk: a fresh copy of the build's fsio.img (1 KiB blocks) behind
QEMU's blkdebug driver, which fails (EIO) every read of /data/lines.txt's data block
and every write of /etc/motd's (block numbers from debugfs bmap); ioerr.c is init.
Afterwards: /etc/motd must hold its staged text (the refused write never landed),
and e2fsck -fy must leave the image clean (a failed write may leave it needing
repair, as a cut would).

  disk_fsio.py make IMG | check IMG"""
import os
import subprocess
import sys
sys.dont_write_bytecode = True   # keep test/ free of __pycache__
import diskimg  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def block_of(img, path):
    p = subprocess.run([diskimg.tool('debugfs'), '-R', 'bmap "%s" 0' % path, img], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, universal_newlines=True)
    return int(p.stdout.strip())


def make(img):
    diskimg.fresh_copy('fsio', img)
    rd, wr = block_of(img, '/data/lines.txt') * 2, block_of(img, '/etc/motd') * 2   # 1 KiB blocks
    with open(img + '.blkdebug', 'w') as fh:
        fh.write('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "%d"\n\n' % rd)
        fh.write('[inject-error]\nevent = "write_aio"\nerrno = "5"\nsector = "%d"\n' % wr)
    print('blkdebug:%s.blkdebug:%s' % (img, img))
    return 0


def check(img):
    motd = diskimg.cat(img, '/etc/motd')
    staged = open(os.path.join(HERE, 'disk', 'etc', 'motd'), 'rb').read()
    if motd != staged:
        print('/etc/motd is %r, not the staged text: the refused write landed' % (motd[:40] if motd else motd))
        return 1
    rc, out = diskimg.fsck(img, repair=True)
    rc2, out2 = diskimg.fsck(img)
    if rc not in (0, 1) or rc2 != 0:
        print('e2fsck -fy status %d, then -fn status %d:\n%s\n%s' % (rc, rc2, out, out2))
        return 1
    print('/etc/motd as staged; e2fsck -fy status %d, then -fn clean' % rc)
    return 0


if __name__ == '__main__':
    sys.exit(diskimg.script_main(sys.argv, make, check, __doc__))
