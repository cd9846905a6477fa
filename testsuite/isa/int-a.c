/*
 * The A extension on RV64 (unprivileged spec chapter 8), single hart:
 * lr/sc success and failure rules (8.2: an SC needs a valid reservation on
 * the bytes it writes; any SC, successful or not, invalidates the hart's
 * reservation; a failed SC writes nothing and gives a non-zero rd), and every
 * AMO in .w and .d (8.4): rd gets the old memory value (.w: sign-extended
 * from 32 bits), memory gets the operation on the old value and rs2 (.w: the
 * low 32 bits of rs2, min/max comparing them as signed or unsigned 32-bit
 * values), with aq/rl variants and operand aliasing.
 * Exits with the number of the first failing check.
 */
#include "int-check.h"

#define MIN64 0x8000000000000000ull

static u64 mem[4] __attribute__((aligned(16)));

/* old = amo(mem[0] word at byte offset @off, @src); returns rd */
#define AMO(insn, off, src)                                                                        \
	({                                                                                         \
		u64 r_;                                                                            \
		__asm__ volatile(insn " %0, %2, (%1)"                                              \
				 : "=&r"(r_)                                                       \
				 : "r"((char *)mem + (off)), "r"((u64)(src))                       \
				 : "memory");                                                      \
		r_;                                                                                \
	})

static void test_lr_sc(void)
{
	u64 r, s;

	/* lr.w sign-extends; the sc.w right after it succeeds and writes 32 bits */
	mem[0] = 0xaaaaaaaa80000001ull;
	__asm__ volatile("lr.w %0, (%2)\n\tsc.w %1, %3, (%2)"
			 : "=&r"(r), "=&r"(s)
			 : "r"(mem), "r"(0x5555555512345678ull)
			 : "memory");
	check(r, 0xffffffff80000001ull, "lr.w sign-extends");
	check(s, 0, "sc.w after lr.w succeeds");
	check(mem[0], 0xaaaaaaaa12345678ull, "sc.w writes the low 32 bits of rs2");

	/* the sc consumed the reservation: a second sc fails and writes nothing */
	__asm__ volatile("sc.w %0, %1, (%2)" : "=&r"(s) : "r"(0x99ull), "r"(mem) : "memory");
	check(s != 0, 1, "second sc.w fails");
	check(mem[0], 0xaaaaaaaa12345678ull, "failed sc.w does not write");

	/* lr.d / sc.d */
	mem[1] = 0x8000000000000000ull;
	__asm__ volatile("lr.d %0, (%2)\n\tsc.d %1, %3, (%2)"
			 : "=&r"(r), "=&r"(s)
			 : "r"(&mem[1]), "r"(0x0123456789abcdefull)
			 : "memory");
	check(r, 0x8000000000000000ull, "lr.d");
	check(s, 0, "sc.d after lr.d succeeds");
	check(mem[1], 0x0123456789abcdefull, "sc.d writes");
	__asm__ volatile("sc.d %0, %1, (%2)" : "=&r"(s) : "r"(1ull), "r"(&mem[1]) : "memory");
	check(s != 0, 1, "sc.d without reservation fails");
	check(mem[1], 0x0123456789abcdefull, "failed sc.d does not write");

	/* lr, sc, sc: the first sc used up the reservation */
	mem[2] = 7;
	__asm__ volatile("lr.d %0, (%1)\n\tsc.d %0, %2, (%1)\n\tsc.d %0, %2, (%1)"
			 : "=&r"(s)
			 : "r"(&mem[2]), "r"(8ull)
			 : "memory");
	check(s != 0, 1, "sc after a successful sc fails");
	check(mem[2], 8, "only the first sc wrote");

	/* ordering bits do not change the result */
	mem[3] = 5;
	__asm__ volatile("lr.d.aq %0, (%2)\n\taddi %0, %0, 1\n\tsc.d.rl %1, %0, (%2)"
			 : "=&r"(r), "=&r"(s)
			 : "r"(&mem[3])
			 : "memory");
	check(s, 0, "lr.d.aq / sc.d.rl succeeds");
	check(mem[3], 6, "lr/sc increment");
	__asm__ volatile("lr.w.aqrl %0, (%2)\n\taddi %0, %0, 1\n\tsc.w.aqrl %1, %0, (%2)"
			 : "=&r"(r), "=&r"(s)
			 : "r"(&mem[3])
			 : "memory");
	check(s, 0, "lr.w.aqrl / sc.w.aqrl succeeds");
	check(mem[3], 7, "lr/sc .aqrl increment");

	/*
	 * a retry loop as compilers emit it, with rd == rs2 in sc; bounded, so a
	 * broken sc fails the check instead of spinning
	 */
	mem[0] = 100;
	__asm__ volatile("li %1, 1000\n"
			 "1:\tlr.d %0, (%2)\n\taddi %0, %0, 5\n\tsc.d %0, %0, (%2)\n\t"
			 "beqz %0, 2f\n\taddi %1, %1, -1\n\tbnez %1, 1b\n"
			 "2:"
			 : "=&r"(r), "=&r"(s)
			 : "r"(mem)
			 : "memory");
	check(r, 0, "lr/sc loop with rd == rs2 succeeds");
	check(mem[0], 105, "lr/sc loop with rd == rs2 adds once");

	/* lr from the upper word of a doubleword */
	mem[0] = 0x7fffffff00000000ull;
	__asm__ volatile("lr.w %0, (%2)\n\tsc.w %1, %0, (%2)"
			 : "=&r"(r), "=&r"(s)
			 : "r"((char *)mem + 4)
			 : "memory");
	check(r, 0x7fffffff, "lr.w upper word");
	check(s, 0, "sc.w upper word");
}

/* Each AMO spelled out: the mnemonic must be a literal in the asm text. */
static u64 amo_w(int op, unsigned off, u64 init, u64 src, u64 *memv)
{
	u64 rd = 0;

	mem[0] = init;
	mem[1] = 0x5a5a5a5a5a5a5a5aull;
	switch (op) {
	case 0:
		rd = AMO("amoswap.w", off, src);
		break;
	case 1:
		rd = AMO("amoadd.w", off, src);
		break;
	case 2:
		rd = AMO("amoxor.w", off, src);
		break;
	case 3:
		rd = AMO("amoand.w", off, src);
		break;
	case 4:
		rd = AMO("amoor.w", off, src);
		break;
	case 5:
		rd = AMO("amomin.w", off, src);
		break;
	case 6:
		rd = AMO("amomax.w", off, src);
		break;
	case 7:
		rd = AMO("amominu.w", off, src);
		break;
	case 8:
		rd = AMO("amomaxu.w", off, src);
		break;
	case 9:
		rd = AMO("amoswap.w.aq", off, src);
		break;
	case 10:
		rd = AMO("amoadd.w.rl", off, src);
		break;
	case 11:
		rd = AMO("amomin.w.aqrl", off, src);
		break;
	}
	*memv = mem[0];
	check(mem[1], 0x5a5a5a5a5a5a5a5aull, "amo .w: neighbour untouched");
	return rd;
}

static u64 amo_d(int op, u64 init, u64 src, u64 *memv)
{
	u64 rd = 0;

	mem[0] = init;
	mem[1] = 0x5a5a5a5a5a5a5a5aull;
	switch (op) {
	case 0:
		rd = AMO("amoswap.d", 0, src);
		break;
	case 1:
		rd = AMO("amoadd.d", 0, src);
		break;
	case 2:
		rd = AMO("amoxor.d", 0, src);
		break;
	case 3:
		rd = AMO("amoand.d", 0, src);
		break;
	case 4:
		rd = AMO("amoor.d", 0, src);
		break;
	case 5:
		rd = AMO("amomin.d", 0, src);
		break;
	case 6:
		rd = AMO("amomax.d", 0, src);
		break;
	case 7:
		rd = AMO("amominu.d", 0, src);
		break;
	case 8:
		rd = AMO("amomaxu.d", 0, src);
		break;
	case 9:
		rd = AMO("amoswap.d.aq", 0, src);
		break;
	case 10:
		rd = AMO("amoadd.d.rl", 0, src);
		break;
	case 11:
		rd = AMO("amomaxu.d.aqrl", 0, src);
		break;
	}
	*memv = mem[0];
	check(mem[1], 0x5a5a5a5a5a5a5a5aull, "amo .d: neighbour untouched");
	return rd;
}

struct amo_row {
	int op;
	const char *name;
	unsigned off;
	u64 init, src, want_rd, want_mem;
};

static const struct amo_row w_rows[] = {
    /* low word 0x80000001 (negative), high word 0xcafebabe; rs2 low word 3 */
    {0, "amoswap.w", 0, 0xcafebabe80000001ull, 0xffffffff00000003ull, 0xffffffff80000001ull,
     0xcafebabe00000003ull},
    {1, "amoadd.w", 0, 0xcafebabe80000001ull, 0xffffffff00000003ull, 0xffffffff80000001ull,
     0xcafebabe80000004ull},
    {2, "amoxor.w", 0, 0xcafebabe80000001ull, 0xffffffff00000003ull, 0xffffffff80000001ull,
     0xcafebabe80000002ull},
    {3, "amoand.w", 0, 0xcafebabe80000001ull, 0xffffffff00000003ull, 0xffffffff80000001ull,
     0xcafebabe00000001ull},
    {4, "amoor.w", 0, 0xcafebabe80000001ull, 0xffffffff00000003ull, 0xffffffff80000001ull,
     0xcafebabe80000003ull},
    {5, "amomin.w", 0, 0xcafebabe80000001ull, 0xffffffff00000003ull, 0xffffffff80000001ull,
     0xcafebabe80000001ull},
    {6, "amomax.w", 0, 0xcafebabe80000001ull, 0xffffffff00000003ull, 0xffffffff80000001ull,
     0xcafebabe00000003ull},
    {7, "amominu.w", 0, 0xcafebabe80000001ull, 0xffffffff00000003ull, 0xffffffff80000001ull,
     0xcafebabe00000003ull},
    {8, "amomaxu.w", 0, 0xcafebabe80000001ull, 0xffffffff00000003ull, 0xffffffff80000001ull,
     0xcafebabe80000001ull},
    /* add carries out of bit 31 without touching the high word */
    {1, "amoadd.w carry", 0, 0x00000001ffffffffull, 1, 0xffffffffffffffffull,
     0x0000000100000000ull},
    /* rs2's upper half must not take part in the comparison: low word -2 */
    {5, "amomin.w rs2 low half signed", 0, 0x00000000ffffffffull, 0x00000001fffffffeull,
     0xffffffffffffffffull, 0x00000000fffffffeull},
    {6, "amomax.w rs2 low half signed", 0, 0x00000000fffffffeull, 0x00000001ffffffffull,
     0xfffffffffffffffeull, 0x00000000ffffffffull},
    {7, "amominu.w rs2 low half", 0, 0x0000000000000005ull, 0x0000000100000003ull, 5, 3},
    {8, "amomaxu.w rs2 low half", 0, 0x0000000080000000ull, 0xffffffff7fffffffull,
     0xffffffff80000000ull, 0x80000000ull},
    {5, "amomin.w -1 vs INT32_MAX", 0, 0xffffffffull, 0x7fffffffull, 0xffffffffffffffffull,
     0xffffffffull},
    {7, "amominu.w -1 vs INT32_MAX", 0, 0xffffffffull, 0x7fffffffull, 0xffffffffffffffffull,
     0x7fffffffull},
    {6, "amomax.w -1 vs INT32_MAX", 0, 0xffffffffull, 0x7fffffffull, 0xffffffffffffffffull,
     0x7fffffffull},
    {8, "amomaxu.w -1 vs INT32_MAX", 0, 0xffffffffull, 0x7fffffffull, 0xffffffffffffffffull,
     0xffffffffull},
    /* the upper word of a doubleword: offset 4 */
    {1, "amoadd.w upper word", 4, 0x7fffffff11111111ull, 1, 0x7fffffff, 0x8000000011111111ull},
    {0, "amoswap.w upper word", 4, 0x8000000011111111ull, 0x22222222ull, 0xffffffff80000000ull,
     0x2222222211111111ull},
    {9, "amoswap.w.aq", 0, 0x1234ull, 0x5678ull, 0x1234, 0x5678},
    {10, "amoadd.w.rl", 0, 0x1234ull, 0x5678ull, 0x1234, 0x68ac},
    {11, "amomin.w.aqrl", 0, 0x80000000ull, 0, 0xffffffff80000000ull, 0x80000000ull},
};

static const struct amo_row d_rows[] = {
    {0, "amoswap.d", 0, 0x8000000000000001ull, 3, 0x8000000000000001ull, 3},
    {1, "amoadd.d", 0, 0x8000000000000001ull, 3, 0x8000000000000001ull, 0x8000000000000004ull},
    {2, "amoxor.d", 0, 0x8000000000000001ull, 3, 0x8000000000000001ull, 0x8000000000000002ull},
    {3, "amoand.d", 0, 0x8000000000000001ull, 3, 0x8000000000000001ull, 1},
    {4, "amoor.d", 0, 0x8000000000000001ull, 3, 0x8000000000000001ull, 0x8000000000000003ull},
    {5, "amomin.d", 0, 0x8000000000000001ull, 3, 0x8000000000000001ull, 0x8000000000000001ull},
    {6, "amomax.d", 0, 0x8000000000000001ull, 3, 0x8000000000000001ull, 3},
    {7, "amominu.d", 0, 0x8000000000000001ull, 3, 0x8000000000000001ull, 3},
    {8, "amomaxu.d", 0, 0x8000000000000001ull, 3, 0x8000000000000001ull, 0x8000000000000001ull},
    {1, "amoadd.d wraps", 0, 0xffffffffffffffffull, 2, 0xffffffffffffffffull, 1},
    /* 64-bit comparison: equal low halves, the upper halves decide */
    {5, "amomin.d upper half", 0, 0x0000000100000000ull, 0xffffffff00000000ull,
     0x0000000100000000ull, 0xffffffff00000000ull},
    {7, "amominu.d upper half", 0, 0x0000000100000000ull, 0xffffffff00000000ull,
     0x0000000100000000ull, 0x0000000100000000ull},
    {9, "amoswap.d.aq", 0, 1, 2, 1, 2},
    {10, "amoadd.d.rl", 0, 1, 2, 1, 3},
    {11, "amomaxu.d.aqrl", 0, 1, MIN64, 1, MIN64},
};

static void test_amo(void)
{
	unsigned i;
	u64 m, rd;

	for (i = 0; i < sizeof(w_rows) / sizeof(w_rows[0]); i++) {
		const struct amo_row *r = &w_rows[i];

		rd = amo_w(r->op, r->off, r->init, r->src, &m);
		check(rd, r->want_rd, r->name);
		check(m, r->want_mem, r->name);
	}
	for (i = 0; i < sizeof(d_rows) / sizeof(d_rows[0]); i++) {
		const struct amo_row *r = &d_rows[i];

		rd = amo_d(r->op, r->init, r->src, &m);
		check(rd, r->want_rd, r->name);
		check(m, r->want_mem, r->name);
	}
}

static void test_amo_aliasing(void)
{
	u64 r;

	/* rd == rs2: the old value lands in the register that supplied the operand */
	mem[0] = 40;
	r = 2;
	__asm__ volatile("amoadd.d %0, %0, (%1)" : "+r"(r) : "r"(mem) : "memory");
	check(r, 40, "amoadd.d rd == rs2: rd");
	check(mem[0], 42, "amoadd.d rd == rs2: memory");
	mem[0] = 0xfffffffe;
	r = 0x100000003ull;
	__asm__ volatile("amoswap.w %0, %0, (%1)" : "+r"(r) : "r"(mem) : "memory");
	check(r, 0xfffffffffffffffeull, "amoswap.w rd == rs2: rd");
	check(mem[0], 3, "amoswap.w rd == rs2: memory");
	/* rd == x0: memory still updated */
	mem[0] = 1;
	__asm__ volatile("amoor.d x0, %0, (%1)" : : "r"(6ull), "r"(mem) : "memory");
	check(mem[0], 7, "amoor.d rd == x0");
}

int main(void)
{
	test_lr_sc();
	test_amo();
	test_amo_aliasing();
	return check_done("int-a");
}
