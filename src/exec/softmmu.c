/*
 * The softMMU of system mode (DESIGN.md section 4, include/morph/softmmu.h):
 * per-hart direct-mapped TLBs filled by the frontend's page-table walk, the
 * slow path of guest loads and stores (misses, MMIO, page-crossing and
 * misaligned accesses, stores to pages holding translated code), host
 * addresses for atomics, and instruction fetch for the translator.
 *
 * Write watching of code: a bitmap over guest physical pages says which
 * pages hold TBs. A TB made on a page sets its bit and TLB_NOTDIRTY in every
 * hart's write entries for the page; a store through such an entry does the
 * store, then invalidates the TBs it overlaps (tb_invalidate_phys()), which
 * clears the bit once no TB is left on the page. DMA into RAM does the same
 * through the bus's DMA notifier.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/bus.h"
#include "morph/exec.h"
#include "morph/frontend.h"
#include "morph/softmmu.h"
#include "morph/tb.h"
#include "morph/trace.h"
#include "src/exec/exec-internal.h"
#include "src/gdb/gdb-exec.h"

_Static_assert(TLB_NB_MMU <= 16, "IR_MO_GET_MMU holds 4 bits");

/* ---- Code pages: one bit per guest physical page that holds TBs */

#define CODE_CHUNK_BITS 15 /* pages per chunk (128 MiB of guest memory, 4 KiB of bits) */
#define CODE_CHUNK_PAGES (1u << CODE_CHUNK_BITS)
#define CODE_HASH_SIZE 1024 /* chunks: up to 128 GiB of guest physical space with code */

struct code_chunk {
	uint64_t key; /* page number >> CODE_CHUNK_BITS */
	uint64_t bits[CODE_CHUNK_PAGES / 64];
};

static struct code_chunk *code_chunks[CODE_HASH_SIZE];
static pthread_mutex_t code_chunk_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned chunk_hash(uint64_t key)
{
	return (unsigned)((key * 0x9e3779b97f4a7c15ull) >> 54) & (CODE_HASH_SIZE - 1);
}

/* The chunk of page @pfn; lock-free lookup, created under the lock if @create. */
static struct code_chunk *chunk_of(uint64_t pfn, bool create)
{
	uint64_t key = pfn >> CODE_CHUNK_BITS;
	unsigned h = chunk_hash(key);

	for (unsigned n = 0; n < CODE_HASH_SIZE; n++, h = (h + 1) & (CODE_HASH_SIZE - 1)) {
		struct code_chunk *c = __atomic_load_n(&code_chunks[h], __ATOMIC_ACQUIRE);
		if (c && c->key == key)
			return c;
		if (c)
			continue;
		if (!create)
			return NULL;
		pthread_mutex_lock(&code_chunk_lock);
		c = code_chunks[h];
		if (!c) {
			c = calloc(1, sizeof(*c));
			if (!c) {
				fprintf(stderr, "morph: out of memory for code page tracking\n");
				abort();
			}
			c->key = key;
			__atomic_store_n(&code_chunks[h], c, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&code_chunk_lock);
		if (c->key == key)
			return c;
	}
	fprintf(stderr, "morph: guest code spread over too much physical memory\n");
	abort();
}

static bool code_page_test(uint64_t pfn)
{
	struct code_chunk *c = chunk_of(pfn, false);
	unsigned b = (unsigned)(pfn & (CODE_CHUNK_PAGES - 1));

	return c && (__atomic_load_n(&c->bits[b / 64], __ATOMIC_SEQ_CST) >> (b % 64)) & 1;
}

/* ---- Harts in system mode (their TLBs get TLB_NOTDIRTY from any thread) */

#define SMMU_MAX_CPUS 1024

static struct cpu *smmu_cpus[SMMU_MAX_CPUS];
static unsigned smmu_ncpus;
static pthread_mutex_t smmu_cpus_lock = PTHREAD_MUTEX_INITIALIZER;

/* Set TLB_NOTDIRTY in @cpu's write entries that map physical page @ppage. */
static void watch_page_in(struct cpu *cpu, uint64_t ppage)
{
	struct softmmu *m = &cpu->mmu;

	for (unsigned idx = 0; idx < TLB_NB_MMU; idx++) {
		for (unsigned i = 0; i < TLB_SIZE; i++) {
			struct tlb_entry *e = &m->tlb[idx][i];
			uint64_t w = __atomic_load_n(&e->addr_write, __ATOMIC_RELAXED);
			if ((w & (TLB_INVALID | TLB_MMIO)) || m->iotlb[idx][i].paddr != ppage)
				continue;
			__atomic_or_fetch(&e->addr_write, TLB_NOTDIRTY, __ATOMIC_SEQ_CST);
		}
	}
}

void softmmu_code_page_add(uint64_t pfn)
{
	struct code_chunk *c = chunk_of(pfn, true);
	unsigned b = (unsigned)(pfn & (CODE_CHUNK_PAGES - 1));
	uint64_t bit = 1ull << (b % 64);

	if (__atomic_load_n(&c->bits[b / 64], __ATOMIC_SEQ_CST) & bit)
		return;
	/*
	 * Bit first, then the entries: a hart filling an entry concurrently
	 * checks the bit again after writing it (tlb_set_page_size()).
	 */
	__atomic_or_fetch(&c->bits[b / 64], bit, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&smmu_cpus_lock);
	for (unsigned i = 0; i < smmu_ncpus; i++)
		watch_page_in(smmu_cpus[i], pfn << TLB_PAGE_BITS);
	pthread_mutex_unlock(&smmu_cpus_lock);
}

void softmmu_code_page_drop(uint64_t pfn)
{
	struct code_chunk *c = chunk_of(pfn, false);
	unsigned b = (unsigned)(pfn & (CODE_CHUNK_PAGES - 1));

	/* Entries keep TLB_NOTDIRTY: their next store clears it (notdirty_done()). */
	if (c)
		__atomic_and_fetch(&c->bits[b / 64], ~(1ull << (b % 64)), __ATOMIC_SEQ_CST);
}

void softmmu_code_pages_reset(void)
{
	for (unsigned h = 0; h < CODE_HASH_SIZE; h++) {
		struct code_chunk *c = __atomic_load_n(&code_chunks[h], __ATOMIC_ACQUIRE);
		if (!c)
			continue;
		for (unsigned w = 0; w < CODE_CHUNK_PAGES / 64; w++)
			__atomic_store_n(&c->bits[w], 0, __ATOMIC_SEQ_CST);
	}
}

void softmmu_invalidate_phys(uint64_t start, uint64_t end)
{
	for (uint64_t p = start & TLB_PAGE_MASK; p < end; p += TLB_PAGE_SIZE) {
		if (!code_page_test(p >> TLB_PAGE_BITS))
			continue;
		uint64_t lo = p > start ? p : start;
		uint64_t hi = p + TLB_PAGE_SIZE < end ? p + TLB_PAGE_SIZE : end;
		tb_invalidate_phys(lo, hi);
		if (p + TLB_PAGE_SIZE < p)
			break;
	}
}

static void dma_notify(void *opaque, uint64_t gpa, uint64_t len)
{
	(void)opaque;
	if (len)
		softmmu_invalidate_phys(gpa, gpa + len);
}

/* ---- Flushes */

static void jmp_filter_note(struct softmmu *m, uint64_t vaddr)
{
	unsigned b = (unsigned)(vaddr >> TLB_PAGE_BITS) & 4095;

	m->jmp_page_filter[b / 64] |= 1ull << (b % 64);
}

static bool jmp_filter_test(const struct softmmu *m, uint64_t vaddr)
{
	unsigned b = (unsigned)(vaddr >> TLB_PAGE_BITS) & 4095;

	return (m->jmp_page_filter[b / 64] >> (b % 64)) & 1;
}

void softmmu_jmp_cache_note(struct cpu *cpu, const struct tb *tb)
{
	jmp_filter_note(&cpu->mmu, tb->pc);
	if (tb->size)
		jmp_filter_note(&cpu->mmu, tb->pc + tb->size - 1);
}

static void jmp_cache_clear_all(struct cpu *cpu)
{
	tb_jmp_cache_clear(cpu);
	memset(cpu->mmu.jmp_page_filter, 0, sizeof(cpu->mmu.jmp_page_filter));
}

/* Forget the TBs of virtual page @page in the jump cache (its mapping changes). */
static void jmp_cache_clear_page(struct cpu *cpu, uint64_t page)
{
	if (!jmp_filter_test(&cpu->mmu, page))
		return;
	for (unsigned i = 0; i < tb_jmp_cache_entries(cpu); i++) {
		struct tb *tb = cpu->jmp_cache[i];
		if (tb != &tb_jmp_cache_empty && ((tb->pc & TLB_PAGE_MASK) == page ||
						   ((tb->pc + tb->size - 1) & TLB_PAGE_MASK) == page))
			cpu->jmp_cache[i] = &tb_jmp_cache_empty;
	}
}

static void tlb_flush_one(struct softmmu *m, unsigned idx)
{
	/* All ones: TLB_INVALID set in every tag */
	memset(m->tlb[idx], 0xff, sizeof(m->tlb[idx]));
	memset(m->vtlb[idx], 0xff, sizeof(m->vtlb[idx]));
	m->lp_addr[idx] = ~(uint64_t)0;
	m->lp_mask[idx] = 0;
	if (m->fill.mmu_idx == idx)
		m->fill.mmu_idx = TLB_NB_MMU;
}

void tlb_flush_mmuidx(struct cpu *cpu, unsigned idxmap)
{
	if (trace_on(TRACE_MMU))
		trace_printf("M %d flush idxmap=0x%x\n", cpu->cpu_index, idxmap);
	for (unsigned idx = 0; idx < TLB_NB_MMU; idx++)
		if (idxmap & (1u << idx))
			tlb_flush_one(&cpu->mmu, idx);
	/* The jump cache does not say which index fetched a TB's code. */
	jmp_cache_clear_all(cpu);
}

void tlb_flush(struct cpu *cpu)
{
	tlb_flush_mmuidx(cpu, (1u << TLB_NB_MMU) - 1);
}

static bool entry_maps(const struct tlb_entry *e, uint64_t page)
{
	return (e->addr_read & TLB_PAGE_MASK) == page || (e->addr_write & TLB_PAGE_MASK) == page ||
	       (e->addr_code & TLB_PAGE_MASK) == page;
}

void tlb_flush_page_mmuidx(struct cpu *cpu, uint64_t vaddr, unsigned idxmap)
{
	struct softmmu *m = &cpu->mmu;
	uint64_t page = vaddr & TLB_PAGE_MASK;
	unsigned i = tlb_index(page);
	bool all = false;

	if (trace_on(TRACE_MMU))
		trace_printf("M %d flush idxmap=0x%x va=0x%" PRIx64 "\n", cpu->cpu_index, idxmap,
			     vaddr);

	for (unsigned idx = 0; idx < TLB_NB_MMU; idx++) {
		if (!(idxmap & (1u << idx)))
			continue;
		if ((page & m->lp_mask[idx]) == m->lp_addr[idx]) {
			/* Inside a superpage: its other 4 KiB pieces go too. */
			tlb_flush_one(m, idx);
			all = true;
			continue;
		}
		struct tlb_entry *e = &m->tlb[idx][i];
		if (entry_maps(e, page))
			memset(e, 0xff, sizeof(*e));
		for (unsigned v = 0; v < TLB_VICTIM; v++)
			if (entry_maps(&m->vtlb[idx][v], page))
				memset(&m->vtlb[idx][v], 0xff, sizeof(m->vtlb[idx][v]));
		if (m->fill.mmu_idx == idx && m->fill.vaddr == page)
			m->fill.mmu_idx = TLB_NB_MMU;
	}
	if (all)
		jmp_cache_clear_all(cpu);
	else
		jmp_cache_clear_page(cpu, page);
}

void tlb_flush_page(struct cpu *cpu, uint64_t vaddr)
{
	tlb_flush_page_mmuidx(cpu, vaddr, (1u << TLB_NB_MMU) - 1);
}

/* ---- Filling */

/* Host memory of guest physical page @ppage if a RAM/ROM region holds all of it. */
static uint8_t *page_host(const struct bus *bus, uint64_t ppage, bool *rom)
{
	const struct bus_region *r = bus_find(bus, ppage);

	*rom = false;
	if (!r || r->kind == BUS_IO || ppage - r->base > r->size - TLB_PAGE_SIZE ||
	    r->size < TLB_PAGE_SIZE)
		return NULL;
	*rom = r->kind == BUS_ROM;
	return r->host + (ppage - r->base);
}

/*
 * Remember a superpage of @size at @vaddr: the index's covering range grows
 * to hold it (a mask of 0 ends up covering everything).
 */
static void note_large_page(struct softmmu *m, unsigned idx, uint64_t vaddr, uint64_t size)
{
	uint64_t mask = ~(size - 1);

	if (m->lp_addr[idx] != ~(uint64_t)0) {
		mask &= m->lp_mask[idx];
		while (mask && ((m->lp_addr[idx] ^ vaddr) & mask))
			mask <<= 1;
	}
	m->lp_addr[idx] = vaddr & mask;
	m->lp_mask[idx] = mask;
}

void tlb_set_page_size(struct cpu *cpu, unsigned mmu_idx, uint64_t vaddr, uint64_t paddr,
		       unsigned prot, uint64_t size)
{
	struct softmmu *m = &cpu->mmu;
	uint64_t vpage = vaddr & TLB_PAGE_MASK, ppage = paddr & TLB_PAGE_MASK;
	unsigned i = tlb_index(vpage);
	struct tlb_entry *e = &m->tlb[mmu_idx][i];
	bool rom;

	m->fill = (struct tlb_last_fill){vpage, ppage, prot, mmu_idx};
	if (size > TLB_PAGE_SIZE)
		note_large_page(m, mmu_idx, vaddr, size);
	if (prot & PAGE_NOTLB)
		return;
	/* Another page's translation in the slot goes to the victim TLB. */
	if (((e->addr_read & e->addr_write & e->addr_code) & TLB_INVALID) == 0 &&
	    !entry_maps(e, vpage)) {
		unsigned v = m->vnext[mmu_idx]++ % TLB_VICTIM;

		m->vtlb[mmu_idx][v] = *e;
		m->viotlb[mmu_idx][v] = m->iotlb[mmu_idx][i];
	}

	uint8_t *host = page_host(m->bus, ppage, &rom);
	uint64_t io = host ? 0 : TLB_MMIO;
	uint64_t w = TLB_INVALID | ~TLB_PAGE_MASK;
	bool watch = false;

	if (prot & PAGE_W) {
		w = vpage | (host && !rom ? 0 : TLB_MMIO);
		watch = host && !rom;
		if (watch && code_page_test(ppage >> TLB_PAGE_BITS))
			w |= TLB_NOTDIRTY;
	}
	/* GDB: accesses to a watched page take the slow path, which checks them. */
	if (gdb_nwatch && gdb_watch_page(vpage)) {
		io |= TLB_WATCH;
		if (prot & PAGE_W)
			w |= TLB_WATCH;
	}
	e->addr_read = prot & PAGE_R ? vpage | io : ~(uint64_t)0;
	e->addr_code = prot & PAGE_X ? vpage | (io & ~(uint64_t)TLB_WATCH) : ~(uint64_t)0;
	e->addend = host ? (uintptr_t)host - (uintptr_t)vpage : 0;
	m->iotlb[mmu_idx][i].paddr = ppage;
	m->iotlb[mmu_idx][i].prot = prot;
	__atomic_store_n(&e->addr_write, (prot & PAGE_W) ? w : ~(uint64_t)0, __ATOMIC_SEQ_CST);
	/* A TB made on the page meanwhile (softmmu_code_page_add() sets the bit first) */
	if (watch && !(w & TLB_NOTDIRTY) && code_page_test(ppage >> TLB_PAGE_BITS))
		__atomic_or_fetch(&e->addr_write, TLB_NOTDIRTY, __ATOMIC_SEQ_CST);
}

void tlb_set_page(struct cpu *cpu, unsigned mmu_idx, uint64_t vaddr, uint64_t paddr, unsigned prot)
{
	tlb_set_page_size(cpu, mmu_idx, vaddr, paddr, prot, TLB_PAGE_SIZE);
}

/* ---- The slow path */

static _Noreturn void raise_fault(struct cpu *cpu, int excp, uint64_t addr, enum mmu_access acc)
{
	cpu->fault_addr = addr;
	cpu->fault_is_write = acc;
	cpu_loop_exit(cpu, excp);
}

static inline uint64_t wrap_addr(const struct cpu *cpu, uint64_t a)
{
	return cpu->arch->addr_bits == 32 ? (uint32_t)a : a;
}

/* Tag slow-path hit: the page matches and TLB_INVALID is clear (other flags may be set). */
static inline bool tag_hit(uint64_t tag, uint64_t vpage)
{
	return (tag & (TLB_PAGE_MASK | TLB_INVALID)) == vpage;
}

static inline uint64_t *tag_ptr(struct tlb_entry *e, enum mmu_access acc)
{
	return acc == MMU_LOAD ? &e->addr_read : acc == MMU_STORE ? &e->addr_write : &e->addr_code;
}

/* Where an access of one page goes. */
struct resolved {
	uint8_t *host; /* RAM/ROM (NULL: the bus) */
	uint64_t paddr;
	uint64_t flags;	     /* TLB_* flags of the tag */
	struct tlb_entry *e; /* NULL: an uncached (PAGE_NOTLB) translation */
};

/*
 * A miss in slot @i: if the victim TLB has the page for @acc, swap it into the
 * slot (the evicted entry takes its place) and return true.
 */
static bool victim_hit(struct cpu *cpu, unsigned idx, unsigned i, uint64_t vpage,
		       enum mmu_access acc)
{
	struct softmmu *m = &cpu->mmu;

	for (unsigned v = 0; v < TLB_VICTIM; v++) {
		struct tlb_entry *ve = &m->vtlb[idx][v], tmp;
		struct tlb_iotlb tio;

		if (!tag_hit(*tag_ptr(ve, acc), vpage))
			continue;
		tmp = m->tlb[idx][i];
		tio = m->iotlb[idx][i];
		m->iotlb[idx][i] = m->viotlb[idx][v];
		m->tlb[idx][i].addend = ve->addend;
		m->tlb[idx][i].addr_read = ve->addr_read;
		m->tlb[idx][i].addr_code = ve->addr_code;
		__atomic_store_n(&m->tlb[idx][i].addr_write, ve->addr_write, __ATOMIC_SEQ_CST);
		/* softmmu_code_page_add() only marks entries in tlb[][]: look again */
		if (!(ve->addr_write & (TLB_INVALID | TLB_MMIO)) &&
		    code_page_test(m->iotlb[idx][i].paddr >> TLB_PAGE_BITS))
			__atomic_or_fetch(&m->tlb[idx][i].addr_write, TLB_NOTDIRTY,
					  __ATOMIC_SEQ_CST);
		*ve = tmp;
		m->viotlb[idx][v] = tio;
		return true;
	}
	return false;
}

/* Translate the page of @vaddr for @acc (raising the guest's faults). */
static void resolve(struct cpu *cpu, uint64_t vaddr, unsigned size, enum mmu_access acc,
		    unsigned idx, struct resolved *r)
{
	struct softmmu *m = &cpu->mmu;
	uint64_t vpage = vaddr & TLB_PAGE_MASK, off = vaddr & ~TLB_PAGE_MASK;
	unsigned i = tlb_index(vaddr);
	struct tlb_entry *e = &m->tlb[idx][i];
	uint64_t tag = __atomic_load_n(tag_ptr(e, acc), __ATOMIC_RELAXED);

	if (!tag_hit(tag, vpage) && victim_hit(cpu, idx, i, vpage, acc))
		tag = __atomic_load_n(tag_ptr(e, acc), __ATOMIC_RELAXED);
	if (!tag_hit(tag, vpage)) {
		cpu->arch->tlb_fill(cpu, vaddr, size, acc, idx, false);
		tag = __atomic_load_n(tag_ptr(e, acc), __ATOMIC_RELAXED);
		if (!tag_hit(tag, vpage)) {
			/* Not cached: complete this access from the fill itself. */
			if (m->fill.mmu_idx != idx || m->fill.vaddr != vpage) {
				fprintf(stderr,
					"morph: internal error: tlb_fill installed nothing\n");
				abort();
			}
			r->e = NULL;
			r->paddr = m->fill.paddr | off;
			r->host = acc == MMU_STORE ? bus_ram_ptr_w(m->bus, r->paddr, size)
						   : bus_ram_ptr(m->bus, r->paddr, size);
			r->flags = r->host ? 0 : TLB_MMIO;
			if (r->host && acc == MMU_STORE &&
			    code_page_test(r->paddr >> TLB_PAGE_BITS))
				r->flags |= TLB_NOTDIRTY;
			return;
		}
	}
	r->e = e;
	r->flags = tag & TLB_FLAGS_MASK;
	r->paddr = m->iotlb[idx][i].paddr | off;
	r->host = (r->flags & TLB_MMIO) ? NULL : (uint8_t *)(uintptr_t)(vaddr + e->addend);
}

/*
 * A store hit a page holding TBs (done or about to be done): invalidate the
 * ones it overlaps; once none is left, the entry stops watching the page.
 */
static void notdirty_done(const struct resolved *r, unsigned size)
{
	uint64_t pfn = r->paddr >> TLB_PAGE_BITS;

	tb_invalidate_phys(r->paddr, r->paddr + size);
	if (!r->e || code_page_test(pfn))
		return;
	__atomic_and_fetch(&r->e->addr_write, ~(uint64_t)TLB_NOTDIRTY, __ATOMIC_SEQ_CST);
	/* A TB made on the page meanwhile must find the entry watching again. */
	if (code_page_test(pfn))
		__atomic_or_fetch(&r->e->addr_write, TLB_NOTDIRTY, __ATOMIC_SEQ_CST);
}

/* GDB: check an access to a watched page (or an uncached one) against the watchpoints. */
static inline void watch_check(struct cpu *cpu, const struct resolved *r, uint64_t vaddr,
			       unsigned size, unsigned kind)
{
	if ((r->flags & TLB_WATCH) || (!r->e && gdb_nwatch))
		gdb_watch_access(cpu, vaddr, size, kind);
}

static inline uint64_t ld_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, p, size); /* little-endian host */
	return v;
}

static inline void st_le(uint8_t *p, unsigned size, uint64_t v)
{
	memcpy(p, &v, size);
}

/* A load of @size bytes inside one page; the raw little-endian value. */
static uint64_t load_page(struct cpu *cpu, uint64_t vaddr, unsigned size, unsigned idx)
{
	struct resolved r;
	uint64_t v;

	resolve(cpu, vaddr, size, MMU_LOAD, idx, &r);
	watch_check(cpu, &r, vaddr, size, GDB_ACCESS_READ);
	if (r.host)
		return ld_le(r.host, size);
	if (bus_read(cpu->mmu.bus, r.paddr, size, &v))
		raise_fault(cpu, EXCP_SEGV, vaddr, MMU_LOAD);
	return v;
}

static void store_page(struct cpu *cpu, uint64_t vaddr, unsigned size, uint64_t v, unsigned idx)
{
	struct resolved r;

	resolve(cpu, vaddr, size, MMU_STORE, idx, &r);
	watch_check(cpu, &r, vaddr, size, GDB_ACCESS_WRITE);
	if (!r.host) {
		int err = bus_write(cpu->mmu.bus, r.paddr, size, v);
		/* Stores to ROM are dropped, as on QEMU's boards. */
		if (err && err != BUS_ERR_READONLY)
			raise_fault(cpu, EXCP_SEGV, vaddr, MMU_STORE);
		return;
	}
	st_le(r.host, size, v);
	if (r.flags & TLB_NOTDIRTY)
		notdirty_done(&r, size);
}

static inline bool crosses_page(uint64_t vaddr, unsigned size)
{
	return (vaddr & ~TLB_PAGE_MASK) + size > TLB_PAGE_SIZE;
}

static uint64_t bswap_size(uint64_t v, unsigned size)
{
	switch (size) {
	case 2:
		return __builtin_bswap16((uint16_t)v);
	case 4:
		return __builtin_bswap32((uint32_t)v);
	case 8:
		return __builtin_bswap64(v);
	default:
		return v;
	}
}

uint64_t softmmu_load(struct cpu *cpu, uint64_t vaddr, uint32_t mo)
{
	unsigned size = 1u << (mo & IR_MO_SIZE), idx = IR_MO_GET_MMU(mo);
	uint64_t v;

	if (vaddr & (size - 1)) {
		if (mo & IR_MO_ALIGN)
			raise_fault(cpu, EXCP_BUS, vaddr, MMU_LOAD);
		if (crosses_page(vaddr, size)) {
			/* Byte by byte: each part faults with its own address. */
			v = 0;
			for (unsigned k = 0; k < size; k++)
				v |= load_page(cpu, wrap_addr(cpu, vaddr + k), 1, idx) << (8 * k);
			goto done;
		}
	}
	v = load_page(cpu, vaddr, size, idx);
done:
	if (mo & IR_MO_BE)
		v = bswap_size(v, size);
	if ((mo & IR_MO_SIGN) && size < 8) {
		unsigned sh = 64 - 8 * size;
		v = (uint64_t)((int64_t)(v << sh) >> sh);
	}
	return v;
}

void softmmu_store(struct cpu *cpu, uint64_t vaddr, uint64_t val, uint32_t mo)
{
	unsigned size = 1u << (mo & IR_MO_SIZE), idx = IR_MO_GET_MMU(mo);

	if (mo & IR_MO_BE)
		val = bswap_size(val, size);
	if (vaddr & (size - 1)) {
		if (mo & IR_MO_ALIGN)
			raise_fault(cpu, EXCP_BUS, vaddr, MMU_STORE);
		if (crosses_page(vaddr, size)) {
			/* Both pages must be writable before any byte is written. */
			uint64_t second = wrap_addr(cpu, (vaddr | ~TLB_PAGE_MASK) + 1);
			struct resolved r;
			resolve(cpu, vaddr, 1, MMU_STORE, idx, &r);
			resolve(cpu, second, 1, MMU_STORE, idx, &r);
			for (unsigned k = 0; k < size; k++)
				store_page(cpu, wrap_addr(cpu, vaddr + k), 1, val >> (8 * k), idx);
			return;
		}
	}
	store_page(cpu, vaddr, size, val, idx);
}

void *softmmu_host_addr(struct cpu *cpu, uint64_t vaddr, unsigned size, uint32_t mo)
{
	struct resolved r;

	if (vaddr & (size - 1))
		raise_fault(cpu, EXCP_BUS, vaddr, MMU_STORE);
	resolve(cpu, vaddr, size, MMU_STORE, IR_MO_GET_MMU(mo), &r);
	watch_check(cpu, &r, vaddr, size, GDB_ACCESS_READ | GDB_ACCESS_WRITE);
	if (!r.host || (r.flags & TLB_MMIO))
		raise_fault(cpu, EXCP_SEGV, vaddr, MMU_STORE);
	/* Before the atomic writes: its caller cannot report back afterwards. */
	if (r.flags & TLB_NOTDIRTY)
		notdirty_done(&r, size);
	return r.host;
}

/* ---- Instruction fetch */

/* Look up (probe-filling) the code page of @pc: 1 RAM/ROM, 0 elsewhere (MMIO), -1 fault. */
static int code_lookup(struct cpu *cpu, uint64_t pc, unsigned idx, bool probe, uint64_t *paddr,
		       const uint8_t **host)
{
	struct softmmu *m = &cpu->mmu;
	uint64_t vpage = pc & TLB_PAGE_MASK, off = pc & ~TLB_PAGE_MASK;
	unsigned i = tlb_index(pc);
	struct tlb_entry *e = &m->tlb[idx][i];

	if (!tag_hit(e->addr_code, vpage) && !victim_hit(cpu, idx, i, vpage, MMU_FETCH)) {
		if (!cpu->arch->tlb_fill(cpu, pc, 1, MMU_FETCH, idx, probe))
			return -1;
		if (!tag_hit(e->addr_code, vpage)) {
			*paddr = m->fill.paddr | off;
			*host = bus_ram_ptr(m->bus, *paddr, 1);
			return *host != NULL;
		}
	}
	*paddr = m->iotlb[idx][i].paddr | off;
	if (e->addr_code & TLB_MMIO)
		return 0;
	*host = (const uint8_t *)(uintptr_t)(pc + e->addend);
	return 1;
}

int softmmu_fetch_code(struct cpu *cpu, uint64_t pc, unsigned mmu_idx, uint64_t *paddr,
		       const uint8_t **host)
{
	return code_lookup(cpu, pc, mmu_idx, true, paddr, host) > 0 ? 0 : -1;
}

uint64_t softmmu_code_paddr(struct cpu *cpu, uint64_t pc, unsigned mmu_idx)
{
	uint64_t paddr;
	const uint8_t *host;

	if (code_lookup(cpu, pc, mmu_idx, false, &paddr, &host) <= 0)
		raise_fault(cpu, EXCP_SEGV, pc, MMU_FETCH); /* no code outside RAM/ROM */
	return paddr;
}

uint64_t softmmu_probe_code_page(struct cpu *cpu, uint64_t vaddr, unsigned mmu_idx)
{
	uint64_t paddr;
	const uint8_t *host;

	if (code_lookup(cpu, vaddr, mmu_idx, true, &paddr, &host) <= 0)
		return TB_PAGE_UNMAPPED;
	return paddr >> TLB_PAGE_BITS;
}

int softmmu_translator_fetch(struct cpu *cpu, uint64_t pc, void *buf, unsigned len)
{
	unsigned idx = cpu->arch->fetch_mmu_idx(cpu->tb_flags);
	uint8_t *out = buf;

	while (len) {
		uint64_t paddr;
		const uint8_t *host;
		unsigned n = (unsigned)(TLB_PAGE_SIZE - (pc & ~TLB_PAGE_MASK));
		if (n > len)
			n = len;
		if (code_lookup(cpu, pc, idx, true, &paddr, &host) <= 0)
			return -1;
		memcpy(out, host, n);
		out += n;
		len -= n;
		pc = wrap_addr(cpu, pc + n);
	}
	return 0;
}

/* ---- Attaching harts */

void softmmu_attach(struct cpu *cpu, struct bus *bus)
{
	cpu->softmmu = true;
	cpu->mmu.bus = bus;
	cpu->mmu.fill.mmu_idx = TLB_NB_MMU;
	tlb_flush(cpu);
	pthread_mutex_lock(&smmu_cpus_lock);
	if (smmu_ncpus == SMMU_MAX_CPUS) {
		fprintf(stderr, "morph: too many harts\n");
		abort();
	}
	smmu_cpus[smmu_ncpus++] = cpu;
	pthread_mutex_unlock(&smmu_cpus_lock);
	exec_enter_system_mode();
	bus_set_dma_notifier(bus, dma_notify, NULL);
}

void softmmu_detach(struct cpu *cpu)
{
	pthread_mutex_lock(&smmu_cpus_lock);
	for (unsigned i = 0; i < smmu_ncpus; i++) {
		if (smmu_cpus[i] == cpu) {
			smmu_cpus[i] = smmu_cpus[--smmu_ncpus];
			break;
		}
	}
	pthread_mutex_unlock(&smmu_cpus_lock);
}
