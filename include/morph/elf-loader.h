/*
 * ELF loading, guest-neutral: parse and validate an ELF32/ELF64 file of either
 * byte order, then map its PT_LOAD segments through a caller-supplied mapper
 * (linux-user maps them into the guest reservation; a machine could copy them
 * into guest RAM).
 *
 * Validation is strict enough that a truncated or corrupt file is reported as
 * one clear message instead of crashing or loading garbage: header fields,
 * program header bounds, segment bounds within the file, p_filesz <= p_memsz,
 * address overflow, PT_INTERP termination, page congruence of loadable
 * segments.
 */
#ifndef MORPH_ELF_LOADER_H
#define MORPH_ELF_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_PHDRS 128      /* more program headers than this is not a sane program */
#define ELF_MAX_INTERP 4096    /* PT_INTERP path length limit (PATH_MAX) */

/* e_type */
#define ELF_ET_EXEC 2
#define ELF_ET_DYN 3
/* p_type */
#define ELF_PT_LOAD 1
#define ELF_PT_DYNAMIC 2
#define ELF_PT_INTERP 3
#define ELF_PT_PHDR 6
#define ELF_PT_GNU_STACK 0x6474e551
/* p_flags */
#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_PF_R 4

/** A program header, widened to 64 bits whatever the class. */
struct elf_phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

/** A parsed ELF file. */
struct elf_file {
	int fd;                /* open file (owned; elf_close() closes it) */
	uint64_t file_size;
	uint8_t elf_class;     /* 1: ELFCLASS32, 2: ELFCLASS64 */
	bool big_endian;
	uint16_t type;         /* ELF_ET_EXEC or ELF_ET_DYN */
	uint16_t machine;      /* EM_* */
	uint32_t eflags;
	uint64_t entry;
	uint64_t phoff;
	uint16_t phentsize;
	uint16_t phnum;
	struct elf_phdr *phdrs;  /* phnum entries */
	char *interp;            /* PT_INTERP path or NULL */
	uint64_t min_vaddr;      /* page-aligned lowest PT_LOAD address */
	uint64_t max_vaddr;      /* highest PT_LOAD end (p_vaddr + p_memsz) */
	bool exec_stack;         /* PT_GNU_STACK with PF_X (or no PT_GNU_STACK) */
};

/** Where and how a file was loaded. */
struct elf_loaded {
	uint64_t bias;       /* added to every p_vaddr (0 for ET_EXEC) */
	uint64_t entry;      /* entry + bias */
	uint64_t phdr;       /* guest address of the program headers (AT_PHDR), 0 if not loaded */
	uint64_t start;      /* lowest mapped address */
	uint64_t end;        /* end of the highest segment (start of brk, unaligned) */
};

/**
 * struct elf_mapper - how segments get into guest memory. Addresses are guest
 * virtual, page-aligned by elf_load(); @prot uses ELF_PF_* bits.
 */
struct elf_mapper {
	void *opaque;
	uint64_t page_size;
	/**
	 * place() - choose where the whole image [addr, addr+len) goes. If @fixed
	 * is true it must go exactly there (ET_EXEC): check the range is usable;
	 * otherwise @addr is a hint and the mapper may choose another free place.
	 * Returns the address, or (uint64_t)-errno (test with elf_map_failed()).
	 */
	uint64_t (*place)(void *opaque, uint64_t addr, uint64_t len, bool fixed);
	/** map_file() - map @len bytes of the file at @off to @addr (private copy). */
	int (*map_file)(void *opaque, uint64_t addr, uint64_t len, uint32_t prot, int fd,
			uint64_t off);
	/** map_anon() - zero-filled memory at @addr. */
	int (*map_anon)(void *opaque, uint64_t addr, uint64_t len, uint32_t prot);
	/** zero() - clear @len bytes at (unaligned) @addr, which is mapped writable. */
	int (*zero)(void *opaque, uint64_t addr, uint64_t len);
	/** copy() - store @len bytes from @src at @addr, which is mapped writable. */
	int (*copy)(void *opaque, uint64_t addr, const void *src, uint64_t len);
	/** protect() - change the protection of mapped pages. */
	int (*protect)(void *opaque, uint64_t addr, uint64_t len, uint32_t prot);
};

static inline bool elf_map_failed(uint64_t v)
{
	return v >= (uint64_t)-4095;
}

/**
 * elf_open() - open and validate @path. On failure returns a negative errno
 * (ENOENT, EACCES ... from the file system; ENOEXEC for a file that is not a
 * valid ELF) and writes a one-line reason into @err.
 */
int elf_open(struct elf_file *ef, const char *path, char *err, size_t errlen);

/** elf_open_fd() - as elf_open() for an open @fd (taken over: closed on failure too). */
int elf_open_fd(struct elf_file *ef, int fd, char *err, size_t errlen);

/**
 * elf_load() - map @ef's PT_LOAD segments. For ET_EXEC at their addresses;
 * for ET_DYN at @base (or wherever mapper->reserve() puts it when @base is a
 * hint). Fills @out. Returns 0 or a negative errno with @err set.
 */
int elf_load(const struct elf_file *ef, uint64_t base, const struct elf_mapper *m,
	     struct elf_loaded *out, char *err, size_t errlen);

/** elf_close() - release @ef (closes the fd, frees the headers). */
void elf_close(struct elf_file *ef);

/** elf_is_elf() - true if the first bytes @buf (@len of them) start with the ELF magic. */
bool elf_is_elf(const void *buf, size_t len);

#endif
