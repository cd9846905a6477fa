/*
 * The privileged instructions of system mode (COP0 in insn.decode): CP0
 * moves, di/ei, the TLB instructions, eret, wait, and cache. User-mode
 * Linux has none of them (Reserved Instruction, SIGILL); in system mode
 * user mode gets Coprocessor Unusable. Whatever changes the mode, the
 * translation or the interrupt enables ends the TB (mips_exit_next()), so
 * the next TB is looked up with the new flags and the exec loop can take an
 * interrupt that just became enabled.
 */
#include "frontends/mips/mips-gen.h"

/*
 * May this CP0 instruction run? False: reserved (not system mode). In
 * user mode it raises Coprocessor Unusable (and *@done says the TB ended).
 */
static bool cp0_usable(struct mips_ctx *ctx, bool *done)
{
	*done = false;
	if (!(ctx->flags & MIPS_TBF_SYS))
		return false;
	if (ctx->flags & MIPS_TBF_USER) {
		mips_raise(ctx, hid_mips_cpu_unusable, ir_const(ctx->ir, IR_I32, 0));
		*done = true;
	}
	return true;
}

#define CP0_CHECK(ctx)                                                                             \
	do {                                                                                       \
		bool done_;                                                                        \
		if (!cp0_usable(ctx, &done_))                                                      \
			return false;                                                              \
		if (done_)                                                                         \
			return true;                                                               \
	} while (0)

bool mips_trans_mfc0(struct mips_ctx *ctx, const struct mips_args *a)
{
	ir_temp v = mips_tmp(ctx);

	CP0_CHECK(ctx);
	ir_call(ctx->ir, hid_mips_mfc0, v, 1, (ir_temp[]){ir_const(ctx->ir, IR_I32, a->c0)});
	mips_set_gpr(ctx, a->rt, v);
	return true;
}

bool mips_trans_mtc0(struct mips_ctx *ctx, const struct mips_args *a)
{
	CP0_CHECK(ctx);
	ir_call(ctx->ir, hid_mips_mtc0, IR_TEMP_NONE, 2,
		(ir_temp[]){ir_const(ctx->ir, IR_I32, a->c0), mips_gpr(ctx, a->rt)});
	mips_exit_next(ctx);
	return true;
}

static bool gen_dei(struct mips_ctx *ctx, const struct mips_args *a, unsigned enable)
{
	ir_temp v = mips_tmp(ctx);

	CP0_CHECK(ctx);
	ir_call(ctx->ir, hid_mips_dei, v, 1, (ir_temp[]){ir_const(ctx->ir, IR_I32, enable)});
	mips_set_gpr(ctx, a->rt, v);
	mips_exit_next(ctx);
	return true;
}

MIPS_TRANS(di, gen_dei, 0)
MIPS_TRANS(ei, gen_dei, 1)

static bool gen_tlb(struct mips_ctx *ctx, const struct mips_args *a, unsigned hid)
{
	(void)a;
	CP0_CHECK(ctx);
	mips_helper0(ctx, hid);
	mips_exit_next(ctx);
	return true;
}

MIPS_TRANS(tlbr, gen_tlb, hid_mips_tlbr)
MIPS_TRANS(tlbwi, gen_tlb, hid_mips_tlbwi)
MIPS_TRANS(tlbwr, gen_tlb, hid_mips_tlbwr)
MIPS_TRANS(tlbp, gen_tlb, hid_mips_tlbp)

bool mips_trans_eret(struct mips_ctx *ctx, const struct mips_args *a)
{
	(void)a;
	if (ctx->in_delay)
		return false; /* eret has no delay slot and may not sit in one */
	CP0_CHECK(ctx);
	mips_helper0(ctx, hid_mips_eret);
	ir_exit_tb(ctx->ir, IR_EXIT_SYNC);
	ctx->ended = true;
	return true;
}

bool mips_trans_wait(struct mips_ctx *ctx, const struct mips_args *a)
{
	(void)a;
	CP0_CHECK(ctx);
	mips_helper1(ctx, hid_mips_wait, mips_imm(ctx, (int64_t)ctx->next_pc));
	mips_exit_next(ctx);
	return true;
}

/*
 * cache: nothing to do for the caches we do not model; code written through
 * the softMMU already invalidates its translations (watched code pages).
 */
bool mips_trans_cache(struct mips_ctx *ctx, const struct mips_args *a)
{
	(void)a;
	CP0_CHECK(ctx);
	return true;
}
