/*
 * The RISC-V `virt` board: QEMU's virt memory map and interrupt numbers
 * (docs/devices.md, "Wiring a machine"), so stock OpenSBI, U-Boot and Linux
 * find everything from the device tree. Boot flow as QEMU's with
 * fw_dynamic: the reset vector at 0x1000 enters the firmware at 0x80000000
 * with a0 = hartid, a1 = device tree, a2 = fw_dynamic_info naming the kernel
 * as the next stage in S-mode. `--bios none` runs the kernel (or a
 * bare-metal ELF) directly in M-mode.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>

#include "morph/devices.h"
#include "morph/machine.h"
#include "src/system/system.h"

#define VIRT_TEST 0x100000ull
#define VIRT_RTC 0x101000ull
#define VIRT_CLINT 0x2000000ull
#define VIRT_PLIC 0xc000000ull
#define VIRT_UART0 0x10000000ull
#define VIRT_VIRTIO 0x10001000ull
#define VIRT_VIRTIO_SLOTS 8
#define VIRT_DRAM 0x80000000ull

#define VIRT_IRQ_UART0 10
#define VIRT_IRQ_RTC 11
#define VIRT_IRQ_VIRTIO 1 /* slot i: 1 + i */
#define VIRT_PLIC_SOURCES 96

/*
 * The translation mode advertised: Linux uses the deepest one the device
 * tree allows; Sv39 (3 levels, 256 GiB of user space) is plenty here and
 * makes every TLB miss cheaper than Sv48/Sv57.
 */
#define VIRT_MMU "riscv,sv39"

enum virt_slot_kind {
	SLOT_EMPTY,
	SLOT_BLK,
	SLOT_NET,
	SLOT_RNG,
	SLOT_CONSOLE,
	SLOT_GPU,
	SLOT_KEYBOARD,
	SLOT_TABLET,
};

struct virt {
	struct clint clint;
	struct plic *plic;
	enum virt_slot_kind slot[VIRT_VIRTIO_SLOTS];
};

static void virt_close_chardev(void *opaque)
{
	chardev_close(opaque);
}

/* The guest wrote the sifive_test / syscon device (bus lock held). */
static void virt_power(void *opaque, enum sifive_test_action what, unsigned code)
{
	struct machine *m = opaque;

	switch (what) {
	case SIFIVE_TEST_PASS:
		machine_request_stop(m, MACHINE_POWEROFF, 0);
		break;
	case SIFIVE_TEST_FAIL:
		/* QEMU exits with the code; a failure reported as 0 is still a failure */
		machine_request_stop(m, MACHINE_POWEROFF, code ? (int)code : 1);
		break;
	case SIFIVE_TEST_RESET:
		machine_request_stop(m, MACHINE_RESET, 0);
		break;
	}
}

/* Open every backend first, so a bad file or port is an error before any device exists. */
static int virt_backends(struct machine *m, struct virt *v)
{
	const struct machine_opts *o = m->opts;
	unsigned slot = 0;

	if (machine_open_drives_net(m) < 0)
		return -1;
	for (unsigned i = 0; i < m->nblk; i++)
		v->slot[slot++] = SLOT_BLK;
	if (m->net)
		v->slot[slot++] = SLOT_NET;
	if (o->rng) {
		m->entropy = o->have_seed ? entropy_prng_new(o->seed) : entropy_host_new();
		if (!m->entropy)
			return machine_error(m, "cannot create the entropy source");
		v->slot[slot++] = SLOT_RNG;
	}
	if (o->console_device)
		v->slot[slot++] = SLOT_CONSOLE;
	if (slot > VIRT_VIRTIO_SLOTS)
		return machine_error(m, "too many virtio devices (virt has %d slots)",
				     VIRT_VIRTIO_SLOTS);
	return 0;
}

static int virt_init(struct machine *m)
{
	struct irq_line msip[MACHINE_MAX_HARTS], mtip[MACHINE_MAX_HARTS];
	struct irq_line ctx[2 * MACHINE_MAX_HARTS];
	struct aclint_mtimer_config mtcfg;
	struct dev_clock mtclock;
	struct goldfish_rtc *rtc;
	struct virt *v = calloc(1, sizeof(*v));
	struct chardev *uart_chr;
	unsigned blk = 0;

	if (!v)
		return machine_error(m, "out of memory");
	m->board = v;
	if (virt_backends(m, v) < 0)
		return -1;
	if (machine_console_open(m) < 0)
		return -1;
	/* after the console: SDL's threads must inherit its blocked stop signals */
	if (machine_display_open(m) < 0)
		return -1;
	if (m->display) {
		static const enum virt_slot_kind disp[] = {SLOT_GPU, SLOT_KEYBOARD, SLOT_TABLET};
		unsigned slot = 0;

		for (unsigned i = 0; i < 3; i++) {
			while (slot < VIRT_VIRTIO_SLOTS && v->slot[slot] != SLOT_EMPTY)
				slot++;
			if (slot == VIRT_VIRTIO_SLOTS)
				return machine_error(m, "too many virtio devices for a display "
							"(virt has %d slots; try --display off)",
						     VIRT_VIRTIO_SLOTS);
			v->slot[slot] = disp[i];
		}
	}
	for (unsigned h = 0; h < m->nharts; h++) {
		msip[h] = sys_hart_irq(&m->harts[h], 3);
		mtip[h] = sys_hart_irq(&m->harts[h], 7);
		ctx[2 * h] = sys_hart_irq(&m->harts[h], 11);
		ctx[2 * h + 1] = sys_hart_irq(&m->harts[h], 9);
	}
	if (!sifive_test_new(m->bus, VIRT_TEST, virt_power, m))
		return machine_error(m, "sifive_test: %s", strerror(errno));
	sys_mtimer_config(m, &mtcfg, &mtclock);
	if (clint_new(&v->clint, m->bus, VIRT_CLINT, m->nharts, msip, mtip, &mtcfg) < 0)
		return machine_error(m, "CLINT: cannot create it");
	sys_hart_set_timer(m, v->clint.mtimer);
	v->plic = plic_new(m->bus, VIRT_PLIC, VIRT_PLIC_SOURCES, 2 * m->nharts, ctx);
	if (!v->plic)
		return machine_error(m, "PLIC: %s", strerror(errno));
	/*
	 * With a virtio-console the terminal's input goes to hvc0; the UART (the
	 * firmware's console) still prints to it.
	 */
	uart_chr = m->console;
	if (m->opts->console_device) {
		uart_chr = chardev_stdio_new(m->loop, &(struct chardev_stdio_opts){.in_fd = -1});
		if (!uart_chr || bus_add_cleanup(m->bus, virt_close_chardev, uart_chr) < 0)
			return machine_error(m, "cannot create the UART's output");
	}
	if (!uart16550_new(m->bus, VIRT_UART0, 0, plic_input(v->plic, VIRT_IRQ_UART0), uart_chr))
		return machine_error(m, "UART: %s", strerror(errno));
	rtc = goldfish_rtc_new(m->bus, VIRT_RTC, plic_input(v->plic, VIRT_IRQ_RTC), m->loop);
	if (rtc)
		sys_rtc_clock(m, rtc);
	if (!rtc)
		return machine_error(m, "RTC: %s", strerror(errno));
	for (unsigned i = 0; i < VIRT_VIRTIO_SLOTS; i++) {
		uint64_t base = VIRT_VIRTIO + 0x1000ull * i;
		struct irq_line irq = plic_input(v->plic, VIRT_IRQ_VIRTIO + i);
		struct virtio_dev *d = NULL;

		switch (v->slot[i]) {
		case SLOT_EMPTY:
			d = virtio_mmio_empty_new(m->bus, base);
			break;
		case SLOT_BLK:
			d = virtio_blk_new(m->bus, base, irq, m->blk[blk++]);
			break;
		case SLOT_NET:
			d = virtio_net_new(m->bus, base, irq, m->net, NULL);
			break;
		case SLOT_RNG:
			d = virtio_rng_new(m->bus, base, irq, m->entropy);
			break;
		case SLOT_CONSOLE:
			d = virtio_console_new(m->bus, base, irq, m->console);
			break;
		case SLOT_GPU:
			d = virtio_gpu_new(m->bus, base, irq, m->display);
			break;
		case SLOT_KEYBOARD:
			d = virtio_input_new(m->bus, base, irq, m->display, DISPLAY_INPUT_KEYBOARD);
			break;
		case SLOT_TABLET:
			d = virtio_input_new(m->bus, base, irq, m->display, DISPLAY_INPUT_POINTER);
			break;
		}
		if (!d)
			return machine_error(m, "virtio slot %u: %s", i, strerror(errno));
	}
	return 0;
}

/* The firmware when no --bios is given: Debian's OpenSBI from the guest cache. */
static const char *virt_default_bios(char *buf, size_t len)
{
	const char *cache = getenv("MORPH_CACHE"), *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (cache && *cache)
		snprintf(buf, len, "%s/guest-riscv64/fw_dynamic.bin", cache);
	else if (xdg && *xdg)
		snprintf(buf, len, "%s/morph/guest-riscv64/fw_dynamic.bin", xdg);
	else
		snprintf(buf, len, "%s/.cache/morph/guest-riscv64/fw_dynamic.bin",
			 home ? home : ".");
	return buf;
}

static int virt_load(struct machine *m)
{
	const struct machine_opts *o = m->opts;
	const char *bios = o->bios;
	char defbios[4096];
	struct machine_image img;
	uint64_t kernel_min = m->ram_base;

	if (!bios) {
		bios = virt_default_bios(defbios, sizeof(defbios));
		if (access(bios, R_OK) != 0)
			return machine_error(
			    m,
			    "no firmware: %s is missing (run "
			    "scripts/fetch-guest-system.sh, or give --bios FILE|none)",
			    bios);
	}
	if (strcmp(bios, "none")) {
		int elf = machine_file_is_elf(m, "firmware", bios);

		if (elf < 0)
			return -1;
		if (elf ? machine_load_elf(m, bios, &img, NULL, NULL, 0)
			: machine_load_raw(m, bios, m->ram_base, m->ram_size, &img))
			return -1;
		m->fw_start = img.start;
		m->fw_end = img.end;
		m->entry = img.entry;
		kernel_min = img.end;
	}
	if (o->kernel) {
		if (machine_load_kernel(m, o->kernel, kernel_min, 64) < 0)
			return -1;
		if (m->fw_end && m->kernel_start < m->fw_end)
			return machine_error(m, "kernel %s overlaps the firmware", o->kernel);
		if (!m->fw_end)
			m->entry = m->kernel_entry;
	} else if (!m->fw_end) {
		return machine_error(m, "nothing to run: give --kernel FILE, or --bios FILE");
	}
	if (o->initrd) {
		if (!o->kernel)
			return machine_error(m, "--initrd needs --kernel");
		if (machine_load_initrd(m, o->initrd) < 0)
			return -1;
	}
	return 0;
}

static int virt_fdt(struct machine *m)
{
	uint32_t intc[MACHINE_MAX_HARTS], phandle = 1, plic_ph, test_ph;
	char isa[256];
	void *fdt;
	int soc;

	FDT_TRY(machine_fdt_begin(m, "riscv-virtio", "riscv-virtio,morph"));
	fdt = m->fdt;
	sys_hart_isa(&m->harts[0], isa, sizeof(isa));
	FDT_TRY(machine_fdt_cpus(m, isa, VIRT_MMU, ACLINT_DEFAULT_FREQ_HZ, intc, &phandle));
	FDT_TRY(machine_fdt_memory(m));
	plic_ph = phandle++;
	test_ph = phandle++;
	soc = fdt_add_subnode(fdt, 0, "soc");
	FDT_TRY(soc);
	FDT_TRY(fdt_setprop_u32(fdt, soc, "#address-cells", 2));
	FDT_TRY(fdt_setprop_u32(fdt, soc, "#size-cells", 2));
	FDT_TRY(fdt_setprop_string(fdt, soc, "compatible", "simple-bus"));
	FDT_TRY(fdt_setprop(fdt, soc, "ranges", NULL, 0));
	/* fdt_add_subnode() inserts first: add in reverse of the order wanted */
	FDT_TRY(dev_fdt_clint(fdt, soc, VIRT_CLINT, intc, m->nharts));
	FDT_TRY(dev_fdt_plic(fdt, soc, VIRT_PLIC, VIRT_PLIC_SOURCES, intc, m->nharts, plic_ph));
	for (int i = VIRT_VIRTIO_SLOTS - 1; i >= 0; i--) {
		soc = fdt_path_offset(fdt, "/soc");
		FDT_TRY(soc);
		FDT_TRY(dev_fdt_virtio_mmio(fdt, soc, VIRT_VIRTIO + 0x1000ull * (unsigned)i,
					    plic_ph, VIRT_IRQ_VIRTIO + (unsigned)i));
	}
	FDT_TRY(dev_fdt_uart16550(fdt, soc, VIRT_UART0, 0, plic_ph, VIRT_IRQ_UART0));
	FDT_TRY(dev_fdt_goldfish_rtc(fdt, soc, VIRT_RTC, plic_ph, VIRT_IRQ_RTC));
	FDT_TRY(dev_fdt_sifive_test(fdt, soc, VIRT_TEST, test_ph));
	FDT_TRY(machine_fdt_chosen(m, "/soc/serial@10000000"));
	return machine_fdt_finish(m);
}

static int virt_finish(struct machine *m)
{
	/* with firmware, the kernel is the next stage in S-mode; without, we run it in M-mode */
	if (m->fw_end)
		return rv_boot_rom(m, 64, m->entry, m->kernel_end ? m->kernel_entry : 0,
				   FW_DYNAMIC_NEXT_MODE_S);
	return rv_boot_rom(m, 64, m->entry, 0, FW_DYNAMIC_NEXT_MODE_M);
}

static void virt_hart_reset(struct machine *m, struct machine_hart *h)
{
	/* the boot ROM sets a0..a2 itself */
	sys_hart_set_start(h, m->mc->rom_base, 0, 0, 0);
}

static void virt_fini(struct machine *m)
{
	free(m->board);
	m->board = NULL;
}

const struct machine_class machine_virt = {
    .name = "virt",
    .desc = "RISC-V VirtIO board (QEMU's virt memory map): CLINT, PLIC, ns16550a, "
	    "goldfish RTC, 8 virtio-mmio slots",
    .arch = "riscv64",
    .ram_base = VIRT_DRAM,
    .default_ram_size = 512ull << 20,
    .max_harts = 8,
    .rom_base = 0x1000,
    .rom_size = 0xf000,
    .init = virt_init,
    .load = virt_load,
    .fdt = virt_fdt,
    .finish = virt_finish,
    .hart_reset = virt_hart_reset,
    .fini = virt_fini,
};
