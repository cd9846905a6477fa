/*
 * The RISC-V privileged architecture (version 1.12) inside the frontend:
 * what priv.c (traps, interrupts, xRET, wfi, hart setup), csr.c (the CSRs),
 * mmu.c (page-table walks, PMP, tlb_fill) and trans-priv.c share. Private to
 * frontends/riscv; machines use rv-hart.h.
 */
#ifndef MORPH_RV_SYS_H
#define MORPH_RV_SYS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "morph/softmmu.h"
#include "frontends/riscv/rv-cpu.h"

/* mstatus / sstatus fields (privileged spec 3.1.6) */
#define MSTATUS_SIE (1ull << 1)
#define MSTATUS_MIE (1ull << 3)
#define MSTATUS_SPIE (1ull << 5)
#define MSTATUS_UBE (1ull << 6)
#define MSTATUS_MPIE (1ull << 7)
#define MSTATUS_SPP (1ull << 8)
#define MSTATUS_VS (3ull << 9)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP (3ull << MSTATUS_MPP_SHIFT)
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_FS (3ull << MSTATUS_FS_SHIFT)
#define MSTATUS_XS (3ull << 15)
#define MSTATUS_MPRV (1ull << 17)
#define MSTATUS_SUM (1ull << 18)
#define MSTATUS_MXR (1ull << 19)
#define MSTATUS_TVM (1ull << 20)
#define MSTATUS_TW (1ull << 21)
#define MSTATUS_TSR (1ull << 22)
#define MSTATUS_UXL (3ull << 32)
#define MSTATUS_SXL (3ull << 34)
#define MSTATUS64_SD (1ull << 63)
#define MSTATUS32_SD (1ull << 31)

#define FS_OFF 0u
#define FS_INITIAL 1u
#define FS_CLEAN 2u
#define FS_DIRTY 3u

/* Interrupt bits of mip / mie */
#define MIP_SSIP (1ull << 1)
#define MIP_MSIP (1ull << 3)
#define MIP_STIP (1ull << 5)
#define MIP_MTIP (1ull << 7)
#define MIP_SEIP (1ull << 9)
#define MIP_MEIP (1ull << 11)
#define MIP_S_MASK (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MIP_ALL (MIP_S_MASK | MIP_MSIP | MIP_MTIP | MIP_MEIP)

/* Exception causes (mcause with the interrupt bit clear, table 3.6) */
enum {
	RV_CAUSE_INSN_MISALIGNED = 0,
	RV_CAUSE_INSN_ACCESS = 1,
	RV_CAUSE_ILLEGAL = 2,
	RV_CAUSE_BREAKPOINT = 3,
	RV_CAUSE_LOAD_MISALIGNED = 4,
	RV_CAUSE_LOAD_ACCESS = 5,
	RV_CAUSE_STORE_MISALIGNED = 6,
	RV_CAUSE_STORE_ACCESS = 7,
	RV_CAUSE_ECALL_U = 8,
	RV_CAUSE_ECALL_S = 9,
	RV_CAUSE_ECALL_M = 11,
	RV_CAUSE_INSN_PAGE = 12,
	RV_CAUSE_LOAD_PAGE = 13,
	RV_CAUSE_STORE_PAGE = 15,
};

/* menvcfg */
#define MENVCFG_FIOM (1ull << 0)
#define MENVCFG_ADUE (1ull << 61)
#define MENVCFG_PBMTE (1ull << 62)
#define MENVCFG_STCE (1ull << 63)

/* satp modes (RV64 field 63:60; RV32 bit 31) */
#define SATP_MODE_BARE 0
#define SATP_MODE_SV32 1
#define SATP_MODE_SV39 8
#define SATP_MODE_SV48 9
#define SATP_MODE_SV57 10

/* CSR numbers beyond the user-mode ones of rv-gen.h */
#define CSR_SSTATUS 0x100
#define CSR_SIE 0x104
#define CSR_STVEC 0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG 0x10a
#define CSR_SSCRATCH 0x140
#define CSR_SEPC 0x141
#define CSR_SCAUSE 0x142
#define CSR_STVAL 0x143
#define CSR_SIP 0x144
#define CSR_STIMECMP 0x14d
#define CSR_STIMECMPH 0x15d
#define CSR_SATP 0x180
#define CSR_MVENDORID 0xf11
#define CSR_MARCHID 0xf12
#define CSR_MIMPID 0xf13
#define CSR_MHARTID 0xf14
#define CSR_MCONFIGPTR 0xf15
#define CSR_MSTATUS 0x300
#define CSR_MISA 0x301
#define CSR_MEDELEG 0x302
#define CSR_MIDELEG 0x303
#define CSR_MIE 0x304
#define CSR_MTVEC 0x305
#define CSR_MCOUNTEREN 0x306
#define CSR_MENVCFG 0x30a
#define CSR_MSTATUSH 0x310
#define CSR_MENVCFGH 0x31a
#define CSR_MCOUNTINHIBIT 0x320
#define CSR_MSCRATCH 0x340
#define CSR_MEPC 0x341
#define CSR_MCAUSE 0x342
#define CSR_MTVAL 0x343
#define CSR_MIP 0x344
#define CSR_PMPCFG0 0x3a0
#define CSR_PMPADDR0 0x3b0
#define CSR_MCYCLE 0xb00
#define CSR_MINSTRET 0xb02
#define CSR_MCYCLEH 0xb80
#define CSR_MINSTRETH 0xb82

/* PMP configuration byte (3.7.1) */
#define PMP_R 0x01u
#define PMP_W 0x02u
#define PMP_X 0x04u
#define PMP_A_SHIFT 3
#define PMP_A (3u << PMP_A_SHIFT)
#define PMP_A_OFF 0u
#define PMP_A_TOR 1u
#define PMP_A_NA4 2u
#define PMP_A_NAPOT 3u
#define PMP_L 0x80u

static inline struct rv_cpu *rv_cpu_of(struct cpu *c)
{
	return (struct rv_cpu *)c;
}

static inline bool rv_is32(const struct rv_cpu *cpu)
{
	return cpu->xlen == 32;
}

/* priv.c */

/** rv_update_flags() - recompute cpu->c.tb_flags after a change of priv or mstatus. */
void rv_update_flags(struct rv_cpu *cpu);
/** rv_mip() - the pending interrupts as mip reads (lines, Sstc and software bits). */
uint64_t rv_mip(struct rv_cpu *cpu);
/** rv_irq_recheck() - set interrupt_request if an interrupt may now be taken. */
void rv_irq_recheck(struct rv_cpu *cpu);
/** rv_sstc_update() - re-evaluate Sstc's STIP against time now (and request the interrupt). */
void rv_sstc_update(struct rv_cpu *cpu);
/** rv_raise() - raise exception @cause with @tval at cpu->c.pc (system mode). */
_Noreturn void rv_raise(struct rv_cpu *cpu, unsigned cause, uint64_t tval);
/** rv_raise_illegal_insn() - illegal instruction exception, mtval = @insn bits. */
_Noreturn void rv_raise_illegal_insn(struct rv_cpu *cpu, uint32_t insn);
/** rv_time() - the time CSR now. */
uint64_t rv_time(struct rv_cpu *cpu);

/* priv.c: the morph_arch hooks of system mode (arch.c) */
bool rv_do_exception(struct cpu *c, int excp);
bool rv_exec_interrupt(struct cpu *c);
bool rv_cpu_has_work(struct cpu *c);
unsigned rv_fetch_mmu_idx(uint32_t tb_flags);
const char *rv_mode_name(struct cpu *c);
/** rv_sys_dump_state() - the privileged state, after the registers (dump_state). */
void rv_sys_dump_state(struct cpu *c, FILE *f);
/** rv_sys_helpers_register() - helpers-sys.def (arch init). */
void rv_sys_helpers_register(void);

/* mmu.c */

bool rv_tlb_fill(struct cpu *c, uint64_t vaddr, unsigned size, enum mmu_access access,
		 unsigned mmu_idx, bool probe);
/** rv_pmp_update() - pmpcfg/pmpaddr changed: recompute the active set, flush the TLBs. */
void rv_pmp_update(struct rv_cpu *cpu);

/* csr.c */

/** rv_csr_read() / rv_csr_write() - false if @csr does not exist or this access is illegal. */
bool rv_csr_read(struct rv_cpu *cpu, unsigned csr, uint64_t *val);
bool rv_csr_write(struct rv_cpu *cpu, unsigned csr, uint64_t val);

#endif
