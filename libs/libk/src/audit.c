/* The audit snapshot loop: call AuditSnapshot with the cursor each call returns until
 * it returns 0; a cursor refused because capabilities changed starts it over. */
#include <k/audit.h>
#include <k/syscall.h>
#include <k/invocation.h>
#include <k/invocations_gen.h>

enum k_error k_audit_print(k_cptr_t audit_cap, k_word_t chunk, unsigned max_restarts,
                           struct k_audit_counts *out)
{
    struct k_audit_counts c = { 0, 0, 0, 0 };
    k_word_t cursor = 0;
    enum k_error err;
    for (;;) {
        k_word_t next = 0;
        err = k_audit_snapshot(audit_cap, cursor, chunk, &next, &c.caps, &c.tcbs, &c.cnodes);
        if (err == K_INVALID_ARGUMENT && cursor != 0 && c.restarts < max_restarts) {
            c.restarts++;
            cursor = 0;
            continue;
        }
        if (err != K_NO_ERROR || next == 0) break;
        cursor = next;
    }
    if (out) *out = c;
    return err;
}
