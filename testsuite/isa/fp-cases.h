/*
 * RISC-V F/D edge cases: one table (fp-cases.def) run both by the guest test
 * fp-table.c (native RISC-V instructions, so the table is checked against
 * real hardware semantics or QEMU) and by testsuite/unit/test-fpu.c (morph's
 * helpers on the host). Freestanding: no host or libc headers.
 *
 * A row is FPC(op, rm, a, b, c, result, flags):
 *   op      an enum fpc_op instruction;
 *   rm      the rounding mode, or ALL when the result is the same in all five;
 *   a b c   operand register values: f registers as raw 64 bits (singles
 *           NaN-boxed with S(), unboxed values test the boxing check), x
 *           registers as their 64-bit value;
 *   result  the destination register's 64-bit value;
 *   flags   the fflags accrued (NV DZ OF UF NX).
 */
#ifndef FP_CASES_H
#define FP_CASES_H

enum fpc_op {
	FADD_S, FSUB_S, FMUL_S, FDIV_S, FSQRT_S, FMIN_S, FMAX_S,
	FMADD_S, FMSUB_S, FNMSUB_S, FNMADD_S,
	FEQ_S, FLT_S, FLE_S, FCLASS_S, FSGNJ_S, FSGNJN_S, FSGNJX_S,
	FCVT_W_S, FCVT_WU_S, FCVT_L_S, FCVT_LU_S,
	FCVT_S_W, FCVT_S_WU, FCVT_S_L, FCVT_S_LU,
	FMV_X_W, FMV_W_X,
	FADD_D, FSUB_D, FMUL_D, FDIV_D, FSQRT_D, FMIN_D, FMAX_D,
	FMADD_D, FMSUB_D, FNMSUB_D, FNMADD_D,
	FEQ_D, FLT_D, FLE_D, FCLASS_D, FSGNJ_D, FSGNJN_D, FSGNJX_D,
	FCVT_W_D, FCVT_WU_D, FCVT_L_D, FCVT_LU_D,
	FCVT_D_W, FCVT_D_WU, FCVT_D_L, FCVT_D_LU,
	FMV_X_D, FMV_D_X, FCVT_S_D, FCVT_D_S,
	FPC_NOPS
};

/* Rounding modes (frm encoding) and "every mode" */
#define RNE 0
#define RTZ 1
#define RDN 2
#define RUP 3
#define RMM 4
#define ALL 8

/* fflags */
#define NX 0x01
#define UF 0x02
#define OF 0x04
#define DZ 0x08
#define NV 0x10

/* A NaN-boxed single */
#define S(x) (0xffffffff00000000ull | (unsigned long long)(x))
/* Canonical NaNs as register values */
#define QNAN_S S(0x7fc00000)
#define QNAN_D 0x7ff8000000000000ull

struct fpc {
	unsigned op, rm;
	unsigned long long a, b, c, result;
	unsigned flags;
};

#endif
