/*
 * Private state shared by the exec core files (not a seam).
 */
#ifndef MORPH_EXEC_INTERNAL_H
#define MORPH_EXEC_INTERNAL_H

#include <pthread.h>
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
};

extern struct exec_state exec_state;
extern uint32_t interp_frame_base; /* env offset of the interpreter's frame */

/* exec.c: cpu_exit() on every live hart */
void exec_exit_all_cpus(void);

/* tb-cache.c */
void tb_cache_init(void);
struct tb *tb_gen_code(struct cpu *cpu, uint64_t pc, uint32_t flags);
struct tb *tb_hash_lookup(uint64_t pc, uint32_t flags);
void tb_add_jump(struct tb *from, unsigned slot, struct tb *to);
void tb_flush_now(void);

#endif
