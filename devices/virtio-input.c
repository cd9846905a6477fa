/*
 * virtio-input (virtio 1.2 section 5.8): a keyboard or a tablet fed with
 * evdev events from a struct display (include/morph/display.h).
 *
 * Configuration space: the driver writes select and subsel, the device
 * answers with size and the union (ID_NAME, ID_SERIAL, ID_DEVIDS, PROP_BITS,
 * EV_BITS per event type, ABS_INFO per axis). Events go into the eventq's
 * 8-byte buffers {le16 type, le16 code, le32 value}, whole batches (up to
 * SYN_REPORT) at a time, in order; while the driver has no buffers they wait
 * in a small queue. When that is full, the batch being added is dropped
 * whole, so the guest never sees a batch cut short. The statusq (LEDs) is
 * consumed and ignored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev.h"
#include "morph/display.h"
#include "virtio.h"

#define VIRTIO_INPUT_ID 18
#define INPUT_QUEUE_EVENT 0
#define INPUT_QUEUE_STATUS 1
#define INPUT_QUEUE_MAX 64

enum {
	INPUT_CFG_UNSET = 0x00,
	INPUT_CFG_ID_NAME = 0x01,
	INPUT_CFG_ID_SERIAL = 0x02,
	INPUT_CFG_ID_DEVIDS = 0x03,
	INPUT_CFG_PROP_BITS = 0x10,
	INPUT_CFG_EV_BITS = 0x11,
	INPUT_CFG_ABS_INFO = 0x12,
};

/* struct virtio_input_config: u8 select, subsel, size, reserved[5]; union u[128] */
#define INPUT_CFG_SELECT 0
#define INPUT_CFG_SUBSEL 1
#define INPUT_CFG_SIZE_OFF 2
#define INPUT_CFG_U 8
#define INPUT_CFG_BYTES (INPUT_CFG_U + 128)

#define INPUT_BUS_VIRTUAL 0x06
#define INPUT_VENDOR 0x0627 /* what QEMU's virtio-input devices report */

#define INPUT_PENDING 256 /* events waiting for buffers */

struct virtio_input {
	struct display *display;
	enum display_input_kind kind;
	struct virtq_elem elem;
	/* events not yet in guest buffers; [0, committed) are whole batches */
	uint8_t pending[INPUT_PENDING][8];
	unsigned npending, committed;
	bool dropping; /* the current batch overflowed: drop up to its SYN_REPORT */
	struct virtio_dev *vm;
};

static void bit_set(uint8_t *bm, unsigned n)
{
	bm[n / 8] |= (uint8_t)(1u << (n % 8));
}

/* Fill the union for EV_BITS of @type; returns the bitmap's size in bytes. */
static unsigned input_ev_bits(const struct virtio_input *in, unsigned type, uint8_t *bm)
{
	unsigned size = 0;

	if (in->kind == DISPLAY_INPUT_KEYBOARD) {
		if (type == EV_KEY) {
			for (unsigned u = 0; u < KEYMAP_HID_USAGES; u++)
				if (keymap_hid_to_evdev(u))
					bit_set(bm, keymap_hid_to_evdev(u));
		} else if (type == EV_REP) {
			return 1; /* present, empty: the guest does the autorepeat */
		}
	} else {
		if (type == EV_KEY) {
			bit_set(bm, BTN_LEFT);
			bit_set(bm, BTN_RIGHT);
			bit_set(bm, BTN_MIDDLE);
		} else if (type == EV_REL) {
			bit_set(bm, REL_WHEEL);
		} else if (type == EV_ABS) {
			bit_set(bm, ABS_X);
			bit_set(bm, ABS_Y);
		}
	}
	for (unsigned i = 0; i < 128; i++)
		if (bm[i])
			size = i + 1;
	return size;
}

/* Recompute size and the union after the driver wrote select or subsel. */
static void input_config_update(struct virtio_dev *vm)
{
	struct virtio_input *in = vm->dev;
	uint8_t select = vm->config[INPUT_CFG_SELECT], subsel = vm->config[INPUT_CFG_SUBSEL];
	uint8_t *u = vm->config + INPUT_CFG_U;
	unsigned size = 0;

	memset(u, 0, 128);
	switch (select) {
	case INPUT_CFG_ID_NAME:
		if (subsel == 0) {
			const char *name =
			    in->kind == DISPLAY_INPUT_KEYBOARD ? "morph keyboard" : "morph tablet";

			size = (unsigned)strlen(name);
			memcpy(u, name, size);
		}
		break;
	case INPUT_CFG_ID_SERIAL:
		if (subsel == 0) {
			size = 5;
			memcpy(u, "morph", 5);
		}
		break;
	case INPUT_CFG_ID_DEVIDS:
		if (subsel == 0) {
			dev_st16(u, INPUT_BUS_VIRTUAL);
			dev_st16(u + 2, INPUT_VENDOR);
			dev_st16(u + 4, in->kind == DISPLAY_INPUT_KEYBOARD ? 1 : 3);
			dev_st16(u + 6, 1);
			size = 8;
		}
		break;
	case INPUT_CFG_EV_BITS:
		size = input_ev_bits(in, subsel, u);
		break;
	case INPUT_CFG_ABS_INFO:
		/* struct virtio_input_absinfo: le32 min, max, fuzz, flat, res */
		if (in->kind == DISPLAY_INPUT_POINTER && (subsel == ABS_X || subsel == ABS_Y)) {
			dev_st32(u + 4, DISPLAY_ABS_MAX);
			size = 20;
		}
		break;
	default: /* UNSET, PROP_BITS (none) and unknown selections: size 0 */
		break;
	}
	vm->config[INPUT_CFG_SIZE_OFF] = (uint8_t)size;
}

static void input_config_write(struct virtio_dev *vm, unsigned off, uint64_t val, unsigned size)
{
	/* only select and subsel are writable */
	for (unsigned i = 0; i < size; i++) {
		unsigned o = off + i;

		if (o == INPUT_CFG_SELECT || o == INPUT_CFG_SUBSEL)
			vm->config[o] = (uint8_t)(val >> (8 * i));
	}
	if (off <= INPUT_CFG_SUBSEL)
		input_config_update(vm);
}

/* Move whole batches into the driver's buffers while it has some. */
static void input_flush(struct virtio_dev *vm, struct virtio_input *in)
{
	unsigned done = 0;
	bool pushed = false;

	while (done < in->committed && virtq_pop(vm, INPUT_QUEUE_EVENT, &in->elem) > 0) {
		uint32_t len = (uint32_t)virtq_elem_write(&in->elem, 0, in->pending[done], 8);

		virtq_push(vm, INPUT_QUEUE_EVENT, &in->elem, len);
		pushed = true;
		done++;
	}
	if (done) {
		memmove(in->pending, in->pending[done], (size_t)(in->npending - done) * 8);
		in->npending -= done;
		in->committed -= done;
	}
	if (pushed)
		virtq_notify(vm, INPUT_QUEUE_EVENT);
}

/* The display's sink: one event (bus lock held, I/O loop thread). */
static void input_event(void *opaque, uint16_t type, uint16_t code, int32_t value)
{
	struct virtio_input *in = opaque;
	bool syn = type == EV_SYN && code == SYN_REPORT;

	if (!in->dropping && in->npending == INPUT_PENDING) {
		/* no room: forget the partial batch and the rest of it */
		in->npending = in->committed;
		in->dropping = true;
	}
	if (in->dropping) {
		if (syn)
			in->dropping = false;
		return;
	}
	dev_st16(in->pending[in->npending], type);
	dev_st16(in->pending[in->npending] + 2, code);
	dev_st32(in->pending[in->npending] + 4, (uint32_t)value);
	in->npending++;
	if (syn) {
		in->committed = in->npending;
		if (virtio_running(in->vm))
			input_flush(in->vm, in);
	}
}

static void input_notify(struct virtio_dev *vm, unsigned q)
{
	struct virtio_input *in = vm->dev;

	if (q == INPUT_QUEUE_EVENT) {
		input_flush(vm, in);
		return;
	}
	/* statusq: LED state from the guest; take it and give the buffers back */
	bool pushed = false;

	while (virtq_pop(vm, q, &in->elem) > 0) {
		virtq_push(vm, q, &in->elem, 0);
		pushed = true;
	}
	if (pushed)
		virtq_notify(vm, q);
}

static void input_reset(struct virtio_dev *vm)
{
	struct virtio_input *in = vm->dev;

	in->npending = in->committed = 0;
	in->dropping = false;
	memset(vm->config, 0, INPUT_CFG_BYTES);
}

static void input_release(void *dev)
{
	struct virtio_input *in = dev;

	display_remove_sink(in->display, in->kind);
	free(in);
}

static const struct virtio_class virtio_input_class = {
    .name = "virtio-input",
    .device_id = VIRTIO_INPUT_ID,
    .nqueues = 2,
    .queue_max = INPUT_QUEUE_MAX,
    .config_size = INPUT_CFG_BYTES,
    .notify = input_notify,
    .reset = input_reset,
    .config_write = input_config_write,
    .release = input_release,
};

struct virtio_dev *virtio_input_new(struct bus *bus, uint64_t base, struct irq_line irq,
				    struct display *d, enum display_input_kind kind)
{
	struct virtio_input *in;
	struct virtio_dev *vm;

	if (kind >= DISPLAY_INPUT_KINDS)
		return dev_fail(-EINVAL);
	in = calloc(1, sizeof(*in));
	if (!in)
		return dev_fail(-ENOMEM);
	in->display = d;
	in->kind = kind;
	vm = virtio_mmio_create(bus, base, irq, &virtio_input_class, in);
	if (!vm)
		return NULL;
	in->vm = vm;
	display_add_sink(d, kind, &(struct display_input_sink){.event = input_event, .opaque = in});
	return vm;
}
