/*
 * The RISC-V privileged architecture 1.12, system mode: trap entry
 * (section 3.1.6.1, 3.3.1 and 4.1.1), interrupts with their priorities and
 * delegation (3.1.9), xRET, wfi, sfence.vma (4.2.1), the morph_arch hooks
 * the exec loop calls (do_exception, exec_interrupt, cpu_has_work) and the
 * hart interface of rv-hart.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "morph/exec.h"
#include "morph/softmmu.h"
#include "morph/trace.h"
#include "frontends/riscv/rv-fp.h"
#include "frontends/riscv/rv-gen.h"
#include "frontends/riscv/rv-hart.h"
#include "frontends/riscv/rv-sys.h"

#define HELPER_ENV struct rv_cpu
#define HELPER_LIST "frontends/riscv/helpers-sys.def"
#define HELPER_DEFINE_TABLE rv_sys_helpers_register
#include "morph/helper-def.h"

/* The encodings the xRET/wfi/sfence helpers report as mtval when illegal */
#define INSN_SRET 0x10200073u
#define INSN_MRET 0x30200073u
#define INSN_WFI 0x10500073u

static uint64_t xlen_mask(const struct rv_cpu *cpu)
{
	return rv_is32(cpu) ? 0xffffffffull : ~0ull;
}

void rv_update_flags(struct rv_cpu *cpu)
{
	uint64_t s = cpu->mstatus;
	unsigned fs = (unsigned)((s & MSTATUS_FS) >> MSTATUS_FS_SHIFT);
	unsigned eff = cpu->priv, idx;
	uint32_t f = RV_TBF_SYS | cpu->priv << RV_TBF_PRIV_SHIFT;

	if (rv_is32(cpu))
		f |= RV_TBF_RV32;
	if (cpu->frm != RV_RM_RNE)
		f |= RV_TBF_FRM;
	if (fs == FS_OFF)
		f |= RV_TBF_FS_OFF;
	else if (fs != FS_DIRTY)
		f |= RV_TBF_FS_CLEAN;
	/* MPRV: M-mode loads and stores translate as in MPP (3.1.6.3) */
	if (cpu->priv == RV_PRIV_M && (s & MSTATUS_MPRV))
		eff = (unsigned)((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
	if (eff == RV_PRIV_M)
		idx = RV_MMU_M;
	else if (eff == RV_PRIV_S)
		idx = (s & MSTATUS_SUM) ? RV_MMU_S_SUM : RV_MMU_S;
	else
		idx = RV_MMU_U;
	cpu->c.tb_flags = f | idx << RV_TBF_MMU_SHIFT;
}

uint64_t rv_time(struct rv_cpu *cpu)
{
	if (cpu->plat && cpu->plat->time)
		return cpu->plat->time(cpu->plat->opaque);
	/* 10 MHz, the timebase of QEMU's virt board */
	return (uint64_t)exec_clock_ns(&cpu->c, CLOCK_MONOTONIC) / 100;
}

/* ---- Interrupts (3.1.9) */

uint64_t rv_mip(struct rv_cpu *cpu)
{
	uint64_t mip = __atomic_load_n(&cpu->mip, __ATOMIC_SEQ_CST);

	if (__atomic_load_n(&cpu->seip_line, __ATOMIC_SEQ_CST))
		mip |= MIP_SEIP;
	if (cpu->menvcfg & MENVCFG_STCE) {
		/* Sstc: STIP is time >= stimecmp, read-only */
		mip &= ~MIP_STIP;
		if (__atomic_load_n(&cpu->stip_sstc, __ATOMIC_SEQ_CST))
			mip |= MIP_STIP;
	}
	return mip;
}

/* Decreasing priority: MEI, MSI, MTI, SEI, SSI, STI */
static const uint8_t irq_order[] = {11, 3, 7, 9, 1, 5};

static int highest(uint64_t pending)
{
	for (unsigned i = 0; i < sizeof(irq_order); i++)
		if (pending & (1ull << irq_order[i]))
			return irq_order[i];
	return -1;
}

/* The interrupt to take now, or -1. */
static int pending_irq(struct rv_cpu *cpu)
{
	uint64_t pend = rv_mip(cpu) & cpu->mie;
	uint64_t m = pend & ~cpu->mideleg, s = pend & cpu->mideleg;
	bool m_on = cpu->priv < RV_PRIV_M || (cpu->mstatus & MSTATUS_MIE);
	bool s_on =
	    cpu->priv < RV_PRIV_S || (cpu->priv == RV_PRIV_S && (cpu->mstatus & MSTATUS_SIE));

	if (!pend)
		return -1;
	if (m_on && m)
		return highest(m);
	if (s_on && s)
		return highest(s);
	return -1;
}

void rv_irq_recheck(struct rv_cpu *cpu)
{
	if (pending_irq(cpu) >= 0)
		__atomic_store_n(&cpu->c.interrupt_request, 1, __ATOMIC_SEQ_CST);
}

void rv_sstc_update(struct rv_cpu *cpu)
{
	bool on = (cpu->menvcfg & MENVCFG_STCE) && rv_time(cpu) >= cpu->stimecmp;

	__atomic_store_n(&cpu->stip_sstc, on, __ATOMIC_SEQ_CST);
	if (on) {
		__atomic_store_n(&cpu->c.interrupt_request, 1, __ATOMIC_SEQ_CST);
		cpu_wakeup(&cpu->c);
	}
}

void rv_hart_set_irq(void *opaque, int n, int level)
{
	struct rv_cpu *cpu = opaque;

	if (n < 0 || n > 15)
		return;
	if (n == RV_IRQ_SEIP)
		__atomic_store_n(&cpu->seip_line, level != 0, __ATOMIC_SEQ_CST);
	else if (level)
		__atomic_or_fetch(&cpu->mip, 1ull << n, __ATOMIC_SEQ_CST);
	else
		__atomic_and_fetch(&cpu->mip, ~(1ull << n), __ATOMIC_SEQ_CST);
	if (level) {
		__atomic_store_n(&cpu->c.interrupt_request, 1, __ATOMIC_SEQ_CST);
		cpu_wakeup(&cpu->c);
	}
}

void rv_hart_timer_expired(struct cpu *c)
{
	rv_sstc_update(rv_cpu_of(c));
}

/* ---- Traps */

/*
 * Enter the trap handler for @cause (an interrupt number if @irq): in S-mode
 * when delegated and not coming from M-mode, else in M-mode. cpu->c.pc is
 * the instruction that trapped (or the next one, for an interrupt).
 */
static void rv_trap(struct rv_cpu *cpu, uint64_t cause, uint64_t tval, bool irq)
{
	static const char mode_letter[4] = {'U', 'S', 'H', 'M'};
	uint64_t deleg = irq ? cpu->mideleg : cpu->medeleg;
	uint64_t xcause = cause | (irq ? 1ull << (cpu->xlen - 1) : 0);
	uint64_t s = cpu->mstatus, pc = cpu->c.pc & xlen_mask(cpu), tvec;
	unsigned from = cpu->priv;

	tval &= xlen_mask(cpu);
	if (cpu->priv <= RV_PRIV_S && ((deleg >> cause) & 1)) {
		cpu->scause = xcause;
		cpu->sepc = pc;
		cpu->stval = tval;
		s = (s & ~(MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SIE)) |
		    ((s & MSTATUS_SIE) ? MSTATUS_SPIE : 0) |
		    (cpu->priv == RV_PRIV_S ? MSTATUS_SPP : 0);
		cpu->priv = RV_PRIV_S;
		tvec = cpu->stvec;
	} else {
		cpu->mcause = xcause;
		cpu->mepc = pc;
		cpu->mtval = tval;
		s = (s & ~(MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MIE)) |
		    ((s & MSTATUS_MIE) ? MSTATUS_MPIE : 0) |
		    (uint64_t)cpu->priv << MSTATUS_MPP_SHIFT;
		cpu->priv = RV_PRIV_M;
		tvec = cpu->mtvec;
	}
	cpu->mstatus = s;
	/* Vectored mode: interrupts go to BASE + 4 * cause (3.1.7) */
	if ((tvec & 3) == 1 && irq)
		cpu->c.pc = (tvec & ~3ull) + 4 * cause;
	else
		cpu->c.pc = tvec & ~3ull;
	cpu->c.pc &= xlen_mask(cpu);
	rv_update_flags(cpu);
	if (trace_on(TRACE_INT))
		trace_exception(&cpu->c, irq ? "interrupt" : "exception", xcause, tval,
				mode_letter[from & 3], mode_letter[cpu->priv & 3], pc, cpu->c.pc);
}

bool rv_do_exception(struct cpu *c, int excp)
{
	struct rv_cpu *cpu = rv_cpu_of(c);
	uint64_t tval = c->fault_addr;
	unsigned cause;

	switch (excp) {
	case EXCP_ILLEGAL:
		cause = RV_CAUSE_ILLEGAL; /* fault_addr: the instruction bits, or 0 */
		break;
	case EXCP_BREAKPOINT:
		cause = RV_CAUSE_BREAKPOINT;
		tval = c->pc;
		break;
	case EXCP_SYSCALL:
		cause = RV_CAUSE_ECALL_U + cpu->priv;
		tval = 0;
		break;
	case EXCP_SEGV: /* the bus refused a physical access */
		cause = c->fault_is_write == MMU_FETCH	 ? RV_CAUSE_INSN_ACCESS
			: c->fault_is_write == MMU_STORE ? RV_CAUSE_STORE_ACCESS
							 : RV_CAUSE_LOAD_ACCESS;
		break;
	case EXCP_BUS: /* misaligned with alignment required */
		cause = c->fault_is_write == MMU_FETCH	 ? RV_CAUSE_INSN_MISALIGNED
			: c->fault_is_write == MMU_STORE ? RV_CAUSE_STORE_MISALIGNED
							 : RV_CAUSE_LOAD_MISALIGNED;
		break;
	default:
		if (excp < RV_EXCP_CAUSE(0) || excp >= RV_EXCP_CAUSE(32))
			return false;
		cause = (unsigned)(excp - RV_EXCP_CAUSE(0));
		break;
	}
	rv_trap(cpu, cause, tval, false);
	rv_irq_recheck(cpu);
	return true;
}

bool rv_exec_interrupt(struct cpu *c)
{
	struct rv_cpu *cpu = rv_cpu_of(c);
	int irq;

	/* Cleared first: a line rising from now on sets it again. */
	__atomic_store_n(&c->interrupt_request, 0, __ATOMIC_SEQ_CST);
	irq = pending_irq(cpu);
	if (irq < 0)
		return false;
	rv_trap(cpu, (uint64_t)irq, 0, true);
	rv_irq_recheck(cpu);
	return true;
}

bool rv_cpu_has_work(struct cpu *c)
{
	struct rv_cpu *cpu = rv_cpu_of(c);

	return (rv_mip(cpu) & __atomic_load_n(&cpu->mie, __ATOMIC_RELAXED)) != 0;
}

unsigned rv_fetch_mmu_idx(uint32_t flags)
{
	switch ((flags & RV_TBF_PRIV_MASK) >> RV_TBF_PRIV_SHIFT) {
	case RV_PRIV_U:
		return RV_MMU_U;
	case RV_PRIV_S:
		return RV_MMU_S;
	default:
		return RV_MMU_M;
	}
}

const char *rv_mode_name(struct cpu *c)
{
	static const char *const names[4] = {"U", "S", "H", "M"};

	return c->softmmu ? names[rv_cpu_of(c)->priv & 3] : "U";
}

void rv_raise(struct rv_cpu *cpu, unsigned cause, uint64_t tval)
{
	cpu->c.fault_addr = tval;
	cpu_loop_exit(&cpu->c, RV_EXCP_CAUSE(cause));
}

void rv_raise_illegal_insn(struct rv_cpu *cpu, uint32_t insn)
{
	cpu->c.fault_addr = insn;
	cpu_loop_exit(&cpu->c, EXCP_ILLEGAL);
}

/* ---- Helpers of the privileged instructions */

void helper_rv_illegal_insn(struct rv_cpu *env, uint32_t insn)
{
	rv_raise_illegal_insn(env, insn);
}

void helper_rv_misaligned_store(struct rv_cpu *env, uint64_t addr)
{
	env->c.fault_addr = addr;
	env->c.fault_is_write = MMU_STORE;
	cpu_loop_exit(&env->c, EXCP_BUS);
}

void helper_rv_mark_fs_dirty(struct rv_cpu *env)
{
	env->mstatus |= MSTATUS_FS;
	rv_update_flags(env);
}

/* mret (3.3.2): back to MPP with MIE = MPIE */
void helper_rv_mret(struct rv_cpu *env)
{
	uint64_t s = env->mstatus;
	unsigned mpp = (unsigned)((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);

	if (env->priv != RV_PRIV_M)
		rv_raise_illegal_insn(env, INSN_MRET);
	s = (s & ~(MSTATUS_MIE | MSTATUS_MPP)) | ((s & MSTATUS_MPIE) ? MSTATUS_MIE : 0) |
	    MSTATUS_MPIE; /* MPP := U, the least-privileged mode */
	if (mpp != RV_PRIV_M)
		s &= ~MSTATUS_MPRV;
	env->mstatus = s;
	env->priv = mpp;
	env->c.pc = env->mepc & xlen_mask(env);
	rv_update_flags(env);
	rv_irq_recheck(env);
}

/* sret: back to SPP with SIE = SPIE; illegal in U-mode and under TSR */
void helper_rv_sret(struct rv_cpu *env)
{
	uint64_t s = env->mstatus;

	if (env->priv == RV_PRIV_U || (env->priv == RV_PRIV_S && (s & MSTATUS_TSR)))
		rv_raise_illegal_insn(env, INSN_SRET);
	env->priv = (s & MSTATUS_SPP) ? RV_PRIV_S : RV_PRIV_U;
	s = (s & ~(MSTATUS_SIE | MSTATUS_SPP | MSTATUS_MPRV)) |
	    ((s & MSTATUS_SPIE) ? MSTATUS_SIE : 0) | MSTATUS_SPIE;
	env->mstatus = s;
	env->c.pc = env->sepc & xlen_mask(env);
	rv_update_flags(env);
	rv_irq_recheck(env);
}

/*
 * wfi (3.3.3): illegal in U-mode and, under TW, in S-mode. It completes at
 * once when an interrupt is pending locally (mip & mie, whatever the global
 * enables); else the hart stops at the next instruction until one is.
 */
void helper_rv_wfi(struct rv_cpu *env, uint64_t next_pc)
{
	if (env->priv == RV_PRIV_U || (env->priv == RV_PRIV_S && (env->mstatus & MSTATUS_TW)))
		rv_raise_illegal_insn(env, INSN_WFI);
	if (rv_mip(env) & env->mie)
		return;
	env->c.pc = next_pc & xlen_mask(env);
	cpu_loop_exit(&env->c, EXCP_HALTED);
}

/*
 * sfence.vma (4.2.1). The TLBs only ever hold translations of the current
 * ASID (a satp write flushes them), so a fence for another ASID has nothing
 * to drop.
 */
void helper_rv_sfence_vma(struct rv_cpu *env, uint64_t vaddr, uint64_t asid, uint32_t which)
{
	if (env->priv == RV_PRIV_U || (env->priv == RV_PRIV_S && (env->mstatus & MSTATUS_TVM)))
		rv_raise_illegal_insn(env, 0x12000073u | (uint32_t)(which & 1) << 15);
	if (which & 2) {
		uint64_t cur =
		    rv_is32(env) ? (env->satp >> 22) & 0x1ff : (env->satp >> 44) & 0xffff;
		if ((asid & 0xffff) != cur)
			return;
	}
	if (which & 1)
		tlb_flush_page_mmuidx(&env->c, vaddr & xlen_mask(env), RV_MMU_TRANSLATED);
	else
		tlb_flush_mmuidx(&env->c, RV_MMU_TRANSLATED);
}

/* ---- The hart interface (rv-hart.h) */

void rv_hart_init(struct cpu *c, struct bus *bus, uint64_t hartid, const struct rv_platform *plat)
{
	struct rv_cpu *cpu = rv_cpu_of(c);

	cpu->mhartid = hartid;
	cpu->plat = plat;
	softmmu_attach(c, bus);
	rv_hart_reset(c, 0);
}

void rv_hart_reset(struct cpu *c, uint64_t pc)
{
	struct rv_cpu *cpu = rv_cpu_of(c);
	bool rv32 = rv_is32(cpu);

	memset(cpu->x, 0, sizeof(cpu->x));
	memset(cpu->f, 0, sizeof(cpu->f));
	rv_set_fflags(cpu, 0);
	rv_set_frm(cpu, RV_RM_RNE);
	cpu->load_res = ~(uint64_t)0;
	cpu->priv = RV_PRIV_M;
	cpu->mstatus = rv32 ? 0 : (2ull << 32 | 2ull << 34); /* UXL = SXL = 64 */
	cpu->misa = (rv32 ? 1ull << 30 : 2ull << 62) | cpu->misa_ext | 1u << ('S' - 'A');
	cpu->medeleg = cpu->mideleg = cpu->mie = 0;
	/* the lines keep their levels (a device drives them); software bits clear */
	__atomic_and_fetch(&cpu->mip, MIP_MSIP | MIP_MTIP | MIP_MEIP, __ATOMIC_SEQ_CST);
	cpu->stip_sstc = 0;
	cpu->mtvec = cpu->stvec = 0;
	cpu->mscratch = cpu->sscratch = cpu->mepc = cpu->sepc = 0;
	cpu->mcause = cpu->scause = cpu->mtval = cpu->stval = 0;
	cpu->satp = 0;
	cpu->mcounteren = cpu->scounteren = cpu->mcountinhibit = 0;
	cpu->menvcfg = cpu->senvcfg = 0;
	cpu->stimecmp = ~0ull;
	cpu->mcycle_delta = cpu->minstret_delta = 0;
	memset(cpu->pmpcfg, 0, sizeof(cpu->pmpcfg));
	memset(cpu->pmpaddr, 0, sizeof(cpu->pmpaddr));
	cpu->pmp_active = 0;
	c->pc = pc;
	c->interrupt_request = 0;
	tlb_flush(c);
	rv_update_flags(cpu);
}

void rv_hart_set_xlen(struct cpu *c, unsigned xlen)
{
	rv_cpu_of(c)->xlen = xlen == 32 ? 32 : 64;
	rv_hart_reset(c, 0);
}

void rv_hart_set_xreg(struct cpu *c, unsigned n, uint64_t v)
{
	struct rv_cpu *cpu = rv_cpu_of(c);

	if (n && n < 32)
		cpu->x[n] = rv_is32(cpu) ? (uint64_t)(int64_t)(int32_t)v : v;
}

void rv_hart_set_trap_misaligned(struct cpu *c, bool trap)
{
	rv_cpu_of(c)->trap_misaligned = trap;
}

void rv_hart_isa_string(struct cpu *c, char *buf, size_t size)
{
	struct rv_cpu *cpu = rv_cpu_of(c);

	snprintf(buf, size, "rv%uimafdc_zicntr_zicsr_zifencei_zihintpause_zihpm_zba_zbb_zbs%s%s",
		 cpu->xlen, cpu->plat && cpu->plat->set_timer ? "_sstc" : "",
		 rv_is32(cpu) ? "" : "_svpbmt");
}

const char *rv_hart_mmu_type(struct cpu *c)
{
	return rv_is32(rv_cpu_of(c)) ? "riscv,sv32" : "riscv,sv57";
}

/* ---- State dump (arch.c) */

void rv_sys_dump_state(struct cpu *c, FILE *f)
{
	struct rv_cpu *cpu = rv_cpu_of(c);

	if (!c->softmmu)
		return;
	fprintf(f,
		"priv %s mstatus %016" PRIx64 " mip %03" PRIx64 " mie %03" PRIx64
		" satp %016" PRIx64 "\n",
		rv_mode_name(c), cpu->mstatus, rv_mip(cpu), cpu->mie, cpu->satp);
	fprintf(f,
		"mepc %016" PRIx64 " mcause %016" PRIx64 " mtval %016" PRIx64 " mtvec %016" PRIx64
		"\n",
		cpu->mepc, cpu->mcause, cpu->mtval, cpu->mtvec);
	fprintf(f,
		"sepc %016" PRIx64 " scause %016" PRIx64 " stval %016" PRIx64 " stvec %016" PRIx64
		"\n",
		cpu->sepc, cpu->scause, cpu->stval, cpu->stvec);
}
