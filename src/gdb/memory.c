/*
 * Guest memory as GDB sees it: guest virtual addresses of the selected
 * hart. User mode asks the runner (which knows the guest's mappings);
 * system mode translates page by page with the frontend's side-effect-free
 * walk and touches RAM and ROM only, never device registers. Writes drop
 * the TBs translated from the bytes they change.
 */
#include <string.h>

#include "morph/bus.h"
#include "morph/frontend.h"
#include "morph/softmmu.h"
#include "morph/tb.h"
#include "src/gdb/gdb-internal.h"

void gdbstub_set_user_memory(int (*read)(uint64_t addr, void *buf, size_t len),
			     int (*write)(uint64_t addr, const void *buf, size_t len))
{
	gdb.read_mem = read;
	gdb.write_mem = write;
}

/* Bytes from @addr to the end of its page, at most @len. */
static size_t page_chunk(uint64_t addr, size_t len)
{
	size_t left = TLB_PAGE_SIZE - (addr & ~TLB_PAGE_MASK);

	return len < left ? len : left;
}

/* Host memory of guest virtual [@va, @va + @len) (inside one page), NULL if not RAM/ROM. */
static uint8_t *sys_host(struct cpu *cpu, uint64_t va, size_t len, bool write, uint64_t *pa)
{
	const struct gdb_arch *ga = cpu->arch->gdb;

	if (!cpu->softmmu || !ga || !ga->virt_to_phys || !ga->virt_to_phys(cpu, va, pa))
		return NULL;
	return write ? bus_ram_ptr_w(cpu->mmu.bus, *pa, len) : bus_ram_ptr(cpu->mmu.bus, *pa, len);
}

int gdb_mem_read(struct cpu *cpu, uint64_t addr, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		size_t n = page_chunk(addr, len);
		uint64_t pa;
		if (gdb.read_mem) {
			if (gdb.read_mem(addr, out, n) < 0)
				return -1;
		} else {
			uint8_t *p = sys_host(cpu, addr, n, false, &pa);
			if (!p)
				return -1;
			memcpy(out, p, n);
		}
		out += n;
		addr += n;
		len -= n;
	}
	return 0;
}

int gdb_mem_write(struct cpu *cpu, uint64_t addr, const void *buf, size_t len)
{
	const uint8_t *in = buf;

	while (len) {
		size_t n = page_chunk(addr, len);
		uint64_t pa;
		if (gdb.write_mem) {
			if (gdb.write_mem(addr, in, n) < 0)
				return -1;
			tb_invalidate_range(addr, addr + n);
		} else {
			uint8_t *p = sys_host(cpu, addr, n, true, &pa);
			if (!p)
				return -1;
			memcpy(p, in, n);
			softmmu_invalidate_phys(pa, pa + n);
		}
		in += n;
		addr += n;
		len -= n;
	}
	return 0;
}
