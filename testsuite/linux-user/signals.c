/*
 * Signals: delivery through raise/kill/sigqueue with siginfo, blocking and pending sets,
 * real-time queueing, synchronous faults (SIGSEGV left through siglongjmp, SIGILL resumed by
 * editing the saved pc), timers (setitimer, POSIX timers, alarm), sigaltstack, SA_RESETHAND,
 * and the FP state (fcsr rounding mode) restored by sigreturn. Handlers only record; main
 * prints.
 */
#include <errno.h>
#include <fenv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/ucontext.h>

static volatile sig_atomic_t hits;
static volatile int last_signo, last_code, last_value;
static volatile pid_t last_pid;
static void *volatile last_addr;
static volatile int usr1_blocked_inside;
static sigjmp_buf jump;

static void on_info(int sig, siginfo_t *si, void *uc)
{
	sigset_t cur;

	(void)uc;
	hits++;
	last_signo = sig;
	last_code = si->si_code;
	last_pid = si->si_pid;
	last_value = si->si_value.sival_int;
	/* While a handler runs, its own signal is blocked (no SA_NODEFER). */
	sigprocmask(SIG_BLOCK, NULL, &cur);
	usr1_blocked_inside = sigismember(&cur, sig);
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	last_signo = sig;
	last_code = si->si_code;
	last_addr = si->si_addr;
	siglongjmp(jump, 1);
}

/* Skip the faulting 16-bit illegal instruction by editing the pc that sigreturn restores. */
static void on_sigill(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	last_signo = sig;
	last_code = si->si_code;
	last_addr = si->si_addr;
	hits++;
	if ((uintptr_t)si->si_addr != uc->uc_mcontext.__gregs[REG_PC])
		last_code = -999;
	uc->uc_mcontext.__gregs[REG_PC] += 2;
}

/* The registers the interrupted code had at a fault, then resume after the 4-byte access. */
static volatile long fault_a0, fault_a1, fault_t1;

static void on_fault_regs(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig;
	(void)si;
	fault_a0 = (long)uc->uc_mcontext.__gregs[10];
	fault_a1 = (long)uc->uc_mcontext.__gregs[11];
	fault_t1 = (long)uc->uc_mcontext.__gregs[6];
	uc->uc_mcontext.__gregs[REG_PC] += 4;
}

/* The same for FP registers (an emulator may hold them in host FP registers). */
static volatile double fault_fa0, fault_fa1;

static void on_fault_fregs(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	double d;

	(void)sig;
	(void)si;
	memcpy(&d, &uc->uc_mcontext.__fpregs.__d.__f[10], sizeof(d));
	fault_fa0 = d;
	memcpy(&d, &uc->uc_mcontext.__fpregs.__d.__f[11], sizeof(d));
	fault_fa1 = d;
	uc->uc_mcontext.__gregs[REG_PC] += 4;
}

static void on_plain(int sig)
{
	hits++;
	last_signo = sig;
}

static char altstack[64 * 1024];
static volatile int on_alt_stack, ss_onstack_flag;

static void on_altstack(int sig)
{
	char local;
	stack_t ss;

	(void)sig;
	on_alt_stack = &local >= altstack && &local < altstack + sizeof(altstack);
	sigaltstack(NULL, &ss);
	ss_onstack_flag = !!(ss.ss_flags & SS_ONSTACK);
}

/* Clobbers the rounding mode; sigreturn must restore the interrupted code's fcsr. */
static void on_fp(int sig)
{
	volatile double x = 1.0;

	(void)sig;
	fesetround(FE_UPWARD);
	x = x / 3.0;
	hits++;
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) != 0)
		perror("sigaction");
}

static void install_plain(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) != 0)
		perror("sigaction");
}

static const char *code_name(int code)
{
	switch (code) {
	case SI_USER: return "SI_USER";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_TIMER: return "SI_TIMER";
	case SI_TKILL: return "SI_TKILL";
	case SI_KERNEL: return "SI_KERNEL";
	default: return "other";
	}
}

static void test_delivery(void)
{
	union sigval v;

	install(SIGUSR1, on_info, 0);
	hits = 0;
	raise(SIGUSR1);
	printf("raise: hits %d signo %d code %s pid-ok %d blocked-inside %d\n", hits, last_signo,
	       code_name(last_code), last_pid == getpid(), usr1_blocked_inside);
	kill(getpid(), SIGUSR1);
	printf("kill: hits %d code %s pid-ok %d\n", hits, code_name(last_code), last_pid == getpid());
	v.sival_int = 1234;
	sigqueue(getpid(), SIGUSR1, v);
	printf("sigqueue: hits %d code %s value %d\n", hits, code_name(last_code), last_value);
	printf("kill with signal 0: %d\n", kill(getpid(), 0));

	signal(SIGUSR1, SIG_IGN);
	raise(SIGUSR1);
	printf("ignored: hits %d\n", hits);
}

static void test_masks(void)
{
	sigset_t set, old, pend;
	int i;

	install(SIGUSR2, on_info, 0);
	hits = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR2);
	raise(SIGUSR2);
	sigpending(&pend);
	printf("blocked: hits %d, pending %d\n", hits, sigismember(&pend, SIGUSR2));
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* Standard signals do not queue: two raises, one delivery. */
	printf("unblocked: hits %d, signo %d\n", hits, last_signo);
	sigpending(&pend);
	printf("pending after unblock: %d\n", sigismember(&pend, SIGUSR2));

	/* Real-time signals queue, and are delivered in order with their values. */
	install(SIGRTMIN + 2, on_info, 0);
	hits = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (i = 1; i <= 3; i++) {
		union sigval v = { .sival_int = i * 100 };

		sigqueue(getpid(), SIGRTMIN + 2, v);
	}
	printf("rt blocked: hits %d\n", hits);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("rt unblocked: hits %d, last value %d\n", hits, last_value);

	/* sigwaitinfo takes a blocked pending signal without running the handler. */
	sigprocmask(SIG_BLOCK, &set, NULL);
	{
		union sigval v = { .sival_int = 77 };
		siginfo_t si;
		int s;

		hits = 0;
		sigqueue(getpid(), SIGRTMIN + 2, v);
		s = sigwaitinfo(&set, &si);
		printf("sigwaitinfo: rt+%d value %d code %s hits %d\n", s - SIGRTMIN,
		       si.si_value.sival_int, code_name(si.si_code), hits);
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void test_faults(void)
{
	sigset_t cur;
	long page = sysconf(_SC_PAGESIZE);
	char *ro;

	install(SIGSEGV, on_fault, 0);
	if (sigsetjmp(jump, 1) == 0) {
		*(volatile int *)0 = 1;
		printf("NULL write did not fault\n");
	} else {
		printf("NULL write: signo %d code %s addr %p\n", last_signo,
		       last_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other", last_addr);
	}
	/* siglongjmp with savemask restored the mask: SIGSEGV is deliverable again. */
	sigprocmask(SIG_BLOCK, NULL, &cur);
	printf("SIGSEGV blocked after siglongjmp: %d\n", sigismember(&cur, SIGSEGV));

	ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sigsetjmp(jump, 1) == 0) {
		ro[100] = 1;
		printf("read-only write did not fault\n");
	} else {
		printf("read-only write: code %s addr-ok %d\n",
		       last_code == SEGV_ACCERR ? "SEGV_ACCERR" : "other", last_addr == ro + 100);
	}
	munmap(ro, page);

	/*
	 * Registers written just before a faulting load, in the same block: the
	 * frame holds their new values (an emulator that keeps them in host
	 * registers must recover them), and sigreturn brings them back.
	 */
	install(SIGSEGV, on_fault_regs, 0);
	{
		register long a0 __asm__("a0");
		register long a1 __asm__("a1");
		register long t1 __asm__("t1");
		register long t2 __asm__("t2") = 16;
		__asm__ volatile("li a0, 5\n\taddi a0, a0, 6\n\tli a1, 22\n\taddi t1, a0, 7\n\t"
				 "ld t0, 0(t2)\n\taddi a0, a0, 100\n\taddi a1, a1, 1"
				 : "=&r"(a0), "=&r"(a1), "=&r"(t1)
				 : "r"(t2)
				 : "t0", "memory");
		printf("fault registers: a0 %ld a1 %ld t1 %ld; after resuming: a0 %ld a1 %ld t1 %ld\n",
		       fault_a0, fault_a1, fault_t1, a0, a1, t1);
	}
	install(SIGSEGV, on_fault_fregs, 0);
	{
		static const double in[2] = {1.5, 2.25};
		register double fa0 __asm__("fa0");
		register double fa1 __asm__("fa1");
		register long t2 __asm__("t2") = 16;
		__asm__ volatile("fld ft0, 0(%2)\n\tfld ft1, 8(%2)\n\tfadd.d fa0, ft0, ft1\n\t"
				 "fmul.d fa1, fa0, ft1\n\tld t0, 0(%3)\n\tfadd.d fa0, fa0, fa0"
				 : "=&f"(fa0), "=&f"(fa1)
				 : "r"(in), "r"(t2)
				 : "t0", "ft0", "ft1", "memory");
		printf("fault FP registers: fa0 %g fa1 %g; after resuming: fa0 %g fa1 %g\n",
		       fault_fa0, fault_fa1, fa0, fa1);
	}

	install(SIGILL, on_sigill, 0);
	hits = 0;
	/* 0x0000 is the defined illegal 16-bit instruction (RISC-V unprivileged spec, "C" ch.). */
	__asm__ volatile(".option push\n.option rvc\n.2byte 0\n.option pop" ::: "memory");
	printf("SIGILL resumed: hits %d code %s\n", hits,
	       last_code == ILL_ILLOPC ? "ILL_ILLOPC" : last_code == -999 ? "bad si_addr" : "other");
}

static void test_timers(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	struct sigevent sev;
	timer_t tid;
	struct itimerspec ts = { { 0, 0 }, { 0, 10 * 1000 * 1000 } };
	sigset_t set, old, empty;
	unsigned left;

	install_plain(SIGALRM, on_plain, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigemptyset(&empty);
	/* Block first so the expiry cannot slip in before sigsuspend. */
	sigprocmask(SIG_BLOCK, &set, &old);
	hits = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	while (!hits)
		sigsuspend(&empty);
	printf("setitimer: hits %d signo %d\n", hits, last_signo);

	install(SIGRTMIN + 1, on_info, 0);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGRTMIN + 1;
	sev.sigev_value.sival_int = 555;
	hits = 0;
	if (timer_create(CLOCK_MONOTONIC, &sev, &tid) == 0) {
		timer_settime(tid, 0, &ts, NULL);
		while (!hits)
			sigsuspend(&empty);
		printf("timer_create: hits %d rt+%d code %s value %d\n", hits, last_signo - SIGRTMIN,
		       code_name(last_code), last_value);
		timer_delete(tid);
	} else {
		printf("timer_create failed: %s\n", strerror(errno));
	}

	alarm(30);
	left = alarm(0);
	printf("alarm(0) after alarm(30): %s\n", left >= 29 && left <= 30 ? "29-30" : "wrong");
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void test_altstack_resethand_fp(void)
{
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0 };
	struct sigaction sa;
	volatile double third;

	if (sigaltstack(&ss, NULL) != 0)
		perror("sigaltstack");
	install_plain(SIGUSR2, on_altstack, SA_ONSTACK);
	raise(SIGUSR2);
	printf("sigaltstack: handler on alt stack %d, SS_ONSTACK inside %d\n", on_alt_stack,
	       ss_onstack_flag);
	sigaltstack(NULL, &ss);
	printf("SS_ONSTACK outside: %d\n", !!(ss.ss_flags & SS_ONSTACK));

	install_plain(SIGUSR2, on_plain, SA_RESETHAND);
	hits = 0;
	raise(SIGUSR2);
	sigaction(SIGUSR2, NULL, &sa);
	printf("SA_RESETHAND: hits %d, handler now SIG_DFL %d\n", hits, sa.sa_handler == SIG_DFL);

	install_plain(SIGUSR2, on_fp, 0);
	fesetround(FE_TOWARDZERO);
	hits = 0;
	raise(SIGUSR2);
	third = 1.0;
	third = third / 3.0;
	printf("rounding mode after handler: %s, 1/3 = %a\n",
	       fegetround() == FE_TOWARDZERO ? "FE_TOWARDZERO" : "changed", third);
	fesetround(FE_TONEAREST);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_delivery();
	test_masks();
	test_faults();
	test_timers();
	test_altstack_resethand_fp();
	printf("done\n");
	return 0;
}
