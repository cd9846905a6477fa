/*
 * The raw image file block backend.
 *
 * Normal mode reads and writes the file with preadv/pwritev; flush is
 * fdatasync and close flushes once more, so what the guest wrote survives
 * morph's exit and a host crash after a guest flush. Snapshot mode opens the
 * file read-only and keeps written 4 KiB clusters in an in-memory overlay
 * (a hash table): the guest sees its writes, the image never changes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "morph/hostdev.h"

#define CLUSTER_BITS 12
#define CLUSTER_SIZE (1u << CLUSTER_BITS)

struct overlay_slot {
	uint64_t idx; /* cluster number + 1; 0: empty */
	uint8_t *data;
};

struct blockdev_file {
	struct blockdev bd;
	int fd;
	bool snapshot;
	struct overlay_slot *slots; /* open addressing, power-of-two size */
	size_t nslots, used;
};

/* ------------------------------------------------------------ iovec helpers */

/* Copy @len bytes between @buf and the iovec at byte offset @off. */
static void iov_copy(const struct iovec *iov, int iovcnt, size_t off, void *buf, size_t len,
		     bool to_iov)
{
	uint8_t *b = buf;

	for (int i = 0; i < iovcnt && len; i++) {
		size_t l = iov[i].iov_len;

		if (off >= l) {
			off -= l;
			continue;
		}
		l -= off;
		if (l > len)
			l = len;
		if (to_iov)
			memcpy((uint8_t *)iov[i].iov_base + off, b, l);
		else
			memcpy(b, (uint8_t *)iov[i].iov_base + off, l);
		b += l;
		len -= l;
		off = 0;
	}
}

static size_t iov_size(const struct iovec *iov, int iovcnt)
{
	size_t n = 0;

	for (int i = 0; i < iovcnt; i++)
		n += iov[i].iov_len;
	return n;
}

/* Advance an iovec array (a private copy) past @n bytes. */
static void iov_advance(struct iovec **iov, int *iovcnt, size_t n)
{
	while (*iovcnt && n >= (*iov)->iov_len) {
		n -= (*iov)->iov_len;
		(*iov)++;
		(*iovcnt)--;
	}
	if (*iovcnt && n) {
		(*iov)->iov_base = (uint8_t *)(*iov)->iov_base + n;
		(*iov)->iov_len -= n;
	}
}

/* preadv/pwritev until done; reads past the end of the file give zeros. */
static int file_rw(int fd, uint64_t off, const struct iovec *iov_in, int iovcnt, bool write)
{
	struct iovec stack[64], *copy = stack, *iov;
	size_t total = iov_size(iov_in, iovcnt);
	int err = 0;

	if (iovcnt > 64) {
		copy = malloc(iovcnt * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
	}
	memcpy(copy, iov_in, iovcnt * sizeof(*copy));
	iov = copy;
	while (total) {
		int cnt = iovcnt > IOV_MAX ? IOV_MAX : iovcnt;
		ssize_t n =
		    write ? pwritev(fd, iov, cnt, (off_t)off) : preadv(fd, iov, cnt, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (n == 0) {
			if (write) {
				err = -EIO;
				break;
			}
			/* end of file (the image shrank under us): the rest reads as zeros */
			for (int i = 0; i < iovcnt; i++)
				memset(iov[i].iov_base, 0, iov[i].iov_len);
			break;
		}
		total -= (size_t)n;
		off += (uint64_t)n;
		iov_advance(&iov, &iovcnt, (size_t)n);
	}
	if (copy != stack)
		free(copy);
	return err;
}

/* ------------------------------------------------------------ the overlay */

static struct overlay_slot *overlay_find(struct blockdev_file *f, uint64_t cluster)
{
	size_t mask = f->nslots - 1;

	if (!f->nslots)
		return NULL;
	for (size_t i = (cluster * 0x9e3779b97f4a7c15ull) >> 20 & mask;; i = (i + 1) & mask) {
		if (f->slots[i].idx == cluster + 1)
			return &f->slots[i];
		if (f->slots[i].idx == 0)
			return NULL;
	}
}

static int overlay_grow(struct blockdev_file *f)
{
	size_t n = f->nslots ? f->nslots * 2 : 1024;
	struct overlay_slot *s = calloc(n, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (size_t j = 0; j < f->nslots; j++) {
		struct overlay_slot *o = &f->slots[j];

		if (!o->idx)
			continue;
		for (size_t i = ((o->idx - 1) * 0x9e3779b97f4a7c15ull) >> 20 & (n - 1);;
		     i = (i + 1) & (n - 1)) {
			if (!s[i].idx) {
				s[i] = *o;
				break;
			}
		}
	}
	free(f->slots);
	f->slots = s;
	f->nslots = n;
	return 0;
}

/* The overlay copy of @cluster, created from the file's contents if needed. */
static uint8_t *overlay_get(struct blockdev_file *f, uint64_t cluster)
{
	struct overlay_slot *s = overlay_find(f, cluster);
	struct iovec iov;
	uint8_t *data;

	if (s)
		return s->data;
	if ((f->used + 1) * 2 > f->nslots && overlay_grow(f) < 0)
		return NULL;
	data = malloc(CLUSTER_SIZE);
	if (!data)
		return NULL;
	iov.iov_base = data;
	iov.iov_len = CLUSTER_SIZE;
	if (file_rw(f->fd, cluster << CLUSTER_BITS, &iov, 1, false) < 0) {
		free(data);
		return NULL;
	}
	for (size_t i = (cluster * 0x9e3779b97f4a7c15ull) >> 20 & (f->nslots - 1);;
	     i = (i + 1) & (f->nslots - 1)) {
		if (!f->slots[i].idx) {
			f->slots[i].idx = cluster + 1;
			f->slots[i].data = data;
			break;
		}
	}
	f->used++;
	return data;
}

/* ------------------------------------------------------------ operations */

static int bf_readv(struct blockdev *bd, uint64_t off, const struct iovec *iov, int iovcnt)
{
	struct blockdev_file *f = (struct blockdev_file *)bd;
	size_t len = iov_size(iov, iovcnt), done = 0;

	if (off > bd->size || len > bd->size - off)
		return -EINVAL;
	if (!f->snapshot || !f->used)
		return file_rw(f->fd, off, iov, iovcnt, false);
	/* cluster by cluster: from the overlay where written, else from the file */
	while (done < len) {
		uint64_t pos = off + done, cl = pos >> CLUSTER_BITS;
		size_t in = pos & (CLUSTER_SIZE - 1), n = CLUSTER_SIZE - in;
		struct overlay_slot *s = overlay_find(f, cl);
		uint8_t tmp[CLUSTER_SIZE];

		if (n > len - done)
			n = len - done;
		if (s) {
			iov_copy(iov, iovcnt, done, s->data + in, n, true);
		} else {
			struct iovec t = {tmp, n};
			int err = file_rw(f->fd, pos, &t, 1, false);

			if (err)
				return err;
			iov_copy(iov, iovcnt, done, tmp, n, true);
		}
		done += n;
	}
	return 0;
}

static int bf_writev(struct blockdev *bd, uint64_t off, const struct iovec *iov, int iovcnt)
{
	struct blockdev_file *f = (struct blockdev_file *)bd;
	size_t len = iov_size(iov, iovcnt), done = 0;

	if (bd->readonly)
		return -EROFS;
	if (off > bd->size || len > bd->size - off)
		return -EINVAL;
	if (!f->snapshot)
		return file_rw(f->fd, off, iov, iovcnt, true);
	while (done < len) {
		uint64_t pos = off + done;
		size_t in = pos & (CLUSTER_SIZE - 1), n = CLUSTER_SIZE - in;
		uint8_t *data = overlay_get(f, pos >> CLUSTER_BITS);

		if (!data)
			return -ENOMEM;
		if (n > len - done)
			n = len - done;
		iov_copy(iov, iovcnt, done, data + in, n, false);
		done += n;
	}
	return 0;
}

static int bf_flush(struct blockdev *bd)
{
	struct blockdev_file *f = (struct blockdev_file *)bd;

	if (bd->readonly || f->snapshot)
		return 0;
	while (fdatasync(f->fd) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

static int bf_write_zeroes(struct blockdev *bd, uint64_t off, uint64_t len)
{
	struct blockdev_file *f = (struct blockdev_file *)bd;
	static const uint8_t zero[CLUSTER_SIZE];

	if (bd->readonly)
		return -EROFS;
	if (off > bd->size || len > bd->size - off)
		return -EINVAL;
	if (!f->snapshot && fallocate(f->fd, FALLOC_FL_ZERO_RANGE, (off_t)off, (off_t)len) == 0)
		return 0;
	while (len) {
		size_t n = len > CLUSTER_SIZE ? CLUSTER_SIZE : len;
		struct iovec iov = {(void *)zero, n};
		int err = bf_writev(bd, off, &iov, 1);

		if (err)
			return err;
		off += n;
		len -= n;
	}
	return 0;
}

static int bf_discard(struct blockdev *bd, uint64_t off, uint64_t len)
{
	struct blockdev_file *f = (struct blockdev_file *)bd;

	if (bd->readonly)
		return -EROFS;
	if (off > bd->size || len > bd->size - off)
		return -EINVAL;
	if (f->snapshot)
		return bf_write_zeroes(bd, off, len);
	/* a hint: a file system without hole punching just keeps the data */
	if (fallocate(f->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) <
		0 &&
	    errno != EOPNOTSUPP && errno != ENOSYS)
		return -errno;
	return 0;
}

static int bf_close(struct blockdev *bd)
{
	struct blockdev_file *f = (struct blockdev_file *)bd;
	int err = bf_flush(bd);

	close(f->fd);
	for (size_t i = 0; i < f->nslots; i++)
		free(f->slots[i].data);
	free(f->slots);
	free(f);
	return err;
}

static const struct blockdev_ops blockdev_file_ops = {
    .readv = bf_readv,
    .writev = bf_writev,
    .flush = bf_flush,
    .discard = bf_discard,
    .write_zeroes = bf_write_zeroes,
    .close = bf_close,
};

struct blockdev *blockdev_open_file(const char *path, unsigned flags)
{
	bool ro = flags & BLOCKDEV_READONLY, snap = flags & BLOCKDEV_SNAPSHOT;
	struct blockdev_file *f;
	struct stat st;
	uint64_t size;
	int fd, err;

	fd = open(path, (ro || snap ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &size) < 0)
			goto fail;
	} else if (S_ISREG(st.st_mode)) {
		size = (uint64_t)st.st_size;
	} else {
		errno = EINVAL;
		goto fail;
	}
	if (flock(fd, (ro || snap ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			errno = EBUSY;
		goto fail;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		errno = ENOMEM;
		goto fail;
	}
	f->bd.ops = &blockdev_file_ops;
	f->bd.size = size;
	f->bd.readonly = ro;
	f->fd = fd;
	f->snapshot = snap;
	return &f->bd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return NULL;
}

int blockdev_close(struct blockdev *bd)
{
	return bd ? bd->ops->close(bd) : 0;
}

/* "on"/"off"/"" (bare flag) -> 1/0; -1 if neither. */
static int parse_bool(const char *v, size_t n)
{
	if (n == 0 || (n == 2 && !memcmp(v, "on", 2)) || (n == 3 && !memcmp(v, "yes", 3)))
		return 1;
	if ((n == 3 && !memcmp(v, "off", 3)) || (n == 2 && !memcmp(v, "no", 2)))
		return 0;
	return -1;
}

int blockdev_parse_spec(const char *spec, char **path, unsigned *flags, char *err, size_t errlen)
{
	size_t n = strlen(spec), o = 0;
	const char *p = spec;
	char *file = malloc(n + 1);

	if (!file) {
		snprintf(err, errlen, "out of memory");
		return -EINVAL;
	}
	/* the file name runs to the first single comma; ",," is a literal comma (QEMU) */
	while (*p) {
		if (*p == ',') {
			if (p[1] != ',')
				break;
			p++;
		}
		file[o++] = *p++;
	}
	file[o] = 0;
	if (o == 0) {
		snprintf(err, errlen, "drive '%s': no file name", spec);
		goto bad;
	}
	*flags = 0;
	while (*p == ',') {
		const char *opt = ++p, *eq;
		size_t len;
		int b;

		while (*p && *p != ',')
			p++;
		len = (size_t)(p - opt);
		eq = memchr(opt, '=', len);
		size_t klen = eq ? (size_t)(eq - opt) : len;
		const char *val = eq ? eq + 1 : opt + len;

		b = parse_bool(val, (size_t)(opt + len - val));
		if (klen == 8 && !memcmp(opt, "readonly", 8) && b >= 0) {
			*flags = b ? *flags | BLOCKDEV_READONLY : *flags & ~BLOCKDEV_READONLY;
		} else if (klen == 8 && !memcmp(opt, "snapshot", 8) && b >= 0) {
			*flags = b ? *flags | BLOCKDEV_SNAPSHOT : *flags & ~BLOCKDEV_SNAPSHOT;
		} else {
			snprintf(err, errlen,
				 "drive '%s': unknown option '%.*s' "
				 "(expected readonly or snapshot)",
				 spec, (int)len, opt);
			goto bad;
		}
	}
	*path = file;
	return 0;
bad:
	free(file);
	return -EINVAL;
}
