/*
 * Guest memory for user mode (struct guest_space, morph/linux-user.h): the
 * host reservation that holds the guest address space, the list of guest
 * mappings (sorted ranges with protection and origin), the free-space search
 * used by mmap without MAP_FIXED, and the program break.
 *
 * Invariant: every byte of the reservation is always mapped on the host,
 * either as a guest mapping or as PROT_NONE filler. Nothing is ever
 * munmap()ed inside it, so the host cannot place its own mappings (malloc
 * arenas, thread stacks) where the guest's addresses are.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "morph/cpu.h"
#include "morph/linux-user.h"

#define PAGE_UP(x) (((x) + GS_PAGE_MASK) & ~GS_PAGE_MASK)

static int host_prot(uint32_t prot)
{
	int p = 0;

	if (prot & GS_PROT_READ)
		p |= PROT_READ;
	if (prot & GS_PROT_WRITE)
		p |= PROT_WRITE;
	/* Executable pages must be readable for the translator's code fetch. */
	if (prot & GS_PROT_EXEC)
		p |= PROT_READ;
	return p;
}

int guest_space_init(struct guest_space *gs, unsigned addr_bits, uint64_t task_size)
{
	void *p;

	memset(gs, 0, sizeof(*gs));
	/*
	 * 64-bit guests: 2^40 bytes of guest space is plenty (Sv39 user space is
	 * 2^38) and cheap to reserve; addresses are masked into it. Where the host
	 * refuses that much address space (ulimit -v, valgrind's 128 GiB), settle
	 * for less: down to 2^34.
	 */
	for (unsigned bits = addr_bits == 32 ? 32 : 40;; bits--) {
		gs->mask = bits >= 64 ? ~0ull : (1ull << bits) - 1;
		/* guards below and above: (a & mask) + displacement stays inside (cpu.h) */
		gs->resv_size = gs->mask + 1 + GUEST_BASE_GUARD;
		p = mmap(NULL, GUEST_BASE_GUARD + gs->resv_size, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p != MAP_FAILED)
			break;
		if (addr_bits == 32 || bits <= 34)
			return -errno;
	}
	if (task_size > gs->mask + 1)
		task_size = gs->mask + 1;
	gs->task_size = task_size;
	gs->mmap_min = 0x10000; /* Linux vm.mmap_min_addr */
	gs->mmap_base = task_size;
	gs->base = (uintptr_t)p + GUEST_BASE_GUARD;
	pthread_mutex_init(&gs->lock, NULL);
	return 0;
}

void guest_space_destroy(struct guest_space *gs)
{
	if (gs->base)
		munmap((void *)(gs->base - GUEST_BASE_GUARD), GUEST_BASE_GUARD + gs->resv_size);
	free(gs->vmas);
	pthread_mutex_destroy(&gs->lock);
	memset(gs, 0, sizeof(*gs));
}

/* Index of the first mapping that ends above @addr (nvmas if none). */
static unsigned first_above(const struct guest_space *gs, uint64_t addr)
{
	unsigned lo = 0, hi = gs->nvmas;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (gs->vmas[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool same_kind(const struct gs_vma *a, const struct gs_vma *b)
{
	if (a->prot != b->prot || a->flags != b->flags || a->dev != b->dev || a->ino != b->ino)
		return false;
	/* file mappings merge only if the file offsets continue */
	if (!(a->flags & GS_MAP_ANON) && a->ino && a->offset + (a->end - a->start) != b->offset)
		return false;
	return true;
}

static int reserve_room(struct guest_space *gs, unsigned extra)
{
	if (gs->nvmas + extra <= gs->cap)
		return 0;
	unsigned cap = gs->cap ? gs->cap * 2 : 64;
	while (cap < gs->nvmas + extra)
		cap *= 2;
	struct gs_vma *v = realloc(gs->vmas, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	gs->vmas = v;
	gs->cap = cap;
	return 0;
}

/*
 * Make [start, end) be exactly @attrs (or unmapped if NULL) in the
 * bookkeeping, splitting the mappings it overlaps. Caller holds the lock.
 */
static int vma_set(struct guest_space *gs, uint64_t start, uint64_t end,
		   const struct gs_vma *attrs)
{
	struct gs_vma repl[3];
	unsigned n = 0, i, j;

	if (reserve_room(gs, 3) < 0)
		return -ENOMEM;
	__atomic_add_fetch(&gs->gen, 1, __ATOMIC_RELEASE);
	i = first_above(gs, start);
	for (j = i; j < gs->nvmas && gs->vmas[j].start < end; j++)
		;
	/* [i, j) overlap the range */
	if (i < j && gs->vmas[i].start < start) {
		repl[n] = gs->vmas[i];
		repl[n].end = start;
		n++;
	}
	if (attrs) {
		repl[n] = *attrs;
		repl[n].start = start;
		repl[n].end = end;
		n++;
	}
	if (i < j && gs->vmas[j - 1].end > end) {
		struct gs_vma *last = &gs->vmas[j - 1];
		repl[n] = *last;
		repl[n].start = end;
		repl[n].offset = last->offset + (end - last->start);
		n++;
	}
	memmove(&gs->vmas[i + n], &gs->vmas[j], (gs->nvmas - j) * sizeof(*gs->vmas));
	memcpy(&gs->vmas[i], repl, n * sizeof(*repl));
	gs->nvmas = gs->nvmas - (j - i) + n;

	/* merge with neighbours: at most around positions i-1 .. i+n */
	unsigned lo = i ? i - 1 : 0, hi = i + n < gs->nvmas ? i + n : gs->nvmas - 1;
	for (unsigned k = lo; k < hi && k + 1 < gs->nvmas;) {
		struct gs_vma *a = &gs->vmas[k], *b = &gs->vmas[k + 1];
		if (a->end == b->start && same_kind(a, b)) {
			a->end = b->end;
			memmove(b, b + 1, (gs->nvmas - k - 2) * sizeof(*b));
			gs->nvmas--;
			hi--;
		} else {
			k++;
		}
	}
	return 0;
}

static bool range_ok(const struct guest_space *gs, uint64_t addr, uint64_t len)
{
	return len && !(addr & GS_PAGE_MASK) && addr + len > addr && addr + len <= gs->task_size;
}

static bool is_free_locked(struct guest_space *gs, uint64_t addr, uint64_t len)
{
	unsigned i = first_above(gs, addr);

	return i == gs->nvmas || gs->vmas[i].start >= addr + len;
}

bool gs_is_free(struct guest_space *gs, uint64_t addr, uint64_t len)
{
	bool ok;

	if (!range_ok(gs, addr, len))
		return false;
	pthread_mutex_lock(&gs->lock);
	ok = is_free_locked(gs, addr, len);
	pthread_mutex_unlock(&gs->lock);
	return ok;
}

uint64_t gs_find_free(struct guest_space *gs, uint64_t hint, uint64_t len)
{
	uint64_t cand, top;

	len = PAGE_UP(len);
	if (!len || len > gs->task_size)
		return (uint64_t)-ENOMEM;
	pthread_mutex_lock(&gs->lock);
	hint &= ~GS_PAGE_MASK;
	if (hint >= gs->mmap_min && range_ok(gs, hint, len) && is_free_locked(gs, hint, len))
		goto found_hint;

	/* top-down below mmap_base, as Linux's default layout does */
	top = gs->mmap_base < gs->task_size ? gs->mmap_base : gs->task_size;
	if (top >= len + gs->mmap_min) {
		cand = top - len;
		for (;;) {
			unsigned i = first_above(gs, cand);
			if (i == gs->nvmas || gs->vmas[i].start >= cand + len) {
				hint = cand;
				goto found_hint;
			}
			/* collide with vmas[i]: try just below it */
			if (gs->vmas[i].start < len + gs->mmap_min)
				break;
			cand = gs->vmas[i].start - len;
		}
	}
	/* bottom-up anywhere */
	cand = gs->mmap_min;
	for (unsigned i = first_above(gs, cand); cand + len <= gs->task_size; i++) {
		if (i == gs->nvmas || gs->vmas[i].start >= cand + len) {
			hint = cand;
			goto found_hint;
		}
		cand = gs->vmas[i].end > cand ? gs->vmas[i].end : cand;
	}
	pthread_mutex_unlock(&gs->lock);
	return (uint64_t)-ENOMEM;
found_hint:
	pthread_mutex_unlock(&gs->lock);
	return hint;
}

static int rereserve(struct guest_space *gs, uint64_t addr, uint64_t len)
{
	void *p = mmap(gs_g2h(gs, addr), len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
	return p == MAP_FAILED ? -errno : 0;
}

int gs_map(struct guest_space *gs, uint64_t addr, uint64_t len, uint32_t prot, uint32_t flags,
	   int fd, uint64_t off)
{
	struct gs_vma v = { .prot = prot, .flags = flags, .offset = off };
	int hflags = MAP_FIXED, ret;
	struct stat st;
	void *p;

	len = PAGE_UP(len);
	if (!range_ok(gs, addr, len))
		return -EINVAL;
	hflags |= (flags & GS_MAP_SHARED) ? MAP_SHARED : MAP_PRIVATE;
	if (fd < 0) {
		hflags |= MAP_ANONYMOUS;
		v.flags |= GS_MAP_ANON;
		v.offset = 0;
	} else if (fstat(fd, &st) == 0) {
		v.dev = st.st_dev;
		v.ino = st.st_ino;
	}
	pthread_mutex_lock(&gs->lock);
	p = mmap(gs_g2h(gs, addr), len, host_prot(prot), hflags, fd, (off_t)off);
	if (p == MAP_FAILED) {
		ret = -errno;
		/*
		 * The host checks these before touching the old mapping; anything
		 * else may have left a hole: fill it again.
		 */
		if (ret != -EBADF && ret != -EACCES && ret != -ENODEV && ret != -EINVAL &&
		    ret != -EPERM && ret != -EOVERFLOW && ret != -ETXTBSY) {
			rereserve(gs, addr, len);
			vma_set(gs, addr, addr + len, NULL);
		}
		pthread_mutex_unlock(&gs->lock);
		return ret;
	}
	ret = vma_set(gs, addr, addr + len, &v);
	pthread_mutex_unlock(&gs->lock);
	return ret;
}

static bool range_has_exec(struct guest_space *gs, uint64_t addr, uint64_t end)
{
	for (unsigned i = first_above(gs, addr); i < gs->nvmas && gs->vmas[i].start < end; i++)
		if (gs->vmas[i].prot & GS_PROT_EXEC)
			return true;
	return false;
}

int gs_unmap(struct guest_space *gs, uint64_t addr, uint64_t len, bool *had_exec)
{
	int ret;

	len = PAGE_UP(len);
	if (had_exec)
		*had_exec = false;
	if (!len || (addr & GS_PAGE_MASK) || addr + len < addr)
		return -EINVAL;
	if (addr >= gs->task_size)
		return 0;
	if (addr + len > gs->task_size)
		len = gs->task_size - addr;
	pthread_mutex_lock(&gs->lock);
	if (had_exec)
		*had_exec = range_has_exec(gs, addr, addr + len);
	ret = rereserve(gs, addr, len);
	if (ret == 0)
		ret = vma_set(gs, addr, addr + len, NULL);
	pthread_mutex_unlock(&gs->lock);
	return ret;
}

int gs_protect(struct guest_space *gs, uint64_t addr, uint64_t len, uint32_t prot,
	       bool *lost_exec)
{
	uint64_t end, cur;
	int ret = 0;

	len = PAGE_UP(len);
	if (lost_exec)
		*lost_exec = false;
	if (addr & GS_PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	end = addr + len;
	if (end < addr || end > gs->task_size)
		return -ENOMEM;
	pthread_mutex_lock(&gs->lock);
	/* the whole range must be mapped (Linux: ENOMEM) */
	cur = addr;
	for (unsigned i = first_above(gs, addr); i < gs->nvmas && cur < end; i++) {
		if (gs->vmas[i].start > cur)
			break;
		cur = gs->vmas[i].end;
	}
	if (cur < end) {
		ret = -ENOMEM;
		goto out;
	}
	if (mprotect(gs_g2h(gs, addr), len, host_prot(prot)) < 0) {
		ret = -errno;
		goto out;
	}
	if (lost_exec && !(prot & GS_PROT_EXEC))
		*lost_exec = range_has_exec(gs, addr, end);
	cur = addr;
	while (cur < end && ret == 0) {
		unsigned i = first_above(gs, cur);
		struct gs_vma v = gs->vmas[i];
		uint64_t pend = v.end < end ? v.end : end;

		v.offset += cur - v.start;
		v.prot = prot;
		ret = vma_set(gs, cur, pend, &v);
		cur = pend;
	}
out:
	pthread_mutex_unlock(&gs->lock);
	return ret;
}

void gs_record(struct guest_space *gs, uint64_t addr, uint64_t len, bool unmap,
	       const struct gs_vma *attrs)
{
	pthread_mutex_lock(&gs->lock);
	vma_set(gs, addr, addr + PAGE_UP(len), unmap ? NULL : attrs);
	pthread_mutex_unlock(&gs->lock);
}

bool gs_check(struct guest_space *gs, uint64_t addr, uint64_t len, uint32_t prot)
{
	uint64_t end = addr + len, cur = addr;
	bool ok = true;

	if (!len)
		return true;
	if (end < addr || end > gs->task_size)
		return false;
	pthread_mutex_lock(&gs->lock);
	for (unsigned i = first_above(gs, addr); cur < end; i++) {
		if (i >= gs->nvmas || gs->vmas[i].start > cur ||
		    (gs->vmas[i].prot & prot) != prot) {
			ok = false;
			break;
		}
		cur = gs->vmas[i].end;
	}
	pthread_mutex_unlock(&gs->lock);
	return ok;
}

bool gs_lookup(struct guest_space *gs, uint64_t addr, struct gs_vma *out)
{
	bool found = false;

	pthread_mutex_lock(&gs->lock);
	unsigned i = first_above(gs, addr);
	if (i < gs->nvmas && gs->vmas[i].start <= addr) {
		*out = gs->vmas[i];
		found = true;
	}
	pthread_mutex_unlock(&gs->lock);
	return found;
}

struct gs_vma *gs_snapshot(struct guest_space *gs, unsigned *n)
{
	pthread_mutex_lock(&gs->lock);
	struct gs_vma *v = malloc((gs->nvmas + 1) * sizeof(*v));
	if (v) {
		memcpy(v, gs->vmas, gs->nvmas * sizeof(*v));
		*n = gs->nvmas;
	}
	pthread_mutex_unlock(&gs->lock);
	return v;
}

uint64_t gs_brk(struct guest_space *gs, uint64_t want)
{
	uint64_t old_top = PAGE_UP(gs->brk_cur), new_top = PAGE_UP(want);

	if (want < gs->brk_start || want >= gs->task_size)
		return gs->brk_cur;
	if (new_top > old_top) {
		/* grow only into free space, like Linux (which also leaves a gap) */
		if (!gs_is_free(gs, old_top, new_top - old_top))
			return gs->brk_cur;
		if (gs_map(gs, old_top, new_top - old_top, GS_PROT_READ | GS_PROT_WRITE,
			   GS_MAP_HEAP, -1, 0) < 0)
			return gs->brk_cur;
	} else if (new_top < old_top) {
		gs_unmap(gs, new_top, old_top - new_top, NULL);
	}
	gs->brk_cur = want;
	return want;
}
