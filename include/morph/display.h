/*
 * The display seam: what a display device (virtio-gpu) and input devices
 * (virtio-input) see of the host's screen, keyboard and mouse, and what a
 * user interface frontend (src/ui/sdl.c, src/ui/headless.c) implements. No
 * SDL here: devices/ includes only this header.
 *
 * A struct display owns one surface, the guest's screen as the host shows it
 * (always DISPLAY_FMT_XRGB8888, @stride bytes per row), plus the dirty
 * region not yet shown. Devices write into it with display_lock() held and
 * report what changed with display_dirty(); the frontend copies dirty parts
 * out under the same lock. The lock is held only for copies, never while the
 * frontend talks to the window system, so a frozen window cannot stall the
 * guest's CPU thread.
 *
 * Input goes the other way. The frontend (any thread) calls display_key(),
 * display_pointer_abs(), display_button() and display_wheel(); events are
 * queued and handed to the registered input sinks by the I/O loop thread with
 * the device (bus) lock held, like every other backend delivery
 * (include/morph/hostdev.h).
 *
 * Event codes are Linux evdev codes (include/uapi/linux/input-event-codes.h),
 * which is also what virtio-input speaks (virtio 1.2 section 5.8).
 */
#ifndef MORPH_DISPLAY_H
#define MORPH_DISPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "morph/bus.h"
#include "morph/hostdev.h"
#include "morph/irq.h"

/* Pixel formats of a surface: 32-bit little-endian words. */
enum display_format {
	DISPLAY_FMT_XRGB8888, /* 0xXXRRGGBB: bytes B, G, R, X in memory */
};

/** The guest's screen as the host keeps it. */
struct display_surface {
	uint32_t width, height; /* pixels; 0 x 0: no scanout (the frontend shows nothing) */
	uint32_t stride;	/* bytes per row */
	enum display_format format;
	uint8_t *data; /* stride * height bytes */
};

/** A rectangle in surface pixels. */
struct display_rect {
	uint32_t x, y, w, h;
};

/* Limits of a surface (and of a virtio-gpu resource): 16384 x 16384 pixels. */
#define DISPLAY_MAX_DIM 16384

/* Evdev event types and the codes morph uses (include/uapi/linux/input-event-codes.h). */
#define EV_SYN 0x00
#define EV_KEY 0x01
#define EV_REL 0x02
#define EV_ABS 0x03
#define EV_REP 0x14
#define SYN_REPORT 0
#define REL_WHEEL 0x08
#define ABS_X 0x00
#define ABS_Y 0x01
#define BTN_LEFT 0x110
#define BTN_RIGHT 0x111
#define BTN_MIDDLE 0x112
#define KEY_POWER 116
#define KEY_MAX 0x2ff

/* Absolute pointer positions are scaled to [0, DISPLAY_ABS_MAX] on both axes. */
#define DISPLAY_ABS_MAX 0x7fff

/** Which device an input event is for. */
enum display_input_kind {
	DISPLAY_INPUT_KEYBOARD,
	DISPLAY_INPUT_POINTER, /* absolute (tablet): buttons, ABS_X/ABS_Y, wheel */
	DISPLAY_INPUT_KINDS,
};

/**
 * An input sink: a device taking evdev events. event() gets one event at a
 * time, a batch ending with EV_SYN/SYN_REPORT; called by the I/O loop thread
 * with the bus lock held.
 */
struct display_input_sink {
	void (*event)(void *opaque, uint16_t type, uint16_t code, int32_t value);
	void *opaque;
};

struct display;

/**
 * A user interface: how the display reaches the window system. All members
 * may be NULL (headless).
 */
struct display_frontend_ops {
	/**
	 * changed() - the surface changed (dirty region or size) or something asks
	 * the frontend to look (display_wakeup()). Any thread, any lock held:
	 * must not block (post an event and return).
	 */
	void (*changed)(void *ui);
	/**
	 * run() - the frontend's event loop, on the thread that created the
	 * display (the main thread: SDL's video wants it). Returns once
	 * @stop(@opaque) is true; checks it after every changed() wakeup.
	 */
	void (*run)(void *ui, bool (*stop)(void *opaque), void *opaque);
	/** close() - destroy the window, free @ui. */
	void (*close)(void *ui);
};

/** What `--display` asked for. */
enum display_kind {
	DISPLAY_DEFAULT, /* sdl when a display server is available, else none (silently);
			    machine_display_open() makes that off unless --screenshot */
	DISPLAY_NONE,	 /* headless: same devices, no window */
	DISPLAY_SDL,	 /* an SDL2 window; an error when impossible */
	DISPLAY_OFF,	 /* no display devices at all (--no-gpu) */
};

/** Settings of a display. */
struct display_config {
	enum display_kind kind;
	const char *title;    /* machine name for the window title ("virt") */
	uint32_t width;	      /* preferred guest mode (0: 1024) */
	uint32_t height;      /* (0: 768) */
	const char *shot_dir; /* where the screenshot hotkey writes (NULL: the current directory) */
	/*
	 * What closing the window does: called from the frontend's thread, no lock
	 * held. NULL: nothing.
	 */
	void (*close_request)(void *opaque, bool force);
	void *close_opaque;
};

/**
 * display_open() - a display as @cfg asks: DISPLAY_SDL opens a window (an
 * error, with a message in @err, when SDL2 is not compiled in or cannot
 * initialise); DISPLAY_DEFAULT tries SDL when $DISPLAY or $WAYLAND_DISPLAY is
 * set and falls back to headless without a word; DISPLAY_NONE is headless.
 * Call on the thread that will call display_run() (the main thread).
 * NULL on failure (DISPLAY_OFF is a caller's decision: it is an error here).
 */
struct display *display_open(const struct display_config *cfg, char *err, size_t errlen);

/** display_server_available() - is $DISPLAY or $WAYLAND_DISPLAY set (non-empty)? */
bool display_server_available(void);

/** display_close() - close the frontend and free the display (NULL: no-op). Loop detached. */
void display_close(struct display *d);

/** display_has_window() - true when a frontend runs an event loop (display_run() blocks). */
bool display_has_window(const struct display *d);

/**
 * display_run() - run the frontend's loop until @stop(@opaque) (see
 * display_frontend_ops.run). Headless: returns at once.
 */
void display_run(struct display *d, bool (*stop)(void *opaque), void *opaque);

/** display_wakeup() - make display_run() re-check its stop condition. Any thread. */
void display_wakeup(struct display *d);

/** display_preferred_size() - the mode a display device should offer the guest. */
void display_preferred_size(const struct display *d, uint32_t *w, uint32_t *h);

/* -------------------------------------------------- device side (surface) */

/**
 * display_lock()/display_unlock() - guard the surface. Hold it only for
 * copies (never across a call that may block).
 */
void display_lock(struct display *d);
void display_unlock(struct display *d);

/**
 * display_surface() - the surface (display_lock() held). Its data pointer
 * and size change only in display_resize().
 */
struct display_surface *display_surface(struct display *d);

/**
 * display_resize() - make the surface @w x @h (0 x 0: no scanout), cleared
 * to black, and all of it dirty. Lock held. 0 or -ENOMEM (the surface is then
 * 0 x 0); -EINVAL beyond DISPLAY_MAX_DIM.
 */
int display_resize(struct display *d, uint32_t w, uint32_t h);

/**
 * display_dirty() - @r (clipped to the surface) changed: grow the dirty
 * region and tell the frontend. Lock held.
 */
void display_dirty(struct display *d, const struct display_rect *r);

/**
 * display_take_dirty() - (frontends) the dirty region's bounding box into
 * @r, and clear it. False if nothing is dirty. Lock held.
 */
bool display_take_dirty(struct display *d, struct display_rect *r);

/**
 * display_generation() - (frontends) counts display_resize() calls, so a
 * frontend sees that the surface was replaced. Lock held.
 */
uint64_t display_generation(const struct display *d);

/* ---------------------------------------------------------- input side */

/**
 * display_attach_loop() - deliver queued input events in @loop's thread
 * (under its lock). Before input devices exist and before the loop starts;
 * bus lock not needed then. 0 or -errno.
 */
int display_attach_loop(struct display *d, struct ioloop *loop);

/** display_detach_loop() - stop delivering (loop stopped). */
void display_detach_loop(struct display *d);

/**
 * display_add_sink() - @sink receives the events for @kind (one sink per
 * kind; a second replaces the first). Bus lock held or before the loop runs.
 */
void display_add_sink(struct display *d, enum display_input_kind kind,
		      const struct display_input_sink *sink);

/** display_remove_sink() - @kind's sink is gone (its device is freed). */
void display_remove_sink(struct display *d, enum display_input_kind kind);

/*
 * Input from the frontend, any thread, no lock held. Events are queued (up
 * to 1024; beyond that they are dropped, a whole batch at a time) and
 * delivered by the I/O loop; each call is one batch closed with SYN_REPORT.
 */

/** display_key() - evdev key @code (KEY_*) pressed (@down) or released. */
void display_key(struct display *d, uint16_t code, bool down);

/** display_pointer_abs() - pointer at (@x, @y), each in [0, DISPLAY_ABS_MAX]. */
void display_pointer_abs(struct display *d, int32_t x, int32_t y);

/** display_button() - BTN_LEFT/RIGHT/MIDDLE pressed or released. */
void display_button(struct display *d, uint16_t btn, bool down);

/** display_wheel() - wheel turned by @clicks (positive: away from the user). */
void display_wheel(struct display *d, int32_t clicks);

/**
 * display_input_flush() - deliver the queued events now, on the calling
 * thread (tests without an I/O loop). Bus lock held.
 */
void display_input_flush(struct display *d);

/* ------------------------------------------------------------ screenshots */

/**
 * display_screenshot() - write the surface as an 8-bit RGB PNG to @path.
 * 0, or -errno with a message in @err (no scanout yet: -ENODATA; built
 * without libpng: -ENOTSUP). Takes the display lock itself.
 */
int display_screenshot(struct display *d, const char *path, char *err, size_t errlen);

/* ------------------------------------------------------------------ keymap */

/**
 * keymap_hid_to_evdev() - the evdev key code of USB HID keyboard usage
 * @usage (page 7; SDL_Scancode values are these usages). 0 if unmapped.
 */
uint16_t keymap_hid_to_evdev(unsigned usage);

#define KEYMAP_HID_USAGES 256 /* usages 0..255 cover every key of a PC keyboard */

/* -------------------------------------------------------- display devices */

struct virtio_dev;

/**
 * virtio_gpu_new() - a 2D virtio GPU (ID 16, virtio 1.2 section 5.7) with one
 * scanout showing on @d: resources in host memory (at most 256 MiB in all),
 * backing pages resolved through bus_ram_ptr(), malformed commands answered
 * with VIRTIO_GPU_RESP_ERR_*. @d must outlive the bus. NULL + errno.
 */
struct virtio_dev *virtio_gpu_new(struct bus *bus, uint64_t base, struct irq_line irq,
				  struct display *d);

/**
 * virtio_input_new() - a virtio input device (ID 18, section 5.8) taking
 * @kind's events from @d: DISPLAY_INPUT_KEYBOARD (every key of the keymap,
 * autorepeat by the guest) or DISPLAY_INPUT_POINTER (a tablet: ABS_X/ABS_Y in
 * [0, DISPLAY_ABS_MAX], left/right/middle buttons, wheel). NULL + errno.
 */
struct virtio_dev *virtio_input_new(struct bus *bus, uint64_t base, struct irq_line irq,
				    struct display *d, enum display_input_kind kind);

#endif
