/*
 * Self-modifying and generated code: an emulator that translates guest code must notice
 * when the bytes change. Each case writes RISC-V instructions into memory, runs them,
 * rewrites them, synchronises the instruction stream as the ISA requires (fence.i, or
 * __builtin___clear_cache which becomes the riscv_flush_icache system call), and runs
 * them again expecting the new behaviour.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

typedef long (*fn0)(void);
typedef long (*fn1)(long);

enum { ZERO = 0, RA = 1, T0 = 5, T1 = 6, A0 = 10, A1 = 11 };

/* Base instruction formats (RISC-V unprivileged spec, "Base Instruction Formats"). */
static uint32_t enc_i(uint32_t op, uint32_t f3, int rd, int rs1, int32_t imm)
{
	return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t enc_s(uint32_t op, uint32_t f3, int rs1, int rs2, int32_t imm)
{
	return ((uint32_t)imm >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       ((uint32_t)imm & 0x1f) << 7 | op;
}

static uint32_t enc_r(uint32_t f7, int rs2, int rs1, uint32_t f3, int rd, uint32_t op)
{
	return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t addi(int rd, int rs1, int32_t imm) { return enc_i(0x13, 0, rd, rs1, imm); }
static uint32_t add(int rd, int rs1, int rs2) { return enc_r(0, rs2, rs1, 0, rd, 0x33); }
static uint32_t sw(int rs2, int32_t imm, int rs1) { return enc_s(0x23, 2, rs1, rs2, imm); }
static uint32_t auipc(int rd) { return 0x17 | rd << 7; }
static uint32_t ret(void) { return enc_i(0x67, 0, ZERO, RA, 0); }
static uint32_t fence_i(void) { return 0x0000100f; }
static uint32_t nop(void) { return addi(ZERO, ZERO, 0); }

static void emit(void *at, const uint32_t *insns, size_t n)
{
	memcpy(at, insns, n * sizeof(*insns));
}

static void sync_icache(void *p, size_t n)
{
	__builtin___clear_cache((char *)p, (char *)p + n);
}

static long page;

/* An RWX page: return a constant, patch the constant, run again; then a loop that patches
 * and runs on every iteration. */
static void test_rwx(void)
{
	uint32_t *code = mmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t body[] = { addi(A0, ZERO, 42), ret() };
	fn0 f = (fn0)(uintptr_t)code;
	long sum = 0;

	if (code == MAP_FAILED) {
		printf("rwx mmap failed: %s\n", strerror(errno));
		return;
	}
	emit(code, body, 2);
	sync_icache(code, sizeof(body));
	printf("rwx first: %ld\n", f());
	code[0] = addi(A0, ZERO, 43);
	sync_icache(code, 4);
	printf("rwx patched: %ld\n", f());

	for (int i = 0; i < 200; i++) {
		code[0] = addi(A0, ZERO, i);
		sync_icache(code, 4);
		sum += f();
	}
	printf("rwx patch loop sum: %ld (expected %d)\n", sum, 199 * 200 / 2);

	/* Replace the whole function by a longer one at the same address. */
	{
		uint32_t longer[] = { addi(A0, A0, 1000), add(A0, A0, A0), ret() };
		fn1 g = (fn1)(uintptr_t)code;

		emit(code, longer, 3);
		sync_icache(code, sizeof(longer));
		printf("rwx replaced with (x + 1000) * 2: %ld\n", g(5));
	}
	munmap(code, page);
}

/* W^X discipline: write while RW, execute while RX, flip again to patch. */
static void test_wx_mprotect(void)
{
	uint32_t *code = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t body[] = { addi(A0, A0, 1), ret() };
	fn1 f = (fn1)(uintptr_t)code;

	emit(code, body, 2);
	mprotect(code, page, PROT_READ | PROT_EXEC);
	sync_icache(code, sizeof(body));
	printf("w^x first: %ld\n", f(10));
	mprotect(code, page, PROT_READ | PROT_WRITE);
	code[0] = addi(A0, A0, -1);
	mprotect(code, page, PROT_READ | PROT_EXEC);
	sync_icache(code, 4);
	printf("w^x patched: %ld\n", f(10));
	munmap(code, page);
}

/* Code that rewrites an instruction ahead of itself in the same basic block, then executes
 * fence.i: the new instruction must be the one that runs (fence.i orders the store before
 * the following fetches on this hart). */
static void test_fence_i_same_block(void)
{
	uint32_t *code = mmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t body[] = {
		auipc(T0),		/* 0: t0 = &code[0] */
		sw(A0, 16, T0),		/* 4: code[4] = a0 (an instruction word) */
		fence_i(),		/* 8 */
		nop(),			/* 12 */
		addi(A0, ZERO, 1),	/* 16: replaced before it runs */
		ret(),			/* 20 */
	};
	fn1 f = (fn1)(uintptr_t)code;

	emit(code, body, 6);
	sync_icache(code, sizeof(body));
	printf("fence.i same block: %ld\n", f(addi(A0, ZERO, 7)));
	printf("fence.i same block again: %ld\n", f(addi(A0, ZERO, 9)));
	printf("instruction now in memory: %08x (expected %08x)\n", code[4], addi(A0, ZERO, 9));
	munmap(code, page);
}

/* Unmap code and map different code at the same address: stale translations must go. */
static void test_remap_same_address(void)
{
	uint32_t *code = mmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t *again;
	uint32_t a[] = { addi(A0, ZERO, 100), ret() };
	uint32_t b[] = { addi(A0, ZERO, 200), ret() };
	fn0 f = (fn0)(uintptr_t)code;
	long r1, r2;

	emit(code, a, 2);
	sync_icache(code, sizeof(a));
	r1 = f();
	munmap(code, page);
	again = mmap(code, page, PROT_READ | PROT_WRITE | PROT_EXEC,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (again != code) {
		printf("remap failed\n");
		return;
	}
	emit(code, b, 2);
	sync_icache(code, sizeof(b));
	r2 = f();
	printf("remap same address: %ld then %ld\n", r1, r2);
	munmap(code, page);
}

/* Two views of one memfd: written through the RW view, executed through the RX view (the
 * dual-mapping scheme of W^X JITs). The write never touches the executable addresses, so
 * only the explicit cache flush tells an emulator that the code changed. */
static void test_dual_mapping(void)
{
	int fd = memfd_create("morph-smc", 0);
	uint32_t *rw, *rx;
	fn0 f;
	long r1, r2;

	if (fd < 0 || ftruncate(fd, page) != 0) {
		printf("memfd failed: %s\n", strerror(errno));
		return;
	}
	rw = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	rx = mmap(NULL, page, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	close(fd);
	if (rw == MAP_FAILED || rx == MAP_FAILED) {
		printf("dual mmap failed: %s\n", strerror(errno));
		return;
	}
	f = (fn0)(uintptr_t)rx;
	rw[0] = addi(A0, ZERO, 11);
	rw[1] = ret();
	sync_icache(rx, 8);
	r1 = f();
	rw[0] = addi(A0, ZERO, 22);
	sync_icache(rx, 8);
	r2 = f();
	printf("dual mapping: %ld then %ld\n", r1, r2);
	munmap(rw, page);
	munmap(rx, page);
}

/* Patch the code of a function that sits in the program's own text segment after making
 * it writable: the translation of a page that came from the ELF file must also go. */
__attribute__((noinline, aligned(64))) static long text_fn(long x)
{
	/* 16 bytes of padding: room for the 8-byte stub written over the function. */
	__asm__ volatile(".option push\n.option norvc\nnop\nnop\nnop\nnop\n.option pop" ::: "memory");
	return x + 1;
}

static void test_patch_text(void)
{
	uintptr_t start = (uintptr_t)text_fn & ~(uintptr_t)(page - 1);
	uintptr_t end = ((uintptr_t)text_fn + 64 + page - 1) & ~(uintptr_t)(page - 1);
	long before = text_fn(1), after;
	uint32_t stub[] = { addi(A0, A0, 100), ret() };

	if (mprotect((void *)start, end - start, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
		printf("mprotect text failed: %s\n", strerror(errno));
		return;
	}
	emit((void *)(uintptr_t)text_fn, stub, 2);
	sync_icache((void *)(uintptr_t)text_fn, sizeof(stub));
	after = text_fn(1);
	mprotect((void *)start, end - start, PROT_READ | PROT_EXEC);
	printf("patched text: %ld then %ld\n", before, after);
}

int main(void)
{
	page = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_rwx();
	test_wx_mprotect();
	test_fence_i_same_block();
	test_remap_same_address();
	test_dual_mapping();
	test_patch_text();
	return 0;
}
