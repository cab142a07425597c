/*
 * cmd_login.c - `motcua login`: sign the official in with a phone approval.
 *
 * Shows the device sign-in (QR code and user code on a terminal; plain
 * `key: value` lines when stdout is not a terminal, so scripts and tests can
 * approve it), waits for the approval and says who signed in.  With
 * --status it resumes the stored sign-in instead and reports it, with one
 * token per system (never the token itself).  The protocol is src/auth's.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "app/signin.h"
#include "cli/cli.h"
#include "core/civil.h"
#include "ui/i18n.h"
#include "ui/words.h"

#define QR_MAX_COLS 80
#define QR_MAX_ROWS 19 /* 24 lines less the text under it */

struct login_state {
	bool done;
	enum app_signin_result status;
	char detail[256];
	bool tty;
	enum mc_errc transport;  /* with APP_SIGNIN_OFFLINE: how the provider failed */
};

static void
on_prompt(void *arg, const struct app_device_prompt *p)
{
	struct login_state *st = arg;
	const char *target = p->verification_uri_complete != NULL ? p->verification_uri_complete
								   : p->verification_uri;
	char *qr = NULL;

	if (!st->tty) {
		/* what the provider sent, one line each, in its visible form */
		cli_printf(stdout, "verification_uri: %s\n", p->verification_uri);
		cli_printf(stdout, "user_code: %s\n", p->user_code);
		if (p->verification_uri_complete != NULL)
			cli_printf(stdout, "verification_uri_complete: %s\n",
				   p->verification_uri_complete);
		fflush(stdout);
		return;
	}
	qr = app_qr(target, QR_MAX_COLS, QR_MAX_ROWS, NULL, NULL);
	if (qr != NULL) {
		fputs(qr, stdout);
		cli_printf(stdout, _("Scan the QR code with your phone, or open %s\n"),
			   p->verification_uri);
	} else {
		cli_printf(stdout, _("Open %s on your phone\n"), p->verification_uri);
	}
	cli_printf(stdout, _("and enter the code: %s   (it expires in %d minute(s))\n"),
		   p->user_code, (p->expires_in + 59) / 60);
	fflush(stdout);
	free(qr);
}

static void
on_done(void *arg, enum app_signin_result r, const char *detail)
{
	struct login_state *st = arg;

	st->done = true;
	st->status = r;
	snprintf(st->detail, sizeof st->detail, "%s", detail != NULL ? detail : "");
}

/* Ask on the terminal whether to get a new code; only when both ends are ttys. */
static bool
ask_new_code(void)
{
	char line[16];

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return false;
	printf("%s", _("Get a new code? [Y/n] "));
	fflush(stdout);
	if (fgets(line, sizeof line, stdin) == NULL)
		return false;
	return line[0] == '\n' || strchr("cCyY", line[0]) != NULL;
}

static int
report_failure(const char *cmd, const struct login_state *st)
{
	char buf[640];

	cli_printf(stderr, "motcua %s: %s\n", cmd,
		   words_signin_failure(st->status, st->transport, st->detail, buf, sizeof buf));
	if (st->status == APP_SIGNIN_NO_SESSION || st->status == APP_SIGNIN_REVOKED)
		fprintf(stderr, "motcua %s: %s\n", cmd, _("sign in with: motcua login"));
	return CLI_FAIL;
}

static void
say_remember(struct app *app)
{
	if (app_signin_remember(app) < 0)
		fprintf(stderr, "motcua login: %s\n",
			_("could not remember the sign-in server; later commands need "
			  "--issuer or MOTCUA_ISSUER"));
}

static int
do_login(struct app *app)
{
	struct login_state st = {0};
	struct app_clerk clerk;

	st.tty = isatty(STDOUT_FILENO);
	for (;;) {
		st.done = false;
		app_signin_device(app, on_prompt, on_done, &st);
		if (app_signin_wait(app, &st.done) != 0)
			return cli_fail("login", "%s", _("network layer failed"));
		if (st.status != APP_SIGNIN_EXPIRED || !ask_new_code())
			break;
	}
	if (st.status != APP_SIGNIN_OK) {
		if (st.status == APP_SIGNIN_EXPIRED)
			fprintf(stderr, "motcua login: %s\n",
				_("run `motcua login` again for a new code"));
		st.transport = app_signin_transport(app);
		return report_failure("login", &st);
	}
	app_clerk(app, &clerk);
	if (st.detail[0] != '\0')
		cli_printf(stderr, "motcua login: %s\n", st.detail);
	if (!clerk.persistent) {
		char buf[640];
		fprintf(stderr, "motcua login: %s\n",
			cli_words_text(N_("nowhere to keep the sign-in (no Secret Service, no "
					  "kernel keyring): it lasts only while this process "
					  "runs"),
				       buf, sizeof buf));
	}
	say_remember(app);
	cli_printf(stdout, _("signed in as %s\n"), clerk.name != NULL      ? clerk.name
						 : clerk.subject != NULL ? clerk.subject
									 : _("(unknown)"));
	fflush(stdout);
	return CLI_OK;
}

struct status_ctx {
	bool json;
	json_t *systems;
};

static void
on_system(void *arg, const struct app_system_token *t)
{
	struct status_ctx *c = arg;
	char when[CIVIL_ISO_LEN];

	if (t->ok)
		civil_format_iso(t->expires_at, when, sizeof when);
	if (c->json) {
		json_t *o = json_pack("{s:s, s:s, s:b}", "name", t->name, "audience", t->audience,
				      "token", t->ok);
		if (t->ok)
			json_object_set_new(o, "token_expires_at", json_string(when));
		else
			json_object_set_new(o, "error", json_string(words_signin(t->why)));
		json_array_append_new(c->systems, o);
	} else if (t->ok) {
		cli_printf(stdout, _("%s: token until %s\n"), t->name, when);
	} else {
		cli_printf(stdout, _("%s: no token: %s%s%s\n"), t->name, words_signin(t->why),
			   t->detail[0] != '\0' ? " " : "", t->detail);
	}
}

static int
do_status(struct app *app, bool json)
{
	struct login_state st = {0};
	struct app_clerk clerk;
	struct status_ctx c = {json, NULL};
	json_t *out = NULL;
	int rc = CLI_OK;

	app_signin_resume(app, on_done, &st);
	if (app_signin_wait(app, &st.done) != 0)
		return cli_fail("login", "%s", _("network layer failed"));
	if (st.status != APP_SIGNIN_OK) {
		if (json) {
			json_t *j = json_pack("{s:b, s:s, s:s}", "signed_in", 0, "status",
					      st.status == APP_SIGNIN_NO_SESSION ? "no_session"
					      : st.status == APP_SIGNIN_REVOKED  ? "revoked"
					      : st.status == APP_SIGNIN_OFFLINE  ? "offline"
										 : "error",
					      "message", words_signin(st.status));
			char *txt = json_dumps(j, JSON_COMPACT);
			puts(txt);
			free(txt);
			json_decref(j);
		}
		st.transport = app_signin_transport(app);
		return report_failure("login", &st);
	}
	app_clerk(app, &clerk);
	if (json) {
		out = json_pack("{s:b, s:s, s:b, s:s}", "signed_in", 1, "issuer", clerk.issuer,
				"persistent", clerk.persistent, "kept_in", clerk.kept_in);
		if (clerk.name != NULL)
			json_object_set_new(out, "name", json_string(clerk.name));
		c.systems = json_array();
	} else {
		say_remember(app);
		cli_printf(stdout, _("signed in as %s\n"),
			   clerk.name != NULL ? clerk.name : _("(unknown)"));
		cli_printf(stdout, _("issuer: %s\n"), clerk.issuer);
		printf(_("kept in: %s\n"), words_kept_in(clerk.kept_in));
	}
	if (app_signin_tokens(app, on_system, &c) > 0)
		rc = CLI_FAIL;
	if (json) {
		char *txt;
		json_object_set_new(out, "systems", c.systems);
		txt = json_dumps(out, JSON_COMPACT);
		puts(txt);
		free(txt);
		json_decref(out);
	}
	return rc;
}

int
cmd_login(int argc, char **argv)
{
	struct app_options o = {.flags = APP_SIGN_IN};
	bool status = false, json = false;
	struct app *app = NULL;
	int rc;

	cli_lang_init(NULL); /* usage errors in the clerk's language too */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--issuer") == 0 && i + 1 < argc)
			o.issuer = argv[++i];
		else if (strcmp(argv[i], "--client-id") == 0 && i + 1 < argc)
			o.client_id = argv[++i];
		else if (strcmp(argv[i], "--status") == 0)
			status = true;
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return cli_usage_error("login", _("unexpected argument '%s'"), argv[i]);
	}
	if (json && !status)
		return cli_usage_error("login", _("--json goes with --status"));
	rc = cli_app_open_with("login", &o, &app);
	if (rc != 0)
		return rc;
	if (!app_signin_available(app)) {
		const struct mc_err *why = app_systems_error(app);
		rc = cli_fail("login", "%s",
			      why->detail[0] != '\0'
				      ? why->detail
				      : _("no sign-in server configured: use --issuer URL, "
					  "MOTCUA_ISSUER or \"issuer\" in config.json"));
	} else {
		rc = status ? do_status(app, json) : do_login(app);
	}
	app_close(app);
	return rc;
}
