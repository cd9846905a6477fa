/*
 * morph IR: the guest-neutral intermediate representation that frontends
 * produce and that the x86-64 backend and the IR interpreter consume.
 * See docs/ir.md for the semantics of each op.
 *
 * A translation block (TB) is built in a struct ir_ctx as a linear list of
 * ops over temps. A temp is one of:
 *   - a global: a named slot in the CPU state (env) such as a guest
 *     register; its value lives in env between TBs;
 *   - a local: a value inside one TB (valid across labels of that TB);
 *   - a constant: an immutable value known at translation time.
 */
#ifndef MORPH_IR_H
#define MORPH_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ir_opc {
#define IR_OP(name, nout, nin, ncst, flags) IR_##name,
#include "morph/ir-ops.def"
#undef IR_OP
	IR_NB_OPS
};

/* Op flags, see ir-ops.def */
#define IR_OPF_SIDE 0x1
#define IR_OPF_BB_END 0x2
#define IR_OPF_MEM 0x4
#define IR_OPF_OPT 0x8

/** Static description of an op, from ir-ops.def. */
struct ir_op_def {
	const char *name;
	uint8_t nout, nin, ncst;
	uint8_t flags;
};
extern const struct ir_op_def ir_op_defs[IR_NB_OPS];

/** Integer widths of temps and ops. */
enum ir_type { IR_I32, IR_I64 };

/** Comparison conditions for setcond/movcond/brcond (signed: LT..GT, unsigned: LTU..GTU). */
enum ir_cond {
	IR_COND_NEVER, IR_COND_ALWAYS,
	IR_COND_EQ, IR_COND_NE,
	IR_COND_LT, IR_COND_GE, IR_COND_LE, IR_COND_GT,
	IR_COND_LTU, IR_COND_GEU, IR_COND_LEU, IR_COND_GTU,
	/* (a & b) == 0 and != 0 */
	IR_COND_TSTEQ, IR_COND_TSTNE,
};

/** Read-modify-write operations of atomic_rmw: mem = op(old, b). */
enum ir_rmw {
	IR_RMW_XCHG, IR_RMW_ADD, IR_RMW_AND, IR_RMW_OR, IR_RMW_XOR,
	IR_RMW_SMIN, IR_RMW_SMAX, IR_RMW_UMIN, IR_RMW_UMAX,
};

/** Memory barrier kinds (IR_MB_FULL orders everything, like fence rw,rw). */
enum { IR_MB_LD_LD = 1, IR_MB_LD_ST = 2, IR_MB_ST_LD = 4, IR_MB_ST_ST = 8, IR_MB_FULL = 15 };

/** Why exit_tb leaves the TB. */
enum ir_exit {
	IR_EXIT_NORMAL,    /* env->pc holds the next pc */
	IR_EXIT_SYNC,      /* state changed (e.g. CSR write): re-evaluate flags */
};

/*
 * Memory operation descriptor (memop): one 32-bit constant.
 * bits 0-1: log2 size (1, 2, 4, 8 bytes); bit 2: sign-extend the loaded value;
 * bit 3: big-endian; bit 4: alignment required (misaligned access raises);
 * bits 8-11: MMU index (system mode: which TLB; user mode: ignored).
 */
#define IR_MO_8 0u
#define IR_MO_16 1u
#define IR_MO_32 2u
#define IR_MO_64 3u
#define IR_MO_SIZE 3u
#define IR_MO_SIGN 4u
#define IR_MO_BE 8u
#define IR_MO_ALIGN 16u
#define IR_MO_MMU_SHIFT 8
#define IR_MO_MMU(idx) ((uint32_t)(idx) << IR_MO_MMU_SHIFT)
#define IR_MO_GET_MMU(mo) (((mo) >> IR_MO_MMU_SHIFT) & 15u)

/* Limits of one TB */
#define IR_MAX_ARGS 10      /* call: out + up to 8 inputs + helper id */
#define IR_MAX_CALL_ARGS 8
#define IR_MAX_OPS 2048
#define IR_MAX_TEMPS 1024
#define IR_MAX_GLOBALS 128
#define IR_MAX_LABELS 128

typedef uint32_t ir_temp; /* index into ir_ctx.temps */
#define IR_TEMP_NONE ((ir_temp)0xffffffffu)

enum ir_temp_kind { IR_TEMP_GLOBAL, IR_TEMP_LOCAL, IR_TEMP_CONST };

struct ir_temp_info {
	uint8_t kind; /* enum ir_temp_kind */
	uint8_t type; /* enum ir_type */
	uint32_t env_offset; /* globals: byte offset in env */
	uint64_t value; /* constants: the value (i32 values zero-extended) */
	const char *name; /* globals: for dumps */
};

/**
 * One op. args[] holds outputs, then inputs, then constants. For IR_call,
 * nout (0 or 1) and nin are per op and the only constant (after the inputs)
 * is the helper id; for every other op they equal ir_op_defs[opc].
 */
struct ir_op {
	uint16_t opc;
	uint8_t type;
	uint8_t nout, nin, ncst;
	uint64_t args[IR_MAX_ARGS];
};

/** A guest register or other state slot the IR names as a global temp. */
struct ir_global_desc {
	const char *name;
	uint32_t env_offset; /* bytes from the start of the CPU state */
	uint8_t type; /* enum ir_type */
};

/** A TB under construction. */
struct ir_ctx {
	struct ir_op ops[IR_MAX_OPS];
	unsigned nops;
	struct ir_temp_info temps[IR_MAX_TEMPS];
	unsigned ntemps;
	unsigned nglobals; /* temps [0, nglobals) are the globals */
	unsigned nlabels;
	uint32_t pc_offset; /* env offset of the guest pc */
	uint64_t cur_insn_pc; /* pc of the last insn_start */
	bool overflow; /* ran out of ops or temps: the frontend must end the TB */
	/* the table temps [0, nglobals) were made from: a ctx reused for it keeps them */
	const struct ir_global_desc *globals_from;
};

/**
 * ir_op_observes_globals() - whether every global must be exact in env at
 * @op: it may leave the TB or fault (guest accesses: the state at a fault is
 * the guest's), calls a helper that reads, writes or raises, or touches env
 * directly (ld_env/st_env may alias a global). The optimizer keeps every
 * global write before such an op; the JIT makes env exact at them (or, at
 * user-mode accesses, can rebuild it from host registers).
 */
bool ir_op_observes_globals(const struct ir_op *op);

/* ---- Building ---- */

/**
 * ir_ctx_init() - start an empty TB with the given globals (a ctx last
 * started with the same table keeps their temps: nothing changes them).
 * @globals: the frontend's global table (registered as temps 0..n-1).
 * @pc_offset: byte offset of the guest pc in env.
 */
void ir_ctx_init(struct ir_ctx *ctx, const struct ir_global_desc *globals, unsigned nglobals,
		 uint32_t pc_offset);

/** ir_new_temp() - a fresh local temp of @type. */
ir_temp ir_new_temp(struct ir_ctx *ctx, enum ir_type type);
/** ir_const() - a constant temp; i32 values are truncated to 32 bits. */
ir_temp ir_const(struct ir_ctx *ctx, enum ir_type type, uint64_t value);
/** ir_global() - the temp of global number @n of the frontend's table. */
static inline ir_temp ir_global(struct ir_ctx *ctx, unsigned n)
{
	(void)ctx;
	return (ir_temp)n;
}
/** ir_new_label() - a label number for set_label/br/brcond. */
unsigned ir_new_label(struct ir_ctx *ctx);

/** ir_emit() - append an op with explicit args; returns it (or a scratch op on overflow). */
struct ir_op *ir_emit(struct ir_ctx *ctx, enum ir_opc opc, enum ir_type type, unsigned nargs,
		      const uint64_t *args);

/* Convenience builders. T is the op's type. */
void ir_mov(struct ir_ctx *ctx, enum ir_type t, ir_temp d, ir_temp a);
void ir_movi(struct ir_ctx *ctx, enum ir_type t, ir_temp d, uint64_t imm);
void ir_op1(struct ir_ctx *ctx, enum ir_opc opc, enum ir_type t, ir_temp d, ir_temp a);
void ir_op2(struct ir_ctx *ctx, enum ir_opc opc, enum ir_type t, ir_temp d, ir_temp a, ir_temp b);
/** ir_op2i() - d = a OP imm (the immediate becomes a constant temp). */
void ir_op2i(struct ir_ctx *ctx, enum ir_opc opc, enum ir_type t, ir_temp d, ir_temp a,
	     uint64_t imm);
void ir_setcond(struct ir_ctx *ctx, enum ir_type t, enum ir_cond c, ir_temp d, ir_temp a,
		ir_temp b);
void ir_movcond(struct ir_ctx *ctx, enum ir_type t, enum ir_cond c, ir_temp d, ir_temp c1,
		ir_temp c2, ir_temp v1, ir_temp v2);
void ir_brcond(struct ir_ctx *ctx, enum ir_type t, enum ir_cond c, ir_temp a, ir_temp b,
	       unsigned label);
void ir_br(struct ir_ctx *ctx, unsigned label);
void ir_set_label(struct ir_ctx *ctx, unsigned label);
/** ir_ld_env() - d = *(env + offset), @mo gives size and sign (IR_MO_*). */
void ir_ld_env(struct ir_ctx *ctx, enum ir_type t, ir_temp d, uint32_t offset, uint32_t mo);
void ir_st_env(struct ir_ctx *ctx, enum ir_type t, ir_temp v, uint32_t offset, uint32_t mo);
/** ir_ld()/ir_st() - guest memory at guest virtual address @addr (type of the address temp = t_addr). */
void ir_ld(struct ir_ctx *ctx, enum ir_type t, ir_temp d, ir_temp addr, uint32_t memop);
void ir_st(struct ir_ctx *ctx, enum ir_type t, ir_temp v, ir_temp addr, uint32_t memop);
void ir_cmpxchg(struct ir_ctx *ctx, enum ir_type t, ir_temp d, ir_temp addr, ir_temp cmp,
		ir_temp nv, uint32_t memop);
void ir_atomic_rmw(struct ir_ctx *ctx, enum ir_type t, enum ir_rmw op, ir_temp d, ir_temp addr,
		   ir_temp b, uint32_t memop);
void ir_mb(struct ir_ctx *ctx, unsigned kind);
/* Floating-point ops with a helper fallback (ir_fpop()) */
enum ir_fp_kind {
	IR_FP_ADD, IR_FP_SUB, IR_FP_MUL, IR_FP_DIV, IR_FP_SQRT, /* d = IEEE result bits */
	IR_FP_EQ, IR_FP_LT, IR_FP_LE, /* d = 1 or 0; EQ is quiet, LT/LE signal on any NaN */
};
#define IR_FP_KIND(k) ((unsigned)(k) & 0xffu)
/* binary32 in the low half of i64 values whose upper half is all ones (RISC-V's
 * NaN boxing); other operands take the fallback, results are boxed alike */
#define IR_FP_F32BOX 0x100u
/* binary32 in the low half of i64 values, the upper half ignored (zero in results) */
#define IR_FP_F32 0x200u
/* NaN operands take the fallback before the host computes anything: for guests whose
 * signalling NaNs are not the host's (MIPS legacy NaNs), the host must not see them */
#define IR_FP_NAN_IN 0x400u
/* the inline path only while the u32 at env + @off is 0 (e.g. a dynamic rounding mode) */
#define IR_FP_GUARD(off) ((uint64_t)(off) << 16)
#define IR_FP_GUARD_OFF(k) ((uint32_t)((k) >> 16))
#define IR_FP_NO_IMM (~(uint64_t)0)

/**
 * ir_fpop() - d = fallback(env, a, [b,] [imm]): a floating-point operation
 * whose result is what the helper @fallback returns (b is passed for binary
 * kinds, imm unless it is IR_FP_NO_IMM). A backend may compute it inline
 * instead, with host IEEE 754 binary64 (or binary32) arithmetic rounding to
 * nearest-even, whenever the guard holds, the operands are in the format (and
 * not NaNs, with IR_FP_NAN_IN) and the result is not a NaN (comparisons:
 * always); the IEEE exception flags (754-2008 section 7) then accrue in the
 * host's sticky flags, read by fpu_host_flags_peek() (include/morph/fpu.h),
 * instead of wherever the fallback puts them. The frontend promises that both agree under those
 * conditions. Backends without the op get it as a plain call (ir_lower()).
 */
void ir_fpop(struct ir_ctx *ctx, uint64_t kind, ir_temp d, ir_temp a, ir_temp b,
	     unsigned fallback, uint64_t imm);

/** ir_as_i64() - @t as an i64 temp: @t itself, or a new temp holding it zero-extended. */
ir_temp ir_as_i64(struct ir_ctx *ctx, ir_temp t);
/** ir_insn_start() - marks the start of the guest instruction at @pc, @len bytes long. */
void ir_insn_start(struct ir_ctx *ctx, uint64_t pc, unsigned len);
/** ir_set_pc() / ir_set_pci() - store the next guest pc into env. */
void ir_set_pc(struct ir_ctx *ctx, enum ir_type t, ir_temp pc);
void ir_set_pci(struct ir_ctx *ctx, enum ir_type t, uint64_t pc);
/** ir_goto_tb() - leave the TB to the static target @pc through chaining slot @slot (0 or 1). */
void ir_goto_tb(struct ir_ctx *ctx, unsigned slot, uint64_t pc);
/** ir_lookup_and_goto() - leave to the pc stored in env, through the jump cache. */
void ir_lookup_and_goto(struct ir_ctx *ctx);
void ir_exit_tb(struct ir_ctx *ctx, enum ir_exit why);

/* ---- Helpers ---- */

/** Argument and return types of helpers: integers pass in registers; env is the CPU state. */
enum ir_htype { IR_HT_VOID, IR_HT_I32, IR_HT_I64, IR_HT_ENV };

/* Helper flags */
#define IR_HF_PURE 0x1           /* no side effects, reads no globals: may be folded or dropped */
#define IR_HF_READS_GLOBALS 0x2  /* reads guest globals from env: the JIT syncs them first */
#define IR_HF_WRITES_GLOBALS 0x4 /* writes globals in env: the JIT reloads them after */
#define IR_HF_MAY_RAISE 0x8      /* may raise a guest exception (longjmp): pc is stored first */
#define IR_HF_NORETURN 0x10      /* never returns (always raises) */

/** A helper: C function callable from IR (see helper-def.h for declaring them). */
struct ir_helper {
	const char *name;
	void *fn;
	uint8_t ret; /* enum ir_htype */
	uint8_t nargs;
	uint8_t args[IR_MAX_CALL_ARGS]; /* enum ir_htype */
	uint32_t flags;
	void *ffi_cif; /* prepared libffi call interface (interpreter), set at registration */
};

/**
 * ir_helper_register() - make a helper callable; returns its id for ir_call().
 * Called at startup by each helper table (helper-def.h does this for you).
 */
unsigned ir_helper_register(const struct ir_helper *h);
/** ir_helper_get() - the helper of id @id. */
const struct ir_helper *ir_helper_get(unsigned id);
unsigned ir_helper_count(void);

/**
 * ir_call() - call helper @id. @ret is the output temp (IR_TEMP_NONE for void);
 * @args are the input temps in order, excluding the env argument which is
 * implicit and passed wherever the helper declares IR_HT_ENV.
 * For IR_HF_MAY_RAISE helpers the builder first stores the current
 * instruction's pc into env, so raising reports the exact pc.
 */
void ir_call(struct ir_ctx *ctx, unsigned id, ir_temp ret, unsigned nargs, const ir_temp *args);

/* ---- Passes and dumps ---- */

/** ir_optimize() - constant folding, copy propagation and dead temp removal, in place. */
void ir_optimize(struct ir_ctx *ctx);

/** ir_dump() - write the TB in IR text form (docs/ir.md) to @f (a FILE *). */
void ir_dump(const struct ir_ctx *ctx, void *f);

/** ir_eval_cond() - the value of cond(a, b) for operands of type @t. */
bool ir_eval_cond(enum ir_cond c, enum ir_type t, uint64_t a, uint64_t b);
/**
 * ir_fold() - value of a pure integer op of type @t on constant inputs, or false
 * if @opc cannot be folded. Shared by the optimizer and the interpreter so
 * both agree on the semantics.
 */
bool ir_fold(enum ir_opc opc, enum ir_type t, const uint64_t *in, uint64_t *out);

#endif
