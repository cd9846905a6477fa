/*
 * RISC-V disassembler: the generated instruction table (insn32.decode,
 * insn16.decode) gives each instruction's text; this file formats the
 * operands. The output follows GNU objdump -M no-aliases so that both can be
 * compared (testsuite/unit/test-rv-decode.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontends/riscv/rv-gen.h"
#include "rvp-decode.h"

static const char *const gpr_names[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
	"s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
	"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *const fpr_names[32] = {
	"ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
	"fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
	"fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
	"fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

const char *rv_gpr_name(unsigned n)
{
	return gpr_names[n & 31];
}

const char *rv_fpr_name(unsigned n)
{
	return fpr_names[n & 31];
}

/* CSRs with names (privileged spec, table "Currently allocated RISC-V CSR addresses") */
static const struct {
	uint16_t num;
	const char *name;
} csr_names[] = {
	{0x001, "fflags"}, {0x002, "frm"}, {0x003, "fcsr"},
	{0xc00, "cycle"}, {0xc01, "time"}, {0xc02, "instret"},
	{0x100, "sstatus"}, {0x104, "sie"}, {0x105, "stvec"}, {0x106, "scounteren"},
	{0x10a, "senvcfg"}, {0x140, "sscratch"}, {0x141, "sepc"}, {0x142, "scause"},
	{0x143, "stval"}, {0x144, "sip"}, {0x180, "satp"},
	{0xf11, "mvendorid"}, {0xf12, "marchid"}, {0xf13, "mimpid"}, {0xf14, "mhartid"},
	{0x300, "mstatus"}, {0x301, "misa"}, {0x302, "medeleg"}, {0x303, "mideleg"},
	{0x304, "mie"}, {0x305, "mtvec"}, {0x306, "mcounteren"}, {0x30a, "menvcfg"},
	{0x320, "mcountinhibit"}, {0x340, "mscratch"}, {0x341, "mepc"}, {0x342, "mcause"},
	{0x343, "mtval"}, {0x344, "mip"}, {0x34a, "mtinst"}, {0x34b, "mtval2"},
	{0xb00, "mcycle"}, {0xb02, "minstret"},
	{0x7a0, "tselect"}, {0x7a1, "tdata1"}, {0x7a2, "tdata2"}, {0x7a3, "tdata3"},
	{0x7b0, "dcsr"}, {0x7b1, "dpc"}, {0x7b2, "dscratch0"}, {0x7b3, "dscratch1"},
};

static const char *csr_name(unsigned csr, char *tmp, size_t n)
{
	for (size_t i = 0; i < sizeof(csr_names) / sizeof(csr_names[0]); i++)
		if (csr_names[i].num == csr)
			return csr_names[i].name;
	/* numbered families */
	if (csr >= 0xc03 && csr <= 0xc1f)
		snprintf(tmp, n, "hpmcounter%u", csr - 0xc00);
	else if (csr >= 0xb03 && csr <= 0xb1f)
		snprintf(tmp, n, "mhpmcounter%u", csr - 0xb00);
	else if (csr >= 0x323 && csr <= 0x33f)
		snprintf(tmp, n, "mhpmevent%u", csr - 0x320);
	else if (csr >= 0x3a0 && csr <= 0x3af)
		snprintf(tmp, n, "pmpcfg%u", csr - 0x3a0);
	else if (csr >= 0x3b0 && csr <= 0x3ef)
		snprintf(tmp, n, "pmpaddr%u", csr - 0x3b0);
	else
		snprintf(tmp, n, "0x%x", csr);
	return tmp;
}

static void fence_set(char *s, int64_t v)
{
	char *p = s;

	if (v & 8)
		*p++ = 'i';
	if (v & 4)
		*p++ = 'o';
	if (v & 2)
		*p++ = 'r';
	if (v & 1)
		*p++ = 'w';
	if (p == s)
		*p++ = '0';
	*p = 0;
}

/* Operand formatter for rv_disas_format(); @opaque points to the pc. */
static size_t fmt_operand(char *buf, size_t size, const char *kind, int64_t v, void *opaque)
{
	static const char *const rm_names[8] = {
		",rne", ",rtz", ",rdn", ",rup", ",rmm", ",0x5", ",0x6", "",
	};
	static const char *const aqrl_names[4] = {"", ".rl", ".aq", ".aqrl"};
	uint64_t pc = *(const uint64_t *)opaque;
	char tmp[24];

	if (!strcmp(kind, "x"))
		return (size_t)snprintf(buf, size, "%s", gpr_names[v & 31]);
	if (!strcmp(kind, "f"))
		return (size_t)snprintf(buf, size, "%s", fpr_names[v & 31]);
	if (!strcmp(kind, "hex"))
		return (size_t)snprintf(buf, size, "0x%" PRIx64, (uint64_t)v);
	if (!strcmp(kind, "hi20"))
		return (size_t)snprintf(buf, size, "0x%" PRIx64, ((uint64_t)v >> 12) & 0xfffff);
	if (!strcmp(kind, "pcrel"))
		return (size_t)snprintf(buf, size, "%" PRIx64, pc + (uint64_t)v);
	if (!strcmp(kind, "rm"))
		return (size_t)snprintf(buf, size, "%s", rm_names[v & 7]);
	if (!strcmp(kind, "aqrl"))
		return (size_t)snprintf(buf, size, "%s", aqrl_names[v & 3]);
	if (!strcmp(kind, "csr"))
		return (size_t)snprintf(buf, size, "%s", csr_name((unsigned)v, tmp, sizeof(tmp)));
	if (!strcmp(kind, "fence")) {
		fence_set(tmp, v);
		return (size_t)snprintf(buf, size, "%s", tmp);
	}
	return (size_t)snprintf(buf, size, "%" PRId64, v);
}

unsigned rv_disas(char *buf, size_t bufsz, uint64_t pc, const uint8_t *code, size_t avail,
		  uint32_t flags)
{
	struct rv_args a;
	enum rv_insn id;
	uint32_t insn;
	unsigned len = 2;

	if (avail < 2)
		return 0;
	insn = (uint32_t)code[0] | (uint32_t)code[1] << 8;
	if ((insn & 3) == 3) {
		if (avail < 4)
			return 0;
		insn |= (uint32_t)code[2] << 16 | (uint32_t)code[3] << 24;
		len = 4;
	}
	if ((flags & RV_TBF_RV32) && rv_disas_rv32(buf, bufsz, insn, len, fmt_operand, &pc))
		return len;
	id = len == 4 ? rv_decode32(insn, &a) : rv_decode16(insn, &a);
	if (id == RV_INSN_ILLEGAL && len == 4 && (flags & RV_TBF_SYS)) {
		/* system mode: the privileged instructions */
		struct rvp_args pa;
		enum rvp_insn pid = rvp_decode32(insn, &pa);
		if (pid != RVP_INSN_ILLEGAL) {
			rvp_disas_format(buf, bufsz, pid, &pa, fmt_operand, &pc);
			return len;
		}
	}
	if (id == RV_INSN_ILLEGAL) {
		if (len == 4)
			snprintf(buf, bufsz, ".4byte 0x%x", insn);
		else
			snprintf(buf, bufsz, ".2byte 0x%x", insn);
	} else {
		rv_disas_format(buf, bufsz, id, &a, fmt_operand, &pc);
	}
	return len;
}
