/*
 * isa-test: qemu-wrong
 *
 * ctzw counts the trailing zeros of the low 32 bits only (bit-manipulation
 * spec 1.0.0, "ctzw": "counts the number of 0 bits before the first 1 bit
 * ... of the least-significant word"), so it is 32 whenever the low word is
 * zero, whatever the upper word holds. QEMU 7.2 counts on into the upper
 * word (ctzw 0x400000000 gives 34), so isa/int-zb-ctzw-qemu is expected to
 * fail (the CMakeLists marks it WILL_FAIL); morph must follow the spec.
 * Exits with the number of the first failing check.
 */
#include "int-check.h"

int main(void)
{
	check(ZR1("ctzw", 0x400000000ull), 32, "ctzw 0x400000000");
	check(ZR1("ctzw", 0x8000000000000000ull), 32, "ctzw bit 63 only");
	check(ZR1("ctzw", 0xffffffff00000000ull), 32, "ctzw upper word all ones");
	check(ZR1("ctzw", 0x0000000100000000ull), 32, "ctzw bit 32 only");
	/* the low word decides as soon as it is non-zero */
	check(ZR1("ctzw", 0xffffffff80000000ull), 31, "ctzw bit 31");
	/* clzw and cpopw likewise ignore the upper word */
	check(ZR1("clzw", 0x0000000100000000ull), 32, "clzw bit 32 only");
	check(ZR1("cpopw", 0x0000000100000000ull), 0, "cpopw bit 32 only");
	return check_done("int-zb-ctzw");
}
