/*
 * Entering and leaving translated code, TB exits, chaining and the jump
 * cache probe; the backend table the core calls (backend.h).
 *
 * exec() calls the prologue, which saves the callee-saved registers, loads
 * env / guest_base / guest_mask into their fixed registers and jumps to the
 * TB. Every way out of translated code jumps to the epilogue with
 * (last tb | TB_EXIT_*) in rax. A chained goto_tb is a direct jmp rel32
 * from one TB into the next one's entry.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "backend-x86_64/code-cache.h"
#include "backend-x86_64/x86-jit.h"
#include "morph/exec.h"
#include "morph/backend.h"
#include "morph/frontend.h"
#include "morph/cpu.h"

#define ENV_OFF(field) ((int32_t)offsetof(struct cpu, field))

/* Default code cache size: rel32 branches reach anywhere inside it. */
#define X86_CODE_CACHE_SIZE (256u << 20)
/* Keep at least this much free for one more TB before asking for a flush. */
#define X86_TB_MIN_ROOM (64u << 10)

typedef uintptr_t (*x86_prologue_fn)(struct cpu *env, const void *code);
bool x86_gmask_inverted;
static x86_prologue_fn x86_prologue;
static const struct morph_arch *resident_arch;
const uint8_t *x86_epilogue;
struct x86_resident x86_resident[X86_MAX_RESIDENT];
unsigned x86_nresident;
int8_t x86_resident_alias[IR_MAX_GLOBALS];
uint16_t x86_resident_mask;

/* ---- exits ---- */

void x86_emit_exit(struct x86_cg *cg, uintptr_t ret)
{
	x86_mov_ri(&cg->b, X86_RAX, ret);
	x86_jmp32(&cg->b, x86_rx_target(cg, x86_epilogue));
}

void x86_emit_goto_tb_stub(struct x86_cg *cg, unsigned slot, uint64_t pc)
{
	struct x86_buf *b = &cg->b;

	/* Not chained (yet): store the target pc and return (tb | slot). */
	cg->unchain_off[slot] = (uint32_t)x86_off(b);
	cg->tb->jmp_pc[slot] = pc;
	struct x86_mem m = x86_env((int32_t)cg->ir->pc_offset);
	if ((int64_t)pc == (int32_t)pc) {
		x86_store_imm(b, 64, m, (int32_t)pc);
	} else {
		x86_mov_ri(b, X86_RAX, pc);
		x86_store(b, 64, m, X86_RAX);
	}
	x86_emit_exit(cg, (uintptr_t)cg->tb | slot);
}

/*
 * A 4-byte store is atomic if it does not cross a cache line (SDM vol. 3A,
 * 8.1.1), so a chained jump's rel32 only needs padding in 3 positions out
 * of 64 (aligning to 4 bytes would put nops on hot paths 3 times in 4).
 */
void x86_align_rel32(struct x86_cg *cg, unsigned opcode_len)
{
	unsigned pos = (unsigned)((uintptr_t)cg->b.p + opcode_len) & 63;

	if (pos > 60)
		x86_nop(&cg->b, 64 - pos);
}

void x86_emit_goto_tb(struct x86_cg *cg, unsigned slot, uint64_t pc)
{
	/* chain() must be able to patch the rel32 atomically */
	x86_align_rel32(cg, 1);
	cg->tb->jmp_patch[slot] = (uint32_t)x86_jmp32(&cg->b, (size_t)-1);
	x86_emit_goto_tb_stub(cg, slot, pc);
}

void x86_emit_lookup_and_goto(struct x86_cg *cg, int pc_reg)
{
	struct x86_buf *b = &cg->b;

	/* rax = pc: from the register the frontend's set_pc named (not stored yet), or env */
	if (pc_reg < 0)
		x86_load(b, 64, X86_RAX, x86_env((int32_t)cg->ir->pc_offset));
	else if (pc_reg != X86_RAX)
		x86_mov_rr(b, 64, X86_RAX, pc_reg);

	/*
	 * rcx = tb_jmp_cache_hash(pc): (pc >> 1) xor (pc >> 17), masked; the
	 * 64-bit rotates leave in the low 16 bits what the shifts would.
	 */
	if (x86_features & X86_FEAT_BMI2) {
		x86_rorx(b, 64, X86_RCX, X86_RAX, 1);
		x86_rorx(b, 64, X86_RDX, X86_RAX, 1 + TB_JMP_CACHE_BITS);
	} else {
		x86_mov_rr(b, 64, X86_RCX, X86_RAX);
		x86_shift_ri(b, X86_SHR, 64, X86_RCX, 1);
		x86_mov_rr(b, 64, X86_RDX, X86_RCX);
		x86_shift_ri(b, X86_SHR, 64, X86_RDX, TB_JMP_CACHE_BITS);
	}
	x86_alu_rr(b, X86_XOR, 32, X86_RCX, X86_RDX);
	x86_alu_ri(b, X86_AND, 32, X86_RCX,
		   (int32_t)((cg->softmmu ? TB_JMP_CACHE_SIZE_SOFTMMU : TB_JMP_CACHE_SIZE) - 1));
	/* empty slots hold tb_jmp_cache_empty; an invalidated TB's key is no pc */
	x86_load(b, 64, X86_RDX, x86_mi(X86_ENV, X86_RCX, 8, ENV_OFF(jmp_cache) - X86_ENV_BIAS));
	x86_alu_rm(b, X86_CMP, 64, X86_RAX, x86_m(X86_RDX, offsetof(struct tb, key)));
	size_t miss2 = x86_jcc8(b, X86_CC_NE);
	/*
	 * env->tb_flags equals this TB's flags: a TB that changes them ends with
	 * exit_tb, so it is never chained or probed past (the interpreter reads env).
	 */
	x86_alu_mi(b, X86_CMP, 32, x86_m(X86_RDX, offsetof(struct tb, flags)),
		   (int32_t)cg->tb->flags);
	size_t miss3 = x86_jcc8(b, X86_CC_NE);
	x86_jmp_m(b, x86_m(X86_RDX, offsetof(struct tb, code)));
	size_t here = x86_off(b);
	x86_patch_rel8(b, miss2, here);
	x86_patch_rel8(b, miss3, here);
	x86_store(b, 64, x86_env((int32_t)cg->ir->pc_offset), X86_RAX);
	x86_emit_exit(cg, (uintptr_t)cg->tb | TB_EXIT_OTHER);
}

/* ---- prologue / epilogue ---- */

static const int8_t saved_regs[] = {X86_RBP, X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15};

static int gen_fixed_code(void)
{
	struct x86_buf b;

	x86_buf_init(&b, x86_cc.rw, 4096);
	x86_prologue = (x86_prologue_fn)(void *)x86_cc.rx;
	for (unsigned i = 0; i < sizeof(saved_regs); i++)
		x86_push(&b, saved_regs[i]);
	x86_alu_ri(&b, X86_SUB, 64, X86_RSP, X86_FRAME_SIZE);
	x86_lea(&b, 64, X86_ENV, x86_m(X86_RDI, X86_ENV_BIAS));
	x86_load(&b, 64, X86_GBASE, x86_m(X86_RDI, ENV_OFF(guest_base)));
	x86_load(&b, 64, X86_GMASK, x86_m(X86_RDI, ENV_OFF(guest_mask)));
	x86_gmask_inverted = x86_features & X86_FEAT_BMI1;
	if (x86_gmask_inverted)
		x86_unary(&b, X86_NOT, 64, X86_GMASK);
	x86_mov_rr(&b, 64, X86_ADDR, X86_RSI);
	for (unsigned i = 0; i < x86_nresident; i++) {
		const struct ir_global_desc *g = &resident_arch->globals[x86_resident[i].global];
		x86_load(&b, g->type == IR_I32 ? 32 : 64, x86_resident[i].reg,
			 x86_env((int32_t)g->env_offset));
	}
	x86_jmp_r(&b, X86_ADDR);

	x86_nop(&b, (unsigned)(-x86_off(&b) & 15));
	x86_epilogue = x86_cc.rx + x86_off(&b);
	x86_alu_ri(&b, X86_ADD, 64, X86_RSP, X86_FRAME_SIZE);
	for (unsigned i = sizeof(saved_regs); i-- > 0;)
		x86_pop(&b, saved_regs[i]);
	x86_ret(&b);
	if (b.overflow)
		return -ENOSPC;
	x86_cc.fixed_end = x86_cc.used = (x86_off(&b) + 63) & ~(size_t)63;
	return 0;
}

/* ---- the backend seam ---- */

static bool x86_has_op(enum ir_opc opc, enum ir_type t)
{
	x86_detect_features();
	switch (opc) {
	case IR_cpop:
		return x86_features & X86_FEAT_POPCNT;
	default:
		return true;
	}
}

/* The host registers of resident globals: callee-saved first, never rax/rcx/rdx (the probe's) */
static const int8_t resident_regs[X86_MAX_RESIDENT] = {
	X86_RBX, X86_R12, X86_R13, X86_RSI, X86_RDI, X86_R8,
};

static void choose_residents(const struct morph_arch *arch)
{
	memset(x86_resident_alias, -1, sizeof(x86_resident_alias));
	x86_nresident = 0;
	x86_resident_mask = 0;
	resident_arch = arch;
	if (!arch || getenv("MORPH_JIT_NO_RESIDENT"))
		return;
	for (unsigned i = 0; i < arch->nresident && x86_nresident < X86_MAX_RESIDENT; i++) {
		unsigned g = arch->resident[i];
		if (g >= arch->nglobals || g >= IR_MAX_GLOBALS)
			continue;
		int8_t r = resident_regs[x86_nresident];
		x86_resident[x86_nresident++] = (struct x86_resident){(uint16_t)g, r};
		x86_resident_mask |= (uint16_t)X86_RBIT(r);
	}
	/* Globals that share a resident's env bytes (RV32 views of x registers) */
	for (unsigned k = 0; k < arch->nglobals && k < IR_MAX_GLOBALS; k++) {
		const struct ir_global_desc *a = &arch->globals[k];
		unsigned asize = a->type == IR_I32 ? 4 : 8;
		for (unsigned i = 0; i < x86_nresident; i++) {
			const struct ir_global_desc *r = &arch->globals[x86_resident[i].global];
			unsigned rsize = r->type == IR_I32 ? 4 : 8;
			if (k != x86_resident[i].global && a->env_offset < r->env_offset + rsize &&
			    r->env_offset < a->env_offset + asize)
				x86_resident_alias[k] = (int8_t)i;
		}
	}
}

static int x86_init(const struct morph_arch *arch)
{
	x86_detect_features();
	if (x86_prologue)
		return 0;
	choose_residents(arch);
	size_t size = X86_CODE_CACHE_SIZE;
	const char *env = getenv("MORPH_JIT_CACHE_MB");
	if (env && atoi(env) > 0)
		size = (size_t)atoi(env) << 20;
	int r = x86_cc_init(size);
	if (r < 0)
		return r;
	return gen_fixed_code();
}

static struct x86_cg *cg_state(void)
{
	static __thread struct x86_cg *cg;

	if (!cg) {
		cg = calloc(1, sizeof(*cg));
		if (!cg) {
			fprintf(stderr, "morph: out of memory\n");
			abort();
		}
	}
	return cg;
}

/*
 * MORPH_JIT_LOG=FILE: append every TB's code with its offset in the code
 * cache, to map profiler samples (perf shows offsets in "memfd:morph-jit").
 */
static FILE *jit_log(void)
{
	static FILE *f;
	static bool tried;

	if (!tried) {
		const char *p = getenv("MORPH_JIT_LOG");
		tried = true;
		if (p && *p)
			f = fopen(p, "w");
	}
	return f;
}

/*
 * MORPH_PERF_MAP=1: name every TB in /tmp/perf-PID.map ("START SIZE NAME",
 * the format of Linux perf's JIT interface), cheaper than MORPH_JIT_LOG. perf
 * reads it only for anonymous memory, not our memfd mapping:
 * scripts/perf-tb.py maps `perf script` samples to TBs with it.
 */
static FILE *perf_map(void)
{
	static FILE *f;
	static bool tried;

	if (!tried) {
		const char *p = getenv("MORPH_PERF_MAP");
		char path[64];

		tried = true;
		if (p && *p && strcmp(p, "0")) {
			snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
			f = fopen(path, "w");
		}
	}
	return f;
}

static int x86_compile(struct tb *tb, struct ir_ctx *ctx)
{
	struct x86_cg *cg = cg_state();
	size_t start = (x86_cc.used + 15) & ~(size_t)15;

	if (!x86_prologue)
		return -EINVAL;
	if (start + X86_TB_MIN_ROOM > x86_cc.size)
		return -ENOSPC;
	x86_buf_init(&cg->b, x86_cc.rw + start, x86_cc.size - start);
	cg->rx_delta = x86_cc_delta();
	/* TBs are compiled on the thread of the hart that runs them */
	cg->softmmu = current_cpu && current_cpu->softmmu;
	cg->fold_disp = current_cpu && !cg->softmmu && current_cpu->guest_guarded;
	cg->guest_mask = current_cpu ? current_cpu->guest_mask : 0;
	if (!x86_codegen(cg, tb, ctx))
		return cg->b.overflow ? -ENOSPC : -EINVAL;

	size_t code_size = x86_off(&cg->b);
	size_t map_off = (code_size + 3) & ~(size_t)3;
	/* After the pairs: where unchain() points each slot's jump back to */
	cg->map[cg->nmap] = cg->unchain_off[0];
	cg->map[cg->nmap + 1] = cg->unchain_off[1];
	cg->nmap += 2;
	size_t frec_off = map_off + cg->nmap * sizeof(uint32_t);
	size_t total = frec_off + cg->nfrec * sizeof(uint32_t);
	if (start + total > x86_cc.size)
		return -ENOSPC;
	memcpy(x86_cc.rw + start + map_off, cg->map, cg->nmap * sizeof(uint32_t));
	memcpy(x86_cc.rw + start + frec_off, cg->frec, cg->nfrec * sizeof(uint32_t));
	tb->fault_regs = (const uint32_t *)(const void *)(x86_cc.rx + start + frec_off);
	tb->fault_regs_len = cg->nfrec;

	tb->code = x86_cc.rx + start;
	tb->code_size = (uint32_t)code_size;
	tb->host_map = (uint32_t *)(void *)(x86_cc.rx + start + map_off);
	tb->host_map_len = cg->nmap / 2 - 1;
	x86_cc.used = start + total;
	x86_cc_sync_icache(tb->code, code_size);
	if (perf_map()) {
		fprintf(perf_map(), "%" PRIxPTR " %zx tb_0x%" PRIx64 "\n", (uintptr_t)tb->code,
			code_size, tb->pc);
		fflush(perf_map());
	}
	if (jit_log()) {
		fprintf(jit_log(), "== cache offset 0x%zx size 0x%zx\n", start, code_size);
		ir_dump(ctx, jit_log());
		x86_dump_code(tb, jit_log());
		fflush(jit_log());
	}
	return 0;
}

static uintptr_t x86_exec(struct cpu *cpu, struct tb *tb)
{
	return x86_prologue(cpu, tb->code);
}

/*
 * A jump forward (to a higher guest pc) enters @to after its exit-request
 * check: every cycle of chained TBs has a jump to the same or a lower pc,
 * which checks, so a hart asked to leave still does so within a bounded
 * number of TBs (DESIGN.md 2.4). Indirect jumps and the exec loop always
 * enter at the check.
 */
static void x86_chain(struct tb *from, unsigned slot, struct tb *to)
{
	uint8_t *disp = (uint8_t *)from->code + from->jmp_patch[slot];
	uint8_t *entry = (uint8_t *)to->code + (to->pc > from->pc ? X86_ENTRY_CHECK_LEN : 0);

	x86_cc_patch32(disp, (uint32_t)(entry - (disp + 4)));
}

static void x86_unchain(struct tb *from, unsigned slot)
{
	uint8_t *disp = (uint8_t *)from->code + from->jmp_patch[slot];
	uint32_t stub = from->host_map[2 * from->host_map_len + slot];

	/* Back to the slot's exit stub */
	x86_cc_patch32(disp, (uint32_t)((int64_t)stub - (int64_t)(from->jmp_patch[slot] + 4)));
}

static void x86_free_code(struct tb *tb)
{
	/* Code and host map live in the code cache, freed by reset() only. */
	tb->code = NULL;
	tb->host_map = NULL;
	tb->host_map_len = 0;
	tb->fault_regs = NULL;
	tb->fault_regs_len = 0;
}

static void x86_reset(void)
{
	x86_cc_flush();
}

/* ucontext_t register slots of the X86_* register numbers */
static const int8_t host_greg[16] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

/* The record of the access at @host_pc (codegen.c, note_fault_regs()): copy its registers to env. */
static void x86_restore_regs(struct tb *tb, struct cpu *cpu, uintptr_t host_pc,
			     const void *host_ctx)
{
	const ucontext_t *uc = host_ctx;
	const uint32_t *w = tb->fault_regs, *end = w + tb->fault_regs_len;
	uint32_t off = (uint32_t)(host_pc - (uintptr_t)tb->code);

	while (w && w + 2 <= end) {
		uint32_t n = w[1];
		if (w[0] == off) {
			for (uint32_t k = 0; k < n && w + 2 + k < end; k++) {
				uint32_t e = w[2 + k], reg = e >> 27;
				uint8_t *slot = (uint8_t *)cpu + (e & X86_FAULT_OFF_MAX);
				uint64_t v;
				if (reg >= X86_FAULT_XMM0)
					memcpy(&v, uc->uc_mcontext.fpregs->_xmm[reg - X86_FAULT_XMM0].element, 8);
				else
					v = (uint64_t)uc->uc_mcontext.gregs[host_greg[reg]];
				if (e & X86_FAULT_W64)
					memcpy(slot, &v, 8);
				else
					memcpy(slot, &v, 4);
			}
			return;
		}
		w += 2 + n;
	}
}

static uint64_t x86_guest_pc_of(struct tb *tb, uintptr_t host_pc)
{
	uintptr_t off = host_pc - (uintptr_t)tb->code;
	const uint32_t *m = tb->host_map;

	if (!m || !tb->host_map_len)
		return tb->pc;
	for (unsigned i = 0; i < tb->host_map_len; i++) {
		if (off < m[2 * i])
			return tb->pc + (uint64_t)(int64_t)(int32_t)m[2 * i + 1];
	}
	return tb->pc + (uint64_t)(int64_t)(int32_t)m[2 * tb->host_map_len - 1];
}

const struct backend backend_x86_64 = {
	.name = "x86_64",
	.has_op = x86_has_op,
	.softmmu = true,
	.init = x86_init,
	.compile = x86_compile,
	.exec = x86_exec,
	.chain = x86_chain,
	.unchain = x86_unchain,
	.free_code = x86_free_code,
	.reset = x86_reset,
	.guest_pc_of = x86_guest_pc_of,
	.restore_regs = x86_restore_regs,
	.dump_code = x86_dump_code,
};
