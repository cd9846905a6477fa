/*
 * The system-mode GDB session's program (gdb-system.gdb): bare metal on the
 * spike machine, M-mode, with the runtime of testsuite/isa-priv. Exits
 * through HTIF with 0 when the result is right (33 + 3).
 */
#include "rt.h"

long steps(long x); /* steps.S */

volatile long counter;
long total = 5;

__attribute__((noinline)) long add(long a, long b)
{
	long r = a + b;

	counter += r;
	return r;
}

/* An ecall: stepping it must stop at the M-mode trap handler. */
__attribute__((noinline)) void do_ecall(void)
{
	__asm__ volatile("ecall" ::: "memory");
}

int main(void)
{
	long s = 0;

	for (int i = 0; i < 3; i++)
		s += add(i, 10);
	do_ecall();
	total = s;
	s = steps(s);
	return s == 36 ? 0 : 1;
}
