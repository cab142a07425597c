/*
 * cmd_fetch.c - `motcua fetch CODE [N] [-o DIR]`: download attachment N
 * (1-based; the only one when there is one) of a dossier in the local store,
 * for support staff and scripts.  Resumes a .part left by an earlier run.
 * The download itself is the application's (app/download.h); this only
 * picks the attachment, drives the loop and prints the progress and path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/download.h"
#include "cli/cli.h"
#include "core/dossier.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/words.h"

int
cmd_fetch(int argc, char **argv)
{
	const char *code = NULL, *nth = NULL, *out_dir = NULL, *config_file = NULL;
	bool quiet = false;
	struct app *app = NULL;
	struct dossier d;
	struct app_dl_status st;
	struct mc_err err;
	char *end;
	uint64_t seq = 0;
	long n = 1;
	int rc = CLI_FAIL, found;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out_dir = argv[++i];
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config_file = argv[++i];
		else if (strcmp(argv[i], "-q") == 0)
			quiet = true;
		else if (argv[i][0] != '-' && code == NULL)
			code = argv[i];
		else if (argv[i][0] != '-' && nth == NULL)
			nth = argv[i];
		else
			return cli_usage_error("fetch", _("unexpected argument '%s'"), argv[i]);
	}
	if (code == NULL)
		return cli_usage_error("fetch", _("which dossier? give its code"));
	if (nth != NULL) {
		errno = 0;
		n = strtol(nth, &end, 10);
		if (errno != 0 || end == nth || *end != '\0' || n < 1)
			return cli_usage_error("fetch", _("N is the attachment's number, 1 or more"));
	}
	dossier_init(&d);
	rc = cli_app_open("fetch", config_file, NULL, APP_SYSTEMS | APP_WAIT_DISCOVERY, &app);
	if (rc != 0)
		return rc;
	rc = CLI_FAIL;
	found = app_dossier(app, code, &d);
	if (found != 0) {
		if (found < 0) {
			rc = cli_fail("fetch", "%s", app_store_error(app));
		} else {
			mc_err_set(&err, MC_E_NO_DOSSIER, NULL, NULL);
			mc_err_field(&err, code);
			rc = cli_fail_err("fetch", &err);
		}
		goto out;
	}
	if (d.n_attachments == 0) {
		rc = cli_fail("fetch", _("dossier %s has no attachments"), code);
		goto out;
	}
	if (nth == NULL && d.n_attachments > 1) {
		fputs("motcua fetch: ", stderr);
		cli_printf(stderr, _("dossier %s has %zu attachments; say which:\n"), code,
			   d.n_attachments);
		for (size_t i = 0; i < d.n_attachments; i++) {
			fprintf(stderr, "  %zu  ", i + 1);
			cli_printf(stderr, _("%s (%lld bytes)\n"),
				   d.attachments[i].name != NULL ? d.attachments[i].name : "-",
				   (long long)d.attachments[i].size);
		}
		rc = CLI_USAGE;
		goto out;
	}
	if ((size_t)n > d.n_attachments) {
		rc = cli_usage_error("fetch", _("dossier %s has %zu attachment(s)"), code,
				     d.n_attachments);
		goto out;
	}
	if (app_download_start(app, d.code, (size_t)n - 1, out_dir, &err) != 0) {
		rc = cli_fail_err("fetch", &err);
		goto out;
	}
	for (;;) {
		if (!app_download_status(app, &st))
			break;
		if (!quiet && st.seq != seq) {
			fputc('\r', stderr);
			fprintf(stderr, _("%llu / %llu bytes"), (unsigned long long)st.bytes,
				(unsigned long long)st.total);
		}
		seq = st.seq;
		if (st.state != APP_DL_RUNNING)
			break;
		if (app_wait(app, 1000, -1) < 0)
			break;
	}
	if (!quiet)
		fputc('\n', stderr);
	if (st.state != APP_DL_DONE) {
		char how[256];
		rc = cli_fail("fetch", _("%s%s%s; %llu bytes so far, %s"),
			      st.state == APP_DL_CANCELLED ? _("cancelled")
							   : words_download(st.error),
			      st.detail[0] != '\0' ? ": " : "", st.detail,
			      (unsigned long long)st.bytes,
			      cli_words_text(N_("run again to resume"), how, sizeof how));
		goto out;
	}
	/* the file is named after the system's name for it (src/sync/attach.c
	 * keeps bytes >= 0x80): its visible form, the same as the plain path
	 * for every name that cannot steer the terminal */
	cli_printf(stdout, "%s\n", st.path);
	rc = CLI_OK;
out:
	dossier_release(&d);
	app_close(app);
	return rc;
}
