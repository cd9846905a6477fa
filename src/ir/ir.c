/*
 * IR builder: op table, temps, labels and the convenience emitters.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/ir.h"

const struct ir_op_def ir_op_defs[IR_NB_OPS] = {
#define IR_OP(name, nout, nin, ncst, flags) {#name, nout, nin, ncst, flags},
#include "morph/ir-ops.def"
#undef IR_OP
};

bool ir_op_observes_globals(const struct ir_op *op)
{
	unsigned f = ir_op_defs[op->opc].flags;

	if (f & (IR_OPF_MEM | IR_OPF_BB_END))
		return true;
	switch (op->opc) {
	case IR_ld_env:
	case IR_st_env:
		return true; /* may alias a global's env slot */
	case IR_call:
		return ir_helper_get((unsigned)op->args[op->nout + op->nin])->flags &
		       (IR_HF_READS_GLOBALS | IR_HF_WRITES_GLOBALS | IR_HF_MAY_RAISE |
			IR_HF_NORETURN);
	case IR_fpop: /* its slow path may raise: the values of globals are observable */
		return ir_helper_get((unsigned)op->args[4])->flags & IR_HF_MAY_RAISE;
	default:
		return false;
	}
}

void ir_ctx_init(struct ir_ctx *ctx, const struct ir_global_desc *globals, unsigned nglobals,
		 uint32_t pc_offset)
{
	assert(nglobals <= IR_MAX_GLOBALS);
	ctx->nops = 0;
	ctx->nlabels = 0;
	ctx->overflow = false;
	ctx->pc_offset = pc_offset;
	ctx->cur_insn_pc = 0;
	if (ctx->globals_from == globals && ctx->nglobals == nglobals && globals) {
		ctx->ntemps = nglobals;
		return;
	}
	ctx->globals_from = globals;
	ctx->nglobals = nglobals;
	for (unsigned i = 0; i < nglobals; i++) {
		struct ir_temp_info *t = &ctx->temps[i];
		memset(t, 0, sizeof(*t));
		t->kind = IR_TEMP_GLOBAL;
		t->type = globals[i].type;
		t->env_offset = globals[i].env_offset;
		t->name = globals[i].name;
	}
	ctx->ntemps = nglobals;
}

static ir_temp new_temp(struct ir_ctx *ctx, enum ir_temp_kind kind, enum ir_type type,
			uint64_t value)
{
	if (ctx->ntemps >= IR_MAX_TEMPS) {
		/* Reuse the last temp: the TB is discarded and retranslated shorter. */
		ctx->overflow = true;
		return IR_MAX_TEMPS - 1;
	}
	struct ir_temp_info *t = &ctx->temps[ctx->ntemps];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->type = type;
	t->value = value;
	return ctx->ntemps++;
}

ir_temp ir_new_temp(struct ir_ctx *ctx, enum ir_type type)
{
	return new_temp(ctx, IR_TEMP_LOCAL, type, 0);
}

ir_temp ir_const(struct ir_ctx *ctx, enum ir_type type, uint64_t value)
{
	if (type == IR_I32)
		value = (uint32_t)value;
	return new_temp(ctx, IR_TEMP_CONST, type, value);
}

unsigned ir_new_label(struct ir_ctx *ctx)
{
	if (ctx->nlabels >= IR_MAX_LABELS) {
		ctx->overflow = true;
		return IR_MAX_LABELS - 1;
	}
	return ctx->nlabels++;
}

struct ir_op *ir_emit(struct ir_ctx *ctx, enum ir_opc opc, enum ir_type type, unsigned nargs,
		      const uint64_t *args)
{
	static __thread struct ir_op scratch;
	struct ir_op *op;

	/* Keep a few ops in reserve so a TB can always be closed. */
	if (ctx->nops >= IR_MAX_OPS) {
		ctx->overflow = true;
		op = &scratch;
	} else {
		op = &ctx->ops[ctx->nops++];
		if (ctx->nops >= IR_MAX_OPS - 64)
			ctx->overflow = true;
	}
	assert(nargs <= IR_MAX_ARGS);
	op->opc = opc;
	op->type = type;
	op->nout = ir_op_defs[opc].nout;
	op->nin = ir_op_defs[opc].nin;
	op->ncst = ir_op_defs[opc].ncst;
	memcpy(op->args, args, nargs * sizeof(uint64_t));
	return op;
}

#define EMIT(ctx, opc, type, ...)                                                  \
	do {                                                                       \
		const uint64_t a_[] = {__VA_ARGS__};                               \
		ir_emit(ctx, opc, type, sizeof(a_) / sizeof(a_[0]), a_);           \
	} while (0)

void ir_mov(struct ir_ctx *ctx, enum ir_type t, ir_temp d, ir_temp a)
{
	if (d != a)
		EMIT(ctx, IR_mov, t, d, a);
}

void ir_movi(struct ir_ctx *ctx, enum ir_type t, ir_temp d, uint64_t imm)
{
	EMIT(ctx, IR_movi, t, d, t == IR_I32 ? (uint32_t)imm : imm);
}

void ir_op1(struct ir_ctx *ctx, enum ir_opc opc, enum ir_type t, ir_temp d, ir_temp a)
{
	assert(ir_op_defs[opc].nout == 1 && ir_op_defs[opc].nin == 1 && ir_op_defs[opc].ncst == 0);
	EMIT(ctx, opc, t, d, a);
}

void ir_op2(struct ir_ctx *ctx, enum ir_opc opc, enum ir_type t, ir_temp d, ir_temp a, ir_temp b)
{
	assert(ir_op_defs[opc].nout == 1 && ir_op_defs[opc].nin == 2 && ir_op_defs[opc].ncst == 0);
	EMIT(ctx, opc, t, d, a, b);
}

void ir_op2i(struct ir_ctx *ctx, enum ir_opc opc, enum ir_type t, ir_temp d, ir_temp a,
	     uint64_t imm)
{
	ir_op2(ctx, opc, t, d, a, ir_const(ctx, t, imm));
}

void ir_setcond(struct ir_ctx *ctx, enum ir_type t, enum ir_cond c, ir_temp d, ir_temp a,
		ir_temp b)
{
	EMIT(ctx, IR_setcond, t, d, a, b, c);
}

void ir_movcond(struct ir_ctx *ctx, enum ir_type t, enum ir_cond c, ir_temp d, ir_temp c1,
		ir_temp c2, ir_temp v1, ir_temp v2)
{
	EMIT(ctx, IR_movcond, t, d, c1, c2, v1, v2, c);
}

void ir_brcond(struct ir_ctx *ctx, enum ir_type t, enum ir_cond c, ir_temp a, ir_temp b,
	       unsigned label)
{
	EMIT(ctx, IR_brcond, t, a, b, c, label);
}

void ir_br(struct ir_ctx *ctx, unsigned label)
{
	EMIT(ctx, IR_br, IR_I64, label);
}

void ir_set_label(struct ir_ctx *ctx, unsigned label)
{
	EMIT(ctx, IR_set_label, IR_I64, label);
}

void ir_ld_env(struct ir_ctx *ctx, enum ir_type t, ir_temp d, uint32_t offset, uint32_t mo)
{
	EMIT(ctx, IR_ld_env, t, d, offset, mo);
}

void ir_st_env(struct ir_ctx *ctx, enum ir_type t, ir_temp v, uint32_t offset, uint32_t mo)
{
	EMIT(ctx, IR_st_env, t, v, offset, mo);
}

void ir_ld(struct ir_ctx *ctx, enum ir_type t, ir_temp d, ir_temp addr, uint32_t memop)
{
	EMIT(ctx, IR_ld, t, d, addr, memop);
}

void ir_st(struct ir_ctx *ctx, enum ir_type t, ir_temp v, ir_temp addr, uint32_t memop)
{
	EMIT(ctx, IR_st, t, v, addr, memop);
}

void ir_cmpxchg(struct ir_ctx *ctx, enum ir_type t, ir_temp d, ir_temp addr, ir_temp cmp,
		ir_temp nv, uint32_t memop)
{
	EMIT(ctx, IR_cmpxchg, t, d, addr, cmp, nv, memop);
}

void ir_atomic_rmw(struct ir_ctx *ctx, enum ir_type t, enum ir_rmw op, ir_temp d, ir_temp addr,
		   ir_temp b, uint32_t memop)
{
	EMIT(ctx, IR_atomic_rmw, t, d, addr, b, memop, op);
}

void ir_mb(struct ir_ctx *ctx, unsigned kind)
{
	EMIT(ctx, IR_mb, IR_I64, kind);
}

void ir_insn_start(struct ir_ctx *ctx, uint64_t pc, unsigned len)
{
	ctx->cur_insn_pc = pc;
	EMIT(ctx, IR_insn_start, IR_I64, pc, len);
}

void ir_set_pc(struct ir_ctx *ctx, enum ir_type t, ir_temp pc)
{
	if (t == IR_I32) {
		ir_temp w = ir_new_temp(ctx, IR_I64);
		EMIT(ctx, IR_extu_i32_i64, IR_I64, w, pc);
		pc = w;
	}
	ir_st_env(ctx, IR_I64, pc, ctx->pc_offset, IR_MO_64);
}

void ir_set_pci(struct ir_ctx *ctx, enum ir_type t, uint64_t pc)
{
	if (t == IR_I32)
		pc = (uint32_t)pc;
	ir_st_env(ctx, IR_I64, ir_const(ctx, IR_I64, pc), ctx->pc_offset, IR_MO_64);
}

void ir_goto_tb(struct ir_ctx *ctx, unsigned slot, uint64_t pc)
{
	EMIT(ctx, IR_goto_tb, IR_I64, slot, pc);
}

void ir_lookup_and_goto(struct ir_ctx *ctx)
{
	ir_emit(ctx, IR_lookup_and_goto, IR_I64, 0, NULL);
}

void ir_exit_tb(struct ir_ctx *ctx, enum ir_exit why)
{
	EMIT(ctx, IR_exit_tb, IR_I64, why);
}

ir_temp ir_as_i64(struct ir_ctx *ctx, ir_temp t)
{
	ir_temp w;

	if (ctx->temps[t].type == IR_I64)
		return t;
	w = ir_new_temp(ctx, IR_I64);
	ir_op1(ctx, IR_extu_i32_i64, IR_I64, w, t);
	return w;
}

void ir_fpop(struct ir_ctx *ctx, uint64_t kind, ir_temp d, ir_temp a, ir_temp b,
	     unsigned fallback, uint64_t imm)
{
	uint64_t args[6] = {d, a, b, kind, fallback, imm};

	ir_emit(ctx, IR_fpop, IR_I64, 6, args);
}

void ir_call(struct ir_ctx *ctx, unsigned id, ir_temp ret, unsigned nargs, const ir_temp *args)
{
	const struct ir_helper *h = ir_helper_get(id);
	uint64_t a[IR_MAX_ARGS];
	unsigned n = 0, nexp = 0;

	for (unsigned i = 0; i < h->nargs; i++)
		nexp += h->args[i] != IR_HT_ENV;
	if (nargs != nexp || (ret != IR_TEMP_NONE) != (h->ret != IR_HT_VOID)) {
		fprintf(stderr, "morph: internal error: helper %s called with %u args (wants %u)\n",
			h->name, nargs, nexp);
		abort();
	}
	if (h->flags & (IR_HF_MAY_RAISE | IR_HF_NORETURN))
		ir_set_pci(ctx, IR_I64, ctx->cur_insn_pc);
	if (ret != IR_TEMP_NONE)
		a[n++] = ret;
	for (unsigned i = 0; i < nargs; i++)
		a[n++] = args[i];
	a[n++] = id;
	struct ir_op *op = ir_emit(ctx, IR_call, IR_I64, n, a);
	op->nout = ret != IR_TEMP_NONE;
	op->nin = nargs;
	op->ncst = 1;
}
