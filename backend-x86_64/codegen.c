/*
 * Lowering of IR ops to x86-64 code, one op at a time, with the register
 * allocator of regalloc.c. i32 values are kept zero-extended in host
 * registers (32-bit x86 forms zero-extend for free), like the IR's own
 * convention (src/ir/fold.h).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "backend-x86_64/x86-jit.h"
#include "morph/softmmu.h"
#include "morph/cpu.h"

#define ENV_OFF(field) ((int32_t)offsetof(struct cpu, field))

/* ---- operands ---- */

/* A source operand: a register, an immediate the instruction can encode, or memory. */
struct opnd {
	bool imm;
	bool mem;
	int reg;
	int32_t val;
	struct x86_mem m;
};

static bool imm_of(const struct x86_cg *cg, ir_temp t, unsigned w, int32_t *out)
{
	if (!x86_is_const(cg, t))
		return false;
	uint64_t v = cg->ir->temps[t].value;
	if (w == 32) {
		*out = (int32_t)(uint32_t)v;
		return true;
	}
	if ((int64_t)v != (int32_t)v)
		return false;
	*out = (int32_t)v;
	return true;
}

static struct opnd get_opnd(struct x86_cg *cg, ir_temp t, unsigned w)
{
	struct opnd o = {0};

	if (imm_of(cg, t, w, &o.val))
		o.imm = true;
	else
		o.reg = x86_ra_get(cg, t);
	return o;
}

/*
 * Like get_opnd(), but a value that is in its home and not read again
 * (argument @k of the current op) is used from memory instead of taking a
 * register.
 */
static struct opnd get_opnd_mem(struct x86_cg *cg, ir_temp t, unsigned w, unsigned k)
{
	if (!x86_is_const(cg, t) && x86_ra_in_home(cg, t) && x86_ra_read_after(cg, k) == X86_NEVER) {
		struct opnd o = {0};
		o.mem = true;
		o.m = x86_ra_home(cg, t);
		return o;
	}
	return get_opnd(cg, t, w);
}

/* Whether argument @k (temp @t) of the current op is best loaded straight into the result. */
static bool load_direct(struct x86_cg *cg, ir_temp t, unsigned k)
{
	return !x86_is_const(cg, t) && x86_ra_in_home(cg, t) &&
	       x86_ra_read_after(cg, k) == X86_NEVER;
}

static unsigned op_width(const struct ir_op *op)
{
	return op->type == IR_I32 ? 32 : 64;
}

/* ---- conditions ---- */

static enum x86_cc cc_of(enum ir_cond c)
{
	static const uint8_t map[] = {
		[IR_COND_EQ] = X86_CC_E, [IR_COND_NE] = X86_CC_NE,
		[IR_COND_LT] = X86_CC_L, [IR_COND_GE] = X86_CC_GE,
		[IR_COND_LE] = X86_CC_LE, [IR_COND_GT] = X86_CC_G,
		[IR_COND_LTU] = X86_CC_B, [IR_COND_GEU] = X86_CC_AE,
		[IR_COND_LEU] = X86_CC_BE, [IR_COND_GTU] = X86_CC_A,
		[IR_COND_TSTEQ] = X86_CC_E, [IR_COND_TSTNE] = X86_CC_NE,
	};
	return (enum x86_cc)map[c];
}

/* The condition with its operands exchanged: a < b  <=>  b > a. */
static enum ir_cond cond_swap(enum ir_cond c)
{
	switch (c) {
	case IR_COND_LT: return IR_COND_GT;
	case IR_COND_GT: return IR_COND_LT;
	case IR_COND_LE: return IR_COND_GE;
	case IR_COND_GE: return IR_COND_LE;
	case IR_COND_LTU: return IR_COND_GTU;
	case IR_COND_GTU: return IR_COND_LTU;
	case IR_COND_LEU: return IR_COND_GEU;
	case IR_COND_GEU: return IR_COND_LEU;
	default: return c;
	}
}

/* Set the flags for cond(a, b); returns the x86 condition to test. */
static enum x86_cc emit_cmp(struct x86_cg *cg, enum ir_cond c, unsigned w, int areg,
			    struct opnd b)
{
	if (c == IR_COND_TSTEQ || c == IR_COND_TSTNE) {
		if (b.imm)
			x86_test_ri(&cg->b, w, areg, b.val);
		else
			x86_test_rr(&cg->b, w, areg, b.reg);
	} else if (b.imm && b.val == 0 && (c == IR_COND_EQ || c == IR_COND_NE)) {
		x86_test_rr(&cg->b, w, areg, areg);
	} else if (b.imm) {
		x86_alu_ri(&cg->b, X86_CMP, w, areg, b.val);
	} else if (b.mem) {
		x86_alu_rm(&cg->b, X86_CMP, w, areg, b.m);
	} else {
		x86_alu_rr(&cg->b, X86_CMP, w, areg, b.reg);
	}
	return cc_of(c);
}

/* ---- moves ---- */

static void gen_movi(struct x86_cg *cg, ir_temp d, uint64_t v)
{
	int r = x86_ra_dest(cg, d, IR_TEMP_NONE, -1);

	if (v == 0)
		x86_zero(&cg->b, r);
	else
		x86_mov_ri(&cg->b, r, v);
	x86_ra_set_out(cg, d, r);
}

static void gen_mov(struct x86_cg *cg, unsigned w, ir_temp d, ir_temp a)
{
	if (x86_is_const(cg, a)) {
		uint64_t v = cg->ir->temps[a].value;
		gen_movi(cg, d, w == 32 ? (uint32_t)v : v);
		return;
	}
	if (x86_xmm_gen_mov(cg, d, a))
		return;
	if (load_direct(cg, a, 1)) {
		int r = x86_ra_dest(cg, d, IR_TEMP_NONE, -1);
		x86_load(&cg->b, w, r, x86_ra_home(cg, a));
		x86_ra_set_out(cg, d, r);
		return;
	}
	int areg = x86_ra_get(cg, a);
	int r = x86_ra_dest(cg, d, a, areg);
	if (r != areg)
		x86_mov_rr(&cg->b, w == 32 ? 32 : 64, r, areg);
	x86_ra_set_out(cg, d, r);
}

/* ---- arithmetic ---- */

static bool commutative(enum ir_opc opc)
{
	return opc == IR_add || opc == IR_and || opc == IR_or || opc == IR_xor || opc == IR_mul;
}

static void gen_alu(struct x86_cg *cg, const struct ir_op *op)
{
	static const uint8_t alu[] = {
		[IR_add] = X86_ADD, [IR_sub] = X86_SUB, [IR_and] = X86_AND,
		[IR_or] = X86_OR, [IR_xor] = X86_XOR,
	};
	unsigned w = op_width(op);
	ir_temp d = (ir_temp)op->args[0], a = (ir_temp)op->args[1], b = (ir_temp)op->args[2];
	unsigned ka = 1, kb = 2;

	if (commutative(op->opc) && x86_is_const(cg, a) && !x86_is_const(cg, b)) {
		ir_temp t = a;
		a = b;
		b = t;
		ka = 2;
		kb = 1;
	}
	struct opnd bo = a == b ? get_opnd(cg, b, w) : get_opnd_mem(cg, b, w, kb);

	if (op->opc == IR_mul && bo.imm) {
		int areg = x86_ra_get(cg, a);
		int r = x86_ra_dest(cg, d, a, areg);
		x86_imul_rri(&cg->b, w, r, areg, bo.val);
		x86_ra_set_out(cg, d, r);
		return;
	}
	bool is_not = op->opc == IR_xor && bo.imm && bo.val == -1;
	int r, areg = -1;
	if (a != d && a != b && load_direct(cg, a, ka)) {
		/* a is not read again: load it straight into the result register */
		r = x86_ra_dest(cg, d, IR_TEMP_NONE, -1);
		x86_load(&cg->b, w, r, x86_ra_home(cg, a));
	} else {
		areg = x86_ra_get(cg, a);
		r = x86_ra_dest(cg, d, a, areg);
		if (r != areg && op->opc == IR_add && !bo.mem && (!bo.imm || bo.val != 0)) {
			/* Three-operand add */
			struct x86_mem m = bo.imm ? x86_m(areg, bo.val) : x86_mi(areg, bo.reg, 1, 0);
			x86_lea(&cg->b, w, r, m);
			x86_ra_set_out(cg, d, r);
			return;
		}
		if (r != areg)
			x86_mov_rr(&cg->b, w, r, areg);
	}
	if (is_not)
		x86_unary(&cg->b, X86_NOT, w, r);
	else if (op->opc == IR_mul && bo.mem)
		x86_imul_rm(&cg->b, w, r, bo.m);
	else if (op->opc == IR_mul)
		x86_imul_rr(&cg->b, w, r, bo.reg);
	else if (bo.imm)
		x86_alu_ri(&cg->b, (enum x86_alu)alu[op->opc], w, r, bo.val);
	else if (bo.mem)
		x86_alu_rm(&cg->b, (enum x86_alu)alu[op->opc], w, r, bo.m);
	else
		x86_alu_rr(&cg->b, (enum x86_alu)alu[op->opc], w, r, bo.reg);
	x86_ra_set_out(cg, d, r);
}

/* andc, orc, xnor */
static void gen_logic_not(struct x86_cg *cg, const struct ir_op *op)
{
	unsigned w = op_width(op);
	ir_temp d = (ir_temp)op->args[0], a = (ir_temp)op->args[1], b = (ir_temp)op->args[2];
	int breg = x86_ra_get(cg, b);
	int areg = x86_ra_get(cg, a);

	if (op->opc == IR_andc && (x86_features & X86_FEAT_BMI1)) {
		int r = x86_ra_dest(cg, d, a, areg);
		x86_andn(&cg->b, w, r, breg, areg);
		x86_ra_set_out(cg, d, r);
		return;
	}
	if (op->opc == IR_xnor) {
		int r = x86_ra_dest(cg, d, a, areg);
		if (r != areg)
			x86_mov_rr(&cg->b, w, r, areg);
		x86_alu_rr(&cg->b, X86_XOR, w, r, breg);
		x86_unary(&cg->b, X86_NOT, w, r);
		x86_ra_set_out(cg, d, r);
		return;
	}
	/* r = ~b op a, in a register that is neither input */
	int r = x86_ra_dest(cg, d, IR_TEMP_NONE, -1);
	x86_mov_rr(&cg->b, w, r, breg);
	x86_unary(&cg->b, X86_NOT, w, r);
	x86_alu_rr(&cg->b, op->opc == IR_andc ? X86_AND : X86_OR, w, r, areg);
	x86_ra_set_out(cg, d, r);
}

static void gen_shift(struct x86_cg *cg, const struct ir_op *op)
{
	static const uint8_t sh[] = {
		[IR_shl] = X86_SHL, [IR_shr] = X86_SHR, [IR_sar] = X86_SAR,
		[IR_rotl] = X86_ROL, [IR_rotr] = X86_ROR,
	};
	unsigned w = op_width(op);
	enum x86_shift s = (enum x86_shift)sh[op->opc];
	ir_temp d = (ir_temp)op->args[0], a = (ir_temp)op->args[1], b = (ir_temp)op->args[2];

	if (x86_is_const(cg, b)) {
		unsigned cnt = (unsigned)cg->ir->temps[b].value & (w - 1);
		int areg = x86_ra_get(cg, a);
		int r = x86_ra_dest(cg, d, a, areg);
		if (r != areg && cnt && (s == X86_ROL || s == X86_ROR) &&
		    (x86_features & X86_FEAT_BMI2)) {
			/* three operands: the input stays */
			x86_rorx(&cg->b, w, r, areg, s == X86_ROR ? cnt : w - cnt);
			x86_ra_set_out(cg, d, r);
			return;
		}
		if (r != areg && s == X86_SHL && cnt <= 3 && cnt) {
			x86_lea(&cg->b, w, r, cnt == 1 ? x86_mi(areg, areg, 1, 0)
							 : x86_mi(X86_NOREG, areg, 1u << cnt, 0));
			x86_ra_set_out(cg, d, r);
			return;
		}
		if (r != areg)
			x86_mov_rr(&cg->b, w, r, areg);
		if (cnt)
			x86_shift_ri(&cg->b, s, w, r, cnt);
		x86_ra_set_out(cg, d, r);
		return;
	}
	bool bmi2 = (x86_features & X86_FEAT_BMI2) && s != X86_ROL && s != X86_ROR;
	if (!bmi2)
		x86_ra_reserve(cg, X86_RBIT(X86_RCX));
	int breg = x86_ra_get(cg, b);
	int areg = x86_ra_get(cg, a);
	if (bmi2) {
		int r = x86_ra_dest(cg, d, a, areg);
		x86_shiftx(&cg->b, s, w, r, areg, breg);
		x86_ra_set_out(cg, d, r);
		return;
	}
	/* x86 masks the count in cl to 5 or 6 bits: the IR's "modulo the width" */
	x86_mov_rr(&cg->b, 32, X86_RCX, breg);
	int r = x86_ra_dest(cg, d, a, areg);
	if (r != areg)
		x86_mov_rr(&cg->b, w, r, areg);
	x86_shift_cl(&cg->b, s, w, r);
	x86_ra_set_out(cg, d, r);
}

static void gen_unary(struct x86_cg *cg, const struct ir_op *op)
{
	unsigned w = op_width(op);
	ir_temp d = (ir_temp)op->args[0], a = (ir_temp)op->args[1];
	struct x86_buf *b = &cg->b;
	int areg, r;

	if (a != d && load_direct(cg, a, 1)) {
		/* a is not read again: extend straight from memory, or load it into r */
		struct x86_mem m = x86_ra_home(cg, a);
		r = x86_ra_dest(cg, d, IR_TEMP_NONE, -1);
		switch (op->opc) {
		case IR_ext8s: x86_movsx_rm(b, w, 8, r, m); goto out;
		case IR_ext8u: x86_movzx_rm(b, 32, 8, r, m); goto out;
		case IR_ext16s: x86_movsx_rm(b, w, 16, r, m); goto out;
		case IR_ext16u: x86_movzx_rm(b, 32, 16, r, m); goto out;
		case IR_ext32s:
		case IR_ext_i32_i64:
			x86_movsx_rm(b, 64, 32, r, m);
			goto out;
		case IR_ext32u:
		case IR_extu_i32_i64:
		case IR_extrl_i64_i32:
			x86_load(b, 32, r, m);
			goto out;
		default:
			x86_load(b, x86_temp_width(cg, a), r, m);
			areg = r;
			break;
		}
	} else {
		areg = x86_ra_get(cg, a);
		r = x86_ra_dest(cg, d, a, areg);
	}

	switch (op->opc) {
	case IR_neg:
	case IR_not:
	case IR_bswap:
		if (r != areg)
			x86_mov_rr(b, w, r, areg);
		if (op->opc == IR_bswap)
			x86_bswap(b, w, r);
		else
			x86_unary(b, op->opc == IR_neg ? X86_NEG : X86_NOT, w, r);
		break;
	case IR_ext8s: x86_movsx_rr(b, w, 8, r, areg); break;
	case IR_ext8u: x86_movzx_rr(b, 32, 8, r, areg); break;
	case IR_ext16s: x86_movsx_rr(b, w, 16, r, areg); break;
	case IR_ext16u: x86_movzx_rr(b, 32, 16, r, areg); break;
	case IR_ext32s:
	case IR_ext_i32_i64:
		x86_movsx_rr(b, 64, 32, r, areg);
		break;
	case IR_ext32u:
	case IR_extu_i32_i64:
	case IR_extrl_i64_i32:
		x86_mov_rr(b, 32, r, areg);
		break;
	case IR_cpop:
		x86_popcnt(b, w, r, areg);
		break;
	case IR_clz:
		if (x86_features & X86_FEAT_LZCNT) {
			x86_lzcnt(b, w, r, areg);
		} else {
			/* clz = (w - 1) - bsr(a); bsr sets ZF for 0, then use -1 for w */
			x86_bsr(b, w, r, areg);
			x86_mov_ri(b, X86_R11, ~0ull);
			x86_cmov(b, X86_CC_E, w, r, X86_R11);
			x86_unary(b, X86_NEG, w, r);
			x86_alu_ri(b, X86_ADD, w, r, (int32_t)w - 1);
		}
		break;
	case IR_ctz:
		if (x86_features & X86_FEAT_BMI1) {
			x86_tzcnt(b, w, r, areg);
		} else {
			x86_bsf(b, w, r, areg);
			x86_mov_ri(b, X86_R11, w);
			x86_cmov(b, X86_CC_E, w, r, X86_R11);
		}
		break;
	default:
		break;
	}
out:
	x86_ra_set_out(cg, d, r);
}

static void gen_mulh(struct x86_cg *cg, const struct ir_op *op)
{
	unsigned w = op_width(op);
	ir_temp d = (ir_temp)op->args[0], a = (ir_temp)op->args[1], b = (ir_temp)op->args[2];
	x86_ra_reserve(cg, X86_RBIT(X86_RAX) | X86_RBIT(X86_RCX) | X86_RBIT(X86_RDX));
	int areg = x86_ra_get(cg, a);
	int breg = x86_ra_get(cg, b);
	struct x86_buf *bf = &cg->b;
	int res = X86_RDX;

	if (op->opc == IR_mulsuh && w == 32) {
		/* sext(a) * zext(b) fits in 64 bits */
		x86_movsx_rr(bf, 64, 32, X86_RAX, areg);
		x86_mov_rr(bf, 32, X86_RCX, breg);
		x86_imul_rr(bf, 64, X86_RAX, X86_RCX);
		x86_shift_ri(bf, X86_SAR, 64, X86_RAX, 32);
		res = X86_RAX;
	} else {
		x86_mov_rr(bf, w, X86_RAX, areg);
		x86_unary(bf, op->opc == IR_mulsh ? X86_IMUL1 : X86_MUL, w, breg);
		if (op->opc == IR_mulsuh) {
			/* signed a: hi(a * b) = hi_unsigned - (a < 0 ? b : 0) */
			x86_mov_rr(bf, 64, X86_RCX, areg);
			x86_shift_ri(bf, X86_SAR, 64, X86_RCX, 63);
			x86_alu_rr(bf, X86_AND, 64, X86_RCX, breg);
			x86_alu_rr(bf, X86_SUB, 64, X86_RDX, X86_RCX);
		}
	}
	int r = x86_ra_dest(cg, d, IR_TEMP_NONE, -1);
	x86_mov_rr(bf, w, r, res);
	x86_ra_set_out(cg, d, r);
}

/* div, divu, rem, remu with the IR's total semantics (ir-ops.def) */
static void gen_div(struct x86_cg *cg, const struct ir_op *op)
{
	unsigned w = op_width(op);
	ir_temp d = (ir_temp)op->args[0], a = (ir_temp)op->args[1], b = (ir_temp)op->args[2];
	bool sign = op->opc == IR_div || op->opc == IR_rem;
	bool rem = op->opc == IR_rem || op->opc == IR_remu;
	struct x86_buf *bf = &cg->b;
	uint64_t ones = w == 32 ? 0xffffffffu : ~0ull;
	x86_ra_reserve(cg, X86_RBIT(X86_RAX) | X86_RBIT(X86_RCX) | X86_RBIT(X86_RDX));
	int areg = x86_ra_get(cg, a);

	if (x86_is_const(cg, b)) {
		uint64_t v = cg->ir->temps[b].value & ones;
		if (v != 0 && (!sign || v != ones)) {
			/* No special case possible: plain divide */
			x86_mov_rr(bf, w, X86_RAX, areg);
			x86_mov_ri(bf, X86_RCX, v);
			if (sign)
				x86_cext(bf, w);
			else
				x86_zero(bf, X86_RDX);
			x86_unary(bf, sign ? X86_IDIV : X86_DIV, w, X86_RCX);
			goto out;
		}
	}
	int breg = x86_ra_get(cg, b);
	x86_mov_rr(bf, w, X86_RAX, areg);
	x86_mov_rr(bf, w, X86_RCX, breg);
	x86_test_rr(bf, w, X86_RCX, X86_RCX);
	size_t jzero = x86_jcc8(bf, X86_CC_E);
	size_t jm1 = 0;
	if (sign) {
		x86_alu_ri(bf, X86_CMP, w, X86_RCX, -1);
		jm1 = x86_jcc8(bf, X86_CC_E);
		x86_cext(bf, w);
	} else {
		x86_zero(bf, X86_RDX);
	}
	x86_unary(bf, sign ? X86_IDIV : X86_DIV, w, X86_RCX);
	size_t jdone1 = x86_jmp8(bf), jdone2 = 0;
	if (sign) {
		/* x / -1 = -x (MIN / -1 wraps to MIN), x % -1 = 0 */
		x86_patch_rel8(bf, jm1, x86_off(bf));
		if (rem)
			x86_zero(bf, X86_RDX);
		else
			x86_unary(bf, X86_NEG, w, X86_RAX);
		jdone2 = x86_jmp8(bf);
	}
	/* x / 0 = all ones, x % 0 = x */
	x86_patch_rel8(bf, jzero, x86_off(bf));
	if (rem)
		x86_mov_rr(bf, w, X86_RDX, X86_RAX);
	else
		x86_mov_ri(bf, X86_RAX, ones);
	x86_patch_rel8(bf, jdone1, x86_off(bf));
	if (sign)
		x86_patch_rel8(bf, jdone2, x86_off(bf));
out:;
	int r = x86_ra_dest(cg, d, IR_TEMP_NONE, -1);
	x86_mov_rr(bf, w, r, rem ? X86_RDX : X86_RAX);
	x86_ra_set_out(cg, d, r);
}

/* ---- comparisons ---- */

static void gen_setcond(struct x86_cg *cg, const struct ir_op *op)
{
	ir_temp d = (ir_temp)op->args[0], a = (ir_temp)op->args[1], b = (ir_temp)op->args[2];
	enum ir_cond c = (enum ir_cond)op->args[3];
	unsigned tw = x86_temp_width(cg, a);

	if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
		gen_movi(cg, d, c == IR_COND_ALWAYS);
		return;
	}
	if (x86_is_const(cg, a) && !x86_is_const(cg, b)) {
		ir_temp t = a;
		a = b;
		b = t;
		c = cond_swap(c);
	}
	bool tst = c == IR_COND_TSTEQ || c == IR_COND_TSTNE;
	struct opnd bo = tst || a == b ? get_opnd(cg, b, tw) : get_opnd_mem(cg, b, tw, 2);
	int areg = x86_ra_get(cg, a);
	/* Not an input register (they are locked): zero it before the compare */
	int r = x86_ra_dest(cg, d, IR_TEMP_NONE, -1);
	x86_zero(&cg->b, r);
	enum x86_cc cc = emit_cmp(cg, c, tw, areg, bo);
	x86_setcc(&cg->b, cc, r);
	x86_ra_set_out(cg, d, r);
}

static void gen_movcond(struct x86_cg *cg, const struct ir_op *op)
{
	unsigned w = op_width(op);
	ir_temp d = (ir_temp)op->args[0], c1 = (ir_temp)op->args[1], c2 = (ir_temp)op->args[2];
	ir_temp v1 = (ir_temp)op->args[3], v2 = (ir_temp)op->args[4];
	enum ir_cond c = (enum ir_cond)op->args[5];
	unsigned tw = x86_temp_width(cg, c1);

	if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
		gen_mov(cg, w, d, c == IR_COND_ALWAYS ? v1 : v2);
		return;
	}
	if (x86_is_const(cg, c1) && !x86_is_const(cg, c2)) {
		ir_temp t = c1;
		c1 = c2;
		c2 = t;
		c = cond_swap(c);
	}
	struct opnd bo = get_opnd(cg, c2, tw);
	int areg = x86_ra_get(cg, c1);
	int v1reg = x86_ra_get(cg, v1);
	int v2reg = x86_ra_get(cg, v2);
	int r = x86_ra_dest(cg, d, v2, v2reg);
	if (r != v2reg)
		x86_mov_rr(&cg->b, w, r, v2reg);
	enum x86_cc cc = emit_cmp(cg, c, tw, areg, bo);
	x86_cmov(&cg->b, cc, w, r, v1reg);
	x86_ra_set_out(cg, d, r);
}

/* ---- control flow inside the TB ---- */

static void add_fixup(struct x86_cg *cg, size_t disp, unsigned label)
{
	cg->fix[cg->nfix].disp = (uint32_t)disp;
	cg->fix[cg->nfix].label = (uint16_t)label;
	cg->nfix++;
}

/*
 * The TB-ending shape "brcond L; goto_tb s1; L: goto_tb s0" where nothing
 * else branches to L: returns s0 (the jcc can then be s0's patchable jump),
 * else -1.
 */
static int exit_branch_slot(const struct x86_cg *cg, unsigned label)
{
	const struct ir_ctx *ir = cg->ir;
	unsigned i = cg->op;

	if (i + 3 >= ir->nops || ir->ops[i + 1].opc != IR_goto_tb ||
	    ir->ops[i + 2].opc != IR_set_label || ir->ops[i + 2].args[0] != label ||
	    ir->ops[i + 3].opc != IR_goto_tb || ir->ops[i + 1].args[0] == ir->ops[i + 3].args[0])
		return -1;
	for (unsigned k = 0; k < ir->nops; k++) {
		const struct ir_op *o = &ir->ops[k];
		if (k != i && ((o->opc == IR_br && o->args[0] == label) ||
			       (o->opc == IR_brcond && o->args[3] == label)))
			return -1;
	}
	return (int)ir->ops[i + 3].args[0];
}

static void gen_brcond(struct x86_cg *cg, const struct ir_op *op)
{
	ir_temp a = (ir_temp)op->args[0], b = (ir_temp)op->args[1];
	enum ir_cond c = (enum ir_cond)op->args[2];
	unsigned label = (unsigned)op->args[3];
	unsigned tw = x86_temp_width(cg, a);

	if (c == IR_COND_NEVER) {
		x86_ra_sync_all(cg);
		return;
	}
	if (c == IR_COND_ALWAYS) {
		x86_ra_sync_all(cg);
		add_fixup(cg, x86_jmp32(&cg->b, (size_t)-1), label);
		return;
	}
	if (x86_is_const(cg, a) && !x86_is_const(cg, b)) {
		ir_temp t = a;
		a = b;
		b = t;
		c = cond_swap(c);
	}
	bool tst = c == IR_COND_TSTEQ || c == IR_COND_TSTNE;
	if ((int)cg->op == cg->loop_op) {
		/* the taken way goes round the TB's own loop (loop.c) */
		x86_loop_back(cg);
		struct opnd lo = tst || a == b ? get_opnd(cg, b, tw) : get_opnd_mem(cg, b, tw, 1);
		enum x86_cc lcc = emit_cmp(cg, c, tw, x86_ra_get(cg, a), lo);
		x86_patch_rel32(&cg->b, x86_jcc32(&cg->b, lcc, (size_t)-1), cg->loop_head);
		return;
	}
	int slot = exit_branch_slot(cg, label);
	if (slot >= 0) {
		/* both ways out are chained exits: residents in place first */
		x86_ra_sync_all(cg);
		x86_ra_place_resident(cg);
	}
	struct opnd bo = tst || a == b ? get_opnd(cg, b, tw) : get_opnd_mem(cg, b, tw, 1);
	int areg = x86_ra_get(cg, a);
	/* Both paths see values in their homes; the fall-through keeps clean copies. */
	x86_ra_sync_all(cg);
	enum x86_cc cc = emit_cmp(cg, c, tw, areg, bo);
	if (slot >= 0) {
		/* the jcc is the chained jump of that goto_tb: one taken branch, not two */
		x86_align_rel32(cg, 2);
		size_t disp = x86_jcc32(&cg->b, cc, (size_t)-1);
		cg->tb->jmp_patch[slot] = (uint32_t)disp;
		cg->fused_label = (int)label;
		cg->fused_slot = (unsigned)slot;
		cg->fused_disp = (uint32_t)disp;
		return;
	}
	add_fixup(cg, x86_jcc32(&cg->b, cc, (size_t)-1), label);
}

/* ---- env access ---- */

/* r = the @size bytes at @m, sign- or zero-extended to a @w-bit value (little-endian). */
static void load_extended(struct x86_cg *cg, unsigned w, unsigned size, bool sign, int r,
			  struct x86_mem m)
{
	switch (size) {
	case 8: x86_load(&cg->b, w, r, m); break;
	case 4:
		if (sign && w == 64)
			x86_movsx_rm(&cg->b, 64, 32, r, m);
		else
			x86_load(&cg->b, 32, r, m);
		break;
	default:
		if (sign)
			x86_movsx_rm(&cg->b, w, size * 8, r, m);
		else
			x86_movzx_rm(&cg->b, 32, size * 8, r, m);
		break;
	}
}

static void gen_ld_env(struct x86_cg *cg, const struct ir_op *op)
{
	ir_temp d = (ir_temp)op->args[0];
	int32_t off = (int32_t)op->args[1];
	uint32_t mo = (uint32_t)op->args[2];
	unsigned size = 1u << (mo & IR_MO_SIZE), w = op_width(op);
	bool sign = mo & IR_MO_SIGN;
	struct x86_mem m = x86_env(off);

	x86_ra_env_access(cg, (uint32_t)off, size, false);
	int r = x86_ra_dest(cg, d, IR_TEMP_NONE, -1);
	load_extended(cg, w, size, sign, r, m);
	x86_ra_set_out(cg, d, r);
}

static void gen_st_env(struct x86_cg *cg, const struct ir_op *op)
{
	ir_temp v = (ir_temp)op->args[0];
	int32_t off = (int32_t)op->args[1];
	uint32_t mo = (uint32_t)op->args[2];
	unsigned size = 1u << (mo & IR_MO_SIZE);
	struct x86_mem m = x86_env(off);
	int32_t imm;

	x86_ra_env_access(cg, (uint32_t)off, size, true);
	if (imm_of(cg, v, size == 8 ? 64 : 32, &imm)) {
		x86_store_imm(&cg->b, size * 8, m, imm);
	} else {
		int r = x86_ra_get(cg, v);
		/*
		 * The new pc of the indirect jump right after: the probe takes it
		 * from this register, and only its miss path stores it to env.
		 */
		if (off == (int32_t)cg->ir->pc_offset && size == 8 && cg->op + 1 < cg->ir->nops &&
		    cg->ir->ops[cg->op + 1].opc == IR_lookup_and_goto)
			cg->pc_reg = r;
		else
			x86_store(&cg->b, size * 8, m, r);
	}
	cg->locked = 0;
	x86_ra_env_access(cg, (uint32_t)off, size, true);
}

/* ---- guest memory ---- */

static void add_slow(struct x86_cg *cg, enum x86_slow_kind kind, size_t jcc_disp, bool write)
{
	struct x86_slow *s = &cg->slow[cg->nslow++];

	s->kind = (uint8_t)kind;
	s->is_write = write;
	s->jcc_disp = (uint32_t)jcc_disp;
	s->pc = cg->insn_pc;
}

/* @r &= guest_mask */
static void mask_addr(struct x86_cg *cg, int r)
{
	if (x86_gmask_inverted)
		x86_andn(&cg->b, 64, r, X86_GMASK, r);
	else
		x86_alu_rr(&cg->b, X86_AND, 64, r, X86_GMASK);
}

/*
 * X86_ADDR = @t & guest_mask (andn: the register holds ~mask), unless it
 * still holds that from an earlier access (@masked: see mask_cse_keeps()).
 */
static void mask_into_addr(struct x86_cg *cg, ir_temp t, ir_temp masked)
{
	if (t != masked)
		x86_andn(&cg->b, 64, X86_ADDR, X86_GMASK, x86_ra_get(cg, t));
	cg->masked_t = t;
}

/*
 * Whether X86_ADDR still holds the masked value of cg->masked_t after @op:
 * ops whose code never touches X86_ADDR and do not write that temp. Guest
 * memory ops keep it unless guest_addr() computed another address.
 */
static bool mask_cse_keeps(const struct x86_cg *cg, const struct ir_op *op)
{
	switch (op->opc) {
	case IR_ld: case IR_st: case IR_mov: case IR_movi: case IR_add: case IR_sub:
	case IR_and: case IR_or: case IR_xor: case IR_shl: case IR_shr: case IR_sar:
	case IR_neg: case IR_not: case IR_ext8s: case IR_ext8u: case IR_ext16s:
	case IR_ext16u: case IR_ext32s: case IR_ext32u: case IR_ext_i32_i64:
	case IR_extu_i32_i64: case IR_extrl_i64_i32: case IR_setcond: case IR_ld_env:
	case IR_st_env: case IR_insn_start: case IR_nop:
		break;
	default:
		return false;
	}
	return !(op->nout && op->args[0] == cg->masked_t);
}

/*
 * Guest address -> host operand [guest_base + (addr & guest_mask)], with the
 * unmasked address left in X86_ADDR for the misaligned-access path.
 */
static struct x86_mem guest_addr(struct x86_cg *cg, ir_temp a, uint32_t mo, bool align,
				 bool write)
{
	unsigned size = 1u << (mo & IR_MO_SIZE);
	unsigned aw = x86_temp_width(cg, a);
	ir_temp masked = cg->masked_t;

	cg->masked_t = IR_TEMP_NONE; /* X86_ADDR changes below, unless reused */
	if (!cg->softmmu && cg->guest_mask && (a == cg->fuse_t ? x86_is_const(cg, cg->fuse_base) : x86_is_const(cg, a))) {
		/* a constant address, masked here: [guest_base + disp32] if it fits */
		uint64_t v = a == cg->fuse_t ? cg->ir->temps[cg->fuse_base].value + (uint64_t)cg->fuse_disp
					     : cg->ir->temps[a].value;
		if (aw == 32)
			v = (uint32_t)v;
		uint64_t m = v & cg->guest_mask;
		if (m <= INT32_MAX && !(align && (v & (size - 1)))) {
			if (a == cg->fuse_t)
				cg->fuse_t = IR_TEMP_NONE;
			cg->masked_t = masked; /* X86_ADDR untouched */
			return x86_m(X86_GBASE, (int32_t)m);
		}
	}
	if (a == cg->fuse_t) {
		/* addr = base + disp computed right here (see fuse_address()) */
		ir_temp base = cg->fuse_base;
		cg->fuse_t = IR_TEMP_NONE;
		if (!x86_is_const(cg, base) && !(align && size > 1) && x86_gmask_inverted &&
		    cg->fold_disp && cg->fuse_disp > -(int64_t)GUEST_BASE_GUARD &&
		    cg->fuse_disp < GUEST_BASE_GUARD) {
			/* masked base + disp: the guards catch what leaves the guest space */
			mask_into_addr(cg, base, masked);
			return x86_mi(X86_GBASE, X86_ADDR, 1, (int32_t)cg->fuse_disp);
		}
		if (x86_is_const(cg, base)) {
			uint64_t v = cg->ir->temps[base].value + (uint64_t)cg->fuse_disp;
			x86_mov_ri(&cg->b, X86_ADDR, aw == 32 ? (uint32_t)v : v);
		} else {
			x86_lea(&cg->b, aw, X86_ADDR,
				x86_m(x86_ra_get(cg, base), (int32_t)cg->fuse_disp));
		}
	} else if (x86_is_const(cg, a)) {
		uint64_t v = cg->ir->temps[a].value;
		x86_mov_ri(&cg->b, X86_ADDR, aw == 32 ? (uint32_t)v : v);
	} else if (!(align && size > 1) && x86_gmask_inverted && !cg->softmmu) {
		/* one instruction: r11 = addr & mask (the register holds ~mask) */
		mask_into_addr(cg, a, masked);
		return x86_mi(X86_GBASE, X86_ADDR, 1, 0);
	} else {
		x86_mov_rr(&cg->b, aw, X86_ADDR, x86_ra_get(cg, a));
	}
	if (cg->softmmu) {
		/* the hit path; misses go to mmu_slow_*() of the caller */
		cg->mmu_miss = x86_tlb_lookup(cg, mo, align, write);
		return x86_m(X86_ADDR, 0);
	}
	if (align && size > 1) {
		x86_test_ri(&cg->b, 8, X86_ADDR, (int32_t)(size - 1));
		add_slow(cg, X86_SLOW_UNALIGNED, x86_jcc32(&cg->b, X86_CC_NE, (size_t)-1), write);
	}
	mask_addr(cg, X86_ADDR);
	return x86_mi(X86_GBASE, X86_ADDR, 1, 0);
}

/* Byte-swap the low @size bytes of @r (upper bits of the result: see callers). */
static void swap_bytes(struct x86_cg *cg, unsigned size, int r)
{
	if (size == 2)
		x86_shift_ri(&cg->b, X86_ROL, 16, r, 8);
	else if (size >= 4)
		x86_bswap(&cg->b, size * 8, r);
}

/* r = extend(low @size bytes of src) per memop sign, into a @w-bit result. */
static void extend_to(struct x86_cg *cg, unsigned w, unsigned size, bool sign, int r, int src)
{
	switch (size) {
	case 1:
	case 2:
		if (sign)
			x86_movsx_rr(&cg->b, w, size * 8, r, src);
		else
			x86_movzx_rr(&cg->b, 32, size * 8, r, src);
		break;
	case 4:
		/* also when r == src: the upper half of src may be garbage */
		if (sign && w == 64)
			x86_movsx_rr(&cg->b, 64, 32, r, src);
		else
			x86_mov_rr(&cg->b, 32, r, src);
		break;
	default:
		if (r != src)
			x86_mov_rr(&cg->b, w, r, src);
		break;
	}
}

/*
 * System mode: the miss path of a memory op sits after its hit path, jumped
 * over, so it sees the op's register state: the softMMU call keeps live
 * registers on the stack. Globals are in env already (memory ops sync them).
 */
static size_t mmu_slow_begin(struct x86_cg *cg, int except, struct x86_saved *saved)
{
	size_t done = x86_jmp32(&cg->b, (size_t)-1);

	x86_patch_rel32(&cg->b, cg->mmu_miss, x86_off(&cg->b));
	x86_store_insn_pc(cg, X86_GBASE);
	x86_push_live(cg, except, saved);
	return done;
}

/* helper(env, vaddr in X86_ADDR, ...): the first two arguments */
static void mmu_call_args(struct x86_cg *cg)
{
	x86_mov_rr(&cg->b, 64, X86_RSI, X86_ADDR);
	x86_env_ptr(&cg->b, X86_RDI);
}

static void gen_ld_softmmu_slow(struct x86_cg *cg, uint32_t mo, unsigned w, int r)
{
	struct x86_saved saved;
	size_t done = mmu_slow_begin(cg, r, &saved);

	mmu_call_args(cg);
	x86_mov_ri(&cg->b, X86_RDX, mo);
	x86_call_abs(&cg->b, (const void *)softmmu_load, cg->rx_delta, X86_RAX);
	x86_mov_rr(&cg->b, 64, X86_ADDR, X86_RAX);
	x86_pop_live(cg, &saved);
	/* softmmu_load() extended and byte-swapped it per memop */
	x86_mov_rr(&cg->b, w, r, X86_ADDR);
	x86_patch_rel32(&cg->b, done, x86_off(&cg->b));
}

/*
 * Before a guest access: env must be exact if it faults. System mode and
 * accesses with out-of-line raise paths (alignment) write the dirty
 * globals back (x86_ra_sync_globals()); plain user-mode accesses leave
 * them in their registers and note_fault_regs() records where, for
 * x86_restore_regs() in the SIGSEGV handler.
 */
static bool keeps_dirty(const struct x86_cg *cg, uint32_t mo)
{
	return !cg->softmmu && !(mo & IR_MO_ALIGN) &&
	       cg->nfrec + 2 + X86_NREGS + 16 <= X86_FREC_WORDS;
}

/* The next instruction is a user-mode access that may fault: record the dirty globals. */
static void note_fault_regs(struct x86_cg *cg)
{
	uint32_t *w = cg->frec + cg->nfrec;
	unsigned n = 0;

	for (unsigned r = 0; r < X86_NREGS; r++) {
		int t = cg->reg_temp[r];
		if (t < 0 || cg->ir->temps[t].kind != IR_TEMP_GLOBAL || cg->t[t].mem)
			continue;
		w[2 + n++] = X86_FAULT_REG(r, x86_temp_width(cg, (ir_temp)t) == 64,
					   cg->ir->temps[t].env_offset);
	}
	X86_FOR_XMM(cg, x) {
		int t = cg->xmm_temp[x];
		if (cg->ir->temps[t].kind != IR_TEMP_GLOBAL || cg->t[t].mem ||
		    cg->t[t].reg >= 0)
			continue;
		w[2 + n++] = X86_FAULT_REG(X86_FAULT_XMM0 + x, 1, cg->ir->temps[t].env_offset);
	}
	if (!n)
		return;
	w[0] = (uint32_t)x86_off(&cg->b);
	w[1] = n;
	cg->nfrec += 2 + n;
}

static void gen_ld(struct x86_cg *cg, const struct ir_op *op)
{
	ir_temp d = (ir_temp)op->args[0], a = (ir_temp)op->args[1];
	uint32_t mo = (uint32_t)op->args[2];
	unsigned size = 1u << (mo & IR_MO_SIZE), w = op_width(op);
	bool sign = mo & IR_MO_SIGN;
	bool keep = keeps_dirty(cg, mo);

	/* The access may fault: env must hold every global then (see keeps_dirty()). */
	if (!keep)
		x86_ra_sync_globals(cg);
	if (cg->softmmu)
		x86_xmm_spill(cg); /* the miss path calls C */
	if (!cg->softmmu && size == 8 && w == 64 && !(mo & IR_MO_BE) && cg->t[d].fp) {
		/* a value FP ops read: into an xmm register (chosen before the access) */
		int x = x86_xmm_alloc(cg, 0);
		struct x86_mem m = guest_addr(cg, a, mo, mo & IR_MO_ALIGN, false);
		if (keep)
			note_fault_regs(cg);
		x86_movq_xm(&cg->b, 64, x, m);
		x86_ra_set_out_xmm(cg, d);
		x86_xmm_bind(cg, d, x);
		cg->xmm_def = d;
		return;
	}
	/* system mode: d's register is chosen before the hit and miss paths part */
	int r = cg->softmmu ? x86_ra_dest(cg, d, IR_TEMP_NONE, -1) : -1;
	struct x86_mem m = guest_addr(cg, a, mo, mo & IR_MO_ALIGN, false);
	if (r < 0) {
		cg->locked = 0; /* the address is in X86_ADDR now */
		r = x86_ra_dest(cg, d, IR_TEMP_NONE, -1);
	}
	if (keep)
		note_fault_regs(cg);

	if (mo & IR_MO_BE) {
		if (size == 8)
			x86_load(&cg->b, 64, r, m);
		else if (size == 4)
			x86_load(&cg->b, 32, r, m);
		else
			x86_movzx_rm(&cg->b, 32, size * 8, r, m);
		swap_bytes(cg, size, r);
		if (size < 8 && (sign || size == 2))
			extend_to(cg, w, size, sign, r, r);
	} else {
		load_extended(cg, w, size, sign, r, m);
	}
	if (cg->softmmu)
		gen_ld_softmmu_slow(cg, mo, w, r);
	x86_ra_set_out(cg, d, r);
}

static void gen_st_softmmu_slow(struct x86_cg *cg, uint32_t mo, ir_temp v, int vreg)
{
	struct x86_saved saved;
	size_t done = mmu_slow_begin(cg, -1, &saved);

	/* the value as the IR has it: softmmu_store() swaps big-endian itself */
	if (vreg >= 0)
		x86_mov_rr(&cg->b, 64, X86_GMASK, vreg);
	mmu_call_args(cg);
	if (vreg >= 0)
		x86_mov_rr(&cg->b, 64, X86_RDX, X86_GMASK);
	else
		x86_mov_ri(&cg->b, X86_RDX, cg->ir->temps[v].value);
	x86_mov_ri(&cg->b, X86_RCX, mo);
	x86_call_abs(&cg->b, (const void *)softmmu_store, cg->rx_delta, X86_RAX);
	x86_pop_live(cg, &saved);
	x86_patch_rel32(&cg->b, done, x86_off(&cg->b));
}

/*
 * System mode, atomics: the miss path gets the host address of the RAM
 * (softmmu_host_addr() faults for anything else) and runs the hit path's code.
 */
static void gen_atomic_softmmu_slow(struct x86_cg *cg, uint32_t mo, size_t resume)
{
	struct x86_saved saved;
	size_t done = mmu_slow_begin(cg, -1, &saved);

	mmu_call_args(cg);
	x86_mov_ri(&cg->b, X86_RDX, 1u << (mo & IR_MO_SIZE));
	x86_mov_ri(&cg->b, X86_RCX, mo);
	x86_call_abs(&cg->b, (const void *)softmmu_host_addr, cg->rx_delta, X86_RAX);
	x86_mov_rr(&cg->b, 64, X86_ADDR, X86_RAX);
	x86_pop_live(cg, &saved);
	x86_patch_rel32(&cg->b, x86_jmp32(&cg->b, (size_t)-1), resume);
	x86_patch_rel32(&cg->b, done, x86_off(&cg->b));
}

static void gen_st(struct x86_cg *cg, const struct ir_op *op)
{
	ir_temp v = (ir_temp)op->args[0], a = (ir_temp)op->args[1];
	uint32_t mo = (uint32_t)op->args[2];
	unsigned size = 1u << (mo & IR_MO_SIZE);
	int32_t imm;
	bool keep = keeps_dirty(cg, mo);

	if (!keep)
		x86_ra_sync_globals(cg);
	if (cg->softmmu)
		x86_xmm_spill(cg); /* the miss path calls C */
	if (!cg->softmmu && size == 8 && !(mo & IR_MO_BE) && !x86_is_const(cg, v) &&
	    cg->t[v].reg < 0 && cg->t[v].xmm >= 0) {
		/* a value in an xmm register only (FP) */
		int x = cg->t[v].xmm;
		struct x86_mem m = guest_addr(cg, a, mo, mo & IR_MO_ALIGN, true);
		if (keep)
			note_fault_regs(cg);
		x86_movq_mx(&cg->b, m, x);
		return;
	}
	if (mo & IR_MO_BE)
		x86_ra_reserve(cg, X86_RBIT(X86_RAX));
	bool vimm = !(mo & IR_MO_BE) && imm_of(cg, v, size == 8 ? 64 : 32, &imm);
	int vreg = vimm ? -1 : x86_ra_get(cg, v);
	struct x86_mem m = guest_addr(cg, a, mo, mo & IR_MO_ALIGN, true);

	if (vimm) {
		if (keep)
			note_fault_regs(cg);
		x86_store_imm(&cg->b, size * 8, m, imm);
	} else if (mo & IR_MO_BE) {
		x86_mov_rr(&cg->b, 64, X86_RAX, vreg);
		swap_bytes(cg, size, X86_RAX);
		if (keep)
			note_fault_regs(cg);
		x86_store(&cg->b, size * 8, m, X86_RAX);
	} else {
		if (keep)
			note_fault_regs(cg);
		x86_store(&cg->b, size * 8, m, vreg);
	}
	if (cg->softmmu)
		gen_st_softmmu_slow(cg, mo, v, vreg);
}

static void gen_cmpxchg(struct x86_cg *cg, const struct ir_op *op)
{
	ir_temp d = (ir_temp)op->args[0], a = (ir_temp)op->args[1];
	ir_temp cmp = (ir_temp)op->args[2], nv = (ir_temp)op->args[3];
	uint32_t mo = (uint32_t)op->args[4];
	unsigned size = 1u << (mo & IR_MO_SIZE), w = op_width(op);
	bool be = mo & IR_MO_BE;

	x86_ra_sync_globals(cg);
	if (cg->softmmu)
		x86_xmm_spill(cg); /* the miss path calls C */
	x86_ra_reserve(cg, X86_RBIT(X86_RAX) | X86_RBIT(X86_RDX));
	int creg = x86_ra_get(cg, cmp);
	int nreg = x86_ra_get(cg, nv);
	/* Atomics always require natural alignment (as the interpreter does). */
	struct x86_mem m = guest_addr(cg, a, mo, true, true);
	size_t resume = x86_off(&cg->b);

	x86_mov_rr(&cg->b, 64, X86_RAX, creg);
	if (be) {
		swap_bytes(cg, size, X86_RAX);
		x86_mov_rr(&cg->b, 64, X86_RDX, nreg);
		swap_bytes(cg, size, X86_RDX);
		nreg = X86_RDX;
	}
	x86_lock_cmpxchg(&cg->b, size * 8, m, nreg);
	if (be)
		swap_bytes(cg, size, X86_RAX);
	if (cg->softmmu)
		gen_atomic_softmmu_slow(cg, mo, resume);
	cg->locked = 0;
	int r = x86_ra_dest(cg, d, IR_TEMP_NONE, -1);
	extend_to(cg, w, size, mo & IR_MO_SIGN, r, X86_RAX);
	x86_ra_set_out(cg, d, r);
}

static void gen_atomic_rmw(struct x86_cg *cg, const struct ir_op *op)
{
	ir_temp d = (ir_temp)op->args[0], a = (ir_temp)op->args[1], bt = (ir_temp)op->args[2];
	uint32_t mo = (uint32_t)op->args[3];
	enum ir_rmw rmw = (enum ir_rmw)op->args[4];
	unsigned size = 1u << (mo & IR_MO_SIZE), w = op_width(op), sw = size * 8;
	bool be = mo & IR_MO_BE;
	struct x86_buf *b = &cg->b;

	x86_ra_sync_globals(cg);
	if (cg->softmmu)
		x86_xmm_spill(cg); /* the miss path calls C */
	x86_ra_reserve(cg, X86_RBIT(X86_RAX) | X86_RBIT(X86_RCX) | X86_RBIT(X86_RDX));
	int breg = x86_ra_get(cg, bt);
	struct x86_mem m = guest_addr(cg, a, mo, true, true);
	size_t resume = x86_off(b);

	if (!be && (rmw == IR_RMW_XCHG || rmw == IR_RMW_ADD)) {
		x86_mov_rr(b, 64, X86_RAX, breg);
		if (rmw == IR_RMW_XCHG)
			x86_xchg_mr(b, sw, m, X86_RAX);
		else
			x86_lock_xadd(b, sw, m, X86_RAX);
	} else {
		bool minmax = rmw >= IR_RMW_SMIN;
		bool ssign = rmw == IR_RMW_SMIN || rmw == IR_RMW_SMAX;

		/* rcx = b, extended for the comparisons of min/max */
		if (minmax && size < 8)
			extend_to(cg, 64, size, ssign, X86_RCX, breg);
		else
			x86_mov_rr(b, 64, X86_RCX, breg);
		if (size == 8)
			x86_load(b, 64, X86_RAX, m);
		else if (size == 4)
			x86_load(b, 32, X86_RAX, m);
		else
			x86_movzx_rm(b, 32, sw, X86_RAX, m);
		size_t loop = x86_off(b);
		/* rax: memory bytes (low size bytes valid); rdx = new value */
		x86_mov_rr(b, 64, X86_RDX, X86_RAX);
		if (be)
			swap_bytes(cg, size, X86_RDX);
		switch (rmw) {
		case IR_RMW_XCHG: x86_mov_rr(b, 64, X86_RDX, X86_RCX); break;
		case IR_RMW_ADD: x86_alu_rr(b, X86_ADD, 64, X86_RDX, X86_RCX); break;
		case IR_RMW_AND: x86_alu_rr(b, X86_AND, 64, X86_RDX, X86_RCX); break;
		case IR_RMW_OR: x86_alu_rr(b, X86_OR, 64, X86_RDX, X86_RCX); break;
		case IR_RMW_XOR: x86_alu_rr(b, X86_XOR, 64, X86_RDX, X86_RCX); break;
		default: {
			/* new = (old OP b) ? old : b */
			static const uint8_t keep_b[] = {
				[IR_RMW_SMIN] = X86_CC_GE, [IR_RMW_SMAX] = X86_CC_LE,
				[IR_RMW_UMIN] = X86_CC_AE, [IR_RMW_UMAX] = X86_CC_BE,
			};
			if (size < 8)
				extend_to(cg, 64, size, ssign, X86_RDX, X86_RDX);
			x86_alu_rr(b, X86_CMP, 64, X86_RDX, X86_RCX);
			x86_cmov(b, (enum x86_cc)keep_b[rmw], 64, X86_RDX, X86_RCX);
			break;
		}
		}
		if (be)
			swap_bytes(cg, size, X86_RDX);
		x86_lock_cmpxchg(b, sw, m, X86_RDX);
		x86_jcc32(b, X86_CC_NE, loop);
		if (be)
			swap_bytes(cg, size, X86_RAX);
	}
	if (cg->softmmu)
		gen_atomic_softmmu_slow(cg, mo, resume);
	cg->locked = 0;
	int r = x86_ra_dest(cg, d, IR_TEMP_NONE, -1);
	extend_to(cg, w, size, mo & IR_MO_SIGN, r, X86_RAX);
	x86_ra_set_out(cg, d, r);
}

static void gen_mb(struct x86_cg *cg, unsigned kind)
{
	/* x86-TSO only reorders a store with a later load (SDM vol. 3A, 9.2.2) */
	if (kind & IR_MB_ST_LD)
		x86_mfence(&cg->b);
}

/* ---- helper calls ---- */

static const int8_t arg_regs[6] = {X86_RDI, X86_RSI, X86_RDX, X86_RCX, X86_R8, X86_R9};

/* Where an argument comes from: env, a register, memory or a constant. */
struct arg_src {
	int kind; /* 0 env, 1 reg, 2 temp home in memory, 3 constant, 4 xmm register */
	int reg;
	ir_temp t;
};

static void arg_to_reg(struct x86_cg *cg, const struct arg_src *s, int dst)
{
	switch (s->kind) {
	case 0: x86_env_ptr(&cg->b, dst); break;
	case 1: x86_mov_rr(&cg->b, 64, dst, s->reg); break;
	case 2: x86_load(&cg->b, x86_temp_width(cg, s->t), dst, x86_ra_home(cg, s->t)); break;
	case 4: x86_movq_rx(&cg->b, 64, dst, s->reg); break;
	default: x86_mov_ri(&cg->b, dst, cg->ir->temps[s->t].value); break;
	}
}

static void gen_call(struct x86_cg *cg, const struct ir_op *op)
{
	unsigned nin = op->nin, nout = op->nout;
	const struct ir_helper *h = ir_helper_get((unsigned)op->args[nout + nin]);
	struct arg_src src[IR_MAX_CALL_ARGS];
	struct x86_buf *b = &cg->b;
	unsigned in = 0;

	if (h->flags & (IR_HF_READS_GLOBALS | IR_HF_WRITES_GLOBALS | IR_HF_MAY_RAISE |
			IR_HF_NORETURN))
		x86_ra_sync_globals(cg);

	for (unsigned i = 0; i < h->nargs; i++) {
		struct arg_src *s = &src[i];
		if (h->args[i] == IR_HT_ENV) {
			s->kind = 0;
			continue;
		}
		s->t = (ir_temp)op->args[nout + in++];
		if (x86_is_const(cg, s->t))
			s->kind = 3;
		else if (cg->t[s->t].reg >= 0)
			s->kind = 1, s->reg = cg->t[s->t].reg;
		else if (!x86_ra_in_home(cg, s->t))
			s->kind = 4, s->reg = cg->t[s->t].xmm;
		else
			s->kind = 2;
	}

	/* Live values in caller-saved registers (all xmm ones) go home first (stores only). */
	for (unsigned r = 0; r < X86_NREGS; r++) {
		int t = cg->reg_temp[r];
		if (t < 0 || !((X86_ALLOC_MASK & ~X86_CALLEE_SAVED_MASK) & X86_RBIT(r)))
			continue;
		if (cg->ir->temps[t].kind == IR_TEMP_GLOBAL || !x86_ra_dies(cg, (ir_temp)t))
			x86_ra_store(cg, (ir_temp)t);
	}
	X86_FOR_XMM(cg, x) {
		int t = cg->xmm_temp[x];
		if (cg->ir->temps[t].kind == IR_TEMP_GLOBAL || !x86_ra_dies(cg, (ir_temp)t))
			x86_ra_store(cg, (ir_temp)t);
	}

	/* Stack arguments 7 and 8 */
	for (unsigned i = 6; i < h->nargs; i++) {
		arg_to_reg(cg, &src[i], X86_R11);
		x86_store(b, 64, x86_m(X86_RSP, 8 * (int32_t)(i - 6)), X86_R11);
	}

	/* Register to register moves in parallel, breaking cycles through r11 */
	unsigned nreg = h->nargs < 6 ? h->nargs : 6;
	bool pending[6] = {0};
	for (unsigned i = 0; i < nreg; i++)
		pending[i] = src[i].kind == 1 && src[i].reg != arg_regs[i];
	for (;;) {
		bool any = false, progress = false;
		for (unsigned i = 0; i < nreg; i++) {
			if (!pending[i])
				continue;
			any = true;
			bool blocked = false;
			for (unsigned j = 0; j < nreg; j++)
				if (j != i && pending[j] && src[j].reg == arg_regs[i])
					blocked = true;
			if (blocked)
				continue;
			x86_mov_rr(b, 64, arg_regs[i], src[i].reg);
			pending[i] = false;
			progress = true;
		}
		if (!any)
			break;
		if (!progress) {
			/* A cycle: free one destination by copying it to r11 */
			for (unsigned i = 0; i < nreg; i++) {
				if (!pending[i])
					continue;
				int dreg = arg_regs[i];
				x86_mov_rr(b, 64, X86_R11, dreg);
				for (unsigned j = 0; j < nreg; j++)
					if (pending[j] && src[j].reg == dreg)
						src[j].reg = X86_R11;
				break;
			}
		}
	}
	for (unsigned i = 0; i < nreg; i++)
		if (src[i].kind != 1)
			arg_to_reg(cg, &src[i], arg_regs[i]);

	/* The call clobbers the caller-saved registers */
	for (unsigned r = 0; r < X86_NREGS; r++) {
		int t = cg->reg_temp[r];
		if (t >= 0 && ((X86_ALLOC_MASK & ~X86_CALLEE_SAVED_MASK) & X86_RBIT(r))) {
			cg->t[t].reg = -1;
			cg->reg_temp[r] = -1;
		}
	}
	x86_call_abs(b, h->fn, cg->rx_delta, X86_RAX);
	x86_xmm_reset(cg); /* nothing left to write home: the call clobbered them */
	if (h->flags & IR_HF_NORETURN) {
		x86_ud2(b);
		return;
	}
	if (h->flags & IR_HF_WRITES_GLOBALS)
		x86_ra_forget_globals(cg);
	if (nout) {
		ir_temp d = (ir_temp)op->args[0];
		int r = x86_ra_dest(cg, d, IR_TEMP_NONE, -1);
		bool narrow = h->ret == IR_HT_I32 || x86_temp_width(cg, d) == 32;
		x86_mov_rr(b, narrow ? 32 : 64, r, X86_RAX);
		x86_ra_set_out(cg, d, r);
	}
}

/* ---- host map ---- */

static void map_close_insn(struct x86_cg *cg)
{
	if (!cg->have_insn)
		return;
	cg->map[cg->nmap++] = (uint32_t)x86_off(&cg->b);
	cg->map[cg->nmap++] = (uint32_t)(cg->insn_pc - cg->tb->pc);
}

/* ---- the TB ---- */

static void gen_op(struct x86_cg *cg, const struct ir_op *op)
{
	const uint64_t *a = op->args;

	switch (op->opc) {
	case IR_nop:
		break;
	case IR_mov:
		gen_mov(cg, op_width(op), (ir_temp)a[0], (ir_temp)a[1]);
		break;
	case IR_movi:
		gen_movi(cg, (ir_temp)a[0], op->type == IR_I32 ? (uint32_t)a[1] : a[1]);
		break;
	case IR_add: case IR_sub: case IR_mul: case IR_and: case IR_or: case IR_xor:
		gen_alu(cg, op);
		break;
	case IR_andc: case IR_orc: case IR_xnor:
		gen_logic_not(cg, op);
		break;
	case IR_shl: case IR_shr: case IR_sar: case IR_rotl: case IR_rotr:
		gen_shift(cg, op);
		break;
	case IR_mulsh: case IR_muluh: case IR_mulsuh:
		gen_mulh(cg, op);
		break;
	case IR_div: case IR_divu: case IR_rem: case IR_remu:
		gen_div(cg, op);
		break;
	case IR_neg: case IR_not: case IR_clz: case IR_ctz: case IR_cpop: case IR_bswap:
	case IR_ext8s: case IR_ext8u: case IR_ext16s: case IR_ext16u: case IR_ext32s:
	case IR_ext32u: case IR_ext_i32_i64: case IR_extu_i32_i64: case IR_extrl_i64_i32:
		gen_unary(cg, op);
		break;
	case IR_setcond:
		gen_setcond(cg, op);
		break;
	case IR_movcond:
		gen_movcond(cg, op);
		break;
	case IR_ld_env:
		gen_ld_env(cg, op);
		break;
	case IR_fpop:
		x86_gen_fpop(cg, op);
		break;
	case IR_st_env:
		gen_st_env(cg, op);
		break;
	case IR_ld:
		gen_ld(cg, op);
		break;
	case IR_st:
		gen_st(cg, op);
		break;
	case IR_cmpxchg:
		gen_cmpxchg(cg, op);
		break;
	case IR_atomic_rmw:
		gen_atomic_rmw(cg, op);
		break;
	case IR_mb:
		gen_mb(cg, (unsigned)a[0]);
		break;
	case IR_set_label:
		x86_ra_sync_all(cg);
		x86_ra_forget(cg);
		cg->label_off[a[0]] = (int32_t)x86_off(&cg->b);
		break;
	case IR_br:
		x86_ra_sync_all(cg);
		add_fixup(cg, x86_jmp32(&cg->b, (size_t)-1), (unsigned)a[0]);
		x86_ra_forget(cg);
		break;
	case IR_brcond:
		gen_brcond(cg, op);
		break;
	case IR_call:
		gen_call(cg, op);
		break;
	case IR_insn_start:
		map_close_insn(cg);
		cg->insn_pc = a[0];
		cg->have_insn = true;
		break;
	case IR_goto_tb:
		if ((int)cg->op == cg->loop_op) {
			x86_loop_back(cg);
			x86_patch_rel32(&cg->b, x86_jmp32(&cg->b, (size_t)-1), cg->loop_head);
			break;
		}
		x86_ra_sync_globals(cg);
		if (cg->fused_label >= 0 && cg->fused_slot == a[0] &&
		    cg->label_off[cg->fused_label] >= 0) {
			/* the jcc of gen_brcond() jumps here while unchained */
			x86_patch_rel32(&cg->b, cg->fused_disp, x86_off(&cg->b));
			x86_emit_goto_tb_stub(cg, (unsigned)a[0], a[1]);
			cg->fused_label = -1;
		} else {
			x86_ra_place_resident(cg);
			x86_emit_goto_tb(cg, (unsigned)a[0], a[1]);
		}
		x86_ra_forget(cg);
		break;
	case IR_lookup_and_goto:
		/* stores only: pc_reg keeps its value, then goes to rax (no resident's) */
		x86_ra_sync_globals(cg);
		if (cg->pc_reg >= 0 && cg->pc_reg != X86_RAX) {
			x86_ra_evict(cg, X86_RAX);
			x86_mov_rr(&cg->b, 64, X86_RAX, cg->pc_reg);
			cg->pc_reg = X86_RAX;
		}
		x86_ra_place_resident(cg);
		x86_emit_lookup_and_goto(cg, cg->pc_reg);
		cg->pc_reg = -1;
		x86_ra_forget(cg);
		break;
	case IR_exit_tb:
		x86_ra_sync_globals(cg);
		x86_emit_exit(cg, (uintptr_t)cg->tb | TB_EXIT_OTHER);
		x86_ra_forget(cg);
		break;
	default:
		cg->b.overflow = true; /* unknown op: refuse the TB */
		break;
	}
}

/*
 * A side-effect-free op whose local result is never read (e.g. a mov the
 * next op overwrites): no code. Only if named in one basic block: elsewhere
 * a later write in program order may be on another path (a branch skips
 * it), and read_after[] is linear. Writes of globals that are overwritten
 * before env is observed are the optimizer's (dead_global_writes()).
 */
static bool dead_result(const struct x86_cg *cg, const struct ir_op *op)
{
	if ((ir_op_defs[op->opc].flags & (IR_OPF_SIDE | IR_OPF_MEM | IR_OPF_BB_END)) ||
	    op->nout != 1)
		return false;
	ir_temp d = (ir_temp)op->args[0];
	if (cg->read_after[cg->op][0] != X86_NEVER)
		return false;
	return cg->ir->temps[d].kind == IR_TEMP_LOCAL && !cg->t[d].multi_bb;
}

/*
 * "add t, base, imm" whose only use is the address of the next guest memory
 * op: compute base + imm into the address register there (one lea) instead
 * of materializing t. Returns true if op @i was folded away.
 */
static bool fuse_address(struct x86_cg *cg, unsigned i)
{
	const struct ir_ctx *ir = cg->ir;
	const struct ir_op *op = &ir->ops[i], *next;
	ir_temp t, base, c;
	unsigned addr_arg;

	if (op->opc != IR_add || i + 1 >= ir->nops)
		return false;
	t = (ir_temp)op->args[0];
	base = (ir_temp)op->args[1];
	c = (ir_temp)op->args[2];
	if (ir->temps[t].kind != IR_TEMP_LOCAL || !x86_is_const(cg, c) || base == t ||
	    cg->t[t].last_use != i + 1)
		return false;
	int64_t disp = (int64_t)ir->temps[c].value;
	if (op->type == IR_I32)
		disp = (int32_t)disp;
	else if (disp != (int32_t)disp)
		return false;

	/* the address is args[1] of every guest memory op */
	next = &ir->ops[i + 1];
	if (!(ir_op_defs[next->opc].flags & IR_OPF_MEM))
		return false;
	addr_arg = 1;
	for (unsigned k = 0; k < (unsigned)next->nout + next->nin; k++)
		if ((ir_temp)next->args[k] == t && k != addr_arg)
			return false;
	if ((ir_temp)next->args[addr_arg] != t)
		return false;

	/* base is now read by the next op */
	if (ir->temps[base].kind != IR_TEMP_GLOBAL && cg->t[base].last_use < i + 1)
		cg->t[base].last_use = i + 1;
	cg->fuse_t = t;
	cg->fuse_base = base;
	cg->fuse_disp = disp;
	return true;
}

static void store_pc(struct x86_cg *cg, uint64_t pc)
{
	struct x86_mem m = x86_env((int32_t)cg->ir->pc_offset);

	if ((int64_t)pc == (int32_t)pc) {
		x86_store_imm(&cg->b, 64, m, (int32_t)pc);
	} else {
		x86_mov_ri(&cg->b, X86_RAX, pc);
		x86_store(&cg->b, 64, m, X86_RAX);
	}
}

static void gen_slow(struct x86_cg *cg, const struct x86_slow *s)
{
	struct x86_buf *b = &cg->b;

	x86_patch_rel32(b, s->jcc_disp, x86_off(b));
	switch (s->kind) {
	case X86_SLOW_UNALIGNED:
		/* globals are in env already (synced before every memory op) */
		x86_store(b, 64, x86_env(ENV_OFF(fault_addr)), X86_ADDR);
		x86_store_imm(b, 32, x86_env(ENV_OFF(fault_is_write)), s->is_write);
		store_pc(cg, s->pc);
		x86_env_ptr(b, X86_RDI);
		x86_mov_ri(b, X86_RSI, (uint32_t)EXCP_BUS);
		x86_call_abs(b, (const void *)cpu_loop_exit, cg->rx_delta, X86_RAX);
		x86_ud2(b);
		break;
	}
}

bool x86_codegen(struct x86_cg *cg, struct tb *tb, struct ir_ctx *ctx)
{
	struct x86_buf *b = &cg->b;

	cg->ir = ctx;
	cg->tb = tb;
	cg->nfix = cg->nslow = cg->nmap = cg->nfpslow = cg->nfrec = 0;
	cg->have_insn = false;
	cg->insn_pc = tb->pc;
	cg->fused_label = -1;
	cg->pc_reg = -1;
	cg->unchain_off[0] = cg->unchain_off[1] = 0;
	tb->jmp_pc[0] = tb->jmp_pc[1] = ~0ull;
	for (unsigned i = 0; i < IR_MAX_LABELS; i++)
		cg->label_off[i] = -1;
	x86_ra_begin(cg);
	cg->xmm_def = IR_TEMP_NONE;

	/* TB entry: leave at once if the hart was asked to (DESIGN.md 2.4) */
	x86_alu_mi(b, X86_CMP, 32, x86_env(ENV_OFF(exit_request)), 0);
	cg->exit_req_disp = (uint32_t)x86_jcc32(b, X86_CC_NE, (size_t)-1);
	if (x86_off(b) != X86_ENTRY_CHECK_LEN)
		abort(); /* x86_chain() skips exactly this much */
	x86_loop_plan(cg);
	x86_loop_head(cg);

	cg->fuse_t = IR_TEMP_NONE;
	cg->masked_t = IR_TEMP_NONE;
	for (unsigned i = 0; i < ctx->nops && !b->overflow; i++) {
		const struct ir_op *op = &ctx->ops[i];
		if (cg->loop_op >= 0 && i >= cg->loop_skip)
			break; /* the loop's own goto_tb */
		cg->op = i;
		if (!dead_result(cg, op) && !fuse_address(cg, i))
			gen_op(cg, op);
		if (!mask_cse_keeps(cg, op))
			cg->masked_t = IR_TEMP_NONE;
		x86_xmm_after_op(cg, op);
		x86_ra_end_op(cg, op);
	}
	map_close_insn(cg);

	x86_gen_fp_slow(cg);
	for (unsigned i = 0; i < cg->nslow; i++)
		gen_slow(cg, &cg->slow[i]);

	x86_loop_exit_path(cg);
	x86_patch_rel32(b, cg->exit_req_disp, x86_off(b));
	store_pc(cg, tb->pc);
	x86_emit_exit(cg, (uintptr_t)tb | TB_EXIT_OTHER);

	for (unsigned i = 0; i < cg->nfix; i++) {
		int32_t t = cg->label_off[cg->fix[i].label];
		if (t < 0)
			return false; /* branch to an undefined label */
		x86_patch_rel32(b, cg->fix[i].disp, (size_t)t);
	}
	return !b->overflow;
}
