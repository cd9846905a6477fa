/*
 * ELF32/ELF64 parsing, validation and segment loading (either byte order).
 * See include/morph/elf-loader.h. The checks follow what Linux's
 * fs/binfmt_elf.c refuses (and a few it does not, where loading would go
 * wrong silently): System V gABI "ELF Header" and "Program Header" chapters.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "morph/elf-loader.h"

#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ELFDATA2MSB 2

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static uint16_t rd16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t rd32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t rd64(const uint8_t *p, bool be)
{
	uint64_t hi = rd32(p + (be ? 0 : 4), be), lo = rd32(p + (be ? 4 : 0), be);

	return hi << 32 | lo;
}

/*
 * A field of a header whose ELF32 and ELF64 forms differ: its offset and size
 * in each class (gABI "ELF Header" and "Program Header").
 */
struct elf_field {
	uint8_t off32, size32, off64, size64;
};

static const struct elf_field EH_ENTRY = { 24, 4, 24, 8 }, EH_PHOFF = { 28, 4, 32, 8 },
	EH_FLAGS = { 36, 4, 48, 4 }, EH_PHENTSIZE = { 42, 2, 54, 2 }, EH_PHNUM = { 44, 2, 56, 2 };
static const struct elf_field PH_OFFSET = { 4, 4, 8, 8 }, PH_VADDR = { 8, 4, 16, 8 },
	PH_PADDR = { 12, 4, 24, 8 }, PH_FILESZ = { 16, 4, 32, 8 }, PH_MEMSZ = { 20, 4, 40, 8 },
	PH_FLAGS = { 24, 4, 4, 4 }, PH_ALIGN = { 28, 4, 48, 8 };

static uint64_t rd_field(const uint8_t *h, const struct elf_field *f, bool is64, bool be)
{
	const uint8_t *p = h + (is64 ? f->off64 : f->off32);

	switch (is64 ? f->size64 : f->size32) {
	case 2:
		return rd16(p, be);
	case 4:
		return rd32(p, be);
	default:
		return rd64(p, be);
	}
}

bool elf_is_elf(const void *buf, size_t len)
{
	return len >= 4 && memcmp(buf, "\177ELF", 4) == 0;
}

/* pread all of @len or fail: a short read means the file is truncated. */
static int pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENOEXEC;
		done += (size_t)n;
	}
	return 0;
}

static bool add_overflows(uint64_t a, uint64_t b, uint64_t *sum)
{
	return __builtin_add_overflow(a, b, sum);
}

static int parse_phdrs(struct elf_file *ef, char *err, size_t errlen)
{
	bool is64 = ef->elf_class == ELFCLASS64, be = ef->big_endian;
	size_t tabsz = (size_t)ef->phnum * ef->phentsize;
	uint8_t *tab;
	uint64_t end;
	bool have_load = false, have_stack = false;
	int ret;

	if (ef->phnum == 0 || ef->phnum > ELF_MAX_PHDRS) {
		seterr(err, errlen, "bad program header count %u", ef->phnum);
		return -ENOEXEC;
	}
	if (add_overflows(ef->phoff, tabsz, &end) || end > ef->file_size) {
		seterr(err, errlen, "program headers lie beyond the end of the file (truncated?)");
		return -ENOEXEC;
	}
	tab = malloc(tabsz);
	ef->phdrs = calloc(ef->phnum, sizeof(*ef->phdrs));
	if (!tab || !ef->phdrs) {
		free(tab);
		seterr(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = pread_full(ef->fd, tab, tabsz, ef->phoff);
	if (ret < 0) {
		free(tab);
		seterr(err, errlen, "cannot read program headers");
		return ret;
	}

	ef->min_vaddr = UINT64_MAX;
	ef->max_vaddr = 0;
	ef->exec_stack = true;
	for (unsigned i = 0; i < ef->phnum; i++) {
		const uint8_t *p = tab + (size_t)i * ef->phentsize;
		struct elf_phdr *ph = &ef->phdrs[i];
		uint64_t fend, mend;

		ph->type = rd32(p, be);
		ph->flags = (uint32_t)rd_field(p, &PH_FLAGS, is64, be);
		ph->offset = rd_field(p, &PH_OFFSET, is64, be);
		ph->vaddr = rd_field(p, &PH_VADDR, is64, be);
		ph->paddr = rd_field(p, &PH_PADDR, is64, be);
		ph->filesz = rd_field(p, &PH_FILESZ, is64, be);
		ph->memsz = rd_field(p, &PH_MEMSZ, is64, be);
		ph->align = rd_field(p, &PH_ALIGN, is64, be);
		if (ph->type == ELF_PT_GNU_STACK) {
			have_stack = true;
			ef->exec_stack = (ph->flags & ELF_PF_X) != 0;
		}
		if (ph->type != ELF_PT_LOAD && ph->type != ELF_PT_INTERP)
			continue;
		if (add_overflows(ph->offset, ph->filesz, &fend) || fend > ef->file_size) {
			seterr(err, errlen, "segment %u lies beyond the end of the file (truncated?)",
			       i);
			free(tab);
			return -ENOEXEC;
		}
		if (ph->type == ELF_PT_INTERP) {
			if (ef->interp) {
				seterr(err, errlen, "more than one PT_INTERP");
				free(tab);
				return -ENOEXEC;
			}
			if (ph->filesz < 2 || ph->filesz > ELF_MAX_INTERP) {
				seterr(err, errlen, "bad PT_INTERP size %llu",
				       (unsigned long long)ph->filesz);
				free(tab);
				return -ENOEXEC;
			}
			ef->interp = malloc(ph->filesz);
			if (!ef->interp) {
				free(tab);
				return -ENOMEM;
			}
			ret = pread_full(ef->fd, ef->interp, ph->filesz, ph->offset);
			if (ret < 0 || ef->interp[ph->filesz - 1] != '\0' ||
			    strlen(ef->interp) == 0) {
				seterr(err, errlen, "PT_INTERP is not a terminated path");
				free(tab);
				return -ENOEXEC;
			}
			continue;
		}
		/* PT_LOAD */
		if (ph->filesz > ph->memsz) {
			seterr(err, errlen, "segment %u: file size larger than memory size", i);
			free(tab);
			return -ENOEXEC;
		}
		if (add_overflows(ph->vaddr, ph->memsz, &mend) ||
		    (!is64 && mend > UINT32_MAX + 1ull)) {
			seterr(err, errlen, "segment %u: address range overflows", i);
			free(tab);
			return -ENOEXEC;
		}
		if (ph->memsz == 0)
			continue;
		have_load = true;
		if (ph->vaddr < ef->min_vaddr)
			ef->min_vaddr = ph->vaddr;
		if (mend > ef->max_vaddr)
			ef->max_vaddr = mend;
	}
	free(tab);
	(void)have_stack;
	if (!have_load) {
		seterr(err, errlen, "no loadable segment");
		return -ENOEXEC;
	}
	return 0;
}

int elf_open_fd(struct elf_file *ef, int fd, char *err, size_t errlen)
{
	uint8_t h[64];
	struct stat st;
	bool is64, be;
	int ret;

	memset(ef, 0, sizeof(*ef));
	ef->fd = fd;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		seterr(err, errlen, "%s", strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		seterr(err, errlen, "is a directory");
		ret = -EISDIR;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		seterr(err, errlen, "not a regular file");
		ret = -EACCES;
		goto fail;
	}
	ef->file_size = (uint64_t)st.st_size;
	if (ef->file_size < 4 || pread_full(fd, h, 4, 0) < 0 || !elf_is_elf(h, 4)) {
		seterr(err, errlen, "not an ELF file");
		ret = -ENOEXEC;
		goto fail;
	}
	if (ef->file_size < 52 || pread_full(fd, h, ef->file_size < 64 ? 52 : 64, 0) < 0) {
		seterr(err, errlen, "truncated ELF header");
		ret = -ENOEXEC;
		goto fail;
	}
	if (h[EI_CLASS] != ELFCLASS32 && h[EI_CLASS] != ELFCLASS64) {
		seterr(err, errlen, "bad ELF class %u", h[EI_CLASS]);
		ret = -ENOEXEC;
		goto fail;
	}
	if (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB) {
		seterr(err, errlen, "bad ELF byte order %u", h[EI_DATA]);
		ret = -ENOEXEC;
		goto fail;
	}
	if (h[EI_VERSION] != 1) {
		seterr(err, errlen, "bad ELF version %u", h[EI_VERSION]);
		ret = -ENOEXEC;
		goto fail;
	}
	is64 = h[EI_CLASS] == ELFCLASS64;
	be = h[EI_DATA] == ELFDATA2MSB;
	if (is64 && ef->file_size < 64) {
		seterr(err, errlen, "truncated ELF header");
		ret = -ENOEXEC;
		goto fail;
	}
	ef->elf_class = h[EI_CLASS];
	ef->big_endian = be;
	ef->type = rd16(h + 16, be);
	ef->machine = rd16(h + 18, be);
	if (rd32(h + 20, be) != 1) {
		seterr(err, errlen, "bad ELF version");
		ret = -ENOEXEC;
		goto fail;
	}
	ef->entry = rd_field(h, &EH_ENTRY, is64, be);
	ef->phoff = rd_field(h, &EH_PHOFF, is64, be);
	ef->eflags = (uint32_t)rd_field(h, &EH_FLAGS, is64, be);
	ef->phentsize = (uint16_t)rd_field(h, &EH_PHENTSIZE, is64, be);
	ef->phnum = (uint16_t)rd_field(h, &EH_PHNUM, is64, be);
	if (ef->type != ELF_ET_EXEC && ef->type != ELF_ET_DYN) {
		seterr(err, errlen, "not an executable (ELF type %u)", ef->type);
		ret = -ENOEXEC;
		goto fail;
	}
	if (ef->phentsize != (is64 ? 56 : 32)) {
		seterr(err, errlen, "bad program header entry size %u", ef->phentsize);
		ret = -ENOEXEC;
		goto fail;
	}
	ret = parse_phdrs(ef, err, errlen);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	elf_close(ef);
	return ret;
}

int elf_open(struct elf_file *ef, const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;
		memset(ef, 0, sizeof(*ef));
		ef->fd = -1;
		seterr(err, errlen, "%s", strerror(e));
		return -e;
	}
	return elf_open_fd(ef, fd, err, errlen);
}

void elf_close(struct elf_file *ef)
{
	if (ef->fd >= 0)
		close(ef->fd);
	ef->fd = -1;
	free(ef->phdrs);
	free(ef->interp);
	ef->phdrs = NULL;
	ef->interp = NULL;
}

static uint32_t seg_prot(const struct elf_phdr *ph)
{
	return ph->flags & (ELF_PF_R | ELF_PF_W | ELF_PF_X);
}

/* Copy file bytes into already mapped, writable memory (unaligned segments). */
static int copy_from_file(const struct elf_file *ef, const struct elf_mapper *m, uint64_t addr,
			  uint64_t off, uint64_t len)
{
	char buf[65536];

	while (len) {
		size_t n = len < sizeof(buf) ? (size_t)len : sizeof(buf);
		int ret = pread_full(ef->fd, buf, n, off);
		if (ret < 0)
			return ret;
		ret = m->copy(m->opaque, addr, buf, n);
		if (ret < 0)
			return ret;
		addr += n;
		off += n;
		len -= n;
	}
	return 0;
}

static int load_segment(const struct elf_file *ef, const struct elf_phdr *ph, uint64_t bias,
			const struct elf_mapper *m)
{
	uint64_t pg = m->page_size, mask = pg - 1;
	uint64_t start = ph->vaddr + bias;
	uint64_t page_start = start & ~mask;
	uint64_t file_end = start + ph->filesz;          /* end of file-backed bytes */
	uint64_t file_page_end = (file_end + mask) & ~mask;
	uint64_t mem_end = start + ph->memsz;
	uint64_t mem_page_end = (mem_end + mask) & ~mask;
	uint32_t prot = seg_prot(ph), tmp_prot = prot;
	bool congruent = ((ph->vaddr ^ ph->offset) & mask) == 0;
	int ret;

	/* The tail of the last file page is cleared below: it must be writable. */
	if (ph->memsz > ph->filesz && (file_end & mask))
		tmp_prot |= ELF_PF_W;
	if (ph->filesz) {
		if (congruent) {
			ret = m->map_file(m->opaque, page_start, file_page_end - page_start,
					  tmp_prot, ef->fd, ph->offset - (start - page_start));
			if (ret < 0)
				return ret;
		} else {
			/* Not mappable (offset and address disagree mod page): copy it. */
			ret = m->map_anon(m->opaque, page_start, file_page_end - page_start,
					  tmp_prot | ELF_PF_W);
			if (ret < 0)
				return ret;
			ret = copy_from_file(ef, m, start, ph->offset, ph->filesz);
			if (ret < 0)
				return ret;
			tmp_prot |= ELF_PF_W;
		}
	} else {
		file_page_end = page_start;
	}
	if (ph->memsz > ph->filesz && ph->filesz && (file_end & mask)) {
		/* bss starts inside the last file page: clear the rest of that page */
		ret = m->zero(m->opaque, file_end, file_page_end - file_end);
		if (ret < 0)
			return ret;
	}
	if (tmp_prot != prot && file_page_end > page_start) {
		ret = m->protect(m->opaque, page_start, file_page_end - page_start, prot);
		if (ret < 0)
			return ret;
	}
	if (mem_page_end > file_page_end) {
		ret = m->map_anon(m->opaque, file_page_end, mem_page_end - file_page_end, prot);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int elf_load(const struct elf_file *ef, uint64_t base, const struct elf_mapper *m,
	     struct elf_loaded *out, char *err, size_t errlen)
{
	uint64_t mask = m->page_size - 1;
	uint64_t lo = ef->min_vaddr & ~mask;
	uint64_t hi = (ef->max_vaddr + mask) & ~mask;
	uint64_t at, bias;
	int ret;

	memset(out, 0, sizeof(*out));
	if (hi <= lo) {
		seterr(err, errlen, "empty or wrapping load range");
		return -ENOEXEC;
	}
	if (ef->type == ELF_ET_EXEC)
		at = m->place(m->opaque, lo, hi - lo, true);
	else
		at = m->place(m->opaque, base + lo, hi - lo, false);
	if (elf_map_failed(at)) {
		seterr(err, errlen, "no room for the image at 0x%llx (%llu bytes)",
		       (unsigned long long)lo, (unsigned long long)(hi - lo));
		return -(int)(-at);
	}
	bias = at - lo;

	out->bias = bias;
	out->entry = ef->entry + bias;
	out->start = at;
	out->end = 0;
	for (unsigned i = 0; i < ef->phnum; i++) {
		const struct elf_phdr *ph = &ef->phdrs[i];

		if (ph->type != ELF_PT_LOAD || ph->memsz == 0)
			continue;
		ret = load_segment(ef, ph, bias, m);
		if (ret < 0) {
			seterr(err, errlen, "cannot map segment %u at 0x%llx: %s", i,
			       (unsigned long long)(ph->vaddr + bias), strerror(-ret));
			return ret;
		}
		if (ph->vaddr + bias + ph->memsz > out->end)
			out->end = ph->vaddr + bias + ph->memsz;
		/* AT_PHDR: the program headers inside this segment's file image */
		if (!out->phdr && ef->phoff >= ph->offset &&
		    ef->phoff + (uint64_t)ef->phnum * ef->phentsize <= ph->offset + ph->filesz)
			out->phdr = ph->vaddr + (ef->phoff - ph->offset) + bias;
	}
	for (unsigned i = 0; i < ef->phnum; i++)
		if (ef->phdrs[i].type == ELF_PT_PHDR)
			out->phdr = ef->phdrs[i].vaddr + bias;
	return 0;
}
