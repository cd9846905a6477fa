/*
 * An o32 FP64 program (-mfp64: .MIPS.abiflags fp_abi = 64): Linux starts it
 * with Status.FR = 1 on an FPU with FIR.F64, 32 64-bit FP registers, doubles
 * in odd ones. Checks the mode prctl(PR_GET_FP_MODE) reports, double and single
 * arithmetic in odd registers, that odd registers are not halves of even ones,
 * and PR_SET_FP_MODE: the FR=0 view (odd singles = upper halves of the even
 * doubles), the modes this FPU refuses (FRE), and back to FR=1.
 * With "qemu" as argument the values kept across a mode switch are not
 * checked (QEMU copies halves between registers on a switch, Linux does not).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#ifndef PR_SET_FP_MODE
#define PR_SET_FP_MODE 45
#define PR_GET_FP_MODE 46
#define PR_FP_MODE_FR (1 << 0)
#define PR_FP_MODE_FRE (1 << 1)
#endif

static uint64_t bits(double d)
{
	uint64_t u;

	memcpy(&u, &d, 8);
	return u;
}

/* f1 = a, f5 = b; f3 = f1 + f5, f7 = f3 * f1, f9 = f7 / f5 (all odd) */
static void odd_doubles(double a, double b, double out[3])
{
	volatile double in[2] = {a, b};

	__asm__ volatile("ldc1 $f1, 0(%0)\n\tldc1 $f5, 8(%0)\n\t"
			 "add.d $f3, $f1, $f5\n\tmul.d $f7, $f3, $f1\n\tdiv.d $f9, $f7, $f5\n\t"
			 "sdc1 $f3, 0(%1)\n\tsdc1 $f7, 8(%1)\n\tsdc1 $f9, 16(%1)"
			 : : "r"(in), "r"(out) : "$f1", "$f3", "$f5", "$f7", "$f9", "memory");
}

/* FR=1: writing f1 (single) leaves f0's upper half alone; mfhc1 reads it */
static void independent(double d, uint32_t *hi0, uint32_t *lo0, uint32_t *odd)
{
	__asm__ volatile("ldc1 $f0, %3\n\tli $t0, 0x1234\n\tmtc1 $t0, $f1\n\t"
			 "mfhc1 %0, $f0\n\tmfc1 %1, $f0\n\tmfc1 %2, $f1"
			 : "=r"(*hi0), "=r"(*lo0), "=r"(*odd) : "m"(d) : "$t0", "$f0", "$f1");
}

/* FR=0: f3 (single) is the upper half of the double in f2 */
static uint32_t pair_high(double d)
{
	uint32_t r;

	__asm__ volatile("ldc1 $f2, %1\n\tmfc1 %0, $f3" : "=r"(r) : "m"(d) : "$f2", "$f3");
	return r;
}

static void set_mode(const char *what, long mode)
{
	errno = 0;
	int r = prctl(PR_SET_FP_MODE, mode, 0, 0, 0);

	printf("set %s: %d %s, mode now %d\n", what, r, r ? strerror(errno) : "ok",
	       prctl(PR_GET_FP_MODE, 0, 0, 0, 0));
}

int main(int argc, char **argv)
{
	int qemu = argc > 1 && !strcmp(argv[1], "qemu");
	double out[3], keep = 3.75;
	uint32_t fir, hi0, lo0, odd;
	float s;

	__asm__ volatile("cfc1 %0, $0" : "=r"(fir));
	printf("FIR.F64 %u, mode %d\n", fir >> 22 & 1, prctl(PR_GET_FP_MODE, 0, 0, 0, 0));

	odd_doubles(1.5, 0.25, out);
	printf("odd doubles: %g %g %g\n", out[0], out[1], out[2]);
	odd_doubles(1e300, -3.0, out);
	printf("odd doubles: %016llx %016llx %016llx\n", (unsigned long long)bits(out[0]),
	       (unsigned long long)bits(out[1]), (unsigned long long)bits(out[2]));
	independent(-2.5, &hi0, &lo0, &odd);
	printf("f0 %08x%08x, f1 %08x\n", hi0, lo0, odd);
	__asm__ volatile("mtc1 %1, $f7\n\tadd.s $f7, $f7, $f7\n\tmov.s %0, $f7"
			 : "=f"(s) : "r"(0x40400000u) : "$f7");
	printf("odd single: %g\n", s);

	/* the refused ones first: nothing changes */
	set_mode("FRE", PR_FP_MODE_FRE);
	set_mode("FR|FRE", PR_FP_MODE_FR | PR_FP_MODE_FRE);
	set_mode("bad bit", 4);
	set_mode("FR again", PR_FP_MODE_FR);

	__asm__ volatile("ldc1 $f4, %0" : : "m"(keep) : "$f4");
	set_mode("FR=0", 0);
	printf("FR=0 pair: %08x (of %016llx)\n", pair_high(-0.125),
	       (unsigned long long)bits(-0.125));
	if (!qemu) {
		double v;

		__asm__ volatile("sdc1 $f4, %0" : "=m"(v));
		printf("f4 across the switch: %g\n", v);
	}
	set_mode("FR=1", PR_FP_MODE_FR);
	odd_doubles(2.0, 8.0, out);
	printf("odd doubles: %g %g %g\n", out[0], out[1], out[2]);
	return 0;
}
