/*
 * Screenshots: the display surface as an 8-bit RGB PNG (libpng). The
 * surface is copied out under the display lock, so the file is written
 * without holding up the device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "morph/display.h"

#ifdef MORPH_HAVE_PNG
#include <png.h>

/* Write @w x @h RGB rows to @path; 0 or -errno with a message in @err. */
static int png_write_rgb(const char *path, const uint8_t *rgb, uint32_t w, uint32_t h, char *err,
			 size_t errlen)
{
	png_structp png = NULL;
	png_infop info = NULL;
	char tmp[4096];
	FILE *f;

	/* write a temporary file and rename it: a reader never sees half a PNG */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	f = fopen(tmp, "wb");
	if (!f) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (png)
		info = png_create_info_struct(png);
	if (!png || !info)
		goto fail;
	if (setjmp(png_jmpbuf(png)))
		goto fail;
	png_init_io(png, f);
	/* screenshots are mostly flat colour and text: fast compression is plenty */
	png_set_compression_level(png, 3);
	png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (uint32_t y = 0; y < h; y++)
		png_write_row(png, (png_const_bytep)(rgb + (size_t)y * w * 3));
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	if (fclose(f) != 0) {
		int e = errno;

		unlink(tmp);
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	if (rename(tmp, path) < 0) {
		int e = errno;

		unlink(tmp);
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	return 0;
fail:
	png_destroy_write_struct(&png, &info);
	fclose(f);
	unlink(tmp);
	snprintf(err, errlen, "%s: libpng failed to write the image", path);
	return -EIO;
}

int display_screenshot(struct display *d, const char *path, char *err, size_t errlen)
{
	struct display_surface *s;
	uint32_t w, h;
	uint8_t *rgb;
	int r;

	display_lock(d);
	s = display_surface(d);
	w = s->width;
	h = s->height;
	if (!w || !h || !s->data) {
		display_unlock(d);
		snprintf(err, errlen, "%s: the guest has shown nothing on the display yet", path);
		return -ENODATA;
	}
	rgb = malloc((size_t)w * h * 3);
	if (!rgb) {
		display_unlock(d);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	/* XRGB8888: bytes B, G, R, X */
	for (uint32_t y = 0; y < h; y++) {
		const uint8_t *src = s->data + (size_t)y * s->stride;
		uint8_t *dst = rgb + (size_t)y * w * 3;

		for (uint32_t x = 0; x < w; x++, src += 4, dst += 3) {
			dst[0] = src[2];
			dst[1] = src[1];
			dst[2] = src[0];
		}
	}
	display_unlock(d);
	r = png_write_rgb(path, rgb, w, h, err, errlen);
	free(rgb);
	return r;
}

#else

int display_screenshot(struct display *d, const char *path, char *err, size_t errlen)
{
	(void)d;
	snprintf(err, errlen, "%s: morph was built without libpng (Debian: libpng-dev)", path);
	return -ENOTSUP;
}

#endif
