/*
 * Command line options of the exec core, shared by every runner.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/exec.h"
#include "morph/trace.h"

static int parse_u64(const char *opt, const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || !*s || *end) {
		fprintf(stderr, "morph: %s needs a number, not '%s'\n", opt, s);
		return -1;
	}
	return 0;
}

int exec_parse_option(int argc, char **argv, int *i, struct exec_options *opts)
{
	const char *a = argv[*i];
	const char *val = *i + 1 < argc ? argv[*i + 1] : NULL;
	uint64_t v;

	if (!strcmp(a, "--interp")) {
		opts->interp = true;
		return 1;
	}
	if (!strcmp(a, "--icount")) {
		opts->icount = true;
		return 1;
	}
	if (!strcmp(a, "--no-chain")) {
		opts->no_chain = true;
		return 1;
	}
	if (!strcmp(a, "--no-opt")) {
		opts->no_opt = true;
		return 1;
	}
	if (!strcmp(a, "--gdb-wait")) {
		opts->gdb_wait = true;
		return 1;
	}
	/* The rest take a value. */
	if (strcmp(a, "--trace") && strcmp(a, "--trace-file") && strcmp(a, "--trace-range") &&
	    strcmp(a, "--trace-after") && strcmp(a, "--trace-count") && strcmp(a, "--max-tb-insns") &&
	    strcmp(a, "--gdb"))
		return 0;
	if (!val) {
		fprintf(stderr, "morph: %s needs a value\n", a);
		return -1;
	}
	(*i)++;
	if (!strcmp(a, "--trace"))
		return trace_parse_list(val, &opts->trace) < 0 ? -1 : 1;
	if (!strcmp(a, "--trace-file")) {
		opts->trace_file = val;
		return 1;
	}
	if (!strcmp(a, "--trace-range")) {
		char *dash = strchr(val, '-'), *end;
		if (!dash) {
			fprintf(stderr, "morph: --trace-range needs START-END, not '%s'\n", val);
			return -1;
		}
		errno = 0;
		opts->trace_start = strtoull(val, &end, 0);
		if (errno || end != dash) {
			fprintf(stderr, "morph: --trace-range: bad start in '%s'\n", val);
			return -1;
		}
		if (parse_u64("--trace-range", dash + 1, &opts->trace_end) < 0)
			return -1;
		if (opts->trace_end <= opts->trace_start) {
			fprintf(stderr, "morph: --trace-range: END must be above START\n");
			return -1;
		}
		return 1;
	}
	if (!strcmp(a, "--gdb")) {
		/* PORT, or QEMU's forms :PORT and tcp::PORT */
		const char *port = strrchr(val, ':') ? strrchr(val, ':') + 1 : val;
		if (parse_u64(a, port, &v) < 0)
			return -1;
		if (v > 65535) {
			fprintf(stderr, "morph: --gdb needs a TCP port (0-65535), not '%s'\n", val);
			return -1;
		}
		opts->gdb = true;
		opts->gdb_port = (uint16_t)v;
		return 1;
	}
	if (parse_u64(a, val, &v) < 0)
		return -1;
	if (!strcmp(a, "--trace-after"))
		opts->trace_after = v;
	else if (!strcmp(a, "--trace-count"))
		opts->trace_count = v;
	else {
		if (v == 0 || v > 512) {
			fprintf(stderr, "morph: --max-tb-insns must be 1..512\n");
			return -1;
		}
		opts->max_tb_insns = (unsigned)v;
	}
	return 1;
}

const char *exec_options_help(void)
{
	return "  --interp            use the IR interpreter instead of the JIT\n"
	       "  --icount            count instructions exactly; guest time follows them\n"
	       "  --trace LIST        trace kinds, comma separated: in_asm ir out_asm exec\n"
	       "                      insn int mmu syscall (docs/tracing.md)\n"
	       "  --trace-file FILE   write the trace to FILE (default: stderr)\n"
	       "  --trace-range A-B   trace only guest pcs in [A, B)\n"
	       "  --trace-after N     start tracing after N instructions\n"
	       "  --trace-count N     trace N instructions\n"
	       "  --no-chain          do not chain TBs (debugging)\n"
	       "  --no-opt            do not optimize the IR (debugging)\n"
	       "  --max-tb-insns N    at most N guest instructions per TB\n"
	       "  --gdb PORT          serve GDB on 127.0.0.1:PORT (0: a free port, printed);\n"
	       "                      `target remote :PORT` (docs/gdb.md)\n"
	       "  --gdb-wait          stop before the first instruction until GDB continues\n"
	       "                      (always so in `morph run`)\n";
}
