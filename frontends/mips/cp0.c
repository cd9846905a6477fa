/*
 * Coprocessor 0 of a 24Kf-class MIPS32 release 2 core: the registers mfc0
 * and mtc0 reach (Volume III chapter 9), the Count/Compare timer on IP7,
 * the interrupt state, and the TB flags derived from Status.
 *
 * Count runs at MIPS_COUNT_HZ from guest time (exec_clock_ns(): the host
 * clock, or the instruction count under --icount). Compare arms a deadline
 * with the platform (struct mips_platform); Cause.TI is evaluated whenever
 * it matters (Cause reads, interrupt checks, wait), so the deadline only
 * has to kick the hart out of guest code.
 */
#include <string.h>
#include <time.h>

#include "morph/exec.h"
#include "morph/softmmu.h"
#include "frontends/mips/mips-gen.h"
#include "frontends/mips/mips-hart.h"
#include "frontends/mips/mips-sys.h"

/* Config registers (9.40-9.43): QEMU's 24Kf, with Config3.ULRI (UserLocal) */
#define CONFIG0_M (1u << 31)
#define CONFIG0_BE (1u << 15)
#define CONFIG0_AR_R2 (1u << 10)
#define CONFIG0_MT_TLB (1u << 7)
#define CONFIG0_K0 7u
#define CONFIG1 (1u << 31 | 0u << 22 | 3u << 19 | 1u << 16 | 0u << 13 | 3u << 10 | 1u << 7 | 1u)
#define CONFIG1_MMU_SHIFT 25
#define CONFIG2 (1u << 31)
#define CONFIG3_ULRI (1u << 13)
#define INTCTL_IPTI (7u << 29) /* the timer interrupt is IP7 */
#define INTCTL_VS (0x1fu << 5)
#define HWRENA_WMASK 0x6000000fu
#define EBASE_WMASK 0x3ffff000u
#define CONTEXT_WMASK 0xff800000u

#define IP_TIMER (1u << 15) /* Cause.IP7 */

static uint64_t sext32(uint32_t v)
{
	return (uint64_t)(int64_t)(int32_t)v;
}

/* ---- The timer */

/* Guest time in Count ticks (64 bits: never wraps). */
static uint64_t count_ticks(struct mips_cpu *cpu)
{
	return (uint64_t)exec_clock_ns(&cpu->c, CLOCK_MONOTONIC) / MIPS_NS_PER_COUNT;
}

static uint32_t count_read(struct mips_cpu *cpu)
{
	return (uint32_t)(count_ticks(cpu) + (uint64_t)cpu->cp0.count_offset);
}

/* Cause.TI once Count has reached Compare (one-shot until Compare is written). */
static void timer_check(struct mips_cpu *cpu)
{
	struct mips_cp0 *c = &cpu->cp0;

	if (c->compare_at != UINT64_MAX && count_ticks(cpu) >= c->compare_at) {
		c->compare_at = UINT64_MAX;
		__atomic_store_n(&c->timer_pending, 1, __ATOMIC_SEQ_CST);
	}
}

/* Compare or Count was written: the next time Count equals Compare. */
static void timer_arm(struct mips_cpu *cpu)
{
	struct mips_cp0 *c = &cpu->cp0;
	uint64_t now = count_ticks(cpu);
	uint32_t delta = c->compare - (uint32_t)(now + (uint64_t)c->count_offset);

	c->compare_at = now + (delta ? delta : 1ull << 32);
	if (c->plat && c->plat->set_timer)
		c->plat->set_timer(c->plat->opaque, &cpu->c,
				   (int64_t)(c->compare_at * MIPS_NS_PER_COUNT));
}

int64_t mips_hart_timer_deadline_ns(struct cpu *c)
{
	struct mips_cpu *cpu = (struct mips_cpu *)c;

	if (cpu->cp0.compare_at == UINT64_MAX)
		return INT64_MAX;
	return (int64_t)(cpu->cp0.compare_at * MIPS_NS_PER_COUNT);
}

void mips_hart_timer_expired(struct cpu *c)
{
	/* the hart evaluates Cause.TI itself (timer_check) at the next TB boundary */
	__atomic_store_n(&c->interrupt_request, 1, __ATOMIC_SEQ_CST);
	cpu_wakeup(c);
}

/* ---- Interrupts */

uint32_t mips_cause_ip(struct mips_cpu *cpu)
{
	struct mips_cp0 *c = &cpu->cp0;
	uint32_t ip = (c->cause & CAUSE_IP_SW) | __atomic_load_n(&c->ip_lines, __ATOMIC_SEQ_CST);

	timer_check(cpu);
	if (__atomic_load_n(&c->timer_pending, __ATOMIC_SEQ_CST))
		ip |= IP_TIMER;
	return ip;
}

void mips_irq_recheck(struct mips_cpu *cpu)
{
	uint32_t s = cpu->cp0.status;

	if ((s & ST_IE) && !(s & (ST_EXL | ST_ERL)) && (mips_cause_ip(cpu) & s & ST_IM))
		__atomic_store_n(&cpu->c.interrupt_request, 1, __ATOMIC_SEQ_CST);
}

void mips_hart_set_irq(void *opaque, int n, int level)
{
	struct cpu *c = opaque;
	struct mips_cpu *cpu = (struct mips_cpu *)c;
	uint32_t bit = 1u << (8 + n);

	if (n < 2 || n > 7)
		return;
	if (level) {
		__atomic_or_fetch(&cpu->cp0.ip_lines, bit, __ATOMIC_SEQ_CST);
		__atomic_store_n(&c->interrupt_request, 1, __ATOMIC_SEQ_CST);
		cpu_wakeup(c);
	} else {
		__atomic_and_fetch(&cpu->cp0.ip_lines, ~bit, __ATOMIC_SEQ_CST);
	}
}

/* ---- Status and the TB flags */

void mips_update_flags(struct mips_cpu *cpu)
{
	uint32_t s = cpu->cp0.status, f = MIPS_TBF_SYS;

	cpu->fr = (s & ST_FR) != 0;
	if (cpu->fr)
		f |= MIPS_TBF_FR;
	if (s & ST_CU1)
		f |= MIPS_TBF_CU1;
	if (s & ST_ERL)
		f |= MIPS_TBF_ERL;
	else if ((s & ST_KSU) && !(s & ST_EXL))
		f |= MIPS_TBF_USER; /* supervisor mode runs as user mode */
	cpu->c.tb_flags = f;
}

void mips_set_entryhi(struct mips_cpu *cpu, uint32_t v)
{
	struct mips_cp0 *c = &cpu->cp0;

	v &= ENTRYHI_WMASK;
	/* the shadow TLB holds translations of one ASID only (and global ones) */
	if (((v ^ c->entryhi) & ENTRYHI_ASID) && c->asid_pages) {
		tlb_flush(&cpu->c);
		c->asid_pages = false;
	}
	c->entryhi = v;
}

/* ---- Reset */

void mips_sys_reset(struct mips_cpu *cpu)
{
	struct mips_cp0 *c = &cpu->cp0;
	const struct mips_platform *plat = c->plat;
	uint32_t lines = __atomic_load_n(&c->ip_lines, __ATOMIC_SEQ_CST);
	unsigned id = c->ebase & 0x3ff;

	memset(c, 0, sizeof(*c));
	c->plat = plat;
	c->ip_lines = lines; /* driven by the devices, which keep their levels */
	c->ntlb = MIPS_TLB_ENTRIES;
	c->status = ST_BEV | ST_ERL;
	c->intctl = INTCTL_IPTI;
	c->ebase = 0x80000000u | id;
	c->config0 = CONFIG0_M | CONFIG0_AR_R2 | CONFIG0_MT_TLB | 2u |
		     (cpu->c.arch->big_endian ? CONFIG0_BE : 0);
	c->compare_at = UINT64_MAX;
	c->count_offset = -(int64_t)count_ticks(cpu);
	for (unsigned i = 0; i < MIPS_TLB_MAX; i++)
		c->tlb[i].hi = 0x80000000u + (i << 13); /* unmatchable: kseg0 */
	if (plat && plat->set_timer)
		plat->set_timer(plat->opaque, &cpu->c, INT64_MAX);
	tlb_flush(&cpu->c);
	mips_update_flags(cpu);
}

/* ---- mfc0 / mtc0: a = reg * 8 + sel */

#define R(reg, sel) ((reg)*8 + (sel))

uint64_t helper_mips_mfc0(struct mips_cpu *env, uint32_t r)
{
	struct mips_cp0 *c = &env->cp0;

	switch (r) {
	case R(0, 0):
		return sext32(c->index);
	case R(1, 0):
		/* Random: anything from Wired to the last entry */
		c->random_seed = c->random_seed * 1103515245u + 12345u;
		return c->wired + (c->random_seed >> 16) % (c->ntlb - c->wired);
	case R(2, 0):
		return c->entrylo0;
	case R(3, 0):
		return c->entrylo1;
	case R(4, 0):
		return sext32(c->context);
	case R(4, 2):
		return env->ulr;
	case R(5, 0):
		return c->pagemask;
	case R(6, 0):
		return c->wired;
	case R(7, 0):
		return c->hwrena;
	case R(8, 0):
		return sext32(c->badvaddr);
	case R(9, 0):
		return sext32(count_read(env));
	case R(10, 0):
		return sext32(c->entryhi);
	case R(11, 0):
		return sext32(c->compare);
	case R(12, 0):
		return sext32(c->status);
	case R(12, 1):
		return sext32(c->intctl);
	case R(12, 2):
		return c->srsctl;
	case R(13, 0): {
		uint32_t ip = mips_cause_ip(env);
		bool ti = __atomic_load_n(&c->timer_pending, __ATOMIC_SEQ_CST);
		return sext32((c->cause & ~(CAUSE_IP | CAUSE_TI)) | ip | (ti ? CAUSE_TI : 0));
	}
	case R(14, 0):
		return sext32(c->epc);
	case R(15, 0):
		return MIPS_PRID_24KF;
	case R(15, 1):
		return sext32(c->ebase);
	case R(16, 0):
		return sext32(c->config0);
	case R(16, 1):
		return sext32(CONFIG1 | (c->ntlb - 1) << CONFIG1_MMU_SHIFT);
	case R(16, 2):
		return sext32(CONFIG2);
	case R(16, 3):
		return CONFIG3_ULRI;
	case R(17, 0):
		return c->lladdr_reg;
	case R(30, 0):
		return sext32(c->errorepc);
	case R(31, 0):
		return sext32(c->desave);
	case R(31, 2):
		return sext32(c->kscratch[0]);
	case R(31, 3):
		return sext32(c->kscratch[1]);
	default:
		return 0; /* unimplemented: reads as zero */
	}
}

void helper_mips_mtc0(struct mips_cpu *env, uint32_t r, uint64_t val)
{
	struct mips_cp0 *c = &env->cp0;
	uint32_t v = (uint32_t)val;

	switch (r) {
	case R(0, 0):
		c->index = (c->index & 0x80000000u) | (v & (c->ntlb - 1));
		break;
	case R(2, 0):
		c->entrylo0 = v & ENTRYLO_WMASK;
		break;
	case R(3, 0):
		c->entrylo1 = v & ENTRYLO_WMASK;
		break;
	case R(4, 0):
		c->context = (c->context & ~CONTEXT_WMASK) | (v & CONTEXT_WMASK);
		break;
	case R(4, 2):
		env->ulr = val;
		break;
	case R(5, 0):
		c->pagemask = v & PAGEMASK_WMASK;
		break;
	case R(6, 0):
		c->wired = v < c->ntlb ? v : c->ntlb - 1;
		break;
	case R(7, 0):
		c->hwrena = v & HWRENA_WMASK;
		break;
	case R(9, 0):
		c->count_offset = (int64_t)v - (int64_t)count_ticks(env);
		timer_arm(env);
		break;
	case R(10, 0):
		mips_set_entryhi(env, v);
		break;
	case R(11, 0):
		c->compare = v;
		__atomic_store_n(&c->timer_pending, 0, __ATOMIC_SEQ_CST);
		timer_arm(env);
		break;
	case R(12, 0):
		c->status = (c->status & ~ST_WMASK) | (v & ST_WMASK);
		mips_update_flags(env);
		mips_irq_recheck(env);
		break;
	case R(12, 1):
		c->intctl = INTCTL_IPTI | (v & INTCTL_VS);
		break;
	case R(13, 0):
		c->cause = (c->cause & ~CAUSE_WMASK) | (v & CAUSE_WMASK);
		mips_irq_recheck(env);
		break;
	case R(14, 0):
		c->epc = v;
		break;
	case R(15, 1):
		c->ebase = (c->ebase & ~EBASE_WMASK) | (v & EBASE_WMASK);
		break;
	case R(16, 0):
		c->config0 = (c->config0 & ~CONFIG0_K0) | (v & CONFIG0_K0);
		break;
	case R(30, 0):
		c->errorepc = v;
		break;
	case R(31, 0):
		c->desave = v;
		break;
	case R(31, 2):
		c->kscratch[0] = v;
		break;
	case R(31, 3):
		c->kscratch[1] = v;
		break;
	default:
		break; /* read-only or unimplemented: ignored */
	}
}

/* di / ei: the old Status, then IE := @enable */
uint64_t helper_mips_dei(struct mips_cpu *env, uint32_t enable)
{
	uint32_t old = env->cp0.status;

	env->cp0.status = enable ? old | ST_IE : old & ~ST_IE;
	if (enable)
		mips_irq_recheck(env);
	return sext32(old);
}
