/*
 * --strace: one line per syscall on stderr in strace's style,
 *   openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
 *   read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096) = 1234
 *   open("/nonexistent", O_RDONLY) = -1 ENOENT (No such file or directory)
 *
 * Argument formats (one letter per argument, in the syscall table):
 *   d int          l signed word   u unsigned word   x hex      p pointer
 *   f dirfd (AT_FDCWD)             s string           m octal mode
 *   b buffer the call reads (length in the next argument)
 *   B buffer the call writes (length = the result)
 *   o open flags   P mmap prot     M mmap flags       S signal
 *   F fcntl command                c clone flags      v string vector
 *   e environment vector (shown as a count)
 * A suffix ":x" shows the result in hex, ":o" in octal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "morph/trace.h"
#include "src/linux-user/lx.h"

#define STRACE_STRLEN 32

struct sbuf {
	char *p;
	size_t len, cap;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len >= b->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len = b->len + (size_t)n < b->cap ? b->len + (size_t)n : b->cap - 1;
}

/* A quoted, escaped string of at most STRACE_STRLEN chars from @s (@n bytes). */
static void sb_quote(struct sbuf *b, const char *s, size_t n, bool more)
{
	size_t lim = n < STRACE_STRLEN ? n : STRACE_STRLEN;

	sb_printf(b, "\"");
	for (size_t i = 0; i < lim; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '\n':
			sb_printf(b, "\\n");
			break;
		case '\t':
			sb_printf(b, "\\t");
			break;
		case '\r':
			sb_printf(b, "\\r");
			break;
		case '"':
			sb_printf(b, "\\\"");
			break;
		case '\\':
			sb_printf(b, "\\\\");
			break;
		default:
			if (c < 32 || c >= 127)
				sb_printf(b, "\\%o", c);
			else
				sb_printf(b, "%c", c);
		}
	}
	sb_printf(b, "\"%s", (more || n > lim) ? "..." : "");
}

static void sb_gstr(struct sbuf *b, uint64_t g)
{
	char s[LX_PATH_MAX];

	if (!g) {
		sb_printf(b, "NULL");
		return;
	}
	if (lx_get_str(g, s, sizeof(s)) < 0) {
		sb_printf(b, "0x%llx", (unsigned long long)g);
		return;
	}
	sb_quote(b, s, strlen(s), false);
}

static void sb_gbuf(struct sbuf *b, uint64_t g, int64_t n)
{
	const char *p;
	size_t lim;

	if (n < 0) {
		sb_printf(b, "0x%llx", (unsigned long long)g);
		return;
	}
	lim = (size_t)n < STRACE_STRLEN ? (size_t)n : STRACE_STRLEN;
	p = lx_lock(g, lim, GS_PROT_READ);
	if (!p) {
		sb_printf(b, "0x%llx", (unsigned long long)g);
		return;
	}
	sb_quote(b, p, lim, (size_t)n > lim);
}

struct flagname {
	uint32_t v;
	const char *name;
};

static void sb_flags(struct sbuf *b, uint32_t v, const struct flagname *t, const char *zero)
{
	bool first = true;

	for (; t->name; t++) {
		if (t->v && (v & t->v) == t->v) {
			sb_printf(b, "%s%s", first ? "" : "|", t->name);
			v &= ~t->v;
			first = false;
		}
	}
	if (v || first) {
		if (first && !v && zero)
			sb_printf(b, "%s", zero);
		else
			sb_printf(b, "%s0x%x", first ? "" : "|", v);
	}
}

static const struct flagname open_flags[] = {
	{ O_CREAT, "O_CREAT" },     { O_EXCL, "O_EXCL" },         { O_NOCTTY, "O_NOCTTY" },
	{ O_TRUNC, "O_TRUNC" },     { O_APPEND, "O_APPEND" },     { O_NONBLOCK, "O_NONBLOCK" },
	{ O_DSYNC, "O_DSYNC" },     { O_DIRECT, "O_DIRECT" },     { 0100000, "O_LARGEFILE" },
	{ O_DIRECTORY, "O_DIRECTORY" }, { O_NOFOLLOW, "O_NOFOLLOW" }, { O_NOATIME, "O_NOATIME" },
	{ O_CLOEXEC, "O_CLOEXEC" }, { O_PATH, "O_PATH" },         { 0, NULL },
};

static void sb_open_flags(struct sbuf *b, uint32_t gflags)
{
	int f = lx_open_flags_in(gflags);
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };

	sb_printf(b, "%s", acc[f & O_ACCMODE]);
	f &= ~O_ACCMODE;
	if (f) {
		sb_printf(b, "|");
		sb_flags(b, (uint32_t)f, open_flags, NULL);
	}
}

static const struct flagname prot_flags[] = {
	{ PROT_READ, "PROT_READ" }, { PROT_WRITE, "PROT_WRITE" }, { PROT_EXEC, "PROT_EXEC" },
	{ 0, NULL },
};

static const struct flagname map_flags[] = {
	{ MAP_SHARED_VALIDATE, "MAP_SHARED_VALIDATE" }, { MAP_SHARED, "MAP_SHARED" },
	{ MAP_PRIVATE, "MAP_PRIVATE" }, { MAP_FIXED, "MAP_FIXED" },
	{ MAP_ANONYMOUS, "MAP_ANONYMOUS" }, { MAP_GROWSDOWN, "MAP_GROWSDOWN" },
	{ MAP_DENYWRITE, "MAP_DENYWRITE" }, { MAP_NORESERVE, "MAP_NORESERVE" },
	{ MAP_POPULATE, "MAP_POPULATE" }, { MAP_STACK, "MAP_STACK" },
	{ MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE" }, { 0, NULL },
};

static const char *fcntl_name(int c)
{
	switch (c) {
	case F_DUPFD: return "F_DUPFD";
	case F_GETFD: return "F_GETFD";
	case F_SETFD: return "F_SETFD";
	case F_GETFL: return "F_GETFL";
	case F_SETFL: return "F_SETFL";
	case F_GETLK: return "F_GETLK";
	case F_SETLK: return "F_SETLK";
	case F_SETLKW: return "F_SETLKW";
	case F_DUPFD_CLOEXEC: return "F_DUPFD_CLOEXEC";
	default: return NULL;
	}
}

static void format_arg(struct sbuf *b, char f, const uint64_t *a, int i, bool after,
		       int64_t ret)
{
	uint64_t v = a[i];

	switch (f) {
	case 'd':
		sb_printf(b, "%d", (int)v);
		break;
	case 'l':
		sb_printf(b, "%lld", lx.wordsz == 4 ? (long long)(int32_t)v : (long long)v);
		break;
	case 'u':
		sb_printf(b, "%llu", (unsigned long long)v);
		break;
	case 'f':
		if ((int)v == -100)
			sb_printf(b, "AT_FDCWD");
		else
			sb_printf(b, "%d", (int)v);
		break;
	case 's':
		sb_gstr(b, v);
		break;
	case 'b':
		sb_gbuf(b, v, (int64_t)a[i + 1]);
		break;
	case 'B':
		if (after && ret >= 0)
			sb_gbuf(b, v, ret);
		else
			sb_printf(b, "0x%llx", (unsigned long long)v);
		break;
	case 'm':
		sb_printf(b, "0%llo", (unsigned long long)v);
		break;
	case 'o':
		sb_open_flags(b, (uint32_t)v);
		break;
	case 'P':
		sb_flags(b, (uint32_t)v, prot_flags, "PROT_NONE");
		break;
	case 'M':
		sb_flags(b, lx_map_bits_in(lx.abi->mmap_flags, (uint32_t)v), map_flags, NULL);
		break;
	case 'S':
		if ((int)v > 0 && (int)v <= (int)lx.abi->nsig)
			sb_printf(b, "%s", lx_signame((int)v));
		else
			sb_printf(b, "%d", (int)v);
		break;
	case 'F': {
		const char *n = fcntl_name(lx_map_val_in(lx.abi->fcntl_cmds, (int32_t)v));
		if (n)
			sb_printf(b, "%s", n);
		else
			sb_printf(b, "%d", (int)v);
		break;
	}
	case 'v': {
		uint64_t p;
		if (!v) {
			sb_printf(b, "NULL");
			break;
		}
		sb_printf(b, "[");
		for (int k = 0; k < 32; k++) {
			if (lx_get_word(v + (uint64_t)k * lx.wordsz, &p) < 0 || !p)
				break;
			if (k == 8) {
				sb_printf(b, ", ...");
				break;
			}
			sb_printf(b, "%s", k ? ", " : "");
			sb_gstr(b, p);
		}
		sb_printf(b, "]");
		break;
	}
	case 'e': {
		uint64_t p;
		int n = 0;
		if (!v) {
			sb_printf(b, "NULL");
			break;
		}
		while (n < 100000 && lx_get_word(v + (uint64_t)n * lx.wordsz, &p) == 0 && p)
			n++;
		sb_printf(b, "0x%llx /* %d vars */", (unsigned long long)v, n);
		break;
	}
	case 'p':
		if (!v)
			sb_printf(b, "NULL");
		else
			sb_printf(b, "0x%llx", (unsigned long long)v);
		break;
	case 'c':
	case 'x':
	default:
		sb_printf(b, "0x%llx", (unsigned long long)v);
		break;
	}
}

static void format_call(struct sbuf *b, const char *name, const char *fmt, unsigned nargs,
			const uint64_t *a, bool after, int64_t ret)
{
	sb_printf(b, "%s(", name);
	for (unsigned i = 0; i < nargs && i < 6; i++) {
		char f = fmt && fmt[i] && fmt[i] != ':' ? fmt[i] : 'x';
		if (fmt && (!fmt[i] || fmt[i] == ':'))
			break;
		sb_printf(b, "%s", i ? ", " : "");
		format_arg(b, f, a, (int)i, after, ret);
	}
	sb_printf(b, ")");
}

void lx_strace_enter(struct lx_thread *t, const char *name, const char *fmt, unsigned nargs,
		     const uint64_t *a, char *buf, size_t bufsz)
{
	struct sbuf b = { buf, 0, bufsz };

	(void)t;
	buf[0] = '\0';
	format_call(&b, name, fmt, nargs, a, false, 0);
}

void lx_strace_exit(struct lx_thread *t, const char *fmt, const uint64_t *a, int64_t ret,
		    char *buf, size_t bufsz)
{
	struct sbuf b = { buf, strlen(buf), bufsz };
	const char *rf = fmt ? strchr(fmt, ':') : NULL;

	(void)t;
	if (fmt && strchr(fmt, 'B')) {
		/* output buffers are shown after the call: format again */
		char name[64];
		size_t n = strcspn(buf, "(");
		snprintf(name, sizeof(name), "%.*s", (int)(n < 63 ? n : 63), buf);
		b.len = 0;
		format_call(&b, name, fmt, (unsigned)strcspn(fmt, ":"), a, true, ret);
	}
	if (ret < 0 && ret >= -4095) {
		int e = (int)-ret;
		const char *en = strerrorname_np(e);
		sb_printf(&b, " = -1 %s (%s)", en ? en : "E?", strerror(e));
	} else if (rf && rf[1] == 'x') {
		sb_printf(&b, " = 0x%llx", (unsigned long long)ret);
	} else if (rf && rf[1] == 'o') {
		sb_printf(&b, " = 0%llo", (unsigned long long)ret);
	} else {
		sb_printf(&b, " = %lld", (long long)ret);
	}
}

void lx_strace_print(struct lx_thread *t, const char *fmt, ...)
{
	char line[1200];
	va_list ap;
	int n = 0, m;

	if (lx.nthreads > 1)
		n = snprintf(line, sizeof(line), "[pid %d] ", t->tid);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	/* --trace syscall goes to the trace file with the other trace records */
	if (trace_on(TRACE_SYSCALL)) {
		trace_printf("%.*s", n, line);
		return;
	}
	/* one write: lines of different threads do not interleave */
	ssize_t r = write(2, line, (size_t)n);
	(void)r;
}
