/*
 * Device tree nodes for our devices, as QEMU's virt machine writes them
 * (Linux, OpenSBI and U-Boot match on these compatibles and properties).
 * The parent node must have #address-cells = #size-cells = 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "morph/devices.h"

/* "name@base" under @parent. */
static int fdt_node(void *fdt, int parent, const char *name, uint64_t base)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s@%llx", name, (unsigned long long)base);
	return fdt_add_subnode(fdt, parent, buf);
}

static int fdt_reg(void *fdt, int node, uint64_t base, uint64_t size)
{
	fdt32_t reg[4] = {
	    cpu_to_fdt32((uint32_t)(base >> 32)),
	    cpu_to_fdt32((uint32_t)base),
	    cpu_to_fdt32((uint32_t)(size >> 32)),
	    cpu_to_fdt32((uint32_t)size),
	};

	return fdt_setprop(fdt, node, "reg", reg, sizeof(reg));
}

/* A string list property from "a\0b\0" of @len bytes (sizeof of the literal). */
static int fdt_strings(void *fdt, int node, const char *prop, const char *list, size_t len)
{
	return fdt_setprop(fdt, node, prop, list, (int)len);
}

#define FDT_COMPAT(fdt, node, lit) fdt_strings(fdt, node, "compatible", lit, sizeof(lit))

/* interrupts = <irq>, interrupt-parent = <plic>. */
static int fdt_plic_irq(void *fdt, int node, uint32_t plic_phandle, uint32_t irq)
{
	int err = fdt_setprop_u32(fdt, node, "interrupts", irq);

	return err ? err : fdt_setprop_u32(fdt, node, "interrupt-parent", plic_phandle);
}

/* interrupts-extended = <intc[h] a intc[h] b ...> for each hart. */
static int fdt_irqs_extended(void *fdt, int node, const uint32_t *intc, unsigned nharts, uint32_t a,
			     uint32_t b)
{
	fdt32_t *cells = calloc((size_t)nharts * 4, sizeof(*cells));
	int err;

	if (!cells)
		return -FDT_ERR_NOSPACE;
	for (unsigned h = 0; h < nharts; h++) {
		cells[4 * h + 0] = cpu_to_fdt32(intc[h]);
		cells[4 * h + 1] = cpu_to_fdt32(a);
		cells[4 * h + 2] = cpu_to_fdt32(intc[h]);
		cells[4 * h + 3] = cpu_to_fdt32(b);
	}
	err = fdt_setprop(fdt, node, "interrupts-extended", cells,
			  (int)(nharts * 4 * sizeof(*cells)));
	free(cells);
	return err;
}

int dev_fdt_uart16550(void *fdt, int parent, uint64_t base, unsigned reg_shift,
		      uint32_t plic_phandle, uint32_t irq)
{
	int node = fdt_node(fdt, parent, "serial", base);

	FDT_TRY(node);
	FDT_TRY(FDT_COMPAT(fdt, node, "ns16550a"));
	FDT_TRY(fdt_reg(fdt, node, base, 0x100ull << reg_shift));
	FDT_TRY(fdt_setprop_u32(fdt, node, "clock-frequency", UART16550_CLOCK_HZ));
	if (reg_shift)
		FDT_TRY(fdt_setprop_u32(fdt, node, "reg-shift", reg_shift));
	FDT_TRY(fdt_plic_irq(fdt, node, plic_phandle, irq));
	return node;
}

int dev_fdt_clint(void *fdt, int parent, uint64_t base, const uint32_t *intc, unsigned nharts)
{
	int node = fdt_node(fdt, parent, "clint", base);

	FDT_TRY(node);
	FDT_TRY(FDT_COMPAT(fdt, node, "sifive,clint0\0riscv,clint0"));
	FDT_TRY(fdt_reg(fdt, node, base, CLINT_SIZE));
	/* per hart: machine software (3) and machine timer (7) interrupts */
	FDT_TRY(fdt_irqs_extended(fdt, node, intc, nharts, 3, 7));
	return node;
}

int dev_fdt_plic(void *fdt, int parent, uint64_t base, unsigned nsources, const uint32_t *intc,
		 unsigned nharts, uint32_t phandle)
{
	int node = fdt_node(fdt, parent, "plic", base);

	FDT_TRY(node);
	FDT_TRY(FDT_COMPAT(fdt, node, "sifive,plic-1.0.0\0riscv,plic0"));
	FDT_TRY(fdt_reg(fdt, node, base, plic_size(2 * nharts)));
	FDT_TRY(fdt_setprop_u32(fdt, node, "#address-cells", 0));
	FDT_TRY(fdt_setprop_u32(fdt, node, "#interrupt-cells", 1));
	FDT_TRY(fdt_setprop(fdt, node, "interrupt-controller", NULL, 0));
	FDT_TRY(fdt_setprop_u32(fdt, node, "riscv,ndev", nsources - 1));
	/* contexts 2h and 2h + 1: machine (11) and supervisor (9) external interrupts */
	FDT_TRY(fdt_irqs_extended(fdt, node, intc, nharts, 11, 9));
	FDT_TRY(fdt_setprop_u32(fdt, node, "phandle", phandle));
	return node;
}

int dev_fdt_goldfish_rtc(void *fdt, int parent, uint64_t base, uint32_t plic_phandle, uint32_t irq)
{
	int node = fdt_node(fdt, parent, "rtc", base);

	FDT_TRY(node);
	FDT_TRY(FDT_COMPAT(fdt, node, "google,goldfish-rtc"));
	FDT_TRY(fdt_reg(fdt, node, base, GOLDFISH_RTC_SIZE));
	FDT_TRY(fdt_plic_irq(fdt, node, plic_phandle, irq));
	return node;
}

static int fdt_syscon_action(void *fdt, const char *name, const char *compat, size_t compat_len,
			     uint32_t regmap, uint32_t value)
{
	int node = fdt_add_subnode(fdt, 0, name);

	FDT_TRY(node);
	FDT_TRY(fdt_strings(fdt, node, "compatible", compat, compat_len));
	FDT_TRY(fdt_setprop_u32(fdt, node, "regmap", regmap));
	FDT_TRY(fdt_setprop_u32(fdt, node, "offset", 0));
	FDT_TRY(fdt_setprop_u32(fdt, node, "value", value));
	return node;
}

int dev_fdt_sifive_test(void *fdt, int parent, uint64_t base, uint32_t phandle)
{
	int node = fdt_node(fdt, parent, "test", base);
	char path[256];

	FDT_TRY(node);
	FDT_TRY(FDT_COMPAT(fdt, node, "sifive,test1\0sifive,test0\0syscon"));
	FDT_TRY(fdt_reg(fdt, node, base, SIFIVE_TEST_SIZE));
	FDT_TRY(fdt_setprop_u32(fdt, node, "phandle", phandle));
	/* nodes added under the root move everything after them: find ours again by path */
	FDT_TRY(fdt_get_path(fdt, node, path, sizeof(path)));
	FDT_TRY(fdt_syscon_action(fdt, "poweroff", "syscon-poweroff", sizeof("syscon-poweroff"),
				  phandle, SIFIVE_TEST_PASS));
	FDT_TRY(fdt_syscon_action(fdt, "reboot", "syscon-reboot", sizeof("syscon-reboot"), phandle,
				  SIFIVE_TEST_RESET));
	return fdt_path_offset(fdt, path);
}

int dev_fdt_virtio_mmio(void *fdt, int parent, uint64_t base, uint32_t plic_phandle, uint32_t irq)
{
	int node = fdt_node(fdt, parent, "virtio_mmio", base);

	FDT_TRY(node);
	FDT_TRY(FDT_COMPAT(fdt, node, "virtio,mmio"));
	FDT_TRY(fdt_reg(fdt, node, base, VIRTIO_MMIO_SIZE));
	FDT_TRY(fdt_plic_irq(fdt, node, plic_phandle, irq));
	return node;
}
