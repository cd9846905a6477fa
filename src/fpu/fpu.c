/*
 * The public IEEE 754 operations (include/morph/fpu.h): NaN operands and the
 * guest's NaN policy here, the arithmetic in the host fast path
 * (host-sse.c) or the software core (soft.c), and the operations that are
 * only bit manipulation (compare, classify, min/max, float -> integer).
 */
#include "fpu-internal.h"

/* ---- NaNs ---- */

uint64_t fpu_default_nan(enum fpu_fmt fmt, const struct fpu_status *st)
{
	/* MIPS legacy: quiet bit clear, every other significand bit set */
	if (st->snan_bit_is_one)
		return fmt == FPU_F32 ? 0x7fbfffffull : 0x7ff7ffffffffffffull;
	return fmt == FPU_F32 ? 0x7fc00000ull : 0x7ff8000000000000ull;
}

bool fpu_is_nan(enum fpu_fmt fmt, uint64_t a)
{
	const struct fpu_fmtinfo *f = &fpu_fmts[fmt];

	return fpu_exp_field(fmt, a) == (1u << f->ebits) - 1 && fpu_frac_field(fmt, a) != 0;
}

bool fpu_is_snan(enum fpu_fmt fmt, uint64_t a, const struct fpu_status *st)
{
	return fpu_is_nan(fmt, a) && ((a & fpu_quiet_bit(fmt)) != 0) == st->snan_bit_is_one;
}

/* The quieted form of NaN @a (FPU_NAN_PROPAGATE). */
static uint64_t quiet_nan(enum fpu_fmt fmt, uint64_t a, const struct fpu_status *st)
{
	a &= fpu_fmts[fmt].mask;
	if (!fpu_is_snan(fmt, a, st))
		return a;
	if (st->snan_bit_is_one)
		return fpu_default_nan(fmt, st);
	return a | fpu_quiet_bit(fmt);
}

/*
 * The result of an operation with NaN operands @ops (@n of them, at least
 * one NaN): invalid if any is signalling, then the policy's NaN.
 */
static uint64_t nan_result(enum fpu_fmt fmt, const uint64_t *ops, unsigned n,
			   struct fpu_status *st)
{
	int pick = -1;
	unsigned i;

	for (i = 0; i < n; i++) {
		if (fpu_is_snan(fmt, ops[i], st)) {
			st->flags |= FPU_NV;
			if (pick < 0 || !fpu_is_snan(fmt, ops[pick], st))
				pick = i;
		} else if (pick < 0 && fpu_is_nan(fmt, ops[i])) {
			pick = i;
		}
	}
	if (st->nan_mode == FPU_NAN_DEFAULT)
		return fpu_default_nan(fmt, st);
	return quiet_nan(fmt, ops[pick], st);
}

/* A host result that is a NaN came from an invalid operation on non-NaN operands. */
static uint64_t host_result(enum fpu_fmt fmt, uint64_t r, const struct fpu_status *st)
{
	return fpu_is_nan(fmt, r) ? fpu_default_nan(fmt, st) : r;
}

enum fpu_class fpu_classify(enum fpu_fmt fmt, uint64_t a, const struct fpu_status *st)
{
	const struct fpu_fmtinfo *f = &fpu_fmts[fmt];
	uint64_t bexp = fpu_exp_field(fmt, a), frac = fpu_frac_field(fmt, a);
	bool neg = (a & fpu_sign_bit(fmt)) != 0;

	if (bexp == (1u << f->ebits) - 1) {
		if (frac)
			return fpu_is_snan(fmt, a, st) ? FPU_CLASS_SNAN : FPU_CLASS_QNAN;
		return neg ? FPU_CLASS_NEG_INF : FPU_CLASS_POS_INF;
	}
	if (bexp == 0) {
		if (!frac)
			return neg ? FPU_CLASS_NEG_ZERO : FPU_CLASS_POS_ZERO;
		return neg ? FPU_CLASS_NEG_SUBNORMAL : FPU_CLASS_POS_SUBNORMAL;
	}
	return neg ? FPU_CLASS_NEG_NORMAL : FPU_CLASS_POS_NORMAL;
}

/* ---- Arithmetic ---- */

bool fpu_set_host_accel(bool on)
{
	bool old = fpu_host_accel;

	fpu_host_accel = on;
	return old;
}

static uint64_t arith2(enum fpu_host_op op, enum fpu_fmt fmt, uint64_t a, uint64_t b,
		       struct fpu_status *st)
{
	uint64_t r;

	if (fpu_is_nan(fmt, a) || fpu_is_nan(fmt, b)) {
		uint64_t ops[2] = {a, b};

		return nan_result(fmt, ops, 2, st);
	}
	if (fpu_host_arith(op, fmt, a, b, st, &r))
		return host_result(fmt, r, st);
	switch (op) {
	case FPU_HOST_ADD:
		return fpu_soft_add(fmt, a, b, false, st);
	case FPU_HOST_SUB:
		return fpu_soft_add(fmt, a, b, true, st);
	case FPU_HOST_MUL:
		return fpu_soft_mul(fmt, a, b, st);
	case FPU_HOST_DIV:
		return fpu_soft_div(fmt, a, b, st);
	default:
		return fpu_soft_sqrt(fmt, a, st);
	}
}

uint64_t fpu_add(enum fpu_fmt fmt, uint64_t a, uint64_t b, struct fpu_status *st)
{
	return arith2(FPU_HOST_ADD, fmt, a, b, st);
}

uint64_t fpu_sub(enum fpu_fmt fmt, uint64_t a, uint64_t b, struct fpu_status *st)
{
	return arith2(FPU_HOST_SUB, fmt, a, b, st);
}

uint64_t fpu_mul(enum fpu_fmt fmt, uint64_t a, uint64_t b, struct fpu_status *st)
{
	return arith2(FPU_HOST_MUL, fmt, a, b, st);
}

uint64_t fpu_div(enum fpu_fmt fmt, uint64_t a, uint64_t b, struct fpu_status *st)
{
	return arith2(FPU_HOST_DIV, fmt, a, b, st);
}

uint64_t fpu_sqrt(enum fpu_fmt fmt, uint64_t a, struct fpu_status *st)
{
	uint64_t r;

	if (fpu_is_nan(fmt, a))
		return nan_result(fmt, &a, 1, st);
	if (fpu_host_arith(FPU_HOST_SQRT, fmt, a, 0, st, &r))
		return host_result(fmt, r, st);
	return fpu_soft_sqrt(fmt, a, st);
}

static bool is_inf(enum fpu_fmt fmt, uint64_t a)
{
	return (a & ~fpu_sign_bit(fmt) & fpu_fmts[fmt].mask) ==
	       (((1ull << fpu_fmts[fmt].ebits) - 1) << fpu_fmts[fmt].mbits);
}

static bool is_zero(enum fpu_fmt fmt, uint64_t a)
{
	return (a & ~fpu_sign_bit(fmt) & fpu_fmts[fmt].mask) == 0;
}

uint64_t fpu_muladd(enum fpu_fmt fmt, uint64_t a, uint64_t b, uint64_t c, unsigned neg,
		    struct fpu_status *st)
{
	uint64_t r;

	if (fpu_is_nan(fmt, a) || fpu_is_nan(fmt, b) || fpu_is_nan(fmt, c)) {
		uint64_t ops[3] = {a, b, c};

		/* RISC-V F 2.2 section 11.6: inf * 0 + qNaN still signals invalid */
		if ((is_inf(fmt, a) && is_zero(fmt, b)) || (is_zero(fmt, a) && is_inf(fmt, b)))
			st->flags |= FPU_NV;
		return nan_result(fmt, ops, 3, st);
	}
	if (fpu_host_accel && st->round <= FPU_RUP) {
		/* negating non-NaN operands is exact, so the host only needs a*b+c */
		uint64_t na = a ^ (neg & FPU_MA_NEG_PROD ? fpu_sign_bit(fmt) : 0);
		uint64_t nc = c ^ (neg & FPU_MA_NEG_ADDEND ? fpu_sign_bit(fmt) : 0);

		if (fpu_host_muladd(fmt, na, b, nc, st, &r))
			return host_result(fmt, r, st);
	}
	return fpu_soft_muladd(fmt, a, b, c, neg, st);
}

/* ---- Conversions ---- */

uint64_t fpu_convert(enum fpu_fmt to, enum fpu_fmt from, uint64_t a, struct fpu_status *st)
{
	if (fpu_is_nan(from, a)) {
		const struct fpu_fmtinfo *t = &fpu_fmts[to], *f = &fpu_fmts[from];
		uint64_t q = nan_result(from, &a, 1, st), frac;

		if (st->nan_mode == FPU_NAN_DEFAULT)
			return fpu_default_nan(to, st);
		/* keep the sign and the leading payload bits */
		frac = fpu_frac_field(from, q);
		frac = t->mbits > f->mbits ? frac << (t->mbits - f->mbits)
					   : frac >> (f->mbits - t->mbits);
		if (!frac)
			return fpu_default_nan(to, st);
		return (q & fpu_sign_bit(from) ? fpu_sign_bit(to) : 0) |
		       (((1ull << t->ebits) - 1) << t->mbits) | frac;
	}
	return fpu_soft_convert(to, from, a, st);
}

uint64_t fpu_from_int(enum fpu_fmt fmt, uint64_t v, bool is_signed, struct fpu_status *st)
{
	return fpu_soft_from_int(fmt, v, is_signed, st);
}

uint64_t fpu_to_int(enum fpu_fmt fmt, uint64_t a, unsigned width, bool is_signed,
		    struct fpu_status *st, enum fpu_cvt_kind *kind)
{
	const struct fpu_fmtinfo *f = &fpu_fmts[fmt];
	uint64_t max = is_signed ? (1ull << (width - 1)) - 1 : ~0ull >> (64 - width);
	uint64_t min = is_signed ? -(1ull << (width - 1)) : 0; /* as a 64-bit value */
	uint64_t bexp = fpu_exp_field(fmt, a), frac = fpu_frac_field(fmt, a);
	bool sign = (a & fpu_sign_bit(fmt)) != 0;
	uint64_t m, mag, rbits = 0, half = 1;
	int e;
	enum fpu_cvt_kind k = FPU_CVT_OK;

	if (bexp == (1u << f->ebits) - 1) {
		k = frac ? FPU_CVT_NAN : sign ? FPU_CVT_OVF_NEG : FPU_CVT_OVF_POS;
		goto invalid;
	}
	if (bexp == 0 && frac == 0) {
		mag = 0;
		goto done;
	}
	/* value = m * 2^(e - mbits), m the full significand */
	if (bexp == 0) {
		m = frac;
		e = 1 - f->bias;
	} else {
		m = frac | 1ull << f->mbits;
		e = (int)bexp - f->bias;
	}
	if (e >= 64) {
		k = sign ? FPU_CVT_OVF_NEG : FPU_CVT_OVF_POS;
		goto invalid;
	}
	if (e >= (int)f->mbits) {
		mag = m << (e - f->mbits); /* integral; below 2^64 */
	} else if ((int)f->mbits - e > 63) {
		/* below 1/2 in magnitude: only the directed modes can round it to 1 */
		mag = 0;
		rbits = 1;
		half = 2;
	} else {
		unsigned fb = f->mbits - e;

		mag = m >> fb;
		rbits = m & ((1ull << fb) - 1);
		half = 1ull << (fb - 1);
	}
	mag += fpu_round_up(st->round, sign, rbits, half, mag & 1);
	/* range check on the rounded value; the bound is inclusive of -2^(w-1) */
	if (!sign && mag > max) {
		k = FPU_CVT_OVF_POS;
		goto invalid;
	}
	if (sign && mag && (!is_signed || mag > (1ull << (width - 1)))) {
		k = FPU_CVT_OVF_NEG;
		goto invalid;
	}
	if (rbits)
		st->flags |= FPU_NX;
done:
	if (kind)
		*kind = FPU_CVT_OK;
	return sign ? -mag : mag;
invalid:
	st->flags |= FPU_NV;
	if (kind)
		*kind = k;
	return k == FPU_CVT_OVF_NEG ? min : max;
}

/* ---- Comparisons ---- */

/* A key ordering non-NaN values as integers: -0 and +0 map to 0. */
static int64_t order_key(enum fpu_fmt fmt, uint64_t a)
{
	uint64_t mag = a & ~fpu_sign_bit(fmt) & fpu_fmts[fmt].mask;

	return (a & fpu_sign_bit(fmt)) ? -(int64_t)mag : (int64_t)mag;
}

enum fpu_relation fpu_compare(enum fpu_fmt fmt, uint64_t a, uint64_t b, bool signalling,
			      struct fpu_status *st)
{
	int64_t ka, kb;

	if (fpu_is_nan(fmt, a) || fpu_is_nan(fmt, b)) {
		if (signalling || fpu_is_snan(fmt, a, st) || fpu_is_snan(fmt, b, st))
			st->flags |= FPU_NV;
		return FPU_UNORDERED;
	}
	ka = order_key(fmt, a);
	kb = order_key(fmt, b);
	return ka < kb ? FPU_LESS : ka > kb ? FPU_GREATER : FPU_EQUAL;
}

static uint64_t minmax(enum fpu_fmt fmt, uint64_t a, uint64_t b, bool is_max,
		       struct fpu_status *st)
{
	bool na = fpu_is_nan(fmt, a), nb = fpu_is_nan(fmt, b);
	int64_t ka, kb;

	a &= fpu_fmts[fmt].mask;
	b &= fpu_fmts[fmt].mask;
	if (na || nb) {
		uint64_t ops[2] = {a, b};

		if (na && nb)
			return nan_result(fmt, ops, 2, st);
		if (fpu_is_snan(fmt, na ? a : b, st))
			st->flags |= FPU_NV;
		return na ? b : a;
	}
	ka = order_key(fmt, a);
	kb = order_key(fmt, b);
	if (ka == kb) /* equal values differ only for zeros: -0 < +0 */
		return is_max ? a & b : a | b;
	return (ka < kb) != is_max ? a : b;
}

uint64_t fpu_min_num(enum fpu_fmt fmt, uint64_t a, uint64_t b, struct fpu_status *st)
{
	return minmax(fmt, a, b, false, st);
}

uint64_t fpu_max_num(enum fpu_fmt fmt, uint64_t a, uint64_t b, struct fpu_status *st)
{
	return minmax(fmt, a, b, true, st);
}
