/*
 * MIPS translation context and the IR emitters the trans-*.c files share
 * (translate.c). Each decoded instruction calls mips_trans_NAME(ctx, args)
 * (generated dispatch), which appends its IR and returns false if the
 * instruction is reserved. Private to frontends/mips.
 */
#ifndef MORPH_MIPS_GEN_H
#define MORPH_MIPS_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "morph/frontend.h"
#include "morph/ir.h"
#include "morph/ir-w.h"
#include "frontends/mips/mips-cpu.h"
#include "mips-decode.h"

#define HELPER_ENV struct mips_cpu
#define HELPER_LIST "frontends/mips/helpers.def"
#include "morph/helper-def.h"
#undef HELPER_LIST
#define HELPER_LIST "frontends/mips/helpers-fp.def"
#include "morph/helper-def.h"
#undef HELPER_LIST
#define HELPER_LIST "frontends/mips/helpers-sys.def"
#include "morph/helper-def.h"
#undef HELPER_LIST

/* Global temp numbers in the frontend's global table (arch.c) */
#define MIPS_G_GPR(n) (n)          /* $1..$31 (entry 0 unused: $0 reads as 0) */
#define MIPS_G_HI 32
#define MIPS_G_LO 33
#define MIPS_G_FPR(n) (34 + (n))   /* raw 64-bit FPR slots */
#define MIPS_G_LLADDR 66
#define MIPS_G_LLVAL 67
#define MIPS_NGLOBALS 68

struct mips_ctx {
	struct ir_ctx *ir;
	struct mips_cpu *cpu;
	uint64_t pc;        /* pc of the instruction being translated */
	uint64_t next_pc;   /* where the TB goes on: pc + 4, or + 8 past a delay slot */
	uint32_t insn;      /* its encoding */
	uint32_t flags;     /* TB flags */
	bool be;            /* big-endian guest: memory ops get IR_MO_BE */
	bool in_delay;      /* translating a branch's delay slot */
	bool ended;         /* an instruction ended the TB (branches, syscall, ...) */
	bool force_exit;    /* the delay slot changed the mode: the branch exits to the loop */
	unsigned ninsns;    /* instructions translated, delay slots included */
};

/* The morph_arch hooks (translate.c, disas.c) */
struct translate_result mips_translate(struct cpu *cpu, struct ir_ctx *ir, uint64_t pc,
				       uint32_t flags, unsigned max_insns);
unsigned mips_disas_le(char *buf, size_t bufsz, uint64_t pc, const uint8_t *code, size_t avail,
		       uint32_t flags);
unsigned mips_disas_be(char *buf, size_t bufsz, uint64_t pc, const uint8_t *code, size_t avail,
		       uint32_t flags);
/** mips_gpr_name() - ABI name of GPR @n (disas.c). */
const char *mips_gpr_name(unsigned n);
/** mips_helpers_register()/mips_fp_helpers_register() - helpers.def / helpers-fp.def. */
void mips_helpers_register(void);
void mips_fp_helpers_register(void);
/** mips_sys_helpers_register() - helpers-sys.def (priv.c). */
void mips_sys_helpers_register(void);
/** mips_clock_ns() - the host monotonic clock in ns (RDHWR CC). */
uint64_t mips_clock_ns(void);

/*
 * MIPS_TRANS(name, emitter, args...) defines the one-line trans function
 *   bool mips_trans_name(ctx, a) { return emitter(ctx, a, args...); }
 */
#define MIPS_TRANS(name, emitter, ...)                                                  \
	bool mips_trans_##name(struct mips_ctx *ctx, const struct mips_args *a)         \
	{                                                                               \
		return emitter(ctx, a, __VA_ARGS__);                                    \
	}

/* ---- Registers */

/** mips_gpr() - temp holding $n for reading ($0: constant 0). */
ir_temp mips_gpr(struct mips_ctx *ctx, unsigned n);
/** mips_dest() - temp to write $n through ($0: a scratch temp whose value is dropped). */
ir_temp mips_dest(struct mips_ctx *ctx, unsigned n);
/** mips_tmp() - a new i64 local. */
ir_temp mips_tmp(struct mips_ctx *ctx);
/** mips_imm() - an i64 constant. */
ir_temp mips_imm(struct mips_ctx *ctx, int64_t v);
/** mips_set_gpr() - $rd = @v (dropped for $0). */
void mips_set_gpr(struct mips_ctx *ctx, unsigned rd, ir_temp v);

/* ---- Memory */

/** mips_memop() - @mo plus the guest's byte order. */
uint32_t mips_memop(const struct mips_ctx *ctx, uint32_t mo);
/** mips_addr() - a temp holding $rs + @imm (masked to the guest space by the core). */
ir_temp mips_addr(struct mips_ctx *ctx, unsigned rs, int64_t imm);

/* ---- Helpers and exceptions */

void mips_helper0(struct mips_ctx *ctx, unsigned hid);
void mips_helper1(struct mips_ctx *ctx, unsigned hid, ir_temp arg);
/**
 * mips_exit_next() - end the TB after this instruction with an exit to the
 * loop (the mode, translation or interrupt enables changed). In a delay
 * slot the branch exits to the loop instead of chaining.
 */
void mips_exit_next(struct mips_ctx *ctx);
/** mips_raise() - call the NORETURN helper @hid (with @arg unless IR_TEMP_NONE) and end the TB. */
bool mips_raise(struct mips_ctx *ctx, unsigned hid, ir_temp arg);

/* ---- Branches (translate.c: the delay slot is translated inside) */

enum mips_br_kind {
	MIPS_BR_ALWAYS,   /* b, j, jal */
	MIPS_BR_COND,     /* beq & co: the delay slot always runs */
	MIPS_BR_LIKELY,   /* beql & co: the delay slot runs only when taken */
};

/**
 * mips_branch() - a branch to the static @target if @taken (an i64 temp,
 * non-zero: taken; ignored for MIPS_BR_ALWAYS), writing the return address
 * (pc + 8) to $@link first if non-zero. Translates the delay slot and ends
 * the TB. False if the branch itself sits in a delay slot (reserved).
 */
bool mips_branch(struct mips_ctx *ctx, enum mips_br_kind kind, ir_temp taken, uint64_t target,
		unsigned link);
/** mips_jump_reg() - jr/jalr: jump to the value of @target_reg after the delay slot. */
bool mips_jump_reg(struct mips_ctx *ctx, unsigned target_reg, unsigned link);

#endif
