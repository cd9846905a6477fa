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
 * Inputs are edge-triggered unless i8259_set_elcr() made them level-
 * triggered (ICW1.LTIM is not modelled). @out (INTR) is
 * high while an unmasked request waits to be acknowledged.
 */
struct i8259 *i8259_new(struct bus *bus, uint64_t io_base, struct irq_line out);
/**
 * i8259_set_elcr() - the level-triggered inputs (bit n: IRQ n; 0-2, 8, 13
 * cannot be) as firmware leaves them, now and after every reset.
 */
void i8259_set_elcr(struct i8259 *pic, uint16_t levels);
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

/* Configuration space registers (PCI Local Bus 3.0, section 6.1) */
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MEMORY 0x0002
#define PCI_COMMAND_MASTER 0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS 0x06
#define PCI_STATUS_INTERRUPT 0x0008
#define PCI_STATUS_CAP_LIST 0x0010
#define PCI_BAR0 0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d
#define PCI_CAP_ID_VNDR 0x09
#define PCI_NUM_BARS 6

/** A 32-bit memory BAR: @size bytes (a power of two, >= 16) decoded by @ops. */
struct pci_bar {
	uint32_t size; /* 0: the function has no such BAR (reads 0, PCI Local Bus 3.0, 6.2.5.1) */
	const struct bus_ops *ops;
	void *opaque;
};

/** A function on the GT-64120's PCI bus 0: its configuration space. */
struct pci_conf {
	uint8_t devfn;	    /* device << 3 | function */
	uint8_t cfg[256];   /* the configuration registers (little-endian) */
	uint8_t wmask[256]; /* bits the guest may write */
	struct pci_bar bar[PCI_NUM_BARS];
	uint16_t cap_end; /* where pci_conf_add_cap() puts the next capability */
	/** written() - after a write of @size bytes at @off (may be NULL). */
	void (*written)(struct pci_conf *pc, unsigned off, unsigned size);
	void *opaque;
};

/** pci_conf_init() - IDs, class (24 bits) and header type; command register writable. */
void pci_conf_init(struct pci_conf *pc, unsigned devfn, uint16_t vendor, uint16_t device,
		   uint32_t class_rev, uint8_t header_type);

/**
 * pci_conf_set_bar() - make BAR @n a 32-bit non-prefetchable memory BAR of
 * @size bytes (a power of two >= 16) whose accesses go to @ops(@opaque) at
 * the offset inside the BAR, while the command register enables memory
 * decoding. The guest assigns the address: writing all ones reads back the
 * size mask (PCI 3.0 section 6.2.5.1).
 */
void pci_conf_set_bar(struct pci_conf *pc, unsigned n, uint32_t size, const struct bus_ops *ops,
		      void *opaque);

/**
 * pci_conf_add_cap() - append a capability with ID @id and @len bytes
 * (its 2-byte header included) to the capability list. Returns its offset
 * in the configuration space (the caller fills bytes 2..@len-1), or 0 when
 * the 192 bytes after the header are full.
 */
unsigned pci_conf_add_cap(struct pci_conf *pc, uint8_t id, unsigned len);

struct gt64120;

#define GT64120_BASE 0x1be00000u
#define GT64120_SIZE 0x1000u

#define GT64120_PCI_MEM 0x10000000u /* the PCI memory window YAMON sets (PCI0M0) */
#define GT64120_PCI_MEM_SIZE 0x08000000u

/**
 * gt64120_new() - the Galileo GT-64120 system controller at @base as YAMON
 * leaves it (PCI I/O at 0x18000000, memory at 0x10000000), with PCI
 * configuration cycles to the functions added with gt64120_add() (others
 * master-abort), their memory BARs reached through the PCI0M0 window
 * (CPU 0x10000000-0x17ffffff, translated by the GT_PCI0M0* registers) and
 * interrupt acknowledge cycles answered by @ack(@opaque). A bus reset
 * clears every function's command register, BAR addresses and interrupt
 * line, as PCI RST# does.
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
			struct i8259 *pic, void (*poweroff)(void *opaque), void *opaque);

/**
 * piix4_pirq() - the PCI interrupt line PIRQ@n# (0-3: A-D), routed to the
 * i8259 input its PIRQRC register (function 0, 0x60 + @n) names while
 * routing is enabled (bit 7 clear; reset values 10, 10, 11, 11 as YAMON
 * leaves them). Lines are wired-OR: each source must report level changes
 * only (as virtio does), and an IRQ is high while any source routed to it is.
 */
struct irq_line piix4_pirq(struct piix4 *s, unsigned n);

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
