/*
 * RISC-V hart state. Starts with the common struct cpu (env).
 */
#ifndef MORPH_RV_CPU_H
#define MORPH_RV_CPU_H

#include <stdint.h>

#include "morph/cpu.h"

/* TB flags (struct cpu.tb_flags) */
#define RV_TBF_RV32 0x1u   /* XLEN = 32 */
#define RV_TBF_FS_OFF 0x2u /* FP disabled (system mode, mstatus.FS == 0) */
#define RV_TBF_PRIV_SHIFT 2 /* privilege mode, 2 bits (system mode) */

/* Exceptions beyond the core's (RISC-V cause numbers, system mode) */
#define RV_EXCP_CAUSE(n) (EXCP_ARCH_BASE + (n))

struct rv_cpu {
	struct cpu c;
	uint64_t x[32];       /* x0 is kept 0 */
	uint64_t f[32];       /* FP registers as raw bits; singles NaN-boxed */
	uint32_t fflags;      /* accrued exceptions: NV DZ OF UF NX (bits 4..0) */
	uint32_t frm;         /* dynamic rounding mode */
	uint64_t load_res;    /* LR reservation address (~0 when none) */
	uint64_t load_val;    /* value seen by LR */
	uint32_t xlen;        /* 64 or 32 */
	uint32_t misa_ext;    /* enabled extensions (bit n = letter 'A' + n) */
	uint64_t cycle_base;  /* user mode: host clock origin for rdcycle/rdtime */
};

#define RV_FFLAG_NX 0x01u
#define RV_FFLAG_UF 0x02u
#define RV_FFLAG_OF 0x04u
#define RV_FFLAG_DZ 0x08u
#define RV_FFLAG_NV 0x10u

/* Rounding modes (frm, rm field) */
enum { RV_RM_RNE, RV_RM_RTZ, RV_RM_RDN, RV_RM_RUP, RV_RM_RMM, RV_RM_DYN = 7 };

/** rv_raise_illegal() - raise an illegal instruction exception at cpu->c.pc. */
_Noreturn void rv_raise_illegal(struct rv_cpu *cpu);

#endif
