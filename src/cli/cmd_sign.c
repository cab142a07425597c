/*
 * cmd_sign.c - `motcua sign FILE... (-o OUT | --outdir DIR)`: detached CMS
 * signatures with a PKCS#11 token or a remote (CSC API v2) signer.
 *
 * Wiring only: options, where secrets come from (the terminal with echo off,
 * or --pin-fd / --otp-fd / --access-token-fd for scripts and tests; never
 * argv or the environment), the per-file summary.  Several files are signed
 * in one batch: one PIN entry (token) or one OTP (remote).  The protocol is
 * src/sign's; see doc/signing.md.
 */
#include <getopt.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/session.h"
#include "cli/cli.h"
#include "config/config.h"
#include "core/xalloc.h"
#include "sign/sign.h"

#define CMD "sign"

struct sign_opts {
	const char *output;
	const char *outdir;
	const char *module;
	const char *token;
	const char *key;
	const char *remote;
	const char *credential;
	int pin_fd;
	int otp_fd;
	int access_token_fd;
};

struct ask_ctx {
	int pin_fd;
	int otp_fd;
};

static int
ask_secret(void *arg, enum sign_secret_kind kind, const char *prompt, struct sign_secret *out)
{
	const struct ask_ctx *ctx = arg;

	return sign_read_secret(kind == SIGN_SECRET_PIN ? ctx->pin_fd : ctx->otp_fd, prompt,
				out);
}

static int
fail_sign(const struct sign_error *err)
{
	return cli_fail(CMD, "%s (%s)%s%s", sign_status_text(err->status, SIGN_LANG_VI),
			sign_status_text(err->status, SIGN_LANG_EN),
			err->detail[0] != '\0' ? ": " : "", err->detail);
}

static int
parse_fd(const char *s, int *fd)
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
session_token(struct sign_secret *token)
{
	struct auth_session s;
	struct token_wait w = {false, AUTH_OK, NULL};
	char *cause = NULL;
	int rc = -1;

	if (auth_session_open(&s, NULL, NULL, &cause) != 0) {
		cli_fail(CMD, "%s", cause != NULL ? cause : "cannot open the sign-in");
		goto out;
	}
	auth_system_token(s.auth, "csc", on_token, &w);
	if (auth_session_wait(&s, &w.done) != 0 || w.status != AUTH_OK || w.token == NULL) {
		cli_fail(CMD, "%s", auth_status_message(w.status));
		goto out;
	}
	if (strlen(w.token) >= sizeof(token->value)) {
		cli_fail(CMD, "the access token is too long");
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

/* ---- signing ------------------------------------------------------------ */

static int
check_outputs(struct sign_job *jobs, char **outs, size_t n, const struct sign_opts *o)
{
	for (size_t i = 0; i < n; i++) {
		if (o->output != NULL) {
			outs[i] = xstrdup(o->output);
		} else {
			char *copy = xstrdup(jobs[i].path);
			const char *base = basename(copy);
			size_t len = strlen(o->outdir) + strlen(base) + 6;
			outs[i] = xmalloc(len);
			snprintf(outs[i], len, "%s/%s.p7s", o->outdir, base);
			free(copy);
		}
		jobs[i].out_path = outs[i];
		if (strcmp(outs[i], jobs[i].path) == 0)
			return cli_usage_error(CMD, "the output '%s' is the input", outs[i]);
		for (size_t j = 0; j < i; j++)
			if (strcmp(outs[j], outs[i]) == 0)
				return cli_usage_error(CMD, "two files would both go to '%s'",
						       outs[i]);
	}
	return 0;
}

static int
report(const struct sign_job *jobs, size_t n, size_t n_signed, const struct sign_key *key)
{
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].status == SIGN_OK)
			printf("Đã ký (signed): %s -> %s\n", jobs[i].path, jobs[i].out_path);
		else
			fprintf(stderr, "motcua %s: %s: %s (%s)%s%s\n", CMD, jobs[i].path,
				sign_status_text(jobs[i].status, SIGN_LANG_VI),
				sign_status_text(jobs[i].status, SIGN_LANG_EN),
				jobs[i].detail[0] != '\0' ? ": " : "", jobs[i].detail);
	}
	char cn[256] = "";
	X509_NAME_get_text_by_NID(X509_get_subject_name(key->cert), NID_commonName, cn,
				  (int)sizeof(cn));
	printf("Người ký (signer): %s\n", cn);
	printf("Tổng kết (summary): %zu đã ký (signed), %zu lỗi (failed)\n", n_signed,
	       n - n_signed);
	if (fflush(stdout) != 0)
		return CLI_FAIL;
	return n_signed == n ? CLI_OK : CLI_FAIL;
}

static struct signer *
make_signer(const struct sign_opts *o, struct ask_ctx *ask, struct net **net,
	    struct sign_secret *bearer, int *rc)
{
	const char *module = o->module != NULL ? o->module : getenv("MOTCUA_PKCS11_MODULE");
	const char *cause = NULL;

	if (o->remote == NULL) {
		if (module == NULL || module[0] == '\0') {
			*rc = cli_usage_error(CMD, "no PKCS#11 module: give --module PATH "
						   "(or set MOTCUA_PKCS11_MODULE)");
			return NULL;
		}
		struct sign_pkcs11_config pc = {module, o->token, ask_secret, ask};
		return sign_pkcs11_new(&pc);
	}
	if (o->access_token_fd >= 0
		    ? sign_read_secret(o->access_token_fd, NULL, bearer) != 0
		    : session_token(bearer) != 0) {
		*rc = o->access_token_fd >= 0
			      ? cli_fail(CMD, "cannot read the access token from fd %d",
					 o->access_token_fd)
			      : CLI_FAIL;
		return NULL;
	}
	*net = net_new(&cause);
	if (*net == NULL) {
		*rc = cli_fail(CMD, "%s", cause != NULL ? cause : "no network");
		return NULL;
	}
	struct sign_remote_config rc_cfg = {o->remote, bearer->value, *net, ask_secret, ask};
	return sign_remote_new(&rc_cfg);
}

static int
parse_options(int argc, char **argv, struct sign_opts *o)
{
	static const struct option options[] = {
		{"output", required_argument, NULL, 'o'},
		{"outdir", required_argument, NULL, 'd'},
		{"module", required_argument, NULL, 'm'},
		{"token", required_argument, NULL, 't'},
		{"key", required_argument, NULL, 'k'},
		{"remote", required_argument, NULL, 'r'},
		{"credential", required_argument, NULL, 'c'},
		{"pin-fd", required_argument, NULL, 'P'},
		{"otp-fd", required_argument, NULL, 'O'},
		{"access-token-fd", required_argument, NULL, 'A'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:", options, NULL)) != -1) {
		switch (opt) {
		case 'o': o->output = optarg; break;
		case 'd': o->outdir = optarg; break;
		case 'm': o->module = optarg; break;
		case 't': o->token = optarg; break;
		case 'k': o->key = optarg; break;
		case 'r': o->remote = optarg; break;
		case 'c': o->credential = optarg; break;
		case 'P':
		case 'O':
		case 'A': {
			int *fd = opt == 'P' ? &o->pin_fd : opt == 'O' ? &o->otp_fd
								 : &o->access_token_fd;
			if (parse_fd(optarg, fd) != 0)
				return cli_usage_error(CMD, "'%s' is not a file descriptor", optarg);
			break;
		}
		default:
			return cli_usage_error(CMD, "unknown or malformed option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(CMD, "missing the file to sign");
	if ((o->output == NULL) == (o->outdir == NULL))
		return cli_usage_error(CMD, "give exactly one of -o FILE and --outdir DIR");
	if (o->output != NULL && argc - optind > 1)
		return cli_usage_error(CMD, "-o takes one file; use --outdir DIR for several");
	if (o->remote != NULL && (o->module != NULL || o->token != NULL))
		return cli_usage_error(CMD, "--remote and --module/--token exclude each other");
	return 0;
}

/*
 * Fill what the command line left open from config.json's "signing" section:
 * the token (module, token, key) unless --remote was given, or the remote
 * signer when neither --module nor --remote was.  A malformed config file is
 * reported and the command line alone is used.
 */
static void
apply_config(struct sign_opts *o, struct config *cfg)
{
	struct config_paths paths;
	char *cause = NULL;

	config_init(cfg);
	config_paths_init(&paths, NULL);
	if (config_load(cfg, paths.config_file, &cause, NULL, NULL) < 0) {
		fprintf(stderr, "motcua %s: %s; using the command line only\n", CMD, cause);
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

int
cmd_sign(int argc, char **argv)
{
	struct config cfg;
	struct sign_opts o = {.pin_fd = -1, .otp_fd = -1, .access_token_fd = -1};
	struct ask_ctx ask;
	struct sign_secret bearer;
	struct sign_error err = {SIGN_OK, ""};
	struct signer *signer = NULL;
	struct net *net = NULL;
	const struct sign_key *key = NULL;
	struct sign_job *jobs = NULL;
	char **outs = NULL;
	size_t n = 0;
	int rc;

	memset(&bearer, 0, sizeof(bearer));
	auth_json_wipe_on_free(); /* the OTP, the SAD and tokens pass through JSON */
	rc = parse_options(argc, argv, &o);
	if (rc != 0)
		return rc;
	apply_config(&o, &cfg);
	ask.pin_fd = o.pin_fd;
	ask.otp_fd = o.otp_fd;
	n = (size_t)(argc - optind);
	jobs = xcalloc(n, sizeof(*jobs));
	outs = xcalloc(n, sizeof(*outs));
	for (size_t i = 0; i < n; i++)
		jobs[i].path = argv[optind + (int)i];
	rc = check_outputs(jobs, outs, n, &o);
	if (rc != 0)
		goto out;
	signer = make_signer(&o, &ask, &net, &bearer, &rc);
	if (signer == NULL)
		goto out;
	if (signer_open(signer, &err) != 0 ||
	    signer_pick_key(signer, o.remote != NULL ? o.credential : o.key, &key, &err) != 0) {
		rc = fail_sign(&err);
		goto out;
	}
	size_t n_signed = sign_files(signer, key, jobs, n, time(NULL));
	rc = report(jobs, n, n_signed, key);
out:
	signer_close(signer);
	sign_secret_wipe(&bearer);
	net_free(net);
	for (size_t i = 0; i < n; i++)
		free(outs[i]);
	free(outs);
	free(jobs);
	config_release(&cfg);
	return rc;
}
