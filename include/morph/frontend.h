/*
 * The seam between a guest ISA frontend and the core: one const class table
 * per ISA (struct morph_arch). The core never looks inside a frontend's CPU
 * structure except through the struct cpu it starts with.
 */
#ifndef MORPH_FRONTEND_H
#define MORPH_FRONTEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "morph/cpu.h"
#include "morph/ir.h"
#include "morph/softmmu.h"

struct linux_abi;
struct gdb_arch;

/** What the frontend reports about a TB it translated. */
struct translate_result {
	uint32_t size;   /* guest bytes covered, from the TB's pc */
	uint32_t ninsns; /* guest instructions */
};

/** The per-ISA class table. */
struct morph_arch {
	const char *name;         /* "riscv64", "mipsel", ... (--arch names it) */
	uint16_t elf_machine;     /* EM_* */
	uint8_t elf_class;        /* ELFCLASS32 / ELFCLASS64 */
	bool big_endian;
	uint8_t addr_bits;        /* width of a guest virtual address: 32 or 64 */
	uint8_t min_insn_bytes;   /* 2 with RVC, 4 for MIPS */
	size_t cpu_size;          /* bytes of the frontend's CPU structure */

	/* IR globals (guest registers) the frontend's translation uses */
	const struct ir_global_desc *globals;
	unsigned nglobals;
	/*
	 * Globals most often read by TBs before they write them, hottest first:
	 * a backend may keep a few of them in host registers from one TB to
	 * the next (docs/jit.md, "Resident guest registers").
	 */
	const uint16_t *resident;
	unsigned nresident;

	/** init() - register helpers; called once at startup. */
	void (*init)(void);

	/** cpu_reset() - architectural reset state of a fresh hart (after the core zeroed it). */
	void (*cpu_reset)(struct cpu *cpu);

	/**
	 * translate() - decode guest code at @pc (under mode @flags) into IR in @ctx,
	 * at most @max_insns instructions, ending at the end of a basic block or a
	 * page boundary. Code bytes come from translator_fetch(). The TB must end
	 * with goto_tb, lookup_and_goto or exit_tb on every path. The bits
	 * TB_FLAGS_CORE (gdbstub.h: 0xf0000000) of TB flags belong to the core:
	 * a frontend never sets them in cpu->tb_flags and never sees them here.
	 */
	struct translate_result (*translate)(struct cpu *cpu, struct ir_ctx *ctx, uint64_t pc,
					     uint32_t flags, unsigned max_insns);

	/**
	 * disas() - one instruction at guest @pc from @code (@avail bytes) as text into
	 * @buf; returns its length in bytes (0 if @avail is too short).
	 */
	unsigned (*disas)(char *buf, size_t bufsz, uint64_t pc, const uint8_t *code,
			  size_t avail, uint32_t flags);

	/** mode_name() - the hart's privilege mode for traces ("U", "S", "M", ...); NULL: "U". */
	const char *(*mode_name)(struct cpu *cpu);

	/** dump_state() - print the architectural registers (for errors and traces). */
	void (*dump_state)(struct cpu *cpu, FILE *f);

	/* ---- System mode (softmmu.h); NULL in a frontend without one ---- */

	/**
	 * tlb_fill() - translate guest virtual @vaddr for an access of @size
	 * bytes of kind @access under MMU index @mmu_idx (page-table walk,
	 * physical memory protection...) and install the result with
	 * tlb_set_page() / tlb_set_page_size(); returns true. If the access is
	 * not allowed: returns false when @probe (nothing raised, no state
	 * changed: the translator probing code), else raises the guest's fault
	 * through cpu_loop_exit() (cpu->pc is the faulting instruction).
	 */
	bool (*tlb_fill)(struct cpu *cpu, uint64_t vaddr, unsigned size, enum mmu_access access,
			 unsigned mmu_idx, bool probe);

	/** fetch_mmu_idx() - the MMU index of instruction fetch in mode @tb_flags. */
	unsigned (*fetch_mmu_idx)(uint32_t tb_flags);

	/**
	 * do_exception() - enter the guest's trap handler for exception @excp
	 * raised at cpu->pc by a helper, the softMMU or the exec loop (a core
	 * EXCP_* with cpu->fault_addr / fault_is_write, or the frontend's own).
	 * Returns true when the guest takes it (cpu->pc and tb_flags are now the
	 * handler's; the exec loop goes on), false if the runner must see it
	 * (cpu_exec() returns it). Not called for EXCP_INTERRUPT and EXCP_HALTED.
	 */
	bool (*do_exception)(struct cpu *cpu, int excp);

	/**
	 * exec_interrupt() - called by the exec loop at a TB boundary while
	 * cpu->interrupt_request is non-zero: enter the handler of the
	 * highest-priority pending and enabled interrupt and return true, or
	 * return false. The frontend clears interrupt_request when nothing can be
	 * taken and sets it again when that may change (a line rises, a CSR
	 * write or xRET enables interrupts).
	 */
	bool (*exec_interrupt)(struct cpu *cpu);

	/**
	 * cpu_has_work() - true when a hart that stopped with EXCP_HALTED (wfi)
	 * must run again: an interrupt it has enabled locally is pending (even
	 * if globally disabled). Thread safe; the runner's wfi sleep uses it.
	 */
	bool (*cpu_has_work)(struct cpu *cpu);

	/** The Linux user-mode ABI of this guest (linux-abi.h), or NULL. */
	const struct linux_abi *linux_abi;

	/** The GDB stub's register layer (gdbstub.h), or NULL: no --gdb for this guest. */
	const struct gdb_arch *gdb;
};

/** arch_find() - the class table for @name, or NULL. */
const struct morph_arch *arch_find(const char *name);
/** arch_for_elf() - the class table for an ELF header's machine, class and data, or NULL. */
const struct morph_arch *arch_for_elf(uint16_t machine, uint8_t elf_class, bool big_endian);
/** arch_list() - NULL-terminated list of all guest ISAs compiled in. */
const struct morph_arch *const *arch_list(void);

/**
 * translator_fetch() - read @len bytes of guest code at guest virtual @pc into @buf
 * for translation. Returns 0, or -1 if that memory is not executable (the
 * frontend then ends the TB before that instruction, or raises a fetch fault if
 * it is the first).
 */
int translator_fetch(struct cpu *cpu, uint64_t pc, void *buf, unsigned len);

#endif
