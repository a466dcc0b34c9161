/* Supervisor CSRs and their bits (RISC-V privileged spec v1.12, chapter 4). */
#pragma once

#define SSTATUS_SIE   (1ul << 1)
#define SSTATUS_SPIE  (1ul << 5)
#define SSTATUS_SPP   (1ul << 8)
#define SSTATUS_FS    (3ul << 13)   /* FP unit state: 0 off, 1 initial, 2 clean, 3 dirty */
#define SSTATUS_FS_INITIAL (1ul << 13)
#define SSTATUS_FS_CLEAN   (2ul << 13)
#define SSTATUS_FS_DIRTY   (3ul << 13)
#define SSTATUS_SUM   (1ul << 18)   /* S-mode may touch U pages: kept off except for deliberate copies */
#define SSTATUS_MXR   (1ul << 19)

#define SIE_SSIE      (1ul << 1)
#define SIE_STIE      (1ul << 5)
#define SIE_SEIE      (1ul << 9)

#define SCAUSE_INTERRUPT (1ul << 63)
#define IRQ_S_SOFT    1
#define IRQ_S_TIMER   5
#define IRQ_S_EXT     9

/* Exception codes (scause with the interrupt bit clear). */
#define EXC_INST_MISALIGNED   0
#define EXC_INST_ACCESS       1
#define EXC_ILLEGAL_INST      2
#define EXC_BREAKPOINT        3
#define EXC_LOAD_MISALIGNED   4
#define EXC_LOAD_ACCESS       5
#define EXC_STORE_MISALIGNED  6
#define EXC_STORE_ACCESS      7
#define EXC_ECALL_U           8
#define EXC_ECALL_S           9
#define EXC_INST_PAGE_FAULT   12
#define EXC_LOAD_PAGE_FAULT   13
#define EXC_STORE_PAGE_FAULT  15

#define SATP_MODE_SV39 (8ul << 60)
#define SATP_ASID_SHIFT 44

/* scounteren: let user mode read cycle, time and instret (benchmarks use instret). */
#define SCOUNTEREN_CY (1ul << 0)
#define SCOUNTEREN_TM (1ul << 1)
#define SCOUNTEREN_IR (1ul << 2)

#ifndef __ASSEMBLER__
#define csr_read(csr) ({ unsigned long v_; asm volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, v) asm volatile("csrw " #csr ", %0" :: "rK"((unsigned long)(v)) : "memory")
#define csr_set(csr, v)   asm volatile("csrs " #csr ", %0" :: "rK"((unsigned long)(v)) : "memory")
#define csr_clear(csr, v) asm volatile("csrc " #csr ", %0" :: "rK"((unsigned long)(v)) : "memory")
#endif
