/*
 * Private to src/ui: how display.c reaches its frontends (the SDL2 window,
 * headless). Not a seam; include/morph/display.h is.
 */
#ifndef MORPH_UI_INTERNAL_H
#define MORPH_UI_INTERNAL_H

#include <stddef.h>

#include "morph/display.h"

/** ui_headless_ops - the headless frontend (src/ui/headless.c): all hooks NULL. */
extern const struct display_frontend_ops ui_headless_ops;

/**
 * ui_sdl_open() - an SDL2 window showing @d. On success *@ops and *@ui are
 * set and 0 returned; otherwise -1 with a message in @err (not compiled in,
 * no display server, SDL_Init failed).
 */
int ui_sdl_open(struct display *d, const struct display_config *cfg,
		const struct display_frontend_ops **ops, void **ui, char *err, size_t errlen);

/** ui_display_config() - the configuration @d was opened with. */
const struct display_config *ui_display_config(const struct display *d);

#endif
