/*
 * Misaligned accesses: ordinary loads and stores are performed (inside a
 * page, and across two pages that map to scattered physical pages); one that
 * crosses into an unmapped page faults without writing anything; atomics
 * and LR/SC must be aligned (store/AMO and load address-misaligned).
 */
#include "vm.h"

static __attribute__((noinline)) long ld64(long a)
{
	return (long)*(volatile uint64_t *)a;
}

static __attribute__((noinline)) long sd64(long a)
{
	*(volatile uint64_t *)a = 0x1122334455667788ul;
	return 0;
}

int main(void)
{
	static uint8_t buf[64] __attribute__((aligned(16)));
	unsigned n;

	trap_reset();

	/* ---- inside a page, M-mode (bare) */
	for (int i = 0; i < 64; i++)
		buf[i] = (uint8_t)i;
	CHECK_EQ(*(volatile uint16_t *)(buf + 1), 0x0201);
	CHECK_EQ(*(volatile uint32_t *)(buf + 3), 0x06050403);
	CHECK_EQ(*(volatile uint64_t *)(buf + 5), 0x0c0b0a0908070605ul);
	CHECK_EQ(*(volatile int16_t *)(buf + 0x3f - 1) , (int16_t)0x3f3e);
	*(volatile uint64_t *)(buf + 9) = 0xa1a2a3a4a5a6a7a8ul;
	CHECK_EQ(buf[8], 8);
	CHECK_EQ(buf[9], 0xa8);
	CHECK_EQ(buf[16], 0xa1);
	CHECK_EQ(buf[17], 17);
	*(volatile uint32_t *)(buf + 33) = 0xdeadbeef;
	CHECK_EQ(*(volatile uint32_t *)(buf + 33), 0xdeadbeef);
	CHECK_EQ(trap_count, 0);

	/* ---- across pages mapped to physical pages far apart */
	vm_setup();
	uint8_t *p0 = alloc_pages(1, PAGE);
	alloc_pages(3, PAGE);
	uint8_t *p1 = alloc_pages(1, PAGE);
	for (int i = 0; i < 4096; i++) {
		p0[i] = (uint8_t)i;
		p1[i] = (uint8_t)(0x80 + i);
	}
	map(TEST_VA, (unsigned long)p0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0);
	map(TEST_VA + PAGE, (unsigned long)p1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0);
	csr_write(satp, satp_of(0));
	/* bytes ff fe fd (p0's end) then 80 81 82 83 84 (p1's start) */
	CHECK_EQ(run_in_mode(MODE_S, ld64, (long)(TEST_VA + PAGE - 3)), 0x8483828180fffefdul);
	run_in_mode(MODE_S, sd64, (long)(TEST_VA + PAGE - 2));
	CHECK_EQ(p0[4094], 0x88);
	CHECK_EQ(p0[4095], 0x77);
	CHECK_EQ(p1[0], 0x66);
	CHECK_EQ(p1[5], 0x11);
	CHECK_EQ(p1[6], 0x86);
	CHECK_EQ(trap_count, 0);

	/* ---- crossing into an unmapped page: a page fault, nothing written */
	*pte_slot(TEST_VA + PAGE, 0) = 0;
	__asm__ volatile("sfence.vma" ::: "memory");
	for (int i = 0; i < 4096; i++)
		p0[i] = 0x33;
	n = trap_count;
	run_in_mode(MODE_S, sd64, (long)(TEST_VA + PAGE - 4));
	CHECK_EQ(trap_count, n + 1);
	CHECK_EQ(last_trap()->cause, CAUSE_STORE_PAGE);
	/* xtval: the part of the access that faulted (QEMU 7 gives the start) */
	if (!on_qemu7())
		CHECK_EQ(last_trap()->tval, TEST_VA + PAGE);
	for (int i = 4092; i < 4096; i++)
		CHECK_EQ(p0[i], 0x33);
	n = trap_count;
	run_in_mode(MODE_S, ld64, (long)(TEST_VA + PAGE - 4));
	CHECK_EQ(trap_count, n + 1);
	CHECK_EQ(last_trap()->cause, CAUSE_LOAD_PAGE);
	csr_write(satp, 0);

	/* ---- atomics must be aligned (QEMU 7 reports AMOs as misaligned loads) */
	unsigned long amo_cause = on_qemu7() ? CAUSE_LOAD_MISALIGNED : CAUSE_STORE_MISALIGNED;
	volatile uint64_t *w = (volatile uint64_t *)(buf + 4);
	unsigned long old;
	n = trap_count;
	__asm__ volatile("amoadd.d %0, %1, (%2)" : "=r"(old) : "r"(1ul), "r"(w) : "memory");
	CHECK_TRAP(n, amo_cause, 'M');
	CHECK_EQ(last_trap()->tval, (unsigned long)w);
	n = trap_count;
	__asm__ volatile("amoswap.w %0, %1, (%2)" : "=r"(old) : "r"(1ul), "r"(buf + 2) : "memory");
	CHECK_TRAP(n, amo_cause, 'M');
	n = trap_count;
	__asm__ volatile("lr.d %0, (%1)" : "=r"(old) : "r"(w) : "memory");
	CHECK_TRAP(n, CAUSE_LOAD_MISALIGNED, 'M');
	n = trap_count;
	/* even when it would fail for want of a reservation (QEMU 7 just fails it) */
	if (!on_qemu7()) {
		__asm__ volatile("sc.w %0, %1, (%2)" : "=r"(old) : "r"(1ul), "r"(buf + 1) : "memory");
		CHECK_TRAP(n, CAUSE_STORE_MISALIGNED, 'M');
	}
	/* an aligned one works */
	__asm__ volatile("amoadd.d %0, %1, (%2)" : "=r"(old) : "r"(1ul), "r"(buf + 8) : "memory");
	CHECK_EQ(buf[8], 9);

	puts_("misaligned: ok\n");
	return 0;
}
