/*
 * Disassembly of a TB's host code with capstone (--trace out_asm). Each
 * guest instruction's range (from the host map) is headed by its guest pc.
 */
#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "backend-x86_64/x86-jit.h"

void x86_dump_code(struct tb *tb, void *f)
{
	FILE *out = f;
	csh h;
	cs_insn *insn;

	if (!tb->code)
		return;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) {
		fprintf(out, "  (capstone unavailable)\n");
		return;
	}
	size_t n = cs_disasm(h, tb->code, tb->code_size, (uint64_t)(uintptr_t)tb->code, 0, &insn);
	unsigned m = 0;
	int shown = -1;
	bool stubs = false;

	fprintf(out, "OUT: [size=%" PRIu32 "] tb %p pc 0x%" PRIx64 "\n", tb->code_size, tb->code,
		tb->pc);
	for (size_t i = 0; i < n; i++) {
		uint32_t off = (uint32_t)(insn[i].address - (uintptr_t)tb->code);

		/* Range m of the host map is [end of m-1, end of m) */
		while (m < tb->host_map_len && off >= tb->host_map[2 * m])
			m++;
		if (m < tb->host_map_len && (int)m != shown) {
			uint64_t pc = tb->pc + (uint64_t)(int64_t)(int32_t)tb->host_map[2 * m + 1];
			fprintf(out, "  -- guest pc 0x%" PRIx64 "\n", pc);
			shown = (int)m;
		} else if (m == tb->host_map_len && !stubs) {
			fprintf(out, "  -- exits and slow paths\n");
			stubs = true;
		}
		fprintf(out, "  0x%" PRIx64 ":  %-8s %s\n", insn[i].address, insn[i].mnemonic,
			insn[i].op_str);
	}
	if (n)
		cs_free(insn, n);
	else
		fprintf(out, "  (cannot disassemble)\n");
	cs_close(&h);
}
