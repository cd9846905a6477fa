/*
 * Linux user mode: running a guest Linux program as a host process
 * (`morph run`). The guest-neutral core lives in src/linux-user/; per-guest
 * ABI facts come through struct linux_abi (morph/linux-abi.h).
 *
 * This header is the entry point for the CLI and the guest memory API
 * (struct guest_space), which unit tests and the exec core's code fetch use.
 */
#ifndef MORPH_LINUX_USER_H
#define MORPH_LINUX_USER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;

/**
 * lx_cmd_run() - `morph run [options] PROGRAM [ARGS...]`; @argv[0] is "run".
 * Returns the exit status for the shell (the guest's, or 126/127/2 on errors);
 * a guest killed by a signal makes morph die of the same signal.
 */
int lx_cmd_run(int argc, char **argv);

/* ---- Guest memory: one host reservation holding the whole guest address space ---- */

#define GS_PAGE_SIZE 4096ull
#define GS_PAGE_MASK (GS_PAGE_SIZE - 1)

/* Guest protection bits (the same values as PROT_READ/WRITE/EXEC on every Linux) */
#define GS_PROT_READ 1u
#define GS_PROT_WRITE 2u
#define GS_PROT_EXEC 4u

/* Mapping attributes kept per range (for /proc/self/maps and mremap) */
#define GS_MAP_SHARED 0x1u
#define GS_MAP_ANON 0x2u
#define GS_MAP_STACK 0x4u
#define GS_MAP_HEAP 0x8u

/** A guest mapping: [start, end), page-aligned. */
struct gs_vma {
	uint64_t start, end;
	uint32_t prot;     /* GS_PROT_* */
	uint32_t flags;    /* GS_MAP_* */
	uint64_t offset;   /* file offset of start (file mappings) */
	uint64_t dev, ino; /* file identity (0 for anonymous) */
};

/**
 * struct guest_space - the guest's address space. Guest address A lives at host
 * address base + (A & mask). The reservation is mask + 1 bytes plus a guard
 * page, PROT_NONE and MAP_NORESERVE, so a masked access can never leave it;
 * guest mappings are host mappings placed inside it with MAP_FIXED and only
 * below task_size; everything else stays PROT_NONE, so a stray access faults
 * instead of touching emulator memory. Unmapping re-reserves (PROT_NONE) and
 * never punches a hole the host could fill.
 */
struct guest_space {
	uintptr_t base;
	uint64_t mask;
	uint64_t resv_size;   /* from base: the guest space and the guard above it */
	uint64_t task_size;   /* guest mappings live in [mmap_min, task_size) */
	uint64_t mmap_min;    /* lowest address handed out without MAP_FIXED */
	uint64_t mmap_base;   /* top-down search for free space starts below this */
	uint64_t brk_start;   /* program break: initial and current */
	uint64_t brk_cur;
	pthread_mutex_t lock;
	struct gs_vma *vmas;  /* sorted, non-overlapping */
	unsigned nvmas, cap;
	uint64_t gen;         /* bumped by every change of vmas (read without the lock) */
};

/**
 * guest_space_init() - reserve the address space for a guest with @addr_bits
 * (32 or 64) bit addresses whose mappings must stay below @task_size.
 * Returns 0 or a negative errno.
 */
int guest_space_init(struct guest_space *gs, unsigned addr_bits, uint64_t task_size);
/** guest_space_destroy() - release the reservation (tests; a process just exits). */
void guest_space_destroy(struct guest_space *gs);

/** gs_g2h() - host pointer of guest address @a (no checks). */
static inline void *gs_g2h(const struct guest_space *gs, uint64_t a)
{
	return (void *)(gs->base + (a & gs->mask));
}

/**
 * gs_find_free() - a free page-aligned range of @len bytes: at @hint if that is
 * free (and @hint non-zero), else the highest free one below mmap_base, else
 * any. Returns the address or (uint64_t)-ENOMEM.
 */
uint64_t gs_find_free(struct guest_space *gs, uint64_t hint, uint64_t len);

/**
 * gs_map() - map [@addr, @addr+@len) (page-aligned, below task_size) with guest
 * protection @prot and attributes @flags (GS_MAP_*; GS_MAP_SHARED selects
 * MAP_SHARED): anonymous if @fd < 0, else @fd at @off. Replaces whatever was
 * there. Returns 0 or a negative errno.
 */
int gs_map(struct guest_space *gs, uint64_t addr, uint64_t len, uint32_t prot, uint32_t flags,
	   int fd, uint64_t off);
/** gs_unmap() - unmap (re-reserve) a range; *@had_exec tells whether executable pages went. */
int gs_unmap(struct guest_space *gs, uint64_t addr, uint64_t len, bool *had_exec);
/** gs_protect() - change protection; the range must be fully mapped (else -ENOMEM). */
int gs_protect(struct guest_space *gs, uint64_t addr, uint64_t len, uint32_t prot,
	       bool *lost_exec);
/**
 * gs_record() - update the bookkeeping for [@addr, @addr+@len) without touching
 * host mappings (after a host mremap moved pages); @prot 0 with @unmap true
 * forgets the range.
 */
void gs_record(struct guest_space *gs, uint64_t addr, uint64_t len, bool unmap,
	       const struct gs_vma *attrs);
/** gs_check() - true if every page of [@addr, @addr+@len) is mapped with all of @prot. */
bool gs_check(struct guest_space *gs, uint64_t addr, uint64_t len, uint32_t prot);
/** gs_is_free() - true if no page of the range is mapped (and it lies below task_size). */
bool gs_is_free(struct guest_space *gs, uint64_t addr, uint64_t len);
/** gs_lookup() - copy of the mapping containing @addr; false if unmapped. */
bool gs_lookup(struct guest_space *gs, uint64_t addr, struct gs_vma *out);
/**
 * gs_snapshot() - a malloc'ed copy of all mappings (for /proc/self/maps);
 * returns the count in *@n. NULL on out-of-memory.
 */
struct gs_vma *gs_snapshot(struct guest_space *gs, unsigned *n);

/**
 * gs_brk() - set the program break to @want (0: query); returns the new break
 * (the old one if the request cannot be met, as Linux does).
 */
uint64_t gs_brk(struct guest_space *gs, uint64_t want);

/**
 * lx_translator_fetch() - the user-mode code fetch for the exec core
 * (installed with exec_set_fetch()): copies @len bytes of guest code at @pc,
 * or returns -1 if any of them is not mapped executable.
 */
int lx_translator_fetch(struct cpu *cpu, uint64_t pc, void *buf, unsigned len);

#endif
