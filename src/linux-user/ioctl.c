/*
 * ioctl: a table of the requests a Debian userland uses on terminals and
 * files, each with the shape of its argument, so layouts can be translated
 * where the guest's differ from the host's. Request numbers go through the
 * ABI's table (canonical = asm-generic = host numbers).
 *
 * Unknown requests: for a guest whose ABI is asm-generic, little-endian and
 * LP64 like the host (riscv64) the argument layout is the host's, so a
 * request is passed through when its _IOC size/direction bits describe the
 * argument (bounds-checked); otherwise -ENOTTY.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "src/linux-user/lx.h"

enum arg_kind {
	ARG_VALUE,    /* the argument is a plain value */
	ARG_INT_IN,   /* int * read by the kernel */
	ARG_INT_OUT,  /* int * written by the kernel */
	ARG_INT_INOUT,
	ARG_TERMIOS_IN,
	ARG_TERMIOS_OUT,
	ARG_WINSIZE_IN,
	ARG_WINSIZE_OUT,
	ARG_RAW_IN,   /* fixed-size byte-order-neutral buffer */
	ARG_RAW_OUT,
};

struct ioctl_def {
	unsigned long req;
	uint8_t kind;
	uint8_t size; /* ARG_RAW_*: bytes */
};

#define KTERMIOS_SIZE 36 /* struct termios of the kernel (asm-generic termbits.h) */

static const struct ioctl_def ioctls[] = {
	{ TCGETS, ARG_TERMIOS_OUT, 0 },
	{ TCSETS, ARG_TERMIOS_IN, 0 },
	{ TCSETSW, ARG_TERMIOS_IN, 0 },
	{ TCSETSF, ARG_TERMIOS_IN, 0 },
	{ TCSBRK, ARG_VALUE, 0 },
	{ TCSBRKP, ARG_VALUE, 0 },
	{ TCXONC, ARG_VALUE, 0 },
	{ TCFLSH, ARG_VALUE, 0 },
	{ TIOCEXCL, ARG_VALUE, 0 },
	{ TIOCNXCL, ARG_VALUE, 0 },
	{ TIOCSCTTY, ARG_VALUE, 0 },
	{ TIOCNOTTY, ARG_VALUE, 0 },
	{ TIOCGPGRP, ARG_INT_OUT, 0 },
	{ TIOCSPGRP, ARG_INT_IN, 0 },
	{ TIOCGSID, ARG_INT_OUT, 0 },
	{ TIOCOUTQ, ARG_INT_OUT, 0 },
	{ FIONREAD, ARG_INT_OUT, 0 },
	{ TIOCGWINSZ, ARG_WINSIZE_OUT, 0 },
	{ TIOCSWINSZ, ARG_WINSIZE_IN, 0 },
	{ TIOCMGET, ARG_INT_OUT, 0 },
	{ TIOCMSET, ARG_INT_IN, 0 },
	{ TIOCMBIS, ARG_INT_IN, 0 },
	{ TIOCMBIC, ARG_INT_IN, 0 },
	{ TIOCGETD, ARG_INT_OUT, 0 },
	{ TIOCSETD, ARG_INT_IN, 0 },
	{ TIOCGPTN, ARG_INT_OUT, 0 },
	{ TIOCSPTLCK, ARG_INT_IN, 0 },
	{ TIOCGPTLCK, ARG_INT_OUT, 0 },
	{ TIOCGPKT, ARG_INT_OUT, 0 },
	{ TIOCPKT, ARG_INT_IN, 0 },
	{ TIOCSTI, ARG_RAW_IN, 1 },
	{ TIOCGEXCL, ARG_INT_OUT, 0 },
	{ TIOCVHANGUP, ARG_VALUE, 0 },
	{ FIONBIO, ARG_INT_IN, 0 },
	{ FIOASYNC, ARG_INT_IN, 0 },
	{ FIOCLEX, ARG_VALUE, 0 },
	{ FIONCLEX, ARG_VALUE, 0 },
	{ TIOCGPTPEER, ARG_VALUE, 0 },
};

static int64_t int_arg(int fd, unsigned long req, uint64_t g, bool in, bool out)
{
	int v = 0;
	uint32_t u;

	if (in) {
		if (lx_get_u32(g, &u) < 0)
			return -EFAULT;
		v = (int)u;
	} else if (!lx_lock(g, 4, GS_PROT_WRITE)) {
		return -EFAULT;
	}
	if (ioctl(fd, req, &v) < 0)
		return -errno;
	if (out && lx_put_u32(g, (uint32_t)v) < 0)
		return -EFAULT;
	return 0;
}

/* The kernel's struct termios (not glibc's, which is longer) */
struct lx_ktermios {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t line;
	uint8_t cc[19];
};

static int64_t termios_arg(int fd, unsigned long req, uint64_t g, bool out)
{
	struct lx_ktermios kt;
	uint8_t b[KTERMIOS_SIZE];

	if (!out) {
		if (lx.abi->get_termios) {
			if (lx.abi->get_termios(g, &kt) < 0)
				return -EFAULT;
		} else {
			if (lx_copy_from_guest(b, g, sizeof(b)) < 0)
				return -EFAULT;
			kt.iflag = lx_ld32(b);
			kt.oflag = lx_ld32(b + 4);
			kt.cflag = lx_ld32(b + 8);
			kt.lflag = lx_ld32(b + 12);
			memcpy(&kt.line, b + 16, 20);
		}
		return ioctl(fd, req, &kt) < 0 ? -errno : 0;
	}
	if (!lx_lock(g, KTERMIOS_SIZE, GS_PROT_WRITE))
		return -EFAULT;
	if (ioctl(fd, req, &kt) < 0)
		return -errno;
	if (lx.abi->put_termios)
		return lx.abi->put_termios(g, &kt) < 0 ? -EFAULT : 0;
	lx_st32(b, kt.iflag);
	lx_st32(b + 4, kt.oflag);
	lx_st32(b + 8, kt.cflag);
	lx_st32(b + 12, kt.lflag);
	memcpy(b + 16, &kt.line, 20);
	return lx_copy_to_guest(g, b, sizeof(b));
}

static int64_t winsize_arg(int fd, unsigned long req, uint64_t g, bool out)
{
	uint8_t b[8];
	struct winsize ws;

	if (!out) {
		if (lx_copy_from_guest(b, g, 8) < 0)
			return -EFAULT;
		ws.ws_row = lx_ld16(b);
		ws.ws_col = lx_ld16(b + 2);
		ws.ws_xpixel = lx_ld16(b + 4);
		ws.ws_ypixel = lx_ld16(b + 6);
		return ioctl(fd, req, &ws) < 0 ? -errno : 0;
	}
	if (!lx_lock(g, 8, GS_PROT_WRITE))
		return -EFAULT;
	if (ioctl(fd, req, &ws) < 0)
		return -errno;
	lx_st16(b, ws.ws_row);
	lx_st16(b + 2, ws.ws_col);
	lx_st16(b + 4, ws.ws_xpixel);
	lx_st16(b + 6, ws.ws_ypixel);
	return lx_copy_to_guest(g, b, 8);
}

/* _IOC fields of the asm-generic encoding */
#define IOC_SIZE(r) (((r) >> 16) & 0x3fff)
#define IOC_DIR(r) (((r) >> 30) & 3)

LX_SYSCALL(ioctl)
{
	int fd = (int)a[0];
	unsigned long req = (unsigned long)(uint32_t)lx_map_val_in(lx.abi->ioctls, (int32_t)a[1]);
	uint64_t g = a[2];

	for (size_t i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++) {
		const struct ioctl_def *d = &ioctls[i];

		if (d->req != req)
			continue;
		switch (d->kind) {
		case ARG_VALUE:
			return lx_ret(ioctl(fd, req, (unsigned long)g));
		case ARG_INT_IN:
			return int_arg(fd, req, g, true, false);
		case ARG_INT_OUT:
			return int_arg(fd, req, g, false, true);
		case ARG_INT_INOUT:
			return int_arg(fd, req, g, true, true);
		case ARG_TERMIOS_IN:
			return termios_arg(fd, req, g, false);
		case ARG_TERMIOS_OUT:
			return termios_arg(fd, req, g, true);
		case ARG_WINSIZE_IN:
			return winsize_arg(fd, req, g, false);
		case ARG_WINSIZE_OUT:
			return winsize_arg(fd, req, g, true);
		case ARG_RAW_IN:
			if (!lx_lock(g, d->size, GS_PROT_READ))
				return -EFAULT;
			return lx_ret(ioctl(fd, req, g2h(g)));
		case ARG_RAW_OUT:
			if (!lx_lock(g, d->size, GS_PROT_WRITE))
				return -EFAULT;
			return lx_ret(ioctl(fd, req, g2h(g)));
		}
	}

	/* Same ABI as the host: pass requests that describe their argument. */
	if (!lx.abi->ioctls && !lx.be && lx.wordsz == sizeof(long) && IOC_DIR(req) &&
	    IOC_SIZE(req) && ((req >> 8) & 0xff) != 0x89 /* socket ioctls hold pointers */) {
		/* _IOC_WRITE (1): user -> kernel (read by the kernel); _IOC_READ (2): written */
		uint32_t prot = (IOC_DIR(req) & 1 ? GS_PROT_READ : 0) |
				(IOC_DIR(req) & 2 ? GS_PROT_WRITE : 0);
		if (!lx_lock(g, IOC_SIZE(req), prot))
			return -EFAULT;
		return lx_ret(ioctl(fd, req, g2h(g)));
	}
	return -ENOTTY;
}
