/*
 * cmd_sign.c - `motcua sign FILE... (-o OUT | --outdir DIR)`: detached CMS
 * signatures with a PKCS#11 token or a remote (CSC API v2) signer.
 *
 * Wiring only: options, where secrets come from (the terminal with echo off,
 * or --pin-fd / --otp-fd / --access-token-fd for scripts and tests; never
 * argv or the environment), the per-file summary.  Several files are signed
 * in one batch: one PIN entry (token) or one OTP (remote).  With a
 * time-stamping authority (--tsa URL, or signing.tsa_url in config.json)
 * every signature carries an RFC 3161 timestamp, and a file whose timestamp
 * cannot be had is not signed; --no-timestamp signs without one (offline).
 * The protocol is src/sign's; see doc/signing.md.
 */
#include <getopt.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/words.h"

#define CMD "sign"

struct sign_opts {
	const char *output;
	const char *outdir;
	struct app_sign_options s; /* the signer (app/sign_job.h) */
	int pin_fd, otp_fd, access_token_fd;
	const char *tsa;          /* --tsa URL, else signing.tsa_url */
	bool no_timestamp;        /* --no-timestamp */
};

/* ---- signing ------------------------------------------------------------ */

static int
check_outputs(const char *const *files, char **outs, size_t n, const struct sign_opts *o)
{
	for (size_t i = 0; i < n; i++) {
		if (o->output != NULL) {
			outs[i] = xstrdup(o->output);
		} else {
			char *copy = xstrdup(files[i]);
			const char *base = basename(copy);
			size_t len = strlen(o->outdir) + strlen(base) + 6;
			outs[i] = xmalloc(len);
			snprintf(outs[i], len, "%s/%s.p7s", o->outdir, base);
			free(copy);
		}
		if (strcmp(outs[i], files[i]) == 0)
			return cli_usage_error(CMD, _("the output '%s' is the input"), outs[i]);
		for (size_t j = 0; j < i; j++)
			if (strcmp(outs[j], outs[i]) == 0)
				return cli_usage_error(CMD, _("two files would both go to '%s'"),
						       outs[i]);
	}
	return 0;
}

static int
report(struct app *app)
{
	const struct app_sign_result *r;
	size_t n = app_sign_results(app, &r), n_signed = 0;
	bool tsa_failed = false;

	for (size_t i = 0; i < n; i++) {
		tsa_failed = tsa_failed || r[i].sign_error == APP_SIGN_E_TSA;
		if (r[i].outcome == APP_SIGN_SIGNED) {
			n_signed++;
			cli_printf(stdout, _("Signed: %s -> %s\n"), r[i].in[0], r[i].out[0]);
		} else {
			char buf[640];
			cli_printf(stderr, "motcua %s: %s: %s%s%s\n", CMD, r[i].in[0],
				   cli_words_sign(r[i].sign_error, buf, sizeof buf),
				   r[i].sign_detail[0] != '\0' ? ": " : "", r[i].sign_detail);
		}
	}
	if (app_sign_signer(app)[0] != '\0')
		cli_printf(stdout, _("Signer: %s\n"), app_sign_signer(app)); /* a certificate's */
	printf(_("Summary: %zu signed, %zu failed\n"), n_signed, n - n_signed);
	if (tsa_failed)
		fprintf(stderr, "motcua %s: %s\n", CMD,
			_("to sign without a timestamp (offline), add --no-timestamp"));
	if (fflush(stdout) != 0)
		return CLI_FAIL;
	return n_signed == n ? CLI_OK : CLI_FAIL;
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
		{"tsa", required_argument, NULL, 'T'},
		{"no-timestamp", no_argument, NULL, 'N'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:", options, NULL)) != -1) {
		switch (opt) {
		case 'o': o->output = optarg; break;
		case 'd': o->outdir = optarg; break;
		case 'm': o->s.module = optarg; break;
		case 't': o->s.token = optarg; break;
		case 'k': o->s.key = optarg; break;
		case 'r': o->s.remote_url = optarg; break;
		case 'c': o->s.credential = optarg; break;
		case 'T': o->tsa = optarg; break;
		case 'N': o->no_timestamp = true; break;
		case 'P':
		case 'O':
		case 'A': {
			int *fd = opt == 'P' ? &o->pin_fd : opt == 'O' ? &o->otp_fd
								 : &o->access_token_fd;
			if (cli_parse_fd(optarg, fd) != 0)
				return cli_usage_error(CMD, _("'%s' is not a file descriptor"), optarg);
			break;
		}
		default:
			return cli_usage_error(CMD, _("unknown or malformed option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(CMD, _("missing the file to sign"));
	if ((o->output == NULL) == (o->outdir == NULL))
		return cli_usage_error(CMD, _("give exactly one of -o FILE and --outdir DIR"));
	if (o->output != NULL && argc - optind > 1)
		return cli_usage_error(CMD, _("-o takes one file; use --outdir DIR for several"));
	if (o->s.remote_url != NULL && (o->s.module != NULL || o->s.token != NULL))
		return cli_usage_error(CMD, _("--remote and --module/--token exclude each other"));
	if (o->tsa != NULL && o->no_timestamp)
		return cli_usage_error(CMD, _("--tsa and --no-timestamp exclude each other"));
	if (o->tsa != NULL && strncmp(o->tsa, "http://", 7) != 0 &&
	    strncmp(o->tsa, "https://", 8) != 0)
		return cli_usage_error(CMD, _("--tsa wants an http:// or https:// URL, not '%s'"),
				       o->tsa);
	return 0;
}

int
cmd_sign(int argc, char **argv)
{
	struct sign_opts o = {.pin_fd = -1, .otp_fd = -1, .access_token_fd = -1};
	struct app *app = NULL;
	struct app_secret token;
	struct mc_err err;
	const char **files = NULL;
	char **outs = NULL;
	bool can_token, can_remote, env_token;
	size_t n = 0;
	int rc;

	memset(&token, 0, sizeof token);
	cli_lang_init(NULL); /* usage errors in the clerk's language too */
	rc = parse_options(argc, argv, &o);
	if (rc != 0)
		return rc;
	n = (size_t)(argc - optind);
	files = xcalloc(n, sizeof *files);
	outs = xcalloc(n, sizeof *outs);
	for (size_t i = 0; i < n; i++)
		files[i] = argv[optind + (int)i];
	rc = check_outputs(files, outs, n, &o);
	if (rc != 0)
		goto out;
	rc = cli_app_open(CMD, NULL, NULL, APP_SIGN_IN | APP_NO_STORE, &app);
	if (rc != 0)
		goto out;
	/* the remote service unless a token is named (here, $MOTCUA_PKCS11_MODULE,
	 * config.json) and the config sets a remote one */
	app_sign_kinds(app, &can_token, &can_remote);
	env_token = getenv("MOTCUA_PKCS11_MODULE") != NULL &&
		    getenv("MOTCUA_PKCS11_MODULE")[0] != '\0';
	o.s.kind = o.s.remote_url != NULL ? APP_SIGNER_REMOTE
		   : o.s.module != NULL || env_token ||
				   app_config(app)->signing.pkcs11_module != NULL
			   ? APP_SIGNER_TOKEN
		   : can_remote ? APP_SIGNER_REMOTE
				: APP_SIGNER_TOKEN;
	if (o.s.kind == APP_SIGNER_TOKEN && !can_token && o.s.module == NULL) {
		rc = cli_usage_error(CMD, _("no PKCS#11 module: give --module PATH "
					    "(or set MOTCUA_PKCS11_MODULE)"));
		goto out;
	}
	o.s.tsa_url = o.tsa;
	o.s.no_timestamp = o.no_timestamp;
	if (o.s.kind == APP_SIGNER_REMOTE && o.access_token_fd >= 0) {
		if (app_secret_read(o.access_token_fd, NULL, &token) != 0) {
			rc = cli_fail(CMD, _("cannot read the access token from fd %d"),
				      o.access_token_fd);
			goto out;
		}
		o.s.access_token = token.value;
	}
	if (app_sign_files_start(app, files, (const char *const *)outs, n, &o.s, &err) != 0) {
		rc = cli_fail_err(CMD, &err);
		goto out;
	}
	app_secret_wipe(&token);
	cli_sign_drive(app, o.pin_fd, o.otp_fd);
	rc = report(app);
out:
	app_secret_wipe(&token);
	for (size_t i = 0; i < n; i++)
		free(outs[i]);
	free(outs);
	free(files);
	app_close(app);
	return rc;
}
