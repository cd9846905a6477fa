/*
 * The seam between the core and a code generator. A backend turns an
 * optimized IR TB into something it can execute: host code (x86-64 JIT) or
 * a compact program (the IR interpreter). Both implement this table.
 */
#ifndef MORPH_BACKEND_H
#define MORPH_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "morph/ir.h"
#include "morph/tb.h"

struct morph_arch;

struct backend {
	const char *name;

	/*
	 * true if compiled guest memory ops go through the softMMU TLB when
	 * cpu->softmmu (system mode); softmmu_attach() falls back to the
	 * interpreter for a backend that cannot.
	 */
	bool softmmu;

	/**
	 * has_op() - true if the backend implements optional op @opc for type @t;
	 * the core expands optional ops it lacks (ir_lower()) before compile().
	 */
	bool (*has_op)(enum ir_opc opc, enum ir_type t);

	/**
	 * init() - once at startup (code cache allocation etc.), for guest
	 * @arch (its globals, and which of them to keep resident; NULL: none).
	 * Returns 0 or -errno.
	 */
	int (*init)(const struct morph_arch *arch);

	/**
	 * compile() - build @tb's executable form from @ctx; sets tb->code,
	 * code_size, jmp_patch[] and host_map. Returns 0, or -ENOSPC when the
	 * code cache is full (the core then flushes everything and retries).
	 */
	int (*compile)(struct tb *tb, struct ir_ctx *ctx);

	/**
	 * exec() - run @tb (and whatever it chains to) on @cpu. Returns the last
	 * TB run, ORed with TB_EXIT_* telling how it left.
	 */
	uintptr_t (*exec)(struct cpu *cpu, struct tb *tb);

	/** chain() - patch exit @slot of @from to jump to @to; unchain() restores the exit. */
	void (*chain)(struct tb *from, unsigned slot, struct tb *to);
	void (*unchain)(struct tb *from, unsigned slot);

	/** free_code() - forget @tb's code (the interpreter frees its program). May be NULL. */
	void (*free_code)(struct tb *tb);

	/** reset() - drop all code (wholesale flush). May be NULL. */
	void (*reset)(void);

	/** guest_pc_of() - guest pc of the instruction at host code address @host_pc in @tb. */
	uint64_t (*guest_pc_of)(struct tb *tb, uintptr_t host_pc);

	/**
	 * restore_regs() - a host fault hit @tb's code at @host_pc with host
	 * register state @host_ctx (a ucontext_t): write into @cpu's env the
	 * globals that were only in host registers there. May be NULL (the
	 * backend keeps env exact at every access that can fault).
	 */
	void (*restore_regs)(struct tb *tb, struct cpu *cpu, uintptr_t host_pc,
			     const void *host_ctx);

	/** dump_code() - disassemble @tb's host code to @f (trace out_asm). May be NULL. */
	void (*dump_code)(struct tb *tb, void *f);
};

extern const struct backend backend_interp;
#ifdef MORPH_HAVE_X86_64_JIT
extern const struct backend backend_x86_64;
#endif

/** ir_lower() - expand ops that @be lacks into ops it has (core, ir/lower.c). */
void ir_lower(struct ir_ctx *ctx, const struct backend *be);

#endif
