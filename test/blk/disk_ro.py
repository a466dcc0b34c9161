#!/usr/bin/env python3
"""The blk-ro suite's disk: disk.py's image, attached read-only (`make` prints
`IMG,readonly=on` for -drive file=); `check`: no sector changed."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import disk  # noqa: E402

if __name__ == '__main__':
    sys.exit(disk.main(sys.argv, read_only=True))
