#!/usr/bin/env python3
"""The fsshort suite's disk: the build's fsio.img (2 MiB of ext2) cut to its first
1 MiB, so the device is smaller than the file system its superblock describes: fs0
must refuse to mount it, naming both sizes' mismatch, and never touch it (the image
is unchanged afterwards). init is badroot.c (ENODEV on /, /dev and /tmp served).

  disk_fsshort.py make IMG | check IMG"""
import hashlib
import sys
sys.dont_write_bytecode = True   # keep test/ free of __pycache__
import diskimg  # noqa: E402


def make(img):
    diskimg.fresh_copy('fsio', img)
    with open(img, 'r+b') as fh:
        fh.truncate(1 << 20)
    with open(img + '.sha256', 'w') as fh:
        fh.write(hashlib.sha256(open(img, 'rb').read()).hexdigest())
    return 0


def check(img):
    same = hashlib.sha256(open(img, 'rb').read()).hexdigest() == open(img + '.sha256').read()
    print('the refused disk is %s' % ('unchanged' if same else 'CHANGED: fs0 wrote to a disk it refused'))
    return 0 if same else 1


if __name__ == '__main__':
    sys.exit(diskimg.script_main(sys.argv, make, check, __doc__))
