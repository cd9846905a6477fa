/*
 * Translation blocks and the TB cache, shared by the exec loop and the
 * backends (x86-64 JIT and IR interpreter).
 */
#ifndef MORPH_TB_H
#define MORPH_TB_H

#include <stdbool.h>
#include <stdint.h>

#include "morph/cpu.h"

/** A translated guest block. */
struct tb {
	uint64_t pc;       /* guest virtual pc of the first instruction */
	uint64_t phys_pc;  /* system mode: its guest physical address (user mode: = pc) */
	uint32_t flags;    /* mode flags it was translated under */
	uint32_t size;     /* guest bytes covered */
	uint32_t ninsns;   /* guest instructions */
	volatile bool invalid; /* set on invalidation: never entered again */
	/*
	 * may_loop (set by the core before compile): the backend may run a jump
	 * to the TB's own start as a loop inside its code, which checks only
	 * exit_request on the way round (no instrumentation, chaining allowed).
	 * loops (set by the backend): it did, so invalidating it must make the
	 * harts leave guest code.
	 */
	bool may_loop;
	bool loops;
	/* pc while valid, TB_KEY_INVALID once invalidated: what the JIT's jump cache probe compares */
	volatile uint64_t key;

	void *code;        /* backend's code: host code (JIT) or the interpreter's program */
	uint32_t code_size;

	/* Chaining: exit slot n (goto_tb n) jumps straight to jmp_dest[n] once patched. */
	struct tb *volatile jmp_dest[2];
	uint32_t jmp_patch[2]; /* backend's offset of the patchable jump in code */
	uint64_t jmp_pc[2];    /* static target pc of each slot (~0 if unused) */
	struct tb *jmp_from_list; /* TBs that chain into this one ... */
	struct tb *jmp_from_next[2]; /* ... linked through this, one link per slot */

	/* Guest pc of each host code offset range (JIT), for precise faults */
	uint32_t *host_map; /* pairs (host offset end, guest pc delta) */
	uint32_t host_map_len;
	/* Backend-defined: where guest registers are at host instructions that may fault */
	const uint32_t *fault_regs;
	uint32_t fault_regs_len;

	struct tb *hash_next;   /* TB hash chain */
	struct tb *all_next;    /* every TB since the last flush */
	struct tb *page_next[2]; /* TBs of the same guest page(s) */
	/*
	 * Guest page numbers covered (page[1] = ~0 if one page): virtual in user
	 * mode, physical in system mode, where page[1] = TB_PAGE_UNMAPPED when
	 * the second page could not be translated (the TB raises a fetch fault).
	 */
	uint64_t page[2];
};

#define TB_PAGE_UNMAPPED (~(uint64_t)1)
/* tb.key of an invalidated TB: odd, so no guest pc equals it */
#define TB_KEY_INVALID (~(uint64_t)0)

/*
 * What an empty jump cache slot points to (never NULL, so the probe needs
 * no NULL test): a TB no pc matches, never run.
 */
extern struct tb tb_jmp_cache_empty;

/* What a backend's exec returns: the last TB run and how it left. */
#define TB_EXIT_SLOT0 0u   /* goto_tb 0: chain candidate */
#define TB_EXIT_SLOT1 1u   /* goto_tb 1: chain candidate */
#define TB_EXIT_OTHER 2u   /* exit_tb / lookup miss: nothing to chain */
#define TB_EXIT_MASK 3u

/** tb_jmp_cache_entries() - jump cache slots in use: fewer in system mode (cpu.h). */
static inline unsigned tb_jmp_cache_entries(const struct cpu *cpu)
{
	return cpu->softmmu ? TB_JMP_CACHE_SIZE_SOFTMMU : TB_JMP_CACHE_SIZE;
}

/** tb_jmp_cache_clear() - empty @cpu's jump cache (every slot in use -> tb_jmp_cache_empty). */
void tb_jmp_cache_clear(struct cpu *cpu);

/** tb_jmp_cache_hash() - @cpu's jump cache slot of guest pc @pc. */
static inline unsigned tb_jmp_cache_hash(const struct cpu *cpu, uint64_t pc)
{
	uint64_t h = pc >> 1;
	return (unsigned)((h ^ (h >> TB_JMP_CACHE_BITS)) & (tb_jmp_cache_entries(cpu) - 1));
}

/**
 * tb_lookup() - the valid TB for (pc, flags), translating it if needed.
 * Thread safe. Raises (cpu_loop_exit) when the code at pc cannot be fetched.
 */
struct tb *tb_lookup(struct cpu *cpu, uint64_t pc, uint32_t flags);

/**
 * tb_invalidate_range() - invalidate every TB overlapping guest virtual
 * [start, end) (user mode: guest addresses; self-modifying code, munmap).
 */
void tb_invalidate_range(uint64_t start, uint64_t end);

/**
 * tb_invalidate_phys() - system mode: invalidate every TB whose code overlaps
 * guest physical [start, end) (stores to watched pages, DMA); pages left
 * without TBs stop being write-watched.
 */
void tb_invalidate_phys(uint64_t start, uint64_t end);

/** tb_flush_all() - drop every TB (fence.i in user mode is cheaper than tracking). */
void tb_flush_all(void);

/** tb_find_by_host_pc() - the TB whose host code contains @host_pc, or NULL. */
struct tb *tb_find_by_host_pc(uintptr_t host_pc);

#endif
