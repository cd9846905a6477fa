/*
 * Illegal CSR accesses and privileged instructions per mode: the privilege
 * a CSR number requires, read-only CSRs, counter enables (mcounteren,
 * scounteren), TVM (satp, sfence.vma), TSR (sret), TW (wfi), xRET from too
 * low a mode. Each illegal access traps with cause 2 and the instruction
 * bits in xtval, and writes nothing.
 */
#include "rt.h"

/* Run one instruction (given as a string) in a function of its own */
#define INSN_FN(name, text)                                              \
	static __attribute__((noinline)) long name(long arg)            \
	{                                                                \
		__asm__ volatile(text ::: "memory", "t0");               \
		return arg;                                              \
	}

INSN_FN(rd_mstatus, "csrr t0, mstatus")
INSN_FN(rd_sstatus, "csrr t0, sstatus")
INSN_FN(rd_satp, "csrr t0, satp")
INSN_FN(rd_cycle, "csrr t0, cycle")
INSN_FN(rd_time, "csrr t0, time")
INSN_FN(rd_instret, "csrr t0, instret")
INSN_FN(wr_mvendorid, "csrw mvendorid, zero")
INSN_FN(wr_cycle, "csrw cycle, zero")
INSN_FN(rd_unknown, "csrr t0, 0x7c0")
INSN_FN(rd_mscratch_s, "csrr t0, mscratch")
INSN_FN(do_sfence, "sfence.vma")
INSN_FN(do_sret, "la t0, 1f\n\tcsrw sepc, t0\n\tsret\n1:")
INSN_FN(do_sret_only, "sret")
INSN_FN(do_mret_only, "mret")
INSN_FN(do_wfi, "wfi")
INSN_FN(wr_sscratch_u, "csrw sscratch, zero")
INSN_FN(wr_stval_u, "csrw stval, zero")

/* Expect @fn run in @mode to take exactly one illegal-instruction trap (in M) */
static void expect_illegal(int line, int mode, long (*fn)(long), uint32_t insn)
{
	unsigned n = trap_count;

	run_in_mode(mode, fn, 0);
	if (trap_count != n + 1 || last_trap()->cause != CAUSE_ILLEGAL) {
		puts_("no illegal-instruction trap; traps ");
		print_dec(trap_count - n);
		puts_(" cause ");
		print_hex(last_trap()->cause);
		fail_at(line, "expect_illegal");
	}
	if (insn)
		check_eq_at(line, "tval", last_trap()->tval, insn);
}

static void expect_ok(int line, int mode, long (*fn)(long))
{
	unsigned n = trap_count;

	run_in_mode(mode, fn, 0);
	if (trap_count != n) {
		puts_("unexpected trap, cause ");
		print_hex(last_trap()->cause);
		fail_at(line, "expect_ok");
	}
}

/* The bits of the first instruction of @fn (the one INSN_FN wraps) */
static uint32_t insn_of(long (*fn)(long))
{
	const volatile uint16_t *p = (const volatile uint16_t *)fn;

	return (p[0] & 3) == 3 ? (uint32_t)p[0] | (uint32_t)p[1] << 16 : p[0];
}

#define ILLEGAL(mode, fn) expect_illegal(__LINE__, mode, fn, insn_of(fn))
#define ILLEGAL_BITS(mode, fn, bits) expect_illegal(__LINE__, mode, fn, bits)
#define OK(mode, fn) expect_ok(__LINE__, mode, fn)

#define SRET 0x10200073u
#define MRET 0x30200073u
#define WFI 0x10500073u

int main(void)
{
	trap_reset();

	/* privilege from the CSR number */
	OK(MODE_M, rd_mstatus);
	ILLEGAL(MODE_S, rd_mstatus);
	ILLEGAL(MODE_U, rd_mstatus);
	OK(MODE_S, rd_sstatus);
	ILLEGAL(MODE_U, rd_sstatus);
	ILLEGAL(MODE_S, rd_mscratch_s);
	ILLEGAL(MODE_U, wr_sscratch_u);

	/* read-only CSRs and CSRs that do not exist */
	ILLEGAL(MODE_M, wr_mvendorid);
	ILLEGAL(MODE_M, wr_cycle);
	ILLEGAL(MODE_M, rd_unknown);

	/* counters: M always; S needs mcounteren; U needs both */
	csr_write(mcounteren, 0);
	csr_write(scounteren, 0);
	OK(MODE_M, rd_cycle);
	if (!on_qemu7())
		OK(MODE_M, rd_time);
	ILLEGAL(MODE_S, rd_cycle);
	ILLEGAL(MODE_S, rd_time);
	ILLEGAL(MODE_U, rd_instret);
	csr_write(mcounteren, 7);
	OK(MODE_S, rd_cycle);
	OK(MODE_S, rd_instret);
	ILLEGAL(MODE_U, rd_cycle);
	csr_write(scounteren, 4); /* instret only */
	OK(MODE_U, rd_instret);
	ILLEGAL(MODE_U, rd_cycle);
	csr_write(mcounteren, 3); /* scounteren alone is not enough */
	ILLEGAL(MODE_U, rd_instret);
	/* QEMU's spike has no time CSR below M-mode (M emulates it) */
	if (!on_qemu7()) {
		csr_write(mcounteren, 2);
		OK(MODE_S, rd_time);
		csr_write(scounteren, 2);
		OK(MODE_U, rd_time);
		csr_write(scounteren, 0);
		ILLEGAL(MODE_U, rd_time);
	}
	csr_write(mcounteren, 0);
	csr_write(scounteren, 0);

	/* TVM: satp and sfence.vma in S-mode */
	OK(MODE_S, rd_satp);
	OK(MODE_S, do_sfence);
	csr_set(mstatus, MSTATUS_TVM);
	ILLEGAL(MODE_S, rd_satp);
	ILLEGAL(MODE_S, do_sfence);
	OK(MODE_M, rd_satp);
	csr_clear(mstatus, MSTATUS_TVM);
	ILLEGAL(MODE_U, do_sfence);
	ILLEGAL(MODE_U, rd_satp);

	/* xRET: sret needs S (and no TSR), mret needs M */
	OK(MODE_S, do_sret);
	ILLEGAL_BITS(MODE_U, do_sret_only, SRET);
	csr_set(mstatus, MSTATUS_TSR);
	ILLEGAL_BITS(MODE_S, do_sret, SRET);
	csr_clear(mstatus, MSTATUS_TSR);
	ILLEGAL_BITS(MODE_S, do_mret_only, MRET);
	ILLEGAL_BITS(MODE_U, do_mret_only, MRET);

	/* wfi: illegal in U; in S under TW. (Not run where it would sleep.) */
	ILLEGAL_BITS(MODE_U, do_wfi, WFI);
	csr_set(mstatus, MSTATUS_TW);
	ILLEGAL_BITS(MODE_S, do_wfi, WFI);
	csr_clear(mstatus, MSTATUS_TW);

	/* a failed write changes nothing */
	csr_write(stval, 0x55);
	ILLEGAL(MODE_U, wr_stval_u);
	CHECK_EQ(csr_read(stval), 0x55);

	puts_("csr-access: ok\n");
	return 0;
}
