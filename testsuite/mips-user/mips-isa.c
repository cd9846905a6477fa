/*
 * MIPS32 release 2 instruction checks, run in user mode: each group prints
 * what the instructions computed, so the output can be compared with real
 * hardware or QEMU (qemu-mipsel / qemu-mips, the 24Kf CPU) and with the
 * committed mips-isa.expected. Covers the integer groups, delay slots and
 * branch-likely annulment, the unaligned loads and stores, ll/sc, the
 * release 2 bit-field instructions, HI/LO, rdhwr, and the FPU: rounding
 * modes, flags and causes, the legacy NaN encoding, conversions, compares
 * with condition codes, and the exceptions that become signals.
 * Both byte orders print the same text but for lwl/lwr.
 */
#include <fenv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef uint32_t u32;

/* ---- Integer */

#define OP2(insn, a, b) ({ u32 r_; __asm__ volatile(insn " %0, %1, %2" : "=r"(r_) : "r"(a), "r"(b)); r_; })
#define OPI(insn, a, imm) ({ u32 r_; __asm__ volatile(insn " %0, %1, " #imm : "=r"(r_) : "r"(a)); r_; })
#define OP1(insn, a) ({ u32 r_; __asm__ volatile(insn " %0, %1" : "=r"(r_) : "r"(a)); r_; })

static void test_alu(void)
{
	static const u32 v[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x12345678, 0xdeadbeef};
	u32 h = 0;

	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (unsigned j = 0; j < sizeof(v) / sizeof(v[0]); j++) {
			u32 a = v[i], b = v[j];
			u32 r[] = {
				OP2("addu", a, b), OP2("subu", a, b), OP2("and", a, b),
				OP2("or", a, b), OP2("xor", a, b), OP2("nor", a, b),
				OP2("slt", a, b), OP2("sltu", a, b), OP2("sllv", a, b),
				OP2("srlv", a, b), OP2("srav", a, b), OP2("rotrv", a, b),
				OP2("mul", a, b),
			};
			for (unsigned k = 0; k < sizeof(r) / sizeof(r[0]); k++)
				h = h * 31 + r[k];
		}
	}
	printf("alu reg-reg hash %08x\n", h);
	printf("imm: addiu %08x slti %u sltiu %u andi %08x ori %08x xori %08x lui %08x\n",
	       OPI("addiu", 0x7fffffffu, -1), OPI("slti", 0xffffffffu, 0), OPI("sltiu", 5u, -1),
	       OPI("andi", 0xffffffffu, 0x8001), OPI("ori", 0x80000000u, 0xffff),
	       OPI("xori", 0x12345678u, 0xffff), ({ u32 r_; __asm__("lui %0, 0x8765" : "=r"(r_)); r_; }));
	printf("shifts: sll %08x srl %08x sra %08x rotr %08x\n", OPI("sll", 0x80000001u, 31),
	       OPI("srl", 0x80000000u, 31), OPI("sra", 0x80000000u, 31), OPI("rotr", 0x12345678u, 12));
	printf("clz %u %u %u clo %u %u\n", OP1("clz", 0u), OP1("clz", 1u), OP1("clz", 0x80000000u),
	       OP1("clo", 0xffffffffu), OP1("clo", 0xfff0ffffu));
	printf("seb %08x seh %08x wsbh %08x\n", OP1("seb", 0x1234ff80u), OP1("seh", 0x12348000u),
	       OP1("wsbh", 0x11223344u));
	{
		u32 d = 0xffffffff, s = 0x12345678, e;
		__asm__("ext %0, %1, 4, 12" : "=r"(e) : "r"(s));
		__asm__("ins %0, %1, 8, 16" : "+r"(d) : "r"(s));
		printf("ext %08x ins %08x\n", e, d);
		__asm__("ext %0, %1, 0, 32" : "=r"(e) : "r"(0x87654321u));
		printf("ext all %08x\n", e);
	}
	{
		u32 a = 5, b = 6, c = 0, r1 = 1, r2 = 1;
		__asm__("movn %0, %1, %2" : "+r"(r1) : "r"(a), "r"(c));
		__asm__("movz %0, %1, %2" : "+r"(r2) : "r"(b), "r"(c));
		printf("movn %u movz %u\n", r1, r2);
	}
}

static void test_muldiv(void)
{
	static const u32 v[] = {0, 3, 0x7fffffff, 0x80000000, 0xffffffff, 0x12345678, 0xfedcba98};
	u32 h = 0;

	for (unsigned i = 0; i < 7; i++) {
		for (unsigned j = 0; j < 7; j++) {
			u32 a = v[i], b = v[j], hi, lo;
			__asm__("mult %2, %3\n\tmfhi %0\n\tmflo %1" : "=r"(hi), "=r"(lo) : "r"(a), "r"(b) : "hi", "lo");
			h = h * 31 + hi; h = h * 31 + lo;
			__asm__("multu %2, %3\n\tmfhi %0\n\tmflo %1" : "=r"(hi), "=r"(lo) : "r"(a), "r"(b) : "hi", "lo");
			h = h * 31 + hi; h = h * 31 + lo;
			__asm__("mthi %4\n\tmtlo %5\n\tmadd %2, %3\n\tmfhi %0\n\tmflo %1"
				: "=r"(hi), "=r"(lo) : "r"(a), "r"(b), "r"(0x11111111u), "r"(0xf0000000u) : "hi", "lo");
			h = h * 31 + hi; h = h * 31 + lo;
			__asm__("mthi %4\n\tmtlo %5\n\tmsubu %2, %3\n\tmfhi %0\n\tmflo %1"
				: "=r"(hi), "=r"(lo) : "r"(a), "r"(b), "r"(0x1u), "r"(0x2u) : "hi", "lo");
			h = h * 31 + hi; h = h * 31 + lo;
			if (b && !(a == 0x80000000 && b == 0xffffffff)) {
				__asm__("div $zero, %2, %3\n\tmfhi %0\n\tmflo %1" : "=r"(hi), "=r"(lo) : "r"(a), "r"(b) : "hi", "lo");
				h = h * 31 + hi; h = h * 31 + lo;
				__asm__("divu $zero, %2, %3\n\tmfhi %0\n\tmflo %1" : "=r"(hi), "=r"(lo) : "r"(a), "r"(b) : "hi", "lo");
				h = h * 31 + hi; h = h * 31 + lo;
			}
		}
	}
	printf("mult/div hash %08x\n", h);
}

/* ---- Branches and delay slots */

static void test_branches(void)
{
	u32 r, link, base;

	/* the delay slot runs whether or not the branch is taken */
	__asm__(".set push\n.set noreorder\n"
		"li %0, 0\n\tbeq $zero, $zero, 1f\n\taddiu %0, %0, 1\n\taddiu %0, %0, 100\n"
		"1:\tbne $zero, $zero, 2f\n\taddiu %0, %0, 10\n2:\n.set pop" : "=&r"(r));
	printf("delay slots: %u\n", r);
	/* branch-likely: the delay slot is annulled when not taken */
	__asm__(".set push\n.set noreorder\n"
		"li %0, 0\n\tbeql $zero, $zero, 1f\n\taddiu %0, %0, 1\n\taddiu %0, %0, 100\n"
		"1:\tbnel $zero, $zero, 2f\n\taddiu %0, %0, 10\n2:\n.set pop" : "=&r"(r));
	printf("branch likely: %u\n", r);
	/* bal writes ra = pc + 8; the delay slot sees the new ra */
	__asm__(".set push\n.set noreorder\n"
		"move $t0, $ra\n\tbal 1f\n\tmove %1, $ra\n1:\tmove %0, $ra\n\tmove $ra, $t0\n"
		"bal 2f\n\tnop\n2:\tmove %2, $ra\n\tmove $ra, $t0\n.set pop"
		: "=&r"(link), "=&r"(r), "=&r"(base) : : "t0");
	printf("bal: ra-in-delay-slot == ra %d, ra = pc+8 %d\n", r == link, link == base - 16);
	/* a jr whose delay slot overwrites the target register jumps to the old value */
	__asm__(".set push\n.set noreorder\n"
		"la $t1, 1f\n\tli %0, 0\n\tjr $t1\n\tmove $t1, $zero\n\tli %0, 99\n1:\taddiu %0, %0, 7\n.set pop"
		: "=&r"(r) : : "t1");
	printf("jr target read before the delay slot: %u\n", r);
	/* conditional branch on a register the delay slot changes */
	__asm__(".set push\n.set noreorder\n"
		"li $t1, 0\n\tli %0, 0\n\tbeqz $t1, 1f\n\tli $t1, 5\n\tli %0, 50\n1:\taddu %0, %0, $t1\n.set pop"
		: "=&r"(r) : : "t1");
	printf("branch condition before the delay slot: %u\n", r);
	/* bltzal: not taken, still links */
	__asm__(".set push\n.set noreorder\n"
		"move $t0, $ra\n\tli $t1, 1\n\tli %0, 0\n\tbltzal $t1, 1f\n\tnop\n\tmove %0, $ra\n1:\tmove $ra, $t0\n.set pop"
		: "=&r"(r) : : "t0", "t1");
	printf("bltzal not taken links: %d\n", r != 0);
}

/* ---- Memory */

static void test_memory(void)
{
	static const uint8_t src[12] = {0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
					0x98, 0xa9, 0xba, 0xcb};
	uint8_t buf[12];
	u32 h = 0;

	/* the classic unaligned load: lwl at addr+3/addr and lwr at addr/addr+3 */
	for (unsigned off = 0; off < 8; off++) {
		u32 l = 0x11111111, r = 0x22222222, w = 0x33333333;
		__asm__("lwl %0, 0(%1)" : "+r"(l) : "r"(src + off));
		__asm__("lwr %0, 0(%1)" : "+r"(r) : "r"(src + off));
#ifdef __MIPSEB__
		__asm__("lwl %0, 0(%1)\n\tlwr %0, 3(%1)" : "+r"(w) : "r"(src + off));
#else
		__asm__("lwl %0, 3(%1)\n\tlwr %0, 0(%1)" : "+r"(w) : "r"(src + off));
#endif
		printf("off %u: lwl %08x lwr %08x word %08x\n", off, l, r, w);
	}
	for (unsigned off = 0; off < 8; off++) {
		memcpy(buf, src, sizeof(buf));
		__asm__ volatile("swl %0, 0(%1)" : : "r"(0xa1b2c3d4u), "r"(buf + off) : "memory");
		for (unsigned i = 0; i < 12; i++)
			h = h * 31 + buf[i];
		memcpy(buf, src, sizeof(buf));
		__asm__ volatile("swr %0, 0(%1)" : : "r"(0xa1b2c3d4u), "r"(buf + off) : "memory");
		for (unsigned i = 0; i < 12; i++)
			h = h * 31 + buf[i];
	}
	printf("swl/swr hash %08x\n", h);
	{
		int8_t sb = -3;
		int16_t sh = -300;
		u32 b, bu, hh, hu;
		__asm__("lb %0, 0(%1)" : "=r"(b) : "r"(&sb));
		__asm__("lbu %0, 0(%1)" : "=r"(bu) : "r"(&sb));
		__asm__("lh %0, 0(%1)" : "=r"(hh) : "r"(&sh));
		__asm__("lhu %0, 0(%1)" : "=r"(hu) : "r"(&sh));
		printf("lb %08x lbu %08x lh %08x lhu %08x\n", b, bu, hh, hu);
	}
	{
		u32 word = 40, ok1, ok2, v;
		__asm__ volatile("ll %1, 0(%3)\n\taddiu %1, %1, 2\n\tsc %1, 0(%3)\n\tmove %0, %1"
				 : "=r"(ok1), "=&r"(v), "+m"(word) : "r"(&word) : "memory");
		/* an sc without a matching ll fails */
		__asm__ volatile("ll %1, 0(%3)\n\tsw %1, 0(%3)\n\tsc %1, 4(%3)\n\tmove %0, %1"
				 : "=r"(ok2), "=&r"(v), "+m"(word) : "r"(&word) : "memory");
		printf("ll/sc: first %u value %u, other address %u\n", ok1, word, ok2);
	}
}

/* ---- rdhwr */

static void test_rdhwr(void)
{
	u32 tls, step;
	void *tp = __builtin_thread_pointer();

	__asm__(".set push\n.set mips32r2\nrdhwr %0, $29\n.set pop" : "=r"(tls));
	__asm__(".set push\n.set mips32r2\nrdhwr %0, $1\n.set pop" : "=r"(step));
	printf("rdhwr $29 == thread pointer: %d, synci step non-zero: %d\n", tls == (u32)tp, step != 0);
}

/* ---- FPU */

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

static u32 f2u(float f)
{
	u32 u;

	memcpy(&u, &f, 4);
	return u;
}

static float u2f(u32 u)
{
	float f;

	memcpy(&f, &u, 4);
	return f;
}

static uint64_t d2u(double d)
{
	uint64_t u;

	memcpy(&u, &d, 8);
	return u;
}

static double u2d(uint64_t u)
{
	double d;

	memcpy(&d, &u, 8);
	return d;
}

static void test_fpu_rounding(void)
{
	static const char *const names[4] = {"RN", "RZ", "RP", "RM"};
	volatile double a = 1.0, b = 3.0, m = -1.0;
	volatile float fa = 2.0f, fb = 3.0f;

	for (u32 rm = 0; rm < 4; rm++) {
		volatile double q, nq;
		volatile float fq;
		u32 cause;

		fcsr_set(rm);
		q = a / b;
		nq = m / b;
		fq = fa / fb;
		cause = fcsr_get();
		printf("%s: 1/3 %016llx -1/3 %016llx 2f/3f %08x fcsr %08x\n", names[rm],
		       (unsigned long long)d2u(q), (unsigned long long)d2u(nq), f2u(fq), cause);
	}
	fcsr_set(0);
	{
		volatile double vals[] = {2.5, -2.5, 3.5, -0.5, 1e10, -1e10, 0.0 / 0.0 * 0 + 1.5};
		for (unsigned i = 0; i < 7; i++) {
			double v = vals[i];
			int32_t rw, tw, cw, fw, cv;
			int64_t rl;
			double rld;
			__asm__("round.w.d %0, %1" : "=f"(rw) : "f"(v));
			__asm__("trunc.w.d %0, %1" : "=f"(tw) : "f"(v));
			__asm__("ceil.w.d %0, %1" : "=f"(cw) : "f"(v));
			__asm__("floor.w.d %0, %1" : "=f"(fw) : "f"(v));
			__asm__("cvt.w.d %0, %1" : "=f"(cv) : "f"(v));
			__asm__("round.l.d %0, %1" : "=f"(rld) : "f"(v));
			memcpy(&rl, &rld, 8);
			printf("%g: round %d trunc %d ceil %d floor %d cvt %d round.l %lld fcsr %08x\n",
			       v, rw, tw, cw, fw, cv, (long long)rl, fcsr_get());
			fcsr_set(0);
		}
	}
}

static void test_fpu_nan(void)
{
	volatile double one = 1.0, zero = 0.0, inf = 1.0 / zero;
	volatile double qnan = u2d(0x7ff0000000000001ull);  /* quiet in the legacy encoding */
	volatile double snan = u2d(0x7ff8000000000000ull);  /* signalling in the legacy encoding */
	volatile float fqnan = u2f(0x7f800001u), fsnan = u2f(0x7fc00000u);
	volatile double r;
	volatile float fr;

	fcsr_set(0);
	r = zero / zero;
	{ u32 f_ = fcsr_get(); printf("0/0 = %016llx fcsr %08x\n", (unsigned long long)d2u(r), f_); }
	fcsr_set(0);
	r = inf - inf;
	{ u32 f_ = fcsr_get(); printf("inf-inf = %016llx fcsr %08x\n", (unsigned long long)d2u(r), f_); }
	fcsr_set(0);
	r = qnan + one;
	{ u32 f_ = fcsr_get(); printf("qNaN+1 = %016llx fcsr %08x\n", (unsigned long long)d2u(r), f_); }
	fcsr_set(0);
	r = snan + one;
	{ u32 f_ = fcsr_get(); printf("sNaN+1 = %016llx fcsr %08x\n", (unsigned long long)d2u(r), f_); }
	fcsr_set(0);
	fr = fqnan * 2.0f;
	{ u32 f_ = fcsr_get(); printf("float qNaN*2 = %08x fcsr %08x\n", f2u(fr), f_); }
	fcsr_set(0);
	fr = fsnan * 2.0f;
	{ u32 f_ = fcsr_get(); printf("float sNaN*2 = %08x fcsr %08x\n", f2u(fr), f_); }
	fcsr_set(0);
	fr = (float)snan;
	{ u32 f_ = fcsr_get(); printf("cvt.s.d sNaN = %08x fcsr %08x\n", f2u(fr), f_); }
	fcsr_set(0);
	r = (double)fqnan;
	{ u32 f_ = fcsr_get(); printf("cvt.d.s qNaN = %016llx fcsr %08x\n", (unsigned long long)d2u(r), f_); }
	fcsr_set(0);
	{
		int32_t w;
		__asm__ volatile("cvt.w.d %0, %1" : "=f"(w) : "f"(snan));
		{ u32 f_ = fcsr_get(); printf("cvt.w.d NaN = %08x fcsr %08x\n", (u32)w, f_); }
		fcsr_set(0);
		__asm__ volatile("trunc.w.d %0, %1" : "=f"(w) : "f"(-1e20));
		{ u32 f_ = fcsr_get(); printf("trunc.w.d -1e20 = %08x fcsr %08x\n", (u32)w, f_); }
		fcsr_set(0);
	}
	r = -qnan;
	{ u32 f_ = fcsr_get(); printf("neg qNaN = %016llx fcsr %08x\n", (unsigned long long)d2u(r), f_); }
	fcsr_set(0);
	{
		volatile double tiny = u2d(0x0010000000000000ull), big = 1e308;
		r = tiny / 3.0;
		{ u32 f_ = fcsr_get(); printf("tiny/3 = %016llx fcsr %08x\n", (unsigned long long)d2u(r), f_); }
		fcsr_set(0);
		r = big * 10.0;
		{ u32 f_ = fcsr_get(); printf("1e308*10 = %016llx fcsr %08x\n", (unsigned long long)d2u(r), f_); }
		fcsr_set(0);
	}
}

static void test_fpu_misc(void)
{
	volatile double a = 1.5, b = 2.5, c = -0.25, nan = u2d(0x7ff0000000000001ull);
	double r;
	u32 fcc, t;

	__asm__("madd.d %0, %3, %1, %2" : "=f"(r) : "f"(a), "f"(b), "f"(c));
	printf("madd.d %016llx\n", (unsigned long long)d2u(r));
	__asm__("nmsub.d %0, %3, %1, %2" : "=f"(r) : "f"(a), "f"(b), "f"(c));
	printf("nmsub.d %016llx\n", (unsigned long long)d2u(r));
	fcsr_set(0);
	/* 16 conditions on (1.5, 2.5), (2.5, 1.5), (1.5, 1.5), (NaN, 1.5) into $fcc0..3 */
	for (unsigned cond = 0; cond < 16; cond++) {
		fcsr_set(0);
#define CMP(cc, x, y) __asm__ volatile("c." #cc ".d $fcc0, %0, %1\n\t" : : "f"(x), "f"(y))
		switch (cond) {
		case 0: __asm__ volatile("c.f.d $fcc1, %0, %1\n\tc.f.d $fcc2, %1, %0\n\tc.f.d $fcc3, %0, %0\n\tc.f.d $fcc4, %2, %0" : : "f"(a), "f"(b), "f"(nan)); break;
		case 1: __asm__ volatile("c.un.d $fcc1, %0, %1\n\tc.un.d $fcc2, %1, %0\n\tc.un.d $fcc3, %0, %0\n\tc.un.d $fcc4, %2, %0" : : "f"(a), "f"(b), "f"(nan)); break;
		case 2: __asm__ volatile("c.eq.d $fcc1, %0, %1\n\tc.eq.d $fcc2, %1, %0\n\tc.eq.d $fcc3, %0, %0\n\tc.eq.d $fcc4, %2, %0" : : "f"(a), "f"(b), "f"(nan)); break;
		case 3: __asm__ volatile("c.ueq.d $fcc1, %0, %1\n\tc.ueq.d $fcc2, %1, %0\n\tc.ueq.d $fcc3, %0, %0\n\tc.ueq.d $fcc4, %2, %0" : : "f"(a), "f"(b), "f"(nan)); break;
		case 4: __asm__ volatile("c.olt.d $fcc1, %0, %1\n\tc.olt.d $fcc2, %1, %0\n\tc.olt.d $fcc3, %0, %0\n\tc.olt.d $fcc4, %2, %0" : : "f"(a), "f"(b), "f"(nan)); break;
		case 5: __asm__ volatile("c.ult.d $fcc1, %0, %1\n\tc.ult.d $fcc2, %1, %0\n\tc.ult.d $fcc3, %0, %0\n\tc.ult.d $fcc4, %2, %0" : : "f"(a), "f"(b), "f"(nan)); break;
		case 6: __asm__ volatile("c.ole.d $fcc1, %0, %1\n\tc.ole.d $fcc2, %1, %0\n\tc.ole.d $fcc3, %0, %0\n\tc.ole.d $fcc4, %2, %0" : : "f"(a), "f"(b), "f"(nan)); break;
		case 7: __asm__ volatile("c.ule.d $fcc1, %0, %1\n\tc.ule.d $fcc2, %1, %0\n\tc.ule.d $fcc3, %0, %0\n\tc.ule.d $fcc4, %2, %0" : : "f"(a), "f"(b), "f"(nan)); break;
		case 8: __asm__ volatile("c.sf.d $fcc1, %0, %1\n\tc.sf.d $fcc2, %1, %0\n\tc.sf.d $fcc3, %0, %0\n\tc.sf.d $fcc4, %2, %0" : : "f"(a), "f"(b), "f"(nan)); break;
		case 9: __asm__ volatile("c.ngle.d $fcc1, %0, %1\n\tc.ngle.d $fcc2, %1, %0\n\tc.ngle.d $fcc3, %0, %0\n\tc.ngle.d $fcc4, %2, %0" : : "f"(a), "f"(b), "f"(nan)); break;
		case 10: __asm__ volatile("c.seq.d $fcc1, %0, %1\n\tc.seq.d $fcc2, %1, %0\n\tc.seq.d $fcc3, %0, %0\n\tc.seq.d $fcc4, %2, %0" : : "f"(a), "f"(b), "f"(nan)); break;
		case 11: __asm__ volatile("c.ngl.d $fcc1, %0, %1\n\tc.ngl.d $fcc2, %1, %0\n\tc.ngl.d $fcc3, %0, %0\n\tc.ngl.d $fcc4, %2, %0" : : "f"(a), "f"(b), "f"(nan)); break;
		case 12: __asm__ volatile("c.lt.d $fcc1, %0, %1\n\tc.lt.d $fcc2, %1, %0\n\tc.lt.d $fcc3, %0, %0\n\tc.lt.d $fcc4, %2, %0" : : "f"(a), "f"(b), "f"(nan)); break;
		case 13: __asm__ volatile("c.nge.d $fcc1, %0, %1\n\tc.nge.d $fcc2, %1, %0\n\tc.nge.d $fcc3, %0, %0\n\tc.nge.d $fcc4, %2, %0" : : "f"(a), "f"(b), "f"(nan)); break;
		case 14: __asm__ volatile("c.le.d $fcc1, %0, %1\n\tc.le.d $fcc2, %1, %0\n\tc.le.d $fcc3, %0, %0\n\tc.le.d $fcc4, %2, %0" : : "f"(a), "f"(b), "f"(nan)); break;
		default: __asm__ volatile("c.ngt.d $fcc1, %0, %1\n\tc.ngt.d $fcc2, %1, %0\n\tc.ngt.d $fcc3, %0, %0\n\tc.ngt.d $fcc4, %2, %0" : : "f"(a), "f"(b), "f"(nan)); break;
		}
		__asm__ volatile("cfc1 %0, $25" : "=r"(fcc));
		{ u32 f_ = fcsr_get(); printf("cond %2u: fccr %02x fcsr %08x\n", cond, fcc, f_); }
	}
	fcsr_set(0);
	__asm__ volatile("c.lt.d $fcc3, %1, %2\n\tli %0, 0\n\tmovt %0, %3, $fcc3" : "=&r"(t) : "f"(a), "f"(b), "r"(7u));
	printf("movt on fcc3: %u\n", t);
	__asm__ volatile(".set push\n.set noreorder\n"
			 "c.lt.d $fcc5, %2, %1\n\tli %0, 1\n\tbc1f $fcc5, 1f\n\taddiu %0, %0, 10\n\tli %0, 99\n1:\n.set pop"
			 : "=&r"(t) : "f"(a), "f"(b));
	printf("bc1f taken with delay slot: %u\n", t);
	__asm__ volatile(".set push\n.set noreorder\n"
			 "c.lt.d %2, %1\n\tli %0, 1\n\tbc1tl 1f\n\taddiu %0, %0, 10\n\tli %0, 99\n1:\n.set pop"
			 : "=&r"(t) : "f"(a), "f"(b));
	printf("bc1tl not taken annuls the delay slot: %u\n", t);
	{
		volatile float s = 3.0f;
		double d = 0;
		u32 hi, lo;
		/* mtc1/mthc1 build a double; mfc1/mfhc1 split one */
		__asm__ volatile("mtc1 %2, $f2\n\tmthc1 %3, $f2\n\tmov.d %0, $f2\n\tmfc1 %1, $f2"
				 : "=f"(d), "=r"(lo) : "r"(0x54442d18u), "r"(0x400921fbu) : "$f2", "$f3");
		__asm__ volatile("mfhc1 %0, %1" : "=r"(hi) : "f"(d));
		printf("pi from halves %.15g lo %08x hi %08x\n", d, lo, hi);
		__asm__ volatile("sqrt.s %0, %0" : "+f"(s));
		printf("sqrt.s(3) %08x recip.d(4) %016llx\n", f2u(s),
		       (unsigned long long)d2u(({ double x = 4.0, y; __asm__("recip.d %0, %1" : "=f"(y) : "f"(x)); y; })));
	}
	fcsr_set(0);
}

/* ---- Code written at run time: cacheflush (via __builtin___clear_cache) makes it visible */

static void test_smc(void)
{
	u32 *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	u32 (*fn)(void) = (u32 (*)(void))code;
	u32 a, b;

	if (code == MAP_FAILED) {
		printf("smc: mmap failed\n");
		return;
	}
	code[0] = 0x03e00008;            /* jr ra */
	code[1] = 0x24020000 | 11;       /* addiu v0, zero, 11 (delay slot) */
	__builtin___clear_cache((char *)code, (char *)(code + 2));
	a = fn();
	code[1] = 0x24020000 | 22;
	__builtin___clear_cache((char *)code, (char *)(code + 2));
	b = fn();
	printf("smc: %u then %u\n", a, b);
	munmap(code, 4096);
}

/* ---- Exceptions as signals */

static sigjmp_buf jb;
static volatile int got_sig, got_code;
static volatile u32 got_pc;
static volatile void *got_addr;

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	got_pc = (u32)uc->uc_mcontext.pc;
	siglongjmp(jb, 1);
}

static u32 label_pc;

static void test_signals(bool linux_codes)
{
	static const int sigs[] = {SIGFPE, SIGTRAP, SIGSEGV, SIGILL, SIGBUS};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);

	if (linux_codes) {
		if (!sigsetjmp(jb, 1))
			__asm__ volatile("teq $zero, $zero, 7");
		printf("teq code 7: signal %d code %d\n", got_sig, got_code);
	}
	if (!sigsetjmp(jb, 1))
		__asm__ volatile("teq $zero, $zero, 0x55");
	printf("teq code 0x55: signal %d code %d\n", got_sig, got_code);
	if (!sigsetjmp(jb, 1))
		__asm__ volatile("tlti $zero, 1");
	printf("tlti: signal %d\n", got_sig);
	if (linux_codes) {
		if (!sigsetjmp(jb, 1))
			__asm__ volatile("break 7");
		printf("break 7: signal %d code %d\n", got_sig, got_code);
	}
	if (!sigsetjmp(jb, 1)) {
		u32 x = 0x7fffffff;
		__asm__ volatile("add %0, %0, %0" : "+r"(x));
	}
	printf("add overflow: signal %d code %d\n", got_sig, got_code);
	/* a fault in a delay slot reports the branch's pc */
	got_pc = 0;
	if (!sigsetjmp(jb, 1)) {
		__asm__ volatile(".set push\n.set noreorder\n"
				 "la $t0, 1f\n\tsw $t0, %0\n"
				 "1:\tbeq $zero, $zero, 2f\n\tlw $t0, 0($zero)\n2:\n.set pop"
				 : "=m"(label_pc) : : "t0", "memory");
	}
	printf("fault in a delay slot: signal %d at the branch %d, si_addr %p\n", got_sig,
	       got_pc == label_pc, (void *)got_addr);
	if (!sigsetjmp(jb, 1))
		__asm__ volatile(".word 0x7c00003f"); /* reserved (SPECIAL3 function 0x3f) */
	printf("reserved instruction: signal %d\n", got_sig);
	/* an enabled FP exception traps: division by zero with the Z enable */
	if (!sigsetjmp(jb, 1)) {
		volatile double one = 1.0, zero = 0.0, r;
		fcsr_set(1u << 10);
		r = one / zero;
		(void)r;
	}
	printf("enabled divide by zero: signal %d code %d fcsr cause %02x\n", got_sig, got_code,
	       (fcsr_get() >> 12) & 0x3f);
	fcsr_set(0);
}

/*
 * "qemu" as argument: leave out what QEMU 7.2's linux-user gets wrong (break
 * and trap codes 6 and 7 become SIGFPE in Linux, arch/mips/kernel/traps.c
 * do_trap_or_bp(), and SIGTRAP there), so the rest can be compared with it.
 */
int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_alu();
	test_muldiv();
	test_branches();
	test_memory();
	test_rdhwr();
	test_fpu_rounding();
	test_fpu_nan();
	test_fpu_misc();
	test_smc();
	test_signals(!(argc > 1 && !strcmp(argv[1], "qemu")));
	return 0;
}
