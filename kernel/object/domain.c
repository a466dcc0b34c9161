/* The domain capability. This kernel has one scheduling domain (seL4's default
 * configuration), so the only valid domain is 0 and moving a thread there changes
 * nothing. The checks, and their order, are seL4's decodeDomainInvocation: the
 * domain word first (the whole word: 256 is not domain 0), then the thread cap. */
#include <invocation.h>

#define NUM_DOMAINS 1

word_t domain_invoke(inv_t *iv, inv_error_t *e)
{
    if (iv->label != K_DOMAIN_SET_SET) return err_simple(e, K_ILLEGAL_OPERATION);
    if (iv->length < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
    if (inv_mr(iv, 0) >= NUM_DOMAINS) return err_invalid_arg(e, 0);
    if (iv->n_extra < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
    if (cap_type(iv->extra[0]->cap) != CAP_THREAD) return err_invalid_arg(e, 1);
    return K_NO_ERROR;
}
