/* kill [-SIGNAL] PID...: send a signal (default SIGTERM) through mm0 (only to the
 * caller or its descendants, mm0 checks: docs/mm0.md). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int sig = SIGTERM, i = 1, bad = 0;
    if (argc > 1 && argv[1][0] == '-') {
        char *end;
        sig = (int)strtol(argv[1] + 1, &end, 10);
        if (*end || !argv[1][1]) {
            fprintf(stderr, "kill: %s: signal numbers only\n", argv[1]);
            return 2;
        }
        i = 2;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: kill [-SIGNAL] PID...\n");
        return 2;
    }
    for (; i < argc; i++) {
        char *end;
        long pid = strtol(argv[i], &end, 10);
        if (*end || end == argv[i]) {
            fprintf(stderr, "kill: %s: not a pid\n", argv[i]);
            bad = 1;
        } else if (kill((pid_t)pid, sig)) {
            fprintf(stderr, "kill: %ld: %s\n", pid, strerror(errno));
            bad = 1;
        }
    }
    return bad;
}
