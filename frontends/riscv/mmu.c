/*
 * Address translation of system mode: the Sv32/Sv39/Sv48/Sv57 page-table
 * walk (privileged spec 1.12 section 4.3.2, 4.4-4.6), physical memory
 * protection (3.7) and arch->tlb_fill, which installs what they allow into
 * the softMMU TLB.
 *
 * A and D bits are updated by the walk itself, atomically (what Svadu calls
 * hardware updating; the 1.12 spec allows either this or raising page
 * faults). A translation found for a load or fetch of a page whose D bit is
 * clear is installed without write permission, so the first store walks
 * again and sets D. menvcfg.ADUE reads as zero: updating cannot be turned
 * off (we do not advertise Svadu, so software may not expect to).
 *
 * Svpbmt: the PBMT field is accepted when menvcfg.PBMTE is set (the memory
 * types change nothing here), else it is reserved and faults; PBMT = 3 and
 * the N bit (Svnapot is not implemented) fault too.
 *
 * PMP: 16 entries, granularity 4 bytes (G = 0), OFF/TOR/NA4/NAPOT, locking.
 * A page fully inside one matching region (or outside all of them) is
 * cached in the TLB with that region's permissions; a page that a region
 * boundary cuts is checked on every access (PAGE_NOTLB).
 */
#include <inttypes.h>
#include <stdio.h>

#include "morph/bus.h"
#include "morph/softmmu.h"
#include "morph/trace.h"
#include "frontends/riscv/rv-sys.h"

/* PTE bits (4.3.1, 4.4.1) */
#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_G (1ull << 5)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
#define PTE_PPN_SHIFT 10
#define PTE64_PPN_MASK ((1ull << 44) - 1)
#define PTE64_RESERVED (0x7full << 54)
#define PTE64_PBMT (3ull << 61)
#define PTE64_N (1ull << 63)

/* ---- PMP */

/* The range [lo, hi) entry @e covers, false if it is off. */
static bool pmp_range(const struct rv_cpu *cpu, unsigned e, uint64_t *lo, uint64_t *hi)
{
	unsigned a = (cpu->pmpcfg[e] & PMP_A) >> PMP_A_SHIFT;
	uint64_t addr = cpu->pmpaddr[e];

	switch (a) {
	case PMP_A_TOR:
		*lo = e ? cpu->pmpaddr[e - 1] << 2 : 0;
		*hi = addr << 2;
		return *lo < *hi;
	case PMP_A_NA4:
		*lo = addr << 2;
		*hi = *lo + 4;
		return true;
	case PMP_A_NAPOT: {
		/* trailing ones give the size: yyyy0111 = 2^(3+3) bytes */
		unsigned ones = (unsigned)__builtin_ctzll(~addr);
		if (ones >= 54) {
			*lo = 0;
			*hi = ~0ull;
			return true;
		}
		uint64_t size = 1ull << (ones + 3);
		*lo = (addr << 2) & ~(size - 1);
		*hi = *lo + size;
		return true;
	}
	default:
		return false;
	}
}

void rv_pmp_update(struct rv_cpu *cpu)
{
	uint32_t active = 0;
	uint64_t lo, hi;

	for (unsigned e = 0; e < RV_PMP_ENTRIES; e++)
		if (pmp_range(cpu, e, &lo, &hi))
			active |= 1u << e;
	cpu->pmp_active = active;
	/* Every translation may have other permissions now, M-mode's too */
	tlb_flush(&cpu->c);
}

/*
 * PMP permissions (PAGE_R/W/X) of privilege @priv for [@addr, @addr + @len):
 * the lowest-numbered entry matching any byte decides and must match all of
 * them (3.7.1.4). *@partial is set when that is not true of the whole page
 * containing the range, i.e. the result must not be cached for the page.
 */
static unsigned pmp_prot(const struct rv_cpu *cpu, uint64_t addr, uint64_t len, unsigned priv,
			 bool *partial)
{
	uint64_t page = addr & TLB_PAGE_MASK, page_end = page + TLB_PAGE_SIZE;
	uint64_t end = addr + len;

	*partial = false;
	for (unsigned e = 0; e < RV_PMP_ENTRIES; e++) {
		uint64_t lo, hi;
		if (!((cpu->pmp_active >> e) & 1) || !pmp_range(cpu, e, &lo, &hi))
			continue;
		bool hits_page = lo < page_end && hi > page;
		if (!hits_page)
			continue;
		if (lo > page || hi < page_end)
			*partial = true;
		if (!(lo < end && hi > addr))
			continue; /* cuts the page, not this access: a later entry may match it */
		if (lo > addr || hi < end)
			return 0; /* matches only part of the access: it fails */
		uint8_t cfg = cpu->pmpcfg[e];
		if (priv == RV_PRIV_M && !(cfg & PMP_L))
			return PAGE_R | PAGE_W | PAGE_X;
		return (cfg & PMP_R ? PAGE_R : 0) | (cfg & PMP_W ? PAGE_W : 0) |
		       (cfg & PMP_X ? PAGE_X : 0);
	}
	/* No match: M-mode may, S and U may not (entries are implemented) */
	return priv == RV_PRIV_M ? PAGE_R | PAGE_W | PAGE_X : 0;
}

static unsigned access_prot(enum mmu_access acc)
{
	return acc == MMU_LOAD ? PAGE_R : acc == MMU_STORE ? PAGE_W : PAGE_X;
}

static unsigned access_fault_cause(enum mmu_access acc)
{
	return acc == MMU_LOAD	  ? RV_CAUSE_LOAD_ACCESS
	       : acc == MMU_STORE ? RV_CAUSE_STORE_ACCESS
				  : RV_CAUSE_INSN_ACCESS;
}

static unsigned page_fault_cause(enum mmu_access acc)
{
	return acc == MMU_LOAD	  ? RV_CAUSE_LOAD_PAGE
	       : acc == MMU_STORE ? RV_CAUSE_STORE_PAGE
				  : RV_CAUSE_INSN_PAGE;
}

/* ---- The walk */

struct walk_result {
	uint64_t paddr;	    /* physical page of the access */
	unsigned prot;	    /* PAGE_* the translation grants this MMU index */
	uint64_t page_size; /* of the leaf */
};

/* A PTE in RAM, checked by PMP as an implicit S-mode access: NULL if not readable. */
static void *pte_ptr(struct rv_cpu *cpu, uint64_t pa, unsigned size, bool write)
{
	bool partial;
	unsigned need = write ? PAGE_W : PAGE_R;

	if (!(pmp_prot(cpu, pa, size, RV_PRIV_S, &partial) & need))
		return NULL;
	return write ? bus_ram_ptr_w(cpu->c.mmu.bus, pa, size)
		     : bus_ram_ptr(cpu->c.mmu.bus, pa, size);
}

/*
 * Walk the page table of satp for @va (4.3.2): 0 and *@r, or the cause of
 * the exception to raise. @priv is U or S, @sum/@mxr the mstatus bits.
 */
static int walk(struct rv_cpu *cpu, uint64_t va, enum mmu_access acc, unsigned priv, bool sum,
		bool probe, struct walk_result *r)
{
	bool rv32 = rv_is32(cpu);
	unsigned mode = rv32 ? (unsigned)(cpu->satp >> 31) : (unsigned)(cpu->satp >> 60);
	unsigned levels, vpn_bits = rv32 ? 10 : 9, pte_size = rv32 ? 4 : 8;
	bool mxr = cpu->mstatus & MSTATUS_MXR;
	uint64_t ppn = rv32 ? cpu->satp & ((1ull << 22) - 1) : cpu->satp & PTE64_PPN_MASK;
	uint64_t a = ppn << 12;

	switch (mode) {
	case SATP_MODE_SV32:
		levels = 2;
		break; /* == 1 on RV32 only */
	case SATP_MODE_SV39:
		levels = 3;
		break;
	case SATP_MODE_SV48:
		levels = 4;
		break;
	case SATP_MODE_SV57:
		levels = 5;
		break;
	default:
		return -1;
	}
	if (rv32 && mode != SATP_MODE_SV32)
		return -1;
	if (!rv32) {
		/* bits above the virtual address width must equal its top bit */
		unsigned va_bits = 12 + levels * vpn_bits;
		if ((uint64_t)((int64_t)(va << (64 - va_bits)) >> (64 - va_bits)) != va)
			return (int)page_fault_cause(acc);
	}

	for (int i = (int)levels - 1; i >= 0; i--) {
		unsigned shift = 12 + (unsigned)i * vpn_bits;
		uint64_t pte_addr = a + ((va >> shift) & ((1ull << vpn_bits) - 1)) * pte_size;
		void *p = pte_ptr(cpu, pte_addr, pte_size, false);
		uint64_t pte;

		if (!p)
			return (int)access_fault_cause(acc);
	retry:
		pte = rv32 ? __atomic_load_n((uint32_t *)p, __ATOMIC_ACQUIRE)
			   : __atomic_load_n((uint64_t *)p, __ATOMIC_ACQUIRE);
		if (!(pte & PTE_V) || ((pte & (PTE_R | PTE_W)) == PTE_W))
			return (int)page_fault_cause(acc);
		if (!rv32) {
			uint64_t pbmt = pte & PTE64_PBMT;
			if ((pte & (PTE64_RESERVED | PTE64_N)) || pbmt == PTE64_PBMT ||
			    (pbmt && !(cpu->menvcfg & MENVCFG_PBMTE)))
				return (int)page_fault_cause(acc);
		}
		uint64_t pte_ppn =
		    (pte >> PTE_PPN_SHIFT) & (rv32 ? (1ull << 22) - 1 : PTE64_PPN_MASK);
		if (!(pte & (PTE_R | PTE_X))) {
			/* A pointer to the next level; PBMT is reserved there (Svpbmt) */
			if (i == 0 || (!rv32 && (pte & PTE64_PBMT)))
				return (int)page_fault_cause(acc);
			a = pte_ppn << 12;
			continue;
		}

		/* A leaf: permissions for this privilege */
		if (priv == RV_PRIV_U && !(pte & PTE_U))
			return (int)page_fault_cause(acc);
		if (priv == RV_PRIV_S && (pte & PTE_U) && (acc == MMU_FETCH || !sum))
			return (int)page_fault_cause(acc);
		bool readable = (pte & PTE_R) || (mxr && (pte & PTE_X));
		if ((acc == MMU_LOAD && !readable) || (acc == MMU_STORE && !(pte & PTE_W)) ||
		    (acc == MMU_FETCH && !(pte & PTE_X)))
			return (int)page_fault_cause(acc);
		/* A superpage's PPN must be aligned to its size */
		if (i > 0 && (pte_ppn & ((1ull << (i * vpn_bits)) - 1)))
			return (int)page_fault_cause(acc);

		/* A and D, updated atomically (4.3.2 step 7) */
		uint64_t want = PTE_A | (acc == MMU_STORE ? PTE_D : 0);
		if ((pte & want) != want) {
			void *w = pte_ptr(cpu, pte_addr, pte_size, true);
			bool ok;
			if (!w)
				return (int)access_fault_cause(acc);
			if (rv32) {
				uint32_t old = (uint32_t)pte;
				ok = __atomic_compare_exchange_n(
				    (uint32_t *)w, &old, (uint32_t)(pte | want), false,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
			} else {
				uint64_t old = pte;
				ok = __atomic_compare_exchange_n((uint64_t *)w, &old, pte | want,
								 false, __ATOMIC_SEQ_CST,
								 __ATOMIC_SEQ_CST);
			}
			if (!ok)
				goto retry; /* someone changed the PTE: look again */
			pte |= want;
			/*
			 * The PTE's page might hold translated code (a page reused as a
			 * page table). Not while probing for the translator: it holds
			 * the TB lock; the code bits of the page stay watched anyway.
			 */
			if (!probe)
				softmmu_invalidate_phys(pte_addr, pte_addr + pte_size);
		}

		uint64_t page_size = 1ull << shift;
		r->page_size = page_size;
		r->paddr =
		    ((pte_ppn << 12) & ~(page_size - 1)) | (va & (page_size - 1) & TLB_PAGE_MASK);
		r->prot = 0;
		if (readable && !(priv == RV_PRIV_S && (pte & PTE_U) && !sum))
			r->prot |= PAGE_R;
		if ((pte & PTE_W) && (pte & PTE_D))
			r->prot |= PAGE_W;
		if ((pte & PTE_X) && !(priv == RV_PRIV_S && (pte & PTE_U)))
			r->prot |= PAGE_X;
		return 0;
	}
	return (int)page_fault_cause(acc);
}

/* ---- tlb_fill */

bool rv_tlb_fill(struct cpu *c, uint64_t vaddr, unsigned size, enum mmu_access acc,
		 unsigned mmu_idx, bool probe)
{
	struct rv_cpu *cpu = rv_cpu_of(c);
	unsigned priv = mmu_idx == RV_MMU_M   ? RV_PRIV_M
			: mmu_idx == RV_MMU_U ? RV_PRIV_U
					      : RV_PRIV_S;
	unsigned mode = rv_is32(cpu) ? (unsigned)(cpu->satp >> 31) : (unsigned)(cpu->satp >> 60);
	struct walk_result r = {vaddr & TLB_PAGE_MASK, PAGE_R | PAGE_W | PAGE_X, TLB_PAGE_SIZE};
	unsigned cause, prot;
	bool partial;

	if (priv != RV_PRIV_M && mode != SATP_MODE_BARE) {
		int err = walk(cpu, vaddr, acc, priv, mmu_idx == RV_MMU_S_SUM, probe, &r);
		if (err) {
			cause = (unsigned)err;
			goto fault;
		}
	}
	/* PMP on the physical access (the whole access: it may cross a region) */
	prot = pmp_prot(cpu, r.paddr | (vaddr & ~TLB_PAGE_MASK), size, priv, &partial);
	if (!(prot & access_prot(acc))) {
		cause = access_fault_cause(acc);
		goto fault;
	}
	prot &= r.prot;
	if (partial)
		prot |= PAGE_NOTLB;
	if (trace_on(TRACE_MMU))
		trace_printf("M %d fill idx=%u va=0x%" PRIx64 " pa=0x%" PRIx64 " size=0x%" PRIx64
			     " prot=%c%c%c%s\n",
			     c->cpu_index, mmu_idx, vaddr, r.paddr, r.page_size,
			     prot & PAGE_R ? 'r' : '-', prot & PAGE_W ? 'w' : '-',
			     prot & PAGE_X ? 'x' : '-', partial ? " uncached" : "");
	tlb_set_page_size(c, mmu_idx, vaddr, r.paddr, prot, r.page_size);
	return true;

fault:
	if (trace_on(TRACE_MMU))
		trace_printf("M %d fault idx=%u va=0x%" PRIx64 " access=%s cause=%u%s\n",
			     c->cpu_index, mmu_idx, vaddr,
			     acc == MMU_LOAD	? "load"
			     : acc == MMU_STORE ? "store"
						: "fetch",
			     cause, probe ? " (probe)" : "");
	if (probe)
		return false;
	rv_raise(cpu, cause, vaddr);
}
