/*
 * Putting images into guest RAM: ELF files at their physical addresses (with
 * a symbol lookup for HTIF's tohost/fromhost), raw binaries, the RISC-V
 * Linux kernel per its boot protocol (Documentation/arch/riscv/boot.rst and
 * boot-image-header.rst) and the initrd. Every range is checked against RAM
 * before anything is copied, so a too-large image is a clear error before
 * the guest starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "morph/elf-loader.h"
#include "morph/machine.h"
#include "src/system/system.h"

#define MiB (1ull << 20)

void *machine_ram_ptr(struct machine *m, uint64_t addr, uint64_t len)
{
	/* RAM is one host allocation even where a board splits its bus mapping (spike's HTIF) */
	if (addr >= m->ram_base && len <= m->ram_size && addr - m->ram_base <= m->ram_size - len)
		return m->ram + (addr - m->ram_base);
	return bus_ram_ptr(m->bus, addr, len);
}

static const char *range_str(uint64_t start, uint64_t end)
{
	static __thread char buf[64];

	snprintf(buf, sizeof(buf), "0x%llx-0x%llx", (unsigned long long)start,
		 (unsigned long long)end);
	return buf;
}

static int pread_all(int fd, void *buf, uint64_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len > (1u << 30) ? (1u << 30) : (size_t)len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO; /* truncated */
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

static int open_image(struct machine *m, const char *what, const char *path, uint64_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return machine_error(m, "%s %s: %s", what, path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return machine_error(m, "%s %s: not a regular file", what, path);
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

int machine_file_is_elf(struct machine *m, const char *what, const char *path)
{
	uint8_t magic[4];
	uint64_t size;
	int fd = open_image(m, what, path, &size);
	int r;

	if (fd < 0)
		return -1;
	r = size >= 4 && pread_all(fd, magic, 4, 0) == 0 && elf_is_elf(magic, 4);
	close(fd);
	return r;
}

/* ------------------------------------------------------------------ ELF */

static uint64_t rd(const uint8_t *p, unsigned n, bool be)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
	return v;
}

/*
 * Look @names up in the ELF's symbol table (SHT_SYMTAB, else SHT_DYNSYM).
 * Missing symbols, tables or a stripped file leave the values 0.
 */
static void elf_find_symbols(const struct elf_file *ef, const char *const *names, uint64_t *values,
			     unsigned n)
{
	bool is64 = ef->elf_class == 2, be = ef->big_endian;
	uint8_t eh[64];
	uint64_t shoff;
	unsigned shentsize, shnum;
	uint8_t *sh = NULL, *syms = NULL;
	char *strs = NULL;

	for (unsigned i = 0; i < n; i++)
		values[i] = 0;
	if (!n || pread_all(ef->fd, eh, is64 ? 64 : 52, 0) < 0)
		return;
	shoff = is64 ? rd(eh + 40, 8, be) : rd(eh + 32, 4, be);
	shentsize = (unsigned)rd(eh + (is64 ? 58 : 46), 2, be);
	shnum = (unsigned)rd(eh + (is64 ? 60 : 48), 2, be);
	if (!shoff || shnum == 0 || shnum > 4096 || shentsize < (is64 ? 64u : 40u) ||
	    shoff > ef->file_size || (uint64_t)shnum * shentsize > ef->file_size - shoff)
		return;
	sh = malloc((size_t)shnum * shentsize);
	if (!sh || pread_all(ef->fd, sh, (uint64_t)shnum * shentsize, shoff) < 0)
		goto out;
	for (int pass = 0; pass < 2; pass++) {
		uint32_t want = pass == 0 ? 2 /* SHT_SYMTAB */ : 11 /* SHT_DYNSYM */;

		for (unsigned i = 0; i < shnum; i++) {
			const uint8_t *s = sh + (size_t)i * shentsize;
			uint64_t off, size, entsize, stroff, strsize;
			unsigned link;
			const uint8_t *l;

			if (rd(s + 4, 4, be) != want)
				continue;
			off = is64 ? rd(s + 24, 8, be) : rd(s + 16, 4, be);
			size = is64 ? rd(s + 32, 8, be) : rd(s + 20, 4, be);
			link = (unsigned)rd(s + (is64 ? 40 : 24), 4, be);
			entsize = is64 ? 24 : 16;
			if (link >= shnum || off > ef->file_size || size > ef->file_size - off ||
			    size > (64u << 20))
				continue;
			l = sh + (size_t)link * shentsize;
			stroff = is64 ? rd(l + 24, 8, be) : rd(l + 16, 4, be);
			strsize = is64 ? rd(l + 32, 8, be) : rd(l + 20, 4, be);
			if (stroff > ef->file_size || strsize > ef->file_size - stroff ||
			    strsize > (64u << 20) || strsize == 0)
				continue;
			syms = malloc(size);
			strs = malloc(strsize + 1);
			if (!syms || !strs || pread_all(ef->fd, syms, size, off) < 0 ||
			    pread_all(ef->fd, strs, strsize, stroff) < 0)
				goto out;
			strs[strsize] = '\0';
			for (uint64_t k = 0; k + entsize <= size; k += entsize) {
				const uint8_t *y = syms + k;
				uint64_t name = rd(y, 4, be);
				uint64_t value = is64 ? rd(y + 8, 8, be) : rd(y + 4, 4, be);

				if (name >= strsize)
					continue;
				for (unsigned j = 0; j < n; j++)
					if (!values[j] && !strcmp(strs + name, names[j]))
						values[j] = value;
			}
			goto out;
		}
	}
out:
	free(sh);
	free(syms);
	free(strs);
}

int machine_load_elf(struct machine *m, const char *path, struct machine_image *img,
		     const char *const *syms, uint64_t *values, unsigned nsyms)
{
	struct elf_file ef;
	char err[200];
	int r;

	r = elf_open(&ef, path, err, sizeof(err));
	if (r < 0)
		return machine_error(m, "%s: %s", path, err);
	memset(img, 0, sizeof(*img));
	img->start = UINT64_MAX;
	img->is_elf = true;
	img->elf_class = ef.elf_class;
	img->entry = ef.entry;
	/* check every segment first: nothing is written for an image that does not fit */
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < ef.phnum; i++) {
			const struct elf_phdr *ph = &ef.phdrs[i];
			uint8_t *dst;

			if (ph->type != ELF_PT_LOAD || ph->memsz == 0)
				continue;
			dst = machine_ram_ptr(m, ph->paddr, ph->memsz);
			if (!dst) {
				machine_error(m, "%s: segment at %s is outside RAM (%s)", path,
					      range_str(ph->paddr, ph->paddr + ph->memsz),
					      range_str(m->ram_base, m->ram_base + m->ram_size));
				elf_close(&ef);
				return -1;
			}
			if (pass == 0)
				continue;
			r = pread_all(ef.fd, dst, ph->filesz, ph->offset);
			if (r < 0) {
				machine_error(m, "%s: read error: %s", path, strerror(-r));
				elf_close(&ef);
				return -1;
			}
			memset(dst + ph->filesz, 0, ph->memsz - ph->filesz);
			if (ph->paddr < img->start)
				img->start = ph->paddr;
			if (ph->paddr + ph->memsz > img->end)
				img->end = ph->paddr + ph->memsz;
		}
	}
	if (syms)
		elf_find_symbols(&ef, syms, values, nsyms);
	elf_close(&ef);
	return 0;
}

int machine_elf_symbols(struct machine *m, const char *path, const char *const *names,
			uint64_t *values, unsigned n)
{
	struct elf_file ef;
	char err[200];

	if (elf_open(&ef, path, err, sizeof(err)) < 0)
		return machine_error(m, "%s: %s", path, err);
	elf_find_symbols(&ef, names, values, n);
	elf_close(&ef);
	return 0;
}

int machine_load_raw(struct machine *m, const char *path, uint64_t addr, uint64_t max,
		     struct machine_image *img)
{
	uint64_t size;
	void *dst;
	int fd = open_image(m, "image", path, &size), r;

	if (fd < 0)
		return -1;
	if (size == 0) {
		close(fd);
		return machine_error(m, "%s: empty file", path);
	}
	dst = size <= max ? machine_ram_ptr(m, addr, size) : NULL;
	if (!dst) {
		close(fd);
		return machine_error(m, "%s: %llu bytes do not fit in RAM at 0x%llx", path,
				     (unsigned long long)size, (unsigned long long)addr);
	}
	r = pread_all(fd, dst, size, 0);
	close(fd);
	if (r < 0)
		return machine_error(m, "%s: read error: %s", path, strerror(-r));
	memset(img, 0, sizeof(*img));
	img->start = img->entry = addr;
	img->end = addr + size;
	return 0;
}

/* --------------------------------------------------------------- kernel */

/* The header at the start of a RISC-V Linux Image (boot-image-header.rst). */
struct rv_image_header {
	uint32_t code0, code1;
	uint64_t text_offset; /* load offset from the start of RAM (little-endian) */
	uint64_t image_size;  /* memory footprint, bss included */
	uint64_t flags;	      /* bit 0: big-endian kernel */
	uint32_t version;
	uint32_t res1;
	uint64_t res2;
	uint8_t magic[8];  /* "RISCV\0\0\0" (deprecated) */
	uint8_t magic2[4]; /* "RSC\x05" */
	uint32_t res3;
};
_Static_assert(sizeof(struct rv_image_header) == 64, "Image header is 64 bytes");

int machine_load_kernel(struct machine *m, const char *path, uint64_t min_addr, unsigned xlen)
{
	uint64_t align = xlen == 32 ? 4 * MiB : 2 * MiB;
	uint64_t ram_end = m->ram_base + m->ram_size;
	struct rv_image_header h;
	struct machine_image img;
	uint64_t size, footprint, addr;
	int fd, is_elf = machine_file_is_elf(m, "kernel", path);

	if (is_elf < 0)
		return -1;
	if (is_elf) {
		/* a vmlinux or bare-metal ELF: its own physical addresses */
		if (machine_load_elf(m, path, &img, NULL, NULL, 0) < 0)
			return -1;
		m->kernel_start = img.start;
		m->kernel_end = img.end;
		m->kernel_entry = img.entry;
		return 0;
	}
	fd = open_image(m, "kernel", path, &size);
	if (fd < 0)
		return -1;
	footprint = size;
	if (size >= sizeof(h) && pread_all(fd, &h, sizeof(h), 0) == 0 &&
	    (!memcmp(h.magic2, "RSC\x05", 4) || !memcmp(h.magic, "RISCV\0\0\0", 8))) {
		/* little-endian fields; the host is x86-64 */
		if (h.flags & 1) {
			close(fd);
			return machine_error(m, "kernel %s: a big-endian Image", path);
		}
		if (h.image_size > footprint)
			footprint = h.image_size;
	}
	close(fd);
	addr = (min_addr + align - 1) & ~(align - 1);
	if (addr < m->ram_base || addr >= ram_end || footprint > ram_end - addr)
		return machine_error(m,
				     "kernel %s (%llu MiB with its bss) does not fit in RAM above "
				     "0x%llx (%llu MiB of RAM; try a larger -m)",
				     path, (unsigned long long)((footprint + MiB - 1) / MiB),
				     (unsigned long long)addr,
				     (unsigned long long)(m->ram_size / MiB));
	if (machine_load_raw(m, path, addr, ram_end - addr, &img) < 0)
		return -1;
	m->kernel_start = addr;
	m->kernel_end = addr + footprint;
	m->kernel_entry = addr;
	return 0;
}

int machine_load_initrd(struct machine *m, const char *path)
{
	uint64_t ram_end = m->ram_base + m->ram_size;
	uint64_t size, start, base = m->kernel_end ? m->kernel_start : m->ram_base;
	struct machine_image img;
	int fd = open_image(m, "initrd", path, &size);

	if (fd < 0)
		return -1;
	close(fd);
	if (size == 0)
		return machine_error(m, "initrd %s: empty file", path);
	/*
	 * Far enough above the kernel that its early allocations do not land on
	 * it (QEMU: 128 MiB, or half of RAM on small machines), page-aligned,
	 * and never below the end of the kernel's footprint.
	 */
	start = base + (m->ram_size / 2 < 128 * MiB ? m->ram_size / 2 : 128 * MiB);
	if (m->kernel_end && start < m->kernel_end)
		start = m->kernel_end;
	start = (start + 0xfff) & ~0xfffull;
	/* leave the top 2 MiB for the device tree */
	if (start >= ram_end || size + 2 * MiB > ram_end - start) {
		/* small RAM: right after the kernel, if it fits there */
		start = ((m->kernel_end ? m->kernel_end : m->ram_base) + 0xfff) & ~0xfffull;
		if (start >= ram_end || size + 2 * MiB > ram_end - start)
			return machine_error(m,
					     "initrd %s (%llu KiB) does not fit in RAM with the "
					     "kernel (%llu MiB of RAM; try a larger -m)",
					     path, (unsigned long long)(size >> 10),
					     (unsigned long long)(m->ram_size / MiB));
	}
	if (machine_load_raw(m, path, start, size, &img) < 0)
		return -1;
	m->initrd_start = start;
	m->initrd_end = start + size;
	return 0;
}

/* --------------------------------------------------------- RISC-V boot ROM */

/* Instruction encodings (RISC-V unprivileged ISA, chapter 2: I-type and U-type) */
#define RV_T0 5
#define RV_A0 10
#define RV_A1 11
#define RV_A2 12
#define RV_CSR_MHARTID 0xf14

static uint32_t rv_itype(uint32_t opcode, unsigned funct3, unsigned rd, unsigned rs1, int32_t imm)
{
	return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * The reset vector, in the form OpenSBI's fw_dynamic expects from QEMU:
 *
 *	auipc	t0, 0
 *	addi	a2, t0, INFO		# &fw_dynamic_info
 *	csrr	a0, mhartid
 *	ld	a1, FDT(t0)		# lw on RV32
 *	ld	t0, START(t0)
 *	jr	t0
 *	START:	.dword start
 *	FDT:	.dword fdt address
 *	INFO:	struct fw_dynamic_info (xlen-sized fields)
 */
int rv_boot_rom(struct machine *m, unsigned xlen, uint64_t start, uint64_t next_addr,
		unsigned next_mode)
{
	enum { START = 0x18, FDT = 0x20, INFO = 0x28 };
	unsigned w = xlen / 8, load = xlen == 32 ? 2 : 3; /* lw / ld */
	const uint64_t info[] = {
	    FW_DYNAMIC_INFO_MAGIC,
	    FW_DYNAMIC_INFO_VERSION,
	    next_addr,
	    next_mode,
	    0 /* options */,
	    0 /* boot_hart: hart 0 boots, the others wait */,
	};
	uint32_t code[] = {
	    RV_T0 << 7 | 0x17, /* auipc t0, 0 */
	    rv_itype(0x13, 0, RV_A2, RV_T0, INFO),
	    rv_itype(0x73, 2, RV_A0, 0, RV_CSR_MHARTID),
	    rv_itype(0x03, load, RV_A1, RV_T0, FDT),
	    rv_itype(0x03, load, RV_T0, RV_T0, START),
	    rv_itype(0x67, 0, 0, RV_T0, 0), /* jalr x0, 0(t0) */
	};
	uint8_t *rom = m->rom;

	if (!rom || m->mc->rom_size < INFO + sizeof(info))
		return machine_error(m, "no room for the boot ROM");
	memset(rom, 0, m->mc->rom_size);
	for (unsigned i = 0; i < sizeof(code) / sizeof(code[0]); i++)
		put_le(rom + 4 * i, code[i], 4);
	put_le(rom + START, start, 8);
	put_le(rom + FDT, m->fdt_addr, 8);
	for (unsigned i = 0; i < sizeof(info) / sizeof(info[0]); i++)
		put_le(rom + INFO + w * i, info[i], w);
	return 0;
}
