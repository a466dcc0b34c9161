/* fsbad's init: fs0 refused the corrupt disk at mount (the expect file checks its
 * message); / must answer ENODEV while /dev and /tmp still work. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    int bad = 0;
    struct stat st;
    if (!(open("/etc/motd", O_RDONLY) == -1 && errno == ENODEV)) bad |= 1;
    if (!(stat("/", &st) == -1 && errno == ENODEV)) bad |= 2;
    if (!(mkdir("/newdir", 0755) == -1 && errno == ENODEV)) bad |= 4;
    int fd = open("/tmp/x", O_RDWR | O_CREAT, 0644);
    char buf[4] = {0};
    if (fd < 3 || write(fd, "ok", 2) != 2 || lseek(fd, 0, SEEK_SET) != 0 || read(fd, buf, 4) != 2 ||
        strcmp(buf, "ok"))
        bad |= 8;
    int z = open("/dev/zero", O_RDONLY);
    if (z < 3 || read(z, buf, 4) != 4 || buf[0] || buf[3]) bad |= 16;
    printf("badroot: %s (0x%x)\n", bad ? "WRONG" : "/ refused, /dev and /tmp served", bad);
    return bad;
}
