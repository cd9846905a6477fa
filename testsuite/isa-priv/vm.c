/*
 * Virtual memory: Sv39, Sv48 or Sv57 (LEVELS = 3, 4, 5; one ELF each).
 * Page faults of each kind with the faulting address in xtval, delegated and
 * not; hardware A/D updates; U/S protection with SUM; MXR; superpages and
 * misaligned superpages; non-canonical addresses; reserved PTE encodings;
 * sfence.vma after remapping (by address, by ASID, global); MPRV; an
 * instruction straddling into an unmapped page, then mapped.
 *
 * Layout: the program is identity-mapped by a 1 GiB page at 0x80000000 (S
 * only) and again at 0x40000000 for U-mode (run_va_offset); test pages are
 * 4 KiB pages at TEST_VA from page tables built in free memory.
 */
#include "vm.h"

/* ---- what runs in S and U mode */

static __attribute__((noinline)) long load(long va)
{
	return (long)*(volatile uint64_t *)va;
}

static __attribute__((noinline)) long store(long va)
{
	*(volatile uint64_t *)va = 0x5a5a5a5a5a5a5a5aul;
	return 0;
}

/* call code at va; a fetch fault resumes at our return address (hooks below) */
static __attribute__((noinline)) long call(long va)
{
	return ((long (*)(long))va)(0);
}

static bool fetch_fault_hook(struct frame *f, unsigned long cause, bool m)
{
	if (cause != CAUSE_FETCH_PAGE && cause != CAUSE_FETCH_ACCESS)
		return false;
	if (m)
		csr_write(mepc, f->x[1]);
	else
		csr_write(sepc, f->x[1]);
	f->x[10] = 0xdead;
	return true;
}

static bool m_fetch_hook(struct frame *f, unsigned long cause)
{
	return fetch_fault_hook(f, cause, true);
}

static bool s_fetch_hook(struct frame *f, unsigned long cause)
{
	return fetch_fault_hook(f, cause, false);
}

/* An S-mode function's U-mode alias */
static long (*ufn(long (*fn)(long)))(long)
{
	return (long (*)(long))((unsigned long)fn - PROG_PA + U_ALIAS);
}

/* Expect @mode running @fn(@va) to fault once with @cause and tval @va, in @who */
static void expect_fault(int line, int mode, long (*fn)(long), unsigned long va,
			 unsigned long cause, int who)
{
	unsigned n = trap_count;

	run_in_mode(mode, mode == MODE_U ? ufn(fn) : fn, (long)va);
	check_eq_at(line, "traps", trap_count - n, 1);
	check_eq_at(line, "cause", last_trap()->cause, cause);
	check_eq_at(line, "tval", last_trap()->tval, va);
	check_eq_at(line, "taken in", (unsigned long)last_trap()->mode, (unsigned long)who);
}

static long expect_ok(int line, int mode, long (*fn)(long), unsigned long va)
{
	unsigned n = trap_count;
	long r = run_in_mode(mode, mode == MODE_U ? ufn(fn) : fn, (long)va);

	if (trap_count != n) {
		puts_("unexpected trap, cause ");
		print_hex(last_trap()->cause);
		puts_(" tval ");
		print_hex(last_trap()->tval);
		fail_at(line, "expect_ok");
	}
	return r;
}

#define FAULT(mode, fn, va, cause, who) expect_fault(__LINE__, mode, fn, va, cause, who)
#define OK(mode, fn, va) expect_ok(__LINE__, mode, fn, va)

int main(void)
{
	uint64_t *pg[8];
	unsigned long va[8];

	trap_reset();
	m_hook = m_fetch_hook;
	s_hook = s_fetch_hook;
	vm_setup(); /* the program: S at its own address, U through the alias */

	for (int i = 0; i < 8; i++) {
		pg[i] = alloc_pages(1, PAGE);
		va[i] = TEST_VA + (unsigned long)i * PAGE;
		for (int k = 0; k < 512; k++)
			pg[i][k] = 0x1000ul * (unsigned long)i + (unsigned long)k;
	}
	/* page 0: S read/write; 1: S read-only; 2: U rw; 3: S execute-only; 4: A = D = 0 */
	map(va[0], (unsigned long)pg[0], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0);
	map(va[1], (unsigned long)pg[1], PTE_V | PTE_R | PTE_A, 0);
	map(va[2], (unsigned long)pg[2], PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D, 0);
	map(va[3], (unsigned long)pg[3], PTE_V | PTE_X | PTE_A, 0);
	map(va[4], (unsigned long)pg[4], PTE_V | PTE_R | PTE_W, 0);
	/* page 5 stays unmapped; 6: W without R (reserved); 7: U read-only */
	map(va[6], (unsigned long)pg[6], PTE_V | PTE_W | PTE_A | PTE_D, 0);
	map(va[7], (unsigned long)pg[7], PTE_V | PTE_R | PTE_U | PTE_A, 0);
	/* a "ret" in page 3 and in page 0 (not executable) */
	((volatile uint32_t *)pg[3])[0] = 0x00008067; /* jalr x0, 0(ra) */
	((volatile uint32_t *)pg[0])[0] = 0x00008067;
	__asm__ volatile("fence.i");

	csr_write(satp, satp_of(0));
	CHECK_EQ(csr_read(satp), satp_of(0));

	/* ---- plain accesses */
	CHECK_EQ(OK(MODE_S, load, va[0] + 8), 1);
	CHECK_EQ(OK(MODE_S, load, va[1] + 16), 0x1002);
	OK(MODE_S, store, va[0] + 24);
	CHECK_EQ(pg[0][3], 0x5a5a5a5a5a5a5a5aul);
	CHECK_EQ(OK(MODE_S, call, va[3]), 0); /* returns its argument */
	CHECK_EQ(OK(MODE_U, load, va[2]), 0x2000);

	/* ---- page faults, taken in M-mode (no delegation) */
	FAULT(MODE_S, load, va[5], CAUSE_LOAD_PAGE, 'M');
	FAULT(MODE_S, store, va[5] + 8, CAUSE_STORE_PAGE, 'M');
	FAULT(MODE_S, call, va[5], CAUSE_FETCH_PAGE, 'M');
	FAULT(MODE_S, store, va[1], CAUSE_STORE_PAGE, 'M');   /* read-only */
	FAULT(MODE_S, call, va[0], CAUSE_FETCH_PAGE, 'M');    /* not executable */
	FAULT(MODE_S, load, va[3], CAUSE_LOAD_PAGE, 'M');     /* execute-only */
	FAULT(MODE_S, load, va[6], CAUSE_LOAD_PAGE, 'M');     /* W without R */
	FAULT(MODE_U, load, va[0], CAUSE_LOAD_PAGE, 'M');     /* S page from U */
	FAULT(MODE_U, store, va[7], CAUSE_STORE_PAGE, 'M');   /* U read-only */
	FAULT(MODE_U, call, va[3], CAUSE_FETCH_PAGE, 'M');

	/* ... and in S-mode when delegated */
	csr_write(medeleg, 1ul << CAUSE_LOAD_PAGE | 1ul << CAUSE_STORE_PAGE | 1ul << CAUSE_FETCH_PAGE);
	FAULT(MODE_S, load, va[5] + 0x123, CAUSE_LOAD_PAGE, 'S');
	FAULT(MODE_U, store, va[1] + 0x10, CAUSE_STORE_PAGE, 'S');
	FAULT(MODE_U, call, va[5], CAUSE_FETCH_PAGE, 'S');
	csr_write(medeleg, 0);

	/* ---- A and D: set by the hardware on first access and first store */
	CHECK_EQ(*pte_slot(va[4], 0) & (PTE_A | PTE_D), 0);
	CHECK_EQ(OK(MODE_S, load, va[4]), 0x4000);
	CHECK_EQ(*pte_slot(va[4], 0) & (PTE_A | PTE_D), PTE_A);
	OK(MODE_S, store, va[4] + 8);
	CHECK_EQ(*pte_slot(va[4], 0) & (PTE_A | PTE_D), PTE_A | PTE_D);
	CHECK_EQ(pg[4][1], 0x5a5a5a5a5a5a5a5aul);

	/* ---- SUM: S-mode data accesses to U pages; never fetches */
	FAULT(MODE_S, load, va[2], CAUSE_LOAD_PAGE, 'M');
	csr_set(mstatus, MSTATUS_SUM);
	CHECK_EQ(OK(MODE_S, load, va[2] + 8), 0x2001);
	OK(MODE_S, store, va[2] + 16);
	FAULT(MODE_S, call, U_ALIAS + ((unsigned long)load - PROG_PA), CAUSE_FETCH_PAGE, 'M');
	csr_clear(mstatus, MSTATUS_SUM);
	FAULT(MODE_S, store, va[2] + 16, CAUSE_STORE_PAGE, 'M');

	/* ---- MXR: loads from execute-only pages */
	csr_set(mstatus, MSTATUS_MXR);
	CHECK_EQ(OK(MODE_S, load, va[3] + 8) , 0x3001);
	csr_clear(mstatus, MSTATUS_MXR);
	FAULT(MODE_S, load, va[3] + 8, CAUSE_LOAD_PAGE, 'M');

	/* ---- superpages: a 2 MiB page, and a misaligned one */
	uint64_t *big = alloc_pages(512, 0x200000);
	big[0x1000 / 8] = 0x77;
	map(TEST_VA + 0x200000, (unsigned long)big, PTE_V | PTE_R | PTE_A, 1);
	CHECK_EQ(OK(MODE_S, load, TEST_VA + 0x201000), 0x77);
	map(TEST_VA + 0x400000, (unsigned long)big + PAGE, PTE_V | PTE_R | PTE_A, 1);
	FAULT(MODE_S, load, TEST_VA + 0x400000, CAUSE_LOAD_PAGE, 'M');

	/*
	 * ---- an instruction straddling into an unmapped page: fetch page fault
	 * at the second page (xtval), the instruction's address in xepc; once
	 * the page is mapped, it runs
	 */
	uint16_t *c0 = alloc_pages(1, PAGE), *c1 = alloc_pages(1, PAGE);
	unsigned long cva = TEST_VA + 0x800000;
	c0[2047] = 0x0513;      /* addi a0, a0, 1: low parcel at the page's end */
	c1[0] = 0x0015;         /* its high parcel on the next page */
	c1[1] = 0x8082;         /* c.ret */
	__asm__ volatile("fence.i" ::: "memory");
	map(cva, (unsigned long)c0, PTE_V | PTE_X | PTE_A, 0);
	unsigned n0 = trap_count;
	run_in_mode(MODE_S, call, (long)(cva + PAGE - 2));
	CHECK_TRAP(n0, CAUSE_FETCH_PAGE, 'M');
	CHECK_EQ(last_trap()->epc, cva + PAGE - 2);
	CHECK_EQ(last_trap()->tval, cva + PAGE); /* the part that faulted */
	map(cva + PAGE, (unsigned long)c1, PTE_V | PTE_X | PTE_A, 0);
	CHECK_EQ(OK(MODE_S, call, cva + PAGE - 2), 1);

	/* ---- non-canonical addresses: bits above the VA width must copy its top bit */
	unsigned long nc = 1ul << (12 + 9 * LEVELS); /* just above the VA space */
	FAULT(MODE_S, load, nc, CAUSE_LOAD_PAGE, 'M');
	if (LEVELS < 5)
		FAULT(MODE_S, load, 0x8000000000000000ul, CAUSE_LOAD_PAGE, 'M');

	/* ---- remapping: sfence.vma by address, by ASID, all */
	CHECK_EQ(OK(MODE_S, load, va[0] + 8), 0x0001);
	map(va[0], (unsigned long)pg[1], PTE_V | PTE_R | PTE_A, 0);
	CHECK_EQ(OK(MODE_S, load, va[0] + 8), 0x1001);
	csr_write(satp, satp_of(5));
	*pte_slot(va[0], 0) = ((unsigned long)pg[2] >> 12) << 10 | PTE_V | PTE_R | PTE_A;
	__asm__ volatile("sfence.vma %0, %1" ::"r"(va[0]), "r"(5ul) : "memory");
	CHECK_EQ(OK(MODE_S, load, va[0] + 8), 0x2001);
	*pte_slot(va[0], 0) = ((unsigned long)pg[6] >> 12) << 10 | PTE_V | PTE_R | PTE_A;
	__asm__ volatile("sfence.vma zero, %0" ::"r"(5ul) : "memory");
	CHECK_EQ(OK(MODE_S, load, va[0] + 8), 0x6001);
	*pte_slot(va[0], 0) = 0;
	__asm__ volatile("sfence.vma" ::: "memory");
	FAULT(MODE_S, load, va[0], CAUSE_LOAD_PAGE, 'M');
	csr_write(satp, satp_of(0));

	/*
	 * ---- MPRV: M-mode loads and stores translate like MPP (in asm: the
	 * compiler must not touch the stack meanwhile). A trap from there
	 * enters M-mode with MPP = M, so the handler is not translated.
	 */
	unsigned long s = csr_read(mstatus), v;
	unsigned long mprv_s = (s & ~MSTATUS_MPP) | (1ul << 11) | MSTATUS_MPRV;
	unsigned long mprv_u = (s & ~MSTATUS_MPP) | MSTATUS_MPRV;
	__asm__ volatile("csrw mstatus, %1\n\tld %0, 0(%2)\n\tcsrw mstatus, %3"
			 : "=&r"(v)
			 : "r"(mprv_s), "r"(va[1] + 8), "r"(s)
			 : "memory");
	CHECK_EQ(v, 0x1001);
	unsigned n = trap_count;
	__asm__ volatile("csrw mstatus, %1\n\tld %0, 0(%2)\n\tsd zero, 0(%3)\n\t"
			 "csrw mstatus, %4"
			 : "=&r"(v)
			 : "r"(mprv_u), "r"(va[2] + 8), "r"(va[1] + 8), "r"(s)
			 : "memory");
	CHECK_EQ(v, 0x2001);
	CHECK_TRAP(n, CAUSE_STORE_PAGE, 'M'); /* an S page with MPP = U */
	CHECK_EQ(last_trap()->tval, va[1] + 8);

	csr_write(satp, 0);
	puts_("vm: ok\n");
	return 0;
}
