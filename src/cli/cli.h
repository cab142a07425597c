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

#include <jansson.h>

#include "app/app.h"
#include "app/sign_job.h"
#include "app/signin.h"
#include "core/calendar.h"
#include "core/error.h"

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2
#define CLI_UNVERIFIED 3 /* `audit verify`: intact as far as it could be checked, but
			  * the end of the log could not be (no keyring) */

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

/*
 * Text from outside (servers, the store, files, the command line) is printed
 * in its visible form (core/visible.h): controls, C1 and bidi controls
 * spelled out, so nothing a server sends can steer the clerk's terminal.
 *
 * cli_printf: printf to f for ONE line (or a piece of one) that carries such
 * text; only a final newline goes out as itself, any other control in the
 * result, a newline inside included, is shown escaped.
 * cli_put: s (NULL: nothing) in its visible form, nothing added.
 * --json output does not go through these: jansson escapes what JSON needs.
 * cli_usage_error and cli_fail below show their message the same way.
 */
void cli_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A --json answer: `v` on one line of stdout, then released (v may be
 * NULL: nothing printed).  0, or -1 when it could not be written. */
int cli_json_print(json_t *v);
void cli_put(FILE *f, const char *s);

/*
 * Table cells on stdout, counted in display columns (printf's %-Ns counts
 * bytes): cli_pad writes s in its visible form then spaces up to cols;
 * cli_pad_left spaces then s (a label of ours), ending at cols; cli_wider is
 * the larger of cols and s's width (a column as wide as its translated head).
 */
void cli_pad(const char *s, int cols);
void cli_pad_left(const char *s, int cols);
int cli_wider(int cols, const char *s);

/* Print "motcua CMD: message" and the command's usage to stderr; return 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print "motcua CMD: message" to stderr; return 1. */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Open the application for command `cmd` (cli_app.c): warnings go to stderr
 * as "motcua CMD: warning: ..." in the clerk's language, and the language
 * is set from the environment and the configuration.  Returns 0 with *out,
 * or CLI_FAIL after saying why on stderr.
 */
int cli_app_open(const char *cmd, const char *config_file, const char *issuer,
		 unsigned flags, struct app **out);
/* The same with every option (warn and warn_ctx are set here). */
int cli_app_open_with(const char *cmd, struct app_options *o, struct app **out);

/*
 * app_options.due_progress for the commands and the console before its
 * screen: "motcua CMD: re-computing due dates: D of N" on stderr (ctx: the
 * command's name) for large stores, at the start, each second and the end.
 */
void cli_due_progress(void *ctx, int64_t done, int64_t total);

/* The language of what commands print: the environment's (LANGUAGE, LC_*,
 * LANG), else the configuration's (config_language; NULL before it is read). */
void cli_lang_init(const char *config_language);

/*
 * The sentence of err (of a sign-in result, of a signing failure, of a
 * catalogue message) in the clerk's language - one language per run -
 * into buf; returns buf.
 */
char *cli_words_err(const struct mc_err *err, char *buf, size_t size);
char *cli_words_signin(enum app_signin_result r, char *buf, size_t size);
char *cli_words_sign(enum app_sign_error e, char *buf, size_t size);
/* The same for a message of the catalogue (its msgid, marked N_()). */
char *cli_words_text(const char *msgid, char *buf, size_t size);

/*
 * `--source NAME` when NAME is no system of this terminal: one line on
 * stderr naming the closest known one, if any; returns CLI_USAGE (2).
 * 0 when the name is known.
 */
int cli_check_system(const char *cmd, struct app *app, const char *name);
/* A configuration refused (MC_E_CONFIG): its one line on stderr, no usage;
 * returns CLI_USAGE (2). */
int cli_config_err(const char *cmd, const struct config_error *e);
/* "motcua CMD: <words>" on stderr for err, one line; returns CLI_USAGE:
 * what the command line lacks (a reason, a unit), said without the usage. */
int cli_refuse_err(const char *cmd, const struct mc_err *err);
/* "motcua CMD: <words>" on stderr for err; returns CLI_FAIL. */
int cli_fail_err(const char *cmd, const struct mc_err *err);
/* The same with exit code 2 and the usage (a bad argument the app refused). */
int cli_usage_err(const char *cmd, const struct mc_err *err);

/*
 * Print what a one-shot run reports (refused dossiers, failed pulls, the
 * queue's outcomes) to stderr, at most `max_refused` refused-dossier lines
 * (then a count).  Hand cli_events_init's struct to app_set_events.
 */
struct cli_events {
	const char *cmd;
	bool quiet;               /* the queue's per-entry lines not shown */
	unsigned refused_lines, refused_dropped, max_refused;
};
void cli_events_init(struct cli_events *ev, const char *cmd, bool quiet);
void cli_on_event(void *ctx, const struct app_event *ev);
/* The "... and N more refused dossier(s)" line, when some were dropped. */
void cli_events_end(struct cli_events *ev);

/* A file descriptor number 0..1024: 0, or -1. */
int cli_parse_fd(const char *s, int *fd);
/* Drive the app's signing job to its end (cli_sign.c): secrets from pin_fd /
 * otp_fd, or the terminal when -1. */
void cli_sign_drive(struct app *app, int pin_fd, int otp_fd);

int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_due(int argc, char **argv);
int cmd_calendar(int argc, char **argv);
int cmd_lunar(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_logout(int argc, char **argv);
int cmd_api_key(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_demo(int argc, char **argv);
/* motcua demo --trainer URL [--csv] (cli_trainer.c): the class's progress. */
int cli_trainer_run(const char *url, const char *lang);
int cli_trainer_csv(const char *url);
int cmd_sync(int argc, char **argv);
int cmd_inbox(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_doctor(int argc, char **argv);

int cmd_act(int argc, char **argv);
int cmd_queue(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_export(int argc, char **argv);

/* A due date's explanation (core/due_explain.h) for --explain, shared by
 * `due` and `show`: as a JSON array of steps (new reference), or printed as
 * a rule line and one line a step on stdout. */
struct due_explanation;
json_t *cli_due_explain_json(const struct due_explanation *e);
void cli_due_explain_print(const struct due_explanation *e);
/* The reading in force, all three choices by their config.json names:
 * {"calendar_days_from", "lunch_break", "working_days"} (new reference). */
struct deadline_reading;
json_t *cli_due_reading_json(const struct deadline_reading *r);

#endif
