/*
 * The packet layer of GDB's remote serial protocol (GDB manual, E.1
 * "Overview"): $payload#cs framing with a modulo-256 checksum, '+'/'-'
 * acknowledgments (until QStartNoAckMode), the '}' escape (byte ^ 0x20) and
 * run-length encoding ("x*n": n - 29 more copies of x), and the Ctrl-C byte
 * that interrupts a running target.
 *
 * Incoming bytes are buffered; a packet is consumed only once complete, so
 * a wake-up of the server in the middle of one loses nothing.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "src/gdb/gdb-internal.h"

int gdb_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void gdb_tohex(char *out, const void *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * len] = 0;
}

int gdb_fromhex(void *out, const char *hex, size_t len)
{
	uint8_t *p = out;

	for (size_t i = 0; i < len; i++) {
		int hi = gdb_hexval(hex[2 * i]), lo = hi < 0 ? -1 : gdb_hexval(hex[2 * i + 1]);
		if (lo < 0)
			return -1;
		p[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		/* MSG_NOSIGNAL: a vanished GDB must not kill us with SIGPIPE */
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Frame @body (@len bytes, already encoded) and send it; kept for retransmission. */
static int send_framed(struct rsp_conn *c, const char *body, size_t len)
{
	char *f = malloc(len + 4);
	uint8_t sum = 0;
	static const char digits[] = "0123456789abcdef";

	if (!f)
		return -1;
	f[0] = '$';
	for (size_t i = 0; i < len; i++) {
		f[1 + i] = body[i];
		sum += (uint8_t)body[i];
	}
	f[len + 1] = '#';
	f[len + 2] = digits[sum >> 4];
	f[len + 3] = digits[sum & 15];
	free(c->last);
	c->last = f;
	c->last_len = len + 4;
	return write_all(c->fd, f, len + 4);
}

int rsp_send(struct rsp_conn *c, const char *payload)
{
	size_t len = strlen(payload), o = 0;
	char *body = malloc(len + 1);
	int r;

	if (!body)
		return -1;
	for (size_t i = 0; i < len;) {
		size_t run = 1;
		while (i + run < len && payload[i + run] == payload[i] && run < 98)
			run++;
		body[o++] = payload[i];
		/* Repeat counts of 6 and 7 would be '#' and '$' (29 + n); 3 or more pay off. */
		size_t rep = run - 1;
		if (rep == 6 || rep == 7)
			rep = 5;
		if (rep >= 3) {
			body[o++] = '*';
			body[o++] = (char)(29 + rep);
			i += rep + 1;
		} else {
			i++;
		}
	}
	r = send_framed(c, body, o);
	free(body);
	return r;
}

static bool needs_escape(uint8_t b)
{
	return b == '$' || b == '#' || b == '}' || b == '*';
}

int rsp_send_bin(struct rsp_conn *c, char prefix, const void *data, size_t len)
{
	const uint8_t *p = data;
	char *body = malloc(2 * len + 2);
	size_t o = 0;
	int r;

	if (!body)
		return -1;
	if (prefix)
		body[o++] = prefix;
	for (size_t i = 0; i < len; i++) {
		if (needs_escape(p[i])) {
			body[o++] = '}';
			body[o++] = (char)(p[i] ^ 0x20);
		} else {
			body[o++] = (char)p[i];
		}
	}
	r = send_framed(c, body, o);
	free(body);
	return r;
}

static void send_ack(struct rsp_conn *c, char ack)
{
	if (!c->no_ack)
		write_all(c->fd, &ack, 1);
}

/* Read more bytes (waiting on the wake pipe too): 1, 0 on wake-up, -1 on EOF/error. */
static int fill(struct rsp_conn *c, int timeout_ms)
{
	if (c->in_pos > 0) {
		memmove(c->in, c->in + c->in_pos, c->in_len - c->in_pos);
		c->in_len -= c->in_pos;
		c->in_pos = 0;
	}
	for (;;) {
		struct pollfd p[2] = {{c->fd, POLLIN, 0}, {c->wake_fd, POLLIN, 0}};
		int n = poll(p, c->wake_fd >= 0 ? 2 : 1, timeout_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (p[0].revents) {
			ssize_t r = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return -1;
			c->in_len += (size_t)r;
			return 1;
		}
		if (p[1].revents) {
			char drain[64];
			if (read(c->wake_fd, drain, sizeof(drain)) < 0) {
				/* nothing to drain: another reader got it */
			}
			return 0;
		}
	}
}

/*
 * Decode the payload in[start, end) into @buf: '}' escapes and RLE. Returns
 * the length, or -1 if it does not fit in @size - 1 bytes.
 */
static long decode(const uint8_t *in, size_t start, size_t end, char *buf, size_t size)
{
	size_t o = 0;

	for (size_t i = start; i < end; i++) {
		uint8_t b = in[i];
		if (b == '}' && i + 1 < end) {
			b = in[++i] ^ 0x20;
		} else if (b == '*' && o > 0 && i + 1 < end) {
			size_t n = in[++i] >= 29 ? in[i] - 29u : 0;
			if (o + n >= size)
				return -1;
			memset(buf + o, buf[o - 1], n);
			o += n;
			continue;
		}
		if (o + 1 >= size)
			return -1;
		buf[o++] = (char)b;
	}
	buf[o] = 0;
	return (long)o;
}

enum rsp_event rsp_read_packet(struct rsp_conn *c, char *buf, size_t size, size_t *len)
{
	for (;;) {
		/* Look at what is buffered. */
		while (c->in_pos < c->in_len) {
			uint8_t b = c->in[c->in_pos];
			if (b == 0x03) {
				c->in_pos++;
				return RSP_INTERRUPT;
			}
			if (b == '-' && !c->no_ack && c->last) {
				c->in_pos++;
				write_all(c->fd, c->last, c->last_len);
				continue;
			}
			if (b != '$') {
				c->in_pos++; /* acks and noise */
				continue;
			}
			uint8_t *hash = memchr(c->in + c->in_pos, '#', c->in_len - c->in_pos);
			size_t h = hash ? (size_t)(hash - c->in) : 0;
			if (!hash || h + 2 >= c->in_len)
				break; /* incomplete */
			uint8_t sum = 0;
			for (size_t i = c->in_pos + 1; i < h; i++)
				sum += c->in[i];
			int hi = gdb_hexval(c->in[h + 1]), lo = gdb_hexval(c->in[h + 2]);
			size_t start = c->in_pos + 1;
			c->in_pos = h + 3;
			if (!c->no_ack && (hi < 0 || lo < 0 || (uint8_t)(hi << 4 | lo) != sum)) {
				send_ack(c, '-'); /* GDB sends it again */
				continue;
			}
			long n = decode(c->in, start, h, buf, size);
			if (n < 0) {
				send_ack(c, '-');
				continue;
			}
			send_ack(c, '+');
			*len = (size_t)n;
			return RSP_PACKET;
		}
		if (c->in_pos == 0 && c->in_len == sizeof(c->in)) {
			/* A packet longer than we said we take: drop it. */
			c->in_len = 0;
			send_ack(c, '-');
		}
		int r = fill(c, -1);
		if (r < 0)
			return RSP_CLOSED;
		if (r == 0)
			return RSP_WAKE;
	}
}

void rsp_wait_ack(struct rsp_conn *c, int ms)
{
	int wake = c->wake_fd;

	if (c->no_ack)
		return;
	c->wake_fd = -1;
	while (c->in_pos < c->in_len || fill(c, ms) > 0) {
		while (c->in_pos < c->in_len)
			if (c->in[c->in_pos++] == '+')
				goto out;
	}
out:
	c->wake_fd = wake;
}
