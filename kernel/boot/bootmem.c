/* Free-region list: kept sorted by address and non-overlapping, so reserving is a
 * matter of trimming or splitting the regions it overlaps. */
#include <bootmem.h>

void bootmem_init(struct bootmem *m) { m->n = 0; }

static int insert_at(struct bootmem *m, unsigned i, paddr_t base, paddr_t end)
{
    if (m->n == BOOTMEM_MAX_REGIONS) return -1;
    for (unsigned j = m->n; j > i; j--) m->r[j] = m->r[j - 1];
    m->r[i].base = base;
    m->r[i].end = end;
    m->n++;
    return 0;
}

static void remove_at(struct bootmem *m, unsigned i)
{
    for (unsigned j = i; j + 1 < m->n; j++) m->r[j] = m->r[j + 1];
    m->n--;
}

int bootmem_add(struct bootmem *m, paddr_t base, uint64_t size)
{
    paddr_t end = base + size;
    if (size == 0 || end < base) return 0;
    /* Adding memory that overlaps a free region would count it twice: remove first. */
    if (bootmem_reserve(m, base, size) < 0) return -1;
    unsigned i = 0;
    while (i < m->n && m->r[i].base < base) i++;
    if (insert_at(m, i, base, end) < 0) return -1;
    /* Merge with touching neighbours. */
    if (i + 1 < m->n && m->r[i].end == m->r[i + 1].base) {
        m->r[i].end = m->r[i + 1].end;
        remove_at(m, i + 1);
    }
    if (i > 0 && m->r[i - 1].end == m->r[i].base) {
        m->r[i - 1].end = m->r[i].end;
        remove_at(m, i);
    }
    return 0;
}

int bootmem_reserve(struct bootmem *m, paddr_t base, uint64_t size)
{
    paddr_t end = base + size;
    if (end < base) end = ~(paddr_t)0;   /* clamp a range that wraps */
    for (unsigned i = 0; i < m->n;) {
        struct bootmem_region *r = &m->r[i];
        if (r->end <= base || r->base >= end) { i++; continue; }
        if (r->base < base && r->end > end) {         /* split in two */
            paddr_t tail = r->end;
            r->end = base;
            return insert_at(m, i + 1, end, tail);
        }
        if (r->base >= base && r->end <= end) {       /* swallowed whole */
            remove_at(m, i);
            continue;
        }
        if (r->base < base) r->end = base;             /* trim the top */
        else r->base = end;                            /* trim the bottom */
        i++;
    }
    return 0;
}

paddr_t bootmem_alloc(struct bootmem *m, uint64_t size, uint64_t align)
{
    for (unsigned i = 0; i < m->n; i++) {
        paddr_t base = ALIGN_UP(m->r[i].base, align);
        if (base >= m->r[i].base && base + size > base && base + size <= m->r[i].end) {
            if (bootmem_reserve(m, base, size) < 0) return 0;
            return base;
        }
    }
    return 0;
}

uint64_t bootmem_free_bytes(const struct bootmem *m)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < m->n; i++) total += m->r[i].end - m->r[i].base;
    return total;
}
