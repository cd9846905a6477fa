/*
 * Floating point (RISC-V F and D extensions through C): arithmetic, sqrt and fused
 * multiply-add, the dynamic rounding mode (fesetround -> frm), accrued exception flags
 * (fetestexcept -> fflags), NaN canonicalisation and NaN-boxing, fmin/fmax, sign
 * injection, fclass, float/int conversions with saturation, and the soft-float long double.
 * Operands are volatile so the compiler cannot fold anything at build time; results are
 * printed with %a (exact) after the rounding mode is back to nearest, because printf's own
 * decimal conversion honours the rounding mode.
 */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t dbits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static uint32_t fbits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

static double from_dbits(uint64_t u)
{
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

static void print_flags(const char *what)
{
	int f = fetestexcept(FE_ALL_EXCEPT);

	printf("%-22s flags:%s%s%s%s%s%s\n", what, f & FE_INVALID ? " NV" : "",
	       f & FE_DIVBYZERO ? " DZ" : "", f & FE_OVERFLOW ? " OF" : "",
	       f & FE_UNDERFLOW ? " UF" : "", f & FE_INEXACT ? " NX" : "", f ? "" : " none");
}

static void test_arith(void)
{
	volatile double a = 1.5, b = -0.1, c = 3.0, r;
	volatile float fa = 1.1f, fb = 3.0f, fr;
	volatile double prod;

	r = a + b;
	printf("1.5 + -0.1 = %a = %.17g\n", r, r);
	r = a * b;
	printf("1.5 * -0.1 = %a\n", r);
	r = a / c;
	printf("1.5 / 3 = %a\n", r);
	r = b / c;
	printf("-0.1 / 3 = %.17g\n", r);
	r = sqrt(c);
	printf("sqrt(3) = %a\n", r);
	fr = fa * fb;
	printf("1.1f * 3f = %a = %.9g\n", (double)fr, (double)fr);
	fr = sqrtf(fb);
	printf("sqrtf(3) = %a\n", (double)fr);
	fr = fa / fb;
	printf("1.1f / 3f bits = %08x\n", fbits(fr));

	/* fma rounds once: 0.1 * 10 - 1 is exactly the representation error of 0.1. */
	a = 0.1;
	b = 10.0;
	c = -1.0;
	r = fma(a, b, c);
	prod = a * b;
	printf("fma(0.1, 10, -1) = %a, separate = %a\n", r, prod + c);
	fa = 0.1f;
	fb = 10.0f;
	fr = fmaf(fa, fb, -1.0f);
	printf("fmaf(0.1f, 10f, -1f) = %a\n", (double)fr);
	r = fma(-a, b, c);
	printf("fma(-0.1, 10, -1) = %a\n", r);

	/* Subnormals and infinities. */
	a = DBL_MIN;
	r = a / 4.0;
	printf("DBL_MIN / 4 = %a\n", r);
	a = DBL_MAX;
	r = a * 2.0;
	printf("DBL_MAX * 2 = %a\n", r);
	fa = FLT_MAX;
	fr = fa * 2.0f;
	printf("FLT_MAX * 2 = %f\n", (double)fr);
	a = -0.0;
	printf("-0.0 signbit %d, -0.0 == 0.0 %d\n", !!signbit(a), a == 0.0);
}

static void test_math_lib(void)
{
	volatile double x = 1.0, y = 10.0, z = 0.5;

	printf("sin(1) = %.17g\n", sin(x));
	printf("cos(1) = %.17g\n", cos(x));
	printf("exp(1) = %.17g\n", exp(x));
	printf("log(10) = %.17g\n", log(y));
	printf("pow(2, 0.5) = %.17g\n", pow(2.0, z));
	printf("atan2(1, 10) = %.17g\n", atan2(x, y));
	printf("floor(-2.5) = %g ceil(-2.5) = %g trunc(-2.5) = %g round(-2.5) = %g\n",
	       floor(-2.5 * x), ceil(-2.5 * x), trunc(-2.5 * x), round(-2.5 * x));
	printf("fmod(10, 3) = %g, remainder(10, 3) = %g\n", fmod(y, 3.0), remainder(y, 3.0));
	printf("printf rounding: %.3f %.0f %.0f %.2e %g\n", 2.0005 * x, 0.5 * x, 1.5 * x,
	       12345.678 * x, 1e-5 * x);
}

static const char *mode_name(int m)
{
	return m == FE_TONEAREST ? "nearest" : m == FE_UPWARD ? "upward" :
	       m == FE_DOWNWARD ? "downward" : m == FE_TOWARDZERO ? "towardzero" : "?";
}

static void test_rounding(void)
{
	static const int modes[] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };
	volatile double one = 1.0, three = 3.0, two = 2.0, half = 2.5, tiny = 0x1p-60;
	volatile float fone = 1.0f, fthree = 3.0f;
	volatile int64_t big = (INT64_C(1) << 53) + 1;
	volatile int32_t i24 = (1 << 24) + 1;

	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		double third, nthird, sq, sum;
		float fthird, fconv;
		double dconv;
		long lr, lrn;
		double ri;
		int got;

		if (fesetround(modes[i]) != 0) {
			printf("fesetround(%s) failed\n", mode_name(modes[i]));
			continue;
		}
		got = fegetround();
		third = one / three;
		nthird = -one / three;
		sq = sqrt(two);
		sum = one + tiny;
		fthird = fone / fthree;
		lr = lrint(half);
		lrn = lrint(-half);
		ri = rint(-half * 1.2);
		fconv = (float)i24;
		dconv = (double)big;
		fesetround(FE_TONEAREST);
		printf("%-10s get=%-10s 1/3=%a -1/3=%a sqrt2=%a 1+2^-60=%a\n", mode_name(modes[i]),
		       mode_name(got), third, nthird, sq, sum);
		printf("%-10s 1f/3f=%a lrint(2.5)=%ld lrint(-2.5)=%ld rint(-2.5*1.2)=%g "
		       "(float)(2^24+1)=%.1f (double)(2^53+1)=%.1f\n", mode_name(modes[i]),
		       (double)fthird, lr, lrn, ri, (double)fconv, dconv);
	}
	printf("invalid mode rejected: %d\n", fesetround(0x12345) != 0);
}

static void test_flags(void)
{
	volatile double zero = 0.0, one = 1.0, three = 3.0, minus1 = -1.0, big = DBL_MAX;
	volatile double small = DBL_MIN, r;
	fenv_t env;

	feclearexcept(FE_ALL_EXCEPT);
	print_flags("cleared");
	r = one / 2.0;
	print_flags("1/2 (exact)");
	r = one / three;
	print_flags("1/3");
	feclearexcept(FE_ALL_EXCEPT);
	r = one / zero;
	printf("1/0 = %f\n", r);
	print_flags("1/0");
	feclearexcept(FE_ALL_EXCEPT);
	r = zero / zero;
	printf("0/0 = %f bits %016llx\n", r, (unsigned long long)dbits(r));
	print_flags("0/0");
	feclearexcept(FE_ALL_EXCEPT);
	r = sqrt(minus1);
	printf("sqrt(-1) = %f\n", r);
	print_flags("sqrt(-1)");
	feclearexcept(FE_ALL_EXCEPT);
	r = big * 2.0;
	print_flags("DBL_MAX*2");
	feclearexcept(FE_ALL_EXCEPT);
	r = small / 3.0;
	print_flags("DBL_MIN/3");
	feclearexcept(FE_ALL_EXCEPT);
	r = small / 2.0;
	print_flags("DBL_MIN/2 (exact)");

	/* Flags accumulate and survive fegetenv/fesetenv. */
	feclearexcept(FE_ALL_EXCEPT);
	feraiseexcept(FE_OVERFLOW | FE_DIVBYZERO);
	print_flags("feraiseexcept OF|DZ");
	fegetenv(&env);
	feclearexcept(FE_ALL_EXCEPT);
	fesetround(FE_DOWNWARD);
	fesetenv(&env);
	print_flags("after fesetenv");
	printf("mode after fesetenv: %s\n", mode_name(fegetround()));
	feclearexcept(FE_ALL_EXCEPT);
	(void)r;
}

static const char *fclass_name(unsigned long c)
{
	static const char *names[] = { "-inf", "-normal", "-subnormal", "-zero", "+zero",
				       "+subnormal", "+normal", "+inf", "sNaN", "qNaN" };

	for (int i = 0; i < 10; i++)
		if (c == 1ul << i)
			return names[i];
	return "?";
}

static void test_nan_and_bits(void)
{
	volatile double snan = from_dbits(0x7ff0000000000001ull);
	volatile double qnan_neg = from_dbits(0xfff8000000000123ull);
	volatile double one = 1.0, pz = 0.0, nz = -0.0, r;
	volatile float f1 = 1.0f, fz = 0.0f, fr;
	static const uint64_t classes[] = {
		0xfff0000000000000ull, 0xbff0000000000000ull, 0x8000000000000001ull,
		0x8000000000000000ull, 0x0000000000000000ull, 0x0000000000000001ull,
		0x3ff0000000000000ull, 0x7ff0000000000000ull, 0x7ff0000000000001ull,
		0x7ff8000000000000ull,
	};

	/* RISC-V produces the canonical NaN 0x7ff8... (positive, unlike x86's default NaN). */
	r = pz / pz;
	printf("0/0 bits %016llx\n", (unsigned long long)dbits(r));
	r = qnan_neg + one;
	printf("-qNaN(payload) + 1 bits %016llx\n", (unsigned long long)dbits(r));
	fr = fz / fz;
	printf("0f/0f bits %08x\n", fbits(fr));

	feclearexcept(FE_ALL_EXCEPT);
	r = fmax(snan, one);
	printf("fmax(sNaN, 1) = %g\n", r);
	print_flags("fmax(sNaN, 1)");
	feclearexcept(FE_ALL_EXCEPT);
	r = fmin(qnan_neg, one);
	printf("fmin(qNaN, 1) = %g\n", r);
	print_flags("fmin(qNaN, 1)");
	r = fmin(pz, nz);
	printf("fmin(+0, -0) signbit %d, fmax(-0, +0) signbit %d\n", !!signbit(r),
	       !!signbit(fmax(nz, pz)));
	/* The instructions themselves follow IEEE 754-2019 minimumNumber/maximumNumber (F
	 * extension 2.2): a signalling NaN input raises NV but the number wins. glibc's
	 * fmax() instead returns x + y for sNaN inputs, as C requires. */
	feclearexcept(FE_ALL_EXCEPT);
	__asm__ volatile("fmax.d %0, %1, %2" : "=f"(r) : "f"(snan), "f"(one));
	printf("fmax.d(sNaN, 1) = %g\n", r);
	print_flags("fmax.d(sNaN, 1)");
	feclearexcept(FE_ALL_EXCEPT);
	__asm__ volatile("fmin.d %0, %1, %2" : "=f"(r) : "f"(snan), "f"(snan));
	printf("fmin.d(sNaN, sNaN) bits %016llx\n", (unsigned long long)dbits(r));
	print_flags("fmin.d(sNaN, sNaN)");
	feclearexcept(FE_ALL_EXCEPT);
	r = fmax(qnan_neg, qnan_neg);
	printf("fmax(NaN, NaN) bits %016llx\n", (unsigned long long)dbits(r));
	feclearexcept(FE_ALL_EXCEPT);

	printf("copysign(3, -0) = %g, fabs(-2) = %g, -(+0) signbit %d\n", copysign(3.0 * one, nz),
	       fabs(-2.0 * one), !!signbit(-pz));

	for (unsigned i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		volatile double v = from_dbits(classes[i]);
		unsigned long c;

		__asm__ volatile("fclass.d %0, %1" : "=r"(c) : "f"(v));
		printf("fclass(%016llx) = %s\n", (unsigned long long)classes[i], fclass_name(c));
	}

	/* A single-precision value lives NaN-boxed in a 64-bit register: fmv.x.d shows it. */
	{
		uint64_t raw;

		fr = f1 + f1;
		__asm__ volatile("fmv.x.d %0, %1" : "=r"(raw) : "f"(fr));
		printf("NaN-boxed 2.0f: %016llx\n", (unsigned long long)raw);
		/* And a float op on an improperly boxed value sees the canonical NaN. */
		raw = 0x0000000040000000ull;
		__asm__ volatile("fmv.d.x ft0, %1\n\tfadd.s ft0, ft0, ft0\n\tfmv.x.w %0, ft0"
				 : "=r"(raw) : "r"(raw) : "ft0");
		printf("unboxed operand gives %08llx\n", (unsigned long long)(raw & 0xffffffffu));
	}
}

static void test_conversions(void)
{
	static const double vals[] = { 3.99, -3.99, 2.5, -2.5, 1e20, -1e20, 4294967296.5, -0.5 };
	volatile double nan = from_dbits(0x7ff8000000000000ull);
	volatile double v;
	long w, l;
	unsigned long wu, lu;

	for (unsigned i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		v = vals[i];
		/* Explicit instructions: out-of-range C conversions are undefined, the ISA
		 * saturates (unprivileged spec, "Floating-Point Conversion" table). */
		__asm__ volatile("fcvt.w.d %0, %1, rtz" : "=r"(w) : "f"(v));
		__asm__ volatile("fcvt.wu.d %0, %1, rtz" : "=r"(wu) : "f"(v));
		__asm__ volatile("fcvt.l.d %0, %1, rne" : "=r"(l) : "f"(v));
		__asm__ volatile("fcvt.lu.d %0, %1, rup" : "=r"(lu) : "f"(v));
		printf("%-8g w.rtz=%ld wu.rtz=%#lx l.rne=%ld lu.rup=%lu\n", vals[i], w, wu, l, lu);
	}
	__asm__ volatile("fcvt.w.d %0, %1, rtz" : "=r"(w) : "f"(nan));
	__asm__ volatile("fcvt.l.d %0, %1, rtz" : "=r"(l) : "f"(nan));
	printf("NaN -> w=%ld l=%ld\n", w, l);
	feclearexcept(FE_ALL_EXCEPT);

	{
		volatile double d = 0.1;
		volatile float f;
		volatile int64_t i = -123456789012345LL;
		volatile uint64_t u = 0xffffffffffffffffull;

		f = (float)d;
		printf("(float)0.1 = %a, back to double %a\n", (double)f, (double)f);
		printf("(int)3.99 = %d, (int)-3.99 = %d\n", (int)(d * 39.9), (int)(-d * 39.9));
		printf("(double)%lld = %.1f\n", (long long)i, (double)i);
		printf("(double)UINT64_MAX = %a, (float)UINT64_MAX = %a\n", (double)u,
		       (double)(float)u);
		printf("(unsigned)3e9 = %u\n", (unsigned)(d * 3e10));
	}
}

static void test_long_double(void)
{
	volatile long double one = 1.0L, three = 3.0L;
	long double r = one / three;

	/* long double is IEEE binary128 on RV64, done in software by libgcc. */
	printf("sizeof(long double) = %zu, LDBL_MANT_DIG = %d\n", sizeof(long double),
	       LDBL_MANT_DIG);
	printf("1.0L/3.0L = %La\n", r);
	printf("1.0L/3.0L = %.30Lf\n", r);
	printf("sqrtl(2) = %.33Lg\n", sqrtl(2.0L * one));
}

int main(void)
{
	test_arith();
	test_math_lib();
	test_rounding();
	test_flags();
	test_nan_and_bits();
	test_conversions();
	test_long_double();
	return 0;
}
