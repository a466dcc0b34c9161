/* The audit snapshot (our extension, docs/audit.md): print every capability in the
 * system on the console, in chunks, through an audit capability. */
#pragma once
#include <k/abi.h>

struct k_audit_counts { k_word_t caps, tcbs, cnodes, restarts; };

/* Take one whole snapshot, chunk caps per call (1..64), starting again (at most
 * max_restarts times) when capabilities change between calls. Returns the error of
 * the last call (K_NO_ERROR when a complete snapshot was printed); *out gets its
 * counts. */
enum k_error k_audit_print(k_cptr_t audit_cap, k_word_t chunk, unsigned max_restarts,
                           struct k_audit_counts *out);
