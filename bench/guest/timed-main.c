/*
 * A timing wrapper for the benchmark kernels, for bench/system.py: the kernel's main() is
 * compiled as bench_kernel_main (-Dmain=bench_kernel_main) and linked with this main, which
 * reads the clock around it. The same static binary then measures the same interval under
 * `morph run`, qemu-riscv64, and inside a booted guest (morph system, qemu-system-riscv64),
 * where the time of the emulator's start-up, the boot or a fork/exec must not count.
 *
 * usage: PROG [ARGS...]    runs the kernel with ARGS, then prints
 *        "bench-time SECONDS" (CLOCK_MONOTONIC, nanosecond resolution) after its output
 */
#include <stdio.h>
#include <time.h>

int bench_kernel_main(int argc, char **argv);

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	double t0 = bench_now();
	int rc = bench_kernel_main(argc, argv);
	double t1;

	/* The kernel's output belongs to the measured work, as in a plain run. */
	fflush(stdout);
	t1 = bench_now();
	printf("bench-time %.6f\n", t1 - t0);
	return rc;
}
