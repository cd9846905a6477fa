/*
 * IR_fpop: floating point inline in scalar SSE, with the op's fallback helper
 * as the slow path (include/morph/ir.h, ir_fpop()).
 *
 * Guest code runs with the host's default MXCSR (round to nearest-even, all
 * exceptions masked, no FTZ/DAZ), so an SSE instruction computes exactly the
 * IEEE 754 result and raises exactly the IEEE flags; they stay in the sticky
 * MXCSR bits until the core or the frontend collects them with
 * fpu_host_flags_peek(). Only the cases where the host and the guest differ
 * go to the fallback: a NaN result (the guest picks its own NaN), operands
 * not in the op's format (unboxed singles), NaN operands where the guest's
 * signalling NaNs are not the host's (IR_FP_NAN_IN: the host would raise
 * invalid for the wrong ones) and a failing guard (e.g. a dynamic rounding
 * mode other than RNE). Comparisons have no NaN case: their flags (ucomis:
 * quiet, comis: any NaN is invalid) are IEEE's.
 *
 * The fast path runs straight through; the slow path (the fallback call) is
 * emitted after the TB body from the register state recorded at the op: it
 * writes dirty globals and the pc to env first since the fallback may raise
 * a guest exception, and keeps live caller-saved registers on the stack.
 *
 * Values of binary64 ops live in xmm3-xmm15: a result stays there only
 * (the temp has no GPR copy and its home is stale until something needs
 * it elsewhere), operands get xmm copies, guest loads of values FP ops read
 * go straight into xmm registers and stores of them come from there, and a
 * mov hands the register on. So a chain of FP ops never moves its values
 * through GPRs. A copy is dropped when its temp is written by anything
 * else, and all of them at labels, calls and softMMU accesses (whose miss
 * path calls C): values only an xmm register holds are written home first.
 */
#include <stdlib.h>

#include "backend-x86_64/x86-jit.h"

#define FP_NANBOX_HI 0xffffffff00000000ull

/* Scratch: xmm0 = a, xmm1 = b, xmm2 = the result; the cache is xmm3 and up. */
enum { XA = 0, XB = 1, XR = 2, XCACHE0 = 3, XCACHE_N = 13 };

static const int fp_arg_regs[4] = {X86_RDI, X86_RSI, X86_RDX, X86_RCX};

/* jb to the slow path unless reg holds a NaN-boxed single */
static size_t check_boxed(struct x86_buf *b, int reg)
{
	x86_movabs(b, X86_R11, FP_NANBOX_HI);
	x86_alu_rr(b, X86_CMP, 64, reg, X86_R11);
	return x86_jcc32(b, X86_CC_B, (size_t)-1);
}

/*
 * Jumps to the slow path if reg holds a NaN (integer tests: an SSE one would
 * raise invalid for a host-signalling NaN). Appends them to @to_slow.
 */
static unsigned check_nan(struct x86_buf *b, int reg, bool dbl, size_t *to_slow)
{
	size_t lo_ok;

	if (!dbl) {
		/* without the sign, a NaN is above infinity's 0x7f800000 */
		x86_lea(b, 32, X86_R11, x86_mi(reg, reg, 1, 0));
		x86_alu_ri(b, X86_CMP, 32, X86_R11, (int32_t)0xff000000u);
		to_slow[0] = x86_jcc32(b, X86_CC_A, (size_t)-1);
		return 1;
	}
	/* the upper half without the sign against infinity's, then the lower half */
	x86_mov_rr(b, 64, X86_R11, reg);
	x86_shift_ri(b, X86_SHR, 64, X86_R11, 32);
	x86_alu_rr(b, X86_ADD, 32, X86_R11, X86_R11);
	x86_alu_ri(b, X86_CMP, 32, X86_R11, (int32_t)0xffe00000u);
	to_slow[0] = x86_jcc32(b, X86_CC_A, (size_t)-1);
	lo_ok = x86_jcc8(b, X86_CC_B);
	x86_test_rr(b, 32, reg, reg);
	to_slow[1] = x86_jcc32(b, X86_CC_NE, (size_t)-1);
	x86_patch_rel8(b, lo_ok, x86_off(b));
	return 2;
}

static void gen_compare(struct x86_buf *b, enum ir_fp_kind k, bool dbl, int rd, int xa, int xb)
{
	x86_zero(b, rd);
	if (k == IR_FP_EQ) {
		x86_zero(b, X86_R11);
		x86_sse(b, X86_SSE_UCOMI, dbl, xa, xb);
		x86_setcc(b, X86_CC_E, rd);
		x86_setcc(b, X86_CC_NP, X86_R11); /* unordered sets ZF too */
		x86_alu_rr(b, X86_AND, 32, rd, X86_R11);
		return;
	}
	/* comis b, a: "above" is b > a, i.e. a < b; unordered sets CF */
	x86_sse(b, X86_SSE_COMI, dbl, xb, xa);
	x86_setcc(b, k == IR_FP_LT ? X86_CC_A : X86_CC_AE, rd);
}


/* ---- the xmm copies ---- */

static void xmm_drop(struct x86_cg *cg, int x)
{
	int t = cg->xmm_temp[x];

	if (t >= 0)
		cg->t[t].xmm = -1;
	cg->xmm_temp[x] = -1;
	cg->xmm_used &= (uint16_t)~(1u << x);
}

/* Whether xmm register @x holds the only current copy of a value still needed. */
static bool xmm_only(const struct x86_cg *cg, int x)
{
	int t = cg->xmm_temp[x];

	return t >= 0 && !cg->t[t].mem && cg->t[t].reg < 0 && x86_ra_needed(cg, (ir_temp)t);
}

void x86_xmm_spill(struct x86_cg *cg)
{
	X86_FOR_XMM(cg, x)
		if (xmm_only(cg, (int)x))
			x86_ra_store(cg, (ir_temp)cg->xmm_temp[x]);
}

void x86_xmm_reset(struct x86_cg *cg)
{
	/* x86_ra_begin() sets every temp's xmm to -1; from then on both sides change together */
	x86_xmm_spill(cg);
	X86_FOR_XMM(cg, x)
		xmm_drop(cg, (int)x);
}

void x86_xmm_forget(struct x86_cg *cg, ir_temp t)
{
	if (cg->t[t].xmm >= 0)
		xmm_drop(cg, cg->t[t].xmm);
}

void x86_xmm_after_op(struct x86_cg *cg, const struct ir_op *op)
{
	unsigned f = ir_op_defs[op->opc].flags;

	switch (op->opc) {
	case IR_fpop: /* x86_gen_fpop() keeps its result's copy */
	case IR_insn_start:
	case IR_call:      /* gen_call() reset them after the call */
	case IR_set_label: /* x86_ra_forget() did */
		break;
	default:
		if ((f & IR_OPF_MEM) && cg->softmmu) {
			x86_xmm_reset(cg);
			break;
		}
		for (unsigned k = 0; k < op->nout; k++)
			if ((ir_temp)op->args[k] != cg->xmm_def)
				x86_xmm_forget(cg, (ir_temp)op->args[k]);
	}
	cg->xmm_def = IR_TEMP_NONE;
}

/*
 * A cache register for a new value, not one of @avoid (a bit per xmm):
 * a free one, else one whose value is elsewhere too (or dead), else the
 * one read again last, whose value is written home first.
 */
int x86_xmm_alloc(struct x86_cg *cg, unsigned avoid)
{
	int best = -1;
	uint32_t best_score = 0;

	for (int x = XCACHE0; x < XCACHE0 + XCACHE_N; x++) {
		if (avoid & (1u << x))
			continue;
		int t = cg->xmm_temp[x];
		if (t < 0)
			return x;
		uint32_t score = xmm_only(cg, x) ? 1u + (uint32_t)cg->t[t].next_read
						  : 0x20000u + (uint32_t)cg->t[t].next_read;
		if (best < 0 || score > best_score) {
			best = x;
			best_score = score;
		}
	}
	if (best < 0)
		abort(); /* an op names at most 5 temps: never all 13 cache registers */
	x86_xmm_evict(cg, best);
	return best;
}

void x86_xmm_evict(struct x86_cg *cg, int x)
{
	if (xmm_only(cg, x))
		x86_ra_store(cg, (ir_temp)cg->xmm_temp[x]);
	xmm_drop(cg, x);
}

void x86_xmm_bind(struct x86_cg *cg, ir_temp t, int x)
{
	x86_xmm_forget(cg, t);
	xmm_drop(cg, x);
	cg->xmm_temp[x] = (int16_t)t;
	cg->xmm_used |= (uint16_t)(1u << x);
	cg->t[t].xmm = (int8_t)x;
}

bool x86_xmm_gen_mov(struct x86_cg *cg, ir_temp d, ir_temp a)
{
	const struct x86_temp *xa = &cg->t[a];
	int x;

	if (xa->xmm < 0 || xa->reg >= 0 || x86_temp_width(cg, a) != 64 ||
	    x86_temp_width(cg, d) != 64)
		return false;
	if (cg->ir->temps[a].kind != IR_TEMP_GLOBAL && x86_ra_dies(cg, a)) {
		x = xa->xmm;
		xmm_drop(cg, x);
	} else if (cg->t[d].fp) {
		x = x86_xmm_alloc(cg, 1u << xa->xmm);
		x86_sse(&cg->b, X86_SSE_MOVAP, true, x, xa->xmm);
	} else {
		return false;
	}
	x86_ra_set_out_xmm(cg, d);
	x86_xmm_bind(cg, d, x);
	cg->xmm_def = d;
	return true;
}

/*
 * An xmm register holding binary64 operand @t: its copy, or a new copy from
 * its GPR copy, its home, or its constant value.
 */
static int xmm_operand(struct x86_cg *cg, ir_temp t, unsigned avoid)
{
	struct x86_temp *x = &cg->t[t];
	int xr;

	if (x->xmm >= 0)
		return x->xmm;
	xr = x86_xmm_alloc(cg, avoid);
	if (x->reg >= 0 || x86_is_const(cg, t))
		x86_movq_xr(&cg->b, 64, xr, x86_ra_get(cg, t));
	else /* no register copy: the home is current */
		x86_movq_xm(&cg->b, 64, xr, x86_ra_home(cg, t));
	x86_xmm_bind(cg, t, xr);
	return xr;
}

/* ---- the op ---- */

/* Record the slow path of the op being compiled: the state it must rebuild. */
static struct x86_fpslow *slow_begin(struct x86_cg *cg, int rd, int xa, int xb)
{
	struct x86_fpslow *s = &cg->fpslow[cg->nfpslow++];

	s->njcc = 0;
	s->op = (uint16_t)cg->op;
	s->pc = cg->insn_pc;
	s->rd = (int8_t)rd;
	s->xa = (int8_t)xa;
	s->xb = (int8_t)xb;
	s->xr = -1;
	s->push = 0;
	s->xsave = 0;
	for (int x = 0; x < 16; x++) {
		int t = cg->xmm_temp[x];

		/* the result's old value too, if it is a global: the fallback may raise */
		s->xdirty[x] = (int16_t)(t >= 0 && cg->ir->temps[t].kind == IR_TEMP_GLOBAL &&
					 !cg->t[t].mem && cg->t[t].reg < 0 ? t : -1);
	}
	for (int r = 0; r < X86_NREGS; r++) {
		int t = cg->reg_temp[r];

		/* rd too: if d is a global, it still holds its old value here */
		s->dirty[r] = (int16_t)(t >= 0 && cg->ir->temps[t].kind == IR_TEMP_GLOBAL &&
						!cg->t[t].mem ? t : -1);
		if (t >= 0 && r != rd &&
		    ((X86_ALLOC_MASK & ~X86_CALLEE_SAVED_MASK) & X86_RBIT(r)))
			s->push |= (uint16_t)X86_RBIT(r);
	}
	return s;
}

void x86_gen_fpop(struct x86_cg *cg, const struct ir_op *op)
{
	struct x86_buf *b = &cg->b;
	ir_temp d = (ir_temp)op->args[0], a = (ir_temp)op->args[1], bt = (ir_temp)op->args[2];
	uint64_t kind = op->args[3];
	enum ir_fp_kind k = IR_FP_KIND(kind);
	bool boxed = kind & IR_FP_F32BOX, unary = k == IR_FP_SQRT;
	bool dbl = !(kind & (IR_FP_F32BOX | IR_FP_F32));
	bool dbl_arith = dbl && k < IR_FP_EQ;
	/* a binary64 result lives in its xmm register only */
	bool xmm_out = dbl_arith && x86_temp_width(cg, d) == 64;
	size_t to_slow[X86_FPSLOW_JCC];
	unsigned nslow = 0, avoid = 0;
	int xa, xb = XB, xr = XR, rd = -1, ra = -1, rb = -1;
	struct x86_fpslow *s;

	/* every register choice before the first branch to the slow path: it may evict (store) */
	if (dbl) {
		xa = xmm_operand(cg, a, 0);
		avoid = 1u << xa;
		if (!unary) {
			xb = xmm_operand(cg, bt, avoid);
			avoid |= 1u << xb;
		}
	} else {
		xa = XA;
	}
	if (!dbl || (kind & IR_FP_NAN_IN)) {
		ra = x86_ra_get(cg, a);
		if (!unary)
			rb = x86_ra_get(cg, bt);
	}
	if (dbl_arith) {
		/* d's old copy stays until the slow path has written it home */
		if (cg->t[d].xmm >= 0)
			avoid |= 1u << cg->t[d].xmm;
		xr = x86_xmm_alloc(cg, avoid);
	}
	if (!xmm_out)
		rd = x86_ra_dest(cg, d, IR_TEMP_NONE, -1);
	if (!dbl) {
		x86_movq_xr(b, 64, XA, ra);
		if (!unary)
			x86_movq_xr(b, 64, XB, rb);
	}
	if (boxed) {
		to_slow[nslow++] = check_boxed(b, ra);
		if (!unary && rb != ra)
			to_slow[nslow++] = check_boxed(b, rb);
	}
	if (kind & IR_FP_NAN_IN) {
		nslow += check_nan(b, ra, dbl, &to_slow[nslow]);
		if (!unary && rb != ra)
			nslow += check_nan(b, rb, dbl, &to_slow[nslow]);
	}
	if (IR_FP_GUARD_OFF(kind)) {
		x86_alu_mi(b, X86_CMP, 32, x86_env((int32_t)IR_FP_GUARD_OFF(kind)), 0);
		to_slow[nslow++] = x86_jcc32(b, X86_CC_NE, (size_t)-1);
	}

	if (k >= IR_FP_EQ) {
		gen_compare(b, k, dbl, rd, xa, xb);
	} else {
		static const enum x86_sse arith[] = {
			[IR_FP_ADD] = X86_SSE_ADD, [IR_FP_SUB] = X86_SSE_SUB,
			[IR_FP_MUL] = X86_SSE_MUL, [IR_FP_DIV] = X86_SSE_DIV,
			[IR_FP_SQRT] = X86_SSE_SQRT,
		};
		if (unary) {
			x86_sse(b, arith[k], dbl, xr, xa);
		} else if (x86_features & X86_FEAT_AVX) {
			x86_vsse(b, arith[k], dbl, xr, xa, xb);
		} else {
			x86_sse(b, X86_SSE_MOVAP, dbl, xr, xa);
			x86_sse(b, arith[k], dbl, xr, xb);
		}
		/* a NaN result is the guest's business */
		x86_sse(b, X86_SSE_UCOMI, dbl, xr, xr);
		to_slow[nslow++] = x86_jcc32(b, X86_CC_P, (size_t)-1);
		if (!xmm_out)
			x86_movq_rx(b, dbl ? 64 : 32, rd, xr);
		if (boxed) {
			x86_movabs(b, X86_R11, FP_NANBOX_HI);
			x86_alu_rr(b, X86_OR, 64, rd, X86_R11);
		}
	}
	if (nslow) {
		s = slow_begin(cg, rd, xa, unary ? -1 : xb);
		for (unsigned i = 0; i < nslow; i++)
			s->jcc[s->njcc++] = (uint32_t)to_slow[i];
		s->resume = (uint32_t)x86_off(b);
		if (dbl_arith)
			s->xr = (int8_t)xr;
		for (int x = XCACHE0; x < XCACHE0 + XCACHE_N; x++)
			if (cg->xmm_temp[x] >= 0 && x != xr)
				s->xsave |= (uint16_t)(1u << x);
	}
	if (xmm_out)
		x86_ra_set_out_xmm(cg, d);
	else
		x86_ra_set_out(cg, d, rd);
	if (dbl_arith)
		x86_xmm_bind(cg, d, xr);
}

static void gen_slow(struct x86_cg *cg, const struct x86_fpslow *s)
{
	struct x86_buf *b = &cg->b;
	const struct ir_op *op = &cg->ir->ops[s->op];
	const struct ir_helper *h = ir_helper_get((unsigned)op->args[4]);
	enum ir_fp_kind k = IR_FP_KIND(op->args[3]);
	unsigned n = 0, npush = 0, nx = 0;

	for (unsigned i = 0; i < s->njcc; i++)
		x86_patch_rel32(b, s->jcc[i], x86_off(b));
	for (int r = 0; r < X86_NREGS; r++) {
		ir_temp t = (ir_temp)s->dirty[r];

		if (s->dirty[r] >= 0)
			x86_store(b, x86_temp_width(cg, t), x86_ra_home(cg, t), r);
	}
	for (int x = 0; x < 16; x++)
		if (s->xdirty[x] >= 0)
			x86_movq_mx(b, x86_ra_home(cg, (ir_temp)s->xdirty[x]), x);
	x86_movabs(b, X86_R11, s->pc);
	x86_store(b, 64, x86_env((int32_t)cg->ir->pc_offset), X86_R11);

	for (int r = 0; r < X86_NREGS; r++) {
		if (s->push & X86_RBIT(r)) {
			x86_push(b, r);
			npush++;
		}
	}
	for (int x = 0; x < 16; x++)
		nx += (s->xsave >> x) & 1;
	/* the xmm copies below the pushes; rsp 16-byte aligned at the call */
	unsigned frame = 8 * (nx + ((npush + nx) & 1));
	if (frame) {
		unsigned i = 0;

		x86_alu_ri(b, X86_SUB, 64, X86_RSP, (int32_t)frame);
		for (int x = 0; x < 16; x++)
			if (s->xsave & (1u << x))
				x86_movq_mx(b, x86_m(X86_RSP, (int32_t)(8 * i++)), x);
	}

	x86_env_ptr(b, fp_arg_regs[n++]);
	x86_movq_rx(b, 64, fp_arg_regs[n++], s->xa);
	if (k != IR_FP_SQRT)
		x86_movq_rx(b, 64, fp_arg_regs[n++], s->xb);
	if (op->args[5] != IR_FP_NO_IMM)
		x86_mov_ri(b, fp_arg_regs[n++], (uint32_t)op->args[5]);
	if (n != h->nargs)
		abort(); /* the frontend named a fallback of another shape */
	x86_call_abs(b, h->fn, cg->rx_delta, X86_RAX);
	x86_mov_rr(b, 64, X86_R11, X86_RAX);

	if (frame) {
		unsigned i = 0;

		for (int x = 0; x < 16; x++)
			if (s->xsave & (1u << x))
				x86_movq_xm(b, 64, x, x86_m(X86_RSP, (int32_t)(8 * i++)));
		x86_alu_ri(b, X86_ADD, 64, X86_RSP, (int32_t)frame);
	}
	for (int r = X86_NREGS; r-- > 0;)
		if (s->push & X86_RBIT(r))
			x86_pop(b, r);
	if (s->rd >= 0)
		x86_mov_rr(b, 64, s->rd, X86_R11);
	if (s->xr >= 0)
		x86_movq_xr(b, 64, s->xr, X86_R11);
	x86_jmp32(b, s->resume);
}

void x86_gen_fp_slow(struct x86_cg *cg)
{
	for (unsigned i = 0; i < cg->nfpslow; i++)
		gen_slow(cg, &cg->fpslow[i]);
}
