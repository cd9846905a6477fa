/*
 * The headless frontend (--display none, or no display server): the display
 * devices exist and draw into the surface, screenshots work, nothing is
 * shown and no thread waits for window events. Input comes only from tests
 * (display_key() and friends).
 */
#include "src/ui/ui.h"

/* No window: nothing to wake, no event loop, nothing to close. */
const struct display_frontend_ops ui_headless_ops = {
    .changed = NULL,
    .run = NULL,
    .close = NULL,
};
