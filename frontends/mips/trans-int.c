/*
 * MIPS32 integer arithmetic, logic, shifts, HI/LO, multiply and divide, and
 * the release 2 bit-field instructions. Values are kept sign-extended from
 * 32 bits in i64 registers (mips-cpu.h); 32-bit results go through
 * ir_op2_w() & co. Volume II, one section per instruction.
 */
#include "frontends/mips/mips-gen.h"

/* ---- Register-register and register-immediate */

/* rd = sext32(rs OP rt) */
static bool gen_op_w(struct mips_ctx *ctx, const struct mips_args *a, enum ir_opc opc)
{
	ir_op2_w(ctx->ir, opc, mips_dest(ctx, a->rd), mips_gpr(ctx, a->rs), mips_gpr(ctx, a->rt));
	return true;
}

/* rd = rs OP rt on the i64 values: logic ops keep sign-extended inputs sign-extended */
static bool gen_logic(struct mips_ctx *ctx, const struct mips_args *a, enum ir_opc opc)
{
	ir_op2(ctx->ir, opc, IR_I64, mips_dest(ctx, a->rd), mips_gpr(ctx, a->rs),
	       mips_gpr(ctx, a->rt));
	return true;
}

static bool gen_logic_imm(struct mips_ctx *ctx, const struct mips_args *a, enum ir_opc opc)
{
	ir_op2i(ctx->ir, opc, IR_I64, mips_dest(ctx, a->rt), mips_gpr(ctx, a->rs),
		(uint64_t)a->imm);
	return true;
}

/*
 * Comparisons: the signed and unsigned orders of sign-extended 32-bit
 * values are those of the 32-bit values (an immediate is sign-extended too).
 */
static bool gen_slt(struct mips_ctx *ctx, const struct mips_args *a, enum ir_cond c)
{
	ir_setcond(ctx->ir, IR_I64, c, mips_dest(ctx, a->rd), mips_gpr(ctx, a->rs),
		   mips_gpr(ctx, a->rt));
	return true;
}

static bool gen_slt_imm(struct mips_ctx *ctx, const struct mips_args *a, enum ir_cond c)
{
	ir_setcond(ctx->ir, IR_I64, c, mips_dest(ctx, a->rt), mips_gpr(ctx, a->rs),
		   mips_imm(ctx, a->imm));
	return true;
}

/*
 * add, sub, addi: a 32-bit signed overflow raises Integer Overflow and
 * leaves rd unchanged. The i64 sum of two sign-extended words is exact; it
 * overflowed 32 bits iff it differs from its own sign extension.
 */
static bool gen_trapping(struct mips_ctx *ctx, unsigned rd, ir_temp x, ir_temp y,
			 enum ir_opc opc)
{
	ir_temp sum = mips_tmp(ctx), ext = mips_tmp(ctx);
	unsigned ok = ir_new_label(ctx->ir);

	ir_op2(ctx->ir, opc, IR_I64, sum, x, y);
	ir_sext32(ctx->ir, ext, sum);
	ir_brcond(ctx->ir, IR_I64, IR_COND_EQ, sum, ext, ok);
	mips_helper0(ctx, hid_mips_overflow);
	ir_exit_tb(ctx->ir, IR_EXIT_NORMAL); /* not reached */
	ir_set_label(ctx->ir, ok);
	mips_set_gpr(ctx, rd, ext);
	return true;
}

bool mips_trans_add(struct mips_ctx *ctx, const struct mips_args *a)
{
	return gen_trapping(ctx, a->rd, mips_gpr(ctx, a->rs), mips_gpr(ctx, a->rt), IR_add);
}

bool mips_trans_sub(struct mips_ctx *ctx, const struct mips_args *a)
{
	return gen_trapping(ctx, a->rd, mips_gpr(ctx, a->rs), mips_gpr(ctx, a->rt), IR_sub);
}

bool mips_trans_addi(struct mips_ctx *ctx, const struct mips_args *a)
{
	return gen_trapping(ctx, a->rt, mips_gpr(ctx, a->rs), mips_imm(ctx, a->imm), IR_add);
}

bool mips_trans_addiu(struct mips_ctx *ctx, const struct mips_args *a)
{
	ir_op2_w(ctx->ir, IR_add, mips_dest(ctx, a->rt), mips_gpr(ctx, a->rs),
		 mips_imm(ctx, a->imm));
	return true;
}

bool mips_trans_lui(struct mips_ctx *ctx, const struct mips_args *a)
{
	mips_set_gpr(ctx, a->rt, mips_imm(ctx, (int32_t)((uint32_t)a->imm << 16)));
	return true;
}

MIPS_TRANS(addu, gen_op_w, IR_add)
MIPS_TRANS(subu, gen_op_w, IR_sub)
MIPS_TRANS(and, gen_logic, IR_and)
MIPS_TRANS(or, gen_logic, IR_or)
MIPS_TRANS(xor, gen_logic, IR_xor)
MIPS_TRANS(slt, gen_slt, IR_COND_LT)
MIPS_TRANS(sltu, gen_slt, IR_COND_LTU)
MIPS_TRANS(andi, gen_logic_imm, IR_and)
MIPS_TRANS(ori, gen_logic_imm, IR_or)
MIPS_TRANS(xori, gen_logic_imm, IR_xor)
MIPS_TRANS(slti, gen_slt_imm, IR_COND_LT)
MIPS_TRANS(sltiu, gen_slt_imm, IR_COND_LTU)

bool mips_trans_nor(struct mips_ctx *ctx, const struct mips_args *a)
{
	ir_temp t = mips_tmp(ctx);

	ir_op2(ctx->ir, IR_or, IR_I64, t, mips_gpr(ctx, a->rs), mips_gpr(ctx, a->rt));
	ir_op1(ctx->ir, IR_not, IR_I64, mips_dest(ctx, a->rd), t);
	return true;
}

/* ---- Shifts and rotates (of the low word; variable counts use rs[4:0]) */

static bool gen_shift_imm(struct mips_ctx *ctx, const struct mips_args *a, enum ir_opc opc)
{
	ir_op2_w(ctx->ir, opc, mips_dest(ctx, a->rd), mips_gpr(ctx, a->rt), mips_imm(ctx, a->sa));
	return true;
}

static bool gen_shift_var(struct mips_ctx *ctx, const struct mips_args *a, enum ir_opc opc)
{
	ir_op2_w(ctx->ir, opc, mips_dest(ctx, a->rd), mips_gpr(ctx, a->rt), mips_gpr(ctx, a->rs));
	return true;
}

MIPS_TRANS(sll, gen_shift_imm, IR_shl)
MIPS_TRANS(srl, gen_shift_imm, IR_shr)
MIPS_TRANS(sra, gen_shift_imm, IR_sar)
MIPS_TRANS(rotr, gen_shift_imm, IR_rotr)
MIPS_TRANS(sllv, gen_shift_var, IR_shl)
MIPS_TRANS(srlv, gen_shift_var, IR_shr)
MIPS_TRANS(srav, gen_shift_var, IR_sar)
MIPS_TRANS(rotrv, gen_shift_var, IR_rotr)

/* ---- Conditional moves */

static bool gen_movcond(struct mips_ctx *ctx, const struct mips_args *a, enum ir_cond c)
{
	ir_temp rd = mips_dest(ctx, a->rd);

	ir_movcond(ctx->ir, IR_I64, c, rd, mips_gpr(ctx, a->rt), mips_imm(ctx, 0),
		   mips_gpr(ctx, a->rs), mips_gpr(ctx, a->rd));
	return true;
}

MIPS_TRANS(movz, gen_movcond, IR_COND_EQ)
MIPS_TRANS(movn, gen_movcond, IR_COND_NE)

/* ---- HI and LO */

static ir_temp hi(struct mips_ctx *ctx)
{
	return ir_global(ctx->ir, MIPS_G_HI);
}

static ir_temp lo(struct mips_ctx *ctx)
{
	return ir_global(ctx->ir, MIPS_G_LO);
}

bool mips_trans_mfhi(struct mips_ctx *ctx, const struct mips_args *a)
{
	mips_set_gpr(ctx, a->rd, hi(ctx));
	return true;
}

bool mips_trans_mflo(struct mips_ctx *ctx, const struct mips_args *a)
{
	mips_set_gpr(ctx, a->rd, lo(ctx));
	return true;
}

bool mips_trans_mthi(struct mips_ctx *ctx, const struct mips_args *a)
{
	ir_mov(ctx->ir, IR_I64, hi(ctx), mips_gpr(ctx, a->rs));
	return true;
}

bool mips_trans_mtlo(struct mips_ctx *ctx, const struct mips_args *a)
{
	ir_mov(ctx->ir, IR_I64, lo(ctx), mips_gpr(ctx, a->rs));
	return true;
}

/* The exact 64-bit product of the words of rs and rt (signed or unsigned). */
static ir_temp product(struct mips_ctx *ctx, const struct mips_args *a, bool is_signed)
{
	ir_temp p = mips_tmp(ctx);

	if (is_signed) {
		/* the registers already hold the sign-extended words */
		ir_op2(ctx->ir, IR_mul, IR_I64, p, mips_gpr(ctx, a->rs), mips_gpr(ctx, a->rt));
	} else {
		ir_temp x = mips_tmp(ctx), y = mips_tmp(ctx);

		ir_op1(ctx->ir, IR_ext32u, IR_I64, x, mips_gpr(ctx, a->rs));
		ir_op1(ctx->ir, IR_ext32u, IR_I64, y, mips_gpr(ctx, a->rt));
		ir_op2(ctx->ir, IR_mul, IR_I64, p, x, y);
	}
	return p;
}

/* HI, LO = the high and low words of @v, each sign-extended */
static void set_hilo(struct mips_ctx *ctx, ir_temp v)
{
	ir_op2i(ctx->ir, IR_sar, IR_I64, hi(ctx), v, 32);
	ir_sext32(ctx->ir, lo(ctx), v);
}

/* HI:LO as one 64-bit value */
static ir_temp get_hilo(struct mips_ctx *ctx)
{
	ir_temp t = mips_tmp(ctx), l = mips_tmp(ctx);

	ir_op2i(ctx->ir, IR_shl, IR_I64, t, hi(ctx), 32);
	ir_op1(ctx->ir, IR_ext32u, IR_I64, l, lo(ctx));
	ir_op2(ctx->ir, IR_or, IR_I64, t, t, l);
	return t;
}

static bool gen_mult(struct mips_ctx *ctx, const struct mips_args *a, bool is_signed)
{
	set_hilo(ctx, product(ctx, a, is_signed));
	return true;
}

/* madd & co: HI:LO +/- the product, as one 64-bit accumulator */
static bool gen_madd(struct mips_ctx *ctx, const struct mips_args *a, bool is_signed,
		     enum ir_opc opc)
{
	ir_temp p = product(ctx, a, is_signed), acc = get_hilo(ctx);

	ir_op2(ctx->ir, opc, IR_I64, acc, acc, p);
	set_hilo(ctx, acc);
	return true;
}

MIPS_TRANS(mult, gen_mult, true)
MIPS_TRANS(multu, gen_mult, false)
MIPS_TRANS(madd, gen_madd, true, IR_add)
MIPS_TRANS(maddu, gen_madd, false, IR_add)
MIPS_TRANS(msub, gen_madd, true, IR_sub)
MIPS_TRANS(msubu, gen_madd, false, IR_sub)
MIPS_TRANS(mul, gen_op_w, IR_mul)

/*
 * div/divu: LO = quotient, HI = remainder of the words. Division by zero
 * leaves them UNPREDICTABLE (the IR's total results are as good as any).
 */
static bool gen_div(struct mips_ctx *ctx, const struct mips_args *a, bool is_signed)
{
	ir_temp q = mips_tmp(ctx), r = mips_tmp(ctx);
	ir_temp x = mips_gpr(ctx, a->rs), y = mips_gpr(ctx, a->rt);

	ir_op2_w(ctx->ir, is_signed ? IR_div : IR_divu, q, x, y);
	ir_op2_w(ctx->ir, is_signed ? IR_rem : IR_remu, r, x, y);
	ir_mov(ctx->ir, IR_I64, lo(ctx), q);
	ir_mov(ctx->ir, IR_I64, hi(ctx), r);
	return true;
}

MIPS_TRANS(div, gen_div, true)
MIPS_TRANS(divu, gen_div, false)

/* ---- Bit counts, byte and bit-field operations (release 2) */

bool mips_trans_clz(struct mips_ctx *ctx, const struct mips_args *a)
{
	ir_op1_w(ctx->ir, IR_clz, mips_dest(ctx, a->rd), mips_gpr(ctx, a->rs));
	return true;
}

bool mips_trans_clo(struct mips_ctx *ctx, const struct mips_args *a)
{
	ir_temp t = mips_tmp(ctx);

	ir_op1(ctx->ir, IR_not, IR_I64, t, mips_gpr(ctx, a->rs));
	ir_op1_w(ctx->ir, IR_clz, mips_dest(ctx, a->rd), t);
	return true;
}

static bool gen_ext_op(struct mips_ctx *ctx, const struct mips_args *a, enum ir_opc opc)
{
	ir_op1(ctx->ir, opc, IR_I64, mips_dest(ctx, a->rd), mips_gpr(ctx, a->rt));
	return true;
}

MIPS_TRANS(seb, gen_ext_op, IR_ext8s)
MIPS_TRANS(seh, gen_ext_op, IR_ext16s)

/* wsbh: swap the bytes of each halfword */
bool mips_trans_wsbh(struct mips_ctx *ctx, const struct mips_args *a)
{
	ir_temp x = mips_gpr(ctx, a->rt), l = mips_tmp(ctx), h = mips_tmp(ctx);

	ir_op2i(ctx->ir, IR_shr, IR_I64, l, x, 8);
	ir_op2i(ctx->ir, IR_and, IR_I64, l, l, 0x00ff00ff);
	ir_op2i(ctx->ir, IR_shl, IR_I64, h, x, 8);
	ir_op2i(ctx->ir, IR_and, IR_I64, h, h, 0xff00ff00);
	ir_op2(ctx->ir, IR_or, IR_I64, h, h, l);
	ir_sext32(ctx->ir, mips_dest(ctx, a->rd), h);
	return true;
}

/* ext rt, rs, pos, size: rt = sext32(zero-extended field); pos + size > 32 is UNPREDICTABLE */
bool mips_trans_ext(struct mips_ctx *ctx, const struct mips_args *a)
{
	ir_temp t = mips_tmp(ctx);

	if (a->lsb + a->size > 32)
		return false;
	ir_op1(ctx->ir, IR_ext32u, IR_I64, t, mips_gpr(ctx, a->rs));
	ir_op2i(ctx->ir, IR_shr, IR_I64, t, t, (uint64_t)a->lsb);
	ir_op2i(ctx->ir, IR_and, IR_I64, t, t, (1ull << a->size) - 1);
	ir_sext32(ctx->ir, mips_dest(ctx, a->rt), t);
	return true;
}

/* ins rt, rs, pos, size: rt[pos+size-1:pos] = rs[size-1:0] */
bool mips_trans_ins(struct mips_ctx *ctx, const struct mips_args *a)
{
	uint64_t mask;
	ir_temp f = mips_tmp(ctx), r = mips_tmp(ctx);

	if (a->size < 1 || a->lsb + a->size > 32)
		return false;
	mask = ((1ull << a->size) - 1) << a->lsb;
	ir_op2i(ctx->ir, IR_shl, IR_I64, f, mips_gpr(ctx, a->rs), (uint64_t)a->lsb);
	ir_op2i(ctx->ir, IR_and, IR_I64, f, f, mask);
	ir_op2i(ctx->ir, IR_and, IR_I64, r, mips_gpr(ctx, a->rt), ~mask);
	ir_op2(ctx->ir, IR_or, IR_I64, r, r, f);
	ir_sext32(ctx->ir, mips_dest(ctx, a->rt), r);
	return true;
}

/* The size field of ins: (msb << 5 | lsb) -> msb - lsb + 1 (<= 0: reserved) */
int64_t mips_ins_size(int64_t v)
{
	return (v >> 5) - (v & 31) + 1;
}
