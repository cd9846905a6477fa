/*
 * Internals of the x86-64 JIT shared by its files: the fixed host register
 * roles, the stack frame, and the per-TB code generation state (register
 * allocator, labels, out-of-line paths, host->guest pc map).
 */
#ifndef MORPH_X86_JIT_H
#define MORPH_X86_JIT_H

#include <stdbool.h>
#include <stdint.h>

#include "backend-x86_64/emit.h"
#include "morph/ir.h"
#include "morph/tb.h"

/*
 * Host register roles inside translated code. env, guest_base and
 * guest_mask live in callee-saved registers so helper calls keep them.
 * r11 is the scratch for guest addresses and parallel moves; the allocator
 * hands out the other eleven. Ops needing rax, rcx or rdx (div, mul high,
 * shifts by cl, cmpxchg) reserve them first (x86_ra_reserve()).
 */
#define X86_ENV X86_RBP
#define X86_GBASE X86_R14
#define X86_GMASK X86_R15
#define X86_ADDR X86_R11 /* guest address of a memory op */

/*
 * rbp points X86_ENV_BIAS bytes into env: the frontend's registers, which
 * follow struct cpu (32 KiB with the jump cache), are then reached with
 * 8-bit displacements instead of 32-bit ones.
 */
#define X86_ENV_BIAS ((int32_t)sizeof(struct cpu) + 128)

/** x86_env() - the operand for env byte offset @off. */
static inline struct x86_mem x86_env(int32_t off)
{
	return x86_m(X86_ENV, off - X86_ENV_BIAS);
}

/** x86_env_ptr() - dst = env (the struct cpu pointer helpers get). */
static inline void x86_env_ptr(struct x86_buf *b, int dst)
{
	x86_lea(b, 64, dst, x86_m(X86_ENV, -X86_ENV_BIAS));
}

#define X86_RBIT(r) (1u << (r))
#define X86_ALLOC_MASK                                                               \
	(X86_RBIT(X86_RBX) | X86_RBIT(X86_R12) | X86_RBIT(X86_R13) | X86_RBIT(X86_RSI) |   \
	 X86_RBIT(X86_RDI) | X86_RBIT(X86_R8) | X86_RBIT(X86_R9) | X86_RBIT(X86_R10) |      \
	 X86_RBIT(X86_RAX) | X86_RBIT(X86_RCX) | X86_RBIT(X86_RDX))
#define X86_CALLEE_SAVED_MASK (X86_RBIT(X86_RBX) | X86_RBIT(X86_R12) | X86_RBIT(X86_R13))
#define X86_NREGS 16

/*
 * The frame below the saved registers (rsp is 16-byte aligned inside TBs):
 *   [rsp + 0], [rsp + 8]: stack arguments 7 and 8 of helper calls;
 *   [rsp + 16 + 8 * n]: spill slot n of locals.
 */
/*
 * Resident guest registers (docs/jit.md): the first X86_MAX_RESIDENT globals
 * of the frontend's list (morph_arch.resident) are in fixed host registers
 * at every TB boundary, as well as in env: a TB starts with them cached
 * (clean), and its chained exits put them back (x86_ra_place_resident()).
 * The prologue loads them. They stay allocatable inside a TB.
 */
#define X86_MAX_RESIDENT 6
struct x86_resident {
	uint16_t global; /* IR global number */
	int8_t reg;      /* its host register at TB boundaries */
};
extern struct x86_resident x86_resident[X86_MAX_RESIDENT];
extern unsigned x86_nresident;
/* for each global: the resident whose env bytes it shares without being it, or -1 */
extern int8_t x86_resident_alias[IR_MAX_GLOBALS];
/* the host registers of the residents */
extern uint16_t x86_resident_mask;

/* fault_regs records (x86_cg.frec) */
#define X86_FREC_WORDS (4 * IR_MAX_OPS)
/* reg: a GPR (X86_*) or X86_FAULT_XMM0 + an xmm register */
#define X86_FAULT_REG(reg, w64, off) ((uint32_t)(reg) << 27 | (uint32_t)(w64) << 26 | (off))
#define X86_FAULT_XMM0 16
#define X86_FAULT_W64 (1u << 26)
#define X86_FAULT_OFF_MAX ((1u << 26) - 1)

/* The TB entry check: cmp dword [rbp + disp32], 0 (7 bytes); jne rel32 (6) */
#define X86_ENTRY_CHECK_LEN 13

#define X86_FRAME_SLOTS IR_MAX_TEMPS
#define X86_FRAME_SLOT0 16
#define X86_FRAME_SIZE (X86_FRAME_SLOT0 + 8 * X86_FRAME_SLOTS + 8)
_Static_assert(X86_FRAME_SIZE % 16 == 8, "6 pushes + return address + frame keep rsp aligned");

/* Per-temp allocation state */
struct x86_temp {
	int8_t reg;        /* host register holding the value, or -1 */
	bool mem;          /* the canonical copy (env slot / frame slot) is current */
	int16_t slot;      /* frame slot of a local, -1 until it needs one */
	uint16_t bb;       /* first basic block that names it (liveness) */
	bool multi_bb;     /* named in more than one basic block */
	uint32_t last_use; /* index of the last op naming it (UINT32_MAX: never dead) */
	uint16_t next_read; /* next op reading the current value (X86_NEVER: none) */
	/*
	 * xmm register holding the value (fp.c), or -1. With reg < 0 and mem
	 * false it is the only current copy (binary64 results live there).
	 */
	int8_t xmm;
	int8_t hint;       /* register its value is best computed into, or -1 */
	bool fp;           /* read by binary64 FP ops: best loaded into an xmm register */
};

#define X86_NEVER 0xffffu

/* An out-of-line path emitted after the TB body */
enum x86_slow_kind { X86_SLOW_UNALIGNED };

struct x86_slow {
	uint8_t kind;
	uint8_t is_write;
	uint32_t jcc_disp; /* offset of the rel32 that branches to it */
	uint64_t pc;       /* guest pc of the instruction */
};

/*
 * The fallback call of an IR_fpop, emitted after the TB body so the fast
 * path runs straight through: the register state it needs is taken at the op.
 */
#define X86_FPSLOW_JCC 8 /* guard, 2 box checks, 2 x 2 NaN checks, NaN result */

struct x86_fpslow {
	uint32_t jcc[X86_FPSLOW_JCC]; /* rel32s that branch to it */
	uint32_t resume;    /* where the fast path continues */
	uint16_t op;        /* the op */
	uint16_t push;      /* caller-saved GPRs holding values, kept across the call */
	uint16_t xsave;     /* xmm copies (fp.c's cache) kept across the call */
	uint8_t njcc;
	int8_t rd, xa, xb, xr; /* result GPR, operand xmms, result xmm (-1: none) */
	uint64_t pc;        /* guest pc of the instruction */
	int16_t dirty[X86_NREGS]; /* dirty global held by each GPR (written first), or -1 */
	int16_t xdirty[16];       /* dirty global held only by each xmm register, or -1 */
};

/* A global kept in a fixed register around a TB's own loop (loop.c) */
#define X86_LOOP_MAX (X86_MAX_RESIDENT + 2 + 6)

struct x86_loop_reg {
	ir_temp g;
	int8_t reg;   /* GPR, or xmm register if xmm */
	bool xmm;
	bool dirty;   /* written in the TB: env may be stale at the loop head */
};

/* Label fixup: a rel32 that must point to a label */
struct x86_fixup {
	uint32_t disp;
	uint16_t label;
};

struct x86_cg {
	struct x86_buf b;
	struct ir_ctx *ir;
	struct tb *tb;
	intptr_t rx_delta;       /* run address minus write address */
	unsigned op;             /* index of the op being compiled */

	struct x86_temp t[IR_MAX_TEMPS];
	/* globals whose t[] entries this TB set (reset by the next x86_ra_begin()) */
	uint16_t touched[IR_MAX_GLOBALS];
	unsigned ntouched;
	unsigned t_nglobals;     /* globals of the ctx t[] was last fully reset for */
	/*
	 * Next op reading the value each argument of op i has after op i, in
	 * program order: exact for temps of one basic block, a heuristic for
	 * the others (a branch may skip the write that seems to kill a value).
	 */
	uint16_t read_after[IR_MAX_OPS][IR_MAX_ARGS];
	int16_t reg_temp[X86_NREGS]; /* temp held by each host register, or -1 */
	uint16_t locked;             /* registers read or written by the current op */
	unsigned nslots;

	int32_t label_off[IR_MAX_LABELS];
	struct x86_fixup fix[IR_MAX_OPS];
	unsigned nfix;
	struct x86_slow slow[IR_MAX_OPS];
	unsigned nslow;
	struct x86_fpslow fpslow[IR_MAX_OPS];
	unsigned nfpslow;
	/* fp.c's cache of FP values in xmm3-xmm15: the temp each holds, or -1 */
	int16_t xmm_temp[16];
	uint16_t xmm_used; /* bit x: xmm_temp[x] >= 0 */
	ir_temp xmm_def;  /* output the current op left in an xmm register only, or IR_TEMP_NONE */

	uint32_t map[2 * IR_MAX_OPS + 4]; /* host_map pairs being built (+ unchain_off) */
	/*
	 * tb->fault_regs being built (user mode): per guest access that may
	 * fault with dirty globals in registers, [host offset of the access,
	 * n, n x X86_FAULT_REG(reg, 64-bit, env offset)]
	 */
	uint32_t frec[X86_FREC_WORDS];
	unsigned nfrec;
	unsigned nmap;
	uint64_t insn_pc;
	bool have_insn;
	uint32_t exit_req_disp;  /* jcc of the TB entry check */

	uint32_t unchain_off[2]; /* exit stub of each goto_tb slot */
	int pc_reg;              /* register just stored to env->pc (for lookup_and_goto), or -1 */
	bool softmmu;            /* system mode: guest memory through the softMMU TLB */
	uint8_t resident_in;     /* residents cached at the TB entry (bit i: x86_resident[i]) */
	bool fold_disp;          /* user mode with guards: [base + (a & mask) + disp] */
	uint64_t guest_mask;     /* user mode: cpu->guest_mask of the harts that run the code */
	size_t mmu_miss;         /* jcc of the last TLB lookup's miss branch */
	/* brcond whose jcc is slot fused_slot's chained jump (see gen_brcond) */
	int fused_label;         /* -1 if none */
	unsigned fused_slot;
	uint32_t fused_disp;

	/*
	 * A TB that jumps to its own start, compiled as a loop (loop.c): the op
	 * that goes round (a brcond or goto_tb) or -1, the ops from loop_skip on
	 * are not compiled (its goto_tb to itself), the globals the loop head
	 * has in registers, and the head's offset and exit-request jcc.
	 */
	int loop_op;
	unsigned loop_skip;
	struct x86_loop_reg loop_regs[X86_LOOP_MAX];
	unsigned nloop;
	uint32_t loop_head;
	uint32_t loop_req_disp;

	/* user mode: X86_ADDR holds this temp & guest_mask (IR_TEMP_NONE: nothing known) */
	ir_temp masked_t;
	/* An "add t, base, disp" folded into the address of the next memory op */
	ir_temp fuse_t;          /* IR_TEMP_NONE when nothing is folded */
	ir_temp fuse_base;
	int64_t fuse_disp;
};

/* Each xmm register @x (unsigned) holding a value; the body may drop it. */
#define X86_FOR_XMM(cg, x)                                                            \
	for (unsigned x##_left = (cg)->xmm_used, x = 0;                               \
	     x##_left && (x = (unsigned)__builtin_ctz(x##_left), 1); x##_left &= x##_left - 1)

/* ---- regalloc.c ---- */
void x86_ra_begin(struct x86_cg *cg);
/** x86_ra_get() - the value of temp @t in a register (loaded if needed), locked for this op. */
int x86_ra_get(struct x86_cg *cg, ir_temp t);
/** x86_ra_alloc() - a free allocatable register not in @avoid (spills if needed), locked. */
int x86_ra_alloc(struct x86_cg *cg, unsigned avoid);
/**
 * x86_ra_dest() - register for output @d of a two-address op whose first
 * input @a (IR_TEMP_NONE if none) is in @areg: @areg itself when d == a or
 * a dies here, d's current register if free, else a new one. Locked.
 */
int x86_ra_dest(struct x86_cg *cg, ir_temp d, ir_temp a, int areg);
/** x86_ra_set_out() - @t's value is now in @reg (dirty); other copies are gone. */
void x86_ra_set_out(struct x86_cg *cg, ir_temp t, int reg);
/**
 * x86_ra_set_out_xmm() - @t gets a new value that lives in an xmm register
 * only (the caller binds it, fp.c): its GPR copy is dropped, its home is stale.
 */
void x86_ra_set_out_xmm(struct x86_cg *cg, ir_temp t);
/** x86_ra_attach() - host register @reg now holds @t's value (whatever it held is dropped). */
void x86_ra_attach(struct x86_cg *cg, ir_temp t, int reg);
/** x86_ra_detach() - drop what @reg holds, without writing it anywhere. */
void x86_ra_detach(struct x86_cg *cg, int reg);
/** x86_ra_needed() - @t's value is still read (a global, or a local not dead before this op). */
bool x86_ra_needed(const struct x86_cg *cg, ir_temp t);
/** x86_ra_in_home() - @t has no register copy and its home holds its value. */
static inline bool x86_ra_in_home(const struct x86_cg *cg, ir_temp t)
{
	return cg->t[t].reg < 0 && (cg->t[t].mem || cg->t[t].xmm < 0);
}
/** x86_ra_end_op() - unlock registers and free those of temps that died in this op. */
void x86_ra_end_op(struct x86_cg *cg, const struct ir_op *op);
/** x86_ra_read_after() - next op reading argument @k of the current op after it, or X86_NEVER. */
static inline unsigned x86_ra_read_after(const struct x86_cg *cg, unsigned k)
{
	return cg->read_after[cg->op][k];
}
/** x86_ra_dies() - true if temp @t is not needed after the current op. */
bool x86_ra_dies(const struct x86_cg *cg, ir_temp t);
/** x86_ra_store() - write @t's dirty register (GPR or xmm) copy to its home. */
void x86_ra_store(struct x86_cg *cg, ir_temp t);
/** x86_ra_sync_globals() - write back every dirty global (values stay cached). */
void x86_ra_sync_globals(struct x86_cg *cg);
/** x86_ra_sync_all() - also write back live dirty locals (end of a basic block). */
void x86_ra_sync_all(struct x86_cg *cg);
/**
 * x86_ra_place_resident() - before a chained exit, with every global in
 * env: put each resident global in its register (x86_resident) and lock
 * those registers for the current op.
 */
void x86_ra_place_resident(struct x86_cg *cg);
/** x86_ra_forget() - drop every register copy (a join point: memory is canonical). */
void x86_ra_forget(struct x86_cg *cg);
/** x86_ra_forget_globals() - drop cached globals (after a helper wrote env). */
void x86_ra_forget_globals(struct x86_cg *cg);
/** x86_ra_evict() - write back (if live and dirty) and drop whatever @reg holds. */
void x86_ra_evict(struct x86_cg *cg, int reg);
/**
 * x86_ra_reserve() - make the registers of @mask free and locked for the
 * current op (call before reading its inputs).
 */
void x86_ra_reserve(struct x86_cg *cg, unsigned mask);
/**
 * x86_ra_env_access() - env bytes [off, off+size) are read or written by
 * ld_env/st_env: write back cached globals overlapping them (and on a
 * write, drop their copies).
 */
void x86_ra_env_access(struct x86_cg *cg, uint32_t off, unsigned size, bool write);
/** x86_ra_home() - the memory operand of @t's home (allocates a local's frame slot). */
struct x86_mem x86_ra_home(struct x86_cg *cg, ir_temp t);
/** x86_temp_width() - 32 or 64, from the temp's type. */
unsigned x86_temp_width(const struct x86_cg *cg, ir_temp t);
static inline bool x86_is_const(const struct x86_cg *cg, ir_temp t)
{
	return cg->ir->temps[t].kind == IR_TEMP_CONST;
}
/** x86_env_overlap() - whether global @g's env bytes meet [off, off + size). */
static inline bool x86_env_overlap(const struct x86_cg *cg, ir_temp g, uint32_t off, unsigned size)
{
	uint32_t goff = cg->ir->temps[g].env_offset;

	return goff < off + size && off < goff + x86_temp_width(cg, g) / 8;
}

/* ---- mmu.c ---- */
/**
 * x86_tlb_lookup() - system mode: the softMMU hit path for the guest virtual
 * address in X86_ADDR (memop @mo; @align: the low bits must be zero; @write:
 * compare addr_write). On a hit X86_ADDR becomes the host address; returns
 * the jcc displacement to patch to the miss path (X86_ADDR still the vaddr).
 */
size_t x86_tlb_lookup(struct x86_cg *cg, uint32_t mo, bool align, bool write);
/** x86_store_insn_pc() - env->pc = pc of the current instruction (for helpers that raise). */
void x86_store_insn_pc(struct x86_cg *cg, int scratch);
/** Caller-saved registers holding temps, kept on the stack around a call in mid-op. */
struct x86_saved {
	int8_t reg[X86_NREGS];
	unsigned n;
};
/** x86_push_live() - push them (all but @except) and align rsp for a call. */
void x86_push_live(struct x86_cg *cg, int except, struct x86_saved *s);
void x86_pop_live(struct x86_cg *cg, const struct x86_saved *s);

/* ---- fp.c ---- */
/** x86_gen_fpop() - IR_fpop inline in SSE with its fallback call as the slow path. */
void x86_gen_fpop(struct x86_cg *cg, const struct ir_op *op);
/**
 * x86_xmm_reset() - forget every xmm copy (TB start, joins, calls), first
 * writing home the values only an xmm register holds that are still needed.
 */
void x86_xmm_reset(struct x86_cg *cg);
/** x86_xmm_spill() - write those values home, keeping the copies (before C calls mid-op). */
void x86_xmm_spill(struct x86_cg *cg);
/** x86_xmm_forget() - drop @t's xmm copy, if any (its value changes). */
void x86_xmm_forget(struct x86_cg *cg, ir_temp t);
/** x86_xmm_alloc() - a free xmm register of the cache not in @avoid (bit per xmm): may spill. */
int x86_xmm_alloc(struct x86_cg *cg, unsigned avoid);
/** x86_xmm_evict() - empty xmm register @x, writing its value home if only it holds it. */
void x86_xmm_evict(struct x86_cg *cg, int x);
/** x86_xmm_bind() - xmm register @x now holds @t's value (and nothing else). */
void x86_xmm_bind(struct x86_cg *cg, ir_temp t, int x);
/**
 * x86_xmm_gen_mov() - "mov d, a" for an @a whose value is in an xmm register
 * only: the register passes to @d if @a dies, or is copied if @d is FP.
 * False (nothing emitted) where a GPR move is the better fit.
 */
bool x86_xmm_gen_mov(struct x86_cg *cg, ir_temp d, ir_temp a);
/** x86_xmm_after_op() - keep the xmm copies true after @op (compiled or not). */
void x86_xmm_after_op(struct x86_cg *cg, const struct ir_op *op);
/** x86_gen_fp_slow() - the out-of-line fallback calls, after the TB body. */
void x86_gen_fp_slow(struct x86_cg *cg);

/* ---- loop.c ---- */
/**
 * x86_loop_plan() - after x86_ra_begin(): if @cg's TB ends by jumping to its
 * own start in a shape loop.c handles, set loop_op/loop_skip and pick the
 * globals to keep in registers around it.
 */
void x86_loop_plan(struct x86_cg *cg);
/** x86_loop_head() - after the TB entry check: load them, then the loop head. */
void x86_loop_head(struct x86_cg *cg);
/** x86_loop_back() - at loop_op: put them back in their registers (other globals in env). */
void x86_loop_back(struct x86_cg *cg);
/** x86_loop_exit_path() - the loop head's exit-request path: write them home. */
void x86_loop_exit_path(struct x86_cg *cg);

/* ---- codegen.c ---- */
/** x86_codegen() - generate @tb's code from @ctx into @cg->b; false on overflow. */
bool x86_codegen(struct x86_cg *cg, struct tb *tb, struct ir_ctx *ctx);

/* ---- tb-link.c ---- */
/** With BMI1 the mask register holds ~guest_mask, so "andn" masks an address in one step. */
extern bool x86_gmask_inverted;
/** Entry and exit of translated code, in the fixed part of the code cache. */
extern const uint8_t *x86_epilogue;
/** x86_emit_exit() - leave to the exec loop returning @ret (a tb pointer | TB_EXIT_*). */
void x86_emit_exit(struct x86_cg *cg, uintptr_t ret);
/** x86_emit_goto_tb() - patchable jump of chaining @slot, then its exit stub. */
void x86_emit_goto_tb(struct x86_cg *cg, unsigned slot, uint64_t pc);
/** x86_emit_goto_tb_stub() - the unchained exit of @slot: store @pc, return tb | slot. */
void x86_emit_goto_tb_stub(struct x86_cg *cg, unsigned slot, uint64_t pc);
/** x86_align_rel32() - pad so the rel32 after @opcode_len bytes stays in one cache line. */
void x86_align_rel32(struct x86_cg *cg, unsigned opcode_len);
/** x86_emit_lookup_and_goto() - jump cache probe; @pc_reg holds the new pc, or -1 (in env). */
void x86_emit_lookup_and_goto(struct x86_cg *cg, int pc_reg);
/** x86_rx_target() - a buffer-relative offset for a branch to host address @rx. */
static inline size_t x86_rx_target(const struct x86_cg *cg, const void *rx)
{
	return (size_t)((intptr_t)rx - cg->rx_delta - (intptr_t)cg->b.start);
}

/* ---- dump.c ---- */
/** x86_dump_code() - capstone disassembly of @tb's code to @f, by guest instruction. */
void x86_dump_code(struct tb *tb, void *f);

#endif
