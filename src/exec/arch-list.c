/*
 * The guest ISAs compiled in, found by name (--arch) or by ELF header.
 */
#include <stddef.h>
#include <string.h>

#include "morph/frontend.h"

extern const struct morph_arch rv64_arch;
extern const struct morph_arch mipsel_arch, mips_arch;

static const struct morph_arch *const arch_table[] = {
	&rv64_arch,
	&mipsel_arch,
	&mips_arch,
	NULL,
};

const struct morph_arch *const *arch_list(void)
{
	return arch_table;
}

const struct morph_arch *arch_find(const char *name)
{
	for (unsigned i = 0; arch_table[i]; i++)
		if (!strcmp(arch_table[i]->name, name))
			return arch_table[i];
	return NULL;
}

const struct morph_arch *arch_for_elf(uint16_t machine, uint8_t elf_class, bool big_endian)
{
	for (unsigned i = 0; arch_table[i]; i++) {
		const struct morph_arch *a = arch_table[i];
		if (a->elf_machine == machine && a->elf_class == elf_class &&
		    a->big_endian == big_endian)
			return a;
	}
	return NULL;
}
