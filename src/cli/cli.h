/*
 * cli.h - the subcommands of `motcua` and the helpers they share.
 *
 * Each subcommand lives in src/cli/cmd_NAME.c and exports
 *     int cmd_NAME(int argc, char **argv);
 * where argv[0] is the subcommand's name.  It returns the process exit code:
 * 0 success, 1 operational failure (one line on stderr), 2 bad usage (one line
 * and the usage on stderr).  The table of commands is in commands.c.
 */
#ifndef MOTCUA_CLI_H
#define MOTCUA_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/calendar.h"

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis; /* "due --received 'YYYY-MM-DD HH:MM' ..." */
	const char *summary;  /* one line */
	const char *help;     /* the options, one per line, for `motcua help CMD` */
};

extern const struct cli_command cli_commands[];

const struct cli_command *cli_find(const char *name);
void cli_print_usage(FILE *out, const struct cli_command *cmd);

/* Print "motcua CMD: message" and the command's usage to stderr; return 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print "motcua CMD: message" to stderr; return 1. */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The calendar for deadline and calendar commands: the default working week
 * with the yearly override files of `dir` (--calendar), or, when NULL, of the
 * first of $MOTCUA_HOME/calendar, $XDG_CONFIG_HOME/motcua/calendar (or
 * ~/.config/motcua/calendar), the installed default and ./config/calendar that
 * exists.  A malformed file is reported on stderr with its path and line and
 * ignored whole.  Caller frees with calendar_free().
 */
struct calendar *cli_open_calendar(const char *dir);

int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_due(int argc, char **argv);
int cmd_calendar(int argc, char **argv);
int cmd_lunar(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_logout(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_inbox(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_doctor(int argc, char **argv);

int cmd_act(int argc, char **argv);
int cmd_queue(int argc, char **argv);
int cmd_audit(int argc, char **argv);

/*
 * The audit log for the other commands (cmd_audit.c).  cli_audit_ship()
 * sends what the server does not have yet (for `motcua sync`, at most
 * max_wait_ms; a summary line on `out` when anything was shipped or waits);
 * 0 all there, 1 some wait.  cli_audit_note() appends one entry to the
 * store of the data folder (clerk NULL: the one signed in); 0 or -1 (said
 * on stderr).
 */
struct sync_env;
int cli_audit_ship(struct sync_env *env, int64_t max_wait_ms, FILE *out);
int cli_audit_note(const char *config_file, const char *clerk, const char *kind,
		   const char *dossier, const char *purpose, const char *details);

/*
 * The offline queue's replay as `motcua sync` and `motcua queue send` run
 * it (cmd_queue.c): send what can be sent within max_wait_ms, then put the
 * queued effects back on dossiers a pull overwrote.  quiet: no per-entry
 * lines on stderr.  *remaining: entries still to send.  Returns the
 * outbox_replay_run() result (0 nothing left to send, 1 some wait, -1).
 */
struct sync_env;
struct outbox_replay_stats;
int cli_outbox_send(struct sync_env *env, const char *only, int64_t max_wait_ms, bool quiet,
		    struct outbox_replay_stats *stats, int64_t *remaining);

#endif
