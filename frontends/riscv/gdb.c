/*
 * RISC-V register layer of the GDB stub (struct gdb_arch, gdbstub.h).
 *
 * Register numbers are GDB's (gdb/riscv-tdep.h): x0-x31 0-31, pc 32,
 * f0-f31 33-64, CSR n at 65 + n (fflags 66, frm 67, fcsr 68), the virtual
 * "priv" register at 65 + 4096. The target description names the features
 * GDB's riscv-tdep.c looks for: org.gnu.gdb.riscv.cpu, .fpu, .csr and
 * .virtual; CSRs and priv only in system mode.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "morph/bus.h"
#include "morph/gdbstub.h"
#include "frontends/riscv/rv-fp.h"
#include "frontends/riscv/rv-gen.h"
#include "frontends/riscv/rv-sys.h"

#define RV_GDB_PC 32
#define RV_GDB_F0 33
#define RV_GDB_CSR0 65
#define RV_GDB_PRIV (RV_GDB_CSR0 + 4096)

/* The CSRs system mode shows: trap setup and handling, translation, hart id */
static const struct {
	uint16_t num;
	const char *name;
} rv_gdb_csrs[] = {
	{0x100, "sstatus"}, {0x104, "sie"},	 {0x105, "stvec"},    {0x140, "sscratch"},
	{0x141, "sepc"},    {0x142, "scause"},	 {0x143, "stval"},    {0x144, "sip"},
	{0x180, "satp"},    {0x300, "mstatus"},	 {0x301, "misa"},     {0x302, "medeleg"},
	{0x303, "mideleg"}, {0x304, "mie"},	 {0x305, "mtvec"},    {0x340, "mscratch"},
	{0x341, "mepc"},    {0x342, "mcause"},	 {0x343, "mtval"},    {0x344, "mip"},
	{0xf14, "mhartid"},
};
#define RV_GDB_NCSRS (sizeof(rv_gdb_csrs) / sizeof(rv_gdb_csrs[0]))

static bool rv_gdb_csr_shown(unsigned csr)
{
	for (unsigned i = 0; i < RV_GDB_NCSRS; i++)
		if (rv_gdb_csrs[i].num == csr)
			return true;
	return false;
}

/* FLEN: 64 with D, 32 with F only, 0 without FP registers */
static unsigned rv_flen(const struct rv_cpu *cpu)
{
	if (cpu->misa_ext & (1u << ('D' - 'A')))
		return 64;
	return cpu->misa_ext & (1u << ('F' - 'A')) ? 32 : 0;
}

/* ---- the target description ---- */

struct xml_buf {
	char *p;
	size_t left;
};

static void xml_add(struct xml_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void xml_add(struct xml_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->p, b->left, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < b->left) {
		b->p += n;
		b->left -= (size_t)n;
	}
}

static void build_xml(char *out, size_t size, unsigned xlen, unsigned flen, bool sys)
{
	struct xml_buf b = {out, size};

	xml_add(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
		    "<target version=\"1.0\">\n<architecture>riscv:rv%u</architecture>\n",
		xlen);
	xml_add(&b, "<feature name=\"org.gnu.gdb.riscv.cpu\">\n");
	for (unsigned i = 0; i < 32; i++) {
		const char *type = i == 1 ? "code_ptr" : (i >= 2 && i <= 4) ? "data_ptr" : "int";
		xml_add(&b, "  <reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%u\"/>\n",
			i == 8 ? "fp" : rv_gpr_name(i), xlen, type, i);
	}
	xml_add(&b, "  <reg name=\"pc\" bitsize=\"%u\" type=\"code_ptr\" regnum=\"%u\"/>\n",
		xlen, RV_GDB_PC);
	xml_add(&b, "</feature>\n");
	if (flen) {
		xml_add(&b, "<feature name=\"org.gnu.gdb.riscv.fpu\">\n");
		if (flen == 64)
			xml_add(&b, "  <union id=\"riscv_double\">\n"
				    "    <field name=\"float\" type=\"ieee_single\"/>\n"
				    "    <field name=\"double\" type=\"ieee_double\"/>\n"
				    "  </union>\n");
		for (unsigned i = 0; i < 32; i++)
			xml_add(&b, "  <reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%u\"/>\n",
				rv_fpr_name(i), flen, flen == 64 ? "riscv_double" : "ieee_single",
				RV_GDB_F0 + i);
		xml_add(&b, "  <reg name=\"fflags\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n"
			    "  <reg name=\"frm\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n"
			    "  <reg name=\"fcsr\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n",
			RV_GDB_CSR0 + RV_CSR_FFLAGS, RV_GDB_CSR0 + RV_CSR_FRM,
			RV_GDB_CSR0 + RV_CSR_FCSR);
		xml_add(&b, "</feature>\n");
	}
	if (sys) {
		xml_add(&b, "<feature name=\"org.gnu.gdb.riscv.csr\">\n");
		for (unsigned i = 0; i < RV_GDB_NCSRS; i++)
			xml_add(&b, "  <reg name=\"%s\" bitsize=\"%u\" type=\"int\" regnum=\"%u\"/>\n",
				rv_gdb_csrs[i].name, xlen, RV_GDB_CSR0 + rv_gdb_csrs[i].num);
		xml_add(&b, "</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
			    "  <reg name=\"priv\" bitsize=\"%u\" type=\"int\" regnum=\"%u\"/>\n"
			    "</feature>\n",
			xlen, RV_GDB_PRIV);
	}
	xml_add(&b, "</target>\n");
}

static const char *rv_gdb_target_xml(struct cpu *c, const char *annex)
{
	/* One document per (XLEN, FLEN, system mode), made on first use (server thread). */
	static char docs[2][3][2][12288];
	struct rv_cpu *cpu = rv_cpu_of(c);
	unsigned flen = rv_flen(cpu);
	char *d = docs[!rv_is32(cpu)][flen / 32][c->softmmu];

	if (strcmp(annex, "target.xml"))
		return NULL;
	if (!d[0])
		build_xml(d, sizeof(docs[0][0][0]), rv_is32(cpu) ? 32 : 64, flen, c->softmmu);
	return d;
}

/* ---- registers ---- */

static unsigned put(uint8_t *buf, uint64_t v, unsigned bytes)
{
	memcpy(buf, &v, bytes); /* little-endian host and guest */
	return bytes;
}

static unsigned rv_gdb_read_reg(struct cpu *c, unsigned n, uint8_t *buf)
{
	struct rv_cpu *cpu = rv_cpu_of(c);
	unsigned xb = rv_is32(cpu) ? 4 : 8, flen = rv_flen(cpu);
	uint64_t v;

	if (n < 32)
		return put(buf, cpu->x[n], xb);
	if (n == RV_GDB_PC)
		return put(buf, c->pc, xb);
	if (n >= RV_GDB_F0 && n < RV_GDB_F0 + 32)
		return flen ? put(buf, cpu->f[n - RV_GDB_F0], flen / 8) : 0;
	switch (n) {
	case RV_GDB_CSR0 + RV_CSR_FFLAGS:
		return flen ? put(buf, cpu->fflags, 4) : 0;
	case RV_GDB_CSR0 + RV_CSR_FRM:
		return flen ? put(buf, cpu->frm, 4) : 0;
	case RV_GDB_CSR0 + RV_CSR_FCSR:
		return flen ? put(buf, cpu->frm << 5 | cpu->fflags, 4) : 0;
	case RV_GDB_PRIV:
		return c->softmmu ? put(buf, cpu->priv, xb) : 0;
	}
	if (!c->softmmu || n < RV_GDB_CSR0 || !rv_gdb_csr_shown(n - RV_GDB_CSR0))
		return 0;
	/* A CSR this hart lacks reads as 0: GDB shows the whole set it was described. */
	if (!rv_csr_read(cpu, n - RV_GDB_CSR0, &v))
		v = 0;
	return put(buf, v, xb);
}

static int rv_gdb_write_reg(struct cpu *c, unsigned n, const uint8_t *buf, unsigned len)
{
	struct rv_cpu *cpu = rv_cpu_of(c);
	uint8_t old[16];
	uint64_t v = 0;

	if (rv_gdb_read_reg(c, n, old) != len || len > 8)
		return -1;
	memcpy(&v, buf, len);
	if (n < 32) {
		if (n)
			cpu->x[n] = rv_is32(cpu) ? (uint64_t)(int64_t)(int32_t)v : v;
		return 0;
	}
	if (n == RV_GDB_PC) {
		c->pc = v;
		return 0;
	}
	if (n >= RV_GDB_F0 && n < RV_GDB_F0 + 32) {
		cpu->f[n - RV_GDB_F0] = len == 4 ? v | 0xffffffff00000000ull : v; /* NaN-boxed */
		return 0;
	}
	switch (n) {
	case RV_GDB_CSR0 + RV_CSR_FFLAGS:
		cpu->fflags = (uint32_t)v & 0x1f;
		return 0;
	case RV_GDB_CSR0 + RV_CSR_FRM:
		rv_set_frm(cpu, (uint32_t)v);
		return 0;
	case RV_GDB_CSR0 + RV_CSR_FCSR:
		cpu->fflags = (uint32_t)v & 0x1f;
		rv_set_frm(cpu, (uint32_t)v >> 5);
		return 0;
	case RV_GDB_PRIV:
		if (v != RV_PRIV_U && v != RV_PRIV_S && v != RV_PRIV_M)
			return -1;
		cpu->priv = (uint32_t)v;
		rv_update_flags(cpu);
		rv_irq_recheck(cpu);
		return 0;
	}
	if (!rv_csr_write(cpu, n - RV_GDB_CSR0, v))
		return -1;
	rv_update_flags(cpu);
	rv_irq_recheck(cpu);
	return 0;
}

/*
 * The page-table walk of privileged spec 4.3.2 for the debugger: current
 * satp, no permission checks, no A/D updates, no PMP, PTEs read from RAM only.
 */
static bool rv_gdb_virt_to_phys(struct cpu *c, uint64_t va, uint64_t *pa)
{
	struct rv_cpu *cpu = rv_cpu_of(c);
	bool rv32 = rv_is32(cpu);
	unsigned mode = rv32 ? (unsigned)(cpu->satp >> 31) : (unsigned)(cpu->satp >> 60);
	unsigned levels, vpn_bits = rv32 ? 10 : 9, pte_size = rv32 ? 4 : 8;
	uint64_t ppn_mask = rv32 ? (1ull << 22) - 1 : (1ull << 44) - 1;
	uint64_t a = (cpu->satp & ppn_mask) << 12;

	if (rv32)
		va = (uint32_t)va;
	if (cpu->priv == RV_PRIV_M || mode == SATP_MODE_BARE) {
		*pa = va;
		return true;
	}
	/* Sv32: 2 levels; Sv39, Sv48, Sv57 (modes 8, 9, 10): 3, 4, 5 */
	if (rv32 && mode == SATP_MODE_SV32)
		levels = 2;
	else if (!rv32 && mode >= SATP_MODE_SV39 && mode <= SATP_MODE_SV57)
		levels = mode - SATP_MODE_SV39 + 3;
	else
		return false;
	if (!rv32) {
		unsigned va_bits = 12 + levels * vpn_bits;
		if ((uint64_t)((int64_t)(va << (64 - va_bits)) >> (64 - va_bits)) != va)
			return false;
	}
	for (int i = (int)levels - 1; i >= 0; i--) {
		unsigned shift = 12 + (unsigned)i * vpn_bits;
		uint64_t pte_addr = a + ((va >> shift) & ((1ull << vpn_bits) - 1)) * pte_size;
		const void *p = bus_ram_ptr(c->mmu.bus, pte_addr, pte_size);
		uint64_t pte;

		if (!p)
			return false;
		pte = rv32 ? __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED)
			   : __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED);
		if (!(pte & 1) || (pte & 6) == 4) /* !V, or W without R */
			return false;
		uint64_t ppn = (pte >> 10) & ppn_mask;
		if (!(pte & 0xa)) { /* neither R nor X: next level */
			a = ppn << 12;
			continue;
		}
		uint64_t page = 1ull << shift;
		*pa = ((ppn << 12) & ~(page - 1)) | (va & (page - 1));
		return true;
	}
	return false;
}

const struct gdb_arch rv_gdb_arch = {
	.target_xml = rv_gdb_target_xml,
	.g_regs = 33,
	.pc_regnum = 32,
	.read_reg = rv_gdb_read_reg,
	.write_reg = rv_gdb_write_reg,
	.virt_to_phys = rv_gdb_virt_to_phys,
};
