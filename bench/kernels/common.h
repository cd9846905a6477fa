/*
 * Shared bits of the benchmark kernels: a seeded PRNG and argument parsing.
 *
 * Every kernel is deterministic: the same seed and size give the same checksum on every
 * host and guest, so the driver can check that all runners computed the same thing.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>
#include <stdlib.h>

/* xorshift64* (Vigna): tiny, fast, good enough for test data. */
static inline uint64_t bench_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* The first argument scales the work; 0 or absent means the default. */
static inline long bench_arg(int argc, char **argv, long def)
{
	long v = argc > 1 ? strtol(argv[1], NULL, 0) : 0;

	return v > 0 ? v : def;
}

#endif
