/*
 * libc string and memory routines: strlen, memcpy, memmove, memcmp, strchr and memset
 * over many short and medium strings, plus a few large block copies. This is where the
 * guest's (scalar, generic) libc routines meet the host's vectorised ones.
 *
 * usage: strmem [ROUNDS]    prints a checksum
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

#define NSTR 20000
#define BIG (4 << 20)

int main(int argc, char **argv)
{
	long rounds = bench_arg(argc, argv, 40);
	char **str = malloc(NSTR * sizeof(*str));
	char *arena = malloc(NSTR * 260);
	char *dst = malloc(NSTR * 260);
	char *big = malloc(BIG), *big2 = malloc(BIG);
	uint64_t seed = 7, sum = 0;

	if (!str || !arena || !dst || !big || !big2) {
		perror("malloc");
		return 1;
	}
	/* Strings of 0..255 letters (skewed short), NUL-terminated, packed in one arena. */
	char *p = arena;

	for (int i = 0; i < NSTR; i++) {
		uint64_t r = bench_rand(&seed);
		int len = (r & 0xff) >> ((r >> 8) & 3);

		str[i] = p;
		for (int k = 0; k < len; k++)
			p[k] = 'a' + bench_rand(&seed) % 26;
		p[len] = 0;
		p += len + 1;
	}
	for (long i = 0; i < BIG; i++)
		big[i] = (char)i;

	for (long round = 0; round < rounds; round++) {
		char *q = dst;

		for (int i = 0; i < NSTR; i++) {
			size_t len = strlen(str[i]);

			memcpy(q, str[i], len + 1);
			const char *hit = strchr(q, 'a' + (int)((round + i) % 26));

			sum += len + (hit ? (uint64_t)(hit - q) : 1000);
			if (i)
				sum += memcmp(str[i - 1], q, len < 8 ? len : 8) < 0;
			q += len + 1;
		}
		sum += strlen(dst + (round % 97));
		/* Large blocks: overlapping move, copy, fill, compare. */
		memmove(big + 1 + round % 13, big, BIG - 64);
		memcpy(big2, big, BIG);
		memset(big2 + round * 1000, (int)round, 1 << 16);
		sum = sum * 3 + (memcmp(big, big2, BIG) < 0) + (unsigned char)big[round * 4099 % BIG];
	}
	printf("strmem rounds=%ld checksum=%016" PRIx64 "\n", rounds, sum);
	return 0;
}
