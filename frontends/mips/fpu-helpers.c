/*
 * MIPS FPU helpers: the MIPS32 release 2 rules around the guest-neutral IEEE
 * arithmetic of src/fpu (Volume I-A, "Floating-Point Unit"; Volume II for
 * each instruction), for the legacy NaN encoding of a 24Kf-class FPU
 * (FCSR.NAN2008 = 0, read-only):
 *  - a NaN with the quiet bit set is signalling; every NaN result is the
 *    default NaN 0x7fbfffff / 0x7ff7ffffffffffff (fpu.h: snan_bit_is_one,
 *    FPU_NAN_DEFAULT), as QEMU models these FPUs (restore_snan_bit_mode():
 *    "SNaNs are not silenced; default nans are produced");
 *  - every arithmetic operation sets FCSR.Cause to its exceptions; an
 *    enabled one raises the FP exception without writing the result or the
 *    flags, otherwise the flags accrue (Volume I-A, "FPU Exceptions");
 *  - conversions to integer that are invalid (NaN, out of range) give
 *    2^31 - 1 / 2^63 - 1;
 *  - madd & co are not fused before release 6: the product is rounded.
 *
 * add/sub/mul/div, sqrt and c.cond mostly run inline (trans-fp.c, IR_fpop)
 * while the host's arithmetic is exactly the FPU's: FCSR.RM is nearest, no
 * Enable and no FS (fp_guard), no NaN operand or result. Their flags accrue
 * in the host's sticky bits, and the operation and its operands are recorded
 * in fp_last: Cause is computed from them when FCSR is read (mips_fcsr_read()),
 * replaying the operation through the same code as its helper.
 */
#include "morph/exec.h"
#include "morph/fp-guest.h"
#include "morph/fpu.h"
#include "frontends/mips/mips-cpu.h"
#include "frontends/mips/mips-fp.h"

#define HELPER_ENV struct mips_cpu
#define HELPER_LIST "frontends/mips/helpers-fp.def"
#define HELPER_DEFINE_TABLE mips_fp_helpers_register
#include "morph/helper-def.h"

#define CAUSE_MASK (0x3fu << MIPS_FCSR_CAUSE_SHIFT)
#define FLAGS_MASK (0x1fu << MIPS_FCSR_FLAGS_SHIFT)
#define ENABLES_MASK (0x1fu << MIPS_FCSR_ENABLES_SHIFT)

/* FCSR.RM: RN, RZ, RP, RM */
static const uint8_t rm_to_fpu[4] = {FPU_RNE, FPU_RTZ, FPU_RUP, FPU_RDN};

static struct fpu_status status(const struct mips_cpu *cpu)
{
	struct fpu_status st = {rm_to_fpu[cpu->fcsr & MIPS_FCSR_RM], 0, FPU_NAN_DEFAULT, true};

	return st;
}

/*
 * After an operation: Cause = its exceptions (the fpu.h flags have FCSR's
 * bit order); raise if one is enabled, else accrue the flags.
 */
static void finish(struct mips_cpu *cpu, const struct fpu_status *st)
{
	uint32_t cause = st->flags & 0x1fu;

	cpu->fp_last = 0;
	cpu->fcsr = (cpu->fcsr & ~CAUSE_MASK) | cause << MIPS_FCSR_CAUSE_SHIFT;
	if (cause & (cpu->fcsr >> MIPS_FCSR_ENABLES_SHIFT)) {
		/*
		 * The host path of src/fpu may have left the inexact flag of this
		 * operation in the host's sticky bits, which must not reach Flags.
		 * With an Enable set nothing runs inline, and the ctc1 that set it
		 * took the host's bits into fcsr: dropping them loses nothing.
		 */
		if (current_cpu == &cpu->c)
			fpu_host_flags_clear();
		cpu_loop_exit(&cpu->c, MIPS_EXCP_FPE);
	}
	cpu->fcsr |= cause << MIPS_FCSR_FLAGS_SHIFT;
}

static enum fpu_fmt ieee_fmt(unsigned fmt)
{
	return fmt == MIPS_FMT_D ? FPU_F64 : FPU_F32;
}

static uint64_t arith(uint64_t a, uint64_t b, uint32_t op, struct fpu_status *st)
{
	enum fpu_fmt f = ieee_fmt(MIPS_FOP_FMT(op));

	switch (MIPS_FOP_OP(op)) {
	case MIPS_FP_ADD: return fpu_add(f, a, b, st);
	case MIPS_FP_SUB: return fpu_sub(f, a, b, st);
	case MIPS_FP_MUL: return fpu_mul(f, a, b, st);
	default: return fpu_div(f, a, b, st);
	}
}

uint64_t helper_mips_fp_arith(struct mips_cpu *cpu, uint64_t a, uint64_t b, uint32_t op)
{
	struct fpu_status st = status(cpu);
	uint64_t r = arith(a, b, op, &st);

	finish(cpu, &st);
	return r;
}

/* The value 1.0 of @f */
static uint64_t one(enum fpu_fmt f)
{
	return f == FPU_F64 ? 0x3ff0000000000000ull : 0x3f800000u;
}

/* @a to an integer of @width bits rounding per @rm; invalid gives the maximum */
static uint64_t to_int(enum fpu_fmt f, uint64_t a, unsigned width, int rm,
		       struct fpu_status *st)
{
	enum fpu_cvt_kind kind;
	uint64_t r;

	if (rm >= 0)
		st->round = (uint8_t)rm;
	r = fpu_to_int(f, a, width, true, st, &kind);
	if (kind != FPU_CVT_OK)
		r = width == 32 ? 0x7fffffffu : 0x7fffffffffffffffull;
	return width == 32 ? (uint32_t)r : r;
}

static uint64_t unary(uint64_t a, uint32_t op, struct fpu_status *st)
{
	static const int8_t int_rm[5] = {-1, FPU_RNE, FPU_RTZ, FPU_RUP, FPU_RDN};
	unsigned fmt = MIPS_FOP_FMT(op), o = MIPS_FOP_OP(op);
	enum fpu_fmt f = ieee_fmt(fmt);
	uint64_t r;

	switch (o) {
	case MIPS_FP_SQRT:
		r = fpu_sqrt(f, a, st);
		break;
	case MIPS_FP_RECIP:
		r = fpu_div(f, one(f), a, st);
		break;
	case MIPS_FP_RSQRT:
		r = fpu_div(f, one(f), fpu_sqrt(f, a, st), st);
		break;
	case MIPS_FP_TO_S:
	case MIPS_FP_TO_D: {
		enum fpu_fmt to = o == MIPS_FP_TO_S ? FPU_F32 : FPU_F64;
		if (fmt == MIPS_FMT_W)
			r = fpu_from_int(to, (uint64_t)(int64_t)(int32_t)a, true, st);
		else if (fmt == MIPS_FMT_L)
			r = fpu_from_int(to, a, true, st);
		else
			r = fpu_convert(to, f, a, st);
		break;
	}
	case MIPS_FP_CVT_W: case MIPS_FP_ROUND_W: case MIPS_FP_TRUNC_W:
	case MIPS_FP_CEIL_W: case MIPS_FP_FLOOR_W:
		r = to_int(f, a, 32, int_rm[o - MIPS_FP_CVT_W], st);
		break;
	default:
		r = to_int(f, a, 64, int_rm[o - MIPS_FP_CVT_L], st);
		break;
	}
	return r;
}

uint64_t helper_mips_fp_unary(struct mips_cpu *cpu, uint64_t a, uint32_t op)
{
	struct fpu_status st = status(cpu);
	uint64_t r = unary(a, op, &st);

	finish(cpu, &st);
	return r;
}

uint64_t helper_mips_fp_madd(struct mips_cpu *cpu, uint64_t fs, uint64_t ft, uint64_t fr,
			     uint32_t op)
{
	struct fpu_status st = status(cpu);
	enum fpu_fmt f = ieee_fmt(MIPS_FOP_FMT(op));
	unsigned o = MIPS_FOP_OP(op);
	uint64_t p = fpu_mul(f, fs, ft, &st), r;

	r = (o == MIPS_FP_MADD || o == MIPS_FP_NMADD) ? fpu_add(f, p, fr, &st)
						       : fpu_sub(f, p, fr, &st);
	/* the negated forms flip the sign of whatever came out, NaNs included */
	if (o == MIPS_FP_NMADD || o == MIPS_FP_NMSUB)
		r ^= f == FPU_F64 ? 0x8000000000000000ull : 0x80000000u;
	finish(cpu, &st);
	return r;
}

/*
 * c.cond.fmt (Volume II, C.cond.fmt): cond bit 0 = true if unordered, bit 1
 * = if equal, bit 2 = if less; bit 3 = signalling (any NaN is invalid).
 */
static bool cmp(uint64_t a, uint64_t b, uint32_t op, struct fpu_status *st)
{
	unsigned c = MIPS_FOP_OP(op) & 15;
	enum fpu_relation rel = fpu_compare(ieee_fmt(MIPS_FOP_FMT(op)), a, b, c & 8, st);

	return ((c & 1) && rel == FPU_UNORDERED) || ((c & 2) && rel == FPU_EQUAL) ||
	       ((c & 4) && rel == FPU_LESS);
}

/* translated code sets FCC[cc] from the result */
uint64_t helper_mips_fp_cmp(struct mips_cpu *cpu, uint64_t a, uint64_t b, uint32_t op)
{
	struct fpu_status st = status(cpu);
	bool t = cmp(a, b, op, &st);

	finish(cpu, &st);
	return t;
}

/* The exceptions of the operation recorded in fp_last, which ran inline */
static uint32_t last_cause(const struct mips_cpu *cpu)
{
	struct fpu_status st = {FPU_RNE, 0, FPU_NAN_DEFAULT, true};
	uint32_t op = cpu->fp_last & 0xffffu;

	switch (cpu->fp_last >> 16) {
	case MIPS_LAST_ARITH:
		arith(cpu->fp_last_a, cpu->fp_last_b, op, &st);
		break;
	case MIPS_LAST_UNARY:
		unary(cpu->fp_last_a, op, &st);
		break;
	default:
		cmp(cpu->fp_last_a, cpu->fp_last_b, op, &st);
		break;
	}
	return st.flags & 0x1fu;
}

uint32_t mips_fcsr_read(struct mips_cpu *cpu)
{
	if (cpu->fp_last) {
		cpu->fcsr = (cpu->fcsr & ~CAUSE_MASK) | last_cause(cpu) << MIPS_FCSR_CAUSE_SHIFT;
		cpu->fp_last = 0;
	}
	cpu->fcsr |= fp_host_flags(&cpu->c) << MIPS_FCSR_FLAGS_SHIFT;
	return cpu->fcsr;
}

void mips_fcsr_write(struct mips_cpu *cpu, uint32_t v)
{
	uint32_t f = (cpu->fcsr & ~MIPS_FCSR_WMASK) | (v & MIPS_FCSR_WMASK);

	cpu->fcsr = f;
	cpu->fp_last = 0;
	fp_host_flags_reset(&cpu->c, (f & FLAGS_MASK) >> MIPS_FCSR_FLAGS_SHIFT);
	cpu->fp_guard = f & (MIPS_FCSR_RM | ENABLES_MASK | MIPS_FCSR_FS);
}

/*
 * ctc1 to FCSR (31) or its views FCCR (25: the FCCs), FEXR (26: cause and
 * flags), FENR (28: enables, FS, RM). Writing a cause whose enable is set
 * raises the FP exception at once (Volume I-A, FCSR).
 */
void helper_mips_ctc1(struct mips_cpu *cpu, uint64_t v, uint32_t reg)
{
	uint32_t x = (uint32_t)v, f = mips_fcsr_read(cpu);

	switch (reg) {
	case 25:
		f = (f & ~0xfe800000u) | (x & 0xfe) << 24 | (x & 1) << 23;
		break;
	case 26:
		f = (f & ~(CAUSE_MASK | FLAGS_MASK)) | (x & (CAUSE_MASK | FLAGS_MASK));
		break;
	case 28:
		f = (f & ~(0xf83u | MIPS_FCSR_FS)) | (x & 0xf83) | (x & 4) << 22;
		break;
	case 31:
		f = x;
		break;
	default:
		return; /* read-only or reserved: ignored */
	}
	mips_fcsr_write(cpu, f);
	if ((cpu->fcsr >> MIPS_FCSR_CAUSE_SHIFT) &
	    ((cpu->fcsr >> MIPS_FCSR_ENABLES_SHIFT) & 0x1f))
		cpu_loop_exit(&cpu->c, MIPS_EXCP_FPE);
}

uint64_t helper_mips_cfc1(struct mips_cpu *cpu, uint32_t reg)
{
	uint32_t f = mips_fcsr_read(cpu), r;

	switch (reg) {
	case 0:
		r = cpu->fir;
		break;
	case 25:
		r = (f >> 24 & 0xfe) | (f >> 23 & 1);
		break;
	case 26:
		r = f & (CAUSE_MASK | FLAGS_MASK);
		break;
	case 28:
		r = (f & 0xf83) | (f >> 22 & 4);
		break;
	case 31:
		r = f;
		break;
	default:
		r = 0;
		break;
	}
	return (uint64_t)(int64_t)(int32_t)r;
}
