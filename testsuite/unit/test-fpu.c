/*
 * Unit tests of the IEEE arithmetic (src/fpu) and the RISC-V F/D helpers
 * (frontends/riscv/fpu-helpers.c).
 *
 *  - the edge-case table testsuite/isa/fp-cases.def (also run as real RISC-V
 *    instructions by testsuite/isa/fp-table.c, which checks it against QEMU)
 *    through the helpers, static and dynamic rounding mode, with and without
 *    the host fast path;
 *  - the software core against the host SSE/FMA path on random operands in
 *    the four modes the host has;
 *  - round-to-nearest-max-magnitude (software only) against an independent
 *    reference computed exactly in x87 long double;
 *  - float -> integer conversions against C's rounding functions;
 *  - the NaN policies another guest needs (MIPS legacy encoding, propagation);
 *  - the host's own FP environment is neither used nor disturbed;
 *  - reserved dynamic rounding modes raise an illegal instruction.
 */
#include <check.h>
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/fpu.h"
#include "morph/ir.h"
#include "frontends/riscv/rv-cpu.h"
#include "frontends/riscv/rv-fp.h"

#define HELPER_ENV struct rv_cpu
#define HELPER_LIST "frontends/riscv/helpers-fp.def"
#include "morph/helper-def.h"

#include "../isa/fp-cases.h"

static const struct fpc cases[] = {
#define FPC(op, rm, a, b, c, r, f) {op, rm, a, b, c, r, f},
#include "../isa/fp-cases.def"
#undef FPC
};

static struct fpu_status rv_st(unsigned rm)
{
	struct fpu_status st = {(uint8_t)rm, 0, FPU_NAN_DEFAULT, false};

	return st;
}

/* ---- The edge-case table through the RISC-V helpers ---- */

/*
 * Run @op through its helper; returns false for the operations translated
 * inline (sign injection, moves), which only the ISA tests cover.
 */
static bool run_helper(struct rv_cpu *cpu, unsigned op, unsigned rm, uint64_t a, uint64_t b,
		       uint64_t c, uint64_t *res)
{
	const unsigned P = FPU_MA_NEG_PROD, C = FPU_MA_NEG_ADDEND;

	switch (op) {
	case FADD_S: *res = helper_fadd_s(cpu, a, b, rm); break;
	case FSUB_S: *res = helper_fsub_s(cpu, a, b, rm); break;
	case FMUL_S: *res = helper_fmul_s(cpu, a, b, rm); break;
	case FDIV_S: *res = helper_fdiv_s(cpu, a, b, rm); break;
	case FSQRT_S: *res = helper_fsqrt_s(cpu, a, rm); break;
	case FMIN_S: *res = helper_fmin_s(cpu, a, b); break;
	case FMAX_S: *res = helper_fmax_s(cpu, a, b); break;
	case FMADD_S: *res = helper_fmadd_s(cpu, a, b, c, rm, 0); break;
	case FMSUB_S: *res = helper_fmadd_s(cpu, a, b, c, rm, C); break;
	case FNMSUB_S: *res = helper_fmadd_s(cpu, a, b, c, rm, P); break;
	case FNMADD_S: *res = helper_fmadd_s(cpu, a, b, c, rm, P | C); break;
	case FEQ_S: *res = helper_feq_s(cpu, a, b); break;
	case FLT_S: *res = helper_flt_s(cpu, a, b); break;
	case FLE_S: *res = helper_fle_s(cpu, a, b); break;
	case FCLASS_S: *res = helper_fclass_s(a); break;
	case FCVT_W_S: *res = helper_fcvt_int_s(cpu, a, rm, RV_CVT_W); break;
	case FCVT_WU_S: *res = helper_fcvt_int_s(cpu, a, rm, RV_CVT_WU); break;
	case FCVT_L_S: *res = helper_fcvt_int_s(cpu, a, rm, RV_CVT_L); break;
	case FCVT_LU_S: *res = helper_fcvt_int_s(cpu, a, rm, RV_CVT_LU); break;
	case FCVT_S_W: *res = helper_fcvt_s_int(cpu, a, rm, RV_CVT_W); break;
	case FCVT_S_WU: *res = helper_fcvt_s_int(cpu, a, rm, RV_CVT_WU); break;
	case FCVT_S_L: *res = helper_fcvt_s_int(cpu, a, rm, RV_CVT_L); break;
	case FCVT_S_LU: *res = helper_fcvt_s_int(cpu, a, rm, RV_CVT_LU); break;
	case FADD_D: *res = helper_fadd_d(cpu, a, b, rm); break;
	case FSUB_D: *res = helper_fsub_d(cpu, a, b, rm); break;
	case FMUL_D: *res = helper_fmul_d(cpu, a, b, rm); break;
	case FDIV_D: *res = helper_fdiv_d(cpu, a, b, rm); break;
	case FSQRT_D: *res = helper_fsqrt_d(cpu, a, rm); break;
	case FMIN_D: *res = helper_fmin_d(cpu, a, b); break;
	case FMAX_D: *res = helper_fmax_d(cpu, a, b); break;
	case FMADD_D: *res = helper_fmadd_d(cpu, a, b, c, rm, 0); break;
	case FMSUB_D: *res = helper_fmadd_d(cpu, a, b, c, rm, C); break;
	case FNMSUB_D: *res = helper_fmadd_d(cpu, a, b, c, rm, P); break;
	case FNMADD_D: *res = helper_fmadd_d(cpu, a, b, c, rm, P | C); break;
	case FEQ_D: *res = helper_feq_d(cpu, a, b); break;
	case FLT_D: *res = helper_flt_d(cpu, a, b); break;
	case FLE_D: *res = helper_fle_d(cpu, a, b); break;
	case FCLASS_D: *res = helper_fclass_d(a); break;
	case FCVT_W_D: *res = helper_fcvt_int_d(cpu, a, rm, RV_CVT_W); break;
	case FCVT_WU_D: *res = helper_fcvt_int_d(cpu, a, rm, RV_CVT_WU); break;
	case FCVT_L_D: *res = helper_fcvt_int_d(cpu, a, rm, RV_CVT_L); break;
	case FCVT_LU_D: *res = helper_fcvt_int_d(cpu, a, rm, RV_CVT_LU); break;
	case FCVT_D_W: *res = helper_fcvt_d_int(cpu, a, rm, RV_CVT_W); break;
	case FCVT_D_WU: *res = helper_fcvt_d_int(cpu, a, rm, RV_CVT_WU); break;
	case FCVT_D_L: *res = helper_fcvt_d_int(cpu, a, rm, RV_CVT_L); break;
	case FCVT_D_LU: *res = helper_fcvt_d_int(cpu, a, rm, RV_CVT_LU); break;
	case FCVT_S_D: *res = helper_fcvt_s_d(cpu, a, rm); break;
	case FCVT_D_S: *res = helper_fcvt_d_s(cpu, a, rm); break;
	default:
		return false;
	}
	return true;
}

/* Operations without a rounding-mode field run once per row. */
static bool op_rounds(unsigned op)
{
	switch (op) {
	case FMIN_S: case FMAX_S: case FEQ_S: case FLT_S: case FLE_S: case FCLASS_S:
	case FMIN_D: case FMAX_D: case FEQ_D: case FLT_D: case FLE_D: case FCLASS_D:
		return false;
	default:
		return true;
	}
}

static unsigned run_table(bool accel, unsigned *nruns)
{
	bool old = fpu_set_host_accel(accel);
	unsigned i, rm, dyn, nfail = 0;

	*nruns = 0;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct fpc *t = &cases[i];
		unsigned lo = t->rm == ALL ? 0 : t->rm, hi = t->rm == ALL ? 4 : t->rm;

		if (!op_rounds(t->op))
			hi = lo;
		for (rm = lo; rm <= hi; rm++) {
			for (dyn = 0; dyn < 2; dyn++) {
				struct rv_cpu cpu;
				uint64_t r;

				memset(&cpu, 0, sizeof(cpu));
				cpu.frm = dyn ? rm : 6; /* a static rm must ignore frm */
				if (!run_helper(&cpu, t->op, dyn ? RV_RM_DYN : rm, t->a, t->b, t->c,
						&r))
					break;
				(*nruns)++;
				if (r != t->result || cpu.fflags != t->flags) {
					if (nfail++ < 20)
						fprintf(stderr,
							"row %u op %u rm %u%s accel %d: a=%016llx "
							"b=%016llx c=%016llx got %016llx/%02x "
							"want %016llx/%02x\n",
							i + 1, t->op, rm, dyn ? " (dyn)" : "", accel,
							(unsigned long long)t->a,
							(unsigned long long)t->b,
							(unsigned long long)t->c,
							(unsigned long long)r, cpu.fflags,
							(unsigned long long)t->result, t->flags);
				}
			}
		}
	}
	fpu_set_host_accel(old);
	return nfail;
}

START_TEST(table_host_path)
{
	unsigned runs, nfail = run_table(true, &runs);

	ck_assert_uint_gt(runs, 2000);
	ck_assert_msg(nfail == 0, "%u of %u table runs failed", nfail, runs);
}
END_TEST

START_TEST(table_soft_path)
{
	unsigned runs, nfail = run_table(false, &runs);

	ck_assert_msg(nfail == 0, "%u of %u table runs failed", nfail, runs);
}
END_TEST

/* ---- Random operands ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/*
 * A random value of @fmt biased toward the interesting: zeros, infinities,
 * NaNs, subnormals, extreme and middle exponents, short significands (which
 * make exact results and ties likely) and all-ones significands.
 */
static uint64_t gen(enum fpu_fmt fmt)
{
	unsigned mbits = fmt == FPU_F32 ? 23 : 52, emax = fmt == FPU_F32 ? 255 : 2047;
	uint64_t bias = emax / 2, e, frac = rnd() & ((1ull << mbits) - 1);
	uint64_t sign = rnd() & 1;

	switch (rnd() % 8) {
	case 0: e = 0; break;
	case 1: e = rnd() % 4 ? 1 + rnd() % 3 : emax; break;
	case 2: e = emax - 1 - rnd() % 3; break;
	case 3: e = bias - 30 + rnd() % 60; break;
	default: e = rnd() % (emax + 1); break;
	}
	switch (rnd() % 4) {
	case 0: frac &= ~0ull << (rnd() % (mbits + 1)); break; /* short significand */
	case 1: frac |= (1ull << (rnd() % mbits)) - 1; break;   /* trailing ones */
	default: break;
	}
	return sign << (mbits + (fmt == FPU_F32 ? 8 : 11)) | e << mbits | frac;
}

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, OP_FMA, OP_NOPS = OP_FMA + 4 };

static uint64_t do_op(int op, enum fpu_fmt f, uint64_t a, uint64_t b, uint64_t c,
		      struct fpu_status *st)
{
	switch (op) {
	case OP_ADD: return fpu_add(f, a, b, st);
	case OP_SUB: return fpu_sub(f, a, b, st);
	case OP_MUL: return fpu_mul(f, a, b, st);
	case OP_DIV: return fpu_div(f, a, b, st);
	case OP_SQRT: return fpu_sqrt(f, a, st);
	default: return fpu_muladd(f, a, b, c, (unsigned)(op - OP_FMA), st);
	}
}

/* The software core agrees with the host SSE/FMA paths in RNE, RTZ, RDN and RUP. */
START_TEST(soft_matches_host)
{
	unsigned long i, n = 400000, nfail = 0;

	for (i = 0; i < n; i++) {
		enum fpu_fmt f = rnd() & 1 ? FPU_F64 : FPU_F32;
		int op = (int)(rnd() % OP_NOPS);
		unsigned rm = rnd() % 4;
		uint64_t a = gen(f), b = gen(f), c = gen(f), r[2];
		unsigned fl[2], h, nx = rnd() & 1 ? FPU_NX : 0;

		if (op >= OP_FMA && rnd() % 2) {
			/* an addend near -a*b: cancellation */
			struct fpu_status t = rv_st(FPU_RNE);

			c = fpu_mul(f, a, b, &t) ^ (f == FPU_F32 ? 0x80000000ull : 1ull << 63);
			c ^= rnd() % 4;
		}
		for (h = 0; h < 2; h++) {
			struct fpu_status st = rv_st(rm);

			/* with inexact already raised, RNE takes the host's no-MXCSR path */
			st.flags = nx;
			fpu_set_host_accel(h);
			r[h] = do_op(op, f, a, b, c, &st);
			fl[h] = st.flags;
		}
		fpu_set_host_accel(true);
		if (r[0] != r[1] || fl[0] != fl[1]) {
			if (nfail++ < 10)
				fprintf(stderr,
					"op %d fmt %d rm %u a=%llx b=%llx c=%llx soft %llx/%x "
					"host %llx/%x\n",
					op, f, rm, (unsigned long long)a, (unsigned long long)b,
					(unsigned long long)c, (unsigned long long)r[0], fl[0],
					(unsigned long long)r[1], fl[1]);
		}
	}
	ck_assert_msg(nfail == 0, "%lu of %lu mismatches", nfail, n);
}
END_TEST

/* ---- Round to nearest, ties to max magnitude, against a long double reference ---- */

static long double ld_of(enum fpu_fmt f, uint64_t v)
{
	if (f == FPU_F32) {
		uint32_t w = (uint32_t)v;
		float x;

		memcpy(&x, &w, 4);
		return x;
	}
	double d;

	memcpy(&d, &v, 8);
	return d;
}

/* Round @x > 0 at the ulp 2^ue, ties away; *rem_out = x - truncated. */
static long double round_away(long double x, int ue, long double *rem_out)
{
	long double ulp = ldexpl(1, ue), lo = floorl(x / ulp) * ulp, rem = x - lo;

	*rem_out = rem;
	return 2 * rem >= ulp ? lo + ulp : lo;
}

/*
 * The exact value @x rounded to @f with ties away from zero, and the flags
 * IEEE 754 asks for (tininess after rounding). Independent of src/fpu: the
 * host's long double does the arithmetic, exactly.
 */
static uint64_t ref_rmm(enum fpu_fmt f, long double x, unsigned *flags)
{
	int mbits = f == FPU_F32 ? 23 : 52, emin = f == FPU_F32 ? -126 : -1022;
	int emax = f == FPU_F32 ? 127 : 1023, e;
	uint64_t sign = signbit(x) ? (f == FPU_F32 ? 0x80000000ull : 1ull << 63) : 0, bits;
	long double ax = fabsl(x), r, ru, rem, remu;

	*flags = 0;
	if (ax == 0)
		return sign;
	frexpl(ax, &e); /* ax in [2^(e-1), 2^e) */
	r = round_away(ax, (e - 1 - mbits < emin - mbits) ? emin - mbits : e - 1 - mbits, &rem);
	ru = round_away(ax, e - 1 - mbits, &remu); /* unbounded exponent range */
	if (r >= ldexpl(1, emax + 1)) {
		*flags = FPU_OF | FPU_NX;
		return sign | (f == FPU_F32 ? 0x7f800000ull : 0x7ff0000000000000ull);
	}
	if (rem != 0)
		*flags = FPU_NX | (ru < ldexpl(1, emin) ? FPU_UF : 0);
	if (f == FPU_F32) {
		float v = (float)r;
		uint32_t w;

		memcpy(&w, &v, 4);
		bits = w;
	} else {
		double v = (double)r;

		memcpy(&bits, &v, 8);
	}
	return sign | bits;
}

/*
 * The exact result of @op in long double, or false if it is not
 * representable there (then it cannot be a tie at 24 or 53 bits either).
 */
static bool exact_ld(int op, enum fpu_fmt f, uint64_t a, uint64_t b, uint64_t c,
		     long double *x)
{
	volatile long double va = ld_of(f, a), vb = ld_of(f, b), vc = ld_of(f, c);
	volatile long double r;
	unsigned neg = (unsigned)(op - OP_FMA);

	feclearexcept(FE_ALL_EXCEPT);
	switch (op) {
	case OP_ADD: r = va + vb; break;
	case OP_SUB: r = va - vb; break;
	case OP_MUL: r = va * vb; break;
	case OP_DIV: r = va / vb; break;
	case OP_SQRT: r = sqrtl(va); break;
	default:
		r = fmal(neg & FPU_MA_NEG_PROD ? -va : va, vb, neg & FPU_MA_NEG_ADDEND ? -vc : vc);
		break;
	}
	*x = r;
	return !fetestexcept(FE_ALL_EXCEPT);
}

static bool is_finite_nonnan(enum fpu_fmt f, uint64_t v)
{
	uint64_t e = f == FPU_F32 ? (v >> 23) & 0xff : (v >> 52) & 0x7ff;

	return e != (f == FPU_F32 ? 0xffu : 0x7ffu);
}

START_TEST(rmm_matches_reference)
{
	unsigned long i, n = 300000, nfail = 0, nexact = 0, nties = 0;

	for (i = 0; i < n; i++) {
		enum fpu_fmt f = rnd() & 1 ? FPU_F64 : FPU_F32;
		int op = (int)(rnd() % OP_NOPS);
		uint64_t a = gen(f), b = gen(f), c = gen(f), got, want;
		struct fpu_status st = rv_st(FPU_RMM), rne = rv_st(FPU_RNE);
		unsigned wantf;
		long double x;

		if (!is_finite_nonnan(f, a) || !is_finite_nonnan(f, b) || !is_finite_nonnan(f, c))
			continue;
		got = do_op(op, f, a, b, c, &st);
		if (exact_ld(op, f, a, b, c, &x) && !isnan(x) && !isinf(x)) {
			nexact++;
			want = ref_rmm(f, x, &wantf);
		} else {
			/* not exact in 64 bits: no tie, RMM agrees with RNE */
			want = do_op(op, f, a, b, c, &rne);
			wantf = rne.flags;
		}
		if (got != want || st.flags != wantf) {
			if (nfail++ < 10)
				fprintf(stderr,
					"RMM op %d fmt %d a=%llx b=%llx c=%llx got %llx/%x want "
					"%llx/%x\n",
					op, f, (unsigned long long)a, (unsigned long long)b,
					(unsigned long long)c, (unsigned long long)got, st.flags,
					(unsigned long long)want, wantf);
		}
		rne = rv_st(FPU_RNE);
		if (do_op(op, f, a, b, c, &rne) != got)
			nties++;
	}
	ck_assert_msg(nfail == 0, "%lu of %lu mismatches", nfail, n);
	/* the generator must produce exact results and ties, or this proves little */
	ck_assert_uint_gt(nexact, n / 20);
	ck_assert_uint_gt(nties, n / 1000);
}
END_TEST

/* Conversions from integers and between formats in RMM, also exact in long double. */
START_TEST(rmm_conversions)
{
	unsigned long i, nfail = 0;

	for (i = 0; i < 200000; i++) {
		enum fpu_fmt f = rnd() & 1 ? FPU_F64 : FPU_F32;
		struct fpu_status st = rv_st(FPU_RMM);
		uint64_t v = rnd() >> (rnd() % 64), got, want;
		unsigned wantf;
		bool is_signed = rnd() & 1;
		long double x;

		if (is_signed && rnd() % 2)
			v = -v;
		if (i % 3 == 2) {
			/* binary64 -> binary32 */
			v = gen(FPU_F64);
			if (!is_finite_nonnan(FPU_F64, v))
				continue;
			got = fpu_convert(FPU_F32, FPU_F64, v, &st);
			want = ref_rmm(FPU_F32, ld_of(FPU_F64, v), &wantf);
		} else {
			x = is_signed ? (long double)(int64_t)v : (long double)v;
			got = fpu_from_int(f, v, is_signed, &st);
			want = ref_rmm(f, x, &wantf);
		}
		if (got != want || st.flags != wantf) {
			if (nfail++ < 10)
				fprintf(stderr, "conversion %lu v=%llx got %llx/%x want %llx/%x\n", i,
					(unsigned long long)v, (unsigned long long)got, st.flags,
					(unsigned long long)want, wantf);
		}
	}
	ck_assert_msg(nfail == 0, "%lu mismatches", nfail);
}
END_TEST

/* ---- float -> integer against C's rounding functions ---- */

START_TEST(to_int_matches_reference)
{
	static const int host_rm[4] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};
	unsigned long i, nfail = 0;

	for (i = 0; i < 300000; i++) {
		enum fpu_fmt f = rnd() & 1 ? FPU_F64 : FPU_F32;
		unsigned rm = rnd() % 5, width = rnd() & 1 ? 64 : 32, wantf = 0;
		bool is_signed = rnd() & 1;
		struct fpu_status st = rv_st(rm);
		uint64_t a = gen(f), got, want;
		long double x = ld_of(f, a), r, lo, hi;
		enum fpu_cvt_kind kind;

		/* favour values near the integer range ends */
		if (rnd() % 4 == 0) {
			long double edge = ldexpl(1, (int)(width - (is_signed ? 1 : 0)));

			x = (rnd() & 1 ? edge : is_signed ? -edge : 0) +
			    (long double)((int)(rnd() % 7) - 3) / 2;
			if (f == FPU_F32) {
				float v = (float)x;
				uint32_t w;

				memcpy(&w, &v, 4);
				a = w;
			} else {
				double v = (double)x;

				memcpy(&a, &v, 8);
			}
			x = ld_of(f, a);
		}
		got = fpu_to_int(f, a, width, is_signed, &st, &kind);

		lo = is_signed ? -ldexpl(1, (int)width - 1) : 0;
		hi = is_signed ? ldexpl(1, (int)width - 1) - 1 : ldexpl(1, (int)width) - 1;
		if (isnan(x)) {
			want = is_signed ? (1ull << (width - 1)) - 1 : ~0ull >> (64 - width);
			wantf = FPU_NV;
		} else {
			if (rm == FPU_RMM) {
				r = roundl(x);
			} else {
				fesetround(host_rm[rm]);
				r = nearbyintl(x);
				fesetround(FE_TONEAREST);
			}
			if (r > hi) {
				want = is_signed ? (1ull << (width - 1)) - 1 : ~0ull >> (64 - width);
				wantf = FPU_NV;
			} else if (r < lo) {
				want = is_signed ? -(1ull << (width - 1)) : 0;
				wantf = FPU_NV;
			} else {
				want = r < 0 ? (uint64_t)(int64_t)r : (uint64_t)r;
				wantf = r != x ? FPU_NX : 0;
			}
		}
		if (got != want || st.flags != wantf ||
		    (kind == FPU_CVT_OK) != !(wantf & FPU_NV)) {
			if (nfail++ < 10)
				fprintf(stderr,
					"to_int fmt %d w %u s %d rm %u a=%llx got %llx/%x want "
					"%llx/%x\n",
					f, width, is_signed, rm, (unsigned long long)a,
					(unsigned long long)got, st.flags, (unsigned long long)want,
					wantf);
		}
	}
	ck_assert_msg(nfail == 0, "%lu mismatches", nfail);
}
END_TEST

START_TEST(to_int_kinds)
{
	struct fpu_status st = rv_st(FPU_RNE);
	enum fpu_cvt_kind k;

	ck_assert_uint_eq(fpu_to_int(FPU_F32, 0x7fc00000, 32, true, &st, &k), 0x7fffffff);
	ck_assert_int_eq(k, FPU_CVT_NAN);
	ck_assert_uint_eq(fpu_to_int(FPU_F32, 0xff800000, 32, true, &st, &k),
			  0xffffffff80000000ull);
	ck_assert_int_eq(k, FPU_CVT_OVF_NEG);
	ck_assert_uint_eq(fpu_to_int(FPU_F64, 0x43f0000000000000ull, 64, false, &st, &k), ~0ull);
	ck_assert_int_eq(k, FPU_CVT_OVF_POS);
	ck_assert_uint_eq(fpu_to_int(FPU_F64, 0xbff0000000000000ull, 64, false, &st, &k), 0);
	ck_assert_int_eq(k, FPU_CVT_OVF_NEG);
	ck_assert_uint_eq(st.flags, FPU_NV);
	st.flags = 0;
	ck_assert_uint_eq(fpu_to_int(FPU_F64, 0xbfe0000000000000ull, 64, false, &st, &k), 0);
	ck_assert_int_eq(k, FPU_CVT_OK);
	ck_assert_uint_eq(st.flags, FPU_NX);
	/* unsigned 32-bit results are zero-extended; RISC-V sign-extends them itself */
	st.flags = 0;
	ck_assert_uint_eq(fpu_to_int(FPU_F32, 0x4f32d05e, 32, false, &st, &k), 0xb2d05e00ull);
	ck_assert_uint_eq(st.flags, 0);
}
END_TEST

/* ---- NaN policies for other guests ---- */

START_TEST(mips_legacy_nans)
{
	struct fpu_status st = {FPU_RNE, 0, FPU_NAN_DEFAULT, true};

	/* the quiet bit set means signalling */
	ck_assert(fpu_is_snan(FPU_F32, 0x7fc00000, &st));
	ck_assert(!fpu_is_snan(FPU_F32, 0x7f800001, &st));
	ck_assert(fpu_is_snan(FPU_F64, 0xfff8000000000000ull, &st));
	ck_assert_int_eq(fpu_classify(FPU_F32, 0x7fc00000, &st), FPU_CLASS_SNAN);
	ck_assert_int_eq(fpu_classify(FPU_F32, 0x7fbfffff, &st), FPU_CLASS_QNAN);
	ck_assert_uint_eq(fpu_default_nan(FPU_F32, &st), 0x7fbfffff);
	ck_assert_uint_eq(fpu_default_nan(FPU_F64, &st), 0x7ff7ffffffffffffull);

	ck_assert_uint_eq(fpu_add(FPU_F32, 0x7fc00000, 0x3f800000, &st), 0x7fbfffff);
	ck_assert_uint_eq(st.flags, FPU_NV);
	st.flags = 0;
	ck_assert_uint_eq(fpu_mul(FPU_F32, 0x7f800001, 0x3f800000, &st), 0x7fbfffff);
	ck_assert_uint_eq(st.flags, 0);
	/* invalid operations produce the legacy default NaN, also on the host path */
	ck_assert_uint_eq(fpu_sub(FPU_F64, 0x7ff0000000000000ull, 0x7ff0000000000000ull, &st),
			  0x7ff7ffffffffffffull);
	ck_assert_uint_eq(fpu_sqrt(FPU_F32, 0xbf800000, &st), 0x7fbfffff);
	ck_assert_uint_eq(st.flags, FPU_NV);
	st.flags = 0;
	ck_assert_int_eq(fpu_compare(FPU_F32, 0x7f800001, 0x7f800001, false, &st), FPU_UNORDERED);
	ck_assert_uint_eq(st.flags, 0);
	ck_assert_int_eq(fpu_compare(FPU_F32, 0x7fc00000, 0x3f800000, false, &st), FPU_UNORDERED);
	ck_assert_uint_eq(st.flags, FPU_NV);

	/* propagation: quiet NaNs pass, signalling ones cannot be quieted */
	st.nan_mode = FPU_NAN_PROPAGATE;
	st.flags = 0;
	ck_assert_uint_eq(fpu_add(FPU_F32, 0x3f800000, 0x7f812345, &st), 0x7f812345);
	ck_assert_uint_eq(st.flags, 0);
	ck_assert_uint_eq(fpu_add(FPU_F32, 0x7f812345, 0x7fc00001, &st), 0x7fbfffff);
	ck_assert_uint_eq(st.flags, FPU_NV);
}
END_TEST

START_TEST(propagate_nans)
{
	struct fpu_status st = {FPU_RNE, 0, FPU_NAN_PROPAGATE, false};

	/* the first signalling NaN wins, quieted; else the first quiet one */
	ck_assert_uint_eq(fpu_add(FPU_F32, 0x7fc00001, 0xff812345, &st), 0xffc12345);
	ck_assert_uint_eq(st.flags, FPU_NV);
	st.flags = 0;
	ck_assert_uint_eq(fpu_mul(FPU_F32, 0x3f800000, 0xffc00002, &st), 0xffc00002);
	ck_assert_uint_eq(fpu_div(FPU_F64, 0x7ff8000000000005ull, 0x7ff8000000000006ull, &st),
			  0x7ff8000000000005ull);
	ck_assert_uint_eq(st.flags, 0);
	ck_assert_uint_eq(fpu_muladd(FPU_F64, 0x3ff0000000000000ull, 0x7ff8000000000001ull,
				     0x7ff0000000000002ull, 0, &st),
			  0x7ff8000000000002ull);
	ck_assert_uint_eq(st.flags, FPU_NV);
	/* inf * 0 + qNaN: invalid, the NaN operand comes through */
	st.flags = 0;
	ck_assert_uint_eq(fpu_muladd(FPU_F32, 0x7f800000, 0, 0x7fc00009, 0, &st), 0x7fc00009);
	ck_assert_uint_eq(st.flags, FPU_NV);
	/* an invalid operation without NaN operands makes the default NaN */
	st.flags = 0;
	ck_assert_uint_eq(fpu_mul(FPU_F32, 0x7f800000, 0x80000000, &st), 0x7fc00000);
	ck_assert_uint_eq(st.flags, FPU_NV);
	/* conversions keep the sign and the leading payload bits */
	st.flags = 0;
	ck_assert_uint_eq(fpu_convert(FPU_F64, FPU_F32, 0xffc12345, &st),
			  0xfff8000000000000ull | (0x412345ull << 29));
	ck_assert_uint_eq(fpu_convert(FPU_F32, FPU_F64, 0x7ff8000123456789ull, &st), 0x7fc00009);
	ck_assert_uint_eq(st.flags, 0);
	ck_assert_uint_eq(fpu_convert(FPU_F32, FPU_F64, 0x7ff0000000000001ull, &st), 0x7fc00000);
	ck_assert_uint_eq(st.flags, FPU_NV);
	/* minimumNumber of two NaNs */
	st.flags = 0;
	ck_assert_uint_eq(fpu_min_num(FPU_F32, 0x7fc00003, 0x7f800004, &st), 0x7fc00004);
	ck_assert_uint_eq(st.flags, FPU_NV);
}
END_TEST

/* ---- Host environment isolation ---- */

START_TEST(host_env_untouched)
{
	struct fpu_status st = rv_st(FPU_RNE);
	volatile double one = 1.0, three = 3.0, r;

	/* the host runs rounding up with inexact raised; morph must ignore and keep both */
	fesetround(FE_UPWARD);
	feclearexcept(FE_ALL_EXCEPT);
	r = one / three;
	ck_assert(fetestexcept(FE_INEXACT));
	/* 1/3 rounded to nearest is below the true value; upward would differ */
	ck_assert_uint_eq(fpu_div(FPU_F64, 0x3ff0000000000000ull, 0x4008000000000000ull, &st),
			  0x3fd5555555555555ull);
	ck_assert_uint_eq(st.flags, FPU_NX);
	/* an exact operation reports no flags although the host has inexact set */
	st.flags = 0;
	ck_assert_uint_eq(fpu_add(FPU_F64, 0x3ff0000000000000ull, 0x3ff0000000000000ull, &st),
			  0x4000000000000000ull);
	ck_assert_uint_eq(fpu_muladd(FPU_F32, 0x3f800000, 0x3f800000, 0x3f800000, 0, &st),
			  0x40000000);
	ck_assert_uint_eq(st.flags, 0);
	/* and invalid/divide-by-zero in guest code do not leak into the host */
	feclearexcept(FE_ALL_EXCEPT);
	fpu_div(FPU_F64, 0x3ff0000000000000ull, 0, &st);
	fpu_sqrt(FPU_F32, 0xbf800000, &st);
	ck_assert_uint_eq(st.flags, FPU_DZ | FPU_NV);
	ck_assert(!fetestexcept(FE_ALL_EXCEPT));
	ck_assert_int_eq(fegetround(), FE_UPWARD);
	fesetround(FE_TONEAREST);
	(void)r;
}
END_TEST

/* ---- RISC-V specifics ---- */

/* fadd.d with rm = DYN while frm holds the reserved @frm: must raise, touching nothing */
static void check_reserved_frm(unsigned frm)
{
	static struct rv_cpu cpu; /* static: survives the longjmp */
	volatile int raised = 0;

	memset(&cpu, 0, sizeof(cpu));
	cpu.frm = frm;
	cpu.fflags = 0x3;
	if (sigsetjmp(cpu.c.jmp_env, 0) == 0)
		helper_fadd_d(&cpu, 0x3ff0000000000000ull, 0x4008000000000000ull, RV_RM_DYN);
	else
		raised = 1;
	ck_assert(raised);
	ck_assert_int_eq(cpu.c.exception, EXCP_ILLEGAL);
	ck_assert_uint_eq(cpu.fflags, 0x3);
	/* a static mode does not look at frm */
	ck_assert_uint_eq(helper_fdiv_d(&cpu, 0x3ff0000000000000ull, 0x4008000000000000ull,
					RV_RM_RUP),
			  0x3fd5555555555556ull);
	ck_assert_uint_eq(cpu.fflags, 0x3 | RV_FFLAG_NX);
}

START_TEST(rv_dynamic_rm_reserved)
{
	check_reserved_frm(5);
	check_reserved_frm(6);
	check_reserved_frm(7);
}
END_TEST

START_TEST(rv_flags_accrue)
{
	struct rv_cpu cpu;

	memset(&cpu, 0, sizeof(cpu));
	helper_fdiv_s(&cpu, S(0x3f800000), S(0), RV_RM_RNE);
	ck_assert_uint_eq(cpu.fflags, RV_FFLAG_DZ);
	helper_fadd_s(&cpu, S(0x3f800000), S(0x40000000), RV_RM_RNE);
	ck_assert_uint_eq(cpu.fflags, RV_FFLAG_DZ);
	helper_fmul_d(&cpu, 0x7fefffffffffffffull, 0x4000000000000000ull, RV_RM_RNE);
	ck_assert_uint_eq(cpu.fflags, RV_FFLAG_DZ | RV_FFLAG_OF | RV_FFLAG_NX);
	helper_flt_d(&cpu, QNAN_D, 0);
	ck_assert_uint_eq(cpu.fflags, 0x1f & ~RV_FFLAG_UF);
	/* results of single operations are NaN-boxed, also NaNs */
	ck_assert_uint_eq(helper_fsqrt_s(&cpu, S(0xbf800000), RV_RM_RNE), QNAN_S);
	ck_assert_uint_eq(helper_fcvt_s_int(&cpu, 1, RV_RM_RNE, RV_CVT_L), S(0x3f800000));
	ck_assert_uint_eq(helper_fmin_s(&cpu, S(0x7fc00000), S(0x80000000)), S(0x80000000));
}
END_TEST

START_TEST(rv_helpers_registered)
{
	const struct ir_helper *h;

	rv_fp_helpers_register();
	h = ir_helper_get(hid_fmadd_d);
	ck_assert_str_eq(h->name, "fmadd_d");
	ck_assert_uint_eq(h->nargs, 6);
	ck_assert(h->flags & IR_HF_MAY_RAISE);
	h = ir_helper_get(hid_feq_s);
	ck_assert(!(h->flags & (IR_HF_PURE | IR_HF_MAY_RAISE)));
	h = ir_helper_get(hid_fclass_d);
	ck_assert(h->flags & IR_HF_PURE);
}
END_TEST

static Suite *fpu_suite(void)
{
	Suite *s = suite_create("fpu");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, table_host_path);
	tcase_add_test(tc, table_soft_path);
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, soft_matches_host);
	tcase_add_test(tc, rmm_matches_reference);
	tcase_add_test(tc, rmm_conversions);
	tcase_add_test(tc, to_int_matches_reference);
	suite_add_tcase(s, tc);

	tc = tcase_create("policy");
	tcase_add_test(tc, to_int_kinds);
	tcase_add_test(tc, mips_legacy_nans);
	tcase_add_test(tc, propagate_nans);
	tcase_add_test(tc, host_env_untouched);
	suite_add_tcase(s, tc);

	tc = tcase_create("riscv");
	tcase_add_test(tc, rv_dynamic_rm_reserved);
	tcase_add_test(tc, rv_flags_accrue);
	tcase_add_test(tc, rv_helpers_registered);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fpu_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
