/*
 * cmd_calendar.c - `motcua calendar YEAR [--json] [--calendar DIR]
 * [--config FILE]`: the days off of a year (statutory holidays, nghỉ bù,
 * override days) and the days an override declared working.
 *
 * Argument handling and output only; the days come from the app's calendar,
 * the one the inbox's due dates are computed with: the notices of the
 * calendar/ folders (or --calendar's alone) and the configured workweek,
 * which decides which holidays fall on a weekly rest day (nghỉ bù).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/civil.h"
#include "ui/i18n.h"

#define CMD "calendar"
#define YEAR_MIN 1900
#define YEAR_MAX 2100

/* Indexed by enum calendar_kind. */
static const char *const kind_json[] = {
	[CALENDAR_STATUTORY] = "statutory",
	[CALENDAR_COMPENSATORY] = "compensatory",
	[CALENDAR_OVERRIDE] = "override",
};
/* Words for people: translated where printed. */
static const char *const kind_label[] = {
	[CALENDAR_STATUTORY] = N_("holiday"),
	[CALENDAR_COMPENSATORY] = N_("day in lieu"),
	[CALENDAR_OVERRIDE] = N_("by notice"),
};
static const char *const weekday_names[7] = {
	N_("Sunday"), N_("Monday"), N_("Tuesday"), N_("Wednesday"),
	N_("Thursday"), N_("Friday"), N_("Saturday"),
};

/* Columns on a terminal: Vietnamese text is NFC, one code point per column. */
static int
columns(const char *s)
{
	int n = 0;
	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void
print_padded(const char *s, int width)
{
	fputs(s, stdout);
	for (int i = columns(s); i < width; i++)
		putchar(' ');
}

static void
print_day(const struct calendar_day *d, const char *label)
{
	char date[CIVIL_DATE_LEN];

	printf("%s  ", civil_format_date(d->day, date, sizeof date));
	print_padded(_(weekday_names[civil_weekday(d->day)]), 10);
	print_padded(_(label), 16);
	cli_printf(stdout, "%s\n", d->name); /* a notice file's words */
}

static json_t *
days_json(const struct calendar_day *days, size_t n, bool with_kind)
{
	json_t *array = json_array();
	char date[CIVIL_DATE_LEN];

	for (size_t i = 0; i < n; i++) {
		json_t *obj = json_pack("{s:s, s:s}", "date",
					civil_format_date(days[i].day, date, sizeof date),
					"name", days[i].name);
		if (obj != NULL && with_kind)
			json_object_set_new(obj, "kind", json_string(kind_json[days[i].kind]));
		/* the document a notice's day follows, when its file names one */
		if (obj != NULL && days[i].source != NULL)
			json_object_set_new(obj, "source", json_string(days[i].source));
		json_array_append_new(array, obj);
	}
	return array;
}

static int
print_json(int year, const struct calendar_day *off, size_t n_off,
	   const struct calendar_day *working, size_t n_working)
{
	json_t *obj = json_object();

	json_object_set_new(obj, "year", json_integer(year));
	json_object_set_new(obj, "days_off", days_json(off, n_off, true));
	json_object_set_new(obj, "working_days", days_json(working, n_working, false));
	return cli_json_print(obj);
}

static void
print_human(int year, const struct calendar_day *off, size_t n_off,
	    const struct calendar_day *working, size_t n_working)
{
	printf(_("Days off in %d (besides the weekly days off):\n"), year);
	for (size_t i = 0; i < n_off; i++)
		print_day(&off[i], kind_label[off[i].kind]);
	if (n_working == 0)
		return;
	printf("\n%s\n", _("Working days set by notice:"));
	for (size_t i = 0; i < n_working; i++)
		print_day(&working[i], N_("working"));
}

static int
parse_year(const char *s, int *year)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < YEAR_MIN || v > YEAR_MAX)
		return -1;
	*year = (int)v;
	return 0;
}

int
cmd_calendar(int argc, char **argv)
{
	static const struct option options[] = {
		{"json", no_argument, NULL, 'j'},
		{"calendar", required_argument, NULL, 'c'},
		{"config", required_argument, NULL, 'F'},
		{NULL, 0, NULL, 0},
	};
	bool json = false;
	struct app_options ao = {.flags = APP_NO_STORE};
	const struct calendar_day *off, *working;
	size_t n_off, n_working;
	struct calendar *cal;
	struct app *app = NULL;
	int opt, year, rc = CLI_OK;

	cli_lang_init(NULL); /* messages in the clerk's language, usage errors too */
	optind = 0; /* GNU: full re-initialisation, in case of an earlier parse */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'c':
			ao.calendar_dir = optarg;
			break;
		case 'F':
			ao.config_file = optarg;
			break;
		case ':':
			return cli_usage_error(CMD, _("option '%s' needs a value"),
					       argv[optind - 1]);
		default:
			return cli_usage_error(CMD, _("unknown or malformed option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(CMD, _("missing the YEAR"));
	if (argc - optind > 1)
		return cli_usage_error(CMD, _("too many arguments ('%s')"), argv[optind + 1]);
	if (parse_year(argv[optind], &year) < 0)
		return cli_usage_error(CMD, _("YEAR must be a number in %d..%d, not '%s'"),
				       YEAR_MIN, YEAR_MAX, argv[optind]);

	if ((rc = cli_app_open_with(CMD, &ao, &app)) != CLI_OK)
		return rc;
	cal = app_calendar(app);
	n_off = calendar_days_off(cal, year, &off);
	n_working = calendar_working_overrides(cal, year, &working);
	if (json) {
		if (print_json(year, off, n_off, working, n_working) < 0)
			rc = cli_fail(CMD, _("cannot encode JSON"));
	} else {
		print_human(year, off, n_off, working, n_working);
	}
	app_close(app);
	if (rc == CLI_OK && (fflush(stdout) != 0 || ferror(stdout)))
		rc = cli_fail(CMD, _("cannot write the output"));
	return rc;
}
