/*
 * Guest time. By default the host's clocks; under --icount every clock the
 * guest can read advances with the instructions it retires (1 ns each: a
 * 1 GHz hart), from a fixed epoch, so runs repeat exactly.
 */
#include <time.h>

#include "morph/exec.h"
#include "src/exec/exec-internal.h"

/* 2024-01-01T00:00:00Z: the wall clock of an --icount run at its first instruction */
#define ICOUNT_EPOCH_NS 1704067200000000000ll

int64_t exec_clock_ns(struct cpu *cpu, int clock)
{
	struct timespec ts;

	if (exec_state.opts.icount) {
		int64_t ns = cpu ? (int64_t)cpu->icount : 0;
		return clock == CLOCK_REALTIME ? ICOUNT_EPOCH_NS + ns : ns;
	}
	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

bool exec_icount_enabled(void)
{
	return exec_state.opts.icount;
}
