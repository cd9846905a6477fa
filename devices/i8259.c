/*
 * The cascaded pair of Intel 8259A programmable interrupt controllers of a
 * PC-style south bridge (the PIIX4 on Malta): initialisation words ICW1-4,
 * the mask (OCW1), end of interrupt (OCW2: non-specific and specific),
 * IRR/ISR reads (OCW3), automatic EOI, and the acknowledge cycle the CPU
 * side performs (i8259_ack(): Malta's GT-64120 IACK register), and the
 * PIIX4's edge/level control (ELCR) as firmware sets it: a level input's
 * request follows the line (shared PCI interrupts need that: an edge on a
 * wired-OR line is lost while another source holds it high). The ELCR
 * ports (0x4d0-0x4d1) are not decoded: Linux on Malta never touches them,
 * and the board's 16550 window covers them.
 * Fixed priorities, IRQ 0 highest; the slave hangs on master input 2.
 * Special mask and rotation modes and polling are not modelled: Linux's
 * i8259 driver on Malta uses none of them.
 */
#include <stdlib.h>

#include "devices/dev.h"
#include "morph/malta.h"

struct pic {
	uint8_t irr, isr, imr;
	uint8_t lines; /* input levels (edges set irr) */
	uint8_t elcr;  /* level-triggered inputs: irr follows lines */
	uint8_t base;  /* ICW2: vector of input 0 */
	uint8_t init;  /* expecting ICW2 (1), ICW3 (2), ICW4 (3); 0: operating */
	bool icw4;     /* ICW1.IC4 */
	bool aeoi;     /* ICW4.AEOI */
	bool read_isr; /* OCW3: port 0 reads ISR (else IRR) */
};

struct i8259 {
	struct pic pic[2]; /* master, slave */
	struct irq_line out;
	uint16_t elcr_reset; /* ELCR after a reset: i8259_set_elcr() */
};

#define CASCADE 2
#define ELCR_MASK 0xdef8 /* 0-2, 8 and 13 are edge-triggered only */

/* The input the PIC would deliver next (-1: none), ISR priority respected. */
static int pic_pending(const struct pic *p)
{
	uint8_t req = p->irr & ~p->imr;

	for (int i = 0; i < 8; i++) {
		if (p->isr & (1u << i))
			return -1; /* a request of this or higher priority is in service */
		if (req & (1u << i))
			return i;
	}
	return -1;
}

static void update(struct i8259 *s)
{
	for (int i = 0; i < 2; i++) {
		struct pic *p = &s->pic[i];

		p->irr = (uint8_t)((p->irr & ~p->elcr) | (p->lines & p->elcr));
	}
	/* the slave's INT drives master input 2 as a level */
	if (pic_pending(&s->pic[1]) >= 0)
		s->pic[0].irr |= 1u << CASCADE;
	else
		s->pic[0].irr &= ~(1u << CASCADE);
	irq_set(&s->out, pic_pending(&s->pic[0]) >= 0);
}

static void set_input(void *opaque, int n, int level)
{
	struct i8259 *s = opaque;
	struct pic *p = &s->pic[n >= 8];
	uint8_t bit = (uint8_t)(1u << (n & 7));

	if (n < 0 || n > 15 || n == CASCADE)
		return;
	if (level && !(p->lines & bit))
		p->irr |= bit; /* rising edge */
	if (level)
		p->lines |= bit;
	else
		p->lines &= (uint8_t)~bit;
	update(s);
}

struct irq_line i8259_input(struct i8259 *pic, unsigned irq)
{
	return irq_line_make(set_input, pic, (int)irq);
}

/* Acknowledge on one PIC: the input now in service, or 7 (spurious). */
static int pic_ack(struct pic *p)
{
	int i = pic_pending(p);

	if (i < 0)
		return -1;
	p->irr &= (uint8_t) ~(1u << i);
	if (!p->aeoi)
		p->isr |= (uint8_t)(1u << i);
	return i;
}

uint8_t i8259_ack(struct i8259 *s)
{
	int i = pic_ack(&s->pic[0]);
	uint8_t v;

	if (i < 0) {
		v = (s->pic[0].base & 0xf8) | 7;
	} else if (i == CASCADE) {
		int j = pic_ack(&s->pic[1]);
		v = (s->pic[1].base & 0xf8) | (j < 0 ? 7 : j);
	} else {
		v = (s->pic[0].base & 0xf8) | i;
	}
	update(s);
	return v;
}

static void pic_eoi(struct pic *p, int which)
{
	if (which < 0) {
		/* non-specific: the highest priority in service */
		for (int i = 0; i < 8; i++)
			if (p->isr & (1u << i)) {
				p->isr &= (uint8_t) ~(1u << i);
				return;
			}
		return;
	}
	p->isr &= (uint8_t) ~(1u << which);
}

static uint64_t pic_read(const struct pic *p, uint64_t off, unsigned size)
{
	(void)size;
	if (off & 1)
		return p->imr;
	return p->read_isr ? p->isr : p->irr;
}

static void pic_write(struct i8259 *s, struct pic *p, uint64_t off, uint8_t v)
{
	if (!(off & 1)) {
		if (v & 0x10) { /* ICW1 */
			p->init = 1;
			p->icw4 = v & 1;
			p->irr = p->isr = p->imr = 0;
			p->aeoi = false;
			p->read_isr = false;
		} else if (v & 0x08) { /* OCW3 */
			if (v & 2)
				p->read_isr = v & 1;
		} else { /* OCW2 */
			unsigned cmd = v >> 5;
			if (cmd == 1 || cmd == 5)
				pic_eoi(p, -1);
			else if (cmd == 3 || cmd == 7)
				pic_eoi(p, v & 7);
		}
	} else if (p->init == 1) {
		p->base = v;
		p->init = 2;
	} else if (p->init == 2) {
		p->init = p->icw4 ? 3 : 0; /* ICW3: the cascade is fixed */
	} else if (p->init == 3) {
		p->aeoi = v & 2;
		p->init = 0;
	} else {
		p->imr = v; /* OCW1 */
	}
	update(s);
}

static void master_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct i8259 *s = opaque;

	(void)size;
	pic_write(s, &s->pic[0], off, (uint8_t)val);
}

static void slave_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct i8259 *s = opaque;

	(void)size;
	pic_write(s, &s->pic[1], off, (uint8_t)val);
}

static uint64_t master_read(void *opaque, uint64_t off, unsigned size)
{
	return pic_read(&((struct i8259 *)opaque)->pic[0], off, size);
}

static uint64_t slave_read(void *opaque, uint64_t off, unsigned size)
{
	return pic_read(&((struct i8259 *)opaque)->pic[1], off, size);
}

static const struct bus_ops master_ops = {master_read, master_write};
static const struct bus_ops slave_ops = {slave_read, slave_write};

void i8259_set_elcr(struct i8259 *s, uint16_t levels)
{
	s->elcr_reset = levels & ELCR_MASK;
	s->pic[0].elcr = (uint8_t)s->elcr_reset;
	s->pic[1].elcr = (uint8_t)(s->elcr_reset >> 8);
	update(s);
}

static void i8259_reset(void *opaque)
{
	struct i8259 *s = opaque;

	for (int i = 0; i < 2; i++) {
		uint8_t lines = s->pic[i].lines;
		s->pic[i] =
		    (struct pic){.lines = lines, .elcr = (uint8_t)(s->elcr_reset >> (8 * i))};
	}
	update(s);
}

struct i8259 *i8259_new(struct bus *bus, uint64_t io_base, struct irq_line out)
{
	struct i8259 *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return dev_fail(-ENOMEM);
	s->out = out;
	r = dev_own(bus, s, i8259_reset, free);
	if (r)
		return dev_fail(r);
	r = bus_map_io(bus, io_base + 0x20, 2, &master_ops, s, "i8259-master");
	if (!r)
		r = bus_map_io(bus, io_base + 0xa0, 2, &slave_ops, s, "i8259-slave");
	return r ? dev_fail(r) : s;
}
