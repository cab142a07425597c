/*
 * commands.c - the table of `motcua` subcommands, `help` and `--version`.
 *
 * A table, not a switch ladder (git's commands[]): adding a command is one
 * row here and one cmd_NAME.c.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/visible.h"
#include "core/xalloc.h"
#include "ui/console.h"
#include "ui/i18n.h"

#define MOTCUA_VERSION "0.1.0"

const struct cli_command cli_commands[] = {
	{"console", cmd_console, "console [--training] [--lang vi|en] [--config FILE]",
	 N_("the clerk's console (also `motcua` with no command)"),
	 N_("  --training     show the TRAINING banner (sandbox)\n"
	    "  --lang vi|en   language (default: Vietnamese, or English from LANG/LANGUAGE/config)\n"
	    "  --config FILE  the configuration file\n")},
	{"demo", cmd_demo,
	 "demo [--check] [--lang vi|en] [--scenario NAME] [--rate N] [--dossiers N] [--seed N]\n"
	 "           [--sandbox PATH] [--exercise NAME|FILE|list] [--join URL]\n"
	 "       demo --trainer URL [--csv]",
	 N_("training: the sandbox and the console together, signed in"),
	 N_("  --check          start, sign in and sync, print a summary and exit (no console)\n"
	    "  --lang vi|en     language (default: Vietnamese, or English from LANG/LANGUAGE)\n"
	    "  --scenario NAME  quiet-morning (default), post-tet-backlog, rural-outage\n"
	    "  --rate N         new dossiers per sandbox minute (default 3)\n"
	    "  --dossiers N     dossiers the sandbox generates (default: its own, 3000)\n"
	    "  --seed N         seed of the sandbox's data\n"
	    "  --sandbox PATH   the motcua-sandbox program (default: next to motcua, else PATH)\n"
	    "  --exercise NAME  a guided exercise (config/exercises/NAME.json, or your own in\n"
	    "                   ~/.config/motcua/exercises, or a FILE): the sandbox checks\n"
	    "                   each step, a panel shows it, H gives a hint; `list` lists them\n"
	    "  --join URL       a seat of a class (motcua-sandbox --class N): BASE/seat/K\n"
	    "  --trainer URL    the trainer's screen of a class (BASE): every seat's step,\n"
	    "                   time, hints and mistakes; --csv prints it once as CSV\n"
	    "Runs in a private folder under $XDG_RUNTIME_DIR (or /tmp) that is removed at\n"
	    "the end; the sandbox's PID is in its sandbox.pid.  Nothing of yours is touched.\n")},
	{"due", cmd_due,
	 "due --received 'YYYY-MM-DD HH:MM' --duration N --unit hours|working-days|calendar-days\n"
	 "           [--cutoff HH:MM] [--calendar DIR] [--config FILE] [--explain] [--json]",
	 N_("print the computed due date-time (ISO 8601, +07:00)"),
	 N_("  --received T    when the dossier was received, Vietnam time\n"
	    "  --duration N    how long the procedure takes (0 = same day)\n"
	    "  --unit U        hours (working hours), working-days, calendar-days\n"
	    "  --cutoff HH:MM  same-day cut-off: received after it, due the next working day\n"
	    "  --calendar DIR  folder of yearly override files (YYYY.json)\n"
	    "  --config FILE   the configuration file: its working hours and workweek count\n"
	    "                  (as for the inbox's due dates; default: the usual one)\n"
	    "  --explain       then why: when the clock started, each day not counted\n"
	    "                  (weekend, holiday by name, day in lieu, official notice)\n"
	    "  --json          print {\"due_at\": ...} instead of the bare date-time\n"
	    "                  (with --explain: \"explain\": [steps])\n")},
	{"calendar", cmd_calendar, "calendar YEAR [--json] [--calendar DIR] [--config FILE]",
	 N_("days off of a year: holidays, days off in lieu and overrides"),
	 N_("  YEAR            1900..2100\n"
	    "  --json          {\"year\":Y,\"days_off\":[{\"date\",\"name\",\"kind\"}]}\n"
	    "  --calendar DIR  folder of yearly override files (YYYY.json)\n"
	    "  --config FILE   the configuration file: its workweek decides which holidays\n"
	    "                  fall on a rest day (default: the usual one)\n")},
	{"lunar", cmd_lunar, "lunar YYYY-MM-DD [--json]",
	 N_("the Vietnamese lunar date of a solar date"),
	 N_("  YYYY-MM-DD      a solar date, 1900..2100\n"
	    "  --json          {\"year\":Y,\"month\":M,\"day\":D,\"leap\":false,\"can_chi\":\"...\"}\n")},
	{"login", cmd_login, "login [--issuer URL] [--client-id ID] [--status [--json]]",
	 N_("sign in once with a phone approval (device code and QR)"),
	 N_("  --issuer URL     the sign-in server (default: $MOTCUA_ISSUER, then \"issuer\"\n"
	    "                   in config.json)\n"
	    "  --client-id ID   the client id registered there (default \"motcua\")\n"
	    "  --status         resume the stored sign-in and show it, with one token per\n"
	    "                   system (never the token itself); exit 1 when not signed in\n"
	    "  --json           with --status: {\"signed_in\",\"name\",\"systems\":[...]}\n"
	    "When stdout is not a terminal, prints verification_uri, user_code and\n"
	    "verification_uri_complete as 'key: value' lines, then waits.\n")},
	{"logout", cmd_logout, "logout [--issuer URL] [--client-id ID] [--wipe [--force]]",
	 N_("revoke the sign-in at the server and remove every token"),
	 N_("  --issuer URL     the sign-in server (as for login)\n"
	    "  --client-id ID   the client id (as for login)\n"
	    "  --wipe           also remove the local cache (the store, its audit log and\n"
	    "                   its data key); refused while the queue holds unsent\n"
	    "                   actions. \"shared_terminal\": true in config.json wipes\n"
	    "                   at every logout\n"
	    "  --force          wipe even so: the unsent actions are lost (their number\n"
	    "                   is said)\n")},
	{"api-key", cmd_api_key, "api-key set|clear|status NAME",
	 N_("the API key of a profile system that takes one, kept in the keyring"),
	 N_("  set NAME      read the key from standard input (not shown when typed) and\n"
	    "                keep it in the keyring for the system NAME\n"
	    "  clear NAME    remove it\n"
	    "  status NAME   whether one is kept (exit 1 when not)\n"
	    "For profiles with \"auth\": \"api_key\" (doc/sources.md); the key never goes\n"
	    "in a file, an argument or the environment.\n")},
	{"sign", cmd_sign,
	 "sign FILE... (-o FILE.p7s | --outdir DIR) [--module PATH] [--token LABEL]\n"
	 "           [--key LABEL|ID] [--remote URL [--credential ID]] [--pin-fd N]\n"
	 "           [--otp-fd N] [--access-token-fd N]",
	 N_("sign files with a PKCS#11 token or a remote signer (detached CMS)"),
	 N_("  -o FILE            where the signature of the one FILE goes (DER .p7s)\n"
	    "  --outdir DIR       sign several files, one PIN/OTP for all: DIR/NAME.p7s\n"
	    "  --module PATH      the token's PKCS#11 module (default $MOTCUA_PKCS11_MODULE)\n"
	    "  --token LABEL      the token to use (default: the first one present)\n"
	    "  --key LABEL|ID     the key on the token (default: the only one)\n"
	    "  --remote URL       a CSC API v2 signing service (.../csc/v2) instead\n"
	    "  --credential ID    the credential there (default: the only one)\n"
	    "  --pin-fd N         read the PIN from descriptor N (default: the terminal)\n"
	    "  --otp-fd N         read the OTP from descriptor N (default: the terminal)\n"
	    "  --access-token-fd N  the remote service's Bearer token from descriptor N\n"
	    "                     (default: the sign-in's token for system \"csc\")\n"
	    "Exit 1 unless every file was signed; a failed file leaves no output.\n")},
	{"verify", cmd_verify, "verify FILE FILE.p7s [--ca FILE] [--json]",
	 N_("check a detached signature: signer, signing time, validity"),
	 N_("  --ca FILE          trusted CA certificates (PEM); default: the system store\n"
	    "  --json             {\"verdict\",\"valid\",\"trusted\",\"signer\",\"subject\",\n"
	    "                     \"signing_time\",\"reason\"}\n"
	    "Exit 0 only when the signature is valid and the signer trusted.\n")},
	{"sync", cmd_sync,
	 "sync [--source S | --resync S|all] [--json] [--max-time SECONDS] [--issuer URL]\n"
	 "           [--config FILE]",
	 N_("pull every system once; per-source summary"),
	 N_("  --source S      only this system (dvcqg, tuphap, congan, nnmt, tinh, ...)\n"
	    "  --resync S      only this system, read again from the start: its position\n"
	    "                  is forgotten (the stored dossiers and the queue stay);\n"
	    "                  \"all\": every system\n"
	    "  --json          {\"sources\":[{\"name\",\"ok\",\"new\",\"changed\",\"rejected\",\n"
	    "                  \"read\",\"bytes_in\",\"bytes_out\",\"ms\",\"error\"}]}\n"
	    "  --issuer URL    the sign-in server (default: $MOTCUA_ISSUER, config.json)\n"
	    "  --config FILE   the configuration file (its folder holds sources.d/)\n"
	    "  --max-time S    end within S seconds, pulls and queue together: a system\n"
	    "                  still pulling stops there (what it read is kept, the rest\n"
	    "                  comes next time); default 15 minutes per system\n"
	    "Exit 1 when any source failed; the others are synced all the same.\n")},
	{"inbox", cmd_inbox,
	 "inbox [--json] [--source S] [--status N] [--due soon|overdue] [--search TEXT|-]\n"
	 "           [--sort K [--desc|--asc]] [--limit N] [--mismatch] [--new]",
	 N_("list the dossiers of every system from the local store"),
	 N_("  --json          an array of {code, source, procedure_code, procedure_name,\n"
	    "                  applicant_name, status, status_label, raw_status, received_at,\n"
	    "                  source_due_at, due_at, due_class, mismatch, coord_status}\n"
	    "  --source S      one handling system\n"
	    "  --status N      canonical status 1..10\n"
	    "  --due C         soon (due within one working day) or overdue\n"
	    "  --search TEXT   code, applicant, procedure or ID number, with or without\n"
	    "                  diacritics\n"
	    "  --search -      read TEXT from standard input (one line): an argument is\n"
	    "                  seen by every user in the process list, an ID number too\n"
	    "  --sort K        due (default), received (newest first), status, code,\n"
	    "                  updated, applicant (by the given name), procedure, system\n"
	    "                  (or source) or area (these three: by due within each)\n"
	    "  --desc, --asc   descending or ascending (default: ascending, but received\n"
	    "                  descending)\n"
	    "  --limit N       at most N rows (default 50, with --json all; 0 = all)\n"
	    "  --mismatch      only dossiers whose status differs from the national portal\n"
	    "  --new           only new arrivals: dossiers stored since the clerk last\n"
	    "                  opened the console's \"new\" view\n")},
	{"show", cmd_show,
	 "show CODE [--json] [--explain] [--cached] [--timeout S] [--reveal --purpose TEXT]",
	 N_("everything known about one dossier, read anew from its system"),
	 N_("  --json          the dossier as JSON (\"outcome\" early/on_time/late once finished)\n"
	    "  --cached        do not read the system: what this terminal stored\n"
	    "  --timeout S     wait at most S seconds for the system (default 8), then show\n"
	    "                  what is stored and say why and how old it is\n"
	    "  --explain       why the due date is what it is: the procedure's rule, when\n"
	    "                  the clock started, the days not counted, supplement pauses or\n"
	    "                  restarts, and the system's own date beside it\n"
	    "  --reveal        show the applicant's ID number unmasked (recorded in the\n"
	    "                  audit log; needs --purpose)\n"
	    "  --purpose TEXT  why the ID number is looked at, e.g. \"checking the ID card\"\n")},
	{"fetch", cmd_fetch, "fetch CODE [N] [-o DIR] [-q]",
	 N_("download attachment N of a dossier (resumes a cut download)"),
	 N_("  N               the attachment's number (1..); needed when there are several\n"
	    "  -o DIR          save into DIR (default: the data folder's attachments/CODE/)\n"
	    "  -q              no progress on stderr\n"
	    "Prints the saved path.  Exit 1 on failure; running it again resumes.\n")},
	{"doctor", cmd_doctor, "doctor [--repair] [--issuer URL] [--config FILE]",
	 N_("check configuration, store, keyring, sign-in and every source"),
	 N_("  One line per check with ok or FAIL; exit 1 when something is wrong.\n"
	    "  --repair        a damaged store: copy what can be read (the queue and the\n"
	    "                  audit log first) into a new file, the damaged one kept\n"
	    "                  beside it as motcua.db.damaged-DATE; a missing or empty\n"
	    "                  store whose data key remains: make a new, empty one.\n"
	    "                  Refused while another motcua has the store open.\n")},
	{"act", cmd_act,
	 "act CODE ACTION [--reason TEXT] [--to UNIT] [--file PATH ...] [--via SYSTEM] [--json]\n"
	 "   or: motcua act CODE return-result --file PATH ... --sign [--module M --token T --key K |\n"
	 "           --remote URL --credential ID] [--pin-fd N] [--otp-fd N]\n"
	 "           [--access-token-fd N] [--tsa URL | --no-timestamp]",
	 N_("queue an action on a dossier (sent by 'motcua sync', exactly once)"),
	 N_("  ACTION          receive, refuse, request-supplement, supplement-received,\n"
	    "                  forward, approve, request-payment, stop, return-result,\n"
	    "                  withdraw (aliases: reject, supplement, return, ...)\n"
	    "  --reason TEXT   required for refuse, request-supplement, stop, withdraw\n"
	    "  --to UNIT       forward: the receiving unit\n"
	    "  --file PATH     a result file (repeatable); uploaded resumably where the\n"
	    "                  system allows\n"
	    "  --via SYSTEM    send through another system (e.g. dvcqg, the national\n"
	    "                  coordination system) instead of the dossier's own\n"
	    "  --sign          return-result: sign the files first (one PIN/OTP), queue them\n"
	    "                  with their .p7s; the signer options are those of 'motcua sign'\n"
	    "  --tsa URL       with --sign: RFC 3161 timestamps from this TSA (default:\n"
	    "                  signing.tsa_url in config.json)\n"
	    "  --no-timestamp  with --sign: no timestamp even if one is configured (offline)\n"
	    "  --json          {\"id\",\"code\",\"source\",\"action\",\"from\",\"to\",\"state\"}\n"
	    "Refused at once (exit 1) when the action is not allowed from the status.\n")},
	{"queue", cmd_queue,
	 "queue [--json] [--all] | queue retry ID | queue drop ID [--yes]\n"
	 "           | queue send [--source S] [--wait SECONDS] [--backoff-cap SECONDS] [--json]",
	 N_("the offline queue: list, re-apply or drop a conflict, send now"),
	 N_("  --json          list: an array of {id, dossier, source, action, state,\n"
	    "                  attempts, last_error, ...}\n"
	    "  --all           list done entries too\n"
	    "  retry ID        re-apply a conflict or refused action on the server's\n"
	    "                  current version (a new idempotency key)\n"
	    "  drop ID         remove a pending, conflict or refused action (asks on a\n"
	    "                  terminal; --yes in scripts)\n"
	    "  send            replay the queue without a pull; exit 1 while entries wait\n"
	    "  --wait SECONDS  send: how long to wait for backoff and Retry-After (120)\n"
	    "  --backoff-cap SECONDS  send: longest wait between attempts (default 300)\n")},
	{"audit", cmd_audit, "audit verify [--json] | audit list [--json] [--limit N]",
	 N_("check the audit log's hash chain, or list its entries"),
	 N_("  verify          recompute the chain; exit 1 naming the first altered,\n"
	    "                  removed, reordered or inserted entry\n"
	    "  list            the last entries (50; --limit N, 0 = all): seq, time,\n"
	    "                  kind, clerk, dossier, purpose\n"
	    "  --json          verify: {ok, problem, seq, checked, shipped, chain, why};\n"
	    "                  list: every entry with its details and hashes\n")},
	{"export", cmd_export,
	 "export [--csv | --json] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [-o FILE [--force]]\n"
	 "           [--config FILE]",
	 N_("the dashboard's statistics per system, status and area (CSV, UTF-8)"),
	 N_("  --csv           CSV for spreadsheets (the default): UTF-8 with BOM, CRLF,\n"
	    "                  one row per system x status x area, then a total row that\n"
	    "                  is the dashboard's \"All\" line; columns: level, system,\n"
	    "                  status, status_label, area, dossiers, open, due_soon,\n"
	    "                  overdue, received, finished, early, on_time, late,\n"
	    "                  unclassified, on_time_rate (percent; empty when none)\n"
	    "  --json          {now, from, to, total, systems, statuses, areas, rows}\n"
	    "  --from DATE     the period's first day (Vietnam time; default: 30 days\n"
	    "                  before its end, as the dashboard)\n"
	    "  --to DATE       the period's last day, included (default: now)\n"
	    "                  The period counts dossiers received and finished in it\n"
	    "                  (so the on-time rate); dossiers, open, due_soon and overdue\n"
	    "                  are the store as it stands now.\n"
	    "  -o, --output FILE  write FILE (whole or not at all) instead of stdout\n"
	    "  --force         replace FILE if it exists (refused otherwise)\n"
	    "  --config FILE   the configuration file\n"
	    "Text that a spreadsheet would run as a formula (= + - @ first) gets a '\n"
	    "before it.\n")},
	{"help", cmd_help, "help [COMMAND]", N_("show help for motcua or one command"), ""},
	{"version", cmd_version, "version", N_("print the version"), ""},
	{NULL, NULL, NULL, NULL, NULL},
};

const struct cli_command *
cli_find(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void
cli_print_usage(FILE *out, const struct cli_command *cmd)
{
	fprintf(out, _("usage: motcua %s\n"), cmd->synopsis);
}

/* One line: the message quotes dossier codes, server words, file names and
 * arguments, so it goes out in its visible form (core/visible.h). */
static void
vsay(const char *cmd, const char *fmt, va_list ap)
{
	char *msg = xvasprintf(fmt, ap);

	fprintf(stderr, "motcua %s: ", cmd);
	cli_put(stderr, msg);
	fputc('\n', stderr);
	free(msg);
}

void
cli_put(FILE *f, const char *s)
{
	char *shown;

	if (s == NULL)
		return;
	if (visible_plain(s)) {
		fputs(s, f);
		return;
	}
	shown = visible_dup(s);
	fputs(shown, f);
	free(shown);
}

int
cli_json_print(json_t *v)
{
	char *text = v != NULL ? json_dumps(v, JSON_COMPACT) : NULL;
	int rc = text != NULL && puts(text) >= 0 ? 0 : -1;

	free(text);
	json_decref(v);
	return rc;
}

void
cli_printf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	char *line;
	size_t len;
	bool newline;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	/* the line's own end is the one newline that goes out as it is */
	len = strlen(line);
	newline = len > 0 && line[len - 1] == '\n';
	if (newline)
		line[len - 1] = '\0';
	cli_put(f, line);
	if (newline)
		fputc('\n', f);
	free(line);
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	const struct cli_command *c = cli_find(cmd);

	/*
	 * The message and the usage in one language, even when the command had
	 * not chosen it yet: fmt, marked _() by the caller, is looked up again
	 * (a translation already made is not a msgid and comes back unchanged).
	 */
	cli_lang_init(NULL);
	va_start(ap, fmt);
	vsay(cmd, gettext(fmt), ap);
	va_end(ap);
	if (c != NULL)
		cli_print_usage(stderr, c);
	return CLI_USAGE;
}

int
cli_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(cmd, fmt, ap);
	va_end(ap);
	return CLI_FAIL;
}

static void
print_overview(FILE *out)
{
	fprintf(out, _("usage: motcua %s\n"), "[COMMAND] [OPTIONS]");
	fprintf(out, "\n%s\n\n%s\n", _("motcua - the commune one-stop console."),
		_("Commands:"));
	for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
		fprintf(out, "  %-10s %s\n", c->name, _(c->summary));
	fprintf(out, "\n%s\n%s\n", _("Run 'motcua help COMMAND' for a command's options."),
		_("Exit codes: 0 success, 1 operational failure, 2 bad usage."));
}

int
cmd_help(int argc, char **argv)
{
	const struct cli_command *c;

	cli_lang_init(NULL); /* help comes out in the clerk's language */
	if (argc < 2) {
		print_overview(stdout);
		return CLI_OK;
	}
	if (argc > 2)
		return cli_usage_error("help", _("too many arguments"));
	c = cli_find(argv[1]);
	if (c == NULL)
		return cli_usage_error("help", _("unknown command '%s'"), argv[1]);
	cli_print_usage(stdout, c);
	printf("\n%s.\n", _(c->summary));
	if (c->help[0] != '\0')
		printf("\n%s\n%s", _("Options:"), _(c->help));
	return CLI_OK;
}

int
cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_usage_error("version", _("too many arguments"));
	printf("motcua %s\n", MOTCUA_VERSION);
	return CLI_OK;
}
