/* A program found only on the fs suite's disk (/bin/diskprog, /bin/diskprog2; not in
 * the boot archive), exec'd by exec_tests.c. Built twice: DISKPROG_ID 1 and 2, so a
 * file rewritten with the other's bytes shows which one ran. Its exit status says
 * what it found: 40 + DISKPROG_ID if its arguments, its environment and fs0 are as
 * the test passed them, else the number of the first check that failed. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3) return 1;
    if (strcmp(argv[1], "one") || strcmp(argv[2], "two words")) return 2;
    const char *e = getenv("DISKPROG");
    if (!e || strcmp(e, "yes")) return 3;
    struct stat st;
    if (stat("/etc/motd", &st) || st.st_size == 0) return 4;   /* fs0 serves it */
    static int data = 7;   /* .data from the file, .bss zero */
    static int bss;
    if (data != 7 || bss != 0) return 5;
    return 40 + DISKPROG_ID;
}
