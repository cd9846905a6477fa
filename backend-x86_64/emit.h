/*
 * x86-64 instruction encoder: appends machine code to a byte buffer.
 *
 * Every function emits exactly one instruction (a few emit a short fixed
 * sequence and say so). Widths are in bits (8, 16, 32, 64) and select the
 * operand size: 32-bit forms zero-extend their destination register, as the
 * architecture defines (Intel SDM vol. 1, 3.4.1.1).
 */
#ifndef MORPH_X86_EMIT_H
#define MORPH_X86_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum x86_gpr {
	X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
	X86_NOREG = -1,
};

/* Group-1 ALU operations, numbered as their /digit in opcodes 80/81/83. */
enum x86_alu {
	X86_ADD = 0, X86_OR = 1, X86_ADC = 2, X86_SBB = 3,
	X86_AND = 4, X86_SUB = 5, X86_XOR = 6, X86_CMP = 7,
};

/* Group-2 shifts and rotates, numbered as their /digit in C1/D3. */
enum x86_shift {
	X86_ROL = 0, X86_ROR = 1, X86_SHL = 4, X86_SHR = 5, X86_SAR = 7,
};

/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
enum x86_cc {
	X86_CC_O, X86_CC_NO, X86_CC_B, X86_CC_AE, X86_CC_E, X86_CC_NE, X86_CC_BE, X86_CC_A,
	X86_CC_S, X86_CC_NS, X86_CC_P, X86_CC_NP, X86_CC_L, X86_CC_GE, X86_CC_LE, X86_CC_G,
};

static inline enum x86_cc x86_cc_invert(enum x86_cc cc)
{
	return (enum x86_cc)(cc ^ 1);
}

/* Group-3 unary operations on F6/F7 /digit. */
enum x86_unary {
	X86_NOT = 2, X86_NEG = 3, X86_MUL = 4, X86_IMUL1 = 5, X86_DIV = 6, X86_IDIV = 7,
};

/**
 * A memory operand [base + index * scale + disp]. base may be X86_NOREG
 * (absolute disp32) and index X86_NOREG; rip selects [rip + disp] (disp
 * relative to the end of the instruction).
 */
struct x86_mem {
	int8_t base;
	int8_t index;
	uint8_t scale; /* 1, 2, 4, 8 */
	bool rip;
	int32_t disp;
};

static inline struct x86_mem x86_m(int base, int32_t disp)
{
	return (struct x86_mem){.base = (int8_t)base, .index = X86_NOREG, .scale = 1, .disp = disp};
}

static inline struct x86_mem x86_mi(int base, int index, unsigned scale, int32_t disp)
{
	return (struct x86_mem){.base = (int8_t)base, .index = (int8_t)index,
				.scale = (uint8_t)scale, .disp = disp};
}

/**
 * Output buffer. Writes never go past @end: when an instruction does not
 * fit, @overflow is set and the write position restarts at @start so the
 * caller can finish its sequence and then notice (the output is garbage).
 */
struct x86_buf {
	uint8_t *start;
	uint8_t *p;
	uint8_t *end;
	bool overflow;
};

static inline void x86_buf_init(struct x86_buf *b, void *start, size_t size)
{
	b->start = b->p = start;
	b->end = (uint8_t *)start + size;
	b->overflow = false;
}

static inline size_t x86_off(const struct x86_buf *b)
{
	return (size_t)(b->p - b->start);
}

/* Raw bytes (for tests and data). */
void x86_byte(struct x86_buf *b, uint8_t v);
void x86_u32(struct x86_buf *b, uint32_t v);
void x86_u64(struct x86_buf *b, uint64_t v);

/* ---- moves ---- */
void x86_mov_rr(struct x86_buf *b, unsigned w, int dst, int src);
/**
 * x86_mov_ri() - dst = imm (64 bits) with the shortest flag-preserving
 * encoding: mov r32, imm32 (zero-extends), mov r64, simm32 or movabs.
 */
void x86_mov_ri(struct x86_buf *b, int dst, uint64_t imm);
/** x86_zero() - xor r32, r32 (clobbers the flags). */
void x86_zero(struct x86_buf *b, int r);
/** x86_movabs() - always the 10-byte mov r64, imm64 (patchable). */
void x86_movabs(struct x86_buf *b, int dst, uint64_t imm);
void x86_load(struct x86_buf *b, unsigned w, int dst, struct x86_mem m);
void x86_store(struct x86_buf *b, unsigned w, struct x86_mem m, int src);
/** x86_store_imm() - [m] = imm32 (sign-extended to 64 bits for w = 64). */
void x86_store_imm(struct x86_buf *b, unsigned w, struct x86_mem m, int32_t imm);
/** x86_movzx_rr()/_rm() - zero-extend an 8- or 16-bit source into a dw-bit register. */
void x86_movzx_rr(struct x86_buf *b, unsigned dw, unsigned sw, int dst, int src);
void x86_movzx_rm(struct x86_buf *b, unsigned dw, unsigned sw, int dst, struct x86_mem m);
/** x86_movsx_rr()/_rm() - sign-extend an 8/16/32-bit source into a dw-bit register. */
void x86_movsx_rr(struct x86_buf *b, unsigned dw, unsigned sw, int dst, int src);
void x86_movsx_rm(struct x86_buf *b, unsigned dw, unsigned sw, int dst, struct x86_mem m);
void x86_lea(struct x86_buf *b, unsigned w, int dst, struct x86_mem m);
void x86_xchg_rr(struct x86_buf *b, unsigned w, int r1, int r2);
void x86_cmov(struct x86_buf *b, enum x86_cc cc, unsigned w, int dst, int src);
/** x86_setcc() - dst8 = cc (only the low byte is written). */
void x86_setcc(struct x86_buf *b, enum x86_cc cc, int dst);

/* ---- arithmetic ---- */
void x86_alu_rr(struct x86_buf *b, enum x86_alu op, unsigned w, int dst, int src);
/** x86_alu_ri() - dst op= imm; imm is sign-extended from 32 bits for w = 64. */
void x86_alu_ri(struct x86_buf *b, enum x86_alu op, unsigned w, int dst, int32_t imm);
void x86_alu_rm(struct x86_buf *b, enum x86_alu op, unsigned w, int dst, struct x86_mem m);
void x86_alu_mr(struct x86_buf *b, enum x86_alu op, unsigned w, struct x86_mem m, int src);
void x86_alu_mi(struct x86_buf *b, enum x86_alu op, unsigned w, struct x86_mem m, int32_t imm);
void x86_test_rr(struct x86_buf *b, unsigned w, int r1, int r2);
void x86_test_ri(struct x86_buf *b, unsigned w, int r, int32_t imm);
void x86_test_mi(struct x86_buf *b, unsigned w, struct x86_mem m, int32_t imm);
void x86_unary(struct x86_buf *b, enum x86_unary op, unsigned w, int r);
void x86_imul_rr(struct x86_buf *b, unsigned w, int dst, int src);
void x86_imul_rm(struct x86_buf *b, unsigned w, int dst, struct x86_mem m);
void x86_imul_rri(struct x86_buf *b, unsigned w, int dst, int src, int32_t imm);
/** x86_cext() - cdq (w = 32) / cqo (w = 64): sign-extend eax/rax into edx/rdx. */
void x86_cext(struct x86_buf *b, unsigned w);
void x86_shift_ri(struct x86_buf *b, enum x86_shift op, unsigned w, int r, unsigned count);
/** x86_shift_cl() - shift/rotate r by cl. */
void x86_shift_cl(struct x86_buf *b, enum x86_shift op, unsigned w, int r);
/** x86_shiftx() - BMI2 shlx/shrx/sarx: dst = src op (cnt mod w). op: SHL, SHR or SAR. */
void x86_shiftx(struct x86_buf *b, enum x86_shift op, unsigned w, int dst, int src, int cnt);
/** x86_rorx() - BMI2: dst = src rotated right by @imm (flags untouched). */
void x86_rorx(struct x86_buf *b, unsigned w, int dst, int src, unsigned imm);
/** x86_andn() - BMI1: dst = ~s1 & s2. */
void x86_andn(struct x86_buf *b, unsigned w, int dst, int s1, int s2);
void x86_bswap(struct x86_buf *b, unsigned w, int r);
void x86_bsr(struct x86_buf *b, unsigned w, int dst, int src);
void x86_bsf(struct x86_buf *b, unsigned w, int dst, int src);
void x86_lzcnt(struct x86_buf *b, unsigned w, int dst, int src);
void x86_tzcnt(struct x86_buf *b, unsigned w, int dst, int src);
void x86_popcnt(struct x86_buf *b, unsigned w, int dst, int src);

/* ---- atomics and barriers ---- */
/*
 * Scalar SSE (SSE2): x86_sse() is dst OP= src for the arithmetic opcodes
 * (sd/ss by @dbl) and dst CMP src / dst = src for the others (pd/ps forms).
 * xmm registers are numbered 0-15 like the GPRs.
 */
enum x86_sse {
	X86_SSE_SQRT = 0x51, X86_SSE_ADD = 0x58, X86_SSE_MUL = 0x59, X86_SSE_SUB = 0x5c,
	X86_SSE_DIV = 0x5e, /* scalar arithmetic */
	X86_SSE_MOVAP = 0x28, X86_SSE_UCOMI = 0x2e, X86_SSE_COMI = 0x2f, /* whole register */
};
void x86_sse(struct x86_buf *b, enum x86_sse op, bool dbl, int xdst, int xsrc);
/** x86_vsse() - AVX (VEX.128) three-operand scalar arithmetic: xdst = xa @op xb (not SQRT). */
void x86_vsse(struct x86_buf *b, enum x86_sse op, bool dbl, int xdst, int xa, int xb);
/** movq/movd xmm <- GPR (w = 64 or 32, upper bits of the xmm zeroed) */
void x86_movq_xr(struct x86_buf *b, unsigned w, int xdst, int src);
/** movq/movd xmm <- memory */
void x86_movq_xm(struct x86_buf *b, unsigned w, int xdst, struct x86_mem m);
/** movq memory <- xmm (the low 64 bits) */
void x86_movq_mx(struct x86_buf *b, struct x86_mem m, int xsrc);
/** movq/movd GPR <- xmm (a 32-bit move zero-extends) */
void x86_movq_rx(struct x86_buf *b, unsigned w, int dst, int xsrc);

void x86_lock_cmpxchg(struct x86_buf *b, unsigned w, struct x86_mem m, int src);
void x86_lock_xadd(struct x86_buf *b, unsigned w, struct x86_mem m, int src);
/** x86_xchg_mr() - xchg [m], src (implicitly locked). */
void x86_xchg_mr(struct x86_buf *b, unsigned w, struct x86_mem m, int src);
void x86_mfence(struct x86_buf *b);

/* ---- control flow ---- */
/**
 * Branches with a 32-bit displacement return the buffer offset of the
 * displacement so it can be patched with x86_patch_rel32(); the initial
 * target is given as an absolute buffer offset (or the next instruction if
 * the target is not known yet: pass (size_t)-1).
 */
size_t x86_jmp32(struct x86_buf *b, size_t target_off);
size_t x86_jcc32(struct x86_buf *b, enum x86_cc cc, size_t target_off);
/** x86_jmp8()/x86_jcc8() - short branches; return the offset of the 8-bit displacement. */
size_t x86_jmp8(struct x86_buf *b);
size_t x86_jcc8(struct x86_buf *b, enum x86_cc cc);
/** x86_patch_rel8()/x86_patch_rel32() - point the displacement at @disp_off to @target_off. */
void x86_patch_rel8(struct x86_buf *b, size_t disp_off, size_t target_off);
void x86_patch_rel32(struct x86_buf *b, size_t disp_off, size_t target_off);
/** x86_jmp_abs()/x86_call_abs() - to a host address: rel32 if the final code can reach it. */
void x86_jmp_r(struct x86_buf *b, int r);
void x86_jmp_m(struct x86_buf *b, struct x86_mem m);
void x86_call_r(struct x86_buf *b, int r);
/**
 * x86_call_abs() - call host function @fn. @exec_delta is the distance from
 * the buffer to where the code will run (dual mapping); a direct call rel32
 * is used when in range, else mov @scratch, imm64; call @scratch.
 */
void x86_call_abs(struct x86_buf *b, const void *fn, intptr_t exec_delta, int scratch);
void x86_push(struct x86_buf *b, int r);
void x86_pop(struct x86_buf *b, int r);
void x86_ret(struct x86_buf *b);
void x86_ud2(struct x86_buf *b);
void x86_int3(struct x86_buf *b);
/** x86_nop() - @n bytes of recommended multi-byte nops. */
void x86_nop(struct x86_buf *b, unsigned n);

/* ---- host CPU features (cpuid), filled by x86_detect_features() ---- */
#define X86_FEAT_LZCNT 0x1u
#define X86_FEAT_BMI1 0x2u   /* tzcnt, andn */
#define X86_FEAT_BMI2 0x4u   /* shlx, shrx, sarx */
#define X86_FEAT_POPCNT 0x8u
#define X86_FEAT_AVX 0x10u    /* VEX-encoded SSE (CPU and OS: XCR0 saves the ymm state) */
extern unsigned x86_features;
/** x86_detect_features() - set x86_features from cpuid (idempotent). */
void x86_detect_features(void);

#endif
