/*
 * Private parts of the tracing module shared with the exec core.
 */
#ifndef MORPH_TRACE_INTERNAL_H
#define MORPH_TRACE_INTERNAL_H

#include <stdio.h>

#include "morph/exec.h"
#include "morph/tb.h"

struct trace_window {
	uint64_t start, end;   /* pc range, end 0 = all */
	uint64_t after, count; /* instruction window */
};

extern FILE *trace_out;
extern struct trace_window trace_win;

int trace_open(const struct exec_options *opts);
void trace_close(void);
bool trace_count_wanted(uint64_t icount);
void trace_helpers_register(void);

/* Translation-time records: in_asm, ir, out_asm. */
void trace_tb_in_asm(struct cpu *cpu, struct tb *tb);
void trace_tb_ir(struct tb *tb, struct ir_ctx *ctx, bool optimized);
void trace_tb_out_asm(struct tb *tb);

/*
 * trace_instrument() - add the exec/insn/icount instrumentation to an
 * optimized TB (calls of trace helpers, icount increments). Only called when
 * one of them is enabled.
 */
void trace_instrument(struct cpu *cpu, struct tb *tb, struct ir_ctx *ctx, bool icount);

#endif
