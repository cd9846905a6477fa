/*
 * Helpers of the MIPS integer and system instructions (helpers.def).
 */
#include <time.h>

#include "morph/exec.h"
#include "morph/frontend.h"
#include "morph/softmmu.h"
#include "morph/tb.h"
#include "frontends/mips/mips-gen.h"

#define HELPER_LIST "frontends/mips/helpers.def"
#define HELPER_DEFINE_TABLE mips_helpers_register
#include "morph/helper-def.h"

void helper_mips_reserved(struct mips_cpu *env)
{
	cpu_loop_exit(&env->c, EXCP_ILLEGAL);
}

void helper_mips_fetch_fault(struct mips_cpu *env, uint64_t addr)
{
	/*
	 * System mode: the real fetch raises the guest's fault (TLB, address or
	 * bus error). If the code is there now (the guest mapped it after this
	 * TB was made), drop the TB and translate again from the instruction
	 * (a branch whose delay slot was on the missing page).
	 */
	if (env->c.softmmu) {
		unsigned idx = env->c.arch->fetch_mmu_idx(env->c.tb_flags);
		uint64_t pc = env->c.pc & ~(uint64_t)1, phys;

		softmmu_code_paddr(&env->c, addr, idx);
		phys = softmmu_code_paddr(&env->c, pc, idx);
		tb_invalidate_phys(phys, phys + 4);
		env->c.pc = pc;
		cpu_loop_exit(&env->c, EXCP_INTERRUPT);
	}
	env->c.fault_addr = addr;
	env->c.fault_is_write = 0;
	cpu_loop_exit(&env->c, EXCP_SEGV);
}

void helper_mips_syscall(struct mips_cpu *env)
{
	cpu_loop_exit(&env->c, EXCP_SYSCALL);
}

void helper_mips_overflow(struct mips_cpu *env)
{
	cpu_loop_exit(&env->c, MIPS_EXCP_OVERFLOW);
}

/*
 * Linux's codes (arch/mips/include/uapi/asm/break.h): 6 is an overflow
 * check, 7 a division by zero (both SIGFPE); anything else is SIGTRAP.
 */
#define MIPS_BRK_OVERFLOW 6
#define MIPS_BRK_DIVZERO 7

void helper_mips_trap(struct mips_cpu *env, uint32_t code)
{
	/* system mode: the guest kernel decides what the codes mean */
	if (env->c.softmmu)
		cpu_loop_exit(&env->c, MIPS_EXCP_CODE(code & MIPS_TRAP_BREAK ? 9 : 13));
	code &= ~MIPS_TRAP_BREAK;
	env->trap_code = code;
	if (code == MIPS_BRK_OVERFLOW)
		cpu_loop_exit(&env->c, MIPS_EXCP_OVERFLOW);
	if (code == MIPS_BRK_DIVZERO)
		cpu_loop_exit(&env->c, EXCP_FPE);
	cpu_loop_exit(&env->c, MIPS_EXCP_TRAP);
}

void helper_mips_synci(struct mips_cpu *env, uint64_t addr)
{
	(void)addr;
	/* system mode: stores to code pages already invalidated their translations */
	if (env->c.softmmu)
		return;
	/* the whole cache: synci is rare (cacheflush() is the usual way) */
	tb_request_flush();
}

uint64_t mips_clock_ns(void)
{
	return (uint64_t)exec_clock_ns(current_cpu, CLOCK_MONOTONIC);
}

/* Count at half of a 1 GHz pipeline clock (CCRes = 2), 32 bits wide */
uint64_t helper_mips_rdhwr_cc(struct mips_cpu *env)
{
	return (uint64_t)(int64_t)(int32_t)(uint32_t)((mips_clock_ns() - env->cycle_base) / 2);
}
