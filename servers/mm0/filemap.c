/* fs0's files as VM objects (docs/mm0.md, "Files from fs0").
 *
 * One VM file object per fs0 file id, so every process mapping a file (and every
 * exec of a program on the disk) shares one object and so the same cache frames.
 * An object's pages are fs0's cache frames (fs0cache.c): supplied by the pager
 * (pager.c) as fs0 names them, never freed here but released to fs0 when the object
 * lets them go. Each FS0_MM_FILE / FS0_MM_OPEN answer gave mm0 a reference to the
 * file (fs0 keeps it open for us); the entry counts them and gives them back with
 * FS0_EV_FILE_PUT when the object goes.
 *
 * The table keeps objects nothing maps (a program's pages stay for its next exec)
 * until it is full or fs0 runs out of frames: then every unused one goes (trim). */
#include <errno.h>
#include "mm0.h"
#include "task.h"
#include "fs0link.h"

#define FILES 64
/* A file object's size in pages: larger than any mapping can be, so the library never
 * refuses a page; fs0 says which pages are past the end (-ENXIO: SIGBUS). */
#define FILE_PAGES (1ull << 28)

struct mfile {
    vm_object_t *obj;   /* NULL: a free entry */
    k_word_t id;        /* fs0's file id */
    k_word_t refs;      /* references fs0 gave us */
    bool shared_write;  /* mapped shared by a process that may write the file */
};
static struct mfile files[FILES];

static struct mfile *find(k_word_t id)
{
    for (unsigned i = 0; i < FILES; i++)
        if (files[i].obj && files[i].id == id) return &files[i];
    return NULL;
}

void filemap_trim(void)
{
    for (unsigned i = 0; i < FILES; i++) {
        struct mfile *f = &files[i];
        if (!f->obj || !vm_object_unused(f->obj) || !fs0_can_put()) continue;
        vm_object_put(f->obj);         /* its frames are released (fs0cache.c) */
        fs0_file_put(f->id, f->refs);  /* after them, as fs0/protocol.h promises */
        f->obj = NULL;
    }
}

vm_object_t *filemap_get(k_word_t id, int *err)
{
    struct mfile *f = find(id);
    if (f) {
        f->refs++;
        return f->obj;
    }
    for (int pass = 0; pass < 2 && !f; pass++) {
        if (pass) filemap_trim();
        for (unsigned i = 0; i < FILES && !f; i++)
            if (!files[i].obj) f = &files[i];
    }
    int e;
    if (!f || (e = vm_object_create_file(mem_vm(), FILE_PAGES, &f->obj))) {
        if (f) f->obj = NULL;
        *err = -ENFILE;   /* 64 files mapped at once, system-wide */
        return NULL;
    }
    f->id = id;
    f->refs = 1;
    f->shared_write = false;
    return f->obj;
}

bool filemap_id(const vm_object_t *obj, k_word_t *id)
{
    for (unsigned i = 0; i < FILES; i++)
        if (files[i].obj && files[i].obj == obj) {
            *id = files[i].id;
            return true;
        }
    return false;
}

vm_object_t *filemap_object(k_word_t id)
{
    struct mfile *f = find(id);
    return f ? f->obj : NULL;
}

void filemap_shared_write(k_word_t id)
{
    struct mfile *f = find(id);
    if (f) f->shared_write = true;
}

bool filemap_is_shared_write(k_word_t id)
{
    struct mfile *f = find(id);
    return f && f->shared_write;
}
