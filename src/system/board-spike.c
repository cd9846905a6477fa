/*
 * The RISC-V `spike` board, for bare-metal test programs: RAM at 0x80000000,
 * a SiFive CLINT at 0x2000000, the boot ROM at 0x1000 and HTIF, the
 * Berkeley host-target interface of Spike and riscv-tests. A program talks
 * to HTIF through two 64-bit words in its own memory, `tohost` and
 * `fromhost`, found through the ELF symbol table as Spike and QEMU do:
 *
 *   tohost = device << 56 | command << 48 | payload (48 bits)
 *     device 0, command 0, payload odd:  exit with status payload >> 1
 *     device 0, command 0, payload even: a system call block at payload
 *                                        (riscv-tests' benchmarks: write())
 *     device 1, command 1:               putchar(payload & 0xff)
 *     device 1, command 0:               getchar; answered in fromhost
 *
 * The 4 KiB page(s) holding tohost/fromhost are MMIO backed by guest RAM, so
 * a store to tohost reaches us at once; the rest of such a page behaves as
 * RAM for data (the tests' .tohost section is page-aligned and holds no code:
 * code there could not be fetched).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "morph/devices.h"
#include "morph/machine.h"
#include "src/system/system.h"

#define SPIKE_CLINT 0x2000000ull
#define SPIKE_DRAM 0x80000000ull

#define HTIF_DEV_SYSCALL 0
#define HTIF_DEV_CONSOLE 1
#define HTIF_CONSOLE_GETC 0
#define HTIF_CONSOLE_PUTC 1
#define HTIF_SYS_WRITE 64 /* riscv-pk / newlib syscall numbers */

struct spike {
	struct machine *m;
	struct clint clint;
	uint64_t tohost, fromhost; /* guest physical; 0: no HTIF */
	uint64_t page[2];	   /* MMIO pages (page[1] == page[0] if shared) */
	unsigned xlen;
	bool getc_pending; /* a getchar is waiting for input */
	uint8_t in[64];	   /* console input not yet asked for */
	unsigned in_len;
};

static uint64_t *spike_word(struct spike *s, uint64_t gpa)
{
	return machine_ram_ptr(s->m, gpa, 8);
}

/* Answer a pending getchar if input is there and fromhost is free. Bus lock held. */
static void spike_getc_answer(struct spike *s)
{
	uint64_t *from = spike_word(s, s->fromhost);

	if (!s->getc_pending || !s->in_len || !from || *from)
		return;
	*from =
	    (uint64_t)HTIF_DEV_CONSOLE << 56 | (uint64_t)HTIF_CONSOLE_GETC << 48 | 0x100 | s->in[0];
	memmove(s->in, s->in + 1, --s->in_len);
	s->getc_pending = false;
	chardev_accept_input(s->m->console);
}

static size_t spike_can_receive(void *opaque)
{
	struct spike *s = opaque;

	return sizeof(s->in) - s->in_len;
}

static void spike_receive(void *opaque, const uint8_t *buf, size_t len)
{
	struct spike *s = opaque;

	if (len > sizeof(s->in) - s->in_len)
		len = sizeof(s->in) - s->in_len;
	memcpy(s->in + s->in_len, buf, len);
	s->in_len += (unsigned)len;
	spike_getc_answer(s);
}

/* The system call block of riscv-tests' syscalls.c: magic_mem[8] = {n, a0, a1, a2, ...}. */
static void spike_syscall(struct spike *s, uint64_t addr)
{
	uint64_t *mm = machine_ram_ptr(s->m, addr, 64);
	int64_t ret = -38; /* -ENOSYS */

	if (!mm) {
		bus_guest_error("htif", "system call block at 0x%" PRIx64 " is outside RAM", addr);
		return;
	}
	if (mm[0] == HTIF_SYS_WRITE && (mm[1] == 1 || mm[1] == 2)) {
		const uint8_t *buf =
		    mm[3] <= (1u << 20) ? machine_ram_ptr(s->m, mm[2], mm[3]) : NULL;

		if (buf) {
			chardev_write(s->m->console, buf, mm[3]);
			ret = (int64_t)mm[3];
		} else {
			ret = -14; /* -EFAULT */
		}
	} else {
		bus_guest_error("htif", "unsupported system call %" PRIu64, mm[0]);
	}
	mm[0] = (uint64_t)ret;
}

/* The program wrote a non-zero tohost. Bus lock held. */
static void spike_tohost(struct spike *s, uint64_t v)
{
	unsigned dev = (unsigned)(v >> 56), cmd = (unsigned)(v >> 48) & 0xff;
	uint64_t payload = v & ((1ull << 48) - 1);
	uint64_t *to = spike_word(s, s->tohost), *from = spike_word(s, s->fromhost);

	if (dev == HTIF_DEV_SYSCALL && cmd == 0) {
		if (payload & 1) {
			uint64_t code = payload >> 1;

			if (code)
				fprintf(stderr,
					"morph: spike: the program reported failure %" PRIu64
					" through tohost\n",
					code);
			/* like Spike and QEMU: the status is the program's */
			machine_request_stop(s->m, MACHINE_POWEROFF, code > 255 ? 255 : (int)code);
			*to = 0;
			return;
		}
		spike_syscall(s, payload);
		*to = 0;
		if (from)
			*from = 1;
		return;
	}
	if (dev == HTIF_DEV_CONSOLE && cmd == HTIF_CONSOLE_PUTC) {
		uint8_t c = (uint8_t)payload;

		chardev_write(s->m->console, &c, 1);
		*to = 0;
		if (from)
			*from = (uint64_t)HTIF_DEV_CONSOLE << 56 | (uint64_t)HTIF_CONSOLE_PUTC
								       << 48;
		return;
	}
	if (dev == HTIF_DEV_CONSOLE && cmd == HTIF_CONSOLE_GETC) {
		*to = 0;
		s->getc_pending = true;
		spike_getc_answer(s);
		return;
	}
	bus_guest_error("htif", "unknown command: device %u command %u", dev, cmd);
	*to = 0;
}

/* MMIO on an HTIF page: plain RAM, except that writing tohost acts. */
struct spike_page {
	struct spike *s;
	uint64_t base;
};

static uint64_t spike_page_read(void *opaque, uint64_t offset, unsigned size)
{
	struct spike_page *p = opaque;
	uint8_t *mem = machine_ram_ptr(p->s->m, p->base + offset, size);
	uint64_t v = 0;

	if (mem)
		memcpy(&v, mem, size);
	if (p->base + offset == p->s->fromhost || p->base + offset == p->s->tohost)
		spike_getc_answer(p->s);
	return v;
}

static void spike_page_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct spike_page *p = opaque;
	struct spike *s = p->s;
	uint64_t gpa = p->base + offset;
	uint8_t *mem = machine_ram_ptr(s->m, gpa, size);

	if (!mem)
		return;
	memcpy(mem, &value, size);
	/*
	 * A 64-bit store to tohost, or (RV32) the store of its upper half, which
	 * comes second: then the whole command is there.
	 */
	if ((gpa == s->tohost && size == 8) || (gpa == s->tohost + 4 && size == 4)) {
		uint64_t v = *spike_word(s, s->tohost);

		if (v)
			spike_tohost(s, v);
	} else if (gpa == s->fromhost && size >= 4) {
		spike_getc_answer(s);
	}
}

static const struct bus_ops spike_page_ops = {
    .read = spike_page_read,
    .write = spike_page_write,
};

/* The program whose symbols say where HTIF is: the --kernel ELF, else the --bios ELF. */
static const char *spike_program(struct machine *m)
{
	const struct machine_opts *o = m->opts;

	if (o->kernel && machine_file_is_elf(m, "kernel", o->kernel) == 1)
		return o->kernel;
	if (o->bios && strcmp(o->bios, "none") && machine_file_is_elf(m, "firmware", o->bios) == 1)
		return o->bios;
	return NULL;
}

static void spike_free_page(void *opaque)
{
	free(opaque);
}

static int spike_map_ram(struct machine *m)
{
	static const char *const names[] = {"tohost", "fromhost"};
	struct spike *s = calloc(1, sizeof(*s));
	const char *prog;
	uint64_t v[2], ram_end = m->ram_base + m->ram_size, at = m->ram_base;
	unsigned npages = 0;

	if (!s)
		return machine_error(m, "out of memory");
	m->board = s;
	s->m = m;
	s->xlen = 64;
	prog = spike_program(m);
	if (prog) {
		if (machine_elf_symbols(m, prog, names, v, 2) < 0)
			return -1;
		s->tohost = v[0];
		s->fromhost = v[1];
	}
	if (s->tohost) {
		if (s->tohost < m->ram_base || s->tohost + 8 > ram_end || (s->tohost & 7) ||
		    (s->fromhost &&
		     (s->fromhost < m->ram_base || s->fromhost + 8 > ram_end || (s->fromhost & 7))))
			return machine_error(m,
					     "%s: tohost/fromhost (0x%" PRIx64 "/0x%" PRIx64
					     ") must be aligned words in RAM",
					     prog, s->tohost, s->fromhost);
		s->page[npages++] = s->tohost & ~0xfffull;
		if (s->fromhost && (s->fromhost & ~0xfffull) != s->page[0])
			s->page[npages++] = s->fromhost & ~0xfffull;
		if (npages == 2 && s->page[1] < s->page[0]) {
			uint64_t t = s->page[0];
			s->page[0] = s->page[1];
			s->page[1] = t;
		}
	} else if (prog) {
		fprintf(stderr, "morph: spike: %s has no tohost symbol: no HTIF\n", prog);
	}
	/* RAM around the HTIF page(s) */
	for (unsigned i = 0; i <= npages; i++) {
		uint64_t end = i < npages ? s->page[i] : ram_end;
		int r;

		if (end > at) {
			r = bus_map_ram(m->bus, at, end - at, m->ram + (at - m->ram_base), 0,
					"ram");
			if (r < 0)
				return machine_error(m, "cannot map RAM: %s", strerror(-r));
		}
		if (i < npages) {
			struct spike_page *p = calloc(1, sizeof(*p));

			if (!p || bus_add_cleanup(m->bus, spike_free_page, p) < 0) {
				free(p);
				return machine_error(m, "out of memory");
			}
			p->s = s;
			p->base = s->page[i];
			r = bus_map_io(m->bus, p->base, 0x1000, &spike_page_ops, p, "htif");
			if (r < 0)
				return machine_error(m, "cannot map HTIF: %s", strerror(-r));
			at = p->base + 0x1000;
		}
	}
	return 0;
}

static int spike_init(struct machine *m)
{
	struct spike *s = m->board;
	struct irq_line msip[MACHINE_MAX_HARTS], mtip[MACHINE_MAX_HARTS];
	struct aclint_mtimer_config mtcfg;
	struct dev_clock mtclock;

	if (machine_console_open(m) < 0)
		return -1;
	if (s->tohost)
		chardev_set_frontend(m->console, spike_can_receive, spike_receive, s);
	for (unsigned h = 0; h < m->nharts; h++) {
		msip[h] = sys_hart_irq(&m->harts[h], 3);
		mtip[h] = sys_hart_irq(&m->harts[h], 7);
	}
	sys_mtimer_config(m, &mtcfg, &mtclock);
	if (clint_new(&s->clint, m->bus, SPIKE_CLINT, m->nharts, msip, mtip, &mtcfg) < 0)
		return machine_error(m, "CLINT: cannot create it");
	sys_hart_set_timer(m, s->clint.mtimer);
	return 0;
}

static int spike_load(struct machine *m)
{
	struct spike *s = m->board;
	const struct machine_opts *o = m->opts;
	struct machine_image img;

	if (o->bios && strcmp(o->bios, "none")) {
		int elf = machine_file_is_elf(m, "firmware", o->bios);

		if (elf < 0)
			return -1;
		if (elf ? machine_load_elf(m, o->bios, &img, NULL, NULL, 0)
			: machine_load_raw(m, o->bios, m->ram_base, m->ram_size, &img))
			return -1;
		if (elf && img.elf_class == 1)
			s->xlen = 32;
		m->fw_start = img.start;
		m->fw_end = img.end;
		m->entry = img.entry;
	}
	if (o->kernel) {
		int elf = machine_file_is_elf(m, "kernel", o->kernel);

		if (elf < 0)
			return -1;
		if (elf) {
			if (machine_load_elf(m, o->kernel, &img, NULL, NULL, 0) < 0)
				return -1;
			if (!m->fw_end && img.elf_class == 1)
				s->xlen = 32;
			m->kernel_start = img.start;
			m->kernel_end = img.end;
			m->kernel_entry = img.entry;
		} else if (machine_load_kernel(m, o->kernel, m->fw_end ? m->fw_end : m->ram_base,
					       s->xlen) < 0) {
			return -1;
		}
		if (m->fw_end && m->kernel_start < m->fw_end && m->kernel_end > m->fw_start)
			return machine_error(m, "kernel %s overlaps the firmware", o->kernel);
		if (!m->fw_end)
			m->entry = m->kernel_entry;
	}
	if (!m->fw_end && !m->kernel_end)
		return machine_error(m, "nothing to run: give --kernel PROGRAM (an ELF file)");
	/* the program's ELF class sets the harts' width (before the device tree describes them) */
	for (unsigned i = 0; i < m->nharts; i++)
		sys_hart_set_xlen(&m->harts[i], s->xlen);
	if (o->initrd && machine_load_initrd(m, o->initrd) < 0)
		return -1;
	return 0;
}

static int spike_fdt(struct machine *m)
{
	struct spike *s = m->board;
	uint32_t intc[MACHINE_MAX_HARTS], phandle = 1;
	char isa[256];
	int soc, htif;

	FDT_TRY(machine_fdt_begin(m, "ucb,spike-bare-dev", "ucb,spike-bare,morph"));
	sys_hart_isa(&m->harts[0], isa, sizeof(isa));
	FDT_TRY(machine_fdt_cpus(m, isa, s->xlen == 32 ? "riscv,sv32" : "riscv,sv48",
				 ACLINT_DEFAULT_FREQ_HZ, intc, &phandle));
	FDT_TRY(machine_fdt_memory(m));
	soc = fdt_add_subnode(m->fdt, 0, "soc");
	FDT_TRY(soc);
	FDT_TRY(fdt_setprop_u32(m->fdt, soc, "#address-cells", 2));
	FDT_TRY(fdt_setprop_u32(m->fdt, soc, "#size-cells", 2));
	FDT_TRY(fdt_setprop_string(m->fdt, soc, "compatible", "simple-bus"));
	FDT_TRY(fdt_setprop(m->fdt, soc, "ranges", NULL, 0));
	FDT_TRY(dev_fdt_clint(m->fdt, soc, SPIKE_CLINT, intc, m->nharts));
	htif = fdt_add_subnode(m->fdt, 0, "htif");
	FDT_TRY(htif);
	FDT_TRY(fdt_setprop_string(m->fdt, htif, "compatible", "ucb,htif0"));
	FDT_TRY(machine_fdt_chosen(m, s->tohost ? "/htif" : NULL));
	return machine_fdt_finish(m);
}

static int spike_finish(struct machine *m)
{
	struct spike *s = m->board;

	if (m->fw_end)
		return rv_boot_rom(m, s->xlen, m->entry, m->kernel_end ? m->kernel_entry : 0,
				   FW_DYNAMIC_NEXT_MODE_S);
	return rv_boot_rom(m, s->xlen, m->entry, 0, FW_DYNAMIC_NEXT_MODE_M);
}

static void spike_hart_reset(struct machine *m, struct machine_hart *h)
{
	sys_hart_set_start(h, m->mc->rom_base, 0, 0, 0);
}

static void spike_reset(struct machine *m)
{
	struct spike *s = m->board;

	s->getc_pending = false;
	s->in_len = 0;
}

static void spike_fini(struct machine *m)
{
	free(m->board);
	m->board = NULL;
}

const struct machine_class machine_spike = {
    .name = "spike",
    .desc = "Spike-compatible board for bare-metal programs: CLINT, HTIF (tohost/fromhost)",
    .arch = "riscv64",
    .ram_base = SPIKE_DRAM,
    .default_ram_size = 128ull << 20,
    .max_harts = 8,
    .rom_base = 0x1000,
    .rom_size = 0xf000,
    .map_ram = spike_map_ram,
    .init = spike_init,
    .load = spike_load,
    .fdt = spike_fdt,
    .finish = spike_finish,
    .hart_reset = spike_hart_reset,
    .reset = spike_reset,
    .fini = spike_fini,
};
