/*
 * What the exec core (cpu-exec.c, tb-cache.c, exec.c, softmmu.c) calls in
 * the GDB stub. Private to src/; every call is behind `if (gdb_enabled)` or
 * a TB flag, so without --gdb nothing here runs and translated code is the
 * same as in a build without the stub.
 */
#ifndef MORPH_GDB_EXEC_H
#define MORPH_GDB_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "morph/cpu.h"
#include "morph/frontend.h"
#include "morph/gdbstub.h"
#include "morph/ir.h"

struct tb;

/*
 * Internal exception: a debug event (breakpoint TB, watchpoint check, end
 * of a single step) unwinds to cpu_exec(), which hands it to
 * gdb_cpu_leave(); runners never see it.
 */
#define EXCP_DEBUG (EXCP_ARCH_BASE - 2)

/** True once --gdb started the stub (set before any hart runs). */
extern bool gdb_enabled;
/** Number of watchpoints in effect (system mode TLB fills test it first). */
extern unsigned gdb_nwatch;

/* ---- harts (harts.c) ---- */

/** gdb_cpu_added()/gdb_cpu_removed() - a hart was created / is about to be freed. */
void gdb_cpu_added(struct cpu *cpu);
void gdb_cpu_removed(struct cpu *cpu);

/**
 * gdb_cpu_enter() - at the start of cpu_exec(), exec lock not held: waits
 * while the target is stopped (or this hart was left stopped), reports a
 * single step that completed outside guest code (a system call).
 */
void gdb_cpu_enter(struct cpu *cpu);

/**
 * gdb_cpu_leave() - at the end of cpu_exec(), exec lock not held, with its
 * return value *@ret. Handles EXCP_DEBUG (reports the stop, waits for GDB)
 * and stops the hart if the target stopped meanwhile. Returns true when
 * cpu_exec() must run guest code again instead of returning.
 */
bool gdb_cpu_leave(struct cpu *cpu, int *ret);

/** gdb_tb_flags() - TB_FLAG_GDB_* the hart's next TBs need (at exec loop entry). */
uint32_t gdb_tb_flags(struct cpu *cpu);

/** gdb_stepping() - the hart is single-stepping: an exception ends the step. */
bool gdb_stepping(struct cpu *cpu);

/** gdb_step_begin()/gdb_step_ran() - did the step TB about to run execute its instruction? */
void gdb_step_begin(void);
bool gdb_step_ran(void);

/* ---- translation (breakpoints.c) ---- */

/** gdb_breakpoint_at() - a breakpoint is in effect at guest virtual @pc. */
bool gdb_breakpoint_at(uint64_t pc);

/**
 * gdb_gen_breakpoint() - the IR of a TB at breakpoint @pc: report it to GDB
 * before the instruction executes. @len: bytes the TB claims (the ISA's
 * shortest instruction), so invalidating the breakpoint's address drops it.
 */
struct translate_result gdb_gen_breakpoint(struct ir_ctx *ctx, uint64_t pc, unsigned len);

/**
 * gdb_breakpoint_cut() - the number of guest instructions of a translated TB
 * before the first one (not the first) at a breakpoint, 0 if none: the TB
 * must be translated again with that many, so that it ends there.
 */
unsigned gdb_breakpoint_cut(const struct ir_ctx *ctx);

/**
 * gdb_instrument() - after optimization, for a TB with TB_FLAG_GDB_* flags:
 * a step TB marks that it ran and never jumps to another TB itself; a watch
 * TB checks every guest memory access against the watchpoints first.
 */
void gdb_instrument(struct tb *tb, struct ir_ctx *ctx);

/** gdb_helpers_register() - the stub's IR helpers (at exec_init()). */
void gdb_helpers_register(void);

/* ---- watchpoints in system mode (breakpoints.c) ---- */

/** gdb_watch_page() - a watchpoint covers part of guest virtual page @vpage. */
bool gdb_watch_page(uint64_t vpage);

/* Access kinds of gdb_watch_access() */
#define GDB_ACCESS_READ 1u
#define GDB_ACCESS_WRITE 2u

/**
 * gdb_watch_access() - the softMMU slow path is about to access guest
 * virtual [@vaddr, @vaddr + @size) (@kind: GDB_ACCESS_*), cpu->pc being the
 * instruction's: raises EXCP_DEBUG when a watchpoint matches.
 */
void gdb_watch_access(struct cpu *cpu, uint64_t vaddr, unsigned size, unsigned kind);

#endif
