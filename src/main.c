/*
 * morph: command line entry point. Each subcommand lives with its subsystem.
 */
#include <stdio.h>
#include <string.h>

#include "morph/linux-user.h"
#include "morph/machine.h"
#include "morph/tools.h"

#define MORPH_VERSION "0.1.0"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: morph <command> [options]\n"
		"\n"
		"commands:\n"
		"  run [options] PROGRAM [ARGS...]   run a Linux guest program (user mode)\n"
		"  system [options]                  emulate a whole machine (firmware, kernel)\n"
		"  disas [options] FILE              disassemble a guest ELF file\n"
		"  version                           print the version\n"
		"  help                              this text\n"
		"\n"
		"'morph COMMAND --help' describes the options of a command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];

	if (!strcmp(cmd, "run"))
		return lx_cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "system"))
		return system_cmd(argc - 1, argv + 1);
	if (!strcmp(cmd, "disas"))
		return tool_cmd_disas(argc - 1, argv + 1);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("morph %s\n", MORPH_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "morph: unknown command '%s'\n", cmd);
	usage(stderr);
	return 2;
}
