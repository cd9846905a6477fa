/*
 * Normal termination: atexit handlers run in reverse order of registration, stdio buffers
 * are flushed at exit, and main's return value becomes the exit status (runner: 42).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void first(void)
{
	printf("atexit: registered first, runs last\n");
}

static void second(void)
{
	printf("atexit: registered second, runs first\n");
}

int main(int argc, char **argv)
{
	atexit(first);
	atexit(second);
	/* Left in the stdio buffer (stdout is a pipe or file here): exit must flush it. */
	printf("buffered line, no newline flush");
	printf("\n");
	/* A direct write(2) reaches the output before the buffered lines above. */
	write(1, "unbuffered write\n", 17);
	return argc > 1 ? atoi(argv[1]) : 0;
}
