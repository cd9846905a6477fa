/*
 * Interrupts: machine software and timer interrupts from the CLINT, wfi
 * waking on a pending interrupt with interrupts globally disabled, priority
 * (MSI before MTI), vectored mtvec/stvec, delegation of SSI/STI to S-mode,
 * M-level interrupts preempting lower modes whatever MIE says, delegated
 * interrupts never taken in M-mode, and Sstc (stimecmp) where available.
 */
#include "rt.h"

#define SPIN_LIMIT 20000000ul

static volatile unsigned long seen;

static bool m_irq(struct frame *f, unsigned long cause)
{
	if (cause == (CAUSE_IRQ | 3)) {
		*CLINT_MSIP(0) = 0;
	} else if (cause == (CAUSE_IRQ | 7)) {
		*CLINT_MTIMECMP(0) = ~0ul;
	} else if (cause == (CAUSE_IRQ | 5)) {
		csr_clear(mip, MIP_STIP);
	} else {
		return false;
	}
	seen++;
	return true;
}

static bool s_irq(struct frame *f, unsigned long cause)
{
	if (cause == (CAUSE_IRQ | 1)) {
		csr_clear(sip, MIP_SSIP);
	} else if (cause == (CAUSE_IRQ | 5)) {
		/* STIP is not ours to clear: mask it (M-mode or stimecmp clears it) */
		csr_clear(sie, MIP_STIP);
	} else {
		return false;
	}
	seen++;
	return true;
}

/* Spin until @n interrupts were seen; false on timeout */
static bool wait_seen(unsigned long n)
{
	for (unsigned long i = 0; i < SPIN_LIMIT; i++)
		if (seen >= n)
			return true;
	return false;
}

static __attribute__((noinline)) long s_wait_ssi(long arg)
{
	csr_set(sstatus, MSTATUS_SIE);
	csr_set(sip, MIP_SSIP); /* S may set its own SSIP when delegated */
	bool ok = wait_seen((unsigned long)arg);
	csr_clear(sstatus, MSTATUS_SIE);
	return ok;
}

/* From U-mode: delegated S-level interrupts are enabled whatever SIE says */
static __attribute__((noinline)) long u_wait(long arg)
{
	return wait_seen((unsigned long)arg);
}

/* S-mode raises the machine software interrupt: M takes it at once, even with MIE = 0 */
static __attribute__((noinline)) long s_raise_msi(long arg)
{
	*CLINT_MSIP(0) = 1;
	return wait_seen((unsigned long)arg);
}

static __attribute__((noinline)) long s_sstc(long arg)
{
#if __riscv_xlen == 32
	/* 64-bit compare value in two halves, never below the current time meanwhile */
	uint64_t t = ((uint64_t)csr_read(timeh) << 32 | csr_read(time)) + 1000;
	csr_write(stimecmp, ~0ul);
	csr_write(stimecmph, (unsigned long)(t >> 32));
	csr_write(stimecmp, (unsigned long)t);
#else
	unsigned long t = csr_read(time);

	csr_write(stimecmp, t + 1000);
#endif
	csr_set(sie, MIP_STIP);
	csr_set(sstatus, MSTATUS_SIE);
	bool ok = wait_seen((unsigned long)arg);
	csr_clear(sstatus, MSTATUS_SIE);
	/* with STCE, STIP follows stimecmp: far away, it drops */
	csr_write(stimecmp, ~0ul);
#if __riscv_xlen == 32
	csr_write(stimecmph, ~0ul);
#endif
	return ok && !(csr_read(sip) & MIP_STIP);
}

int main(void)
{
	unsigned long n;

	trap_reset();
	m_hook = m_irq;
	s_hook = s_irq;
	*CLINT_MTIMECMP(0) = ~0ul;

	/* ---- MSI, direct mode */
	csr_write(mie, MIP_MSIP);
	*CLINT_MSIP(0) = 1;
	CHECK(csr_read(mip) & MIP_MSIP);
	CHECK_EQ(seen, 0); /* MIE = 0: pending, not taken */
	csr_set(mstatus, MSTATUS_MIE);
	CHECK(wait_seen(1));
	CHECK_EQ(last_trap()->cause, CAUSE_IRQ | 3);
	CHECK_EQ(last_trap()->vec, -1);
	CHECK_EQ(csr_read(mip) & MIP_MSIP, 0);
	csr_clear(mstatus, MSTATUS_MIE);

	/* ---- MTI */
	csr_write(mie, MIP_MTIP);
	*CLINT_MTIMECMP(0) = *CLINT_MTIME + 2000;
	csr_set(mstatus, MSTATUS_MIE);
	CHECK(wait_seen(2));
	CHECK_EQ(last_trap()->cause, CAUSE_IRQ | 7);
	csr_clear(mstatus, MSTATUS_MIE);

	/* ---- wfi with MIE = 0 resumes when the timer is pending, without a trap */
	n = trap_count;
	*CLINT_MTIMECMP(0) = *CLINT_MTIME + 5000;
	for (int i = 0; i < 1000 && !(csr_read(mip) & MIP_MTIP); i++)
		__asm__ volatile("wfi");
	CHECK(csr_read(mip) & MIP_MTIP);
	CHECK_EQ(trap_count, n);
	csr_set(mstatus, MSTATUS_MIE); /* now it is taken */
	CHECK(wait_seen(3));
	CHECK_EQ(last_trap()->cause, CAUSE_IRQ | 7);
	csr_clear(mstatus, MSTATUS_MIE);

	/* ---- priority: MSI before MTI when both are pending */
	csr_write(mie, MIP_MSIP | MIP_MTIP);
	*CLINT_MSIP(0) = 1;
	*CLINT_MTIMECMP(0) = 0;
	CHECK((csr_read(mip) & (MIP_MSIP | MIP_MTIP)) == (MIP_MSIP | MIP_MTIP));
	n = trap_count;
	csr_set(mstatus, MSTATUS_MIE);
	CHECK(wait_seen(5));
	csr_clear(mstatus, MSTATUS_MIE);
	CHECK_EQ(trap_count, n + 2);
	CHECK_EQ(trap_log[n % TRAP_LOG].cause, CAUSE_IRQ | 3);
	CHECK_EQ(trap_log[(n + 1) % TRAP_LOG].cause, CAUSE_IRQ | 7);

	/* ---- vectored mtvec: MSI through slot 3, exceptions still at the base */
	extern char m_vector_table[], m_trap_entry[];
	csr_write(mtvec, (unsigned long)m_vector_table | 1);
	CHECK_EQ(csr_read(mtvec), (unsigned long)m_vector_table | 1);
	csr_write(mie, MIP_MSIP);
	*CLINT_MSIP(0) = 1;
	csr_set(mstatus, MSTATUS_MIE);
	CHECK(wait_seen(6));
	csr_clear(mstatus, MSTATUS_MIE);
	CHECK_EQ(last_trap()->vec, 3);
	n = trap_count;
	__asm__ volatile("ecall");
	CHECK_TRAP(n, CAUSE_ECALL_M, 'M');
	CHECK_EQ(last_trap()->vec, -1);
	csr_write(mtvec, (unsigned long)m_trap_entry);

	/* ---- M-level interrupts preempt S-mode even with MIE = 0 */
	csr_write(mie, MIP_MSIP);
	CHECK(run_in_mode(MODE_S, s_raise_msi, 7));
	CHECK_EQ(last_trap()->cause, CAUSE_IRQ | 3);
	CHECK_EQ(last_trap()->mode, 'M');
	CHECK_EQ((last_trap()->status & MSTATUS_MPP) >> 11, MODE_S);

	/* ---- SSI delegated to S-mode; stvec vectored */
	extern char s_vector_table[], s_trap_entry[];
	csr_write(mideleg, MIP_SSIP | MIP_STIP | MIP_SEIP);
	CHECK_EQ(csr_read(mideleg) & (MIP_SSIP | MIP_STIP), MIP_SSIP | MIP_STIP);
	csr_write(stvec, (unsigned long)s_vector_table | 1);
	csr_write(mie, MIP_SSIP);
	CHECK(run_in_mode(MODE_S, s_wait_ssi, 8));
	CHECK_EQ(last_trap()->cause, CAUSE_IRQ | 1);
	CHECK_EQ(last_trap()->mode, 'S');
	CHECK_EQ(last_trap()->vec, 1);
	csr_write(stvec, (unsigned long)s_trap_entry);

	/* ---- a delegated interrupt is not taken in M-mode, even with SIE and MIE set */
	n = trap_count;
	csr_set(mip, MIP_SSIP);
	csr_set(mstatus, MSTATUS_MIE | MSTATUS_SIE);
	for (volatile int i = 0; i < 1000; i++)
		;
	CHECK_EQ(trap_count, n);
	csr_clear(mstatus, MSTATUS_MIE | MSTATUS_SIE);
	/* ... but is in U-mode, SIE or not */
	CHECK(run_in_mode(MODE_U, u_wait, 9));
	CHECK_EQ(last_trap()->cause, CAUSE_IRQ | 1);
	CHECK_EQ(last_trap()->mode, 'S');
	CHECK_EQ(last_trap()->status & MSTATUS_SPP, 0);

	/* ---- STI raised by M-mode software (no Sstc), delegated */
	csr_write(mie, MIP_STIP);
	csr_set(mip, MIP_STIP);
	CHECK(run_in_mode(MODE_U, u_wait, 10));
	CHECK_EQ(last_trap()->cause, CAUSE_IRQ | 5);
	CHECK_EQ(last_trap()->mode, 'S');
	csr_clear(mip, MIP_STIP);

	/* ---- Sstc (not on QEMU's spike) */
	if (!on_qemu7()) {
		csr_write(mcounteren, 2);
#if __riscv_xlen == 32
#define STCE_CSR menvcfgh /* menvcfg.STCE is bit 63: bit 31 of menvcfgh */
#else
#define STCE_CSR menvcfg
#endif
		csr_set(STCE_CSR, 1ul << (__riscv_xlen - 1));
		if (csr_read(STCE_CSR) >> (__riscv_xlen - 1)) {
			CHECK(run_in_mode(MODE_S, s_sstc, 11));
			CHECK_EQ(last_trap()->cause, CAUSE_IRQ | 5);
			CHECK_EQ(last_trap()->mode, 'S');
		}
		csr_clear(STCE_CSR, 1ul << (__riscv_xlen - 1));
	}

	csr_write(mie, 0);
	csr_write(mideleg, 0);
	puts_("interrupts: ok\n");
	return 0;
}
