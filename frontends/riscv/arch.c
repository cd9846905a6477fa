/*
 * The riscv64 class table (struct morph_arch): RV64GC + Zba/Zbb/Zbs.
 */
#include <elf.h>
#include <stddef.h>
#include <stdio.h>

#include "morph/frontend.h"
#include "frontends/riscv/rv-fp.h"
#include "frontends/riscv/rv-gen.h"
#include "frontends/riscv/rv-sys.h"

extern const struct linux_abi rv64_linux_abi; /* linux-abi.c */
extern const struct gdb_arch rv_gdb_arch;     /* gdb.c */

#define X(n) {"x" #n, offsetof(struct rv_cpu, x[n]), IR_I64}
#define F(n) {"f" #n, offsetof(struct rv_cpu, f[n]), IR_I64}
/* the low half of x[n]: this host is little-endian */
#define W(n) {"x" #n, offsetof(struct rv_cpu, x[n]), IR_I32}

/* Indexed by RV_G_X(n) / RV_G_F(n); entry 0 (x0) is never referenced. */
static const struct ir_global_desc rv_globals[RV_NGLOBALS] = {
	X(0), X(1), X(2), X(3), X(4), X(5), X(6), X(7),
	X(8), X(9), X(10), X(11), X(12), X(13), X(14), X(15),
	X(16), X(17), X(18), X(19), X(20), X(21), X(22), X(23),
	X(24), X(25), X(26), X(27), X(28), X(29), X(30), X(31),
	F(0), F(1), F(2), F(3), F(4), F(5), F(6), F(7),
	F(8), F(9), F(10), F(11), F(12), F(13), F(14), F(15),
	F(16), F(17), F(18), F(19), F(20), F(21), F(22), F(23),
	F(24), F(25), F(26), F(27), F(28), F(29), F(30), F(31),
	W(0), W(1), W(2), W(3), W(4), W(5), W(6), W(7),
	W(8), W(9), W(10), W(11), W(12), W(13), W(14), W(15),
	W(16), W(17), W(18), W(19), W(20), W(21), W(22), W(23),
	W(24), W(25), W(26), W(27), W(28), W(29), W(30), W(31),
};

#undef X
#undef F
#undef W

/*
 * Read by the most TBs before they write them (python3, lua5.4 and sqlite3
 * under morph, weighted by executions): s0, a0, sp, a5, s1, a1.
 */
static const uint16_t rv_resident[] = {
	RV_G_X(8), RV_G_X(10), RV_G_X(2), RV_G_X(15), RV_G_X(9), RV_G_X(11),
};

_Static_assert(RV_G_X32(31) + 1 == RV_NGLOBALS, "global table layout");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "RV32 views need a little-endian host");
_Static_assert(offsetof(struct rv_cpu, c) == 0, "struct cpu must come first");

static void rv_init(void)
{
	rv_helpers_register();
	rv_fp_helpers_register();
	rv_sys_helpers_register();
}

#define MISA(c) (1u << ((c) - 'A'))

static void rv_cpu_reset(struct cpu *c)
{
	struct rv_cpu *cpu = (struct rv_cpu *)c;

	cpu->xlen = 64;
	cpu->misa_ext = MISA('I') | MISA('M') | MISA('A') | MISA('F') | MISA('D') | MISA('C') |
			MISA('U');
	cpu->load_res = ~(uint64_t)0;
	rv_set_fflags(cpu, 0);
	rv_set_frm(cpu, RV_RM_RNE);
	cpu->cycle_base = rv_clock_ns();
}

static void rv_dump_state(struct cpu *c, FILE *f)
{
	struct rv_cpu *cpu = (struct rv_cpu *)c;

	fprintf(f, "pc   %016llx\n", (unsigned long long)c->pc);
	for (unsigned i = 0; i < 32; i++)
		fprintf(f, "%-4s %016llx%s", rv_gpr_name(i), (unsigned long long)cpu->x[i],
			i % 4 == 3 ? "\n" : "  ");
	for (unsigned i = 0; i < 32; i++)
		fprintf(f, "%-4s %016llx%s", rv_fpr_name(i), (unsigned long long)cpu->f[i],
			i % 4 == 3 ? "\n" : "  ");
	fprintf(f, "fflags %02x frm %u reservation %016llx\n", rv_fflags(cpu), cpu->frm,
		(unsigned long long)cpu->load_res);
	rv_sys_dump_state(c, f);
}

const struct morph_arch rv64_arch = {
	.name = "riscv64",
	.elf_machine = EM_RISCV,
	.elf_class = ELFCLASS64,
	.big_endian = false,
	.addr_bits = 64,
	.min_insn_bytes = 2,
	.cpu_size = sizeof(struct rv_cpu),
	.globals = rv_globals,
	.nglobals = RV_NGLOBALS,
	.resident = rv_resident,
	.nresident = sizeof(rv_resident) / sizeof(rv_resident[0]),
	.init = rv_init,
	.cpu_reset = rv_cpu_reset,
	.translate = rv_translate,
	.disas = rv_disas,
	.dump_state = rv_dump_state,
	.linux_abi = &rv64_linux_abi,
	.gdb = &rv_gdb_arch,
	.mode_name = rv_mode_name,
	.tlb_fill = rv_tlb_fill,
	.fetch_mmu_idx = rv_fetch_mmu_idx,
	.do_exception = rv_do_exception,
	.exec_interrupt = rv_exec_interrupt,
	.cpu_has_work = rv_cpu_has_work,
};
