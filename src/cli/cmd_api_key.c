/*
 * cmd_api_key.c - `motcua api-key set|clear|status NAME`: the API key of a
 * profile system that takes one ("auth": "api_key", doc/sources.md), kept
 * in the keyring (app/api_key.h).  The key is read from standard input -
 * typed without echo on a terminal, or piped - never from the argument
 * list, where every user of the machine could read it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "app/api_key.h"
#include "cli/cli.h"
#include "core/xalloc.h"
#include "ui/i18n.h"

#define CMD "api-key"

/* One line from stdin without its newline, echo off on a terminal; NULL at EOF. */
static char *
read_key(void)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (tty) {
		fprintf(stderr, "%s", _("API key (not shown): "));
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	n = getline(&line, &cap, stdin);
	if (tty) {
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (n < 0) {
		xfree_secret(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

int
cmd_api_key(int argc, char **argv)
{
	const char *cause = NULL;

	cli_lang_init(NULL);
	if (argc != 3 || (strcmp(argv[1], "set") != 0 && strcmp(argv[1], "clear") != 0 &&
			  strcmp(argv[1], "status") != 0))
		return cli_usage_error(CMD, _("expected set, clear or status, then a system's name"));
	if (strcmp(argv[1], "set") == 0) {
		char *key = read_key();
		int r;
		if (key == NULL)
			return cli_fail(CMD, _("no key on standard input"));
		r = app_api_key_set(argv[2], key, &cause);
		xfree_secret(key);
		if (r != 0)
			return cli_fail(CMD, "%s", cause);
		printf(_("API key of %s kept in the %s\n"), argv[2], app_api_key_store_name());
		return CLI_OK;
	}
	if (strcmp(argv[1], "clear") == 0) {
		if (app_api_key_clear(argv[2], &cause) != 0)
			return cli_fail(CMD, "%s", cause);
		printf(_("API key of %s removed\n"), argv[2]);
		return CLI_OK;
	}
	{
		char *key = app_api_key_get(argv[2]);
		bool have = key != NULL;
		xfree_secret(key);
		printf(have ? _("%s: an API key is kept in the %s\n")
			    : _("%s: no API key in the %s\n"),
		       argv[2], app_api_key_store_name());
		return have ? CLI_OK : 1;
	}
}
