/*
 * The device tree a machine hands to its firmware (in a1, as QEMU does):
 * generic nodes (root, /cpus, /memory, /chosen) built with libfdt's
 * read-write API, --dtb FILE loading, --dump-dtb FILE writing, and its
 * placement in guest RAM. Board-specific nodes come from the boards and
 * devices/fdt-devices.c. Binding references: Linux
 * Documentation/devicetree/bindings/riscv/cpus.yaml, chosen.yaml.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfdt.h>

#include "morph/machine.h"

#define FDT_INITIAL_SIZE (64 * 1024)
#define FDT_MAX_FILE (16u << 20) /* a --dtb larger than this is not a device tree */

int machine_fdt_begin(struct machine *m, const char *compatible, const char *model)
{
	free(m->fdt);
	m->fdt_size = FDT_INITIAL_SIZE;
	m->fdt = calloc(1, m->fdt_size);
	if (!m->fdt)
		return -FDT_ERR_NOSPACE;
	FDT_TRY(fdt_create_empty_tree(m->fdt, (int)m->fdt_size));
	FDT_TRY(fdt_setprop_u32(m->fdt, 0, "#address-cells", 2));
	FDT_TRY(fdt_setprop_u32(m->fdt, 0, "#size-cells", 2));
	FDT_TRY(fdt_setprop_string(m->fdt, 0, "compatible", compatible));
	FDT_TRY(fdt_setprop_string(m->fdt, 0, "model", model));
	return 0;
}

/*
 * riscv,isa-base + riscv,isa-extensions (the current binding) from the
 * riscv,isa string "rv64imafdc_zicsr_...": single letters after the base,
 * then the multi-letter extensions separated by '_'.
 */
static int fdt_isa_extensions(void *fdt, int node, const char *isa)
{
	char base[8], list[512];
	size_t n = 0;
	const char *p;

	if (strncmp(isa, "rv32i", 5) && strncmp(isa, "rv64i", 5))
		return 0;
	snprintf(base, sizeof(base), "%.5s", isa);
	FDT_TRY(fdt_setprop_string(fdt, node, "riscv,isa-base", base));
	for (p = isa + 4; *p && *p != '_'; p++) {
		if (n + 2 > sizeof(list))
			return -FDT_ERR_NOSPACE;
		list[n++] = *p;
		list[n++] = '\0';
	}
	while (*p == '_') {
		size_t len = strcspn(++p, "_");

		if (n + len + 1 > sizeof(list))
			return -FDT_ERR_NOSPACE;
		memcpy(list + n, p, len);
		n += len;
		list[n++] = '\0';
		p += len;
	}
	return fdt_setprop(fdt, node, "riscv,isa-extensions", list, (int)n);
}

int machine_fdt_cpus(struct machine *m, const char *isa, const char *mmu_type, uint32_t timebase_hz,
		     uint32_t *intc, uint32_t *next_phandle)
{
	void *fdt = m->fdt;
	uint32_t cpu_ph[MACHINE_MAX_HARTS];
	int cpus, map, cluster;
	char name[32];

	cpus = fdt_add_subnode(fdt, 0, "cpus");
	FDT_TRY(cpus);
	FDT_TRY(fdt_setprop_u32(fdt, cpus, "#address-cells", 1));
	FDT_TRY(fdt_setprop_u32(fdt, cpus, "#size-cells", 0));
	FDT_TRY(fdt_setprop_u32(fdt, cpus, "timebase-frequency", timebase_hz));
	/* fdt_add_subnode() inserts first: add the harts in reverse to list them in order */
	for (int h = (int)m->nharts - 1; h >= 0; h--) {
		int cpu, ic;

		snprintf(name, sizeof(name), "cpu@%d", h);
		cpu = fdt_add_subnode(fdt, cpus, name);
		FDT_TRY(cpu);
		cpu_ph[h] = (*next_phandle)++;
		FDT_TRY(fdt_setprop_u32(fdt, cpu, "phandle", cpu_ph[h]));
		FDT_TRY(fdt_setprop_string(fdt, cpu, "device_type", "cpu"));
		FDT_TRY(fdt_setprop_u32(fdt, cpu, "reg", (uint32_t)h));
		FDT_TRY(fdt_setprop_string(fdt, cpu, "status", "okay"));
		FDT_TRY(fdt_setprop_string(fdt, cpu, "compatible", "riscv"));
		FDT_TRY(fdt_setprop_string(fdt, cpu, "riscv,isa", isa));
		FDT_TRY(fdt_isa_extensions(fdt, cpu, isa));
		if (mmu_type)
			FDT_TRY(fdt_setprop_string(fdt, cpu, "mmu-type", mmu_type));
		ic = fdt_add_subnode(fdt, cpu, "interrupt-controller");
		FDT_TRY(ic);
		FDT_TRY(fdt_setprop_u32(fdt, ic, "#address-cells", 0));
		FDT_TRY(fdt_setprop_u32(fdt, ic, "#interrupt-cells", 1));
		FDT_TRY(fdt_setprop(fdt, ic, "interrupt-controller", NULL, 0));
		FDT_TRY(fdt_setprop_string(fdt, ic, "compatible", "riscv,cpu-intc"));
		intc[h] = (*next_phandle)++;
		FDT_TRY(fdt_setprop_u32(fdt, ic, "phandle", intc[h]));
	}
	/* cpu-map: one cluster, one core per hart (Linux uses it for the topology) */
	cpus = fdt_path_offset(fdt, "/cpus");
	FDT_TRY(cpus);
	map = fdt_add_subnode(fdt, cpus, "cpu-map");
	FDT_TRY(map);
	cluster = fdt_add_subnode(fdt, map, "cluster0");
	FDT_TRY(cluster);
	for (int h = (int)m->nharts - 1; h >= 0; h--) {
		int core;

		snprintf(name, sizeof(name), "core%d", h);
		core = fdt_add_subnode(fdt, cluster, name);
		FDT_TRY(core);
		FDT_TRY(fdt_setprop_u32(fdt, core, "cpu", cpu_ph[h]));
	}
	return 0;
}

int machine_fdt_memory(struct machine *m)
{
	char name[40];
	fdt32_t reg[4] = {
	    cpu_to_fdt32((uint32_t)(m->ram_base >> 32)),
	    cpu_to_fdt32((uint32_t)m->ram_base),
	    cpu_to_fdt32((uint32_t)(m->ram_size >> 32)),
	    cpu_to_fdt32((uint32_t)m->ram_size),
	};
	int node;

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)m->ram_base);
	node = fdt_add_subnode(m->fdt, 0, name);
	FDT_TRY(node);
	FDT_TRY(fdt_setprop_string(m->fdt, node, "device_type", "memory"));
	return fdt_setprop(m->fdt, node, "reg", reg, sizeof(reg));
}

/* @len random bytes: splitmix64 of @seed when @seeded, else the host's getrandom(). */
static int seed_bytes(bool seeded, uint64_t seed, void *buf, size_t len)
{
	uint8_t *p = buf;
	uint64_t z = 0;

	if (!seeded)
		return getrandom(buf, len, GRND_NONBLOCK) == (ssize_t)len ? 0 : -1;
	for (size_t i = 0; i < len; i++) {
		if (i % 8 == 0) {
			seed += 0x9e3779b97f4a7c15ull;
			z = seed;
			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
			z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
			z ^= z >> 31;
		}
		p[i] = (uint8_t)(z >> (8 * (i % 8)));
	}
	return 0;
}

int machine_fdt_chosen(struct machine *m, const char *stdout_path)
{
	void *fdt = m->fdt;
	uint32_t seed[8];
	int node;

	node = fdt_path_offset(fdt, "/chosen");
	if (node == -FDT_ERR_NOTFOUND)
		node = fdt_add_subnode(fdt, 0, "chosen");
	FDT_TRY(node);
	if (m->opts->append)
		FDT_TRY(fdt_setprop_string(fdt, node, "bootargs", m->opts->append));
	if (m->initrd_end) {
		/* 64-bit cells, as QEMU writes them (Linux reads 1 or 2 cells by length) */
		FDT_TRY(fdt_setprop_u64(fdt, node, "linux,initrd-start", m->initrd_start));
		FDT_TRY(fdt_setprop_u64(fdt, node, "linux,initrd-end", m->initrd_end));
	}
	if (stdout_path)
		FDT_TRY(fdt_setprop_string(fdt, node, "stdout-path", stdout_path));
	/*
	 * rng-seed seeds Linux's entropy pool early; with --seed it is
	 * reproducible (a different stream than the virtio-rng's).
	 */
	if (seed_bytes(m->opts->have_seed, m->opts->seed ^ 0x6664742d73656564ull, seed,
		       sizeof(seed)) == 0)
		FDT_TRY(fdt_setprop(fdt, node, "rng-seed", seed, sizeof(seed)));
	return 0;
}

int machine_fdt_finish(struct machine *m)
{
	FDT_TRY(fdt_pack(m->fdt));
	m->fdt_size = fdt_totalsize(m->fdt);
	return 0;
}

static int read_file(struct machine *m, const char *path, uint8_t **buf, size_t *len, size_t max)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t done = 0;

	if (fd < 0)
		return machine_error(m, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return machine_error(m, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return machine_error(m, "%s: too large (%lld bytes)", path, (long long)st.st_size);
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		close(fd);
		return machine_error(m, "%s: out of memory", path);
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, *buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			free(*buf);
			*buf = NULL;
			return machine_error(m, "%s: read error: %s", path, strerror(e));
		}
		done += (size_t)n;
	}
	close(fd);
	*len = done;
	return 0;
}

int machine_fdt_load(struct machine *m, const char *path)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int r;

	if (read_file(m, path, &buf, &len, FDT_MAX_FILE) < 0)
		return -1;
	if (len < sizeof(struct fdt_header) || fdt_check_header(buf) != 0 ||
	    fdt_totalsize(buf) > len) {
		free(buf);
		return machine_error(m, "%s: not a flattened device tree (dtb)", path);
	}
	/* room for /chosen edits */
	free(m->fdt);
	m->fdt_size = len + FDT_INITIAL_SIZE;
	m->fdt = calloc(1, m->fdt_size);
	if (!m->fdt) {
		free(buf);
		return machine_error(m, "out of memory");
	}
	r = fdt_open_into(buf, m->fdt, (int)m->fdt_size);
	free(buf);
	if (r < 0)
		return machine_error(m, "%s: %s", path, fdt_strerror(r));
	return 0;
}

int machine_fdt_dump(struct machine *m, const char *path)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return machine_error(m, "--dump-dtb %s: %s", path, strerror(errno));
	if (fwrite(m->fdt, 1, fdt_totalsize(m->fdt), f) != fdt_totalsize(m->fdt) || fclose(f)) {
		if (f)
			fclose(f);
		return machine_error(m, "--dump-dtb %s: write error", path);
	}
	return 0;
}

int machine_fdt_place(struct machine *m)
{
	uint64_t size = fdt_totalsize(m->fdt);
	uint64_t end = m->ram_base + m->ram_size;
	uint64_t top = 0xc0000000ull; /* keep it where a 32-bit kernel can map it */
	uint64_t addr;
	void *p;

	if (m->ram_base < top && end > top)
		end = top;
	if (size + (2u << 20) > end - m->ram_base)
		return machine_error(m, "the device tree does not fit in RAM");
	addr = (end - size) & ~((2ull << 20) - 1);
	/* must not overlap what was loaded */
	if ((m->initrd_end && addr < m->initrd_end) || (m->kernel_end && addr < m->kernel_end) ||
	    (m->fw_end && addr < m->fw_end))
		return machine_error(m, "RAM too small for the images and the device tree "
					"(try a larger -m)");
	p = machine_ram_ptr(m, addr, size);
	if (!p)
		return machine_error(m, "the device tree does not fit in RAM");
	memcpy(p, m->fdt, size);
	m->fdt_addr = addr;
	return 0;
}
