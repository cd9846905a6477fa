/*
 * The semantics of the pure integer ops, in one place: the optimizer folds
 * constants with it and the interpreter executes with it, so both agree.
 * Values of i32 ops are held zero-extended in 64 bits.
 */
#ifndef MORPH_IR_FOLD_H
#define MORPH_IR_FOLD_H

#include <stdbool.h>
#include <stdint.h>

#include "morph/ir.h"

static inline uint64_t ir_trunc(enum ir_type t, uint64_t v)
{
	return t == IR_I32 ? (uint32_t)v : v;
}

static inline int64_t ir_sext(enum ir_type t, uint64_t v)
{
	return t == IR_I32 ? (int64_t)(int32_t)v : (int64_t)v;
}

static inline bool ir_cond_eval(enum ir_cond c, enum ir_type t, uint64_t a, uint64_t b)
{
	uint64_t ua = ir_trunc(t, a), ub = ir_trunc(t, b);
	int64_t sa = ir_sext(t, a), sb = ir_sext(t, b);

	switch (c) {
	case IR_COND_NEVER: return false;
	case IR_COND_ALWAYS: return true;
	case IR_COND_EQ: return ua == ub;
	case IR_COND_NE: return ua != ub;
	case IR_COND_LT: return sa < sb;
	case IR_COND_GE: return sa >= sb;
	case IR_COND_LE: return sa <= sb;
	case IR_COND_GT: return sa > sb;
	case IR_COND_LTU: return ua < ub;
	case IR_COND_GEU: return ua >= ub;
	case IR_COND_LEU: return ua <= ub;
	case IR_COND_GTU: return ua > ub;
	case IR_COND_TSTEQ: return (ua & ub) == 0;
	case IR_COND_TSTNE: return (ua & ub) != 0;
	}
	return false;
}

static inline uint64_t ir_mulh_u64(uint64_t a, uint64_t b)
{
	return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

static inline uint64_t ir_mulh_s64(int64_t a, int64_t b)
{
	return (uint64_t)(((__int128)a * b) >> 64);
}

static inline uint64_t ir_mulh_su64(int64_t a, uint64_t b)
{
	return (uint64_t)(((__int128)a * (__int128)(unsigned __int128)b) >> 64);
}

/* Binary ops. Returns the result of @opc (type @t) on a, b. */
static inline uint64_t ir_fold_binary(enum ir_opc opc, enum ir_type t, uint64_t a, uint64_t b)
{
	unsigned w = t == IR_I32 ? 32 : 64;
	uint64_t ua = ir_trunc(t, a), ub = ir_trunc(t, b);
	int64_t sa = ir_sext(t, a), sb = ir_sext(t, b);
	unsigned sh = (unsigned)(ub & (w - 1));
	int64_t smin = t == IR_I32 ? INT32_MIN : INT64_MIN;

	switch (opc) {
	case IR_add: return ir_trunc(t, ua + ub);
	case IR_sub: return ir_trunc(t, ua - ub);
	case IR_mul: return ir_trunc(t, ua * ub);
	case IR_and: return ua & ub;
	case IR_or: return ua | ub;
	case IR_xor: return ua ^ ub;
	case IR_andc: return ua & ~ub & ir_trunc(t, ~0ull);
	case IR_orc: return ir_trunc(t, ua | ~ub);
	case IR_xnor: return ir_trunc(t, ~(ua ^ ub));
	case IR_shl: return ir_trunc(t, ua << sh);
	case IR_shr: return ua >> sh;
	case IR_sar: return ir_trunc(t, (uint64_t)(sa >> sh));
	case IR_rotl: return sh ? ir_trunc(t, (ua << sh) | (ua >> (w - sh))) : ua;
	case IR_rotr: return sh ? ir_trunc(t, (ua >> sh) | (ua << (w - sh))) : ua;
	case IR_mulsh:
		if (t == IR_I32)
			return ir_trunc(t, (uint64_t)((sa * sb) >> 32));
		return ir_mulh_s64(sa, sb);
	case IR_muluh:
		if (t == IR_I32)
			return (ua * ub) >> 32;
		return ir_mulh_u64(ua, ub);
	case IR_mulsuh:
		if (t == IR_I32)
			return ir_trunc(t, (uint64_t)((sa * (int64_t)ub) >> 32));
		return ir_mulh_su64(sa, ub);
	case IR_div:
		if (ub == 0)
			return ir_trunc(t, ~0ull);
		if (sa == smin && sb == -1)
			return ir_trunc(t, (uint64_t)smin);
		return ir_trunc(t, (uint64_t)(sa / sb));
	case IR_divu:
		return ub == 0 ? ir_trunc(t, ~0ull) : ua / ub;
	case IR_rem:
		if (ub == 0)
			return ua;
		if (sa == smin && sb == -1)
			return 0;
		return ir_trunc(t, (uint64_t)(sa % sb));
	case IR_remu:
		return ub == 0 ? ua : ua % ub;
	default:
		return 0;
	}
}

/* Unary ops and extensions (including width changes). */
static inline uint64_t ir_fold_unary(enum ir_opc opc, enum ir_type t, uint64_t a)
{
	unsigned w = t == IR_I32 ? 32 : 64;
	uint64_t ua = ir_trunc(t, a);

	switch (opc) {
	case IR_mov: return ua;
	case IR_neg: return ir_trunc(t, -ua);
	case IR_not: return ir_trunc(t, ~ua);
	case IR_clz: return ua ? (unsigned)__builtin_clzll(ua) - (64 - w) : w;
	case IR_ctz: return ua ? (unsigned)__builtin_ctzll(ua) : w;
	case IR_cpop: return (unsigned)__builtin_popcountll(ua);
	case IR_bswap:
		return t == IR_I32 ? __builtin_bswap32((uint32_t)ua) : __builtin_bswap64(ua);
	case IR_ext8s: return ir_trunc(t, (uint64_t)(int64_t)(int8_t)ua);
	case IR_ext8u: return (uint8_t)ua;
	case IR_ext16s: return ir_trunc(t, (uint64_t)(int64_t)(int16_t)ua);
	case IR_ext16u: return (uint16_t)ua;
	case IR_ext32s: return (uint64_t)(int64_t)(int32_t)ua;
	case IR_ext32u: return (uint32_t)ua;
	case IR_ext_i32_i64: return (uint64_t)(int64_t)(int32_t)a;
	case IR_extu_i32_i64: return (uint32_t)a;
	case IR_extrl_i64_i32: return (uint32_t)a;
	default:
		return 0;
	}
}

static inline bool ir_op_is_binary(enum ir_opc opc)
{
	switch (opc) {
	case IR_add: case IR_sub: case IR_mul: case IR_and: case IR_or: case IR_xor:
	case IR_andc: case IR_orc: case IR_xnor: case IR_shl: case IR_shr: case IR_sar:
	case IR_rotl: case IR_rotr: case IR_mulsh: case IR_muluh: case IR_mulsuh:
	case IR_div: case IR_divu: case IR_rem: case IR_remu:
		return true;
	default:
		return false;
	}
}

static inline bool ir_op_is_unary(enum ir_opc opc)
{
	switch (opc) {
	case IR_mov: case IR_neg: case IR_not: case IR_clz: case IR_ctz: case IR_cpop:
	case IR_bswap: case IR_ext8s: case IR_ext8u: case IR_ext16s: case IR_ext16u:
	case IR_ext32s: case IR_ext32u: case IR_ext_i32_i64: case IR_extu_i32_i64:
	case IR_extrl_i64_i32:
		return true;
	default:
		return false;
	}
}

#endif
