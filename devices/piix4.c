/*
 * The Intel PIIX4 south bridge's PCI functions on Malta: function 0, the
 * PCI-to-ISA bridge (its configuration registers: interrupt routing, top of
 * memory, serial IRQ, which Linux's Malta fixups read and write), and
 * function 3, power management, whose PM1 control register powers the board
 * off (Linux's drivers/power/reset/piix4-poweroff.c: SUS_TYP soft-off with
 * SUS_EN). The PM registers sit at the I/O base Linux's Malta fixup gives
 * PMBA (0x1000); they answer only while PMREGMISC.PMIOSE enables them. The
 * PCI interrupts PIRQA-D# reach the i8259 inputs the PIRQRC registers
 * (0x60-0x63) name; Linux's fixup-malta.c reads those to map slots to IRQs.
 * The IDE and USB functions are absent. The ISA devices themselves (i8259,
 * i8254, RTC, UARTs) are separate models.
 */
#include <stdlib.h>

#include "devices/dev.h"
#include "morph/malta.h"

#define PIRQRC 0x60 /* function 0: PIRQA-D route control */
#define PIRQRC_DISABLE 0x80
#define PIRQS 4
#define PIRQ_IRQS 0xdef8 /* IRQs a PIRQ may route to: not 0-2, 8, 13 */

#define PM_IO_PORT 0x1000 /* where Linux's malta_piix_func3_base_fixup puts PMBA */
#define PM_IO_SIZE 0x40

/* Function 3 configuration */
#define PMBA 0x40
#define PMREGMISC 0x80
#define PMIOSE 0x01

/* PM I/O registers */
#define PMSTS 0x00
#define PMEN 0x02
#define PMCNTRL 0x04
#define PMCNTRL_SUS_EN (1u << 13)

struct piix4 {
	struct pci_conf isa, pm;
	struct i8259 *pic;
	unsigned pirq_count[PIRQS]; /* sources asserting each PIRQ line */
	uint16_t irq_out;	    /* the i8259 inputs we drive high */
	uint16_t pmsts, pmen, pmcntrl;
	void (*poweroff)(void *opaque);
	void *opaque;
};

static uint64_t pm_read(void *opaque, uint64_t off, unsigned size)
{
	struct piix4 *s = opaque;
	uint64_t v;

	if (!(s->pm.cfg[PMREGMISC] & PMIOSE))
		return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
	switch (off & ~1ull) {
	case PMSTS:
		v = s->pmsts;
		break;
	case PMEN:
		v = s->pmen;
		break;
	case PMCNTRL:
		v = s->pmcntrl;
		break;
	default:
		v = 0;
		break;
	}
	return dev_reg_read(v, off & 1, size);
}

static void pm_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct piix4 *s = opaque;
	uint16_t v;

	if (!(s->pm.cfg[PMREGMISC] & PMIOSE))
		return;
	switch (off & ~1ull) {
	case PMSTS:
		v = (uint16_t)dev_reg_write(0, off & 1, size, val);
		s->pmsts &= (uint16_t)~v; /* write 1 to clear */
		break;
	case PMEN:
		s->pmen = (uint16_t)dev_reg_write(s->pmen, off & 1, size, val);
		break;
	case PMCNTRL:
		s->pmcntrl = (uint16_t)dev_reg_write(s->pmcntrl, off & 1, size, val);
		/* SUS_TYP 0 is soft-off; other types (suspend) power off too: nothing to wake us */
		if (s->pmcntrl & PMCNTRL_SUS_EN) {
			s->pmcntrl &= (uint16_t)~PMCNTRL_SUS_EN;
			if (s->poweroff)
				s->poweroff(s->opaque);
		}
		break;
	default:
		break;
	}
}

static const struct bus_ops pm_ops = {pm_read, pm_write};

/* Drive each i8259 input high while a PIRQ routed to it is asserted. */
static void pirq_update(struct piix4 *s)
{
	uint16_t out = 0;

	for (unsigned i = 0; i < PIRQS; i++) {
		uint8_t r = s->isa.cfg[PIRQRC + i];

		if (s->pirq_count[i] && !(r & PIRQRC_DISABLE))
			out |= (uint16_t)(1u << (r & 0xf));
	}
	out &= PIRQ_IRQS;
	for (unsigned irq = 0; irq < 16; irq++) {
		uint16_t bit = (uint16_t)(1u << irq);
		struct irq_line l;

		if ((out ^ s->irq_out) & bit) {
			l = i8259_input(s->pic, irq);
			irq_set(&l, !!(out & bit));
		}
	}
	s->irq_out = out;
}

static void pirq_set(void *opaque, int n, int level)
{
	struct piix4 *s = opaque;

	if (level)
		s->pirq_count[n]++;
	else if (s->pirq_count[n])
		s->pirq_count[n]--;
	pirq_update(s);
}

struct irq_line piix4_pirq(struct piix4 *s, unsigned n)
{
	return irq_line_make(pirq_set, s, (int)(n % PIRQS));
}

static void isa_written(struct pci_conf *pc, unsigned off, unsigned size)
{
	if (off < PIRQRC + PIRQS && off + size > PIRQRC)
		pirq_update(pc->opaque);
}

static void piix4_reset(void *opaque)
{
	struct piix4 *s = opaque;

	s->pmsts = s->pmen = s->pmcntrl = 0;
	dev_st32(s->pm.cfg + PMBA, 1); /* I/O space indicator */
	s->pm.cfg[PMREGMISC] = 0;
	/* PIRQA-D to IRQ 10, 10, 11, 11: how YAMON (and QEMU's malta) leave them */
	s->isa.cfg[PIRQRC + 0] = 10;
	s->isa.cfg[PIRQRC + 1] = 10;
	s->isa.cfg[PIRQRC + 2] = 11;
	s->isa.cfg[PIRQRC + 3] = 11;
	pirq_update(s);
}

struct piix4 *piix4_new(struct bus *bus, struct gt64120 *gt, unsigned dev, uint64_t io_base,
			struct i8259 *pic, void (*poweroff)(void *opaque), void *opaque)
{
	struct piix4 *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return dev_fail(-ENOMEM);
	s->pic = pic;
	s->poweroff = poweroff;
	s->opaque = opaque;
	/* function 0: ISA bridge, multi-function; its 0x40-0xff registers are plain storage */
	pci_conf_init(&s->isa, dev << 3, 0x8086, 0x7110, 0x06010001, 0x80);
	for (unsigned i = 0x40; i < 0x100; i++)
		s->isa.wmask[i] = 0xff;
	s->isa.written = isa_written;
	s->isa.opaque = s;
	/* function 3: power management (bridge class "other") */
	pci_conf_init(&s->pm, dev << 3 | 3, 0x8086, 0x7113, 0x06800003, 0);
	dev_st32(s->pm.wmask + PMBA, 0x0000ffc0);
	s->pm.wmask[PMREGMISC] = PMIOSE;
	for (unsigned i = 0x90; i < 0xe0; i++) /* SMBus and device resources: storage */
		s->pm.wmask[i] = 0xff;
	piix4_reset(s);
	r = dev_own(bus, s, piix4_reset, free);
	if (r)
		return dev_fail(r);
	if (gt64120_add(gt, &s->isa) < 0 || gt64120_add(gt, &s->pm) < 0)
		return dev_fail(-ENOSPC);
	r = bus_map_io(bus, io_base + PM_IO_PORT, PM_IO_SIZE, &pm_ops, s, "piix4-pm");
	return r ? dev_fail(r) : s;
}
