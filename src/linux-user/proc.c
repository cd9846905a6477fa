/*
 * Processes and threads: the per-thread run loop, clone/clone3 (a guest
 * thread is a host pthread running its own hart; a guest process is a host
 * fork), exit, execve (a guest program is run by re-executing morph),
 * wait4/waitid, futex, robust lists, identities, limits, uname, prctl ...
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "morph/elf-loader.h"
#include "morph/exec.h"
#include "morph/gdbstub.h"
#include "src/linux-user/lx.h"

#define LX_UNAME_RELEASE "6.12.0"

/* Clone flags (uapi linux/sched.h) */
#define CSIGNAL_MASK 0xffu
#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)

__thread struct lx_thread *lx_self;

struct lx_thread *lx_thread_new(struct cpu *cpu)
{
	struct lx_thread *t = calloc(1, sizeof(*t));

	if (!t) {
		lx_error("out of memory for a thread");
		abort();
	}
	t->cpu = cpu;
	t->tid = (int)syscall(SYS_gettid);
	t->host = pthread_self();
	cpu->opaque = t;
	cpu->thread_id = t->tid;
	pthread_mutex_lock(&lx.thread_lock);
	t->next = lx.threads;
	lx.threads = t;
	lx.nthreads++;
	pthread_mutex_unlock(&lx.thread_lock);
	return t;
}

/* Remove @t from the thread list; returns the number of threads left. */
static int thread_unlink(struct lx_thread *t)
{
	int left;

	pthread_mutex_lock(&lx.thread_lock);
	for (struct lx_thread **p = &lx.threads; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			lx.nthreads--;
			break;
		}
	}
	left = lx.nthreads;
	pthread_mutex_unlock(&lx.thread_lock);
	return left;
}

_Noreturn void lx_exit_group(int status)
{
	gdbstub_exit(status, 0);
	fflush(NULL);
	syscall(SYS_exit_group, status);
	_exit(status);
}

static void queue_fault(struct lx_thread *t, int canon_sig, int code, uint64_t addr)
{
	struct lx_siginfo si;

	memset(&si, 0, sizeof(si));
	si.signo = lx_map_val_out(lx.abi->signals, canon_sig);
	si.code = code;
	si.kind = LX_SI_FAULT;
	si.addr = addr;
	lx_queue_sync(t, &si);
}

_Noreturn void lx_cpu_loop(struct lx_thread *t)
{
	struct cpu *cpu = t->cpu;

	lx_self = t;
	current_cpu = cpu;
	for (;;) {
		int e = cpu_exec(cpu);
		struct gs_vma v;

		switch (e) {
		case EXCP_SYSCALL:
			lx_syscall(t);
			break;
		case EXCP_INTERRUPT:
			break;
		case EXCP_SEGV:
			queue_fault(t, SIGSEGV,
				    gs_lookup(&lx.gs, cpu->fault_addr, &v) ? SEGV_ACCERR
									   : SEGV_MAPERR,
				    cpu->fault_addr);
			break;
		case EXCP_BUS:
			queue_fault(t, SIGBUS, lx_fault_bus_adrerr ? BUS_ADRERR : BUS_ADRALN,
				    cpu->fault_addr);
			lx_fault_bus_adrerr = false;
			break;
		case EXCP_ILLEGAL:
			queue_fault(t, SIGILL, ILL_ILLOPC, cpu->pc);
			break;
		case EXCP_BREAKPOINT:
			queue_fault(t, SIGTRAP, TRAP_BRKPT, cpu->pc);
			break;
		case EXCP_TRAP:
			queue_fault(t, SIGTRAP, TRAP_BRKPT, cpu->pc);
			break;
		case EXCP_FPE:
			queue_fault(t, SIGFPE, FPE_INTDIV, cpu->pc);
			break;
		default: {
			int sig, code;
			uint64_t addr;

			if (lx.abi->fault_signal && lx.abi->fault_signal(cpu, e, &sig, &code, &addr)) {
				queue_fault(t, sig, code, addr);
				break;
			}
			lx_error("unexpected exception 0x%x at pc 0x%llx", e,
				 (unsigned long long)cpu->pc);
			if (cpu->arch->dump_state)
				cpu->arch->dump_state(cpu, stderr);
			lx_die_by_signal(lx_map_val_out(lx.abi->signals, SIGILL),
					 "unhandled exception", cpu->pc);
		}
		}
		lx_process_signals(t);
	}
}

/* ---- clone ---- */

struct clone_req {
	struct cpu *cpu;
	uint64_t flags, ptid, ctid;
	uint64_t blocked[2];
	sem_t ready;
	int tid;
};

static void *thread_start(void *arg)
{
	struct clone_req *req = arg;
	struct lx_thread *t = lx_thread_new(req->cpu);

	t->blocked[0] = req->blocked[0];
	t->blocked[1] = req->blocked[1];
	if (req->flags & CLONE_CHILD_SETTID)
		lx_put_u32(req->ctid, (uint32_t)t->tid);
	if (req->flags & CLONE_PARENT_SETTID)
		lx_put_u32(req->ptid, (uint32_t)t->tid);
	if (req->flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = req->ctid;
	req->tid = t->tid;
	sem_post(&req->ready); /* req belongs to the parent from here on */
	lx_thread_signal_setup(t);
	lx_cpu_loop(t);
}

static int64_t new_thread(struct lx_thread *t, uint64_t flags, uint64_t newsp, uint64_t ptid,
			  uint64_t ctid, uint64_t tls)
{
	struct clone_req req;
	pthread_attr_t attr;
	pthread_t th;
	sigset_t all, old;
	int r;

	if ((flags & THREAD_FLAGS) != THREAD_FLAGS)
		return -EINVAL;
	memset(&req, 0, sizeof(req));
	req.cpu = cpu_clone(t->cpu);
	req.cpu->pc = t->cpu->pc + lx.abi->syscall_insn_len;
	lx.abi->clone_child(req.cpu, newsp, (flags & CLONE_SETTLS) != 0, tls);
	req.flags = flags;
	req.ptid = ptid;
	req.ctid = ctid;
	req.blocked[0] = t->blocked[0];
	req.blocked[1] = t->blocked[1];
	sem_init(&req.ready, 0, 0);

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 1u << 20);
	/* the new host thread starts with everything blocked until it is set up */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&th, &attr, thread_start, &req);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (r != 0) {
		cpu_free(req.cpu);
		sem_destroy(&req.ready);
		return -EAGAIN;
	}
	while (sem_wait(&req.ready) < 0 && errno == EINTR)
		;
	sem_destroy(&req.ready);
	return req.tid;
}

/* A close-on-exec fd far from the guest's own numbers (the child must not see it shift its fds). */
static int high_fd(int fd)
{
	int h = fcntl(fd, F_DUPFD_CLOEXEC, 900);

	if (h < 0)
		return fd;
	close(fd);
	return h;
}

static int64_t do_fork(struct lx_thread *t, uint64_t flags, uint64_t newsp, uint64_t ptid,
		       uint64_t ctid, uint64_t tls)
{
	sigset_t all, old;
	pid_t pid;
	int vf[2] = { -1, -1 };

	/*
	 * vfork is a fork here: the child gets its own copy of memory. The parent
	 * still waits until the child has exec'd or exited, as with vfork: the
	 * child holds the write end of a close-on-exec pipe.
	 */
	if ((flags & CLONE_VFORK) && pipe2(vf, O_CLOEXEC) == 0) {
		vf[0] = high_fd(vf[0]);
		vf[1] = high_fd(vf[1]);
	}
	fflush(NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid < 0) {
		int e = errno;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (vf[0] >= 0) {
			close(vf[0]);
			close(vf[1]);
		}
		return -e;
	}
	if (pid == 0) {
		if (vf[0] >= 0)
			close(vf[0]);
		/* only this thread survives in the child */
		pthread_mutex_init(&lx.thread_lock, NULL);
		pthread_mutex_init(&lx.sig_lock, NULL);
		pthread_mutex_init(&lx.gs.lock, NULL);
		lx.threads = t;
		t->next = NULL;
		lx.nthreads = 1;
		t->tid = getpid();
		t->host = pthread_self();
		t->cpu->thread_id = t->tid;
		if (flags & CLONE_CHILD_SETTID)
			lx_put_u32(ctid, (uint32_t)t->tid);
		if (flags & CLONE_CHILD_CLEARTID)
			t->clear_child_tid = ctid;
		lx.abi->clone_child(t->cpu, newsp, (flags & CLONE_SETTLS) != 0, tls);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return 0;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (vf[0] >= 0) {
		char c;
		close(vf[1]);
		while (read(vf[0], &c, 1) < 0 && errno == EINTR)
			;
		close(vf[0]);
	}
	if (flags & CLONE_PARENT_SETTID)
		lx_put_u32(ptid, (uint32_t)pid);
	return pid;
}

static int64_t do_clone(struct lx_thread *t, uint64_t flags, uint64_t newsp, uint64_t ptid,
			uint64_t ctid, uint64_t tls)
{
	if (flags & (CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_PIDFD |
		     CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP))
		return -EINVAL;
	if (flags & CLONE_VFORK)
		flags &= ~(uint64_t)CLONE_VM;
	if (flags & CLONE_VM)
		return new_thread(t, flags, newsp, ptid, ctid, tls);
	return do_fork(t, flags, newsp, ptid, ctid, tls);
}

LX_SYSCALL(clone)
{
	switch (lx.abi->clone_order) {
	case LX_CLONE_FLAGS_SP_PTID_TLS_CTID:
		return do_clone(t, a[0], a[1], a[2], a[4], a[3]);
	case LX_CLONE_SP_FLAGS_PTID_CTID_TLS:
		return do_clone(t, a[1], a[0], a[2], a[3], a[4]);
	default:
		return do_clone(t, a[0], a[1], a[2], a[3], a[4]);
	}
}

LX_SYSCALL(clone3)
{
	uint64_t ca[11];
	uint8_t b[88];
	uint64_t size = a[1], sp;

	/* struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal, stack,
	 * stack_size, tls, set_tid, set_tid_size, cgroup (all u64) */
	if (size < 64 || size > 4096)
		return -EINVAL;
	memset(b, 0, sizeof(b));
	if (lx_copy_from_guest(b, a[0], size < sizeof(b) ? size : sizeof(b)) < 0)
		return -EFAULT;
	for (int i = 0; i < 11; i++)
		ca[i] = lx_ld64(b + 8 * i);
	if (ca[8] || ca[9] || (size > 80 && ca[10]))
		return -EINVAL; /* set_tid, cgroup */
	if (ca[4] & ~CSIGNAL_MASK)
		return -EINVAL;
	sp = ca[5] ? ca[5] + ca[6] : 0;
	return do_clone(t, ca[0] | ca[4], sp, ca[3], ca[2], ca[7]);
}

LX_SYSCALL(fork)
{
	return do_fork(t, SIGCHLD, 0, 0, 0, 0);
}

LX_SYSCALL(vfork)
{
	return do_fork(t, CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}

/* ---- exit ---- */

/* Walk the robust futex list of a dying thread (kernel exit_robust_list()). */
static void exit_robust_list(struct lx_thread *t)
{
	unsigned w = lx.wordsz;
	uint64_t head = t->robust_list, entry, off, pending;
	int limit = 2048;

	if (!head)
		return;
	if (lx_get_word(head, &entry) < 0 || lx_get_word(head + w, &off) < 0 ||
	    lx_get_word(head + 2 * w, &pending) < 0)
		return;
	if (w == 4)
		off = (uint64_t)(int64_t)(int32_t)off;
	for (;;) {
		bool done = entry == head || limit-- <= 0;
		uint64_t addr = (done ? pending : entry) + off, next = 0;
		uint32_t *word;

		if (!done && lx_get_word(entry, &next) < 0)
			break;
		if ((done ? pending : entry) && (word = lx_lock(addr & ~3ull, 4, GS_PROT_WRITE))) {
			uint32_t v = __atomic_load_n(word, __ATOMIC_SEQ_CST);
			if ((v & FUTEX_TID_MASK) == (uint32_t)t->tid) {
				uint32_t nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
				if (__atomic_compare_exchange_n(word, &v, nv, false,
								__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) &&
				    (v & FUTEX_WAITERS))
					syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
			}
		}
		if (done)
			break;
		entry = next & ~1ull;
	}
}

LX_SYSCALL(exit)
{
	int status = (int)a[0] & 0xff;

	exit_robust_list(t);
	if (t->clear_child_tid) {
		uint32_t *p = lx_lock(t->clear_child_tid, 4, GS_PROT_WRITE);
		if (p) {
			__atomic_store_n(p, 0, __ATOMIC_SEQ_CST);
			syscall(SYS_futex, p, FUTEX_WAKE, 1, NULL, NULL, 0);
		}
	}
	if (thread_unlink(t) == 0)
		lx_exit_group(status);
	/* no host handler may look at the thread any more */
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, NULL);
	lx_self = NULL;
	current_cpu = NULL;
	cpu_free(t->cpu);
	free(t);
	pthread_exit(NULL);
}

LX_SYSCALL(exit_group)
{
	lx_exit_group((int)a[0] & 0xff);
}

/* ---- execve ---- */

static bool read_head(const char *path, char *buf, size_t len, ssize_t *got, int *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		*err = -errno;
		return false;
	}
	*got = read(fd, buf, len);
	close(fd);
	if (*got < 0) {
		*err = -errno;
		return false;
	}
	return true;
}

/* Parse "#!interp [arg]" (binfmt_script rules); false if malformed. */
static bool parse_shebang(char *buf, size_t n, char **interp, char **arg)
{
	char *p, *end;

	buf[n] = '\0';
	end = strchr(buf, '\n');
	if (!end) {
		if (n >= 255)
			return false; /* the interpreter line does not fit */
		end = buf + n;
	}
	*end = '\0';
	p = buf + 2;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return false;
	*interp = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p) {
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
	}
	/* the rest of the line, trailing blanks removed, is one argument */
	for (char *q = p + strlen(p); q > p && (q[-1] == ' ' || q[-1] == '\t'); q--)
		q[-1] = '\0';
	*arg = *p ? p : NULL;
	return true;
}

static bool is_host_elf(const unsigned char *h, ssize_t n)
{
	if (n < 20 || !elf_is_elf(h, (size_t)n))
		return false;
#if defined(__x86_64__)
	return h[4] == 2 && h[5] == 1 && (h[18] | h[19] << 8) == 62;
#elif defined(__aarch64__)
	return h[4] == 2 && h[5] == 1 && (h[18] | h[19] << 8) == 183;
#else
	return false;
#endif
}

static const struct morph_arch *guest_elf_arch(const unsigned char *h, ssize_t n)
{
	bool be;
	uint16_t machine;

	if (n < 20 || !elf_is_elf(h, (size_t)n))
		return NULL;
	be = h[5] == 2;
	machine = be ? (uint16_t)(h[18] << 8 | h[19]) : (uint16_t)(h[18] | h[19] << 8);
	return arch_for_elf(machine, h[4], be);
}

static int64_t do_execve(const char *gpath, char **argv, char **envp)
{
	char host[LX_PATH_MAX], buf[257];
	char **nargv = NULL;
	int argc = 0, depth, err = 0;
	ssize_t n;
	const struct morph_arch *arch;
	struct stat st;
	char *exec_argv0 = argv[0] ? argv[0] : (char *)gpath;

	for (char **p = argv; *p; p++)
		argc++;
	if (lx_is_proc_exe(gpath))
		snprintf(host, sizeof(host), "%s", lx.exe_path);
	else
		lx_path_str(gpath, host, sizeof(host));

	/* argv as the new program gets it (grows with script interpreters) */
	nargv = calloc((size_t)argc + 8, sizeof(char *));
	if (!nargv)
		return -ENOMEM;
	for (int i = 0; i < argc; i++)
		nargv[i] = argv[i];
	char *cur_path = host; /* host path of what runs */
	const char *shown = gpath;
	char interp_host[4][LX_PATH_MAX];

	for (depth = 0;; depth++) {
		if (stat(cur_path, &st) < 0) {
			err = -errno;
			goto fail;
		}
		if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode) || access(cur_path, X_OK) < 0) {
			err = -EACCES;
			goto fail;
		}
		if (!read_head(cur_path, buf, 256, &n, &err))
			goto fail;
		if (n >= 2 && buf[0] == '#' && buf[1] == '!') {
			char *interp, *arg;
			if (depth >= 4 || !parse_shebang(buf, (size_t)n, &interp, &arg)) {
				err = depth >= 4 ? -ELOOP : -ENOEXEC;
				goto fail;
			}
			/* new argv: interp [arg] script argv[1..] */
			int extra = arg ? 2 : 1;
			memmove(nargv + extra + 1, nargv + 1, (size_t)argc * sizeof(char *));
			nargv[0] = strdup(interp);
			if (arg)
				nargv[1] = strdup(arg);
			nargv[extra] = (char *)shown;
			argc += extra;
			lx_path_str(interp, interp_host[depth], LX_PATH_MAX);
			cur_path = interp_host[depth];
			shown = nargv[0];
			exec_argv0 = nargv[0];
			continue;
		}
		break;
	}

	arch = guest_elf_arch((unsigned char *)buf, n);
	if (arch && arch->linux_abi) {
		/* a guest program: morph runs it, with the same options */
		int m = 0;
		char **v = calloc((size_t)argc + (size_t)lx.nreexec_opts + 12, sizeof(char *));
		if (!v) {
			err = -ENOMEM;
			goto fail;
		}
		v[m++] = "morph";
		v[m++] = "run";
		for (int i = 0; i < lx.nreexec_opts; i++)
			v[m++] = lx.reexec_opts[i];
		v[m++] = "--argv0";
		v[m++] = exec_argv0;
		v[m++] = "--execfn";
		v[m++] = (char *)gpath;
		v[m++] = "--";
		v[m++] = cur_path;
		for (int i = 1; i < argc; i++)
			v[m++] = nargv[i];
		v[m] = NULL;
		fflush(NULL);
		lx_exec_prepare_signals();
		execve("/proc/self/exe", v, envp);
		err = -errno;
		free(v);
		goto fail;
	}
	if (is_host_elf((unsigned char *)buf, n)) {
		/* a host program: the host runs it (as qemu-user without binfmt_misc does) */
		fflush(NULL);
		lx_exec_prepare_signals();
		nargv[0] = exec_argv0;
		execve(cur_path, nargv, envp);
		err = -errno;
		goto fail;
	}
	err = -ENOEXEC;
fail:
	free(nargv);
	return err;
}

static int64_t execve_common(uint64_t gpath_addr, const char *prefix, uint64_t gargv,
			     uint64_t genvp)
{
	char path[LX_PATH_MAX], full[LX_PATH_MAX];
	char **argv = NULL, **envp = NULL;
	int64_t r;

	r = lx_get_str(gpath_addr, path, sizeof(path));
	if (r < 0)
		return r;
	if (prefix) {
		snprintf(full, sizeof(full), "%s%s", prefix, path);
		snprintf(path, sizeof(path), "%s", full);
	}
	argv = gargv ? lx_get_strv(gargv, NULL) : calloc(1, sizeof(char *));
	envp = genvp ? lx_get_strv(genvp, NULL) : calloc(1, sizeof(char *));
	if (!argv || !envp) {
		r = -EFAULT;
		goto out;
	}
	if (!path[0]) {
		r = -ENOENT;
		goto out;
	}
	r = do_execve(path, argv, envp);
out:
	lx_free_strv(argv);
	lx_free_strv(envp);
	return r;
}

LX_SYSCALL(execve)
{
	return execve_common(a[0], NULL, a[1], a[2]);
}

LX_SYSCALL(execveat)
{
	char prefix[64];
	int dirfd = (int)a[0];
	char p0;

	if (lx_copy_from_guest(&p0, a[1], 1) < 0)
		return -EFAULT;
	if (p0 == '/' || dirfd == AT_FDCWD)
		return execve_common(a[1], NULL, a[2], a[3]);
	if (p0 == '\0' && (a[4] & AT_EMPTY_PATH))
		snprintf(prefix, sizeof(prefix), "/proc/self/fd/%d", dirfd);
	else
		snprintf(prefix, sizeof(prefix), "/proc/self/fd/%d/", dirfd);
	return execve_common(a[1], prefix, a[2], a[3]);
}

/* ---- wait ---- */

static int put_rusage(uint64_t g, const struct rusage *ru)
{
	unsigned w = lx.wordsz;
	uint8_t b[18 * 8];
	const long *rest = &ru->ru_maxrss;

	lx_stw(b, (uint64_t)ru->ru_utime.tv_sec);
	lx_stw(b + w, (uint64_t)ru->ru_utime.tv_usec);
	lx_stw(b + 2 * w, (uint64_t)ru->ru_stime.tv_sec);
	lx_stw(b + 3 * w, (uint64_t)ru->ru_stime.tv_usec);
	for (int i = 0; i < 14; i++)
		lx_stw(b + (4 + i) * w, (uint64_t)rest[i]);
	return lx_copy_to_guest(g, b, 18 * w);
}

/* Wait status: signal numbers inside it are host numbers */
static int status_to_guest(int st)
{
	if (WIFSIGNALED(st))
		return (st & ~0x7f) | (lx_sig_from_host(WTERMSIG(st)) & 0x7f);
	if (WIFSTOPPED(st))
		return (st & 0xff) | (lx_sig_from_host(WSTOPSIG(st)) << 8) | (st & ~0xffff);
	return st;
}

LX_SYSCALL(wait4)
{
	int st = 0;
	struct rusage ru;
	long r = LX_SAFE(SYS_wait4, (pid_t)a[0], &st, (int)a[2], a[3] ? &ru : NULL, 0, 0);

	if (r < 0)
		return r;
	if (r > 0 && a[1] && lx_put_u32(a[1], (uint32_t)status_to_guest(st)) < 0)
		return -EFAULT;
	if (a[3] && put_rusage(a[3], &ru) < 0)
		return -EFAULT;
	return r;
}

LX_SYSCALL(waitpid)
{
	uint64_t b[6] = { a[0], a[1], a[2], 0, 0, 0 };
	return lx_sys_wait4(t, b);
}

LX_SYSCALL(waitid)
{
	siginfo_t info;
	struct rusage ru;
	struct lx_siginfo si;
	uint8_t gi[128];

	long r;

	memset(&info, 0, sizeof(info));
	r = LX_SAFE(SYS_waitid, (int)a[0], (id_t)a[1], &info, (int)a[3], a[4] ? &ru : NULL, 0);
	if (r < 0)
		return r;
	if (a[2]) {
		if (info.si_signo) {
			lx_siginfo_from_host(&si, &info);
			lx_siginfo_to_guest(gi, &si);
		} else {
			memset(gi, 0, sizeof(gi));
		}
		if (lx_copy_to_guest(a[2], gi, 128) < 0)
			return -EFAULT;
	}
	if (a[4] && put_rusage(a[4], &ru) < 0)
		return -EFAULT;
	return 0;
}

/* ---- futex ---- */

static int64_t do_futex(uint64_t *a, bool t64)
{
	int op = (int)a[1], cmd = op & FUTEX_CMD_MASK;
	struct timespec ts, *tsp = NULL;
	void *uaddr2 = NULL;
	uint64_t val2 = a[3];

	if (!lx_lock(a[0] & ~3ull, 4, GS_PROT_READ))
		return -EFAULT;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
	case FUTEX_WAIT_REQUEUE_PI:
		if (a[3]) {
			if ((t64 ? lx_get_timespec64(a[3], &ts) : lx_get_timespec(a[3], &ts)) < 0)
				return -EFAULT;
			tsp = &ts;
		}
		val2 = (uint64_t)(uintptr_t)tsp;
		break;
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
	case FUTEX_UNLOCK_PI:
	case FUTEX_TRYLOCK_PI:
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
	case FUTEX_WAKE_OP:
	case FUTEX_CMP_REQUEUE_PI:
		break;
	default:
		return -ENOSYS;
	}
	if (cmd == FUTEX_REQUEUE || cmd == FUTEX_CMP_REQUEUE || cmd == FUTEX_WAKE_OP ||
	    cmd == FUTEX_CMP_REQUEUE_PI || cmd == FUTEX_WAIT_REQUEUE_PI) {
		if (!lx_lock(a[4] & ~3ull, 4, GS_PROT_READ))
			return -EFAULT;
		uaddr2 = g2h(a[4]);
	}
	return LX_SAFE(SYS_futex, g2h(a[0]), op, (uint32_t)a[2], (uintptr_t)val2, uaddr2,
		       (uint32_t)a[5]);
}

LX_TIME64_SYSCALLS(futex, futex_time64, do_futex)

LX_SYSCALL(set_tid_address)
{
	t->clear_child_tid = a[0];
	return t->tid;
}

LX_SYSCALL(set_robust_list)
{
	if (a[1] != 3 * lx.wordsz)
		return -EINVAL;
	t->robust_list = a[0];
	t->robust_len = a[1];
	return 0;
}

LX_SYSCALL(get_robust_list)
{
	if (a[0] && (int)a[0] != t->tid)
		return -EPERM;
	if (lx_put_word(a[1], t->robust_list) < 0 || lx_put_word(a[2], t->robust_len) < 0)
		return -EFAULT;
	return 0;
}

/* ---- identities ---- */

LX_SYSCALL(getpid)
{
	return getpid();
}

LX_SYSCALL(getppid)
{
	return getppid();
}

LX_SYSCALL(gettid)
{
	return t->tid;
}

LX_SYSCALL(getuid)
{
	return getuid();
}

LX_SYSCALL(geteuid)
{
	return geteuid();
}

LX_SYSCALL(getgid)
{
	return getgid();
}

LX_SYSCALL(getegid)
{
	return getegid();
}

/*
 * Credentials are per thread in the kernel; the guest's C library already
 * broadcasts set*id to all its threads, so each call changes one host thread
 * (the raw syscall, not the host libc's broadcasting wrapper).
 */
LX_SYSCALL(setuid)
{
	return lx_ret(syscall(SYS_setuid, (uid_t)a[0]));
}

LX_SYSCALL(setgid)
{
	return lx_ret(syscall(SYS_setgid, (gid_t)a[0]));
}

LX_SYSCALL(setreuid)
{
	return lx_ret(syscall(SYS_setreuid, (uid_t)a[0], (uid_t)a[1]));
}

LX_SYSCALL(setregid)
{
	return lx_ret(syscall(SYS_setregid, (gid_t)a[0], (gid_t)a[1]));
}

LX_SYSCALL(setresuid)
{
	return lx_ret(syscall(SYS_setresuid, (uid_t)a[0], (uid_t)a[1], (uid_t)a[2]));
}

LX_SYSCALL(setresgid)
{
	return lx_ret(syscall(SYS_setresgid, (gid_t)a[0], (gid_t)a[1], (gid_t)a[2]));
}

LX_SYSCALL(setfsuid)
{
	return syscall(SYS_setfsuid, (uid_t)a[0]);
}

LX_SYSCALL(setfsgid)
{
	return syscall(SYS_setfsgid, (gid_t)a[0]);
}

static int64_t get_res_ids(uint64_t *a, bool gid)
{
	unsigned r[3];
	int ok = gid ? getresgid(&r[0], &r[1], &r[2]) : getresuid(&r[0], &r[1], &r[2]);

	if (ok < 0)
		return -errno;
	for (int i = 0; i < 3; i++)
		if (lx_put_u32(a[i], r[i]) < 0)
			return -EFAULT;
	return 0;
}

LX_SYSCALL(getresuid)
{
	return get_res_ids(a, false);
}

LX_SYSCALL(getresgid)
{
	return get_res_ids(a, true);
}

LX_SYSCALL(getgroups)
{
	gid_t g[NGROUPS_MAX];
	int n, size = (int)a[0];

	if (size < 0)
		return -EINVAL;
	n = getgroups(size > NGROUPS_MAX ? NGROUPS_MAX : size, size ? g : NULL);
	if (n < 0)
		return -errno;
	for (int i = 0; size && i < n; i++)
		if (lx_put_u32(a[1] + 4 * (uint64_t)i, g[i]) < 0)
			return -EFAULT;
	return n;
}

LX_SYSCALL(setgroups)
{
	gid_t g[NGROUPS_MAX];
	uint32_t v;

	if (a[0] > NGROUPS_MAX)
		return -EINVAL;
	for (uint64_t i = 0; i < a[0]; i++) {
		if (lx_get_u32(a[1] + 4 * i, &v) < 0)
			return -EFAULT;
		g[i] = v;
	}
	return lx_ret(syscall(SYS_setgroups, (int)a[0], g));
}

LX_SYSCALL(setpgid)
{
	return lx_ret(setpgid((pid_t)a[0], (pid_t)a[1]));
}

LX_SYSCALL(getpgid)
{
	return lx_ret(getpgid((pid_t)a[0]));
}

LX_SYSCALL(getpgrp)
{
	return getpgrp();
}

LX_SYSCALL(getsid)
{
	return lx_ret(getsid((pid_t)a[0]));
}

LX_SYSCALL(setsid)
{
	return lx_ret(setsid());
}

/* ---- limits and usage ---- */

static bool fake_rlimit(int res)
{
	/* the emulator's own address space is not the guest's */
	return res == RLIMIT_AS || res == RLIMIT_DATA || res == RLIMIT_STACK;
}

LX_SYSCALL(prlimit64)
{
	int res = lx_map_val_in(lx.abi->rlimits, (int32_t)a[1]);
	struct rlimit nl, ol;
	uint8_t b[16];

	if (a[2]) {
		if (lx_copy_from_guest(b, a[2], 16) < 0)
			return -EFAULT;
		nl.rlim_cur = lx_ld64(b);
		nl.rlim_max = lx_ld64(b + 8);
	}
	if (a[2] && fake_rlimit(res) && (a[0] == 0 || (pid_t)a[0] == getpid())) {
		if (prlimit(0, res, NULL, &ol) < 0)
			return -errno;
	} else if (prlimit((pid_t)a[0], res, a[2] ? &nl : NULL, &ol) < 0) {
		return -errno;
	}
	if (a[3]) {
		lx_st64(b, ol.rlim_cur);
		lx_st64(b + 8, ol.rlim_max);
		if (lx_copy_to_guest(a[3], b, 16) < 0)
			return -EFAULT;
	}
	return 0;
}

/* getrlimit/setrlimit: struct rlimit of guest words (RLIM_INFINITY = all ones) */
static uint64_t rlim_to_guest(rlim_t v)
{
	if (lx.wordsz == 4 && v > 0xffffffffull)
		return 0xffffffffull;
	return v;
}

static rlim_t rlim_from_guest(uint64_t v)
{
	if (lx.wordsz == 4 && v == 0xffffffffull)
		return RLIM_INFINITY;
	return v;
}

LX_SYSCALL(getrlimit)
{
	struct rlimit rl;
	uint8_t b[16];

	if (getrlimit(lx_map_val_in(lx.abi->rlimits, (int32_t)a[0]), &rl) < 0)
		return -errno;
	lx_stw(b, rlim_to_guest(rl.rlim_cur));
	lx_stw(b + lx.wordsz, rlim_to_guest(rl.rlim_max));
	return lx_copy_to_guest(a[1], b, 2 * lx.wordsz);
}

LX_SYSCALL(setrlimit)
{
	int res = lx_map_val_in(lx.abi->rlimits, (int32_t)a[0]);
	struct rlimit rl;
	uint8_t b[16];

	if (lx_copy_from_guest(b, a[1], 2 * lx.wordsz) < 0)
		return -EFAULT;
	rl.rlim_cur = rlim_from_guest(lx_ldw(b));
	rl.rlim_max = rlim_from_guest(lx_ldw(b + lx.wordsz));
	if (fake_rlimit(res))
		return 0;
	return lx_ret(setrlimit(res, &rl));
}

LX_SYSCALL(getrusage)
{
	struct rusage ru;

	if (getrusage((int)a[0], &ru) < 0)
		return -errno;
	return put_rusage(a[1], &ru) < 0 ? -EFAULT : 0;
}

/* ---- system information ---- */

LX_SYSCALL(uname)
{
	struct utsname u;

	if (uname(&u) < 0)
		return -errno;
	snprintf(u.machine, sizeof(u.machine), "%s", lx.abi->uname_machine);
	snprintf(u.release, sizeof(u.release), "%s", LX_UNAME_RELEASE);
	return lx_copy_to_guest(a[0], &u, 6 * 65) < 0 ? -EFAULT : 0;
}

LX_SYSCALL(sethostname)
{
	return -EPERM;
}

LX_SYSCALL(setdomainname)
{
	return -EPERM;
}

LX_SYSCALL(sysinfo)
{
	struct sysinfo si;
	unsigned w = lx.wordsz;
	uint8_t b[128];
	unsigned o;

	if (sysinfo(&si) < 0)
		return -errno;
	memset(b, 0, sizeof(b));
	lx_stw(b, (uint64_t)si.uptime);
	for (int i = 0; i < 3; i++)
		lx_stw(b + (1 + i) * w, si.loads[i]);
	lx_stw(b + 4 * w, si.totalram);
	lx_stw(b + 5 * w, si.freeram);
	lx_stw(b + 6 * w, si.sharedram);
	lx_stw(b + 7 * w, si.bufferram);
	lx_stw(b + 8 * w, si.totalswap);
	lx_stw(b + 9 * w, si.freeswap);
	o = 10 * w;
	lx_st16(b + o, si.procs);
	o = (o + 4 + w - 1) & ~(w - 1); /* u16 procs, u16 pad, then word alignment */
	lx_stw(b + o, si.totalhigh);
	lx_stw(b + o + w, si.freehigh);
	lx_st32(b + o + 2 * w, si.mem_unit);
	/* struct size: _f pads to 20 - 2*word - 4 bytes after mem_unit */
	size_t size = o + 2 * w + 4 + (20 - 2 * w - 4);
	size = (size + w - 1) & ~(size_t)(w - 1);
	return lx_copy_to_guest(a[0], b, size) < 0 ? -EFAULT : 0;
}

/* --seed: a splitmix64 stream, so the bytes repeat from run to run. */
static void seeded_random(uint8_t *p, size_t n)
{
	pthread_mutex_lock(&lx.rng_lock);
	for (size_t i = 0; i < n; i += 8) {
		uint64_t z = lx_splitmix64(&lx.rng_state);
		memcpy(p + i, &z, n - i < 8 ? n - i : 8);
	}
	pthread_mutex_unlock(&lx.rng_lock);
}

LX_SYSCALL(getrandom)
{
	if (!lx_range_ok(a[0], a[1]))
		return -EFAULT;
	if (lx.seeded) {
		seeded_random(g2h(a[0]), a[1]);
		return (int64_t)a[1];
	}
	return lx_ret(getrandom(g2h(a[0]), a[1], (unsigned)a[2]));
}

/* The guest's personality is its own business (the host's stays Linux). */
static uint32_t guest_personality;

LX_SYSCALL(personality)
{
	uint32_t old = guest_personality;

	if ((uint32_t)a[0] != 0xffffffffu)
		guest_personality = (uint32_t)a[0];
	return old;
}

LX_SYSCALL(prctl)
{
	int opt = (int)a[0];
	char name[16];
	int64_t r;
	int v;

	if (lx.abi->prctl && (r = lx.abi->prctl(t->cpu, a)) != -ENOSYS)
		return r;
	switch (opt) {
	case PR_SET_NAME:
		if (lx_copy_from_guest(name, a[1], sizeof(name)) < 0)
			return -EFAULT;
		name[15] = '\0';
		return lx_ret(prctl(PR_SET_NAME, name));
	case PR_GET_NAME:
		if (prctl(PR_GET_NAME, name) < 0)
			return -errno;
		return lx_copy_to_guest(a[1], name, sizeof(name));
	case PR_SET_PDEATHSIG:
		v = a[1] ? lx_sig_to_host((int)a[1]) : 0;
		if (a[1] && !v)
			return -EINVAL;
		return lx_ret(prctl(PR_SET_PDEATHSIG, v));
	case PR_GET_PDEATHSIG:
		if (prctl(PR_GET_PDEATHSIG, &v) < 0)
			return -errno;
		return lx_put_u32(a[1], (uint32_t)(v ? lx_sig_from_host(v) : 0));
	case PR_GET_CHILD_SUBREAPER:
		if (prctl(PR_GET_CHILD_SUBREAPER, &v) < 0)
			return -errno;
		return lx_put_u32(a[1], (uint32_t)v);
	case PR_GET_DUMPABLE:
	case PR_SET_DUMPABLE:
	case PR_GET_KEEPCAPS:
	case PR_SET_KEEPCAPS:
	case PR_GET_NO_NEW_PRIVS:
	case PR_SET_NO_NEW_PRIVS:
	case PR_SET_CHILD_SUBREAPER:
	case PR_GET_TIMERSLACK:
	case PR_SET_TIMERSLACK:
	case PR_CAPBSET_READ:
	case PR_GET_THP_DISABLE:
	case PR_SET_THP_DISABLE:
	case PR_GET_SECUREBITS:
	case PR_CAP_AMBIENT:
		return lx_ret(prctl(opt, (unsigned long)a[1], (unsigned long)a[2],
				    (unsigned long)a[3], (unsigned long)a[4]));
	case PR_GET_SECCOMP:
		return 0;
	case 0x53564d41: /* PR_SET_VMA: naming anonymous memory is only cosmetic */
		return 0;
	default:
		/* seccomp filters would apply to morph itself; arch controls do not exist */
		return -EINVAL;
	}
}

LX_SYSCALL(capget)
{
	/* header {u32 version; int pid}, data {u32 effective, permitted, inheritable}[1..2] */
	if (lx.be || !lx_lock(a[0], 8, GS_PROT_READ | GS_PROT_WRITE))
		return -EFAULT;
	if (a[1] && !lx_lock(a[1], 24, GS_PROT_WRITE))
		return -EFAULT;
	return lx_ret(syscall(SYS_capget, g2h(a[0]), a[1] ? g2h(a[1]) : NULL));
}

LX_SYSCALL(capset)
{
	if (lx.be || !lx_lock(a[0], 8, GS_PROT_READ) || !lx_lock(a[1], 24, GS_PROT_READ))
		return -EFAULT;
	return lx_ret(syscall(SYS_capset, g2h(a[0]), g2h(a[1])));
}

/* ---- scheduling ---- */

/*
 * A CPU mask is an array of guest words holding bits 0, 1 ... from their least
 * significant end: on a big-endian guest the bytes of each word are reversed.
 */
static void cpumask_swap(uint8_t *p, size_t n)
{
	unsigned w = lx.wordsz;

	for (size_t i = 0; lx.be && i + w <= n; i += w) {
		for (unsigned j = 0; j < w / 2; j++) {
			uint8_t c = p[i + j];
			p[i + j] = p[i + w - 1 - j];
			p[i + w - 1 - j] = c;
		}
	}
}

LX_SYSCALL(sched_getaffinity)
{
	long r;

	if (!lx_range_ok(a[2], a[1]))
		return -EFAULT;
	r = syscall(SYS_sched_getaffinity, (pid_t)a[0], (size_t)a[1], g2h(a[2]));
	if (r > 0)
		cpumask_swap(g2h(a[2]), (size_t)r);
	return lx_ret(r);
}

LX_SYSCALL(sched_setaffinity)
{
	uint8_t *m;
	long r;

	if (!lx_range_ok(a[2], a[1]) || a[1] > 65536)
		return a[1] > 65536 ? -EINVAL : -EFAULT;
	m = malloc(a[1] ? a[1] : 1);
	if (!m)
		return -ENOMEM;
	if (lx_copy_from_guest(m, a[2], a[1]) < 0) {
		free(m);
		return -EFAULT;
	}
	cpumask_swap(m, a[1]);
	r = syscall(SYS_sched_setaffinity, (pid_t)a[0], (size_t)a[1], m);
	free(m);
	return lx_ret(r);
}

LX_SYSCALL(sched_yield)
{
	return lx_ret(sched_yield());
}

LX_SYSCALL(sched_getparam)
{
	struct sched_param p;

	if (sched_getparam((pid_t)a[0], &p) < 0)
		return -errno;
	return lx_put_u32(a[1], (uint32_t)p.sched_priority);
}

LX_SYSCALL(sched_setparam)
{
	struct sched_param p;
	uint32_t v;

	if (lx_get_u32(a[1], &v) < 0)
		return -EFAULT;
	p.sched_priority = (int)v;
	return lx_ret(sched_setparam((pid_t)a[0], &p));
}

LX_SYSCALL(sched_getscheduler)
{
	return lx_ret(sched_getscheduler((pid_t)a[0]));
}

LX_SYSCALL(sched_setscheduler)
{
	struct sched_param p;
	uint32_t v;

	if (lx_get_u32(a[2], &v) < 0)
		return -EFAULT;
	p.sched_priority = (int)v;
	return lx_ret(sched_setscheduler((pid_t)a[0], (int)a[1], &p));
}

LX_SYSCALL(sched_get_priority_max)
{
	return lx_ret(sched_get_priority_max((int)a[0]));
}

LX_SYSCALL(sched_get_priority_min)
{
	return lx_ret(sched_get_priority_min((int)a[0]));
}

LX_SYSCALL(getpriority)
{
	/* the raw syscall returns 20 - nice, never negative */
	return lx_ret(syscall(SYS_getpriority, (int)a[0], (id_t)a[1]));
}

LX_SYSCALL(setpriority)
{
	return lx_ret(setpriority((int)a[0], (id_t)a[1], (int)a[2]));
}

LX_SYSCALL(getcpu)
{
	unsigned cpu, node;

	if (syscall(SYS_getcpu, &cpu, &node, NULL) < 0)
		return -errno;
	if ((a[0] && lx_put_u32(a[0], cpu) < 0) || (a[1] && lx_put_u32(a[1], node) < 0))
		return -EFAULT;
	return 0;
}

LX_SYSCALL(unshare)
{
	return lx_ret(unshare((int)a[0]));
}

LX_SYSCALL(pidfd_open)
{
	return lx_ret(syscall(SYS_pidfd_open, (pid_t)a[0], (unsigned)a[1]));
}

LX_SYSCALL(pidfd_getfd)
{
	return lx_ret(syscall(SYS_pidfd_getfd, (int)a[0], (int)a[1], (unsigned)a[2]));
}

LX_SYSCALL(pidfd_send_signal)
{
	int h = a[1] ? lx_sig_to_host((int)a[1]) : 0;

	if (a[1] && !h)
		return -EINVAL;
	if (a[2])
		return -EINVAL; /* a caller-supplied siginfo is not supported */
	return lx_ret(syscall(SYS_pidfd_send_signal, (int)a[0], h, NULL, (unsigned)a[3]));
}

LX_SYSCALL(ioprio_get)
{
	return lx_ret(syscall(SYS_ioprio_get, (int)a[0], (int)a[1]));
}

LX_SYSCALL(ioprio_set)
{
	return lx_ret(syscall(SYS_ioprio_set, (int)a[0], (int)a[1], (int)a[2]));
}

LX_SYSCALL(syslog)
{
	return -EPERM;
}

LX_SYSCALL(reboot)
{
	return -EPERM;
}
