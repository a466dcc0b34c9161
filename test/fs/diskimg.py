"""Host side of fs0's virtio disks (docs/fs0.md "The disk"): the build's ext2 images,
fresh copies for a run, e2fsck and debugfs. Used by the disk scripts (disk_run.py,
disk_fs.py: `SCRIPT make IMG` / `SCRIPT check IMG`, tools/qemu.py --disk) and by the
power-cut harness (powercut.py)."""
import os
import re
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# FS_BUILD_DIR: another build of the same tree (one configured with other options
# beside the default one); tools/qemu.py's --images names its kernels.
BUILD = os.environ.get('FS_BUILD_DIR', os.path.join(REPO, 'build', 'riscv'))
ARCHIVES = os.path.join(BUILD, 'archives')
IMAGES = os.path.join(BUILD, 'images')
SBIN = ['/sbin', '/usr/sbin']


def tool(name):
    for d in SBIN + os.environ.get('PATH', '').split(os.pathsep):
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    raise RuntimeError('%s not found (e2fsprogs)' % name)


def fresh_copy(name, img):
    """A fresh copy of the build's archives/<name>.img at img (the build made it with
    mke2fs -d and checked it with e2fsck -fn)."""
    src = os.path.join(ARCHIVES, name + '.img')
    if not os.path.isfile(src):
        raise RuntimeError('%s does not exist (build first)' % src)
    shutil.copyfile(src, img)


def fsck(img, repair=False):
    """(clean, output) of `e2fsck -fn` (or -fy with repair). Clean: exit status 0;
    after -fy, 1 (errors corrected) also counts as done, the caller checks again."""
    p = subprocess.run([tool('e2fsck'), '-fy' if repair else '-fn', img], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    lines = p.stdout.strip().splitlines()
    if len(lines) > 40:   # a broken image can give thousands
        lines = lines[:30] + ['... (%d more lines)' % (len(lines) - 35)] + lines[-5:]
    return p.returncode, '\n'.join(lines)


def cat(img, path):
    """The bytes of path in the image (holes as zeros), or None if it does not exist."""
    p = subprocess.run([tool('debugfs'), '-R', 'cat "%s"' % path, img], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    err = p.stderr.decode(errors='replace')
    if 'File not found' in err or p.returncode != 0:
        return None
    return p.stdout


def stat_blocks(img, path):
    """(size, blocks in 512-byte units) from debugfs stat, or None."""
    p = subprocess.run([tool('debugfs'), '-R', 'stat "%s"' % path, img], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    size = re.search(r'Size: (\d+)', p.stdout)
    blocks = re.search(r'Blockcount: (\d+)', p.stdout)
    if not size or not blocks:
        return None
    return int(size.group(1)), int(blocks.group(1))


def pattern(n, seed):
    """test/fs's pattern(i, seed) for i in 0..n-1 (runner.c, persist.h, cutload.c)."""
    return bytes((i * 31 + seed + (i >> 9)) & 0xff for i in range(n))


def script_main(argv, make, check, doc):
    """The `SCRIPT make IMG` / `SCRIPT check IMG` protocol of tools/qemu.py --disk."""
    if len(argv) != 3 or argv[1] not in ('make', 'check'):
        sys.exit(doc)
    try:
        return (make if argv[1] == 'make' else check)(argv[2])
    except RuntimeError as e:
        print('disk %s: %s' % (argv[1], e))
        return 1


def initrd_script(name, argv, doc):
    """A --disk script for machines without virtio: `make` puts a fresh copy of
    archives/<name>.img at IMG and prints `initrd:IMG` (tools/qemu.py loads it with
    -initrd; root hands its memory to servers/blk in RAM mode). What the run writes
    stays in the machine's RAM: `check` only confirms QEMU left the file as made."""
    import hashlib

    def make(img):
        fresh_copy(name, img)
        with open(img + '.sha256', 'w') as fh:
            fh.write(hashlib.sha256(open(img, 'rb').read()).hexdigest())
        print('initrd:%s' % img)
        return 0

    def check(img):
        same = hashlib.sha256(open(img, 'rb').read()).hexdigest() == open(img + '.sha256').read()
        print('the initrd file is %s (the RAM disk lived in guest memory)' % ('as made' if same else 'CHANGED'))
        return 0 if same else 1
    return script_main(argv, make, check, doc)
