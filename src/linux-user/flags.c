/*
 * Translation of constants between the guest ABI, canonical (asm-generic)
 * values and the host: errno, signal numbers and sets, flag words.
 *
 * Guest -> canonical goes through the ABI's optional tables (struct
 * linux_abi); canonical -> host is the identity because the host uses the
 * asm-generic numbering too (asserted below), except for real-time signals:
 * the host C library keeps signals 32 and 33 for itself, so the guest's 32 and
 * 33 (which the guest's C library uses the same way) travel as host 64 and 63,
 * and guest 63 and 64 have no host counterpart.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <termios.h>
#include <sys/ioctl.h>

#include "src/linux-user/lx.h"

/* The host numbering the core passes through unchanged (asm-generic) */
_Static_assert(EAGAIN == 11 && EDEADLK == 35 && ENOSYS == 38 && ELOOP == 40 &&
		       ENOTSUP == 95 && ETIMEDOUT == 110 && ENOTRECOVERABLE == 131,
	       "host errno numbering is not asm-generic");
_Static_assert(SIGBUS == 7 && SIGUSR1 == 10 && SIGSTKFLT == 16 && SIGCHLD == 17 &&
		       SIGCONT == 18 && SIGURG == 23 && SIGSYS == 31,
	       "host signal numbering is not asm-generic");
_Static_assert(O_CREAT == 0100 && O_NONBLOCK == 04000 && O_DIRECTORY == 0200000 &&
		       O_NOFOLLOW == 0400000 && O_CLOEXEC == 02000000 && O_PATH == 010000000,
	       "host open flags are not asm-generic");
_Static_assert(MAP_FIXED == 0x10 && MAP_ANONYMOUS == 0x20 && MAP_NORESERVE == 0x4000 &&
		       MAP_GROWSDOWN == 0x100,
	       "host mmap flags are not asm-generic");
_Static_assert(F_GETLK == 5 && F_SETLKW == 7 && F_SETOWN == 8 && F_DUPFD_CLOEXEC == 1030,
	       "host fcntl commands are not asm-generic");
_Static_assert(SOCK_STREAM == 1 && SOCK_DGRAM == 2 && SOL_SOCKET == 1 && SO_RCVTIMEO == 20,
	       "host socket constants are not asm-generic");
_Static_assert(RLIMIT_NPROC == 6 && RLIMIT_NOFILE == 7 && RLIMIT_AS == 9,
	       "host rlimit numbering is not asm-generic");
_Static_assert(TCGETS == 0x5401 && TIOCGWINSZ == 0x5413, "host tty ioctls are not asm-generic");
_Static_assert(POLLIN == 1 && POLLOUT == 4 && POLLRDHUP == 0x2000, "host poll bits differ");

int lx_errno_to_guest(int e)
{
	return lx_map_val_out(lx.abi->errnos, e);
}

int32_t lx_map_val_in(const struct lx_valmap *m, int32_t guest)
{
	if (m)
		for (; m->canon || m->guest; m++)
			if (m->guest == guest)
				return m->canon;
	return guest;
}

int32_t lx_map_val_out(const struct lx_valmap *m, int32_t canon)
{
	if (m)
		for (; m->canon || m->guest; m++)
			if (m->canon == canon)
				return m->guest;
	return canon;
}

uint32_t lx_map_bits_in(const struct lx_bitmap *m, uint32_t guest)
{
	uint32_t r = 0;

	if (!m)
		return guest;
	for (; m->canon_mask || m->guest_mask; m++)
		if ((guest & m->guest_mask) == m->guest_bits)
			r |= m->canon_bits;
	return r;
}

uint32_t lx_map_bits_out(const struct lx_bitmap *m, uint32_t canon)
{
	uint32_t r = 0;

	if (!m)
		return canon;
	for (; m->canon_mask || m->guest_mask; m++)
		if ((canon & m->canon_mask) == m->canon_bits)
			r |= m->guest_bits;
	return r;
}

int lx_open_flags_in(uint32_t gflags)
{
	return (int)lx_map_bits_in(lx.abi->open_flags, gflags);
}

uint32_t lx_open_flags_out(int hflags)
{
	return lx_map_bits_out(lx.abi->open_flags, (uint32_t)hflags);
}

/* canonical <-> host signal numbers (see the file comment) */
static int canon_to_host_sig(int c)
{
	if (c >= 1 && c <= 31)
		return c;
	if (c == 32)
		return 64;
	if (c == 33)
		return 63;
	if (c >= 34 && c <= 62)
		return c;
	return 0;
}

static int host_to_canon_sig(int h)
{
	if (h >= 1 && h <= 31)
		return h;
	if (h == 64)
		return 32;
	if (h == 63)
		return 33;
	if (h >= 34 && h <= 62)
		return h;
	return 0;
}

int lx_sig_to_host(int gsig)
{
	if (gsig < 1 || gsig > (int)lx.abi->nsig)
		return 0;
	return canon_to_host_sig(lx_map_val_in(lx.abi->signals, gsig));
}

int lx_sig_from_host(int hsig)
{
	int c = host_to_canon_sig(hsig);

	return c ? lx_map_val_out(lx.abi->signals, c) : 0;
}

void lx_sigset_to_host(const uint64_t g[2], sigset_t *h)
{
	sigemptyset(h);
	for (int s = 1; s <= (int)lx.abi->nsig && s <= LX_MAX_SIG; s++) {
		if (!(g[(s - 1) / 64] >> ((s - 1) % 64) & 1))
			continue;
		int hs = lx_sig_to_host(s);
		if (hs)
			sigaddset(h, hs);
	}
}

void lx_sigset_from_host(const sigset_t *h, uint64_t g[2])
{
	g[0] = g[1] = 0;
	for (int hs = 1; hs <= 64; hs++) {
		if (sigismember(h, hs) != 1)
			continue;
		int s = lx_sig_from_host(hs);
		if (s > 0)
			g[(s - 1) / 64] |= 1ull << ((s - 1) % 64);
	}
}

static const char *const canon_signames[32] = {
	[1] = "SIGHUP",  [2] = "SIGINT",   [3] = "SIGQUIT",  [4] = "SIGILL",
	[5] = "SIGTRAP", [6] = "SIGABRT",  [7] = "SIGBUS",   [8] = "SIGFPE",
	[9] = "SIGKILL", [10] = "SIGUSR1", [11] = "SIGSEGV", [12] = "SIGUSR2",
	[13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM", [16] = "SIGSTKFLT",
	[17] = "SIGCHLD", [18] = "SIGCONT", [19] = "SIGSTOP", [20] = "SIGTSTP",
	[21] = "SIGTTIN", [22] = "SIGTTOU", [23] = "SIGURG", [24] = "SIGXCPU",
	[25] = "SIGXFSZ", [26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH",
	[29] = "SIGIO",   [30] = "SIGPWR",  [31] = "SIGSYS",
};

const char *lx_signame(int gsig)
{
	static __thread char buf[24];
	int c = lx_map_val_in(lx.abi->signals, gsig);

	if (c >= 1 && c < 32)
		return canon_signames[c];
	snprintf(buf, sizeof(buf), "SIGRT_%d", c - 32);
	return buf;
}
