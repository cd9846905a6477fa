/*
 * Page tables for the VM tests: a bump allocator over the free memory after
 * the program (link.ld's __heap_start) and map() for leaves at any level.
 * LEVELS: 3 (Sv39), 4 (Sv48) or 5 (Sv57).
 */
#ifndef ISA_PRIV_VM_H
#define ISA_PRIV_VM_H

#include "rt.h"

#ifndef LEVELS
#define LEVELS 3
#endif

#define PTE_V 0x01ul
#define PTE_R 0x02ul
#define PTE_W 0x04ul
#define PTE_X 0x08ul
#define PTE_U 0x10ul
#define PTE_G 0x20ul
#define PTE_A 0x40ul
#define PTE_D 0x80ul
#define RWXAD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

#define TEST_VA 0x10000000ul
#define U_ALIAS 0x40000000ul
#define PROG_PA 0x80000000ul
#define PAGE 4096ul

extern char __heap_start[];
static unsigned long heap;
static uint64_t *root;

static void *alloc_pages(unsigned long n, unsigned long align)
{
	if (!heap)
		heap = (unsigned long)__heap_start;
	heap = (heap + align - 1) & ~(align - 1);
	void *p = (void *)heap;
	heap += n * PAGE;
	memset(p, 0, n * PAGE);
	return p;
}

/* The PTE slot for @va at @level (0: 4 KiB leaf, 1: 2 MiB...), making tables on the way */
static uint64_t *pte_slot(unsigned long va, int level)
{
	uint64_t *t = root;

	for (int l = LEVELS - 1; l > level; l--) {
		uint64_t *e = &t[(va >> (12 + 9 * l)) & 511];
		if (!(*e & PTE_V))
			*e = ((unsigned long)alloc_pages(1, PAGE) >> 12) << 10 | PTE_V;
		t = (uint64_t *)((*e >> 10) << 12);
	}
	return &t[(va >> (12 + 9 * level)) & 511];
}

static void map(unsigned long va, unsigned long pa, unsigned long flags, int level)
{
	*pte_slot(va, level) = (pa >> 12) << 10 | flags;
	__asm__ volatile("sfence.vma" ::: "memory");
}

static unsigned long satp_of(unsigned long asid)
{
	return (unsigned long)(LEVELS + 5) << 60 | asid << 44 | (unsigned long)root >> 12;
}

/* A root table mapping the program at its address for S (and at U_ALIAS for U) */
static void vm_setup(void)
{
	root = alloc_pages(1, PAGE);
	map(PROG_PA, PROG_PA, RWXAD | PTE_G, 2);
	map(U_ALIAS, PROG_PA, RWXAD | PTE_U, 2);
	run_va_offset = U_ALIAS - PROG_PA;
}

#endif
