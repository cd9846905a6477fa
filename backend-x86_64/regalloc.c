/*
 * Register allocation inside one TB: a linear scan over the ops.
 *
 * Every temp has a canonical home: its env slot (globals), a frame slot
 * (locals) or its value (constants). A host register may hold a copy; the
 * copy is "dirty" when the home is stale (mem == false); binary64 values
 * may have their only current copy in an xmm register (fp.c). Globals are
 * written back at TB exits, before guest memory ops and before helpers that
 * read/write globals or may raise; locals are written back at the end of a
 * basic block if they are still live; at labels every register copy is
 * dropped, so all paths meet with values in their homes.
 */
#include <string.h>

#include "backend-x86_64/x86-jit.h"

/*
 * Allocation order: callee-saved first (they survive helper calls), the
 * registers some instructions need (rax, rcx, rdx) last.
 */
static const int8_t alloc_order[] = {
	X86_RBX, X86_R12, X86_R13, X86_RSI, X86_RDI, X86_R8, X86_R9, X86_R10,
	X86_RAX, X86_RCX, X86_RDX,
};

unsigned x86_temp_width(const struct x86_cg *cg, ir_temp t)
{
	return cg->ir->temps[t].type == IR_I32 ? 32 : 64;
}

static bool is_global(const struct x86_cg *cg, ir_temp t)
{
	return cg->ir->temps[t].kind == IR_TEMP_GLOBAL;
}


static void reset_temp(struct x86_temp *x, uint32_t last_use)
{
	x->reg = -1;
	x->mem = true;
	x->slot = -1;
	x->bb = UINT16_MAX;
	x->multi_bb = false;
	x->last_use = last_use;
	x->next_read = X86_NEVER;
	x->xmm = -1;
	x->hint = -1;
	x->fp = false;
}

/*
 * The globals' entries of cg->t[] only change where a TB names them: reset
 * those of the last TB (and the residents), not all of them (most TBs name
 * a handful of the ~100 globals). Globals never die (last_use UINT32_MAX).
 */
static void reset_globals(struct x86_cg *cg)
{
	const struct ir_ctx *ir = cg->ir;

	if (cg->t_nglobals != ir->nglobals) {
		for (unsigned g = 0; g < ir->nglobals; g++)
			reset_temp(&cg->t[g], UINT32_MAX);
		cg->t_nglobals = ir->nglobals;
	} else {
		for (unsigned i = 0; i < cg->ntouched; i++)
			reset_temp(&cg->t[cg->touched[i]], UINT32_MAX);
	}
	cg->ntouched = 0;
	for (unsigned i = 0; i < x86_nresident; i++) {
		ir_temp g = x86_resident[i].global;
		if (g < ir->nglobals && cg->t[g].bb == UINT16_MAX) {
			cg->t[g].bb = UINT16_MAX - 1; /* listed */
			cg->touched[cg->ntouched++] = (uint16_t)g;
		}
	}
}

void x86_ra_begin(struct x86_cg *cg)
{
	const struct ir_ctx *ir = cg->ir;
	unsigned bb = 0;
	bool backward = false;
	static __thread int32_t label_at[IR_MAX_LABELS];

	for (unsigned i = 0; i < X86_NREGS; i++)
		cg->reg_temp[i] = -1;
	for (unsigned x = 0; x < 16; x++)
		cg->xmm_temp[x] = -1;
	cg->xmm_used = 0;
	cg->locked = 0;
	cg->nslots = 0;
	reset_globals(cg);
	for (unsigned t = ir->nglobals; t < ir->ntemps; t++)
		reset_temp(&cg->t[t], 0);
	for (unsigned i = 0; i < ir->nlabels; i++)
		label_at[i] = -1;
	cg->resident_in = (uint8_t)((1u << x86_nresident) - 1);

	/* Liveness: last op naming each temp, and whether it crosses basic blocks. */
	for (unsigned i = 0; i < ir->nops; i++) {
		const struct ir_op *op = &ir->ops[i];
		unsigned n = op->nout + op->nin;

		for (unsigned k = 0; k < n; k++) {
			ir_temp t = (ir_temp)op->args[k];
			struct x86_temp *x = &cg->t[t];
			if (t < ir->nglobals) {
				/* a TB that names another view of a resident's bytes starts without it */
				if (x86_resident_alias[t] >= 0)
					cg->resident_in &= (uint8_t)~(1u << x86_resident_alias[t]);
				if (x->bb == UINT16_MAX) {
					x->bb = UINT16_MAX - 1;
					cg->touched[cg->ntouched++] = (uint16_t)t;
				}
				continue;
			}
			x->last_use = i;
			if (x->bb == UINT16_MAX)
				x->bb = (uint16_t)bb;
			else if (x->bb != bb)
				x->multi_bb = true;
		}
		if (op->opc == IR_set_label)
			label_at[op->args[0]] = (int32_t)i;
		/* the new pc of an indirect jump: the probe wants it in rax */
		if (op->opc == IR_st_env && op->args[1] == ir->pc_offset && i + 1 < ir->nops &&
		    ir->ops[i + 1].opc == IR_lookup_and_goto &&
		    ir->temps[op->args[0]].kind == IR_TEMP_LOCAL)
			cg->t[op->args[0]].hint = X86_RAX;
		if ((op->opc == IR_br && label_at[op->args[0]] >= 0) ||
		    (op->opc == IR_brcond && label_at[op->args[3]] >= 0))
			backward = true;
		if (ir_op_defs[op->opc].flags & IR_OPF_BB_END)
			bb++;
	}
	/*
	 * Backwards: read_after[i][k] is the next op after i reading the value
	 * argument k holds after op i (a later write kills it). Linear order:
	 * exact inside a basic block.
	 */
	for (unsigned i = ir->nops; i-- > 0;) {
		const struct ir_op *op = &ir->ops[i];
		unsigned n = op->nout + op->nin;

		/* FP values: operands of binary64 ops, and what is moved into them */
		if (op->opc == IR_fpop && !(op->args[3] & (IR_FP_F32BOX | IR_FP_F32))) {
			cg->t[op->args[1]].fp = true;
			cg->t[op->args[2]].fp = true;
		} else if (op->opc == IR_mov && cg->t[op->args[0]].fp) {
			cg->t[op->args[1]].fp = true;
		}
		for (unsigned k = 0; k < n; k++)
			cg->read_after[i][k] = cg->t[op->args[k]].next_read;
		for (unsigned k = 0; k < op->nout; k++)
			cg->t[op->args[k]].next_read = X86_NEVER;
		for (unsigned k = op->nout; k < n; k++)
			cg->t[op->args[k]].next_read = (uint16_t)i;
	}

	/*
	 * With a backward branch a value may be needed again after its last use
	 * in program order: keep locals that cross blocks alive to the end.
	 */
	for (unsigned t = ir->nglobals; backward && t < ir->ntemps; t++) {
		if (ir->temps[t].kind == IR_TEMP_LOCAL && cg->t[t].multi_bb)
			cg->t[t].last_use = UINT32_MAX;
	}

	/* Resident globals arrive in their registers, equal to env. */
	for (unsigned i = 0; i < x86_nresident; i++) {
		ir_temp g = x86_resident[i].global;
		if (g < ir->nglobals && (cg->resident_in & (1u << i))) {
			x86_ra_attach(cg, g, x86_resident[i].reg);
			cg->t[g].mem = true;
		}
	}
	cg->locked = 0;
}


bool x86_ra_dies(const struct x86_cg *cg, ir_temp t)
{
	return cg->t[t].last_use <= cg->op;
}

struct x86_mem x86_ra_home(struct x86_cg *cg, ir_temp t)
{
	const struct ir_temp_info *ti = &cg->ir->temps[t];
	struct x86_temp *x = &cg->t[t];

	if (ti->kind == IR_TEMP_GLOBAL)
		return x86_env((int32_t)ti->env_offset);
	if (x->slot < 0)
		x->slot = (int16_t)cg->nslots++;
	return x86_m(X86_RSP, X86_FRAME_SLOT0 + 8 * x->slot);
}

static void load_into(struct x86_cg *cg, ir_temp t, int reg)
{
	if (x86_is_const(cg, t)) {
		x86_mov_ri(&cg->b, reg, cg->ir->temps[t].value);
		return;
	}
	if (cg->t[t].xmm >= 0) {
		x86_movq_rx(&cg->b, x86_temp_width(cg, t), reg, cg->t[t].xmm);
		return;
	}
	x86_load(&cg->b, x86_temp_width(cg, t), reg, x86_ra_home(cg, t));
}

void x86_ra_store(struct x86_cg *cg, ir_temp t)
{
	struct x86_temp *x = &cg->t[t];

	if (x->mem)
		return;
	if (x->reg >= 0)
		x86_store(&cg->b, x86_temp_width(cg, t), x86_ra_home(cg, t), x->reg);
	else if (x->xmm >= 0)
		x86_movq_mx(&cg->b, x86_ra_home(cg, t), x->xmm);
	else
		return;
	x->mem = true;
}

void x86_ra_detach(struct x86_cg *cg, int reg)
{
	int t = cg->reg_temp[reg];

	if (t >= 0) {
		cg->t[t].reg = -1;
		cg->reg_temp[reg] = -1;
	}
}

void x86_ra_attach(struct x86_cg *cg, ir_temp t, int reg)
{
	if (cg->reg_temp[reg] >= 0 && cg->reg_temp[reg] != (int)t)
		x86_ra_detach(cg, reg);
	if (cg->t[t].reg >= 0 && cg->t[t].reg != reg)
		cg->reg_temp[cg->t[t].reg] = -1;
	cg->t[t].reg = (int8_t)reg;
	cg->reg_temp[reg] = (int16_t)t;
	cg->locked |= (uint16_t)X86_RBIT(reg);
}

/* Whether the value of temp @t is read after the current op. */
static bool live_after(const struct x86_cg *cg, ir_temp t)
{
	return is_global(cg, t) || !x86_ra_dies(cg, t);
}

/*
 * Whether evicting @t's register must keep its value: also true for inputs
 * of the current op that die in it but have not been read yet.
 */
bool x86_ra_needed(const struct x86_cg *cg, ir_temp t)
{
	return is_global(cg, t) || cg->t[t].last_use >= cg->op;
}

void x86_ra_evict(struct x86_cg *cg, int reg)
{
	int t = cg->reg_temp[reg];

	if (t < 0)
		return;
	/* an xmm copy keeps the value as well as the home would */
	if (x86_ra_needed(cg, (ir_temp)t) && cg->t[t].xmm < 0)
		x86_ra_store(cg, (ir_temp)t);
	x86_ra_detach(cg, reg);
}

int x86_ra_alloc(struct x86_cg *cg, unsigned avoid)
{
	unsigned busy = cg->locked | avoid;
	int best = -1;
	uint32_t best_score = UINT32_MAX;

	for (unsigned i = 0; i < sizeof(alloc_order); i++) {
		int r = alloc_order[i];
		if (busy & X86_RBIT(r))
			continue;
		int t = cg->reg_temp[r];
		if (t < 0 || !x86_ra_needed(cg, (ir_temp)t)) {
			best = r;
			break;
		}
		/* Belady: evict the value read again last; among equals a clean one. */
		uint32_t score = (uint32_t)(X86_NEVER - cg->t[t].next_read) * 2 + !cg->t[t].mem;
		if (score < best_score) {
			best_score = score;
			best = r;
		}
	}
	if (best < 0) {
		/* Cannot happen: ops name at most 5 temps, 3 reserved, 11 allocatable. */
		cg->b.overflow = true;
		return X86_RBX;
	}
	x86_ra_evict(cg, best);
	cg->locked |= (uint16_t)X86_RBIT(best);
	return best;
}

int x86_ra_get(struct x86_cg *cg, ir_temp t)
{
	struct x86_temp *x = &cg->t[t];

	if (x->reg >= 0) {
		cg->locked |= (uint16_t)X86_RBIT(x->reg);
		return x->reg;
	}
	int r = x86_ra_alloc(cg, 0);
	load_into(cg, t, r);
	x86_ra_attach(cg, t, r);
	return r;
}

int x86_ra_dest(struct x86_cg *cg, ir_temp d, ir_temp a, int areg)
{
	int hint = cg->t[d].hint;

	if (hint >= 0 && d != a && !(cg->locked & X86_RBIT(hint))) {
		x86_ra_evict(cg, hint);
		cg->locked |= (uint16_t)X86_RBIT(hint);
		return hint;
	}
	if (a != IR_TEMP_NONE) {
		if (d == a)
			return areg;
		if (!is_global(cg, a) && x86_ra_dies(cg, a) && cg->t[a].reg == areg) {
			/* Reuse the dying input's register for the result. */
			x86_ra_detach(cg, areg);
			cg->locked |= (uint16_t)X86_RBIT(areg);
			return areg;
		}
	}
	int dr = cg->t[d].reg;
	if (dr >= 0 && !(cg->locked & X86_RBIT(dr))) {
		cg->locked |= (uint16_t)X86_RBIT(dr);
		return dr;
	}
	return x86_ra_alloc(cg, 0);
}

void x86_ra_set_out(struct x86_cg *cg, ir_temp t, int reg)
{
	x86_xmm_forget(cg, t);
	x86_ra_attach(cg, t, reg);
	cg->t[t].mem = false;
}

void x86_ra_set_out_xmm(struct x86_cg *cg, ir_temp t)
{
	if (cg->t[t].reg >= 0)
		x86_ra_detach(cg, cg->t[t].reg);
	cg->t[t].mem = false;
}

void x86_ra_end_op(struct x86_cg *cg, const struct ir_op *op)
{
	unsigned n = op->nout + op->nin;

	cg->locked = 0;
	for (unsigned k = 0; k < n; k++) {
		ir_temp t = (ir_temp)op->args[k];
		struct x86_temp *x = &cg->t[t];
		x->next_read = cg->read_after[cg->op][k];
		if (is_global(cg, t) || !x86_ra_dies(cg, t))
			continue;
		if (x->reg >= 0)
			x86_ra_detach(cg, x->reg);
		if (x->xmm >= 0)
			x86_xmm_forget(cg, t);
	}
}

/* Write home what registers (GPR and xmm) hold of the globals, or (@all) of every live temp. */
static inline void sync_where(struct x86_cg *cg, bool all)
{
	for (unsigned r = 0; r < X86_NREGS; r++) {
		int t = cg->reg_temp[r];
		if (t >= 0 && (all ? live_after(cg, (ir_temp)t) : is_global(cg, (ir_temp)t)))
			x86_ra_store(cg, (ir_temp)t);
	}
	X86_FOR_XMM(cg, x) {
		int t = cg->xmm_temp[x];
		if (all ? live_after(cg, (ir_temp)t) : is_global(cg, (ir_temp)t))
			x86_ra_store(cg, (ir_temp)t);
	}
}

void x86_ra_sync_globals(struct x86_cg *cg)
{
	sync_where(cg, false);
}

void x86_ra_sync_all(struct x86_cg *cg)
{
	sync_where(cg, true);
}

void x86_ra_place_resident(struct x86_cg *cg)
{
	for (unsigned i = 0; i < x86_nresident; i++) {
		ir_temp g = x86_resident[i].global;
		int r = x86_resident[i].reg;
		struct x86_temp *x = &cg->t[g];

		if (g >= cg->ir->nglobals || x->reg == r)
			continue;
		/* a register an earlier resident took was evicted: g is then only in env */
		x86_ra_evict(cg, r);
		x86_ra_store(cg, g);
		if (x->reg >= 0)
			x86_mov_rr(&cg->b, x86_temp_width(cg, g), r, x->reg);
		else
			load_into(cg, g, r);
		x86_ra_attach(cg, g, r);
		x->mem = true;
	}
	cg->locked |= x86_resident_mask;
}

void x86_ra_forget(struct x86_cg *cg)
{
	x86_xmm_reset(cg);
	for (unsigned r = 0; r < X86_NREGS; r++)
		x86_ra_detach(cg, (int)r);
	for (unsigned t = cg->ir->nglobals; t < cg->ir->ntemps; t++)
		cg->t[t].mem = true;
}

void x86_ra_forget_globals(struct x86_cg *cg)
{
	for (unsigned r = 0; r < X86_NREGS; r++) {
		int t = cg->reg_temp[r];
		if (t >= 0 && is_global(cg, (ir_temp)t)) {
			cg->t[t].mem = true;
			x86_ra_detach(cg, (int)r);
		}
	}
	X86_FOR_XMM(cg, x) {
		int t = cg->xmm_temp[x];
		if (is_global(cg, (ir_temp)t)) {
			cg->t[t].mem = true;
			x86_xmm_forget(cg, (ir_temp)t);
		}
	}
}

void x86_ra_reserve(struct x86_cg *cg, unsigned mask)
{
	for (unsigned r = 0; r < X86_NREGS; r++) {
		if (mask & X86_RBIT(r)) {
			x86_ra_evict(cg, (int)r);
			cg->locked |= (uint16_t)X86_RBIT(r);
		}
	}
}

static bool overlaps(const struct x86_cg *cg, int g, uint32_t off, unsigned size)
{
	return g >= 0 && is_global(cg, (ir_temp)g) && x86_env_overlap(cg, (ir_temp)g, off, size);
}

void x86_ra_env_access(struct x86_cg *cg, uint32_t off, unsigned size, bool write)
{
	for (unsigned r = 0; r < X86_NREGS; r++) {
		int g = cg->reg_temp[r];
		if (!overlaps(cg, g, off, size))
			continue;
		/* The access sees or replaces the global's env copy: make it current. */
		x86_ra_store(cg, (ir_temp)g);
		/* A locked copy is an input of this op: the caller calls again after it. */
		if (write && !(cg->locked & X86_RBIT(r)))
			x86_ra_detach(cg, (int)r);
	}
	X86_FOR_XMM(cg, x) {
		int g = cg->xmm_temp[x];
		if (!overlaps(cg, g, off, size))
			continue;
		x86_ra_store(cg, (ir_temp)g);
		if (write)
			x86_xmm_forget(cg, (ir_temp)g);
	}
}
