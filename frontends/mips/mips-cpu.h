/*
 * MIPS32 release 2 hart state. Starts with the common struct cpu (env).
 *
 * GPRs, HI and LO are 64-bit slots holding 32-bit values sign-extended,
 * which is exactly how MIPS64 defines the results of 32-bit operations: a
 * MIPS64 frontend can reuse every emitter. FPRs are 64-bit; in FR=0 mode a
 * double lives in an even register (fpr[2k]) and the odd register 2k+1 is
 * its upper half (single reads/writes of an odd register touch the upper
 * 32 bits of fpr[2k]); fpr[odd] is unused then. In FR=1 mode every fpr[n]
 * is one 64-bit register, singles in the low half.
 */
#ifndef MORPH_MIPS_CPU_H
#define MORPH_MIPS_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "morph/cpu.h"

/* TB flags (struct cpu.tb_flags) */
#define MIPS_TBF_FR 0x1u  /* Status.FR = 1: 32 64-bit FPRs */

/* FCSR fields (Volume I-A, "Floating Point Control and Status Register") */
#define MIPS_FCSR_RM 0x3u
#define MIPS_FCSR_FLAGS_SHIFT 2
#define MIPS_FCSR_ENABLES_SHIFT 7
#define MIPS_FCSR_CAUSE_SHIFT 12
#define MIPS_FCSR_CAUSE_E (1u << 17)   /* unimplemented operation */
#define MIPS_FCSR_FCC0 (1u << 23)
#define MIPS_FCSR_FS (1u << 24)        /* flush denormals (not implemented: reads back) */
#define MIPS_FCSR_WMASK 0xff83ffffu    /* writable bits (NAN2008/ABS2008 and 22:20 read as 0) */

/* FIR of a 24Kf-class FPU: F64, L, W, D, S, 3D=0, PS=0, ProcessorID 0x93 (FPU of the 24Kf) */
#define MIPS_FIR_24KF 0x00f30000u

/* Exceptions beyond the core's (user mode: see the ABI's fault hook) */
#define MIPS_EXCP_OVERFLOW (EXCP_ARCH_BASE + 1)  /* add/sub/addi overflow: SIGFPE FPE_INTOVF */
#define MIPS_EXCP_FPE (EXCP_ARCH_BASE + 2)       /* enabled FP exception: SIGFPE, code from cause */
#define MIPS_EXCP_TRAP (EXCP_ARCH_BASE + 3)      /* teq & co, break: code in trap_code */

struct mips_cpu {
	struct cpu c;
	uint64_t gpr[32];     /* gpr[0] is kept 0 */
	uint64_t hi, lo;
	uint64_t fpr[32];
	uint64_t lladdr;      /* LL reservation address (~0 when none) */
	uint64_t llval;       /* value LL loaded */
	uint32_t fcsr;        /* FCSR (FCC bits included) */
	uint32_t fir;
	uint32_t trap_code;   /* code field of the last trap/break instruction */
	uint32_t fr;          /* Status.FR (mirrored in tb_flags) */
	uint64_t ulr;         /* UserLocal: RDHWR $29, set by set_thread_area */
	uint64_t cycle_base;  /* host clock origin of RDHWR $2 (CC) */
};

/** mips_fcsr_write() - FCSR = @v with its read-only bits kept (fpu-helpers.c). */
void mips_fcsr_write(struct mips_cpu *cpu, uint32_t v);

#endif
