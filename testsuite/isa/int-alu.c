/*
 * RV64I computational instructions (unprivileged spec chapters 2.4 and 4.2):
 * register and immediate arithmetic and logic, the W forms (32-bit result
 * sign-extended to 64 bits), comparisons, shifts with amounts at the edges
 * (only the low 6 bits, or 5 bits for the W forms, of a register amount
 * count), lui and auipc, and writes to x0.
 * Exits with the number of the first failing check.
 */
#include "int-check.h"

#define MIN64 0x8000000000000000ull
#define MAX64 0x7fffffffffffffffull
#define ALL 0xffffffffffffffffull

static void test_arith(void)
{
	check(RR("add", 1, 2), 3, "add");
	check(RR("add", MAX64, 1), MIN64, "add wraps");
	check(RR("add", ALL, 1), 0, "add -1 + 1");
	check(RR("sub", 0, 1), ALL, "sub 0 - 1");
	check(RR("sub", MIN64, 1), MAX64, "sub wraps");
	check(RR("sub", 5, ALL), 6, "sub 5 - -1");
	check(RI("addi", 5, -1), 4, "addi -1");
	check(RI("addi", 0, -2048), 0xfffffffffffff800ull, "addi -2048 sign-extends");
	check(RI("addi", 0, 2047), 0x7ff, "addi 2047");
	check(RI("addi", MAX64, 1), MIN64, "addi wraps");

	check(RR("addw", 0x7fffffff, 1), 0xffffffff80000000ull, "addw overflow sign-extends");
	check(RR("addw", 0x100000001ull, 0x200000002ull), 3, "addw ignores upper halves");
	check(RR("addw", 0xffffffffull, 0), ALL, "addw sign-extends 0xffffffff");
	check(RR("addw", 0x80000000ull, 0x80000000ull), 0, "addw 2^31 + 2^31");
	check(RR("subw", 0, 1), ALL, "subw 0 - 1");
	check(RR("subw", 0x80000000ull, 1), 0x7fffffff, "subw INT32_MIN - 1");
	check(RR("subw", 0x100000000ull, 0), 0, "subw low half zero");
	check(RR("subw", 0x7fffffff, ALL), 0xffffffff80000000ull, "subw INT32_MAX - -1");
	check(RI("addiw", 0x7fffffff, 1), 0xffffffff80000000ull, "addiw overflow");
	check(RI("addiw", 0x80000000ull, 0), 0xffffffff80000000ull, "addiw 0 = sext.w");
	check(RI("addiw", 0x123456789abcdef0ull, 0), 0xffffffff9abcdef0ull,
	      "sext.w of upper garbage");
	check(RI("addiw", 0xffffffff00000000ull, -1), ALL, "addiw -1");
	check(RI("addiw", 0x12345678ull, -2048), 0x12344e78ull, "addiw -2048");
}

static void test_logic(void)
{
	u64 a = 0xff00ff00ff00ff00ull, b = 0x0ff00ff00ff00ff0ull;

	check(RR("and", a, b), 0x0f000f000f000f00ull, "and");
	check(RR("or", a, b), 0xfff0fff0fff0fff0ull, "or");
	check(RR("xor", a, b), 0xf0f0f0f0f0f0f0f0ull, "xor");
	check(RI("andi", 0x123456789abcdef7ull, -16), 0x123456789abcdef0ull, "andi sign-extended");
	check(RI("andi", 0x123456789abcdef7ull, 0x7ff), 0x6f7, "andi 0x7ff");
	check(RI("ori", 0, -2048), 0xfffffffffffff800ull, "ori -2048");
	check(RI("ori", 0x123, 0x0f0), 0x1f3, "ori");
	check(RI("xori", 0x123456789abcdef0ull, -1), 0xedcba9876543210full, "xori -1 = not");
	check(RI("xori", 0xf0, 0x0ff), 0x00f, "xori");
}

static void test_compare(void)
{
	check(RR("slt", ALL, 1), 1, "slt -1 < 1");
	check(RR("slt", 1, ALL), 0, "slt 1 < -1");
	check(RR("slt", MIN64, MAX64), 1, "slt min < max");
	check(RR("slt", MAX64, MIN64), 0, "slt max < min");
	check(RR("slt", 7, 7), 0, "slt equal");
	check(RR("sltu", 1, ALL), 1, "sltu 1 < 2^64-1");
	check(RR("sltu", ALL, 1), 0, "sltu 2^64-1 < 1");
	check(RR("sltu", MIN64, MAX64), 0, "sltu 2^63 < 2^63-1");
	check(RR("sltu", 7, 7), 0, "sltu equal");
	check(RR("sltu", 0, 1), 1, "sltu 0 < 1 (snez)");
	check(RI("slti", -5, -4), 1, "slti -5 < -4");
	check(RI("slti", -4, -4), 0, "slti equal");
	check(RI("slti", 0, -2048), 0, "slti 0 < -2048");
	check(RI("slti", MIN64, -2048), 1, "slti min < -2048");
	check(RI("sltiu", 0, 1), 1, "sltiu 0 < 1 (seqz)");
	check(RI("sltiu", 5, 1), 0, "sltiu 5 < 1");
	check(RI("sltiu", 0x7ffffffffffull, -1), 1, "sltiu imm -1 is 2^64-1");
	check(RI("sltiu", ALL, -1), 0, "sltiu equal 2^64-1");
	check(RI("sltiu", 0x7fe, 2047), 1, "sltiu 0x7fe < 2047");
	check(RI("sltiu", 0x7ff, 2047), 0, "sltiu 0x7ff < 2047");
}

static void test_shifts(void)
{
	check(RR("sll", 1, 63), MIN64, "sll 63");
	check(RR("sll", 1, 64), 1, "sll amount 64 counts as 0");
	check(RR("sll", 1, 65), 2, "sll amount 65 counts as 1");
	check(RR("sll", 3, ALL), MIN64, "sll amount -1 counts as 63");
	check(RR("sll", 0x123456789abcdef0ull, 0), 0x123456789abcdef0ull, "sll 0");
	check(RR("srl", MIN64, 63), 1, "srl 63");
	check(RR("srl", ALL, 1), MAX64, "srl 1");
	check(RR("srl", ALL, 64), ALL, "srl amount 64 counts as 0");
	check(RR("srl", MIN64, 0xffffffffffffffc4ull), 0x0800000000000000ull,
	      "srl amount low 6 bits");
	check(RR("sra", MIN64, 63), ALL, "sra 63");
	check(RR("sra", MIN64, 1), 0xc000000000000000ull, "sra 1");
	check(RR("sra", MAX64, 63), 0, "sra positive 63");
	check(RR("sra", MIN64, 0x40), MIN64, "sra amount 64 counts as 0");
	check(RI("slli", 1, 63), MIN64, "slli 63");
	check(RI("slli", 0xabcdull, 0), 0xabcdull, "slli 0");
	check(RI("slli", 0x00000000ffffffffull, 32), 0xffffffff00000000ull, "slli 32");
	check(RI("srli", MIN64, 63), 1, "srli 63");
	check(RI("srli", ALL, 32), 0xffffffffull, "srli 32");
	check(RI("srli", ALL, 0), ALL, "srli 0");
	check(RI("srai", MIN64, 63), ALL, "srai 63");
	check(RI("srai", 0x8000000000000000ull, 32), 0xffffffff80000000ull, "srai 32");
	check(RI("srai", MIN64, 0), MIN64, "srai 0");

	/* W forms: the low 32 bits shifted by the low 5 bits, result sign-extended */
	check(RR("sllw", 1, 31), 0xffffffff80000000ull, "sllw 31");
	check(RR("sllw", 1, 32), 1, "sllw amount 32 counts as 0");
	check(RR("sllw", 1, 33), 2, "sllw amount 33 counts as 1");
	check(RR("sllw", 0xffffffff00000001ull, 0), 1, "sllw 0 drops upper half");
	check(RR("sllw", 0x180000000ull, 0), 0xffffffff80000000ull, "sllw 0 sign-extends");
	check(RR("sllw", 3, 31), 0xffffffff80000000ull, "sllw shifts out of bit 31");
	check(RR("sllw", 0x12345678ull, 4), 0x23456780ull, "sllw 4");
	check(RR("srlw", 0x80000000ull, 31), 1, "srlw 31");
	check(RR("srlw", 0xffffffff80000000ull, 0), 0xffffffff80000000ull, "srlw 0 sign-extends");
	check(RR("srlw", ALL, 1), 0x7fffffff, "srlw 1 zero-fills bit 31");
	check(RR("srlw", 0x1234567800000010ull, 4), 1, "srlw ignores upper half");
	check(RR("srlw", 0x80000000ull, 32), 0xffffffff80000000ull, "srlw amount 32 counts as 0");
	check(RR("srlw", 0x80000000ull, 63), 1, "srlw amount 63 counts as 31");
	check(RR("sraw", 0x80000000ull, 31), ALL, "sraw 31");
	check(RR("sraw", 0x80000000ull, 4), 0xfffffffff8000000ull, "sraw 4 uses bit 31 as sign");
	check(RR("sraw", 0x7fffffff7fffffffull, 31), 0, "sraw positive 31");
	check(RR("sraw", 0xffffffff00000010ull, 36), 1, "sraw amount 36 counts as 4");
	check(RI("slliw", 1, 31), 0xffffffff80000000ull, "slliw 31");
	check(RI("slliw", 0xffffffff7fffffffull, 0), 0x7fffffff, "slliw 0 = sext.w");
	check(RI("slliw", 0x00000000c0000001ull, 1), 0xffffffff80000002ull, "slliw 1");
	check(RI("srliw", 0x80000000ull, 31), 1, "srliw 31");
	check(RI("srliw", 0xffffffffull, 0), ALL, "srliw 0 sign-extends");
	check(RI("srliw", ALL, 1), 0x7fffffff, "srliw 1");
	check(RI("srliw", 0xffffffff00000100ull, 8), 1, "srliw ignores upper half");
	check(RI("sraiw", 0x80000000ull, 31), ALL, "sraiw 31");
	check(RI("sraiw", 0x80000000ull, 0), 0xffffffff80000000ull, "sraiw 0");
	check(RI("sraiw", 0x0000000070000000ull, 28), 7, "sraiw positive");

	/* rd == rs1 */
	check(RR_SAME("sll", 0x10, 4), 0x100, "sll rd == rs1");
	check(RR_SAME("sraw", 0x80000000ull, 1), 0xffffffffc0000000ull, "sraw rd == rs1");
}

static void test_upper(void)
{
	u64 r, link, abs;

	__asm__ volatile(NORVC("lui %0, 0x80000") : "=r"(r));
	check(r, 0xffffffff80000000ull, "lui 0x80000 sign-extends");
	__asm__ volatile(NORVC("lui %0, 0x7ffff") : "=r"(r));
	check(r, 0x7ffff000ull, "lui 0x7ffff");
	__asm__ volatile(NORVC("lui %0, 0xfffff") : "=r"(r));
	check(r, 0xfffffffffffff000ull, "lui 0xfffff");
	__asm__ volatile(NORVC("lui %0, 0") : "=r"(r));
	check(r, 0, "lui 0");
	__asm__ volatile(NORVC("lui %0, 0x12345\n\taddiw %0, %0, 0x678") : "=r"(r));
	check(r, 0x12345678, "lui + addiw");

	/*
	 * auipc against the link register of a jal to the next instruction and
	 * against the label's absolute address from the linker (static, non-PIE).
	 */
	__asm__ volatile(".option push\n\t.option norvc\n\t.option norelax\n\t"
			 "jal %1, 1f\n"
			 "1:\tauipc %0, 0\n\t"
			 "lui %2, %%hi(1b)\n\t"
			 "addi %2, %2, %%lo(1b)\n\t"
			 ".option pop"
			 : "=r"(r), "=&r"(link), "=&r"(abs));
	check(r, link, "auipc 0 = jal link");
	check(r, abs, "auipc 0 = label address");
	__asm__ volatile(".option push\n\t.option norvc\n\t.option norelax\n\t"
			 "1:\tauipc %0, 1\n\t"
			 "lui %1, %%hi(1b)\n\t"
			 "addi %1, %1, %%lo(1b)\n\t"
			 ".option pop"
			 : "=r"(r), "=&r"(abs));
	check(r - abs, 0x1000, "auipc 1");
	__asm__ volatile(".option push\n\t.option norvc\n\t.option norelax\n\t"
			 "1:\tauipc %0, 0x80000\n\t"
			 "lui %1, %%hi(1b)\n\t"
			 "addi %1, %1, %%lo(1b)\n\t"
			 ".option pop"
			 : "=r"(r), "=&r"(abs));
	check(r - abs, 0xffffffff80000000ull, "auipc 0x80000 is -2^31");
	__asm__ volatile(".option push\n\t.option norvc\n\t.option norelax\n\t"
			 "1:\tauipc %0, 0xfffff\n\t"
			 "lui %1, %%hi(1b)\n\t"
			 "addi %1, %1, %%lo(1b)\n\t"
			 ".option pop"
			 : "=r"(r), "=&r"(abs));
	check(r - abs, 0xfffffffffffff000ull, "auipc -1 page");
}

static void test_x0(void)
{
	u64 r;

	/* writes to x0 are discarded, reads give 0 */
	__asm__ volatile(NORVC("addi x0, x0, 5\n\tlui x0, 0x12345\n\tadd %0, x0, x0") : "=r"(r));
	check(r, 0, "x0 stays 0");
	__asm__ volatile(NORVC("li %0, 7\n\tsub %0, x0, %0") : "=&r"(r));
	check(r, (u64)-7, "sub from x0");
	/* the nop-like forms, fences and pause (a fence encoding) have no visible effect */
	__asm__ volatile(NORVC("li %0, 9\n\tnop\n\tfence\n\tfence rw, rw\n\t"
			       "fence.i\n\tfence.tso\n\t.insn i 0x0f, 0, x0, x0, 0x010")
			 : "=&r"(r)
			 :
			 : "memory");
	check(r, 9, "nop, fence, fence.i, pause");
}

int main(void)
{
	test_arith();
	test_logic();
	test_compare();
	test_shifts();
	test_upper();
	test_x0();
	return check_done("int-alu");
}
