/*
 * x86-64 instruction encoder. References: Intel SDM vol. 2, chapter 2
 * (instruction format: prefixes, REX, VEX, ModRM, SIB) and the opcode maps
 * of appendix A.
 */
#include <cpuid.h>
#include <string.h>

#include "backend-x86_64/emit.h"

unsigned x86_features;

/* Opcode flags above the opcode byte */
#define OPC_0F 0x100u
#define OPC_0F38 0x200u
#define OPC_66 0x400u
#define OPC_F3 0x800u
#define OPC_F2 0x1000u
#define OPC_W 0x2000u    /* REX.W */
#define OPC_BYTE 0x4000u /* 8-bit register operands: spl..dil need a REX prefix */
#define OPC_LOCK 0x8000u

/* Longest instruction we emit (15 is the architectural limit). */
#define X86_MAX_INSN 16

static void room(struct x86_buf *b, size_t n)
{
	if ((size_t)(b->end - b->p) < n) {
		b->overflow = true;
		b->p = b->start;
	}
}

static inline void put8(struct x86_buf *b, uint8_t v)
{
	*b->p++ = v;
}

static inline void put16(struct x86_buf *b, uint16_t v)
{
	memcpy(b->p, &v, 2);
	b->p += 2;
}

static inline void put32(struct x86_buf *b, uint32_t v)
{
	memcpy(b->p, &v, 4);
	b->p += 4;
}

static inline void put64(struct x86_buf *b, uint64_t v)
{
	memcpy(b->p, &v, 8);
	b->p += 8;
}

void x86_byte(struct x86_buf *b, uint8_t v)
{
	room(b, 1);
	put8(b, v);
}

void x86_u32(struct x86_buf *b, uint32_t v)
{
	room(b, 4);
	put32(b, v);
}

void x86_u64(struct x86_buf *b, uint64_t v)
{
	room(b, 8);
	put64(b, v);
}

static inline bool fits_s8(int64_t v)
{
	return v == (int8_t)v;
}

static inline bool fits_s32(int64_t v)
{
	return v == (int32_t)v;
}

/* Width-dependent flags for an instruction whose 8-bit form is opcode - 1. */
static unsigned sized(unsigned opc, unsigned w)
{
	switch (w) {
	case 8:
		return (opc - 1) | OPC_BYTE;
	case 16:
		return opc | OPC_66;
	case 64:
		return opc | OPC_W;
	default:
		return opc;
	}
}

static unsigned wflag(unsigned w)
{
	return w == 64 ? OPC_W : w == 16 ? OPC_66 : 0;
}

/*
 * Prefixes, REX and opcode. @reg is the ModRM reg field (or 0), @rm the
 * register in ModRM rm or the base of a memory operand, @index the SIB index.
 * @rm_is_reg tells whether rm names a register operand (for byte registers).
 */
static void opc(struct x86_buf *b, unsigned op, int reg, int rm, int index, bool rm_is_reg)
{
	unsigned rex = 0;

	room(b, X86_MAX_INSN);
	if (op & OPC_LOCK)
		put8(b, 0xf0);
	if (op & OPC_66)
		put8(b, 0x66);
	if (op & OPC_F3)
		put8(b, 0xf3);
	if (op & OPC_F2)
		put8(b, 0xf2);
	if (op & OPC_W)
		rex |= 8;
	if (reg >= 0 && (reg & 8))
		rex |= 4;
	if (index >= 0 && (index & 8))
		rex |= 2;
	if (rm >= 0 && (rm & 8))
		rex |= 1;
	if ((op & OPC_BYTE) && ((reg >= 4 && reg < 8) || (rm_is_reg && rm >= 4 && rm < 8)))
		rex |= 0x40;
	if (rex)
		put8(b, (uint8_t)(0x40 | rex));
	if (op & (OPC_0F | OPC_0F38))
		put8(b, 0x0f);
	if (op & OPC_0F38)
		put8(b, 0x38);
	put8(b, (uint8_t)op);
}

static inline void modrm_rr(struct x86_buf *b, int reg, int rm)
{
	put8(b, (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7)));
}

static void modrm_mem(struct x86_buf *b, int reg, struct x86_mem m)
{
	unsigned r = (unsigned)(reg & 7) << 3;
	static const uint8_t ss[9] = {[1] = 0, [2] = 1, [4] = 2, [8] = 3};

	if (m.rip) {
		put8(b, (uint8_t)(r | 5));
		put32(b, (uint32_t)m.disp);
		return;
	}
	if (m.base < 0) {
		/* [index*scale + disp32] or absolute [disp32]: SIB with base = 101, mod = 00 */
		put8(b, (uint8_t)(r | 4));
		if (m.index >= 0)
			put8(b, (uint8_t)(ss[m.scale] << 6 | (m.index & 7) << 3 | 5));
		else
			put8(b, 0x25);
		put32(b, (uint32_t)m.disp);
		return;
	}

	unsigned mod;
	/* rbp and r13 as base have no mod = 00 form: use disp8 0 */
	if (m.disp == 0 && (m.base & 7) != 5)
		mod = 0;
	else if (fits_s8(m.disp))
		mod = 1;
	else
		mod = 2;

	if (m.index >= 0) {
		put8(b, (uint8_t)(mod << 6 | r | 4));
		put8(b, (uint8_t)(ss[m.scale] << 6 | (m.index & 7) << 3 | (m.base & 7)));
	} else if ((m.base & 7) == 4) {
		/* rsp and r12 as base need a SIB byte (index = none) */
		put8(b, (uint8_t)(mod << 6 | r | 4));
		put8(b, 0x24);
	} else {
		put8(b, (uint8_t)(mod << 6 | r | (m.base & 7)));
	}
	if (mod == 1)
		put8(b, (uint8_t)m.disp);
	else if (mod == 2)
		put32(b, (uint32_t)m.disp);
}

static void op_rr(struct x86_buf *b, unsigned op, int reg, int rm)
{
	opc(b, op, reg, rm, -1, true);
	modrm_rr(b, reg, rm);
}

static void op_rm(struct x86_buf *b, unsigned op, int reg, struct x86_mem m)
{
	opc(b, op, reg, m.rip ? -1 : m.base, m.index, false);
	modrm_mem(b, reg, m);
}

static void put_imm(struct x86_buf *b, unsigned w, int32_t imm)
{
	if (w == 8)
		put8(b, (uint8_t)imm);
	else if (w == 16)
		put16(b, (uint16_t)imm);
	else
		put32(b, (uint32_t)imm);
}

/* ---- moves ---- */

void x86_mov_rr(struct x86_buf *b, unsigned w, int dst, int src)
{
	op_rr(b, sized(0x89, w), src, dst);
}

void x86_zero(struct x86_buf *b, int r)
{
	op_rr(b, 0x31, r, r);
}

void x86_movabs(struct x86_buf *b, int dst, uint64_t imm)
{
	opc(b, OPC_W | (0xb8 + (dst & 7)), -1, dst, -1, true);
	put64(b, imm);
}

void x86_mov_ri(struct x86_buf *b, int dst, uint64_t imm)
{
	if (imm == (uint32_t)imm) {
		opc(b, 0xb8 + (dst & 7), -1, dst, -1, true);
		put32(b, (uint32_t)imm);
	} else if (fits_s32((int64_t)imm)) {
		op_rr(b, OPC_W | 0xc7, 0, dst);
		put32(b, (uint32_t)imm);
	} else {
		x86_movabs(b, dst, imm);
	}
}

void x86_load(struct x86_buf *b, unsigned w, int dst, struct x86_mem m)
{
	op_rm(b, sized(0x8b, w), dst, m);
}

void x86_store(struct x86_buf *b, unsigned w, struct x86_mem m, int src)
{
	op_rm(b, sized(0x89, w), src, m);
}

void x86_store_imm(struct x86_buf *b, unsigned w, struct x86_mem m, int32_t imm)
{
	op_rm(b, sized(0xc7, w), 0, m);
	put_imm(b, w, imm);
}

void x86_movzx_rr(struct x86_buf *b, unsigned dw, unsigned sw, int dst, int src)
{
	op_rr(b, wflag(dw) | OPC_0F | (sw == 8 ? 0xb6 | OPC_BYTE : 0xb7), dst, src);
}

void x86_movzx_rm(struct x86_buf *b, unsigned dw, unsigned sw, int dst, struct x86_mem m)
{
	op_rm(b, wflag(dw) | OPC_0F | (sw == 8 ? 0xb6 : 0xb7), dst, m);
}

void x86_movsx_rr(struct x86_buf *b, unsigned dw, unsigned sw, int dst, int src)
{
	if (sw == 32)
		op_rr(b, OPC_W | 0x63, dst, src);
	else
		op_rr(b, wflag(dw) | OPC_0F | (sw == 8 ? 0xbe | OPC_BYTE : 0xbf), dst, src);
}

void x86_movsx_rm(struct x86_buf *b, unsigned dw, unsigned sw, int dst, struct x86_mem m)
{
	if (sw == 32)
		op_rm(b, OPC_W | 0x63, dst, m);
	else
		op_rm(b, wflag(dw) | OPC_0F | (sw == 8 ? 0xbe : 0xbf), dst, m);
}

void x86_lea(struct x86_buf *b, unsigned w, int dst, struct x86_mem m)
{
	op_rm(b, wflag(w) | 0x8d, dst, m);
}

void x86_xchg_rr(struct x86_buf *b, unsigned w, int r1, int r2)
{
	op_rr(b, sized(0x87, w), r1, r2);
}

void x86_cmov(struct x86_buf *b, enum x86_cc cc, unsigned w, int dst, int src)
{
	op_rr(b, wflag(w) | OPC_0F | (0x40 + cc), dst, src);
}

void x86_setcc(struct x86_buf *b, enum x86_cc cc, int dst)
{
	op_rr(b, OPC_BYTE | OPC_0F | (0x90 + cc), 0, dst);
}

/* ---- arithmetic ---- */

void x86_alu_rr(struct x86_buf *b, enum x86_alu op, unsigned w, int dst, int src)
{
	op_rr(b, sized((unsigned)op << 3 | 1, w), src, dst);
}

void x86_alu_ri(struct x86_buf *b, enum x86_alu op, unsigned w, int dst, int32_t imm)
{
	if (w == 8) {
		op_rr(b, 0x80 | OPC_BYTE, op, dst);
		put8(b, (uint8_t)imm);
	} else if (fits_s8(imm)) {
		op_rr(b, wflag(w) | 0x83, op, dst);
		put8(b, (uint8_t)imm);
	} else {
		op_rr(b, wflag(w) | 0x81, op, dst);
		put_imm(b, w, imm);
	}
}

void x86_alu_rm(struct x86_buf *b, enum x86_alu op, unsigned w, int dst, struct x86_mem m)
{
	op_rm(b, sized((unsigned)op << 3 | 3, w), dst, m);
}

void x86_alu_mr(struct x86_buf *b, enum x86_alu op, unsigned w, struct x86_mem m, int src)
{
	op_rm(b, sized((unsigned)op << 3 | 1, w), src, m);
}

void x86_alu_mi(struct x86_buf *b, enum x86_alu op, unsigned w, struct x86_mem m, int32_t imm)
{
	if (w == 8) {
		op_rm(b, 0x80, op, m);
		put8(b, (uint8_t)imm);
	} else if (fits_s8(imm)) {
		op_rm(b, wflag(w) | 0x83, op, m);
		put8(b, (uint8_t)imm);
	} else {
		op_rm(b, wflag(w) | 0x81, op, m);
		put_imm(b, w, imm);
	}
}

void x86_test_rr(struct x86_buf *b, unsigned w, int r1, int r2)
{
	op_rr(b, sized(0x85, w), r2, r1);
}

void x86_test_ri(struct x86_buf *b, unsigned w, int r, int32_t imm)
{
	op_rr(b, sized(0xf7, w), 0, r);
	put_imm(b, w, imm);
}

void x86_test_mi(struct x86_buf *b, unsigned w, struct x86_mem m, int32_t imm)
{
	op_rm(b, sized(0xf7, w) & ~OPC_BYTE, 0, m);
	put_imm(b, w, imm);
}

void x86_unary(struct x86_buf *b, enum x86_unary op, unsigned w, int r)
{
	op_rr(b, sized(0xf7, w), op, r);
}

void x86_imul_rr(struct x86_buf *b, unsigned w, int dst, int src)
{
	op_rr(b, wflag(w) | OPC_0F | 0xaf, dst, src);
}

void x86_imul_rm(struct x86_buf *b, unsigned w, int dst, struct x86_mem m)
{
	op_rm(b, wflag(w) | OPC_0F | 0xaf, dst, m);
}

void x86_imul_rri(struct x86_buf *b, unsigned w, int dst, int src, int32_t imm)
{
	if (fits_s8(imm)) {
		op_rr(b, wflag(w) | 0x6b, dst, src);
		put8(b, (uint8_t)imm);
	} else {
		op_rr(b, wflag(w) | 0x69, dst, src);
		put_imm(b, w, imm);
	}
}

void x86_cext(struct x86_buf *b, unsigned w)
{
	opc(b, wflag(w) | 0x99, -1, -1, -1, false);
}

void x86_shift_ri(struct x86_buf *b, enum x86_shift op, unsigned w, int r, unsigned count)
{
	if (count == 1) {
		op_rr(b, sized(0xd1, w), op, r);
	} else {
		op_rr(b, sized(0xc1, w), op, r);
		put8(b, (uint8_t)count);
	}
}

void x86_shift_cl(struct x86_buf *b, enum x86_shift op, unsigned w, int r)
{
	op_rr(b, sized(0xd3, w), op, r);
}

/*
 * Three-byte VEX prefix (SDM 2.3.5): C4, then inverted R X B and the opcode
 * map (1 = 0F, 2 = 0F38), then W, inverted vvvv, L = 0 and the implied
 * prefix pp (0 none, 1 66, 2 F3, 3 F2).
 */
static void vex_rr(struct x86_buf *b, unsigned map, unsigned pp, bool w64, uint8_t opcode,
		   int reg, int vvvv, int rm)
{
	room(b, X86_MAX_INSN);
	put8(b, 0xc4);
	put8(b, (uint8_t)((reg & 8 ? 0 : 0x80) | 0x40 | (rm & 8 ? 0 : 0x20) | map));
	put8(b, (uint8_t)((w64 ? 0x80 : 0) | (~vvvv & 15) << 3 | pp));
	put8(b, opcode);
	modrm_rr(b, reg, rm);
}

void x86_shiftx(struct x86_buf *b, enum x86_shift op, unsigned w, int dst, int src, int cnt)
{
	unsigned pp = op == X86_SHL ? 1 : op == X86_SAR ? 2 : 3;

	vex_rr(b, 2, pp, w == 64, 0xf7, dst, cnt, src);
}

void x86_rorx(struct x86_buf *b, unsigned w, int dst, int src, unsigned imm)
{
	/* VEX.LZ.F2.0F3A.W F0 /r ib */
	vex_rr(b, 3, 3, w == 64, 0xf0, dst, 0, src);
	put8(b, (uint8_t)imm);
}

void x86_andn(struct x86_buf *b, unsigned w, int dst, int s1, int s2)
{
	vex_rr(b, 2, 0, w == 64, 0xf2, dst, s1, s2);
}

void x86_bswap(struct x86_buf *b, unsigned w, int r)
{
	opc(b, wflag(w) | OPC_0F | (0xc8 + (r & 7)), -1, r, -1, true);
}

void x86_bsr(struct x86_buf *b, unsigned w, int dst, int src)
{
	op_rr(b, wflag(w) | OPC_0F | 0xbd, dst, src);
}

void x86_bsf(struct x86_buf *b, unsigned w, int dst, int src)
{
	op_rr(b, wflag(w) | OPC_0F | 0xbc, dst, src);
}

void x86_lzcnt(struct x86_buf *b, unsigned w, int dst, int src)
{
	op_rr(b, OPC_F3 | wflag(w) | OPC_0F | 0xbd, dst, src);
}

void x86_tzcnt(struct x86_buf *b, unsigned w, int dst, int src)
{
	op_rr(b, OPC_F3 | wflag(w) | OPC_0F | 0xbc, dst, src);
}

void x86_popcnt(struct x86_buf *b, unsigned w, int dst, int src)
{
	op_rr(b, OPC_F3 | wflag(w) | OPC_0F | 0xb8, dst, src);
}

/* ---- scalar SSE ---- */

void x86_sse(struct x86_buf *b, enum x86_sse op, bool dbl, int xdst, int xsrc)
{
	unsigned pfx;

	if (op == X86_SSE_MOVAP || op == X86_SSE_UCOMI || op == X86_SSE_COMI)
		pfx = dbl ? OPC_66 : 0;
	else
		pfx = dbl ? OPC_F2 : OPC_F3;
	op_rr(b, pfx | OPC_0F | op, xdst, xsrc);
}

void x86_vsse(struct x86_buf *b, enum x86_sse op, bool dbl, int xdst, int xa, int xb)
{
	/* VEX.LIG.F2.0F.WIG op /r (sd), VEX.LIG.F3.0F.WIG op /r (ss) */
	vex_rr(b, 1, dbl ? 3 : 2, false, (uint8_t)op, xdst, xa, xb);
}

void x86_movq_xr(struct x86_buf *b, unsigned w, int xdst, int src)
{
	op_rr(b, OPC_66 | wflag(w) | OPC_0F | 0x6e, xdst, src);
}

void x86_movq_xm(struct x86_buf *b, unsigned w, int xdst, struct x86_mem m)
{
	op_rm(b, OPC_66 | wflag(w) | OPC_0F | 0x6e, xdst, m);
}

void x86_movq_mx(struct x86_buf *b, struct x86_mem m, int xsrc)
{
	op_rm(b, OPC_66 | wflag(64) | OPC_0F | 0x7e, xsrc, m);
}

void x86_movq_rx(struct x86_buf *b, unsigned w, int dst, int xsrc)
{
	op_rr(b, OPC_66 | wflag(w) | OPC_0F | 0x7e, xsrc, dst);
}

/* ---- atomics and barriers ---- */

void x86_lock_cmpxchg(struct x86_buf *b, unsigned w, struct x86_mem m, int src)
{
	op_rm(b, OPC_LOCK | OPC_0F | sized(0xb1, w), src, m);
}

void x86_lock_xadd(struct x86_buf *b, unsigned w, struct x86_mem m, int src)
{
	op_rm(b, OPC_LOCK | OPC_0F | sized(0xc1, w), src, m);
}

void x86_xchg_mr(struct x86_buf *b, unsigned w, struct x86_mem m, int src)
{
	op_rm(b, sized(0x87, w), src, m);
}

void x86_mfence(struct x86_buf *b)
{
	room(b, X86_MAX_INSN);
	put8(b, 0x0f);
	put8(b, 0xae);
	put8(b, 0xf0);
}

/* ---- control flow ---- */

void x86_patch_rel32(struct x86_buf *b, size_t disp_off, size_t target_off)
{
	if (disp_off + 4 > (size_t)(b->end - b->start))
		return;
	int32_t rel = (int32_t)((int64_t)target_off - (int64_t)(disp_off + 4));
	memcpy(b->start + disp_off, &rel, 4);
}

void x86_patch_rel8(struct x86_buf *b, size_t disp_off, size_t target_off)
{
	if (disp_off + 1 > (size_t)(b->end - b->start))
		return;
	b->start[disp_off] = (uint8_t)(int8_t)((int64_t)target_off - (int64_t)(disp_off + 1));
}

static size_t rel32_tail(struct x86_buf *b, size_t target_off)
{
	size_t d = x86_off(b);

	put32(b, 0);
	x86_patch_rel32(b, d, target_off == (size_t)-1 ? d + 4 : target_off);
	return d;
}

size_t x86_jmp32(struct x86_buf *b, size_t target_off)
{
	room(b, X86_MAX_INSN);
	put8(b, 0xe9);
	return rel32_tail(b, target_off);
}

size_t x86_jcc32(struct x86_buf *b, enum x86_cc cc, size_t target_off)
{
	room(b, X86_MAX_INSN);
	put8(b, 0x0f);
	put8(b, (uint8_t)(0x80 + cc));
	return rel32_tail(b, target_off);
}

size_t x86_jmp8(struct x86_buf *b)
{
	room(b, X86_MAX_INSN);
	put8(b, 0xeb);
	put8(b, 0);
	return x86_off(b) - 1;
}

size_t x86_jcc8(struct x86_buf *b, enum x86_cc cc)
{
	room(b, X86_MAX_INSN);
	put8(b, (uint8_t)(0x70 + cc));
	put8(b, 0);
	return x86_off(b) - 1;
}

void x86_jmp_r(struct x86_buf *b, int r)
{
	op_rr(b, 0xff, 4, r);
}

void x86_jmp_m(struct x86_buf *b, struct x86_mem m)
{
	op_rm(b, 0xff, 4, m);
}

void x86_call_r(struct x86_buf *b, int r)
{
	op_rr(b, 0xff, 2, r);
}

void x86_call_abs(struct x86_buf *b, const void *fn, intptr_t exec_delta, int scratch)
{
	room(b, X86_MAX_INSN);
	intptr_t next = (intptr_t)b->p + exec_delta + 5;
	intptr_t rel = (intptr_t)fn - next;

	if (fits_s32(rel)) {
		put8(b, 0xe8);
		put32(b, (uint32_t)(int32_t)rel);
	} else {
		x86_mov_ri(b, scratch, (uint64_t)(uintptr_t)fn);
		x86_call_r(b, scratch);
	}
}

void x86_push(struct x86_buf *b, int r)
{
	opc(b, 0x50 + (r & 7), -1, r, -1, true);
}

void x86_pop(struct x86_buf *b, int r)
{
	opc(b, 0x58 + (r & 7), -1, r, -1, true);
}

void x86_ret(struct x86_buf *b)
{
	x86_byte(b, 0xc3);
}

void x86_ud2(struct x86_buf *b)
{
	room(b, X86_MAX_INSN);
	put8(b, 0x0f);
	put8(b, 0x0b);
}

void x86_int3(struct x86_buf *b)
{
	x86_byte(b, 0xcc);
}

void x86_nop(struct x86_buf *b, unsigned n)
{
	/* The recommended multi-byte nop sequences (SDM vol. 2B, NOP) */
	static const uint8_t nops[10][9] = {
		{0},
		{0x90},
		{0x66, 0x90},
		{0x0f, 0x1f, 0x00},
		{0x0f, 0x1f, 0x40, 0x00},
		{0x0f, 0x1f, 0x44, 0x00, 0x00},
		{0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
		{0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
		{0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
		{0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
	};

	while (n) {
		unsigned k = n > 9 ? 9 : n;
		room(b, X86_MAX_INSN);
		memcpy(b->p, nops[k], k);
		b->p += k;
		n -= k;
	}
}

/* ---- features ---- */

void x86_detect_features(void)
{
	static bool done;
	unsigned a, bx, c, d, f = 0;

	if (done)
		return;
	if (__get_cpuid(1, &a, &bx, &c, &d)) {
		if (c & (1u << 23))
			f |= X86_FEAT_POPCNT;
		/* AVX and OSXSAVE, and the OS saves the xmm and ymm state (XCR0 bits 1, 2) */
		if ((c & (1u << 28)) && (c & (1u << 27))) {
			unsigned lo, hi;
			__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
			if ((lo & 6) == 6)
				f |= X86_FEAT_AVX;
		}
	}
	if (__get_cpuid_count(7, 0, &a, &bx, &c, &d)) {
		if (bx & (1u << 3))
			f |= X86_FEAT_BMI1;
		if (bx & (1u << 8))
			f |= X86_FEAT_BMI2;
	}
	if (__get_cpuid(0x80000001, &a, &bx, &c, &d) && (c & (1u << 5)))
		f |= X86_FEAT_LZCNT;
	x86_features = f;
	done = true;
}
