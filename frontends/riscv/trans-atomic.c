/*
 * A extension (unprivileged spec chapter 8). lr/sc use a reservation held in
 * rv_cpu: lr records the address and the value it loaded; sc succeeds when
 * its address matches and a compare-and-exchange of that value with the new
 * one succeeds (so a store by another hart in between makes it fail, unless
 * that store wrote back the same value: the usual emulator trade-off). Every
 * sc clears the reservation. AMOs are host atomics. All of them require
 * natural alignment; a misaligned address raises (EXCP_BUS in user mode).
 */
#include <stddef.h>

#include "frontends/riscv/rv-gen.h"

#define HELPER_LIST "frontends/riscv/helpers-sys.def"
#include "morph/helper-def.h"

#define RV_AQ 2 /* aqrl field: bit 26 of the instruction */
#define RV_RL 1 /* bit 25 */

/* rl: earlier accesses are ordered before this one */
static void gen_release(struct rv_ctx *ctx, const struct rv_args *a)
{
	if (a->aqrl & RV_RL)
		ir_mb(ctx->ir, IR_MB_FULL);
}

/* aq: later accesses are ordered after this one */
static void gen_acquire(struct rv_ctx *ctx, const struct rv_args *a)
{
	if (a->aqrl & RV_AQ)
		ir_mb(ctx->ir, IR_MB_FULL);
}

/* RV32 has the .w forms only */
static bool width_ok(const struct rv_ctx *ctx, uint32_t mo)
{
	return !rv_ctx_is32(ctx) || (mo & IR_MO_SIZE) == IR_MO_32;
}

/*
 * The reservation lives in 64-bit fields; an RV32 TB keeps 32-bit values in
 * their low halves (little-endian host), which is all it compares.
 */
static void st_res(struct rv_ctx *ctx, ir_temp v, size_t off)
{
	ir_st_env(ctx->ir, ctx->tl, v, (uint32_t)off, rv_ctx_is32(ctx) ? IR_MO_32 : IR_MO_64);
}

static void ld_res(struct rv_ctx *ctx, ir_temp d, size_t off)
{
	ir_ld_env(ctx->ir, ctx->tl, d, (uint32_t)off, rv_ctx_is32(ctx) ? IR_MO_32 : IR_MO_64);
}

static bool gen_lr(struct rv_ctx *ctx, const struct rv_args *a, uint32_t mo)
{
	ir_temp addr, val;

	if (!width_ok(ctx, mo))
		return false;
	addr = rv_tmp(ctx);
	val = rv_tmp(ctx);

	ir_mov(ctx->ir, ctx->tl, addr, rv_gpr(ctx, a->rs1));
	gen_release(ctx, a);
	ir_ld(ctx->ir, ctx->tl, val, addr, gen_memop(ctx, mo | IR_MO_ALIGN));
	gen_acquire(ctx, a);
	st_res(ctx, addr, offsetof(struct rv_cpu, load_res));
	st_res(ctx, val, offsetof(struct rv_cpu, load_val));
	gen_set_gpr(ctx, a->rd, val);
	return true;
}

static bool gen_sc(struct rv_ctx *ctx, const struct rv_args *a, uint32_t mo)
{
	struct ir_ctx *ir = ctx->ir;
	ir_temp addr, res, val, old, fail;
	unsigned l_fail, l_done;

	if (!width_ok(ctx, mo))
		return false;
	addr = rv_tmp(ctx);
	res = rv_tmp(ctx);
	val = rv_tmp(ctx);
	old = rv_tmp(ctx);
	fail = rv_tmp(ctx);
	l_fail = ir_new_label(ir);
	l_done = ir_new_label(ir);

	ir_mov(ir, ctx->tl, addr, rv_gpr(ctx, a->rs1));
	if (ctx->flags & RV_TBF_SYS) {
		/* System mode: misaligned traps even when the reservation fails */
		unsigned l_ok = ir_new_label(ir);
		ir_temp lo = rv_tmp(ctx);
		ir_op2i(ir, IR_and, ctx->tl, lo, addr, (1u << (mo & IR_MO_SIZE)) - 1);
		ir_brcond(ir, ctx->tl, IR_COND_EQ, lo, rv_imm(ctx, 0), l_ok);
		ir_temp a64 = addr;
		if (ctx->tl == IR_I32) {
			a64 = ir_new_temp(ir, IR_I64);
			ir_op1(ir, IR_extu_i32_i64, IR_I64, a64, addr);
		}
		gen_helper1(ctx, hid_rv_misaligned_store, a64);
		ir_set_label(ir, l_ok);
	}
	gen_release(ctx, a);
	ld_res(ctx, res, offsetof(struct rv_cpu, load_res));
	ir_brcond(ir, ctx->tl, IR_COND_NE, addr, res, l_fail);
	/* lr stored the value sign-extended, as the cmpxchg returns it */
	ld_res(ctx, val, offsetof(struct rv_cpu, load_val));
	ir_cmpxchg(ir, ctx->tl, old, addr, val, rv_gpr(ctx, a->rs2),
		   gen_memop(ctx, mo | IR_MO_ALIGN));
	ir_setcond(ir, ctx->tl, IR_COND_NE, fail, old, val);
	ir_br(ir, l_done);
	ir_set_label(ir, l_fail);
	ir_movi(ir, ctx->tl, fail, 1);
	ir_set_label(ir, l_done);
	st_res(ctx, rv_imm(ctx, -1), offsetof(struct rv_cpu, load_res));
	gen_acquire(ctx, a);
	gen_set_gpr(ctx, a->rd, fail);
	return true;
}

static bool gen_amo(struct rv_ctx *ctx, const struct rv_args *a, enum ir_rmw op, uint32_t mo)
{
	ir_temp old, b;

	if (!width_ok(ctx, mo))
		return false;
	old = rv_tmp(ctx);
	b = rv_gpr(ctx, a->rs2);
	if ((mo & IR_MO_SIZE) == IR_MO_32 && !rv_ctx_is32(ctx)) {
		/*
		 * The word operand sign-extended like the loaded old value: then
		 * signed and unsigned 32-bit comparisons come out right at any width.
		 */
		b = rv_tmp(ctx);
		ir_op1(ctx->ir, IR_ext32s, IR_I64, b, rv_gpr(ctx, a->rs2));
	}
	gen_release(ctx, a);
	ir_atomic_rmw(ctx->ir, ctx->tl, op, old, rv_gpr(ctx, a->rs1), b,
		      gen_memop(ctx, mo | IR_MO_ALIGN));
	gen_acquire(ctx, a);
	gen_set_gpr(ctx, a->rd, old);
	return true;
}

#define W (IR_MO_32 | IR_MO_SIGN)
#define D IR_MO_64

RV_TRANS(lr_w, gen_lr, W)
RV_TRANS(sc_w, gen_sc, W)
RV_TRANS(amoswap_w, gen_amo, IR_RMW_XCHG, W)
RV_TRANS(amoadd_w, gen_amo, IR_RMW_ADD, W)
RV_TRANS(amoxor_w, gen_amo, IR_RMW_XOR, W)
RV_TRANS(amoand_w, gen_amo, IR_RMW_AND, W)
RV_TRANS(amoor_w, gen_amo, IR_RMW_OR, W)
RV_TRANS(amomin_w, gen_amo, IR_RMW_SMIN, W)
RV_TRANS(amomax_w, gen_amo, IR_RMW_SMAX, W)
RV_TRANS(amominu_w, gen_amo, IR_RMW_UMIN, W)
RV_TRANS(amomaxu_w, gen_amo, IR_RMW_UMAX, W)

RV_TRANS(lr_d, gen_lr, D)
RV_TRANS(sc_d, gen_sc, D)
RV_TRANS(amoswap_d, gen_amo, IR_RMW_XCHG, D)
RV_TRANS(amoadd_d, gen_amo, IR_RMW_ADD, D)
RV_TRANS(amoxor_d, gen_amo, IR_RMW_XOR, D)
RV_TRANS(amoand_d, gen_amo, IR_RMW_AND, D)
RV_TRANS(amoor_d, gen_amo, IR_RMW_OR, D)
RV_TRANS(amomin_d, gen_amo, IR_RMW_SMIN, D)
RV_TRANS(amomax_d, gen_amo, IR_RMW_SMAX, D)
RV_TRANS(amominu_d, gen_amo, IR_RMW_UMIN, D)
RV_TRANS(amomaxu_d, gen_amo, IR_RMW_UMAX, D)
