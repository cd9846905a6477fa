/*
 * The syscall table and dispatcher. One row per canonical syscall: name,
 * arity, flags, handler and the strace argument format (strace.c explains
 * the format letters). A guest's number is mapped to its row through the
 * ABI's table; calls with no row or no handler fail with ENOSYS (and are
 * shown as such under --strace).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "src/linux-user/lx.h"

#define RST LX_SF_RESTART
#define NORET LX_SF_NORET

#define S(name, n, flags, fmt) [LX_SYS_##name] = { #name, lx_sys_##name, n, flags, fmt }
/*
 * A call served by the handler of @as: another name of the same call
 * (ugetrlimit), or a *64 call of a 32-bit ABI once its fixup_args joined the
 * 64-bit values and moved statfs64's buffer argument (put_stat/put_statfs
 * write the ABI's stat64 and statfs64 layouts).
 */
#define A(name, as, n, flags, fmt) [LX_SYS_##name] = { #name, lx_sys_##as, n, flags, fmt }

const struct lx_syscall_def lx_syscalls[LX_SYS_COUNT] = {
	/* files */
	S(openat, 4, RST, "fsom"),
	S(open, 3, RST, "som"),
	S(creat, 2, 0, "sm"),
	S(close, 1, 0, "d"),
	S(close_range, 3, 0, "uux"),
	S(read, 3, RST, "dBu"),
	S(write, 3, RST, "dbu"),
	S(readv, 3, RST, "dpu"),
	S(writev, 3, RST, "dpu"),
	S(pread64, 4, RST, "dBul"),
	S(pwrite64, 4, RST, "dbul"),
	S(preadv, 4, RST, "dpul"),
	S(pwritev, 4, RST, "dpul"),
	S(preadv2, 6, RST, "dpullx"),
	S(pwritev2, 6, RST, "dpullx"),
	S(lseek, 3, 0, "dld"),
	S(llseek, 5, 0, "duupd"),
	S(dup, 1, 0, "d"),
	S(dup2, 2, 0, "dd"),
	S(dup3, 3, 0, "ddo"),
	S(pipe, 1, 0, "p"),
	S(pipe2, 2, 0, "po"),
	S(newfstatat, 4, 0, "fspx"),
	S(fstat, 2, 0, "dp"),
	S(stat, 2, 0, "sp"),
	S(lstat, 2, 0, "sp"),
	S(statx, 5, 0, "fsxxp"),
	S(statfs, 2, 0, "sp"),
	S(fstatfs, 2, 0, "dp"),
	S(getdents64, 3, 0, "dpu"),
	S(faccessat, 3, 0, "fsd"),
	S(faccessat2, 4, 0, "fsdx"),
	S(access, 2, 0, "sd"),
	S(fchmod, 2, 0, "dm"),
	S(fchmodat, 3, 0, "fsm"),
	S(fchmodat2, 4, 0, "fsmx"),
	S(chmod, 2, 0, "sm"),
	S(fchown, 3, 0, "ddd"),
	S(fchownat, 5, 0, "fsddx"),
	S(chown, 3, 0, "sdd"),
	S(lchown, 3, 0, "sdd"),
	S(utimensat, 4, 0, "fspx"),
	S(utimes, 2, 0, "sp"),
	S(futimesat, 3, 0, "fsp"),
	S(renameat2, 5, 0, "fsfsx"),
	S(renameat, 4, 0, "fsfs"),
	S(rename, 2, 0, "ss"),
	S(unlinkat, 3, 0, "fsx"),
	S(unlink, 1, 0, "s"),
	S(rmdir, 1, 0, "s"),
	S(mkdirat, 3, 0, "fsm"),
	S(mkdir, 2, 0, "sm"),
	S(mknodat, 4, 0, "fsmx"),
	S(mknod, 3, 0, "smx"),
	S(symlinkat, 3, 0, "sfs"),
	S(symlink, 2, 0, "ss"),
	S(linkat, 5, 0, "fsfsx"),
	S(link, 2, 0, "ss"),
	S(readlinkat, 4, 0, "fsBu"),
	S(readlink, 3, 0, "sBu"),
	S(getcwd, 2, 0, "pu"),
	S(chdir, 1, 0, "s"),
	S(fchdir, 1, 0, "d"),
	S(chroot, 1, 0, "s"),
	S(umask, 1, 0, "m:o"),
	S(truncate, 2, 0, "sl"),
	S(ftruncate, 2, 0, "dl"),
	A(truncate64, truncate, 2, 0, "sl"),
	A(ftruncate64, ftruncate, 2, 0, "dl"),
	A(stat64, stat, 2, 0, "sp"),
	A(lstat64, lstat, 2, 0, "sp"),
	A(fstat64, fstat, 2, 0, "dp"),
	A(fstatat64, newfstatat, 4, 0, "fspx"),
	A(statfs64, statfs, 2, 0, "sp"),
	A(fstatfs64, fstatfs, 2, 0, "dp"),
	S(fallocate, 4, 0, "dxll"),
	S(fsync, 1, 0, "d"),
	S(fdatasync, 1, 0, "d"),
	S(sync, 0, 0, ""),
	S(syncfs, 1, 0, "d"),
	S(sync_file_range, 4, 0, "dllx"),
	S(fadvise64, 4, 0, "dlld"),
	S(readahead, 3, 0, "dlu"),
	S(flock, 2, RST, "dx"),
	S(fcntl, 3, RST, "dFx"),
	A(fcntl64, fcntl, 3, RST, "dFx"),
	S(ioctl, 3, RST, "dxx"),
	S(getxattr, 4, 0, "sspu"),
	S(lgetxattr, 4, 0, "sspu"),
	S(fgetxattr, 4, 0, "dspu"),
	S(setxattr, 5, 0, "sspux"),
	S(lsetxattr, 5, 0, "sspux"),
	S(fsetxattr, 5, 0, "dspux"),
	S(listxattr, 3, 0, "spu"),
	S(llistxattr, 3, 0, "spu"),
	S(flistxattr, 3, 0, "dpu"),
	S(removexattr, 2, 0, "ss"),
	S(lremovexattr, 2, 0, "ss"),
	S(fremovexattr, 2, 0, "ds"),
	S(eventfd2, 2, 0, "uo"),
	S(eventfd, 1, 0, "u"),
	S(memfd_create, 2, 0, "sx"),
	S(inotify_init1, 1, 0, "o"),
	S(inotify_init, 0, 0, ""),
	S(inotify_add_watch, 3, 0, "dsx"),
	S(inotify_rm_watch, 2, 0, "dd"),
	S(sendfile, 4, RST, "ddpu"),
	S(copy_file_range, 6, RST, "dpdpux"),
	S(splice, 6, RST, "dpdpux"),
	S(tee, 4, RST, "ddux"),
	S(mount, 5, 0, "sssxp"),
	S(umount2, 2, 0, "sx"),
	/* waiting */
	S(ppoll, 5, 0, "puppu"),
	S(ppoll_time64, 5, 0, "puppu"),
	S(poll, 3, 0, "pud"),
	S(pselect6, 6, 0, "dppppp"),
	S(pselect6_time64, 6, 0, "dppppp"),
	S(select, 5, 0, "dpppp"),
	S(epoll_create1, 1, 0, "o"),
	S(epoll_create, 1, 0, "d"),
	S(epoll_ctl, 4, 0, "dddp"),
	S(epoll_pwait, 6, 0, "dpddpu"),
	S(epoll_pwait2, 6, 0, "dpdppu"),
	S(epoll_wait, 4, 0, "dpdd"),
	/* memory */
	S(mmap, 6, 0, "pxPMdx:x"),
	S(mmap2, 6, 0, "pxPMdx:x"),
	S(munmap, 2, 0, "px"),
	S(mprotect, 3, 0, "pxP"),
	S(mremap, 5, 0, "pxxxp:x"),
	S(brk, 1, 0, "p:x"),
	S(madvise, 3, 0, "pxd"),
	S(msync, 3, 0, "pxx"),
	S(mlock, 2, 0, "px"),
	S(mlock2, 3, 0, "pxx"),
	S(munlock, 2, 0, "px"),
	S(mlockall, 1, 0, "x"),
	S(munlockall, 0, 0, ""),
	S(mincore, 3, 0, "pxp"),
	S(membarrier, 3, 0, "dxd"),
	/* processes and threads */
	S(clone, 5, 0, "cpppp"),
	S(clone3, 2, 0, "pu"),
	S(fork, 0, 0, ""),
	S(vfork, 0, 0, ""),
	S(execve, 3, NORET, "sve"),
	S(execveat, 5, NORET, "fsvex"),
	S(exit, 1, NORET, "d"),
	S(exit_group, 1, NORET, "d"),
	S(wait4, 4, RST, "dpxp"),
	S(waitpid, 3, RST, "dpx"),
	S(waitid, 5, RST, "ddpxp"),
	S(futex, 6, RST, "pdupxx"),
	S(futex_time64, 6, RST, "pdupxx"),
	S(set_tid_address, 1, 0, "p"),
	S(set_robust_list, 2, 0, "pu"),
	S(get_robust_list, 3, 0, "dpp"),
	S(getpid, 0, 0, ""),
	S(getppid, 0, 0, ""),
	S(gettid, 0, 0, ""),
	S(getuid, 0, 0, ""),
	S(geteuid, 0, 0, ""),
	S(getgid, 0, 0, ""),
	S(getegid, 0, 0, ""),
	S(setuid, 1, 0, "d"),
	S(setgid, 1, 0, "d"),
	S(setreuid, 2, 0, "dd"),
	S(setregid, 2, 0, "dd"),
	S(setresuid, 3, 0, "ddd"),
	S(setresgid, 3, 0, "ddd"),
	S(setfsuid, 1, 0, "d"),
	S(setfsgid, 1, 0, "d"),
	S(getresuid, 3, 0, "ppp"),
	S(getresgid, 3, 0, "ppp"),
	S(getgroups, 2, 0, "dp"),
	S(setgroups, 2, 0, "dp"),
	S(setpgid, 2, 0, "dd"),
	S(getpgid, 1, 0, "d"),
	S(getpgrp, 0, 0, ""),
	S(getsid, 1, 0, "d"),
	S(setsid, 0, 0, ""),
	S(prlimit64, 4, 0, "ddpp"),
	S(getrlimit, 2, 0, "dp"),
	A(ugetrlimit, getrlimit, 2, 0, "dp"),
	S(setrlimit, 2, 0, "dp"),
	S(getrusage, 2, 0, "dp"),
	S(uname, 1, 0, "p"),
	S(sethostname, 2, 0, "su"),
	S(setdomainname, 2, 0, "su"),
	S(sysinfo, 1, 0, "p"),
	S(getrandom, 3, RST, "pux"),
	S(personality, 1, 0, "x:x"),
	S(prctl, 5, 0, "dxxxx"),
	S(capget, 2, 0, "pp"),
	S(capset, 2, 0, "pp"),
	S(sched_getaffinity, 3, 0, "dup"),
	S(sched_setaffinity, 3, 0, "dup"),
	S(sched_yield, 0, 0, ""),
	S(sched_getparam, 2, 0, "dp"),
	S(sched_setparam, 2, 0, "dp"),
	S(sched_getscheduler, 1, 0, "d"),
	S(sched_setscheduler, 3, 0, "ddp"),
	S(sched_get_priority_max, 1, 0, "d"),
	S(sched_get_priority_min, 1, 0, "d"),
	S(sched_rr_get_interval, 2, 0, "dp"),
	S(getpriority, 2, 0, "dd"),
	S(setpriority, 3, 0, "ddd"),
	S(getcpu, 3, 0, "ppp"),
	S(unshare, 1, 0, "x"),
	S(pidfd_open, 2, 0, "dx"),
	S(pidfd_getfd, 3, 0, "ddx"),
	S(pidfd_send_signal, 4, 0, "dSpx"),
	S(ioprio_get, 2, 0, "dd"),
	S(ioprio_set, 3, 0, "ddd"),
	S(syslog, 3, 0, "dpd"),
	S(reboot, 4, 0, "xxxp"),
	/* signals */
	S(rt_sigaction, 4, 0, "Sppu"),
	S(rt_sigprocmask, 4, 0, "dppu"),
	S(rt_sigpending, 2, 0, "pu"),
	S(rt_sigsuspend, 2, 0, "pu"),
	S(pause, 0, 0, ""),
	S(rt_sigtimedwait, 4, 0, "pppu"),
	S(rt_sigqueueinfo, 3, 0, "dSp"),
	S(rt_tgsigqueueinfo, 4, 0, "ddSp"),
	S(rt_sigreturn, 0, 0, ""),
	S(kill, 2, 0, "dS"),
	S(tkill, 2, 0, "dS"),
	S(tgkill, 3, 0, "ddS"),
	S(sigaltstack, 2, 0, "pp"),
	S(signalfd4, 4, 0, "dpuo"),
	S(signalfd, 3, 0, "dpu"),
	/* time */
	S(clock_gettime, 2, 0, "dp"),
	S(clock_gettime64, 2, 0, "dp"),
	S(clock_getres, 2, 0, "dp"),
	S(clock_getres_time64, 2, 0, "dp"),
	S(clock_settime, 2, 0, "dp"),
	S(clock_nanosleep, 4, 0, "dxpp"),
	S(clock_nanosleep_time64, 4, 0, "dxpp"),
	S(nanosleep, 2, 0, "pp"),
	S(gettimeofday, 2, 0, "pp"),
	S(settimeofday, 2, 0, "pp"),
	S(time, 1, 0, "p"),
	S(times, 1, 0, "p"),
	S(setitimer, 3, 0, "dpp"),
	S(getitimer, 2, 0, "dp"),
	S(alarm, 1, 0, "u"),
	S(timer_create, 3, 0, "dpp"),
	S(timer_settime, 4, 0, "dxpp"),
	S(timer_settime64, 4, 0, "dxpp"),
	S(timer_gettime, 2, 0, "dp"),
	S(timer_gettime64, 2, 0, "dp"),
	S(timer_getoverrun, 1, 0, "d"),
	S(timer_delete, 1, 0, "d"),
	S(timerfd_create, 2, 0, "do"),
	S(timerfd_settime, 4, 0, "dxpp"),
	S(timerfd_settime64, 4, 0, "dxpp"),
	S(timerfd_gettime, 2, 0, "dp"),
	S(timerfd_gettime64, 2, 0, "dp"),
	/* sockets */
	S(socket, 3, 0, "ddd"),
	S(socketpair, 4, 0, "dddp"),
	S(bind, 3, 0, "dpu"),
	S(connect, 3, RST, "dpu"),
	S(listen, 2, 0, "dd"),
	S(accept, 3, RST, "dpp"),
	S(accept4, 4, RST, "dppo"),
	S(getsockname, 3, 0, "dpp"),
	S(getpeername, 3, 0, "dpp"),
	S(sendto, 6, RST, "dbuxpu"),
	S(recvfrom, 6, RST, "dBuxpp"),
	S(setsockopt, 5, 0, "dddpu"),
	S(getsockopt, 5, 0, "dddpp"),
	S(shutdown, 2, 0, "dd"),
	S(sendmsg, 3, RST, "dpx"),
	S(recvmsg, 3, RST, "dpx"),
	S(sendmmsg, 4, RST, "dpux"),
	S(recvmmsg, 5, RST, "dpuxp"),
};

static const char *const sys_names[LX_SYS_COUNT] = {
	[LX_SYS_none] = "none",
#define LX_SYS_NAME(name) [LX_SYS_##name] = #name,
	LX_SYSCALL_LIST(LX_SYS_NAME)
#undef LX_SYS_NAME
};

const char *lx_sys_name(enum lx_sys s)
{
	return s < LX_SYS_COUNT ? sys_names[s] : "?";
}

void lx_syscall(struct lx_thread *t)
{
	const struct linux_abi *abi = lx.abi;
	struct cpu *cpu = t->cpu;
	uint64_t a[6] = { 0 }, orig[6];
	unsigned nr = abi->get_syscall(cpu, a);
	const struct lx_arch_syscall *arch = NULL;
	const struct lx_syscall_def *def = NULL;
	enum lx_sys sys = LX_SYS_none;
	const char *name, *fmt;
	char tbuf[1024], unknown[32];
	unsigned nargs = 6;
	int flags = 0;
	int64_t ret;

	for (unsigned i = 0; i < abi->narch_syscalls; i++)
		if (abi->arch_syscalls[i].nr == nr)
			arch = &abi->arch_syscalls[i];
	if (!arch && nr >= abi->sys_base && nr - abi->sys_base < abi->nsysnums)
		sys = abi->sysnums[nr - abi->sys_base];
	if (arch) {
		name = arch->name;
		fmt = arch->fmt;
		nargs = arch->nargs;
	} else if (sys != LX_SYS_none) {
		if (abi->fixup_args)
			abi->fixup_args(cpu, sys, a);
		def = &lx_syscalls[sys];
		name = sys_names[sys];
		fmt = def->fn ? def->fmt : NULL;
		nargs = def->fn ? def->nargs : 6;
		flags = def->fn ? def->flags : 0;
	} else {
		snprintf(unknown, sizeof(unknown), "syscall_%u", nr);
		name = unknown;
		fmt = NULL;
	}
	memcpy(orig, a, sizeof(a));

	if (lx.strace) {
		lx_strace_enter(t, name, fmt, nargs, a, tbuf, sizeof(tbuf));
		if (flags & LX_SF_NORET)
			lx_strace_print(t, "%s = ?\n", tbuf);
	}
	if (arch)
		ret = arch->fn(cpu, a);
	else if (def && def->fn)
		ret = def->fn(t, a);
	else
		ret = -ENOSYS;

	if (ret == LX_RET_NOREGS) {
		if (lx.strace && !(flags & LX_SF_NORET))
			lx_strace_print(t, "%s = ?\n", tbuf);
		return;
	}
	if (ret == -EINTR && lx_signal_pending(t)) {
		/* a signal interrupted it: the delivery decides between EINTR and restart */
		t->restart = true;
		t->restart_ok = (flags & LX_SF_RESTART) != 0;
		if (lx.strace)
			lx_strace_print(t, "%s = ? ERESTARTSYS (To be restarted if SA_RESTART is set)\n",
					tbuf);
		return;
	}
	if (lx.strace) {
		if (flags & LX_SF_NORET) {
			/* it came back after all (a failed execve): strace's "resumed" line */
			snprintf(tbuf, sizeof(tbuf), "<... %s resumed>", name);
			lx_strace_exit(t, NULL, orig, ret, tbuf, sizeof(tbuf));
		} else {
			lx_strace_exit(t, fmt, orig, ret, tbuf, sizeof(tbuf));
		}
		lx_strace_print(t, "%s\n", tbuf);
	}
	if (ret < 0 && ret >= -4095)
		ret = -lx_errno_to_guest((int)-ret);
	abi->set_syscall_result(cpu, ret);
	cpu->pc += abi->syscall_insn_len;
}
