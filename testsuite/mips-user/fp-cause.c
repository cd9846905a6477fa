/*
 * FCSR.Cause and Flags around the FP operations morph runs inline (add, sub,
 * mul, div, sqrt, c.cond: IR_fpop) with a lazily computed Cause
 * (frontends/mips/fpu-helpers.c): Cause must be the exceptions of the last FP
 * instruction whenever FCSR is read (cfc1 in the same TB, after a TB
 * boundary, in a signal frame), after an exact operation following an
 * inexact one, after overflow/underflow with traps disabled, after a NaN
 * result (the fallback helper), with each rounding mode (the guard), after a
 * compare, for an operation in a branch delay slot (and one annulled there),
 * and the Flags after ctc1 writes and a trapping operation. Every line
 * prints result bits and FCSR; the expected output is QEMU's (qemu-mipsel).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

typedef uint32_t u32;
typedef uint64_t u64;

#define ONE 0x3ff0000000000000ull
#define TWO 0x4000000000000000ull
#define THREE 0x4008000000000000ull
#define TINY 0x3bb0000000000000ull     /* 2^-68: 1 + TINY is inexact */
#define BIG 0x7fe0000000000000ull      /* 2^1023 */
#define SMALL 0x0010000000000000ull    /* the smallest normal */
#define DENORM 0x0000000000000001ull
#define QNAN_D 0x7ff0000000000001ull   /* legacy encoding: quiet bit clear = quiet */
#define SNAN_D 0x7ff8000000000000ull   /* quiet bit set = signalling */
#define QNAN_S 0x7f800001u
#define SNAN_S 0x7fc00000u

static u32 fcsr_get(void)
{
	u32 r;

	__asm__ volatile("cfc1 %0, $31" : "=r"(r));
	return r;
}

static void fcsr_set(u32 v)
{
	__asm__ volatile("ctc1 %0, $31" : : "r"(v));
}

/*
 * fn(a, b, &r): $f0 = $f2 OP $f4 in type T (loaded and stored with @ld/@st),
 * then FCSR, all in one asm block
 */
#define FOP(fn, T, ld, st, insn)                                                             \
	static u32 fn(T a, T b, T *r)                                                        \
	{                                                                                    \
		T in[2] = {a, b};                                                            \
		u32 f;                                                                       \
		__asm__ volatile(ld " $f2, 0(%1)\n\t" ld " $f4, %3(%1)\n\t" insn "\n\t"       \
				 st " $f0, 0(%2)\n\tcfc1 %0, $31"                            \
				 : "=&r"(f) : "r"(in), "r"(r), "i"(sizeof(T))                  \
				 : "$f0", "$f2", "$f3", "$f4", "$f6", "memory");               \
		return f;                                                                    \
	}
#define DOP(fn, insn) FOP(fn, u64, "ldc1", "sdc1", insn)
#define SOP(fn, insn) FOP(fn, u32, "lwc1", "swc1", insn)

DOP(add_d, "add.d $f0, $f2, $f4")
DOP(sub_d, "sub.d $f0, $f2, $f4")
DOP(mul_d, "mul.d $f0, $f2, $f4")
DOP(div_d, "div.d $f0, $f2, $f4")
DOP(sqrt_d, "sqrt.d $f0, $f2")
/* an inexact add, then the operation: Cause is the second one's alone */
DOP(inexact_then_add_d, "add.d $f6, $f2, $f4\n\tadd.d $f6, $f6, $f6\n\tadd.d $f0, $f2, $f2")
DOP(inexact_then_cmp_d, "add.d $f6, $f2, $f4\n\tc.lt.d $f2, $f4\n\tmov.d $f0, $f6")
/* the same operation, but through an odd single (FR=0: the upper half of $f2) */
SOP(add_s, "add.s $f0, $f2, $f4")
SOP(mul_s, "mul.s $f0, $f2, $f4")
SOP(div_s, "div.s $f0, $f2, $f4")
SOP(sqrt_s, "sqrt.s $f0, $f2")
SOP(add_s_odd, "mtc1 $zero, $f3\n\tadd.s $f3, $f2, $f4\n\tmov.s $f0, $f3")

static void show(const char *what, u64 r, u32 f)
{
	printf("%-28s %016llx fcsr %08x\n", what, (unsigned long long)r, f);
}

/* show the result @v of the operation @call with the FCSR it returns */
#define SHOW(what, v, call)                                                                  \
	do {                                                                                 \
		u32 f_ = call;                                                               \
		show(what, v, f_);                                                           \
	} while (0)

static void arith(void)
{
	u64 r = 0;
	u32 s = 0;

	fcsr_set(0);
	SHOW("1 + tiny (inexact)", r, add_d(ONE, TINY, &r));
	SHOW("1 + 1 after it (exact)", r, add_d(ONE, ONE, &r));
	fcsr_set(0);
	SHOW("inexact; exact", r, inexact_then_add_d(ONE, TINY, &r));
	SHOW("inexact; c.lt", r, inexact_then_cmp_d(ONE, TINY, &r));
	fcsr_set(0);
	SHOW("1 - tiny", r, sub_d(ONE, TINY, &r));
	SHOW("1 / 3", r, div_d(ONE, THREE, &r));
	SHOW("3 * 2 (exact)", r, mul_d(THREE, TWO, &r));
	fcsr_set(0);
	SHOW("big * 2 (overflow)", r, mul_d(BIG, TWO, &r));
	SHOW("smallest / 3 (underflow)", r, div_d(SMALL, THREE, &r));
	SHOW("denormal * 1 (exact tiny)", r, mul_d(DENORM, ONE, &r));
	SHOW("denormal + 1", r, add_d(DENORM, ONE, &r));
	fcsr_set(0);
	SHOW("1 / 0", r, div_d(ONE, 0, &r));
	SHOW("0 / 0 (NaN result)", r, div_d(0, 0, &r));
	SHOW("2 * 3 after it", r, mul_d(TWO, THREE, &r));
	fcsr_set(0);
	SHOW("quiet NaN + 1", r, add_d(QNAN_D, ONE, &r));
	SHOW("signalling NaN + 1", r, add_d(SNAN_D, ONE, &r));
	SHOW("1 * quiet NaN", r, mul_d(ONE, QNAN_D, &r));
	fcsr_set(0);
	SHOW("sqrt 4", r, sqrt_d(0x4010000000000000ull, 0, &r));
	SHOW("sqrt 2", r, sqrt_d(TWO, 0, &r));
	SHOW("sqrt -1", r, sqrt_d(0xbff0000000000000ull, 0, &r));
	SHOW("sqrt quiet NaN", r, sqrt_d(QNAN_D, 0, &r));
	fcsr_set(0);
	SHOW("single 1 + 2^-30", s, add_s(0x3f800000u, 0x30800000u, &s));
	SHOW("single 3e38 * 10", s, mul_s(0x7f61b1e6u, 0x41200000u, &s));
	SHOW("single 1 / 0", s, div_s(0x3f800000u, 0, &s));
	SHOW("single sqrt 2", s, sqrt_s(0x40000000u, 0, &s));
	SHOW("single quiet NaN * 2", s, mul_s(QNAN_S, 0x40000000u, &s));
	SHOW("single signalling NaN * 2", s, mul_s(SNAN_S, 0x40000000u, &s));
	SHOW("single 1 + 1 in $f3", s, add_s_odd(0x3f800000u, 0x3f800000u, &s));
	SHOW("single 1 + 2^-30 in $f3", s, add_s_odd(0x3f800000u, 0x30800000u, &s));
	fcsr_set(0);
}

/* c.cond.d for each cond on (a, b): FCC0 and Cause */
static u32 cmp_d(unsigned cond, u64 a, u64 b)
{
#define C(n, name)                                                                           \
	case n:                                                                              \
		__asm__ volatile("ldc1 $f2, 0(%1)\n\tldc1 $f4, 8(%1)\n\tc." name ".d $f2, $f4\n\t" \
				 "cfc1 %0, $31" : "=&r"(f) : "r"(in) : "$f2", "$f4", "memory"); \
		break;
	u64 in[2] = {a, b};
	u32 f = 0;

	switch (cond) {
	C(0, "f") C(1, "un") C(2, "eq") C(3, "ueq") C(4, "olt") C(5, "ult") C(6, "ole")
	C(7, "ule") C(8, "sf") C(9, "ngle") C(10, "seq") C(11, "ngl") C(12, "lt") C(13, "nge")
	C(14, "le") C(15, "ngt")
	}
#undef C
	return f;
}

static void compares(void)
{
	static const u64 pairs[][2] = {
		{ONE, TWO}, {TWO, ONE}, {ONE, ONE}, {ONE, QNAN_D}, {SNAN_D, ONE},
	};

	for (unsigned p = 0; p < 5; p++) {
		printf("compare %u:", p);
		for (unsigned c = 0; c < 16; c++) {
			fcsr_set(0);
			printf(" %x", cmp_d(c, pairs[p][0], pairs[p][1]) >> 12);
		}
		printf("\n");
	}
	/* condition code 3, with FCC0 left alone */
	{
		u64 in[2] = {ONE, TWO};
		u32 f;

		fcsr_set(1u << 23);
		__asm__ volatile("ldc1 $f2, 0(%1)\n\tldc1 $f4, 8(%1)\n\tc.lt.d $fcc3, $f2, $f4\n\t"
				 "c.eq.d $fcc5, $f2, $f4\n\tcfc1 %0, $31"
				 : "=&r"(f) : "r"(in) : "$f2", "$f4", "memory");
		printf("c.lt.d fcc3, c.eq.d fcc5: fcsr %08x\n", f);
		fcsr_set(0);
	}
}

/* Each rounding mode (the inline path's guard), then back to nearest */
static void rounding(void)
{
	u64 r;
	u32 s;

	for (u32 rm = 0; rm < 4; rm++) {
		fcsr_set(rm);
		SHOW("RM 1 / 3", r, div_d(ONE, THREE, &r));
		SHOW("RM -1 / 3", r, div_d(0xbff0000000000000ull, THREE, &r));
		SHOW("RM 1 + tiny", r, add_d(ONE, TINY, &r));
		SHOW("RM big * 2", r, mul_d(BIG, TWO, &r));
		SHOW("RM sqrt 2", r, sqrt_d(TWO, 0, &r));
		SHOW("RM single 2 / 3", s, div_s(0x40000000u, 0x40400000u, &s));
		SHOW("RM 2 + 2", r, add_d(TWO, TWO, &r));
	}
	fcsr_set(0);
	SHOW("RN again: 1 / 3", r, div_d(ONE, THREE, &r));
}

/* An FP operation in a delay slot: taken, not taken, annulled (branch likely) */
static void delay_slots(void)
{
	u64 in[2] = {ONE, TINY};
	u32 f;

	fcsr_set(0);
	__asm__ volatile(".set push\n.set noreorder\n"
			 "ldc1 $f2, 0(%1)\n\tldc1 $f4, 8(%1)\n\t"
			 "beq $zero, $zero, 1f\n\tadd.d $f0, $f2, $f4\n\tnop\n"
			 "1:\tcfc1 %0, $31\n.set pop"
			 : "=&r"(f) : "r"(in) : "$f0", "$f2", "$f4", "memory");
	printf("taken branch, inexact add in the slot: fcsr %08x\n", f);
	fcsr_set(0);
	__asm__ volatile(".set push\n.set noreorder\n"
			 "ldc1 $f2, 0(%1)\n\tldc1 $f4, 8(%1)\n\tadd.d $f6, $f2, $f2\n\t"
			 "bne $zero, $zero, 1f\n\tadd.d $f0, $f2, $f4\n"
			 "1:\tcfc1 %0, $31\n.set pop"
			 : "=&r"(f) : "r"(in) : "$f0", "$f2", "$f4", "$f6", "memory");
	printf("branch not taken, inexact add in the slot: fcsr %08x\n", f);
	fcsr_set(0);
	__asm__ volatile(".set push\n.set noreorder\n"
			 "ldc1 $f2, 0(%1)\n\tldc1 $f4, 8(%1)\n\tadd.d $f6, $f2, $f2\n\t"
			 "bnel $zero, $zero, 1f\n\tadd.d $f0, $f2, $f4\n"
			 "1:\tcfc1 %0, $31\n.set pop"
			 : "=&r"(f) : "r"(in) : "$f0", "$f2", "$f4", "$f6", "memory");
	printf("annulled slot after an exact add: fcsr %08x\n", f);
	fcsr_set(0);
	__asm__ volatile(".set push\n.set noreorder\n"
			 "ldc1 $f2, 0(%1)\n\tldc1 $f4, 8(%1)\n\tadd.d $f6, $f2, $f2\n\t"
			 "beql $zero, $zero, 1f\n\tadd.d $f0, $f2, $f4\n\tnop\n"
			 "1:\tcfc1 %0, $31\n.set pop"
			 : "=&r"(f) : "r"(in) : "$f0", "$f2", "$f4", "$f6", "memory");
	printf("branch likely taken, inexact add in the slot: fcsr %08x\n", f);
	fcsr_set(0);
	/* jr to a cfc1 in another TB */
	__asm__ volatile(".set push\n.set noreorder\n"
			 "ldc1 $f2, 0(%1)\n\tldc1 $f4, 8(%1)\n\tla $t0, 1f\n\t"
			 "jr $t0\n\tadd.d $f0, $f2, $f4\n\tnop\n\tnop\n"
			 "1:\tcfc1 %0, $31\n.set pop"
			 : "=&r"(f) : "r"(in) : "$f0", "$f2", "$f4", "t0", "memory");
	printf("jr, inexact add in the slot: fcsr %08x\n", f);
	fcsr_set(0);
}

static volatile sig_atomic_t got_sig;
static volatile u32 frame_fcsr, handler_flags;
static sigjmp_buf jb;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	got_sig = sig;
	frame_fcsr = ((ucontext_t *)uc)->uc_mcontext.fpc_csr;
	handler_flags = fcsr_get() & 0x7cu;
	(void)si;
	if (sig == SIGFPE)
		siglongjmp(jb, 1);
}

/*
 * FCSR after a syscall (a TB boundary), in a signal frame (with @frames: QEMU
 * 7.2 leaves sc_fpc_csr 0), after ctc1 and in the handler of a trap.
 */
static void state(int frames)
{
	struct sigaction sa;
	u64 in[2] = {ONE, TINY}, r;
	u32 f;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);

	fcsr_set(0);
	__asm__ volatile("ldc1 $f2, 0(%0)\n\tldc1 $f4, 8(%0)\n\tadd.d $f0, $f2, $f4"
			 : : "r"(in) : "$f0", "$f2", "$f4", "memory");
	(void)getppid();
	printf("inexact add, getppid, cfc1: fcsr %08x\n", fcsr_get());
	fcsr_set(0);
	__asm__ volatile("ldc1 $f2, 0(%0)\n\tldc1 $f4, 8(%0)\n\tsub.d $f0, $f2, $f4"
			 : : "r"(in) : "$f0", "$f2", "$f4", "memory");
	raise(SIGUSR1);
	if (frames)
		printf("inexact sub, signal: sc_fpc_csr %08x\n", frame_fcsr);

	add_d(ONE, TINY, &r);
	fcsr_set(0);
	printf("inexact add, ctc1 0: fcsr %08x\n", fcsr_get());
	add_d(ONE, TINY, &r);
	fcsr_set(3u << 2);
	printf("inexact add, ctc1 flags UI: fcsr %08x\n", fcsr_get());
	add_d(ONE, TINY, &r);
	__asm__ volatile("ctc1 %0, $28" : : "r"(2u));
	printf("inexact add, ctc1 FENR RP: fcsr %08x\n", fcsr_get());
	add_d(ONE, ONE, &r);
	__asm__ volatile("cfc1 %0, $26" : "=r"(f));
	printf("FENR RP, exact add: FEXR %08x\n", f);
	fcsr_set(0);

	/* a trapping inexact division: Cause I, and the flags do not take it */
	got_sig = 0;
	if (!sigsetjmp(jb, 1)) {
		fcsr_set(1u << 7);
		div_d(ONE, THREE, &r);
	}
	printf("enabled inexact: signal %d, flags in the handler %02x\n", got_sig, handler_flags);
	if (frames)
		printf("enabled inexact: sc_fpc_csr %08x\n", frame_fcsr);
	fcsr_set(0);
}

/* "qemu" as argument: leave out the signal frame's FCSR, which QEMU 7.2 does not save */
int main(int argc, char **argv)
{
	arith();
	compares();
	rounding();
	delay_slots();
	state(!(argc > 1 && !strcmp(argv[1], "qemu")));
	return 0;
}
