#!/usr/bin/env python3
"""The blkram suite's disk (sifive_u: no virtio): the blk suite's pattern image as the
initrd (`initrd:IMG` for tools/qemu.py), which root hands to the driver in RAM mode.
What the client writes stays in guest RAM; `check` confirms the file is as made.

  disk_initrd.py make IMG | check IMG"""
import sys
sys.dont_write_bytecode = True   # keep test/ free of __pycache__
import disk  # noqa: E402


def main(argv):
    if len(argv) != 3 or argv[1] not in ('make', 'check'):
        sys.exit(__doc__)
    img = argv[2]
    want = b''.join(disk.original(s) for s in range(disk.SECTORS))
    if argv[1] == 'make':
        with open(img, 'wb') as fh:
            fh.write(want)
        print('initrd:%s' % img)
        return 0
    same = open(img, 'rb').read() == want
    print('the initrd file is %s' % ('as made (the RAM disk lived in guest memory)' if same else 'CHANGED'))
    return 0 if same else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
