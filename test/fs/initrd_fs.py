#!/usr/bin/env python3
"""The fs suite's disk on sifive_u (no virtio): a fresh copy of the build's fs.img
as the initrd, which root hands to servers/blk in RAM mode (docs/blk.md).

  initrd_fs.py make IMG | check IMG"""
import sys
sys.dont_write_bytecode = True   # keep test/ free of __pycache__
import diskimg  # noqa: E402

if __name__ == '__main__':
    sys.exit(diskimg.initrd_script('fs', sys.argv, __doc__))
