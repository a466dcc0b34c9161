#!/usr/bin/env python3
"""The blk suite's disk image (layout in servers/include/blktest.h).

  disk.py make IMG    write the pattern image, and IMG.blkdebug, a QEMU blkdebug
                      configuration failing reads of sector BAD with EIO; prints the
                      -drive file= value that puts the two together
  disk.py check IMG   after the run: the client's writes are there, nothing else changed
"""
import sys

SECTORS, SECTOR = 2048, 512
WRITE_ONE, WRITE_RUN, RUN = 100, 200, 8
BAD = 1000   # reads fail here (QEMU's blkdebug driver): the driver must say EIO


def original(s):
    return s.to_bytes(8, 'little') + bytes((s * 13 + i) & 0xff for i in range(8, SECTOR))


def written(s):
    return bytes((s ^ i ^ 0xa5) & 0xff for i in range(SECTOR))


def main(argv, read_only=False):
    """read_only (disk_ro.py): the drive is attached read-only, without the injected
    error, and afterwards every sector must be as made."""
    if len(argv) != 3 or argv[1] not in ('make', 'check'):
        sys.exit(__doc__)
    if argv[1] == 'make':
        with open(argv[2], 'wb') as fh:
            fh.write(b''.join(original(s) for s in range(SECTORS)))
        if read_only:
            print('%s,readonly=on' % argv[2])
            return 0
        with open(argv[2] + '.blkdebug', 'w') as fh:
            fh.write('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "%d"\n' % BAD)
        print('blkdebug:%s.blkdebug:%s' % (argv[2], argv[2]))
        return 0
    data = open(argv[2], 'rb').read()
    if len(data) != SECTORS * SECTOR:
        print('disk check: image is %d bytes, not %d' % (len(data), SECTORS * SECTOR))
        return 1
    wrote = set() if read_only else {WRITE_ONE} | set(range(WRITE_RUN, WRITE_RUN + RUN))
    bad = []
    for s in range(SECTORS):
        want = written(s) if s in wrote else original(s)
        if data[s * SECTOR:(s + 1) * SECTOR] != want:
            bad.append(s)
    if bad:
        print('disk check: sectors differ from what the client wrote or left: %s' % bad[:20])
        return 1
    print('disk check: %d sectors written as expected, %d untouched' % (len(wrote), SECTORS - len(wrote)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
