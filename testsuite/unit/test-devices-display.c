/*
 * The display devices and their seam: virtio-gpu command handling (the happy
 * path into the display surface, and malformed commands answered with the
 * right VIRTIO_GPU_RESP_ERR_*, never touching memory outside guest RAM:
 * the harness fences RAM with PROT_NONE pages), virtio-input configuration
 * and event delivery, the HID -> evdev keymap, PNG screenshots.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef MORPH_HAVE_PNG
#include <png.h>
#endif

#include "morph/display.h"
#include "test-devices-harness.h"

#define GPU_BASE 0x10001000ull
#define KBD_BASE 0x10002000ull
#define TAB_BASE 0x10003000ull

enum {
	CMD_GET_DISPLAY_INFO = 0x0100,
	CMD_CREATE_2D,
	CMD_UNREF,
	CMD_SET_SCANOUT,
	CMD_FLUSH,
	CMD_TRANSFER,
	CMD_ATTACH,
	CMD_DETACH,
	CMD_GET_EDID = 0x010a,
	CMD_CTX_CREATE = 0x0200,
	CMD_UPDATE_CURSOR = 0x0300,
	OK_NODATA = 0x1100,
	OK_DISPLAY_INFO,
	ERR_UNSPEC = 0x1200,
	ERR_OUT_OF_MEMORY,
	ERR_INVALID_SCANOUT_ID,
	ERR_INVALID_RESOURCE_ID,
	ERR_INVALID_CONTEXT_ID,
	ERR_INVALID_PARAMETER,
};

#define FMT_B8G8R8X8 2
#define FMT_R8G8B8A8 67

static struct hbus hb;
static struct probe irq[2];
static struct display *disp;
static struct vdrv gpu;

static struct display *open_headless(void)
{
	char err[256];
	struct display *d =
	    display_open(&(struct display_config){.kind = DISPLAY_NONE}, err, sizeof(err));

	ck_assert_msg(d != NULL, "%s", err);
	ck_assert(!display_has_window(d));
	return d;
}

static void gpu_setup(void)
{
	hbus_init(&hb);
	memset(irq, 0, sizeof(irq));
	disp = open_headless();
	ck_assert_ptr_nonnull(virtio_gpu_new(hb.bus, GPU_BASE, probe_line(irq, 0), disp));
	vd_attach(&gpu, &hb, GPU_BASE);
	ck_assert_uint_eq(vd_rd(&gpu, VM_DEVICE_ID), 16);
	ck_assert(vd_negotiate(&gpu, F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
	vd_setup_queue(&gpu, 0, 16);
	vd_setup_queue(&gpu, 1, 16);
	vd_driver_ok(&gpu);
}

static void gpu_teardown(void)
{
	hbus_fini(&hb);
	display_close(disp);
}

/* A command buffer in guest RAM: header + @body. */
struct cmd {
	uint8_t b[512];
	size_t len;
};

static void cmd_init(struct cmd *c, uint32_t type)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->b, &type, 4);
	c->len = 24;
}

static void cmd_u32(struct cmd *c, uint32_t v)
{
	memcpy(c->b + c->len, &v, 4);
	c->len += 4;
}

static void cmd_u64(struct cmd *c, uint64_t v)
{
	memcpy(c->b + c->len, &v, 8);
	c->len += 8;
}

static void cmd_rect(struct cmd *c, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	cmd_u32(c, x);
	cmd_u32(c, y);
	cmd_u32(c, w);
	cmd_u32(c, h);
}

/*
 * Send @len bytes of @c with a @resp_len-byte response buffer; returns the
 * response type (0 if the device wrote none). The response lands in @resp.
 */
static uint32_t gpu_send_n(const struct cmd *c, size_t len, uint32_t resp_len, uint8_t *resp,
			   uint32_t *written)
{
	uint64_t req = vd_alloc(&gpu, len ? len : 1, 8);
	uint64_t rsp = vd_alloc(&gpu, resp_len ? resp_len : 1, 8);
	struct vbuf b[2] = {{req, (uint32_t)len, false}, {rsp, resp_len, true}};
	uint32_t id, ulen, type = 0;

	memcpy(vd_host(&gpu, req), c->b, len);
	memset(vd_host(&gpu, rsp), 0xee, resp_len);
	vd_add(&gpu, 0, resp_len ? b : b, resp_len ? 2 : 1);
	vd_kick(&gpu, 0);
	ck_assert(vd_used(&gpu, 0, &id, &ulen));
	if (written)
		*written = ulen;
	if (ulen >= 4)
		memcpy(&type, vd_host(&gpu, rsp), 4);
	if (resp)
		memcpy(resp, vd_host(&gpu, rsp), resp_len < ulen ? resp_len : ulen);
	/* the device never fails the whole queue for a bad command */
	ck_assert_uint_eq(vd_rd(&gpu, VM_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET, 0);
	gpu.brk = H_RAM_BASE + 0x10000; /* requests are short-lived: reuse the space */
	return type;
}

static uint32_t gpu_send(const struct cmd *c)
{
	return gpu_send_n(c, c->len, 24, NULL, NULL);
}

static uint32_t create_2d(uint32_t id, uint32_t fmt, uint32_t w, uint32_t h)
{
	struct cmd c;

	cmd_init(&c, CMD_CREATE_2D);
	cmd_u32(&c, id);
	cmd_u32(&c, fmt);
	cmd_u32(&c, w);
	cmd_u32(&c, h);
	return gpu_send(&c);
}

/* Attach @n entries {addr, len}. */
static uint32_t attach(uint32_t id, const uint64_t *addr, const uint32_t *len, unsigned n)
{
	struct cmd c;

	cmd_init(&c, CMD_ATTACH);
	cmd_u32(&c, id);
	cmd_u32(&c, n);
	for (unsigned i = 0; i < n; i++) {
		cmd_u64(&c, addr[i]);
		cmd_u32(&c, len[i]);
		cmd_u32(&c, 0);
	}
	return gpu_send(&c);
}

static uint32_t transfer(uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint64_t off)
{
	struct cmd c;

	cmd_init(&c, CMD_TRANSFER);
	cmd_rect(&c, x, y, w, h);
	cmd_u64(&c, off);
	cmd_u32(&c, id);
	cmd_u32(&c, 0);
	return gpu_send(&c);
}

static uint32_t set_scanout(uint32_t sid, uint32_t id, uint32_t x, uint32_t y, uint32_t w,
			    uint32_t h)
{
	struct cmd c;

	cmd_init(&c, CMD_SET_SCANOUT);
	cmd_rect(&c, x, y, w, h);
	cmd_u32(&c, sid);
	cmd_u32(&c, id);
	return gpu_send(&c);
}

static uint32_t flush(uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	struct cmd c;

	cmd_init(&c, CMD_FLUSH);
	cmd_rect(&c, x, y, w, h);
	cmd_u32(&c, id);
	cmd_u32(&c, 0);
	return gpu_send(&c);
}

static uint32_t simple(uint32_t type, uint32_t id)
{
	struct cmd c;

	cmd_init(&c, type);
	cmd_u32(&c, id);
	cmd_u32(&c, 0);
	return gpu_send(&c);
}

/* Backing for a w x h resource at a fixed guest address, split in two entries. */
#define BACK_GPA (H_RAM_BASE + 0x200000)

static void backing(uint32_t id, uint32_t w, uint32_t h)
{
	uint32_t total = w * h * 4, half = (total / 2 + 4095) & ~4095u;
	uint64_t addr[2] = {BACK_GPA, BACK_GPA + 0x100000};
	uint32_t len[2] = {half, total - half};

	/* not contiguous in guest memory: the second half lives 1 MiB further */
	ck_assert_uint_eq(attach(id, addr, len, 2), OK_NODATA);
}

/* Pixel (x, y) of the backing of a w-wide resource. */
static uint8_t *back_px(uint32_t w, uint32_t x, uint32_t y)
{
	uint32_t total_off = (y * w + x) * 4;
	uint32_t half = ((w * 64 * 4) / 2 + 4095) & ~4095u; /* only for h = 64 below */

	if (total_off < half)
		return vd_host(&gpu, BACK_GPA + total_off);
	return vd_host(&gpu, BACK_GPA + 0x100000 + (total_off - half));
}

static uint32_t surf_px(uint32_t x, uint32_t y)
{
	struct display_surface *s;
	uint32_t v;

	display_lock(disp);
	s = display_surface(disp);
	ck_assert_uint_lt(x, s->width);
	ck_assert_uint_lt(y, s->height);
	memcpy(&v, s->data + (size_t)y * s->stride + x * 4, 4);
	display_unlock(disp);
	return v;
}

START_TEST(gpu_config_and_display_info)
{
	uint8_t resp[408];
	uint32_t v, written;
	struct cmd c;

	ck_assert_uint_eq(hrd(&hb, GPU_BASE + VM_CONFIG + 8, 4), 1);  /* num_scanouts */
	ck_assert_uint_eq(hrd(&hb, GPU_BASE + VM_CONFIG + 12, 4), 0); /* num_capsets */
	cmd_init(&c, CMD_GET_DISPLAY_INFO);
	ck_assert_uint_eq(gpu_send_n(&c, c.len, sizeof(resp), resp, &written), OK_DISPLAY_INFO);
	ck_assert_uint_eq(written, 408);
	memcpy(&v, resp + 24 + 8, 4);
	ck_assert_uint_eq(v, 1024);
	memcpy(&v, resp + 24 + 12, 4);
	ck_assert_uint_eq(v, 768);
	memcpy(&v, resp + 24 + 16, 4);
	ck_assert_uint_eq(v, 1); /* enabled */
	memcpy(&v, resp + 48 + 16, 4);
	ck_assert_uint_eq(v, 0); /* scanout 1 does not exist */
	/* a response buffer too short for the display info gets what fits */
	ck_assert_uint_eq(gpu_send_n(&c, c.len, 24, resp, &written), OK_DISPLAY_INFO);
	ck_assert_uint_eq(written, 24);
}
END_TEST

START_TEST(gpu_draw_to_surface)
{
	const uint32_t w = 64, h = 64;
	struct display_rect r;

	ck_assert_uint_eq(create_2d(7, FMT_B8G8R8X8, w, h), OK_NODATA);
	backing(7, w, h);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			uint32_t px = 0xff000000u | (x << 16) | (y << 8) | 0x5a;

			memcpy(back_px(w, x, y), &px, 4);
		}
	ck_assert_uint_eq(transfer(7, 0, 0, w, h, 0), OK_NODATA);
	ck_assert_uint_eq(set_scanout(0, 7, 0, 0, w, h), OK_NODATA);
	display_lock(disp);
	ck_assert_uint_eq(display_surface(disp)->width, w);
	ck_assert_uint_eq(display_surface(disp)->height, h);
	ck_assert(display_take_dirty(disp, &r));
	ck_assert_uint_eq(r.w, w);
	display_unlock(disp);
	ck_assert_uint_eq(surf_px(3, 40) & 0xffffff, (3u << 16) | (40u << 8) | 0x5a);
	ck_assert_uint_eq(surf_px(63, 63) & 0xffffff, (63u << 16) | (63u << 8) | 0x5a);

	/* a partial update: transfer a rectangle (offset = its first byte), flush it */
	for (uint32_t y = 10; y < 20; y++)
		for (uint32_t x = 30; x < 35; x++) {
			uint32_t px = 0x00123456;

			memcpy(back_px(w, x, y), &px, 4);
		}
	ck_assert_uint_eq(transfer(7, 30, 10, 5, 10, (10 * w + 30) * 4), OK_NODATA);
	/* not shown before the flush */
	ck_assert_uint_ne(surf_px(30, 10) & 0xffffff, 0x123456);
	ck_assert_uint_eq(flush(7, 30, 10, 5, 10), OK_NODATA);
	ck_assert_uint_eq(surf_px(30, 10) & 0xffffff, 0x123456);
	ck_assert_uint_eq(surf_px(34, 19) & 0xffffff, 0x123456);
	ck_assert_uint_eq(surf_px(35, 19) & 0xffffff, (35u << 16) | (19u << 8) | 0x5a);
	display_lock(disp);
	ck_assert(display_take_dirty(disp, &r));
	display_unlock(disp);
	ck_assert_uint_eq(r.x, 30);
	ck_assert_uint_eq(r.y, 10);
	ck_assert_uint_eq(r.w, 5);
	ck_assert_uint_eq(r.h, 10);

	/* a whole-screen flush where one pixel changed dirties only that pixel */
	memcpy(back_px(w, 50, 60), &(uint32_t){0x00abcdef}, 4);
	ck_assert_uint_eq(transfer(7, 0, 0, w, h, 0), OK_NODATA);
	ck_assert_uint_eq(flush(7, 0, 0, w, h), OK_NODATA);
	display_lock(disp);
	ck_assert(display_take_dirty(disp, &r));
	display_unlock(disp);
	ck_assert_uint_eq(r.x, 50);
	ck_assert_uint_eq(r.y, 60);
	ck_assert_uint_eq(r.w, 1);
	ck_assert_uint_eq(r.h, 1);
	ck_assert_uint_eq(surf_px(50, 60) & 0xffffff, 0xabcdef);
	/* and an unchanged one dirties nothing */
	ck_assert_uint_eq(flush(7, 0, 0, w, h), OK_NODATA);
	display_lock(disp);
	ck_assert(!display_take_dirty(disp, &r));
	display_unlock(disp);

	/* unref: the scanout goes, the picture stays; the id is free again */
	ck_assert_uint_eq(simple(CMD_UNREF, 7), OK_NODATA);
	ck_assert_uint_eq(flush(7, 0, 0, 1, 1), ERR_INVALID_RESOURCE_ID);
	ck_assert_uint_eq(surf_px(30, 10) & 0xffffff, 0x123456);
	ck_assert_uint_eq(create_2d(7, FMT_B8G8R8X8, 8, 8), OK_NODATA);
}
END_TEST

START_TEST(gpu_format_conversion_and_subrect_scanout)
{
	const uint32_t w = 64, h = 64;
	uint8_t rgba[4] = {0x11, 0x22, 0x33, 0x44}; /* R8G8B8A8: bytes R, G, B, A */

	ck_assert_uint_eq(create_2d(3, FMT_R8G8B8A8, w, h), OK_NODATA);
	backing(3, w, h);
	memcpy(back_px(w, 20, 30), rgba, 4);
	ck_assert_uint_eq(transfer(3, 0, 0, w, h, 0), OK_NODATA);
	/* show only the 32 x 16 rectangle at (16, 24) */
	ck_assert_uint_eq(set_scanout(0, 3, 16, 24, 32, 16), OK_NODATA);
	ck_assert_uint_eq(display_surface(disp)->width, 32);
	ck_assert_uint_eq(surf_px(4, 6) & 0xffffff, 0x112233);
}
END_TEST

START_TEST(gpu_bad_resources)
{
	ck_assert_uint_eq(create_2d(0, FMT_B8G8R8X8, 8, 8), ERR_INVALID_RESOURCE_ID);
	ck_assert_uint_eq(create_2d(1, FMT_B8G8R8X8, 8, 8), OK_NODATA);
	ck_assert_uint_eq(create_2d(1, FMT_B8G8R8X8, 8, 8), ERR_INVALID_RESOURCE_ID);
	ck_assert_uint_eq(create_2d(2, 999, 8, 8), ERR_INVALID_PARAMETER);
	ck_assert_uint_eq(create_2d(2, FMT_B8G8R8X8, 0, 8), ERR_INVALID_PARAMETER);
	ck_assert_uint_eq(create_2d(2, FMT_B8G8R8X8, 8, 0x80000000u), ERR_INVALID_PARAMETER);
	/* 16384 x 16384 x 4 = 1 GiB: over the host memory budget */
	ck_assert_uint_eq(create_2d(2, FMT_B8G8R8X8, 16384, 16384), ERR_OUT_OF_MEMORY);
	ck_assert_uint_eq(simple(CMD_UNREF, 42), ERR_INVALID_RESOURCE_ID);
	ck_assert_uint_eq(simple(CMD_DETACH, 42), ERR_INVALID_RESOURCE_ID);
	ck_assert_uint_eq(simple(CMD_DETACH, 1), ERR_UNSPEC); /* no backing */
	ck_assert_uint_eq(transfer(42, 0, 0, 1, 1, 0), ERR_INVALID_RESOURCE_ID);
	ck_assert_uint_eq(transfer(1, 0, 0, 1, 1, 0), ERR_UNSPEC); /* no backing */
	ck_assert_uint_eq(flush(42, 0, 0, 1, 1), ERR_INVALID_RESOURCE_ID);
	ck_assert_uint_eq(set_scanout(0, 42, 0, 0, 8, 8), ERR_INVALID_RESOURCE_ID);
	ck_assert_uint_eq(set_scanout(1, 1, 0, 0, 8, 8), ERR_INVALID_SCANOUT_ID);
	ck_assert_uint_eq(set_scanout(0xffffffffu, 0, 0, 0, 0, 0), ERR_INVALID_SCANOUT_ID);
	ck_assert_uint_eq(set_scanout(0, 0, 0, 0, 0, 0), OK_NODATA); /* disable */
	ck_assert_uint_eq(bus_guest_error_count() > 0, 1);
}
END_TEST

START_TEST(gpu_bad_rectangles)
{
	uint64_t addr = BACK_GPA;
	uint32_t len = 16 * 16 * 4;

	ck_assert_uint_eq(create_2d(5, FMT_B8G8R8X8, 16, 16), OK_NODATA);
	ck_assert_uint_eq(attach(5, &addr, &len, 1), OK_NODATA);
	/* rectangles outside the resource, including ones whose end wraps around */
	ck_assert_uint_eq(set_scanout(0, 5, 0, 0, 17, 16), ERR_INVALID_PARAMETER);
	ck_assert_uint_eq(set_scanout(0, 5, 8, 8, 9, 8), ERR_INVALID_PARAMETER);
	ck_assert_uint_eq(set_scanout(0, 5, 0, 0, 0, 16), ERR_INVALID_PARAMETER);
	ck_assert_uint_eq(set_scanout(0, 5, 0xfffffff0u, 0, 0x20, 1), ERR_INVALID_PARAMETER);
	ck_assert_uint_eq(flush(5, 0xffffffffu, 0, 2, 1), ERR_INVALID_PARAMETER);
	ck_assert_uint_eq(flush(5, 0, 15, 1, 2), ERR_INVALID_PARAMETER);
	ck_assert_uint_eq(transfer(5, 0, 0, 16, 17, 0), ERR_INVALID_PARAMETER);
	ck_assert_uint_eq(transfer(5, 1, 0, 0xffffffffu, 1, 0), ERR_INVALID_PARAMETER);
	/* reads past the backing: an offset beyond it, or the last row running off its end */
	ck_assert_uint_eq(transfer(5, 0, 0, 1, 1, len), ERR_INVALID_PARAMETER);
	ck_assert_uint_eq(transfer(5, 0, 0, 1, 1, ~0ull), ERR_INVALID_PARAMETER);
	ck_assert_uint_eq(transfer(5, 0, 15, 16, 1, 15 * 64 + 4), ERR_INVALID_PARAMETER);
	ck_assert_uint_eq(transfer(5, 0, 15, 16, 1, 15 * 64), OK_NODATA);
	ck_assert_uint_eq(set_scanout(0, 5, 0, 0, 16, 16), OK_NODATA);
	ck_assert_uint_eq(flush(5, 0, 0, 16, 16), OK_NODATA);
	ck_assert_uint_eq(flush(5, 16, 16, 0, 0), OK_NODATA); /* empty: nothing to do */
}
END_TEST

START_TEST(gpu_bad_backing)
{
	uint64_t addr[3];
	uint32_t len[3];
	struct cmd c;

	ck_assert_uint_eq(create_2d(9, FMT_B8G8R8X8, 16, 16), OK_NODATA);
	/* outside guest RAM: unmapped, straddling the end, wrapping around */
	addr[0] = 0x40000000;
	len[0] = 4096;
	ck_assert_uint_eq(attach(9, addr, len, 1), ERR_INVALID_PARAMETER);
	addr[0] = H_RAM_BASE + H_RAM_SIZE - 100;
	len[0] = 4096;
	ck_assert_uint_eq(attach(9, addr, len, 1), ERR_INVALID_PARAMETER);
	addr[0] = ~0ull - 10;
	len[0] = 4096;
	ck_assert_uint_eq(attach(9, addr, len, 1), ERR_INVALID_PARAMETER);
	/* one good entry then a bad one: nothing attached */
	addr[0] = BACK_GPA;
	len[0] = 512;
	addr[1] = H_RAM_BASE - 4096;
	len[1] = 4096;
	ck_assert_uint_eq(attach(9, addr, len, 2), ERR_INVALID_PARAMETER);
	ck_assert_uint_eq(transfer(9, 0, 0, 1, 1, 0), ERR_UNSPEC);
	/* no entries, or only empty ones */
	ck_assert_uint_eq(attach(9, addr, len, 0), ERR_INVALID_PARAMETER);
	len[0] = 0;
	ck_assert_uint_eq(attach(9, addr, len, 1), ERR_INVALID_PARAMETER);
	/* more entries announced than the command holds */
	cmd_init(&c, CMD_ATTACH);
	cmd_u32(&c, 9);
	cmd_u32(&c, 1000);
	cmd_u64(&c, BACK_GPA);
	cmd_u32(&c, 4096);
	cmd_u32(&c, 0);
	ck_assert_uint_eq(gpu_send(&c), ERR_UNSPEC);
	cmd_init(&c, CMD_ATTACH);
	cmd_u32(&c, 9);
	cmd_u32(&c, 0x7fffffff);
	ck_assert_uint_eq(gpu_send(&c), ERR_INVALID_PARAMETER);
	/* good, then attaching again is refused until detached */
	addr[0] = BACK_GPA;
	len[0] = 256;
	ck_assert_uint_eq(attach(9, addr, len, 1), OK_NODATA);
	ck_assert_uint_eq(attach(9, addr, len, 1), ERR_UNSPEC);
	/* only 256 bytes of backing: rows 4.. of the resource are beyond it */
	ck_assert_uint_eq(transfer(9, 0, 0, 16, 4, 0), OK_NODATA);
	ck_assert_uint_eq(transfer(9, 0, 0, 16, 5, 0), ERR_INVALID_PARAMETER);
	ck_assert_uint_eq(simple(CMD_DETACH, 9), OK_NODATA);
	ck_assert_uint_eq(transfer(9, 0, 0, 16, 4, 0), ERR_UNSPEC);
}
END_TEST

START_TEST(gpu_short_and_unknown_commands)
{
	uint8_t resp[24];
	uint32_t written;
	struct cmd c;

	/* shorter than the header, shorter than the command, no command at all */
	cmd_init(&c, CMD_CREATE_2D);
	ck_assert_uint_eq(gpu_send_n(&c, 10, 24, NULL, NULL), ERR_UNSPEC);
	ck_assert_uint_eq(gpu_send_n(&c, 24, 24, NULL, NULL), ERR_UNSPEC);
	cmd_init(&c, CMD_SET_SCANOUT);
	cmd_rect(&c, 0, 0, 1, 1);
	ck_assert_uint_eq(gpu_send(&c), ERR_UNSPEC);
	ck_assert_uint_eq(gpu_send_n(&c, 0, 24, NULL, NULL), ERR_UNSPEC);
	/* 3D, EDID (not offered), garbage */
	cmd_init(&c, CMD_CTX_CREATE);
	ck_assert_uint_eq(gpu_send(&c), ERR_UNSPEC);
	cmd_init(&c, CMD_GET_EDID);
	cmd_u32(&c, 0);
	cmd_u32(&c, 0);
	ck_assert_uint_eq(gpu_send(&c), ERR_UNSPEC);
	cmd_init(&c, 0xdeadbeef);
	ck_assert_uint_eq(gpu_send(&c), ERR_UNSPEC);
	/* no response buffer, or a tiny one: the device carries on */
	cmd_init(&c, CMD_GET_DISPLAY_INFO);
	ck_assert_uint_eq(gpu_send_n(&c, c.len, 0, NULL, &written), 0);
	ck_assert_uint_eq(written, 0);
	ck_assert_uint_eq(gpu_send_n(&c, c.len, 2, NULL, &written), 0);
	ck_assert_uint_eq(written, 2);
	/* a fenced command: the response echoes the fence id and context */
	cmd_init(&c, CMD_GET_DISPLAY_INFO);
	c.b[4] = 1; /* VIRTIO_GPU_FLAG_FENCE */
	memcpy(c.b + 8, &(uint64_t){0x1122334455667788ull}, 8);
	memcpy(c.b + 16, &(uint32_t){5}, 4);
	ck_assert_uint_eq(gpu_send_n(&c, c.len, sizeof(resp), resp, NULL), OK_DISPLAY_INFO);
	ck_assert_uint_eq(resp[4] & 1, 1);
	ck_assert_uint_eq(*(uint64_t *)(resp + 8), 0x1122334455667788ull);
	ck_assert_uint_eq(*(uint32_t *)(resp + 16), 5);
}
END_TEST

START_TEST(gpu_cursor_queue_and_reset)
{
	uint64_t cur = vd_alloc(&gpu, 56, 8);
	struct vbuf b = {cur, 56, false};
	uint32_t id, len;

	*(uint32_t *)vd_host(&gpu, cur) = CMD_UPDATE_CURSOR;
	vd_add(&gpu, 1, &b, 1);
	vd_kick(&gpu, 1);
	ck_assert(vd_used(&gpu, 1, &id, &len));
	ck_assert_uint_eq(len, 0);
	/* a reset forgets every resource: ids are free again after re-initialisation */
	ck_assert_uint_eq(create_2d(11, FMT_B8G8R8X8, 8, 8), OK_NODATA);
	vd_wr(&gpu, VM_STATUS, 0);
	ck_assert(vd_negotiate(&gpu, F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
	gpu.brk = H_RAM_BASE + 0x1000;
	vd_setup_queue(&gpu, 0, 16);
	vd_setup_queue(&gpu, 1, 16);
	vd_driver_ok(&gpu);
	ck_assert_uint_eq(create_2d(11, FMT_B8G8R8X8, 8, 8), OK_NODATA);
}
END_TEST

/* ---------------------------------------------------------------- input */

static struct vdrv kbd, tab;

static void input_setup(void)
{
	hbus_init(&hb);
	memset(irq, 0, sizeof(irq));
	disp = open_headless();
	ck_assert_ptr_nonnull(
	    virtio_input_new(hb.bus, KBD_BASE, probe_line(irq, 0), disp, DISPLAY_INPUT_KEYBOARD));
	ck_assert_ptr_nonnull(
	    virtio_input_new(hb.bus, TAB_BASE, probe_line(irq, 1), disp, DISPLAY_INPUT_POINTER));
	vd_attach(&kbd, &hb, KBD_BASE);
	vd_attach(&tab, &hb, TAB_BASE);
	tab.brk = H_RAM_BASE + 0x100000;
	ck_assert_uint_eq(vd_rd(&kbd, VM_DEVICE_ID), 18);
}

/* Select @sel/@subsel in @d's config; returns size, the union in @u. */
static unsigned cfg_query(struct vdrv *d, uint8_t sel, uint8_t subsel, uint8_t *u)
{
	unsigned size;

	hwr(&hb, d->base + VM_CONFIG, 1, sel);
	hwr(&hb, d->base + VM_CONFIG + 1, 1, subsel);
	size = hrd(&hb, d->base + VM_CONFIG + 2, 1);
	for (unsigned i = 0; i < 128; i++)
		u[i] = (uint8_t)hrd(&hb, d->base + VM_CONFIG + 8 + i, 1);
	return size;
}

static bool bit(const uint8_t *bm, unsigned n)
{
	return bm[n / 8] >> (n % 8) & 1;
}

START_TEST(input_config)
{
	uint8_t u[128];
	unsigned size;

	size = cfg_query(&kbd, 1, 0, u); /* ID_NAME */
	ck_assert_uint_eq(size, 14);
	ck_assert_mem_eq(u, "morph keyboard", 14);
	ck_assert_uint_eq(cfg_query(&tab, 1, 0, u), 12);
	ck_assert_mem_eq(u, "morph tablet", 12);
	ck_assert_uint_eq(cfg_query(&kbd, 3, 0, u), 8); /* ID_DEVIDS */
	ck_assert_uint_eq(u[0], 6);			/* BUS_VIRTUAL */
	size = cfg_query(&kbd, 0x11, EV_KEY, u);
	ck_assert_uint_ge(size, 16);
	ck_assert(bit(u, 30));	/* KEY_A */
	ck_assert(bit(u, 29));	/* KEY_LEFTCTRL */
	ck_assert(bit(u, 88));	/* KEY_F12 */
	ck_assert(bit(u, 82));	/* KEY_KP0 */
	ck_assert(bit(u, 103)); /* KEY_UP */
	ck_assert(bit(u, 116)); /* KEY_POWER: what closing the window sends */
	ck_assert(!bit(u, 0));
	ck_assert_uint_eq(cfg_query(&kbd, 0x11, EV_REP, u), 1);
	ck_assert_uint_eq(cfg_query(&kbd, 0x11, EV_ABS, u), 0);
	ck_assert_uint_eq(cfg_query(&kbd, 0x12, ABS_X, u), 0);
	/* the tablet */
	ck_assert_uint_gt(cfg_query(&tab, 0x11, EV_KEY, u), 0);
	ck_assert(bit(u, BTN_LEFT) && bit(u, BTN_RIGHT) && bit(u, BTN_MIDDLE));
	ck_assert(!bit(u, 30));
	ck_assert_uint_eq(cfg_query(&tab, 0x11, EV_ABS, u), 1);
	ck_assert_uint_eq(u[0], 3); /* ABS_X, ABS_Y */
	ck_assert_uint_eq(cfg_query(&tab, 0x11, EV_REL, u), 2);
	ck_assert(bit(u, REL_WHEEL));
	ck_assert_uint_eq(cfg_query(&tab, 0x12, ABS_Y, u), 20);
	ck_assert_uint_eq(*(uint32_t *)(u + 4), DISPLAY_ABS_MAX);
	ck_assert_uint_eq(cfg_query(&tab, 0x12, 5, u), 0);
	/* unknown selections are empty; writes beyond select/subsel are ignored */
	ck_assert_uint_eq(cfg_query(&kbd, 0x55, 0, u), 0);
	hwr(&hb, KBD_BASE + VM_CONFIG + 2, 1, 99);
	ck_assert_uint_eq(hrd(&hb, KBD_BASE + VM_CONFIG + 2, 1), 0);
}
END_TEST

static void input_ready(struct vdrv *d, unsigned nbuf, uint64_t *bufs)
{
	ck_assert(vd_negotiate(d, F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
	vd_setup_queue(d, 0, 64);
	vd_setup_queue(d, 1, 8);
	vd_driver_ok(d);
	for (unsigned i = 0; i < nbuf; i++) {
		bufs[i] = vd_alloc(d, 8, 8);
		vd_add(d, 0, &(struct vbuf){bufs[i], 8, true}, 1);
	}
	vd_kick(d, 0);
}

/* The next event the device returned: type, code, value. */
static void next_event(struct vdrv *d, uint64_t *bufs, uint16_t type, uint16_t code, int32_t value)
{
	uint32_t id, len;
	uint8_t *e;

	ck_assert(vd_used(d, 0, &id, &len));
	ck_assert_uint_eq(len, 8);
	e = vd_host(d, bufs[id]);
	ck_assert_uint_eq(*(uint16_t *)e, type);
	ck_assert_uint_eq(*(uint16_t *)(e + 2), code);
	ck_assert_int_eq(*(int32_t *)(e + 4), value);
}

START_TEST(input_events)
{
	uint64_t kb[64], tb[64];
	uint32_t id, len;

	input_ready(&kbd, 3, kb);
	input_ready(&tab, 64, tb);
	display_key(disp, 30, true);
	display_key(disp, 30, false);
	display_pointer_abs(disp, 100, 0x9000); /* clamped to DISPLAY_ABS_MAX */
	display_button(disp, BTN_LEFT, true);
	display_wheel(disp, -1);
	display_input_flush(disp);
	/* the keyboard had 3 buffers: the first batch and the start of the second */
	next_event(&kbd, kb, EV_KEY, 30, 1);
	next_event(&kbd, kb, EV_SYN, SYN_REPORT, 0);
	next_event(&kbd, kb, EV_KEY, 30, 0);
	ck_assert(!vd_used(&kbd, 0, &id, &len));
	ck_assert_int_ge(irq[0].raises, 1);
	/* more buffers: the rest of it arrives, in order */
	for (unsigned i = 3; i < 6; i++) {
		kb[i] = vd_alloc(&kbd, 8, 8);
		vd_add(&kbd, 0, &(struct vbuf){kb[i], 8, true}, 1);
	}
	vd_kick(&kbd, 0);
	next_event(&kbd, kb, EV_SYN, SYN_REPORT, 0);
	ck_assert(!vd_used(&kbd, 0, &id, &len));
	/* the tablet */
	next_event(&tab, tb, EV_ABS, ABS_X, 100);
	next_event(&tab, tb, EV_ABS, ABS_Y, DISPLAY_ABS_MAX);
	next_event(&tab, tb, EV_SYN, SYN_REPORT, 0);
	next_event(&tab, tb, EV_KEY, BTN_LEFT, 1);
	next_event(&tab, tb, EV_SYN, SYN_REPORT, 0);
	next_event(&tab, tb, EV_REL, REL_WHEEL, -1);
	next_event(&tab, tb, EV_SYN, SYN_REPORT, 0);
	ck_assert(!vd_used(&tab, 0, &id, &len));
}
END_TEST

START_TEST(input_overflow_drops_whole_batches)
{
	uint64_t kb[64];
	uint32_t id, len;
	unsigned n = 0;

	input_ready(&kbd, 0, kb); /* no buffers at all */
	/* 300 key batches of 2 events: 128 fit in the device's 256-event queue */
	for (unsigned i = 0; i < 300; i++) {
		display_key(disp, (uint16_t)(2 + i % 10), i % 2 == 0);
		if (i % 50 == 49)
			display_input_flush(disp);
	}
	display_input_flush(disp);
	for (unsigned round = 0; round < 5; round++) {
		for (unsigned i = 0; i < 64; i++) {
			kb[i] = vd_alloc(&kbd, 8, 8);
			vd_add(&kbd, 0, &(struct vbuf){kb[i], 8, true}, 1);
		}
		vd_kick(&kbd, 0);
		kbd.brk = H_RAM_BASE + 0x1000 + 0x1000 * 4; /* past the rings */
		while (vd_used(&kbd, 0, &id, &len)) {
			uint16_t type = *(uint16_t *)vd_host(&kbd, kb[id]);

			/* events alternate KEY, SYN: no batch was cut in half */
			ck_assert_uint_eq(type, n % 2 ? EV_SYN : EV_KEY);
			n++;
		}
	}
	ck_assert_uint_eq(n, 256);
}
END_TEST

static void input_teardown(void)
{
	hbus_fini(&hb);
	display_close(disp);
}

/* --------------------------------------------------------------- keymap */

START_TEST(keymap_table)
{
	bool seen[KEY_MAX + 1] = {0};
	unsigned distinct = 0;

	ck_assert_uint_eq(keymap_hid_to_evdev(0x04), 30);  /* A */
	ck_assert_uint_eq(keymap_hid_to_evdev(0x1d), 44);  /* Z */
	ck_assert_uint_eq(keymap_hid_to_evdev(0x27), 11);  /* 0 */
	ck_assert_uint_eq(keymap_hid_to_evdev(0x28), 28);  /* Enter */
	ck_assert_uint_eq(keymap_hid_to_evdev(0x3a), 59);  /* F1 */
	ck_assert_uint_eq(keymap_hid_to_evdev(0x45), 88);  /* F12 */
	ck_assert_uint_eq(keymap_hid_to_evdev(0x4f), 106); /* Right */
	ck_assert_uint_eq(keymap_hid_to_evdev(0x52), 103); /* Up */
	ck_assert_uint_eq(keymap_hid_to_evdev(0x58), 96);  /* keypad Enter */
	ck_assert_uint_eq(keymap_hid_to_evdev(0x62), 82);  /* keypad 0 */
	ck_assert_uint_eq(keymap_hid_to_evdev(0xe0), 29);  /* Left Control */
	ck_assert_uint_eq(keymap_hid_to_evdev(0xe6), 100); /* Right Alt */
	ck_assert_uint_eq(keymap_hid_to_evdev(0xe7), 126); /* Right GUI */
	ck_assert_uint_eq(keymap_hid_to_evdev(0), 0);
	ck_assert_uint_eq(keymap_hid_to_evdev(0xe8), 0);
	ck_assert_uint_eq(keymap_hid_to_evdev(100000), 0);
	/* every key of a 105-key PC keyboard: usages 0x04..0x67 and the 8 modifiers */
	for (unsigned u = 0x04; u <= 0x67; u++)
		ck_assert_msg(keymap_hid_to_evdev(u) != 0, "usage 0x%x unmapped", u);
	for (unsigned u = 0xe0; u <= 0xe7; u++)
		ck_assert_msg(keymap_hid_to_evdev(u) != 0, "usage 0x%x unmapped", u);
	for (unsigned u = 0; u < KEYMAP_HID_USAGES; u++) {
		uint16_t c = keymap_hid_to_evdev(u);

		ck_assert_uint_le(c, KEY_MAX);
		if (c && !seen[c]) {
			seen[c] = true;
			distinct++;
		}
	}
	/* only non-US # shares a code (with \ at the same key position) */
	ck_assert_uint_eq(keymap_hid_to_evdev(0x32), keymap_hid_to_evdev(0x31));
	ck_assert_uint_ge(distinct, 130);
}
END_TEST

/* ----------------------------------------------------------- screenshot */

START_TEST(screenshot_png)
{
	struct display *d = open_headless();
	char path[] = "/tmp/morph-shot-XXXXXX", err[256];
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(display_screenshot(d, path, err, sizeof(err)), -ENODATA);
	display_lock(d);
	ck_assert_int_eq(display_resize(d, 3, 2), 0);
	ck_assert_int_eq(display_resize(d, DISPLAY_MAX_DIM + 1, 2), -EINVAL);
	{
		struct display_surface *s = display_surface(d);
		uint32_t px[6] = {0xff0000, 0x00ff00, 0x0000ff, 0xffffff, 0x000000, 0x123456};

		for (unsigned i = 0; i < 6; i++)
			memcpy(s->data + (i / 3) * s->stride + (i % 3) * 4, &px[i], 4);
	}
	display_unlock(d);
#ifdef MORPH_HAVE_PNG
	{
		png_image img;
		uint8_t rgb[18];
		static const uint8_t want[18] = {
		    255, 0,   0,   0, 255, 0, 0,    0,	  255,	/* red, green, blue */
		    255, 255, 255, 0, 0,   0, 0x12, 0x34, 0x56, /* white, black, #123456 */
		};

		ck_assert_int_eq(display_screenshot(d, path, err, sizeof(err)), 0);
		memset(&img, 0, sizeof(img));
		img.version = PNG_IMAGE_VERSION;
		ck_assert(png_image_begin_read_from_file(&img, path));
		ck_assert_uint_eq(img.width, 3);
		ck_assert_uint_eq(img.height, 2);
		img.format = PNG_FORMAT_RGB;
		ck_assert(png_image_finish_read(&img, NULL, rgb, 0, NULL));
		ck_assert_mem_eq(rgb, want, sizeof(want));
	}
	/* an unwritable place is an error, not a crash */
	ck_assert_int_lt(display_screenshot(d, "/nonexistent/dir/x.png", err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/dir/x.png"));
#else
	ck_assert_int_eq(display_screenshot(d, path, err, sizeof(err)), -ENOTSUP);
#endif
	unlink(path);
	display_close(d);
}
END_TEST

START_TEST(display_sdl_without_server)
{
	char err[256];
	struct display *d;

	/* --display sdl is an error without a display server; the default falls back */
	unsetenv("DISPLAY");
	unsetenv("WAYLAND_DISPLAY");
	d = display_open(&(struct display_config){.kind = DISPLAY_SDL}, err, sizeof(err));
	ck_assert_ptr_null(d);
	ck_assert_ptr_nonnull(strstr(err, "--display sdl"));
	d = display_open(&(struct display_config){.kind = DISPLAY_DEFAULT}, err, sizeof(err));
	ck_assert_ptr_nonnull(d);
	ck_assert(!display_has_window(d));
	display_close(d);
}
END_TEST

static Suite *display_suite(void)
{
	Suite *s = suite_create("display");
	TCase *tc = tcase_create("virtio-gpu");

	tcase_add_checked_fixture(tc, gpu_setup, gpu_teardown);
	tcase_add_test(tc, gpu_config_and_display_info);
	tcase_add_test(tc, gpu_draw_to_surface);
	tcase_add_test(tc, gpu_format_conversion_and_subrect_scanout);
	tcase_add_test(tc, gpu_bad_resources);
	tcase_add_test(tc, gpu_bad_rectangles);
	tcase_add_test(tc, gpu_bad_backing);
	tcase_add_test(tc, gpu_short_and_unknown_commands);
	tcase_add_test(tc, gpu_cursor_queue_and_reset);
	suite_add_tcase(s, tc);

	tc = tcase_create("virtio-input");
	tcase_add_checked_fixture(tc, input_setup, input_teardown);
	tcase_add_test(tc, input_config);
	tcase_add_test(tc, input_events);
	tcase_add_test(tc, input_overflow_drops_whole_batches);
	suite_add_tcase(s, tc);

	tc = tcase_create("ui");
	tcase_add_test(tc, keymap_table);
	tcase_add_test(tc, screenshot_png);
	tcase_add_test(tc, display_sdl_without_server);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(display_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
