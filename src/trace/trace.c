/*
 * Trace options and output (docs/tracing.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/exec.h"
#include "morph/trace.h"
#include "src/trace/trace-internal.h"

unsigned trace_kinds;
FILE *trace_out;
struct trace_window trace_win;

static const struct {
	const char *name;
	unsigned bit;
} trace_names[] = {
	{"in_asm", TRACE_IN_ASM}, {"ir", TRACE_IR}, {"out_asm", TRACE_OUT_ASM},
	{"exec", TRACE_EXEC}, {"insn", TRACE_INSN}, {"int", TRACE_INT},
	{"mmu", TRACE_MMU}, {"syscall", TRACE_SYSCALL},
};

int trace_parse_list(const char *list, unsigned *bits)
{
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");
		bool found = false;
		for (size_t k = 0; k < sizeof(trace_names) / sizeof(trace_names[0]); k++) {
			if (strlen(trace_names[k].name) == n && !strncmp(p, trace_names[k].name, n)) {
				*bits |= trace_names[k].bit;
				found = true;
			}
		}
		if (!found && n == 3 && !strncmp(p, "all", 3)) {
			*bits |= ~0u;
			found = true;
		}
		if (!found) {
			fprintf(stderr, "morph: unknown trace kind '%.*s' (kinds: in_asm ir out_asm "
					"exec insn int mmu syscall all)\n", (int)n, p);
			return -1;
		}
		p += n + (p[n] == ',');
	}
	return 0;
}

int trace_open(const struct exec_options *opts)
{
	trace_kinds = opts->trace;
	trace_win.start = opts->trace_start;
	trace_win.end = opts->trace_end;
	trace_win.after = opts->trace_after;
	trace_win.count = opts->trace_count;
	trace_out = stderr;
	if (trace_kinds && opts->trace_file) {
		trace_out = fopen(opts->trace_file, "w");
		if (!trace_out) {
			int e = errno;
			fprintf(stderr, "morph: cannot write trace file %s: %s\n", opts->trace_file,
				strerror(e));
			trace_out = stderr;
			return -e;
		}
		/* Large buffer: the insn trace writes a lot. */
		setvbuf(trace_out, NULL, _IOFBF, 1 << 20);
	}
	return 0;
}

bool trace_pc_wanted(uint64_t pc)
{
	return trace_win.end == 0 || (pc >= trace_win.start && pc < trace_win.end);
}

bool trace_count_wanted(uint64_t icount)
{
	if (icount < trace_win.after)
		return false;
	return trace_win.count == 0 || icount - trace_win.after < trace_win.count;
}

void trace_printf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	/* stdio locks the stream per call: one fwrite is one unbroken record. */
	fwrite(buf, 1, (size_t)n, trace_out);
}

void trace_exception(struct cpu *cpu, const char *what, uint64_t cause, uint64_t tval, char from,
		     char to, uint64_t pc, uint64_t target)
{
	if (!trace_on(TRACE_INT))
		return;
	trace_insn_flush(cpu, what);
	trace_printf("X %d %s cause=0x%" PRIx64 " tval=0x%" PRIx64 " %c->%c pc=0x%" PRIx64
		     " target=0x%" PRIx64 "\n",
		     cpu->cpu_index, what, cause, tval, from, to, pc, target);
}

void trace_close(void)
{
	if (trace_out && trace_out != stderr)
		fflush(trace_out);
}
