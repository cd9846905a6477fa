/*
 * The RV32-only encodings of insn-rv32.decode: each becomes the RV64 table's
 * instruction it expands to (c.jal is jal ra; c.flw is flw...), with the
 * arguments copied into a struct rv_args.
 */
#include "frontends/riscv/rv-gen.h"
#include "rv32-decode.h"

static struct rv_args args_of(const struct rv32_args *a)
{
	struct rv_args b = {0};

	b.rd = a->rd;
	b.rs1 = a->rs1;
	b.rs2 = a->rs2;
	b.imm = a->imm;
	return b;
}

bool trans32_flw(struct rv_ctx *ctx, const struct rv32_args *a)
{
	struct rv_args b = args_of(a);

	return trans_flw(ctx, &b);
}

bool trans32_fsw(struct rv_ctx *ctx, const struct rv32_args *a)
{
	struct rv_args b = args_of(a);

	return trans_fsw(ctx, &b);
}

bool trans32_jal(struct rv_ctx *ctx, const struct rv32_args *a)
{
	struct rv_args b = args_of(a);

	return trans_jal(ctx, &b);
}

bool trans32_zext_h(struct rv_ctx *ctx, const struct rv32_args *a)
{
	struct rv_args b = args_of(a);

	return gen_unary(ctx, &b, IR_ext16u);
}

bool trans32_rev8(struct rv_ctx *ctx, const struct rv32_args *a)
{
	struct rv_args b = args_of(a);

	return gen_unary(ctx, &b, IR_bswap);
}

bool rv_translate_rv32(struct rv_ctx *ctx, uint32_t insn, bool *decoded)
{
	struct rv32_args a;
	enum rv32_insn id = ctx->len == 4 ? rv32_decode32(insn, &a) : rv32_decode16(insn, &a);

	*decoded = id != RV32_INSN_ILLEGAL;
	return *decoded && rv32_dispatch(ctx, id, &a);
}

unsigned rv_disas_rv32(char *buf, size_t bufsz, uint32_t insn, unsigned len,
		       size_t (*fmt)(char *, size_t, const char *, int64_t, void *), void *opaque)
{
	struct rv32_args a;
	enum rv32_insn id = len == 4 ? rv32_decode32(insn, &a) : rv32_decode16(insn, &a);

	if (id == RV32_INSN_ILLEGAL)
		return 0;
	rv32_disas_format(buf, bufsz, id, &a, fmt, opaque);
	return len;
}
