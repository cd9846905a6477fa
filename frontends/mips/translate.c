/*
 * MIPS translation: the TB loop (fetch 32-bit words in the guest's byte
 * order, decode with the generated decoder, dispatch to mips_trans_*()),
 * branch delay slots, and the emitters the trans-*.c files share.
 *
 * Delay slots: a branch evaluates its condition and target and writes its
 * link register, then the instruction after it is translated in place
 * (ctx->in_delay), then the branch leaves the TB. The delay-slot instruction
 * gets no insn_start of its own, so anything it raises reports the pc of
 * the branch: re-executing the branch with the delay slot is what the
 * architecture does after an exception with Cause.BD set (Volume III,
 * "Exceptions"), and what Linux shows a signal handler (sigcontext pc).
 */
#include <stdint.h>

#include "morph/frontend.h"
#include "morph/ir.h"
#include "frontends/mips/mips-gen.h"

#define MIPS_PAGE_MASK (~(uint64_t)0xfff)

/* Room for a branch, its delay slot (an lwl/swl or sc with labels) and the exits. */
#define MIPS_OPS_RESERVE 96
#define MIPS_TEMPS_RESERVE 48

/* ---- Registers (mips-gen.h) */

ir_temp mips_gpr(struct mips_ctx *ctx, unsigned n)
{
	return n ? ir_global(ctx->ir, MIPS_G_GPR(n)) : ir_const(ctx->ir, IR_I64, 0);
}

ir_temp mips_dest(struct mips_ctx *ctx, unsigned n)
{
	return n ? ir_global(ctx->ir, MIPS_G_GPR(n)) : ir_new_temp(ctx->ir, IR_I64);
}

ir_temp mips_tmp(struct mips_ctx *ctx)
{
	return ir_new_temp(ctx->ir, IR_I64);
}

ir_temp mips_imm(struct mips_ctx *ctx, int64_t v)
{
	return ir_const(ctx->ir, IR_I64, (uint64_t)v);
}

void mips_set_gpr(struct mips_ctx *ctx, unsigned rd, ir_temp v)
{
	if (rd)
		ir_mov(ctx->ir, IR_I64, mips_dest(ctx, rd), v);
}

/* ---- Memory */

uint32_t mips_memop(const struct mips_ctx *ctx, uint32_t mo)
{
	if (ctx->flags & MIPS_TBF_SYS)
		mo |= IR_MO_MMU(ctx->flags & MIPS_TBF_USER  ? MIPS_MMU_USER
				: ctx->flags & MIPS_TBF_ERL ? MIPS_MMU_ERL
							    : MIPS_MMU_KERNEL);
	return ctx->be ? mo | IR_MO_BE : mo;
}

ir_temp mips_addr(struct mips_ctx *ctx, unsigned rs, int64_t imm)
{
	ir_temp t = mips_tmp(ctx);

	ir_op2i(ctx->ir, IR_add, IR_I64, t, mips_gpr(ctx, rs), (uint64_t)imm);
	return t;
}

/* ---- Helpers */

void mips_helper0(struct mips_ctx *ctx, unsigned hid)
{
	ir_call(ctx->ir, hid, IR_TEMP_NONE, 0, NULL);
}

void mips_helper1(struct mips_ctx *ctx, unsigned hid, ir_temp arg)
{
	ir_call(ctx->ir, hid, IR_TEMP_NONE, 1, &arg);
}

void mips_exit_next(struct mips_ctx *ctx)
{
	if (ctx->in_delay) {
		ctx->force_exit = true;
		return;
	}
	ir_set_pci(ctx->ir, IR_I64, ctx->next_pc);
	ir_exit_tb(ctx->ir, IR_EXIT_SYNC);
	ctx->ended = true;
}

bool mips_raise(struct mips_ctx *ctx, unsigned hid, ir_temp arg)
{
	if (arg == IR_TEMP_NONE)
		mips_helper0(ctx, hid);
	else
		mips_helper1(ctx, hid, arg);
	/* Not reached; keeps every path of the TB ending in an exit. */
	ir_exit_tb(ctx->ir, IR_EXIT_NORMAL);
	ctx->ended = true;
	return true;
}

/* ---- Fetch and the delay slot */

/* One instruction word at @pc in the guest's byte order; false if not executable. */
static bool fetch32(struct mips_ctx *ctx, uint64_t pc, uint32_t *out)
{
	uint8_t b[4];

	if (translator_fetch(&ctx->cpu->c, pc, b, 4) < 0)
		return false;
	if (ctx->be)
		*out = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	else
		*out = (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
	return true;
}

/* Raise a fetch fault for @addr when the TB runs (translation must not fault). */
static void gen_fetch_fault(struct mips_ctx *ctx, uint64_t addr)
{
	mips_raise(ctx, hid_mips_fetch_fault, ir_const(ctx->ir, IR_I64, addr));
}

/* An instruction of the FPU: COP1, COP1X, the FP loads and stores, movf/movt (FCC) */
static bool is_fpu_insn(uint32_t insn)
{
	switch (insn >> 26) {
	case 0x11:
	case 0x13:
	case 0x31:
	case 0x35:
	case 0x39:
	case 0x3d:
		return true;
	case 0x00:
		return (insn & 0x3f) == 0x01;
	default:
		return false;
	}
}

/*
 * Translate @insn at ctx->pc: the IR of a reserved instruction is dropped
 * and replaced by a Reserved Instruction exception (SIGILL).
 */
static void translate_one(struct mips_ctx *ctx, uint32_t insn)
{
	struct mips_args args;
	enum mips_insn id = mips_decode32(insn, &args);
	unsigned nops = ctx->ir->nops;

	ctx->insn = insn;
	ctx->ninsns++;
	/* system mode: the FPU is usable only with Status.CU1 (Linux enables it lazily) */
	if ((ctx->flags & (MIPS_TBF_SYS | MIPS_TBF_CU1)) == MIPS_TBF_SYS && is_fpu_insn(insn) &&
	    id != MIPS_INSN_ILLEGAL) {
		mips_raise(ctx, hid_mips_cpu_unusable, ir_const(ctx->ir, IR_I32, 1));
		return;
	}
	if (id != MIPS_INSN_ILLEGAL && mips_dispatch(ctx, id, &args))
		return;
	ctx->ir->nops = nops;
	ctx->ended = false;
	mips_raise(ctx, hid_mips_reserved, IR_TEMP_NONE);
}

/*
 * The delay slot of the branch at ctx->pc. Returns false when the TB already
 * ended inside it (the instruction raised unconditionally): the branch then
 * emits no exit.
 */
static bool gen_delay_slot(struct mips_ctx *ctx)
{
	uint64_t branch_pc = ctx->pc;
	uint32_t insn;

	ctx->pc = branch_pc + 4;
	/* system mode: what the slot raises reports the branch's pc + 1 (priv.c: Cause.BD) */
	if (ctx->flags & MIPS_TBF_SYS)
		ir_insn_start(ctx->ir, branch_pc | 1, 4);
	if (!fetch32(ctx, ctx->pc, &insn)) {
		gen_fetch_fault(ctx, ctx->pc);
	} else {
		ctx->next_pc = branch_pc + 8;
		ctx->in_delay = true;
		translate_one(ctx, insn);
		ctx->in_delay = false;
	}
	ctx->pc = branch_pc;
	return !ctx->ended;
}

/* Leave to @target: chained, unless the delay slot changed the mode (mips_exit_next()). */
static void gen_goto(struct mips_ctx *ctx, unsigned slot, uint64_t target)
{
	if (!ctx->force_exit) {
		ir_goto_tb(ctx->ir, slot, target);
		return;
	}
	ir_set_pci(ctx->ir, IR_I64, target);
	ir_exit_tb(ctx->ir, IR_EXIT_SYNC);
}

/* Branch or jump in a delay slot: UNPREDICTABLE; we raise Reserved Instruction. */
static bool branch_allowed(const struct mips_ctx *ctx)
{
	return !ctx->in_delay;
}

bool mips_branch(struct mips_ctx *ctx, enum mips_br_kind kind, ir_temp taken, uint64_t target,
		 unsigned link)
{
	struct ir_ctx *ir = ctx->ir;
	uint64_t next = ctx->pc + 8;
	ir_temp cond = IR_TEMP_NONE;
	unsigned label;

	if (!branch_allowed(ctx))
		return false;
	target = (uint64_t)(int64_t)(int32_t)target;
	if (kind == MIPS_BR_COND) {
		/* the delay slot may overwrite the condition's registers */
		cond = mips_tmp(ctx);
		ir_mov(ir, IR_I64, cond, taken);
	}
	if (link)
		mips_set_gpr(ctx, link, mips_imm(ctx, (int64_t)(int32_t)next));
	switch (kind) {
	case MIPS_BR_ALWAYS:
		if (gen_delay_slot(ctx))
			gen_goto(ctx, 0, target);
		break;
	case MIPS_BR_COND:
		if (!gen_delay_slot(ctx))
			break;
		label = ir_new_label(ir);
		ir_brcond(ir, IR_I64, IR_COND_NE, cond, mips_imm(ctx, 0), label);
		gen_goto(ctx, 1, next);
		ir_set_label(ir, label);
		gen_goto(ctx, 0, target);
		break;
	case MIPS_BR_LIKELY:
		/* not taken: the delay slot is annulled */
		label = ir_new_label(ir);
		ir_brcond(ir, IR_I64, IR_COND_NE, taken, mips_imm(ctx, 0), label);
		ir_goto_tb(ir, 1, next);
		ir_set_label(ir, label);
		if (gen_delay_slot(ctx))
			gen_goto(ctx, 0, target);
		break;
	}
	ctx->ended = true;
	return true;
}

bool mips_jump_reg(struct mips_ctx *ctx, unsigned target_reg, unsigned link)
{
	ir_temp target;

	if (!branch_allowed(ctx))
		return false;
	/* read before the link write and the delay slot: either may change it */
	target = mips_tmp(ctx);
	ir_mov(ctx->ir, IR_I64, target, mips_gpr(ctx, target_reg));
	if (link)
		mips_set_gpr(ctx, link, mips_imm(ctx, (int64_t)(int32_t)(ctx->pc + 8)));
	if (gen_delay_slot(ctx)) {
		ir_set_pc(ctx->ir, IR_I64, target);
		ir_lookup_and_goto(ctx->ir);
	}
	ctx->ended = true;
	return true;
}

/* ---- The TB loop */

static bool ir_nearly_full(const struct ir_ctx *ir)
{
	return ir->nops + MIPS_OPS_RESERVE > IR_MAX_OPS ||
	       ir->ntemps + MIPS_TEMPS_RESERVE > IR_MAX_TEMPS;
}

struct translate_result mips_translate(struct cpu *cpu, struct ir_ctx *ir, uint64_t pc,
				       uint32_t flags, unsigned max_insns)
{
	struct mips_ctx ctx = {
	    .ir = ir,
	    .cpu = (struct mips_cpu *)cpu,
	    .flags = flags,
	    .be = cpu->arch->big_endian,
	};
	struct translate_result res = {0, 0};
	const uint64_t page = pc & MIPS_PAGE_MASK;
	uint64_t next = pc;

	if (max_insns == 0)
		max_insns = 1;
	while (!ctx.ended) {
		uint32_t insn;

		ctx.pc = next;
		if (ctx.ninsns >= max_insns || ir_nearly_full(ir) ||
		    (ctx.ninsns && (ctx.pc & MIPS_PAGE_MASK) != page)) {
			ir_goto_tb(ir, 0, ctx.pc);
			break;
		}
		if (!fetch32(&ctx, ctx.pc, &insn)) {
			if (ctx.ninsns) {
				ir_goto_tb(ir, 0, ctx.pc);
				break;
			}
			ir_insn_start(ir, ctx.pc, 4);
			gen_fetch_fault(&ctx, ctx.pc);
			ctx.ninsns = 1;
			next = ctx.pc + 4;
			break;
		}
		ir_insn_start(ir, ctx.pc, 4);
		ctx.next_pc = ctx.pc + 4;
		translate_one(&ctx, insn);
		next = ctx.next_pc; /* past the delay slot after a branch */
		if (ir->overflow)
			break; /* the core retries with fewer instructions */
	}
	res.size = (uint32_t)(next - pc);
	res.ninsns = ctx.ninsns;
	return res;
}
