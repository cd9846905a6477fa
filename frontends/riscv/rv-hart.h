/*
 * A RISC-V hart in system mode: what a machine (src/system) uses.
 *
 *	struct cpu *cpu = cpu_new();
 *	rv_hart_init(cpu, bus, hartid, &plat);	// softMMU on @bus, M-mode reset state
 *	msip[h] = irq_line_make(rv_hart_set_irq, cpu, RV_IRQ_MSIP);	// CLINT
 *	mtip[h] = irq_line_make(rv_hart_set_irq, cpu, RV_IRQ_MTIP);
 *	ctx[2 * h] = irq_line_make(rv_hart_set_irq, cpu, RV_IRQ_MEIP);	// PLIC
 *	ctx[2 * h + 1] = irq_line_make(rv_hart_set_irq, cpu, RV_IRQ_SEIP);
 *	exec_set_wakeup(machine_hart_wakeup);
 *	rv_hart_reset(cpu, entry); rv_hart_set_xreg(cpu, 10, hartid); ...
 *	for (;;) switch (cpu_exec(cpu)) {
 *	case EXCP_HALTED: sleep until cpu->arch->cpu_has_work(cpu) or woken; break;
 *	case EXCP_INTERRUPT: stop requested? else go on; break;
 *	default: fatal: cpu->arch->dump_state(cpu, stderr);
 *	}
 *
 * Guest exceptions and interrupts never reach the runner: the exec loop
 * enters the guest's trap handlers itself. rv_hart_set_irq() may be called
 * from any thread (with the bus lock held, as devices do); it sets the mip
 * bit atomically and calls cpu_wakeup().
 */
#ifndef MORPH_RV_HART_H
#define MORPH_RV_HART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "morph/bus.h"
#include "morph/cpu.h"

/* Interrupt numbers = mip bits (privileged spec 3.1.9): the @n of rv_hart_set_irq() */
#define RV_IRQ_SSIP 1
#define RV_IRQ_MSIP 3
#define RV_IRQ_STIP 5
#define RV_IRQ_MTIP 7
#define RV_IRQ_SEIP 9
#define RV_IRQ_MEIP 11

/** The machine's services to its harts. Must outlive them. */
struct rv_platform {
	/** time() - the time CSR (rdtime): the board timer's mtime. Lock-free, any thread. */
	uint64_t (*time)(void *opaque);
	/**
	 * set_timer() - Sstc: call rv_hart_timer_expired(@cpu) once time() >=
	 * @ticks (UINT64_MAX: cancel the previous request). Called from @cpu's
	 * thread while it runs guest code (bus lock not held). NULL: the hart
	 * has no Sstc (stimecmp is an illegal CSR).
	 */
	void (*set_timer)(void *opaque, struct cpu *cpu, uint64_t ticks);
	void *opaque;
};

/**
 * rv_hart_init() - make @cpu (from cpu_new()) a system-mode hart with
 * mhartid @hartid on @bus (softmmu_attach()), in its reset state at pc 0.
 * @plat may be NULL (time from the host clock at 10 MHz, no Sstc).
 */
void rv_hart_init(struct cpu *cpu, struct bus *bus, uint64_t hartid,
		  const struct rv_platform *plat);

/**
 * rv_hart_set_xlen() - make the hart RV32 (@xlen 32: RV32GC, Sv32; misa.MXL = 1)
 * or RV64 (64, the default), then reset it (rv_hart_reset() at pc 0). Every
 * hart of a machine has the same width.
 */
void rv_hart_set_xlen(struct cpu *cpu, unsigned xlen);

/**
 * rv_hart_reset() - architectural reset (privileged spec 3.4): M-mode,
 * mstatus.MIE = MPRV = 0, FS Off... x registers zero, TLBs empty, pc = @pc.
 */
void rv_hart_reset(struct cpu *cpu, uint64_t pc);

/** rv_hart_set_xreg() - xN = @v (boot arguments: a0 = hartid, a1 = fdt...). */
void rv_hart_set_xreg(struct cpu *cpu, unsigned n, uint64_t v);

/**
 * rv_hart_set_irq() - an interrupt line into the hart (struct irq_line
 * callback): @opaque is the struct cpu, @n one of RV_IRQ_MSIP, MTIP, MEIP,
 * SEIP (SSIP and STIP as lines too, for boards without software control).
 */
void rv_hart_set_irq(void *opaque, int n, int level);

/** rv_hart_timer_expired() - the Sstc deadline of rv_platform.set_timer passed (any thread). */
void rv_hart_timer_expired(struct cpu *cpu);

/**
 * rv_hart_set_trap_misaligned() - misaligned loads and stores raise address
 * misaligned exceptions (for firmware that emulates them) instead of being
 * performed by the "hardware" (the default). Set before the hart runs.
 */
void rv_hart_set_trap_misaligned(struct cpu *cpu, bool trap);

/**
 * rv_hart_isa_string() - the riscv,isa device-tree string of the extensions
 * the hart implements ("rv64imafdc_zicntr_..."), into @buf.
 */
void rv_hart_isa_string(struct cpu *cpu, char *buf, size_t size);

/**
 * rv_hart_mmu_type() - the deepest translation mode ("riscv,sv57" on RV64,
 * "riscv,sv32" on RV32). A board may advertise a shallower one in its device
 * tree (Linux then uses it: fewer levels to walk on each TLB miss).
 */
const char *rv_hart_mmu_type(struct cpu *cpu);

#endif
