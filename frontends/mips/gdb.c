/*
 * MIPS32 register layer of the GDB stub (struct gdb_arch, gdbstub.h).
 *
 * Register numbers are GDB's remote layout of a 32-bit MIPS (the regnum
 * attributes of gdb/features/mips-{cpu,cp0,fpu}.xml): r0-r31 0-31, status
 * 32, lo 33, hi 34, badvaddr 35, cause 36, pc 37, f0-f31 38-69, fcsr 70,
 * fir 71; all 72 travel in a 'g' packet, 4 bytes each, in the guest's byte
 * order. GDB's mips-tdep.c wants all three features (cpu, cp0, fpu), so user
 * mode describes the CP0 registers too: Status reads KSU = user with CU1
 * and FR as the process runs, BadVAddr and Cause read 0.
 *
 * FP registers are 32 bits (o32's view): with Status.FR = 0 f2k is the low
 * and f2k+1 the high word of the double in fpr[2k], as GDB pairs them; with
 * FR = 1 fN is the low word of fpr[N] (a 64-bit FPU would need a 64-bit
 * fpu feature, which GDB's o32 support does not pair with 32-bit GPRs).
 *
 * Delay slots: morph keeps no delay-slot state between instructions; a
 * branch and its slot run as one. In system mode a watchpoint hit inside a
 * delay slot unwinds with bit 0 of the pc set (the branch's pc plus 1,
 * translate.c); debug_stop() turns that into the branch's pc, so GDB sees
 * and resumes at the branch, which re-executes with its slot (as after an
 * exception with Cause.BD). A pc GDB writes loses bit 0 as well.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "morph/bus.h"
#include "morph/gdbstub.h"
#include "frontends/mips/mips-gen.h"
#include "frontends/mips/mips-sys.h"

#define MIPS_GDB_STATUS 32
#define MIPS_GDB_LO 33
#define MIPS_GDB_HI 34
#define MIPS_GDB_BADVADDR 35
#define MIPS_GDB_CAUSE 36
#define MIPS_GDB_PC 37
#define MIPS_GDB_F0 38
#define MIPS_GDB_FCSR 70
#define MIPS_GDB_FIR 71
#define MIPS_GDB_NREGS 72

/*
 * The CP0 registers GDB sees: mfc0/mtc0 number (reg * 8 + sel, cp0.c) and
 * GDB register number. The first three are GDB's own; system mode adds the
 * rest after GDB's numbers (72 is mips-linux's "restart"): the TLB and
 * exception registers a kernel debugger wants. Not Random: reading it
 * advances it.
 */
#define CP0(reg, sel) ((reg)*8 + (sel))
static const struct {
	const char *name;
	uint16_t cp0, regnum;
} mips_gdb_cp0[] = {
	{"status", CP0(12, 0), MIPS_GDB_STATUS},  {"badvaddr", CP0(8, 0), MIPS_GDB_BADVADDR},
	{"cause", CP0(13, 0), MIPS_GDB_CAUSE},	  {"index", CP0(0, 0), 73},
	{"entrylo0", CP0(2, 0), 74},		  {"entrylo1", CP0(3, 0), 75},
	{"context", CP0(4, 0), 76},		  {"pagemask", CP0(5, 0), 77},
	{"wired", CP0(6, 0), 78},		  {"count", CP0(9, 0), 79},
	{"entryhi", CP0(10, 0), 80},		  {"compare", CP0(11, 0), 81},
	{"epc", CP0(14, 0), 82},		  {"prid", CP0(15, 0), 83},
	{"ebase", CP0(15, 1), 84},		  {"config", CP0(16, 0), 85},
	{"errorepc", CP0(30, 0), 86},
};
#define MIPS_GDB_NCP0 (sizeof(mips_gdb_cp0) / sizeof(mips_gdb_cp0[0]))
#define MIPS_GDB_NCP0_USER 3 /* status, badvaddr, cause */
#undef CP0

#define KSEG0 0x80000000u
#define KSEG2 0xc0000000u

static struct mips_cpu *mips_cpu_of(struct cpu *c)
{
	return (struct mips_cpu *)c;
}

static uint64_t sext32(uint32_t v)
{
	return (uint64_t)(int64_t)(int32_t)v;
}

/* ---- the target description ---- */

/*
 * "mips:isa32r2": GDB's MIPS32r2 (32-bit registers); the byte order comes
 * from the ELF or `set endian`, the ABI (o32) from the ELF's flags.
 */
static void build_xml(char *out, size_t size, bool sys)
{
	size_t o = 0;

#define ADD(...) (o += (size_t)snprintf(out + o, o < size ? size - o : 0, __VA_ARGS__))
	ADD("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	    "<target version=\"1.0\">\n<architecture>mips:isa32r2</architecture>\n"
	    "<feature name=\"org.gnu.gdb.mips.cpu\">\n");
	for (unsigned i = 0; i < 32; i++)
		ADD("  <reg name=\"r%u\" bitsize=\"32\" regnum=\"%u\"/>\n", i, i);
	ADD("  <reg name=\"lo\" bitsize=\"32\" regnum=\"%u\"/>\n"
	    "  <reg name=\"hi\" bitsize=\"32\" regnum=\"%u\"/>\n"
	    "  <reg name=\"pc\" bitsize=\"32\" regnum=\"%u\"/>\n</feature>\n",
	    MIPS_GDB_LO, MIPS_GDB_HI, MIPS_GDB_PC);
	ADD("<feature name=\"org.gnu.gdb.mips.cp0\">\n");
	for (unsigned i = 0; i < (sys ? MIPS_GDB_NCP0 : MIPS_GDB_NCP0_USER); i++)
		ADD("  <reg name=\"%s\" bitsize=\"32\" regnum=\"%u\"/>\n", mips_gdb_cp0[i].name,
		    mips_gdb_cp0[i].regnum);
	ADD("</feature>\n");
	ADD("<feature name=\"org.gnu.gdb.mips.fpu\">\n");
	for (unsigned i = 0; i < 32; i++)
		ADD("  <reg name=\"f%u\" bitsize=\"32\" type=\"ieee_single\" regnum=\"%u\"/>\n", i,
		    MIPS_GDB_F0 + i);
	ADD("  <reg name=\"fcsr\" bitsize=\"32\" group=\"float\" regnum=\"%u\"/>\n"
	    "  <reg name=\"fir\" bitsize=\"32\" group=\"float\" regnum=\"%u\"/>\n"
	    "</feature>\n</target>\n",
	    MIPS_GDB_FCSR, MIPS_GDB_FIR);
#undef ADD
}

static const char *mips_gdb_target_xml(struct cpu *c, const char *annex)
{
	/* One document per mode (user, system), made on first use (server thread). */
	static char docs[2][8192];
	char *d = docs[c->softmmu];

	if (strcmp(annex, "target.xml"))
		return NULL;
	if (!d[0])
		build_xml(d, sizeof(docs[0]), c->softmmu);
	return d;
}

/* ---- registers ---- */

/* @v as 4 bytes in the guest's byte order */
static unsigned put32(const struct cpu *c, uint8_t *buf, uint64_t v)
{
	uint32_t w = (uint32_t)v;

	for (unsigned i = 0; i < 4; i++)
		buf[c->arch->big_endian ? 3 - i : i] = (uint8_t)(w >> 8 * i);
	return 4;
}

static uint32_t get32(const struct cpu *c, const uint8_t *buf)
{
	uint32_t w = 0;

	for (unsigned i = 0; i < 4; i++)
		w |= (uint32_t)buf[c->arch->big_endian ? 3 - i : i] << 8 * i;
	return w;
}

/* The 64-bit slot and the half (shift) that hold FP register @n as a single */
static uint64_t *fpr_word(struct mips_cpu *cpu, unsigned n, unsigned *shift)
{
	if (cpu->fr) {
		*shift = 0;
		return &cpu->fpr[n];
	}
	*shift = n & 1 ? 32 : 0;
	return &cpu->fpr[n & ~1u];
}

/* User mode: a Status that says what the process runs with (user mode, FPU usable, FR) */
static uint32_t user_status(const struct mips_cpu *cpu)
{
	return ST_CU1 | ST_UM | ST_IE | (cpu->fr ? ST_FR : 0);
}

/* The mips_gdb_cp0[] row of GDB register @n in this mode, or -1 */
static int cp0_row(const struct cpu *c, unsigned n)
{
	for (unsigned i = 0; i < (c->softmmu ? MIPS_GDB_NCP0 : MIPS_GDB_NCP0_USER); i++)
		if (mips_gdb_cp0[i].regnum == n)
			return (int)i;
	return -1;
}

/* What mfc0 reads (Cause with the interrupt lines and the timer as they are now) */
static uint32_t cp0_read(struct mips_cpu *cpu, unsigned row)
{
	if (!cpu->c.softmmu)
		return mips_gdb_cp0[row].regnum == MIPS_GDB_STATUS ? user_status(cpu) : 0;
	return (uint32_t)helper_mips_mfc0(cpu, mips_gdb_cp0[row].cp0);
}

static unsigned mips_gdb_read_reg(struct cpu *c, unsigned n, uint8_t *buf)
{
	struct mips_cpu *cpu = mips_cpu_of(c);
	unsigned shift;
	uint64_t *w;
	int row;

	if (n < 32)
		return put32(c, buf, cpu->gpr[n]);
	if (n >= MIPS_GDB_F0 && n < MIPS_GDB_F0 + 32) {
		w = fpr_word(cpu, n - MIPS_GDB_F0, &shift);
		return put32(c, buf, *w >> shift);
	}
	switch (n) {
	case MIPS_GDB_LO:
		return put32(c, buf, cpu->lo);
	case MIPS_GDB_HI:
		return put32(c, buf, cpu->hi);
	case MIPS_GDB_PC:
		return put32(c, buf, c->pc);
	case MIPS_GDB_FCSR:
		return put32(c, buf, mips_fcsr_read(cpu));
	case MIPS_GDB_FIR:
		return put32(c, buf, cpu->fir);
	}
	row = cp0_row(c, n);
	return row < 0 ? 0 : put32(c, buf, cp0_read(cpu, (unsigned)row));
}

static int mips_gdb_write_reg(struct cpu *c, unsigned n, const uint8_t *buf, unsigned len)
{
	struct mips_cpu *cpu = mips_cpu_of(c);
	uint32_t v;
	unsigned shift;
	uint64_t *w;
	int row;

	if (len != 4)
		return -1;
	v = get32(c, buf);
	if (n < 32) {
		if (n)
			cpu->gpr[n] = sext32(v);
		return 0;
	}
	if (n >= MIPS_GDB_F0 && n < MIPS_GDB_F0 + 32) {
		w = fpr_word(cpu, n - MIPS_GDB_F0, &shift);
		*w = (*w & ~(0xffffffffull << shift)) | (uint64_t)v << shift;
		return 0;
	}
	switch (n) {
	case MIPS_GDB_LO:
		cpu->lo = sext32(v);
		break;
	case MIPS_GDB_HI:
		cpu->hi = sext32(v);
		break;
	case MIPS_GDB_PC:
		/* pcs are kept sign-extended; bit 0 (a delay slot's mark) is dropped */
		c->pc = sext32(v & ~1u);
		break;
	case MIPS_GDB_FCSR:
		mips_fcsr_write(cpu, v);
		break;
	case MIPS_GDB_FIR:
		break; /* read-only: a 'G' packet carries it back unchanged */
	default:
		/*
		 * CP0 in system mode: as mtc0 writes it (write masks, TB flags
		 * after Status, interrupts; read-only registers stay as they are).
		 * User mode has nothing behind them.
		 */
		row = cp0_row(c, n);
		if (row < 0)
			return -1;
		if (c->softmmu)
			helper_mips_mtc0(cpu, mips_gdb_cp0[row].cp0, sext32(v));
		break;
	}
	return 0;
}

/*
 * The debugger's translation (Volume III, 4.3 and 4.9): kseg0 and kseg1 map
 * onto the low 512 MiB, kuseg is unmapped under Status.ERL, the rest goes
 * through the guest TLB with the current ASID (EntryHi). The TLB is only
 * read: no refill, no EntryHi/BadVAddr/Context update, no softMMU fill. The
 * mode's permissions are not checked (GDB may read kernel addresses while
 * the hart runs a user process).
 */
static bool mips_gdb_virt_to_phys(struct cpu *c, uint64_t vaddr, uint64_t *pa)
{
	const struct mips_cp0 *cp0 = &mips_cpu_of(c)->cp0;
	uint32_t va = (uint32_t)vaddr, asid = cp0->entryhi & ENTRYHI_ASID;

	if (va >= KSEG0 && va < KSEG2) {
		*pa = va & 0x1fffffffu;
		return true;
	}
	if (va < KSEG0 && (cp0->status & ST_ERL)) {
		*pa = va;
		return true;
	}
	for (unsigned i = 0; i < cp0->ntlb; i++) {
		const struct mips_tlb_entry *e = &cp0->tlb[i];
		uint32_t vmask = ~(e->mask | 0x1fffu), psize = (~vmask + 1) >> 1;
		bool global = e->lo0 & e->lo1 & ENTRYLO_G;
		uint32_t lo;

		if (((e->hi ^ va) & vmask) || (!global && (e->hi & ENTRYHI_ASID) != asid))
			continue;
		lo = va & psize ? e->lo1 : e->lo0;
		if (!(lo & ENTRYLO_V))
			return false;
		*pa = ((uint64_t)(lo >> 6) << 12 & ~(uint64_t)(psize - 1)) | (va & (psize - 1));
		return true;
	}
	return false;
}

/* A stop inside a delay slot restarts at its branch (see the top of the file). */
static void mips_gdb_debug_stop(struct cpu *c)
{
	c->pc &= ~1ull;
}

const struct gdb_arch mips_gdb_arch = {
	.target_xml = mips_gdb_target_xml,
	.g_regs = MIPS_GDB_NREGS,
	.pc_regnum = MIPS_GDB_PC,
	.read_reg = mips_gdb_read_reg,
	.write_reg = mips_gdb_write_reg,
	.virt_to_phys = mips_gdb_virt_to_phys,
	.debug_stop = mips_gdb_debug_stop,
};
