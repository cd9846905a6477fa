/*
 * Helpers of the RISC-V integer and system instructions (helpers.def).
 */
#include <time.h>

#include "morph/exec.h"
#include "frontends/riscv/rv-fp.h"
#include "frontends/riscv/rv-gen.h"

#define HELPER_LIST "frontends/riscv/helpers.def"
#define HELPER_DEFINE_TABLE rv_helpers_register
#include "morph/helper-def.h"


void rv_raise_illegal(struct rv_cpu *cpu)
{
	cpu->c.fault_addr = 0; /* system mode: mtval (the instruction bits are not known here) */
	cpu_loop_exit(&cpu->c, EXCP_ILLEGAL);
}

void helper_rv_illegal(struct rv_cpu *env)
{
	rv_raise_illegal(env);
}

void helper_rv_fetch_fault(struct rv_cpu *env, uint64_t addr)
{
	if (env->c.softmmu) {
		/* The walk raises the page or access fault (mtval = addr)... */
		unsigned idx = env->c.arch->fetch_mmu_idx(env->c.tb_flags);
		uint64_t pa;
		const uint8_t *host;
		env->c.arch->tlb_fill(&env->c, addr, 1, MMU_FETCH, idx, false);
		/* ... or the bus has no code there (MMIO): an access fault ... */
		if (softmmu_fetch_code(&env->c, addr, idx, &pa, &host) < 0) {
			env->c.fault_addr = addr;
			env->c.fault_is_write = MMU_FETCH;
			cpu_loop_exit(&env->c, EXCP_SEGV);
		}
		/*
		 * ... unless the page became executable since this TB was made:
		 * forget it (the TB lookup compares the second page) and go on.
		 */
		tlb_flush_page(&env->c, addr);
		cpu_loop_exit(&env->c, EXCP_INTERRUPT);
	}
	env->c.fault_addr = addr;
	env->c.fault_is_write = 0;
	cpu_loop_exit(&env->c, EXCP_SEGV);
}

void helper_rv_ecall(struct rv_cpu *env)
{
	cpu_loop_exit(&env->c, EXCP_SYSCALL);
}

void helper_rv_ebreak(struct rv_cpu *env)
{
	cpu_loop_exit(&env->c, EXCP_BREAKPOINT);
}

void helper_rv_fence_i(struct rv_cpu *env)
{
	(void)env;
	tb_request_flush();
}

uint64_t helper_rv_csrr_fp(struct rv_cpu *env, uint32_t csr)
{
	switch (csr) {
	case RV_CSR_FFLAGS:
		return rv_fflags(env) & 0x1f;
	case RV_CSR_FRM:
		return env->frm & 7;
	default: /* fcsr */
		return (env->frm & 7) << 5 | (rv_fflags(env) & 0x1f);
	}
}

void helper_rv_csrw_fp(struct rv_cpu *env, uint32_t csr, uint64_t v)
{
	switch (csr) {
	case RV_CSR_FFLAGS:
		rv_set_fflags(env, (uint32_t)v);
		break;
	case RV_CSR_FRM:
		rv_set_frm(env, (uint32_t)v);
		break;
	default: /* fcsr: bits 31:8 are reserved and read as zero */
		rv_set_fflags(env, (uint32_t)v);
		rv_set_frm(env, (uint32_t)v >> 5);
		break;
	}
}

uint64_t rv_clock_ns(void)
{
	return (uint64_t)exec_clock_ns(current_cpu, CLOCK_MONOTONIC);
}

/*
 * time counts at 10 MHz (the timebase of QEMU's virt board and of most
 * Linux riscv64 systems); cycle and instret count nanoseconds, a 1 GHz hart.
 */
uint64_t helper_rv_csrr_counter(struct rv_cpu *env, uint32_t csr)
{
	uint64_t ns = rv_clock_ns() - env->cycle_base;

	return csr == RV_CSR_TIME ? ns / 100 : ns;
}

uint64_t helper_rv_orc_b(uint64_t x)
{
	uint64_t r = 0;

	for (unsigned i = 0; i < 64; i += 8)
		if ((x >> i) & 0xff)
			r |= (uint64_t)0xff << i;
	return r;
}
