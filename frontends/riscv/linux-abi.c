/*
 * The riscv64 Linux user ABI (LP64D) for the linux-user core: syscall
 * numbers (asm-generic, include/uapi/asm-generic/unistd.h), registers
 * (a7 = number, a0-a5 = arguments, result in a0), process start and clone
 * register setup (RISC-V psABI, "Process Initialization"), and the signal
 * frame laid out as arch/riscv/kernel/signal.c does:
 *
 *   struct rt_sigframe { siginfo_t info (128); struct ucontext uc; }
 *   ucontext: uc_flags @0, uc_link @8, uc_stack @16 (24), uc_sigmask @40
 *             (8 bytes, padded to 128 as glibc's sigset_t), uc_mcontext @176
 *             (16-aligned: the FP union contains the 16-aligned Q state)
 *   mcontext: sc_regs[32] (pc in slot 0, x1..x31 in slots 1..31),
 *             then union __riscv_fp_state (528 bytes): d.f[32] @+256, d.fcsr @+512,
 *             and the extension header area whose "reserved" word (@+516)
 *             must be 0 and whose END header (@+520) is {0, 0} without V.
 *
 * There is no vDSO: the handler returns to morph's trampoline page holding
 * `li a7, 139; ecall` (__vdso_rt_sigreturn's code, which unwinders such as
 * libgcc's recognise as a signal frame).
 */
#include <errno.h>
#include <string.h>

#include "morph/linux-abi.h"
#include "morph/tb.h"
#include "frontends/riscv/rv-cpu.h"
#include "frontends/riscv/rv-fp.h"

#define RV_NR_rt_sigreturn 139
#define RV_NR_riscv_hwprobe 258
#define RV_NR_riscv_flush_icache 259

#define FRAME_INFO 0
#define FRAME_UC 128
#define UC_STACK 16
#define UC_SIGMASK 40
#define UC_MCONTEXT 176
#define MC_FP 256
#define FP_FCSR 256
#define FP_RESERVED 516  /* sc_extdesc.reserved and the END header: must be zero */
#define MC_SIZE (256 + 528)
#define FRAME_SIZE (FRAME_UC + UC_MCONTEXT + MC_SIZE) /* 1088 */

_Static_assert(FRAME_SIZE == 1088, "riscv64 rt_sigframe size");

static inline struct rv_cpu *rv(struct cpu *c)
{
	return (struct rv_cpu *)c;
}

static unsigned rv_get_syscall(struct cpu *c, uint64_t args[6])
{
	struct rv_cpu *cpu = rv(c);

	for (int i = 0; i < 6; i++)
		args[i] = cpu->x[10 + i];
	return (unsigned)cpu->x[17];
}

static void rv_set_syscall_result(struct cpu *c, int64_t ret)
{
	rv(c)->x[10] = (uint64_t)ret;
}

static void rv_start_process(struct cpu *c, uint64_t entry, uint64_t sp)
{
	struct rv_cpu *cpu = rv(c);

	memset(cpu->x, 0, sizeof(cpu->x));
	c->pc = entry;
	cpu->x[2] = sp;
	cpu->x[10] = 0; /* a0: no rtld_fini for a statically started program (ELF_PLAT_INIT) */
}

static void rv_clone_child(struct cpu *c, uint64_t newsp, bool set_tls, uint64_t tls)
{
	struct rv_cpu *cpu = rv(c);

	cpu->x[10] = 0;
	if (newsp)
		cpu->x[2] = newsp;
	if (set_tls)
		cpu->x[4] = tls; /* tp */
	cpu->load_res = ~(uint64_t)0;
}

static uint64_t rv_get_sp(struct cpu *c)
{
	return rv(c)->x[2];
}

static int rv_setup_rt_frame(struct cpu *c, const struct lx_sigframe *f)
{
	struct rv_cpu *cpu = rv(c);
	uint8_t fr[FRAME_SIZE];
	uint8_t *uc = fr + FRAME_UC, *mc = uc + UC_MCONTEXT, *fp = mc + MC_FP;
	uint64_t frame = (f->sp - FRAME_SIZE) & ~15ull;

	memset(fr, 0, sizeof(fr));
	memcpy(fr + FRAME_INFO, f->info, 128);
	/* uc_flags = 0, uc_link = NULL */
	lx_stack_to_guest(uc + UC_STACK, &f->stack);
	lx_sigset_to_guest(uc + UC_SIGMASK, 8, f->mask);
	lx_st64(mc, c->pc);
	for (int i = 1; i < 32; i++)
		lx_st64(mc + 8 * i, cpu->x[i]);
	for (int i = 0; i < 32; i++)
		lx_st64(fp + 8 * i, cpu->f[i]);
	lx_st32(fp + FP_FCSR, (cpu->frm & 7) << 5 | (rv_fflags(cpu) & 0x1f));
	if (lx_copy_to_guest(frame, fr, sizeof(fr)) < 0)
		return -EFAULT;

	c->pc = f->handler;
	cpu->x[1] = f->sa_restorer ? f->sa_restorer : f->tramp; /* ra */
	cpu->x[2] = frame;                                       /* sp */
	cpu->x[10] = (uint64_t)f->sig;                           /* a0 */
	cpu->x[11] = frame + FRAME_INFO;                         /* a1: siginfo */
	cpu->x[12] = frame + FRAME_UC;                           /* a2: ucontext */
	/* a handler runs with a fresh reservation (an sc after it must fail) */
	cpu->load_res = ~(uint64_t)0;
	return 0;
}

static int rv_rt_sigreturn(struct cpu *c, uint64_t mask[2], struct lx_stack *stack)
{
	struct rv_cpu *cpu = rv(c);
	uint8_t fr[FRAME_SIZE];
	uint8_t *uc = fr + FRAME_UC, *mc = uc + UC_MCONTEXT, *fp = mc + MC_FP;
	uint32_t fcsr;

	if (lx_copy_from_guest(fr, cpu->x[2], sizeof(fr)) < 0)
		return -EFAULT;
	/* no extension state is supported: the area after the D state must be clear */
	for (int i = FP_RESERVED; i < 528; i++)
		if (fp[i])
			return -EINVAL;
	lx_sigset_from_guest(uc + UC_SIGMASK, 8, mask);
	lx_stack_from_guest(uc + UC_STACK, stack);
	c->pc = lx_ld64(mc);
	for (int i = 1; i < 32; i++)
		cpu->x[i] = lx_ld64(mc + 8 * i);
	for (int i = 0; i < 32; i++)
		cpu->f[i] = lx_ld64(fp + 8 * i);
	fcsr = lx_ld32(fp + FP_FCSR);
	rv_set_fflags(cpu, fcsr & 0x1f);
	rv_set_frm(cpu, fcsr >> 5);
	cpu->load_res = ~(uint64_t)0;
	return 0;
}

/* riscv_flush_icache(start, end, flags): code in [start, end) changed */
static int64_t rv_sys_flush_icache(struct cpu *c, const uint64_t *a)
{
	(void)c;
	if (a[2] & ~1ull) /* SYS_RISCV_FLUSH_ICACHE_LOCAL is the only flag */
		return -EINVAL;
	lx_invalidate_code(a[0], a[1]);
	return 0;
}

/* riscv_hwprobe(pairs, count, cpusetsize, cpus, flags): what this hart offers */
enum {
	HWPROBE_MVENDORID, HWPROBE_MARCHID, HWPROBE_MIMPID, HWPROBE_BASE_BEHAVIOR,
	HWPROBE_IMA_EXT_0, HWPROBE_CPUPERF_0,
};
#define HWPROBE_BASE_BEHAVIOR_IMA 1ull
#define HWPROBE_IMA_FD (1ull << 0)
#define HWPROBE_IMA_C (1ull << 1)
#define HWPROBE_EXT_ZBA (1ull << 3)
#define HWPROBE_EXT_ZBB (1ull << 4)
#define HWPROBE_EXT_ZBS (1ull << 5)

static int64_t rv_sys_hwprobe(struct cpu *c, const uint64_t *a)
{
	(void)c;
	if (a[4])
		return -EINVAL;
	for (uint64_t i = 0; i < a[1]; i++) {
		uint8_t p[16];
		int64_t key;
		uint64_t val = 0;

		if (lx_copy_from_guest(p, a[0] + 16 * i, 16) < 0)
			return -EFAULT;
		key = (int64_t)lx_ld64(p);
		switch (key) {
		case HWPROBE_MVENDORID:
		case HWPROBE_MARCHID:
		case HWPROBE_MIMPID:
			val = 0;
			break;
		case HWPROBE_BASE_BEHAVIOR:
			val = HWPROBE_BASE_BEHAVIOR_IMA;
			break;
		case HWPROBE_IMA_EXT_0:
			val = HWPROBE_IMA_FD | HWPROBE_IMA_C | HWPROBE_EXT_ZBA | HWPROBE_EXT_ZBB |
			      HWPROBE_EXT_ZBS;
			break;
		case HWPROBE_CPUPERF_0:
			val = 0; /* misaligned access speed unknown */
			break;
		default:
			key = -1; /* unknown keys: key -1, value 0 */
		}
		lx_st64(p, (uint64_t)key);
		lx_st64(p + 8, val);
		if (lx_copy_to_guest(a[0] + 16 * i, p, 16) < 0)
			return -EFAULT;
	}
	return 0;
}

static const struct lx_arch_syscall rv_arch_syscalls[] = {
	{ RV_NR_riscv_hwprobe, "riscv_hwprobe", 5, "pudpx", rv_sys_hwprobe },
	{ RV_NR_riscv_flush_icache, "riscv_flush_icache", 3, "ppx", rv_sys_flush_icache },
};

/* li a7, 139; ecall */
static const uint8_t rv_sigreturn_code[8] = {
	0x93, 0x08, 0xb0, 0x08, /* addi a7, zero, 139 */
	0x73, 0x00, 0x00, 0x00, /* ecall */
};

#define N(nr, name) [nr] = LX_SYS_##name

/* asm-generic numbering (include/uapi/asm-generic/unistd.h) as riscv64 configures it */
static const uint16_t rv64_sysnums[463] = {
	N(0, io_setup), N(1, io_destroy), N(2, io_submit), N(3, io_cancel),
	N(4, io_getevents), N(5, setxattr), N(6, lsetxattr), N(7, fsetxattr),
	N(8, getxattr), N(9, lgetxattr), N(10, fgetxattr), N(11, listxattr),
	N(12, llistxattr), N(13, flistxattr), N(14, removexattr), N(15, lremovexattr),
	N(16, fremovexattr), N(17, getcwd), N(18, lookup_dcookie), N(19, eventfd2),
	N(20, epoll_create1), N(21, epoll_ctl), N(22, epoll_pwait), N(23, dup),
	N(24, dup3), N(25, fcntl), N(26, inotify_init1), N(27, inotify_add_watch),
	N(28, inotify_rm_watch), N(29, ioctl), N(30, ioprio_set), N(31, ioprio_get),
	N(32, flock), N(33, mknodat), N(34, mkdirat), N(35, unlinkat),
	N(36, symlinkat), N(37, linkat), /* 38 renameat: not on riscv */
	N(39, umount2), N(40, mount), N(41, pivot_root), N(42, nfsservctl),
	N(43, statfs), N(44, fstatfs), N(45, truncate), N(46, ftruncate),
	N(47, fallocate), N(48, faccessat), N(49, chdir), N(50, fchdir),
	N(51, chroot), N(52, fchmod), N(53, fchmodat), N(54, fchownat),
	N(55, fchown), N(56, openat), N(57, close), N(58, vhangup),
	N(59, pipe2), N(60, quotactl), N(61, getdents64), N(62, lseek),
	N(63, read), N(64, write), N(65, readv), N(66, writev),
	N(67, pread64), N(68, pwrite64), N(69, preadv), N(70, pwritev),
	N(71, sendfile), N(72, pselect6), N(73, ppoll), N(74, signalfd4),
	N(75, vmsplice), N(76, splice), N(77, tee), N(78, readlinkat),
	N(79, newfstatat), N(80, fstat), N(81, sync), N(82, fsync),
	N(83, fdatasync), N(84, sync_file_range), N(85, timerfd_create),
	N(86, timerfd_settime), N(87, timerfd_gettime), N(88, utimensat), N(89, acct),
	N(90, capget), N(91, capset), N(92, personality), N(93, exit),
	N(94, exit_group), N(95, waitid), N(96, set_tid_address), N(97, unshare),
	N(98, futex), N(99, set_robust_list), N(100, get_robust_list), N(101, nanosleep),
	N(102, getitimer), N(103, setitimer), N(104, kexec_load), N(105, init_module),
	N(106, delete_module), N(107, timer_create), N(108, timer_gettime),
	N(109, timer_getoverrun), N(110, timer_settime), N(111, timer_delete),
	N(112, clock_settime), N(113, clock_gettime), N(114, clock_getres),
	N(115, clock_nanosleep), N(116, syslog), N(117, ptrace), N(118, sched_setparam),
	N(119, sched_setscheduler), N(120, sched_getscheduler), N(121, sched_getparam),
	N(122, sched_setaffinity), N(123, sched_getaffinity), N(124, sched_yield),
	N(125, sched_get_priority_max), N(126, sched_get_priority_min),
	N(127, sched_rr_get_interval), N(128, restart_syscall), N(129, kill),
	N(130, tkill), N(131, tgkill), N(132, sigaltstack), N(133, rt_sigsuspend),
	N(134, rt_sigaction), N(135, rt_sigprocmask), N(136, rt_sigpending),
	N(137, rt_sigtimedwait), N(138, rt_sigqueueinfo), N(139, rt_sigreturn),
	N(140, setpriority), N(141, getpriority), N(142, reboot), N(143, setregid),
	N(144, setgid), N(145, setreuid), N(146, setuid), N(147, setresuid),
	N(148, getresuid), N(149, setresgid), N(150, getresgid), N(151, setfsuid),
	N(152, setfsgid), N(153, times), N(154, setpgid), N(155, getpgid),
	N(156, getsid), N(157, setsid), N(158, getgroups), N(159, setgroups),
	N(160, uname), N(161, sethostname), N(162, setdomainname), N(163, getrlimit),
	N(164, setrlimit), N(165, getrusage), N(166, umask), N(167, prctl),
	N(168, getcpu), N(169, gettimeofday), N(170, settimeofday), N(171, adjtimex),
	N(172, getpid), N(173, getppid), N(174, getuid), N(175, geteuid),
	N(176, getgid), N(177, getegid), N(178, gettid), N(179, sysinfo),
	N(180, mq_open), N(181, mq_unlink), N(182, mq_timedsend), N(183, mq_timedreceive),
	N(184, mq_notify), N(185, mq_getsetattr), N(186, msgget), N(187, msgctl),
	N(188, msgrcv), N(189, msgsnd), N(190, semget), N(191, semctl),
	N(192, semtimedop), N(193, semop), N(194, shmget), N(195, shmctl),
	N(196, shmat), N(197, shmdt), N(198, socket), N(199, socketpair),
	N(200, bind), N(201, listen), N(202, accept), N(203, connect),
	N(204, getsockname), N(205, getpeername), N(206, sendto), N(207, recvfrom),
	N(208, setsockopt), N(209, getsockopt), N(210, shutdown), N(211, sendmsg),
	N(212, recvmsg), N(213, readahead), N(214, brk), N(215, munmap),
	N(216, mremap), N(217, add_key), N(218, request_key), N(219, keyctl),
	N(220, clone), N(221, execve), N(222, mmap), N(223, fadvise64),
	N(224, swapon), N(225, swapoff), N(226, mprotect), N(227, msync),
	N(228, mlock), N(229, munlock), N(230, mlockall), N(231, munlockall),
	N(232, mincore), N(233, madvise), N(234, remap_file_pages), N(235, mbind),
	N(236, get_mempolicy), N(237, set_mempolicy), N(238, migrate_pages),
	N(239, move_pages), N(240, rt_tgsigqueueinfo), N(241, perf_event_open),
	N(242, accept4), N(243, recvmmsg),
	/* 244..259: arch-specific (rv_arch_syscalls) */
	N(260, wait4), N(261, prlimit64), N(262, fanotify_init), N(263, fanotify_mark),
	N(264, name_to_handle_at), N(265, open_by_handle_at), N(266, clock_adjtime),
	N(267, syncfs), N(268, setns), N(269, sendmmsg), N(270, process_vm_readv),
	N(271, process_vm_writev), N(272, kcmp), N(273, finit_module),
	N(274, sched_setattr), N(275, sched_getattr), N(276, renameat2), N(277, seccomp),
	N(278, getrandom), N(279, memfd_create), N(280, bpf), N(281, execveat),
	N(282, userfaultfd), N(283, membarrier), N(284, mlock2), N(285, copy_file_range),
	N(286, preadv2), N(287, pwritev2), N(288, pkey_mprotect), N(289, pkey_alloc),
	N(290, pkey_free), N(291, statx), N(292, io_pgetevents), N(293, rseq),
	N(294, kexec_file_load),
	/* 295..423: the time64 calls of 32-bit ABIs */
	N(424, pidfd_send_signal), N(425, io_uring_setup), N(426, io_uring_enter),
	N(427, io_uring_register), N(428, open_tree), N(429, move_mount), N(430, fsopen),
	N(431, fsconfig), N(432, fsmount), N(433, fspick), N(434, pidfd_open),
	N(435, clone3), N(436, close_range), N(437, openat2), N(438, pidfd_getfd),
	N(439, faccessat2), N(440, process_madvise), N(441, epoll_pwait2),
	N(442, mount_setattr), N(443, quotactl_fd), N(444, landlock_create_ruleset),
	N(445, landlock_add_rule), N(446, landlock_restrict_self), N(447, memfd_secret),
	N(448, process_mrelease), N(449, futex_waitv), N(450, set_mempolicy_home_node),
	N(451, cachestat), N(452, fchmodat2), N(453, map_shadow_stack), N(454, futex_wake),
	N(455, futex_wait), N(456, futex_requeue), N(457, statmount), N(458, listmount),
	N(459, lsm_get_self_attr), N(460, lsm_set_self_attr), N(461, lsm_list_modules),
	N(462, mseal),
};

#undef N

/* AT_HWCAP: one bit per single-letter extension, bit (letter - 'A') */
#define HWCAP(c) (1ull << ((c) - 'A'))

const struct linux_abi rv64_linux_abi = {
	.name = "riscv64-linux (LP64D)",
	.uname_machine = "riscv64",
	.sysnums = rv64_sysnums,
	.nsysnums = sizeof(rv64_sysnums) / sizeof(rv64_sysnums[0]),
	.sys_base = 0,
	.arch_syscalls = rv_arch_syscalls,
	.narch_syscalls = sizeof(rv_arch_syscalls) / sizeof(rv_arch_syscalls[0]),
	.clone_order = LX_CLONE_FLAGS_SP_PTID_TLS_CTID,
	.syscall_insn_len = 4,
	.get_syscall = rv_get_syscall,
	.set_syscall_result = rv_set_syscall_result,
	.start_process = rv_start_process,
	.clone_child = rv_clone_child,
	.get_sp = rv_get_sp,
	.sigreturn_code = rv_sigreturn_code,
	.sigreturn_code_len = sizeof(rv_sigreturn_code),
	.setup_rt_frame = rv_setup_rt_frame,
	.rt_sigreturn = rv_rt_sigreturn,
	.nsig = 64,
	.has_sa_restorer = false,
	.siginfo_code_first = false,
	.stack_t_size_first = false,
	.minsigstksz = FRAME_SIZE,
	/* an Sv39 user address space: 256 GiB */
	.task_size = 1ull << 38,
	.et_dyn_base = ((1ull << 38) / 3 * 2) & ~0xfffull,
	.hwcap = HWCAP('I') | HWCAP('M') | HWCAP('A') | HWCAP('F') | HWCAP('D') | HWCAP('C'),
	.hwcap2 = 0,
	.platform = NULL,
};
