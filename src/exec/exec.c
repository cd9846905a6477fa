/*
 * Exec core setup: choosing the backend, allocating harts, code fetch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/exec.h"
#include "src/exec/exec-internal.h"

struct exec_state exec_state = {
	.tb_lock = PTHREAD_MUTEX_INITIALIZER,
};
void (*exec_trace_hook)(enum exec_trace_point where, struct cpu *cpu, struct tb *tb,
			struct ir_ctx *ctx);

void ir_core_helpers_register(void);

static int default_fetch(struct cpu *cpu, uint64_t pc, void *buf, unsigned len)
{
	memcpy(buf, (void *)(cpu->guest_base + (pc & cpu->guest_mask)), len);
	return 0;
}

int exec_init(const struct morph_arch *arch, const struct exec_options *opts)
{
	pthread_rwlockattr_t attr;

	exec_state.arch = arch;
	exec_state.opts = *opts;
	exec_state.be = &backend_interp;
#ifdef MORPH_HAVE_X86_64_JIT
	if (!opts->interp)
		exec_state.be = &backend_x86_64;
#endif
	if (!exec_state.fetch)
		exec_state.fetch = default_fetch;
	/* Writers (flushes) must not starve behind harts re-entering guest code. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&exec_state.exec_lock, &attr);
	pthread_rwlockattr_destroy(&attr);

	interp_frame_base = (uint32_t)((arch->cpu_size + 63) & ~(size_t)63);
	exec_state.cpu_alloc_size = interp_frame_base + 8 * IR_MAX_TEMPS;

	ir_core_helpers_register();
	if (arch->init)
		arch->init();
	tb_cache_init();
	return exec_state.be->init();
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
	return exec_state.fetch(cpu, pc, buf, len);
}

struct cpu *cpu_new(void)
{
	struct cpu *cpu = aligned_alloc(64, (exec_state.cpu_alloc_size + 63) & ~(size_t)63);

	if (!cpu) {
		fprintf(stderr, "morph: out of memory for a hart\n");
		abort();
	}
	memset(cpu, 0, exec_state.cpu_alloc_size);
	cpu->arch = exec_state.arch;
	cpu->guest_mask = ~0ull;
	if (exec_state.arch->cpu_reset)
		exec_state.arch->cpu_reset(cpu);
	cpu->tb_flush_epoch = exec_state.flush_epoch;
	return cpu;
}

struct cpu *cpu_clone(const struct cpu *src)
{
	struct cpu *cpu = cpu_new();

	/* Architectural state: everything of the frontend's structure. */
	memcpy(cpu, src, exec_state.arch->cpu_size);
	memset(cpu->jmp_cache, 0, sizeof(cpu->jmp_cache));
	cpu->exit_request = 0;
	cpu->in_guest_code = false;
	cpu->exception = EXCP_NONE;
	return cpu;
}

void cpu_free(struct cpu *cpu)
{
	free(cpu);
}
