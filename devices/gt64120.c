/*
 * The Galileo (Marvell) GT-64120 system controller of the Malta board's
 * CoreLV card, as Linux drives it (arch/mips/pci/pci-gt64xxx.c,
 * arch/mips/mti-malta): a register file with the PCI windows YAMON sets up
 * (I/O at 0x18000000, memory at 0x10000000), PCI configuration cycles
 * through CFGADDR/CFGDATA to the functions on bus 0 (absent ones
 * master-abort: 0xffffffff and INTRCAUSE.MasAbort0), and the interrupt
 * acknowledge register that reads the vector from the i8259s. Registers are
 * little-endian (the CPU byte-swapping bits are kept, not acted on: the
 * board is little-endian here). The functions' 32-bit memory BARs are
 * reached through the PCI0M0 window: CPU addresses 0x10000000-0x17ffffff
 * (mapped once; the LD/HD registers narrow what is decoded, REMAP moves it
 * on the PCI side) go to the BAR that holds the PCI address, if the
 * function decodes memory; anything else master-aborts. The PCI0M1 window
 * and PCI I/O BARs are not decoded (Linux uses the wider of the two memory
 * windows; the ISA ports are mapped by their devices). Nothing else of the
 * chip (SDRAM timing, DMA, timers) is modelled; those registers just hold
 * what is written.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/dev.h"
#include "morph/malta.h"

#define GT_MAX_FUNCS 8

/* Register offsets (GT-64120 datasheet; Linux asm/gt64120.h) */
#define GT_PCI0IOLD 0x048
#define GT_PCI0IOHD 0x050
#define GT_PCI0M0LD 0x058
#define GT_PCI0M0HD 0x060
#define GT_ISD 0x068
#define GT_PCI0M1LD 0x080
#define GT_PCI0M1HD 0x088
#define GT_PCI0IOREMAP 0x0f0
#define GT_PCI0M0REMAP 0x0f8
#define GT_PCI0M1REMAP 0x100
#define GT_INTRCAUSE 0xc18
#define GT_PCI0_IACK 0xc34
#define GT_PCI0_CFGADDR 0xcf8
#define GT_PCI0_CFGDATA 0xcfc

#define CFGADDR_EN (1u << 31)
#define INTRCAUSE_MASABORT0 (1u << 18)

struct gt64120 {
	uint32_t regs[GT64120_SIZE / 4];
	struct pci_conf self; /* the controller's own function (device 0) */
	struct pci_conf *funcs[GT_MAX_FUNCS];
	unsigned nfuncs;
	uint8_t (*ack)(void *opaque);
	void *ack_opaque;
};

void pci_conf_init(struct pci_conf *pc, unsigned devfn, uint16_t vendor, uint16_t device,
		   uint32_t class_rev, uint8_t header_type)
{
	memset(pc, 0, sizeof(*pc));
	pc->devfn = (uint8_t)devfn;
	dev_st16(pc->cfg + 0x00, vendor);
	dev_st16(pc->cfg + 0x02, device);
	dev_st32(pc->cfg + 0x08, class_rev);
	pc->cfg[0x0e] = header_type;
	dev_st16(pc->wmask + 0x04, 0x0147); /* command: I/O, memory, master, special, SERR */
	pc->wmask[0x0c] = 0xff;		    /* cache line size */
	pc->wmask[0x0d] = 0xff;		    /* latency timer */
	pc->wmask[0x3c] = 0xff;		    /* interrupt line */
}

void pci_conf_set_bar(struct pci_conf *pc, unsigned n, uint32_t size, const struct bus_ops *ops,
		      void *opaque)
{
	pc->bar[n] = (struct pci_bar){size, ops, opaque};
	dev_st32(pc->wmask + PCI_BAR0 + 4 * n, ~(size - 1) & ~0xfu);
}

unsigned pci_conf_add_cap(struct pci_conf *pc, uint8_t id, unsigned len)
{
	unsigned at = pc->cap_end ? pc->cap_end : 0x40, p = PCI_CAPABILITY_LIST;

	len = (len + 3) & ~3u;
	if (at + len > 0x100)
		return 0;
	while (pc->cfg[p]) /* append: the list keeps the order of the calls */
		p = pc->cfg[p] + 1;
	pc->cfg[p] = (uint8_t)at;
	pc->cfg[at] = id;
	pc->cfg[at + 1] = 0;
	pc->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	pc->cap_end = (uint16_t)(at + len);
	return at;
}

/* The function CFGADDR selects, or NULL (master abort). */
static struct pci_conf *cfg_target(struct gt64120 *gt)
{
	uint32_t a = gt->regs[GT_PCI0_CFGADDR / 4];
	unsigned devfn = (a >> 8) & 0xff;

	if (!(a & CFGADDR_EN) || ((a >> 16) & 0xff))
		return NULL;
	for (unsigned i = 0; i < gt->nfuncs; i++)
		if (gt->funcs[i]->devfn == devfn)
			return gt->funcs[i];
	return NULL;
}

static uint64_t cfg_read(struct gt64120 *gt, unsigned off, unsigned size)
{
	struct pci_conf *pc = cfg_target(gt);
	unsigned reg = gt->regs[GT_PCI0_CFGADDR / 4] & 0xfc;
	uint64_t v = 0;

	if (!pc) {
		gt->regs[GT_INTRCAUSE / 4] |= INTRCAUSE_MASABORT0;
		return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
	}
	for (unsigned i = 0; i < size && off + i < 4; i++)
		v |= (uint64_t)pc->cfg[reg + off + i] << (8 * i);
	return v;
}

static void cfg_write(struct gt64120 *gt, unsigned off, uint64_t val, unsigned size)
{
	struct pci_conf *pc = cfg_target(gt);
	unsigned reg = gt->regs[GT_PCI0_CFGADDR / 4] & 0xfc;

	if (!pc) {
		gt->regs[GT_INTRCAUSE / 4] |= INTRCAUSE_MASABORT0;
		return;
	}
	for (unsigned i = 0; i < size && off + i < 4; i++) {
		unsigned o = reg + off + i;
		uint8_t m = pc->wmask[o];
		pc->cfg[o] = (uint8_t)((pc->cfg[o] & ~m) | ((val >> (8 * i)) & m));
	}
	if (pc->written)
		pc->written(pc, reg + off, size);
}

/*
 * PCI memory: the BAR holding the PCI address of CPU window offset @off,
 * with *@boff set to the offset inside it; NULL (master abort) if none.
 */
static const struct pci_bar *mem_target(struct gt64120 *gt, uint64_t off, uint64_t *boff)
{
	uint32_t ld = gt->regs[GT_PCI0M0LD / 4] & 0x7fff, hd = gt->regs[GT_PCI0M0HD / 4] & 0x7f;
	uint64_t cpu = GT64120_PCI_MEM + off, lo = (uint64_t)ld << 21;
	uint64_t hi = (uint64_t)((ld & ~0x7fu) | hd) << 21 | 0x1fffff;
	uint32_t pci;

	if (cpu < lo || cpu > hi)
		return NULL;
	/* the high bits of the PCI address come from REMAP, the low 21 pass through */
	pci = (uint32_t)(cpu - lo + ((uint64_t)(gt->regs[GT_PCI0M0REMAP / 4] & 0x7ff) << 21));
	for (unsigned i = 0; i < gt->nfuncs; i++) {
		const struct pci_conf *pc = gt->funcs[i];

		if (!(dev_ld16(pc->cfg + PCI_COMMAND) & PCI_COMMAND_MEMORY))
			continue;
		for (unsigned n = 0; n < PCI_NUM_BARS; n++) {
			const struct pci_bar *b = &pc->bar[n];
			uint32_t base = dev_ld32(pc->cfg + PCI_BAR0 + 4 * n) & ~(b->size - 1);

			if (b->size && base && pci - base < b->size) {
				*boff = pci - base;
				return b;
			}
		}
	}
	return NULL;
}

static uint64_t gt_mem_read(void *opaque, uint64_t off, unsigned size)
{
	struct gt64120 *gt = opaque;
	uint64_t boff;
	const struct pci_bar *b = mem_target(gt, off, &boff);

	if (b && boff + size <= b->size)
		return b->ops->read(b->opaque, boff, size);
	gt->regs[GT_INTRCAUSE / 4] |= INTRCAUSE_MASABORT0;
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static void gt_mem_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct gt64120 *gt = opaque;
	uint64_t boff;
	const struct pci_bar *b = mem_target(gt, off, &boff);

	if (b && boff + size <= b->size)
		b->ops->write(b->opaque, boff, val, size);
	else
		gt->regs[GT_INTRCAUSE / 4] |= INTRCAUSE_MASABORT0;
}

static const struct bus_ops gt_mem_ops = {gt_mem_read, gt_mem_write};

static uint64_t gt_read(void *opaque, uint64_t off, unsigned size)
{
	struct gt64120 *gt = opaque;
	unsigned r = (unsigned)off & ~3u;

	if (r == GT_PCI0_CFGDATA)
		return cfg_read(gt, (unsigned)off & 3, size);
	if (r == GT_PCI0_IACK)
		return gt->ack ? gt->ack(gt->ack_opaque) : 0;
	return dev_reg_read(gt->regs[r / 4], (unsigned)off & 3, size);
}

static void gt_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct gt64120 *gt = opaque;
	unsigned r = (unsigned)off & ~3u;
	uint32_t v = (uint32_t)dev_reg_write(gt->regs[r / 4], (unsigned)off & 3, size, val);

	switch (r) {
	case GT_PCI0_CFGDATA:
		cfg_write(gt, (unsigned)off & 3, val, size);
		return;
	case GT_INTRCAUSE:
		gt->regs[r / 4] &= v; /* bits written 0 are cleared */
		return;
	case GT_PCI0_IACK:
		return;
	default:
		gt->regs[r / 4] = v;
		return;
	}
}

static const struct bus_ops gt_ops = {gt_read, gt_write};

static void gt_reset(void *opaque)
{
	struct gt64120 *gt = opaque;

	memset(gt->regs, 0, sizeof(gt->regs));
	/* the windows in 2 MiB units (address >> 21), as YAMON programs them */
	gt->regs[GT_PCI0IOLD / 4] = 0x18000000u >> 21;
	gt->regs[GT_PCI0IOHD / 4] = 0x08000000u >> 21;
	gt->regs[GT_PCI0M0LD / 4] = 0x10000000u >> 21;
	gt->regs[GT_PCI0M0HD / 4] = 0x07e00000u >> 21;
	gt->regs[GT_PCI0M1LD / 4] = 0x18200000u >> 21;
	gt->regs[GT_PCI0M1HD / 4] = 0x0bc00000u >> 21;
	gt->regs[GT_ISD / 4] = GT64120_BASE >> 21;
	gt->regs[GT_PCI0IOREMAP / 4] = 0; /* CPU 0x18000000 is PCI I/O port 0 */
	gt->regs[GT_PCI0M0REMAP / 4] = 0x10000000u >> 21;
	gt->regs[GT_PCI0M1REMAP / 4] = 0x18200000u >> 21;
	/* PCI RST#: no function decodes or masters until the guest enables it */
	for (unsigned i = 0; i < gt->nfuncs; i++) {
		struct pci_conf *pc = gt->funcs[i];

		dev_st16(pc->cfg + PCI_COMMAND, 0);
		for (unsigned n = 0; n < PCI_NUM_BARS; n++)
			if (pc->bar[n].size)
				dev_st32(pc->cfg + PCI_BAR0 + 4 * n, 0);
		pc->cfg[PCI_INTERRUPT_LINE] = 0;
		if (pc->written)
			pc->written(pc, PCI_COMMAND, 2);
	}
}

int gt64120_add(struct gt64120 *gt, struct pci_conf *pc)
{
	if (gt->nfuncs == GT_MAX_FUNCS)
		return -1;
	gt->funcs[gt->nfuncs++] = pc;
	return 0;
}

struct gt64120 *gt64120_new(struct bus *bus, uint64_t base, uint8_t (*ack)(void *opaque),
			    void *opaque)
{
	struct gt64120 *gt = calloc(1, sizeof(*gt));
	int r;

	if (!gt)
		return dev_fail(-ENOMEM);
	gt->ack = ack;
	gt->ack_opaque = opaque;
	gt_reset(gt);
	/* device 0: the controller itself, a host bridge (its BARs are not modelled) */
	pci_conf_init(&gt->self, 0, 0x11ab, 0x4620, 0x06000010, 0);
	gt64120_add(gt, &gt->self);
	r = dev_own(bus, gt, gt_reset, free);
	if (!r)
		r = bus_map_io(bus, base, GT64120_SIZE, &gt_ops, gt, "gt64120");
	if (!r)
		r = bus_map_io(bus, GT64120_PCI_MEM, GT64120_PCI_MEM_SIZE, &gt_mem_ops, gt,
			       "pci-mem");
	return r ? dev_fail(r) : gt;
}
