/*
 * RV64 F/D edge cases from fp-cases.def, executed as real instructions.
 * Each row runs with the rounding mode in the instruction (static rm) and
 * again with rm = DYN and frm set, in every mode the row names (or all five).
 * Checks the destination register and the accrued fflags.
 */
#include "isa-rt.h"
#include "fp-cases.h"

static const struct fpc cases[] = {
#define FPC(op, rm, a, b, c, r, f) {op, rm, a, b, c, r, f},
#include "fp-cases.def"
#undef FPC
};

static const char *const op_names[FPC_NOPS] = {
	"fadd.s", "fsub.s", "fmul.s", "fdiv.s", "fsqrt.s", "fmin.s", "fmax.s",
	"fmadd.s", "fmsub.s", "fnmsub.s", "fnmadd.s",
	"feq.s", "flt.s", "fle.s", "fclass.s", "fsgnj.s", "fsgnjn.s", "fsgnjx.s",
	"fcvt.w.s", "fcvt.wu.s", "fcvt.l.s", "fcvt.lu.s",
	"fcvt.s.w", "fcvt.s.wu", "fcvt.s.l", "fcvt.s.lu",
	"fmv.x.w", "fmv.w.x",
	"fadd.d", "fsub.d", "fmul.d", "fdiv.d", "fsqrt.d", "fmin.d", "fmax.d",
	"fmadd.d", "fmsub.d", "fnmsub.d", "fnmadd.d",
	"feq.d", "flt.d", "fle.d", "fclass.d", "fsgnj.d", "fsgnjn.d", "fsgnjx.d",
	"fcvt.w.d", "fcvt.wu.d", "fcvt.l.d", "fcvt.lu.d",
	"fcvt.d.w", "fcvt.d.wu", "fcvt.d.l", "fcvt.d.lu",
	"fmv.x.d", "fmv.d.x", "fcvt.s.d", "fcvt.d.s",
};

/* Operations whose encoding has a rounding-mode field */
static int has_rm(unsigned op)
{
	switch (op) {
	case FMIN_S: case FMAX_S: case FEQ_S: case FLT_S: case FLE_S: case FCLASS_S:
	case FSGNJ_S: case FSGNJN_S: case FSGNJX_S: case FMV_X_W: case FMV_W_X:
	case FMIN_D: case FMAX_D: case FEQ_D: case FLT_D: case FLE_D: case FCLASS_D:
	case FSGNJ_D: case FSGNJN_D: case FSGNJX_D: case FMV_X_D: case FMV_D_X:
		return 0;
	default:
		return 1;
	}
}

/* rm 0..4 static, anything else DYN */
#define RM_SWITCH(M, mn)                                                                  \
	switch (rm) {                                                                     \
	case 0: M(mn, "rne"); break;                                                      \
	case 1: M(mn, "rtz"); break;                                                      \
	case 2: M(mn, "rdn"); break;                                                      \
	case 3: M(mn, "rup"); break;                                                      \
	case 4: M(mn, "rmm"); break;                                                      \
	default: M(mn, "dyn"); break;                                                     \
	}
/* the same for encodings the assembler only takes without rm: .insn r with funct3 = rm */
#define RM_SWITCH_INSN(M, f7, rs2)                                                        \
	switch (rm) {                                                                     \
	case 0: M(f7, rs2, "0"); break;                                                   \
	case 1: M(f7, rs2, "1"); break;                                                   \
	case 2: M(f7, rs2, "2"); break;                                                   \
	case 3: M(f7, rs2, "3"); break;                                                   \
	case 4: M(f7, rs2, "4"); break;                                                   \
	default: M(f7, rs2, "7"); break;                                                  \
	}

#define FFF_RM(mn, r) __asm__ volatile(mn " %0, %1, %2, " r : "=f"(fd) : "f"(fa), "f"(fb))
#define FF_RM(mn, r) __asm__ volatile(mn " %0, %1, " r : "=f"(fd) : "f"(fa))
#define FFFF_RM(mn, r)                                                                    \
	__asm__ volatile(mn " %0, %1, %2, %3, " r : "=f"(fd) : "f"(fa), "f"(fb), "f"(fc))
#define XF_RM(mn, r) __asm__ volatile(mn " %0, %1, " r : "=r"(xd) : "f"(fa))
#define FX_RM(mn, r) __asm__ volatile(mn " %0, %1, " r : "=f"(fd) : "r"(xa))
#define FX_INSN(f7, rs2, r) __asm__ volatile(".insn r 0x53, " r ", " f7 ", %0, %1, " rs2 \
					     : "=f"(fd) : "r"(xa))
#define FF_INSN(f7, rs2, r) __asm__ volatile(".insn r 0x53, " r ", " f7 ", %0, %1, " rs2 \
					     : "=f"(fd) : "f"(fa))
#define FFF(mn) __asm__ volatile(mn " %0, %1, %2" : "=f"(fd) : "f"(fa), "f"(fb))
#define XFF(mn) __asm__ volatile(mn " %0, %1, %2" : "=r"(xd) : "f"(fa), "f"(fb))
#define XF(mn) __asm__ volatile(mn " %0, %1" : "=r"(xd) : "f"(fa))
#define FX(mn) __asm__ volatile(mn " %0, %1" : "=f"(fd) : "r"(xa))

/* Run @op; returns the destination register value, *flags the accrued fflags. */
static u64 run(unsigned op, unsigned rm, u64 a, u64 b, u64 c, u32 *flags)
{
	double fa, fb, fc, fd = 0;
	u64 xa = a, xd = 0, r;
	int fd_is_result = 1;

	memcpy(&fa, &a, 8);
	memcpy(&fb, &b, 8);
	memcpy(&fc, &c, 8);
	__asm__ volatile("fsflags zero" ::: "memory");
	switch (op) {
	case FADD_S: RM_SWITCH(FFF_RM, "fadd.s"); break;
	case FSUB_S: RM_SWITCH(FFF_RM, "fsub.s"); break;
	case FMUL_S: RM_SWITCH(FFF_RM, "fmul.s"); break;
	case FDIV_S: RM_SWITCH(FFF_RM, "fdiv.s"); break;
	case FSQRT_S: RM_SWITCH(FF_RM, "fsqrt.s"); break;
	case FMIN_S: FFF("fmin.s"); break;
	case FMAX_S: FFF("fmax.s"); break;
	case FMADD_S: RM_SWITCH(FFFF_RM, "fmadd.s"); break;
	case FMSUB_S: RM_SWITCH(FFFF_RM, "fmsub.s"); break;
	case FNMSUB_S: RM_SWITCH(FFFF_RM, "fnmsub.s"); break;
	case FNMADD_S: RM_SWITCH(FFFF_RM, "fnmadd.s"); break;
	case FEQ_S: XFF("feq.s"); fd_is_result = 0; break;
	case FLT_S: XFF("flt.s"); fd_is_result = 0; break;
	case FLE_S: XFF("fle.s"); fd_is_result = 0; break;
	case FCLASS_S: XF("fclass.s"); fd_is_result = 0; break;
	case FSGNJ_S: FFF("fsgnj.s"); break;
	case FSGNJN_S: FFF("fsgnjn.s"); break;
	case FSGNJX_S: FFF("fsgnjx.s"); break;
	case FCVT_W_S: RM_SWITCH(XF_RM, "fcvt.w.s"); fd_is_result = 0; break;
	case FCVT_WU_S: RM_SWITCH(XF_RM, "fcvt.wu.s"); fd_is_result = 0; break;
	case FCVT_L_S: RM_SWITCH(XF_RM, "fcvt.l.s"); fd_is_result = 0; break;
	case FCVT_LU_S: RM_SWITCH(XF_RM, "fcvt.lu.s"); fd_is_result = 0; break;
	case FCVT_S_W: RM_SWITCH(FX_RM, "fcvt.s.w"); break;
	case FCVT_S_WU: RM_SWITCH(FX_RM, "fcvt.s.wu"); break;
	case FCVT_S_L: RM_SWITCH(FX_RM, "fcvt.s.l"); break;
	case FCVT_S_LU: RM_SWITCH(FX_RM, "fcvt.s.lu"); break;
	case FMV_X_W: XF("fmv.x.w"); fd_is_result = 0; break;
	case FMV_W_X: FX("fmv.w.x"); break;
	case FADD_D: RM_SWITCH(FFF_RM, "fadd.d"); break;
	case FSUB_D: RM_SWITCH(FFF_RM, "fsub.d"); break;
	case FMUL_D: RM_SWITCH(FFF_RM, "fmul.d"); break;
	case FDIV_D: RM_SWITCH(FFF_RM, "fdiv.d"); break;
	case FSQRT_D: RM_SWITCH(FF_RM, "fsqrt.d"); break;
	case FMIN_D: FFF("fmin.d"); break;
	case FMAX_D: FFF("fmax.d"); break;
	case FMADD_D: RM_SWITCH(FFFF_RM, "fmadd.d"); break;
	case FMSUB_D: RM_SWITCH(FFFF_RM, "fmsub.d"); break;
	case FNMSUB_D: RM_SWITCH(FFFF_RM, "fnmsub.d"); break;
	case FNMADD_D: RM_SWITCH(FFFF_RM, "fnmadd.d"); break;
	case FEQ_D: XFF("feq.d"); fd_is_result = 0; break;
	case FLT_D: XFF("flt.d"); fd_is_result = 0; break;
	case FLE_D: XFF("fle.d"); fd_is_result = 0; break;
	case FCLASS_D: XF("fclass.d"); fd_is_result = 0; break;
	case FSGNJ_D: FFF("fsgnj.d"); break;
	case FSGNJN_D: FFF("fsgnjn.d"); break;
	case FSGNJX_D: FFF("fsgnjx.d"); break;
	case FCVT_W_D: RM_SWITCH(XF_RM, "fcvt.w.d"); fd_is_result = 0; break;
	case FCVT_WU_D: RM_SWITCH(XF_RM, "fcvt.wu.d"); fd_is_result = 0; break;
	case FCVT_L_D: RM_SWITCH(XF_RM, "fcvt.l.d"); fd_is_result = 0; break;
	case FCVT_LU_D: RM_SWITCH(XF_RM, "fcvt.lu.d"); fd_is_result = 0; break;
	/* fcvt.d.w/wu and fcvt.d.s are exact: gas takes no rm for them */
	case FCVT_D_W: RM_SWITCH_INSN(FX_INSN, "0x69", "x0"); break;
	case FCVT_D_WU: RM_SWITCH_INSN(FX_INSN, "0x69", "x1"); break;
	case FCVT_D_L: RM_SWITCH(FX_RM, "fcvt.d.l"); break;
	case FCVT_D_LU: RM_SWITCH(FX_RM, "fcvt.d.lu"); break;
	case FMV_X_D: XF("fmv.x.d"); fd_is_result = 0; break;
	case FMV_D_X: FX("fmv.d.x"); break;
	case FCVT_S_D: RM_SWITCH(FF_RM, "fcvt.s.d"); break;
	case FCVT_D_S: RM_SWITCH_INSN(FF_INSN, "0x21", "x0"); break;
	}
	__asm__ volatile("frflags %0" : "=r"(*flags) :: "memory");
	if (!fd_is_result)
		return xd;
	memcpy(&r, &fd, 8);
	return r;
}

static void report(unsigned idx, const struct fpc *t, unsigned rm, int dyn, u64 got, u32 gotf)
{
	rt_puts("FAIL row ");
	rt_putdec(idx);
	rt_puts(": ");
	rt_puts(op_names[t->op]);
	rt_puts(dyn ? " dyn frm=" : " rm=");
	rt_putdec(rm);
	rt_puts(" a=");
	rt_puthex(t->a);
	rt_puts(" b=");
	rt_puthex(t->b);
	rt_puts(" c=");
	rt_puthex(t->c);
	rt_puts("\n  got ");
	rt_puthex(got);
	rt_puts(" flags ");
	rt_puthex(gotf);
	rt_puts("\n  expected ");
	rt_puthex(t->result);
	rt_puts(" flags ");
	rt_puthex(t->flags);
	rt_puts("\n");
}

int main(void)
{
	unsigned n = sizeof(cases) / sizeof(cases[0]), i, rm, dyn, first = 0, nfail = 0;
	unsigned long runs = 0;

	for (i = 0; i < n; i++) {
		const struct fpc *t = &cases[i];
		unsigned lo = t->rm == ALL ? 0 : t->rm, hi = t->rm == ALL ? 4 : t->rm;

		if (!has_rm(t->op))
			hi = lo;
		for (rm = lo; rm <= hi; rm++) {
			for (dyn = 0; dyn < 2; dyn++) {
				u32 flags;
				u64 r;

				__asm__ volatile("fsrm %0" :: "r"(dyn ? rm : 0u));
				r = run(t->op, dyn ? 7 : rm, t->a, t->b, t->c, &flags);
				runs++;
				if (r != t->result || flags != t->flags) {
					report(i + 1, t, rm, dyn, r, flags);
					if (!first)
						first = i + 1;
					nfail++;
				}
			}
		}
	}
	rt_puts("fp-table: ");
	rt_putdec(n);
	rt_puts(" rows, ");
	rt_putdec(runs);
	rt_puts(" runs, ");
	rt_putdec(nfail);
	rt_puts(" failures\n");
	return first > 255 ? 255 : (int)first;
}
