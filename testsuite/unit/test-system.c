/*
 * System-mode building blocks without running a guest: size parsing, the
 * RISC-V boot ROM (disassembled with the frontend's own disassembler), kernel,
 * initrd and device-tree placement in RAM, and the generic device-tree nodes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libfdt.h>

#include "morph/frontend.h"
#include "morph/machine.h"
#include "src/system/system.h"

#define MiB (1ull << 20)

/* A machine with a bus, RAM at 0x80000000 and a ROM at 0x1000, nothing else. */
static const struct machine_class t_class = {
    .name = "test",
    .arch = "riscv64",
    .ram_base = 0x80000000ull,
    .rom_base = 0x1000,
    .rom_size = 0x1000,
};

struct tmach {
	struct machine m;
	struct machine_opts o;
};

static struct machine *tmach_new(uint64_t ram_size)
{
	struct tmach *t = calloc(1, sizeof(*t));

	ck_assert_ptr_nonnull(t);
	t->m.mc = &t_class;
	t->m.opts = &t->o;
	t->m.ram_base = t_class.ram_base;
	t->m.ram_size = ram_size;
	t->m.nharts = 2;
	t->m.bus = bus_new();
	t->m.ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(t->m.ram, MAP_FAILED);
	ck_assert_int_eq(bus_map_ram(t->m.bus, t->m.ram_base, ram_size, t->m.ram, 0, "ram"), 0);
	t->m.rom = calloc(1, t_class.rom_size);
	ck_assert_int_eq(bus_map_ram(t->m.bus, t_class.rom_base, t_class.rom_size, t->m.rom,
				     BUS_RAM_READONLY, "rom"),
			 0);
	return &t->m;
}

static void tmach_free(struct machine *m)
{
	bus_free(m->bus);
	munmap(m->ram, m->ram_size);
	free(m->rom);
	free(m->fdt);
	free(m);
}

/* A temporary file with @len bytes of @data, then @pad zero bytes. */
static char *tmp_file(const void *data, size_t len, size_t pad)
{
	char *path = strdup("/tmp/morph-test-system.XXXXXX");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	if (pad)
		ck_assert_int_eq(ftruncate(fd, (off_t)(len + pad)), 0);
	close(fd);
	return path;
}

/* A RISC-V Linux Image header (boot-image-header.rst) claiming @image_size bytes. */
static char *tmp_image(uint64_t image_size, size_t file_size)
{
	uint8_t h[64] = {0};

	memcpy(h + 16, &image_size, 8);
	memcpy(h + 48, "RISCV\0\0\0", 8);
	memcpy(h + 56, "RSC\x05", 4);
	return tmp_file(h, sizeof(h), file_size - sizeof(h));
}

START_TEST(parse_size)
{
	ck_assert_uint_eq(sys_parse_size("512M"), 512 * MiB);
	ck_assert_uint_eq(sys_parse_size("512m"), 512 * MiB);
	ck_assert_uint_eq(sys_parse_size("2G"), 2048 * MiB);
	ck_assert_uint_eq(sys_parse_size("2GiB"), 2048 * MiB);
	ck_assert_uint_eq(sys_parse_size("256"), 256 * MiB); /* a plain number: MiB */
	ck_assert_uint_eq(sys_parse_size("1048576K"), 1024 * MiB);
	ck_assert_uint_eq(sys_parse_size("4096B"), 4096);
	ck_assert_uint_eq(sys_parse_size("0x100M"), 256 * MiB);
	ck_assert_uint_eq(sys_parse_size("12Q"), 0);
	ck_assert_uint_eq(sys_parse_size("1.5G"), 0);
	ck_assert_uint_eq(sys_parse_size(""), 0);
	ck_assert_uint_eq(sys_parse_size("-1"), 0);
	ck_assert_uint_eq(sys_parse_size("99999999999999999999G"), 0);
	ck_assert_uint_eq(sys_parse_size("20000000000T"), 0); /* overflows 64 bits */
}
END_TEST

static uint64_t rd_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void check_rom(unsigned xlen)
{
	static const char *const want64[] = {
	    "auipc t0,0x0", "addi a2,t0,40", "csrrs a0,mhartid,zero",
	    "ld a1,32(t0)", "ld t0,24(t0)",  "jalr zero,0(t0)",
	};
	const struct morph_arch *arch = arch_find("riscv64");
	struct machine *m = tmach_new(16 * MiB);
	unsigned w = xlen / 8;
	char buf[128];

	ck_assert_ptr_nonnull(arch);
	m->fdt_addr = 0x80e00000;
	ck_assert_int_eq(rv_boot_rom(m, xlen, 0x80000000, 0x80200000, FW_DYNAMIC_NEXT_MODE_S), 0);
	for (unsigned i = 0; i < 6; i++) {
		const char *want = want64[i];
		char w32[32];

		ck_assert_uint_eq(
		    arch->disas(buf, sizeof(buf), 0x1000 + 4 * i, m->rom + 4 * i, 4, 0), 4);
		if (xlen == 32 && !strncmp(want, "ld ", 3)) {
			snprintf(w32, sizeof(w32), "lw %s", want + 3);
			want = w32;
		}
		ck_assert_str_eq(buf, want);
	}
	/* the words the code loads, then OpenSBI's struct fw_dynamic_info */
	ck_assert_uint_eq(rd_le(m->rom + 0x18, 8), 0x80000000);
	ck_assert_uint_eq(rd_le(m->rom + 0x20, 8), 0x80e00000);
	ck_assert_uint_eq(rd_le(m->rom + 0x28, w), 0x4942534f); /* "OSBI" */
	ck_assert_uint_eq(rd_le(m->rom + 0x28 + w, w), 2);
	ck_assert_uint_eq(rd_le(m->rom + 0x28 + 2 * w, w), 0x80200000);
	ck_assert_uint_eq(rd_le(m->rom + 0x28 + 3 * w, w), FW_DYNAMIC_NEXT_MODE_S);
	ck_assert_uint_eq(rd_le(m->rom + 0x28 + 4 * w, w), 0);
	ck_assert_uint_eq(rd_le(m->rom + 0x28 + 5 * w, w), 0);
	tmach_free(m);
}

START_TEST(boot_rom_rv64)
{
	check_rom(64);
}
END_TEST

START_TEST(boot_rom_rv32)
{
	check_rom(32);
}
END_TEST

START_TEST(kernel_and_initrd_placement)
{
	struct machine *m = tmach_new(64 * MiB);
	char *kernel = tmp_image(8 * MiB, 4 * MiB), *initrd;
	uint8_t data[100];

	/* after a firmware ending at 0x80041000: the next 2 MiB boundary */
	ck_assert_int_eq(machine_load_kernel(m, kernel, 0x80041000, 64), 0);
	ck_assert_uint_eq(m->kernel_start, 0x80200000);
	ck_assert_uint_eq(m->kernel_entry, 0x80200000);
	ck_assert_uint_eq(m->kernel_end, 0x80200000 + 8 * MiB); /* image_size, bss included */
	ck_assert_mem_eq(m->ram + 0x200000 + 56, "RSC\x05", 4);
	/* RV32 kernels want 4 MiB alignment */
	ck_assert_int_eq(machine_load_kernel(m, kernel, 0x80041000, 32), 0);
	ck_assert_uint_eq(m->kernel_start, 0x80400000);
	ck_assert_int_eq(machine_load_kernel(m, kernel, 0x80041000, 64), 0);

	/* initrd: half of a small RAM above the kernel */
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	initrd = tmp_file(data, sizeof(data), 0);
	ck_assert_int_eq(machine_load_initrd(m, initrd), 0);
	ck_assert_uint_eq(m->initrd_start, 0x80200000 + 32 * MiB);
	ck_assert_uint_eq(m->initrd_end, m->initrd_start + sizeof(data));
	ck_assert_mem_eq(m->ram + (m->initrd_start - m->ram_base), data, sizeof(data));

	/* the device tree at the top, 2 MiB aligned, above everything */
	ck_assert_int_eq(machine_fdt_begin(m, "riscv-virtio", "test"), 0);
	ck_assert_int_eq(machine_fdt_finish(m), 0);
	ck_assert_int_eq(machine_fdt_place(m), 0);
	ck_assert_uint_eq(m->fdt_addr, 0x80000000 + 62 * MiB);
	ck_assert_int_eq(fdt_check_header(m->ram + (m->fdt_addr - m->ram_base)), 0);

	unlink(kernel);
	unlink(initrd);
	free(kernel);
	free(initrd);
	tmach_free(m);
}
END_TEST

START_TEST(too_large)
{
	struct machine *m = tmach_new(16 * MiB);
	char *kernel = tmp_image(15 * MiB, 4096);
	char *big = tmp_file("x", 1, 15 * MiB);

	/* 15 MiB with its bss does not fit above 0x80200000 in 16 MiB */
	ck_assert_int_eq(machine_load_kernel(m, kernel, 0x80041000, 64), -1);
	ck_assert_ptr_nonnull(strstr(m->err, "does not fit in RAM"));
	/* nothing was written */
	ck_assert_uint_eq(m->ram[0x200000], 0);
	/* at the start of RAM (--bios none) it fits */
	ck_assert_int_eq(machine_load_kernel(m, kernel, 0x80000000, 64), 0);

	/* an initrd that leaves no room for the device tree */
	m->kernel_start = 0x80000000;
	m->kernel_end = 0x80100000;
	ck_assert_int_eq(machine_load_initrd(m, big), -1);
	ck_assert_ptr_nonnull(strstr(m->err, "does not fit"));

	ck_assert_int_eq(machine_load_kernel(m, "/nonexistent/Image", 0x80000000, 64), -1);
	ck_assert_ptr_nonnull(strstr(m->err, "kernel /nonexistent/Image"));
	unlink(kernel);
	unlink(big);
	free(kernel);
	free(big);
	tmach_free(m);
}
END_TEST

START_TEST(raw_outside_ram)
{
	struct machine *m = tmach_new(16 * MiB);
	char *f = tmp_file("abcd", 4, 0);
	struct machine_image img;

	ck_assert_int_eq(machine_load_raw(m, f, 0x80000000 + 16 * MiB - 2, 100, &img), -1);
	ck_assert_int_eq(machine_load_raw(m, f, 0x70000000, 100, &img), -1);
	ck_assert_int_eq(machine_load_raw(m, f, 0x80000000 + 16 * MiB - 4, 100, &img), 0);
	ck_assert_mem_eq(m->ram + 16 * MiB - 4, "abcd", 4);
	ck_assert_uint_eq(img.end, 0x80000000 + 16 * MiB);
	unlink(f);
	free(f);
	tmach_free(m);
}
END_TEST

START_TEST(fdt_generic_nodes)
{
	struct machine *m = tmach_new(64 * MiB);
	struct machine_opts *o = (struct machine_opts *)m->opts;
	uint32_t intc[2], next = 1;
	const void *p;
	int node, len;

	o->append = "console=ttyS0 quiet";
	o->have_seed = true;
	o->seed = 42;
	m->initrd_start = 0x82000000;
	m->initrd_end = 0x82100000;
	ck_assert_int_eq(machine_fdt_begin(m, "riscv-virtio", "riscv-virtio,morph"), 0);
	ck_assert_int_eq(
	    machine_fdt_cpus(m, "rv64imac_zicsr_zba", "riscv,sv39", 10000000, intc, &next), 0);
	ck_assert_int_eq(machine_fdt_memory(m), 0);
	ck_assert_int_eq(machine_fdt_chosen(m, "/soc/serial@10000000"), 0);
	ck_assert_int_eq(machine_fdt_finish(m), 0);

	node = fdt_path_offset(m->fdt, "/cpus/cpu@1/interrupt-controller");
	ck_assert_int_ge(node, 0);
	ck_assert_uint_eq(fdt_get_phandle(m->fdt, node), intc[1]);
	ck_assert_uint_ne(intc[0], intc[1]);
	node = fdt_path_offset(m->fdt, "/cpus/cpu@0");
	ck_assert_int_ge(node, 0);
	p = fdt_getprop(m->fdt, node, "riscv,isa-extensions", &len);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(len, (int)sizeof("i\0m\0a\0c\0zicsr\0zba"));
	ck_assert_mem_eq(p, "i\0m\0a\0c\0zicsr\0zba", (size_t)len);
	ck_assert_str_eq(fdt_getprop(m->fdt, node, "riscv,isa-base", NULL), "rv64i");
	ck_assert_str_eq(fdt_getprop(m->fdt, node, "mmu-type", NULL), "riscv,sv39");
	/* cpu-map points at the cpus */
	node = fdt_path_offset(m->fdt, "/cpus/cpu-map/cluster0/core1");
	ck_assert_int_ge(node, 0);
	ck_assert_int_eq(
	    fdt_node_offset_by_phandle(
		m->fdt, fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(m->fdt, node, "cpu", NULL))),
	    fdt_path_offset(m->fdt, "/cpus/cpu@1"));
	/* /memory and /chosen */
	node = fdt_path_offset(m->fdt, "/memory@80000000");
	ck_assert_int_ge(node, 0);
	p = fdt_getprop(m->fdt, node, "reg", &len);
	ck_assert_int_eq(len, 16);
	ck_assert_uint_eq(fdt32_to_cpu(((const fdt32_t *)p)[3]), 64 * MiB);
	node = fdt_path_offset(m->fdt, "/chosen");
	ck_assert_str_eq(fdt_getprop(m->fdt, node, "bootargs", NULL), "console=ttyS0 quiet");
	ck_assert_str_eq(fdt_getprop(m->fdt, node, "stdout-path", NULL), "/soc/serial@10000000");
	p = fdt_getprop(m->fdt, node, "linux,initrd-end", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt64_to_cpu(*(const fdt64_t *)p), 0x82100000);
	p = fdt_getprop(m->fdt, node, "rng-seed", &len);
	ck_assert_int_eq(len, 32);
	tmach_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("system");
	TCase *tc = tcase_create("system");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, parse_size);
	tcase_add_test(tc, boot_rom_rv64);
	tcase_add_test(tc, boot_rom_rv32);
	tcase_add_test(tc, kernel_and_initrd_placement);
	tcase_add_test(tc, too_large);
	tcase_add_test(tc, raw_outside_ram);
	tcase_add_test(tc, fdt_generic_nodes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
