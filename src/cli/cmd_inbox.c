/*
 * cmd_inbox.c - `motcua inbox`: the unified inbox from the local store,
 * filtered and sorted, as an aligned table that fits 80 columns (display
 * width of Vietnamese, ui/textwidth.h) or as JSON for scripts.
 *
 * It reads the store only (no network).  "Coming due" is one working day
 * (config due_soon_minutes of working time) counted with the calendar, so a
 * Friday afternoon sees Monday's dossiers as coming due: the thresholds are
 * app_horizon()'s, the same as the console's (doc/deadlines.md, "One
 * rule").  Dates are ISO 8601 with +07:00 in JSON.
 *
 * `--search -` reads the text from standard input instead: an ID number
 * given as an argument is in the process list (ps, /proc/PID/cmdline) for
 * every user of the machine while the command runs (DESIGN.md section 7:
 * no citizen ID number in an argument list).
 */
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/status.h"
#include "core/visible.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/words.h"

struct out {
	bool json;
	json_t *list;
	size_t rows;
};

static json_t *
iso_or_null(mc_time t)
{
	char buf[CIVIL_ISO_LEN];
	return t != 0 ? json_string(civil_format_iso(t, buf, sizeof buf)) : json_null();
}

static void
cell(const char *s, int cols)
{
	char buf[8 * 40 + 8];
	ui_text_fit(s != NULL ? s : "", cols, true, buf, sizeof buf);
	fputs(buf, stdout);
}

static int
on_row(void *ctx, const struct store_row *r)
{
	struct out *o = ctx;

	o->rows++;
	if (o->json) {
		json_t *row = json_pack(
			"{s:s, s:s, s:s?, s:s?, s:s?, s:i, s:s, s:s?, s:o, s:o, s:o, s:s, s:b, s:o, "
			"s:s?, s:o}",
			"code", r->code, "source", r->source, "procedure_code", r->procedure_code,
			"procedure_name", r->procedure_name, "applicant_name", r->applicant_name,
			"status", r->status, "status_label", words_status(r->status), "raw_status",
			r->raw_status, "received_at", iso_or_null(r->received_at), "source_due_at",
			iso_or_null(r->source_due_at), "due_at", iso_or_null(r->due_at), "due_class",
			app_due_class_name(r->due_class), "mismatch", r->mismatch, "coord_status",
			r->coord_status != 0 ? (json_t *)json_integer(r->coord_status) : json_null(),
			"area", r->area, "finished_at", iso_or_null(r->finished_at));
		json_array_append_new(o->list, row);
		return 0;
	}
	{
		char due[32] = "";
		const char *flag = r->due_class == STORE_DUE_OVERDUE ? "!" :
				   r->due_class == STORE_DUE_SOON    ? "~" : " ";
		if (r->due_at != 0) {
			struct civil_time ct = civil_split(r->due_at);
			snprintf(due, sizeof due, "%02d/%02d %02d:%02d", ct.date.day, ct.date.month,
				 ct.hour, ct.minute);
		}
		cell(r->code, 19);
		fputc(' ', stdout);
		cell(r->source, 6);
		fputc(' ', stdout);
		cell(words_status(r->status), 16);
		fputc(' ', stdout);
		cell(r->applicant_name, 19);
		fputc(' ', stdout);
		cell(due, 11);
		printf(" %s%s\n", flag, r->mismatch ? "≠" : " ");
	}
	return 0;
}

/* The longest search text read from standard input, in bytes: a name, a
 * dossier code or an ID number is far shorter. */
#define SEARCH_MAX 256

/* "motcua inbox: <why>" on one line, without the usage; returns CLI_USAGE. */
static int
refuse(const char *why)
{
	cli_printf(stderr, "motcua inbox: %s\n", why);
	return CLI_USAGE;
}

/* Whether buf[0..len) is UTF-8 text: valid, no NUL byte. */
static bool
utf8_text(const char *buf, size_t len)
{
	uint32_t cp;

	for (size_t at = 0, n; at < len; at += n) {
		n = visible_decode(buf + at, len - at, &cp);
		if (n == 0 || cp == 0)
			return false;
	}
	return true;
}

/*
 * `--search -`: one line of standard input into buf (SEARCH_MAX + 1 bytes),
 * without its line end.  Returns 0, or CLI_USAGE after one line saying why
 * (nothing read, too long, not UTF-8 text).
 */
static int
search_from_stdin(char *buf)
{
	size_t len = 0;
	int c;

	while ((c = getchar()) != EOF && c != '\n') {
		if (len == SEARCH_MAX) {
			char why[256];

			snprintf(why, sizeof why,
				 _("--search -: the line on standard input is longer than %d bytes"),
				 SEARCH_MAX);
			return refuse(why);
		}
		buf[len++] = (char)c;
	}
	if (len > 0 && buf[len - 1] == '\r')
		len--; /* a line written on Windows */
	buf[len] = '\0';
	if (!utf8_text(buf, len))
		return refuse(_("--search -: standard input is not UTF-8 text"));
	if (len == 0)
		return refuse(_("--search -: no text on standard input"));
	return 0;
}

static void
header(void)
{
	cell(_("CODE"), 19);
	fputc(' ', stdout);
	cell(_("SOURCE"), 6);
	fputc(' ', stdout);
	cell(_("STATUS"), 16);
	fputc(' ', stdout);
	cell(_("APPLICANT"), 19);
	fputc(' ', stdout);
	cell(_("DUE"), 11);
	fputc('\n', stdout);
}

int
cmd_inbox(int argc, char **argv)
{
	struct app *app = NULL;
	struct store_query q;
	struct out o = {0};
	const char *config_file = NULL;
	char search[SEARCH_MAX + 1] = "";
	char *end;
	mc_time now = (mc_time)time(NULL);
	int rc = CLI_FAIL;
	int64_t count = 0;
	bool limit_given = false, want_new = false;
	enum { ORDER_DEFAULT, ORDER_ASC, ORDER_DESC } order = ORDER_DEFAULT;
	struct app_filter filter;

	app_query_init(NULL, &q, now);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--json") == 0) {
			o.json = true;
		} else if (strcmp(a, "--mismatch") == 0) {
			q.mismatch_only = true;
		} else if (strcmp(a, "--new") == 0) {
			want_new = true;
		} else if (strcmp(a, "--desc") == 0) {
			order = ORDER_DESC;
		} else if (strcmp(a, "--asc") == 0) {
			order = ORDER_ASC;
		} else if (v == NULL) {
			return cli_usage_error("inbox", _("unknown or incomplete option '%s'"), a);
		} else if (strcmp(a, "--source") == 0) {
			q.source = v;
			i++;
		} else if (strcmp(a, "--search") == 0) {
			q.search = v;
			i++;
		} else if (strcmp(a, "--config") == 0) {
			config_file = v;
			i++;
		} else if (strcmp(a, "--status") == 0) {
			long s = strtol(v, &end, 10);
			if (*end != '\0' || !status_valid((int)s))
				return cli_usage_error("inbox", _("--status must be 1..10"));
			q.status = (int)s;
			i++;
		} else if (strcmp(a, "--due") == 0) {
			int c = app_due_class_from_name(v);
			if (c != STORE_DUE_SOON && c != STORE_DUE_OVERDUE)
				return cli_usage_error("inbox", _("--due must be soon or overdue"));
			q.due = (enum store_due_class)c;
			i++;
		} else if (strcmp(a, "--sort") == 0) {
			int s = app_sort_from_name(v);
			if (s < 0)
				return cli_usage_error(
					"inbox", _("--sort must be due, received, status, code, "
						   "updated, applicant, procedure, system or area"));
			q.sort = (enum store_sort)s;
			i++;
		} else if (strcmp(a, "--limit") == 0) {
			long n = strtol(v, &end, 10);
			if (*end != '\0' || v[0] == '\0' || n < 0 || n > 10000000)
				return cli_usage_error("inbox", _("--limit must be a number >= 0"));
			q.limit = n;
			limit_given = true;
			i++;
		} else {
			return cli_usage_error("inbox", _("unknown option '%s'"), a);
		}
	}
	if (q.search != NULL && strcmp(q.search, "-") == 0) {
		cli_lang_init(NULL); /* its refusals in the clerk's language */
		if ((rc = search_from_stdin(search)) != 0) {
			explicit_bzero(search, sizeof search);
			return rc;
		}
		q.search = search;
	}
	/* received: the newest first unless --asc says otherwise */
	q.descending = order == ORDER_DESC ||
		       (order == ORDER_DEFAULT && q.sort == STORE_SORT_RECEIVED);
	if (o.json && !limit_given)
		q.limit = 0; /* scripts get every row unless they ask for fewer */
	rc = cli_app_open("inbox", config_file, NULL, 0, &app);
	if (rc != 0)
		goto out;
	if ((rc = cli_check_system("inbox", app, q.source)) != 0)
		goto out;
	rc = CLI_FAIL;
	app_query_clock(app, &q, app_now(app)); /* the one rule, as the console */
	app_query_source(app, &q, q.source); /* dvcqg: what it carries too */
	if (q.search != NULL) {
		/* field filters in the text, as in the console's search box */
		struct mc_err ferr;

		if (app_filter_parse(app, q.search, &q, &filter, &ferr) != 0) {
			rc = cli_refuse_err("inbox", &ferr);
			goto out;
		}
	}
	if (want_new) {
		/* none yet: a row id no dossier has */
		q.after_id = app_arrivals_since(app);
		if (q.after_id == 0)
			q.after_id = INT64_MAX;
	}
	if (o.json)
		o.list = json_array();
	else
		header();
	if (app_inbox_each(app, &q, on_row, &o) != 0) {
		rc = cli_fail("inbox", "%s", app_store_error(app));
		goto out;
	}
	if (o.json) {
		char *text = json_dumps(o.list, JSON_COMPACT);
		printf("%s\n", text);
		free(text);
	} else if (app_inbox_count(app, &q, 0, &count) == 0 && (int64_t)o.rows < count) {
		printf(_("(%zu of %lld; --limit N shows more)\n"), o.rows, (long long)count);
	} else if (o.rows == 0) {
		printf("%s\n", _("(no dossiers; run 'motcua sync')"));
	}
	rc = CLI_OK;
out:
	explicit_bzero(search, sizeof search); /* it may be an ID number */
	json_decref(o.list);
	app_close(app);
	return rc;
}
