/* Host stand-in for libk's k/k.h: fs0's headers need only the word type. */
#pragma once
#include <stdint.h>
typedef uint64_t k_word_t;
