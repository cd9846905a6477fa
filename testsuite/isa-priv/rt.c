/*
 * Runtime of the privileged-architecture tests: HTIF console and exit,
 * checks, the C side of trap handling (see rt.h and crt.S).
 */
#include "rt.h"

extern volatile uint64_t tohost, fromhost;

volatile struct trap_record trap_log[TRAP_LOG];
volatile unsigned trap_count;
volatile unsigned long trap_resume;
bool (*m_hook)(struct frame *f, unsigned long cause);
bool (*s_hook)(struct frame *f, unsigned long cause);
volatile bool trap_return_to_caller;

static void htif(uint64_t cmd)
{
	while (tohost)
		fromhost = 0;
	tohost = cmd;
}

void putch(int c)
{
	htif(1ull << 56 | 1ull << 48 | (uint8_t)c);
}

void puts_(const char *s)
{
	while (*s)
		putch(*s++);
}

void print_hex(unsigned long v)
{
	puts_("0x");
	for (int i = __riscv_xlen - 4; i >= 0; i -= 4)
		if (v >> i || i == 0)
			putch("0123456789abcdef"[(v >> i) & 15]);
}

void print_dec(long v)
{
	char b[24];
	int n = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;

	if (v < 0)
		putch('-');
	do
		b[n++] = (char)('0' + u % 10);
	while (u /= 10);
	while (n)
		putch(b[--n]);
}

void exit(long code)
{
	for (;;)
		htif((uint64_t)code << 1 | 1);
}

void fail_at(int line, const char *what)
{
	puts_("FAIL line ");
	print_dec(line);
	puts_(": ");
	puts_(what);
	putch('\n');
	exit(line ? line : 1000);
}

void check_eq_at(int line, const char *what, unsigned long got, unsigned long want)
{
	if (got == want)
		return;
	puts_("FAIL line ");
	print_dec(line);
	puts_(": ");
	puts_(what);
	puts_(" = ");
	print_hex(got);
	puts_(", want ");
	print_hex(want);
	putch('\n');
	exit(line);
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

void trap_reset(void)
{
	trap_count = 0;
	trap_resume = 0;
	m_hook = s_hook = 0;
}

/* Length of the instruction at @pc (a physical = virtual address in these tests) */
static unsigned long insn_len(unsigned long pc)
{
	if (pc < 0x80000000ul)
		pc -= run_va_offset; /* U-mode alias of the program (VM tests) */
	return (*(volatile uint16_t *)pc & 3) == 3 ? 4 : 2;
}

static void record(int mode, int vec, unsigned long cause, unsigned long tval, unsigned long epc,
		   unsigned long status)
{
	volatile struct trap_record *r = &trap_log[trap_count % TRAP_LOG];

	r->cause = cause;
	r->tval = tval;
	r->epc = epc;
	r->mode = mode;
	r->vec = vec;
	r->status = status;
	trap_count++;
}

/* Where to go after an exception: trap_resume, or the next instruction */
static unsigned long next_pc(unsigned long epc)
{
	unsigned long pc = trap_resume;

	if (pc) {
		trap_resume = 0;
		return pc;
	}
	return epc + insn_len(epc);
}

long m_trap(struct frame *f, long vec)
{
	unsigned long cause = csr_read(mcause), epc = csr_read(mepc);

	if (cause >= CAUSE_ECALL_U && cause <= CAUSE_ECALL_M && f->x[17] == RUN_RETURN_MAGIC)
		return 1;
	if (vec == 99)
		fail_at(0, "M-mode trap through a wrong vector slot");
	record('M', (int)vec, cause, csr_read(mtval), epc, csr_read(mstatus));
	if (m_hook && m_hook(f, cause)) {
		if (trap_return_to_caller) {
			trap_return_to_caller = false;
			return 1;
		}
		return 0;
	}
	if (cause & CAUSE_IRQ) {
		puts_("unexpected M-mode interrupt ");
		print_hex(cause);
		fail_at(0, "");
	}
	csr_write(mepc, next_pc(epc));
	return 0;
}

long s_trap(struct frame *f, long vec)
{
	unsigned long cause = csr_read(scause), epc = csr_read(sepc);

	if (cause == CAUSE_ECALL_U && f->x[17] == RUN_RETURN_MAGIC)
		return 1;
	if (vec == 99)
		fail_at(0, "S-mode trap through a wrong vector slot");
	record('S', (int)vec, cause, csr_read(stval), epc, csr_read(sstatus));
	if (s_hook && s_hook(f, cause))
		return 0;
	if (cause & CAUSE_IRQ) {
		puts_("unexpected S-mode interrupt ");
		print_hex(cause);
		fail_at(0, "");
	}
	csr_write(sepc, next_pc(epc));
	return 0;
}
