/*
 * isa-test: libc
 *
 * Zicsr from user mode (unprivileged spec chapter 6 "Zicsr", chapter 8
 * "Zicntr", F chapter 11.2 for fcsr):
 * - fflags, frm, fcsr: widths (fflags 5 bits, frm 3 bits, fcsr 8 bits with
 *   bits 31:8 reading zero), the three views of one register, the old value
 *   returned by every csrr[wsc][i] form, csrrs/csrrc/csrrsi/csrrci with
 *   x0 / uimm 0 not writing, flags accrued by FP operations, the dynamic
 *   rounding mode taken from frm.
 * - cycle, time, instret: readable, never decreasing; instret grows across a
 *   loop; time grows across a sleep.
 * - illegal accesses raise SIGILL (caught here; the handler skips the
 *   instruction) and leave rd unchanged: machine/supervisor CSRs, writes to
 *   the read-only counters, unallocated CSR numbers. (csrrs/csrrc with a
 *   non-x0 rs1 holding 0 are in int-zicsr-ro.c: QEMU 7.2 gets them wrong.)
 * Exits with the number of the first failing check.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>

typedef uint64_t u64;

static volatile int sigills;
static int failed, check_no;

static void on_sigill(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	(void)si;
	sigills++;
	uc->uc_mcontext.__gregs[REG_PC] += 4;
}

static void check(u64 got, u64 want, const char *what)
{
	check_no++;
	if (got == want)
		return;
	printf("FAIL check %d (%s): got 0x%016llx expected 0x%016llx\n", check_no, what,
	       (unsigned long long)got, (unsigned long long)want);
	if (!failed)
		failed = check_no > 255 ? 255 : check_no;
}

#define CSRR(csr)                                                                                  \
	({                                                                                         \
		u64 r_;                                                                            \
		__asm__ volatile("csrr %0, " csr : "=r"(r_));                                      \
		r_;                                                                                \
	})

/* old = csr op(rs1); text is "op %0, csr, %1" */
#define CSR_OP(text, v)                                                                            \
	({                                                                                         \
		u64 r_;                                                                            \
		__asm__ volatile(text : "=r"(r_) : "r"((u64)(v)));                                 \
		r_;                                                                                \
	})

#define CSR_OPI(text)                                                                              \
	({                                                                                         \
		u64 r_;                                                                            \
		__asm__ volatile(text : "=r"(r_));                                                 \
		r_;                                                                                \
	})

static void test_fp_csrs(void)
{
	u64 old;

	/* fcsr = frm << 5 | fflags; bits above 7 read as zero */
	CSR_OP("csrrw %0, fcsr, %1", 0xff);
	check(CSRR("fcsr"), 0xff, "fcsr write 0xff");
	check(CSRR("fflags"), 0x1f, "fflags view of fcsr");
	check(CSRR("frm"), 7, "frm view of fcsr");
	old = CSR_OP("csrrw %0, fcsr, %1", 0xffffffffffffff00ull | 0x25);
	check(old, 0xff, "csrrw fcsr returns the old value");
	check(CSRR("fcsr"), 0x25, "fcsr upper bits ignored");
	check(CSRR("frm"), 1, "frm = 1");
	check(CSRR("fflags"), 5, "fflags = 5");

	/* fflags writes keep frm, frm writes keep fflags; widths */
	old = CSR_OP("csrrw %0, fflags, %1", 0xffff);
	check(old, 5, "csrrw fflags old");
	check(CSRR("fcsr"), 0x3f, "fflags write is 5 bits, frm kept");
	old = CSR_OP("csrrw %0, frm, %1", 0xfe);
	check(old, 1, "csrrw frm old");
	check(CSRR("fcsr"), 0xdf, "frm write is 3 bits, fflags kept");

	/* set and clear, register and immediate forms */
	CSR_OP("csrrw %0, fcsr, %1", 0);
	old = CSR_OP("csrrs %0, fflags, %1", 0x11);
	check(old, 0, "csrrs fflags old");
	check(CSRR("fflags"), 0x11, "csrrs fflags sets");
	old = CSR_OP("csrrc %0, fflags, %1", 0x01);
	check(old, 0x11, "csrrc fflags old");
	check(CSRR("fflags"), 0x10, "csrrc fflags clears");
	old = CSR_OPI("csrrsi %0, frm, 3");
	check(old, 0, "csrrsi frm old");
	check(CSRR("fcsr"), 0x70, "csrrsi frm sets");
	old = CSR_OPI("csrrci %0, fcsr, 0x10");
	check(old, 0x70, "csrrci fcsr old");
	check(CSRR("fcsr"), 0x60, "csrrci fcsr clears");
	old = CSR_OPI("csrrwi %0, fcsr, 0x1f");
	check(old, 0x60, "csrrwi fcsr old");
	check(CSRR("fcsr"), 0x1f, "csrrwi fcsr writes (zero-extended uimm)");
	old = CSR_OPI("csrrsi %0, fflags, 0");
	check(old, 0x1f, "csrrsi uimm 0 reads");
	old = CSR_OPI("csrrci %0, fflags, 0");
	check(old, 0x1f, "csrrci uimm 0 does not clear");
	__asm__ volatile("csrrs x0, fflags, x0\n\tcsrrc x0, fflags, x0");
	check(CSRR("fflags"), 0x1f, "csrrs/csrrc x0 do not write");
	/* csrrw with rd = x0 still writes */
	__asm__ volatile("csrrw x0, fcsr, %0" : : "r"(0x40ull));
	check(CSRR("fcsr"), 0x40, "csrrw x0 writes");
	/* rd == rs1 */
	{
		u64 r = 0x22;

		__asm__ volatile("csrrw %0, fcsr, %0" : "+r"(r));
		check(r, 0x40, "csrrw rd == rs1 reads the old value");
		check(CSRR("fcsr"), 0x22, "csrrw rd == rs1 writes the new value");
	}
	/* the pseudo-instructions */
	{
		u64 a, b;

		__asm__ volatile("fscsr %0, %1" : "=r"(a) : "r"(0x3ull));
		__asm__ volatile("fsrm %0, %1" : "=r"(b) : "r"(0x4ull));
		check(a, 0x22, "fscsr old");
		check(b, 0, "fsrm old");
		__asm__ volatile("frcsr %0" : "=r"(a));
		check(a, 0x83, "frcsr");
		__asm__ volatile("fsflagsi %0, 0x8" : "=r"(a));
		check(a, 3, "fsflagsi old");
		__asm__ volatile("frflags %0" : "=r"(a));
		check(a, 8, "frflags");
		__asm__ volatile("frrm %0" : "=r"(a));
		check(a, 4, "frrm");
	}
	__asm__ volatile("fscsr x0");
}

static void test_fp_flags(void)
{
	double d, one = 1.0, zero = 0.0, three = 3.0, m1 = -1.0, big = 1.7976931348623157e308,
		  tiny = 2.2250738585072014e-308;

	__asm__ volatile("fscsr x0");
	__asm__ volatile("fdiv.d %0, %1, %2" : "=f"(d) : "f"(one), "f"(zero));
	check(CSRR("fflags"), 0x08, "1/0 sets DZ");
	__asm__ volatile("fdiv.d %0, %1, %2" : "=f"(d) : "f"(one), "f"(three));
	check(CSRR("fflags"), 0x09, "1/3 adds NX (flags accrue)");
	__asm__ volatile("fsflags x0\n\tfsqrt.d %0, %1" : "=f"(d) : "f"(m1));
	check(CSRR("fflags"), 0x10, "sqrt(-1) sets NV");
	__asm__ volatile("fsflags x0\n\tfmul.d %0, %1, %2" : "=f"(d) : "f"(big), "f"(big));
	check(CSRR("fflags"), 0x05, "overflow sets OF and NX");
	__asm__ volatile("fsflags x0\n\tfmul.d %0, %1, %2" : "=f"(d) : "f"(tiny), "f"(tiny));
	check(CSRR("fflags"), 0x03, "underflow sets UF and NX");
	__asm__ volatile("fsflags x0\n\tfadd.d %0, %1, %2" : "=f"(d) : "f"(one), "f"(one));
	check(CSRR("fflags"), 0, "exact add sets nothing");
	(void)d;
	__asm__ volatile("fscsr x0");
}

static void test_frm(void)
{
	static const struct {
		unsigned rm;
		long pos, neg;
	} rows[] = {
	    {0, 2, -2}, /* RNE */
	    {1, 2, -2}, /* RTZ */
	    {2, 2, -3}, /* RDN */
	    {3, 3, -2}, /* RUP */
	    {4, 3, -3}, /* RMM */
	};
	double p = 2.5, n = -2.5;
	unsigned i;
	long r;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		__asm__ volatile("fsrm %0" : : "r"((u64)rows[i].rm));
		__asm__ volatile("fcvt.l.d %0, %1, dyn" : "=r"(r) : "f"(p));
		check((u64)r, (u64)rows[i].pos, "fcvt.l.d 2.5 with frm");
		__asm__ volatile("fcvt.l.d %0, %1, dyn" : "=r"(r) : "f"(n));
		check((u64)r, (u64)rows[i].neg, "fcvt.l.d -2.5 with frm");
		check(CSRR("fflags") & 1, 1, "inexact conversion sets NX");
	}
	__asm__ volatile("fscsr x0");
}

static void test_counters(void)
{
	u64 c0, c1, t0, t1, i0, i1, x;
	struct timespec ts = {0, 5 * 1000 * 1000};
	int k;

	__asm__ volatile("rdcycle %0\n\trdtime %1\n\trdinstret %2" : "=r"(c0), "=r"(t0), "=r"(i0));
	for (k = 0, x = 0; k < 1000; k++)
		__asm__ volatile("addi %0, %0, 1" : "+r"(x));
	__asm__ volatile("rdcycle %0\n\trdtime %1\n\trdinstret %2" : "=r"(c1), "=r"(t1), "=r"(i1));
	check(c1 >= c0, 1, "cycle does not decrease");
	check(t1 >= t0, 1, "time does not decrease");
	check(i1 > i0, 1, "instret grows across a loop");
	/* the csrr forms of the same counters */
	c0 = CSRR("cycle");
	t0 = CSRR("time");
	i0 = CSRR("instret");
	check(c0 >= c1, 1, "csrr cycle");
	check(t0 >= t1, 1, "csrr time");
	check(i0 > i1, 1, "csrr instret");
	nanosleep(&ts, NULL);
	__asm__ volatile("rdtime %0" : "=r"(t1));
	check(t1 > t0, 1, "time grows across a 5 ms sleep");
	/* csrrsi/csrrci with uimm 0 and csrrs with x0 are reads, legal on read-only CSRs */
	k = sigills;
	__asm__ volatile("csrrsi %0, cycle, 0\n\tcsrrci %0, time, 0\n\tcsrrs %0, instret, x0"
			 : "=r"(x));
	check((u64)(sigills - k), 0, "read forms of counter CSRs are legal");
}

/* Run an instruction that must raise SIGILL: rd keeps 0x5a5a */
#define ILLEGAL(text, what)                                                                        \
	do {                                                                                       \
		u64 r_ = 0x5a5a, z_ = 0;                                                           \
		int before_ = sigills;                                                             \
		__asm__ volatile(text : "+r"(r_) : "r"(z_) : "memory");                            \
		check((u64)(sigills - before_), 1, what ": SIGILL");                               \
		check(r_, 0x5a5a, what ": rd unchanged");                                          \
	} while (0)

static void test_illegal(void)
{
	ILLEGAL("csrr %0, mstatus", "csrr mstatus");
	ILLEGAL("csrr %0, sstatus", "csrr sstatus");
	ILLEGAL("csrr %0, satp", "csrr satp");
	ILLEGAL("csrr %0, mhartid", "csrr mhartid");
	ILLEGAL("csrrw %0, cycle, %1", "csrrw cycle");
	ILLEGAL("csrrw %0, time, %1", "csrrw time");
	ILLEGAL("csrrwi %0, instret, 0", "csrrwi instret (a write even with uimm 0)");
	ILLEGAL("csrrci %0, time, 1", "csrrci time, 1");
	ILLEGAL("csrr %0, 0x8ff", "csrr unallocated custom CSR 0x8ff");
	ILLEGAL("csrr %0, 0x4ff", "csrr unallocated CSR 0x4ff");
	ILLEGAL("csrrw x0, mscratch, %1", "csrw mscratch");
	/* the handler ran each time and execution continued right after */
	check(sigills, 11, "eleven SIGILLs");
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigill;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGILL, &sa, NULL);

	test_fp_csrs();
	test_fp_flags();
	test_frm();
	test_counters();
	test_illegal();
	if (!failed)
		printf("int-zicsr: all %d checks passed\n", check_no);
	return failed;
}
