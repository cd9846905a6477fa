/*
 * The Linux user-mode seam: what a guest ISA frontend tells the guest-neutral
 * linux-user core (src/linux-user/) about its Linux ABI. One const
 * struct linux_abi per guest ABI (frontends/riscv/linux-abi.c: rv64_linux_abi),
 * reached through struct morph_arch.linux_abi.
 *
 * The core works in "canonical" terms: syscalls by name (enum lx_sys), flag and
 * error values as the asm-generic kernel headers number them (the numbering of
 * RISC-V, AArch64, LoongArch ... and, for most constants, x86-64), struct
 * layouts as asm-generic lays them out for the guest's word size and byte order.
 * A guest whose ABI differs (MIPS o32: its own errno, signal, open/mmap flag
 * numbers, struct stat, sigaction, termios ...) provides translation tables and
 * hooks here; every table or hook marked "optional" may be NULL, meaning
 * "asm-generic". The core never assumes a particular guest.
 *
 * The hooks that touch registers receive the hart (struct cpu, which the
 * frontend's CPU structure starts with). Services the core offers to these
 * hooks (guest memory access) are declared at the end of this file.
 */
#ifndef MORPH_LINUX_ABI_H
#define MORPH_LINUX_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "morph/cpu.h"

struct elf_file;

/*
 * Every system call the core knows, by its kernel name. A guest's numbering
 * maps its syscall numbers onto these (struct linux_abi.sysnums). Calls that
 * only some ABIs have (the "old" non-*at calls, mmap2, *64 variants of 32-bit
 * ABIs ...) are listed too so a 32-bit guest can reuse the same handlers.
 */
#define LX_SYSCALL_LIST(X)                                                                     \
	X(io_setup) X(io_destroy) X(io_submit) X(io_cancel) X(io_getevents)                    \
	X(setxattr) X(lsetxattr) X(fsetxattr) X(getxattr) X(lgetxattr) X(fgetxattr)            \
	X(listxattr) X(llistxattr) X(flistxattr) X(removexattr) X(lremovexattr)                \
	X(fremovexattr) X(getcwd) X(lookup_dcookie) X(eventfd2) X(epoll_create1)               \
	X(epoll_ctl) X(epoll_pwait) X(dup) X(dup3) X(fcntl) X(inotify_init1)                   \
	X(inotify_add_watch) X(inotify_rm_watch) X(ioctl) X(ioprio_set) X(ioprio_get)          \
	X(flock) X(mknodat) X(mkdirat) X(unlinkat) X(symlinkat) X(linkat) X(renameat)          \
	X(umount2) X(mount) X(pivot_root) X(nfsservctl) X(statfs) X(fstatfs) X(truncate)       \
	X(ftruncate) X(fallocate) X(faccessat) X(chdir) X(fchdir) X(chroot) X(fchmod)          \
	X(fchmodat) X(fchownat) X(fchown) X(openat) X(close) X(vhangup) X(pipe2)               \
	X(quotactl) X(getdents64) X(lseek) X(read) X(write) X(readv) X(writev)                 \
	X(pread64) X(pwrite64) X(preadv) X(pwritev) X(sendfile) X(pselect6) X(ppoll)           \
	X(signalfd4) X(vmsplice) X(splice) X(tee) X(readlinkat) X(newfstatat) X(fstat)         \
	X(sync) X(fsync) X(fdatasync) X(sync_file_range) X(timerfd_create)                     \
	X(timerfd_settime) X(timerfd_gettime) X(utimensat) X(acct) X(capget) X(capset)         \
	X(personality) X(exit) X(exit_group) X(waitid) X(set_tid_address) X(unshare)           \
	X(futex) X(set_robust_list) X(get_robust_list) X(nanosleep) X(getitimer)               \
	X(setitimer) X(kexec_load) X(init_module) X(delete_module) X(timer_create)             \
	X(timer_gettime) X(timer_getoverrun) X(timer_settime) X(timer_delete)                  \
	X(clock_settime) X(clock_gettime) X(clock_getres) X(clock_nanosleep) X(syslog)         \
	X(ptrace) X(sched_setparam) X(sched_setscheduler) X(sched_getscheduler)                \
	X(sched_getparam) X(sched_setaffinity) X(sched_getaffinity) X(sched_yield)             \
	X(sched_get_priority_max) X(sched_get_priority_min) X(sched_rr_get_interval)           \
	X(restart_syscall) X(kill) X(tkill) X(tgkill) X(sigaltstack) X(rt_sigsuspend)          \
	X(rt_sigaction) X(rt_sigprocmask) X(rt_sigpending) X(rt_sigtimedwait)                  \
	X(rt_sigqueueinfo) X(rt_sigreturn) X(setpriority) X(getpriority) X(reboot)             \
	X(setregid) X(setgid) X(setreuid) X(setuid) X(setresuid) X(getresuid)                  \
	X(setresgid) X(getresgid) X(setfsuid) X(setfsgid) X(times) X(setpgid) X(getpgid)       \
	X(getsid) X(setsid) X(getgroups) X(setgroups) X(uname) X(sethostname)                  \
	X(setdomainname) X(getrlimit) X(setrlimit) X(getrusage) X(umask) X(prctl)              \
	X(getcpu) X(gettimeofday) X(settimeofday) X(adjtimex) X(getpid) X(getppid)             \
	X(getuid) X(geteuid) X(getgid) X(getegid) X(gettid) X(sysinfo) X(mq_open)              \
	X(mq_unlink) X(mq_timedsend) X(mq_timedreceive) X(mq_notify) X(mq_getsetattr)          \
	X(msgget) X(msgctl) X(msgrcv) X(msgsnd) X(semget) X(semctl) X(semtimedop)              \
	X(semop) X(shmget) X(shmctl) X(shmat) X(shmdt) X(socket) X(socketpair) X(bind)         \
	X(listen) X(accept) X(connect) X(getsockname) X(getpeername) X(sendto)                 \
	X(recvfrom) X(setsockopt) X(getsockopt) X(shutdown) X(sendmsg) X(recvmsg)              \
	X(readahead) X(brk) X(munmap) X(mremap) X(add_key) X(request_key) X(keyctl)            \
	X(clone) X(execve) X(mmap) X(fadvise64) X(swapon) X(swapoff) X(mprotect)               \
	X(msync) X(mlock) X(munlock) X(mlockall) X(munlockall) X(mincore) X(madvise)           \
	X(remap_file_pages) X(mbind) X(get_mempolicy) X(set_mempolicy) X(migrate_pages)        \
	X(move_pages) X(rt_tgsigqueueinfo) X(perf_event_open) X(accept4) X(recvmmsg)           \
	X(wait4) X(prlimit64) X(fanotify_init) X(fanotify_mark) X(name_to_handle_at)           \
	X(open_by_handle_at) X(clock_adjtime) X(syncfs) X(setns) X(sendmmsg)                   \
	X(process_vm_readv) X(process_vm_writev) X(kcmp) X(finit_module)                       \
	X(sched_setattr) X(sched_getattr) X(renameat2) X(seccomp) X(getrandom)                 \
	X(memfd_create) X(bpf) X(execveat) X(userfaultfd) X(membarrier) X(mlock2)              \
	X(copy_file_range) X(preadv2) X(pwritev2) X(pkey_mprotect) X(pkey_alloc)               \
	X(pkey_free) X(statx) X(io_pgetevents) X(rseq) X(kexec_file_load)                      \
	X(pidfd_send_signal) X(io_uring_setup) X(io_uring_enter) X(io_uring_register)          \
	X(open_tree) X(move_mount) X(fsopen) X(fsconfig) X(fsmount) X(fspick)                  \
	X(pidfd_open) X(clone3) X(close_range) X(openat2) X(pidfd_getfd) X(faccessat2)         \
	X(process_madvise) X(epoll_pwait2) X(mount_setattr) X(quotactl_fd)                     \
	X(landlock_create_ruleset) X(landlock_add_rule) X(landlock_restrict_self)              \
	X(memfd_secret) X(process_mrelease) X(futex_waitv) X(set_mempolicy_home_node)          \
	X(cachestat) X(fchmodat2) X(map_shadow_stack) X(futex_wake) X(futex_wait)              \
	X(futex_requeue) X(statmount) X(listmount) X(lsm_get_self_attr)                        \
	X(lsm_set_self_attr) X(lsm_list_modules) X(mseal)                                      \
	/* calls of older or 32-bit ABIs (not in the asm-generic 64-bit table) */              \
	X(open) X(creat) X(link) X(unlink) X(mknod) X(chmod) X(chown) X(lchown)                \
	X(mkdir) X(rmdir) X(rename) X(symlink) X(readlink) X(access) X(stat) X(lstat)          \
	X(utime) X(utimes) X(futimesat) X(getdents) X(dup2) X(pipe) X(fork) X(vfork)           \
	X(pause) X(alarm) X(time) X(poll) X(select) X(epoll_create) X(epoll_wait)              \
	X(eventfd) X(signalfd) X(inotify_init) X(getpgrp) X(waitpid) X(llseek)                 \
	X(mmap2) X(fcntl64) X(stat64) X(lstat64) X(fstat64) X(fstatat64) X(statfs64)           \
	X(fstatfs64) X(truncate64) X(ftruncate64) X(sendfile64) X(ugetrlimit)                  \
	X(sigaction) X(sigprocmask) X(sigreturn) X(sigsuspend) X(sigpending) X(socketcall)     \
	X(ipc) X(nice) X(ustat) X(sysfs) X(uselib) X(_sysctl)                                  \
	/* 32-bit ABIs with 64-bit time (y2038) calls */                                       \
	X(clock_gettime64) X(clock_settime64) X(clock_adjtime64) X(clock_getres_time64)        \
	X(clock_nanosleep_time64) X(timer_gettime64) X(timer_settime64)                        \
	X(timerfd_gettime64) X(timerfd_settime64) X(utimensat_time64) X(pselect6_time64)       \
	X(ppoll_time64) X(io_pgetevents_time64) X(recvmmsg_time64) X(mq_timedsend_time64)      \
	X(mq_timedreceive_time64) X(semtimedop_time64) X(rt_sigtimedwait_time64)               \
	X(futex_time64) X(sched_rr_get_interval_time64)

/** Canonical syscall identifiers; 0 (LX_SYS_none) means "no such syscall". */
enum lx_sys {
	LX_SYS_none,
#define LX_SYS_ENUM(name) LX_SYS_##name,
	LX_SYSCALL_LIST(LX_SYS_ENUM)
#undef LX_SYS_ENUM
	LX_SYS_COUNT
};

/*
 * Arch-specific syscalls (riscv_flush_icache, MIPS cacheflush ...): handled by
 * the frontend. @args are the six raw argument registers (after fixup_args);
 * the return value is the result or a negative *host* errno, as for the core's
 * own handlers.
 */
typedef int64_t (*lx_arch_handler)(struct cpu *cpu, const uint64_t *args);

struct lx_arch_syscall {
	unsigned nr;           /* guest syscall number */
	const char *name;      /* for --strace */
	uint8_t nargs;
	const char *fmt;       /* strace argument format, see src/linux-user/strace.c */
	lx_arch_handler fn;
};

/** One value of a value-to-value translation table; tables end with {0, 0}. */
struct lx_valmap {
	int32_t canon;  /* canonical (asm-generic) value */
	int32_t guest;  /* the guest ABI's value */
};

/** One bit (or multi-bit field) of a flag translation; tables end with a zero mask. */
struct lx_bitmap {
	uint32_t canon_mask, canon_bits; /* (x & canon_mask) == canon_bits ... */
	uint32_t guest_mask, guest_bits; /* ... corresponds to (y & guest_mask) == guest_bits */
};

/** An alternate signal stack as stored in uc_stack / stack_t (guest view). */
struct lx_stack {
	uint64_t sp;
	uint64_t size;
	int32_t flags; /* canonical SS_* */
};

/** Everything setup_rt_frame() needs to build one signal frame. */
struct lx_sigframe {
	int sig;               /* guest signal number */
	uint64_t handler;      /* guest address of the handler */
	uint64_t sa_flags;     /* canonical SA_* flags of the action */
	uint64_t sa_restorer;  /* sa_restorer if the ABI has SA_RESTORER and it was set, else 0 */
	uint64_t tramp;        /* guest address of morph's rt_sigreturn trampoline (sigreturn_code) */
	uint64_t sp;           /* stack top to build the frame below (the alt stack already chosen) */
	uint64_t mask[2];      /* blocked set to save in uc_sigmask (guest numbering: bit n-1 = sig n) */
	struct lx_stack stack; /* value for uc_stack */
	uint8_t info[128];     /* siginfo, already in the guest's layout (siginfo_size bytes) */
};

/* Argument order of the clone syscall (kernel/fork.c CONFIG_CLONE_BACKWARDS*) */
enum lx_clone_order {
	LX_CLONE_FLAGS_SP_PTID_CTID_TLS,  /* default */
	LX_CLONE_FLAGS_SP_PTID_TLS_CTID,  /* CLONE_BACKWARDS: riscv, arm64, mips, ppc ... */
	LX_CLONE_SP_FLAGS_PTID_CTID_TLS,  /* CLONE_BACKWARDS2: s390 */
};

/**
 * struct linux_abi - a guest's Linux user-mode ABI.
 *
 * Word size and byte order come from the arch (struct morph_arch addr_bits and
 * big_endian); everything else guest-specific is here.
 */
struct linux_abi {
	const char *name;            /* e.g. "riscv64-linux (lp64d)" */
	const char *uname_machine;   /* uname -m: "riscv64" */

	/* ---- system calls ---- */

	/* sysnums[nr - sys_base] is the enum lx_sys of guest syscall nr (0: none) */
	const uint16_t *sysnums;
	unsigned nsysnums;
	unsigned sys_base;
	/* arch-specific calls, looked up before sysnums (optional) */
	const struct lx_arch_syscall *arch_syscalls;
	unsigned narch_syscalls;
	enum lx_clone_order clone_order;
	uint8_t syscall_insn_len;    /* bytes of the syscall instruction (pc advance) */

	/**
	 * get_syscall() - the syscall number and its six arguments of the hart that
	 * stopped with EXCP_SYSCALL (arguments as raw register values, zero-extended
	 * for 32-bit guests; stack-passed ones read with lx_copy_from_guest()).
	 */
	unsigned (*get_syscall)(struct cpu *cpu, uint64_t args[6]);

	/**
	 * fixup_args() - optional: rewrite @args of canonical call @sys into the
	 * 64-bit-argument form the core's handlers take (32-bit ABIs pass 64-bit
	 * offsets in register pairs). NULL for 64-bit ABIs.
	 */
	void (*fixup_args)(struct cpu *cpu, enum lx_sys sys, uint64_t args[6]);

	/**
	 * set_syscall_result() - store @ret (a value, or -errno with the guest's
	 * errno number) where the guest expects it. Does not move the pc.
	 */
	void (*set_syscall_result)(struct cpu *cpu, int64_t ret);

	/* ---- process and threads ---- */

	/**
	 * start_process() - registers at process entry (psABI): pc = @entry, stack
	 * pointer = @sp (pointing at argc), everything else as the psABI says
	 * (e.g. RISC-V a0 = 0: no rtld_fini).
	 */
	void (*start_process)(struct cpu *cpu, uint64_t entry, uint64_t sp);

	/**
	 * check_elf() - optional: the arch's checks of the program @prog and its
	 * interpreter @interp (NULL if none), both loaded, before start_process(),
	 * as Linux's arch_elf_pt_proc()/arch_check_elf(); may set per-process
	 * state in @cpu (MIPS: the FP mode from .MIPS.abiflags). Their files are
	 * still open (@prog->fd). Returns 0 or a negative errno (exec fails).
	 */
	int (*check_elf)(struct cpu *cpu, const struct elf_file *prog,
			 const struct elf_file *interp);

	/**
	 * prctl() - optional: arch-specific prctl options (MIPS PR_SET_FP_MODE).
	 * @args are the five arguments; returns the result, a negative host errno,
	 * or -ENOSYS for an option it does not handle (the core's then apply).
	 */
	int64_t (*prctl)(struct cpu *cpu, const uint64_t *args);

	/**
	 * clone_child() - turn @cpu (a copy of the parent, pc already past the
	 * syscall) into the child of clone/clone3: syscall result 0, stack pointer
	 * @newsp if non-zero, thread pointer @tls if @set_tls.
	 */
	void (*clone_child)(struct cpu *cpu, uint64_t newsp, bool set_tls, uint64_t tls);

	/** get_sp() - the guest stack pointer (signal frames, sigaltstack). */
	uint64_t (*get_sp)(struct cpu *cpu);

	/* ---- signals ---- */

	/*
	 * The code of morph's rt_sigreturn trampoline, copied into a guest page
	 * at startup (the kernel's vDSO has __vdso_rt_sigreturn; we have no vDSO).
	 */
	const uint8_t *sigreturn_code;
	unsigned sigreturn_code_len;

	/**
	 * setup_rt_frame() - build the signal frame for @f below f->sp and point
	 * the hart at the handler (return address = f->tramp or f->sa_restorer).
	 * Returns 0 or -EFAULT (the core then kills the guest with SIGSEGV).
	 */
	int (*setup_rt_frame)(struct cpu *cpu, const struct lx_sigframe *f);

	/**
	 * rt_sigreturn() - restore the hart from the frame at the stack pointer
	 * (as left by setup_rt_frame and maybe edited by the handler); return
	 * the saved signal mask in @mask and uc_stack in @stack. Returns 0 or a
	 * negative errno (bad frame: the core raises SIGSEGV).
	 */
	int (*rt_sigreturn)(struct cpu *cpu, uint64_t mask[2], struct lx_stack *stack);

	unsigned nsig;               /* _NSIG: 64, or 128 (MIPS) */
	bool has_sa_restorer;        /* struct sigaction has sa_restorer (SA_RESTORER exists) */
	bool siginfo_code_first;     /* si_code before si_errno (MIPS) */
	bool stack_t_size_first;     /* stack_t is {ss_sp, ss_size, ss_flags} (MIPS) */
	unsigned minsigstksz;        /* AT_MINSIGSTKSZ: bytes a signal frame needs */

	/* ---- process start (auxv) ---- */

	uint64_t task_size;          /* user address space end (exclusive) */
	uint64_t et_dyn_base;        /* load address of an ET_DYN main program */
	uint64_t hwcap, hwcap2;      /* AT_HWCAP, AT_HWCAP2 (0: not passed) */
	const char *platform;        /* AT_PLATFORM string, or NULL */

	/* ---- translation of constants (all optional: NULL = asm-generic) ---- */

	const struct lx_valmap *errnos;     /* errno values that differ */
	const struct lx_valmap *signals;    /* signal numbers that differ */
	const struct lx_bitmap *open_flags; /* O_* */
	const struct lx_bitmap *mmap_flags; /* MAP_* */
	const struct lx_bitmap *sa_flags;   /* SA_* */
	const struct lx_valmap *sock_types; /* SOCK_STREAM ... */
	const struct lx_valmap *rlimits;    /* RLIMIT_* resource numbers */
	const struct lx_valmap *fcntl_cmds; /* F_GETLK ... */
	const struct lx_valmap *ioctls;     /* terminal and file ioctl request numbers */

	/* ---- struct layouts (all optional: NULL = asm-generic for the word size) ---- */

	/** put_stat() - write the guest struct stat for @st (a host struct stat) to @out; returns its size. */
	size_t (*put_stat)(void *out, const void *st);
	/** get_sigaction()/put_sigaction() - guest struct sigaction <-> (handler, flags, restorer, mask). */
	int (*get_sigaction)(uint64_t gaddr, uint64_t *handler, uint64_t *flags,
			     uint64_t *restorer, uint64_t mask[2]);
	int (*put_sigaction)(uint64_t gaddr, uint64_t handler, uint64_t flags, uint64_t restorer,
			     const uint64_t mask[2]);
	/** get_termios()/put_termios() - guest struct termios <-> host struct termios. */
	int (*get_termios)(uint64_t gaddr, void *host_termios);
	int (*put_termios)(uint64_t gaddr, const void *host_termios);
	/**
	 * put_statfs() - write the guest struct statfs (32-bit ABIs: statfs64) for
	 * @st (a host struct statfs) to @out (at most 128 bytes); returns its size.
	 */
	size_t (*put_statfs)(void *out, const void *st);

	/* ---- faults (optional) ---- */

	/**
	 * fault_signal() - the signal for the frontend's own exception @excp
	 * (EXCP_ARCH_BASE and up) raised by guest code at cpu->pc: canonical
	 * signal number, si_code and si_addr. False if @excp is not one.
	 */
	bool (*fault_signal)(struct cpu *cpu, int excp, int *sig, int *code, uint64_t *addr);
};

/* ---- Services of the core for ABI code (implemented in src/linux-user/) ---- */

/** lx_copy_from_guest() - copy @n bytes at guest @gaddr to @dst; 0 or -EFAULT. */
int lx_copy_from_guest(void *dst, uint64_t gaddr, size_t n);
/** lx_copy_to_guest() - copy @n bytes from @src to guest @gaddr; 0 or -EFAULT. */
int lx_copy_to_guest(uint64_t gaddr, const void *src, size_t n);

/* Guest byte order accessors for building guest structures in host buffers. */
void lx_st16(void *p, uint16_t v);
void lx_st32(void *p, uint32_t v);
void lx_st64(void *p, uint64_t v);
/** lx_stw() - store a guest word (4 or 8 bytes by the guest's word size). */
void lx_stw(void *p, uint64_t v);
uint16_t lx_ld16(const void *p);
uint32_t lx_ld32(const void *p);
uint64_t lx_ld64(const void *p);
/** lx_ldw() - load a guest word (zero-extended). */
uint64_t lx_ldw(const void *p);

/**
 * lx_stack_to_guest()/lx_stack_from_guest() - a guest stack_t (3 guest words:
 * asm-generic {ss_sp, ss_flags, ss_size}; {ss_sp, ss_size, ss_flags} if the
 * ABI sets stack_t_size_first) in the host buffer @b.
 */
void lx_stack_to_guest(uint8_t *b, const struct lx_stack *s);
void lx_stack_from_guest(const uint8_t *b, struct lx_stack *s);

/**
 * lx_sigset_to_guest()/lx_sigset_from_guest() - a guest sigset_t of @size
 * bytes (at most 16 are used: guest words, bit n-1 of the set = signal n) in
 * the host buffer @b <-> @set, two 64-bit words in the same numbering.
 */
void lx_sigset_to_guest(uint8_t *b, size_t size, const uint64_t set[2]);
void lx_sigset_from_guest(const uint8_t *b, size_t size, uint64_t set[2]);

/** lx_invalidate_code() - guest code in [start, end) changed (icache flush syscalls). */
void lx_invalidate_code(uint64_t start, uint64_t end);

#endif
