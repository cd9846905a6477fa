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
#define MIPS_TBF_FR 0x1u   /* Status.FR = 1: 32 64-bit FPRs */
#define MIPS_TBF_SYS 0x2u  /* system mode: CP0, privilege checks, Coprocessor Unusable */
#define MIPS_TBF_USER 0x4u /* system mode, user mode (KSU = 2, EXL = ERL = 0) */
#define MIPS_TBF_CU1 0x8u  /* system mode: Status.CU1, the FPU is usable */
#define MIPS_TBF_ERL 0x10u /* system mode: Status.ERL, kuseg is unmapped */

/* MMU indexes of system mode (IR_MO_MMU) */
#define MIPS_MMU_KERNEL 0
#define MIPS_MMU_USER 1
#define MIPS_MMU_ERL 2 /* kernel mode with Status.ERL: kuseg unmapped */

/* FCSR fields (Volume I-A, "Floating Point Control and Status Register") */
#define MIPS_FCSR_RM 0x3u
#define MIPS_FCSR_FLAGS_SHIFT 2
#define MIPS_FCSR_ENABLES_SHIFT 7
#define MIPS_FCSR_CAUSE_SHIFT 12
#define MIPS_FCSR_CAUSE_E (1u << 17) /* unimplemented operation */
#define MIPS_FCSR_FCC0 (1u << 23)
#define MIPS_FCSR_FS (1u << 24)	    /* flush denormals (not implemented: reads back) */
#define MIPS_FCSR_WMASK 0xff83ffffu /* writable bits (NAN2008/ABS2008 and 22:20 read as 0) */

/*
 * FIR of the 24Kf's FPU: F64 (22: FR=1 is available), L, W, D, S (21, 20,
 * 17, 16), no 3D, PS, Has2008 or FREP; ProcessorID 0x93, revision 0.
 */
#define MIPS_FIR_24KF 0x00739300u

/* Exceptions beyond the core's (user mode: see the ABI's fault hook) */
#define MIPS_EXCP_OVERFLOW (EXCP_ARCH_BASE + 1) /* add/sub/addi overflow: SIGFPE FPE_INTOVF */
#define MIPS_EXCP_FPE (EXCP_ARCH_BASE + 2)	/* enabled FP exception: SIGFPE, code from cause */
#define MIPS_EXCP_TRAP (EXCP_ARCH_BASE + 3)	/* teq & co, break: code in trap_code */
/* helper_mips_trap(): the code comes from break (Bp), not a conditional trap (Tr) */
#define MIPS_TRAP_BREAK (1u << 31)
/* System mode: the exception with ExcCode n, CP0 state (BadVAddr...) already set */
#define MIPS_EXCP_CODE(n) (EXCP_ARCH_BASE + 0x100 + (n))

#define MIPS_TLB_MAX 64

/* One entry of the software-managed TLB (Volume III, "TLB Organization"). */
struct mips_tlb_entry {
	uint32_t hi;   /* VPN2 (31:13) and ASID (7:0) */
	uint32_t mask; /* PageMask (28:13) */
	uint32_t lo0;  /* EntryLo0/1: PFN (29:6), C (5:3), D, V, G (0) */
	uint32_t lo1;
};

struct mips_platform;

/* Coprocessor 0 (system mode). 32-bit registers; mfc0 sign-extends them. */
struct mips_cp0 {
	uint32_t index, wired, random_seed;
	uint32_t entrylo0, entrylo1, context, pagemask, entryhi, hwrena;
	uint32_t badvaddr, compare, status, intctl, srsctl, cause, epc, errorepc;
	uint32_t ebase, config0, lladdr_reg, desave, kscratch[2];
	uint32_t ip_lines; /* Cause.IP7..IP2 driven by the board (atomic; in IP bit positions) */
	uint32_t timer_pending; /* Cause.TI (atomic: set by the platform's timer thread) */
	int64_t count_offset;	/* Count = clock ticks + count_offset (mod 2^32) */
	uint64_t compare_at;	/* the tick (64-bit) at which Count reaches Compare */
	bool asid_pages;	/* the softMMU holds ASID-dependent (non-global) translations */
	unsigned ntlb;
	struct mips_tlb_entry tlb[MIPS_TLB_MAX];
	const struct mips_platform *plat;
};

struct mips_cpu {
	struct cpu c;
	uint64_t gpr[32]; /* gpr[0] is kept 0 */
	uint64_t hi, lo;
	uint64_t fpr[32];
	uint64_t lladdr; /* LL reservation address (~0 when none) */
	uint64_t llval;	 /* value LL loaded */
	uint32_t fcsr;	 /* FCSR (FCC bits included); read it with mips_fcsr_read() */
	uint32_t fir;
	/*
	 * Inline FP (IR_fpop, trans-fp.c): its guard, non-zero while FCSR asks
	 * for what the host's arithmetic does not do (RM other than nearest,
	 * an Enable, FS); and the lazy FCSR.Cause: the last FP operation, when it
	 * ran inline (MIPS_FP_LAST(), mips-fp.h; 0 once Cause is in fcsr) and
	 * its operands, from which mips_fcsr_read() computes Cause again.
	 */
	uint32_t fp_guard;
	uint32_t fp_last;
	uint64_t fp_last_a, fp_last_b;
	uint32_t trap_code;  /* code field of the last trap/break instruction */
	uint32_t fr;	     /* Status.FR (mirrored in tb_flags) */
	uint64_t ulr;	     /* UserLocal: RDHWR $29, set by set_thread_area */
	uint64_t cycle_base; /* host clock origin of RDHWR $2 (CC) */
	struct mips_cp0 cp0; /* system mode only */
};

/**
 * mips_fcsr_write() - FCSR = @v with its read-only bits kept (fpu-helpers.c):
 * Cause and Flags included, so a write of some fields reads FCSR first.
 */
void mips_fcsr_write(struct mips_cpu *cpu, uint32_t v);
/**
 * mips_fcsr_read() - FCSR as the guest sees it: with the Cause of the last FP
 * operation and the Flags that inline FP code left in the host (computed
 * into cpu->fcsr, which the FCC bits of translated code also live in).
 */
uint32_t mips_fcsr_read(struct mips_cpu *cpu);

struct elf_file;

/* ---- User mode (fp-mode.c): the process's FP mode, Linux's FR thread state */

/** mips_user_set_fr() - run with Status.FR = @fr (32 64-bit FPRs) from the next TB on. */
void mips_user_set_fr(struct mips_cpu *cpu, bool fr);
/** mips_o32_check_elf() - struct linux_abi.check_elf: FR from the FP ABIs of the ELFs. */
int mips_o32_check_elf(struct cpu *c, const struct elf_file *prog,
		       const struct elf_file *interp);
/** mips_o32_prctl() - struct linux_abi.prctl: PR_SET_FP_MODE, PR_GET_FP_MODE. */
int64_t mips_o32_prctl(struct cpu *c, const uint64_t *args);

#endif
