/*
 * `morph run [options] PROGRAM [ARGS...]`: option parsing, choosing the
 * guest architecture from the ELF header, setting up the process (guest
 * space, exec core, signals) and running its first thread.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "morph/elf-loader.h"
#include "morph/exec.h"
#include "morph/gdbstub.h"
#include "morph/trace.h"
#include "src/linux-user/lx.h"

extern char **environ;

struct lx_process lx = {
	.thread_lock = PTHREAD_MUTEX_INITIALIZER,
	.sig_lock = PTHREAD_MUTEX_INITIALIZER,
	.rng_lock = PTHREAD_MUTEX_INITIALIZER,
};

void lx_error(const char *fmt, ...)
{
	va_list ap;

	fputs("morph: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: morph run [options] PROGRAM [ARGS...]\n"
		"\n"
		"Run a Linux guest program (RISC-V 64-bit) as a host process.\n"
		"\n"
		"options:\n"
		"  -L, --sysroot DIR   look up absolute paths (the ELF interpreter, libraries,\n"
		"                      data files) under DIR first\n"
		"  --strace            log every system call to stderr, strace style\n"
		"  --arch NAME         guest architecture (default: from the ELF header)\n"
		"  -E VAR=VALUE        set VAR in the guest's environment\n"
		"  -U VAR              remove VAR from the guest's environment\n"
		"  --argv0 NAME        argv[0] of the guest (default: PROGRAM as given)\n"
		"  --seed N            derive AT_RANDOM from N (reproducible runs)\n"
		"  -h, --help          this text\n"
		"\n"
		"execution and tracing options:\n"
		"%s"
		"\n"
		"The guest inherits the host environment, file descriptors and signal\n"
		"dispositions. Exit status: the guest's; a guest killed by a signal kills\n"
		"morph with the same signal; 126/127 when PROGRAM cannot be run or found.\n",
		exec_options_help());
}

/*
 * The executable mapping the last fetch of this thread found, while the
 * mappings are unchanged (gs.gen): translation fetches each instruction.
 */
static __thread struct {
	uint64_t lo, hi, gen;
} fetch_vma = {0, 0, ~0ull};

int lx_translator_fetch(struct cpu *cpu, uint64_t pc, void *buf, unsigned len)
{
	uint64_t gen = __atomic_load_n(&lx.gs.gen, __ATOMIC_ACQUIRE);
	struct gs_vma v;

	(void)cpu;
	if (gen != fetch_vma.gen || pc < fetch_vma.lo || pc + len > fetch_vma.hi || pc + len < pc) {
		if (!gs_check(&lx.gs, pc, len, GS_PROT_EXEC))
			return -1;
		if (gs_lookup(&lx.gs, pc, &v) && (v.prot & GS_PROT_EXEC)) {
			fetch_vma.lo = v.start;
			fetch_vma.hi = v.end;
			fetch_vma.gen = gen;
		}
	}
	memcpy(buf, g2h(pc), len);
	return 0;
}

/* GDB's view of guest memory: mapped pages only (lx_lock() checks them). */
static int lx_gdb_read(uint64_t addr, void *buf, size_t len)
{
	const void *p = lx_lock(addr, len, GS_PROT_READ);

	if (!p)
		return -1;
	memcpy(buf, p, len);
	return 0;
}

static int lx_gdb_write(uint64_t addr, const void *buf, size_t len)
{
	void *p = lx_lock(addr, len, GS_PROT_WRITE);

	if (!p)
		return -1;
	memcpy(p, buf, len);
	return 0;
}

/* The guest environment: the host's, edited by -E and -U in order. */
struct env_edit {
	const char *s;
	bool unset;
};

static char **build_env(const struct env_edit *ed, int ned)
{
	int n = 0, cap;
	char **env;

	for (char **e = environ; *e; e++)
		n++;
	cap = n + ned + 1;
	env = calloc((size_t)cap, sizeof(*env));
	if (!env)
		return NULL;
	for (int i = 0; i < n; i++)
		env[i] = environ[i];
	for (int k = 0; k < ned; k++) {
		size_t len = ed[k].unset ? strlen(ed[k].s) : strcspn(ed[k].s, "=");
		int i;
		for (i = 0; i < n; i++)
			if (!strncmp(env[i], ed[k].s, len) && env[i][len] == '=')
				break;
		if (ed[k].unset) {
			if (i < n) {
				memmove(&env[i], &env[i + 1], (size_t)(n - i) * sizeof(*env));
				n--;
			}
		} else if (i < n) {
			env[i] = (char *)ed[k].s;
		} else {
			env[n++] = (char *)ed[k].s;
			env[n] = NULL;
		}
	}
	return env;
}

static void add_reexec(const char *opt)
{
	lx.reexec_opts[lx.nreexec_opts++] = (char *)opt;
}

/* PROGRAM without a slash that is not in the current directory: search PATH, like a shell. */
static const char *find_program(const char *prog, char *buf, size_t bufsz)
{
	const char *path = getenv("PATH");

	if (strchr(prog, '/') || access(prog, F_OK) == 0 || !path)
		return prog;
	while (*path) {
		size_t n = strcspn(path, ":");
		snprintf(buf, bufsz, "%.*s%s%s", (int)n, path, n ? "/" : "", prog);
		if (access(buf, F_OK) == 0)
			return buf;
		path += n + (path[n] == ':');
	}
	return prog;
}

int lx_cmd_run(int argc, char **argv)
{
	struct exec_options opts = { 0 };
	struct lx_image_args args = { 0 };
	struct env_edit *edits;
	const char *arch_name = NULL, *argv0 = NULL, *execfn = NULL, *prog;
	char progbuf[PATH_MAX], err[256], *sysroot = NULL;
	const struct morph_arch *arch;
	struct elf_file ef;
	struct cpu *cpu;
	struct lx_thread *t;
	sigset_t hmask;
	int i, nedits = 0, r;

	edits = calloc((size_t)argc + 1, sizeof(*edits));
	lx.reexec_opts = calloc((size_t)argc + 4, sizeof(char *));
	if (!edits || !lx.reexec_opts)
		return 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--strace")) {
			lx.strace = true;
			add_reexec(a);
		} else if ((!strcmp(a, "-L") || !strcmp(a, "--sysroot")) && has_val) {
			sysroot = realpath(argv[++i], NULL);
			if (!sysroot) {
				lx_error("sysroot %s: %s", argv[i], strerror(errno));
				return 2;
			}
			add_reexec("-L");
			add_reexec(sysroot);
		} else if (!strcmp(a, "--arch") && has_val) {
			arch_name = argv[++i];
		} else if (!strcmp(a, "-E") && has_val) {
			edits[nedits].s = argv[++i];
			if (!strchr(edits[nedits].s, '=')) {
				lx_error("-E needs VAR=VALUE, not '%s'", edits[nedits].s);
				return 2;
			}
			edits[nedits++].unset = false;
		} else if (!strcmp(a, "-U") && has_val) {
			edits[nedits].s = argv[++i];
			edits[nedits++].unset = true;
		} else if (!strcmp(a, "--argv0") && has_val) {
			argv0 = argv[++i];
		} else if (!strcmp(a, "--execfn") && has_val) {
			execfn = argv[++i]; /* internal: execve of a guest by a guest */
		} else if (!strcmp(a, "--seed") && has_val) {
			char *end;
			args.seed = strtoull(argv[++i], &end, 0);
			if (*end) {
				lx_error("--seed needs a number, not '%s'", argv[i]);
				return 2;
			}
			args.have_seed = true;
			lx.seeded = true;
			lx.rng_state = args.seed ^ 0x6d6f7270686d6f72ull; /* not AT_RANDOM's stream */
			add_reexec("--seed");
			add_reexec(argv[i]);
		} else {
			int first = i, pr = exec_parse_option(argc, argv, &i, &opts);
			if (pr < 0)
				return 2;
			if (pr == 0) {
				lx_error("run: unknown option '%s' (try 'morph run --help')", a);
				return 2;
			}
			/*
			 * A guest execve keeps the engine options (traces and the
			 * debugger's connection stay with this process).
			 */
			if (strncmp(a, "--trace", 7) && strncmp(a, "--gdb", 5))
				for (int k = first; k <= i; k++)
					add_reexec(argv[k]);
		}
	}
	if (i >= argc) {
		lx_error("run: no program given (try 'morph run --help')");
		return 2;
	}
	if (opts.trace & TRACE_SYSCALL)
		lx.strace = true;
	prog = find_program(argv[i], progbuf, sizeof(progbuf));
	lx.sysroot = sysroot;

	/* the program decides the guest architecture */
	r = elf_open(&ef, prog, err, sizeof(err));
	if (r < 0) {
		lx_error("%s: %s", argv[i], err);
		return r == -ENOENT ? 127 : 126;
	}
	arch = arch_name ? arch_find(arch_name)
			 : arch_for_elf(ef.machine, ef.elf_class, ef.big_endian);
	if (!arch) {
		if (arch_name)
			lx_error("unknown architecture '%s'", arch_name);
		else
			lx_error("%s: cannot execute: unsupported architecture (ELF machine %u, "
				 "%d-bit, %s-endian)",
				 argv[i], ef.machine, ef.elf_class == 2 ? 64 : 32,
				 ef.big_endian ? "big" : "little");
		elf_close(&ef);
		return 126;
	}
	if (arch->elf_machine != ef.machine || arch->elf_class != ef.elf_class ||
	    arch->big_endian != ef.big_endian) {
		lx_error("%s: cannot execute: not a %s program", argv[i], arch->name);
		elf_close(&ef);
		return 126;
	}
	if (!arch->linux_abi) {
		lx_error("%s: no Linux user mode for %s", argv[i], arch->name);
		elf_close(&ef);
		return 126;
	}
	lx.arch = arch;
	lx.abi = arch->linux_abi;
	lx.be = arch->big_endian;
	lx.wordsz = arch->addr_bits / 8;
	lx.exe_path = realpath(prog, NULL);
	if (!lx.exe_path)
		lx.exe_path = strdup(prog);

	r = guest_space_init(&lx.gs, arch->addr_bits, lx.abi->task_size);
	if (r < 0) {
		lx_error("cannot reserve the guest address space: %s", strerror(-r));
		return 1;
	}
	/* core dumps of morph: the guest's memory, not a terabyte of reservation */
	madvise((void *)lx.gs.base, lx.gs.resv_size, MADV_DONTDUMP);

	/* Under GDB the process is debuggable from its first instruction. */
	if (opts.gdb) {
		opts.gdb_wait = true;
		gdbstub_set_user_memory(lx_gdb_read, lx_gdb_write);
	}
	r = exec_init(arch, &opts);
	if (r < 0) {
		lx_error("cannot start the execution engine: %s", strerror(-r));
		return 1;
	}
	exec_set_fetch(lx_translator_fetch);
	cpu = cpu_new();
	cpu->guest_base = lx.gs.base;
	cpu->guest_mask = lx.gs.mask;
	cpu->guest_guarded = true; /* guest_space_init() reserved the guards */

	lx_signal_init();

	args.path = argv[i];
	args.execfn = execfn ? execfn : argv[i];
	args.argv = &argv[i];
	args.argc = argc - i;
	if (argv0)
		argv[i] = (char *)argv0;
	args.envp = build_env(edits, nedits);
	if (!args.envp)
		return 1;
	r = lx_load_program(cpu, &ef, &args);
	elf_close(&ef);
	if (r)
		return r;
	free(args.envp);

	t = lx_thread_new(cpu);
	/* the signal mask survives execve: the host's is the guest's */
	pthread_sigmask(SIG_SETMASK, NULL, &hmask);
	lx_sigset_from_host(&hmask, t->blocked);
	lx_thread_signal_setup(t);
	lx_cpu_loop(t);
}
