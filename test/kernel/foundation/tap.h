/* One result line per check, in the form the runner reads. */
#pragma once
#include <stdio.h>
#define CHECK(cond, name) printf("%s - %s\n", (cond) ? "ok" : "not ok", name)
