/*
 * Setting up and driving execution: the seam between the runners (linux-user,
 * system machines, gdbstub) and the exec core.
 */
#ifndef MORPH_EXEC_H
#define MORPH_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "morph/backend.h"
#include "morph/cpu.h"
#include "morph/frontend.h"

/** Execution options shared by every runner (parsed by exec_parse_option()). */
struct exec_options {
	bool interp;          /* use the IR interpreter even where the JIT exists */
	unsigned max_tb_insns; /* guest instructions per TB (0: default) */
	bool no_chain;        /* disable TB chaining (debugging) */
	bool no_opt;          /* disable the IR optimizer (debugging) */
	bool icount;          /* count retired instructions exactly; guest time derives from them */
	unsigned trace;       /* TRACE_* bits (morph/trace.h) */
	const char *trace_file; /* NULL: stderr */
	uint64_t trace_start, trace_end; /* guest pc range [start, end); end 0: everything */
	uint64_t trace_after, trace_count; /* instruction window; count 0: no limit */
	bool gdb;             /* --gdb PORT: the GDB stub (gdbstub.h) */
	uint16_t gdb_port;    /* on 127.0.0.1; 0: any free port (printed) */
	bool gdb_wait;        /* harts stop before their first instruction until GDB continues */
};

/**
 * exec_parse_option() - recognise an execution option at argv[*i] (--interp,
 * --trace LIST, --trace-file F, --trace-range A-B, --trace-after N,
 * --trace-count N, --icount, --no-chain, --no-opt, --max-tb-insns N,
 * --gdb PORT, --gdb-wait),
 * consuming its value if it has one (*i advances past it). Returns 1 if it
 * was one (options updated), 0 if not ours, -1 after printing an error.
 */
int exec_parse_option(int argc, char **argv, int *i, struct exec_options *opts);

/** exec_options_help() - the help text lines of the options above. */
const char *exec_options_help(void);

/**
 * exec_init() - prepare the core for guest ISA @arch: register its helpers,
 * choose the backend (JIT unless opts->interp or no JIT on this host) and
 * set up the TB cache. Call once, before cpu_new(). Returns 0 or -errno.
 */
int exec_init(const struct morph_arch *arch, const struct exec_options *opts);

/** exec_backend() - the backend in use. */
const struct backend *exec_backend(void);

/**
 * cpu_new() - allocate a zeroed hart of the current arch (arch->cpu_size bytes
 * plus the interpreter frame) and apply arch->cpu_reset(). Never fails
 * (aborts on out-of-memory).
 */
struct cpu *cpu_new(void);
/** cpu_clone() - a new hart with a copy of @src's architectural state (threads, fork). */
struct cpu *cpu_clone(const struct cpu *src);
void cpu_free(struct cpu *cpu);

/**
 * cpu_restore_state_from_host() - set cpu->pc to the guest pc of the guest
 * instruction being executed when a host signal hit at @host_pc, and the
 * guest registers in env to their values before it (from @host_ctx, the
 * signal's ucontext_t, for those the JIT held in host registers). Returns
 * true if @host_pc was inside translated code (JIT) or the interpreter was
 * running @cpu's guest code, false otherwise (the fault is in the emulator
 * itself).
 */
bool cpu_restore_state_from_host(struct cpu *cpu, uintptr_t host_pc, const void *host_ctx);

/**
 * tb_request_flush() - flush the whole TB cache at the next safe point (when
 * the current TB has exited to the loop). Used by fence.i / cache flush syscalls.
 */
void tb_request_flush(void);

/**
 * exec_set_fetch() - install the function translator_fetch() uses to read guest
 * code (user mode: checks the guest page is mapped executable; system mode:
 * walks the MMU). It returns 0 or -1 like translator_fetch().
 */
void exec_set_fetch(int (*fetch)(struct cpu *cpu, uint64_t pc, void *buf, unsigned len));

/**
 * exec_clock_ns() - guest time in ns on host clock id @clock (CLOCK_MONOTONIC,
 * CLOCK_REALTIME, ...): the host clock, or under --icount a clock derived from
 * @cpu's retired instructions (1 ns each; REALTIME starts at 2024-01-01).
 */
int64_t exec_clock_ns(struct cpu *cpu, int clock);
/** exec_icount_enabled() - true under --icount. */
bool exec_icount_enabled(void);

/**
 * cpu_wakeup() - an interrupt may have become pending for @cpu (system mode):
 * make it leave its TB chain (cpu_exit()) and wake it if it sleeps in wfi,
 * through the runner's hook (exec_set_wakeup()). Thread safe; may be called
 * with the bus lock held (the hook must not take it). The frontend's
 * interrupt-line receivers call it after updating the pending bits.
 */
void cpu_wakeup(struct cpu *cpu);

/**
 * exec_set_wakeup() - install the runner's wfi wakeup (the machine's
 * machine_hart_wakeup()): called by cpu_wakeup() after cpu_exit(). A hart
 * that returned EXCP_HALTED sleeps until arch->cpu_has_work() is true or this
 * hook wakes it, then calls cpu_exec() again.
 */
void exec_set_wakeup(void (*fn)(struct cpu *cpu));

/**
 * exec_set_icount_timer() - under --icount, the runner's timers follow the
 * retired instructions instead of the host clock: @fn(cpu) runs on the hart's
 * own thread at the first TB boundary where cpu->icount >= cpu->icount_deadline
 * (guest time is 1 ns per instruction, exec_clock_ns()). It fires whatever is
 * due and stores the next deadline (UINT64_MAX: none). Anything that moves a
 * deadline sets cpu->icount_deadline = 0 to get a call at the next boundary;
 * harts start at 0. TBs then check the deadline on entry, so the boundaries,
 * and with them interrupts, fall on the same instructions in every run.
 */
void exec_set_icount_timer(void (*fn)(struct cpu *cpu));

/** Thread-local: the hart this host thread is running, or NULL. */
extern __thread struct cpu *current_cpu;

#endif
