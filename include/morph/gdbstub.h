/*
 * The GDB stub (docs/gdb.md): `--gdb PORT` makes morph a target of GDB's
 * remote serial protocol (GDB manual, appendix E "Remote Protocol"), in
 * user mode and in system mode. This header is the seam on three sides:
 *
 *  - the guest ISA: struct gdb_arch, the register layer (target description,
 *    register numbers, debug address translation), one per frontend, found
 *    through struct morph_arch.gdb;
 *  - the runners (linux-user, system machines): memory access in user mode,
 *    process exit;
 *  - the exec core: TB flag bits and the hooks of cpu_exec() and translation
 *    (src/gdb/gdb-exec.h, private to the core).
 *
 * Run control is all-stop: every hart (system mode) or guest thread (user
 * mode) is a GDB thread, and when one stops (breakpoint, step, watchpoint,
 * Ctrl-C) all of them stop.
 */
#ifndef MORPH_GDBSTUB_H
#define MORPH_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;
struct exec_options;

/**
 * struct gdb_arch - the register layer of one guest ISA.
 *
 * Register numbers are GDB's for the architecture (the regnum attributes of
 * the target description): for RISC-V x0-x31 = 0-31, pc = 32, f0-f31 =
 * 33-64, CSR n = 65 + n, priv = 4161. Values travel in the target's byte
 * order with the register's size.
 */
struct gdb_arch {
	/**
	 * target_xml() - the target description document @annex ("target.xml")
	 * for @cpu as it runs now (XLEN, FP registers, system mode CSRs), or
	 * NULL if there is no such document. The text stays valid for the
	 * life of the process.
	 */
	const char *(*target_xml)(struct cpu *cpu, const char *annex);

	/** Registers in a 'g' packet: numbers 0 .. g_regs - 1 (the rest by 'p'). */
	unsigned g_regs;

	/** The number of the pc (for the 'c ADDR' / 's ADDR' forms of resuming). */
	unsigned pc_regnum;

	/**
	 * read_reg() - register @n of @cpu into @buf (at least 16 bytes).
	 * Returns its size in bytes, 0 if @cpu has no register @n.
	 */
	unsigned (*read_reg)(struct cpu *cpu, unsigned n, uint8_t *buf);

	/**
	 * write_reg() - set register @n of @cpu from @len bytes at @buf. Returns
	 * 0, or -1 if there is no such register or @len is not its size. The
	 * hart is stopped; the frontend updates what depends on the register
	 * (TB flags after a privilege or status change).
	 */
	int (*write_reg)(struct cpu *cpu, unsigned n, const uint8_t *buf, unsigned len);

	/**
	 * virt_to_phys() - system mode: the guest physical address of guest
	 * virtual @va as @cpu's current translation sees it, without side
	 * effects (no A/D updates, no TLB fill, no fault). False if unmapped.
	 */
	bool (*virt_to_phys)(struct cpu *cpu, uint64_t va, uint64_t *pa);

	/**
	 * debug_stop() - optional: @cpu stopped for the debugger inside a
	 * translation block (a watchpoint hit before its access), with the pc
	 * of the instruction as translation recorded it. The frontend makes
	 * the pc one the hart can resume at (MIPS: a delay slot restarts at
	 * its branch). Called on @cpu's thread before GDB is told.
	 */
	void (*debug_stop)(struct cpu *cpu);
};

/* ---- Runners ---- */

/**
 * gdbstub_set_user_memory() - user mode: how the stub reads and writes guest
 * memory (the runner knows which pages are mapped). Each returns 0, or -1
 * when any byte of [@addr, @addr + @len) is not mapped with the access
 * (nothing is copied then). Without them, system mode reads through @cpu's
 * MMU (struct gdb_arch.virt_to_phys) and the bus's RAM and ROM only: device
 * registers are never read or written by the debugger.
 */
void gdbstub_set_user_memory(int (*read)(uint64_t addr, void *buf, size_t len),
			     int (*write)(uint64_t addr, const void *buf, size_t len));

/**
 * gdbstub_exit() - the guest is ending: exit status @status (0..255), or
 * killed by host signal @sig if non-zero. Tells GDB ('W' or 'X' packet)
 * and waits briefly for it to take notice. No-op without --gdb.
 */
void gdbstub_exit(int status, int sig);

/**
 * gdbstub_release() - the runner is stopping (machine poweroff, reboot,
 * SIGTERM): every hart GDB holds runs again and none stops for it any more,
 * so the runner's harts can finish. GDB stays connected and still gets the
 * exit reply; a GDB that connects afterwards starts debugging again. Thread
 * safe; may be called with device locks held. No-op without --gdb.
 */
void gdbstub_release(void);

/**
 * gdbstub_set_kill() - what GDB's kill request does, called on the server
 * thread after every hart was let go: @fn makes the process end (soon).
 * Default: exit status 137 at once, as if by SIGKILL.
 */
void gdbstub_set_kill(void (*fn)(void));

/** gdbstub_enabled() - true when --gdb is in effect in this process. */
bool gdbstub_enabled(void);

/* ---- Exec core ---- */

/**
 * gdbstub_start() - open the listening socket of --gdb (opts->gdb_port, on
 * 127.0.0.1) and start the server thread. Under opts->gdb_wait, or always in
 * user mode (@user_mode), every hart stops before its first instruction
 * until GDB continues it. Called by exec_init(). Returns 0 or -errno
 * (message printed).
 */
int gdbstub_start(const struct exec_options *opts);

/*
 * TB flag bits the core owns (struct tb.flags, the TB hash key): frontends
 * never see or set them. STEP: one guest instruction, always back to the
 * exec loop. WATCH: user mode, every guest memory access checked against
 * the watchpoints first.
 */
#define TB_FLAG_GDB_STEP 0x80000000u
#define TB_FLAG_GDB_WATCH 0x40000000u
#define TB_FLAGS_CORE 0xf0000000u

#endif
