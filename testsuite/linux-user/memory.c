/*
 * Address-space management: brk/sbrk, malloc (small chunks from the heap, large ones from
 * mmap), mmap/munmap/mprotect/mremap/madvise on anonymous and file mappings, MAP_FIXED.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

static int failures;

#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (!(cond)) {                                                            \
			printf("FAIL line %d: %s (errno %d)\n", __LINE__, #cond, errno);  \
			failures++;                                                       \
		}                                                                         \
	} while (0)

static size_t page;

static uint32_t fnv1a(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *b++) * 16777619u;
	return h;
}

static int all_bytes(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static void test_brk(void)
{
	char *start = sbrk(0), *old, *now;
	const long grow = 256 * 1024;

	CHECK(start != (char *)-1);
	old = sbrk(grow);
	printf("sbrk(+%ld) returns the old break: %d\n", grow, old == start);
	now = sbrk(0);
	printf("break moved by: %ld\n", (long)(now - start));
	memset(old, 0x5a, grow);
	printf("new heap area writable, pattern ok: %d\n", all_bytes((unsigned char *)old, grow, 0x5a));
	old = sbrk(-grow / 2);
	printf("sbrk(-%ld) moved back by: %ld\n", grow / 2, (long)(old - (char *)sbrk(0)));
	printf("lower half still intact: %d\n",
	       all_bytes((unsigned char *)start, grow / 2, 0x5a));
	CHECK(brk(start) == 0);
	printf("brk(start) restores: %d\n", sbrk(0) == start);
}

static void test_malloc(void)
{
	enum { N = 20000 };
	static unsigned char *blocks[N];
	size_t total = 0;
	int i, bad = 0;
	unsigned char *big;
	size_t big_size = 64u << 20;
	uint32_t h;

	for (i = 0; i < N; i++) {
		size_t sz = 1 + (i * 7919u) % 300;

		blocks[i] = malloc(sz);
		CHECK(blocks[i] != NULL);
		memset(blocks[i], i & 0xff, sz);
		total += sz;
	}
	printf("small allocations: %d, bytes %zu\n", N, total);
	/* Free every other block, grow the rest with realloc, then verify all contents. */
	for (i = 0; i < N; i += 2) {
		free(blocks[i]);
		blocks[i] = NULL;
	}
	for (i = 1; i < N; i += 2) {
		size_t sz = 1 + (i * 7919u) % 300;

		blocks[i] = realloc(blocks[i], sz + 1000);
		if (!all_bytes(blocks[i], sz, i & 0xff))
			bad++;
		memset(blocks[i] + sz, 0xee, 1000);
	}
	printf("contents preserved across realloc: %d\n", bad == 0);
	for (i = 1; i < N; i += 2)
		free(blocks[i]);

	/* calloc returns zeroed memory even when it reuses freed chunks. */
	big = calloc(1000, 37);
	printf("calloc zeroed: %d\n", all_bytes(big, 37000, 0));
	free(big);

	big = malloc(big_size);
	CHECK(big != NULL);
	printf("64 MiB malloc page aligned+16: %d\n", ((uintptr_t)big & (page - 1)) == 16);
	for (size_t off = 0; off < big_size; off += 4096)
		big[off] = (unsigned char)(off >> 12);
	h = 0;
	for (size_t off = 0; off < big_size; off += 4096)
		h = h * 31 + big[off];
	printf("64 MiB stride checksum: %08x\n", h);
	free(big);
}

static void test_mmap_anon(void)
{
	unsigned char *p, *q, *r;
	size_t n = 16 * page;

	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	printf("anonymous mmap page aligned: %d, zero filled: %d\n",
	       ((uintptr_t)p & (page - 1)) == 0, all_bytes(p, n, 0));
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 13);
	printf("pattern hash: %08x\n", fnv1a(p, n));

	/* Punch a hole; the pages around it stay. */
	CHECK(munmap(p + 4 * page, 2 * page) == 0);
	printf("pages around the hole intact: %d %d\n", p[4 * page - 1] == (unsigned char)((4 * page - 1) * 13),
	       p[6 * page] == (unsigned char)(6 * page * 13));
	/* MAP_FIXED into the hole gives fresh zero pages. */
	q = mmap(p + 4 * page, 2 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("MAP_FIXED at the hole: %d, zero: %d\n", q == p + 4 * page, all_bytes(q, 2 * page, 0));

	/* MAP_FIXED_NOREPLACE refuses to clobber an existing mapping. */
	errno = 0;
	r = mmap(p, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	printf("MAP_FIXED_NOREPLACE over a mapping: %s\n",
	       r == MAP_FAILED && errno == EEXIST ? "EEXIST" : "mapped");
	if (r != MAP_FAILED && r != p)
		munmap(r, page);

	/* mprotect to read-only keeps the data readable. */
	CHECK(mprotect(p, 2 * page, PROT_READ) == 0);
	printf("read after mprotect(PROT_READ): %d\n", p[page + 1] == (unsigned char)((page + 1) * 13));
	CHECK(mprotect(p, 2 * page, PROT_READ | PROT_WRITE) == 0);
	p[0] = 0xab;
	printf("write after mprotect(RW): %02x\n", p[0]);

	/* MADV_DONTNEED on private anonymous memory: the next touch sees zero pages. */
	memset(p + 8 * page, 0x77, page);
	CHECK(madvise(p + 8 * page, page, MADV_DONTNEED) == 0);
	printf("after MADV_DONTNEED zero: %d\n", all_bytes(p + 8 * page, page, 0));

	/* mremap: grow with MREMAP_MAYMOVE, old contents move along, the tail is zero. */
	for (size_t i = 0; i < 4 * page; i++)
		p[i] = (unsigned char)(i ^ 0x3c);
	CHECK(munmap(p + 4 * page, n - 4 * page) == 0);
	q = mremap(p, 4 * page, 64 * page, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED);
	{
		int ok = 1;

		for (size_t i = 0; i < 4 * page; i++)
			if (q[i] != (unsigned char)(i ^ 0x3c))
				ok = 0;
		printf("mremap grow: contents kept %d, tail zero %d\n", ok,
		       all_bytes(q + 4 * page, 60 * page, 0));
	}
	q[64 * page - 1] = 1;
	r = mremap(q, 64 * page, 2 * page, 0);
	printf("mremap shrink in place: %d, data %02x\n", r == q, r[page + 5]);
	CHECK(munmap(r, 2 * page) == 0);

	/* Errors. */
	errno = 0;
	p = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap length 0: %s\n", p == MAP_FAILED && errno == EINVAL ? "EINVAL" : "?");
	errno = 0;
	p = mmap(NULL, page, PROT_READ, MAP_PRIVATE, -1, 0);
	printf("mmap bad fd: %s\n", p == MAP_FAILED && errno == EBADF ? "EBADF" : "?");
	errno = 0;
	printf("munmap unaligned: %s\n",
	       munmap((void *)(uintptr_t)(page + 1), page) == -1 && errno == EINVAL ? "EINVAL" : "?");
}

static void test_mmap_file(void)
{
	char path[PATH_MAX];
	const char *tmp = getenv("TMPDIR");
	unsigned char *p, buf[8];
	int fd;
	size_t n = 3 * page;

	snprintf(path, sizeof(path), "%s/morph-mmap-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	CHECK(fd >= 0);
	unlink(path);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)('a' + i % 26);

		CHECK(write(fd, &c, 1) == 1);
	}

	p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	printf("private file map: %.8s ... %.4s\n", p, p + n - 4);
	CHECK(munmap(p, n) == 0);

	/* An offset mapping starts at the right byte. */
	p = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, page);
	printf("map at offset one page: %c\n", p[0]);
	CHECK(munmap(p, page) == 0);

	/* Stores into a shared mapping reach the file. */
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	memcpy(p + page, "SHARED", 6);
	CHECK(msync(p, n, MS_SYNC) == 0);
	CHECK(pread(fd, buf, 6, page) == 6);
	printf("shared store seen by pread: %.6s\n", buf);
	/* And writes to the file show up in the mapping. */
	CHECK(pwrite(fd, "PWRITE", 6, 2 * page) == 6);
	printf("pwrite seen through the map: %.6s\n", p + 2 * page);
	CHECK(munmap(p, n) == 0);

	/* Private mappings are copy-on-write: the file keeps its bytes. */
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	memcpy(p, "PRIVATE", 7);
	CHECK(pread(fd, buf, 7, 0) == 7);
	printf("private store not in the file: %.7s vs %.7s\n", p, buf);
	CHECK(munmap(p, n) == 0);
	close(fd);
}

int main(void)
{
	page = sysconf(_SC_PAGESIZE);
	printf("page size: %zu\n", page);
	test_brk();
	test_malloc();
	test_mmap_anon();
	test_mmap_file();
	printf("failures: %d\n", failures);
	return failures != 0;
}
