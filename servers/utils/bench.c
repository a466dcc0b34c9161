/* bench: a few operations measured in retired instructions (rdinstret counts all that
 * runs on the hart: this process, the kernel, mm0, fs0). Meaningful on one hart
 * under -icount shift=0 (tools/bench; docs/benchmarks.md); on a machine with more
 * harts or other work the numbers include that. Median of ROUNDS. */
#include <bench.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 16

int main(void)
{
    uint64_t s[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t t0 = bench_instret();
        getpid();
        s[i] = bench_instret() - t0;
    }
    printf("bench: getpid %llu instructions\n", (unsigned long long)bench_median(s, ROUNDS));
    /* A byte to a child through one pipe and back through another. */
    int to[2], from[2];
    if (pipe(to) || pipe(from)) {
        perror("bench: pipe");
        return 1;
    }
    pid_t c = fork();
    if (c < 0) {
        perror("bench: fork");
        return 1;
    }
    if (c == 0) {
        char b;
        close(to[1]);
        close(from[0]);
        while (read(to[0], &b, 1) == 1)
            if (write(from[1], &b, 1) != 1) _exit(1);
        _exit(0);
    }
    close(to[0]);
    close(from[1]);
    for (int i = 0; i < ROUNDS; i++) {
        char b = 'x';
        uint64_t t0 = bench_instret();
        if (write(to[1], &b, 1) != 1 || read(from[0], &b, 1) != 1) {
            perror("bench: pipe round trip");
            return 1;
        }
        s[i] = bench_instret() - t0;
    }
    printf("bench: pipe round trip (1 byte there and back) %llu instructions\n",
           (unsigned long long)bench_median(s, ROUNDS));
    close(to[1]);
    int st;
    waitpid(c, &st, 0);
    for (int i = 0; i < ROUNDS; i++) {
        char b = 'x';
        uint64_t t0 = bench_instret();
        if (write(1, "", 0) != 0) return 1;
        s[i] = bench_instret() - t0;
        (void)b;
    }
    printf("bench: write of 0 bytes to the console %llu instructions\n", (unsigned long long)bench_median(s, ROUNDS));
    return 0;
}
