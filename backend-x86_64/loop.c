/*
 * A TB whose last jump goes back to its own start (a loop of one basic
 * block: a copy loop, a hash round, the inner loop of an FP kernel) goes
 * round inside its code. The loop head has chosen globals in fixed
 * registers (the residents it names, more GPR globals in r9, r10 and the
 * registers of the residents it does not name, up to six binary64 values
 * in xmm registers), the way back puts them there again after writing the
 * other dirty globals home, and each round checks exit_request only.
 * Chained to itself instead, every round would write its globals to env,
 * re-enter through the entry check and load them again.
 *
 * Shapes: "... brcond a, b, c, L; goto_tb s1, next; L: goto_tb s0, start"
 * (the taken way goes round) and a final "goto_tb s, start", with no other
 * control flow in the TB. tb->may_loop says the core allows it (user mode,
 * no instrumentation or GDB flags, chaining on). Nothing can unchain such a
 * TB, so invalidating it makes every hart leave guest code (tb-cache.c),
 * through the check at the loop head.
 */
#include <string.h>

#include "backend-x86_64/x86-jit.h"
#include "morph/cpu.h"

#define LOOP_XMM0 3 /* xmm3.. of fp.c's cache */
#define LOOP_NXMM 6

/* The op that goes round (its tail from *skip on is not compiled), or -1. */
static int find_shape(const struct x86_cg *cg, unsigned *skip)
{
	const struct ir_ctx *ir = cg->ir;
	const struct ir_op *o = ir->ops;
	unsigned n = ir->nops, i;
	uint64_t pc = cg->tb->pc;
	int op;

	if (n >= 4 && o[n - 4].opc == IR_brcond && o[n - 3].opc == IR_goto_tb &&
	    o[n - 2].opc == IR_set_label && o[n - 1].opc == IR_goto_tb &&
	    o[n - 2].args[0] == o[n - 4].args[3] && o[n - 1].args[1] == pc &&
	    o[n - 3].args[1] != pc && o[n - 4].args[2] != IR_COND_ALWAYS &&
	    o[n - 4].args[2] != IR_COND_NEVER) {
		op = (int)n - 4;
		*skip = n - 2;
	} else if (n >= 1 && o[n - 1].opc == IR_goto_tb && o[n - 1].args[1] == pc) {
		op = (int)n - 1;
		*skip = n;
	} else {
		return -1;
	}
	for (i = 0; i < (unsigned)op; i++) {
		switch (o[i].opc) {
		case IR_set_label: case IR_br: case IR_brcond: case IR_goto_tb:
		case IR_lookup_and_goto: case IR_exit_tb:
			return -1;
		default:
			break;
		}
	}
	return op;
}

static void add_reg(struct x86_cg *cg, ir_temp g, int reg, bool xmm, bool dirty)
{
	struct x86_loop_reg *m = &cg->loop_regs[cg->nloop++];

	m->g = g;
	m->reg = (int8_t)reg;
	m->xmm = xmm;
	m->dirty = dirty;
}

void x86_loop_plan(struct x86_cg *cg)
{
	const struct ir_ctx *ir = cg->ir;
	static __thread uint16_t uses[IR_MAX_GLOBALS];
	static __thread bool written[IR_MAX_GLOBALS];
	static __thread bool carried[IR_MAX_GLOBALS]; /* read before any write: loaded every round */
	ir_temp named[IR_MAX_GLOBALS];
	unsigned nnamed = 0, ngpr = 0, nxmm = 0, nfree = 0;
	int8_t free_gprs[2 + X86_MAX_RESIDENT]; /* rax, rcx, rdx stay for the ops' own values */
	int op;

	cg->loop_op = -1;
	cg->nloop = 0;
	cg->tb->loops = false;
	if (!cg->tb->may_loop || cg->softmmu)
		return;
	op = find_shape(cg, &cg->loop_skip);
	if (op < 0)
		return;

	for (unsigned i = 0; i < cg->loop_skip; i++) {
		const struct ir_op *o = &ir->ops[i];
		/* inputs first: an op reads before it writes */
		for (unsigned k = o->nout; k < (unsigned)o->nout + o->nin; k++) {
			ir_temp t = (ir_temp)o->args[k];
			if (t >= ir->nglobals)
				continue;
			if (!uses[t] && !written[t])
				named[nnamed++] = t;
			carried[t] |= !written[t];
			uses[t]++;
		}
		for (unsigned k = 0; k < o->nout; k++) {
			ir_temp t = (ir_temp)o->args[k];
			if (t >= ir->nglobals)
				continue;
			if (!uses[t] && !written[t])
				named[nnamed++] = t;
			written[t] = true;
		}
	}

	free_gprs[nfree++] = X86_R9;
	free_gprs[nfree++] = X86_R10;
	for (unsigned i = 0; i < x86_nresident; i++) {
		ir_temp g = x86_resident[i].global;
		if (g < ir->nglobals && (cg->resident_in & (1u << i)) && (uses[g] || written[g]))
			add_reg(cg, g, x86_resident[i].reg, false, written[g]);
		else
			free_gprs[nfree++] = x86_resident[i].reg;
	}
	/*
	 * then the globals named most, those the loop carries (read before written: else
	 * a load and a store each round) first, where no other named global shares their
	 * env bytes
	 */
	for (;;) {
		ir_temp best = IR_TEMP_NONE;
		unsigned best_n = 0;

		for (unsigned i = 0; i < nnamed; i++) {
			ir_temp g = named[i];
			unsigned n = uses[g] + written[g] + (carried[g] ? 1000 : 0);
			bool fp = cg->t[g].fp && x86_temp_width(cg, g) == 64;

			if (n <= best_n || x86_resident_alias[g] >= 0 ||
			    (fp ? nxmm >= LOOP_NXMM : ngpr >= nfree))
				continue;
			bool taken = false;
			for (unsigned j = 0; j < cg->nloop && !taken; j++)
				taken = cg->loop_regs[j].g == g;
			for (unsigned j = 0; j < nnamed && !taken; j++)
				taken = named[j] != g &&
					x86_env_overlap(cg, g, ir->temps[named[j]].env_offset,
							x86_temp_width(cg, named[j]) / 8);
			if (!taken) {
				best = g;
				best_n = n;
			}
		}
		if (best == IR_TEMP_NONE)
			break;
		if (cg->t[best].fp && x86_temp_width(cg, best) == 64)
			add_reg(cg, best, LOOP_XMM0 + (int)nxmm++, true, written[best]);
		else
			add_reg(cg, best, free_gprs[ngpr++], false, written[best]);
	}
	for (unsigned i = 0; i < nnamed; i++) {
		uses[named[i]] = 0;
		written[named[i]] = false;
		carried[named[i]] = false;
	}
	cg->loop_op = op;
	cg->tb->loops = true;
}

static bool member(const struct x86_cg *cg, int t)
{
	for (unsigned i = 0; i < cg->nloop; i++)
		if (cg->loop_regs[i].g == (ir_temp)t)
			return true;
	return false;
}

void x86_loop_head(struct x86_cg *cg)
{
	struct x86_buf *b = &cg->b;

	if (cg->loop_op < 0)
		return;
	for (unsigned i = 0; i < cg->nloop; i++) {
		const struct x86_loop_reg *m = &cg->loop_regs[i];
		if (m->xmm)
			x86_movq_xm(b, 64, m->reg, x86_ra_home(cg, m->g));
		else if (cg->t[m->g].reg != m->reg) /* residents are there already */
			x86_load(b, x86_temp_width(cg, m->g), m->reg, x86_ra_home(cg, m->g));
	}
	/* residents the TB does not name leave their registers to others (env has them) */
	for (unsigned i = 0; i < x86_nresident; i++) {
		int g = cg->reg_temp[x86_resident[i].reg];
		if (g >= 0 && cg->t[g].reg == x86_resident[i].reg && !member(cg, g))
			x86_ra_detach(cg, x86_resident[i].reg);
	}
	cg->loop_head = (uint32_t)x86_off(b);
	x86_alu_mi(b, X86_CMP, 32, x86_env((int32_t)offsetof(struct cpu, exit_request)), 0);
	cg->loop_req_disp = (uint32_t)x86_jcc32(b, X86_CC_NE, (size_t)-1);
	/* what the head knows on every round: dirty ones may differ from env */
	for (unsigned i = 0; i < cg->nloop; i++) {
		const struct x86_loop_reg *m = &cg->loop_regs[i];
		if (m->xmm)
			x86_xmm_bind(cg, m->g, m->reg);
		else
			x86_ra_attach(cg, m->g, m->reg);
		cg->t[m->g].mem = !m->dirty;
	}
	cg->locked = 0;
}

static bool in_place(const struct x86_cg *cg, const struct x86_loop_reg *m)
{
	return m->xmm ? cg->t[m->g].xmm == m->reg : cg->t[m->g].reg == m->reg;
}

/* Whether @t is a loop global not in its register yet. */
static bool misplaced_member(const struct x86_cg *cg, int t)
{
	if (t < 0)
		return false;
	for (unsigned i = 0; i < cg->nloop; i++)
		if (cg->loop_regs[i].g == (ir_temp)t)
			return !in_place(cg, &cg->loop_regs[i]);
	return false;
}

/* Free @m's register (its value home first if still needed) and put m's value there. */
static void place(struct x86_cg *cg, const struct x86_loop_reg *m)
{
	struct x86_buf *b = &cg->b;
	struct x86_temp *x = &cg->t[m->g];

	if (m->xmm) {
		x86_xmm_evict(cg, m->reg);
		if (x->xmm >= 0)
			x86_sse(b, X86_SSE_MOVAP, true, m->reg, x->xmm);
		else if (x->reg >= 0)
			x86_movq_xr(b, 64, m->reg, x->reg);
		else
			x86_movq_xm(b, 64, m->reg, x86_ra_home(cg, m->g));
		x86_xmm_bind(cg, m->g, m->reg);
		return;
	}
	x86_ra_evict(cg, m->reg);
	if (x->reg >= 0)
		x86_mov_rr(b, x86_temp_width(cg, m->g), m->reg, x->reg);
	else if (x->xmm >= 0)
		x86_movq_rx(b, x86_temp_width(cg, m->g), m->reg, x->xmm);
	else
		x86_load(b, x86_temp_width(cg, m->g), m->reg, x86_ra_home(cg, m->g));
	x86_ra_attach(cg, m->g, m->reg);
}

void x86_loop_back(struct x86_cg *cg)
{
	unsigned gprs = 0;
	bool progress;

	/* Other globals go home: the head has only the loop registers. */
	for (unsigned r = 0; r < X86_NREGS; r++) {
		int t = cg->reg_temp[r];
		if (t >= 0 && cg->ir->temps[t].kind == IR_TEMP_GLOBAL && !member(cg, t))
			x86_ra_store(cg, (ir_temp)t);
	}
	X86_FOR_XMM(cg, x) {
		int t = cg->xmm_temp[x];
		if (cg->ir->temps[t].kind == IR_TEMP_GLOBAL && !member(cg, t))
			x86_ra_store(cg, (ir_temp)t);
	}
	/*
	 * Each loop global into its register once that register holds nothing
	 * another one still has to move out of; what is left are cycles: those
	 * go through env.
	 */
	for (int pass = 0; pass < 2; pass++) {
		do {
			progress = false;
			for (unsigned i = 0; i < cg->nloop; i++) {
				const struct x86_loop_reg *m = &cg->loop_regs[i];
				int o = m->xmm ? cg->xmm_temp[m->reg] : cg->reg_temp[m->reg];
				if (in_place(cg, m) || misplaced_member(cg, o))
					continue;
				place(cg, m);
				progress = true;
			}
		} while (progress);
		for (unsigned i = 0; i < cg->nloop && pass == 0; i++) {
			const struct x86_loop_reg *m = &cg->loop_regs[i];
			struct x86_temp *x = &cg->t[m->g];
			if (in_place(cg, m))
				continue;
			x86_ra_store(cg, m->g);
			if (x->reg >= 0)
				x86_ra_detach(cg, x->reg);
			x86_xmm_forget(cg, m->g);
		}
	}
	for (unsigned i = 0; i < cg->nloop; i++)
		if (!cg->loop_regs[i].xmm)
			gprs |= X86_RBIT(cg->loop_regs[i].reg);
	cg->locked = (uint16_t)gprs; /* the compare's operands must not take them */
}

void x86_loop_exit_path(struct x86_cg *cg)
{
	if (cg->loop_op < 0)
		return;
	x86_patch_rel32(&cg->b, cg->loop_req_disp, x86_off(&cg->b));
	for (unsigned i = 0; i < cg->nloop; i++) {
		const struct x86_loop_reg *m = &cg->loop_regs[i];
		if (!m->dirty)
			continue;
		if (m->xmm)
			x86_movq_mx(&cg->b, x86_ra_home(cg, m->g), m->reg);
		else
			x86_store(&cg->b, x86_temp_width(cg, m->g), x86_ra_home(cg, m->g), m->reg);
	}
}
