/*
 * The devices of the MIPS Malta board (src/system/board-malta.c), as
 * Linux's 4kc-malta kernel drives them and QEMU's malta machine models them:
 * the GT-64120 system controller with its PCI host, the PIIX4 south bridge
 * (i8259 pair, i8254, MC146818 RTC, the power management function), and the
 * board's FPGA registers. Constructors follow devices.h: they map their
 * windows on @bus, register reset and cleanup, and return the device or
 * NULL with errno set. All state is guarded by the bus lock.
 *
 * The PIIX4's ISA ports sit in the PCI I/O window at physical 0x18000000
 * (port N at 0x18000000 + N): each device maps its ports there itself.
 */
#ifndef MORPH_MALTA_H
#define MORPH_MALTA_H

#include <stdbool.h>
#include <stdint.h>

#include "morph/bus.h"
#include "morph/hostdev.h"
#include "morph/irq.h"

/* ---------------------------------------------------------- i8259 pair */

struct i8259;

/**
 * i8259_new() - the cascaded master (ports 0x20-0x21) and slave (0xa0-0xa1)
 * 8259A controllers at ISA I/O base @io_base, slave on master input 2.
 * Inputs are edge-triggered (ICW1.LTIM is not modelled). @out (INTR) is
 * high while an unmasked request waits to be acknowledged.
 */
struct i8259 *i8259_new(struct bus *bus, uint64_t io_base, struct irq_line out);
/** i8259_input() - the line of ISA interrupt @irq (0-15). */
struct irq_line i8259_input(struct i8259 *pic, unsigned irq);
/**
 * i8259_ack() - an interrupt acknowledge cycle (the GT-64120's PCI IACK
 * register): the vector of the highest-priority request, now in service;
 * the spurious vector (IRQ 7's) if none. Bus lock held.
 */
uint8_t i8259_ack(struct i8259 *pic);

/* ------------------------------------------------------------ i8254 PIT */

/** i8254_new() - the timer at ports 0x40-0x43 (counters read back, no interrupts). */
void *i8254_new(struct bus *bus, uint64_t io_base, const struct dev_clock *clock);

/* ------------------------------------------------------ MC146818 RTC */

struct mc146818;

/**
 * mc146818_new() - the RTC and CMOS RAM at ports 0x70-0x71: time of day
 * from @wall (ns since the Unix epoch; copied), BCD or binary as register B
 * says, Update In Progress for the last 244 us of each second while the
 * divider runs (Linux times its CPU clock with it). No interrupts.
 */
struct mc146818 *mc146818_new(struct bus *bus, uint64_t io_base, const struct dev_clock *wall);

/* --------------------------------------------------------- PCI, GT-64120 */

/** A function on the GT-64120's PCI bus 0: its configuration space. */
struct pci_conf {
	uint8_t devfn;	    /* device << 3 | function */
	uint8_t cfg[256];   /* the configuration registers (little-endian) */
	uint8_t wmask[256]; /* bits the guest may write */
	/** written() - after a write of @size bytes at @off (may be NULL). */
	void (*written)(struct pci_conf *pc, unsigned off, unsigned size);
	void *opaque;
};

/** pci_conf_init() - IDs, class (24 bits) and header type; command register writable. */
void pci_conf_init(struct pci_conf *pc, unsigned devfn, uint16_t vendor, uint16_t device,
		   uint32_t class_rev, uint8_t header_type);

struct gt64120;

#define GT64120_BASE 0x1be00000u
#define GT64120_SIZE 0x1000u

/**
 * gt64120_new() - the Galileo GT-64120 system controller at @base as YAMON
 * leaves it (PCI I/O at 0x18000000, memory at 0x10000000), with PCI
 * configuration cycles to the functions added with gt64120_add() (others
 * master-abort) and interrupt acknowledge cycles answered by @ack(@opaque).
 */
struct gt64120 *gt64120_new(struct bus *bus, uint64_t base, uint8_t (*ack)(void *opaque),
			    void *opaque);
/** gt64120_add() - a function on bus 0 (@pc must outlive the bus). -1 if full. */
int gt64120_add(struct gt64120 *gt, struct pci_conf *pc);

/* ------------------------------------------------------------------ PIIX4 */

struct piix4;

/**
 * piix4_new() - the PIIX4 south bridge's PCI functions at device @dev: 0
 * (ISA bridge) and 3 (power management, its I/O registers wherever the
 * guest puts PMBA). Writing SUS_EN to PMCNTRL calls @poweroff(@opaque)
 * with the bus lock held.
 */
struct piix4 *piix4_new(struct bus *bus, struct gt64120 *gt, unsigned dev, uint64_t io_base,
			void (*poweroff)(void *opaque), void *opaque);

/* ------------------------------------------------------------- the FPGA */

#define MALTA_FPGA_BASE 0x1f000000u
#define MALTA_FPGA_SIZE 0x1000u

/**
 * malta_fpga_new() - the board's FPGA registers: switches, jumpers, the
 * LED bar and ASCII display (kept, not shown), and SOFTRES: writing 0x42
 * calls @reset(@opaque) with the bus lock held.
 */
void *malta_fpga_new(struct bus *bus, uint64_t base, void (*reset)(void *opaque), void *opaque);

#endif
