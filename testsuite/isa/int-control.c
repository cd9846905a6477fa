/*
 * RV64I control transfer (unprivileged spec 2.5): every branch condition on
 * equal, signed-less, unsigned-less and mixed-sign operands, forward and
 * backward and distant branches, jal and jalr link values, jalr clearing
 * bit 0 of the target, jalr with rd == rs1 (the target uses the old rs1),
 * and x0 as the link register.
 * Exits with the number of the first failing check.
 */
#include "int-check.h"

#define MIN64 0x8000000000000000ull
#define MAX64 0x7fffffffffffffffull
#define ALL 0xffffffffffffffffull

/* 1 if "insn a, b, target" is taken */
#define BR(insn, a, b)                                                                             \
	({                                                                                         \
		u64 t_;                                                                            \
		__asm__ volatile(NORVC("li %0, 1\n\t" insn " %1, %2, 1f\n\t"                       \
				       "li %0, 0\n1:")                                             \
				 : "=&r"(t_)                                                       \
				 : "r"((u64)(a)), "r"((u64)(b)));                                  \
		t_;                                                                                \
	})

struct br_case {
	u64 a, b;
	/* expected taken for beq bne blt bge bltu bgeu */
	unsigned char t[6];
};

static const struct br_case br_cases[] = {
    {5, 5, {1, 0, 0, 1, 0, 1}},
    {4, 5, {0, 1, 1, 0, 1, 0}},
    {5, 4, {0, 1, 0, 1, 0, 1}},
    {ALL, 1, {0, 1, 1, 0, 0, 1}},
    {1, ALL, {0, 1, 0, 1, 1, 0}},
    {MIN64, MAX64, {0, 1, 1, 0, 0, 1}},
    {MAX64, MIN64, {0, 1, 0, 1, 1, 0}},
    {MIN64, MIN64, {1, 0, 0, 1, 0, 1}},
    {0, 0, {1, 0, 0, 1, 0, 1}},
    /* equal low 32 bits: the comparison is on all 64 */
    {0x100000000ull, 0, {0, 1, 0, 1, 0, 1}},
    {0xffffffff00000000ull, 0, {0, 1, 1, 0, 0, 1}},
};

static void test_branches(void)
{
	unsigned i;

	for (i = 0; i < sizeof(br_cases) / sizeof(br_cases[0]); i++) {
		const struct br_case *c = &br_cases[i];

		check(BR("beq", c->a, c->b), c->t[0], "beq");
		check(BR("bne", c->a, c->b), c->t[1], "bne");
		check(BR("blt", c->a, c->b), c->t[2], "blt");
		check(BR("bge", c->a, c->b), c->t[3], "bge");
		check(BR("bltu", c->a, c->b), c->t[4], "bltu");
		check(BR("bgeu", c->a, c->b), c->t[5], "bgeu");
	}
}

static void test_branch_shapes(void)
{
	u64 n, t;

	/* a backward branch: a counted loop */
	__asm__ volatile(NORVC("li %0, 0\n\tli %1, 10\n"
			       "1:\taddi %0, %0, 3\n\taddi %1, %1, -1\n\tbne %1, x0, 1b")
			 : "=&r"(n), "=&r"(t));
	check(n, 30, "backward bne loop");
	/* a branch comparing a register with itself */
	__asm__ volatile(NORVC("li %0, 1\n\tblt %1, %1, 1f\n\tli %0, 2\n1:")
			 : "=&r"(t)
			 : "r"(1ull));
	check(t, 2, "blt r, r not taken");
	__asm__ volatile(NORVC("li %0, 1\n\tbgeu %1, %1, 1f\n\tli %0, 2\n1:")
			 : "=&r"(t)
			 : "r"(1ull));
	check(t, 1, "bgeu r, r taken");
	/* a branch over 3000 bytes (near the +-4 KiB limit) and back */
	__asm__ volatile(NORVC("li %0, 0\n\tbeq x0, x0, 2f\n"
			       "1:\taddi %0, %0, 1\n\tj 3f\n\t"
			       ".fill 750, 4, 0x00100073\n" /* ebreak: must not run */
			       "2:\taddi %0, %0, 10\n\tbge %0, x0, 1b\n\tli %0, 99\n3:")
			 : "=&r"(t));
	check(t, 11, "distant forward and backward branches");
	/* not taken branch followed directly by a taken one */
	__asm__ volatile(NORVC("li %0, 0\n\tbne x0, x0, 1f\n\tbeq x0, x0, 2f\n"
			       "1:\tli %0, 5\n2:")
			 : "=&r"(t));
	check(t, 0, "not taken then taken");
}

static void test_jal(void)
{
	u64 link, here, t;

	/* jal ra, label: link = address of the next instruction */
	__asm__ volatile(".option push\n\t.option norvc\n\t.option norelax\n\t"
			 "jal %0, 1f\n"
			 "2:\tebreak\n"
			 "1:\tlui %1, %%hi(2b)\n\t"
			 "addi %1, %1, %%lo(2b)\n\t"
			 ".option pop"
			 : "=&r"(link), "=&r"(here));
	check(link, here, "jal link = pc + 4");
	/* jal x0 (j) writes nothing; a backward jal */
	__asm__ volatile(NORVC("li %0, 0\n\tj 2f\n"
			       "1:\taddi %0, %0, 1\n\tj 3f\n"
			       "2:\taddi %0, %0, 2\n\tjal x0, 1b\n3:")
			 : "=&r"(t));
	check(t, 3, "j forward then jal x0 backward");
	/* a distant jal (beyond branch range) */
	__asm__ volatile(NORVC("li %0, 0\n\tjal x0, 1f\n\t"
			       ".fill 5000, 4, 0x00100073\n"
			       "1:\tli %0, 1")
			 : "=&r"(t));
	check(t, 1, "jal over 20000 bytes");
}

static void test_jalr(void)
{
	u64 link, here, t, base;

	/* jalr target with bit 0 set: bit 0 is cleared, the jump lands on the label */
	__asm__ volatile(".option push\n\t.option norvc\n\t.option norelax\n\t"
			 "lui %2, %%hi(1f)\n\t"
			 "addi %2, %2, %%lo(1f)\n\t"
			 "addi %2, %2, 1\n\t"
			 "li %1, 0\n\t"
			 "jalr %0, 0(%2)\n"
			 "2:\tli %1, 99\n\tebreak\n"
			 "1:\tlui %2, %%hi(2b)\n\t"
			 "addi %2, %2, %%lo(2b)\n\t"
			 ".option pop"
			 : "=&r"(link), "=&r"(t), "=&r"(base));
	check(link, base, "jalr link = pc + 4");
	check(t, 0, "jalr target bit 0 cleared");

	/* an odd immediate and a base two below the label: (base + 3) & ~1 */
	__asm__ volatile(".option push\n\t.option norvc\n\t.option norelax\n\t"
			 "lui %1, %%hi(1f)\n\t"
			 "addi %1, %1, %%lo(1f)\n\t"
			 "addi %1, %1, -2\n\t"
			 "li %0, 0\n\t"
			 "jalr x0, 3(%1)\n\t"
			 "li %0, 99\n\tebreak\n"
			 "1:\taddi %0, %0, 1\n\t"
			 ".option pop"
			 : "=&r"(t), "=&r"(base));
	check(t, 1, "jalr odd offset");

	/* a negative offset */
	__asm__ volatile(".option push\n\t.option norvc\n\t.option norelax\n\t"
			 "lui %1, %%hi(1f)\n\t"
			 "addi %1, %1, %%lo(1f)\n\t"
			 "addi %1, %1, 2000\n\t"
			 "li %0, 0\n\t"
			 "jalr x0, -2000(%1)\n\t"
			 "li %0, 99\n\tebreak\n"
			 "1:\taddi %0, %0, 1\n\t"
			 ".option pop"
			 : "=&r"(t), "=&r"(base));
	check(t, 1, "jalr negative offset");

	/* rd == rs1: the target comes from the old value, rd gets the link */
	__asm__ volatile(".option push\n\t.option norvc\n\t.option norelax\n\t"
			 "lui %0, %%hi(1f)\n\t"
			 "addi %0, %0, %%lo(1f)\n\t"
			 "li %1, 0\n\t"
			 "jalr %0, 0(%0)\n"
			 "2:\tli %1, 99\n\tebreak\n"
			 "1:\tlui %2, %%hi(2b)\n\t"
			 "addi %2, %2, %%lo(2b)\n\t"
			 ".option pop"
			 : "=&r"(link), "=&r"(t), "=&r"(here));
	check(link, here, "jalr rd == rs1 link");
	check(t, 0, "jalr rd == rs1 target from old rs1");

	/* rd == rs1 with an offset and bit 0 */
	__asm__ volatile(".option push\n\t.option norvc\n\t.option norelax\n\t"
			 "lui %0, %%hi(1f)\n\t"
			 "addi %0, %0, %%lo(1f)\n\t"
			 "addi %0, %0, -7\n\t"
			 "li %1, 0\n\t"
			 "jalr %0, 8(%0)\n"
			 "2:\tli %1, 99\n\tebreak\n"
			 "1:\tlui %2, %%hi(2b)\n\t"
			 "addi %2, %2, %%lo(2b)\n\t"
			 ".option pop"
			 : "=&r"(link), "=&r"(t), "=&r"(here));
	check(link, here, "jalr rd == rs1, offset 8, link");
	check(t, 0, "jalr rd == rs1, offset 8, target");

	/* call and return through ra (jalr x0, 0(ra)) */
	__asm__ volatile(NORVC("li %0, 0\n\tcall 1f\n\taddi %0, %0, 10\n\tj 2f\n"
			       "1:\taddi %0, %0, 1\n\tret\n2:")
			 : "=&r"(t)
			 :
			 : "ra");
	check(t, 11, "call/ret");
}

int main(void)
{
	test_branches();
	test_branch_shapes();
	test_jal();
	test_jalr();
	return check_done("int-control");
}
