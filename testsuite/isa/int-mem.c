/*
 * RV64I loads and stores (unprivileged spec 2.6 and 4.3): every size, sign
 * and zero extension, positive and negative offsets, misaligned addresses
 * (Linux user mode performs them: the hardware or the kernel's trap handler
 * completes them), accesses crossing a page boundary, the base register
 * overwritten by the load, and loads to x0.
 * Exits with the number of the first failing check.
 */
#include "int-check.h"

#define LOAD(insn, p, off)                                                                         \
	({                                                                                         \
		u64 r_;                                                                            \
		__asm__ volatile(NORVC(insn " %0, %2(%1)")                                         \
				 : "=r"(r_)                                                        \
				 : "r"((u64)(p)), "i"(off)                                         \
				 : "memory");                                                      \
		r_;                                                                                \
	})

#define STORE(insn, p, off, v)                                                                     \
	__asm__ volatile(NORVC(insn " %1, %2(%0)")                                                 \
			 :                                                                         \
			 : "r"((u64)(p)), "r"((u64)(v)), "i"(off)                                  \
			 : "memory")

static unsigned char buf[64] __attribute__((aligned(16)));
static unsigned char pages[8192] __attribute__((aligned(4096)));

static void fill_pattern(void)
{
	static const unsigned char pat[16] = {
	    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	    0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00,
	};
	unsigned i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = pat[i % 16];
}

static u64 le64(const unsigned char *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void test_loads(void)
{
	fill_pattern();
	check(LOAD("lb", buf, 0), 0x11, "lb");
	check(LOAD("lb", buf, 7), 0xffffffffffffff88ull, "lb sign-extends");
	check(LOAD("lbu", buf, 7), 0x88, "lbu");
	check(LOAD("lb", buf, 15), 0, "lb zero");
	check(LOAD("lh", buf, 0), 0x2211, "lh");
	check(LOAD("lh", buf, 6), 0xffffffffffff8877ull, "lh sign-extends");
	check(LOAD("lhu", buf, 6), 0x8877, "lhu");
	check(LOAD("lw", buf, 0), 0x44332211, "lw");
	check(LOAD("lw", buf, 4), 0xffffffff88776655ull, "lw sign-extends");
	check(LOAD("lwu", buf, 4), 0x88776655, "lwu");
	check(LOAD("ld", buf, 0), 0x8877665544332211ull, "ld");
	check(LOAD("ld", buf, 8), 0x00ffeeddccbbaa99ull, "ld 8");
	check(LOAD("ld", buf, 56), 0x00ffeeddccbbaa99ull, "ld 56");

	/* misaligned */
	check(LOAD("lh", buf, 1), 0x3322, "lh misaligned");
	check(LOAD("lh", buf, 7), 0xffffffffffff9988ull, "lh misaligned across 8");
	check(LOAD("lhu", buf, 7), 0x9988, "lhu misaligned");
	check(LOAD("lw", buf, 1), 0x55443322, "lw misaligned 1");
	check(LOAD("lw", buf, 5), 0xffffffff99887766ull, "lw misaligned 5 sign-extends");
	check(LOAD("lwu", buf, 5), 0x99887766, "lwu misaligned");
	check(LOAD("lw", buf, 2), 0x66554433, "lw misaligned 2");
	check(LOAD("ld", buf, 3), 0xbbaa998877665544ull, "ld misaligned 3");
	check(LOAD("ld", buf, 7), 0xffeeddccbbaa9988ull, "ld misaligned 7");
	check(LOAD("ld", buf, 4), 0xccbbaa9988776655ull, "ld misaligned 4");

	/* negative offsets */
	check(LOAD("lbu", buf + 16, -16), 0x11, "lbu -16");
	check(LOAD("ld", (u64)buf + 2048, -2048), 0x8877665544332211ull, "ld -2048");
	check(LOAD("lw", buf + 9, -1), 0xffffffffccbbaa99ull, "lw -1");
	check(LOAD("lh", buf + 40, -33), 0xffffffffffff9988ull, "lh -33 misaligned");
}

static void test_stores(void)
{
	unsigned char *p = buf;

	memset(buf, 0, sizeof(buf));
	STORE("sd", p, 0, 0x0102030405060708ull);
	check(le64(buf), 0x0102030405060708ull, "sd");
	STORE("sw", p, 0, 0xffffffffa1b2c3d4ull);
	check(le64(buf), 0x01020304a1b2c3d4ull, "sw stores 4 bytes");
	STORE("sh", p, 2, 0x1234beefull);
	check(le64(buf), 0x01020304beefc3d4ull, "sh stores 2 bytes");
	STORE("sb", p, 7, 0x1234567899ull);
	check(le64(buf), 0x99020304beefc3d4ull, "sb stores 1 byte");
	STORE("sd", p, 8, 0);
	check(le64(buf + 8), 0, "sd zero");

	/* misaligned stores */
	memset(buf, 0, sizeof(buf));
	STORE("sd", p, 5, 0x0102030405060708ull);
	check(le64(buf), 0x0607080000000000ull, "sd misaligned low word");
	check(le64(buf + 8), 0x0000000102030405ull, "sd misaligned high word");
	memset(buf, 0, sizeof(buf));
	STORE("sw", p, 3, 0xa1b2c3d4ull);
	check(le64(buf), 0x00a1b2c3d4000000ull, "sw misaligned");
	STORE("sw", p, 6, 0x11223344ull);
	check(le64(buf), 0x3344b2c3d4000000ull, "sw misaligned across 8: low");
	check(le64(buf + 8), 0x1122ull, "sw misaligned across 8: high");
	memset(buf, 0, sizeof(buf));
	STORE("sh", p, 7, 0xbeefull);
	check(le64(buf), 0xef00000000000000ull, "sh misaligned across 8: low");
	check(le64(buf + 8), 0xbeull, "sh misaligned across 8: high");
	STORE("sh", p, 1, 0xcafeull);
	check(le64(buf), 0xef00000000cafe00ull, "sh misaligned 1");

	/* negative offsets */
	memset(buf, 0, sizeof(buf));
	STORE("sd", (u64)p + 100, -100, 0xdeadbeefcafef00dull);
	check(le64(buf), 0xdeadbeefcafef00dull, "sd -100");
	STORE("sb", p + 1, -1, 0x55);
	check(le64(buf), 0xdeadbeefcafef055ull, "sb -1");
}

static void test_page_cross(void)
{
	unsigned char *edge = pages + 4096;
	int i;

	for (i = -8; i < 8; i++)
		edge[i] = (unsigned char)(0xa0 + i);
	/* bytes at edge-8 .. edge+7 are 0x98 .. 0xa7 */
	check(LOAD("ld", edge, -3), 0xa4a3a2a1a09f9e9dull, "ld across a page");
	check(LOAD("lw", edge, -1), 0xffffffffa2a1a09full, "lw across a page");
	check(LOAD("lhu", edge, -1), 0xa09f, "lhu across a page");
	STORE("sd", edge, -5, 0x1122334455667788ull);
	check(le64(edge - 8), 0x44556677889a9998ull, "sd across a page: first page");
	check(le64(edge), 0xa7a6a5a4a3112233ull, "sd across a page: second page");
}

static void test_aliasing(void)
{
	u64 r;

	fill_pattern();
	/* the base register is the destination */
	r = (u64)buf;
	__asm__ volatile(NORVC("ld %0, 8(%0)") : "+r"(r) : "m"(buf));
	check(r, 0x00ffeeddccbbaa99ull, "ld rd == rs1");
	r = (u64)buf;
	__asm__ volatile(NORVC("lbu %0, 1(%0)") : "+r"(r) : "m"(buf));
	check(r, 0x22, "lbu rd == rs1");
	/* storing the base register itself */
	__asm__ volatile(NORVC("sd %0, 0(%0)") : : "r"(buf) : "memory");
	check(le64(buf), (u64)buf, "sd rs2 == rs1");
	/* a load into x0 is performed and discarded */
	__asm__ volatile(NORVC("ld x0, 0(%1)\n\tmv %0, x0") : "=r"(r) : "r"(buf) : "memory");
	check(r, 0, "ld x0");
	/* store then load back the same location in one block */
	__asm__ volatile(NORVC("sw %2, 4(%1)\n\tlwu %0, 4(%1)")
			 : "=&r"(r)
			 : "r"(buf), "r"(0x87654321ull)
			 : "memory");
	check(r, 0x87654321, "sw then lwu");
	__asm__ volatile(NORVC("sd %2, 16(%1)\n\tlb %0, 19(%1)")
			 : "=&r"(r)
			 : "r"(buf), "r"(0x00000000f0000000ull)
			 : "memory");
	check(r, 0xfffffffffffffff0ull, "sd then lb of one byte");
}

int main(void)
{
	test_loads();
	test_stores();
	test_page_cross();
	test_aliasing();
	return check_done("int-mem");
}
