/*
 * Host fast path: scalar SSE (and FMA3) on x86-64.
 *
 * The full path is one asm block per operation that saves the host MXCSR,
 * loads one with all exceptions masked, flags clear, FTZ/DAZ off and the
 * wanted rounding control, runs the instruction, reads the flags and restores
 * the host MXCSR. Being a single asm statement, nothing can be reordered into
 * or out of the window and the compiler cannot fold the arithmetic.
 * A cheaper path for the common case skips the MXCSR round trip (fast_ok()).
 *
 * SSE matches IEEE 754 default exception handling as RISC-V wants it:
 * tininess is detected after rounding and, with UM masked, UE is set only
 * for a tiny inexact result. NaN results are the host's (the caller
 * substitutes); NaN operands never get here because their signalling-ness
 * is the guest's business.
 */
#include "fpu-internal.h"

bool fpu_host_accel = true;

#if defined(__x86_64__)

#include <float.h>
#include <math.h>
#include <string.h>
#include <ucontext.h>

#define MXCSR_DEFAULT 0x1f80u /* all masked, round to nearest, no FTZ/DAZ */

/* MXCSR.RC for RNE, RTZ, RDN, RUP */
static const uint32_t sse_rc[4] = {0u << 13, 3u << 13, 1u << 13, 2u << 13};

static unsigned sse_flags(uint32_t mxcsr)
{
	unsigned fl = 0;

	if (mxcsr & 0x01)
		fl |= FPU_NV;
	if (mxcsr & 0x04)
		fl |= FPU_DZ;
	if (mxcsr & 0x08)
		fl |= FPU_OF;
	if (mxcsr & 0x10)
		fl |= FPU_UF;
	if (mxcsr & 0x20)
		fl |= FPU_NX;
	return fl; /* DE (denormal operand, 0x02) is not an IEEE flag */
}

/* r = r OP b under MXCSR ctl; stat receives the MXCSR after the op */
#define SSE_OP(insn, r, b, ctl, stat)                                                     \
	do {                                                                              \
		uint32_t saved_ = 0;                                                          \
		__asm__ volatile("stmxcsr %[sv]\n\t"                                      \
				 "ldmxcsr %[cw]\n\t" insn " %[bb], %[rr]\n\t"             \
				 "stmxcsr %[st]\n\t"                                      \
				 "ldmxcsr %[sv]"                                          \
				 : [rr] "+x"(r), [st] "=m"(stat), [sv] "+m"(saved_)       \
				 : [bb] "x"(b), [cw] "m"(ctl));                           \
	} while (0)

static float f32_of(uint64_t v)
{
	uint32_t w = (uint32_t)v;
	float f;

	memcpy(&f, &w, 4);
	return f;
}

static uint64_t bits_f32(float f)
{
	uint32_t w;

	memcpy(&w, &f, 4);
	return w;
}

static double f64_of(uint64_t v)
{
	double d;

	memcpy(&d, &v, 8);
	return d;
}

static uint64_t bits_f64(double d)
{
	uint64_t v;

	memcpy(&v, &d, 8);
	return v;
}

/*
 * The fast path takes no MXCSR round trip (ldmxcsr is slow). It applies when
 * the rounding is to nearest, which is what the host runs in: the operation is
 * computed natively and used only if nothing but inexact can have happened:
 * finite operands (a nonzero divisor, a non-negative radicand) and a finite
 * result, all of them zero or within a safe range of exponents (so there is
 * no overflow or underflow, and the error terms below are exact). Whether the
 * result is inexact then comes from an error-free transformation instead of
 * the flags: Dekker's Fast2Sum for add/sub, the remainder computed with a fused
 * multiply-add for mul/div/sqrt (Boldo & Muller, "Exact and approximated error
 * of the FMA", IEEE TC 2011). Without FMA3 only add/sub qualify, and when the
 * guest's inexact flag is already raised the check is skipped (QEMU's
 * "hardfloat" has that half of the idea). Anything else goes to the full path.
 * It may set the host's sticky MXCSR flags, never its modes.
 */
static bool fast_ok(const struct fpu_status *st)
{
	uint32_t m;

	if (st->round != FPU_RNE)
		return false;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	return (m & ~0x3fu) == MXCSR_DEFAULT;
}

static bool have_fma; /* the host has FMA3 (detect_fma()) */

/* e = a * b + c, one rounding (FMA3; only called when have_fma) */
static double fma_d(double a, double b, double c)
{
	__asm__("vfmadd231sd %[b], %[a], %[c]" : [c] "+x"(c) : [a] "x"(a), [b] "x"(b));
	return c;
}

static float fma_s(float a, float b, float c)
{
	__asm__("vfmadd231ss %[b], %[a], %[c]" : [c] "+x"(c) : [a] "x"(a), [b] "x"(b));
	return c;
}

/*
 * One fast-path operation in type T (float or double): r = x OP y, false if
 * outside the fast domain; *nx = whether r is inexact (computed if want_nx).
 * A value is safe when it is zero or lo <= |v| <= hi.
 */
#define FAST_ARITH(T, fma_fn, sqrt_fn, lo, hi)                                            \
	do {                                                                              \
		T ax = (T)fabs(x), ay = (T)fabs(y), ar;                                   \
		if (!(ax == 0 || (ax >= (lo) && ax <= (hi))) ||                           \
		    !(ay == 0 || (ay >= (lo) && ay <= (hi))))                             \
			return false;                                                     \
		switch (op) {                                                             \
		case FPU_HOST_ADD:                                                        \
		case FPU_HOST_SUB: {                                                      \
			T yy = op == FPU_HOST_SUB ? -y : y;                               \
			r = x + yy;                                                       \
			/* Fast2Sum (Dekker): exact error with the larger one first */    \
			if (want_nx)                                                      \
				*nx = (ax >= ay ? yy - (r - x) : x - (r - yy)) != 0;      \
			break;                                                            \
		}                                                                         \
		case FPU_HOST_MUL:                                                        \
			if (want_nx && !have_fma)                                         \
				return false;                                             \
			r = x * y;                                                        \
			*nx = want_nx && fma_fn(x, y, -r) != 0;                           \
			break;                                                            \
		case FPU_HOST_DIV:                                                        \
			if (y == 0 || (want_nx && !have_fma))                             \
				return false;                                             \
			r = x / y;                                                        \
			*nx = want_nx && fma_fn(-r, y, x) != 0;                           \
			break;                                                            \
		default:                                                                  \
			if (x < 0 || (want_nx && !have_fma))                              \
				return false;                                             \
			r = sqrt_fn(x);                                                   \
			*nx = want_nx && fma_fn(-r, r, x) != 0;                           \
			break;                                                            \
		}                                                                         \
		ar = (T)fabs(r);                                                          \
		if (!(ar == 0 || (ar >= (lo) && ar <= (hi))))                             \
			return false;                                                     \
		/* a zero product or quotient of nonzero operands underflowed */         \
		if (ar == 0 && x != 0 &&                                                  \
		    ((op == FPU_HOST_MUL && y != 0) || op == FPU_HOST_DIV))               \
			return false;                                                     \
	} while (0)

static bool fast_arith(enum fpu_host_op op, enum fpu_fmt fmt, uint64_t a, uint64_t b,
		       bool want_nx, bool *nx, uint64_t *res)
{
	if (fmt == FPU_F32) {
		float x = f32_of(a), y = op == FPU_HOST_SQRT ? 0 : f32_of(b), r;

		FAST_ARITH(float, fma_s, sqrtf, 0x1p-100f, 0x1p100f);
		*res = bits_f32(r);
	} else {
		double x = f64_of(a), y = op == FPU_HOST_SQRT ? 0 : f64_of(b), r;

		FAST_ARITH(double, fma_d, sqrt, 0x1p-960, 0x1p960);
		*res = bits_f64(r);
	}
	return true;
}

bool fpu_host_arith(enum fpu_host_op op, enum fpu_fmt fmt, uint64_t a, uint64_t b,
		    struct fpu_status *st, uint64_t *res)
{
	uint32_t ctl, stat = 0;

	if (!fpu_host_accel || st->round > FPU_RUP)
		return false;
	if (fast_ok(st)) {
		bool want_nx = !(st->flags & FPU_NX), nx = false;

		if (fast_arith(op, fmt, a, b, want_nx, &nx, res)) {
			if (nx)
				st->flags |= FPU_NX;
			return true;
		}
	}
	ctl = MXCSR_DEFAULT | sse_rc[st->round];
	if (fmt == FPU_F32) {
		float r = f32_of(a), y = f32_of(b);

		switch (op) {
		case FPU_HOST_ADD: SSE_OP("addss", r, y, ctl, stat); break;
		case FPU_HOST_SUB: SSE_OP("subss", r, y, ctl, stat); break;
		case FPU_HOST_MUL: SSE_OP("mulss", r, y, ctl, stat); break;
		case FPU_HOST_DIV: SSE_OP("divss", r, y, ctl, stat); break;
		case FPU_HOST_SQRT: y = r; SSE_OP("sqrtss", r, y, ctl, stat); break;
		}
		*res = bits_f32(r);
	} else {
		double r = f64_of(a), y = f64_of(b);

		switch (op) {
		case FPU_HOST_ADD: SSE_OP("addsd", r, y, ctl, stat); break;
		case FPU_HOST_SUB: SSE_OP("subsd", r, y, ctl, stat); break;
		case FPU_HOST_MUL: SSE_OP("mulsd", r, y, ctl, stat); break;
		case FPU_HOST_DIV: SSE_OP("divsd", r, y, ctl, stat); break;
		case FPU_HOST_SQRT: y = r; SSE_OP("sqrtsd", r, y, ctl, stat); break;
		}
		*res = bits_f64(r);
	}
	st->flags |= sse_flags(stat);
	return true;
}

__attribute__((constructor)) static void detect_fma(void)
{
	__builtin_cpu_init();
	have_fma = __builtin_cpu_supports("fma") != 0;
}

bool fpu_host_muladd(enum fpu_fmt fmt, uint64_t a, uint64_t b, uint64_t c,
		     struct fpu_status *st, uint64_t *res)
{
	uint32_t ctl, stat = 0, saved = 0;

	if (!fpu_host_accel || st->round > FPU_RUP)
		return false;
	if (!have_fma)
		return false;
	if (fast_ok(st) && (st->flags & FPU_NX)) {
		/* as fast_arith() with inexact raised: finite operands, a normal result */
		if (fmt == FPU_F32) {
			float x = f32_of(a), y = f32_of(b), r = f32_of(c);

			if (isfinite(x) && isfinite(y) && isfinite(r)) {
				__asm__("vfmadd231ss %[y], %[x], %[r]"
					: [r] "+x"(r) : [x] "x"(x), [y] "x"(y));
				if (isfinite(r) && fabsf(r) >= FLT_MIN) {
					*res = bits_f32(r);
					return true;
				}
			}
		} else {
			double x = f64_of(a), y = f64_of(b), r = f64_of(c);

			if (isfinite(x) && isfinite(y) && isfinite(r)) {
				__asm__("vfmadd231sd %[y], %[x], %[r]"
					: [r] "+x"(r) : [x] "x"(x), [y] "x"(y));
				if (isfinite(r) && fabs(r) >= DBL_MIN) {
					*res = bits_f64(r);
					return true;
				}
			}
		}
	}
	ctl = MXCSR_DEFAULT | sse_rc[st->round];
	if (fmt == FPU_F32) {
		float x = f32_of(a), y = f32_of(b), r = f32_of(c);

		__asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[cw]\n\t"
				 "vfmadd231ss %[y], %[x], %[r]\n\t"
				 "stmxcsr %[st]\n\tldmxcsr %[sv]"
				 : [r] "+x"(r), [st] "=m"(stat), [sv] "+m"(saved)
				 : [x] "x"(x), [y] "x"(y), [cw] "m"(ctl));
		*res = bits_f32(r);
	} else {
		double x = f64_of(a), y = f64_of(b), r = f64_of(c);

		__asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[cw]\n\t"
				 "vfmadd231sd %[y], %[x], %[r]\n\t"
				 "stmxcsr %[st]\n\tldmxcsr %[sv]"
				 : [r] "+x"(r), [st] "=m"(stat), [sv] "+m"(saved)
				 : [x] "x"(x), [y] "x"(y), [cw] "m"(ctl));
		*res = bits_f64(r);
	}
	st->flags |= sse_flags(stat);
	return true;
}

unsigned fpu_host_flags_peek(void)
{
	uint32_t m;

	__asm__ volatile("stmxcsr %0" : "=m"(m));
	return sse_flags(m);
}

void fpu_host_flags_clear(void)
{
	uint32_t m;

	__asm__ volatile("stmxcsr %0" : "=m"(m));
	if (!(m & 0x3fu))
		return;
	m &= ~0x3fu;
	__asm__ volatile("ldmxcsr %0" : : "m"(m));
}

unsigned fpu_host_flags_take(void)
{
	unsigned fl = fpu_host_flags_peek();

	fpu_host_flags_clear();
	return fl;
}

unsigned fpu_host_flags_of_context(const void *ucontext)
{
	const ucontext_t *uc = ucontext;

	return uc->uc_mcontext.fpregs ? sse_flags(uc->uc_mcontext.fpregs->mxcsr) : 0;
}

#else /* no host fast path */

unsigned fpu_host_flags_peek(void)
{
	return 0;
}

void fpu_host_flags_clear(void)
{
}

unsigned fpu_host_flags_take(void)
{
	return 0;
}

unsigned fpu_host_flags_of_context(const void *ucontext)
{
	(void)ucontext;
	return 0;
}

bool fpu_host_arith(enum fpu_host_op op, enum fpu_fmt fmt, uint64_t a, uint64_t b,
		    struct fpu_status *st, uint64_t *res)
{
	return false;
}

bool fpu_host_muladd(enum fpu_fmt fmt, uint64_t a, uint64_t b, uint64_t c,
		     struct fpu_status *st, uint64_t *res)
{
	return false;
}

#endif
