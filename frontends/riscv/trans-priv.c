/*
 * Translation of the privileged instructions (insn32-priv.decode) and of
 * system-mode CSR accesses. Everything that changes the privilege, mstatus
 * or the translation ends the TB, so the next TB is looked up with the new
 * flags and the exec loop can take an interrupt that just became enabled.
 */
#include "frontends/riscv/rv-gen.h"
#include "frontends/riscv/rv-sys.h"
#include "rvp-decode.h"

#define HELPER_LIST "frontends/riscv/helpers-sys.def"
#include "morph/helper-def.h"

/* Leave to the exec loop; the helper already set cpu->pc. */
static bool gen_exit_helper_pc(struct rv_ctx *ctx)
{
	ir_exit_tb(ctx->ir, IR_EXIT_SYNC);
	ctx->ended = true;
	return true;
}

bool trans_mret(struct rv_ctx *ctx, const struct rvp_args *a)
{
	gen_helper0(ctx, hid_rv_mret);
	return gen_exit_helper_pc(ctx);
}

bool trans_sret(struct rv_ctx *ctx, const struct rvp_args *a)
{
	gen_helper0(ctx, hid_rv_sret);
	return gen_exit_helper_pc(ctx);
}

bool trans_wfi(struct rv_ctx *ctx, const struct rvp_args *a)
{
	gen_helper1(ctx, hid_rv_wfi, ir_const(ctx->ir, IR_I64, ctx->next_pc));
	gen_exit_next(ctx);
	return true;
}

/* An i64 temp of xN (zero-extended on RV32, where it holds an address or an ASID) */
static ir_temp gpr_u64(struct rv_ctx *ctx, unsigned n)
{
	ir_temp t;

	if (ctx->tl == IR_I64)
		return rv_gpr(ctx, n);
	t = ir_new_temp(ctx->ir, IR_I64);
	ir_op1(ctx->ir, IR_extu_i32_i64, IR_I64, t, rv_gpr(ctx, n));
	return t;
}

bool trans_sfence_vma(struct rv_ctx *ctx, const struct rvp_args *a)
{
	ir_temp args[3] = {
	    gpr_u64(ctx, (unsigned)a->rs1),
	    gpr_u64(ctx, (unsigned)a->rs2),
	    ir_const(ctx->ir, IR_I32, (a->rs1 ? 1u : 0u) | (a->rs2 ? 2u : 0u)),
	};

	/* also orders the page-table stores before the walks that follow */
	ir_mb(ctx->ir, IR_MB_FULL);
	ir_call(ctx->ir, hid_rv_sfence_vma, IR_TEMP_NONE, 3, args);
	gen_exit_next(ctx);
	return true;
}

bool rv_translate_priv(struct rv_ctx *ctx, uint32_t insn)
{
	struct rvp_args a;
	enum rvp_insn id = rvp_decode32(insn, &a);

	return id != RVP_INSN_ILLEGAL && rvp_dispatch(ctx, id, &a);
}

/* CSRs whose writes change nothing the TB or the exec loop depends on */
static bool csr_write_is_plain(unsigned csr)
{
	switch (csr) {
	case 0x140:
	case 0x141:
	case 0x142:
	case 0x143: /* sscratch sepc scause stval */
	case 0x340:
	case 0x341:
	case 0x342:
	case 0x343: /* mscratch mepc mcause mtval */
	case 0x105:
	case 0x305: /* stvec mtvec */
	case 0x106:
	case 0x306: /* scounteren mcounteren */
	case 0x302: /* medeleg */
		return true;
	default:
		return false;
	}
}

bool gen_csr_sys(struct rv_ctx *ctx, const struct rv_args *a, unsigned op, ir_temp src, bool write)
{
	struct ir_ctx *ir = ctx->ir;
	unsigned csr = (unsigned)a->csr;
	ir_temp args[3], old = ir_new_temp(ir, IR_I64);

	if (write && (csr >> 10) == 3)
		return false; /* a read-only CSR: the caller raises with the instruction bits */
	args[0] = ir_const(ir, IR_I32, csr | op << 12 | (write ? 1u << 14 : 0));
	if (ctx->tl == IR_I64) {
		args[1] = src;
	} else {
		args[1] = ir_new_temp(ir, IR_I64);
		ir_op1(ir, IR_extu_i32_i64, IR_I64, args[1], src);
	}
	args[2] = ir_const(ir, IR_I32, ctx->insn);
	ir_call(ir, hid_rv_csrrw, old, 3, args);
	if (ctx->tl == IR_I64) {
		gen_set_gpr(ctx, (unsigned)a->rd, old);
	} else {
		ir_temp t = rv_tmp(ctx);
		ir_op1(ir, IR_extrl_i64_i32, IR_I32, t, old);
		gen_set_gpr(ctx, (unsigned)a->rd, t);
	}
	if (write && !csr_write_is_plain(csr))
		gen_exit_next(ctx);
	return true;
}

void gen_illegal_sys(struct rv_ctx *ctx)
{
	gen_helper1(ctx, hid_rv_illegal_insn, ir_const(ctx->ir, IR_I32, ctx->insn));
	ir_exit_tb(ctx->ir, IR_EXIT_NORMAL);
	ctx->ended = true;
}

void gen_mark_fs_dirty(struct rv_ctx *ctx)
{
	if ((ctx->flags & RV_TBF_FS_CLEAN) && !ctx->fs_marked) {
		gen_helper0(ctx, hid_rv_mark_fs_dirty);
		ctx->fs_marked = true;
	}
}
