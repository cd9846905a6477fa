/*
 * Socket syscalls: pass-through for AF_UNIX/AF_INET/AF_INET6 and friends,
 * converting what holds guest words or pointers (msghdr, iovecs, timeouts,
 * socket filters) and the host-endian sa_family field of socket addresses.
 */
#include <errno.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "src/linux-user/lx.h"

static int sock_type_in(uint32_t gtype)
{
	int flags = (int)(gtype & ~0xfu), base = (int)(gtype & 0xf);

	/* SOCK_NONBLOCK and SOCK_CLOEXEC are O_NONBLOCK and O_CLOEXEC */
	return lx_map_val_in(lx.abi->sock_types, base) | lx_open_flags_in((uint32_t)flags);
}

/* A guest socket address into @ss; the family field is host-endian in the guest. */
static int get_sockaddr(uint64_t g, uint64_t len, struct sockaddr_storage *ss)
{
	if (len > sizeof(*ss))
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	if (lx_copy_from_guest(ss, g, len) < 0)
		return -EFAULT;
	if (len >= 2)
		ss->ss_family = lx_ld16(ss);
	return 0;
}

/* Write back @len bytes of @ss (at most *glen) and the real length. */
static int put_sockaddr(uint64_t g, uint64_t glen_addr, struct sockaddr_storage *ss,
			socklen_t len)
{
	uint32_t glen;

	if (!g)
		return 0;
	if (lx_get_u32(glen_addr, &glen) < 0)
		return -EFAULT;
	lx_st16(ss, ss->ss_family);
	if (lx_copy_to_guest(g, ss, glen < len ? glen : len) < 0)
		return -EFAULT;
	return lx_put_u32(glen_addr, len) < 0 ? -EFAULT : 0;
}

LX_SYSCALL(socket)
{
	return lx_ret(socket((int)a[0], sock_type_in((uint32_t)a[1]), (int)a[2]));
}

LX_SYSCALL(socketpair)
{
	int sv[2];
	uint8_t b[8];

	if (socketpair((int)a[0], sock_type_in((uint32_t)a[1]), (int)a[2], sv) < 0)
		return -errno;
	lx_st32(b, (uint32_t)sv[0]);
	lx_st32(b + 4, (uint32_t)sv[1]);
	if (lx_copy_to_guest(a[3], b, 8) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -EFAULT;
	}
	return 0;
}

LX_SYSCALL(bind)
{
	struct sockaddr_storage ss;
	int r = get_sockaddr(a[1], a[2], &ss);

	if (r < 0)
		return r;
	return lx_ret(bind((int)a[0], (struct sockaddr *)&ss, (socklen_t)a[2]));
}

LX_SYSCALL(connect)
{
	struct sockaddr_storage ss;
	int r = get_sockaddr(a[1], a[2], &ss);

	if (r < 0)
		return r;
	return LX_SAFE(SYS_connect, a[0], &ss, (socklen_t)a[2], 0, 0, 0);
}

LX_SYSCALL(listen)
{
	return lx_ret(listen((int)a[0], (int)a[1]));
}

LX_SYSCALL(accept4)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	long fd = LX_SAFE(SYS_accept4, a[0], &ss, &len, lx_open_flags_in((uint32_t)a[3]), 0, 0);

	if (fd < 0)
		return fd;
	if (a[1] && put_sockaddr(a[1], a[2], &ss, len) < 0) {
		close(fd);
		return -EFAULT;
	}
	return fd;
}

LX_SYSCALL(accept)
{
	a[3] = 0;
	return lx_sys_accept4(t, a);
}

static int64_t get_name(uint64_t *a, bool peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int r = peer ? getpeername((int)a[0], (struct sockaddr *)&ss, &len)
		     : getsockname((int)a[0], (struct sockaddr *)&ss, &len);

	if (r < 0)
		return -errno;
	return put_sockaddr(a[1], a[2], &ss, len);
}

LX_SYSCALL(getsockname)
{
	return get_name(a, false);
}

LX_SYSCALL(getpeername)
{
	return get_name(a, true);
}

LX_SYSCALL(sendto)
{
	struct sockaddr_storage ss;
	int r;

	if (!lx_range_ok(a[1], a[2]))
		return -EFAULT;
	if (a[4]) {
		r = get_sockaddr(a[4], a[5], &ss);
		if (r < 0)
			return r;
	}
	return LX_SAFE(SYS_sendto, a[0], g2h(a[1]), a[2], (int)a[3], a[4] ? &ss : NULL,
		       (socklen_t)a[5]);
}

LX_SYSCALL(recvfrom)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	ssize_t n;

	if (!lx_range_ok(a[1], a[2]))
		return -EFAULT;
	n = LX_SAFE(SYS_recvfrom, a[0], g2h(a[1]), a[2], (int)a[3], a[4] ? &ss : NULL,
		    a[4] ? &len : NULL);
	if (n < 0)
		return n;
	if (a[4] && put_sockaddr(a[4], a[5], &ss, len) < 0)
		return -EFAULT;
	return n;
}

LX_SYSCALL(shutdown)
{
	return lx_ret(shutdown((int)a[0], (int)a[1]));
}

LX_SYSCALL(setsockopt)
{
	uint8_t buf[1024];
	int level = (int)a[1], name = (int)a[2];
	socklen_t len = (socklen_t)a[4];

	if (a[4] > sizeof(buf))
		return -EINVAL;
	if (a[3] && lx_copy_from_guest(buf, a[3], len) < 0)
		return -EFAULT;
	if (level == SOL_SOCKET && (name == SO_ATTACH_FILTER || name == SO_ATTACH_REUSEPORT_CBPF)) {
		/* struct sock_fprog { u16 len; struct sock_filter *filter; } */
		struct sock_fprog fp;
		fp.len = lx_ld16(buf);
		uint64_t f = lx_ldw(buf + lx.wordsz);
		fp.filter = lx_lock(f, (uint64_t)fp.len * 8, GS_PROT_READ);
		if (!fp.filter && fp.len)
			return -EFAULT;
		return lx_ret(setsockopt((int)a[0], level, name, &fp, sizeof(fp)));
	}
	if (lx.wordsz != sizeof(long) &&
	    level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
		struct timeval tv;
		if (lx_get_timeval(a[3], &tv) < 0)
			return -EFAULT;
		return lx_ret(setsockopt((int)a[0], level, name, &tv, sizeof(tv)));
	}
	return lx_ret(setsockopt((int)a[0], level, name, a[3] ? buf : NULL, len));
}

LX_SYSCALL(getsockopt)
{
	uint8_t buf[1024];
	uint32_t glen;
	socklen_t len;

	if (lx_get_u32(a[4], &glen) < 0)
		return -EFAULT;
	len = glen > sizeof(buf) ? sizeof(buf) : glen;
	if (getsockopt((int)a[0], (int)a[1], (int)a[2], buf, &len) < 0)
		return -errno;
	if (lx_copy_to_guest(a[3], buf, len < glen ? len : glen) < 0)
		return -EFAULT;
	return lx_put_u32(a[4], len) < 0 ? -EFAULT : 0;
}

/* ---- msghdr ---- */

struct host_msg {
	struct msghdr m;
	struct sockaddr_storage name;
	uint64_t gname, gflags_addr;
};

/* guest struct msghdr: name, namelen(u32), iov, iovlen, control, controllen, flags */
static int get_msghdr(uint64_t g, struct host_msg *h, bool recv)
{
	unsigned w = lx.wordsz;
	uint8_t b[64];
	uint64_t name, iov, iovlen, ctl, ctllen;
	uint32_t namelen;
	int err;

	memset(h, 0, sizeof(*h));
	if (lx_copy_from_guest(b, g, 7 * w) < 0)
		return -EFAULT;
	name = lx_ldw(b);
	namelen = lx_ld32(b + w);
	iov = lx_ldw(b + 2 * w);
	iovlen = lx_ldw(b + 3 * w);
	ctl = lx_ldw(b + 4 * w);
	ctllen = lx_ldw(b + 5 * w);
	h->gname = name;
	h->gflags_addr = g + 6 * w;
	if (name) {
		if (recv) {
			h->m.msg_namelen = namelen > sizeof(h->name) ? sizeof(h->name) : namelen;
		} else {
			err = get_sockaddr(name, namelen, &h->name);
			if (err < 0)
				return err;
			h->m.msg_namelen = namelen;
		}
		h->m.msg_name = &h->name;
	}
	h->m.msg_iov = lx_get_iovec(iov, iovlen, &err);
	if (!h->m.msg_iov)
		return err;
	h->m.msg_iovlen = iovlen;
	if (ctl && ctllen) {
		/* cmsghdr has the host layout only for little-endian LP64 guests */
		if (lx.be || w != sizeof(long))
			return -EOPNOTSUPP;
		if (!lx_lock(ctl, ctllen, recv ? GS_PROT_WRITE : GS_PROT_READ))
			return -EFAULT;
		h->m.msg_control = g2h(ctl);
		h->m.msg_controllen = ctllen;
	}
	return 0;
}

static int put_msghdr_results(uint64_t g, struct host_msg *h)
{
	unsigned w = lx.wordsz;

	if (h->gname) {
		lx_st16(&h->name, h->name.ss_family);
		if (lx_copy_to_guest(h->gname, &h->name, h->m.msg_namelen) < 0 ||
		    lx_put_u32(g + w, h->m.msg_namelen) < 0)
			return -EFAULT;
	}
	if (lx_put_word(g + 5 * w, h->m.msg_controllen) < 0)
		return -EFAULT;
	return lx_put_u32(h->gflags_addr, (uint32_t)h->m.msg_flags);
}

static int64_t do_sendmsg(int fd, uint64_t g, int flags)
{
	struct host_msg h;
	int64_t r = get_msghdr(g, &h, false);

	if (r == 0)
		r = LX_SAFE(SYS_sendmsg, fd, &h.m, flags, 0, 0, 0);
	free(h.m.msg_iov);
	return r;
}

static int64_t do_recvmsg(int fd, uint64_t g, int flags)
{
	struct host_msg h;
	int64_t r = get_msghdr(g, &h, true);

	if (r == 0) {
		r = LX_SAFE(SYS_recvmsg, fd, &h.m, flags, 0, 0, 0);
		if (r >= 0 && put_msghdr_results(g, &h) < 0)
			r = -EFAULT;
	}
	free(h.m.msg_iov);
	return r;
}

LX_SYSCALL(sendmsg)
{
	return do_sendmsg((int)a[0], a[1], (int)a[2]);
}

LX_SYSCALL(recvmsg)
{
	return do_recvmsg((int)a[0], a[1], (int)a[2]);
}

/* struct mmsghdr: msghdr then unsigned msg_len, padded to a word */
static uint64_t mmsg_size(void)
{
	return lx.wordsz == 8 ? 64 : 32;
}

LX_SYSCALL(sendmmsg)
{
	unsigned n = (unsigned)a[2] > 1024 ? 1024 : (unsigned)a[2], i;

	for (i = 0; i < n; i++) {
		uint64_t m = a[1] + i * mmsg_size();
		int64_t r = do_sendmsg((int)a[0], m, (int)a[3]);
		if (r < 0)
			return i ? i : r;
		lx_put_u32(m + 7 * lx.wordsz, (uint32_t)r);
	}
	return i;
}

LX_SYSCALL(recvmmsg)
{
	unsigned n = (unsigned)a[2] > 1024 ? 1024 : (unsigned)a[2], i;
	int flags = (int)a[3];

	for (i = 0; i < n; i++) {
		uint64_t m = a[1] + i * mmsg_size();
		int64_t r = do_recvmsg((int)a[0], m, flags);
		if (r < 0)
			return i ? i : r;
		lx_put_u32(m + 7 * lx.wordsz, (uint32_t)r);
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
	}
	return i;
}
