/*
 * The C extension on RV64 (unprivileged spec chapter 16): every RV64C
 * integer and double-precision instruction, each run next to its 32-bit
 * expansion (the table in 16.8 and the per-instruction text) on the same
 * inputs, both checked against the value the spec gives. Immediates at the
 * ends of their ranges, the 3-bit register fields (x8-x15, f8-f15), the
 * sp-relative forms, c.jalr's link of pc + 2, and instruction fetch of
 * 32-bit instructions at 2 mod 4 and across a page boundary.
 * c.ebreak is tested in int-ebreak.c (it raises SIGTRAP).
 * Exits with the number of the first failing check.
 */
#include "int-check.h"

#define MIN64 0x8000000000000000ull
#define ALL 0xffffffffffffffffull

/*
 * a0 = in; insn; out = a0 -- once with the compressed form (assembled as
 * written: a c.* mnemonic is always 16-bit) and once with its expansion
 * assembled without RVC.
 */
#define C1(cform, xform, in, want, what)                                                           \
	do {                                                                                       \
		u64 c_, x_;                                                                        \
		__asm__ volatile("mv a0, %1\n\t" cform "\n\tmv %0, a0"                             \
				 : "=r"(c_)                                                        \
				 : "r"((u64)(in))                                                  \
				 : "a0");                                                          \
		__asm__ volatile(NORVC("mv a0, %1\n\t" xform "\n\tmv %0, a0")                      \
				 : "=r"(x_)                                                        \
				 : "r"((u64)(in))                                                  \
				 : "a0");                                                          \
		check(c_, want, what);                                                             \
		check(x_, want, what " (32-bit expansion)");                                       \
	} while (0)

/* a0 = a, a1 = b; insn; out = a0 */
#define C2(cform, xform, a, b, want, what)                                                         \
	do {                                                                                       \
		u64 c_, x_;                                                                        \
		__asm__ volatile("mv a0, %1\n\tmv a1, %2\n\t" cform "\n\tmv %0, a0"                \
				 : "=r"(c_)                                                        \
				 : "r"((u64)(a)), "r"((u64)(b))                                    \
				 : "a0", "a1");                                                    \
		__asm__ volatile(NORVC("mv a0, %1\n\tmv a1, %2\n\t" xform "\n\tmv %0, a0")         \
				 : "=r"(x_)                                                        \
				 : "r"((u64)(a)), "r"((u64)(b))                                    \
				 : "a0", "a1");                                                    \
		check(c_, want, what);                                                             \
		check(x_, want, what " (32-bit expansion)");                                       \
	} while (0)

static void test_ci(void)
{
	C1("c.addi a0, 31", "addi a0, a0, 31", 100, 131, "c.addi 31");
	C1("c.addi a0, -32", "addi a0, a0, -32", 100, 68, "c.addi -32");
	C1("c.addi a0, -1", "addi a0, a0, -1", 0, ALL, "c.addi -1 from 0");
	C1("c.nop", "addi x0, x0, 0", 0x1234, 0x1234, "c.nop");
	C1("c.addiw a0, 1", "addiw a0, a0, 1", 0x7fffffff, 0xffffffff80000000ull,
	   "c.addiw overflow");
	C1("c.addiw a0, 0", "addiw a0, a0, 0", 0x123456789abcdef0ull, 0xffffffff9abcdef0ull,
	   "c.addiw 0 (sext.w)");
	C1("c.addiw a0, -32", "addiw a0, a0, -32", 0x100000000ull, 0xffffffffffffffe0ull,
	   "c.addiw -32");
	C1("c.li a0, -32", "addi a0, x0, -32", 5, 0xffffffffffffffe0ull, "c.li -32");
	C1("c.li a0, 31", "addi a0, x0, 31", 5, 31, "c.li 31");
	C1("c.li a0, 0", "addi a0, x0, 0", 5, 0, "c.li 0");
	C1("c.lui a0, 1", "lui a0, 1", 5, 0x1000, "c.lui 1");
	C1("c.lui a0, 0x1f", "lui a0, 0x1f", 5, 0x1f000, "c.lui 0x1f");
	C1("c.lui a0, 0xfffe0", "lui a0, 0xfffe0", 5, 0xfffffffffffe0000ull, "c.lui -32");
	C1("c.lui a0, 0xfffff", "lui a0, 0xfffff", 5, 0xfffffffffffff000ull, "c.lui -1");
	C1("c.slli a0, 1", "slli a0, a0, 1", 0xc000000000000001ull, 0x8000000000000002ull,
	   "c.slli 1");
	C1("c.slli a0, 63", "slli a0, a0, 63", 3, MIN64, "c.slli 63");
	C1("c.slli a0, 32", "slli a0, a0, 32", 0x12345678ffffffffull, 0xffffffff00000000ull,
	   "c.slli 32");
	C1("c.srli a0, 1", "srli a0, a0, 1", ALL, 0x7fffffffffffffffull, "c.srli 1");
	C1("c.srli a0, 63", "srli a0, a0, 63", MIN64, 1, "c.srli 63");
	C1("c.srli a0, 32", "srli a0, a0, 32", 0x8765432112345678ull, 0x87654321ull, "c.srli 32");
	C1("c.srai a0, 1", "srai a0, a0, 1", MIN64, 0xc000000000000000ull, "c.srai 1");
	C1("c.srai a0, 63", "srai a0, a0, 63", MIN64, ALL, "c.srai 63");
	C1("c.srai a0, 32", "srai a0, a0, 32", 0x8765432112345678ull, 0xffffffff87654321ull,
	   "c.srai 32");
	C1("c.andi a0, -32", "andi a0, a0, -32", ALL, 0xffffffffffffffe0ull, "c.andi -32");
	C1("c.andi a0, 31", "andi a0, a0, 31", ALL, 31, "c.andi 31");
	C1("c.andi a0, -1", "andi a0, a0, -1", 0x8000000000000001ull, 0x8000000000000001ull,
	   "c.andi -1");
	C1("c.andi a0, 0", "andi a0, a0, 0", ALL, 0, "c.andi 0");
	/* the full-register forms on registers outside x8-x15 */
	{
		u64 c_, x_;

		__asm__ volatile("mv t3, %1\n\tc.addi t3, -7\n\tc.slli t3, 4\n\tmv %0, t3"
				 : "=r"(c_)
				 : "r"(100ull)
				 : "t3");
		__asm__ volatile(NORVC("mv t3, %1\n\taddi t3, t3, -7\n\tslli t3, t3, 4\n\t"
				       "mv %0, t3")
				 : "=r"(x_)
				 : "r"(100ull)
				 : "t3");
		check(c_, 93 << 4, "c.addi/c.slli on t3");
		check(x_, 93 << 4, "c.addi/c.slli on t3 (32-bit expansion)");
	}
}

static void test_cr_ca(void)
{
	C2("c.mv a0, a1", "add a0, x0, a1", 1, 0xfedcba9876543210ull, 0xfedcba9876543210ull,
	   "c.mv");
	C2("c.add a0, a1", "add a0, a0, a1", ALL, 2, 1, "c.add");
	C2("c.add a0, a1", "add a0, a0, a1", 0x7fffffffffffffffull, 1, MIN64, "c.add wraps");
	C2("c.sub a0, a1", "sub a0, a0, a1", 0, 1, ALL, "c.sub");
	C2("c.xor a0, a1", "xor a0, a0, a1", 0xff00ff00ull, 0x0ff00ff0ull, 0xf0f0f0f0ull, "c.xor");
	C2("c.or a0, a1", "or a0, a0, a1", 0xff00ff00ull, 0x0ff00ff0ull, 0xfff0fff0ull, "c.or");
	C2("c.and a0, a1", "and a0, a0, a1", 0xff00ff00ull, 0x0ff00ff0ull, 0x0f000f00ull, "c.and");
	C2("c.addw a0, a1", "addw a0, a0, a1", 0x7fffffff, 1, 0xffffffff80000000ull,
	   "c.addw overflow");
	C2("c.addw a0, a1", "addw a0, a0, a1", 0x100000001ull, 0x200000002ull, 3,
	   "c.addw ignores upper halves");
	C2("c.subw a0, a1", "subw a0, a0, a1", 0, 1, ALL, "c.subw");
	C2("c.subw a0, a1", "subw a0, a0, a1", 0x80000000ull, 1, 0x7fffffff,
	   "c.subw INT32_MIN - 1");
	/* c.mv/c.add with any registers */
	{
		u64 c_, x_;

		__asm__ volatile("mv t4, %1\n\tc.mv t5, t4\n\tc.add t5, t4\n\tc.add t5, t5\n\t"
				 "mv %0, t5"
				 : "=r"(c_)
				 : "r"(3ull)
				 : "t4", "t5");
		__asm__ volatile(NORVC("mv t4, %1\n\tadd t5, x0, t4\n\tadd t5, t5, t4\n\t"
				       "add t5, t5, t5\n\tmv %0, t5")
				 : "=r"(x_)
				 : "r"(3ull)
				 : "t4", "t5");
		check(c_, 12, "c.mv/c.add on t4, t5");
		check(x_, 12, "c.mv/c.add on t4, t5 (32-bit expansion)");
	}
}

static u64 mem[64] __attribute__((aligned(16)));

static void test_loads_stores(void)
{
	u64 c_, x_;

	/* x8-x15 base: a1 = mem */
	mem[0] = 0x000000007fff0001ull;
	mem[15] = 0x8765432100000000ull;
	mem[31] = 0xfedcba9876543210ull;
	C2("c.lw a0, 0(a1)", "lw a0, 0(a1)", 0, mem, 0x7fff0001, "c.lw 0");
	C2("c.lw a0, 124(a1)", "lw a0, 124(a1)", 0, mem, 0xffffffff87654321ull,
	   "c.lw 124 sign-extends");
	C2("c.ld a0, 0(a1)", "ld a0, 0(a1)", 0, mem, 0x000000007fff0001ull, "c.ld 0");
	C2("c.ld a0, 248(a1)", "ld a0, 248(a1)", 0, mem, 0xfedcba9876543210ull, "c.ld 248");
	/* rd == base */
	C1("c.ld a0, 248(a0)", "ld a0, 248(a0)", mem, 0xfedcba9876543210ull, "c.ld rd == rs1");

	__asm__ volatile("mv a0, %0\n\tmv a1, %1\n\t"
			 "c.sw a0, 124(a1)\n\tc.sd a0, 248(a1)\n\tc.sw a0, 0(a1)"
			 :
			 : "r"(0x1122334455667788ull), "r"(mem)
			 : "a0", "a1", "memory");
	check(mem[15], 0x5566778800000000ull, "c.sw 124");
	check(mem[31], 0x1122334455667788ull, "c.sd 248");
	check(mem[0], 0x0000000055667788ull, "c.sw 0");
	__asm__ volatile(NORVC("mv a0, %0\n\tmv a1, %1\n\t"
			       "sw a0, 124(a1)\n\tsd a0, 248(a1)\n\tsw a0, 0(a1)")
			 :
			 : "r"(0xa1a2a3a4a5a6a7a8ull), "r"(mem)
			 : "a0", "a1", "memory");
	check(mem[15], 0xa5a6a7a800000000ull, "sw 124 (32-bit expansion)");
	check(mem[31], 0xa1a2a3a4a5a6a7a8ull, "sd 248 (32-bit expansion)");
	check(mem[0], 0x00000000a5a6a7a8ull, "sw 0 (32-bit expansion)");

	/* f8-f15: c.fld/c.fsd move raw bits */
	mem[31] = 0x7ff0000000000001ull; /* a signalling NaN: no conversion */
	__asm__ volatile("mv a1, %1\n\tc.fld fa0, 248(a1)\n\tc.fsd fa0, 8(a1)\n\t"
			 "fmv.x.d %0, fa0"
			 : "=r"(c_)
			 : "r"(mem)
			 : "a1", "fa0", "memory");
	check(c_, 0x7ff0000000000001ull, "c.fld 248");
	check(mem[1], 0x7ff0000000000001ull, "c.fsd 8");
	mem[2] = 0;
	__asm__ volatile(NORVC("mv a1, %1\n\tfld fa1, 248(a1)\n\tfsd fa1, 16(a1)\n\t"
			       "fmv.x.d %0, fa1")
			 : "=r"(x_)
			 : "r"(mem)
			 : "a1", "fa1", "memory");
	check(x_, 0x7ff0000000000001ull, "fld 248 (32-bit expansion)");
	check(mem[2], 0x7ff0000000000001ull, "fsd 16 (32-bit expansion)");
}

/*
 * The sp-relative forms: make a 512-byte frame, work in it, drop it. The
 * asm saves nothing else, so it must not be interrupted by a call.
 */
static void test_sp(void)
{
	u64 r[6];

	__asm__ volatile("addi sp, sp, -512\n\t"
			 "c.sdsp %[v], 504(sp)\n\t"
			 "c.swsp %[v], 252(sp)\n\t"
			 "c.sdsp %[w], 0(sp)\n\t"
			 "c.swsp %[w], 8(sp)\n\t"
			 "ld %[r0], 504(sp)\n\t"
			 "lwu %[r1], 252(sp)\n\t"
			 "ld %[r2], 0(sp)\n\t"
			 "c.ldsp %[r3], 504(sp)\n\t"
			 "c.lwsp %[r4], 252(sp)\n\t"
			 "c.lwsp %[r5], 0(sp)\n\t"
			 "addi sp, sp, 512"
			 : [r0] "=&r"(r[0]), [r1] "=&r"(r[1]), [r2] "=&r"(r[2]), [r3] "=&r"(r[3]),
			   [r4] "=&r"(r[4]), [r5] "=&r"(r[5])
			 : [v] "r"(0x89abcdef01234567ull), [w] "r"(0x00000000fffffffeull)
			 : "memory");
	check(r[0], 0x89abcdef01234567ull, "c.sdsp 504");
	check(r[1], 0x01234567, "c.swsp 252");
	check(r[2], 0x00000000fffffffeull, "c.sdsp 0");
	check(r[3], 0x89abcdef01234567ull, "c.ldsp 504");
	check(r[4], 0x01234567, "c.lwsp 252");
	check(r[5], 0xfffffffffffffffeull, "c.lwsp 0 sign-extends");

	__asm__ volatile(NORVC("addi sp, sp, -512\n\t"
			       "sd %[v], 504(sp)\n\t"
			       "sw %[v], 252(sp)\n\t"
			       "sd %[w], 0(sp)\n\t"
			       "ld %[r0], 504(sp)\n\t"
			       "lwu %[r1], 252(sp)\n\t"
			       "ld %[r2], 0(sp)\n\t"
			       "ld %[r3], 504(sp)\n\t"
			       "lw %[r4], 252(sp)\n\t"
			       "lw %[r5], 0(sp)\n\t"
			       "addi sp, sp, 512")
			 : [r0] "=&r"(r[0]), [r1] "=&r"(r[1]), [r2] "=&r"(r[2]), [r3] "=&r"(r[3]),
			   [r4] "=&r"(r[4]), [r5] "=&r"(r[5])
			 : [v] "r"(0x89abcdef01234567ull), [w] "r"(0x00000000fffffffeull)
			 : "memory");
	check(r[0], 0x89abcdef01234567ull, "sd 504(sp) (32-bit expansion)");
	check(r[1], 0x01234567, "sw 252(sp) (32-bit expansion)");
	check(r[2], 0x00000000fffffffeull, "sd 0(sp) (32-bit expansion)");
	check(r[3], 0x89abcdef01234567ull, "ld 504(sp) (32-bit expansion)");
	check(r[4], 0x01234567, "lw 252(sp) (32-bit expansion)");
	check(r[5], 0xfffffffffffffffeull, "lw 0(sp) (32-bit expansion)");

	/* c.fldsp / c.fsdsp */
	__asm__ volatile("addi sp, sp, -512\n\t"
			 "sd %[v], 504(sp)\n\t"
			 "c.fldsp fa0, 504(sp)\n\t"
			 "c.fsdsp fa0, 0(sp)\n\t"
			 "fmv.x.d %[r0], fa0\n\t"
			 "ld %[r1], 0(sp)\n\t"
			 "addi sp, sp, 512"
			 : [r0] "=&r"(r[0]), [r1] "=&r"(r[1])
			 : [v] "r"(0xfff0000000000001ull)
			 : "fa0", "memory");
	check(r[0], 0xfff0000000000001ull, "c.fldsp 504");
	check(r[1], 0xfff0000000000001ull, "c.fsdsp 0");
	__asm__ volatile(NORVC("addi sp, sp, -512\n\t"
			       "sd %[v], 504(sp)\n\t"
			       "fld fa0, 504(sp)\n\t"
			       "fsd fa0, 0(sp)\n\t"
			       "fmv.x.d %[r0], fa0\n\t"
			       "ld %[r1], 0(sp)\n\t"
			       "addi sp, sp, 512")
			 : [r0] "=&r"(r[0]), [r1] "=&r"(r[1])
			 : [v] "r"(0xfff0000000000001ull)
			 : "fa0", "memory");
	check(r[0], 0xfff0000000000001ull, "fld 504(sp) (32-bit expansion)");
	check(r[1], 0xfff0000000000001ull, "fsd 0(sp) (32-bit expansion)");

	/* c.addi16sp and c.addi4spn: differences from the incoming sp */
	__asm__ volatile("mv %[r0], sp\n\t"
			 "c.addi16sp sp, -512\n\t"
			 "sub %[r1], %[r0], sp\n\t"
			 "c.addi16sp sp, 496\n\t"
			 "sub %[r2], %[r0], sp\n\t"
			 "c.addi16sp sp, 16\n\t"
			 "sub %[r3], %[r0], sp\n\t"
			 "c.addi4spn a0, sp, 1020\n\t"
			 "sub %[r4], a0, sp\n\t"
			 "c.addi4spn a0, sp, 4\n\t"
			 "sub %[r5], a0, sp"
			 : [r0] "=&r"(r[0]), [r1] "=&r"(r[1]), [r2] "=&r"(r[2]), [r3] "=&r"(r[3]),
			   [r4] "=&r"(r[4]), [r5] "=&r"(r[5])
			 :
			 : "a0", "memory");
	check(r[1], 512, "c.addi16sp -512");
	check(r[2], 16, "c.addi16sp 496");
	check(r[3], 0, "c.addi16sp 16");
	check(r[4], 1020, "c.addi4spn 1020");
	check(r[5], 4, "c.addi4spn 4");
	__asm__ volatile(NORVC("mv %[r0], sp\n\t"
			       "addi sp, sp, -512\n\t"
			       "sub %[r1], %[r0], sp\n\t"
			       "addi sp, sp, 496\n\t"
			       "sub %[r2], %[r0], sp\n\t"
			       "addi sp, sp, 16\n\t"
			       "sub %[r3], %[r0], sp\n\t"
			       "addi a0, sp, 1020\n\t"
			       "sub %[r4], a0, sp\n\t"
			       "addi a0, sp, 4\n\t"
			       "sub %[r5], a0, sp")
			 : [r0] "=&r"(r[0]), [r1] "=&r"(r[1]), [r2] "=&r"(r[2]), [r3] "=&r"(r[3]),
			   [r4] "=&r"(r[4]), [r5] "=&r"(r[5])
			 :
			 : "a0", "memory");
	check(r[1], 512, "addi sp, -512 (32-bit expansion)");
	check(r[2], 16, "addi sp, 496 (32-bit expansion)");
	check(r[3], 0, "addi sp, 16 (32-bit expansion)");
	check(r[4], 1020, "addi a0, sp, 1020 (32-bit expansion)");
	check(r[5], 4, "addi a0, sp, 4 (32-bit expansion)");
}

/* 1 if the branch "insn a0, 1f" is taken for a0 = @v; both encodings */
#define CB(cform, xform, v, want, what)                                                            \
	do {                                                                                       \
		u64 c_, x_;                                                                        \
		__asm__ volatile("mv a0, %1\n\tli %0, 1\n\t" cform ", 1f\n\tli %0, 0\n1:"          \
				 : "=&r"(c_)                                                       \
				 : "r"((u64)(v))                                                   \
				 : "a0");                                                          \
		__asm__ volatile(NORVC("mv a0, %1\n\tli %0, 1\n\t" xform ", 1f\n\tli %0, 0\n1:")   \
				 : "=&r"(x_)                                                       \
				 : "r"((u64)(v))                                                   \
				 : "a0");                                                          \
		check(c_, want, what);                                                             \
		check(x_, want, what " (32-bit expansion)");                                       \
	} while (0)

static void test_control(void)
{
	u64 t, link, here;

	CB("c.beqz a0", "beq a0, x0", 0, 1, "c.beqz 0");
	CB("c.beqz a0", "beq a0, x0", 1, 0, "c.beqz 1");
	CB("c.beqz a0", "beq a0, x0", 0x100000000ull, 0, "c.beqz upper bits only");
	CB("c.beqz a0", "beq a0, x0", MIN64, 0, "c.beqz min");
	CB("c.bnez a0", "bne a0, x0", 0, 0, "c.bnez 0");
	CB("c.bnez a0", "bne a0, x0", 0x100000000ull, 1, "c.bnez upper bits only");
	CB("c.bnez a0", "bne a0, x0", ALL, 1, "c.bnez -1");

	/* c.beqz/c.bnez backward: a loop (the offset range is +-256 bytes) */
	__asm__ volatile("li a0, 5\n\tli %0, 0\n"
			 "1:\taddi %0, %0, 2\n\tc.addi a0, -1\n\tc.bnez a0, 1b\n\t"
			 "c.beqz a0, 2f\n\tli %0, 99\n2:"
			 : "=&r"(t)
			 :
			 : "a0");
	check(t, 10, "c.bnez loop, c.beqz forward");
	/*
	 * The far ends of the branch range: -256 and +254 (gas widens a forward
	 * c.bnez at +254 to a 32-bit bnez, so that one is spelled out).
	 */
	__asm__ volatile(".option push\n\t.option norelax\n\t"
			 "li a0, 0\n\tj 3f\n"
			 "1:\tc.addi a0, 1\n\tc.j 5f\n\t"
			 ".fill 126, 2, 0x9002\n" /* c.ebreak */
			 "3:\tc.beqz a0, 1b\n\t"  /* offset -256 */
			 "li a0, 99\n"
			 "5:\t.half 0xed7d\n\t" /* c.bnez a0, +254 (6f) */
			 ".fill 126, 2, 0x9002\n"
			 "6:\tmv %0, a0\n\t"
			 ".option pop"
			 : "=&r"(t)
			 :
			 : "a0");
	check(t, 1, "c.beqz -256, c.bnez +254");

	/* c.j forward and backward */
	__asm__ volatile("li %0, 0\n\tc.j 2f\n"
			 "1:\tc.addi %0, 1\n\tc.j 3f\n"
			 "2:\tc.addi %0, 2\n\tc.j 1b\n3:"
			 : "=&r"(t));
	check(t, 3, "c.j forward and backward");

	/* c.jr: target with bit 0 set is cleared as in jalr */
	__asm__ volatile("la a1, 1f\n\taddi a1, a1, 1\n\tli %0, 0\n\tc.jr a1\n\t"
			 "li %0, 99\n\tc.ebreak\n"
			 "1:\tc.addi %0, 1"
			 : "=&r"(t)
			 :
			 : "a1");
	check(t, 1, "c.jr with bit 0 set");
	__asm__ volatile(NORVC("la a1, 1f\n\taddi a1, a1, 1\n\tli %0, 0\n\tjalr x0, 0(a1)\n\t"
			       "li %0, 99\n\tebreak\n"
			       "1:\taddi %0, %0, 1")
			 : "=&r"(t)
			 :
			 : "a1");
	check(t, 1, "jalr x0 with bit 0 set (32-bit expansion)");

	/* c.jalr links pc + 2 (the 32-bit jalr links pc + 4) */
	__asm__ volatile(".option push\n\t.option norelax\n\t"
			 "la a1, 1f\n\tli %0, 0\n\tc.jalr a1\n"
			 "2:\tc.ebreak\n"
			 "1:\tmv %1, ra\n\tla %2, 2b\n\t.option pop"
			 : "=&r"(t), "=&r"(link), "=&r"(here)
			 :
			 : "a1", "ra");
	check(link, here, "c.jalr link = pc + 2");
	__asm__ volatile(".option push\n\t.option norelax\n\t.option norvc\n\t"
			 "la a1, 1f\n\tli %0, 0\n\tjalr ra, 0(a1)\n"
			 "2:\tebreak\n"
			 "1:\tmv %1, ra\n\tla %2, 2b\n\t.option pop"
			 : "=&r"(t), "=&r"(link), "=&r"(here)
			 :
			 : "a1", "ra");
	check(link, here, "jalr ra link = pc + 4 (32-bit expansion)");
	/* c.jalr with rs1 == ra: the target is the old ra */
	__asm__ volatile(".option push\n\t.option norelax\n\t"
			 "la ra, 1f\n\tli %0, 0\n\tc.jalr ra\n"
			 "2:\tli %0, 99\n\tc.ebreak\n"
			 "1:\tmv %1, ra\n\tla %2, 2b\n\t.option pop"
			 : "=&r"(t), "=&r"(link), "=&r"(here)
			 :
			 : "ra");
	check(t, 0, "c.jalr ra: target from old ra");
	check(link, here, "c.jalr ra: link");
}

/*
 * Fetch: a 32-bit instruction straddling a page boundary, reached by falling
 * through and as a jump target. It lives in its own section so that linker
 * relaxation elsewhere cannot move it off the boundary; the filler before
 * it is never executed.
 */
__asm__(".pushsection .text.int_c_page, \"ax\", @progbits\n"
	".option push\n"
	".option norelax\n"
	".balign 4096\n"
	".skip 4090\n"
	"int_c_page_entry:\n"
	"	c.addi a0, 1\n" /* page offset 4090 */
	"	c.addi a0, 2\n" /* 4092 */
	".option norvc\n"
	"int_c_page_straddle:\n"
	"	addi a0, a0, 4\n" /* 4094: crosses into the next page */
	".option rvc\n"
	"	c.addi a0, 8\n" /* 4098 */
	"	ret\n"
	".option pop\n"
	".popsection\n");

static void test_fetch(void)
{
	u64 t;

	__asm__ volatile("li a0, 0\n\t"
			 "call int_c_page_entry\n\t"
			 "slli a0, a0, 8\n\t"
			 "call int_c_page_straddle\n\t"
			 "mv %0, a0"
			 : "=r"(t)
			 :
			 : "a0", "ra", "memory");
	check(t, (15 << 8) + 12, "32-bit instruction across a page boundary");

	/* a 32-bit instruction at 2 mod 4 as a jump target */
	__asm__ volatile(".option push\n\t.option norelax\n\t"
			 "li a0, 0\n\t"
			 "j 0f\n\t"
			 ".balign 4\n" /* padding is skipped */
			 "0:\tc.j 1f\n"
			 "1:\taddi a0, a0, 0x123\n\t"
			 "c.nop\n\t"
			 "add %0, a0, a0\n\t"
			 ".option pop"
			 : "=&r"(t)
			 :
			 : "a0");
	check(t, 0x246, "32-bit instructions at 2 mod 4");
}

int main(void)
{
	test_ci();
	test_cr_ca();
	test_loads_stores();
	test_sp();
	test_control();
	test_fetch();
	return check_done("int-c");
}
