/*
 * The IR optimizer: constant folding and propagation, copy propagation and
 * simple algebraic identities inside basic blocks, then removal of ops whose
 * results nobody reads. Globals are always considered live at the end of a TB.
 */
#include <string.h>

#include "morph/ir.h"
#include "src/ir/fold.h"

/*
 * Facts hold inside one basic block: each block start (and each TB) takes
 * a new epoch, which forgets everything at once without touching the
 * per-temp arrays.
 */
struct opt_state {
	uint32_t epoch;
	/* Per temp: known constant value, while cst_epoch == epoch */
	uint32_t cst_epoch[IR_MAX_TEMPS];
	uint64_t value[IR_MAX_TEMPS];
	/*
	 * Per temp: it is a copy of copy_src, while copy_epoch == epoch and
	 * gen[copy_src] == copy_gen (gen counts the definitions of a temp)
	 */
	ir_temp copy_src[IR_MAX_TEMPS];
	uint32_t copy_epoch[IR_MAX_TEMPS];
	uint32_t copy_gen[IR_MAX_TEMPS];
	uint32_t gen[IR_MAX_TEMPS];
	unsigned uses[IR_MAX_TEMPS];
};

static void new_epoch(struct opt_state *s)
{
	if (++s->epoch == 0) {
		/* after 2^32 blocks: clear what old epochs could match */
		memset(s->cst_epoch, 0, sizeof(s->cst_epoch));
		memset(s->copy_epoch, 0, sizeof(s->copy_epoch));
		s->epoch = 1;
	}
}

static void set_copy(struct opt_state *s, ir_temp d, ir_temp a)
{
	s->copy_src[d] = a;
	s->copy_epoch[d] = s->epoch;
	s->copy_gen[d] = s->gen[a];
}

/* The temp @t is a copy of (IR_TEMP_NONE if none known) */
static ir_temp copy_of(const struct opt_state *s, ir_temp t)
{
	ir_temp src = s->copy_src[t];

	if (src == IR_TEMP_NONE || s->copy_epoch[t] != s->epoch || s->gen[src] != s->copy_gen[t])
		return IR_TEMP_NONE;
	return src;
}

static bool temp_const(struct ir_ctx *ctx, struct opt_state *s, ir_temp t, uint64_t *v)
{
	if (ctx->temps[t].kind == IR_TEMP_CONST) {
		*v = ctx->temps[t].value;
		return true;
	}
	if (s->cst_epoch[t] == s->epoch) {
		*v = s->value[t];
		return true;
	}
	return false;
}

static void forget_globals(struct ir_ctx *ctx, struct opt_state *s)
{
	for (unsigned i = 0; i < ctx->nglobals; i++) {
		s->cst_epoch[i] = 0;
		s->gen[i]++;
	}
}

/* A new definition of temp d. */
static void define(struct opt_state *s, ir_temp d)
{
	s->cst_epoch[d] = 0;
	s->copy_src[d] = IR_TEMP_NONE;
	s->gen[d]++;
}

static void make_movi(struct ir_ctx *ctx, struct opt_state *s, struct ir_op *op, ir_temp d,
		      uint64_t v)
{
	enum ir_type t = ctx->temps[d].type;

	v = ir_trunc(t, v);
	op->opc = IR_movi;
	op->type = t;
	op->nout = 1;
	op->nin = 0;
	op->ncst = 1;
	op->args[0] = d;
	op->args[1] = v;
	define(s, d);
	s->cst_epoch[d] = s->epoch;
	s->value[d] = v;
}

static void make_mov(struct ir_ctx *ctx, struct opt_state *s, struct ir_op *op, ir_temp d,
		     ir_temp a)
{
	op->opc = IR_mov;
	op->type = ctx->temps[d].type;
	op->nout = 1;
	op->nin = 1;
	op->ncst = 0;
	op->args[0] = d;
	op->args[1] = a;
}

static void make_nop(struct ir_op *op)
{
	op->opc = IR_nop;
	op->nout = op->nin = op->ncst = 0;
}

/* Algebraic identities with one constant operand; returns true if rewritten. */
static bool simplify_binary(struct ir_ctx *ctx, struct opt_state *s, struct ir_op *op)
{
	ir_temp d = (ir_temp)op->args[0], a = (ir_temp)op->args[1], b = (ir_temp)op->args[2];
	enum ir_type t = op->type;
	uint64_t cb = 0, ca = 0;
	bool kb = temp_const(ctx, s, b, &cb), ka = temp_const(ctx, s, a, &ca);
	uint64_t ones = ir_trunc(t, ~0ull);

	if (kb) {
		cb = ir_trunc(t, cb);
		switch (op->opc) {
		case IR_add: case IR_sub: case IR_or: case IR_xor: case IR_shl: case IR_shr:
		case IR_sar: case IR_rotl: case IR_rotr:
			if (cb == 0) {
				make_mov(ctx, s, op, d, a);
				return true;
			}
			break;
		case IR_and:
			if (cb == 0) {
				make_movi(ctx, s, op, d, 0);
				return true;
			}
			if (cb == ones) {
				make_mov(ctx, s, op, d, a);
				return true;
			}
			break;
		case IR_mul:
			if (cb == 0) {
				make_movi(ctx, s, op, d, 0);
				return true;
			}
			if (cb == 1) {
				make_mov(ctx, s, op, d, a);
				return true;
			}
			break;
		default:
			break;
		}
	}
	if (ka) {
		ca = ir_trunc(t, ca);
		switch (op->opc) {
		case IR_add: case IR_or: case IR_xor:
			if (ca == 0) {
				make_mov(ctx, s, op, d, b);
				return true;
			}
			break;
		case IR_and: case IR_mul:
			if (ca == 0) {
				make_movi(ctx, s, op, d, 0);
				return true;
			}
			break;
		default:
			break;
		}
	}
	if (a == b) {
		switch (op->opc) {
		case IR_sub: case IR_xor:
			make_movi(ctx, s, op, d, 0);
			return true;
		case IR_and: case IR_or:
			make_mov(ctx, s, op, d, a);
			return true;
		default:
			break;
		}
	}
	return false;
}

static void forward_pass(struct ir_ctx *ctx, struct opt_state *s)
{
	new_epoch(s);
	for (unsigned i = 0; i < ctx->nops; i++) {
		struct ir_op *op = &ctx->ops[i];
		const struct ir_op_def *def = &ir_op_defs[op->opc];

		if (op->opc == IR_set_label) {
			new_epoch(s);
			continue;
		}
		/* Substitute inputs: copies first, then known constants. */
		for (unsigned k = op->nout; k < (unsigned)op->nout + op->nin; k++) {
			ir_temp t = (ir_temp)op->args[k];
			ir_temp src = copy_of(s, t);
			uint64_t v;

			if (src != IR_TEMP_NONE && ctx->temps[src].type == ctx->temps[t].type)
				t = src;
			if (ctx->temps[t].kind != IR_TEMP_CONST && temp_const(ctx, s, t, &v) &&
			    ctx->ntemps < IR_MAX_TEMPS) {
				t = ir_const(ctx, ctx->temps[t].type, v);
				s->cst_epoch[t] = 0;
				s->copy_src[t] = IR_TEMP_NONE;
			}
			op->args[k] = t;
		}

		switch (op->opc) {
		case IR_movi:
			make_movi(ctx, s, op, (ir_temp)op->args[0], op->args[1]);
			continue;
		case IR_mov: {
			ir_temp d = (ir_temp)op->args[0], a = (ir_temp)op->args[1];
			uint64_t v;

			if (d == a) {
				make_nop(op);
				continue;
			}
			if (temp_const(ctx, s, a, &v)) {
				make_movi(ctx, s, op, d, v);
				continue;
			}
			define(s, d);
			set_copy(s, d, a);
			continue;
		}
		case IR_brcond: {
			uint64_t va, vb;

			if (temp_const(ctx, s, (ir_temp)op->args[0], &va) &&
			    temp_const(ctx, s, (ir_temp)op->args[1], &vb)) {
				if (ir_cond_eval((enum ir_cond)op->args[2], op->type, va, vb)) {
					uint64_t label = op->args[3];
					op->opc = IR_br;
					op->nin = 0;
					op->ncst = 1;
					op->args[0] = label;
				} else {
					make_nop(op);
				}
			}
			/* Control may leave: nothing is known after, conservatively. */
			new_epoch(s);
			continue;
		}
		case IR_setcond: {
			uint64_t va, vb;
			ir_temp d = (ir_temp)op->args[0];

			if (temp_const(ctx, s, (ir_temp)op->args[1], &va) &&
			    temp_const(ctx, s, (ir_temp)op->args[2], &vb)) {
				make_movi(ctx, s, op, d,
					  ir_cond_eval((enum ir_cond)op->args[3], op->type, va, vb));
				continue;
			}
			define(s, d);
			continue;
		}
		case IR_call: {
			const struct ir_helper *h = ir_helper_get((unsigned)op->args[op->nout + op->nin]);

			if (h->flags & IR_HF_WRITES_GLOBALS)
				forget_globals(ctx, s);
			if (op->nout)
				define(s, (ir_temp)op->args[0]);
			continue;
		}
		default:
			break;
		}

		if (ir_op_is_binary(op->opc) && op->nout == 1) {
			uint64_t va, vb;
			if (temp_const(ctx, s, (ir_temp)op->args[1], &va) &&
			    temp_const(ctx, s, (ir_temp)op->args[2], &vb)) {
				make_movi(ctx, s, op, (ir_temp)op->args[0],
					  ir_fold_binary(op->opc, op->type, va, vb));
				continue;
			}
			ir_temp d = (ir_temp)op->args[0];
			if (simplify_binary(ctx, s, op)) {
				if (op->opc == IR_mov) {
					ir_temp a = (ir_temp)op->args[1];
					if (d == a) {
						make_nop(op);
						continue;
					}
					define(s, d);
					set_copy(s, d, a);
				}
				continue;
			}
		} else if (ir_op_is_unary(op->opc) && op->nout == 1) {
			uint64_t va;
			if (temp_const(ctx, s, (ir_temp)op->args[1], &va)) {
				make_movi(ctx, s, op, (ir_temp)op->args[0],
					  ir_fold_unary(op->opc, op->type, va));
				continue;
			}
		}
		for (unsigned k = 0; k < op->nout; k++)
			define(s, (ir_temp)op->args[k]);
		if (def->flags & IR_OPF_BB_END)
			new_epoch(s);
	}
}

static bool has_side_effects(const struct ir_op *op)
{
	if (op->opc == IR_call) {
		const struct ir_helper *h = ir_helper_get((unsigned)op->args[op->nout + op->nin]);
		return !(h->flags & IR_HF_PURE);
	}
	return ir_op_defs[op->opc].flags & IR_OPF_SIDE;
}

/* Drop ops that only define locals nobody reads; repeat until nothing changes. */
static void dead_code(struct ir_ctx *ctx, struct opt_state *s)
{
	bool changed = true;

	while (changed) {
		changed = false;
		memset(s->uses, 0, ctx->ntemps * sizeof(unsigned));
		for (unsigned i = 0; i < ctx->nops; i++) {
			struct ir_op *op = &ctx->ops[i];
			for (unsigned k = op->nout; k < (unsigned)op->nout + op->nin; k++)
				s->uses[op->args[k]]++;
		}
		for (unsigned i = 0; i < ctx->nops; i++) {
			struct ir_op *op = &ctx->ops[i];
			if (op->opc == IR_nop || op->nout == 0 || has_side_effects(op))
				continue;
			bool dead = true;
			for (unsigned k = 0; k < op->nout; k++) {
				ir_temp d = (ir_temp)op->args[k];
				if (ctx->temps[d].kind == IR_TEMP_GLOBAL || s->uses[d])
					dead = false;
			}
			if (dead) {
				make_nop(op);
				changed = true;
			}
		}
	}
}

static void compact(struct ir_ctx *ctx)
{
	unsigned n = 0;

	for (unsigned i = 0; i < ctx->nops; i++) {
		if (ctx->ops[i].opc == IR_nop)
			continue;
		if (n != i)
			ctx->ops[n] = ctx->ops[i];
		n++;
	}
	ctx->nops = n;
}

void ir_optimize(struct ir_ctx *ctx)
{
	static __thread struct opt_state state;

	forward_pass(ctx, &state);
	dead_code(ctx, &state);
	compact(ctx);
}
