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

#include "auth/auth.h"
#include "auth/qr.h"
#include "auth/session.h"
#include "cli/cli.h"
#include "core/civil.h"
#include "core/xalloc.h"
#include "store/audit.h"

#define QR_MAX_COLS 80
#define QR_MAX_ROWS 19 /* 24 lines less the text under it */

struct login_state {
	bool done;
	enum auth_status status;
	char detail[256];
	bool tty;
};

static void
on_prompt(struct auth *auth, const struct auth_device_prompt *p, void *arg)
{
	struct login_state *st = arg;
	const char *target = p->verification_uri_complete != NULL ? p->verification_uri_complete
								   : p->verification_uri;
	char *qr = NULL;

	(void)auth;
	if (!st->tty) {
		printf("verification_uri: %s\nuser_code: %s\n", p->verification_uri, p->user_code);
		if (p->verification_uri_complete != NULL)
			printf("verification_uri_complete: %s\n", p->verification_uri_complete);
		fflush(stdout);
		return;
	}
	if (auth_qr_terminal_ok(getenv("TERM"), getenv("LC_ALL"), getenv("LC_CTYPE"),
				getenv("LANG")))
		qr = auth_qr_render(target, getenv("MOTCUA_QR_DARK_ON_LIGHT") != NULL
						    ? AUTH_QR_DARK_ON_LIGHT : 0,
				    QR_MAX_COLS, QR_MAX_ROWS, NULL, NULL);
	if (qr != NULL) {
		fputs(qr, stdout);
		printf("Quét mã QR bằng điện thoại, hoặc mở %s\n", p->verification_uri);
	} else {
		printf("Mở %s trên điện thoại\n", p->verification_uri);
	}
	printf("và nhập mã: %s   (hết hạn sau %d phút)\n", p->user_code,
	       (p->expires_in + 59) / 60);
	printf("(Scan the code or open %s and enter %s.)\n", p->verification_uri, p->user_code);
	fflush(stdout);
	free(qr);
}

static void
on_done(struct auth *auth, enum auth_status status, const char *detail, void *arg)
{
	struct login_state *st = arg;

	(void)auth;
	st->done = true;
	st->status = status;
	snprintf(st->detail, sizeof st->detail, "%s", detail != NULL ? detail : "");
}

/* Ask on the terminal whether to get a new code; only when both ends are ttys. */
static bool
ask_new_code(void)
{
	char line[16];

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return false;
	printf("Lấy mã mới? [C/k] (get a new code? [Y/n]) ");
	fflush(stdout);
	if (fgets(line, sizeof line, stdin) == NULL)
		return false;
	return line[0] == '\n' || strchr("cCyY", line[0]) != NULL;
}

static int
report_failure(const char *cmd, const struct login_state *st)
{
	if (st->detail[0] != '\0')
		return cli_fail(cmd, "%s [%s]", auth_status_message(st->status), st->detail);
	return cli_fail(cmd, "%s", auth_status_message(st->status));
}

/* The audit log's "signin": who, by which provider (no token, ever). */
static void
audit_signin(const struct auth_info *info)
{
	json_t *o = json_pack("{s:s?,s:s?,s:s}", "name", info->name, "issuer", info->issuer,
			      "how", "device");
	char *details = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

	cli_audit_note(NULL, info->subject != NULL ? info->subject : info->name,
		       STORE_AUDIT_SIGNIN, NULL, NULL, details);
	free(details);
	json_decref(o);
}

static int
do_login(struct auth_session *s)
{
	struct login_state st = {0};
	struct auth_info info;

	st.tty = isatty(STDOUT_FILENO);
	for (;;) {
		st.done = false;
		auth_sign_in(s->auth, on_prompt, on_done, &st);
		if (auth_session_wait(s, &st.done) != 0)
			return cli_fail("login", "network layer failed");
		if (st.status != AUTH_EXPIRED || !ask_new_code())
			break;
	}
	if (st.status != AUTH_OK) {
		if (st.status == AUTH_EXPIRED)
			fprintf(stderr, "motcua login: chạy lại `motcua login` để lấy mã mới "
					"(run `motcua login` again for a new code)\n");
		return report_failure("login", &st);
	}
	auth_get_info(s->auth, &info);
	audit_signin(&info);
	if (st.detail[0] != '\0')
		fprintf(stderr, "motcua login: %s\n", st.detail);
	if (!info.persistent && s->keyring_notice != NULL)
		fprintf(stderr, "motcua login: %s\n", s->keyring_notice);
	if (auth_session_remember(s) < 0)
		fprintf(stderr, "motcua login: could not remember the sign-in server; later "
				"commands need --issuer or MOTCUA_ISSUER\n");
	printf("signed in as %s\n", info.name != NULL ? info.name
				  : info.subject != NULL ? info.subject : "(unknown)");
	fflush(stdout);
	return CLI_OK;
}

struct token_state {
	bool done;
	enum auth_status status;
	char detail[128];
};

static void
on_token(struct auth *auth, enum auth_status status, const char *token, const char *detail,
	 void *arg)
{
	struct token_state *ts = arg;

	(void)auth;
	(void)token; /* never shown */
	ts->done = true;
	ts->status = status;
	snprintf(ts->detail, sizeof ts->detail, "%s", detail != NULL ? detail : "");
}

static int
do_status(struct auth_session *s, bool json)
{
	struct login_state st = {0};
	struct auth_info info;
	struct auth_system_info si;
	json_t *out = NULL, *systems = NULL;
	char when[CIVIL_ISO_LEN];
	int rc = CLI_OK;

	auth_resume(s->auth, on_done, &st);
	if (auth_session_wait(s, &st.done) != 0)
		return cli_fail("login", "network layer failed");
	if (st.status != AUTH_OK) {
		if (json) {
			json_t *j = json_pack("{s:b, s:s, s:s}", "signed_in", 0, "status",
					      st.status == AUTH_NO_SESSION ? "no_session"
					      : st.status == AUTH_REVOKED  ? "revoked"
					      : st.status == AUTH_OFFLINE  ? "offline"
									   : "error",
					      "message", auth_status_message(st.status));
			char *txt = json_dumps(j, JSON_COMPACT);
			puts(txt);
			free(txt);
			json_decref(j);
		}
		return report_failure("login", &st);
	}
	auth_get_info(s->auth, &info);
	if (json) {
		out = json_pack("{s:b, s:s, s:b}", "signed_in", 1, "issuer", info.issuer,
				"persistent", info.persistent);
		if (info.name != NULL)
			json_object_set_new(out, "name", json_string(info.name));
		systems = json_array();
	} else {
		if (auth_session_remember(s) < 0)
		fprintf(stderr, "motcua login: could not remember the sign-in server; later "
				"commands need --issuer or MOTCUA_ISSUER\n");
	printf("signed in as %s\n", info.name != NULL ? info.name : "(unknown)");
		printf("issuer: %s\n", info.issuer);
		printf("keyring: %s\n", info.persistent ? "Secret Service" : "memory only");
	}
	for (size_t i = 0; auth_get_system(s->auth, i, &si) == 0; i++) {
		struct token_state ts = {0};
		auth_system_token(s->auth, si.name, on_token, &ts);
		if (auth_session_wait(s, &ts.done) != 0)
			return cli_fail("login", "network layer failed");
		auth_get_system(s->auth, i, &si);
		if (ts.status == AUTH_OK)
			civil_format_iso(si.token_expires_at, when, sizeof when);
		else
			rc = CLI_FAIL;
		if (json) {
			json_t *o = json_pack("{s:s, s:s, s:b}", "name", si.name, "audience",
					      si.audience, "token", ts.status == AUTH_OK);
			if (ts.status == AUTH_OK)
				json_object_set_new(o, "token_expires_at", json_string(when));
			else
				json_object_set_new(o, "error",
						    json_string(auth_status_message(ts.status)));
			json_array_append_new(systems, o);
		} else if (ts.status == AUTH_OK) {
			printf("%s: token until %s\n", si.name, when);
		} else {
			printf("%s: no token: %s%s%s\n", si.name, auth_status_message(ts.status),
			       ts.detail[0] != '\0' ? " " : "", ts.detail);
		}
	}
	if (json) {
		char *txt;
		json_object_set_new(out, "systems", systems);
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
	const char *issuer = NULL, *client_id = NULL;
	bool status = false, json = false;
	struct auth_session s;
	char *cause = NULL;
	int rc;

	auth_json_wipe_on_free();
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--issuer") == 0 && i + 1 < argc)
			issuer = argv[++i];
		else if (strcmp(argv[i], "--client-id") == 0 && i + 1 < argc)
			client_id = argv[++i];
		else if (strcmp(argv[i], "--status") == 0)
			status = true;
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return cli_usage_error("login", "unexpected argument '%s'", argv[i]);
	}
	if (json && !status)
		return cli_usage_error("login", "--json goes with --status");
	if (auth_session_open(&s, issuer, client_id, &cause) != 0) {
		rc = cli_fail("login", "%s", cause);
		free(cause);
		auth_session_release(&s);
		return rc;
	}
	rc = status ? do_status(&s, json) : do_login(&s);
	auth_session_release(&s);
	return rc;
}
