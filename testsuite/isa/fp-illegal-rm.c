/*
 * isa-test: libc
 *
 * Reserved rounding modes are illegal instructions (F 2.2, section 11.2):
 * a static rm of 5 or 6 in any instruction that has an rm field, including
 * the exact conversions, and rm = DYN while frm holds 5, 6 or 7. The
 * trapping instruction must not write its destination or fflags.
 * Linux delivers SIGILL; the handler skips the 4-byte instruction.
 * Exits with the number of the first failing check.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

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

static void check(int ok, const char *what)
{
	check_no++;
	if (ok)
		return;
	printf("FAIL check %d: %s\n", check_no, what);
	if (!failed)
		failed = check_no;
}

static uint64_t bits(double d)
{
	uint64_t v;

	memcpy(&v, &d, 8);
	return v;
}

static void set_frm(unsigned frm)
{
	__asm__ volatile("fsrm %0" ::"r"(frm));
}

static unsigned get_fflags(void)
{
	unsigned f;

	__asm__ volatile("frflags %0" : "=r"(f));
	return f;
}

/*
 * Run one instruction (text with operands %0 <- %1, %2, %3 for TRY_F,
 * %0 <- %1 for TRY_X; %0 is an f register for TRY_F, an x register for
 * TRY_X) and report whether it raised SIGILL and left %0 and fflags alone.
 */
#define TRY_F(text, want_ill, what)                                                       \
	do {                                                                              \
		double r_ = 42.0, x_ = 1.0, y_ = 3.0, z_ = 0.5;                           \
		int before_ = sigills;                                                    \
		__asm__ volatile("fsflags zero");                                         \
		__asm__ volatile(text : "+f"(r_) : "f"(x_), "f"(y_), "f"(z_) : "memory"); \
		if (want_ill) {                                                           \
			check(sigills == before_ + 1, what ": raises SIGILL");            \
			check(bits(r_) == bits(42.0), what ": destination unchanged");    \
			check(get_fflags() == 0, what ": fflags unchanged");              \
		} else {                                                                  \
			check(sigills == before_, what ": executes");                     \
		}                                                                         \
	} while (0)

#define TRY_X(text, want_ill, what)                                                       \
	do {                                                                              \
		long r_ = 42;                                                             \
		double x_ = 2.5;                                                          \
		int before_ = sigills;                                                    \
		__asm__ volatile("fsflags zero");                                         \
		__asm__ volatile(text : "+r"(r_) : "f"(x_) : "memory");                   \
		if (want_ill) {                                                           \
			check(sigills == before_ + 1, what ": raises SIGILL");            \
			check(r_ == 42, what ": destination unchanged");                  \
			check(get_fflags() == 0, what ": fflags unchanged");              \
		} else {                                                                  \
			check(sigills == before_, what ": executes");                     \
		}                                                                         \
	} while (0)

int main(void)
{
	struct sigaction sa;
	unsigned frm;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigill;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGILL, &sa, NULL)) {
		perror("sigaction");
		return 255;
	}

	/* static reserved modes: fadd.d, fadd.s, fmadd.d, fsqrt.d, fcvt.w.d, fcvt.d.s, fcvt.d.w */
	TRY_F(".insn r 0x53, 5, 0x01, %0, %1, %2", 1, "fadd.d rm=5");
	TRY_F(".insn r 0x53, 6, 0x01, %0, %1, %2", 1, "fadd.d rm=6");
	TRY_F(".insn r 0x53, 5, 0x00, %0, %1, %2", 1, "fadd.s rm=5");
	TRY_F(".insn r4 0x43, 6, 1, %0, %1, %2, %3", 1, "fmadd.d rm=6");
	TRY_F(".insn r4 0x4f, 5, 0, %0, %1, %2, %3", 1, "fnmadd.s rm=5");
	TRY_F(".insn r 0x53, 5, 0x2d, %0, %1, x0", 1, "fsqrt.d rm=5");
	TRY_F(".insn r 0x53, 6, 0x21, %0, %1, x0", 1, "fcvt.d.s rm=6");
	TRY_F(".insn r 0x53, 5, 0x20, %0, %1, x1", 1, "fcvt.s.d rm=5");
	TRY_X(".insn r 0x53, 6, 0x61, %0, %1, x0", 1, "fcvt.w.d rm=6");
	TRY_X(".insn r 0x53, 5, 0x60, %0, %1, x3", 1, "fcvt.lu.s rm=5");
	/* the valid static modes execute */
	TRY_F(".insn r 0x53, 4, 0x01, %0, %1, %2", 0, "fadd.d rm=rmm");
	TRY_F(".insn r 0x53, 0, 0x21, %0, %1, x0", 0, "fcvt.d.s rm=rne");
	TRY_X(".insn r 0x53, 1, 0x61, %0, %1, x0", 0, "fcvt.w.d rm=rtz");

	/* DYN: illegal exactly when frm holds 5, 6 or 7 */
	for (frm = 0; frm < 8; frm++) {
		int ill = frm >= 5;

		set_frm(frm);
		TRY_F("fadd.d %0, %1, %2, dyn", ill, "fadd.d dyn");
		TRY_F("fmul.s %0, %1, %2, dyn", ill, "fmul.s dyn");
		TRY_F("fmsub.d %0, %1, %2, %3, dyn", ill, "fmsub.d dyn");
		TRY_F("fsqrt.s %0, %1, dyn", ill, "fsqrt.s dyn");
		TRY_F(".insn r 0x53, 7, 0x21, %0, %1, x0", ill, "fcvt.d.s dyn");
		TRY_F(".insn r 0x53, 7, 0x69, %0, %1, x0", ill, "fcvt.d.w dyn");
		TRY_X("fcvt.l.d %0, %1, dyn", ill, "fcvt.l.d dyn");
		/* no rm field: unaffected by frm */
		TRY_F("fmin.d %0, %1, %2", 0, "fmin.d");
		TRY_F("fsgnjn.d %0, %1, %2", 0, "fsgnjn.d");
		TRY_X("feq.d %0, %1, %1", 0, "feq.d");
		TRY_X("fclass.d %0, %1", 0, "fclass.d");
		TRY_X("fmv.x.d %0, %1", 0, "fmv.x.d");
	}
	set_frm(0);
	printf("fp-illegal-rm: %d checks, %d SIGILLs, %s\n", check_no, sigills,
	       failed ? "FAILED" : "passed");
	return failed > 255 ? 255 : failed;
}
