/*
 * Start-up and trap entry of the privileged-architecture tests (see rt.h).
 *
 * _start (M-mode): stacks, mtvec, PMP open to S and U, FS on, bss, main(),
 * exit(main's value). Trap entries save every register in a frame on their
 * own stack (mscratch / sscratch hold its top) and call m_trap()/s_trap()
 * (rt.c) with the frame and the vector number (-1: direct mode).
 * run_in_mode() drops to S or U, calls a function there and comes back to
 * M-mode through a magic ecall.
 */
#define RUN_RETURN_MAGIC 0x5245

#if __riscv_xlen == 32
#define SREG sw
#define LREG lw
#define REGBYTES 4
#else
#define SREG sd
#define LREG ld
#define REGBYTES 8
#endif
#define FRAME (32 * REGBYTES)

	.section .text.init, "ax"
	.globl _start
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, __stack_m
	la	t0, __stack_mtrap
	csrw	mscratch, t0
	la	t0, m_trap_entry
	csrw	mtvec, t0
	la	t0, __stack_strap
	csrw	sscratch, t0
	la	t0, s_trap_entry
	csrw	stvec, t0
	/* with PMP implemented, S and U may touch nothing no entry grants */
	li	t0, -1
	csrw	pmpaddr0, t0
	li	t0, 0x1f /* NAPOT, R W X */
	csrw	pmpcfg0, t0
	li	t0, 1 << 13 /* mstatus.FS = Initial */
	csrs	mstatus, t0
	csrwi	fcsr, 0
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	SREG	zero, 0(t0)
	addi	t0, t0, REGBYTES
	j	1b
2:	call	main
	call	exit
3:	j	3b

/* Save x1, x3..x31 and the interrupted sp (swapped into \scratch) at sp. */
.macro SAVE_FRAME scratch
	csrrw	sp, \scratch, sp
	addi	sp, sp, -FRAME
	.irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	SREG	x\n, \n*REGBYTES(sp)
	.endr
	csrr	t0, \scratch
	SREG	t0, 2*REGBYTES(sp)
.endm

.macro RESTORE_FRAME scratch
	.irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	LREG	x\n, \n*REGBYTES(sp)
	.endr
	addi	sp, sp, FRAME
	csrrw	sp, \scratch, sp
.endm

/* An M-mode trap entry passing @vec to m_trap() */
.macro M_ENTRY name, vec
	.align 2
	.globl \name
\name:
	SAVE_FRAME mscratch
	mv	a0, sp
	li	a1, \vec
	j	m_trap_common
.endm

.macro S_ENTRY name, vec
	.align 2
	.globl \name
\name:
	SAVE_FRAME sscratch
	mv	a0, sp
	li	a1, \vec
	j	s_trap_common
.endm

	.text
	M_ENTRY m_trap_entry, -1
	M_ENTRY m_trap_vec3, 3
	M_ENTRY m_trap_vec7, 7
	M_ENTRY m_trap_vec11, 11
	M_ENTRY m_trap_vec_bad, 99
	S_ENTRY s_trap_entry, -1
	S_ENTRY s_trap_vec1, 1
	S_ENTRY s_trap_vec5, 5
	S_ENTRY s_trap_vec9, 9
	S_ENTRY s_trap_vec_bad, 99

m_trap_common:
	call	m_trap
	bnez	a0, m_back_to_caller
	RESTORE_FRAME mscratch
	mret

/* run_in_mode()'s function returned: its a0 comes back to the caller in M-mode */
m_back_to_caller:
	LREG	a0, 10*REGBYTES(sp)
	addi	sp, sp, FRAME
	csrw	mscratch, sp
	la	t0, m_ctx
	LREG	ra, 0(t0)
	LREG	sp, REGBYTES(t0)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11
	LREG	s\n, (2*REGBYTES+\n*REGBYTES)(t0)
	.endr
	ret

s_trap_common:
	call	s_trap
	bnez	a0, s_forward
	RESTORE_FRAME sscratch
	sret

/* The magic return ecall reached S-mode (delegated): pass it on to M-mode */
s_forward:
	LREG	a0, 10*REGBYTES(sp)
	addi	t0, sp, FRAME
	csrw	sscratch, t0
	li	a7, RUN_RETURN_MAGIC
	ecall
1:	j	1b

/* Vector tables (mtvec/stvec MODE = 1): slot n jumps to the entry for cause n */
	.option push
	.option norvc
	.align 8
	.globl m_vector_table
m_vector_table:
	j	m_trap_entry     /* 0: exceptions */
	j	m_trap_vec_bad
	j	m_trap_vec_bad
	j	m_trap_vec3      /* MSI */
	j	m_trap_vec_bad
	j	m_trap_vec_bad
	j	m_trap_vec_bad
	j	m_trap_vec7      /* MTI */
	j	m_trap_vec_bad
	j	m_trap_vec_bad
	j	m_trap_vec_bad
	j	m_trap_vec11     /* MEI */
	j	m_trap_vec_bad
	j	m_trap_vec_bad
	j	m_trap_vec_bad
	j	m_trap_vec_bad

	.align 8
	.globl s_vector_table
s_vector_table:
	j	s_trap_entry
	j	s_trap_vec1      /* SSI */
	j	s_trap_vec_bad
	j	s_trap_vec_bad
	j	s_trap_vec_bad
	j	s_trap_vec5      /* STI */
	j	s_trap_vec_bad
	j	s_trap_vec_bad
	j	s_trap_vec_bad
	j	s_trap_vec9      /* SEI */
	j	s_trap_vec_bad
	j	s_trap_vec_bad
	j	s_trap_vec_bad
	j	s_trap_vec_bad
	j	s_trap_vec_bad
	j	s_trap_vec_bad
	.option pop

/* long run_in_mode(int mode, long (*fn)(long), long arg): mode 0 = U, 1 = S */
	.globl run_in_mode
run_in_mode:
	la	t0, m_ctx
	SREG	ra, 0(t0)
	SREG	sp, REGBYTES(t0)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11
	SREG	s\n, (2*REGBYTES+\n*REGBYTES)(t0)
	.endr
	li	t1, 3 << 11
	csrc	mstatus, t1
	slli	t2, a0, 11
	csrs	mstatus, t2
	li	t0, 0
	bnez	a0, 1f /* the offset is for U-mode only */
	la	t0, run_va_offset
	LREG	t0, 0(t0)
1:
	la	t3, mode_trampoline
	add	t3, t3, t0
	csrw	mepc, t3
	mv	a0, a2
	la	sp, __stack_low
	add	sp, sp, t0
	mret
mode_trampoline:
	jalr	a1
	li	a7, RUN_RETURN_MAGIC
	ecall
1:	j	1b

	.bss
	.align 3
m_ctx:	.skip 8 * 14
	.globl run_va_offset
run_va_offset: .skip 8

	.section .tohost, "aw", @progbits
	.align 6
	.globl tohost
	.type tohost, @object
	.size tohost, 8
tohost:	.dword 0
	.align 6
	.globl fromhost
	.type fromhost, @object
	.size fromhost, 8
fromhost: .dword 0
