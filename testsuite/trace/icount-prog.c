/* Reads the clock and random bytes, does some work with them: under
 * --icount --seed two runs must give the same output and the same trace. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>

int main(void)
{
	struct timespec ts;
	unsigned seed;
	unsigned long acc = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		return 1;
	srand(seed ^ (unsigned)ts.tv_nsec);
	for (int i = 0; i < 1000; i++)
		acc = acc * 33 + (unsigned)rand();
	printf("%lu %ld\n", acc, (long)ts.tv_nsec);
	return 0;
}
