/*
 * Loops of one basic block, which an emulator may run as a loop inside one
 * translated block: registers it keeps in host registers across iterations
 * must be exact when a later iteration faults, signals must still get in,
 * values rotating between registers must not get mixed up, and code that
 * another thread rewrites (then synchronises the instruction stream) must
 * take effect in a thread spinning in it.
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/ucontext.h>

static long page;

/* ---- a fault in a later iteration ---- */

static volatile int faults;
static volatile long fault_a0, fault_t1, fault_t2_off;
static volatile double fault_fa0;
static uintptr_t buf_base;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	double d;

	(void)sig;
	(void)si;
	if (faults++ == 0) {
		fault_a0 = (long)uc->uc_mcontext.__gregs[10];
		fault_t1 = (long)uc->uc_mcontext.__gregs[6];
		fault_t2_off = (long)(uc->uc_mcontext.__gregs[7] - buf_base);
		memcpy(&d, &uc->uc_mcontext.__fpregs.__d.__f[10], sizeof(d));
		fault_fa0 = d;
	}
	uc->uc_mcontext.__gregs[REG_PC] += 4; /* skip the load */
}

static void test_fault_in_loop(void)
{
	/* two readable doubles right below a PROT_NONE page */
	char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct sigaction sa;

	if (m == MAP_FAILED || mprotect(m + page, page, PROT_NONE) != 0) {
		printf("fault loop: mmap failed\n");
		return;
	}
	double *d = (double *)(m + page) - 2;
	d[0] = 1.5;
	d[1] = 2.5;
	buf_base = (uintptr_t)d;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	{
		register long a0 __asm__("a0") = 0;
		register long a1 __asm__("a1") = 5;
		register long t1 __asm__("t1") = 0;
		register uintptr_t t2 __asm__("t2") = buf_base;
		register double fa0 __asm__("fa0") = 0.25;
		/* iterations 3-5 fault on the load and skip it (ft0 keeps its last value) */
		__asm__ volatile("fmv.d.x ft0, zero\n"
				 "1:\taddi a0, a0, 1\n\taddi t1, t1, 3\n\tfadd.d fa0, fa0, ft0\n\t"
				 "fld ft0, 0(t2)\n\taddi t2, t2, 8\n\tbne a0, a1, 1b"
				 : "+r"(a0), "+r"(t1), "+r"(t2), "+f"(fa0)
				 : "r"(a1)
				 : "ft0", "memory");
		printf("fault loop: faults %d; at the first: a0 %ld t1 %ld t2 base+%ld fa0 %g; "
		       "after: a0 %ld t1 %ld t2 base+%ld fa0 %g\n",
		       faults, fault_a0, fault_t1, fault_t2_off, fault_fa0, a0, t1,
		       (long)(t2 - buf_base), fa0);
	}
	signal(SIGSEGV, SIG_DFL);
	munmap(m, 2 * page);
}

/* ---- signals get into a spinning loop ---- */

static volatile int stop;
static sigjmp_buf jump;

static void on_alarm_flag(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_alarm_jump(int sig)
{
	(void)sig;
	siglongjmp(jump, 1);
}

static void arm_timer(void (*fn)(int))
{
	struct itimerval it = {{0, 0}, {0, 20000}};

	signal(SIGALRM, fn);
	setitimer(ITIMER_REAL, &it, NULL);
}

static void test_signal_into_loop(void)
{
	long spins = 0;

	arm_timer(on_alarm_flag);
	/* ld, addi, beqz: one block branching to itself */
	__asm__ volatile("1:\tlw t0, 0(%1)\n\taddi %0, %0, 1\n\tbeqz t0, 1b"
			 : "+r"(spins)
			 : "r"(&stop)
			 : "t0", "memory");
	printf("flag loop left: %s\n", spins > 0 ? "yes" : "no");

	if (sigsetjmp(jump, 1) == 0) {
		arm_timer(on_alarm_jump);
		__asm__ volatile("1:\tj 1b" ::: "memory");
	}
	printf("endless loop left by the handler\n");
}

/* ---- values going round between registers ---- */

static void test_rotation(void)
{
	long a = 1, b = 2, c = 3, n = 1000001;
	double x = 1.0, y = 2.0;

	__asm__ volatile("1:\tmv t0, %0\n\tmv %0, %1\n\tmv %1, %2\n\tmv %2, t0\n\t"
			 "fmv.d ft0, %4\n\tfmv.d %4, %5\n\tfmv.d %5, ft0\n\t"
			 "addi %3, %3, -1\n\tbnez %3, 1b"
			 : "+r"(a), "+r"(b), "+r"(c), "+r"(n), "+f"(x), "+f"(y)
			 :
			 : "t0", "ft0");
	printf("rotation: %ld %ld %ld %g %g\n", a, b, c, x, y);
}

/* ---- another thread rewrites a loop that is running ---- */

static uint32_t *code;

static void *spin(void *arg)
{
	long (*f)(void) = (long (*)(void))(uintptr_t)code;

	(void)arg;
	f();
	return NULL;
}

static void test_patch_running_loop(void)
{
	pthread_t th;

	code = mmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (code == MAP_FAILED) {
		printf("patch loop: mmap failed\n");
		return;
	}
	code[0] = 0x00150513; /* addi a0, a0, 1 */
	code[1] = 0xffdff06f; /* j -4 */
	__builtin___clear_cache((char *)code, (char *)(code + 2));
	pthread_create(&th, NULL, spin, NULL);
	usleep(20000);
	code[0] = 0x00008067; /* ret */
	__builtin___clear_cache((char *)code, (char *)(code + 2));
	pthread_join(th, NULL);
	printf("patched loop returned\n");
	munmap(code, page);
}

int main(void)
{
	page = sysconf(_SC_PAGESIZE);
	test_fault_in_loop();
	test_signal_into_loop();
	test_rotation();
	test_patch_running_loop();
	return 0;
}
