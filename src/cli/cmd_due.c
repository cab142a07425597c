/*
 * cmd_due.c - `motcua due --received T --duration N --unit U [--cutoff HH:MM]
 * [--calendar DIR] [--config FILE] [--explain] [--json]`: the due date-time
 * of one dossier, and with --explain why (core/due_explain.h): when the
 * clock started and which days did not count.
 *
 * Argument handling and output only; the rules are core/deadline.c (see
 * doc/deadlines.md) with what the inbox's due dates are computed with: the
 * app's calendar (the notices of the calendar/ folders, or --calendar's;
 * the configured workweek) and the configured working time.  Supplements
 * are not taken here.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/civil.h"
#include "core/deadline.h"
#include "core/due_explain.h"
#include "ui/i18n.h"

#define CMD "due"
#define YEAR_MIN 1900
#define YEAR_MAX 2100

struct due_args {
	const char *received;
	const char *duration;
	const char *unit;
	const char *cutoff;
	const char *dir;
	const char *config_file;
	bool json, explain;
};

static int
parse_duration(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > DEADLINE_MAX_DURATION)
		return -1;
	*out = (int)v;
	return 0;
}

/* Fill *rule and *received from the arguments, or print the usage error. */
static int
build_rule(const struct due_args *a, struct due_rule *rule, mc_time *received)
{
	struct civil_time ct;

	if (a->received == NULL)
		return cli_usage_error(CMD, _("missing --received 'YYYY-MM-DD HH:MM'"));
	if (a->duration == NULL)
		return cli_usage_error(CMD, _("missing --duration N"));
	if (a->unit == NULL)
		return cli_usage_error(CMD, _("missing --unit hours|working-days|calendar-days"));
	if (civil_parse_datetime(a->received, received) < 0)
		return cli_usage_error(CMD, _("--received must be 'YYYY-MM-DD HH:MM', not '%s'"),
				       a->received);
	ct = civil_split(*received);
	if (ct.date.year < YEAR_MIN || ct.date.year > YEAR_MAX)
		return cli_usage_error(CMD, _("--received must lie in %d..%d, not '%s'"), YEAR_MIN,
				       YEAR_MAX, a->received);
	if (parse_duration(a->duration, &rule->duration) < 0)
		return cli_usage_error(CMD,
				       _("--duration must be a whole number in 0..%d, not '%s'"),
				       DEADLINE_MAX_DURATION, a->duration);
	if (deadline_unit_parse(a->unit, &rule->unit) < 0)
		return cli_usage_error(CMD,
				       _("--unit must be hours, working-days or calendar-days, "
					 "not '%s'"),
				       a->unit);
	rule->cutoff = -1;
	/* 00:00 would put every dossier after the cut-off; 24:00 none. */
	if (a->cutoff != NULL &&
	    (civil_parse_hhmm(a->cutoff, &rule->cutoff) < 0 || rule->cutoff < 1 ||
	     rule->cutoff > 24 * 60 - 1))
		return cli_usage_error(CMD, _("--cutoff must be HH:MM in 00:01..23:59, not '%s'"),
				       a->cutoff);
	rule->supplement = DEADLINE_RESTART;
	return CLI_OK;
}

static int
print_json(const struct due_rule *rule, const struct worktime *wt, mc_time received,
	   mc_time start, mc_time due_at, int64_t working_seconds,
	   const struct due_explanation *e)
{
	char due_s[CIVIL_ISO_LEN], received_s[CIVIL_ISO_LEN], start_s[CIVIL_ISO_LEN];
	char cutoff_s[24];
	json_t *obj;

	snprintf(cutoff_s, sizeof cutoff_s, "%02d:%02d", rule->cutoff / 60, rule->cutoff % 60);
	obj = json_pack("{s:s, s:s, s:s, s:i, s:s, s:o, s:I}",
			"due_at", civil_format_iso(due_at, due_s, sizeof due_s),
			"received_at", civil_format_iso(received, received_s, sizeof received_s),
			"counted_from", civil_format_iso(start, start_s, sizeof start_s),
			"duration", rule->duration,
			"unit", deadline_unit_name(rule->unit),
			"cutoff", rule->cutoff > 0 ? json_string(cutoff_s) : json_null(),
			"working_seconds", (json_int_t)working_seconds);
	if (obj == NULL)
		return -1;
	/* how the rule was read: the configuration's choices, with or without --explain */
	json_object_set_new(obj, "reading", cli_due_reading_json(&wt->reading));
	if (e != NULL)
		json_object_set_new(obj, "explain", cli_due_explain_json(e));
	return cli_json_print(obj);
}

int
cmd_due(int argc, char **argv)
{
	static const struct option options[] = {
		{"received", required_argument, NULL, 'r'},
		{"duration", required_argument, NULL, 'd'},
		{"unit", required_argument, NULL, 'u'},
		{"cutoff", required_argument, NULL, 'c'},
		{"calendar", required_argument, NULL, 'C'},
		{"config", required_argument, NULL, 'F'},
		{"json", no_argument, NULL, 'j'},
		{"explain", no_argument, NULL, 'e'},
		{NULL, 0, NULL, 0},
	};
	struct due_args a = {0};
	struct due_rule rule = DEADLINE_RULE_INIT;
	struct app_options ao = {.flags = APP_NO_STORE};
	const struct worktime *wt;
	struct calendar *cal;
	struct app *app = NULL;
	struct due_explanation ex = {0};
	mc_time received, start, due_at;
	char due_s[CIVIL_ISO_LEN];
	int opt, rc;

	cli_lang_init(NULL); /* messages in the clerk's language, usage errors too */
	optind = 0; /* GNU: full re-initialisation, in case of an earlier parse */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		switch (opt) {
		case 'r':
			a.received = optarg;
			break;
		case 'd':
			a.duration = optarg;
			break;
		case 'u':
			a.unit = optarg;
			break;
		case 'c':
			a.cutoff = optarg;
			break;
		case 'C':
			a.dir = optarg;
			break;
		case 'F':
			a.config_file = optarg;
			break;
		case 'j':
			a.json = true;
			break;
		case 'e':
			a.explain = true;
			break;
		case ':':
			return cli_usage_error(CMD, _("option '%s' needs a value"),
					       argv[optind - 1]);
		default:
			return cli_usage_error(CMD, _("unknown or malformed option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(CMD, _("unexpected argument '%s'"), argv[optind]);
	rc = build_rule(&a, &rule, &received);
	if (rc != CLI_OK)
		return rc;

	/* the configuration and calendar the inbox's due dates are computed with */
	ao.config_file = a.config_file;
	ao.calendar_dir = a.dir;
	if ((rc = cli_app_open_with(CMD, &ao, &app)) != CLI_OK)
		return rc;
	cal = app_calendar(app);
	wt = &app_config(app)->worktime;
	if (deadline_start(cal, wt, &rule, received, &start) < 0 ||
	    deadline_due(cal, wt, &rule, received, &due_at) < 0) {
		rc = cli_fail(CMD, _("cannot compute a due date for this rule"));
		goto out;
	}
	if (a.explain)
		due_explain(cal, wt, &rule, received, NULL, 0, &ex);
	if (a.json) {
		if (print_json(&rule, wt, received, start, due_at,
			       deadline_working_seconds(cal, wt, received, due_at),
			       a.explain ? &ex : NULL) < 0)
			rc = cli_fail(CMD, _("cannot encode JSON"));
	} else {
		puts(civil_format_iso(due_at, due_s, sizeof due_s));
		if (a.explain)
			cli_due_explain_print(&ex);
	}
	due_explanation_release(&ex);
	if (rc == CLI_OK && (fflush(stdout) != 0 || ferror(stdout)))
		rc = cli_fail(CMD, _("cannot write the output"));
out:
	app_close(app);
	return rc;
}
