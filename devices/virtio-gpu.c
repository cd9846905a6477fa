/*
 * virtio-gpu, 2D only (virtio 1.2 section 5.7): resources live in host
 * memory; the driver attaches guest pages as backing, copies them into a
 * resource with TRANSFER_TO_HOST_2D and shows them with SET_SCANOUT and
 * RESOURCE_FLUSH. One scanout, shown on a struct display (include/morph/
 * display.h): a flush copies the flushed part of the scanout's rectangle into
 * the display surface (converting to XRGB8888) and marks it dirty.
 *
 * Commands run synchronously on the control queue's kick, so fences complete
 * at once. Malformed commands are answered, never trusted:
 *   short command                          ERR_UNSPEC
 *   unknown or 3D command                  ERR_UNSPEC
 *   resource id 0, unknown, or in use      ERR_INVALID_RESOURCE_ID
 *   scanout id >= num_scanouts             ERR_INVALID_SCANOUT_ID
 *   bad format, size, rectangle outside the resource, transfer reading past
 *   the backing, backing entry outside guest RAM, too many entries
 *                                          ERR_INVALID_PARAMETER
 *   attach to a resource with backing, detach/transfer without it
 *                                          ERR_UNSPEC
 *   over the host memory budget            ERR_OUT_OF_MEMORY
 * Backing pages are resolved once through bus_ram_ptr() (device-readable,
 * entirely inside guest RAM) and only ever read. The cursor queue's commands
 * are consumed (no hardware cursor: the guest draws its own).
 */
#include <stdlib.h>
#include <string.h>

#include "dev.h"
#include "morph/display.h"
#include "virtio.h"

#define VIRTIO_GPU_ID 16
#define GPU_QUEUE_CTRL 0
#define GPU_QUEUE_CURSOR 1
#define GPU_QUEUE_MAX 256

#define GPU_NUM_SCANOUTS 1
#define GPU_MAX_SCANOUTS 16   /* entries of the display info response */
#define GPU_MAX_BACKING 16384 /* entries of one RESOURCE_ATTACH_BACKING */
#define GPU_MAX_RESOURCES 1024
#define GPU_HOSTMEM_BUDGET (256u << 20) /* bytes of resource storage in all */

enum {
	GPU_CMD_GET_DISPLAY_INFO = 0x0100,
	GPU_CMD_RESOURCE_CREATE_2D,
	GPU_CMD_RESOURCE_UNREF,
	GPU_CMD_SET_SCANOUT,
	GPU_CMD_RESOURCE_FLUSH,
	GPU_CMD_TRANSFER_TO_HOST_2D,
	GPU_CMD_RESOURCE_ATTACH_BACKING,
	GPU_CMD_RESOURCE_DETACH_BACKING,
	GPU_CMD_GET_CAPSET_INFO,
	GPU_CMD_GET_CAPSET,
	GPU_CMD_GET_EDID,

	GPU_CMD_UPDATE_CURSOR = 0x0300,
	GPU_CMD_MOVE_CURSOR,

	GPU_RESP_OK_NODATA = 0x1100,
	GPU_RESP_OK_DISPLAY_INFO,

	GPU_RESP_ERR_UNSPEC = 0x1200,
	GPU_RESP_ERR_OUT_OF_MEMORY,
	GPU_RESP_ERR_INVALID_SCANOUT_ID,
	GPU_RESP_ERR_INVALID_RESOURCE_ID,
	GPU_RESP_ERR_INVALID_CONTEXT_ID,
	GPU_RESP_ERR_INVALID_PARAMETER,
};

#define GPU_FLAG_FENCE 1
#define GPU_FLAG_INFO_RING_IDX 2

/* struct virtio_gpu_ctrl_hdr: le32 type, flags; le64 fence_id; le32 ctx_id; u8 ring_idx, pad[3] */
#define GPU_HDR_SIZE 24
/* Command sizes including the header (section 5.7.6.8). */
#define GPU_RECT_SIZE 16
#define GPU_CREATE_2D_SIZE (GPU_HDR_SIZE + 16)
#define GPU_UNREF_SIZE (GPU_HDR_SIZE + 8)
#define GPU_SET_SCANOUT_SIZE (GPU_HDR_SIZE + GPU_RECT_SIZE + 8)
#define GPU_FLUSH_SIZE (GPU_HDR_SIZE + GPU_RECT_SIZE + 8)
#define GPU_TRANSFER_SIZE (GPU_HDR_SIZE + GPU_RECT_SIZE + 16)
#define GPU_ATTACH_SIZE (GPU_HDR_SIZE + 8) /* then nr_entries x {le64 addr, le32 len, pad} */
#define GPU_DETACH_SIZE (GPU_HDR_SIZE + 8)
#define GPU_MEM_ENTRY_SIZE 16
#define GPU_DISPLAY_INFO_SIZE (GPU_HDR_SIZE + GPU_MAX_SCANOUTS * 24)

/* Config space (section 5.7.4): events_read, events_clear, num_scanouts, num_capsets. */
#define GPU_CFG_EVENTS_READ 0
#define GPU_CFG_EVENTS_CLEAR 4
#define GPU_CFG_NUM_SCANOUTS 8
#define GPU_CFG_NUM_CAPSETS 12
#define GPU_CFG_SIZE 16

/* Formats (section 5.7.6.8): the name lists the bytes in memory order. */
struct gpu_format {
	uint32_t id;
	uint8_t r, g, b; /* byte offsets of the colour channels in a pixel */
};

static const struct gpu_format gpu_formats[] = {
    {1, 2, 1, 0},   /* B8G8R8A8_UNORM */
    {2, 2, 1, 0},   /* B8G8R8X8_UNORM (Linux's XRGB8888 on little-endian) */
    {3, 1, 2, 3},   /* A8R8G8B8_UNORM */
    {4, 1, 2, 3},   /* X8R8G8B8_UNORM */
    {67, 0, 1, 2},  /* R8G8B8A8_UNORM */
    {68, 3, 2, 1},  /* X8B8G8R8_UNORM */
    {121, 3, 2, 1}, /* A8B8G8R8_UNORM */
    {134, 0, 1, 2}, /* R8G8B8X8_UNORM */
};

/* A run of guest memory backing a resource, at byte @off of the backing. */
struct gpu_backing {
	const uint8_t *p;
	uint64_t off;
	uint32_t len;
};

struct gpu_resource {
	uint32_t id, width, height;
	const struct gpu_format *fmt;
	uint8_t *data; /* width * height * 4 bytes, the format's layout */
	struct gpu_backing *backing;
	unsigned nbacking;
	uint64_t backing_len;
	struct gpu_resource *next;
};

struct gpu_scanout {
	uint32_t resource_id;  /* 0: disabled */
	struct display_rect r; /* the part of the resource shown */
};

struct virtio_gpu {
	struct display *display;
	struct gpu_resource *resources;
	unsigned nresources;
	uint64_t hostmem;
	struct gpu_scanout scanout[GPU_NUM_SCANOUTS];
	struct virtq_elem elem;
};

static const struct gpu_format *gpu_find_format(uint32_t id)
{
	for (unsigned i = 0; i < sizeof(gpu_formats) / sizeof(gpu_formats[0]); i++)
		if (gpu_formats[i].id == id)
			return &gpu_formats[i];
	return NULL;
}

/* Is @f laid out as the surface (bytes B, G, R, then X or A)? */
static bool gpu_native(const struct gpu_format *f)
{
	return f->b == 0 && f->g == 1 && f->r == 2;
}

static struct gpu_resource *gpu_find(struct virtio_gpu *g, uint32_t id)
{
	for (struct gpu_resource *r = g->resources; r; r = r->next)
		if (r->id == id)
			return r;
	return NULL;
}

static void gpu_read_rect(const uint8_t *p, struct display_rect *r)
{
	r->x = dev_ld32(p);
	r->y = dev_ld32(p + 4);
	r->w = dev_ld32(p + 8);
	r->h = dev_ld32(p + 12);
}

/* Does @r lie inside a @w x @h resource? (overflow-safe) */
static bool gpu_rect_inside(const struct display_rect *r, uint32_t w, uint32_t h)
{
	return r->x <= w && r->w <= w - r->x && r->y <= h && r->h <= h - r->y;
}

/* ------------------------------------------------------------- display */

/*
 * Convert @n pixels of format @f at @src to XRGB8888 into @dst, returning
 * the span [*lo, *hi) of pixels that differ from what @dst held (*lo == *hi:
 * none). Linux's fbdev sends the whole screen for every console update (a
 * blinking cursor...): comparing keeps the dirty rectangle, and with it what
 * the window uploads, to what really changed.
 */
static void gpu_convert_row(const struct gpu_format *f, const uint8_t *src, uint8_t *dst,
			    uint32_t n, uint32_t *lo, uint32_t *hi)
{
	uint32_t first = n, last = 0;

	for (uint32_t x = 0; x < n; x++, src += 4, dst += 4) {
		uint8_t px[4] = {src[f->b], src[f->g], src[f->r], 0xff};

		if (gpu_native(f))
			px[3] = src[3]; /* the native layout: copy it as it is */
		if (memcmp(dst, px, 4)) {
			memcpy(dst, px, 4);
			if (first == n)
				first = x;
			last = x + 1;
		}
	}
	*lo = first == n ? 0 : first;
	*hi = first == n ? 0 : last;
}

/* Copy the part @r (resource coordinates) of scanout @s's resource into the surface. */
static void gpu_show(struct virtio_gpu *g, const struct gpu_scanout *s,
		     const struct gpu_resource *res, const struct display_rect *r)
{
	struct display *d = g->display;
	struct display_surface *surf;
	uint32_t x0 = r->x > s->r.x ? r->x : s->r.x, y0 = r->y > s->r.y ? r->y : s->r.y;
	uint64_t rx1 = (uint64_t)r->x + r->w, ry1 = (uint64_t)r->y + r->h;
	uint64_t sx1 = (uint64_t)s->r.x + s->r.w, sy1 = (uint64_t)s->r.y + s->r.h;
	uint32_t x1 = (uint32_t)(rx1 < sx1 ? rx1 : sx1), y1 = (uint32_t)(ry1 < sy1 ? ry1 : sy1);
	uint32_t dx0 = UINT32_MAX, dx1 = 0, dy0 = UINT32_MAX, dy1 = 0;

	if (x0 >= x1 || y0 >= y1)
		return;
	display_lock(d);
	surf = display_surface(d);
	if (surf->width != s->r.w || surf->height != s->r.h || !surf->data) {
		display_unlock(d);
		return;
	}
	for (uint32_t y = y0; y < y1; y++) {
		const uint8_t *src = res->data + ((size_t)y * res->width + x0) * 4;
		uint8_t *dst =
		    surf->data + (size_t)(y - s->r.y) * surf->stride + (size_t)(x0 - s->r.x) * 4;
		uint32_t lo, hi;

		/* the common case, an unchanged row in the native layout, costs one memcmp */
		if (gpu_native(res->fmt) && !memcmp(dst, src, (size_t)(x1 - x0) * 4))
			continue;
		gpu_convert_row(res->fmt, src, dst, x1 - x0, &lo, &hi);
		if (lo == hi)
			continue;
		dx0 = lo < dx0 ? lo : dx0;
		dx1 = hi > dx1 ? hi : dx1;
		dy0 = y < dy0 ? y : dy0;
		dy1 = y + 1;
	}
	if (dy0 != UINT32_MAX)
		display_dirty(d, &(struct display_rect){x0 - s->r.x + dx0, dy0 - s->r.y, dx1 - dx0,
							dy1 - dy0});
	display_unlock(d);
}

static void gpu_scanout_disable(struct virtio_gpu *g, struct gpu_scanout *s)
{
	/* the window keeps the last picture (a poweroff resets the device before we screenshot) */
	s->resource_id = 0;
}

/* ------------------------------------------------------------ commands */

static uint32_t gpu_create_2d(struct virtio_gpu *g, const uint8_t *c)
{
	uint32_t id = dev_ld32(c + GPU_HDR_SIZE), format = dev_ld32(c + GPU_HDR_SIZE + 4);
	uint32_t w = dev_ld32(c + GPU_HDR_SIZE + 8), h = dev_ld32(c + GPU_HDR_SIZE + 12);
	const struct gpu_format *f = gpu_find_format(format);
	struct gpu_resource *r;
	uint64_t bytes;

	if (id == 0 || gpu_find(g, id))
		return GPU_RESP_ERR_INVALID_RESOURCE_ID;
	if (!f || !w || !h || w > DISPLAY_MAX_DIM || h > DISPLAY_MAX_DIM)
		return GPU_RESP_ERR_INVALID_PARAMETER;
	bytes = (uint64_t)w * h * 4;
	if (g->nresources >= GPU_MAX_RESOURCES || bytes > GPU_HOSTMEM_BUDGET - g->hostmem)
		return GPU_RESP_ERR_OUT_OF_MEMORY;
	r = calloc(1, sizeof(*r));
	if (!r)
		return GPU_RESP_ERR_OUT_OF_MEMORY;
	r->data = calloc(1, bytes);
	if (!r->data) {
		free(r);
		return GPU_RESP_ERR_OUT_OF_MEMORY;
	}
	r->id = id;
	r->width = w;
	r->height = h;
	r->fmt = f;
	r->next = g->resources;
	g->resources = r;
	g->nresources++;
	g->hostmem += bytes;
	return GPU_RESP_OK_NODATA;
}

static void gpu_free_backing(struct gpu_resource *r)
{
	free(r->backing);
	r->backing = NULL;
	r->nbacking = 0;
	r->backing_len = 0;
}

static void gpu_destroy(struct virtio_gpu *g, struct gpu_resource *r)
{
	for (struct gpu_resource **pp = &g->resources; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	}
	for (unsigned i = 0; i < GPU_NUM_SCANOUTS; i++)
		if (g->scanout[i].resource_id == r->id)
			gpu_scanout_disable(g, &g->scanout[i]);
	g->nresources--;
	g->hostmem -= (uint64_t)r->width * r->height * 4;
	gpu_free_backing(r);
	free(r->data);
	free(r);
}

static uint32_t gpu_unref(struct virtio_gpu *g, const uint8_t *c)
{
	struct gpu_resource *r = gpu_find(g, dev_ld32(c + GPU_HDR_SIZE));

	if (!r)
		return GPU_RESP_ERR_INVALID_RESOURCE_ID;
	gpu_destroy(g, r);
	return GPU_RESP_OK_NODATA;
}

static uint32_t gpu_set_scanout(struct virtio_gpu *g, const uint8_t *c)
{
	struct display_rect rect;
	uint32_t sid = dev_ld32(c + GPU_HDR_SIZE + GPU_RECT_SIZE);
	uint32_t id = dev_ld32(c + GPU_HDR_SIZE + GPU_RECT_SIZE + 4);
	struct gpu_scanout *s;
	struct gpu_resource *r;
	int err;

	gpu_read_rect(c + GPU_HDR_SIZE, &rect);
	if (sid >= GPU_NUM_SCANOUTS)
		return GPU_RESP_ERR_INVALID_SCANOUT_ID;
	s = &g->scanout[sid];
	if (id == 0) {
		gpu_scanout_disable(g, s);
		return GPU_RESP_OK_NODATA;
	}
	r = gpu_find(g, id);
	if (!r)
		return GPU_RESP_ERR_INVALID_RESOURCE_ID;
	if (!rect.w || !rect.h || !gpu_rect_inside(&rect, r->width, r->height))
		return GPU_RESP_ERR_INVALID_PARAMETER;
	s->resource_id = id;
	s->r = rect;
	display_lock(g->display);
	err = display_resize(g->display, rect.w, rect.h);
	display_unlock(g->display);
	if (err) {
		s->resource_id = 0;
		return GPU_RESP_ERR_OUT_OF_MEMORY;
	}
	gpu_show(g, s, r, &rect);
	return GPU_RESP_OK_NODATA;
}

static uint32_t gpu_flush(struct virtio_gpu *g, const uint8_t *c)
{
	struct display_rect rect;
	struct gpu_resource *r = gpu_find(g, dev_ld32(c + GPU_HDR_SIZE + GPU_RECT_SIZE));

	gpu_read_rect(c + GPU_HDR_SIZE, &rect);
	if (!r)
		return GPU_RESP_ERR_INVALID_RESOURCE_ID;
	if (!gpu_rect_inside(&rect, r->width, r->height))
		return GPU_RESP_ERR_INVALID_PARAMETER;
	for (unsigned i = 0; i < GPU_NUM_SCANOUTS; i++)
		if (g->scanout[i].resource_id == r->id)
			gpu_show(g, &g->scanout[i], r, &rect);
	return GPU_RESP_OK_NODATA;
}

/* Copy @len bytes at byte @off of @r's backing to @dst (the range was checked). */
static void gpu_backing_read(const struct gpu_resource *r, uint64_t off, uint8_t *dst, size_t len)
{
	unsigned lo = 0, hi = r->nbacking;

	/* the last entry starting at or before @off */
	while (hi - lo > 1) {
		unsigned mid = (lo + hi) / 2;

		if (r->backing[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	for (unsigned i = lo; len && i < r->nbacking; i++) {
		const struct gpu_backing *b = &r->backing[i];
		uint64_t skip = off - b->off;
		size_t l = b->len - skip < len ? (size_t)(b->len - skip) : len;

		memcpy(dst, b->p + skip, l);
		dst += l;
		len -= l;
		off += l;
	}
}

static uint32_t gpu_transfer(struct virtio_gpu *g, const uint8_t *c)
{
	struct display_rect rect;
	uint64_t offset = dev_ld64(c + GPU_HDR_SIZE + GPU_RECT_SIZE);
	struct gpu_resource *r = gpu_find(g, dev_ld32(c + GPU_HDR_SIZE + GPU_RECT_SIZE + 8));
	uint64_t stride, row_bytes, last;

	gpu_read_rect(c + GPU_HDR_SIZE, &rect);
	if (!r)
		return GPU_RESP_ERR_INVALID_RESOURCE_ID;
	if (!r->backing)
		return GPU_RESP_ERR_UNSPEC;
	if (!gpu_rect_inside(&rect, r->width, r->height))
		return GPU_RESP_ERR_INVALID_PARAMETER;
	if (!rect.w || !rect.h)
		return GPU_RESP_OK_NODATA;
	/* the backing holds the resource's layout: row y of the rectangle at offset + y * stride */
	stride = (uint64_t)r->width * 4;
	row_bytes = (uint64_t)rect.w * 4;
	if (offset > r->backing_len)
		return GPU_RESP_ERR_INVALID_PARAMETER;
	last = (uint64_t)(rect.h - 1) * stride + row_bytes; /* bytes from offset to the end */
	if (last > r->backing_len - offset)
		return GPU_RESP_ERR_INVALID_PARAMETER;
	for (uint32_t y = 0; y < rect.h; y++)
		gpu_backing_read(r, offset + y * stride,
				 r->data + ((size_t)(rect.y + y) * r->width + rect.x) * 4,
				 (size_t)row_bytes);
	return GPU_RESP_OK_NODATA;
}

static uint32_t gpu_attach_backing(struct virtio_gpu *g, struct virtio_dev *vm,
				   const struct virtq_elem *e, const uint8_t *c)
{
	struct gpu_resource *r = gpu_find(g, dev_ld32(c + GPU_HDR_SIZE));
	uint32_t n = dev_ld32(c + GPU_HDR_SIZE + 4);
	struct gpu_backing *b;
	uint64_t total = 0;
	unsigned nb = 0;

	if (!r)
		return GPU_RESP_ERR_INVALID_RESOURCE_ID;
	if (r->backing)
		return GPU_RESP_ERR_UNSPEC;
	if (n == 0 || n > GPU_MAX_BACKING)
		return GPU_RESP_ERR_INVALID_PARAMETER;
	if (e->out_len < GPU_ATTACH_SIZE + (uint64_t)n * GPU_MEM_ENTRY_SIZE)
		return GPU_RESP_ERR_UNSPEC; /* the entries are missing: a short command */
	b = calloc(n, sizeof(*b));
	if (!b)
		return GPU_RESP_ERR_OUT_OF_MEMORY;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t ent[GPU_MEM_ENTRY_SIZE];
		uint64_t addr;
		uint32_t len;
		const void *p;

		virtq_elem_read(e, GPU_ATTACH_SIZE + (size_t)i * GPU_MEM_ENTRY_SIZE, ent,
				sizeof(ent));
		addr = dev_ld64(ent);
		len = dev_ld32(ent + 8);
		if (!len)
			continue;
		p = bus_ram_ptr(vm->bus, addr, len);
		if (!p) {
			bus_guest_error("virtio-gpu", "backing 0x%llx+%u outside guest RAM",
					(unsigned long long)addr, len);
			free(b);
			return GPU_RESP_ERR_INVALID_PARAMETER;
		}
		b[nb++] = (struct gpu_backing){p, total, len};
		total += len;
	}
	if (!nb) {
		free(b);
		return GPU_RESP_ERR_INVALID_PARAMETER;
	}
	r->backing = b;
	r->nbacking = nb;
	r->backing_len = total;
	return GPU_RESP_OK_NODATA;
}

static uint32_t gpu_detach_backing(struct virtio_gpu *g, const uint8_t *c)
{
	struct gpu_resource *r = gpu_find(g, dev_ld32(c + GPU_HDR_SIZE));

	if (!r)
		return GPU_RESP_ERR_INVALID_RESOURCE_ID;
	if (!r->backing)
		return GPU_RESP_ERR_UNSPEC;
	gpu_free_backing(r);
	return GPU_RESP_OK_NODATA;
}

/* The response body of GET_DISPLAY_INFO (after the header). */
static void gpu_display_info(struct virtio_gpu *g, uint8_t *p)
{
	uint32_t w, h;

	display_preferred_size(g->display, &w, &h);
	memset(p, 0, GPU_MAX_SCANOUTS * 24);
	/* scanout 0: {rect 0, 0, w, h; enabled 1; flags 0} */
	dev_st32(p + 8, w);
	dev_st32(p + 12, h);
	dev_st32(p + 16, 1);
}

/* Minimum command sizes by type (0: unknown). */
static size_t gpu_cmd_size(uint32_t type)
{
	switch (type) {
	case GPU_CMD_GET_DISPLAY_INFO:
		return GPU_HDR_SIZE;
	case GPU_CMD_RESOURCE_CREATE_2D:
		return GPU_CREATE_2D_SIZE;
	case GPU_CMD_RESOURCE_UNREF:
		return GPU_UNREF_SIZE;
	case GPU_CMD_SET_SCANOUT:
		return GPU_SET_SCANOUT_SIZE;
	case GPU_CMD_RESOURCE_FLUSH:
		return GPU_FLUSH_SIZE;
	case GPU_CMD_TRANSFER_TO_HOST_2D:
		return GPU_TRANSFER_SIZE;
	case GPU_CMD_RESOURCE_ATTACH_BACKING:
		return GPU_ATTACH_SIZE;
	case GPU_CMD_RESOURCE_DETACH_BACKING:
		return GPU_DETACH_SIZE;
	default:
		return 0;
	}
}

/* Run one control command; returns the bytes written into the driver's buffers. */
static uint32_t gpu_command(struct virtio_dev *vm, struct virtio_gpu *g, const struct virtq_elem *e)
{
	uint8_t c[GPU_TRANSFER_SIZE] = {0}; /* the largest fixed-size command */
	uint8_t resp[GPU_DISPLAY_INFO_SIZE] = {0};
	size_t resp_len = GPU_HDR_SIZE, need;
	uint32_t type = 0, flags = 0, status;

	if (e->out_len < GPU_HDR_SIZE) {
		bus_guest_error("virtio-gpu", "command shorter than its header");
		status = GPU_RESP_ERR_UNSPEC;
		goto reply;
	}
	virtq_elem_read(e, 0, c, sizeof(c));
	type = dev_ld32(c);
	flags = dev_ld32(c + 4);
	need = gpu_cmd_size(type);
	if (!need) {
		status = GPU_RESP_ERR_UNSPEC; /* 3D, capsets, EDID, blobs: not offered */
		goto reply;
	}
	if (e->out_len < need) {
		bus_guest_error("virtio-gpu", "command 0x%x shorter than %zu bytes", type, need);
		status = GPU_RESP_ERR_UNSPEC;
		goto reply;
	}
	switch (type) {
	case GPU_CMD_GET_DISPLAY_INFO:
		gpu_display_info(g, resp + GPU_HDR_SIZE);
		resp_len = GPU_DISPLAY_INFO_SIZE;
		status = GPU_RESP_OK_DISPLAY_INFO;
		break;
	case GPU_CMD_RESOURCE_CREATE_2D:
		status = gpu_create_2d(g, c);
		break;
	case GPU_CMD_RESOURCE_UNREF:
		status = gpu_unref(g, c);
		break;
	case GPU_CMD_SET_SCANOUT:
		status = gpu_set_scanout(g, c);
		break;
	case GPU_CMD_RESOURCE_FLUSH:
		status = gpu_flush(g, c);
		break;
	case GPU_CMD_TRANSFER_TO_HOST_2D:
		status = gpu_transfer(g, c);
		break;
	case GPU_CMD_RESOURCE_ATTACH_BACKING:
		status = gpu_attach_backing(g, vm, e, c);
		break;
	default: /* GPU_CMD_RESOURCE_DETACH_BACKING */
		status = gpu_detach_backing(g, c);
		break;
	}
reply:
	if (status != GPU_RESP_OK_NODATA && status != GPU_RESP_OK_DISPLAY_INFO) {
		resp_len = GPU_HDR_SIZE;
		bus_guest_error("virtio-gpu", "command 0x%x failed with 0x%x", type, status);
	}
	dev_st32(resp, status);
	/* section 5.7.6.7: a fenced request's response echoes the fence (and the ring) */
	if (flags & GPU_FLAG_FENCE) {
		dev_st32(resp + 4, flags & (GPU_FLAG_FENCE | GPU_FLAG_INFO_RING_IDX));
		memcpy(resp + 8, c + 8, 8);   /* fence_id */
		memcpy(resp + 16, c + 16, 4); /* ctx_id */
		if (flags & GPU_FLAG_INFO_RING_IDX)
			resp[20] = c[20];
	}
	return (uint32_t)virtq_elem_write(e, 0, resp, resp_len);
}

static void gpu_notify(struct virtio_dev *vm, unsigned q)
{
	struct virtio_gpu *g = vm->dev;
	bool pushed = false;

	while (virtq_pop(vm, q, &g->elem) > 0) {
		uint32_t len = q == GPU_QUEUE_CTRL ? gpu_command(vm, g, &g->elem) : 0;

		virtq_push(vm, q, &g->elem, len);
		pushed = true;
	}
	if (pushed)
		virtq_notify(vm, q);
}

static void gpu_reset(struct virtio_dev *vm)
{
	struct virtio_gpu *g = vm->dev;

	while (g->resources)
		gpu_destroy(g, g->resources);
	memset(vm->config, 0, GPU_CFG_SIZE);
	dev_st32(vm->config + GPU_CFG_NUM_SCANOUTS, GPU_NUM_SCANOUTS);
}

static void gpu_config_write(struct virtio_dev *vm, unsigned off, uint64_t val, unsigned size)
{
	/* events_clear: write-to-clear bits of events_read */
	if (off == GPU_CFG_EVENTS_CLEAR && size == 4) {
		uint32_t ev = dev_ld32(vm->config + GPU_CFG_EVENTS_READ) & ~(uint32_t)val;

		dev_st32(vm->config + GPU_CFG_EVENTS_READ, ev);
	}
}

static void gpu_release(void *dev)
{
	struct virtio_gpu *g = dev;

	while (g->resources)
		gpu_destroy(g, g->resources);
	free(g);
}

static const struct virtio_class virtio_gpu_class = {
    .name = "virtio-gpu",
    .device_id = VIRTIO_GPU_ID,
    .features = 0, /* no VIRGL, no EDID: the display info gives the mode */
    .nqueues = 2,
    .queue_max = GPU_QUEUE_MAX,
    .config_size = GPU_CFG_SIZE,
    .notify = gpu_notify,
    .reset = gpu_reset,
    .config_write = gpu_config_write,
    .release = gpu_release,
};

struct virtio_dev *virtio_gpu_new(struct bus *bus, uint64_t base, struct irq_line irq,
				  struct display *d)
{
	struct virtio_gpu *g = calloc(1, sizeof(*g));
	struct virtio_dev *vm;

	if (!g)
		return dev_fail(-ENOMEM);
	g->display = d;
	vm = virtio_mmio_create(bus, base, irq, &virtio_gpu_class, g);
	if (vm)
		dev_st32(vm->config + GPU_CFG_NUM_SCANOUTS, GPU_NUM_SCANOUTS);
	return vm;
}
