/*
 * Branchy, interpreter-like: a small register bytecode VM with switch dispatch (what
 * Lua or Python do, in miniature), running two bytecode programs: Collatz step counting
 * and a sieve of Eratosthenes over VM memory. The indirect jump of the switch and the
 * data-dependent branches are what an emulator's block chaining has to handle well.
 *
 * usage: vm [N]    prints the results of both programs
 */
#include <inttypes.h>
#include <stdio.h>

#include "common.h"

enum op {
	OP_HALT,
	OP_LI,	 /* r[a] = imm */
	OP_MOV,	 /* r[a] = r[b] */
	OP_ADD,	 /* r[a] = r[b] + r[c] */
	OP_ADDI, /* r[a] = r[b] + imm */
	OP_MUL,	 /* r[a] = r[b] * r[c] */
	OP_AND,	 /* r[a] = r[b] & imm */
	OP_XOR,	 /* r[a] = r[b] ^ r[c] */
	OP_SHRI, /* r[a] = r[b] >> imm */
	OP_LD,	 /* r[a] = mem[r[b]] */
	OP_ST,	 /* mem[r[b]] = r[a] */
	OP_JMP,	 /* pc = imm */
	OP_BEQ,	 /* if r[a] == r[b] pc = imm */
	OP_BNE,	 /* if r[a] != r[b] pc = imm */
	OP_BLT,	 /* if r[a] < r[b] pc = imm */
	OP_BEQZ, /* if r[a] == 0 pc = imm */
};

struct insn {
	uint8_t op, a, b, c;
	int32_t imm;
};

#define I(o, a_, b_, c_, i_) { .op = OP_##o, .a = a_, .b = b_, .c = c_, .imm = i_ }

static uint64_t vm_run(const struct insn *code, uint64_t *r, uint64_t *mem)
{
	uint64_t count = 0;

	for (long pc = 0;; pc++) {
		const struct insn *in = &code[pc];

		count++;
		switch (in->op) {
		case OP_HALT:
			return count;
		case OP_LI:
			r[in->a] = (int64_t)in->imm;
			break;
		case OP_MOV:
			r[in->a] = r[in->b];
			break;
		case OP_ADD:
			r[in->a] = r[in->b] + r[in->c];
			break;
		case OP_ADDI:
			r[in->a] = r[in->b] + (int64_t)in->imm;
			break;
		case OP_MUL:
			r[in->a] = r[in->b] * r[in->c];
			break;
		case OP_AND:
			r[in->a] = r[in->b] & (uint64_t)(int64_t)in->imm;
			break;
		case OP_XOR:
			r[in->a] = r[in->b] ^ r[in->c];
			break;
		case OP_SHRI:
			r[in->a] = r[in->b] >> in->imm;
			break;
		case OP_LD:
			r[in->a] = mem[r[in->b]];
			break;
		case OP_ST:
			mem[r[in->b]] = r[in->a];
			break;
		case OP_JMP:
			pc = in->imm - 1;
			break;
		case OP_BEQ:
			if (r[in->a] == r[in->b])
				pc = in->imm - 1;
			break;
		case OP_BNE:
			if (r[in->a] != r[in->b])
				pc = in->imm - 1;
			break;
		case OP_BLT:
			if (r[in->a] < r[in->b])
				pc = in->imm - 1;
			break;
		case OP_BEQZ:
			if (!r[in->a])
				pc = in->imm - 1;
			break;
		default:
			fprintf(stderr, "vm: bad opcode %d at %ld\n", in->op, pc);
			exit(1);
		}
	}
}

/*
 * Collatz: r1 = total steps for all start values 1..r4, r5 = largest value seen.
 * Registers: r0 n, r1 steps, r2 x, r3 const 1, r4 limit, r5 max, r6 tmp, r7 const 3.
 */
static const struct insn collatz[] = {
	/* 0 */ I(LI, 0, 0, 0, 1),
	/* 1 */ I(LI, 1, 0, 0, 0),
	/* 2 */ I(LI, 3, 0, 0, 1),
	/* 3 */ I(LI, 5, 0, 0, 0),
	/* 4 */ I(LI, 7, 0, 0, 3),
	/* 5 loop: */ I(MOV, 2, 0, 0, 0),
	/* 6 inner: */ I(BEQ, 2, 3, 0, 16),
	/* 7 */ I(AND, 6, 2, 0, 1),
	/* 8 */ I(BEQZ, 6, 0, 0, 12),
	/* 9 */ I(MUL, 2, 2, 7, 0),
	/* 10 */ I(ADDI, 2, 2, 0, 1),
	/* 11 */ I(JMP, 0, 0, 0, 13),
	/* 12 even: */ I(SHRI, 2, 2, 0, 1),
	/* 13 cont: */ I(ADDI, 1, 1, 0, 1),
	/* 14 */ I(BLT, 2, 5, 0, 6),
	/* 15 */ I(MOV, 5, 2, 0, 0), /* a new maximum */
	/* 16 next: */ I(BNE, 2, 3, 0, 6), /* from 15 with x != 1: back to inner */
	/* 17 */ I(ADDI, 0, 0, 0, 1),
	/* 18 */ I(BLT, 4, 0, 0, 20),
	/* 19 */ I(JMP, 0, 0, 0, 5),
	/* 20 */ I(HALT, 0, 0, 0, 0),
};

/*
 * Sieve: mem[i] = 1 marks composites below r4; r1 counts primes, r8 xors them.
 * Registers: r0 i, r1 count, r2 j, r3 const 1, r4 limit, r6 tmp, r8 xor, r9 const 2.
 */
static const struct insn sieve[] = {
	/* 0 */ I(LI, 0, 0, 0, 2),
	/* 1 */ I(LI, 1, 0, 0, 0),
	/* 2 */ I(LI, 3, 0, 0, 1),
	/* 3 */ I(LI, 8, 0, 0, 0),
	/* 4 loop: */ I(BLT, 0, 4, 0, 6),
	/* 5 */ I(HALT, 0, 0, 0, 0),
	/* 6 */ I(LD, 6, 0, 0, 0),
	/* 7 */ I(BEQZ, 6, 0, 0, 10),
	/* 8 next: */ I(ADDI, 0, 0, 0, 1),
	/* 9 */ I(JMP, 0, 0, 0, 4),
	/* 10 prime: */ I(ADDI, 1, 1, 0, 1),
	/* 11 */ I(XOR, 8, 8, 0, 0),
	/* 12 */ I(ADD, 2, 0, 0, 0), /* j = i + i */
	/* 13 mark: */ I(BLT, 2, 4, 0, 15),
	/* 14 */ I(JMP, 0, 0, 0, 8),
	/* 15 */ I(ST, 3, 2, 0, 0),
	/* 16 */ I(ADD, 2, 2, 0, 0), /* j += i */
	/* 17 */ I(JMP, 0, 0, 0, 13),
};

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 300000);
	uint64_t r[16] = { 0 };
	uint64_t *mem = calloc(n * 8, sizeof(*mem));
	uint64_t total = 0;

	if (!mem) {
		perror("calloc");
		return 1;
	}
	r[4] = n;
	total += vm_run(collatz, r, mem);
	printf("vm collatz n=%ld steps=%" PRIu64 " max=%" PRIu64 "\n", n, r[1], r[5]);

	for (int i = 0; i < 16; i++)
		r[i] = 0;
	r[4] = n * 8;
	total += vm_run(sieve, r, mem);
	printf("vm sieve n=%ld primes=%" PRIu64 " xor=%" PRIu64 "\n", n * 8, r[1], r[8]);
	printf("vm instructions=%" PRIu64 "\n", total);
	free(mem);
	return 0;
}
