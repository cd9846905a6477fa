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
 * not in the op's format (unboxed singles) and a failing guard (e.g. a
 * dynamic rounding mode other than RNE). Comparisons have no NaN case: their
 * flags (ucomis: quiet, comis: any NaN is invalid) are IEEE's.
 *
 * The slow path sits inline behind a jump so it sees the register state of
 * the op: it keeps live caller-saved registers on the stack around the call,
 * and writes dirty globals and the pc to env first since the fallback may
 * raise a guest exception.
 */
#include <stdlib.h>

#include "backend-x86_64/x86-jit.h"

#define FP_NANBOX_HI 0xffffffff00000000ull

/* Registers the inline path uses: xmm0 = a, xmm1 = b, xmm2 = the result. */
enum { XA = 0, XB = 1, XR = 2 };

static const int fp_arg_regs[4] = {X86_RDI, X86_RSI, X86_RDX, X86_RCX};

/* jb to the slow path unless reg holds a NaN-boxed single */
static size_t check_boxed(struct x86_buf *b, int reg)
{
	x86_movabs(b, X86_R11, FP_NANBOX_HI);
	x86_alu_rr(b, X86_CMP, 64, reg, X86_R11);
	return x86_jcc32(b, X86_CC_B, (size_t)-1);
}

static void gen_compare(struct x86_buf *b, enum ir_fp_kind k, bool dbl, int rd)
{
	x86_zero(b, rd);
	if (k == IR_FP_EQ) {
		x86_zero(b, X86_R11);
		x86_sse(b, X86_SSE_UCOMI, dbl, XA, XB);
		x86_setcc(b, X86_CC_E, rd);
		x86_setcc(b, X86_CC_NP, X86_R11); /* unordered sets ZF too */
		x86_alu_rr(b, X86_AND, 32, rd, X86_R11);
		return;
	}
	/* comis b, a: "above" is b > a, i.e. a < b; unordered sets CF */
	x86_sse(b, X86_SSE_COMI, dbl, XB, XA);
	x86_setcc(b, k == IR_FP_LT ? X86_CC_A : X86_CC_AE, rd);
}

static void gen_slow_call(struct x86_cg *cg, const struct ir_op *op, int rd)
{
	struct x86_buf *b = &cg->b;
	const struct ir_helper *h = ir_helper_get((unsigned)op->args[4]);
	enum ir_fp_kind k = IR_FP_KIND(op->args[3]);
	struct x86_saved saved;
	unsigned n = 0;

	for (int r = 0; r < X86_NREGS; r++) {
		int t = cg->reg_temp[r];

		/* rd too: if d is a global, it still holds its old value here */
		if (t >= 0 && cg->ir->temps[t].kind == IR_TEMP_GLOBAL && !cg->t[t].mem)
			x86_store(b, x86_temp_width(cg, (ir_temp)t), x86_ra_home(cg, (ir_temp)t), r);
	}
	x86_store_insn_pc(cg, X86_R11);
	x86_push_live(cg, rd, &saved);

	x86_env_ptr(b, fp_arg_regs[n++]);
	x86_movq_rx(b, 64, fp_arg_regs[n++], XA);
	if (k != IR_FP_SQRT)
		x86_movq_rx(b, 64, fp_arg_regs[n++], XB);
	if (op->args[5] != IR_FP_NO_IMM)
		x86_mov_ri(b, fp_arg_regs[n++], (uint32_t)op->args[5]);
	if (n != h->nargs)
		abort(); /* the frontend named a fallback of another shape */
	x86_call_abs(b, h->fn, cg->rx_delta, X86_RAX);
	x86_mov_rr(b, 64, X86_R11, X86_RAX);

	x86_pop_live(cg, &saved);
	x86_mov_rr(b, 64, rd, X86_R11);
}

void x86_gen_fpop(struct x86_cg *cg, const struct ir_op *op)
{
	struct x86_buf *b = &cg->b;
	ir_temp d = (ir_temp)op->args[0], a = (ir_temp)op->args[1], bt = (ir_temp)op->args[2];
	uint64_t kind = op->args[3];
	enum ir_fp_kind k = IR_FP_KIND(kind);
	bool dbl = !(kind & IR_FP_F32BOX), unary = k == IR_FP_SQRT;
	size_t to_slow[4], done;
	unsigned nslow = 0;
	int ra, rb = -1, rd;

	ra = x86_ra_get(cg, a);
	if (!unary)
		rb = x86_ra_get(cg, bt);
	rd = x86_ra_dest(cg, d, IR_TEMP_NONE, -1);

	/* xmm0/xmm1 also carry the operands to the slow path */
	x86_movq_xr(b, 64, XA, ra);
	if (!unary)
		x86_movq_xr(b, 64, XB, rb);
	if (IR_FP_GUARD_OFF(kind)) {
		x86_alu_mi(b, X86_CMP, 32, x86_env((int32_t)IR_FP_GUARD_OFF(kind)), 0);
		to_slow[nslow++] = x86_jcc32(b, X86_CC_NE, (size_t)-1);
	}
	if (!dbl) {
		to_slow[nslow++] = check_boxed(b, ra);
		if (!unary && rb != ra)
			to_slow[nslow++] = check_boxed(b, rb);
	}

	if (k >= IR_FP_EQ) {
		gen_compare(b, k, dbl, rd);
	} else {
		static const enum x86_sse arith[] = {
			[IR_FP_ADD] = X86_SSE_ADD, [IR_FP_SUB] = X86_SSE_SUB,
			[IR_FP_MUL] = X86_SSE_MUL, [IR_FP_DIV] = X86_SSE_DIV,
			[IR_FP_SQRT] = X86_SSE_SQRT,
		};
		if (unary) {
			x86_sse(b, arith[k], dbl, XR, XA);
		} else {
			x86_sse(b, X86_SSE_MOVAP, dbl, XR, XA);
			x86_sse(b, arith[k], dbl, XR, XB);
		}
		/* a NaN result is the guest's business */
		x86_sse(b, X86_SSE_UCOMI, dbl, XR, XR);
		to_slow[nslow++] = x86_jcc32(b, X86_CC_P, (size_t)-1);
		x86_movq_rx(b, dbl ? 64 : 32, rd, XR);
		if (!dbl) {
			x86_movabs(b, X86_R11, FP_NANBOX_HI);
			x86_alu_rr(b, X86_OR, 64, rd, X86_R11);
		}
	}
	if (!nslow) {
		x86_ra_set_out(cg, d, rd);
		return;
	}
	done = x86_jmp32(b, (size_t)-1);
	for (unsigned i = 0; i < nslow; i++)
		x86_patch_rel32(b, to_slow[i], x86_off(b));
	gen_slow_call(cg, op, rd);
	x86_patch_rel32(b, done, x86_off(b));
	x86_ra_set_out(cg, d, rd);
}
