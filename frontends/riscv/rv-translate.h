/*
 * RISC-V translation context shared by the trans_*() functions.
 * Each decoded instruction calls trans_NAME(ctx, args) (generated dispatch),
 * which appends IR for it and returns false if the instruction is illegal.
 */
#ifndef MORPH_RV_TRANSLATE_H
#define MORPH_RV_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "morph/ir.h"
#include "rv-cpu.h"

/* Global temp numbers in the frontend's global table (arch.c) */
#define RV_G_X(n) (n)          /* x1..x31 (entry 0 unused: x0 reads as constant 0) */
#define RV_G_F(n) (32 + (n))   /* f0..f31, raw 64-bit */
/*
 * RV32 harts (system mode): x1..x31 as i32 globals, the low halves of the
 * same slots. A TB uses either these or the i64 ones, never both.
 */
#define RV_G_X32(n) (64 + (n))
#define RV_NGLOBALS 96

struct rv_ctx {
	struct ir_ctx *ir;
	struct rv_cpu *cpu;
	uint64_t pc;       /* pc of the instruction being translated */
	uint64_t next_pc;  /* pc + its length */
	uint32_t insn;     /* raw encoding (16-bit ones zero-extended) */
	unsigned len;      /* 2 or 4 */
	uint32_t flags;    /* TB flags */
	enum ir_type tl;   /* IR_I64 for RV64, IR_I32 for RV32: the "target long" */
	bool ended;        /* set by an instruction that ended the TB (jumps, ecall, ...) */
	bool fs_marked;    /* system mode: this TB already set mstatus.FS dirty */
};

/** rv_gpr() - temp holding xN for reading (x0: constant 0). */
ir_temp rv_gpr(struct rv_ctx *ctx, unsigned n);
/** rv_dest() - temp to write xN through (x0: a scratch temp whose value is dropped). */
ir_temp rv_dest(struct rv_ctx *ctx, unsigned n);
/** rv_fpr() - global temp of fN (i64 raw bits). */
ir_temp rv_fpr(struct rv_ctx *ctx, unsigned n);
/** rv_tmp() - a new local of the target-long type. */
ir_temp rv_tmp(struct rv_ctx *ctx);
/** rv_imm() - a target-long constant. */
ir_temp rv_imm(struct rv_ctx *ctx, int64_t v);
/** rv_pc() - a computed pc wrapped to XLEN (RV32 jumps and branches wrap at 4 GiB). */
uint64_t rv_pc(const struct rv_ctx *ctx, uint64_t pc);
/** rv_is32() - an RV32 TB (XLEN = 32: ctx->tl is IR_I32). */
static inline bool rv_ctx_is32(const struct rv_ctx *ctx)
{
	return ctx->tl == IR_I32;
}

#endif
