/*
 * The TB cache: a hash of TBs keyed by (guest pc, mode flags), the per-page
 * index used to invalidate TBs when guest code changes, chaining bookkeeping
 * and the wholesale flush.
 *
 * Lookups are lock free (TBs are published with release stores and are only
 * freed by a flush, which runs while no hart executes guest code); every
 * change happens under exec_state.tb_lock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/tb.h"
#include "morph/trace.h"
#include "src/exec/exec-internal.h"
#include "src/gdb/gdb-exec.h"
#include "src/trace/trace-internal.h"

#define TB_HASH_BITS 16
#define TB_HASH_SIZE (1u << TB_HASH_BITS)
#define TB_PAGE_BITS 14
#define TB_PAGE_SIZE_BUCKETS (1u << TB_PAGE_BITS)
#define GUEST_PAGE_SHIFT 12

struct tb tb_jmp_cache_empty = {.pc = TB_KEY_INVALID, .key = TB_KEY_INVALID, .invalid = true};

void tb_jmp_cache_clear(struct cpu *cpu)
{
	for (unsigned i = 0; i < tb_jmp_cache_entries(cpu); i++)
		cpu->jmp_cache[i] = &tb_jmp_cache_empty;
}

static struct tb *tb_hash[TB_HASH_SIZE];
/* Page index: tagged links (tb | k) where k says which page_next[] continues the list. */
static uintptr_t tb_page_bucket[TB_PAGE_SIZE_BUCKETS];
static struct tb *tb_all;
static unsigned tb_count;

static unsigned hash_of(uint64_t pc, uint32_t flags)
{
	uint64_t h = (pc >> 1) * 0x9e3779b97f4a7c15ull ^ flags;
	return (unsigned)(h >> (64 - TB_HASH_BITS));
}

static unsigned page_bucket_of(uint64_t page)
{
	return (unsigned)((page * 0x9e3779b97f4a7c15ull) >> (64 - TB_PAGE_BITS));
}

void tb_cache_init(void)
{
	memset(tb_hash, 0, sizeof(tb_hash));
	memset(tb_page_bucket, 0, sizeof(tb_page_bucket));
	tb_all = NULL;
	tb_count = 0;
}

/* A TB crossing a page is only valid while its second page maps where it did. */
static bool second_page_matches(struct cpu *cpu, const struct tb *tb)
{
	if (tb->page[1] == ~0ull || !cpu->softmmu)
		return true;
	uint64_t va = (tb->pc + tb->size - 1) & ~(uint64_t)((1u << GUEST_PAGE_SHIFT) - 1);
	unsigned idx = exec_state.arch->fetch_mmu_idx(tb->flags);
	return softmmu_probe_code_page(cpu, va, idx) == tb->page[1];
}

struct tb *tb_hash_lookup(struct cpu *cpu, uint64_t pc, uint64_t phys, uint32_t flags)
{
	struct tb *tb = __atomic_load_n(&tb_hash[hash_of(phys, flags)], __ATOMIC_ACQUIRE);

	for (; tb; tb = __atomic_load_n(&tb->hash_next, __ATOMIC_ACQUIRE))
		if (tb->pc == pc && tb->phys_pc == phys && tb->flags == flags && !tb->invalid &&
		    second_page_matches(cpu, tb))
			return tb;
	return NULL;
}

/* The second page is a real page (not one page only, not unmapped). */
static bool has_page1(const struct tb *tb)
{
	return tb->page[1] != ~0ull && tb->page[1] != TB_PAGE_UNMAPPED;
}

static void page_link(struct tb *tb, unsigned k)
{
	unsigned b = page_bucket_of(tb->page[k]);
	uintptr_t old = tb_page_bucket[b];

	tb->page_next[k] = (struct tb *)old;
	tb_page_bucket[b] = (uintptr_t)tb | k;
}

static void page_unlink(struct tb *tb, unsigned k)
{
	uintptr_t *link = &tb_page_bucket[page_bucket_of(tb->page[k])];

	while (*link) {
		struct tb *t = (struct tb *)(*link & ~(uintptr_t)1);
		unsigned tk = *link & 1;
		if (t == tb && tk == k) {
			*link = (uintptr_t)t->page_next[tk];
			return;
		}
		link = (uintptr_t *)&t->page_next[tk];
	}
}

static void hash_unlink(struct tb *tb)
{
	struct tb **link = &tb_hash[hash_of(tb->phys_pc, tb->flags)];

	for (; *link; link = &(*link)->hash_next) {
		if (*link == tb) {
			__atomic_store_n(link, tb->hash_next, __ATOMIC_RELEASE);
			return;
		}
	}
}

/* Incoming-jump list: tagged links (tb | slot) through jmp_from_next[slot]. */
void tb_add_jump(struct tb *from, unsigned slot, struct tb *to)
{
	pthread_mutex_lock(&exec_state.tb_lock);
	if (!from->invalid && !to->invalid && !from->jmp_dest[slot]) {
		from->jmp_from_next[slot] = to->jmp_from_list;
		to->jmp_from_list = (struct tb *)((uintptr_t)from | slot);
		exec_state.be->chain(from, slot, to);
		__atomic_store_n(&from->jmp_dest[slot], to, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&exec_state.tb_lock);
}

/* Remove @from's slot from its destination's incoming list. */
static void jump_list_remove(struct tb *from, unsigned slot)
{
	struct tb *to = from->jmp_dest[slot];
	if (!to)
		return;
	struct tb **link = &to->jmp_from_list;
	while (*link) {
		struct tb *t = (struct tb *)((uintptr_t)*link & ~(uintptr_t)3);
		unsigned s = (uintptr_t)*link & 3;
		if (t == from && s == slot) {
			*link = t->jmp_from_next[s];
			break;
		}
		link = &t->jmp_from_next[s];
	}
}

static void tb_invalidate_locked(struct tb *tb)
{
	if (tb->invalid)
		return;
	tb->invalid = true;
	__atomic_store_n(&tb->key, TB_KEY_INVALID, __ATOMIC_RELEASE);
	/* a hart may be going round its loop: its exit-request check lets it out */
	if (tb->loops)
		exec_exit_all_cpus();
	hash_unlink(tb);
	page_unlink(tb, 0);
	if (has_page1(tb))
		page_unlink(tb, 1);
	/* Jumps into this TB go back to their exits. */
	for (struct tb *l = tb->jmp_from_list; l;) {
		struct tb *from = (struct tb *)((uintptr_t)l & ~(uintptr_t)3);
		unsigned s = (uintptr_t)l & 3;
		l = from->jmp_from_next[s];
		exec_state.be->unchain(from, s);
		__atomic_store_n(&from->jmp_dest[s], NULL, __ATOMIC_RELEASE);
	}
	tb->jmp_from_list = NULL;
	/* And this TB's own jumps out leave their destinations' lists. */
	for (unsigned s = 0; s < 2; s++) {
		if (tb->jmp_dest[s]) {
			jump_list_remove(tb, s);
			exec_state.be->unchain(tb, s);
			tb->jmp_dest[s] = NULL;
		}
	}
}

void tb_invalidate_range(uint64_t start, uint64_t end)
{
	if (end <= start)
		return;
	uint64_t p0 = start >> GUEST_PAGE_SHIFT, p1 = (end - 1) >> GUEST_PAGE_SHIFT;

	pthread_mutex_lock(&exec_state.tb_lock);
	if (p1 - p0 > tb_count) {
		for (struct tb *tb = tb_all; tb; tb = tb->all_next)
			if (!tb->invalid && tb->pc < end && tb->pc + tb->size > start)
				tb_invalidate_locked(tb);
	} else {
		for (uint64_t p = p0; p <= p1; p++) {
			uintptr_t l = tb_page_bucket[page_bucket_of(p)];
			while (l) {
				struct tb *t = (struct tb *)(l & ~(uintptr_t)1);
				unsigned k = l & 1;
				l = (uintptr_t)t->page_next[k];
				if (t->page[k] == p && t->pc < end && t->pc + t->size > start)
					tb_invalidate_locked(t);
			}
		}
	}
	pthread_mutex_unlock(&exec_state.tb_lock);
}

/*
 * Guest physical bytes of @tb on its page @k (system mode): the TB starts at
 * phys_pc on page 0 and goes on at the start of page 1 if it crosses.
 */
static void phys_extent(const struct tb *tb, unsigned k, uint64_t *lo, uint64_t *hi)
{
	uint64_t page_size = 1ull << GUEST_PAGE_SHIFT;
	uint64_t first = page_size - (tb->phys_pc & (page_size - 1));

	if (!has_page1(tb) || first > tb->size)
		first = tb->size;
	if (k == 0) {
		*lo = tb->phys_pc;
		*hi = tb->phys_pc + first;
	} else {
		*lo = tb->page[1] << GUEST_PAGE_SHIFT;
		*hi = *lo + (tb->size - first);
	}
}

static bool page_has_tbs(uint64_t p)
{
	for (uintptr_t l = tb_page_bucket[page_bucket_of(p)]; l;) {
		struct tb *t = (struct tb *)(l & ~(uintptr_t)1);
		unsigned k = l & 1;
		if (t->page[k] == p)
			return true;
		l = (uintptr_t)t->page_next[k];
	}
	return false;
}

void tb_invalidate_phys(uint64_t start, uint64_t end)
{
	if (end <= start)
		return;
	uint64_t p0 = start >> GUEST_PAGE_SHIFT, p1 = (end - 1) >> GUEST_PAGE_SHIFT;

	pthread_mutex_lock(&exec_state.tb_lock);
	for (uint64_t p = p0; p <= p1; p++) {
		uintptr_t l = tb_page_bucket[page_bucket_of(p)];
		while (l) {
			struct tb *t = (struct tb *)(l & ~(uintptr_t)1);
			unsigned k = l & 1;
			uint64_t lo, hi;
			l = (uintptr_t)t->page_next[k];
			if (t->page[k] != p)
				continue;
			phys_extent(t, k, &lo, &hi);
			if (lo < end && hi > start)
				tb_invalidate_locked(t);
		}
		if (!page_has_tbs(p))
			softmmu_code_page_drop(p);
	}
	pthread_mutex_unlock(&exec_state.tb_lock);
}

/* Called with exec_lock held for writing: no hart is inside guest code. */
void tb_flush_now(void)
{
	pthread_mutex_lock(&exec_state.tb_lock);
	struct tb *tb = tb_all;
	while (tb) {
		struct tb *next = tb->all_next;
		if (exec_state.be->free_code)
			exec_state.be->free_code(tb);
		free(tb->host_map);
		free(tb);
		tb = next;
	}
	tb_cache_init();
	if (exec_state.system_mode)
		softmmu_code_pages_reset();
	if (exec_state.be->reset)
		exec_state.be->reset();
	pthread_mutex_unlock(&exec_state.tb_lock);
}

struct tb *tb_find_by_host_pc(uintptr_t host_pc)
{
	/* Only JIT TBs have host code ranges; the list walk is fine for fault paths. */
	for (struct tb *tb = tb_all; tb; tb = tb->all_next) {
		uintptr_t c = (uintptr_t)tb->code;
		if (exec_state.be != &backend_interp && host_pc >= c && host_pc < c + tb->code_size)
			return tb;
	}
	return NULL;
}

/* Translation: one IR context, used under tb_lock. */
static struct ir_ctx tb_ir;

static int translate_into(struct cpu *cpu, struct tb *tb, unsigned max_insns)
{
	const struct morph_arch *arch = exec_state.arch;
	struct ir_ctx *ctx = &tb_ir;

	if (tb->flags & TB_FLAG_GDB_STEP)
		max_insns = 1;
	for (;;) {
		struct translate_result r;
		ir_ctx_init(ctx, arch->globals, arch->nglobals, offsetof(struct cpu, pc));
		if (gdb_enabled && gdb_breakpoint_at(tb->pc)) {
			r = gdb_gen_breakpoint(ctx, tb->pc, arch->min_insn_bytes);
		} else {
			r = arch->translate(cpu, ctx, tb->pc, tb->flags & ~TB_FLAGS_CORE, max_insns);
			/* GDB: end the TB before an instruction that has a breakpoint. */
			unsigned cut = gdb_enabled ? gdb_breakpoint_cut(ctx) : 0;
			if (cut) {
				max_insns = cut;
				continue;
			}
		}
		if (!ctx->overflow || max_insns <= 1) {
			tb->size = r.size;
			tb->ninsns = r.ninsns;
			break;
		}
		max_insns = r.ninsns > 2 ? r.ninsns / 2 : 1;
	}
	if (ctx->overflow) {
		fprintf(stderr, "morph: internal error: one guest instruction overflows a TB\n");
		abort();
	}
	if (trace_kinds & TRACE_IN_ASM)
		trace_tb_in_asm(cpu, tb);
	if (trace_kinds & TRACE_IR)
		trace_tb_ir(tb, ctx, false);
	if (!exec_state.opts.no_opt)
		ir_optimize(ctx);
	if ((trace_kinds & (TRACE_EXEC | TRACE_INSN)) || exec_state.opts.icount)
		trace_instrument(cpu, tb, ctx, exec_state.opts.icount);
	if (tb->flags & TB_FLAGS_CORE) {
		gdb_instrument(tb, ctx);
		if (ctx->overflow) {
			fprintf(stderr, "morph: internal error: a debug TB overflows\n");
			abort();
		}
	}
	ir_lower(ctx, exec_state.be);
	if (trace_kinds & TRACE_IR)
		trace_tb_ir(tb, ctx, true);
	tb->may_loop = !cpu->softmmu && !exec_state.opts.no_chain && !(tb->flags & TB_FLAGS_CORE) &&
		       !(trace_kinds & (TRACE_EXEC | TRACE_INSN)) && !exec_state.opts.icount;
	return exec_state.be->compile(tb, ctx);
}

struct tb *tb_gen_code(struct cpu *cpu, uint64_t pc, uint64_t phys, uint32_t flags)
{
	unsigned max = exec_state.opts.max_tb_insns ? exec_state.opts.max_tb_insns : 128;

	/* Instrumented TBs grow: keep them well inside the IR limits. */
	if (((trace_kinds & TRACE_INSN) || (flags & TB_FLAG_GDB_WATCH)) && max > 32)
		max = 32;

	/* Watch the page before reading its code: a store from now on invalidates. */
	if (cpu->softmmu)
		softmmu_code_page_add(phys >> GUEST_PAGE_SHIFT);
	pthread_mutex_lock(&exec_state.tb_lock);
	struct tb *tb = tb_hash_lookup(cpu, pc, phys, flags);
	if (tb) {
		pthread_mutex_unlock(&exec_state.tb_lock);
		return tb;
	}
	tb = calloc(1, sizeof(*tb));
	if (!tb) {
		fprintf(stderr, "morph: out of memory for translation blocks\n");
		abort();
	}
	tb->pc = pc;
	tb->key = pc;
	tb->phys_pc = phys;
	tb->flags = flags;
	tb->jmp_pc[0] = tb->jmp_pc[1] = ~0ull;

	int err = translate_into(cpu, tb, max);
	if (err) {
		free(tb);
		pthread_mutex_unlock(&exec_state.tb_lock);
		if (err == -ENOSPC) {
			/* Code cache full: flush everything at the loop and try again. */
			exec_state.flush_pending = 1;
			cpu_loop_exit(cpu, EXCP_FLUSH_AND_RETRY);
		}
		fprintf(stderr, "morph: cannot compile TB at 0x%llx: %s\n",
			(unsigned long long)pc, strerror(-err));
		abort();
	}
	tb->page[0] = phys >> GUEST_PAGE_SHIFT;
	tb->page[1] = ~0ull;
	if (tb->size && ((pc + tb->size - 1) >> GUEST_PAGE_SHIFT) != pc >> GUEST_PAGE_SHIFT) {
		uint64_t va = pc + tb->size - 1;
		if (cpu->softmmu)
			tb->page[1] = softmmu_probe_code_page(cpu, va, exec_state.arch->fetch_mmu_idx(flags));
		else
			tb->page[1] = va >> GUEST_PAGE_SHIFT;
	}
	page_link(tb, 0);
	if (has_page1(tb))
		page_link(tb, 1);
	/*
	 * Under tb_lock, so a store that invalidated the page's last TB and is
	 * dropping its watch (tb_invalidate_phys()) cannot undo these.
	 */
	if (cpu->softmmu) {
		softmmu_code_page_add(tb->page[0]);
		if (has_page1(tb))
			softmmu_code_page_add(tb->page[1]);
	}
	tb->all_next = tb_all;
	tb_all = tb;
	tb_count++;
	unsigned h = hash_of(phys, flags);
	tb->hash_next = tb_hash[h];
	__atomic_store_n(&tb_hash[h], tb, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&exec_state.tb_lock);
	if (trace_kinds & TRACE_OUT_ASM)
		trace_tb_out_asm(tb);
	return tb;
}
