/*
 * FP and memory: dense double-precision matrix multiply (i-k-j order, so the inner loop
 * streams rows) repeated a few times. Built with -ffp-contract=off (see nbody.c).
 *
 * usage: matmul [N]    multiplies two NxN matrices; prints a checksum of the product
 */
#include <stdio.h>
#include <string.h>

#include "common.h"

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 320);
	double *a = malloc(n * n * sizeof(double));
	double *b = malloc(n * n * sizeof(double));
	double *c = malloc(n * n * sizeof(double));
	uint64_t seed = 42;

	if (!a || !b || !c) {
		perror("malloc");
		return 1;
	}
	/* Entries k/1024 with small integer k: products and sums stay exact for a while. */
	for (long i = 0; i < n * n; i++) {
		a[i] = (double)(bench_rand(&seed) % 2048) / 1024.0 - 1.0;
		b[i] = (double)(bench_rand(&seed) % 2048) / 1024.0 - 1.0;
	}
	for (int rep = 0; rep < 3; rep++) {
		memset(c, 0, n * n * sizeof(double));
		for (long i = 0; i < n; i++)
			for (long k = 0; k < n; k++) {
				double aik = a[i * n + k];

				for (long j = 0; j < n; j++)
					c[i * n + j] += aik * b[k * n + j];
			}
		/* Feed the product back in so the repetitions are not redundant. */
		for (long i = 0; i < n * n; i++)
			a[i] = c[i] * (1.0 / 64);
	}
	double sum = 0, wsum = 0;

	for (long i = 0; i < n * n; i++) {
		sum += c[i];
		wsum += c[i] * (double)(i % 7);
	}
	printf("matmul n=%ld sum=%.17g wsum=%.17g\n", n, sum, wsum);
	free(a);
	free(b);
	free(c);
	return 0;
}
