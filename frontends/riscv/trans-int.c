/*
 * RV64I and M: one trans function per pattern of insn32.decode (the
 * compressed forms call the same ones). Unprivileged spec chapters 2, 4
 * (RV64I) and 13 (M); the IR's div/rem already give RISC-V's results for
 * division by zero and overflow.
 */
#include "frontends/riscv/rv-gen.h"

/* ---- Upper immediates and jumps */

bool trans_lui(struct rv_ctx *ctx, const struct rv_args *a)
{
	gen_set_gpr(ctx, a->rd, rv_imm(ctx, a->imm));
	return true;
}

bool trans_auipc(struct rv_ctx *ctx, const struct rv_args *a)
{
	gen_set_gpr(ctx, a->rd, rv_imm(ctx, (int64_t)(ctx->pc + (uint64_t)a->imm)));
	return true;
}

bool trans_jal(struct rv_ctx *ctx, const struct rv_args *a)
{
	gen_set_gpr(ctx, a->rd, rv_imm(ctx, (int64_t)ctx->next_pc));
	ir_goto_tb(ctx->ir, 0, rv_pc(ctx, ctx->pc + (uint64_t)a->imm));
	ctx->ended = true;
	return true;
}

bool trans_jalr(struct rv_ctx *ctx, const struct rv_args *a)
{
	/* target first: rd may be rs1. Bit 0 is cleared (spec 2.5.1). */
	ir_temp target = gen_addr(ctx, a->rs1, a->imm);

	ir_op2i(ctx->ir, IR_and, ctx->tl, target, target, ~(uint64_t)1);
	gen_set_gpr(ctx, a->rd, rv_imm(ctx, (int64_t)ctx->next_pc));
	ir_set_pc(ctx->ir, ctx->tl, target);
	ir_lookup_and_goto(ctx->ir);
	ctx->ended = true;
	return true;
}

/* Taken: chaining slot 0, not taken: slot 1. */
static bool gen_branch(struct rv_ctx *ctx, const struct rv_args *a, enum ir_cond cond)
{
	unsigned taken = ir_new_label(ctx->ir);

	ir_brcond(ctx->ir, ctx->tl, cond, rv_gpr(ctx, a->rs1), rv_gpr(ctx, a->rs2), taken);
	ir_goto_tb(ctx->ir, 1, ctx->next_pc);
	ir_set_label(ctx->ir, taken);
	ir_goto_tb(ctx->ir, 0, rv_pc(ctx, ctx->pc + (uint64_t)a->imm));
	ctx->ended = true;
	return true;
}

RV_TRANS(beq, gen_branch, IR_COND_EQ)
RV_TRANS(bne, gen_branch, IR_COND_NE)
RV_TRANS(blt, gen_branch, IR_COND_LT)
RV_TRANS(bge, gen_branch, IR_COND_GE)
RV_TRANS(bltu, gen_branch, IR_COND_LTU)
RV_TRANS(bgeu, gen_branch, IR_COND_GEU)

/* ---- Loads and stores: little-endian, misaligned allowed in user mode */

/* RV32 has no ld, lwu, sd */
static bool rv32_memop_ok(const struct rv_ctx *ctx, uint32_t mo, bool load)
{
	unsigned size = mo & IR_MO_SIZE;

	if (!rv_ctx_is32(ctx))
		return true;
	return size < IR_MO_32 || (size == IR_MO_32 && (!load || (mo & IR_MO_SIGN)));
}

static bool gen_load(struct rv_ctx *ctx, const struct rv_args *a, uint32_t mo)
{
	if (!rv32_memop_ok(ctx, mo, true))
		return false;
	ir_ld(ctx->ir, ctx->tl, rv_dest(ctx, a->rd), gen_addr(ctx, a->rs1, a->imm),
	      gen_memop(ctx, mo));
	return true;
}

static bool gen_store(struct rv_ctx *ctx, const struct rv_args *a, uint32_t mo)
{
	if (!rv32_memop_ok(ctx, mo, false))
		return false;
	ir_st(ctx->ir, ctx->tl, rv_gpr(ctx, a->rs2), gen_addr(ctx, a->rs1, a->imm),
	      gen_memop(ctx, mo));
	return true;
}

RV_TRANS(lb, gen_load, IR_MO_8 | IR_MO_SIGN)
RV_TRANS(lh, gen_load, IR_MO_16 | IR_MO_SIGN)
RV_TRANS(lw, gen_load, IR_MO_32 | IR_MO_SIGN)
RV_TRANS(ld, gen_load, IR_MO_64)
RV_TRANS(lbu, gen_load, IR_MO_8)
RV_TRANS(lhu, gen_load, IR_MO_16)
RV_TRANS(lwu, gen_load, IR_MO_32)
RV_TRANS(sb, gen_store, IR_MO_8)
RV_TRANS(sh, gen_store, IR_MO_16)
RV_TRANS(sw, gen_store, IR_MO_32)
RV_TRANS(sd, gen_store, IR_MO_64)

/* ---- Register-immediate */

static bool gen_setcond_imm(struct rv_ctx *ctx, const struct rv_args *a, enum ir_cond cond)
{
	ir_setcond(ctx->ir, ctx->tl, cond, rv_dest(ctx, a->rd), rv_gpr(ctx, a->rs1),
		   rv_imm(ctx, a->imm));
	return true;
}

RV_TRANS(addi, gen_arith_imm, IR_add)
RV_TRANS(slti, gen_setcond_imm, IR_COND_LT)
RV_TRANS(sltiu, gen_setcond_imm, IR_COND_LTU)
RV_TRANS(xori, gen_arith_imm, IR_xor)
RV_TRANS(ori, gen_arith_imm, IR_or)
RV_TRANS(andi, gen_arith_imm, IR_and)
RV_TRANS(slli, gen_shift_imm, IR_shl)
RV_TRANS(srli, gen_shift_imm, IR_shr)
RV_TRANS(srai, gen_shift_imm, IR_sar)

RV_TRANS(addiw, gen_arith_imm_w, IR_add)
RV_TRANS(slliw, gen_shift_imm_w, IR_shl)
RV_TRANS(srliw, gen_shift_imm_w, IR_shr)
RV_TRANS(sraiw, gen_shift_imm_w, IR_sar)

/* ---- Register-register */

static bool gen_setcond(struct rv_ctx *ctx, const struct rv_args *a, enum ir_cond cond)
{
	ir_setcond(ctx->ir, ctx->tl, cond, rv_dest(ctx, a->rd), rv_gpr(ctx, a->rs1),
		   rv_gpr(ctx, a->rs2));
	return true;
}

RV_TRANS(add, gen_arith, IR_add)
RV_TRANS(sub, gen_arith, IR_sub)
RV_TRANS(sll, gen_arith, IR_shl)
RV_TRANS(slt, gen_setcond, IR_COND_LT)
RV_TRANS(sltu, gen_setcond, IR_COND_LTU)
RV_TRANS(xor, gen_arith, IR_xor)
RV_TRANS(srl, gen_arith, IR_shr)
RV_TRANS(sra, gen_arith, IR_sar)
RV_TRANS(or, gen_arith, IR_or)
RV_TRANS(and, gen_arith, IR_and)

/* 32-bit shifts use the low 5 bits of rs2: an i32 IR shift does exactly that */
RV_TRANS(addw, gen_arith_w, IR_add)
RV_TRANS(subw, gen_arith_w, IR_sub)
RV_TRANS(sllw, gen_arith_w, IR_shl)
RV_TRANS(srlw, gen_arith_w, IR_shr)
RV_TRANS(sraw, gen_arith_w, IR_sar)

/* ---- M */

RV_TRANS(mul, gen_arith, IR_mul)
RV_TRANS(mulh, gen_arith, IR_mulsh)
RV_TRANS(mulhsu, gen_arith, IR_mulsuh)
RV_TRANS(mulhu, gen_arith, IR_muluh)
RV_TRANS(div, gen_arith, IR_div)
RV_TRANS(divu, gen_arith, IR_divu)
RV_TRANS(rem, gen_arith, IR_rem)
RV_TRANS(remu, gen_arith, IR_remu)

/* divuw/remuw divide the low words as unsigned and sign-extend the result */
RV_TRANS(mulw, gen_arith_w, IR_mul)
RV_TRANS(divw, gen_arith_w, IR_div)
RV_TRANS(divuw, gen_arith_w, IR_divu)
RV_TRANS(remw, gen_arith_w, IR_rem)
RV_TRANS(remuw, gen_arith_w, IR_remu)
