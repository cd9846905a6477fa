/*
 * The MIPS Malta board (CoreLV card: GT-64120 system controller, 24Kf
 * core) with the memory map of QEMU's malta machine, so Debian's
 * 4kc-malta kernel runs as it does there:
 *
 *   0x00000000  RAM (up to 256 MiB: the rest of the low 512 MiB is I/O)
 *   0x10000000  PCI memory window: the BARs Linux assigns (virtio-pci)
 *   0x18000000  PCI I/O window = the PIIX4's ISA ports: i8259 pair (0x20,
 *               0xa0), i8254 (0x40), MC146818 RTC (0x70), 16550 UART (0x3f8,
 *               IRQ 4: ttyS0), PIIX4 power management (0x1000)
 *   0x1be00000  GT-64120 registers (PCI configuration, interrupt acknowledge)
 *   0x1f000000  the board's FPGA (LEDs, display, software reset)
 *   0x1fc00000  boot ROM: the board ID at 0x10 and the boot stub
 *
 * Boot without firmware, as QEMU does for -kernel: the kernel ELF is loaded
 * at the physical addresses of its kseg0 segments, YAMON's argument tables
 * (argv: the command line; envp: memsize, ememsize, modetty0) go to
 * physical 0x2000, and the stub at the reset vector loads a0 = argc, a1 =
 * argv, a2 = envp, a3 = memsize and jumps to the kernel's entry. Linux
 * finds everything else through its built-in device tree and the PCI bus.
 * The i8259's INTR drives Cause.IP2; the CP0 timer is IP7. Power off goes
 * through the PIIX4's PM1 control register, reboot through the FPGA.
 *
 * --drive and --net become modern virtio-pci functions in the four PCI
 * slots (devices 18-21: disks first, then the network), INTA# of slot
 * 18 + i on PIRQ (A + i) as Linux's arch/mips/pci/fixup-malta.c expects.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frontends/mips/mips-hart.h"
#include "morph/devices.h"
#include "morph/elf-loader.h"
#include "morph/exec.h"
#include "morph/machine.h"
#include "morph/malta.h"
#include "src/system/system.h"

#define MALTA_ISA_IO 0x18000000ull
#define MALTA_ISA_IO_SIZE 0x200000ull /* the GT-64120's PCI I/O window */
#define MALTA_ISA_PORTS 0x10000ull    /* ports devices may sit at */
#define MALTA_ROM 0x1fc00000ull
#define MALTA_ROM_SIZE 0x400000ull
#define MALTA_RAM_MAX (256ull << 20)
#define MALTA_PIIX4_DEV 10 /* PCI slot of the south bridge */
#define MALTA_PCI_SLOT0 18 /* the first of the four PCI slots */
#define MALTA_PCI_SLOTS 4
#define MALTA_UART_IRQ 4
#define MALTA_BOARD_ID 0x00000420u /* Malta with a CoreLV card (GT-64120) */

/* YAMON's tables: 16 string pointers, then the strings (physical, in reserved memory) */
#define ENVP_PADDR 0x2000u
#define ENVP_SIZE 0x2000u
#define ENVP_SLOTS 16
#define KSEG0 0x80000000u

/* The boot stub (ROM offset 0x580, as QEMU's, after the YAMON service table) */
#define STUB_OFF 0x580u

struct malta {
	struct i8259 *pic;
	struct dev_clock mono, wall;
	uint32_t kernel_entry; /* kseg0 */
};

static int64_t malta_host_wall(void *opaque)
{
	(void)opaque;
	return exec_clock_ns(NULL, CLOCK_REALTIME);
}

static void malta_poweroff(void *opaque)
{
	machine_request_stop(opaque, MACHINE_POWEROFF, 0);
}

static void malta_soft_reset(void *opaque)
{
	machine_request_stop(opaque, MACHINE_RESET, 0);
}

static uint8_t malta_iack(void *opaque)
{
	return i8259_ack(opaque);
}

/* ISA ports nobody decodes: reads float high, writes vanish (no bus error, as on a PC) */
static uint64_t open_bus_read(void *opaque, uint64_t off, unsigned size)
{
	(void)opaque;
	(void)off;
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static void open_bus_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	(void)opaque;
	(void)off;
	(void)val;
	(void)size;
}

static const struct bus_ops open_bus_ops = {open_bus_read, open_bus_write};

/* Fill the I/O window around the devices already mapped in it. */
static int malta_open_bus(struct machine *m)
{
	uint64_t a = MALTA_ISA_IO, end = MALTA_ISA_IO + MALTA_ISA_PORTS;

	while (a < end) {
		const struct bus_region *r = bus_find(m->bus, a);
		uint64_t gap;

		if (r) {
			a = r->base + r->size;
			continue;
		}
		for (gap = a + 1; gap < end && !bus_find(m->bus, gap); gap++)
			;
		if (bus_map_io(m->bus, a, gap - a, &open_bus_ops, NULL, "isa-open-bus") < 0)
			return -1;
		a = gap;
	}
	return bus_map_io(m->bus, end, MALTA_ISA_IO + MALTA_ISA_IO_SIZE - end, &open_bus_ops, NULL,
			  "pci-io-open-bus");
}

/* --drive and --net: virtio-pci functions in the PCI slots (open every backend first). */
static int malta_pci_devices(struct machine *m, struct gt64120 *gt, struct piix4 *piix4)
{
	const struct machine_opts *o = m->opts;
	unsigned slot = 0;

	if (o->rng || o->console_device)
		return machine_error(m,
				     "malta: no --rng or --console-device (only --drive, --net)");
	if (o->ndrives + (o->net ? 1 : 0) > MALTA_PCI_SLOTS)
		return machine_error(m, "malta: at most %d PCI devices (--drive, --net)",
				     MALTA_PCI_SLOTS);
	if (machine_open_drives_net(m) < 0)
		return -1;
	for (unsigned i = 0; i < m->nblk + (m->net ? 1 : 0); i++, slot++) {
		/* fixup-malta.c: slot 18 + k's INTA# is PIRQ A + k */
		const struct virtio_transport t = {
		    .pci = gt,
		    .devfn = (MALTA_PCI_SLOT0 + slot) << 3,
		    .irq = piix4_pirq(piix4, slot),
		};
		struct virtio_dev *d = i < m->nblk ? virtio_blk_at(m->bus, &t, m->blk[i])
						   : virtio_net_at(m->bus, &t, m->net, NULL);

		if (!d)
			return machine_error(m, "PCI slot %u: %s", MALTA_PCI_SLOT0 + slot,
					     strerror(errno));
	}
	return 0;
}

static int malta_init(struct machine *m)
{
	struct malta *b = calloc(1, sizeof(*b));
	struct gt64120 *gt;
	struct piix4 *piix4;

	if (!b)
		return machine_error(m, "out of memory");
	m->board = b;
	if (m->ram_size > MALTA_RAM_MAX)
		return machine_error(m, "malta: at most %llu MiB of RAM",
				     (unsigned long long)(MALTA_RAM_MAX >> 20));
	if (machine_console_open(m) < 0)
		return -1;
	if (exec_icount_enabled()) {
		b->mono = (struct dev_clock){sys_icount_mono, m};
		b->wall = (struct dev_clock){sys_icount_wall, m};
	} else {
		b->mono = dev_clock_host;
		b->wall = (struct dev_clock){malta_host_wall, NULL};
	}
	b->pic =
	    i8259_new(m->bus, MALTA_ISA_IO, irq_line_make(mips_hart_set_irq, m->harts[0].cpu, 2));
	if (!b->pic)
		return machine_error(m, "i8259: %s", strerror(errno));
	/*
	 * The PCI interrupts (PIRQA-D on IRQ 10 and 11) are shared, active-low levels:
	 * firmware makes them level-triggered; Linux on Malta leaves ELCR alone.
	 */
	i8259_set_elcr(b->pic, 1u << 10 | 1u << 11);
	if (!i8254_new(m->bus, MALTA_ISA_IO, &b->mono))
		return machine_error(m, "i8254: %s", strerror(errno));
	if (!mc146818_new(m->bus, MALTA_ISA_IO, &b->wall))
		return machine_error(m, "RTC: %s", strerror(errno));
	if (!uart16550_new(m->bus, MALTA_ISA_IO + 0x3f8, 0, i8259_input(b->pic, MALTA_UART_IRQ),
			   m->console))
		return machine_error(m, "UART: %s", strerror(errno));
	gt = gt64120_new(m->bus, GT64120_BASE, malta_iack, b->pic);
	if (!gt)
		return machine_error(m, "GT-64120: %s", strerror(errno));
	piix4 = piix4_new(m->bus, gt, MALTA_PIIX4_DEV, MALTA_ISA_IO, b->pic, malta_poweroff, m);
	if (!piix4)
		return machine_error(m, "PIIX4: %s", strerror(errno));
	if (malta_pci_devices(m, gt, piix4) < 0)
		return -1;
	if (!malta_fpga_new(m->bus, MALTA_FPGA_BASE, malta_soft_reset, m))
		return machine_error(m, "FPGA: %s", strerror(errno));
	if (malta_open_bus(m) < 0)
		return machine_error(m, "cannot map the PCI I/O window");
	return 0;
}

/* The kernel ELF: its kseg0 segments go to the physical memory under them. */
static int malta_load_kernel(struct machine *m, const char *path)
{
	struct malta *b = m->board;
	struct elf_file ef;
	char err[200];
	uint64_t lo = UINT64_MAX, hi = 0;

	if (elf_open(&ef, path, err, sizeof(err)) < 0)
		return machine_error(m, "%s: %s", path, err);
	if (ef.machine != 8 /* EM_MIPS */ || ef.elf_class != 1 || ef.big_endian)
		goto bad;
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < ef.phnum; i++) {
			const struct elf_phdr *ph = &ef.phdrs[i];
			uint64_t pa = ph->paddr & 0x1fffffffu;
			uint8_t *dst;

			if (ph->type != ELF_PT_LOAD || ph->memsz == 0)
				continue;
			if ((uint32_t)ph->paddr < KSEG0 || (uint32_t)ph->paddr >= 0xc0000000u)
				goto bad;
			dst = machine_ram_ptr(m, pa, ph->memsz);
			if (!dst) {
				elf_close(&ef);
				return machine_error(m, "%s: a segment lies outside RAM", path);
			}
			if (pass == 0)
				continue;
			if (pread(ef.fd, dst, ph->filesz, (off_t)ph->offset) !=
			    (ssize_t)ph->filesz) {
				elf_close(&ef);
				return machine_error(m, "%s: read error", path);
			}
			memset(dst + ph->filesz, 0, ph->memsz - ph->filesz);
			lo = pa < lo ? pa : lo;
			hi = pa + ph->memsz > hi ? pa + ph->memsz : hi;
		}
	}
	b->kernel_entry = (uint32_t)ef.entry;
	elf_close(&ef);
	if (!hi)
		return machine_error(m, "%s: nothing to load", path);
	m->kernel_start = lo;
	m->kernel_end = hi;
	m->kernel_entry = b->kernel_entry;
	return 0;
bad:
	elf_close(&ef);
	return machine_error(m, "%s: not a little-endian MIPS32 kernel linked in kseg0", path);
}

/* YAMON's argv and envp at ENVP_PADDR: slot @i points at @s (NULL: end of the table). */
struct envp_writer {
	uint8_t *base;
	uint32_t used; /* string bytes after the pointer table */
};

static int envp_set(struct machine *m, struct envp_writer *w, unsigned i, const char *s)
{
	uint32_t at = ENVP_SLOTS * 4 + w->used, len = s ? (uint32_t)strlen(s) + 1 : 0;

	if (i >= ENVP_SLOTS || at + len > ENVP_SIZE)
		return machine_error(m, "malta: the command line is too long");
	if (!s) {
		memset(w->base + 4 * i, 0, 4);
		return 0;
	}
	memcpy(w->base + at, s, len);
	for (int k = 0; k < 4; k++)
		w->base[4 * i + k] = (uint8_t)((KSEG0 + ENVP_PADDR + at) >> (8 * k));
	w->used += (len + 3) & ~3u;
	return 0;
}

static int malta_load(struct machine *m)
{
	const struct machine_opts *o = m->opts;
	struct envp_writer w = {machine_ram_ptr(m, ENVP_PADDR, ENVP_SIZE), 0};
	char cmdline[2048], num[2][24];
	uint64_t low = m->ram_size;

	if (o->bios && strcmp(o->bios, "none"))
		return machine_error(m, "malta: no firmware support (give --kernel)");
	if (!o->kernel)
		return machine_error(m, "malta: nothing to run: give --kernel FILE");
	if (malta_load_kernel(m, o->kernel) < 0)
		return -1;
	if (o->initrd && machine_load_initrd(m, o->initrd) < 0)
		return -1;
	if (m->initrd_end)
		snprintf(cmdline, sizeof(cmdline), "rd_start=0x%" PRIx64 " rd_size=%" PRIu64 " %s",
			 KSEG0 + m->initrd_start, m->initrd_end - m->initrd_start,
			 o->append ? o->append : "");
	else
		snprintf(cmdline, sizeof(cmdline), "%s", o->append ? o->append : "");
	snprintf(num[0], sizeof(num[0]), "%" PRIu64, low);
	snprintf(num[1], sizeof(num[1]), "%" PRIu64, m->ram_size);
	memset(w.base, 0, ENVP_SIZE);
	if (envp_set(m, &w, 0, o->kernel) < 0 || envp_set(m, &w, 1, cmdline) < 0 ||
	    envp_set(m, &w, 2, "memsize") < 0 || envp_set(m, &w, 3, num[0]) < 0 ||
	    envp_set(m, &w, 4, "ememsize") < 0 || envp_set(m, &w, 5, num[1]) < 0 ||
	    envp_set(m, &w, 6, "modetty0") < 0 || envp_set(m, &w, 7, "38400n8r") < 0 ||
	    envp_set(m, &w, 8, NULL) < 0)
		return -1;
	return 0;
}

static void rom_word(struct machine *m, uint32_t off, uint32_t insn)
{
	for (int k = 0; k < 4; k++)
		m->rom[off + (uint32_t)k] = (uint8_t)(insn >> (8 * k));
}

/* MIPS32 encodings for the stub */
#define LUI(rt, imm) (0x3c000000u | (rt) << 16 | ((imm)&0xffffu))
#define ORI(rt, rs, imm) (0x34000000u | (rs) << 21 | (rt) << 16 | ((imm)&0xffffu))
#define ADDIU(rt, rs, imm) (0x24000000u | (rs) << 21 | (rt) << 16 | ((imm)&0xffffu))
#define JR(rs) (0x00000008u | (rs) << 21)
#define J(target) (0x08000000u | (((target)&0x0fffffffu) >> 2))
#define NOP 0u
enum { R_A0 = 4, R_A1 = 5, R_A2 = 6, R_A3 = 7, R_T9 = 25, R_SP = 29 };

static int malta_finish(struct machine *m)
{
	struct malta *b = m->board;
	const uint32_t envp = KSEG0 + ENVP_PADDR;
	const uint32_t li[][2] = {
	    {R_SP, envp - 64},	     {R_A1, envp}, {R_A2, envp + 8}, {R_A3, (uint32_t)m->ram_size},
	    {R_T9, b->kernel_entry},
	};
	uint32_t off = STUB_OFF;

	memset(m->rom, 0, MALTA_ROM_SIZE);
	rom_word(m, 0x000, J(0xbfc00000u + STUB_OFF));
	rom_word(m, 0x004, NOP);
	rom_word(m, 0x010, MALTA_BOARD_ID); /* read by Linux's prom_init() */
	for (unsigned i = 0; i < sizeof(li) / sizeof(li[0]); i++) {
		rom_word(m, off, LUI(li[i][0], li[i][1] >> 16));
		rom_word(m, off + 4, ORI(li[i][0], li[i][0], li[i][1]));
		off += 8;
	}
	rom_word(m, off, ADDIU(R_A0, 0, 2)); /* argc: the kernel's name and the command line */
	rom_word(m, off + 4, JR(R_T9));
	rom_word(m, off + 8, NOP);
	return 0;
}

static void malta_hart_reset(struct machine *m, struct machine_hart *h)
{
	(void)m;
	/* from the reset vector, with ERL cleared as a boot loader leaves it */
	mips_hart_reset(h->cpu, 0xbfc00000u, true);
}

static void malta_fini(struct machine *m)
{
	free(m->board);
	m->board = NULL;
}

const struct machine_class machine_malta = {
    .name = "malta",
    .desc = "MIPS Malta (CoreLV, 24Kf, little-endian): GT-64120, PIIX4 (i8259, RTC, PM), "
	    "16550 UART at 0x3f8, virtio-pci in PCI slots 18-21",
    .arch = "mipsel",
    .ram_base = 0,
    .default_ram_size = 256ull << 20,
    .max_harts = 1,
    .rom_base = MALTA_ROM,
    .rom_size = MALTA_ROM_SIZE,
    .hart_ops = &sys_hart_mips_ops,
    .init = malta_init,
    .load = malta_load,
    .finish = malta_finish,
    .hart_reset = malta_hart_reset,
    .fini = malta_fini,
};
