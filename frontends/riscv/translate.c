/*
 * RISC-V translation: the TB loop (fetch 16-bit parcels, decode with the
 * generated decoder, dispatch to the trans_*() functions) and the emitters
 * they share.
 */
#include <stdint.h>

#include "morph/frontend.h"
#include "morph/ir.h"
#include "morph/ir-w.h"
#include "frontends/riscv/rv-gen.h"

#define RV_PAGE_MASK (~(uint64_t)0xfff)

/* Leave room for the longest instruction (an AMO or sc with its labels). */
#define RV_OPS_RESERVE 64
#define RV_TEMPS_RESERVE 32

/* ---- Register access (rv-translate.h) */

static unsigned gpr_global(const struct rv_ctx *ctx, unsigned n)
{
	return ctx->tl == IR_I32 ? RV_G_X32(n) : RV_G_X(n);
}

ir_temp rv_gpr(struct rv_ctx *ctx, unsigned n)
{
	return n ? ir_global(ctx->ir, gpr_global(ctx, n)) : ir_const(ctx->ir, ctx->tl, 0);
}

ir_temp rv_dest(struct rv_ctx *ctx, unsigned n)
{
	return n ? ir_global(ctx->ir, gpr_global(ctx, n)) : ir_new_temp(ctx->ir, ctx->tl);
}

uint64_t rv_pc(const struct rv_ctx *ctx, uint64_t pc)
{
	return ctx->tl == IR_I32 ? (uint32_t)pc : pc;
}

ir_temp rv_fpr(struct rv_ctx *ctx, unsigned n)
{
	return ir_global(ctx->ir, RV_G_F(n));
}

ir_temp rv_tmp(struct rv_ctx *ctx)
{
	return ir_new_temp(ctx->ir, ctx->tl);
}

ir_temp rv_imm(struct rv_ctx *ctx, int64_t v)
{
	return ir_const(ctx->ir, ctx->tl, (uint64_t)v);
}

/* ---- Shared emitters (rv-gen.h) */

void gen_set_gpr(struct rv_ctx *ctx, unsigned rd, ir_temp v)
{
	if (rd)
		ir_mov(ctx->ir, ctx->tl, rv_dest(ctx, rd), v);
}

uint32_t gen_memop(struct rv_ctx *ctx, uint32_t mo)
{
	/* One address space in user mode (flags 0); system mode: the mode's MMU index */
	mo |= IR_MO_MMU((ctx->flags & RV_TBF_MMU_MASK) >> RV_TBF_MMU_SHIFT);
	if ((ctx->flags & RV_TBF_SYS) && ctx->cpu->trap_misaligned)
		mo |= IR_MO_ALIGN;
	return mo;
}

ir_temp gen_addr(struct rv_ctx *ctx, unsigned rs1, int64_t imm)
{
	ir_temp t = rv_tmp(ctx);

	ir_op2i(ctx->ir, IR_add, ctx->tl, t, rv_gpr(ctx, rs1), (uint64_t)imm);
	return t;
}

void gen_helper0(struct rv_ctx *ctx, unsigned hid)
{
	ir_call(ctx->ir, hid, IR_TEMP_NONE, 0, NULL);
}

void gen_helper1(struct rv_ctx *ctx, unsigned hid, ir_temp arg)
{
	ir_call(ctx->ir, hid, IR_TEMP_NONE, 1, &arg);
}

bool gen_raise(struct rv_ctx *ctx, unsigned hid)
{
	gen_helper0(ctx, hid);
	/* Not reached; keeps every path of the TB ending in an exit. */
	ir_exit_tb(ctx->ir, IR_EXIT_NORMAL);
	ctx->ended = true;
	return true;
}

void gen_exit_next(struct rv_ctx *ctx)
{
	ir_set_pci(ctx->ir, ctx->tl, ctx->next_pc);
	ir_exit_tb(ctx->ir, IR_EXIT_SYNC);
	ctx->ended = true;
}

bool gen_arith(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc)
{
	ir_op2(ctx->ir, opc, ctx->tl, rv_dest(ctx, a->rd), rv_gpr(ctx, a->rs1),
	       rv_gpr(ctx, a->rs2));
	return true;
}

bool gen_arith_imm(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc)
{
	ir_op2i(ctx->ir, opc, ctx->tl, rv_dest(ctx, a->rd), rv_gpr(ctx, a->rs1),
		(uint64_t)a->imm);
	return true;
}

bool gen_shift_imm(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc)
{
	if (rv_ctx_is32(ctx) && a->shamt >= 32)
		return false; /* shamt[5] set: reserved on RV32 */
	ir_op2i(ctx->ir, opc, ctx->tl, rv_dest(ctx, a->rd), rv_gpr(ctx, a->rs1),
		(uint64_t)a->shamt);
	return true;
}

bool gen_unary(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc)
{
	ir_op1(ctx->ir, opc, ctx->tl, rv_dest(ctx, a->rd), rv_gpr(ctx, a->rs1));
	return true;
}

/* The *W forms: 32-bit operations on the low words, sign-extended (morph/ir-w.h) */
bool gen_arith_w(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc)
{
	if (rv_ctx_is32(ctx))
		return false; /* RV64 only */
	/* sllw & co shift by rs2 mod 32, as the i32 IR shifts do */
	ir_op2_w(ctx->ir, opc, rv_dest(ctx, a->rd), rv_gpr(ctx, a->rs1), rv_gpr(ctx, a->rs2));
	return true;
}

bool gen_arith_imm_w(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc)
{
	if (rv_ctx_is32(ctx))
		return false; /* RV64 only */
	ir_op2_w(ctx->ir, opc, rv_dest(ctx, a->rd), rv_gpr(ctx, a->rs1), rv_imm(ctx, a->imm));
	return true;
}

bool gen_shift_imm_w(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc)
{
	if (rv_ctx_is32(ctx))
		return false; /* RV64 only */
	ir_op2_w(ctx->ir, opc, rv_dest(ctx, a->rd), rv_gpr(ctx, a->rs1), rv_imm(ctx, a->shamt));
	return true;
}

bool gen_unary_w(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc)
{
	if (rv_ctx_is32(ctx))
		return false; /* RV64 only */
	ir_op1_w(ctx->ir, opc, rv_dest(ctx, a->rd), rv_gpr(ctx, a->rs1));
	return true;
}

/* ---- The TB loop */

/* Fetch one little-endian 16-bit parcel; false if the memory is not executable. */
static bool fetch16(struct cpu *cpu, uint64_t pc, uint32_t *out)
{
	uint8_t b[2];

	if (translator_fetch(cpu, pc, b, 2) < 0)
		return false;
	*out = (uint32_t)b[0] | (uint32_t)b[1] << 8;
	return true;
}

/*
 * The code at @pc cannot be fetched: raise the fault when the TB runs (a
 * speculative translation must not fault). @addr is the unreadable address,
 * @pc + 2 when a 32-bit instruction straddles into an unmapped page.
 */
static void gen_fetch_fault(struct rv_ctx *ctx, uint64_t addr)
{
	ir_temp t = ir_const(ctx->ir, IR_I64, addr);

	gen_helper1(ctx, hid_rv_fetch_fault, t);
	ir_exit_tb(ctx->ir, IR_EXIT_NORMAL);
	ctx->ended = true;
}

static bool ir_nearly_full(const struct ir_ctx *ir)
{
	return ir->nops + RV_OPS_RESERVE > IR_MAX_OPS ||
	       ir->ntemps + RV_TEMPS_RESERVE > IR_MAX_TEMPS;
}

struct translate_result rv_translate(struct cpu *cpu, struct ir_ctx *ir, uint64_t pc,
				     uint32_t flags, unsigned max_insns)
{
	struct rv_ctx ctx = {
		.ir = ir,
		.cpu = (struct rv_cpu *)cpu,
		.flags = flags,
		.tl = (flags & RV_TBF_RV32) ? IR_I32 : IR_I64,
	};
	struct translate_result res = {0, 0};
	const uint64_t page = pc & RV_PAGE_MASK;

	if (max_insns == 0)
		max_insns = 1;
	ctx.next_pc = pc;
	while (!ctx.ended) {
		uint32_t insn, hi;
		struct rv_args args;
		enum rv_insn id;

		ctx.pc = ctx.next_pc;
		if (res.ninsns >= max_insns || ir_nearly_full(ir) ||
		    (res.ninsns && (ctx.pc & RV_PAGE_MASK) != page)) {
			ir_goto_tb(ir, 0, ctx.pc);
			break;
		}
		if (!fetch16(cpu, ctx.pc, &insn)) {
			if (res.ninsns) {
				ir_goto_tb(ir, 0, ctx.pc);
				break;
			}
			ir_insn_start(ir, ctx.pc, 2);
			gen_fetch_fault(&ctx, ctx.pc);
			res.size = 2;
			res.ninsns = 1;
			break;
		}
		ctx.len = 2;
		if ((insn & 3) == 3) {
			/* 32-bit: the upper parcel may be on the next page */
			if (!fetch16(cpu, ctx.pc + 2, &hi)) {
				if (res.ninsns) {
					ir_goto_tb(ir, 0, ctx.pc);
					break;
				}
				ir_insn_start(ir, ctx.pc, 4);
				gen_fetch_fault(&ctx, ctx.pc + 2);
				res.size = 4;
				res.ninsns = 1;
				break;
			}
			insn |= hi << 16;
			ctx.len = 4;
		}
		ctx.insn = insn;
		ctx.next_pc = ctx.pc + ctx.len;
		ir_insn_start(ir, ctx.pc, ctx.len);

		id = ctx.len == 4 ? rv_decode32(insn, &args) : rv_decode16(insn, &args);
		unsigned nops = ir->nops;
		bool fs_marked = ctx.fs_marked, ok = false, rv32_form = false;
		if (flags & RV_TBF_RV32)
			ok = rv_translate_rv32(&ctx, insn, &rv32_form);
		if (rv32_form)
			id = RV_INSN_COUNT; /* decoded, refused: no privileged table */
		else
			ok = id != RV_INSN_ILLEGAL && rv_dispatch(&ctx, id, &args);
		if (!ok) {
			/* Drop what a trans function emitted before refusing. */
			ir->nops = nops;
			ctx.ended = false;
			ctx.fs_marked = fs_marked;
			if (!(flags & RV_TBF_SYS)) {
				gen_raise(&ctx, hid_rv_illegal);
			} else if (id != RV_INSN_ILLEGAL || ctx.len != 4 ||
				   !rv_translate_priv(&ctx, insn)) {
				ir->nops = nops;
				ctx.ended = false;
				gen_illegal_sys(&ctx);
			}
		}
		res.ninsns++;
		res.size = (uint32_t)(ctx.next_pc - pc);
		if (ir->overflow)
			break; /* the core retries with fewer instructions */
	}
	return res;
}
