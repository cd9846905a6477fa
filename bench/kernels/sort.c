/*
 * Integer sort: a hand-written quicksort (median of three, insertion sort below 16
 * elements) over a few million pseudo-random 64-bit integers. Loads, stores, compares and
 * unpredictable branches; no libc in the hot loop.
 *
 * usage: sort [N]    prints the checksum of the sorted array
 */
#include <inttypes.h>
#include <stdio.h>

#include "common.h"

static void insertion_sort(uint64_t *a, long n)
{
	for (long i = 1; i < n; i++) {
		uint64_t v = a[i];
		long j = i - 1;

		while (j >= 0 && a[j] > v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
}

static inline void swap(uint64_t *a, uint64_t *b)
{
	uint64_t t = *a;

	*a = *b;
	*b = t;
}

static void quick_sort(uint64_t *a, long n)
{
	/* Recurse into the smaller half, loop on the larger: stack depth stays O(log n). */
	while (n > 16) {
		long mid = n / 2;

		if (a[mid] < a[0])
			swap(&a[mid], &a[0]);
		if (a[n - 1] < a[0])
			swap(&a[n - 1], &a[0]);
		if (a[n - 1] < a[mid])
			swap(&a[n - 1], &a[mid]);
		uint64_t pivot = a[mid];
		long i = 0, j = n - 1;

		for (;;) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i >= j)
				break;
			swap(&a[i], &a[j]);
			i++;
			j--;
		}
		long left = j + 1;

		if (left < n - left) {
			quick_sort(a, left);
			a += left;
			n -= left;
		} else {
			quick_sort(a + left, n - left);
			n = left;
		}
	}
	insertion_sort(a, n);
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 3000000);
	uint64_t *a = malloc(n * sizeof(*a));
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	if (!a) {
		perror("malloc");
		return 1;
	}
	for (long i = 0; i < n; i++)
		a[i] = bench_rand(&seed);
	quick_sort(a, n);

	uint64_t sum = 0;

	for (long i = 0; i < n; i++) {
		if (i && a[i - 1] > a[i]) {
			printf("sort: not sorted at %ld\n", i);
			return 1;
		}
		sum = sum * 31 + (a[i] ^ (uint64_t)i);
	}
	printf("sort n=%ld checksum=%016" PRIx64 "\n", n, sum);
	free(a);
	return 0;
}
