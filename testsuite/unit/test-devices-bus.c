/*
 * The bus and the host side: region mapping and lookup, bus_ram_ptr()
 * bounds, MMIO dispatch and sizes, ROM, the DMA notifier, reset and cleanup
 * order; the I/O loop (fds, timers, kicks from another thread); character
 * backends (buffer, stdio on a pipe); the block backend (bounds, snapshot
 * overlay, readonly, locking, --drive parsing); --net parsing; device tree
 * nodes built with libfdt.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <libfdt.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <termios.h>

#include "test-devices-harness.h"

/* ------------------------------------------------------------ bus */

struct mmio_log {
	uint64_t last_off, last_val;
	unsigned last_size;
	int reads, writes;
};

static uint64_t log_read(void *opaque, uint64_t off, unsigned size)
{
	struct mmio_log *l = opaque;

	l->reads++;
	l->last_off = off;
	l->last_size = size;
	return 0x1122334455667788ull;
}

static void log_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct mmio_log *l = opaque;

	l->writes++;
	l->last_off = off;
	l->last_val = val;
	l->last_size = size;
}

static const struct bus_ops log_ops = {log_read, log_write};

START_TEST(bus_regions)
{
	struct bus *bus = bus_new();
	struct mmio_log l = {0};
	static uint8_t ram_a[0x2000], ram_b[0x1000];
	uint64_t v;

	ck_assert_int_eq(bus_map_io(bus, 0x10000, 0x100, &log_ops, &l, "log"), 0);
	ck_assert_int_eq(bus_map_ram(bus, 0x20000, sizeof(ram_a), ram_a, 0, "a"), 0);
	/* b directly after a: adjacent regions never join for DMA */
	ck_assert_int_eq(bus_map_ram(bus, 0x22000, sizeof(ram_b), ram_b, 0, "b"), 0);
	/* overlaps and empty or wrapping ranges are refused */
	ck_assert_int_eq(bus_map_io(bus, 0x100ff, 0x10, &log_ops, &l, "x"), -EEXIST);
	ck_assert_int_eq(bus_map_io(bus, 0x0ff00, 0x101, &log_ops, &l, "x"), -EEXIST);
	ck_assert_int_eq(bus_map_io(bus, 0x1ffff, 0x10, &log_ops, &l, "x"), -EEXIST);
	ck_assert_int_eq(bus_map_io(bus, 0x30000, 0, &log_ops, &l, "x"), -EINVAL);
	ck_assert_int_eq(bus_map_io(bus, UINT64_MAX - 4, 0x10, &log_ops, &l, "x"), -EINVAL);
	ck_assert_int_eq(bus_map_io(bus, UINT64_MAX - 0xf, 0x10, &log_ops, &l, "top"), 0);

	ck_assert_ptr_null(bus_find(bus, 0xffff));
	ck_assert_str_eq(bus_find(bus, 0x10000)->name, "log");
	ck_assert_str_eq(bus_find(bus, 0x100ff)->name, "log");
	ck_assert_ptr_null(bus_find(bus, 0x10100));
	ck_assert_str_eq(bus_find(bus, 0x21fff)->name, "a");
	ck_assert_str_eq(bus_find(bus, 0x22000)->name, "b");
	ck_assert_str_eq(bus_find(bus, UINT64_MAX)->name, "top");

	/* bus_ram_ptr: only whole ranges inside one RAM region */
	ck_assert_ptr_eq(bus_ram_ptr(bus, 0x20000, 0x2000), ram_a);
	ck_assert_ptr_eq(bus_ram_ptr(bus, 0x21fff, 1), ram_a + 0x1fff);
	ck_assert_ptr_null(bus_ram_ptr(bus, 0x21fff, 2)); /* crosses into b */
	ck_assert_ptr_null(bus_ram_ptr(bus, 0x20000, 0x2001));
	ck_assert_ptr_null(bus_ram_ptr(bus, 0x10000, 4));	   /* MMIO is not RAM */
	ck_assert_ptr_null(bus_ram_ptr(bus, 0x1fff0, 0x20));	   /* starts outside */
	ck_assert_ptr_null(bus_ram_ptr(bus, 0x20010, UINT64_MAX)); /* wraps */
	ck_assert_ptr_null(bus_ram_ptr(bus, 0x23000, 1));
	ck_assert_ptr_eq(bus_ram_ptr(bus, 0x22fff, 0), ram_b + 0xfff);

	/* MMIO dispatch with offsets, sizes, truncation */
	ck_assert_int_eq(bus_read(bus, 0x10008, 4, &v), 0);
	ck_assert_uint_eq(v, 0x55667788);
	ck_assert_uint_eq(l.last_off, 8);
	ck_assert_uint_eq(l.last_size, 4);
	ck_assert_int_eq(bus_write(bus, 0x10010, 2, 0xabcdef), 0);
	ck_assert_uint_eq(l.last_val, 0xcdef);
	ck_assert_uint_eq(l.last_off, 0x10);
	ck_assert_int_eq(bus_read(bus, 0x10000, 3, &v), BUS_ERR_SIZE);
	ck_assert_int_eq(bus_read(bus, 0x100fe, 4, &v), BUS_ERR_UNMAPPED); /* crosses the end */
	ck_assert_int_eq(bus_read(bus, 0x50000, 4, &v), BUS_ERR_UNMAPPED);
	ck_assert_int_eq(l.reads, 1);
	ck_assert_int_eq(l.writes, 1);

	/* RAM through the bus, little-endian */
	ck_assert_int_eq(bus_write(bus, 0x20004, 4, 0xdeadbeef), 0);
	ck_assert_uint_eq(ram_a[4], 0xef);
	ck_assert_uint_eq(ram_a[7], 0xde);
	ck_assert_int_eq(bus_read(bus, 0x20004, 8, &v), 0);
	ck_assert_uint_eq(v, 0xdeadbeef);
	ck_assert_int_eq(bus_read(bus, 0x21ffc, 8, &v), BUS_ERR_UNMAPPED);
	bus_free(bus);
}
END_TEST

static int dma_calls;
static uint64_t dma_gpa, dma_len;

static void dma_note(void *opaque, uint64_t gpa, uint64_t len)
{
	(void)opaque;
	dma_calls++;
	dma_gpa = gpa;
	dma_len = len;
}

START_TEST(bus_rom_and_dma)
{
	struct bus *bus = bus_new();
	static uint8_t rom[0x100] = {1, 2, 3, 4};
	uint8_t *ram, buf[4];
	uint64_t v;

	ck_assert_int_eq(bus_map_ram(bus, 0x1000, sizeof(rom), rom, BUS_RAM_READONLY, "rom"), 0);
	ram = bus_alloc_ram(bus, 0x80000000, 1 << 20, 0, "ram");
	ck_assert_ptr_nonnull(ram);
	ck_assert_ptr_null(bus_alloc_ram(bus, 0x80000000 + 4096, 4096, 0, "dup"));
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(bus_read(bus, 0x1000, 4, &v), 0);
	ck_assert_uint_eq(v, 0x04030201);
	ck_assert_int_eq(bus_write(bus, 0x1000, 4, 0), BUS_ERR_READONLY);
	ck_assert_uint_eq(rom[0], 1);
	ck_assert_ptr_nonnull(bus_ram_ptr(bus, 0x1000, 4));
	ck_assert_ptr_null(bus_ram_ptr_w(bus, 0x1000, 4));
	ck_assert_ptr_nonnull(bus_ram_ptr_w(bus, 0x80000000, 4));

	bus_set_dma_notifier(bus, dma_note, NULL);
	ck_assert_int_eq(bus_dma_write(bus, 0x80000010, "abcd", 4), 0);
	ck_assert_int_eq(dma_calls, 1);
	ck_assert_uint_eq(dma_gpa, 0x80000010);
	ck_assert_uint_eq(dma_len, 4);
	ck_assert_mem_eq(ram + 0x10, "abcd", 4);
	ck_assert_int_eq(bus_dma_write(bus, 0x1000, "abcd", 4), -EFAULT);
	ck_assert_int_eq(bus_dma_write(bus, 0x80000000 + (1 << 20) - 2, "abcd", 4), -EFAULT);
	ck_assert_int_eq(dma_calls, 1);
	ck_assert_int_eq(bus_dma_read(bus, 0x1001, buf, 3), 0);
	ck_assert_mem_eq(buf, "\2\3\4", 3);
	ck_assert_int_eq(bus_dma_read(bus, 0x10fe, buf, 4), -EFAULT);
	/* CPU stores to RAM do not go to the notifier (the CPU tracks its own) */
	ck_assert_int_eq(bus_write(bus, 0x80000000, 8, 1), 0);
	ck_assert_int_eq(dma_calls, 1);
	bus_free(bus);
}
END_TEST

static char order[16];
static int norder;

static void hook_a(void *o)
{
	(void)o;
	order[norder++] = 'a';
}

static void hook_b(void *o)
{
	(void)o;
	order[norder++] = 'b';
}

START_TEST(bus_hooks)
{
	struct bus *bus = bus_new();

	bus_add_reset(bus, hook_a, NULL);
	bus_add_reset(bus, hook_b, NULL);
	bus_add_cleanup(bus, hook_a, NULL);
	bus_add_cleanup(bus, hook_b, NULL);
	bus_reset(bus);
	ck_assert_int_eq(norder, 2);
	ck_assert_mem_eq(order, "ab", 2);
	norder = 0;
	bus_free(bus);
	ck_assert_int_eq(norder, 2);
	ck_assert_mem_eq(order, "ba", 2); /* cleanups in reverse */
	/* guest errors are counted even when not printed */
	unsigned long n = bus_guest_error_count();

	bus_guest_error("test", "same message %d", 1);
	bus_guest_error("test", "same message %d", 2);
	ck_assert_uint_eq(bus_guest_error_count(), n + 2);
}
END_TEST

/* ------------------------------------------------------------ I/O loop */

struct fdlog {
	int fd;
	char got[64];
	size_t n;
};

static void fd_readable(void *opaque, short revents)
{
	struct fdlog *f = opaque;
	ssize_t r;

	(void)revents;
	r = read(f->fd, f->got + f->n, sizeof(f->got) - f->n);
	if (r > 0)
		f->n += (size_t)r;
}

static int timer_hits;

static void timer_cb(void *opaque)
{
	(void)opaque;
	timer_hits++;
}

START_TEST(ioloop_fds_and_timers)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct ioloop *loop = ioloop_new(&lock);
	struct ioloop_timer *t1, *t2;
	struct ioloop_fd *h;
	struct fdlog f = {0};
	int p[2];
	int64_t start;

	ck_assert_int_eq(pipe(p), 0);
	f.fd = p[0];
	pthread_mutex_lock(&lock);
	h = ioloop_fd_add(loop, p[0], POLLIN, fd_readable, &f);
	t1 = ioloop_timer_new(loop, timer_cb, NULL);
	t2 = ioloop_timer_new(loop, timer_cb, NULL);
	pthread_mutex_unlock(&lock);
	ck_assert_int_eq(write(p[1], "ping", 4), 4);
	ck_assert_int_ge(ioloop_run_once(loop, 1000), 1);
	ck_assert_uint_eq(f.n, 4);
	/* nothing ready: returns after the timeout */
	start = host_clock_ns();
	ck_assert_int_eq(ioloop_run_once(loop, 20), 0);
	ck_assert_int_ge(host_clock_ns() - start, 19000000);
	/* a timer 10 ms away ends the wait early; a disarmed one never fires */
	pthread_mutex_lock(&lock);
	ioloop_timer_mod(t1, host_clock_ns() + 10000000);
	ioloop_timer_mod(t2, host_clock_ns() + 5000000);
	ioloop_timer_del(t2);
	ck_assert(!ioloop_timer_pending(t2, NULL));
	ck_assert(ioloop_timer_pending(t1, NULL));
	pthread_mutex_unlock(&lock);
	start = host_clock_ns();
	while (timer_hits == 0)
		ioloop_run_once(loop, 1000);
	ck_assert_int_eq(timer_hits, 1);
	ck_assert_int_ge(host_clock_ns() - start, 9000000);
	ck_assert_int_lt(host_clock_ns() - start, 500000000);
	ck_assert(!ioloop_timer_pending(t1, NULL));
	/* fd with no events: not polled */
	pthread_mutex_lock(&lock);
	ioloop_fd_set_events(h, 0);
	pthread_mutex_unlock(&lock);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_eq(ioloop_run_once(loop, 10), 0);
	ck_assert_uint_eq(f.n, 4);
	pthread_mutex_lock(&lock);
	ioloop_fd_remove(h);
	ioloop_timer_free(t1);
	ioloop_timer_free(t2);
	pthread_mutex_unlock(&lock);
	ioloop_run_once(loop, 0);
	ioloop_free(loop);
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(ioloop_thread_kick)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct ioloop *loop = ioloop_new(&lock);
	struct ioloop_timer *t;
	int64_t start;

	timer_hits = 0;
	ck_assert_int_eq(ioloop_start(loop), 0);
	/* the loop sleeps with no deadline: arming a timer from here must wake it */
	nanosleep(&(struct timespec){0, 20000000}, NULL);
	pthread_mutex_lock(&lock);
	t = ioloop_timer_new(loop, timer_cb, NULL);
	ioloop_timer_mod(t, host_clock_ns() + 5000000);
	pthread_mutex_unlock(&lock);
	start = host_clock_ns();
	for (;;) {
		pthread_mutex_lock(&lock);
		int hits = timer_hits;

		pthread_mutex_unlock(&lock);
		if (hits || host_clock_ns() - start > 2000000000)
			break;
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	}
	ck_assert_int_eq(timer_hits, 1);
	ck_assert_int_lt(host_clock_ns() - start, 500000000);
	pthread_mutex_lock(&lock);
	ioloop_timer_free(t);
	pthread_mutex_unlock(&lock);
	ioloop_stop(loop);
	ioloop_free(loop);
}
END_TEST

/* ------------------------------------------------------------ character */

struct sink {
	char got[64];
	size_t n;
	size_t room;
};

static size_t sink_can(void *opaque)
{
	struct sink *s = opaque;

	return s->room;
}

static void sink_recv(void *opaque, const uint8_t *buf, size_t len)
{
	struct sink *s = opaque;

	ck_assert_uint_le(len, s->room);
	memcpy(s->got + s->n, buf, len);
	s->n += len;
	s->room -= len;
}

static int quits;

static void on_quit(void *opaque)
{
	(void)opaque;
	quits++;
}

START_TEST(chardev_stdio_pipe)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct ioloop *loop = ioloop_new(&lock);
	struct chardev *chr;
	struct sink s = {.room = 3};
	int in[2], out[2];
	char buf[16];

	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	chr = chardev_stdio_new(
	    loop, &(struct chardev_stdio_opts){.in_fd = in[0], .out_fd = out[1], .quit = on_quit});
	ck_assert_ptr_nonnull(chr);
	chardev_set_frontend(chr, sink_can, sink_recv, &s);
	ck_assert_uint_eq(chardev_write(chr, (const uint8_t *)"out", 3), 3);
	ck_assert_int_eq(read(out[0], buf, sizeof(buf)), 3);
	ck_assert_mem_eq(buf, "out", 3);
	/* a pipe is not a tty: Ctrl-A passes through, flow control holds the rest */
	ck_assert_int_eq(write(in[1], "a\001xbc", 5), 5);
	ioloop_run_once(loop, 1000);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_mem_eq(s.got, "a\001x", 3);
	s.room = 10;
	pthread_mutex_lock(&lock);
	chardev_accept_input(chr);
	pthread_mutex_unlock(&lock);
	ck_assert_uint_eq(s.n, 5);
	ck_assert_mem_eq(s.got, "a\001xbc", 5);
	ck_assert_int_eq(quits, 0);
	/* end of input: the loop stops polling, nothing breaks */
	close(in[1]);
	ioloop_run_once(loop, 100);
	ck_assert_int_eq(ioloop_run_once(loop, 10), 0);
	pthread_mutex_lock(&lock);
	chardev_close(chr);
	pthread_mutex_unlock(&lock);
	ioloop_free(loop);
	close(in[0]);
	close(out[0]);
	close(out[1]);
}
END_TEST

START_TEST(chardev_stdio_tty_escapes)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct ioloop *loop = ioloop_new(&lock);
	struct chardev *chr;
	struct sink s = {.room = 64};
	struct termios tio;
	char buf[512];
	int master, slave;
	ssize_t n;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	ck_assert_int_ge(master, 0);
	ck_assert_int_eq(grantpt(master), 0);
	ck_assert_int_eq(unlockpt(master), 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	ck_assert_int_ge(slave, 0);
	quits = 0;
	chr = chardev_stdio_new(
	    loop, &(struct chardev_stdio_opts){.in_fd = slave, .out_fd = slave, .quit = on_quit});
	ck_assert_ptr_nonnull(chr);
	chardev_set_frontend(chr, sink_can, sink_recv, &s);
	/* raw mode: no echo, no line buffering, Ctrl-C is a byte for the guest */
	ck_assert_int_eq(tcgetattr(slave, &tio), 0);
	ck_assert_uint_eq(tio.c_lflag & (ICANON | ECHO | ISIG), 0);
	/* C-a C-a sends one C-a; C-a h prints help and sends nothing; C-a x quits */
	ck_assert_int_eq(write(master, "a\001\001b\003\001hc", 8), 8);
	for (int i = 0; i < 20 && s.n < 5; i++)
		ioloop_run_once(loop, 50);
	ck_assert_uint_eq(s.n, 5);
	ck_assert_mem_eq(s.got, "a\001b\003c", 5);
	n = read(master, buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = 0;
	ck_assert_ptr_nonnull(strstr(buf, "C-a x"));
	ck_assert_int_eq(quits, 0);
	ck_assert_int_eq(write(master, "\001x", 2), 2);
	for (int i = 0; i < 20 && !quits; i++)
		ioloop_run_once(loop, 50);
	ck_assert_int_eq(quits, 1);
	ck_assert_uint_eq(s.n, 5);
	/* closing restores the terminal */
	pthread_mutex_lock(&lock);
	chardev_close(chr);
	pthread_mutex_unlock(&lock);
	ck_assert_int_eq(tcgetattr(slave, &tio), 0);
	ck_assert_uint_eq(tio.c_lflag & ICANON, ICANON);
	ioloop_free(loop);
	close(slave);
	close(master);
}
END_TEST

/* ------------------------------------------------------------ block backend */

static void tmp_image(char *path, size_t size, uint8_t fill)
{
	uint8_t *buf = malloc(size);
	int fd;

	strcpy(path, "/tmp/morph-test-bd-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	memset(buf, fill, size);
	ck_assert_int_eq(write(fd, buf, size), (ssize_t)size);
	close(fd);
	free(buf);
}

START_TEST(blockdev_file_modes)
{
	char path[64], buf[8192];
	struct blockdev *bd, *bd2;
	struct iovec iov;

	tmp_image(path, 65536 + 100, 0x11);
	bd = blockdev_open_file(path, 0);
	ck_assert_ptr_nonnull(bd);
	ck_assert_uint_eq(bd->size, 65536 + 100);
	ck_assert(!bd->readonly);
	/* an exclusive lock: a second writer (or reader) is refused */
	ck_assert_ptr_null(blockdev_open_file(path, 0));
	ck_assert_int_eq(errno, EBUSY);
	ck_assert_ptr_null(blockdev_open_file(path, BLOCKDEV_READONLY));
	/* out of range */
	iov = (struct iovec){buf, 512};
	ck_assert_int_eq(blockdev_readv(bd, 65536, &iov, 1), -EINVAL);
	ck_assert_int_eq(blockdev_readv(bd, UINT64_MAX - 10, &iov, 1), -EINVAL);
	ck_assert_int_eq(blockdev_writev(bd, 65536, &iov, 1), -EINVAL);
	iov.iov_len = 100;
	ck_assert_int_eq(blockdev_readv(bd, 65536, &iov, 1), 0);
	ck_assert_int_eq(blockdev_close(bd), 0);

	/* readonly: shared lock, writes refused */
	bd = blockdev_open_file(path, BLOCKDEV_READONLY);
	bd2 = blockdev_open_file(path, BLOCKDEV_SNAPSHOT);
	ck_assert_ptr_nonnull(bd);
	ck_assert_ptr_nonnull(bd2);
	ck_assert(bd->readonly);
	iov = (struct iovec){buf, 512};
	ck_assert_int_eq(blockdev_writev(bd, 0, &iov, 1), -EROFS);
	ck_assert_int_eq(bd->ops->discard(bd, 0, 512), -EROFS);
	ck_assert_int_eq(blockdev_flush(bd), 0);
	ck_assert_int_eq(blockdev_close(bd), 0);

	/* snapshot: writes visible to reads across clusters, the file untouched */
	memset(buf, 0x99, sizeof(buf));
	iov = (struct iovec){buf, 6000};
	ck_assert_int_eq(blockdev_writev(bd2, 3000, &iov, 1), 0);
	ck_assert_int_eq(bd2->ops->write_zeroes(bd2, 4000, 10), 0);
	memset(buf, 0, sizeof(buf));
	iov = (struct iovec){buf, 8192};
	ck_assert_int_eq(blockdev_readv(bd2, 2048, &iov, 1), 0);
	for (int i = 0; i < 8192; i++) {
		int pos = 2048 + i;
		uint8_t want = pos < 3000 || pos >= 9000     ? 0x11
			       : (pos >= 4000 && pos < 4010) ? 0
							     : 0x99;

		ck_assert_uint_eq((uint8_t)buf[i], want);
	}
	/* many small writes grow the overlay's table */
	for (int c = 0; c < 16; c++) {
		char one = (char)c;
		struct iovec o = {&one, 1};

		ck_assert_int_eq(blockdev_writev(bd2, (uint64_t)c * 4096 + 7, &o, 1), 0);
	}
	for (int c = 0; c < 16; c++) {
		char one;
		struct iovec o = {&one, 1};

		ck_assert_int_eq(blockdev_readv(bd2, (uint64_t)c * 4096 + 7, &o, 1), 0);
		ck_assert_int_eq(one, c);
	}
	ck_assert_int_eq(blockdev_close(bd2), 0);
	int fd = open(path, O_RDONLY);

	ck_assert_int_eq(pread(fd, buf, 8192, 0), 8192);
	for (int i = 0; i < 8192; i++)
		ck_assert_uint_eq((uint8_t)buf[i], 0x11);
	close(fd);

	/* read/write through many iovecs */
	bd = blockdev_open_file(path, 0);
	struct iovec v[100];

	for (int i = 0; i < 100; i++) {
		buf[i] = (char)i;
		v[i] = (struct iovec){buf + i, 1};
	}
	ck_assert_int_eq(blockdev_writev(bd, 512, v, 100), 0);
	memset(buf, 0, 100);
	ck_assert_int_eq(blockdev_readv(bd, 512, v, 100), 0);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(buf[i], i);
	ck_assert_int_eq(bd->ops->discard(bd, 0, 4096), 0);
	ck_assert_int_eq(blockdev_close(bd), 0);
	unlink(path);
	/* missing files and directories are errors */
	ck_assert_ptr_null(blockdev_open_file("/nonexistent/disk.img", 0));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_null(blockdev_open_file("/tmp", BLOCKDEV_READONLY));
}
END_TEST

START_TEST(drive_and_net_specs)
{
	char err[200], *path;
	unsigned flags;
	struct netdev_user_opts o;

	ck_assert_int_eq(blockdev_parse_spec("disk.img", &path, &flags, err, sizeof(err)), 0);
	ck_assert_str_eq(path, "disk.img");
	ck_assert_uint_eq(flags, 0);
	free(path);
	ck_assert_int_eq(
	    blockdev_parse_spec("a,,b.img,readonly,snapshot=on", &path, &flags, err, sizeof(err)),
	    0);
	ck_assert_str_eq(path, "a,b.img");
	ck_assert_uint_eq(flags, BLOCKDEV_READONLY | BLOCKDEV_SNAPSHOT);
	free(path);
	ck_assert_int_eq(
	    blockdev_parse_spec("x.img,snapshot,snapshot=off", &path, &flags, err, sizeof(err)), 0);
	ck_assert_uint_eq(flags, 0);
	free(path);
	ck_assert_int_eq(blockdev_parse_spec("x.img,bogus", &path, &flags, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "bogus"));
	ck_assert_int_eq(blockdev_parse_spec(",readonly", &path, &flags, err, sizeof(err)),
			 -EINVAL);

	ck_assert_int_eq(netdev_user_parse("user", &o, err, sizeof(err)), 0);
	ck_assert_uint_eq(o.nhostfwd, 0);
	ck_assert(o.ipv6);
	ck_assert_int_eq(netdev_user_parse("user,hostfwd=tcp::2222-:22,hostfwd=udp:0.0.0.0:53-"
					   "10.0.2.16:5353,ipv6=off,restrict=on",
					   &o, err, sizeof(err)),
			 0);
	ck_assert_uint_eq(o.nhostfwd, 2);
	ck_assert(!o.hostfwd[0].udp);
	ck_assert_uint_eq(o.hostfwd[0].host_port, 2222);
	ck_assert_uint_eq(o.hostfwd[0].guest_port, 22);
	ck_assert_uint_eq(o.hostfwd[0].host_addr, htonl(0x7f000001));
	ck_assert_uint_eq(o.hostfwd[0].guest_addr, htonl(0x0a00020f));
	ck_assert(o.hostfwd[1].udp);
	ck_assert_uint_eq(o.hostfwd[1].host_addr, 0);
	ck_assert_uint_eq(o.hostfwd[1].guest_addr, htonl(0x0a000210));
	ck_assert(!o.ipv6);
	ck_assert(o.restrict_net);
	ck_assert_int_eq(netdev_user_parse("tap", &o, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(netdev_user_parse("user,hostfwd=tcp::0-:22", &o, err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_eq(netdev_user_parse("user,hostfwd=tcp::70000-:22", &o, err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_eq(netdev_user_parse("user,hostfwd=sctp::1-:2", &o, err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_eq(netdev_user_parse("user,hostfwd=tcp:1.2.3:1-:2", &o, err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_eq(netdev_user_parse("user,foo=bar", &o, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(netdev_user_parse("usery", &o, err, sizeof(err)), -EINVAL);
}
END_TEST

/* ------------------------------------------------------------ device tree */

static uint32_t prop_u32(const void *fdt, int node, const char *name, int idx)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_gt(len, idx * 4);
	return fdt32_to_cpu(p[idx]);
}

START_TEST(fdt_nodes)
{
	static char fdt[16384];
	uint32_t intc[2] = {10, 11};
	int soc, node, len;
	const char *s;

	ck_assert_int_eq(fdt_create_empty_tree(fdt, sizeof(fdt)), 0);
	soc = fdt_add_subnode(fdt, 0, "soc");
	ck_assert_int_ge(soc, 0);
	fdt_setprop_u32(fdt, soc, "#address-cells", 2);
	fdt_setprop_u32(fdt, soc, "#size-cells", 2);
	ck_assert_int_ge(dev_fdt_plic(fdt, soc, 0xc000000, 96, intc, 2, 3), 0);
	ck_assert_int_ge(dev_fdt_clint(fdt, soc, 0x2000000, intc, 2), 0);
	ck_assert_int_ge(dev_fdt_uart16550(fdt, soc, 0x10000000, 0, 3, 10), 0);
	ck_assert_int_ge(dev_fdt_goldfish_rtc(fdt, soc, 0x101000, 3, 11), 0);
	node = dev_fdt_sifive_test(fdt, fdt_path_offset(fdt, "/soc"), 0x100000, 4);
	ck_assert_int_ge(node, 0);
	ck_assert_str_eq(fdt_get_name(fdt, node, NULL), "test@100000");
	ck_assert_int_ge(dev_fdt_virtio_mmio(fdt, fdt_path_offset(fdt, "/soc"), 0x10001000, 3, 1),
			 0);
	ck_assert_int_eq(fdt_check_header(fdt), 0);

	node = fdt_path_offset(fdt, "/soc/plic@c000000");
	ck_assert_int_ge(node, 0);
	ck_assert_int_eq(fdt_node_check_compatible(fdt, node, "riscv,plic0"), 0);
	ck_assert_int_eq(fdt_node_check_compatible(fdt, node, "sifive,plic-1.0.0"), 0);
	ck_assert_uint_eq(prop_u32(fdt, node, "riscv,ndev", 0), 95);
	ck_assert_uint_eq(prop_u32(fdt, node, "phandle", 0), 3);
	ck_assert_uint_eq(prop_u32(fdt, node, "interrupts-extended", 1), 11);
	ck_assert_uint_eq(prop_u32(fdt, node, "interrupts-extended", 3), 9);
	ck_assert_uint_eq(prop_u32(fdt, node, "interrupts-extended", 4), 11);
	ck_assert_ptr_nonnull(fdt_getprop(fdt, node, "interrupt-controller", &len));
	ck_assert_uint_eq(prop_u32(fdt, node, "reg", 1), 0xc000000);
	ck_assert_uint_eq(prop_u32(fdt, node, "reg", 3), plic_size(4));

	node = fdt_path_offset(fdt, "/soc/clint@2000000");
	ck_assert_int_eq(fdt_node_check_compatible(fdt, node, "riscv,clint0"), 0);
	ck_assert_uint_eq(prop_u32(fdt, node, "interrupts-extended", 1), 3);
	ck_assert_uint_eq(prop_u32(fdt, node, "interrupts-extended", 3), 7);
	ck_assert_uint_eq(prop_u32(fdt, node, "reg", 3), 0x10000);

	node = fdt_path_offset(fdt, "/soc/serial@10000000");
	ck_assert_int_eq(fdt_node_check_compatible(fdt, node, "ns16550a"), 0);
	ck_assert_uint_eq(prop_u32(fdt, node, "interrupts", 0), 10);
	ck_assert_uint_eq(prop_u32(fdt, node, "interrupt-parent", 0), 3);
	ck_assert_uint_eq(prop_u32(fdt, node, "clock-frequency", 0), 3686400);

	node = fdt_path_offset(fdt, "/soc/rtc@101000");
	ck_assert_int_eq(fdt_node_check_compatible(fdt, node, "google,goldfish-rtc"), 0);

	node = fdt_path_offset(fdt, "/poweroff");
	ck_assert_int_ge(node, 0);
	s = fdt_getprop(fdt, node, "compatible", &len);
	ck_assert_str_eq(s, "syscon-poweroff");
	ck_assert_uint_eq(prop_u32(fdt, node, "value", 0), 0x5555);
	ck_assert_uint_eq(prop_u32(fdt, node, "regmap", 0), 4);
	node = fdt_path_offset(fdt, "/reboot");
	ck_assert_uint_eq(prop_u32(fdt, node, "value", 0), 0x7777);
	node = fdt_path_offset(fdt, "/soc/test@100000");
	ck_assert_int_eq(fdt_node_check_compatible(fdt, node, "syscon"), 0);
	ck_assert_int_eq(fdt_node_offset_by_phandle(fdt, 4), node);

	node = fdt_path_offset(fdt, "/soc/virtio_mmio@10001000");
	ck_assert_int_eq(fdt_node_check_compatible(fdt, node, "virtio,mmio"), 0);
	ck_assert_uint_eq(prop_u32(fdt, node, "interrupts", 0), 1);
	ck_assert_uint_eq(prop_u32(fdt, node, "reg", 3), 0x1000);

	/* the tree survives a round trip through dtc, if the host has it */
	if (access("/usr/bin/dtc", X_OK) == 0) {
		FILE *f = fopen("/tmp/morph-test-fdt.dtb", "wb");

		fwrite(fdt, 1, fdt_totalsize(fdt), f);
		fclose(f);
		ck_assert_int_eq(
		    system("dtc -q -I dtb -O dts -o /dev/null /tmp/morph-test-fdt.dtb"), 0);
		unlink("/tmp/morph-test-fdt.dtb");
	}
}
END_TEST

static Suite *bus_suite(void)
{
	Suite *s = suite_create("devices-bus");
	TCase *tc = tcase_create("bus");

	tcase_add_test(tc, bus_regions);
	tcase_add_test(tc, bus_rom_and_dma);
	tcase_add_test(tc, bus_hooks);
	suite_add_tcase(s, tc);
	tc = tcase_create("host");
	tcase_add_test(tc, ioloop_fds_and_timers);
	tcase_add_test(tc, ioloop_thread_kick);
	tcase_add_test(tc, chardev_stdio_pipe);
	tcase_add_test(tc, chardev_stdio_tty_escapes);
	tcase_add_test(tc, blockdev_file_modes);
	tcase_add_test(tc, drive_and_net_specs);
	tcase_add_test(tc, fdt_nodes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(bus_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
