/*
 * 32-bit rotates as C writes them: RV64GC has no rotate instruction, so gcc
 * emits slliw + srliw + or, which morph's optimizer turns into one rotate
 * (src/ir/optimize.c, rotate_idioms()). Every count, values with either sign
 * bit, the rotate's inputs overwritten or kept, results used as 64-bit
 * values (the sign extension of the word), and a SHA-256 style mix.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

static uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

/* A distinct function per count so the count is a constant in the code. */
#define ROT(n)                                                                       \
	static __attribute__((noinline)) int64_t rot##n(uint32_t x, uint32_t *keep)   \
	{                                                                            \
		uint32_t l = x << (32 - n), r = x >> n;                              \
		*keep = l ^ (r >> 1);                                                \
		return (int32_t)(l | r);                                             \
	}
ROT(1) ROT(2) ROT(3) ROT(5) ROT(6) ROT(7) ROT(8) ROT(11) ROT(13) ROT(16) ROT(17)
ROT(18) ROT(19) ROT(22) ROT(25) ROT(29) ROT(31)

static int64_t (*const rots[])(uint32_t, uint32_t *) = {
	rot1, rot2, rot3, rot5, rot6, rot7, rot8, rot11, rot13, rot16, rot17,
	rot18, rot19, rot22, rot25, rot29, rot31,
};

int main(void)
{
	static const uint32_t xs[] = {0, 1, 0x80000000u, 0x7fffffffu, 0xdeadbeefu, 0x12345678u,
				      0xffffffffu, 0x00ff00ffu};
	uint64_t h = 0;
	uint32_t keep = 0, a = 0x6a09e667u, e = 0x510e527fu;

	for (unsigned i = 0; i < sizeof(rots) / sizeof(rots[0]); i++) {
		for (unsigned j = 0; j < sizeof(xs) / sizeof(xs[0]); j++) {
			int64_t v = rots[i](xs[j], &keep);
			h = h * 1000003u ^ (uint64_t)v ^ (uint64_t)keep << 7;
		}
		printf("rot %u: %016" PRIx64 "\n", i, h);
	}
	for (unsigned r = 0; r < 1000; r++) {
		uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
		uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
		e = a + s1 + r;
		a = e ^ s0;
	}
	printf("mix: %08" PRIx32 " %08" PRIx32 "\n", a, e);
	return 0;
}
