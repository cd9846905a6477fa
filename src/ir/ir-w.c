/*
 * 32-bit operations on 64-bit registers (include/morph/ir-w.h).
 */
#include "morph/ir-w.h"

ir_temp ir_lo32(struct ir_ctx *ctx, ir_temp a)
{
	ir_temp t = ir_new_temp(ctx, IR_I32);

	ir_op1(ctx, IR_extrl_i64_i32, IR_I32, t, a);
	return t;
}

void ir_sext32(struct ir_ctx *ctx, ir_temp d, ir_temp a)
{
	ir_op1(ctx, IR_ext32s, IR_I64, d, a);
}

/* A constant shift count below 32: an i64 shl has the right low word. */
static bool small_const(const struct ir_ctx *ctx, ir_temp b)
{
	return ctx->temps[b].kind == IR_TEMP_CONST && ctx->temps[b].value < 32;
}

void ir_op2_w(struct ir_ctx *ctx, enum ir_opc opc, ir_temp d, ir_temp a, ir_temp b)
{
	if (opc == IR_add || opc == IR_sub || opc == IR_mul ||
	    (opc == IR_shl && small_const(ctx, b))) {
		/* 2 ops instead of 4 */
		ir_temp t = ir_new_temp(ctx, IR_I64);

		ir_op2(ctx, opc, IR_I64, t, a, b);
		ir_sext32(ctx, d, t);
		return;
	}
	ir_temp x = ir_lo32(ctx, a), y = ir_lo32(ctx, b), r = ir_new_temp(ctx, IR_I32);

	ir_op2(ctx, opc, IR_I32, r, x, y);
	ir_op1(ctx, IR_ext_i32_i64, IR_I64, d, r);
}

void ir_op1_w(struct ir_ctx *ctx, enum ir_opc opc, ir_temp d, ir_temp a)
{
	ir_temp r = ir_new_temp(ctx, IR_I32);

	ir_op1(ctx, opc, IR_I32, r, ir_lo32(ctx, a));
	ir_op1(ctx, IR_ext_i32_i64, IR_I64, d, r);
}
