/*
 * What the frontends' floating point shares (guest-neutral):
 *  - fp_gen(): the emitter of an FP operation, a call of its helper with FP
 *    operands then constants, or the same as IR_fpop where the host can
 *    compute it inline (include/morph/ir.h, ir_fpop());
 *  - fp_host_flags() / fp_host_flags_reset(): the IEEE flags such inline code
 *    leaves in the host's sticky bits (include/morph/fpu.h), for the guest's
 *    FP status register.
 */
#ifndef MORPH_FP_GUEST_H
#define MORPH_FP_GUEST_H

#include <stdint.h>

#include "morph/cpu.h"
#include "morph/exec.h"
#include "morph/fpu.h"
#include "morph/ir.h"

/* fp_op.fast when the operation is always the helper call */
#define FP_CALL_ONLY (~(uint64_t)0)

/**
 * struct fp_op - one FP operation: helper @hid (env, @op[0..@nop), then the
 * i32 constants @imm[0..@nimm)), whose i64 result is the operation's. With
 * @fast an IR_fpop kind (IR_FP_* | format | guard) it is emitted as IR_fpop
 * with @hid as the fallback, which needs @nop 1 (IR_FP_SQRT) or 2 and @nimm
 * at most 1.
 */
struct fp_op {
	unsigned hid;
	uint64_t fast;
	unsigned nop;
	ir_temp op[3];
	unsigned nimm;
	uint32_t imm[2];
};

/** fp_gen() - emit @o into @ir; returns a new i64 temp holding its result. */
static inline ir_temp fp_gen(struct ir_ctx *ir, const struct fp_op *o)
{
	ir_temp r = ir_new_temp(ir, IR_I64), args[5];
	unsigned n = 0;

	if (o->fast != FP_CALL_ONLY) {
		ir_fpop(ir, o->fast, r, o->op[0], o->op[o->nop - 1], o->hid,
			o->nimm ? o->imm[0] : IR_FP_NO_IMM);
		return r;
	}
	for (unsigned i = 0; i < o->nop; i++)
		args[n++] = o->op[i];
	for (unsigned i = 0; i < o->nimm; i++)
		args[n++] = ir_const(ir, IR_I32, o->imm[i]);
	ir_call(ir, o->hid, r, n, args);
	return r;
}

/**
 * fp_host_flags() - the FPU_* flags that inline FP code (IR_fpop) raised for
 * @c and that the guest's status does not hold yet: the host's sticky bits
 * (only readable on @c's own thread, where they belong) and what a host
 * fault handed over in cpu.fpu_flags (taken). The host bits stay set: the
 * caller ORs the result into its accrued flags, so reading twice is harmless,
 * and leaving them costs no ldmxcsr.
 */
static inline unsigned fp_host_flags(struct cpu *c)
{
	unsigned f = c->fpu_flags;

	if (current_cpu == c)
		f |= fpu_host_flags_peek();
	c->fpu_flags = 0;
	return f;
}

/**
 * fp_host_flags_reset() - the guest replaced its accrued flags by @keep
 * (FPU_* bits): the host's sticky bits are cleared unless @keep holds them
 * anyway (the common save/restore around library code then costs no
 * ldmxcsr).
 */
static inline void fp_host_flags_reset(struct cpu *c, unsigned keep)
{
	if (current_cpu == c && (fpu_host_flags_peek() & ~keep))
		fpu_host_flags_clear();
	c->fpu_flags = 0;
}

#endif
