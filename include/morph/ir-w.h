/*
 * 32-bit operations on 64-bit guest registers, for frontends that keep
 * 32-bit results sign-extended in i64 globals: RV64's *W instructions and
 * MIPS32 on the MIPS64 register model. Built from plain IR ops (no new op):
 * where the low word of an i64 op only depends on the low words of its
 * inputs (add, sub, mul, shl by a constant below 32) one i64 op and a sign
 * extension do; otherwise the low words go through the i32 op.
 */
#ifndef MORPH_IR_W_H
#define MORPH_IR_W_H

#include "morph/ir.h"

/**
 * ir_op2_w() - i64 @d = sext32(@a OP @b) where OP is the i32 @opc applied to
 * the low words of the i64 temps @a and @b: shift counts are taken modulo
 * 32, div/rem follow the i32 op (docs/ir.md). @d may be @a or @b.
 */
void ir_op2_w(struct ir_ctx *ctx, enum ir_opc opc, ir_temp d, ir_temp a, ir_temp b);

/** ir_op1_w() - i64 @d = sext32(OP(low word of @a)) for the unary i32 @opc (clz, ctz, ...). */
void ir_op1_w(struct ir_ctx *ctx, enum ir_opc opc, ir_temp d, ir_temp a);

/** ir_lo32() - a new i32 temp holding the low word of the i64 temp @a. */
ir_temp ir_lo32(struct ir_ctx *ctx, ir_temp a);

/** ir_sext32() - i64 @d = the low word of i64 @a, sign-extended. */
void ir_sext32(struct ir_ctx *ctx, ir_temp d, ir_temp a);

#endif
