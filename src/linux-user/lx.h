/*
 * Private state and helpers of the linux-user core (not a seam: the seams are
 * morph/linux-abi.h and morph/linux-user.h).
 *
 * Conventions:
 *  - Syscall handlers take the calling thread and the six (fixed-up) argument
 *    words and return the result or a negative *host* errno; the dispatcher
 *    translates errors to the guest's numbering.
 *  - "Canonical" constants are the asm-generic kernel values. The host is
 *    asm-generic too (x86-64, aarch64, riscv64 hosts; checked at compile
 *    time in flags.c), so canonical values can be passed to the host as is.
 *  - Guest signal sets are two 64-bit words in guest numbering: bit n-1 of
 *    the set is guest signal n.
 */
#ifndef MORPH_LX_H
#define MORPH_LX_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>

#include "morph/cpu.h"
#include "morph/frontend.h"
#include "morph/linux-abi.h"
#include "morph/linux-user.h"

#define LX_MAX_SIG 128          /* guest signal numbers are 1..abi->nsig <= 128 */
#define LX_PATH_MAX 4096
#define LX_SIGQ_LEN 64          /* queued signals per thread */

/* Special handler results (never valid syscall results or errnos) */
#define LX_RET_NOREGS ((int64_t)-100001)   /* registers already set (rt_sigreturn, execve) */
#define LX_ERESTARTSYS 512                 /* kernel's ERESTARTSYS: restart or EINTR */

/* Canonical SA_* (asm-generic) */
#define LX_SA_NOCLDSTOP 0x00000001u
#define LX_SA_NOCLDWAIT 0x00000002u
#define LX_SA_SIGINFO 0x00000004u
#define LX_SA_RESTORER 0x04000000u
#define LX_SA_ONSTACK 0x08000000u
#define LX_SA_RESTART 0x10000000u
#define LX_SA_NODEFER 0x40000000u
#define LX_SA_RESETHAND 0x80000000u

/* Canonical SS_* */
#define LX_SS_ONSTACK 1
#define LX_SS_DISABLE 2
#define LX_SS_AUTODISARM (1u << 31)

/* siginfo union member in use (which fields of struct lx_siginfo mean something) */
enum lx_si_kind { LX_SI_KILL, LX_SI_TIMER, LX_SI_RT, LX_SI_CHLD, LX_SI_FAULT, LX_SI_POLL,
		  LX_SI_SYS };

/** A siginfo in guest-neutral form (signal number in guest numbering). */
struct lx_siginfo {
	int signo, errno_, code;
	enum lx_si_kind kind;
	int32_t pid;
	uint32_t uid;
	int32_t status;
	int64_t utime, stime;
	uint64_t value;      /* sigval (kill/rt/timer) */
	int32_t timerid, overrun;
	uint64_t addr;       /* fault address */
	int64_t band;
	int32_t fd;
};

/** A guest signal action (flags canonical, mask in guest numbering). */
struct lx_sigaction {
	uint64_t handler;    /* guest address, or LX_SIG_DFL / LX_SIG_IGN */
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask[2];
};
#define LX_SIG_DFL 0
#define LX_SIG_IGN 1

/** Per guest thread (one host thread each; cpu->opaque points here). */
struct lx_thread {
	struct cpu *cpu;
	int tid;
	uint64_t clear_child_tid;
	uint64_t robust_list, robust_len;
	uint64_t blocked[2];          /* guest blocked set */
	/*
	 * Signals recorded by the host handler, delivered at the next safe point:
	 * a queue of host siginfos (real-time signals queue, standard ones are
	 * recorded once) and the set of signals in it. Only this thread's host
	 * handler appends; consumers block host signals while they take entries.
	 */
	uint64_t pending[2];          /* atomic bit set, guest numbering */
	unsigned nq;
	struct lx_queued {
		int sig;              /* guest number */
		siginfo_t info;
	} q[LX_SIGQ_LEN];
	volatile int sigflag;         /* a recorded signal is deliverable (safe-syscall.c) */
	bool sync_pending;            /* a synchronous fault waits for delivery */
	struct lx_siginfo sync_info;
	struct lx_stack altstack;     /* sigaltstack (canonical flags) */
	bool saved_mask_valid;        /* sigsuspend & co: restore this mask after delivery */
	uint64_t saved_mask[2];
	bool restart;                 /* the last syscall asked for ERESTARTSYS */
	bool restart_ok;              /* ... and it may be restarted under SA_RESTART */
	struct lx_thread *next;       /* all threads (lx.threads) */
	pthread_t host;
};

/** The process. */
struct lx_process {
	const struct morph_arch *arch;
	const struct linux_abi *abi;
	struct guest_space gs;
	bool be;                  /* guest is big-endian */
	unsigned wordsz;          /* 4 or 8 */
	char *exe_path;           /* absolute path of the guest program (/proc/self/exe) */
	const char *sysroot;      /* -L, or NULL */
	bool seeded;           /* --seed: getrandom is a PRNG stream from the seed */
	uint64_t rng_state;
	pthread_mutex_t rng_lock;
	bool strace;
	uint64_t tramp;           /* guest address of the rt_sigreturn trampoline */
	uint64_t auxv_addr, auxv_len; /* guest auxv (for /proc/self/auxv) */
	uint64_t args_addr, args_len; /* guest argv strings (for /proc/self/cmdline) */
	uint64_t stack_top;       /* highest stack address (for /proc/self/maps) */
	/* re-exec: morph's own options for execve of guest programs */
	char **reexec_opts;
	int nreexec_opts;
	/* signal actions, shared by all threads */
	pthread_mutex_t sig_lock;
	struct lx_sigaction sigact[LX_MAX_SIG + 1];
	/* threads */
	pthread_mutex_t thread_lock;
	struct lx_thread *threads;
	int nthreads;
};

extern struct lx_process lx;
extern __thread struct lx_thread *lx_self;

/* ---- guest memory (guest.c) ---- */

/** lx_is_err_addr() - an address-or-errno result that is an errno. */
static inline bool lx_is_err_addr(uint64_t v)
{
	return v >= (uint64_t)-4095;
}

static inline void *g2h(uint64_t a)
{
	return gs_g2h(&lx.gs, a);
}
/** lx_range_ok() - [a, a+n) lies below task_size: the host may access it (faults become EFAULT). */
bool lx_range_ok(uint64_t a, uint64_t n);
/** lx_lock() - host pointer to guest [a, a+n) if mapped with @prot, else NULL. */
void *lx_lock(uint64_t a, uint64_t n, uint32_t prot);
/** lx_get_str() - copy the guest string at @a into @buf; -EFAULT / -ENAMETOOLONG. */
int lx_get_str(uint64_t a, char *buf, size_t bufsz);
struct iovec;
/** lx_get_iovec() - host iovecs (malloc'ed) for a guest iovec array; NULL with *@err set. */
struct iovec *lx_get_iovec(uint64_t g, uint64_t cnt, int *err);
/** lx_get_strv() - a NULL-terminated malloc'ed vector of the guest string array at @a. */
char **lx_get_strv(uint64_t a, int *count);
void lx_free_strv(char **v);
int lx_get_u32(uint64_t a, uint32_t *v);
int lx_put_u32(uint64_t a, uint32_t v);
int lx_get_u64(uint64_t a, uint64_t *v);
int lx_put_u64(uint64_t a, uint64_t v);
int lx_get_word(uint64_t a, uint64_t *v);
int lx_put_word(uint64_t a, uint64_t v);
/* struct timespec / timeval in the guest (word-sized fields; *64 variants: 64-bit fields) */
int lx_get_timespec(uint64_t a, struct timespec *ts);
int lx_put_timespec(uint64_t a, const struct timespec *ts);
int lx_get_timespec64(uint64_t a, struct timespec *ts);
int lx_put_timespec64(uint64_t a, const struct timespec *ts);
int lx_get_timeval(uint64_t a, struct timeval *tv);
int lx_put_timeval(uint64_t a, const struct timeval *tv);
/** lx_get_sigset()/lx_put_sigset() - guest sigset of @size bytes (<= 16) <-> two words. */
int lx_get_sigset(uint64_t a, size_t size, uint64_t set[2]);
int lx_put_sigset(uint64_t a, size_t size, const uint64_t set[2]);

/* ---- translation (flags.c) ---- */

int lx_errno_to_guest(int host_errno);
int lx_sig_to_host(int gsig);   /* 0 if the guest signal has no host counterpart */
int lx_sig_from_host(int hsig); /* 0 if none */
void lx_sigset_to_host(const uint64_t g[2], sigset_t *h);
void lx_sigset_from_host(const sigset_t *h, uint64_t g[2]);
uint32_t lx_map_bits_in(const struct lx_bitmap *m, uint32_t guest);
uint32_t lx_map_bits_out(const struct lx_bitmap *m, uint32_t canon);
int32_t lx_map_val_in(const struct lx_valmap *m, int32_t guest);
int32_t lx_map_val_out(const struct lx_valmap *m, int32_t canon);
int lx_open_flags_in(uint32_t gflags);
uint32_t lx_open_flags_out(int hflags);
const char *lx_signame(int gsig);

/* ---- files (fs.c) ---- */

/**
 * lx_path() - the host path for guest path @gpath (string at guest address)
 * into @buf: absolute paths are looked up under the sysroot first (-L) when
 * the file exists there. Returns 0 or -errno.
 */
int lx_path(uint64_t gpath, char *buf, size_t bufsz);
/** lx_is_proc_exe() - @p names our /proc/self/exe (or /proc/<our pid>/exe). */
bool lx_is_proc_exe(const char *p);
/** lx_path_str() - as lx_path() for a path already in host memory. */
void lx_path_str(const char *path, char *buf, size_t bufsz);
/** lx_put_stat() - write the guest struct stat for @st at guest @a. */
int lx_put_stat(uint64_t a, const struct stat *st);
/** lx_proc_special() - fd for an emulated /proc file (self/exe, self/maps, self/auxv), or -ENOENT. */
int lx_proc_open(const char *path, int flags);

/* ---- signals (signal.c) ---- */

void lx_signal_init(void);
/** lx_thread_signal_setup() - per new host thread: alternate stack, mask. */
void lx_thread_signal_setup(struct lx_thread *t);
void lx_set_blocked(struct lx_thread *t, const uint64_t set[2]);
/** lx_queue_sync() - a synchronous fault: deliver @info before the next guest insn. */
void lx_queue_sync(struct lx_thread *t, const struct lx_siginfo *info);
/** lx_process_signals() - deliver what is pending and deliverable (safe point). */
void lx_process_signals(struct lx_thread *t);
bool lx_signal_pending(struct lx_thread *t);
/** lx_take_signal() - dequeue the first recorded signal of @sigset; 0 if none. */
int lx_take_signal(struct lx_thread *t, const uint64_t set[2], siginfo_t *info);
/** lx_die_by_signal() - terminate the process as killed by guest signal @gsig. */
_Noreturn void lx_die_by_signal(int gsig, const char *why, uint64_t pc);
void lx_siginfo_to_guest(uint8_t *out, const struct lx_siginfo *si);
void lx_siginfo_from_host(struct lx_siginfo *si, const siginfo_t *h);
int lx_get_siginfo(uint64_t a, siginfo_t *h);
/** lx_exec_prepare_signals() - host dispositions for execve of a guest (handlers -> SIG_DFL). */
void lx_exec_prepare_signals(void);
/**
 * lx_with_temp_mask() - run @wait (a host call that installs @hmask atomically,
 * like sigsuspend/ppoll/pselect/epoll_pwait) with guest mask @set in effect.
 * Returns @wait's result, or -EINTR if a signal was already pending.
 */
int64_t lx_with_temp_mask(struct lx_thread *t, const uint64_t set[2],
			  int64_t (*wait)(const sigset_t *hmask, void *arg), void *arg);
int lx_do_sigaltstack(struct lx_thread *t, const struct lx_stack *ss, struct lx_stack *old,
		      uint64_t sp);
extern __thread bool lx_fault_bus_adrerr;

/* ---- blocking host calls a guest signal can interrupt (safe-syscall.c) ---- */

/** lx_safe_syscall() - raw host syscall @nr; -EINTR if a guest signal is (or becomes) pending first. */
long lx_safe_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
/** lx_safe_syscall_fixup() - in a host signal handler: abandon a safe syscall not yet entered. */
void lx_safe_syscall_fixup(void *ucontext);
#define LX_SAFE(nr, a1, a2, a3, a4, a5, a6)                                                \
	lx_safe_syscall(nr, (long)(a1), (long)(a2), (long)(a3), (long)(a4), (long)(a5),     \
			(long)(a6))

/* ---- threads and processes (proc.c) ---- */

struct lx_thread *lx_thread_new(struct cpu *cpu);
_Noreturn void lx_cpu_loop(struct lx_thread *t);
_Noreturn void lx_exit_group(int status);

/* ---- syscalls (syscall.c, strace.c) ---- */

#define LX_SF_RESTART 0x1   /* may be restarted after a SA_RESTART handler */
#define LX_SF_NORET 0x2     /* trace before the call: it does not return on success */

typedef int64_t (*lx_handler)(struct lx_thread *t, uint64_t *a);

struct lx_syscall_def {
	const char *name;
	lx_handler fn;
	uint8_t nargs;
	uint8_t flags;
	const char *fmt;    /* argument formats, see strace.c; ":x" suffix: hex result */
};

extern const struct lx_syscall_def lx_syscalls[LX_SYS_COUNT];

void lx_syscall(struct lx_thread *t);
const char *lx_sys_name(enum lx_sys s);
void lx_strace_enter(struct lx_thread *t, const char *name, const char *fmt, unsigned nargs,
		     const uint64_t *a, char *buf, size_t bufsz);
void lx_strace_exit(struct lx_thread *t, const char *fmt, const uint64_t *a, int64_t ret,
		    char *buf, size_t bufsz);
void lx_strace_print(struct lx_thread *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Handler declarations: int64_t lx_sys_NAME(struct lx_thread *t, uint64_t *a) */
#define LX_SYSCALL(name) int64_t lx_sys_##name(struct lx_thread *t, uint64_t *a)
#define LX_DECLARE_HANDLER(name) LX_SYSCALL(name);
LX_SYSCALL_LIST(LX_DECLARE_HANDLER)
#undef LX_DECLARE_HANDLER

/*
 * A call and its y2038 form of 32-bit ABIs (64-bit time_t in its structures):
 * the two handlers run @fn(a, t64), t64 true for @name64.
 */
#define LX_TIME64_SYSCALLS(name, name64, fn)                                                       \
	LX_SYSCALL(name)                                                                           \
	{                                                                                          \
		return fn(a, false);                                                               \
	}                                                                                          \
	LX_SYSCALL(name64)                                                                         \
	{                                                                                          \
		return fn(a, true);                                                                \
	}

/** lx_ret() - a host libc result (-1 + errno) as a handler result. */
static inline int64_t lx_ret(int64_t r)
{
	return r == -1 ? -(int64_t)errno : r;
}

/* ---- startup (image.c) ---- */

struct lx_image_args {
	const char *path;        /* host path of the program */
	const char *execfn;      /* AT_EXECFN (as given) */
	char **argv;             /* guest argv */
	int argc;
	char **envp;             /* guest environment */
	bool have_seed;
	uint64_t seed;
};

/**
 * lx_load_program() - load the program (and its interpreter) into the guest
 * space, build the initial stack and set up @cpu to start. Returns 0, or an
 * exit status (126/127) after printing one line on stderr.
 */
struct elf_file;
int lx_load_program(struct cpu *cpu, struct elf_file *ef, const struct lx_image_args *args);

/** lx_error() - "morph: ..." on stderr. */
void lx_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** lx_splitmix64() - next value of the splitmix64 stream in *@s (--seed randomness). */
static inline uint64_t lx_splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#endif
