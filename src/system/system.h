/*
 * Private to src/system: what the generic machine and the boards need from
 * a guest hart in system mode (implemented per ISA: hart-riscv.c,
 * hart-mips.c), the
 * RISC-V boot ROM, and the console internals. Not a seam.
 */
#ifndef MORPH_SYSTEM_INTERNAL_H
#define MORPH_SYSTEM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "morph/irq.h"
#include "morph/machine.h"

struct aclint_mtimer_config;
struct dev_clock;
struct goldfish_rtc;

/* ---------------------------------------------------------------- harts */

/*
 * What the generic machine needs from the harts of one ISA (hart-riscv.c,
 * hart-mips.c); a board names its set in struct machine_class.hart_ops
 * (NULL: RISC-V).
 */
struct sys_hart_ops {
	/** create() - a system-mode hart for @h (h->cpu) on m->bus. -1 with m->err. */
	int (*create)(struct machine *m, struct machine_hart *h);
	/** reset() - the architectural reset state again (reboot). */
	void (*reset)(struct machine *m, struct machine_hart *h);
	/** destroy() - free h->cpu and what belongs to it (I/O loop not running). */
	void (*destroy)(struct machine *m, struct machine_hart *h);
	/** fini() - after every hart is destroyed: the per-machine hart services. */
	void (*fini)(struct machine *m);
	/** has_work() - an interrupt is pending and locally enabled: wfi/wait must end. */
	bool (*has_work)(struct machine_hart *h);
	/** deadline_ns() - host time at which a hart-internal timer fires (INT64_MAX: none). */
	int64_t (*deadline_ns)(struct machine_hart *h);
	/**
	 * icount_warp() - a hart in wfi under --icount: fire what is due and,
	 * if nothing can wake it sooner, move its clock to the next deadline.
	 * True: run it again now; false: sleep as usual.
	 */
	bool (*icount_warp)(struct machine_hart *h);
	/**
	 * exception() - handle an exception cpu_exec() returned that is not
	 * EXCP_INTERRUPT or EXCP_HALTED. 0 if handled (run on), -1 if fatal.
	 */
	int (*exception)(struct machine_hart *h, int excp);
};

extern const struct sys_hart_ops sys_hart_riscv_ops, sys_hart_mips_ops;

/** sys_hart_ops() - the hart glue of @m's board. */
static inline const struct sys_hart_ops *sys_hart_ops(const struct machine *m)
{
	return m->mc->hart_ops ? m->mc->hart_ops : &sys_hart_riscv_ops;
}

/* ----------------------------------------------------------- RISC-V harts */

/**
 * sys_hart_irq() - the interrupt line driving bit @irq of the hart's mip
 * (RISC-V: 3 MSIP, 7 MTIP, 9 SEIP, 11 MEIP). Thread-safe, never takes the
 * bus lock; raising it kicks the hart out of guest code and out of wfi.
 */
struct irq_line sys_hart_irq(struct machine_hart *h, unsigned irq);

/**
 * sys_mtimer_config() - the ACLINT timer's configuration for @m: on the I/O
 * loop, or under --icount on the harts' instruction count (@clock is storage
 * for the clock the config points to).
 */
void sys_mtimer_config(struct machine *m, struct aclint_mtimer_config *cfg,
		       struct dev_clock *clock);
/** sys_rtc_clock() - under --icount, the RTC's wall clock follows the instructions too. */
void sys_rtc_clock(struct machine *m, struct goldfish_rtc *rtc);

/** sys_hart_set_timer() - where rdtime/mtime and Sstc deadlines come from. */
void sys_hart_set_timer(struct machine *m, struct aclint_mtimer *mt);

/** sys_hart_set_start() - pc and a0..a2 at reset, in machine mode. */
void sys_hart_set_start(struct machine_hart *h, uint64_t pc, uint64_t a0, uint64_t a1, uint64_t a2);

/** sys_hart_isa() - the device tree's riscv,isa string of the hart's extensions. */
void sys_hart_isa(struct machine_hart *h, char *buf, size_t size);

/** sys_hart_set_xlen() - run the hart as RV32 (32) or RV64 (64) from reset. */
void sys_hart_set_xlen(struct machine_hart *h, unsigned xlen);

/** sys_icount_mono()/sys_icount_wall() - guest time under --icount (dev_clock callbacks; opaque: the machine). */
int64_t sys_icount_mono(void *opaque);
int64_t sys_icount_wall(void *opaque);

/** sys_invalidate_code() - a device wrote guest RAM [gpa, gpa + len): drop stale TBs. */
void sys_invalidate_code(uint64_t gpa, uint64_t len);

/** machine_hart_wakeup_h() - as machine_hart_wakeup() for a struct machine_hart. */
void machine_hart_wakeup_h(struct machine_hart *h);

/* ------------------------------------------------------------ RISC-V boot */

/* OpenSBI's struct fw_dynamic_info (include/sbi/fw_dynamic.h), version 2 */
#define FW_DYNAMIC_INFO_MAGIC 0x4942534full /* "OSBI" */
#define FW_DYNAMIC_INFO_VERSION 2
#define FW_DYNAMIC_NEXT_MODE_S 1
#define FW_DYNAMIC_NEXT_MODE_M 3

/**
 * rv_boot_rom() - write the reset vector into m->rom (mapped at mc->rom_base):
 * a0 = mhartid, a1 = m->fdt_addr, a2 = address of a fw_dynamic_info
 * (next_addr = @next_addr in mode @next_mode) that follows the code, then
 * jump to @start. @xlen 32 or 64. -1 with m->err if the ROM is too small.
 */
int rv_boot_rom(struct machine *m, unsigned xlen, uint64_t start, uint64_t next_addr,
		unsigned next_mode);

/* ------------------------------------------------------------------ misc */

/** sys_parse_size() - "512M", "2G", "1048576K", "256" (MiB): bytes, or 0 if malformed. */
uint64_t sys_parse_size(const char *s);

#endif
