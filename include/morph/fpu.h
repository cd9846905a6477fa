/*
 * Guest-neutral IEEE 754 binary32/binary64 arithmetic on raw bit patterns.
 *
 * Every operation takes a struct fpu_status giving the rounding mode and the
 * NaN conventions of the guest, and ORs the IEEE exceptions it signals into
 * st->flags (never clears them). Tininess is detected after rounding and
 * underflow is signalled only when the result is tiny and inexact (the
 * default exception handling of IEEE 754-2008 section 7.5, as RISC-V and
 * MIPS specify).
 *
 * NaN policy is the guest's choice (struct fpu_status): RISC-V always
 * returns the default ("canonical") NaN; MIPS legacy mode inverts the meaning
 * of the quiet bit. Formats are given by enum fpu_fmt; binary32 values sit
 * in the low 32 bits of the uint64_t arguments and results (upper bits of
 * inputs are ignored, upper bits of results are zero).
 *
 * The arithmetic is correctly rounded in all five modes; on x86-64 hosts the
 * four IEEE directed/nearest modes use SSE through an explicit MXCSR (the
 * host's own MXCSR is saved and restored around each operation; see
 * docs/fpu.md for a cheaper variant), while round-to-nearest-max-magnitude
 * and all NaN operands take the software path.
 */
#ifndef MORPH_FPU_H
#define MORPH_FPU_H

#include <stdbool.h>
#include <stdint.h>

/** Formats. */
enum fpu_fmt { FPU_F32, FPU_F64 };

/** Rounding modes (same numbering as RISC-V frm). */
enum fpu_round {
	FPU_RNE, /* to nearest, ties to even */
	FPU_RTZ, /* toward zero */
	FPU_RDN, /* toward -infinity */
	FPU_RUP, /* toward +infinity */
	FPU_RMM, /* to nearest, ties to max magnitude (away from zero) */
};

/* Exception flags (same bit layout as RISC-V fflags and the MIPS FCSR flag field). */
#define FPU_NX 0x01u /* inexact */
#define FPU_UF 0x02u /* underflow */
#define FPU_OF 0x04u /* overflow */
#define FPU_DZ 0x08u /* divide by zero */
#define FPU_NV 0x10u /* invalid operation */

/** What a NaN result is. */
enum fpu_nan_mode {
	/* Always the default NaN (RISC-V canonical NaN, ARM FPSCR.DN). */
	FPU_NAN_DEFAULT,
	/*
	 * Propagate an input NaN, quieted: the first signalling NaN operand, else
	 * the first quiet one (for fma: a, b, then c). A signalling NaN that cannot
	 * be quieted by changing the quiet bit (snan_bit_is_one) gives the default NaN.
	 */
	FPU_NAN_PROPAGATE,
};

/** Per-operation environment and accrued flags. */
struct fpu_status {
	uint8_t round;         /* enum fpu_round */
	uint8_t flags;         /* accrued FPU_* exception flags */
	uint8_t nan_mode;      /* enum fpu_nan_mode */
	bool snan_bit_is_one;  /* MIPS legacy: a set quiet bit marks a signalling NaN */
};

/** Classes, ordered as the bits of RISC-V fclass. */
enum fpu_class {
	FPU_CLASS_NEG_INF, FPU_CLASS_NEG_NORMAL, FPU_CLASS_NEG_SUBNORMAL, FPU_CLASS_NEG_ZERO,
	FPU_CLASS_POS_ZERO, FPU_CLASS_POS_SUBNORMAL, FPU_CLASS_POS_NORMAL, FPU_CLASS_POS_INF,
	FPU_CLASS_SNAN, FPU_CLASS_QNAN,
};

/** Result of a comparison. */
enum fpu_relation { FPU_LESS, FPU_EQUAL, FPU_GREATER, FPU_UNORDERED };

/** How a float -> integer conversion went (the policy for invalid results is the guest's). */
enum fpu_cvt_kind {
	FPU_CVT_OK,       /* in range (possibly inexact: NX raised) */
	FPU_CVT_NAN,      /* input NaN: NV raised, result is the maximum positive integer */
	FPU_CVT_OVF_POS,  /* rounded value above the maximum: NV raised, result the maximum */
	FPU_CVT_OVF_NEG,  /* rounded value below the minimum: NV raised, result the minimum */
};

/* ---- Encoding facts ---- */

/** fpu_default_nan() - the default NaN of @fmt under @st's convention. */
uint64_t fpu_default_nan(enum fpu_fmt fmt, const struct fpu_status *st);
/** fpu_is_nan() - whether @a is a NaN of format @fmt. */
bool fpu_is_nan(enum fpu_fmt fmt, uint64_t a);
/** fpu_is_snan() - whether @a is a signalling NaN under @st's convention. */
bool fpu_is_snan(enum fpu_fmt fmt, uint64_t a, const struct fpu_status *st);
/** fpu_classify() - the class of @a. */
enum fpu_class fpu_classify(enum fpu_fmt fmt, uint64_t a, const struct fpu_status *st);

/* ---- Arithmetic (correctly rounded per st->round) ---- */

uint64_t fpu_add(enum fpu_fmt fmt, uint64_t a, uint64_t b, struct fpu_status *st);
uint64_t fpu_sub(enum fpu_fmt fmt, uint64_t a, uint64_t b, struct fpu_status *st);
uint64_t fpu_mul(enum fpu_fmt fmt, uint64_t a, uint64_t b, struct fpu_status *st);
uint64_t fpu_div(enum fpu_fmt fmt, uint64_t a, uint64_t b, struct fpu_status *st);
uint64_t fpu_sqrt(enum fpu_fmt fmt, uint64_t a, struct fpu_status *st);

/* Negation variants of fpu_muladd() (the RISC-V fmsub/fnmsub/fnmadd family). */
#define FPU_MA_NEG_PROD 0x1u   /* negate a*b */
#define FPU_MA_NEG_ADDEND 0x2u /* negate c */

/**
 * fpu_muladd() - (+/-)(a * b) (+/-) c with a single rounding.
 * @neg: FPU_MA_* bits. The negations are applied before the operation
 *       (so they also flip the sign of an exact zero result, and NaN inputs
 *       keep their own sign when propagated).
 * inf * 0 signals invalid even when c is a quiet NaN (RISC-V F 2.2, section
 * 11.6; IEEE 754 leaves it to the implementation).
 */
uint64_t fpu_muladd(enum fpu_fmt fmt, uint64_t a, uint64_t b, uint64_t c, unsigned neg,
		    struct fpu_status *st);

/* ---- Conversions ---- */

/** fpu_convert() - @a from format @from to format @to (rounding when narrowing). */
uint64_t fpu_convert(enum fpu_fmt to, enum fpu_fmt from, uint64_t a, struct fpu_status *st);

/**
 * fpu_from_int() - the integer @v as format @fmt.
 * @is_signed: @v is an int64_t (sign-extend 32-bit ints before calling),
 *             else a uint64_t (zero-extend).
 */
uint64_t fpu_from_int(enum fpu_fmt fmt, uint64_t v, bool is_signed, struct fpu_status *st);

/**
 * fpu_to_int() - @a rounded to an integer of @width bits (32 or 64).
 * Returns the integer (sign- or zero-extended to 64 bits per @is_signed).
 * Out-of-range and NaN inputs signal invalid (and not inexact) and return a
 * saturated value, as RISC-V specifies: NaN and too large give the maximum,
 * too small gives the minimum (0 for unsigned). @kind (may be NULL) tells
 * which case happened so another guest can substitute its own value.
 */
uint64_t fpu_to_int(enum fpu_fmt fmt, uint64_t a, unsigned width, bool is_signed,
		    struct fpu_status *st, enum fpu_cvt_kind *kind);

/* ---- Comparisons ---- */

/**
 * fpu_compare() - relation of @a to @b; -0 == +0.
 * @signalling: any NaN operand signals invalid (IEEE compareSignaling*, RISC-V flt/fle);
 *              otherwise only signalling NaNs do (compareQuiet*, RISC-V feq).
 */
enum fpu_relation fpu_compare(enum fpu_fmt fmt, uint64_t a, uint64_t b, bool signalling,
			      struct fpu_status *st);

/**
 * fpu_min_num() / fpu_max_num() - IEEE 754-2019 minimumNumber/maximumNumber:
 * -0 < +0; if exactly one operand is a NaN the other is returned; two NaNs give
 * the NaN result of the policy. A signalling NaN operand signals invalid.
 */
uint64_t fpu_min_num(enum fpu_fmt fmt, uint64_t a, uint64_t b, struct fpu_status *st);
uint64_t fpu_max_num(enum fpu_fmt fmt, uint64_t a, uint64_t b, struct fpu_status *st);

/* ---- Testing ---- */

/**
 * fpu_set_host_accel() - enable (default) or disable the host-SSE fast path;
 * returns the previous setting. With it off every operation runs in software,
 * which the unit tests use to check both paths against each other.
 */
bool fpu_set_host_accel(bool on);

/**
 * fpu_host_flags_peek() - the IEEE flags (FPU_*) raised in the calling host
 * thread's sticky exception flags (x86-64: MXCSR bits 0-5). Inline host FP
 * code (IR_fpop in the JIT) leaves its flags there: they accumulate until a
 * frontend clears them, and the frontend merges them when the guest reads its
 * FP status. No host code but the guest's arithmetic raises them.
 */
unsigned fpu_host_flags_peek(void);
/** fpu_host_flags_clear() - clear them (ldmxcsr: slow, so only when some are set). */
void fpu_host_flags_clear(void);
/** fpu_host_flags_take() - peek, then clear. */
unsigned fpu_host_flags_take(void);
/**
 * fpu_host_flags_of_context() - the same flags as saved in the ucontext_t of
 * a host signal handler (@ucontext), for a handler that will not return.
 */
unsigned fpu_host_flags_of_context(const void *ucontext);

#endif
