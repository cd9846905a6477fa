/*
 * Zba, Zbb and Zbs on RV64 (bit-manipulation spec 1.0.0, chapter 2 "Zba",
 * "Zbb", "Zbs"): every instruction, with edge values: zero, all ones, the
 * sign bits of 32 and 64 bits, shift/bit indices taken modulo XLEN (or 32
 * for the W forms), the .uw forms zero-extending rs1, the W forms
 * sign-extending their 32-bit result.
 * ctzw of a value whose low 32 bits are zero but upper bits are not is in
 * int-zb-ctzw.c (QEMU 7.2 gets it wrong), so that this test also checks
 * itself against QEMU.
 * Exits with the number of the first failing check.
 */
#include "int-check.h"

#define MIN64 0x8000000000000000ull
#define MAX64 0x7fffffffffffffffull
#define ALL 0xffffffffffffffffull

static void test_zba(void)
{
	check(ZRR("add.uw", 0xffffffff80000000ull, 1), 0x80000001ull, "add.uw zero-extends rs1");
	check(ZRR("add.uw", 0xffffffffull, ALL), 0xfffffffeull, "add.uw + -1");
	check(ZRR("add.uw", 0x123456789abcdef0ull, 0), 0x9abcdef0ull, "add.uw rs2 = 0 (zext.w)");
	check(ZR1("zext.w", 0xfedcba9876543210ull), 0x76543210ull, "zext.w");
	check(ZRR("sh1add", 3, 10), 16, "sh1add");
	check(ZRR("sh1add", MIN64, 1), 1, "sh1add shifts out bit 63");
	check(ZRR("sh2add", 3, 10), 22, "sh2add");
	check(ZRR("sh2add", 0x4000000000000001ull, 0), 4, "sh2add shifts out bit 62");
	check(ZRR("sh3add", 3, 10), 34, "sh3add");
	check(ZRR("sh3add", ALL, 0), 0xfffffffffffffff8ull, "sh3add -1");
	check(ZRR("sh3add", 0x2000000000000000ull, 5), 5, "sh3add shifts out bit 61");
	check(ZRR("sh1add.uw", ALL, 0), 0x1fffffffeull, "sh1add.uw");
	check(ZRR("sh1add.uw", 0x80000000ull, 1), 0x100000001ull, "sh1add.uw bit 31");
	check(ZRR("sh2add.uw", 0x1234567880000000ull, 1), 0x200000001ull, "sh2add.uw");
	check(ZRR("sh2add.uw", ALL, ALL), 0x3fffffffbull, "sh2add.uw + -1");
	check(ZRR("sh3add.uw", 0xffffffffull, 0), 0x7fffffff8ull, "sh3add.uw");
	check(ZRR("sh3add.uw", 0xffffffff00000001ull, 0x100ull), 0x108ull,
	      "sh3add.uw upper ignored");
	check(ZRI("slli.uw", 0xffffffff80000001ull, 0), 0x80000001ull, "slli.uw 0");
	check(ZRI("slli.uw", ALL, 32), 0xffffffff00000000ull, "slli.uw 32");
	check(ZRI("slli.uw", 0xffffffffull, 63), MIN64, "slli.uw 63");
	check(ZRI("slli.uw", 0x80000000ull, 1), 0x100000000ull, "slli.uw 1");
	check(ZRI("slli.uw", 0xfffffffff0000000ull, 35), 0x8000000000000000ull, "slli.uw 35");
}

static void test_zbb_logic(void)
{
	check(ZRR("andn", 0xff00, 0x0ff0), 0xf000, "andn");
	check(ZRR("andn", ALL, ALL), 0, "andn all");
	check(ZRR("andn", ALL, 0), ALL, "andn 0");
	check(ZRR("orn", 0xf0, ALL), 0xf0, "orn -1");
	check(ZRR("orn", 0, 0), ALL, "orn 0");
	check(ZRR("orn", 0x1, 0xfffffffffffffff0ull), 0xf, "orn");
	check(ZRR("xnor", 0x1234, 0x1234), ALL, "xnor equal");
	check(ZRR("xnor", 0, ALL), 0, "xnor 0, -1");
	check(ZRR("xnor", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull), 0x0f0f0f0f0f0f0f0full,
	      "xnor");
}

static void test_zbb_count(void)
{
	check(ZR1("clz", 0), 64, "clz 0");
	check(ZR1("clz", 1), 63, "clz 1");
	check(ZR1("clz", MIN64), 0, "clz min");
	check(ZR1("clz", ALL), 0, "clz -1");
	check(ZR1("clz", 0x80000000ull), 32, "clz bit 31");
	check(ZR1("clz", 0x0000800000000000ull), 16, "clz bit 47");
	check(ZR1("ctz", 0), 64, "ctz 0");
	check(ZR1("ctz", MIN64), 63, "ctz min");
	check(ZR1("ctz", 1), 0, "ctz 1");
	check(ZR1("ctz", 0x100000000ull), 32, "ctz bit 32");
	check(ZR1("ctz", ALL), 0, "ctz -1");
	check(ZR1("cpop", 0), 0, "cpop 0");
	check(ZR1("cpop", ALL), 64, "cpop -1");
	check(ZR1("cpop", 0x5555555555555555ull), 32, "cpop alternating");
	check(ZR1("cpop", MIN64), 1, "cpop min");
	check(ZR1("cpop", 0x8000000100000001ull), 3, "cpop three");

	/* W forms count in the low 32 bits only */
	check(ZR1("clzw", 0), 32, "clzw 0");
	check(ZR1("clzw", 0xffffffff00000000ull), 32, "clzw low half zero");
	check(ZR1("clzw", 0x10000ull), 15, "clzw bit 16");
	check(ZR1("clzw", 0x80000000ull), 0, "clzw bit 31");
	check(ZR1("clzw", 0xffffffff00000001ull), 31, "clzw 1");
	check(ZR1("ctzw", 0), 32, "ctzw 0");
	check(ZR1("ctzw", 0x80000000ull), 31, "ctzw bit 31");
	check(ZR1("ctzw", 0xffffffff00000100ull), 8, "ctzw bit 8");
	check(ZR1("ctzw", 1), 0, "ctzw 1");
	check(ZR1("cpopw", 0xffffffff00000000ull), 0, "cpopw low half zero");
	check(ZR1("cpopw", 0xffffffffull), 32, "cpopw all low");
	check(ZR1("cpopw", 0x123456780000000full), 4, "cpopw upper ignored");
}

static void test_zbb_minmax_ext(void)
{
	check(ZRR("max", ALL, 1), 1, "max -1, 1");
	check(ZRR("maxu", ALL, 1), ALL, "maxu -1, 1");
	check(ZRR("min", ALL, 1), ALL, "min -1, 1");
	check(ZRR("minu", ALL, 1), 1, "minu -1, 1");
	check(ZRR("max", MIN64, MAX64), MAX64, "max min, max");
	check(ZRR("min", MIN64, MAX64), MIN64, "min min, max");
	check(ZRR("maxu", MIN64, MAX64), MIN64, "maxu 2^63, 2^63-1");
	check(ZRR("minu", MIN64, MAX64), MAX64, "minu 2^63, 2^63-1");
	check(ZRR("max", 5, 5), 5, "max equal");
	/* the 64-bit comparison, not the low halves */
	check(ZRR("min", 0x100000000ull, 0xffffffffull), 0xffffffffull, "min 64-bit");

	check(ZR1("sext.b", 0x80), 0xffffffffffffff80ull, "sext.b 0x80");
	check(ZR1("sext.b", 0x1234567f), 0x7f, "sext.b 0x7f");
	check(ZR1("sext.b", ALL), ALL, "sext.b -1");
	check(ZR1("sext.h", 0x8000), 0xffffffffffff8000ull, "sext.h 0x8000");
	check(ZR1("sext.h", 0xffff7fff), 0x7fff, "sext.h 0x7fff");
	check(ZR1("zext.h", ALL), 0xffff, "zext.h -1");
	check(ZR1("zext.h", 0x12348765), 0x8765, "zext.h");
}

static void test_zbb_rotate(void)
{
	check(ZRR("rol", 0x8000000000000001ull, 1), 3, "rol 1");
	check(ZRR("rol", 0x0123456789abcdefull, 64), 0x0123456789abcdefull, "rol 64 = 0");
	check(ZRR("rol", 0x0123456789abcdefull, 4), 0x123456789abcdef0ull, "rol 4");
	check(ZRR("rol", 0x0123456789abcdefull, 68), 0x123456789abcdef0ull, "rol 68 = 4");
	check(ZRR("rol", 1, 63), MIN64, "rol 63");
	check(ZRR("ror", 0x0123456789abcdefull, 4), 0xf0123456789abcdeull, "ror 4");
	check(ZRR("ror", 1, 65), MIN64, "ror 65 = 1");
	check(ZRR("ror", 1, 0), 1, "ror 0");
	check(ZRR("ror", 3, 63), 6, "ror 63");
	check(ZRI("rori", 1, 63), 2, "rori 63");
	check(ZRI("rori", 0x0123456789abcdefull, 0), 0x0123456789abcdefull, "rori 0");
	check(ZRI("rori", 0x0123456789abcdefull, 32), 0x89abcdef01234567ull, "rori 32");

	check(ZRR("rolw", 0x80000001ull, 1), 3, "rolw 1");
	check(ZRR("rolw", 0x1234567840000000ull, 1), 0xffffffff80000000ull, "rolw sign-extends");
	check(ZRR("rolw", 0x0000000876543210ull, 32), 0x76543210ull, "rolw 32 = 0");
	check(ZRR("rolw", 0xffffffff00000000ull | 0x87654321ull, 32), 0xffffffff87654321ull,
	      "rolw 0 sign-extends");
	check(ZRR("rolw", 0x12345678ull, 36), 0x23456781ull, "rolw 36 = 4");
	check(ZRR("rorw", 1, 1), 0xffffffff80000000ull, "rorw 1");
	check(ZRR("rorw", 0x87654321ull, 4), 0x18765432ull, "rorw 4");
	check(ZRR("rorw", 0xabcdef0000000010ull, 36), 1, "rorw 36 = 4, upper ignored");
	check(ZRR("rorw", 0x12345678ull, 31), 0x2468acf0ull, "rorw 31");
	check(ZRI("roriw", 1, 31), 2, "roriw 31");
	check(ZRI("roriw", 0xabcdef0100000010ull, 4), 1, "roriw upper ignored");
	check(ZRI("roriw", 0x80000000ull, 0), 0xffffffff80000000ull, "roriw 0 sign-extends");
	check(ZRI("roriw", 0x00000001ull, 1), 0xffffffff80000000ull, "roriw 1");
}

static void test_zbb_bytes(void)
{
	check(ZR1("orc.b", 0x0100ff0000000080ull), 0xff00ff00000000ffull, "orc.b");
	check(ZR1("orc.b", 0), 0, "orc.b 0");
	check(ZR1("orc.b", 0x0102040810204080ull), ALL, "orc.b all bytes non-zero");
	check(ZR1("rev8", 0x0123456789abcdefull), 0xefcdab8967452301ull, "rev8");
	check(ZR1("rev8", 0xff), 0xff00000000000000ull, "rev8 low byte");
}

static void test_zbs(void)
{
	check(ZRR("bclr", ALL, 63), MAX64, "bclr 63");
	check(ZRR("bclr", ALL, 64 + 3), 0xfffffffffffffff7ull, "bclr index mod 64");
	check(ZRR("bclr", 0, 5), 0, "bclr clear bit");
	check(ZRI("bclri", ALL, 0), 0xfffffffffffffffeull, "bclri 0");
	check(ZRI("bclri", ALL, 63), MAX64, "bclri 63");
	check(ZRI("bclri", ALL, 31), 0xffffffff7fffffffull, "bclri 31");
	check(ZRR("bext", MIN64, 63), 1, "bext 63");
	check(ZRR("bext", MIN64, 127), 1, "bext 127 = 63");
	check(ZRR("bext", 0x10, 4), 1, "bext 4");
	check(ZRR("bext", 0x10, 3), 0, "bext 3");
	check(ZRI("bexti", ALL ^ (1ull << 40), 40), 0, "bexti 40");
	check(ZRI("bexti", 1ull << 40, 40), 1, "bexti 40 set");
	check(ZRI("bexti", 0x80000000ull, 31), 1, "bexti 31");
	check(ZRR("binv", 0, 63), MIN64, "binv 63 sets");
	check(ZRR("binv", MIN64, 63), 0, "binv 63 clears");
	check(ZRR("binv", 0, 0xffffffffffffffc0ull), 1, "binv index mod 64 = 0");
	check(ZRI("binvi", 0x5, 2), 1, "binvi 2");
	check(ZRI("binvi", 0, 32), 0x100000000ull, "binvi 32");
	check(ZRR("bset", 0, 32), 0x100000000ull, "bset 32");
	check(ZRR("bset", 0, 96), 0x100000000ull, "bset 96 = 32");
	check(ZRR("bset", ALL, 7), ALL, "bset already set");
	check(ZRI("bseti", 0, 63), MIN64, "bseti 63");
	check(ZRI("bseti", 0, 31), 0x80000000ull, "bseti 31 (no sign extension)");
}

int main(void)
{
	test_zba();
	test_zbb_logic();
	test_zbb_count();
	test_zbb_minmax_ext();
	test_zbb_rotate();
	test_zbb_bytes();
	test_zbs();
	return check_done("int-zb");
}
