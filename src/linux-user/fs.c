/*
 * File and file-descriptor syscalls: open/read/write and the *at family,
 * stat (guest struct stat per ABI), statx, getdents64, fcntl, flock, pipes,
 * xattrs, inotify, eventfd, memfd, sendfile and friends.
 *
 * Paths: an absolute guest path is looked up under the sysroot (-L) first,
 * if the file exists there (qemu-user does the same), so a dynamically
 * linked guest finds its loader, libraries and data files; /proc/self/exe
 * names the guest program, not morph.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "src/linux-user/lx.h"

#define AT_FDCWD_G (-100)

/* ---- paths ---- */

static bool has_prefix_dir(const char *p, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(p, dir, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

void lx_path_str(const char *path, char *buf, size_t bufsz)
{
	struct stat st;

	if (lx.sysroot && path[0] == '/' && path[1] != '\0' && !has_prefix_dir(path, "/proc") &&
	    !has_prefix_dir(path, "/sys") && !has_prefix_dir(path, "/dev")) {
		int n = snprintf(buf, bufsz, "%s%s", lx.sysroot, path);
		if (n > 0 && (size_t)n < bufsz && lstat(buf, &st) == 0)
			return;
	}
	snprintf(buf, bufsz, "%s", path);
}

/* "/proc/self/X" or "/proc/<our pid>/X": returns X, else NULL */
static const char *proc_self(const char *p)
{
	char *end;
	long pid;

	if (strncmp(p, "/proc/", 6) != 0)
		return NULL;
	p += 6;
	if (strncmp(p, "self/", 5) == 0)
		return p + 5;
	pid = strtol(p, &end, 10);
	if (end != p && *end == '/' && pid == getpid())
		return end + 1;
	return NULL;
}

bool lx_is_proc_exe(const char *p)
{
	const char *x = proc_self(p);
	return x && strcmp(x, "exe") == 0;
}

int lx_path(uint64_t gpath, char *buf, size_t bufsz)
{
	char tmp[LX_PATH_MAX];
	int r = lx_get_str(gpath, tmp, sizeof(tmp));

	if (r < 0)
		return r;
	if (lx_is_proc_exe(tmp)) {
		snprintf(buf, bufsz, "%s", lx.exe_path);
		return 0;
	}
	lx_path_str(tmp, buf, bufsz);
	return 0;
}

static int dirfd_of(uint64_t g)
{
	return (int)(int32_t)g;
}

/* An emulated /proc file: its content in a memfd */
static int memfd_with(const char *name, const void *data, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static int proc_maps(void)
{
	unsigned n;
	struct gs_vma *v = gs_snapshot(&lx.gs, &n);
	size_t cap = 256 + (size_t)n * 128, len = 0;
	char *buf = malloc(cap);
	int fd;

	if (!v || !buf) {
		free(v);
		free(buf);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < n; i++) {
		const char *name = "";
		if (v[i].flags & GS_MAP_HEAP)
			name = "[heap]";
		else if (v[i].flags & GS_MAP_STACK)
			name = "[stack]";
		else if (v[i].start == lx.tramp)
			name = "[vdso]";
		len += (size_t)snprintf(buf + len, cap - len,
				"%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu %s%s\n",
				(unsigned long long)v[i].start, (unsigned long long)v[i].end,
				v[i].prot & GS_PROT_READ ? 'r' : '-',
				v[i].prot & GS_PROT_WRITE ? 'w' : '-',
				v[i].prot & GS_PROT_EXEC ? 'x' : '-',
				v[i].flags & GS_MAP_SHARED ? 's' : 'p',
				(unsigned long long)v[i].offset, (unsigned)((v[i].dev >> 8) & 0xfff),
				(unsigned)(v[i].dev & 0xff), (unsigned long long)v[i].ino,
				*name ? "                    " : "", name);
	}
	free(v);
	fd = memfd_with("maps", buf, len);
	free(buf);
	return fd;
}

int lx_proc_open(const char *path, int flags)
{
	const char *x = proc_self(path);

	(void)flags;
	if (!x)
		return -ENOENT;
	if (!strcmp(x, "maps"))
		return proc_maps();
	if (!strcmp(x, "auxv")) {
		void *p = lx_lock(lx.auxv_addr, lx.auxv_len, GS_PROT_READ);
		if (!p)
			return -EIO;
		return memfd_with("auxv", p, lx.auxv_len);
	}
	if (!strcmp(x, "cmdline")) {
		void *p = lx_lock(lx.args_addr, lx.args_len, GS_PROT_READ);
		if (!p)
			return -EIO;
		return memfd_with("cmdline", p, lx.args_len);
	}
	return -ENOENT;
}

/* ---- open, close, read, write ---- */

static int64_t do_openat(int dirfd, uint64_t gpath, uint32_t gflags, uint32_t mode)
{
	char tmp[LX_PATH_MAX], path[LX_PATH_MAX];
	int flags = lx_open_flags_in(gflags), r;

	r = lx_get_str(gpath, tmp, sizeof(tmp));
	if (r < 0)
		return r;
	if (proc_self(tmp)) {
		r = lx_proc_open(tmp, flags);
		if (r != -ENOENT) {
			if (r >= 0 && !(flags & O_CLOEXEC))
				fcntl(r, F_SETFD, 0);
			return r;
		}
		if (lx_is_proc_exe(tmp)) {
			snprintf(path, sizeof(path), "%s", lx.exe_path);
			return LX_SAFE(SYS_openat, dirfd, path, flags, mode, 0, 0);
		}
	}
	lx_path_str(tmp, path, sizeof(path));
	/* opening a FIFO blocks until the other end opens */
	return LX_SAFE(SYS_openat, dirfd, path, flags, mode, 0, 0);
}

LX_SYSCALL(openat)
{
	return do_openat(dirfd_of(a[0]), a[1], (uint32_t)a[2], (uint32_t)a[3]);
}

LX_SYSCALL(open)
{
	return do_openat(AT_FDCWD, a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

LX_SYSCALL(creat)
{
	return do_openat(AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, (uint32_t)a[1]);
}

LX_SYSCALL(close)
{
	return lx_ret(close((int)a[0]));
}

LX_SYSCALL(close_range)
{
	return lx_ret(syscall(SYS_close_range, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]));
}

LX_SYSCALL(read)
{
	if (!lx_range_ok(a[1], a[2]))
		return -EFAULT;
	return LX_SAFE(SYS_read, a[0], g2h(a[1]), a[2], 0, 0, 0);
}

LX_SYSCALL(write)
{
	if (!lx_range_ok(a[1], a[2]))
		return -EFAULT;
	return LX_SAFE(SYS_write, a[0], g2h(a[1]), a[2], 0, 0, 0);
}

LX_SYSCALL(pread64)
{
	if (!lx_range_ok(a[1], a[2]))
		return -EFAULT;
	return LX_SAFE(SYS_pread64, a[0], g2h(a[1]), a[2], a[3], 0, 0);
}

LX_SYSCALL(pwrite64)
{
	if (!lx_range_ok(a[1], a[2]))
		return -EFAULT;
	return LX_SAFE(SYS_pwrite64, a[0], g2h(a[1]), a[2], a[3], 0, 0);
}

struct iovec *lx_get_iovec(uint64_t g, uint64_t cnt, int *err)
{
	unsigned w = lx.wordsz;
	struct iovec *v;
	uint8_t *b;

	if (cnt > 1024) {
		*err = -EINVAL;
		return NULL;
	}
	v = calloc(cnt ? cnt : 1, sizeof(*v));
	b = lx_lock(g, cnt * 2 * w, GS_PROT_READ);
	if (!v || !b) {
		free(v);
		*err = v ? -EFAULT : -ENOMEM;
		return NULL;
	}
	for (uint64_t i = 0; i < cnt; i++) {
		uint64_t base = lx_ldw(b + i * 2 * w), len = lx_ldw(b + i * 2 * w + w);
		if (!lx_range_ok(base, len)) {
			free(v);
			*err = -EFAULT;
			return NULL;
		}
		v[i].iov_base = g2h(base);
		v[i].iov_len = len;
	}
	return v;
}

static int64_t do_rw_v(uint64_t *a, bool wr, bool positioned, int flags)
{
	int err;
	struct iovec *v = lx_get_iovec(a[1], a[2], &err);
	int64_t r;

	if (!v)
		return err;
	/* preadv2/pwritev2 take the offset as (low, high) words */
	if (wr)
		r = positioned ? LX_SAFE(SYS_pwritev2, a[0], v, a[2], a[3], 0, flags)
			       : LX_SAFE(SYS_writev, a[0], v, a[2], 0, 0, 0);
	else
		r = positioned ? LX_SAFE(SYS_preadv2, a[0], v, a[2], a[3], 0, flags)
			       : LX_SAFE(SYS_readv, a[0], v, a[2], 0, 0, 0);
	free(v);
	return r;
}

LX_SYSCALL(readv)
{
	return do_rw_v(a, false, false, 0);
}

LX_SYSCALL(writev)
{
	return do_rw_v(a, true, false, 0);
}

LX_SYSCALL(preadv)
{
	return do_rw_v(a, false, true, 0);
}

LX_SYSCALL(pwritev)
{
	return do_rw_v(a, true, true, 0);
}

LX_SYSCALL(preadv2)
{
	return do_rw_v(a, false, true, (int)a[5]);
}

LX_SYSCALL(pwritev2)
{
	return do_rw_v(a, true, true, (int)a[5]);
}

LX_SYSCALL(lseek)
{
	return lx_ret(lseek((int)a[0], (off_t)a[1], (int)a[2]));
}

/* 32-bit ABIs: _llseek(fd, offset_high, offset_low, loff_t *result, whence) */
LX_SYSCALL(llseek)
{
	off_t r = lseek((int)a[0], (off_t)((a[1] << 32) | (uint32_t)a[2]), (int)a[4]);

	if (r < 0)
		return -errno;
	return lx_put_u64(a[3], (uint64_t)r) < 0 ? -EFAULT : 0;
}

LX_SYSCALL(dup)
{
	return lx_ret(dup((int)a[0]));
}

LX_SYSCALL(dup2)
{
	return lx_ret(dup2((int)a[0], (int)a[1]));
}

LX_SYSCALL(dup3)
{
	return lx_ret(dup3((int)a[0], (int)a[1], lx_open_flags_in((uint32_t)a[2])));
}

static int64_t put_fd_pair(uint64_t g, const int fds[2])
{
	uint8_t b[8];

	lx_st32(b, (uint32_t)fds[0]);
	lx_st32(b + 4, (uint32_t)fds[1]);
	if (lx_copy_to_guest(g, b, 8) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

LX_SYSCALL(pipe2)
{
	int fds[2];

	if (pipe2(fds, lx_open_flags_in((uint32_t)a[1])) < 0)
		return -errno;
	return put_fd_pair(a[0], fds);
}

LX_SYSCALL(pipe)
{
	int fds[2];

	if (pipe(fds) < 0)
		return -errno;
	return put_fd_pair(a[0], fds);
}

/* ---- stat ---- */

/* asm-generic struct stat for 64-bit words (include/uapi/asm-generic/stat.h) */
static size_t put_stat_generic64(uint8_t *b, const struct stat *st)
{
	memset(b, 0, 128);
	lx_st64(b + 0, st->st_dev);
	lx_st64(b + 8, st->st_ino);
	lx_st32(b + 16, st->st_mode);
	lx_st32(b + 20, (uint32_t)st->st_nlink);
	lx_st32(b + 24, st->st_uid);
	lx_st32(b + 28, st->st_gid);
	lx_st64(b + 32, st->st_rdev);
	lx_st64(b + 48, (uint64_t)st->st_size);
	lx_st32(b + 56, (uint32_t)st->st_blksize);
	lx_st64(b + 64, (uint64_t)st->st_blocks);
	lx_st64(b + 72, (uint64_t)st->st_atim.tv_sec);
	lx_st64(b + 80, (uint64_t)st->st_atim.tv_nsec);
	lx_st64(b + 88, (uint64_t)st->st_mtim.tv_sec);
	lx_st64(b + 96, (uint64_t)st->st_mtim.tv_nsec);
	lx_st64(b + 104, (uint64_t)st->st_ctim.tv_sec);
	lx_st64(b + 112, (uint64_t)st->st_ctim.tv_nsec);
	return 128;
}

int lx_put_stat(uint64_t a, const struct stat *st)
{
	uint8_t b[256];
	size_t n;

	if (lx.abi->put_stat)
		n = lx.abi->put_stat(b, st);
	else if (lx.wordsz == 8)
		n = put_stat_generic64(b, st);
	else
		return -ENOSYS; /* 32-bit asm-generic ABIs have no stat, only statx */
	return lx_copy_to_guest(a, b, n);
}

static int64_t do_fstatat(int dirfd, uint64_t gpath, uint64_t gbuf, int flags)
{
	char path[LX_PATH_MAX];
	struct stat st;
	int r;

	if (gpath) {
		r = lx_path(gpath, path, sizeof(path));
		if (r < 0)
			return r;
	} else {
		path[0] = '\0';
	}
	if (fstatat(dirfd, path, &st, flags) < 0)
		return -errno;
	return lx_put_stat(gbuf, &st);
}

LX_SYSCALL(newfstatat)
{
	return do_fstatat(dirfd_of(a[0]), a[1], a[2], (int)a[3]);
}

LX_SYSCALL(fstat)
{
	struct stat st;

	if (fstat((int)a[0], &st) < 0)
		return -errno;
	return lx_put_stat(a[1], &st);
}

LX_SYSCALL(stat)
{
	return do_fstatat(AT_FDCWD, a[0], a[1], 0);
}

LX_SYSCALL(lstat)
{
	return do_fstatat(AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW);
}

/* struct statx fields wider than a byte, for byte-swapping to a big-endian guest */
static const uint8_t statx_fields[][2] = {
	{ 0x00, 4 }, { 0x04, 4 }, { 0x08, 8 }, { 0x10, 4 }, { 0x14, 4 }, { 0x18, 4 },
	{ 0x1c, 2 }, { 0x20, 8 }, { 0x28, 8 }, { 0x30, 8 }, { 0x38, 8 }, { 0x40, 8 },
	{ 0x48, 4 }, { 0x50, 8 }, { 0x58, 4 }, { 0x60, 8 }, { 0x68, 4 }, { 0x70, 8 },
	{ 0x78, 4 }, { 0x80, 4 }, { 0x84, 4 }, { 0x88, 4 }, { 0x8c, 4 }, { 0x90, 8 },
	{ 0x98, 4 }, { 0x9c, 4 }, { 0xa0, 8 }, { 0xa8, 4 }, { 0xac, 4 }, { 0xb0, 4 },
};

LX_SYSCALL(statx)
{
	char path[LX_PATH_MAX];
	uint8_t b[256];
	int r;

	r = lx_path(a[1], path, sizeof(path));
	if (r < 0)
		return r;
	memset(b, 0, sizeof(b));
	if (syscall(SYS_statx, dirfd_of(a[0]), path, (int)a[2], (unsigned)a[3], b) < 0)
		return -errno;
	if (lx.be) {
		for (size_t i = 0; i < sizeof(statx_fields) / sizeof(statx_fields[0]); i++) {
			uint8_t *p = b + statx_fields[i][0];
			if (statx_fields[i][1] == 2)
				lx_st16(p, *(uint16_t *)p);
			else if (statx_fields[i][1] == 4)
				lx_st32(p, *(uint32_t *)p);
			else
				lx_st64(p, *(uint64_t *)p);
		}
	}
	return lx_copy_to_guest(a[4], b, sizeof(b));
}

/* asm-generic struct statfs, 64-bit words */
static int64_t put_statfs(uint64_t g, const struct statfs *s)
{
	uint8_t b[128];

	if (lx.abi->put_statfs)
		return lx_copy_to_guest(g, b, lx.abi->put_statfs(b, s));
	if (lx.wordsz != 8)
		return -ENOSYS;
	memset(b, 0, 120);
	lx_st64(b + 0, (uint64_t)s->f_type);
	lx_st64(b + 8, (uint64_t)s->f_bsize);
	lx_st64(b + 16, s->f_blocks);
	lx_st64(b + 24, s->f_bfree);
	lx_st64(b + 32, s->f_bavail);
	lx_st64(b + 40, s->f_files);
	lx_st64(b + 48, s->f_ffree);
	memcpy(b + 56, &s->f_fsid, 8);
	lx_st64(b + 64, (uint64_t)s->f_namelen);
	lx_st64(b + 72, (uint64_t)s->f_frsize);
	lx_st64(b + 80, (uint64_t)s->f_flags);
	return lx_copy_to_guest(g, b, 120);
}

LX_SYSCALL(statfs)
{
	char path[LX_PATH_MAX];
	struct statfs s;
	int r = lx_path(a[0], path, sizeof(path));

	if (r < 0)
		return r;
	if (statfs(path, &s) < 0)
		return -errno;
	return put_statfs(a[1], &s);
}

LX_SYSCALL(fstatfs)
{
	struct statfs s;

	if (fstatfs((int)a[0], &s) < 0)
		return -errno;
	return put_statfs(a[1], &s);
}

LX_SYSCALL(getdents64)
{
	int64_t r;

	if (!lx_range_ok(a[1], a[2]))
		return -EFAULT;
	r = lx_ret(syscall(SYS_getdents64, (int)a[0], g2h(a[1]), (unsigned)a[2]));
	if (r > 0 && lx.be) {
		/* struct linux_dirent64 { u64 ino; s64 off; u16 reclen; u8 type; name } */
		uint8_t *p = g2h(a[1]), *end = p + r;
		while (p < end) {
			uint16_t reclen = *(uint16_t *)(p + 16);
			lx_st64(p, *(uint64_t *)p);
			lx_st64(p + 8, *(uint64_t *)(p + 8));
			lx_st16(p + 16, reclen);
			p += reclen;
		}
	}
	return r;
}

/* ---- the *at family ---- */

/*
 * A call whose argument @i is a guest path and whose other arguments pass
 * through: the handler resolves the path (sysroot, /proc/self/exe) into
 * `path`, then returns @call, a libc call (-1 and errno on failure) using it.
 */
#define PATH_SYSCALL(name, i, call)                                                            \
	LX_SYSCALL(name)                                                                       \
	{                                                                                      \
		char path[LX_PATH_MAX];                                                        \
		int r = lx_path(a[i], path, sizeof(path));                                     \
                                                                                               \
		if (r < 0)                                                                     \
			return r;                                                              \
		return lx_ret(call);                                                           \
	}

PATH_SYSCALL(faccessat, 1, syscall(SYS_faccessat, dirfd_of(a[0]), path, (int)a[2]))
PATH_SYSCALL(faccessat2, 1, faccessat(dirfd_of(a[0]), path, (int)a[2], (int)a[3]))
PATH_SYSCALL(access, 0, access(path, (int)a[1]))

LX_SYSCALL(fchmod)
{
	return lx_ret(fchmod((int)a[0], (mode_t)a[1]));
}

PATH_SYSCALL(fchmodat, 1, syscall(SYS_fchmodat, dirfd_of(a[0]), path, (mode_t)a[2]))
PATH_SYSCALL(fchmodat2, 1, fchmodat(dirfd_of(a[0]), path, (mode_t)a[2], (int)a[3]))
PATH_SYSCALL(chmod, 0, chmod(path, (mode_t)a[1]))

LX_SYSCALL(fchown)
{
	return lx_ret(fchown((int)a[0], (uid_t)a[1], (gid_t)a[2]));
}

PATH_SYSCALL(fchownat, 1, fchownat(dirfd_of(a[0]), path, (uid_t)a[2], (gid_t)a[3], (int)a[4]))
PATH_SYSCALL(chown, 0, chown(path, (uid_t)a[1], (gid_t)a[2]))
PATH_SYSCALL(lchown, 0, lchown(path, (uid_t)a[1], (gid_t)a[2]))

LX_SYSCALL(utimensat)
{
	char path[LX_PATH_MAX];
	struct timespec ts[2];
	int r;

	if (a[2] && (lx_get_timespec(a[2], &ts[0]) < 0 ||
		     lx_get_timespec(a[2] + 2 * lx.wordsz, &ts[1]) < 0))
		return -EFAULT;
	if (a[1]) {
		r = lx_path(a[1], path, sizeof(path));
		if (r < 0)
			return r;
	}
	/* a NULL path is futimens() on the dirfd: only the raw syscall allows that */
	return lx_ret(syscall(SYS_utimensat, dirfd_of(a[0]), a[1] ? path : NULL,
			      a[2] ? ts : NULL, (int)a[3]));
}

static int64_t do_utimes(int dirfd, uint64_t gpath, uint64_t gtv)
{
	char path[LX_PATH_MAX];
	struct timeval tv[2];
	struct timespec ts[2];
	int r = lx_path(gpath, path, sizeof(path));

	if (r < 0)
		return r;
	if (gtv) {
		if (lx_get_timeval(gtv, &tv[0]) < 0 ||
		    lx_get_timeval(gtv + 2 * lx.wordsz, &tv[1]) < 0)
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			ts[i].tv_sec = tv[i].tv_sec;
			ts[i].tv_nsec = tv[i].tv_usec * 1000;
		}
	}
	return lx_ret(utimensat(dirfd, path, gtv ? ts : NULL, 0));
}

LX_SYSCALL(utimes)
{
	return do_utimes(AT_FDCWD, a[0], a[1]);
}

LX_SYSCALL(futimesat)
{
	return do_utimes(dirfd_of(a[0]), a[1], a[2]);
}

LX_SYSCALL(renameat2)
{
	char p1[LX_PATH_MAX], p2[LX_PATH_MAX];
	int r;

	if ((r = lx_path(a[1], p1, sizeof(p1))) < 0 || (r = lx_path(a[3], p2, sizeof(p2))) < 0)
		return r;
	return lx_ret(syscall(SYS_renameat2, dirfd_of(a[0]), p1, dirfd_of(a[2]), p2,
			      (unsigned)a[4]));
}

LX_SYSCALL(renameat)
{
	a[4] = 0;
	return lx_sys_renameat2(t, a);
}

LX_SYSCALL(rename)
{
	uint64_t b[6] = { (uint64_t)AT_FDCWD_G, a[0], (uint64_t)AT_FDCWD_G, a[1], 0, 0 };
	return lx_sys_renameat2(t, b);
}

PATH_SYSCALL(unlinkat, 1, unlinkat(dirfd_of(a[0]), path, (int)a[2]))
PATH_SYSCALL(unlink, 0, unlink(path))
PATH_SYSCALL(rmdir, 0, rmdir(path))
PATH_SYSCALL(mkdirat, 1, mkdirat(dirfd_of(a[0]), path, (mode_t)a[2]))
PATH_SYSCALL(mkdir, 0, mkdir(path, (mode_t)a[1]))
PATH_SYSCALL(mknodat, 1, mknodat(dirfd_of(a[0]), path, (mode_t)a[2], (dev_t)a[3]))
PATH_SYSCALL(mknod, 0, mknod(path, (mode_t)a[1], (dev_t)a[2]))

LX_SYSCALL(symlinkat)
{
	char target[LX_PATH_MAX], path[LX_PATH_MAX];
	int r;

	/* the link's content is stored as given: no sysroot lookup for it */
	if ((r = lx_get_str(a[0], target, sizeof(target))) < 0 ||
	    (r = lx_path(a[2], path, sizeof(path))) < 0)
		return r;
	return lx_ret(symlinkat(target, dirfd_of(a[1]), path));
}

LX_SYSCALL(symlink)
{
	uint64_t b[6] = { a[0], (uint64_t)AT_FDCWD_G, a[1], 0, 0, 0 };
	return lx_sys_symlinkat(t, b);
}

LX_SYSCALL(linkat)
{
	char p1[LX_PATH_MAX], p2[LX_PATH_MAX];
	int r;

	if ((r = lx_path(a[1], p1, sizeof(p1))) < 0 || (r = lx_path(a[3], p2, sizeof(p2))) < 0)
		return r;
	return lx_ret(linkat(dirfd_of(a[0]), p1, dirfd_of(a[2]), p2, (int)a[4]));
}

LX_SYSCALL(link)
{
	uint64_t b[6] = { (uint64_t)AT_FDCWD_G, a[0], (uint64_t)AT_FDCWD_G, a[1], 0, 0 };
	return lx_sys_linkat(t, b);
}

static int64_t do_readlinkat(int dirfd, uint64_t gpath, uint64_t gbuf, uint64_t size)
{
	char tmp[LX_PATH_MAX], path[LX_PATH_MAX];
	int r = lx_get_str(gpath, tmp, sizeof(tmp));
	ssize_t n;

	if (r < 0)
		return r;
	if ((int64_t)size <= 0)
		return -EINVAL;
	if (!lx_range_ok(gbuf, size))
		return -EFAULT;
	if (lx_is_proc_exe(tmp)) {
		/* the guest program, not morph */
		n = (ssize_t)strlen(lx.exe_path);
		if ((uint64_t)n > size)
			n = (ssize_t)size;
		return lx_copy_to_guest(gbuf, lx.exe_path, (size_t)n) < 0 ? -EFAULT : n;
	}
	lx_path_str(tmp, path, sizeof(path));
	return lx_ret(readlinkat(dirfd, path, g2h(gbuf), size));
}

LX_SYSCALL(readlinkat)
{
	return do_readlinkat(dirfd_of(a[0]), a[1], a[2], a[3]);
}

LX_SYSCALL(readlink)
{
	return do_readlinkat(AT_FDCWD, a[0], a[1], a[2]);
}

LX_SYSCALL(getcwd)
{
	if (!lx_range_ok(a[0], a[1]))
		return -EFAULT;
	return lx_ret(syscall(SYS_getcwd, g2h(a[0]), a[1]));
}

PATH_SYSCALL(chdir, 0, chdir(path))

LX_SYSCALL(fchdir)
{
	return lx_ret(fchdir((int)a[0]));
}

PATH_SYSCALL(chroot, 0, chroot(path))

LX_SYSCALL(umask)
{
	return umask((mode_t)a[0]);
}

PATH_SYSCALL(truncate, 0, truncate(path, (off_t)a[1]))

LX_SYSCALL(ftruncate)
{
	return lx_ret(ftruncate((int)a[0], (off_t)a[1]));
}

LX_SYSCALL(fallocate)
{
	return lx_ret(fallocate((int)a[0], (int)a[1], (off_t)a[2], (off_t)a[3]));
}

LX_SYSCALL(fsync)
{
	return lx_ret(fsync((int)a[0]));
}

LX_SYSCALL(fdatasync)
{
	return lx_ret(fdatasync((int)a[0]));
}

LX_SYSCALL(sync)
{
	sync();
	return 0;
}

LX_SYSCALL(syncfs)
{
	return lx_ret(syncfs((int)a[0]));
}

LX_SYSCALL(sync_file_range)
{
	return lx_ret(sync_file_range((int)a[0], (off_t)a[1], (off_t)a[2], (unsigned)a[3]));
}

LX_SYSCALL(fadvise64)
{
	return -posix_fadvise((int)a[0], (off_t)a[1], (off_t)a[2], (int)a[3]);
}

LX_SYSCALL(readahead)
{
	return lx_ret(readahead((int)a[0], (off_t)a[1], a[2]));
}

LX_SYSCALL(flock)
{
	return LX_SAFE(SYS_flock, a[0], a[1], 0, 0, 0, 0);
}

/* ---- fcntl ---- */

/* struct flock, asm-generic 64-bit: short type, short whence, off_t start, len, pid_t pid */
static int get_flock(uint64_t g, struct flock *fl)
{
	uint8_t b[32];

	if (lx.wordsz != 8)
		return -ENOSYS;
	if (lx_copy_from_guest(b, g, sizeof(b)) < 0)
		return -EFAULT;
	memset(fl, 0, sizeof(*fl));
	fl->l_type = (short)lx_ld16(b);
	fl->l_whence = (short)lx_ld16(b + 2);
	fl->l_start = (off_t)lx_ld64(b + 8);
	fl->l_len = (off_t)lx_ld64(b + 16);
	fl->l_pid = (pid_t)lx_ld32(b + 24);
	return 0;
}

static int put_flock(uint64_t g, const struct flock *fl)
{
	uint8_t b[32];

	memset(b, 0, sizeof(b));
	lx_st16(b, (uint16_t)fl->l_type);
	lx_st16(b + 2, (uint16_t)fl->l_whence);
	lx_st64(b + 8, (uint64_t)fl->l_start);
	lx_st64(b + 16, (uint64_t)fl->l_len);
	lx_st32(b + 24, (uint32_t)fl->l_pid);
	return lx_copy_to_guest(g, b, sizeof(b));
}

LX_SYSCALL(fcntl)
{
	int fd = (int)a[0], cmd = lx_map_val_in(lx.abi->fcntl_cmds, (int32_t)a[1]), r;
	struct flock fl;

	switch (cmd) {
	case F_GETFL:
		r = fcntl(fd, F_GETFL);
		return r < 0 ? -errno : (int64_t)lx_open_flags_out(r);
	case F_SETFL:
		return lx_ret(fcntl(fd, F_SETFL, lx_open_flags_in((uint32_t)a[2])));
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		r = get_flock(a[2], &fl);
		if (r < 0)
			return r;
		r = (int)LX_SAFE(SYS_fcntl, fd, cmd, &fl, 0, 0, 0);
		if (r < 0)
			return r;
		if (cmd == F_GETLK || cmd == F_OFD_GETLK)
			return put_flock(a[2], &fl);
		return 0;
	case F_SETSIG: {
		int h = a[2] ? lx_sig_to_host((int)a[2]) : 0;
		if (a[2] && !h)
			return -EINVAL;
		return lx_ret(fcntl(fd, F_SETSIG, h));
	}
	case F_GETSIG:
		r = fcntl(fd, F_GETSIG);
		return r <= 0 ? lx_ret(r) : lx_sig_from_host(r);
	case F_GETOWN_EX:
	case F_SETOWN_EX:
		/* struct f_owner_ex { int type; pid_t pid; }: same everywhere but byte order */
		if (!lx_range_ok(a[2], 8) || lx.be)
			return -EINVAL;
		return lx_ret(fcntl(fd, cmd, g2h(a[2])));
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
	case F_GETFD:
	case F_SETFD:
	case F_GETOWN:
	case F_SETOWN:
	case F_SETLEASE:
	case F_GETLEASE:
	case F_NOTIFY:
	case F_SETPIPE_SZ:
	case F_GETPIPE_SZ:
	case F_ADD_SEALS:
	case F_GET_SEALS:
		return lx_ret(fcntl(fd, cmd, (long)a[2]));
	default:
		return -EINVAL;
	}
}

/* ---- xattrs ---- */

enum xattr_op { XATTR_GET, XATTR_SET, XATTR_LIST, XATTR_REMOVE };
enum xattr_on { ON_PATH, ON_LINK, ON_FD }; /* following symlinks, the link itself, an fd */

/* Host syscall numbers by operation and what it acts on */
static const long xattr_nr[4][3] = {
	[XATTR_GET] = { SYS_getxattr, SYS_lgetxattr, SYS_fgetxattr },
	[XATTR_SET] = { SYS_setxattr, SYS_lsetxattr, SYS_fsetxattr },
	[XATTR_LIST] = { SYS_listxattr, SYS_llistxattr, SYS_flistxattr },
	[XATTR_REMOVE] = { SYS_removexattr, SYS_lremovexattr, SYS_fremovexattr },
};

/*
 * The arguments are (path or fd, name, value, size, flags): list has no name,
 * remove no value and size, and only set has flags.
 */
static int64_t xattr_call(const uint64_t *a, enum xattr_op op, enum xattr_on on)
{
	char path[LX_PATH_MAX], name[256];
	const uint64_t *buf = op == XATTR_LIST ? &a[1] : &a[2]; /* address, size */
	long nr = xattr_nr[op][on], target = (long)(int)a[0];
	int r;

	if (on != ON_FD) {
		if ((r = lx_path(a[0], path, sizeof(path))) < 0)
			return r;
		target = (long)path;
	}
	if (op != XATTR_LIST && (r = lx_get_str(a[1], name, sizeof(name))) < 0)
		return r;
	if (op != XATTR_REMOVE && !lx_range_ok(buf[0], buf[1]))
		return -EFAULT;
	switch (op) {
	case XATTR_GET:
		return lx_ret(syscall(nr, target, name, g2h(buf[0]), buf[1]));
	case XATTR_SET:
		return lx_ret(syscall(nr, target, name, g2h(buf[0]), buf[1], (int)a[4]));
	case XATTR_LIST:
		return lx_ret(syscall(nr, target, g2h(buf[0]), buf[1]));
	default:
		return lx_ret(syscall(nr, target, name));
	}
}

#define XATTR_SYSCALL(name, op, on)                                                                \
	LX_SYSCALL(name)                                                                           \
	{                                                                                          \
		return xattr_call(a, op, on);                                                      \
	}

XATTR_SYSCALL(getxattr, XATTR_GET, ON_PATH)
XATTR_SYSCALL(lgetxattr, XATTR_GET, ON_LINK)
XATTR_SYSCALL(fgetxattr, XATTR_GET, ON_FD)
XATTR_SYSCALL(setxattr, XATTR_SET, ON_PATH)
XATTR_SYSCALL(lsetxattr, XATTR_SET, ON_LINK)
XATTR_SYSCALL(fsetxattr, XATTR_SET, ON_FD)
XATTR_SYSCALL(listxattr, XATTR_LIST, ON_PATH)
XATTR_SYSCALL(llistxattr, XATTR_LIST, ON_LINK)
XATTR_SYSCALL(flistxattr, XATTR_LIST, ON_FD)
XATTR_SYSCALL(removexattr, XATTR_REMOVE, ON_PATH)
XATTR_SYSCALL(lremovexattr, XATTR_REMOVE, ON_LINK)
XATTR_SYSCALL(fremovexattr, XATTR_REMOVE, ON_FD)

/* ---- special files ---- */

LX_SYSCALL(eventfd2)
{
	return lx_ret(eventfd((unsigned)a[0], lx_open_flags_in((uint32_t)a[1])));
}

LX_SYSCALL(eventfd)
{
	return lx_ret(eventfd((unsigned)a[0], 0));
}

LX_SYSCALL(memfd_create)
{
	char name[256];
	int r = lx_get_str(a[0], name, sizeof(name));

	if (r < 0)
		return r;
	return lx_ret(memfd_create(name, (unsigned)a[1]));
}

LX_SYSCALL(inotify_init1)
{
	return lx_ret(inotify_init1(lx_open_flags_in((uint32_t)a[0])));
}

LX_SYSCALL(inotify_init)
{
	return lx_ret(inotify_init());
}

PATH_SYSCALL(inotify_add_watch, 1, inotify_add_watch((int)a[0], path, (uint32_t)a[2]))

LX_SYSCALL(inotify_rm_watch)
{
	return lx_ret(inotify_rm_watch((int)a[0], (int)a[1]));
}

/* ---- copying between files ---- */

static int64_t opt_off(uint64_t g, loff_t **p)
{
	*p = NULL;
	if (!g)
		return 0;
	if (lx.be || !lx_lock(g, 8, GS_PROT_READ | GS_PROT_WRITE))
		return -EFAULT;
	*p = g2h(g);
	return 0;
}

LX_SYSCALL(sendfile)
{
	loff_t *off;

	if (opt_off(a[2], &off) < 0)
		return -EFAULT;
	return lx_ret(sendfile((int)a[0], (int)a[1], (off_t *)off, a[3]));
}

LX_SYSCALL(copy_file_range)
{
	loff_t *in, *out;

	if (opt_off(a[1], &in) < 0 || opt_off(a[3], &out) < 0)
		return -EFAULT;
	return lx_ret(copy_file_range((int)a[0], in, (int)a[2], out, a[4], (unsigned)a[5]));
}

LX_SYSCALL(splice)
{
	loff_t *in, *out;

	if (opt_off(a[1], &in) < 0 || opt_off(a[3], &out) < 0)
		return -EFAULT;
	return lx_ret(splice((int)a[0], in, (int)a[2], out, a[4], (unsigned)a[5]));
}

LX_SYSCALL(tee)
{
	return lx_ret(tee((int)a[0], (int)a[1], a[2], (unsigned)a[3]));
}

LX_SYSCALL(mount)
{
	return -EPERM;
}

LX_SYSCALL(umount2)
{
	return -EPERM;
}
