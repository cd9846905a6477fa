/* A tiny deterministic program for the insn trace test: no libc. */
	.section .text
	.globl _start
_start:
	li	a0, 5
	addi	a1, a0, 7
	la	t0, data
	sd	a1, 8(t0)
	ld	a2, 8(t0)
	c.add	a2, a0
	slli	a3, a2, 60
	amoadd.d a4, a0, (t0)
	li	a7, 93		/* exit(a2 - 17 = 0) */
	addi	a0, a2, -17
	ecall

	.section .data
	.balign 8
data:
	.quad	100, 0
