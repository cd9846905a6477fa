/*
 * Starting a guest program: load the ELF (and its PT_INTERP interpreter,
 * found under the sysroot), map the stack and morph's sigreturn trampoline,
 * and lay out the initial stack as the psABI and Linux's fs/binfmt_elf.c
 * (create_elf_tables) do:
 *
 *   sp -> argc, argv[0..argc-1], NULL, envp[..], NULL, auxv pairs, AT_NULL
 *         ... 16 random bytes, platform string, argument and environment
 *         strings, the executable's file name, a NULL word at the top.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <unistd.h>

#include "morph/elf-loader.h"
#include "src/linux-user/lx.h"

#define PAGE_UP(x) (((x) + GS_PAGE_MASK) & ~GS_PAGE_MASK)

/* auxv tags (include/uapi/linux/auxvec.h) */
enum {
	LX_AT_NULL = 0, LX_AT_PHDR = 3, LX_AT_PHENT = 4, LX_AT_PHNUM = 5, LX_AT_PAGESZ = 6,
	LX_AT_BASE = 7, LX_AT_FLAGS = 8, LX_AT_ENTRY = 9, LX_AT_UID = 11, LX_AT_EUID = 12,
	LX_AT_GID = 13, LX_AT_EGID = 14, LX_AT_PLATFORM = 15, LX_AT_HWCAP = 16,
	LX_AT_CLKTCK = 17, LX_AT_SECURE = 23, LX_AT_RANDOM = 25, LX_AT_HWCAP2 = 26,
	LX_AT_EXECFN = 31, LX_AT_MINSIGSTKSZ = 51,
};

/* ---- the ELF mapper over the guest space ---- */

static uint64_t gm_place(void *opaque, uint64_t addr, uint64_t len, bool fixed)
{
	(void)opaque;
	if (fixed) {
		if (addr + len < addr || addr + len > lx.gs.task_size)
			return (uint64_t)-ENOMEM;
		if (!gs_is_free(&lx.gs, addr, len))
			return (uint64_t)-EEXIST;
		return addr;
	}
	return gs_find_free(&lx.gs, addr, len);
}

static uint32_t gm_prot(uint32_t pf)
{
	return ((pf & ELF_PF_R) ? GS_PROT_READ : 0) | ((pf & ELF_PF_W) ? GS_PROT_WRITE : 0) |
	       ((pf & ELF_PF_X) ? GS_PROT_EXEC : 0);
}

static int gm_map_file(void *opaque, uint64_t addr, uint64_t len, uint32_t prot, int fd,
		       uint64_t off)
{
	(void)opaque;
	return gs_map(&lx.gs, addr, len, gm_prot(prot), 0, fd, off);
}

static int gm_map_anon(void *opaque, uint64_t addr, uint64_t len, uint32_t prot)
{
	(void)opaque;
	return gs_map(&lx.gs, addr, len, gm_prot(prot), 0, -1, 0);
}

static int gm_zero(void *opaque, uint64_t addr, uint64_t len)
{
	(void)opaque;
	memset(g2h(addr), 0, len);
	return 0;
}

static int gm_copy(void *opaque, uint64_t addr, const void *src, uint64_t len)
{
	(void)opaque;
	memcpy(g2h(addr), src, len);
	return 0;
}

static int gm_protect(void *opaque, uint64_t addr, uint64_t len, uint32_t prot)
{
	(void)opaque;
	return gs_protect(&lx.gs, addr, len, gm_prot(prot), NULL);
}

static const struct elf_mapper guest_mapper = {
	.page_size = GS_PAGE_SIZE,
	.place = gm_place,
	.map_file = gm_map_file,
	.map_anon = gm_map_anon,
	.zero = gm_zero,
	.copy = gm_copy,
	.protect = gm_protect,
};

/* ---- AT_RANDOM ---- */

static void random_bytes(uint8_t out[16], const struct lx_image_args *args)
{
	if (args->have_seed) {
		uint64_t s = args->seed, v[2] = { lx_splitmix64(&s), lx_splitmix64(&s) };
		memcpy(out, v, 16);
		return;
	}
	if (getrandom(out, 16, 0) != 16)
		for (int i = 0; i < 16; i++)
			out[i] = (uint8_t)rand();
}

/* ---- the stack ---- */

static uint64_t stack_size(void)
{
	struct rlimit rl;
	uint64_t sz = 8u << 20;

	if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		sz = rl.rlim_cur;
	if (sz < (128u << 10))
		sz = 128u << 10;
	if (sz > (256u << 20))
		sz = 256u << 20;
	return PAGE_UP(sz);
}

struct stack_builder {
	uint64_t p; /* grows down */
	uint64_t low;
};

static uint64_t push_bytes(struct stack_builder *s, const void *data, size_t n)
{
	s->p -= n;
	memcpy(g2h(s->p), data, n);
	return s->p;
}

static int build_stack(struct cpu *cpu, const struct lx_image_args *args,
		       const struct elf_file *ef, const struct elf_loaded *main,
		       const struct elf_loaded *interp, uint64_t entry)
{
	const struct linux_abi *abi = lx.abi;
	unsigned w = lx.wordsz;
	struct stack_builder s = { .p = lx.stack_top - w };
	uint64_t *argp, *envp, execfn, platform = 0, rnd, sp;
	uint64_t auxv[2 * 24];
	int envc = 0, na = 0;
	uint8_t r16[16];
	size_t need = 0;

	for (char **e = args->envp; *e; e++)
		envc++;
	for (int i = 0; i < args->argc; i++)
		need += strlen(args->argv[i]) + 1;
	for (int i = 0; i < envc; i++)
		need += strlen(args->envp[i]) + 1;
	need += strlen(args->execfn) + 1 + 64 + (size_t)(args->argc + envc + 64) * w;
	if (need > 1u << 21) {
		lx_error("argument list too long");
		return -E2BIG;
	}
	argp = calloc((size_t)args->argc + 1, sizeof(*argp));
	envp = calloc((size_t)envc + 1, sizeof(*envp));
	if (!argp || !envp) {
		free(argp);
		free(envp);
		return -ENOMEM;
	}
	memset(g2h(s.p), 0, w);
	execfn = push_bytes(&s, args->execfn, strlen(args->execfn) + 1);
	for (int i = envc - 1; i >= 0; i--)
		envp[i] = push_bytes(&s, args->envp[i], strlen(args->envp[i]) + 1);
	for (int i = args->argc - 1; i >= 0; i--)
		argp[i] = push_bytes(&s, args->argv[i], strlen(args->argv[i]) + 1);
	lx.args_addr = s.p;
	lx.args_len = (envc ? envp[0] : execfn) - s.p;
	if (abi->platform)
		platform = push_bytes(&s, abi->platform, strlen(abi->platform) + 1);
	random_bytes(r16, args);
	s.p &= ~15ull;
	rnd = push_bytes(&s, r16, 16);

#define AUX(tag, val)                              \
	do {                                       \
		auxv[na++] = (tag);                \
		auxv[na++] = (uint64_t)(val);      \
	} while (0)
	AUX(LX_AT_PHDR, main->phdr);
	AUX(LX_AT_PHENT, ef->phentsize);
	AUX(LX_AT_PHNUM, ef->phnum);
	AUX(LX_AT_PAGESZ, GS_PAGE_SIZE);
	AUX(LX_AT_BASE, interp ? interp->bias : 0);
	AUX(LX_AT_FLAGS, 0);
	AUX(LX_AT_ENTRY, main->entry);
	AUX(LX_AT_UID, getuid());
	AUX(LX_AT_EUID, geteuid());
	AUX(LX_AT_GID, getgid());
	AUX(LX_AT_EGID, getegid());
	AUX(LX_AT_HWCAP, abi->hwcap);
	if (abi->hwcap2)
		AUX(LX_AT_HWCAP2, abi->hwcap2);
	AUX(LX_AT_CLKTCK, sysconf(_SC_CLK_TCK));
	if (platform)
		AUX(LX_AT_PLATFORM, platform);
	AUX(LX_AT_SECURE, 0);
	AUX(LX_AT_RANDOM, rnd);
	AUX(LX_AT_EXECFN, execfn);
	if (abi->minsigstksz)
		AUX(LX_AT_MINSIGSTKSZ, abi->minsigstksz);
	AUX(LX_AT_NULL, 0);
#undef AUX

	/* argc, argv, NULL, envp, NULL, auxv: sp 16-byte aligned (psABI) */
	size_t words = 1 + (size_t)args->argc + 1 + (size_t)envc + 1 + (size_t)na;
	sp = (s.p - words * w) & ~15ull;
	uint8_t *q = g2h(sp);
	lx_stw(q, (uint64_t)args->argc);
	q += w;
	for (int i = 0; i < args->argc; i++, q += w)
		lx_stw(q, argp[i]);
	lx_stw(q, 0);
	q += w;
	for (int i = 0; i < envc; i++, q += w)
		lx_stw(q, envp[i]);
	lx_stw(q, 0);
	q += w;
	lx.auxv_addr = sp + (uint64_t)(q - (uint8_t *)g2h(sp));
	lx.auxv_len = (uint64_t)na * w;
	for (int i = 0; i < na; i++, q += w)
		lx_stw(q, auxv[i]);
	free(argp);
	free(envp);

	abi->start_process(cpu, entry, sp);
	return 0;
}

static int load_error(const char *path, int err, const char *msg)
{
	lx_error("%s: %s", path, msg);
	return err == -ENOENT ? 127 : 126;
}

int lx_load_program(struct cpu *cpu, struct elf_file *ef, const struct lx_image_args *args)
{
	struct elf_loaded main, interp;
	struct elf_file ief;
	char err[256], ipath[LX_PATH_MAX];
	uint64_t ssz = stack_size(), tramp;
	bool have_interp = ef->interp != NULL;
	int r;

	/* the stack at the top of the address space, mmap space below it */
	lx.stack_top = lx.gs.task_size;
	r = gs_map(&lx.gs, lx.stack_top - ssz, ssz, GS_PROT_READ | GS_PROT_WRITE |
		   (ef->exec_stack ? GS_PROT_EXEC : 0), GS_MAP_STACK, -1, 0);
	if (r < 0)
		return load_error(args->path, r, "cannot map the stack");
	lx.gs.mmap_base = (lx.stack_top - ssz - (16u << 20)) & ~GS_PAGE_MASK;

	r = elf_load(ef, lx.abi->et_dyn_base, &guest_mapper, &main, err, sizeof(err));
	if (r < 0)
		return load_error(args->path, r, err);
	lx.gs.brk_start = lx.gs.brk_cur = PAGE_UP(main.end);

	if (have_interp) {
		lx_path_str(ef->interp, ipath, sizeof(ipath));
		r = elf_open(&ief, ipath, err, sizeof(err));
		if (r < 0) {
			if (r == -ENOENT)
				lx_error("%s: interpreter %s not found%s", args->path, ef->interp,
					 lx.sysroot ? " in the sysroot" : " (use -L SYSROOT)");
			else
				lx_error("%s: interpreter %s: %s", args->path, ipath, err);
			return r == -ENOENT ? 127 : 126;
		}
		if (ief.machine != ef->machine || ief.elf_class != ef->elf_class ||
		    ief.big_endian != ef->big_endian) {
			elf_close(&ief);
			return load_error(args->path, -ENOEXEC,
					  "interpreter is for another architecture");
		}
		r = elf_load(&ief, 0, &guest_mapper, &interp, err, sizeof(err));
		if (r < 0) {
			elf_close(&ief);
			lx_error("%s: interpreter %s: %s", args->path, ipath, err);
			return 126;
		}
	}
	/* the arch's word on the pair (Linux's arch_check_elf: -ELIBBAD ...) */
	r = lx.abi->check_elf ? lx.abi->check_elf(cpu, ef, have_interp ? &ief : NULL) : 0;
	if (have_interp)
		elf_close(&ief);
	if (r < 0)
		return load_error(args->path, r, strerror(-r));

	/* rt_sigreturn trampoline: a page of our own, like the kernel's vDSO */
	tramp = gs_find_free(&lx.gs, 0, GS_PAGE_SIZE);
	if (lx_is_err_addr(tramp) ||
	    gs_map(&lx.gs, tramp, GS_PAGE_SIZE, GS_PROT_READ | GS_PROT_WRITE, 0, -1, 0) < 0)
		return load_error(args->path, -ENOMEM, "cannot map the signal trampoline");
	memcpy(g2h(tramp), lx.abi->sigreturn_code, lx.abi->sigreturn_code_len);
	gs_protect(&lx.gs, tramp, GS_PAGE_SIZE, GS_PROT_READ | GS_PROT_EXEC, NULL);
	lx.tramp = tramp;

	r = build_stack(cpu, args, ef, &main, have_interp ? &interp : NULL,
			have_interp ? interp.entry : main.entry);
	if (r < 0)
		return load_error(args->path, r, "cannot build the initial stack");
	return 0;
}
