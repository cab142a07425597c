/*
 * signer.c - the signer options, secrets and access token the signing
 * commands share (signer.h).  Moved out of cmd_sign.c so `motcua act
 * --sign` opens a token or remote signer exactly as `motcua sign` does.
 */
#include "app/signer.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "cli/cli.h"
#include "core/xalloc.h"

int
cli_signer_ask_secret(void *arg, enum sign_secret_kind kind, const char *prompt,
		      struct sign_secret *out)
{
	const struct cli_signer_ask *ctx = arg;

	return sign_read_secret(kind == SIGN_SECRET_PIN ? ctx->pin_fd : ctx->otp_fd, prompt,
				out);
}

int
cli_signer_fail(const char *cmd, const struct sign_error *err)
{
	return cli_fail(cmd, "%s (%s)%s%s", sign_status_text(err->status, SIGN_LANG_VI),
			sign_status_text(err->status, SIGN_LANG_EN),
			err->detail[0] != '\0' ? ": " : "", err->detail);
}

int
cli_parse_fd(const char *s, int *fd)
{
	char *end = NULL;
	long v = strtol(s, &end, 10);

	if (end == s || *end != '\0' || v < 0 || v > 1024)
		return -1;
	*fd = (int)v;
	return 0;
}

/* ---- the access token for the remote signer ---------------------------- */

struct token_wait {
	bool done;
	enum auth_status status;
	char *token;
};

static void
on_token(struct auth *auth, enum auth_status status, const char *token, const char *detail,
	 void *arg)
{
	struct token_wait *w = arg;

	(void)auth;
	(void)detail;
	w->status = status;
	if (status == AUTH_OK && token != NULL)
		w->token = xstrdup(token);
	w->done = true;
}

/* The sign-in's token for system "csc" (token exchange), into *token. */
static int
session_token(const char *cmd, struct sign_secret *token)
{
	struct auth_session s;
	struct token_wait w = {false, AUTH_OK, NULL};
	char *cause = NULL;
	int rc = -1;

	if (auth_session_open(&s, NULL, NULL, &cause) != 0) {
		cli_fail(cmd, "%s", cause != NULL ? cause : "cannot open the sign-in");
		goto out;
	}
	auth_system_token(s.auth, "csc", on_token, &w);
	if (auth_session_wait(&s, &w.done) != 0 || w.status != AUTH_OK || w.token == NULL) {
		cli_fail(cmd, "%s", auth_status_message(w.status));
		goto out;
	}
	if (strlen(w.token) >= sizeof(token->value)) {
		cli_fail(cmd, "the access token is too long");
		goto out;
	}
	token->len = strlen(w.token);
	memcpy(token->value, w.token, token->len + 1);
	rc = 0;
out:
	if (w.token != NULL)
		explicit_bzero(w.token, strlen(w.token));
	free(w.token);
	free(cause);
	auth_session_release(&s);
	return rc;
}

struct signer *
cli_signer_make(const char *cmd, const struct cli_signer_opts *o, struct cli_signer_ask *ask,
		struct net **net, struct sign_secret *bearer, int *rc)
{
	const char *module = o->module != NULL ? o->module : getenv("MOTCUA_PKCS11_MODULE");
	const char *cause = NULL;

	if (o->remote == NULL) {
		if (module == NULL || module[0] == '\0') {
			*rc = cli_usage_error(cmd, "no PKCS#11 module: give --module PATH "
						   "(or set MOTCUA_PKCS11_MODULE)");
			return NULL;
		}
		struct sign_pkcs11_config pc = {module, o->token, cli_signer_ask_secret, ask};
		return sign_pkcs11_new(&pc);
	}
	if (o->access_token_fd >= 0
		    ? sign_read_secret(o->access_token_fd, NULL, bearer) != 0
		    : session_token(cmd, bearer) != 0) {
		*rc = o->access_token_fd >= 0
			      ? cli_fail(cmd, "cannot read the access token from fd %d",
					 o->access_token_fd)
			      : CLI_FAIL;
		return NULL;
	}
	*net = net_new(&cause);
	if (*net == NULL) {
		*rc = cli_fail(cmd, "%s", cause != NULL ? cause : "no network");
		return NULL;
	}
	struct sign_remote_config rc_cfg = {o->remote, bearer->value, *net,
					    cli_signer_ask_secret, ask};
	return sign_remote_new(&rc_cfg);
}

void
cli_signer_apply_config(const char *cmd, const char *config_file, struct cli_signer_opts *o,
			struct config *cfg)
{
	struct config_paths paths;
	char *cause = NULL;

	config_init(cfg);
	config_paths_init(&paths, config_file);
	if (config_load(cfg, paths.config_file, &cause, NULL, NULL) < 0) {
		fprintf(stderr, "motcua %s: %s; using the command line only\n", cmd, cause);
		free(cause);
	}
	config_paths_release(&paths);
	if (o->remote == NULL && o->module == NULL && getenv("MOTCUA_PKCS11_MODULE") == NULL &&
	    cfg->signing.pkcs11_module == NULL && cfg->signing.remote_url != NULL) {
		o->remote = cfg->signing.remote_url;
		if (o->credential == NULL)
			o->credential = cfg->signing.credential;
		return;
	}
	if (o->remote != NULL) {
		if (o->credential == NULL)
			o->credential = cfg->signing.credential;
		return;
	}
	if (o->module == NULL && getenv("MOTCUA_PKCS11_MODULE") == NULL)
		o->module = cfg->signing.pkcs11_module;
	if (o->token == NULL)
		o->token = cfg->signing.token;
	if (o->key == NULL)
		o->key = cfg->signing.key;
}
