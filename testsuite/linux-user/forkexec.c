/*
 * Processes: fork with copy-on-write memory, pipes between parent and child, waitpid exit
 * statuses (normal exit, death by signal, WNOHANG), vfork, SIGCHLD, and execve of
 * /proc/self/exe with arguments, environment and redirected stdin/stdout.
 *
 * Run with no argument for the parent; "child ARG" is the mode the exec'd copy runs in.
 * Note: qemu-user without binfmt_misc cannot execve a guest binary, so the expected output
 * of this test is written by hand (what Linux on RISC-V prints).
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static int global_value = 1;
static volatile sig_atomic_t sigchld_seen;

static void on_sigchld(int sig)
{
	(void)sig;
	sigchld_seen = 1;
}

/* The exec'd copy: report argv and environment, upper-case stdin to stdout, exit 7. */
static int child_main(int argc, char **argv)
{
	char buf[256];
	size_t n;

	printf("child: argc %d, arg [%s], env [%s]\n", argc, argc > 2 ? argv[2] : "",
	       getenv("MORPH_CHILD_ENV") ?: "(unset)");
	printf("child: inherited env var [%s]\n", getenv("MORPH_PARENT_ONLY") ?: "(unset)");
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)toupper((unsigned char)buf[i]);
		fwrite(buf, 1, n, stdout);
	}
	return 7;
}

static void describe(const char *what, int status)
{
	if (WIFEXITED(status))
		printf("%s: exited with %d\n", what, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("%s: killed by signal %d (%s)\n", what, WTERMSIG(status),
		       WTERMSIG(status) == SIGTERM ? "SIGTERM" : WTERMSIG(status) == SIGKILL ?
		       "SIGKILL" : "other");
	else
		printf("%s: status %#x\n", what, status);
}

static void test_fork_pipe(void)
{
	int p[2], status;
	pid_t pid, parent = getpid();
	char buf[128] = { 0 };
	ssize_t n;

	pipe(p);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char msg[128];
		int len;

		close(p[0]);
		/* The child writes its own copy of the global. */
		global_value = 99;
		len = snprintf(msg, sizeof(msg), "child sees ppid ok %d, own pid differs %d, global %d",
			       getppid() == parent, getpid() != parent, global_value);
		write(p[1], msg, len);
		_exit(3);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	printf("from child (%zd bytes): %s\n", n, buf);
	printf("waitpid returns the child: %d\n", waitpid(pid, &status, 0) == pid);
	describe("child 1", status);
	printf("parent global still %d\n", global_value);
}

static void test_signal_death_and_wnohang(void)
{
	int p[2], status;
	pid_t pid;
	char c;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		kill(getpid(), SIGTERM);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	describe("child 2", status);

	/* A child blocked on a pipe is still running: WNOHANG returns 0 until it exits. */
	pipe(p);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 4 : 5);
	}
	close(p[0]);
	printf("WNOHANG while child blocks: %d\n", (int)waitpid(pid, &status, WNOHANG));
	close(p[1]);
	waitpid(pid, &status, 0);
	describe("child 3 (saw EOF)", status);
	errno = 0;
	printf("waitpid with no children left: %s\n",
	       waitpid(-1, &status, 0) == -1 && errno == ECHILD ? "ECHILD" : "?");
}

static void test_vfork(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = vfork();
	if (pid == 0)
		_exit(5);
	waitpid(pid, &status, 0);
	describe("vfork child", status);
}

static void test_exec(void)
{
	int in[2], out[2], status;
	pid_t pid;
	char buf[512];
	size_t len = 0;
	ssize_t n;
	static const char text[] = "some text for the child\nsecond line\n";

	pipe(in);
	pipe(out);
	setenv("MORPH_PARENT_ONLY", "not-passed", 1);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *args[] = { "forkexec-child", "child", "hello-arg", NULL };
		char *env[] = { "MORPH_CHILD_ENV=passed", NULL };

		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execve("/proc/self/exe", args, env);
		dprintf(1, "execve failed: %s\n", strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	write(in[1], text, sizeof(text) - 1);
	close(in[1]);
	while (len < sizeof(buf) - 1 && (n = read(out[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	close(out[0]);
	printf("exec'd child wrote:\n%s", buf);
	waitpid(pid, &status, 0);
	describe("exec'd child", status);

	/* execve of a missing file fails in the caller with ENOENT. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *args[] = { "nothing", NULL };

		execve("/nonexistent/morph-test", args, args + 1);
		_exit(errno == ENOENT ? 20 : 21);
	}
	waitpid(pid, &status, 0);
	describe("execve of a missing file", status);
}

int main(int argc, char **argv)
{
	struct sigaction sa;

	if (argc > 1 && !strcmp(argv[1], "child"))
		return child_main(argc, argv);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);

	test_fork_pipe();
	test_signal_death_and_wnohang();
	test_vfork();
	test_exec();
	printf("SIGCHLD seen: %d\n", (int)sigchld_seen);
	return 0;
}
