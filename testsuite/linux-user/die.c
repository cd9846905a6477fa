/*
 * Death by signal. The emulator must end the same way the guest would on Linux: killed by
 * the signal, so a shell reports 128 + signo (abort: SIGABRT -> 134, unhandled NULL store:
 * SIGSEGV -> 139, raised SIGTERM -> 143).
 *
 * Usage: die abort|segv|term
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "abort";
	int *volatile bad = (int *)16;

	printf("about to die by %s\n", how);
	fflush(stdout);
	if (!strcmp(how, "abort"))
		abort();
	if (!strcmp(how, "segv"))
		*bad = 1;
	if (!strcmp(how, "term"))
		raise(SIGTERM);
	printf("still alive\n");
	return 0;
}
