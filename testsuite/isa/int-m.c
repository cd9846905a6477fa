/*
 * The M extension on RV64 (unprivileged spec chapter 13): mul, mulh, mulhsu,
 * mulhu, div[u], rem[u] and the W forms. Division by zero gives all ones
 * (div, divu) or the dividend (rem, remu); the signed overflow INT_MIN / -1
 * gives INT_MIN with remainder 0 (table 13.1); the W forms divide the low 32
 * bits and sign-extend the 32-bit result, also for divuw/remuw. Operands
 * aliasing the destination are tested too (x86 division uses fixed host
 * registers, a classic JIT pitfall).
 * Exits with the number of the first failing check.
 */
#include "int-check.h"

#define MIN64 0x8000000000000000ull
#define MAX64 0x7fffffffffffffffull
#define ALL 0xffffffffffffffffull
#define MIN32 0x0000000080000000ull
#define SMIN32 0xffffffff80000000ull

/* rd = insn(r, r) with rd == rs1 == rs2 */
#define R_SQ(insn, a)                                                                              \
	({                                                                                         \
		u64 r_ = (u64)(a);                                                                 \
		__asm__ volatile(NORVC(insn " %0, %0, %0") : "+r"(r_));                            \
		r_;                                                                                \
	})

/* rd == rs2 */
#define RR_SAME2(insn, a, b)                                                                       \
	({                                                                                         \
		u64 r_ = (u64)(b);                                                                 \
		__asm__ volatile(NORVC(insn " %0, %1, %0") : "+r"(r_) : "r"((u64)(a)));            \
		r_;                                                                                \
	})

static void test_mul(void)
{
	check(RR("mul", 3, 4), 12, "mul");
	check(RR("mul", ALL, ALL), 1, "mul -1 * -1");
	check(RR("mul", MIN64, ALL), MIN64, "mul min * -1 wraps");
	check(RR("mul", 0x100000000ull, 0x100000000ull), 0, "mul 2^64 low");
	check(RR("mul", MAX64, MAX64), 1, "mul max * max low");
	check(RR("mul", 0x123456789ull, 0xfedcba987ull), 0x1fa00acc59960a3full, "mul wide");

	check(RR("mulh", MAX64, MAX64), 0x3fffffffffffffffull, "mulh max * max");
	check(RR("mulh", MIN64, MIN64), 0x4000000000000000ull, "mulh min * min");
	check(RR("mulh", ALL, ALL), 0, "mulh -1 * -1");
	check(RR("mulh", ALL, 1), ALL, "mulh -1 * 1");
	check(RR("mulh", MIN64, ALL), 0, "mulh min * -1");
	check(RR("mulh", MIN64, MAX64), 0xc000000000000000ull, "mulh min * max");
	check(RR("mulh", 0x100000000ull, 0x100000000ull), 1, "mulh 2^32 * 2^32");
	check(RR("mulh", 0xfffffffe00000000ull, 0x100000000ull), 0xfffffffffffffffeull,
	      "mulh -2^33 * 2^32");

	check(RR("mulhu", ALL, ALL), 0xfffffffffffffffeull, "mulhu max * max");
	check(RR("mulhu", ALL, 2), 1, "mulhu max * 2");
	check(RR("mulhu", MIN64, MIN64), 0x4000000000000000ull, "mulhu 2^63 * 2^63");
	check(RR("mulhu", ALL, 1), 0, "mulhu max * 1");

	/* rs1 signed, rs2 unsigned */
	check(RR("mulhsu", ALL, ALL), ALL, "mulhsu -1 * (2^64-1)");
	check(RR("mulhsu", 1, ALL), 0, "mulhsu 1 * (2^64-1)");
	check(RR("mulhsu", ALL, 1), ALL, "mulhsu -1 * 1");
	check(RR("mulhsu", MIN64, ALL), MIN64, "mulhsu min * (2^64-1)");
	check(RR("mulhsu", 2, MIN64), 1, "mulhsu 2 * 2^63");
	check(RR("mulhsu", ALL, MIN64), 0xffffffffffffffffull, "mulhsu -1 * 2^63");
	check(RR("mulhsu", 0xfffffffffffffffeull, MIN64), ALL, "mulhsu -2 * 2^63");
	check(RR("mulhsu", 0xfffffffffffffffdull, MIN64), 0xfffffffffffffffeull,
	      "mulhsu -3 * 2^63");

	check(RR("mulw", 0x7fffffff, 2), 0xfffffffffffffffeull, "mulw sign-extends");
	check(RR("mulw", 0x100000003ull, 0x500000004ull), 12, "mulw ignores upper halves");
	check(RR("mulw", 0x10000, 0x10000), 0, "mulw 2^32 low");
	check(RR("mulw", 0x8000, 0x10000), SMIN32, "mulw 2^31");
	check(RR("mulw", ALL, 0xffffffffull), 1, "mulw -1 * -1");

	check(R_SQ("mul", 0x100000001ull), 0x200000001ull, "mul rd == rs1 == rs2");
	check(R_SQ("mulh", MIN64), 0x4000000000000000ull, "mulh rd == rs1 == rs2");
	check(R_SQ("mulhu", ALL), 0xfffffffffffffffeull, "mulhu rd == rs1 == rs2");
	check(RR_SAME("mulhsu", ALL, ALL), ALL, "mulhsu rd == rs1");
	check(RR_SAME2("mulhsu", ALL, ALL), ALL, "mulhsu rd == rs2");
	check(RR_SAME2("mulhu", ALL, 2), 1, "mulhu rd == rs2");
	check(R_SQ("mulw", 0xffff), 0xfffffffffffe0001ull, "mulw rd == rs1 == rs2");
}

static void test_div(void)
{
	check(RR("div", 7, 2), 3, "div 7 / 2");
	check(RR("div", -7ll, 2), (u64)-3ll, "div -7 / 2 truncates");
	check(RR("div", 7, -2ll), (u64)-3ll, "div 7 / -2");
	check(RR("div", -7ll, -2ll), 3, "div -7 / -2");
	check(RR("div", 5, 0), ALL, "div by zero");
	check(RR("div", -5ll, 0), ALL, "div negative by zero");
	check(RR("div", MIN64, ALL), MIN64, "div overflow");
	check(RR("div", MIN64, 1), MIN64, "div min / 1");
	check(RR("divu", 7, 2), 3, "divu");
	check(RR("divu", ALL, 2), MAX64, "divu max / 2");
	check(RR("divu", 5, 0), ALL, "divu by zero");
	check(RR("divu", MIN64, ALL), 0, "divu 2^63 / max");
	check(RR("divu", ALL, ALL), 1, "divu max / max");

	check(RR("rem", -7ll, 2), ALL, "rem -7 % 2");
	check(RR("rem", 7, -2ll), 1, "rem 7 % -2");
	check(RR("rem", -7ll, -2ll), ALL, "rem -7 % -2");
	check(RR("rem", -7ll, 0), (u64)-7ll, "rem by zero");
	check(RR("rem", MIN64, ALL), 0, "rem overflow");
	check(RR("rem", MIN64, 3), (u64)-2ll, "rem min % 3");
	check(RR("remu", 7, 0), 7, "remu by zero");
	check(RR("remu", ALL, 10), 5, "remu max % 10");
	check(RR("remu", MIN64, ALL), MIN64, "remu 2^63 % max");

	check(RR("divw", -7ll, 2), (u64)-3ll, "divw -7 / 2");
	check(RR("divw", 0xffffffff00000007ull, 0x1234567800000002ull), 3, "divw ignores upper");
	check(RR("divw", 0x7, 0x100000000ull), ALL, "divw by zero low half");
	check(RR("divw", MIN32, ALL), SMIN32, "divw overflow");
	check(RR("divw", MIN32, 0xffffffffull), SMIN32, "divw overflow (low half -1)");
	check(RR("divw", MIN32, 1), SMIN32, "divw INT32_MIN / 1 sign-extends");
	check(RR("divuw", 0xffffffffull, 2), 0x7fffffff, "divuw");
	check(RR("divuw", MIN32, 1), SMIN32, "divuw result sign-extended");
	check(RR("divuw", 5, 0), ALL, "divuw by zero");
	check(RR("divuw", 0xfffffffeull, 0xffffffffull), 0, "divuw big / bigger");
	check(RR("divuw", 0xffffffffffffffffull, 0x100000001ull), ALL,
	      "divuw max / 1 from low halves");

	check(RR("remw", -7ll, 2), ALL, "remw -7 % 2");
	check(RR("remw", MIN32, 0), SMIN32, "remw by zero sign-extends dividend");
	check(RR("remw", 0x1234567880000000ull, 0), SMIN32, "remw by zero low half only");
	check(RR("remw", MIN32, ALL), 0, "remw overflow");
	check(RR("remw", 0x1234567800000007ull, 3), 1, "remw ignores upper");
	check(RR("remuw", 0xffffffffull, 10), 5, "remuw");
	check(RR("remuw", 0x80000001ull, 0), 0xffffffff80000001ull, "remuw by zero sign-extends");
	check(RR("remuw", 0x80000005ull, 0x80000000ull), 5, "remuw");
	check(RR("remuw", 0xfffffff0ull, 0xfffffff1ull), 0xfffffffffffffff0ull,
	      "remuw result sign-extended");

	/* aliasing */
	check(R_SQ("div", 0), ALL, "div rd == rs1 == rs2 by zero");
	check(R_SQ("div", MIN64), 1, "div rd == rs1 == rs2");
	check(R_SQ("rem", 5), 0, "rem rd == rs1 == rs2");
	check(R_SQ("remu", 0), 0, "remu rd == rs1 == rs2 by zero");
	check(RR_SAME("divu", 100, 7), 14, "divu rd == rs1");
	check(RR_SAME2("divu", 100, 7), 14, "divu rd == rs2");
	check(RR_SAME2("rem", -100ll, 7), (u64)-2ll, "rem rd == rs2");
	check(RR_SAME2("remw", 0x80000000ull, ALL), 0, "remw rd == rs2 overflow");
	check(RR_SAME("divuw", 0x80000000ull, 0), ALL, "divuw rd == rs1 by zero");
}

int main(void)
{
	test_mul();
	test_div();
	return check_done("int-m");
}
