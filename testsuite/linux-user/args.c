/*
 * Process start-up: argv, envp and the auxiliary vector as the loader hands them over.
 * The runner passes the arguments "one" "two words" "" "last" and MORPH_TEST_GREETING.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <elf.h>

extern char **environ;

/* argv[0] is the path the runner used: print only the program's base name, without the
 * -static / -dynamic suffix, so both builds share one expected file. */
static void print_argv0(const char *a0)
{
	const char *base = strrchr(a0, '/');
	char buf[256];
	char *dash;

	snprintf(buf, sizeof(buf), "%s", base ? base + 1 : a0);
	dash = strrchr(buf, '-');
	if (dash && (!strcmp(dash, "-static") || !strcmp(dash, "-dynamic")))
		*dash = 0;
	printf("argv[0] base: %s\n", buf);
}

int main(int argc, char **argv, char **envp)
{
	int i, n;

	printf("argc: %d\n", argc);
	print_argv0(argv[0]);
	for (i = 1; i < argc; i++)
		printf("argv[%d]: [%s] len %zu\n", i, argv[i], strlen(argv[i]));
	printf("argv[argc] is NULL: %s\n", argv[argc] == NULL ? "yes" : "no");

	/* envp follows argv's NULL on the initial stack (System V ABI, process initialisation). */
	printf("envp == &argv[argc + 1]: %s\n", envp == &argv[argc + 1] ? "yes" : "no");
	printf("environ == envp: %s\n", environ == envp ? "yes" : "no");
	printf("MORPH_TEST_GREETING=%s\n", getenv("MORPH_TEST_GREETING") ?: "(unset)");
	printf("MORPH_TEST_UNSET_VAR=%s\n", getenv("MORPH_TEST_UNSET_VAR") ?: "(unset)");
	for (n = 0; envp[n]; n++)
		if (!strchr(envp[n], '='))
			printf("malformed env entry: %s\n", envp[n]);
	printf("env entries > 0: %s\n", n > 0 ? "yes" : "no");

	setenv("MORPH_TEST_NEW", "set-at-runtime", 1);
	printf("after setenv: %s\n", getenv("MORPH_TEST_NEW"));
	unsetenv("MORPH_TEST_GREETING");
	printf("after unsetenv: %s\n", getenv("MORPH_TEST_GREETING") ?: "(unset)");

	/* The auxiliary vector entries a Linux loader must provide. */
	printf("AT_PAGESZ: %lu\n", getauxval(AT_PAGESZ));
	printf("AT_PHDR set: %s\n", getauxval(AT_PHDR) ? "yes" : "no");
	printf("AT_PHENT: %lu\n", getauxval(AT_PHENT));
	printf("AT_ENTRY set: %s\n", getauxval(AT_ENTRY) ? "yes" : "no");
	printf("AT_RANDOM set: %s\n", getauxval(AT_RANDOM) ? "yes" : "no");
	printf("AT_SECURE: %lu\n", getauxval(AT_SECURE));
	printf("AT_UID matches getuid: %s\n",
	       getauxval(AT_UID) == (unsigned long)getuid() ? "yes" : "no");
	printf("AT_EXECFN set: %s\n", getauxval(AT_EXECFN) ? "yes" : "no");
	printf("sysconf(_SC_PAGESIZE): %ld\n", sysconf(_SC_PAGESIZE));

	/* The initial stack pointer is 16-byte aligned (RISC-V psABI); a local aligned(16)
	 * object must land on an aligned address. */
	{
		_Alignas(16) char probe[16];

		printf("16-byte aligned local: %s\n", ((unsigned long)probe & 15) ? "no" : "yes");
	}
	return 0;
}
