/*
 * Private state shared by the exec core files (not a seam).
 */
#ifndef MORPH_EXEC_INTERNAL_H
#define MORPH_EXEC_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "morph/exec.h"

/* Internal exception: the loop must flush the TB cache and go on. */
#define EXCP_FLUSH_AND_RETRY (EXCP_ARCH_BASE - 1)

struct exec_state {
	const struct morph_arch *arch;
	const struct backend *be;
	struct exec_options opts;
	pthread_mutex_t tb_lock;       /* translation, TB lists, chaining */
	pthread_rwlock_t exec_lock;    /* read: a hart runs TBs; write: wholesale flush */
	volatile int flush_pending;
	volatile uint32_t flush_epoch;  /* bumped by every flush: harts clear their jump caches */
	int (*fetch)(struct cpu *cpu, uint64_t pc, void *buf, unsigned len);
	size_t cpu_alloc_size;
	bool system_mode;              /* softmmu_attach() ran: TBs access memory through the TLB */
	void (*wakeup)(struct cpu *cpu); /* the runner's wfi wakeup (exec_set_wakeup()) */
	void (*icount_timer)(struct cpu *cpu); /* --icount timers (exec_set_icount_timer()) */
};

extern struct exec_state exec_state;
extern uint32_t interp_frame_base; /* env offset of the interpreter's frame */

/* exec.c: cpu_exit() on every live hart */
void exec_exit_all_cpus(void);

/* exec.c: system mode from now on (softmmu_attach()); a backend without the softMMU is replaced */
void exec_enter_system_mode(void);

/*
 * tb-cache.c. @phys is the guest physical pc in system mode, = @pc in user
 * mode; a system-mode lookup also checks the second page of a TB crossing
 * one (through @cpu's TLB).
 */
void tb_cache_init(void);
struct tb *tb_gen_code(struct cpu *cpu, uint64_t pc, uint64_t phys, uint32_t flags);
struct tb *tb_hash_lookup(struct cpu *cpu, uint64_t pc, uint64_t phys, uint32_t flags);
void tb_add_jump(struct tb *from, unsigned slot, struct tb *to);
void tb_flush_now(void);

/* softmmu.c: code pages (guest physical page numbers) and the translator's view of memory */
void softmmu_code_page_add(uint64_t pfn);   /* a TB was made on it: watch writes */
void softmmu_code_page_drop(uint64_t pfn);  /* no TB left on it (tb_lock held) */
void softmmu_code_pages_reset(void);        /* wholesale flush: no TB anywhere */
/* physical page number of the code at @vaddr, TB_PAGE_UNMAPPED if it cannot be fetched */
uint64_t softmmu_probe_code_page(struct cpu *cpu, uint64_t vaddr, unsigned mmu_idx);
int softmmu_translator_fetch(struct cpu *cpu, uint64_t pc, void *buf, unsigned len);
/* @tb went into cpu->jmp_cache: page flushes must look there */
void softmmu_jmp_cache_note(struct cpu *cpu, const struct tb *tb);

#endif
