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
	/* rotate_idioms(): per temp, its last definition in the current block */
	uint32_t def_blk[IR_MAX_TEMPS]; /* block number of that definition */
	uint16_t def_at[IR_MAX_TEMPS];  /* op index */
	uint32_t ver[IR_MAX_TEMPS];     /* definitions so far */
	/* the value the defining op's first input had: a temp and its ver, through one mov */
	ir_temp src_t[IR_MAX_TEMPS];
	uint32_t src_ver[IR_MAX_TEMPS];
	uint32_t blk;
	struct ir_op out[IR_MAX_OPS];
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
			/*
			 * A local copied into a global (a load or an FP result the
			 * frontend computed into a temp first): later reads of the
			 * local read the global instead, so the local dies here and
			 * a register allocator can hand its register to the global.
			 */
			if (ctx->temps[a].kind == IR_TEMP_LOCAL && ctx->temps[d].kind == IR_TEMP_GLOBAL &&
			    ctx->temps[a].type == ctx->temps[d].type && copy_of(s, a) == IR_TEMP_NONE)
				set_copy(s, a, d);
			else
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

/*
 * A write of a global that the same block writes again before anything
 * reads it or may observe env (ir_op_observes_globals()) is dead: drop it, so
 * what only fed it dies too (e.g. the shifts of a rotate idiom).
 */
static void dead_global_writes(struct ir_ctx *ctx)
{
	_Static_assert(IR_MAX_GLOBALS <= 128, "two words of bits");
	uint64_t over[2] = {0, 0}; /* globals written later, unread in between */

	for (unsigned i = ctx->nops; i-- > 0;) {
		struct ir_op *op = &ctx->ops[i];
		uint64_t g = op->args[0];

		if (op->opc == IR_nop)
			continue;
		if (op->nout == 1 && !has_side_effects(op) && g < ctx->nglobals &&
		    (over[g / 64] >> (g % 64) & 1)) {
			make_nop(op);
			continue;
		}
		for (unsigned k = 0; k < (unsigned)op->nout + op->nin; k++) {
			g = op->args[k];
			if (g >= ctx->nglobals)
				continue;
			if (k < op->nout)
				over[g / 64] |= 1ull << (g % 64);
			else
				over[g / 64] &= ~(1ull << (g % 64));
		}
		/* env is observed here: every earlier write counts (this op's own too) */
		if (ir_op_observes_globals(op))
			over[0] = over[1] = 0;
	}
}

/* Drop ops that only define locals nobody reads; repeat until nothing changes. */
static void dead_code(struct ir_ctx *ctx, struct opt_state *s)
{
	bool changed = true;

	dead_global_writes(ctx);

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

/* The op that last defined @t in the current block, or NULL. */
static const struct ir_op *def_of(const struct ir_ctx *ctx, const struct opt_state *s, ir_temp t,
				  enum ir_opc opc)
{
	if (ctx->temps[t].kind == IR_TEMP_CONST || s->def_blk[t] != s->blk)
		return NULL;
	const struct ir_op *d = &ctx->ops[s->def_at[t]];
	return d->opc == opc && d->nout == 1 && d->args[0] == t ? d : NULL;
}

static bool const_of(const struct ir_ctx *ctx, ir_temp t, uint64_t *v)
{
	if (ctx->temps[t].kind != IR_TEMP_CONST)
		return false;
	*v = ctx->temps[t].value;
	return true;
}

/*
 * The 32-bit rotate of op @i, an "or.i64 d, a, b" of RV64's slliw x, n and
 * srliw x, 32 - n (in either order): a = ext32s(shl.i64(x, n)), b =
 * ext_i32_i64(shr.i32(l, 32 - n)) with l = extrl(x) of the same value of x.
 * The or of two sign-extended words is the sign extension of their or, so
 * d = ext_i32_i64(rotl.i32(l, n)). Returns false if op @i is not that.
 */
static bool match_rotl32(const struct ir_ctx *ctx, const struct opt_state *s, unsigned i,
			 ir_temp *l, uint64_t *n)
{
	const struct ir_op *op = &ctx->ops[i];

	if (op->opc != IR_or || op->type != IR_I64)
		return false;
	for (unsigned k = 0; k < 2; k++) {
		ir_temp a = (ir_temp)op->args[1 + k], b = (ir_temp)op->args[2 - k];
		const struct ir_op *ea = def_of(ctx, s, a, IR_ext32s);
		const struct ir_op *eb = def_of(ctx, s, b, IR_ext_i32_i64);
		if (!ea || !eb)
			continue;
		ir_temp t1 = (ir_temp)ea->args[1], t2 = (ir_temp)eb->args[1];
		const struct ir_op *shl = def_of(ctx, s, t1, IR_shl);
		const struct ir_op *shr = def_of(ctx, s, t2, IR_shr);
		uint64_t sn, sm;
		if (!shl || !shr || shl->type != IR_I64 || shr->type != IR_I32 ||
		    s->def_at[t1] > s->def_at[a] || s->def_at[t2] > s->def_at[b] ||
		    !const_of(ctx, (ir_temp)shl->args[2], &sn) ||
		    !const_of(ctx, (ir_temp)shr->args[2], &sm) || sn == 0 || sn >= 32 ||
		    sn + sm != 32)
			continue;
		ir_temp lt = (ir_temp)shr->args[1];
		const struct ir_op *ex = def_of(ctx, s, lt, IR_extrl_i64_i32);
		/* l still holds extrl(x) of the value of x the shl read (src_t/src_ver) */
		if (!ex || s->def_at[lt] > s->def_at[t2] || s->src_t[lt] != s->src_t[t1] ||
		    s->src_ver[lt] != s->src_ver[t1])
			continue;
		*l = lt;
		*n = sn;
		return true;
	}
	return false;
}

/*
 * RV64GC has no rotate: compilers build 32-bit rotates (SHA-256's) from
 * slliw, srliw and or, three ops with a sign extension each. Rewrite the or
 * as rotl + one extension; the shifts then often die (dead_code(), or the
 * backend when they wrote a global that is overwritten).
 */
static void rotate_idioms(struct ir_ctx *ctx, struct opt_state *s)
{
	unsigned nmatch = 0;
	/* the ors to rewrite: op index, l, count */
	static __thread struct {
		uint16_t at;
		uint8_t cnt;
		ir_temp l;
	} match[IR_MAX_OPS / 4];
	bool or64 = false, shl64 = false;

	/* most TBs have no 64-bit or after a 64-bit shl: skip the bookkeeping */
	for (unsigned i = 0; i < ctx->nops; i++) {
		const struct ir_op *op = &ctx->ops[i];
		shl64 |= op->opc == IR_shl && op->type == IR_I64;
		or64 |= shl64 && op->opc == IR_or && op->type == IR_I64;
	}
	if (!or64)
		return;
	s->blk++;
	for (unsigned i = 0; i < ctx->nops; i++) {
		const struct ir_op *op = &ctx->ops[i];
		ir_temp l;
		uint64_t cnt;

		if (op->opc == IR_or && nmatch < IR_MAX_OPS / 4 && match_rotl32(ctx, s, i, &l, &cnt)) {
			match[nmatch].at = (uint16_t)i;
			match[nmatch].cnt = (uint8_t)cnt;
			match[nmatch].l = l;
			nmatch++;
		}
		for (unsigned k = 0; k < op->nout; k++) {
			ir_temp t = (ir_temp)op->args[k];
			ir_temp in = op->nin ? (ir_temp)op->args[op->nout] : IR_TEMP_NONE;
			/* x = mov y: the value of x is y's at that mov (as long as x is not redefined) */
			const struct ir_op *mv = in != IR_TEMP_NONE ? def_of(ctx, s, in, IR_mov) : NULL;
			if (mv) {
				s->src_t[t] = s->src_t[in];
				s->src_ver[t] = s->src_ver[in];
			} else {
				s->src_t[t] = in;
				s->src_ver[t] = in != IR_TEMP_NONE ? s->ver[in] : 0;
			}
			s->ver[t]++;
			s->def_blk[t] = s->blk;
			s->def_at[t] = (uint16_t)i;
		}
		if (ir_op_defs[op->opc].flags & IR_OPF_BB_END)
			s->blk++;
	}
	if (!nmatch || ctx->nops + nmatch > IR_MAX_OPS || ctx->ntemps + 2 * nmatch > IR_MAX_TEMPS)
		return; /* nothing to do, or no room: keep the ops as they are */

	/* each matched or becomes rotl.i32 r, l, cnt; ext_i32_i64 d, r */
	unsigned n = 0, m = 0;
	for (unsigned i = 0; i < ctx->nops; i++) {
		const struct ir_op *op = &ctx->ops[i];
		if (m < nmatch && match[m].at == i) {
			ir_temp d = (ir_temp)op->args[0], r = ir_new_temp(ctx, IR_I32);
			struct ir_op *o = &s->out[n++];
			*o = (struct ir_op){.opc = IR_rotl, .type = IR_I32, .nout = 1, .nin = 2};
			o->args[0] = r;
			o->args[1] = match[m].l;
			o->args[2] = ir_const(ctx, IR_I32, match[m].cnt);
			o = &s->out[n++];
			*o = (struct ir_op){.opc = IR_ext_i32_i64, .type = IR_I64, .nout = 1, .nin = 1};
			o->args[0] = d;
			o->args[1] = r;
			m++;
		} else {
			s->out[n++] = *op;
		}
	}
	memcpy(ctx->ops, s->out, n * sizeof(ctx->ops[0]));
	ctx->nops = n;
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
	rotate_idioms(ctx, &state);
	dead_code(ctx, &state);
	compact(ctx);
}
