/*
 * Software IEEE 754 arithmetic: the reference path for every rounding mode
 * (and the only one for round-to-nearest-max-magnitude).
 *
 * A finite nonzero operand is unpacked into sign, unbiased exponent e and a
 * 64-bit significand m with its leading one at bit 62, so that its value is
 * m * 2^(e - 62). Bit 63 stays free for a carry. Operations produce such a
 * significand with extra low bits; bits shifted out are "jammed" into bit 0
 * (sticky), which is far below the rounding position (bit 39 for binary32,
 * bit 10 for binary64), so one rounding step in fpu_round_pack() gives the
 * correctly rounded result.
 */
#include "fpu-internal.h"

const struct fpu_fmtinfo fpu_fmts[2] = {
	[FPU_F32] = {23, 8, 127, 0xffffffffull},
	[FPU_F64] = {52, 11, 1023, ~0ull},
};

enum { U_ZERO, U_FINITE, U_INF, U_NAN };

struct unpacked {
	int cls;
	bool sign;
	int e;
	uint64_t m;
};

static struct unpacked unpack(enum fpu_fmt fmt, uint64_t a)
{
	const struct fpu_fmtinfo *f = &fpu_fmts[fmt];
	uint64_t bexp = fpu_exp_field(fmt, a), frac = fpu_frac_field(fmt, a);
	struct unpacked u = {U_FINITE, (a & fpu_sign_bit(fmt)) != 0, 0, 0};

	if (bexp == (1u << f->ebits) - 1) {
		u.cls = frac ? U_NAN : U_INF;
	} else if (bexp == 0) {
		if (!frac) {
			u.cls = U_ZERO;
		} else {
			/* subnormal: normalize */
			int sh = __builtin_clzll(frac) - 1;

			u.m = frac << sh;
			u.e = 1 - f->bias - (sh - (62 - (int)f->mbits));
		}
	} else {
		u.e = (int)bexp - f->bias;
		u.m = (frac | 1ull << f->mbits) << (62 - f->mbits);
	}
	return u;
}

static uint64_t pack_zero(enum fpu_fmt fmt, bool sign)
{
	return sign ? fpu_sign_bit(fmt) : 0;
}

static uint64_t pack_inf(enum fpu_fmt fmt, bool sign)
{
	const struct fpu_fmtinfo *f = &fpu_fmts[fmt];

	return pack_zero(fmt, sign) | (((1ull << f->ebits) - 1) << f->mbits);
}

static uint64_t invalid(enum fpu_fmt fmt, struct fpu_status *st)
{
	st->flags |= FPU_NV;
	return fpu_default_nan(fmt, st);
}

static uint64_t shr_jam64(uint64_t m, unsigned n)
{
	if (n == 0)
		return m;
	if (n >= 64)
		return m != 0;
	return (m >> n) | ((m & ((1ull << n) - 1)) != 0);
}

static fpu_u128 shr_jam128(fpu_u128 m, unsigned n)
{
	if (n == 0)
		return m;
	if (n >= 128)
		return m != 0;
	return (m >> n) | ((m & (((fpu_u128)1 << n) - 1)) != 0);
}

static int clz128(fpu_u128 v)
{
	uint64_t hi = (uint64_t)(v >> 64);

	return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)v);
}

/*
 * Round sign * m * 2^(e - 62) (m nonzero with bit 62 set; lower bits may be
 * sticky) to @fmt. IEEE 754-2008 7.4/7.5: overflow gives infinity or the
 * largest finite number per rounding direction; tininess is detected after
 * rounding (the value rounded as if the exponent range were unbounded is
 * below the smallest normal) and underflow is signalled when tiny and inexact.
 */
static uint64_t round_pack(enum fpu_fmt fmt, bool sign, int e, uint64_t m,
			   struct fpu_status *st)
{
	const struct fpu_fmtinfo *f = &fpu_fmts[fmt];
	unsigned shift = 62 - f->mbits;
	uint64_t rmask = (1ull << shift) - 1, half = 1ull << (shift - 1);
	int emin = 1 - f->bias;
	bool tiny = false;
	uint64_t rbits, sig, bexp;

	if (e < emin) {
		tiny = true;
		/* Only a value just below 2^emin can round up to it with unbounded range. */
		if (e == emin - 1 && (m | rmask) == (1ull << 63) - 1 &&
		    fpu_round_up(st->round, sign, m & rmask, half, true))
			tiny = false;
		m = shr_jam64(m, emin - e > 64 ? 64 : (unsigned)(emin - e));
		e = emin;
	}
	rbits = m & rmask;
	sig = (m >> shift) + fpu_round_up(st->round, sign, rbits, half, (m >> shift) & 1);
	if (sig >> (f->mbits + 1)) {
		/* carried out of the significand: it is exactly 2^(p), renormalize */
		sig >>= 1;
		e++;
	}
	if (e > f->bias) {
		unsigned rm = st->round;

		st->flags |= FPU_OF | FPU_NX;
		if (rm == FPU_RTZ || (rm == FPU_RDN && !sign) || (rm == FPU_RUP && sign))
			return pack_inf(fmt, sign) - 1; /* largest finite */
		return pack_inf(fmt, sign);
	}
	if (rbits) {
		st->flags |= FPU_NX;
		if (tiny)
			st->flags |= FPU_UF;
	}
	/* A subnormal has no implicit bit; if rounding made it 2^emin it is normal. */
	bexp = (sig >> f->mbits) ? (uint64_t)(e + f->bias) : 0;
	return pack_zero(fmt, sign) | bexp << f->mbits | (sig & ((1ull << f->mbits) - 1));
}

/* Round a 128-bit significand: value = sign * m * 2^(e - 125), m nonzero. */
static uint64_t round_pack128(enum fpu_fmt fmt, bool sign, int e, fpu_u128 m,
			      struct fpu_status *st)
{
	int lead = 127 - clz128(m);
	uint64_t m64;

	if (lead > 62)
		m64 = (uint64_t)shr_jam128(m, lead - 62);
	else
		m64 = (uint64_t)m << (62 - lead);
	return round_pack(fmt, sign, e + lead - 125, m64, st);
}

/* Sign of an exact zero sum of operands of opposite signs (IEEE 754-2008 6.3). */
static bool zero_sum_sign(const struct fpu_status *st)
{
	return st->round == FPU_RDN;
}

uint64_t fpu_soft_add(enum fpu_fmt fmt, uint64_t a, uint64_t b, bool negate_b,
		      struct fpu_status *st)
{
	struct unpacked x = unpack(fmt, a), y = unpack(fmt, b), t;
	uint64_t m;
	int sh;

	y.sign ^= negate_b;
	if (x.cls == U_INF || y.cls == U_INF) {
		if (x.cls == U_INF && y.cls == U_INF && x.sign != y.sign)
			return invalid(fmt, st);
		return pack_inf(fmt, x.cls == U_INF ? x.sign : y.sign);
	}
	if (x.cls == U_ZERO && y.cls == U_ZERO)
		return pack_zero(fmt, x.sign == y.sign ? x.sign : zero_sum_sign(st));
	if (y.cls == U_ZERO)
		return a & fpu_fmts[fmt].mask;
	if (x.cls == U_ZERO)
		return (b ^ (negate_b ? fpu_sign_bit(fmt) : 0)) & fpu_fmts[fmt].mask;

	if (x.e < y.e || (x.e == y.e && x.m < y.m)) {
		t = x;
		x = y;
		y = t;
	}
	/* now |x| >= |y| */
	y.m = shr_jam64(y.m, x.e - y.e > 64 ? 64 : (unsigned)(x.e - y.e));
	if (x.sign == y.sign) {
		m = x.m + y.m;
		if (m >> 63) {
			m = shr_jam64(m, 1);
			x.e++;
		}
		return round_pack(fmt, x.sign, x.e, m, st);
	}
	m = x.m - y.m;
	if (!m)
		return pack_zero(fmt, zero_sum_sign(st));
	/* Massive cancellation only happens when the exponents differ by <= 1 (exact). */
	sh = __builtin_clzll(m) - 1;
	return round_pack(fmt, x.sign, x.e - sh, m << sh, st);
}

uint64_t fpu_soft_mul(enum fpu_fmt fmt, uint64_t a, uint64_t b, struct fpu_status *st)
{
	struct unpacked x = unpack(fmt, a), y = unpack(fmt, b);
	bool sign = x.sign ^ y.sign;

	if (x.cls == U_INF || y.cls == U_INF) {
		if (x.cls == U_ZERO || y.cls == U_ZERO)
			return invalid(fmt, st);
		return pack_inf(fmt, sign);
	}
	if (x.cls == U_ZERO || y.cls == U_ZERO)
		return pack_zero(fmt, sign);
	/* product in [2^124, 2^126): value = p * 2^(ex + ey - 124) */
	return round_pack128(fmt, sign, x.e + y.e + 1, (fpu_u128)x.m * y.m, st);
}

uint64_t fpu_soft_div(enum fpu_fmt fmt, uint64_t a, uint64_t b, struct fpu_status *st)
{
	struct unpacked x = unpack(fmt, a), y = unpack(fmt, b);
	bool sign = x.sign ^ y.sign;
	fpu_u128 n;
	uint64_t q;

	if (x.cls == U_INF) {
		if (y.cls == U_INF)
			return invalid(fmt, st);
		return pack_inf(fmt, sign);
	}
	if (y.cls == U_INF)
		return pack_zero(fmt, sign);
	if (y.cls == U_ZERO) {
		if (x.cls == U_ZERO)
			return invalid(fmt, st);
		st->flags |= FPU_DZ;
		return pack_inf(fmt, sign);
	}
	if (x.cls == U_ZERO)
		return pack_zero(fmt, sign);
	/* q = mx / my * 2^63 lies in (2^62, 2^64); the remainder only matters as sticky */
	n = (fpu_u128)x.m << 63;
	q = (uint64_t)(n / y.m);
	q |= (n % y.m) != 0;
	if (q >> 63)
		return round_pack(fmt, sign, x.e - y.e, shr_jam64(q, 1), st);
	return round_pack(fmt, sign, x.e - y.e - 1, q, st);
}

uint64_t fpu_soft_sqrt(enum fpu_fmt fmt, uint64_t a, struct fpu_status *st)
{
	struct unpacked x = unpack(fmt, a);
	fpu_u128 n;
	uint64_t r = 0, bit;
	int odd;

	if (x.cls == U_ZERO)
		return a & fpu_fmts[fmt].mask; /* sqrt(-0) = -0 */
	if (x.sign)
		return invalid(fmt, st);
	if (x.cls == U_INF)
		return a & fpu_fmts[fmt].mask;
	/*
	 * value = m * 2^(e - 62) = n * 2^(2e' - 124) with n = m << (62 + odd) and
	 * e' = floor(e / 2), so sqrt(value) = isqrt(n) * 2^(e' - 62) with
	 * isqrt(n) in [2^62, 2^63).
	 */
	odd = x.e & 1;
	n = (fpu_u128)x.m << (62 + odd);
	for (bit = 1ull << 62; bit; bit >>= 1) {
		uint64_t t = r | bit;

		if ((fpu_u128)t * t <= n)
			r = t;
	}
	r |= ((fpu_u128)r * r != n);
	return round_pack(fmt, false, (x.e - odd) / 2, r, st);
}

uint64_t fpu_soft_muladd(enum fpu_fmt fmt, uint64_t a, uint64_t b, uint64_t c, unsigned neg,
			 struct fpu_status *st)
{
	struct unpacked x = unpack(fmt, a), y = unpack(fmt, b), z = unpack(fmt, c);
	bool psign = x.sign ^ y.sign ^ !!(neg & FPU_MA_NEG_PROD);
	fpu_u128 p, q;
	int ep, d;

	z.sign ^= !!(neg & FPU_MA_NEG_ADDEND);
	if (x.cls == U_INF || y.cls == U_INF) {
		if (x.cls == U_ZERO || y.cls == U_ZERO)
			return invalid(fmt, st);
		if (z.cls == U_INF && z.sign != psign)
			return invalid(fmt, st);
		return pack_inf(fmt, psign);
	}
	if (z.cls == U_INF)
		return pack_inf(fmt, z.sign);
	if (x.cls == U_ZERO || y.cls == U_ZERO) {
		/* exact zero product: the result is c, or a zero per the sum rules */
		if (z.cls == U_ZERO)
			return pack_zero(fmt, psign == z.sign ? psign : zero_sum_sign(st));
		return (c ^ (neg & FPU_MA_NEG_ADDEND ? fpu_sign_bit(fmt) : 0)) &
		       fpu_fmts[fmt].mask;
	}

	/* product in [2^125, 2^126) after normalization: value = p * 2^(ep - 125) */
	p = (fpu_u128)x.m * y.m;
	ep = x.e + y.e + 1;
	if (!(p >> 125)) {
		p <<= 1;
		ep--;
	}
	if (z.cls == U_ZERO)
		return round_pack128(fmt, psign, ep, p, st);

	/* addend in the same layout: value = q * 2^(z.e - 125) */
	q = (fpu_u128)z.m << 63;
	d = ep - z.e;
	if (d < 0 || (d == 0 && q > p)) {
		/* make p the larger magnitude */
		fpu_u128 t = p;
		bool ts = psign;

		p = q;
		q = t;
		psign = z.sign;
		z.sign = ts;
		ep = z.e;
		d = -d;
	}
	q = shr_jam128(q, d > 128 ? 128 : (unsigned)d);
	if (psign == z.sign) {
		p += q; /* < 2^127: no overflow */
	} else {
		p -= q;
		if (!p)
			return pack_zero(fmt, zero_sum_sign(st));
	}
	return round_pack128(fmt, psign, ep, p, st);
}

uint64_t fpu_soft_convert(enum fpu_fmt to, enum fpu_fmt from, uint64_t a,
			  struct fpu_status *st)
{
	struct unpacked x = unpack(from, a);

	switch (x.cls) {
	case U_ZERO:
		return pack_zero(to, x.sign);
	case U_INF:
		return pack_inf(to, x.sign);
	default:
		return round_pack(to, x.sign, x.e, x.m, st);
	}
}

uint64_t fpu_soft_from_int(enum fpu_fmt fmt, uint64_t v, bool is_signed,
			   struct fpu_status *st)
{
	bool sign = is_signed && (int64_t)v < 0;
	uint64_t mag = sign ? -v : v;
	int lz;

	if (!mag)
		return pack_zero(fmt, false);
	lz = __builtin_clzll(mag);
	if (lz == 0)
		return round_pack(fmt, sign, 63, shr_jam64(mag, 1), st);
	return round_pack(fmt, sign, 63 - lz, mag << (lz - 1), st);
}
