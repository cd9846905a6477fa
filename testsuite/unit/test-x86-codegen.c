/*
 * The x86-64 JIT against the IR interpreter: hand-built and random IR TBs
 * are compiled by both backends and run on copies of one fake hart state;
 * globals, env and guest memory must end up identical. Also: the op
 * semantics against ir_fold(), exits, chaining, the jump cache probe, the
 * exit request check, precise faults (misaligned accesses, host SIGSEGV),
 * helper calls that raise, atomics under two threads, cache-full handling.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <ucontext.h>

#include "morph/backend.h"
#include "morph/exec.h"
#include "morph/fpu.h"
#include "morph/frontend.h"
#include "morph/ir.h"

#define NG64 12
#define NG32 4
#define MEM_SIZE 0x10000
#define MEM_MASK 0xffffu

/*
 * The i32 globals are h[0], h[2], ...: the odd words are padding, because the
 * interpreter's movi stores 8 bytes even into an i32 global (reported); the
 * JIT must never touch the padding (checked).
 */
struct tenv {
	struct cpu c;
	uint64_t g[NG64];
	uint32_t h[2 * NG32];
	uint64_t misc[4]; /* env bytes that are not globals */
};
#define H(i) h[2 * (i)]

static struct ir_global_desc globals[NG64 + NG32];
static char gnames[NG64 + NG32][8];

static const struct backend *jit = &backend_x86_64;
static const struct backend *ref = &backend_interp;

/* ---- helpers callable from the test IR ---- */

static uint64_t th_mix(uint64_t a, uint64_t b, uint64_t c)
{
	return a * 3 + (b ^ (c >> 7));
}

static uint64_t th_rd(struct tenv *e, uint64_t a)
{
	return e->g[0] * 5 + e->H(1) + a;
}

static void th_wr(struct tenv *e, uint64_t a, uint32_t b)
{
	e->g[1] ^= a;
	e->H(2) = b + e->H(2);
}

static uint64_t th_8(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f,
		     uint64_t g, uint64_t h)
{
	return a + 2 * b + 3 * c + 5 * d + 7 * e + 11 * f + 13 * g + 17 * h;
}

static uint32_t th_env7(uint32_t a, uint64_t b, struct tenv *env, uint32_t c, uint64_t d,
			uint64_t e, uint64_t f, uint32_t g)
{
	return a ^ (uint32_t)(b * 3) ^ (uint32_t)env->g[2] ^ (c << 1) ^ (uint32_t)(d >> 3) ^
	       (uint32_t)(e * 7) ^ (uint32_t)(f + 1) ^ g;
}

static uint32_t th_i32(uint32_t a, uint32_t b)
{
	return a * 7 - b;
}

static void th_raise(struct tenv *e, uint64_t code)
{
	e->misc[3] = code;
	cpu_loop_exit(&e->c, EXCP_TRAP);
}

static void th_exit(struct tenv *e)
{
	cpu_exit(&e->c);
}

static unsigned hid_mix, hid_rd, hid_wr, hid_8, hid_env7, hid_i32, hid_raise, hid_exit;

static unsigned reg_helper(const char *name, void *fn, uint8_t ret, uint32_t flags,
			   unsigned nargs, const uint8_t *args)
{
	struct ir_helper h = {.name = name, .fn = fn, .ret = ret, .nargs = (uint8_t)nargs,
			      .flags = flags};
	memcpy(h.args, args, nargs);
	return ir_helper_register(&h);
}

static void test_arch_init(void)
{
	hid_mix = reg_helper("mix", (void *)th_mix, IR_HT_I64, IR_HF_PURE, 3,
			     (const uint8_t[]){IR_HT_I64, IR_HT_I64, IR_HT_I64});
	hid_rd = reg_helper("rd", (void *)th_rd, IR_HT_I64, IR_HF_READS_GLOBALS, 2,
			    (const uint8_t[]){IR_HT_ENV, IR_HT_I64});
	hid_wr = reg_helper("wr", (void *)th_wr, IR_HT_VOID,
			    IR_HF_READS_GLOBALS | IR_HF_WRITES_GLOBALS, 3,
			    (const uint8_t[]){IR_HT_ENV, IR_HT_I64, IR_HT_I32});
	hid_8 = reg_helper("eight", (void *)th_8, IR_HT_I64, IR_HF_PURE, 8,
			   (const uint8_t[]){IR_HT_I64, IR_HT_I64, IR_HT_I64, IR_HT_I64, IR_HT_I64,
					     IR_HT_I64, IR_HT_I64, IR_HT_I64});
	hid_env7 = reg_helper("env7", (void *)th_env7, IR_HT_I32, IR_HF_READS_GLOBALS, 8,
			      (const uint8_t[]){IR_HT_I32, IR_HT_I64, IR_HT_ENV, IR_HT_I32,
						IR_HT_I64, IR_HT_I64, IR_HT_I64, IR_HT_I32});
	hid_i32 = reg_helper("i32", (void *)th_i32, IR_HT_I32, IR_HF_PURE, 2,
			     (const uint8_t[]){IR_HT_I32, IR_HT_I32});
	hid_exit = reg_helper("exit", (void *)th_exit, IR_HT_VOID, 0, 1,
			      (const uint8_t[]){IR_HT_ENV});
	hid_raise = reg_helper("raise", (void *)th_raise, IR_HT_VOID,
			       IR_HF_MAY_RAISE | IR_HF_NORETURN, 2,
			       (const uint8_t[]){IR_HT_ENV, IR_HT_I64});
}

static struct morph_arch test_arch = {
	.name = "x86test",
	.addr_bits = 64,
	.min_insn_bytes = 4,
	.cpu_size = sizeof(struct tenv),
	.globals = globals,
	.nglobals = NG64 + NG32,
	.init = test_arch_init,
};

/* ---- running a TB ---- */

static uint8_t *mem_a, *mem_b;

static struct tenv *new_env(uint8_t *mem)
{
	struct tenv *e = (struct tenv *)cpu_new();
	e->c.guest_base = (uintptr_t)mem;
	e->c.guest_mask = MEM_MASK;
	return e;
}

static int compile(const struct backend *be, struct tb *tb, struct ir_ctx *ctx)
{
	int r = be->compile(tb, ctx);
	if (r == -ENOSPC && be->reset) {
		be->reset();
		r = be->compile(tb, ctx);
	}
	return r;
}

static uintptr_t run(const struct backend *be, struct ir_ctx *ctx, struct tenv *env, uint64_t pc)
{
	struct tb tb = {.pc = pc};

	ck_assert_int_eq(compile(be, &tb, ctx), 0);
	if (sigsetjmp(env->c.jmp_env, 1)) {
		ir_dump(ctx, stderr);
		if (be == jit)
			jit->dump_code(&tb, stderr);
		ck_abort_msg("%s: unexpected exception %#x (fault_addr %#llx)", be->name,
			     env->c.exception, (unsigned long long)env->c.fault_addr);
	}
	uintptr_t r = be->exec(&env->c, &tb);
	ck_assert_msg(r == ((uintptr_t)&tb | TB_EXIT_OTHER), "exit value");
	if (be->free_code)
		be->free_code(&tb);
	return r;
}

static struct ir_ctx ctx_a, ctx_b;

static void ctx_init(struct ir_ctx *ctx)
{
	ir_ctx_init(ctx, globals, NG64 + NG32, offsetof(struct cpu, pc));
}

/* ---- random state and random TBs ---- */

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static uint64_t interesting(enum ir_type t)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 7, 8, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
		0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
		0x8000000000000000ull, ~0ull, ~1ull, 0xfffffffffffffff0ull, 0xffffffff80000000ull,
	};
	uint64_t x = rnd() % 3 ? v[rnd() % (sizeof(v) / sizeof(v[0]))] : rnd();
	if (rnd() % 8 == 0)
		x = (uint64_t)-(int64_t)x;
	return t == IR_I32 ? (uint32_t)x : x;
}

static void random_state(struct tenv *e, uint8_t *mem)
{
	for (unsigned i = 0; i < NG64; i++)
		e->g[i] = interesting(IR_I64);
	for (unsigned i = 0; i < NG32; i++) {
		e->H(i) = (uint32_t)interesting(IR_I32);
		e->h[2 * i + 1] = 0x5a5a5a00 + i;
	}
	for (unsigned i = 0; i < 4; i++)
		e->misc[i] = rnd();
	for (unsigned i = 0; i < MEM_SIZE + 16; i += 8) {
		uint64_t v = rnd();
		memcpy(mem + i, &v, 8);
	}
}

static void copy_state(struct tenv *dst, const struct tenv *src)
{
	memcpy(dst->g, src->g, sizeof(src->g));
	memcpy(dst->h, src->h, sizeof(src->h));
	memcpy(dst->misc, src->misc, sizeof(src->misc));
}

static bool same_state(const struct tenv *a, const struct tenv *b)
{
	for (unsigned i = 0; i < NG32; i++)
		if (a->H(i) != b->H(i) || b->h[2 * i + 1] != 0x5a5a5a00 + i)
			return false;
	return !memcmp(a->g, b->g, sizeof(a->g)) &&
	       !memcmp(a->misc, b->misc, sizeof(a->misc)) && !memcmp(mem_a, mem_b, MEM_SIZE + 16);
}

static void compare_state(const struct tenv *a, const struct tenv *b, const char *what,
			  unsigned iter)
{
	for (unsigned i = 0; i < NG64; i++)
		ck_assert_msg(a->g[i] == b->g[i], "%s #%u: g%u interp %#llx jit %#llx", what, iter, i,
			      (unsigned long long)a->g[i], (unsigned long long)b->g[i]);
	for (unsigned i = 0; i < NG32; i++) {
		ck_assert_msg(a->H(i) == b->H(i), "%s #%u: h%u interp %#x jit %#x", what, iter, i,
			      a->H(i), b->H(i));
		ck_assert_msg(b->h[2 * i + 1] == 0x5a5a5a00 + i, "%s #%u: jit wrote beyond h%u",
			      what, iter, i);
	}
	for (unsigned i = 0; i < 4; i++)
		ck_assert_msg(a->misc[i] == b->misc[i], "%s #%u: misc%u differs", what, iter, i);
	ck_assert_msg(memcmp(mem_a, mem_b, MEM_SIZE + 16) == 0, "%s #%u: guest memory differs",
		      what, iter);
}

struct gen {
	struct ir_ctx *ctx;
	ir_temp loc[2][96];
	unsigned nloc[2];
	bool in_loop;
	int depth;
};

static ir_temp g_global(enum ir_type t)
{
	return t == IR_I64 ? (ir_temp)(rnd() % NG64) : (ir_temp)(NG64 + rnd() % NG32);
}

static ir_temp g_src(struct gen *g, enum ir_type t)
{
	unsigned r = rnd() % 10;

	if (r < 4 || (r < 7 && !g->nloc[t]))
		return g_global(t);
	if (r < 7)
		return g->loc[t][rnd() % g->nloc[t]];
	return ir_const(g->ctx, t, interesting(t));
}

static ir_temp g_dst(struct gen *g, enum ir_type t)
{
	unsigned r = rnd() % 10;

	if (r < 4 || (r >= 8 && !g->nloc[t]))
		return g_global(t);
	if (r < 8 && g->nloc[t] < 96) {
		ir_temp x = ir_new_temp(g->ctx, t);
		g->loc[t][g->nloc[t]++] = x;
		return x;
	}
	return g->nloc[t] ? g->loc[t][rnd() % g->nloc[t]] : g_global(t);
}

static uint32_t g_memop(bool atomic)
{
	uint32_t mo = (uint32_t)(rnd() % 4);
	if (rnd() % 2)
		mo |= IR_MO_SIGN;
	if (rnd() % 4 == 0)
		mo |= IR_MO_BE;
	(void)atomic;
	return mo;
}

/* An aligned address local for atomics, sometimes as base + offset */
static ir_temp g_aligned_addr(struct gen *g, uint32_t mo)
{
	ir_temp a = ir_new_temp(g->ctx, IR_I64);
	unsigned size = 1u << (mo & IR_MO_SIZE);
	ir_op2i(g->ctx, IR_and, IR_I64, a, g_src(g, IR_I64), ~(uint64_t)(size - 1) & 0xfff8u);
	if (rnd() % 2) {
		ir_temp b = ir_new_temp(g->ctx, IR_I64);
		ir_op2i(g->ctx, IR_add, IR_I64, b, a, (rnd() % 64) * 8 - 256);
		return b;
	}
	return a;
}

/* A guest address: any value, or base + displacement (RISC-V style) */
static ir_temp g_addr(struct gen *g)
{
	enum ir_type at = rnd() % 4 ? IR_I64 : IR_I32;
	ir_temp base = g_src(g, at);

	if (rnd() % 2)
		return base;
	ir_temp a = ir_new_temp(g->ctx, at);
	int64_t d = rnd() % 4 ? (int64_t)(rnd() % 4096) - 2048 : (int64_t)interesting(at);
	ir_op2i(g->ctx, IR_add, at, a, base, (uint64_t)d);
	return a;
}

static void g_op(struct gen *g);

static void g_block(struct gen *g, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		g_op(g);
}

static void g_op(struct gen *g)
{
	struct ir_ctx *ctx = g->ctx;
	enum ir_type t = rnd() % 3 ? IR_I64 : IR_I32;
	unsigned k = (unsigned)(rnd() % 100);

	if (k < 6) {
		ir_mov(ctx, t, g_dst(g, t), g_src(g, t));
	} else if (k < 9) {
		ir_movi(ctx, t, g_dst(g, t), interesting(t));
	} else if (k < 40) {
		static const enum ir_opc bin[] = {
			IR_add, IR_sub, IR_mul, IR_mulsh, IR_muluh, IR_mulsuh, IR_div, IR_divu,
			IR_rem, IR_remu, IR_and, IR_or, IR_xor, IR_andc, IR_orc, IR_xnor, IR_shl,
			IR_shr, IR_sar, IR_rotl, IR_rotr, IR_add, IR_sub, IR_and, IR_shl,
		};
		enum ir_opc opc = bin[rnd() % (sizeof(bin) / sizeof(bin[0]))];
		ir_temp a = g_src(g, t), b = g_src(g, t);
		ir_op2(ctx, opc, t, g_dst(g, t), a, b);
	} else if (k < 52) {
		static const enum ir_opc un[] = {
			IR_neg, IR_not, IR_clz, IR_ctz, IR_cpop, IR_bswap, IR_ext8s, IR_ext8u,
			IR_ext16s, IR_ext16u, IR_ext32s, IR_ext32u,
		};
		enum ir_opc opc = un[rnd() % (sizeof(un) / sizeof(un[0]))];
		if (opc == IR_ext32s || opc == IR_ext32u)
			t = IR_I64;
		ir_op1(ctx, opc, t, g_dst(g, t), g_src(g, t));
	} else if (k < 56) {
		unsigned w = (unsigned)(rnd() % 3);
		if (w == 0)
			ir_op1(ctx, IR_ext_i32_i64, IR_I64, g_dst(g, IR_I64), g_src(g, IR_I32));
		else if (w == 1)
			ir_op1(ctx, IR_extu_i32_i64, IR_I64, g_dst(g, IR_I64), g_src(g, IR_I32));
		else
			ir_op1(ctx, IR_extrl_i64_i32, IR_I32, g_dst(g, IR_I32), g_src(g, IR_I64));
	} else if (k < 62) {
		enum ir_cond c = (enum ir_cond)(rnd() % 14);
		ir_temp a = g_src(g, t), b = g_src(g, t);
		ir_setcond(ctx, t, c, g_dst(g, t), a, b);
	} else if (k < 66) {
		enum ir_cond c = (enum ir_cond)(rnd() % 14);
		ir_temp a = g_src(g, t), b = g_src(g, t), v1 = g_src(g, t), v2 = g_src(g, t);
		ir_movcond(ctx, t, c, g_dst(g, t), a, b, v1, v2);
	} else if (k < 74) {
		uint32_t mo = g_memop(false);
		if ((mo & IR_MO_SIZE) == IR_MO_64)
			t = IR_I64;
		ir_temp a = g_addr(g);
		ir_ld(ctx, t, g_dst(g, t), a, mo);
	} else if (k < 81) {
		uint32_t mo = g_memop(false) & ~IR_MO_SIGN;
		if ((mo & IR_MO_SIZE) == IR_MO_64)
			t = IR_I64;
		ir_temp v = g_src(g, t), a = g_addr(g);
		ir_st(ctx, t, v, a, mo);
	} else if (k < 84) {
		/* env access, sometimes overlapping globals (g[]) */
		uint32_t sz = (uint32_t)(rnd() % 4);
		uint32_t base = rnd() % 2 ? offsetof(struct tenv, g) : offsetof(struct tenv, misc);
		uint32_t span = base == offsetof(struct tenv, misc) ? 32 : 8 * NG64;
		uint32_t off = base + ((uint32_t)rnd() % span & ~((1u << sz) - 1));
		if (sz == 3)
			t = IR_I64;
		if (rnd() % 2)
			ir_ld_env(ctx, t, g_dst(g, t), off, sz | (rnd() % 2 ? IR_MO_SIGN : 0));
		else
			ir_st_env(ctx, t, g_src(g, t), off, sz);
	} else if (k < 87) {
		uint32_t mo = g_memop(true);
		if ((mo & IR_MO_SIZE) == IR_MO_64)
			t = IR_I64;
		ir_temp a = g_aligned_addr(g, mo);
		ir_temp c = g_src(g, t), n = g_src(g, t);
		ir_cmpxchg(ctx, t, g_dst(g, t), a, c, n, mo);
	} else if (k < 90) {
		uint32_t mo = g_memop(true);
		if ((mo & IR_MO_SIZE) == IR_MO_64)
			t = IR_I64;
		ir_temp a = g_aligned_addr(g, mo);
		ir_atomic_rmw(ctx, t, (enum ir_rmw)(rnd() % 9), g_dst(g, t), a, g_src(g, t), mo);
	} else if (k < 94) {
		ir_temp args[8];
		switch (rnd() % 6) {
		case 0:
			for (int i = 0; i < 3; i++)
				args[i] = g_src(g, IR_I64);
			ir_call(ctx, hid_mix, g_dst(g, IR_I64), 3, args);
			break;
		case 1:
			args[0] = g_src(g, IR_I64);
			ir_call(ctx, hid_rd, g_dst(g, IR_I64), 1, args);
			break;
		case 2:
			args[0] = g_src(g, IR_I64);
			args[1] = g_src(g, IR_I32);
			ir_call(ctx, hid_wr, IR_TEMP_NONE, 2, args);
			break;
		case 3:
			for (int i = 0; i < 8; i++)
				args[i] = g_src(g, IR_I64);
			ir_call(ctx, hid_8, g_dst(g, IR_I64), 8, args);
			break;
		case 4: {
			static const enum ir_type at[7] = {IR_I32, IR_I64, IR_I32, IR_I64,
							   IR_I64, IR_I64, IR_I32};
			for (int i = 0; i < 7; i++)
				args[i] = g_src(g, at[i]);
			ir_call(ctx, hid_env7, g_dst(g, IR_I32), 7, args);
			break;
		}
		default:
			args[0] = g_src(g, IR_I32);
			args[1] = g_src(g, IR_I32);
			ir_call(ctx, hid_i32, g_dst(g, IR_I32), 2, args);
			break;
		}
	} else if (k < 98 && g->depth < 2) {
		/* A forward branch over a few ops */
		unsigned l = ir_new_label(ctx);
		unsigned saved[2] = {g->nloc[0], g->nloc[1]};
		enum ir_cond c = (enum ir_cond)(rnd() % 14);
		ir_temp a = g_src(g, t), b = g_src(g, t);
		ir_brcond(ctx, t, c, a, b, l);
		g->depth++;
		g_block(g, 1 + (unsigned)(rnd() % 5));
		if (rnd() % 4 == 0) {
			/* if/else shape */
			unsigned l2 = ir_new_label(ctx);
			ir_br(ctx, l2);
			ir_set_label(ctx, l);
			g->nloc[0] = saved[0];
			g->nloc[1] = saved[1];
			g_block(g, 1 + (unsigned)(rnd() % 3));
			l = l2;
		}
		g->depth--;
		ir_set_label(ctx, l);
		/* Locals first defined on one path only are not used after the join. */
		g->nloc[0] = saved[0];
		g->nloc[1] = saved[1];
	} else if (!g->in_loop && g->depth == 0) {
		/* A counted loop with a backward branch */
		ir_temp i = ir_new_temp(ctx, IR_I64);
		unsigned l = ir_new_label(ctx);
		ir_movi(ctx, IR_I64, i, 0);
		ir_set_label(ctx, l);
		g->in_loop = true;
		g->depth = 2; /* no branches inside */
		g_block(g, 2 + (unsigned)(rnd() % 6));
		g->depth = 0;
		g->in_loop = false;
		ir_op2i(ctx, IR_add, IR_I64, i, i, 1);
		ir_brcond(ctx, IR_I64, IR_COND_LTU, i, ir_const(ctx, IR_I64, 1 + rnd() % 4), l);
	}
}

static void random_tb(struct ir_ctx *ctx, unsigned nops)
{
	struct gen g = {.ctx = ctx};

	ctx_init(ctx);
	ir_insn_start(ctx, 0x1000, 4);
	g_block(&g, nops);
	ir_exit_tb(ctx, IR_EXIT_NORMAL);
	ck_assert(!ctx->overflow);
}

static struct tenv *env_a, *env_b;

static void diff_run(struct ir_ctx *ctx, const char *what, unsigned iter)
{
	random_state(env_a, mem_a);
	copy_state(env_b, env_a);
	memcpy(mem_b, mem_a, MEM_SIZE + 16);
	ir_lower(ctx, jit);
	run(ref, ctx, env_a, 0x1000);
	run(jit, ctx, env_b, 0x1000);
	if (!same_state(env_a, env_b)) {
		/* Show the TB and its code before failing */
		struct tb tb = {.pc = 0x1000};
		ir_dump(ctx, stderr);
		if (compile(jit, &tb, ctx) == 0)
			jit->dump_code(&tb, stderr);
	}
	compare_state(env_a, env_b, what, iter);
}

/* MORPH_TEST_SCALE=n runs n times more random TBs (with other seeds). */
static unsigned test_scale(void)
{
	const char *s = getenv("MORPH_TEST_SCALE");
	return s && atoi(s) > 0 ? (unsigned)atoi(s) : 1;
}

static void random_diff(unsigned n, unsigned nops, uint64_t seed)
{
	n *= test_scale();
	for (unsigned it = 0; it < n; it++) {
		rng = seed + it * 0x9e3779b97f4a7c15ull;
		rnd();
		random_tb(&ctx_a, nops);
		memcpy(&ctx_b, &ctx_a, sizeof(ctx_a));
		diff_run(&ctx_a, "unoptimized", it);
		ir_optimize(&ctx_b);
		diff_run(&ctx_b, "optimized", it);
	}
}

START_TEST(test_random_small)
{
	random_diff(10000, 8, 0x1234);
}
END_TEST

START_TEST(test_random_large)
{
	random_diff(2000, 60, 0xabcdef);
}
END_TEST

/* Without BMI1/BMI2/LZCNT/POPCNT the JIT uses bsr/bsf, shifts by cl and helpers. */
START_TEST(test_random_no_features)
{
	extern unsigned x86_features;
	unsigned saved = x86_features;
	x86_features = 0;
	random_diff(2000, 20, 0x5555);
	x86_features = saved;
}
END_TEST

/* ---- every op on interesting values against ir_fold() ---- */

START_TEST(test_fold_semantics)
{
	static const enum ir_opc ops[] = {
		IR_add, IR_sub, IR_mul, IR_mulsh, IR_muluh, IR_mulsuh, IR_div, IR_divu, IR_rem,
		IR_remu, IR_and, IR_or, IR_xor, IR_andc, IR_orc, IR_xnor, IR_shl, IR_shr, IR_sar,
		IR_rotl, IR_rotr, IR_neg, IR_not, IR_clz, IR_ctz, IR_cpop, IR_bswap, IR_ext8s,
		IR_ext8u, IR_ext16s, IR_ext16u, IR_ext32s, IR_ext32u,
	};
	static const uint64_t vals[] = {
		0, 1, 5, 31, 32, 63, 64, 65, 0x80, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
		0x8000000000000000ull, 0x7fffffffffffffffull, ~0ull, 0xfffffffffffffffbull,
		0x0123456789abcdefull,
	};
	const unsigned nv = sizeof(vals) / sizeof(vals[0]);

	rng = 99;
	for (unsigned oi = 0; oi < sizeof(ops) / sizeof(ops[0]); oi++) {
		enum ir_opc opc = ops[oi];
		bool bin = ir_op_defs[opc].nin == 2;
		for (int ti = 0; ti < 2; ti++) {
			enum ir_type t = ti ? IR_I64 : IR_I32;
			if (t == IR_I32 && (opc == IR_ext32s || opc == IR_ext32u))
				continue;
			/* form 0: regs, 1: b constant, 2: a constant */
			for (int form = 0; form < (bin ? 3 : 2); form++) {
				ctx_init(&ctx_a);
				ir_temp ga = t == IR_I64 ? 0 : NG64, gb = t == IR_I64 ? 1 : NG64 + 1;
				ir_temp gd = t == IR_I64 ? 2 : NG64 + 2;
				/* one TB per (a, b) would be slow: run each value pair separately */
				for (unsigned i = 0; i < nv; i++) {
					for (unsigned j = 0; j < (bin ? nv : 1); j++) {
						uint64_t in[2] = {vals[i], vals[j]}, want;
						if (t == IR_I32) {
							in[0] = (uint32_t)in[0];
							in[1] = (uint32_t)in[1];
						}
						ctx_init(&ctx_a);
						ir_temp a = form == 2 ? ir_const(&ctx_a, t, in[0]) : ga;
						ir_temp b = form == 1 ? ir_const(&ctx_a, t, in[1]) : gb;
						if (bin)
							ir_op2(&ctx_a, opc, t, gd, a, b);
						else
							ir_op1(&ctx_a, opc, t, gd,
							       form == 1 ? ir_const(&ctx_a, t, in[0]) : a);
						ir_exit_tb(&ctx_a, IR_EXIT_NORMAL);
						ir_lower(&ctx_a, jit);
						ck_assert(ir_fold(opc, t, in, &want));
						env_b->g[0] = env_b->H(0) = 0;
						if (t == IR_I64) {
							env_b->g[0] = in[0];
							env_b->g[1] = in[1];
						} else {
							env_b->H(0) = (uint32_t)in[0];
							env_b->H(1) = (uint32_t)in[1];
						}
						run(jit, &ctx_a, env_b, 0x1000);
						uint64_t got = t == IR_I64 ? env_b->g[2] : env_b->H(2);
						ck_assert_msg(got == want,
							      "%s.%s form %d (%#llx, %#llx): jit %#llx, "
							      "fold %#llx",
							      ir_op_defs[opc].name, t == IR_I64 ? "i64" : "i32",
							      form, (unsigned long long)in[0],
							      (unsigned long long)in[1],
							      (unsigned long long)got,
							      (unsigned long long)want);
					}
				}
			}
		}
	}
}
END_TEST

/* setcond/brcond with every condition on every pair of interesting values */
START_TEST(test_conditions)
{
	static const uint64_t vals[] = {0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff,
					0x8000000000000000ull, ~0ull, 0x100000000ull};
	const unsigned nv = sizeof(vals) / sizeof(vals[0]);

	for (int ti = 0; ti < 2; ti++) {
		enum ir_type t = ti ? IR_I64 : IR_I32;
		ir_temp ga = t == IR_I64 ? 0 : NG64, gb = t == IR_I64 ? 1 : NG64 + 1;
		for (unsigned c = 0; c < 14; c++)
			for (unsigned i = 0; i < nv; i++)
				for (unsigned j = 0; j < nv; j++) {
					uint64_t a = vals[i], b = vals[j];
					if (t == IR_I32) {
						a = (uint32_t)a;
						b = (uint32_t)b;
					}
					bool want = ir_eval_cond(c, t, a, b);
					ctx_init(&ctx_a);
					unsigned l = ir_new_label(&ctx_a);
					ir_setcond(&ctx_a, IR_I64 == t ? IR_I64 : IR_I32, c,
						   t == IR_I64 ? 2 : NG64 + 2, ga,
						   j & 1 ? ir_const(&ctx_a, t, b) : gb);
					ir_movi(&ctx_a, IR_I64, 3, 0);
					ir_brcond(&ctx_a, t, c, i & 1 ? ir_const(&ctx_a, t, a) : ga, gb,
						  l);
					ir_movi(&ctx_a, IR_I64, 3, 1);
					ir_set_label(&ctx_a, l);
					ir_movcond(&ctx_a, IR_I64, c, 4, ga, gb, ir_const(&ctx_a, IR_I64, 11),
						   5);
					ir_exit_tb(&ctx_a, IR_EXIT_NORMAL);
					if (t == IR_I64) {
						env_b->g[0] = a;
						env_b->g[1] = b;
					} else {
						env_b->H(0) = (uint32_t)a;
						env_b->H(1) = (uint32_t)b;
					}
					env_b->g[5] = 22;
					run(jit, &ctx_a, env_b, 0x1000);
					uint64_t got = t == IR_I64 ? env_b->g[2] : env_b->H(2);
					ck_assert_msg(got == want, "setcond %u (%#llx, %#llx)", c,
						      (unsigned long long)a, (unsigned long long)b);
					ck_assert_msg(env_b->g[3] == !want, "brcond %u", c);
					ck_assert_msg(env_b->g[4] == (want ? 11u : 22u), "movcond %u", c);
				}
	}
}
END_TEST

/* ---- exits, chaining, jump cache ---- */

static void tb_add_g(struct ir_ctx *ctx, unsigned g, uint64_t v)
{
	ir_op2i(ctx, IR_add, IR_I64, g, g, v);
}

START_TEST(test_goto_tb_and_chain)
{
	struct tb a = {.pc = 0x1000}, b = {.pc = 0x2000};

	ctx_init(&ctx_a);
	tb_add_g(&ctx_a, 0, 1);
	ir_goto_tb(&ctx_a, 1, 0x2000);
	ck_assert_int_eq(compile(jit, &a, &ctx_a), 0);
	ck_assert_uint_eq(a.jmp_pc[1], 0x2000);
	ck_assert_uint_le(((uintptr_t)a.code + a.jmp_patch[1]) % 64, 60);

	ctx_init(&ctx_a);
	tb_add_g(&ctx_a, 1, 10);
	ir_set_pci(&ctx_a, IR_I64, 0x3000);
	ir_exit_tb(&ctx_a, IR_EXIT_NORMAL);
	ck_assert_int_eq(compile(jit, &b, &ctx_a), 0);

	env_b->g[0] = env_b->g[1] = 0;
	env_b->c.pc = 0x1000;
	uintptr_t r = jit->exec(&env_b->c, &a);
	ck_assert(r == ((uintptr_t)&a | 1));
	ck_assert_uint_eq(env_b->c.pc, 0x2000);
	ck_assert_uint_eq(env_b->g[0], 1);
	ck_assert_uint_eq(env_b->g[1], 0);

	jit->chain(&a, 1, &b);
	r = jit->exec(&env_b->c, &a);
	ck_assert(r == ((uintptr_t)&b | TB_EXIT_OTHER));
	ck_assert_uint_eq(env_b->c.pc, 0x3000);
	ck_assert_uint_eq(env_b->g[0], 2);
	ck_assert_uint_eq(env_b->g[1], 10);

	/* An exit request stops the chain at b's entry, with b's pc stored */
	env_b->c.exit_request = 1;
	r = jit->exec(&env_b->c, &a);
	ck_assert(r == ((uintptr_t)&a | TB_EXIT_OTHER));
	ck_assert_uint_eq(env_b->g[0], 2);
	ck_assert_uint_eq(env_b->c.pc, 0x1000);
	env_b->c.exit_request = 0;

	jit->unchain(&a, 1);
	r = jit->exec(&env_b->c, &a);
	ck_assert(r == ((uintptr_t)&a | 1));
	ck_assert_uint_eq(env_b->c.pc, 0x2000);
	ck_assert_uint_eq(env_b->g[0], 3);
	ck_assert_uint_eq(env_b->g[1], 10);
}
END_TEST

/* The usual TB end: brcond L; goto_tb 1; L: goto_tb 0 (the jcc is slot 0's jump). */
START_TEST(test_conditional_exit_chain)
{
	struct tb a = {.pc = 0x1000}, b = {.pc = 0x2000}, c = {.pc = 0x3000};
	unsigned l;
	uintptr_t r;

	ctx_init(&ctx_a);
	tb_add_g(&ctx_a, 0, 1);
	l = ir_new_label(&ctx_a);
	ir_brcond(&ctx_a, IR_I64, IR_COND_LTU, 0, 1, l);
	ir_goto_tb(&ctx_a, 1, 0x3000);
	ir_set_label(&ctx_a, l);
	ir_goto_tb(&ctx_a, 0, 0x2000);
	ck_assert_int_eq(compile(jit, &a, &ctx_a), 0);
	ck_assert_uint_le(((uintptr_t)a.code + a.jmp_patch[0]) % 64, 60);
	ck_assert_uint_le(((uintptr_t)a.code + a.jmp_patch[1]) % 64, 60);
	ck_assert_uint_eq(a.jmp_pc[0], 0x2000);
	ck_assert_uint_eq(a.jmp_pc[1], 0x3000);
	for (int i = 0; i < 2; i++) {
		struct tb *t = i ? &c : &b;
		ctx_init(&ctx_a);
		tb_add_g(&ctx_a, 2 + i, 1);
		ir_set_pci(&ctx_a, IR_I64, 0x9000);
		ir_exit_tb(&ctx_a, IR_EXIT_NORMAL);
		ck_assert_int_eq(compile(jit, t, &ctx_a), 0);
	}
	env_b->g[2] = env_b->g[3] = 0;
	for (int round = 0; round < 3; round++) {
		/* round 0: unchained, 1: chained, 2: slot 0 unchained again */
		if (round == 1) {
			jit->chain(&a, 0, &b);
			jit->chain(&a, 1, &c);
		}
		if (round == 2)
			jit->unchain(&a, 0);
		for (int taken = 0; taken < 2; taken++) {
			env_b->g[0] = taken ? 5 : 50;
			env_b->g[1] = 20;
			uint64_t g2 = env_b->g[2], g3 = env_b->g[3];
			r = jit->exec(&env_b->c, &a);
			ck_assert_uint_eq(env_b->g[0], taken ? 6 : 51);
			bool chained = round == 1 || (round == 2 && !taken);
			if (!chained) {
				ck_assert(r == ((uintptr_t)&a | (taken ? 0 : 1)));
				ck_assert_uint_eq(env_b->c.pc, taken ? 0x2000 : 0x3000);
				ck_assert_uint_eq(env_b->g[2], g2);
				ck_assert_uint_eq(env_b->g[3], g3);
			} else {
				ck_assert(r == ((uintptr_t)(taken ? &b : &c) | TB_EXIT_OTHER));
				ck_assert_uint_eq(env_b->c.pc, 0x9000);
				ck_assert_uint_eq(env_b->g[2], g2 + (taken ? 1 : 0));
				ck_assert_uint_eq(env_b->g[3], g3 + (taken ? 0 : 1));
			}
		}
	}
}
END_TEST

/*
 * A request raised while a TB runs stops the chain at the entry of the next
 * TB reached by a jump back (to a lower or the same pc); a jump forward
 * enters past the check (every cycle of TBs has a jump back).
 */
START_TEST(test_exit_request_chained)
{
	struct tb a = {.pc = 0x3000}, b = {.pc = 0x2000}, fwd = {.pc = 0x1000};

	ctx_init(&ctx_a);
	tb_add_g(&ctx_a, 0, 1);
	ir_call(&ctx_a, hid_exit, IR_TEMP_NONE, 0, NULL);
	ir_goto_tb(&ctx_a, 0, 0x2000);
	ck_assert_int_eq(compile(jit, &a, &ctx_a), 0);
	ctx_init(&ctx_a);
	tb_add_g(&ctx_a, 1, 1);
	ir_exit_tb(&ctx_a, IR_EXIT_NORMAL);
	ck_assert_int_eq(compile(jit, &b, &ctx_a), 0);
	jit->chain(&a, 0, &b);

	env_b->g[0] = env_b->g[1] = 0;
	env_b->c.exit_request = 0;
	env_b->c.pc = 0x1000;
	uintptr_t r = jit->exec(&env_b->c, &a);
	ck_assert(r == ((uintptr_t)&b | TB_EXIT_OTHER));
	ck_assert_uint_eq(env_b->c.pc, 0x2000);
	ck_assert_uint_eq(env_b->g[0], 1);
	ck_assert_uint_eq(env_b->g[1], 0);
	env_b->c.exit_request = 0;
	r = jit->exec(&env_b->c, &b);
	ck_assert(r == ((uintptr_t)&b | TB_EXIT_OTHER));
	ck_assert_uint_eq(env_b->g[1], 1);

	/* The same request raised in a TB below b: b runs to its end. */
	ctx_init(&ctx_a);
	tb_add_g(&ctx_a, 0, 1);
	ir_call(&ctx_a, hid_exit, IR_TEMP_NONE, 0, NULL);
	ir_goto_tb(&ctx_a, 0, 0x2000);
	ck_assert_int_eq(compile(jit, &fwd, &ctx_a), 0);
	jit->chain(&fwd, 0, &b);
	env_b->g[0] = env_b->g[1] = 0;
	env_b->c.exit_request = 0;
	r = jit->exec(&env_b->c, &fwd);
	ck_assert(r == ((uintptr_t)&b | TB_EXIT_OTHER));
	ck_assert_uint_eq(env_b->g[0], 1);
	ck_assert_uint_eq(env_b->g[1], 1);
	ck_assert_uint_ne(env_b->c.exit_request, 0);
	env_b->c.exit_request = 0;
}
END_TEST

START_TEST(test_lookup_and_goto)
{
	struct tb a = {.pc = 0x1000, .flags = 7}, b = {.pc = 0x4444, .key = 0x4444, .flags = 7};

	ctx_init(&ctx_a);
	tb_add_g(&ctx_a, 0, 1);
	ir_set_pc(&ctx_a, IR_I64, 5); /* pc = g5 */
	ir_lookup_and_goto(&ctx_a);
	ck_assert_int_eq(compile(jit, &a, &ctx_a), 0);
	ctx_init(&ctx_a);
	tb_add_g(&ctx_a, 1, 1);
	ir_exit_tb(&ctx_a, IR_EXIT_NORMAL);
	ck_assert_int_eq(compile(jit, &b, &ctx_a), 0);

	tb_jmp_cache_clear(&env_b->c);
	env_b->g[0] = env_b->g[1] = 0;
	env_b->g[5] = 0x4444;
	env_b->c.tb_flags = 7;

	/* empty cache: miss */
	uintptr_t r = jit->exec(&env_b->c, &a);
	ck_assert(r == ((uintptr_t)&a | TB_EXIT_OTHER));
	ck_assert_uint_eq(env_b->c.pc, 0x4444);
	ck_assert_uint_eq(env_b->g[1], 0);

	/* hit */
	env_b->c.jmp_cache[tb_jmp_cache_hash(&env_b->c, 0x4444)] = &b;
	r = jit->exec(&env_b->c, &a);
	ck_assert(r == ((uintptr_t)&b | TB_EXIT_OTHER));
	ck_assert_uint_eq(env_b->g[1], 1);

	/*
	 * other flags, other pc, invalid: miss. (env->tb_flags always equals the
	 * running TB's flags: a TB with other flags is the one that must miss.)
	 */
	b.flags = 6;
	r = jit->exec(&env_b->c, &a);
	ck_assert(r == ((uintptr_t)&a | TB_EXIT_OTHER));
	b.flags = 7;
	env_b->g[5] = 0x4444 + (1ull << 40);
	ck_assert_uint_eq(tb_jmp_cache_hash(&env_b->c, env_b->g[5]), tb_jmp_cache_hash(&env_b->c, 0x4444));
	r = jit->exec(&env_b->c, &a);
	ck_assert(r == ((uintptr_t)&a | TB_EXIT_OTHER));
	env_b->g[5] = 0x4444;
	b.invalid = true; /* as tb_invalidate() leaves it */
	b.key = TB_KEY_INVALID;
	r = jit->exec(&env_b->c, &a);
	ck_assert(r == ((uintptr_t)&a | TB_EXIT_OTHER));
	ck_assert_uint_eq(env_b->g[1], 1);
	b.invalid = false;
	b.key = 0x4444;
	r = jit->exec(&env_b->c, &a);
	ck_assert(r == ((uintptr_t)&b | TB_EXIT_OTHER));
	ck_assert_uint_eq(env_b->g[1], 2);
	tb_jmp_cache_clear(&env_b->c);
}
END_TEST

/* ---- precise exceptions ---- */

/* Both backends: a misaligned IR_MO_ALIGN access raises EXCP_BUS with state exact. */
START_TEST(test_unaligned_raise)
{
	for (volatile int be = 0; be < 2; be++) {
		const struct backend *B = be ? jit : ref;
		struct tenv *e = be ? env_b : env_a;
		struct tb tb = {.pc = 0x2000};

		for (volatile int write = 0; write < 2; write++) {
			ctx_init(&ctx_a);
			ir_insn_start(&ctx_a, 0x2000, 4);
			tb_add_g(&ctx_a, 3, 5);
			ir_insn_start(&ctx_a, 0x2004, 4);
			if (write)
				ir_st(&ctx_a, IR_I64, 4, 5, IR_MO_32 | IR_MO_ALIGN);
			else
				ir_ld(&ctx_a, IR_I64, 4, 5, IR_MO_32 | IR_MO_ALIGN);
			tb_add_g(&ctx_a, 3, 5);
			ir_exit_tb(&ctx_a, IR_EXIT_NORMAL);
			ck_assert_int_eq(compile(B, &tb, &ctx_a), 0);

			e->g[3] = 100;
			e->g[4] = 7;
			e->g[5] = 0x102;
			e->c.exception = EXCP_NONE;
			if (sigsetjmp(e->c.jmp_env, 1) == 0) {
				B->exec(&e->c, &tb);
				ck_abort_msg("no exception");
			}
			ck_assert_int_eq(e->c.exception, EXCP_BUS);
			ck_assert_uint_eq(e->c.fault_addr, 0x102);
			ck_assert_uint_eq(e->c.fault_is_write, (unsigned)write);
			ck_assert_uint_eq(e->c.pc, 0x2004);
			ck_assert_uint_eq(e->g[3], 105);
			ck_assert_uint_eq(e->g[4], 7);

			/* aligned: no exception */
			e->g[5] = 0x104;
			B->exec(&e->c, &tb);
			ck_assert_uint_eq(e->g[3], 115);
			if (B->free_code)
				B->free_code(&tb);
		}
	}
}
END_TEST

START_TEST(test_helper_raise)
{
	for (volatile int be = 0; be < 2; be++) {
		const struct backend *B = be ? jit : ref;
		struct tenv *e = be ? env_b : env_a;
		struct tb tb = {.pc = 0x3000};
		ir_temp arg;

		ctx_init(&ctx_a);
		ir_insn_start(&ctx_a, 0x3000, 4);
		tb_add_g(&ctx_a, 6, 1);
		ir_op2i(&ctx_a, IR_add, IR_I32, NG64, NG64, 2);
		ir_insn_start(&ctx_a, 0x3008, 4);
		arg = ir_new_temp(&ctx_a, IR_I64);
		ir_op2i(&ctx_a, IR_mul, IR_I64, arg, 6, 3);
		ir_call(&ctx_a, hid_raise, IR_TEMP_NONE, 1, &arg);
		ir_exit_tb(&ctx_a, IR_EXIT_NORMAL);
		ck_assert_int_eq(compile(B, &tb, &ctx_a), 0);
		e->g[6] = 10;
		e->H(0) = 40;
		if (sigsetjmp(e->c.jmp_env, 1) == 0) {
			B->exec(&e->c, &tb);
			ck_abort_msg("no exception");
		}
		ck_assert_int_eq(e->c.exception, EXCP_TRAP);
		ck_assert_uint_eq(e->c.pc, 0x3008);
		ck_assert_uint_eq(e->g[6], 11);
		ck_assert_uint_eq(e->H(0), 42);
		ck_assert_uint_eq(e->misc[3], 33);
		if (B->free_code)
			B->free_code(&tb);
	}
}
END_TEST

static sigjmp_buf segv_jmp;
static struct tb *segv_tb;
static volatile uint64_t segv_pc;

static void segv_handler(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];

	if (rip >= (uintptr_t)segv_tb->code && rip < (uintptr_t)segv_tb->code + segv_tb->code_size) {
		segv_pc = jit->guest_pc_of(segv_tb, rip);
		/* as cpu_restore_state_from_host(): globals held in host registers */
		if (jit->restore_regs)
			jit->restore_regs(segv_tb, &env_b->c, rip, uc);
	} else
		segv_pc = 1;
	siglongjmp(segv_jmp, 1);
}

/* Run @tb on @e, which must fault: segv_pc is then the guest pc of the faulting access. */
static void run_to_segv(struct tenv *e, struct tb *tb)
{
	struct sigaction sa = {.sa_sigaction = segv_handler, .sa_flags = SA_SIGINFO};
	struct sigaction old;

	segv_tb = tb;
	sigaction(SIGSEGV, &sa, &old);
	segv_pc = 0;
	if (sigsetjmp(segv_jmp, 1) == 0) {
		jit->exec(&e->c, tb);
		ck_abort_msg("no fault");
	}
	sigaction(SIGSEGV, &old, NULL);
}

/* A host fault in translated code maps back to the exact guest instruction. */
START_TEST(test_host_fault_pc)
{
	struct tb tb = {.pc = 0x5000};
	uint8_t *m = mmap(NULL, 0x20000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			  0);
	ck_assert(m != MAP_FAILED);
	ck_assert_int_eq(mprotect(m + 0x10000, 0x10000, PROT_NONE), 0);

	for (unsigned which = 0; which < 3; which++) {
		ctx_init(&ctx_a);
		for (unsigned i = 0; i < 3; i++) {
			ir_insn_start(&ctx_a, 0x5000 + 4 * i, 4);
			tb_add_g(&ctx_a, 7, 1);
			ir_temp addr = i == which ? 9 : 8; /* g9: bad address */
			if (i == 1)
				ir_st(&ctx_a, IR_I64, 7, addr, IR_MO_64);
			else
				ir_ld(&ctx_a, IR_I64, 10, addr, IR_MO_16);
		}
		ir_exit_tb(&ctx_a, IR_EXIT_NORMAL);
		ck_assert_int_eq(compile(jit, &tb, &ctx_a), 0);

		struct tenv *e = env_b;
		e->c.guest_base = (uintptr_t)m;
		e->c.guest_mask = 0x1ffff;
		e->g[7] = 0;
		e->g[8] = 0x100;
		e->g[9] = 0x10100;
		run_to_segv(e, &tb);
		ck_assert_uint_eq(segv_pc, 0x5000 + 4 * which);
		/* globals as before the access (written back, or restored from registers) */
		ck_assert_uint_eq(e->g[7], which + 1);
		e->c.guest_base = (uintptr_t)mem_b;
		e->c.guest_mask = MEM_MASK;
	}
	jit->free_code(&tb);
	munmap(m, 0x20000);
}
END_TEST

/* ---- atomics from two threads ---- */

struct thr {
	struct tenv *env;
	struct tb *tb;
};

static void *atomic_thread(void *p)
{
	struct thr *t = p;
	for (int i = 0; i < 200; i++)
		jit->exec(&t->env->c, t->tb);
	return NULL;
}

START_TEST(test_atomics_threads)
{
	struct tb tb = {.pc = 0x6000};
	ir_temp i;
	unsigned l;

	/* loop 500 times: mem[0x100] += 1 (xadd), BE mem32[0x200] += 1 (cmpxchg loop),
	 * mem[0x300] = smax(mem, counter) */
	ctx_init(&ctx_a);
	i = ir_new_temp(&ctx_a, IR_I64);
	l = ir_new_label(&ctx_a);
	ir_movi(&ctx_a, IR_I64, i, 0);
	ir_set_label(&ctx_a, l);
	ir_temp old = ir_new_temp(&ctx_a, IR_I64);
	ir_atomic_rmw(&ctx_a, IR_I64, IR_RMW_ADD, old, ir_const(&ctx_a, IR_I64, 0x100),
		      ir_const(&ctx_a, IR_I64, 1), IR_MO_64);
	ir_atomic_rmw(&ctx_a, IR_I64, IR_RMW_ADD, old, ir_const(&ctx_a, IR_I64, 0x200),
		      ir_const(&ctx_a, IR_I64, 1), IR_MO_32 | IR_MO_BE);
	ir_atomic_rmw(&ctx_a, IR_I64, IR_RMW_SMAX, old, ir_const(&ctx_a, IR_I64, 0x300), i,
		      IR_MO_64);
	ir_op2i(&ctx_a, IR_add, IR_I64, i, i, 1);
	ir_brcond(&ctx_a, IR_I64, IR_COND_LTU, i, ir_const(&ctx_a, IR_I64, 500), l);
	ir_exit_tb(&ctx_a, IR_EXIT_NORMAL);
	ck_assert_int_eq(compile(jit, &tb, &ctx_a), 0);

	memset(mem_b, 0, MEM_SIZE);
	struct tenv *e2 = new_env(mem_b);
	struct thr t1 = {env_b, &tb}, t2 = {e2, &tb};
	pthread_t p1, p2;
	pthread_create(&p1, NULL, atomic_thread, &t1);
	pthread_create(&p2, NULL, atomic_thread, &t2);
	pthread_join(p1, NULL);
	pthread_join(p2, NULL);
	uint64_t v;
	uint32_t w;
	memcpy(&v, mem_b + 0x100, 8);
	ck_assert_uint_eq(v, 2 * 200 * 500);
	memcpy(&w, mem_b + 0x200, 4);
	ck_assert_uint_eq(__builtin_bswap32(w), 2 * 200 * 500);
	memcpy(&v, mem_b + 0x300, 8);
	ck_assert_uint_eq(v, 499);
	cpu_free(&e2->c);
	jit->free_code(&tb);
}
END_TEST

/* ---- fork: parent and child must not share the code cache ---- */

/* Random TBs under both backends, without Check (usable in a forked child). */
static int fork_worker(uint64_t seed, unsigned n)
{
	for (unsigned it = 0; it < n; it++) {
		struct tb ta = {.pc = 0x1000}, tj = {.pc = 0x1000};
		rng = seed + it * 0x9e3779b97f4a7c15ull;
		rnd();
		random_tb(&ctx_a, 30);
		ir_lower(&ctx_a, jit);
		random_state(env_a, mem_a);
		copy_state(env_b, env_a);
		memcpy(mem_b, mem_a, MEM_SIZE + 16);
		if (compile(ref, &ta, &ctx_a) || compile(jit, &tj, &ctx_a))
			return 2;
		ref->exec(&env_a->c, &ta);
		jit->exec(&env_b->c, &tj);
		ref->free_code(&ta);
		if (!same_state(env_a, env_b))
			return 1;
	}
	return 0;
}

START_TEST(test_fork_cache)
{
	/* Some code exists before the fork, as in a real guest. */
	ck_assert_int_eq(fork_worker(0x77, 50), 0);
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(fork_worker(0x1111, 1500));
	int mine = fork_worker(0x2222, 1500), status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(mine, 0);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/* ---- code cache full, reset, dump ---- */

START_TEST(test_cache_full)
{
	struct tb tb = {.pc = 0x7000};
	unsigned n = 0;
	int r;

	random_tb(&ctx_a, 60);
	while ((r = jit->compile(&tb, &ctx_a)) == 0)
		n++;
	ck_assert_int_eq(r, -ENOSPC);
	ck_assert_uint_gt(n, 10);
	jit->reset();
	ck_assert_int_eq(jit->compile(&tb, &ctx_a), 0);
	/* the fresh code runs */
	random_state(env_a, mem_a);
	copy_state(env_b, env_a);
	memcpy(mem_b, mem_a, MEM_SIZE + 16);
	ir_lower(&ctx_a, jit);
	run(ref, &ctx_a, env_a, 0x7000);
	jit->exec(&env_b->c, &tb);
	compare_state(env_a, env_b, "after reset", 0);
}
END_TEST

/*
 * User mode with guards around the guest space (cpu.h GUEST_BASE_GUARD): an
 * address add goes into the access as a displacement after the mask, in
 * range it reads and writes the same bytes, and a displacement that leaves
 * the space below address 0 faults in the guard instead of wrapping.
 */
START_TEST(test_fold_disp)
{
	const size_t space = 0x20000, guard = GUEST_BASE_GUARD;
	struct tb tb = {.pc = 0x9000};
	uint8_t *m = mmap(NULL, space + 2 * guard, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *text = NULL;
	size_t len = 0;

	ck_assert(m != MAP_FAILED);
	ck_assert_int_eq(mprotect(m + guard, space, PROT_READ | PROT_WRITE), 0);
	uint8_t *base = m + guard;

	for (unsigned bad = 0; bad < 2; bad++) {
		struct tenv *e = env_b;
		ctx_init(&ctx_a);
		ir_insn_start(&ctx_a, 0x9000, 4);
		ir_temp ad = ir_new_temp(&ctx_a, IR_I64);
		ir_op2i(&ctx_a, IR_add, IR_I64, ad, 8, 0x18);
		ir_ld(&ctx_a, IR_I64, 1, ad, IR_MO_64);
		ir_insn_start(&ctx_a, 0x9004, 4);
		ir_temp ad2 = ir_new_temp(&ctx_a, IR_I64);
		ir_op2i(&ctx_a, IR_add, IR_I64, ad2, 8, (uint64_t)-0x10);
		ir_st(&ctx_a, IR_I64, 1, ad2, IR_MO_64);
		ir_exit_tb(&ctx_a, IR_EXIT_NORMAL);

		e->c.guest_base = (uintptr_t)base;
		e->c.guest_mask = space - 1;
		e->c.guest_guarded = true;
		current_cpu = &e->c;
		ck_assert_int_eq(compile(jit, &tb, &ctx_a), 0);
		current_cpu = NULL;
		if (!bad) {
			FILE *f = open_memstream(&text, &len);
			jit->dump_code(&tb, f);
			fclose(f);
			ck_assert_ptr_nonnull(strstr(text, "qword ptr [r14 + r11 + 0x18]"));
			ck_assert_ptr_nonnull(strstr(text, "qword ptr [r14 + r11 - 0x10]"));
			free(text);
			text = NULL;
			memcpy(base + 0x1018, &(uint64_t){0x1122334455667788ull}, 8);
			e->g[8] = 0x1000;
			jit->exec(&e->c, &tb);
			uint64_t v;
			memcpy(&v, base + 0x0ff0, 8);
			ck_assert_uint_eq(e->g[1], 0x1122334455667788ull);
			ck_assert_uint_eq(v, 0x1122334455667788ull);
		} else {
			/* 0x8 - 0x10 is below the guest space: the guard, not its top */
			memcpy(base + 0x20, &(uint64_t){7}, 8);
			e->g[8] = 0x8;
			run_to_segv(e, &tb);
			ck_assert_uint_eq(segv_pc, 0x9004);
			ck_assert_uint_eq(e->g[1], 7);
		}
		e->c.guest_base = (uintptr_t)mem_b;
		e->c.guest_mask = MEM_MASK;
		e->c.guest_guarded = false;
		jit->free_code(&tb);
	}
	munmap(m, space + 2 * guard);
}
END_TEST

START_TEST(test_dump)
{
	struct tb tb = {.pc = 0x8000};
	char *text = NULL;
	size_t len = 0;

	ctx_init(&ctx_a);
	ir_insn_start(&ctx_a, 0x8000, 4);
	tb_add_g(&ctx_a, 0, 1);
	ir_insn_start(&ctx_a, 0x8004, 4);
	ir_temp ad = ir_new_temp(&ctx_a, IR_I64);
	ir_op2i(&ctx_a, IR_add, IR_I64, ad, 0, 0x18);
	ir_ld(&ctx_a, IR_I64, 1, ad, IR_MO_64);
	ir_goto_tb(&ctx_a, 0, 0x8008);
	ck_assert_int_eq(compile(jit, &tb, &ctx_a), 0);
	FILE *f = open_memstream(&text, &len);
	jit->dump_code(&tb, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "guest pc 0x8000"));
	ck_assert_ptr_nonnull(strstr(text, "guest pc 0x8004"));
	ck_assert_ptr_nonnull(strstr(text, "qword ptr [r14 + r11]"));
	/* the address add is folded into the access */
	ck_assert_ptr_nonnull(strstr(text, "r11, [rbx + 0x18]"));
	ck_assert_ptr_nonnull(strstr(text, "jmp"));
	free(text);
	ck_assert_uint_eq(jit->guest_pc_of(&tb, (uintptr_t)tb.code), 0x8000);
	ck_assert_uint_eq(jit->guest_pc_of(&tb, (uintptr_t)tb.code + tb.code_size - 1), 0x8004);
}
END_TEST


/*
 * IR_fpop: the JIT's inline SSE against its fallback, which here is the
 * software IEEE arithmetic of src/fpu with canonical NaNs (RISC-V's rules),
 * or with IR_FP_NAN_IN the legacy MIPS NaNs (a set quiet bit signals):
 * results and IEEE flags must agree for special and random operands, boxed,
 * unboxed and plain (IR_FP_F32) singles, and with the guard on and off.
 */
#define FP_FLAGS misc[3]
#define FP_GUARD misc[2]
#define NANBOX 0xffffffff00000000ull

static uint64_t fp_ref(struct tenv *e, uint64_t a, uint64_t b, uint64_t kind)
{
	struct fpu_status st = {FPU_RNE, 0, FPU_NAN_DEFAULT, (kind & IR_FP_NAN_IN) != 0};
	bool f32 = kind & (IR_FP_F32BOX | IR_FP_F32), boxed = kind & IR_FP_F32BOX;
	enum fpu_fmt fmt = f32 ? FPU_F32 : FPU_F64;
	uint64_t r;

	if (boxed) {
		a = (a & NANBOX) == NANBOX ? (uint32_t)a : 0x7fc00000u;
		b = (b & NANBOX) == NANBOX ? (uint32_t)b : 0x7fc00000u;
	}
	switch (IR_FP_KIND(kind)) {
	case IR_FP_ADD: r = fpu_add(fmt, a, b, &st); break;
	case IR_FP_SUB: r = fpu_sub(fmt, a, b, &st); break;
	case IR_FP_MUL: r = fpu_mul(fmt, a, b, &st); break;
	case IR_FP_DIV: r = fpu_div(fmt, a, b, &st); break;
	case IR_FP_SQRT: r = fpu_sqrt(fmt, a, &st); break;
	default: {
		enum fpu_relation rel = fpu_compare(fmt, a, b, IR_FP_KIND(kind) != IR_FP_EQ, &st);
		e->FP_FLAGS |= st.flags;
		switch (IR_FP_KIND(kind)) {
		case IR_FP_EQ: return rel == FPU_EQUAL;
		case IR_FP_LT: return rel == FPU_LESS;
		default: return rel == FPU_LESS || rel == FPU_EQUAL;
		}
	}
	}
	e->FP_FLAGS |= st.flags;
	return boxed ? NANBOX | r : r;
}

static uint64_t th_fp2(struct tenv *e, uint64_t a, uint64_t b, uint32_t kind)
{
	return fp_ref(e, a, b, kind);
}

static uint64_t th_fp1(struct tenv *e, uint64_t a, uint32_t kind)
{
	return fp_ref(e, a, a, kind);
}

static uint64_t fp_operand(bool f32)
{
	static const uint64_t d[] = {
		0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0x4008000000000000ull,
		0xbff8000000000000ull, 1, 0x000fffffffffffffull, 0x0010000000000000ull,
		0x7fefffffffffffffull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
		0x7ff8000000000000ull, 0x7ff4000000000000ull, 0xfff8000000000001ull,
		0x3fb999999999999aull, 0x5fe0000000000000ull, 0x2000000000000000ull,
	};
	static const uint32_t s[] = {
		0, 0x80000000u, 0x3f800000u, 0x40400000u, 1, 0x007fffffu, 0x00800000u,
		0x7f7fffffu, 0x7f800000u, 0xff800000u, 0x7fc00000u, 0x7fa00000u, 0x3dcccccdu,
		0x5f000000u, 0x20000000u,
	};
	uint64_t v;

	if (!f32) {
		v = rnd() % 2 ? d[rnd() % (sizeof(d) / sizeof(d[0]))] : rnd();
		return rnd() % 4 ? v : v ^ 0x8000000000000000ull;
	}
	v = rnd() % 2 ? s[rnd() % (sizeof(s) / sizeof(s[0]))] : (uint32_t)rnd();
	if (rnd() % 4 == 0)
		v ^= 0x80000000u;
	/* boxed mostly; for plain singles any upper half */
	return rnd() % 10 ? NANBOX | v : v | (rnd() << 32 & ~NANBOX) | (rnd() % 2) << 40;
}

START_TEST(test_fpop)
{
	unsigned hid2 = reg_helper("fp2", (void *)th_fp2, IR_HT_I64, IR_HF_MAY_RAISE, 4,
				   (const uint8_t[]){IR_HT_ENV, IR_HT_I64, IR_HT_I64, IR_HT_I32});
	unsigned hid1 = reg_helper("fp1", (void *)th_fp1, IR_HT_I64, IR_HF_MAY_RAISE, 3,
				   (const uint8_t[]){IR_HT_ENV, IR_HT_I64, IR_HT_I32});
	bool accel = fpu_set_host_accel(false);
	unsigned inline_ok = 0;

	rng = 4242;
	for (unsigned iter = 0; iter < 30000; iter++) {
		enum ir_fp_kind k = (enum ir_fp_kind)(rnd() % (IR_FP_LE + 1));
		unsigned fmt = rnd() % 3; /* binary64, boxed or plain binary32 */
		bool f32 = fmt != 0, guarded = rnd() % 4 == 0;
		uint64_t kind = k | (fmt == 1 ? IR_FP_F32BOX : fmt == 2 ? IR_FP_F32 : 0) |
				(rnd() % 2 ? IR_FP_NAN_IN : 0) |
				(guarded ? IR_FP_GUARD(offsetof(struct tenv, FP_GUARD)) : 0);
		uint64_t a = fp_operand(f32), b = fp_operand(f32);
		unsigned hid = k == IR_FP_SQRT ? hid1 : hid2;

		for (int side = 0; side < 2; side++) {
			struct ir_ctx *ctx = side ? &ctx_b : &ctx_a;
			struct tenv *e = side ? env_b : env_a;

			ctx_init(ctx);
			ir_insn_start(ctx, 0x2000, 4);
			ir_fpop(ctx, kind, 3, 1, k == IR_FP_SQRT ? 1 : 2, hid, kind);
			ir_exit_tb(ctx, IR_EXIT_NORMAL);
			ir_lower(ctx, side ? jit : ref);
			e->g[1] = a;
			e->g[2] = b;
			e->g[3] = 0x5555;
			e->FP_FLAGS = 0;
			e->FP_GUARD = guarded ? rnd() % 2 : 0;
			fpu_host_flags_take();
			run(side ? jit : ref, ctx, e, 0x2000);
			e->FP_FLAGS |= fpu_host_flags_take();
		}
		ck_assert_msg(env_a->g[3] == env_b->g[3] && env_a->FP_FLAGS == env_b->FP_FLAGS,
			      "fpop kind %#llx (%#llx, %#llx): fallback %#llx flags %#llx, "
			      "jit %#llx flags %#llx", (unsigned long long)kind,
			      (unsigned long long)a, (unsigned long long)b,
			      (unsigned long long)env_a->g[3], (unsigned long long)env_a->FP_FLAGS,
			      (unsigned long long)env_b->g[3], (unsigned long long)env_b->FP_FLAGS);
		inline_ok += !guarded;
	}
	ck_assert_uint_gt(inline_ok, 12000);
	fpu_set_host_accel(accel);
}
END_TEST

int main(void)
{
	static struct exec_options opts;

	for (unsigned i = 0; i < NG64; i++) {
		snprintf(gnames[i], sizeof(gnames[i]), "g%u", i);
		globals[i] = (struct ir_global_desc){gnames[i], offsetof(struct tenv, g[i]), IR_I64};
	}
	for (unsigned i = 0; i < NG32; i++) {
		unsigned k = NG64 + i;
		snprintf(gnames[k], sizeof(gnames[k]), "h%u", i);
		globals[k] = (struct ir_global_desc){gnames[k], offsetof(struct tenv, H(i)), IR_I32};
	}
	/* A small code cache so the full-cache path is exercised quickly */
	setenv("MORPH_JIT_CACHE_MB", "4", 1);
	if (exec_init(&test_arch, &opts) != 0 || jit->init(&test_arch) != 0 || ref->init(&test_arch) != 0) {
		fprintf(stderr, "exec_init failed\n");
		return 1;
	}
	mem_a = aligned_alloc(64, MEM_SIZE + 64);
	mem_b = aligned_alloc(64, MEM_SIZE + 64);
	env_a = new_env(mem_a);
	env_b = new_env(mem_b);

	Suite *s = suite_create("x86-codegen");
	TCase *tc = tcase_create("codegen");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_fold_semantics);
	tcase_add_test(tc, test_conditions);
	tcase_add_test(tc, test_fpop);
	tcase_add_test(tc, test_random_small);
	tcase_add_test(tc, test_random_large);
	tcase_add_test(tc, test_random_no_features);
	tcase_add_test(tc, test_goto_tb_and_chain);
	tcase_add_test(tc, test_exit_request_chained);
	tcase_add_test(tc, test_conditional_exit_chain);
	tcase_add_test(tc, test_lookup_and_goto);
	tcase_add_test(tc, test_unaligned_raise);
	tcase_add_test(tc, test_helper_raise);
	tcase_add_test(tc, test_host_fault_pc);
	tcase_add_test(tc, test_atomics_threads);
	tcase_add_test(tc, test_fork_cache);
	tcase_add_test(tc, test_cache_full);
	tcase_add_test(tc, test_dump);
	tcase_add_test(tc, test_fold_disp);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
