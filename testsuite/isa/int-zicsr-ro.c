/*
 * isa-test: libc
 * isa-test: qemu-wrong
 *
 * csrrs and csrrc with rs1 other than x0 write the CSR even when rs1 holds
 * zero (unprivileged spec, "Zicsr", CSR instructions: "if rs1 specifies a
 * register holding a zero value other than x0, the instruction will still
 * attempt to write the unmodified value back to the CSR"; the table of when
 * a CSR instruction reads or writes), so on a read-only CSR (cycle, time,
 * instret: csr[11:10] = 3) they raise an illegal-instruction exception
 * (privileged spec 2.1: "attempts ... to write a read-only register also
 * raise illegal instruction exceptions"). QEMU 7.2 does not trap here, so
 * isa/int-zicsr-ro-qemu is expected to fail. Linux delivers SIGILL; the
 * handler skips the instruction.
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

/* text writes %0 (rd, preset to 0x5a5a) from %1 (a register holding 0) */
#define ILLEGAL(text, what)                                                                        \
	do {                                                                                       \
		uint64_t r_ = 0x5a5a, z_ = 0;                                                      \
		int before_ = sigills;                                                             \
		__asm__ volatile(text : "+r"(r_) : "r"(z_) : "memory");                            \
		check(sigills == before_ + 1, what ": SIGILL");                                    \
		check(r_ == 0x5a5a, what ": rd unchanged");                                        \
	} while (0)

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigill;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGILL, &sa, NULL);

	ILLEGAL("csrrs %0, cycle, %1", "csrrs cycle, rs1 != x0 holding 0");
	ILLEGAL("csrrc %0, time, %1", "csrrc time, rs1 != x0 holding 0");
	ILLEGAL("csrrs %0, instret, %1", "csrrs instret, rs1 != x0 holding 0");
	if (!failed)
		printf("int-zicsr-ro: all %d checks passed\n", check_no);
	return failed;
}
