/*
 * Blocking host syscalls that a guest signal can always interrupt.
 *
 * The race: a guest signal arrives (host_signal() records it) after the
 * dispatcher last looked and before the thread enters a blocking host call
 * such as read(); nothing then wakes the call until its event happens. Here
 * the check of the thread's "signal pending" flag and the syscall
 * instruction form one small assembly block; when the host signal handler
 * finds the interrupted pc inside [start, end) - the syscall has not started -
 * it moves the pc to a path that returns -EINTR, which the dispatcher turns
 * into a restart or EINTR for the guest. (qemu-user's safe_syscall does the
 * same.) Hosts without the assembly fall back to a plain syscall and keep
 * the race.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "src/linux-user/lx.h"

#if defined(__x86_64__)

long lx_safe_syscall_base(volatile int *pending, long nr, long a1, long a2, long a3, long a4,
			  long a5, long a6);
extern const char lx_safe_syscall_start[], lx_safe_syscall_end[], lx_safe_syscall_eintr[];

/*
 * C: rdi pending, rsi nr, rdx a1, rcx a2, r8 a3, r9 a4, stack a5 a6.
 * Linux: rax nr, rdi rsi rdx r10 r8 r9.
 */
__asm__(".text\n"
	".globl lx_safe_syscall_base\n"
	".type lx_safe_syscall_base, @function\n"
	"lx_safe_syscall_base:\n"
	"	.cfi_startproc\n"
	"	push %rbp\n"
	"	.cfi_adjust_cfa_offset 8\n"
	"	.cfi_rel_offset %rbp, 0\n"
	"	mov %rdi, %rbp\n"
	"	mov %rsi, %rax\n"
	"	mov %rdx, %rdi\n"
	"	mov %rcx, %rsi\n"
	"	mov %r8, %rdx\n"
	"	mov %r9, %r10\n"
	"	mov 16(%rsp), %r8\n"
	"	mov 24(%rsp), %r9\n"
	".globl lx_safe_syscall_start\n"
	"lx_safe_syscall_start:\n"
	"	cmpl $0, (%rbp)\n"
	"	jnz lx_safe_syscall_eintr\n"
	"	syscall\n"
	".globl lx_safe_syscall_end\n"
	"lx_safe_syscall_end:\n"
	"	pop %rbp\n"
	"	.cfi_remember_state\n"
	"	.cfi_adjust_cfa_offset -8\n"
	"	.cfi_restore %rbp\n"
	"	ret\n"
	"	.cfi_restore_state\n"
	".globl lx_safe_syscall_eintr\n"
	"lx_safe_syscall_eintr:\n"
	"	mov $-4, %rax\n" /* -EINTR */
	"	pop %rbp\n"
	"	.cfi_adjust_cfa_offset -8\n"
	"	.cfi_restore %rbp\n"
	"	ret\n"
	"	.cfi_endproc\n"
	".size lx_safe_syscall_base, .-lx_safe_syscall_base\n");

_Static_assert(EINTR == 4, "the assembly returns -4");

long lx_safe_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	struct lx_thread *t = lx_self;

	if (!t) {
		long r = syscall(nr, a1, a2, a3, a4, a5, a6);
		return r == -1 ? -errno : r;
	}
	return lx_safe_syscall_base(&t->sigflag, nr, a1, a2, a3, a4, a5, a6);
}

void lx_safe_syscall_fixup(void *ucv)
{
	ucontext_t *uc = ucv;
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];

	if (pc >= (uintptr_t)lx_safe_syscall_start && pc < (uintptr_t)lx_safe_syscall_end)
		uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)lx_safe_syscall_eintr;
}

#else

long lx_safe_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	long r;

	if (lx_self && lx_self->sigflag)
		return -EINTR;
	r = syscall(nr, a1, a2, a3, a4, a5, a6);
	return r == -1 ? -errno : r;
}

void lx_safe_syscall_fixup(void *ucv)
{
	(void)ucv;
}

#endif
