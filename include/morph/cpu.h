/*
 * The guest-neutral part of a hart's state. Every frontend's CPU structure
 * starts with a struct cpu named "c", so the core, the backend and helpers
 * can treat a pointer to either as the same "env".
 */
#ifndef MORPH_CPU_H
#define MORPH_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "morph/softmmu.h"

struct morph_arch;
struct tb;
struct guest_space;

/* Exceptions the core knows; frontends number theirs from EXCP_ARCH_BASE. */
enum {
	EXCP_NONE = -1,
	EXCP_INTERRUPT = 0x10000, /* exit_request was seen: leave the loop */
	EXCP_SYSCALL,             /* user mode: the guest asked for a system call */
	EXCP_SEGV,                /* user mode: bad access to guest address fault_addr */
	EXCP_BUS,                 /* user mode: misaligned or beyond-object access */
	EXCP_ILLEGAL,             /* illegal or unsupported instruction at pc */
	EXCP_BREAKPOINT,          /* ebreak / break */
	EXCP_FPE,                 /* integer divide trap (MIPS teq etc.) */
	EXCP_TRAP,                /* conditional trap instruction */
	EXCP_HALTED,              /* the hart has stopped (exit) */
	EXCP_ARCH_BASE = 0x20000,
};

/*
 * User mode: bytes of PROT_NONE reservation below and above the guest space
 * (guest_base .. guest_base + mask + 1). A backend may add a displacement of
 * less than this to an address already masked into the guest space: the
 * access stays inside the reservation, and faults if it left the guest space.
 */
#define GUEST_BASE_GUARD 0x10000u

/*
 * The jump cache: 2^16 slots in user mode, where interpreters (python, lua)
 * jump indirectly to thousands of hot targets and 2^12 slots conflicted on
 * every few jumps; system mode uses the first 2^12, since TLB flushes clear
 * (or scan) them all.
 */
#define TB_JMP_CACHE_BITS 16
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)
#define TB_JMP_CACHE_SIZE_SOFTMMU (1u << 12)

/** Common hart state; the frontend's structure embeds it first. */
struct cpu {
	/* Hot fields first: the JIT reaches them with short displacements. */
	uint64_t pc;                 /* guest pc of the next instruction (at TB boundaries) */
	volatile uint32_t exit_request; /* non-zero: leave the TB chain at the next TB entry */
	uint32_t tb_flags;           /* mode bits of the current TB, frontend-defined */
	uintptr_t guest_base;        /* user mode: host address of guest address 0 */
	uint64_t guest_mask;         /* user mode: guest addresses are ANDed with this */
	bool guest_guarded;          /* user mode: GUEST_BASE_GUARD below and above the space */
	/*
	 * System mode: non-zero when an interrupt may be pending; the exec loop
	 * then calls arch->exec_interrupt() at the next TB boundary. Set by the
	 * frontend (interrupt lines, CSR writes), from any thread.
	 */
	volatile uint32_t interrupt_request;
	bool softmmu;                /* system mode: guest memory through the softMMU (mmu) */

	int exception;               /* EXCP_* or frontend's, set before longjmp to the loop */
	uint64_t fault_addr;         /* guest virtual address of the last memory fault */
	uint32_t fault_is_write;

	const struct morph_arch *arch;
	void *opaque;                /* owner: the linux-user thread or the machine */
	int cpu_index;               /* hart id / thread number */
	int thread_id;               /* user mode: the guest-visible tid */

	struct tb *jmp_cache[TB_JMP_CACHE_SIZE]; /* pc hash -> TB, probed by lookup_and_goto */
	sigjmp_buf jmp_env;          /* where exceptions unwind to */
	/* FPU_* flags raised by inline host FP code (IR_fpop) that a host fault
	 * took out of the host's sticky bits, not yet in the guest's status */
	uint8_t fpu_flags;
	bool in_guest_code;          /* the hart is executing a TB (for host signal handling) */
	uint64_t icount;             /* retired instructions (approximate: TB granularity) */
	/* --icount in system mode: the icount at which a timer is due (exec_set_icount_timer()) */
	uint64_t icount_deadline;
	uint32_t tb_flush_epoch;     /* last TB cache flush this hart has seen */

	struct softmmu mmu;          /* system mode: the TLBs (softmmu.h); unused in user mode */
};

/**
 * cpu_loop_exit() - abandon the current TB and return to the exec loop with
 * @excp in cpu->exception. cpu->pc must already point at the instruction
 * that raised it (helpers flagged IR_HF_MAY_RAISE get that for free).
 */
_Noreturn void cpu_loop_exit(struct cpu *cpu, int excp);

/** cpu_exit() - ask @cpu to leave its TB chain soon; async-signal and thread safe. */
void cpu_exit(struct cpu *cpu);

/**
 * cpu_exec() - run guest code on @cpu until an exception that the caller must
 * handle (EXCP_SYSCALL, faults, EXCP_INTERRUPT, ...). Returns that exception;
 * cpu->pc is the pc of the instruction concerned (for EXCP_SYSCALL, of the
 * ecall/syscall instruction itself).
 */
int cpu_exec(struct cpu *cpu);

#endif
