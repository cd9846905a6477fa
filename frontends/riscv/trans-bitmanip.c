/*
 * Zba, Zbb and Zbs (unprivileged spec chapter 28, "B" Extension for Bit
 * Manipulation), RV64 forms.
 */
#include "frontends/riscv/rv-gen.h"

/* ---- Zba: rd = rs2 + (zext32?(rs1) << sh) */

static bool gen_shadd(struct rv_ctx *ctx, const struct rv_args *a, unsigned sh, bool uw)
{
	ir_temp t;

	if (uw && rv_ctx_is32(ctx))
		return false; /* the .uw forms are RV64 only */
	t = rv_tmp(ctx);

	ir_mov(ctx->ir, ctx->tl, t, rv_gpr(ctx, a->rs1));
	if (uw)
		ir_op1(ctx->ir, IR_ext32u, IR_I64, t, t);
	if (sh)
		ir_op2i(ctx->ir, IR_shl, ctx->tl, t, t, sh);
	ir_op2(ctx->ir, IR_add, ctx->tl, rv_dest(ctx, a->rd), t, rv_gpr(ctx, a->rs2));
	return true;
}

static bool gen_slli_uw(struct rv_ctx *ctx, const struct rv_args *a, int unused)
{
	ir_temp t;

	(void)unused;
	if (rv_ctx_is32(ctx))
		return false;
	t = rv_tmp(ctx);
	ir_op1(ctx->ir, IR_ext32u, IR_I64, t, rv_gpr(ctx, a->rs1));
	ir_op2i(ctx->ir, IR_shl, ctx->tl, rv_dest(ctx, a->rd), t, (uint64_t)a->shamt);
	return true;
}

RV_TRANS(add_uw, gen_shadd, 0, true)
RV_TRANS(sh1add, gen_shadd, 1, false)
RV_TRANS(sh2add, gen_shadd, 2, false)
RV_TRANS(sh3add, gen_shadd, 3, false)
RV_TRANS(sh1add_uw, gen_shadd, 1, true)
RV_TRANS(sh2add_uw, gen_shadd, 2, true)
RV_TRANS(sh3add_uw, gen_shadd, 3, true)
RV_TRANS(slli_uw, gen_slli_uw, 0)

/* ---- Zbb */

static bool gen_minmax(struct rv_ctx *ctx, const struct rv_args *a, enum ir_cond cond)
{
	ir_temp x = rv_gpr(ctx, a->rs1), y = rv_gpr(ctx, a->rs2);

	ir_movcond(ctx->ir, ctx->tl, cond, rv_dest(ctx, a->rd), x, y, x, y);
	return true;
}

static bool gen_orc_b(struct rv_ctx *ctx, const struct rv_args *a, int unused)
{
	ir_temp x = rv_gpr(ctx, a->rs1);

	(void)unused;
	if (rv_ctx_is32(ctx)) {
		/* the i64 helper on the zero-extended word; the low word is the result */
		ir_temp x64 = ir_new_temp(ctx->ir, IR_I64), r64 = ir_new_temp(ctx->ir, IR_I64);
		ir_op1(ctx->ir, IR_extu_i32_i64, IR_I64, x64, x);
		ir_call(ctx->ir, hid_rv_orc_b, r64, 1, &x64);
		ir_op1(ctx->ir, IR_extrl_i64_i32, IR_I32, rv_dest(ctx, a->rd), r64);
		return true;
	}
	ir_call(ctx->ir, hid_rv_orc_b, rv_dest(ctx, a->rd), 1, &x);
	return true;
}

/* An RV64 encoding that RV32 does not have (RV32's own are in insn-rv32.decode) */
static bool gen_unary64(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc)
{
	return !rv_ctx_is32(ctx) && gen_unary(ctx, a, opc);
}

/* rd = rs1 OP imm (rori uses the shamt field) */
static bool gen_rot_imm(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc)
{
	return gen_shift_imm(ctx, a, opc);
}

/* clzw/ctzw/cpopw: the i32 op of the low word, zero-extended (results are 0..32) */
static bool gen_count_w(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc)
{
	ir_temp lo, t;

	if (rv_ctx_is32(ctx))
		return false;
	lo = ir_new_temp(ctx->ir, IR_I32);
	t = ir_new_temp(ctx->ir, IR_I32);

	ir_op1(ctx->ir, IR_extrl_i64_i32, IR_I32, lo, rv_gpr(ctx, a->rs1));
	ir_op1(ctx->ir, opc, IR_I32, t, lo);
	ir_op1(ctx->ir, IR_extu_i32_i64, IR_I64, rv_dest(ctx, a->rd), t);
	return true;
}

RV_TRANS(andn, gen_arith, IR_andc)
RV_TRANS(orn, gen_arith, IR_orc)
RV_TRANS(xnor, gen_arith, IR_xnor)
RV_TRANS(clz, gen_unary, IR_clz)
RV_TRANS(ctz, gen_unary, IR_ctz)
RV_TRANS(cpop, gen_unary, IR_cpop)
RV_TRANS(clzw, gen_count_w, IR_clz)
RV_TRANS(ctzw, gen_count_w, IR_ctz)
RV_TRANS(cpopw, gen_count_w, IR_cpop)
RV_TRANS(max, gen_minmax, IR_COND_GT)
RV_TRANS(maxu, gen_minmax, IR_COND_GTU)
RV_TRANS(min, gen_minmax, IR_COND_LT)
RV_TRANS(minu, gen_minmax, IR_COND_LTU)
RV_TRANS(sext_b, gen_unary, IR_ext8s)
RV_TRANS(sext_h, gen_unary, IR_ext16s)
RV_TRANS(zext_h, gen_unary64, IR_ext16u)
RV_TRANS(rol, gen_arith, IR_rotl)
RV_TRANS(ror, gen_arith, IR_rotr)
RV_TRANS(rori, gen_rot_imm, IR_rotr)
RV_TRANS(rolw, gen_arith_w, IR_rotl)
RV_TRANS(rorw, gen_arith_w, IR_rotr)
RV_TRANS(roriw, gen_shift_imm_w, IR_rotr)
RV_TRANS(orc_b, gen_orc_b, 0)
RV_TRANS(rev8, gen_unary64, IR_bswap)

/* ---- Zbs: the bit index is rs2 (or shamt) modulo XLEN */

enum bit_op { BIT_CLR, BIT_SET, BIT_INV, BIT_EXT };

static bool gen_bit(struct rv_ctx *ctx, const struct rv_args *a, enum bit_op op, ir_temp idx)
{
	struct ir_ctx *ir = ctx->ir;
	ir_temp x = rv_gpr(ctx, a->rs1), d = rv_dest(ctx, a->rd), m = rv_tmp(ctx);

	if (op == BIT_EXT) {
		ir_op2(ir, IR_shr, ctx->tl, m, x, idx);
		ir_op2i(ir, IR_and, ctx->tl, d, m, 1);
		return true;
	}
	ir_op2(ir, IR_shl, ctx->tl, m, rv_imm(ctx, 1), idx);
	ir_op2(ir, op == BIT_CLR ? IR_andc : op == BIT_SET ? IR_or : IR_xor, ctx->tl, d, x, m);
	return true;
}

static bool gen_bit_reg(struct rv_ctx *ctx, const struct rv_args *a, enum bit_op op)
{
	return gen_bit(ctx, a, op, rv_gpr(ctx, a->rs2));
}

static bool gen_bit_imm(struct rv_ctx *ctx, const struct rv_args *a, enum bit_op op)
{
	if (rv_ctx_is32(ctx) && a->shamt >= 32)
		return false;
	return gen_bit(ctx, a, op, rv_imm(ctx, a->shamt));
}

RV_TRANS(bclr, gen_bit_reg, BIT_CLR)
RV_TRANS(bclri, gen_bit_imm, BIT_CLR)
RV_TRANS(bext, gen_bit_reg, BIT_EXT)
RV_TRANS(bexti, gen_bit_imm, BIT_EXT)
RV_TRANS(binv, gen_bit_reg, BIT_INV)
RV_TRANS(binvi, gen_bit_imm, BIT_INV)
RV_TRANS(bset, gen_bit_reg, BIT_SET)
RV_TRANS(bseti, gen_bit_imm, BIT_SET)
