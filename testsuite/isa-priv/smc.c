/*
 * Self-modifying code: code rewritten by stores (plain, atomic, through
 * another virtual mapping of the same physical page), by code in the very
 * block being rewritten, and data stores to a page that holds code. After
 * fence.i the new instructions must run.
 */
#include "vm.h"

#define ADDI_A0(imm) (0x00000513u | (uint32_t)(imm) << 20) /* addi a0, zero, imm */
#define RET 0x00008067u                                     /* jalr zero, 0(ra) */
#define FENCE_I 0x0000100fu
#define SW_A1_8_A0 0x00b52423u                              /* sw a1, 8(a0) */

static uint32_t code[1024] __attribute__((aligned(4096)));

typedef long (*fn_t)(long, long);

static long call_code(void *at, long a0, long a1)
{
	return ((fn_t)at)(a0, a1);
}

static void put(volatile uint32_t *p, uint32_t insn)
{
	*p = insn;
}

/* S-mode: run the code through its other mapping */
static __attribute__((noinline)) long s_call(long va)
{
	return call_code((void *)va, 0, 0);
}

int main(void)
{
	long sum;

	trap_reset();

	/* ---- rewrite, fence.i, run: again and again */
	put(&code[1], RET);
	for (int i = 0; i < 50; i++) {
		put(&code[0], ADDI_A0(i));
		__asm__ volatile("fence.i" ::: "memory");
		sum = 0;
		for (int k = 0; k < 20; k++) /* hot: translated, maybe chained */
			sum += call_code(code, 0, 0);
		CHECK_EQ(sum, 20 * i);
	}

	/* ---- an atomic store rewrites it */
	uint32_t old;
	__asm__ volatile("amoswap.w %0, %1, (%2)" : "=r"(old) : "r"(ADDI_A0(77)), "r"(&code[0])
			 : "memory");
	CHECK_EQ(old, ADDI_A0(49));
	__asm__ volatile("fence.i" ::: "memory");
	CHECK_EQ(call_code(code, 0, 0), 77);

	/* ---- the code rewrites an instruction of its own block, then fence.i */
	put(&code[0], SW_A1_8_A0);
	put(&code[1], FENCE_I);
	put(&code[2], ADDI_A0(1));
	put(&code[3], RET);
	__asm__ volatile("fence.i" ::: "memory");
	CHECK_EQ(call_code(code, (long)code, ADDI_A0(1)), 1); /* translated as is */
	CHECK_EQ(call_code(code, (long)code, ADDI_A0(2)), 2);
	CHECK_EQ(call_code(code, (long)code, ADDI_A0(3)), 3);

	/* ---- data stores to the page holding the code leave the code alone */
	put(&code[0], ADDI_A0(5));
	put(&code[1], RET);
	__asm__ volatile("fence.i" ::: "memory");
	volatile uint32_t *data = &code[512];
	for (int i = 0; i < 1000; i++) {
		data[i % 100] = (uint32_t)i;
		CHECK_EQ(call_code(code, 0, 0), 5);
	}
	CHECK_EQ(data[99], 999);

	/* ---- written through one mapping, run through another */
	vm_setup();
	map(TEST_VA, (unsigned long)code, PTE_V | PTE_R | PTE_X | PTE_A, 0);
	csr_write(satp, satp_of(0));
	CHECK_EQ(run_in_mode(MODE_S, s_call, (long)TEST_VA), 5);
	put(&code[0], ADDI_A0(6)); /* M-mode: physical address */
	__asm__ volatile("fence.i" ::: "memory");
	CHECK_EQ(run_in_mode(MODE_S, s_call, (long)TEST_VA), 6);
	/* and the page remapped to other code at the same virtual address */
	static uint32_t code2[1024] __attribute__((aligned(4096)));
	code2[0] = ADDI_A0(8);
	code2[1] = RET;
	map(TEST_VA, (unsigned long)code2, PTE_V | PTE_R | PTE_X | PTE_A, 0);
	__asm__ volatile("fence.i" ::: "memory");
	CHECK_EQ(run_in_mode(MODE_S, s_call, (long)TEST_VA), 8);
	csr_write(satp, 0);
	CHECK_EQ(trap_count, 0);

	puts_("smc: ok\n");
	return 0;
}
