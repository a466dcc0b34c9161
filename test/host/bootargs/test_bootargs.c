/* bootargs_uint: what it accepts, and every way a value can be bad. */
#include "bootargs.h"
#include <stdio.h>
#include <string.h>

static int failures;
#define EXPECT(cond, what) do { if (!(cond)) { failures++; printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, what); } } while (0)

/* Result and value for one string; out starts at 4242 to see whether it was written. */
static enum bootargs_result get(const char *args, uint64_t max, uint64_t *out)
{
    *out = 4242;
    return bootargs_uint(args, "idle_poll_us", max, out);
}

int main(void)
{
    uint64_t v;
    EXPECT(get("idle_poll_us=0", 1000, &v) == BOOTARGS_OK && v == 0, "zero");
    EXPECT(get("idle_poll_us=200", 1000, &v) == BOOTARGS_OK && v == 200, "a value");
    EXPECT(get("console=hvc0  idle_poll_us=17\tquiet", 1000, &v) == BOOTARGS_OK && v == 17,
           "among other words, spaces and tabs");
    EXPECT(get("idle_poll_us=1000", 1000, &v) == BOOTARGS_OK && v == 1000, "exactly the bound");
    EXPECT(get("idle_poll_us=1 idle_poll_us=9", 1000, &v) == BOOTARGS_OK && v == 9, "the last word wins");

    /* Absent: the key must be the whole word before '='. */
    EXPECT(get("", 1000, &v) == BOOTARGS_ABSENT && v == 4242, "empty");
    EXPECT(get("   ", 1000, &v) == BOOTARGS_ABSENT && v == 4242, "only spaces");
    EXPECT(get("idle_poll_us", 1000, &v) == BOOTARGS_ABSENT && v == 4242, "no '='");
    EXPECT(get("xidle_poll_us=5", 1000, &v) == BOOTARGS_ABSENT && v == 4242, "a longer key");
    EXPECT(get("idle_poll=5", 1000, &v) == BOOTARGS_ABSENT && v == 4242, "a shorter key");
    EXPECT(get("idle_poll_usx=5", 1000, &v) == BOOTARGS_ABSENT && v == 4242, "key with a suffix");
    EXPECT(bootargs_uint(NULL, "idle_poll_us", 10, &v) == BOOTARGS_ABSENT, "no string");
    EXPECT(bootargs_uint("=5", "", 10, &v) == BOOTARGS_ABSENT, "an empty key matches nothing");

    /* Bad: out stays as it was. */
    EXPECT(get("idle_poll_us=", 1000, &v) == BOOTARGS_BAD && v == 4242, "no digits");
    EXPECT(get("idle_poll_us=12a", 1000, &v) == BOOTARGS_BAD && v == 4242, "a letter");
    EXPECT(get("idle_poll_us=-1", 1000, &v) == BOOTARGS_BAD && v == 4242, "a sign");
    EXPECT(get("idle_poll_us=0x10", 1000, &v) == BOOTARGS_BAD && v == 4242, "hex");
    EXPECT(get("idle_poll_us=1001", 1000, &v) == BOOTARGS_BAD && v == 4242, "one past the bound");
    EXPECT(get("idle_poll_us=7", 5, &v) == BOOTARGS_BAD && v == 4242, "one digit past a small bound");
    EXPECT(get("idle_poll_us=99999999999999999999", UINT64_MAX, &v) == BOOTARGS_BAD && v == 4242,
           "past 2^64");
    EXPECT(get("idle_poll_us=18446744073709551615", UINT64_MAX, &v) == BOOTARGS_OK && v == UINT64_MAX,
           "exactly 2^64-1");
    EXPECT(get("idle_poll_us=5 idle_poll_us=x", 1000, &v) == BOOTARGS_BAD && v == 4242,
           "a bad last word overrides a good one");
    EXPECT(get("idle_poll_us=x idle_poll_us=5", 1000, &v) == BOOTARGS_OK && v == 5,
           "a good last word overrides a bad one");

    printf("%s: bootargs\n", failures ? "FAILED" : "passed");
    return failures != 0;
}
