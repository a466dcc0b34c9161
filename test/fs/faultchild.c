/* fault-child PATH LEN OFFSET r|w p|s: map LEN bytes of PATH (MAP_PRIVATE or
 * MAP_SHARED) and read or write byte OFFSET; exits 0 if no signal came, 10-12 if it
 * could not map. mmap_tests.c runs it for the pages past the end of a file, which
 * must kill it with SIGBUS: fs.expect allows that kill for this name alone. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
    if (argc != 6) return 10;
    int wr = argv[4][0] == 'w', shared = argv[5][0] == 's';
    int fd = open(argv[1], wr && shared ? O_RDWR : O_RDONLY);
    if (fd < 0) return 11;
    size_t len = strtoul(argv[2], NULL, 0), off = strtoul(argv[3], NULL, 0);
    volatile unsigned char *m = mmap(NULL, len, PROT_READ | (wr ? PROT_WRITE : 0),
                                     shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) return 12;
    if (wr) m[off] = 1;
    else (void)m[off];
    return 0;   /* the page was there */
}
