/*
 * RV32 computation (RV32GC + Zba/Zbb/Zbs, built with -march=rv32gc_zba_zbb_zbs):
 * integer, M, A, F/D and bit-manipulation results over pseudo-random inputs,
 * folded into a hash. The expected value came from qemu-system-riscv32 7.2
 * (isa-priv/rv32-alu-qemu runs the same check there).
 */
#include "rt.h"

#if __riscv_xlen != 32
#error "rv32-alu.c is an RV32 test"
#endif

#define EXPECTED_HASH 0x15205737ul

static unsigned long h = 2166136261u;

static void mix(unsigned long v)
{
	h = (h ^ v) * 16777619u + (h >> 7);
}

static __attribute__((noinline)) unsigned long zbb(unsigned long a, unsigned long b)
{
	unsigned long r = 0;

	r += (unsigned long)__builtin_clz(a | 1) + (unsigned long)__builtin_ctz(a | 0x80000000u);
	r += (unsigned long)__builtin_popcount(a);
	r ^= (long)a < (long)b ? a : b;             /* min */
	r ^= a > b ? a : b;                         /* maxu */
	r ^= __builtin_bswap32(a);                  /* rev8 */
	r ^= (unsigned long)(uint16_t)b;            /* zext.h */
	r ^= (unsigned long)(long)(int8_t)a;        /* sext.b */
	r ^= (a << (b & 31)) | (a >> ((32 - (b & 31)) & 31)); /* rol */
	r ^= a & ~b;                                /* andn */
	r ^= b + (a << 2);                          /* sh2add */
	r ^= a | (1ul << (b & 31));                 /* bset */
	r ^= (a >> (b & 31)) & 1;                   /* bext */
	return r;
}

int main(void)
{
	volatile long a = 0x12345678, b = -7, c = 0x7fffffff, d = (long)0x80000000u;
	volatile unsigned long long x = 0x123456789abcdefull, y = 12345;

	for (int i = 0; i < 300; i++) {
		mix((unsigned long)(a * b));
		mix((unsigned long)(a / b));
		mix((unsigned long)(a % b));
		mix((unsigned long)a / 3u);
		mix((unsigned long)(c + 1));
		mix((unsigned long)d >> (i & 31));
		mix((unsigned long)((long)d >> (i & 31)));
		mix((unsigned long)(a << (i & 31)));
		mix((unsigned long)(((long long)a * b) >> 32));
		mix((unsigned long)(((unsigned long long)(unsigned long)a * (unsigned long)c) >> 32));
		mix((unsigned long)(((long long)a * (unsigned long)c) >> 32));
		mix((unsigned long)(x / y));
		mix((unsigned long)(x % y));
		mix((unsigned long)(x >> 33));
		mix(a < b);
		mix((unsigned long)a < (unsigned long)b);
		mix((unsigned long)(long)(int16_t)a);
		mix((unsigned long)(uint8_t)b);
		mix(zbb((unsigned long)a, (unsigned long)b));
		float f = (float)a / (float)(i + 1);
		double g = (double)c * 1.5 / (i + 3);
		mix((unsigned long)(long)f);
		mix((unsigned long)(long)g);
		mix((unsigned long)(long long)(g * 1e6));
		a = a * 1103515245 + 12345;
		b = b ^ (a >> 3);
		c += b;
		d ^= a;
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		y = (y + (x >> 40)) | 1;
	}

	volatile uint32_t w = 5;
	uint32_t old, r, s;
	__asm__ volatile("amoadd.w %0, %1, (%2)" : "=r"(old) : "r"(3), "r"(&w) : "memory");
	mix(old);
	mix(w);
	__asm__ volatile("amomax.w %0, %1, (%2)" : "=r"(old) : "r"(-3), "r"(&w) : "memory");
	mix(old);
	mix(w);
	__asm__ volatile("amominu.w %0, %1, (%2)" : "=r"(old) : "r"(-3), "r"(&w) : "memory");
	mix(old);
	mix(w);
	__asm__ volatile("lr.w %0, (%2)\n\tsc.w %1, %3, (%2)"
			 : "=&r"(r), "=&r"(s)
			 : "r"(&w), "r"(77)
			 : "memory");
	mix(r);
	mix(s);
	mix(w);

	puts_("rv32-alu: hash ");
	print_hex(h);
	putch('\n');
	CHECK_EQ(h, EXPECTED_HASH);
	return 0;
}
