/*
 * Instruction-level tracing (docs/tracing.md). Options come from
 * struct exec_options; exec_init() opens the trace file. With tracing off no
 * translated code contains any trace check: instrumentation is added to the
 * IR only when an instrumenting kind (exec, insn) is on.
 */
#ifndef MORPH_TRACE_H
#define MORPH_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "morph/cpu.h"

enum {
	TRACE_IN_ASM = 1u << 0,  /* guest disassembly of each TB when translated */
	TRACE_IR = 1u << 1,      /* IR of each TB before and after optimization */
	TRACE_OUT_ASM = 1u << 2, /* host code of each TB */
	TRACE_EXEC = 1u << 3,    /* every TB executed */
	TRACE_INSN = 1u << 4,    /* every retired instruction with register and memory effects */
	TRACE_INT = 1u << 5,     /* exceptions and interrupts */
	TRACE_MMU = 1u << 6,     /* page-table walks, TLB fills and flushes */
	TRACE_SYSCALL = 1u << 7, /* user mode system calls, strace style */
};

/** trace_parse_list() - parse "in_asm,exec,..." into TRACE_* bits; -1 on an unknown name. */
int trace_parse_list(const char *list, unsigned *bits);

/** The enabled TRACE_* kinds (0 when tracing is off). */
extern unsigned trace_kinds;

/** trace_on() - true if kind @k is enabled. */
static inline bool trace_on(unsigned k)
{
	return (trace_kinds & k) != 0;
}

/** trace_pc_wanted() - true if guest @pc lies in the --trace-range window. */
bool trace_pc_wanted(uint64_t pc);

/**
 * trace_printf() - one trace record, written as a whole line (records of
 * several harts never interleave within a line).
 */
void trace_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * trace_exception() - log an exception or interrupt (TRACE_INT): @what names it,
 * @cause/@tval are the architectural values, @from/@to the privilege modes
 * (single letters), @pc where it was taken and @target the handler's pc.
 */
void trace_exception(struct cpu *cpu, const char *what, uint64_t cause, uint64_t tval,
		     char from, char to, uint64_t pc, uint64_t target);

/** trace_insn_flush() - end the pending `insn` record of @cpu (exception, exit); @why may be NULL. */
void trace_insn_flush(struct cpu *cpu, const char *why);

#endif
