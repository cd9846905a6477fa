/*
 * mstatus.FS (privileged spec 3.1.6.6): with FS = Off every FP instruction
 * and FP CSR access is illegal; a state-changing FP instruction or FP CSR
 * write makes it Dirty, which SD summarises; S-mode sees the same field
 * through sstatus.
 */
#include "rt.h"

#define FS_OFF 0ul
#define FS_INITIAL (1ul << 13)
#define FS_CLEAN (2ul << 13)
#define FS_DIRTY (3ul << 13)

static void set_fs(unsigned long fs)
{
	csr_clear(mstatus, MSTATUS_FS);
	csr_set(mstatus, fs);
}

static __attribute__((noinline)) double fadd(double a, double b)
{
	double r;

	__asm__ volatile("fadd.d %0, %1, %2" : "=f"(r) : "f"(a), "f"(b));
	return r;
}

static __attribute__((noinline)) long s_fp(long arg)
{
	unsigned long before = csr_read(sstatus);
	volatile double d = 1.5;

	d = fadd(d, (double)arg);
	return (long)(((csr_read(sstatus) & MSTATUS_FS) << 2) | ((before & MSTATUS_FS) >> 13) |
		      ((long)d == arg + 1 ? 1ul << 20 : 0));
}

int main(void)
{
	unsigned n;
	unsigned long v;

	trap_reset();

	/* ---- FS = Off: illegal (mtval: the instruction) */
	set_fs(FS_OFF);
	n = trap_count;
	__asm__ volatile("fmv.w.x ft0, zero" ::: "memory");
	CHECK_TRAP(n, CAUSE_ILLEGAL, 'M');
	CHECK_EQ(last_trap()->tval, 0xf0000053ul);
	n = trap_count;
	__asm__ volatile("csrr %0, fcsr" : "=r"(v)::"memory");
	CHECK_TRAP(n, CAUSE_ILLEGAL, 'M');
	n = trap_count;
	__asm__ volatile("csrw frm, zero" ::: "memory");
	CHECK_TRAP(n, CAUSE_ILLEGAL, 'M');
	CHECK_EQ(csr_read(mstatus) & MSTATUS_SD, 0);

	/* ---- Initial -> Dirty on an FP operation, with SD */
	set_fs(FS_INITIAL);
	CHECK_EQ(csr_read(mstatus) & MSTATUS_SD, 0);
	CHECK_EQ((long)fadd(1.0, 2.0), 3);
	CHECK_EQ(csr_read(mstatus) & MSTATUS_FS, FS_DIRTY);
	CHECK(csr_read(mstatus) & MSTATUS_SD);

	/* ---- Clean -> Dirty on an FP CSR write */
	set_fs(FS_CLEAN);
	CHECK_EQ(csr_read(mstatus) & MSTATUS_FS, FS_CLEAN);
	csr_write(fcsr, 0);
	CHECK_EQ(csr_read(mstatus) & MSTATUS_FS, FS_DIRTY);

	/* ---- Clean -> Dirty on a load into an f register */
	static volatile double mem = 2.5;
	set_fs(FS_CLEAN);
	double x;
	__asm__ volatile("fld %0, 0(%1)" : "=f"(x) : "r"(&mem) : "memory");
	CHECK_EQ(csr_read(mstatus) & MSTATUS_FS, FS_DIRTY);
	CHECK_EQ((long)(x * 2), 5);

	/* ---- the same through sstatus in S-mode */
	set_fs(FS_CLEAN);
	v = (unsigned long)run_in_mode(MODE_S, s_fp, 4);
	CHECK_EQ(v & 3, 2);                   /* saw Clean */
	CHECK_EQ((v >> 15) & 3, 3);           /* then Dirty */
	CHECK(v & (1ul << 20));               /* and the result */
	CHECK_EQ(trap_count, 3);

	/* S-mode can turn FP off for U-mode and itself */
	set_fs(FS_OFF);
	n = trap_count;
	run_in_mode(MODE_S, s_fp, 1);
	CHECK(trap_count > n);
	CHECK_EQ(trap_log[n % TRAP_LOG].cause, CAUSE_ILLEGAL);
	set_fs(FS_INITIAL);

	puts_("fp-state: ok\n");
	return 0;
}
