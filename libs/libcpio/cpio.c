/* cpio -H newc reader: see cpio.h for the format and what is checked. */
#include "cpio.h"

#define HDR_LEN 110
#define FIELD(n) (6 + 8 * (n))   /* offset of header field n after the magic */
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJ, F_DEVMIN,
       F_RDEVMAJ, F_RDEVMIN, F_NAMESIZE, F_CHECK };

const char *cpio_strerror(int err)
{
    switch (err) {
    case CPIO_OK: return "ok";
    case CPIO_END: return "end of archive";
    case CPIO_ERR_TRUNCATED: return "member runs past the end of the archive";
    case CPIO_ERR_MAGIC: return "bad magic (not a newc archive)";
    case CPIO_ERR_HEX: return "bad hex digits in a header field";
    case CPIO_ERR_NAME: return "member name empty or not terminated";
    case CPIO_ERR_NOT_FOUND: return "no such member";
    default: return "unknown error";
    }
}

static int hex8(const uint8_t *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        uint8_t c = p[i];
        uint32_t d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return CPIO_ERR_HEX;
        v = v << 4 | d;
    }
    *out = v;
    return CPIO_OK;
}

static size_t align4(size_t x) { return (x + 3) & ~(size_t)3; }

static int str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

int cpio_member_at(const void *archive, size_t len, size_t offset, struct cpio_member *out)
{
    const uint8_t *a = archive;
    if (offset > len || len - offset < HDR_LEN) return CPIO_ERR_TRUNCATED;
    const uint8_t *h = a + offset;
    static const char magic[6] = "070701";
    for (int i = 0; i < 6; i++)
        if (h[i] != (uint8_t)magic[i]) return CPIO_ERR_MAGIC;
    uint32_t mode, filesize, namesize;
    int e;
    if ((e = hex8(h + FIELD(F_MODE), &mode)) || (e = hex8(h + FIELD(F_FILESIZE), &filesize)) ||
        (e = hex8(h + FIELD(F_NAMESIZE), &namesize)))
        return e;
    for (int f = 0; f <= F_CHECK; f++) {   /* every field must be well formed */
        uint32_t dummy;
        if (hex8(h + FIELD(f), &dummy)) return CPIO_ERR_HEX;
    }
    /* Sizes are 32-bit, offsets size_t: no sum below can wrap on a 64-bit machine,
     * but compare against what is left rather than adding to offset anyway. */
    size_t left = len - offset - HDR_LEN;
    if (namesize == 0) return CPIO_ERR_NAME;
    if (namesize > left) return CPIO_ERR_TRUNCATED;
    const char *name = (const char *)h + HDR_LEN;
    if (name[namesize - 1] != '\0') return CPIO_ERR_NAME;
    for (uint32_t i = 0; i + 1 < namesize; i++)
        if (name[i] == '\0') return CPIO_ERR_NAME;   /* terminated early: size lies */
    size_t data_off = align4(HDR_LEN + (size_t)namesize);
    if (data_off > len - offset || filesize > len - offset - data_off) return CPIO_ERR_TRUNCATED;
    out->name = name;
    out->data = h + data_off;
    out->size = filesize;
    out->mode = mode;
    out->next = offset + align4(data_off + filesize);
    if (str_eq(name, "TRAILER!!!")) return CPIO_END;
    return CPIO_OK;
}

int cpio_find(const void *archive, size_t len, const char *name, struct cpio_member *out)
{
    size_t off = 0;
    for (;;) {
        struct cpio_member m;
        int e = cpio_member_at(archive, len, off, &m);
        if (e == CPIO_END) return CPIO_ERR_NOT_FOUND;
        if (e) return e;
        if (str_eq(m.name, name)) {
            *out = m;
            return CPIO_OK;
        }
        if (m.next <= off) return CPIO_ERR_TRUNCATED;   /* cannot happen: progress */
        off = m.next;
    }
}
