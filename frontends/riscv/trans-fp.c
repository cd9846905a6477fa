/*
 * Translation of the RISC-V F and D extensions (unprivileged ISA chapters
 * "F" and "D", version 2.2).
 *
 * f registers are IR i64 globals holding raw bits, singles NaN-boxed.
 * Loads, stores, moves and sign injection are inline IR; everything that
 * rounds, compares or may raise flags is a helper (fpu-helpers.c) through
 * fp_gen() (include/morph/fp-guest.h), inline IR_fpop where the host agrees.
 */
#include <stddef.h>

#include "morph/fp-guest.h"
#include "morph/fpu.h"
#include "frontends/riscv/rv-gen.h"
#include "frontends/riscv/rv-fp.h"

#define HELPER_LIST "frontends/riscv/helpers-fp.def"
#include "morph/helper-def.h"

#define SIGN_S 0x80000000ull
#define SIGN_D 0x8000000000000000ull

/*
 * FP instructions are illegal while mstatus.FS is Off (system mode). While
 * it is Initial or Clean, the first one of a TB makes it Dirty (3.1.6.6
 * allows setting Dirty for instructions that change nothing).
 */
static bool fp_enabled(struct rv_ctx *ctx)
{
	if (ctx->flags & RV_TBF_FS_OFF)
		return false;
	gen_mark_fs_dirty(ctx);
	return true;
}

static bool is_rv32(const struct rv_ctx *ctx)
{
	return ctx->tl == IR_I32;
}

/* A static rounding mode must not be one of the reserved 5 and 6 (DYN is checked at run time). */
static bool rm_valid(int64_t rm)
{
	return rm <= RV_RM_RMM || rm == RV_RM_DYN;
}

static ir_temp new_i64(struct rv_ctx *ctx)
{
	return ir_new_temp(ctx->ir, IR_I64);
}

static ir_temp const_i64(struct rv_ctx *ctx, uint64_t v)
{
	return ir_const(ctx->ir, IR_I64, v);
}

static void set_fpr(struct rv_ctx *ctx, unsigned rd, ir_temp v)
{
	ir_mov(ctx->ir, IR_I64, rv_fpr(ctx, rd), v);
}

/* xN = the i64 value @v (truncated on RV32). */
static void set_gpr64(struct rv_ctx *ctx, unsigned rd, ir_temp v)
{
	ir_temp t;

	if (!is_rv32(ctx)) {
		gen_set_gpr(ctx, rd, v);
		return;
	}
	t = rv_tmp(ctx);
	ir_op1(ctx->ir, IR_extrl_i64_i32, IR_I32, t, v);
	gen_set_gpr(ctx, rd, t);
}

/* xN as i64 (on RV32 sign- or zero-extended). */
static ir_temp gpr64(struct rv_ctx *ctx, unsigned rs, bool sign)
{
	ir_temp t;

	if (!is_rv32(ctx))
		return rv_gpr(ctx, rs);
	t = new_i64(ctx);
	ir_op1(ctx->ir, sign ? IR_ext_i32_i64 : IR_extu_i32_i64, IR_I64, t, rv_gpr(ctx, rs));
	return t;
}

/*
 * The single in fN, inline: properly NaN-boxed values pass, anything else
 * reads as the canonical NaN (section "NaN Boxing of Narrower Values").
 */
static ir_temp unbox_s(struct rv_ctx *ctx, unsigned rs)
{
	ir_temp t = new_i64(ctx), f = rv_fpr(ctx, rs);

	ir_movcond(ctx->ir, IR_I64, IR_COND_GEU, t, f, const_i64(ctx, RV_NANBOX_HI), f,
		   const_i64(ctx, RV_NANBOX_HI | RV_CANON_NAN_S));
	return t;
}

/* ---- Loads and stores (little endian, misaligned allowed) ---- */

static bool gen_fp_load(struct rv_ctx *ctx, const struct rv_args *a, uint32_t size)
{
	ir_temp v;

	if (!fp_enabled(ctx))
		return false;
	v = new_i64(ctx);
	ir_ld(ctx->ir, IR_I64, v, gen_addr(ctx, a->rs1, a->imm), gen_memop(ctx, size));
	if (size == IR_MO_32) /* flw NaN-boxes */
		ir_op2i(ctx->ir, IR_or, IR_I64, v, v, RV_NANBOX_HI);
	set_fpr(ctx, a->rd, v);
	return true;
}

static bool gen_fp_store(struct rv_ctx *ctx, const struct rv_args *a, uint32_t size)
{
	/* fsw stores the low 32 bits whatever the boxing */
	if (!fp_enabled(ctx))
		return false;
	ir_st(ctx->ir, IR_I64, rv_fpr(ctx, a->rs2), gen_addr(ctx, a->rs1, a->imm),
	      gen_memop(ctx, size));
	return true;
}

RV_TRANS(flw, gen_fp_load, IR_MO_32)
RV_TRANS(fld, gen_fp_load, IR_MO_64)
RV_TRANS(fsw, gen_fp_store, IR_MO_32)
RV_TRANS(fsd, gen_fp_store, IR_MO_64)

/* ---- Arithmetic through helpers ---- */

/*
 * The IR_fpop kind for an operation rounding per @rm, or FP_CALL_ONLY: the
 * host's round-to-nearest-even path applies to RNE, and to DYN in TBs made
 * while frm is RNE (no RV_TBF_FRM: every write of frm ends its TB).
 */
static uint64_t fast_kind(const struct rv_ctx *ctx, int64_t rm, uint64_t kind)
{
	if (kind == FP_CALL_ONLY || rm == RV_RM_RNE)
		return kind;
	if (rm == RV_RM_DYN && !(ctx->flags & RV_TBF_FRM))
		return kind;
	return FP_CALL_ONLY;
}

/*
 * rd (an f register, or an x register with @to_x) = helper(f registers
 * @nf from rs1, rm, then @extra unless it is negative), or the same inline
 * (IR_fpop, @kind) where the host's arithmetic agrees.
 */
static bool gen_fp(struct rv_ctx *ctx, const struct rv_args *a, unsigned hid, uint64_t kind,
		   unsigned nf, int64_t extra, bool to_x)
{
	struct fp_op o = {hid, fast_kind(ctx, a->rm, kind), nf,
			  {rv_fpr(ctx, a->rs1), rv_fpr(ctx, a->rs2), rv_fpr(ctx, a->rs3)}, 1,
			  {(uint32_t)a->rm, (uint32_t)extra}};
	ir_temp r;

	if (!fp_enabled(ctx) || !rm_valid(a->rm))
		return false;
	o.nimm += extra >= 0;
	r = fp_gen(ctx->ir, &o);
	if (to_x)
		set_gpr64(ctx, a->rd, r);
	else
		set_fpr(ctx, a->rd, r);
	return true;
}

/* fd = helper(fs1, fs2, rm) */
static bool gen_fp_arith(struct rv_ctx *ctx, const struct rv_args *a, unsigned hid,
			 uint64_t kind)
{
	return gen_fp(ctx, a, hid, kind, 2, -1, false);
}

#define F32 IR_FP_F32BOX
RV_TRANS(fadd_s, gen_fp_arith, hid_fadd_s, IR_FP_ADD | F32)
RV_TRANS(fsub_s, gen_fp_arith, hid_fsub_s, IR_FP_SUB | F32)
RV_TRANS(fmul_s, gen_fp_arith, hid_fmul_s, IR_FP_MUL | F32)
RV_TRANS(fdiv_s, gen_fp_arith, hid_fdiv_s, IR_FP_DIV | F32)
RV_TRANS(fadd_d, gen_fp_arith, hid_fadd_d, IR_FP_ADD)
RV_TRANS(fsub_d, gen_fp_arith, hid_fsub_d, IR_FP_SUB)
RV_TRANS(fmul_d, gen_fp_arith, hid_fmul_d, IR_FP_MUL)
RV_TRANS(fdiv_d, gen_fp_arith, hid_fdiv_d, IR_FP_DIV)

/* fd = helper(fs1, rm): fsqrt and the conversions between formats */
static bool gen_fp_unary(struct rv_ctx *ctx, const struct rv_args *a, unsigned hid,
			 uint64_t kind)
{
	return gen_fp(ctx, a, hid, kind, 1, -1, false);
}

RV_TRANS(fsqrt_s, gen_fp_unary, hid_fsqrt_s, IR_FP_SQRT | F32)
RV_TRANS(fsqrt_d, gen_fp_unary, hid_fsqrt_d, IR_FP_SQRT)
RV_TRANS(fcvt_s_d, gen_fp_unary, hid_fcvt_s_d, FP_CALL_ONLY)
RV_TRANS(fcvt_d_s, gen_fp_unary, hid_fcvt_d_s, FP_CALL_ONLY)

/* fd = (+/-)(fs1 * fs2) (+/-) fs3 with one rounding (@neg: FPU_MA_*) */
static bool gen_fp_fma(struct rv_ctx *ctx, const struct rv_args *a, unsigned hid, unsigned neg)
{
	return gen_fp(ctx, a, hid, FP_CALL_ONLY, 3, neg, false);
}

#define NEG_P FPU_MA_NEG_PROD
#define NEG_C FPU_MA_NEG_ADDEND
RV_TRANS(fmadd_s, gen_fp_fma, hid_fmadd_s, 0)
RV_TRANS(fmsub_s, gen_fp_fma, hid_fmadd_s, NEG_C)
RV_TRANS(fnmsub_s, gen_fp_fma, hid_fmadd_s, NEG_P)
RV_TRANS(fnmadd_s, gen_fp_fma, hid_fmadd_s, NEG_P | NEG_C)
RV_TRANS(fmadd_d, gen_fp_fma, hid_fmadd_d, 0)
RV_TRANS(fmsub_d, gen_fp_fma, hid_fmadd_d, NEG_C)
RV_TRANS(fnmsub_d, gen_fp_fma, hid_fmadd_d, NEG_P)
RV_TRANS(fnmadd_d, gen_fp_fma, hid_fmadd_d, NEG_P | NEG_C)

/*
 * rd = helper(fs1 [, fs2]) without a rounding mode: fmin, fmax (flags only),
 * comparisons (always inline: no rounding) and fclass, into an f or x
 * register.
 */
static bool gen_fp_norm(struct rv_ctx *ctx, const struct rv_args *a, unsigned hid,
			uint64_t kind, unsigned nf, bool to_x)
{
	struct fp_op o = {hid, kind, nf, {rv_fpr(ctx, a->rs1), rv_fpr(ctx, a->rs2)}, 0, {0}};
	ir_temp r;

	if (!fp_enabled(ctx))
		return false;
	r = fp_gen(ctx->ir, &o);
	if (to_x)
		set_gpr64(ctx, a->rd, r);
	else
		set_fpr(ctx, a->rd, r);
	return true;
}

#define ONLY FP_CALL_ONLY
RV_TRANS(fmin_s, gen_fp_norm, hid_fmin_s, ONLY, 2, false)
RV_TRANS(fmax_s, gen_fp_norm, hid_fmax_s, ONLY, 2, false)
RV_TRANS(fmin_d, gen_fp_norm, hid_fmin_d, ONLY, 2, false)
RV_TRANS(fmax_d, gen_fp_norm, hid_fmax_d, ONLY, 2, false)
RV_TRANS(feq_s, gen_fp_norm, hid_feq_s, IR_FP_EQ | F32, 2, true)
RV_TRANS(flt_s, gen_fp_norm, hid_flt_s, IR_FP_LT | F32, 2, true)
RV_TRANS(fle_s, gen_fp_norm, hid_fle_s, IR_FP_LE | F32, 2, true)
RV_TRANS(feq_d, gen_fp_norm, hid_feq_d, IR_FP_EQ, 2, true)
RV_TRANS(flt_d, gen_fp_norm, hid_flt_d, IR_FP_LT, 2, true)
RV_TRANS(fle_d, gen_fp_norm, hid_fle_d, IR_FP_LE, 2, true)
RV_TRANS(fclass_s, gen_fp_norm, hid_fclass_s, ONLY, 1, true)
RV_TRANS(fclass_d, gen_fp_norm, hid_fclass_d, ONLY, 1, true)

/* ---- Conversions with integers ---- */

/* xd = int(fs1) of integer type @type */
static bool gen_fp_to_int(struct rv_ctx *ctx, const struct rv_args *a, unsigned hid,
			   unsigned type)
{
	if (is_rv32(ctx) && (type == RV_CVT_L || type == RV_CVT_LU))
		return false; /* RV64 only */
	return gen_fp(ctx, a, hid, FP_CALL_ONLY, 1, type, true);
}

RV_TRANS(fcvt_w_s, gen_fp_to_int, hid_fcvt_int_s, RV_CVT_W)
RV_TRANS(fcvt_wu_s, gen_fp_to_int, hid_fcvt_int_s, RV_CVT_WU)
RV_TRANS(fcvt_l_s, gen_fp_to_int, hid_fcvt_int_s, RV_CVT_L)
RV_TRANS(fcvt_lu_s, gen_fp_to_int, hid_fcvt_int_s, RV_CVT_LU)
RV_TRANS(fcvt_w_d, gen_fp_to_int, hid_fcvt_int_d, RV_CVT_W)
RV_TRANS(fcvt_wu_d, gen_fp_to_int, hid_fcvt_int_d, RV_CVT_WU)
RV_TRANS(fcvt_l_d, gen_fp_to_int, hid_fcvt_int_d, RV_CVT_L)
RV_TRANS(fcvt_lu_d, gen_fp_to_int, hid_fcvt_int_d, RV_CVT_LU)

/* fd = float(xs1) of integer type @type */
static bool gen_fp_from_int(struct rv_ctx *ctx, const struct rv_args *a, unsigned hid,
			     unsigned type)
{
	struct fp_op o = {hid, FP_CALL_ONLY, 1, {0}, 2, {(uint32_t)a->rm, type}};

	if (!fp_enabled(ctx) || !rm_valid(a->rm))
		return false;
	if (is_rv32(ctx) && (type == RV_CVT_L || type == RV_CVT_LU))
		return false;
	o.op[0] = gpr64(ctx, a->rs1, type == RV_CVT_W);
	set_fpr(ctx, a->rd, fp_gen(ctx->ir, &o));
	return true;
}
RV_TRANS(fcvt_s_w, gen_fp_from_int, hid_fcvt_s_int, RV_CVT_W)
RV_TRANS(fcvt_s_wu, gen_fp_from_int, hid_fcvt_s_int, RV_CVT_WU)
RV_TRANS(fcvt_s_l, gen_fp_from_int, hid_fcvt_s_int, RV_CVT_L)
RV_TRANS(fcvt_s_lu, gen_fp_from_int, hid_fcvt_s_int, RV_CVT_LU)
RV_TRANS(fcvt_d_w, gen_fp_from_int, hid_fcvt_d_int, RV_CVT_W)
RV_TRANS(fcvt_d_wu, gen_fp_from_int, hid_fcvt_d_int, RV_CVT_WU)
RV_TRANS(fcvt_d_l, gen_fp_from_int, hid_fcvt_d_int, RV_CVT_L)
RV_TRANS(fcvt_d_lu, gen_fp_from_int, hid_fcvt_d_int, RV_CVT_LU)

/* ---- Moves (bit transfers: no boxing check, no canonicalisation, no flags) ---- */

/* fmv.x.w: the low 32 bits of fs1, sign-extended */
bool trans_fmv_x_w(struct rv_ctx *ctx, const struct rv_args *a)
{
	if (!fp_enabled(ctx))
		return false;
	if (is_rv32(ctx)) {
		set_gpr64(ctx, a->rd, rv_fpr(ctx, a->rs1));
	} else {
		ir_temp t = new_i64(ctx);

		ir_op1(ctx->ir, IR_ext32s, IR_I64, t, rv_fpr(ctx, a->rs1));
		gen_set_gpr(ctx, a->rd, t);
	}
	return true;
}

/* fmv.w.x: the low 32 bits of xs1, NaN-boxed */
bool trans_fmv_w_x(struct rv_ctx *ctx, const struct rv_args *a)
{
	ir_temp t;

	if (!fp_enabled(ctx))
		return false;
	t = new_i64(ctx);
	if (is_rv32(ctx))
		ir_op1(ctx->ir, IR_extu_i32_i64, IR_I64, t, rv_gpr(ctx, a->rs1));
	else
		ir_op1(ctx->ir, IR_ext32u, IR_I64, t, rv_gpr(ctx, a->rs1));
	ir_op2i(ctx->ir, IR_or, IR_I64, t, t, RV_NANBOX_HI);
	set_fpr(ctx, a->rd, t);
	return true;
}

bool trans_fmv_x_d(struct rv_ctx *ctx, const struct rv_args *a)
{
	if (!fp_enabled(ctx) || is_rv32(ctx))
		return false;
	gen_set_gpr(ctx, a->rd, rv_fpr(ctx, a->rs1));
	return true;
}

bool trans_fmv_d_x(struct rv_ctx *ctx, const struct rv_args *a)
{
	if (!fp_enabled(ctx) || is_rv32(ctx))
		return false;
	set_fpr(ctx, a->rd, rv_gpr(ctx, a->rs1));
	return true;
}

/* ---- Sign injection: bit operations, no flags, NaNs pass unchanged ---- */

enum { SGNJ, SGNJN, SGNJX };

/*
 * fd = magnitude of fs1 with a sign from fs2. For singles both operands are
 * unboxed first (an improperly boxed one acts as the canonical NaN); the
 * boxed upper half comes along from fs1.
 */
static bool gen_fp_sgnj(struct rv_ctx *ctx, const struct rv_args *a, bool single, int kind)
{
	uint64_t sign = single ? SIGN_S : SIGN_D;
	ir_temp x, y, t, s;

	if (!fp_enabled(ctx))
		return false;
	if (a->rs1 == a->rs2 && kind == SGNJ && !single) {
		set_fpr(ctx, a->rd, rv_fpr(ctx, a->rs1)); /* fmv.d */
		return true;
	}
	x = single ? unbox_s(ctx, a->rs1) : rv_fpr(ctx, a->rs1);
	y = single ? (a->rs1 == a->rs2 ? x : unbox_s(ctx, a->rs2)) : rv_fpr(ctx, a->rs2);
	t = new_i64(ctx);
	s = new_i64(ctx);
	switch (kind) {
	case SGNJ:
		ir_op2i(ctx->ir, IR_and, IR_I64, s, y, sign);
		ir_op2i(ctx->ir, IR_and, IR_I64, t, x, ~sign);
		ir_op2(ctx->ir, IR_or, IR_I64, t, t, s);
		break;
	case SGNJN:
		ir_op1(ctx->ir, IR_not, IR_I64, s, y);
		ir_op2i(ctx->ir, IR_and, IR_I64, s, s, sign);
		ir_op2i(ctx->ir, IR_and, IR_I64, t, x, ~sign);
		ir_op2(ctx->ir, IR_or, IR_I64, t, t, s);
		break;
	default:
		ir_op2i(ctx->ir, IR_and, IR_I64, s, y, sign);
		ir_op2(ctx->ir, IR_xor, IR_I64, t, x, s);
		break;
	}
	set_fpr(ctx, a->rd, t);
	return true;
}

RV_TRANS(fsgnj_s, gen_fp_sgnj, true, SGNJ)
RV_TRANS(fsgnjn_s, gen_fp_sgnj, true, SGNJN)
RV_TRANS(fsgnjx_s, gen_fp_sgnj, true, SGNJX)
RV_TRANS(fsgnj_d, gen_fp_sgnj, false, SGNJ)
RV_TRANS(fsgnjn_d, gen_fp_sgnj, false, SGNJN)
RV_TRANS(fsgnjx_d, gen_fp_sgnj, false, SGNJX)
