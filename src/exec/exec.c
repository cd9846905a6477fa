/*
 * Exec core setup: choosing the backend, allocating harts, code fetch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/exec.h"
#include "src/exec/exec-internal.h"
#include "src/gdb/gdb-exec.h"
#include "src/trace/trace-internal.h"

struct exec_state exec_state = {
	.tb_lock = PTHREAD_MUTEX_INITIALIZER,
};

void ir_core_helpers_register(void);

/* Every live hart, so a flush can make all of them leave guest code. */
static struct cpu *all_cpus[4096];
static unsigned ncpus;
static pthread_mutex_t cpus_lock = PTHREAD_MUTEX_INITIALIZER;

void exec_exit_all_cpus(void)
{
	pthread_mutex_lock(&cpus_lock);
	for (unsigned i = 0; i < ncpus; i++)
		cpu_exit(all_cpus[i]);
	pthread_mutex_unlock(&cpus_lock);
}

static void cpu_list_add(struct cpu *cpu)
{
	pthread_mutex_lock(&cpus_lock);
	if (ncpus < sizeof(all_cpus) / sizeof(all_cpus[0]))
		all_cpus[ncpus++] = cpu;
	pthread_mutex_unlock(&cpus_lock);
}

static void cpu_list_remove(struct cpu *cpu)
{
	pthread_mutex_lock(&cpus_lock);
	for (unsigned i = 0; i < ncpus; i++) {
		if (all_cpus[i] == cpu) {
			all_cpus[i] = all_cpus[--ncpus];
			break;
		}
	}
	pthread_mutex_unlock(&cpus_lock);
}

/*
 * Guest fork(): the child has only the forking thread, so locks other harts
 * held must not stay held there. Translation is kept out of the way while
 * the process forks (the JIT copies its code cache then, see code-cache.c).
 */
static void exec_atfork_prepare(void)
{
	pthread_mutex_lock(&cpus_lock);
	pthread_mutex_lock(&exec_state.tb_lock);
}

static void exec_atfork_parent(void)
{
	pthread_mutex_unlock(&exec_state.tb_lock);
	pthread_mutex_unlock(&cpus_lock);
}

static void init_exec_lock(void)
{
	pthread_rwlockattr_t attr;

	/* Writers (flushes) must not starve behind harts re-entering guest code. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&exec_state.exec_lock, &attr);
	pthread_rwlockattr_destroy(&attr);
}

static void exec_atfork_child(void)
{
	pthread_mutex_init(&exec_state.tb_lock, NULL);
	pthread_mutex_init(&cpus_lock, NULL);
	init_exec_lock();
	/* Only the forking thread's hart lives on. */
	ncpus = 0;
	if (current_cpu)
		all_cpus[ncpus++] = current_cpu;
}

static int default_fetch(struct cpu *cpu, uint64_t pc, void *buf, unsigned len)
{
	memcpy(buf, (void *)(cpu->guest_base + (pc & cpu->guest_mask)), len);
	return 0;
}

int exec_init(const struct morph_arch *arch, const struct exec_options *opts)
{
	static bool atfork_done;
	int err;

	exec_state.arch = arch;
	exec_state.opts = *opts;
	exec_state.be = &backend_interp;
#ifdef MORPH_HAVE_X86_64_JIT
	if (!opts->interp)
		exec_state.be = &backend_x86_64;
#endif
	if (!exec_state.fetch)
		exec_state.fetch = default_fetch;
	init_exec_lock();

	interp_frame_base = (uint32_t)((arch->cpu_size + 63) & ~(size_t)63);
	exec_state.cpu_alloc_size = interp_frame_base + 8 * IR_MAX_TEMPS;

	err = trace_open(opts);
	if (err)
		return err;
	ir_core_helpers_register();
	trace_helpers_register();
	if (opts->gdb)
		gdb_helpers_register();
	if (arch->init)
		arch->init();
	tb_cache_init();
	err = exec_state.be->init(arch);
	/* Registered after the backend's, so our prepare handler runs first. */
	if (!err && !atfork_done) {
		pthread_atfork(exec_atfork_prepare, exec_atfork_parent, exec_atfork_child);
		atfork_done = true;
	}
	/* After our fork handlers: the stub's child handler needs them to have run. */
	if (!err && opts->gdb)
		err = gdbstub_start(opts);
	return err;
}

const struct backend *exec_backend(void)
{
	return exec_state.be;
}

void exec_set_fetch(int (*fetch)(struct cpu *cpu, uint64_t pc, void *buf, unsigned len))
{
	exec_state.fetch = fetch;
}

int translator_fetch(struct cpu *cpu, uint64_t pc, void *buf, unsigned len)
{
	if (cpu->softmmu)
		return softmmu_translator_fetch(cpu, pc, buf, len);
	return exec_state.fetch(cpu, pc, buf, len);
}

void exec_enter_system_mode(void)
{
	exec_state.system_mode = true;
	/* Before any TB exists: TBs are compiled for one mode. */
	if (!exec_state.be->softmmu)
		exec_state.be = &backend_interp;
}

struct cpu *cpu_new(void)
{
	struct cpu *cpu = aligned_alloc(64, (exec_state.cpu_alloc_size + 63) & ~(size_t)63);

	if (!cpu) {
		fprintf(stderr, "morph: out of memory for a hart\n");
		abort();
	}
	memset(cpu, 0, exec_state.cpu_alloc_size);
	tb_jmp_cache_clear(cpu);
	cpu->arch = exec_state.arch;
	cpu->guest_mask = ~0ull;
	if (exec_state.arch->cpu_reset)
		exec_state.arch->cpu_reset(cpu);
	cpu->tb_flush_epoch = exec_state.flush_epoch;
	cpu_list_add(cpu);
	if (gdb_enabled)
		gdb_cpu_added(cpu);
	return cpu;
}

struct cpu *cpu_clone(const struct cpu *src)
{
	struct cpu *cpu = cpu_new();

	/* Architectural state: everything of the frontend's structure. */
	memcpy(cpu, src, exec_state.arch->cpu_size);
	tb_jmp_cache_clear(cpu);
	cpu->exit_request = 0;
	cpu->in_guest_code = false;
	cpu->exception = EXCP_NONE;
	return cpu;
}

void cpu_free(struct cpu *cpu)
{
	if (cpu->softmmu)
		softmmu_detach(cpu);
	if (gdb_enabled)
		gdb_cpu_removed(cpu);
	cpu_list_remove(cpu);
	free(cpu);
}
