/*
 * The MIPS32 release 2 FPU (CP1 and COP1X): register views for FR=0 and
 * FR=1 (mips-cpu.h), moves, loads and stores, and the arithmetic through
 * the helpers of fpu-helpers.c, add/sub/mul/div, sqrt and most c.cond
 * inline (IR_fpop) where the host's arithmetic is the FPU's (see there).
 * abs, neg and mov only touch bits (no exceptions, as with FCSR.ABS2008 = 0
 * on the CPUs QEMU models).
 */
#include <stddef.h>

#include "morph/fp-guest.h"
#include "frontends/mips/mips-gen.h"
#include "frontends/mips/mips-fp.h"

static bool fr1(const struct mips_ctx *ctx)
{
	return ctx->flags & MIPS_TBF_FR;
}

static ir_temp fpr_slot(struct mips_ctx *ctx, unsigned n)
{
	return ir_global(ctx->ir, MIPS_G_FPR(n));
}

/* ---- Register views */

/* Single (or word) register n: an i64 temp whose low 32 bits are the value */
static ir_temp get_s(struct mips_ctx *ctx, unsigned n)
{
	ir_temp t;

	if (fr1(ctx) || !(n & 1))
		return fpr_slot(ctx, n);
	/* FR=0: odd registers are the upper halves of the even ones */
	t = mips_tmp(ctx);
	ir_op2i(ctx->ir, IR_shr, IR_I64, t, fpr_slot(ctx, n - 1), 32);
	return t;
}

static void set_s(struct mips_ctx *ctx, unsigned n, ir_temp v)
{
	struct ir_ctx *ir = ctx->ir;
	bool high = !fr1(ctx) && (n & 1);
	ir_temp slot = fpr_slot(ctx, high ? n - 1 : n), keep = mips_tmp(ctx), x = mips_tmp(ctx);

	if (high) {
		ir_op1(ir, IR_ext32u, IR_I64, keep, slot);
		ir_op2i(ir, IR_shl, IR_I64, x, v, 32);
	} else {
		ir_op2i(ir, IR_and, IR_I64, keep, slot, 0xffffffff00000000ull);
		ir_op1(ir, IR_ext32u, IR_I64, x, v);
	}
	ir_op2(ir, IR_or, IR_I64, slot, keep, x);
}

/* A 64-bit register: with FR=0 only the even ones exist */
static bool ok_d(const struct mips_ctx *ctx, unsigned n)
{
	return fr1(ctx) || !(n & 1);
}

static ir_temp get_d(struct mips_ctx *ctx, unsigned n)
{
	return fpr_slot(ctx, n);
}

static void set_d(struct mips_ctx *ctx, unsigned n, ir_temp v)
{
	ir_mov(ctx->ir, IR_I64, fpr_slot(ctx, n), v);
}

/* Register @n in format @fmt (S/W: 32-bit views, D/L: 64-bit) */
static bool is64(unsigned fmt)
{
	return fmt == MIPS_FMT_D || fmt == MIPS_FMT_L;
}

static bool ok_fmt(const struct mips_ctx *ctx, unsigned n, unsigned fmt)
{
	return !is64(fmt) || ok_d(ctx, n);
}

static ir_temp get_f(struct mips_ctx *ctx, unsigned n, unsigned fmt)
{
	return is64(fmt) ? get_d(ctx, n) : get_s(ctx, n);
}

static void set_f(struct mips_ctx *ctx, unsigned n, unsigned fmt, ir_temp v)
{
	if (is64(fmt))
		set_d(ctx, n, v);
	else
		set_s(ctx, n, v);
}

/* ---- Arithmetic */

#define S MIPS_FMT_S
#define D MIPS_FMT_D
#define W MIPS_FMT_W
#define L MIPS_FMT_L

/*
 * IR_fpop kind @k in format @fmt: inline while fp_guard is 0 and no operand
 * is a NaN (the host would take the legacy quiet NaNs for signalling ones).
 */
static uint64_t inline_kind(unsigned fmt, enum ir_fp_kind k)
{
	return k | (fmt == S ? IR_FP_F32 : 0) | IR_FP_NAN_IN |
	       IR_FP_GUARD(offsetof(struct mips_cpu, fp_guard));
}

/* The sources of an operation: @n registers in format @fmt */
struct fsrc {
	unsigned n;
	unsigned reg[3];
	unsigned fmt;
};

/*
 * gen_fop()'s @fd for FCC[cc] as the destination (c.cond: the helper returns
 * 0 or 1); its own inverse.
 */
#define TO_FCC(cc) (-1 - (int)(cc))

/* FCSR.FCC[cc] = @t (0 or 1) */
static void set_fcc(struct mips_ctx *ctx, unsigned cc, ir_temp t)
{
	struct ir_ctx *ir = ctx->ir;
	unsigned bit = mips_fcc_bit(cc);
	ir_temp f = mips_tmp(ctx), x = mips_tmp(ctx);

	ir_ld_env(ir, IR_I64, f, offsetof(struct mips_cpu, fcsr), IR_MO_32);
	ir_op2i(ir, IR_and, IR_I64, f, f, ~(1ull << bit));
	ir_op2i(ir, IR_shl, IR_I64, x, t, bit);
	ir_op2(ir, IR_or, IR_I64, f, f, x);
	ir_st_env(ir, IR_I64, f, offsetof(struct mips_cpu, fcsr), IR_MO_32);
}

/*
 * fd (format @to) = helper @hid(the sources, MIPS_FOP(@op, format)), as
 * IR_fpop @kind unless it is FP_CALL_ONLY. An inline operation first records
 * itself (@last: MIPS_LAST_*) and its operands for the lazy FCSR.Cause; its
 * fallback, the helper, clears the record. False if a register does not
 * exist in its format.
 */
static bool gen_fop(struct mips_ctx *ctx, int fd, unsigned to, const struct fsrc *src,
		    unsigned hid, unsigned last, uint64_t kind, unsigned op)
{
	struct fp_op o = {hid, kind, src->n, {0}, 1, {MIPS_FOP(op, src->fmt)}};
	struct ir_ctx *ir = ctx->ir;
	ir_temp r;

	if (fd >= 0 && !ok_fmt(ctx, (unsigned)fd, to))
		return false;
	for (unsigned i = 0; i < src->n; i++)
		if (!ok_fmt(ctx, src->reg[i], src->fmt))
			return false;
	for (unsigned i = 0; i < src->n; i++)
		o.op[i] = get_f(ctx, src->reg[i], src->fmt);
	if (kind != FP_CALL_ONLY) {
		ir_st_env(ir, IR_I64, o.op[0], offsetof(struct mips_cpu, fp_last_a), IR_MO_64);
		if (src->n > 1)
			ir_st_env(ir, IR_I64, o.op[1], offsetof(struct mips_cpu, fp_last_b),
				  IR_MO_64);
		ir_st_env(ir, IR_I32, ir_const(ir, IR_I32, MIPS_FP_LAST(last, o.imm[0])),
			  offsetof(struct mips_cpu, fp_last), IR_MO_32);
	}
	r = fp_gen(ir, &o);
	if (fd >= 0)
		set_f(ctx, (unsigned)fd, to, r);
	else
		set_fcc(ctx, (unsigned)TO_FCC(fd), r);
	return true;
}

static bool gen_arith(struct mips_ctx *ctx, const struct mips_args *a, unsigned fmt,
		      unsigned op)
{
	static const enum ir_fp_kind kind[] = {
		[MIPS_FP_ADD] = IR_FP_ADD, [MIPS_FP_SUB] = IR_FP_SUB,
		[MIPS_FP_MUL] = IR_FP_MUL, [MIPS_FP_DIV] = IR_FP_DIV,
	};
	struct fsrc src = {2, {a->fs, a->ft}, fmt};

	return gen_fop(ctx, a->fd, fmt, &src, hid_mips_fp_arith, MIPS_LAST_ARITH,
		       inline_kind(fmt, kind[op]), op);
}

MIPS_TRANS(add_s, gen_arith, S, MIPS_FP_ADD)
MIPS_TRANS(sub_s, gen_arith, S, MIPS_FP_SUB)
MIPS_TRANS(mul_s, gen_arith, S, MIPS_FP_MUL)
MIPS_TRANS(div_s, gen_arith, S, MIPS_FP_DIV)
MIPS_TRANS(add_d, gen_arith, D, MIPS_FP_ADD)
MIPS_TRANS(sub_d, gen_arith, D, MIPS_FP_SUB)
MIPS_TRANS(mul_d, gen_arith, D, MIPS_FP_MUL)
MIPS_TRANS(div_d, gen_arith, D, MIPS_FP_DIV)

/* fd (format @to) = OP(fs (format @from)); sqrt inline */
static bool gen_unary(struct mips_ctx *ctx, const struct mips_args *a, unsigned from,
		      unsigned to, unsigned op)
{
	struct fsrc src = {1, {a->fs}, from};
	uint64_t kind = op == MIPS_FP_SQRT ? inline_kind(from, IR_FP_SQRT) : FP_CALL_ONLY;

	return gen_fop(ctx, a->fd, to, &src, hid_mips_fp_unary, MIPS_LAST_UNARY, kind, op);
}

MIPS_TRANS(sqrt_s, gen_unary, S, S, MIPS_FP_SQRT)
MIPS_TRANS(sqrt_d, gen_unary, D, D, MIPS_FP_SQRT)
MIPS_TRANS(recip_s, gen_unary, S, S, MIPS_FP_RECIP)
MIPS_TRANS(recip_d, gen_unary, D, D, MIPS_FP_RECIP)
MIPS_TRANS(rsqrt_s, gen_unary, S, S, MIPS_FP_RSQRT)
MIPS_TRANS(rsqrt_d, gen_unary, D, D, MIPS_FP_RSQRT)
MIPS_TRANS(cvt_d_s, gen_unary, S, D, MIPS_FP_TO_D)
MIPS_TRANS(cvt_s_d, gen_unary, D, S, MIPS_FP_TO_S)
MIPS_TRANS(cvt_s_w, gen_unary, W, S, MIPS_FP_TO_S)
MIPS_TRANS(cvt_d_w, gen_unary, W, D, MIPS_FP_TO_D)
MIPS_TRANS(cvt_s_l, gen_unary, L, S, MIPS_FP_TO_S)
MIPS_TRANS(cvt_d_l, gen_unary, L, D, MIPS_FP_TO_D)
MIPS_TRANS(cvt_w_s, gen_unary, S, W, MIPS_FP_CVT_W)
MIPS_TRANS(cvt_w_d, gen_unary, D, W, MIPS_FP_CVT_W)
MIPS_TRANS(cvt_l_s, gen_unary, S, L, MIPS_FP_CVT_L)
MIPS_TRANS(cvt_l_d, gen_unary, D, L, MIPS_FP_CVT_L)
MIPS_TRANS(round_w_s, gen_unary, S, W, MIPS_FP_ROUND_W)
MIPS_TRANS(trunc_w_s, gen_unary, S, W, MIPS_FP_TRUNC_W)
MIPS_TRANS(ceil_w_s, gen_unary, S, W, MIPS_FP_CEIL_W)
MIPS_TRANS(floor_w_s, gen_unary, S, W, MIPS_FP_FLOOR_W)
MIPS_TRANS(round_w_d, gen_unary, D, W, MIPS_FP_ROUND_W)
MIPS_TRANS(trunc_w_d, gen_unary, D, W, MIPS_FP_TRUNC_W)
MIPS_TRANS(ceil_w_d, gen_unary, D, W, MIPS_FP_CEIL_W)
MIPS_TRANS(floor_w_d, gen_unary, D, W, MIPS_FP_FLOOR_W)
MIPS_TRANS(round_l_s, gen_unary, S, L, MIPS_FP_ROUND_L)
MIPS_TRANS(trunc_l_s, gen_unary, S, L, MIPS_FP_TRUNC_L)
MIPS_TRANS(ceil_l_s, gen_unary, S, L, MIPS_FP_CEIL_L)
MIPS_TRANS(floor_l_s, gen_unary, S, L, MIPS_FP_FLOOR_L)
MIPS_TRANS(round_l_d, gen_unary, D, L, MIPS_FP_ROUND_L)
MIPS_TRANS(trunc_l_d, gen_unary, D, L, MIPS_FP_TRUNC_L)
MIPS_TRANS(ceil_l_d, gen_unary, D, L, MIPS_FP_CEIL_L)
MIPS_TRANS(floor_l_d, gen_unary, D, L, MIPS_FP_FLOOR_L)

/* madd.fmt fd, fr, fs, ft: fd = fs * ft + fr (and the variants) */
static bool gen_madd(struct mips_ctx *ctx, const struct mips_args *a, unsigned fmt,
		     unsigned op)
{
	struct fsrc src = {3, {a->fs, a->ft, a->fr}, fmt};

	return gen_fop(ctx, a->fd, fmt, &src, hid_mips_fp_madd, 0, FP_CALL_ONLY, op);
}

MIPS_TRANS(madd_s, gen_madd, S, MIPS_FP_MADD)
MIPS_TRANS(madd_d, gen_madd, D, MIPS_FP_MADD)
MIPS_TRANS(msub_s, gen_madd, S, MIPS_FP_MSUB)
MIPS_TRANS(msub_d, gen_madd, D, MIPS_FP_MSUB)
MIPS_TRANS(nmadd_s, gen_madd, S, MIPS_FP_NMADD)
MIPS_TRANS(nmadd_d, gen_madd, D, MIPS_FP_NMADD)
MIPS_TRANS(nmsub_s, gen_madd, S, MIPS_FP_NMSUB)
MIPS_TRANS(nmsub_d, gen_madd, D, MIPS_FP_NMSUB)

/* mov, abs, neg: the sign bit only (@op: IR_mov, IR_and with ~sign, IR_xor with sign) */
static bool gen_sign(struct mips_ctx *ctx, const struct mips_args *a, unsigned fmt,
		     enum ir_opc op)
{
	uint64_t sign = fmt == D ? 1ull << 63 : 1ull << 31;
	ir_temp v, r = mips_tmp(ctx);

	if (!ok_fmt(ctx, a->fd, fmt) || !ok_fmt(ctx, a->fs, fmt))
		return false;
	v = get_f(ctx, a->fs, fmt);
	if (op == IR_mov)
		ir_mov(ctx->ir, IR_I64, r, v);
	else
		ir_op2i(ctx->ir, op, IR_I64, r, v, op == IR_and ? ~sign : sign);
	set_f(ctx, a->fd, fmt, r);
	return true;
}

MIPS_TRANS(mov_s, gen_sign, S, IR_mov)
MIPS_TRANS(mov_d, gen_sign, D, IR_mov)
MIPS_TRANS(abs_s, gen_sign, S, IR_and)
MIPS_TRANS(abs_d, gen_sign, D, IR_and)
MIPS_TRANS(neg_s, gen_sign, S, IR_xor)
MIPS_TRANS(neg_d, gen_sign, D, IR_xor)

/* ---- Compares and condition codes */

/*
 * c.cond.fmt. Without NaN operands (the inline path's condition) only the
 * "equal" and "less" bits of cond matter and neither form raises anything,
 * quiet or signalling: the host's compare. The conditions true on unordered
 * operands only (c.f, c.un & co) stay calls.
 */
static bool gen_cmp(struct mips_ctx *ctx, const struct mips_args *a, unsigned fmt)
{
	static const uint64_t kind[4] = {FP_CALL_ONLY, IR_FP_EQ, IR_FP_LT, IR_FP_LE};
	struct fsrc src = {2, {a->fs, a->ft}, fmt};
	unsigned k = (unsigned)a->cond >> 1 & 3;

	return gen_fop(ctx, TO_FCC(a->cc), 0, &src, hid_mips_fp_cmp, MIPS_LAST_CMP,
		       k ? inline_kind(fmt, (enum ir_fp_kind)kind[k]) : FP_CALL_ONLY,
		       MIPS_FP_CMP(a->cond, a->cc));
}

MIPS_TRANS(c_cond_s, gen_cmp, S)
MIPS_TRANS(c_cond_d, gen_cmp, D)

/* A fresh i64 temp: 1 if FCC[cc] == @tf, else 0 */
static ir_temp fcc_is(struct mips_ctx *ctx, unsigned cc, bool tf)
{
	ir_temp t = mips_tmp(ctx);

	ir_ld_env(ctx->ir, IR_I64, t, offsetof(struct mips_cpu, fcsr), IR_MO_32);
	ir_op2i(ctx->ir, IR_shr, IR_I64, t, t, mips_fcc_bit(cc));
	ir_op2i(ctx->ir, IR_and, IR_I64, t, t, 1);
	if (!tf)
		ir_op2i(ctx->ir, IR_xor, IR_I64, t, t, 1);
	return t;
}

static bool gen_bc1(struct mips_ctx *ctx, const struct mips_args *a, bool tf,
		    enum mips_br_kind kind)
{
	return mips_branch(ctx, kind, fcc_is(ctx, a->cc, tf), ctx->pc + 4 + (uint64_t)a->imm, 0);
}

MIPS_TRANS(bc1f, gen_bc1, false, MIPS_BR_COND)
MIPS_TRANS(bc1t, gen_bc1, true, MIPS_BR_COND)
MIPS_TRANS(bc1fl, gen_bc1, false, MIPS_BR_LIKELY)
MIPS_TRANS(bc1tl, gen_bc1, true, MIPS_BR_LIKELY)

/* movf/movt: rd = rs if FCC[cc] == tf */
bool mips_trans_movf(struct mips_ctx *ctx, const struct mips_args *a)
{
	ir_temp rd = mips_dest(ctx, a->rd);

	ir_movcond(ctx->ir, IR_I64, IR_COND_NE, rd, fcc_is(ctx, a->cc, a->tf), mips_imm(ctx, 0),
		   mips_gpr(ctx, a->rs), mips_gpr(ctx, a->rd));
	return true;
}

bool mips_trans_movt(struct mips_ctx *ctx, const struct mips_args *a)
{
	return mips_trans_movf(ctx, a);
}

/* fd = fs if cond(x, 0) (x: an FCC test or a GPR), in format @fmt */
static bool gen_fmovcond(struct mips_ctx *ctx, const struct mips_args *a, unsigned fmt,
			 ir_temp x, enum ir_cond c)
{
	ir_temp r = mips_tmp(ctx);

	if (!ok_fmt(ctx, a->fd, fmt) || !ok_fmt(ctx, a->fs, fmt))
		return false;
	ir_movcond(ctx->ir, IR_I64, c, r, x, mips_imm(ctx, 0), get_f(ctx, a->fs, fmt),
		   get_f(ctx, a->fd, fmt));
	set_f(ctx, a->fd, fmt, r);
	return true;
}

static bool gen_fmovcf(struct mips_ctx *ctx, const struct mips_args *a, unsigned fmt)
{
	return gen_fmovcond(ctx, a, fmt, fcc_is(ctx, a->cc, a->tf), IR_COND_NE);
}

static bool gen_fmovgpr(struct mips_ctx *ctx, const struct mips_args *a, unsigned fmt,
			enum ir_cond c)
{
	return gen_fmovcond(ctx, a, fmt, mips_gpr(ctx, a->rt), c);
}

MIPS_TRANS(movf_s, gen_fmovcf, S)
MIPS_TRANS(movt_s, gen_fmovcf, S)
MIPS_TRANS(movf_d, gen_fmovcf, D)
MIPS_TRANS(movt_d, gen_fmovcf, D)
MIPS_TRANS(movz_s, gen_fmovgpr, S, IR_COND_EQ)
MIPS_TRANS(movn_s, gen_fmovgpr, S, IR_COND_NE)
MIPS_TRANS(movz_d, gen_fmovgpr, D, IR_COND_EQ)
MIPS_TRANS(movn_d, gen_fmovgpr, D, IR_COND_NE)

/* ---- Moves between register files (rd holds fs, see @cp1mv) */

bool mips_trans_mfc1(struct mips_ctx *ctx, const struct mips_args *a)
{
	ir_sext32(ctx->ir, mips_dest(ctx, a->rt), get_s(ctx, a->rd));
	return true;
}

bool mips_trans_mtc1(struct mips_ctx *ctx, const struct mips_args *a)
{
	set_s(ctx, a->rd, mips_gpr(ctx, a->rt));
	return true;
}

/* mfhc1/mthc1: the upper half of the 64-bit register */
bool mips_trans_mfhc1(struct mips_ctx *ctx, const struct mips_args *a)
{
	if (!ok_d(ctx, a->rd))
		return false;
	ir_op2i(ctx->ir, IR_sar, IR_I64, mips_dest(ctx, a->rt), get_d(ctx, a->rd), 32);
	return true;
}

bool mips_trans_mthc1(struct mips_ctx *ctx, const struct mips_args *a)
{
	ir_temp slot, lo32 = mips_tmp(ctx), hi32 = mips_tmp(ctx);

	if (!ok_d(ctx, a->rd))
		return false;
	slot = get_d(ctx, a->rd);
	ir_op1(ctx->ir, IR_ext32u, IR_I64, lo32, slot);
	ir_op2i(ctx->ir, IR_shl, IR_I64, hi32, mips_gpr(ctx, a->rt), 32);
	ir_op2(ctx->ir, IR_or, IR_I64, slot, lo32, hi32);
	return true;
}

bool mips_trans_cfc1(struct mips_ctx *ctx, const struct mips_args *a)
{
	ir_temp arg = ir_const(ctx->ir, IR_I32, (unsigned)a->rd);

	ir_call(ctx->ir, hid_mips_cfc1, mips_dest(ctx, a->rt), 1, &arg);
	return true;
}

bool mips_trans_ctc1(struct mips_ctx *ctx, const struct mips_args *a)
{
	ir_temp args[2] = {mips_gpr(ctx, a->rt), ir_const(ctx->ir, IR_I32, (unsigned)a->rd)};

	ir_call(ctx->ir, hid_mips_ctc1, IR_TEMP_NONE, 2, args);
	return true;
}

/* ---- Loads and stores */

static bool gen_fload(struct mips_ctx *ctx, unsigned ft, ir_temp addr, unsigned fmt)
{
	ir_temp v = mips_tmp(ctx);

	if (!ok_fmt(ctx, ft, fmt))
		return false;
	ir_ld(ctx->ir, IR_I64, v, addr, mips_memop(ctx, is64(fmt) ? IR_MO_64 : IR_MO_32));
	set_f(ctx, ft, fmt, v);
	return true;
}

static bool gen_fstore(struct mips_ctx *ctx, unsigned ft, ir_temp addr, unsigned fmt)
{
	if (!ok_fmt(ctx, ft, fmt))
		return false;
	ir_st(ctx->ir, IR_I64, get_f(ctx, ft, fmt), addr,
	      mips_memop(ctx, is64(fmt) ? IR_MO_64 : IR_MO_32));
	return true;
}

/* lwc1 & co: @fmem puts ft into rt */
static bool gen_fmem(struct mips_ctx *ctx, const struct mips_args *a, unsigned fmt, bool st)
{
	ir_temp addr = mips_addr(ctx, a->rs, a->imm);

	return st ? gen_fstore(ctx, a->rt, addr, fmt) : gen_fload(ctx, a->rt, addr, fmt);
}

MIPS_TRANS(lwc1, gen_fmem, S, false)
MIPS_TRANS(ldc1, gen_fmem, D, false)
MIPS_TRANS(swc1, gen_fmem, S, true)
MIPS_TRANS(sdc1, gen_fmem, D, true)

/* lwxc1 fd, index(base): base in fs, index in rt (@fx overrides); luxc1 ignores addr[2:0] */
static bool gen_fmemx(struct mips_ctx *ctx, const struct mips_args *a, unsigned fmt, bool st,
		      bool unaligned)
{
	ir_temp addr = mips_tmp(ctx);

	ir_op2(ctx->ir, IR_add, IR_I64, addr, mips_gpr(ctx, a->fs), mips_gpr(ctx, a->rt));
	if (unaligned)
		ir_op2i(ctx->ir, IR_and, IR_I64, addr, addr, ~(uint64_t)7);
	return st ? gen_fstore(ctx, a->fd, addr, fmt) : gen_fload(ctx, a->fd, addr, fmt);
}

MIPS_TRANS(lwxc1, gen_fmemx, S, false, false)
MIPS_TRANS(ldxc1, gen_fmemx, D, false, false)
MIPS_TRANS(luxc1, gen_fmemx, D, false, true)
MIPS_TRANS(swxc1, gen_fmemx, S, true, false)
MIPS_TRANS(sdxc1, gen_fmemx, D, true, false)
MIPS_TRANS(suxc1, gen_fmemx, D, true, true)

bool mips_trans_prefx(struct mips_ctx *ctx, const struct mips_args *a)
{
	(void)ctx;
	(void)a;
	return true;
}
