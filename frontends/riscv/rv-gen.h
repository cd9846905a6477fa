/*
 * Shared IR emitters of the RISC-V frontend (translate.c), used by the
 * trans-*.c files: one trans function per pattern, usually one line calling
 * one of these. Private to frontends/riscv.
 */
#ifndef MORPH_RV_GEN_H
#define MORPH_RV_GEN_H

#include "morph/frontend.h"
#include "frontends/riscv/rv-translate.h"
#include "rv-decode.h"

#define HELPER_ENV struct rv_cpu
#define HELPER_LIST "frontends/riscv/helpers.def"
#include "morph/helper-def.h"
#undef HELPER_LIST

/* Integer CSR numbers the user-mode frontend knows */
#define RV_CSR_FFLAGS 0x001
#define RV_CSR_FRM 0x002
#define RV_CSR_FCSR 0x003
#define RV_CSR_CYCLE 0xc00
#define RV_CSR_TIME 0xc01
#define RV_CSR_INSTRET 0xc02

/* The morph_arch hooks (translate.c, disas.c) */
struct translate_result rv_translate(struct cpu *cpu, struct ir_ctx *ir, uint64_t pc,
				     uint32_t flags, unsigned max_insns);
unsigned rv_disas(char *buf, size_t bufsz, uint64_t pc, const uint8_t *code, size_t avail,
		  uint32_t flags);
/** rv_gpr_name()/rv_fpr_name() - ABI names of the registers (disas.c). */
const char *rv_gpr_name(unsigned n);
const char *rv_fpr_name(unsigned n);

/** rv_clock_ns() - the host monotonic clock in ns (helpers.c): cycle/time/instret. */
uint64_t rv_clock_ns(void);
/** rv_helpers_register()/rv_fp_helpers_register() - helpers.def/helpers-fp.def tables. */
void rv_helpers_register(void);
void rv_fp_helpers_register(void);

/*
 * RV_TRANS(name, emitter, args...) defines the one-line trans function
 *   bool trans_name(ctx, a) { return emitter(ctx, a, args...); }
 */
#define RV_TRANS(name, emitter, ...)                                                    \
	bool trans_##name(struct rv_ctx *ctx, const struct rv_args *a)                  \
	{                                                                               \
		return emitter(ctx, a, __VA_ARGS__);                                    \
	}

/** gen_set_gpr() - xN = @v (dropped for x0). */
void gen_set_gpr(struct rv_ctx *ctx, unsigned rd, ir_temp v);
/** gen_memop() - @mo with the MMU index of the current mode. */
uint32_t gen_memop(struct rv_ctx *ctx, uint32_t mo);
/** gen_addr() - a temp holding xRS1 + @imm. */
ir_temp gen_addr(struct rv_ctx *ctx, unsigned rs1, int64_t imm);
/** gen_helper0/1() - call a helper without result taking env (+ one temp). */
void gen_helper0(struct rv_ctx *ctx, unsigned hid);
void gen_helper1(struct rv_ctx *ctx, unsigned hid, ir_temp arg);
/** gen_raise() - call the NORETURN helper @hid and end the TB. */
bool gen_raise(struct rv_ctx *ctx, unsigned hid);
/** gen_exit_next() - store the next pc and exit to the loop (state changed). */
void gen_exit_next(struct rv_ctx *ctx);

/* ---- System mode (trans-priv.c) */

/** rv_translate_priv() - translate @insn if it is a privileged instruction (insn32-priv.decode). */
bool rv_translate_priv(struct rv_ctx *ctx, uint32_t insn);
/**
 * gen_csr_sys() - a CSR access in system mode: csrrw (@op 0), csrrs (1) or
 * csrrc (2) of @src into CSR a->csr, writing only if @write; false if illegal.
 */
bool gen_csr_sys(struct rv_ctx *ctx, const struct rv_args *a, unsigned op, ir_temp src,
		 bool write);
/* ---- RV32 (trans-rv32.c) */

/**
 * rv_translate_rv32() - translate @insn (ctx->len bytes) if it is one of the
 * RV32-only encodings (*@decoded); false if not or refused.
 */
bool rv_translate_rv32(struct rv_ctx *ctx, uint32_t insn, bool *decoded);
/** rv_disas_rv32() - disassemble an RV32-only encoding: its length, 0 if it is not one. */
unsigned rv_disas_rv32(char *buf, size_t bufsz, uint32_t insn, unsigned len,
		       size_t (*fmt)(char *, size_t, const char *, int64_t, void *), void *opaque);

/** gen_illegal_sys() - raise an illegal instruction exception with mtval = the instruction. */
void gen_illegal_sys(struct rv_ctx *ctx);
/** gen_mark_fs_dirty() - before the first FP instruction of a TB with mstatus.FS clean. */
void gen_mark_fs_dirty(struct rv_ctx *ctx);

/* rd = rs1 OP rs2 / rd = rs1 OP imm, in target-long width */
bool gen_arith(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc);
bool gen_arith_imm(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc);
bool gen_shift_imm(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc);
/* RV64 *W forms: a 32-bit operation whose result is sign-extended */
bool gen_arith_w(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc);
bool gen_arith_imm_w(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc);
bool gen_shift_imm_w(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc);
/* rd = OP(rs1) */
bool gen_unary(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc);
bool gen_unary_w(struct rv_ctx *ctx, const struct rv_args *a, enum ir_opc opc);

#endif
