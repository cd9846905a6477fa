/*
 * The Malta board's FPGA registers (MIPS Malta User's Manual, "System
 * Controller and FPGA"): switches and jumpers read as zero (JMPRS = 0: a
 * 33 MHz PCI clock), the status register says little-endian, the LED bar
 * and ASCII display keep what is written, and SOFTRES resets the board on
 * 0x42 (Linux's syscon-reboot node in the Malta device tree). The CBUS
 * UART at offset 0x900 is not modelled.
 */
#include <stdlib.h>

#include "devices/dev.h"
#include "morph/malta.h"

#define FPGA_SWITCH 0x200
#define FPGA_STATUS 0x208
#define FPGA_JMPRS 0x210
#define FPGA_LEDBAR 0x408
#define FPGA_ASCIIWORD 0x410
#define FPGA_ASCIIPOS0 0x418 /* eight characters, 8 bytes apart */
#define FPGA_SOFTRES 0x500
#define FPGA_BRKRES 0x508
#define SOFTRES_GORESET 0x42

struct malta_fpga {
	uint32_t leds, brk, word;
	char text[8];
	void (*reset)(void *opaque);
	void *opaque;
};

static uint64_t fpga_read(void *opaque, uint64_t off, unsigned size)
{
	struct malta_fpga *s = opaque;
	uint64_t v;

	switch (off & ~3ull) {
	case FPGA_STATUS:
		v = 0x10;
		break; /* little-endian */
	case FPGA_LEDBAR:
		v = s->leds;
		break;
	case FPGA_ASCIIWORD:
		v = s->word;
		break;
	case FPGA_BRKRES:
		v = s->brk;
		break;
	default:
		if (off >= FPGA_ASCIIPOS0 && off < FPGA_ASCIIPOS0 + 64 && !(off & 7))
			v = (uint8_t)s->text[(off - FPGA_ASCIIPOS0) / 8];
		else
			v = 0; /* switches, jumpers */
		break;
	}
	return dev_reg_read(v, off & 3, size);
}

static void fpga_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct malta_fpga *s = opaque;

	(void)size;
	switch (off & ~3ull) {
	case FPGA_LEDBAR:
		s->leds = val & 0xff;
		break;
	case FPGA_ASCIIWORD:
		s->word = (uint32_t)val;
		break;
	case FPGA_BRKRES:
		s->brk = val & 0xff;
		break;
	case FPGA_SOFTRES:
		if ((val & 0xff) == SOFTRES_GORESET && s->reset)
			s->reset(s->opaque);
		break;
	default:
		if (off >= FPGA_ASCIIPOS0 && off < FPGA_ASCIIPOS0 + 64 && !(off & 7))
			s->text[(off - FPGA_ASCIIPOS0) / 8] = (char)val;
		break;
	}
}

static const struct bus_ops fpga_ops = {fpga_read, fpga_write};

static void fpga_reset(void *opaque)
{
	struct malta_fpga *s = opaque;

	s->leds = 0;
	s->brk = 0x0a;
	s->word = 0;
	for (int i = 0; i < 8; i++)
		s->text[i] = ' ';
}

void *malta_fpga_new(struct bus *bus, uint64_t base, void (*reset)(void *opaque), void *opaque)
{
	struct malta_fpga *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return dev_fail(-ENOMEM);
	s->reset = reset;
	s->opaque = opaque;
	fpga_reset(s);
	r = dev_own(bus, s, fpga_reset, free);
	if (!r)
		r = bus_map_io(bus, base, MALTA_FPGA_SIZE, &fpga_ops, s, "malta-fpga");
	return r ? dev_fail(r) : s;
}
