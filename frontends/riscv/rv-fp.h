/*
 * RISC-V F/D: what trans-fp.c, fpu-helpers.c and arch.c share.
 */
#ifndef MORPH_RV_FP_H
#define MORPH_RV_FP_H

#include <stdint.h>

#include "morph/exec.h"
#include "morph/fp-guest.h"
#include "morph/fpu.h"
#include "frontends/riscv/rv-cpu.h"

/* Integer type of fcvt.* (the rs2 field of fcvt.int.fmt and fcvt.fmt.int) */
enum { RV_CVT_W, RV_CVT_WU, RV_CVT_L, RV_CVT_LU };

/* Canonical NaNs (F/D section "NaN Generation and Propagation") */
#define RV_CANON_NAN_S 0x7fc00000u
#define RV_CANON_NAN_D 0x7ff8000000000000ull
/* The upper half of a NaN-boxed single (section "NaN Boxing of Narrower Values") */
#define RV_NANBOX_HI 0xffffffff00000000ull

/** rv_fp_helpers_register() - register the helpers of helpers-fp.def (arch init). */
void rv_fp_helpers_register(void);

/** rv_unbox_s() - the single in f register value @v; improperly boxed reads as canonical NaN. */
static inline uint32_t rv_unbox_s(uint64_t v)
{
	return (v & RV_NANBOX_HI) == RV_NANBOX_HI ? (uint32_t)v : RV_CANON_NAN_S;
}

/** rv_box_s() - single @v as an f register value. */
static inline uint64_t rv_box_s(uint32_t v)
{
	return RV_NANBOX_HI | v;
}

/*
 * fflags as the guest sees it: with what inline FP code (IR_fpop) left in the
 * host's sticky bits until the guest writes fflags (fp_host_flags()).
 */
static inline uint32_t rv_fflags(struct rv_cpu *cpu)
{
	cpu->fflags |= fp_host_flags(&cpu->c); /* fpu.h shares fflags' bit layout */
	return cpu->fflags;
}

/*
 * rv_set_frm() - every write of frm goes here: TBs translated while frm is
 * RNE compute dynamic-rounding ops inline without looking at frm, so the
 * TB flags record whether it is (RV_TBF_FRM). Callers inside a TB end it.
 */
static inline void rv_set_frm(struct rv_cpu *cpu, uint32_t v)
{
	cpu->frm = v & 7;
	cpu->c.tb_flags = (cpu->c.tb_flags & ~RV_TBF_FRM) | (cpu->frm != RV_RM_RNE ? RV_TBF_FRM : 0);
}

/** rv_set_fflags() - a write of fflags replaces everything accrued so far. */
static inline void rv_set_fflags(struct rv_cpu *cpu, uint32_t v)
{
	v &= 0x1f;
	fp_host_flags_reset(&cpu->c, v);
	cpu->fflags = v;
}

#endif
