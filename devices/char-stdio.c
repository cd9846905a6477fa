/*
 * The terminal character backend. On a tty: raw mode (restored on close and
 * at exit) and QEMU's Ctrl-A escapes; otherwise bytes pass straight through.
 * Input is read in the I/O loop only when the device has room for it.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "morph/hostdev.h"

#define STDIO_ESCAPE 0x01 /* Ctrl-A */

struct chardev_stdio {
	struct chardev chr;
	struct ioloop *loop;
	struct ioloop_fd *h;
	int in_fd, out_fd;
	bool tty;
	bool escape_seen;
	bool eof;
	void (*quit)(void *opaque);
	void *quit_opaque;
	uint8_t buf[512]; /* input read but not yet taken by the device */
	size_t head, len;
};

/* Saved terminal state, restored at exit even if nobody closes the backend. */
static struct termios stdio_saved_tio;
static int stdio_saved_fd = -1;

static void stdio_restore_tty(void)
{
	if (stdio_saved_fd >= 0) {
		tcsetattr(stdio_saved_fd, TCSANOW, &stdio_saved_tio);
		stdio_saved_fd = -1;
	}
}

static int stdio_set_raw(int fd)
{
	static bool atexit_done;
	struct termios tio;

	if (tcgetattr(fd, &tio) < 0)
		return -errno;
	if (stdio_saved_fd < 0) {
		stdio_saved_tio = tio;
		stdio_saved_fd = fd;
	}
	if (!atexit_done) {
		atexit(stdio_restore_tty);
		atexit_done = true;
	}
	/* raw input, 8 bits, no signals (Ctrl-C goes to the guest); keep output processing */
	tio.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	tio.c_oflag |= OPOST;
	tio.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	tio.c_cflag &= ~(CSIZE | PARENB);
	tio.c_cflag |= CS8;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &tio) < 0)
		return -errno;
	return 0;
}

static void stdio_write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd p = {fd, POLLOUT, 0};

				poll(&p, 1, 100);
				continue;
			}
			return; /* output gone (closed pipe...): drop it */
		}
		buf += n;
		len -= (size_t)n;
	}
}

static size_t stdio_write(struct chardev *chr, const uint8_t *buf, size_t len)
{
	struct chardev_stdio *s = (struct chardev_stdio *)chr;

	stdio_write_all(s->out_fd, buf, len);
	return len;
}

/* Deliver held input; poll the fd again only when everything was taken. */
static void stdio_flush_input(struct chardev_stdio *s)
{
	struct chardev *chr = &s->chr;

	while (s->len && chr->receive) {
		size_t n = chr->can_receive ? chr->can_receive(chr->fe_opaque) : s->len;

		if (n == 0)
			break;
		if (n > s->len)
			n = s->len;
		s->head += n;
		s->len -= n;
		chr->receive(chr->fe_opaque, s->buf + s->head - n, n);
	}
	if (s->len == 0)
		s->head = 0;
	if (s->h)
		ioloop_fd_set_events(s->h, s->len || s->eof ? 0 : POLLIN);
}

static void stdio_help(struct chardev_stdio *s)
{
	static const char help[] = "\r\nC-a h    print this help\r\n"
				   "C-a x    exit morph\r\n"
				   "C-a C-a  send C-a to the guest\r\n";

	stdio_write_all(s->out_fd, (const uint8_t *)help, sizeof(help) - 1);
}

/* Escape processing in place: returns the number of bytes left for the guest. */
static size_t stdio_escapes(struct chardev_stdio *s, uint8_t *p, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (!s->escape_seen) {
			if (c == STDIO_ESCAPE)
				s->escape_seen = true;
			else
				p[o++] = c;
			continue;
		}
		s->escape_seen = false;
		switch (c) {
		case STDIO_ESCAPE:
			p[o++] = c;
			break;
		case 'x':
		case 'X':
			stdio_write_all(s->out_fd, (const uint8_t *)"\r\nmorph: terminated\r\n",
					21);
			if (s->quit)
				s->quit(s->quit_opaque);
			break;
		case 'h':
		case 'H':
		case '?':
			stdio_help(s);
			break;
		default:
			break; /* unknown command: swallowed, as QEMU does */
		}
	}
	return o;
}

static void stdio_readable(void *opaque, short revents)
{
	struct chardev_stdio *s = opaque;
	ssize_t n;

	(void)revents; /* errors and hangups show up as read() results */
	if (s->len)
		return;
	n = read(s->in_fd, s->buf, sizeof(s->buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* end of input: the guest keeps running, it just gets no more bytes */
		s->eof = true;
		ioloop_fd_set_events(s->h, 0);
		return;
	}
	s->head = 0;
	s->len = s->tty ? stdio_escapes(s, s->buf, (size_t)n) : (size_t)n;
	stdio_flush_input(s);
}

static void stdio_accept_input(struct chardev *chr)
{
	stdio_flush_input((struct chardev_stdio *)chr);
}

static void stdio_close(struct chardev *chr)
{
	struct chardev_stdio *s = (struct chardev_stdio *)chr;

	ioloop_fd_remove(s->h);
	if (s->tty && stdio_saved_fd == s->in_fd)
		stdio_restore_tty();
	free(s);
}

static const struct chardev_ops stdio_ops = {
    .write = stdio_write,
    .accept_input = stdio_accept_input,
    .close = stdio_close,
};

struct chardev *chardev_stdio_new(struct ioloop *loop, const struct chardev_stdio_opts *opts)
{
	struct chardev_stdio *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->chr.ops = &stdio_ops;
	s->loop = loop;
	s->in_fd = opts ? opts->in_fd : 0;
	s->out_fd = opts && opts->out_fd > 0 ? opts->out_fd : 1;
	if (opts) {
		s->quit = opts->quit;
		s->quit_opaque = opts->quit_opaque;
	}
	s->tty = s->in_fd >= 0 && isatty(s->in_fd) && stdio_set_raw(s->in_fd) == 0;
	if (loop && s->in_fd >= 0) {
		s->h = ioloop_fd_add(loop, s->in_fd, POLLIN, stdio_readable, s);
		if (!s->h) {
			if (s->tty)
				stdio_restore_tty();
			free(s);
			errno = ENOMEM;
			return NULL;
		}
	}
	return &s->chr;
}
