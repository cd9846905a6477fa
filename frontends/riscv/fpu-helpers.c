/*
 * RISC-V F and D helpers: the RISC-V rules around the guest-neutral IEEE
 * arithmetic of src/fpu (RISC-V unprivileged ISA, chapters "F" and "D",
 * version 2.2):
 *  - singles live NaN-boxed in the 64-bit f registers; an operand that is not
 *    properly boxed reads as the canonical NaN, results are boxed;
 *  - every NaN result is the canonical NaN (no payload propagation);
 *  - exception flags accrue into fflags; no traps;
 *  - the rounding mode comes from the instruction, or from frm when the
 *    instruction says DYN; a reserved mode there is an illegal instruction
 *    (rv_raise_illegal(), helpers.c).
 */
#include "morph/fpu.h"
#include "rv-cpu.h"
#include "rv-fp.h"

#define HELPER_ENV struct rv_cpu
#define HELPER_LIST "frontends/riscv/helpers-fp.def"
#define HELPER_DEFINE_TABLE rv_fp_helpers_register
#include "morph/helper-def.h"

/* RISC-V's FP environment for one operation: translate-time rm or frm. */
static struct fpu_status rv_status(struct rv_cpu *cpu, uint32_t rm)
{
	/*
	 * Seeded with the accrued flags (fpu.h and fflags share the layout): an
	 * already-raised inexact lets src/fpu skip its MXCSR round trip.
	 */
	struct fpu_status st = {0, cpu->fflags, FPU_NAN_DEFAULT, false};

	if (rm == RV_RM_DYN)
		rm = cpu->frm;
	/* static reserved modes are rejected at translate time; frm may hold anything */
	if (rm > RV_RM_RMM)
		rv_raise_illegal(cpu);
	st.round = (uint8_t)rm; /* RISC-V and fpu.h number the modes alike */
	return st;
}

/* Status for operations that do not round (comparisons, min/max). */
static struct fpu_status rv_status_exact(void)
{
	struct fpu_status st = {FPU_RNE, 0, FPU_NAN_DEFAULT, false};

	return st;
}

static uint64_t done(struct rv_cpu *cpu, const struct fpu_status *st, uint64_t v)
{
	cpu->fflags |= st->flags;
	return v;
}

/* ---- Arithmetic ---- */

#define RV_ARITH2(name, op)                                                              \
	uint64_t helper_##name##_s(struct rv_cpu *cpu, uint64_t a, uint64_t b, uint32_t rm) \
	{                                                                                \
		struct fpu_status st = rv_status(cpu, rm);                               \
		uint64_t r = op(FPU_F32, rv_unbox_s(a), rv_unbox_s(b), &st);             \
		return done(cpu, &st, rv_box_s((uint32_t)r));                           \
	}                                                                                \
	uint64_t helper_##name##_d(struct rv_cpu *cpu, uint64_t a, uint64_t b, uint32_t rm) \
	{                                                                                \
		struct fpu_status st = rv_status(cpu, rm);                               \
		return done(cpu, &st, op(FPU_F64, a, b, &st));                           \
	}

RV_ARITH2(fadd, fpu_add)
RV_ARITH2(fsub, fpu_sub)
RV_ARITH2(fmul, fpu_mul)
RV_ARITH2(fdiv, fpu_div)

uint64_t helper_fsqrt_s(struct rv_cpu *cpu, uint64_t a, uint32_t rm)
{
	struct fpu_status st = rv_status(cpu, rm);
	uint64_t r = fpu_sqrt(FPU_F32, rv_unbox_s(a), &st);

	return done(cpu, &st, rv_box_s((uint32_t)r));
}

uint64_t helper_fsqrt_d(struct rv_cpu *cpu, uint64_t a, uint32_t rm)
{
	struct fpu_status st = rv_status(cpu, rm);

	return done(cpu, &st, fpu_sqrt(FPU_F64, a, &st));
}

uint64_t helper_fmadd_s(struct rv_cpu *cpu, uint64_t a, uint64_t b, uint64_t c, uint32_t rm,
			uint32_t neg)
{
	struct fpu_status st = rv_status(cpu, rm);
	uint64_t r = fpu_muladd(FPU_F32, rv_unbox_s(a), rv_unbox_s(b), rv_unbox_s(c), neg, &st);

	return done(cpu, &st, rv_box_s((uint32_t)r));
}

uint64_t helper_fmadd_d(struct rv_cpu *cpu, uint64_t a, uint64_t b, uint64_t c, uint32_t rm,
			uint32_t neg)
{
	struct fpu_status st = rv_status(cpu, rm);

	return done(cpu, &st, fpu_muladd(FPU_F64, a, b, c, neg, &st));
}

/* ---- min/max, comparisons, classify ---- */

#define RV_CMP2(name, expr)                                                              \
	uint64_t helper_##name##_s(struct rv_cpu *cpu, uint64_t a, uint64_t b)           \
	{                                                                                \
		const enum fpu_fmt fmt = FPU_F32;                                        \
		struct fpu_status st = rv_status_exact();                                \
		uint64_t x = rv_unbox_s(a), y = rv_unbox_s(b);                           \
		uint64_t r = (expr);                                                     \
		return done(cpu, &st, r);                                                \
	}                                                                                \
	uint64_t helper_##name##_d(struct rv_cpu *cpu, uint64_t a, uint64_t b)           \
	{                                                                                \
		const enum fpu_fmt fmt = FPU_F64;                                        \
		struct fpu_status st = rv_status_exact();                                \
		uint64_t x = a, y = b;                                                   \
		uint64_t r = (expr);                                                     \
		return done(cpu, &st, r);                                                \
	}

/* Box the single results of fmin.s/fmax.s; doubles pass unchanged. */
static uint64_t box_fmt(enum fpu_fmt fmt, uint64_t v)
{
	return fmt == FPU_F32 ? rv_box_s((uint32_t)v) : v;
}

RV_CMP2(fmin, box_fmt(fmt, fpu_min_num(fmt, x, y, &st)))
RV_CMP2(fmax, box_fmt(fmt, fpu_max_num(fmt, x, y, &st)))
/* feq is a quiet comparison, flt and fle signalling (F 2.2, "Single-Precision FP Compare") */
RV_CMP2(feq, fpu_compare(fmt, x, y, false, &st) == FPU_EQUAL)
RV_CMP2(flt, fpu_compare(fmt, x, y, true, &st) == FPU_LESS)
RV_CMP2(fle, fpu_compare(fmt, x, y, true, &st) <= FPU_EQUAL)

/* fclass's bit order is enum fpu_class's */
uint64_t helper_fclass_s(uint64_t a)
{
	struct fpu_status st = rv_status_exact();

	return 1u << fpu_classify(FPU_F32, rv_unbox_s(a), &st);
}

uint64_t helper_fclass_d(uint64_t a)
{
	struct fpu_status st = rv_status_exact();

	return 1u << fpu_classify(FPU_F64, a, &st);
}

/* ---- Conversions ---- */

/*
 * To integers, F 2.2 table "Domains of float-to-integer conversions": NaN
 * gives the largest integer, out of range saturates, both raise NV only;
 * an inexact in-range result raises NX. The saturation is fpu_to_int()'s.
 * 32-bit results are sign-extended into the 64-bit x register, also for wu.
 */
static uint64_t to_int(struct rv_cpu *cpu, enum fpu_fmt fmt, uint64_t a, uint32_t rm,
		       uint32_t type)
{
	struct fpu_status st = rv_status(cpu, rm);
	unsigned width = (type == RV_CVT_L || type == RV_CVT_LU) ? 64 : 32;
	bool is_signed = type == RV_CVT_W || type == RV_CVT_L;
	uint64_t r = fpu_to_int(fmt, a, width, is_signed, &st, NULL);

	if (width == 32)
		r = (uint64_t)(int64_t)(int32_t)(uint32_t)r;
	return done(cpu, &st, r);
}

uint64_t helper_fcvt_int_s(struct rv_cpu *cpu, uint64_t a, uint32_t rm, uint32_t type)
{
	return to_int(cpu, FPU_F32, rv_unbox_s(a), rm, type);
}

uint64_t helper_fcvt_int_d(struct rv_cpu *cpu, uint64_t a, uint32_t rm, uint32_t type)
{
	return to_int(cpu, FPU_F64, a, rm, type);
}

static uint64_t from_int(struct rv_cpu *cpu, enum fpu_fmt fmt, uint64_t v, uint32_t rm,
			 uint32_t type)
{
	struct fpu_status st = rv_status(cpu, rm);
	bool is_signed = type == RV_CVT_W || type == RV_CVT_L;

	/* 32-bit sources are the low half of the x register */
	if (type == RV_CVT_W)
		v = (uint64_t)(int64_t)(int32_t)(uint32_t)v;
	else if (type == RV_CVT_WU)
		v = (uint32_t)v;
	return done(cpu, &st, fpu_from_int(fmt, v, is_signed, &st));
}

uint64_t helper_fcvt_s_int(struct rv_cpu *cpu, uint64_t v, uint32_t rm, uint32_t type)
{
	return rv_box_s((uint32_t)from_int(cpu, FPU_F32, v, rm, type));
}

uint64_t helper_fcvt_d_int(struct rv_cpu *cpu, uint64_t v, uint32_t rm, uint32_t type)
{
	return from_int(cpu, FPU_F64, v, rm, type);
}

uint64_t helper_fcvt_s_d(struct rv_cpu *cpu, uint64_t a, uint32_t rm)
{
	struct fpu_status st = rv_status(cpu, rm);
	uint64_t r = fpu_convert(FPU_F32, FPU_F64, a, &st);

	return done(cpu, &st, rv_box_s((uint32_t)r));
}

/* Exact, but the rm field is still decoded as usual (a reserved DYN frm is illegal). */
uint64_t helper_fcvt_d_s(struct rv_cpu *cpu, uint64_t a, uint32_t rm)
{
	struct fpu_status st = rv_status(cpu, rm);

	return done(cpu, &st, fpu_convert(FPU_F64, FPU_F32, rv_unbox_s(a), &st));
}
