/* Validating reader for `cpio -H newc` archives (the boot archive of programs).
 *
 * newc format (the "SVR4 portable" format, as written by GNU cpio -H newc): each
 * member is a 110-byte ASCII header (magic "070701", then 13 fields of 8 hex digits),
 * the NUL-terminated name (namesize bytes, NUL counted), padding to a multiple of 4
 * from the start of the header, the file data (filesize bytes) and padding to 4 again.
 * The member named "TRAILER!!!" ends the archive.
 *
 * Every header is checked before it is used: magic, hex digits, a name that is
 * terminated exactly at namesize, and name and data that end inside the archive.
 * Freestanding: no allocation, no libc; used by root and mm0. */
#pragma once
#include <stddef.h>
#include <stdint.h>

enum cpio_err {
    CPIO_OK = 0,
    CPIO_END,             /* the trailer was reached: no more members */
    CPIO_ERR_TRUNCATED,   /* a header, name or data runs past the end of the archive */
    CPIO_ERR_MAGIC,       /* not "070701" */
    CPIO_ERR_HEX,         /* a header field is not 8 hex digits */
    CPIO_ERR_NAME,        /* namesize 0, or the name is not NUL-terminated at namesize */
    CPIO_ERR_NOT_FOUND,   /* cpio_find: no member of that name */
};

struct cpio_member {
    const char *name;        /* NUL-terminated, inside the archive */
    const uint8_t *data;
    size_t size;
    uint32_t mode;
    size_t next;             /* offset of the next header */
};

const char *cpio_strerror(int err);

/* The member whose header starts at offset (0 for the first). */
int cpio_member_at(const void *archive, size_t len, size_t offset, struct cpio_member *out);

/* The member called name; every member before it is validated on the way. */
int cpio_find(const void *archive, size_t len, const char *name, struct cpio_member *out);
