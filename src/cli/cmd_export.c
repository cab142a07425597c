/*
 * cmd_export.c - `motcua export [--csv | --json] [--from DATE] [--to DATE]
 * [-o FILE [--force]] [--config FILE]`: the dashboard's statistics per
 * system, status and area for a spreadsheet or a script.
 *
 * Argument handling and output only: the figures are app_stats_period()'s
 * with APP_STATS_CELLS (the dashboard's computation, the same clock), the
 * CSV layout and the safe file write are app/export.c's.  DATEs are Vietnam
 * days, both inclusive: --from's 00:00 to --to's 23:59:59; they bound when
 * dossiers were received and finished (so the on-time rate), not the
 * counts of the store as it stands now.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/export.h"
#include "app/stats.h"
#include "cli/cli.h"
#include "core/civil.h"
#include "core/status.h"
#include "ui/i18n.h"

#define CMD "export"

/* The counts every JSON row carries, by the CSV's column names. */
static json_t *
counts_json(int64_t total, int64_t open, int64_t soon, int64_t overdue, int64_t finished,
	    int64_t early, int64_t on_time, int64_t late, int64_t unclassified)
{
	int rate = app_stats_rate_of(early, on_time, late);

	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "dossiers",
			 (json_int_t)total, "open", (json_int_t)open, "due_soon", (json_int_t)soon,
			 "overdue", (json_int_t)overdue, "finished", (json_int_t)finished, "early",
			 (json_int_t)early, "on_time", (json_int_t)on_time, "late",
			 (json_int_t)late, "unclassified", (json_int_t)unclassified, "on_time_rate",
			 rate < 0 ? json_null() : json_integer(rate));
}

static json_t *
row_json(const struct app_stats_row *r)
{
	return counts_json(r->total, r->open, r->soon, r->overdue, r->finished, r->early,
			   r->on_time, r->late, r->unclassified);
}

static int
print_json(const struct app_stats *s)
{
	json_t *o = json_object(), *systems = json_array(), *statuses = json_array();
	json_t *areas = json_array(), *rows = json_array(), *total = row_json(&s->all);
	char a[CIVIL_ISO_LEN], b[CIVIL_ISO_LEN], c[CIVIL_ISO_LEN];

	json_object_set_new(total, "received", json_integer(s->received));
	for (size_t i = 0; i < s->n_systems; i++) {
		json_t *r = row_json(&s->systems[i]);
		json_object_set_new(r, "system", json_string(s->systems[i].name));
		json_array_append_new(systems, r);
	}
	for (int st = STATUS_MIN; st <= STATUS_MAX; st++)
		json_array_append_new(statuses, json_pack("{s:i, s:s, s:I}", "status", st,
							  "status_label", status_label_vi(st),
							  "dossiers", (json_int_t)s->by_status[st]));
	for (size_t i = 0; i < s->n_areas; i++) {
		const struct app_stats_row *r = &s->areas[i];
		json_array_append_new(areas, json_pack("{s:s, s:I, s:I, s:I, s:I}", "area", r->name,
						       "dossiers", (json_int_t)r->total, "open",
						       (json_int_t)r->open, "due_soon",
						       (json_int_t)r->soon, "overdue",
						       (json_int_t)r->overdue));
	}
	for (size_t i = 0; i < s->n_cells; i++) {
		const struct app_stats_cell *cl = &s->cells[i];
		json_t *r = counts_json(cl->total, cl->open, cl->soon, cl->overdue, cl->finished,
					cl->early, cl->on_time, cl->late, cl->unclassified);
		json_object_set_new(r, "system", json_string(cl->system));
		json_object_set_new(r, "status", json_integer(cl->status));
		json_object_set_new(r, "status_label",
				    json_string(status_valid(cl->status) ? status_label_vi(cl->status)
									  : ""));
		json_object_set_new(r, "area", json_string(cl->area));
		json_object_set_new(r, "received", json_integer(cl->received));
		json_array_append_new(rows, r);
	}
	json_object_set_new(o, "now", json_string(civil_format_iso(s->now, a, sizeof a)));
	json_object_set_new(o, "from", json_string(civil_format_iso(s->since, b, sizeof b)));
	json_object_set_new(o, "to", json_string(civil_format_iso(s->until, c, sizeof c)));
	json_object_set_new(o, "capped", json_boolean(s->capped));
	json_object_set_new(o, "total", total);
	json_object_set_new(o, "systems", systems);
	json_object_set_new(o, "statuses", statuses);
	json_object_set_new(o, "areas", areas);
	json_object_set_new(o, "rows", rows);
	return cli_json_print(o);
}

static int
parse_day(const char *opt, const char *s, int32_t *day)
{
	if (civil_parse_date(s, day) != 0)
		return cli_usage_error(CMD, _("%s must be a date YYYY-MM-DD, not '%s'"), opt, s);
	return 0;
}

int
cmd_export(int argc, char **argv)
{
	static const struct option options[] = {
		{"csv", no_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"output", required_argument, NULL, 'o'},
		{"force", no_argument, NULL, 'y'},
		{"config", required_argument, NULL, 'F'},
		{NULL, 0, NULL, 0},
	};
	const char *from = NULL, *to = NULL, *output = NULL, *config_file = NULL;
	bool csv = false, json = false, force = false;
	int32_t from_day = 0, to_day = 0;
	mc_time since = 0, until = 0;
	struct app *app = NULL;
	struct app_stats s;
	struct mc_err err;
	int opt, rc;

	memset(&s, 0, sizeof s);
	cli_lang_init(NULL); /* usage errors in the clerk's language */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			csv = true;
			break;
		case 'j':
			json = true;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'y':
			force = true;
			break;
		case 'F':
			config_file = optarg;
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
		return cli_usage_error(CMD, _("too many arguments ('%s')"), argv[optind]);
	if (csv && json)
		return cli_usage_error(CMD, _("--csv and --json: choose one"));
	if (json && output != NULL)
		return cli_usage_error(CMD, _("--output is for --csv; --json goes to stdout"));
	if (force && output == NULL)
		return cli_usage_error(CMD, _("--force needs --output FILE"));
	if (output != NULL && strcmp(output, "-") == 0)
		output = NULL; /* stdout, as usual */
	if ((from != NULL && (rc = parse_day("--from", from, &from_day)) != 0) ||
	    (to != NULL && (rc = parse_day("--to", to, &to_day)) != 0))
		return rc;
	if (from != NULL && to != NULL && from_day > to_day)
		return cli_usage_error(CMD, _("--from %s is after --to %s"), from, to);
	if (from != NULL)
		since = civil_make_time(from_day, 0);
	if (to != NULL)
		until = civil_make_time(to_day + 1, 0) - 1; /* the whole day */

	if ((rc = cli_app_open(CMD, config_file, NULL, 0, &app)) != CLI_OK)
		return rc;
	rc = CLI_FAIL;
	/* the dashboard's clock and computation (app/stats.h) */
	if (app_stats_period(app, app_now(app), since, until, APP_STATS_CELLS, &s, &err) != 0) {
		rc = cli_fail_err(CMD, &err);
		goto out;
	}
	if (s.capped) /* as the dashboard's dim line says it */
		fprintf(stderr, _("motcua export: warning: finished dossiers counted over the %d "
				  "most recently changed only\n"),
			APP_STATS_FINISHED_MAX);
	if (json) {
		if (print_json(&s) != 0) {
			rc = cli_fail(CMD, _("cannot encode JSON"));
			goto out;
		}
	} else if (output == NULL) {
		if (app_export_csv(&s, stdout) != 0) {
			rc = cli_fail(CMD, _("cannot write the output"));
			goto out;
		}
	} else if (app_export_write(app, output, force ? APP_EXPORT_FORCE : 0, &s, &err) != 0) {
		char buf[768];
		if (err.code == MC_E_EXISTS)
			rc = cli_fail(CMD, _("'%s' exists already; --force replaces it"), output);
		else
			rc = cli_fail(CMD, "%s", cli_words_err(&err, buf, sizeof buf));
		goto out;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		rc = cli_fail(CMD, _("cannot write the output"));
		goto out;
	}
	rc = CLI_OK;
out:
	app_stats_release(&s);
	app_close(app);
	return rc;
}
