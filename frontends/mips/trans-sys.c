/*
 * MIPS32 system-ish instructions of user mode: syscall, break, the
 * conditional traps, sync/synci, and rdhwr.
 */
#include <stddef.h>

#include "frontends/mips/mips-gen.h"

bool mips_trans_syscall(struct mips_ctx *ctx, const struct mips_args *a)
{
	(void)a;
	/* the syscall would return into the delay slot: Linux does not support it */
	if (ctx->in_delay)
		return false;
	return mips_raise(ctx, hid_mips_syscall, IR_TEMP_NONE);
}

bool mips_trans_break(struct mips_ctx *ctx, const struct mips_args *a)
{
	/* Linux reads the code from bits 25:16 (arch/mips/kernel/traps.c do_bp) */
	return mips_raise(ctx, hid_mips_trap,
			  ir_const(ctx->ir, IR_I32, (uint32_t)a->code >> 10 | MIPS_TRAP_BREAK));
}

/* Trap if cond(rs, rt / imm); the trap code (bits 15:6) decides the signal. */
static bool gen_trap(struct mips_ctx *ctx, enum ir_cond c, ir_temp y, unsigned rs,
		     uint32_t code)
{
	unsigned take = ir_new_label(ctx->ir), skip = ir_new_label(ctx->ir);

	ir_brcond(ctx->ir, IR_I64, c, mips_gpr(ctx, rs), y, take);
	ir_br(ctx->ir, skip);
	ir_set_label(ctx->ir, take);
	mips_helper1(ctx, hid_mips_trap, ir_const(ctx->ir, IR_I32, code));
	ir_exit_tb(ctx->ir, IR_EXIT_NORMAL); /* not reached */
	ir_set_label(ctx->ir, skip);
	return true;
}

static bool gen_trap_r(struct mips_ctx *ctx, const struct mips_args *a, enum ir_cond c)
{
	return gen_trap(ctx, c, mips_gpr(ctx, a->rt), a->rs, (uint32_t)a->rd);
}

static bool gen_trap_i(struct mips_ctx *ctx, const struct mips_args *a, enum ir_cond c)
{
	return gen_trap(ctx, c, mips_imm(ctx, a->imm), a->rs, 0);
}

MIPS_TRANS(teq, gen_trap_r, IR_COND_EQ)
MIPS_TRANS(tne, gen_trap_r, IR_COND_NE)
MIPS_TRANS(tge, gen_trap_r, IR_COND_GE)
MIPS_TRANS(tgeu, gen_trap_r, IR_COND_GEU)
MIPS_TRANS(tlt, gen_trap_r, IR_COND_LT)
MIPS_TRANS(tltu, gen_trap_r, IR_COND_LTU)
MIPS_TRANS(teqi, gen_trap_i, IR_COND_EQ)
MIPS_TRANS(tnei, gen_trap_i, IR_COND_NE)
MIPS_TRANS(tgei, gen_trap_i, IR_COND_GE)
MIPS_TRANS(tgeiu, gen_trap_i, IR_COND_GEU)
MIPS_TRANS(tlti, gen_trap_i, IR_COND_LT)
MIPS_TRANS(tltiu, gen_trap_i, IR_COND_LTU)

bool mips_trans_sync(struct mips_ctx *ctx, const struct mips_args *a)
{
	(void)a;
	ir_mb(ctx->ir, IR_MB_FULL);
	return true;
}

/* synci: the line at the address may hold new code */
bool mips_trans_synci(struct mips_ctx *ctx, const struct mips_args *a)
{
	mips_helper1(ctx, hid_mips_synci, mips_addr(ctx, a->rs, a->imm));
	return true;
}

/*
 * rdhwr: the hardware registers user mode may read (HWREna as Linux sets
 * it): 0 CPUNum, 1 SYNCI_Step, 2 CC, 3 CCRes, 29 UserLocal (the TLS pointer).
 */
bool mips_trans_rdhwr(struct mips_ctx *ctx, const struct mips_args *a)
{
	ir_temp v;

	/* system mode: user mode reads only what HWREna allows */
	if ((ctx->flags & (MIPS_TBF_SYS | MIPS_TBF_USER)) == (MIPS_TBF_SYS | MIPS_TBF_USER))
		mips_helper1(ctx, hid_mips_rdhwr_check, ir_const(ctx->ir, IR_I32, (uint32_t)a->rd));
	switch (a->rd) {
	case 0:
		v = mips_imm(ctx, 0);
		break;
	case 1:
		v = mips_imm(ctx, 32); /* the 24K's cache line */
		break;
	case 2:
		v = mips_tmp(ctx);
		ir_call(ctx->ir, hid_mips_rdhwr_cc, v, 0, NULL);
		break;
	case 3:
		v = mips_imm(ctx, 2); /* Count runs at half the pipeline clock */
		break;
	case 29:
		v = mips_tmp(ctx);
		ir_ld_env(ctx->ir, IR_I64, v, offsetof(struct mips_cpu, ulr), IR_MO_64);
		break;
	default:
		return false;
	}
	mips_set_gpr(ctx, a->rt, v);
	return true;
}
