/*
 * The trapping mode of misaligned accesses (`morph system --trap-misaligned`,
 * RISC-V Privileged ISA 20211203, 3.1.15 and 3.6.3: an implementation may
 * raise address-misaligned exceptions instead of performing the access).
 * Every misaligned load or store traps with the load/store address-misaligned
 * cause and the address in mtval, writes nothing and leaves the destination
 * register alone; aligned accesses still work. Runs on morph only: QEMU 7 and
 * morph's default perform misaligned accesses (misaligned.c).
 */
#include "rt.h"

#define NORVC(insn) ".option push\n.option norvc\n" insn "\n.option pop"

int main(void)
{
	static uint8_t buf[32] __attribute__((aligned(16)));
	unsigned long v = 0x5555, n;

	trap_reset();
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)i;

	n = trap_count;
	__asm__ volatile(NORVC("lw %0, 0(%1)") : "+r"(v) : "r"(buf + 1) : "memory");
	CHECK_TRAP(n, CAUSE_LOAD_MISALIGNED, 'M');
	CHECK_EQ(last_trap()->tval, (unsigned long)(buf + 1));
	CHECK_EQ(v, 0x5555);

	n = trap_count;
	__asm__ volatile(NORVC("ld %0, 0(%1)") : "+r"(v) : "r"(buf + 4) : "memory");
	CHECK_TRAP(n, CAUSE_LOAD_MISALIGNED, 'M');
	CHECK_EQ(v, 0x5555);

	n = trap_count;
	__asm__ volatile(NORVC("lh %0, 0(%1)") : "+r"(v) : "r"(buf + 3) : "memory");
	CHECK_TRAP(n, CAUSE_LOAD_MISALIGNED, 'M');

	n = trap_count;
	__asm__ volatile(NORVC("sw %0, 0(%1)") ::"r"(0xdeadbeeful), "r"(buf + 2) : "memory");
	CHECK_TRAP(n, CAUSE_STORE_MISALIGNED, 'M');
	CHECK_EQ(last_trap()->tval, (unsigned long)(buf + 2));
	for (int i = 0; i < 8; i++)
		CHECK_EQ(buf[i], i); /* nothing written */

	n = trap_count;
	__asm__ volatile(NORVC("sd %0, 0(%1)") ::"r"(~0ul), "r"(buf + 12) : "memory");
	CHECK_TRAP(n, CAUSE_STORE_MISALIGNED, 'M');
	CHECK_EQ(buf[12], 12);

	/* aligned accesses, and bytes anywhere, are unaffected */
	n = trap_count;
	__asm__ volatile(NORVC("lw %0, 0(%1)") : "=r"(v) : "r"(buf + 4) : "memory");
	CHECK_EQ(v, 0x07060504);
	__asm__ volatile(NORVC("lbu %0, 0(%1)") : "=r"(v) : "r"(buf + 7) : "memory");
	CHECK_EQ(v, 7);
	__asm__ volatile(NORVC("sd %0, 0(%1)") ::"r"(0x1122334455667788ul), "r"(buf + 16) : "memory");
	CHECK_EQ(buf[16], 0x88);
	CHECK_EQ(trap_count, n);

	puts_("misaligned-trap: ok\n");
	return 0;
}
