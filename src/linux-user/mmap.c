/*
 * Memory-management syscalls on top of the guest space (mem.c): mmap,
 * munmap, mprotect, mremap, brk, madvise and friends. Translated code for
 * guest pages that are unmapped, replaced or lose PROT_EXEC is invalidated.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "morph/tb.h"
#include "morph/exec.h"
#include "src/linux-user/lx.h"

#define PAGE_UP(x) (((x) + GS_PAGE_MASK) & ~GS_PAGE_MASK)

void lx_invalidate_code(uint64_t start, uint64_t end)
{
	if (end <= start || end - start >= (1ull << 32))
		tb_request_flush();
	else
		tb_invalidate_range(start, end);
}

static int64_t do_mmap(uint64_t addr, uint64_t len, uint32_t prot, uint32_t gflags, int fd,
		       uint64_t off)
{
	uint32_t flags = lx_map_bits_in(lx.abi->mmap_flags, gflags);
	uint32_t gsflags = 0;
	int r;

	if (!len || (off & GS_PAGE_MASK))
		return -EINVAL;
	len = PAGE_UP(len);
	if (!len)
		return -ENOMEM;
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
	case MAP_SHARED_VALIDATE:
		gsflags |= GS_MAP_SHARED;
		break;
	case MAP_PRIVATE:
		break;
	default:
		return -EINVAL;
	}
	if (flags & (MAP_STACK | MAP_GROWSDOWN))
		gsflags |= GS_MAP_STACK;
	if (flags & MAP_ANONYMOUS)
		fd = -1;
	else if (fd < 0)
		return -EBADF;
	prot &= GS_PROT_READ | GS_PROT_WRITE | GS_PROT_EXEC;

	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr & GS_PAGE_MASK)
			return -EINVAL;
		if (addr + len < addr || addr + len > lx.gs.task_size)
			return -ENOMEM;
		if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) &&
		    !gs_is_free(&lx.gs, addr, len))
			return -EEXIST;
	} else {
		addr = gs_find_free(&lx.gs, addr, len);
		if (lx_is_err_addr(addr))
			return -ENOMEM;
	}
	r = gs_map(&lx.gs, addr, len, prot, gsflags, fd, off);
	if (r < 0)
		return r;
	if (flags & MAP_FIXED)
		lx_invalidate_code(addr, addr + len);
	return (int64_t)addr;
}

LX_SYSCALL(mmap)
{
	return do_mmap(a[0], a[1], (uint32_t)a[2], (uint32_t)a[3], (int)a[4], a[5]);
}

/* 32-bit ABIs: the offset counts 4096-byte units */
LX_SYSCALL(mmap2)
{
	return do_mmap(a[0], a[1], (uint32_t)a[2], (uint32_t)a[3], (int)a[4], a[5] << 12);
}

LX_SYSCALL(munmap)
{
	bool had_exec;
	int r;

	if (a[0] & GS_PAGE_MASK || !a[1])
		return -EINVAL;
	r = gs_unmap(&lx.gs, a[0], a[1], &had_exec);
	if (r == 0 && had_exec)
		lx_invalidate_code(a[0], a[0] + PAGE_UP(a[1]));
	return r;
}

LX_SYSCALL(mprotect)
{
	bool lost_exec;
	uint32_t prot = (uint32_t)a[2];
	int r;

	if (prot & ~(uint32_t)(GS_PROT_READ | GS_PROT_WRITE | GS_PROT_EXEC | PROT_GROWSDOWN |
			       PROT_GROWSUP))
		return -EINVAL;
	prot &= GS_PROT_READ | GS_PROT_WRITE | GS_PROT_EXEC;
	r = gs_protect(&lx.gs, a[0], a[1], prot, &lost_exec);
	if (r == 0 && lost_exec)
		lx_invalidate_code(a[0], a[0] + PAGE_UP(a[1]));
	return r;
}

/* Fill a host range that the kernel just vacated (mremap) with reservation again. */
static void refill(uint64_t addr, uint64_t len)
{
	mmap(g2h(addr), len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
	     -1, 0);
}

LX_SYSCALL(mremap)
{
	uint64_t old = a[0], oldlen = PAGE_UP(a[1]), newlen = PAGE_UP(a[2]);
	unsigned flags = (unsigned)a[3];
	uint64_t dest = a[4];
	struct gs_vma v;
	void *p;

	if ((old & GS_PAGE_MASK) || !newlen || (flags & ~7u) ||
	    ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)))
		return -EINVAL;
	if (!oldlen || !gs_lookup(&lx.gs, old, &v) || v.end < old + oldlen)
		return -EFAULT;
	v.offset += old - v.start;

	if (!(flags & MREMAP_FIXED) && newlen <= oldlen) {
		if (newlen < oldlen)
			gs_unmap(&lx.gs, old + newlen, oldlen - newlen, NULL);
		return (int64_t)old;
	}
	if (!(flags & MREMAP_FIXED) && gs_is_free(&lx.gs, old + oldlen, newlen - oldlen)) {
		/* grow in place */
		if ((v.flags & GS_MAP_ANON) && !(v.flags & GS_MAP_SHARED)) {
			int r = gs_map(&lx.gs, old + oldlen, newlen - oldlen, v.prot, v.flags, -1, 0);
			return r < 0 ? r : (int64_t)old;
		}
		/* shared or file-backed: let the host extend the mapping into a hole */
		munmap(g2h(old + oldlen), newlen - oldlen);
		p = mremap(g2h(old), oldlen, newlen, 0);
		if (p == MAP_FAILED) {
			int e = errno;
			refill(old + oldlen, newlen - oldlen);
			return -e;
		}
		gs_record(&lx.gs, old, newlen, false, &v);
		return (int64_t)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	if (flags & MREMAP_FIXED) {
		if ((dest & GS_PAGE_MASK) || dest + newlen < dest || dest + newlen > lx.gs.task_size)
			return -EINVAL;
		if (dest < old + oldlen && old < dest + newlen)
			return -EINVAL;
	} else {
		dest = gs_find_free(&lx.gs, 0, newlen);
		if (lx_is_err_addr(dest))
			return -ENOMEM;
	}
	p = mremap(g2h(old), oldlen, newlen,
		   MREMAP_MAYMOVE | MREMAP_FIXED | (flags & MREMAP_DONTUNMAP), g2h(dest));
	if (p == MAP_FAILED)
		return -errno;
	if (!(flags & MREMAP_DONTUNMAP)) {
		refill(old, oldlen);
		gs_record(&lx.gs, old, oldlen, true, NULL);
		if (v.prot & GS_PROT_EXEC)
			lx_invalidate_code(old, old + oldlen);
	}
	gs_record(&lx.gs, dest, newlen, false, &v);
	lx_invalidate_code(dest, dest + newlen);
	return (int64_t)dest;
}

LX_SYSCALL(brk)
{
	return (int64_t)gs_brk(&lx.gs, a[0]);
}

LX_SYSCALL(madvise)
{
	int advice = (int)a[2];

	if (a[0] & GS_PAGE_MASK)
		return -EINVAL;
	if (!lx_range_ok(a[0], a[1]))
		return -ENOMEM;
	/* keep every page of the reservation in every process */
	if (advice == MADV_DONTFORK)
		return 0;
	return lx_ret(madvise(g2h(a[0]), a[1], advice));
}

LX_SYSCALL(msync)
{
	if (!lx_range_ok(a[0], a[1]))
		return -ENOMEM;
	return lx_ret(msync(g2h(a[0]), a[1], (int)a[2]));
}

LX_SYSCALL(mlock)
{
	if (!lx_range_ok(a[0], a[1]))
		return -ENOMEM;
	return lx_ret(mlock(g2h(a[0]), a[1]));
}

LX_SYSCALL(mlock2)
{
	if (!lx_range_ok(a[0], a[1]))
		return -ENOMEM;
	return lx_ret(syscall(SYS_mlock2, g2h(a[0]), a[1], (int)a[2]));
}

LX_SYSCALL(munlock)
{
	if (!lx_range_ok(a[0], a[1]))
		return -ENOMEM;
	return lx_ret(munlock(g2h(a[0]), a[1]));
}

/* Locking all of morph (and its reservation) is not what the guest meant. */
LX_SYSCALL(mlockall)
{
	return 0;
}

LX_SYSCALL(munlockall)
{
	return 0;
}

LX_SYSCALL(mincore)
{
	uint64_t pages = (a[1] + GS_PAGE_MASK) / GS_PAGE_SIZE;

	if (a[0] & GS_PAGE_MASK)
		return -EINVAL;
	if (!lx_range_ok(a[0], a[1]))
		return -ENOMEM;
	if (!lx_lock(a[2], pages, GS_PROT_WRITE))
		return -EFAULT;
	return lx_ret(mincore(g2h(a[0]), a[1], g2h(a[2])));
}

LX_SYSCALL(membarrier)
{
	return lx_ret(syscall(SYS_membarrier, (int)a[0], (unsigned)a[1], (int)a[2]));
}
