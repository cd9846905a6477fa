/*
 * spike/HTIF console input: print "ready> ", then read characters with the
 * getchar command (device 1, command 0; the answer 0x100 | c arrives in
 * fromhost) and echo each one as "<c>" until 'q', then exit with status 0.
 */
	.section .text.init, "ax"
	.globl _start
_start:
	la	sp, _stack_top
	la	s0, prompt
1:	lbu	a0, 0(s0)
	beqz	a0, loop
	call	putc
	addi	s0, s0, 1
	j	1b
loop:	call	getc
	mv	s1, a0
	li	a0, '<'
	call	putc
	mv	a0, s1
	call	putc
	li	a0, '>'
	call	putc
	li	t0, 'q'
	bne	s1, t0, loop
	li	a0, 1			/* exit(0) */
	la	t1, tohost
	sd	a0, 0(t1)
2:	j	2b

/* putc(a0): device 1, command 1, then wait for the acknowledgement */
putc:	li	t0, 0x0101
	slli	t0, t0, 48
	or	t0, t0, a0
	la	t1, tohost
	sd	t0, 0(t1)
	la	t2, fromhost
1:	ld	t3, 0(t2)
	beqz	t3, 1b
	sd	zero, 0(t2)
	ret

/* getc() -> a0: device 1, command 0; the answer carries 0x100 | c */
getc:	li	t0, 0x0100
	slli	t0, t0, 48
	la	t1, tohost
	sd	t0, 0(t1)
	la	t2, fromhost
1:	ld	t3, 0(t2)
	beqz	t3, 1b
	sd	zero, 0(t2)
	andi	a0, t3, 0xff
	ret

	.section .rodata
prompt:	.asciz "ready> "

	.section .tohost, "aw", @progbits
	.balign 64
	.globl tohost
	.type tohost, @object
	.size tohost, 8
tohost:	.dword 0
	.balign 64
	.globl fromhost
	.type fromhost, @object
	.size fromhost, 8
fromhost: .dword 0
