/*
 * The MIPS32 privileged architecture in system mode: exception entry
 * (Volume III chapter 6: EPC and Cause.BD, the vectors with and without
 * Status.BEV, the TLB refill vector), interrupts, eret and wait, and the
 * hart interface of mips-hart.h.
 *
 * Delay slots: translation marks the instructions of a delay slot with the
 * branch's pc plus 1 (translate.c), so an exception raised there arrives
 * with bit 0 of cpu->pc set: EPC is the branch and Cause.BD is set.
 */
#include <inttypes.h>
#include <string.h>

#include "morph/exec.h"
#include "morph/softmmu.h"
#include "morph/trace.h"
#include "frontends/mips/mips-gen.h"
#include "frontends/mips/mips-hart.h"
#include "frontends/mips/mips-sys.h"

#define HELPER_LIST "frontends/mips/helpers-sys.def"
#define HELPER_DEFINE_TABLE mips_sys_helpers_register
#include "morph/helper-def.h"

#define VEC_REFILL 0x000u
#define VEC_GENERAL 0x180u
#define VEC_INTERRUPT 0x200u /* with Cause.IV */
#define BEV_BASE 0xbfc00200u

static uint64_t sext32(uint32_t v)
{
	return (uint64_t)(int64_t)(int32_t)v;
}

static bool user_mode(const struct mips_cpu *cpu)
{
	return cpu->c.tb_flags & MIPS_TBF_USER;
}

const char *mips_mode_name(struct cpu *c)
{
	if (!c->softmmu)
		return "U";
	return user_mode((struct mips_cpu *)c) ? "U" : "K";
}

/* ---- Exceptions */

/* Enter the handler of exception @code raised at cpu->c.pc (6.2.1, "General Exception Processing")
 */
static void take_exception(struct mips_cpu *cpu, unsigned code, bool refill, bool irq)
{
	struct mips_cp0 *c = &cpu->cp0;
	uint64_t pc = cpu->c.pc;
	uint32_t off = VEC_GENERAL, base;
	char from = user_mode(cpu) ? 'U' : 'K';

	if (!(c->status & ST_EXL)) {
		/* pc bit 0: the instruction was in the delay slot of the branch at pc - 1 */
		c->epc = (uint32_t)(pc & ~1ull);
		c->cause = pc & 1 ? c->cause | CAUSE_BD : c->cause & ~CAUSE_BD;
		if (refill)
			off = VEC_REFILL;
	}
	if (irq && (c->cause & CAUSE_IV))
		off = VEC_INTERRUPT;
	c->cause = (c->cause & ~CAUSE_EXC) | code << CAUSE_EXC_SHIFT;
	c->status |= ST_EXL;
	base = c->status & ST_BEV ? BEV_BASE : 0x80000000u | (c->ebase & 0x3ffff000u);
	cpu->c.pc = sext32(base + off);
	mips_update_flags(cpu);
	if (trace_on(TRACE_INT))
		trace_exception(&cpu->c, irq ? "interrupt" : "exception", code, c->badvaddr, from,
				'K', pc & ~1ull, cpu->c.pc);
}

_Noreturn void mips_raise_exc(struct mips_cpu *cpu, unsigned code)
{
	cpu_loop_exit(&cpu->c, MIPS_EXCP_CODE(code));
}

_Noreturn void mips_raise_cpu_unusable(struct mips_cpu *cpu, unsigned cop)
{
	cpu->cp0.cause = (cpu->cp0.cause & ~CAUSE_CE) | cop << CAUSE_CE_SHIFT;
	mips_raise_exc(cpu, EXC_CPU);
}

bool mips_do_exception(struct cpu *c, int excp)
{
	struct mips_cpu *cpu = (struct mips_cpu *)c;
	bool refill = false;
	unsigned code;

	switch (excp) {
	case EXCP_SYSCALL:
		code = EXC_SYS;
		break;
	case EXCP_ILLEGAL:
		code = EXC_RI;
		break;
	case EXCP_SEGV: /* the bus refused a physical access */
		code = c->fault_is_write == MMU_FETCH ? EXC_IBE : EXC_DBE;
		break;
	case EXCP_BUS: /* misaligned with alignment required (ll/sc) */
		cpu->cp0.badvaddr = (uint32_t)c->fault_addr;
		code = c->fault_is_write == MMU_STORE ? EXC_ADES : EXC_ADEL;
		break;
	case MIPS_EXCP_OVERFLOW:
		code = EXC_OV;
		break;
	case MIPS_EXCP_FPE:
		code = EXC_FPE;
		break;
	default:
		if (excp >= MIPS_EXCP_REFILL(0) && excp < MIPS_EXCP_REFILL(32)) {
			code = (unsigned)(excp - MIPS_EXCP_REFILL(0));
			refill = true;
		} else if (excp >= MIPS_EXCP_CODE(0) && excp < MIPS_EXCP_CODE(32)) {
			code = (unsigned)(excp - MIPS_EXCP_CODE(0));
		} else {
			return false;
		}
		break;
	}
	take_exception(cpu, code, refill, false);
	mips_irq_recheck(cpu);
	return true;
}

/* ---- Interrupts (6.1.1: pending in Cause.IP, enabled by Status.IM, IE, not EXL/ERL) */

bool mips_exec_interrupt(struct cpu *c)
{
	struct mips_cpu *cpu = (struct mips_cpu *)c;
	uint32_t s = cpu->cp0.status;

	/* Cleared first: a line rising from now on sets it again. */
	__atomic_store_n(&c->interrupt_request, 0, __ATOMIC_SEQ_CST);
	if (!(s & ST_IE) || (s & (ST_EXL | ST_ERL)) || !(mips_cause_ip(cpu) & s & ST_IM))
		return false;
	take_exception(cpu, EXC_INT, false, true);
	return true;
}

bool mips_cpu_has_work(struct cpu *c)
{
	struct mips_cpu *cpu = (struct mips_cpu *)c;

	return (mips_cause_ip(cpu) & cpu->cp0.status & ST_IM) != 0;
}

/* ---- Instructions */

void helper_mips_eret(struct mips_cpu *env)
{
	struct mips_cp0 *c = &env->cp0;

	if (c->status & ST_ERL) {
		env->c.pc = sext32(c->errorepc);
		c->status &= ~ST_ERL;
	} else {
		env->c.pc = sext32(c->epc);
		c->status &= ~ST_EXL;
	}
	env->lladdr = ~(uint64_t)0; /* the LL bit */
	mips_update_flags(env);
	mips_irq_recheck(env);
}

/* wait: returns at once if an interrupt is pending, else the hart stops at @next_pc */
void helper_mips_wait(struct mips_cpu *env, uint64_t next_pc)
{
	if (mips_cpu_has_work(&env->c))
		return;
	env->c.pc = next_pc;
	cpu_loop_exit(&env->c, EXCP_HALTED);
}

void helper_mips_cpu_unusable(struct mips_cpu *env, uint32_t cop)
{
	mips_raise_cpu_unusable(env, cop);
}

void helper_mips_rdhwr_check(struct mips_cpu *env, uint32_t n)
{
	if (user_mode(env) && !((env->cp0.hwrena >> n) & 1))
		mips_raise_exc(env, EXC_RI);
}

/* ---- The hart interface (mips-hart.h) */

void mips_hart_init(struct cpu *c, struct bus *bus, unsigned id, const struct mips_platform *plat)
{
	struct mips_cpu *cpu = (struct mips_cpu *)c;

	cpu->cp0.plat = plat;
	cpu->cp0.ebase = id & 0x3ff;
	softmmu_attach(c, bus);
	mips_hart_reset(c, 0xbfc00000u, false);
}

void mips_hart_reset(struct cpu *c, uint64_t pc, bool kernel_boot)
{
	struct mips_cpu *cpu = (struct mips_cpu *)c;

	memset(cpu->gpr, 0, sizeof(cpu->gpr));
	memset(cpu->fpr, 0, sizeof(cpu->fpr));
	cpu->hi = cpu->lo = 0;
	mips_fcsr_write(cpu, 0);
	cpu->fir = MIPS_FIR_24KF;
	cpu->lladdr = ~(uint64_t)0;
	cpu->ulr = 0;
	mips_sys_reset(cpu);
	if (kernel_boot)
		cpu->cp0.status &= ~ST_ERL;
	mips_update_flags(cpu);
	c->interrupt_request = 0;
	c->pc = sext32((uint32_t)pc);
}

void mips_hart_set_gpr(struct cpu *c, unsigned n, uint32_t v)
{
	if (n && n < 32)
		((struct mips_cpu *)c)->gpr[n] = sext32(v);
}

/* ---- State dump (arch.c) */

void mips_sys_dump_state(struct cpu *c, FILE *f)
{
	struct mips_cpu *cpu = (struct mips_cpu *)c;
	const struct mips_cp0 *cp = &cpu->cp0;

	if (!c->softmmu)
		return;
	fprintf(f, "status %08x cause %08x epc %08x badvaddr %08x entryhi %08x errorepc %08x\n",
		cp->status, cp->cause | cp->ip_lines, cp->epc, cp->badvaddr, cp->entryhi,
		cp->errorepc);
}
