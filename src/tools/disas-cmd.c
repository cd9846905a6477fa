/*
 * `morph disas`: disassemble a guest ELF's executable sections, or raw
 * instruction words given in hex, with the frontend's disassembler.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "morph/frontend.h"
#include "morph/tools.h"

static void disas_usage(FILE *f)
{
	fprintf(f, "usage: morph disas [--arch NAME] FILE\n"
		   "       morph disas --arch NAME --hex WORD [WORD...]\n"
		   "Disassembles the executable sections of a guest ELF file, or instruction\n"
		   "words given in hex (a 16-bit word for a compressed instruction).\n");
}

static void print_range(const struct morph_arch *arch, const uint8_t *code, size_t len,
			uint64_t addr)
{
	char text[128];
	size_t off = 0;

	while (off < len) {
		unsigned n = arch->disas(text, sizeof(text), addr + off, code + off, len - off, 0);
		if (n == 0)
			break;
		printf("%10" PRIx64 ":\t", addr + off);
		for (unsigned i = 0; i < 4; i++) {
			/* the word as the ISA writes it: bytes in the guest's order */
			if (i < n)
				printf("%02x", code[off + (arch->big_endian ? i : n - 1 - i)]);
			else
				printf("  ");
		}
		printf("\t%s\n", text);
		off += n;
	}
}

static int disas_hex(const struct morph_arch *arch, int n, char **words)
{
	for (int i = 0; i < n; i++) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(words[i], &end, 16);
		if (errno || *end || v > 0xffffffffu) {
			fprintf(stderr, "morph disas: '%s' is not a hex instruction word\n", words[i]);
			return 2;
		}
		uint8_t b[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff};
		size_t len = strlen(words[i]) <= 4 ? 2 : 4;
		if (arch->big_endian) {
			uint8_t t[4] = {b[3], b[2], b[1], b[0]};
			memcpy(b, t, 4);
		}
		print_range(arch, b, len, 0);
	}
	return 0;
}

/* An ELF field of @n bytes at @p in the file's byte order */
static uint64_t rd(const uint8_t *p, unsigned n, bool be)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * (be ? n - 1 - i : i));
	return v;
}

static int disas_elf(const struct morph_arch *forced, const char *path)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	int ret = 1;

	if (fd < 0) {
		fprintf(stderr, "morph disas: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof(Elf32_Ehdr)) {
		fprintf(stderr, "morph disas: %s: not an ELF file\n", path);
		close(fd);
		return 1;
	}
	size_t size = (size_t)st.st_size;
	uint8_t *img = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (img == MAP_FAILED) {
		fprintf(stderr, "morph disas: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (memcmp(img, ELFMAG, SELFMAG) != 0) {
		fprintf(stderr, "morph disas: %s: not an ELF file\n", path);
		goto out;
	}
	/* ELF32 and ELF64, either byte order: header fields read by offset */
	bool is64 = img[EI_CLASS] == ELFCLASS64;
	bool be = img[EI_DATA] == ELFDATA2MSB;
	if (size < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr))) {
		fprintf(stderr, "morph disas: %s: truncated ELF header\n", path);
		goto out;
	}
	uint16_t machine = (uint16_t)rd(img + 18, 2, be);
	const struct morph_arch *arch = forced ? forced
		: arch_for_elf(machine, img[EI_CLASS], be);
	if (!arch) {
		fprintf(stderr, "morph disas: %s: no guest ISA for ELF machine %u\n", path, machine);
		goto out;
	}
	uint64_t shoff = is64 ? rd(img + 40, 8, be) : rd(img + 32, 4, be);
	unsigned shnum = (unsigned)rd(img + (is64 ? 60 : 48), 2, be);
	unsigned shentsize = is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	unsigned shstrndx = (unsigned)rd(img + (is64 ? 62 : 50), 2, be);
	if (shoff > size || (uint64_t)shnum * shentsize > size - shoff || shstrndx >= shnum) {
		fprintf(stderr, "morph disas: %s: corrupt section headers\n", path);
		goto out;
	}
	/* Elf{32,64}_Shdr field offsets: name, type, flags, addr, offset, size */
	const unsigned w = is64 ? 8 : 4, o_flags = 8, o_addr = 8 + w, o_off = 8 + 2 * w,
		       o_size = 8 + 3 * w;
	for (unsigned i = 0; i < shnum; i++) {
		const uint8_t *sh = img + shoff + (size_t)i * shentsize;
		uint64_t flags = rd(sh + o_flags, w, be), addr = rd(sh + o_addr, w, be);
		uint64_t off = rd(sh + o_off, w, be), len = rd(sh + o_size, w, be);
		uint32_t type = (uint32_t)rd(sh + 4, 4, be), name = (uint32_t)rd(sh, 4, be);
		if (type != SHT_PROGBITS || !(flags & SHF_EXECINSTR))
			continue;
		if (off > size || len > size - off) {
			fprintf(stderr, "morph disas: %s: section %u lies outside the file\n", path, i);
			goto out;
		}
		const uint8_t *strsh = img + shoff + (size_t)shstrndx * shentsize;
		uint64_t stroff = rd(strsh + o_off, w, be);
		const char *sname = "?";
		if (stroff < size && name < size - stroff)
			sname = (const char *)img + stroff + name;
		printf("\nsection %.64s:\n", memchr(sname, 0, size - (size_t)(sname - (char *)img))
				? sname : "?");
		print_range(arch, img + off, len, addr);
	}
	ret = 0;
out:
	munmap(img, size);
	return ret;
}

int tool_cmd_disas(int argc, char **argv)
{
	static const struct option opts[] = {
		{"arch", required_argument, NULL, 'a'},
		{"hex", no_argument, NULL, 'x'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const struct morph_arch *arch = NULL;
	bool hex = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+a:xh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			arch = arch_find(optarg);
			if (!arch) {
				fprintf(stderr, "morph disas: unknown architecture '%s'\n", optarg);
				return 2;
			}
			break;
		case 'x':
			hex = true;
			break;
		case 'h':
			disas_usage(stdout);
			return 0;
		default:
			disas_usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		disas_usage(stderr);
		return 2;
	}
	if (hex) {
		if (!arch) {
			fprintf(stderr, "morph disas: --hex needs --arch\n");
			return 2;
		}
		if (arch->init)
			arch->init();
		return disas_hex(arch, argc - optind, argv + optind);
	}
	if (arch && arch->init)
		arch->init();
	return disas_elf(arch, argv[optind]);
}
