/* Offsets of struct node (kernel/include/node.h) that assembly uses; node.c checks
 * them against the C layout. */
#pragma once
#define NODE_CUR   0
#define NODE_LOCK  8
#define NODE_LOCK_OWNER 16
#define CTX_NODE   (65 * 8)     /* user_context_t.node: the hart the thread runs on */
