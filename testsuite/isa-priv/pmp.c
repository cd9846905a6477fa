/*
 * Physical memory protection (privileged spec 3.7): NA4, NAPOT and TOR
 * regions with their permissions for S-mode, priority by entry number (a
 * 4-byte region inside a page the next entry covers), access faults with
 * the address in xtval, the page-table walk checked as S-mode accesses, M
 * unaffected unless the entry is locked, locked entries ignoring writes,
 * and the 4-byte granularity OpenSBI probes.
 */
#include "vm.h"

#define A_TOR (1u << 3)
#define A_NA4 (2u << 3)
#define A_NAPOT (3u << 3)
#define P_R 1u
#define P_W 2u
#define P_X 4u
#define P_L 0x80u

static uint8_t region[2 * PAGE] __attribute__((aligned(4096)));
static uint64_t ptpage[512] __attribute__((aligned(4096)));
static uint64_t datapage[512] __attribute__((aligned(4096)));
static uint64_t lockpage[512] __attribute__((aligned(4096)));

static void set_cfg(unsigned e, unsigned cfg)
{
	unsigned long reg = csr_read(pmpcfg0);
	unsigned sh = 8 * (e % 8);

	if (e < 8) {
		reg = (reg & ~(0xfful << sh)) | (unsigned long)cfg << sh;
		csr_write(pmpcfg0, reg);
	} else {
		reg = csr_read(pmpcfg2);
		reg = (reg & ~(0xfful << sh)) | (unsigned long)cfg << sh;
		csr_write(pmpcfg2, reg);
	}
	__asm__ volatile("sfence.vma" ::: "memory");
}

static unsigned long napot(const void *base, unsigned long size)
{
	return ((unsigned long)base >> 2) | (size / 8 - 1);
}

static __attribute__((noinline)) long load(long a)
{
	return *(volatile uint32_t *)a;
}

static __attribute__((noinline)) long store(long a)
{
	*(volatile uint32_t *)a = 0x12345678;
	return 0;
}

static __attribute__((noinline)) long call(long a)
{
	return ((long (*)(long))a)(7);
}

/* A fetch access fault: go back to the caller of the code that could not be fetched */
static bool m_fetch_hook(struct frame *f, unsigned long cause)
{
	if (cause != CAUSE_FETCH_ACCESS)
		return false;
	csr_write(mepc, f->x[1]);
	f->x[10] = 0xdead;
	return true;
}

static void expect(int line, long (*fn)(long), const void *addr, unsigned long cause)
{
	unsigned n = trap_count;

	run_in_mode(MODE_S, fn, (long)addr);
	if (cause == ~0ul) {
		if (trap_count != n) {
			puts_("unexpected trap, cause ");
			print_hex(last_trap()->cause);
			fail_at(line, "expect ok");
		}
		return;
	}
	check_eq_at(line, "traps", trap_count - n, 1);
	check_eq_at(line, "cause", last_trap()->cause, cause);
	check_eq_at(line, "tval", last_trap()->tval, (unsigned long)addr);
}

#define OK(fn, a) expect(__LINE__, fn, a, ~0ul)
#define FAULT(fn, a, c) expect(__LINE__, fn, a, c)

int main(void)
{
	trap_reset();
	m_hook = m_fetch_hook;

	/* 4-byte granularity: every pmpaddr bit sticks (OFF entry, no effect) */
	csr_write(pmpaddr14, ~0ul);
	CHECK_EQ(csr_read(pmpaddr14) & 0xfffff, 0xfffff);
	csr_write(pmpaddr14, 0);

	/* a ret in the second page of the region */
	*(volatile uint32_t *)(region + PAGE) = 0x00008067;
	__asm__ volatile("fence.i" ::: "memory");

	/* e0: 4 bytes at 0x100, no access; e1: page 0 read-only; e3: TOR over page 1 RW */
	csr_write(pmpaddr0, (unsigned long)(region + 0x100) >> 2);
	csr_write(pmpaddr1, napot(region, PAGE));
	csr_write(pmpaddr2, (unsigned long)(region + PAGE) >> 2);
	csr_write(pmpaddr3, (unsigned long)(region + 2 * PAGE) >> 2);
	csr_write(pmpaddr15, ~0ul);
	set_cfg(15, A_NAPOT | P_R | P_W | P_X); /* everything else */
	set_cfg(3, A_TOR | P_R | P_W);
	set_cfg(2, 0);
	set_cfg(1, A_NAPOT | P_R);
	set_cfg(0, A_NA4);

	OK(load, region + 0x104);
	OK(load, region + 0xfc);
	FAULT(load, region + 0x100, CAUSE_LOAD_ACCESS);
	FAULT(store, region + 0x200, CAUSE_STORE_ACCESS);
	FAULT(store, region + 0x100, CAUSE_STORE_ACCESS);
	FAULT(call, region, CAUSE_FETCH_ACCESS);
	OK(load, region + PAGE + 8);
	OK(store, region + PAGE + 8);
	CHECK_EQ(*(volatile uint32_t *)(region + PAGE + 8), 0x12345678);
	FAULT(call, region + PAGE, CAUSE_FETCH_ACCESS);

	/* M-mode ignores entries that are not locked */
	unsigned m0 = trap_count;
	*(volatile uint32_t *)(region + 0x200) = 1;
	CHECK_EQ(*(volatile uint32_t *)(region + 0x100), 0);
	CHECK_EQ(trap_count, m0);

	/* e4: no access to ptpage, which holds the leaf PTE of TEST_VA: the walk faults */
	vm_setup();
	*pte_slot(TEST_VA, 1) = ((unsigned long)ptpage >> 12) << 10 | PTE_V;
	ptpage[(TEST_VA >> 12) & 511] =
		((unsigned long)datapage >> 12) << 10 | PTE_V | PTE_R | PTE_A;
	datapage[0] = 42;
	csr_write(satp, satp_of(0));
	__asm__ volatile("sfence.vma" ::: "memory");
	CHECK_EQ(run_in_mode(MODE_S, load, (long)TEST_VA), 42);
	csr_write(pmpaddr4, napot(ptpage, PAGE));
	set_cfg(4, A_NAPOT);
	FAULT(load, (void *)TEST_VA, CAUSE_LOAD_ACCESS);
	set_cfg(4, 0);
	CHECK_EQ(run_in_mode(MODE_S, load, (long)TEST_VA), 42);
	csr_write(satp, 0);

	/* e5 locked, read-only: M-mode too; writes to it are ignored */
	lockpage[0] = 5;
	csr_write(pmpaddr5, napot(lockpage, PAGE));
	set_cfg(5, A_NAPOT | P_R | P_L);
	unsigned n = trap_count;
	CHECK_EQ(*(volatile uint64_t *)lockpage, 5);
	*(volatile uint64_t *)lockpage = 6;
	CHECK_TRAP(n, CAUSE_STORE_ACCESS, 'M');
	CHECK_EQ(last_trap()->tval, (unsigned long)lockpage);
	CHECK_EQ(*(volatile uint64_t *)lockpage, 5);
	set_cfg(5, A_NAPOT | P_R | P_W);
	CHECK_EQ((csr_read(pmpcfg0) >> 40) & 0xff, A_NAPOT | P_R | P_L);
	csr_write(pmpaddr5, 0);
	CHECK_EQ(csr_read(pmpaddr5), napot(lockpage, PAGE));

	puts_("pmp: ok\n");
	return 0;
}
