/*
 * A MIPS32 hart in system mode: what a machine (src/system/hart-mips.c, the
 * Malta board) uses. The CPU is a 24Kf-class MIPS32 release 2 core: CP0,
 * a 16-entry software-managed TLB, Count/Compare on IP7, the FPU.
 *
 *	struct cpu *cpu = cpu_new();
 *	mips_hart_init(cpu, bus, &plat);	// softMMU on @bus, reset state
 *	i8259_out = irq_line_make(mips_hart_set_irq, cpu, 2);	// Cause.IP2
 *	mips_hart_reset(cpu, 0xbfc00000, false);
 *	for (;;) switch (cpu_exec(cpu)) { ... as for RISC-V (rv-hart.h) ... }
 *
 * Guest exceptions and interrupts never reach the runner: the exec loop
 * enters the guest's handlers itself. mips_hart_set_irq() may be called from
 * any thread (devices hold the bus lock); it updates Cause.IP atomically
 * and kicks the hart (cpu_wakeup()).
 */
#ifndef MORPH_MIPS_HART_H
#define MORPH_MIPS_HART_H

#include <stdbool.h>
#include <stdint.h>

#include "morph/bus.h"
#include "morph/cpu.h"

/* Count runs at half the pipeline clock: a 200 MHz core */
#define MIPS_COUNT_HZ 100000000u
#define MIPS_NS_PER_COUNT (1000000000u / MIPS_COUNT_HZ)

/** The machine's services to its harts. Must outlive them. */
struct mips_platform {
	/**
	 * set_timer() - call mips_hart_timer_expired(@cpu) once exec_clock_ns()
	 * reaches @deadline_ns (INT64_MAX: cancel). Called from @cpu's thread
	 * while it runs guest code (bus lock not held).
	 */
	void (*set_timer)(void *opaque, struct cpu *cpu, int64_t deadline_ns);
	void *opaque;
};

/**
 * mips_hart_init() - make @cpu (from cpu_new()) a system-mode hart on @bus
 * (softmmu_attach()) with CPUNum @id, in its reset state. @plat may be NULL
 * (no timer interrupt unless the guest polls Cause).
 */
void mips_hart_init(struct cpu *cpu, struct bus *bus, unsigned id,
		    const struct mips_platform *plat);

/**
 * mips_hart_reset() - the architectural reset (Volume III, "Reset
 * Exception"): Status.BEV = ERL = 1, TLB and Count cleared, GPRs zero, pc =
 * @pc. @kernel_boot: Status.ERL = 0 as a boot loader leaves it (QEMU does
 * the same when it starts a kernel without firmware).
 */
void mips_hart_reset(struct cpu *cpu, uint64_t pc, bool kernel_boot);

/** mips_hart_set_gpr() - $n = @v sign-extended from 32 bits (boot arguments). */
void mips_hart_set_gpr(struct cpu *cpu, unsigned n, uint32_t v);

/**
 * mips_hart_set_irq() - a hardware interrupt line into the hart (struct
 * irq_line callback): @opaque the struct cpu, @n the Cause.IP bit 2..7.
 */
void mips_hart_set_irq(void *opaque, int n, int level);

/** mips_hart_timer_expired() - the deadline given to mips_platform.set_timer passed. */
void mips_hart_timer_expired(struct cpu *cpu);

/** mips_hart_timer_deadline_ns() - when Count reaches Compare (INT64_MAX: not armed). */
int64_t mips_hart_timer_deadline_ns(struct cpu *cpu);

#endif
