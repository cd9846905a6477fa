/*
 * MIPS32 address translation (Volume III chapter 4): the fixed segments
 * (kuseg mapped, kseg0/kseg1 unmapped onto the low 512 MiB, kseg2/kseg3
 * mapped), the software-managed TLB and its instructions, and
 * arch->tlb_fill, which installs what the guest TLB allows into the softMMU.
 *
 * The softMMU is the shadow of the guest TLB: it holds translations of the
 * current ASID only (mips_set_entryhi() drops them when the ASID changes)
 * and every TLB write drops the pages the overwritten entry mapped.
 *
 * Guest virtual addresses arrive as the frontend computes them: 32-bit
 * values sign-extended to 64 bits (pc, most data addresses), or zero-extended
 * after a wrap. Translation uses the low 32 bits; entries are installed
 * under the address as given, and flushes drop both forms.
 */
#include <inttypes.h>

#include "morph/softmmu.h"
#include "frontends/mips/mips-gen.h"
#include "frontends/mips/mips-sys.h"

#define KSEG0 0x80000000u
#define KSEG2 0xc0000000u

/* Bytes covered by one of the entry's two pages */
static uint32_t entry_page_size(const struct mips_tlb_entry *e)
{
	return ((e->mask | 0x1fffu) + 1) >> 1;
}

static bool entry_matches(const struct mips_tlb_entry *e, uint32_t va, uint32_t asid)
{
	uint32_t vmask = ~(e->mask | 0x1fffu);

	return ((e->hi ^ va) & vmask) == 0 &&
	       ((e->lo0 & e->lo1 & ENTRYLO_G) || (e->hi & ENTRYHI_ASID) == asid);
}

/* The entry mapping @va under @asid, or -1. */
static int tlb_lookup(const struct mips_cp0 *c, uint32_t va, uint32_t asid)
{
	for (unsigned i = 0; i < c->ntlb; i++)
		if (entry_matches(&c->tlb[i], va, asid))
			return (int)i;
	return -1;
}

/* Record a TLB exception's state (9.8 BadVAddr, 9.5 Context, 9.14 EntryHi) and raise it. */
static _Noreturn void tlb_fault(struct mips_cpu *cpu, uint32_t va, unsigned code, bool refill)
{
	struct mips_cp0 *c = &cpu->cp0;

	c->badvaddr = va;
	c->context = (c->context & 0xff800000u) | ((va >> 9) & 0x007ffff0u);
	c->entryhi = (c->entryhi & ENTRYHI_ASID) | (va & ENTRYHI_VPN2);
	if (refill)
		cpu_loop_exit(&cpu->c, MIPS_EXCP_REFILL(code));
	mips_raise_exc(cpu, code);
}

static _Noreturn void address_error(struct mips_cpu *cpu, uint32_t va, enum mmu_access access)
{
	cpu->cp0.badvaddr = va;
	mips_raise_exc(cpu, access == MMU_STORE ? EXC_ADES : EXC_ADEL);
}

unsigned mips_fetch_mmu_idx(uint32_t tb_flags)
{
	if (tb_flags & MIPS_TBF_USER)
		return MIPS_MMU_USER;
	return tb_flags & MIPS_TBF_ERL ? MIPS_MMU_ERL : MIPS_MMU_KERNEL;
}

bool mips_tlb_fill(struct cpu *c, uint64_t vaddr, unsigned size, enum mmu_access access,
		   unsigned mmu_idx, bool probe)
{
	struct mips_cpu *cpu = (struct mips_cpu *)c;
	struct mips_cp0 *cp0 = &cpu->cp0;
	uint32_t va = (uint32_t)vaddr, asid = cp0->entryhi & ENTRYHI_ASID;
	const struct mips_tlb_entry *e;
	uint32_t lo, psize;
	unsigned prot;
	int i;

	(void)size;
	if (va >= KSEG0 && mmu_idx == MIPS_MMU_USER) {
		if (probe)
			return false;
		address_error(cpu, va, access);
	}
	if ((va >= KSEG0 && va < KSEG2) || (mmu_idx == MIPS_MMU_ERL && va < KSEG0)) {
		/* kseg0 and kseg1 (cached or not: the same to us), kuseg under ERL */
		uint32_t pa = va < KSEG0 ? va : va & 0x1fffffffu;

		tlb_set_page(c, mmu_idx, vaddr & TLB_PAGE_MASK, pa & ~0xfffu,
			     PAGE_R | PAGE_W | PAGE_X);
		return true;
	}
	i = tlb_lookup(cp0, va, asid);
	if (i < 0) {
		if (probe)
			return false;
		tlb_fault(cpu, va, access == MMU_STORE ? EXC_TLBS : EXC_TLBL, true);
	}
	e = &cp0->tlb[i];
	psize = entry_page_size(e);
	lo = va & psize ? e->lo1 : e->lo0;
	if (!(lo & ENTRYLO_V)) {
		if (probe)
			return false;
		tlb_fault(cpu, va, access == MMU_STORE ? EXC_TLBS : EXC_TLBL, false);
	}
	if (access == MMU_STORE && !(lo & ENTRYLO_D)) {
		if (probe)
			return false;
		tlb_fault(cpu, va, EXC_MOD, false);
	}
	/* a clean page maps read-only, so the first store comes back for Mod */
	prot = PAGE_R | PAGE_X | (lo & ENTRYLO_D ? PAGE_W : 0);
	if (!(e->lo0 & e->lo1 & ENTRYLO_G))
		cp0->asid_pages = true;
	{
		uint64_t pbase = (uint64_t)(lo >> 6) << 12 & ~(uint64_t)(psize - 1);
		uint64_t pa = pbase | (va & (psize - 1));

		tlb_set_page_size(c, mmu_idx, vaddr & TLB_PAGE_MASK, pa & ~0xfffull, prot,
				  psize < TLB_PAGE_SIZE ? TLB_PAGE_SIZE : psize);
	}
	return true;
}

/* ---- The shadow */

/* Both address forms of a 32-bit virtual page */
static void flush_page(struct mips_cpu *cpu, uint32_t va)
{
	tlb_flush_page(&cpu->c, va);
	if (va >= KSEG0)
		tlb_flush_page(&cpu->c, (uint64_t)(int64_t)(int32_t)va);
}

void mips_tlb_flush_shadow(struct mips_cpu *cpu, const struct mips_tlb_entry *e)
{
	uint32_t psize = entry_page_size(e), base = e->hi & ~(e->mask | 0x1fffu);

	if (!((e->lo0 | e->lo1) & ENTRYLO_V))
		return; /* nothing was ever installed from it */
	if (psize > 16 * TLB_PAGE_SIZE) {
		tlb_flush(&cpu->c);
		cpu->cp0.asid_pages = false;
		return;
	}
	for (uint32_t off = 0; off < 2 * psize; off += TLB_PAGE_SIZE)
		flush_page(cpu, base + off);
}

/* ---- tlbwi, tlbwr, tlbp, tlbr (Volume II) */

static void tlb_write(struct mips_cpu *cpu, unsigned i)
{
	struct mips_cp0 *c = &cpu->cp0;
	struct mips_tlb_entry *e = &c->tlb[i % c->ntlb];

	mips_tlb_flush_shadow(cpu, e);
	e->mask = c->pagemask;
	e->hi = c->entryhi & ~c->pagemask;
	e->lo0 = c->entrylo0;
	e->lo1 = c->entrylo1;
}

void helper_mips_tlbwi(struct mips_cpu *env)
{
	tlb_write(env, env->cp0.index & 0x7fffffffu);
}

void helper_mips_tlbwr(struct mips_cpu *env)
{
	struct mips_cp0 *c = &env->cp0;

	c->random_seed = c->random_seed * 1103515245u + 12345u;
	tlb_write(env, c->wired + (c->random_seed >> 16) % (c->ntlb - c->wired));
}

void helper_mips_tlbp(struct mips_cpu *env)
{
	struct mips_cp0 *c = &env->cp0;
	int i = tlb_lookup(c, c->entryhi & ENTRYHI_VPN2, c->entryhi & ENTRYHI_ASID);

	c->index = i < 0 ? 0x80000000u : (uint32_t)i;
}

void helper_mips_tlbr(struct mips_cpu *env)
{
	struct mips_cp0 *c = &env->cp0;
	const struct mips_tlb_entry *e = &c->tlb[(c->index & 0x7fffffffu) % c->ntlb];
	uint32_t g = e->lo0 & e->lo1 & ENTRYLO_G;

	c->pagemask = e->mask;
	c->entrylo0 = (e->lo0 & ~ENTRYLO_G) | g;
	c->entrylo1 = (e->lo1 & ~ENTRYLO_G) | g;
	mips_set_entryhi(env, e->hi);
}
