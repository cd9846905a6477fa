/*
 * The user-mode GDB tests' program (run-gdb-test.py).
 *   prog          add() three times, steps(), exit status 33 + 3 = 36
 *   prog spin     a busy loop that never ends (Ctrl-C)
 *   prog threads  two more threads in busy loops (thread list)
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

long steps(long x); /* steps.S */

volatile long counter;
long total = 5;
volatile int forever = 1;

__attribute__((noinline)) long add(long a, long b)
{
	long r = a + b;

	counter += r;
	return r;
}

static void *spinner(void *arg)
{
	while (forever)
		counter++;
	return arg;
}

int main(int argc, char **argv)
{
	long s = 0;

	if (argc > 1 && !strcmp(argv[1], "spin")) {
		spinner(NULL);
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "threads")) {
		pthread_t t[2];
		for (int i = 0; i < 2; i++)
			pthread_create(&t[i], NULL, spinner, NULL);
		spinner(NULL);
		return 1;
	}
	for (int i = 0; i < 3; i++)
		s += add(i, 10);
	total = s;
	s = steps(s);
	printf("s=%ld\n", s);
	return (int)s;
}
