/*
 * Guest signals.
 *
 * The host mirrors the guest: a guest SIG_DFL or SIG_IGN action is the same
 * host disposition (so default deaths, stops, SIGCHLD auto-reaping and
 * inheritance across execve are the host kernel's own), and each host
 * thread's signal mask is its guest thread's mask (so the host kernel picks
 * the thread for a process-directed signal, and signals stay pending while
 * blocked). For a guest handler the host runs host_signal(), which records
 * the signal in the thread and asks the hart to leave guest code
 * (cpu_exit()); lx_process_signals() then builds the guest frame at a safe
 * point (after a syscall or between TBs).
 *
 * SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP always run host_fault():
 * synchronous faults of guest code become EXCP_SEGV/EXCP_BUS for the loop,
 * faults elsewhere are emulator bugs; sent ones are ordinary async signals.
 * These are never blocked on the host (a blocked synchronous fault kills).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "morph/exec.h"
#include "morph/gdbstub.h"
#include "morph/fpu.h"
#include "src/linux-user/lx.h"

/* Set by host_fault() when the host raised SIGBUS (an access past a file's end). */
__thread bool lx_fault_bus_adrerr;

static bool is_fault_sig(int hsig)
{
	return hsig == SIGSEGV || hsig == SIGBUS || hsig == SIGILL || hsig == SIGFPE ||
	       hsig == SIGTRAP;
}

static inline bool set_has(const uint64_t s[2], int sig)
{
	return (s[(sig - 1) / 64] >> ((sig - 1) % 64)) & 1;
}

static inline void set_add(uint64_t s[2], int sig)
{
	s[(sig - 1) / 64] |= 1ull << ((sig - 1) % 64);
}

static int canon(int gsig)
{
	return lx_map_val_in(lx.abi->signals, gsig);
}

static bool canon_is_std(int gsig)
{
	int c = canon(gsig);
	return c >= 1 && c < 32;
}

/* Record a signal for delivery to @t (async-signal-safe; runs on @t's host thread). */
static void record_signal(struct lx_thread *t, int gsig, const siginfo_t *info)
{
	uint64_t bit = 1ull << ((gsig - 1) % 64);
	bool pending = __atomic_load_n(&t->pending[(gsig - 1) / 64], __ATOMIC_SEQ_CST) & bit;

	/* a standard signal that is already pending is not recorded twice (signal(7)) */
	if (!(pending && canon_is_std(gsig)) && t->nq < LX_SIGQ_LEN) {
		t->q[t->nq].sig = gsig;
		t->q[t->nq].info = *info;
		__atomic_store_n(&t->nq, t->nq + 1, __ATOMIC_SEQ_CST);
	}
	__atomic_or_fetch(&t->pending[(gsig - 1) / 64], bit, __ATOMIC_SEQ_CST);
	if (!set_has(t->blocked, gsig))
		t->sigflag = 1;
	if (t->cpu)
		cpu_exit(t->cpu);
}

/*
 * Recompute the deliverable flag. Host signals are blocked meanwhile so a
 * handler cannot set it between our look at the sets and our store.
 */
static void update_sigflag(struct lx_thread *t)
{
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	t->sigflag = ((__atomic_load_n(&t->pending[0], __ATOMIC_SEQ_CST) & ~t->blocked[0]) ||
		      (__atomic_load_n(&t->pending[1], __ATOMIC_SEQ_CST) & ~t->blocked[1]));
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int lx_take_signal(struct lx_thread *t, const uint64_t set[2], siginfo_t *info)
{
	sigset_t all, old;
	int sig = 0;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (unsigned i = 0; i < t->nq; i++) {
		int s = t->q[i].sig;
		if (!set_has(set, s))
			continue;
		sig = s;
		*info = t->q[i].info;
		memmove(&t->q[i], &t->q[i + 1], (t->nq - i - 1) * sizeof(t->q[0]));
		t->nq--;
		break;
	}
	if (sig) {
		bool more = false;
		for (unsigned i = 0; i < t->nq && !more; i++)
			more = t->q[i].sig == sig;
		if (!more)
			__atomic_and_fetch(&t->pending[(sig - 1) / 64], ~(1ull << ((sig - 1) % 64)),
					   __ATOMIC_SEQ_CST);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return sig;
}

/* Forget recorded instances of @gsig in @t (it became ignored). */
static void discard_signal(struct lx_thread *t, int gsig)
{
	uint64_t set[2] = { 0, 0 };
	siginfo_t info;

	set_add(set, gsig);
	while (lx_take_signal(t, set, &info))
		;
}

static void host_signal(int hsig, siginfo_t *info, void *uc)
{
	int saved = errno;
	struct lx_thread *t = lx_self;
	int g = lx_sig_from_host(hsig);

	if (t && g > 0) {
		record_signal(t, g, info);
		if (t->sigflag)
			lx_safe_syscall_fixup(uc);
	}
	errno = saved;
}

static uintptr_t host_pc_of(void *ucv)
{
#if defined(__x86_64__)
	ucontext_t *uc = ucv;
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	ucontext_t *uc = ucv;
	return (uintptr_t)uc->uc_mcontext.pc;
#elif defined(__riscv)
	ucontext_t *uc = ucv;
	return (uintptr_t)uc->uc_mcontext.__gregs[0];
#else
	(void)ucv;
	return 0;
#endif
}

static bool fault_was_write(void *ucv)
{
#if defined(__x86_64__)
	ucontext_t *uc = ucv;
	return (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0; /* page fault error code: W */
#else
	(void)ucv;
	return false;
#endif
}

static void write_str(const char *s)
{
	ssize_t r = write(2, s, strlen(s));
	(void)r;
}

static void host_fault(int hsig, siginfo_t *info, void *ucv)
{
	struct cpu *cpu = current_cpu;
	uintptr_t a = (uintptr_t)info->si_addr, pc;
	char msg[200];

	if (info->si_code <= 0) {
		/* sent by kill/tgkill/sigqueue: an ordinary asynchronous signal */
		host_signal(hsig, info, ucv);
		return;
	}
	pc = host_pc_of(ucv);
	/* in the reservation, guards included: below base is a negative guest address */
	if (cpu && (hsig == SIGSEGV || hsig == SIGBUS) &&
	    a - (lx.gs.base - GUEST_BASE_GUARD) < GUEST_BASE_GUARD + lx.gs.resv_size &&
	    cpu_restore_state_from_host(cpu, pc, ucv)) {
		cpu->fault_addr = a - lx.gs.base;
		cpu->fault_is_write = fault_was_write(ucv);
		lx_fault_bus_adrerr = hsig == SIGBUS;
		/* the handler runs with a fresh MXCSR: keep the guest's pending FP flags */
		cpu->fpu_flags |= (uint8_t)fpu_host_flags_of_context(ucv);
		/* siglongjmp to the exec loop; its sigsetjmp restores the mask */
		cpu_loop_exit(cpu, hsig == SIGBUS ? EXCP_BUS : EXCP_SEGV);
	}
	snprintf(msg, sizeof(msg),
		 "morph: internal error: host signal %d (code %d) at address 0x%lx, host pc 0x%lx"
		 "%s\n",
		 hsig, info->si_code, (unsigned long)a, (unsigned long)pc,
		 cpu ? " (while running a guest thread)" : "");
	write_str(msg);
	signal(SIGABRT, SIG_DFL);
	abort();
}

/* The host disposition that mirrors guest action @act of guest signal @gsig. */
static void update_host_action(int gsig, const struct lx_sigaction *act)
{
	int hsig = lx_sig_to_host(gsig);
	struct sigaction sa;

	if (!hsig || hsig == SIGKILL || hsig == SIGSTOP || is_fault_sig(hsig))
		return;
	memset(&sa, 0, sizeof(sa));
	if (act->handler == LX_SIG_DFL) {
		sa.sa_handler = SIG_DFL;
	} else if (act->handler == LX_SIG_IGN) {
		sa.sa_handler = SIG_IGN;
	} else {
		sa.sa_sigaction = host_signal;
		sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
		sigfillset(&sa.sa_mask);
	}
	/* these change what the host kernel does for our children */
	if (hsig == SIGCHLD)
		sa.sa_flags |= act->flags & (LX_SA_NOCLDSTOP | LX_SA_NOCLDWAIT);
	sigaction(hsig, &sa, NULL);
}

void lx_signal_init(void)
{
	struct sigaction sa;

	pthread_mutex_init(&lx.sig_lock, NULL);
	/* Inherited dispositions: ignored signals stay ignored across execve. */
	for (int g = 1; g <= (int)lx.abi->nsig && g <= LX_MAX_SIG; g++) {
		int hsig = lx_sig_to_host(g);
		struct sigaction old;

		lx.sigact[g].handler = LX_SIG_DFL;
		if (hsig && sigaction(hsig, NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) &&
		    old.sa_handler == SIG_IGN)
			lx.sigact[g].handler = LX_SIG_IGN;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = host_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGTRAP, &sa, NULL);
}

/* The host mask for guest set @g: never block the fault signals. */
static void host_mask_for(const uint64_t g[2], sigset_t *h)
{
	lx_sigset_to_host(g, h);
	sigdelset(h, SIGSEGV);
	sigdelset(h, SIGBUS);
	sigdelset(h, SIGILL);
	sigdelset(h, SIGFPE);
	sigdelset(h, SIGTRAP);
}

void lx_thread_signal_setup(struct lx_thread *t)
{
	stack_t ss;

	/* host alternate stack: faults on an exhausted host stack still report */
	ss.ss_size = 64 * 1024;
	ss.ss_sp = malloc(ss.ss_size);
	ss.ss_flags = 0;
	if (ss.ss_sp)
		sigaltstack(&ss, NULL);
	lx_set_blocked(t, t->blocked);
}

void lx_set_blocked(struct lx_thread *t, const uint64_t set[2])
{
	uint64_t s[2] = { set[0], set[1] };
	sigset_t h;

	/* SIGKILL and SIGSTOP cannot be blocked */
	for (int g = 1; g <= (int)lx.abi->nsig; g++) {
		int c = canon(g);
		if (c == SIGKILL || c == SIGSTOP)
			s[(g - 1) / 64] &= ~(1ull << ((g - 1) % 64));
	}
	t->blocked[0] = s[0];
	t->blocked[1] = s[1];
	update_sigflag(t);
	host_mask_for(s, &h);
	pthread_sigmask(SIG_SETMASK, &h, NULL);
}

bool lx_signal_pending(struct lx_thread *t)
{
	uint64_t p0 = __atomic_load_n(&t->pending[0], __ATOMIC_SEQ_CST);
	uint64_t p1 = __atomic_load_n(&t->pending[1], __ATOMIC_SEQ_CST);

	return t->sync_pending || (p0 & ~t->blocked[0]) || (p1 & ~t->blocked[1]);
}

void lx_queue_sync(struct lx_thread *t, const struct lx_siginfo *info)
{
	t->sync_info = *info;
	t->sync_pending = true;
}

/* ---- siginfo ---- */

void lx_siginfo_from_host(struct lx_siginfo *si, const siginfo_t *h)
{
	memset(si, 0, sizeof(*si));
	si->signo = lx_sig_from_host(h->si_signo);
	si->errno_ = h->si_errno;
	si->code = h->si_code;
	if (si->code == SI_USER || si->code == SI_TKILL || si->code == SI_KERNEL) {
		si->kind = LX_SI_KILL;
		si->pid = h->si_pid;
		si->uid = h->si_uid;
	} else if (si->code == SI_TIMER) {
		si->kind = LX_SI_TIMER;
		si->timerid = h->si_timerid;
		si->overrun = h->si_overrun;
		si->value = (uint64_t)(uintptr_t)h->si_value.sival_ptr;
	} else if (si->code < 0) {
		si->kind = LX_SI_RT;
		si->pid = h->si_pid;
		si->uid = h->si_uid;
		si->value = (uint64_t)(uintptr_t)h->si_value.sival_ptr;
	} else if (h->si_signo == SIGCHLD) {
		si->kind = LX_SI_CHLD;
		si->pid = h->si_pid;
		si->uid = h->si_uid;
		si->status = h->si_status;
		if (h->si_code != CLD_EXITED)
			si->status = lx_sig_from_host(h->si_status);
		si->utime = h->si_utime;
		si->stime = h->si_stime;
	} else if (h->si_signo == SIGSEGV || h->si_signo == SIGBUS || h->si_signo == SIGILL ||
		   h->si_signo == SIGFPE || h->si_signo == SIGTRAP) {
		si->kind = LX_SI_FAULT;
		si->addr = (uint64_t)(uintptr_t)h->si_addr;
	} else if (h->si_signo == SIGIO) {
		si->kind = LX_SI_POLL;
		si->band = h->si_band;
		si->fd = h->si_fd;
	} else if (h->si_signo == SIGSYS) {
		si->kind = LX_SI_SYS;
	} else {
		si->kind = LX_SI_KILL;
		si->pid = h->si_pid;
		si->uid = h->si_uid;
	}
}

void lx_siginfo_to_guest(uint8_t *out, const struct lx_siginfo *si)
{
	unsigned w = lx.wordsz, u = w == 8 ? 16 : 12;

	memset(out, 0, 128);
	lx_st32(out, (uint32_t)si->signo);
	if (lx.abi->siginfo_code_first) {
		lx_st32(out + 4, (uint32_t)si->code);
		lx_st32(out + 8, (uint32_t)si->errno_);
	} else {
		lx_st32(out + 4, (uint32_t)si->errno_);
		lx_st32(out + 8, (uint32_t)si->code);
	}
	switch (si->kind) {
	case LX_SI_KILL:
		lx_st32(out + u, (uint32_t)si->pid);
		lx_st32(out + u + 4, si->uid);
		break;
	case LX_SI_RT:
		lx_st32(out + u, (uint32_t)si->pid);
		lx_st32(out + u + 4, si->uid);
		lx_stw(out + u + 8, si->value);
		break;
	case LX_SI_TIMER:
		lx_st32(out + u, (uint32_t)si->timerid);
		lx_st32(out + u + 4, (uint32_t)si->overrun);
		lx_stw(out + u + 8, si->value);
		break;
	case LX_SI_CHLD:
		lx_st32(out + u, (uint32_t)si->pid);
		lx_st32(out + u + 4, si->uid);
		lx_st32(out + u + 8, (uint32_t)si->status);
		lx_stw(out + u + (w == 8 ? 16 : 12), (uint64_t)si->utime);
		lx_stw(out + u + (w == 8 ? 24 : 16), (uint64_t)si->stime);
		break;
	case LX_SI_FAULT:
		lx_stw(out + u, si->addr);
		break;
	case LX_SI_POLL:
		lx_stw(out + u, (uint64_t)si->band);
		lx_st32(out + u + w, (uint32_t)si->fd);
		break;
	case LX_SI_SYS:
		lx_stw(out + u, si->addr);
		break;
	}
}

/* A guest siginfo (rt_sigqueueinfo) as host siginfo_t; the signal number is set by the caller. */
int lx_get_siginfo(uint64_t a, siginfo_t *h)
{
	uint8_t b[128];
	unsigned u = lx.wordsz == 8 ? 16 : 12;

	if (lx_copy_from_guest(b, a, sizeof(b)) < 0)
		return -EFAULT;
	memset(h, 0, sizeof(*h));
	h->si_errno = (int)lx_ld32(b + (lx.abi->siginfo_code_first ? 8 : 4));
	h->si_code = (int)lx_ld32(b + (lx.abi->siginfo_code_first ? 4 : 8));
	h->si_pid = (pid_t)lx_ld32(b + u);
	h->si_uid = lx_ld32(b + u + 4);
	h->si_value.sival_ptr = (void *)(uintptr_t)lx_ldw(b + u + 8);
	return 0;
}

/* ---- death ---- */

_Noreturn void lx_die_by_signal(int gsig, const char *why, uint64_t pc)
{
	int hsig = lx_sig_to_host(gsig);
	struct sigaction sa;
	sigset_t set;

	if (why)
		fprintf(stderr, "morph: guest killed by %s (%s) at pc 0x%llx\n", lx_signame(gsig),
			why, (unsigned long long)pc);
	fflush(NULL);
	gdbstub_exit(128 + canon(gsig), hsig && hsig != SIGSTOP ? hsig : 0);
	if (!hsig || hsig == SIGSTOP)
		_exit(128 + canon(gsig));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(hsig, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, hsig);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), hsig);
	/* not reached unless the signal could not kill us */
	_exit(128 + canon(gsig));
}

/* ---- delivery ---- */

/* Default action classes (canonical numbers, signal(7)) */
static bool default_ignores(int c)
{
	return c == SIGCHLD || c == SIGURG || c == SIGWINCH || c == SIGCONT;
}

static bool default_stops(int c)
{
	return c == SIGSTOP || c == SIGTSTP || c == SIGTTIN || c == SIGTTOU;
}

static bool on_altstack(const struct lx_thread *t, uint64_t sp)
{
	return t->altstack.size && sp > t->altstack.sp && sp - t->altstack.sp <= t->altstack.size;
}

static void deliver(struct lx_thread *t, int sig, const struct lx_siginfo *si, bool sync)
{
	struct cpu *cpu = t->cpu;
	const struct linux_abi *abi = lx.abi;
	struct lx_sigaction act;
	struct lx_sigframe f;
	uint64_t sp, nb[2];
	int c = canon(sig);

	pthread_mutex_lock(&lx.sig_lock);
	act = lx.sigact[sig];
	pthread_mutex_unlock(&lx.sig_lock);

	/* A synchronous fault that is blocked or ignored kills (kernel force_sig_info). */
	if (sync && (set_has(t->blocked, sig) || act.handler == LX_SIG_IGN))
		act.handler = LX_SIG_DFL;
	if (act.handler == LX_SIG_IGN)
		return;
	if (act.handler == LX_SIG_DFL) {
		if (default_ignores(c))
			return;
		if (default_stops(c)) {
			kill(getpid(), SIGSTOP);
			return;
		}
		lx_die_by_signal(sig, sync ? "fault" : NULL, cpu->pc);
	}

	/* An interrupted syscall: EINTR, unless SA_RESTART lets it run again. */
	if (t->restart) {
		if (!(t->restart_ok && (act.flags & LX_SA_RESTART))) {
			abi->set_syscall_result(cpu, -lx_errno_to_guest(EINTR));
			cpu->pc += abi->syscall_insn_len;
		}
		t->restart = false;
	}

	memset(&f, 0, sizeof(f));
	sp = abi->get_sp(cpu);
	f.stack.sp = t->altstack.sp;
	f.stack.size = t->altstack.size;
	f.stack.flags = !t->altstack.size ? LX_SS_DISABLE
					  : on_altstack(t, sp) ? LX_SS_ONSTACK : 0;
	f.stack.flags |= t->altstack.flags & LX_SS_AUTODISARM;
	if ((act.flags & LX_SA_ONSTACK) && t->altstack.size && !on_altstack(t, sp)) {
		sp = t->altstack.sp + t->altstack.size;
		if (t->altstack.flags & LX_SS_AUTODISARM) {
			t->altstack.sp = 0;
			t->altstack.size = 0;
		}
	}
	f.sig = sig;
	f.handler = act.handler;
	f.sa_flags = act.flags;
	f.sa_restorer = (abi->has_sa_restorer && (act.flags & LX_SA_RESTORER)) ? act.restorer : 0;
	f.tramp = lx.tramp;
	f.sp = sp;
	if (t->saved_mask_valid) {
		f.mask[0] = t->saved_mask[0];
		f.mask[1] = t->saved_mask[1];
		t->saved_mask_valid = false;
	} else {
		f.mask[0] = t->blocked[0];
		f.mask[1] = t->blocked[1];
	}
	lx_siginfo_to_guest(f.info, si);
	if (abi->setup_rt_frame(cpu, &f) < 0) {
		/* no room for the frame (stack overflow): the kernel forces SIGSEGV */
		lx_die_by_signal(lx_map_val_out(abi->signals, SIGSEGV), "cannot build signal frame",
				 cpu->pc);
	}
	nb[0] = t->blocked[0] | act.mask[0];
	nb[1] = t->blocked[1] | act.mask[1];
	if (!(act.flags & LX_SA_NODEFER))
		set_add(nb, sig);
	lx_set_blocked(t, nb);
	if (act.flags & LX_SA_RESETHAND) {
		pthread_mutex_lock(&lx.sig_lock);
		lx.sigact[sig].handler = LX_SIG_DFL;
		lx.sigact[sig].flags &= ~LX_SA_SIGINFO;
		update_host_action(sig, &lx.sigact[sig]);
		pthread_mutex_unlock(&lx.sig_lock);
	}
}

void lx_process_signals(struct lx_thread *t)
{
	for (;;) {
		struct lx_siginfo si;
		bool sync = false;
		int sig = 0;

		if (t->sync_pending) {
			si = t->sync_info;
			sig = si.signo;
			t->sync_pending = false;
			sync = true;
		} else {
			siginfo_t hi;
			uint64_t want[2];

			/* lowest-numbered deliverable signal first, as Linux does */
			for (int w = 0; w < 2 && !sig; w++) {
				uint64_t p = __atomic_load_n(&t->pending[w], __ATOMIC_SEQ_CST) &
					     ~t->blocked[w];
				if (p)
					sig = w * 64 + __builtin_ctzll(p) + 1;
			}
			if (!sig)
				break;
			want[0] = want[1] = 0;
			set_add(want, sig);
			if (!lx_take_signal(t, want, &hi)) {
				/* recorded but the queue overflowed: no details */
				__atomic_and_fetch(&t->pending[(sig - 1) / 64],
						   ~(1ull << ((sig - 1) % 64)), __ATOMIC_SEQ_CST);
				memset(&hi, 0, sizeof(hi));
				hi.si_signo = lx_sig_to_host(sig);
				hi.si_code = SI_USER;
			}
			lx_siginfo_from_host(&si, &hi);
			si.signo = sig;
		}
		deliver(t, sig, &si, sync);
	}
	/* nothing (more) to run a handler for: sigsuspend's mask goes away */
	if (t->saved_mask_valid) {
		t->saved_mask_valid = false;
		lx_set_blocked(t, t->saved_mask);
	}
	t->restart = false;
	if (t->sigflag)
		update_sigflag(t);
}

/* ---- syscalls ---- */

static int get_action(uint64_t a, struct lx_sigaction *act)
{
	const struct linux_abi *abi = lx.abi;
	uint64_t flags;
	uint8_t b[48];
	unsigned w = lx.wordsz, n = abi->nsig / 8;

	if (abi->get_sigaction) {
		int r = abi->get_sigaction(a, &act->handler, &flags, &act->restorer, act->mask);
		act->flags = lx_map_bits_in(abi->sa_flags, (uint32_t)flags);
		return r;
	}
	/* asm-generic: handler, flags, [restorer], mask */
	unsigned msk = 2 * w + (abi->has_sa_restorer ? w : 0);
	if (lx_copy_from_guest(b, a, msk + n) < 0)
		return -EFAULT;
	act->handler = lx_ldw(b);
	flags = lx_ldw(b + w);
	act->restorer = abi->has_sa_restorer ? lx_ldw(b + 2 * w) : 0;
	act->flags = lx_map_bits_in(abi->sa_flags, (uint32_t)flags);
	return lx_get_sigset(a + msk, n, act->mask);
}

static int put_action(uint64_t a, const struct lx_sigaction *act)
{
	const struct linux_abi *abi = lx.abi;
	uint64_t flags = lx_map_bits_out(abi->sa_flags, (uint32_t)act->flags);
	uint8_t b[48];
	unsigned w = lx.wordsz, n = abi->nsig / 8;

	if (abi->put_sigaction)
		return abi->put_sigaction(a, act->handler, flags, act->restorer, act->mask);
	unsigned msk = 2 * w + (abi->has_sa_restorer ? w : 0);
	lx_stw(b, act->handler);
	lx_stw(b + w, flags);
	if (abi->has_sa_restorer)
		lx_stw(b + 2 * w, act->restorer);
	if (lx_copy_to_guest(a, b, msk) < 0)
		return -EFAULT;
	return lx_put_sigset(a + msk, n, act->mask);
}

LX_SYSCALL(rt_sigaction)
{
	int sig = (int)a[0], c;
	struct lx_sigaction nact, old;

	if (a[3] != lx.abi->nsig / 8)
		return -EINVAL;
	if (sig < 1 || sig > (int)lx.abi->nsig || sig > LX_MAX_SIG)
		return -EINVAL;
	c = canon(sig);
	if (a[1]) {
		if (c == SIGKILL || c == SIGSTOP)
			return -EINVAL;
		if (get_action(a[1], &nact) < 0)
			return -EFAULT;
	}
	pthread_mutex_lock(&lx.sig_lock);
	old = lx.sigact[sig];
	if (a[1]) {
		lx.sigact[sig] = nact;
		update_host_action(sig, &nact);
		/* signals that become ignored are discarded (POSIX) */
		/*
		 * (Other threads' recorded instances are dropped when they come to be
		 * delivered: deliver() looks at the action then.)
		 */
		if (nact.handler == LX_SIG_IGN ||
		    (nact.handler == LX_SIG_DFL && default_ignores(c)))
			discard_signal(t, sig);
	}
	pthread_mutex_unlock(&lx.sig_lock);
	if (a[2] && put_action(a[2], &old) < 0)
		return -EFAULT;
	return 0;
}

LX_SYSCALL(rt_sigprocmask)
{
	uint64_t set[2], old[2] = { t->blocked[0], t->blocked[1] };

	if (a[3] != lx.abi->nsig / 8)
		return -EINVAL;
	if (a[1]) {
		if (lx_get_sigset(a[1], a[3], set) < 0)
			return -EFAULT;
		switch ((int)a[0]) {
		case SIG_BLOCK:
			set[0] |= old[0];
			set[1] |= old[1];
			break;
		case SIG_UNBLOCK:
			set[0] = old[0] & ~set[0];
			set[1] = old[1] & ~set[1];
			break;
		case SIG_SETMASK:
			break;
		default:
			return -EINVAL;
		}
	}
	if (a[2] && lx_put_sigset(a[2], a[3], old) < 0)
		return -EFAULT;
	if (a[1])
		lx_set_blocked(t, set);
	return 0;
}

LX_SYSCALL(rt_sigpending)
{
	uint64_t g[2];
	sigset_t h;

	if (a[1] > 16 || a[1] < lx.abi->nsig / 8)
		return -EINVAL;
	sigpending(&h);
	lx_sigset_from_host(&h, g);
	g[0] |= __atomic_load_n(&t->pending[0], __ATOMIC_SEQ_CST);
	g[1] |= __atomic_load_n(&t->pending[1], __ATOMIC_SEQ_CST);
	g[0] &= t->blocked[0];
	g[1] &= t->blocked[1];
	return lx_put_sigset(a[0], a[1], g) < 0 ? -EFAULT : 0;
}

/*
 * Wait with the guest mask @set in effect, without losing a signal that
 * arrives between the pending check and the wait: everything is blocked on
 * the host first and the host call installs the mask atomically.
 */
int64_t lx_with_temp_mask(struct lx_thread *t, const uint64_t set[2],
			  int64_t (*wait)(const sigset_t *hmask, void *arg), void *arg)
{
	sigset_t all, hmask;
	int64_t r;

	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	t->saved_mask[0] = t->blocked[0];
	t->saved_mask[1] = t->blocked[1];
	t->saved_mask_valid = true;
	t->blocked[0] = set[0];
	t->blocked[1] = set[1];
	if (lx_signal_pending(t)) {
		r = -EINTR;
	} else {
		host_mask_for(set, &hmask);
		r = wait(&hmask, arg);
	}
	/* host mask: the temporary guest mask until the signals are delivered */
	lx_set_blocked(t, set);
	if (r != -EINTR) {
		/* no signal: the old mask comes back now */
		t->saved_mask_valid = false;
		lx_set_blocked(t, t->saved_mask);
	}
	return r;
}

static int64_t wait_suspend(const sigset_t *hmask, void *arg)
{
	(void)arg;
	sigsuspend(hmask);
	return -EINTR;
}

LX_SYSCALL(rt_sigsuspend)
{
	uint64_t set[2];

	if (a[1] != lx.abi->nsig / 8)
		return -EINVAL;
	if (lx_get_sigset(a[0], a[1], set) < 0)
		return -EFAULT;
	return lx_with_temp_mask(t, set, wait_suspend, NULL);
}

LX_SYSCALL(pause)
{
	return lx_with_temp_mask(t, t->blocked, wait_suspend, NULL);
}

LX_SYSCALL(rt_sigtimedwait)
{
	uint64_t set[2];
	sigset_t h;
	siginfo_t info;
	struct timespec ts;
	struct lx_siginfo si;
	uint8_t gi[128];
	int hs, g = 0;

	if (a[3] != lx.abi->nsig / 8)
		return -EINVAL;
	if (lx_get_sigset(a[0], a[3], set) < 0)
		return -EFAULT;
	if (a[2] && lx_get_timespec(a[2], &ts) < 0)
		return -EFAULT;
	/* already recorded by our handler? */
	g = lx_take_signal(t, set, &info);
	if (!g) {
		lx_sigset_to_host(set, &h);
		hs = sigtimedwait(&h, &info, a[2] ? &ts : NULL);
		if (hs < 0)
			return -errno;
		g = lx_sig_from_host(hs);
	}
	if (a[1]) {
		lx_siginfo_from_host(&si, &info);
		si.signo = g;
		lx_siginfo_to_guest(gi, &si);
		if (lx_copy_to_guest(a[1], gi, 128) < 0)
			return -EFAULT;
	}
	return g;
}

static int64_t queueinfo(int64_t tgid, int64_t tid, int gsig, uint64_t uinfo)
{
	int hs = lx_sig_to_host(gsig);
	siginfo_t info;

	if (!hs)
		return -EINVAL;
	if (lx_get_siginfo(uinfo, &info) < 0)
		return -EFAULT;
	info.si_signo = hs;
	if (tid < 0)
		return lx_ret(syscall(SYS_rt_sigqueueinfo, (pid_t)tgid, hs, &info));
	return lx_ret(syscall(SYS_rt_tgsigqueueinfo, (pid_t)tgid, (pid_t)tid, hs, &info));
}

LX_SYSCALL(rt_sigqueueinfo)
{
	return queueinfo((int64_t)(int32_t)a[0], -1, (int)a[1], a[2]);
}

LX_SYSCALL(rt_tgsigqueueinfo)
{
	return queueinfo((int64_t)(int32_t)a[0], (int32_t)a[1], (int)a[2], a[3]);
}

static int host_sig_arg(uint64_t gsig)
{
	if (gsig == 0)
		return 0;
	int h = lx_sig_to_host((int)gsig);
	return h ? h : -1;
}

LX_SYSCALL(kill)
{
	int h = host_sig_arg(a[1]);

	if (h < 0)
		return -EINVAL;
	return lx_ret(kill((pid_t)a[0], h));
}

LX_SYSCALL(tkill)
{
	int h = host_sig_arg(a[1]);

	if (h < 0)
		return -EINVAL;
	return lx_ret(syscall(SYS_tkill, (pid_t)a[0], h));
}

LX_SYSCALL(tgkill)
{
	int h = host_sig_arg(a[2]);

	if (h < 0)
		return -EINVAL;
	return lx_ret(syscall(SYS_tgkill, (pid_t)a[0], (pid_t)a[1], h));
}

/* stack_t: asm-generic {sp, int flags, size}; stack_t_size_first ABIs {sp, size, flags} */
void lx_stack_from_guest(const uint8_t *b, struct lx_stack *s)
{
	unsigned w = lx.wordsz;

	s->sp = lx_ldw(b);
	if (lx.abi->stack_t_size_first) {
		s->size = lx_ldw(b + w);
		s->flags = (int32_t)lx_ld32(b + 2 * w);
	} else {
		s->flags = (int32_t)lx_ld32(b + w);
		s->size = lx_ldw(b + 2 * w);
	}
}

void lx_stack_to_guest(uint8_t *b, const struct lx_stack *s)
{
	unsigned w = lx.wordsz;

	memset(b, 0, 3 * w);
	lx_stw(b, s->sp);
	if (lx.abi->stack_t_size_first) {
		lx_stw(b + w, s->size);
		lx_st32(b + 2 * w, (uint32_t)s->flags);
	} else {
		lx_st32(b + w, (uint32_t)s->flags);
		lx_stw(b + 2 * w, s->size);
	}
}

/* do_sigaltstack(): also used by rt_sigreturn to restore uc_stack */
int lx_do_sigaltstack(struct lx_thread *t, const struct lx_stack *ss, struct lx_stack *old,
		      uint64_t sp)
{
	if (old) {
		old->sp = t->altstack.sp;
		old->size = t->altstack.size;
		old->flags = !t->altstack.size ? LX_SS_DISABLE
					       : on_altstack(t, sp) ? LX_SS_ONSTACK : 0;
		old->flags |= t->altstack.flags & LX_SS_AUTODISARM;
	}
	if (ss) {
		int mode = ss->flags & ~LX_SS_AUTODISARM;

		if (on_altstack(t, sp))
			return -EPERM;
		if (mode != LX_SS_DISABLE && mode != LX_SS_ONSTACK && mode != 0)
			return -EINVAL;
		if (mode == LX_SS_DISABLE) {
			t->altstack.sp = 0;
			t->altstack.size = 0;
			t->altstack.flags = 0;
		} else {
			if (ss->size < 2048) /* MINSIGSTKSZ */
				return -ENOMEM;
			t->altstack.sp = ss->sp;
			t->altstack.size = ss->size;
			t->altstack.flags = ss->flags & LX_SS_AUTODISARM;
		}
	}
	return 0;
}

LX_SYSCALL(sigaltstack)
{
	uint8_t b[24];
	struct lx_stack ss, old;
	uint64_t sp = lx.abi->get_sp(t->cpu);
	int r;

	if (a[0]) {
		if (lx_copy_from_guest(b, a[0], 3 * lx.wordsz) < 0)
			return -EFAULT;
		lx_stack_from_guest(b, &ss);
	}
	r = lx_do_sigaltstack(t, a[0] ? &ss : NULL, &old, sp);
	if (r < 0)
		return r;
	if (a[1]) {
		lx_stack_to_guest(b, &old);
		if (lx_copy_to_guest(a[1], b, 3 * lx.wordsz) < 0)
			return -EFAULT;
	}
	return 0;
}

LX_SYSCALL(rt_sigreturn)
{
	uint64_t mask[2];
	struct lx_stack st;

	if (lx.abi->rt_sigreturn(t->cpu, mask, &st) < 0)
		lx_die_by_signal(lx_map_val_out(lx.abi->signals, SIGSEGV), "bad signal frame",
				 t->cpu->pc);
	lx_set_blocked(t, mask);
	lx_do_sigaltstack(t, &st, NULL, lx.abi->get_sp(t->cpu));
	return LX_RET_NOREGS;
}

/*
 * signalfd: the host's, with the mask translated. What read() returns is the
 * host's struct signalfd_siginfo, whose signal numbers equal the guest's
 * except for the remapped real-time signals 32/33.
 */
LX_SYSCALL(signalfd4)
{
	uint64_t set[2];
	sigset_t h;

	if (a[2] != lx.abi->nsig / 8)
		return -EINVAL;
	if (lx_get_sigset(a[1], a[2], set) < 0)
		return -EFAULT;
	lx_sigset_to_host(set, &h);
	return lx_ret(syscall(SYS_signalfd4, (int)a[0], &h, 8, lx_open_flags_in((uint32_t)a[3])));
}

LX_SYSCALL(signalfd)
{
	a[3] = 0;
	return lx_sys_signalfd4(t, a);
}

void lx_exec_prepare_signals(void)
{
	/* handlers do not survive execve; ignored signals and the mask do (host does that) */
	for (int g = 1; g <= (int)lx.abi->nsig && g <= LX_MAX_SIG; g++) {
		int hs = lx_sig_to_host(g);
		if (hs && !is_fault_sig(hs) && lx.sigact[g].handler > LX_SIG_IGN)
			signal(hs, SIG_DFL);
	}
}
