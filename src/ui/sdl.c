/*
 * The SDL2 window (--display sdl): shows the display surface scaled to the
 * window with its aspect ratio kept (letterboxed), sends keys, pointer and
 * wheel to the input devices.
 *
 * Threads: the window lives on the thread that opened it (the main thread)
 * and sleeps in SDL_WaitEventTimeout(): an idle guest costs no host CPU.
 * Devices wake it with a user event (display_frontend_ops.changed, at most
 * one in flight). A frame is drawn only when something changed, and at most
 * once per refresh interval of the monitor; only the dirty rectangle is
 * copied out of the surface (under the display lock, a plain memcpy into a
 * shadow image), scaled into the window surface and sent to the window
 * system (SDL_UpdateWindowSurfaceRects, without the lock): a blinking cursor
 * costs one character cell per blink, and a slow or frozen window system
 * never holds up the guest.
 *
 * Hotkeys (Ctrl-Alt + key, not passed to the guest): G grabs/releases the
 * pointer and keyboard, S saves a screenshot, F toggles full screen.
 * Closing the window asks the machine to power off (close_request); if the
 * machine still runs 5 s later, or on a second close, it is quit.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/ui/ui.h"

#ifdef MORPH_HAVE_SDL2
#include <SDL.h>

#define SDL_CLOSE_TIMEOUT_NS 5000000000ll

struct ui_sdl {
	struct display *d;
	const struct display_config *cfg;
	SDL_Window *win;
	SDL_Surface *img; /* w x h XRGB8888 over @shadow: the guest's picture */
	uint32_t w, h;	  /* (= the display surface's size) */
	uint64_t gen;	  /* display_generation() @img was made for */
	uint8_t *shadow;
	struct display_rect pend; /* changed in @img since the last frame */
	bool pend_dirty, full_redraw;
	Uint32 wake_type;
	atomic_bool wake_pending;
	bool need_frame;
	int64_t frame_ns, last_frame;
	int64_t close_deadline; /* 0: no close requested */
	bool grabbed, fullscreen;
	uint8_t down[KEYMAP_HID_USAGES / 8];  /* keys the guest saw pressed */
	uint8_t eaten[KEYMAP_HID_USAGES / 8]; /* hotkeys: their release is not passed on */
	char title[256];
	unsigned shots;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static bool bit_test(const uint8_t *bm, unsigned n)
{
	return bm[n / 8] >> (n % 8) & 1;
}

static void bit_put(uint8_t *bm, unsigned n, bool v)
{
	if (v)
		bm[n / 8] |= (uint8_t)(1u << (n % 8));
	else
		bm[n / 8] &= (uint8_t) ~(1u << (n % 8));
}

static void sdl_changed(void *opaque)
{
	struct ui_sdl *u = opaque;
	SDL_Event ev;

	if (atomic_exchange(&u->wake_pending, true))
		return; /* one wakeup in flight is enough */
	memset(&ev, 0, sizeof(ev));
	ev.type = u->wake_type;
	SDL_PushEvent(&ev);
}

static void sdl_update_title(struct ui_sdl *u)
{
	char t[256];
	const char *state = u->close_deadline ? "powering off" : "running";

	snprintf(t, sizeof(t), "morph: %s - %s%s", u->cfg->title ? u->cfg->title : "machine", state,
		 u->grabbed ? " - grabbed (Ctrl-Alt-G releases)" : "");
	if (strcmp(t, u->title)) {
		snprintf(u->title, sizeof(u->title), "%s", t);
		SDL_SetWindowTitle(u->win, t);
	}
}

/* The surface changed size: a new shadow image, the window resized to it. */
static void sdl_new_image(struct ui_sdl *u, uint32_t w, uint32_t h)
{
	if (u->img)
		SDL_FreeSurface(u->img);
	u->img = NULL;
	free(u->shadow);
	u->shadow = NULL;
	u->w = u->h = 0;
	u->full_redraw = true;
	if (!w || !h)
		return;
	u->shadow = calloc((size_t)w * h, 4);
	if (u->shadow)
		u->img = SDL_CreateRGBSurfaceWithFormatFrom(u->shadow, (int)w, (int)h, 32,
							    (int)(w * 4), SDL_PIXELFORMAT_RGB888);
	if (!u->img) {
		fprintf(stderr, "morph: display: cannot make a %ux%u image: %s\r\n", w, h,
			SDL_GetError());
		free(u->shadow);
		u->shadow = NULL;
		return;
	}
	u->w = w;
	u->h = h;
	/* the window takes the guest's size; later the user's size, the aspect ratio kept */
	if (!u->fullscreen)
		SDL_SetWindowSize(u->win, (int)w, (int)h);
}

/* Where the picture goes in a @ww x @wh window: scaled, centred, aspect ratio kept. */
static SDL_Rect sdl_viewport(const struct ui_sdl *u, int ww, int wh)
{
	SDL_Rect v = {0, 0, ww, wh};

	if (!u->w || !u->h || ww <= 0 || wh <= 0)
		return v;
	if ((int64_t)ww * u->h > (int64_t)wh * u->w)
		v.w =
		    (int)((int64_t)wh * u->w / u->h); /* wider than the picture: bars left, right */
	else
		v.h = (int)((int64_t)ww * u->h / u->w);
	v.x = (ww - v.w) / 2;
	v.y = (wh - v.h) / 2;
	return v;
}

/* Copy the dirty part of the surface to the shadow (lock held briefly), upload it. */
static void sdl_fetch(struct ui_sdl *u)
{
	struct display_surface *s;
	struct display_rect r = {0};
	bool dirty, resized = false;

	display_lock(u->d);
	s = display_surface(u->d);
	if (display_generation(u->d) != u->gen || s->width != u->w || s->height != u->h) {
		u->gen = display_generation(u->d);
		resized = true;
	}
	dirty = display_take_dirty(u->d, &r);
	if (resized) {
		display_unlock(u->d);
		sdl_new_image(u, s->width, s->height); /* no window calls under the lock */
		display_lock(u->d);
		s = display_surface(u->d);
		r = (struct display_rect){0, 0, s->width, s->height};
		dirty = s->width == u->w && s->height == u->h && u->shadow;
	}
	if (dirty && u->shadow && s->data && s->width == u->w && s->height == u->h) {
		for (uint32_t y = r.y; y < r.y + r.h; y++)
			memcpy(u->shadow + ((size_t)y * u->w + r.x) * 4,
			       s->data + (size_t)y * s->stride + (size_t)r.x * 4, (size_t)r.w * 4);
	} else {
		dirty = false;
	}
	display_unlock(u->d);
	if (!dirty)
		return;
	if (u->pend_dirty) {
		uint32_t x1 = r.x + r.w, y1 = r.y + r.h;
		uint32_t px1 = u->pend.x + u->pend.w, py1 = u->pend.y + u->pend.h;

		r.x = r.x < u->pend.x ? r.x : u->pend.x;
		r.y = r.y < u->pend.y ? r.y : u->pend.y;
		r.w = (x1 > px1 ? x1 : px1) - r.x;
		r.h = (y1 > py1 ? y1 : py1) - r.y;
	}
	u->pend = r;
	u->pend_dirty = true;
}

/* Draw what changed (or everything) into the window surface and show just that. */
static void sdl_frame(struct ui_sdl *u)
{
	SDL_Surface *ws;
	SDL_Rect v, src, dst;

	u->last_frame = now_ns();
	u->need_frame = false;
	sdl_fetch(u);
	ws = SDL_GetWindowSurface(u->win);
	if (!ws)
		return;
	v = sdl_viewport(u, ws->w, ws->h);
	if (u->full_redraw || !u->img) {
		SDL_FillRect(ws, NULL, SDL_MapRGB(ws->format, 0, 0, 0));
		if (u->img)
			SDL_BlitScaled(u->img, NULL, ws, &v);
		SDL_UpdateWindowSurface(u->win);
		u->full_redraw = false;
		u->pend_dirty = false;
		return;
	}
	if (!u->pend_dirty)
		return;
	u->pend_dirty = false;
	src = (SDL_Rect){(int)u->pend.x, (int)u->pend.y, (int)u->pend.w, (int)u->pend.h};
	/* the window pixels covering those picture pixels (rounded outwards) */
	dst.x = v.x + (int)((int64_t)src.x * v.w / u->w);
	dst.y = v.y + (int)((int64_t)src.y * v.h / u->h);
	dst.w = v.x + (int)(((int64_t)(src.x + src.w) * v.w + u->w - 1) / u->w) - dst.x;
	dst.h = v.y + (int)(((int64_t)(src.y + src.h) * v.h + u->h - 1) / u->h) - dst.y;
	if (v.w == (int)u->w && v.h == (int)u->h)
		SDL_BlitSurface(u->img, &src, ws, &dst);
	else
		SDL_BlitScaled(u->img, &src, ws, &dst);
	SDL_UpdateWindowSurfaceRects(u->win, &dst, 1);
}

static void sdl_set_grab(struct ui_sdl *u, bool grab)
{
	u->grabbed = grab;
	SDL_SetWindowGrab(u->win, grab ? SDL_TRUE : SDL_FALSE);
	SDL_SetWindowKeyboardGrab(u->win, grab ? SDL_TRUE : SDL_FALSE);
	SDL_ShowCursor(grab ? SDL_DISABLE : SDL_ENABLE);
	sdl_update_title(u);
}

static void sdl_screenshot(struct ui_sdl *u)
{
	char path[4096], err[512];
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	snprintf(path, sizeof(path), "%s/morph-%04d%02d%02d-%02d%02d%02d-%u.png",
		 u->cfg->shot_dir ? u->cfg->shot_dir : ".", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, u->shots++);
	if (display_screenshot(u->d, path, err, sizeof(err)) < 0)
		fprintf(stderr, "morph: screenshot: %s\r\n", err);
	else
		fprintf(stderr, "morph: screenshot saved to %s\r\n", path);
}

/* Release every key the guest still holds (focus lost: it would never see the release). */
static void sdl_release_keys(struct ui_sdl *u)
{
	for (unsigned sc = 0; sc < KEYMAP_HID_USAGES; sc++) {
		if (bit_test(u->down, sc)) {
			display_key(u->d, keymap_hid_to_evdev(sc), false);
			bit_put(u->down, sc, false);
		}
	}
}

static bool sdl_hotkey(struct ui_sdl *u, SDL_Scancode sc)
{
	switch (sc) {
	case SDL_SCANCODE_G:
		sdl_set_grab(u, !u->grabbed);
		return true;
	case SDL_SCANCODE_S:
		sdl_screenshot(u);
		return true;
	case SDL_SCANCODE_F:
		u->fullscreen = !u->fullscreen;
		SDL_SetWindowFullscreen(u->win, u->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
		u->need_frame = u->full_redraw = true;
		return true;
	default:
		return false;
	}
}

static void sdl_key(struct ui_sdl *u, const SDL_KeyboardEvent *k)
{
	unsigned sc = (unsigned)k->keysym.scancode;
	bool down = k->type == SDL_KEYDOWN;
	uint16_t code;

	if (sc >= KEYMAP_HID_USAGES)
		return;
	if (down && (k->keysym.mod & KMOD_CTRL) && (k->keysym.mod & KMOD_ALT)) {
		if (bit_test(u->eaten, sc) || sdl_hotkey(u, (SDL_Scancode)sc)) {
			bit_put(u->eaten, sc, true);
			return;
		}
	}
	if (!down && bit_test(u->eaten, sc)) {
		bit_put(u->eaten, sc, false);
		return;
	}
	if (k->repeat)
		return; /* the guest's input layer repeats keys itself (EV_REP) */
	code = keymap_hid_to_evdev(sc);
	if (!code)
		return;
	bit_put(u->down, sc, down);
	display_key(u->d, code, down);
}

/* Window coordinates to the tablet's range over the picture (clamped to its edges). */
static void sdl_motion(struct ui_sdl *u, int x, int y)
{
	int ww, wh;
	SDL_Rect v;
	int64_t ax, ay;

	if (!u->w || !u->h)
		return;
	SDL_GetWindowSize(u->win, &ww, &wh);
	v = sdl_viewport(u, ww, wh);
	if (v.w <= 1 || v.h <= 1)
		return;
	x = x < v.x ? 0 : x >= v.x + v.w ? v.w - 1 : x - v.x;
	y = y < v.y ? 0 : y >= v.y + v.h ? v.h - 1 : y - v.y;
	ax = (int64_t)x * DISPLAY_ABS_MAX / (v.w - 1);
	ay = (int64_t)y * DISPLAY_ABS_MAX / (v.h - 1);
	display_pointer_abs(u->d, (int32_t)ax, (int32_t)ay);
}

static uint16_t sdl_button(Uint8 b)
{
	switch (b) {
	case SDL_BUTTON_LEFT:
		return BTN_LEFT;
	case SDL_BUTTON_RIGHT:
		return BTN_RIGHT;
	case SDL_BUTTON_MIDDLE:
		return BTN_MIDDLE;
	default:
		return 0;
	}
}

static void sdl_close_request(struct ui_sdl *u)
{
	bool force = u->close_deadline != 0;

	if (!force)
		u->close_deadline = now_ns() + SDL_CLOSE_TIMEOUT_NS;
	sdl_update_title(u);
	if (u->cfg->close_request)
		u->cfg->close_request(u->cfg->close_opaque, force);
}

static void sdl_event(struct ui_sdl *u, const SDL_Event *ev)
{
	if (ev->type == u->wake_type) {
		atomic_store(&u->wake_pending, false);
		u->need_frame = true;
		sdl_update_title(u);
		return;
	}
	switch (ev->type) {
	case SDL_QUIT:
		sdl_close_request(u);
		break;
	case SDL_WINDOWEVENT:
		switch (ev->window.event) {
		case SDL_WINDOWEVENT_CLOSE:
			sdl_close_request(u);
			break;
		case SDL_WINDOWEVENT_FOCUS_LOST:
			sdl_release_keys(u);
			break;
		case SDL_WINDOWEVENT_EXPOSED:
		case SDL_WINDOWEVENT_SIZE_CHANGED:
			u->need_frame = u->full_redraw = true;
			break;
		default:
			break;
		}
		break;
	case SDL_KEYDOWN:
	case SDL_KEYUP:
		sdl_key(u, &ev->key);
		break;
	case SDL_MOUSEMOTION:
		sdl_motion(u, ev->motion.x, ev->motion.y);
		break;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP: {
		uint16_t b = sdl_button(ev->button.button);

		if (b) {
			sdl_motion(u, ev->button.x, ev->button.y);
			display_button(u->d, b, ev->type == SDL_MOUSEBUTTONDOWN);
		}
		break;
	}
	case SDL_MOUSEWHEEL:
		display_wheel(u->d, ev->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -ev->wheel.y
										  : ev->wheel.y);
		break;
	default:
		break;
	}
}

static void sdl_run(void *opaque, bool (*stop)(void *opaque), void *stop_opaque)
{
	struct ui_sdl *u = opaque;

	sdl_update_title(u);
	u->need_frame = true;
	while (!stop(stop_opaque)) {
		int64_t now = now_ns(), wait = -1;
		SDL_Event ev;

		if (u->need_frame) {
			int64_t due = u->last_frame + u->frame_ns;

			if (due <= now) {
				sdl_frame(u);
				continue; /* look at stop() again before sleeping */
			}
			wait = due - now;
		}
		if (u->close_deadline) {
			if (now >= u->close_deadline) {
				if (u->cfg->close_request)
					u->cfg->close_request(u->cfg->close_opaque, true);
				u->close_deadline = now + SDL_CLOSE_TIMEOUT_NS;
			}
			if (wait < 0 || u->close_deadline - now < wait)
				wait = u->close_deadline - now;
		}
		/* sleep until an event (a device's wakeup is one) or the next frame is due */
		if (SDL_WaitEventTimeout(&ev, wait < 0 ? -1 : (int)((wait + 999999) / 1000000))) {
			sdl_event(u, &ev);
			while (SDL_PollEvent(&ev))
				sdl_event(u, &ev);
		}
	}
	SDL_SetWindowTitle(u->win, "morph: stopped");
	u->title[0] = '\0'; /* a reboot runs the loop again: set the title anew */
}

static void sdl_close(void *opaque)
{
	struct ui_sdl *u = opaque;

	if (u->img)
		SDL_FreeSurface(u->img);
	if (u->win)
		SDL_DestroyWindow(u->win);
	SDL_QuitSubSystem(SDL_INIT_VIDEO);
	SDL_Quit();
	free(u->shadow);
	free(u);
}

static const struct display_frontend_ops sdl_ops = {
    .changed = sdl_changed,
    .run = sdl_run,
    .close = sdl_close,
};

int ui_sdl_open(struct display *d, const struct display_config *cfg,
		const struct display_frontend_ops **ops, void **ui, char *err, size_t errlen)
{
	struct ui_sdl *u;
	SDL_DisplayMode mode;
	uint32_t w, h;

	if (!display_server_available()) {
		snprintf(err, errlen,
			 "no display server ($DISPLAY and $WAYLAND_DISPLAY are unset)");
		return -1;
	}
	/* a window for a virtual machine: keep the desktop's compositor, don't grab Alt-Tab */
	SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
	SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
	/*
	 * The window surface straight through the window system (X11: shared-memory
	 * images of just the changed rectangles), not through an OpenGL texture:
	 * on a software GL (Mesa's llvmpipe) that alone costs 4% of a core for a
	 * blinking cursor. $SDL_FRAMEBUFFER_ACCELERATION still overrides this.
	 */
	SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
	/* SIGINT/SIGTERM stay the machine's (a clean quit), not an SDL_QUIT event */
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	if (SDL_InitSubSystem(SDL_INIT_VIDEO) < 0) {
		snprintf(err, errlen, "SDL cannot initialise video: %s", SDL_GetError());
		return -1;
	}
	u = calloc(1, sizeof(*u));
	if (!u) {
		SDL_QuitSubSystem(SDL_INIT_VIDEO);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	u->d = d;
	u->cfg = cfg;
	display_preferred_size(d, &w, &h);
	u->wake_type = SDL_RegisterEvents(1);
	/* window surface coordinates = window coordinates: no high-DPI scaling */
	u->win = SDL_CreateWindow("morph", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, (int)w,
				  (int)h, SDL_WINDOW_RESIZABLE);
	if (!u->win || u->wake_type == (Uint32)-1) {
		snprintf(err, errlen, "SDL cannot open a window: %s", SDL_GetError());
		sdl_close(u);
		return -1;
	}
	/* at most one frame per refresh of the monitor the window is on */
	if (SDL_GetDesktopDisplayMode(SDL_GetWindowDisplayIndex(u->win), &mode) == 0 &&
	    mode.refresh_rate > 0)
		u->frame_ns = 1000000000ll / mode.refresh_rate;
	else
		u->frame_ns = 1000000000ll / 60;
	*ops = &sdl_ops;
	*ui = u;
	return 0;
}

#else /* !MORPH_HAVE_SDL2 */

int ui_sdl_open(struct display *d, const struct display_config *cfg,
		const struct display_frontend_ops **ops, void **ui, char *err, size_t errlen)
{
	(void)d;
	(void)cfg;
	(void)ops;
	(void)ui;
	snprintf(err, errlen, "morph was built without SDL2 (Debian: libsdl2-dev)");
	return -1;
}

#endif
