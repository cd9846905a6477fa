/* spike/HTIF: exit with status 5 (tohost = 5 << 1 | 1); morph must exit with 5. */
	.section .text.init, "ax"
	.globl _start
_start:
	li	a0, (5 << 1) | 1
	la	t1, tohost
	sd	a0, 0(t1)
1:	j	1b

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
