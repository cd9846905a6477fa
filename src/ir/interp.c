/*
 * The IR interpreter backend. A TB's optimized IR is compiled into a compact
 * program of struct iop whose operands are byte offsets from env: globals
 * live at their env offsets, locals and constants in the interpreter frame
 * that cpu_new() places after the frontend's CPU structure. Helpers are
 * called through libffi, as a host without a JIT would have to.
 */
#include <errno.h>
#include <ffi.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/backend.h"
#include "morph/exec.h"
#include "morph/softmmu.h"
#include "src/exec/exec-internal.h"
#include "src/ir/fold.h"

enum {
	I_MOVI, I_MOVI32, I_MOV, I_ADD, I_SUB, I_AND, I_OR, I_XOR, I_SHL, I_SHR, I_SAR,
	I_ADDI, I_ANDI, I_ORI, I_XORI, I_SHLI, I_SHRI, I_SARI,
	I_EXT32S, I_EXT32U, I_SETCOND, I_BRCOND, I_BR,
	I_BIN, I_UN, I_MOVCOND,
	I_LD, I_ST, I_CMPXCHG, I_RMW, I_MB, I_LD_ENV, I_ST_ENV,
	I_LD_MMU, I_ST_MMU, I_CMPXCHG_MMU, I_RMW_MMU, /* system mode: through the TLB */
	I_CALL, I_INSN, I_GOTO_TB, I_LOOKUP, I_EXIT,
	I_NB
};

struct iop {
	uint8_t op;
	uint8_t tout, tin; /* enum ir_type of output and (first) input */
	uint8_t cond;
	uint16_t irop;
	uint16_t pad;
	uint32_t d, a, b, c, e;
	uint64_t imm;
};

struct iprog {
	unsigned n;
	unsigned nargs_pool;
	uint32_t *pool; /* call operand offsets */
	struct iop ops[];
};

uint32_t interp_frame_base;

/* ---- compiling ---- */

static uint32_t temp_off(const struct ir_ctx *ctx, ir_temp t)
{
	if (ctx->temps[t].kind == IR_TEMP_GLOBAL)
		return ctx->temps[t].env_offset;
	return interp_frame_base + 8 * t;
}

static bool is_const(const struct ir_ctx *ctx, uint64_t t)
{
	return ctx->temps[t].kind == IR_TEMP_CONST;
}

static int interp_compile(struct tb *tb, struct ir_ctx *ctx)
{
	unsigned nconst = 0, npool = 0;
	static __thread int label_pos[IR_MAX_LABELS];

	for (unsigned t = ctx->nglobals; t < ctx->ntemps; t++)
		nconst += is_const(ctx, t);
	for (unsigned i = 0; i < ctx->nops; i++)
		if (ctx->ops[i].opc == IR_call)
			npool += ctx->ops[i].nin + 1;

	size_t cap = ctx->nops + nconst;
	struct iprog *p = calloc(1, sizeof(*p) + cap * sizeof(struct iop));
	if (!p)
		return -ENOMEM;
	p->pool = calloc(npool + 1, sizeof(uint32_t));
	if (!p->pool) {
		free(p);
		return -ENOMEM;
	}

	/* Constants are written into their frame slots once at TB entry. */
	for (unsigned t = ctx->nglobals; t < ctx->ntemps; t++) {
		if (!is_const(ctx, t))
			continue;
		struct iop *o = &p->ops[p->n++];
		o->op = I_MOVI;
		o->tout = IR_I64;
		o->d = temp_off(ctx, t);
		o->imm = ctx->temps[t].value;
	}

	for (unsigned i = 0; i < IR_MAX_LABELS; i++)
		label_pos[i] = -1;

	for (unsigned i = 0; i < ctx->nops; i++) {
		const struct ir_op *op = &ctx->ops[i];
		struct iop *o = &p->ops[p->n];
		const uint64_t *a = op->args;
		bool t64 = op->type == IR_I64;

		memset(o, 0, sizeof(*o));
		o->irop = op->opc;
		o->tout = op->type;
		o->tin = op->nin ? ctx->temps[a[op->nout]].type : op->type;

		switch (op->opc) {
		case IR_set_label:
			label_pos[a[0]] = (int)p->n;
			continue;
		case IR_nop:
			continue;
		case IR_movi:
			/* an i32 global is 4 bytes of env: never write 8 */
			o->op = op->type == IR_I32 ? I_MOVI32 : I_MOVI;
			o->d = temp_off(ctx, a[0]);
			o->imm = a[1];
			break;
		case IR_mov:
			o->op = I_MOV;
			o->d = temp_off(ctx, a[0]);
			o->a = temp_off(ctx, a[1]);
			break;
		case IR_add: case IR_sub: case IR_and: case IR_or: case IR_xor:
		case IR_shl: case IR_shr: case IR_sar:
			o->d = temp_off(ctx, a[0]);
			o->a = temp_off(ctx, a[1]);
			o->b = temp_off(ctx, a[2]);
			if (!t64) {
				o->op = I_BIN;
				break;
			}
			if (is_const(ctx, a[2]) && op->opc != IR_sub) {
				static const uint8_t imm_form[] = {
					[IR_add] = I_ADDI, [IR_and] = I_ANDI, [IR_or] = I_ORI,
					[IR_xor] = I_XORI, [IR_shl] = I_SHLI, [IR_shr] = I_SHRI,
					[IR_sar] = I_SARI,
				};
				o->op = imm_form[op->opc];
				o->imm = ctx->temps[a[2]].value;
				if (op->opc >= IR_shl && op->opc <= IR_sar)
					o->imm &= 63;
				break;
			}
			{
				static const uint8_t reg_form[] = {
					[IR_add] = I_ADD, [IR_sub] = I_SUB, [IR_and] = I_AND,
					[IR_or] = I_OR, [IR_xor] = I_XOR, [IR_shl] = I_SHL,
					[IR_shr] = I_SHR, [IR_sar] = I_SAR,
				};
				o->op = reg_form[op->opc];
			}
			break;
		case IR_ext32s:
		case IR_ext32u:
			o->op = op->opc == IR_ext32s ? I_EXT32S : I_EXT32U;
			o->d = temp_off(ctx, a[0]);
			o->a = temp_off(ctx, a[1]);
			break;
		case IR_setcond:
			o->op = I_SETCOND;
			o->d = temp_off(ctx, a[0]);
			o->a = temp_off(ctx, a[1]);
			o->b = temp_off(ctx, a[2]);
			o->cond = (uint8_t)a[3];
			break;
		case IR_movcond:
			o->op = I_MOVCOND;
			o->d = temp_off(ctx, a[0]);
			o->a = temp_off(ctx, a[1]);
			o->b = temp_off(ctx, a[2]);
			o->c = temp_off(ctx, a[3]);
			o->e = temp_off(ctx, a[4]);
			o->cond = (uint8_t)a[5];
			break;
		case IR_brcond:
			o->op = I_BRCOND;
			o->a = temp_off(ctx, a[0]);
			o->b = temp_off(ctx, a[1]);
			o->cond = (uint8_t)a[2];
			o->imm = a[3]; /* label, resolved below */
			break;
		case IR_br:
			o->op = I_BR;
			o->imm = a[0];
			break;
		case IR_ld:
			o->op = I_LD;
			o->d = temp_off(ctx, a[0]);
			o->a = temp_off(ctx, a[1]);
			o->tin = ctx->temps[a[1]].type;
			o->imm = a[2];
			break;
		case IR_st:
			o->op = I_ST;
			o->a = temp_off(ctx, a[0]);
			o->b = temp_off(ctx, a[1]);
			o->tin = ctx->temps[a[1]].type;
			o->imm = a[2];
			break;
		case IR_cmpxchg:
			o->op = I_CMPXCHG;
			o->d = temp_off(ctx, a[0]);
			o->a = temp_off(ctx, a[1]);
			o->tin = ctx->temps[a[1]].type;
			o->b = temp_off(ctx, a[2]);
			o->c = temp_off(ctx, a[3]);
			o->imm = a[4];
			break;
		case IR_atomic_rmw:
			o->op = I_RMW;
			o->d = temp_off(ctx, a[0]);
			o->a = temp_off(ctx, a[1]);
			o->tin = ctx->temps[a[1]].type;
			o->b = temp_off(ctx, a[2]);
			o->imm = a[3];
			o->cond = (uint8_t)a[4];
			break;
		case IR_mb:
			o->op = I_MB;
			o->imm = a[0];
			break;
		case IR_ld_env:
			o->op = I_LD_ENV;
			o->d = temp_off(ctx, a[0]);
			o->a = (uint32_t)a[1];
			o->imm = a[2];
			break;
		case IR_st_env:
			o->op = I_ST_ENV;
			o->a = temp_off(ctx, a[0]);
			o->b = (uint32_t)a[1];
			o->imm = a[2];
			break;
		case IR_call: {
			unsigned n = op->nout + op->nin;
			o->op = I_CALL;
			o->a = (uint32_t)a[n]; /* helper id */
			o->d = op->nout ? temp_off(ctx, a[0]) : 0;
			o->tout = op->nout ? ctx->temps[a[0]].type : IR_I64;
			o->c = op->nout;
			o->b = p->nargs_pool;
			o->e = op->nin;
			for (unsigned k = 0; k < op->nin; k++)
				p->pool[p->nargs_pool++] = temp_off(ctx, a[op->nout + k]);
			break;
		}
		case IR_insn_start:
			o->op = I_INSN;
			o->imm = a[0];
			break;
		case IR_goto_tb:
			o->op = I_GOTO_TB;
			o->a = (uint32_t)a[0];
			o->imm = a[1];
			tb->jmp_pc[a[0] & 1] = a[1];
			break;
		case IR_lookup_and_goto:
			o->op = I_LOOKUP;
			break;
		case IR_exit_tb:
			o->op = I_EXIT;
			break;
		default:
			if (ir_op_is_binary(op->opc)) {
				o->op = I_BIN;
				o->d = temp_off(ctx, a[0]);
				o->a = temp_off(ctx, a[1]);
				o->b = temp_off(ctx, a[2]);
			} else if (ir_op_is_unary(op->opc)) {
				o->op = I_UN;
				o->d = temp_off(ctx, a[0]);
				o->a = temp_off(ctx, a[1]);
			} else {
				fprintf(stderr, "morph: interp: unknown op %s\n",
					ir_op_defs[op->opc].name);
				abort();
			}
			break;
		}
		if (exec_state.system_mode) {
			static const uint8_t mmu_form[I_NB] = {
				[I_LD] = I_LD_MMU, [I_ST] = I_ST_MMU,
				[I_CMPXCHG] = I_CMPXCHG_MMU, [I_RMW] = I_RMW_MMU,
			};
			if (mmu_form[o->op])
				o->op = mmu_form[o->op];
		}
		p->n++;
	}
	for (unsigned i = 0; i < p->n; i++) {
		struct iop *o = &p->ops[i];
		if (o->op == I_BRCOND || o->op == I_BR) {
			int pos = label_pos[o->imm];
			if (pos < 0) {
				fprintf(stderr, "morph: interp: undefined label L%u\n",
					(unsigned)o->imm);
				abort();
			}
			o->imm = (uint64_t)pos;
		}
	}
	tb->code = p;
	tb->code_size = (uint32_t)(p->n * sizeof(struct iop));
	return 0;
}

/* ---- executing ---- */

#define R64(off) (*(uint64_t *)(env + (off)))
#define R32(off) (*(uint32_t *)(env + (off)))

static inline uint64_t rd(uint8_t *env, uint32_t off, uint8_t t)
{
	return t == IR_I32 ? R32(off) : R64(off);
}

static inline void wr(uint8_t *env, uint32_t off, uint8_t t, uint64_t v)
{
	if (t == IR_I32)
		R32(off) = (uint32_t)v;
	else
		R64(off) = v;
}

static inline uint64_t guest_addr(struct cpu *cpu, uint64_t addr, uint8_t taddr)
{
	if (taddr == IR_I32)
		addr = (uint32_t)addr;
	return addr;
}

static inline void *host_addr(struct cpu *cpu, uint64_t addr, uint32_t mo, bool write)
{
	unsigned size = 1u << (mo & IR_MO_SIZE);

	if ((mo & IR_MO_ALIGN) && (addr & (size - 1))) {
		cpu->fault_addr = addr;
		cpu->fault_is_write = write;
		cpu_loop_exit(cpu, EXCP_BUS);
	}
	return (void *)(cpu->guest_base + (addr & cpu->guest_mask));
}

/*
 * System mode fast path: the host address of an access of memop @mo at
 * @addr if the TLB entry (tag at @tag_off in it) maps it for that access,
 * the access stays inside the page and, with IR_MO_ALIGN, is aligned; else
 * NULL (the slow path in softmmu.c).
 */
static inline void *tlb_hit(struct cpu *cpu, uint64_t addr, uint32_t mo, size_t tag_off)
{
	uint64_t size = 1u << (mo & IR_MO_SIZE);
	const struct tlb_entry *e = &cpu->mmu.tlb[IR_MO_GET_MMU(mo)][tlb_index(addr)];
	uint64_t tag = *(const uint64_t *)((const char *)e + tag_off);
	uint64_t low = (mo & IR_MO_ALIGN) ? size - 1 : 0;

	if ((addr & (TLB_PAGE_MASK | low)) == tag && (addr & ~TLB_PAGE_MASK) <= TLB_PAGE_SIZE - size)
		return (void *)(uintptr_t)(addr + e->addend);
	return NULL;
}

static uint64_t load_val(const void *p, uint32_t mo)
{
	uint64_t v;

	switch (mo & IR_MO_SIZE) {
	case IR_MO_8:
		v = *(const uint8_t *)p;
		return (mo & IR_MO_SIGN) ? (uint64_t)(int64_t)(int8_t)v : v;
	case IR_MO_16: {
		uint16_t x;
		memcpy(&x, p, 2);
		if (mo & IR_MO_BE)
			x = __builtin_bswap16(x);
		return (mo & IR_MO_SIGN) ? (uint64_t)(int64_t)(int16_t)x : x;
	}
	case IR_MO_32: {
		uint32_t x;
		memcpy(&x, p, 4);
		if (mo & IR_MO_BE)
			x = __builtin_bswap32(x);
		return (mo & IR_MO_SIGN) ? (uint64_t)(int64_t)(int32_t)x : x;
	}
	default:
		memcpy(&v, p, 8);
		return (mo & IR_MO_BE) ? __builtin_bswap64(v) : v;
	}
}

static void store_val(void *p, uint32_t mo, uint64_t v)
{
	switch (mo & IR_MO_SIZE) {
	case IR_MO_8:
		*(uint8_t *)p = (uint8_t)v;
		break;
	case IR_MO_16: {
		uint16_t x = (uint16_t)v;
		if (mo & IR_MO_BE)
			x = __builtin_bswap16(x);
		memcpy(p, &x, 2);
		break;
	}
	case IR_MO_32: {
		uint32_t x = (uint32_t)v;
		if (mo & IR_MO_BE)
			x = __builtin_bswap32(x);
		memcpy(p, &x, 4);
		break;
	}
	default:
		if (mo & IR_MO_BE)
			v = __builtin_bswap64(v);
		memcpy(p, &v, 8);
		break;
	}
}

/* Value as it sits in memory (byte order applied) and back, for atomics. */
static inline uint64_t to_mem(uint32_t mo, uint64_t v)
{
	unsigned s = mo & IR_MO_SIZE;
	if (!(mo & IR_MO_BE))
		return v;
	return s == IR_MO_64 ? __builtin_bswap64(v) : s == IR_MO_32 ? __builtin_bswap32((uint32_t)v)
		: s == IR_MO_16 ? __builtin_bswap16((uint16_t)v) : v;
}

static inline uint64_t from_mem(uint32_t mo, uint64_t v)
{
	v = to_mem(mo, v);
	switch (mo & IR_MO_SIZE) {
	case IR_MO_8: return (mo & IR_MO_SIGN) ? (uint64_t)(int64_t)(int8_t)v : (uint8_t)v;
	case IR_MO_16: return (mo & IR_MO_SIGN) ? (uint64_t)(int64_t)(int16_t)v : (uint16_t)v;
	case IR_MO_32: return (mo & IR_MO_SIGN) ? (uint64_t)(int64_t)(int32_t)v : (uint32_t)v;
	default: return v;
	}
}

static uint64_t do_cmpxchg(void *p, uint32_t mo, uint64_t cmp, uint64_t nv)
{
	uint64_t c = to_mem(mo, cmp), n = to_mem(mo, nv);

	switch (mo & IR_MO_SIZE) {
	case IR_MO_8: {
		uint8_t e = (uint8_t)c;
		__atomic_compare_exchange_n((uint8_t *)p, &e, (uint8_t)n, false, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST);
		return from_mem(mo, e);
	}
	case IR_MO_16: {
		uint16_t e = (uint16_t)c;
		__atomic_compare_exchange_n((uint16_t *)p, &e, (uint16_t)n, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		return from_mem(mo, e);
	}
	case IR_MO_32: {
		uint32_t e = (uint32_t)c;
		__atomic_compare_exchange_n((uint32_t *)p, &e, (uint32_t)n, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		return from_mem(mo, e);
	}
	default: {
		uint64_t e = c;
		__atomic_compare_exchange_n((uint64_t *)p, &e, n, false, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST);
		return from_mem(mo, e);
	}
	}
}

static uint64_t rmw_apply(enum ir_rmw op, uint32_t mo, uint64_t old, uint64_t b)
{
	/* Compare in the loaded width, signed or not by the op. */
	unsigned bits = 8u << (mo & IR_MO_SIZE);
	uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
	int64_t so = bits == 64 ? (int64_t)old : ((int64_t)(old << (64 - bits)) >> (64 - bits));
	int64_t sb = bits == 64 ? (int64_t)b : ((int64_t)(b << (64 - bits)) >> (64 - bits));

	switch (op) {
	case IR_RMW_XCHG: return b;
	case IR_RMW_ADD: return old + b;
	case IR_RMW_AND: return old & b;
	case IR_RMW_OR: return old | b;
	case IR_RMW_XOR: return old ^ b;
	case IR_RMW_SMIN: return so < sb ? old : b;
	case IR_RMW_SMAX: return so > sb ? old : b;
	case IR_RMW_UMIN: return (old & mask) < (b & mask) ? old : b;
	case IR_RMW_UMAX: return (old & mask) > (b & mask) ? old : b;
	}
	return b;
}

static uint64_t do_rmw(void *p, uint32_t mo, enum ir_rmw op, uint64_t b)
{
	/* A compare-and-swap loop serves every operation and size. */
	uint64_t old = load_val(p, mo & ~IR_MO_SIGN);
	for (;;) {
		uint64_t nv = rmw_apply(op, mo, old, b);
		uint64_t seen = do_cmpxchg(p, mo & ~IR_MO_SIGN, old, nv);
		if (seen == old)
			break;
		old = seen;
	}
	return from_mem(mo & ~IR_MO_BE, old);
}

static uint64_t do_call(uint8_t *env, const struct iprog *p, const struct iop *o)
{
	const struct ir_helper *h = ir_helper_get(o->a);
	uint64_t vals[IR_MAX_CALL_ARGS];
	void *ptrs[IR_MAX_CALL_ARGS];
	void *envp = env;
	unsigned in = 0;
	ffi_arg ret = 0;

	for (unsigned i = 0; i < h->nargs; i++) {
		if (h->args[i] == IR_HT_ENV) {
			ptrs[i] = &envp;
			continue;
		}
		uint32_t off = p->pool[o->b + in++];
		vals[i] = h->args[i] == IR_HT_I32 ? R32(off) : R64(off);
		ptrs[i] = &vals[i];
	}
	ffi_call(h->ffi_cif, FFI_FN(h->fn), &ret, ptrs);
	return (uint64_t)ret;
}

static uintptr_t interp_exec(struct cpu *cpu, struct tb *tb)
{
	uint8_t *env = (uint8_t *)cpu;

next_tb:;
	const struct iprog *p = tb->code;
	const struct iop *o = p->ops;

	for (;; o++) {
		switch (o->op) {
		case I_MOVI: R64(o->d) = o->imm; break;
		case I_MOVI32: R32(o->d) = (uint32_t)o->imm; break;
		case I_MOV:
			if (o->tout == IR_I32)
				R32(o->d) = R32(o->a);
			else
				R64(o->d) = R64(o->a);
			break;
		case I_ADD: R64(o->d) = R64(o->a) + R64(o->b); break;
		case I_SUB: R64(o->d) = R64(o->a) - R64(o->b); break;
		case I_AND: R64(o->d) = R64(o->a) & R64(o->b); break;
		case I_OR: R64(o->d) = R64(o->a) | R64(o->b); break;
		case I_XOR: R64(o->d) = R64(o->a) ^ R64(o->b); break;
		case I_SHL: R64(o->d) = R64(o->a) << (R64(o->b) & 63); break;
		case I_SHR: R64(o->d) = R64(o->a) >> (R64(o->b) & 63); break;
		case I_SAR: R64(o->d) = (uint64_t)((int64_t)R64(o->a) >> (R64(o->b) & 63)); break;
		case I_ADDI: R64(o->d) = R64(o->a) + o->imm; break;
		case I_ANDI: R64(o->d) = R64(o->a) & o->imm; break;
		case I_ORI: R64(o->d) = R64(o->a) | o->imm; break;
		case I_XORI: R64(o->d) = R64(o->a) ^ o->imm; break;
		case I_SHLI: R64(o->d) = R64(o->a) << o->imm; break;
		case I_SHRI: R64(o->d) = R64(o->a) >> o->imm; break;
		case I_SARI: R64(o->d) = (uint64_t)((int64_t)R64(o->a) >> o->imm); break;
		case I_EXT32S: R64(o->d) = (uint64_t)(int64_t)(int32_t)R64(o->a); break;
		case I_EXT32U: R64(o->d) = (uint32_t)R64(o->a); break;
		case I_SETCOND:
			wr(env, o->d, o->tout,
			   ir_cond_eval(o->cond, o->tin, rd(env, o->a, o->tin), rd(env, o->b, o->tin)));
			break;
		case I_MOVCOND:
			wr(env, o->d, o->tout,
			   ir_cond_eval(o->cond, o->tin, rd(env, o->a, o->tin), rd(env, o->b, o->tin))
				   ? rd(env, o->c, o->tout) : rd(env, o->e, o->tout));
			break;
		case I_BRCOND:
			if (ir_cond_eval(o->cond, o->tin, rd(env, o->a, o->tin), rd(env, o->b, o->tin)))
				o = &p->ops[o->imm] - 1;
			break;
		case I_BR:
			o = &p->ops[o->imm] - 1;
			break;
		case I_BIN:
			wr(env, o->d, o->tout,
			   ir_fold_binary(o->irop, o->tout, rd(env, o->a, o->tin),
					  rd(env, o->b, o->tin)));
			break;
		case I_UN:
			wr(env, o->d, o->tout, ir_fold_unary(o->irop, o->tout, rd(env, o->a, o->tin)));
			break;
		case I_LD: {
			uint32_t mo = (uint32_t)o->imm;
			void *h = host_addr(cpu, guest_addr(cpu, rd(env, o->a, o->tin), o->tin), mo,
					    false);
			wr(env, o->d, o->tout, load_val(h, mo));
			break;
		}
		case I_ST: {
			uint32_t mo = (uint32_t)o->imm;
			void *h = host_addr(cpu, guest_addr(cpu, rd(env, o->b, o->tin), o->tin), mo,
					    true);
			store_val(h, mo, R64(o->a));
			break;
		}
		case I_CMPXCHG: {
			uint32_t mo = (uint32_t)o->imm;
			void *h = host_addr(cpu, guest_addr(cpu, rd(env, o->a, o->tin), o->tin),
					    mo | IR_MO_ALIGN, true);
			wr(env, o->d, o->tout,
			   do_cmpxchg(h, mo, rd(env, o->b, o->tout), rd(env, o->c, o->tout)));
			break;
		}
		case I_RMW: {
			uint32_t mo = (uint32_t)o->imm;
			void *h = host_addr(cpu, guest_addr(cpu, rd(env, o->a, o->tin), o->tin),
					    mo | IR_MO_ALIGN, true);
			wr(env, o->d, o->tout, do_rmw(h, mo, o->cond, rd(env, o->b, o->tout)));
			break;
		}
		case I_LD_MMU: {
			uint32_t mo = (uint32_t)o->imm;
			uint64_t addr = guest_addr(cpu, rd(env, o->a, o->tin), o->tin);
			void *h = tlb_hit(cpu, addr, mo, offsetof(struct tlb_entry, addr_read));
			wr(env, o->d, o->tout, h ? load_val(h, mo) : softmmu_load(cpu, addr, mo));
			break;
		}
		case I_ST_MMU: {
			uint32_t mo = (uint32_t)o->imm;
			uint64_t addr = guest_addr(cpu, rd(env, o->b, o->tin), o->tin);
			void *h = tlb_hit(cpu, addr, mo, offsetof(struct tlb_entry, addr_write));
			if (h)
				store_val(h, mo, R64(o->a));
			else
				softmmu_store(cpu, addr, R64(o->a), mo);
			break;
		}
		case I_CMPXCHG_MMU:
		case I_RMW_MMU: {
			uint32_t mo = (uint32_t)o->imm;
			uint64_t addr = guest_addr(cpu, rd(env, o->a, o->tin), o->tin);
			void *h = tlb_hit(cpu, addr, mo | IR_MO_ALIGN,
					  offsetof(struct tlb_entry, addr_write));
			if (!h)
				h = softmmu_host_addr(cpu, addr, 1u << (mo & IR_MO_SIZE), mo);
			if (o->op == I_CMPXCHG_MMU)
				wr(env, o->d, o->tout,
				   do_cmpxchg(h, mo, rd(env, o->b, o->tout), rd(env, o->c, o->tout)));
			else
				wr(env, o->d, o->tout, do_rmw(h, mo, o->cond, rd(env, o->b, o->tout)));
			break;
		}
		case I_MB:
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			break;
		case I_LD_ENV: {
			uint32_t mo = (uint32_t)o->imm;
			wr(env, o->d, o->tout, load_val(env + o->a, mo & ~IR_MO_BE));
			break;
		}
		case I_ST_ENV:
			store_val(env + o->b, (uint32_t)o->imm & ~IR_MO_BE, R64(o->a));
			break;
		case I_CALL: {
			uint64_t r = do_call(env, p, o);
			if (o->c)
				wr(env, o->d, o->tout, r);
			break;
		}
		case I_INSN:
			cpu->pc = o->imm;
			break;
		case I_GOTO_TB: {
			unsigned slot = o->a;
			struct tb *next = tb->jmp_dest[slot];
			cpu->pc = o->imm;
			if (next && !next->invalid && !cpu->exit_request) {
				tb = next;
				goto next_tb;
			}
			return (uintptr_t)tb | slot;
		}
		case I_LOOKUP: {
			struct tb *next = cpu->jmp_cache[tb_jmp_cache_hash(cpu, cpu->pc)];
			if (next && next->pc == cpu->pc && next->flags == cpu->tb_flags &&
			    !next->invalid && !cpu->exit_request) {
				tb = next;
				goto next_tb;
			}
			return (uintptr_t)tb | TB_EXIT_OTHER;
		}
		case I_EXIT:
			return (uintptr_t)tb | TB_EXIT_OTHER;
		}
	}
}

static bool interp_has_op(enum ir_opc opc, enum ir_type t)
{
	(void)t;
	return opc != IR_fpop; /* runs as the call of its fallback */
}

static int interp_init(const struct morph_arch *arch)
{
	(void)arch;
	return 0;
}

static void interp_chain(struct tb *from, unsigned slot, struct tb *to)
{
	__atomic_store_n(&from->jmp_dest[slot], to, __ATOMIC_RELEASE);
}

static void interp_unchain(struct tb *from, unsigned slot)
{
	__atomic_store_n(&from->jmp_dest[slot], NULL, __ATOMIC_RELEASE);
}

static void interp_free(struct tb *tb)
{
	struct iprog *p = tb->code;
	if (p) {
		free(p->pool);
		free(p);
	}
	tb->code = NULL;
}

static uint64_t interp_guest_pc_of(struct tb *tb, uintptr_t host_pc)
{
	return tb->pc;
}

const struct backend backend_interp = {
	.name = "interp",
	.softmmu = true,
	.has_op = interp_has_op,
	.init = interp_init,
	.compile = interp_compile,
	.exec = interp_exec,
	.chain = interp_chain,
	.unchain = interp_unchain,
	.free_code = interp_free,
	.guest_pc_of = interp_guest_pc_of,
};
