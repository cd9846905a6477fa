/*
 * Instrumented translation for the exec and insn traces and for --icount:
 * a pass over a TB's optimized IR that adds calls of trace helpers after the
 * ops whose effects it records. It is guest neutral: register writes are
 * writes of IR globals (named by the frontend's global table), memory
 * effects are the IR's guest memory ops.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/backend.h"
#include "morph/trace.h"
#include "src/exec/exec-internal.h"
#include "src/trace/trace-internal.h"

#define HELPER_ENV struct cpu
#define HELPER_LIST "src/trace/helpers.def"
#define HELPER_DEFINE_TABLE trace_helpers_register
#include "morph/helper-def.h"

/* trace_mem kinds, above the memop bits */
#define TM_LOAD (1u << 16)
#define TM_STORE (2u << 16)
#define TM_ATOMIC (3u << 16)

/* The pending record of the instruction this thread's hart is executing. */
struct insn_rec {
	bool valid;
	struct cpu *cpu;
	uint64_t pc, enc;
	unsigned len;
	const char *text; /* disassembly, made once at translation */
	size_t fxlen;
	char fx[1024];
};
static __thread struct insn_rec rec;

static void fx_append(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fx_append(const char *fmt, ...)
{
	va_list ap;
	if (rec.fxlen >= sizeof(rec.fx) - 1)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(rec.fx + rec.fxlen, sizeof(rec.fx) - rec.fxlen, fmt, ap);
	va_end(ap);
	if (n > 0)
		rec.fxlen += (size_t)n < sizeof(rec.fx) - rec.fxlen ? (size_t)n
								   : sizeof(rec.fx) - 1 - rec.fxlen;
}

void trace_insn_flush(struct cpu *cpu, const char *why)
{
	if (!rec.valid || rec.cpu != cpu)
		return;
	const struct morph_arch *arch = cpu->arch;

	trace_printf("I %d %s 0x%016" PRIx64 " (0x%0*" PRIx64 ") %s%s%s%s\n", cpu->cpu_index,
		     arch->mode_name ? arch->mode_name(cpu) : "U", rec.pc, (int)rec.len * 2, rec.enc,
		     rec.text, rec.fx, why ? " ; !" : "", why ? why : "");
	rec.valid = false;
}

void helper_trace_insn(struct cpu *cpu, uint64_t pc, uint64_t enc, uint32_t len, uint64_t text)
{
	trace_insn_flush(cpu, NULL);
	uint64_t n = cpu->icount++;
	if (!trace_count_wanted(n) || !trace_pc_wanted(pc))
		return;
	rec.valid = true;
	rec.cpu = cpu;
	rec.pc = pc;
	rec.enc = enc;
	rec.len = len;
	rec.text = (const char *)(uintptr_t)text;
	rec.fxlen = 0;
	rec.fx[0] = 0;
}

void helper_trace_reg(struct cpu *cpu, uint32_t idx, uint64_t value)
{
	if (!rec.valid || rec.cpu != cpu)
		return;
	const struct ir_global_desc *g = &cpu->arch->globals[idx];
	if (g->type == IR_I32)
		fx_append(" ; %s=0x%08" PRIx64, g->name, value & 0xffffffffu);
	else
		fx_append(" ; %s=0x%016" PRIx64, g->name, value);
}

void helper_trace_mem(struct cpu *cpu, uint64_t addr, uint64_t value, uint32_t info)
{
	if (!rec.valid || rec.cpu != cpu)
		return;
	static const char kinds[] = "?LSA";
	unsigned size = 1u << (info & IR_MO_SIZE);
	uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
	fx_append(" ; %c%u[0x%" PRIx64 "]=0x%0*" PRIx64, kinds[(info >> 16) & 3], size, addr,
		  (int)size * 2, value & mask);
}

void helper_trace_exec(struct cpu *cpu, uint64_t pc, uint64_t ninsns)
{
	if (!trace_pc_wanted(pc) || !trace_count_wanted(cpu->icount))
		return;
	trace_printf("E %d 0x%016" PRIx64 " %" PRIu64 " icount=%" PRIu64 "\n", cpu->cpu_index, pc,
		     ninsns, cpu->icount);
}

/* ---- the pass ---- */

static void call_mem(struct ir_ctx *ctx, ir_temp addr, ir_temp val, uint32_t info)
{
	ir_temp a[3] = {ir_as_i64(ctx, addr), ir_as_i64(ctx, val), ir_const(ctx, IR_I32, info)};
	ir_call(ctx, hid_trace_mem, IR_TEMP_NONE, 3, a);
}

static struct ir_op saved[IR_MAX_OPS];

/*
 * Disassembly text of traced instructions, made at translation time and kept
 * for the life of the process (a few dozen bytes per translated instruction).
 */
static const char *intern_text(const char *s)
{
	static char *chunk;
	static size_t left;
	size_t n = strlen(s) + 1;

	if (n > left) {
		left = n > 65536 ? n : 65536;
		chunk = malloc(left);
		if (!chunk) {
			left = 0;
			return "?";
		}
	}
	char *p = chunk;
	memcpy(p, s, n);
	chunk += n;
	left -= n;
	return p;
}

/* Instruction bytes as the ISA writes the word: in the guest's byte order. */
static uint64_t insn_word(const struct morph_arch *arch, const uint8_t *bytes, unsigned len)
{
	uint64_t word = 0;

	for (unsigned k = 0; k < len; k++)
		word = arch->big_endian ? (word << 8) | bytes[k] : word | (uint64_t)bytes[k] << (8 * k);
	return word;
}

/* The instruction's encoding as the ISA writes it (a word in guest byte order) and its text. */
static const char *describe_insn(struct cpu *cpu, uint64_t pc, unsigned len, uint32_t flags,
				 uint64_t *word)
{
	const struct morph_arch *arch = cpu->arch;
	uint8_t bytes[8] = {0};
	char text[128];

	*word = 0;
	if (translator_fetch(cpu, pc, bytes, len) < 0)
		return "?";
	*word = insn_word(arch, bytes, len);
	if (!arch->disas(text, sizeof(text), pc, bytes, len, flags))
		return "?";
	return intern_text(text);
}

/*
 * --icount timers: leave before the TB's first instruction once the hart's
 * icount has reached its deadline, so that the exec loop runs the timer at
 * a boundary that does not depend on host timing (chaining and the jump
 * cache would otherwise go straight on).
 */
static void gen_deadline_check(struct ir_ctx *ctx, uint64_t pc)
{
	ir_temp c = ir_new_temp(ctx, IR_I64), dl = ir_new_temp(ctx, IR_I64);
	unsigned run = ir_new_label(ctx);

	ir_ld_env(ctx, IR_I64, c, offsetof(struct cpu, icount), IR_MO_64);
	ir_ld_env(ctx, IR_I64, dl, offsetof(struct cpu, icount_deadline), IR_MO_64);
	ir_brcond(ctx, IR_I64, IR_COND_LTU, c, dl, run);
	ir_set_pci(ctx, IR_I64, pc);
	ir_exit_tb(ctx, IR_EXIT_NORMAL);
	ir_set_label(ctx, run);
}

void trace_instrument(struct cpu *cpu, struct tb *tb, struct ir_ctx *ctx, bool icount)
{
	bool insn = trace_on(TRACE_INSN);
	bool count_tbs = (icount || trace_on(TRACE_EXEC)) && !insn;
	unsigned n = ctx->nops;

	memcpy(saved, ctx->ops, n * sizeof(saved[0]));
	ctx->nops = 0;

	if (trace_on(TRACE_EXEC)) {
		ir_temp a[2] = {ir_const(ctx, IR_I64, tb->pc), ir_const(ctx, IR_I64, tb->ninsns)};
		ir_call(ctx, hid_trace_exec, IR_TEMP_NONE, 2, a);
	}
	if (icount && exec_state.icount_timer)
		gen_deadline_check(ctx, tb->pc);
	if (count_tbs) {
		ir_temp c = ir_new_temp(ctx, IR_I64);
		ir_ld_env(ctx, IR_I64, c, offsetof(struct cpu, icount), IR_MO_64);
		ir_op2i(ctx, IR_add, IR_I64, c, c, tb->ninsns);
		ir_st_env(ctx, IR_I64, c, offsetof(struct cpu, icount), IR_MO_64);
	}
	for (unsigned i = 0; i < n; i++) {
		const struct ir_op *op = &saved[i];
		const uint64_t *a = op->args;

		if (!insn) {
			ctx->ops[ctx->nops++] = *op;
			continue;
		}
		if (op->opc == IR_st)
			call_mem(ctx, (ir_temp)a[1], (ir_temp)a[0], (uint32_t)a[2] | TM_STORE);
		ctx->ops[ctx->nops++] = *op;
		switch (op->opc) {
		case IR_insn_start: {
			uint64_t word;
			unsigned len = (unsigned)a[1] > 8 ? 8 : (unsigned)a[1];
			const char *text = describe_insn(cpu, a[0], len, tb->flags, &word);
			ir_temp args[4] = {ir_const(ctx, IR_I64, a[0]), ir_const(ctx, IR_I64, word),
					   ir_const(ctx, IR_I32, len),
					   ir_const(ctx, IR_I64, (uintptr_t)text)};
			ir_call(ctx, hid_trace_insn, IR_TEMP_NONE, 4, args);
			break;
		}
		case IR_ld:
			call_mem(ctx, (ir_temp)a[1], (ir_temp)a[0], (uint32_t)a[2] | TM_LOAD);
			break;
		case IR_cmpxchg:
			call_mem(ctx, (ir_temp)a[1], (ir_temp)a[0], (uint32_t)a[4] | TM_ATOMIC);
			break;
		case IR_atomic_rmw:
			call_mem(ctx, (ir_temp)a[1], (ir_temp)a[0], (uint32_t)a[3] | TM_ATOMIC);
			break;
		default:
			break;
		}
		/* Writes of guest registers (IR globals) */
		for (unsigned k = 0; k < op->nout; k++) {
			ir_temp d = (ir_temp)a[k];
			if (ctx->temps[d].kind != IR_TEMP_GLOBAL)
				continue;
			ir_temp args[2] = {ir_const(ctx, IR_I32, d), ir_as_i64(ctx, d)};
			ir_call(ctx, hid_trace_reg, IR_TEMP_NONE, 2, args);
		}
	}
}

/* ---- translation-time records ---- */

void trace_tb_in_asm(struct cpu *cpu, struct tb *tb)
{
	const struct morph_arch *arch = cpu->arch;
	char text[128];
	uint64_t pc = tb->pc, end = tb->pc + tb->size;

	if (!trace_pc_wanted(tb->pc))
		return;
	flockfile(trace_out);
	fprintf(trace_out, "IN: 0x%016" PRIx64 " (%u insns, flags 0x%x)\n", tb->pc, tb->ninsns,
		tb->flags);
	while (pc < end) {
		uint8_t bytes[8];
		unsigned avail = end - pc < 8 ? (unsigned)(end - pc) : 8;
		if (translator_fetch(cpu, pc, bytes, avail) < 0)
			break;
		unsigned len = arch->disas(text, sizeof(text), pc, bytes, avail, tb->flags);
		if (!len)
			break;
		uint64_t word = insn_word(arch, bytes, len);
		fprintf(trace_out, "  0x%016" PRIx64 ":  %0*" PRIx64 "%*s  %s\n", pc, (int)len * 2,
			word, (int)(8 - len * 2 > 0 ? 8 - len * 2 : 0), "", text);
		pc += len;
	}
	fputc('\n', trace_out);
	funlockfile(trace_out);
}

void trace_tb_ir(struct tb *tb, struct ir_ctx *ctx, bool optimized)
{
	if (!trace_pc_wanted(tb->pc))
		return;
	flockfile(trace_out);
	fprintf(trace_out, "IR%s: 0x%016" PRIx64 "\n", optimized ? " (optimized)" : "", tb->pc);
	ir_dump(ctx, trace_out);
	fputc('\n', trace_out);
	funlockfile(trace_out);
}

void trace_tb_out_asm(struct tb *tb)
{
	const struct backend *be = exec_backend();

	if (!trace_pc_wanted(tb->pc))
		return;
	flockfile(trace_out);
	fprintf(trace_out, "OUT: 0x%016" PRIx64 " (%s, %u bytes)\n", tb->pc, be->name,
		tb->code_size);
	if (be->dump_code)
		be->dump_code(tb, trace_out);
	else
		fprintf(trace_out, "  (the %s backend has no host code)\n", be->name);
	fputc('\n', trace_out);
	funlockfile(trace_out);
}
