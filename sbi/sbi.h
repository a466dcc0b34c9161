/* The kernel's client of the RISC-V Supervisor Binary Interface (SBI spec v1.0/2.0).
 * OpenSBI runs in M-mode below us; these calls are how S-mode asks it for the timer,
 * inter-processor interrupts, hart start/stop and power-off. */
#pragma once
#include <stdint.h>
#include <stdbool.h>

/* Extension IDs: ASCII of the extension's name, as the SBI spec assigns them. */
#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_GETCHAR 0x02
#define SBI_EXT_BASE           0x10
#define SBI_EXT_TIME           0x54494D45  /* "TIME" */
#define SBI_EXT_IPI            0x735049    /* "sPI"  */
#define SBI_EXT_RFENCE         0x52464E43  /* "RFNC" */
#define SBI_EXT_HSM            0x48534D    /* "HSM"  */
#define SBI_EXT_SRST           0x53525354  /* "SRST" */

/* Standard SBI error codes (returned in a0). */
#define SBI_SUCCESS             0
#define SBI_ERR_FAILED         -1
#define SBI_ERR_NOT_SUPPORTED  -2
#define SBI_ERR_INVALID_PARAM  -3
#define SBI_ERR_DENIED         -4
#define SBI_ERR_INVALID_ADDRESS -5
#define SBI_ERR_ALREADY_AVAILABLE -6

struct sbiret { long error; long value; };

struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2);
struct sbiret sbi_call5(long ext, long fid, long a0, long a1, long a2, long a3, long a4);

/* Base extension */
long sbi_spec_version(void);
long sbi_impl_id(void);
long sbi_impl_version(void);
bool sbi_probe(long ext);        /* is the extension implemented? */

/* Legacy console: only for output before the UART is known from the device tree. */
void sbi_legacy_putchar(char c);

/* TIME: program the next timer interrupt at an absolute `time` value. */
long sbi_set_timer(uint64_t when);

/* IPI: send a supervisor software interrupt to the harts in the mask. */
long sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);

/* HSM: hart state management. */
long sbi_hart_start(unsigned long hartid, unsigned long start_addr, unsigned long opaque);
long sbi_hart_get_status(unsigned long hartid, long *status);
#define SBI_HSM_STARTED 0
#define SBI_HSM_STOPPED 1
#define SBI_HSM_START_PENDING 2

/* SRST: returns only if the reset could not be done (e.g. no power-off device). */
#define SBI_SRST_SHUTDOWN 0
#define SBI_SRST_COLD_REBOOT 1
long sbi_system_reset(uint32_t type, uint32_t reason);
