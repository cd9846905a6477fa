/*
 * The operation codes the MIPS FPU helpers take (helpers-fp.def): shared by
 * trans-fp.c, which builds them as constants, and fpu-helpers.c.
 */
#ifndef MORPH_MIPS_FP_H
#define MORPH_MIPS_FP_H

/* Formats (the low bits of every op code); W and L are the fixed-point ones */
enum { MIPS_FMT_S, MIPS_FMT_D, MIPS_FMT_W, MIPS_FMT_L };
#define MIPS_FOP(op, fmt) ((unsigned)(op) << 2 | (unsigned)(fmt))
#define MIPS_FOP_OP(x) ((x) >> 2)
#define MIPS_FOP_FMT(x) ((x) & 3u)

/* mips_fp_arith */
enum { MIPS_FP_ADD, MIPS_FP_SUB, MIPS_FP_MUL, MIPS_FP_DIV };

/*
 * mips_fp_unary: the format in the code is the source's. The conversions
 * to an integer round per FCSR (CVT), or to nearest / zero / up / down.
 */
enum {
	MIPS_FP_SQRT, MIPS_FP_RECIP, MIPS_FP_RSQRT,
	MIPS_FP_TO_S, MIPS_FP_TO_D,          /* cvt.s.fmt, cvt.d.fmt (from any format) */
	MIPS_FP_CVT_W, MIPS_FP_ROUND_W, MIPS_FP_TRUNC_W, MIPS_FP_CEIL_W, MIPS_FP_FLOOR_W,
	MIPS_FP_CVT_L, MIPS_FP_ROUND_L, MIPS_FP_TRUNC_L, MIPS_FP_CEIL_L, MIPS_FP_FLOOR_L,
};

/* mips_fp_madd */
enum { MIPS_FP_MADD, MIPS_FP_MSUB, MIPS_FP_NMADD, MIPS_FP_NMSUB };

/* mips_fp_cmp: MIPS_FOP(cond | cc << 4, fmt); returns whether cond holds */
#define MIPS_FP_CMP(cond, cc) ((unsigned)(cond) | (unsigned)(cc) << 4)

/*
 * mips_cpu.fp_last: which helper the operation of MIPS_FOP() code @op ran
 * inline for (its Cause is the fpu.h flags of that helper's arithmetic
 * rounding to nearest).
 */
enum { MIPS_LAST_ARITH = 1, MIPS_LAST_UNARY, MIPS_LAST_CMP };
#define MIPS_FP_LAST(helper, op) ((unsigned)(helper) << 16 | (unsigned)(op))

/* FCSR bit of condition code @cc (FCC0 is bit 23, FCC1..7 bits 25..31) */
static inline unsigned mips_fcc_bit(unsigned cc)
{
	return cc ? 24 + cc : 23;
}

#endif
