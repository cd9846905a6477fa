/*
 * The exec loop (DESIGN.md section 2): find the TB for (pc, flags) through
 * the per-hart jump cache and the TB hash, chain it to the previous TB's
 * exit, run it, and handle exceptions that unwind here by siglongjmp.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/exec.h"
#include "morph/tb.h"
#include "morph/trace.h"
#include "src/exec/exec-internal.h"
#include "src/gdb/gdb-exec.h"

__thread struct cpu *current_cpu;

void cpu_loop_exit(struct cpu *cpu, int excp)
{
	cpu->exception = excp;
	siglongjmp(cpu->jmp_env, 1);
}

void cpu_exit(struct cpu *cpu)
{
	__atomic_store_n(&cpu->exit_request, 1, __ATOMIC_SEQ_CST);
}

void exec_set_wakeup(void (*fn)(struct cpu *cpu))
{
	exec_state.wakeup = fn;
}

void exec_set_icount_timer(void (*fn)(struct cpu *cpu))
{
	exec_state.icount_timer = fn;
}

void cpu_wakeup(struct cpu *cpu)
{
	cpu_exit(cpu);
	if (exec_state.wakeup)
		exec_state.wakeup(cpu);
}

/*
 * System mode: TBs are keyed by (virtual pc, physical pc, flags). The jump
 * cache is keyed by the virtual pc alone: TLB flushes clear it (softmmu.c).
 */
struct tb *tb_lookup(struct cpu *cpu, uint64_t pc, uint32_t flags)
{
	unsigned h = tb_jmp_cache_hash(cpu, pc);
	struct tb *tb = cpu->jmp_cache[h];
	uint64_t phys = pc;

	if (tb && tb->pc == pc && tb->flags == flags && !tb->invalid)
		return tb;
	if (cpu->softmmu)
		phys = softmmu_code_paddr(cpu, pc, exec_state.arch->fetch_mmu_idx(flags));
	tb = tb_hash_lookup(cpu, pc, phys, flags);
	if (!tb)
		tb = tb_gen_code(cpu, pc, phys, flags);
	cpu->jmp_cache[h] = tb;
	if (cpu->softmmu)
		softmmu_jmp_cache_note(cpu, tb);
	return tb;
}

/*
 * May the exit @slot of @last jump straight into @tb? In system mode only
 * within the virtual page the TB starts on: a jump elsewhere must look the
 * target up again, since its mapping may change (QEMU's rule).
 */
static bool can_chain(const struct cpu *cpu, const struct tb *last, unsigned slot,
		      const struct tb *tb)
{
	if (slot >= 2 || exec_state.opts.no_chain || last->jmp_dest[slot] ||
	    last->jmp_pc[slot] != tb->pc || last->flags != tb->flags)
		return false;
	return !cpu->softmmu || ((last->pc ^ tb->pc) >> 12) == 0;
}

static void clear_jmp_cache(struct cpu *cpu)
{
	tb_jmp_cache_clear(cpu);
}

/* Flush with every other hart out of guest code. */
static void do_flush(struct cpu *cpu)
{
	pthread_rwlock_unlock(&exec_state.exec_lock);
	pthread_rwlock_wrlock(&exec_state.exec_lock);
	if (exec_state.flush_pending) {
		tb_flush_now();
		exec_state.flush_epoch++;
		exec_state.flush_pending = 0;
	}
	pthread_rwlock_unlock(&exec_state.exec_lock);
	pthread_rwlock_rdlock(&exec_state.exec_lock);
}

static int exec_loop(struct cpu *cpu)
{
	struct tb *last = NULL;
	unsigned slot = TB_EXIT_OTHER;
	/* GDB: single-step or watchpoint TBs (TB_FLAG_GDB_*), fixed while we run */
	const uint32_t dbg = gdb_enabled ? gdb_tb_flags(cpu) : 0;
	const bool step = dbg & TB_FLAG_GDB_STEP;

	for (;;) {
		if (exec_state.flush_pending) {
			do_flush(cpu);
			last = NULL;
		}
		if (cpu->tb_flush_epoch != exec_state.flush_epoch) {
			/* The TBs our jump cache points to are gone. */
			clear_jmp_cache(cpu);
			cpu->tb_flush_epoch = exec_state.flush_epoch;
			last = NULL;
		}
		/* --icount: timers due by the retired instructions (TBs exit for them) */
		if (exec_state.icount_timer && cpu->icount >= cpu->icount_deadline)
			exec_state.icount_timer(cpu);
		/* System mode: take a pending interrupt before the next TB. */
		if (cpu->interrupt_request && exec_state.arch->exec_interrupt &&
		    exec_state.arch->exec_interrupt(cpu)) {
			last = NULL;
			if (step)
				return EXCP_DEBUG; /* a step that takes an interrupt ends at its handler */
		}
		if (cpu->exit_request) {
			__atomic_store_n(&cpu->exit_request, 0, __ATOMIC_SEQ_CST);
			return EXCP_INTERRUPT;
		}
		struct tb *tb = tb_lookup(cpu, cpu->pc, cpu->tb_flags | dbg);
		if (last && !step && can_chain(cpu, last, slot, tb))
			tb_add_jump(last, slot, tb);
		if (step)
			gdb_step_begin();
		cpu->in_guest_code = true;
		uintptr_t r = exec_state.be->exec(cpu, tb);
		cpu->in_guest_code = false;
		/* One instruction ran (unless an exit request stopped it at the TB entry). */
		if (step && gdb_step_ran())
			return EXCP_DEBUG;
		last = (struct tb *)(r & ~(uintptr_t)TB_EXIT_MASK);
		slot = r & TB_EXIT_MASK;
	}
}

int cpu_exec(struct cpu *cpu)
{
	volatile int ret;

	current_cpu = cpu;
again:
	if (gdb_enabled)
		gdb_cpu_enter(cpu); /* may wait while GDB has the target stopped */
	pthread_rwlock_rdlock(&exec_state.exec_lock);
	for (;;) {
		/*
		 * Only user mode unwinds from host signal handlers and needs the
		 * signal mask back; system mode raises guest exceptions all the
		 * time and must not pay two sigprocmask() calls for each.
		 */
		if (sigsetjmp(cpu->jmp_env, !cpu->softmmu) == 0) {
			ret = exec_loop(cpu);
			break;
		}
		/* An exception unwound out of guest code or translation. */
		cpu->in_guest_code = false;
		if (cpu->exception == EXCP_FLUSH_AND_RETRY)
			continue;
		/* System mode: the guest's trap handler takes it, unless the runner must. */
		if (cpu->softmmu && cpu->exception != EXCP_HALTED &&
		    cpu->exception != EXCP_INTERRUPT && cpu->exception != EXCP_DEBUG &&
		    exec_state.arch->do_exception &&
		    exec_state.arch->do_exception(cpu, cpu->exception)) {
			/* GDB: a step that traps ends at the handler. */
			if (gdb_enabled && gdb_stepping(cpu)) {
				ret = EXCP_DEBUG;
				break;
			}
			continue;
		}
		ret = cpu->exception;
		break;
	}
	pthread_rwlock_unlock(&exec_state.exec_lock);
	if (gdb_enabled) {
		int r = ret;
		bool run_again = gdb_cpu_leave(cpu, &r);
		ret = r;
		if (run_again)
			goto again;
	}
	if (trace_kinds & TRACE_INSN) {
		/* The last instruction retired unless it raised a fault. */
		bool retired = ret == EXCP_SYSCALL || ret == EXCP_INTERRUPT || ret == EXCP_HALTED;
		trace_insn_flush(cpu, retired ? NULL : "exception");
	}
	return ret;
}

void tb_request_flush(void)
{
	exec_state.flush_pending = 1;
	/* Every hart must leave guest code before the flush can run. */
	exec_exit_all_cpus();
}

void tb_flush_all(void)
{
	tb_request_flush();
}

bool cpu_restore_state_from_host(struct cpu *cpu, uintptr_t host_pc, const void *host_ctx)
{
	if (!cpu || !cpu->in_guest_code)
		return false;
	if (exec_state.be == &backend_interp)
		return true; /* the interpreter stores the pc at every instruction start */
	struct tb *tb = tb_find_by_host_pc(host_pc);
	if (!tb)
		return false;
	cpu->pc = exec_state.be->guest_pc_of(tb, host_pc);
	if (exec_state.be->restore_regs && host_ctx)
		exec_state.be->restore_regs(tb, cpu, host_pc, host_ctx);
	return true;
}
