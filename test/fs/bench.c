/* fs0 benchmarks in retired instructions (rdinstret counts everything on the hart:
 * this process, the kernel, fs0, mm0). Run on one hart under -icount shift=0 (image
 * `fsbench`, docs/fs0.md); prints `bench: <key> <n> <what>`. */
#include <fcntl.h>
#include <bench.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define ROUNDS 32
static uint64_t samples[ROUNDS];

static char buf[1 << 20];

/* fork + exec of this program (`--exit`: it returns at once) + wait, by name: a bare
 * one is the boot archive's, a path fs0's file (exec from the disk). */
static uint64_t fork_exec(const char *prog, int rounds)
{
    char *args[] = {(char *)prog, "--exit", NULL};
    for (int i = 0; i < rounds; i++) {
        uint64_t t0 = bench_instret();
        pid_t c = fork();
        if (c == 0) {
            execve(prog, args, args + 2);
            _exit(127);
        }
        int st = 0;
        waitpid(c, &st, 0);
        samples[i] = bench_instret() - t0;
        if (st) return 0;   /* the exec failed: no figure */
    }
    return bench_median(samples, rounds);
}

/* File mappings (mm0's pager and fs0's page cache, docs/mm0.md "Files from fs0"). */
static void bench_mmap(void)
{
    int fd = open("/data/big", O_RDWR);
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t t0 = bench_instret();
        void *p = mmap(0, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
        munmap(p, 4096);
        samples[i] = bench_instret() - t0;
    }
    printf("bench: fs0_mmap_munmap %lu mmap+munmap of a file page (mm0 asks fs0 what the fd is)\n",
           bench_median(samples, ROUNDS));
    volatile uint8_t *m = mmap(0, sizeof buf, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
        printf("bench: mmap failed\n");
        close(fd);
        return;
    }
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t t0 = bench_instret();
        (void)m[(size_t)i * 4096 * 4];
        samples[i] = bench_instret() - t0;
    }
    printf("bench: fs0_mmap_fault_cold %lu first read of a file page fs0 must read into its cache "
           "(the pager's round trip)\n", bench_median(samples, ROUNDS));
    volatile uint8_t *m2 = mmap(0, sizeof buf, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t t0 = bench_instret();
        (void)m2[(size_t)i * 4096 * 4];
        samples[i] = bench_instret() - t0;
    }
    printf("bench: fs0_mmap_fault_held %lu first read of a file page mm0 holds already (no fs0)\n",
           bench_median(samples, ROUNDS));
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t t0 = bench_instret();
        m2[(size_t)i * 4096 * 4 + 4096] = 1;
        samples[i] = bench_instret() - t0;
    }
    printf("bench: fs0_mmap_write_shared %lu first write to a shared file page (a cold one)\n",
           bench_median(samples, ROUNDS));
    munmap((void *)m, sizeof buf);
    munmap((void *)m2, sizeof buf);
    close(fd);
    uint64_t a = fork_exec("init", 16), d = fork_exec("/bin/bench", 16);
    printf("bench: fs0_fork_exec_archive %lu fork+exec+exit+wait of this program from the boot "
           "archive\n", a);
    printf("bench: fs0_fork_exec_disk %lu fork+exec+exit+wait of this program from the disk "
           "(fs0's page cache)\n", d);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--exit")) return 0;
    /* First, while this program is small (buf untouched): fork's cost with fs0 there
     * (the child's window frame, the NEW and WINDOW events and fs0's maps, the EXIT
     * and fs0's deletes), beside posix_fork_exit_wait, which runs without fs0. */
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t t0 = bench_instret();
        pid_t c = fork();
        if (c == 0) _exit(0);
        waitpid(c, 0, 0);
        samples[i] = bench_instret() - t0;
    }
    printf("bench: fs0_fork_exit_wait %lu fork+exit+wait of this program with fs0's grants\n",
           bench_median(samples, ROUNDS));
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t t0 = bench_instret();
        int fd = open("/etc/motd", O_RDONLY);
        close(fd);
        samples[i] = bench_instret() - t0;
    }
    printf("bench: fs0_open_close %lu open+close of /etc/motd\n", bench_median(samples, ROUNDS));
    int fd = open("/data/bench", O_RDWR | O_CREAT | O_TRUNC, 0644);
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t t0 = bench_instret();
        write(fd, buf, 4096);
        samples[i] = bench_instret() - t0;
    }
    printf("bench: fs0_write_4k %lu per 4 KiB write (ext2, appending) = %lu per byte\n",
           bench_median(samples, ROUNDS), bench_median(samples, ROUNDS) / 4096);
    for (int i = 0; i < ROUNDS; i++) {
        lseek(fd, (off_t)i * 4096, SEEK_SET);
        uint64_t t0 = bench_instret();
        read(fd, buf, 4096);
        samples[i] = bench_instret() - t0;
    }
    printf("bench: fs0_read_4k %lu per 4 KiB read (ext2) = %lu per byte\n", bench_median(samples, ROUNDS),
           bench_median(samples, ROUNDS) / 4096);
    /* A buffer at an odd address: libposix's copy shifts words together. */
    for (int i = 0; i < ROUNDS; i++) {
        lseek(fd, (off_t)i * 4096, SEEK_SET);
        uint64_t t0 = bench_instret();
        read(fd, buf + 3, 4096);
        samples[i] = bench_instret() - t0;
    }
    printf("bench: fs0_read_4k_odd %lu per 4 KiB read into an odd address\n", bench_median(samples, ROUNDS));
    /* Small transfers go through the UTCB area, not the window. */
    for (int i = 0; i < ROUNDS; i++) {
        lseek(fd, (off_t)i * 64, SEEK_SET);
        uint64_t t0 = bench_instret();
        read(fd, buf, 64);
        samples[i] = bench_instret() - t0;
    }
    printf("bench: fs0_read_64 %lu per 64-byte read (ext2, cached)\n", bench_median(samples, ROUNDS));
    for (int i = 0; i < ROUNDS; i++) {
        lseek(fd, (off_t)i * 64, SEEK_SET);
        uint64_t t0 = bench_instret();
        write(fd, buf, 64);
        samples[i] = bench_instret() - t0;
    }
    printf("bench: fs0_write_64 %lu per 64-byte write (ext2, in place)\n", bench_median(samples, ROUNDS));
    close(fd);
    fd = open("/data/big", O_RDWR | O_CREAT | O_TRUNC, 0644);
    uint64_t t0 = bench_instret();
    ssize_t w = write(fd, buf, sizeof buf);
    uint64_t tw = bench_instret() - t0;
    printf("bench: fs0_write_1m %lu sequential write of a 1 MiB file (%ld bytes; block allocation, "
           "the cache's write-back to the RAM disk)\n", tw, (long)w);
    lseek(fd, 0, SEEK_SET);
    t0 = bench_instret();
    ssize_t n = read(fd, buf, sizeof buf);
    uint64_t t = bench_instret() - t0;
    printf("bench: fs0_read_1m %lu sequential read of a 1 MiB file (%ld bytes)\n", t, (long)n);
    close(fd);
    bench_mmap();
    return 0;
}
