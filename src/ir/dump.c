/*
 * IR text dump, the format docs/ir.md describes:
 *   ---- 0x10078 4          insn_start pc length
 *   add.i64 t40, x5, $0x10  op.type outputs, inputs, constants
 */
#include <inttypes.h>
#include <stdio.h>

#include "morph/ir.h"

static const char *const cond_names[] = {
	"never", "always", "eq", "ne", "lt", "ge", "le", "gt",
	"ltu", "geu", "leu", "gtu", "tsteq", "tstne",
};

static const char *const rmw_names[] = {
	"xchg", "add", "and", "or", "xor", "smin", "smax", "umin", "umax",
};

static void print_temp(const struct ir_ctx *ctx, ir_temp t, FILE *f)
{
	const struct ir_temp_info *ti = &ctx->temps[t];

	switch (ti->kind) {
	case IR_TEMP_GLOBAL:
		fprintf(f, "%s", ti->name ? ti->name : "g?");
		break;
	case IR_TEMP_CONST:
		fprintf(f, "$0x%" PRIx64, ti->value);
		break;
	default:
		fprintf(f, "t%u", t);
		break;
	}
}

static void print_memop(uint64_t mo, FILE *f)
{
	static const char sizes[] = "bhwq";
	fprintf(f, "%s%c%s%s,mmu%u", mo & IR_MO_SIGN ? "s" : "u", sizes[mo & IR_MO_SIZE],
		mo & IR_MO_BE ? ",be" : ",le", mo & IR_MO_ALIGN ? ",al" : "",
		(unsigned)IR_MO_GET_MMU(mo));
}

void ir_dump(const struct ir_ctx *ctx, void *file)
{
	FILE *f = file;

	for (unsigned i = 0; i < ctx->nops; i++) {
		const struct ir_op *op = &ctx->ops[i];
		unsigned k = 0, n = op->nout + op->nin;

		if (op->opc == IR_insn_start) {
			fprintf(f, " ---- 0x%" PRIx64 " %u\n", op->args[0], (unsigned)op->args[1]);
			continue;
		}
		if (op->opc == IR_set_label) {
			fprintf(f, "L%u:\n", (unsigned)op->args[0]);
			continue;
		}
		if (op->opc == IR_call) {
			const struct ir_helper *h = ir_helper_get((unsigned)op->args[n]);
			fprintf(f, "  call %s", h->name);
			for (k = 0; k < n; k++) {
				fputs(k == 0 ? " " : ", ", f);
				if (k == op->nout && op->nout)
					fputs("<- ", f);
				print_temp(ctx, (ir_temp)op->args[k], f);
			}
			fputc('\n', f);
			continue;
		}
		fprintf(f, "  %s.%s", ir_op_defs[op->opc].name, op->type == IR_I32 ? "i32" : "i64");
		for (k = 0; k < n; k++) {
			fputs(k == 0 ? " " : ", ", f);
			print_temp(ctx, (ir_temp)op->args[k], f);
		}
		for (unsigned c = 0; c < op->ncst; c++, k++) {
			uint64_t v = op->args[k];
			fputs(k == 0 ? " " : ", ", f);
			switch (op->opc) {
			case IR_setcond: case IR_movcond:
				fputs(v < 14 ? cond_names[v] : "?", f);
				break;
			case IR_brcond:
				if (c == 0)
					fputs(v < 14 ? cond_names[v] : "?", f);
				else
					fprintf(f, "L%u", (unsigned)v);
				break;
			case IR_br:
				fprintf(f, "L%u", (unsigned)v);
				break;
			case IR_ld: case IR_st: case IR_cmpxchg:
				print_memop(v, f);
				break;
			case IR_atomic_rmw:
				if (c == 0)
					print_memop(v, f);
				else
					fputs(v < 9 ? rmw_names[v] : "?", f);
				break;
			case IR_ld_env: case IR_st_env:
				if (c == 0)
					fprintf(f, "env+%u", (unsigned)v);
				else
					print_memop(v, f);
				break;
			default:
				fprintf(f, "$0x%" PRIx64, v);
				break;
			}
		}
		fputc('\n', f);
	}
}
