/*
 * main.c - motcua's entry point: pick the subcommand and run it.
 *
 * With no command motcua opens the clerk's console.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/xalloc.h"
#include "ui/console.h"
#include "ui/i18n.h"

static void
out_of_memory(void)
{
	fprintf(stderr, "motcua: %s\n", _("out of memory"));
}

int
main(int argc, char **argv)
{
	const struct cli_command *cmd;

	xalloc_set_fatal_hook(out_of_memory);
	if (argc < 2) {
		char *console_argv[] = {"console", NULL};
		return cmd_console(1, console_argv);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(argc > 2 ? 2 : 1, argv + 1);
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(1, argv + 1);
	cmd = cli_find(argv[1]);
	if (cmd == NULL) {
		cli_lang_init(NULL);
		cli_printf(stderr, _("motcua: unknown command '%s'; try 'motcua --help'\n"),
			   argv[1]);
		return CLI_USAGE;
	}
	/* `motcua CMD --help` is the same as `motcua help CMD`. */
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			char *help_argv[] = {"help", argv[1], NULL};
			return cmd_help(2, help_argv);
		}
	return cmd->run(argc - 1, argv + 1);
}
