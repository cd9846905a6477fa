/*
 * The MIPS32 privileged architecture (system mode), private to
 * frontends/mips: CP0 register fields, exception codes, and what cp0.c,
 * priv.c, mmu.c and trans-priv.c share. Source: "MIPS32 Architecture For
 * Programmers Volume III: The MIPS32 Privileged Resource Architecture"
 * (MD00090, release 2) and the 24Kf datasheet (MD00346).
 */
#ifndef MORPH_MIPS_SYS_H
#define MORPH_MIPS_SYS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "morph/softmmu.h"
#include "frontends/mips/mips-cpu.h"

/* Status (9.35) */
#define ST_IE (1u << 0)
#define ST_EXL (1u << 1)
#define ST_ERL (1u << 2)
#define ST_KSU (3u << 3)
#define ST_UM (2u << 3) /* KSU = user */
#define ST_IM (0xffu << 8)
#define ST_NMI (1u << 19)
#define ST_SR (1u << 20)
#define ST_BEV (1u << 22)
#define ST_FR (1u << 26)
#define ST_CU0 (1u << 28)
#define ST_CU1 (1u << 29)
#define ST_WMASK                                                                                   \
	(ST_CU1 | ST_CU0 | ST_FR | ST_BEV | ST_SR | ST_NMI | ST_IM | ST_KSU | ST_ERL | ST_EXL |    \
	 ST_IE)

/* Cause (9.37) */
#define CAUSE_BD (1u << 31)
#define CAUSE_TI (1u << 30)
#define CAUSE_CE_SHIFT 28
#define CAUSE_CE (3u << CAUSE_CE_SHIFT)
#define CAUSE_DC (1u << 27)
#define CAUSE_IV (1u << 23)
#define CAUSE_WP (1u << 22)
#define CAUSE_IP_SW (3u << 8)
#define CAUSE_IP (0xffu << 8)
#define CAUSE_EXC_SHIFT 2
#define CAUSE_EXC (0x1fu << CAUSE_EXC_SHIFT)
#define CAUSE_WMASK (CAUSE_IV | CAUSE_WP | CAUSE_DC | CAUSE_IP_SW)

/* Exception codes (Table 9.31) */
enum mips_exc {
	EXC_INT = 0,
	EXC_MOD = 1,
	EXC_TLBL = 2,
	EXC_TLBS = 3,
	EXC_ADEL = 4,
	EXC_ADES = 5,
	EXC_IBE = 6,
	EXC_DBE = 7,
	EXC_SYS = 8,
	EXC_BP = 9,
	EXC_RI = 10,
	EXC_CPU = 11,
	EXC_OV = 12,
	EXC_TR = 13,
	EXC_FPE = 15,
};

/* A TLB miss outside exception level: the refill vector (EXCP_ARCH_BASE + 0x100 + n is the rest) */
#define MIPS_EXCP_REFILL(code) (EXCP_ARCH_BASE + 0x200 + (code))

/* TLB entry fields */
#define ENTRYHI_ASID 0xffu
#define ENTRYHI_VPN2 0xffffe000u
#define ENTRYHI_WMASK (ENTRYHI_VPN2 | ENTRYHI_ASID)
#define ENTRYLO_G 1u
#define ENTRYLO_V 2u
#define ENTRYLO_D 4u
#define ENTRYLO_WMASK 0x03ffffffu /* PFN of a 32-bit physical address, C, D, V, G */
#define PAGEMASK_WMASK 0x1fffe000u

/* The 24Kf as QEMU models it (target/mips/cpu-defs.c.inc) and Linux probes it */
#define MIPS_PRID_24KF 0x00019300u
#define MIPS_TLB_ENTRIES 16

/* ---- cp0.c */

/** mips_sys_reset() - CP0 at reset (Status.BEV/ERL, Config, PRId, empty TLB). */
void mips_sys_reset(struct mips_cpu *cpu);
/** mips_update_flags() - tb_flags (mode, MMU index, CU1, FR) from Status. */
void mips_update_flags(struct mips_cpu *cpu);
/** mips_cause_ip() - Cause.IP with the lines and the timer (TI) evaluated now. */
uint32_t mips_cause_ip(struct mips_cpu *cpu);
/** mips_irq_recheck() - set interrupt_request if an interrupt can be taken now. */
void mips_irq_recheck(struct mips_cpu *cpu);
/** mips_set_entryhi() - EntryHi = @v; a new ASID drops ASID-dependent translations. */
void mips_set_entryhi(struct mips_cpu *cpu, uint32_t v);

/* ---- priv.c */

/**
 * mips_raise_exc() - raise exception @code at cpu->c.pc (CP0 fault state
 * such as BadVAddr already set): unwinds to the exec loop, whose
 * do_exception() enters the handler.
 */
_Noreturn void mips_raise_exc(struct mips_cpu *cpu, unsigned code);
/** mips_raise_cpu_unusable() - Coprocessor Unusable for coprocessor @cop. */
_Noreturn void mips_raise_cpu_unusable(struct mips_cpu *cpu, unsigned cop);
bool mips_do_exception(struct cpu *c, int excp);
bool mips_exec_interrupt(struct cpu *c);
bool mips_cpu_has_work(struct cpu *c);
const char *mips_mode_name(struct cpu *c);
void mips_sys_dump_state(struct cpu *c, FILE *f);

/* ---- mmu.c */

bool mips_tlb_fill(struct cpu *c, uint64_t vaddr, unsigned size, enum mmu_access access,
		   unsigned mmu_idx, bool probe);
unsigned mips_fetch_mmu_idx(uint32_t tb_flags);
/** mips_tlb_flush_shadow() - drop the softMMU's translations of TLB entry @e. */
void mips_tlb_flush_shadow(struct mips_cpu *cpu, const struct mips_tlb_entry *e);

#endif
