/*
 * RISC-V hart state. Starts with the common struct cpu (env).
 */
#ifndef MORPH_RV_CPU_H
#define MORPH_RV_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "morph/cpu.h"

struct rv_platform;

/* TB flags (struct cpu.tb_flags). User mode uses RV_TBF_RV32 and RV_TBF_FRM only. */
#define RV_TBF_RV32 0x1u   /* XLEN = 32 */
#define RV_TBF_FS_OFF 0x2u /* FP disabled (system mode, mstatus.FS == 0) */
#define RV_TBF_PRIV_SHIFT 2 /* privilege mode, 2 bits (system mode) */
#define RV_TBF_PRIV_MASK (3u << RV_TBF_PRIV_SHIFT)
#define RV_TBF_MMU_SHIFT 4  /* MMU index of loads and stores, 3 bits (system mode) */
#define RV_TBF_MMU_MASK (7u << RV_TBF_MMU_SHIFT)
#define RV_TBF_FS_CLEAN 0x80u /* mstatus.FS is Initial or Clean: FP instructions make it Dirty */
#define RV_TBF_SYS 0x100u   /* system mode: privileged instructions and CSRs */
#define RV_TBF_FRM 0x200u   /* frm is not RNE: dynamic-rounding FP ops take their helper */

/* Privilege modes (mstatus.MPP encoding) */
enum { RV_PRIV_U = 0, RV_PRIV_S = 1, RV_PRIV_M = 3 };

/*
 * MMU indexes (IR_MO_MMU) of system mode: one translation regime each. SUM
 * gets its own index because Linux flips it around every user copy; MXR
 * changes flush the TLB instead. Instruction fetch uses U, S or M.
 */
enum { RV_MMU_U, RV_MMU_S, RV_MMU_S_SUM, RV_MMU_M, RV_MMU_COUNT };
#define RV_MMU_TRANSLATED ((1u << RV_MMU_U) | (1u << RV_MMU_S) | (1u << RV_MMU_S_SUM))

#define RV_PMP_ENTRIES 16

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

	/* ---- System mode: the privileged architecture (1.12); see rv-hart.h ---- */
	uint32_t priv;        /* RV_PRIV_* */
	bool trap_misaligned; /* misaligned loads/stores raise instead of being performed */
	uint64_t mstatus;     /* without SD (computed on read) */
	uint64_t misa;
	uint64_t medeleg, mideleg;
	uint64_t mie;
	/*
	 * Pending interrupts: the software-writable bits (SSIP, STIP without
	 * Sstc, SEIP) and the lines (MSIP, MTIP, MEIP), changed atomically from
	 * any thread. The SEIP line is kept apart (mip.SEIP reads as the OR of
	 * both, spec 3.1.9), as is Sstc's STIP (time >= stimecmp).
	 */
	uint64_t mip;
	uint32_t seip_line;
	uint32_t stip_sstc;
	uint64_t mtvec, stvec;
	uint64_t mscratch, sscratch;
	uint64_t mepc, sepc;
	uint64_t mcause, scause;
	uint64_t mtval, stval;
	uint64_t satp;
	uint32_t mcounteren, scounteren, mcountinhibit;
	uint64_t menvcfg, senvcfg;
	uint64_t stimecmp;
	uint64_t mhartid;
	int64_t mcycle_delta, minstret_delta; /* guest writes of mcycle/minstret */
	uint8_t pmpcfg[RV_PMP_ENTRIES];
	uint64_t pmpaddr[RV_PMP_ENTRIES];
	uint32_t pmp_active;  /* entries with A != OFF (bitmask) */
	const struct rv_platform *plat; /* the machine's time source, NULL: host clock */
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
