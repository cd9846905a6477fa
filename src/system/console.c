/*
 * The machine's console: the terminal backend (devices/char-stdio.c: raw mode
 * on a tty with QEMU's Ctrl-A escapes, plain pass-through otherwise) plus
 * what keeps the terminal usable whatever happens to morph:
 *  - Ctrl-A x quits the machine cleanly (disks flushed, terminal restored);
 *  - SIGTERM, SIGINT, SIGHUP and SIGQUIT do the same: they are blocked in
 *    every thread and taken by a sigwait() thread, which asks the machine to
 *    stop (exit status 128 + the signal's number);
 *  - a crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) restores the terminal
 *    from an async-signal-safe handler and then dies of the same signal;
 *  - a normal exit restores it through the backend's close (and its atexit).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "morph/machine.h"
#include "src/system/system.h"

static struct termios console_saved_tio;
static volatile sig_atomic_t console_saved; /* console_saved_tio holds stdin's modes */

static pthread_t console_sig_thread;
static bool console_sig_started;
static struct machine *volatile console_machine;
static pthread_mutex_t console_lock = PTHREAD_MUTEX_INITIALIZER;

static const int console_stop_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
static const int console_fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

static void console_fatal(int sig)
{
	/* tcsetattr() is async-signal-safe; SA_RESETHAND made the action default again */
	if (console_saved)
		tcsetattr(0, TCSANOW, &console_saved_tio);
	raise(sig);
}

static void *console_sig_main(void *arg)
{
	sigset_t set;

	(void)arg;
	pthread_setname_np(pthread_self(), "signals");
	sigemptyset(&set);
	for (unsigned i = 0; i < sizeof(console_stop_signals) / sizeof(int); i++)
		sigaddset(&set, console_stop_signals[i]);
	for (;;) {
		int sig;

		if (sigwait(&set, &sig) != 0)
			continue;
		pthread_mutex_lock(&console_lock);
		if (console_machine) {
			fprintf(stderr, "%smorph: terminating on signal %d (%s)\n",
				console_saved ? "\r\n" : "", sig, strsignal(sig));
			machine_request_stop(console_machine, MACHINE_QUIT, 128 + sig);
		}
		pthread_mutex_unlock(&console_lock);
	}
	return NULL;
}

/* Ctrl-A x (bus lock held). */
static void console_quit(void *opaque)
{
	machine_request_stop(opaque, MACHINE_QUIT, 0);
}

int machine_console_open(struct machine *m)
{
	struct chardev_stdio_opts so = {
	    .quit = console_quit,
	    .quit_opaque = m,
	};
	sigset_t set;

	if (so.in_fd == 0 && isatty(0) && tcgetattr(0, &console_saved_tio) == 0)
		console_saved = 1;
	for (unsigned i = 0; i < sizeof(console_fatal_signals) / sizeof(int); i++) {
		struct sigaction sa, old;

		/* leave handlers others installed (the exec core's fault handling) alone */
		if (sigaction(console_fatal_signals[i], NULL, &old) < 0 ||
		    old.sa_handler != SIG_DFL || (old.sa_flags & SA_SIGINFO))
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = console_fatal;
		sa.sa_flags = SA_RESETHAND | SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		sigaction(console_fatal_signals[i], &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN); /* a closed stdout must not kill the machine mid-write */

	/* stop signals: blocked here (inherited by every thread started later), taken by one */
	sigemptyset(&set);
	for (unsigned i = 0; i < sizeof(console_stop_signals) / sizeof(int); i++)
		sigaddset(&set, console_stop_signals[i]);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_mutex_lock(&console_lock);
	console_machine = m;
	pthread_mutex_unlock(&console_lock);
	if (!console_sig_started) {
		if (pthread_create(&console_sig_thread, NULL, console_sig_main, NULL) == 0)
			console_sig_started = true;
	}

	m->console = chardev_stdio_new(m->loop, &so);
	if (!m->console)
		return machine_error(m, "cannot open the console: %s", strerror(errno));
	return 0;
}

void machine_console_close(struct machine *m)
{
	pthread_mutex_lock(&console_lock);
	if (console_machine == m)
		console_machine = NULL;
	pthread_mutex_unlock(&console_lock);
	if (m->console) {
		chardev_close(m->console); /* restores the terminal */
		m->console = NULL;
	}
	if (console_saved) {
		tcsetattr(0, TCSANOW, &console_saved_tio);
		console_saved = 0;
	}
}
