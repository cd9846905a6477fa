/*
 * steps(x): x + 3 in two instructions of known lengths, so a debugger's stepi
 * can be checked: a compressed one (2 bytes), then a full one (4 bytes).
 */
	.text
	.globl	steps
	.type	steps, @function
steps:
	.option push
	.option rvc
	c.addi	a0, 1
	.option norvc
	addi	a0, a0, 2
	.option pop
	ret
	.size	steps, . - steps
