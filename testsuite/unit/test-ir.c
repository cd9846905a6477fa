/*
 * Unit tests of the IR core: op semantics (fold), the optimizer, and the
 * interpreter running hand-built TBs through the real exec loop.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "morph/exec.h"
#include "morph/frontend.h"
#include "morph/ir.h"

struct test_cpu {
	struct cpu c;
	uint64_t r[8];
	uint32_t w[2];
};

#define HELPER_ENV struct test_cpu
#define HELPER_LIST "testsuite/unit/test-ir-helpers.def"
#define HELPER_DEFINE_TABLE test_helpers_register
#include "morph/helper-def.h"

void helper_halt(struct test_cpu *cpu)
{
	cpu_loop_exit(&cpu->c, EXCP_HALTED);
}

uint64_t helper_add3(struct test_cpu *cpu, uint64_t a, uint32_t b)
{
	return a + b + cpu->r[7];
}

static const struct ir_global_desc test_globals[] = {
	{"r0", offsetof(struct test_cpu, r[0]), IR_I64},
	{"r1", offsetof(struct test_cpu, r[1]), IR_I64},
	{"r2", offsetof(struct test_cpu, r[2]), IR_I64},
	{"r3", offsetof(struct test_cpu, r[3]), IR_I64},
	{"w0", offsetof(struct test_cpu, w[0]), IR_I32},
	{"w1", offsetof(struct test_cpu, w[1]), IR_I32},
};

/* The "guest program": a function per pc that builds that TB's IR. */
typedef void (*tb_builder)(struct ir_ctx *ctx);
static tb_builder builders[16];

static struct translate_result test_translate(struct cpu *cpu, struct ir_ctx *ctx, uint64_t pc,
					      uint32_t flags, unsigned max)
{
	ir_insn_start(ctx, pc, 4);
	builders[pc / 0x100](ctx);
	return (struct translate_result){4, 1};
}

static void test_init(void)
{
	test_helpers_register();
}

static const struct morph_arch test_arch = {
	.name = "test",
	.addr_bits = 64,
	.min_insn_bytes = 4,
	.cpu_size = sizeof(struct test_cpu),
	.globals = test_globals,
	.nglobals = 6,
	.init = test_init,
	.translate = test_translate,
};

static void halt(struct ir_ctx *ctx)
{
	ir_call(ctx, hid_halt, IR_TEMP_NONE, 0, NULL);
	ir_exit_tb(ctx, IR_EXIT_NORMAL);
}

static struct test_cpu *run_at(uint64_t pc, bool interp)
{
	static struct exec_options opts;
	opts.interp = interp;
	ck_assert_int_eq(exec_init(&test_arch, &opts), 0);
	struct test_cpu *cpu = (struct test_cpu *)cpu_new();
	cpu->c.pc = pc;
	return cpu;
}

/* ---- fold ---- */

START_TEST(fold_division)
{
	uint64_t in[2], out;

	in[0] = 7; in[1] = 0;
	ck_assert(ir_fold(IR_div, IR_I64, in, &out));
	ck_assert_uint_eq(out, ~0ull);
	ck_assert(ir_fold(IR_rem, IR_I64, in, &out));
	ck_assert_uint_eq(out, 7);
	in[0] = 0x8000000000000000ull; in[1] = ~0ull;
	ir_fold(IR_div, IR_I64, in, &out);
	ck_assert_uint_eq(out, 0x8000000000000000ull);
	ir_fold(IR_rem, IR_I64, in, &out);
	ck_assert_uint_eq(out, 0);
	in[0] = 0x80000000u; in[1] = 0xffffffffu;
	ir_fold(IR_div, IR_I32, in, &out);
	ck_assert_uint_eq(out, 0x80000000u);
	in[0] = (uint64_t)-7; in[1] = 2;
	ir_fold(IR_div, IR_I64, in, &out);
	ck_assert_uint_eq(out, (uint64_t)-3);
	ir_fold(IR_rem, IR_I64, in, &out);
	ck_assert_uint_eq(out, (uint64_t)-1);
	ir_fold(IR_divu, IR_I32, (uint64_t[]){5, 0}, &out);
	ck_assert_uint_eq(out, 0xffffffffu);
}
END_TEST

START_TEST(fold_bits)
{
	uint64_t out;

	ir_fold(IR_clz, IR_I64, (uint64_t[]){0}, &out);
	ck_assert_uint_eq(out, 64);
	ir_fold(IR_clz, IR_I32, (uint64_t[]){1}, &out);
	ck_assert_uint_eq(out, 31);
	ir_fold(IR_ctz, IR_I32, (uint64_t[]){0}, &out);
	ck_assert_uint_eq(out, 32);
	ir_fold(IR_rotl, IR_I32, (uint64_t[]){0x80000001u, 1}, &out);
	ck_assert_uint_eq(out, 3);
	ir_fold(IR_rotr, IR_I64, (uint64_t[]){1, 65}, &out);
	ck_assert_uint_eq(out, 0x8000000000000000ull);
	ir_fold(IR_shl, IR_I32, (uint64_t[]){1, 33}, &out);
	ck_assert_uint_eq(out, 2);
	ir_fold(IR_sar, IR_I32, (uint64_t[]){0x80000000u, 4}, &out);
	ck_assert_uint_eq(out, 0xf8000000u);
	ir_fold(IR_mulsh, IR_I64, (uint64_t[]){(uint64_t)-1, (uint64_t)-1}, &out);
	ck_assert_uint_eq(out, 0);
	ir_fold(IR_muluh, IR_I64, (uint64_t[]){~0ull, ~0ull}, &out);
	ck_assert_uint_eq(out, ~0ull - 1);
	ir_fold(IR_mulsuh, IR_I64, (uint64_t[]){(uint64_t)-1, ~0ull}, &out);
	ck_assert_uint_eq(out, ~0ull);
	ir_fold(IR_bswap, IR_I32, (uint64_t[]){0x11223344u}, &out);
	ck_assert_uint_eq(out, 0x44332211u);
	ir_fold(IR_ext_i32_i64, IR_I64, (uint64_t[]){0x80000000u}, &out);
	ck_assert_uint_eq(out, 0xffffffff80000000ull);
	ck_assert(ir_eval_cond(IR_COND_LT, IR_I32, 0xffffffffu, 0));
	ck_assert(!ir_eval_cond(IR_COND_LTU, IR_I32, 0xffffffffu, 0));
	ck_assert(ir_eval_cond(IR_COND_TSTNE, IR_I64, 6, 2));
}
END_TEST

/* ---- optimizer ---- */

START_TEST(opt_folds_constants)
{
	static struct ir_ctx ctx;
	ir_ctx_init(&ctx, test_globals, 6, 0);
	ir_temp a = ir_new_temp(&ctx, IR_I64), b = ir_new_temp(&ctx, IR_I64);
	ir_movi(&ctx, IR_I64, a, 20);
	ir_op2i(&ctx, IR_add, IR_I64, b, a, 22);
	ir_mov(&ctx, IR_I64, ir_global(&ctx, 1), b);
	ir_temp dead = ir_new_temp(&ctx, IR_I64);
	ir_op2(&ctx, IR_mul, IR_I64, dead, ir_global(&ctx, 2), ir_global(&ctx, 3));
	ir_exit_tb(&ctx, IR_EXIT_NORMAL);
	ir_optimize(&ctx);
	/* Left: movi r1, 42 and exit_tb. */
	ck_assert_uint_eq(ctx.nops, 2);
	ck_assert_int_eq(ctx.ops[0].opc, IR_movi);
	ck_assert_uint_eq(ctx.ops[0].args[0], 1);
	ck_assert_uint_eq(ctx.ops[0].args[1], 42);
}
END_TEST

START_TEST(opt_keeps_branches_right)
{
	static struct ir_ctx ctx;
	ir_ctx_init(&ctx, test_globals, 6, 0);
	unsigned l = ir_new_label(&ctx);
	ir_temp a = ir_new_temp(&ctx, IR_I64);
	ir_movi(&ctx, IR_I64, a, 1);
	ir_brcond(&ctx, IR_I64, IR_COND_EQ, ir_global(&ctx, 0), ir_const(&ctx, IR_I64, 0), l);
	ir_movi(&ctx, IR_I64, a, 2);
	ir_set_label(&ctx, l);
	/* a is 1 or 2 here: must not be folded */
	ir_mov(&ctx, IR_I64, ir_global(&ctx, 1), a);
	ir_exit_tb(&ctx, IR_EXIT_NORMAL);
	ir_optimize(&ctx);
	ck_assert_int_eq(ctx.ops[ctx.nops - 2].opc, IR_mov);
}
END_TEST

/* ---- interpreter through the exec loop ---- */

/* pc 0x000: r1 = (r2 + 5) * r3, w0 = low(r1) >> 1 (i32), halt */
static void tb_arith(struct ir_ctx *ctx)
{
	ir_temp t = ir_new_temp(ctx, IR_I64);
	ir_op2i(ctx, IR_add, IR_I64, t, ir_global(ctx, 2), 5);
	ir_op2(ctx, IR_mul, IR_I64, ir_global(ctx, 1), t, ir_global(ctx, 3));
	ir_temp w = ir_new_temp(ctx, IR_I32);
	ir_op1(ctx, IR_extrl_i64_i32, IR_I32, w, ir_global(ctx, 1));
	ir_op2i(ctx, IR_shr, IR_I32, ir_global(ctx, 4), w, 1);
	halt(ctx);
}

/* pc 0x100: loop: r1 += r2; r0 -= 1; if r0 != 0 goto 0x100 else goto 0x200 */
static void tb_loop(struct ir_ctx *ctx)
{
	unsigned l = ir_new_label(ctx);
	ir_op2(ctx, IR_add, IR_I64, ir_global(ctx, 1), ir_global(ctx, 1), ir_global(ctx, 2));
	ir_op2i(ctx, IR_sub, IR_I64, ir_global(ctx, 0), ir_global(ctx, 0), 1);
	ir_brcond(ctx, IR_I64, IR_COND_EQ, ir_global(ctx, 0), ir_const(ctx, IR_I64, 0), l);
	ir_goto_tb(ctx, 0, 0x100);
	ir_set_label(ctx, l);
	ir_goto_tb(ctx, 1, 0x200);
}

/* pc 0x200: r3 = add3(r1, w1) then indirect jump to r2 */
static void tb_call(struct ir_ctx *ctx)
{
	ir_temp w = ir_new_temp(ctx, IR_I32);
	ir_mov(ctx, IR_I32, w, ir_global(ctx, 5));
	ir_temp args[2] = {ir_global(ctx, 1), w};
	ir_call(ctx, hid_add3, ir_global(ctx, 3), 2, args);
	ir_set_pc(ctx, IR_I64, ir_global(ctx, 2));
	ir_lookup_and_goto(ctx);
}

/* pc 0x300: memory: store r1 as BE 32-bit at r2, load back signed LE 16 into r3 */
static void tb_mem(struct ir_ctx *ctx)
{
	ir_st(ctx, IR_I64, ir_global(ctx, 1), ir_global(ctx, 2), IR_MO_32 | IR_MO_BE);
	ir_ld(ctx, IR_I64, ir_global(ctx, 3), ir_global(ctx, 2), IR_MO_16 | IR_MO_SIGN);
	ir_temp old = ir_new_temp(ctx, IR_I64);
	ir_temp a8 = ir_new_temp(ctx, IR_I64);
	ir_op2i(ctx, IR_add, IR_I64, a8, ir_global(ctx, 2), 8);
	ir_atomic_rmw(ctx, IR_I64, IR_RMW_ADD, old, a8, ir_const(ctx, IR_I64, 5), IR_MO_64);
	ir_cmpxchg(ctx, IR_I64, ir_global(ctx, 0), a8, ir_const(ctx, IR_I64, 105),
		   ir_const(ctx, IR_I64, 7), IR_MO_64);
	halt(ctx);
}

static void setup_builders(void)
{
	builders[0] = tb_arith;
	builders[1] = tb_loop;
	builders[2] = tb_call;
	builders[3] = tb_mem;
	builders[4] = halt;
}

static void run_arith(bool interp)
{
	setup_builders();
	struct test_cpu *cpu = run_at(0, interp);
	cpu->r[2] = 10;
	cpu->r[3] = 3;
	ck_assert_int_eq(cpu_exec(&cpu->c), EXCP_HALTED);
	ck_assert_uint_eq(cpu->r[1], 45);
	ck_assert_uint_eq(cpu->w[0], 22);
	cpu_free(&cpu->c);
}

START_TEST(interp_arith) { run_arith(true); }
END_TEST

START_TEST(interp_loop_call)
{
	setup_builders();
	struct test_cpu *cpu = run_at(0x100, true);
	cpu->r[0] = 1000;
	cpu->r[1] = 0;
	cpu->r[7] = 100;
	cpu->w[1] = 0xffffffffu;
	/* r2 is both the loop step and the indirect target: 0x400 halts */
	cpu->r[2] = 0x400;
	ck_assert_int_eq(cpu_exec(&cpu->c), EXCP_HALTED);
	ck_assert_uint_eq(cpu->r[0], 0);
	ck_assert_uint_eq(cpu->r[1], 1000 * 0x400);
	ck_assert_uint_eq(cpu->r[3], 1000 * 0x400 + 0xffffffffull + 100);
	ck_assert_uint_eq(cpu->c.pc, 0x400);
	cpu_free(&cpu->c);
}
END_TEST

START_TEST(interp_memory)
{
	static uint8_t mem[64] __attribute__((aligned(16)));
	setup_builders();
	struct test_cpu *cpu = run_at(0x300, true);
	memset(mem, 0, sizeof(mem));
	cpu->c.guest_base = (uintptr_t)mem;
	cpu->c.guest_mask = ~0ull;
	cpu->r[1] = 0x1234fedc;
	cpu->r[2] = 16;
	mem[24] = 100;
	ck_assert_int_eq(cpu_exec(&cpu->c), EXCP_HALTED);
	ck_assert_uint_eq(mem[16], 0x12);
	ck_assert_uint_eq(mem[19], 0xdc);
	ck_assert_uint_eq(cpu->r[3], (uint64_t)(int64_t)(int16_t)0x3412);
	ck_assert_uint_eq(cpu->r[0], 105);
	ck_assert_uint_eq(mem[24], 7);
	cpu_free(&cpu->c);
}
END_TEST

Suite *ir_suite(void)
{
	Suite *s = suite_create("ir");
	TCase *tc = tcase_create("fold");
	tcase_add_test(tc, fold_division);
	tcase_add_test(tc, fold_bits);
	suite_add_tcase(s, tc);
	tc = tcase_create("optimize");
	tcase_add_test(tc, opt_folds_constants);
	tcase_add_test(tc, opt_keeps_branches_right);
	suite_add_tcase(s, tc);
	tc = tcase_create("interp");
	tcase_add_test(tc, interp_arith);
	tcase_add_test(tc, interp_loop_call);
	tcase_add_test(tc, interp_memory);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ir_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
