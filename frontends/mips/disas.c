/*
 * MIPS disassembler: the generated instruction table (insn.decode) gives
 * each instruction's text; this file formats the operands. The output
 * follows GNU objdump -M no-aliases (branch targets as bare addresses) so
 * both can be compared (testsuite/unit/test-mips-decode.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontends/mips/mips-gen.h"

static const char *const gpr_names[32] = {
    "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3", "t0", "t1", "t2",
    "t3",   "t4", "t5", "t6", "t7", "s0", "s1", "s2", "s3", "s4", "s5",
    "s6",   "s7", "t8", "t9", "k0", "k1", "gp", "sp", "s8", "ra",
};

static const char *const fcond_names[16] = {
    "f",  "un",	  "eq",	 "ueq", "olt", "ult", "ole", "ule",
    "sf", "ngle", "seq", "ngl", "lt",  "nge", "le",  "ngt",
};

/* CP0 registers (reg * 8 + sel) as objdump names them for MIPS32r2; absent: "$reg,sel" */
static const char *const c0_names[256] = {
    [0 * 8 + 0] = "c0_index",	       [0 * 8 + 1] = "c0_mvpcontrol",
    [0 * 8 + 2] = "c0_mvpconf0",       [0 * 8 + 3] = "c0_mvpconf1",
    [1 * 8 + 0] = "c0_random",	       [1 * 8 + 1] = "c0_vpecontrol",
    [1 * 8 + 2] = "c0_vpeconf0",       [1 * 8 + 3] = "c0_vpeconf1",
    [1 * 8 + 4] = "c0_yqmask",	       [1 * 8 + 5] = "c0_vpeschedule",
    [1 * 8 + 6] = "c0_vpeschefback",   [2 * 8 + 0] = "c0_entrylo0",
    [2 * 8 + 1] = "c0_tcstatus",       [2 * 8 + 2] = "c0_tcbind",
    [2 * 8 + 3] = "c0_tcrestart",      [2 * 8 + 4] = "c0_tchalt",
    [2 * 8 + 5] = "c0_tccontext",      [2 * 8 + 6] = "c0_tcschedule",
    [2 * 8 + 7] = "c0_tcschefback",    [3 * 8 + 0] = "c0_entrylo1",
    [4 * 8 + 0] = "c0_context",	       [4 * 8 + 1] = "c0_contextconfig",
    [5 * 8 + 0] = "c0_pagemask",       [5 * 8 + 1] = "c0_pagegrain",
    [6 * 8 + 0] = "c0_wired",	       [6 * 8 + 1] = "c0_srsconf0",
    [6 * 8 + 2] = "c0_srsconf1",       [6 * 8 + 3] = "c0_srsconf2",
    [6 * 8 + 4] = "c0_srsconf3",       [6 * 8 + 5] = "c0_srsconf4",
    [7 * 8 + 0] = "c0_hwrena",	       [8 * 8 + 0] = "c0_badvaddr",
    [9 * 8 + 0] = "c0_count",	       [10 * 8 + 0] = "c0_entryhi",
    [11 * 8 + 0] = "c0_compare",       [12 * 8 + 0] = "c0_status",
    [12 * 8 + 1] = "c0_intctl",	       [12 * 8 + 2] = "c0_srsctl",
    [12 * 8 + 3] = "c0_srsmap",	       [13 * 8 + 0] = "c0_cause",
    [14 * 8 + 0] = "c0_epc",	       [15 * 8 + 0] = "c0_prid",
    [15 * 8 + 1] = "c0_ebase",	       [16 * 8 + 0] = "c0_config",
    [16 * 8 + 1] = "c0_config1",       [16 * 8 + 2] = "c0_config2",
    [16 * 8 + 3] = "c0_config3",       [17 * 8 + 0] = "c0_lladdr",
    [18 * 8 + 0] = "c0_watchlo",       [18 * 8 + 1] = "c0_watchlo,1",
    [18 * 8 + 2] = "c0_watchlo,2",     [18 * 8 + 3] = "c0_watchlo,3",
    [18 * 8 + 4] = "c0_watchlo,4",     [18 * 8 + 5] = "c0_watchlo,5",
    [18 * 8 + 6] = "c0_watchlo,6",     [18 * 8 + 7] = "c0_watchlo,7",
    [19 * 8 + 0] = "c0_watchhi",       [19 * 8 + 1] = "c0_watchhi,1",
    [19 * 8 + 2] = "c0_watchhi,2",     [19 * 8 + 3] = "c0_watchhi,3",
    [19 * 8 + 4] = "c0_watchhi,4",     [19 * 8 + 5] = "c0_watchhi,5",
    [19 * 8 + 6] = "c0_watchhi,6",     [19 * 8 + 7] = "c0_watchhi,7",
    [20 * 8 + 0] = "c0_xcontext",      [23 * 8 + 0] = "c0_debug",
    [23 * 8 + 1] = "c0_tracecontrol",  [23 * 8 + 2] = "c0_tracecontrol2",
    [23 * 8 + 3] = "c0_usertracedata", [23 * 8 + 4] = "c0_tracebpc",
    [24 * 8 + 0] = "c0_depc",	       [25 * 8 + 0] = "c0_perfcnt",
    [25 * 8 + 1] = "c0_perfcnt,1",     [25 * 8 + 2] = "c0_perfcnt,2",
    [25 * 8 + 3] = "c0_perfcnt,3",     [25 * 8 + 4] = "c0_perfcnt,4",
    [25 * 8 + 5] = "c0_perfcnt,5",     [25 * 8 + 6] = "c0_perfcnt,6",
    [25 * 8 + 7] = "c0_perfcnt,7",     [26 * 8 + 0] = "c0_errctl",
    [27 * 8 + 0] = "c0_cacheerr",      [27 * 8 + 1] = "c0_cacheerr,1",
    [27 * 8 + 2] = "c0_cacheerr,2",    [27 * 8 + 3] = "c0_cacheerr,3",
    [28 * 8 + 0] = "c0_taglo",	       [28 * 8 + 1] = "c0_datalo",
    [28 * 8 + 2] = "c0_taglo1",	       [28 * 8 + 3] = "c0_datalo1",
    [28 * 8 + 4] = "c0_taglo2",	       [28 * 8 + 5] = "c0_datalo2",
    [28 * 8 + 6] = "c0_taglo3",	       [28 * 8 + 7] = "c0_datalo3",
    [29 * 8 + 0] = "c0_taghi",	       [29 * 8 + 1] = "c0_datahi",
    [29 * 8 + 2] = "c0_taghi1",	       [29 * 8 + 3] = "c0_datahi1",
    [29 * 8 + 4] = "c0_taghi2",	       [29 * 8 + 5] = "c0_datahi2",
    [29 * 8 + 6] = "c0_taghi3",	       [29 * 8 + 7] = "c0_datahi3",
    [30 * 8 + 0] = "c0_errorepc",      [31 * 8 + 0] = "c0_desave",
};

const char *mips_gpr_name(unsigned n)
{
	return gpr_names[n & 31];
}

static const char *fcr_name(unsigned n, char *tmp, size_t size)
{
	switch (n) {
	case 0:
		return "c1_fir";
	case 25:
		return "c1_fccr";
	case 26:
		return "c1_fexr";
	case 28:
		return "c1_fenr";
	case 31:
		return "c1_fcsr";
	default:
		snprintf(tmp, size, "$%u", n);
		return tmp;
	}
}

/* Operand formatter for mips_disas_format(); @opaque points to the pc. */
static size_t fmt_operand(char *buf, size_t size, const char *kind, int64_t v, void *opaque)
{
	uint64_t pc = *(const uint64_t *)opaque;
	uint64_t u = (uint64_t)v;
	char tmp[16];

	if (!strcmp(kind, "x"))
		return (size_t)snprintf(buf, size, "%s", gpr_names[v & 31]);
	if (!strcmp(kind, "f"))
		return (size_t)snprintf(buf, size, "$f%u", (unsigned)(v & 31));
	if (!strcmp(kind, "hex")) /* of a 32-bit word (a reserved ins size can be negative) */
		return (size_t)snprintf(buf, size, "0x%" PRIx32, (uint32_t)u);
	if (!strcmp(kind, "br"))
		return (size_t)snprintf(buf, size, "%" PRIx32, (uint32_t)(pc + 4 + u));
	if (!strcmp(kind, "j"))
		return (size_t)snprintf(buf, size, "%" PRIx32,
					(uint32_t)(((pc + 4) & ~(uint64_t)0x0fffffff) | u));
	if (!strcmp(kind, "cc"))
		return (size_t)snprintf(buf, size, "$fcc%u", (unsigned)v);
	if (!strcmp(kind, "ccp"))
		return v ? (size_t)snprintf(buf, size, "$fcc%u,", (unsigned)v)
			 : (size_t)snprintf(buf, size, "%s", "");
	if (!strcmp(kind, "ra"))
		return v == 31 ? (size_t)snprintf(buf, size, "%s", "")
			       : (size_t)snprintf(buf, size, "%s,", gpr_names[v & 31]);
	if (!strcmp(kind, "code"))
		return v ? (size_t)snprintf(buf, size, ",0x%" PRIx64, u)
			 : (size_t)snprintf(buf, size, "%s", "");
	if (!strcmp(kind, "scode"))
		return v ? (size_t)snprintf(buf, size, " 0x%" PRIx64, u)
			 : (size_t)snprintf(buf, size, "%s", "");
	if (!strcmp(kind, "bcode")) {
		/* break: code1 (bits 25:16), code2 (15:6) only when non-zero */
		if (!v)
			return (size_t)snprintf(buf, size, "%s", "");
		if (u & 0x3ff)
			return (size_t)snprintf(buf, size, " 0x%" PRIx64 ",0x%" PRIx64, u >> 10,
						u & 0x3ff);
		return (size_t)snprintf(buf, size, " 0x%" PRIx64, u >> 10);
	}
	if (!strcmp(kind, "fcr"))
		return (size_t)snprintf(buf, size, "%s", fcr_name((unsigned)v, tmp, sizeof(tmp)));
	if (!strcmp(kind, "hwr")) {
		static const char *const hwr_names[4] = {
		    "hwr_cpunum",
		    "hwr_synci_step",
		    "hwr_cc",
		    "hwr_ccres",
		};
		if (v < 4)
			return (size_t)snprintf(buf, size, "%s", hwr_names[v]);
		return (size_t)snprintf(buf, size, "$%u", (unsigned)v);
	}
	if (!strcmp(kind, "sx")) /* an optional register: " name" unless $0 */
		return v ? (size_t)snprintf(buf, size, " %s", gpr_names[v & 31])
			 : (size_t)snprintf(buf, size, "%s", "");
	if (!strcmp(kind, "c0")) {
		if (c0_names[v & 255])
			return (size_t)snprintf(buf, size, "%s", c0_names[v & 255]);
		if (v & 7)
			return (size_t)snprintf(buf, size, "$%u,%u", (unsigned)(v >> 3) & 31,
						(unsigned)v & 7);
		return (size_t)snprintf(buf, size, "$%u", (unsigned)(v >> 3) & 31);
	}
	if (!strcmp(kind, "fcond"))
		return (size_t)snprintf(buf, size, "%s", fcond_names[v & 15]);
	return (size_t)snprintf(buf, size, "%" PRId64, v);
}

/* @code is as it sits in guest memory, in the guest's byte order */
static unsigned disas(char *buf, size_t bufsz, uint64_t pc, const uint8_t *code, size_t avail,
		      bool be)
{
	struct mips_args a;
	enum mips_insn id;
	uint32_t insn;

	if (avail < 4)
		return 0;
	if (be)
		insn = (uint32_t)code[0] << 24 | (uint32_t)code[1] << 16 | (uint32_t)code[2] << 8 |
		       code[3];
	else
		insn = (uint32_t)code[3] << 24 | (uint32_t)code[2] << 16 | (uint32_t)code[1] << 8 |
		       code[0];
	id = mips_decode32(insn, &a);
	if (id == MIPS_INSN_ILLEGAL)
		snprintf(buf, bufsz, ".word 0x%x", insn);
	else
		mips_disas_format(buf, bufsz, id, &a, fmt_operand, &pc);
	return 4;
}

unsigned mips_disas_le(char *buf, size_t bufsz, uint64_t pc, const uint8_t *code, size_t avail,
		       uint32_t flags)
{
	(void)flags;
	return disas(buf, bufsz, pc, code, avail, false);
}

unsigned mips_disas_be(char *buf, size_t bufsz, uint64_t pc, const uint8_t *code, size_t avail,
		       uint32_t flags)
{
	(void)flags;
	return disas(buf, bufsz, pc, code, avail, true);
}
