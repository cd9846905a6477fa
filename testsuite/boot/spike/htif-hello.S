/*
 * spike/HTIF: print a line through the console device (putchar commands,
 * waiting for each acknowledgement in fromhost), print another through the
 * system call proxy (write(1, buf, len) in a magic_mem block), then exit
 * with status 0. Expected output: "hello from htif\nhello from syscall\n".
 */
	.section .text.init, "ax"
	.globl _start
_start:
	csrr	t0, mhartid
	bnez	t0, park		/* one hart prints */
	la	sp, _stack_top
	la	s0, msg
1:	lbu	a0, 0(s0)
	beqz	a0, 2f
	call	putc
	addi	s0, s0, 1
	j	1b
2:	/* write(1, msg2, len) through the syscall block */
	la	t0, magic
	li	t1, 64			/* SYS_write */
	sd	t1, 0(t0)
	li	t1, 1
	sd	t1, 8(t0)
	la	t1, msg2
	sd	t1, 16(t0)
	la	t2, msg2_end
	sub	t1, t2, t1
	sd	t1, 24(t0)
	mv	s1, t1
	fence
	la	t1, tohost
	sd	t0, 0(t1)		/* device 0, command 0, even payload: the block */
	la	t2, fromhost
3:	ld	t3, 0(t2)
	beqz	t3, 3b
	sd	zero, 0(t2)
	ld	t3, 0(t0)		/* write()'s result: the length */
	bne	t3, s1, fail
	li	a0, 0
	j	exit

fail:	li	a0, 9
exit:	slli	a0, a0, 1
	ori	a0, a0, 1
	la	t1, tohost
	sd	a0, 0(t1)
park:	wfi
	j	park

/* putc(a0): device 1, command 1; wait for the acknowledgement */
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

	.section .rodata
msg:	.asciz "hello from htif\n"
msg2:	.ascii "hello from syscall\n"
msg2_end:

	.data
	.balign 64
magic:	.zero 64

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
