/*
 * RV64 F/D beyond single operations: loads and stores (NaN boxing,
 * compressed forms, misaligned addresses), register moves, the fcsr/frm/
 * fflags CSRs, flag accrual, and sign injection used as fmv/fneg/fabs.
 * Exits with the number of the first failing check.
 */
#include "isa-rt.h"

static int failed;
static unsigned check_no;

static void check(u64 got, u64 want, const char *what)
{
	check_no++;
	if (got == want)
		return;
	rt_puts("FAIL check ");
	rt_putdec(check_no);
	rt_puts(" (");
	rt_puts(what);
	rt_puts("): got ");
	rt_puthex(got);
	rt_puts(" expected ");
	rt_puthex(want);
	rt_puts("\n");
	if (!failed)
		failed = (int)(check_no > 255 ? 255 : check_no);
}

/* The raw 64 bits of f register value @d */
static u64 bits(double d)
{
	u64 v;

	memcpy(&v, &d, 8);
	return v;
}

static double fromb(u64 v)
{
	double d;

	memcpy(&d, &v, 8);
	return d;
}

static void test_loads_stores(void)
{
	static u64 mem[4] __attribute__((aligned(16)));
	unsigned char buf[24] __attribute__((aligned(8)));
	double d;
	u64 x;

	/* flw NaN-boxes whatever it loads (an sNaN pattern stays untouched) */
	mem[0] = 0x123456787f800001ull;
	__asm__ volatile("flw %0, 0(%1)" : "=f"(d) : "r"(mem) : "memory");
	check(bits(d), 0xffffffff7f800001ull, "flw boxes");
	__asm__ volatile("flw %0, 4(%1)" : "=f"(d) : "r"(mem) : "memory");
	check(bits(d), 0xffffffff12345678ull, "flw offset 4");

	/* fsw stores the low 32 bits even of an unboxed value */
	mem[1] = 0;
	d = fromb(0x00000000deadbeefull);
	__asm__ volatile("fsw %1, 8(%0)" : : "r"(mem), "f"(d) : "memory");
	check(mem[1], 0xdeadbeefull, "fsw low half");

	/* fld/fsd move signalling NaN bits without change */
	mem[2] = 0x7ff0000000000001ull;
	__asm__ volatile("fld %0, 16(%1)" : "=f"(d) : "r"(mem) : "memory");
	check(bits(d), 0x7ff0000000000001ull, "fld sNaN");
	__asm__ volatile("fsd %1, 24(%0)" : : "r"(mem), "f"(d) : "memory");
	check(mem[3], 0x7ff0000000000001ull, "fsd sNaN");

	/* negative offsets */
	__asm__ volatile("fld %0, -8(%1)" : "=f"(d) : "r"(&mem[3]) : "memory");
	check(bits(d), 0x7ff0000000000001ull, "fld -8");

	/* compressed forms: c.fld/c.fsd (fs0/fs1, a0..a5) and c.fldsp/c.fsdsp */
	mem[0] = 0x400921fb54442d18ull;
	__asm__ volatile("mv a5, %1\n\t"
			 "c.fld fs1, 0(a5)\n\t"
			 "c.fsd fs1, 8(a5)\n\t"
			 "fmv.x.d %0, fs1"
			 : "=r"(x) : "r"(mem) : "a5", "fs1", "memory");
	check(x, 0x400921fb54442d18ull, "c.fld");
	check(mem[1], 0x400921fb54442d18ull, "c.fsd");
	__asm__ volatile("addi sp, sp, -16\n\t"
			 "fmv.d.x fs0, %1\n\t"
			 "c.fsdsp fs0, 8(sp)\n\t"
			 "fmv.d.x fs0, zero\n\t"
			 "c.fldsp fs0, 8(sp)\n\t"
			 "fmv.x.d %0, fs0\n\t"
			 "addi sp, sp, 16"
			 : "=r"(x) : "r"(0x7ff4000000000000ull) : "fs0", "memory");
	check(x, 0x7ff4000000000000ull, "c.fsdsp/c.fldsp");

	/* misaligned accesses (allowed in user mode) */
	memset(buf, 0, sizeof(buf));
	d = fromb(0x1122334455667788ull);
	__asm__ volatile("fsd %1, 3(%0)" : : "r"(buf), "f"(d) : "memory");
	check(buf[3] | (u64)buf[10] << 56, 0x1100000000000088ull, "fsd misaligned");
	__asm__ volatile("fld %0, 3(%1)" : "=f"(d) : "r"(buf) : "memory");
	check(bits(d), 0x1122334455667788ull, "fld misaligned");
	__asm__ volatile("flw %0, 5(%1)" : "=f"(d) : "r"(buf) : "memory");
	check(bits(d), 0xffffffff33445566ull, "flw misaligned");
}

static void test_moves(void)
{
	double d;
	u64 x;

	/* fmv.w.x boxes the low 32 bits; fmv.x.w sign-extends */
	__asm__ volatile("fmv.w.x %0, %1" : "=f"(d) : "r"(0x55555555ffc00001ull));
	check(bits(d), 0xffffffffffc00001ull, "fmv.w.x");
	__asm__ volatile("fmv.x.w %0, %1" : "=r"(x) : "f"(fromb(0x0123456789abcdefull)));
	check(x, 0xffffffff89abcdefull, "fmv.x.w negative");
	__asm__ volatile("fmv.x.w %0, %1" : "=r"(x) : "f"(fromb(0xffffffff7fffffffull)));
	check(x, 0x7fffffffull, "fmv.x.w positive");
	/* writing x0 is discarded */
	__asm__ volatile("fmv.x.d zero, %1\n\tmv %0, zero" : "=r"(x) : "f"(fromb(5)));
	check(x, 0, "fmv.x.d to x0");
	/* the pseudo-instructions fmv/fneg/fabs are fsgnj* with rs1 == rs2 */
	__asm__ volatile("fmv.d %0, %1" : "=f"(d) : "f"(fromb(0xfff0000000000001ull)));
	check(bits(d), 0xfff0000000000001ull, "fmv.d");
	__asm__ volatile("fneg.d %0, %1" : "=f"(d) : "f"(fromb(0x7ff0000000000001ull)));
	check(bits(d), 0xfff0000000000001ull, "fneg.d sNaN");
	__asm__ volatile("fabs.d %0, %1" : "=f"(d) : "f"(fromb(0x8000000000000000ull)));
	check(bits(d), 0, "fabs.d -0");
	__asm__ volatile("fmv.s %0, %1" : "=f"(d) : "f"(fromb(0xffffffffff800001ull)));
	check(bits(d), 0xffffffffff800001ull, "fmv.s");
	__asm__ volatile("fmv.s %0, %1" : "=f"(d) : "f"(fromb(0x00000000bf800000ull)));
	check(bits(d), 0xffffffff7fc00000ull, "fmv.s unboxed");
	__asm__ volatile("fneg.s %0, %1" : "=f"(d) : "f"(fromb(0x00000000bf800000ull)));
	check(bits(d), 0xffffffffffc00000ull, "fneg.s unboxed");
	__asm__ volatile("fabs.s %0, %1" : "=f"(d) : "f"(fromb(0xffffffffbf800000ull)));
	check(bits(d), 0xffffffff3f800000ull, "fabs.s");
}

static void test_csrs(void)
{
	u64 x, old;
	double d;

	/* fcsr = frm << 5 | fflags; bits above 7 read as zero */
	__asm__ volatile("csrw fcsr, %0" :: "r"(0xffffffffull));
	__asm__ volatile("frcsr %0" : "=r"(x));
	check(x, 0xff, "fcsr write all");
	__asm__ volatile("frrm %0" : "=r"(x));
	check(x, 7, "frm from fcsr");
	__asm__ volatile("frflags %0" : "=r"(x));
	check(x, 0x1f, "fflags from fcsr");
	__asm__ volatile("fsrm %0, %1" : "=r"(old) : "r"(2ull));
	check(old, 7, "fsrm returns old frm");
	__asm__ volatile("frcsr %0" : "=r"(x));
	check(x, 0x5f, "fcsr after fsrm");
	__asm__ volatile("fsflags %0, %1" : "=r"(old) : "r"(0x25ull));
	check(old, 0x1f, "fsflags returns old");
	__asm__ volatile("frcsr %0" : "=r"(x));
	check(x, 0x45, "fflags keeps 5 bits");
	__asm__ volatile("csrrsi %0, fflags, 0x2" : "=r"(old));
	__asm__ volatile("csrrci %0, fflags, 0x1" : "=r"(x));
	check(old << 8 | x, 0x0507, "csrrsi/csrrci fflags");
	__asm__ volatile("fsrmi 1");
	__asm__ volatile("frcsr %0" : "=r"(x));
	check(x, 0x26, "fsrmi");

	/* flags accrue and are never cleared by arithmetic */
	__asm__ volatile("fsflags zero");
	__asm__ volatile("fdiv.d %0, %1, %2" : "=f"(d) : "f"(1.0), "f"(fromb(0)));
	__asm__ volatile("fadd.d %0, %1, %2" : "=f"(d) : "f"(1.0), "f"(2.0));
	__asm__ volatile("frflags %0" : "=r"(x));
	check(x, 0x08, "DZ stays after an exact op");
	__asm__ volatile("fdiv.d %0, %1, %2, dyn" : "=f"(d) : "f"(1.0), "f"(3.0));
	__asm__ volatile("frflags %0" : "=r"(x));
	check(x, 0x09, "NX accrues");
	/* frm = RTZ from fsrmi above: dyn rounds toward zero */
	check(bits(d), 0x3fd5555555555555ull, "dyn uses frm");
	__asm__ volatile("fsrmi 3");
	__asm__ volatile("fdiv.d %0, %1, %2, dyn" : "=f"(d) : "f"(1.0), "f"(3.0));
	check(bits(d), 0x3fd5555555555556ull, "dyn follows a frm change");
	/* a static rm ignores frm */
	__asm__ volatile("fdiv.d %0, %1, %2, rne" : "=f"(d) : "f"(1.0), "f"(3.0));
	check(bits(d), 0x3fd5555555555555ull, "static rm ignores frm");
	__asm__ volatile("fscsr zero");
}

/* The same FP op in a loop: translated once, run many times with changing inputs */
static void test_loop(void)
{
	double acc = 0, step = 0.1;
	u64 x;
	int i;

	for (i = 0; i < 1000; i++)
		__asm__ volatile("fadd.d %0, %0, %1" : "+f"(acc) : "f"(step));
	check(bits(acc), 0x4058ffffffffff9dull, "sum of 1000 * 0.1");
	__asm__ volatile("fcvt.l.d %0, %1, rtz" : "=r"(x) : "f"(acc));
	check(x, 99, "fcvt.l.d of the sum");
}

int main(void)
{
	test_loads_stores();
	test_moves();
	test_csrs();
	test_loop();
	if (!failed)
		rt_puts("fp-misc: all checks passed\n");
	return failed;
}
