/*
 * Expansion of optional ops (IR_OPF_OPT) that a backend does not implement
 * into ops it must have, or into calls of the core's pure helpers.
 */
#include <string.h>

#include "morph/backend.h"
#include "src/ir/fold.h"

#define HELPER_ENV void
#define HELPER_LIST "src/ir/helpers.def"
#define HELPER_DEFINE_TABLE ir_core_helpers_register
#include "morph/helper-def.h"

uint64_t helper_ir_clz64(uint64_t a) { return ir_fold_unary(IR_clz, IR_I64, a); }
uint32_t helper_ir_clz32(uint32_t a) { return (uint32_t)ir_fold_unary(IR_clz, IR_I32, a); }
uint64_t helper_ir_ctz64(uint64_t a) { return ir_fold_unary(IR_ctz, IR_I64, a); }
uint32_t helper_ir_ctz32(uint32_t a) { return (uint32_t)ir_fold_unary(IR_ctz, IR_I32, a); }
uint64_t helper_ir_cpop64(uint64_t a) { return ir_fold_unary(IR_cpop, IR_I64, a); }
uint32_t helper_ir_cpop32(uint32_t a) { return (uint32_t)ir_fold_unary(IR_cpop, IR_I32, a); }
uint64_t helper_ir_bswap64(uint64_t a) { return ir_fold_unary(IR_bswap, IR_I64, a); }
uint32_t helper_ir_bswap32(uint32_t a) { return (uint32_t)ir_fold_unary(IR_bswap, IR_I32, a); }

static struct ir_op saved[IR_MAX_OPS];

/* fpop as the plain call of its fallback (the reference semantics) */
static void expand_fpop(struct ir_ctx *ctx, const struct ir_op *op)
{
	uint64_t kind = op->args[3];
	ir_temp args[3];
	unsigned n = 0;

	args[n++] = (ir_temp)op->args[1];
	if (IR_FP_KIND(kind) != IR_FP_SQRT)
		args[n++] = (ir_temp)op->args[2];
	if (op->args[5] != IR_FP_NO_IMM)
		args[n++] = ir_const(ctx, IR_I32, op->args[5]);
	ir_call(ctx, (unsigned)op->args[4], (ir_temp)op->args[0], n, args);
}

static void expand(struct ir_ctx *ctx, const struct ir_op *op)
{
	enum ir_type t = op->type;
	ir_temp d = (ir_temp)op->args[0], a = (ir_temp)op->args[1];
	ir_temp b = op->nin > 1 ? (ir_temp)op->args[2] : 0;
	ir_temp x, y;
	unsigned hid = 0;

	switch (op->opc) {
	case IR_fpop:
		expand_fpop(ctx, op);
		return;
	case IR_andc:
	case IR_orc:
		x = ir_new_temp(ctx, t);
		ir_op1(ctx, IR_not, t, x, b);
		ir_op2(ctx, op->opc == IR_andc ? IR_and : IR_or, t, d, a, x);
		return;
	case IR_xnor:
		x = ir_new_temp(ctx, t);
		ir_op2(ctx, IR_xor, t, x, a, b);
		ir_op1(ctx, IR_not, t, d, x);
		return;
	case IR_rotl:
	case IR_rotr:
		/* Shift counts are taken modulo the width, so a zero count gives a | a. */
		x = ir_new_temp(ctx, t);
		y = ir_new_temp(ctx, t);
		ir_op2(ctx, op->opc == IR_rotl ? IR_shl : IR_shr, t, x, a, b);
		ir_op2(ctx, IR_sub, t, y, ir_const(ctx, t, t == IR_I32 ? 32 : 64), b);
		ir_op2(ctx, op->opc == IR_rotl ? IR_shr : IR_shl, t, y, a, y);
		ir_op2(ctx, IR_or, t, d, x, y);
		return;
	case IR_clz: hid = t == IR_I32 ? hid_ir_clz32 : hid_ir_clz64; break;
	case IR_ctz: hid = t == IR_I32 ? hid_ir_ctz32 : hid_ir_ctz64; break;
	case IR_cpop: hid = t == IR_I32 ? hid_ir_cpop32 : hid_ir_cpop64; break;
	case IR_bswap: hid = t == IR_I32 ? hid_ir_bswap32 : hid_ir_bswap64; break;
	default:
		break;
	}
	ir_call(ctx, hid, d, 1, &a);
}

void ir_lower(struct ir_ctx *ctx, const struct backend *be)
{
	bool need = false;

	for (unsigned i = 0; i < ctx->nops && !need; i++) {
		const struct ir_op *op = &ctx->ops[i];
		need = (ir_op_defs[op->opc].flags & IR_OPF_OPT) && !be->has_op(op->opc, op->type);
	}
	if (!need)
		return;

	unsigned n = ctx->nops;
	memcpy(saved, ctx->ops, n * sizeof(saved[0]));
	ctx->nops = 0;
	for (unsigned i = 0; i < n; i++) {
		const struct ir_op *op = &saved[i];
		if (op->opc == IR_insn_start)
			ctx->cur_insn_pc = op->args[0]; /* for the pc stored before raising calls */
		if ((ir_op_defs[op->opc].flags & IR_OPF_OPT) && !be->has_op(op->opc, op->type))
			expand(ctx, op);
		else
			ctx->ops[ctx->nops++] = *op;
	}
}
