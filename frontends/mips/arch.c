/*
 * The mipsel and mips class tables (struct morph_arch): MIPS32 release 2
 * with a 24Kf-class FPU, little- and big-endian.
 */
#include <elf.h>
#include <stddef.h>
#include <stdio.h>

#include "morph/frontend.h"
#include "frontends/mips/mips-gen.h"
#include "frontends/mips/mips-sys.h"

extern const struct linux_abi mips_o32_le_linux_abi, mips_o32_be_linux_abi; /* linux-abi.c */
extern const struct gdb_arch mips_gdb_arch; /* gdb.c */

#define G(n) {"r" #n, offsetof(struct mips_cpu, gpr[n]), IR_I64}
#define F(n) {"f" #n, offsetof(struct mips_cpu, fpr[n]), IR_I64}

/* Indexed by MIPS_G_*; entry 0 ($0) is never referenced. */
static const struct ir_global_desc mips_globals[MIPS_NGLOBALS] = {
	G(0), G(1), G(2), G(3), G(4), G(5), G(6), G(7),
	G(8), G(9), G(10), G(11), G(12), G(13), G(14), G(15),
	G(16), G(17), G(18), G(19), G(20), G(21), G(22), G(23),
	G(24), G(25), G(26), G(27), G(28), G(29), G(30), G(31),
	{"hi", offsetof(struct mips_cpu, hi), IR_I64},
	{"lo", offsetof(struct mips_cpu, lo), IR_I64},
	F(0), F(1), F(2), F(3), F(4), F(5), F(6), F(7),
	F(8), F(9), F(10), F(11), F(12), F(13), F(14), F(15),
	F(16), F(17), F(18), F(19), F(20), F(21), F(22), F(23),
	F(24), F(25), F(26), F(27), F(28), F(29), F(30), F(31),
	{"lladdr", offsetof(struct mips_cpu, lladdr), IR_I64},
	{"llval", offsetof(struct mips_cpu, llval), IR_I64},
};

#undef G
#undef F

_Static_assert(MIPS_G_LLVAL + 1 == MIPS_NGLOBALS, "global table layout");
_Static_assert(MIPS_G_FPR(31) + 1 == MIPS_G_LLADDR, "global table layout");
_Static_assert(offsetof(struct mips_cpu, c) == 0, "struct cpu must come first");

static void mips_init(void)
{
	mips_helpers_register();
	mips_fp_helpers_register();
	mips_sys_helpers_register();
}

static void mips_cpu_reset(struct cpu *c)
{
	struct mips_cpu *cpu = (struct mips_cpu *)c;

	cpu->lladdr = ~(uint64_t)0;
	mips_fcsr_write(cpu, 0);
	cpu->fir = MIPS_FIR_24KF;
	cpu->fr = 0;
	c->tb_flags = 0;
	cpu->cycle_base = mips_clock_ns();
}

static void mips_dump_state(struct cpu *c, FILE *f)
{
	struct mips_cpu *cpu = (struct mips_cpu *)c;

	fprintf(f, "pc   %08llx  hi %08llx  lo %08llx\n", (unsigned long long)(uint32_t)c->pc,
		(unsigned long long)(uint32_t)cpu->hi, (unsigned long long)(uint32_t)cpu->lo);
	for (unsigned i = 0; i < 32; i++)
		fprintf(f, "%-4s %08llx%s", mips_gpr_name(i), (unsigned long long)(uint32_t)cpu->gpr[i],
			i % 8 == 7 ? "\n" : "  ");
	for (unsigned i = 0; i < 32; i++)
		fprintf(f, "f%-3u %016llx%s", i, (unsigned long long)cpu->fpr[i],
			i % 4 == 3 ? "\n" : "  ");
	fprintf(f, "fcsr %08x  fr %u  ll %08llx  ulr %08llx\n", mips_fcsr_read(cpu), cpu->fr,
		(unsigned long long)cpu->lladdr, (unsigned long long)cpu->ulr);
	mips_sys_dump_state(c, f);
}

/*
 * Read by the most TBs before they write them (lua5.4 and python3.11 under
 * morph, weighted by executions): sp, s0, v0, a0, s1, a1.
 */
static const uint16_t mips_resident[] = {
	MIPS_G_GPR(29), MIPS_G_GPR(16), MIPS_G_GPR(2), MIPS_G_GPR(4), MIPS_G_GPR(17), MIPS_G_GPR(5),
};

#define MIPS_ARCH(nm, be, dis, abi)                                                          \
	{                                                                               \
		.name = nm,                                                             \
		.elf_machine = EM_MIPS,                                                 \
		.elf_class = ELFCLASS32,                                                \
		.big_endian = be,                                                       \
		.addr_bits = 32,                                                        \
		.min_insn_bytes = 4,                                                    \
		.cpu_size = sizeof(struct mips_cpu),                                    \
		.globals = mips_globals,                                                \
		.nglobals = MIPS_NGLOBALS,                                              \
		.resident = mips_resident,                                              \
		.nresident = sizeof(mips_resident) / sizeof(mips_resident[0]),          \
		.init = mips_init,                                                      \
		.cpu_reset = mips_cpu_reset,                                            \
		.translate = mips_translate,                                            \
		.disas = dis,                                                           \
		.dump_state = mips_dump_state,                                          \
		.mode_name = mips_mode_name,                                            \
		.tlb_fill = mips_tlb_fill,                                              \
		.fetch_mmu_idx = mips_fetch_mmu_idx,                                    \
		.do_exception = mips_do_exception,                                      \
		.exec_interrupt = mips_exec_interrupt,                                  \
		.cpu_has_work = mips_cpu_has_work,                                      \
		.linux_abi = abi,                                                       \
		.gdb = &mips_gdb_arch,                                                  \
	}

const struct morph_arch mipsel_arch = MIPS_ARCH("mipsel", false, mips_disas_le, &mips_o32_le_linux_abi);
const struct morph_arch mips_arch = MIPS_ARCH("mips", true, mips_disas_be, &mips_o32_be_linux_abi);
