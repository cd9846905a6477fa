/*
 * ecall, ebreak, fence, fence.i and Zicsr for user mode (unprivileged spec
 * chapters 2.7, 2.8, 6 "Zicsr" and 7 "Zifencei").
 */
#include "frontends/riscv/rv-gen.h"

bool trans_ecall(struct rv_ctx *ctx, const struct rv_args *a)
{
	/* cpu->pc stays at the ecall: the syscall layer advances it */
	return gen_raise(ctx, hid_rv_ecall);
}

bool trans_ebreak(struct rv_ctx *ctx, const struct rv_args *a)
{
	return gen_raise(ctx, hid_rv_ebreak);
}

/*
 * FENCE pred, succ: each set is I, O, R, W (bits 3..0). Device input and
 * output order like loads and stores for a user-mode process.
 */
bool trans_fence(struct rv_ctx *ctx, const struct rv_args *a)
{
	bool pr = a->pred & 0xa, pw = a->pred & 0x5;
	bool sr = a->succ & 0xa, sw = a->succ & 0x5;
	unsigned kind = 0;

	if (pr && sr)
		kind |= IR_MB_LD_LD;
	if (pr && sw)
		kind |= IR_MB_LD_ST;
	if (pw && sr)
		kind |= IR_MB_ST_LD;
	if (pw && sw)
		kind |= IR_MB_ST_ST;
	if (kind)
		ir_mb(ctx->ir, kind);
	return true;
}

/*
 * Code may have been written: flushing the TB cache while this TB runs is
 * unsafe, so ask for a flush at the next loop iteration and leave to it.
 */
bool trans_fence_i(struct rv_ctx *ctx, const struct rv_args *a)
{
	/*
	 * System mode watches stores to pages holding code (softmmu.c): the TBs
	 * they made stale are gone already; only this TB's rest may be, so leave.
	 */
	if (!(ctx->flags & RV_TBF_SYS))
		gen_helper0(ctx, hid_rv_fence_i);
	ir_set_pci(ctx->ir, ctx->tl, ctx->next_pc);
	ir_exit_tb(ctx->ir, IR_EXIT_NORMAL);
	ctx->ended = true;
	return true;
}

/* ---- Zicsr */

enum csr_op { CSR_W, CSR_S, CSR_C };

enum csr_class { CSR_NONE, CSR_FP, CSR_COUNTER };

static enum csr_class csr_class_of(struct rv_ctx *ctx, unsigned csr)
{
	switch (csr) {
	case RV_CSR_FFLAGS:
	case RV_CSR_FRM:
	case RV_CSR_FCSR:
		return ctx->flags & RV_TBF_FS_OFF ? CSR_NONE : CSR_FP;
	case RV_CSR_CYCLE:
	case RV_CSR_TIME:
	case RV_CSR_INSTRET:
		return CSR_COUNTER;
	default:
		return CSR_NONE;
	}
}

/*
 * csrr[wsc] rd, csr, src. Spec 6.1: csrrw with rd=x0 does not read (no read
 * side effects here anyway); csrrs/csrrc with rs1=x0 (the i forms: uimm=0)
 * do not write, so they may read a read-only CSR. A write to a read-only CSR
 * (bits 11:10 == 3) or an unknown CSR is an illegal instruction.
 */
static bool gen_csr(struct rv_ctx *ctx, const struct rv_args *a, enum csr_op op, ir_temp src,
		    bool zero_src)
{
	struct ir_ctx *ir = ctx->ir;
	unsigned csr = (unsigned)a->csr;
	enum csr_class cls = csr_class_of(ctx, csr);
	bool write = op == CSR_W || !zero_src;
	/* csrrw with rd = x0 does not read (fsflags/fsrm in save/restore idioms) */
	bool read = op != CSR_W || a->rd != 0;
	ir_temp num, args[2];
	ir_temp old, nv;

	if (ctx->flags & RV_TBF_SYS)
		return gen_csr_sys(ctx, a, op, src, write);
	num = ir_const(ir, IR_I32, csr);
	old = rv_tmp(ctx);
	if (cls == CSR_NONE || (write && (csr >> 10) == 3))
		return false;
	if (cls == CSR_COUNTER) {
		ir_call(ir, hid_rv_csrr_counter, old, 1, &num);
		gen_set_gpr(ctx, a->rd, old);
		return true;
	}
	if (read)
		ir_call(ir, hid_rv_csrr_fp, old, 1, &num);
	if (write) {
		nv = src;
		if (op != CSR_W) {
			nv = rv_tmp(ctx);
			ir_op2(ir, op == CSR_S ? IR_or : IR_andc, ctx->tl, nv, old, src);
		}
		args[0] = num;
		args[1] = nv;
		ir_call(ir, hid_rv_csrw_fp, IR_TEMP_NONE, 2, args);
	}
	if (read)
		gen_set_gpr(ctx, a->rd, old);
	/* the rest of the TB may depend on frm (RV_TBF_FRM) */
	if (write && csr != RV_CSR_FFLAGS)
		gen_exit_next(ctx);
	return true;
}

static bool gen_csr_reg(struct rv_ctx *ctx, const struct rv_args *a, enum csr_op op)
{
	/* copy rs1 first: rd may be rs1 */
	ir_temp src = rv_tmp(ctx);

	ir_mov(ctx->ir, ctx->tl, src, rv_gpr(ctx, a->rs1));
	return gen_csr(ctx, a, op, src, a->rs1 == 0);
}

static bool gen_csr_imm(struct rv_ctx *ctx, const struct rv_args *a, enum csr_op op)
{
	/* the rs1 field is a 5-bit zero-extended immediate */
	return gen_csr(ctx, a, op, rv_imm(ctx, a->rs1), a->rs1 == 0);
}

RV_TRANS(csrrw, gen_csr_reg, CSR_W)
RV_TRANS(csrrs, gen_csr_reg, CSR_S)
RV_TRANS(csrrc, gen_csr_reg, CSR_C)
RV_TRANS(csrrwi, gen_csr_imm, CSR_W)
RV_TRANS(csrrsi, gen_csr_imm, CSR_S)
RV_TRANS(csrrci, gen_csr_imm, CSR_C)
