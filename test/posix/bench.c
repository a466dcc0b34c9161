/* Benchmarks of processes on mm0, in retired instructions (rdinstret counts every
 * instruction on the hart: ours, the kernel's and mm0's). Run on one hart under
 * -icount shift=0 (image `posixbench`, see docs/mm0.md); prints `bench: <key> <n>`. */
#include <bench.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 64

static uint64_t samples[ROUNDS];

int main(void)
{
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t t0 = bench_instret();
        getpid();
        samples[i] = bench_instret() - t0;
    }
    printf("bench: posix_getpid %lu getpid() through libposix and mm0\n", bench_median(samples, ROUNDS));

    size_t n = ROUNDS * 4096;
    volatile char *m = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = 1;   /* the page table, once */
    for (int i = 1; i < ROUNDS; i++) {
        uint64_t t0 = bench_instret();
        m[i * 4096] = 1;
        samples[i - 1] = bench_instret() - t0;
    }
    printf("bench: posix_fault_zero_write %lu first write to an anonymous page\n",
           bench_median(samples, ROUNDS - 1));
    volatile char *r = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    (void)r[0];
    for (int i = 1; i < ROUNDS; i++) {
        uint64_t t0 = bench_instret();
        (void)r[i * 4096];
        samples[i - 1] = bench_instret() - t0;
    }
    printf("bench: posix_fault_zero_read %lu first read of an anonymous page (the zero page)\n",
           bench_median(samples, ROUNDS - 1));

    /* Copy-on-write: after a fork, the child's first write to each page copies it
     * (measured in the child, while the parent is blocked in waitpid). */
    for (int i = 0; i < ROUNDS; i++) m[i * 4096] = 2;
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < ROUNDS; i++) {
            uint64_t t0 = bench_instret();
            m[i * 4096] = 3;
            samples[i] = bench_instret() - t0;
        }
        printf("bench: posix_fault_cow %lu first write to a page shared with the parent\n",
               bench_median(samples, ROUNDS));
        _exit(0);
    }
    waitpid(pid, 0, 0);
    munmap((void *)m, n);
    munmap((void *)r, n);

    for (int i = 0; i < ROUNDS; i++) {
        uint64_t t0 = bench_instret();
        pid_t c = fork();
        if (c == 0) _exit(0);
        waitpid(c, 0, 0);
        samples[i] = bench_instret() - t0;
    }
    printf("bench: posix_fork_exit_wait %lu fork+exit+wait of this program\n", bench_median(samples, ROUNDS));

    for (int i = 0; i < 16; i++) {
        uint64_t t0 = bench_instret();
        pid_t c = fork();
        if (c == 0) {
            char *argv[] = {"child", "alpha", "two words", NULL};
            char *envp[] = {"KEY=value", "EMPTY=", NULL};
            execve("child", argv, envp);
            _exit(99);
        }
        int st;
        waitpid(c, &st, 0);
        samples[i] = bench_instret() - t0;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 42) printf("bench: exec failed 0x%x\n", st);
    }
    printf("bench: posix_fork_exec_wait %lu fork+exec+exit+wait of a small program\n",
           bench_median(samples, 16));

    /* Last, so that the rows above keep their conditions: a zero-fill fault on frames
     * used before (munmap freed them; the kernel clears a page's memory again when mm0
     * retypes it, where a page never used is clear already). */
    volatile char *u = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < ROUNDS; i++) u[i * 4096] = 1;
    munmap((void *)u, n);
    u = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    u[0] = 1;
    for (int i = 1; i < ROUNDS; i++) {
        uint64_t t0 = bench_instret();
        u[i * 4096] = 1;
        samples[i - 1] = bench_instret() - t0;
    }
    printf("bench: posix_fault_zero_write_reused %lu first write to an anonymous page whose frame was used before\n",
           bench_median(samples, ROUNDS - 1));
    return 0;
}
