/*
 * isa-test: libc
 *
 * ebreak and c.ebreak (unprivileged spec 2.8 and 16.7): a breakpoint
 * exception at the instruction itself, which Linux delivers as SIGTRAP with
 * si_code TRAP_BRKPT and the saved pc pointing at the breakpoint. The
 * handler steps over it (4 bytes, or 2 for c.ebreak) and execution goes on
 * with every register as it was. Completes int-c.c, which cannot run
 * c.ebreak without a handler.
 * Exits with the number of the first failing check.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static volatile int traps;
static volatile uint64_t trap_pc, trap_a0;
static volatile int trap_code;
static int failed, check_no;

static void on_sigtrap(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	uint64_t pc = uc->uc_mcontext.__gregs[REG_PC];

	(void)sig;
	traps++;
	trap_pc = pc;
	trap_code = si->si_code;
	trap_a0 = uc->uc_mcontext.__gregs[REG_A0];
	/* step over the breakpoint: 16-bit encodings have low bits != 11 */
	uc->uc_mcontext.__gregs[REG_PC] = pc + ((*(uint16_t *)pc & 3) == 3 ? 4 : 2);
}

static void check(uint64_t got, uint64_t want, const char *what)
{
	check_no++;
	if (got == want)
		return;
	printf("FAIL check %d (%s): got 0x%llx expected 0x%llx\n", check_no, what,
	       (unsigned long long)got, (unsigned long long)want);
	if (!failed)
		failed = check_no;
}

int main(void)
{
	struct sigaction sa;
	uint64_t at, a0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigtrap;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTRAP, &sa, NULL);

	/* the 32-bit ebreak */
	__asm__ volatile(".option push\n\t.option norvc\n\t"
			 "li a0, 1234\n\t"
			 "lla %0, 1f\n"
			 "1:\tebreak\n\t"
			 "addi a0, a0, 1\n\t"
			 "mv %1, a0\n\t"
			 ".option pop"
			 : "=&r"(at), "=&r"(a0)
			 :
			 : "a0", "memory");
	check(traps, 1, "ebreak: one SIGTRAP");
	check(trap_pc, at, "ebreak: pc of the breakpoint");
	check(trap_code, TRAP_BRKPT, "ebreak: si_code TRAP_BRKPT");
	check(trap_a0, 1234, "ebreak: a0 in the signal frame");
	check(a0, 1235, "ebreak: execution continues after it");

	/* c.ebreak */
	__asm__ volatile(".option push\n\t.option rvc\n\t"
			 "li a0, 77\n\t"
			 "lla %0, 1f\n"
			 "1:\tc.ebreak\n\t"
			 "c.addi a0, 1\n\t"
			 "mv %1, a0\n\t"
			 ".option pop"
			 : "=&r"(at), "=&r"(a0)
			 :
			 : "a0", "memory");
	check(traps, 2, "c.ebreak: one more SIGTRAP");
	check(trap_pc, at, "c.ebreak: pc of the breakpoint");
	check(trap_code, TRAP_BRKPT, "c.ebreak: si_code TRAP_BRKPT");
	check(trap_a0, 77, "c.ebreak: a0 in the signal frame");
	check(a0, 78, "c.ebreak: execution continues 2 bytes on");

	/* a breakpoint in the middle of a translated loop */
	a0 = 0;
	for (int i = 0; i < 3; i++)
		__asm__ volatile("addi %0, %0, 10\n\tc.ebreak\n\taddi %0, %0, 1" : "+r"(a0));
	check(traps, 5, "c.ebreak in a loop: three SIGTRAPs");
	check(a0, 33, "c.ebreak in a loop: both halves of each iteration ran");

	if (!failed)
		printf("int-ebreak: all %d checks passed\n", check_no);
	return failed;
}
