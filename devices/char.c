/*
 * Character backends: the common calls and the in-memory buffer backend
 * that tests use as a terminal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "morph/hostdev.h"

void chardev_set_frontend(struct chardev *chr, size_t (*can_receive)(void *opaque),
			  void (*receive)(void *opaque, const uint8_t *buf, size_t len),
			  void *opaque)
{
	chr->can_receive = can_receive;
	chr->receive = receive;
	chr->fe_opaque = opaque;
}

size_t chardev_write(struct chardev *chr, const uint8_t *buf, size_t len)
{
	if (!chr || !len)
		return len;
	return chr->ops->write(chr, buf, len);
}

void chardev_accept_input(struct chardev *chr)
{
	if (chr && chr->ops->accept_input)
		chr->ops->accept_input(chr);
}

void chardev_close(struct chardev *chr)
{
	if (chr)
		chr->ops->close(chr);
}

/* ------------------------------------------------------------ buffer */

struct chardev_buffer {
	struct chardev chr;
	char *out;
	size_t out_len, out_cap;
	uint8_t *in;
	size_t in_head, in_len, in_cap;
};

static size_t chrbuf_write(struct chardev *chr, const uint8_t *buf, size_t len)
{
	struct chardev_buffer *b = (struct chardev_buffer *)chr;

	if (b->out_len + len + 1 > b->out_cap) {
		size_t cap = b->out_cap ? b->out_cap : 256;
		char *n;

		while (cap < b->out_len + len + 1)
			cap *= 2;
		n = realloc(b->out, cap);
		if (!n)
			return 0;
		b->out = n;
		b->out_cap = cap;
	}
	memcpy(b->out + b->out_len, buf, len);
	b->out_len += len;
	b->out[b->out_len] = 0;
	return len;
}

/* Hand the device as much held input as it takes. */
static void chrbuf_accept_input(struct chardev *chr)
{
	struct chardev_buffer *b = (struct chardev_buffer *)chr;

	while (b->in_len && chr->receive) {
		size_t n = chr->can_receive ? chr->can_receive(chr->fe_opaque) : b->in_len;

		if (n == 0)
			break;
		if (n > b->in_len)
			n = b->in_len;
		b->in_head += n;
		b->in_len -= n;
		/* the device may call chardev_accept_input() again from receive(): state is final
		 */
		chr->receive(chr->fe_opaque, b->in + b->in_head - n, n);
	}
	if (b->in_len == 0)
		b->in_head = 0;
}

static void chrbuf_close(struct chardev *chr)
{
	struct chardev_buffer *b = (struct chardev_buffer *)chr;

	free(b->out);
	free(b->in);
	free(b);
}

static const struct chardev_ops chrbuf_ops = {
    .write = chrbuf_write,
    .accept_input = chrbuf_accept_input,
    .close = chrbuf_close,
};

struct chardev *chardev_buffer_new(void)
{
	struct chardev_buffer *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->chr.ops = &chrbuf_ops;
	return &b->chr;
}

void chardev_buffer_input(struct chardev *chr, const void *buf, size_t len)
{
	struct chardev_buffer *b = (struct chardev_buffer *)chr;

	if (b->in_head && b->in_len)
		memmove(b->in, b->in + b->in_head, b->in_len);
	b->in_head = 0;
	if (b->in_len + len > b->in_cap) {
		size_t cap = b->in_cap ? b->in_cap : 256;
		uint8_t *n;

		while (cap < b->in_len + len)
			cap *= 2;
		n = realloc(b->in, cap);
		if (!n)
			return;
		b->in = n;
		b->in_cap = cap;
	}
	memcpy(b->in + b->in_len, buf, len);
	b->in_len += len;
	chrbuf_accept_input(chr);
}

size_t chardev_buffer_pending(const struct chardev *chr)
{
	return ((const struct chardev_buffer *)chr)->in_len;
}

const char *chardev_buffer_output(const struct chardev *chr, size_t *len)
{
	const struct chardev_buffer *b = (const struct chardev_buffer *)chr;

	if (len)
		*len = b->out_len;
	return b->out ? b->out : "";
}

void chardev_buffer_clear(struct chardev *chr)
{
	struct chardev_buffer *b = (struct chardev_buffer *)chr;

	b->out_len = 0;
	if (b->out)
		b->out[0] = 0;
}
