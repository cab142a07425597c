/*
 * cmd_sync.c - `motcua sync [--source S] [--json]`: one pass of every source
 * (or one), then a line per source: dossiers new and changed, bytes in and
 * out on the wire, the time it took and the error if any.  Exit 1 when any
 * source failed (the others still synced), 2 on bad usage.
 *
 * The work is the sync engine's (src/sync); this file only wires the
 * environment (sync/env.h) and prints.  Refused dossiers and warnings go to
 * stderr, one line each, naming the source or file, never personal data.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/xalloc.h"
#include "app/env.h"
#include "outbox/outbox_replay.h"
#include "app/privacy.h"

#define MAX_REFUSED_LINES 20

struct log_state {
	unsigned lines;
	unsigned dropped;
};

static void
on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "motcua sync: warning: %s\n", msg);
}

static void
on_log(void *ctx, const char *line)
{
	struct log_state *ls = ctx;

	if (strstr(line, "dossier refused") != NULL && ls->lines >= MAX_REFUSED_LINES) {
		ls->dropped++;
		return;
	}
	ls->lines++;
	fprintf(stderr, "motcua sync: %s\n", line);
}

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
print_human(const struct sync_report *r, size_t n)
{
	printf("%-10s %7s %8s %10s %10s %8s  %s\n", "source", "new", "changed", "bytes in",
	       "bytes out", "time", "error");
	for (size_t i = 0; i < n; i++) {
		char in[24], out[24];
		if (!r[i].ran)
			continue;
		human_bytes(r[i].bytes_in, in, sizeof in);
		human_bytes(r[i].bytes_out, out, sizeof out);
		printf("%-10s %7lld %8lld %10s %10s %6.1f s  %s\n", r[i].name,
		       (long long)r[i].n_new, (long long)r[i].n_changed, in, out,
		       (double)r[i].ms / 1000.0, r[i].ok ? "" : (r[i].error ? r[i].error : "failed"));
		if (r[i].n_rejected > 0)
			printf("%-10s %lld dossier(s) refused (see the messages above)\n", "",
			       (long long)r[i].n_rejected);
	}
}

static void
print_json(const struct sync_report *r, size_t n)
{
	json_t *list = json_array();
	json_t *root = json_pack("{s:o}", "sources", list);
	char *text;

	for (size_t i = 0; i < n; i++) {
		if (!r[i].ran)
			continue;
		json_array_append_new(
			list, json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s?}",
					"name",
					r[i].name, "ok", r[i].ok, "new", (json_int_t)r[i].n_new,
					"changed", (json_int_t)r[i].n_changed, "rejected",
					(json_int_t)r[i].n_rejected, "bytes_in",
					(json_int_t)r[i].bytes_in, "bytes_out",
					(json_int_t)r[i].bytes_out, "pull_bytes_in",
					(json_int_t)r[i].pull_in, "pull_bytes_out",
					(json_int_t)r[i].pull_out, "ms", (json_int_t)r[i].ms,
					"error", r[i].ok ? NULL : (r[i].error ? r[i].error : "failed")));
	}
	text = json_dumps(root, JSON_INDENT(0) | JSON_COMPACT);
	printf("%s\n", text);
	free(text);
	json_decref(root);
}

int
cmd_sync(int argc, char **argv)
{
	const char *only = NULL, *issuer = NULL, *config_file = NULL;
	bool json = false;
	struct sync_env env;
	struct sync_env_options opt = {0};
	struct log_state ls = {0};
	struct sync_report *reports = NULL;
	size_t n;
	char *cause = NULL;
	int rc = CLI_FAIL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--source") == 0 && i + 1 < argc)
			only = argv[++i];
		else if (strcmp(argv[i], "--issuer") == 0 && i + 1 < argc)
			issuer = argv[++i];
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config_file = argv[++i];
		else
			return cli_usage_error("sync", "unknown or incomplete option '%s'", argv[i]);
	}
	opt.config_file = config_file;
	opt.issuer = issuer;
	opt.sign_in = true;
	opt.sources = true;
	opt.cal = cli_open_calendar(NULL);
	opt.warn = on_warn;
	if (sync_env_open(&env, &opt, &cause) != 0) {
		rc = cli_fail("sync", "%s", cause);
		goto out;
	}
	if (env.session_error != NULL)
		fprintf(stderr, "motcua sync: warning: %s\n", env.session_error);
	else if (env.discovery_error != NULL)
		fprintf(stderr, "motcua sync: warning: discovery failed: %s\n", env.discovery_error);
	if (sync_n_sources(env.sync) == 0) {
		rc = cli_fail("sync", "no sources: sign in with 'motcua login --issuer URL' (a "
				      "sandbox publishes its systems) or add files to %s/sources.d",
			      env.paths.config_dir);
		goto out;
	}
	/* the engine logs through a hook set at creation; route it to stderr */
	sync_set_log(env.sync, on_log, &ls);
	if (sync_start(env.sync, only) != 0) {
		rc = cli_usage_error("sync", "no source named '%s'", only);
		goto out;
	}
	while (sync_busy(env.sync)) {
		sync_flush(env.sync);
		if (!sync_busy(env.sync))
			break;
		if (net_poll(env.net, 1000, NULL, 0) < 0)
			break;
	}
	sync_flush(env.sync);
	/* then the offline queue (doc/outbox.md); longer waits: the next sync */
	{
		struct outbox_replay_stats ost;
		int64_t left = 0;
		if (cli_outbox_send(&env, only, 10000, json, &ost, &left) < 0)
			fprintf(stderr, "motcua sync: queue: %s\n", store_errmsg(env.store));
		else if (ost.applied + ost.conflicts + ost.failed + (uint64_t)left > 0)
			fprintf(json ? stderr : stdout,
				"queue: %llu applied, %llu conflict(s), %llu refused, %lld waiting\n",
				(unsigned long long)ost.applied, (unsigned long long)ost.conflicts,
				(unsigned long long)ost.failed, (long long)left);
	}
	/* then the audit log, and finished dossiers past retention (doc/security.md) */
	cli_audit_ship(&env, 10000, json ? stderr : stdout);
	{
		int64_t purged = 0;
		if (privacy_retention(env.store, env.cfg.retention_days, (mc_time)time(NULL),
				      &purged) != 0)
			fprintf(stderr, "motcua sync: retention: %s\n", store_errmsg(env.store));
		else if (purged > 0)
			fprintf(json ? stderr : stdout,
				"retention: %lld finished dossier(s) older than %d days removed "
				"from this terminal\n", (long long)purged, env.cfg.retention_days);
	}
	if (ls.dropped > 0)
		fprintf(stderr, "motcua sync: ... and %u more refused dossier(s)\n", ls.dropped);
	n = sync_n_sources(env.sync);
	reports = xcalloc(n, sizeof *reports);
	sync_reports(env.sync, reports, n);
	if (json)
		print_json(reports, n);
	else
		print_human(reports, n);
	rc = CLI_OK;
	for (size_t i = 0; i < n; i++)
		if (reports[i].ran && !reports[i].ok)
			rc = CLI_FAIL;
out:
	free(reports);
	free(cause);
	sync_env_release(&env);
	return rc;
}
