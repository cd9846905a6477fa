/*
 * The MIPS o32 Linux user ABI for the linux-user core (kernel sources:
 * arch/mips/include/uapi/asm/, arch/mips/kernel/scall32-o32.S,
 * signal.c; glibc sysdeps/unix/sysv/linux/mips/mips32):
 *  - syscall number in v0 (4000 + n), arguments in a0-a3 and, from the 5th
 *    on, at sp + 16, sp + 20, ... (the caller's argument save area); the
 *    result in v0 with a3 = 0, or a positive errno in v0 with a3 = 1;
 *  - 64-bit arguments in aligned register pairs, in memory order;
 *  - MIPS numbering of errno, signals (128 of them), open/mmap/SA_ flags,
 *    socket types, rlimits, fcntl commands and tty ioctls;
 *  - struct stat64, statfs64, sigaction and the rt_sigframe of o32;
 *  - TLS: set_thread_area() sets UserLocal, which rdhwr $29 reads.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "morph/frontend.h"
#include "morph/linux-abi.h"
#include "frontends/mips/mips-cpu.h"
#include "frontends/mips/mips-fp.h"

#define NR_BASE 4000
#define NR(n) (NR_BASE + (n))

static inline struct mips_cpu *mc(struct cpu *c)
{
	return (struct mips_cpu *)c;
}

/* Register values as the core wants them: the 32-bit word, zero-extended */
static uint64_t reg(struct cpu *c, unsigned n)
{
	return (uint32_t)mc(c)->gpr[n];
}

static void set_reg(struct cpu *c, unsigned n, uint64_t v)
{
	mc(c)->gpr[n] = (uint64_t)(int64_t)(int32_t)v;
}

/* ---- System calls */

/* The @n-th argument (0-based) of the call: registers, then the stack */
static uint64_t stack_arg(struct cpu *c, unsigned n)
{
	uint8_t b[4];

	if (lx_copy_from_guest(b, reg(c, 29) + 4 * n, 4) < 0)
		return 0;
	return lx_ld32(b);
}

static unsigned o32_get_syscall(struct cpu *c, uint64_t args[6])
{
	for (unsigned i = 0; i < 4; i++)
		args[i] = reg(c, 4 + i);
	args[4] = stack_arg(c, 4);
	args[5] = stack_arg(c, 5);
	return (unsigned)reg(c, 2);
}

/* A 64-bit value passed in the argument pair (@x, @y), in memory order */
static uint64_t pair(struct cpu *c, uint64_t x, uint64_t y)
{
	return c->arch->big_endian ? x << 32 | (uint32_t)y : y << 32 | (uint32_t)x;
}

/*
 * The o32 forms of the calls that take 64-bit values (kernel's
 * arch/mips/kernel/linux32.c and the compat ones) -> the core's arguments.
 */
static void o32_fixup_args(struct cpu *c, enum lx_sys sys, uint64_t a[6])
{
	switch (sys) {
	case LX_SYS_pread64:  /* fd, buf, count, pad, off (a4, a5) */
	case LX_SYS_pwrite64:
		a[3] = pair(c, a[4], a[5]);
		break;
	case LX_SYS_truncate64: /* path, pad, len (a2, a3) */
	case LX_SYS_ftruncate64:
		a[1] = pair(c, a[2], a[3]);
		break;
	case LX_SYS_readahead: /* fd, pad, off (a2, a3), count */
		a[1] = pair(c, a[2], a[3]);
		a[2] = a[4];
		break;
	case LX_SYS_fadvise64: /* fd, pad, off (a2, a3), len (a4, a5), advice (7th) */
		a[1] = pair(c, a[2], a[3]);
		a[2] = pair(c, a[4], a[5]);
		a[3] = stack_arg(c, 6);
		break;
	case LX_SYS_sync_file_range: /* fd, pad, off, nbytes, flags (7th) */
		a[1] = pair(c, a[2], a[3]);
		a[2] = pair(c, a[4], a[5]);
		a[3] = stack_arg(c, 6);
		break;
	case LX_SYS_fallocate: /* fd, mode, off (a2, a3), len (a4, a5) */
		a[2] = pair(c, a[2], a[3]);
		a[3] = pair(c, a[4], a[5]);
		break;
	case LX_SYS_preadv:  /* fd, vec, vlen, pos_l, pos_h (low word first) */
	case LX_SYS_pwritev:
	case LX_SYS_preadv2: /* ..., flags */
	case LX_SYS_pwritev2:
		a[3] = a[4] << 32 | (uint32_t)a[3];
		a[4] = 0;
		break;
	case LX_SYS_statfs64: /* path, size, buf */
	case LX_SYS_fstatfs64:
		a[1] = a[2];
		break;
	case LX_SYS_rt_sigprocmask: /* SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK are 1, 2, 3 */
	case LX_SYS_sigprocmask:
		a[0] = a[0] - 1;
		break;
	default:
		break;
	}
}

/* MIPS's errno values are at most 1133 (EDQUOT) */
#define O32_MAX_ERRNO 1133

static void o32_set_syscall_result(struct cpu *c, int64_t ret)
{
	if (ret < 0 && ret >= -O32_MAX_ERRNO) {
		set_reg(c, 2, (uint64_t)-ret);
		set_reg(c, 7, 1);
	} else {
		set_reg(c, 2, (uint64_t)ret);
		set_reg(c, 7, 0);
	}
}

/* ---- Process and threads */

static void o32_start_process(struct cpu *c, uint64_t entry, uint64_t sp)
{
	struct mips_cpu *cpu = mc(c);

	/* ELF_PLAT_INIT: every register 0 (v0 = 0: no rtld_fini) */
	memset(cpu->gpr, 0, sizeof(cpu->gpr));
	cpu->hi = cpu->lo = 0;
	c->pc = entry;
	set_reg(c, 29, sp);
	set_reg(c, 25, entry); /* t9: what PIC code at a function entry expects */
}

static void o32_clone_child(struct cpu *c, uint64_t newsp, bool set_tls, uint64_t tls)
{
	set_reg(c, 2, 0);
	set_reg(c, 7, 0);
	if (newsp)
		set_reg(c, 29, newsp);
	if (set_tls)
		mc(c)->ulr = (uint64_t)(int64_t)(int32_t)tls;
	mc(c)->lladdr = ~(uint64_t)0;
}

static uint64_t o32_get_sp(struct cpu *c)
{
	return reg(c, 29);
}

/* ---- Signal frames (arch/mips/kernel/signal.c, o32) */

/*
 *   struct rt_sigframe { u32 rs_ass[4], rs_pad[2]; siginfo_t rs_info (128);
 *                        struct ucontext rs_uc; }               // rs_uc @152
 *   ucontext: uc_flags @0, uc_link @4, uc_stack @8 (12: sp, size, flags),
 *             uc_mcontext @24 (struct sigcontext, 592), uc_sigmask @616 (16)
 *   sigcontext: sc_regmask @0, sc_status @4, sc_pc @8, sc_regs[32] @16 (u64),
 *             sc_fpregs[32] @272 (u64), sc_acx @528, sc_fpc_csr @532,
 *             sc_fpc_eir @536, sc_used_math @540, sc_dsp @544,
 *             sc_mdhi @552, sc_mdlo @560 (u64), sc_hi1..sc_lo3 @568
 */
#define FRAME_INFO 24
#define FRAME_UC 152
#define UC_STACK 8
#define UC_MCONTEXT 24
#define UC_SIGMASK 616
#define SC_PC 8
#define SC_REGS 16
#define SC_FPREGS 272
#define SC_FPC_CSR 532
#define SC_USED_MATH 540
#define SC_MDHI 552
#define SC_MDLO 560
#define FRAME_SIZE (FRAME_UC + 632)

_Static_assert(FRAME_SIZE == 784, "o32 rt_sigframe size");

/* FP registers as the kernel saves them: in FR=0 mode only the even (64-bit) ones */
static unsigned fp_step(const struct mips_cpu *cpu)
{
	return cpu->fr ? 1 : 2;
}

static int o32_setup_rt_frame(struct cpu *c, const struct lx_sigframe *f)
{
	struct mips_cpu *cpu = mc(c);
	uint8_t fr[FRAME_SIZE];
	uint8_t *uc = fr + FRAME_UC, *sc = uc + UC_MCONTEXT;
	/* 32 bytes below sp stay free (the kernel's FPU emulator trampoline space) */
	uint64_t frame = (f->sp - 32 - FRAME_SIZE) & ~7ull;

	memset(fr, 0, sizeof(fr));
	memcpy(fr + FRAME_INFO, f->info, 128);
	lx_stack_to_guest(uc + UC_STACK, &f->stack);
	lx_st64(sc + SC_PC, (uint64_t)(int64_t)(int32_t)c->pc);
	for (unsigned i = 1; i < 32; i++)
		lx_st64(sc + SC_REGS + 8 * i, cpu->gpr[i]);
	for (unsigned i = 0; i < 32; i += fp_step(cpu))
		lx_st64(sc + SC_FPREGS + 8 * i, cpu->fpr[i]);
	lx_st32(sc + SC_FPC_CSR, mips_fcsr_read(cpu));
	lx_st32(sc + SC_USED_MATH, 1);
	lx_st64(sc + SC_MDHI, cpu->hi);
	lx_st64(sc + SC_MDLO, cpu->lo);
	lx_sigset_to_guest(uc + UC_SIGMASK, 16, f->mask);
	if (lx_copy_to_guest(frame, fr, sizeof(fr)) < 0)
		return -EFAULT;

	c->pc = f->handler;
	set_reg(c, 4, (uint64_t)f->sig);
	set_reg(c, 5, frame + FRAME_INFO);
	set_reg(c, 6, frame + FRAME_UC);
	set_reg(c, 29, frame);
	set_reg(c, 31, f->tramp);
	set_reg(c, 25, f->handler);
	cpu->lladdr = ~(uint64_t)0;
	return 0;
}

static int o32_rt_sigreturn(struct cpu *c, uint64_t mask[2], struct lx_stack *stack)
{
	struct mips_cpu *cpu = mc(c);
	uint8_t fr[FRAME_SIZE];
	uint8_t *uc = fr + FRAME_UC, *sc = uc + UC_MCONTEXT;

	if (lx_copy_from_guest(fr, reg(c, 29), sizeof(fr)) < 0)
		return -EFAULT;
	lx_sigset_from_guest(uc + UC_SIGMASK, 16, mask);
	lx_stack_from_guest(uc + UC_STACK, stack);
	c->pc = (uint64_t)(int64_t)(int32_t)lx_ld64(sc + SC_PC);
	for (unsigned i = 1; i < 32; i++)
		cpu->gpr[i] = (uint64_t)(int64_t)(int32_t)lx_ld64(sc + SC_REGS + 8 * i);
	cpu->hi = (uint64_t)(int64_t)(int32_t)lx_ld64(sc + SC_MDHI);
	cpu->lo = (uint64_t)(int64_t)(int32_t)lx_ld64(sc + SC_MDLO);
	for (unsigned i = 0; i < 32; i += fp_step(cpu))
		cpu->fpr[i] = lx_ld64(sc + SC_FPREGS + 8 * i);
	mips_fcsr_write(cpu, lx_ld32(sc + SC_FPC_CSR));
	cpu->lladdr = ~(uint64_t)0;
	return 0;
}

/* struct sigaction of o32: sa_flags @0, sa_handler @4, sa_mask @8 (4 words) */
static int o32_get_sigaction(uint64_t gaddr, uint64_t *handler, uint64_t *flags,
			     uint64_t *restorer, uint64_t mask[2])
{
	uint8_t b[24];

	if (lx_copy_from_guest(b, gaddr, sizeof(b)) < 0)
		return -EFAULT;
	*flags = lx_ld32(b);
	*handler = lx_ld32(b + 4);
	*restorer = 0;
	lx_sigset_from_guest(b + 8, 16, mask);
	return 0;
}

static int o32_put_sigaction(uint64_t gaddr, uint64_t handler, uint64_t flags,
			     uint64_t restorer, const uint64_t mask[2])
{
	uint8_t b[24];

	(void)restorer;
	lx_st32(b, (uint32_t)flags);
	lx_st32(b + 4, (uint32_t)handler);
	lx_sigset_to_guest(b + 8, 16, mask);
	return lx_copy_to_guest(gaddr, b, sizeof(b));
}

/* ---- Struct layouts */

/* The kernel's new_encode_dev() */
static uint32_t encode_dev(dev_t d)
{
	uint32_t ma = major(d), mi = minor(d);

	return (mi & 0xff) | (ma & 0xfff) << 8 | (mi & ~0xffu) << 12;
}

/* struct stat64 (o32): 104 bytes */
static size_t o32_put_stat(void *out, const void *hst)
{
	const struct stat *st = hst;
	uint8_t *b = out;

	memset(b, 0, 104);
	lx_st32(b + 0, encode_dev(st->st_dev));
	lx_st64(b + 16, st->st_ino);
	lx_st32(b + 24, st->st_mode);
	lx_st32(b + 28, (uint32_t)st->st_nlink);
	lx_st32(b + 32, st->st_uid);
	lx_st32(b + 36, st->st_gid);
	lx_st32(b + 40, encode_dev(st->st_rdev));
	lx_st64(b + 56, (uint64_t)st->st_size);
	lx_st32(b + 64, (uint32_t)st->st_atim.tv_sec);
	lx_st32(b + 68, (uint32_t)st->st_atim.tv_nsec);
	lx_st32(b + 72, (uint32_t)st->st_mtim.tv_sec);
	lx_st32(b + 76, (uint32_t)st->st_mtim.tv_nsec);
	lx_st32(b + 80, (uint32_t)st->st_ctim.tv_sec);
	lx_st32(b + 84, (uint32_t)st->st_ctim.tv_nsec);
	lx_st32(b + 88, (uint32_t)st->st_blksize);
	lx_st64(b + 96, (uint64_t)st->st_blocks);
	return 104;
}

/*
 * struct statfs64 (o32): f_type, f_bsize, f_frsize, pad (u32), f_blocks,
 * f_bfree, f_files, f_ffree, f_bavail (u64), f_fsid (8), f_namelen,
 * f_flags, f_spare[5] (u32): 88 bytes.
 */
static size_t o32_put_statfs(void *out, const void *hs)
{
	const struct statfs *s = hs;
	uint8_t *b = out;

	memset(b, 0, 88);
	lx_st32(b + 0, (uint32_t)s->f_type);
	lx_st32(b + 4, (uint32_t)s->f_bsize);
	lx_st32(b + 8, (uint32_t)s->f_frsize);
	lx_st64(b + 16, s->f_blocks);
	lx_st64(b + 24, s->f_bfree);
	lx_st64(b + 32, s->f_files);
	lx_st64(b + 40, s->f_ffree);
	lx_st64(b + 48, s->f_bavail);
	memcpy(b + 56, &s->f_fsid, 8);
	lx_st32(b + 64, (uint32_t)s->f_namelen);
	lx_st32(b + 68, (uint32_t)s->f_flags);
	return 88;
}

/* ---- Arch-specific calls */

/* set_thread_area(addr): the TLS pointer rdhwr $29 returns */
static int64_t o32_set_thread_area(struct cpu *c, const uint64_t *a)
{
	mc(c)->ulr = (uint64_t)(int64_t)(int32_t)a[0];
	return 0;
}

/* cacheflush(addr, nbytes, cache): code there may have changed */
static int64_t o32_cacheflush(struct cpu *c, const uint64_t *a)
{
	(void)c;
	lx_invalidate_code(a[0], a[0] + a[1]);
	return 0;
}

static int64_t o32_cachectl(struct cpu *c, const uint64_t *a)
{
	(void)c;
	(void)a;
	return 0;
}

/* pipe(): o32 returns the two descriptors in v0 and v1 */
static int64_t o32_pipe(struct cpu *c, const uint64_t *a)
{
	int fds[2];

	(void)a;
	if (pipe(fds) < 0)
		return -errno;
	set_reg(c, 3, (uint64_t)fds[1]);
	return fds[0];
}

static const struct lx_arch_syscall o32_arch_syscalls[] = {
	{ NR(42), "pipe", 0, "", o32_pipe },
	{ NR(147), "cacheflush", 3, "pxd", o32_cacheflush },
	{ NR(148), "cachectl", 3, "pxd", o32_cachectl },
	{ NR(283), "set_thread_area", 1, "p", o32_set_thread_area },
};

/* ---- Faults of guest code (mips-cpu.h MIPS_EXCP_*) */

static bool o32_fault_signal(struct cpu *c, int excp, int *sig, int *code, uint64_t *addr)
{
	struct mips_cpu *cpu = mc(c);
	uint32_t fcsr = mips_fcsr_read(cpu);
	uint32_t cause = fcsr >> MIPS_FCSR_CAUSE_SHIFT & fcsr >> MIPS_FCSR_ENABLES_SHIFT;

	*addr = c->pc;
	switch (excp) {
	case MIPS_EXCP_OVERFLOW:
		*sig = SIGFPE;
		*code = FPE_INTOVF;
		return true;
	case MIPS_EXCP_TRAP:
		*sig = SIGTRAP;
		*code = SI_KERNEL;
		return true;
	case MIPS_EXCP_FPE:
		/* the kernel's do_fpe() order */
		*sig = SIGFPE;
		*code = cause & 0x10 ? FPE_FLTINV : cause & 0x08 ? FPE_FLTDIV
			: cause & 0x04 ? FPE_FLTOVF : cause & 0x02 ? FPE_FLTUND
			: FPE_FLTRES;
		return true;
	default:
		return false;
	}
}

/* ---- Constant translation: {canonical, o32} */

static const struct lx_valmap o32_errnos[] = {
	{35, 45}, {36, 78}, {37, 46}, {38, 89}, {39, 93}, {40, 90}, {42, 35}, {43, 36},
	{44, 37}, {45, 38}, {46, 39}, {47, 40}, {48, 41}, {49, 42}, {50, 43}, {51, 44},
	{52, 50}, {53, 51}, {54, 52}, {55, 53}, {56, 54}, {57, 55}, {72, 74}, {74, 77},
	{75, 79}, {76, 80}, {77, 81}, {78, 82}, {79, 83}, {80, 84}, {81, 85}, {82, 86},
	{83, 87}, {84, 88}, {85, 91}, {86, 92}, {87, 94}, {88, 95}, {89, 96}, {90, 97},
	{91, 98}, {92, 99}, {93, 120}, {94, 121}, {95, 122}, {96, 123}, {97, 124},
	{98, 125}, {99, 126}, {100, 127}, {101, 128}, {102, 129}, {103, 130}, {104, 131},
	{105, 132}, {106, 133}, {107, 134}, {108, 143}, {109, 144}, {110, 145}, {111, 146},
	{112, 147}, {113, 148}, {114, 149}, {115, 150}, {116, 151}, {117, 135}, {118, 137},
	{119, 138}, {120, 139}, {121, 140}, {122, 1133}, {123, 159}, {124, 160},
	{125, 158}, {126, 161}, {127, 162}, {128, 163}, {129, 164}, {130, 165},
	{131, 166}, {132, 167}, {133, 168}, {0, 0},
};

/* A permutation of 1..31; SIGEMT (7) stands in for SIGSTKFLT, which MIPS lacks */
static const struct lx_valmap o32_signals[] = {
	{7, 10}, {10, 16}, {12, 17}, {16, 7}, {17, 18}, {18, 25}, {19, 23}, {20, 24},
	{21, 26}, {22, 27}, {23, 21}, {24, 30}, {25, 31}, {26, 28}, {27, 29}, {28, 20},
	{29, 22}, {30, 19}, {31, 12}, {0, 0},
};

#define BIT(c, g) {c, c, g, g}
static const struct lx_bitmap o32_open_flags[] = {
	{3, 1, 3, 1}, {3, 2, 3, 2},               /* O_WRONLY, O_RDWR */
	BIT(0x40, 0x100),                         /* O_CREAT */
	BIT(0x80, 0x400),                         /* O_EXCL */
	BIT(0x100, 0x800),                        /* O_NOCTTY */
	BIT(0x200, 0x200),                        /* O_TRUNC */
	BIT(0x400, 0x8),                          /* O_APPEND */
	BIT(0x800, 0x80),                         /* O_NONBLOCK */
	BIT(0x1000, 0x10),                        /* O_DSYNC */
	BIT(0x2000, 0x1000),                      /* FASYNC */
	BIT(0x4000, 0x8000),                      /* O_DIRECT */
	BIT(0x8000, 0x2000),                      /* O_LARGEFILE */
	BIT(0x10000, 0x10000),                    /* O_DIRECTORY */
	BIT(0x20000, 0x20000),                    /* O_NOFOLLOW */
	BIT(0x40000, 0x40000),                    /* O_NOATIME */
	BIT(0x80000, 0x80000),                    /* O_CLOEXEC */
	BIT(0x100000, 0x4000),                    /* __O_SYNC */
	BIT(0x200000, 0x200000),                  /* O_PATH */
	BIT(0x400000, 0x400000),                  /* __O_TMPFILE */
	{0, 0, 0, 0},
};

static const struct lx_bitmap o32_mmap_flags[] = {
	{3, 1, 3, 1}, {3, 2, 3, 2}, {3, 3, 3, 3}, /* MAP_SHARED, PRIVATE, SHARED_VALIDATE */
	BIT(0x10, 0x10),                          /* MAP_FIXED */
	BIT(0x20, 0x800),                         /* MAP_ANONYMOUS */
	BIT(0x100, 0x1000),                       /* MAP_GROWSDOWN */
	BIT(0x800, 0x2000),                       /* MAP_DENYWRITE */
	BIT(0x1000, 0x4000),                      /* MAP_EXECUTABLE */
	BIT(0x2000, 0x8000),                      /* MAP_LOCKED */
	BIT(0x4000, 0x400),                       /* MAP_NORESERVE */
	BIT(0x8000, 0x10000),                     /* MAP_POPULATE */
	BIT(0x10000, 0x20000),                    /* MAP_NONBLOCK */
	BIT(0x20000, 0x40000),                    /* MAP_STACK */
	BIT(0x40000, 0x80000),                    /* MAP_HUGETLB */
	BIT(0x100000, 0x100000),                  /* MAP_FIXED_NOREPLACE */
	{0, 0, 0, 0},
};

static const struct lx_bitmap o32_sa_flags[] = {
	BIT(0x1, 0x1),                            /* SA_NOCLDSTOP */
	BIT(0x2, 0x10000),                        /* SA_NOCLDWAIT */
	BIT(0x4, 0x8),                            /* SA_SIGINFO */
	BIT(0x08000000, 0x08000000),              /* SA_ONSTACK */
	BIT(0x10000000, 0x10000000),              /* SA_RESTART */
	BIT(0x40000000, 0x40000000),              /* SA_NODEFER */
	BIT(0x80000000, 0x80000000),              /* SA_RESETHAND */
	{0, 0, 0, 0},
};
#undef BIT

/* SOCK_DGRAM and SOCK_STREAM are swapped */
static const struct lx_valmap o32_sock_types[] = {
	{1, 2}, {2, 1}, {0, 0},
};

static const struct lx_valmap o32_rlimits[] = {
	{5, 7}, {6, 8}, {7, 5}, {8, 9}, {9, 6}, {0, 0},
};

static const struct lx_valmap o32_fcntl_cmds[] = {
	{5, 14}, {8, 24}, {9, 23}, {12, 33}, {13, 34}, {14, 35}, {0, 0},
};

/* tty and file ioctls: asm-generic value, MIPS value (asm/ioctls.h) */
static const struct lx_valmap o32_ioctls[] = {
	{0x5401, 0x540d}, {0x5402, 0x540e}, {0x5403, 0x540f}, {0x5404, 0x5410},
	{0x5409, 0x5405}, {0x540a, 0x5406}, {0x540b, 0x5407}, {0x540c, 0x740d},
	{0x540d, 0x740e}, {0x540e, 0x5480}, {0x540f, 0x40047477}, {0x5410, 0x80047476},
	{0x5411, 0x7472}, {0x5412, 0x5472}, {0x5413, 0x40087468}, {0x5414, 0x80087467},
	{0x5415, 0x741d}, {0x5416, 0x741b}, {0x5417, 0x741c}, {0x5418, 0x741a},
	{0x541b, 0x467f}, {0x5420, 0x5470}, {0x5421, 0x667e}, {0x5422, 0x5471},
	{0x5423, 0x7401}, {0x5424, 0x7400}, {0x5425, 0x5486}, {0x5429, 0x7416},
	{0x5450, 0x6602}, {0x5451, 0x6601}, {0x5452, 0x667d},
	{(int32_t)0x80045430, 0x40045430}, {0x40045431, (int32_t)0x80045431},
	{(int32_t)0x80045439, 0x40045439}, {(int32_t)0x80045438, 0x40045438},
	{(int32_t)0x80045440, 0x40045440}, {0x5441, 0x20005441},
	{0, 0},
};

#define N(nr, name) [nr] = LX_SYS_##name

/* arch/mips/kernel/syscalls/syscall_o32.tbl, minus 4000 */
static const uint16_t o32_sysnums[451] = {
	N(1, exit), N(2, fork), N(3, read), N(4, write), N(5, open), N(6, close), N(7, waitpid),
	N(8, creat), N(9, link), N(10, unlink), N(11, execve), N(12, chdir), N(13, time),
	N(14, mknod), N(15, chmod), N(16, lchown), N(19, lseek), N(20, getpid), N(21, mount),
	N(23, setuid), N(24, getuid), N(26, ptrace), N(27, alarm), N(29, pause), N(30, utime),
	N(33, access), N(34, nice), N(36, sync), N(37, kill), N(38, rename), N(39, mkdir),
	N(40, rmdir), N(41, dup), N(43, times), N(45, brk), N(46, setgid), N(47, getgid),
	N(49, geteuid), N(50, getegid), N(51, acct), N(52, umount2), N(54, ioctl), N(55, fcntl),
	N(57, setpgid), N(60, umask), N(61, chroot), N(62, ustat), N(63, dup2), N(64, getppid),
	N(65, getpgrp), N(66, setsid), N(67, sigaction), N(70, setreuid), N(71, setregid),
	N(72, sigsuspend), N(73, sigpending), N(74, sethostname), N(75, setrlimit), N(76, getrlimit),
	N(77, getrusage), N(78, gettimeofday), N(79, settimeofday), N(80, getgroups),
	N(81, setgroups), N(83, symlink), N(85, readlink), N(86, uselib), N(87, swapon),
	N(88, reboot), N(90, mmap), N(91, munmap), N(92, truncate), N(93, ftruncate), N(94, fchmod),
	N(95, fchown), N(96, getpriority), N(97, setpriority), N(102, socketcall), N(103, syslog),
	N(104, setitimer), N(105, getitimer), N(111, vhangup), N(114, wait4), N(115, swapoff),
	N(116, sysinfo), N(117, ipc), N(118, fsync), N(119, sigreturn), N(120, clone),
	N(121, setdomainname), N(122, uname), N(124, adjtimex), N(125, mprotect), N(126, sigprocmask),
	N(128, init_module), N(129, delete_module), N(131, quotactl), N(132, getpgid), N(133, fchdir),
	N(135, sysfs), N(136, personality), N(138, setfsuid), N(139, setfsgid), N(140, llseek),
	N(142, select), N(143, flock), N(144, msync), N(145, readv), N(146, writev), N(151, getsid),
	N(152, fdatasync), N(153, _sysctl), N(154, mlock), N(155, munlock), N(156, mlockall),
	N(157, munlockall), N(158, sched_setparam), N(159, sched_getparam),
	N(160, sched_setscheduler), N(161, sched_getscheduler), N(162, sched_yield),
	N(163, sched_get_priority_max), N(164, sched_get_priority_min), N(165, sched_rr_get_interval),
	N(166, nanosleep), N(167, mremap), N(168, accept), N(169, bind), N(170, connect),
	N(171, getpeername), N(172, getsockname), N(173, getsockopt), N(174, listen),
	N(176, recvfrom), N(177, recvmsg), N(179, sendmsg), N(180, sendto), N(181, setsockopt),
	N(182, shutdown), N(183, socket), N(184, socketpair), N(185, setresuid), N(186, getresuid),
	N(188, poll), N(189, nfsservctl), N(190, setresgid), N(191, getresgid), N(192, prctl),
	N(193, rt_sigreturn), N(194, rt_sigaction), N(195, rt_sigprocmask), N(196, rt_sigpending),
	N(197, rt_sigtimedwait), N(198, rt_sigqueueinfo), N(199, rt_sigsuspend), N(200, pread64),
	N(201, pwrite64), N(202, chown), N(203, getcwd), N(204, capget), N(205, capset),
	N(206, sigaltstack), N(207, sendfile), N(210, mmap2), N(211, truncate64), N(212, ftruncate64),
	N(213, stat64), N(214, lstat64), N(215, fstat64), N(216, pivot_root), N(217, mincore),
	N(218, madvise), N(219, getdents64), N(220, fcntl64), N(222, gettid), N(223, readahead),
	N(224, setxattr), N(225, lsetxattr), N(226, fsetxattr), N(227, getxattr), N(228, lgetxattr),
	N(229, fgetxattr), N(230, listxattr), N(231, llistxattr), N(232, flistxattr),
	N(233, removexattr), N(234, lremovexattr), N(235, fremovexattr), N(236, tkill),
	N(237, sendfile), N(238, futex), N(239, sched_setaffinity), N(240, sched_getaffinity),
	N(241, io_setup), N(242, io_destroy), N(243, io_getevents), N(244, io_submit),
	N(245, io_cancel), N(246, exit_group), N(247, lookup_dcookie), N(248, epoll_create),
	N(249, epoll_ctl), N(250, epoll_wait), N(251, remap_file_pages), N(252, set_tid_address),
	N(253, restart_syscall), N(254, fadvise64), N(255, statfs64), N(256, fstatfs64),
	N(257, timer_create), N(258, timer_settime), N(259, timer_gettime), N(260, timer_getoverrun),
	N(261, timer_delete), N(262, clock_settime), N(263, clock_gettime), N(264, clock_getres),
	N(265, clock_nanosleep), N(266, tgkill), N(267, utimes), N(268, mbind), N(269, get_mempolicy),
	N(270, set_mempolicy), N(271, mq_open), N(272, mq_unlink), N(273, mq_timedsend),
	N(274, mq_timedreceive), N(275, mq_notify), N(276, mq_getsetattr), N(278, waitid),
	N(280, add_key), N(281, request_key), N(282, keyctl), N(284, inotify_init),
	N(285, inotify_add_watch), N(286, inotify_rm_watch), N(287, migrate_pages), N(288, openat),
	N(289, mkdirat), N(290, mknodat), N(291, fchownat), N(292, futimesat), N(293, fstatat64),
	N(294, unlinkat), N(295, renameat), N(296, linkat), N(297, symlinkat), N(298, readlinkat),
	N(299, fchmodat), N(300, faccessat), N(301, pselect6), N(302, ppoll), N(303, unshare),
	N(304, splice), N(305, sync_file_range), N(306, tee), N(307, vmsplice), N(308, move_pages),
	N(309, set_robust_list), N(310, get_robust_list), N(311, kexec_load), N(312, getcpu),
	N(313, epoll_pwait), N(314, ioprio_set), N(315, ioprio_get), N(316, utimensat),
	N(317, signalfd), N(319, eventfd), N(320, fallocate), N(321, timerfd_create),
	N(322, timerfd_gettime), N(323, timerfd_settime), N(324, signalfd4), N(325, eventfd2),
	N(326, epoll_create1), N(327, dup3), N(328, pipe2), N(329, inotify_init1), N(330, preadv),
	N(331, pwritev), N(332, rt_tgsigqueueinfo), N(333, perf_event_open), N(334, accept4),
	N(335, recvmmsg), N(336, fanotify_init), N(337, fanotify_mark), N(338, prlimit64),
	N(339, name_to_handle_at), N(340, open_by_handle_at), N(341, clock_adjtime), N(342, syncfs),
	N(343, sendmmsg), N(344, setns), N(345, process_vm_readv), N(346, process_vm_writev),
	N(347, kcmp), N(348, finit_module), N(349, sched_setattr), N(350, sched_getattr),
	N(351, renameat2), N(352, seccomp), N(353, getrandom), N(354, memfd_create), N(355, bpf),
	N(356, execveat), N(357, userfaultfd), N(358, membarrier), N(359, mlock2),
	N(360, copy_file_range), N(361, preadv2), N(362, pwritev2), N(363, pkey_mprotect),
	N(364, pkey_alloc), N(365, pkey_free), N(366, statx), N(367, rseq), N(368, io_pgetevents),
	N(393, semget), N(394, semctl), N(395, shmget), N(396, shmctl), N(397, shmat), N(398, shmdt),
	N(399, msgget), N(400, msgsnd), N(401, msgrcv), N(402, msgctl), N(403, clock_gettime64),
	N(404, clock_settime64), N(405, clock_adjtime64), N(406, clock_getres_time64),
	N(407, clock_nanosleep_time64), N(408, timer_gettime64), N(409, timer_settime64),
	N(410, timerfd_gettime64), N(411, timerfd_settime64), N(412, utimensat_time64),
	N(413, pselect6_time64), N(414, ppoll_time64), N(416, io_pgetevents_time64),
	N(417, recvmmsg_time64), N(418, mq_timedsend_time64), N(419, mq_timedreceive_time64),
	N(420, semtimedop_time64), N(421, rt_sigtimedwait_time64), N(422, futex_time64),
	N(423, sched_rr_get_interval_time64), N(424, pidfd_send_signal), N(425, io_uring_setup),
	N(426, io_uring_enter), N(427, io_uring_register), N(428, open_tree), N(429, move_mount),
	N(430, fsopen), N(431, fsconfig), N(432, fsmount), N(433, fspick), N(434, pidfd_open),
	N(435, clone3), N(436, close_range), N(437, openat2), N(438, pidfd_getfd), N(439, faccessat2),
	N(440, process_madvise), N(441, epoll_pwait2), N(442, mount_setattr), N(443, quotactl_fd),
	N(444, landlock_create_ruleset), N(445, landlock_add_rule), N(446, landlock_restrict_self),
	N(448, process_mrelease), N(449, futex_waitv), N(450, set_mempolicy_home_node),
};

#undef N

/* li v0, 4193 (rt_sigreturn); syscall: the vDSO's sigreturn, in each byte order */
static const uint8_t o32_sigreturn_le[8] = {0x61, 0x10, 0x02, 0x24, 0x0c, 0x00, 0x00, 0x00};
static const uint8_t o32_sigreturn_be[8] = {0x24, 0x02, 0x10, 0x61, 0x00, 0x00, 0x00, 0x0c};

#define O32_TASK_SIZE 0x7fff8000ull

#define O32_ABI(nm, tramp)                                                              \
	{                                                                               \
		.name = nm,                                                             \
		.uname_machine = "mips",                                                \
		.sysnums = o32_sysnums,                                                 \
		.nsysnums = sizeof(o32_sysnums) / sizeof(o32_sysnums[0]),               \
		.sys_base = NR_BASE,                                                    \
		.arch_syscalls = o32_arch_syscalls,                                     \
		.narch_syscalls = sizeof(o32_arch_syscalls) / sizeof(o32_arch_syscalls[0]), \
		.clone_order = LX_CLONE_FLAGS_SP_PTID_TLS_CTID,                         \
		.syscall_insn_len = 4,                                                  \
		.get_syscall = o32_get_syscall,                                         \
		.fixup_args = o32_fixup_args,                                           \
		.set_syscall_result = o32_set_syscall_result,                           \
		.start_process = o32_start_process,                                     \
		.check_elf = mips_o32_check_elf,                                        \
		.prctl = mips_o32_prctl,                                                \
		.clone_child = o32_clone_child,                                         \
		.get_sp = o32_get_sp,                                                   \
		.sigreturn_code = tramp,                                                \
		.sigreturn_code_len = sizeof(tramp),                                    \
		.setup_rt_frame = o32_setup_rt_frame,                                   \
		.rt_sigreturn = o32_rt_sigreturn,                                       \
		.nsig = 128,                                                            \
		.has_sa_restorer = false,                                               \
		.siginfo_code_first = true,                                             \
		.stack_t_size_first = true,                                             \
		.minsigstksz = 2048,                                                    \
		.task_size = O32_TASK_SIZE,                                             \
		.et_dyn_base = (O32_TASK_SIZE / 3 * 2) & ~0xffffull,                    \
		.hwcap = 0,                                                             \
		.hwcap2 = 0,                                                            \
		.platform = NULL,                                                       \
		.errnos = o32_errnos,                                                   \
		.signals = o32_signals,                                                 \
		.open_flags = o32_open_flags,                                           \
		.mmap_flags = o32_mmap_flags,                                           \
		.sa_flags = o32_sa_flags,                                               \
		.sock_types = o32_sock_types,                                           \
		.rlimits = o32_rlimits,                                                 \
		.fcntl_cmds = o32_fcntl_cmds,                                           \
		.ioctls = o32_ioctls,                                                   \
		.put_stat = o32_put_stat,                                               \
		.put_statfs = o32_put_statfs,                                           \
		.get_sigaction = o32_get_sigaction,                                     \
		.put_sigaction = o32_put_sigaction,                                     \
		.fault_signal = o32_fault_signal,                                       \
	}

const struct linux_abi mips_o32_le_linux_abi = O32_ABI("mipsel-linux (o32)", o32_sigreturn_le);
const struct linux_abi mips_o32_be_linux_abi = O32_ABI("mips-linux (o32)", o32_sigreturn_be);
