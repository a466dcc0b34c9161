/* Each thread's console endpoint (docs/console.md): a copy of the console server's
 * endpoint, if root gave us one (MM0_CAP_CONSOLE_EP), badged with the thread's
 * badge; else of our own service endpoint, which answers the same WRITE and READ. */
#include <mm0/console.h>
#include "mm0.h"
#include "mm0_boot.h"

int console_mint(k_cptr_t proc_cnode, k_word_t badge)
{
    k_word_t rights = K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT_REPLY;
    if (!k_cnode_mint(proc_cnode, MM0_SLOT_CONSOLE, MM0_PROC_CNODE_BITS, MM0_CAP_CNODE,
                      MM0_CAP_CONSOLE_EP, MM0_DEPTH, rights, badge))
        return 0;
    return k_cnode_mint(proc_cnode, MM0_SLOT_CONSOLE, MM0_PROC_CNODE_BITS, MM0_CAP_CNODE,
                        MM0_CAP_SERVICE_EP, MM0_DEPTH, rights, badge);
}
