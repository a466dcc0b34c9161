/* SBI calls: a7 = extension ID, a6 = function ID, a0..a5 arguments;
 * the reply is (error, value) in (a0, a1). (SBI spec, "Binary Encoding") */
#include "sbi.h"

struct sbiret sbi_call5(long ext, long fid, long arg0, long arg1, long arg2, long arg3, long arg4)
{
    register long a0 asm("a0") = arg0;
    register long a1 asm("a1") = arg1;
    register long a2 asm("a2") = arg2;
    register long a3 asm("a3") = arg3;
    register long a4 asm("a4") = arg4;
    register long a6 asm("a6") = fid;
    register long a7 asm("a7") = ext;
    asm volatile("ecall"
                 : "+r"(a0), "+r"(a1)
                 : "r"(a2), "r"(a3), "r"(a4), "r"(a6), "r"(a7)
                 : "memory");
    return (struct sbiret){ a0, a1 };
}

/* Most calls take at most three arguments; a3 and a4 are then zero. */
struct sbiret sbi_call(long ext, long fid, long arg0, long arg1, long arg2)
{
    return sbi_call5(ext, fid, arg0, arg1, arg2, 0, 0);
}

long sbi_spec_version(void) { return sbi_call(SBI_EXT_BASE, 0, 0, 0, 0).value; }
long sbi_impl_id(void)      { return sbi_call(SBI_EXT_BASE, 1, 0, 0, 0).value; }
long sbi_impl_version(void) { return sbi_call(SBI_EXT_BASE, 2, 0, 0, 0).value; }

bool sbi_probe(long ext)
{
    struct sbiret r = sbi_call(SBI_EXT_BASE, 3, ext, 0, 0);
    return r.error == SBI_SUCCESS && r.value != 0;
}

void sbi_legacy_putchar(char c)
{
    /* Legacy extensions take no function ID and return only an error code. */
    sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)c, 0, 0);
}

long sbi_set_timer(uint64_t when)
{
    return sbi_call(SBI_EXT_TIME, 0, (long)when, 0, 0).error;
}

long sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base)
{
    return sbi_call(SBI_EXT_IPI, 0, (long)hart_mask, (long)hart_mask_base, 0).error;
}

long sbi_hart_start(unsigned long hartid, unsigned long start_addr, unsigned long opaque)
{
    return sbi_call(SBI_EXT_HSM, 0, (long)hartid, (long)start_addr, (long)opaque).error;
}

long sbi_hart_get_status(unsigned long hartid, long *status)
{
    struct sbiret r = sbi_call(SBI_EXT_HSM, 2, (long)hartid, 0, 0);
    if (r.error == SBI_SUCCESS) *status = r.value;
    return r.error;
}

long sbi_system_reset(uint32_t type, uint32_t reason)
{
    return sbi_call(SBI_EXT_SRST, 0, type, reason, 0).error;
}
