/*
 * cmd_sync.c - `motcua sync [--source S | --resync S|all] [--json]`: one
 * pass of every source (or one), then a line per source: dossiers new and
 * changed, bytes in and out on the wire, the time it took and the error if
 * any.  --resync forgets the system's position first, so it is read from
 * the start.  Exit 1 when any source failed (the others still synced), 2 on
 * bad usage.
 *
 * The work is the application's (app_sync: the pull, the queue, the audit
 * log, retention); this file parses and prints.  Refused dossiers and warnings go to
 * stderr, one line each, naming the source or file, never personal data.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/words.h"

#define MAX_SYSTEMS 64

static void
human_bytes(uint64_t b, char *buf, size_t size)
{
	if (b < 10 * 1024)
		snprintf(buf, size, "%llu B", (unsigned long long)b);
	else if (b < 10 * 1024 * 1024)
		snprintf(buf, size, "%.1f KB", (double)b / 1024.0);
	else
		snprintf(buf, size, "%.1f MB", (double)b / (1024.0 * 1024.0));
}

static void
print_human(const struct app_sync_report *r, size_t n)
{
	char err[768];
	/* each column as wide as its heading in the current language */
	int w_name = cli_wider(10, _("source")), w_new = cli_wider(7, _("new")),
	    w_changed = cli_wider(8, _("changed")), w_in = cli_wider(10, _("bytes in")),
	    w_out = cli_wider(10, _("bytes out")), w_time = cli_wider(8, _("time"));

	cli_pad(_("source"), w_name);
	putchar(' ');
	cli_pad_left(_("new"), w_new);
	putchar(' ');
	cli_pad_left(_("changed"), w_changed);
	putchar(' ');
	cli_pad_left(_("bytes in"), w_in);
	putchar(' ');
	cli_pad_left(_("bytes out"), w_out);
	putchar(' ');
	cli_pad_left(_("time"), w_time);
	printf("  %s\n", _("error"));
	for (size_t i = 0; i < n; i++) {
		char in[24], out[24];
		if (!r[i].ran)
			continue;
		human_bytes(r[i].bytes_in, in, sizeof in);
		human_bytes(r[i].bytes_out, out, sizeof out);
		cli_pad(r[i].name, w_name);
		printf(" %*lld %*lld %*s %*s %*.1f s  %s\n", w_new, (long long)r[i].n_new,
		       w_changed, (long long)r[i].n_changed, w_in, in, w_out, out, w_time - 2,
		       (double)r[i].ms / 1000.0,
		       r[i].ok || r[i].error == NULL ? "" : words_err(r[i].error, err, sizeof err));
		if (r[i].n_rejected > 0) {
			printf("%*s ", w_name, "");
			printf(_("%lld dossier(s) refused (see the messages above)\n"),
			       (long long)r[i].n_rejected);
		}
	}
}

static void
print_json(const struct app_sync_report *r, size_t n)
{
	json_t *list = json_array();
	json_t *root = json_pack("{s:o}", "sources", list);
	char *text, err[768];

	for (size_t i = 0; i < n; i++) {
		if (!r[i].ran)
			continue;
		json_array_append_new(
			list,
			json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s?, s:s?}",
				  "name", r[i].name, "ok", r[i].ok, "new", (json_int_t)r[i].n_new,
				  "changed", (json_int_t)r[i].n_changed, "rejected",
				  (json_int_t)r[i].n_rejected, "read", (json_int_t)r[i].n_seen,
				  "bytes_in", (json_int_t)r[i].bytes_in,
				  "bytes_out", (json_int_t)r[i].bytes_out, "pull_bytes_in",
				  (json_int_t)r[i].pull_in, "pull_bytes_out",
				  (json_int_t)r[i].pull_out, "ms", (json_int_t)r[i].ms, "error",
				  r[i].ok || r[i].error == NULL
					  ? NULL
					  : words_err(r[i].error, err, sizeof err),
				  "error_code",
				  r[i].ok || r[i].error == NULL ? NULL : mc_err_name(r[i].error->code)));
	}
	text = json_dumps(root, JSON_INDENT(0) | JSON_COMPACT);
	printf("%s\n", text);
	free(text);
	json_decref(root);
}

int
cmd_sync(int argc, char **argv)
{
	const char *only = NULL, *issuer = NULL, *config_file = NULL, *resync = NULL;
	bool json = false;
	long max_time = 0;
	struct app *app = NULL;
	struct app_sync_report reports[MAX_SYSTEMS];
	struct app_queue_report q;
	struct app_audit_report au;
	struct cli_events ev;
	struct mc_err err;
	size_t n;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--source") == 0 && i + 1 < argc)
			only = argv[++i];
		else if (strcmp(argv[i], "--resync") == 0 && i + 1 < argc)
			resync = argv[++i];
		else if (strcmp(argv[i], "--issuer") == 0 && i + 1 < argc)
			issuer = argv[++i];
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config_file = argv[++i];
		else if (strcmp(argv[i], "--max-time") == 0 && i + 1 < argc) {
			char *end = NULL;
			max_time = strtol(argv[++i], &end, 10);
			if (*argv[i] == '\0' || *end != '\0' || max_time < 1 || max_time > 86400)
				return cli_usage_error("sync",
						       _("--max-time takes seconds, 1 to 86400"));
		} else
			return cli_usage_error("sync", _("unknown or incomplete option '%s'"),
					       argv[i]);
	}
	if (resync != NULL && only != NULL && strcmp(resync, only) != 0)
		return cli_usage_error("sync", _("--source and --resync name different systems"));
	rc = cli_app_open("sync", config_file, issuer, APP_SYSTEMS | APP_WAIT_DISCOVERY, &app);
	if (rc != 0)
		return rc;
	/* "all" is every system, unless one is named so */
	if (resync != NULL)
		only = strcmp(resync, "all") == 0 && !app_has_system(app, "all") ? NULL : resync;
	if ((rc = cli_check_system("sync", app, only)) != 0)
		goto out;
	cli_events_init(&ev, "sync", json);
	app_set_events(app, cli_on_event, &ev);
	app_sync_limit(app, (int64_t)max_time * 1000);
	rc = resync != NULL ? app_resync(app, only, 10000, &err) : app_sync(app, only, 10000, &err);
	cli_events_end(&ev);
	if (rc < 0) {
		rc = err.code == MC_E_NOT_CONFIGURED ? cli_usage_err("sync", &err)
						     : cli_fail_err("sync", &err);
		goto out;
	}
	/* what the queue, the audit log and retention did after the pull */
	app_queue_report(app, &q);
	if (q.applied + q.conflicts + q.failed + (uint64_t)q.remaining > 0)
		fprintf(json ? stderr : stdout,
			_("queue: %llu applied, %llu conflict(s), %llu refused, %lld waiting\n"),
			(unsigned long long)q.applied, (unsigned long long)q.conflicts,
			(unsigned long long)q.failed, (long long)q.remaining);
	(void)app_audit_ship(app, 0, &au);
	if (au.configured && (au.shipped > 0 || au.waiting > 0))
		fprintf(json ? stderr : stdout,
			au.shipped == 1 ? _("audit: %lld entry shipped, %lld waiting\n")
					: _("audit: %lld entries shipped, %lld waiting\n"),
			(long long)au.shipped, (long long)(au.waiting > 0 ? au.waiting : 0));
	if (au.configured && au.error.code != MC_OK) {
		char buf[1280];
		fprintf(stderr, "motcua sync: %s: %s%s\n", _("audit log"),
			cli_words_err(&au.error, buf, sizeof buf),
			au.conflict ? " - motcua audit verify" : "");
	}
	if (app_retention_last(app) > 0)
		fprintf(json ? stderr : stdout,
			_("retention: %lld finished dossier(s) older than %d days removed "
			  "from this terminal\n"),
			(long long)app_retention_last(app),
			app_config(app)->retention_days);
	n = app_sync_reports(app, reports, MAX_SYSTEMS);
	if (json)
		print_json(reports, n);
	else
		print_human(reports, n);
	rc = rc == 0 ? CLI_OK : CLI_FAIL;
out:
	app_close(app);
	return rc;
}
