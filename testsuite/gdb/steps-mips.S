/*
 * steps(x) for MIPS (o32): x + 3 in steps a debugger's stepi can be checked
 * against: a plain instruction, then a branch whose delay slot does the rest
 * (a stepi over the branch ends at its target with the delay slot done).
 * On the way out it stores the result into `counter` from the delay slot of
 * its return (a watchpoint hit inside a delay slot).
 */
	.text
	.set	noreorder
	.globl	steps
	.ent	steps
	.type	steps, @function
steps:
	addiu	$a0, $a0, 1	/* steps + 0 */
	b	1f		/* steps + 4 */
	addiu	$a0, $a0, 2	/* steps + 8: the delay slot */
	addiu	$a0, $a0, 100	/* steps + 12: never runs */
1:	la	$t0, counter	/* steps + 16 */
	move	$v0, $a0
	jr	$ra
	sw	$a0, 0($t0)	/* the delay slot: counter = x + 3 */
	.end	steps
	.size	steps, . - steps
