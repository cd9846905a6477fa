/*
 * Code cache memory. A memfd is mapped twice: read+write for the code
 * generator and read+execute for running, so W^X holds at every address
 * and patching a chained jump while other threads run the code is a plain
 * aligned store. Without memfd (old kernels, seccomp) we fall back to one
 * read+write+execute private mapping.
 *
 * Fork: MAP_SHARED views would make a forked child (a guest fork()) share
 * the parent's cache pages, and both would then translate into the same
 * bytes. A pthread_atfork child handler gives the child its own copy,
 * mapped at the same addresses so every pointer into the cache stays valid.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend-x86_64/code-cache.h"

struct x86_code_cache x86_cc = {.fd = -1};

/*
 * Where to ask for the executable view: just below the emulator's own code,
 * so translated code reaches helpers with a direct call rel32 (the kernel
 * takes the hint if that range is free, else maps elsewhere: calls then go
 * through a register).
 */
static void *rx_hint(size_t size)
{
	uintptr_t text = (uintptr_t)(void *)rx_hint;
	uintptr_t gap = (uintptr_t)64 << 20;

	if (text < size + gap + ((uintptr_t)1 << 30))
		return NULL;
	return (void *)((text - size - gap) & ~(uintptr_t)0x1fffff);
}

/* Map @fd at the current rw/rx addresses (fixed) or anywhere (first time). */
static int map_views(int fd, bool fixed)
{
	int ff = fixed ? MAP_FIXED : 0;
	void *rw = mmap(fixed ? x86_cc.rw : NULL, x86_cc.size, PROT_READ | PROT_WRITE,
			MAP_SHARED | ff, fd, 0);
	if (rw == MAP_FAILED)
		return -errno;
	void *rx = mmap(fixed ? x86_cc.rx : rx_hint(x86_cc.size), x86_cc.size,
			PROT_READ | PROT_EXEC, MAP_SHARED | ff, fd, 0);
	if (rx == MAP_FAILED) {
		int e = -errno;
		if (!fixed)
			munmap(rw, x86_cc.size);
		return e;
	}
	x86_cc.rw = rw;
	x86_cc.rx = rx;
	return 0;
}

static int cc_fork_fd = -1;

static void cc_atfork_prepare(void)
{
	cc_fork_fd = -1;
	if (x86_cc.fd < 0)
		return;
	int fd = memfd_create("morph-jit", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)x86_cc.size) < 0)
		return;
	size_t done = 0;
	while (done < x86_cc.used) {
		ssize_t n = pwrite(fd, x86_cc.rw + done, x86_cc.used - done, (off_t)done);
		if (n <= 0) {
			close(fd);
			return;
		}
		done += (size_t)n;
	}
	cc_fork_fd = fd;
}

static void cc_atfork_parent(void)
{
	if (cc_fork_fd >= 0)
		close(cc_fork_fd);
	cc_fork_fd = -1;
}

static void cc_atfork_child(void)
{
	if (x86_cc.fd < 0)
		return;
	int fd = cc_fork_fd;
	if (fd < 0)
		goto fail;
	int old = x86_cc.fd;
	if (map_views(fd, true) < 0)
		goto fail;
	close(old);
	x86_cc.fd = fd;
	return;
fail:
	fprintf(stderr, "morph: cannot copy the JIT code cache after fork: %s\n", strerror(errno));
	abort();
}

int x86_cc_init(size_t size)
{
	static bool atfork_done;

	if (x86_cc.rx)
		return 0;
	size = (size + 0xfffff) & ~(size_t)0xfffff;
	x86_cc.size = size;

	int fd = memfd_create("morph-jit", MFD_CLOEXEC);
	if (fd >= 0 && ftruncate(fd, (off_t)size) == 0 && map_views(fd, false) == 0) {
		x86_cc.fd = fd;
	} else {
		if (fd >= 0)
			close(fd);
		void *p = mmap(rx_hint(size), size, PROT_READ | PROT_WRITE | PROT_EXEC,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			return -errno;
		x86_cc.rw = x86_cc.rx = p;
		x86_cc.fd = -1;
	}
	x86_cc.used = x86_cc.fixed_end = 0;
	if (!atfork_done) {
		pthread_atfork(cc_atfork_prepare, cc_atfork_parent, cc_atfork_child);
		atfork_done = true;
	}
	return 0;
}

void x86_cc_flush(void)
{
	x86_cc.used = x86_cc.fixed_end;
}

void x86_cc_patch32(void *rx_addr, uint32_t v)
{
	uint32_t *p = x86_cc_rw(rx_addr);

	/* Atomic on x86 when inside one cache line, aligned or not (x86_align_rel32()) */
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}
