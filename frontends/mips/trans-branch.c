/*
 * MIPS32 jumps and branches, with and without link, normal and "likely"
 * (the delay slot is annulled when not taken). The delay slot itself is
 * translated by mips_branch()/mips_jump_reg() (translate.c).
 */
#include "frontends/mips/mips-gen.h"

/* pc-relative targets: the delay slot's address plus the offset */
static uint64_t br_target(const struct mips_ctx *ctx, const struct mips_args *a)
{
	return ctx->pc + 4 + (uint64_t)a->imm;
}

/* A fresh temp: cond(rs, rt) */
static ir_temp cond2(struct mips_ctx *ctx, enum ir_cond c, unsigned rs, unsigned rt)
{
	ir_temp t = mips_tmp(ctx);

	ir_setcond(ctx->ir, IR_I64, c, t, mips_gpr(ctx, rs), mips_gpr(ctx, rt));
	return t;
}

static bool gen_b(struct mips_ctx *ctx, const struct mips_args *a, enum ir_cond c,
		  enum mips_br_kind kind, unsigned link)
{
	/* beq $0,$0 (b) and bgez $0 (bal) are the unconditional forms */
	if ((c == IR_COND_EQ || c == IR_COND_GE || c == IR_COND_LE) && a->rs == 0 && a->rt == 0)
		return mips_branch(ctx, MIPS_BR_ALWAYS, IR_TEMP_NONE, br_target(ctx, a), link);
	return mips_branch(ctx, kind, cond2(ctx, c, a->rs, a->rt), br_target(ctx, a), link);
}

/* The one-register forms compare with $0 (rt = 0 in their format) */
MIPS_TRANS(beq, gen_b, IR_COND_EQ, MIPS_BR_COND, 0)
MIPS_TRANS(bne, gen_b, IR_COND_NE, MIPS_BR_COND, 0)
MIPS_TRANS(blez, gen_b, IR_COND_LE, MIPS_BR_COND, 0)
MIPS_TRANS(bgtz, gen_b, IR_COND_GT, MIPS_BR_COND, 0)
MIPS_TRANS(bltz, gen_b, IR_COND_LT, MIPS_BR_COND, 0)
MIPS_TRANS(bgez, gen_b, IR_COND_GE, MIPS_BR_COND, 0)
MIPS_TRANS(bltzal, gen_b, IR_COND_LT, MIPS_BR_COND, 31)
MIPS_TRANS(bgezal, gen_b, IR_COND_GE, MIPS_BR_COND, 31)
MIPS_TRANS(beql, gen_b, IR_COND_EQ, MIPS_BR_LIKELY, 0)
MIPS_TRANS(bnel, gen_b, IR_COND_NE, MIPS_BR_LIKELY, 0)
MIPS_TRANS(blezl, gen_b, IR_COND_LE, MIPS_BR_LIKELY, 0)
MIPS_TRANS(bgtzl, gen_b, IR_COND_GT, MIPS_BR_LIKELY, 0)
MIPS_TRANS(bltzl, gen_b, IR_COND_LT, MIPS_BR_LIKELY, 0)
MIPS_TRANS(bgezl, gen_b, IR_COND_GE, MIPS_BR_LIKELY, 0)
MIPS_TRANS(bltzall, gen_b, IR_COND_LT, MIPS_BR_LIKELY, 31)
MIPS_TRANS(bgezall, gen_b, IR_COND_GE, MIPS_BR_LIKELY, 31)

/* j/jal: the target replaces the low 28 bits of the delay slot's address */
static bool gen_j(struct mips_ctx *ctx, const struct mips_args *a, unsigned link)
{
	uint64_t target = ((ctx->pc + 4) & ~(uint64_t)0x0fffffff) | (uint64_t)a->imm;

	return mips_branch(ctx, MIPS_BR_ALWAYS, IR_TEMP_NONE, target, link);
}

MIPS_TRANS(j, gen_j, 0)
MIPS_TRANS(jal, gen_j, 31)

/* jr/jalr (and their .hb forms: no hazards to clear here) */
bool mips_trans_jr(struct mips_ctx *ctx, const struct mips_args *a)
{
	return mips_jump_reg(ctx, a->rs, 0);
}

bool mips_trans_jalr(struct mips_ctx *ctx, const struct mips_args *a)
{
	return mips_jump_reg(ctx, a->rs, a->rd);
}
