#!/usr/bin/env python3
"""The run image's disk for suites on virt (console, quirks): a fresh copy of the
build's run.img (servers/rootfs and the programs, 1 KiB blocks), as tools/run
attaches it; afterwards e2fsck -fn must find it clean.

  disk_run.py make IMG | check IMG"""
import sys
sys.dont_write_bytecode = True   # keep test/ free of __pycache__
import diskimg  # noqa: E402


def make(img):
    diskimg.fresh_copy('run', img)
    return 0


def check(img):
    rc, out = diskimg.fsck(img)
    print('e2fsck -fn after the run: %s' % ('clean' if rc == 0 else 'status %d\n%s' % (rc, out)))
    return 0 if rc == 0 else 1


if __name__ == '__main__':
    sys.exit(diskimg.script_main(sys.argv, make, check, __doc__))
