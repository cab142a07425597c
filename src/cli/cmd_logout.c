/*
 * cmd_logout.c - `motcua logout [--wipe [--force]]`: end the sign-in
 * everywhere we can, and on a shared terminal remove what the clerk leaves
 * behind.
 *
 * Revokes the refresh token at the provider when it answers (which ends every
 * token of that sign-in), then removes it from the keyring and wipes memory
 * whatever the provider said.  The sign-out is recorded in the audit log.
 *
 * With --wipe (or "shared_terminal": true in config.json) the local cache
 * goes too: the store with its -wal/-shm and its data key (app/privacy.h).
 * Queued work is never lost silently: while the queue holds unsent actions,
 * or the audit log holds entries the server does not have yet (they are
 * shipped first, if the server answers), the wipe is refused - the tokens
 * are removed all the same - unless --force, which says what was lost and
 * records it as the first entry of the new, empty store's audit log, so the
 * server learns where the old chain ended (doc/security.md).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/logout.h"
#include "cli/cli.h"
#include "ui/i18n.h"
#include "ui/words.h"

static int
sign_out(struct app *app)
{
	char detail[256];
	enum app_signin_result r;

	if (!app_signin_available(app))
		return CLI_OK;
	r = app_sign_out(app, detail, sizeof detail);
	if (r == APP_SIGNIN_OK) {
		printf("%s", strcmp(detail, "nothing stored") == 0
				     ? _("Signed out; nothing was stored\n")
				     : _("Signed out\n"));
	} else if (r == APP_SIGNIN_OFFLINE) {
		printf("%s", _("Signed out on this terminal: its tokens were removed\n"));
		cli_printf(stderr, "motcua logout: %s\n", detail); /* the server's words */
	} else {
		char buf[640];
		return cli_fail("logout", "%s%s%s", cli_words_signin(r, buf, sizeof buf), detail[0] != '\0' ? " " : "",
				detail);
	}
	return CLI_OK;
}

int
cmd_logout(int argc, char **argv)
{
	struct app_options o = {.flags = APP_SIGN_IN};
	bool wipe = false, force = false;
	struct app_wipe_plan plan;
	struct app *app = NULL;
	struct mc_err err;
	char buf[768];
	int rc = CLI_OK, out_rc;

	cli_lang_init(NULL); /* usage errors in the clerk's language too */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--issuer") == 0 && i + 1 < argc)
			o.issuer = argv[++i];
		else if (strcmp(argv[i], "--client-id") == 0 && i + 1 < argc)
			o.client_id = argv[++i];
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			o.config_file = argv[++i];
		else if (strcmp(argv[i], "--wipe") == 0)
			wipe = true;
		else if (strcmp(argv[i], "--force") == 0)
			force = true;
		else
			return cli_usage_error("logout", _("unexpected argument '%s'"), argv[i]);
	}
	if (force && !wipe)
		return cli_usage_error("logout", _("--force only goes with --wipe"));
	rc = cli_app_open_with("logout", &o, &app);
	if (rc != 0)
		return rc;
	wipe = wipe || app_config(app)->shared_terminal;
	if (!app_signin_available(app)) {
		const struct mc_err *why = app_systems_error(app);
		const char *msg = why->detail[0] != '\0' ? why->detail
							 : _("no sign-in server configured");
		if (!wipe) {
			rc = cli_fail("logout", "%s", msg);
			goto out;
		}
		cli_printf(stderr, "motcua logout: %s\n", msg); /* the local part still goes */
	}
	/* a wipe ships the audit log first: the coordination system's link */
	if (wipe && app_signin_available(app) && app_systems_open(app, true, &err) != 0)
		fprintf(stderr, "motcua logout: %s\n", cli_words_err(&err, buf, sizeof buf));
	if (app_logout_prepare(app, wipe, 15000, &plan, &err) != 0) {
		rc = cli_fail_err("logout", &err);
		goto out;
	}
	if (!wipe) {
		rc = sign_out(app);
		goto out;
	}
	if (plan.ship_error.code != MC_OK)
		fprintf(stderr, "motcua logout: %s\n",
			cli_words_err(&plan.ship_error, buf, sizeof buf));
	if ((plan.unsent > 0 || plan.audit_waiting > 0) && !force) {
		char details[96];

		snprintf(details, sizeof details, "{\"unsent\":%" PRId64 ",\"audit_waiting\":%" PRId64
			 "}", plan.unsent, plan.audit_waiting);
		(void)app_audit_note(app, NULL, STORE_AUDIT_WIPE_REFUSED, NULL, details, &err);
		sign_out(app);
		rc = cli_fail("logout", _("the local cache was NOT removed: %lld queued "
					  "action(s) not sent yet and %lld audit entry(ies) not yet "
					  "on the server. Connect and run 'motcua sync', then "
					  "'motcua logout --wipe'; or 'motcua logout --wipe --force' "
					  "to lose them"),
			      (long long)plan.unsent, (long long)plan.audit_waiting);
		goto out;
	}
	out_rc = sign_out(app);
	if (app_wipe(app, &plan, plan.unsent + plan.audit_waiting > 0, &err) != 0) {
		rc = cli_fail_err("logout", &err);
		goto out;
	}
	if (plan.unsent + plan.audit_waiting > 0)
		fprintf(stderr,
			_("motcua %s: --force: %lld queued action(s) and %lld audit entry(ies) "
			  "were lost\n"),
			"logout", (long long)plan.unsent, (long long)plan.audit_waiting);
	printf("%s", _("Local cache removed\n"));
	rc = out_rc;
out:
	app_close(app);
	return rc;
}
