/*
 * ext2_test NAME WORKDIR: run one registered test (each ctest entry is one name).
 * ext2_test --list: the registered names. ext2_test --check-list NAMES...: fail unless
 * the names given (CMake's list) are exactly the registered ones.
 */
#include <string.h>

#include "harness.h"

#define MAX_TESTS 128
static struct {
    const char *name;
    void (*fn)(void);
} tests[MAX_TESTS];
static int n_tests;

void test_register(const char *name, void (*fn)(void))
{
    CHECK(n_tests < MAX_TESTS, "too many tests");
    tests[n_tests].name = name;
    tests[n_tests].fn = fn;
    n_tests++;
}

uint64_t meta_blocks(uint64_t n, uint64_t p)
{
    uint64_t m = 0;
    if (n <= 12)
        return 0;
    n -= 12;
    m += 1;                                 /* the indirect block */
    if (n <= p)
        return m;
    n -= p;
    uint64_t d = n < p * p ? n : p * p;
    m += 1 + (d + p - 1) / p;               /* doubly indirect and its children */
    if (n <= p * p)
        return m;
    n -= p * p;
    m += 1 + (n + p * p - 1) / (p * p) + (n + p - 1) / p;
    return m;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--list") == 0) {
        for (int i = 0; i < n_tests; i++)
            printf("%s\n", tests[i].name);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--check-list") == 0) {
        int matched = 0;
        for (int a = 2; a < argc; a++) {
            int found = 0;
            for (int i = 0; i < n_tests; i++)
                found |= strcmp(tests[i].name, argv[a]) == 0;
            CHECK(found, "CMake lists %s, which is not a registered test", argv[a]);
            matched++;
        }
        CHECK(matched == n_tests, "CMake lists %d tests, %d are registered (see --list)",
              matched, n_tests);
        printf("%d tests registered and listed\n", n_tests);
        return 0;
    }
    CHECK(argc == 3, "usage: ext2_test NAME WORKDIR | --list | --check-list NAMES...");
    g_workdir = argv[2];
    for (int i = 0; i < n_tests; i++) {
        if (strcmp(tests[i].name, argv[1]) == 0) {
            tests[i].fn();
            printf("ext2 %s: ok\n", argv[1]);
            return 0;
        }
    }
    CHECK(0, "no test named %s", argv[1]);
}
