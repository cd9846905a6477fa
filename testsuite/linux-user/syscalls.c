/*
 * Assorted system calls whose results are checked rather than printed raw: uname, ids,
 * clocks and sleeping, getrandom, resource limits, prctl thread names, CPU affinity,
 * /proc/self access, error returns (errno values from the kernel's negative returns).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

int main(void)
{
	struct utsname u;
	struct timespec t0, t1, res, req = { 0, 20 * 1000 * 1000 };
	struct timeval tv;
	struct rlimit rl;
	unsigned char rnd[64];
	char name[32] = { 0 };
	cpu_set_t cpus;
	time_t now;
	ssize_t n;
	int fd, nonzero = 0;
	void *volatile bad_ptr = (void *)8;

	/* uname reports the guest machine, not the host's. */
	uname(&u);
	printf("uname sysname %s machine %s\n", u.sysname, u.machine);

	printf("getpid == gettid in the main thread: %d\n", getpid() == (pid_t)syscall(SYS_gettid));
	printf("getppid > 0: %d\n", getppid() > 0);
	printf("getuid == geteuid: %d, getgid == getegid: %d\n", getuid() == geteuid(),
	       getgid() == getegid());

	clock_gettime(CLOCK_MONOTONIC, &t0);
	nanosleep(&req, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("nanosleep(20ms) took >= 20ms: %d, < 5s: %d\n", ts_diff(&t0, &t1) >= 0.02,
	       ts_diff(&t0, &t1) < 5);
	clock_getres(CLOCK_MONOTONIC, &res);
	printf("monotonic resolution <= 1ms: %d\n", res.tv_sec == 0 && res.tv_nsec <= 1000000);
	clock_gettime(CLOCK_REALTIME, &t0);
	gettimeofday(&tv, NULL);
	now = time(NULL);
	printf("realtime after 2020: %d, gettimeofday/time agree: %d\n", t0.tv_sec > 1577836800,
	       labs((long)(tv.tv_sec - now)) <= 1 && labs((long)(t0.tv_sec - now)) <= 1);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	printf("process cpu time readable: %d\n", t1.tv_sec >= 0);

	n = getrandom(rnd, sizeof(rnd), 0);
	for (int i = 0; i < (int)sizeof(rnd); i++)
		nonzero += rnd[i] != 0;
	printf("getrandom: %zd bytes, mostly nonzero: %d\n", n, nonzero > 32);

	getrlimit(RLIMIT_STACK, &rl);
	printf("stack limit >= 1 MiB or unlimited: %d\n",
	       rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= (1 << 20));
	getrlimit(RLIMIT_NOFILE, &rl);
	printf("nofile limit >= 64: %d\n", rl.rlim_cur >= 64);

	prctl(PR_SET_NAME, "morph-test", 0, 0, 0);
	prctl(PR_GET_NAME, name, 0, 0, 0);
	printf("prctl name: %s\n", name);

	CPU_ZERO(&cpus);
	printf("sched_getaffinity: %d, cpus >= 1: %d\n", sched_getaffinity(0, sizeof(cpus), &cpus),
	       CPU_COUNT(&cpus) >= 1);

	fd = open("/proc/self/stat", O_RDONLY);
	if (fd >= 0) {
		char buf[512] = { 0 };
		long pid = 0;

		read(fd, buf, sizeof(buf) - 1);
		close(fd);
		pid = strtol(buf, NULL, 10);
		printf("/proc/self/stat pid matches: %d\n", pid == getpid());
	} else {
		printf("/proc/self/stat: %s\n", strerror(errno));
	}

	/* Errors come back as -1 with errno set from the kernel's negative return. */
	errno = 0;
	printf("close(-1): %s\n", close(-1) == -1 && errno == EBADF ? "EBADF" : "?");
	errno = 0;
	printf("open missing: %s\n",
	       open("/nonexistent/x", O_RDONLY) == -1 && errno == ENOENT ? "ENOENT" : "?");
	errno = 0;
	printf("unknown syscall 999: %s\n", syscall(999) == -1 && errno == ENOSYS ? "ENOSYS" : "?");
	errno = 0;
	printf("write from a bad pointer: %s\n",
	       write(1, bad_ptr, 10) == -1 && errno == EFAULT ? "EFAULT" : "?");
	return 0;
}
