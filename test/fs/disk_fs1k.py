#!/usr/bin/env python3
"""disk_fs.py for the fs suite on 1 KiB blocks (image fs1k).

  disk_fs1k.py make IMG | check IMG"""
import sys
sys.dont_write_bytecode = True   # keep test/ free of __pycache__
import diskimg  # noqa: E402
import disk_fs  # noqa: E402

if __name__ == '__main__':
    disk_fs.NAME = 'fs1k'
    sys.exit(diskimg.script_main(sys.argv, disk_fs.make, disk_fs.check, __doc__))
