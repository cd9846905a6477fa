/*
 * Runtime of the bare-metal privileged-architecture tests (crt.S, rt.c).
 *
 * A test is main() in M-mode on the spike machine; it ends through HTIF's
 * tohost with 0 (pass) or the line of the first failed check, after
 * printing it on the HTIF console. Traps land in m_trap()/s_trap(), which
 * record them (trap_log) and by default resume after the trapping
 * instruction; tests change that with trap_resume or the hooks.
 */
#ifndef ISA_PRIV_RT_H
#define ISA_PRIV_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RUN_RETURN_MAGIC 0x5245

#define STR_(x) #x
#define STR(x) STR_(x)

#define csr_read(csr)                                                      \
	({                                                                 \
		unsigned long v_;                                          \
		__asm__ volatile("csrr %0, " STR(csr) : "=r"(v_)::"memory"); \
		v_;                                                        \
	})
#define csr_write(csr, val) __asm__ volatile("csrw " STR(csr) ", %0" ::"r"(val) : "memory")
#define csr_set(csr, val) __asm__ volatile("csrs " STR(csr) ", %0" ::"r"(val) : "memory")
#define csr_clear(csr, val) __asm__ volatile("csrc " STR(csr) ", %0" ::"r"(val) : "memory")
#define csr_swap(csr, val)                                                            \
	({                                                                            \
		unsigned long v_;                                                     \
		__asm__ volatile("csrrw %0, " STR(csr) ", %1" : "=r"(v_) : "r"(val) : "memory"); \
		v_;                                                                   \
	})

#define MSTATUS_SIE (1ul << 1)
#define MSTATUS_MIE (1ul << 3)
#define MSTATUS_SPIE (1ul << 5)
#define MSTATUS_MPIE (1ul << 7)
#define MSTATUS_SPP (1ul << 8)
#define MSTATUS_MPP (3ul << 11)
#define MSTATUS_FS (3ul << 13)
#define MSTATUS_MPRV (1ul << 17)
#define MSTATUS_SUM (1ul << 18)
#define MSTATUS_MXR (1ul << 19)
#define MSTATUS_TVM (1ul << 20)
#define MSTATUS_TW (1ul << 21)
#define MSTATUS_TSR (1ul << 22)
#define MSTATUS_SD (1ul << (__riscv_xlen - 1))

#define MIP_SSIP (1ul << 1)
#define MIP_MSIP (1ul << 3)
#define MIP_STIP (1ul << 5)
#define MIP_MTIP (1ul << 7)
#define MIP_SEIP (1ul << 9)
#define MIP_MEIP (1ul << 11)

#define CAUSE_IRQ (1ul << (__riscv_xlen - 1))
enum {
	CAUSE_FETCH_MISALIGNED, CAUSE_FETCH_ACCESS, CAUSE_ILLEGAL, CAUSE_BREAKPOINT,
	CAUSE_LOAD_MISALIGNED, CAUSE_LOAD_ACCESS, CAUSE_STORE_MISALIGNED, CAUSE_STORE_ACCESS,
	CAUSE_ECALL_U, CAUSE_ECALL_S, CAUSE_ECALL_M = 11,
	CAUSE_FETCH_PAGE, CAUSE_LOAD_PAGE, CAUSE_STORE_PAGE = 15,
};

enum { MODE_U = 0, MODE_S = 1, MODE_M = 3 };

/* The spike machine's CLINT */
#define CLINT_BASE 0x2000000ul
#define CLINT_MSIP(h) ((volatile uint32_t *)(CLINT_BASE + 4 * (h)))
#define CLINT_MTIMECMP(h) ((volatile uint64_t *)(CLINT_BASE + 0x4000 + 8 * (h)))
#define CLINT_MTIME ((volatile uint64_t *)(CLINT_BASE + 0xbff8))

/* x1..x31 of the trapped code (x[2]: its sp), as crt.S saved them */
struct frame {
	unsigned long x[32];
};

struct trap_record {
	unsigned long cause, tval, epc;
	int mode;   /* 'M' or 'S': who took it */
	int vec;    /* vector slot entered (-1: direct) */
	unsigned long status; /* mstatus (M) / sstatus (S) in the handler */
};

#define TRAP_LOG 16
extern volatile struct trap_record trap_log[TRAP_LOG];
extern volatile unsigned trap_count;
/* pc to resume at after the next trap (0: after the trapping instruction) */
extern volatile unsigned long trap_resume;
/*
 * Hooks: called after a trap is recorded; return true if they handled it
 * (epc set as they wish), false for the default (interrupts: failure).
 */
extern bool (*m_hook)(struct frame *f, unsigned long cause);
extern bool (*s_hook)(struct frame *f, unsigned long cause);
/* Set by an M-mode hook: abandon the lower mode, run_in_mode() returns frame a0 */
extern volatile bool trap_return_to_caller;

/** The last trap taken, and the number of traps so far */
static inline volatile struct trap_record *last_trap(void)
{
	return &trap_log[(trap_count - 1) % TRAP_LOG];
}

void trap_reset(void);

/* Run fn(arg) in mode (MODE_U / MODE_S / MODE_M) with mstatus otherwise as it is; its result */
long run_in_mode(int mode, long (*fn)(long), long arg);
/*
 * Added to the addresses run_in_mode() starts the lower mode at (its
 * trampoline and stack): the VM tests run U-mode code through a second
 * mapping of the program at physical - this. Trap handlers map a pc below
 * 0x80000000 back by subtracting it.
 */
extern unsigned long run_va_offset;

_Noreturn void exit(long code);
void putch(int c);
void puts_(const char *s);
void print_hex(unsigned long v);
void print_dec(long v);
_Noreturn void fail_at(int line, const char *what);
void check_eq_at(int line, const char *what, unsigned long got, unsigned long want);

#define CHECK(c)                                  \
	do {                                      \
		if (!(c))                         \
			fail_at(__LINE__, #c);    \
	} while (0)
#define CHECK_EQ(got, want) check_eq_at(__LINE__, #got, (unsigned long)(got), (unsigned long)(want))

/* Expect exactly one new trap with this cause, taken in mode m ('M'/'S') */
#define CHECK_TRAP(before, c, m)                                      \
	do {                                                          \
		CHECK_EQ(trap_count, (before) + 1);                   \
		CHECK_EQ(last_trap()->cause, (c));                    \
		CHECK_EQ(last_trap()->mode, (m));                     \
	} while (0)

/*
 * True when running on QEMU 7 (its marchid/mimpid hold its version), which
 * the tests are also checked against but which misses a few 1.12 details
 * (MPRV cleared by xRET, mepc[0] and MPP WARL...): those checks are skipped.
 */
static inline bool on_qemu7(void)
{
	unsigned long id = csr_read(mimpid);

	return id == csr_read(marchid) && (id >> 16) == 7;
}

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

#endif
