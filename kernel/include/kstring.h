/* The kernel uses the freestanding memory and string routines of libs/libc. */
#pragma once
#include <types.h>
#include <string.h>
