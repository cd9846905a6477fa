/*
 * RISC-V F/D: what trans-fp.c, fpu-helpers.c and arch.c share.
 */
#ifndef MORPH_RV_FP_H
#define MORPH_RV_FP_H

#include <stdint.h>

#include "morph/exec.h"
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
 * fflags as the guest sees it. Inline FP code (IR_fpop) leaves its flags in
 * the host's sticky bits, where they stay until the guest writes fflags
 * (reading them costs a stmxcsr, clearing them an ldmxcsr); a host fault
 * hands them over in cpu.fpu_flags. The host bits are only read on the hart's
 * own thread, where they belong.
 */
static inline uint32_t rv_fflags(struct rv_cpu *cpu)
{
	if (current_cpu == &cpu->c)
		cpu->fflags |= fpu_host_flags_peek(); /* fpu.h shares fflags' bit layout */
	cpu->fflags |= cpu->c.fpu_flags;
	cpu->c.fpu_flags = 0;
	return cpu->fflags;
}

/*
 * rv_set_fflags() - a write of fflags replaces everything accrued so far: the
 * host's sticky bits are cleared unless the new value holds them anyway (the
 * common save/restore of fflags around libm code then costs no ldmxcsr).
 */
static inline void rv_set_fflags(struct rv_cpu *cpu, uint32_t v)
{
	v &= 0x1f;
	if (current_cpu == &cpu->c && (fpu_host_flags_peek() & ~v))
		fpu_host_flags_clear();
	cpu->c.fpu_flags = 0;
	cpu->fflags = v;
}

#endif
