#!/usr/bin/python3
"""Pixel checks of the display tests (testsuite/display/run-display.sh).

  check-image.py bars FILE.png     the fb test's picture (scripts/initramfs/init, test_fb):
                                   1024x768, text in the first console line, four colour bars
                                   (red, green, blue, white) in rows 384-767, black between
  check-image.py console FILE.xwd  an X screen (xwd -root) showing the guest's text console:
                                   many pixels of fbcon's grey text on black

PNG through Debian's python3-png; XWD (X Window Dump, version 7, ZPixmap) parsed here.
Exit status 0 when the picture is right, 1 with the reasons otherwise.
"""
import struct
import sys

TEXT_GREY = (0xaa, 0xaa, 0xaa)  # fbcon's default foreground (VGA palette colour 7)


def read_png(path):
    import png  # python3-png

    w, h, rows, _ = png.Reader(filename=path).asRGB8()
    rows = [bytes(r) for r in rows]
    return w, h, lambda x, y: tuple(rows[y][3 * x:3 * x + 3])


def read_xwd(path):
    data = open(path, "rb").read()
    hdr = struct.unpack(">25I", data[:100])
    (header_size, version, fmt, depth, width, height, _xoff, byte_order, _unit, _bit_order,
     _pad, bpp, bpl, _vclass, rmask, gmask, bmask, _bits_rgb, _cmap, ncolors) = hdr[:20]
    if version != 7 or fmt != 2 or bpp not in (24, 32):
        raise SystemExit(f"{path}: unsupported XWD (version {version}, format {fmt}, {bpp} bpp)")
    pixels = data[header_size + 12 * ncolors:]
    step = bpp // 8

    def channel(v, mask):
        shift = (mask & -mask).bit_length() - 1
        return (v & mask) >> shift

    def px(x, y):
        off = y * bpl + x * step
        raw = pixels[off:off + step]
        v = int.from_bytes(raw, "little" if byte_order == 0 else "big")
        return channel(v, rmask), channel(v, gmask), channel(v, bmask)

    return width, height, px


def check_bars(path):
    w, h, px = read_png(path)
    errors = []
    if (w, h) != (1024, 768):
        return [f"size {w}x{h}, want 1024x768"]
    bars = [(128, (255, 0, 0)), (384, (0, 255, 0)), (640, (0, 0, 255)), (896, (255, 255, 255))]
    for y in (384, 500, 640, 767):
        for x, want in bars:
            for dx in (-127, 0, 127):
                got = px(x + dx, y)
                if got != want:
                    errors.append(f"pixel ({x + dx}, {y}) is {got}, want {want}")
    # the text line: fbcon's 8x16 font, grey on black, in the first 16 rows
    text = sum(1 for y in range(16) for x in range(1024) if px(x, y) == TEXT_GREY)
    other = sum(1 for y in range(16) for x in range(1024) if px(x, y) not in (TEXT_GREY, (0, 0, 0)))
    if text < 300:
        errors.append(f"only {text} text pixels in the first console line")
    if other:
        errors.append(f"{other} pixels of other colours in the first console line")
    # nothing but black between the text and the bars
    for y in range(64, 384, 16):
        for x in range(0, 1024, 8):
            if px(x, y) != (0, 0, 0):
                errors.append(f"pixel ({x}, {y}) is {px(x, y)}, want black")
                break
    print(f"{path}: {w}x{h}, {text} text pixels, bars checked")
    return errors


def check_console(path):
    w, h, px = read_xwd(path)
    colours = {}
    for y in range(0, h, 2):
        for x in range(0, w, 2):
            c = px(x, y)
            colours[c] = colours.get(c, 0) + 1
    text = colours.get(TEXT_GREY, 0)
    top = sorted(colours.items(), key=lambda kv: -kv[1])[:4]
    print(f"{path}: {w}x{h}, {len(colours)} colours, {text} sampled text pixels, top {top}")
    errors = []
    if len(colours) < 2:
        errors.append("the screen is uniform")
    if text < 100:
        errors.append(f"only {text} sampled pixels of console text")
    return errors


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("bars", "console"):
        raise SystemExit(__doc__)
    errors = (check_bars if sys.argv[1] == "bars" else check_console)(sys.argv[2])
    for e in errors[:20]:
        print("FAIL:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
