/*
 * Shared checking helpers for the freestanding integer ISA tests
 * (testsuite/isa/int-*.c): numbered checks, and inline-asm wrappers that
 * run one instruction on register operands.
 *
 * The instruction under test is assembled with ".option norvc", so the
 * 32-bit encoding is what runs even where the assembler could compress it;
 * int-c.c tests the 16-bit encodings explicitly.
 */
#ifndef INT_CHECK_H
#define INT_CHECK_H

#include "isa-rt.h"

typedef long long s64;

static int ic_failed;
static unsigned ic_check_no;

/* Check number ic_check_no + 1: @got must equal @want. */
static void check(u64 got, u64 want, const char *what)
{
	ic_check_no++;
	if (got == want)
		return;
	rt_puts("FAIL check ");
	rt_putdec(ic_check_no);
	rt_puts(" (");
	rt_puts(what);
	rt_puts("): got ");
	rt_puthex(got);
	rt_puts(" expected ");
	rt_puthex(want);
	rt_puts("\n");
	if (!ic_failed)
		ic_failed = (int)(ic_check_no > 255 ? 255 : ic_check_no);
}

/* main()'s return value: 0, or the first failing check's number */
static int check_done(const char *test)
{
	if (!ic_failed) {
		rt_puts(test);
		rt_puts(": all ");
		rt_putdec(ic_check_no);
		rt_puts(" checks passed\n");
	}
	return ic_failed;
}

#define NORVC(text) ".option push\n\t.option norvc\n\t" text "\n\t.option pop"
#define ZB(text)                                                                                   \
	".option push\n\t.option norvc\n\t.option arch, +zba, +zbb, +zbs\n\t" text "\n\t.option "  \
										   "pop"

/* rd = insn(rs1, rs2) */
#define RR(insn, a, b)                                                                             \
	({                                                                                         \
		u64 r_;                                                                            \
		__asm__ volatile(NORVC(insn " %0, %1, %2")                                         \
				 : "=r"(r_)                                                        \
				 : "r"((u64)(a)), "r"((u64)(b)));                                  \
		r_;                                                                                \
	})

/* rd = insn(rs1, imm) */
#define RI(insn, a, imm)                                                                           \
	({                                                                                         \
		u64 r_;                                                                            \
		__asm__ volatile(NORVC(insn " %0, %1, %2") : "=r"(r_) : "r"((u64)(a)), "i"(imm));  \
		r_;                                                                                \
	})

/* rd = insn(rs1) */
#define R1(insn, a)                                                                                \
	({                                                                                         \
		u64 r_;                                                                            \
		__asm__ volatile(NORVC(insn " %0, %1") : "=r"(r_) : "r"((u64)(a)));                \
		r_;                                                                                \
	})

/* the same with the bit-manipulation extensions enabled in the assembler */
#define ZRR(insn, a, b)                                                                            \
	({                                                                                         \
		u64 r_;                                                                            \
		__asm__ volatile(ZB(insn " %0, %1, %2")                                            \
				 : "=r"(r_)                                                        \
				 : "r"((u64)(a)), "r"((u64)(b)));                                  \
		r_;                                                                                \
	})

#define ZRI(insn, a, imm)                                                                          \
	({                                                                                         \
		u64 r_;                                                                            \
		__asm__ volatile(ZB(insn " %0, %1, %2") : "=r"(r_) : "r"((u64)(a)), "i"(imm));     \
		r_;                                                                                \
	})

#define ZR1(insn, a)                                                                               \
	({                                                                                         \
		u64 r_;                                                                            \
		__asm__ volatile(ZB(insn " %0, %1") : "=r"(r_) : "r"((u64)(a)));                   \
		r_;                                                                                \
	})

/* insn with rd == rs1 (and rs2 given): the destination overwrites a source */
#define RR_SAME(insn, a, b)                                                                        \
	({                                                                                         \
		u64 r_ = (u64)(a);                                                                 \
		__asm__ volatile(NORVC(insn " %0, %0, %1") : "+r"(r_) : "r"((u64)(b)));            \
		r_;                                                                                \
	})

#endif
