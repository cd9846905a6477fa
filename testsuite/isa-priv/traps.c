/*
 * Traps and delegation: ecall from each mode, ebreak, illegal instructions
 * (with mtval/stval = the instruction bits), medeleg, the mstatus stacks of
 * trap entry and of mret/sret, mepc/sepc/xtval/tvec WARL behaviour.
 */
#include "rt.h"

static __attribute__((noinline)) long do_ecall(long arg)
{
	register long a0 __asm__("a0") = arg;
	register long a7 __asm__("a7") = 0;

	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
	return a0 + 1;
}

static __attribute__((noinline)) long do_illegal(long arg)
{
	__asm__ volatile(".2byte 0x0000" ::: "memory"); /* all zeros: defined illegal */
	__asm__ volatile(".4byte 0x00007023" ::: "memory"); /* store with funct3 7: reserved */
	return arg;
}

static __attribute__((noinline)) long do_ebreak(long arg)
{
	__asm__ volatile("ebreak" ::: "memory");
	return arg;
}

static __attribute__((noinline)) long read_sstatus(long arg)
{
	return (long)csr_read(sstatus);
}

/* sret inside S-mode to a label in S-mode: SIE := SPIE, SPIE := 1, SPP := U */
static __attribute__((noinline)) long sret_to_s(long arg)
{
	unsigned long s;

	csr_clear(sstatus, MSTATUS_SIE);
	csr_set(sstatus, MSTATUS_SPIE | MSTATUS_SPP);
	__asm__ volatile("la t0, 1f\n\tcsrw sepc, t0\n\tsret\n1:" ::: "t0", "memory");
	s = csr_read(sstatus);
	csr_clear(sstatus, MSTATUS_SIE);
	return (long)s;
}

int main(void)
{
	unsigned n;
	unsigned long s;

	/* ---- ecall from M, S, U: causes 11, 9, 8, all taken in M without delegation */
	trap_reset();
	CHECK_EQ(do_ecall(5), 6);
	CHECK_TRAP(0, CAUSE_ECALL_M, 'M');
	CHECK_EQ(last_trap()->tval, 0);
	CHECK_EQ((last_trap()->status & MSTATUS_MPP) >> 11, MODE_M);

	n = trap_count;
	CHECK_EQ(run_in_mode(MODE_S, do_ecall, 7), 8);
	CHECK_TRAP(n, CAUSE_ECALL_S, 'M');
	CHECK_EQ((last_trap()->status & MSTATUS_MPP) >> 11, MODE_S);

	n = trap_count;
	CHECK_EQ(run_in_mode(MODE_U, do_ecall, 9), 10);
	CHECK_TRAP(n, CAUSE_ECALL_U, 'M');
	CHECK_EQ((last_trap()->status & MSTATUS_MPP) >> 11, MODE_U);

	/* ---- ebreak: cause 3 */
	n = trap_count;
	do_ebreak(0);
	CHECK_TRAP(n, CAUSE_BREAKPOINT, 'M');
	CHECK(last_trap()->epc >= (unsigned long)do_ebreak &&
	      last_trap()->epc < (unsigned long)do_ebreak + 16);

	/* ---- illegal instructions: mtval holds the instruction bits */
	n = trap_count;
	do_illegal(0);
	CHECK_EQ(trap_count, n + 2);
	CHECK_EQ(trap_log[n % TRAP_LOG].cause, CAUSE_ILLEGAL);
	CHECK_EQ(trap_log[n % TRAP_LOG].tval, 0);
	CHECK_EQ(trap_log[(n + 1) % TRAP_LOG].cause, CAUSE_ILLEGAL);
	CHECK_EQ(trap_log[(n + 1) % TRAP_LOG].tval, 0x7023);

	/* ---- medeleg: exceptions from U/S go to S-mode when delegated ... */
	csr_write(medeleg, (1ul << CAUSE_ECALL_U) | (1ul << CAUSE_ILLEGAL) | (1ul << CAUSE_BREAKPOINT));
	n = trap_count;
	CHECK_EQ(run_in_mode(MODE_U, do_ecall, 1), 2);
	CHECK_TRAP(n, CAUSE_ECALL_U, 'S');
	CHECK_EQ(last_trap()->status & MSTATUS_SPP, 0); /* from U */

	n = trap_count;
	run_in_mode(MODE_S, do_illegal, 0);
	CHECK_EQ(trap_count, n + 2);
	CHECK_EQ(last_trap()->mode, 'S');
	CHECK_EQ(last_trap()->cause, CAUSE_ILLEGAL);
	CHECK_EQ(last_trap()->tval, 0x7023);
	CHECK(last_trap()->status & MSTATUS_SPP); /* from S */

	n = trap_count;
	run_in_mode(MODE_U, do_ebreak, 0);
	CHECK_TRAP(n, CAUSE_BREAKPOINT, 'S');

	/* ... but never those of M-mode */
	n = trap_count;
	do_illegal(0);
	CHECK_EQ(trap_count, n + 2);
	CHECK_EQ(last_trap()->mode, 'M');

	/* ... and ecall from S is not delegated unless asked */
	n = trap_count;
	CHECK_EQ(run_in_mode(MODE_S, do_ecall, 3), 4);
	CHECK_TRAP(n, CAUSE_ECALL_S, 'M');
	csr_write(medeleg, 0);

	/* medeleg: page faults can be delegated; M-mode ecalls stay in M anyway */
	csr_write(medeleg, ~0ul);
	CHECK(csr_read(medeleg) & (1ul << CAUSE_LOAD_PAGE));
	n = trap_count;
	do_ecall(0);
	CHECK_TRAP(n, CAUSE_ECALL_M, 'M');
	csr_write(medeleg, 0);

	/* ---- trap entry saves MIE into MPIE and clears MIE */
	csr_set(mstatus, MSTATUS_MIE);
	n = trap_count;
	do_ecall(0);
	CHECK_TRAP(n, CAUSE_ECALL_M, 'M');
	CHECK(last_trap()->status & MSTATUS_MPIE);
	CHECK_EQ(last_trap()->status & MSTATUS_MIE, 0);
	CHECK(csr_read(mstatus) & MSTATUS_MIE); /* mret restored it */
	csr_clear(mstatus, MSTATUS_MIE);

	/* ---- mret: MIE := MPIE, MPIE := 1, MPP := U */
	s = csr_read(mstatus);
	s = (s & ~(MSTATUS_MIE | MSTATUS_MPP)) | MSTATUS_MPIE | (3ul << 11);
	csr_write(mstatus, s);
	__asm__ volatile("la t0, 1f\n\tcsrw mepc, t0\n\tmret\n1:" ::: "t0", "memory");
	s = csr_read(mstatus);
	CHECK(s & MSTATUS_MIE);
	CHECK(s & MSTATUS_MPIE);
	CHECK_EQ(s & MSTATUS_MPP, 0);
	csr_clear(mstatus, MSTATUS_MIE);

	/* mret to S clears MPRV (1.12) */
	if (!on_qemu7()) {
		csr_set(mstatus, MSTATUS_MPRV);
		CHECK_EQ(run_in_mode(MODE_S, do_ecall, 1), 2);
		CHECK_EQ(csr_read(mstatus) & MSTATUS_MPRV, 0);
	}

	/* ---- sret from S to S */
	s = (unsigned long)run_in_mode(MODE_S, sret_to_s, 0);
	CHECK(s & MSTATUS_SIE);
	CHECK(s & MSTATUS_SPIE);
	CHECK_EQ(s & MSTATUS_SPP, 0);

	/* sstatus is a view of mstatus: no M-mode fields */
	csr_set(mstatus, MSTATUS_MPIE | MSTATUS_TW);
	s = (unsigned long)run_in_mode(MODE_S, read_sstatus, 0);
	CHECK_EQ(s & (MSTATUS_MPIE | MSTATUS_TW | MSTATUS_MPP | MSTATUS_MIE), 0);
#if __riscv_xlen == 64
	CHECK_EQ((s >> 32) & 3, 2); /* UXL = 64 */
#endif
	csr_clear(mstatus, MSTATUS_TW);

	/* ---- WARL fields */
	csr_write(mscratch, 0x1234567887654321ul);
	CHECK_EQ(csr_read(mscratch), 0x1234567887654321ul);
	if (!on_qemu7()) {
		csr_write(mepc, 0x80001235ul);
		CHECK_EQ(csr_read(mepc), 0x80001234ul); /* bit 0 is always zero */
		csr_write(sepc, 0x80001237ul);
		CHECK_EQ(csr_read(sepc), 0x80001236ul);
	}
	s = csr_read(mtvec);
	csr_write(mtvec, 0x80002002ul); /* MODE 2 is reserved */
	CHECK((csr_read(mtvec) & 3) != 2);
	csr_write(mtvec, s);
	s = csr_read(mstatus);
	csr_write(mstatus, (s & ~MSTATUS_MPP) | (2ul << 11)); /* MPP = 2 (H) does not exist */
	if (!on_qemu7())
		CHECK(((csr_read(mstatus) & MSTATUS_MPP) >> 11) != 2);
	csr_write(mstatus, s);
	CHECK_EQ(csr_read(misa) >> (__riscv_xlen - 2), __riscv_xlen / 32); /* MXL */
	CHECK(csr_read(misa) & (1ul << ('S' - 'A')));
	CHECK(csr_read(misa) & (1ul << ('U' - 'A')));
	CHECK_EQ(csr_read(mhartid), 0);

	puts_("traps: ok\n");
	return 0;
}
