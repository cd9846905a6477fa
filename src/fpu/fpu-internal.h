/*
 * Internals shared by the files of src/fpu: format descriptions, the
 * software core (soft.c) and the host fast path (host-sse.c).
 */
#ifndef MORPH_FPU_INTERNAL_H
#define MORPH_FPU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "morph/fpu.h"

typedef unsigned __int128 fpu_u128;

/** Layout of one binary interchange format. */
struct fpu_fmtinfo {
	unsigned mbits;   /* trailing significand bits: 23, 52 */
	unsigned ebits;   /* exponent bits: 8, 11 */
	int bias;         /* 127, 1023 (also emax; emin = 1 - bias) */
	uint64_t mask;    /* all bits of the format */
};
extern const struct fpu_fmtinfo fpu_fmts[2];

static inline uint64_t fpu_sign_bit(enum fpu_fmt fmt)
{
	return fmt == FPU_F32 ? 0x80000000u : 0x8000000000000000ull;
}

static inline uint64_t fpu_exp_field(enum fpu_fmt fmt, uint64_t a)
{
	const struct fpu_fmtinfo *f = &fpu_fmts[fmt];

	return (a >> f->mbits) & ((1u << f->ebits) - 1);
}

static inline uint64_t fpu_frac_field(enum fpu_fmt fmt, uint64_t a)
{
	return a & ((1ull << fpu_fmts[fmt].mbits) - 1);
}

/** The quiet bit: the most significant trailing significand bit. */
static inline uint64_t fpu_quiet_bit(enum fpu_fmt fmt)
{
	return 1ull << (fpu_fmts[fmt].mbits - 1);
}

/*
 * Whether rounding away the bits @rbits below the last kept bit increments the
 * magnitude; @half is the half-way value of those bits, @odd the last kept bit.
 */
static inline bool fpu_round_up(unsigned rm, bool sign, uint64_t rbits, uint64_t half, bool odd)
{
	switch (rm) {
	case FPU_RNE:
		return rbits > half || (rbits == half && odd);
	case FPU_RMM:
		return rbits >= half;
	case FPU_RDN:
		return sign && rbits;
	case FPU_RUP:
		return !sign && rbits;
	default:
		return false;
	}
}

/*
 * The software core works on non-NaN operands (the callers in fpu.c deal
 * with NaN inputs first) and may return the default NaN for invalid
 * operations. Results are correctly rounded per st->round.
 */
uint64_t fpu_soft_add(enum fpu_fmt fmt, uint64_t a, uint64_t b, bool negate_b,
		      struct fpu_status *st);
uint64_t fpu_soft_mul(enum fpu_fmt fmt, uint64_t a, uint64_t b, struct fpu_status *st);
uint64_t fpu_soft_div(enum fpu_fmt fmt, uint64_t a, uint64_t b, struct fpu_status *st);
uint64_t fpu_soft_sqrt(enum fpu_fmt fmt, uint64_t a, struct fpu_status *st);
uint64_t fpu_soft_muladd(enum fpu_fmt fmt, uint64_t a, uint64_t b, uint64_t c, unsigned neg,
			 struct fpu_status *st);
uint64_t fpu_soft_convert(enum fpu_fmt to, enum fpu_fmt from, uint64_t a,
			  struct fpu_status *st);
uint64_t fpu_soft_from_int(enum fpu_fmt fmt, uint64_t v, bool is_signed,
			   struct fpu_status *st);

/* Host fast path: operations on non-NaN operands, RNE/RTZ/RDN/RUP only. */
enum fpu_host_op { FPU_HOST_ADD, FPU_HOST_SUB, FPU_HOST_MUL, FPU_HOST_DIV, FPU_HOST_SQRT };

extern bool fpu_host_accel;

/**
 * fpu_host_arith() - @op on the host; returns false if the host cannot do it
 * (then the caller uses the software core). A NaN result is returned as is
 * (the caller substitutes its default NaN).
 */
bool fpu_host_arith(enum fpu_host_op op, enum fpu_fmt fmt, uint64_t a, uint64_t b,
		    struct fpu_status *st, uint64_t *res);
/** fpu_host_muladd() - a * b + c on the host (negations already applied), as above. */
bool fpu_host_muladd(enum fpu_fmt fmt, uint64_t a, uint64_t b, uint64_t c,
		     struct fpu_status *st, uint64_t *res);

#endif
