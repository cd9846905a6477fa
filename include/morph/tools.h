/*
 * Standalone subcommands that are not a runner (disassembler etc.).
 */
#ifndef MORPH_TOOLS_H
#define MORPH_TOOLS_H

/**
 * tool_cmd_disas() - `morph disas [--arch NAME] [--hex WORD...] FILE`: disassemble
 * the executable sections of a guest ELF file (or the given instruction words)
 * with the frontend's table-driven disassembler. argv[0] is "disas".
 * Returns the process exit status (0, or 1 on unreadable/malformed input, 2 on usage errors).
 */
int tool_cmd_disas(int argc, char **argv);

#endif
