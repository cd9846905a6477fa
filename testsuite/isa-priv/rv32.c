/*
 * RV32 (built with -march=rv32gc, run on a 32-bit spike machine): misa,
 * traps with the 32-bit interrupt bit, the RV32-only compressed encodings,
 * RV64-only instructions being illegal, the high-half counter CSRs, Sv32
 * translation with megapages, A/D updates and page faults.
 */
#include "rt.h"

#if __riscv_xlen != 32
#error "rv32.c is an RV32 test"
#endif

#define PTE_V 0x01u
#define PTE_R 0x02u
#define PTE_W 0x04u
#define PTE_X 0x08u
#define PTE_U 0x10u
#define PTE_A 0x40u
#define PTE_D 0x80u
#define MEGA (4ul << 20)

static uint32_t root[1024] __attribute__((aligned(4096)));
static uint32_t l0[1024] __attribute__((aligned(4096)));
static uint32_t page[1024] __attribute__((aligned(4096)));

static __attribute__((noinline)) long s_load(long va)
{
	return (long)*(volatile uint32_t *)va;
}

static __attribute__((noinline)) long s_store(long va)
{
	*(volatile uint32_t *)va = 0xabcd;
	return 0;
}

static bool msi_hook(struct frame *f, unsigned long cause)
{
	if (cause != (CAUSE_IRQ | 3))
		return false;
	*CLINT_MSIP(0) = 0;
	return true;
}

/* c.jal: call the label, which returns a0 + 1 */
static __attribute__((noinline)) long do_cjal(long x)
{
	long r;

	__asm__ volatile(".option push\n\t.option rvc\n\t"
			 "mv a0, %1\n\t"
			 "c.jal 1f\n\t"
			 "j 2f\n"
			 "1:\taddi a0, a0, 1\n\t"
			 "ret\n"
			 "2:\tmv %0, a0\n\t"
			 ".option pop"
			 : "=r"(r)
			 : "r"(x)
			 : "a0", "ra", "memory");
	return r;
}

int main(void)
{
	unsigned n;
	volatile float fv[2] = {1.5f, 0.0f};

	trap_reset();

	/* ---- misa: MXL = 1 */
	CHECK_EQ(csr_read(misa) >> 30, 1);
	CHECK(csr_read(misa) & (1ul << ('S' - 'A')));

	/* ---- RV32-only compressed encodings */
	CHECK_EQ(do_cjal(41), 42);
	float f;
	__asm__ volatile("c.flw %0, 0(%1)" : "=f"(f) : "r"(fv) : "memory");
	CHECK_EQ((long)(f * 2), 3);
	__asm__ volatile("c.fsw %0, 4(%1)" ::"f"(f), "r"(fv) : "memory");
	CHECK_EQ((long)(fv[1] * 4), 6);

	/* ---- RV64-only instructions are illegal */
	n = trap_count;
	__asm__ volatile(".4byte 0x00053503" ::: "memory", "a0"); /* ld a0, 0(a0) */
	CHECK_TRAP(n, CAUSE_ILLEGAL, 'M');
	CHECK_EQ(last_trap()->tval, 0x00053503);
	n = trap_count;
	__asm__ volatile(".4byte 0x0015051b" ::: "memory", "a0"); /* addiw a0, a0, 1 */
	CHECK_TRAP(n, CAUSE_ILLEGAL, 'M');
	n = trap_count;
	__asm__ volatile(".4byte 0x02051513" ::: "memory", "a0"); /* slli a0, a0, 32 */
	CHECK_TRAP(n, CAUSE_ILLEGAL, 'M');

	/* ---- 64-bit counters through their high halves */
	unsigned long hi = csr_read(mcycleh), lo = csr_read(mcycle);
	unsigned long hi2 = csr_read(mcycleh);
	CHECK(hi2 >= hi);
	(void)lo;
	(void)csr_read(minstreth);
	CHECK_EQ(csr_read(mstatush), 0);

	/* ---- the interrupt bit is bit 31 */
	m_hook = msi_hook;
	csr_write(mie, MIP_MSIP);
	*CLINT_MSIP(0) = 1;
	n = trap_count;
	csr_set(mstatus, MSTATUS_MIE);
	for (volatile int i = 0; i < 1000000 && trap_count == n; i++)
		;
	csr_clear(mstatus, MSTATUS_MIE);
	CHECK_TRAP(n, 0x80000003ul, 'M');
	csr_write(mie, 0);
	m_hook = 0;

	/* ---- Sv32: the program by megapages, one 4 KiB page at 0x10000000 */
	for (unsigned long va = 0x80000000ul; va < 0x80800000ul; va += MEGA)
		root[va >> 22] = (uint32_t)((va >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_X |
				 PTE_A | PTE_D;
	root[0x10000000ul >> 22] = (uint32_t)(((unsigned long)l0 >> 12) << 10) | PTE_V;
	l0[(0x10000000ul >> 12) & 1023] = (uint32_t)(((unsigned long)page >> 12) << 10) |
					  PTE_V | PTE_R | PTE_W;
	page[1] = 0x1234;
	csr_write(satp, (1ul << 31) | ((unsigned long)root >> 12));
	__asm__ volatile("sfence.vma" ::: "memory");
	CHECK_EQ(run_in_mode(MODE_S, s_load, 0x10000004), 0x1234);
	CHECK_EQ(l0[(0x10000000ul >> 12) & 1023] & (PTE_A | PTE_D), PTE_A);
	run_in_mode(MODE_S, s_store, 0x10000008);
	CHECK_EQ(l0[(0x10000000ul >> 12) & 1023] & (PTE_A | PTE_D), PTE_A | PTE_D);
	CHECK_EQ(page[2], 0xabcd);
	n = trap_count;
	run_in_mode(MODE_S, s_load, 0x10001000);
	CHECK_TRAP(n, CAUSE_LOAD_PAGE, 'M');
	CHECK_EQ(last_trap()->tval, 0x10001000);
	/* a misaligned megapage */
	root[0x20000000ul >> 22] = (uint32_t)((((unsigned long)page >> 12)) << 10) | PTE_V | PTE_R |
				   PTE_A;
	__asm__ volatile("sfence.vma" ::: "memory");
	n = trap_count;
	run_in_mode(MODE_S, s_load, 0x20000000);
	CHECK_TRAP(n, CAUSE_LOAD_PAGE, 'M');
	csr_write(satp, 0);

	puts_("rv32: ok\n");
	return 0;
}
