/*
 * MIPS32 loads and stores: the naturally aligned ones, the unaligned pairs
 * lwl/lwr/swl/swr, and ll/sc. Misaligned lw/sw & co are performed, as
 * Linux's address error handler emulates them for user programs
 * (arch/mips/kernel/unaligned.c); ll/sc must be aligned (SIGBUS).
 */
#include "frontends/mips/mips-gen.h"

static bool gen_load(struct mips_ctx *ctx, const struct mips_args *a, uint32_t mo)
{
	ir_ld(ctx->ir, IR_I64, mips_dest(ctx, a->rt), mips_addr(ctx, a->rs, a->imm),
	      mips_memop(ctx, mo));
	return true;
}

static bool gen_store(struct mips_ctx *ctx, const struct mips_args *a, uint32_t mo)
{
	ir_st(ctx->ir, IR_I64, mips_gpr(ctx, a->rt), mips_addr(ctx, a->rs, a->imm),
	      mips_memop(ctx, mo));
	return true;
}

MIPS_TRANS(lb, gen_load, IR_MO_8 | IR_MO_SIGN)
MIPS_TRANS(lbu, gen_load, IR_MO_8)
MIPS_TRANS(lh, gen_load, IR_MO_16 | IR_MO_SIGN)
MIPS_TRANS(lhu, gen_load, IR_MO_16)
MIPS_TRANS(lw, gen_load, IR_MO_32 | IR_MO_SIGN)
MIPS_TRANS(sb, gen_store, IR_MO_8)
MIPS_TRANS(sh, gen_store, IR_MO_16)
MIPS_TRANS(sw, gen_store, IR_MO_32)

/*
 * The unaligned pairs work on the aligned word holding the addressed byte.
 * With s = the byte's distance from the word's least significant end
 * (addr & 3 little-endian, 3 - (addr & 3) big-endian), in bits sh:
 *   lwl: rt = W << (24 - 8s) | rt & ((1 << (24 - 8s)) - 1)
 *   lwr: rt = W >> 8s        | rt & ~(0xffffffff >> 8s)
 *   swl: W  = W & ~(0xffffffff >> (24 - 8s)) | rt[31:0] >> (24 - 8s)
 *   swr: W  = W & ((1 << 8s) - 1)            | rt << 8s
 * (Volume II, LWL/LWR/SWL/SWR: the byte order only changes s.) The results
 * of lwl/lwr are sign-extended from bit 31; swl/swr read-modify-write the word.
 */
struct unaligned {
	ir_temp aligned; /* address of the word */
	ir_temp word;    /* its value, zero-extended */
	ir_temp sh;      /* shift count in bits */
};

static struct unaligned unaligned_word(struct mips_ctx *ctx, const struct mips_args *a,
				       bool left)
{
	struct ir_ctx *ir = ctx->ir;
	struct unaligned u = {mips_tmp(ctx), mips_tmp(ctx), mips_tmp(ctx)};
	ir_temp addr = mips_addr(ctx, a->rs, a->imm);

	ir_op2i(ir, IR_and, IR_I64, u.sh, addr, 3);
	/* lwl/swl shift by 8 * (3 - s): flip s once more for them */
	if (ctx->be != left)
		ir_op2i(ir, IR_xor, IR_I64, u.sh, u.sh, 3);
	ir_op2i(ir, IR_shl, IR_I64, u.sh, u.sh, 3);
	ir_op2i(ir, IR_and, IR_I64, u.aligned, addr, ~(uint64_t)3);
	ir_ld(ir, IR_I64, u.word, u.aligned, mips_memop(ctx, IR_MO_32));
	return u;
}

/* (1 << sh) - 1, or 0xffffffff >> sh if @high */
static ir_temp shift_mask(struct mips_ctx *ctx, ir_temp sh, bool high)
{
	ir_temp m = mips_tmp(ctx);

	if (high) {
		ir_op2(ctx->ir, IR_shr, IR_I64, m, mips_imm(ctx, 0xffffffff), sh);
	} else {
		ir_op2(ctx->ir, IR_shl, IR_I64, m, mips_imm(ctx, 1), sh);
		ir_op2i(ctx->ir, IR_sub, IR_I64, m, m, 1);
	}
	return m;
}

static bool gen_lwlr(struct mips_ctx *ctx, const struct mips_args *a, bool left)
{
	struct ir_ctx *ir = ctx->ir;
	struct unaligned u = unaligned_word(ctx, a, left);
	ir_temp keep = shift_mask(ctx, u.sh, !left), r = mips_tmp(ctx);

	if (!left)
		ir_op1(ir, IR_not, IR_I64, keep, keep);
	ir_op2(ir, IR_and, IR_I64, keep, keep, mips_gpr(ctx, a->rt));
	ir_op2(ir, left ? IR_shl : IR_shr, IR_I64, r, u.word, u.sh);
	ir_op2(ir, IR_or, IR_I64, r, r, keep);
	ir_sext32(ir, mips_dest(ctx, a->rt), r);
	return true;
}

static bool gen_swlr(struct mips_ctx *ctx, const struct mips_args *a, bool left)
{
	struct ir_ctx *ir = ctx->ir;
	struct unaligned u = unaligned_word(ctx, a, left);
	ir_temp keep = shift_mask(ctx, u.sh, left), v = mips_tmp(ctx);

	if (left) {
		ir_op1(ir, IR_not, IR_I64, keep, keep);
		ir_op1(ir, IR_ext32u, IR_I64, v, mips_gpr(ctx, a->rt));
		ir_op2(ir, IR_shr, IR_I64, v, v, u.sh);
	} else {
		ir_op2(ir, IR_shl, IR_I64, v, mips_gpr(ctx, a->rt), u.sh);
	}
	ir_op2(ir, IR_and, IR_I64, keep, keep, u.word);
	ir_op2(ir, IR_or, IR_I64, v, v, keep);
	ir_st(ir, IR_I64, v, u.aligned, mips_memop(ctx, IR_MO_32));
	return true;
}

MIPS_TRANS(lwl, gen_lwlr, true)
MIPS_TRANS(lwr, gen_lwlr, false)
MIPS_TRANS(swl, gen_swlr, true)
MIPS_TRANS(swr, gen_swlr, false)

/*
 * ll/sc: the reservation is the address and the value ll saw; sc succeeds
 * if its address is the reserved one and memory still holds that value
 * (one compare-and-swap), then the reservation is gone either way.
 */
bool mips_trans_ll(struct mips_ctx *ctx, const struct mips_args *a)
{
	struct ir_ctx *ir = ctx->ir;
	ir_temp addr = mips_addr(ctx, a->rs, a->imm), v = mips_tmp(ctx);

	ir_ld(ir, IR_I64, v, addr, mips_memop(ctx, IR_MO_32 | IR_MO_SIGN | IR_MO_ALIGN));
	ir_mov(ir, IR_I64, ir_global(ir, MIPS_G_LLADDR), addr);
	ir_mov(ir, IR_I64, ir_global(ir, MIPS_G_LLVAL), v);
	mips_set_gpr(ctx, a->rt, v);
	return true;
}

bool mips_trans_sc(struct mips_ctx *ctx, const struct mips_args *a)
{
	struct ir_ctx *ir = ctx->ir;
	ir_temp addr = mips_addr(ctx, a->rs, a->imm), old = mips_tmp(ctx), ok = mips_tmp(ctx);
	ir_temp lladdr = ir_global(ir, MIPS_G_LLADDR);
	unsigned fail = ir_new_label(ir), done = ir_new_label(ir);

	ir_brcond(ir, IR_I64, IR_COND_NE, addr, lladdr, fail);
	ir_cmpxchg(ir, IR_I64, old, addr, ir_global(ir, MIPS_G_LLVAL), mips_gpr(ctx, a->rt),
		   mips_memop(ctx, IR_MO_32 | IR_MO_SIGN | IR_MO_ALIGN));
	ir_setcond(ir, IR_I64, IR_COND_EQ, ok, old, ir_global(ir, MIPS_G_LLVAL));
	ir_br(ir, done);
	ir_set_label(ir, fail);
	ir_movi(ir, IR_I64, ok, 0);
	ir_set_label(ir, done);
	ir_movi(ir, IR_I64, lladdr, ~(uint64_t)0);
	mips_set_gpr(ctx, a->rt, ok);
	return true;
}

/* ---- Hints: prefetch does nothing (cache is privileged: trans-priv.c) */

bool mips_trans_pref(struct mips_ctx *ctx, const struct mips_args *a)
{
	(void)ctx;
	(void)a;
	return true;
}
