/* The one header a user program includes for the kernel interface: the ABI constants
 * and layouts, the system call stubs, seL4's debug calls, and a typed wrapper for every
 * invocation (generated from libs/libk/abi/invocations.txt). docs/abi.md describes it. */
#pragma once
#include <k/abi.h>
#include <k/syscalls.h>
#include <k/syscall.h>
#include <k/debug.h>
#include <k/invocation.h>
#include <k/invocations_gen.h>
#include <k/audit.h>
