/*
 * A minimal runtime for freestanding RV64 Linux test programs (built with
 * -nostdlib -ffreestanding): _start, exit, write and a few printers, so an
 * ISA test needs nothing from the emulated OS but write and exit_group.
 *
 * Include it from exactly one .c file that defines int main(void). A test
 * exits 0 on success, else the number of its first failing check (capped at
 * 255) after printing what went wrong.
 */
#ifndef ISA_RT_H
#define ISA_RT_H

typedef unsigned long long u64;
typedef unsigned int u32;

int main(void);

static long rt_syscall3(long n, long a, long b, long c)
{
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	register long a7 __asm__("a7") = n;

	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
	return a0;
}

__attribute__((noreturn)) static void rt_exit(int code)
{
	for (;;)
		rt_syscall3(94 /* exit_group */, code, 0, 0);
}

static unsigned long rt_strlen(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static void rt_puts(const char *s)
{
	rt_syscall3(64 /* write */, 1, (long)s, (long)rt_strlen(s));
}

static void rt_puthex(u64 v)
{
	char buf[19];
	int i;

	buf[0] = '0';
	buf[1] = 'x';
	for (i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
	buf[18] = 0;
	rt_puts(buf);
}

static void rt_putdec(u64 v)
{
	char buf[24];
	int i = 23;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	rt_puts(buf + i);
}

/* The compiler may emit calls to these even in freestanding code. */
void *memcpy(void *d, const void *s, unsigned long n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memset(void *d, int c, unsigned long n)
{
	unsigned char *dp = d;

	while (n--)
		*dp++ = (unsigned char)c;
	return d;
}

__attribute__((used, noreturn)) static void rt_start_c(void)
{
	rt_exit(main());
}

/* The kernel enters with sp at argc; set up gp for linker relaxation. */
__asm__(".pushsection .text._start, \"ax\", @progbits\n"
	".globl _start\n"
	"_start:\n"
	".option push\n"
	".option norelax\n"
	"	la gp, __global_pointer$\n"
	".option pop\n"
	"	andi sp, sp, -16\n"
	"	call rt_start_c\n"
	".popsection\n");

#endif
