/*
 * Unit tests for linux-user: the guest address space (mapping bookkeeping,
 * free-space search, brk, protection), the ELF loader on valid and malformed
 * files, constant translation, and the riscv64 signal frame.
 */
#include <check.h>
#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "morph/elf-loader.h"
#include "morph/linux-abi.h"
#include "morph/linux-user.h"
#include "frontends/riscv/rv-cpu.h"
#include "src/linux-user/lx.h"
#include "check-suite.h"

extern const struct linux_abi rv64_linux_abi;

#define TASK (1ull << 38)

static void setup_lx(void)
{
	memset(&lx.gs, 0, sizeof(lx.gs));
	lx.abi = &rv64_linux_abi;
	lx.wordsz = 8;
	lx.be = false;
	ck_assert_int_eq(guest_space_init(&lx.gs, 64, TASK), 0);
}

static void teardown_lx(void)
{
	guest_space_destroy(&lx.gs);
}

/* ---- guest space ---- */

START_TEST(gs_reservation)
{
	struct guest_space *gs = &lx.gs;

	ck_assert_uint_eq(gs->mask, (1ull << 40) - 1);
	ck_assert_uint_ge(gs->resv_size, gs->mask + 1 + 8);
	ck_assert_uint_eq(gs->task_size, TASK);
	/* nothing is mapped yet */
	ck_assert(gs_is_free(gs, 0x10000, 0x1000));
	ck_assert(!gs_check(gs, 0x10000, 1, GS_PROT_READ));
	ck_assert_ptr_eq(gs_g2h(gs, 0x1234), (void *)(gs->base + 0x1234));
	/* addresses are masked into the reservation */
	ck_assert_ptr_eq(gs_g2h(gs, (1ull << 40) + 0x10), (void *)(gs->base + 0x10));
}
END_TEST

START_TEST(gs_map_split_merge)
{
	struct guest_space *gs = &lx.gs;
	struct gs_vma v;
	bool flag;

	ck_assert_int_eq(gs_map(gs, 0x100000, 0x10000, GS_PROT_READ | GS_PROT_WRITE, 0, -1, 0), 0);
	ck_assert_uint_eq(gs->nvmas, 1);
	ck_assert(gs_check(gs, 0x100000, 0x10000, GS_PROT_READ | GS_PROT_WRITE));
	/* the host memory is really there and zeroed */
	ck_assert_int_eq(*(int *)gs_g2h(gs, 0x100100), 0);
	*(int *)gs_g2h(gs, 0x100100) = 42;

	/* mprotect the middle: three ranges */
	ck_assert_int_eq(gs_protect(gs, 0x104000, 0x2000, GS_PROT_READ, &flag), 0);
	ck_assert_uint_eq(gs->nvmas, 3);
	ck_assert(!gs_check(gs, 0x100000, 0x10000, GS_PROT_WRITE));
	ck_assert(gs_check(gs, 0x100000, 0x10000, GS_PROT_READ));
	ck_assert(gs_lookup(gs, 0x105000, &v));
	ck_assert_uint_eq(v.start, 0x104000);
	ck_assert_uint_eq(v.end, 0x106000);
	ck_assert_uint_eq(v.prot, GS_PROT_READ);
	/* and back: merged into one again */
	ck_assert_int_eq(gs_protect(gs, 0x104000, 0x2000, GS_PROT_READ | GS_PROT_WRITE, &flag), 0);
	ck_assert_uint_eq(gs->nvmas, 1);
	ck_assert_int_eq(*(int *)gs_g2h(gs, 0x100100), 42);

	/* punch a hole: the hole is PROT_NONE on the host and free for the guest */
	ck_assert_int_eq(gs_unmap(gs, 0x102000, 0x1000, &flag), 0);
	ck_assert(!flag);
	ck_assert_uint_eq(gs->nvmas, 2);
	ck_assert(gs_is_free(gs, 0x102000, 0x1000));
	ck_assert(!gs_is_free(gs, 0x101000, 0x2000));
	ck_assert(!gs_check(gs, 0x101000, 0x2000, GS_PROT_READ));
	/* mprotect over a hole fails with ENOMEM (Linux) */
	ck_assert_int_eq(gs_protect(gs, 0x100000, 0x10000, GS_PROT_READ, NULL), -ENOMEM);
}
END_TEST

START_TEST(gs_exec_tracking)
{
	struct guest_space *gs = &lx.gs;
	bool flag = false;

	ck_assert_int_eq(gs_map(gs, 0x200000, 0x4000, GS_PROT_READ | GS_PROT_EXEC, 0, -1, 0), 0);
	ck_assert_int_eq(gs_protect(gs, 0x200000, 0x1000, GS_PROT_READ, &flag), 0);
	ck_assert(flag); /* code lost PROT_EXEC: translations must go */
	ck_assert_int_eq(gs_protect(gs, 0x201000, 0x1000, GS_PROT_READ | GS_PROT_EXEC, &flag), 0);
	ck_assert(!flag);
	ck_assert_int_eq(gs_unmap(gs, 0x202000, 0x2000, &flag), 0);
	ck_assert(flag);
	ck_assert_int_eq(gs_unmap(gs, 0x200000, 0x1000, &flag), 0);
	ck_assert(!flag);
}
END_TEST

START_TEST(gs_find_free_topdown)
{
	struct guest_space *gs = &lx.gs;
	uint64_t a, b, c;

	gs->mmap_base = 0x4000000000ull - 0x10000000;
	a = gs_find_free(gs, 0, 0x3000);
	ck_assert(!lx_is_err_addr(a));
	ck_assert_uint_eq(a, gs->mmap_base - 0x3000);
	ck_assert_int_eq(gs_map(gs, a, 0x3000, GS_PROT_READ, 0, -1, 0), 0);
	b = gs_find_free(gs, 0, 0x1000);
	ck_assert_uint_eq(b, a - 0x1000);
	ck_assert_int_eq(gs_map(gs, b, 0x1000, GS_PROT_READ, 0, -1, 0), 0);
	/* a free hint is honoured, a taken one is not */
	c = gs_find_free(gs, 0x700000, 0x1000);
	ck_assert_uint_eq(c, 0x700000);
	c = gs_find_free(gs, a, 0x1000);
	ck_assert_uint_ne(c, a);
	/* length rounds up to pages; absurd lengths fail */
	ck_assert(lx_is_err_addr(gs_find_free(gs, 0, TASK + 1)));
	/* a hole in the middle gets reused for something that fits */
	ck_assert_int_eq(gs_unmap(gs, a + 0x1000, 0x1000, NULL), 0);
	ck_assert_int_eq(gs_map(gs, b - 0x100000, 0x1000, GS_PROT_READ, 0, -1, 0), 0);
	gs->mmap_base = b; /* search below b, then bottom-up */
	c = gs_find_free(gs, 0, 0x1000);
	ck_assert_uint_eq(c, b - 0x1000);
}
END_TEST

START_TEST(gs_brk_behaviour)
{
	struct guest_space *gs = &lx.gs;

	gs->brk_start = gs->brk_cur = 0x400000;
	ck_assert_uint_eq(gs_brk(gs, 0), 0x400000);
	ck_assert_uint_eq(gs_brk(gs, 0x400800), 0x400800);
	ck_assert(gs_check(gs, 0x400000, 0x1000, GS_PROT_READ | GS_PROT_WRITE));
	*(char *)gs_g2h(gs, 0x4007ff) = 1;
	ck_assert_uint_eq(gs_brk(gs, 0x410000), 0x410000);
	ck_assert(gs_check(gs, 0x400000, 0x10000, GS_PROT_WRITE));
	/* below the start: refused, the break stays */
	ck_assert_uint_eq(gs_brk(gs, 0x3ff000), 0x410000);
	/* shrinking unmaps whole pages above the new break */
	ck_assert_uint_eq(gs_brk(gs, 0x401000), 0x401000);
	ck_assert(!gs_check(gs, 0x401000, 1, GS_PROT_READ));
	ck_assert(gs_check(gs, 0x400000, 0x1000, GS_PROT_READ));
	/* growing into another mapping fails and keeps the old break */
	ck_assert_int_eq(gs_map(gs, 0x403000, 0x1000, GS_PROT_READ, 0, -1, 0), 0);
	ck_assert_uint_eq(gs_brk(gs, 0x405000), 0x401000);
}
END_TEST

START_TEST(gs_bounds)
{
	struct guest_space *gs = &lx.gs;

	ck_assert_int_eq(gs_map(gs, TASK - 0x1000, 0x2000, GS_PROT_READ, 0, -1, 0), -EINVAL);
	ck_assert_int_eq(gs_map(gs, 0x1001, 0x1000, GS_PROT_READ, 0, -1, 0), -EINVAL);
	ck_assert(!gs_check(gs, UINT64_MAX - 4, 8, GS_PROT_READ));
	ck_assert(!lx_range_ok(UINT64_MAX - 4, 8));
	ck_assert(!lx_range_ok(TASK - 4, 8));
	ck_assert(lx_range_ok(TASK - 8, 8));
}
END_TEST

START_TEST(guest_copy_helpers)
{
	char buf[64];
	uint64_t w;

	ck_assert_int_eq(gs_map(&lx.gs, 0x300000, 0x2000, GS_PROT_READ | GS_PROT_WRITE, 0, -1, 0),
			 0);
	ck_assert_int_eq(lx_copy_to_guest(0x300ff0, "hello, world", 13), 0);
	ck_assert_int_eq(lx_get_str(0x300ff0, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "hello, world");
	ck_assert_int_eq(lx_get_str(0x300ff0, buf, 5), -ENAMETOOLONG);
	/* a string running into an unmapped page faults */
	memset(gs_g2h(&lx.gs, 0x301000), 'x', 0x1000);
	ck_assert_int_eq(lx_get_str(0x301ff0, buf, sizeof(buf)), -EFAULT);
	ck_assert_int_eq(lx_copy_from_guest(buf, 0x301ff8, 16), -EFAULT);
	ck_assert_int_eq(lx_put_word(0x300000, 0x1122334455667788ull), 0);
	ck_assert_int_eq(lx_get_u32(0x300000, (uint32_t *)buf), 0);
	ck_assert_uint_eq(*(uint32_t *)buf, 0x55667788u);
	ck_assert_int_eq(lx_get_word(0x300000, &w), 0);
	ck_assert_uint_eq(w, 0x1122334455667788ull);
	/* writes to read-only guest memory are refused */
	ck_assert_int_eq(gs_protect(&lx.gs, 0x300000, 0x1000, GS_PROT_READ, NULL), 0);
	ck_assert_int_eq(lx_put_u32(0x300000, 1), -EFAULT);
}
END_TEST

/* ---- ELF loader ---- */

/* A minimal valid riscv64 ET_EXEC: one PT_LOAD of the whole file at 0x10000 (+ bss). */
static size_t make_elf(uint8_t *b, size_t cap)
{
	Elf64_Ehdr *e = (Elf64_Ehdr *)b;
	Elf64_Phdr *p = (Elf64_Phdr *)(b + sizeof(*e));

	memset(b, 0, cap);
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = ET_EXEC;
	e->e_machine = EM_RISCV;
	e->e_version = EV_CURRENT;
	e->e_entry = 0x10000 + 0x200;
	e->e_phoff = sizeof(*e);
	e->e_ehsize = sizeof(*e);
	e->e_phentsize = sizeof(*p);
	e->e_phnum = 1;
	p->p_type = PT_LOAD;
	p->p_flags = PF_R | PF_X;
	p->p_offset = 0;
	p->p_vaddr = 0x10000;
	p->p_filesz = 0x300;
	p->p_memsz = 0x2100;
	p->p_align = 0x1000;
	memset(b + 0x200, 0x13, 0x100); /* "code" */
	return 0x300;
}

static int memfd_of(const void *data, size_t len)
{
	int fd = memfd_create("elf", 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	return fd;
}

static int open_buf(struct elf_file *ef, const void *data, size_t len, char *err)
{
	return elf_open_fd(ef, memfd_of(data, len), err, 256);
}

START_TEST(elf_valid)
{
	uint8_t b[0x400];
	struct elf_file ef;
	char err[256];
	size_t n = make_elf(b, sizeof(b));

	ck_assert_int_eq(open_buf(&ef, b, n, err), 0);
	ck_assert_uint_eq(ef.machine, EM_RISCV);
	ck_assert_uint_eq(ef.elf_class, 2);
	ck_assert(!ef.big_endian);
	ck_assert_uint_eq(ef.min_vaddr, 0x10000);
	ck_assert_uint_eq(ef.max_vaddr, 0x12100);
	ck_assert_ptr_null(ef.interp);
	elf_close(&ef);
}
END_TEST

static void expect_bad(const uint8_t *b, size_t n, const char *needle)
{
	struct elf_file ef;
	char err[256] = "";
	int r = open_buf(&ef, b, n, err);

	ck_assert_int_eq(r, -ENOEXEC);
	ck_assert_msg(strstr(err, needle), "error '%s' lacks '%s'", err, needle);
}

/* A fresh valid file, changed by @change, must be refused with @needle in the message */
#define EXPECT_BAD_AFTER(change, needle)                                                           \
	do {                                                                                       \
		n = make_elf(b, sizeof(b));                                                        \
		change;                                                                            \
		expect_bad(b, n, needle);                                                          \
	} while (0)

START_TEST(elf_malformed)
{
	uint8_t b[0x400];
	size_t n;
	Elf64_Ehdr *e = (Elf64_Ehdr *)b;
	Elf64_Phdr *p = (Elf64_Phdr *)(b + sizeof(*e));

	n = make_elf(b, sizeof(b));
	expect_bad((const uint8_t *)"#!/bin/sh\n", 10, "not an ELF");
	expect_bad(b, 3, "not an ELF");
	expect_bad(b, 40, "truncated ELF header");

	EXPECT_BAD_AFTER(e->e_ident[EI_CLASS] = 7, "class");
	EXPECT_BAD_AFTER(e->e_ident[EI_DATA] = 0, "byte order");
	EXPECT_BAD_AFTER(e->e_type = ET_REL, "not an executable");
	EXPECT_BAD_AFTER(e->e_phentsize = 40, "entry size");
	EXPECT_BAD_AFTER(e->e_phnum = 0, "program header count");
	EXPECT_BAD_AFTER(e->e_phoff = 0x3f0, "beyond the end");
	EXPECT_BAD_AFTER(e->e_phoff = UINT64_MAX - 8, "beyond the end");
	EXPECT_BAD_AFTER(p->p_filesz = 0x1000, "beyond the end");
	EXPECT_BAD_AFTER(p->p_offset = UINT64_MAX - 0x10, "beyond the end");
	EXPECT_BAD_AFTER(p->p_memsz = 0x100, "file size larger");
	EXPECT_BAD_AFTER(p->p_vaddr = UINT64_MAX - 0x100, "overflows");
	EXPECT_BAD_AFTER(p->p_type = PT_NOTE, "no loadable segment");

	/* PT_INTERP must be a terminated path inside the file */
	n = make_elf(b, sizeof(b));
	e->e_phnum = 2;
	p[1] = p[0];
	p[1].p_type = PT_INTERP;
	p[1].p_offset = 0x300 - 16;
	p[1].p_filesz = 16;
	memset(b + 0x300 - 16, 'a', 16);
	expect_bad(b, n, "PT_INTERP");
	b[0x300 - 1] = '\0';
	{
		struct elf_file ef;
		char err[256];
		ck_assert_int_eq(open_buf(&ef, b, n, err), 0);
		ck_assert_str_eq(ef.interp, "aaaaaaaaaaaaaaa");
		elf_close(&ef);
	}
	p[1].p_filesz = 1u << 20;
	expect_bad(b, n, "beyond the end");
	p[1].p_offset = 0;
	p[1].p_filesz = 1;
	expect_bad(b, n, "PT_INTERP");
}
END_TEST

/* ELF32 and big-endian: every header field where the other class keeps it */
START_TEST(elf32_big_endian)
{
	uint8_t b[0x400];
	Elf32_Ehdr *e = (Elf32_Ehdr *)b;
	Elf32_Phdr *p = (Elf32_Phdr *)(b + sizeof(*e));
	struct elf_file ef;
	char err[256];

	memset(b, 0, sizeof(b));
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS32;
	e->e_ident[EI_DATA] = ELFDATA2MSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = htobe16(ET_DYN);
	e->e_machine = htobe16(EM_MIPS);
	e->e_version = htobe32(EV_CURRENT);
	e->e_entry = htobe32(0x1234);
	e->e_phoff = htobe32(sizeof(*e));
	e->e_flags = htobe32(0x70001007);
	e->e_phentsize = htobe16(sizeof(*p));
	e->e_phnum = htobe16(2);
	p[0].p_type = htobe32(PT_LOAD);
	p[0].p_offset = htobe32(0x10);
	p[0].p_vaddr = htobe32(0x400010);
	p[0].p_paddr = htobe32(0x500010);
	p[0].p_filesz = htobe32(0x2f0);
	p[0].p_memsz = htobe32(0x20f0);
	p[0].p_flags = htobe32(PF_R | PF_X);
	p[0].p_align = htobe32(0x10000);
	p[1].p_type = htobe32(PT_GNU_STACK);
	p[1].p_flags = htobe32(PF_R | PF_W);

	ck_assert_int_eq(open_buf(&ef, b, 0x300, err), 0);
	ck_assert_uint_eq(ef.elf_class, 1);
	ck_assert(ef.big_endian);
	ck_assert_uint_eq(ef.type, ET_DYN);
	ck_assert_uint_eq(ef.machine, EM_MIPS);
	ck_assert_uint_eq(ef.entry, 0x1234);
	ck_assert_uint_eq(ef.phoff, sizeof(*e));
	ck_assert_uint_eq(ef.eflags, 0x70001007);
	ck_assert_uint_eq(ef.phentsize, sizeof(*p));
	ck_assert_uint_eq(ef.phnum, 2);
	ck_assert_uint_eq(ef.phdrs[0].type, ELF_PT_LOAD);
	ck_assert_uint_eq(ef.phdrs[0].offset, 0x10);
	ck_assert_uint_eq(ef.phdrs[0].vaddr, 0x400010);
	ck_assert_uint_eq(ef.phdrs[0].paddr, 0x500010);
	ck_assert_uint_eq(ef.phdrs[0].filesz, 0x2f0);
	ck_assert_uint_eq(ef.phdrs[0].memsz, 0x20f0);
	ck_assert_uint_eq(ef.phdrs[0].flags, ELF_PF_R | ELF_PF_X);
	ck_assert_uint_eq(ef.phdrs[0].align, 0x10000);
	ck_assert_uint_eq(ef.min_vaddr, 0x400010);
	ck_assert_uint_eq(ef.max_vaddr, 0x402100);
	ck_assert(!ef.exec_stack);
	elf_close(&ef);

	/* an ELF32 segment may not reach past 4 GiB */
	p[0].p_vaddr = htobe32(0xfffff000);
	expect_bad(b, 0x300, "overflows");
}
END_TEST

START_TEST(elf_missing_file)
{
	struct elf_file ef;
	char err[256];

	ck_assert_int_eq(elf_open(&ef, "/nonexistent/prog", err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(elf_open(&ef, "/", err, sizeof(err)), -EISDIR);
}
END_TEST

/* A mapper that records into a guest space (what linux-user does) */
static uint64_t t_place(void *o, uint64_t a, uint64_t l, bool fixed)
{
	(void)o;
	return fixed ? (gs_is_free(&lx.gs, a, l) ? a : (uint64_t)-EEXIST)
		     : gs_find_free(&lx.gs, a, l);
}
static int t_map_file(void *o, uint64_t a, uint64_t l, uint32_t prot, int fd, uint64_t off)
{
	(void)o;
	return gs_map(&lx.gs, a, l, prot, 0, fd, off);
}
static int t_map_anon(void *o, uint64_t a, uint64_t l, uint32_t prot)
{
	(void)o;
	return gs_map(&lx.gs, a, l, prot, 0, -1, 0);
}
static int t_zero(void *o, uint64_t a, uint64_t l)
{
	(void)o;
	memset(gs_g2h(&lx.gs, a), 0, l);
	return 0;
}
static int t_copy(void *o, uint64_t a, const void *s, uint64_t l)
{
	(void)o;
	memcpy(gs_g2h(&lx.gs, a), s, l);
	return 0;
}
static int t_protect(void *o, uint64_t a, uint64_t l, uint32_t prot)
{
	(void)o;
	return gs_protect(&lx.gs, a, l, prot, NULL);
}
static const struct elf_mapper test_mapper = {
	.page_size = 4096, .place = t_place, .map_file = t_map_file, .map_anon = t_map_anon,
	.zero = t_zero, .copy = t_copy, .protect = t_protect,
};

START_TEST(elf_load_segments)
{
	uint8_t b[0x400];
	struct elf_file ef;
	struct elf_loaded ld;
	char err[256];
	size_t n = make_elf(b, sizeof(b));

	ck_assert_int_eq(open_buf(&ef, b, n, err), 0);
	ck_assert_int_eq(elf_load(&ef, 0, &test_mapper, &ld, err, sizeof(err)), 0);
	ck_assert_uint_eq(ld.bias, 0);
	ck_assert_uint_eq(ld.entry, 0x10200);
	ck_assert_uint_eq(ld.phdr, 0x10000 + sizeof(Elf64_Ehdr));
	ck_assert_uint_eq(ld.end, 0x12100);
	/* file bytes, then zeroed bss (also the tail of the last file page) */
	ck_assert_uint_eq(*(uint8_t *)gs_g2h(&lx.gs, 0x10200), 0x13);
	ck_assert_uint_eq(*(uint8_t *)gs_g2h(&lx.gs, 0x10300), 0);
	ck_assert_uint_eq(*(uint8_t *)gs_g2h(&lx.gs, 0x120ff), 0);
	ck_assert(gs_check(&lx.gs, 0x10000, 0x3000, GS_PROT_READ | GS_PROT_EXEC));
	ck_assert(!gs_check(&lx.gs, 0x10000, 0x1000, GS_PROT_WRITE));
	/* the same ET_EXEC cannot go there twice */
	ck_assert_int_lt(elf_load(&ef, 0, &test_mapper, &ld, err, sizeof(err)), 0);
	elf_close(&ef);

	/* ET_DYN with an unaligned offset (copied, not mapped) goes to the base asked for */
	n = make_elf(b, sizeof(b));
	((Elf64_Ehdr *)b)->e_type = ET_DYN;
	Elf64_Phdr *p = (Elf64_Phdr *)(b + sizeof(Elf64_Ehdr));
	p->p_vaddr = 0x10;
	p->p_offset = 0;
	ck_assert_int_eq(open_buf(&ef, b, n, err), 0);
	ck_assert_int_eq(elf_load(&ef, 0x2000000, &test_mapper, &ld, err, sizeof(err)), 0);
	ck_assert_uint_eq(ld.bias, 0x2000000);
	ck_assert_uint_eq(*(uint8_t *)gs_g2h(&lx.gs, 0x2000210), 0x13);
	ck_assert_uint_eq(memcmp(gs_g2h(&lx.gs, 0x2000010), ELFMAG, 4), 0);
	elf_close(&ef);
}
END_TEST

/* ---- translation ---- */

START_TEST(bitmaps)
{
	/* MIPS-like open flags: O_CREAT 0x100 <-> canonical 0100, O_NONBLOCK 0x80 <-> 04000 */
	static const struct lx_bitmap m[] = {
		{ 3, 0, 3, 0 }, { 3, 1, 3, 1 }, { 3, 2, 3, 2 },
		{ 0100, 0100, 0x100, 0x100 }, { 04000, 04000, 0x80, 0x80 }, { 0, 0, 0, 0 },
	};
	ck_assert_uint_eq(lx_map_bits_in(m, 0x102), 0102);
	ck_assert_uint_eq(lx_map_bits_in(m, 0x81), 04001);
	ck_assert_uint_eq(lx_map_bits_out(m, 0102), 0x102);
	ck_assert_uint_eq(lx_map_bits_out(m, 04000), 0x80);
	ck_assert_uint_eq(lx_map_bits_in(NULL, 0x1234), 0x1234);
}
END_TEST

START_TEST(valmaps)
{
	static const struct lx_valmap m[] = { { 35, 45 }, { 11, 11 }, { 38, 89 }, { 0, 0 } };
	ck_assert_int_eq(lx_map_val_out(m, 38), 89);
	ck_assert_int_eq(lx_map_val_in(m, 89), 38);
	ck_assert_int_eq(lx_map_val_out(m, 2), 2);
	ck_assert_int_eq(lx_map_val_in(NULL, 7), 7);
	ck_assert_int_eq(lx_errno_to_guest(ENOENT), 2);
	ck_assert_int_eq(lx_errno_to_guest(ENOSYS), 38);
}
END_TEST

START_TEST(signals)
{
	uint64_t g[2] = { 0, 0 }, back[2];
	sigset_t h;

	ck_assert_int_eq(lx_sig_to_host(SIGUSR1), SIGUSR1);
	ck_assert_int_eq(lx_sig_to_host(32), 64);
	ck_assert_int_eq(lx_sig_to_host(33), 63);
	ck_assert_int_eq(lx_sig_to_host(40), 40);
	ck_assert_int_eq(lx_sig_to_host(64), 0);
	ck_assert_int_eq(lx_sig_to_host(65), 0);
	ck_assert_int_eq(lx_sig_from_host(64), 32);
	ck_assert_int_eq(lx_sig_from_host(32), 0);
	g[0] = 1ull << (SIGINT - 1) | 1ull << (32 - 1) | 1ull << (50 - 1);
	lx_sigset_to_host(g, &h);
	ck_assert(sigismember(&h, SIGINT));
	ck_assert(sigismember(&h, 64));
	ck_assert(sigismember(&h, 50));
	ck_assert(!sigismember(&h, 32));
	lx_sigset_from_host(&h, back);
	ck_assert_uint_eq(back[0], g[0]);
	ck_assert_str_eq(lx_signame(SIGSEGV), "SIGSEGV");
}
END_TEST

START_TEST(siginfo_layout)
{
	struct lx_siginfo si = { .signo = SIGSEGV, .code = 2, .kind = LX_SI_FAULT,
				 .addr = 0xdeadbeef };
	uint8_t b[128];

	lx_siginfo_to_guest(b, &si);
	ck_assert_uint_eq(lx_ld32(b), SIGSEGV);
	ck_assert_uint_eq(lx_ld32(b + 4), 0);
	ck_assert_uint_eq(lx_ld32(b + 8), 2);
	ck_assert_uint_eq(lx_ld64(b + 16), 0xdeadbeef);
	si = (struct lx_siginfo){ .signo = SIGCHLD, .code = CLD_EXITED, .kind = LX_SI_CHLD,
				  .pid = 77, .uid = 5, .status = 3, .utime = 9, .stime = 8 };
	lx_siginfo_to_guest(b, &si);
	ck_assert_uint_eq(lx_ld32(b + 16), 77);
	ck_assert_uint_eq(lx_ld32(b + 20), 5);
	ck_assert_uint_eq(lx_ld32(b + 24), 3);
	ck_assert_uint_eq(lx_ld64(b + 32), 9);
	ck_assert_uint_eq(lx_ld64(b + 40), 8);
}
END_TEST

START_TEST(stack_t_layout)
{
	struct lx_stack s = { .sp = 0x1000, .size = 0x2000, .flags = LX_SS_ONSTACK }, r;
	uint8_t b[24];

	lx_stack_to_guest(b, &s);
	ck_assert_uint_eq(lx_ld64(b), 0x1000);
	ck_assert_uint_eq(lx_ld32(b + 8), LX_SS_ONSTACK);
	ck_assert_uint_eq(lx_ld64(b + 16), 0x2000);
	lx_stack_from_guest(b, &r);
	ck_assert_uint_eq(r.sp, s.sp);
	ck_assert_uint_eq(r.size, s.size);
	ck_assert_int_eq(r.flags, s.flags);
}
END_TEST

/* ---- riscv64 signal frame ---- */

START_TEST(rv_sigframe_roundtrip)
{
	const struct linux_abi *abi = &rv64_linux_abi;
	struct rv_cpu *cpu = calloc(1, sizeof(*cpu));
	struct rv_cpu saved;
	struct lx_sigframe f;
	struct lx_stack st;
	uint64_t mask[2], frame;
	uint8_t *uc;

	ck_assert_int_eq(gs_map(&lx.gs, 0x800000, 0x10000, GS_PROT_READ | GS_PROT_WRITE, 0, -1,
				0), 0);
	for (int i = 1; i < 32; i++) {
		cpu->x[i] = 0x1000 + (uint64_t)i;
		cpu->f[i] = 0xf000 + (uint64_t)i;
	}
	cpu->x[2] = 0x80fff8;
	cpu->c.pc = 0x10234;
	cpu->fflags = 0x3;
	cpu->frm = 2;
	saved = *cpu;

	memset(&f, 0, sizeof(f));
	f.sig = SIGUSR1;
	f.handler = 0x20000;
	f.tramp = 0x30000;
	f.sp = cpu->x[2];
	f.mask[0] = 0x5;
	f.stack.flags = LX_SS_DISABLE;
	f.info[0] = SIGUSR1;
	ck_assert_int_eq(abi->setup_rt_frame(&cpu->c, &f), 0);

	frame = cpu->x[2];
	ck_assert_uint_eq(frame & 15, 0);
	ck_assert_uint_eq(frame, (0x80fff8 - 1088) & ~15ull);
	ck_assert_uint_eq(cpu->c.pc, 0x20000);
	ck_assert_uint_eq(cpu->x[1], 0x30000);
	ck_assert_uint_eq(cpu->x[10], SIGUSR1);
	ck_assert_uint_eq(cpu->x[11], frame);
	ck_assert_uint_eq(cpu->x[12], frame + 128);
	uc = gs_g2h(&lx.gs, frame + 128);
	ck_assert_uint_eq(lx_ld32(uc + 24), LX_SS_DISABLE);     /* uc_stack.ss_flags */
	ck_assert_uint_eq(lx_ld64(uc + 40), 0x5);               /* uc_sigmask */
	ck_assert_uint_eq(lx_ld64(uc + 176), 0x10234);          /* sc_regs.pc */
	ck_assert_uint_eq(lx_ld64(uc + 176 + 8), 0x1001);       /* ra */
	ck_assert_uint_eq(lx_ld64(uc + 176 + 8 * 31), 0x101f);  /* t6 */
	ck_assert_uint_eq(lx_ld64(uc + 176 + 256 + 8 * 5), 0xf005); /* f5 */
	ck_assert_uint_eq(lx_ld32(uc + 176 + 256 + 256), 2 << 5 | 3); /* fcsr */

	/* the handler edits the context; sigreturn brings it back */
	lx_st64(uc + 176, 0x10238);
	lx_st64(uc + 40, 0x9);
	memset(cpu->x, 0, sizeof(cpu->x));
	cpu->x[2] = frame;
	ck_assert_int_eq(abi->rt_sigreturn(&cpu->c, mask, &st), 0);
	ck_assert_uint_eq(cpu->c.pc, 0x10238);
	ck_assert_uint_eq(mask[0], 0x9);
	for (int i = 1; i < 32; i++)
		ck_assert_uint_eq(cpu->x[i], saved.x[i]);
	ck_assert_uint_eq(cpu->f[7], 0xf007);
	ck_assert_uint_eq(cpu->fflags, 3);
	ck_assert_uint_eq(cpu->frm, 2);

	/* a frame with extension state we do not know is refused */
	lx_st32(uc + 176 + 256 + 516, 1);
	cpu->x[2] = frame;
	ck_assert_int_eq(abi->rt_sigreturn(&cpu->c, mask, &st), -EINVAL);
	/* and one that cannot be written fails cleanly */
	f.sp = 0x800100;
	ck_assert_int_eq(abi->setup_rt_frame(&cpu->c, &f), -EFAULT);
	free(cpu);
}
END_TEST

START_TEST(rv_syscall_table)
{
	const struct linux_abi *abi = &rv64_linux_abi;

	ck_assert_uint_eq(abi->sysnums[63], LX_SYS_read);
	ck_assert_uint_eq(abi->sysnums[64], LX_SYS_write);
	ck_assert_uint_eq(abi->sysnums[93], LX_SYS_exit);
	ck_assert_uint_eq(abi->sysnums[94], LX_SYS_exit_group);
	ck_assert_uint_eq(abi->sysnums[139], LX_SYS_rt_sigreturn);
	ck_assert_uint_eq(abi->sysnums[220], LX_SYS_clone);
	ck_assert_uint_eq(abi->sysnums[222], LX_SYS_mmap);
	ck_assert_uint_eq(abi->sysnums[260], LX_SYS_wait4);
	ck_assert_uint_eq(abi->sysnums[435], LX_SYS_clone3);
	ck_assert_uint_eq(abi->sysnums[462], LX_SYS_mseal);
	ck_assert_uint_eq(abi->sysnums[38], LX_SYS_none);
	ck_assert_uint_eq(abi->hwcap, 0x112d); /* IMAFDC */
	/* the trampoline is li a7, 139; ecall */
	ck_assert_uint_eq(lx_ld32(abi->sigreturn_code), 0x08b00893);
	ck_assert_uint_eq(lx_ld32(abi->sigreturn_code + 4), 0x00000073);
	/* every row the table names has a handler or is knowingly ENOSYS */
	ck_assert_ptr_nonnull(lx_syscalls[LX_SYS_openat].fn);
	ck_assert_str_eq(lx_sys_name(LX_SYS_statx), "statx");
}
END_TEST

/* ---- safe syscalls ---- */

START_TEST(safe_syscall_flag)
{
	struct lx_thread *t = calloc(1, sizeof(*t));
	int fds[2];
	char c;

	ck_assert_int_eq(pipe(fds), 0);
	lx_self = t;
	/* no signal pending: the call runs */
	ck_assert_int_eq(LX_SAFE(SYS_getpid, 0, 0, 0, 0, 0, 0), getpid());
	ck_assert_int_eq(LX_SAFE(SYS_write, fds[1], "x", 1, 0, 0, 0), 1);
	ck_assert_int_eq(LX_SAFE(SYS_read, fds[0], &c, 1, 0, 0, 0), 1);
	ck_assert_int_eq(LX_SAFE(SYS_close, -1, 0, 0, 0, 0, 0), -EBADF);
	/* a deliverable guest signal: a blocking call is not even started */
	t->sigflag = 1;
	ck_assert_int_eq(LX_SAFE(SYS_read, fds[0], &c, 1, 0, 0, 0), -EINTR);
	lx_self = NULL;
	free(t);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("linux-user");

	CHECK_TCASE(s, "guest-space", setup_lx, teardown_lx, gs_reservation, gs_map_split_merge,
		    gs_exec_tracking, gs_find_free_topdown, gs_brk_behaviour, gs_bounds,
		    guest_copy_helpers);
	CHECK_TCASE(s, "elf", setup_lx, teardown_lx, elf_valid, elf_malformed, elf32_big_endian,
		    elf_missing_file, elf_load_segments);
	CHECK_TCASE(s, "translate", setup_lx, teardown_lx, bitmaps, valmaps, signals,
		    siginfo_layout, stack_t_layout);
	CHECK_TCASE(s, "riscv64", setup_lx, teardown_lx, rv_sigframe_roundtrip, rv_syscall_table);
	CHECK_TCASE(s, "safe-syscall", NULL, NULL, safe_syscall_flag);
	return s;
}

int main(void)
{
	return check_main(suite());
}
