/*
 * cmd_console.c - `motcua console` (and `motcua` alone): open the
 * application - the configuration, the store in the data folder, the
 * sign-in of the remembered server (or $MOTCUA_ISSUER,
 * config.json), the systems - and run the console (ui/console.h) on it.
 * The screens are ui/'s; what runs beside them is the app's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/signin.h"
#include "cli/cli.h"
#include "core/xalloc.h"
#include "ui/console.h"
#include "ui/i18n.h"
#include "ui/words.h"

#define PULL_EVERY_S 300 /* between automatic pulls while the console runs */

/* The first warning while opening, shown as the console's opening notice. */
static void
on_warn(void *ctx, const struct mc_err *w)
{
	char **notice = ctx;
	char buf[512];

	if (*notice == NULL)
		*notice = xstrdup(words_err(w, buf, sizeof buf));
}

int
cmd_console(int argc, char **argv)
{
	struct app_options ao = {.flags = APP_SYSTEMS, .pull_every_s = PULL_EVERY_S,
				 .via = "console"};
	struct ui_options opt = {0};
	struct app *app = NULL;
	struct config_error ce;
	struct mc_err err;
	const char *lang = NULL;
	char *cause = NULL, *notice = NULL, buf[512];
	int rc = CLI_FAIL;

	cli_lang_init(NULL); /* usage errors in the clerk's language too */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--training") == 0) {
			opt.training = true;
		} else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) {
			lang = argv[++i];
			if (strcmp(lang, "vi") != 0 && strcmp(lang, "en") != 0)
				return cli_usage_error("console", _("--lang must be vi or en"));
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			ao.config_file = argv[++i];
		} else {
			return cli_usage_error("console", _("unknown option '%s'"), argv[i]);
		}
	}
	ao.warn = on_warn;
	ao.warn_ctx = &notice;
	ao.config_error = &ce;
	/* before the screen: said on the terminal it will take over */
	ao.due_progress = cli_due_progress;
	ao.due_progress_ctx = "console";
	if (app_open(&app, &ao, &err) != 0) {
		rc = err.code == MC_E_CONFIG ? cli_config_err("console", &ce)
					     : cli_fail_err("console", &err);
		goto out;
	}
	/* a sign-in server that is set up wrong is said; none at all is not */
	if (notice == NULL && !app_signin_available(app) &&
	    app_systems_error(app)->code == MC_E_CONFIG)
		notice = xstrdup(words_err(app_systems_error(app), buf, sizeof buf));
	opt.app = app;
	opt.language = lang;
	opt.notice = notice;
	if (ui_run(&opt, &cause) != 0) {
		rc = cli_fail("console", "%s", cause);
		goto out;
	}
	rc = CLI_OK;
out:
	app_close(app);
	free(notice);
	free(cause);
	return rc;
}
