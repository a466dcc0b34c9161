/* libcpio against archives made by Debian's cpio (-H newc), then the same archives
 * broken in each way the reader must refuse: bad magic, bad hex, sizes past the end,
 * names not terminated or terminated early. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpio.h"

static int failures;

#define EXPECT(cond)                                                                  \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);                \
            failures++;                                                               \
        }                                                                             \
    } while (0)

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*len + 1);
    assert(b && fread(b, 1, *len, f) == *len);
    fclose(f);
    return b;
}

/* Put 8 hex digits of v at field n of the header at h. */
static void set_field(unsigned char *h, int n, unsigned v)
{
    char tmp[9];
    snprintf(tmp, sizeof tmp, "%08x", v);
    memcpy(h + 6 + 8 * n, tmp, 8);
}

int main(int argc, char **argv)
{
    if (argc != 3) return 2;
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && rm -rf stage && mkdir stage && cd stage && printf 'hello world' > alpha && "
             ": > empty && head -c 5000 /dev/zero | tr '\\0' 'z' > big && "
             "printf 'alpha\\nempty\\nbig\\n' | '%s' --quiet -o -H newc > ../t.cpio",
             argv[2], argv[1]);
    assert(system(cmd) == 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/t.cpio", argv[2]);
    size_t len;
    unsigned char *a = slurp(path, &len);

    /* Good archive: every member found with its contents. */
    struct cpio_member m;
    EXPECT(cpio_find(a, len, "alpha", &m) == CPIO_OK && m.size == 11 && !memcmp(m.data, "hello world", 11));
    EXPECT(cpio_find(a, len, "empty", &m) == CPIO_OK && m.size == 0);
    EXPECT(cpio_find(a, len, "big", &m) == CPIO_OK && m.size == 5000 && m.data[4999] == 'z');
    EXPECT(cpio_find(a, len, "missing", &m) == CPIO_ERR_NOT_FOUND);
    EXPECT(cpio_find(a, len, "alph", &m) == CPIO_ERR_NOT_FOUND);   /* no prefix matches */
    EXPECT(cpio_member_at(a, len, 0, &m) == CPIO_OK && !strcmp(m.name, "alpha"));

    unsigned char *b = malloc(len);
    /* Bad magic. */
    memcpy(b, a, len);
    b[5] = '2';   /* 070702 is the CRC format, not ours */
    EXPECT(cpio_find(b, len, "alpha", &m) == CPIO_ERR_MAGIC);
    /* Bad hex digit in a field. */
    memcpy(b, a, len);
    b[6 + 8 * 6 + 3] = 'g';
    EXPECT(cpio_find(b, len, "alpha", &m) == CPIO_ERR_HEX);
    memcpy(b, a, len);
    b[6 + 8 * 12] = ' ';   /* even the check field must be hex */
    EXPECT(cpio_find(b, len, "alpha", &m) == CPIO_ERR_HEX);
    /* File size past the end (and one that would wrap a 32-bit sum). */
    memcpy(b, a, len);
    set_field(b, 6, (unsigned)len);
    EXPECT(cpio_find(b, len, "alpha", &m) == CPIO_ERR_TRUNCATED);
    set_field(b, 6, 0xffffffffu);
    EXPECT(cpio_find(b, len, "alpha", &m) == CPIO_ERR_TRUNCATED);
    /* Name size past the end, zero, or not ending in NUL, or NUL inside. */
    memcpy(b, a, len);
    set_field(b, 11, 0xfffffff0u);
    EXPECT(cpio_find(b, len, "alpha", &m) == CPIO_ERR_TRUNCATED);
    set_field(b, 11, 0);
    EXPECT(cpio_find(b, len, "alpha", &m) == CPIO_ERR_NAME);
    set_field(b, 11, 5);   /* "alpha" without its NUL */
    EXPECT(cpio_find(b, len, "alpha", &m) == CPIO_ERR_NAME);
    memcpy(b, a, len);
    b[110 + 2] = '\0';     /* "al\0ha": terminated before namesize */
    EXPECT(cpio_find(b, len, "al", &m) == CPIO_ERR_NAME);
    /* Cut archives: every length short of the whole fails cleanly, never reads past. */
    for (size_t cut = 0; cut < len; cut++) {
        unsigned char *c = malloc(cut ? cut : 1);
        memcpy(c, a, cut);
        int e = cpio_find(c, cut, "big", &m);
        /* "big" is whole only if its data fits; then finding it is right. */
        if (e == CPIO_OK) EXPECT(m.data + m.size <= c + cut);
        else EXPECT(e == CPIO_ERR_TRUNCATED || e == CPIO_ERR_MAGIC);
        free(c);
    }
    /* Offsets past the end. */
    EXPECT(cpio_member_at(a, len, len + 1, &m) == CPIO_ERR_TRUNCATED);
    EXPECT(cpio_member_at(a, len, (size_t)-1, &m) == CPIO_ERR_TRUNCATED);
    free(b);
    free(a);
    if (failures) fprintf(stderr, "%d failures\n", failures);
    else printf("cpio_test: all checks passed\n");
    return failures != 0;
}
