/*
 * System mode memory: the per-hart softMMU TLB, the shadow page table of
 * DESIGN.md section 4. Each MMU index (a translation regime: privilege mode,
 * MPRV/SUM variants...) has a direct-mapped TLB of TLB_SIZE entries. An entry
 * maps one guest virtual page for read, write and execute separately; the
 * host address of a RAM access is vaddr + addend. Low bits of a tag send the
 * access to the slow path (MMIO, pages holding translated code, watchpoints).
 *
 * The frontend fills entries from its page-table walk (arch->tlb_fill) and
 * flushes them (sfence.vma, satp/ASID writes, tlbwi...). The JIT inlines the
 * hit path; the interpreter and the slow path share softmmu.c.
 *
 * The hit path (src/ir/interp.c tlb_hit() is the reference), for an access
 * of memop mo (size s bytes) at guest address a:
 *
 *	e = &env->mmu.tlb[IR_MO_GET_MMU(mo)][(a >> TLB_PAGE_BITS) & (TLB_SIZE - 1)];
 *	if ((a & (TLB_PAGE_MASK | (mo & IR_MO_ALIGN ? s - 1 : 0))) == e->addr_read
 *	    && (a & ~TLB_PAGE_MASK) <= TLB_PAGE_SIZE - s)
 *		host = a + e->addend;		// addr_write for stores and atomics
 *	else
 *		v = softmmu_load(env, a, mo);	// softmmu_store(), softmmu_host_addr()
 *
 * Any flag in the tag (MMIO, NOTDIRTY, INVALID) makes the compare fail.
 * Atomics always require alignment. The slow path may raise a guest
 * exception (cpu_loop_exit()): env->pc must hold the instruction's pc
 * before the call, as for IR_HF_MAY_RAISE helpers. RV32 addresses are
 * zero-extended 32-bit values. A backend that implements this sets
 * struct backend.softmmu; until then system mode uses the interpreter.
 */
#ifndef MORPH_SOFTMMU_H
#define MORPH_SOFTMMU_H

#include <stdbool.h>
#include <stdint.h>

#define TLB_PAGE_BITS 12
#define TLB_PAGE_SIZE (1ull << TLB_PAGE_BITS)
#define TLB_PAGE_MASK (~(TLB_PAGE_SIZE - 1))
#define TLB_BITS 8
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_NB_MMU 8 /* MMU indexes per hart (IR_MO_MMU(n), n < 8) */
#define TLB_VICTIM 8 /* entries per MMU index that a fill evicted, searched on a miss */

/* Tag flags (bits below TLB_PAGE_BITS of addr_read/addr_write/addr_code) */
#define TLB_INVALID 0x1u  /* no mapping for this access: fill it */
#define TLB_MMIO 0x2u     /* not RAM: the bus */
#define TLB_NOTDIRTY 0x4u /* write to a page holding translated code: invalidate first */
#define TLB_WATCH 0x8u    /* debugger watchpoint on the page */
#define TLB_FLAGS_MASK 0xfu

/**
 * A TLB entry. A load at vaddr hits when
 * (vaddr & TLB_PAGE_MASK) == addr_read (flags all clear); the host address is
 * then vaddr + addend. Entries never straddle pages.
 */
struct tlb_entry {
	uint64_t addr_read;
	uint64_t addr_write;
	uint64_t addr_code;
	uintptr_t addend;
};
_Static_assert(sizeof(struct tlb_entry) == 32, "TLB entries are 32 bytes (shift by 5)");

/** Side data of an entry (not used by the fast path). */
struct tlb_iotlb {
	uint64_t paddr; /* guest physical address of the page */
	uint32_t prot;
};

/**
 * The result of the last tlb_set_page() (slow path only): an access whose
 * translation must not be cached (PAGE_NOTLB) completes from here.
 */
struct tlb_last_fill {
	uint64_t vaddr;	 /* page */
	uint64_t paddr;	 /* page */
	uint32_t prot;	 /* PAGE_* */
	uint32_t mmu_idx; /* TLB_NB_MMU: none */
};

/** The per-hart softMMU state, embedded in struct cpu. */
struct softmmu {
	struct tlb_entry tlb[TLB_NB_MMU][TLB_SIZE];
	struct tlb_iotlb iotlb[TLB_NB_MMU][TLB_SIZE];
	/*
	 * The victim TLB: entries a fill evicted from their slot, so that two hot
	 * pages whose numbers collide modulo TLB_SIZE cost a swap on the slow
	 * path, not a page-table walk each time (the JIT's hit path only looks
	 * at tlb[][]). Round robin per MMU index.
	 */
	struct tlb_entry vtlb[TLB_NB_MMU][TLB_VICTIM];
	struct tlb_iotlb viotlb[TLB_NB_MMU][TLB_VICTIM];
	unsigned vnext[TLB_NB_MMU];
	struct bus *bus; /* the machine's bus; NULL in user mode */
	/*
	 * Superpages installed in each MMU index, as one covering range: a
	 * flush of a page inside it must drop the whole index (the entries of
	 * a superpage are 4 KiB pieces with other indexes).
	 */
	uint64_t lp_addr[TLB_NB_MMU]; /* ~0: no superpage */
	uint64_t lp_mask[TLB_NB_MMU];
	/*
	 * Virtual pages (bit = page number mod 4096) that may have TBs in
	 * cpu->jmp_cache: a page flush scans the jump cache only for those.
	 */
	uint64_t jmp_page_filter[64];
	struct tlb_last_fill fill;
};

/** Access types of tlb_fill and faults */
enum mmu_access { MMU_LOAD, MMU_STORE, MMU_FETCH };

/* Page protections a walk grants */
#define PAGE_R 1u
#define PAGE_W 2u
#define PAGE_X 4u
/*
 * Do not cache this translation: it is valid for the access being made only
 * (e.g. a PMP region boundary inside the page). The slow path takes such
 * accesses every time.
 */
#define PAGE_NOTLB 8u

struct cpu;

/** tlb_index() - the entry slot of @vaddr. */
static inline unsigned tlb_index(uint64_t vaddr)
{
	return (unsigned)(vaddr >> TLB_PAGE_BITS) & (TLB_SIZE - 1);
}

/**
 * tlb_set_page() - install a translation found by the frontend's walk:
 * guest virtual page @vaddr -> guest physical @paddr with protections @prot
 * (PAGE_*), for MMU index @mmu_idx. RAM pages get a host addend; other
 * addresses go to the bus (MMIO); pages that hold TBs are write-watched.
 */
void tlb_set_page(struct cpu *cpu, unsigned mmu_idx, uint64_t vaddr, uint64_t paddr,
		  unsigned prot);

/**
 * tlb_set_page_size() - tlb_set_page() for a translation that the walk found
 * in a leaf of @size bytes (a power of two >= TLB_PAGE_SIZE: a superpage),
 * so that tlb_flush_page() of any address inside it drops this entry too.
 */
void tlb_set_page_size(struct cpu *cpu, unsigned mmu_idx, uint64_t vaddr, uint64_t paddr,
		       unsigned prot, uint64_t size);

/** tlb_flush() - drop every entry of every MMU index of @cpu (and its jump cache). */
void tlb_flush(struct cpu *cpu);
/** tlb_flush_page() - drop the entries for the page of @vaddr in all MMU indexes. */
void tlb_flush_page(struct cpu *cpu, uint64_t vaddr);
/** tlb_flush_mmuidx() - drop every entry of the MMU indexes in bitmask @idxmap. */
void tlb_flush_mmuidx(struct cpu *cpu, unsigned idxmap);
/** tlb_flush_page_mmuidx() - drop the entries for the page of @vaddr in the indexes of @idxmap. */
void tlb_flush_page_mmuidx(struct cpu *cpu, uint64_t vaddr, unsigned idxmap);

/**
 * softmmu_load() / softmmu_store() - the slow path of a guest memory access
 * (TLB miss, MMIO, watched page, page-crossing access) for memop @mo
 * (IR_MO_*, MMU index inside). cpu->pc must hold the guest pc of the
 * accessing instruction (a fault raises the guest exception through
 * arch->tlb_fill and cpu_loop_exit()).
 *
 * Faults the core raises itself, with cpu->fault_addr = the address (of the
 * part of a page-crossing access that faulted) and cpu->fault_is_write = the
 * enum mmu_access: EXCP_BUS for a misaligned access whose memop has
 * IR_MO_ALIGN (or a misaligned atomic), EXCP_SEGV for an access the bus
 * refuses (nothing mapped there, an atomic outside RAM) -- the frontend's
 * do_exception() turns them into its misaligned and access-fault traps.
 * Misaligned accesses without IR_MO_ALIGN are performed (split at page
 * boundaries, both pages checked before a store writes anything). Stores to
 * ROM are ignored, as QEMU's boards do.
 */
uint64_t softmmu_load(struct cpu *cpu, uint64_t vaddr, uint32_t mo);
void softmmu_store(struct cpu *cpu, uint64_t vaddr, uint64_t val, uint32_t mo);

/**
 * softmmu_host_addr() - host pointer for an atomic access of @size bytes at
 * @vaddr (must be RAM and naturally aligned; raises the guest fault
 * otherwise). Used by cmpxchg/atomic_rmw.
 */
void *softmmu_host_addr(struct cpu *cpu, uint64_t vaddr, unsigned size, uint32_t mo);

/**
 * softmmu_fetch_code() - translate guest virtual @pc for instruction fetch:
 * the guest physical address of the code and a host pointer to the RAM
 * holding it. Returns 0, or -1 if it cannot be fetched (fault at execution).
 */
int softmmu_fetch_code(struct cpu *cpu, uint64_t pc, unsigned mmu_idx, uint64_t *paddr,
		       const uint8_t **host);

/**
 * softmmu_code_paddr() - guest physical address of the instruction at @pc for
 * fetch under MMU index @mmu_idx. Raises the guest's fetch fault (page fault,
 * access fault, or an access fault for code outside RAM/ROM) instead of
 * returning when it cannot be fetched; cpu->pc must be @pc.
 */
uint64_t softmmu_code_paddr(struct cpu *cpu, uint64_t pc, unsigned mmu_idx);

/**
 * softmmu_attach() - switch @cpu (fresh from cpu_new()) to system mode on
 * @bus: cpu->softmmu is set, the TLBs are emptied, guest memory ops go
 * through the TLB from then on (in every backend: a backend that cannot do
 * the softMMU is replaced by the interpreter), translator_fetch() walks the
 * MMU, and the bus's DMA notifier invalidates translated code. Every hart
 * of a machine is attached before any of them runs; a process runs either
 * user-mode or system-mode guests, not both.
 */
void softmmu_attach(struct cpu *cpu, struct bus *bus);

/** softmmu_detach() - forget @cpu (before cpu_free()) so code-page tracking skips it. */
void softmmu_detach(struct cpu *cpu);

/** softmmu_invalidate_phys() - invalidate TBs holding code in guest physical [start, end) (DMA, SMC). */
void softmmu_invalidate_phys(uint64_t start, uint64_t end);

#endif
